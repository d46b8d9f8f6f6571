#!/usr/bin/env python3
"""Run shipready over the hostile corpus.

    python3 tests/hostile/test_hostile.py SHIPREADY OUTDIR

OUTDIR/corpus is built once (make_hostile.ensure, under a lock).  Every case
runs as its own process, in text and in --json mode, and must:
  - finish before it is killed (after 10 s; 30 s under the sanitizers): a
    hang or a blow-up fails, how fast a case runs is a benchmark's business
    (the slowest are printed), not this test's; never die of a signal;
  - peak RSS (os.wait4 ru_maxrss) under 64 MiB;
  - give the outcome the manifest decides: exit 2 with exactly one stderr
    line `shipready: PATH: reason` (lowercase, no trailing period, the same
    reason as the JSON error), or exit 0 with a schema-valid ELF result and
    the facts that are knowable (e.g. a cut past everything shipready reads
    gives the same answer as the whole file).
The 4 GiB sparse files are written next to the corpus and deleted at the end.
Prints `test_hostile: N checks, N failed` last, with the slowest and largest
cases before it.
"""
import concurrent.futures
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "cli"))
sys.path.insert(0, HERE)
import common  # noqa: E402
import make_hostile  # noqa: E402
from test_badinput import err_line_re  # noqa: E402

# A run is killed after KILL seconds: that is a hang or a blow-up, not a slow
# machine (a case takes well under a second on any; no test depends on how far
# under).  Under the sanitizer build (make test runs the suite there too)
# ASan's shadow memory and quarantine dominate RSS and every call is slower:
# the memory bound is checked in the plain build, time gets an allowance.
SANITIZED = "ASAN_OPTIONS" in os.environ
KILL = 30.0 if SANITIZED else 10.0
RSS_LIMIT_KIB = 64 * 1024
NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups"]


# ------------------------------------------------------------------ running

class Run:
    pass


# ru_maxrss of a child includes the RSS of the process it was forked from
# (exec records the old mm's high-water mark), so shipready is not spawned
# from this test (~40 MiB of Python) but from a tiny helper interpreter
# (python3 -S -I, ~8 MiB) that posix_spawns it and collects it with
# os.wait4().  The figure is then max(helper, shipready): exact whenever
# shipready is the larger, never an under-estimate.
SPAWNER = r"""
import json, os, signal, sys, time
for line in sys.stdin:
    q = json.loads(line)
    rfd = wfd = None
    if q["stdin"] == "pipe":
        rfd, wfd = os.pipe()
    else:
        rfd = os.open(q["stdin"], os.O_RDONLY)
    out = os.open(q["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err = os.open(q["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    fa = [(os.POSIX_SPAWN_DUP2, rfd, 0), (os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, err, 2)]
    t0 = time.monotonic()
    pid = os.posix_spawn(q["cmd"][0], q["cmd"], q["env"], file_actions=fa)
    killed = False
    nap = 0.0005
    while True:
        wpid, status, ru = os.wait4(pid, os.WNOHANG)
        if wpid == pid:
            break
        if not killed and time.monotonic() - t0 > q["limit"]:
            os.kill(pid, signal.SIGKILL)      # not reaped yet: the pid is still ours
            killed = True
        time.sleep(nap)
        nap = min(nap * 2, 0.01)
    dt = time.monotonic() - t0
    for fd in (rfd, wfd, out, err):
        if fd is not None:
            os.close(fd)
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    rc = None if sig is not None else os.WEXITSTATUS(status)
    sys.stdout.write(json.dumps(dict(rc=rc, sig=sig, dt=dt, rss=ru.ru_maxrss, killed=killed)) + "\n")
    sys.stdout.flush()
"""

_local = threading.local()
_spawners = []
_spawners_lock = threading.Lock()


def _spawner():
    sp = getattr(_local, "sp", None)
    if sp is None:
        import subprocess
        sp = subprocess.Popen(["/usr/bin/python3", "-S", "-I", "-c", SPAWNER], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, bufsize=1)
        _local.sp = sp
        with _spawners_lock:
            _spawners.append(sp)
    return sp


def stop_spawners():
    for sp in _spawners:
        sp.stdin.close()
        sp.wait()


