"""shipready scan and check --target on container images, read from the archive.

  test_image_scan.py SHIPREADY FIXTURE_DIR WORK_DIR

Images made at test time, four ways, each with its own oracle:
- shipready's own `image` (a program with its bundle): every program runs in it;
  skopeo copies it to docker-archive: and oci: and the three read the same.
- buildah, the multi-stage mistake: a glibc cgo program FROM scratch and on the
  musl (Alpine-shaped) root must FAIL with the interpreter missing; the same
  program on the bookworm root must not, and the image must read exactly as the
  directory it was built from (`scan dir:ROOT`).
- layers written here, byte by byte (whiteouts, an opaque directory, a hard
  link, a FIFO, a nested multi-platform index with an attestation manifest):
  compared with umoci's own unpacking of the same layout, a real OCI runtime
  implementation of the changeset rules.
- a hostile corpus: path traversal, symlinks out of the root and in a loop, a
  huge pax header, truncated gzip, a wrong digest, a hard link to nothing, a
  blob that is a symlink.  Each is one line `shipready: SPEC: reason` and
  exit 2 (or, where a runtime would apply it harmlessly, exit 0), nothing is
  written outside the private directory, and no directory is left behind.
- decompression bombs (256 MiB of zeros, 3000 files) on a 128 MiB tmpfs of
  their own (a mount namespace; skipped without one): refused before $TMPDIR
  fills, while a small image on the same tmpfs is scanned.
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def run(exe, args, env, timeout=600):
    return common.run([exe] + args, timeout=timeout, env=env)


def scan_json(exe, args, env, timeout=600):
    p = run(exe, ["scan", "--json"] + args, env, timeout)
    try:
        return p, json.loads(p.stdout)
    except ValueError:
        return p, None


def binaries(scan):
    return {b["path"]: b for b in scan["binaries"]}


def first_scan(doc):
    """The document's first scan (an empty one when there is none)."""
    return doc["scans"][0] if doc and doc.get("scans") else {"binaries": [], "summary": {"skipped": {}}}


def verdicts(scan):
    return {b["path"]: b.get("verdict") for b in scan["binaries"]}


def leftovers(tmp):
    return sorted(os.listdir(tmp))


# ---------------------------------------------------------------- layouts written here

