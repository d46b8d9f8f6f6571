"""shipready dockerfile: the base chosen for each kind of program, and the
FROM scratch Dockerfiles built and run with buildah.

Usage: test_dockerfile.py SHIPREADY FIXTURE_DIR WORKDIR

Fixtures: c-static and go-amd64 (static, no needs) get FROM scratch and
nothing else; c-pie (glibc, only libc6) gets distroless base; cxx gets
debian:12-slim with apt-get install of libstdc++6 and libgcc-s1, every
library's package checked against `dpkg -S`; musl-dynamic gets alpine.
Built here: a Go program (CGO_ENABLED=0, crypto/x509 + time.LoadLocation)
gets scratch plus COPY of the CA roots and zoneinfo; with --go-build, a
golang:MAJOR.MINOR stage (the release of /usr/bin/go) running go build with
the CGO_ENABLED, GOARCH, -trimpath, -tags (and, without -trimpath, -ldflags)
of its build info; a C program linking a library of this directory gets a
"not mapped" comment and exit status 1.  Every Dockerfile has a non-root
USER.  With buildah: the static C program and the Go program are built into
images from their FROM scratch Dockerfiles and run; the C program reports
uid 65532, the Go program verifies it has CA roots and loads Europe/Berlin,
and the same Dockerfile without those COPY lines gives neither (so the
copies are what makes them work).  Options: --user, --healthcheck, -o, bad
values (exit 2, one line).

Source roots (--from-root), the real debootstrap roots of the reality
fixtures (tests/fixtures/reality/build.sh, shared with cli-check-reality):
bookworm gives the same bases as /, and cxx's packages equal what
`dpkg --admindir=ROOT/var/lib/dpkg -S` names; bullseye names debian:11-slim,
its own programs (gzip, apt) get their packages from bullseye's dpkg
database, and the bookworm-built cxx is reported as not starting there with
the version that a real chroot run of it names in its error (exit 1, the
problem in a comment, a warning line and the JSON).  An Alpine-shaped root
(musl's loader, os-release, an apk installed database in its documented
format) maps a musl program's own library to its apk package; a glibc
program against it, and a dynamic program against a root without
os-release, are refused (exit 2).  --json validates against
docs/schema/dockerfile.json and says what the text says (FROM, RUN).
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import REPO, Checker, run, schema_errors  # noqa: E402

GO_X509TZ = """package main

import (
	"crypto/x509"
	"fmt"
	"os"
	"time"
)

