#!/usr/bin/env python3
"""Oracle: the pclntab reader against Go's own debug/gosym, on real binaries.

    python3 tests/cli/test_pclntab_oracle.py PCLNTAB_DRIVER SCRATCH_DIR

Binaries: every Go ELF binary `go version /usr /usr/local/bin` lists (built
by Go 1.19 to 1.25 on this machine), plus programs built here at test time
with the local go (1.19) for amd64, 386, arm (32-bit), arm64, s390x, ppc64 and
mips (the last three big-endian), stripped (-ldflags=-s -w) and not, and as
a PIE linked externally.  The built program imports local stand-ins for
gopkg.in/yaml.v3 and go.uber.org/zap (module replacements; no network) and
instantiates generics with types from other packages.

The oracle is tests/cli/pclntab_oracle/main.go, built here: it takes the
table from the .gopclntab / .data.rel.ro.gopclntab section, else from the
runtime.pcheader..runtime.epclntab symbols, and reads it with debug/gosym.

What must match, per binary:
  1. `pclntab_driver FILE` (header without how=, then the names) equals the
     oracle's output exactly: layout, pointer size, quantum, nfunc, and every
     function name in table order.
  2. `pclntab_driver --scan FILE` (sections ignored, segments scanned) gives
     the same header and names.
  3. `pclntab_driver --packages FILE`: sorted, unique, includes "runtime";
     no inner element holds two dots unless it is a host name; and when `go version -m`
     lists a "mod" line, every package is a standard-library path (first
     element without a dot) or lies in a module it lists (path, mod, dep or
     =>; X/vendor/Y judged by Y): this fails if gopkg.in/yaml.v3 were cut to
     gopkg.in/yaml, or go.uber.org/zap dropped as a compiler name.
  4. Programs built here: the packages are a subset of `go list -deps` for
     that GOOS/GOARCH, and include gopkg.in/yaml.v3, go.uber.org/zap,
     example.com/app/internal/gen and main.
Without a go command the test prints why and exits 77 (meson: skipped).
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE_SRC = os.path.join(HERE, "pclntab_oracle", "main.go")

# (GOARCH, extra env, ldflags, buildmode)
BUILDS = [
    ("amd64", {}, "", ""),
    ("amd64", {}, "-s -w", ""),
    ("amd64", {"CGO_ENABLED": "1"}, "-linkmode=external", "pie"),
    ("386", {}, "-s -w", ""),
    ("arm", {"GOARM": "7"}, "", ""),
    ("arm64", {}, "-s -w", ""),
    ("s390x", {}, "", ""),
    ("ppc64", {}, "-s -w", ""),
    ("mips", {}, "", ""),
]

APP = {
    "go.mod": """module example.com/app

go 1.18

require (
	go.uber.org/zap v1.0.0
	gopkg.in/yaml.v3 v3.0.0
)

replace gopkg.in/yaml.v3 => ./stub/yaml

replace go.uber.org/zap => ./stub/zap
""",
    "main.go": """package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"example.com/app/internal/gen"
	"go.uber.org/zap"
	"gopkg.in/yaml.v3"
)

type item struct{ name string }

func (i *item) String() string { return i.name }

func main() {
	xs := []*item{{"b"}, {"a"}}
	sort.Slice(xs, func(i, j int) bool { return xs[i].name < xs[j].name })
	f := xs[0].String
	out := gen.Map(xs, func(i *item) string { return strings.ToUpper(f()) + i.name })
	out = append(out, gen.Map([]zap.Field{{Key: "k"}}, zap.Field.String)...)
	n, _ := yaml.Marshal(out)
	fmt.Fprintln(os.Stdout, len(n), gen.Max(3, 4), gen.Max("a", "b"), zap.New().Name())
}
""",
    "internal/gen/gen.go": """package gen

