#!/usr/bin/env python3
"""shipready never executes what it reads.

    python3 tests/hostile/test_never_exec.py SHIPREADY FIXTURE_DIR [OUTDIR]

Runs `shipready inspect` and `shipready inspect --json` under
`strace -f -qq -e trace=execve,execveat` over every CLI fixture (built into
FIXTURE_DIR by tests/cli/common.fixtures) and the hostile corpus (built into
OUTDIR/corpus, default: next to FIXTURE_DIR's parent, by make_hostile.ensure).
Each strace log must hold exactly one execve, shipready's own, and nothing else.
"""
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "cli"))
sys.path.insert(0, HERE)
import common  # noqa: E402
import make_hostile  # noqa: E402

BATCH = 300
EXEC_RE = re.compile(r"^\d+\s+(execve|execveat)\((.*)$")


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: test_never_exec.py SHIPREADY FIXTURE_DIR [OUTDIR]")
    exe = os.path.abspath(sys.argv[1])
    fixdir = os.path.abspath(sys.argv[2])
    outdir = os.path.abspath(sys.argv[3]) if len(sys.argv) == 4 else HERE
    ck = common.Checker("test_never_exec")
    strace = shutil.which("strace")
    if not strace:
        print("FAIL: strace not installed (make test installs it)")
        return 1
    common.fixtures(fixdir)
    corpus = os.path.join(outdir, "corpus")
    man = make_hostile.ensure(corpus)
    os.chdir(corpus)

    fixtures = sorted(os.path.join(dp, f) for dp, _dn, fs in os.walk(fixdir) for f in fs
                      if not f.startswith(".") and f != "build.log")
    ck.true("fixtures found", len(fixtures) > 10, "%d in %s" % (len(fixtures), fixdir))
    tmp = tempfile.mkdtemp(prefix="never-exec-", dir=outdir)
    runs = []   # (label, extra args, paths, stdin)
    for i in range(0, len(fixtures), BATCH):
        runs.append(("fixtures[%d:]" % i, [], fixtures[i:i + BATCH]))
    plain, rooted = [], []
    try:
        for c in man["cases"]:
            if c.get("nobody") or c.get("stdin"):
                continue
            p = c["path"]
            if "cut" in c:
                p = make_hostile.materialize(corpus, c, tmp) if c["cut"][1] % 7 == 0 else None
            if p:
                (rooted if c.get("root") else plain).append(p)
        for i in range(0, len(plain), BATCH):
            runs.append(("hostile[%d:]" % i, [], plain[i:i + BATCH]))
        runs.append(("hostile --root", ["--root", os.path.join(corpus, "root")], rooted))
        total = 0
        for label, extra, paths in runs:
            for mode in ([], ["--json"]):
                log = os.path.join(tmp, "strace.log")
                cmd = [strace, "-f", "-qq", "-e", "trace=execve,execveat", "-o", log,
                       exe, "inspect"] + mode + extra + paths
                env = dict(os.environ)
                if "ASAN_OPTIONS" in env:
                    # LeakSanitizer cannot run under ptrace; the other tests check leaks
                    env["ASAN_OPTIONS"] += ":detect_leaks=0"
                p = common.run(cmd, timeout=300, env=env)
                w = "%s%s: " % (label, " --json" if mode else "")
                total += len(paths)
                ck.true(w + "finished, exit 0 or 2", p.returncode in (0, 2), "exit %r" % p.returncode)
                lines = common.strace_lines(log)
                execs = [l for l in lines if EXEC_RE.match(l)]
                ck.eq(w + "exactly one execve", len(execs), 1)
                if execs:
                    ck.true(w + "the one execve is shipready's own",
                            execs[0].split(None, 1)[1].startswith('execve("%s", ' % exe) and
                            execs[0].endswith(" = 0"), execs[0][:200])
                ck.true(w + "no execveat", not any("execveat(" in l for l in lines), "")
                others = [l for l in lines if l not in execs and not l.endswith("+++ exited with 0 +++")
                          and not l.endswith("+++ exited with 2 +++")]
                ck.eq(w + "nothing else in the strace log", others, [])
        print("never-exec: %d strace runs over %d inputs" % (2 * len(runs), total))
    finally:
        make_hostile.rmtree(tmp)
    return ck.report()


if __name__ == "__main__":
    sys.exit(main())
