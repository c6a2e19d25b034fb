# FlushLab: `make serve` and `make test` install whatever is missing first (idempotent, quick when present).
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: help tools browser serve build test bench fuzz clean

help:
	@echo "make serve  - install what is missing, build, serve on http://127.0.0.1:8080"
	@echo "make test   - install what is missing, run every check, print one summary line"
	@echo "make build  - release build (wasm-opt) into dist/, works under any sub-path"
	@echo "make bench  - engine benchmarks, then the live app: drag benchmark, drag matrix (viewports x CPU), Lighthouse (builds dist/ first)"
	@echo "make fuzz   - fuzz the engine, analyses and CLI parser with cargo fuzz (nightly; FUZZ_SECONDS, default 600)"

tools:
	@scripts/install-tools.sh

browser:
	@scripts/install-browser.sh

serve: tools
	trunk serve --release --offline

build: tools
	trunk build --release --offline --public-url ./

test: tools browser
	@scripts/test.sh

bench: tools browser build
	cargo bench -p flushlab-engine --bench engine -- --warm-up-time 1 --measurement-time 3
	cargo test --release -p flushlab --target wasm32-unknown-unknown --test wasm_bench -- --include-ignored --nocapture
	node e2e/bench-drag.mjs
	node e2e/bench-matrix.mjs
	BENCH_REGIMES='@engine/presets/bench/drag-target.json,?system=two-venues-one-asset,?system=btc-2025-10-10-venues' BENCH_SUMMARY=markets node e2e/bench-matrix.mjs
	BENCH_REGIMES='btc-2025-10-10+okx,btc-2025-10-10+hyperliquid' BENCH_VIEWPORTS=1400x900,2560x1440 BENCH_SUMMARY=venues node e2e/bench-matrix.mjs
	node e2e/bench-worker-cpu.mjs
	node e2e/bench-lighthouse.mjs
	LH_QUERY='?embed=1' LH_NAME=lighthouse-embed node e2e/bench-lighthouse.mjs
	LH_QUERY='?preset=btc-2021-05-19' LH_PRESETS=mobile LH_NAME=lighthouse-preset node e2e/bench-lighthouse.mjs

fuzz:
	@scripts/fuzz.sh

clean:
	cargo clean
	rm -rf dist
