#!/bin/sh
# Run the libFuzzer targets of shipready.  See fuzz/README.md.
#
#   fuzz/run.sh short [BUILD_DIR] [LIBFUZZER_ARGS...]   CI: per target, replay its corpus, then
#                                                       fuzz FUZZ_SECONDS (20) s; one after another
#   fuzz/run.sh long  [BUILD_DIR] [LIBFUZZER_ARGS...]   all targets in parallel, until Ctrl-C
#                                                       (or until e.g. -runs=N / -max_total_time=N)
#   fuzz/run.sh merge [BUILD_DIR]                       pick the scratch finds that add edge
#                                                       coverage to fuzz/corpus/<name>/
#
# Exit status: 0 when every target ran clean; 1 on any crash, leak, timeout,
# out-of-memory or build error (2 on a usage error).  One summary line per
# target:  "fuzz-elf      OK    execs 1234567 in 20 s  (cov 905 ft 3339 corpus 786/2282Kb)"
#
# BUILD_DIR defaults to build-fuzz (set up with CC=clang -Dfuzz=true if
# missing, rebuilt with ninja each time).  Per target:
#   fuzz/<name>.dict       passed as -dict=
#   fuzz/<name>.options    extra libFuzzer flags for fuzzing and merging (e.g. -max_len=)
#   fuzz/corpus/<name>/    seeds and crash-* reproducers (read only; replayed whole)
# Environment:
#   FUZZ_TARGETS="elf pe"  only these targets (default: every fuzz-* binary)
#   FUZZ_SECONDS=20        per-target fuzzing time for `short`
#   FUZZ_WORKERS=1         processes per target for `long` (sharing one corpus dir)
#   FUZZ_MERGE_APPLY=1     `merge` copies the picked inputs into fuzz/corpus/<name>/
#   ASAN_OPTIONS           default malloc_context_size=0 while fuzzing (2x faster;
#                          rerun a crasher by hand for the allocation stacks)
#
# Scratch, all under BUILD_DIR/fuzz-work/<name>/: corpus/ (new inputs),
# artifacts/ (crash-*, leak-*, timeout-*, oom-*), log (log.N with workers),
# merge-new/ (picked by `merge`).
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

# Allocation stacks cost half the speed (every malloc unwinds); crash stacks
# are unaffected.  The binaries' built-in defaults are in fuzz_common.c.
export ASAN_OPTIONS="${ASAN_OPTIONS:-malloc_context_size=0:quarantine_size_mb=16}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

common="-rss_limit_mb=256 -timeout=2 -print_final_stats=1"

prepare() {  # $1 = target name; sets bin work seeds dict opts
    bin="$build/fuzz/fuzz-$1"
    work="$build/fuzz-work/$1"
    seeds="$here/corpus/$1"
    dict=
    [ -f "$here/$1.dict" ] && dict="-dict=$here/$1.dict"
    opts=
    [ -f "$here/$1.options" ] && opts=$(grep -v '^[[:space:]]*#' "$here/$1.options" | tr '\n' ' ')
    mkdir -p "$work/corpus" "$work/artifacts" "$seeds"
    if [ ! -x "$bin" ]; then
        echo "$0: $bin missing" >&2
        return 1
    fi
}

stat_of() {  # $1 = log, $2 = libFuzzer stat name
    grep -E "^stat::$2:" "$1" 2>/dev/null | tail -n 1 | awk '{print $2}'
}

