"""One truth per binary: check, bundle, image, verify and dockerfile agree.

  test_consistency.py SHIPREADY FIXTURE_DIR

Programs × roots.  For each pair:
- the needs `check --target dir:ROOT` warns about (severity warn or fail),
- the needs `bundle --from-root ROOT` lists unmet (not optional),
- the needs `image --from-root ROOT` lists unmet,
must be the same set, and `verify --from-root ROOT` (where user namespaces
can be made) passes exactly when that set is empty.  Any disagreement fails
the test; the whole table is printed.

And where the program cannot start in the root (no C library, a missing
library): check fails it, and bundle and image refuse it (exit 2, nothing
written), so verify cannot run it either.

Programs: a static Go program (built here with the system's Go,
CGO_ENABLED=0) that verifies a certificate against the system roots
(crypto/x509), loads a named zone (time.LoadLocation) and resolves
"localhost" (net), and the same program with cgo (dynamic, glibc); a
dynamic glibc C program and a static and a dynamic musl C program (gcc,
musl-gcc) that only print; a C and a C++ program (g++: libstdc++) that
fail unless the zone Europe/Berlin is found; a program carrying its library
in an $ORIGIN tree (bin/app, lib/libcarried.so).  (A Go plugin is a library:
what it needs is judged with the program that loads it, and bundle, image
and dockerfile take programs only.)

Roots:
- empty        nothing at all
- ca-empty     an empty /etc/ssl/certs (as a debootstrap minbase root has),
               zoneinfo present
- tz-missing   the test CA in /etc/ssl/certs, no zoneinfo
- full         the test CA as /etc/ssl/certs/ca-certificates.crt, zoneinfo,
               /etc/resolv.conf
- host         this machine's own root (/)
- alpine-like  musl's loader and C library (Debian's musl, as Alpine lays
               them out), the test CA, an Alpine os-release, no zoneinfo
and the real roots of tests/fixtures/reality/build.sh (debootstrap
--variant=minbase): bookworm (CA roots and zoneinfo), bookworm-noca,
bookworm-notz, bullseye (glibc 2.31, no CA roots), musl, scratch.  "full"
is shaped as distroless static is (CA bundle, zoneinfo, no C library).

The dockerfile column: for a root with an os-release, the CA roots and
zoneinfo dockerfile adds to its base (ca-certificates / tzdata installed,
or copied into scratch) must be the unmet needs `check --target BASE` finds
on that base's database entry (all the program's, for a base the database
has no entry for).

And, from the host's root (/): an image never carries the build machine's
/etc/resolv.conf (a container runtime mounts its own); a bundle carries it
only with --resolv-conf.
"""
import gzip
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

NEED_KINDS = {"ca-roots", "zoneinfo", "nss", "user-db", "dns", "gconv", "locale"}

PROGRAM_GO = r"""
package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"time"
)

const leaf = `%s`

func main() {
	b, _ := pem.Decode([]byte(leaf))
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		fmt.Println("parse:", err)
		os.Exit(3)
	}
	if _, err := c.Verify(x509.VerifyOptions{DNSName: "test.example"}); err != nil {
		fmt.Println("verify:", err)
		os.Exit(1)
	}
	if _, err := time.LoadLocation("Europe/Berlin"); err != nil {
		fmt.Println("zone:", err)
		os.Exit(1)
	}
	if len(os.Args) > 1 {
		addrs, err := net.LookupHost(os.Args[1])
		fmt.Println("lookup:", addrs, err)
	}
	fmt.Println("ok")
}
"""


