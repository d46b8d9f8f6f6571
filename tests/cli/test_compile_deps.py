#!/usr/bin/env python3
"""shipready compile-deps on real builds, against the tools' own readers.

    python3 tests/cli/test_compile_deps.py SHIPREADY DEPFILE_DRIVER SCRATCH_DIR

  depfiles     our reader of make-syntax dependency files against ninja's
               (`ninja -t deps` after a build that uses the file): gcc and
               clang -MD, -MMD and -MP output for sources and headers whose
               names hold spaces, '#' and '$', and 300 random files written
               with gcc's escapes (seeded, so a failure can be replayed)
  attribution  every source, header, object and archive attributed to the
               package `dpkg-query -S` names for it, or to none when it
               names none; the project's own files to the project
  link map     GNU ld's map and --trace of the same static link: the same
               inputs; every member the map says went in is in `ar t` of
               its archive
  policy       allowed_header_packages / allowed_include_dirs /
               allowed_static_archives violations, one line each naming
               the build that included the file, exit 1; a clean policy
               exits 0
  cgo          a Go program with cgo, its depfiles from CGO_CFLAGS=-MD and
               go build -work, its map from -extldflags=-Wl,-Map: the
               project header found, libc6-dev's headers attributed
and --json against docs/schema/compile-deps.json, --graph dot|mermaid
(every edge between declared nodes), bad input (one line, exit 2, the
other inputs still read).  Without gcc, ninja or dpkg-query: skipped (77).
"""
import json
import os
import random
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def clean(p):
    return os.path.normpath(p) if p else p


def ninja_deps(work, text):
    """What ninja reads from a depfile whose target is x.o: its deps in order."""
    d = os.path.join(work, "nj")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "x.o.dep"), "wb") as f:
        f.write(text)
    with open(os.path.join(d, "build.ninja"), "w") as f:
        f.write("rule cp\n  command = cp $out.dep $out.d && touch $out\n  depfile = $out.d\n  deps = gcc\n"
                "build x.o: cp\n")
    r = subprocess.run(["ninja"], cwd=d, capture_output=True, text=True, timeout=60)
    if r.returncode:
        return None
    r = subprocess.run(["ninja", "-t", "deps"], cwd=d, capture_output=True, timeout=60)
    return [l[4:].decode("utf-8", "surrogateescape") for l in r.stdout.splitlines() if l.startswith(b"    ")]


def ours_deps(driver, path):
    p = common.run([driver, "--dep", path], timeout=60)
    try:
        rules = json.loads(p.stdout)
    except ValueError:
        return None
    out = []
    for r in rules:
        for x in r["prereqs"]:
            x = clean(x)
            if x not in out:
                out.append(x)
    return out


def escape(name):
    """A name as gcc writes it in a depfile."""
    out, bs = "", 0
    for ch in name:
        if ch == "\\":
            bs += 1
            out += ch
            continue
        if ch == " ":
            out += "\\" * bs + "\\ "   # backslashes before a space doubled, the space escaped
        elif ch == "#":
            out += "\\#"
        elif ch == "$":
            out += "$$"
        else:
            out += ch
        bs = 0
    return out


def random_name(rng):
    alphabet = "abcxyz019_-.+,=@~ #$é"
    parts = []
    for _ in range(rng.randint(1, 3)):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))).strip(" ")
        s = s.strip(".") or "n"
        parts.append(s)
    name = "/".join(parts)
    if rng.random() < 0.2:
        name = "/" + name
    if rng.random() < 0.1:
        name = "./" + name.lstrip("/")
    return name


