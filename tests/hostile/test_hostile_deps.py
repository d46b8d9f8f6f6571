#!/usr/bin/env python3
"""The hostile corpus through `deps` and through `go packages`: the loader
model opens the input and then every library it names, and the Go reader
follows pointers and scans segments, so both are held to the same gate as
`inspect`.

Every case of tests/hostile/make_hostile.py (cuts included) runs as its own
process as `shipready deps --json [--root …] PATH` (or `shipready go
packages --json PATH`, cases without extra arguments) and must: end before
it is killed (a hang or a blow-up) without a signal; exit 0 or 1 (deps) with a schema-valid
document and nothing on stderr, or exit 2 with exactly one line
`shipready: PATH: reason` (and the same reason in the JSON); stay under
64 MiB peak RSS (wait4).  `check` runs every case against database targets
and this machine's root, and a --root case's root as a dir: target.

    test_hostile_deps.py SHIPREADY OUTDIR [deps|go-packages|check]
"""
import concurrent.futures
import json
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
import common  # noqa: E402
import make_hostile  # noqa: E402
import test_hostile as th  # noqa: E402  (spawn: per-process time and RSS)


COMMANDS = {  # name: (argv after the executable, schema, exit statuses of a result)
    "deps": (["deps", "--json"], "deps.json", (0, 1)),
    "go-packages": (["go", "packages", "--json"], "go-packages.json", (0,)),
    # database targets of every kind, and this machine's root as a dir: target
    "check": (["check", "--json", "--target", "debian-11,alpine-3.22,scratch,distroless-static,dir:/"],
              "check.json", (0, 1)),
}


def check(ck, exe, corpus, validator, case, path, command="deps"):
    argv, _, ok_rcs = COMMANDS[command]
    args = [a.replace("{corpus}", corpus) for a in case.get("args", [])]
    if command == "check" and args[:1] == ["--root"]:
        args = ["--target", "dir:" + args[1]]   # the hostile root as a target
    r = th.spawn([exe] + argv + args + [path], corpus, None)
    w = "%s: " % case["name"]
    if not ck.true(w + "ends (not killed, no signal)", not r.killed and r.sig is None,
                   "killed=%s sig=%s" % (r.killed, r.sig)):
        return
    if not th.SANITIZED:
        ck.true(w + "peak RSS < 64 MiB", r.rss < th.RSS_LIMIT_KIB, "%.1f MiB" % (r.rss / 1024))
    if not ck.true(w + "exit %s or 2" % " or ".join(map(str, ok_rcs)), r.rc in ok_rcs + (2,), "exit %r" % r.rc):
        return
    try:
        doc = json.loads(r.out)
    except ValueError:
        ck.fail(w + "stdout is not JSON: %r" % r.out[:200])
        return
    for e in common.schema_errors(validator, doc):
        ck.fail(w + "schema: " + e)
    if command == "check":
        res = (doc.get("errors") or doc.get("binaries") or [{}])[0]
    else:
        res = (doc.get("results") or [{}])[0]
    if r.rc == 2:
        lines = r.err.split("\n")
        rx = re.compile(r"^shipready: %s: [a-z].*[^.]$" % re.escape(path))
        ok = ck.true(w + "one stderr line `shipready: PATH: reason`",
                     len(lines) == 2 and lines[1] == "" and rx.match(lines[0]) is not None, repr(r.err[:300]))
        if ok:
            ck.eq(w + "JSON error == stderr reason", res.get("error"), lines[0][len("shipready: %s: " % path):])
    else:
        ck.eq(w + "stderr empty", r.err, "")
        ck.true(w + "analysed", "error" not in res, res.get("error", ""))


class LockedChecker(common.Checker):
    """common.Checker, safe to call from the worker threads."""

    def __init__(self, name):
        super().__init__(name)
        import threading
        self._lock = threading.Lock()

    def eq(self, *a):
        with self._lock:
            return super().eq(*a)

    def true(self, *a):
        with self._lock:
            return super().true(*a)

    def fail(self, *a):
        with self._lock:
            return super().fail(*a)


def main():
    if len(sys.argv) not in (3, 4) or (len(sys.argv) == 4 and sys.argv[3] not in COMMANDS):
        sys.exit(__doc__)
    exe, outdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    command = sys.argv[3] if len(sys.argv) == 4 else "deps"
    ck = LockedChecker("test_hostile_deps" if command == "deps" else "test_hostile_" + command)
    corpus = os.path.join(outdir, "corpus")
    man = make_hostile.ensure(corpus)
    os.chdir(corpus)
    import jsonschema
    with open(os.path.join(HERE, "..", "..", "docs", "schema", COMMANDS[command][1])) as f:
        validator = jsonschema.Draft202012Validator(json.load(f))
    tmp = tempfile.mkdtemp(prefix="hostile-%s-" % command, dir=outdir)
    tempfile.tempdir = tmp
    cases = [c for c in man["cases"] if not c.get("nobody") and not c.get("stdin")
             and (command in ("deps", "check") or not c.get("args"))]

    def one(case):
        if "cut" in case:
            d = tempfile.mkdtemp(dir=tmp)
            try:
                check(ck, exe, corpus, validator, case, make_hostile.materialize(corpus, case, d), command)
            finally:
                shutil.rmtree(d, ignore_errors=True)
        else:
            check(ck, exe, corpus, validator, case, case["path"], command)

    try:
        with concurrent.futures.ThreadPoolExecutor(max(2, os.cpu_count() or 2)) as ex:
            list(ex.map(one, cases))
    finally:
        th.stop_spawners()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%s over %d hostile cases" % (command, len(cases)))
    return ck.report()


if __name__ == "__main__":
    sys.exit(main())
