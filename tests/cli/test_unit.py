"""shipready unit: systemd service units for programs built here.

Usage: test_unit.py SHIPREADY WORKDIR

Built at test time into WORKDIR: Go programs (CGO_ENABLED=0, static) — an
HTTP server, a CLI without networking, a program listing interfaces — and C
programs (gcc) with and without socket calls, dynamic and static.  For every
generated unit:
  - `systemd-analyze verify` passes with nothing on stderr (ExecStart points at
    the real file; it is never run);
  - RestrictAddressFamilies= is exactly what the program links: AF_INET
    AF_INET6 only with networking, AF_NETLINK only for interface listing;
    network-online ordering only with networking, PrivateNetwork=yes without;
  - every hardening setting follows a comment naming it;
and `systemd-analyze security --offline=true` rates the static Go server's
unit at most 2.0.  Options: --env, --arg quoting, --user, --capability,
--state-dir/--log-dir, -o FILE and -o DIR, and bad values (exit 2, one line).
Parts whose tools are missing are skipped with a message; exit 77 only when
neither Go nor gcc is there.
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checker, run  # noqa: E402

GO_SOURCES = {
    "httpserver": """package main

import (
	"fmt"
	"net/http"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	http.ListenAndServe(":8080", nil)
}
""",
    "upper": """package main

import (
	"fmt"
	"os"
	"strings"
)

func main() { fmt.Println(strings.ToUpper(strings.Join(os.Args[1:], " "))) }
""",
    "ifaces": """package main

import (
	"fmt"
	"net"
)

