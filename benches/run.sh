#!/usr/bin/env bash
# The province-scale benchmark of issue 7 (see benches/README.md): builds release, generates the
# province preset and the doubled one (if absent), and prints for each target the median of
# $RUNS runs of wall time, CPU time and peak RSS, its ratio to the parse floor and whether the
# target holds. Also prints the per-stage profile (QINGDAN_PROFILE=1) of one check and one diff.
#
#   benches/run.sh                 # RUNS=3, data in ./bench-data (gitignored)
#   RUNS=5 QINGDAN_BENCH_DIR=/tmp/b benches/run.sh
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
DATA=${QINGDAN_BENCH_DIR:-bench-data}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "== build (release)" >&2
cargo build --release --quiet
cargo bench --bench floor --no-run --quiet 2>/dev/null || cargo bench --bench floor --no-run
BIN=target/release/qingdan
# The floor bench binary: the newest target/release/deps/floor-* executable.
FLOOR=$(ls -t target/release/deps/floor-* 2>/dev/null | grep -v '\.d$' | head -n1)
[ -x "$FLOOR" ] || { echo "floor bench binary not found" >&2; exit 2; }

mkdir -p "$DATA"
P1="$DATA/province"
P2="$DATA/province-x2"
[ -f "$P1/region/items.csv" ] || "$BIN" -q gen --province --seed 1 -o "$P1"
[ -f "$P2/region/items.csv" ] || "$BIN" -q gen --province --counties 220 --seed 1 -o "$P2"

HAVE_TIME=0
[ -x /usr/bin/time ] && HAVE_TIME=1

# measure NAME CMD...: runs CMD $RUNS times; appends "wall cpu rss_kb" per run to $TMP/NAME.
measure() {
    local name=$1
    shift
    : >"$TMP/$name"
    for _ in $(seq "$RUNS"); do
        # Each run writes a new report, as a nightly job writing a dated file does (replacing the
        # previous run's 618 MB diff report costs this ext4 disk, mounted with discard, ~0.1 s
        # more, the file system's time rather than qingdan's).
        rm -f "$OUT"
        if [ "$HAVE_TIME" = 1 ]; then
            /usr/bin/time -o "$TMP/t" -f "%e %U %S %M" "$@" >/dev/null 2>"$TMP/err" ||
                { [ $? -le 1 ] || { cat "$TMP/err" >&2; exit 2; }; }
            awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$TMP/t" >>"$TMP/$name"
        else
            # Fallback: bash `time` for wall/CPU; peak RSS from /proc is not available for a
            # finished child, so it is reported as 0.
            local TIMEFORMAT="%R %U %S"
            { time "$@" >/dev/null 2>"$TMP/err"; } 2>"$TMP/t" || true
            awk '{printf "%s %.2f 0\n", $1, $2 + $3}' "$TMP/t" >>"$TMP/$name"
        fi
    done
}

# median NAME COLUMN (1 wall, 2 cpu, 3 rss kB)
median() {
    sort -g -k"$2","$2" "$TMP/$1" | awk -v c="$2" '{v[NR]=$c} END {print v[int((NR+1)/2)]}'
}

floor() {
    local name=$1
    shift
    : >"$TMP/$name"
    for _ in $(seq "$RUNS"); do
        "$FLOOR" --floor-only "$@" | awk '/^floor/ {print $2, $3, $4}' >>"$TMP/$name"
    done
}

echo "== machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB memory" 
echo "== runs per figure: $RUNS (median)"

floor floor1 "$P1/region"
floor floor2 "$P2/region"
floor floordiff "$P1/region" "$P1/region-v2"

OUT="$TMP/out"
measure check_std "$BIN" -q check "$P1/region" --standard "$P1/standard" --format jsonl -o "$OUT" --fail-on never
measure check_cons "$BIN" -q check "$P1/region" --format jsonl -o "$OUT" --fail-on never
measure diff "$BIN" -q diff "$P1/region" "$P1/region-v2" --format json -o "$OUT"
measure check_std2 "$BIN" -q check "$P2/region" --standard "$P2/standard" --format jsonl -o "$OUT" --fail-on never