def spawn(cmd, cwd, stdin=None, limit=KILL):
    """Run cmd in cwd; returns Run with rc (None if signalled), sig, out, err,
    dt, rss (KiB, os.wait4 ru_maxrss), killed.  stdin: None (/dev/null),
    "pipe" (a pipe nobody writes to), or a file path."""
    assert os.path.samefile(os.getcwd(), cwd)   # the helper runs in main()'s cwd
    d = tempfile.mkdtemp(prefix="run-")
    try:
        q = dict(cmd=cmd, stdin=stdin or os.devnull, out=os.path.join(d, "out"), err=os.path.join(d, "err"),
                 limit=limit, env=dict(os.environ, NO_COLOR="1", LC_ALL="C"))
        sp = _spawner()
        sp.stdin.write(json.dumps(q) + "\n")
        a = json.loads(sp.stdout.readline())
        r = Run()
        r.rc, r.sig, r.dt, r.rss, r.killed = a["rc"], a["sig"], a["dt"], a["rss"], a["killed"]
        with open(q["out"], "rb") as f:
            r.out = f.read().decode("utf-8", "surrogateescape")
        with open(q["err"], "rb") as f:
            r.err = f.read().decode("utf-8", "surrogateescape")
        return r
    finally:
        shutil.rmtree(d, ignore_errors=True)


def dig(res, key):
    cur = res
    for k in key.split("."):
        if isinstance(cur, list):
            try:
                cur = cur[int(k)]
            except (ValueError, IndexError):
                return None
        elif isinstance(cur, dict):
            cur = cur.get(k)
        else:
            return None
    return cur