def tar_layer(entries, compress=None):
    """entries: (name, kind, payload, mode); kind 'file' (payload bytes),
    'dir', 'symlink' / 'hardlink' (payload the target), 'fifo', 'chr'."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, kind, payload, mode in entries:
            ti = tarfile.TarInfo(name)
            ti.mode = mode
            ti.mtime = 0
            if kind == "file":
                ti.size = len(payload)
                t.addfile(ti, io.BytesIO(payload))
                continue
            ti.type = {"dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
                       "fifo": tarfile.FIFOTYPE, "chr": tarfile.CHRTYPE}[kind]
            if kind in ("symlink", "hardlink"):
                ti.linkname = payload
            t.addfile(ti)
    raw = buf.getvalue()
    if compress == "gzip":
        return gzip.compress(raw, mtime=0)
    return raw


def put_blob(layout, data):
    d = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(layout, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(layout, "blobs", "sha256", d), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + d, "size": len(data)}


def put_json(layout, doc, media_type):
    desc = put_blob(layout, json.dumps(doc, sort_keys=True).encode())
    desc["mediaType"] = media_type
    return desc


def image_manifest(layout, arch, variant, layers, gzipped):
    """A manifest (and config) of the layers (uncompressed tar bytes each)."""
    diff_ids, descs = [], []
    for raw in layers:
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
        blob = gzip.compress(raw, mtime=0) if gzipped else raw
        d = put_blob(layout, blob)
        d["mediaType"] = "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if gzipped else "")
        descs.append(d)
    cfg = {"architecture": arch, "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids},
           "config": {}}
    if variant:
        cfg["variant"] = variant
    man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
           "config": put_json(layout, cfg, "application/vnd.oci.image.config.v1+json"), "layers": descs}
    desc = put_json(layout, man, "application/vnd.oci.image.manifest.v1+json")
    desc["platform"] = {"os": "linux", "architecture": arch}
    if variant:
        desc["platform"]["variant"] = variant
    return desc


def write_index(layout, manifests, tag="latest"):
    entries = []
    for m in manifests:
        m = dict(m)
        m["annotations"] = {"org.opencontainers.image.ref.name": tag}
        entries.append(m)
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                   "manifests": entries}, f)


def layout_of(work, name, layers, gzipped=True, arch="amd64"):
    layout = os.path.join(work, name)
    shutil.rmtree(layout, ignore_errors=True)
    os.makedirs(layout)
    write_index(layout, [image_manifest(layout, arch, None, layers, gzipped)])
    return layout


def archive_of(layout, out):
    """An oci-archive: the layout in a tar."""
    with tarfile.open(out, "w") as t:
        for top in sorted(os.listdir(layout)):
            t.add(os.path.join(layout, top), arcname=top)
    return out


# ---------------------------------------------------------------- the checks

def own_image(c, exe, fx, work, env):
    """shipready image → oci-archive, docker-archive, oci: read alike; check --target agrees."""
    cgo = os.path.join(fx, "go-cgo")
    arch = os.path.join(work, "own.tar")
    p = run(exe, ["image", "-o", arch, cgo], env, 300)
    if not c.true("image of go-cgo", p.returncode == 0, p.stderr):
        return
    p, doc = scan_json(exe, ["oci-archive:" + arch], env)
    c.eq("own image: exit 0", p.returncode, 0)
    if not c.true("own image: a JSON document", doc is not None, p.stdout[-500:] + p.stderr):
        return
    s = first_scan(doc)
    c.eq("own image: image_platform", s.get("image_platform"), "linux/amd64")
    c.eq("own image: the program runs in it", verdicts(s).get("/usr/local/bin/go-cgo"), "runs")
    c.true("own image: its C library is in it", any(k.endswith("/libc.so.6") for k in binaries(s)), sorted(binaries(s)))
    common.check_schema(c, "scan.json", doc)
    want = sorted(binaries(s))
    # the same image as docker save writes it, and as a layout directory
    darch = os.path.join(work, "own-docker.tar")
    lay = os.path.join(work, "own-layout")
    shutil.rmtree(lay, ignore_errors=True)
    for f in (darch,):
        if os.path.exists(f):
            os.unlink(f)
    q1 = common.run(["skopeo", "copy", "-q", "oci-archive:" + arch, "docker-archive:" + darch + ":own/img:1"], 120)
    q2 = common.run(["skopeo", "copy", "-q", "oci-archive:" + arch, "oci:" + lay + ":v1"], 120)
    if c.true("skopeo copies it", q1.returncode == 0 and q2.returncode == 0, q1.stderr + q2.stderr):
        for spec in ("docker-archive:" + darch, "oci:" + lay + ":v1"):
            p, d2 = scan_json(exe, [spec], env)
            c.eq("%s: exit 0" % spec.split(":")[0], p.returncode, 0)
            c.eq("%s: the same binaries as the oci-archive" % spec.split(":")[0],
                 sorted(binaries(first_scan(d2))) if d2 else None, want)
        p = run(exe, ["scan", "oci:" + lay + ":v2"], env)
        c.eq("oci: an absent tag: exit 2", p.returncode, 2)
        c.true("oci: an absent tag: names the tags there", "no image tagged 'v2' (tags: v1)" in p.stderr, p.stderr)
    p = run(exe, ["check", "--target", "oci-archive:" + arch, cgo], env)
    c.eq("check --target oci-archive: own image: exit 0", p.returncode, 0)
    p = run(exe, ["check", "--json", "--target", "docker-archive:" + darch, cgo], env)
    c.eq("check --target docker-archive: own image: exit 0", p.returncode, 0)


class Buildah:
    def __init__(self, work):
        self.base = ["buildah", "--root", os.path.join(work, "buildah-root"), "--runroot",
                     os.path.join(work, "buildah-runroot"), "--storage-driver", "vfs"]

    def image(self, out, root, program):
        """FROM scratch, root's files added (if any), the program as /app/server."""
        p = common.run(self.base + ["from", "scratch"], 120)
        if p.returncode != 0:
            return p.stderr
        ctr = p.stdout.strip().splitlines()[-1]
        steps = []
        if root:
            steps.append(["add", ctr, root + "/.", "/"])
        steps += [["copy", ctr, program, "/app/server"], ["config", "--entrypoint", '["/app/server"]', ctr],
                  ["commit", "-q", ctr, "oci-archive:" + out + ":latest"], ["rm", ctr]]
        for s in steps:
            p = common.run(self.base + s, 600)
            if p.returncode != 0:
                return " ".join(s[:2]) + ": " + p.stderr
        return None


