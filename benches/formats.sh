#!/usr/bin/env bash
# Every output format of check, diff and review on the province (issue 15 point 3): wall time
# and peak RSS (/usr/bin/time) of each format, its ratio to the same command's jsonl (review has
# no jsonl: its json is the reference), as a markdown table on stdout (benches/README.md).
#
#   benches/formats.sh                        # RUNS=3, data in ./bench-data/province-s3
#   BIN=/tmp/old-qingdan RUNS=1 benches/formats.sh
#
# A format whose first run takes over $SLOW seconds (default 20) is run once, not $RUNS times.
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SLOW=${SLOW:-20}
DATA=${QINGDAN_BENCH_DIR:-bench-data}/province-s3
BIN=${BIN:-target/release/qingdan}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

if [ "$BIN" = target/release/qingdan ]; then cargo build --release --quiet; fi
[ -f "$DATA/region/items.csv" ] || "$BIN" -q gen --province --seed 3 -o "$DATA"

# run NAME CMD...: prints "median_wall peak_mb" of the runs of CMD (writing $TMP/out.EXT).
run() {
    local walls=() peaks=() i
    for ((i = 0; i < RUNS; i++)); do
        rm -f "$TMP"/out.*
        /usr/bin/time -o "$TMP/t" -f "%e %M" "$@" >/dev/null 2>"$TMP/err" ||
            { [ $? -le 1 ] || { cat "$TMP/err" >&2; exit 2; }; }
        read -r w m < <(tail -n1 "$TMP/t")
        walls+=("$w")
        peaks+=("$m")
        # A slow format is measured once.
        if awk -v w="$w" -v s="$SLOW" 'BEGIN { exit !(w > s) }'; then break; fi
    done
    local wall peak
    wall=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
    peak=$(printf '%s\n' "${peaks[@]}" | sort -g | tail -n1)
    echo "$wall $((peak / 1024)) ${#walls[@]}"
}

echo "| command | format | seconds | × jsonl | peak MB | runs |"
echo "|---|---|---:|---:|---:|---:|"
for cmd in check diff review; do
    case $cmd in
        check) formats="jsonl text json csv md html xlsx" ;;
        diff) formats="jsonl text json csv md html xlsx" ;;
        review) formats="json text csv md xlsx" ;;
    esac
    ref=
    for f in $formats; do
        case $cmd in
            check) set -- "$BIN" --lang zh check "$DATA/region" --standard "$DATA/standard" ;;
            diff) set -- "$BIN" --lang zh diff "$DATA/region" "$DATA/region-v2" ;;
            review) set -- "$BIN" --lang zh review "$DATA/region" --standard "$DATA/standard" ;;
        esac
        read -r wall peak n < <(run "$@" --format "$f" -o "$TMP/out.$f")
        [ -n "$ref" ] || ref=$wall
        ratio=$(awk -v a="$wall" -v b="$ref" 'BEGIN { printf "%.2f", a / b }')
        echo "| $cmd | $f | $wall | $ratio | $peak | $n |"
    done
done
