"""shipready scan: trees and roots, against real oracles.

  test_scan.py SHIPREADY FIXTURE_DIR WORK_DIR

- A small hostile tree: ELF, PE and Mach-O fixtures are found; a text file
  starting with "MZ" (short, long, and one whose e_lfanew points to no PE
  signature), a Java class file (0xcafebabe), a FIFO (no hang), a
  symlink out of the tree and a symlink loop are not; a truncated ELF is an
  error line and exit status 1.
- The debootstrap roots (tests/fixtures/reality): the ELF files found are
  exactly the regular files `readelf -h` accepts; each one's interpreter and
  NEEDED entries are readelf's; each program's verdict inside a copy of the
  bullseye root (with programs built here added) agrees with the root's own
  loader, `ld.so --list` run under chroot(2): a library or symbol version
  missing exactly where the loader says "not found".
- The multi-stage mistake: a glibc cgo program on a musl-shaped root and on
  an empty (scratch) one fails with the interpreter missing; in a copy of
  the bookworm root and in its own bundle (shipready bundle) it runs.
- --json is valid against docs/schema/scan.json and the same with 1 and 4
  threads; --jsonl has one line per binary and a summary line.
- Bad operands: one line, exit 2, the other trees still scanned; progress
  on a terminal only.
- Access times: a scan leaves them alone (O_NOATIME) where the kernel
  lets it; as another user it still scans, with the same records.
- --sbom cyclonedx of a copy of the bookworm root with Go programs added:
  valid against CycloneDX's own 1.6 schema (npm's
  @cyclonedx/cyclonedx-library; skipped when the registry cannot be
  reached), the same bytes twice; each binary's SHA-256 is hashlib's; each
  binary's package, version and architecture are dpkg-query's; a Go
  program's modules and h1: hashes are `go version -m`'s; the files a
  program loads, followed through the bill, are the ones the root's ld.so
  --list loads under chroot.
- An Alpine-shaped root with an apk installed database (common.alpine_root):
  the program runs there, and the SBOM has a pkg:apk component per package
  the database lists, the library's file in its package, the program's load
  of it; valid CycloneDX; the same purls in SPDX.
"""
import base64
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

import common

HERE = os.path.dirname(os.path.abspath(__file__))


def scan(exe, args, timeout=300):
    p = common.run([exe, "scan"] + list(args), timeout=timeout)
    return p


def scan_json(exe, args, timeout=300):
    p = scan(exe, ["--json"] + list(args), timeout)
    try:
        doc = json.loads(p.stdout) if p.stdout else None
    except ValueError:
        doc = None
    return p, doc


def binaries(doc, i=0):
    return {b["path"]: b for b in doc["scans"][i]["binaries"]}


# ---------------------------------------------------------------- a small tree