def multi_stage(c, exe, fx, roots, work, env):
    if not shutil.which("buildah"):
        c.fail("buildah is not installed (make test installs it)")
        return
    cgo = os.path.join(fx, "go-cgo")
    b = Buildah(work)
    cases = [("scratch", None)]
    if roots:
        cases += [("musl", os.path.join(roots, "musl")), ("bookworm", os.path.join(roots, "bookworm"))]
    for name, root in cases:
        out = os.path.join(work, "stage-%s.tar" % name)
        why = b.image(out, root, cgo)
        if not c.true("buildah image on %s" % name, why is None, why or ""):
            continue
        p = run(exe, ["scan", "oci-archive:" + out], env)
        if name == "bookworm":
            c.eq("buildah on bookworm: exit 0", p.returncode, 0)
            c.true("buildah on bookworm: /app/server is no problem", "/app/server" not in p.stdout, p.stdout)
            # the image reads as the directory it was made from
            p1, d1 = scan_json(exe, ["oci-archive:" + out], env)
            copy = os.path.join(work, "stage-bookworm-dir")
            shutil.rmtree(copy, ignore_errors=True)
            subprocess.run(["cp", "-al", root, copy], check=True)
            os.makedirs(os.path.join(copy, "app"), exist_ok=True)
            shutil.copy(cgo, os.path.join(copy, "app", "server"))
            p2, d2 = scan_json(exe, ["dir:" + copy], env)
            if c.true("bookworm: both scans", d1 and d2, p1.stderr + p2.stderr):
                v1, v2 = verdicts(first_scan(d1)), verdicts(first_scan(d2))
                c.eq("bookworm image: the binaries of the directory it was built from", sorted(v1), sorted(v2))
                c.eq("bookworm image: the verdicts of that directory", v1, v2)
            shutil.rmtree(copy, ignore_errors=True)
            p = run(exe, ["check", "--target", "oci-archive:" + out, cgo], env)
            c.eq("check --target the bookworm image: exit 0", p.returncode, 0)
            # killed while unpacking (or scanning): the reaper still removes the directory
            tmp = env["TMPDIR"]
            for delay in (0.2, 0.6):
                common.run_killed([exe, "scan", "oci-archive:" + out], delay, env=env)
                for _ in range(100):
                    if not leftovers(tmp):
                        break
                    time.sleep(0.1)
                c.eq("SIGKILL after %.1f s: no private directory left" % delay, leftovers(tmp), [])
        else:
            c.eq("buildah on %s: exit 1" % name, p.returncode, 1)
            lines = [l for l in p.stdout.splitlines() if l.startswith("  FAIL /app/server: ")]
            c.true("buildah on %s: FAIL /app/server, the interpreter missing" % name,
                   lines and "ld-linux-x86-64.so.2" in lines[0], p.stdout)
            if name == "scratch":
                c.true("buildah on scratch: the image named", lines and ("oci-archive:" + out) in lines[0], p.stdout)
            c.true("buildah on %s: no private directory named" % name, "shipready-image-" not in p.stdout, p.stdout)
            p = run(exe, ["check", "--target", "oci-archive:" + out, cgo], env)
            c.eq("check --target the %s image: exit 1 (FAIL)" % name, p.returncode, 1)
            c.true("check --target the %s image: interpreter missing" % name, "ld-linux-x86-64.so.2" in p.stdout,
                   p.stdout)
        os.unlink(out)


def changesets(c, exe, fx, work, env):
    """Whiteouts, an opaque directory, links, a FIFO: as umoci applies them."""
    prog = open(os.path.join(fx, "c-static"), "rb").read()
    l1 = tar_layer([
        ("bin", "dir", None, 0o755),
        ("bin/keep", "file", prog, 0o755),
        ("bin/gone", "file", prog, 0o755),
        ("bin/caf\u00e9", "file", prog, 0o755),       # a UTF-8 name in a pax header
        ("opt/old/a", "file", prog, 0o755),          # no directory entries: made on the way
        ("opt/old/sub/b", "file", prog, 0o755),
        ("lib", "symlink", "usr/lib", 0o777),
        ("usr/lib/libx", "file", prog, 0o644),
        ("etc/fifo", "fifo", None, 0o644),
        ("replaced", "dir", None, 0o755),
        ("replaced/inside", "file", prog, 0o755),
        ("srv/data/sub/old", "file", prog, 0o755),
        ("srv/data/keep", "file", prog, 0o755),
        ("srv/data2/sub/old", "file", prog, 0o755),
        ("srv/data2/top", "file", prog, 0o755),
    ])
    l2 = tar_layer([
        ("bin/.wh.gone", "file", b"", 0o644),
        ("opt/old/.wh..wh..opq", "file", b"", 0o644),
        ("opt/old/new", "file", prog, 0o755),
        ("lib/liby", "file", prog, 0o644),             # through the symlink: usr/lib/liby
        ("bin/hard", "hardlink", "bin/keep", 0o755),
        ("replaced", "file", prog, 0o755),             # a file over a directory
        ("./abs", "file", prog, 0o755),
        # a directory re-declared before the opaque marker of its parent:
        # the marker hides what the layers below put inside it too
        ("srv/data/sub", "dir", None, 0o755),
        ("srv/data/sub/new", "file", prog, 0o755),
        ("srv/data/.wh..wh..opq", "file", b"", 0o644),
        # a file below a directory of the layers beneath (not re-declared),
        # then the opaque marker of its parent: the file stays, and only it
        ("srv/data2/sub/new", "file", prog, 0o755),
        ("srv/data2/.wh..wh..opq", "file", b"", 0o644),
    ])
    want = ["/abs", "/bin/caf\u00e9", "/bin/hard", "/bin/keep", "/opt/old/new", "/replaced", "/srv/data/sub/new",
            "/srv/data2/sub/new", "/usr/lib/libx", "/usr/lib/liby"]
    for gz in (False, True):
        layout = layout_of(work, "changes", [l1, l2], gzipped=gz)
        tag = "gzip" if gz else "tar"
        p, doc = scan_json(exe, ["oci:" + layout], env)
        c.eq("changesets (%s): exit 0" % tag, p.returncode, 0)
        got = sorted(binaries(first_scan(doc))) if doc else None
        c.eq("changesets (%s): the binaries left after the whiteouts" % tag, got, want)
        # umoci: the same layout unpacked by a real implementation
        if shutil.which("umoci"):
            u = os.path.join(work, "umoci-" + tag)
            shutil.rmtree(u, ignore_errors=True)
            q = common.run(["umoci", "raw", "unpack", "--rootless", "--image", layout + ":latest", u], 120)
            if c.true("umoci unpacks the layout", q.returncode == 0, q.stderr):
                p2, d2 = scan_json(exe, ["dir:" + u], env)
                c.eq("changesets (%s): as umoci unpacks them" % tag,
                     got, sorted(binaries(first_scan(d2))) if d2 else None)
            shutil.rmtree(u, ignore_errors=True)
        # the same as an archive
        arch = archive_of(layout, os.path.join(work, "changes.tar"))
        p, doc = scan_json(exe, ["oci-archive:" + arch], env)
        c.eq("changesets (%s) as oci-archive: the same binaries" % tag,
             sorted(binaries(first_scan(doc))) if doc else None, want)


