#!/usr/bin/env bash
# The province-scale benchmark of issues 7 and 15 (see benches/README.md): builds release,
# generates the province preset and the doubled one, and the realistic province (gen --realistic:
# quoted multi-line bases, CRLF, codeless rows, reworded names, a standard with defects of its
# own) with its doubled one and two quoting variants (no quote mark at all; every cell quoted), if
# absent; and prints for each target the median of $RUNS runs of wall time, CPU time and peak RSS,
# its ratio to the parse floor measured in the same run, and whether the target holds. On the
# realistic province it also runs the two peer scripts (../shared/peers: polars and DuckDB, in a
# venv it makes with `pip install polars duckdb`; skipped with a note when that fails). Last, the
# per-stage profile (QINGDAN_PROFILE=1) of one check and one diff.
#
#   benches/run.sh                 # RUNS=3, data in ./bench-data (gitignored)
#   RUNS=5 QINGDAN_BENCH_DIR=/tmp/b benches/run.sh
#   SHAPES=realistic benches/run.sh    # only the realistic province (or SHAPES=easy)
#   QINGDAN_PEERS=/path/to/peers       # where peer_polars.py and peer_duckdb.py are
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

SHAPES=${SHAPES:-easy,realistic}
PEERS=${QINGDAN_PEERS:-../shared/peers}
mkdir -p "$DATA"
P1="$DATA/province"
P2="$DATA/province-x2"
R1="$DATA/realistic"
R2="$DATA/realistic-x2"
RN="$DATA/realistic-noquote"
RA="$DATA/realistic-allquote"
if [[ $SHAPES == *easy* ]]; then
    [ -f "$P1/region/items.csv" ] || "$BIN" -q gen --province --seed 1 -o "$P1"
    [ -f "$P2/region/items.csv" ] || "$BIN" -q gen --province --counties 220 --seed 1 -o "$P2"
fi
if [[ $SHAPES == *realistic* ]]; then
    [ -f "$R1/region/items.csv" ] || "$BIN" -q gen --province --realistic --seed 3 -o "$R1"
    [ -f "$R2/region/items.csv" ] || "$BIN" -q gen --province --realistic --counties 220 --seed 3 -o "$R2"
    # The same list with its items.csv written without any quote mark (the commas and line ends
    # of quoted cells replaced by ， and a space) and with every cell quoted; the other tables
    # are the same files.
    for v in "$RN" "$RA"; do
        [ -f "$v/region/items.csv" ] && continue
        mkdir -p "$v/region"
        for f in jurisdictions steps materials elements; do
            [ -f "$R1/region/$f.csv" ] && ln -sf "$(cd "$R1/region" && pwd)/$f.csv" "$v/region/$f.csv"
        done
    done
    [ -f "$RN/region/items.csv" ] && [ -f "$RA/region/items.csv" ] || python3 - "$R1/region/items.csv" "$RN/region/items.csv" "$RA/region/items.csv" <<'PY'
import csv, sys
src, plain, quoted = sys.argv[1:4]
rows = list(csv.reader(open(src, newline="", encoding="utf-8-sig")))
def clean(c):
    return c.replace(",", "，").replace("\r\n", " ").replace("\n", " ").replace('"', "“")
with open(plain, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\r\n")
    for r in rows:
        w.writerow([clean(c) for c in r])
with open(quoted, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    for r in rows:
        w.writerow(r)
PY
fi

# The peers' venv (in the data folder, made once).
VENV="$DATA/peers-venv"
HAVE_PEERS=0
if [[ $SHAPES == *realistic* ]]; then
    if [ ! -f "$PEERS/peer_polars.py" ] || [ ! -f "$PEERS/peer_duckdb.py" ]; then
        echo "note: peers skipped: no peer_polars.py / peer_duckdb.py in $PEERS (set QINGDAN_PEERS)" >&2
    elif "$VENV/bin/python" -c "import polars, duckdb" 2>/dev/null ||
        { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q polars duckdb; }; then
        HAVE_PEERS=1
    else
        echo "note: peers skipped: pip install polars duckdb failed (no registry?)" >&2
    fi
fi

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
        t = sprintf("<= %sx floor", r); if (lim == "info") t = "(for comparison)"; else if (lim != "-") t = t sprintf(", <= %s MB", lim)
        cr = (fc >= 0.05) ? sprintf("%5.1fx", c / fc) : "    -"
        printf "%-34s wall %7.2f s (%5.1fx floor)  cpu %7.2f s (%s)  peak %6.0f MB   target %-26s %s\n",
            l, w, w / fw, c, cr, m / 1024, t, (lim == "info") ? "" : ok }'
}