summary() {  # $1 = name, $2 = status, $3... = logs
    name=$1 st=$2
    shift 2
    runs=0 took=0 cov=
    for log in "$@"; do
        r=$(stat_of "$log" number_of_executed_units)
        runs=$((runs + ${r:-0}))
        s=$(grep -E 'Done [0-9]+ runs in' "$log" 2>/dev/null | tail -n 1 | sed 's/.* in \([0-9]*\) second.*/\1/')
        if [ -z "$s" ]; then   # interrupted: no "Done" line
            a=$(stat_of "$log" average_exec_per_sec)
            [ "${a:-0}" -gt 0 ] && s=$(( ${r:-0} / a ))
        fi
        [ -n "$s" ] && [ "$s" -gt "$took" ] && took=$s
        c=$(grep -E '^#[0-9]+' "$log" 2>/dev/null | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*ft: \([0-9]*\).*corp: \([0-9/]*[a-zA-Z]*\).*/cov \1 ft \2 corpus \3/p')
        [ -n "$c" ] && cov=$c
    done
    arts=$(ls "$build/fuzz-work/$name/artifacts" 2>/dev/null | wc -l)
    word=OK
    [ "$st" = ok ] || word=FAIL
    printf 'fuzz-%-8s %-4s  execs %s in %s s  (%s; workers %s; artifacts %s)%s\n' \
        "$name" "$word" "$runs" "$took" "${cov:-no coverage line}" "$#" "$arts" \
        "$([ "$st" = ok ] || echo "  [$st]")"
}

fail=0
case "$mode" in
merge)
    # Seeds first, so only inputs adding edges (-use_counters=0: new edges,
    # not new hit counts) beyond the committed corpus are picked; libFuzzer
    # prefers the smallest input for each feature.
    for t in $targets; do
        prepare "$t" || { fail=1; continue; }
        new="$work/merge-new" all="$work/merge-all"
        rm -rf "$new" "$all"
        mkdir -p "$new" "$all"
        cp "$seeds"/* "$all"/ 2>/dev/null
        "$bin" -merge=1 -use_counters=0 $common $opts "$all" "$work/corpus" "$@" >"$work/merge.log" 2>&1 ||
            { fail=1; tail -n 30 "$work/merge.log"; continue; }
        for f in "$all"/*; do
            [ -e "$seeds/${f##*/}" ] || mv "$f" "$new"/
        done
        n=$(ls "$new" | wc -l)
        bytes=$(cat "$new"/* 2>/dev/null | wc -c)
        echo "fuzz-$t: $n new input(s), $bytes bytes, in $new"
        if [ "${FUZZ_MERGE_APPLY:-0}" = 1 ] && [ "$n" -gt 0 ]; then
            for f in "$new"/*; do
                h=${f##*/}
                cp "$f" "$seeds/fuzz-$(echo "$h" | cut -c1-12)"
            done
            echo "fuzz-$t: copied into $seeds (as fuzz-<sha1 prefix>): review, then commit"
        fi
    done
    ;;
short)
    secs=${FUZZ_SECONDS:-20}
    for t in $targets; do
        prepare "$t" || { fail=1; continue; }
        echo "== fuzz-$t: replay $seeds, then fuzz ${secs}s (log: $work/log)"
        st=ok
        # 1. Every committed input, whole (fuzzing below truncates to -max_len).
        files=$(find "$seeds" -type f | sort)
        if [ -n "$files" ]; then
            # shellcheck disable=SC2086
            "$bin" $common $files >"$work/replay.log" 2>&1 ||
                { st="replay failed"; tail -n 60 "$work/replay.log"; }
        fi
        # 2. Fuzz from the committed corpus plus this build dir's earlier finds.
        if [ "$st" = ok ]; then
            "$bin" $common $dict $opts -max_total_time="$secs" -artifact_prefix="$work/artifacts/" \
                "$work/corpus" "$seeds" "$@" >"$work/log" 2>&1
            rc=$?
            [ $rc -eq 0 ] || { st="exit $rc"; tail -n 60 "$work/log"; }
        fi
        [ "$st" = ok ] || fail=1
        summary "$t" "$st" "$work/log"
    done
    ;;
long)
    workers=${FUZZ_WORKERS:-1}
    pids=""
    for t in $targets; do
        prepare "$t" || { fail=1; continue; }
        i=1
        while [ $i -le "$workers" ]; do
            log="$work/log"
            [ "$workers" -gt 1 ] && log="$work/log.$i"
            echo "== fuzz-$t: until stopped (log: $log)"
            "$bin" $common $dict $opts -artifact_prefix="$work/artifacts/" \
                "$work/corpus" "$seeds" "$@" >"$log" 2>&1 &
            pids="$pids $!:$t:$log"
            i=$((i + 1))
        done
    done
    trap 'for p in $pids; do kill -INT "${p%%:*}" 2>/dev/null; done' INT TERM
    bad=""
    for p in $pids; do
        pid=${p%%:*}
        wait "$pid"
        st=$?
        # Interrupted by the trap's wait: wait again for the real status.
        kill -0 "$pid" 2>/dev/null && { wait "$pid"; st=$?; }
        # 72 = libFuzzer's exit status when interrupted (SIGINT)
        [ $st -eq 0 ] || [ $st -eq 130 ] || [ $st -eq 72 ] || { fail=1; bad="$bad ${p#*:}"; }
    done
    for t in $targets; do
        logs=""
        for p in $pids; do
            r=${p#*:}
            [ "${r%%:*}" = "$t" ] && logs="$logs ${r#*:}"
        done
        st=ok
        case " $bad" in *" $t:"*) st="a worker failed" ;; esac
        [ -n "$logs" ] || st="not run"
        # shellcheck disable=SC2086
        summary "$t" "$st" $logs
    done
    ;;
esac
[ $fail -eq 0 ] || echo "$0: a target failed: see the artifacts and logs above" >&2
exit $fail
