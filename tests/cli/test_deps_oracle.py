#!/usr/bin/env python3
"""Oracle: `shipready deps` against `ldd` on the machine's own files.

    python3 tests/cli/test_deps_oracle.py SHIPREADY [DIR...]

For every dynamic ELF executable and shared library under /usr/bin,
/usr/sbin and /usr/lib (recursively; regular files with ELF magic, ET_EXEC or
ET_DYN with a PT_DYNAMIC, deduplicated by real path), the set of paths
`shipready deps --json` resolves (objects[1:].path, the interpreter included,
plus "NAME => not found" for each missing library) must equal what `ldd FILE`
prints (linux-vdso/linux-gate left out).  "statically linked" / "not a
dynamic executable" must match no objects beyond the input.  Zero differences.

Files ldd cannot handle are skipped and counted: ones of a class/machine no
loader on this machine runs (ldd: "not a dynamic executable"), ones ldd times
out on.  shipready runs in batches of 200 files; ldd runs once per file in a
pool of 2 workers with a per-file timeout.  Timings are printed.
"""
import concurrent.futures
import json
import os
import re
import stat
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from test_deps import clean_env, parse_ldd  # noqa: E402

TOPS = ["/usr/bin", "/usr/sbin", "/usr/lib"]
BATCH = 200
WORKERS = 2
LDD_TIMEOUT = 20
SHOW = int(os.environ.get("DEPS_ORACLE_SHOW", "60"))

EM_X86_64, EM_386 = 62, 3
# the loaders ldd tries (its RTLDLIST), by (class, machine)
LOADERS = {(2, EM_X86_64): "/lib64/ld-linux-x86-64.so.2", (1, EM_386): "/lib/ld-linux.so.2",
           (1, EM_X86_64): "/libx32/ld-linux-x32.so.2"}


