#!/usr/bin/env python3
"""`shipready go-version [-m]` against the oracle `go version [-m]` (Go 1.19).

    python3 tests/cli/test_go_oracle.py SHIPREADY FIXTURE_DIR

stdout of the two must be equal byte for byte, with and without -m, on:
  - the directories /usr and /usr/local/bin (whichever exist): the real Go
    binaries installed here, built by Go 1.19 to 1.25;
  - the Go fixtures (FIXTURE_DIR/gover, tests/fixtures/build.sh: go1.15 to
    go1.24, cgo, PIE, -s -w, 8 architectures), named one by one and as a
    directory, and the whole FIXTURE_DIR (C binaries, libraries, logs: all
    skipped silently in a walk);
  - a small tree made here that pins the walk: lexical order, nested
    directories, symlinks to files (followed) and to directories (not),
    non-executable Go binaries, truncated and empty executables.
Named explicitly, a file that is not an executable Go binary (a C binary, a
script, a non-executable copy of a Go binary, a missing path, the fixtures
whose build info was removed) gives one stderr line `shipready: PATH: reason`
and exit 2 while the other files are still printed; go reports each of them on
stderr too (its wording differs on purpose) and prints nothing for it on stdout.
Prints the number of Go files compared per case and a unified diff on a
mismatch; `test_go_oracle: N checks, N failed` last.
"""
import difflib
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

GO = os.environ.get("SHIPREADY_TEST_GO", "/usr/bin/go")
REAL_DIRS = ["/usr", "/usr/local/bin"]
NOBI = ["go119-hello-nobi-section", "go119-hello-nobi-magic"]
ERR_RE = r"^shipready: %s: [a-z0-9(].*[^.\s]$"


def run(cmd, timeout=300):
    """Run cmd; stdout and stderr as bytes (compared byte for byte)."""
    env = dict(os.environ, LC_ALL="C")
    for k in ("GOFLAGS", "GOTOOLCHAIN", "GOROOT"):
        env.pop(k, None)
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=timeout, env=env)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or b"", e.stderr or b""


def go_files(out):
    """The header lines `PATH: goVERSION` of a go version output."""
    return [l for l in out.decode(errors="surrogateescape").split("\n") if l and not l.startswith("\t")]


def diff(a, b, limit=120):
    lines = list(difflib.unified_diff(b.decode(errors="replace").splitlines(),
                                      a.decode(errors="replace").splitlines(),
                                      "go version", "shipready go-version", lineterm="", n=2))
    more = len(lines) - limit
    return "\n".join(lines[:limit]) + ("\n... %d more diff lines" % more if more > 0 else "")


class Oracle:
    def __init__(self, ck, exe):
        self.ck = ck
        self.exe = exe
        self.total = 0

    def compare(self, label, flags, paths, errors=(), stderr_free=True):
        """Both tools on paths; stdout must be equal.  errors: the paths that
        must each give one `shipready: PATH: …` line (then exit 2), else exit
        0 and (unless stderr_free is false: -v) nothing on stderr."""
        grc, gout, gerr = run([GO, "version"] + flags + paths)
        src, sout, serr = run([self.exe, "go-version"] + flags + paths)
        n = len(go_files(gout))
        self.total += n
        what = "%s (go-version %s)" % (label, " ".join(flags) or "no flags")
        print("%s: %d Go files, %d explicit errors" % (what, n, len(errors)))
        if src is None:
            self.ck.fail("%s: shipready timed out" % what)
            return
        if grc != 0 and not errors:
            self.ck.fail("%s: the oracle failed (exit %r): %s" % (what, grc, gerr.decode(errors="replace")[:500]))
            return
        if not self.ck.true("%s: stdout equal to go version's" % what, sout == gout,
                            "\n" + diff(sout, gout)):
            pass
        serr_lines = serr.decode(errors="surrogateescape").splitlines()
        if errors:
            self.ck.eq("%s: exit status" % what, src, 2)
            self.ck.eq("%s: one stderr line per bad path" % what, len(serr_lines), len(errors))
            for line, p in zip(serr_lines, errors):
                self.ck.true("%s: stderr line for %s" % (what, p),
                             re.match(ERR_RE % re.escape(p), line) is not None, repr(line))
                # go reports it as well (its own wording), and prints nothing on stdout for it
                self.ck.true("%s: go reports %s on stderr" % (what, p),
                             re.search(re.escape(p.encode()) + b"[:\n]", gerr) is not None,
                             gerr.decode(errors="replace")[:300])
                self.ck.true("%s: %s not on stdout" % (what, p),
                             (p + ": ").encode() not in sout and (p + ": ").encode() not in gout)
        else:
            self.ck.eq("%s: exit status" % what, src, 0)
            if stderr_free:
                self.ck.eq("%s: stderr" % what, serr.decode(errors="replace"), "")


