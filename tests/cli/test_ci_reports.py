"""check and scan --format sarif|junit: the reports CI systems read.

  test_ci_reports.py SHIPREADY FIXTURE_DIR WORK_DIR

The oracle for what they say is `check --json` of the same run: every
finding of severity unknown or worse and every policy violation is one SARIF
result (its rule, level, artifact and target), every binary x target and
binary x policy rule one JUnit test case, failed exactly when the verdict is
fails or the rule is violated.  The formats are checked by real consumers:
- SARIF: the official 2.1.0 schema and Microsoft's SARIF validator
  (`Sarif.Multitool validate`), both from npm @microsoft/sarif-multitool-linux
  (skipped when the registry cannot be reached); GitHub code scanning's own
  requirements (a region with startLine, relative URIs, our partial
  fingerprint) are asserted here; fingerprints are the same in a second run
  and differ between findings;
- JUnit: parsed by junitparser (Debian's python3-junitparser), the library
  CI tools use to merge and read these reports.
Targets are database entries and the debootstrap roots (dir:), inputs real
fixtures and /bin/ls.  scan's reports are held to scan --json the same way:
the programs judged inside a debootstrap root, the musl root and an OCI
layout with a glibc program on nothing (its paths relative to a base that
names the image), and a plain tree with a broken ELF file (an error case); a program whose needed library's name holds XML and
JSON metacharacters and a control byte must come out escaped and parse.
"""
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

LEVEL = {"fail": "error", "warn": "warning", "unknown": "note"}


def run(exe, args, cwd=None, timeout=300):
    return subprocess.run([exe] + args, capture_output=True, text=True, cwd=cwd, timeout=timeout,
                          env=dict(os.environ, NO_COLOR="1"), errors="replace")


def expected_results(doc):
    """(path, target, rule, level, reason) of every finding and violation
    in check --json's document, as a sorted list."""
    out = []
    for b in doc["binaries"]:
        for r in b.get("results", []):
            for f in r["findings"]:
                if f["severity"] in LEVEL:
                    out.append((b["path"], r["target"], f["kind"], LEVEL[f["severity"]], f["reason"]))
        pol = b.get("policy")
        if pol:
            for v in pol["violations"]:
                out.append((b["path"], "policy " + pol["name"], "policy." + v["rule"], "error", v["message"]))
    return sorted(out)


def path_of(loc, cwd):
    art = loc["physicalLocation"]["artifactLocation"]
    from urllib.parse import unquote
    base = {"%SRCROOT%": cwd + "/", "ROOTPATH": "/"}[art["uriBaseId"]]
    return base + unquote(art["uri"])


def sarif_results(doc, cwd):
    run0 = doc["runs"][0]
    rules = run0["tool"]["driver"]["rules"]
    out = []
    for r in run0["results"]:
        p = path_of(r["locations"][0], cwd)
        out.append((p, r["properties"]["target"], r["ruleId"], r["level"], r["message"]["text"]))
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"], r
    return out


def normalise(expected, cwd):
    return [(p if p.startswith("/") else os.path.join(cwd, p), t, k, l, reason) for p, t, k, l, reason in expected]


