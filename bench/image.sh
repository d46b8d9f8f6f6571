#!/bin/sh
# Benchmark: `shipready image` of a ~100 MB static program versus `tar czf`
# of the same bundle (what the image's layer holds), in one run.
#
#   sh bench/image.sh SHIPREADY_PATH
#
# Environment:
#   BENCH_MB=100      size of the program's initialised data (MiB)
#   BENCH_REPS=5      timed runs of each; the median counts
#   BENCH_DIR         work directory (default: a temporary one, removed after)
#
# The program is built here: a static C program with BENCH_MB of data
# (.incbin of a generated file: half random bytes, half repetitive text, so
# gzip has work of both kinds).  `shipready bundle -o DIR` lays out the same
# files the image's layer holds; `tar czf` of DIR is the reference: the same
# bytes tarred and gzipped (level 6 both), without the digests, JSON and
# archive shipready adds.  Prints the medians and the ratio image / tar czf
# (target <= 1.2).  Not a test: nothing fails on a slow result.
set -u

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 SHIPREADY_PATH" >&2
    exit 2
fi
case "$1" in /*) sr=$1 ;; *) sr=$(pwd)/$1 ;; esac
mb=${BENCH_MB:-100}
reps=${BENCH_REPS:-5}
if [ -n "${BENCH_DIR:-}" ]; then
    work=$BENCH_DIR
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/sr-bench-image.XXXXXX")
    trap 'rm -rf "$work"' EXIT INT TERM
fi

# ---- the program
python3 - "$work/data.bin" "$mb" <<'PY'
import os, sys
path, mb = sys.argv[1], int(sys.argv[2])
text = b"".join(b"line %d: the quick brown fox jumps over the lazy dog\n" % i for i in range(2000))
with open(path, "wb") as f:
    for i in range(mb * 16):            # 64 KiB chunks
        f.write(os.urandom(65536) if i % 2 == 0 else (text * 2)[:65536])
PY
cat > "$work/big.c" <<'C'
#include <stdio.h>
extern const unsigned char blob[], blob_end[];
__asm__(".section .rodata\n.global blob\n.global blob_end\nblob:\n.incbin \"data.bin\"\nblob_end:\n.previous\n");
int main(void) { printf("%lu bytes of data\n", (unsigned long)(blob_end - blob)); return 0; }
C
(cd "$work" && gcc -O1 -static -o big big.c) || { echo "$0: building the program failed" >&2; exit 1; }
size=$(stat -c %s "$work/big")
"$sr" bundle "$work/big" -o "$work/bundle" >/dev/null || { echo "$0: shipready bundle failed" >&2; exit 1; }

now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: > "$work/t-image"
: > "$work/t-tar"
i=0
while [ "$i" -lt "$reps" ]; do
    # alternate, so both see the same page cache and machine load
    t0=$(now)
    SOURCE_DATE_EPOCH=0 "$sr" image "$work/big" -o "$work/app.tar" --force >/dev/null || exit 1
    t1=$(now)
    tar czf "$work/bundle.tgz" -C "$work/bundle" . || exit 1
    t2=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >> "$work/t-image"
    awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }' >> "$work/t-tar"
    i=$((i + 1))
done
ti=$(median < "$work/t-image")
tt=$(median < "$work/t-tar")
printf 'program: %s bytes (static, %s MiB of data); %s runs each, medians:\n' "$size" "$mb" "$reps"
printf '  shipready image   %.3f s  (%s bytes)\n' "$ti" "$(stat -c %s "$work/app.tar")"
printf '  tar czf           %.3f s  (%s bytes)\n' "$tt" "$(stat -c %s "$work/bundle.tgz")"
printf 'ratio image / tar czf: %.2f (target <= 1.2)\n' "$(awk -v a="$ti" -v b="$tt" 'BEGIN { print a / b }')"
