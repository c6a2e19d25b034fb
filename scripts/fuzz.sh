#!/usr/bin/env bash
# Fuzzes parse + validate + simulate with cargo fuzz (libFuzzer, nightly toolchain).
# FUZZ_SECONDS sets how long (default 60). Seeds: the presets' scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
rustup toolchain list | grep -q nightly || { echo "error: needs the nightly toolchain (rustup toolchain install nightly)" >&2; exit 1; }
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
corpus=engine/fuzz/corpus/scenario
mkdir -p "$corpus"
for name in $(cargo run -q --release -p flushlab-engine --bin flushlab -- presets | python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)))'); do
  cargo run -q --release -p flushlab-engine --bin flushlab -- preset "$name" > "$corpus/preset-$name.json"
done
cd engine
cargo +nightly fuzz run scenario "fuzz/corpus/scenario" -- -max_total_time="${FUZZ_SECONDS:-60}" -max_len=65536 -rss_limit_mb=4096