def hostile_tree(c, exe, fx, work):
    t = os.path.join(work, "tree")
    shutil.rmtree(t, ignore_errors=True)
    os.makedirs(os.path.join(t, "bin", "deep", "er"))
    shutil.copy(os.path.join(fx, "c-pie"), os.path.join(t, "bin", "c-pie"))
    shutil.copy(os.path.join(fx, "go-cgo"), os.path.join(t, "bin", "deep", "er", "go-cgo"))
    shutil.copy(os.path.join(fx, "pe", "c-console-x64.exe"), os.path.join(t, "bin", "tool.exe"))
    shutil.copy(os.path.join(fx, "macho", "fat-c"), os.path.join(t, "bin", "fat-c"))
    shutil.copy(os.path.join(fx, "obj.o"), os.path.join(t, "bin", "obj.o"))
    with open(os.path.join(fx, "c-pie"), "rb") as f:
        head = f.read(100)
    with open(os.path.join(t, "bin", "truncated"), "wb") as f:
        f.write(head)
    common.write_files(t, {"notes.txt": "MZ is not a program\n",
                           "notes-long.txt": "MZ is not a program, " * 8 + "\n"})
    # "MZ" with e_lfanew past the first bytes read, pointing at no PE signature
    with open(os.path.join(t, "dos.com"), "wb") as f:
        f.write(b"MZ" + b"\0" * 0x3a + (0x80).to_bytes(4, "little") + b"\0" * 0x40 + b"NE\0\0" + b"\0" * 64)
    with open(os.path.join(t, "Main.class"), "wb") as f:
        f.write(bytes.fromhex("cafebabe00000034") + b"\0" * 64)
    os.mkfifo(os.path.join(t, "fifo"))
    os.symlink("/usr/bin/ls", os.path.join(t, "outside"))
    os.symlink(".", os.path.join(t, "bin", "loop"))

    p, doc = scan_json(exe, ["--threads", "2", t], timeout=60)
    if not c.true("tree: scan --json finishes (a FIFO must not block it)", p.returncode is not None, p.stderr):
        return
    c.eq("tree: exit status 1 (the truncated ELF)", p.returncode, 1)
    if not c.true("tree: --json parses", doc is not None, p.stdout[:300]):
        return
    common.check_schema(c, "scan.json", doc)
    b = binaries(doc)
    P = lambda rel: os.path.join(t, rel)
    c.eq("tree: the binaries found", sorted(b),
         sorted(P(r) for r in ("bin/c-pie", "bin/deep/er/go-cgo", "bin/tool.exe", "bin/fat-c", "bin/obj.o",
                               "bin/truncated")))
    c.eq("tree: formats", {os.path.relpath(k, t): v.get("format") for k, v in b.items()},
         {"bin/c-pie": "elf", "bin/deep/er/go-cgo": "elf", "bin/tool.exe": "pe", "bin/fat-c": "macho",
          "bin/obj.o": "elf", "bin/truncated": None})
    c.true("tree: the truncated ELF is an error", "error" in b[P("bin/truncated")], b[P("bin/truncated")])
    c.eq("tree: roles", [b[P(r)].get("role") for r in ("bin/c-pie", "bin/tool.exe", "bin/obj.o")],
         ["program", "program", "object"])
    c.eq("tree: go-cgo's language", (b[P("bin/deep/er/go-cgo")]["language"], b[P("bin/deep/er/go-cgo")]["go"]["cgo"]),
         ("go", "on"))
    c.true("tree: nothing judged in a plain tree", all("verdict" not in v for v in b.values()))
    s = doc["scans"][0]["summary"]
    c.eq("tree: symlinks counted, not followed", s["skipped"]["symlinks"], 2)
    c.eq("tree: the FIFO skipped", s["skipped"]["special"], 1)
    c.eq("tree: files looked at (not the FIFO)", s["files"], 10)
    c.eq("tree: errors", s["errors"], 1)
    # the path order: byte order of names, depth first
    c.eq("tree: path order", [os.path.relpath(x["path"], t) for x in doc["scans"][0]["binaries"]],
         ["bin/c-pie", "bin/deep/er/go-cgo", "bin/fat-c", "bin/obj.o", "bin/tool.exe", "bin/truncated"])
    txt = scan(exe, [t], timeout=60)
    c.true("tree: text names the truncated file with its reason",
           ("ERROR %s: " % P("bin/truncated")) in txt.stdout, txt.stdout)

    # a plain file, a missing directory, a missing image: one line each, exit 2, the others still scanned
    p = scan(exe, [os.path.join(fx, "c-pie"), os.path.join(work, "missing"), "oci-archive:x.tar", t], timeout=60)
    c.eq("operands: exit 2", p.returncode, 2)
    lines = p.stderr.strip().splitlines()
    c.eq("operands: one line each", lines and len(lines), 3)
    c.true("operands: a file is not a tree", any("c-pie: not a directory" in l for l in lines), p.stderr)
    c.true("operands: a missing image archive", any(l.startswith("shipready: oci-archive:x.tar: ") for l in lines),
           p.stderr)
    c.true("operands: the good tree still scanned", p.stdout.startswith(t + ": 10 files, 5 binaries"), p.stdout)

    for args, why in ((["--sbom", "bogus", t], "--sbom takes 'cyclonedx' or 'spdx'"),
                      (["--sbom", "spdx", t, t], "--sbom describes one tree"),
                      (["--json", "--jsonl", t], "choose one of"),
                      (["--threads", "0", t], "--threads takes a number")):
        q = scan(exe, args, timeout=60)
        c.true("usage: %s: exit 2 with the reason" % " ".join(args[:2]), q.returncode == 2 and why in q.stderr,
               (q.returncode, q.stderr[:200]))

    # progress: on a terminal only
    c.true("progress: none on a pipe", "files/s" not in p.stderr, p.stderr)
    rc, out = common.run_in_pty([exe, "scan", t])
    c.true("progress: on a terminal", "files/s" in out, out[:300])
    return t


# ---------------------------------------------------------------- oracles on real roots

def readelf_elf_files(paths):
    """The files readelf -h accepts: those whose "File: NAME" block (it
    names each file when given several) goes on with an ELF header."""
    ok = set()
    paths = sorted(paths)
    for i in range(0, len(paths), 200):
        batch = paths[i:i + 200] + ["/dev/null"]   # always several: every file named
        p = subprocess.run(["readelf", "-h", "-W"] + batch, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, errors="surrogateescape")
        cur = None
        for line in p.stdout.splitlines():
            if line.startswith("File: "):
                cur = line[6:]
            elif line.startswith("ELF Header:") and cur:
                ok.add(cur)
    return ok


def regular_files(root):
    out = []
    for d, dirs, files in os.walk(root):
        for n in files:
            p = os.path.join(d, n)
            if stat.S_ISREG(os.lstat(p).st_mode):
                out.append(p)
    return out


def interp_of(path):
    p = subprocess.run(["readelf", "-lW", path], capture_output=True, text=True, errors="replace")
    for line in p.stdout.splitlines():
        if "[Requesting program interpreter:" in line:
            return line.split(":", 1)[1].strip().rstrip("]")
    return None