def compare(c, what, exe, args, cwd, sarif_check):
    """check --json against --format sarif and junit for the same args."""
    pj = run(exe, ["check", "--json"] + args, cwd)
    ps = run(exe, ["check", "--format", "sarif"] + args, cwd)
    pu = run(exe, ["check", "--format", "junit"] + args, cwd)
    c.eq("%s: sarif exits as --json" % what, ps.returncode, pj.returncode)
    c.eq("%s: junit exits as --json" % what, pu.returncode, pj.returncode)
    c.eq("%s: the same errors on stderr" % what, (ps.stderr, pu.stderr), (pj.stderr, pj.stderr))
    doc = json.loads(pj.stdout)
    sarif = json.loads(ps.stdout)
    sarif_check(what, ps.stdout)
    exp = normalise(expected_results(doc), cwd)
    got = sarif_results(sarif, cwd)
    c.eq("%s: a SARIF result per finding and violation" % what, len(got), len(exp))
    # the message holds the reason (and what users would see)
    mine = sorted(got)
    ok = all(gp == ep and gt == et and gk == ek and gl == el and er in gtext
             for (gp, gt, gk, gl, gtext), (ep, et, ek, el, er) in zip(mine, exp))
    c.true("%s: each result's rule, level, artifact, target and reason" % what, ok,
           "\n".join("%s\n  %s" % (g, e) for g, e in zip(mine, exp) if g[:4] != e[:4] or e[4] not in g[4])[:3000])
    prints = [r["partialFingerprints"]["shipready/v1"] for r in sarif["runs"][0]["results"]]
    c.eq("%s: a fingerprint per finding, no two alike" % what, len(set(prints)), len(prints))
    ps2 = run(exe, ["check", "--format", "sarif"] + args, cwd)
    prints2 = [r["partialFingerprints"]["shipready/v1"] for r in json.loads(ps2.stdout)["runs"][0]["results"]]
    c.eq("%s: the same fingerprints in a second run" % what, prints2, prints)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    c.eq("%s: unreadable inputs are notifications" % what,
         sorted(path_of(n["locations"][0], cwd) for n in notes),
         sorted(p if p.startswith("/") else os.path.join(cwd, p) for p in (e["path"] for e in doc["errors"])))
    c.eq("%s: executionSuccessful is false exactly with errors" % what,
         sarif["runs"][0]["invocations"][0]["executionSuccessful"], not doc["errors"])
    junit_compare(c, what, doc, pu.stdout)
    return doc, sarif, pu.stdout


def junit_compare(c, what, doc, xml):
    from junitparser import JUnitXml
    path = os.path.join(WORK, "report.xml")
    with open(path, "w") as f:
        f.write(xml)
    report = JUnitXml.fromfile(path)
    cases = {}
    for suite in report:
        for case in suite:
            kinds = [type(r).__name__ for r in case.result]
            msgs = [r.message for r in case.result]
            cases[(suite.name, case.name)] = (kinds, msgs, case.classname)
    want = {}
    for b in doc["binaries"]:
        for r in b.get("results", []):
            fails = [f for f in r["findings"] if f["severity"] == "fail"]
            want[(r["target"], b["path"])] = (["Failure"] if fails else [], fails[0]["reason"] if fails else None,
                                             "shipready.check")
        pol = b.get("policy")
        if pol:
            name = "policy " + pol["name"]
            for rule in POLICY_RULES[pol["name"]]:
                vs = [v for v in pol["violations"] if v["rule"] == rule]
                want[(name, "%s: %s" % (b["path"], rule))] = (["Failure"] if vs else [],
                                                              vs[0]["message"] if vs else None, "shipready.policy")
    for e in doc["errors"]:
        want[("inputs", e["path"])] = (["Error"], e["error"], "shipready.inputs")
    c.eq("%s: junit test cases: one per binary x target and binary x policy rule" % what,
         sorted(cases), sorted(want))
    bad = []
    for k, (kinds, reason, cls) in want.items():
        got = cases.get(k)
        if not got or got[0] != kinds or got[2] != cls or (reason and not any(reason in (m or "") for m in got[1])):
            bad.append((k, got, (kinds, reason, cls)))
    c.eq("%s: junit failures and errors as the verdicts, with the reasons" % what, bad, [])
    failures = sum(1 for v in want.values() if v[0] == ["Failure"])
    errors = sum(1 for v in want.values() if v[0] == ["Error"])
    root = ET.fromstring(xml.encode())
    c.eq("%s: junit totals" % what, (root.get("tests"), root.get("failures"), root.get("errors")),
         (str(len(want)), str(failures), str(errors)))


