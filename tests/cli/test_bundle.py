"""shipready bundle: closures that really run, manifests that are the truth.

  test_bundle.py SHIPREADY FIXTURE_DIR

- Real programs (fixtures c-pie, cxx, musl-dynamic, go-cgo, c-static; the
  host's /bin/ls and /usr/bin/python3) bundled into directories: run with
  `chroot BUNDLE /usr/local/bin/NAME` (as root) their output equals the
  program's own run on the host (its path substituted); `check --target
  dir:BUNDLE` says runs/warn with no failure; the manifest (--json, valid
  against docs/schema/bundle.json) lists exactly the files and symlinks in
  the directory, with their sizes, modes and link targets.  The oracle is
  shown to fail: the same bundle without its C library fails `check` and
  the chroot run.
- Tar output: sorted entries, every parent directory before its children,
  owner 0/0 root, mtime SOURCE_DATE_EPOCH; two runs give identical bytes; a
  different SOURCE_DATE_EPOCH changes only the mtimes; `tar -tf` reads it;
  its files equal the directory bundle's.
- SIGKILL at random moments (a few dozen runs) never leaves anything at the
  output's name but a complete bundle; a later run succeeds.
- --from-root: libraries and data come from that root (every source exists
  there, and under strace nothing outside the root, the program and the
  output is touched); a need it cannot satisfy is a warning line and exit 1,
  a missing library is `shipready: FILE: reason` and exit 2 with nothing
  written; a library found only through the root's ld.so.cache brings the
  cache (and the bundle does not start without it).
- The text manifest says what the JSON one says.
- Bad input: one line `shipready: PATH: reason`, exit 2, no output.
- $ORIGIN: a program whose libraries sit in its own tree (RUNPATH
  $ORIGIN/../lib, a library's RUNPATH $ORIGIN/sub, and the DT_RPATH form
  where a library is found through the program's inherited RPATH) is
  bundled with that tree moved beside PREFIX/bin, each library where deps
  says the loader will open it in the bundle; it runs there (chroot with
  /proc mounted: ld.so reads the program's $ORIGIN from /proc/self/exe)
  and with the tree removed it does not.
"""
import hashlib
import json
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

SCHEMA = os.path.join(common.REPO, "docs", "schema", "bundle.json")


def validator():
    import jsonschema
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def bundle(exe, args, env=None, timeout=120):
    return common.run_json(exe, "bundle", args, env=env, timeout=timeout)


def tree_of(root):
    """{path inside: ('file', size, mode) | ('link', target)} for non-directories."""
    out = {}
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            full = os.path.join(d, n)
            rel = "/" + os.path.relpath(full, root)
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(full))
            elif stat.S_ISREG(st.st_mode):
                out[rel] = ("file", st.st_size, "%04o" % stat.S_IMODE(st.st_mode))
    return out


def manifest_tree(doc):
    out = {}
    for e in doc["entries"]:
        if e["kind"] == "symlink":
            out[e["path"]] = ("link", e["target"])
        else:
            out[e["path"]] = ("file", e["size"], e["mode"])
    return out


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def check_verdict(exe, bdir, prog):
    p = common.run([exe, "check", "--json", "--target", "dir:" + bdir, bdir + prog], timeout=120)
    try:
        doc = json.loads(p.stdout)
        res = doc["binaries"][0]["results"][0]
        return res["verdict"], [f for f in res["findings"] if f["severity"] == "fail"]
    except (ValueError, KeyError, IndexError):
        return None, ["no check document: " + p.stderr.strip()]


