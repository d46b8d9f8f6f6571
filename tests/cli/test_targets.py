#!/usr/bin/env python3
"""shipready targets: the built-in target database, as text and JSON.

    python3 tests/cli/test_targets.py SHIPREADY

The JSON must validate against docs/schema/targets.json and carry
data/targets.json unchanged; spot values are pinned to the tables of
targets-facts.md (the source the database was seeded from); a value left
null in a distribution entry must be named in its 'unconfirmed' list; a
broken --targets FILE is exit 2 with one line 'shipready: FILE: reason'
giving the line:column.
"""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

SCHEMA = os.path.join(common.REPO, "docs", "schema", "targets.json")
DATA = os.path.join(common.REPO, "data", "targets.json")

# (name, libc family, libc version, GLIBCXX max, CXXABI max, kernel, sonames,
#  x86_64 loader, CA bundle) — targets-facts.md tables 1a and 1b.
GLD = "/lib64/ld-linux-x86-64.so.2"
MLD = "/lib/ld-musl-x86_64.so.1"
DEB_CA = "/etc/ssl/certs/ca-certificates.crt"
RH_CA = "/etc/pki/tls/certs/ca-bundle.crt"
SPOT = [
    ("centos-7", "glibc", "2.17", "3.4.19", "1.3.7", "3.10.0", ["libssl.so.10"], GLD, RH_CA),
    ("rhel-8", "glibc", "2.28", "3.4.25", "1.3.11", "4.18.0", ["libssl.so.1.1"], GLD, RH_CA),
    ("rhel-9", "glibc", "2.34", "3.4.29", "1.3.13", "5.14.0", ["libssl.so.3"], GLD, RH_CA),
    ("rhel-10", "glibc", "2.39", "3.4.33", "1.3.15", "6.12.0", ["libssl.so.3"], GLD, RH_CA),
    ("debian-10", "glibc", "2.28", "3.4.25", "1.3.11", "4.19.0", ["libssl.so.1.1"], GLD, DEB_CA),
    ("debian-11", "glibc", "2.31", "3.4.28", "1.3.12", "5.10", ["libssl.so.1.1"], GLD, DEB_CA),
    ("debian-12", "glibc", "2.36", "3.4.30", "1.3.13", "6.1", ["libssl.so.3"], GLD, DEB_CA),
    ("debian-13", "glibc", "2.41", "3.4.33", "1.3.15", "6.12", ["libssl.so.3"], GLD, DEB_CA),
    ("ubuntu-18.04", "glibc", "2.27", "3.4.25", "1.3.11", "4.15.0", ["libssl.so.1.1"], GLD, DEB_CA),
    ("ubuntu-20.04", "glibc", "2.31", "3.4.28", "1.3.12", "5.4.0", ["libssl.so.1.1"], GLD, DEB_CA),
    ("ubuntu-22.04", "glibc", "2.35", "3.4.30", "1.3.13", "5.15.0", ["libssl.so.3"], GLD, DEB_CA),
    ("ubuntu-24.04", "glibc", "2.39", "3.4.33", "1.3.15", "6.8.0", ["libssl.so.3"], GLD, DEB_CA),
    ("amazonlinux-2", "glibc", "2.26", "3.4.24", "1.3.11", "4.14", ["libssl.so.10"], GLD, None),
    ("amazonlinux-2023", "glibc", "2.34", "3.4.29", "1.3.13", "6.1", ["libssl.so.3"], GLD, None),
    ("alpine-3.18", "musl", "1.2.4", None, None, None, None, MLD, DEB_CA),
    ("alpine-3.20", "musl", "1.2.5", None, None, None, None, MLD, DEB_CA),
    ("alpine-3.22", "musl", "1.2.5", None, None, None, ["libssl.so.3"], MLD, DEB_CA),
]
REQUIRED = ["centos-7", "rhel-8", "rhel-9", "rhel-10", "debian-10", "debian-11", "debian-12",
            "debian-13", "ubuntu-18.04", "ubuntu-20.04", "ubuntu-22.04", "ubuntu-24.04",
            "amazonlinux-2", "amazonlinux-2023", "sles-15", "alpine-3.18", "alpine-3.19",
            "alpine-3.20", "alpine-3.21", "alpine-3.22", "scratch", "distroless-static",
            "distroless-base", "busybox"]


