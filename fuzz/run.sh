#!/bin/sh
# Run the libFuzzer targets of shipready.
#
#   fuzz/run.sh short [BUILD_DIR] [LIBFUZZER_ARGS...]   ~30 s per target, one after another
#   fuzz/run.sh long  [BUILD_DIR] [LIBFUZZER_ARGS...]   all targets in parallel, until Ctrl-C
#                                                       (or until e.g. -runs=N / -max_total_time=N)
#   fuzz/run.sh merge [BUILD_DIR]                       minimise the scratch finds into
#                                                       fuzz/corpus/<name>/ (review, then commit)
#
# fuzz/<name>.dict, if present, is passed as -dict=.
# BUILD_DIR defaults to build-fuzz (set up with CC=clang -Dfuzz=true if missing,
# rebuilt with ninja each time).  Environment:
#   FUZZ_TARGETS="elf pe"   only these targets (default: every fuzz-* binary)
#   FUZZ_SECONDS=30         per-target time for `short`
#
# Seeds come from fuzz/corpus/<name>/ (read only).  New inputs go to
# BUILD_DIR/fuzz-work/<name>/corpus/, crashes/leaks/timeouts to
# BUILD_DIR/fuzz-work/<name>/artifacts/, logs to BUILD_DIR/fuzz-work/<name>/log.
set -u

mode=${1:-}
case "$mode" in
short|long|merge) shift ;;
*) echo "usage: $0 short|long|merge [BUILD_DIR] [LIBFUZZER_ARGS...]" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=build-fuzz
case "${1:-}" in
''|-*) ;;
*) build=$1; shift ;;
esac
case "$build" in /*) ;; *) build="$root/$build" ;; esac

if [ ! -f "$build/build.ninja" ]; then
    CC=${CC:-clang} meson setup "$build" "$root" -Dfuzz=true -Db_lundef=false || exit 1
fi
ninja -C "$build" || exit 1

targets=${FUZZ_TARGETS:-}
if [ -z "$targets" ]; then
    for b in "$build"/fuzz/fuzz-*; do
        [ -f "$b" ] && [ -x "$b" ] || continue
        targets="$targets ${b##*/fuzz-}"
    done
fi
if [ -z "$targets" ]; then
    echo "$0: no fuzz-* binaries in $build/fuzz (was it set up with -Dfuzz=true?)" >&2
    exit 1
fi

common="-rss_limit_mb=256 -timeout=2 -print_final_stats=1"

prepare() {  # $1 = target name; sets bin work seeds
    bin="$build/fuzz/fuzz-$1"
    work="$build/fuzz-work/$1"
    seeds="$here/corpus/$1"
    dict=
    [ -f "$here/$1.dict" ] && dict="-dict=$here/$1.dict"
    mkdir -p "$work/corpus" "$work/artifacts" "$seeds"
    if [ ! -x "$bin" ]; then
        echo "$0: $bin missing" >&2
        return 1
    fi
}

summary() {  # $1 = name, $2 = status
    log="$build/fuzz-work/$1/log"
    runs=$(grep -E 'stat::number_of_executed_units' "$log" 2>/dev/null | tail -n 1 | awk '{print $2}')
    secs=$(grep -E 'Done [0-9]+ runs in' "$log" 2>/dev/null | tail -n 1 | sed 's/.* in \([0-9]*\) second.*/\1/')
    cov=$(grep -E '^#[0-9]+' "$log" 2>/dev/null | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*ft: \([0-9]*\).*corp: \([0-9/]*[a-zA-Z]*\).*/cov \1 ft \2 corp \3/p')
    arts=$(ls "$build/fuzz-work/$1/artifacts" 2>/dev/null | wc -l)
    printf '%-10s status %s  execs %s  seconds %s  %s  artifacts %s\n' \
        "$1" "$2" "${runs:-?}" "${secs:-?}" "$cov" "$arts"
}

fail=0
case "$mode" in
merge)
    for t in $targets; do
        prepare "$t" || { fail=1; continue; }
        "$bin" -merge=1 $common "$seeds" "$work/corpus" "$@" || fail=1
    done
    ;;
short)
    secs=${FUZZ_SECONDS:-30}
    for t in $targets; do
        prepare "$t" || { fail=1; continue; }
        echo "== fuzz-$t: ${secs}s (log: $work/log)"
        "$bin" $common $dict -max_total_time="$secs" -artifact_prefix="$work/artifacts/" \
            "$work/corpus" "$seeds" "$@" >"$work/log" 2>&1
        st=$?
        [ $st -eq 0 ] || { fail=1; tail -n 60 "$work/log"; }
        summary "$t" "$st"
    done
    ;;
long)
    pids=""
    for t in $targets; do
        prepare "$t" || { fail=1; continue; }
        echo "== fuzz-$t: until stopped (log: $work/log)"
        "$bin" $common $dict -artifact_prefix="$work/artifacts/" \
            "$work/corpus" "$seeds" "$@" >"$work/log" 2>&1 &
        pids="$pids $!:$t"
    done
    trap 'for p in $pids; do kill -INT "${p%%:*}" 2>/dev/null; done' INT TERM
    for p in $pids; do
        wait "${p%%:*}"
        st=$?
        # Interrupted twice by the trap's wait: wait again for the real status.
        kill -0 "${p%%:*}" 2>/dev/null && { wait "${p%%:*}"; st=$?; }
        [ $st -eq 0 ] || [ $st -eq 130 ] || [ $st -eq 72 ] || fail=1
        summary "${p#*:}" "$st"
    done
    ;;
esac
[ $fail -eq 0 ] || echo "$0: a target failed: see the artifacts and logs above" >&2
exit $fail
