"""shipready diff: two real builds of the same program that differ in each
way that matters, held to the tools that read those facts themselves.

  test_diff.py SHIPREADY FIXTURE_DIR WORK_DIR

- C: a hardened build (PIE, full RELRO, NX, canary, FORTIFY, glibc calls
  from before 2.34 only) against one that lost each of those, needs libm
  and calls arc4random (GLIBC_2.36) and getaddrinfo; and a static build
  against a dynamic one.  The oracle is readelf (-d -V -l -h -s): floors,
  needed libraries, PIE, RELRO, NX, __stack_chk_fail, *_chk imports.
- Go: modules from a local GOPROXY=file:// (one downgraded, one removed, one
  added), -trimpath dropped, -ldflags and -tags added, built from a git work
  tree clean and then modified (vcs.modified).  The oracle is `go version -m`;
  and the fixtures' hello built by Go 1.19 and 1.24 (the release, the kernel
  floor).
- PE (mingw: ASLR, high-entropy VA, DEP dropped, ws2_32 added, subsystem
  6.2) against objdump -p; Mach-O (clang and ld64.lld: macOS 10.9 → 12.0,
  no PIE, a dylib added) against llvm-objdump.
- Directories of release artifacts: binaries paired by name without the
  version, a README ignored, an unpaired one named.
- Policies: the default (exit 1 on the floor, hardening and downgrade), a
  file that lets everything through (exit 0), one that forbids new
  libraries, bad files (one line, exit 2).
- Images: two OCI layouts with the two C builds at the same path: the same
  changes as the files themselves, named inside the image.
- --json against docs/schema/diff.json; --format sarif against the SARIF
  schema (npm, skipped offline) and junit read by junitparser.
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from test_drift import add_version  # noqa: E402

OLD_C = r'''
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    char buf[64];
    snprintf(buf, sizeof buf, "%s", argv[0]);
    strcpy(buf + 1, argc > 5 ? argv[1] : "x");
    puts(buf);
    return 0;
}
'''
NEW_C = r'''
#include <math.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    volatile double x = argc;
    struct addrinfo *r;
    getaddrinfo(argv[0], 0, 0, &r);
    printf("%u %f\n", arc4random(), cos(x));
    return 0;
}
'''


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=600, **kw)


def diff_json(exe, old, new, *extra):
    p = run([exe, "diff", "--json"] + list(extra) + [old, new])
    try:
        return p, json.loads(p.stdout)
    except ValueError:
        return p, None


def changes(doc, aspect=None):
    out = []
    for pair in doc["pairs"] if doc else []:
        for ch in pair["changes"]:
            if aspect is None or ch["aspect"] == aspect:
                out.append(ch)
    return out


def elf_facts(path):
    """What readelf says: GLIBC floor, NEEDED, PIE, RELRO, NX, canary, fortify."""
    facts = common.readelf_dyn_ver([path])[path]
    best = common.expected_max_versions(facts["verneed"])
    h = run(["readelf", "-h", "-l", "-W", path]).stdout
    s = run(["readelf", "--dyn-syms", "-W", path]).stdout
    pie = "DYN (" in h
    relro = "none"
    if "GNU_RELRO" in h:
        relro = "full" if facts.get("bind_now_tag") or "NOW" in (facts.get("flags_1") or []) + \
            (facts.get("flags") or []) else "partial"
    stack = [l for l in h.splitlines() if "GNU_STACK" in l]
    nx = bool(stack) and "RWE" not in stack[0]
    return {"glibc": best.get("GLIBC", (None,))[0], "needed": set(facts["needed"]), "pie": pie, "relro": relro,
            "nx": nx, "canary": "__stack_chk_fail" in s, "fortify": bool(re.search(r"__\w+_chk\b", s))}


def c_builds(c, exe, work):
    src = os.path.join(work, "c")
    os.makedirs(src)
    for n, t in (("old.c", OLD_C), ("new.c", NEW_C)):
        with open(os.path.join(src, n), "w") as f:
            f.write(t)
    old, new, static = (os.path.join(src, n) for n in ("app-old", "app-new", "app-static"))
    b = [run(["gcc", "-O2", "-fstack-protector-strong", "-D_FORTIFY_SOURCE=2", "-fPIE", "-pie",
              "-Wl,-z,relro,-z,now", "-o", old, os.path.join(src, "old.c")]),
         run(["gcc", "-O2", "-fno-stack-protector", "-U_FORTIFY_SOURCE", "-fno-PIE", "-no-pie", "-Wl,-z,norelro",
              "-Wl,-z,execstack", "-o", new, os.path.join(src, "new.c"), "-lm"]),
         run(["gcc", "-O2", "-static", "-o", static, os.path.join(src, "old.c")])]
    c.eq("C builds", [p.returncode for p in b], [0, 0, 0])
    fo, fn = elf_facts(old), elf_facts(new)
    c.true("the oracle sees the differences", fo["pie"] and not fn["pie"] and fo["relro"] == "full" and
           fn["relro"] == "none" and fo["nx"] and not fn["nx"] and fo["canary"] and not fn["canary"] and
           fo["fortify"] and not fn["fortify"], (fo, fn))
    p, doc = diff_json(exe, old, new)
    c.eq("C: exit 1 (the default policy fails)", p.returncode, 1)
    common.check_schema(c, "diff.json", doc)
    fl = {ch["what"]: ch for ch in changes(doc, "floor")}
    c.eq("C: the GLIBC floor as readelf -V says", (fl["GLIBC"]["old"], fl["GLIBC"]["new"]) if "GLIBC" in fl else None,
         (fo["glibc"], fn["glibc"]))
    c.eq("C: the floor rise fails max_floor_raise", (fl.get("GLIBC", {}).get("fails"), fl.get("GLIBC", {}).get("rule")),
         (True, "max_floor_raise"))
    libs = {(ch["old"], ch["new"]) for ch in changes(doc, "library")}
    want = {(None, n) for n in fn["needed"] - fo["needed"]} | {(n, None) for n in fo["needed"] - fn["needed"]}
    c.eq("C: libraries added and dropped as readelf -d says", libs, want)
    hard = {ch["what"]: (ch["old"], ch["new"], ch["effect"], ch["rule"]) for ch in changes(doc, "hardening")}
    yn = {True: "yes", False: "no"}
    c.eq("C: hardening lost as readelf says",
         hard, {"pie": (yn[fo["pie"]], yn[fn["pie"]], "regression", "no_hardening_loss"),
                "relro": (fo["relro"], fn["relro"], "regression", "no_hardening_loss"),
                "nx": (yn[fo["nx"]], yn[fn["nx"]], "regression", "no_hardening_loss"),
                "canary": ("yes", "no", "regression", "no_hardening_loss"),
                "fortify": ("yes", "no", "regression", "no_hardening_loss")})
    needs = {ch["what"] for ch in changes(doc, "need") if ch["old"] is None}
    c.true("C: getaddrinfo brings new run-time needs (dns, nss)", {"dns", "nss"} <= needs, needs)
    kinds = [ch["effect"] for ch in changes(doc)]
    c.eq("C: regressions first, then improvements, then the rest", kinds,
         sorted(kinds, key=["regression", "improvement", "change"].index))
    p = run([exe, "diff", old, new])
    lines = p.stdout.splitlines()
    c.true("C text: a FAIL line per failing change, with its rule",
           sum(1 for l in lines if l.strip().startswith("FAIL") and "[" in l) ==
           sum(1 for ch in changes(doc) if ch["fails"]), p.stdout)
    # a new library that brings its own symbol-version family: that
    # library is no_new_libraries' question, not the floor's
    with open(os.path.join(src, "v.c"), "w") as f:
        f.write("int v(void) { return 1; }\n")
    with open(os.path.join(src, "v.map"), "w") as f:
        f.write("VERS_1.0 { global: v; local: *; };\n")
    with open(os.path.join(src, "usev.c"), "w") as f:
        f.write('#include <stdio.h>\nint v(void);\nint main(void) { puts("hi"); return v(); }\n')
    libv = os.path.join(src, "libv.so.1")
    b = [run(["gcc", "-shared", "-fPIC", "-Wl,--version-script=" + os.path.join(src, "v.map"),
              "-Wl,-soname,libv.so.1", "-o", libv, os.path.join(src, "v.c")]),
         run(["gcc", "-O2", "-fstack-protector-strong", "-D_FORTIFY_SOURCE=2", "-fPIE", "-pie",
              "-Wl,-z,relro,-z,now", "-o", os.path.join(src, "app-usev"), os.path.join(src, "usev.c"), libv])]
    c.eq("a library with symbol versions, and a program using it", [x.returncode for x in b], [0, 0])
    p, doc = diff_json(exe, old, os.path.join(src, "app-usev"))
    fl = {ch["what"]: ch for ch in changes(doc, "floor")}
    c.eq("new library's family: a new floor that came with it, not failing by default",
         (fl.get("VERS", {}).get("old", "?"), fl.get("VERS", {}).get("with_new_library"), fl.get("VERS", {}).get("fails")),
         (None, True, False))
    # static against dynamic
    p, doc = diff_json(exe, static, new)
    lk = {ch["what"]: (ch["old"], ch["new"], ch["effect"]) for ch in changes(doc, "linkage")}
    c.eq("C: static → dynamic is a regression", lk, {"linkage": ("static", "dynamic", "regression")})
    it = [(ch["old"], ch["new"]) for ch in changes(doc, "interpreter")]
    c.eq("C: the interpreter appears", it, [(None, run(["readelf", "-l", new]).stdout.split(
        "program interpreter: ")[1].split("]")[0])])
    # the same build against itself: nothing
    p, doc = diff_json(exe, old, old)
    c.eq("C: a file against itself: no change, exit 0", (p.returncode, changes(doc)), (0, []))
    return old, new


PE_OLD = '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n'
PE_NEW = ('#include <winsock2.h>\n#include <stdio.h>\n'
          'int main(void) { WSADATA d; WSAStartup(0x202, &d); puts("hi"); return 0; }\n')


def pe_facts(path):
    """objdump -p: the oldest Windows, the DllCharacteristics bits, the DLLs."""
    out = run(["x86_64-w64-mingw32-objdump", "-p", path]).stdout
    # the oldest Windows: the higher of the OS and subsystem versions
    sub = tuple(int(re.search(r"%sSubsystemVersion\s+(\d+)" % w, out).group(1)) for w in ("Major", "Minor"))
    osv = tuple(int(re.search(r"%sOSystemVersion\s+(\d+)" % w, out).group(1)) for w in ("Major", "Minor"))
    major, minor = max(sub, osv)
    chars = int(re.search(r"DllCharacteristics\s+([0-9a-fA-F]+)", out).group(1), 16)
    dlls = set(re.findall(r"DLL Name: (\S+)", out))
    return "%s.%s" % (major, minor), {"pie": bool(chars & 0x40), "high-entropy-va": bool(chars & 0x20),
                                      "nx": bool(chars & 0x100), "cfg": bool(chars & 0x4000)}, dlls


def macho_facts(path):
    """llvm-objdump --macho --private-headers: minos, PIE, the dylibs."""
    out = run(["llvm-objdump", "--macho", "--private-headers", path]).stdout
    m = re.search(r"\bminos\s+(\S+)", out) or \
        re.search(r"cmd LC_VERSION_MIN_MACOSX\n\s+cmdsize\s+\d+\n\s+version\s+(\S+)", out)
    minos = m.group(1) if m else None
    header = out.split("Load command")[0]
    dylibs = set(re.findall(r"cmd LC_LOAD_DYLIB\n\s+cmdsize\s+\d+\n\s+name\s+(\S+)", out))
    return minos, "PIE" in header, dylibs


def other_formats(c, exe, work):
    """PE (mingw, against objdump -p) and Mach-O (clang and ld64.lld against
    the fixtures' libSystem stub, against llvm-objdump)."""
    d = os.path.join(work, "formats")
    os.makedirs(d)
    for n, t in (("a.c", PE_OLD), ("b.c", PE_NEW)):
        with open(os.path.join(d, n), "w") as f:
            f.write(t)
    a, b = os.path.join(d, "a.exe"), os.path.join(d, "b.exe")
    p1 = run(["x86_64-w64-mingw32-gcc", "-O2", "-Wl,--dynamicbase,--nxcompat,--high-entropy-va", "-o", a,
              os.path.join(d, "a.c")])
    p2 = run(["x86_64-w64-mingw32-gcc", "-O2", "-Wl,--disable-dynamicbase,--disable-nxcompat,--disable-high-entropy-va",
              "-Wl,--major-subsystem-version,6,--minor-subsystem-version,2", "-o", b, os.path.join(d, "b.c"), "-lws2_32"])
    c.eq("PE builds", (p1.returncode, p2.returncode), (0, 0))
    vo, ho, lo = pe_facts(a)
    vn, hn, ln = pe_facts(b)
    p, doc = diff_json(exe, a, b)
    common.check_schema(c, "diff.json", doc)
    fl = {ch["what"]: (ch["old"], ch["new"]) for ch in changes(doc, "floor")}
    c.eq("PE: the windows floor as objdump -p says", fl, {"windows": (vo, vn)})
    hard = {ch["what"]: (ch["old"], ch["new"]) for ch in changes(doc, "hardening")}
    yn = {True: "yes", False: "no"}
    c.eq("PE: DllCharacteristics changes as objdump -p says", hard,
         {k: (yn[ho[k]], yn[hn[k]]) for k in ho if ho[k] != hn[k]})
    libs = {(ch["old"], ch["new"]) for ch in changes(doc, "library")}
    c.eq("PE: DLLs added as objdump -p says", libs, {(None, x) for x in ln - lo} | {(x, None) for x in lo - ln})
    ld64 = run(["clang", "-print-prog-name=ld64.lld"]).stdout.strip()
    if not ld64 or not os.path.exists(ld64):
        print("note: no ld64.lld: the Mach-O case is skipped")
        return
    ms = os.path.join(common.REPO, "tests", "fixtures", "src", "macho")
    tbd = os.path.join(ms, "libSystem.tbd")
    o = lambda n: os.path.join(d, n)  # noqa: E731
    steps = [["clang", "-target", "x86_64-apple-macos10.9", "-O1", "-c", os.path.join(ms, "plain.c"), "-o", o("plain.o")],
             ["clang", "-target", "x86_64-apple-macos10.9", "-O1", "-c", os.path.join(ms, "dep.c"), "-o", o("dep.o")],
             [ld64, "-arch", "x86_64", "-platform_version", "macos", "10.9", "10.15", "-dylib", "-install_name",
              "@rpath/libdep.1.dylib", "-o", o("libdep.1.dylib"), o("dep.o"), tbd],
             [ld64, "-arch", "x86_64", "-platform_version", "macos", "10.9", "10.15", "-o", o("m-old"), o("plain.o"), tbd],
             [ld64, "-arch", "x86_64", "-platform_version", "macos", "12.0", "12.3", "-no_pie", "-o", o("m-new"),
              o("plain.o"), tbd, o("libdep.1.dylib")]]
    c.eq("Mach-O builds", [run(s).returncode for s in steps], [0] * len(steps))
    mo, po, do = macho_facts(o("m-old"))
    mn, pn, dn = macho_facts(o("m-new"))
    p, doc = diff_json(exe, o("m-old"), o("m-new"))
    fl = {ch["what"]: (ch["old"], ch["new"]) for ch in changes(doc, "floor")}
    c.eq("Mach-O: the macOS floor as llvm-objdump says", fl, {"macOS": (mo, mn)})
    hard = {ch["what"]: (ch["old"], ch["new"]) for ch in changes(doc, "hardening")}
    c.eq("Mach-O: PIE as llvm-objdump says", hard.get("pie"), (yn[po], yn[pn]))
    libs = {(ch["old"], ch["new"]) for ch in changes(doc, "library")}
    c.eq("Mach-O: dylibs added as llvm-objdump says", libs, {(None, x) for x in dn - do} | {(x, None) for x in do - dn})


def policies(c, exe, work, old, new):
    lax = os.path.join(work, "lax.json")
    with open(lax, "w") as f:
        json.dump({"name": "lax", "max_floor_raise": None, "no_hardening_loss": False}, f)
    p, doc = diff_json(exe, old, new, "--policy", lax)
    c.eq("policy lax: exit 0, nothing fails", (p.returncode, [ch for ch in changes(doc) if ch["fails"]]), (0, []))
    c.eq("policy lax: named in the document", doc["policy"]["name"] if doc else None, "lax")
    strict = os.path.join(work, "libs.json")
    with open(strict, "w") as f:
        json.dump({"no_new_libraries": True, "max_floor_raise": 5}, f)
    p, doc = diff_json(exe, old, new, "--policy", strict)
    failing = sorted({ch["rule"] for ch in changes(doc) if ch["fails"]})
    c.eq("policy: no_new_libraries fails the new library; a rise of 2 is within 5", (p.returncode, failing),
         (1, ["no_new_libraries"]))
    bad = os.path.join(work, "bad.json")
    with open(bad, "w") as f:
        f.write('{"no_new_libraries": true,\n  "max_floor_rise": 1}\n')
    p = run([exe, "diff", "--policy", bad, old, new])
    c.true("policy: an unknown key is one line, exit 2",
           p.returncode == 2 and p.stderr.count("\n") == 1 and "max_floor_rise" in p.stderr, p.stderr)
    with open(bad, "w") as f:
        f.write('{"name": "x",\n  "no_new_libraries": tru}\n')
    p = run([exe, "diff", "--policy", bad, old, new])
    c.true("policy: bad JSON says where", p.returncode == 2 and re.search(r": 2:\d+: ", p.stderr), p.stderr)
    p = run([exe, "diff", "oci-archive:/nonexistent.tar", new])
    c.eq("an image against a file: usage, exit 2", p.returncode, 2)


def go_builds(c, exe, work):
    go = shutil.which("go")
    git = shutil.which("git")
    if not go or not git:
        print("note: no go or git: the Go cases are skipped")
        return None
    proxy = os.path.join(work, "proxy")
    for path, version in (("example.com/a", "v1.0.0"), ("example.com/a", "v1.1.0"), ("example.com/b", "v1.0.0"),
                          ("example.com/c", "v1.0.0")):
        name = path.split("/")[-1]
        add_version(proxy, path, version, {"go.mod": "module %s\n\ngo 1.18\n" % path,
                                           "%s.go" % name: 'package %s\n\nfunc Name() string { return "%s %s" }\n'
                                           % (name, name, version)})
    app = os.path.join(work, "app")
    os.makedirs(app)
    env = common.go_env(work, GO111MODULE="on", GOPROXY="file://" + proxy, GOSUMDB="off", GOFLAGS="-mod=mod",
                        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
                        GIT_COMMITTER_EMAIL="t@example.com")

    def write(mods):
        imports = "".join('\t"example.com/%s"\n' % m for m, _ in mods)
        calls = ", ".join("%s.Name()" % m for m, _ in mods)
        with open(os.path.join(app, "go.mod"), "w") as f:
            f.write("module example.com/app\n\ngo 1.18\n\nrequire (\n%s)\n" %
                    "".join("\texample.com/%s %s\n" % mv for mv in mods))
        with open(os.path.join(app, "main.go"), "w") as f:
            f.write('package main\n\nimport (\n\t"fmt"\n\n%s)\n\nfunc main() { fmt.Println(%s) }\n' % (imports, calls))

    def step(what, cmd):
        p = run(cmd, cwd=app, env=env)
        c.eq("go: %s (%s)" % (what, p.stderr.strip()[-300:]), p.returncode, 0)
        return p.returncode == 0

    write([("a", "v1.1.0"), ("b", "v1.0.0")])
    old, new = os.path.join(work, "tool-old"), os.path.join(work, "tool-new")
    ok = step("git init", ["git", "init", "-q", "."]) and step("go mod tidy (old)", [go, "mod", "tidy"]) and \
        step("git commit", ["git", "add", "-A"]) and step("commit", ["git", "commit", "-q", "-m", "old"]) and \
        step("build old", [go, "build", "-trimpath", "-buildvcs=true", "-o", old, "."])
    if not ok:
        return None
    write([("a", "v1.0.0"), ("c", "v1.0.0")])   # uncommitted: vcs.modified
    ok = step("go mod tidy (new)", [go, "mod", "tidy"]) and \
        step("build new", [go, "build", "-buildvcs=true", "-tags", "netgo", "-ldflags=-X main.v=2", "-o", new, "."])
    if not ok:
        return None

    def oracle(path):
        out = run([go, "version", "-m", path], env=env).stdout
        deps = {l.split("\t")[2]: l.split("\t")[3] for l in out.splitlines() if l.startswith("\tdep\t")}
        build = {}
        for l in out.splitlines():
            if l.startswith("\tbuild\t"):
                k, _, v = l.split("\t", 2)[2].partition("=")
                build[k] = json.loads(v) if v.startswith('"') else v   # Go quotes values with spaces
        return deps, build

    do, bo = oracle(old)
    dn, bn = oracle(new)
    p, doc = diff_json(exe, old, new)
    c.eq("go: exit 1 (a downgrade)", p.returncode, 1)
    common.check_schema(c, "diff.json", doc)
    mods = {ch["what"]: (ch["old"], ch["new"], ch.get("downgrade")) for ch in changes(doc, "module")}
    want = {}
    for m in set(do) | set(dn):
        if do.get(m) != dn.get(m):
            down = bool(do.get(m) and dn.get(m) and do[m] > dn[m])
            want[m] = (do.get(m), dn.get(m), down)
    c.eq("go: modules added, removed, downgraded as go version -m says", mods, want)
    c.true("go: the downgrade fails no_module_downgrade",
           any(ch["what"] == "example.com/a" and ch["fails"] and ch["rule"] == "no_module_downgrade"
               for ch in changes(doc, "module")), changes(doc, "module"))
    sets = {ch["what"]: (ch["old"], ch["new"]) for ch in changes(doc, "setting")}
    want = {k: (bo.get(k), bn.get(k)) for k in set(bo) | set(bn)
            if bo.get(k) != bn.get(k) and not k.startswith("vcs.") and k != "CGO_ENABLED"}
    c.eq("go: build settings as go version -m says", sets, want)
    c.true("go: -trimpath dropped is a regression",
           any(ch["what"] == "-trimpath" and ch["effect"] == "regression" for ch in changes(doc, "setting")), sets)
    vcs = {ch["what"]: (ch["old"], ch["new"]) for ch in changes(doc, "vcs")}
    c.eq("go: vcs.modified as go version -m says", vcs.get("vcs.modified"),
         (bo.get("vcs.modified"), bn.get("vcs.modified")))
    return old, new


def go_releases(c, exe, fixdir):
    """The same program built by Go 1.19 and Go 1.24 (the fixtures' gover
    builds): the release as `go version` says, and Go 1.24's Linux 3.2 floor
    (its release notes) against Go 1.19's 2.6.32."""
    go = shutil.which("go")
    d = os.path.join(fixdir, "gover")
    old, new = os.path.join(d, "go119-hello"), os.path.join(d, "go124-hello")
    if not go or not (os.path.exists(old) and os.path.exists(new)):
        print("note: no gover fixtures or go: the Go release case is skipped")
        return
    vo, vn = (run([go, "version", f]).stdout.split(": ", 1)[1].strip() for f in (old, new))
    p, doc = diff_json(exe, old, new)
    c.eq("go releases: the release as go version says",
         [(ch["old"], ch["new"]) for ch in changes(doc, "go")], [(vo, vn)])
    c.eq("go releases: the kernel floor rose with Go 1.24",
         [(ch["old"], ch["new"], ch["effect"]) for ch in changes(doc, "floor")], [("2.6.32", "3.2", "regression")])


def directories(c, exe, work, c_pair, go_pair):
    a, b = os.path.join(work, "rel-1.0.0"), os.path.join(work, "rel-1.1.0")
    os.makedirs(a)
    os.makedirs(b)
    shutil.copy(c_pair[0], os.path.join(a, "app-1.0.0-linux-amd64"))
    shutil.copy(c_pair[1], os.path.join(b, "app-1.1.0-linux-amd64"))
    if go_pair:
        shutil.copy(go_pair[0], os.path.join(a, "tool_v1.0"))
        shutil.copy(go_pair[1], os.path.join(b, "tool_v1.1"))
    shutil.copy(c_pair[1], os.path.join(b, "extra-2.0"))
    for d in (a, b):
        with open(os.path.join(d, "README"), "w") as f:
            f.write("release notes\n")
    p, doc = diff_json(exe, a, b)
    common.check_schema(c, "diff.json", doc)
    pairs = sorted((os.path.basename(x["old"]), os.path.basename(x["new"])) for x in doc["pairs"]) if doc else []
    want = [("app-1.0.0-linux-amd64", "app-1.1.0-linux-amd64")] + ([("tool_v1.0", "tool_v1.1")] if go_pair else [])
    c.eq("directories: paired by name without the version", pairs, want)
    c.eq("directories: the unpaired binary named, the README ignored",
         ([os.path.basename(x) for x in doc["only_in_new"]], doc["only_in_old"]) if doc else None, (["extra-2.0"], []))
    c.eq("directories: exit 1", p.returncode, 1)
    # a file that looks like a binary and cannot be read is an error, the rest still compared
    with open(os.path.join(b, "broken-1.1"), "wb") as f:
        f.write(b"\x7fELF\x02\x01\x01junk")
    p, doc2 = diff_json(exe, a, b)
    c.true("directories: a broken binary is one error line, exit 2, the pairs still there",
           p.returncode == 2 and p.stderr.count("\n") == 1 and "broken-1.1" in p.stderr and doc2 and
           len(doc2["pairs"]) == len(doc["pairs"]), p.stderr)
    os.unlink(os.path.join(b, "broken-1.1"))
    # CI formats
    ps = run([exe, "diff", "--format", "sarif", a, b])
    pu = run([exe, "diff", "--format", "junit", a, b])
    c.eq("directories: sarif and junit exit as --json", (ps.returncode, pu.returncode), (1, 1))
    sarif = json.loads(ps.stdout)
    results = sarif["runs"][0]["results"]
    failing = [ch for ch in changes(doc) if ch["fails"]]
    c.eq("sarif: an error result per failing change", len([r for r in results if r["level"] == "error"]),
         len(failing))
    c.eq("sarif: rules diff.RULE", sorted({r["ruleId"] for r in results if r["level"] == "error"}),
         sorted({"diff." + ch["rule"] for ch in failing}))
    pkg = common.npm_package("@microsoft/sarif-multitool-linux", os.path.join(work, "..", "npm"))
    if pkg:
        import jsonschema
        with open(os.path.join(pkg, "sarif-2.1.0.json")) as f:
            schema = json.load(f)
        errs = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(sarif))
        c.eq("sarif: valid against the SARIF 2.1.0 schema", [e.message for e in errs[:3]], [])
    from junitparser import JUnitXml
    xml = os.path.join(work, "diff.xml")
    with open(xml, "w") as f:
        f.write(pu.stdout)
    cases = {case.name: [type(r).__name__ for r in case.result] for suite in JUnitXml.fromfile(xml) for case in suite}
    want = {"%s → %s" % (x["old"], x["new"]): (["Failure"] if x["summary"]["failing"] else []) for x in doc["pairs"]}
    c.eq("junit: a case per pair, failed when a change fails", cases, want)


