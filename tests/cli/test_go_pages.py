#!/usr/bin/env python3
"""`shipready go-version -m` reads the pages it needs, not the whole file.

    python3 tests/cli/test_go_pages.py SHIPREADY FIXTURE_DIR

Two ~100 MiB Go binaries are made from the Go fixtures (go119-hello: the
inline build info; go115-hello: the pre-1.18 build info, whose pointers lead
into the data segment) by adding a 100 MiB non-alloc section with
`objcopy --add-section` (objcopy puts it after the loaded segments and moves
the section header table behind it).  For each, `shipready go-version -m`
must print what `go version -m` prints, and its peak RSS (os.wait4
ru_maxrss) must stay under 16 MiB, far below the file size.  The binaries are
written next to FIXTURE_DIR and deleted at the end.
Prints `test_go_pages: N checks, N failed` last.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

GO = os.environ.get("SHIPREADY_TEST_GO", "/usr/bin/go")
BIG = 100 * 1024 * 1024
RSS_LIMIT_KIB = 16 * 1024
# Under the sanitizer build (tools/run-tests.sh runs the suite there too)
# ASan's shadow memory and allocator dominate RSS; reading the whole file
# would still show as > 100 MiB.
if "ASAN_OPTIONS" in os.environ:
    RSS_LIMIT_KIB = 64 * 1024

# ru_maxrss of a child includes the high-water mark of the process it was
# forked from, so shipready is spawned by a tiny interpreter (python3 -S -I,
# ~8 MiB), not by this test: the figure is max(helper, shipready), never an
# under-estimate (the pattern of tests/hostile/test_hostile.py).
SPAWNER = r"""
import json, os, sys
cmd = json.loads(sys.argv[1])
out = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
err = os.open(sys.argv[3], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
nul = os.open(os.devnull, os.O_RDONLY)
fa = [(os.POSIX_SPAWN_DUP2, nul, 0), (os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, err, 2)]
pid = os.posix_spawn(cmd[0], cmd, dict(os.environ), file_actions=fa)
_, status, ru = os.wait4(pid, 0)
print(json.dumps(dict(rc=os.waitstatus_to_exitcode(status), rss=ru.ru_maxrss)))
"""


def measured(cmd, tmp):
    """Run cmd under the helper; returns (exit code, stdout bytes, stderr, peak RSS KiB)."""
    o, e = os.path.join(tmp, "out"), os.path.join(tmp, "err")
    p = subprocess.run([sys.executable, "-S", "-I", "-c", SPAWNER, json.dumps(cmd), o, e],
                       stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=120)
    r = json.loads(p.stdout)
    with open(o, "rb") as f:
        out = f.read()
    with open(e, errors="replace") as f:
        err = f.read()
    return r["rc"], out, err, r["rss"]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_go_pages.py SHIPREADY FIXTURE_DIR")
    exe = os.path.abspath(sys.argv[1])
    fixdir = os.path.abspath(sys.argv[2])
    ck = common.Checker("test_go_pages")
    if not shutil.which("objcopy"):
        print("FAIL: objcopy not found (Debian: binutils)")
        return 1
    common.fixtures(fixdir)
    tmp = tempfile.mkdtemp(prefix="go-pages-", dir=os.path.dirname(fixdir))
    try:
        junk = os.path.join(tmp, "junk")
        with open(junk, "wb") as f:       # not zeros: nothing may be sparse
            block = bytes(range(256)) * 4096
            for _ in range(BIG // len(block)):
                f.write(block)
        for name in ("go119-hello", "go115-hello"):
            big = os.path.join(tmp, name + "-100mib")
            p = common.run(["objcopy", "--add-section", ".shipready.junk=" + junk,
                            "--set-section-flags", ".shipready.junk=contents,readonly",
                            os.path.join(fixdir, "gover", name), big], timeout=120)
            if not ck.eq("%s: objcopy exit status" % name, p.returncode, 0):
                print(p.stderr)
                continue
            size = os.path.getsize(big)
            ck.true("%s: the file is over 100 MiB" % name, size > BIG, "%d bytes" % size)
            want = subprocess.run([GO, "version", "-m", big], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL).stdout
            ck.true("%s: go version -m reads it" % name, want.startswith((big + ": go").encode()),
                    repr(want[:200]))
            rc, out, err, rss = measured([exe, "go-version", "-m", big], tmp)
            print("%s: %d bytes, shipready go-version -m: exit %d, peak RSS %d KiB (limit %d)"
                  % (os.path.basename(big), size, rc, rss, RSS_LIMIT_KIB))
            ck.eq("%s: exit status" % name, rc, 0)
            ck.eq("%s: stderr" % name, err, "")
            ck.true("%s: stdout equal to go version -m's" % name, out == want,
                    "shipready %r, go %r" % (out[:300], want[:300]))
            ck.true("%s: peak RSS under %d KiB" % (name, RSS_LIMIT_KIB), rss < RSS_LIMIT_KIB,
                    "%d KiB for a %d MiB file" % (rss, size >> 20))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return ck.report()


if __name__ == "__main__":
    sys.exit(main())
