"""shipready image: OCI image archives (and docker-archive) checked by the
real tools, and run.

Usage: test_image.py SHIPREADY FIXTURE_DIR WORKDIR

- skopeo inspect oci-archive:FILE:TAG accepts every image: Architecture, Os,
  the Labels, the digest --json reports; the config's User (65532:65532),
  Entrypoint, WorkingDir, Env, Cmd, ExposedPorts as asked.
- Every blob's name is its sha256, every descriptor's size and digest match
  the blob, diff_id is the sha256 of the gunzipped layer.
- umoci unpack (of the layout unpacked from the archive) accepts every image;
  as root the unpacked rootfs runs the program in a chroot: a static C
  program, a dynamic glibc one (with its libraries), a Go CGO=0 program that
  needs CA roots and zoneinfo (the files are in the layer and it finds them).
- buildah from oci-archive:… and buildah run --isolation chroot (vfs storage
  under WORKDIR) runs a static program, as uid 65532.
- Reproducible: two builds give identical bytes; another SOURCE_DATE_EPOCH
  gives another digest (and that created time).
- Multi-platform: x86_64 + aarch64 static programs give an index with both
  platforms; skopeo --override-arch arm64 picks the arm64 image; umoci
  unpacks each by TAG-ARCH-VARIANT.
- Two programs of one platform share one layer; the entrypoint is the first
  or --entrypoint (the title label follows it).
- Labels from Go build info: the fixture's module path as source, its Go
  release; a module built in a git repository gives its revision; --label
  overrides.
- --format docker-archive: skopeo inspect docker-archive:… and skopeo copy to
  an oci: layout accept it; two platforms are an error.
- --json validates against docs/schema/image.json.
- --base oci-archive:BASE.tar:TAG (a base written by shipready image, and
  the same copied by skopeo): the
  base's layer first (same digest), ours second; umoci unpacks a root with
  both programs and both run in a chroot; buildah runs it; Env, Labels and
  history merged; reproducible; a base of another platform, a tampered
  blob, a missing blob, broken JSON, a '../x' entry, an oversized JSON
  document: exit 2, one line, nothing written.
- Unmet needs: a warning line, exit 1, the image written.
- SIGKILL at random points leaves nothing (or a complete archive) at the
  output's name; bad inputs: exit 2, one line, nothing written.
"""
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import signal
import sys
import tarfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from test_dockerfile import GO_X509TZ, Buildah  # noqa: E402

SCHEMA_DIR = os.path.join(common.REPO, "docs", "schema")
C_UID = ('#include <stdio.h>\n#include <unistd.h>\n'
         'int main(int argc, char **argv){char d[256];printf("uid %u gid %u cwd %s args %d\\n",'
         '(unsigned)getuid(),(unsigned)getgid(),getcwd(d,sizeof d),argc);return 0;}\n')


def validator():
    """Draft 2020-12 validator for image.json, whose entries and unmet are
    bundle.json's (a $ref by $id)."""
    import jsonschema
    docs = {}
    for n in ("image", "bundle"):
        with open(os.path.join(SCHEMA_DIR, n + ".json")) as f:
            docs[n] = json.load(f)
    jsonschema.Draft202012Validator.check_schema(docs["image"])
    try:
        from referencing import Registry, Resource
    except ImportError:   # Debian 12's jsonschema 4.10: the RefResolver store
        resolver = jsonschema.RefResolver.from_schema(docs["image"],
                                                      store={docs["bundle"]["$id"]: docs["bundle"]})
        return jsonschema.Draft202012Validator(docs["image"], resolver=resolver)
    reg = Registry().with_resource(docs["bundle"]["$id"], Resource.from_contents(docs["bundle"]))
    return jsonschema.Draft202012Validator(docs["image"], registry=reg)


def image(exe, args, env=None, timeout=300):
    """Run `shipready image --json ARGS`; (proc, doc or None)."""
    return common.run_json(exe, "image", args, env=env, timeout=timeout)


def skopeo(args, timeout=120):
    p = common.run(["skopeo"] + args, timeout=timeout)
    try:
        return p, json.loads(p.stdout) if p.returncode == 0 else None
    except ValueError:
        return p, None


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return "sha256:" + h.hexdigest()


def unpack_layout(tar, dest):
    os.makedirs(dest)
    with tarfile.open(tar) as t:
        t.extractall(dest)
    return dest