FAILS=0
# row LABEL NAME FLOOR_NAME MAX_RATIO MAX_RSS_MB(or -)
row() {
    local w c m fw fc ok
    w=$(median "$2" 1); c=$(median "$2" 2); m=$(median "$2" 3)
    fw=$(median "$3" 1); fc=$(median "$3" 2)
    ok=$(awk -v w="$w" -v fw="$fw" -v r="$4" -v m="$m" -v lim="$5" 'BEGIN {
        ok = (w / fw <= r); if (lim != "-" && m / 1024 > lim) ok = 0; print ok ? "yes" : "NO" }')
    [ "$ok" = yes ] || FAILS=$((FAILS + 1))
    awk -v l="$1" -v w="$w" -v c="$c" -v m="$m" -v fw="$fw" -v fc="$fc" -v r="$4" -v lim="$5" -v ok="$ok" 'BEGIN {
        t = sprintf("<= %sx floor", r); if (lim != "-") t = t sprintf(", <= %s MB", lim)
        cr = (fc >= 0.05) ? sprintf("%5.1fx", c / fc) : "    -"
        printf "%-28s wall %7.2f s (%5.1fx floor)  cpu %7.2f s (%s)  peak %6.0f MB   target %-26s %s\n",
            l, w, w / fw, c, cr, m / 1024, t, ok }'
}

echo
echo "== floors (csv crate ByteRecords, files in parallel, nothing else)"
for f in floor1:"province" floordiff:"province + v2 (diff floor)" floor2:"province x2"; do
    n=${f%%:*}; l=${f#*:}
    printf "%-28s wall %7.3f s  cpu %7.2f s  peak %6.0f MB\n" "$l" "$(median "$n" 1)" "$(median "$n" 2)" \
        "$(awk -v k="$(median "$n" 3)" 'BEGIN {print k / 1024}')"
done
echo
echo "== targets (median of $RUNS)"
row "check --standard (jsonl)" check_std floor1 3 1024
row "check consensus (jsonl)" check_cons floor1 4 -
row "diff OLD NEW (json)" diff floordiff 3 -
row "check --standard, x2 data" check_std2 floor2 3 -

t1=$(median check_std 1); t2=$(median check_std2 1)
m1=$(median check_std 3); m2=$(median check_std2 3)
echo
awk -v t1="$t1" -v t2="$t2" -v m1="$m1" -v m2="$m2" 'BEGIN {
    et = log(t2 / t1) / log(2); em = log(m2 / m1) / log(2)
    okt = (t2 / t1 <= 2.1) ? "yes" : "NO"; okm = (m2 / m1 <= 2.1) ? "yes" : "NO"
    printf "scaling (x2 jurisdictions): time x%.2f (exponent %.2f) %s; memory x%.2f (exponent %.2f) %s   target <= 2.1x (exponent <= 1.07)\n",
        t2 / t1, et, okt, m2 / m1, em, okm
    if (okt != "yes" || okm != "yes") exit 1 }' || FAILS=$((FAILS + 1))

echo
echo "== per-stage profile (one run each, QINGDAN_PROFILE=1)"
QINGDAN_PROFILE=1 "$BIN" -q check "$P1/region" --standard "$P1/standard" --format jsonl -o "$OUT" --fail-on never 2>&1 | grep '^profile' || true
QINGDAN_PROFILE=1 "$BIN" -q check "$P1/region" --format jsonl -o "$OUT" --fail-on never 2>&1 | grep '^profile' || true
QINGDAN_PROFILE=1 "$BIN" -q diff "$P1/region" "$P1/region-v2" --format json -o "$OUT" 2>&1 | grep '^profile' || true

echo
if [ "$FAILS" = 0 ]; then echo "all targets hold"; else echo "$FAILS target(s) do not hold"; fi
