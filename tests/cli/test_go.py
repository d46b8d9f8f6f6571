#!/usr/bin/env python3
"""What inspect and `go packages` say about Go binaries built at test time.

    python3 tests/cli/test_go.py SHIPREADY FIXTURE_DIR

The fixtures (tests/fixtures/build.sh, FIXTURE_DIR/gover/) are real builds by
Go 1.15, 1.19, 1.22 and 1.24 with the build modes and imports that decide
each fact, so every assertion below is pinned to how a program was built:
the Go version and build-info layout, the pclntab layout, cgo, the run-time
files, the platform minimums, build info removed, and the packages with
their modules.  Both JSON documents are validated against docs/schema/.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGES_SCHEMA = os.path.join(common.REPO, "docs", "schema", "go-packages.json")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_go.py SHIPREADY FIXTURE_DIR")
    exe, fixdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    common.fixtures(fixdir)
    gdir = os.path.join(fixdir, "gover")
    c = common.Checker("test_go")
    names = sorted(n for n in os.listdir(gdir) if n.startswith("go1"))
    paths = [os.path.join(gdir, n) for n in names]
    p, doc = common.inspect_json(exe, paths)
    c.eq("inspect exit status", p.returncode, 0)
    if doc is None:
        c.fail("inspect --json printed no JSON: %s" % p.stderr[:300])
        return c.report()
    for e in common.schema_errors(common.schema_validator(), doc):
        c.fail("inspect schema: %s" % e)
    go = {os.path.basename(r["path"]): r.get("go", {}) for r in doc["results"]}

    def need_kinds(n):
        return {x["kind"]: x for x in go[n].get("needs", [])}

    def setting(n, key):
        for kv in go[n]["build_info"].get("settings", []):
            if kv["key"] == key:
                return kv["value"]
        return None

    # every fixture: a Go binary whose toolchain is not needed on the target
    for n in names:
        g = go[n]
        c.eq(n + ": detected", g.get("detected"), True)
        c.eq(n + ": toolchain needed", g.get("toolchain_on_target", {}).get("needed"), False)
        c.true(n + ": packages include runtime", "runtime" in g.get("packages", []))

    # versions, build-info layout, pclntab layout and platform minimums per toolchain
    layouts = {"go115": ("go1.15.15", "pointer", "1.2", "2.6.23"),
               "go119": ("go1.19.8", "inline", "1.18", "2.6.32"),
               "go122": ("go1.22.12", "inline", "1.20", "2.6.32"),
               "go124": ("go1.24.4", "inline", "1.20", "3.2")}
    for n in names:
        tc = n.split("-")[0]
        if tc not in layouts or "nobi" in n:
            continue
        ver, bil, pcl, kern = layouts[tc]
        g = go[n]
        c.eq(n + ": version", g.get("version"), ver)
        c.eq(n + ": version source", g.get("version_source"), "build_info")
        c.eq(n + ": build info layout", g["build_info"].get("layout"), bil)
        c.eq(n + ": pclntab layout", g["pclntab"].get("layout"), pcl)
        c.eq(n + ": minimum kernel", g.get("minimums", {}).get("linux_kernel"), kern)
    c.eq("go115-hello-386: pointer size", go["go115-hello-386"]["build_info"].get("pointer_size"), 4)
    c.eq("go115-hello-s390x: pointer size", go["go115-hello-s390x"]["build_info"].get("pointer_size"), 8)
    c.eq("go115-hello-s390x: goarch", go["go115-hello-s390x"].get("goarch"), "s390x")

    # architectures: from the build settings (1.18+) and from the ELF header (1.15)
    for arch in ("386", "arm", "arm64", "mips", "ppc64le", "riscv64", "s390x"):
        n = "go119-hello-" + arch
        c.eq(n + ": goarch", go[n].get("goarch"), arch)
        c.eq(n + ": GOARCH setting", setting(n, "GOARCH"), arch)

    # build info removed: still Go, version from the runtime's own string
    for n in ("go119-hello-nobi-magic", "go119-hello-nobi-section"):
        g = go[n]
        c.eq(n + ": build info", g["build_info"].get("status"), "absent")
        c.eq(n + ": version", g.get("version"), "go1.19.8")
        c.eq(n + ": version source", g.get("version_source"), "runtime_string")
        c.eq(n + ": pclntab", g["pclntab"].get("layout"), "1.18")
    p = common.run([exe, "inspect", os.path.join(gdir, "go119-hello-nobi-magic")])
    c.true("nobi text says build info removed", "build info removed" in p.stdout, p.stdout)

    # stripped (-s -w) and PIE: nothing lost
    # (-trimpath keeps -ldflags out of the build info; go119-nethttp-pie-sw records it)
    c.eq("go119-nethttp-pie-sw: -ldflags", setting("go119-nethttp-pie-sw", "-ldflags"), "-s -w")
    sw = [r for r in doc["results"] if r["path"].endswith("/go119-hello-sw")][0]
    c.eq("go119-hello-sw: stripped", sw.get("stripped"), True)
    c.eq("go119-hello-sw: pclntab", go["go119-hello-sw"]["pclntab"].get("layout"), "1.18")
    c.eq("go119-nethttp-pie-sw: buildmode", go["go119-nethttp-pie-sw"].get("buildmode"), "pie")
    c.true("go119-nethttp-pie-sw: packages", "net/http" in go["go119-nethttp-pie-sw"]["packages"])
    # a dynamic Go binary without C code still needs its interpreter
    c.true("go119-hello-pie: loader need", "loader" in need_kinds("go119-hello-pie"),
           str(need_kinds("go119-hello-pie").keys()))
    c.true("go119-hello: no needs", not need_kinds("go119-hello"), str(need_kinds("go119-hello").keys()))

    # cgo and its consequences
    cg = go["go119-nethttp-cgo"]
    c.eq("nethttp-cgo: cgo used", cg["cgo"]["used"], True)
    c.true("nethttp-cgo: runtime/cgo evidence", "runtime/cgo linked in" in cg["cgo"]["evidence"],
           str(cg["cgo"]["evidence"]))
    k = need_kinds("go119-nethttp-cgo")
    c.true("nethttp-cgo: CA roots, DNS, NSS, libc", {"ca_roots", "dns", "nss", "libc"} <= set(k), str(set(k)))
    c.eq("nethttp-cgo: CA roots required", k.get("ca_roots", {}).get("optional"), False)
    c.true("nethttp-cgo: NSS because of the cgo resolver",
           "cgo resolver" in k.get("nss", {}).get("because", ""), str(k.get("nss")))
    for n in ("go119-nethttp-nocgo", "go119-nethttp-netgo"):
        k = need_kinds(n)
        c.eq(n + ": cgo used", go[n]["cgo"]["used"], False)
        c.true(n + ": CA roots and DNS, no NSS, no libc",
               {"ca_roots", "dns"} <= set(k) and not {"nss", "libc"} & set(k), str(set(k)))
    c.eq("nethttp-netgo: -tags", setting("go119-nethttp-netgo", "-tags"), "netgo,osusergo")
    c.true("go124-nethttp-cgo: DefaultGODEBUG recorded",
           setting("go124-nethttp-cgo", "DefaultGODEBUG") is not None)

    # zoneinfo: needed unless time/tzdata is embedded
    k = need_kinds("go119-tz")
    c.eq("tz: zoneinfo required", k.get("zoneinfo", {}).get("optional"), False)
    k = need_kinds("go119-tzdata")
    c.eq("tzdata: zoneinfo optional", k.get("zoneinfo", {}).get("optional"), True)
    c.true("tzdata: time/tzdata linked", "time/tzdata" in go["go119-tzdata"]["packages"])

    # os/user: libc NSS with cgo, /etc/passwd otherwise
    k = need_kinds("go119-user-cgo")
    c.true("user-cgo: NSS, no user_db", "nss" in k and "user_db" not in k, str(set(k)))
    for n in ("go119-user-nocgo", "go119-user-osusergo"):
        k = need_kinds(n)
        c.true(n + ": user_db, no NSS", "user_db" in k and "nss" not in k, str(set(k)))

    # modules: deps with sums, the replacement, and the packages they provide
    bi = go["go119-moddeps"]["build_info"]
    deps = {d["path"]: d for d in bi.get("deps", [])}
    c.eq("moddeps: dep versions", {p: d["version"] for p, d in deps.items()},
         {"example.com/alpha": "v1.2.3", "example.com/beta": "v0.4.0", "example.com/gamma": "v0.1.0"})
    c.true("moddeps: alpha sum", deps.get("example.com/alpha", {}).get("sum", "").startswith("h1:"))
    c.eq("moddeps: gamma replaced", deps.get("example.com/gamma", {}).get("replace", {}).get("path"),
         "./local/gamma")
    c.eq("moddeps-vendor: same deps", [d["path"] for d in go["go119-moddeps-vendor"]["build_info"]["deps"]],
         sorted(deps))

    p = common.run([exe, "go", "packages", "--json", os.path.join(gdir, "go119-moddeps"),
                    os.path.join(gdir, "go115-moddeps"), "/bin/sh"])
    c.eq("go packages: exit status (one input not Go)", p.returncode, 2)
    c.true("go packages: /bin/sh refused", "shipready: /bin/sh: not a Go executable" in p.stderr, p.stderr)
    try:
        pdoc = json.loads(p.stdout)
    except ValueError:
        pdoc = None
        c.fail("go packages --json printed no JSON")
    if pdoc:
        import jsonschema
        with open(PACKAGES_SCHEMA) as f:
            v = jsonschema.Draft202012Validator(json.load(f))
        for e in v.iter_errors(pdoc):
            c.fail("go-packages schema: %s" % e.message)
        for r in pdoc["results"][:2]:
            pk = {x["path"]: x for x in r["packages"]}
            n = os.path.basename(r["path"])
            c.eq(n + ": alpha module", pk.get("example.com/alpha", {}).get("version"), "v1.2.3")
            c.eq(n + ": gamma replaced by", pk.get("example.com/gamma", {}).get("replaced_by"), "./local/gamma")
            c.eq(n + ": fmt is std", pk.get("os", {}).get("std"), True)
            c.eq(n + ": main is not from a module path with a dot", pk.get("main", {}).get("std"), True)
        c.eq("go packages: error result", pdoc["results"][2].get("error"), "not a Go executable")
    p = common.run([exe, "go", "packages", os.path.join(gdir, "go119-moddeps")])
    c.true("go packages text: module and replacement",
           "example.com/gamma v0.1.0 => ./local/gamma" in p.stdout, p.stdout[-400:])

    # several files: the release matrix, one row per artifact
    mx = ["go115-hello-386", "go119-nethttp-cgo", "go124-hello", "go119-hello-pie"]
    p = common.run([exe, "inspect"] + mx, cwd=gdir)
    lines = p.stdout.splitlines()
    c.eq("matrix: exit status", p.returncode, 0)
    c.eq("matrix: header", lines[0].split() if lines else None,
         ["FILE", "FORMAT", "PLATFORM", "LINK", "LIBC", "GO", "CGO", "MIN", "OS", "NEEDS"])
    rows = {l.split()[0]: l.split() for l in lines[1:]}
    c.eq("matrix: one row per file, in order", [l.split()[0] for l in lines[1:]], mx)
    c.eq("matrix: go115-hello-386", rows.get("go115-hello-386"),
         ["go115-hello-386", "ELF", "linux/386", "static", "none", "go1.15.15", "off", "kernel", "2.6.23", "-"])
    c.eq("matrix: go119-nethttp-cgo", rows.get("go119-nethttp-cgo", [])[:9],
         ["go119-nethttp-cgo", "ELF", "linux/amd64", "dynamic", "glibc", "2.34", "go1.19.8", "on", "kernel"])
    c.true("matrix: nethttp-cgo needs CA roots and NSS",
           "CA roots" in p.stdout and "libc NSS" in p.stdout, p.stdout)
    c.eq("matrix: go124-hello kernel", rows.get("go124-hello", [])[7:9], ["kernel", "3.2"])
    c.eq("matrix: PIE needs its loader", rows.get("go119-hello-pie", [])[-2:], ["dynamic", "loader"])
    # and the full report on request, or a row for one file
    p = common.run([exe, "inspect", "--long"] + mx, cwd=gdir)
    c.eq("--long: one block per file", sum(1 for l in p.stdout.splitlines() if l in mx), len(mx))
    p = common.run([exe, "inspect", "--matrix", mx[0]], cwd=gdir)
    c.eq("--matrix with one file: header and one row", len(p.stdout.splitlines()), 2)
    plugin_and_c_shared(exe, c)
    return c.report()


PLUGIN_GO = """package main

