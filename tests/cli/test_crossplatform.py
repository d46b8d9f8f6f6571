#!/usr/bin/env python3
"""inspect over a release matrix of Linux, Windows and macOS artifacts.

    python3 tests/cli/test_crossplatform.py SHIPREADY FIXTURE_DIR

The PE fixtures (mingw-w64 C programs, Go windows/386|amd64|arm64) and the
Mach-O fixtures (clang + ld64.lld C programs, Go darwin/amd64|arm64,
universal files) built by tests/fixtures/build.sh, next to ELF Go builds:
the matrix rows, the long reports and the JSON (validated against
docs/schema/inspect.json) must say what each artifact is and needs.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_crossplatform.py SHIPREADY FIXTURE_DIR")
    exe, fx = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    common.fixtures(fx)
    c = common.Checker("test_crossplatform")
    files = ["gover/go119-hello-arm64", "pe/go-hello-arm64.exe", "pe/go-hello-386.exe", "pe/c-usedll-x64.exe",
             "pe/c-delayload-x64.exe", "pe/pelib.dll", "pe/c-gui-x64.exe", "macho/go-darwin-arm64",
             "macho/go-darwin-amd64", "macho/fat-go-hello", "macho/c-arm64-exe", "macho/c-ios-arm64",
             "macho/libdep.1.dylib"]

    # the matrix: one row per artifact
    p = common.run([exe, "inspect"] + files, cwd=fx)
    c.eq("matrix: exit status", p.returncode, 0)
    lines = p.stdout.splitlines()
    c.eq("matrix: rows in order", [l.split()[0] for l in lines[1:]], files)
    hdr = lines[0] if lines else ""
    cols = ["FILE", "FORMAT", "PLATFORM", "LINK", "LIBC", "GO", "CGO", "MIN OS", "NEEDS"]
    starts = [hdr.find(h) for h in cols]
    c.true("matrix: header", all(x >= 0 for x in starts) and starts == sorted(starts), hdr)

    def cells(line):
        out = []
        for i, st in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(line)
            out.append(line[st:end].strip())
        return out

    rows = {cells(l)[0]: cells(l) for l in lines[1:]}

    def row(name, want):
        got = rows.get(name)
        c.eq("matrix row " + name, got[:len(want)] if got else None, want)

    row("gover/go119-hello-arm64",
        ["gover/go119-hello-arm64", "ELF", "linux/arm64", "static", "none", "go1.19.8", "off", "kernel 2.6.32"])
    row("pe/go-hello-arm64.exe",
        ["pe/go-hello-arm64.exe", "PE32+", "windows/arm64", "dynamic", "system DLLs", "go1.19.8", "off",
         "Windows 7", "system DLLs only"])
    row("pe/go-hello-386.exe", ["pe/go-hello-386.exe", "PE32", "windows/386"])
    row("pe/c-usedll-x64.exe", ["pe/c-usedll-x64.exe", "PE32+", "windows/amd64", "dynamic", "system DLLs", "-", "-"])
    c.eq("usedll needs pelib.dll", rows.get("pe/c-usedll-x64.exe", [""])[-1], "pelib.dll")
    row("pe/pelib.dll", ["pe/pelib.dll", "PE32+", "windows/amd64", "library"])
    # Go 1.19's runtime needs macOS 10.13 although its header says 10.9
    row("macho/go-darwin-amd64",
        ["macho/go-darwin-amd64", "Mach-O", "darwin/amd64", "dynamic", "libSystem", "go1.19.8", "off",
         "macOS 10.13", "system libraries only"])
    row("macho/go-darwin-arm64", ["macho/go-darwin-arm64", "Mach-O", "darwin/arm64", "dynamic", "libSystem",
                                  "go1.19.8", "off", "macOS 11.0"])
    row("macho/fat-go-hello", ["macho/fat-go-hello", "Mach-O fat", "darwin/amd64+arm64", "dynamic", "libSystem",
                               "go1.19.8"])
    c.eq("c-arm64-exe needs its own dylibs", rows.get("macho/c-arm64-exe", [""])[-1],
         "@rpath/libdep.1.dylib, @loader_path/../lib/libweak.dylib")
    c.true("unsigned arm64 code is flagged", "signature" in rows.get("macho/c-ios-arm64", [""])[-1],
           repr(rows.get("macho/c-ios-arm64")))
    row("macho/libdep.1.dylib", ["macho/libdep.1.dylib", "Mach-O", "darwin/arm64", "library"])

    # the long reports
    p = common.run([exe, "inspect", "--long", "pe/c-usedll-x64.exe", "pe/c-delayload-x64.exe",
                    "macho/fat-go-hello", "macho/c-ios-arm64"], cwd=fx)
    c.eq("long: exit status", p.returncode, 0)
    c.true("long: application DLL to ship", "not part of Windows: ship these beside the EXE" in p.stdout)
    c.true("long: delay-load marked", "pelib.dll (delay-load)" in p.stdout)
    c.eq("long: every slice of the universal file", p.stdout.count("\n  slice      "), 2)
    c.true("long: Go read in both slices", p.stdout.count("go1.19.8  example.com/hello") == 2, p.stdout)
    c.true("long: unsigned arm64", "unsigned: macOS on Apple silicon refuses to run it" in p.stdout)

    # the JSON
    p, doc = common.inspect_json(exe, [os.path.join(fx, f) for f in files])
    c.eq("json: exit status", p.returncode, 0)
    if doc is None:
        c.fail("json: no document")
        return c.report()
    for e in common.schema_errors(common.schema_validator(), doc):
        c.fail("json schema: " + e)
    res = {os.path.relpath(r["path"], fx): r for r in doc["results"]}
    r = res["pe/c-usedll-x64.exe"]
    c.eq("json: usedll format", r.get("format"), "pe")
    imp = {d["name"]: d for d in r.get("imports", [])}
    c.eq("json: pelib.dll class", imp.get("pelib.dll", {}).get("class"), "application")
    c.eq("json: KERNEL32 class", imp.get("KERNEL32.dll", {}).get("class"), "system")
    c.true("json: ordinal import kept as a number",
           any(isinstance(f, int) for f in imp.get("pelib.dll", {}).get("functions", [])))
    d = {x["name"]: x for x in res["pe/c-delayload-x64.exe"].get("imports", [])}
    c.eq("json: delay-load", d.get("pelib.dll", {}).get("delay_load"), True)
    c.eq("json: GUI subsystem", res["pe/c-gui-x64.exe"]["pe"].get("subsystem"), "gui")
    g = res["pe/go-hello-arm64.exe"].get("go", {})
    c.eq("json: Go in PE", (g.get("version"), g.get("goos"), g.get("goarch")), ("go1.19.8", "windows", "arm64"))
    c.eq("json: Go in PE, Windows minimum", g.get("minimums", {}).get("windows"), "7")
    fat = res["macho/fat-go-hello"]
    c.eq("json: universal", (fat.get("format"), fat.get("universal")), ("macho", True))
    c.eq("json: slices", [s.get("cpu") for s in fat.get("slices", [])], ["x86_64", "arm64"])
    c.eq("json: Go per slice", [s.get("go", {}).get("goarch") for s in fat.get("slices", [])], ["amd64", "arm64"])
    s0 = res["macho/c-arm64-exe"]["slices"][0]
    c.eq("json: rpaths", s0.get("rpaths"), ["@executable_path/../lib", "@loader_path/../Frameworks",
                                           "/opt/shipready/lib"])
    c.eq("json: weak dylib", [x["kind"] for x in s0.get("dylibs", [])], ["load", "load", "weak"])
    c.eq("json: min macOS", s0.get("min_os", [{}])[0].get("minos"), "11.0.0")
    c.eq("json: pclntab in PE (found by its header)", g.get("pclntab", {}).get("layout"), "1.18")
    c.eq("json: pclntab in every slice", [s.get("go", {}).get("pclntab", {}).get("layout")
                                          for s in fat.get("slices", [])], ["1.18", "1.18"])

    # go packages reads every slice of a universal file; deps says what PE/Mach-O get instead
    p = common.run([exe, "go", "packages", "macho/fat-go-hello", "pe/go-hello-386.exe"], cwd=fx)
    c.eq("go packages: exit status", p.returncode, 0)
    heads = [l.split(":")[0] for l in p.stdout.splitlines() if l and not l.startswith(" ")]
    c.eq("go packages: one list per Go slice", heads,
         ["macho/fat-go-hello (x86_64)", "macho/fat-go-hello (arm64)", "pe/go-hello-386.exe"])
    p = common.run([exe, "deps", "pe/c-usedll-x64.exe", "macho/c-arm64-exe"], cwd=fx)
    c.eq("deps on PE/Mach-O: exit status", p.returncode, 2)
    c.true("deps on PE/Mach-O: one line each, pointing at inspect",
           len(p.stderr.splitlines()) == 2 and p.stderr.count("`shipready inspect` lists") == 2, p.stderr)
    default_dirs_per_layout(c, exe, fx)
    return c.report()


def default_dirs_per_layout(c, exe, fx):
    """An arm64 program in arm64 roots of three layouts: Debian's multiarch
    one, upstream glibc's (slibdir lib64 on aarch64: LIBC_SLIBDIR_RTLDDIR in
    sysdeps/unix/sysv/linux/aarch64/configure.ac, as Fedora and SUSE ship it),
    and a plain lib.  The loader model's default directories, and so where
    libc.so.6 is found, follow the root (data/libc.json)."""
    import shutil
    import tempfile
    cross = "/usr/aarch64-linux-gnu/lib"
    layouts = (("multiarch", "usr/lib/aarch64-linux-gnu",
                ["/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib", "/usr/lib"]),
               ("lib64", "usr/lib64", ["/lib64", "/usr/lib64"]),
               ("lib", "usr/lib", ["/lib", "/usr/lib"]))
    for name, libdir, want in layouts:
        with tempfile.TemporaryDirectory() as root:
            for d in ("lib", libdir, "usr/bin"):
                os.makedirs(os.path.join(root, d), exist_ok=True)
            shutil.copy(os.path.join(cross, "ld-linux-aarch64.so.1"), os.path.join(root, "lib"))
            shutil.copy(os.path.join(cross, "libc.so.6"), os.path.join(root, libdir))
            shutil.copy(os.path.join(fx, "c-aarch64"), os.path.join(root, "usr/bin/app"))
            p = common.run([exe, "deps", "--json", "--root", root, "/usr/bin/app"])
            w = "arm64 root, %s layout" % name
            c.eq(w + ": exit status", p.returncode, 0)
            try:
                r = json.loads(p.stdout)["results"][0]
            except (ValueError, KeyError, IndexError):
                c.true(w + ": JSON", False, p.stdout[:300])
                continue
            c.eq(w + ": default directories", r.get("default_dirs"), want)
            c.eq(w + ": libc.so.6 found there", [o.get("real_path") for o in r.get("objects", [])
                                                  if o.get("path", "").endswith("/libc.so.6")],
                 ["/" + libdir + "/libc.so.6"])


if __name__ == "__main__":
    sys.exit(main())
