"""shipready size against independent readers.

  python3 tests/cli/test_size.py SHIPREADY FIXTURE_DIR

Oracles, zero differences allowed:
  - `go tool nm -size -sort address` on every Go fixture with a symbol
    table (ELF of every architecture, PE, Mach-O; Go 1.15 to 1.24, so every
    pclntab layout since 1.2): the function bytes are exactly runtime.etext
    minus runtime.text, and the bytes of packages runtime, main, sync, os,
    syscall and time are exactly the sum, over their text symbols, of each
    one's distance to the next text symbol (its padding included; nm's own
    size, without padding, never more);
  - readelf -SW for ELF files and llvm-readobj --sections for PE and
    Mach-O: every named non-empty section with its size (a PE section's
    bytes in the file, its size in memory when it has none);
  - the JSON against docs/schema/size.json; text shows the same totals;
  - a file that is not a binary: one error line, exit 2, the others still
    measured."""
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common  # noqa: E402

ENV = dict(os.environ, LC_ALL="C")
PACKAGES = ("runtime", "main", "sync", "os", "syscall", "time")


def size_json(exe, paths):
    p = common.run([exe, "size", "--json"] + paths, timeout=120)
    try:
        return p, json.loads(p.stdout)
    except ValueError:
        return p, None


def nm_text(path):
    """[(addr, size, name)] of the text symbols, by address; None without a symbol table."""
    p = subprocess.run(["go", "tool", "nm", "-size", "-sort", "address", path], capture_output=True, text=True,
                       env=ENV, timeout=120)
    if p.returncode != 0:
        return None
    out = []
    for line in p.stdout.splitlines():
        f = line.split(None, 3)
        if len(f) == 4 and f[2] in ("T", "t"):
            out.append((int(f[0], 16), int(f[1]), f[3]))
    return out


def check_go(c, path, res, syms):
    name = os.path.relpath(path)
    addr = {n: a for a, _, n in syms}
    g = res.get("go")
    if not c.true("%s: Go code measured" % name, g is not None, json.dumps(res)[:300]):
        return
    if "runtime.text" in addr:
        # to the end of the last function (runtime.etext, or before it when
        # the text is padded after the last one, as Go 1.24's is)
        last = max(a + s for a, s, n in syms if n != "runtime.etext")
        c.eq("%s: function bytes = the end of the last function - runtime.text" % name, g["function_bytes"],
             last - addr["runtime.text"])
    # each text symbol's distance to the next one; size-0 markers (runtime.text) take none
    real = [(a, s, n) for a, s, n in syms if s > 0 or n not in ("runtime.text", "runtime.etext")]
    end = max(a + s for a, s, n in syms if n != "runtime.etext") if syms else None
    want = {}
    raw = {}
    for i, (a, s, n) in enumerate(real):
        if n in ("runtime.text", "runtime.etext"):
            continue
        nxt = real[i + 1][0] if i + 1 < len(real) else end
        if nxt is None:
            continue
        for pkg in PACKAGES:
            if n.startswith(pkg + "."):
                want[pkg] = want.get(pkg, 0) + (min(nxt, end) if end else nxt) - a
                raw[pkg] = raw.get(pkg, 0) + s
    got = {p["name"]: p["bytes"] for p in g["packages"]}
    for pkg in sorted(want):
        c.eq("%s: package %s, bytes" % (name, pkg), got.get(pkg), want[pkg])
        c.true("%s: package %s, at least nm's own sizes" % (name, pkg), got.get(pkg, 0) >= raw[pkg],
               "%s < %s" % (got.get(pkg), raw[pkg]))
    c.eq("%s: packages and no-package add up" % name,
         sum(p["bytes"] for p in g["packages"]) + g["no_package_bytes"], g["function_bytes"])
    c.eq("%s: modules add up to the packages" % name, sum(m["bytes"] for m in g["modules"]),
         sum(p["bytes"] for p in g["packages"]))
    c.eq("%s: functions add up" % name, sum(p["functions"] for p in g["packages"]) + g["no_package_functions"],
         g["functions"])
    mods = {m["path"] for m in g["modules"]}
    c.true("%s: every package's module is listed" % name, all(p["module"] in mods for p in g["packages"]))
    if "main" in got:
        main_mod = [p["module"] for p in g["packages"] if p["name"] == "main"][0]
        c.true("%s: package main is not std" % name, main_mod != "std", main_mod)


