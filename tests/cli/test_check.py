#!/usr/bin/env python3
"""shipready check: verdicts against database targets and small real roots.

    python3 tests/cli/test_check.py SHIPREADY FIXTURE_DIR

- The symbol-version verdicts of the machine's own binaries against every
  glibc target of the database equal what readelf's version needs say: a
  binary fails on a target exactly when its highest GLIBC_ (or GLIBCXX_,
  CXXABI_) need is above what the target provides, and the message names
  that version as ld.so would.
- Formats, architectures and C libraries: PE and Mach-O fail everywhere with
  Exec format error; an arm64 program fails on an x86_64 machine and not on
  an arm64 one; a musl program fails on glibc systems (missing interpreter)
  and runs on Alpine; a glibc program fails on Alpine and on scratch.
- Real roots (dir:PATH): an empty root, and a root holding only this
  machine's loader and libc.so.6: the verdicts equal what `chroot ROOT PROG`
  does (exit status and error class).
- The JSON validates against docs/schema/check.json; exit statuses 0/1/2.
(tests/cli/test_check_reality.py does the full matrix against debootstrap
roots.)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

SCHEMA = os.path.join(common.REPO, "docs", "schema", "check.json")
DATA = os.path.join(common.REPO, "data", "targets.json")


def check_json(exe, args, timeout=120):
    p = common.run([exe, "check", "--json"] + args, timeout=timeout)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        doc = None
    return p, doc


def vkey(v):
    return tuple(int(x) for x in re.findall(r"\d+", v))


def results_by_target(binary):
    return {r["target"]: r for r in binary["results"]}


def fails_of(result, kind):
    return [f for f in result["findings"] if f["severity"] == "fail" and f["kind"] == kind]


def main():
    exe, fixdir = sys.argv[1], sys.argv[2]
    common.fixtures(fixdir)
    ck = common.Checker("cli-check")
    import jsonschema
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    with open(DATA) as f:
        db = {t["name"]: t for t in json.load(f)["targets"]}
    glibc_targets = [n for n, t in db.items() if t["libc"]["family"] == "glibc" and t["libc"]["version"]]

    # ---- symbol versions of real binaries vs readelf, on every glibc target
    cands = []
    for d in ("/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu"):
        for name in sorted(os.listdir(d)):
            p = os.path.join(d, name)
            if os.path.isfile(p) and not os.path.islink(p):
                with open(p, "rb") as fh:
                    if fh.read(4) == b"\x7fELF":
                        cands.append(p)
    cands = cands[:150]
    oracle = common.readelf_dyn_ver(cands)
    p, doc = check_json(exe, ["--target", ",".join(glibc_targets)] + cands, timeout=300)
    ck.true("check --json over %d system files parses" % len(cands), doc is not None, p.stderr[-500:])
    compared = 0
    if doc:
        for e in common.schema_errors(validator, doc)[:20]:
            ck.fail("schema: " + e)
        for b in doc["binaries"]:
            facts = oracle.get(b["path"])
            if facts is None:
                continue
            res = results_by_target(b)
            for tname in glibc_targets:
                t = db[tname]
                provides = {"GLIBC": t["libc"]["version"], "GLIBCXX": t["glibcxx_max"],
                            "CXXABI": t["cxxabi_max"]}
                # every required version above the target's, as ldd lists
                # them all (readelf's verneed is the oracle)
                want = set()
                for fname, vers in facts["verneed"]:
                    for v in vers:
                        m = re.fullmatch(r"(GLIBC|GLIBCXX|CXXABI)_([0-9.]+)", v[0])
                        if m and provides.get(m.group(1)) and vkey(m.group(2)) > vkey(provides[m.group(1)]):
                            want.add(v[0])
                got = set()
                for f in fails_of(res[tname], "symbol-version"):
                    m = re.search(r"version [`']((?:GLIBC|GLIBCXX|CXXABI)_[0-9.]+)' not found", f.get("message", ""))
                    ck.true("%s on %s: symbol-version message names the version" % (b["path"], tname),
                            m is not None, f.get("message", ""))
                    if m:
                        got.add(m.group(1))
                        # glibc 2.37 changed `x' to 'x'
                        old = vkey(t["libc"]["version"]) < (2, 37)
                        ck.true("%s on %s: quote style" % (b["path"], tname),
                                ("`" in f["message"]) == old, f["message"])
                ck.eq("%s on %s: versions not found" % (b["path"], tname), got, want)
                if want:
                    ck.eq("%s on %s: verdict" % (b["path"], tname), res[tname]["verdict"], "fails")
                compared += 1
    ck.true("compared symbol versions of many binaries × targets", compared > 500, str(compared))

    # ---- formats, architectures, C libraries
    F = lambda n: os.path.join(fixdir, n)  # noqa: E731
    pe = sorted(os.path.join(fixdir, "pe", n) for n in os.listdir(F("pe")) if n.endswith(".exe"))[:3]
    macho = sorted(os.path.join(fixdir, "macho", n) for n in os.listdir(F("macho"))
                   if not n.endswith((".log", ".tbd", ".c", ".o")) and os.path.isfile(os.path.join(fixdir, "macho", n)))[:2]
    p, doc = check_json(exe, ["--target", "debian-12,alpine-3.22,scratch"] + pe + macho)
    ck.true("PE/Mach-O: check --json parses", doc is not None, p.stderr)
    if doc:
        ck.eq("PE/Mach-O: exit status", p.returncode, 1)
        for b in doc["binaries"]:
            for r in b["results"]:
                fx = fails_of(r, "exec-format")
                ck.true("%s on %s: exec-format failure" % (b["path"], r["target"]),
                        r["verdict"] == "fails" and fx and fx[0].get("message") == "Exec format error",
                        json.dumps(r)[:300])

    p, doc = check_json(exe, ["--target", "debian-12/x86_64,debian-12/arm64,dir:/", F("go-arm64"), F("go-amd64")])
    if ck.true("arch: check --json parses", doc is not None, p.stderr):
        res = {b["path"]: results_by_target(b) for b in doc["binaries"]}
        arm, amd = res[F("go-arm64")], res[F("go-amd64")]
        ck.true("go-arm64 on debian-12/x86_64 fails with exec-format",
                fails_of(arm["debian-12/x86_64"], "exec-format") != [], json.dumps(arm["debian-12/x86_64"]))
        ck.eq("go-arm64 on debian-12/arm64", fails_of(arm["debian-12/arm64"], "exec-format"), [])
        ck.eq("go-amd64 on debian-12/x86_64 verdict", amd["debian-12/x86_64"]["verdict"], "runs")
        ck.true("go-amd64 on debian-12/arm64 fails", fails_of(amd["debian-12/arm64"], "exec-format") != [])
        host = os.uname().machine
        if host == "x86_64" and not os.path.exists("/proc/sys/fs/binfmt_misc/qemu-aarch64"):
            ck.true("go-arm64 on this machine (dir:/) fails with exec-format",
                    fails_of(arm["dir:/"], "exec-format") != [])

    p, doc = check_json(exe, ["--target", "debian-12,alpine-3.22,scratch,centos-7",
                              F("musl-dynamic"), F("c-static"), F("c-pie")])
    if ck.true("libc: check --json parses", doc is not None, p.stderr):
        res = {b["path"]: results_by_target(b) for b in doc["binaries"]}
        m = res[F("musl-dynamic")]
        for t in ("debian-12", "centos-7", "scratch"):
            f = fails_of(m[t], "interpreter")
            ck.true("musl-dynamic on %s: interpreter failure" % t,
                    f and f[0]["message"] == "No such file or directory", json.dumps(m[t])[:300])
        ck.eq("musl-dynamic on alpine-3.22", m["alpine-3.22"]["verdict"], "runs")
        g = res[F("c-pie")]
        for t in ("alpine-3.22", "scratch"):
            ck.true("c-pie (glibc) on %s: interpreter failure" % t, fails_of(g[t], "interpreter") != [])
        ck.eq("c-pie on debian-12", g["debian-12"]["verdict"], "runs")
        s = res[F("c-static")]
        for t in ("debian-12", "alpine-3.22", "scratch", "centos-7"):
            ck.eq("c-static on %s" % t, s[t]["verdict"], "runs")
        for b in doc["binaries"]:
            if b["path"] == F("c-static"):
                ck.eq("c-static runtimes", b["runtimes"], [])
            if b["path"] == F("c-pie"):
                names = [r["name"] for r in b["runtimes"]]
                ck.true("c-pie runtimes name glibc and the loader",
                        "glibc" in names and "dynamic loader" in names, str(names))

    # ---- real roots: verdict == chroot outcome
    tmp = tempfile.mkdtemp(prefix="sr-check-")
    try:
        empty = os.path.join(tmp, "empty")
        mini = os.path.join(tmp, "mini")
        os.makedirs(empty)
        libdir = os.path.join(mini, "lib", "x86_64-linux-gnu")
        os.makedirs(libdir)
        os.makedirs(os.path.join(mini, "lib64"))
        shutil.copy("/lib/x86_64-linux-gnu/libc.so.6", libdir)
        shutil.copy("/lib64/ld-linux-x86-64.so.2", os.path.join(mini, "lib64"))
        progs = [F("c-static"), F("c-pie"), F("musl-dynamic"), F("musl-static"), "/bin/ls"]
        p, doc = check_json(exe, ["--target", "dir:%s,dir:%s" % (empty, mini)] + progs)
        if ck.true("roots: check --json parses", doc is not None, p.stderr):
            for e in common.schema_errors(validator, doc)[:20]:
                ck.fail("schema: " + e)
            ck.eq("roots: exit status (some fail)", p.returncode, 1)
            can_chroot = os.geteuid() == 0
            for b in doc["binaries"]:
                for r in b["results"]:
                    root = r["target"][4:]
                    inside = os.path.join(root, "prog")
                    shutil.copy(b["path"], inside)
                    os.chmod(inside, 0o755)
                    if not can_chroot:
                        continue
                    run = common.run(["chroot", root, "/prog", "--version"], timeout=20)
                    os.unlink(inside)
                    err = run.stderr
                    if "error while loading shared libraries" in err:
                        real = "library"
                    elif run.returncode == 127 and "No such file or directory" in err:
                        real = "interpreter"
                    elif run.returncode == 126:
                        real = "exec-format"
                    else:
                        real = "runs"
                    fails = [f for f in r["findings"] if f["severity"] == "fail"]
                    pred = fails[0]["kind"] if fails else "runs"
                    ck.eq("%s in %s: predicted vs chroot (%s)" % (b["path"], root, err.strip()[:120]),
                          pred, real)
                    if real == "library":
                        lib = re.search(r"libraries: (\S+):", err).group(1)
                        ck.true("%s in %s: the missing library is named" % (b["path"], root),
                                any(lib in (f.get("message") or "") for f in fails), lib)
            if not can_chroot:
                print("note: not root, chroot comparison skipped")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # ---- exit statuses and errors
    p = common.run([exe, "check", F("c-pie")], timeout=60)
    ck.eq("default targets: exit 0 even where one fails (not requested)", p.returncode, 0)
    ck.true("default targets: matrix header", p.stdout.startswith("FILE") and "scratch" in p.stdout.splitlines()[0],
            p.stdout[:200])
    ck.true("no colour words without a TTY", "FAIL" in p.stdout and "✗" not in p.stdout)
    p = common.run([exe, "check", "--target", "scratch", F("c-pie")], timeout=60)
    ck.eq("requested failing target: exit 1", p.returncode, 1)
    p = common.run([exe, "check", "--target", "debian-12", F("c-pie")], timeout=60)
    ck.eq("requested passing target: exit 0", p.returncode, 0)
    p = common.run([exe, "check", "--target", "no-such-distro", F("c-pie")], timeout=60)
    ck.eq("unknown target: exit 2", p.returncode, 2)
    ck.true("unknown target: one error line", re.fullmatch(r"shipready: no-such-distro: unknown target 'no-such-distro'"
                                                           r" \(see 'shipready targets'\)\n", p.stderr), p.stderr)
    p = common.run([exe, "check", "--target", "dir:/nonexistent-root", F("c-pie")], timeout=60)
    ck.eq("missing root: exit 2", p.returncode, 2)
    p = common.run([exe, "check", "--arch", "vax", F("c-pie")], timeout=60)
    ck.eq("unknown --arch: exit 2", p.returncode, 2)
    p, doc = check_json(exe, ["--target", "debian-12", "/nonexistent", F("c-static")])
    ck.eq("bad input: exit 2", p.returncode, 2)
    ck.true("bad input: the other file is still judged",
            doc is not None and len(doc["binaries"]) == 1 and len(doc["errors"]) == 1, p.stdout[:300])
    ck.true("bad input: stderr line", p.stderr.startswith("shipready: /nonexistent: "), p.stderr)

    # ---- policies
    p = common.run([exe, "check", "--policy", "portable-glibc-2.17", F("c-pie"), F("c-static")], timeout=60)
    ck.eq("portable-glibc-2.17 on a glibc 2.34 program: exit 1", p.returncode, 1)
    lines = p.stdout.splitlines()
    ck.true("portable-glibc-2.17: the version violation with its evidence",
            any(re.match(r"FAIL %s: max_symbol_versions: GLIBC_2\.34 > 2\.17 " % re.escape(F("c-pie")), ln)
                for ln in lines), p.stdout[-800:])
    ck.true("portable-glibc-2.17: centos-7 must pass",
            any("targets_must_pass: must run on centos-7" in ln for ln in lines), p.stdout[-800:])
    ck.true("portable-glibc-2.17: the static program has no violation",
            not any(ln.startswith("FAIL %s:" % F("c-static")) for ln in lines), p.stdout[-800:])
    ck.true("violations counted", re.search(r"^\d+ violations?$", p.stdout, re.M) is not None, p.stdout[-200:])
    p = common.run([exe, "check", "--policy", "static-only", F("c-static"), F("c-static-pie")], timeout=60)
    ck.eq("static-only on static programs: exit 0", p.returncode, 0)
    ck.true("static-only: no targets, no matrix", not p.stdout.startswith("FILE") and "0 violations" in p.stdout,
            p.stdout)
    p, doc = check_json(exe, ["--policy", "static-only", F("c-pie")])
    ck.eq("static-only on a dynamic program: exit 1", p.returncode, 1)
    if ck.true("policy JSON parses", doc is not None, p.stderr):
        for e in common.schema_errors(validator, doc)[:20]:
            ck.fail("schema (policy): " + e)
        v = doc["binaries"][0].get("policy", {}).get("violations", [])
        ck.true("static-only: a linkage violation", any(x["rule"] == "linkage" for x in v), json.dumps(v))
        ck.eq("policy name in the document", doc.get("policy", {}).get("name"), "static-only")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as pf:
        pf.write('{\n  "requre_pie": true\n}\n')
    try:
        p = common.run([exe, "check", "--policy", pf.name, F("c-pie")], timeout=60)
        ck.eq("bad policy file: exit 2", p.returncode, 2)
        ck.true("bad policy file: LINE:COLUMN in one line",
                re.fullmatch(r"shipready: %s: 2:3: unknown key \"requre_pie\".*\n" % re.escape(pf.name), p.stderr),
                p.stderr)
    finally:
        os.unlink(pf.name)
    p = common.run([exe, "check", "--policy", "no-such-policy", F("c-pie")], timeout=60)
    ck.eq("unknown policy: exit 2", p.returncode, 2)
    # a database target named without an architecture is the program's own
    # (issue 18, finding 7): debian-12 = debian-12/arm64 for an arm64 program
    for prog, arch in ((F("go-arm64"), "arm64"), (F("go-amd64"), "x86_64")):
        p, doc = check_json(exe, ["--target", "debian-12,debian-12/%s,debian-11" % arch, prog])
        if ck.true("%s: check --json parses" % prog, doc is not None, p.stderr):
            res = results_by_target(doc["binaries"][0])
            ck.eq("%s: debian-12 = debian-12/%s" % (prog, arch),
                  [(f["severity"], f["kind"], f["reason"]) for f in res["debian-12"]["findings"]],
                  [(f["severity"], f["kind"], f["reason"]) for f in res["debian-12/" + arch]["findings"]])
            ck.eq("%s on debian-12: runs" % prog, res["debian-12"]["verdict"], "runs")
    matrix_alignment(exe, ck)
    foreign_root(exe, ck)
    carried_libraries(exe, ck)
    libc_objects(exe, ck)
    glibc_addon_on_musl(exe, ck)
    go_build_settings(exe, ck)
    return ck.report()


def carried_libraries(exe, ck):
    """An add-on whose library ships beside it (RUNPATH $ORIGIN/../lib, as
    npm's sharp does with libvips) is judged with that library: the
    library's own symbol versions fail an older glibc, where the add-on's
    own do not (issue 18, finding 4).  readelf is the oracle for which
    versions each needs."""
    d = tempfile.mkdtemp(prefix="sr-carried-")
    try:
        os.makedirs(os.path.join(d, "addon/build"))
        os.makedirs(os.path.join(d, "addon/lib"))
        lib_c, addon_c = os.path.join(d, "carried.c"), os.path.join(d, "addon.c")
        with open(lib_c, "w") as f:
            f.write('#include <dlfcn.h>\nvoid *carried(void) { return dlopen("libz.so.1", RTLD_LAZY); }\n')
        with open(addon_c, "w") as f:
            f.write('#include <stdio.h>\nvoid *carried(void);\nint addon(void) { puts("a"); return carried() != 0; }\n')
        lib = os.path.join(d, "addon/lib/libcarried.so")
        addon = os.path.join(d, "addon/build/addon.node")
        subprocess.run(["gcc", "-shared", "-fPIC", "-o", lib, "-Wl,-soname,libcarried.so", lib_c], check=True)
        subprocess.run(["gcc", "-shared", "-fPIC", "-o", addon, addon_c, "-L" + os.path.dirname(lib), "-lcarried",
                        "-Wl,--enable-new-dtags", "-Wl,-rpath,$ORIGIN/../lib"], check=True)
        ver = lambda path: set(re.findall(r"GLIBC_2\.[0-9]+", subprocess.run(  # noqa: E731
            ["readelf", "-V", "-W", path], stdout=subprocess.PIPE, text=True).stdout))
        lib_new = {v for v in ver(lib) if vkey(v) > (2, 31)}
        ck.true("carried: the library needs a version above glibc 2.31 (readelf)", lib_new, str(ver(lib)))
        ck.true("carried: the add-on itself does not", not {v for v in ver(addon) if vkey(v) > (2, 31)},
                str(ver(addon)))
        p, doc = check_json(exe, ["--target", "debian-11,debian-12", addon])
        if not ck.true("carried: check --json parses", doc is not None, p.stderr):
            return
        res = results_by_target(doc["binaries"][0])
        fails = {m.group(1) for f in fails_of(res["debian-11"], "symbol-version")
                 for m in [re.search(r"version [`']([^']+)' not found \(required by (.*)\)", f.get("message", ""))] if m
                 and os.path.realpath(m.group(2)) == os.path.realpath(lib)}
        ck.eq("carried on debian-11: the library's versions fail, required by the library", fails, lib_new)
        ck.eq("carried on debian-11: verdict", res["debian-11"]["verdict"], "fails")
        ck.eq("carried on debian-12: verdict", res["debian-12"]["verdict"], "runs")
        ck.eq("carried: no 'not part of the base system' for the carried library",
              [f["reason"] for r in res.values() for f in r["findings"]
               if f["kind"] == "library" and f["severity"] != "info"], [])
    finally:
        shutil.rmtree(d, ignore_errors=True)


def libc_objects(exe, ck):
    """What a database target's C library installs comes from data/libc.json:
    glibc's libc_malloc_debug.so.0 exists from 2.34 on (glibc NEWS; this
    host's glibc has it), so a program that needs it runs on debian-12 and
    debian-11 (2.31) lacks it; musl's loader answers every lib{c,pthread,rt,
    m,dl,util,xnet}.* with itself, as the loader model's musl rule does
    (libutil.so.1 was judged missing on Alpine before)."""
    d = tempfile.mkdtemp(prefix="sr-libcobj-")
    try:
        src = os.path.join(d, "p.c")
        with open(src, "w") as f:
            f.write("int main(void) { return 0; }\n")
        dbg = os.path.join(d, "needs-malloc-debug")
        p = subprocess.run(["gcc", "-o", dbg, src, "-Wl,--no-as-needed", "-l:libc_malloc_debug.so.0"],
                           capture_output=True, text=True)
        if ck.true("libc objects: gcc links libc_malloc_debug.so.0", p.returncode == 0, p.stderr):
            p, doc = check_json(exe, ["--target", "debian-11,debian-12", dbg])
            if ck.true("libc objects: check --json parses", doc is not None, p.stderr):
                res = results_by_target(doc["binaries"][0])
                lib_findings = lambda t: [f["reason"] for f in res[t]["findings"]  # noqa: E731
                                          if f["kind"] == "library" and f["severity"] != "info"]
                ck.true("libc_malloc_debug.so.0 on debian-11 (glibc 2.31): a library finding",
                        any("libc_malloc_debug.so.0" in r for r in lib_findings("debian-11")), res["debian-11"])
                ck.eq("libc_malloc_debug.so.0 on debian-12 (glibc 2.36): part of its glibc",
                      lib_findings("debian-12"), [])
        stub_c = os.path.join(d, "stub.c")
        with open(stub_c, "w") as f:
            f.write("int stub_util(void) { return 1; }\n")
        stub = os.path.join(d, "libutil.so.1")
        musl = os.path.join(d, "needs-libutil-musl")
        p1 = subprocess.run(["musl-gcc", "-shared", "-fPIC", "-o", stub, "-Wl,-soname,libutil.so.1", stub_c],
                            capture_output=True, text=True)
        p2 = subprocess.run(["musl-gcc", "-o", musl, src, "-Wl,--no-as-needed", stub], capture_output=True, text=True)
        if ck.true("libc objects: musl-gcc links a program needing libutil.so.1", p1.returncode == 0 and
                   p2.returncode == 0, p1.stderr + p2.stderr):
            p, doc = check_json(exe, ["--target", "alpine-3.22", musl])
            if ck.true("libc objects: check --json parses (musl)", doc is not None, p.stderr):
                res = results_by_target(doc["binaries"][0])
                ck.eq("libutil.so.1 on alpine-3.22: musl's loader answers it",
                      [f["reason"] for f in res["alpine-3.22"]["findings"] if f["kind"] == "library"
                       and f["severity"] != "info"], [])
    finally:
        shutil.rmtree(d, ignore_errors=True)


def glibc_addon_on_musl(exe, ck):
    """A glibc add-on (no interpreter, needs libc.so.6) on an Alpine target:
    musl's loader answers libc.so.6 with itself, then fails on the first
    import it does not define (issue 18, finding 4: it was judged ok).  The
    oracle is musl's own loader on this machine: a musl program dlopens the
    add-on and prints dlerror().  The add-ons use symbols both musl releases
    of data/musl-symbols.json agree on, so the target's release does not
    decide the answer."""
    d = tempfile.mkdtemp(prefix="sr-muslsym-")
    try:
        loader_c = os.path.join(d, "load.c")
        with open(loader_c, "w") as f:
            f.write('#include <dlfcn.h>\n#include <stdio.h>\nint main(int argc, char **argv) {\n'
                    '  void *h = dlopen(argv[1], RTLD_NOW);\n  if (!h) { printf("%s\\n", dlerror()); return 1; }\n'
                    '  puts("loaded"); return 0;\n}\n')
        loader = os.path.join(d, "load")
        p = subprocess.run(["musl-gcc", "-o", loader, loader_c], capture_output=True, text=True)
        if not ck.true("musl symbols: musl-gcc builds the dlopen program", p.returncode == 0, p.stderr):
            return
        src = os.path.join(d, "a.c")
        with open(src, "w") as f:
            f.write('#include <stdio.h>\n#include <string.h>\n'
                    'int addon(const char *s) { char b[64]; strcpy(b, s); printf("%s %zu\\n", b, strlen(b)); '
                    'return 0; }\n')
        for name, flags in (("fortified", ["-O2", "-D_FORTIFY_SOURCE=2"]), ("plain", ["-O0", "-U_FORTIFY_SOURCE"])):
            addon = os.path.join(d, name + ".node")
            p = subprocess.run(["gcc", "-shared", "-fPIC", "-o", addon, src] + flags, capture_output=True, text=True)
            if not ck.true("musl symbols: gcc builds the %s add-on" % name, p.returncode == 0, p.stderr):
                continue
            real = subprocess.run([loader, addon], capture_output=True, text=True, timeout=30)
            loads = real.returncode == 0
            m = re.search(r"Error relocating [^:]+: ([^:]+): symbol not found", real.stdout)
            ck.true("musl symbols: %s: musl's loader either loads it or names the symbol" % name,
                    loads or m, real.stdout + real.stderr)
            p, doc = check_json(exe, ["--target", "alpine-3.18,alpine-3.22", addon])
            if not ck.true("musl symbols: %s: check --json parses" % name, doc is not None, p.stderr):
                continue
            for target, r in results_by_target(doc["binaries"][0]).items():
                fails = [f for f in r["findings"] if f["kind"] == "symbol" and f["severity"] == "fail"]
                ck.eq("musl symbols: %s on %s: fails exactly when musl's loader does" % (name, target),
                      bool(fails), not loads)
                if m and fails:
                    ck.true("musl symbols: %s on %s: the symbol musl names is among those check names"
                            % (name, target), m.group(1) in fails[0]["reason"], (m.group(1), fails[0]["reason"]))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def foreign_root(exe, ck):
    """A root of another architecture (an arm64 sysroot, judged on this
    x86_64 machine) has the machine of its own C library: an arm64 program
    runs there, an x86_64 one is the Exec format error (issue 18, finding
    8).  The root is Debian's arm64 cross C library (libc6-arm64-cross); where
    qemu-aarch64 is installed the program is also run in it."""
    import shutil
    cross = "/usr/aarch64-linux-gnu/lib"
    if not shutil.which("aarch64-linux-gnu-gcc") or not os.path.exists(cross + "/libc.so.6"):
        print("note: no aarch64 cross compiler and C library: the foreign-root check is skipped")
        return
    d = tempfile.mkdtemp(prefix="sr-a64root-")
    try:
        root = os.path.join(d, "root")
        os.makedirs(os.path.join(root, "lib/aarch64-linux-gnu"))
        shutil.copy(cross + "/libc.so.6", os.path.join(root, "lib/aarch64-linux-gnu/libc.so.6"))
        shutil.copy(cross + "/ld-linux-aarch64.so.1", os.path.join(root, "lib/ld-linux-aarch64.so.1"))
        src = os.path.join(d, "hello.c")
        with open(src, "w") as f:
            f.write('#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n')
        a64, x64 = os.path.join(d, "hello-arm64"), os.path.join(d, "hello-x86_64")
        subprocess.run(["aarch64-linux-gnu-gcc", "-O1", "-o", a64, src], check=True)
        subprocess.run(["gcc", "-O1", "-o", x64, src], check=True)
        p, doc = check_json(exe, ["--target", "dir:" + root, a64, x64])
        if not ck.true("foreign root: check --json parses", doc is not None, p.stderr):
            return
        by = {os.path.basename(b["path"]): b["results"][0] for b in doc["binaries"]}
        ck.eq("arm64 program in the arm64 root: verdict", by["hello-arm64"]["verdict"], "runs")
        ck.eq("arm64 root: no exec-format finding for the arm64 program",
              [f["reason"] for f in by["hello-arm64"]["findings"] if f["kind"] == "exec-format"], [])
        ck.eq("x86_64 program in the arm64 root: verdict", by["hello-x86_64"]["verdict"], "fails")
        ck.true("x86_64 program in the arm64 root: Exec format error, the machine is aarch64",
                any(f.get("message") == "Exec format error" and "aarch64" in f["reason"]
                    for f in by["hello-x86_64"]["findings"]), json.dumps(by["hello-x86_64"]["findings"])[:400])
        qemu = shutil.which("qemu-aarch64") or shutil.which("qemu-aarch64-static")
        if qemu:
            r = subprocess.run([qemu, "-L", root, a64], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
            ck.eq("qemu-aarch64 runs the arm64 program in the root", (r.returncode, r.stdout), (0, b"hello\n"))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def display_width(text):
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


def matrix_alignment(exe, ck):
    """The verdict matrix stays aligned for any file name: short, at the
    column's limit, longer (its own line), wide characters."""
    d = tempfile.mkdtemp(prefix="sr-matrix-")
    try:
        names = ["a", "x" * 40, "y" * 48, "z" * 49, "deep/" * 12 + "basename", "名前" * 10, "n" * 80]
        paths = []
        for n in names:
            path = os.path.join(d, n)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            shutil.copy("/bin/true", path)
            paths.append(path)
        targets = ["debian-11", "centos-7", "alpine-3.22"]
        p = common.run([exe, "check", "--target", ",".join(targets)] + paths, timeout=60)
        lines = p.stdout.split("\n\n")[0].splitlines()
        head = lines[0]
        cols = [head.index(t) for t in targets]
        rows = []
        i = 1
        while i < len(lines):
            line = lines[i]
            # a name too long for the column stands alone; its verdicts follow
            if not re.search(r"\b(ok|FAIL|warn|\?)\s*$", line):
                ck.true("matrix: a long name's verdicts follow on the next line", i + 1 < len(lines), line)
                rows.append(lines[i + 1] if i + 1 < len(lines) else "")
                i += 2
            else:
                rows.append(line)
                i += 1
        ck.eq("matrix: one row per file", len(rows), len(paths))
        for row in rows:
            words = [(m.start(), m.group()) for m in re.finditer(r"\S+", row)][-len(targets):]
            # the verdict words start where their target's header starts (display columns)
            got = [display_width(row[:at]) for at, _ in words]
            ck.eq("matrix aligned: %r" % row[:60], got, cols)
    finally:
        shutil.rmtree(d, ignore_errors=True)