import "C"
import "fmt"

//export Hello
func Hello() { fmt.Println("hello") }

func main() {}
"""


def plugin_and_c_shared(exe, c):
    """A -buildmode=plugin .so loads only into a Go program of the same
    release; a c-shared one into any program (issue 18, finding 5).  Go
    1.19 records neither mode in the build info: the plugin's
    go:link.pkghash exports tell them apart.  Then zoneinfo needs, by what
    go tool nm shows is linked."""
    import shutil
    import tempfile
    if not shutil.which("gcc"):
        print("note: no gcc: the plugin and c-shared builds are skipped")
        return
    work = tempfile.mkdtemp(prefix="sr-goplugin-")
    try:
        for mode, want in (("plugin", "same Go release"), ("c-shared", "needs only the C library")):
            so, p = common.go_build(work, mode + ".so", PLUGIN_GO, ["-buildmode=" + mode], CGO_ENABLED="1")
            if not c.true("go build -buildmode=%s" % mode, so is not None, p.stderr[-300:] if p else "no go"):
                continue
            p, doc = common.inspect_json(exe, [so])
            g = doc["results"][0].get("go", {}) if doc else {}
            c.eq("%s: buildmode" % mode, g.get("buildmode"), mode)
            c.true("%s: what loads it" % mode, want in g.get("toolchain_on_target", {}).get("reason", ""),
                   json.dumps(g.get("toolchain_on_target")))
        # a zone file reached only through $TZ is optional, and the evidence is
        # what is linked; Windows has no zoneinfo but Go's own (issue 18, finding 5)
        cases = (("server", "linux", SERVER_GO, "time.loadLocation", True),
                 ("loadloc", "linux", LOADLOC_GO, "time.LoadLocation", False),
                 ("loadloc.exe", "windows", LOADLOC_GO, "time.LoadLocation", False))
        for name, goos, src, because, optional in cases:
            out, p = common.go_build(work, name, src, GOOS=goos)
            if not c.true("go build %s" % name, out is not None, p.stderr[-300:] if p else "no go"):
                continue
            nm = common.run(["go", "tool", "nm", out], timeout=60).stdout
            linked = {l.split()[-1] for l in nm.splitlines() if l.split()[-1] in ("time.LoadLocation",
                                                                                   "time.loadLocation")}
            c.true("%s: go tool nm shows %s" % (name, because), because in linked, str(linked))
            p, doc = common.inspect_json(exe, [out])
            needs = {n["kind"]: n for n in (doc["results"][0].get("go", {}).get("needs", []) if doc else [])}
            z = needs.get("zoneinfo")
            if c.true("%s: needs zoneinfo" % name, z is not None, json.dumps(needs)[:300]):
                c.true("%s: zoneinfo because %s" % (name, because), z.get("because", "").startswith(because),
                       z.get("because"))
                c.eq("%s: zoneinfo optional" % name, z.get("optional"), optional)
                if goos == "windows":
                    c.true("%s: Go's own zoneinfo.zip" % name, "zoneinfo.zip" in z.get("summary", ""), z.get("summary"))
        # Go in a PE file whose build info and build ID were removed (esbuild's
        # win32 builds): the pclntab tells (issue 18, finding 6)
        exe_path, p = common.go_build(work, "nobi.exe", LOADLOC_GO, GOOS="windows")
        if c.true("go build nobi.exe", exe_path is not None, p.stderr[-300:] if p else "no go"):
            want = common.run(["go", "version", exe_path], timeout=60).stdout.split()[-1]
            with open(exe_path, "rb") as f:
                data = bytearray(f.read())
            i = data.find(b"\xff Go buildinf:")
            j = data.find(b"\xff Go build ID: ")
            c.true("nobi.exe: build info and build ID found to remove", i >= 0 and j >= 0)
            data[i:i + 14] = bytes(14)
            k = data.find(b"\n \xff", j)
            data[j:k + 3] = bytes(k + 3 - j)
            with open(exe_path, "wb") as f:
                f.write(data)
            gv = common.run(["go", "version", exe_path], timeout=60)
            c.true("nobi.exe: go version no longer reads it", gv.returncode != 0 or "not a Go" in gv.stdout + gv.stderr,
                   gv.stdout + gv.stderr)
            p, doc = common.inspect_json(exe, [exe_path])
            g = doc["results"][0].get("go", {}) if doc else {}
            c.eq("nobi.exe: Go detected from the pclntab", g.get("detected"), True)
            c.eq("nobi.exe: Go version", g.get("version"), want)
    finally:
        shutil.rmtree(work, ignore_errors=True)


SERVER_GO = """package main

import "net/http"

func main() { http.ListenAndServe("127.0.0.1:0", nil) }
"""

LOADLOC_GO = """package main

import (
	"fmt"
	"time"
)

func main() { fmt.Println(time.LoadLocation("Europe/Berlin")) }
"""


if __name__ == "__main__":
    sys.exit(main())
