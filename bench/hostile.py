#!/usr/bin/env python3
"""Benchmark: the hostile corpus (tests/hostile/make_hostile.py) through
`inspect --json` and `deps --json`, one case at a time on a quiet machine,
against the goal that every case ends within 1 s.

    python3 bench/hostile.py SHIPREADY [SCRATCH_DIR]

Prints, per command, the number of cases, the five slowest with their wall
times, and whether the goal was met.  Not a test: nothing fails on a slow
result (tests/hostile only kill a hang, after 10 s).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "hostile"))
import make_hostile  # noqa: E402

GOAL = 1.0
COMMANDS = (("inspect", ["inspect", "--json"]), ("deps", ["deps", "--json"]))


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    exe = os.path.abspath(sys.argv[1])
    out = os.path.abspath(sys.argv[2] if len(sys.argv) == 3 else os.path.join("build", "bench-hostile"))
    corpus = os.path.join(out, "corpus")
    man = make_hostile.ensure(corpus)
    cases = [c for c in man["cases"] if not c.get("nobody") and not c.get("stdin")]
    tmp = tempfile.mkdtemp(prefix="bench-hostile-", dir=out)
    try:
        for name, argv in COMMANDS:
            times = []
            for case in cases:
                d = tempfile.mkdtemp(dir=tmp) if "cut" in case else None
                path = make_hostile.materialize(corpus, case, d) if d else case["path"]
                args = [a.replace("{corpus}", corpus) for a in case.get("args", [])]
                t = time.monotonic()
                try:
                    subprocess.run([exe] + argv + args + [path], cwd=corpus, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
                    dt = time.monotonic() - t
                except subprocess.TimeoutExpired:
                    dt = float("inf")
                times.append((dt, case["name"]))
                if d:
                    shutil.rmtree(d, ignore_errors=True)
            times.sort(reverse=True)
            print("%s: %d hostile cases, slowest:" % (name, len(times)))
            for dt, cname in times[:5]:
                print("  %.3f s  %s" % (dt, cname))
            print("  goal: every case within %.1f s: %s" % (GOAL, "met" if times[0][0] < GOAL else "MISSED"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