def readelf_sections(path):
    p = subprocess.run(["readelf", "-SW", path], capture_output=True, text=True, env=ENV, timeout=60)
    out = {}
    for line in p.stdout.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if m and int(m.group(2), 16) > 0:
            out[m.group(1)] = int(m.group(2), 16)
    return out


def readobj_sections(path):
    """[(name, bytes)] of a PE or Mach-O file as llvm-readobj says: a PE
    section's bytes in the file (its size in memory when it has none)."""
    if not shutil.which("llvm-readobj"):
        return None
    p = subprocess.run(["llvm-readobj", "--sections", path], capture_output=True, text=True, env=ENV, timeout=60)
    if p.returncode != 0:
        return None
    out, cur = [], None
    for line in p.stdout.splitlines():
        s = line.strip()
        if s == "Section {":
            cur = {}
        elif s == "}" and cur is not None:
            size = cur.get("RawDataSize") or cur.get("VirtualSize", 0) if "RawDataSize" in cur else cur.get("Size", 0)
            if cur.get("Name") and size:
                out.append((cur["Name"], size))
            cur = None
        elif cur is not None and ":" in s:
            k, v = s.split(":", 1)
            v = v.strip()
            if k == "Name":
                cur["Name"] = v.split(" (")[0]
            elif k in ("VirtualSize", "RawDataSize", "Size"):
                cur[k] = int(v, 0)
    return sorted(out)


def main():
    exe, fixdir = sys.argv[1], sys.argv[2]
    c = common.Checker("cli-size")
    fx = common.fixtures(fixdir)
    gover = os.path.join(fixdir, "gover")
    files = [os.path.join(fx, n) for n in ("go-amd64", "go-arm64", "go-386", "go-cgo", "go-riscv64", "c-static",
                                             "cxx", "c-pie")]
    files += sorted(os.path.join(gover, n) for n in os.listdir(gover)) if os.path.isdir(gover) else []
    files += [os.path.join(fx, "pe", n) for n in ("go-hello-amd64.exe", "c-console-x64.exe")]
    files += [os.path.join(fx, "macho", n) for n in ("go-darwin-arm64", "go-darwin-amd64")]
    files = [f for f in files if os.path.isfile(f)]
    p, doc = size_json(exe, files)
    c.eq("size --json: exit 0", p.returncode, 0)
    if not c.true("size --json: a document", doc is not None, p.stdout[:300] + p.stderr):
        return c.report()
    common.check_schema(c, "size.json", doc)
    results = {r["path"]: r for r in doc["results"]}
    have_go = shutil.which("go") is not None
    compared = 0
    for f in files:
        r = results.get(f)
        if not c.true("%s: measured" % f, r is not None and "error" not in r, json.dumps(r)[:300]):
            continue
        c.eq("%s: file bytes" % f, r["file_bytes"], os.path.getsize(f))
        with open(f, "rb") as h:
            magic = h.read(4)
        if magic == b"\x7fELF":
            c.eq("%s: sections as readelf says" % f, {s["name"]: s["bytes"] for s in r["sections"]},
                 readelf_sections(f))
        else:
            oracle = readobj_sections(f)
            if oracle is not None:
                c.eq("%s: sections as llvm-readobj says" % f, sorted((s["name"], s["bytes"]) for s in r["sections"]),
                     oracle)
        if have_go and r["go"] is not None:
            syms = nm_text(f)
            if syms:
                check_go(c, f, r, syms)
                compared += 1
    if have_go:
        c.true("Go files compared with go tool nm: at least 10", compared >= 10, str(compared))
    else:
        print("note: no go here: the nm comparisons are skipped")
    c.true("a C program has no Go table", results.get(os.path.join(fx, "c-static"), {}).get("go", 0) is None)
    # text: the same totals, and a bad input among good ones
    bad = os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_size.py")
    p = common.run([exe, "size", os.path.join(fx, "go-amd64"), bad], timeout=60, env=dict(os.environ, NO_COLOR="1"))
    c.eq("text with a bad input: exit 2", p.returncode, 2)
    c.true("text with a bad input: one error line", len(p.stderr.splitlines()) == 1 and
           p.stderr.startswith("shipready: " + bad + ": "), p.stderr)
    g = results.get(os.path.join(fx, "go-amd64"), {}).get("go")
    if g:
        c.true("text: the function total and count", ("in %d functions" % g["functions"]) in p.stdout, p.stdout[:400])
        c.true("text: the largest package first", g["packages"][0]["name"] in p.stdout.split("Go packages")[-1]
               .splitlines()[1], p.stdout)
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
