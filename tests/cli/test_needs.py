#!/usr/bin/env python3
"""Run-time needs (inspect --json "needs") of C programs built at test time,
and max_versions[].symbol against readelf.

    python3 tests/cli/test_needs.py SHIPREADY WORKDIR

Each program calls one family of C functions (getaddrinfo, getpwnam,
getgrnam, iconv_open, setlocale, dlopen, localtime, OpenSSL, GnuTLS) or none,
and is linked five ways: gcc (dynamic), gcc -static, gcc -static then
stripped, musl-gcc -static (also stripped) and musl-gcc (dynamic).  The
expected needs are pinned per program and way, with the evidence that must
be given:

  - dynamic: the imported function;
  - static with .symtab: the function, except setlocale and dlopen, which
    static glibc links into every program for itself (no need, by design);
  - stripped static: only what the C library's embedded file names reveal
    (glibc: /etc/nsswitch.conf for any NSS function, /etc/gai.conf for
    getaddrinfo, /usr/share/zoneinfo; musl: /etc/hosts, /etc/resolv.conf,
    /etc/passwd, /etc/group, /usr/share/zoneinfo);
  - musl: no NSS and no gconv need ever.

A program calling none of them must have no needs in any way.  musl-gcc,
strip and the OpenSSL/GnuTLS headers are optional: what cannot be built is
listed as skipped.  max_versions[].symbol must name an undefined symbol that
readelf --dyn-syms shows with that version, for system binaries and the
programs above.
"""
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

SOURCES = {
    "none": ('#include <stdio.h>\n'
             'int main(void) { puts("hello"); return 0; }\n', []),
    "gai": ('#include <netdb.h>\n#include <stddef.h>\n'
            'int main(int c, char **v) { struct addrinfo *r; (void)c;\n'
            '  return getaddrinfo(v[1], "80", NULL, &r); }\n', []),
    "pw": ('#include <pwd.h>\n#include <grp.h>\n'
           'int main(int c, char **v) { (void)c; return getpwnam(v[1]) != 0 || getgrnam(v[1]) != 0; }\n', []),
    "gr": ('#include <grp.h>\n'
           'int main(int c, char **v) { (void)c; return getgrnam(v[1]) != 0; }\n', []),
    "iconv": ('#include <iconv.h>\n'
              'int main(int c, char **v) { (void)c; return iconv_open("UTF-8", v[1]) == (iconv_t)-1; }\n', []),
    "locale": ('#include <locale.h>\n'
               'int main(void) { return setlocale(LC_ALL, "") == 0; }\n', []),
    "dlopen": ('#include <dlfcn.h>\n'
               'int main(int c, char **v) { (void)c; return dlopen(v[1], RTLD_NOW) == 0; }\n', ["-ldl"]),
    "tz": ('#include <time.h>\n'
           'int main(void) { time_t t = time(0); return localtime(&t) == 0; }\n', []),
    "ssl": ('#include <openssl/ssl.h>\n'
            'int main(void) { SSL_CTX *x = SSL_CTX_new(TLS_client_method());\n'
            '  return x == 0 || SSL_CTX_set_default_verify_paths(x) != 1; }\n', ["-lssl", "-lcrypto"]),
    "gnutls": ('#include <gnutls/gnutls.h>\n'
               'int main(void) { gnutls_certificate_credentials_t x;\n'
               '  gnutls_certificate_allocate_credentials(&x);\n'
               '  return gnutls_certificate_set_x509_system_trust(x) < 0; }\n', ["-lgnutls"]),
}

WAYS = ["dyn", "static", "stripped", "musl-static", "musl-stripped", "musl-dyn"]