def root_oracle(c, exe, root, name):
    p, doc = scan_json(exe, [root], timeout=300)
    if not c.true("%s: scan --json parses" % name, doc is not None, p.stderr[:300]):
        return
    b = binaries(doc)
    elf = {k for k, v in b.items() if v.get("format") == "elf"}
    want = readelf_elf_files(regular_files(root))
    c.eq("%s: ELF files found = readelf -h accepts (differences)" % name,
         (sorted(elf - want)[:10], sorted(want - elf)[:10]), ([], []))
    c.true("%s: 500+ ELF files" % name, len(want) > 500, len(want))
    c.eq("%s: nothing unreadable" % name, [k for k, v in b.items() if "error" in v], [])
    ver = common.readelf_dyn_ver(sorted(elf))
    bad = []
    for path in sorted(elf):
        needed = ver[path]["needed"] if path in ver else None
        if needed is not None and b[path]["libraries"] != needed:
            bad.append((path, b[path]["libraries"], needed))
    c.eq("%s: NEEDED of every ELF file = readelf -d" % name, bad[:5], [])
    sample = sorted(k for k in elf if b[k]["role"] == "program")[:60]
    c.eq("%s: interpreters = readelf -l (60 programs)" % name,
         {k: b[k]["interpreter"] for k in sample}, {k: interp_of(k) for k in sample})
    # one model: scan's facts are inspect's
    p2, idoc = common.inspect_json(exe, sample[:20])
    if idoc:
        res = {r["path"]: r for r in idoc["results"]}
        c.eq("%s: interpreter as inspect --json" % name, {k: b[k]["interpreter"] for k in sample[:20]},
             {k: res[k].get("interpreter") for k in sample[:20]})


def ld_list(root, path, loader):
    """The root's own loader in list mode, under chroot(2): (exit status, output)."""
    def enter():
        os.chroot(root)
        os.chdir("/")
    p = subprocess.run([loader, "--list", path], preexec_fn=enter, capture_output=True, text=True,
                       errors="replace", timeout=30, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})
    return p.returncode, p.stdout + p.stderr


def root_copy(roots, name, dest, programs):
    """A copy of a debootstrap root made of hard links (cheap, the original
    untouched: files are only added), with programs {name: source} copied
    into /opt/app; returns (the copy, its /opt/app)."""
    shutil.rmtree(dest, ignore_errors=True)
    subprocess.run(["cp", "-al", os.path.join(roots, name), dest], check=True)
    app = os.path.join(dest, "opt", "app")
    os.makedirs(app)
    for n, src in programs.items():
        shutil.copy(src, os.path.join(app, n))
    return dest, app


def judged_vs_loader(c, exe, fx, roots, work):
    copy, app = root_copy(roots, "bullseye", os.path.join(work, "bullseye"),
                          {n: os.path.join(fx, n) for n in ("c-pie", "go-cgo", "cxx", "c-static", "go-amd64")})
    p, doc = scan_json(exe, ["dir:" + copy], timeout=300)
    if not c.true("bullseye+: scan --json parses", doc is not None, p.stderr[:300]):
        return
    common.check_schema(c, "scan.json", doc)
    c.eq("bullseye+: exit 1 (programs fail)", p.returncode, 1)
    b = binaries(doc)
    loader = "/lib64/ld-linux-x86-64.so.2"
    judged = {k: v for k, v in b.items() if "verdict" in v and v.get("interpreter") == loader}
    c.true("bullseye+: 300+ glibc programs judged", len(judged) > 300, len(judged))
    mine, theirs = {}, {}
    for path, v in sorted(judged.items()):
        kinds = {f["kind"] for f in v["findings"] if f["severity"] == "fail"}
        mine[path] = bool(kinds & {"library", "symbol-version", "interpreter"})
        rc, out = ld_list(copy, path, loader)
        theirs[path] = rc != 0 or "not found" in out
    c.eq("bullseye+: fails to load exactly where ld.so --list says not found",
         sorted(k for k in mine if mine[k]), sorted(k for k in theirs if theirs[k]))
    c.true("bullseye+: c-pie (GLIBC_2.34) fails there", mine.get("/opt/app/c-pie"), b.get("/opt/app/c-pie"))
    f = b["/opt/app/c-pie"]["findings"]
    c.true("bullseye+: in the loader's words", any("version `GLIBC_2.34' not found" in (x.get("message") or "")
                                                  for x in f), f)
    c.eq("bullseye+: the static programs run", [b["/opt/app/" + n]["verdict"] for n in ("c-static", "go-amd64")],
         ["runs", "runs"])
    # the same programs, judged one at a time by check, get the same verdicts
    p2, cdoc = common.run_json(exe, "check", ["--target", "dir:" + copy] +
                               [os.path.join(app, n) for n in ("c-pie", "go-cgo", "cxx", "c-static")])
    if c.true("bullseye+: check --json parses", cdoc is not None, p2.stderr[:300]):
        got = {os.path.basename(r["path"]): r["results"][0]["verdict"] for r in cdoc["binaries"]}
        c.eq("bullseye+: verdicts = check --target dir:ROOT",
             {n: b["/opt/app/" + n]["verdict"] for n in ("c-pie", "go-cgo", "cxx", "c-static")}, got)
    shutil.rmtree(copy, ignore_errors=True)


