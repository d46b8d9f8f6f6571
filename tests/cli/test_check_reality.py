#!/usr/bin/env python3
"""Proof against reality (issue 7): `shipready check --target dir:ROOT` on
real root directories, compared with what happens when the program is run
in that root.

    python3 tests/cli/test_check_reality.py SHIPREADY FIXTURE_DIR [--reality-only]

The roots and programs are built by tests/fixtures/reality/build.sh into
FIXTURE_DIR/../reality (outside the fixture directory other tests walk; the
sanitizer build, whose fixture_dir is the first build's, reuses the cache):
an empty root, a musl-only root, Debian bookworm minbase (debootstrap, with
CA roots and zoneinfo) and variants without CA roots, without zoneinfo and
with an older or the right libcustom.so.1, and bullseye minbase (glibc
2.31).  Programs: C static, glibc-dynamic, musl-dynamic and -static, static
user lookups (glibc, musl), a program needing custom_v2@CUSTOM_2.0, Go
CGO_ENABLED=0 and =1 verifying a certificate of the test CA against the
system roots and loading America/New_York, and an aarch64 static program.

Each program is copied into the root (ROOT/shipready-reality.PID/, removed
afterwards) and started with chroot(2) + execve(2) directly, as a container
runtime does.  Not with chroot(1): it uses execvp(3), which on ENOEXEC runs
the file with the root's /bin/sh (dash then prints "Syntax error", and in an
empty root the failing /bin/sh turns it into ENOENT), so chroot(1) does not
show what the kernel said.  Real outcome classes:
  runs              started (first line "shipready-reality: started") and
                    every feature it tried worked
  ca-roots, zoneinfo, user-db
                    started, and reported that feature failing (the program's
                    own lines "ca-roots: ERROR", …; exit 16 + bits)
  exec-format       execve: ENOEXEC ("Exec format error")
  interpreter       execve: ENOENT while the file is there (PT_INTERP missing)
  library           ld.so: "error while loading shared libraries: X: cannot
                    open shared object file"
  symbol-version    ld.so: "version `X' not found"
  other             anything else (a crash, a timeout): always a disagreement

Agreement, per program and root:
  - the program did not start with class K  <=>  verdict "fails" with a
    failure finding of kind K (for "interpreter", kind "libc" also counts:
    it names the same missing loader), and the library or version the
    loader named (libcustom.so.1, GLIBC_2.34, …) is the one in the finding;
  - the program started  <=>  verdict runs, warn or unknown;
  - for ca-roots, zoneinfo and user-db: a warning of that kind  <=>  the
    program reported that feature failing (a program that never uses the
    feature must get no such warning).
Other findings (dns, nss, …) are shown but not judged: no program here
exercises them.  The facts of each target must be true as well: arch and
kernel (this machine's), the C library, and its version as the root's own
C library prints it (glibc's libc.so.6 run as a program, musl's loader run
without arguments; shipready may leave musl's version out).  The tables
list every root and case; any disagreement fails.

Exit 77 (skip) with "skipped: REASON" when the roots cannot be made (not
root, the Debian mirror unreachable).  --reality-only prints the real
outcomes without running shipready.
"""
import errno
import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

BUILD = os.path.join(common.REPO, "tests", "fixtures", "reality", "build.sh")
CHECK_SCHEMA = os.path.join(common.REPO, "docs", "schema", "check.json")
MARK = "shipready-reality: started"

ROOTS = ["scratch", "musl", "bookworm", "bookworm-noca", "bookworm-notz",
         "bookworm-custom1", "bookworm-custom2", "bullseye"]
# program -> (arguments inside the root ({dir}: its directory there),
#             features it exercises and reports)
PROGRAMS = {
    "c-static": ([], set()),
    "c-glibc": ([], set()),
    "c-musl": ([], set()),
    "c-musl-static": ([], set()),
    "c-user-static": ([], {"user-db"}),
    "c-user-musl-static": ([], {"user-db"}),
    "c-custom": ([], set()),
    "go-static": (["{dir}/leaf.pem"], {"ca-roots", "zoneinfo"}),
    "go-cgo": (["{dir}/leaf.pem"], {"ca-roots", "zoneinfo"}),
    "c-aarch64-static": ([], set()),
}
FEATURES = ("ca-roots", "zoneinfo", "user-db")
FEATURE_BIT = {"ca-roots": 1, "zoneinfo": 2, "user-db": 4}
NOSTART = ("exec-format", "interpreter", "library", "symbol-version")
# a finding of this kind explains a real failure of that class as well
SAME_FAILURE = {"interpreter": {"interpreter", "libc"}}

LIB_RE = re.compile(r"error while loading shared libraries: (\S+): cannot open shared object file")
VER_RE = re.compile(r"version `([^']+)' not found")


# ---------------------------------------------------------------- building

