#!/usr/bin/env bash
# Run every fuzz target for a number of executions (default 10 million), one after another.
#   bash crates/fuzz/run.sh              all targets, 10M runs each
#   bash crates/fuzz/run.sh 1000000 zip  one target, 1M runs
# Needs cargo-fuzz (`cargo install cargo-fuzz`). RUSTC_BOOTSTRAP lets stable rustc take the
# -Z flags cargo-fuzz passes; `-s none` because the targets are safe Rust (no sanitizer needed
# to see a panic). A crash stops the run and leaves its input in crates/fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-10000000}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(parse_any decode_chunks zip code_lookup kb_search config analysis etl)
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
for t in "${targets[@]}"; do
  mkdir -p "crates/fuzz/corpus/$t"
  echo "== $t: $runs runs"
  seeds=(crates/fuzz/corpus-seed)
  # The etl target starts from the real traces beside the repository, when they are there.
  [ "$t" = etl ] && [ -d ../shared/reallogs/etl ] && seeds+=(../shared/reallogs/etl)
  RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir crates/fuzz -s none "$t" "crates/fuzz/corpus/$t" "${seeds[@]}" -- \
    -runs="$runs" -max_len=65536 -rss_limit_mb=4096 -print_final_stats=1 2>&1 | grep -E '^(Done|stat::number_of_executed_units|==|.*(panicked|ERROR|crash))' || true
done