def make_tree(top, gover):
    """A tree that pins go version's walk.  Returns (tree, facts)."""
    t = os.path.join(top, "tree")
    os.makedirs(t)
    hello = os.path.join(gover, "go119-hello")
    old = os.path.join(gover, "go115-hello")

    def cp(src, rel, mode=0o755):
        p = os.path.join(t, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        shutil.copyfile(src, p)
        os.chmod(p, mode)
        return p

    def write(rel, data, mode=0o755):
        p = os.path.join(t, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, mode)
        return p

    # lexical order: byte order of names at each level ("B" < "a" < "a-x" < "a.x" < "a0")
    cp(hello, "a")
    cp(old, "B")
    cp(hello, "a-x/inner")
    cp(hello, "a.x")
    cp(old, "a0")
    cp(hello, "deep/er/and/deeper/go")
    cp(hello, "only-owner-exec", 0o700)
    cp(hello, "group-exec-only", 0o610)
    nonexec = cp(hello, "not-executable", 0o644)
    with open(hello, "rb") as f:
        data = f.read()
    trunc = write("truncated", data[:4096])
    empty = write("empty", b"")
    script = write("script.sh", b"#!/bin/sh\necho hi\n")
    c_bin = cp(os.path.join(os.path.dirname(gover), "c-pie"), "c-pie")
    os.symlink("a", os.path.join(t, "link-to-file"))
    os.symlink("a-x", os.path.join(t, "link-to-dir"))
    os.symlink("not-executable", os.path.join(t, "link-to-nonexec"))
    os.symlink("nowhere", os.path.join(t, "link-dangling"))
    os.symlink(os.path.join(t, "deep"), os.path.join(top, "tree-link"))
    return t, dict(nonexec=nonexec, trunc=trunc, empty=empty, script=script, c_bin=c_bin)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_go_oracle.py SHIPREADY FIXTURE_DIR")
    exe = os.path.abspath(sys.argv[1])
    fixdir = os.path.abspath(sys.argv[2])
    ck = common.Checker("test_go_oracle")
    if not os.access(GO, os.X_OK):
        print("FAIL: %s not found (Debian: golang-go; make test installs it)" % GO)
        return 1
    rc, out, _ = run([GO, "version"])
    print("oracle: %s" % out.decode().strip())
    common.fixtures(fixdir)
    gover = os.path.join(fixdir, "gover")

    rc, out, err = run([exe, "go-version", os.path.join(gover, "go119-hello")])
    if rc != 0 or not out:
        print("FAIL: `shipready go-version` does not work yet (exit %r): %s"
              % (rc, err.decode(errors="replace").strip()))
        return 1

    O = Oracle(ck, exe)
    fixtures = sorted(os.path.join(gover, n) for n in os.listdir(gover) if n not in NOBI)
    ck.true("Go fixtures built", len(fixtures) >= 30, "%d in %s" % (len(fixtures), gover))
    real = [d for d in REAL_DIRS if os.path.isdir(d)]
    tmp = tempfile.mkdtemp(prefix="go-oracle-", dir=os.path.dirname(fixdir))
    try:
        tree, f = make_tree(tmp, gover)
        for flags in (["-m"], []):
            # (a) the real Go binaries on this machine
            if real:
                O.compare(" ".join(real), flags, real)
            # (b) every Go fixture: named one by one, as a directory, and the
            # whole fixture directory (mostly not Go: skipped silently)
            O.compare("Go fixtures named", flags, fixtures)
            O.compare("gover/ walked", flags, [gover])
            O.compare("fixture dir walked", flags, [fixdir])
            # the walk's rules
            O.compare("tree walked", flags, [tree])
            O.compare("symlink to a dir named", flags, [os.path.join(tmp, "tree-link")])
            O.compare("symlinks to files named", flags,
                      [os.path.join(tree, "link-to-file"), os.path.join(tree, "a")])
            # (d) explicit non-Go files and non-executables: one line each, exit 2,
            # the Go binaries around them still printed
            bad = [f["c_bin"], f["script"], f["nonexec"], f["empty"], f["trunc"],
                   os.path.join(tree, "link-to-nonexec"), os.path.join(tree, "link-dangling"),
                   os.path.join(tmp, "no-such-file")]
            mixed = [os.path.join(tree, "a")]
            for b in bad:
                mixed += [b, os.path.join(tree, "B")]
            O.compare("explicit bad files among Go files", flags, mixed, errors=bad)
            # (e) Windows and macOS builds: PE and thin Mach-O read like ELF; a
            # universal file is an error for Go 1.19's reader and for ours
            pe = sorted(os.path.join(fixdir, "pe", n) for n in os.listdir(os.path.join(fixdir, "pe"))
                        if n.startswith("go-"))
            mo = [os.path.join(fixdir, "macho", n) for n in ("go-darwin-amd64", "go-darwin-arm64",
                                                              "go-darwin-arm64-nethttp")]
            ck.true("PE and Mach-O Go fixtures", len(pe) >= 4, repr(pe))
            O.compare("PE and Mach-O Go builds named", flags, pe + mo)
            fat = [os.path.join(fixdir, "macho", "fat-go-hello")]
            O.compare("universal Mach-O named", flags, [mo[0]] + fat, errors=fat)
            # build info removed: an error for both tools
            nobi = [os.path.join(gover, n) for n in NOBI]
            O.compare("build info removed", flags, [os.path.join(gover, "go119-hello")] + nobi,
                      errors=nobi)
        # -v reports skipped files on stderr, stdout does not change
        O.compare("tree walked, -v (stdout only)", ["-m", "-v"], [tree], stderr_free=False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("compared: %d Go files in all" % O.total)
    return ck.report()


if __name__ == "__main__":
    sys.exit(main())
