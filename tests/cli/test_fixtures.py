#!/usr/bin/env python3
"""Inspect every fixture built by tests/fixtures/build.sh and check exact facts.

    python3 tests/cli/test_fixtures.py SHIPREADY FIXTURE_DIR

For each fixture: the per-fixture expectations below (kind, linkage, libc,
interpreter, hardening, ...), plus facts compared with an oracle for every
fixture: the ELF header read with struct, `readelf -d -V -W` (NEEDED, SONAME,
RPATH, RUNPATH, FLAGS, verneed, verdef), `readelf -n` (ABI tag, build-id),
`readelf -l` (interpreter, GNU_STACK, GNU_RELRO), `readelf -S` (.symtab,
.debug_info), `readelf -p .comment`.  Every JSON document is validated against
docs/schema/inspect.json.  The human text output is checked loosely.
"""
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

GLIBC64_INTERP = "/lib64/ld-linux-x86-64.so.2"
X86_64 = {"machine": "x86-64", "machine_code": 62, "class": 64, "byte_order": "little"}

# Per-fixture exact expectations.  Keys:
#   elf.*            fields of result["elf"]
#   kind, linkage, libc, interpreter (None = absent), go
#   dynamic          False = no "dynamic" key
#   needed, rpath, runpath, soname, flags, flags_1, bind_now
#   relro, pie, nx_stack, stack_protector, fortify, stripped, debug_info
#   families         version families that must be in max_versions
#   min_kernel       None = absent (generic check also compares with readelf -n)
GO_ARCHES = {
    "go-amd64":   ("x86-64", 62, 64, "little"),
    "go-386":     ("i386", 3, 32, "little"),
    "go-arm":     ("ARM", 40, 32, "little"),
    "go-arm64":   ("AArch64", 183, 64, "little"),
    "go-riscv64": ("RISC-V", 243, 64, "little"),
    "go-ppc64":   ("PowerPC64", 21, 64, "big"),
    "go-ppc64le": ("PowerPC64", 21, 64, "little"),
    "go-s390x":   ("S/390", 22, 64, "big"),
    "go-mips":    ("MIPS", 8, 32, "big"),
    "go-mipsle":  ("MIPS", 8, 32, "little"),
    "go-mips64":  ("MIPS", 8, 64, "big"),
    "go-mips64le": ("MIPS", 8, 64, "little"),
    "go-loong64": ("LoongArch", 258, 64, "little"),
}

