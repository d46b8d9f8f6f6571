#!/usr/bin/env python3
"""shipready verify: programs really run in the sandbox, and its walls hold.

  test_verify.py SHIPREADY WORKDIR

Programs are built here, into WORKDIR: a glibc-dynamic C probe (gcc), and
Go programs with CGO_ENABLED=0 (GOCACHE under WORKDIR): an HTTP server
(net/http) and a program verifying a certificate chain of a test CA made
here with openssl against the system roots.  Checked:

- the C probe with --cmd passes and its stdout/stderr are captured; from
  inside it sees: creating /x fails with EROFS (read-only root), /tmp is
  writable, it is PID 2 with PID 1 its parent (a pid namespace), its uid
  is 65534, the hostname is shipready-verify (the host's is unchanged),
  the only network interface is lo and a connect to an outside address
  fails; exit status 3 fails with "exit status 3"; a program that sleeps
  fails with the timeout and leaves neither processes nor temporary
  directories; SIGSEGV fails with the signal;
- the Go server with --http PORT/healthz passes; answering 500 fails with
  the HTTP status; never listening fails with "no HTTP answer" and
  "connection refused";
- the Go TLS program bundled --from-root a root holding only the test CA
  as its CA bundle passes; with --no-needs it fails and the captured
  output shows "x509: certificate signed by unknown authority";
- an unprivileged caller (setpriv to uid 65534) gets the same sandbox;
- namespaces denied for real (shipready run in a user namespace whose
  user.max_user_namespaces is 0): exit 2, one line naming the cause;
- a SIGKILLed verify leaves its directory (shipready-verify.PID.*); the next
  run removes it (nobody holds its lock), and not a directory whose lock is
  held (a live run, maybe in another PID namespace, whose PID means nothing
  here), one --keep kept, another name or a symlink;
- bad input: exit 2 and one 'shipready: ...' line, nothing run;
- every --json document is valid against docs/schema/verify.json.
"""
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

SCHEMA = os.path.join(common.REPO, "docs", "schema", "verify.json")

PROBE_C = r"""
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "probe";
	if (strcmp(mode, "exit") == 0) {
		printf("exiting with %s\n", argv[2]);
		return atoi(argv[2]);
	}
	if (strcmp(mode, "sleep") == 0) {
		if (fork() == 0)   /* a child too: both must be gone afterwards */
			for (;;)
				pause();
		for (;;)
			pause();
	}
	if (strcmp(mode, "segv") == 0)
		raise(SIGSEGV);
	if (strcmp(mode, "flood") == 0) {   /* 110,000 bytes in 10,000 lines, then END */
		for (int i = 0; i < 10000; i++)
			printf("line %05d\n", i);
		printf("END\n");
		return 0;
	}
	printf("argv:");
	for (int i = 1; i < argc; i++)
		printf(" [%s]", argv[i]);
	printf("\n");
	int fd = open("/x", O_CREAT | O_WRONLY, 0644);
	printf("create /x: %s\n", fd < 0 ? strerror(errno) : "ok");
	fd = open("/tmp/y", O_CREAT | O_WRONLY, 0644);
	printf("create /tmp/y: %s\n", fd < 0 ? strerror(errno) : (write(fd, "y", 1) == 1 ? "ok" : "short"));
	printf("pid %d ppid %d uid %d gid %d\n", (int)getpid(), (int)getppid(), (int)getuid(), (int)getgid());
	char h[256] = "";
	gethostname(h, sizeof h);
	printf("hostname %s\n", h);
	struct if_nameindex *ifs = if_nameindex();
	printf("interfaces:");
	for (struct if_nameindex *i = ifs; i && i->if_index; i++)
		printf(" %s", i->if_name);
	printf("\n");
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(53) };
	inet_pton(AF_INET, "1.1.1.1", &a.sin_addr);
	printf("connect 1.1.1.1:53: %s\n", connect(s, (struct sockaddr *)&a, sizeof a) == 0 ? "ok" : strerror(errno));
	printf("PATH=%s HOME=%s TERM=%s\n", getenv("PATH"), getenv("HOME"), getenv("TERM") ? getenv("TERM") : "(unset)");
	close(s);
	if (fd >= 0)
		close(fd);
	struct sigaction sa;
	sigaction(SIGINT, NULL, &sa);
	printf("SIGINT %s\n", sa.sa_handler == SIG_IGN ? "ignored" : "default");
	DIR *d = opendir("/proc/self/fd");
	printf("fds:");
	for (struct dirent *e; d && (e = readdir(d));)
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			printf(" %s", e->d_name);
	printf("\n");
	fprintf(stderr, "to stderr\x01\n");
	return 0;
}
"""