PROGRAM_TZ = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
int main(void) {
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	if (strcmp(tzname[0], "CET") != 0) {
		printf("zone: %s\n", tzname[0]);
		return 1;
	}
	puts("ok");
	return 0;
}
"""

PROGRAM_TZ_CXX = r"""
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
int main() {
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	if (std::strcmp(tzname[0], "CET") != 0) {
		std::cout << "zone: " << tzname[0] << std::endl;
		return 1;
	}
	std::cout << "ok" << std::endl;
	return 0;
}
"""

# programs whose verify run checks a certificate against the test CA: a root
# with other CA roots (this machine's, the debootstrap roots') fails it
# although it has CA roots, so verify is compared only on the roots made here
TLS_PROGRAMS = {"go-static", "go-cgo"}
# programs whose run uses the feature of a need they have a fallback for
# (C's zoneinfo: without it a named TZ falls back to UTC; these fail then)
EXERCISED = {"c-tz": {"zoneinfo"}, "cxx-tz": {"zoneinfo"}}


def compile_c(cmd, out, src):
    p = common.run(cmd + ["-o", out, src], timeout=120)
    if p.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr))
    return out


def build(work):
    ca, leaf = common.test_pki(work, "shipready consistency test CA")
    with open(leaf) as f:
        go_src = PROGRAM_GO % f.read()
    progs = {}
    for name, cgo in (("go-static", "0"), ("go-cgo", "1")):
        prog, p = common.go_build(work, name, go_src, CGO_ENABLED=cgo)
        if not prog:
            raise RuntimeError("go build (%s): %s" % (name, p.stderr if p else "no go"))
        progs[name] = prog
    src = os.path.join(work, "hello.c")
    with open(src, "w") as f:
        f.write('#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n')
    for name, cmd in (("c-glibc", ["gcc", "-O1"]), ("c-musl-static", ["musl-gcc", "-static", "-O1"]),
                      ("c-musl", ["musl-gcc", "-O1"])):
        progs[name] = compile_c(cmd, os.path.join(work, name), src)
    for name, cmd, text, ext in (("c-tz", ["gcc", "-O1"], PROGRAM_TZ, ".c"),
                                 ("cxx-tz", ["g++", "-O1"], PROGRAM_TZ_CXX, ".cc")):
        tsrc = os.path.join(work, name + ext)
        with open(tsrc, "w") as f:
            f.write(text)
        progs[name] = compile_c(cmd, os.path.join(work, name), tsrc)
    # an $ORIGIN tree: bin/app finds lib/libcarried.so beside it
    tree = os.path.join(work, "tree")
    os.makedirs(os.path.join(tree, "bin"))
    os.makedirs(os.path.join(tree, "lib"))
    lsrc = os.path.join(work, "carried.c")
    with open(lsrc, "w") as f:
        f.write('#include <stdio.h>\nvoid carried(void) { puts("carried"); }\n')
    asrc = os.path.join(work, "app.c")
    with open(asrc, "w") as f:
        f.write("void carried(void);\nint main(void) { carried(); return 0; }\n")
    lib = compile_c(["gcc", "-shared", "-fPIC", "-Wl,-soname,libcarried.so"],
                    os.path.join(tree, "lib", "libcarried.so"), lsrc)
    progs["origin-tree"] = compile_c(["gcc", "-O1", "-L" + os.path.dirname(lib), "-Wl,--enable-new-dtags",
                                      "-Wl,-rpath,$ORIGIN/../lib", "-Wl,--no-as-needed", "-lcarried"],
                                     os.path.join(tree, "bin", "app"), asrc)
    return progs, ca


def make_roots(work, ca):
    roots = {}

    def root(name):
        r = os.path.join(work, "root-" + name)
        os.makedirs(r)
        roots[name] = r
        return r

    def zoneinfo(r):
        z = os.path.join(r, "usr/share/zoneinfo/Europe")
        os.makedirs(z)
        shutil.copy("/usr/share/zoneinfo/Europe/Berlin", z)

    root("empty")
    r = root("ca-empty")
    os.makedirs(os.path.join(r, "etc/ssl/certs"))
    zoneinfo(r)
    r = root("tz-missing")
    os.makedirs(os.path.join(r, "etc/ssl/certs"))
    shutil.copy(ca, os.path.join(r, "etc/ssl/certs/test-ca.pem"))
    r = root("full")
    os.makedirs(os.path.join(r, "etc/ssl/certs"))
    shutil.copy(ca, os.path.join(r, "etc/ssl/certs/ca-certificates.crt"))
    zoneinfo(r)
    with open(os.path.join(r, "etc/resolv.conf"), "w") as f:
        f.write("nameserver 127.0.0.1\n")
    roots["host"] = "/"
    # Alpine's layout of musl (the loader is the C library), with CA roots
    r = root("alpine-like")
    os.makedirs(os.path.join(r, "lib"))
    os.makedirs(os.path.join(r, "etc/ssl/certs"))
    shutil.copy(os.path.realpath("/lib/ld-musl-x86_64.so.1"), os.path.join(r, "lib/ld-musl-x86_64.so.1"))
    shutil.copy(ca, os.path.join(r, "etc/ssl/certs/ca-certificates.crt"))
    with open(os.path.join(r, "etc/os-release"), "w") as f:
        f.write('ID=alpine\nVERSION_ID=3.22.0\nPRETTY_NAME="Alpine-shaped test root"\n')
    return roots


START_KINDS = {"exec-format", "interpreter", "library", "symbol-version", "libc", "kernel"}


def optional_unmet(findings):
    """The needs a program has a fallback for that the target lacks: check
    says them as an info that the feature will fail."""
    return {f["kind"] for f in findings if f["severity"] == "info" and f["kind"] in NEED_KINDS
            and " will fail:" in f["reason"]}


def check_unmet(exe, prog, root):
    """(unmet needs, optional unmet needs, whether check says the program starts there)"""
    p = common.run([exe, "check", "--json", "--target", "dir:" + root, prog], timeout=60)
    doc = json.loads(p.stdout)
    res = doc["binaries"][0]["results"][0]
    starts = not any(f["severity"] == "fail" and f["kind"] in START_KINDS for f in res["findings"])
    return ({f["kind"] for f in res["findings"] if f["severity"] in ("warn", "fail") and f["kind"] in NEED_KINDS},
            optional_unmet(res["findings"]), starts)


def bundle_unmet(exe, prog, root, out):
    """(unmet needs or None when nothing was written, exit status)"""
    p, doc = common.run_json(exe, "bundle", ["--from-root", root, prog, "-o", out])
    if doc is None:
        return None, None, p.returncode
    unmet = {u["need"] for u in doc["unmet"] if not u["optional"]}
    return unmet, {u["need"] for u in doc["unmet"] if u["optional"]}, p.returncode


def image_unmet(exe, prog, root, out):
    p, doc = common.run_json(exe, "image", ["--from-root", root, prog, "-o", out])
    if doc is None:
        return None, p.returncode
    unmet = set()
    for plat in doc["platforms"]:
        unmet |= {u["need"] for u in plat["unmet"] if not u["optional"]}
    return unmet, p.returncode


def verify_passes(exe, prog, root):
    p = common.run([exe, "verify", "--json", "--from-root", root, "--cmd", "localhost", prog], timeout=120)
    if p.returncode == 2:
        return None, p.stderr.strip()
    doc = json.loads(p.stdout)
    return p.returncode == 0, (doc.get("message") or "") + " " + (doc["stdout"].get("text") or "").strip()[:120]


# a base image dockerfile names -> its target database entry
BASE_ENTRIES = {"scratch": "scratch", "gcr.io/distroless/base-debian12": "distroless-base-debian12",
                "debian:12-slim": "debian-12-slim"}
DATA_KINDS = {"ca-roots", "zoneinfo"}


def base_entry(base):
    if base in BASE_ENTRIES:
        return BASE_ENTRIES[base]
    if base.startswith("alpine:"):
        return "alpine-" + base.split(":", 1)[1]
    return None


def dockerfile_adds(exe, prog, root):
    """(base, the CA roots / zoneinfo the Dockerfile adds to its base), or
    (None, why) when dockerfile refuses the program for this root."""
    p = common.run([exe, "dockerfile", "--json", "--from-root", root, prog], timeout=60)
    try:
        res = json.loads(p.stdout)["results"][0]
    except (ValueError, KeyError, IndexError):
        return None, "no JSON: " + p.stderr.strip()[:80]
    if "error" in res:
        return None, res["error"][:80]
    added = set()
    if "ca-certificates" in res["packages"]:
        added.add("ca-roots")
    if "tzdata" in res["packages"]:
        added.add("zoneinfo")
    for line in res["dockerfile"].splitlines():
        if line.startswith("COPY "):
            if "zoneinfo" in line:
                added.add("zoneinfo")
            if "ssl/certs" in line or "ca-certificates" in line:
                added.add("ca-roots")
    return res["base"], added


def check_db_unmet(exe, prog, target):
    p = common.run([exe, "check", "--json", "--target", target, prog], timeout=60)
    res = json.loads(p.stdout)["binaries"][0]["results"][0]
    return ({f["kind"] for f in res["findings"] if f["severity"] in ("warn", "fail", "unknown")
             and f["kind"] in DATA_KINDS} | optional_unmet(res["findings"])) & DATA_KINDS


def program_needs(exe, prog):
    p, doc = common.run_json(exe, "inspect", [prog])
    return {n["kind"] for n in doc["results"][0].get("needs", [])} & DATA_KINDS


def has_os_release(root):
    return any(os.path.isfile(os.path.join(root, p)) for p in ("etc/os-release", "usr/lib/os-release"))


def image_files(path):
    """Every name in the layers of an OCI archive written by image."""
    names = set()
    with tarfile.open(path) as t:
        index = json.load(t.extractfile("index.json"))

        def blob(d):
            return t.extractfile("blobs/sha256/" + d.split(":", 1)[1]).read()
        manifests = [m["digest"] for m in index["manifests"]]
        while manifests:
            m = json.loads(blob(manifests.pop()))
            if "manifests" in m:
                manifests += [x["digest"] for x in m["manifests"]]
                continue
            for layer in m["layers"]:
                data = blob(layer["digest"])
                if layer["mediaType"].endswith("gzip"):
                    data = gzip.decompress(data)
                with tarfile.open(fileobj=io.BytesIO(data)) as lt:
                    names |= {"/" + n.lstrip("./") for n in lt.getnames()}
    return names


def main():
    exe, fixdir = os.path.abspath(sys.argv[1]), sys.argv[2]
    ck = common.Checker("cli-consistency")
    for tool in ("go", "openssl", "gcc", "g++", "musl-gcc"):
        if not shutil.which(tool):
            print("SKIP: %s not found (make test installs it)" % tool)
            return 77
    work = tempfile.mkdtemp(prefix="sr-consistency-")
    try:
        progs, ca = build(work)
        roots = make_roots(work, ca)
        real = common.reality_roots(fixdir)
        if real is False:
            ck.fail("building the debootstrap roots failed (see FIXTURE_DIR/../reality/build.log)")
        elif real:
            for name in ("bookworm", "bookworm-noca", "bookworm-notz", "bullseye", "musl", "scratch"):
                roots["real-" + name] = os.path.join(real, name)
        rows, drows = [], []
        for pname, prog in sorted(progs.items()):
            needs = program_needs(exe, prog)
            for rname, root in sorted(roots.items()):
                c, copt, starts = check_unmet(exe, prog, root)
                b, bopt, brc = bundle_unmet(exe, prog, root, os.path.join(work, "b-%s-%s" % (pname, rname)))
                i, irc = image_unmet(exe, prog, root, os.path.join(work, "i-%s-%s.tar" % (pname, rname)))
                v, why = verify_passes(exe, prog, root)
                rows.append((pname, rname, c, copt, starts, b, i, v, why))
                w = "%s × %s" % (pname, rname)
                if has_os_release(root):
                    base, added = dockerfile_adds(exe, prog, root)
                    if base is not None:
                        entry = base_entry(base)
                        want_added = check_db_unmet(exe, prog, entry) if entry else needs
                        drows.append((pname, rname, base, added, entry, want_added))
                        ck.eq(w + ": dockerfile adds to %s what check --target %s finds unmet" % (base, entry),
                              sorted(added), sorted(want_added))
                    else:
                        drows.append((pname, rname, None, added, None, None))
                if not starts:
                    # check says it cannot start: bundle and image refuse it
                    ck.eq(w + ": check fails it, bundle refuses it (exit 2)", (b, brc), (None, 2))
                    ck.eq(w + ": check fails it, image refuses it (exit 2)", (i, irc), (None, 2))
                    ck.true(w + ": verify cannot run it", v is not True, why)
                    continue
                ck.eq(w + ": bundle's unmet needs = check's", sorted(b or ()), sorted(c))
                ck.eq(w + ": bundle's optional unmet needs = check's", sorted(bopt or ()), sorted(copt))
                ck.eq(w + ": image's unmet needs = check's", sorted(i or ()), sorted(c))
                ck.eq(w + ": bundle exit status", brc, 1 if b else 0)
                ck.eq(w + ": image exit status", irc, 1 if i else 0)
                # (this machine's CA roots do not hold the test CA: the TLS
                # program's verification is not a need there)
                # a program whose run exercises a fallback's feature (a named zone) fails without it
                exercised = copt & EXERCISED.get(pname, set())
                if v is not None and not (pname in TLS_PROGRAMS and (rname == "host" or rname.startswith("real-"))):
                    ck.eq(w + ": verify passes exactly where check finds nothing unmet (%s)" % why, v,
                          not c and not exercised)
        # the expectations themselves, so that agreeing on nothing cannot pass:
        # what each root lacks of CA roots and zoneinfo, and where each program starts
        lacks = {"empty": {"ca-roots", "zoneinfo"}, "ca-empty": {"ca-roots"}, "tz-missing": {"zoneinfo"},
                 "full": set(), "host": set(), "alpine-like": {"zoneinfo"}, "real-bookworm": set(),
                 "real-bookworm-noca": {"ca-roots"}, "real-bookworm-notz": {"zoneinfo"},
                 "real-bullseye": {"ca-roots"}, "real-musl": {"ca-roots", "zoneinfo"},
                 "real-scratch": {"ca-roots", "zoneinfo"}}
        bookworm = {"host", "real-bookworm", "real-bookworm-noca", "real-bookworm-notz"}
        starts_on = {"go-static": set(roots), "c-musl-static": set(roots),
                     # built here against glibc 2.36: bullseye's 2.31 lacks GLIBC_2.34
                     "c-glibc": bookworm, "c-tz": bookworm, "cxx-tz": bookworm, "go-cgo": bookworm,
                     # musl's loader: Alpine's layout, Debian's musl package (this machine has it too)
                     "c-musl": {"alpine-like", "real-musl", "host"},
                     # its library travels in its tree, which only this machine has
                     "origin-tree": {"host"}}
        for pname, rname, c, copt, starts, _, _, _, _ in rows:
            w = "%s × %s" % (pname, rname)
            ck.eq(w + ": check says it starts", starts, rname in starts_on[pname])
            if not starts:
                continue
            ck.eq(w + ": check's unmet needs", sorted(c),
                  sorted(lacks[rname] if pname in TLS_PROGRAMS else ()))
            ck.eq(w + ": check's optional unmet needs", sorted(copt),
                  sorted(lacks[rname] & EXERCISED.get(pname, set())))
        print("%-14s %-18s %-22s %-22s %-22s %s" % ("PROGRAM", "ROOT", "CHECK", "BUNDLE", "IMAGE", "VERIFY"))
        for pname, rname, c, copt, starts, b, i, v, why in rows:
            print("%-14s %-18s %-22s %-22s %-22s %s" % (pname, rname,
                  (",".join(sorted(c) + ["(%s)" % k for k in sorted(copt)]) or "-") if starts else "does not start",
                  "refused" if b is None else ",".join(sorted(b)) or "-",
                  "refused" if i is None else ",".join(sorted(i)) or "-",
                  "n/a (%s)" % why[:60] if v is None else ("pass" if v else "fail: " + why)))
        print()
        print("%-14s %-18s %-34s %-20s %s" % ("PROGRAM", "ROOT", "DOCKERFILE BASE", "ADDS", "CHECK --target BASE"))
        for pname, rname, base, added, entry, want_added in drows:
            print("%-14s %-18s %-34s %-20s %s" % (pname, rname, base or "refused: " + str(added)[:24],
                  ",".join(sorted(added)) or "-" if base else "", "" if base is None else
                  "%s: %s" % (entry or "(no entry: the program's needs)", ",".join(sorted(want_added)) or "-")))

        # database targets: what the entry says the base has, and DNS from the
        # container runtime for every image (never "?")
        prog = progs["go-static"]
        want_db = {"scratch": {"ca-roots", "zoneinfo"}, "distroless-static": set(), "alpine-3.22": {"zoneinfo"},
                   "debian-12": set()}
        for target, want in sorted(want_db.items()):
            p = common.run([exe, "check", "--json", "--target", target, prog], timeout=60)
            res = json.loads(p.stdout)["binaries"][0]["results"][0]
            got = {f["kind"] for f in res["findings"] if f["severity"] in ("warn", "fail") and f["kind"] in NEED_KINDS}
            ck.eq("check --target %s: unmet needs" % target, sorted(got), sorted(want))
            dns = [f["severity"] for f in res["findings"] if f["kind"] == "dns"]
            ck.eq("check --target %s: DNS config is known (info)" % target, dns, ["info"])

        # the build machine's DNS configuration stays out of images and, unless
        # asked, out of bundles (from the host's root)
        prog = progs["go-static"]
        img = os.path.join(work, "host.tar")
        p, doc = common.run_json(exe, "image", [prog, "-o", img])
        if ck.true("image from /: written", doc is not None, p.stderr):
            files = image_files(img)
            ck.true("image from /: no /etc/resolv.conf in the layer", "/etc/resolv.conf" not in files,
                    " ".join(sorted(f for f in files if f.startswith("/etc/"))))
            ck.true("image from /: /etc/hosts generated", "/etc/hosts" in files,
                    " ".join(sorted(f for f in files if f.startswith("/etc/"))))
        out = os.path.join(work, "host.d")
        p, doc = common.run_json(exe, "bundle", [prog, "-o", out])
        if ck.true("bundle from /: written", doc is not None, p.stderr):
            ck.true("bundle from /: no /etc/resolv.conf", not os.path.lexists(out + "/etc/resolv.conf"))
            hosts = [e["reason"] for e in doc["entries"] if e["path"] == "/etc/hosts"]
            ck.true("bundle from /: the manifest says resolv.conf is the runtime's",
                    any("left to the container runtime" in r for r in hosts), str(hosts))
        out = os.path.join(work, "host-resolv.d")
        p, doc = common.run_json(exe, "bundle", ["--resolv-conf", "--from-root", roots["full"], prog, "-o", out])
        if ck.true("bundle --resolv-conf: written", doc is not None, p.stderr):
            ck.true("bundle --resolv-conf: the root's /etc/resolv.conf comes along",
                    os.path.isfile(out + "/etc/resolv.conf"))
        p, doc = common.run_json(exe, "bundle", ["--resolv-conf", "--from-root", roots["ca-empty"], prog, "-o",
                                                 os.path.join(work, "noresolv.d")])
        ck.true("bundle --resolv-conf from a root without one: unmet dns",
                doc is not None and "dns" in {u["need"] for u in doc["unmet"]}, p.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ck.report()


if __name__ == "__main__":
    sys.exit(main())