EXPECT = {
    "c-pie": dict(elf=X86_64, kind="pie-executable", linkage="dynamic", libc="glibc",
                  interpreter=GLIBC64_INTERP, needed=["libc.so.6"], rpath=[], runpath=[],
                  pie=True, relro="partial", bind_now=False, nx_stack=True, go=False,
                  stack_protector=False, fortify=False, stripped=False, debug_info=False,
                  families=["GLIBC"], min_kernel="3.2.0"),
    "c-nopie": dict(elf=X86_64, kind="executable", linkage="dynamic", libc="glibc",
                    interpreter=GLIBC64_INTERP, needed=["libc.so.6"], pie=False,
                    relro="partial", nx_stack=True, go=False),
    "c-static": dict(elf=X86_64, kind="executable", linkage="static", libc="glibc",
                     interpreter=None, dynamic=False, pie=False, go=False, stripped=False,
                     min_kernel="3.2.0"),
    "c-static-pie": dict(elf=X86_64, kind="pie-executable", linkage="static-pie", libc="glibc",
                         interpreter=None, needed=[], pie=True, go=False),
    "c-m32": dict(elf={"machine": "i386", "machine_code": 3, "class": 32, "byte_order": "little"},
                  kind="pie-executable", linkage="dynamic", libc="glibc",
                  interpreter="/lib/ld-linux.so.2", needed=["libc.so.6"], pie=True,
                  families=["GLIBC"], go=False),
    "c-aarch64": dict(elf={"machine": "AArch64", "machine_code": 183, "class": 64,
                           "byte_order": "little"},
                      kind="pie-executable", linkage="dynamic", libc="glibc",
                      interpreter="/lib/ld-linux-aarch64.so.1", needed=["libc.so.6"],
                      families=["GLIBC"], go=False, min_kernel="3.7.0"),
    "c-now": dict(kind="pie-executable", linkage="dynamic", relro="full", bind_now=True,
                  flags=["BIND_NOW"], flags_1=["NOW", "PIE"]),
    "c-lazy": dict(kind="pie-executable", relro="partial", bind_now=False, flags_1=["PIE"]),
    "c-norelro": dict(kind="pie-executable", relro="none", bind_now=False),
    "c-execstack": dict(kind="pie-executable", nx_stack=False, relro="partial"),
    "c-rpath": dict(kind="pie-executable", needed=["libc.so.6"],
                    rpath=["/opt/shipready/lib:/opt/other:$ORIGIN/../lib"], runpath=[]),
    "c-runpath": dict(kind="pie-executable", needed=["libc.so.6"], rpath=[],
                      runpath=["$ORIGIN/../lib64"], flags=["ORIGIN"], flags_1=["ORIGIN", "PIE"]),
    "c-hardened": dict(kind="pie-executable", stack_protector=True, fortify=True,
                       fortified_has=["__printf_chk", "__memcpy_chk"], stripped=False),
    "c-unhardened": dict(kind="pie-executable", stack_protector=False, fortify=False,
                         fortified=[]),
    "c-stripped": dict(kind="pie-executable", stripped=True, debug_info=False,
                       stack_protector=True, fortify=True,
                       fortified_has=["__printf_chk", "__memcpy_chk"]),
    "c-debug": dict(kind="pie-executable", stripped=False, debug_info=True),
    "obj.o": dict(elf=dict(X86_64, type="REL", type_code=1), kind="relocatable", linkage="none",
                  interpreter=None, dynamic=False, pie=False, go=False, stripped=False,
                  version_needs=[], version_defs=[], max_versions=[]),
    "libver.so.1": dict(kind="shared-library", linkage="dynamic", interpreter=None,
                        soname="libver.so.1", needed=[], pie=False, go=False,
                        verdef=[("libver.so.1", 1, True, []), ("VER_1", 2, False, []),
                                ("VER_2", 3, False, ["VER_1"])],
                        version_needs=[], max_versions=[]),
    "c-verneed": dict(kind="pie-executable", linkage="dynamic", libc="glibc",
                      needed=["libver.so.1", "libc.so.6"], runpath=["$ORIGIN"],
                      verneed_sets={"libver.so.1": {"VER_2"}, "libc.so.6": None},
                      families=["GLIBC", "VER"], family_max={"VER": ("2", "VER_2", "libver.so.1")}),
    "cxx": dict(kind="pie-executable", linkage="dynamic", libc="glibc",
                needed=["libstdc++.so.6", "libgcc_s.so.1", "libc.so.6"],
                families=["GLIBC", "GLIBCXX", "CXXABI", "GCC"]),
    "musl-static": dict(elf=X86_64, kind="executable", linkage="static", libc="musl",
                        interpreter=None, dynamic=False, go=False, version_needs=[],
                        min_kernel=None),
    "musl-dynamic": dict(elf=X86_64, kind="pie-executable", linkage="dynamic", libc="musl",
                         interpreter="/lib/ld-musl-x86_64.so.1", needed=["libc.so"], go=False,
                         version_needs=[], max_versions=[], min_kernel=None),
    "go-cgo": dict(elf=X86_64, kind="executable", linkage="dynamic", libc="glibc",
                   interpreter=GLIBC64_INTERP, needed=["libc.so.6"], go=True, pie=False,
                   relro="none", families=["GLIBC"]),
    "arm-hf.elf": dict(elf={"machine": "ARM", "machine_code": 40, "class": 32,
                            "byte_order": "little", "flags": 0x05000400, "float_abi": "hard",
                            "type": "EXEC"},
                       kind="executable", interpreter=None, dynamic=False, go=False),
    "arm-soft.elf": dict(elf={"machine": "ARM", "machine_code": 40, "flags": 0x05000200,
                              "float_abi": "soft"},
                         kind="executable", interpreter=None, dynamic=False, go=False),
    "core.elf": dict(elf=dict(X86_64, type="CORE", type_code=4, program_headers=2,
                              section_headers=0),
                     kind="core", linkage="none", interpreter=None, dynamic=False, go=False,
                     pie=False, version_needs=[], version_defs=[]),
}
for _name, (_m, _code, _cls, _bo) in GO_ARCHES.items():
    _e = {"machine": _m, "machine_code": _code, "class": _cls, "byte_order": _bo, "type": "EXEC"}
    if _name == "go-arm":
        _e["float_abi"] = "unspecified"      # Go writes e_flags 0x5000002: no float ABI bit
    if _name == "go-riscv64":
        _e["riscv_float_abi"] = "double"     # e_flags 0x4
    if _name == "go-ppc64":
        _e["ppc64_abi"] = 1                  # e_flags 0x1
    if _name == "go-ppc64le":
        _e["ppc64_abi"] = 2                  # e_flags 0x2
    EXPECT[_name] = dict(elf=_e, kind="executable", linkage="static", libc="none",
                         interpreter=None, dynamic=False, go=True, pie=False, relro="none",
                         version_needs=[], max_versions=[], compilers=[], min_kernel=None)