def main():
    exe, fixdir = os.path.abspath(sys.argv[1]), sys.argv[2]
    common.fixtures(fixdir)
    ck = common.Checker("cli-bundle")
    val = validator()
    as_root = os.geteuid() == 0
    tmp = tempfile.mkdtemp(prefix="sr-bundle-")
    try:
        run_tests(exe, fixdir, ck, val, as_root, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not as_root:
        print("note: not root, chroot runs skipped")
    return ck.report()


def programs(fixdir):
    progs = [(os.path.join(fixdir, n), ["--version"]) for n in
             ("c-pie", "cxx", "musl-dynamic", "go-cgo", "c-static")]
    for p in ("/bin/ls", "/usr/bin/python3"):
        if os.path.exists(p):
            progs.append((p, ["--version"]))
    return progs


def run_tests(exe, fixdir, ck, val, as_root, tmp):
    dirs = {}
    for prog, args in programs(fixdir):
        name = os.path.basename(prog)
        out = os.path.join(tmp, name + ".d")
        p, doc = bundle(exe, [prog, "-o", out])
        if not ck.true("%s: bundle runs (exit 0/1)" % name, p.returncode in (0, 1) and doc is not None,
                       "exit %r: %s" % (p.returncode, p.stderr.strip())):
            continue
        ck.eq("%s: schema" % name, common.schema_errors(val, doc), [])
        # exit 1 exactly when a required need is unmet, one warning line per unmet need
        required = [u for u in doc["unmet"] if not u["optional"]]
        ck.eq("%s: exit status follows unmet needs" % name, p.returncode, 1 if required else 0)
        warn = ["shipready: %s: warning: %s not bundled%s: %s" % (u["program"], u["name"],
                " (optional)" if u["optional"] else "", u["reason"]) for u in doc["unmet"]]
        ck.eq("%s: warning lines" % name, p.stderr.splitlines(), warn)
        # the manifest is the directory
        ck.eq("%s: manifest == files in the directory" % name, manifest_tree(doc), tree_of(out))
        paths = [e["path"] for e in doc["entries"]]
        ck.eq("%s: entries sorted" % name, paths, sorted(paths))
        placed = "/usr/local/bin/" + name
        progs = [e for e in doc["entries"] if e["kind"] == "program"]
        ck.eq("%s: program placed" % name, [(e["path"], e["source"]) for e in progs], [(placed, prog)])
        ck.eq("%s: program bytes" % name, sha(out + placed), sha(prog))
        for e in doc["entries"]:
            if e["kind"] in ("library", "interpreter", "data") and os.path.isfile(e["source"]):
                if sha(out + e["path"]) != sha(e["source"]):
                    ck.fail("%s: %s differs from its source %s" % (name, e["path"], e["source"]))
        # every library deps resolves is in the bundle at the path ld.so opens
        dp = common.run([exe, "deps", "--json", prog], timeout=60)
        dd = json.loads(dp.stdout)["results"][0]
        for o in dd.get("objects", [])[1:]:
            ck.true("%s: %s in the bundle" % (name, o["path"]), os.path.exists(out + o["path"]))
        interp = dd.get("interpreter")
        if interp and isinstance(interp, str):
            ck.true("%s: interpreter %s in the bundle" % (name, interp), os.path.exists(out + interp))
        verdict, fails = check_verdict(exe, out, placed)
        ck.true("%s: check --target dir:BUNDLE runs or warns" % name, verdict in ("runs", "warn") and not fails,
                "%r %r" % (verdict, fails))
        if as_root:
            host = common.run([prog] + args, timeout=30)
            jail = common.run(["chroot", out, placed] + args, timeout=30)
            ck.eq("%s: chroot run exit" % name, jail.returncode, host.returncode)
            ck.eq("%s: chroot run output" % name, jail.stdout.replace(placed, prog), host.stdout)
        dirs[name] = (prog, out, doc)

    # user-db: generated, minimal
    for name, (prog, out, doc) in dirs.items():
        if os.path.exists(out + "/etc/passwd"):
            with open(out + "/etc/passwd") as f:
                users = [l.split(":")[0:3] for l in f.read().splitlines()]
            ck.eq("%s: generated passwd" % name, users, [["root", "x", "0"], ["nobody", "x", "65534"]])
            break
    else:
        ck.fail("no bundle has a generated /etc/passwd (ls calls getpwuid)")

    if "c-pie" in dirs:
        prog, out, doc = dirs["c-pie"]
        # the oracle can fail: without its C library the bundle fails check and chroot
        broken = os.path.join(tmp, "broken")
        shutil.copytree(out, broken, symlinks=True)
        libc = [e["path"] for e in doc["entries"] if e["kind"] == "library" and "libc.so" in e["path"]]
        ck.true("c-pie: libc in the manifest", bool(libc))
        for path in libc:
            os.unlink(broken + path)
        verdict, fails = check_verdict(exe, broken, "/usr/local/bin/c-pie")
        ck.eq("broken bundle: check verdict", verdict, "fails")
        if as_root:
            r = common.run(["chroot", broken, "/usr/local/bin/c-pie"], timeout=30)
            ck.true("broken bundle: chroot run fails", r.returncode not in (0, None))
        test_bad_input(exe, ck, tmp, prog, out)
        test_from_root(exe, ck, val, tmp, prog, out, as_root)
        test_prefix(exe, ck, tmp, prog, as_root)
        test_origin(exe, ck, val, tmp, as_root)
        test_ld_cache(exe, ck, tmp, out, as_root)
        test_kill(exe, ck, tmp, prog, doc)
    if "ls" in dirs:
        test_tar(exe, ck, val, tmp, dirs["ls"])
        test_text(exe, ck, tmp, dirs["ls"])
        test_unmet(exe, ck, val, tmp, dirs["ls"])


def size_text(n):
    if n >= 10 << 20:
        return "%.0f MiB" % (n / (1 << 20))
    if n >= 1 << 20:
        return "%.1f MiB" % (n / (1 << 20))
    if n >= 1 << 10:
        return "%.0f KiB" % (n / (1 << 10))
    return "%d bytes" % n


def expected_text(out, doc):
    """The text manifest as the JSON one says it should read."""
    kinds = ["program", "interpreter", "library", "symlink", "data", "generated"]
    plural = ["programs", "interpreters", "libraries", "symlinks", "data files", "generated"]
    count = {k: 0 for k in kinds}
    for e in doc["entries"]:
        count[e["kind"]] += 1
    parts = ["%d %s" % (count[k], k if count[k] == 1 and k != "data" else plural[i])
             for i, k in enumerate(kinds) if count[k]]
    total = sum(e.get("size", 0) for e in doc["entries"])
    lines = ["%s: %d files from %s (%s), %s" % (out, len(doc["entries"]), doc["from_root"], ", ".join(parts),
                                               size_text(total))]
    seen = set()
    for e in doc["entries"]:
        if "tree" in e:
            if e["tree"] in seen:
                continue
            seen.add(e["tree"])
            members = [x for x in doc["entries"] if x.get("tree") == e["tree"]]
            shown = "%s/ (%d files, %s)" % (e["tree"], len(members), size_text(sum(x.get("size", 0) for x in members)))
            kind = "data"
        else:
            shown = e["path"] + (" -> " + e["target"] if e["kind"] == "symlink" else "")
            kind = e["kind"]
        lines.append("  %-12s %-52s %s" % (kind, shown, e["reason"]))
    for u in doc["unmet"]:
        lines.append("  %-12s %s not bundled%s: %s" % ("warn", u["name"], " (optional)" if u["optional"] else "",
                                                      u["reason"]))
    return lines


def test_text(exe, ck, tmp, ls):
    prog, _, doc = ls
    out = os.path.join(tmp, "text.d")
    p = common.run([exe, "bundle", prog, "-o", out], timeout=120)
    ck.eq("text manifest == the JSON one", p.stdout.splitlines(), expected_text(out, dict(doc, from_root="/")))


def test_tar(exe, ck, val, tmp, ls):
    prog, out, ddoc = ls
    a, b, c = (os.path.join(tmp, n + ".tar") for n in "abc")
    pa, da = bundle(exe, [prog, "-o", a])
    pb, _ = bundle(exe, ["-o", b, prog])
    pc, dc = bundle(exe, [prog, "-o", c], env={"SOURCE_DATE_EPOCH": "1700000000"})
    if not ck.true("tar: three runs", all(os.path.exists(x) for x in (a, b, c)),
                   pa.stderr + pb.stderr + pc.stderr):
        return
    ck.eq("tar: schema", common.schema_errors(val, da), [])
    ck.eq("tar: mtime in manifest", (da["mtime"], dc["mtime"]), (0, 1700000000))
    ck.eq("tar: two runs, same bytes", sha(a), sha(b))
    ck.eq("tar: manifest same as the directory bundle's", manifest_tree(da), manifest_tree(ddoc))
    with tarfile.open(a) as ta, tarfile.open(c) as tc:
        ma, mc = ta.getmembers(), tc.getmembers()
        names = [m.name for m in ma]
        ck.eq("tar: entries sorted", names, sorted(names))
        seen = set()
        for m in ma:
            parent = os.path.dirname(m.name)
            if parent and parent not in seen:
                ck.fail("tar: %s before its directory" % m.name)
                break
            seen.add(m.name)
        ck.eq("tar: owners", sorted({(m.uid, m.gid, m.uname, m.gname) for m in ma}), [(0, 0, "root", "root")])
        ck.eq("tar: mtimes", ({m.mtime for m in ma}, {m.mtime for m in mc}), ({0}, {1700000000}))
        strip = [(m.name, m.type, m.mode, m.size, m.linkname) for m in ma]
        ck.eq("tar: other epoch, same entries", [(m.name, m.type, m.mode, m.size, m.linkname) for m in mc], strip)
        files = {}
        for m in ma:
            if m.isfile():
                files["/" + m.name] = ("file", m.size, "%04o" % m.mode)
            elif m.issym():
                files["/" + m.name] = ("link", m.linkname)
        ck.eq("tar: files == manifest", files, manifest_tree(da))
        diff = 0
        for m in ma:
            if m.isfile():
                data = ta.extractfile(m).read()
                if hashlib.sha256(data).hexdigest() != sha(out + "/" + m.name):
                    diff += 1
        ck.eq("tar: contents == the directory bundle's", diff, 0)
    with open(a, "rb") as fa, open(c, "rb") as fc:
        ba, bc = fa.read(), fc.read()
    ck.eq("tar: other epoch, same length", len(ba), len(bc))
    t = common.run(["tar", "-tf", a], timeout=60)
    ck.eq("tar -tf", (t.returncode, [n.rstrip("/") for n in t.stdout.splitlines()]), (0, names))
    # an existing tar is replaced only with --force
    p, _ = bundle(exe, [prog, "-o", a])
    ck.eq("tar exists: refused", (p.returncode, p.stderr), (2, "shipready: %s: it exists (--force replaces it)\n" % a))
    p, _ = bundle(exe, [prog, "-o", a, "--force"])
    ck.eq("tar exists: --force", (p.returncode, sha(a)), (0, sha(b)))


def test_bad_input(exe, ck, tmp, prog, out):
    missing = os.path.join(tmp, "no-such-file")
    target = os.path.join(tmp, "bad.d")
    p, _ = bundle(exe, [missing, "-o", target])
    ck.eq("missing FILE", (p.returncode, len(p.stderr.splitlines()), p.stderr.startswith("shipready: %s: " % missing)),
          (2, 1, True))
    text = os.path.join(tmp, "text")
    with open(text, "w") as f:
        f.write("#!/bin/sh\necho hi\n" * 10)
    p, _ = bundle(exe, [text, "-o", target])
    ck.eq("not ELF", (p.returncode, p.stderr), (2, "shipready: %s: not an executable or library (unknown format)\n" % text))
    pe = os.path.join(os.path.dirname(prog), "pe", "c-console-x64.exe")
    if os.path.exists(pe):
        p, _ = bundle(exe, [pe, "-o", target])
        ck.eq("PE", (p.returncode, p.stderr), (2, "shipready: %s: not an ELF program: bundle handles ELF only for now\n" % pe))
    p, _ = bundle(exe, [prog, text, "-o", target])
    ck.eq("one bad FILE among good: nothing written", (p.returncode, p.stdout, os.path.exists(target)), (2, "", False))
    p = common.run([exe, "bundle", prog], timeout=30)
    ck.eq("no -o", (p.returncode, p.stderr.splitlines()[0]), (2, "shipready: bundle: -o DIR or -o FILE.tar is required"))
    so = [f for f in ("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6") if os.path.exists(f)]
    if so:
        p, _ = bundle(exe, [so[0], "-o", target])
        ck.eq("a library is not a program", (p.returncode, p.stderr),
              (2, "shipready: %s: not an executable program (shared-library)\n" % so[0]))
    p, _ = bundle(exe, [prog, "-o", target], env={"SOURCE_DATE_EPOCH": "yesterday"})
    ck.eq("bad SOURCE_DATE_EPOCH", (p.returncode, p.stderr), (2, "shipready: SOURCE_DATE_EPOCH: not a number of seconds\n"))
    # an existing non-empty directory only with --force; an empty one is replaced
    p, _ = bundle(exe, [prog, "-o", out])
    ck.eq("dir exists: refused", (p.returncode, p.stderr),
          (2, "shipready: %s: it exists and is not an empty directory (--force replaces it)\n" % out))
    empty = os.path.join(tmp, "empty.d")
    os.mkdir(empty)
    p, doc = bundle(exe, [prog, "-o", empty])
    ck.true("empty dir replaced", p.returncode == 0 and doc and manifest_tree(doc) == tree_of(empty), p.stderr)
    with open(os.path.join(out, "stale"), "w") as f:
        f.write("x")
    p, doc = bundle(exe, [prog, "-o", out, "--force"])
    ck.true("dir exists: --force replaces it", p.returncode == 0 and doc and manifest_tree(doc) == tree_of(out), p.stderr)
    ck.eq("no temporary left beside the outputs", [n for n in os.listdir(tmp) if ".tmp-" in n], [])


def test_from_root(exe, ck, val, tmp, prog, root, as_root):
    # a bundle is a source root: bundling again from it gives the same files
    out = os.path.join(tmp, "again.d")
    p, doc = bundle(exe, ["--from-root", root, prog, "-o", out])
    if not ck.true("--from-root: runs", p.returncode in (0, 1) and doc, p.stderr):
        return
    ck.eq("--from-root: schema", common.schema_errors(val, doc), [])
    ck.eq("--from-root: from_root", doc["from_root"], root)
    for e in doc["entries"]:
        if e["kind"] in ("library", "interpreter", "data"):
            ck.true("--from-root: source %s inside the root" % e["source"], os.path.lexists(root + e["source"]))
    ck.eq("--from-root: manifest == directory", manifest_tree(doc), tree_of(out))
    if as_root:
        r = common.run(["chroot", out, "/usr/local/bin/" + os.path.basename(prog)], timeout=30)
        ck.eq("--from-root: chroot run", r.returncode, 0)
    # under strace: once the root is open, only the root, the program and the
    # output (with its temporary) are touched (test_confinement.py's parser)
    if shutil.which("strace"):
        import test_confinement as tc
        log = os.path.join(tmp, "bundle-strace.log")
        traced = os.path.join(tmp, "traced.tar")
        env = dict(os.environ)
        # LeakSanitizer cannot work under ptrace (a sanitizer build); the other runs check leaks
        env["ASAN_OPTIONS"] = (env["ASAN_OPTIONS"] + ":" if env.get("ASAN_OPTIONS") else "") + "detect_leaks=0"
        r = subprocess.run(["strace", "-f", "-qq", "-y", "-e", "trace=" + tc.TRACED, "-o", log, exe, "bundle",
                            "--from-root", root, prog, "-o", traced], capture_output=True, text=True, cwd=tmp,
                           timeout=120, env=env)
        ck.eq("--from-root under strace: exit", (r.returncode, r.stderr), (0, ""))
        lines = common.strace_lines(log)
        started, checked, outside = False, 0, []
        real_prog = os.path.realpath(prog)
        for line in lines:
            if not started:
                started = root in line and "open" in line
                continue
            for tp in tc.touched_paths(line, tmp):
                checked += 1
                ok = (tp == root or tp.startswith(root + "/") or tp in (prog, real_prog, tmp, traced) or
                      os.path.basename(tp).startswith(".traced.tar.tmp-") and os.path.dirname(tp) == tmp)
                if not ok:
                    outside.append(line)
        ck.true("--from-root under strace: the root was opened", started)
        ck.true("--from-root under strace: the walk was seen (%d paths)" % checked, checked >= 20)
        ck.eq("--from-root under strace: touched outside the root", outside[:5], [])
    # a program whose library the root lacks: one line, exit 2, nothing written
    if os.path.exists("/bin/ls"):
        bad = os.path.join(tmp, "ls-from-c-pie.d")
        p, _ = bundle(exe, ["--from-root", root, "/bin/ls", "-o", bad])
        ck.true("--from-root: missing library", p.returncode == 2 and len(p.stderr.splitlines()) == 1 and
                re.match(r"^shipready: /bin/ls: lib\S+ \(needed by \S+\) is not in the source root: ", p.stderr)
                is not None and not os.path.exists(bad), p.stderr)


def test_ld_cache(exe, ck, tmp, root_src, as_root):
    """A library found only through ld.so.cache (a directory of ld.so.conf,
    not a default one) brings the root's cache along; without it the bundle
    does not start."""
    if not as_root or not shutil.which("gcc") or not os.path.exists("/sbin/ldconfig"):
        print("note: ld.so.cache case skipped (needs root, gcc, ldconfig)")
        return
    root = os.path.join(tmp, "cache-root")
    shutil.copytree(root_src, root, symlinks=True)
    os.makedirs(os.path.join(root, "opt/lib"))
    os.makedirs(os.path.join(root, "etc"), exist_ok=True)
    src = os.path.join(tmp, "cachetest.c")
    with open(src, "w") as f:
        f.write('int cachetest(void) { return 42; }\n')
    main = os.path.join(tmp, "cacheprog.c")
    with open(main, "w") as f:
        f.write('#include <stdio.h>\nint cachetest(void);\n'
                'int main(void) { printf("cachetest %d\\n", cachetest()); return 0; }\n')
    lib = os.path.join(root, "opt/lib/libcachetest.so.1")
    prog = os.path.join(tmp, "cacheprog")
    r1 = common.run(["gcc", "-shared", "-fPIC", "-o", lib, "-Wl,-soname,libcachetest.so.1", src], timeout=60)
    os.symlink("libcachetest.so.1", os.path.join(root, "opt/lib/libcachetest.so"))
    r2 = common.run(["gcc", "-o", prog, main, "-L" + os.path.join(root, "opt/lib"), "-lcachetest"], timeout=60)
    with open(os.path.join(root, "etc/ld.so.conf"), "w") as f:
        f.write("/opt/lib\n")
    r3 = common.run(["/sbin/ldconfig", "-X", "-r", root], timeout=60)
    if not ck.true("ld.so.cache case: built", r1.returncode == r2.returncode == r3.returncode == 0,
                   r1.stderr + r2.stderr + r3.stderr):
        return
    out = os.path.join(tmp, "cache.d")
    p, doc = bundle(exe, ["--from-root", root, prog, "-o", out])
    if not ck.true("ld.so.cache case: bundled", doc is not None, p.stderr):
        return
    cache = [e for e in doc["entries"] if e["path"] == "/etc/ld.so.cache"]
    ck.eq("ld.so.cache case: the cache in the manifest", [(e["kind"], e["reason"]) for e in cache],
          [("data", "the loader's cache: libcachetest.so.1 is found through it in /opt/lib, not a default directory")])
    r = common.run(["chroot", out, "/usr/local/bin/cacheprog"], timeout=30)
    ck.eq("ld.so.cache case: chroot run", (r.returncode, r.stdout), (0, "cachetest 42\n"))
    os.unlink(out + "/etc/ld.so.cache")
    r = common.run(["chroot", out, "/usr/local/bin/cacheprog"], timeout=30)
    ck.true("ld.so.cache case: without the cache it does not start", r.returncode not in (0, None), r.stderr)


def test_unmet(exe, ck, val, tmp, ls):
    prog, out, _ = ls
    root = os.path.join(tmp, "no-zoneinfo")
    shutil.copytree(out, root, symlinks=True)
    shutil.rmtree(os.path.join(root, "usr/share/zoneinfo"), ignore_errors=True)
    dst = os.path.join(tmp, "unmet.d")
    p, doc = bundle(exe, ["--from-root", root, prog, "-o", dst])
    if not ck.true("unmet: bundle written", doc is not None and os.path.isdir(dst), p.stderr):
        return
    ck.eq("unmet: schema", common.schema_errors(val, doc), [])
    z = [u for u in doc["unmet"] if u["need"] == "zoneinfo"]
    ck.eq("unmet: zoneinfo listed", [u["reason"] for u in z], ["none of /usr/share/zoneinfo in the source root"])
    ck.true("unmet: warning line", "shipready: %s: warning: zoneinfo not bundled" % prog in p.stderr, p.stderr)
    ck.eq("unmet: exit 1 when a required need is unmet",
          p.returncode, 1 if any(not u["optional"] for u in doc["unmet"]) else 0)
    ck.true("unmet: zoneinfo really absent", not os.path.exists(dst + "/usr/share/zoneinfo"))


def test_prefix(exe, ck, tmp, prog, as_root):
    out = os.path.join(tmp, "prefix.d")
    p, doc = bundle(exe, ["--prefix", "/opt/app/", prog, "-o", out])
    name = os.path.basename(prog)
    ck.eq("--prefix: program path", [e["path"] for e in (doc or {}).get("entries", []) if e["kind"] == "program"],
          ["/opt/app/bin/" + name])
    if as_root and doc:
        r = common.run(["chroot", out, "/opt/app/bin/" + name], timeout=30)
        ck.eq("--prefix: chroot run", r.returncode, 0)
    p, _ = bundle(exe, ["--prefix", "opt", prog, "-o", out + "2"])
    ck.eq("--prefix relative", (p.returncode, p.stderr),
          (2, "shipready: opt: the prefix must be an absolute path without '.' or '..'\n"))


def run_with_proc(root, path):
    """chroot ROOT PATH in a private mount namespace with /proc mounted."""
    os.makedirs(os.path.join(root, "proc"), exist_ok=True)
    try:
        return common.run(["unshare", "-m", "sh", "-c", 'mount -t proc proc "$1/proc" && exec chroot "$1" "$2"',
                           "sh", root, path], timeout=30)
    finally:
        os.rmdir(os.path.join(root, "proc"))


def test_origin(exe, ck, val, tmp, as_root):
    src = os.path.join(tmp, "origin-src")
    for d in ("app/bin", "app/lib/sub"):
        os.makedirs(os.path.join(src, d))
    files = {"b.c": "int b(void){return 2;}\n",
             "a.c": "int b(void);\nint a(void){return b()+1;}\n",
             "m.c": '#include <stdio.h>\nint a(void);\nint main(void){printf("a=%d\\n",a());return 0;}\n'}
    for n, text in files.items():
        with open(os.path.join(src, n), "w") as f:
            f.write(text)
    j = lambda *p: os.path.join(src, *p)  # noqa: E731
    for form, (lib_flags, prog_flags) in (
            ("runpath", (["-Wl,-rpath,$ORIGIN/sub", "-Wl,--enable-new-dtags"],
                         ["-Wl,-rpath,$ORIGIN/../lib", "-Wl,--enable-new-dtags"])),
            # DT_RPATH: liba has none, libb is found through the program's RPATH (its $ORIGIN)
            ("rpath", ([], ["-Wl,-rpath,$ORIGIN/../lib:$ORIGIN/../lib/sub", "-Wl,--disable-new-dtags"]))):
        builds = [
            ["gcc", "-shared", "-fPIC", "-o", j("app/lib/sub/libb.so.1"), "-Wl,-soname,libb.so.1", j("b.c")],
            ["gcc", "-shared", "-fPIC", "-o", j("app/lib/liba.so.1"), "-Wl,-soname,liba.so.1", j("a.c"),
             j("app/lib/sub/libb.so.1")] + lib_flags,
            ["gcc", "-o", j("app/bin/m"), j("m.c"), j("app/lib/liba.so.1"), "-Wl,-rpath-link," + j("app/lib/sub")]
            + prog_flags]
        errs = [common.run(b, timeout=60) for b in builds]
        if not ck.true("$ORIGIN %s: built" % form, all(e.returncode == 0 for e in errs),
                       "".join(e.stderr for e in errs)):
            continue
        out = os.path.join(tmp, "origin-%s.d" % form)
        p, doc = bundle(exe, [j("app/bin/m"), "-o", out])
        if not ck.true("$ORIGIN %s: bundled (exit 0)" % form, p.returncode == 0 and doc, p.stderr):
            continue
        ck.eq("$ORIGIN %s: schema" % form, common.schema_errors(val, doc), [])
        libs = sorted(e["path"] for e in doc["entries"] if e["kind"] == "library" and "/usr/local/" in e["path"])
        ck.eq("$ORIGIN %s: the tree moved beside /usr/local/bin" % form, libs,
              ["/usr/local/lib/liba.so.1", "/usr/local/lib/sub/libb.so.1"])
        ck.eq("$ORIGIN %s: manifest == files" % form, manifest_tree(doc), tree_of(out))
        # deps, run on the bundle itself, finds every library inside it where it was put
        dp = common.run([exe, "deps", "--json", "--root", out, "/usr/local/bin/m"], timeout=60)
        dd = json.loads(dp.stdout)["results"][0] if dp.stdout else {}
        ck.eq("$ORIGIN %s: deps in the bundle: nothing missing" % form, dd.get("missing"), [])
        if as_root:
            r = run_with_proc(out, "/usr/local/bin/m")
            ck.eq("$ORIGIN %s: runs in the bundle" % form, (r.returncode, r.stdout, r.stderr), (0, "a=3\n", ""))
            shutil.rmtree(os.path.join(out, "usr/local/lib"))
            r = run_with_proc(out, "/usr/local/bin/m")
            ck.true("$ORIGIN %s: without the tree it does not" % form,
                    r.returncode != 0 and "liba.so.1" in r.stderr, r.stderr)


def test_kill(exe, ck, tmp, prog, doc):
    """SIGKILL at random points: the output's name holds a complete bundle or nothing."""
    want = manifest_tree(doc)
    # a program with a big closure makes the window wide: /usr/bin/python3 if present
    big = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else prog
    _, bdoc = bundle(exe, [big, "-o", os.path.join(tmp, "kill-ref.d")])
    if bdoc:
        want = manifest_tree(bdoc)
        prog = big
    start = time.monotonic()
    common.run([exe, "bundle", prog, "-o", os.path.join(tmp, "kill-time.tar")], timeout=120)
    took = max(time.monotonic() - start, 0.01)
    rnd = random.Random(8)
    killed = complete = 0
    for kind in ("dir", "tar"):
        for i in range(24):
            kdir = os.path.join(tmp, "kill-%s-%d" % (kind, i))
            os.mkdir(kdir)
            out = os.path.join(kdir, "out" + (".tar" if kind == "tar" else ""))
            rc = common.run_killed([exe, "bundle", prog, "-o", out], rnd.uniform(0, took * 1.2))
            killed += rc == -signal.SIGKILL
            if os.path.lexists(out):
                complete += 1
                if kind == "dir":
                    ok = tree_of(out) == want
                else:
                    try:
                        with tarfile.open(out) as t:
                            ok = len([m for m in t.getmembers() if not m.isdir()]) == len(want)
                    except (tarfile.TarError, OSError):
                        ok = False
                ck.true("kill %s %d: what is at the output's name is complete" % (kind, i), ok)
            others = [n for n in os.listdir(kdir) if n != os.path.basename(out)]
            ck.true("kill %s %d: only a hidden temporary beside it" % (kind, i),
                    all(n.startswith(".out") and ".tmp-" in n for n in others), repr(others))
            if not os.path.lexists(out):
                # a later run is not disturbed by a leftover temporary
                p = common.run([exe, "bundle", prog, "-o", out], timeout=120)
                ck.true("kill %s %d: a later run succeeds" % (kind, i), p.returncode in (0, 1) and os.path.lexists(out),
                        p.stderr)
            shutil.rmtree(kdir, ignore_errors=True)
    ck.true("kill: some runs were killed before finishing (%d killed, %d complete)" % (killed, complete),
            killed > 0 and complete < 48)


if __name__ == "__main__":
    sys.exit(main())