SERVER_GO = r"""
package main

import (
	"net/http"
	"os"
	"time"
)

func main() {
	mode := os.Args[2]
	if mode == "never" {
		time.Sleep(time.Hour)
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if mode == "500" {
			http.Error(w, "sick", 500)
			return
		}
		w.Write([]byte("ok\n"))
	})
	os.Stdout.WriteString("listening on " + os.Args[1] + "\n")
	if err := http.ListenAndServe(os.Args[1], nil); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
}
"""

TLS_GO = r"""
package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
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
	fmt.Println("verify: ok")
}
"""


def validator():
    import jsonschema
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def sh(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, errors="replace", **kw)
    if p.returncode != 0:
        print("FAIL: %s:\n%s" % (" ".join(cmd), p.stdout))
        sys.exit(1)
    return p.stdout


def build(work):
    """The programs (rebuilt each run: they are small)."""
    os.makedirs(work, exist_ok=True)
    progs = {}
    src = os.path.join(work, "probe.c")
    with open(src, "w") as f:
        f.write(PROBE_C)
    progs["probe"] = os.path.join(work, "probe")
    sh(["gcc", "-O1", "-o", progs["probe"], src])

    if not shutil.which("go") or not shutil.which("openssl"):
        return progs, None
    env = dict(os.environ, CGO_ENABLED="0", GOCACHE=os.path.join(work, "gocache"), GOFLAGS="",
               GOPATH=os.path.join(work, "gopath"), GO111MODULE="off", HOME=work)
    for name, text in (("server", SERVER_GO),):
        d = os.path.join(work, "src-" + name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "main.go"), "w") as f:
            f.write(text)
        progs[name] = os.path.join(work, name)
        sh(["go", "build", "-o", progs[name], "main.go"], cwd=d, env=env)

    # a test CA and a leaf for test.example, then the TLS program with the leaf inside
    try:
        ca, leaf = common.test_pki(work, "shipready verify test CA")
    except RuntimeError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
    d = os.path.join(work, "src-tls")
    os.makedirs(d, exist_ok=True)
    with open(leaf) as f:
        leaf_pem = f.read()
    with open(os.path.join(d, "main.go"), "w") as f:
        f.write(TLS_GO % leaf_pem)
    progs["tls"] = os.path.join(work, "tls")
    sh(["go", "build", "-o", progs["tls"], "main.go"], cwd=d, env=env)

    # the source root: the test CA as the only CA bundle
    root = os.path.join(work, "ca-root")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "etc", "ssl", "certs"))
    shutil.copy(ca, os.path.join(root, "etc", "ssl", "certs", "ca-certificates.crt"))
    return progs, root