func main() {
	ifs, err := net.Interfaces()
	fmt.Println(len(ifs), err)
}
""",
}

C_SERVER = r"""#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
int main(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(8080) };
	bind(s, (struct sockaddr *)&a, sizeof a);
	listen(s, 1);
	return close(accept(s, 0, 0));
}
"""
C_HELLO = '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n'
C_GETPW = ('#include <pwd.h>\n#include <stdio.h>\n'
           'int main(void) { printf("%p\\n", (void *)getpwnam("root")); return 0; }\n')
C_LIB = "int f(void) { return 1; }\n"

# name: (networking, netlink) expected
EXPECT = {
    "httpserver": (True, False),
    "upper": (False, False),
    "ifaces": (True, True),
    "cserver": (True, False),
    "cserver-static": (True, False),
    "chello": (False, False),
    "cgetpw-static": (False, False),   # static glibc NSS links socket/connect: not networking
    "ccurl": (True, False),            # no socket call of its own, but needs libcurl.so.4
}
CURL = "/usr/lib/x86_64-linux-gnu/libcurl.so.4"


def build(work, c):
    built = {}
    go = shutil.which("go") or ("/usr/bin/go" if os.access("/usr/bin/go", os.X_OK) else None)
    if go:
        env = dict(os.environ, GOCACHE=os.path.join(work, "gocache"), GOPATH=os.path.join(work, "gopath"),
                   GOTOOLCHAIN="local", GO111MODULE="off", CGO_ENABLED="0", GOFLAGS="", GOOS="linux",
                   GOARCH="amd64")
        for name, src in GO_SOURCES.items():
            d = os.path.join(work, "src", name)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "main.go"), "w") as f:
                f.write(src)
            out = os.path.join(work, "bin", name)
            p = run([go, "build", "-o", out, "."], timeout=600, cwd=d, env=env)
            if c.true("go build %s" % name, p.returncode == 0, p.stderr[-2000:]):
                built[name] = out
    else:
        print("SKIP: no go command: the Go fixtures (and the security score of the static Go server) are not tested")
    gcc = shutil.which("gcc")
    if gcc:
        srcdir = os.path.join(work, "src")
        os.makedirs(srcdir, exist_ok=True)
        for name, src, flags in (("cserver", C_SERVER, []), ("cserver-static", C_SERVER, ["-static"]),
                                 ("chello", C_HELLO, []), ("cgetpw-static", C_GETPW, ["-static"]),
                                 ("libf.so", C_LIB, ["-shared", "-fPIC"]),
                                 ("ccurl", C_HELLO, ["-Wl,--no-as-needed", CURL])):
            if name == "ccurl" and not os.path.exists(CURL):
                print("SKIP: no %s (Debian: libcurl4): networking through a library is not tested" % CURL)
                continue
            cfile = os.path.join(srcdir, name + ".c")
            with open(cfile, "w") as f:
                f.write(src)
            out = os.path.join(work, "bin", name)
            p = run([gcc, "-O1"] + flags + ["-o", out, cfile], timeout=120)
            if c.true("gcc %s" % name, p.returncode == 0, p.stderr[-2000:]):
                built[name] = out
    else:
        print("SKIP: no gcc: the C fixtures are not tested")
    return built


def directives(text):
    """[(section, key, value, preceding comment lines)] of a unit."""
    """The comments are the block right before the run of settings the
    setting belongs to (one comment may explain several settings)."""
    out, section, comments, after_setting = [], None, [], False
    for line in text.splitlines():
        if line.startswith("#"):
            comments = [line] if after_setting else comments + [line]
            after_setting = False
        elif line.startswith("["):
            section, comments, after_setting = line.strip("[]"), [], False
        elif "=" in line:
            k, v = line.split("=", 1)
            out.append((section, k, v, list(comments)))
            after_setting = True
        elif line.strip() == "":
            comments, after_setting = [], False
    return out


def values(text, key):
    return [v for _, k, v, _ in directives(text) if k == key]


HARDENING_FREE = {"Description", "Wants", "After", "ExecStart", "Environment", "WantedBy"}


def check_unit(c, name, text, networking, netlink):
    d = directives(text)
    want = "AF_UNIX" + (" AF_INET AF_INET6" if networking else "") + (" AF_NETLINK" if netlink else "")
    c.eq("%s: RestrictAddressFamilies" % name, values(text, "RestrictAddressFamilies"), [want])
    if not networking:
        c.true("%s: no AF_INET without networking" % name, "AF_INET" not in " ".join(
            values(text, "RestrictAddressFamilies")))
    c.eq("%s: PrivateNetwork" % name, values(text, "PrivateNetwork"), [] if networking else ["yes"])
    c.eq("%s: Wants" % name, values(text, "Wants"), ["network-online.target"] if networking else [])
    c.eq("%s: After" % name, values(text, "After"), ["network-online.target"] if networking else [])
    for key, want_v in (("Type", "exec"), ("DynamicUser", "yes"), ("NoNewPrivileges", "yes"),
                        ("ProtectSystem", "strict"), ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
                        ("PrivateDevices", "yes"), ("SystemCallFilter", "@system-service"),
                        ("CapabilityBoundingSet", ""), ("Restart", "on-failure"),
                        ("WantedBy", "multi-user.target")):
        c.eq("%s: %s" % (name, key), values(text, key), [want_v])
    # every setting but the plain ones follows a comment that names it
    for section, k, v, comments in d:
        if k in HARDENING_FREE:
            continue
        c.true("%s: %s= follows a comment naming it" % (name, k),
               any(re.search(r"\b%s\b" % re.escape(k), cm) for cm in comments),
               "comments before it: %r" % comments)
    rac = [cm for s, k, v, cms in d if k == "RestrictAddressFamilies" for cm in cms]
    c.true("%s: RestrictAddressFamilies comment says why" % name,
           any(("→" in cm) for cm in rac), repr(rac))
    return rac


def analyze(c, tools, unit_path, name):
    """systemd-analyze verify (must pass silently); returns the security score or None."""
    if not tools:
        return None
    sa = tools
    p = run([sa, "verify", unit_path], timeout=60)
    c.true("%s: systemd-analyze verify exit 0" % name, p.returncode == 0, p.stderr)
    c.eq("%s: systemd-analyze verify stderr" % name, p.stderr, "")
    p = run([sa, "security", "--offline=true", "--no-pager", unit_path], timeout=60)
    m = re.search(r"Overall exposure level for \S+: ([0-9]+\.[0-9]+)", p.stdout)
    if not c.true("%s: systemd-analyze security prints a score" % name, m is not None,
                  (p.stdout + p.stderr)[-500:]):
        return None
    return float(m.group(1))


def main():
    exe, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    c = Checker("cli-unit")
    if os.path.isdir(work):
        for sub in ("bin", "units", "out"):
            shutil.rmtree(os.path.join(work, sub), ignore_errors=True)
    os.makedirs(os.path.join(work, "bin"), exist_ok=True)
    units = os.path.join(work, "units")
    os.makedirs(units, exist_ok=True)

    built = build(work, c)
    if not built:
        print("SKIP: neither go nor gcc could build a fixture")
        return 77 if not c.failures else c.report()

    sa = shutil.which("systemd-analyze")
    if sa:
        p = run([sa, "security", "--help"], timeout=30)
        if "--offline" not in p.stdout:
            print("SKIP: %s has no --offline: units are not verified" % sa)
            sa = None
    else:
        print("SKIP: no systemd-analyze (Debian: systemd): units are not verified or scored")

    scores = {}
    for name, (networking, netlink) in EXPECT.items():
        if name not in built:
            continue
        path = built[name]
        p = run([exe, "unit", "--exec-path", path, path], timeout=60)
        if not c.eq("%s: exit status" % name, p.returncode, 0) or not c.eq("%s: stderr" % name, p.stderr, ""):
            continue
        text = p.stdout
        c.true("%s: header names the unit" % name, text.startswith("# %s.service" % name), text[:80])
        c.eq("%s: ExecStart" % name, values(text, "ExecStart"), [path])
        rac = check_unit(c, name, text, networking, netlink)
        if name == "httpserver":
            c.true("httpserver: evidence net/http (Go)", any("net/http" in x and "(Go)" in x for x in rac), repr(rac))
        if name == "ifaces":
            c.true("ifaces: evidence net.Interfaces", any("net.Interfaces" in x for x in rac), repr(rac))
        c.eq("%s: nss-systemd note only for user lookups" % name, "nss-systemd" in text, name == "cgetpw-static")
        if name == "ccurl":
            c.true("ccurl: evidence needs libcurl.so.4", any("needs libcurl.so.4" in x for x in rac), repr(rac))
        if name in ("cserver", "cserver-static"):
            c.true("%s: evidence listen()" % name, any("listen()" in x for x in rac), repr(rac))
        # -o FILE writes the same text
        out = os.path.join(units, name + ".service")
        q = run([exe, "unit", "--exec-path", path, "-o", out, path], timeout=60)
        c.eq("%s: -o exit status" % name, (q.returncode, q.stdout, q.stderr), (0, "", ""))
        with open(out) as f:
            c.eq("%s: -o file equals stdout" % name, f.read(), text)
        c.eq("%s: -o file mode" % name, oct(os.stat(out).st_mode & 0o777), "0o644")
        score = analyze(c, sa, out, name)
        if score is not None:
            scores[name] = score
    if "httpserver" in built and sa:
        c.true("httpserver (static Go server): security exposure <= 2.0", scores.get("httpserver", 99) <= 2.0,
               "scored %r" % scores.get("httpserver"))
    for name in sorted(scores):
        print("score %-16s %.1f" % (name, scores[name]))

    # ---- options, on one built program
    prog = built.get("httpserver") or built.get("cserver") or next(iter(built.values()))
    p = run([exe, "unit", "--name", "web", "--exec-path", prog, "--user", "websvc",
             "--env", "A=b", "--env", 'Q=x "y" 50% \\n $HOME',
             "--arg", "--listen=:80", "--arg", "two words", "--arg", "", "--arg", "$HOME%h", "--arg", ";",
             "--arg", 'a"b\\c',
             "--capability", "CAP_NET_BIND_SERVICE", "--state-dir", "web", "--log-dir", "web/access",
             prog], timeout=60)
    c.eq("options: exit status", (p.returncode, p.stderr), (0, ""))
    t = p.stdout
    c.true("options: header", t.startswith("# web.service"), t[:60])
    c.eq("options: Environment", values(t, "Environment"), ['"A=b"', '"Q=x \\"y\\" 50%% \\\\n $HOME"'])
    c.eq("options: ExecStart", values(t, "ExecStart"),
         ['%s --listen=:80 "two words" "" "$$HOME%%%%h" ";" "a\\"b\\\\c"' % prog])
    c.eq("options: User", values(t, "User"), ["websvc"])
    c.eq("options: no DynamicUser", values(t, "DynamicUser"), [])
    c.eq("options: CapabilityBoundingSet", values(t, "CapabilityBoundingSet"), ["CAP_NET_BIND_SERVICE"])
    c.eq("options: AmbientCapabilities", values(t, "AmbientCapabilities"), ["CAP_NET_BIND_SERVICE"])
    c.eq("options: no PrivateUsers with a capability", values(t, "PrivateUsers"), [])
    c.eq("options: StateDirectory", values(t, "StateDirectory"), ["web"])
    c.eq("options: LogsDirectory", values(t, "LogsDirectory"), ["web/access"])
    opath = os.path.join(units, "web.service")
    with open(opath, "w") as f:
        f.write(t)
    analyze(c, sa, opath, "options")
    # default exec path and name
    p = run([exe, "unit", prog], timeout=60)
    c.eq("default ExecStart", values(p.stdout, "ExecStart"), ["/usr/local/bin/" + os.path.basename(prog)])
    c.eq("default PrivateUsers", values(p.stdout, "PrivateUsers"), ["yes"])

    # ---- help names every option
    p = run([exe, "unit", "--help"], timeout=30)
    c.eq("unit --help: exit", (p.returncode, p.stderr), (0, ""))
    for opt in ("--name", "--exec-path", "--user", "--env", "--arg", "--capability", "--state-dir", "--log-dir",
                "--output"):
        c.true("unit --help names %s" % opt, opt in p.stdout, p.stdout[:200])
    p = run([exe, "--help"], timeout=30)
    c.true("shipready --help lists unit", re.search(r"^  unit\s", p.stdout, re.M) is not None, p.stdout)

    # ---- bad option values: exit 2, one line naming the option, nothing on stdout
    for args, opt in ((["--env", "NOEQUALS"], "--env"), (["--env", "1A=b"], "--env"),
                      (["--env", "A=x\ny"], "--env"), (["--env", "=v"], "--env"),
                      (["--env", "A=\udcff"], "--env"),
                      (["--capability", "CAP_FOO"], "--capability"), (["--state-dir", "/var/lib/x"], "--state-dir"),
                      (["--log-dir", "a/../b"], "--log-dir"), (["--exec-path", "bin/x"], "--exec-path"),
                      (["--exec-path", "/usr/bin/a b"], "--exec-path"), (["--name", "a/b"], "--name"),
                      (["--user", "9bad"], "--user"), (["--user", "root"], "--user"), (["--arg", "a\tb"], "--arg")):
        p = run([exe, "unit"] + args + [prog], timeout=30)
        lines = p.stderr.splitlines()
        c.eq("bad %r: exit status" % args, p.returncode, 2)
        c.eq("bad %r: stdout" % args, p.stdout, "")
        c.true("bad %r: one line 'shipready: unit: %s ...'" % (args, opt),
               len(lines) == 1 and lines[0].startswith("shipready: unit: %s '" % opt), repr(p.stderr))

    # ---- files that are not programs
    txt = os.path.join(work, "bin", "notes.txt")
    with open(txt, "w") as f:
        f.write("not a program\n")
    p = run([exe, "unit", txt], timeout=30)
    c.eq("text file: exit status", p.returncode, 2)
    c.true("text file: one error line", len(p.stderr.splitlines()) == 1 and p.stderr.startswith(
        "shipready: %s: " % txt), repr(p.stderr))
    if "libf.so" in built:
        p = run([exe, "unit", "--name", "libf", built["libf.so"]], timeout=30)
        c.eq("shared library: error", (p.returncode, p.stdout, p.stderr),
             (2, "", "shipready: %s: not an executable (a shared library)\n" % built["libf.so"]))

    # ---- several files: printed one after the other, or one file each in -o DIR
    two = [built[n] for n in ("upper", "chello", "httpserver", "cserver") if n in built][:2]
    if len(two) == 2:
        p = run([exe, "unit"] + two, timeout=60)
        c.eq("two files: exit", (p.returncode, p.stderr), (0, ""))
        c.eq("two files: two units", p.stdout.count("\n[Service]\n"), 2)
        outdir = os.path.join(work, "out")
        os.makedirs(outdir, exist_ok=True)
        p = run([exe, "unit", "-o", outdir] + two, timeout=60)
        c.eq("-o DIR: exit", (p.returncode, p.stdout, p.stderr), (0, "", ""))
        c.eq("-o DIR: files", sorted(os.listdir(outdir)), sorted(os.path.basename(x) + ".service" for x in two))
        p = run([exe, "unit", "-o", os.path.join(outdir, "x.service")] + two, timeout=60)
        c.eq("-o FILE with two files: exit", p.returncode, 2)
        p = run([exe, "unit", "--name", "x"] + two, timeout=60)
        c.eq("--name with two files: exit", p.returncode, 2)
    missing = os.path.join(work, "no", "such", "dir", "x.service")
    p = run([exe, "unit", "-o", missing, prog], timeout=60)
    c.true("-o in a missing directory: exit 2, one line", p.returncode == 2 and len(p.stderr.splitlines()) == 1,
           repr((p.returncode, p.stderr)))
    c.eq("-o in a missing directory: the path once, then why", p.stderr,
         "shipready: %s: cannot create a temporary file beside it: No such file or directory\n" % missing)
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