def check_layout(ck, name, layout):
    """Every blob named by its digest, every descriptor right; returns the
    top index (index.json)."""
    blobs = os.path.join(layout, "blobs", "sha256")
    for b in sorted(os.listdir(blobs)):
        ck.eq("%s: blob %s… named by its sha256" % (name, b[:12]), sha256_file(os.path.join(blobs, b)), "sha256:" + b)
    with open(os.path.join(layout, "oci-layout")) as f:
        ck.eq(name + ": oci-layout", json.load(f), {"imageLayoutVersion": "1.0.0"})
    with open(os.path.join(layout, "index.json")) as f:
        index = json.load(f)

    def desc(d):
        path = os.path.join(blobs, d["digest"].split(":", 1)[1])
        ok = ck.true("%s: blob of %s present" % (name, d["digest"][:19]), os.path.exists(path))
        if ok:
            ck.eq("%s: size of %s" % (name, d["digest"][:19]), os.path.getsize(path), d["size"])
        return path if ok else None

    def walk(d):
        path = desc(d)
        if not path:
            return
        with open(path) as f:
            doc = json.load(f)
        if d["mediaType"] == "application/vnd.oci.image.index.v1+json":
            for m in doc["manifests"]:
                walk(m)
            return
        ck.eq(name + ": manifest mediaType", doc.get("mediaType"), "application/vnd.oci.image.manifest.v1+json")
        cpath = desc(doc["config"])
        lpaths = [desc(layer) for layer in doc["layers"]]
        if cpath and all(lpaths):
            with open(cpath) as f:
                cfg = json.load(f)
            diffs = []
            for lpath in lpaths:
                with gzip.open(lpath) as g:
                    diffs.append("sha256:" + hashlib.sha256(g.read()).hexdigest())
                with open(lpath, "rb") as f:
                    head = f.read(10)
                ck.eq(name + ": gzip header without a timestamp", head[4:8], b"\0\0\0\0")
            ck.eq(name + ": diff_ids are the sha256 of the gunzipped layers", cfg["rootfs"]["diff_ids"], diffs)
    for d in index["manifests"]:
        walk(d)
    return index


def umoci_unpack(ck, name, tar, tag, work):
    layout = unpack_layout(tar, os.path.join(work, name + "-umoci-layout"))
    bundle = os.path.join(work, name + "-umoci")
    p = common.run(["umoci", "unpack", "--image", "%s:%s" % (layout, tag), bundle], timeout=300)
    if not ck.true(name + ": umoci unpack", p.returncode == 0, p.stderr[-500:]):
        return None
    return os.path.join(bundle, "rootfs")


def chroot_run(root, argv, env=None):
    return common.run(["chroot", root] + argv, timeout=60, env=env or {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})


def config_of(doc, i=0):
    return doc["platforms"][i]["image_config"]