def multi_stage(c, exe, fx, roots, work):
    cgo = os.path.join(fx, "go-cgo")
    cases = {}
    if roots:
        for base in ("musl", "bookworm"):
            d = os.path.join(work, "stage-" + base)
            shutil.rmtree(d, ignore_errors=True)
            subprocess.run(["cp", "-al", os.path.join(roots, base), d], check=True)
            cases[base] = d
    scratch = os.path.join(work, "stage-scratch")
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    cases["scratch"] = scratch
    for name, d in sorted(cases.items()):
        os.makedirs(os.path.join(d, "app"), exist_ok=True)
        shutil.copy(cgo, os.path.join(d, "app", "server"))
        p = scan(exe, ["dir:" + d], timeout=300)
        if name == "bookworm":
            c.true("multi-stage on bookworm: /app/server is no problem", "/app/server" not in p.stdout, p.stdout)
            c.eq("multi-stage on bookworm: exit 0", p.returncode, 0)
        else:
            c.eq("multi-stage on %s: exit 1" % name, p.returncode, 1)
            c.true("multi-stage on %s: FAIL /app/server, interpreter missing" % name,
                   any(l.startswith("  FAIL /app/server: ") and "ld-linux-x86-64.so.2" in l
                       for l in p.stdout.splitlines()), p.stdout)
        shutil.rmtree(d, ignore_errors=True)
    # its own bundle is a root it runs in
    bdir = os.path.join(work, "stage-bundle")
    shutil.rmtree(bdir, ignore_errors=True)
    p = common.run([exe, "bundle", "-o", bdir, cgo], timeout=120)
    if c.true("bundle of go-cgo", p.returncode in (0, 1), p.stderr):
        p, doc = scan_json(exe, ["dir:" + bdir], timeout=120)
        b = binaries(doc) if doc else {}
        progs = {k: v["verdict"] for k, v in b.items() if "verdict" in v}
        c.eq("bundle: the program runs in its bundle", progs.get("/usr/local/bin/go-cgo"), "runs")


def determinism(c, exe, fx, roots):
    trees = [fx] + ([os.path.join(roots, "bookworm")] if roots else [])
    outs = []
    for n in ("1", "4"):
        p = scan(exe, ["--json", "--threads", n] + ["dir:" + t for t in trees], timeout=300)
        outs.append(p.stdout)
    if not c.true("threads: --json with 1 and 4 threads is the same", outs[0] == outs[1] and outs[0],
                  "differ" if outs[0] else "empty: " + p.stderr[-500:]):
        return
    p = scan(exe, ["--jsonl", "--threads", "3", "dir:" + fx], timeout=300)
    lines = [json.loads(l) for l in p.stdout.splitlines()]
    doc = json.loads(outs[0])
    want = doc["scans"][0]["binaries"]
    got = [l for l in lines if l["record"] == "binary"]
    c.eq("jsonl: one line per binary, in the same order", [x["path"] for x in got], [x["path"] for x in want])
    c.eq("jsonl: the last line is the summary", lines[-1]["record"] if lines else None, "summary")
    validator = common.schema_validator("scan.json")
    bad = [e for x in got for e in common.schema_errors(validator, {
        "schema_version": 1, "tool": doc["tool"], "command": "scan",
        "scans": [{"input": "dir:" + fx, "root": True, "binaries": [x], "summary": lines[-1]["summary"]}]})]
    c.eq("jsonl: binary lines follow the schema", bad[:3], [])


def dpkg_owner(root, path):
    """(package, version, arch) dpkg-query says installed path in root, or None."""
    admin = os.path.join(root, "var", "lib", "dpkg")
    for p in (path, path[4:] if path.startswith("/usr/") else "/usr" + path):
        q = subprocess.run(["dpkg-query", "--admindir", admin, "-S", p], capture_output=True, text=True)
        if q.returncode == 0:
            pkg = q.stdout.split(":")[0].split(",")[0].strip()
            w = subprocess.run(["dpkg-query", "--admindir", admin, "-W", "-f", "${Version} ${Architecture}\n", pkg],
                               capture_output=True, text=True)
            if w.returncode == 0 and w.stdout.strip():
                ver, arch = w.stdout.strip().splitlines()[0].split(" ")
                return pkg, ver, arch
    return None


def real_in_root(root, path):
    """path with every symlink on the way followed inside root (an absolute
    target starts again at root), as the loader inside a chroot sees it."""
    parts = [p for p in path.split("/") if p]
    done = []
    for _ in range(400):
        if not parts:
            return "/" + "/".join(done)
        p = parts.pop(0)
        if p == ".":
            continue
        if p == "..":
            if done:
                done.pop()
            continue
        here = os.path.join(root, *done, p)
        if os.path.islink(here):
            t = os.readlink(here)
            parts = [x for x in t.split("/") if x] + parts
            if t.startswith("/"):
                done = []
        else:
            done.append(p)
    return None


