#!/usr/bin/env bash
# The Spark local-mode test of issue 20: on gen --small data, the report of
# deploy/spark/qingdan_spark.py (3 shards as 3 Spark tasks, merged on the driver) must be the single
# run's, byte for byte, in html, jsonl and xlsx, with the standard and without.
# Usage: deploy/spark/test_spark.sh PYTHON QINGDAN   (PYTHON: an interpreter with pyspark; Java 17+)
set -euo pipefail
py=${1:?python with pyspark}
q=${2:?qingdan binary}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export QINGDAN_TODAY=2026-12-04
"$q" -q gen --small --seed 11 -o "$tmp/data"
fail=0
for std in yes no; do
  extra=()
  [ $std = yes ] && extra=(--standard "$tmp/data/standard")
  for f in html jsonl xlsx; do
    set +e
    "$q" -q check "$tmp/data/region" "${extra[@]}" -o "$tmp/single.$f"; a=$?
    "$py" "$here/qingdan_spark.py" --qingdan "$q" --shards 3 -o "$tmp/spark.$f" --merge-arg=-q \
      -- "$tmp/data/region" "${extra[@]}" 2>"$tmp/spark.err"; b=$?
    set -e
    if [ $a != $b ] || ! cmp -s "$tmp/single.$f" "$tmp/spark.$f"; then
      echo "FAIL: standard=$std $f: single exit $a, spark exit $b, or the reports differ"
      tail -20 "$tmp/spark.err"
      fail=1
    else
      echo "ok: standard=$std $f: spark (3 shards) = single run ($(wc -c < "$tmp/single.$f") bytes, exit $a)"
    fi
  done
done
exit $fail