def main():
    exe, fixdir, work = os.path.abspath(sys.argv[1]), sys.argv[2], os.path.abspath(sys.argv[3])
    common.fixtures(fixdir)
    ck = common.Checker("cli-image")
    for tool in ("skopeo", "umoci"):
        if not shutil.which(tool):
            print("SKIP: %s is not installed (apt-get install skopeo umoci)" % tool)
            return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    val = validator()
    as_root = os.geteuid() == 0
    fx = lambda n: os.path.join(fixdir, n)  # noqa: E731
    try:
        run_tests(exe, fx, ck, val, as_root, work)
    finally:
        if not os.environ.get("SR_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    if not as_root:
        print("note: not root, chroot runs skipped")
    return ck.report()


def build_programs(ck, work):
    """A static C program printing uid/gid/cwd, and a Go CGO=0 program
    needing CA roots and zoneinfo (None when go is absent)."""
    src = os.path.join(work, "uid.c")
    with open(src, "w") as f:
        f.write(C_UID)
    uid = os.path.join(work, "bin", "uidprog")
    os.makedirs(os.path.dirname(uid))
    b = common.run(["gcc", "-static", "-O1", "-o", uid, src], timeout=120)
    ck.true("static uid program built", b.returncode == 0, b.stderr)
    gobin, b = common.go_build(work, "x509tz", GO_X509TZ)
    if b is None:
        print("SKIP: Go part: no go on PATH")
    else:
        ck.true("go build", gobin is not None, b.stderr)
    return uid, gobin


def buildah_uidprog(ck, work, name, ref):
    """buildah from REF, then run /usr/local/bin/uidprog in it: as 65532:65532 in /."""
    bh = Buildah(work)
    why = bh.available()
    if why:
        print("SKIP: %s part: %s" % (name, why))
        return
    try:
        b = common.run(bh.base + ["from", ref], timeout=300)
        if ck.true(name + ": from " + ref, b.returncode == 0, b.stderr[-500:]):
            cont = b.stdout.strip().splitlines()[-1]
            bh.containers.append(cont)
            r = common.run(bh.base + ["run", "--isolation", "chroot", cont, "--", "/usr/local/bin/uidprog"],
                           timeout=120)
            ck.eq(name + ": run as 65532:65532 in /", (r.returncode, r.stdout),
                  (0, "uid 65532 gid 65532 cwd / args 1\n"))
    finally:
        bh.cleanup()


def run_tests(exe, fx, ck, val, as_root, work):
    uid, gobin = build_programs(ck, work)

    # ---- one static program: skopeo, layout, config, umoci + chroot
    out = os.path.join(work, "static.tar")
    p, doc = image(exe, [uid, "-o", out, "--cmd", "a1", "--cmd", "a 2", "--env", "GREETING=hi there",
                         "--expose", "8080", "--expose", "53/udp", "--label", "com.example.team=infra",
                         "--tag", "v1"])
    if not ck.true("static: written", p.returncode == 0 and doc is not None and os.path.exists(out), p.stderr):
        return
    ck.eq("static: --json schema", common.schema_errors(val, doc), [])
    ck.eq("static: stderr", p.stderr, "")
    sk, info = skopeo(["inspect", "oci-archive:%s:v1" % out])
    if ck.true("static: skopeo inspect oci-archive", info is not None, sk.stderr):
        ck.eq("static: Architecture", info["Architecture"], "amd64")
        ck.eq("static: Os", info["Os"], "linux")
        ck.eq("static: Digest is the one --json reports", info["Digest"], doc["digest"])
        ck.eq("static: Labels", info["Labels"], {"org.opencontainers.image.created": "1970-01-01T00:00:00Z",
                                                  "org.opencontainers.image.title": "uidprog",
                                                  "com.example.team": "infra"})
        ck.eq("static: Created", info["Created"], "1970-01-01T00:00:00Z")
    sk, cfg = skopeo(["inspect", "--config", "oci-archive:%s:v1" % out])
    if ck.true("static: skopeo inspect --config", cfg is not None, sk.stderr):
        c = cfg["config"]
        ck.eq("static: User non-root by default", c.get("User"), "65532:65532")
        ck.eq("static: Entrypoint", c.get("Entrypoint"), ["/usr/local/bin/uidprog"])
        ck.eq("static: Cmd", c.get("Cmd"), ["a1", "a 2"])
        ck.eq("static: WorkingDir", c.get("WorkingDir"), "/")
        ck.eq("static: Env", c.get("Env"), ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                            "GREETING=hi there"])
        ck.eq("static: ExposedPorts", c.get("ExposedPorts"), {"8080/tcp": {}, "53/udp": {}})
        ck.eq("static: config platform", (cfg.get("architecture"), cfg.get("os")), ("amd64", "linux"))
        ck.eq("static: config = --json image_config", c, config_of(doc))
    layout = unpack_layout(out, os.path.join(work, "static-layout"))
    index = check_layout(ck, "static", layout)
    ck.eq("static: index.json ref.name", [m.get("annotations") for m in index["manifests"]],
          [{"org.opencontainers.image.ref.name": "v1"}])
    with tarfile.open(out) as t:
        names = t.getnames()
        ck.eq("static: archive entries sorted", names, sorted(names))
        ck.true("static: archive entries 0:0, mtime 0",
                all(m.uid == 0 and m.gid == 0 and m.mtime == 0 for m in t.getmembers()))
    rootfs = umoci_unpack(ck, "static", out, "v1", work)
    if rootfs and as_root:
        r = chroot_run(rootfs, ["/usr/local/bin/uidprog"])
        ck.true("static: runs from the unpacked root", r.returncode == 0 and r.stdout.startswith("uid 0"),
                r.stdout + r.stderr)

    # ---- reproducible
    out2 = os.path.join(work, "static2.tar")
    p2, doc2 = image(exe, [uid, "-o", out2, "--cmd", "a1", "--cmd", "a 2", "--env", "GREETING=hi there",
                           "--expose", "8080", "--expose", "53/udp", "--label", "com.example.team=infra",
                           "--tag", "v1"])
    with open(out, "rb") as f1, open(out2, "rb") as f2:
        ck.true("reproducible: two builds, identical bytes", f1.read() == f2.read())
    ck.eq("reproducible: same digest", (doc2 or {}).get("digest"), doc["digest"])
    out3 = os.path.join(work, "static3.tar")
    p3, doc3 = image(exe, [uid, "-o", out3, "--cmd", "a1", "--cmd", "a 2", "--env", "GREETING=hi there",
                           "--expose", "8080", "--expose", "53/udp", "--label", "com.example.team=infra",
                           "--tag", "v1"], env={"SOURCE_DATE_EPOCH": "1700000000"})
    ck.true("SOURCE_DATE_EPOCH: another digest", doc3 is not None and doc3["digest"] != doc["digest"], p3.stderr)
    sk, info3 = skopeo(["inspect", "oci-archive:%s:v1" % out3])
    ck.eq("SOURCE_DATE_EPOCH: created", (info3 or {}).get("Created"), "2023-11-14T22:13:20Z")
    with tarfile.open(out3) as t:
        ck.true("SOURCE_DATE_EPOCH: every mtime", all(m.mtime == 1700000000 for m in t.getmembers()))

    # ---- buildah from oci-archive + run --isolation chroot
    buildah_uidprog(ck, work, "buildah", "oci-archive:%s:v1" % out)

    # ---- a dynamic glibc program (with its libraries) and a Go program with needs
    out = os.path.join(work, "pie.tar")
    p, doc = image(exe, [fx("c-pie"), "-o", out])
    if ck.true("glibc: written", p.returncode in (0, 1) and doc is not None, p.stderr):
        kinds = {e["kind"] for e in doc["platforms"][0]["entries"]}
        ck.true("glibc: interpreter and libraries in the layer", {"interpreter", "library"} <= kinds, kinds)
        rootfs = umoci_unpack(ck, "glibc", out, "latest", work)
        if rootfs and as_root:
            r = chroot_run(rootfs, ["/usr/local/bin/c-pie"])
            ck.eq("glibc: runs from the unpacked root", (r.returncode, r.stdout),
                  (0, "hello from /usr/local/bin/c-pie (1)\n"))
    if gobin:
        out = os.path.join(work, "go.tar")
        p, doc = image(exe, [gobin, "-o", out, "--force"])
        if ck.true("go: written", p.returncode in (0, 1) and doc is not None, p.stderr):
            paths = {e["path"] for e in doc["platforms"][0]["entries"]}
            ck.true("go: CA roots in the layer", "/etc/ssl/certs/ca-certificates.crt" in paths, sorted(paths)[:20])
            ck.true("go: zoneinfo in the layer", "/usr/share/zoneinfo/Europe/Berlin" in paths)
            labels = config_of(doc)["Labels"]
            gv = common.run(["go", "env", "GOVERSION"]).stdout.strip()
            ck.eq("go: dev.shipready.go.version", labels.get("dev.shipready.go.version"), gv)
            rootfs = umoci_unpack(ck, "go", out, "latest", work)
            if rootfs and as_root:
                r = chroot_run(rootfs, ["/usr/local/bin/x509tz"])
                ck.eq("go: finds CA roots and zoneinfo in the unpacked root", (r.returncode, r.stdout),
                      (0, "ca: ok\ntz: Europe/Berlin\n"))

    test_multi(exe, fx, ck, val, work, uid)
    test_base(exe, fx, ck, val, work, uid, as_root)
    test_same_platform(exe, fx, ck, work, uid, as_root)
    test_go_labels(exe, fx, ck, work)
    test_docker(exe, fx, ck, work, uid)
    test_unmet(exe, ck, val, work, gobin)
    test_bad(exe, fx, ck, work, uid)
    test_kill(exe, ck, work, fx)