def go_deps(path):
    """go version -m's dep lines (the replacement where there is one): {path@version: h1 or ""}."""
    out = subprocess.run(["go", "version", "-m", path], capture_output=True, text=True).stdout.splitlines()
    deps = {}
    last = None
    for line in out:
        f = line.strip().split("\t")
        if f[0] == "dep":
            last = f[1] + "@" + f[2]
            deps[last] = f[3] if len(f) > 3 else ""
        elif f[0] == "=>" and last:
            del deps[last]
            if len(f) > 2 and not f[2].startswith("(devel)"):
                deps[f[1] + "@" + f[2]] = f[3] if len(f) > 3 else ""
            last = None
    return deps


def sbom_doc(c, exe, fmt, root, env):
    """scan --sbom FMT dir:ROOT, twice: exit 0, the same bytes both times;
    (the first run, its document or None)."""
    runs = [common.run([exe, "scan", "--sbom", fmt, "dir:" + root], timeout=300, env=env) for _ in range(2)]
    p = runs[0]
    c.eq("%s: exit 0" % fmt, p.returncode, 0)
    c.true("%s: the same bytes twice (SOURCE_DATE_EPOCH)" % fmt, runs[0].stdout == runs[1].stdout and p.stdout)
    try:
        return p, json.loads(p.stdout)
    except ValueError:
        c.fail("%s: not JSON: %s" % (fmt, p.stdout[:200]))
        return p, None


def sbom(c, exe, fx, roots, work):
    copy, app = root_copy(roots, "bookworm", os.path.join(work, "sbom-root"),
                          {"moddeps": os.path.join(fx, "gover", "go119-moddeps"), "go-cgo": os.path.join(fx, "go-cgo")})
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    p, doc = sbom_doc(c, exe, "cyclonedx", copy, env)
    if doc is None:
        return
    c.true("sbom: the summary goes to stderr", p.stderr.startswith("dir:" + copy + ": "), p.stderr[:200])
    c.eq("sbom: timestamp", doc["metadata"]["timestamp"], "2023-11-14T22:13:20Z")
    v = common.cyclonedx_validator(os.path.join(work, "npm"))
    if v is not None:
        errs = ["%s: %s" % (list(e.absolute_path), e.message[:200]) for e in v.iter_errors(doc)]
        c.eq("sbom: valid CycloneDX 1.6 (the schema of @cyclonedx/cyclonedx-library)", errs[:5], [])
        bad = json.loads(p.stdout)
        bad["components"][0]["hashes"][0]["alg"] = "SHA-257"
        c.true("sbom: the validator refuses a broken bill", any(True for _ in v.iter_errors(bad)))
        bad = json.loads(p.stdout)
        bad["components"][0]["licenses"] = [{"license": {"id": "NOT-A-LICENCE"}}]
        c.true("sbom: the validator reads the SPDX licence schema it refers to", any(True for _ in v.iter_errors(bad)))
    comps = {x["bom-ref"]: x for x in doc["components"]}
    deps = {d["ref"]: d["dependsOn"] for d in doc["dependencies"]}
    files = {r[5:]: x for r, x in comps.items() if r.startswith("file:")}
    scanned = binaries(scan_json(exe, ["dir:" + copy])[1])
    c.eq("sbom: a component per binary", sorted(files), sorted(scanned))
    # hashes
    bad = []
    for path in sorted(files)[::7] + ["/opt/app/moddeps", "/opt/app/go-cgo"]:
        with open(copy + path, "rb") as f:
            want = hashlib.sha256(f.read()).hexdigest()
        got = files[path]["hashes"][0]["content"]
        if got != want:
            bad.append((path, got, want))
    c.eq("sbom: SHA-256 = hashlib's", bad, [])
    # packages: dpkg-query's owner, version and architecture
    bad = []
    checked = 0
    for path in sorted(files)[::5]:
        props = {q["name"]: q["value"] for q in files[path].get("properties", [])}
        own = dpkg_owner(copy, path)
        got = props.get("shipready:package")
        want = None
        if own:
            want = "pkg:deb/debian/%s@%s?arch=%s&distro=debian-12" % (
                own[0], own[1].replace("+", "%2B").replace(":", "%3A").replace("~", "~"), own[2])
        checked += 1
        if got != want:
            bad.append((path, got, want))
        if got and got not in comps:
            bad.append((path, "package component missing", got))
    c.eq("sbom: each binary's package = dpkg-query -S / -W (%d binaries)" % checked, bad[:5], [])
    admin = os.path.join(copy, "var", "lib", "dpkg")
    q = subprocess.run(["dpkg-query", "--admindir", admin, "-W", "-f",
                        "${db:Status-Status} ${Package} ${Version} ${Architecture}\n"], capture_output=True, text=True)
    want = {tuple(l.split()[1:]) for l in q.stdout.splitlines() if l.startswith("installed ")}
    got = {(x["name"], x["version"], x["purl"].split("arch=")[1].split("&")[0]) for x in comps.values()
           if x.get("purl", "").startswith("pkg:deb/")}
    c.eq("sbom: the installed packages = dpkg-query -W (differences)", (sorted(got - want)[:5], sorted(want - got)[:5]),
         ([], []))
    c.true("sbom: 80+ installed packages", len(want) > 80, len(want))
    # Go modules
    want = go_deps(os.path.join(app, "moddeps"))
    got = {}
    for ref in deps.get("file:/opt/app/moddeps", []):
        x = comps[ref]
        if ref.startswith("pkg:golang/") and x["name"] != "stdlib":
            props = {q["name"]: q["value"] for q in x.get("properties", [])}
            got[x["name"] + "@" + x["version"]] = props.get("shipready:go.sum", "")
            h = x.get("hashes")
            if h and got[x["name"] + "@" + x["version"]]:
                raw = base64.b64decode(got[x["name"] + "@" + x["version"]][3:])
                c.eq("sbom: %s's hash is its h1:" % x["name"], h[0]["content"], raw.hex())
    c.eq("sbom: Go modules = go version -m", got, want)
    c.true("sbom: the Go standard library", "pkg:golang/stdlib@go1.19.8" in deps.get("file:/opt/app/moddeps", []),
           deps.get("file:/opt/app/moddeps"))
    # what a program loads, through the bill = what the root's ld.so loads
    loader = "/lib64/ld-linux-x86-64.so.2"
    bad = []
    progs = [k for k in sorted(files) if files[k]["type"] == "application"][::9] + ["/opt/app/go-cgo"]
    for prog in progs:
        rc, out = ld_list(copy, prog, loader)
        if rc != 0:
            continue
        want = set()
        for line in out.splitlines():
            f = line.split()
            path = f[2] if len(f) >= 3 and f[1] == "=>" else f[0] if f and f[0].startswith("/") else None
            if path and path.startswith("/"):
                want.add(real_in_root(copy, path))
        seen, todo = set(), ["file:" + prog]
        while todo:
            for d in deps.get(todo.pop(), []):
                if d.startswith("file:") and d[5:] not in seen:
                    seen.add(d[5:])
                    todo.append(d)
        if seen != want:
            bad.append((prog, sorted(seen ^ want)))
    c.eq("sbom: loads through the bill = ld.so --list (%d programs)" % len(progs), bad[:3], [])
    spdx(c, exe, copy, env, comps, deps)
    shutil.rmtree(copy, ignore_errors=True)