# Expected needs: {program: {way: {kind: [evidence that must be listed]}}}.
# A way missing for a program is not built (TLS libraries: dynamic glibc only,
# plus OpenSSL static); None = built but its kinds are checked as a superset only.
S = '"%s" in .rodata'
GLIBC_ALL = {"dyn", "static", "stripped"}
EXPECT = {
    "none": {w: {} for w in WAYS},
    "gai": {
        "dyn": {"nss": ["getaddrinfo"], "dns": ["getaddrinfo"]},
        "static": {"nss": ["getaddrinfo"], "dns": ["getaddrinfo"]},
        "stripped": {"nss": [S % "/etc/nsswitch.conf"], "dns": [S % "/etc/gai.conf"]},
        "musl-static": {"dns": ["getaddrinfo"]},
        "musl-stripped": {"dns": [S % "/etc/resolv.conf", S % "/etc/hosts"]},
        "musl-dyn": {"dns": ["getaddrinfo"]},
    },
    "pw": {
        "dyn": {"nss": ["getpwnam", "getgrnam"], "user-db": ["getpwnam", "getgrnam"]},
        "static": {"nss": ["getpwnam", "getgrnam"], "user-db": ["getpwnam", "getgrnam"]},
        # the embedded names come with all of glibc's NSS: which database cannot be told
        "stripped": {"nss": [S % "/etc/nsswitch.conf"]},
        "musl-static": {"user-db": ["getpwnam", "getgrnam"]},
        "musl-stripped": {"user-db": [S % "/etc/passwd", S % "/etc/group"]},
        "musl-dyn": {"user-db": ["getpwnam", "getgrnam"]},
    },
    "gr": {
        "dyn": {"nss": ["getgrnam"], "user-db": ["getgrnam"]},
        "static": {"nss": ["getgrnam"], "user-db": ["getgrnam"]},
        "stripped": {"nss": [S % "/etc/nsswitch.conf"]},
        "musl-static": {"user-db": ["getgrnam"]},
        "musl-stripped": {"user-db": [S % "/etc/group"]},
        "musl-dyn": {"user-db": ["getgrnam"]},
    },
    "iconv": {
        "dyn": {"gconv": ["iconv_open"]},
        "static": {"gconv": ["iconv_open"]},
        "stripped": {},          # gconv paths are in every static glibc program: no evidence
        "musl-static": {}, "musl-stripped": {}, "musl-dyn": {},   # musl's iconv is built in
    },
    "locale": {
        "dyn": {"locale": ["setlocale"]},
        "static": {},            # setlocale is in every static glibc program
        "stripped": {},
        "musl-static": {}, "musl-stripped": {}, "musl-dyn": {},
    },
    "dlopen": {
        "dyn": {"dlopen": ["dlopen"]},
        "static": {},            # dlopen is in every static glibc program
        "stripped": {},
        "musl-static": {"dlopen": ["dlopen"]},
        "musl-stripped": {},     # musl embeds no string for it
        "musl-dyn": {"dlopen": ["dlopen"]},
    },
    "tz": {
        "dyn": {"zoneinfo": ["localtime"]},
        "static": {"zoneinfo": ["localtime"]},
        "stripped": {"zoneinfo": [S % "/usr/share/zoneinfo"]},
        "musl-static": {"zoneinfo": ["localtime"]},
        "musl-stripped": {"zoneinfo": [S % "/usr/share/zoneinfo"]},
        "musl-dyn": {"zoneinfo": ["localtime"]},
    },
    "ssl": {
        "dyn": {"ca-roots": ["SSL_CTX_new", "SSL_CTX_set_default_verify_paths", "libssl.so.3"]},
        # static OpenSSL also links its resolver and time code: a superset
        "static": None,
        "stripped": None,
    },
    "gnutls": {
        "dyn": {"ca-roots": ["gnutls_certificate_set_x509_system_trust"]},
    },
}


def triplet():
    p = common.run(["gcc", "-dumpmachine"])
    return p.stdout.strip() if p.returncode == 0 else None