def test_multi(exe, fx, ck, val, work, uid):
    out = os.path.join(work, "multi.tar")
    p, doc = image(exe, [uid, fx("go-arm64"), "-o", out, "--tag", "1.0"])
    if not ck.true("multi: written", p.returncode == 0 and doc is not None, p.stderr):
        return
    ck.eq("multi: --json schema", common.schema_errors(val, doc), [])
    ck.eq("multi: platforms", [(x["architecture"], x.get("variant")) for x in doc["platforms"]],
          [("amd64", None), ("arm64", "v8")])
    sk = common.run(["skopeo", "inspect", "--raw", "oci-archive:%s:1.0" % out], timeout=120)
    try:
        raw = json.loads(sk.stdout)
    except ValueError:
        raw = {}
    ck.eq("multi: skopeo --raw is an index", raw.get("mediaType"), "application/vnd.oci.image.index.v1+json")
    ck.eq("multi: index platforms", [m.get("platform") for m in raw.get("manifests", [])],
          [{"architecture": "amd64", "os": "linux"}, {"architecture": "arm64", "os": "linux", "variant": "v8"}])
    for arch, want in (("arm64", "go-arm64"), ("amd64", "uidprog")):
        sk, info = skopeo(["inspect", "--override-arch", arch, "--override-os", "linux", "oci-archive:%s:1.0" % out])
        if ck.true("multi: skopeo --override-arch " + arch, info is not None, sk.stderr):
            ck.eq("multi: %s: Architecture" % arch, info["Architecture"], arch)
            ck.eq("multi: %s: title" % arch, info["Labels"].get("org.opencontainers.image.title"), want)
    p, doc = image(exe, [fx("arm-hf.elf"), "-o", os.path.join(work, "armv7.tar"), "--platform", "linux/arm/v7"])
    ck.eq("--platform gives the variant a C arm program does not tell",
          [(x["architecture"], x.get("variant")) for x in doc["platforms"]] if doc else p.stderr, [("arm", "v7")])
    layout = unpack_layout(out, os.path.join(work, "multi-layout"))
    check_layout(ck, "multi", layout)
    rootfs = umoci_unpack(ck, "multi-arm64", out, "1.0-arm64-v8", work)
    if rootfs:
        ck.eq("multi: umoci TAG-arm64-v8 holds the arm64 program",
              sorted(os.listdir(os.path.join(rootfs, "usr/local/bin"))), ["go-arm64"])


def retar(src, dest, change=None, drop=None, extra=None):
    """Copy the tar src to dest: change maps a name to new bytes, drop
    names entries left out, extra is a list of (name, bytes) added."""
    with tarfile.open(src) as t, tarfile.open(dest, "w", format=tarfile.USTAR_FORMAT) as o:
        for m in t.getmembers():
            if m.name == drop:
                continue
            data = t.extractfile(m).read() if m.isfile() else None
            if change and m.name in change:
                data = change[m.name]
                m.size = len(data)
            o.addfile(m, io.BytesIO(data) if data is not None else None)
        for name, data in extra or []:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            o.addfile(ti, io.BytesIO(data))