SPDX_PURPOSES = {"APPLICATION", "FRAMEWORK", "LIBRARY", "CONTAINER", "OPERATING-SYSTEM", "DEVICE", "FIRMWARE",
                 "SOURCE", "ARCHIVE", "FILE", "INSTALL", "OTHER"}
SPDX_ID = re.compile(r"^SPDXRef-[A-Za-z0-9.\-]+$")


def spdx(c, exe, copy, env, comps, deps):
    """--sbom spdx: the same bill as SPDX 2.3.  No copy of SPDX's own 2.3 JSON
    schema is in Debian or npm, so the rules of the SPDX 2.3 specification
    the document relies on are checked here: the document fields, element
    ids (pattern, unique, every relationship's ends defined), package
    fields, checksum and purpose values; and it holds what the CycloneDX
    bill holds."""
    p, doc = sbom_doc(c, exe, "spdx", copy, env)
    if doc is None:
        return
    c.eq("spdx: document fields", (doc.get("spdxVersion"), doc.get("dataLicense"), doc.get("SPDXID")),
         ("SPDX-2.3", "CC0-1.0", "SPDXRef-DOCUMENT"))
    ns = doc.get("documentNamespace", "")
    c.true("spdx: documentNamespace is an absolute URI without '#'", re.match(r"^https://[^#\s]+$", ns), ns)
    ci = doc.get("creationInfo", {})
    c.eq("spdx: created (SOURCE_DATE_EPOCH)", ci.get("created"), "2023-11-14T22:13:20Z")
    c.true("spdx: a Tool creator", any(x.startswith("Tool: shipready-") for x in ci.get("creators", [])), ci)
    ids, bad = {}, []
    for pk in doc["packages"]:
        i = pk.get("SPDXID", "")
        if not SPDX_ID.match(i) or i in ids:
            bad.append(("id", i))
        ids[i] = pk
        for k in ("name", "downloadLocation"):
            if not isinstance(pk.get(k), str) or not pk[k]:
                bad.append((i, k))
        if pk.get("filesAnalyzed") is not False or "packageVerificationCode" in pk:
            bad.append((i, "filesAnalyzed"))
        if pk.get("primaryPackagePurpose") not in SPDX_PURPOSES:
            bad.append((i, pk.get("primaryPackagePurpose")))
        for cs in pk.get("checksums", []):
            if cs.get("algorithm") != "SHA256" or not re.match(r"^[0-9a-f]{64}$", cs.get("checksumValue", "")):
                bad.append((i, cs))
        for r in pk.get("externalRefs", []):
            if (r.get("referenceCategory"), r.get("referenceType")) != ("PACKAGE-MANAGER", "purl") or \
                    not r.get("referenceLocator", "").startswith("pkg:"):
                bad.append((i, r))
    c.eq("spdx: packages follow SPDX 2.3", bad[:5], [])
    kinds = {"DESCRIBES", "CONTAINS", "DYNAMIC_LINK", "STATIC_LINK"}
    bad = [r for r in doc["relationships"] if r.get("relationshipType") not in kinds or
           r.get("relatedSpdxElement") not in ids or
           (r.get("spdxElementId") not in ids and r.get("spdxElementId") != "SPDXRef-DOCUMENT")]
    c.eq("spdx: relationships name defined elements", bad[:5], [])
    c.eq("spdx: the document DESCRIBES the tree",
         [r["relatedSpdxElement"] for r in doc["relationships"] if r["relationshipType"] == "DESCRIBES"],
         [pk["SPDXID"] for pk in doc["packages"] if pk["name"] == "dir:" + copy or pk["name"] == copy][:1])
    c.eq("spdx: a package per CycloneDX component, and the tree", len(doc["packages"]), len(comps) + 1)
    want_dyn = sum(1 for f, on in deps.items() for t in on if t.startswith("file:"))
    want_static = sum(1 for f, on in deps.items() for t in on if t.startswith("pkg:golang/"))
    got = {}
    for r in doc["relationships"]:
        got[r["relationshipType"]] = got.get(r["relationshipType"], 0) + 1
    c.eq("spdx: DYNAMIC_LINK and STATIC_LINK = CycloneDX's dependencies",
         (got.get("DYNAMIC_LINK", 0), got.get("STATIC_LINK", 0)), (want_dyn, want_static))


