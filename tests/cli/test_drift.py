#!/usr/bin/env python3
"""shipready drift on real modules, built at test time.

    python3 tests/cli/test_drift.py SHIPREADY GOMOD_DRIVER SCRATCH_DIR [FIXTURE_DIR]

No Go module proxy is reachable here: the dependencies (example.com/dep
v1.0.0 and v1.1.0, example.com/other v0.2.0) are written as a module proxy
directory (.info, .mod and .zip per version) and served to the go command
with GOPROXY=file://DIR, so it computes real h1: hashes into go.sum.  The
application is a git repository built with the system's go.

go.mod as we read it is first checked against `go list -m -json all`.
Cases, each checked against what `go version -m` says of the binary:
  clean        built with -trimpath at HEAD, nothing changed: exit 0
  bumped       go.mod (and go.sum) moved to dep v1.1.0 after the build:
               dep-version v1.0.0 (binary) vs v1.1.0 (go.mod), exit 1
  tampered     go.sum's hash for dep v1.0.0 changed: sum-mismatch
  replaced     go.mod gains a replace of other => ./localother: replace
  dirty build  built with an uncommitted change: vcs-modified
  old commit   HEAD moved on after the build: vcs-revision (binary's vs HEAD)
  edited time  vcs.time changed in the binary's bytes: vcs-time, against
               HEAD's commit time (which a clean build's stamp equals)
  not git      the module copied out of the repository: a note, not drift
  vendored     `go mod vendor`, built with -mod=vendor: clean.  The
               modules our reader of vendor/modules.txt puts in the build
               are the modules `go list -mod=vendor -deps` names; each
               alteration of modules.txt (and an old go line) gives exactly
               the "inconsistent vendoring" lines the go command prints, in
               its order; a version moved gives vendor-version
  toolchain    (with FIXTURE_DIR: the fixtures' Go 1.22) a binary built by
               Go 1.22 from a go.mod with "toolchain go1.24.0" and one with
               "go 1.23": go-release against each line, the version as
               `go version -m` prints it
and --json against docs/schema/drift.json.
Without go or git the test prints why and exits 77 (meson: skipped).
"""
import json
import os
import shutil
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

DEP_SRC = 'package dep\n\nfunc Name() string { return "dep %s" }\n'
OTHER_SRC = 'package other\n\nfunc Name() string { return "other" }\n'
MAIN_SRC = ('package main\n\nimport (\n\t"fmt"\n\n\t"example.com/dep"\n\t"example.com/other"\n)\n\n'
            'func main() { fmt.Println(dep.Name(), other.Name()) }\n')


def add_version(proxy, path, version, files):
    """One module version in a GOPROXY directory: list, .info, .mod, .zip."""
    d = os.path.join(proxy, path, "@v")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "list"), "a") as f:
        f.write(version + "\n")
    with open(os.path.join(d, version + ".info"), "w") as f:
        json.dump({"Version": version, "Time": "2024-01-01T00:00:00Z"}, f)
    with open(os.path.join(d, version + ".mod"), "w") as f:
        f.write(files["go.mod"])
    with zipfile.ZipFile(os.path.join(d, version + ".zip"), "w") as z:
        for name, text in files.items():
            z.writestr("%s@%s/%s" % (path, version, name), text)


def json_stream(text):
    """The JSON values the go command prints one after another."""
    dec, i, out = json.JSONDecoder(), 0, []
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        v, i = dec.raw_decode(text, i)
        out.append(v)
    return out


