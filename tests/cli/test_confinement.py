#!/usr/bin/env python3
"""With --root, no file outside the root is ever opened or looked at.

A root tree is built with the traps an unpacked image can hold: absolute
symlinks naming host files, relative symlinks climbing out with `..`, `..`
in the requested path itself, symlink loops and long chains.  shipready runs
under strace (open, openat, openat2, and the stat/readlink calls of the
walk), with -y so every descriptor is shown with its path; after the root is
opened, every path the process touches must lie inside the root.  The
answers are checked too: what exists inside the root is analysed, the rest
is a one-line error.

    test_confinement.py SHIPREADY
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

TRACED = "open,openat,openat2,newfstatat,fstatat64,statx,readlinkat,readlink,stat,lstat,access,faccessat,faccessat2"


def build_root(root):
    os.makedirs(os.path.join(root, "usr/bin"))
    os.makedirs(os.path.join(root, "lib"))
    os.makedirs(os.path.join(root, "etc"))
    shutil.copyfile(os.path.realpath("/bin/true"), os.path.join(root, "usr/bin/true"))
    links = {
        "usr/bin/app": "/usr/bin/true",                 # absolute, exists inside the root
        "usr/bin/host-ls": "/usr/bin/ls",               # absolute, exists only on the host
        "usr/bin/climb": "../../../../../../usr/bin/ls",  # relative, tries to climb out
        "usr/bin/climb-ok": "../../../../../../usr/bin/true",
        "lib/loop1": "loop2",
        "lib/loop2": "loop1",
        "lib/self": "self",
        "etc/passwd-link": "/etc/passwd",
        "lib/dir-out": "/usr",                          # a directory symlink, re-rooted
    }
    for name, target in links.items():
        os.symlink(target, os.path.join(root, name))
    # a chain of 30 links ends at true (under the 40-link limit)
    prev = "/usr/bin/true"
    for i in range(30):
        name = "lib/chain%d" % i
        os.symlink(prev, os.path.join(root, name))
        prev = "/" + name


# path asked for -> expected: ("ok", resolved) or ("error", reason regex)
CASES = [
    ("/usr/bin/true", ("ok", "/usr/bin/true")),
    ("usr/bin/true", ("ok", "/usr/bin/true")),
    ("/usr/bin/app", ("ok", "/usr/bin/true")),
    ("/usr/bin/climb-ok", ("ok", "/usr/bin/true")),
    ("../../../usr/bin/true", ("ok", "/usr/bin/true")),
    ("/lib/dir-out/bin/true", ("ok", "/usr/bin/true")),
    ("/lib/chain29", ("ok", "/usr/bin/true")),
    ("/usr/bin/host-ls", ("error", r"^no such file inside the root: /usr/bin/ls$")),
    ("/usr/bin/climb", ("error", r"^no such file inside the root: /usr/bin/ls$")),
    ("../../../usr/bin/ls", ("error", r"^no such file inside the root: /usr/bin/ls$")),
    ("/etc/passwd-link", ("error", r"^no such file inside the root: /etc/passwd$")),
    ("/etc/passwd", ("error", r"^no such file inside the root: /etc/passwd$")),
    ("/lib/loop1", ("error", r"^too many levels of symbolic links$")),
    ("/lib/self", ("error", r"^too many levels of symbolic links$")),
    ("/usr/bin", ("error", r"^is a directory$")),
]

# strace -y shows a descriptor as 3</real/path>; a call names a path either
# as such a descriptor plus a relative name, or as an absolute string.
FD_RE = re.compile(r"^(?:\d+\s+)?(\w+)\((-?\d+|AT_FDCWD)(?:<([^>]*)>)?,\s*\"([^\"]*)\"")
PATH_RE = re.compile(r"^(?:\d+\s+)?(\w+)\(\"([^\"]*)\"")
RET_RE = re.compile(r"=\s*\d+<([^>]*)>\s*$")


def touched_paths(line, cwd):
    """The absolute paths a traced call names or opened."""
    out = []
    m = FD_RE.match(line)
    if m:
        _call, fd, fdpath, name = m.groups()
        if name.startswith("/"):
            out.append(name)
        elif fd == "AT_FDCWD":
            out.append(os.path.normpath(os.path.join(cwd, name)))
        elif fdpath is not None and name:
            out.append(os.path.normpath(os.path.join(fdpath, name)))
        # an empty name (AT_EMPTY_PATH) is fstat of a descriptor whose
        # opening was itself checked, or of stdin/stdout/stderr
    else:
        m = PATH_RE.match(line)
        if m:
            p = m.group(2)
            out.append(p if p.startswith("/") else os.path.normpath(os.path.join(cwd, p)))
    r = RET_RE.search(line)
    if r:
        out.append(r.group(1))
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    exe = os.path.abspath(sys.argv[1])
    ck = common.Checker("test_confinement")
    if not shutil.which("strace"):
        ck.fail("strace is not installed (make test installs it)")
        return ck.report()
    tmp = tempfile.mkdtemp(prefix="shipready-root-")
    try:
        root = os.path.realpath(os.path.join(tmp, "root"))
        build_root(root)
        log = os.path.join(tmp, "strace.log")
        paths = [c[0] for c in CASES]
        cmd = ["strace", "-f", "-qq", "-y", "-e", "trace=" + TRACED, "-o", log,
               exe, "inspect", "--json", "--root", root] + paths
        # run from a directory outside the root, so relative paths cannot
        # accidentally land inside it
        env = dict(os.environ)
        if "ASAN_OPTIONS" in env:
            # LeakSanitizer cannot work under ptrace; every other test checks leaks
            env["ASAN_OPTIONS"] += ":detect_leaks=0"
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp, timeout=60, env=env)
        ck.eq("exit status (some cases are errors)", p.returncode, 2)
        import json
        doc = json.loads(p.stdout)
        results = {r["path"]: r for r in doc["results"]}
        for path, (want, detail) in CASES:
            r = results.get(path)
            if not ck.true("%s: reported" % path, r is not None):
                continue
            if want == "ok":
                if ck.true("%s: analysed" % path, "error" not in r, r.get("error", "")):
                    ck.eq("%s: resolved inside the root" % path, r.get("resolved"), detail)
                    ck.eq("%s: root" % path, r.get("root"), root)
            else:
                ck.true("%s: error %s" % (path, detail), re.search(detail, r.get("error", "")) is not None,
                        repr(r.get("error")))
        for line in p.stderr.splitlines():
            ck.true("stderr line is one `shipready: PATH: reason`", line.startswith("shipready: "), line)

        # The confinement proper.
        lines = common.strace_lines(log)
        started = False
        checked = 0
        for line in lines:
            if not started:
                # the dynamic loader's own opens come first; the run starts
                # when the root itself is opened
                if root in line and ("open" in line):
                    started = True
                continue
            for tp in touched_paths(line, tmp):
                checked += 1
                inside = tp == root or tp.startswith(root + "/")
                ck.true("touches only paths inside the root", inside, line)
        ck.true("the root was opened (trace started)", started, "no line names %s" % root)
        ck.true("the trace saw the walk (>= 30 path operations)", checked >= 30, "%d" % checked)
        touched = set(tp for l in lines for tp in touched_paths(l, tmp))
        for hf in ("/usr/bin/ls", "/etc/passwd", "/usr/bin/true"):
            ck.true("%s of the host never touched" % hf, hf not in touched, hf)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return ck.report()


if __name__ == "__main__":
    sys.exit(main())
