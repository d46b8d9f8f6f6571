#!/usr/bin/env python3
"""docs/policy.md, docs/schema/policy.json and data/policies/ agree with the
loader (lib/check/policy, through tests/unit/policy_driver).

    python3 tests/cli/test_policy_docs.py POLICY_DRIVER

- the schema is a valid Draft 2020-12 schema;
- every built-in policy validates against it and loads under its own name;
- every ```json block of docs/policy.md validates and loads;
- every ```json bad block fails to load with exactly the message of the
  ```text block after it, and the schema rejects it too when Python can
  read it as JSON without duplicate keys;
- the key table of docs/policy.md lists exactly the schema's keys, and the
  loader knows each of them.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

DOC = os.path.join(common.REPO, "docs", "policy.md")
SCHEMA = os.path.join(common.REPO, "docs", "schema", "policy.json")
BUILTINS = os.path.join(common.REPO, "data", "policies")


def blocks(text):
    """(info string, body, line) of every fenced block."""
    out = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^```(.*)$", lines[i])
        if m:
            start = i + 1
            j = start
            while j < len(lines) and lines[j] != "```":
                j += 1
            out.append((m.group(1).strip(), "\n".join(lines[start:j]) + "\n", start))
            i = j + 1
        else:
            i += 1
    return out


def load(driver, tmpdir, body):
    path = os.path.join(tmpdir, "p.json")
    with open(path, "w") as f:
        f.write(body)
    p = common.run([driver, "load", path])
    return p.returncode, p.stdout.strip()


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    driver = sys.argv[1]
    import jsonschema
    ck = common.Checker("policy docs")

    def check(cond, what):
        ck.true(what, bool(cond))

    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)

    with tempfile.TemporaryDirectory() as tmp:
        names = sorted(n[:-5] for n in os.listdir(BUILTINS) if n.endswith(".json"))
        check(names == sorted(["portable-glibc-2.17", "static-only", "distroless-static"]),
              "data/policies holds the three built-ins: %s" % names)
        for n in names:
            path = os.path.join(BUILTINS, n + ".json")
            with open(path) as f:
                doc = json.load(f)
            errs = common.schema_errors(v, doc)
            check(not errs, "%s validates: %s" % (n, errs))
            check(doc.get("name") == n, "%s: name %r" % (n, doc.get("name")))
            check(doc.get("sources"), "%s cites its sources" % n)
            p = common.run([driver, "load", n])
            check(p.returncode == 0 and p.stdout.strip() == "ok " + n, "built-in %s: %r" % (n, p.stdout))
            p = common.run([driver, "load", path])
            check(p.returncode == 0 and p.stdout.strip() == "ok " + n, "file %s: %r" % (path, p.stdout))

        with open(DOC) as f:
            text = f.read()
        bs = blocks(text)
        good = bad = 0
        for k, (info, body, line) in enumerate(bs):
            if info == "json":
                good += 1
                rc, out = load(driver, tmp, body)
                check(rc == 0 and out.startswith("ok "), "docs/policy.md:%d loads: %s" % (line, out))
                errs = common.schema_errors(v, json.loads(body))
                check(not errs, "docs/policy.md:%d validates: %s" % (line, errs))
            elif info == "json bad":
                bad += 1
                nxt = bs[k + 1] if k + 1 < len(bs) else None
                check(nxt is not None and nxt[0] == "text", "docs/policy.md:%d: a text block follows" % line)
                if nxt is None:
                    continue
                want = nxt[1].strip()
                rc, out = load(driver, tmp, body)
                check(rc == 1 and out == "error: " + want,
                      "docs/policy.md:%d fails as documented:\n  got  %s\n  want error: %s" % (line, out, want))
                try:
                    doc = json.loads(body, object_pairs_hook=no_duplicates)
                except ValueError:
                    continue
                check(common.schema_errors(v, doc), "docs/policy.md:%d: the schema rejects it too" % line)
        check(good >= 2 and bad >= 5, "docs/policy.md has examples (%d good, %d bad)" % (good, bad))

        # the key table: | `key` | value | rule |
        m = re.search(r"\n\| key \| value \| rule \|\n\|[-|]+\|\n((?:\|.*\n)+)", text)
        check(m is not None, "docs/policy.md has the key table")
        if m:
            doc_keys = re.findall(r"^\| `([^`]+)` \|", m.group(1), re.M)
            check(sorted(doc_keys) == sorted(schema["properties"]),
                  "docs keys == schema keys: %s vs %s" % (sorted(doc_keys), sorted(schema["properties"])))
            src = open(os.path.join(common.REPO, "lib", "check", "policy.c")).read()
            for key in schema["properties"]:
                check('"%s"' % key in src, "lib/check/policy.c knows %s" % key)
                # a wrong type for every key is an error at the value, never "unknown key"
                rc, out = load(driver, tmp, '{"%s": {"z": [1]}}' % key)
                check(rc == 1 and out.startswith("error: 1:") and "unknown key" not in out,
                      "%s: wrong type is a value error: %s" % (key, out))

    return ck.report()


if __name__ == "__main__":
    sys.exit(main())
