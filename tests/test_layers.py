"""Layers point one way: an include that points up fails the build's tests.

  test_layers.py REPO

util -> root -> format parsers (ELF, PE, Mach-O, ld.so.cache, the memory
image, the C library and target facts) -> Go -> inspect -> loader model ->
analysis -> check -> report and pack -> CLI.  Every source and header file of
lib/, include/ and src/ has a layer (by its path); every header it includes
has one too (a public header by the file that implements it, an internal
one by its directory).  A file may include only headers of its own layer or
below.  src/ may include only public headers (include/shipready/) and its
own; nothing outside include/ and its own directory may include a lib/
internal header of another directory.
"""
import os
import re
import sys

LAYERS = ["util", "root", "parsers", "go", "inspect", "loader", "analysis", "check", "report/pack", "cli"]
RANK = {name: i for i, name in enumerate(LAYERS)}

# public headers: the layer of the code that implements them
PUBLIC = {
    "error.h": "util", "reader.h": "util", "file.h": "util", "strlist.h": "util", "outfile.h": "util",
    "vtree.h": "util",
    "root.h": "root",
    # an image's layers are read into a tree, each file's first bytes told a binary or not as they pass
    "imageroot.h": "inspect", "sniff.h": "inspect",
    "elf.h": "parsers", "libc.h": "parsers", "pe.h": "parsers", "macho.h": "parsers", "ldcache.h": "parsers",
    "image.h": "parsers", "targets.h": "parsers", "pkgowner.h": "parsers", "rustdeps.h": "parsers", "depfile.h": "parsers",
    "go.h": "go", "gomod.h": "go", "semver.h": "go",
    "inspect.h": "inspect", "version.h": "inspect",
    "cpu.h": "loader", "deps.h": "loader",
    "analysis.h": "analysis", "needs.h": "analysis", "size.h": "analysis", "runtimes.h": "analysis", "language.h": "analysis",
    "check.h": "check", "judge.h": "check", "policy.h": "check", "drift.h": "check", "compdeps.h": "check", "scan.h": "check", "diff.h": "check",
    "report.h": "report/pack", "cireport.h": "report/pack", "htmlreport.h": "report/pack", "bundle.h": "report/pack", "ociimage.h": "report/pack",
    "dockerfile.h": "report/pack", "release.h": "report/pack", "sbom.h": "report/pack", "unit.h": "report/pack", "verify.h": "report/pack",
    "preflight.h": "report/pack", "shipready.h": "report/pack",   # the umbrella, for programs using the library
}

# lib/ files: by directory, with the few files whose layer differs from their directory's
LIB_DIRS = {"util": "util", "image": "inspect", "elf": "parsers", "pe": "parsers", "macho": "parsers", "targets": "parsers",
            "pkg": "parsers", "rust": "parsers", "build": "parsers", "go": "go", "core": "inspect", "loader": "loader", "analysis": "analysis", "check": "check", "scan": "check",
            "report": "report/pack", "pack": "report/pack"}
LIB_FILES = {"lib/loader/root.c": "root", "lib/loader/ldcache.c": "parsers", "lib/loader/ldconf.c": "parsers",
             "lib/loader/ldconf_internal.h": "parsers", "lib/core/image.c": "parsers"}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of_file(rel):
    if rel.startswith("include/shipready/"):
        return PUBLIC.get(os.path.basename(rel))
    if rel.startswith("src/"):
        return "cli"
    if rel.startswith("lib/"):
        if rel in LIB_FILES:
            return LIB_FILES[rel]
        parts = rel.split("/")
        return LIB_DIRS.get(parts[1]) if len(parts) > 2 else None
    return None


def layer_of_include(inc, including):
    """(layer, problem) of an included header as the including file names it."""
    if inc.startswith("shipready/"):
        name = inc[len("shipready/"):]
        return PUBLIC.get(name), None if name in PUBLIC else "a public header with no layer: add it to PUBLIC"
    if including.startswith("src/"):
        if "/" in inc:
            return None, "src/ includes only include/shipready/ and its own headers"
        return "cli", None
    d = inc.split("/")[0] if "/" in inc else None
    if d is None:   # a header beside the file, or a generated one (libc_facts.h)
        return layer_of_file(os.path.join(os.path.dirname(including), inc)) or layer_of_file(including), None
    rel = "lib/" + inc
    if rel in LIB_FILES:
        return LIB_FILES[rel], None
    if d not in LIB_DIRS:
        return None, "an include of an unknown directory"
    return LIB_DIRS[d], None


def main():
    repo = sys.argv[1]
    problems, checked = [], 0
    for top in ("include/shipready", "lib", "src"):
        for dirpath, _, files in os.walk(os.path.join(repo, top)):
            for f in sorted(files):
                if not f.endswith((".c", ".h")):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, f), repo)
                mine = layer_of_file(rel)
                if mine is None:
                    problems.append("%s: no layer (add its directory or the file to test_layers.py)" % rel)
                    continue
                with open(os.path.join(repo, rel), errors="replace") as fh:
                    text = fh.read()
                for inc in INCLUDE.findall(text):
                    checked += 1
                    theirs, why = layer_of_include(inc, rel)
                    if why:
                        problems.append("%s (%s): includes %s: %s" % (rel, mine, inc, why))
                    elif theirs and RANK[theirs] > RANK[mine]:
                        problems.append("%s (%s) includes %s (%s): a layer above it" % (rel, mine, inc, theirs))
    for p in problems:
        print("FAIL:", p)
    print("layers: %d includes checked, %d problems" % (checked, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