class Tester:
    def __init__(self, exe, corpus, ck, validator, setpriv_exe):
        self.exe, self.corpus, self.ck, self.validator = exe, corpus, ck, validator
        self.setpriv_exe = setpriv_exe
        self.results = {}            # case name -> JSON result (for same_as)
        self.stats = []              # (dt, rss, name, mode)
        self.lock = threading.Lock()

    def check_case(self, case, path=None):
        """Run one case in both modes; returns [(what, ok, detail)] and records stats."""
        path = path or case["path"]
        args = [a.replace("{corpus}", self.corpus) for a in case.get("args", [])]
        stdin = case.get("stdin")
        if stdin and stdin != "pipe":
            stdin = os.path.join(self.corpus, stdin)
        out = []
        reasons = {}
        result = None
        for mode in ("text", "json"):
            cmd = [self.exe, "inspect"] + (["--json"] if mode == "json" else []) + args + [path]
            if case.get("nobody"):
                cmd = [shutil.which("setpriv")] + NOBODY + [self.setpriv_exe] + cmd[1:]
            r = spawn(cmd, self.corpus, stdin)
            w = "%s[%s] " % (case["name"], mode)
            with self.lock:
                self.stats.append((r.dt, r.rss, case["name"], mode))
            out.append((w + "not killed (finishes within %.0f s)" % KILL, not r.killed, ""))
            if r.killed:
                continue
            out.append((w + "no signal", r.sig is None, "signal %r; stderr %r" % (r.sig, r.err[-300:])))
            if r.sig is not None:
                continue
            if not SANITIZED:
                out.append((w + "peak RSS < %d MiB" % (RSS_LIMIT_KIB >> 10), r.rss < RSS_LIMIT_KIB,
                            "%.1f MiB" % (r.rss / 1024)))
            expect = case["expect"]
            if expect == "any":
                expect = "error" if r.rc == 2 else "okw"
                out.append((w + "exit status 0 or 2", r.rc in (0, 2), "exit %r" % r.rc))
            doc = None
            if mode == "json":
                try:
                    doc = json.loads(r.out)
                except ValueError:
                    out.append((w + "stdout is JSON", False, repr(r.out[:200])))
                if doc is not None:
                    errs = common.schema_errors(self.validator, doc)
                    out.append((w + "schema-valid", not errs, "; ".join(errs[:3])))
                    res = doc.get("results") or []
                    out.append((w + "one result", len(res) == 1, "%d results" % len(res)))
                    if res:
                        result = res[0]
                        out.append((w + "result path", result.get("path") == path,
                                    repr(result.get("path"))))
            if expect == "error":
                out.append((w + "exit status 2", r.rc == 2, "exit %r, stdout %r" % (r.rc, r.out[:200])))
                lines = r.err.split("\n")
                ok = len(lines) == 2 and lines[1] == "" and err_line_re(path).match(lines[0]) is not None
                out.append((w + "stderr is one line `shipready: PATH: reason`", ok, repr(r.err[:300])))
                if ok:
                    reasons[mode] = lines[0][len("shipready: %s: " % path):]
                    if case.get("reason"):
                        out.append((w + "reason matches /%s/" % case["reason"],
                                    re.search(case["reason"], reasons[mode], re.I) is not None,
                                    repr(reasons[mode])))
                if mode == "text":
                    out.append((w + "no stdout", r.out == "", repr(r.out[:200])))
                elif result is not None:
                    out.append((w + "JSON error result", sorted(result) == ["error", "path"], repr(result)[:200]))
                    if mode in reasons:
                        out.append((w + "JSON error == stderr reason", result.get("error") == reasons[mode],
                                    "%r vs %r" % (result.get("error"), reasons[mode])))
            else:
                out.append((w + "exit status 0", r.rc == 0, "exit %r, stderr %r" % (r.rc, r.err[:300])))
                out.append((w + "no stderr", r.err == "", repr(r.err[:300])))
                if mode == "text":
                    out.append((w + "path printed", path in r.out, repr(r.out[:200])))
                elif result is not None:
                    if "error" in result:
                        out.append((w + "analysed", False, result["error"]))
                        continue
                    warns = result.get("warnings") or []
                    if expect == "ok":
                        out.append((w + "no warnings", warns == [], repr(warns)[:300]))
                    if expect == "warn":
                        out.append((w + "warnings", warns != [], ""))
                    for m in warns:
                        out.append((w + "warning is one line, no trailing period",
                                    re.match(r"^[^\n]*[^.\n]$", m) is not None, repr(m)))
        if len(reasons) == 2:
            out.append((case["name"] + " same reason in text and JSON", reasons["text"] == reasons["json"],
                        repr(reasons)))
        if result is not None and "error" not in result and case["expect"] != "error":
            with self.lock:
                self.results[case["name"]] = result
            out += self.check_facts(case, result)
        return out

    def check_facts(self, case, res):
        out = []
        w = case["name"] + " "
        for key, op, want in case.get("facts") or []:
            got = dig(res, key)
            if op == "eq":
                out.append((w + "%s == %r" % (key, want)[:120], got == want, "got %r" % (got,)))
            elif op == "same":
                ref = self.results.get(case["ref"])
                want = dig(ref, key) if ref else "<no reference>"
                out.append((w + "%s same as %s" % (key, case["ref"]), got == want,
                            "got %r, %s has %r" % (got, case["ref"], want)))
            elif op == "len":
                out.append((w + "len(%s) == %d" % (key, want), isinstance(got, list) and len(got) == want,
                            "got %s" % (len(got) if isinstance(got, list) else repr(got))))
            elif op == "len_le":
                out.append((w + "len(%s) <= %d" % (key, want), isinstance(got, list) and len(got) <= want,
                            "got %s" % (len(got) if isinstance(got, list) else repr(got))))
            elif op == "prefix_of":
                out.append((w + "%s is absent or a prefix of the real string" % key,
                            got is None or (isinstance(got, str) and want.startswith(got)), repr(got)[:100]))
            elif op == "nonempty":
                out.append((w + "%s non-empty" % key, bool(got), repr(got)[:100]))
            else:
                out.append((w + "unknown fact op %s" % op, False, ""))
        if case.get("same_as"):
            ref = self.results.get(case["same_as"])
            if ref is None:
                out.append((w + "reference %s analysed" % case["same_as"], False, ""))
            else:
                a = {k: v for k, v in res.items() if k != "path"}
                b = {k: v for k, v in ref.items() if k != "path"}
                diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                out.append((w + "same answer as %s" % case["same_as"], not diff,
                            "differs in %s: %s vs %s" % (diff, [a.get(k) for k in diff][:3],
                                                         [b.get(k) for k in diff][:3])[:400]))
        return out


