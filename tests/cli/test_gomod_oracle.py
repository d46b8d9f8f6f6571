#!/usr/bin/env python3
"""Oracle: lib/go/gomod.c against `go mod edit -json` on real go.mod files.

    python3 tests/cli/test_gomod_oracle.py GOMOD_DRIVER SCRATCH_DIR [FIXTURE_DIR]

The files: every go.mod of the Go toolchain's own source tree, and every
go.mod inside the txtar archives of cmd/go's tests (testdata/script/*.txt
sections "go.mod" and "DIR/go.mod", testdata/mod/*.txt sections ".mod"):
hundreds of real files, valid and deliberately broken, written by the Go
team.  Each is put in a directory of its own and read by both.

What must hold, per file:
  1. When the go command accepts it, gomod-driver accepts it too and prints
     the same Module.Path, Go, Require (path, canonical version, Indirect),
     Exclude, Replace and Retract (Low, High).  Deprecated and the retract
     rationale come from comments, which shipready does not keep.
  2. When the go command rejects it for its syntax or the shape of a
     directive (syntax error, unexpected character, unknown directive,
     usage, repeated statement, invalid quoted string,
     /* comments, an invalid version), gomod-driver rejects it too.  Other
     rejections (the form of module paths, /vN suffixes) are counted, not
     required: shipready takes paths as written.
The same again, with FIXTURE_DIR, for the Debian archive's Go 1.22 and 1.24
that the fixtures fetch (tests/fixtures/go-toolchains.sh): their own go.mod
files and cmd/go tests, with toolchain, godebug and tool lines, judged by
their own `go mod edit -json`.
And a few files written here pin what the corpora lack, and go.sum lines.
Without a go command the test prints why and exits 77 (meson: skipped).
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

# (not "invalid go version": Go 1.21 widened that rule to 1.21.5 and 1.21rc1,
# which shipready follows and this go command refuses; pinned below instead)
STRUCTURAL = ("syntax error", "unexpected", "unknown directive", "unknown block type", "usage:", "repeated",
              "invalid quoted string", "must use // comments", "must be of the form v1.2.3",
              "expected '['", "expected ','", "expected ']'", "expected version", "cannot have version",
              "must be directory path")


def txtar_sections(path):
    """(name, text) of each section of a txtar archive."""
    with open(path, "rb") as f:
        data = f.read().decode("utf-8", "surrogateescape")
    out, name, buf = [], None, []
    for line in data.splitlines(keepends=True):
        m = re.match(r"^-- (.+) --\s*$", line)
        if m:
            if name is not None:
                out.append((name, "".join(buf)))
            name, buf = m.group(1).strip(), []
        elif name is not None:
            buf.append(line)
    if name is not None:
        out.append((name, "".join(buf)))
    return out


def corpus(goroot):
    files = []
    for root, _, names in os.walk(os.path.join(goroot, "src")):
        if "go.mod" in names:
            p = os.path.join(root, "go.mod")
            with open(p, "rb") as f:
                files.append((os.path.relpath(p, goroot), f.read()))
    td = os.path.join(goroot, "src", "cmd", "go", "testdata")
    for sub, want in (("script", lambda n: n == "go.mod" or n.endswith("/go.mod")), ("mod", lambda n: n == ".mod")):
        d = os.path.join(td, sub)
        if not os.path.isdir(d):
            continue
        for n in sorted(os.listdir(d)):
            if not n.endswith(".txt"):
                continue
            for name, text in txtar_sections(os.path.join(d, n)):
                if want(name):
                    files.append(("%s/%s:%s" % (sub, n, name), text.encode("utf-8", "surrogateescape")))
    return files


def go_view(doc):
    """The fields shipready reads, from go mod edit -json."""
    mod = doc.get("Module") or {}
    out = {"Module": {"Path": mod.get("Path", "")}, "Require": doc.get("Require"), "Exclude": doc.get("Exclude"),
           "Replace": doc.get("Replace"), "Retract": None}
    if doc.get("Retract"):
        out["Retract"] = [{"Low": r.get("Low"), "High": r.get("High")} for r in doc["Retract"]]
    if doc.get("Go"):
        out["Go"] = doc["Go"]
    if doc.get("Toolchain"):
        out["Toolchain"] = doc["Toolchain"]
    return out


def one_toolchain(c, driver, work, go, goroot):
    """The go.mod files of one Go source tree, against its own go command."""
    os.makedirs(work)
    env = dict(os.environ, GOFLAGS="", GO111MODULE="on", GOTOOLCHAIN="local", GOPROXY="off",
               GOCACHE=os.path.join(work, "cache"), HOME=work)
    version = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True, env=env).stdout.strip()
    files = corpus(goroot)
    c.true("corpus: at least 300 go.mod files from %s" % goroot, len(files) >= 300, str(len(files)))
    counts = {"accepted": 0, "rejected, structural": 0, "rejected, other": 0, "rejected by go only": 0}
    for i, (name, data) in enumerate(files):
        d = os.path.join(work, "m%d" % i)
        os.makedirs(d)
        path = os.path.join(d, "go.mod")
        with open(path, "wb") as f:
            f.write(data)
        g = subprocess.run([go, "mod", "edit", "-json"], cwd=d, env=env, capture_output=True, text=True,
                           errors="replace", timeout=60)
        s = subprocess.run([driver, path], capture_output=True, text=True, errors="replace", timeout=60)
        if s.returncode not in (0, 1) or (s.returncode == 1 and not s.stdout.startswith("error: ")):
            c.fail("%s %s: gomod-driver crashed or misbehaved (exit %s): %s" % (version, name, s.returncode,
                                                                             s.stderr[:300]))
            continue
        if g.returncode == 0:
            counts["accepted"] += 1
            try:
                want = go_view(json.loads(g.stdout))
            except ValueError:
                c.fail("%s %s: go mod edit -json printed no JSON" % (version, name))
                continue
            if not c.eq("%s %s: accepted by go, and by shipready (%s)" % (version, name, s.stdout.strip()[:200]),
                        s.returncode, 0):
                continue
            got = json.loads(s.stdout)
            c.eq("%s %s: what shipready reads = go mod edit -json" % (version, name), got, want)
        else:
            structural = any(k in g.stderr for k in STRUCTURAL)
            counts["rejected, structural" if structural else "rejected, other"] += 1
            if structural:
                c.eq("%s %s: rejected by go (%s), and by shipready" % (version, name,
                                                                   g.stderr.strip().splitlines()[-1][:160]),
                     s.returncode, 1)
            elif s.returncode == 0:
                counts["rejected by go only"] += 1
    print("%s: go.mod files: %d (%s)" % (version, len(files), ", ".join("%s %d" % kv for kv in counts.items())))
    c.true("%s: the corpus has files go accepts and files it rejects for their syntax" % version,
           counts["accepted"] >= 100 and counts["rejected, structural"] >= 10, json.dumps(counts))


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: test_gomod_oracle.py GOMOD_DRIVER SCRATCH_DIR [FIXTURE_DIR]")
    driver, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    go = shutil.which("go")
    if not go:
        print("no go command: skipped (Debian: golang-go)")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    c = common.Checker("test_gomod_oracle")
    goroots = [subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True).stdout.strip()]
    if len(sys.argv) > 3:
        fixdir = common.fixtures(os.path.abspath(sys.argv[3]))
        tc = os.environ.get("SHIPREADY_GO_TOOLCHAINS") or os.path.join(os.path.dirname(fixdir), "go-toolchains")
        for v in ("1.22", "1.24"):
            extra = os.path.join(tc, "go" + v, "usr", "lib", "go-" + v)
            if c.true("the fixtures fetched Go %s (%s)" % (v, extra), os.path.exists(os.path.join(extra, "bin", "go")),
                      tc):
                goroots.append(extra)
    for n, goroot in enumerate(goroots):
        one_toolchain(c, driver, os.path.join(work, "t%d" % n), os.path.join(goroot, "bin", "go"), goroot)

    # what the corpus lacks
    pinned = [
        ("module m\ngo 1.21.5\ntoolchain go1.22.1\n", {"Module": {"Path": "m"}, "Go": "1.21.5", "Toolchain": "go1.22.1",
                                                       "Require": None, "Exclude": None, "Replace": None,
                                                       "Retract": None}),
        ("module m\ntoolchain default\n", {"Module": {"Path": "m"}, "Toolchain": "default", "Require": None,
                                           "Exclude": None, "Replace": None, "Retract": None}),
        ("module m\ngo 1.21rc1\nrequire (\n\tx.org/a v1 // indirect; for b\n\t\"x.org/b\" v1.2 //indirect\n)\n",
         {"Module": {"Path": "m"}, "Go": "1.21rc1", "Require": [
             {"Path": "x.org/a", "Version": "v1.0.0", "Indirect": True},
             {"Path": "x.org/b", "Version": "v1.2.0", "Indirect": True}],
          "Exclude": None, "Replace": None, "Retract": None}),
    ]
    for text, want in pinned:
        p = os.path.join(work, "pinned.mod")
        with open(p, "w") as f:
            f.write(text)
        s = subprocess.run([driver, p], capture_output=True, text=True)
        c.eq("pinned %r" % text, json.loads(s.stdout) if s.returncode == 0 else s.stdout, want)
    for text in ("module m\ntoolchain 1.22\n", "module m\ntoolchain go1.21\ntoolchain go1.22\n",
                 "module m\ngo 1.21.5.1\n", "module m\ngo 1\n", "module m\ngo 01.21\n", "module m\ngo 1.21rc\n",
                 "module m\ngo 1.021\n", "module m\nrequire x v1-pre\n", "module m /* x */\n"):
        p = os.path.join(work, "pinned.mod")
        with open(p, "w") as f:
            f.write(text)
        s = subprocess.run([driver, p], capture_output=True, text=True)
        c.true("pinned %r: refused" % text, s.returncode == 1 and s.stdout.startswith("error: "), s.stdout)

    # go.sum, as cmd/go's reader splits it (modfetch.readGoSum: fields at
    # white space, blank lines skipped, three fields or an error)
    p = os.path.join(work, "go.sum")
    with open(p, "w") as f:
        f.write("x.org/a v1.0.0 h1:AAA=\nx.org/a v1.0.0/go.mod h1:BBB=\n\n  x.org/b\tv0.1.0 h1:CCC=  \n")
    s = subprocess.run([driver, "--sum", p], capture_output=True, text=True)
    c.eq("go.sum: three fields per line, blank lines skipped", json.loads(s.stdout) if s.returncode == 0 else s.stdout,
         [["x.org/a", "v1.0.0", "h1:AAA="], ["x.org/a", "v1.0.0/go.mod", "h1:BBB="], ["x.org/b", "v0.1.0", "h1:CCC="]])
    with open(p, "w") as f:
        f.write("x.org/a v1.0.0 h1:AAA=\nx.org/a v1.0.0\n")
    s = subprocess.run([driver, "--sum", p], capture_output=True, text=True)
    c.eq("go.sum: a line of two fields", s.stdout.strip(), "error: 2: wrong number of fields 2")
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
