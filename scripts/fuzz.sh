#!/usr/bin/env bash
# Fuzzes the engine with cargo fuzz (libFuzzer, nightly toolchain): parse + validate + simulate,
# systems of markets (version 2, each run checked against its reference path), the analyses
# (sweep, grid, cycles, calibrate) and the CLI's argument parser. FUZZ_SECONDS is the
# total time, shared equally by the targets (default 600; `make test` runs 60). Seeds: the presets,
# the hostile corpus (engine/tests/hostile/), the calibration files. Installs cargo-fuzz once.
# A crash stops the run and leaves its input in engine/fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
rustup toolchain list | grep -q '^nightly' || { echo "error: needs the nightly toolchain (rustup toolchain install nightly)" >&2; exit 1; }
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

targets=(scenario system sweep grid cycles calibrate cli_args)
total=${FUZZ_SECONDS:-600}
each=$(( total / ${#targets[@]} ))
[ "$each" -ge 1 ] || each=1

corpus=engine/fuzz/corpus
mkdir -p "${targets[@]/#/$corpus/}"
# Seeds (idempotent: the same names are rewritten).
for file in engine/presets/*.json; do
  python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["scenario"]))' "$file" \
    > "$corpus/scenario/preset-$(basename "$file")"
done
cp engine/tests/hostile/*.json "$corpus/scenario/"
for file in engine/presets/systems/*.json; do
  python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["system"]))' "$file" \
    > "$corpus/system/preset-$(basename "$file")"
done
cp engine/presets/targets/*.json "$corpus/calibrate/"
printf '\000{}' > "$corpus/cycles/default"
printf '\003{"paths": 4, "days": 30, "positions": 50, "daily_vol_pct": 5, "impact_scale": 3}' > "$corpus/cycles/small"
grep -v '^#' engine/tests/hostile/cli-args.txt | sed 's/ => .*//' | nl -ba | while read -r n line; do
  printf '%s' "$line" | tr ' ' '\000' > "$corpus/cli_args/case-$n"
done
for name in sweep grid; do
  head -c 64 /dev/zero > "$corpus/$name/zeros"
done

cd engine
cargo +nightly fuzz build
for target in "${targets[@]}"; do
  printf '\n==> fuzz %s (%s s)\n' "$target" "$each"
  cargo +nightly fuzz run "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$each" -max_len=65536 -rss_limit_mb=4096 -timeout=60 -print_final_stats=1
done