def nobody_exe(exe, tmp):
    """shipready as a path nobody can execute (a copy if need be)."""
    p = common.run([shutil.which("setpriv")] + NOBODY + [exe, "--version"])
    if p.returncode == 0:
        return exe
    cp = os.path.join(tmp, "shipready")
    shutil.copyfile(exe, cp)
    os.chmod(cp, 0o755)
    return cp


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_hostile.py SHIPREADY OUTDIR")
    exe = os.path.abspath(sys.argv[1])
    outdir = os.path.abspath(sys.argv[2])
    ck = common.Checker("test_hostile")
    validator = common.schema_validator()
    t_gen = time.monotonic()
    man = make_hostile.ensure(os.path.join(outdir, "corpus"))
    corpus = os.path.join(outdir, "corpus")
    os.chdir(corpus)          # relative case paths are given as they are
    print("corpus: %d cases in %s (%.1f s)" % (len(man["cases"]), corpus, time.monotonic() - t_gen))

    p = common.run([exe, "inspect", "--help"])
    has_root = "--root" in p.stdout
    ck.true("inspect --help documents --root", has_root, repr(p.stdout[:300]))
    cases = [c for c in man["cases"] if has_root or not c.get("root")]

    tmp = tempfile.mkdtemp(prefix="hostile-run-", dir=outdir)
    tempfile.tempdir = tmp     # the runs' stdout/stderr files live here too
    os.chmod(tmp, 0o755)
    have_setpriv = os.geteuid() == 0 and shutil.which("setpriv")
    T = Tester(exe, corpus, ck, validator, nobody_exe(exe, tmp) if have_setpriv else exe)
    if not have_setpriv:
        print("SKIP: cases run as nobody (need root and setpriv)")
        cases = [c for c in cases if not c.get("nobody")]
    if not os.path.exists("/proc/kcore"):
        print("SKIP: /proc/kcore (not present on this kernel)")

    def one(case):
        if "cut" in case:
            d = tempfile.mkdtemp(dir=tmp)
            try:
                return make_hostile_run(T, case, d)
            finally:
                shutil.rmtree(d, ignore_errors=True)
        return T.check_case(case)

    def run_all(batch):
        workers = max(2, os.cpu_count() or 2)
        with concurrent.futures.ThreadPoolExecutor(workers) as ex:
            for res in ex.map(one, batch):
                for what, ok, detail in res:
                    ck.true(what, ok, detail)

    sparse_dir = tempfile.mkdtemp(prefix="hostile-sparse-", dir=outdir)
    try:
        # references first (the cases others are compared with), then the rest
        refs = {c.get("same_as") for c in cases} | {c.get("ref") for c in cases}
        run_all([c for c in cases if c["name"] in refs])
        run_all([c for c in cases if c["name"] not in refs])

        # the 4 GiB sparse files: written, run, deleted
        sp = make_hostile.write_sparse(sparse_dir, os.path.join(corpus, man["bases"]["true"]),
                                       os.path.join(corpus, man["bases"]["static"]))
        run_all(sp)
        ncases = len(cases) + len(sp)

        # One run mixing good and bad inputs: the good ones are still reported.
        mixed = ["bases/true", "special/fifo", "symlinks/self", "bases/static", "special/empty",
                 "/proc/self/mem", "bases/m32"]
        bad = [False, True, True, False, True, True, False]
        for mode in ("text", "json"):
            r = spawn([exe, "inspect"] + (["--json"] if mode == "json" else []) + mixed, corpus)
            w = "mixed[%s] " % mode
            ck.eq(w + "exit status", r.rc, 2)
            errs = r.err.splitlines()
            ck.eq(w + "one stderr line per bad input", len(errs), sum(bad))
            for pth, line in zip([m for m, b in zip(mixed, bad) if b], errs):
                ck.true(w + "stderr line for " + pth, err_line_re(pth).match(line) is not None, repr(line))
            if mode == "json":
                try:
                    doc = json.loads(r.out)
                    ck.eq(w + "which results are errors", ["error" in x for x in doc["results"]], bad)
                    ck.eq(w + "paths in order", [x["path"] for x in doc["results"]], mixed)
                except (ValueError, KeyError) as e:
                    ck.fail(w + "JSON: %s" % e)
            else:
                for m, b in zip(mixed, bad):
                    if not b:
                        ck.true(w + "good file reported: " + m, m in r.out, repr(r.out[:200]))
    finally:
        stop_spawners()
        shutil.rmtree(sparse_dir, ignore_errors=True)
        make_hostile.rmtree(tmp)

    st = sorted(T.stats, reverse=True)
    print("runs: %d (%d cases x text/json)" % (len(st), ncases))
    print("slowest:")
    for dt, rss, name, mode in st[:5]:
        print("  %.3f s  %6.1f MiB  %s [%s]" % (dt, rss / 1024, name, mode))
    print("largest RSS:")
    for dt, rss, name, mode in sorted(T.stats, key=lambda x: -x[1])[:5]:
        print("  %6.1f MiB  %.3f s  %s [%s]" % (rss / 1024, dt, name, mode))
    ns = [x for x in T.stats if not x[2].startswith("sparse-")]
    if ns:
        a, b = max(ns), max(ns, key=lambda x: x[1])
        print("without the sparse files: slowest %.3f s (%s [%s]), largest %.1f MiB (%s [%s])"
              % (a[0], a[2], a[3], b[1] / 1024, b[2], b[3]))
    return ck.report()


def make_hostile_run(T, case, d):
    path = make_hostile.materialize(T.corpus, case, d)
    return T.check_case(case, path)


if __name__ == "__main__":
    sys.exit(main())