FIXTURES = sorted(EXPECT)

OSABI = {0: "SYSV", 3: "GNU/Linux"}
TYPES = {0: "NONE", 1: "REL", 2: "EXEC", 3: "DYN", 4: "CORE"}


def header(path):
    """The ELF header fields, read with struct (the oracle for result["elf"])."""
    with open(path, "rb") as f:
        b = f.read(64)
    cls = {1: 32, 2: 64}[b[4]]
    e = "<" if b[5] == 1 else ">"
    if cls == 64:
        t, m, _v, entry, _po, _so, flags, _eh, _pe, phnum, _se, shnum, _ss = \
            struct.unpack(e + "HHIQQQIHHHHHH", b[16:64])
    else:
        t, m, _v, entry, _po, _so, flags, _eh, _pe, phnum, _se, shnum, _ss = \
            struct.unpack(e + "HHIIIIIHHHHHH", b[16:52])
    return {"class": cls, "byte_order": "little" if b[5] == 1 else "big",
            "osabi_code": b[7], "abi_version": b[8], "type_code": t,
            "type": TYPES.get(t, "OTHER"), "machine_code": m, "flags": flags,
            "entry": entry, "program_headers": phnum, "section_headers": shnum}


def readelf_notes(path):
    txt = common.readelf_text(["-n", "-W"], path)
    abi = re.search(r"OS: (\S+), ABI: (\S+)", txt)
    bid = re.search(r"Build ID: ([0-9a-f]+)", txt)
    return (abi.group(1), abi.group(2)) if abi else None, bid.group(1) if bid else None


def readelf_segments(path):
    txt = common.readelf_text(["-l", "-W"], path)
    interp = re.search(r"\[Requesting program interpreter: (.*)\]", txt)
    stack = re.search(r"^\s*GNU_STACK\s+.*?\s([R ][W ][E ])\s+0x[0-9a-f]+\s*$", txt, re.M)
    return {"interpreter": interp.group(1) if interp else None,
            "gnu_stack_flags": stack.group(1) if stack else None,
            "relro": re.search(r"^\s*GNU_RELRO\s", txt, re.M) is not None,
            "dynamic": re.search(r"^\s*DYNAMIC\s", txt, re.M) is not None}


def readelf_sections(path):
    txt = common.readelf_text(["-S", "-W"], path)
    return set(re.findall(r"^\s*\[\s*\d+\]\s+(\S+)", txt, re.M))