def test_base(exe, fx, ck, val, work, uid, as_root):
    base = os.path.join(work, "base.tar")
    p, bdoc = image(exe, [uid, "-o", base, "--tag", "base", "--env", "FOO=base", "--env", "BAR=1",
                          "--label", "base.label=yes"])
    if not ck.true("base: base image written", p.returncode == 0 and bdoc is not None, p.stderr):
        return
    out = os.path.join(work, "onbase.tar")
    args = ["--base", "oci-archive:%s:base" % base, fx("c-static"), "--env", "FOO=ours", "--tag", "app"]
    p, doc = image(exe, args + ["-o", out])
    if not ck.true("base: written", p.returncode == 0 and doc is not None, p.stderr):
        return
    ck.eq("base: --json schema", common.schema_errors(val, doc), [])
    ck.eq("base: --json base", doc["platforms"][0].get("base"),
          {"name": "oci-archive:%s:base" % base, "manifest": bdoc["digest"], "layers": 1})
    _, binfo = skopeo(["inspect", "oci-archive:%s:base" % base])
    sk, info = skopeo(["inspect", "oci-archive:%s:app" % out])
    if ck.true("base: skopeo inspect", info is not None and binfo is not None, sk.stderr):
        ck.eq("base: 2 layers, the base's first", (len(info["Layers"]), info["Layers"][0]),
              (2, binfo["Layers"][0]))
        ck.eq("base: Labels merged", info["Labels"].get("base.label"), "yes")
        ck.eq("base: title is ours", info["Labels"].get("org.opencontainers.image.title"), "c-static")
    sk, cfg = skopeo(["inspect", "--config", "oci-archive:%s:app" % out])
    if ck.true("base: skopeo inspect --config", cfg is not None, sk.stderr):
        ck.eq("base: Env merged, ours over the base's", cfg["config"].get("Env"),
              ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "FOO=ours", "BAR=1"])
        ck.eq("base: Entrypoint ours", cfg["config"].get("Entrypoint"), ["/usr/local/bin/c-static"])
        ck.eq("base: history, base's then ours", len(cfg.get("history", [])), 2)
        ck.eq("base: config = --json image_config", cfg["config"], config_of(doc))
    check_layout(ck, "base", unpack_layout(out, os.path.join(work, "onbase-layout")))
    rootfs = umoci_unpack(ck, "base", out, "app", work)
    if rootfs and as_root:
        r = chroot_run(rootfs, ["/usr/local/bin/uidprog"])
        ck.true("base: the base's program runs", r.returncode == 0 and r.stdout.startswith("uid 0"), r.stderr)
        r = chroot_run(rootfs, ["/usr/local/bin/c-static"])
        ck.true("base: our program runs", r.returncode == 0 and r.stdout.startswith("hello"), r.stdout + r.stderr)
    out2 = os.path.join(work, "onbase2.tar")
    p, _ = image(exe, args + ["-o", out2])
    with open(out, "rb") as f1, open(out2, "rb") as f2:
        ck.true("base: reproducible", p.returncode == 0 and f1.read() == f2.read(), p.stderr)
    buildah_uidprog(ck, work, "base: buildah", "oci-archive:%s:app" % out)
    # a base rewritten by skopeo (its own tar layout and index.json)
    sbase = os.path.join(work, "skopeo-base.tar")
    c = common.run(["skopeo", "copy", "-q", "oci-archive:%s:base" % base, "oci-archive:%s:sk" % sbase], timeout=120)
    if ck.true("base: skopeo copy of the base", c.returncode == 0, c.stderr):
        sout = os.path.join(work, "onskopeo.tar")
        p, _ = image(exe, ["--base", "oci-archive:%s:sk" % sbase, fx("c-static"), "-o", sout])
        sk, sinfo = skopeo(["inspect", "oci-archive:%s" % sout])
        ck.eq("base: on skopeo's archive, the base's layer first",
              (p.returncode, (sinfo or {}).get("Layers", [None])[0]), (0, (binfo or {}).get("Layers", [""])[0]))
    # a multi-platform base: the platform's manifest from its index
    multi = os.path.join(work, "multi.tar")
    if os.path.exists(multi):
        p, mdoc = image(exe, ["--base", "oci-archive:%s:1.0" % multi, fx("go-arm64"), "-o",
                              os.path.join(work, "onmulti.tar")])
        ck.true("base: an index's arm64 image", p.returncode == 0 and mdoc is not None and
                mdoc["platforms"][0]["base"]["layers"] == 1, p.stderr)

    # faults: exit 2, one line, nothing written
    d = os.path.join(work, "badbase")
    os.makedirs(d)
    blobs = {}
    with tarfile.open(base) as t:
        for m in t.getmembers():
            if m.isfile():
                blobs[m.name] = t.extractfile(m).read()
    layer = "blobs/sha256/" + binfo["Layers"][0].split(":", 1)[1] if binfo else None
    tampered = bytearray(blobs[layer])
    tampered[len(tampered) // 2] ^= 0xFF
    faults = [
        ("tampered layer", dict(change={layer: bytes(tampered)}), "does not match its digest"),
        ("missing layer", dict(drop=layer), "no %s in the archive" % layer),
        ("broken index.json", dict(change={"index.json": b"{\"manifests\": ["}), "index.json: not a JSON object"),
        ("../x entry", dict(extra=[("../x", b"x")]), "an unsafe name in the archive: ../x"),
        ("huge index.json", dict(change={"index.json": b" " * (5 << 20)}), "over 4 MiB"),
    ]
    o = os.path.join(d, "out.tar")
    for what, change, want in faults:
        bad = os.path.join(work, "bad-base.tar")
        retar(base, bad, **change)
        p, _ = image(exe, ["--base", "oci-archive:%s:base" % bad, fx("c-static"), "-o", o])
        lines = p.stderr.splitlines()
        ck.eq("base %s: exit 2, nothing written" % what, (p.returncode, p.stdout, os.listdir(d)), (2, "", []))
        ck.true("base %s: one line '%s'" % (what, want), len(lines) == 1 and
                lines[0].startswith("shipready: %s: base %s: " % (o, bad)) and want in lines[0], p.stderr)
    p, _ = image(exe, ["--base", "oci-archive:%s:base" % base, fx("go-arm64"), "-o", o])
    ck.eq("base of another platform: exit 2, one line", (p.returncode, p.stderr, os.listdir(d)),
          (2, "shipready: %s: base %s: a linux/amd64 image, not linux/arm64/v8\n" % (o, base), []))
    p, _ = image(exe, ["--base", "oci-archive:%s:nope" % base, fx("c-static"), "-o", o])
    ck.eq("base: no such tag", (p.returncode, p.stderr),
          (2, "shipready: %s: base %s: no image named nope\n" % (o, base)))
    p, _ = image(exe, ["--base", "oci-archive:%s" % base, "--format", "docker-archive", fx("c-static"), "-o", o])
    ck.eq("base: docker-archive not yet", (p.returncode, os.listdir(d)), (2, []))


def test_same_platform(exe, fx, ck, work, uid, as_root):
    """Two programs of one platform: one image, one layer with both; the
    entrypoint is the first unless --entrypoint names the other."""
    out = os.path.join(work, "two.tar")
    p, doc = image(exe, [uid, fx("musl-static"), "-o", out, "--entrypoint", "/usr/local/bin/musl-static"])
    if not ck.true("two programs: written", p.returncode == 0 and doc is not None, p.stderr):
        return
    ck.eq("two programs: one platform", len(doc["platforms"]), 1)
    progs = sorted(e["path"] for e in doc["platforms"][0]["entries"] if e["kind"] == "program")
    ck.eq("two programs: both in the layer", progs, ["/usr/local/bin/musl-static", "/usr/local/bin/uidprog"])
    c = config_of(doc)
    ck.eq("two programs: --entrypoint", c["Entrypoint"], ["/usr/local/bin/musl-static"])
    ck.eq("two programs: title of the entrypoint", c["Labels"]["org.opencontainers.image.title"], "musl-static")
    p, doc = image(exe, [uid, fx("musl-static"), "-o", out, "--force"])
    ck.eq("two programs: the first by default", config_of(doc)["Entrypoint"] if doc else None,
          ["/usr/local/bin/uidprog"])
    rootfs = umoci_unpack(ck, "two", out, "latest", work)
    if rootfs and as_root:
        r = chroot_run(rootfs, ["/usr/local/bin/musl-static"])
        ck.eq("two programs: the second runs too", (r.returncode, r.stdout),
              (0, "hello from /usr/local/bin/musl-static (1)\n"))


def test_go_labels(exe, fx, ck, work):
    """Labels from Go build info: the fixture's module path as source, its
    Go release; a module built in a git repository gives vcs.revision."""
    p, doc = image(exe, [fx("go-amd64"), "-o", os.path.join(work, "go-fixture.tar")])
    if ck.true("go labels: written", doc is not None, p.stderr):
        labels = config_of(doc)["Labels"]
        gv = common.run([exe, "go-version", fx("go-amd64")]).stdout.split(": ", 1)[-1].strip()
        ck.eq("go labels: fixture", {k: v for k, v in labels.items() if k != "org.opencontainers.image.created"},
              {"org.opencontainers.image.title": "go-amd64", "org.opencontainers.image.source": "https://example.com/hello",
               "dev.shipready.go.version": gv})
    go, git = shutil.which("go"), shutil.which("git")
    if not go or not git:
        print("SKIP: go labels from vcs: no go or git on PATH")
        return
    d = os.path.join(work, "govcs")
    os.makedirs(d)
    with open(os.path.join(d, "go.mod"), "w") as f:
        f.write("module github.com/example/vcsdemo\n\ngo 1.19\n")
    with open(os.path.join(d, "main.go"), "w") as f:
        f.write('package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("vcs demo") }\n')
    g = ["git", "-C", d, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "x"]):
        common.run(g + args, timeout=60)
    rev = common.run(["git", "-C", d, "rev-parse", "HEAD"]).stdout.strip()
    env = common.go_env(work, GO111MODULE="on", GOFLAGS="-buildvcs=true", GOPROXY="off")
    b = common.run([go, "build", "-o", "vcsdemo", "."], cwd=d, env=env, timeout=300)
    if not ck.true("go labels: vcs program built", b.returncode == 0, b.stderr):
        return
    p, doc = image(exe, [os.path.join(d, "vcsdemo"), "-o", os.path.join(work, "govcs.tar"),
                         "--label", "org.opencontainers.image.source=https://git.example/x"])
    if ck.true("go labels: vcs image written", doc is not None, p.stderr):
        labels = config_of(doc)["Labels"]
        ck.eq("go labels: revision", labels.get("org.opencontainers.image.revision"), rev)
        ck.eq("go labels: --label overrides source", labels.get("org.opencontainers.image.source"),
              "https://git.example/x")
        ck.true("go labels: no version for (devel)", "org.opencontainers.image.version" not in labels, labels)