func main() {
	pool, err := x509.SystemCertPool()
	if err != nil || len(pool.Subjects()) == 0 {
		fmt.Println("ca: none")
	} else {
		fmt.Println("ca: ok")
	}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		fmt.Println("tz: failed")
		os.Exit(3)
	}
	fmt.Println("tz:", loc.String())
}
"""

C_UID = '#include <stdio.h>\n#include <unistd.h>\nint main(void){printf("uid %u\\n",(unsigned)getuid());return 0;}\n'


def froms(text):
    return [l.split()[1:] for l in text.splitlines() if l.startswith("FROM ")]


def user_of(text):
    us = [l.split(None, 1)[1] for l in text.splitlines() if l.startswith("USER ")]
    return us


def check_common(c, name, text):
    users = user_of(text)
    c.eq(name + ": one USER line", len(users), 1)
    if users:
        u = users[0].split(":")[0]
        c.true(name + ": USER is not root", u not in ("root", "0") and u.strip("0") != "", users[0])
    c.true(name + ": ENTRYPOINT /app", 'ENTRYPOINT ["/app"]' in text.splitlines(), text)
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if l and not l.startswith("#"):
            prev = lines[i - 1] if i else ""
            if l.split()[0] in ("FROM", "RUN", "USER") and not prev.startswith("#"):
                c.fail("%s: %r has no comment before it" % (name, l))


def dockerfile(exe, args, timeout=60):
    return run([exe, "dockerfile"] + args, timeout=timeout)


def dpkg_owner(path):
    p = run(["dpkg", "-S", path])
    if p.returncode != 0:
        alt = path[4:] if path.startswith("/usr/") else "/usr" + path
        p = run(["dpkg", "-S", alt])
    if p.returncode != 0:
        return None
    return p.stdout.split(":", 1)[0].strip()


class Buildah:
    def __init__(self, work):
        self.root = os.path.join(work, "buildah-root")
        self.runroot = os.path.join(work, "buildah-runroot")
        self.base = ["buildah", "--root", self.root, "--runroot", self.runroot, "--storage-driver", "vfs"]
        self.containers = []

    def available(self):
        if not shutil.which("buildah"):
            return "buildah is not installed (apt-get install buildah)"
        if os.geteuid() != 0:
            return "not root: buildah --isolation chroot needs root here"
        p = run(self.base + ["images"], timeout=60)
        if p.returncode != 0:
            return "buildah cannot run: " + p.stderr.strip()[:200]
        return None

    def build_run(self, ctx, tag):
        p = run(self.base + ["bud", "--isolation", "chroot", "-f", os.path.join(ctx, "Dockerfile"),
                             "-t", "localhost/" + tag, ctx], timeout=300)
        if p.returncode != 0:
            return None, "bud failed: " + p.stderr[-500:]
        p = run(self.base + ["from", "localhost/" + tag], timeout=60)
        if p.returncode != 0:
            return None, "from failed: " + p.stderr[-500:]
        cont = p.stdout.strip().splitlines()[-1]
        self.containers.append(cont)
        r = run(self.base + ["run", "--isolation", "chroot", cont, "--", "/app"], timeout=60)
        if r.returncode == 0 and not r.stdout:
            # seen once on a loaded machine: buildah 1.28 exited 0 with none of the
            # program's output (every program here prints); one more run tells
            print("note: buildah run of %s printed nothing: run again" % tag)
            r = run(self.base + ["run", "--isolation", "chroot", cont, "--", "/app"], timeout=60)
        return r, None

    def cleanup(self):
        for cont in self.containers:
            run(self.base + ["rm", cont], timeout=60)
        run(self.base + ["rmi", "--all", "--force"], timeout=120)
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.runroot, ignore_errors=True)


def schema_validator():
    import jsonschema
    with open(os.path.join(REPO, "docs", "schema", "dockerfile.json")) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def dpkg_owner_in(root, path):
    """The package of path in ROOT's dpkg database (dpkg itself, --admindir)."""
    admin = os.path.join(root, "var/lib/dpkg")
    for cand in (path, path[4:] if path.startswith("/usr/") else "/usr" + path):
        p = run(["dpkg", "--admindir=" + admin, "-S", cand])
        if p.returncode == 0:
            return p.stdout.split(":", 1)[0].strip()
    return None