def depfile_oracle(c, driver, work):
    src = os.path.join(work, "src")
    os.makedirs(os.path.join(src, "inc dir"), exist_ok=True)
    with open(os.path.join(src, "inc dir", "we ird#$h.h"), "w") as f:
        f.write("#define X 1\n")
    with open(os.path.join(src, "plain.h"), "w") as f:
        f.write("#define Y 2\n")
    with open(os.path.join(src, "a b#$.c"), "w") as f:
        f.write('#include <stdio.h>\n#include "we ird#$h.h"\n#include "plain.h"\n'
                'int main(void) { printf("%d\\n", X + Y); return 0; }\n')
    compilers = [c_ for c_ in ("gcc", "clang") if shutil.which(c_)]
    n = 0
    for cc in compilers:
        for flags in (["-MD"], ["-MMD"], ["-MD", "-MP"], ["-MMD", "-MP", "-MT", "x.o"]):
            dep = os.path.join(work, "out.d")
            r = subprocess.run([cc] + flags + ["-MF", dep, "-I", "inc dir", "-c", "a b#$.c", "-o",
                                               os.path.join(work, "x.o")], cwd=src, capture_output=True, text=True)
            if not c.eq("%s %s compiles (%s)" % (cc, " ".join(flags), r.stderr[-200:]), r.returncode, 0):
                continue
            with open(dep, "rb") as f:
                text = f.read()
            # ninja wants the rule's target to be its output: x.o
            first = text.split(b":", 1)
            text = b"x.o:" + first[1]
            with open(dep, "wb") as f:
                f.write(text)
            want = ninja_deps(work, text)
            got = ours_deps(driver, dep)
            c.eq("%s %s: our prerequisites are ninja's" % (cc, " ".join(flags)), got, want)
            c.true("%s %s: the escaped names are there" % (cc, " ".join(flags)),
                   got and "a b#$.c" in got and "inc dir/we ird#$h.h" in got, got)
            n += 1
    # random files with gcc's escapes, continuations and -MP rules
    rng = random.Random(20261205)
    bad = 0
    for i in range(300):
        names = [random_name(rng) for _ in range(rng.randint(1, 12))]
        parts = ["x.o:"]
        for k, nm in enumerate(names):
            parts.append(escape(nm))
            if rng.random() < 0.3:
                parts.append("\\\n")
        text = " ".join(parts) + "\n"
        if rng.random() < 0.5:
            text += "\n".join("%s:" % escape(nm) for nm in names[1:]) + "\n"
        if rng.random() < 0.2:
            text = text.replace("\n", "\r\n")
        dep = os.path.join(work, "rand.d")
        with open(dep, "wb") as f:
            f.write(text.encode())
        want = ninja_deps(work, text.encode())
        got = ours_deps(driver, dep)
        if got != want:
            bad += 1
            if bad <= 5:
                c.fail("random depfile %d: ours %r, ninja %r, text %r" % (i, got, want, text))
    c.eq("300 random depfiles: ours = ninja's", bad, 0)
    return n