def build_one(workdir, prog, way):
    """Build prog one way; returns (path or None, reason when skipped)."""
    src, libs = SOURCES[prog]
    c = os.path.join(workdir, prog + ".c")
    out = os.path.join(workdir, "%s.%s" % (prog, way))
    musl = way.startswith("musl")
    cc = "musl-gcc" if musl else "gcc"
    if not shutil.which(cc):
        return None, cc + " not installed"
    if "stripped" in way and not shutil.which("strip"):
        return None, "strip not installed"
    static = way in ("static", "stripped", "musl-static", "musl-stripped")
    cmd = [cc, "-O1", "-o", out, c] + (["-static"] if static else []) + ([] if musl else libs)
    p = common.run(cmd, timeout=120)
    if p.returncode != 0:
        return None, "%s failed: %s" % (" ".join(cmd), (p.stderr.strip().splitlines() or ["?"])[-1][:160])
    if "stripped" in way:
        p = common.run(["strip", out], timeout=60)
        if p.returncode != 0:
            return None, "strip failed"
    return out, None


def readelf_undefined_versions(path):
    """{version name: set of undefined symbol names} from readelf --dyn-syms -W."""
    out = {}
    text = common.readelf_text(["--dyn-syms", "-W"], path)
    for line in text.splitlines():
        f = line.split()
        if len(f) < 8 or not f[0].endswith(":") or f[6] != "UND":
            continue
        m = re.match(r"^([^@]+)@+([^ ]+)$", f[7])
        if m:
            out.setdefault(m.group(2), set()).add(m.group(1))
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_needs.py SHIPREADY WORKDIR")
    exe, workdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if not shutil.which("gcc"):
        print("SKIP: gcc not installed")
        return 77
    os.makedirs(workdir, exist_ok=True)
    for prog, (src, _) in SOURCES.items():
        with open(os.path.join(workdir, prog + ".c"), "w") as f:
            f.write(src)
    c = common.Checker("test_needs")

    jobs = [(prog, way) for prog, ways in EXPECT.items() for way in ways]
    built, skipped = {}, []
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 4) as pool:
        for (prog, way), (path, why) in zip(jobs, pool.map(lambda j: build_one(workdir, *j), jobs)):
            if path:
                built[(prog, way)] = path
            elif prog in ("ssl", "gnutls") or way.startswith("musl") or "stripped" in way:
                skipped.append("%s.%s: %s" % (prog, way, why))
            else:
                c.fail("%s.%s: could not build: %s" % (prog, way, why))
    for s in skipped:
        print("skipped", s)
    if not built:
        return c.report()

    order = sorted(built)
    p, doc = common.inspect_json(exe, [built[k] for k in order], timeout=120)
    c.eq("inspect exit status", p.returncode, 0)
    if doc is None:
        c.fail("inspect --json printed no JSON: %s" % p.stderr[:300])
        return c.report()
    for e in common.schema_errors(common.schema_validator(), doc):
        c.fail("inspect schema: %s" % e)
    results = dict(zip(order, doc["results"]))
    arch = triplet()

    for (prog, way), res in sorted(results.items()):
        name = "%s.%s" % (prog, way)
        needs = {n["kind"]: n for n in res.get("needs", [])}
        c.eq(name + ": one entry per kind", len(needs), len(res.get("needs", [])))
        want = EXPECT[prog][way]
        if want is None:
            c.true(name + ": CA roots among the needs", "ca-roots" in needs, sorted(needs))
            want = {"ca-roots": []}
        else:
            c.eq(name + ": need kinds", sorted(needs), sorted(want))
        for kind, evidence in want.items():
            n = needs.get(kind)
            if not n:
                continue
            for ev in evidence:
                c.true("%s: %s evidence has %s" % (name, kind, ev), ev in n["evidence"], repr(n["evidence"]))
            c.eq("%s: %s has no message (C)" % (name, kind), n["message"], None)
            if kind != "dlopen":
                c.true("%s: %s names paths" % (name, kind), len(n["paths"]) > 0)
        musl = way.startswith("musl")
        lib = res["libc"]["flavour"]
        c.eq(name + ": libc", lib, ("unknown" if way == "musl-stripped" else "musl") if musl else "glibc")
        if musl:
            c.true(name + ": no NSS need with musl", "nss" not in needs)
            c.true(name + ": no gconv need with musl", "gconv" not in needs)
        # paths and notes that carry the facts
        if "user-db" in needs:
            db = needs["user-db"]
            c.eq(name + ": user-db paths", db["paths"], ["/etc/group"] if prog == "gr" else ["/etc/passwd"])
            c.eq(name + ": user-db optional", db["optional"], False)
            if musl and way != "musl-stripped":
                c.true(name + ": user-db note says musl reads the files", "musl reads" in (db["note"] or ""))
        if "nss" in needs:
            n = needs["nss"]
            c.eq(name + ": nss paths", n["paths"], ["/etc/nsswitch.conf"])
            static = way in ("static", "stripped")
            c.true(name + ": nss note for the linkage",
                   ("static glibc" in (n["note"] or "")) == static, n["note"])
        if "dns" in needs:
            c.eq(name + ": dns paths", needs["dns"]["paths"], ["/etc/resolv.conf", "/etc/hosts"])
            c.eq(name + ": dns optional", needs["dns"]["optional"], True)
        if "zoneinfo" in needs:
            z = needs["zoneinfo"]
            c.eq(name + ": zoneinfo optional (UTC without it)", z["optional"], True)
            c.true(name + ": zoneinfo path", "/usr/share/zoneinfo" in z["paths"], repr(z["paths"]))
            c.true(name + ": zoneinfo note says when it is read", "TZ names a zone" in (z["note"] or ""))
        if "gconv" in needs and arch:
            c.eq(name + ": gconv directory of the architecture", needs["gconv"]["paths"][0],
                 "/usr/lib/%s/gconv" % arch)
        if "ca-roots" in needs:
            c.true(name + ": CA bundle path", "/etc/ssl/certs/ca-certificates.crt" in needs["ca-roots"]["paths"])
        if "dlopen" in needs:
            c.eq(name + ": dlopen has no paths", needs["dlopen"]["paths"], [])
        if "stripped" in way:
            for n in needs.values():
                c.true(name + ": %s says it comes from strings" % n["kind"],
                       "stripped static" in (n["note"] or ""), n["note"])

    # the long text: a needs row when there are needs, none otherwise
    for key, want_row in ((("gai", "dyn"), "libc NSS"), (("pw", "dyn"), "user database"), (("none", "dyn"), None)):
        if key not in built:
            continue
        p = common.run([exe, "inspect", built[key]])
        rows = [l for l in p.stdout.splitlines() if l.startswith("  needs ")]
        if want_row:
            c.true("%s.%s: text has a needs row with %s" % (key + (want_row,)),
                   bool(rows) and want_row in p.stdout, p.stdout)
        else:
            c.eq("%s.%s: text has no needs row" % key, rows, [])

    # max_versions[].symbol: an undefined symbol readelf shows with that version
    system = [p for p in ("/bin/ls", "/bin/cp", "/bin/bash", "/usr/bin/find", "/usr/bin/tar", "/usr/bin/ssh",
                          "/usr/bin/python3", "/usr/bin/curl", "/usr/bin/perl") if os.path.exists(p)]
    files = system + [built[k] for k in order if k[1] in ("dyn", "musl-dyn")]
    p, doc = common.inspect_json(exe, files, timeout=120)
    if doc is None:
        c.fail("inspect --json on system binaries printed no JSON: %s" % p.stderr[:300])
        return c.report()
    checked = 0
    for path, res in zip(files, doc["results"]):
        if "error" in res:
            continue
        und = readelf_undefined_versions(os.path.realpath(path))
        for mv in res.get("max_versions", []):
            syms = und.get(mv["name"], set())
            if syms:
                checked += 1
                c.true("%s: %s symbol %r is one readelf shows" % (path, mv["name"], mv["symbol"]),
                       mv["symbol"] in syms, "readelf: %s" % sorted(syms)[:8])
            else:
                c.eq("%s: %s symbol (readelf shows none)" % (path, mv["name"]), mv["symbol"], None)
        if path == "/bin/ls" or path.endswith(".dyn"):
            glibc = [m for m in res.get("max_versions", []) if m["family"] == "GLIBC"]
            if glibc and "GLIBC_2.34" in und:
                c.eq(path + ": GLIBC_2.34 is __libc_start_main's", glibc[0]["symbol"], "__libc_start_main")
    c.true("max_versions symbols checked against readelf", checked >= 5, "only %d" % checked)
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