def scan_expected(doc):
    """From scan --json: (suite, path, rule, level, reason) per finding of
    a judged program, the failed cases, the passed ones and the errors."""
    results, failed, passed, errors = [], set(), set(), set()
    for sc in doc["scans"]:
        suite = sc["input"] + (" (%s)" % sc["image_platform"] if sc.get("image_platform") else "")
        if "error" in sc:
            errors.add(suite)
        for b in sc["binaries"]:
            if "error" in b:
                errors.add(b["path"])
                continue
            if "verdict" not in b:
                continue
            fails = [f for f in b["findings"] if f["severity"] == "fail"]
            (failed if fails else passed).add((suite, b["path"]))
            for f in b["findings"]:
                if f["severity"] in LEVEL:
                    results.append((suite, b["path"], f["kind"], LEVEL[f["severity"]], f["reason"]))
    return sorted(results), failed, passed, errors


def scans(c, exe, fx, roots, work, sarif_check):
    """scan --format sarif|junit: the programs judged inside roots (a
    debootstrap root, the musl one, an image with a glibc program on
    nothing), a plain tree with a broken ELF file."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import test_image_scan as tis
    tree = os.path.join(work, "tree")
    os.makedirs(tree, exist_ok=True)
    shutil.copy(os.path.join(fx, "c-pie"), tree)
    with open(os.path.join(tree, "broken"), "wb") as f:
        f.write(b"\x7fELF\x02\x01\x01junk")
    prog = open(os.path.join(fx, "c-pie"), "rb").read()
    layout = tis.layout_of(work, "img", [tis.tar_layer([("app", "file", prog, 0o755),
                                                        ("static", "file", open(os.path.join(fx, "c-static"), "rb")
                                                         .read(), 0o755)])])
    args = [tree, "oci:" + layout]
    if roots:
        args += ["dir:" + os.path.join(roots, "bookworm-noca"), "dir:" + os.path.join(roots, "musl")]
    pj = run(exe, ["scan", "--json"] + args, work)
    ps = run(exe, ["scan", "--format", "sarif"] + args, work)
    pu = run(exe, ["scan", "--format", "junit"] + args, work)
    c.eq("scan: sarif and junit exit as --json", (ps.returncode, pu.returncode), (pj.returncode, pj.returncode))
    doc = json.loads(pj.stdout)
    exp, failed, passed, errors = scan_expected(doc)
    sarif_check("scan", ps.stdout)
    sarif = json.loads(ps.stdout)
    run0 = sarif["runs"][0]
    bases = run0["originalUriBaseIds"]
    got = []
    for r in run0["results"]:
        art = r["locations"][0]["physicalLocation"]["artifactLocation"]
        got.append((r["properties"]["target"], "/" + art["uri"] if art["uriBaseId"].startswith("IMAGE") else None,
                    art, r["ruleId"], r["level"], r["message"]["text"]))
    c.eq("scan: a SARIF result per finding of a judged program", len(got), len(exp))
    bad = []
    for (suite, path, kind, level, reason), (t, ipath, art, rule, lvl, text) in zip(exp, sorted(got, key=lambda g: (
            g[0], g[1] or g[2]["uri"], g[3], g[4], g[5]))):
        if (suite, kind, level) != (t, rule, lvl) or reason not in text:
            bad.append(((suite, path, kind, level, reason), (t, rule, lvl, text)))
    c.eq("scan: each result's rule, level, root and reason", bad[:5], [])
    image_suite = "oci:%s (linux/amd64)" % layout
    img = [g for g in got if g[0] == image_suite]
    c.true("scan: the image's glibc program fails there", any(g[1] == "/app" and g[3] == "interpreter" for g in img),
           img)
    c.true("scan: paths in the image are relative to the image's base, which names it",
           all(bases[g[2]["uriBaseId"]]["description"]["text"] == image_suite for g in img) and img, bases)
    if roots:
        noca = "dir:" + os.path.join(roots, "bookworm-noca")
        dirres = [g for g in got if g[0] == noca]
        c.true("scan: a root's programs are located where the root is on this machine",
               dirres and all(g[2]["uriBaseId"] == "ROOTPATH" and
                              ("/" + g[2]["uri"]).startswith(os.path.join(roots, "bookworm-noca") + "/")
                              for g in dirres), dirres[:2])
    notes = run0["invocations"][0]["toolExecutionNotifications"]
    c.eq("scan: unreadable binaries are notifications", len(notes), len(errors))
    from junitparser import JUnitXml
    path = os.path.join(work, "scan.xml")
    with open(path, "w") as f:
        f.write(pu.stdout)
    cases = {}
    for suite in JUnitXml.fromfile(path):
        for case in suite:
            cases[(suite.name, case.name)] = [type(r).__name__ for r in case.result]
    want = {k: ["Failure"] for k in failed}
    want.update({k: [] for k in passed})
    want.update({("inputs", e): ["Error"] for e in errors})
    c.eq("scan: junit, a case per program judged inside a root and per unreadable binary", cases, want)
    c.true("scan: the image's program is a failed case", cases.get((image_suite, "/app")) == ["Failure"], cases)
    # an input that cannot be scanned is no path inside the root scanned before it
    if roots:
        ps = run(exe, ["scan", "--format", "sarif", "dir:" + os.path.join(roots, "musl"), "oci-archive:/nonexistent.tar"],
                 work)
        notes = json.loads(ps.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        c.eq("scan: an unreadable input is located as given, not inside the root before it",
             [n["locations"][0]["physicalLocation"]["artifactLocation"] for n in notes],
             [{"uri": "oci-archive%3A/nonexistent.tar", "uriBaseId": "%SRCROOT%"}])
    p = run(exe, ["scan", "--format", "sarif", "--json", tree], work)
    c.eq("scan: --format with --json is a usage error", p.returncode, 2)


# the rules on binaries each built-in policy sets: the keys of its file
POLICY_RULES = {}
NOT_RULES = {"$schema", "name", "description", "sources", "fail_on_warnings", "allowed_header_packages",
             "allowed_include_dirs", "allowed_static_archives"}
WORK = None


def main():
    global WORK
    exe, fixdir, work = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    WORK = work
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    c = common.Checker("cli-ci-reports")
    fx = common.fixtures(fixdir)
    pkg = common.npm_package("@microsoft/sarif-multitool-linux", os.path.join(work, "..", "npm"))
    validator = tool = None
    if pkg:
        import jsonschema
        with open(os.path.join(pkg, "sarif-2.1.0.json")) as f:
            schema = json.load(f)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validator = cls(schema)
        tool = os.path.join(pkg, "Sarif.Multitool")
        os.chmod(tool, 0o755)
    else:
        print("note: the npm registry cannot be reached: the SARIF schema and validator checks are skipped")

    def sarif_check(what, text):
        doc = json.loads(text)
        results = doc["runs"][0]["results"]
        c.true("%s: every result has a region with startLine >= 1 (code scanning)" % what,
               all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in results))
        c.true("%s: no URI starts with '/'" % what,
               all(not r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("/")
                   for r in results))
        if not validator:
            return
        errs = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        c.eq("%s: valid against the SARIF 2.1.0 schema" % what, [e.message for e in errs[:5]], [])
        path = os.path.join(work, "check.sarif")
        with open(path, "w") as f:
            f.write(text)
        out = os.path.join(work, "validation.sarif")
        p = subprocess.run([tool, "validate", path, "-o", out, "--log", "ForceOverwrite"], capture_output=True,
                           text=True, timeout=300, env=dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1"))
        c.eq("%s: Sarif.Multitool validate exits 0" % what, p.returncode, 0)
        with open(out) as f:
            found = json.load(f)["runs"][0].get("results", [])
        # SARIF2005 asks for tool.driver.informationUri: shipready has no
        # home page to point to, and a made-up one would be worse
        serious = ["%s %s %s" % (r["ruleId"], r.get("level", "warning"), r["message"].get("arguments"))
                   for r in found if r["ruleId"] != "SARIF2005"]
        c.eq("%s: Sarif.Multitool finds no error or warning" % what, serious, [])

    roots = common.reality_roots(fixdir)
    targets = "debian-11,alpine-3.19,centos-7"
    files = [os.path.join(fx, n) for n in ("c-static", "c-verneed", "c-pie", "go-cgo", "musl-dynamic")] + \
        ["/bin/ls", "missing-file"]
    # a Go program with run-time needs (CA roots, zoneinfo): warnings where they are missing
    needs, p = common.go_needs_program(work)
    c.true("a Go program with run-time needs is built", needs is not None, p.stderr if p else "no go")
    if needs:
        files.insert(0, needs)
    for name in ("portable-glibc-2.17", "static-only"):
        with open(os.path.join(common.REPO, "data", "policies", name + ".json")) as f:
            POLICY_RULES[name] = [k for k in json.load(f) if k not in NOT_RULES]
    doc, sarif, _ = compare(c, "database targets", exe, ["--target", targets] + files, work, sarif_check)
    levels = {r["level"] for r in sarif["runs"][0]["results"]}
    c.eq("database targets: errors, warnings and notes (unknowns) met", levels, {"error", "warning", "note"})
    compare(c, "policy portable-glibc-2.17", exe, ["--policy", "portable-glibc-2.17"] + files, work, sarif_check)
    compare(c, "policy static-only with targets", exe, ["--policy", "static-only", "--target", "debian-12"] + files,
            work, sarif_check)
    if roots:
        dirs = ",".join("dir:" + os.path.join(roots, r) for r in ("bookworm", "musl", "scratch", "bookworm-noca"))
        doc, sarif, _ = compare(c, "real roots", exe, ["--target", dirs] + files, work, sarif_check)
        levels = {r["level"] for r in sarif["runs"][0]["results"]}
        c.eq("real roots: errors and warnings met", levels, {"error", "warning"})
    # relative paths stay relative to where the run started, escaped
    rel = os.path.join(work, "rel dir")
    os.makedirs(rel, exist_ok=True)
    shutil.copy(os.path.join(fx, "c-verneed"), os.path.join(rel, "a b%c"))
    doc, sarif, _ = compare(c, "relative paths", exe, ["--target", "centos-7", "rel dir/a b%c"], work, sarif_check)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    c.eq("relative paths: the URI is relative and escaped", uris, {"rel%20dir/a%20b%25c"})
    bases = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] for r in sarif["runs"][0]["results"]}
    c.eq("relative paths: against %SRCROOT%", bases, {"%SRCROOT%"})
    # a library name with metacharacters and a control byte
    src = os.path.join(work, "hostile")
    os.makedirs(src, exist_ok=True)
    soname = 'lib<x&"y>\x01]]>.so'
    with open(os.path.join(src, "l.c"), "w") as f:
        f.write("int l(void) { return 1; }\n")
    with open(os.path.join(src, "m.c"), "w") as f:
        f.write("int l(void);\nint main(void) { return l(); }\n")
    p = subprocess.run(["gcc", "-shared", "-fPIC", "-o", os.path.join(src, "libl.so"), os.path.join(src, "l.c"),
                        "-Wl,-soname," + soname], capture_output=True, text=True)
    p2 = subprocess.run(["gcc", "-o", os.path.join(src, "prog"), os.path.join(src, "m.c"),
                         os.path.join(src, "libl.so")], capture_output=True, text=True)
    c.eq("hostile: built", (p.returncode, p2.returncode, p.stderr + p2.stderr), (0, 0, ""))
    doc, sarif, xml = compare(c, "hostile library name", exe, ["--target", "debian-12",
                                                               os.path.join(src, "prog")], work, sarif_check)
    texts = [r["message"]["text"] for r in sarif["runs"][0]["results"]]
    c.true("hostile: SARIF keeps the name as text", any('lib<x&"y>\x01]]>.so' in t for t in texts), texts)
    c.true("hostile: JUnit escapes it", "lib&lt;x&amp;" in xml and "\x01" not in xml and "\\x01" in xml, xml[:2000])
    scans(c, exe, fx, roots, work, sarif_check)
    # usage
    p = run(exe, ["check", "--format", "yaml", "/bin/ls"])
    c.eq("an unknown format: exit 2", p.returncode, 2)
    c.true("an unknown format: says which exist", "sarif" in p.stderr and "junit" in p.stderr, p.stderr)
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
