#!/usr/bin/env python3
"""Golden output: `shipready inspect` text and JSON for a set of fixtures,
compared exactly with tests/cli/golden/<fixture>.{txt,json}.

Only what legitimately differs between two builds of the same sources is
normalised: the fixture directory, GNU build IDs, and .comment compiler
strings (which name the exact Debian package revision of gcc).

    test_golden.py SHIPREADY FIXTURE_DIR            compare
    test_golden.py SHIPREADY FIXTURE_DIR --update   rewrite the golden files
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")

# Fixtures whose reports are pinned: one per behaviour worth freezing.
FIXTURES = [
    "c-pie", "c-nopie", "c-static", "c-static-pie", "c-m32", "c-aarch64",
    "c-rpath", "c-runpath", "c-verneed", "libver.so.1", "c-hardened", "c-unhardened",
    "c-execstack", "c-norelro", "cxx", "musl-static", "musl-dynamic", "obj.o",
    "go-amd64", "go-cgo", "go-arm", "go-ppc64", "go-mips", "go-riscv64",
    "arm-hf.elf", "arm-soft.elf", "core.elf",
]


def normalise_text(out, fixdir):
    out = out.replace(fixdir + "/", "FIXTURES/")
    out = re.sub(r"(build-id\s+)[0-9a-f]+", r"\1<build-id>", out)
    lines, in_compiler = [], False
    for line in out.split("\n"):
        if line.startswith("  compiler "):
            in_compiler = True
            lines.append("  compiler   <compilers>")
            continue
        if in_compiler and line.startswith("             "):
            continue
        in_compiler = False
        lines.append(line)
    return "\n".join(lines)


def normalise_json(doc, fixdir):
    for r in doc["results"]:
        r["path"] = r["path"].replace(fixdir + "/", "FIXTURES/")
        if "build_id" in r:
            r["build_id"] = "<build-id>"
        if r.get("compilers"):
            r["compilers"] = ["<compilers>"]
    doc["tool"]["version"] = "<version>"
    return json.dumps(doc, indent=1, sort_keys=False) + "\n"


def main():
    args = [a for a in sys.argv[1:] if a != "--update"]
    update = "--update" in sys.argv
    if len(args) != 2:
        sys.exit(__doc__)
    exe, fixdir = os.path.abspath(args[0]), os.path.abspath(args[1])
    common.fixtures(fixdir)
    ck = common.Checker("test_golden")
    os.makedirs(GOLDEN, exist_ok=True)
    env = dict(os.environ, NO_COLOR="1")
    for name in FIXTURES:
        path = os.path.join(fixdir, name)
        for mode, ext in (("text", "txt"), ("json", "json")):
            cmd = [exe, "inspect"] + (["--json"] if mode == "json" else []) + [path]
            p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=30)
            ck.eq("%s [%s] exit status" % (name, mode), p.returncode, 0)
            got = normalise_text(p.stdout, fixdir) if mode == "text" else \
                normalise_json(json.loads(p.stdout), fixdir)
            gold = os.path.join(GOLDEN, "%s.%s" % (name, ext))
            if update:
                with open(gold, "w") as f:
                    f.write(got)
                continue
            try:
                with open(gold) as f:
                    want = f.read()
            except FileNotFoundError:
                ck.fail("%s [%s]: no golden file %s (run with --update)" % (name, mode, gold))
                continue
            if got != want:
                import difflib
                diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                    "golden/" + os.path.basename(gold), "actual", n=1))
                ck.fail("%s [%s] differs from golden:\n%s" % (name, mode, diff[:3000]))
            else:
                ck.true("%s [%s] matches golden" % (name, mode), True)
    if update:
        print("golden files rewritten in", GOLDEN)
        return 0
    return ck.report()


if __name__ == "__main__":
    sys.exit(main())