# ratio LABEL NAME OTHER MAX: NAME's median wall time over OTHER's must be <= MAX.
ratio() {
    local a b ok
    a=$(median "$2" 1); b=$(median "$3" 1)
    ok=$(awk -v a="$a" -v b="$b" -v r="$4" 'BEGIN { print (a / b <= r) ? "yes" : "NO" }')
    [ "$ok" = yes ] || FAILS=$((FAILS + 1))
    awk -v l="$1" -v a="$a" -v b="$b" -v r="$4" -v ok="$ok" 'BEGIN {
        printf "%-34s %7.2f s / %7.2f s = %5.2fx   target <= %sx %s\n", l, a, b, a / b, r, ok }'
}

# scaling LABEL ONE TWO: time and peak memory at twice the jurisdictions, with their exponents.
scaling() {
    local t1 t2 m1 m2
    t1=$(median "$2" 1); t2=$(median "$3" 1)
    m1=$(median "$2" 3); m2=$(median "$3" 3)
    awk -v l="$1" -v t1="$t1" -v t2="$t2" -v m1="$m1" -v m2="$m2" -v e="$4" 'BEGIN {
        et = log(t2 / t1) / log(2); em = log(m2 / m1) / log(2)
        okt = (et <= e) ? "yes" : "NO"; okm = (em <= e) ? "yes" : "NO"
        printf "%-34s time x%.2f (exponent %.2f) %s; memory x%.2f (exponent %.2f) %s   target exponent <= %s\n",
            l, t2 / t1, et, okt, m2 / m1, em, okm, e
        if (okt != "yes" || okm != "yes") exit 1 }' || FAILS=$((FAILS + 1))
}