def images(c, exe, work, old, new):
    """Two OCI layouts (written as test_image_scan writes them): the program
    at the same path, the old build in one, the new in the other; a file
    only in the new one."""
    import test_image_scan as tis
    po, pn = open(old, "rb").read(), open(new, "rb").read()
    lo = tis.layout_of(work, "img-old", [tis.tar_layer([("usr", "dir", None, 0o755), ("usr/bin", "dir", None, 0o755),
                                                        ("usr/bin/app", "file", po, 0o755)])])
    ln = tis.layout_of(work, "img-new", [tis.tar_layer([("usr", "dir", None, 0o755), ("usr/bin", "dir", None, 0o755),
                                                        ("usr/bin/app", "file", pn, 0o755),
                                                        ("usr/bin/extra", "file", pn, 0o755)])])
    env_tmp = os.path.join(work, "tmp")
    os.makedirs(env_tmp, exist_ok=True)
    p = run([exe, "diff", "--json", "oci:" + lo, "oci:" + ln], env=dict(os.environ, TMPDIR=env_tmp))
    doc = json.loads(p.stdout) if p.stdout else None
    common.check_schema(c, "diff.json", doc)
    p2, direct = diff_json(exe, old, new)
    strip = lambda d: [(ch["aspect"], ch["what"], ch["old"], ch["new"]) for ch in changes(d)  # noqa: E731
                       if ch["aspect"] != "size" or ch["what"] != "file"]
    c.eq("images: the program's changes are those of the files themselves", strip(doc), strip(direct))
    c.eq("images: named inside the image",
         [(x["old"], x["new"]) for x in doc["pairs"]] if doc else None,
         [("oci:%s (linux/amd64):/usr/bin/app" % lo, "oci:%s (linux/amd64):/usr/bin/app" % ln)])
    c.eq("images: the unpaired file", doc["only_in_new"] if doc else None, ["oci:%s (linux/amd64):/usr/bin/extra" % ln])
    c.eq("images: exit 1, nothing left in TMPDIR", (p.returncode, os.listdir(env_tmp)), (1, []))
    p = run([exe, "diff", "--format", "sarif", "oci:" + lo, "oci:" + ln], env=dict(os.environ, TMPDIR=env_tmp))
    run0 = json.loads(p.stdout)["runs"][0] if p.stdout else {"results": [], "originalUriBaseIds": {}}
    arts = {json.dumps(r["locations"][0]["physicalLocation"]["artifactLocation"], sort_keys=True)
            for r in run0["results"]}
    c.eq("images sarif: results located inside the new image",
         (arts, run0["originalUriBaseIds"].get("IMAGE1", {}).get("description", {}).get("text")),
         ({json.dumps({"uri": "usr/bin/app", "uriBaseId": "IMAGE1"}, sort_keys=True)}, "oci:%s (linux/amd64)" % ln))


def main():
    exe, fixdir, work = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    c = common.Checker("cli-diff")
    c_pair = c_builds(c, exe, work)
    policies(c, exe, work, *c_pair)
    images(c, exe, work, *c_pair)
    other_formats(c, exe, work)
    go_releases(c, exe, common.fixtures(fixdir))
    go_pair = go_builds(c, exe, work)
    directories(c, exe, work, c_pair, go_pair)
    p = run([exe, "diff", c_pair[0]])
    c.eq("one operand: usage, exit 2", p.returncode, 2)
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