def vendored(c, go, run, step, build, go_deps, drift, kinds, driver, work, app):
    """A vendored copy of the application: vendor/modules.txt against the go command."""
    vend = os.path.join(work, "vend")
    shutil.copytree(app, vend, ignore=shutil.ignore_patterns(".git"))
    with open(os.path.join(vend, "go.mod"), "w") as f:
        f.write("module example.com/app\n\ngo 1.18\n\nrequire (\n\texample.com/dep v1.0.0\n"
                "\texample.com/other v0.2.0\n)\n\nreplace example.com/other => ./localother\n")
    if not (step("vendored: go mod tidy", [go, "mod", "tidy"], vend) and
            step("vendored: go mod vendor", [go, "mod", "vendor"], vend)):
        return
    txt = os.path.join(vend, "vendor", "modules.txt")
    with open(txt) as f:
        good = f.read()
    with open(os.path.join(vend, "go.mod")) as f:
        gomod = f.read()

    # the reader against go list: the modules that provide packages
    r = run([go, "list", "-mod=vendor", "-deps", "-json", "."], vend)
    listed = set()
    for pkg in json_stream(r.stdout):
        m = pkg.get("Module")
        if m and not m.get("Main"):
            rep = m.get("Replace")
            listed.add((m["Path"], m.get("Version", ""), rep["Path"] if rep else "",
                        rep.get("Version", "") if rep else ""))
    p = common.run([driver, "--vendor", txt], timeout=60)
    ours = set()
    try:
        for m in json.loads(p.stdout):
            if m["InBuild"]:
                rep = m["Replace"] or {}
                ours.add((m["Path"], m["Version"], rep.get("Path", ""), rep.get("Version", "")))
    except ValueError:
        c.fail("gomod-driver --vendor: not JSON: " + p.stdout[:300] + p.stderr[:300])
    c.true("vendored: go list found the vendored modules (%s)" % r.stderr.strip()[-200:], len(listed) == 2, listed)
    c.eq("vendored: modules in the build, ours vs go list -mod=vendor -deps", ours, listed)

    # the scratch directory may be inside a repository (the build tree):
    # no VCS stamp, so the vendored case does not depend on it
    prog = os.path.join(work, "vendored")
    prog_ok = step("vendored: go build -mod=vendor",
                   [go, "build", "-trimpath", "-buildvcs=false", "-mod=vendor", "-o", prog, "."], vend)
    if not prog_ok:
        return
    p = drift(prog, source=vend, json_out=True)
    doc, d = kinds(p)
    c.eq("vendored: clean against its source (%s)" % p.stdout[-300:], (p.returncode, d), (0, []))
    c.true("vendored: --json says vendor", doc is not None and doc["source"].get("vendor") is True, doc)
    if doc is not None:
        common.check_schema(c, "drift.json", doc)

    def go_says():
        """The go command's lines of "inconsistent vendoring", or []."""
        r = run([go, "list", "-mod=vendor", "-deps", "."], vend)
        if "inconsistent vendoring" not in r.stderr:
            return []
        out = []
        for line in r.stderr.splitlines()[1:]:
            if not line.strip():
                break
            out.append(line.strip())
        return out

    def ours_say():
        doc, _ = kinds(drift(prog, source=vend, json_out=True))
        if doc is None:
            return None
        return ["%s: %s" % (i["what"], i["source"]) for i in doc["results"][0]["items"]
                if i["kind"] == "vendor-inconsistent"]

    alterations = [
        ("explicit dropped", gomod, good.replace("# example.com/dep v1.0.0\n## explicit",
                                                 "# example.com/dep v1.0.0\n## go 1.18", 1)),
        ("version moved", gomod, good.replace("# example.com/dep v1.0.0", "# example.com/dep v1.1.0", 1)),
        ("replacement moved", gomod, good.replace("=> ./localother", "=> ./elsewhere", 1)),
        ("replacement dropped", gomod, good.replace(" => ./localother", "")),
        ("replacement added", gomod, good.replace("# example.com/dep v1.0.0",
                                                  "# example.com/dep v1.0.0 => example.com/fork v1.0.0", 1)),
        ("go 1.13, explicit dropped", gomod.replace("go 1.18", "go 1.13"),
         good.replace("## explicit", "## go 1.18")),
        ("go 1.13, version moved", gomod.replace("go 1.18", "go 1.13"),
         good.replace("# example.com/dep v1.0.0\n## explicit", "# example.com/dep v1.1.0\n## go 1.18", 1)),
        ("unknown lines skipped", gomod, "# bogus\n" + good + "#  x y z\nnot/a/module line\n"),
    ]
    for what, mod_text, txt_text in alterations:
        with open(os.path.join(vend, "go.mod"), "w") as f:
            f.write(mod_text)
        with open(txt, "w") as f:
            f.write(txt_text)
        want = go_says()
        c.eq("vendored, %s: our problems are the go command's" % what, ours_say(), want)
        # before go 1.14 an unmarked requirement is no problem; unknown lines are skipped
        c.eq("vendored, %s: the go command finds problems" % what, bool(want),
             what not in ("go 1.13, explicit dropped", "unknown lines skipped"))
        if what == "version moved":
            _, d = kinds(drift(prog, source=vend, json_out=True))
            c.true("vendored, version moved: vendor-version v1.0.0 vs v1.1.0",
                   ("vendor-version", "example.com/dep", "v1.0.0", "v1.1.0") in (d or []), d)
    with open(os.path.join(vend, "go.mod"), "w") as f:
        f.write(gomod)
    with open(txt, "w") as f:
        f.write(good)
    # -mod=mod records the same build info (hashes from go.sum, no -mod
    # setting): the same answer
    modprog = os.path.join(work, "vendored-mod")
    if step("vendored: go build -mod=mod",
            [go, "build", "-trimpath", "-buildvcs=false", "-mod=mod", "-o", modprog, "."], vend):
        c.eq("vendored, -mod=mod: go version -m the same but the path",
             run([go, "version", "-m", modprog]).stdout.split("\n")[1:],
             run([go, "version", "-m", prog]).stdout.split("\n")[1:])
        c.eq("vendored, -mod=mod: clean too", drift(modprog, source=vend).returncode, 0)


