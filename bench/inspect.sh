#!/bin/sh
# Benchmark: `shipready inspect --json` versus `readelf -d -V -W` over the same
# ELF files (every ELF regular file in /usr/bin by default).
#
#   sh bench/inspect.sh SHIPREADY_PATH
#
# Environment:
#   BENCH_DIR=/usr/bin   where to collect ELF files (magic check, no symlinks)
#   BENCH_REPS=5         timed repetitions per tool; the best wall time counts
#   BENCH_BATCH=1000     files per invocation (xargs -n), identical for both tools
#
# Prints the file count, the best wall time of each tool, the ratio
# readelf/shipready (> 1 means shipready is faster) and, when /usr/bin/time
# exists (Debian package `time`), the peak RSS of each tool's largest batch.
# Not a test: nothing fails on a slow result.
set -u

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 SHIPREADY_PATH" >&2
    exit 2
fi
case "$1" in /*) sr=$1 ;; *) sr=$(pwd)/$1 ;; esac
dir=${BENCH_DIR:-/usr/bin}
reps=${BENCH_REPS:-5}
batch=${BENCH_BATCH:-1000}
command -v readelf >/dev/null 2>&1 || { echo "$0: readelf not found (binutils)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
list="$tmp/files"

# Collect ELF files: regular, readable, not symlinks, starting with \177ELF.
for f in "$dir"/*; do
    [ -f "$f" ] && [ ! -L "$f" ] && [ -r "$f" ] || continue
    case "$f" in *"
"*) continue ;; esac   # (no newlines in names: the list is one path per line)
    m=$(head -c 4 "$f" 2>/dev/null | od -An -tx1 | tr -d ' \n')
    [ "$m" = 7f454c46 ] && printf '%s\n' "$f"
done >"$list"
n=$(wc -l <"$list" | tr -d ' ')
if [ "$n" -eq 0 ]; then
    echo "$0: no ELF files in $dir" >&2
    exit 1
fi

now() { date +%s%N; }

# run NAME CMD...: one pass over the list, in batches; prints nanoseconds.
run() {
    name=$1
    shift
    t0=$(now)
    xargs -d '\n' -n "$batch" "$@" <"$list" >/dev/null 2>>"$tmp/$name.err"
    echo $? >"$tmp/$name.status"
    t1=$(now)
    echo $((t1 - t0))
}

best_sr=
best_re=
# One untimed warm-up each (page cache), then alternate the tools.
run shipready "$sr" inspect --json >/dev/null
run readelf readelf -d -V -W >/dev/null
i=0
while [ $i -lt "$reps" ]; do
    t=$(run shipready "$sr" inspect --json)
    [ -z "$best_sr" ] || [ "$t" -lt "$best_sr" ] && best_sr=$t
    t=$(run readelf readelf -d -V -W)
    [ -z "$best_re" ] || [ "$t" -lt "$best_re" ] && best_re=$t
    i=$((i + 1))
done

ms() { awk -v ns="$1" 'BEGIN { printf "%.1f ms", ns / 1e6 }'; }
echo "files:            $n ELF files from $dir (batches of $batch, best of $reps)"
echo "shipready:        $(ms "$best_sr")  ($sr inspect --json)"
echo "readelf:          $(ms "$best_re")  (readelf -d -V -W)"
awk -v a="$best_re" -v b="$best_sr" 'BEGIN { printf "ratio:            %.2f  (readelf / shipready; > 1 means shipready is faster)\n", a / b }'

for tool in shipready readelf; do
    st=$(cat "$tmp/$tool.status")
    if [ "$st" != 0 ]; then
        echo "note: $tool exited non-zero on some batch (xargs status $st); first messages:"
        sort -u "$tmp/$tool.err" | head -n 3 | sed 's/^/  /'
    fi
done

if [ -x /usr/bin/time ]; then
    # Peak RSS: each batch under /usr/bin/time; the largest batch counts.
    xargs -d '\n' -n "$batch" /usr/bin/time -a -o "$tmp/rss.sr" -f %M "$sr" inspect --json \
        <"$list" >/dev/null 2>/dev/null
    xargs -d '\n' -n "$batch" /usr/bin/time -a -o "$tmp/rss.re" -f %M readelf -d -V -W \
        <"$list" >/dev/null 2>/dev/null
    maxkb() { grep -E '^[0-9]+$' "$1" | sort -n | tail -n 1; }
    echo "peak RSS:         shipready $(maxkb "$tmp/rss.sr") KB, readelf $(maxkb "$tmp/rss.re") KB"
else
    echo "peak RSS:         skipped (/usr/bin/time missing: apt-get install time)"
fi