def go_build_settings(exe, ck):
    """require_trimpath and require_vcs_clean on real Go builds: a module in
    a git repository built clean with -trimpath, then with an uncommitted
    change and without it.  The oracle is the build settings `go version -m`
    prints for the same files."""
    go, git = shutil.which("go"), shutil.which("git")
    if not ck.true("go and git are installed (make test installs golang-go and git)", go and git, ""):
        return
    with tempfile.TemporaryDirectory() as work:
        mod = os.path.join(work, "app")
        os.makedirs(mod)
        env = dict(os.environ, GOCACHE=os.path.join(work, "cache"), GOPATH=os.path.join(work, "gopath"),
                   GOFLAGS="", GOPROXY="off", GO111MODULE="on", CGO_ENABLED="0", HOME=work,
                   GIT_CONFIG_NOSYSTEM="1")
        with open(os.path.join(mod, "go.mod"), "w") as f:
            f.write("module example.com/app\n\ngo 1.18\n")
        with open(os.path.join(mod, "main.go"), "w") as f:
            f.write('package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n')

        def run(cmd):
            return subprocess.run(cmd, cwd=mod, env=env, capture_output=True, text=True, timeout=600)
        for cmd in (["git", "init", "-q"], ["git", "add", "."],
                    ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "one"]):
            r = run(cmd)
            if not ck.eq("go build settings: %s" % " ".join(cmd[:2]), r.returncode, 0):
                return
        clean, dirty = os.path.join(work, "clean"), os.path.join(work, "dirty")
        r = run([go, "build", "-trimpath", "-o", clean, "."])
        if not ck.eq("go build settings: clean build", r.returncode, 0):
            return
        with open(os.path.join(mod, "main.go"), "a") as f:
            f.write("\n// changed\n")
        r = run([go, "build", "-o", dirty, "."])
        if not ck.eq("go build settings: dirty build", r.returncode, 0):
            return
        policy = os.path.join(work, "policy.json")
        with open(policy, "w") as f:
            f.write('{"require_trimpath": true, "require_vcs_clean": true}\n')
        wants = {}
        for prog in (clean, dirty):
            settings = dict(l.split("\t")[2].split("=", 1) for l in run([go, "version", "-m", prog]).stdout.splitlines()
                            if l.startswith("\tbuild\t") and "=" in l)
            want = set()
            if settings.get("-trimpath") != "true":
                want.add("require_trimpath")
            if settings.get("vcs.modified") != "false":
                want.add("require_vcs_clean")
            p, doc = check_json(exe, ["--target", "debian-12", "--policy", policy, prog])
            got = None
            if doc is not None:
                got = {v["rule"] for v in doc["binaries"][0].get("policy", {}).get("violations", [])}
            name = os.path.basename(prog)
            wants[name] = want
            ck.eq("go build settings, %s: violations = what go version -m says (%s)" % (name, settings), got, want)
            ck.eq("go build settings, %s: exit status" % name, p.returncode, 1 if want else 0)
        # the oracle itself: Go stamped the two builds as meant
        ck.eq("go build settings: go version -m on the clean and the dirty build", wants,
              {"clean": set(), "dirty": {"require_trimpath", "require_vcs_clean"}})

if __name__ == "__main__":
    sys.exit(main())
