#!/bin/sh
# Run every registered test of a Meson build directory and print one summary.
#
#   sh tools/run-tests.sh BUILD_DIR [extra `meson test` arguments...]
#
# Runs `meson test -C BUILD_DIR --print-errorlogs` (timeouts multiplied by
# $SHIPREADY_TIMEOUT_MULTIPLIER, default 2), then prints, as the last line,
#   tests: N passed, N failed[, N skipped]
# counted from BUILD_DIR/meson-logs/testlog.json.  Exits non-zero if any test
# failed (FAIL, TIMEOUT, ERROR, UNEXPECTEDPASS) or meson itself failed.
set -u

if [ $# -lt 1 ]; then
    echo "usage: sh tools/run-tests.sh BUILD_DIR [meson test args...]" >&2
    exit 2
fi
build=$1
shift
if [ ! -f "$build/build.ninja" ]; then
    echo "run-tests: $build is not a configured Meson build directory" >&2
    echo "tests: 0 passed, 0 failed"
    exit 1
fi

log="$build/meson-logs/testlog.json"
rm -f "$log"
meson test -C "$build" --print-errorlogs \
    --timeout-multiplier "${SHIPREADY_TIMEOUT_MULTIPLIER:-2}" "$@"
meson_rc=$?

if [ ! -f "$log" ]; then
    echo "run-tests: meson test exited $meson_rc and wrote no $log" >&2
    echo "tests: 0 passed, 0 failed"
    exit 1
fi

python3 - "$log" "$meson_rc" <<'EOF'
import json
import sys

log, meson_rc = sys.argv[1], int(sys.argv[2])
passed = failed = skipped = 0
failed_names = []
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
            failed_names.append("%s (%s)" % (t.get("name", "?"), r))
for n in failed_names:
    print("run-tests: failed: " + n)
if meson_rc != 0 and failed == 0:
    print("run-tests: meson test exited %d" % meson_rc)
summary = "tests: %d passed, %d failed" % (passed, failed)
if skipped:
    summary += ", %d skipped" % skipped
print(summary)
sys.exit(1 if failed or meson_rc != 0 else 0)
EOF