def run_in_root(root, prog):
    """Run prog copied into ROOT with chroot(2): (exit status, stderr)."""
    sub = os.path.join(root, "shipready-dockerfile.%d" % os.getpid())
    os.makedirs(sub, exist_ok=True)
    try:
        shutil.copy2(prog, os.path.join(sub, "p"))
        p = subprocess.run(["chroot", root, "/" + os.path.basename(sub) + "/p"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, errors="replace", timeout=30)
        return p.returncode, p.stderr
    finally:
        shutil.rmtree(sub, ignore_errors=True)


def run_lines(text):
    return [l for l in text.splitlines() if l.startswith("RUN ")]


def installed(text, cmd):
    """The packages of the RUN line: apt-get install … / apk add …"""
    for l in run_lines(text):
        m = re.search(re.escape(cmd) + r" ([^&]+?)(?: &&|$)", l)
        if m:
            return m.group(1).split()
    return []


def check_json(c, name, exe, args, validator):
    """--json for args: valid, and the same facts as the text."""
    p = dockerfile(exe, ["--json"] + args)
    t = dockerfile(exe, args)
    try:
        doc = json.loads(p.stdout)
    except ValueError as e:
        c.fail("%s --json: not JSON: %s" % (name, e))
        return None
    c.eq(name + " --json: schema", schema_errors(validator, doc), [])
    c.eq(name + " --json: exit as text", p.returncode, t.returncode)
    res = doc.get("results", [{}])[0]
    if "error" in res:
        return res
    c.eq(name + " --json: dockerfile is the text", res.get("dockerfile"), t.stdout)
    c.eq(name + " --json: base is the last FROM", res.get("base"), (froms(t.stdout) or [[None]])[-1][0])
    pm = res.get("package_manager")
    want = installed(t.stdout, "apk add --no-cache" if pm == "apk" else "--no-install-recommends")
    c.eq(name + " --json: packages are the RUN line's", res.get("packages"), want)
    return res


def bookworm_zoneinfo(c, exe, bw, work):
    """A program that reads zoneinfo, from a Debian 12 root: whether the base
    has zoneinfo comes from the base's database entry (distroless-base-debian12,
    debian-12-slim), not from dockerfile's own code.  The oracle for the slim
    image: the root itself is debootstrap --variant=minbase bookworm, which
    debian:bookworm-slim is, and its dpkg database has tzdata installed."""
    src = os.path.join(work, "tz.cc")
    with open(src, "w") as f:
        f.write("#include <ctime>\n#include <iostream>\n"
                "int main() { std::time_t t = 0; std::cout << std::localtime(&t)->tm_year << std::endl; }\n")
    progs = {}
    for name, cmd in (("tz-c", ["gcc", "-x", "c", "-o"]), ("tz-cxx", ["g++", "-o"])):
        out = os.path.join(work, name)
        code = src if name == "tz-cxx" else src.replace(".cc", ".c")
        if name == "tz-c":
            with open(code, "w") as f:
                f.write("#include <stdio.h>\n#include <time.h>\n"
                        "int main(void) { time_t t = 0; printf(\"%d\\n\", localtime(&t)->tm_year); return 0; }\n")
        r = subprocess.run(cmd + [out, code], capture_output=True, text=True)
        if c.true("zoneinfo: %s builds" % name, r.returncode == 0, r.stderr):
            progs[name] = out
    status = open(os.path.join(bw, "var/lib/dpkg/status")).read()
    minbase_has_tzdata = re.search(r"^Package: tzdata\nStatus: install ok installed", status, re.M) is not None
    c.true("zoneinfo: the minbase bookworm root has tzdata installed (dpkg)", minbase_has_tzdata)
    if "tz-c" in progs:
        p = dockerfile(exe, ["--from-root", bw, progs["tz-c"]])
        c.eq("zoneinfo tz-c: FROM", (p.returncode, froms(p.stdout)), (0, [["gcr.io/distroless/base-debian12"]]))
        c.true("zoneinfo tz-c: distroless-base-debian12's entry has it",
               "distroless-base-debian12's image has it" in p.stdout, p.stdout)
    if "tz-cxx" in progs:
        p = dockerfile(exe, ["--from-root", bw, progs["tz-cxx"]])
        c.eq("zoneinfo tz-cxx: FROM", (p.returncode, froms(p.stdout)), (0, [["debian:12-slim"]]))
        pkgs = installed(p.stdout, "--no-install-recommends")
        c.eq("zoneinfo tz-cxx: tzdata installed exactly when the minbase root lacks it",
             "tzdata" in pkgs, not minbase_has_tzdata)
        c.true("zoneinfo tz-cxx: said from debian-12-slim's entry",
               "debian-12-slim's image has it" in p.stdout, p.stdout)
        # the base is judged by the run's database, the one check uses: with
        # --targets FILE whose debian-12-slim has no zoneinfo, dockerfile
        # installs tzdata, and check on that entry finds zoneinfo unmet
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "..", "..", "data", "targets.json")) as f:
            db = json.load(f)
        for t in db["targets"]:
            if t["name"] == "debian-12-slim":
                t["zoneinfo"] = False
        dbfile = os.path.join(work, "targets-slim-notz.json")
        with open(dbfile, "w") as f:
            json.dump(db, f)
        p = dockerfile(exe, ["--targets", dbfile, "--from-root", bw, progs["tz-cxx"]])
        c.eq("zoneinfo tz-cxx, --targets without slim's zoneinfo: FROM", (p.returncode, froms(p.stdout)),
             (0, [["debian:12-slim"]]))
        c.true("zoneinfo tz-cxx, --targets without slim's zoneinfo: tzdata installed",
               "tzdata" in installed(p.stdout, "--no-install-recommends"), p.stdout)
        def zoneinfo_unmet(extra):
            q = subprocess.run([exe, "check", "--json"] + extra + ["--target", "debian-12-slim", progs["tz-cxx"]],
                               capture_output=True, text=True, timeout=60)
            try:
                return any(f["kind"] == "zoneinfo" and "has no zoneinfo" in f["reason"]
                           for b in json.loads(q.stdout)["binaries"] for r in b["results"] for f in r["findings"])
            except (ValueError, KeyError):
                return None
        c.eq("zoneinfo tz-cxx: check finds zoneinfo unmet on debian-12-slim (built-in, then --targets FILE)",
             (zoneinfo_unmet([]), zoneinfo_unmet(["--targets", dbfile])), (False, True))


