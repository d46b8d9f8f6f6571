"""The crates of Rust programs, from the .dep-v0 section cargo auditable embeds.

  test_rust_crates.py SHIPREADY FIXTURE_DIR WORK_DIR

No Debian package of bookworm or trixie, and no Rust program on npm tried
(biome, oxlint, swc, ast-grep, rolldown, dprint, tailwind's oxide) is built
with cargo auditable, so the sections are made here as cargo auditable makes
them (its documented format: zlib-compressed JSON, {"packages": [...]}, in a
section named .dep-v0) and put into real programs with objcopy.  The oracle
is the format's own reference reader, the one its documentation gives:
zlib.decompress, then json.loads.

- scan --json: the crates linked in (build-time ones counted apart), in ELF,
  PE (mingw's objcopy) and Mach-O (llvm-objcopy, __DATA,.dep-v0) alike; the
  language Rust from the section (and rustc's .comment when the program has
  one: ast-grep from npm, when the registry can be reached);
- scan --sbom cyclonedx: a pkg:cargo component for each crates.io crate,
  none for build-time crates, the program depending on each; valid against
  CycloneDX's schema (npm @cyclonedx/cyclonedx-library; skipped offline);
  spdx: a STATIC_LINK to each;
- hostile sections: truncated, a zlib bomb past 8 MiB, an index to no
  package, not JSON: an error in the record, the program still analysed.
"""
import json
import os
import shutil
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

AUDIT = {"packages": [
    {"name": "hello", "version": "0.1.0", "source": "local", "dependencies": [1, 2, 4], "root": True},
    {"name": "serde", "version": "1.0.203", "source": "crates.io", "dependencies": [3]},
    {"name": "my-fork", "version": "0.3.0-pre.1+build.5", "source": "git"},
    {"name": "serde_derive", "version": "1.0.203", "source": "crates.io", "kind": "build"},
    {"name": "libc", "version": "0.2.155", "source": "crates.io"},
], "format": 1}


def objcopy_for(path):
    """The objcopy that writes path's format, and the section's name there."""
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic[:2] == b"MZ":
        return ["x86_64-w64-mingw32-objcopy"], ".dep-v0"
    if magic in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe"):
        tool = shutil.which("llvm-objcopy") or shutil.which("llvm-objcopy-14") or "llvm-objcopy"
        return [tool], "__DATA,.dep-v0"   # cargo auditable's Mach-O section is in __DATA
    return ["objcopy"], ".dep-v0"


def with_section(src, dst, payload):
    sec = dst + ".dep-v0"
    with open(sec, "wb") as f:
        f.write(payload)
    shutil.copy(src, dst)
    tool, name = objcopy_for(src)
    p = subprocess.run(tool + ["--add-section", name + "=" + sec, dst], stderr=subprocess.PIPE, text=True)
    os.unlink(sec)
    return p.returncode == 0, p.stderr


def oracle(path):
    """cargo auditable's reference reader: the section, zlib, JSON."""
    out = path + ".section"
    subprocess.run(["objcopy", "--dump-section", ".dep-v0=" + out, path, path + ".copy"], check=True)
    with open(out, "rb") as f:
        doc = json.loads(zlib.decompress(f.read()))
    os.unlink(out)
    os.unlink(path + ".copy")
    pk = doc["packages"]
    return (["%s@%s" % (x["name"], x["version"]) for x in pk if x.get("kind", "runtime") != "build"],
            sum(1 for x in pk if x.get("kind") == "build"), pk)


def scan_json(exe, args, timeout=120):
    p = common.run([exe, "scan", "--json"] + args, timeout=timeout)
    try:
        return p, json.loads(p.stdout)
    except ValueError:
        return p, None


def sbom(exe, fmt, tree, env):
    """scan --sbom FMT TREE: the process and its document (None when it is not JSON)."""
    p = common.run([exe, "scan", "--sbom", fmt, tree], timeout=120, env=env)
    try:
        return p, json.loads(p.stdout)
    except ValueError:
        return p, None


def by_name(doc):
    return {os.path.basename(b["path"]): b for b in doc["scans"][0]["binaries"]} if doc else {}


