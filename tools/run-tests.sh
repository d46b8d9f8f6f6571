#!/bin/sh
# Run every registered test of one or more Meson build directories and print
# one summary.
#
#   sh tools/run-tests.sh BUILD_DIR... [-- extra `meson test` arguments...]
#
# For each BUILD_DIR runs `meson test -C BUILD_DIR --print-errorlogs`
# (timeouts multiplied by $SHIPREADY_TIMEOUT_MULTIPLIER, default 2).  A build
# directory configured with sanitizers (b_sanitize) runs with ASan, UBSan and
# LeakSanitizer set to stop at the first report, so any report fails a test.
# Then prints, as the last line,
#   tests: N passed, N failed[, N skipped]
# counted from each BUILD_DIR/meson-logs/testlog.json.  Exits non-zero if any
# test failed (FAIL, TIMEOUT, ERROR, UNEXPECTEDPASS) or meson itself failed.
set -u

builds=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    builds="$builds $1"
    shift
done
[ "${1:-}" = "--" ] && shift
if [ -z "$builds" ]; then
    echo "usage: sh tools/run-tests.sh BUILD_DIR... [-- meson test args...]" >&2
    exit 2
fi

logs=""
rcs=""
for build in $builds; do
    if [ ! -f "$build/build.ninja" ]; then
        echo "run-tests: $build is not a configured Meson build directory" >&2
        echo "tests: 0 passed, 0 failed"
        exit 1
    fi
    log="$build/meson-logs/testlog.json"
    rm -f "$log"
    # the build directory's own b_sanitize option (build.ninja also holds
    # the fuzz replays' sanitized library, so grepping it would mislead)
    sanitize=$(python3 -c 'import json, sys
opts = json.load(open(sys.argv[1]))
print(next((o["value"] for o in opts if o["name"] == "b_sanitize"), "none"))' \
        "$build/meson-info/intro-buildoptions.json" 2>/dev/null || echo none)
    if [ "$sanitize" != "none" ]; then
        echo "run-tests: $build: sanitizers on (ASan, UBSan, LeakSanitizer)"
        ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=1" \
        UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
        meson test -C "$build" --print-errorlogs \
            --timeout-multiplier "${SHIPREADY_TIMEOUT_MULTIPLIER:-2}" "$@"
    else
        meson test -C "$build" --print-errorlogs \
            --timeout-multiplier "${SHIPREADY_TIMEOUT_MULTIPLIER:-2}" "$@"
    fi
    rcs="$rcs $?"
    logs="$logs $log"
done

python3 - "$rcs" $logs <<'PY'
import json
import os
import sys

rcs = [int(x) for x in sys.argv[1].split()]
logs = sys.argv[2:]
passed = failed = skipped = 0
problems = []
for rc, log in zip(rcs, logs):
    build = os.path.dirname(os.path.dirname(log))
    if not os.path.exists(log):
        problems.append("%s: meson test exited %d and wrote no %s" % (build, rc, log))
        continue
    failed_here = 0
    with open(log) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            t = json.loads(line)
            r = t.get("result", "")
            if r in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif r == "SKIP":
                skipped += 1
            else:  # FAIL, TIMEOUT, ERROR, UNEXPECTEDPASS, ...
                failed += 1
                failed_here += 1
                problems.append("%s: failed: %s (%s)" % (build, t.get("name", "?"), r))
    if rc != 0 and failed_here == 0:
        problems.append("%s: meson test exited %d" % (build, rc))
for p in problems:
    print("run-tests: " + p)
summary = "tests: %d passed, %d failed" % (passed, failed)
if skipped:
    summary += ", %d skipped" % skipped
print(summary)
sys.exit(1 if problems else 0)
PY
