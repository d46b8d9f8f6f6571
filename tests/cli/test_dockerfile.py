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
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import Checker, run  # noqa: E402

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
        return run(self.base + ["run", "--isolation", "chroot", cont, "--", "/app"], timeout=60), None

    def cleanup(self):
        for cont in self.containers:
            run(self.base + ["rm", cont], timeout=60)
        run(self.base + ["rmi", "--all", "--force"], timeout=120)
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.runroot, ignore_errors=True)


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
