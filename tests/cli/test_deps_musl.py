#!/usr/bin/env python3
"""deps for musl programs: the C library is the loader itself, the search
uses musl's path file, symbol versions are not checked.  Oracle: musl's own
loader in list mode (`/lib/ld-musl-ARCH.so.1 --list PROGRAM`, which reads
the file without running it).

    test_deps_musl.py SHIPREADY FIXTURE_DIR
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

MUSL_LD = "/lib/ld-musl-x86_64.so.1"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    exe, fixdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    common.fixtures(fixdir)
    ck = common.Checker("test_deps_musl")
    prog = os.path.join(fixdir, "musl-dynamic")
    p = common.run([exe, "deps", "--json", prog], timeout=30)
    ck.eq("exit status", p.returncode, 0)
    res = json.loads(p.stdout)["results"][0]
    import jsonschema
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "docs", "schema", "deps.json")) as fh:
        validator = jsonschema.Draft202012Validator(json.load(fh))
    for e in common.schema_errors(validator, json.loads(p.stdout)):
        ck.fail("schema: " + e)
    ck.eq("loader", res.get("loader"), "musl")
    ck.eq("interpreter", res.get("interpreter"), MUSL_LD)
    ck.eq("ok", res.get("ok"), True)
    edges = [e for e in res["edges"] if e["from"] == 0]
    ck.eq("needed", [e["name"] for e in edges], ["libc.so"])
    if edges:
        ck.eq("libc.so is the loader itself", edges[0]["how"], "C library (musl)")
        to = edges[0].get("to")
        ck.eq("libc.so resolves to the loader", res["objects"][to]["path"] if to is not None else None, MUSL_LD)

    # musl's loader, in list mode, is the oracle
    if os.path.exists(MUSL_LD):
        q = common.run([MUSL_LD, "--list", prog], timeout=30)
        want = set()
        for line in q.stdout.splitlines():
            m = re.match(r"^\s*(\S+) => (\S+)", line) or re.match(r"^\s*(\S+) \(0x", line)
            if m:
                want.add(m.group(2) if m.lastindex == 2 else m.group(1))
        f = common.run([exe, "deps", "--flat", prog], timeout=30)
        got = set()
        for line in f.stdout.splitlines():
            m = re.match(r"^\s*(\S+) => (\S+)", line) or re.match(r"^\s*(/\S+)$", line)
            if m:
                got.add(m.group(2) if m.lastindex == 2 else m.group(1))
        ck.eq("--flat paths equal musl's loader's list", sorted(got), sorted(want))
    else:
        ck.fail("%s missing (make test installs musl)" % MUSL_LD)
    return ck.report()


if __name__ == "__main__":
    sys.exit(main())
