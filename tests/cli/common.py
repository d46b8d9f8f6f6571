"""Shared helpers for the CLI tests (python3 stdlib + jsonschema only).

  run(), inspect_json()       run shipready
  fixtures()                  build tests/fixtures into a directory, once, under a lock
  readelf_dyn_ver()           the oracle: NEEDED/SONAME/RPATH/RUNPATH/FLAGS + verneed/verdef
  schema_validator()          Draft 2020-12 validator for docs/schema/inspect.json
  Checker                     collects failed assertions instead of stopping at the first
  strace_lines()              a `strace -f` log with each call on one line
"""
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCHEMA = os.path.join(REPO, "docs", "schema", "inspect.json")
FIXTURES_SRC = os.path.join(REPO, "tests", "fixtures")


# ---------------------------------------------------------------- running

def run(cmd, timeout=10, **kw):
    """Run cmd (a list); returns CompletedProcess with text stdout/stderr.
    A timeout is reported as returncode None."""
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, timeout=timeout,
                              errors="surrogateescape", **kw)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return subprocess.CompletedProcess(cmd, None, out, err)


def inspect_json(exe, paths, timeout=60):
    """Run `shipready inspect --json PATHS`; returns (proc, document or None)."""
    p = run([exe, "inspect", "--json"] + list(paths), timeout=timeout)
    doc = None
    if p.stdout:
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            doc = None
    return p, doc


# ---------------------------------------------------------------- fixtures

