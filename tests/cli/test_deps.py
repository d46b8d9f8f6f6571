#!/usr/bin/env python3
"""`shipready deps` on fixtures built at test time (tests/fixtures/deps/build.sh).

    python3 tests/cli/test_deps.py SHIPREADY FIXTURE_DIR

Each fixture exercises one loader rule: RPATH inherited by the loader chain
and RUNPATH not, a library's own RPATH/RUNPATH, RPATH ignored when the same
object has RUNPATH, $ORIGIN (also through a symlinked program), $LIB and
$PLATFORM, a missing library (tried paths in order), candidates of another
class/machine, symbol versions (missing VER_2, no version info), a cycle, one
file under two names, LD_LIBRARY_PATH, glibc-hwcaps subdirectories, and a
--root tree with absolute symlinks pointing out of it plus the root's own
ld.so.cache made by `ldconfig -r`.

For every fixture: the JSON (validated against docs/schema/deps.json) must
give the exact how/via/path of each DT_NEEDED, the exit status must be right,
the text tree must mention what matters, the resolved set must equal ldd's,
and the fixture is run for real: the ones predicted to fail must print the
predicted failure text, the others must exit 0.  The tried list of a missing
library is compared with what ld.so itself tries (LD_DEBUG=libs), leaving out
ld.so's hwcaps subdirectories.
"""
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

SCHEMA = os.path.join(common.REPO, "docs", "schema", "deps.json")
BUILD = os.path.join(common.REPO, "tests", "fixtures", "deps", "build.sh")
RTLD = "/lib64/ld-linux-x86-64.so.2"
LIBC = "/lib/x86_64-linux-gnu/libc.so.6"
MSG_NOENT = "cannot open shared object file: No such file or directory"


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LD_") and not k.startswith("ASAN") and not k.startswith("UBSAN")
           and not k.startswith("LSAN") and k != "MALLOC_PERTURB_"}
    env["LC_ALL"] = "C"
    env.update(extra or {})
    return env