def elf_info(path):
    """(class, machine, e_type, has PT_DYNAMIC, has PT_INTERP) or None."""
    try:
        with open(path, "rb") as f:
            h = f.read(64)
            if len(h) < 52 or h[:4] != b"\x7fELF" or h[4] not in (1, 2) or h[5] not in (1, 2):
                return None
            e = "<" if h[5] == 1 else ">"
            cls = h[4]
            etype, machine = struct.unpack_from(e + "HH", h, 16)
            if cls == 2:
                phoff, = struct.unpack_from(e + "Q", h, 32)
                phentsize, phnum = struct.unpack_from(e + "HH", h, 54)
            else:
                phoff, = struct.unpack_from(e + "I", h, 28)
                phentsize, phnum = struct.unpack_from(e + "HH", h, 42)
            dyn = interp = False
            if phoff and phentsize >= 8 and 0 < phnum < 4096:
                f.seek(phoff)
                ph = f.read(phentsize * phnum)
                for i in range(len(ph) // phentsize):
                    t, = struct.unpack_from(e + "I", ph, i * phentsize)
                    dyn |= t == 2
                    interp |= t == 3
            return cls, machine, etype, dyn, interp
    except (OSError, struct.error):
        return None


def collect(tops):
    seen, files, scanned = set(), [], 0
    for top in tops:
        for dp, dns, fns in os.walk(top):
            dns.sort()
            for fn in sorted(fns):
                p = os.path.join(dp, fn)
                try:
                    rp = os.path.realpath(p)
                    st = os.stat(rp)
                except OSError:
                    continue
                if not stat.S_ISREG(st.st_mode) or rp in seen:
                    continue
                seen.add(rp)
                scanned += 1
                info = elf_info(rp)
                if info and info[2] in (2, 3) and info[3]:
                    files.append((rp, info))
    return files, scanned


def run_ldd(path):
    t = time.time()
    p = common.run(["ldd", path], timeout=LDD_TIMEOUT, env=clean_env())
    return path, p, time.time() - t


def main():
    if len(sys.argv) < 2:
        print("usage: test_deps_oracle.py SHIPREADY [DIR...]")
        return 2
    exe = os.path.abspath(sys.argv[1])
    tops = sys.argv[2:] or TOPS
    c = common.Checker("test_deps_oracle")
    t0 = time.time()
    files, scanned = collect(tops)
    t_scan = time.time() - t0
    print("scanned %d regular files under %s in %.1fs: %d dynamic ELF executables/libraries"
          % (scanned, " ".join(tops), t_scan, len(files)))

    # ldd uses a loader of its RTLDLIST only if `LOADER --version` runs here
    # (an x32 loader exists on Debian but needs kernel x32 support).
    def loader_runs(v):
        try:
            return common.run([v, "--version"], env=clean_env()).returncode == 0
        except OSError:
            return False
    runs = {k: loader_runs(v) for k, v in LOADERS.items()}
    skipped = {}
    todo = []
    for rp, info in files:
        key = (info[0], info[1])
        if not runs.get(key):
            skipped.setdefault("no loader for its class/machine runs here (ldd: not a dynamic executable)",
                               []).append(rp)
            continue
        todo.append(rp)

    # shipready, batched
    t1 = time.time()
    ship = {}
    for i in range(0, len(todo), BATCH):
        chunk = todo[i:i + BATCH]
        p = common.run([exe, "deps", "--json"] + chunk, timeout=600, env=clean_env())
        if p.returncode not in (0, 1, 2):
            c.fail("shipready deps batch %d: exit %r: %s" % (i // BATCH, p.returncode, p.stderr[-500:]))
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            c.fail("shipready deps batch %d: no JSON (exit %r): %s" % (i // BATCH, p.returncode, p.stderr[-500:]))
            continue
        if not c.eq("batch %d: one result per file" % (i // BATCH), [r["path"] for r in doc["results"]], chunk):
            continue
        for r in doc["results"]:
            ship[r["path"]] = r
    t_ship = time.time() - t1

    # ldd, one per file, 2 workers
    t2 = time.time()
    ldd = {}
    ldd_cpu = 0.0
    with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as ex:
        for path, p, dt in ex.map(run_ldd, todo):
            ldd[path] = p
            ldd_cpu += dt
    t_ldd = time.time() - t2

    diffs = []
    compared = agree = static_n = 0
    for path in todo:
        p = ldd[path]
        if p.returncode is None:
            skipped.setdefault("ldd timed out (%ds)" % LDD_TIMEOUT, []).append(path)
            continue
        r = ship.get(path)
        if r is None:
            diffs.append("%s: no shipready result" % path)
            continue
        if "error" in r:
            diffs.append("%s: shipready error: %s" % (path, r["error"]))
            continue
        got, static, odd = parse_ldd(p.stdout + "\n" + p.stderr)
        odd = [o for o in odd if not re.search(r": (version|no version information)", o)
               and not o.startswith("ldd: warning: you do not have execution permission")]
        if odd and not got and not static:
            skipped.setdefault("ldd printed no list", []).append("%s (%s)" % (path, odd[0][:120]))
            continue
        compared += 1
        mine = set(o["path"] for o in r["objects"][1:])
        mine.update("%s => not found" % e["name"] for e in r["edges"] if "to" not in e)
        if static:
            static_n += 1
            if mine:
                diffs.append("%s: ldd says static / not dynamic, shipready resolves %s" % (path, sorted(mine)))
                continue
        if mine != got:
            diffs.append("%s:\n      only shipready: %s\n      only ldd:       %s"
                         % (path, sorted(mine - got), sorted(got - mine)))
            continue
        agree += 1

    nskip = sum(len(v) for v in skipped.values())
    print("shipready: %d files in %d batches, %.2fs wall" % (len(todo), (len(todo) + BATCH - 1) // BATCH, t_ship))
    print("ldd:       %d files, %d workers, %.2fs wall (%.2fs summed per file)" % (len(todo), WORKERS, t_ldd, ldd_cpu))
    print("compared %d files (%d static / not dynamic per ldd): %d agree, %d differ; skipped %d"
          % (compared, static_n, agree, len(diffs), nskip))
    for why, paths in sorted(skipped.items()):
        print("  skipped %d: %s%s" % (len(paths), why, (", e.g. " + ", ".join(paths[:3])) if paths else ""))
    for d in diffs[:SHOW]:
        print("DIFF:", d)
    if len(diffs) > SHOW:
        print("... and %d more differences" % (len(diffs) - SHOW))
    c.eq("differences between shipready deps and ldd", len(diffs), 0)
    c.true("some files were compared", compared > 0)
    print("total %.1fs" % (time.time() - t0))
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
