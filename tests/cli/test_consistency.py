"""One truth per binary: check, bundle, image and verify agree about a root.

  test_consistency.py SHIPREADY WORKDIR

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
"localhost" (net); a dynamic glibc C program and a static musl C program
(gcc, musl-gcc) that only print.

Roots:
- empty        nothing at all
- ca-empty     an empty /etc/ssl/certs (as a debootstrap minbase root has),
               zoneinfo present
- tz-missing   the test CA in /etc/ssl/certs, no zoneinfo
- full         the test CA as /etc/ssl/certs/ca-certificates.crt, zoneinfo,
               /etc/resolv.conf
- host         this machine's own root (/)

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


def build(work):
    ca, leaf = common.test_pki(work, "shipready consistency test CA")
    with open(leaf) as f:
        prog, p = common.go_build(work, "tlszone", PROGRAM_GO % f.read(), CGO_ENABLED="0")
    if not prog:
        raise RuntimeError("go build: %s" % (p.stderr if p else "no go"))
    progs = {"go-static": prog}
    src = os.path.join(work, "hello.c")
    with open(src, "w") as f:
        f.write('#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n')
    for name, cmd in (("c-glibc", ["gcc", "-O1"]), ("c-musl-static", ["musl-gcc", "-static", "-O1"])):
        out = os.path.join(work, name)
        p = common.run(cmd + ["-o", out, src], timeout=120)
        if p.returncode != 0:
            raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr))
        progs[name] = out
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
    return roots


START_KINDS = {"exec-format", "interpreter", "library", "symbol-version", "libc", "kernel"}


def check_unmet(exe, prog, root):
    """(unmet needs, whether check says the program starts there)"""
    p = common.run([exe, "check", "--json", "--target", "dir:" + root, prog], timeout=60)
    doc = json.loads(p.stdout)
    res = doc["binaries"][0]["results"][0]
    starts = not any(f["severity"] == "fail" and f["kind"] in START_KINDS for f in res["findings"])
    return {f["kind"] for f in res["findings"] if f["severity"] in ("warn", "fail") and f["kind"] in NEED_KINDS}, starts


def bundle_unmet(exe, prog, root, out):
    """(unmet needs or None when nothing was written, exit status)"""
    p, doc = common.run_json(exe, "bundle", ["--from-root", root, prog, "-o", out])
    if doc is None:
        return None, p.returncode
    unmet = {u["need"] for u in doc["unmet"] if not u["optional"]}
    return unmet, p.returncode


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
    exe = os.path.abspath(sys.argv[1])
    ck = common.Checker("cli-consistency")
    for tool in ("go", "openssl", "gcc", "musl-gcc"):
        if not shutil.which(tool):
            print("SKIP: %s not found (make test installs it)" % tool)
            return 77
    work = tempfile.mkdtemp(prefix="sr-consistency-")
    try:
        progs, ca = build(work)
        roots = make_roots(work, ca)
        rows = []
        for pname, prog in sorted(progs.items()):
            for rname, root in sorted(roots.items()):
                c, starts = check_unmet(exe, prog, root)
                b, brc = bundle_unmet(exe, prog, root, os.path.join(work, "b-%s-%s" % (pname, rname)))
                i, irc = image_unmet(exe, prog, root, os.path.join(work, "i-%s-%s.tar" % (pname, rname)))
                v, why = verify_passes(exe, prog, root)
                rows.append((pname, rname, c, starts, b, i, v, why))
                w = "%s × %s" % (pname, rname)
                if not starts:
                    # check says it cannot start: bundle and image refuse it
                    ck.eq(w + ": check fails it, bundle refuses it (exit 2)", (b, brc), (None, 2))
                    ck.eq(w + ": check fails it, image refuses it (exit 2)", (i, irc), (None, 2))
                    ck.true(w + ": verify cannot run it", v is not True, why)
                    continue
                ck.eq(w + ": bundle's unmet needs = check's", sorted(b or ()), sorted(c))
                ck.eq(w + ": image's unmet needs = check's", sorted(i or ()), sorted(c))
                ck.eq(w + ": bundle exit status", brc, 1 if b else 0)
                ck.eq(w + ": image exit status", irc, 1 if i else 0)
                # (this machine's CA roots do not hold the test CA: the TLS
                # program's verification is not a need there)
                if v is not None and not (pname == "go-static" and rname == "host"):
                    ck.eq(w + ": verify passes exactly where check finds nothing unmet (%s)" % why, v, not c)
        # the expectations themselves, so that agreeing on nothing cannot pass
        want = {("go-static", "empty"): {"ca-roots", "zoneinfo"}, ("go-static", "ca-empty"): {"ca-roots"},
                ("go-static", "tz-missing"): {"zoneinfo"}}
        starts_want = {("c-glibc", r): r == "host" for r in roots}
        for pname, rname, c, starts, _, _, _, _ in rows:
            ck.eq("%s × %s: check's unmet needs" % (pname, rname), sorted(c), sorted(want.get((pname, rname), ())))
            ck.eq("%s × %s: check says it starts" % (pname, rname), starts, starts_want.get((pname, rname), True))
        print("%-14s %-11s %-22s %-22s %-22s %s" % ("PROGRAM", "ROOT", "CHECK", "BUNDLE", "IMAGE", "VERIFY"))
        for pname, rname, c, starts, b, i, v, why in rows:
            print("%-14s %-11s %-22s %-22s %-22s %s" % (pname, rname,
                  (",".join(sorted(c)) or "-") if starts else "does not start",
                  "refused" if b is None else ",".join(sorted(b)) or "-",
                  "refused" if i is None else ",".join(sorted(i)) or "-",
                  "n/a (%s)" % why[:60] if v is None else ("pass" if v else "fail: " + why)))

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