def toolchain(c, env, drift, kinds, work, fixdir):
    """go-release against go.mod's toolchain and go lines, with a newer Go than the system's."""
    fixdir = common.fixtures(fixdir)
    tc = os.environ.get("SHIPREADY_GO_TOOLCHAINS") or os.path.join(os.path.dirname(fixdir), "go-toolchains")
    go122 = os.path.join(tc, "go1.22", "usr", "lib", "go-1.22", "bin", "go")
    if not c.true("the fixtures fetched Go 1.22", os.path.exists(go122), go122):
        return
    for line, want_src in (("go 1.21\ntoolchain go1.24.0", "toolchain go1.24.0"), ("go 1.23", "go 1.23")):
        d = os.path.join(work, "tc-" + want_src.split()[-1])
        os.makedirs(d)
        with open(os.path.join(d, "go.mod"), "w") as f:
            f.write("module example.com/tc\n\n%s\n" % line)
        with open(os.path.join(d, "main.go"), "w") as f:
            f.write('package main\n\nfunc main() { println("tc") }\n')
        prog = os.path.join(work, "tc-prog")
        # Go 1.22 refuses a go line newer than itself: build from go 1.21, then say go 1.23 afterwards
        with open(os.path.join(d, "go.mod"), "w") as f:
            f.write("module example.com/tc\n\n%s\n" % line.replace("go 1.23", "go 1.21"))
        r = subprocess.run([go122, "build", "-trimpath", "-buildvcs=false", "-o", prog, "."], cwd=d,
                           env=dict(env, GOFLAGS="", GOTOOLCHAIN="local"), capture_output=True, text=True, timeout=600)
        if not c.eq("Go 1.22 builds (%s)" % r.stderr[-200:], r.returncode, 0):
            continue
        with open(os.path.join(d, "go.mod"), "w") as f:
            f.write("module example.com/tc\n\n%s\n" % line)
        gv = subprocess.run([go122, "version", prog], capture_output=True, text=True).stdout.split()[-1]
        _, d_ = kinds(drift(prog, source=d, json_out=True))
        c.eq("%s: go-release, the binary's %s" % (want_src, gv), d_,
             [("go-release", "Go release", gv, want_src)])


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: test_drift.py SHIPREADY GOMOD_DRIVER SCRATCH_DIR [FIXTURE_DIR]")
    exe, driver, work = (os.path.abspath(a) for a in sys.argv[1:4])
    go, git = shutil.which("go"), shutil.which("git")
    if not go or not git:
        print("no go or git command: skipped (Debian: golang-go, git)")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    proxy = os.path.join(work, "proxy")
    for v in ("v1.0.0", "v1.1.0"):
        add_version(proxy, "example.com/dep", v, {"go.mod": "module example.com/dep\n\ngo 1.18\n",
                                                  "dep.go": DEP_SRC % v})
    add_version(proxy, "example.com/other", "v0.2.0", {"go.mod": "module example.com/other\n\ngo 1.18\n",
                                                        "other.go": OTHER_SRC})
    env = dict(os.environ, GOPROXY="file://" + proxy, GOSUMDB="off", GOFLAGS="-mod=mod", GO111MODULE="on",
               GOCACHE=os.path.join(work, "cache"), GOPATH=os.path.join(work, "gopath"), CGO_ENABLED="0",
               HOME=work, GIT_CONFIG_NOSYSTEM="1", GOTOOLCHAIN="local")
    app = os.path.join(work, "app")
    os.makedirs(os.path.join(app, "localother"))
    with open(os.path.join(app, "go.mod"), "w") as f:
        f.write("module example.com/app\n\ngo 1.18\n\nrequire (\n\texample.com/dep v1.0.0\n"
                "\texample.com/other v0.2.0\n)\n")
    with open(os.path.join(app, "main.go"), "w") as f:
        f.write(MAIN_SRC)
    with open(os.path.join(app, "localother", "go.mod"), "w") as f:
        f.write("module example.com/other\n\ngo 1.18\n")
    with open(os.path.join(app, "localother", "other.go"), "w") as f:
        f.write(OTHER_SRC)
    c = common.Checker("test_drift")

    def run(cmd, cwd=app):
        return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)

    def step(what, cmd, cwd=app):
        r = run(cmd, cwd)
        return c.eq("%s (%s)" % (what, r.stderr.strip()[-300:]), r.returncode, 0)

    def commit(msg):
        return (step("git add", ["git", "add", "-A"]) and
                step("git commit", ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm",
                                    msg]))

    if not (step("go mod tidy (file:// proxy)", [go, "mod", "tidy"]) and step("git init", ["git", "init", "-q"])
            and commit("one")):
        return c.report()

    def build(name, *flags):
        out = os.path.join(work, name)
        return out if step("go build " + name, [go, "build"] + list(flags) + ["-o", out, "."]) else None

    def go_deps(prog):
        """dep lines of go version -m: path -> (version, sum)."""
        out = {}
        for line in run([go, "version", "-m", prog]).stdout.splitlines():
            f = line.strip().split("\t")
            if f[0] == "dep":
                out[f[1]] = (f[2], f[3] if len(f) > 3 else "")
        return out

    # git must not find a repository above the scratch directory (the build
    # tree may itself be inside one): the "not git" case depends on it
    denv = dict(os.environ, GIT_CEILING_DIRECTORIES=work)

    def drift(prog, source=app, json_out=False):
        return common.run([exe, "drift", "--source", source] + (["--json"] if json_out else []) + [prog],
                          timeout=120, env=denv)

    def kinds(p):
        try:
            doc = json.loads(p.stdout)
            return doc, [(i["kind"], i["what"], i["binary"], i["source"]) for i in doc["results"][0]["items"]
                         if i["drift"]]
        except (ValueError, KeyError, IndexError):
            return None, None


    # go.mod as we read it against the go command's module graph: with go >= 1.17
    # go.mod lists every module of the build, at the version go list selects
    listed = {m["Path"]: m.get("Version") for m in json_stream(run([go, "list", "-m", "-json", "all"]).stdout)
              if not m.get("Main")}
    p = common.run([driver, os.path.join(app, "go.mod")], timeout=60)
    try:
        req = {r["Path"]: r["Version"] for r in json.loads(p.stdout)["Require"] or []}
    except (ValueError, KeyError, TypeError):
        req = None
    c.eq("go.mod's requirements as we read them = go list -m -json all", req, listed)

    clean = build("clean", "-trimpath")
    if clean:
        p = drift(clean)
        c.eq("clean: exit 0", p.returncode, 0)
        head = run(["git", "rev-parse", "HEAD"]).stdout.strip()
        c.true("clean: the verdict names the commit",
               p.stdout.startswith("%s: built from %s at %s, clean" % (clean, app, head[:12])), p.stdout)
        doc, d = kinds(drift(clean, json_out=True))
        c.eq("clean --json: no differences", d, [])
        if doc is not None:
            common.check_schema(c, "drift.json", doc)
        # vcs.time: the stamp of a build at HEAD is HEAD's commit time; edited, it is drift
        vtime = [l.split("=", 1)[1] for l in run([go, "version", "-m", clean]).stdout.splitlines()
                 if "vcs.time=" in l]
        with open(clean, "rb") as f:
            data = f.read()
        if c.true("clean: go version -m has vcs.time", len(vtime) == 1 and data.count(vtime[0].encode()) >= 1, vtime):
            edited = os.path.join(work, "edited-time")
            with open(edited, "wb") as f:
                f.write(data.replace(vtime[0].encode(), ("1999" + vtime[0][4:]).encode()))
            os.chmod(edited, 0o755)
            _, d = kinds(drift(edited, json_out=True))
            c.eq("vcs.time edited in the binary: vcs-time, against HEAD's commit time",
                 d, [("vcs-time", "vcs.time", "1999" + vtime[0][4:], vtime[0])])
        sums = go_deps(clean)
        c.true("clean: go version -m lists both deps with h1: sums",
               set(sums) == {"example.com/dep", "example.com/other"} and all(s.startswith("h1:")
                                                                            for _, s in sums.values()), sums)

        # bumped: the source moves on to dep v1.1.0; the binary still has v1.0.0
        shutil.copy(os.path.join(app, "go.mod"), os.path.join(work, "go.mod.one"))
        shutil.copy(os.path.join(app, "go.sum"), os.path.join(work, "go.sum.one"))
        if step("go get dep@v1.1.0", [go, "get", "example.com/dep@v1.1.0"]):
            p = drift(clean, json_out=True)
            c.eq("bumped: exit 1", p.returncode, 1)
            _, d = kinds(p)
            c.eq("bumped: dep-version, the binary's version as go version -m says",
                 d, [("dep-version", "example.com/dep", sums["example.com/dep"][0], "v1.1.0")])
            p = drift(clean)
            c.true("bumped: text verdict", p.stdout.startswith("%s: drift: 1 difference from %s" % (clean, app)),
                   p.stdout)
        shutil.copy(os.path.join(work, "go.mod.one"), os.path.join(app, "go.mod"))

        # tampered: another hash for the same version in go.sum
        with open(os.path.join(work, "go.sum.one")) as f:
            lines = f.read().splitlines()
        bad = [l if not l.startswith("example.com/dep v1.0.0 ") else "example.com/dep v1.0.0 h1:" + "A" * 43 + "="
               for l in lines]
        with open(os.path.join(app, "go.sum"), "w") as f:
            f.write("\n".join(bad) + "\n")
        _, d = kinds(drift(clean, json_out=True))
        c.eq("tampered go.sum: sum-mismatch with both hashes",
             d, [("sum-mismatch", "example.com/dep", "v1.0.0 " + sums["example.com/dep"][1],
                  "v1.0.0 h1:" + "A" * 43 + "=")])
        # go.sum without the line
        with open(os.path.join(app, "go.sum"), "w") as f:
            f.write("\n".join(l for l in lines if not l.startswith("example.com/dep v1.0.0 ")) + "\n")
        _, d = kinds(drift(clean, json_out=True))
        c.eq("go.sum without the version: sum-missing", [x[0] for x in (d or [])], ["sum-missing"])
        shutil.copy(os.path.join(work, "go.sum.one"), os.path.join(app, "go.sum"))

        # replaced: go.mod replaces other with a directory the binary did not use
        with open(os.path.join(app, "go.mod"), "a") as f:
            f.write("\nreplace example.com/other => ./localother\n")
        _, d = kinds(drift(clean, json_out=True))
        c.eq("replace in go.mod only", d, [("replace", "example.com/other", "", "=> ./localother")])
        if commit("replace"):
            rep = build("replaced", "-trimpath")
            if rep:
                deps = go_deps(rep)
                c.eq("replaced: go version -m shows the replacement",
                     [l for l in run([go, "version", "-m", rep]).stdout.splitlines() if "=>" in l],
                     ["\t=>\t./localother\t(devel)\t"])
                p = drift(rep)
                c.eq("replaced build vs its source: clean (%s)" % p.stdout.strip(), p.returncode, 0)
                del deps
            # old commit: HEAD moves on
            with open(os.path.join(app, "README"), "w") as f:
                f.write("more\n")
            if commit("two") and rep:
                _, d = kinds(drift(rep, json_out=True))
                old = [l.split("=", 1)[1] for l in run([go, "version", "-m", rep]).stdout.splitlines()
                       if "vcs.revision=" in l]
                new = run(["git", "rev-parse", "HEAD"]).stdout.strip()
                c.eq("old commit: vcs-revision, go version -m's against HEAD",
                     d, [("vcs-revision", "vcs.revision", old[0] if old else "?", new)])

    # dirty: built with an uncommitted change
    with open(os.path.join(app, "main.go"), "a") as f:
        f.write("\n// uncommitted\n")
    dirty = build("dirty")
    if dirty:
        c.eq("dirty: go version -m says vcs.modified=true",
             any(l.strip() == "build\tvcs.modified=true" for l in run([go, "version", "-m", dirty]).stdout.splitlines()),
             True)
        p = drift(dirty)
        c.eq("dirty: exit 1", p.returncode, 1)
        _, d = kinds(drift(dirty, json_out=True))
        c.eq("dirty: vcs-modified", [x[0] for x in (d or [])], ["vcs-modified"])
        c.true("dirty: notes the tree is dirty now and no -trimpath",
               "the work tree has uncommitted changes now" in p.stdout and "-trimpath" in p.stdout, p.stdout)

    # not a repository: a note, not an error
    if clean:
        plain = os.path.join(work, "plain")
        shutil.copytree(app, plain, ignore=shutil.ignore_patterns(".git"))
        with open(os.path.join(plain, "go.mod"), "w") as f:
            f.write(open(os.path.join(work, "go.mod.one")).read())
        p = drift(clean, source=plain)
        c.true("outside git: a note, not drift (exit 0)", p.returncode == 0 and "not a git work tree" in p.stdout,
               p.stdout + p.stderr)

    vendored(c, go, run, step, build, go_deps, drift, kinds, driver, work, app)
    if len(sys.argv) == 5:
        toolchain(c, env, drift, kinds, work, os.path.abspath(sys.argv[4]))

    # errors: no go.mod, a binary that is not Go
    p = drift("/bin/true")
    c.true("not Go: one line, exit 2", p.returncode == 2 and p.stderr.startswith("shipready: /bin/true: "), p.stderr)
    p = common.run([exe, "drift", "--source", work, "/bin/true"], timeout=60, env=denv)
    c.true("no go.mod: one line, exit 2", p.returncode == 2 and "no go.mod" in p.stderr, p.stderr)
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
