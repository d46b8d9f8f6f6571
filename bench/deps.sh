#!/bin/sh
# Benchmark: dependency trees for every dynamic executable in /usr/bin:
# `shipready deps --json` (batched, with version checks) versus `libtree`
# (batched: it takes many files) versus an `ldd` loop (one ldd per file), all
# in the same run over the same file list.
#
#   sh bench/deps.sh SHIPREADY_PATH
#
# Environment:
#   BENCH_DIR=/usr/bin   where to collect files (ELF magic, PT_INTERP, no symlinks)
#   BENCH_REPS=5         repetitions for shipready and libtree, taking turns; the best wall time counts
#   BENCH_BATCH=200      files per shipready / libtree invocation (xargs -n)
#
# libtree is Debian's package `libtree`; when it is missing this script
# installs it with apt-get (as root) and says so, or skips it.  Prints the file
# count, the best wall time of each tool and the ratios (> 1: shipready is
# faster).  Targets: no slower than libtree, >= 25x faster than the ldd loop.
# Not a test: nothing fails on a slow result.
set -u

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 SHIPREADY_PATH" >&2
    exit 2
fi
case "$1" in /*) sr=$1 ;; *) sr=$(pwd)/$1 ;; esac
dir=${BENCH_DIR:-/usr/bin}
reps=${BENCH_REPS:-5}
batch=${BENCH_BATCH:-200}

if ! command -v libtree >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "libtree is missing: installing Debian's libtree with apt-get"
        apt-get install -y libtree >/dev/null 2>&1 ||
            { apt-get update >/dev/null 2>&1 && apt-get install -y libtree >/dev/null 2>&1; }
    fi
fi
have_libtree=0
command -v libtree >/dev/null 2>&1 && have_libtree=1
[ $have_libtree = 1 ] || echo "libtree is not available: skipped"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
list="$tmp/files"
# dynamic executables: regular files (no symlinks) with ELF magic and a PT_INTERP
python3 - "$dir" > "$list" <<'PY'
import os, struct, sys
d = sys.argv[1]
for n in sorted(os.listdir(d)):
    p = os.path.join(d, n)
    if os.path.islink(p) or not os.path.isfile(p):
        continue
    try:
        with open(p, "rb") as f:
            h = f.read(64)
            if len(h) < 64 or h[:4] != b"\x7fELF" or h[4] != 2 or h[5] != 1:
                continue
            phoff, = struct.unpack_from("<Q", h, 32)
            phentsize, phnum = struct.unpack_from("<HH", h, 54)
            f.seek(phoff)
            ph = f.read(phentsize * phnum)
    except OSError:
        continue
    if any(struct.unpack_from("<I", ph, i * phentsize)[0] == 3 for i in range(len(ph) // max(phentsize, 1))):
        print(p)
PY
n=$(wc -l < "$list")
echo "files: $n dynamic executables in $dir (batches of $batch)"

# GNU date: a timestamp costs ~1 ms.  (A python3 start-up per timestamp,
# ~0.1 s, was inside every measured interval and pulled every ratio toward 1.)
now() { date +%s.%N; }
# keep NAME T: remember T (seconds) when it is NAME's best so far
keep() {
    eval "cur=\${best_$1:-}"
    best=$(python3 -c "t=$2; b='$cur'; print('%.4f' % (t if not b or t < float(b) else float(b)))")
    eval "best_$1=$best"
}
timed() {  # timed NAME CMD...: run CMD once, output to $tmp/NAME.out, keep its wall time
    name=$1; shift
    t0=$(now)
    "$@" > "$tmp/$name.out" 2> "$tmp/$name.err"
    t1=$(now)
    keep "$name" "$t1-$t0"
}
best() {  # best NAME CMD...: run CMD reps times, print the best wall time in seconds
    name=$1; shift
    i=0
    while [ $i -lt "$reps" ]; do
        timed "$name" "$@"
        i=$((i + 1))
    done
    eval "echo \$best_$name"
}
run_shipready() { xargs -d '\n' -n "$batch" "$sr" deps --json < "$list"; return 0; }
run_shipready_tree() { xargs -d '\n' -n "$batch" "$sr" deps --no-color < "$list"; return 0; }
run_libtree() { xargs -d '\n' -n "$batch" libtree < "$list"; return 0; }
run_ldd() { while IFS= read -r f; do ldd "$f"; done < "$list"; return 0; }

# The tools take turns within each repetition, so that a change in the
# machine's load during the run weighs on all of them alike.
i=0
while [ $i -lt "$reps" ]; do
    timed shipready run_shipready
    timed shipready_tree run_shipready_tree
    [ $have_libtree = 1 ] && timed libtree run_libtree
    i=$((i + 1))
done
t_sr=$best_shipready
t_tree=$best_shipready_tree
t_lt=${best_libtree:-}
objs=$(python3 - "$tmp/shipready.out" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
dec = json.JSONDecoder()
i = files = objs = missing = issues = 0
while i < len(text):
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    doc, i = dec.raw_decode(text, i)
    for r in doc["results"]:
        files += 1
        if "objects" in r:
            objs += len(r["objects"]) - 1
            missing += len(r["missing"])
            issues += sum(1 for x in r["version_issues"] if x["fatal"])
print("%d results, %d objects, %d missing, %d fatal version issues" % (files, objs, missing, issues))
PY
)
echo "shipready deps --json: best of $reps: ${t_sr}s ($objs)"
echo "shipready deps (tree):  best of $reps: ${t_tree}s ($(grep -c . "$tmp/shipready_tree.out") lines)"
[ $have_libtree = 1 ] &&
    echo "libtree:               best of $reps: ${t_lt}s ($(grep -c . "$tmp/libtree.out") lines)"
reps_save=$reps
reps=1
t_ldd=$(best ldd run_ldd)
reps=$reps_save
echo "ldd loop:              1 run: ${t_ldd}s ($(grep -c '=>' "$tmp/ldd.out") '=>' lines)"

python3 - "$t_sr" "${t_lt:-}" "$t_ldd" "$t_tree" <<'PY'
import sys
sr, lt, ldd, tree = float(sys.argv[1]), sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
if lt:
    lt = float(lt)
    print("ratio libtree/shipready (tree, like for like): %.2fx (target >= 1: %s)"
          % (lt / tree, "met" if lt >= tree else "NOT met"))
    print("ratio libtree/shipready (--json): %.2fx" % (lt / sr))
print("ratio ldd-loop/shipready: %.1fx (target >= 25: %s)" % (ldd / sr, "met" if ldd / sr >= 25 else "NOT met"))
PY