OUT="$TMP/out"
if [[ $SHAPES == *easy* ]]; then
    floor floor1 "$P1/region"
    floor floor2 "$P2/region"
    floor floordiff "$P1/region" "$P1/region-v2"
    measure check_std "$BIN" -q check "$P1/region" --standard "$P1/standard" --format jsonl -o "$OUT" --fail-on never
    measure check_cons "$BIN" -q check "$P1/region" --format jsonl -o "$OUT" --fail-on never
    measure diff "$BIN" -q diff "$P1/region" "$P1/region-v2" --format json -o "$OUT"
    measure check_std2 "$BIN" -q check "$P2/region" --standard "$P2/standard" --format jsonl -o "$OUT" --fail-on never

    echo
    echo "== gen --province (no quote mark, LF): floors (csv crate ByteRecords, files in parallel, nothing else)"
    for f in floor1:"province" floordiff:"province + v2 (diff floor)" floor2:"province x2"; do
        n=${f%%:*}; l=${f#*:}
        printf "%-34s wall %7.3f s  cpu %7.2f s  peak %6.0f MB\n" "$l" "$(median "$n" 1)" "$(median "$n" 2)" \
            "$(awk -v k="$(median "$n" 3)" 'BEGIN {print k / 1024}')"
    done
    echo
    echo "== gen --province: targets (median of $RUNS)"
    row "check --standard (jsonl)" check_std floor1 3 1024
    row "check consensus (jsonl)" check_cons floor1 4 -
    row "diff OLD NEW (json)" diff floordiff 3 -
    row "check --standard, x2 data" check_std2 floor2 3 -
    echo
    scaling "scaling (x2 jurisdictions)" check_std check_std2 1.07
fi

if [[ $SHAPES == *realistic* ]]; then
    floor rfloor1 "$R1/region"
    floor rfloor2 "$R2/region"
    floor rfloordiff "$R1/region" "$R1/region-v2"
    measure r_check_std "$BIN" -q check "$R1/region" --standard "$R1/standard" --format jsonl -o "$OUT" --fail-on never
    measure r_check_cons "$BIN" -q check "$R1/region" --format jsonl -o "$OUT" --fail-on never
    measure r_diff "$BIN" -q diff "$R1/region" "$R1/region-v2" --format json -o "$OUT"
    measure r_check_std2 "$BIN" -q check "$R2/region" --standard "$R2/standard" --format jsonl -o "$OUT" --fail-on never
    measure r_noquote "$BIN" -q check "$RN/region" --standard "$R1/standard" --format jsonl -o "$OUT" --fail-on never
    measure r_allquote "$BIN" -q check "$RA/region" --standard "$R1/standard" --format jsonl -o "$OUT" --fail-on never
    if [ "$HAVE_PEERS" = 1 ]; then
        measure r_polars "$VENV/bin/python" "$PEERS/peer_polars.py" "$R1/region" "$R1/standard" "$OUT"
        measure r_duckdb "$VENV/bin/python" "$PEERS/peer_duckdb.py" "$R1/region" "$R1/standard" "$OUT"
    fi

    echo
    echo "== gen --province --realistic (quoted multi-line cells, CRLF): floors"
    for f in rfloor1:"realistic province" rfloordiff:"realistic + v2 (diff floor)" rfloor2:"realistic x2"; do
        n=${f%%:*}; l=${f#*:}
        printf "%-34s wall %7.3f s  cpu %7.2f s  peak %6.0f MB\n" "$l" "$(median "$n" 1)" "$(median "$n" 2)" \
            "$(awk -v k="$(median "$n" 3)" 'BEGIN {print k / 1024}')"
    done
    echo
    echo "== gen --province --realistic: targets (median of $RUNS; issue 15)"
    row "check --standard (jsonl)" r_check_std rfloor1 2.5 600
    row "check consensus (jsonl)" r_check_cons rfloor1 3 -
    row "diff OLD NEW (json)" r_diff rfloordiff 2.5 -
    row "check --standard, x2 data" r_check_std2 rfloor2 2.5 1024
    row "check --standard, no quote mark" r_noquote rfloor1 2.5 info
    row "check --standard, every cell quoted" r_allquote rfloor1 2.5 info
    echo
    scaling "scaling (x2 jurisdictions)" r_check_std r_check_std2 1.05
    ratio "quoted as real lists / none" r_check_std r_noquote 1.1
    ratio "every cell quoted / none" r_allquote r_noquote 1.3
    if [ "$HAVE_PEERS" = 1 ]; then
        echo
        echo "== peers on the realistic province (../shared/peers; same runs, same floor)"
        row "polars (peer_polars.py)" r_polars rfloor1 100 info
        row "DuckDB (peer_duckdb.py)" r_duckdb rfloor1 100 info
        fast=r_polars
        awk -v d="$(median r_duckdb 1)" -v p="$(median r_polars 1)" 'BEGIN { exit !(d < p) }' && fast=r_duckdb
        # qingdan at least 3x faster than the faster peer: its time <= 1/3 of the peer's.
        ratio "check --standard / faster peer" r_check_std "$fast" 0.3334
    fi
fi
echo
echo "== per-stage profile (one run each, QINGDAN_PROFILE=1)"
PROF=$P1
[[ $SHAPES == *realistic* ]] && PROF=$R1
QINGDAN_PROFILE=1 "$BIN" -q check "$PROF/region" --standard "$PROF/standard" --format jsonl -o "$OUT" --fail-on never 2>&1 | grep '^profile' || true
QINGDAN_PROFILE=1 "$BIN" -q check "$PROF/region" --format jsonl -o "$OUT" --fail-on never 2>&1 | grep '^profile' || true
QINGDAN_PROFILE=1 "$BIN" -q diff "$PROF/region" "$PROF/region-v2" --format json -o "$OUT" 2>&1 | grep '^profile' || true

echo
if [ "$FAILS" = 0 ]; then echo "all targets hold"; else echo "$FAILS target(s) do not hold"; fi