def leftovers(marker):
    """Processes whose command line holds marker."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmd and "test_verify" not in cmd:
            found.append("%s: %s" % (pid, cmd))
    return found


def main():
    exe, work = sys.argv[1], os.path.abspath(sys.argv[2])
    failures = []

    def check(cond, what, detail=""):
        if cond:
            print("ok: " + what)
        else:
            failures.append(what)
            print("FAIL: %s%s" % (what, ("\n    " + detail.replace("\n", "\n    ")) if detail else ""))

    val = validator()
    progs, ca_root = build(work)
    tmp = tempfile.mkdtemp(prefix="verify-tmp.", dir=work)
    env = dict(os.environ, TMPDIR=tmp)

    def verify(args, timeout=120, json_out=True, e=None, **kw):
        p = common.run([exe, "verify"] + (["--json"] if json_out else []) + args, timeout=timeout, env=e or env,
                       **kw)
        doc = None
        if json_out and p.stdout:
            try:
                doc = json.loads(p.stdout)
            except ValueError:
                doc = None
            if doc is not None:
                errs = [e.message for e in val.iter_errors(doc)]
                check(not errs, "schema: verify %s" % " ".join(args), "\n".join(errs))
        return p, doc

    def show(p):
        return "exit %s\nstdout:\n%s\nstderr:\n%s" % (p.returncode, p.stdout, p.stderr)

    # ---------------------------------------------------------------- the C probe
    host_name = socket.gethostname()
    # a descriptor of a host directory left open by the caller must not reach the program
    hostdir = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    os.set_inheritable(hostdir, True)
    # and signals it ignored are not ignored in the program
    p, doc = verify([progs["probe"], "--cmd", "probe 'two words' \"q\\\"x\""], pass_fds=(hostdir,),
                    preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    os.close(hostdir)
    out = doc["stdout"]["text"] if doc else ""
    check(p.returncode == 0 and doc and doc["result"] == "pass" and doc["reason"] == "exited"
          and doc["exit_status"] == 0, "glibc-dynamic C program passes", show(p))
    check("argv: [probe] [two words] [q\"x]" in out, "--cmd split into words", out)
    check("create /x: Read-only file system" in out, "the root is read-only (EROFS)", out)
    check("create /tmp/y: ok" in out, "/tmp is writable", out)
    check("pid 2 ppid 1 uid 65534 gid 65534" in out, "a pid namespace (PID 2, parent init 1), uid/gid 65534", out)
    check("hostname shipready-verify" in out and socket.gethostname() == host_name,
          "hostname isolated (host's unchanged)", out)
    check("interfaces: lo\n" in out, "only the loopback interface", out)
    check("connect 1.1.1.1:53: Network is unreachable" in out, "no network but loopback", out)
    check("HOME=/ TERM=(unset)" in out and "PATH=/usr/local/sbin:" in out, "environment is PATH and HOME only", out)
    check(doc and doc["stderr"]["text"] == "to stderr\\x01\n" and doc["stderr"]["bytes"] == 11,
          "stderr captured, control characters escaped", show(p))
    check(not os.path.exists("/x"), "nothing written to the host's /")
    check("SIGINT default\n" in out, "a signal the caller ignored is not ignored in the program", out)
    check("fds: 0 1 2\n" in out, "only stdin, stdout, stderr reach the program (not the caller's fd %d)" % hostdir, out)

    p, _ = verify([progs["probe"], "--cmd", "probe"], json_out=False)
    lines = p.stdout.splitlines()
    check(p.returncode == 0 and lines and lines[0].startswith("PASS %s: exit status 0" % progs["probe"])
          and "  | create /x: Read-only file system" in lines and "  | to stderr\\x01" in lines,
          "text output: PASS line and the captured output", show(p))

    p, doc = verify([progs["probe"], "--cmd", "exit 3"])
    check(p.returncode == 1 and doc and doc["result"] == "fail" and doc["exit_status"] == 3
          and doc["message"] == "exit status 3" and "exiting with 3" in doc["stdout"]["text"],
          "exit status 3 fails with the status", show(p))
    p, _ = verify([progs["probe"], "--cmd", "exit 3"], json_out=False)
    check(p.returncode == 1 and p.stdout.startswith("FAIL %s: exit status 3" % progs["probe"]),
          "text: FAIL line with the status", show(p))

    p, doc = verify([progs["probe"], "--cmd", "flood"])
    o = doc["stdout"] if doc else {}
    check(p.returncode == 0 and o.get("bytes") == 110004 and o.get("truncated") is True
          and len(o.get("text", "")) == 65536 and o["text"].endswith("line 09999\nEND\n"),
          "a flood of output: the last 64 KiB kept, the total counted", show(p)[:2000])

    p, doc = verify([progs["probe"], "--cmd", "segv"])
    check(p.returncode == 1 and doc and doc["reason"] == "signaled" and doc["signal"] == 11,
          "SIGSEGV fails with the signal", show(p))

    p, doc = verify([progs["probe"], "--cmd", "sleep", "--timeout", "1.5"])
    check(p.returncode == 1 and doc and doc["reason"] == "timeout" and 1.4 <= doc["elapsed"] < 5
          and "timeout (1.5 s)" in doc["message"], "a program still running fails with the timeout", show(p))
    check(not leftovers("/usr/local/bin/probe"), "no process left after the timeout",
          "\n".join(leftovers("/usr/local/bin/probe")))
    check(os.listdir(tmp) == [], "no temporary directory left", str(os.listdir(tmp)))

    p, doc = verify([progs["probe"], "--keep"])
    kept = doc.get("kept") if doc else None
    check(p.returncode == 0 and kept and os.path.isfile(os.path.join(kept, "root", "usr", "local", "bin", "probe")),
          "--keep keeps the bundle", show(p))
    if kept:
        shutil.rmtree(kept)

    # ---------------------------------------------------------------- Go
    if "server" not in progs:
        print("note: no go or openssl: the Go cases are skipped")
    else:
        p, doc = verify([progs["server"], "--cmd", "127.0.0.1:8080 ok", "--http", "8080/healthz", "--timeout", "20"])
        check(p.returncode == 0 and doc and doc["result"] == "pass" and doc["reason"] == "http-ok"
              and doc["http_status"] == 200 and doc["check"] == {"kind": "http", "port": 8080, "path": "/healthz"}
              and "listening on 127.0.0.1:8080" in doc["stdout"]["text"],
              "static Go HTTP server passes with --http 8080/healthz", show(p))
        p, _ = verify([progs["server"], "--cmd", ":8080 ok", "--http", "8080/healthz"], json_out=False)
        check(p.returncode == 0 and p.stdout.startswith(
            "PASS %s: GET http://127.0.0.1:8080/healthz answered HTTP 200" % progs["server"]),
            "text: PASS with the HTTP status", show(p))
        p, doc = verify([progs["server"], "--cmd", ":8080 500", "--http", "8080/healthz", "--timeout", "2"])
        check(p.returncode == 1 and doc and doc["reason"] == "http-status" and doc["http_status"] == 500
              and "answered HTTP 500" in doc["message"], "a server answering 500 fails with the status", show(p))
        p, doc = verify([progs["server"], "--cmd", ":8080 never", "--http", "8080/healthz", "--timeout", "2"])
        check(p.returncode == 1 and doc and doc["reason"] == "no-answer" and doc["http_status"] is None
              and "connection refused" in doc["message"], "a server that never listens fails: no answer",
              show(p))
        check(not leftovers("/usr/local/bin/server"), "no server process left",
              "\n".join(leftovers("/usr/local/bin/server")))
        p, doc = verify([progs["server"], "--cmd", ":8080 ok", "--http", "8081/healthz", "--timeout", "2"])
        check(p.returncode == 1 and doc and doc["reason"] == "no-answer", "the wrong port: no answer", show(p))
        p, doc = verify([progs["server"], "--cmd", "bad:addr ok", "--http", "8080/", "--timeout", "5"])
        check(p.returncode == 1 and doc and doc["reason"] == "exited" and doc["exit_status"] == 1
              and "before GET / answered" in doc["message"], "a server that exits fails with its status", show(p))

        p, doc = verify([progs["tls"], "--from-root", ca_root])
        check(p.returncode == 0 and doc and doc["result"] == "pass" and "verify: ok" in doc["stdout"]["text"],
              "Go TLS program passes with the test CA bundled from --from-root", show(p))
        p, doc = verify([progs["tls"], "--from-root", ca_root, "--no-needs"])
        check(p.returncode == 1 and doc and doc["result"] == "fail" and doc["exit_status"] == 1 and doc["no_needs"]
              and "x509: certificate signed by unknown authority" in doc["stdout"]["text"],
              "--no-needs: the CA roots left out, the x509 error shown", show(p))
        p, _ = verify([progs["tls"], "--from-root", ca_root, "--no-needs"], json_out=False)
        check(p.returncode == 1 and p.stdout.startswith("FAIL") and
              "  | verify: x509: certificate signed by unknown authority" in p.stdout.splitlines(),
              "text: the x509 message in the captured output", show(p))
        # the same program with the host's roots: they lack the test CA
        p, doc = verify([progs["tls"]])
        check(p.returncode == 1 and doc and "unknown authority" in doc["stdout"]["text"],
              "the host's CA roots do not hold the test CA", show(p))

    # ---------------------------------------------------------------- unmet needs warn, still run
    empty_root = os.path.join(work, "empty-root")
    os.makedirs(empty_root, exist_ok=True)
    if "tls" in progs:
        p, doc = verify([progs["tls"], "--from-root", empty_root])
        check(p.returncode == 1 and doc and "warning: CA roots not bundled" in p.stderr
              and any(u["need"] == "ca-roots" for u in doc["unmet"])
              and "unknown authority" in doc["stdout"]["text"], "an unmet need warns and the program still runs",
              show(p))

    # ---------------------------------------------------------------- namespaces denied
    if shutil.which("unshare"):
        script = 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'
        p = common.run(["unshare", "--user", "--map-root-user", "sh", "-c", script, "sh", exe, "verify",
                        progs["probe"]], timeout=60, env=env)
        errl = p.stderr.strip().splitlines()
        check(p.returncode == 2 and p.stdout == "" and len(errl) == 1
              and "namespaces are not available" in errl[0] and "max_user_namespaces" in errl[0],
              "namespaces denied: exit 2 and one line with the cause and the fix", show(p))
    else:
        print("note: no unshare(1): the denied case is skipped")

    # ---------------------------------------------------------------- an unprivileged caller
    if os.geteuid() == 0 and shutil.which("setpriv"):
        shared = tempfile.mkdtemp(prefix="verify-nobody.", dir=work)
        os.chmod(shared, 0o1777)
        p = common.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", exe, "verify", "--json",
                        "--cmd", "probe", progs["probe"]], timeout=120, env=dict(env, TMPDIR=shared))
        doc = json.loads(p.stdout) if p.returncode in (0, 1) and p.stdout else None
        out = doc["stdout"]["text"] if doc else ""
        check(p.returncode == 0 and "create /x: Read-only file system" in out
              and "pid 2 ppid 1 uid 65534 gid 65534" in out and "interfaces: lo\n" in out,
              "an unprivileged caller (uid 65534) gets the same sandbox", show(p))
        check(os.listdir(shared) == [], "no temporary directory left by the unprivileged run",
              str(os.listdir(shared)))
        shutil.rmtree(shared, ignore_errors=True)
    else:
        print("note: not root or no setpriv(1): the unprivileged case is skipped")

    # ---------------------------------------------------------------- killed runs
    # a SIGKILLed verify leaves its directory; the next run removes it (its
    # PID is dead), never one of a live PID, another name, or a symlink
    p = subprocess.Popen([exe, "verify", "--cmd", "sleep", progs["probe"], "--timeout", "30"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    made = []
    for _ in range(200):
        made = [n for n in os.listdir(tmp) if n.startswith("shipready-verify.%d." % p.pid)]
        if made:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    p.kill()
    p.wait()
    check(len(made) == 1, "a killed run leaves its directory (named by its PID)", str(os.listdir(tmp)))
    # a live run in another PID namespace: a PID not alive here, its lock held
    live = os.path.join(tmp, "shipready-verify.999999999.live00")
    os.makedirs(live)
    live_fd = os.open(live, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(live_fd, fcntl.LOCK_EX)
    # a directory of a live PID that nobody locks is no run's: it goes
    unlocked = os.path.join(tmp, "shipready-verify.%d.nolock" % os.getpid())
    os.makedirs(unlocked)
    # one being named (killed before it had its name): gone only once old
    young = os.path.join(tmp, "shipready-verify-new.%d.young0" % p.pid)
    old = os.path.join(tmp, "shipready-verify-new.%d.old000" % p.pid)
    os.makedirs(young)
    os.makedirs(old)
    os.utime(old, (time.time() - 120, time.time() - 120))
    other = os.path.join(tmp, "shipready-verify-other")
    os.makedirs(other)
    os.symlink(work, os.path.join(tmp, "shipready-verify.%d.link00" % p.pid))
    for _ in range(100):
        if not leftovers("/usr/local/bin/probe"):
            break
        time.sleep(0.1)
    k, kdoc = verify([progs["probe"], "--keep"])
    kept = kdoc.get("kept") if kdoc else None
    check(k.returncode == 0 and kept and os.path.isdir(kept), "--keep before the next run", show(k))
    r, _ = verify(["--cmd", "probe", progs["probe"]], json_out=False)
    check(r.returncode == 0, "the next run passes", show(r))
    want = [os.path.basename(live), os.path.basename(young), os.path.basename(other),
            "shipready-verify.%d.link00" % p.pid] + ([os.path.basename(kept)] if kept else [])
    check(sorted(os.listdir(tmp)) == sorted(want),
          "the killed run's, the unlocked and the old directories are gone, the others stay", str(os.listdir(tmp)))
    check(os.path.isdir(work), "the symlink's target is untouched")
    os.close(live_fd)
    for n in os.listdir(tmp):
        path = os.path.join(tmp, n)
        if os.path.islink(path):
            os.unlink(path)
        else:
            shutil.rmtree(path)

    # ---------------------------------------------------------------- bad input
    notelf = os.path.join(work, "not-elf")
    with open(notelf, "w") as f:
        f.write("#!/bin/sh\necho hi\n")
    os.chmod(notelf, 0o755)
    for args, what in (([os.path.join(work, "missing")], "a missing file"),
                       ([notelf], "not an ELF program"),
                       ([progs["probe"], "--http", "0/x"], "--http port 0"),
                       ([progs["probe"], "--http", "80x"], "--http garbage"),
                       ([progs["probe"], "--timeout", "0"], "--timeout 0"),
                       ([progs["probe"], "--timeout", "abc"], "--timeout abc"),
                       ([progs["probe"], "--cmd", "'open"], "--cmd with an open quote"),
                       ([progs["probe"], progs["probe"]], "two FILEs"),
                       ([], "no FILE")):
        p, _ = verify(args, json_out=False)
        check(p.returncode == 2 and p.stdout == "" and p.stderr.startswith("shipready: "),
              "bad input exits 2: " + what, show(p))
    check(os.listdir(tmp) == [], "no temporary directory left at the end", str(os.listdir(tmp)))

    p = common.run([exe, "verify", "--help"])
    check(p.returncode == 0 and "namespaces" in p.stdout, "verify --help")

    shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d FAILED:\n  %s" % (len(failures), "\n  ".join(failures)))
        sys.exit(1)
    print("all ok")


if __name__ == "__main__":
    main()