def build(outdir):
    """Run the fixture script under a lock; exit 77 when it says skipped."""
    os.makedirs(outdir, exist_ok=True)
    with open(outdir.rstrip("/") + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        p = subprocess.run(["sh", BUILD, outdir], stdout=subprocess.PIPE, errors="replace")
        sys.stdout.write(p.stdout)
        if p.returncode == 77:
            sys.exit(77)
        if p.returncode != 0:
            print("FAIL: building the reality roots into %s failed (see %s/build.log)" % (outdir, outdir))
            sys.exit(1)
    return os.path.realpath(outdir)


def aarch64_binfmt():
    """The binfmt_misc entry that would run aarch64 ELF programs, or None."""
    d = "/proc/sys/fs/binfmt_misc"
    try:
        names = os.listdir(d)
    except OSError:
        return None
    for n in names:
        if n in ("register", "status"):
            continue
        try:
            with open(os.path.join(d, n)) as f:
                text = f.read()
        except OSError:
            continue
        # magic of an ELF64 little-endian aarch64 program: e_machine 0xb7 at offset 18
        m = re.search(r"^magic ([0-9a-f]+)", text, re.M)
        if text.startswith("enabled") and m and m.group(1).startswith("7f454c460201") \
                and m.group(1)[36:40] == "b700":
            return n
    return None


# ---------------------------------------------------------------- running for real

class Outcome:
    def __init__(self, cls, key=None, rc=None, out="", err="", features=(), started=False):
        self.cls = cls              # see the module docstring; "ca-roots+zoneinfo" for two
        self.started = started
        self.key = key              # the library or version the loader named
        self.rc = rc
        self.out = out
        self.err = err
        self.features = set(features)   # features the program reported failing

    def label(self):
        if self.cls in ("library", "symbol-version"):
            return "%s (%s)" % (self.cls, self.key)
        return self.cls

    def detail(self):
        line = (self.err.strip().splitlines() or self.out.strip().splitlines() or [""])[0]
        return "exit %s: %s" % (self.rc, line[:160])


def run_in_root(root, path, args, timeout=30):
    """chroot(2) into root, execve(2) path: an Outcome."""
    def enter():
        os.chroot(root)
        os.chdir("/")
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
    try:
        p = subprocess.run([path] + args, executable=path, preexec_fn=enter, env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, errors="surrogateescape")
    except subprocess.TimeoutExpired:
        return Outcome("other", rc="timeout", err="timed out after %d s" % timeout)
    except OSError as e:
        msg = os.strerror(e.errno)
        if e.errno == errno.ENOEXEC:
            return Outcome("exec-format", rc="execve", err=msg)
        if e.errno == errno.ENOENT and os.path.exists(root + path):
            return Outcome("interpreter", rc="execve", err=msg)
        return Outcome("other", rc="execve", err=msg)
    if p.returncode < 0:
        return Outcome("other", rc="signal %s" % signal.Signals(-p.returncode).name, out=p.stdout, err=p.stderr)
    m = LIB_RE.search(p.stderr)
    if m and p.returncode == 127:
        return Outcome("library", key=m.group(1), rc=p.returncode, out=p.stdout, err=p.stderr)
    m = VER_RE.search(p.stderr)
    if m and p.returncode == 1 and MARK not in p.stdout:
        return Outcome("symbol-version", key=m.group(1), rc=p.returncode, out=p.stdout, err=p.stderr)
    lines = p.stdout.splitlines()
    if not lines or lines[0] != MARK:
        return Outcome("other", rc=p.returncode, out=p.stdout, err=p.stderr)
    failed = set()
    for line in lines[1:]:
        k, _, rest = line.partition(": ")
        if k in FEATURES and not rest.startswith("ok"):
            failed.add(k)
    want = 0 if not failed else 16 | sum(FEATURE_BIT[k] for k in failed)
    if p.returncode != want:
        return Outcome("other", rc=p.returncode, out=p.stdout, err=p.stderr)
    return Outcome("+".join(sorted(failed)) if failed else "runs", rc=p.returncode, out=p.stdout,
                   err=p.stderr, features=failed, started=True)


def remove_stale(root):
    """Remove ROOT/shipready-reality.PID directories of runs no longer alive."""
    for n in os.listdir(root):
        m = re.match(r"^shipready-reality\.(\d+)$", n)
        if not m:
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(os.path.join(root, n))
        except PermissionError:
            pass


def run_all(out, progs):
    """{(root, program): Outcome} for every root and program."""
    res = {}
    sub = "shipready-reality.%d" % os.getpid()
    for rname in ROOTS:
        root = os.path.join(out, "roots", rname)
        remove_stale(root)
        inside = os.path.join(root, sub)
        os.mkdir(inside)
        try:
            shutil.copy(os.path.join(out, "pki", "leaf.pem"), inside)
            for prog in progs:
                shutil.copy(os.path.join(out, "progs", prog), inside)
            for prog in progs:
                args = [a.format(dir="/" + sub) for a in PROGRAMS[prog][0]]
                res[(rname, prog)] = run_in_root(root, "/%s/%s" % (sub, prog), args)
        finally:
            shutil.rmtree(inside)
    return res


def real_libc(root):
    """(libc, version) of a root, from its C library itself: glibc's
    libc.so.6 run as a program prints "... release version 2.36.", musl's
    loader run without arguments prints "Version 1.2.3"; ("none", None)
    when it has neither."""
    for lib in ("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6",
                "/lib64/libc.so.6", "/usr/lib64/libc.so.6"):
        if os.path.exists(root + lib):
            o = run_in_root(root, lib, [])
            m = re.search(r"release version (\d+\.\d+)", o.out)
            return ("glibc", m.group(1) if m else "?" + o.detail())
    if os.path.lexists(root + "/lib/ld-musl-x86_64.so.1"):
        o = run_in_root(root, "/lib/ld-musl-x86_64.so.1", [])
        m = re.search(r"^Version (\S+)", o.err, re.M)
        return ("musl", m.group(1) if m else "?" + o.detail())
    return ("none", None)


def judge_target(t, libc, version):
    """Disagreements between a target's facts in the JSON and the root."""
    why = []
    # a root runs on this machine's kernel: its release, numbers only
    # ("6.1.0" of "6.1.0-18-amd64"; a shorter "6.1" is as true)
    release = re.match(r"\d+(\.\d+)*", os.uname().release).group(0)
    k = t.get("kernel") or ""
    if not (k == release or release.startswith(k + ".")):
        why.append("kernel: shipready says %r, this machine runs %s" % (t.get("kernel"), os.uname().release))
    for what, g, w in (("arch", t.get("arch"), os.uname().machine), ("libc", t.get("libc"), libc)):
        if g != w:
            why.append("%s: shipready says %r, the root has %r" % (what, g, w))
    v = t.get("libc_version")
    if libc == "glibc" and v != version:
        why.append("libc_version: shipready says %r, the root's libc.so.6 says %s" % (v, version))
    elif libc == "musl" and v is not None and v != version:
        why.append("libc_version: shipready says %r, the root's musl loader says %s" % (v, version))
    return why


# ---------------------------------------------------------------- the prediction

def check(exe, out, rname, progs):
    """Run shipready check --json on every program against one root."""
    root = os.path.join(out, "roots", rname)
    paths = [os.path.join(out, "progs", p) for p in progs]
    p = common.run([exe, "check", "--json", "--target", "dir:" + root] + paths, timeout=120)
    doc = None
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        pass
    return p, doc


def result_for(doc, path, root):
    """The result of one binary on the target whose dir is root."""
    names = {t.get("name") for t in doc.get("targets", [])
             if t.get("dir") and os.path.realpath(t["dir"]) == os.path.realpath(root)}
    for b in doc.get("binaries", []):
        if b.get("path") != path:
            continue
        for r in b.get("results", []):
            if r.get("target") in names:
                return r
    return None


def finding_names(f, key):
    """Does the finding name key (message, reason or evidence)?  When its
    message has the loader's wording, the name there must be key."""
    msg = f.get("message") or ""
    for rx in (LIB_RE, VER_RE):
        m = rx.search(msg)
        if m:
            return m.group(1) == key
    return any(key in (f.get(x) or "") for x in ("message", "reason", "evidence"))


def judge(real, res, judged):
    """Disagreements (strings) between the real outcome and one result."""
    why = []
    verdict = res.get("verdict")
    findings = res.get("findings", [])
    fails = [f for f in findings if f.get("severity") == "fail"]
    warns = {f.get("kind") for f in findings if f.get("severity") == "warn"}
    if real.cls == "other":
        return ["the real run ended neither in a start nor in a known failure (%s)" % real.detail()]
    if real.cls in NOSTART:
        kinds = SAME_FAILURE.get(real.cls, {real.cls})
        if verdict != "fails":
            why.append("did not start (%s) but the verdict is %s" % (real.label(), verdict))
        match = [f for f in fails if f.get("kind") in kinds]
        if not match:
            why.append("did not start (%s) but no failure finding of kind %s (failures: %s)"
                       % (real.label(), "/".join(sorted(kinds)), ", ".join(f.get("kind", "?") for f in fails) or "none"))
        elif real.key and not any(finding_names(f, real.key) for f in match):
            why.append("the loader named %s; the %s finding says %r" % (real.key, real.cls,
                       match[0].get("message") or match[0].get("reason")))
        return why
    if verdict not in ("runs", "warn", "unknown"):
        why.append("started but the verdict is %s (%s)" % (verdict, "; ".join(
            "%s: %s" % (f.get("kind"), f.get("reason")) for f in fails)))
    for k in FEATURES:
        said, saw = k in warns, k in real.features
        if said and not saw:
            why.append("warns %s but the program %s" % (k, "reported it working" if k in judged
                                                          else "never uses it"))
        elif saw and not said:
            why.append("the program reported %s failing; no %s warning" % (k, k))
    return why


def predicted_label(res):
    if res is None:
        return "(no result)"
    fs = res.get("findings", [])
    kinds = ["%s:%s" % (f.get("severity"), f.get("kind")) for f in fs if f.get("severity") in ("fail", "warn")]
    return "%s%s" % (res.get("verdict"), (" [" + " ".join(kinds) + "]") if kinds else "")


# ---------------------------------------------------------------- main

def table(rows, heads):
    widths = [max(len(str(r[i])) for r in rows + [heads]) for i in range(len(heads))]
    fmt = "  ".join("%%-%ds" % w for w in widths)
    print(fmt % tuple(heads))
    for r in rows:
        print((fmt % tuple(r)).rstrip())


def main():
    args = [a for a in sys.argv[1:] if a != "--reality-only"]
    reality_only = len(args) != len(sys.argv) - 1
    if len(args) != 2:
        sys.exit(__doc__)
    exe, fixdir = os.path.abspath(args[0]), os.path.abspath(args[1])
    out = build(os.path.join(os.path.dirname(fixdir.rstrip("/")), "reality"))

    progs = list(PROGRAMS)
    skipped = {}
    h = aarch64_binfmt()
    if h:
        skipped["c-aarch64-static"] = "binfmt_misc entry %s runs aarch64 programs here" % h
        progs.remove("c-aarch64-static")
    real = run_all(out, progs)

    if reality_only:
        rows = [(r, p, real[(r, p)].label(), real[(r, p)].detail()) for r in ROOTS for p in progs]
        table(rows, ("root", "program", "real", "detail"))
        for p, why in skipped.items():
            print("skipped: %s: %s" % (p, why))
        return 0

    ck = common.Checker("test_check_reality")
    validator = None
    if os.path.exists(CHECK_SCHEMA):
        import jsonschema
        with open(CHECK_SCHEMA) as f:
            validator = jsonschema.Draft202012Validator(json.load(f))
    rows = []
    trows = []
    disagreements = []
    for rname in ROOTS:
        root = os.path.join(out, "roots", rname)
        p, doc = check(exe, out, rname, progs)
        if doc is None:
            ck.fail("shipready check --target dir:%s: exit %s, no JSON: %s"
                    % (root, p.returncode, (p.stderr.strip().splitlines() or [""])[-1][:200]))
            for prog in progs:
                rows.append((rname, prog, real[(rname, prog)].label(), "(no JSON)", "?"))
            continue
        if validator is not None:
            for e in common.schema_errors(validator, doc):
                ck.fail("%s: schema: %s" % (rname, e))
        ck.eq("%s: errors" % rname, doc.get("errors", []), [])
        libc, version = real_libc(root)
        tgt = [t for t in doc.get("targets", [])
               if t.get("dir") and os.path.realpath(t["dir"]) == os.path.realpath(root)]
        if len(tgt) != 1:
            ck.fail("%s: %d targets with dir %s in the JSON" % (rname, len(tgt), root))
        else:
            ck.checks += 1
            for w in judge_target(tgt[0], libc, version):
                disagreements.append("target %s: %s" % (rname, w))
            trows.append((rname, "%s %s" % (libc, version or ""), "%s %s" % (tgt[0].get("libc"),
                          tgt[0].get("libc_version") or "(no version)")))
        verdicts = []
        for prog in progs:
            o = real[(rname, prog)]
            res = result_for(doc, os.path.join(out, "progs", prog), root)
            if res is None:
                why = ["no result for this binary and target in the JSON"]
            else:
                verdicts.append(res.get("verdict"))
                why = judge(o, res, PROGRAMS[prog][1])
            ck.checks += 1
            for w in why:
                disagreements.append("%s on %s: %s" % (prog, rname, w))
            rows.append((rname, prog, o.label(), predicted_label(res), "ok" if not why else "DISAGREE"))
        ck.eq("%s: exit status of shipready check" % rname, p.returncode, 1 if "fails" in verdicts else 0)

    table(trows, ("root", "C library (real)", "C library (shipready)"))
    print()
    table(rows, ("root", "program", "real", "predicted", ""))
    for p, why in skipped.items():
        print("skipped: %s: %s" % (p, why))
    for d in disagreements:
        ck.fail("disagreement: " + d)
    print("%d cases, %d disagreeing; %d disagreements in all"
          % (len(rows), sum(1 for r in rows if r[4] != "ok"), len(disagreements)))
    return ck.report()


if __name__ == "__main__":
    sys.exit(main())
