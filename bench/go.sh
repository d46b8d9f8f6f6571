#!/bin/sh
# Benchmark: `shipready go-version -m` versus `go version -m` over the same
# Go binaries (every Go executable under /usr and /usr/local/bin by default),
# in one run.
#
#   sh bench/go.sh SHIPREADY_PATH
#
# Environment:
#   BENCH_DIRS="/usr /usr/local/bin"   where to look for Go binaries (those that exist)
#   BENCH_REPS=10                      timed repetitions per tool; the best wall time counts
#   BENCH_GO=/usr/bin/go               the go command (Debian's golang-go)
#
# Two measurements, both tools given the same arguments:
#   files: the Go binaries named one by one (the list `go version` finds);
#   walk:  the directories themselves (each tool walks them: most files are not Go).
# Prints the counts, the best wall time of each tool and the ratios
# go/shipready (> 1 means shipready is faster; target >= 2), and notes when the
# two outputs differ (tests/cli/test_go_oracle.py is the test of that).
# Not a test: nothing fails on a slow result.
set -u

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 SHIPREADY_PATH" >&2
    exit 2
fi
case "$1" in /*) sr=$1 ;; *) sr=$(pwd)/$1 ;; esac
reps=${BENCH_REPS:-10}
go=${BENCH_GO:-/usr/bin/go}
[ -x "$go" ] || { echo "$0: $go not found (Debian: golang-go)" >&2; exit 2; }
dirs=""
for d in ${BENCH_DIRS:-/usr /usr/local/bin}; do
    [ -d "$d" ] && dirs="$dirs $d"
done
[ -n "$dirs" ] || { echo "$0: none of ${BENCH_DIRS:-/usr /usr/local/bin} exists" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
list="$tmp/files"
# The Go binaries: the paths of `go version DIRS` (PATH: goVERSION), each once.
# shellcheck disable=SC2086
"$go" version $dirs 2>/dev/null | sed -n 's/: go[^:]*$//p' | LC_ALL=C sort -u >"$list"
n=$(wc -l <"$list" | tr -d ' ')
if [ "$n" -eq 0 ]; then
    echo "$0: no Go binaries in$dirs" >&2
    exit 1
fi
bytes=$(xargs -d '\n' stat -L -c %s <"$list" | awk '{ s += $1 } END { print s }')

now() { date +%s%N; }
# timed NAME CMD...: one run, stdout to $tmp/NAME.out; prints nanoseconds
timed() {
    name=$1
    shift
    t0=$(now)
    "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    echo $? >"$tmp/$name.status"
    t1=$(now)
    echo $((t1 - t0))
}
files_go() { xargs -d '\n' "$go" version -m <"$list"; }
files_sr() { xargs -d '\n' "$sr" go-version -m <"$list"; }
# shellcheck disable=SC2086
walk_go() { "$go" version -m $dirs; }
# shellcheck disable=SC2086
walk_sr() { "$sr" go-version -m $dirs; }

# best CASE: alternate the tools reps times after one untimed warm-up each
best() {
    case_=$1
    timed "${case_}_go" "${case_}_go" >/dev/null
    timed "${case_}_sr" "${case_}_sr" >/dev/null
    bg=
    bs=
    i=0
    while [ $i -lt "$reps" ]; do
        t=$(timed "${case_}_sr" "${case_}_sr")
        [ -z "$bs" ] || [ "$t" -lt "$bs" ] && bs=$t
        t=$(timed "${case_}_go" "${case_}_go")
        [ -z "$bg" ] || [ "$t" -lt "$bg" ] && bg=$t
        i=$((i + 1))
    done
    echo "$bg $bs"
}

ms() { awk -v ns="$1" 'BEGIN { printf "%.1f ms", ns / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { r = a / b; printf "%.2f (go / shipready; target >= 2: %s)", r, (r >= 2 ? "met" : "NOT met") }'; }
same() {  # same CASE: do the two stdouts agree?
    if cmp -s "$tmp/$1_go.out" "$tmp/$1_sr.out"; then
        echo "outputs identical"
    else
        echo "OUTPUTS DIFFER ($(diff "$tmp/$1_go.out" "$tmp/$1_sr.out" | grep -c '^[<>]') lines; shipready exit $(cat "$tmp/$1_sr.status"): $(head -n 1 "$tmp/$1_sr.err"))"
    fi
}

set -- $(best files)
echo "files:      $n Go binaries from$dirs ($(awk -v b="$bytes" 'BEGIN { printf "%.0f MiB", b / 1048576 }'), best of $reps)"
echo "  go:         $(ms "$1")  ($go version -m FILES...)"
echo "  shipready:  $(ms "$2")  ($sr go-version -m FILES...)"
echo "  ratio:      $(ratio "$1" "$2"); $(same files)"
set -- $(best walk)
walked=$(grep -c '^[^	]' "$tmp/walk_go.out")
echo "walk:       $dirs ($walked Go binaries found, best of $reps)"
echo "  go:         $(ms "$1")  ($go version -m DIRS)"
echo "  shipready:  $(ms "$2")  ($sr go-version -m DIRS)"
echo "  ratio:      $(ratio "$1" "$2"); $(same walk)"
