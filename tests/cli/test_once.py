"""One analysis per file: every command opens each input once, and each
library of a root once, however many targets or steps ask about it.

  test_once.py SHIPREADY WORKDIR

The oracle is the kernel: strace records every open(2)/openat(2) the
command makes, and the test counts the successful ones of each file (O_PATH
walks of directories are not reads and are not counted).

Programs:
- app: a dynamic C program (gcc) with RUNPATH $ORIGIN/../lib that needs
  libcarried.so, shipped beside it in ../lib (as an npm add-on or a bundle
  carries its libraries), and calls localtime (a zoneinfo need);
- gostatic: a static Go program (CGO_ENABLED=0) that loads a named zone,
  when a go command is present.

Expected, per command:
- inspect, check (database targets, a dir: target, both), dockerfile, unit:
  the input is opened once;
- bundle and image: twice, the analysis and the copy of its bytes into the
  output;
- check against several database targets: libcarried.so, which every
  target judges too, is opened once (it was once per target);
- dockerfile: libcarried.so once (its library list and its check of the
  root read the same resolution);
- check against the same dir: root twice over (two names): each library of
  the root once;
- scan of a tree: each binary once (the walk reads its head and hands the
  open file to the analysis).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

APP_C = r"""
#include <stdio.h>
#include <time.h>
int carried(void);
int main(void) {
	time_t t = 0;
	struct tm *tm = localtime(&t);
	printf("%d %d\n", carried(), tm ? tm->tm_year : -1);
	return 0;
}
"""

LIB_C = "int carried(void) { return 42; }\n"

GO_SRC = r"""
package main

import (
	"fmt"
	"time"
)

