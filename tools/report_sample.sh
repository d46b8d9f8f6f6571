#!/bin/sh
# Regenerate docs/report-sample.png, the README's picture of `shipready report`:
# a report on a few test fixtures (make test builds them), rendered by headless
# Chromium at 1280x1600.
#
#   sh tools/report_sample.sh [SHIPREADY] [FIXTURE_DIR]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
sr=$(cd "$(dirname "${1:-$here/build/src/shipready}")" && pwd)/$(basename "${1:-shipready}")
fx=${2:-$here/build/tests/cli/fixtures}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$fx"
SOURCE_DATE_EPOCH=1700000000 "$sr" report -o "$work/sample.html" --target debian-12,alpine-3.20,centos-7 \
    --policy portable-glibc-2.17 go-cgo c-static go-amd64 pe/go-hello-amd64.exe || [ $? -eq 1 ]
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$work/profile" \
    --window-size=1280,1600 --screenshot="$here/docs/report-sample.png" "file://$work/sample.html" 2>/dev/null
echo "wrote docs/report-sample.png"