def test_docker(exe, fx, ck, work, uid):
    out = os.path.join(work, "docker.tar")
    p, doc = image(exe, [uid, "-o", out, "--format", "docker-archive", "--tag", "app:2"])
    if not ck.true("docker: written", p.returncode == 0 and doc is not None, p.stderr):
        return
    with tarfile.open(out) as t:
        man = json.load(t.extractfile("manifest.json"))
    ck.eq("docker: manifest.json RepoTags", man[0]["RepoTags"], ["app:2"])
    sk, info = skopeo(["inspect", "docker-archive:" + out])
    if ck.true("docker: skopeo inspect docker-archive", info is not None, sk.stderr):
        ck.eq("docker: Architecture", info["Architecture"], "amd64")
        ck.eq("docker: Layers", info["Layers"], [doc["platforms"][0]["layer"]["diff_id"]])
    dest = os.path.join(work, "docker-copy")
    c = common.run(["skopeo", "copy", "docker-archive:" + out, "oci:%s:copied" % dest], timeout=300)
    ck.eq("docker: skopeo copy docker-archive: → oci:", c.returncode, 0)
    out2 = os.path.join(work, "docker-multi.tar")
    p, _ = image(exe, [uid, fx("go-arm64"), "-o", out2, "--format", "docker-archive"])
    ck.eq("docker: two platforms are an error", (p.returncode, os.path.exists(out2)), (2, False))
    ck.true("docker: the error says why", "a docker archive holds one" in p.stderr, p.stderr)


