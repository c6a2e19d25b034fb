#!/usr/bin/env bash
# Every check FlushLab has, in order; ends with one summary line "checks: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

passed=0
failed=0
failures=()

check() {
  local name=$1
  shift
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

check "format" cargo fmt --all --check
check "clippy: engine (native)" cargo clippy -p flushlab-engine --all-targets --locked -- -D warnings
check "clippy: app (wasm32)" cargo clippy -p flushlab --target wasm32-unknown-unknown --all-targets --locked -- -D warnings
check "engine tests (native)" cargo test -p flushlab-engine --locked
# 60 s of cargo fuzz over the seven targets (docs/reliability.md); `make fuzz` runs longer. Installs
# cargo-fuzz once (about 2 min) and builds the targets once (about 5 min on 2 cores); warm, ~75 s.
check "fuzz (60 s, nightly)" env FUZZ_SECONDS=60 scripts/fuzz.sh
check "app unit tests (native)" cargo test -p flushlab --lib --locked
check "first view in index.html (native)" cargo test -p flushlab --test first_view --locked
# The runner gives a test 20 s by default; a loaded 2-core machine took longer once (a test that
# passes alone in seconds): 120 s, so only a hang fails it.
check "app tests (wasm, headless Chromium)" env WASM_BINDGEN_TEST_TIMEOUT=120 cargo test -p flushlab --target wasm32-unknown-unknown --locked
check "release build (dist/)" trunk build --release --offline --public-url ./
check "end-to-end (Playwright, release build)" node --test --test-reporter=spec e2e/

echo
if [ "$failed" -gt 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