def nulls(t):
    """The fields of t that are null, named as in 'unconfirmed'."""
    out = [k for k in ("glibcxx_max", "cxxabi_max", "kernel", "openssl_sonames", "ca_bundle",
                       "zoneinfo", "eol") if t[k] is None]
    out += ["libc.%s" % k for k in ("family", "version") if t["libc"][k] is None]
    out += ["loader.%s" % a for a, v in t["loader"].items() if v is None]
    out += ["library_dirs.%s" % a for a, v in t["library_dirs"].items() if v is None]
    return out


def listed(t, field):
    return any(u == field or u.startswith(field + " ") for u in t["unconfirmed"])


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test_targets.py SHIPREADY")
    exe = os.path.abspath(sys.argv[1])
    c = common.Checker("test_targets")

    import jsonschema
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    p = common.run([exe, "targets", "--json"])
    c.eq("--json exit status", p.returncode, 0)
    c.eq("--json stderr", p.stderr, "")
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        c.fail("--json printed no JSON: %r" % p.stdout[:300])
        return c.report()
    for e in common.schema_errors(validator, doc):
        c.fail("schema: %s" % e)
    res = doc["results"]
    by = {t["name"]: t for t in res}

    # the compiled-in bytes are data/targets.json, nothing dropped or added
    with open(DATA) as f:
        data = json.load(f)
    want = [dict(t, notes=t.get("notes")) for t in data["targets"]]
    c.eq("--json results == data/targets.json targets", res, want)
    for name in REQUIRED:
        c.true("target %s present" % name, name in by)

    for (name, fam, ver, gxx, cxa, kern, ssl, ld, ca) in SPOT:
        t = by.get(name)
        if not c.true("spot %s present" % name, t is not None):
            continue
        c.eq("%s libc" % name, t["libc"], {"family": fam, "version": ver})
        c.eq("%s glibcxx_max" % name, t["glibcxx_max"], gxx)
        c.eq("%s cxxabi_max" % name, t["cxxabi_max"], cxa)
        c.eq("%s kernel" % name, t["kernel"], kern)
        c.eq("%s openssl_sonames" % name, t["openssl_sonames"], ssl)
        c.eq("%s loader x86_64" % name, t["loader"].get("x86_64"), ld)
        c.eq("%s ca_bundle" % name, t["ca_bundle"], ca)
    c.eq("debian-11 lib dirs (Debian <= 11 also /lib/x86_64-linux-gnu)",
         by["debian-11"]["library_dirs"]["x86_64"], ["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu"])
    c.eq("centos-7 lib dirs", by["centos-7"]["library_dirs"]["x86_64"], ["/usr/lib64"])
    c.eq("alpine-3.21 lib dirs", by["alpine-3.21"]["library_dirs"]["x86_64"], ["/lib", "/usr/lib"])
    c.eq("scratch has no libc", by["scratch"]["libc"]["family"], "none")

    for t in res:
        c.true("%s has sources" % t["name"], len(t["sources"]) > 0)
        if t["kind"] == "distro":
            for field in nulls(t):
                c.true("%s: null %s is listed as unconfirmed" % (t["name"], field),
                       listed(t, field), repr(t["unconfirmed"]))
        for u in t["unconfirmed"]:
            base = u.split(" ")[0]
            c.true("%s: %s is listed as unconfirmed but has a value" % (t["name"], base),
                   base not in ("glibcxx_max", "cxxabi_max", "kernel", "ca_bundle", "zoneinfo") or t[base] is None)

    # text: a header and one aligned row per target
    p = common.run([exe, "targets"])
    c.eq("text exit status", p.returncode, 0)
    lines = p.stdout.splitlines()
    c.eq("text header", lines[0].split() if lines else [],
         ["NAME", "LIBC", "KERNEL", "GLIBCXX", "OPENSSL", "CA", "BUNDLE", "ZONEINFO", "ARCHES"])
    c.eq("text: one row per target", len(lines) - 1, len(res))
    rows = {l.split()[0]: l.split() for l in lines[1:]}
    c.eq("text debian-11 row", rows.get("debian-11"),
         ["debian-11", "glibc", "2.31", "5.10", "3.4.28", "libssl.so.1.1", DEB_CA, "?", "x86_64"])
    # the alpine image has no tzdata (RI alpine/3.2x.md, aports mkimg.minirootfs.sh)
    c.eq("text alpine-3.20 row", rows.get("alpine-3.20"),
         ["alpine-3.20", "musl", "1.2.5", "?", "?", "?", DEB_CA, "no", "x86_64"])
    for name in ("alpine-3.18", "alpine-3.19", "alpine-3.20", "alpine-3.21", "alpine-3.22"):
        c.eq("%s zoneinfo (the image has no tzdata)" % name, by[name]["zoneinfo"], False)
    c.eq("text scratch row", rows.get("scratch"), ["scratch", "none", "?", "-", "-", "-", "no", "-"])
    col = lines[0].index("KERNEL") if lines else -1
    c.true("text columns aligned", all(len(l) > col and l[col - 2:col] == "  " for l in lines[1:]))

    # --help, and the command in the list of commands
    p = common.run([exe, "targets", "--help"])
    c.eq("--help exit status", p.returncode, 0)
    c.true("--help usage", p.stdout.startswith("usage: shipready targets [--json] [--targets FILE] [NAME...]\n"),
           p.stdout[:200])
    p = common.run([exe, "--help"])
    c.true("targets in shipready --help",
           re.search(r"^  targets +list the target database", p.stdout, re.M) is not None, p.stdout)

    # NAME operands
    p = common.run([exe, "targets", "--json", "centos-7", "alpine-3.22"])
    c.eq("NAME selection", [t["name"] for t in json.loads(p.stdout)["results"]] if p.returncode == 0 else p.stderr,
         ["centos-7", "alpine-3.22"])
    p = common.run([exe, "targets", "debian-99"])
    c.eq("unknown NAME: exit 2", p.returncode, 2)
    c.eq("unknown NAME: message", p.stderr, "shipready: debian-99: no such target (see 'shipready targets')\n")

    # --targets FILE: the same file gives the same answer; broken files exit 2
    p = common.run([exe, "targets", "--json", "--targets", DATA])
    c.eq("--targets data/targets.json == built-in", json.loads(p.stdout)["results"] if p.stdout else None, res)
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("bad-json", '{"format": 1,\n  "targets": [\n    {"name": "x",}\n  ]\n}\n',
             r"3:18: string or '}' expected near '}'"),
            ("truncated", '{"format": 1, "targets": [', r"1:26: ']' expected near end of file"),
            ("wrong-type", json.dumps({"format": 1, "targets": [dict(data["targets"][0], kernel=310)]}),
             r"targets\[0\] \(centos-7\): kernel: expected a string or null"),
            ("missing-field", json.dumps({"format": 1, "targets": [
                {k: v for k, v in data["targets"][0].items() if k != "sources"}]}),
             r"targets\[0\] \(centos-7\): sources: missing"),
            ("no-sources", json.dumps({"format": 1, "targets": [dict(data["targets"][0], sources=[])]}),
             r"targets\[0\] \(centos-7\): sources: empty: every entry cites its sources"),
        ]
        for name, text, reason in cases:
            path = os.path.join(tmp, name + ".json")
            with open(path, "w") as f:
                f.write(text)
            for extra in ([], ["--json"]):
                p = common.run([exe, "targets", "--targets", path] + extra)
                what = "--targets %s %s" % (name, " ".join(extra))
                c.eq(what + ": exit status", p.returncode, 2)
                c.eq(what + ": stdout", p.stdout, "")
                c.true(what + ": one line 'shipready: FILE: reason'",
                       re.fullmatch(re.escape("shipready: %s: " % path) + reason + "\n", p.stderr) is not None,
                       repr(p.stderr))
        p = common.run([exe, "targets", "--targets", os.path.join(tmp, "absent.json")])
        c.eq("--targets absent: exit 2", p.returncode, 2)
        c.eq("--targets absent: message", p.stderr, "shipready: %s: no such file (or a dangling symlink)\n" % os.path.join(tmp, "absent.json"))
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