def build(outdir):
    os.makedirs(outdir, exist_ok=True)
    with open(outdir.rstrip("/") + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        p = subprocess.run(["sh", BUILD, outdir])
        if p.returncode != 0:
            print("FAIL: building the deps fixtures into %s failed (see %s/build.log)" % (outdir, outdir))
            sys.exit(1)
    return os.path.realpath(outdir)


def validator():
    import jsonschema
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def rtld_help():
    p = common.run([RTLD, "--help"], env=clean_env())
    return p.stdout or ""


def host_platform(helptext):
    """$PLATFORM as this ld.so expands it: glibc < 2.37 on x86-64 replaces
    AT_PLATFORM with "haswell" or "xeon_phi" on CPUs that qualify."""
    m = re.search(r"^\s*(\S+) \(AT_PLATFORM", helptext, re.M)
    return m.group(1) if m else "x86_64"


def hwcaps_supported(helptext, name):
    return re.search(r"^\s*%s \(supported, searched\)" % re.escape(name), helptext, re.M) is not None


def legacy_subdirs(helptext):
    sec = helptext.split("Legacy HWCAP subdirectories", 1)
    if len(sec) < 2:
        return set()
    return set(re.findall(r"^\s+(\S+) \(", sec[1], re.M))


# ---------------------------------------------------------------- oracles

LDD_LINE = [
    (re.compile(r"^\s*(\S+) => not found\s*$"), "missing"),
    (re.compile(r"^\s*(\S+) => (\S+) \(0x[0-9a-f]+\)\s*$"), "arrow"),
    (re.compile(r"^\s*(/\S+) \(0x[0-9a-f]+\)\s*$"), "plain"),
]
VDSO = ("linux-vdso.so.1", "linux-gate.so.1", "linux-vdso64.so.1", "linux-vdso32.so.1")


def parse_ldd(text):
    """ldd/`ld.so --list` output -> (set of paths and "NAME => not found", static?, odd lines)."""
    out, odd, static = set(), [], False
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if s in ("statically linked", "not a dynamic executable"):
            static = True
            continue
        for rx, kind in LDD_LINE:
            m = rx.match(line)
            if not m:
                continue
            if kind == "missing":
                out.add("%s => not found" % m.group(1))
            elif kind == "arrow":
                if m.group(1) not in VDSO:
                    out.add(m.group(2))
            elif m.group(1) not in VDSO:
                out.add(m.group(1))
            break
        else:
            if not s.startswith(VDSO):
                odd.append(s)
    return out, static, odd


def ship_set(res):
    s = set(o["path"] for o in res["objects"][1:])
    s.update("%s => not found" % e["name"] for e in res["edges"] if "to" not in e)
    return s


def ld_debug_tried(text, name):
    """Every `trying file=` of the search for `name` in LD_DEBUG=libs output."""
    tried, on = [], False
    for line in text.splitlines():
        m = re.search(r"find library=(\S+) \[\d+\]; searching", line)
        if m:
            on = m.group(1) == name
            continue
        m = re.search(r"trying file=(\S+)", line)
        if on and m:
            tried.append(m.group(1))
        elif on and not re.search(r"search (path|cache)=", line):
            on = False
    return tried


def strip_hwcaps(tried, legacy, keep_glibc_hwcaps=False):
    """Leave out ld.so's legacy hwcaps subdirectories (tls/, haswell/, …:
    not modelled) and, unless keep_glibc_hwcaps, its glibc-hwcaps
    subdirectories of the directories it searches (a path stays if its
    directory is itself a searched directory)."""
    dirs = set(os.path.dirname(t) for t in tried)
    out = []
    for t in tried:
        d = os.path.dirname(t)
        base = d
        m = re.match(r"^(.*)/glibc-hwcaps/[^/]+$", d)
        if m:
            if keep_glibc_hwcaps:
                out.append(t)
                continue
            base = m.group(1)
        else:
            parts = d.split("/")
            while len(parts) > 1 and parts[-1] in legacy:
                parts.pop()
            base = "/".join(parts)
        if base != d and (base in dirs or (base == "" and "/" in dirs)):
            continue
        out.append(t)
    return out


# ---------------------------------------------------------------- the test

class T:
    def __init__(self, exe, fix):
        self.exe = exe
        self.F = fix
        self.c = common.Checker("test_deps")
        self.v = validator()
        self.help = rtld_help()
        self.legacy = legacy_subdirs(self.help)
        self.platform = host_platform(self.help)
        self.defaults = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"]
        self.can_chroot = None

    def p(self, rel):
        return os.path.join(self.F, rel)

    # -- running shipready
    def deps(self, args, env=None):
        p = common.run([self.exe, "deps", "--json"] + args, timeout=60, env=env or clean_env())
        doc = None
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            self.c.fail("deps --json %s: no JSON (exit %r): %s" % (" ".join(args), p.returncode, p.stderr[-500:]))
            return p, None
        errs = common.schema_errors(self.v, doc)
        self.c.true("deps --json %s: schema" % " ".join(args), not errs, "; ".join(errs[:5]))
        return p, doc

    def one(self, path, extra=(), env=None, status=0, root=None):
        args = list(extra) + ([] if root is None else ["--root", root]) + [path]
        p, doc = self.deps(args, env=env)
        if doc is None:
            return None
        self.c.eq("%s: exit status" % path, p.returncode, status)
        if not self.c.eq("%s: one result" % path, len(doc["results"]), 1):
            return None
        res = doc["results"][0]
        if "error" in res:
            self.c.fail("%s: error result: %s" % (path, res["error"]))
            return None
        self.c.eq("%s: ok" % path, res["ok"], status == 0)
        self.check_consistency(path, res)
        return res

    def check_consistency(self, path, res):
        objs = res["objects"]
        for i, o in enumerate(objs):
            self.c.eq("%s: objects[%d].index" % (path, i), o["index"], i)
        reals = [o["real_path"] for o in objs]
        self.c.eq("%s: every object loaded once (real paths)" % path, len(set(reals)), len(reals))
        self.c.eq("%s: missing = edges without 'to'" % path, res["missing"],
                  [e["name"] for e in res["edges"] if "to" not in e])
        for e in res["edges"]:
            if "to" in e:
                self.c.true("%s: edge %s -> valid index" % (path, e["name"]), 0 <= e["to"] < len(objs))
            else:
                self.c.eq("%s: edge %s not found: how" % (path, e["name"]), e["how"], "not found")

    def text(self, path, extra=(), root=None, env=None):
        args = list(extra) + ([] if root is None else ["--root", root]) + [path]
        return common.run([self.exe, "deps"] + args, timeout=60, env=env or clean_env())

    # -- looking things up in a result
    def obj(self, res, path):
        for o in res["objects"]:
            if o["path"] == path:
                return o
        return None

    def edge(self, res, frm, name):
        """The edge `name` requested by the object whose path is frm (0: the input)."""
        if frm == 0:
            idx = 0
        else:
            o = self.obj(res, frm)
            if o is None:
                self.c.fail("%s: no object %s (objects: %s)"
                            % (res["path"], frm, [x["path"] for x in res["objects"]]))
                return None
            idx = o["index"]
        for e in res["edges"]:
            if e["from"] == idx and e["name"] == name:
                return e
        self.c.fail("%s: no edge %s from %s" % (res["path"], name, frm))
        return None

    def expect_found(self, res, frm, name, how, via, path, real=None, skipped=None):
        e = self.edge(res, frm, name)
        if e is None:
            return None
        w = "%s: %s (needed by %s)" % (res["path"], name, frm or "the program")
        self.c.eq(w + ": how", e["how"], how)
        if via is not None:
            self.c.eq(w + ": via", e.get("via"), via)
        if not self.c.true(w + ": found", "to" in e, "not found; tried %s" % e.get("tried")):
            return e
        o = res["objects"][e["to"]]
        self.c.eq(w + ": path", o["path"], path)
        if real is not None:
            self.c.eq(w + ": real_path", o["real_path"], real)
        self.c.eq(w + ": skipped_other_class", e.get("skipped_other_class", []), skipped or [])
        return e

    def expect_missing(self, res, frm, name, tried, skipped=None):
        e = self.edge(res, frm, name)
        if e is None:
            return None
        w = "%s: %s (needed by %s)" % (res["path"], name, frm or "the program")
        self.c.true(w + ": not found", "to" not in e, "found: %s" % e.get("to"))
        self.c.eq(w + ": how", e["how"], "not found")
        # the expectations list the directories proper; the glibc-hwcaps
        # candidates before each are checked against ld.so itself below
        self.c.eq(w + ": tried", [t for t in e["tried"] if "/glibc-hwcaps/" not in t], tried)
        self.c.eq(w + ": skipped_other_class", e.get("skipped_other_class", []), skipped or [])
        self.c.true(w + ": in missing", name in res["missing"])
        return e

    def defaults_for(self, name):
        return [d + "/" + name for d in self.defaults]

    # -- the oracles
    def ldd(self, path, env=None):
        p = common.run(["ldd", os.path.realpath(path)], timeout=30, env=env or clean_env())
        return parse_ldd(p.stdout + "\n" + p.stderr)

    def compare_ldd(self, path, res, env=None):
        got, static, odd = self.ldd(path, env=env)
        mine = ship_set(res)
        self.c.true("%s: ldd printed a list" % path, not static and got, "ldd: static=%s %s" % (static, odd))
        self.c.eq("%s: resolved set vs ldd (only shipready / only ldd)" % path,
                  (sorted(mine - got), sorted(got - mine)), ([], []))

    def real_run(self, path, env=None, chroot=None, argv=None):
        """Run path (inside chroot when given: this process forks, chroots and
        execs, so the environment reaches only the program)."""
        cmd = argv or [path]
        if chroot is None:
            return common.run(cmd, timeout=20, env=env or clean_env())

        def enter():
            os.chroot(chroot)
            os.chdir("/")
        return common.run(cmd, timeout=20, env=env or clean_env(), preexec_fn=enter)

    def failure_texts(self, res):
        """What the loader would print: the first missing library (BFS order,
        as ld.so stops there), else the fatal version problems."""
        for e in res["edges"]:
            if "to" not in e:
                return ["%s: %s" % (e["name"], e["error"])]
        return [i["message"] for i in res["version_issues"] if i["fatal"]]

    def check_run(self, path, res, env=None, chroot=None):
        """Run the fixture for real; the outcome must be the predicted one."""
        p = self.real_run(path, env=env, chroot=chroot)
        if p.returncode is None:
            self.c.fail("%s: real run timed out" % path)
            return p
        if res["ok"]:
            self.c.eq("%s: real run exit status (stderr %r)" % (path, p.stderr.strip()[:300]), p.returncode, 0)
        else:
            self.c.true("%s: real run fails" % path, p.returncode != 0,
                        "exit %d, stderr %r" % (p.returncode, p.stderr[:300]))
            for t in self.failure_texts(res):
                self.c.true("%s: predicted failure text appears in the real stderr" % path, t in p.stderr,
                            "predicted %r, real stderr %r" % (t, p.stderr.strip()[:400]))
        for i in res["version_issues"]:
            if not i["fatal"]:
                self.c.true("%s: the warning appears in the real stderr" % path, i["message"] in p.stderr,
                            "predicted %r, real stderr %r" % (i["message"], p.stderr.strip()[:400]))
        return p

    def check_tried_vs_ld_debug(self, path, res, name):
        """The tried list of a missing library = the paths ld.so tries
        (LD_DEBUG=libs), leaving out its hwcaps subdirectories."""
        e = None
        for x in res["edges"]:
            if x["name"] == name and "to" not in x:
                e = x
        if e is None:
            self.c.fail("%s: no missing edge %s" % (path, name))
            return
        p = common.run([path], timeout=20, env=clean_env({"LD_DEBUG": "libs"}))
        real = strip_hwcaps(ld_debug_tried(p.stderr, name), self.legacy, keep_glibc_hwcaps=True)
        self.c.true("%s: LD_DEBUG shows the search for %s" % (path, name), bool(real), p.stderr[:300])
        self.c.eq("%s: %s: tried vs ld.so's own search (LD_DEBUG=libs, legacy hwcaps subdirs left out)"
                  % (path, name), e["tried"], real)

    def check_text(self, path, res, must, extra=(), root=None, status=None, env=None):
        p = self.text(path, extra=extra, root=root, env=env)
        if status is not None:
            self.c.eq("%s: text exit status" % path, p.returncode, status)
        for m in must:
            self.c.true("%s: text output mentions %r" % (path, m), m in p.stdout, p.stdout[-800:])

    # ------------------------------------------------------------ fixtures

    def control_names(self):
        """A program whose path holds a newline and an escape: the tree and the
        'needed by' line print them as \\xNN, never raw."""
        d = tempfile.mkdtemp(prefix="sr-ctl-")
        try:
            odd = os.path.join(d, "a\nb\x1b[31m")
            os.makedirs(odd)
            prog = os.path.join(odd, "app")
            shutil.copy2(self.p("miss/app-missing"), prog)
            p = subprocess.run([self.exe, "deps", "--no-color", prog], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, errors="replace")
            self.c.eq("control characters in a path: exit 1 (missing library)", p.returncode, 1)
            self.c.true("control characters in a path: escaped", "a\\x0ab\\x1b[31m/app" in p.stdout and
                        "\x1b" not in p.stdout, p.stdout)
            needed = [l for l in p.stdout.splitlines() if "(needed by " in l]
            self.c.true("control characters in a path: the 'needed by' line escapes them",
                        needed and all("\\x0a" in l for l in needed), p.stdout)
            # a library whose name holds a control byte: printed as \x01, and
            # the columns after it still line up (they are measured escaped)
            lib = os.path.join(d, "lib\x01a.so")
            with open(os.path.join(d, "a.c"), "w") as f:
                f.write("int f(void) { return 1; }\n")
            with open(os.path.join(d, "m.c"), "w") as f:
                f.write("int f(void);\nint main(void) { return f(); }\n")
            cc = subprocess.run(["gcc", "-shared", "-fPIC", "-o", lib, os.path.join(d, "a.c"),
                                 "-Wl,-soname,lib\x01a.so"], capture_output=True)
            prog = os.path.join(d, "m")
            if cc.returncode == 0:
                cc = subprocess.run(["gcc", "-o", prog, os.path.join(d, "m.c"), lib, "-Wl,-rpath,$ORIGIN"],
                                    capture_output=True)
            if self.c.true("control byte in a library name: fixture built", cc.returncode == 0, cc.stderr):
                p = subprocess.run([self.exe, "deps", "--no-color", prog], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, errors="replace")
                self.c.eq("control byte in a library name: exit 0", p.returncode, 0)
                edges = [l for l in p.stdout.splitlines() if l.startswith(("├── ", "└── "))]
                ctl = [l for l in edges if l[4:].startswith("lib\\x01a.so ")]
                libc = [l for l in edges if l[4:].startswith("libc.so.6 ")]
                self.c.true("control byte in a library name: escaped", ctl and libc and "\x01" not in p.stdout,
                            p.stdout)
                if ctl and libc:
                    # where the path and the "how found" columns start
                    cols = [(l.index(" /") + 1, l.index("RUNPATH" if l is ctl[0] else "ld.so.cache"))
                            for l in (ctl[0], libc[0])]
                    self.c.eq("control byte in a library name: the columns line up", cols[0], cols[1])
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def broken_sections(self):
        """ld.so reads no section headers: a program whose section table is
        damaged still runs, and deps resolves it (inspect, which reads the
        sections, refuses it)."""
        import struct
        d = tempfile.mkdtemp(prefix="sr-shdr-")
        try:
            prog = os.path.join(d, "true")
            shutil.copy2("/usr/bin/true", prog)
            with open(prog, "r+b") as f:
                h = f.read(64)
                shoff, = struct.unpack_from("<Q", h, 40)
                shentsize, shnum = struct.unpack_from("<HH", h, 58)
                # section 1's sh_size (offset 32 in a 64-bit section header) far past the end
                f.seek(shoff + shentsize * 1 + 32)
                f.write(struct.pack("<Q", 1 << 60))
            real = subprocess.run([prog], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.c.eq("damaged section table: the program runs (the oracle)", (real.returncode, real.stderr),
                      (0, b""))
            p = subprocess.run([self.exe, "deps", "--json", prog], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               errors="replace")
            res = json.loads(p.stdout)["results"][0] if p.stdout else {}
            self.c.eq("damaged section table: deps resolves it", (p.returncode, res.get("missing")), (0, []))
            self.c.true("damaged section table: libc found", any(o.get("name") == "libc.so.6"
                                                                 for o in res.get("objects", [])), p.stdout)
            i = subprocess.run([self.exe, "inspect", prog], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               errors="replace")
            self.c.eq("damaged section table: inspect refuses it", i.returncode, 2)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def standard(self, rel, status, extra_checks, text_must=(), env=None, flags=()):
        path = self.p(rel)
        res = self.one(path, extra=flags, env=env, status=status)
        if res is None:
            return None
        self.c.eq("%s: interpreter" % rel, res.get("interpreter"), RTLD)
        self.c.eq("%s: interpreter_found" % rel, res.get("interpreter_found"), True)
        self.c.eq("%s: loader" % rel, res["loader"], "glibc")
        self.c.eq("%s: cache" % rel, res.get("cache"), "/etc/ld.so.cache")
        self.c.eq("%s: default_dirs" % rel, res["default_dirs"], self.defaults)
        self.expect_found(res, 0, "libc.so.6", "ld.so.cache", "/etc/ld.so.cache", LIBC)
        extra_checks(res)
        self.compare_ldd(path, res, env=env)
        self.check_run(path, res, env=env)
        self.check_text(path, res, list(text_must), extra=flags, status=status, env=env)
        return res

    def run_all(self):
        F = self.p
        A = F("rpath/A")
        self.control_names()
        self.broken_sections()

        # RPATH of the program is inherited: libb.so (needed by liba.so) is found in it.
        def rpath(res):
            self.expect_found(res, 0, "liba.so", "RPATH", A, A + "/liba.so")
            self.expect_found(res, A + "/liba.so", "libb.so", "RPATH", A, A + "/libb.so")
        self.standard("rpath/app-rpath", 0, rpath, ["liba.so", "libb.so", "RPATH " + A])

        # RUNPATH is not: libb.so is not found.
        def runpath(res):
            self.expect_found(res, 0, "liba.so", "RUNPATH", A, A + "/liba.so")
            e = self.expect_missing(res, A + "/liba.so", "libb.so", self.defaults_for("libb.so"))
            if e:
                self.c.eq("app-runpath: libb.so error", e.get("error"), MSG_NOENT)
        res = self.standard("rpath/app-runpath", 1, runpath, ["liba.so", "libb.so", "not found", "tried"])
        if res:
            self.check_tried_vs_ld_debug(F("rpath/app-runpath"), res, "libb.so")

        # A library with RUNPATH does not use the program's RPATH for its own needs.
        C = F("rpath/C")

        def librunpath(res):
            self.expect_found(res, 0, "libmr.so", "RPATH", C, C + "/libmr.so")
            self.expect_missing(res, C + "/libmr.so", "libb.so",
                                [F("rpath/empty/libb.so")] + self.defaults_for("libb.so"))
        res = self.standard("rpath/app-rpath-librunpath", 1, librunpath, ["libmr.so", "not found"])
        if res:
            self.check_tried_vs_ld_debug(F("rpath/app-rpath-librunpath"), res, "libb.so")

        # A library's own RPATH / RUNPATH.
        P, Q = F("own/P"), F("own/Q")

        def own_rpath(res):
            self.expect_found(res, 0, "libown-rp.so", "RUNPATH", P, P + "/libown-rp.so")
            self.expect_found(res, P + "/libown-rp.so", "libleafq.so", "RPATH", Q, Q + "/libleafq.so")
        self.standard("own/app-own-rpath", 0, own_rpath, ["libleafq.so", "RPATH " + Q])

        def own_runpath(res):
            self.expect_found(res, 0, "libown-rn.so", "RUNPATH", P, P + "/libown-rn.so")
            self.expect_found(res, P + "/libown-rn.so", "libleafq.so", "RUNPATH", Q, Q + "/libleafq.so")
        self.standard("own/app-own-runpath", 0, own_runpath, ["libleafq.so", "RUNPATH " + Q])

        # The program has both DT_RPATH and DT_RUNPATH: glibc ignores its RPATH
        # (elf/get-dynamic-info.h), also for the libraries it loads.
        def both(res):
            self.expect_found(res, 0, "libmid.so", "RUNPATH", F("both/B"), F("both/B/libmid.so"))
            self.expect_missing(res, F("both/B/libmid.so"), "libleaf.so", self.defaults_for("libleaf.so"))
        res = self.standard("both/app-both", 1, both, ["libmid.so", "not found"])
        if res:
            self.check_tried_vs_ld_debug(F("both/app-both"), res, "libleaf.so")

        # $ORIGIN: the program's real directory; a library's is the directory
        # of the path it was opened as (not canonicalised, as ldd prints it).
        ob = F("origin/bin/../lib")

        def origin(res):
            self.expect_found(res, 0, "libo.so", "RUNPATH", "$ORIGIN/../lib", ob + "/libo.so",
                              real=F("origin/lib/libo.so"))
            self.expect_found(res, ob + "/libo.so", "libop.so", "RPATH", "$ORIGIN", ob + "/libop.so",
                              real=F("origin/lib/libop.so"))
        self.standard("origin/bin/app-origin", 0, origin, ["libo.so", "libop.so", "RUNPATH $ORIGIN/../lib"])
        # through a symlink in another directory: the same ($ORIGIN comes from
        # the real file, as /proc/self/exe); ldd is given the real path.
        self.standard("origin/elsewhere/deep/app-link", 0, origin, ["libo.so", "libop.so"])

        # $LIB and $PLATFORM.
        db = F("dst/bin/..")

        def dst(res):
            self.expect_found(res, 0, "libdl1.so", "RUNPATH", "$ORIGIN/../$LIB",
                              db + "/lib/x86_64-linux-gnu/libdl1.so")
            self.expect_found(res, 0, "libdp1.so", "RUNPATH", "$ORIGIN/../plat/$PLATFORM",
                              db + "/plat/%s/libdp1.so" % self.platform)
        self.standard("dst/bin/app-dst", 0, dst, ["libdl1.so", "libdp1.so"])
        # The CPU is an input (--cpu): glibc 2.26 and later, as this host's,
        # name an Intel CPU with AVX2/FMA/BMI/LZCNT/MOVBE "haswell", and
        # any other vendor's CPU by AT_PLATFORM, whatever it can do.
        for spec, plat in (("intel/x86-64-v3", "haswell"), ("intel/xeon-phi", "xeon_phi"),
                           ("intel/x86-64-v2", "x86_64"), ("amd/x86-64-v4", "x86_64"),
                           ("zhaoxin/x86-64-v3", "x86_64")):
            res = self.one(F("dst/bin/app-dst"), extra=["--cpu", spec])
            if res:
                e = self.edge(res, 0, "libdp1.so")
                if e and "to" in e:
                    self.c.eq("app-dst --cpu %s: $PLATFORM" % spec, res["objects"][e["to"]]["path"],
                              db + "/plat/%s/libdp1.so" % plat)
                else:
                    self.c.fail("app-dst --cpu %s: libdp1.so not found" % spec)
        p = self.text(F("dst/bin/app-dst"), extra=["--cpu", "arm/v8"])
        self.c.eq("--cpu arm/v8: exit status", p.returncode, 2)
        self.c.true("--cpu arm/v8: says what VENDOR may be", "intel, amd, zhaoxin or other" in p.stderr, p.stderr)

        # A missing library: every path tried, in order.
        def missing(res):
            e = self.expect_missing(res, 0, "libnothere.so",
                                    [F("miss/r1/libnothere.so"), F("miss/r2/libnothere.so")]
                                    + self.defaults_for("libnothere.so"))
            if e:
                self.c.eq("app-missing: error", e.get("error"), MSG_NOENT)
        res = self.standard("miss/app-missing", 1, missing,
                            ["libnothere.so", "not found", "tried " + F("miss/r1/libnothere.so"),
                             "libnothere.so: " + MSG_NOENT])
        if res:
            self.check_tried_vs_ld_debug(F("miss/app-missing"), res, "libnothere.so")

        # Another class (i386) and another machine (aarch64) are skipped.
        M, I, X = F("arch/M"), F("arch/I"), F("arch/X")

        def arch(res):
            self.expect_found(res, 0, "libw.so", "RPATH", X, X + "/libw.so",
                              skipped=[M + "/libw.so", I + "/libw.so"])
        self.standard("arch/app-arch", 0, arch, ["libw.so", X + "/libw.so"])

        def arch_only(res):
            self.expect_missing(res, 0, "libw.so", self.defaults_for("libw.so"),
                                skipped=[M + "/libw.so", I + "/libw.so"])
        res = self.standard("arch/app-arch-only", 1, arch_only, ["libw.so", "not found", "skipped"])

        def arch_machine(res):
            e = self.expect_missing(res, 0, "libw.so", self.defaults_for("libw.so"), skipped=[M + "/libw.so"])
            if e:
                self.c.eq("app-arch-machine-only: error", e.get("error"), MSG_NOENT)
        self.standard("arch/app-arch-machine-only", 1, arch_machine, ["libw.so", "not found"])

        # Symbol versions.
        def ver(res):
            self.expect_found(res, 0, "libv.so", "RUNPATH", F("ver/old"), F("ver/old/libv.so"))
            o = self.obj(res, F("ver/old/libv.so"))
            want = [{"requester": 0, "provider": o["index"] if o else -1, "version": "VER_2",
                     "weak": False, "no_version_info": False, "fatal": True,
                     "message": "%s: version `VER_2' not found (required by %s)"
                                % (F("ver/old/libv.so"), F("ver/app-ver"))}]
            self.c.eq("app-ver: version_issues", res["version_issues"], want)
            self.c.eq("app-ver: missing", res["missing"], [])
        self.standard("ver/app-ver", 1, ver, ["VER_2", "not found (required by"])

        def ver_ok(res):
            self.expect_found(res, 0, "libv.so", "RUNPATH", F("ver/new"), F("ver/new/libv.so"))
            self.c.eq("app-ver-ok: version_issues", res["version_issues"], [])
        self.standard("ver/app-ver-ok", 0, ver_ok, ["libv.so", "needs ≤ VER_2"])

        def ver_nov(res):
            self.expect_found(res, 0, "libv.so", "RUNPATH", F("ver/nov"), F("ver/nov/libv.so"))
            o = self.obj(res, F("ver/nov/libv.so"))
            want = [{"requester": 0, "provider": o["index"] if o else -1,
                     "weak": False, "no_version_info": True, "fatal": False,
                     "message": "%s: no version information available (required by %s)"
                                % (F("ver/nov/libv.so"), F("ver/app-ver-nov"))}]
            self.c.eq("app-ver-nov: version_issues", res["version_issues"], want)
        self.standard("ver/app-ver-nov", 0, ver_nov, ["no version information available"])

        # A cycle: libcyca.so -> libcycb.so -> libcyca.so (already loaded).
        cl = F("cyc/lib")

        def cycle(res):
            ea = self.expect_found(res, 0, "libcyca.so", "RPATH", cl, cl + "/libcyca.so")
            self.expect_found(res, cl + "/libcyca.so", "libcycb.so", "RPATH", cl, cl + "/libcycb.so")
            eb = self.edge(res, cl + "/libcycb.so", "libcyca.so")
            if ea and eb:
                self.c.eq("app-cycle: libcycb -> libcyca: how", eb["how"], "already loaded")
                self.c.eq("app-cycle: libcycb -> libcyca: the same object", eb.get("to"), ea.get("to"))
            self.c.eq("app-cycle: objects", sorted(o["path"] for o in res["objects"][1:]),
                      sorted([RTLD, LIBC, cl + "/libcyca.so", cl + "/libcycb.so"]))
        self.standard("cyc/app-cycle", 0, cycle, ["libcyca.so", "libcycb.so"])

        # One file under two names (no SONAME): one object.
        al = F("alias/lib")

        def alias(res):
            e1 = self.expect_found(res, 0, "libal.so", "RUNPATH", al, al + "/libal.so")
            e2 = self.edge(res, 0, "libalias.so")
            if e1 and e2:
                self.c.eq("app-alias: libalias.so is the same object as libal.so", e2.get("to"), e1.get("to"))
            self.c.eq("app-alias: objects", sorted(o["path"] for o in res["objects"][1:]),
                      sorted([RTLD, LIBC, al + "/libal.so"]))
        self.standard("alias/app-alias", 0, alias, ["libal.so"], flags=("--all",))

        # LD_LIBRARY_PATH: only with --env-library-path; after RPATH, before RUNPATH.
        L, R = F("env/L"), F("env/R")
        envL = clean_env({"LD_LIBRARY_PATH": L})
        self.standard("env/app-env-runpath", 0,
                      lambda res: self.expect_found(res, 0, "libenv.so", "LD_LIBRARY_PATH", L, L + "/libenv.so"),
                      ["LD_LIBRARY_PATH"], env=envL, flags=("--env-library-path",))
        # without the option the environment is ignored (compared with ldd without it)
        res = self.one(F("env/app-env-runpath"), env=envL, status=0)
        if res:
            self.expect_found(res, 0, "libenv.so", "RUNPATH", R, R + "/libenv.so")
            self.compare_ldd(F("env/app-env-runpath"), res)
        self.standard("env/app-env-rpath", 0,
                      lambda res: self.expect_found(res, 0, "libenv.so", "RPATH", R, R + "/libenv.so"),
                      ["libenv.so"], env=envL, flags=("--env-library-path",))

        # glibc-hwcaps: ld.so prefers DIR/glibc-hwcaps/x86-64-v2/ when the CPU supports it.
        hw = F("hw/A")
        want = hw + ("/glibc-hwcaps/x86-64-v2/libhw.so" if hwcaps_supported(self.help, "x86-64-v2")
                     else "/libhw.so")
        self.standard("hw/app-hwcaps", 0,
                      lambda res: self.expect_found(res, 0, "libhw.so", "RUNPATH", hw, want),
                      ["libhw.so"])
        # a CPU named by --cpu picks the subdirectory, whatever this host has
        for spec, sub in (("amd/x86-64", "/libhw.so"), ("intel/x86-64", "/libhw.so"),
                          ("amd/x86-64-v2", "/glibc-hwcaps/x86-64-v2/libhw.so"),
                          ("other/x86-64-v4", "/glibc-hwcaps/x86-64-v2/libhw.so")):
            res = self.one(F("hw/app-hwcaps"), extra=["--cpu", spec])
            if res:
                self.expect_found(res, 0, "libhw.so", "RUNPATH", hw, hw + sub)

        self.root_fixtures()
        self.other_outputs()

    # ------------------------------------------------------------ --root

    def chroot_ok(self, root):
        if self.can_chroot is None:
            try:
                p = self.real_run(RTLD, chroot=root, argv=[RTLD, "--version"])
            except (OSError, subprocess.SubprocessError) as e:
                p = subprocess.CompletedProcess([], 1, "", str(e))
            self.can_chroot = p.returncode == 0
            if not self.can_chroot:
                print("NOTE: chroot into the fixture root is not permitted here (%s): the --root fixtures "
                      "are not run for real" % (p.stderr.strip()[:200]))
        return self.can_chroot

    def root_fixtures(self):
        root = self.p("root")
        ml = "/lib/x86_64-linux-gnu"
        for name, status in (("app-root-ok", 0), ("app-root-decoy", 1), ("app-root-hostlib", 1)):
            path = "/usr/bin/" + name
            res = self.one(path, root=root, status=status)
            if res is None:
                continue
            w = "root " + name
            self.c.eq(w + ": root", res.get("root"), root)
            self.c.eq(w + ": cache (the root's own)", res.get("cache"), "/etc/ld.so.cache")
            self.c.eq(w + ": default_dirs", res["default_dirs"], self.defaults)
            self.c.eq(w + ": interpreter", res.get("interpreter"), RTLD)
            self.c.eq(w + ": interpreter_found", res.get("interpreter_found"), True)
            it = self.obj(res, RTLD)
            self.c.eq(w + ": interpreter real path (absolute symlink resolved in the root)",
                      it and it["real_path"], "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
            self.expect_found(res, 0, "libc.so.6", "ld.so.cache", "/etc/ld.so.cache", ml + "/libc.so.6",
                              real="/usr/lib/x86_64-linux-gnu/libc.so.6")
            self.expect_found(res, 0, "libr1.so", "ld.so.cache", "/etc/ld.so.cache", ml + "/libr1.so",
                              real="/opt/r1/libr1.so")
            for o in res["objects"][1:]:
                self.c.true(w + ": never a host file: %s" % o["real_path"],
                            not o["real_path"].startswith(self.F) and "decoy" not in o["path"]
                            and "libmvec" not in o["real_path"])
            if name == "app-root-ok":
                self.expect_found(res, 0, "libr3.so", "ld.so.cache", "/etc/ld.so.cache", ml + "/libr3.so",
                                  real="/opt/r1/libr3.so")
                self.expect_found(res, 0, "libr4.so", "ld.so.cache", "/etc/ld.so.cache",
                                  "/opt/cachedir/libr4.so", real="/opt/cachedir/libr4.so")
            elif name == "app-root-decoy":
                self.expect_missing(res, 0, "libr2.so", self.defaults_for("libr2.so"))
            else:
                self.expect_missing(res, 0, "libm.so.6", self.defaults_for("libm.so.6"))
            self.check_text(path, res, [name] + res["missing"], root=root, status=status)
            if self.chroot_ok(root):
                self.check_run(path, res, chroot=root)
                # ldd inside the root: what ldd runs (`ld.so --list` stops at a missing library)
                p = self.real_run(path, chroot=root, argv=[RTLD, path],
                                  env=clean_env({"LD_TRACE_LOADED_OBJECTS": "1"}))
                got, static, odd = parse_ldd(p.stdout + "\n" + p.stderr)
                mine = ship_set(res)
                self.c.eq("%s: resolved set vs `ld.so --list` in the root (only shipready / only ld.so)" % w,
                          (sorted(mine - got), sorted(got - mine)), ([], []))
        # the same program without --root: the host's view is different, never the root's cache
        p, doc = self.deps([self.p("root/usr/bin/app-root-ok")])
        if doc:
            r = doc["results"][0]
            self.c.eq("root app-root-ok without --root: libr1.so is not found on the host",
                      "libr1.so" in r.get("missing", []), True)

    # ------------------------------------------------------------ the other outputs

    def other_outputs(self):
        F = self.p
        # several files in one run: one result each, in order; exit 1 if any fails
        paths = [F("rpath/app-rpath"), F("miss/app-missing"), F("cyc/app-cycle")]
        p, doc = self.deps(paths)
        if doc:
            self.c.eq("batch: exit status", p.returncode, 1)
            self.c.eq("batch: paths", [r["path"] for r in doc["results"]], paths)
            self.c.eq("batch: ok", [r["ok"] for r in doc["results"]], [True, False, True])
        # --flat: ldd-like
        p = common.run([self.exe, "deps", "--flat", F("rpath/app-runpath")], env=clean_env())
        self.c.eq("--flat exit status", p.returncode, 1)
        for m in ("\tliba.so => %s/liba.so" % F("rpath/A"), "\tlibb.so => not found", "\t" + RTLD):
            self.c.true("--flat mentions %r" % m, m in p.stdout, p.stdout)
        for g, must in (("dot", ["digraph", "libb.so", "not found", "->"]),
                        ("mermaid", ["graph TD", "libb.so (not found)", "-->"])):
            p = common.run([self.exe, "deps", "--graph", g, F("rpath/app-runpath")], env=clean_env())
            self.c.eq("--graph %s exit status" % g, p.returncode, 1)
            for m in must:
                self.c.true("--graph %s mentions %r" % (g, m), m in p.stdout, p.stdout[:500])
        # a static program has no objects beyond itself; exit 0
        st = os.path.join(self.F, "static/app-static")
        if self.c.true("static fixture built", os.path.exists(st)):
            p, doc = self.deps([st])
            if doc:
                self.c.eq("static: exit status", p.returncode, 0)
                self.c.eq("static: objects", [o["path"] for o in doc["results"][0]["objects"]], [st])
                got, static, _ = self.ldd(st)
                self.c.true("static: ldd agrees", static and not got, "%s %s" % (static, got))
        # bad input: exit 2
        for args, what in (([self.p("nonexistent")], "a missing file"), ([BUILD], "a shell script"),
                           (["--graph", "svg", F("rpath/app-rpath")], "--graph svg"),
                           (["--json", "--flat", F("rpath/app-rpath")], "--json with --flat"), ([], "no FILE")):
            p = common.run([self.exe, "deps"] + args, env=clean_env())
            self.c.eq("bad input (%s): exit status" % what, p.returncode, 2)
        p, doc = self.deps([self.p("nonexistent"), F("rpath/app-rpath")])
        if doc:
            self.c.eq("bad + good: exit status", p.returncode, 2)
            self.c.eq("bad + good: results", ["error" in r for r in doc["results"]], [True, False])


def main():
    if len(sys.argv) != 3:
        print("usage: test_deps.py SHIPREADY FIXTURE_DIR")
        return 2
    exe = os.path.abspath(sys.argv[1])
    fix = build(os.path.join(os.path.abspath(sys.argv[2]), "deps"))
    t = T(exe, fix)
    t.run_all()
    return t.c.report()


if __name__ == "__main__":
    sys.exit(main())