func Map[T, U any](xs []T, f func(T) U) []U {
	var out []U
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

type ordered interface{ ~int | ~string }

func Max[T ordered](a, b T) T {
	if a > b {
		return a
	}
	return b
}
""",
    "stub/yaml/go.mod": "module gopkg.in/yaml.v3\n\ngo 1.18\n",
    "stub/yaml/yaml.go": """package yaml

import "strings"

type encoder struct{ b strings.Builder }

//go:noinline
func (e *encoder) put(s string) { e.b.WriteString(s) }

//go:noinline
func Marshal(v any) ([]byte, error) {
	e := &encoder{}
	for _, s := range v.([]string) {
		e.put(s)
	}
	return []byte(e.b.String()), nil
}
""",
    "stub/zap/go.mod": "module go.uber.org/zap\n\ngo 1.18\n",
    "stub/zap/zap.go": """package zap

type Field struct{ Key string }

func (f Field) String() string { return "zap:" + f.Key }

type Logger struct{ name string }

//go:noinline
func New() *Logger { return &Logger{name: "zap"} }

//go:noinline
func (l *Logger) Name() string { return l.name }
""",
}

HEADER = re.compile(r"^layout=(\S+) ptrsize=(\d+) quantum=(\d+) nfunc=(\d+)")


def go_env(scratch, extra=None):
    env = dict(os.environ)
    env.update({"GOCACHE": os.path.join(scratch, "gocache"), "GOPATH": os.path.join(scratch, "gopath"),
                "GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOTOOLCHAIN": "local", "GO111MODULE": "on",
                "CGO_ENABLED": "0", "GOOS": "linux"})
    env.update(extra or {})
    return env


def strip_how(text):
    lines = text.split("\n")
    lines[0] = re.sub(r" how=.*$", "", lines[0])
    return "\n".join(lines)


def modules(go, path):
    """Module paths `go version -m` lists for path (path, mod, dep, =>), or
    None when it lists no "mod" line (built outside module mode or by
    another build system: nothing to check packages against)."""
    p = common.run([go, "version", "-m", path], timeout=60)
    mods, has_mod = set(), False
    for line in (p.stdout or "").splitlines():
        f = line.strip().split("\t")
        if len(f) >= 2 and f[0] in ("path", "mod", "dep", "=>"):
            mods.add(f[1])
            has_mod = has_mod or f[0] == "mod"
    return mods if has_mod else None


def in_modules(pkg, mods):
    """pkg is std or in one of mods; a vendored copy (X/vendor/Y) counts
    when Y does."""
    if "/vendor/" in pkg:
        pkg = pkg.split("/vendor/", 1)[1]
    return is_std(pkg) or any(pkg == m or pkg.startswith(m + "/") for m in mods)


def odd_shape(pkg):
    """An inner element with two dots or more that is no host name: the
    tail of a symbol taken for a path (pkg.cliReader.github.com/x.m cut at
    the wrong dot).  google.golang.org inside a path, or semconv/v1.17.0 at
    the end, are fine."""
    return any(e.count(".") >= 2 and not re.match(r"^[a-z0-9.-]+$", e) for e in pkg.split("/")[1:-1])


def is_std(pkg):
    return "." not in pkg.split("/")[0]


def check_binary(c, driver, oracle, go, path, built=None):
    """Checks 1-3 (and 4 when built = (deps set)); returns the function count."""
    o = common.run([oracle, path], timeout=300)
    if o.returncode != 0:
        c.fail("%s: oracle failed: %s" % (path, o.stderr.strip()[:300]))
        return 0
    d = common.run([driver, path], timeout=300)
    if not c.true("%s: driver exit 0" % path, d.returncode == 0, (d.stderr or "").strip()[:300]):
        return 0
    mine = strip_how(d.stdout)
    if mine != o.stdout:
        a, b = mine.split("\n"), o.stdout.split("\n")
        first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        c.fail("%s: names differ from debug/gosym at line %d: %r vs %r (%d vs %d lines)" %
               (path, first, a[first] if first < len(a) else None, b[first] if first < len(b) else None,
                len(a), len(b)))
    else:
        c.true(path + ": names", True)
    s = common.run([driver, "--scan", path], timeout=300)
    c.true("%s: --scan finds the same table" % path, s.returncode == 0 and strip_how(s.stdout) == o.stdout,
           (s.stdout or "").split("\n")[0] + " " + (s.stderr or "").strip()[:200])
    pk = common.run([driver, "--packages", path], timeout=300)
    pkgs = pk.stdout.split("\n")[1:-1] if pk.returncode == 0 else []
    c.true("%s: --packages exit 0" % path, pk.returncode == 0, (pk.stderr or "").strip()[:300])
    c.true("%s: packages sorted and unique" % path, pkgs == sorted(set(pkgs)))
    c.true("%s: runtime among the packages" % path, "runtime" in pkgs)
    odd = [p for p in pkgs if odd_shape(p)]
    c.true("%s: no inner element with two dots but no host name" % path, not odd, " ".join(odd[:10]))
    mods = modules(go, path)
    if mods is not None:
        stray = [p for p in pkgs if not in_modules(p, mods)]
        c.true("%s: every package is std or in a listed module" % path, not stray, " ".join(stray[:10]))
    if built is not None:
        deps = built
        c.true("%s: packages within go list -deps" % path, set(pkgs) <= deps,
               " ".join(sorted(set(pkgs) - deps)[:10]))
        for want in ("main", "gopkg.in/yaml.v3", "go.uber.org/zap", "example.com/app/internal/gen"):
            c.true("%s: package %s found" % (path, want), want in pkgs)
    m = HEADER.match(o.stdout)
    return int(m.group(4)) if m else 0


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    driver, scratch = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    go = shutil.which("go")
    if not go:
        print("SKIP: no go command (needed to build the debug/gosym oracle)")
        return 77
    os.makedirs(scratch, exist_ok=True)
    c = common.Checker("pclntab-oracle")

    oracle = os.path.join(scratch, "pclntab_oracle")
    b = common.run([go, "build", "-o", oracle, ORACLE_SRC], timeout=600, env=go_env(scratch, {"GOFLAGS": ""}),
                   cwd=scratch)
    if b.returncode != 0:
        print("FAIL: building the oracle: " + (b.stderr or "")[:2000])
        return 1

    # the machine's Go binaries
    p = common.run([go, "version", "/usr", "/usr/local/bin"], timeout=600)
    found = sorted({line.split(":")[0] for line in (p.stdout or "").splitlines() if ": go" in line})
    seen, total, nbin = set(), 0, 0
    layouts = {}
    for path in found:
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        with open(real, "rb") as f:
            if f.read(4) != b"\x7fELF":
                continue
        n = check_binary(c, driver, oracle, go, real)
        total += n
        nbin += 1
        lay = HEADER.match(common.run([oracle, real], timeout=300).stdout or "")
        if lay:
            layouts[lay.group(1)] = layouts.get(lay.group(1), 0) + 1
    print("machine binaries: %d, %d function names compared, layouts %s" % (nbin, total, layouts))

    # programs built here
    app = os.path.join(scratch, "app")
    for rel, text in APP.items():
        fp = os.path.join(app, rel)
        os.makedirs(os.path.dirname(fp), exist_ok=True)
        with open(fp, "w") as f:
            f.write(text)
    built_total, nbuilt = 0, 0
    for arch, extra, ldflags, mode in BUILDS:
        env = go_env(scratch, dict(extra, GOARCH=arch))
        if mode == "pie" and not shutil.which("gcc"):
            print("skip %s pie: no gcc for external linking" % arch)
            continue
        name = "app-%s%s%s" % (arch, "-stripped" if "-s" in ldflags else "", "-pie-ext" if mode else "")
        out = os.path.join(scratch, name)
        cmd = [go, "build", "-o", out] + (["-buildmode=" + mode] if mode else []) + \
              (["-ldflags=" + ldflags] if ldflags else []) + ["."]
        r = common.run(cmd, timeout=900, env=env, cwd=app)
        if not c.true("build %s" % name, r.returncode == 0, (r.stderr or "")[:1000]):
            continue
        lst = common.run([go, "list", "-deps", "."], timeout=300, env=env, cwd=app)
        # runtime defines runtime/debug.SetTraceback (go:linkname), so that
        # package can have functions without being imported
        deps = set(lst.stdout.split()) | {"main", "runtime/debug"}
        deps.discard("example.com/app")
        built_total += check_binary(c, driver, oracle, go, out, built=deps)
        nbuilt += 1
    print("built binaries: %d, %d function names compared" % (nbuilt, built_total))
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