def readelf_comments(path):
    txt = common.readelf_text(["-p", ".comment"], path)
    out = []
    for m in re.finditer(r"^\s*\[\s*[0-9a-f]+\]\s\s(.*)$", txt, re.M):
        if m.group(1) not in out:
            out.append(m.group(1))
    return out


def readelf_chk_symbols(path):
    txt = common.readelf_text(["--dyn-syms", "-W"], path)
    names = set()
    for m in re.finditer(r"\sUND\s+(__\w+_chk)(?=@|\s|$)", txt):
        if m.group(1) not in ("__stack_chk_fail", "__stack_chk_guard"):
            names.add(m.group(1))
    return names


def check_fixture(ck, name, path, res, oracle):
    w = name + ": "
    exp = EXPECT[name]

    # ---- ELF header vs struct
    h = header(path)
    elf = res["elf"]
    for k, v in h.items():
        ck.eq(w + "elf." + k, elf.get(k), v)
    if h["osabi_code"] in OSABI:
        ck.eq(w + "elf.osabi", elf.get("osabi"), OSABI[h["osabi_code"]])
    for k, v in exp.get("elf", {}).items():
        ck.eq(w + "elf." + k, elf.get(k), v)
    if elf.get("machine_code") != 40:
        ck.true(w + "elf.float_abi absent for non-ARM", "float_abi" not in elf, repr(elf.get("float_abi")))
    if elf.get("machine_code") != 243:
        ck.true(w + "elf.riscv_float_abi absent for non-RISC-V", "riscv_float_abi" not in elf)
    if elf.get("machine_code") != 21:
        ck.true(w + "elf.ppc64_abi absent for non-PowerPC64", "ppc64_abi" not in elf)

    # ---- simple exact fields
    for k in ("kind", "linkage"):
        if k in exp:
            ck.eq(w + k, res.get(k), exp[k])
    if "libc" in exp:
        ck.eq(w + "libc.flavour", res["libc"]["flavour"], exp["libc"])
    if "interpreter" in exp:
        ck.eq(w + "interpreter", res.get("interpreter"), exp["interpreter"])
    if "go" in exp:
        ck.eq(w + "go.detected", res["go"]["detected"], exp["go"])
        if exp["go"]:
            ck.true(w + "go.evidence non-empty", len(res["go"]["evidence"]) > 0)
        else:
            ck.eq(w + "go.evidence", res["go"]["evidence"], [])
    else:
        ck.eq(w + "go.detected", res["go"]["detected"], name.startswith("go-"))
    for k in ("version_needs", "version_defs", "max_versions", "compilers"):
        if k in exp:
            ck.eq(w + k, res.get(k), exp[k])
    if "min_kernel" in exp:
        ck.eq(w + "min_kernel", res.get("min_kernel"), exp["min_kernel"])
    for k in ("stripped", "debug_info"):
        if k in exp:
            ck.eq(w + k, res.get(k), exp[k])
    hard = res["hardening"]
    for k in ("pie", "relro", "nx_stack", "stack_protector", "fortify", "fortified"):
        if k in exp:
            ck.eq(w + "hardening." + k, hard.get(k), exp[k])
    for fn in exp.get("fortified_has", []):
        ck.true(w + "hardening.fortified has " + fn, fn in hard["fortified"], repr(hard["fortified"]))

    # ---- dynamic section
    dyn = res.get("dynamic")
    if exp.get("dynamic", True) is False:
        ck.true(w + "no dynamic key", dyn is None, repr(dyn))
    for k in ("needed", "rpath", "runpath", "soname", "flags", "flags_1", "bind_now"):
        if k in exp:
            got = dyn.get(k) if dyn is not None else None
            want = exp[k]
            if k in ("flags", "flags_1") and got is not None:
                got = sorted(got)
                want = sorted(want)
            ck.eq(w + "dynamic." + k, got, want)
    if "verdef" in exp:
        got = [(d["name"], d["index"], d["base"], d.get("parents", [])) for d in res["version_defs"]]
        ck.eq(w + "version_defs", got, exp["verdef"])
    if "verneed_sets" in exp:
        got = {vn["file"]: {v["name"] for v in vn["versions"]} for vn in res["version_needs"]}
        ck.eq(w + "version_needs files", sorted(got), sorted(exp["verneed_sets"]))
        for lib, names in exp["verneed_sets"].items():
            if names is not None:
                ck.eq(w + "version_needs[%s]" % lib, got.get(lib), names)
    fams = {m["family"]: m for m in res["max_versions"]}
    for fam in exp.get("families", []):
        ck.true(w + "max_versions has family " + fam, fam in fams, repr(sorted(fams)))
    for fam, (ver, vname, vfile) in exp.get("family_max", {}).items():
        m = fams.get(fam, {})
        ck.eq(w + "max_versions[%s]" % fam, (m.get("version"), m.get("name"), m.get("file")),
              (ver, vname, vfile))

    # ---- oracle: readelf -d -V
    for d in common.compare_facts(path, common.facts_from_json(res), oracle):
        ck.fail(w + d)
    for d in common.check_max_versions(path, res, oracle["verneed"]):
        ck.fail(w + d)
    for vn in res["version_needs"]:
        for v in vn["versions"]:
            ck.eq(w + "hash of " + v["name"], v["hash"], common.elf_hash(v["name"]))
    for vd in res["version_defs"]:
        ck.eq(w + "hash of " + vd["name"], vd["hash"], common.elf_hash(vd["name"]))
    if dyn is not None:
        want_now = (oracle["bind_now_tag"] or "BIND_NOW" in (oracle["flags"] or [])
                    or "NOW" in (oracle["flags_1"] or []))
        ck.eq(w + "dynamic.bind_now (readelf)", dyn.get("bind_now"), want_now)

    # ---- oracle: notes
    abi, bid = readelf_notes(path)
    if abi:
        ck.eq(w + "abi_tag", res.get("abi_tag"), {"os": abi[0], "kernel": abi[1]})
        if abi[0] == "Linux":
            ck.eq(w + "min_kernel (readelf -n)", res.get("min_kernel"), abi[1])
    else:
        ck.true(w + "no abi_tag", "abi_tag" not in res, repr(res.get("abi_tag")))
        ck.true(w + "no min_kernel", "min_kernel" not in res, repr(res.get("min_kernel")))
    ck.eq(w + "build_id (readelf -n)", res.get("build_id"), bid)

    # ---- oracle: segments
    seg = readelf_segments(path)
    ck.eq(w + "interpreter (readelf -l)", res.get("interpreter"), seg["interpreter"])
    if seg["gnu_stack_flags"] is not None:
        ck.eq(w + "hardening.nx_stack (readelf -l)", hard["nx_stack"], "E" not in seg["gnu_stack_flags"])
    if dyn is not None and res["kind"] != "core":
        want = "none"
        if seg["relro"]:
            want = "full" if dyn.get("bind_now") else "partial"
        ck.eq(w + "hardening.relro (readelf -l)", hard["relro"], want)
    if not seg["relro"]:
        ck.eq(w + "hardening.relro without GNU_RELRO", hard["relro"], "none")
    ck.eq(w + "hardening.pie", hard["pie"], res["kind"] == "pie-executable")

    # ---- oracle: sections
    if h["section_headers"]:
        secs = readelf_sections(path)
        ck.eq(w + "stripped (readelf -S)", res["stripped"], ".symtab" not in secs)
        ck.eq(w + "debug_info (readelf -S)", res["debug_info"],
              ".debug_info" in secs or ".zdebug_info" in secs)
        ck.eq(w + "compilers (readelf -p .comment)", res["compilers"], readelf_comments(path))
    if name in ("c-hardened", "c-stripped", "c-unhardened"):
        ck.eq(w + "hardening.fortified (readelf --dyn-syms)", set(hard["fortified"]),
              readelf_chk_symbols(path))
    if name.startswith("c-") and name not in ("c-static", "c-static-pie"):
        ck.true(w + "compilers has GCC", any(c.startswith("GCC: ") for c in res["compilers"]),
                repr(res["compilers"]))