def wide_and_deep(c, exe, fx, work):
    """A directory deeper than the scan goes (one SKIP line, the rest still
    scanned) and one with 5,000 files (more than the ring between the walk
    and the output holds): every binary found, in order, whatever the
    threads."""
    t = os.path.join(work, "wide")
    shutil.rmtree(t, ignore_errors=True)
    d = t
    for i in range(300):
        d = os.path.join(d, "d")
    os.makedirs(d)
    shutil.copy(os.path.join(fx, "c-pie"), os.path.join(t, "d", "c-pie"))
    many = os.path.join(t, "many")
    os.makedirs(many)
    for i in range(5000):
        name = os.path.join(many, "f%05d" % i)
        if i % 500 == 0:
            os.link(os.path.join(t, "d", "c-pie"), name)
        else:
            with open(name, "w") as f:
                f.write("text %d\n" % i)
    outs = []
    for n in ("1", "2", "5"):
        p = scan(exe, ["--jsonl", "--threads", n, t], timeout=120)
        outs.append(p)
    p = outs[0]
    c.eq("deep: exit 1 (a directory not looked at)", p.returncode, 1)
    lines = [json.loads(l) for l in p.stdout.splitlines()]
    errs = [l for l in lines if l.get("error")]
    c.eq("deep: one directory too deep", [(l["directory"], "deeper than the scan goes" in l["error"]) for l in errs],
         [(True, True)])
    found = [os.path.relpath(l["path"], t) for l in lines if l.get("record") == "binary" and "error" not in l]
    c.eq("wide: every binary, in order", found,
         ["d/c-pie"] + ["many/f%05d" % i for i in range(0, 5000, 500)])
    c.eq("wide: files looked at", lines[-1]["summary"]["files"], 5001)
    c.true("wide: the same lines with 1, 2 and 5 threads", outs[0].stdout == outs[1].stdout == outs[2].stdout)
    shutil.rmtree(t, ignore_errors=True)


def access_times(c, exe, fx, work):
    """A scan leaves the files' access times alone where the kernel lets
    it (O_NOATIME: the owner, or root), and where it does not (another
    user), it still scans: the same records."""
    t = tempfile.mkdtemp(prefix="shipready-atime-")
    try:
        os.chmod(t, 0o755)
        tree = os.path.join(t, "tree")
        os.makedirs(os.path.join(tree, "bin"))
        shutil.copy(os.path.join(fx, "c-pie"), os.path.join(tree, "bin", "c-pie"))
        common.write_files(tree, {"notes.txt": "text\n", "control.txt": "read by the test itself\n"})
        old = 1577836800   # 2020-01-01: older than the mtime, so a read updates it (relatime)
        files = [os.path.join(tree, r) for r in ("bin/c-pie", "notes.txt", "control.txt")]

        def age():
            for f in files:
                os.utime(f, (old, os.stat(f).st_mtime))

        age()
        with open(files[2], "rb") as f:
            f.read()
        if os.stat(files[2]).st_atime == old:
            print("SKIP: atime: the file system under %s does not record access times" % t)
            return
        age()
        p = scan(exe, ["--jsonl", tree], timeout=60)
        c.eq("atime: scan exit 0", p.returncode, 0)
        c.eq("atime: the files' access times are left alone",
             {os.path.relpath(f, tree): os.stat(f).st_atime == old for f in files},
             {"bin/c-pie": True, "notes.txt": True, "control.txt": True})
        if os.geteuid() != 0:
            return
        # another user may not ask for O_NOATIME (EPERM): the scan goes on without it
        mine = os.path.join(t, "shipready")
        shutil.copy(exe, mine)
        os.chmod(mine, 0o755)
        q = run_as_nobody([mine, "scan", "--jsonl", tree])
        c.eq("atime: as another user, the same records", (q.returncode, q.stdout, q.stderr),
             (0, p.stdout, ""))
    finally:
        shutil.rmtree(t, ignore_errors=True)