def test_unmet(exe, ck, val, work, gobin):
    if not gobin:
        return
    root = os.path.join(work, "emptyroot")
    os.makedirs(os.path.join(root, "etc"))
    out = os.path.join(work, "unmet.tar")
    p, doc = image(exe, ["--from-root", root, gobin, "-o", out])
    ck.eq("unmet: exit 1, image written", (p.returncode, os.path.exists(out)), (1, True))
    ck.true("unmet: warning line", "shipready: %s: warning: CA roots not bundled" % gobin in p.stderr, p.stderr)
    if doc:
        ck.eq("unmet: schema", common.schema_errors(val, doc), [])
        ck.true("unmet: listed", any(u["need"] == "ca-roots" for u in doc["platforms"][0]["unmet"]))


def test_bad(exe, fx, ck, work, uid):
    d = os.path.join(work, "bad")
    os.makedirs(d)
    out = os.path.join(d, "out.tar")
    notelf = os.path.join(d, "notelf")
    with open(notelf, "w") as f:
        f.write("#!/bin/sh\necho hi\n")
    os.chmod(notelf, 0o755)
    badname = os.path.join(d, "prog\udcff")   # b"prog\xff": a name JSON cannot hold
    shutil.copy(uid, badname)
    cases = [
        ([os.path.join(d, "missing")], os.path.join(d, "missing") + ": "),
        ([notelf], notelf + ": "),
        ([uid, "--expose", "99999"], "image: --expose 99999: expected PORT"),
        ([uid, "--expose", "80/icmp"], "image: --expose 80/icmp: expected PORT"),
        ([uid, "--user", "a b"], "image: --user a b: expected"),
        ([uid, "--env", "1X=y"], "image: --env 1X=y: expected NAME=VALUE"),
        ([uid, "--label", "novalue"], "image: --label novalue: expected KEY=VALUE"),
        ([uid, "--tag", "bad tag"], "image: --tag bad tag: expected"),
        ([uid, "--tag", "reg/app"], "image: --tag reg/app: expected"),
        ([uid, "--platform", "amd64"], "image: --platform amd64: expected linux/ARCH"),
        ([fx("go-arm64"), "--platform", "linux/amd64"], fx("go-arm64") + ": a linux/arm64/v8 program, not linux/amd64"),
        ([uid, "--base", "alpine:3"], "image: --base alpine:3: expected scratch or oci-archive:PATH[:TAG]"),
        ([uid, "--entrypoint", "/nope"], out + ": --entrypoint /nope: not a program of the amd64 image"),
        ([uid, "--format", "tgz"], "image: --format tgz: expected oci-archive or docker-archive"),
        ([uid, fx("c-static"), os.path.join(d, "missing")], os.path.join(d, "missing") + ": "),
        # the image config is JSON: text the user asks for that JSON cannot hold is refused, not dropped
        ([uid, "--env", "X=\udcff"], "image: --env: an argument that is not UTF-8"),
        ([uid, "--label", "k=\udcff"], "image: --label: an argument that is not UTF-8"),
        ([uid, "--cmd", "ok", "--cmd", "\udcfe"], "image: --cmd: an argument that is not UTF-8"),
        ([uid, "--user", "\udcffuser"], "image: --user: an argument that is not UTF-8"),
        ([uid, "--workdir", "/w\udcff"], "image: --workdir: an argument that is not UTF-8"),
        ([uid, "--entrypoint", "/p\udcff"], "image: --entrypoint: an argument that is not UTF-8"),
        ([badname], badname + ": its name is not UTF-8"),
    ]
    for args, want in cases:
        p, _ = image(exe, args + ["-o", out])
        ck.eq("bad %s: exit 2, no stdout, nothing written" % args[-1:], (p.returncode, p.stdout, os.path.exists(out)),
              (2, "", False))
        lines = p.stderr.splitlines()
        ck.true("bad %s: one line 'shipready: %s…'" % (args[-1:], want),
                len(lines) == 1 and lines[0].startswith("shipready: " + want), p.stderr)
    ck.eq("bad: nothing left in the directory", sorted(os.listdir(d)), sorted(["notelf", "prog\udcff"]))
    # a name JSON cannot hold is fine where the config does not name it (not the entrypoint)
    p, _ = image(exe, [uid, badname, "-o", out])
    ck.true("non-UTF-8 name after the entrypoint: fine", p.returncode == 0, p.stderr)
    os.unlink(out)
    p = common.run([exe, "image", uid], timeout=30)
    ck.eq("no -o: exit 2", p.returncode, 2)
    p, _ = image(exe, [uid, "-o", out])
    p, _ = image(exe, [uid, "-o", out])
    ck.eq("existing output: exit 2 without --force", (p.returncode, p.stderr),
          (2, "shipready: %s: it exists (--force replaces it)\n" % out))
    p, _ = image(exe, [uid, "-o", out, "--force"])
    ck.eq("existing output: --force replaces it", p.returncode, 0)
    p, _ = image(exe, [uid, "-o", out, "--force", "--user", "0"])
    ck.eq("--user 0 when asked for", p.returncode, 0)
    p, _ = image(exe, [uid, "-o", out, "--force"], env={"SOURCE_DATE_EPOCH": "yesterday"})
    ck.eq("bad SOURCE_DATE_EPOCH", (p.returncode, p.stderr), (2, "shipready: SOURCE_DATE_EPOCH: not a number of seconds\n"))
    h = common.run([exe, "image", "--help"], timeout=30)
    ck.true("--help", h.returncode == 0 and "usage: shipready image" in h.stdout, h.stderr)


