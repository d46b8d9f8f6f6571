#!/usr/bin/env python3
"""Compare shipready with readelf on every ELF file of the system.

    python3 tests/cli/test_oracle.py SHIPREADY [DIR...]

DIRs default to /usr/bin /usr/sbin /usr/lib/x86_64-linux-gnu (recursive).
Every regular file (or symlink resolving to one) starting with \\x7fELF is
inspected once (deduplicated by realpath), 200 files per shipready run and
per `readelf -d -V -W` run.  Compared per file: NEEDED (in order), SONAME,
RPATH and RUNPATH (raw strings, in order), DT_FLAGS / DT_FLAGS_1 names, the
verneed sets (library -> version names, then the exact ordered
(name, weak, index) lists), verdef (name, index, base, parents) and the
max_versions derived from verneed.  Every file must be analysed (no error
result) and every document must match the schema.  Zero differences required.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

DEFAULT_DIRS = ["/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu"]
BATCH = 200
SHOW = 50


def elf_files(dirs):
    seen = set()
    out = []
    for top in dirs:
        for root, _dirs, files in os.walk(top):
            for fn in sorted(files):
                p = os.path.join(root, fn)
                try:
                    real = os.path.realpath(p)
                    if real in seen or not os.path.isfile(real):
                        continue
                    seen.add(real)
                    with open(real, "rb") as f:
                        if f.read(4) != b"\x7fELF":
                            continue
                except OSError:
                    continue
                out.append(real)
    return sorted(out)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: test_oracle.py SHIPREADY [DIR...]")
    exe = os.path.abspath(sys.argv[1])
    dirs = sys.argv[2:] or DEFAULT_DIRS
    t0 = time.time()
    files = elf_files(dirs)
    print("oracle: %d ELF files under %s" % (len(files), " ".join(dirs)))
    if not files:
        print("FAIL: no ELF files found")
        return 1
    validator = common.schema_validator()

    diffs = []
    errors = []
    t_ship = 0.0
    for i in range(0, len(files), BATCH):
        chunk = files[i:i + BATCH]
        t = time.time()
        proc, doc = common.inspect_json(exe, chunk, timeout=120)
        t_ship += time.time() - t
        if proc.returncode is None or doc is None:
            errors.append("batch %d: shipready exit %r, no JSON; stderr: %s"
                          % (i // BATCH, proc.returncode, proc.stderr[:500]))
            continue
        if proc.returncode not in (0, 2):
            errors.append("batch %d: shipready exit %r" % (i // BATCH, proc.returncode))
        for e in common.schema_errors(validator, doc)[:20]:
            errors.append("batch %d: schema: %s" % (i // BATCH, e))
        results = doc.get("results", [])
        if [r.get("path") for r in results] != chunk:
            errors.append("batch %d: results do not follow the input paths" % (i // BATCH))
            continue
        oracle = common.readelf_dyn_ver(chunk, batch=BATCH)
        for path, res in zip(chunk, results):
            if "error" in res:
                errors.append("%s: not analysed: %s" % (path, res["error"]))
                continue
            facts = common.facts_from_json(res)
            want = oracle.get(path, common._empty_facts())
            diffs.extend(common.compare_facts(path, facts, want))
            diffs.extend(common.check_max_versions(path, res, want["verneed"]))

    for d in (errors + diffs)[:SHOW]:
        print("DIFF:", d)
    if len(errors) + len(diffs) > SHOW:
        print("... %d more" % (len(errors) + len(diffs) - SHOW))
    print("oracle: %d files, %d not analysed/errors, %d differences "
          "(shipready %.1fs, total %.1fs)" % (len(files), len(errors), len(diffs),
                                               t_ship, time.time() - t0))
    return 1 if errors or diffs else 0


if __name__ == "__main__":
    sys.exit(main())