def run_as_nobody(cmd):
    def drop():
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                          timeout=60, errors="surrogateescape", preexec_fn=drop, cwd="/")


def apk_sbom(c, exe, work):
    """An Alpine-shaped root (common.alpine_root: musl's loader, a library
    and a program, an apk installed database in its documented format):
    scan judges the program runs there, and the SBOM names each package
    with its pkg:apk purl as the database says, the library's file in it,
    and the program's load of it; valid against CycloneDX's schema; SPDX
    too."""
    made = common.alpine_root(c, os.path.join(work, "apk"))
    if not made:
        return
    root, app = made
    os.makedirs(os.path.join(root, "usr/bin"), exist_ok=True)
    shutil.copy2(app, os.path.join(root, "usr/bin/app"))
    p, doc = scan_json(exe, ["dir:" + root])
    verdicts = {b["path"]: b.get("verdict") for b in binaries(doc).values()} if doc else {}
    c.eq("apk root: the program runs there (scan dir:)", verdicts.get("/usr/bin/app"), "runs")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    p = common.run([exe, "scan", "--sbom", "cyclonedx", "dir:" + root], timeout=120, env=env)
    c.eq("apk root sbom: exit 0", p.returncode, 0)
    try:
        bom = json.loads(p.stdout)
    except ValueError:
        c.fail("apk root sbom: not JSON: " + p.stdout[:300])
        return
    # the oracle: the database as written, P/V/A per package; the
    # distro qualifier is the release branch (VERSION_ID 3.21.4: alpine-3.21)
    want = set()
    for block in common.APK_INSTALLED.strip().split("\n\n"):
        f = dict(l.split(":", 1) for l in block.splitlines())
        want.add("pkg:apk/alpine/%s@%s?arch=%s&distro=alpine-3.21" % (f["P"], f["V"], f["A"]))
    purls = {x.get("purl") for x in bom["components"] if x.get("purl", "").startswith("pkg:apk/")}
    c.eq("apk root sbom: a pkg:apk component per installed package", purls, want)
    comps = {x["bom-ref"]: x for x in bom["components"]}
    deps = {d["ref"]: d.get("dependsOn", []) for d in bom.get("dependencies", [])}
    lib = comps.get("file:/usr/lib/libzz.so.2", {})
    owner = [x["value"] for x in lib.get("properties", []) if x["name"] == "shipready:package"]
    c.eq("apk root sbom: the library's file is in zz-libs (R: under F:usr/lib)", owner,
         [x for x in want if "/zz-libs@" in x])
    c.true("apk root sbom: the program loads the library",
           "file:/usr/lib/libzz.so.2" in deps.get("file:/usr/bin/app", []), deps.get("file:/usr/bin/app"))
    v = common.cyclonedx_validator(os.path.join(work, "npm"))
    if v is not None:
        errs = ["%s: %s" % (list(e.absolute_path), e.message[:200]) for e in v.iter_errors(bom)]
        c.eq("apk root sbom: valid CycloneDX 1.6", errs[:5], [])
    p = common.run([exe, "scan", "--sbom", "spdx", "dir:" + root], timeout=120, env=env)
    spdx = json.loads(p.stdout) if p.returncode == 0 else {}
    refs = {x.get("referenceLocator") for pkg in spdx.get("packages", []) for x in pkg.get("externalRefs", [])}
    c.true("apk root spdx: the same purls", want <= refs, sorted(r for r in refs if r and "apk" in r))


def main():
    exe, fixdir, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    c = common.Checker("cli-scan")
    fx = common.fixtures(fixdir)
    hostile_tree(c, exe, fx, work)
    wide_and_deep(c, exe, fx, work)
    access_times(c, exe, fx, work)
    roots = common.reality_roots(fixdir)
    if roots is False:
        c.fail("the debootstrap roots could not be built")
        roots = None
    if roots:
        root_oracle(c, exe, os.path.join(roots, "bookworm"), "bookworm")
        judged_vs_loader(c, exe, fx, roots, work)
        sbom(c, exe, fx, roots, work)
    apk_sbom(c, exe, work)
    multi_stage(c, exe, fx, roots, work)
    determinism(c, exe, fx, roots)
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