def multi_platform(c, exe, fx, work, env):
    """A nested index (as buildx writes) with amd64, arm64/v8 and an attestation."""
    layout = os.path.join(work, "multi")
    shutil.rmtree(layout, ignore_errors=True)
    os.makedirs(layout)
    amd = image_manifest(layout, "amd64", None, [tar_layer([("app", "file", open(os.path.join(fx, "go-amd64"), "rb").read(), 0o755)])], True)
    arm = image_manifest(layout, "arm64", "v8", [tar_layer([("app", "file", open(os.path.join(fx, "go-arm64"), "rb").read(), 0o755)])], True)
    att = put_json(layout, {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                            "config": put_json(layout, {}, "application/vnd.oci.image.config.v1+json"), "layers": []},
                   "application/vnd.oci.image.manifest.v1+json")
    att["platform"] = {"os": "unknown", "architecture": "unknown"}
    inner = put_json(layout, {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                              "manifests": [amd, arm, att]}, "application/vnd.oci.image.index.v1+json")
    write_index(layout, [inner], tag="v3")
    p, doc = scan_json(exe, ["oci:" + layout + ":v3"], env)
    c.eq("multi-platform: exit 0", p.returncode, 0)
    if doc:
        c.eq("multi-platform: a scan per platform, the attestation left out",
             [s.get("image_platform") for s in doc["scans"]], ["linux/amd64", "linux/arm64/v8"])
        c.eq("multi-platform: each scan sees its own program",
             [binaries(s).get("/app", {}).get("platform") for s in doc["scans"]], ["linux/amd64", "linux/arm64"])
        common.check_schema(c, "scan.json", doc)
    p, doc = scan_json(exe, ["--platform", "linux/arm64", "oci:" + layout + ":v3"], env)
    c.eq("--platform linux/arm64: the arm64 scan only",
         [s.get("image_platform") for s in doc["scans"]] if doc else None, ["linux/arm64/v8"])
    p = run(exe, ["scan", "--sbom", "cyclonedx", "oci:" + layout + ":v3"], env)
    c.eq("--sbom of two platforms: exit 2", p.returncode, 2)
    c.true("--sbom of two platforms: says to choose", "--platform" in p.stderr, p.stderr)
    p = run(exe, ["scan", "--sbom", "cyclonedx", "--platform", "linux/amd64", "oci:" + layout + ":v3"], env)
    try:
        bill = json.loads(p.stdout)
    except ValueError:
        bill = None
    c.true("--sbom --platform linux/amd64: a bill with the program", bill and any(
        comp.get("name") == "/app" or comp.get("name", "").endswith("app") for comp in bill.get("components", [])),
        p.stdout[:500] + p.stderr)
    p = run(exe, ["scan", "--jsonl", "oci:" + layout + ":v3"], env)
    lines = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    c.eq("--jsonl: each record names its image platform",
         [(l["record"], l.get("image_platform")) for l in lines],
         [("binary", "linux/amd64"), ("summary", "linux/amd64"), ("binary", "linux/arm64/v8"),
          ("summary", "linux/arm64/v8")])
    p = run(exe, ["check", "--target", "oci:" + layout + ":v3", os.path.join(fx, "go-amd64")], env)
    c.eq("check --target a multi-platform layout: this machine's image, exit 0", p.returncode, 0)