def from_root_part(c, exe, fixdir, work, validator):
    fx = lambda n: os.path.join(fixdir, n)  # noqa: E731
    roots = common.reality_roots(fixdir)
    if roots is False:
        c.fail("building the reality roots failed (see FIXTURE_DIR/../reality/build.log)")
        return
    if roots:
        bw, bu = os.path.join(roots, "bookworm"), os.path.join(roots, "bullseye")
        # bookworm: what / gives (this machine is Debian 12), packages from the root's own database
        p = dockerfile(exe, ["--from-root", bw, fx("c-pie")])
        c.eq("bookworm c-pie: FROM", (p.returncode, froms(p.stdout)), (0, [["gcr.io/distroless/base-debian12"]]))
        p = dockerfile(exe, ["--from-root", bw, fx("cxx")])
        c.eq("bookworm cxx: FROM", (p.returncode, froms(p.stdout)), (0, [["debian:12-slim"]]))
        bookworm_zoneinfo(c, exe, bw, work)
        libs = re.findall(r"^#   (\S+)  (/\S+)  (\S+)", p.stdout, re.M)
        c.true("bookworm cxx: libraries listed", len(libs) >= 3, p.stdout)
        for lib, path, pkg in libs:
            c.eq("bookworm cxx: package of " + path, pkg, dpkg_owner_in(bw, path))
        c.true("bookworm cxx: the root's database named",
               "packages from the dpkg database of %s:" % bw in p.stdout, p.stdout)
        res = check_json(c, "bookworm cxx", exe, ["--from-root", bw, fx("cxx")], validator)
        if res and "error" not in res:
            c.eq("bookworm cxx --json: release", res["release"], "debian 12")
            c.eq("bookworm cxx --json: no problems", res["problems"], [])

        # bullseye: its own programs, mapped through its database
        for prog in ("usr/bin/gzip", "usr/bin/apt"):
            path = os.path.join(bu, prog)
            p = dockerfile(exe, ["--from-root", bu, path])
            c.eq("bullseye %s: exit" % prog, p.returncode, 0)
            c.eq("bullseye %s: FROM" % prog, froms(p.stdout), [["debian:11-slim"]])
            libs = re.findall(r"^#   (\S+)  (/\S+)  (\S+)", p.stdout, re.M)
            c.true("bullseye %s: libraries listed" % prog, libs, p.stdout)
            want = []
            for lib, lpath, pkg in libs:
                owner = dpkg_owner_in(bu, lpath)
                c.eq("bullseye %s: package of %s" % (prog, lpath), pkg, owner)
                if owner and owner != "libc6" and owner not in want:
                    want.append(owner)
            # the data packages follow, each after its reason: installed when the
            # database does not confirm the base has them (no debian-11-slim entry)
            want += [pkg for pkg, why in (("ca-certificates", "# CA roots ("),
                                          ("tzdata", "# zoneinfo for named time zones ("))
                     if any(l.startswith(why) and ("'s image has it" not in l or "not confirmed" in l)
                            for l in p.stdout.splitlines())]
            c.eq("bullseye %s: apt packages" % prog, installed(p.stdout, "--no-install-recommends"), want)
            check_common(c, "bullseye " + prog, p.stdout)
        # a bookworm program: would not start there, and says why as the real loader does
        rc, err = run_in_root(bu, fx("cxx"))
        m = re.search(r"version [`']([^']+)' not found", err)
        if c.true("bullseye cxx: the real run fails on a version", rc != 0 and m, err):
            p = dockerfile(exe, ["--from-root", bu, fx("cxx")])
            c.eq("bullseye cxx: exit 1", p.returncode, 1)
            probs = [l for l in p.stdout.splitlines() if l.startswith("# will not run: ")]
            c.true("bullseye cxx: the loader's version in a problem", any(m.group(1) in l for l in probs), p.stdout)
            c.true("bullseye cxx: a warning line",
                   "shipready: %s: warning: will not run on debian:11-slim: " % fx("cxx") in p.stderr, p.stderr)
            c.true("bullseye cxx: said at the end",
                   "# not yet complete: the program would not start on this base" in p.stdout, p.stdout)
            res = check_json(c, "bullseye cxx", exe, ["--from-root", bu, fx("cxx")], validator)
            if res and "error" not in res:
                c.true("bullseye cxx --json: problem", any(x["kind"] == "symbol-version" and m.group(1) in x["reason"]
                                                           for x in res["problems"]), res["problems"])
                c.eq("bullseye cxx --json: release", res["release"], "debian 11")

    # an Alpine-shaped root: musl's loader, os-release, an apk database
    made = common.alpine_root(c, work)
    if not made:
        return
    ar, app = made
    # the root runs it (chroot): the database's facts are the real layout
    rc, err = run_in_root(ar, app)
    c.eq("apk root: the program runs there", (rc, err), (0, ""))
    p = dockerfile(exe, ["--from-root", ar, app])
    c.eq("apk root: exit", p.returncode, 0)
    c.eq("apk root: FROM the root's release", froms(p.stdout), [["alpine:3.21"]])
    c.eq("apk root: apk add", installed(p.stdout, "apk add --no-cache"), ["zz-libs"])
    c.true("apk root: the library's package named",
           re.search(r"^#   libzz\.so\.2  /usr/lib/libzz\.so\.2  zz-libs$", p.stdout, re.M), p.stdout)
    check_common(c, "apk root", p.stdout)
    res = check_json(c, "apk root", exe, ["--from-root", ar, app], validator)
    if res and "error" not in res:
        c.eq("apk root --json: manager", res["package_manager"], "apk")
    # without the database entry: named, not guessed
    with open(os.path.join(ar, "lib/apk/db/installed"), "w") as f:
        f.write("P:musl\nF:lib\nR:ld-musl-x86_64.so.1\n")
    p = dockerfile(exe, ["--from-root", ar, app])
    c.eq("apk root, no entry: exit 1", p.returncode, 1)
    c.true("apk root, no entry: in no package", "libzz.so.2  /usr/lib/libzz.so.2  in no package" in p.stdout, p.stdout)
    c.eq("apk root, no entry: no RUN", run_lines(p.stdout), [])
    # a glibc program on it, and a dynamic program on a root without os-release: refused
    p = dockerfile(exe, ["--from-root", ar, fx("c-pie")])
    c.eq("glibc on an Alpine root: exit 2 and why", (p.returncode, p.stdout),
         (2, ""))
    c.true("glibc on an Alpine root: message", "is Alpine (musl)" in p.stderr, p.stderr)
    bare = os.path.join(work, "bare-root")
    os.makedirs(bare)
    p = dockerfile(exe, ["--from-root", bare, fx("c-pie")])
    c.eq("no os-release: exit 2", p.returncode, 2)
    c.true("no os-release: message", "has no os-release" in p.stderr, p.stderr)
    p = dockerfile(exe, ["--from-root", bare, fx("c-static")])
    c.eq("no os-release, static: scratch", (p.returncode, froms(p.stdout)), (0, [["scratch"]]))

    # hostile roots: the database files are untrusted input (no hang, one line, bounded)
    hr = os.path.join(work, "hostile-root")
    shutil.copytree(ar, hr, symlinks=True)
    os.remove(os.path.join(hr, "etc/os-release"))
    os.mkfifo(os.path.join(hr, "etc/os-release"))
    p = dockerfile(exe, ["--from-root", hr, app], timeout=30)
    c.eq("os-release a FIFO: not read, so not an Alpine root: the default alpine, the library unmapped",
         (p.returncode, froms(p.stdout)), (1, [["alpine:3.22"]]))
    c.true("os-release a FIFO: one line", len(p.stderr.splitlines()) == 1, p.stderr)
    os.remove(os.path.join(hr, "etc/os-release"))
    with open(os.path.join(hr, "etc/os-release"), "wb") as f:
        f.write(b"ID=alpine\n" + b"VERSION_ID=" + b"9" * (4 << 20) + b"\n\x00\xff" * 1000)
    with open(os.path.join(hr, "lib/apk/db/installed"), "wb") as f:
        f.write(os.urandom(1 << 20) + b"\nP:" + b"x" * 100000 + b"\nF:" + b"d/" * 5000 + b"\nR:libzz.so.2\n")
    p = dockerfile(exe, ["--from-root", hr, app], timeout=30)
    c.true("junk databases: finishes with 0, 1 or 2", p.returncode in (0, 1, 2), p.stderr)
    c.true("junk databases: no invented package", "RUN apk" not in p.stdout or "x" * 300 not in p.stdout, p.stdout)
    dpkg_root = os.path.join(work, "hostile-dpkg")
    os.makedirs(os.path.join(dpkg_root, "var/lib/dpkg/info"))
    os.makedirs(os.path.join(dpkg_root, "etc"))
    with open(os.path.join(dpkg_root, "etc/os-release"), "w") as f:
        f.write("ID=debian\nVERSION_ID=\"12\"\n")
    os.mkfifo(os.path.join(dpkg_root, "var/lib/dpkg/info/fifo.list"))
    os.makedirs(os.path.join(dpkg_root, "var/lib/dpkg/info/dir.list"))
    os.symlink("/etc/passwd", os.path.join(dpkg_root, "var/lib/dpkg/info/escape.list"))
    p = dockerfile(exe, ["--from-root", dpkg_root, fx("cxx")], timeout=30)
    c.true("dpkg FIFO, directory and escaping symlink: finishes", p.returncode in (1, 2), p.stderr)
    c.true("dpkg: the escaping symlink is not read", "root" not in "".join(
        l for l in p.stdout.splitlines() if l.startswith("RUN")), p.stdout)


