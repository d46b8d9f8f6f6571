"""shipready preflight: the host check script, run for real.

  test_preflight.py SHIPREADY FIXTURE_DIR WORK_DIR

The script is written once for a set of real programs (C static and
dynamic, C++, cgo and pure Go with run-time needs, musl, 32-bit x86, arm64,
a program needing a library no root has) and run with chroot in the
debootstrap roots (bookworm, bullseye, bookworm without CA roots, without
zoneinfo) with their own dash, and in copies of the Alpine-shaped musl root
and the empty scratch root with busybox sh (Debian's busybox-static).  In
every root its answer must equal `check --target dir:ROOT --json` for the
same programs: the same failures and warnings, kind by kind, naming the
same library, symbol version or interpreter, and exit status 1 exactly
when a program fails there.  Also: every embedded value is quoted (a file
name with quotes, `$(...)` and a newline runs nothing), the script passes
`sh -n` in dash and busybox, and it contains no network command.
Skipped (with a note) when not root: chroot needs it.
"""
import json
import os
import re
import shutil
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

LINE = re.compile(r"^(FAIL|warn|\?) (.*?): ([a-z-]+): (.*)$")


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=300, **kw)


def key_of(kind, text):
    """What a finding is about, from its reason: the library, the symbol
    version, the interpreter, or the kind alone."""
    if kind == "library":
        m = re.match(r"(\S+) \(needed by", text)
        return m.group(1) if m else text
    if kind == "symbol-version":
        m = re.search(r"does not define (\S+)", text)
        return m.group(1) if m else text
    if kind == "interpreter":
        m = re.search(r"interpreter (/\S+)", text)
        return m.group(1) if m else text
    return ""


def script_findings(out):
    """{program: set of (severity, kind, key)} and the ok lines."""
    found, ok = {}, set()
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            sev = {"FAIL": "fail", "warn": "warn", "?": "unknown"}[m.group(1)]
            found.setdefault(m.group(2), set()).add((sev, m.group(3), key_of(m.group(3), m.group(4))))
        elif line.startswith("ok "):
            ok.add(line[3:].split(": runs on this host")[0])
    return found, ok


def check_findings(doc):
    found = {}
    for b in doc["binaries"]:
        for r in b["results"]:
            for f in r["findings"]:
                if f["severity"] in ("fail", "warn"):
                    found.setdefault(b["path"], set()).add((f["severity"], f["kind"], key_of(f["kind"], f["reason"])))
    return found