def dpkg_owner(paths):
    """path -> package per dpkg-query -S (None: no package)."""
    out = {p: None for p in paths}
    if not paths:
        return out
    r = subprocess.run(["dpkg-query", "-S"] + list(paths), capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if line.startswith("diversion by"):
            continue
        pkgs, _, path = line.partition(": ")
        if path in out and out[path] is None:
            out[path] = pkgs.split(",")[0].split(":")[0].strip()
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: test_compile_deps.py SHIPREADY DEPFILE_DRIVER SCRATCH_DIR")
    exe, driver, work = (os.path.abspath(a) for a in sys.argv[1:4])
    for tool in ("gcc", "ninja", "dpkg-query", "ar"):
        if not shutil.which(tool):
            print("no %s: skipped (Debian: gcc, ninja-build, dpkg, binutils)" % tool)
            return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    c = common.Checker("test_compile_deps")

    depfile_oracle(c, driver, work)

    # a project: two sources, a project header, a header outside it in no
    # package, jansson's header (libjansson-dev, which the build needs), a
    # static archive of the project, linked statically with libm
    proj = os.path.join(work, "proj")
    vend = os.path.join(work, "vendor-inc")
    common.write_files(proj, {
        "include/app.h": "int helper(int);\n",
        "main.c": '#include <math.h>\n#include <stdio.h>\n#include "app.h"\n#include "outside.h"\n'
                  'int main(int c, char **v) { (void)v; printf("%d\\n", helper(c) + (int)sqrt((double)c) + OUTSIDE);'
                  ' return 0; }\n',
        "helper.c": '#include <jansson.h>\n#include "app.h"\nint helper(int x) { return x + JANSSON_MAJOR_VERSION; }\n',
    })
    common.write_files(vend, {"outside.h": "#define OUTSIDE 3\n"})

    def sh(cmd, what):
        r = subprocess.run(cmd, cwd=proj, capture_output=True, text=True, timeout=300)
        c.eq("%s (%s)" % (what, r.stderr[-300:]), r.returncode, 0)
        return r

    # -MMD leaves out system headers (<math.h>), -MD keeps them (<jansson.h> and what it includes)
    sh(["gcc", "-MMD", "-Iinclude", "-I" + vend, "-c", "main.c", "-o", "main.o"], "cc main.c")
    sh(["gcc", "-MD", "-Iinclude", "-c", "helper.c", "-o", "helper.o"], "cc helper.c")
    sh(["ar", "rcs", "libhelper.a", "helper.o"], "ar")
    r = sh(["gcc", "-static", "-o", "app", "main.o", "-L.", "-lhelper", "-lm", "-Wl,-Map=app.map", "-Wl,--trace"],
           "static link with a map and --trace")
    with open(os.path.join(proj, "trace.txt"), "w") as f:
        f.write(r.stdout + r.stderr)

    def cdeps(*args, cwd=proj):
        return common.run([exe, "compile-deps"] + list(args), timeout=300, cwd=cwd)

    p = cdeps("--json", "main.d", "helper.d", "--map", "app.map")
    c.eq("json: exit 0 (%s)" % p.stderr.strip(), p.returncode, 0)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        doc = None
        c.fail("json: not JSON: " + p.stdout[:300])
    if doc:
        common.check_schema(c, "compile-deps.json", doc)
        files = {f["path"]: f for f in doc["files"] if f["role"] != "needed"}
        c.eq("json: the package database is dpkg", doc["package_db"], "dpkg")
        c.eq("json: two units", [(u["target"], os.path.basename(u["source"])) for u in doc["units"]],
             [("main.o", "main.c"), ("helper.o", "helper.c")])
        # attribution against dpkg-query -S
        outside = {p_: f for p_, f in files.items() if not p_.startswith(proj + "/")}
        owners = dpkg_owner(outside)
        wrong = [(p_, f["package"], owners[p_]) for p_, f in outside.items()
                 if f["package"] != owners[p_] and not (f["package"] and owners[p_] is None)]
        c.eq("every file outside the project: the package dpkg-query -S names", wrong, [])
        # a package found through a symlink dpkg does not list (merged /usr): dpkg must know the real file
        via_link = [(p_, f["package"]) for p_, f in outside.items() if f["package"] and owners[p_] is None and
                    dpkg_owner([os.path.realpath(p_)])[os.path.realpath(p_)] != f["package"]]
        c.eq("found through a symlink: dpkg-query -S names the real file's package", via_link, [])
        c.true("dpkg-query -S names most of them", sum(1 for v in owners.values() if v) >= 20, owners)
        c.eq("the project's files are the project's",
             sorted(os.path.relpath(p_, proj) for p_, f in files.items() if f["origin"] == "project"),
             sorted(["main.c", "helper.c", "include/app.h", "libhelper.a", "main.o"]))
        c.eq("the header outside the project in no package: unknown",
             (files.get(os.path.join(vend, "outside.h")) or {}).get("origin"), "unknown")
        c.eq("jansson.h: libjansson-dev", (files.get("/usr/include/jansson.h") or {}).get("package"),
             "libjansson-dev")
        # the map against --trace and ar t
        mp = common.run([driver, "--map", os.path.join(proj, "app.map")], timeout=60)
        tr = common.run([driver, "--trace", os.path.join(proj, "trace.txt")], timeout=60)
        try:
            mp, tr = json.loads(mp.stdout), json.loads(tr.stdout)
        except ValueError:
            mp = tr = []
            c.fail("depfile-driver: the map or the trace not read")
        c.eq("the map's inputs are --trace's",
             sorted({clean(os.path.join(proj, x["path"])) for x in mp if x["kind"] in ("object", "archive", "shared")}),
             sorted({clean(os.path.join(proj, x["path"])) for x in tr}))
        members = {}
        for x in mp:
            if x["kind"] == "member":
                members.setdefault(clean(os.path.join(proj, x["path"])), set()).add(x["member"])
        c.true("the map names members of libc.a and of the project's archive",
               any(a.endswith("/libc.a") for a in members) and os.path.join(proj, "libhelper.a") in members,
               list(members))
        for a, ms in members.items():
            with open(a, "rb") as f:
                if f.read(8) != b"!<arch>\n":
                    continue   # a linker script
            r = subprocess.run(["ar", "t", a], capture_output=True, text=True)
            c.eq("%s: every member the map names is in ar t" % a, sorted(ms - set(r.stdout.split())), [])
        arch = {p_: f.get("members") for p_, f in files.items() if f["role"] == "archive"}
        c.eq("archives: members counted as the map names them",
             {a: len(ms) for a, ms in members.items()}, {a: n for a, n in arch.items() if n})

    # text
    p = cdeps("main.d", "helper.d", "--map", "app.map")
    c.true("text: per origin, the archives linked in",
           p.returncode == 0 and "libc6-dev" in p.stdout and "static archives linked in:" in p.stdout and
           "libhelper.a  (project)  1 member" in p.stdout, p.stdout)

    # the policy
    pol = os.path.join(work, "policy.json")
    with open(pol, "w") as f:
        json.dump({"name": "build-gate", "allowed_header_packages": ["libc6-dev", "linux-libc-dev", "libgcc-*-dev"],
                   "allowed_static_archives": ["libc.a", "libgcc*.a"]}, f)
    p = cdeps("main.d", "helper.d", "--map", "app.map", "--policy", pol)
    c.eq("policy: exit 1", p.returncode, 1)
    lines = [l.strip() for l in p.stdout.splitlines() if l.startswith("  allowed_")]
    c.true("policy: jansson.h is not allowed, included in the build of helper.c (helper.o)",
           any(l.startswith("allowed_header_packages: /usr/include/jansson.h (libjansson-dev) is not an allowed "
                            "header: included in the build of %s/helper.c (helper.o)" % proj) for l in lines), lines)
    c.true("policy: outside.h in no package is not allowed",
           any(("%s (in no package) is not an allowed header" % os.path.join(vend, "outside.h")) in l for l in lines),
           lines)
    c.true("policy: libm's archive is not allowed, with the member and why",
           any(l.startswith("allowed_static_archives: ") and "libm" in l and "member" in l for l in lines), lines)
    c.eq("policy: the project's archive is allowed", [l for l in lines if "libhelper.a" in l], [])
    with open(pol, "w") as f:
        json.dump({"allowed_header_packages": ["libc6-dev", "linux-libc-dev", "libgcc-*-dev", "libjansson-dev"],
                   "allowed_include_dirs": [vend], "allowed_static_archives": ["libc.a", "libgcc*.a", "libm*.a",
                                                                               "libmvec.a"]}, f)
    p = cdeps("main.d", "helper.d", "--map", "app.map", "--policy", pol)
    c.eq("policy that allows it all: exit 0 (%s)" % p.stdout[-400:], p.returncode, 0)
    with open(pol, "w") as f:
        f.write('{"allowed_include_dirs": ["usr/include"]}')
    p = cdeps("main.d", "--policy", pol)
    c.true("policy: a relative include dir is refused, exit 2", p.returncode == 2 and "absolute" in p.stderr, p.stderr)

    # graphs: every edge between declared nodes
    for g in ("dot", "mermaid"):
        p = cdeps("main.d", "helper.d", "--map", "app.map", "--graph", g)
        out = p.stdout
        import re
        if g == "dot":
            nodes = set(re.findall(r"^  (\w+) \[label=", out, re.M))
            edges = re.findall(r"^  (\w+) -> (\w+)", out, re.M)
            ok = out.startswith("digraph compile_deps {") and out.rstrip().endswith("}")
        else:
            nodes = set(re.findall(r'^  (\w+)\["', out, re.M))
            edges = re.findall(r"^  (\w+) -->(?:\|[^|]*\|)? (\w+)", out, re.M)
            ok = out.startswith("flowchart LR")
        c.true("--graph %s: a graph, every edge between declared nodes" % g,
               p.returncode == 0 and ok and edges and all(a in nodes and b in nodes for a, b in edges), out[:500])
        c.true("--graph %s: the units reach libc6-dev" % g, "libc6-dev" in out and "main.o" in out, out[:300])

    # bad input: one line, exit 2, the rest still read
    with open(os.path.join(proj, "junk.map"), "w") as f:
        f.write("hello\nworld\n")
    p = cdeps("main.d", "--map", "junk.map", "nothere.d")
    c.true("bad input: a line each, exit 2, main.d still read",
           p.returncode == 2 and "shipready: junk.map: not a GNU linker map" in p.stderr and
           "shipready: nothere.d: " in p.stderr and "compile-deps: 1 unit" in p.stdout, p.stdout + p.stderr)

    cgo(c, exe, work)
    return c.report()


def cgo(c, exe, work):
    go = shutil.which("go")
    if not go:
        print("no go: the cgo case skipped")
        return
    mod = os.path.join(work, "cg")
    common.write_files(mod, {
        "go.mod": "module example.com/cg\n\ngo 1.18\n",
        "local.h": "#define LOCAL 1\n",
        "main.go": 'package main\n\n// #include <stdio.h>\n// #include <math.h>\n// #include "local.h"\n'
                   '// #cgo LDFLAGS: -lm\n// static double root(double x) { return sqrt(x) + LOCAL; }\nimport "C"\n\n'
                   'import "fmt"\n\nfunc main() { fmt.Println(float64(C.root(16))) }\n',
    })
    env = dict(os.environ, CGO_ENABLED="1", CGO_CFLAGS="-MD", GOFLAGS="-mod=mod", GOCACHE=os.path.join(work, "gocache"),
               GOPATH=os.path.join(work, "gopath"), HOME=work, GOTOOLCHAIN="local", GOPROXY="off")
    mp = os.path.join(work, "cg.map")
    r = subprocess.run([go, "build", "-work", "-buildvcs=false", "-ldflags=-extldflags=-Wl,-Map=" + mp, "-o",
                        os.path.join(work, "cgprog"), "."], cwd=mod, env=env, capture_output=True, text=True,
                       timeout=600)
    if not c.eq("cgo: go build -work (%s)" % r.stderr[-300:], r.returncode, 0):
        return
    wk = [l.split("=", 1)[1] for l in r.stderr.splitlines() if l.startswith("WORK=")]
    deps = []
    for d in wk and [os.path.join(wk[0], "b001")] or []:
        deps = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".d"))
    c.true("cgo: the main package's depfiles are in WORK/b001", len(deps) >= 2, deps)
    p = common.run([exe, "compile-deps", "--json", "--map", mp] + deps, timeout=300, cwd=mod)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        c.fail("cgo: not JSON: " + p.stdout[:200] + p.stderr[:200])
        return
    files = {f["path"]: f for f in doc["files"]}
    c.eq("cgo: local.h is the project's", (files.get(os.path.join(mod, "local.h")) or {}).get("origin"), "project")
    c.eq("cgo: stdio.h is libc6-dev's", (files.get("/usr/include/stdio.h") or {}).get("package"), "libc6-dev")
    c.true("cgo: the map says libm.so.6 was needed", "libm.so.6" in files, sorted(files)[:20])
    shutil.rmtree(wk[0], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