def main():
    exe, fixdir, work = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    tree = os.path.join(work, "tree")
    os.makedirs(tree)
    c = common.Checker("cli-rust-crates")
    fx = common.fixtures(fixdir)
    good = json.dumps(AUDIT).encode()
    progs = {"audited": (os.path.join(fx, "c-pie"), zlib.compress(good, 9))}
    # hostile sections
    progs["truncated"] = (os.path.join(fx, "c-pie"), zlib.compress(good)[:40])
    progs["bomb"] = (os.path.join(fx, "c-pie"), zlib.compress(b'{"packages":[' + b" " * (9 << 20) + b"]}", 9))
    bad = json.loads(good)
    bad["packages"][1]["dependencies"] = [7]
    progs["badindex"] = (os.path.join(fx, "c-pie"), zlib.compress(json.dumps(bad).encode()))
    progs["notjson"] = (os.path.join(fx, "c-pie"), zlib.compress(b"packages: none"))
    # PE and Mach-O carry the same section
    progs["audited.exe"] = (os.path.join(fx, "pe", "c-console-x64.exe"), zlib.compress(good, 9))
    progs["audited-macho"] = (os.path.join(fx, "macho", "c-x86_64-vermin"), zlib.compress(good, 9))
    # a real Rust program (rustc's .comment), with and without the section
    sg = None
    pkg = common.npm_package("@ast-grep/cli-linux-x64-gnu", os.path.join(work, "npm"))
    if pkg and os.path.exists(os.path.join(pkg, "sg")):
        sg = os.path.join(pkg, "sg")
        shutil.copy(sg, os.path.join(tree, "sg-plain"))
        progs["sg-audited"] = (sg, zlib.compress(good))
    for name, (src, payload) in progs.items():
        ok, why = with_section(src, os.path.join(tree, name), payload)
        c.true("objcopy adds .dep-v0 to %s" % name, ok, why)

    p, doc = scan_json(exe, [tree])
    c.eq("scan: exit 0 (a bad section is no error of the scan)", p.returncode, 0)
    if not c.true("scan: a JSON document", doc is not None, p.stderr):
        return c.report()
    common.check_schema(c, "scan.json", doc)
    b = by_name(doc)
    crates, nbuild, _ = oracle(os.path.join(tree, "audited"))
    a = b.get("audited", {})
    c.eq("audited: the crates linked in, as the reference reader reads them", (a.get("rust") or {}).get("crates"), crates)
    c.eq("audited: build-time crates counted apart", (a.get("rust") or {}).get("build_crates"), nbuild)
    c.eq("audited: the format revision", (a.get("rust") or {}).get("format"), 1)
    c.eq("audited: language rust (a C program's bytes, but only cargo auditable writes .dep-v0)", a.get("language"),
         "rust")
    c.true("audited: the evidence names .dep-v0", ".dep-v0" in (a.get("language_evidence") or ""), a)
    for name, fmt in (("audited.exe", "pe"), ("audited-macho", "macho")):
        x = b.get(name, {})
        c.eq("%s: a %s file" % (name, fmt), x.get("format"), fmt)
        c.eq("%s: the same crates" % name, (x.get("rust") or {}).get("crates"), crates)
        c.eq("%s: language rust" % name, x.get("language"), "rust")
    for name, text in (("truncated", "zlib"), ("bomb", "more than"), ("badindex", "no package"),
                       ("notjson", "packages")):
        r = (b.get(name) or {}).get("rust") or {}
        c.true("%s: an error in the record, not crates" % name, "error" in r and text in r["error"] and "crates" not in r,
               r)
        c.eq("%s: the program still analysed" % name, (b.get(name) or {}).get("format"), "elf")
    c.eq("a program without the section: rust null", (b.get("sg-plain") or {"rust": None}).get("rust"), None)
    if sg:
        s = b.get("sg-audited", {})
        c.eq("ast-grep with the section: rustc's .comment still says the compiler",
             (s.get("compiler") or "").startswith("rustc "), True)
        c.eq("ast-grep with the section: its crates", (s.get("rust") or {}).get("crates"), crates)
        c.eq("ast-grep alone: language rust from .comment", (b.get("sg-plain") or {}).get("language"), "rust")

    # the bill
    only = os.path.join(work, "only")
    os.makedirs(only)
    shutil.copy(os.path.join(tree, "audited"), os.path.join(only, "audited"))
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    p, bom = sbom(exe, "cyclonedx", only, env)
    if c.true("--sbom cyclonedx: a document", bom is not None, p.stderr):
        purls = sorted(x.get("purl") for x in bom.get("components", []) if (x.get("purl") or "").startswith("pkg:cargo/"))
        _, _, pk = oracle(os.path.join(only, "audited"))
        want = sorted("pkg:cargo/%s@%s" % (x["name"], x["version"].replace("+", "%2B")) for x in pk
                      if x.get("source", "crates.io") == "crates.io" and x.get("kind", "runtime") != "build")
        c.eq("--sbom: a pkg:cargo component per crates.io crate linked in", purls, want)
        names = sorted(x["name"] for x in bom.get("components", []) if any(
            pr.get("name") == "shipready:cargo.source" for pr in x.get("properties", [])))
        c.eq("--sbom: every crate linked in, git and local ones too", names,
             sorted(x["name"] for x in pk if x.get("kind", "runtime") != "build"))
        prog = [x for x in bom.get("components", []) if x.get("name", "").endswith("audited")]
        deps = {d["ref"]: d.get("dependsOn", []) for d in bom.get("dependencies", [])}
        c.true("--sbom: the program depends on each crate",
               prog and all(u in deps.get(prog[0]["bom-ref"], []) for u in want), deps)
        v = common.cyclonedx_validator(os.path.join(work, "npm"))
        if v is None:
            print("SKIP: CycloneDX schema: the npm registry cannot be reached")
        else:
            errs = ["%s: %s" % ("/".join(str(x) for x in e.absolute_path), e.message) for e in v.iter_errors(bom)]
            c.eq("--sbom cyclonedx: valid against CycloneDX 1.6's schema", errs[:5], [])
    p, spdx = sbom(exe, "spdx", only, env)
    if c.true("--sbom spdx: a document", spdx is not None, p.stderr):
        ids = {x["SPDXID"]: x.get("name") for x in spdx.get("packages", [])}
        links = sorted(ids.get(r["relatedSpdxElement"]) for r in spdx.get("relationships", [])
                       if r["relationshipType"] == "STATIC_LINK")
        c.eq("--sbom spdx: a STATIC_LINK to each crate linked in", links,
             sorted(x["name"] for x in AUDIT["packages"] if x.get("kind", "runtime") != "build"))
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