def fixtures(outdir):
    """Build the fixtures into outdir (cached by build.sh) under an exclusive
    lock, so parallel tests build them once.  Exits the test on failure."""
    os.makedirs(os.path.dirname(os.path.abspath(outdir)), exist_ok=True)
    with open(os.path.abspath(outdir) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        p = subprocess.run(["sh", os.path.join(FIXTURES_SRC, "build.sh"), outdir])
        if p.returncode != 0:
            print("FAIL: building fixtures into %s failed (see %s/build.log)" % (outdir, outdir))
            sys.exit(1)
    return outdir


def run_json(exe, command, args, env=None, timeout=120):
    """Run `shipready COMMAND --json ARGS` without an inherited
    SOURCE_DATE_EPOCH (env adds variables); returns (proc, document or None)."""
    e = dict(os.environ)
    e.pop("SOURCE_DATE_EPOCH", None)
    e.update(env or {})
    p = run([exe, command, "--json"] + list(args), timeout=timeout, env=e)
    try:
        doc = json.loads(p.stdout) if p.stdout else None
    except ValueError:
        doc = None
    return p, doc


def run_in_pty(argv, env=None, cwd=None):
    """Run argv with a terminal as stdin, stdout and stderr (pty.fork);
    returns (exit status, everything it wrote, as text)."""
    import pty
    pid, fd = pty.fork()
    if pid == 0:
        try:
            if cwd:
                os.chdir(cwd)
            os.execve(argv[0], argv, env if env is not None else os.environ)
        finally:
            os._exit(127)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, st = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(st), out.decode("utf-8", "replace")


STRACE_UNFINISHED = " <unfinished ...>"
STRACE_RESUMED_RE = re.compile(r"^(\d+)\s+<\.\.\. \w+ resumed>(.*)$")


def strace_lines(log):
    """The lines of a `strace -f -o LOG` log, with each call on one line.

    When another thread's call is reported while one is in the kernel, strace
    splits it: `PID call(args <unfinished ...>`, later `PID <... call
    resumed>rest`. Matching the halves would miss every such call (more of
    them the more threads run), so each is joined back by its PID, in the
    place of its first half."""
    out, pending = [], {}
    with open(log, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if line.endswith(STRACE_UNFINISHED):
                pid = line.split(None, 1)[0]
                pending[pid] = len(out)
                out.append(line[:-len(STRACE_UNFINISHED)])
                continue
            m = STRACE_RESUMED_RE.match(line)
            if m and m.group(1) in pending:
                i = pending.pop(m.group(1))
                out[i] += m.group(2)
                continue
            out.append(line)
    return out


def run_killed(cmd, delay, env=None):
    """Start cmd (output discarded), SIGKILL it after delay seconds; returns
    its exit status (-SIGKILL when the kill came before it finished)."""
    import signal
    import time
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    return proc.wait()


def go_build(work, name, source, args=(), **env_over):
    """Write source as WORK/go/main.go (GOPATH mode) and go build it to
    WORK/go/NAME with args; returns (path or None, proc).  (None, None)
    without a go command."""
    go = shutil.which("go")
    if not go:
        return None, None
    gd = os.path.join(work, "go")
    os.makedirs(gd, exist_ok=True)
    with open(os.path.join(gd, "main.go"), "w") as f:
        f.write(source)
    out = os.path.join(gd, name)
    p = run([go, "build"] + list(args) + ["-o", out, "."], cwd=gd, env=go_env(work, **env_over), timeout=300)
    return (out if p.returncode == 0 else None), p


GO_NEEDS_SRC = ('package main\n\nimport (\n\t"crypto/x509"\n\t"fmt"\n\t"time"\n)\n\n'
                'func main() {\n\tp, err := x509.SystemCertPool()\n\tl, err2 := time.LoadLocation("Europe/Paris")\n'
                '\tfmt.Println(p, err, l, err2)\n}\n')


def go_needs_program(work):
    """A static Go program that needs CA roots (crypto/x509) and zoneinfo
    (time.LoadLocation): go_build's (path or None, proc)."""
    return go_build(work, "go-needs", GO_NEEDS_SRC)


APK_INSTALLED = ("C:Q1aaaa=\nP:musl\nV:1.2.5-r9\nA:x86_64\nF:lib\nR:ld-musl-x86_64.so.1\nR:libc.musl-x86_64.so.1\n\n"
                 "C:Q1bbbb=\nP:zz-libs\nV:2.0-r0\nA:x86_64\nF:usr\nF:usr/lib\nR:libzz.so.2\n\n")


def alpine_root(c, work):
    """An Alpine-shaped root built afresh in WORK: musl's loader (this
    machine's musl), os-release, a library libzz.so.2 and an apk installed
    database in its documented format owning both (APK_INSTALLED), and a
    musl program WORK/alp/app that needs the library.  Returns (root, app);
    None without musl-gcc (the reason printed) or when a build fails (a
    failure of checker c)."""
    musl_gcc = shutil.which("musl-gcc")
    musl_libc = os.path.realpath("/lib/ld-musl-x86_64.so.1")
    if not musl_gcc or not os.path.exists(musl_libc):
        print("SKIP: the Alpine-shaped root: musl-gcc or %s missing" % musl_libc)
        return None
    ar = os.path.join(work, "alpine-root")
    src = os.path.join(work, "alp")
    shutil.rmtree(ar, ignore_errors=True)
    shutil.rmtree(src, ignore_errors=True)
    for d in ("lib/apk/db", "usr/lib", "etc"):
        os.makedirs(os.path.join(ar, d), exist_ok=True)
    shutil.copy2(musl_libc, os.path.join(ar, "lib/ld-musl-x86_64.so.1"))
    os.symlink("ld-musl-x86_64.so.1", os.path.join(ar, "lib/libc.musl-x86_64.so.1"))
    with open(os.path.join(ar, "etc/os-release"), "w") as f:
        f.write('NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.21.4\nPRETTY_NAME="Alpine Linux v3.21"\n')
    os.makedirs(src)
    with open(os.path.join(src, "z.c"), "w") as f:
        f.write("int zz(void){return 5;}\n")
    with open(os.path.join(src, "m.c"), "w") as f:
        f.write("int zz(void);\nint main(void){return zz()-5;}\n")
    for cmd in ([musl_gcc, "-shared", "-fPIC", "-Wl,-soname,libzz.so.2", "-o", os.path.join(ar, "usr/lib/libzz.so.2"),
                 os.path.join(src, "z.c")],
                [musl_gcc, "-o", os.path.join(src, "app"), os.path.join(src, "m.c"),
                 os.path.join(ar, "usr/lib/libzz.so.2")]):
        p = run(cmd, timeout=60)
        if p.returncode != 0:
            c.fail("the Alpine-shaped root: %s: %s" % (" ".join(cmd), p.stderr))
            return None
    with open(os.path.join(ar, "lib/apk/db/installed"), "w") as f:
        f.write(APK_INSTALLED)
    return ar, os.path.join(src, "app")


def test_pki(work, cn="shipready test CA"):
    """A test CA and a leaf certificate for test.example it signed, made
    with openssl in WORK/pki; returns (ca.pem, leaf.pem) paths.  Raises
    RuntimeError when openssl fails."""
    pki = os.path.join(work, "pki")
    os.makedirs(pki, exist_ok=True)
    ca_key, ca, key, csr, leaf, ext = (os.path.join(pki, n) for n in
                                       ("ca.key", "ca.pem", "leaf.key", "leaf.csr", "leaf.pem", "ext"))
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:test.example\n")
    for cmd in (["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
                 "-days", "3650", "-subj", "/CN=" + cn],
                ["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
                 "-subj", "/CN=test.example"],
                ["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
                 "-out", leaf, "-days", "3650", "-extfile", ext]):
        p = run(cmd, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr))
    return ca, leaf


def go_env(work, **over):
    """The environment of a `go build` at test time: caches under work, this
    toolchain only, GOPATH mode and CGO_ENABLED=0 unless over says else."""
    env = dict(os.environ, CGO_ENABLED="0", GOCACHE=os.path.join(work, "gocache"),
               GOPATH=os.path.join(work, "gopath"), GOTOOLCHAIN="local", GO111MODULE="off", GOFLAGS="")
    env.update(over)
    return env


# ---------------------------------------------------------------- schema

def schema_validator(name=None):
    """A validator for docs/schema/NAME (default the inspect schema), the
    schema itself checked first."""
    import jsonschema
    with open(os.path.join(os.path.dirname(SCHEMA), name) if name else SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_errors(validator, doc):
    return ["%s: %s" % ("/".join(str(x) for x in e.absolute_path) or "(root)", e.message)
            for e in validator.iter_errors(doc)]


def check_schema(c, name, doc, limit=20):
    """doc against docs/schema/NAME: each error (the first limit) a failure of checker c."""
    for e in schema_errors(schema_validator(name), doc)[:limit]:
        c.fail("%s: %s" % (name, e))


def write_files(root, files):
    """Each {relative path: text} under root, directories made as needed."""
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


# ---------------------------------------------------------------- oracle

_DYN_RE = re.compile(r"^\s*0x[0-9a-fA-F]+\s+\(([A-Za-z0-9_]+)\)\s+(.*)$")
_BRACKET_RE = re.compile(r"\[(.*)\]\s*$")
_VN_FILE_RE = re.compile(r"^\s*[0-9a-fx]+:\s+Version:\s+\d+\s+File:\s+(.*?)\s+Cnt:\s+\d+\s*$")
_VN_AUX_RE = re.compile(r"^\s*0x[0-9a-f]+:\s+Name:\s+(.*?)\s+Flags:\s+(.*?)\s+Version:\s+(\d+)\s*$")
_VD_RE = re.compile(r"^\s*[0-9a-fx]+:\s+Rev:\s+\d+\s+Flags:\s+(.*?)\s+Index:\s+(\d+)\s+Cnt:\s+\d+\s+Name:\s+(.*?)\s*$")
_VD_PARENT_RE = re.compile(r"^\s*0x[0-9a-f]+:\s+Parent\s+\d+:\s+(.*?)\s*$")


def _empty_facts():
    return {"needed": [], "soname": None, "rpath": [], "runpath": [], "flags": None,
            "flags_1": None, "bind_now_tag": False, "verneed": [], "verdef": []}


def readelf_dyn_ver(paths, batch=200):
    """Run `readelf -d -V -W` over paths (batched); returns {path: facts}:
      needed [str], soname str|None, rpath [str], runpath [str],
      flags [str]|None, flags_1 [str]|None, bind_now_tag bool,
      verneed [(file, [(name, weak, index)])], verdef [(name, index, base, [parents])]"""
    out = {}
    paths = list(paths)
    for i in range(0, len(paths), batch):
        chunk = paths[i:i + batch]
        p = subprocess.run(["readelf", "-d", "-V", "-W"] + chunk, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, errors="surrogateescape",
                           env=dict(os.environ, LC_ALL="C"))
        cur = None
        section = None
        if len(chunk) == 1:
            cur = out.setdefault(chunk[0], _empty_facts())
        for line in p.stdout.splitlines():
            if line.startswith("File: ") and len(chunk) > 1:
                cur = out.setdefault(line[6:], _empty_facts())
                section = None
                continue
            if cur is None:
                continue
            if line.startswith("Dynamic section"):
                section = "dyn"
                continue
            if line.startswith("Version definition section"):
                section = "vd"
                continue
            if line.startswith("Version needs section"):
                section = "vn"
                continue
            if line.startswith("Version symbols section"):
                section = "vs"
                continue
            if section == "dyn":
                m = _DYN_RE.match(line)
                if not m:
                    continue
                tag, rest = m.group(1), m.group(2)
                b = _BRACKET_RE.search(rest)
                if tag == "NEEDED" and b:
                    cur["needed"].append(b.group(1))
                elif tag == "SONAME" and b:
                    cur["soname"] = b.group(1)
                elif tag == "RPATH" and b:
                    cur["rpath"].append(b.group(1))
                elif tag == "RUNPATH" and b:
                    cur["runpath"].append(b.group(1))
                elif tag == "FLAGS":
                    cur["flags"] = (cur["flags"] or []) + rest.split()
                elif tag == "FLAGS_1":
                    words = rest.split()
                    if words and words[0] == "Flags:":
                        words = words[1:]
                    cur["flags_1"] = (cur["flags_1"] or []) + words
                elif tag == "BIND_NOW":
                    cur["bind_now_tag"] = True
            elif section == "vn":
                m = _VN_FILE_RE.match(line)
                if m:
                    cur["verneed"].append((m.group(1), []))
                    continue
                m = _VN_AUX_RE.match(line)
                if m and cur["verneed"]:
                    weak = "WEAK" in m.group(2).split()
                    cur["verneed"][-1][1].append((m.group(1), weak, int(m.group(3))))
            elif section == "vd":
                m = _VD_RE.match(line)
                if m:
                    base = "BASE" in m.group(1).replace("|", " ").split()
                    cur["verdef"].append((m.group(3), int(m.group(2)), base, []))
                    continue
                m = _VD_PARENT_RE.match(line)
                if m and cur["verdef"]:
                    cur["verdef"][-1][3].append(m.group(1))
    return out


def facts_from_json(res):
    """The same shape as readelf_dyn_ver() from one shipready ELF result."""
    d = res.get("dynamic")
    f = _empty_facts()
    if d is not None:
        f["needed"] = list(d.get("needed", []))
        f["soname"] = d.get("soname")
        f["rpath"] = list(d.get("rpath", []))
        f["runpath"] = list(d.get("runpath", []))
        f["flags"] = d.get("flags")
        f["flags_1"] = d.get("flags_1")
    f["verneed"] = [(vn["file"], [(v["name"], v["weak"], v["index"]) for v in vn["versions"]])
                    for vn in res.get("version_needs", [])]
    f["verdef"] = [(vd["name"], vd["index"], vd["base"], list(vd.get("parents", [])))
                   for vd in res.get("version_defs", [])]
    return f


def compare_facts(path, mine, oracle):
    """Differences between shipready's facts and readelf's, as strings."""
    diffs = []
    for key in ("needed", "soname", "rpath", "runpath"):
        if mine[key] != oracle[key]:
            diffs.append("%s: %s: shipready %r, readelf %r" % (path, key, mine[key], oracle[key]))
    for key in ("flags", "flags_1"):
        a = sorted(mine[key]) if mine[key] is not None else None
        b = sorted(oracle[key]) if oracle[key] is not None else None
        if a != b:
            diffs.append("%s: %s: shipready %r, readelf %r" % (path, key, a, b))
    # Verneed: per library, the set of version names (the brief), then the
    # exact ordered (name, weak, index) lists (the schema says "in file order").
    vs_a = {}
    for fname, vers in mine["verneed"]:
        vs_a.setdefault(fname, set()).update(v[0] for v in vers)
    vs_b = {}
    for fname, vers in oracle["verneed"]:
        vs_b.setdefault(fname, set()).update(v[0] for v in vers)
    if vs_a != vs_b:
        diffs.append("%s: verneed sets: shipready %r, readelf %r" % (path, vs_a, vs_b))
    elif mine["verneed"] != oracle["verneed"]:
        diffs.append("%s: verneed (file order, weak, index): shipready %r, readelf %r"
                     % (path, mine["verneed"], oracle["verneed"]))
    if mine["verdef"] != oracle["verdef"]:
        diffs.append("%s: verdef: shipready %r, readelf %r" % (path, mine["verdef"], oracle["verdef"]))
    return diffs


def readelf_text(args, path):
    p = subprocess.run(["readelf"] + args + [path], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, errors="surrogateescape",
                       env=dict(os.environ, LC_ALL="C"))
    return p.stdout


# ---------------------------------------------------------------- versions

_FAMILY_RE = re.compile(r"^(.+)_([0-9]+(?:\.[0-9]+)*)$")


def version_key(v):
    return tuple(int(x) for x in v.split("."))


def expected_max_versions(verneed):
    """{family: (version, set of (name, file) candidates)} from verneed lists:
    the highest version per family; ties between files accept any file."""
    best = {}
    for fname, vers in verneed:
        for v in vers:
            name = v[0]
            m = _FAMILY_RE.match(name)
            if not m:
                continue
            fam, ver = m.group(1), m.group(2)
            k = version_key(ver)
            if fam not in best or k > best[fam][0]:
                best[fam] = (k, ver, {(name, fname)})
            elif k == best[fam][0]:
                best[fam][2].add((name, fname))
    return {fam: (b[1], b[2]) for fam, b in best.items()}


def check_max_versions(path, res, verneed):
    diffs = []
    exp = expected_max_versions(verneed)
    got = {}
    for mv in res.get("max_versions", []):
        if mv["family"] in got:
            diffs.append("%s: max_versions: family %s listed twice" % (path, mv["family"]))
        got[mv["family"]] = mv
    if set(got) != set(exp):
        diffs.append("%s: max_versions families: shipready %s, expected %s"
                     % (path, sorted(got), sorted(exp)))
    for fam in set(got) & set(exp):
        mv = got[fam]
        ver, cands = exp[fam]
        if mv["version"] != ver or (mv["name"], mv["file"]) not in cands:
            diffs.append("%s: max_versions[%s]: shipready %s/%s from %s, expected %s from %s"
                         % (path, fam, mv["name"], mv["version"], mv["file"], ver,
                            " or ".join(sorted(f for _, f in cands))))
    return diffs


def elf_hash(name):
    """The SysV ELF hash of a version name (vna_hash / vd_hash)."""
    h = 0
    for c in name.encode():
        h = ((h << 4) + c) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h


# ---------------------------------------------------------------- checking

class Checker:
    """Collects failures; report() prints them and returns the exit status."""

    def __init__(self, name):
        self.name = name
        self.failures = []
        self.checks = 0

    def eq(self, what, got, want):
        self.checks += 1
        if got != want:
            self.failures.append("%s: got %r, expected %r" % (what, got, want))
            return False
        return True

    def true(self, what, cond, detail=""):
        self.checks += 1
        if not cond:
            # detail may be any value (a list of paths, …): said as text
            self.failures.append("%s%s" % (what, (": " + str(detail)) if detail else ""))
            return False
        return True

    def fail(self, msg):
        self.checks += 1
        self.failures.append(msg)

    def report(self, limit=200):
        for f in self.failures[:limit]:
            print("FAIL:", f)
        if len(self.failures) > limit:
            print("... and %d more failures" % (len(self.failures) - limit))
        print("%s: %d checks, %d failed" % (self.name, self.checks, len(self.failures)))
        return 1 if self.failures else 0


# ---------------------------------------------------------------- real roots

def reality_roots(fixdir):
    """The debootstrap roots of tests/fixtures/reality/build.sh (built, or
    taken from its cache, under the lock cli-check-reality uses); None when
    it says they cannot be made here (exit 77)."""
    out = os.path.join(os.path.dirname(fixdir.rstrip("/")), "reality")
    os.makedirs(out, exist_ok=True)
    with open(out.rstrip("/") + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        p = subprocess.run(["sh", os.path.join(REPO, "tests", "fixtures", "reality", "build.sh"), out],
                           stdout=subprocess.PIPE, errors="replace")
    if p.returncode == 77:
        print("SKIP: the debootstrap roots: " + p.stdout.strip()[-300:])
        return None
    if p.returncode != 0:
        return False
    return os.path.join(out, "roots")


# ---------------------------------------------------------------- npm registry

def npm_package(name, cache, version="latest", timeout=60):
    """Fetch an npm package's tarball straight from registry.npmjs.org (no
    npm needed), check it against the registry's sha512 integrity, and
    unpack it under cache (kept: a second call reads it there).  Returns
    the package directory, or None when the registry cannot be reached
    (the caller skips, never fails, on that)."""
    import base64, hashlib, tarfile, urllib.error, urllib.parse, urllib.request
    os.makedirs(cache, exist_ok=True)
    safe = name.replace("/", "+")
    with open(os.path.join(cache, safe + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = os.path.join(cache, safe, ".unpacked")
        if os.path.exists(done):
            return os.path.join(cache, safe, "package")
        try:
            url = "https://registry.npmjs.org/%s/%s" % (urllib.parse.quote(name, safe="@"), version)
            with urllib.request.urlopen(url, timeout=timeout) as r:
                meta = json.load(r)
            tar_url = meta["dist"]["tarball"]
            with urllib.request.urlopen(tar_url, timeout=timeout) as r:
                blob = r.read()
        except (urllib.error.URLError, OSError, ValueError, KeyError) as e:
            print("SKIP: npm registry: %s: %s" % (name, e))
            return None
        integrity = meta["dist"].get("integrity", "")
        if integrity.startswith("sha512-"):
            want = base64.b64decode(integrity[7:])
            if hashlib.sha512(blob).digest() != want:
                raise RuntimeError("%s: the tarball does not match its sha512 integrity" % name)
        dest = os.path.join(cache, safe)
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(dest)
        path = os.path.join(dest, "package.tgz")
        with open(path, "wb") as f:
            f.write(blob)
        with tarfile.open(path) as t:
            for m in t.getmembers():
                if m.name.startswith("/") or ".." in m.name.split("/") or not (m.isfile() or m.isdir()):
                    continue
                t.extract(m, dest, set_attrs=False)
        open(done, "w").close()
        return os.path.join(dest, "package")


def cyclonedx_validator(cache):
    """A validator for CycloneDX 1.6 JSON from the schemas npm's
    @cyclonedx/cyclonedx-library ships (res/schema/bom-1.6.SNAPSHOT.schema.json
    and the SPDX licence and JSF signature schemas it refers to); None when
    the registry cannot be reached.  Works with Debian 12's jsonschema 4.10
    (RefResolver) and with later ones (the referencing registry)."""
    import jsonschema
    import urllib.parse
    pkg = npm_package("@cyclonedx/cyclonedx-library", cache)
    if not pkg:
        return None
    d = os.path.join(pkg, "res", "schema")
    with open(os.path.join(d, "bom-1.6.SNAPSHOT.schema.json")) as f:
        main = json.load(f)
    base = main.get("$id", "")
    others = {}
    for n in ("spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"):
        with open(os.path.join(d, n)) as f:
            s = json.load(f)
        for uri in [n, urllib.parse.urljoin(base, n)] + ([s["$id"]] if "$id" in s else []):
            others[uri] = s
    cls = jsonschema.validators.validator_for(main)
    cls.check_schema(main)
    checker = cls.FORMAT_CHECKER
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7
    except ImportError:
        resolver = jsonschema.RefResolver(base, main, store=others)
        return cls(main, resolver=resolver, format_checker=checker)
    registry = Registry().with_resources([(u, Resource.from_contents(s, default_specification=DRAFT7))
                                          for u, s in others.items()])
    return cls(main, registry=registry, format_checker=checker)