def main():
    exe, fixdir, work = sys.argv[1], sys.argv[2], sys.argv[3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    c = Checker("cli-dockerfile")
    fx = lambda n: os.path.join(fixdir, n)  # noqa: E731

    # ---- fixtures: the base for each kind
    for name in ("c-static", "go-amd64"):
        p = dockerfile(exe, [fx(name)])
        c.eq(name + ": exit", p.returncode, 0)
        c.eq(name + ": FROM", froms(p.stdout), [["scratch"]])
        c.true(name + ": no COPY but the program", [l for l in p.stdout.splitlines() if l.startswith("COPY")]
               == ['COPY ["%s", "/app"]' % name], p.stdout)
        c.true(name + ": the reason", "# static: no interpreter and no shared libraries" in p.stdout, p.stdout)
        check_common(c, name, p.stdout)

    p = dockerfile(exe, [fx("c-pie")])
    c.eq("c-pie: exit", p.returncode, 0)
    c.eq("c-pie: FROM", froms(p.stdout), [["gcr.io/distroless/base-debian12"]])
    c.true("c-pie: libc6 named", re.search(r"^#   libc\.so\.6  \S+  libc6 ", p.stdout, re.M), p.stdout)
    c.true("c-pie: no RUN", "\nRUN " not in p.stdout, p.stdout)
    check_common(c, "c-pie", p.stdout)

    p = dockerfile(exe, [fx("cxx")])
    c.eq("cxx: exit", p.returncode, 0)
    c.eq("cxx: FROM", froms(p.stdout), [["debian:12-slim"]])
    runs = [l for l in p.stdout.splitlines() if l.startswith("RUN ")]
    c.eq("cxx: one RUN", len(runs), 1)
    m = re.search(r"apt-get install -y --no-install-recommends ([^&]+) &&", runs[0] if runs else "")
    pkgs = m.group(1).split() if m else []
    c.eq("cxx: apt packages", sorted(pkgs), ["libgcc-s1", "libstdc++6"])
    # each listed library's package is the one dpkg -S names
    for lib, path, pkg in re.findall(r"^#   (\S+)  (/\S+)  (\S+)", p.stdout, re.M):
        c.eq("cxx: package of " + path, pkg, dpkg_owner(path))
    c.true("cxx: libstdc++ listed", re.search(r"^#   libstdc\+\+\.so\.6 ", p.stdout, re.M), p.stdout)
    check_common(c, "cxx", p.stdout)

    p = dockerfile(exe, [fx("musl-dynamic")])
    c.eq("musl-dynamic: exit", p.returncode, 0)
    c.eq("musl-dynamic: FROM", froms(p.stdout), [["alpine:3.22"]])
    c.true("musl-dynamic: the reason", "musl (interpreter /lib/ld-musl-x86_64.so.1)" in p.stdout, p.stdout)
    check_common(c, "musl-dynamic", p.stdout)

    # ---- a library no package holds
    gcc = shutil.which("gcc")
    if gcc:
        d = os.path.join(work, "own")
        os.makedirs(d)
        with open(os.path.join(d, "own.c"), "w") as f:
            f.write("int own(void){return 7;}\n")
        with open(os.path.join(d, "main.c"), "w") as f:
            f.write("int own(void);\nint main(void){return own()-7;}\n")
        b1 = run([gcc, "-shared", "-fPIC", "-o", os.path.join(d, "libown.so.1"), "-Wl,-soname,libown.so.1",
                  os.path.join(d, "own.c")], timeout=60)
        b2 = run([gcc, "-o", os.path.join(d, "app"), os.path.join(d, "main.c"), os.path.join(d, "libown.so.1"),
                  "-Wl,-rpath," + d], timeout=60)
        if c.true("built the own-library program", b1.returncode == 0 and b2.returncode == 0, b1.stderr + b2.stderr):
            p = dockerfile(exe, [os.path.join(d, "app")])
            c.eq("own library: exit 1", p.returncode, 1)
            c.true("own library: named unmapped",
                   "#   libown.so.1  %s/libown.so.1  in no package: not mapped" % d in p.stdout, p.stdout)
            c.eq("own library: warning line", p.stderr,
                 "shipready: %s/app: warning: 1 library not mapped to a package (named in the Dockerfile)\n"
                 % d)
            c.true("own library: no invented package", "own" not in "".join(
                l for l in p.stdout.splitlines() if l.startswith("RUN ")), p.stdout)

    # ---- options
    for bad, want in ((["--user", "0"], "--user '0': the container should not run as root"),
                      (["--user", "root:root"], "--user 'root:root': the container should not run as root"),
                      (["--user", "a b"], "--user 'a b': expected UID[:GID] or a user name"),
                      (["--healthcheck", "  "], "--healthcheck '  ': expected a command"),
                      (["--go-build", "a b"], "--go-build 'a b': expected a Go package path")):
        p = dockerfile(exe, bad + [fx("c-static")])
        c.eq("%s: exit" % bad, p.returncode, 2)
        c.eq("%s: message" % bad, p.stderr, "shipready: dockerfile: " + want + "\n")
        c.eq("%s: no output" % bad, p.stdout, "")
    p = dockerfile(exe, ["--go-build", "./x;id", fx("go-amd64")])
    c.true("--go-build: the package is quoted for sh", " -o /out/app './x;id'\n" in p.stdout, p.stdout)
    p = dockerfile(exe, ["--go-build", "./x", fx("c-pie")])
    c.eq("--go-build on C: exit", p.returncode, 2)
    c.eq("--go-build on C: message", p.stderr,
         "shipready: %s: --go-build needs a Go program with build info\n" % fx("c-pie"))
    p = dockerfile(exe, ["--user", "1000:1000", "--healthcheck", "/app  -health \"x\"", fx("c-static")])
    c.true("--user", "\nUSER 1000:1000\n" in p.stdout, p.stdout)
    c.true("--healthcheck", '\nHEALTHCHECK CMD ["/app", "-health", "\\"x\\""]\n' in p.stdout, p.stdout)
    out = os.path.join(work, "Dockerfile.o")
    p = dockerfile(exe, ["-o", out, fx("c-static")])
    c.eq("-o: exit and stdout", (p.returncode, p.stdout), (0, ""))
    ref = dockerfile(exe, [fx("c-static")]).stdout
    c.eq("-o: the file is what stdout gets", open(out).read() if os.path.exists(out) else None, ref)
    c.eq("-o: no temporary left", sorted(f for f in os.listdir(work) if f.startswith(".")), [])

    # ---- --json, and source roots
    validator = schema_validator()
    for name in ("c-static", "c-pie", "cxx", "musl-dynamic"):
        check_json(c, name, exe, [fx(name)], validator)
    p = dockerfile(exe, ["--json", fx("c-static"), "/nonexistent"])
    doc = json.loads(p.stdout)
    c.eq("--json: an error result", (p.returncode, doc["results"][1]),
         (2, {"path": "/nonexistent", "error": "no such file (or a dangling symlink)"}))
    from_root_part(c, exe, fixdir, work, validator)

    # ---- Go built here
    go = shutil.which("go")
    gobin = None
    if not go:
        print("SKIP: Go parts: no go on PATH")
    else:
        gv = run([go, "env", "GOVERSION"], env=common.go_env(work)).stdout.strip()
        mm = re.match(r"go(\d+)\.(\d+)", gv)
        gobin, b = common.go_build(work, "x509tz", GO_X509TZ, ["-trimpath", "-tags", "netgo"])
        ld, b2 = common.go_build(work, "x509tz-ld", GO_X509TZ, ["-ldflags", "-s -X 'main.v=it s'"])
        if not c.true("go build", gobin and ld and mm, b.stderr + b2.stderr + gv):
            gobin = None
    if gobin:
        p = dockerfile(exe, [gobin])
        c.eq("x509tz: exit", p.returncode, 0)
        c.eq("x509tz: FROM", froms(p.stdout), [["scratch"]])
        copies = [l for l in p.stdout.splitlines() if l.startswith("COPY")]
        c.eq("x509tz: COPY lines", copies, [
            "COPY etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt",
            "COPY usr/share/zoneinfo /usr/share/zoneinfo",
            'COPY ["x509tz", "/app"]'])
        c.true("x509tz: CA reason", re.search(r"^# CA roots .*crypto/x509", p.stdout, re.M), p.stdout)
        c.true("x509tz: zoneinfo reason", re.search(r"^# zoneinfo .*time\.LoadLocation", p.stdout, re.M), p.stdout)
        check_common(c, "x509tz", p.stdout)
        x509tz_df = p.stdout

        want_from = "golang:%s.%s" % (mm.group(1), mm.group(2))
        p = dockerfile(exe, ["--go-build", "./cmd/x509tz", gobin])
        c.eq("--go-build: exit", p.returncode, 0)
        c.eq("--go-build: FROMs", froms(p.stdout), [[want_from, "AS", "build"], ["scratch"]])
        runs = [l for l in p.stdout.splitlines() if l.startswith("RUN ")]
        c.eq("--go-build: RUN", runs, ["RUN CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOAMD64=v1 go build -trimpath "
                                       "-tags=netgo -o /out/app ./cmd/x509tz"])
        c.true("--go-build: -ldflags note", "# Go does not record -ldflags with -trimpath" in p.stdout, p.stdout)
        c.true("--go-build: CA from the stage",
               "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n"
               in p.stdout, p.stdout)
        c.true("--go-build: zoneinfo.zip", "ENV ZONEINFO=/zoneinfo.zip\n" in p.stdout, p.stdout)
        c.true("--go-build: the program", "COPY --from=build /out/app /app\n" in p.stdout, p.stdout)
        check_common(c, "--go-build", p.stdout)
        p = dockerfile(exe, ["--go-build", ".", os.path.join(os.path.dirname(gobin), "x509tz-ld")])
        runs = [l for l in p.stdout.splitlines() if l.startswith("RUN ")]
        c.eq("--go-build -ldflags: RUN", runs, ["RUN CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOAMD64=v1 go build "
                                                "-ldflags='-s -X '\\''main.v=it s'\\''' -o /out/app ."])
        # the quoted -ldflags reads back as the build info's value through sh
        if runs:
            q = re.search(r"-ldflags=(.*) -o ", runs[0]).group(1)
            e = run(["sh", "-c", "printf %s " + q])
            c.eq("--go-build -ldflags: sh reads it back", e.stdout, "-s -X 'main.v=it s'")

    # ---- buildah: FROM scratch images built and run
    bh = Buildah(work)
    why = bh.available()
    if why:
        print("SKIP: buildah part: " + why)
    else:
        try:
            if gcc:
                ctx = os.path.join(work, "ctx-uid")
                os.makedirs(ctx)
                with open(os.path.join(work, "uid.c"), "w") as f:
                    f.write(C_UID)
                b = run([gcc, "-static", "-o", os.path.join(ctx, "uid"), os.path.join(work, "uid.c")], timeout=60)
                if c.true("static uid program built", b.returncode == 0, b.stderr):
                    p = dockerfile(exe, ["-o", os.path.join(ctx, "Dockerfile"), os.path.join(ctx, "uid")])
                    c.eq("uid: dockerfile exit", p.returncode, 0)
                    r, err = bh.build_run(ctx, "sr-uid")
                    if c.true("uid: image built", r is not None, err or ""):
                        c.eq("uid: runs as 65532", (r.returncode, r.stdout), (0, "uid 65532\n"))
            if gobin:
                for name, text, want in (
                        ("full", x509tz_df, (0, "ca: ok\ntz: Europe/Berlin\n")),
                        ("bare", "\n".join(l for l in x509tz_df.splitlines()
                                           if not l.startswith("COPY etc/") and not l.startswith("COPY usr/")) + "\n",
                         (3, "ca: none\ntz: failed\n"))):
                    ctx = os.path.join(work, "ctx-" + name)
                    os.makedirs(os.path.join(ctx, "etc/ssl/certs"))
                    os.makedirs(os.path.join(ctx, "usr/share"))
                    shutil.copy2(gobin, os.path.join(ctx, "x509tz"))
                    shutil.copy2("/etc/ssl/certs/ca-certificates.crt", os.path.join(ctx, "etc/ssl/certs/"))
                    shutil.copytree("/usr/share/zoneinfo", os.path.join(ctx, "usr/share/zoneinfo"), symlinks=True)
                    with open(os.path.join(ctx, "Dockerfile"), "w") as f:
                        f.write(text)
                    r, err = bh.build_run(ctx, "sr-x509tz-" + name)
                    if c.true("x509tz %s: image built" % name, r is not None, err or ""):
                        c.eq("x509tz %s: output" % name, (r.returncode, r.stdout), want)
        finally:
            bh.cleanup()
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