def check_text(ck, exe, fx):
    """Human output, loosely: a line with the path, an indented linkage line."""
    for name, linkage in (("c-pie", "dynamic"), ("go-amd64", "static"), ("c-static-pie", "static-pie")):
        path = os.path.join(fx, name)
        p = common.run([exe, "inspect", path])
        w = "text %s: " % name
        if not ck.eq(w + "exit status", p.returncode, 0):
            continue
        ck.eq(w + "stderr", p.stderr, "")
        lines = p.stdout.splitlines()
        ck.true(w + "first line names the path", bool(lines) and path in lines[0],
                repr(lines[:1]))
        lk = [l for l in lines if re.match(r"^\s+linkage\s", l)]
        ck.true(w + "one indented 'linkage' line", len(lk) == 1, repr(lines))
        if lk:
            ck.true(w + "linkage line says " + linkage,
                    re.search(r"(^|\s)%s(\s|$|[,;(])" % re.escape(linkage), lk[0].split(None, 1)[1]) is not None,
                    repr(lk[0]))
    # Several files in one run: every path appears, in order.
    paths = [os.path.join(fx, n) for n in ("c-pie", "musl-static", "go-arm64")]
    p = common.run([exe, "inspect"] + paths)
    ck.eq("text 3 files: exit status", p.returncode, 0)
    pos = [p.stdout.find(x + "\n") if (x + "\n") in p.stdout else p.stdout.find(x) for x in paths]
    ck.true("text 3 files: every path printed, in order", all(i >= 0 for i in pos) and pos == sorted(pos),
            repr(pos))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_fixtures.py SHIPREADY FIXTURE_DIR")
    exe, fx = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    common.fixtures(fx)
    ck = common.Checker("test_fixtures")
    validator = common.schema_validator()

    paths = [os.path.join(fx, n) for n in FIXTURES]
    for p in paths:
        if not os.path.isfile(p):
            ck.fail("fixture missing: " + p)
    paths = [p for p in paths if os.path.isfile(p)]

    proc, doc = common.inspect_json(exe, paths)
    ck.eq("inspect --json (all fixtures): exit status", proc.returncode, 0)
    ck.eq("inspect --json (all fixtures): stderr", proc.stderr, "")
    if doc is None:
        ck.fail("inspect --json printed no JSON document: %r" % proc.stdout[:300])
        return ck.report()
    for e in common.schema_errors(validator, doc):
        ck.fail("schema: " + e)
    ck.eq("schema_version", doc.get("schema_version"), 1)
    ck.eq("tool", doc.get("tool"), {"name": "shipready", "version": "0.1.0"})
    ck.eq("command", doc.get("command"), "inspect")
    results = doc.get("results", [])
    ck.eq("results paths, in order", [r.get("path") for r in results], paths)

    oracle = common.readelf_dyn_ver(paths)
    for path, res in zip(paths, results):
        name = os.path.basename(path)
        if "error" in res:
            ck.fail("%s: not analysed: %s" % (name, res["error"]))
            continue
        ck.eq(name + ": warnings", res.get("warnings"), [])
        try:
            check_fixture(ck, name, path, res, oracle.get(path, common._empty_facts()))
        except Exception as ex:  # a missing key etc.: record, keep going
            ck.fail("%s: checking raised %s: %s" % (name, type(ex).__name__, ex))

    # Each file alone gives the same result as in the batch.
    for path, res in zip(paths, results):
        proc1, doc1 = common.inspect_json(exe, [path])
        if doc1 is None:
            ck.fail("%s alone: no JSON" % path)
            continue
        for e in common.schema_errors(validator, doc1):
            ck.fail("schema (%s alone): %s" % (path, e))
        ck.eq("%s alone: same result as in the batch" % os.path.basename(path),
              doc1.get("results", [None])[0], res)

    check_text(ck, exe, fx)
    return ck.report()


if __name__ == "__main__":
    sys.exit(main())