def test_kill(exe, ck, work, fx):
    """SIGKILL at random points: the output's name holds a complete archive or nothing."""
    big = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else fx("c-pie")
    ref = os.path.join(work, "kill-ref.tar")
    p, doc = image(exe, [big, "-o", ref])
    if not ck.true("kill: reference image", doc is not None, p.stderr):
        return
    with open(ref, "rb") as f:
        want = f.read()
    start = time.monotonic()
    image(exe, [big, "-o", os.path.join(work, "kill-time.tar")])
    took = max(time.monotonic() - start, 0.01)
    rnd = random.Random(11)
    killed = complete = 0
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    for i in range(30):
        kdir = os.path.join(work, "kill-%d" % i)
        os.mkdir(kdir)
        out = os.path.join(kdir, "out.tar")
        rc = common.run_killed([exe, "image", big, "-o", out], rnd.uniform(0, took * 1.2), env=env)
        killed += rc == -signal.SIGKILL
        if os.path.lexists(out):
            complete += 1
            with open(out, "rb") as f:
                ck.true("kill %d: what is at the output's name is the complete image" % i, f.read() == want)
        others = [n for n in os.listdir(kdir) if n != "out.tar"]
        ck.true("kill %d: at most a hidden temporary beside it" % i,
                all(n.startswith(".out.tar.tmp-") for n in others), repr(others))
        if not os.path.lexists(out):
            p = common.run([exe, "image", big, "-o", out], timeout=300, env=env)
            ck.true("kill %d: a later run succeeds" % i, p.returncode in (0, 1) and os.path.lexists(out), p.stderr)
        shutil.rmtree(kdir, ignore_errors=True)
    ck.true("kill: some runs were killed before finishing (%d killed, %d complete)" % (killed, complete),
            killed > 0 and complete < 30)


if __name__ == "__main__":
    sys.exit(main())