def hostile(c, exe, fx, work, env, tmp):
    prog = open(os.path.join(fx, "c-static"), "rb").read()
    outside = os.path.join(work, "outside")
    shutil.rmtree(outside, ignore_errors=True)
    os.makedirs(outside)
    up = "../" * 30 + outside.lstrip("/")
    cases = [
        # name, layers, expected exit, text in the error
        ("traversal", [tar_layer([("../../evil", "file", prog, 0o755)])], 2, "unsafe name"),
        ("traversal with a newline", [tar_layer([("x\n/../../evil", "file", prog, 0o755)])], 2, "x\\x0a"),
        ("escape", [tar_layer([("esc", "symlink", outside, 0o777), ("rel", "symlink", up, 0o777)]),
                    tar_layer([("esc/pwned", "file", prog, 0o755), ("rel/pwned2", "file", prog, 0o755)])], 0, None),
        ("loop", [tar_layer([("a", "symlink", "b", 0o777), ("b", "symlink", "a", 0o777)]),
                  tar_layer([("a/x", "file", prog, 0o755)])], 2, "too many symbolic links"),
        ("hard link to nothing", [tar_layer([("h", "hardlink", "missing", 0o755)])], 2, "hard link"),
        ("hard link out", [tar_layer([("h", "hardlink", "../../etc/passwd", 0o755)])], 2, "unsafe hard link"),
        ("devices", [tar_layer([("dev/null", "chr", None, 0o666), ("p", "fifo", None, 0o644),
                                ("app", "file", prog, 0o755)])], 0, None),
    ]
    for name, layers, code, text in cases:
        layout = layout_of(work, "hostile", layers)
        p = run(exe, ["scan", "oci:" + layout], env, 120)
        c.eq("hostile %s: exit %d" % (name, code), p.returncode, code)
        if text:
            c.true("hostile %s: one line, shipready: SPEC: reason" % name,
                   p.stderr.count("\n") == 1 and p.stderr.startswith("shipready: oci:" + layout) and text in p.stderr,
                   p.stderr)
        c.eq("hostile %s: nothing written outside" % name, os.listdir(outside), [])
        c.eq("hostile %s: no private directory left" % name, leftovers(tmp), [])
    # escape: the links resolved inside the image
    layout = layout_of(work, "hostile", dict((n, l) for n, l, _, _ in cases)["escape"])
    p, doc = scan_json(exe, ["oci:" + layout], env)
    c.eq("hostile escape: the files land inside the image",
         sorted(binaries(first_scan(doc))) if doc else None, sorted([outside + "/pwned", outside + "/pwned2"]))
    # a huge pax header: read or refused, never a crash or a hang
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        ti = tarfile.TarInfo("app")
        ti.size = len(prog)
        ti.pax_headers = {"comment": "x" * (8 << 20)}
        t.addfile(ti, io.BytesIO(prog))
    layout = layout_of(work, "hostile", [raw.getvalue()])
    p = run(exe, ["scan", "oci:" + layout], env, 120)
    c.true("hostile huge pax header: exit 0 or 2", p.returncode in (0, 2), "%s %s" % (p.returncode, p.stderr))
    c.eq("hostile huge pax header: no private directory left", leftovers(tmp), [])
    # truncated gzip: the digest is the truncated blob's, gzip itself fails
    layout = os.path.join(work, "hostile")
    shutil.rmtree(layout)
    os.makedirs(layout)
    gz = gzip.compress(tar_layer([("app", "file", prog, 0o755)]), mtime=0)
    d = put_blob(layout, gz[:len(gz) // 2])
    d["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip"
    cfg = put_json(layout, {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}},
                   "application/vnd.oci.image.config.v1+json")
    man = put_json(layout, {"schemaVersion": 2, "config": cfg, "layers": [d]},
                   "application/vnd.oci.image.manifest.v1+json")
    write_index(layout, [man])
    p = run(exe, ["scan", "oci:" + layout], env, 120)
    c.eq("hostile truncated gzip: exit 2", p.returncode, 2)
    c.true("hostile truncated gzip: one line", p.stderr.count("\n") == 1 and "layer 1" in p.stderr, p.stderr)
    c.eq("hostile truncated gzip: no private directory left", leftovers(tmp), [])
    # a platform name that is not a name: refused, never printed raw
    layout = layout_of(work, "hostile", [tar_layer([("app", "file", prog, 0o755)])], arch='amd64"\n')
    p = run(exe, ["scan", "--json", "oci:" + layout], env, 120)
    c.eq("hostile platform name: exit 2", p.returncode, 2)
    c.true("hostile platform name: one line, not a name", p.stderr.count("\n") == 1 and "not a name" in p.stderr,
           p.stderr)
    c.eq("hostile platform name: the JSON still parses", bool(json.loads(p.stdout)), True)
    # a blob changed after the fact
    layout = layout_of(work, "hostile", [tar_layer([("app", "file", prog, 0o755)])])
    blobs = os.path.join(layout, "blobs", "sha256")
    layer = [f for f in os.listdir(blobs) if os.path.getsize(os.path.join(blobs, f)) > 4096][0]
    with open(os.path.join(blobs, layer), "r+b") as f:
        f.seek(600)
        f.write(b"X")
    p = run(exe, ["scan", "oci:" + layout], env, 120)
    c.eq("hostile wrong digest: exit 2", p.returncode, 2)
    c.true("hostile wrong digest: says so", "does not match its digest" in p.stderr, p.stderr)
    # a blob that is a symlink to a host file
    os.unlink(os.path.join(blobs, layer))
    os.symlink("/etc/passwd", os.path.join(blobs, layer))
    p = run(exe, ["scan", "oci:" + layout], env, 120)
    c.eq("hostile blob symlink: exit 2", p.returncode, 2)
    c.true("hostile blob symlink: not a regular file", "not a regular file" in p.stderr, p.stderr)
    # not an archive, no index, and the other inputs still analysed
    junk = os.path.join(work, "junk.tar")
    with open(junk, "wb") as f:
        f.write(b"\0" * 100 + b"not a tar")
    empty = os.path.join(work, "empty.tar")
    with tarfile.open(empty, "w"):
        pass
    own = os.path.join(work, "own.tar")
    args = ["scan", "oci-archive:" + junk, "oci-archive:" + empty, "docker-archive:" + empty]
    if os.path.exists(own):
        args.append("oci-archive:" + own)
    p = run(exe, args, env, 120)
    c.eq("bad archives: exit 2", p.returncode, 2)
    c.eq("bad archives: one line each", len([l for l in p.stderr.splitlines() if l.startswith("shipready: ")]), 3)
    if os.path.exists(own):
        c.true("bad archives: the good image still scanned", "oci-archive:" + own + " (linux/amd64):" in p.stdout,
               p.stdout)
    c.eq("bad archives: no private directory left", leftovers(tmp), [])


def errors_of(p):
    """The error lines of a run (with --sbom the summary goes to stderr too)."""
    return [l for l in p.stderr.splitlines() if l.startswith("shipready:")]


def sbom_hashes(exe, spec, env):
    """path -> SHA-256 of each binary, as the CycloneDX bill of a scan says."""
    p = run(exe, ["scan", "--sbom", "cyclonedx", spec], env)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        return p, None
    out = {}
    for comp in doc.get("components", []):
        props = {q["name"]: q["value"] for q in comp.get("properties", [])}
        for h in comp.get("hashes", []):
            if h.get("alg") == "SHA-256" and "shipready:path" in props:
                out[props["shipready:path"]] = h["content"]
    return p, out


def in_place(c, exe, fx, work, env):
    """Images are read where they are: every binary's bytes read back from
    the layers are the bytes that went in (their SHA-256), across gzip
    access points and concatenated gzip members, in a plain docker-archive,
    and with no writable TMPDIR at all; a zstd layer takes the other way."""
    progs = {name: open(os.path.join(fx, name), "rb").read() for name in ("c-static", "go-cgo", "go-amd64", "cxx")}
    # 24 MiB that gzip cannot shrink much, so the files after it lie past
    # many access points, then the programs; a second layer adds more
    noise = hashlib.shake_256(b"shipready").digest(24 << 20)
    l1 = tar_layer([("opt/noise.bin", "file", noise, 0o644)] +
                   [("usr/bin/" + n, "file", b, 0o755) for n, b in sorted(progs.items())])
    l2 = tar_layer([("app/" + n, "file", b, 0o755) for n, b in sorted(progs.items())])
    want = {"/usr/bin/" + n: hashlib.sha256(b).hexdigest() for n, b in progs.items()}
    want.update({"/app/" + n: hashlib.sha256(b).hexdigest() for n, b in progs.items()})
    # the second layer as two gzip members (as pigz or a registry may write it)
    half = len(l2) // 2
    members = gzip.compress(l2[:half], mtime=0) + gzip.compress(l2[half:], mtime=0)
    layout = os.path.join(work, "inplace")
    shutil.rmtree(layout, ignore_errors=True)
    os.makedirs(layout)
    diff_ids = ["sha256:" + hashlib.sha256(l).hexdigest() for l in (l1, l2)]
    descs = []
    for blob in (gzip.compress(l1, mtime=0), members):
        d = put_blob(layout, blob)
        d["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip"
        descs.append(d)
    cfg = {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids}, "config": {}}
    man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
           "config": put_json(layout, cfg, "application/vnd.oci.image.config.v1+json"), "layers": descs}
    desc = put_json(layout, man, "application/vnd.oci.image.manifest.v1+json")
    desc["platform"] = {"os": "linux", "architecture": "amd64"}
    write_index(layout, [desc])
    # no TMPDIR to write to: nothing is written anywhere
    nowhere = dict(env, TMPDIR=os.path.join(work, "no-such-dir"))
    p, got = sbom_hashes(exe, "oci:" + layout, nowhere)
    # exit 1: the cgo and C++ programs find no C library in this image
    c.eq("in place (gzip, two members, 24 MiB before): exit 1 (findings), no error, with no TMPDIR",
         (p.returncode, errors_of(p)), (1, []))
    c.eq("in place (gzip): every binary's SHA-256 read back from the layers", got, want)
    # with a TMPDIR, a program of more than 1 MiB (SR_FILE_SPOOL_MIN) in a
    # gzip layer, read whole, is copied into an unnamed scratch file there
    # and mapped, not held in memory: the kernel sees the O_TMPFILE opens,
    # the bytes are the same, and nothing is left behind
    big = sorted(n for n, b in progs.items() if len(b) > (1 << 20))
    c.true("in place: programs of more than 1 MiB to spool", len(big) >= 2, str(big))
    p, got = sbom_hashes(exe, "oci:" + layout, env)
    c.eq("in place (gzip, spooled): exit 1 (findings), no error", (p.returncode, errors_of(p)), (1, []))
    c.eq("in place (gzip, spooled): every binary's SHA-256", got, want)
    c.eq("in place (gzip, spooled): nothing left in TMPDIR", leftovers(env["TMPDIR"]), [])
    if shutil.which("strace"):
        log = os.path.join(work, "spool-strace.log")
        subprocess.run(["strace", "-f", "-qq", "-e", "trace=open,openat", "-o", log, exe, "scan", "--threads", "1",
                        "oci:" + layout], env=env, capture_output=True, timeout=600)
        try:
            tmpfiles = [l for l in common.strace_lines(log)
                        if "O_TMPFILE" in l and env["TMPDIR"] in l and "= -1" not in l]
        except OSError:
            tmpfiles = None
        # each large program twice (in both layers), each read whole once
        if tmpfiles is not None:
            c.eq("in place (gzip): a scratch file per large program read whole", len(tmpfiles), 2 * len(big))
    p, doc = scan_json(exe, ["oci:" + layout], nowhere)
    c.true("in place (gzip): noise.bin is a file, not a binary",
           doc and first_scan(doc)["summary"].get("files") == 9, p.stdout[-500:])
    # the same as a plain oci-archive: each file a range of the archive, mapped
    plain = layout_of(work, "inplace-plain", [l1, l2], gzipped=False)
    arch = archive_of(plain, os.path.join(work, "inplace.tar"))
    p, got = sbom_hashes(exe, "oci-archive:" + arch, nowhere)
    c.eq("in place (plain oci-archive): exit 1 (findings), no error, with no TMPDIR", (p.returncode, errors_of(p)),
         (1, []))
    c.eq("in place (plain oci-archive): every binary's SHA-256", got, want)
    # judged as the directory it would unpack to
    tree = os.path.join(work, "inplace-dir")
    shutil.rmtree(tree, ignore_errors=True)
    for l in (l1, l2):
        with tarfile.open(fileobj=io.BytesIO(l)) as t:
            t.extractall(tree)
    p1, d1 = scan_json(exe, ["oci-archive:" + arch], nowhere)
    p2, d2 = scan_json(exe, ["dir:" + tree], env)
    if c.true("in place: both scans", d1 and d2, p1.stderr + p2.stderr):
        c.eq("in place: the verdicts of the unpacked directory", verdicts(first_scan(d1)), verdicts(first_scan(d2)))
    shutil.rmtree(tree, ignore_errors=True)
    # zstd is not read in place: decompressed to an unnamed file in TMPDIR
    if shutil.which("zstd"):
        zl = subprocess.run(["zstd", "-q", "-c"], input=l2, capture_output=True, check=True).stdout
        zlayout = os.path.join(work, "inplace-zstd")
        shutil.rmtree(zlayout, ignore_errors=True)
        os.makedirs(zlayout)
        d = put_blob(zlayout, zl)
        d["mediaType"] = "application/vnd.oci.image.layer.v1.tar+zstd"
        cfg = {"architecture": "amd64", "os": "linux",
               "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(l2).hexdigest()]}, "config": {}}
        man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
               "config": put_json(zlayout, cfg, "application/vnd.oci.image.config.v1+json"), "layers": [d]}
        desc = put_json(zlayout, man, "application/vnd.oci.image.manifest.v1+json")
        desc["platform"] = {"os": "linux", "architecture": "amd64"}
        write_index(zlayout, [desc])
        p, got = sbom_hashes(exe, "oci:" + zlayout, env)
        c.eq("zstd layer: exit 1 (findings), no error", (p.returncode, errors_of(p)), (1, []))
        c.eq("zstd layer: every binary's SHA-256",
             got, {k: v for k, v in want.items() if k.startswith("/app/")})
        c.eq("zstd layer: nothing left in TMPDIR", leftovers(env["TMPDIR"]), [])
        p = run(exe, ["scan", "oci:" + zlayout], nowhere)
        c.true("zstd layer, no TMPDIR: one line naming TMPDIR, exit 2",
               p.returncode == 2 and len(p.stderr.splitlines()) == 1 and "TMPDIR" in p.stderr, p.stderr)
    else:
        print("note: no zstd here: the zstd layer is not tried")


class Zeros(io.RawIOBase):
    """n zero bytes, made as they are read."""
    def __init__(self, n):
        self.left = n

    def readable(self):
        return True

    def readinto(self, b):
        k = min(len(b), self.left)
        b[:k] = bytes(k)
        self.left -= k
        return k


def bombs(c, exe, fx, work, env):
    """Decompression bombs, on a small tmpfs TMPDIR of their own.  A gzip
    layer is read in place: 256 MiB of zeros or 3000 files cost no space
    there at all.  A layer compressed otherwise (xz here) is decompressed to
    an unnamed file first: one that would not fit is refused with one line
    before $TMPDIR fills."""
    small = os.path.join(work, "small")
    os.makedirs(small, exist_ok=True)
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        print("note: no mount namespace here (%s): the bombs are skipped" % probe.stderr.decode().strip())
        return
    prog = open(os.path.join(fx, "c-static"), "rb").read()

    def zeros_tar(compression):
        out = os.path.join(work, "bomb.tar." + compression)
        with tarfile.open(out, "w:" + compression, format=tarfile.PAX_FORMAT) as t:
            ti = tarfile.TarInfo("zeros")
            ti.size = 256 << 20   # gzip makes it 250 KiB, xz 40 KiB
            t.addfile(ti, Zeros(ti.size))
            ti = tarfile.TarInfo("app")
            ti.size = len(prog)
            ti.mode = 0o755
            t.addfile(ti, io.BytesIO(prog))
        return open(out, "rb").read()

    many = tar_layer([("f%05d" % i, "file", b"", 0o644) for i in range(3000)] + [("app", "file", prog, 0o755)],
                     "gzip")
    cases = [("gzip bytes", layout_of(work, "bomb-gz", [zeros_tar("gz")], gzipped=False), 0),
             ("gzip files", layout_of(work, "bomb-files", [many], gzipped=False), 0),
             ("xz bytes", layout_of(work, "bomb-xz", [zeros_tar("xz")], gzipped=False), 2),
             ("xz small", layout_of(work, "bomb-good", [lzma_layer([("app", "file", prog, 0o755)])],
                                    gzipped=False), 0)]
    for name, layout, want in cases:
        # 128 MiB and 2000 files: the reserve is 64 MiB
        script = ('mount -t tmpfs -o size=128m,nr_inodes=2000 none "$1" && TMPDIR="$1" "$2" scan --json "oci:$3"; '
                  'rc=$?; echo "left: $(ls -A "$1")"; exit $rc')
        p = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", small, exe, layout], capture_output=True,
                           text=True, env=env, timeout=300)
        err = [l for l in p.stderr.splitlines() if l]
        c.eq("bomb %s: exit %d" % (name, want), p.returncode, want)
        if want == 2:
            c.true("bomb %s: one line, does not fit" % name,
                   len(err) == 1 and err[0].startswith("shipready: oci:" + layout) and "does not fit" in err[0]
                   and "TMPDIR" in err[0], p.stderr)
        else:
            c.true("bomb %s: /app found" % name, '"path":"/app"' in p.stdout.replace(" ", ""), p.stdout[-2000:])
        c.true("bomb %s: nothing left in the small TMPDIR" % name, "left: \n" in p.stdout + "\n", p.stdout[-300:])


def lzma_layer(entries):
    """A layer compressed with xz, which is not read in place."""
    import lzma
    return lzma.compress(tar_layer(entries, None))


def main():
    exe, fixdir, work = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    tmp = os.path.join(work, "tmp")
    os.makedirs(tmp)
    env = dict(os.environ, TMPDIR=tmp, NO_COLOR="1")
    c = common.Checker("cli-image-scan")
    fx = common.fixtures(fixdir)
    own_image(c, exe, fx, work, env)
    changesets(c, exe, fx, work, env)
    multi_platform(c, exe, fx, work, env)
    in_place(c, exe, fx, work, env)
    hostile(c, exe, fx, work, env, tmp)
    bombs(c, exe, fx, work, env)
    roots = common.reality_roots(fixdir)
    if roots is False:
        c.fail("the debootstrap roots could not be built")
        roots = None
    multi_stage(c, exe, fx, roots, work, env)
    c.eq("no private directory left at the end", leftovers(tmp), [])
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