func main() {
	l, err := time.LoadLocation("Europe/Berlin")
	fmt.Println(l, err)
}
"""

OPEN_RE = re.compile(r'^\d+\s+(?:open|openat|openat2)\((?:[^,]+, )?"((?:[^"\\]|\\.)*)", ([^,)]*)(?:[,)].*)?= (-?\d+)')


def traced_opens(exe, args, work, cwd):
    """Run shipready under strace; return (exit status, stderr, {basename: count})
    of successful opens that are not O_PATH."""
    log = os.path.join(work, "strace.log")
    if os.path.exists(log):
        os.unlink(log)
    env = dict(os.environ)
    if "ASAN_OPTIONS" in env:
        # LeakSanitizer stops the world with ptrace, which a traced process
        # cannot do; leaks are checked by every other test of this build
        env["ASAN_OPTIONS"] += ":detect_leaks=0"
    p = subprocess.run(["strace", "-f", "-qq", "-o", log, "-e", "trace=open,openat,openat2", exe] + args,
                       cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
    counts = {}
    for line in common.strace_lines(log):
        m = OPEN_RE.match(line)
        if not m or int(m.group(3)) < 0 or "O_PATH" in m.group(2):
            continue
        base = os.path.basename(m.group(1))
        counts[base] = counts.get(base, 0) + 1
    return p.returncode, p.stderr, counts


def build_app(work):
    tree = os.path.join(work, "tree")
    os.makedirs(os.path.join(tree, "bin"))
    os.makedirs(os.path.join(tree, "lib"))
    src = os.path.join(work, "src")
    os.makedirs(src)
    with open(os.path.join(src, "app.c"), "w") as f:
        f.write(APP_C)
    with open(os.path.join(src, "lib.c"), "w") as f:
        f.write(LIB_C)
    lib = os.path.join(tree, "lib", "libcarried.so")
    app = os.path.join(tree, "bin", "app")
    for cmd in (["gcc", "-shared", "-fPIC", "-o", lib, os.path.join(src, "lib.c")],
                ["gcc", "-o", app, os.path.join(src, "app.c"), "-L" + os.path.dirname(lib), "-lcarried",
                 "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib"]):
        p = common.run(cmd, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr))
    return app, lib


def main():
    exe, work_parent = os.path.abspath(sys.argv[1]), sys.argv[2]
    ck = common.Checker("cli-once")
    if not shutil.which("strace"):
        print("SKIP: no strace")
        return 77
    os.makedirs(work_parent, exist_ok=True)
    work = tempfile.mkdtemp(prefix="once-", dir=work_parent)
    try:
        probe = subprocess.run(["strace", "-f", "-qq", "-o", "/dev/null", "true"], capture_output=True)
        if probe.returncode != 0:
            print("SKIP: strace cannot trace here: %s" % probe.stderr.decode(errors="replace").strip())
            return 77
        app, lib = build_app(work)
        out = os.path.join(work, "out")
        os.makedirs(out)
        programs = [("app", app)]
        gobin, gp = common.go_build(work, "gostatic", GO_SRC)
        if gobin:
            programs.append(("gostatic", gobin))
        elif gp is not None:
            ck.fail("go build: %s" % gp.stderr)
        else:
            print("note: no go command: the Go program is left out")

        for name, path in programs:
            cwd = os.path.dirname(path)
            rel = os.path.basename(path)
            cases = [
                ("inspect", ["inspect", rel], 1),
                ("inspect --json", ["inspect", "--json", rel], 1),
                ("check (default targets)", ["check", rel], 1),
                ("check dir:/ and database targets", ["check", "--target", "dir:/", "--target", "debian-11",
                                                      "--target", "debian-12", rel], 1),
                ("dockerfile", ["dockerfile", rel], 1),
                ("unit", ["unit", rel], 1),
                ("bundle (analysis, then the copy)", ["bundle", "-o", os.path.join(out, name + ".tar"), rel], 2),
                ("image (analysis, then the copy)", ["image", "-o", os.path.join(out, name + ".oci.tar"), rel], 2),
            ]
            for what, args, want in cases:
                rc, err, counts = traced_opens(exe, args, work, cwd)
                if ck.true("%s: %s runs (exit 0 or 1)" % (name, what), rc in (0, 1), "exit %d: %s" % (rc, err)):
                    ck.eq("%s: %s: opens of the input" % (name, what), counts.get(rel, 0), want)

        # a tree scanned: each binary opened once, the head read by the walk
        # and the analysis from the same descriptor
        tree = os.path.dirname(os.path.dirname(app))
        rc, err, counts = traced_opens(exe, ["scan", "--jsonl", tree], work, work)
        if ck.true("scan of the tree runs", rc in (0, 1), err):
            ck.eq("scan: opens of app", counts.get("app", 0), 1)
            ck.eq("scan: opens of libcarried.so", counts.get("libcarried.so", 0), 1)

        # a library every target judges: read once per run, not once per target
        cwd, rel = os.path.dirname(app), os.path.basename(app)
        rc, err, counts = traced_opens(exe, ["check", "--target", "debian-11", "--target", "debian-12",
                                             "--target", "ubuntu-22.04", "--target", "ubuntu-20.04", rel],
                                       work, cwd)
        if ck.true("check app on four database targets runs", rc in (0, 1), err):
            ck.eq("check on four database targets: opens of libcarried.so", counts.get("libcarried.so", 0), 1)
        rc, err, counts = traced_opens(exe, ["dockerfile", rel], work, cwd)
        if ck.true("dockerfile app runs", rc in (0, 1), err):
            ck.eq("dockerfile: opens of libcarried.so", counts.get("libcarried.so", 0), 1)

        # one root named twice: one loader session, each of its files read once
        # by the loader model; libc.so.6 is read once more per target by the
        # root's own probe (which C library and architecture the root has),
        # and once by shipready's own start (counted with --version)
        root = os.path.join(work, "root")
        alias = os.path.join(work, "root-alias")
        libdir = "/usr/lib/x86_64-linux-gnu"
        os.makedirs(os.path.join(root, libdir.lstrip("/")))
        os.makedirs(os.path.join(root, "lib64"))
        shutil.copy2(os.path.join(libdir, "libc.so.6"), os.path.join(root, libdir.lstrip("/"), "libc.so.6"))
        shutil.copy2("/lib64/ld-linux-x86-64.so.2", os.path.join(root, "lib64", "ld-linux-x86-64.so.2"))
        # the tree as the program carries it, at its place in the root
        # ($ORIGIN/../lib passes through bin/, which must be there)
        carried_dir = os.path.join(root, os.path.dirname(lib).lstrip("/"))
        os.makedirs(carried_dir)
        os.makedirs(os.path.join(root, os.path.dirname(app).lstrip("/")))
        shutil.copy2(lib, carried_dir)
        os.symlink(root, alias)
        _, _, own = traced_opens(exe, ["--version"], work, cwd)
        rc, err, counts = traced_opens(exe, ["check", "--target", "dir:" + root, "--target", "dir:" + alias,
                                             rel], work, cwd)
        if ck.true("check app on one root named twice runs", rc in (0, 1), err):
            ck.eq("one root named twice: opens of the input", counts.get(rel, 0), 1)
            ck.eq("one root named twice: opens of its libcarried.so", counts.get("libcarried.so", 0), 1)
            ck.eq("one root named twice: opens of libc.so.6 (shipready's own, 2 probes, the loader model once)",
                  counts.get("libc.so.6", 0), own.get("libc.so.6", 0) + 2 + 1)
    finally:
        if not os.environ.get("KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    return ck.report()


if __name__ == "__main__":
    sys.exit(main())
