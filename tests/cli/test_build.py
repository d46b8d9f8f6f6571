#!/usr/bin/env python3
"""shipready build on Go modules written at test time.

    python3 tests/cli/test_build.py SHIPREADY SCRATCH_DIR

  release      linux/amd64 and windows/amd64 of a module without
               dependencies: exit 0; each artifact where the name says, and
               `go version -m` of it names the module, GOOS/GOARCH,
               CGO_ENABLED=0 and -trimpath=true; SHA256SUMS is what
               `sha256sum -c` accepts; reproducible; the manifest valid
               against docs/schema/build.json; the facts are inspect's;
               the Linux artifact judged on the check target, the Windows
               one not
  unreproducible  a cgo program with __TIME__ in it: exit 1, reproducible
               false, and the offset named lies inside the section named
               (readelf -S); two builds differ (cmp)
  policy       require_trimpath with --no-trimpath: every artifact
               violates it, exit 1; targets_must_pass debian-12 judges the
               Linux artifact (its target opened for the machine) and not
               the Windows one: exit 0
  progress     on a terminal a line per platform; on a pipe none
  failed       a module that does not compile: exit 1, the go command's
               words, not judged, not in SHA256SUMS
  errors       no go command on PATH: exit 2 with how to get one; a bad
               --target: exit 2
Without go, gcc or readelf: skipped (77).
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_build.py SHIPREADY SCRATCH_DIR")
    exe, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    go = shutil.which("go")
    for tool in ("go", "gcc", "readelf", "sha256sum", "cmp"):
        if not shutil.which(tool):
            print("no %s: skipped (Debian: golang-go, gcc, binutils, coreutils, diffutils)" % tool)
            return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    c = common.Checker("test_build")
    env = dict(os.environ, GOCACHE=os.path.join(work, "gocache"), GOPATH=os.path.join(work, "gopath"), HOME=work,
               GOFLAGS="-mod=mod", GOPROXY="off", GOTOOLCHAIN="local", TMPDIR=work)
    env.pop("CGO_ENABLED", None)

    hello = os.path.join(work, "hello")
    common.write_files(hello, {
        "go.mod": "module example.com/hello/v2\n\ngo 1.18\n",
        "main.go": 'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc main() { fmt.Println("hi", len(os.Args)) }\n',
    })

    def build(*args, cwd=work, e=env):
        return common.run([exe, "build"] + list(args), timeout=1200, cwd=cwd, env=e)

    # the release
    p = build("--json", "--target", "linux/amd64", "--target", "windows/amd64", "--check-target", "debian-12", hello)
    c.eq("release: exit 0 (%s)" % p.stderr.strip()[-300:], p.returncode, 0)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        doc = None
        c.fail("release: not JSON: " + p.stdout[:300])
    dist = os.path.join(hello, "dist")
    names = ["hello_linux_amd64", "hello_windows_amd64.exe"]
    if doc:
        common.check_schema(c, "build.json", doc)
        arts = {a["file"]: a for a in doc["artifacts"]}
        c.eq("release: the artifacts, named NAME_OS_ARCH (the /v2 suffix dropped)", sorted(arts), names)
        c.eq("release: the go version is go env GOVERSION's",
             doc["go"], subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True, env=env).stdout.strip())
        for name, a in arts.items():
            path = os.path.join(dist, name)
            goos, goarch = a["platform"].split("/")
            m = subprocess.run([go, "version", "-m", path], capture_output=True, text=True, env=env).stdout
            settings = dict(l.strip().split("\t", 1)[1].split("=", 1) for l in m.splitlines()
                            if l.strip().startswith("build\t") and "=" in l)
            c.eq("%s: go version -m: module, platform, CGO_ENABLED, -trimpath" % name,
                 ("\tpath\texample.com/hello/v2" in m, settings.get("GOOS"), settings.get("GOARCH"),
                  settings.get("CGO_ENABLED"), settings.get("-trimpath")),
                 (True, goos, goarch, "0", "true"))
            c.eq("%s: reproducible" % name, (a["reproducible"], a["first_difference"], a["ok"]), (True, None, True))
            ins = common.run([exe, "inspect", "--json", path], timeout=60)
            try:
                r = json.loads(ins.stdout)["results"][0]
                c.true("%s: the facts are inspect's (format, Go)" % name,
                       a["facts"] and a["facts"]["go"] == r["go"]["version"], (a["facts"], r.get("go")))
            except (ValueError, KeyError, IndexError, TypeError):
                c.fail("%s: inspect --json not read: %s" % (name, ins.stdout[:200]))
            c.eq("%s: the size is the file's" % name, a["size"], os.path.getsize(path))
        c.eq("release: the Linux artifact judged on debian-12, the Windows one not",
             (arts["hello_linux_amd64"]["verdicts"], arts["hello_windows_amd64.exe"]["verdicts"]),
             ({"debian-12": "runs"}, {"debian-12": None}))
    r = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, capture_output=True, text=True)
    c.eq("release: sha256sum -c accepts SHA256SUMS (%s)" % r.stdout.strip(), r.returncode, 0)
    with open(os.path.join(dist, "SHA256SUMS")) as f:
        c.eq("release: SHA256SUMS names both, in order", [l.split("  ", 1)[1] for l in f.read().splitlines()], names)
    c.eq("release: no temporary directory left", [d for d in os.listdir(work) if d.startswith("shipready-build-")], [])

    # text and progress: on a pipe no progress, on a terminal a line per platform
    p = build("--no-reproduce", "--target", "linux/amd64", hello)
    c.true("text: the matrix and SHA256SUMS, no progress on a pipe",
           p.returncode == 0 and "hello_linux_amd64" in p.stdout and "SHA256SUMS: 1 artifact" in p.stdout and
           "\r" not in p.stdout and "building" not in p.stdout, p.stdout)
    rc, text = common.run_in_pty([exe, "build", "--no-reproduce", "--target", "linux/amd64", hello], env=env, cwd=work)
    c.true("progress on a terminal: linux/amd64 building, then its time",
           rc == 0 and "linux/amd64  building" in text and re.search(r"linux/amd64  \d+\.\d s", text),
           text[:400])

    # the policy
    pol = os.path.join(work, "policy.json")
    with open(pol, "w") as f:
        json.dump({"require_trimpath": True}, f)
    p = build("--json", "--no-reproduce", "--no-trimpath", "--policy", pol, "--target", "linux/amd64", "--target",
              "windows/amd64", hello)
    try:
        doc = json.loads(p.stdout)
        viol = {a["file"]: a["policy_violations"] for a in doc["artifacts"]}
    except (ValueError, KeyError):
        viol = None
    c.eq("policy: exit 1", p.returncode, 1)
    c.true("policy: both artifacts violate require_trimpath",
           viol and all(v and v[0].startswith("require_trimpath: ") for v in viol.values()), viol)

    # a policy's targets judge the Linux artifact (opened for its machine), not the Windows one
    with open(pol, "w") as f:
        json.dump({"targets_must_pass": ["debian-12"]}, f)
    p = build("--json", "--no-reproduce", "--policy", pol, "--target", "linux/amd64", "--target", "windows/amd64",
              hello)
    try:
        doc = json.loads(p.stdout)
        res = {a["file"]: (a["verdicts"], a["policy_violations"]) for a in doc["artifacts"]}
    except (ValueError, KeyError):
        res = None
    c.eq("policy targets: exit 0, debian-12 judges linux/amd64 only, no violation",
         (p.returncode, res), (0, {"hello_linux_amd64": ({"debian-12": "runs"}, []),
                                   "hello_windows_amd64.exe": ({"debian-12": None}, [])}))

    # unreproducible: __TIME__ in a cgo file
    clock = os.path.join(work, "clock")
    common.write_files(clock, {
        "go.mod": "module example.com/clock\n\ngo 1.18\n",
        "main.go": 'package main\n\n// static const char *when(void) { return __DATE__ " " __TIME__; }\nimport "C"\n\n'
                   'import "fmt"\n\nfunc main() { fmt.Println(C.GoString(C.when())) }\n',
    })
    cenv = dict(env, CGO_CFLAGS="-Wno-date-time")
    p = build("--json", "--cgo", "--target", "linux/amd64", "--out", os.path.join(work, "dist1"), clock, e=cenv)
    c.eq("unreproducible: exit 1 (%s)" % p.stderr.strip()[-200:], p.returncode, 1)
    try:
        a = json.loads(p.stdout)["artifacts"][0]
    except (ValueError, KeyError, IndexError):
        a = None
        c.fail("unreproducible: not JSON: " + p.stdout[:300])
    if a:
        c.eq("unreproducible: reproducible false, not ok", (a["reproducible"], a["ok"]), (False, False))
        fd_ = a["first_difference"] or {}
        off, sect = fd_.get("offset"), fd_.get("section")
        rd = subprocess.run(["readelf", "-SW", os.path.join(work, "dist1", a["file"])], capture_output=True,
                            text=True).stdout
        inside = False
        for line in rd.splitlines():
            m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
            if m and m.group(1) == sect:
                o, s = int(m.group(2), 16), int(m.group(3), 16)
                inside = o <= off < o + s
        c.true("unreproducible: offset %s lies in section %s (readelf -S)" % (off, sect), inside, rd[:800])
        # with a cache of its own: the go command would reuse the first build's object otherwise
        p2 = build("--no-reproduce", "--cgo", "--target", "linux/amd64", "--out", os.path.join(work, "dist2"), clock,
                   e=dict(cenv, GOCACHE=os.path.join(work, "gocache2")))
        r = subprocess.run(["cmp", os.path.join(work, "dist1", a["file"]), os.path.join(work, "dist2", a["file"])],
                           capture_output=True, text=True)
        c.true("unreproducible: two builds differ (cmp)", p2.returncode == 0 and r.returncode == 1, r.stdout + p2.stdout)

    # a build that fails: its line, not judged, not in SHA256SUMS, exit 1
    broken = os.path.join(work, "broken")
    common.write_files(broken, {"go.mod": "module example.com/broken\n\ngo 1.18\n",
                                "main.go": "package main\n\nfunc main() { undefined() }\n"})
    p = build("--json", "--target", "linux/amd64", "--check-target", "debian-12", broken)
    try:
        a = json.loads(p.stdout)["artifacts"][0]
    except (ValueError, KeyError, IndexError):
        a = {}
    c.true("a failed build: exit 1, not built, the go command's words, not judged",
           p.returncode == 1 and a.get("built") is False and "undefined" in (a.get("error") or "") and
           a.get("verdicts") == {"debian-12": None} and a.get("sha256") is None, (p.returncode, a))
    with open(os.path.join(broken, "dist", "SHA256SUMS")) as f:
        c.eq("a failed build: SHA256SUMS empty", f.read(), "")

    # errors
    p = build("--target", "linux", hello)
    c.true("bad --target: one line, exit 2", p.returncode == 2 and "--target 'linux'" in p.stderr, p.stderr)
    noenv = dict(env, PATH="/nonexistent")
    p = common.run([exe, "build", hello], timeout=60, env=noenv)
    c.true("no go on PATH: exit 2, says how to get one",
           p.returncode == 2 and "no go command on PATH" in p.stderr and "golang-go" in p.stderr, p.stderr)
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
