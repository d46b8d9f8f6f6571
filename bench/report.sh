#!/bin/sh
# Benchmark: `shipready report` over 500 programs of /usr/bin, and how long
# headless Chromium takes to open the page (load it, lay out and paint its
# first screen: --screenshot at 1280x900), against an empty page as the
# browser's own start-up.  (--dump-dom would also time writing 9 MiB of DOM
# back out, which opening the page does not do.)
#
#   sh bench/report.sh SHIPREADY_PATH
#
# Environment:
#   BENCH_DIR=/usr/bin   where the programs come from (ELF, first 500 by name)
#   BENCH_N=500          how many
#   BENCH_REPS=3         repetitions of the browser load; the best counts
#
# Target (issue 22): the page opens in under a second for 500 binaries (the
# load beyond the browser's start-up).  Not a test: nothing fails on a slow
# result.  Needs chromium.
set -u
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 SHIPREADY_PATH" >&2
    exit 2
fi
case "$1" in /*) sr=$1 ;; *) sr=$(pwd)/$1 ;; esac
command -v chromium >/dev/null 2>&1 || { echo "report bench: no chromium: skipped"; exit 0; }
dir=${BENCH_DIR:-/usr/bin}
n=${BENCH_N:-500}
reps=${BENCH_REPS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find "$dir" -maxdepth 1 -type f -perm -u+x | sort | while read -r f; do
    head -c 4 "$f" 2>/dev/null | grep -q 'ELF' && echo "$f"
done | head -n "$n" > "$work/list"
count=$(wc -l < "$work/list")
t0=$(date +%s.%N)
xargs -d '\n' "$sr" report -o "$work/r.html" --target debian-12,alpine-3.20,centos-7 < "$work/list" >/dev/null 2>&1
t1=$(date +%s.%N)
size=$(stat -c %s "$work/r.html")
printf '<!DOCTYPE html><title>empty</title>' > "$work/empty.html"
best() {
    b=""
    i=0
    while [ $i -lt "$reps" ]; do
        s=$(date +%s.%N)
        chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/p" \
            --window-size=1280,900 --screenshot="$work/shot.png" "file://$1" >/dev/null 2>&1
        e=$(date +%s.%N)
        t=$(awk "BEGIN { print $e - $s }")
        if [ -z "$b" ] || [ "$(awk "BEGIN { print ($t < $b) }")" = 1 ]; then b=$t; fi
        i=$((i + 1))
    done
    echo "$b"
}
te=$(best "$work/empty.html")
tr=$(best "$work/r.html")
echo "report of $count programs of $dir: written in $(awk "BEGIN { print $t1 - $t0 }") s, $((size / 1024)) KiB"
echo "  chromium --screenshot: empty page $te s, the report $tr s"
echo "  the page's own load: $(awk "BEGIN { print $tr - $te }") s (target < 1 s)"
