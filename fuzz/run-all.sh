#!/usr/bin/env bash
# Runs every fuzz target for TARGET_SECONDS seconds (default 60), one after the other, and prints
# per target the executions, the corpus size and the crashes found. Exit 1 when any target crashed.
#
#   fuzz/run-all.sh 600            # the 10-minute campaign of issue 8
#   fuzz/run-all.sh 60 limit fee   # only some targets
#
# Stable toolchain: cargo-fuzz needs nightly flags (-Zsanitizer, -Cpasses=sancov), which
# RUSTC_BOOTSTRAP=1 unlocks on stable 1.95. Crashes land in fuzz/artifacts/<target>/crash-*;
# minimise with `cargo fuzz tmin`, keep the minimised input and replay it in
# tests/it/fuzz_regressions.rs (it replays every file of fuzz/artifacts/<target>/).
set -u
cd "$(dirname "$0")"
secs="${1:-60}"
shift || true
export RUSTC_BOOTSTRAP=1
# Extra cargo-fuzz flags, e.g. FUZZ_FLAGS="--sanitizer none" for speed.
flags=${FUZZ_FLAGS:-}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi
mkdir -p logs
cargo fuzz build $flags || exit 2
status=0
printf '%-10s %12s %8s %8s %s\n' target executions corpus crashes note
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  before=$(ls "artifacts/$t" | grep -c '^crash-\|^oom-\|^leak-' || true)
  log="logs/$t.log"
  cargo fuzz run $flags "$t" -- -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
    -max_len=262144 -print_final_stats=1 >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  [ -z "$execs" ] && execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  after=$(ls "artifacts/$t" | grep -c '^crash-\|^oom-\|^leak-' || true)
  crashes=$((after - before))
  note=""
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    status=1
    note="rc=$rc $(grep -m1 -E 'panicked|ERROR: libFuzzer|SUMMARY' "$log" | cut -c1-120)"
  fi
  printf '%-10s %12s %8s %8s %s\n' "$t" "${execs:-?}" "$(ls "corpus/$t" | wc -l)" "$crashes" "$note"
done
exit $status