def main():
    exe, fixdir, work = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    c = common.Checker("cli-preflight")
    fx = common.fixtures(fixdir)
    progs = [os.path.join(fx, n) for n in ("c-static", "c-pie", "c-verneed", "cxx", "go-cgo", "go-amd64",
                                          "musl-dynamic", "musl-static", "c-m32", "go-arm64")]
    needs, p = common.go_needs_program(work)
    c.true("a Go program with run-time needs is built", needs is not None, p.stderr if p else "no go")
    if needs:
        progs.append(needs)
    # a program that needs a library no root has
    src = os.path.join(work, "src")
    os.makedirs(src)
    with open(os.path.join(src, "l.c"), "w") as f:
        f.write("int l(void) { return 1; }\n")
    with open(os.path.join(src, "m.c"), "w") as f:
        f.write("int l(void);\nint main(void) { return l(); }\n")
    b1 = run(["gcc", "-shared", "-fPIC", "-o", os.path.join(src, "libpreflight-test.so.1"), os.path.join(src, "l.c"),
              "-Wl,-soname,libpreflight-test.so.1"])
    b2 = run(["gcc", "-o", os.path.join(src, "needs-lib"), os.path.join(src, "m.c"),
              os.path.join(src, "libpreflight-test.so.1")])
    c.eq("a program needing its own library is built", (b1.returncode, b2.returncode), (0, 0))
    progs.append(os.path.join(src, "needs-lib"))
    # the same program shipping its library beside it ($ORIGIN): nothing to ask of the host
    b3 = run(["gcc", "-o", os.path.join(src, "ships-lib"), os.path.join(src, "m.c"),
              os.path.join(src, "libpreflight-test.so.1"), "-Wl,-rpath,$ORIGIN"])
    c.eq("a program shipping its library is built", b3.returncode, 0)

    # what each program ships beside it: NEEDED libraries in its own
    # directory with $ORIGIN in its RPATH/RUNPATH (readelf, the oracle)
    shipped = {}
    for prog in progs:
        d = run(["readelf", "-d", prog]).stdout
        if "$ORIGIN" not in d:
            continue
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", d)
        shipped[prog] = {n for n in needed if os.path.exists(os.path.join(os.path.dirname(prog), n))}
    c.true("a fixture ships a library through $ORIGIN", any(shipped.values()), shipped)
    script = os.path.join(work, "check-host.sh")
    p = run([exe, "preflight", "-o", script] + progs)
    c.eq("preflight: exit 0", (p.returncode, p.stderr), (0, ""))
    text = open(script).read()
    c.eq("preflight: the script is executable", oct(os.stat(script).st_mode & 0o777), "0o755")
    for sh in (["dash", "-n", script], ["busybox", "sh", "-n", script]):
        q = run(sh)
        c.eq("%s: the script parses" % " ".join(sh[:-1]), (q.returncode, q.stderr), (0, ""))
    c.true("no network command in the script",
           not re.search(r"\b(curl|wget|nc|ssh|scp|/dev/tcp|ftp)\b", text), "")
    # the shipped library is not asked for
    p = run([exe, "preflight", os.path.join(src, "ships-lib")])
    c.true("a library shipped through $ORIGIN is not asked of the host", "libpreflight-test" not in
           p.stdout.split("sr_begin", 1)[-1], p.stdout[-600:])
    # hostile names: quoted, never run
    evil = os.path.join(work, "it's $(touch PWNED) `x`\nnew")
    shutil.copy(os.path.join(fx, "c-static"), evil)
    evil_script = os.path.join(work, "evil.sh")
    p = run([exe, "preflight", "-o", evil_script, evil])
    q = run(["dash", evil_script], cwd=work)
    c.true("a hostile file name runs nothing", not os.path.exists(os.path.join(work, "PWNED")) and q.returncode == 0,
           q.stdout + q.stderr)
    c.true("a hostile file name is printed as given", "ok %s: runs on this host" % evil in q.stdout, q.stdout)
    # uname -m spellings of 32-bit ARM: the table check and the script share
    fake = os.path.join(work, "fakebin")
    os.makedirs(fake)
    with open(os.path.join(fake, "uname"), "w") as f:
        f.write('#!/bin/sh\ncase "$1" in -m) echo "$FAKE_M" ;; -r) echo 6.1.0 ;; esac\n')
    os.chmod(os.path.join(fake, "uname"), 0o755)
    arm_script = os.path.join(work, "arm.sh")
    run([exe, "preflight", "-o", arm_script, os.path.join(fx, "arm-hf.elf")])
    for m, want in (("armv6l", False), ("armv7l", False), ("armv8l", False), ("x86_64", True)):
        q = run(["dash", arm_script], env=dict(os.environ, PATH=fake + ":" + os.environ["PATH"], FAKE_M=m))
        c.eq("an ARM program on a host whose uname -m is %s: exec-format %s" % (m, "fails" if want else "passes"),
             "exec-format" in q.stdout and "FAIL" in q.stdout, want)
    # PE input: refused, the others still written
    p = run([exe, "preflight", os.path.join(fx, "pe", "go-hello-amd64.exe"), os.path.join(fx, "c-static")])
    c.eq("a PE file: exit 2, one line", (p.returncode, p.stderr.count("\n")), (2, 1))
    c.true("a PE file: the others still in the script", "sr_begin" in p.stdout, p.stdout[-300:])

    if os.geteuid() != 0:
        print("note: not root: the chroot runs are skipped")
        return c.report()
    roots = common.reality_roots(fixdir)
    if not roots:
        print("note: no debootstrap roots: the chroot runs are skipped")
        return c.report()
    busybox = shutil.which("busybox")
    cases = []
    for name in ("bookworm", "bullseye", "bookworm-noca", "bookworm-notz"):
        cases.append((name, os.path.join(roots, name), ["/bin/sh"]))
    # busybox's own sh in a glibc root too
    cases.append(("bookworm (busybox sh)", os.path.join(roots, "bookworm"), ["/tmp/busybox", "sh"]))
    for name in ("musl", "scratch"):
        copy = os.path.join(work, "roots", name)
        shutil.copytree(os.path.join(roots, name), copy, symlinks=True)
        os.makedirs(os.path.join(copy, "bin"), exist_ok=True)
        shutil.copy(busybox, os.path.join(copy, "bin", "busybox"))
        for applet in ("sh", "uname", "tr", "grep", "dd", "head"):
            os.symlink("busybox", os.path.join(copy, "bin", applet))
        # every host has /dev/null
        os.makedirs(os.path.join(copy, "dev"), exist_ok=True)
        os.mknod(os.path.join(copy, "dev", "null"), 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        cases.append((name + " (busybox)", copy, ["/bin/sh"]))
    for name, root, shell in cases:
        tmp = os.path.join(root, "tmp")
        made_tmp = not os.path.isdir(tmp)
        os.makedirs(tmp, exist_ok=True)
        shutil.copy(script, os.path.join(tmp, "shipready-check-host.sh"))
        if shell[0] == "/tmp/busybox":
            shutil.copy(busybox, os.path.join(tmp, "busybox"))
        try:
            q = run([shutil.which("chroot") or "/usr/sbin/chroot", root] + shell + ["/tmp/shipready-check-host.sh"], env={"PATH": "/usr/bin:/bin"})
        finally:
            os.unlink(os.path.join(tmp, "shipready-check-host.sh"))
            if shell[0] == "/tmp/busybox":
                os.unlink(os.path.join(tmp, "busybox"))
            if made_tmp:
                os.rmdir(tmp)
        pj = run([exe, "check", "--json", "--target", "dir:" + root] + progs)
        doc = json.loads(pj.stdout)
        want = check_findings(doc)
        # check imagines each program alone at its path in the root; the
        # script asks the host only for what a program does not ship
        for prog, libs in shipped.items():
            want[prog] = {f for f in want.get(prog, set()) if not (f[1] == "library" and f[2] in libs)}
            if not want[prog]:
                for b in doc["binaries"]:
                    for r in b["results"]:
                        if b["path"] == prog and all(f["kind"] == "library" and key_of("library", f["reason"]) in libs
                                                     for f in r["findings"] if f["severity"] == "fail"):
                            r["verdict"] = "runs"
        got, ok = script_findings(q.stdout)
        c.eq("%s: no error from the script" % name, q.stderr, "")
        for prog in progs:
            c.eq("%s: %s: the script's findings are check's" % (name, os.path.basename(prog)),
                 sorted(got.get(prog, set())), sorted(want.get(prog, set())))
        fails = {b["path"] for b in doc["binaries"] for r in b["results"] if r["verdict"] == "fails"}
        c.eq("%s: ok exactly for the programs that do not fail" % name, sorted(ok), sorted(set(progs) - fails))
        c.eq("%s: exit 1 exactly when one fails" % name, q.returncode, 1 if fails else 0)
        last = (q.stdout.rstrip().splitlines() or [""])[-1]
        c.true("%s: the summary line" % name, last.startswith("this host: x86_64"), q.stdout[-300:] + q.stderr)
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
