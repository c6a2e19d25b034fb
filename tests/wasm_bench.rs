//! The instant solve and the full timeline in wasm32, in headless Chromium: `make bench` runs
//! them (they are ignored by `make test`) and prints the times, for the wasm/native ratios in
//! docs/benchmarks.md.
#![cfg(target_arch = "wasm32")]

use flushlab_engine::positions::PositionTable;
use flushlab_engine::scenario::{Shock, ShockKind};
use flushlab_engine::solve::InstantSolver;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
#[ignore]
fn instant_solve_in_the_browser() {
    let performance = web_sys::window().unwrap().performance().unwrap();
    let scenario = flushlab_engine::presets::default_scenario();
    let table = PositionTable::build(&scenario);
    let mut solver = InstantSolver::new(&table, &scenario.market);
    let mut pct = -1.0;
    let mut solve = |solver: &mut InstantSolver| {
        pct = if pct < -30.0 { -1.0 } else { pct - 0.37 };
        solver.solve(&Shock {
            kind: ShockKind::Instant,
            pct,
            notional_usd: 0.0,
            duration_s: 0.0,
            path: Vec::new(),
        })
    };
    // Warm up long enough for V8 to tier the hot functions up from its baseline compiler
    // (Liftoff) to its optimising one (TurboFan); then take the median of several batches, as
    // criterion reports the median over warm iterations.
    for _ in 0..20_000 {
        solve(&mut solver);
    }
    let runs = 5_000;
    let mut batches: Vec<f64> = (0..11)
        .map(|_| {
            let start = performance.now();
            for _ in 0..runs {
                solve(&mut solver);
            }
            (performance.now() - start) / runs as f64
        })
        .collect();
    batches.sort_by(f64::total_cmp);
    let per_solve_ms = batches[batches.len() / 2];
    console_log!(
        "wasm32 instant solve after a shock, {} positions: {per_solve_ms:.4} ms",
        table.len()
    );
}

/// The full timeline on the default preset (the live app's per-drag engine work), on a prebuilt
/// population: the wasm32 side of the timeline row in docs/benchmarks.md.
#[wasm_bindgen_test]
#[ignore]
fn timeline_default_preset_in_the_browser() {
    let performance = web_sys::window().unwrap().performance().unwrap();
    let scenario = flushlab_engine::presets::default_scenario();
    let table = PositionTable::build(&scenario);
    // Reruns on one table, as a shock drag is.
    table.prepare_reruns();
    // Warm up past V8's baseline compiler, as for the instant solve; then the median of single
    // runs (each is milliseconds, well above the timer's resolution).
    for _ in 0..20 {
        std::hint::black_box(flushlab_engine::solve::timeline::run(&scenario, &table));
    }
    let mut runs: Vec<f64> = (0..31)
        .map(|_| {
            let start = performance.now();
            std::hint::black_box(flushlab_engine::solve::timeline::run(&scenario, &table));
            performance.now() - start
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    console_log!(
        "wasm32 timeline, default preset, {} positions: median {:.3} ms (min {:.3}, max {:.3})",
        table.len(),
        runs[runs.len() / 2],
        runs[0],
        runs[runs.len() - 1]
    );
}

/// A leverage-bar drag as the page runs it: the editor keeps every bucket's amount in USD (weights
/// in millions, open interest their sum) and each input moves bucket 4's, so the table is rescaled
/// (the dragged bucket's groups recomputed) before the timeline runs.
#[wasm_bindgen_test]
#[ignore]
fn timeline_after_a_weight_change_in_the_browser() {
    use flushlab_engine::scenario::Positions;
    let performance = web_sys::window().unwrap().performance().unwrap();
    let scenario = flushlab_engine::presets::default_scenario();
    let mut table = PositionTable::build(&scenario);
    let Positions::Generate(population) = &scenario.positions else {
        panic!("the default preset generates its population");
    };
    let amounts: Vec<f64> = population
        .bucket_open_interest()
        .iter()
        .map(|usd| (usd / 1e6).round() * 1e6)
        .collect();
    let mut varied = population.clone();
    let mut run = |k: usize| {
        let mut dragged = amounts.clone();
        dragged[4] += 5e6 * (k % 7) as f64;
        varied.set_bucket_open_interest(&dragged);
        assert!(table.rescale(&varied));
        std::hint::black_box(flushlab_engine::solve::timeline::run(&scenario, &table));
    };
    (0..20).for_each(&mut run);
    let mut runs: Vec<f64> = (0..31)
        .map(|k| {
            let start = performance.now();
            run(k);
            performance.now() - start
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    console_log!(
        "wasm32 rescale + timeline, default preset: median {:.3} ms (min {:.3}, max {:.3})",
        runs[runs.len() / 2],
        runs[0],
        runs[runs.len() - 1]
    );
}

/// Every system preset run on populations built once (as the Markets tab reruns a system when a
/// link is cut): the wasm32 side of the systems rows in docs/benchmarks.md.
#[wasm_bindgen_test]
#[ignore]
fn systems_in_the_browser() {
    let performance = web_sys::window().unwrap().performance().unwrap();
    let target = (
        "drag-target".to_string(),
        flushlab_engine::presets::drag_target_system(),
    );
    let systems = flushlab_engine::presets::systems()
        .into_iter()
        .map(|preset| (preset.name, preset.system))
        .chain(std::iter::once(target));
    for (name, system) in systems {
        let scenarios = system.market_scenarios();
        let tables: Vec<PositionTable> = scenarios.iter().map(PositionTable::build).collect();
        // Prepared for reruns, as the page's worker keeps them during a drag.
        for table in &tables {
            table.prepare_reruns();
        }
        let accounts = flushlab_engine::system::prepare_accounts(&system);
        for _ in 0..5 {
            std::hint::black_box(flushlab_engine::system::run_system_prepared(
                &system, &scenarios, &tables, &accounts,
            ));
        }
        let runs: Vec<f64> = (0..40)
            .map(|_| {
                let start = performance.now();
                std::hint::black_box(flushlab_engine::system::run_system_prepared(
                    &system, &scenarios, &tables, &accounts,
                ));
                performance.now() - start
            })
            .collect();
        log_runs(&format!("wasm32 system {name}"), runs);
        // As the Markets tab's slider drags it (e2e/bench-drag.mjs: -1% to -10% and back in
        // 0.5% steps), each run with its own markets' scenarios, as the page's worker builds them.
        let (mut shock, mut step) = (-1.0, -0.5);
        let runs: Vec<f64> = (0..80)
            .map(|_| {
                shock += step;
                if shock <= -10.0 || shock >= -1.0 {
                    step = -step;
                }
                let run = system.with_shock_pct(shock);
                let start = performance.now();
                let scenarios = run.market_scenarios();
                std::hint::black_box(flushlab_engine::system::run_system_prepared(
                    &run, &scenarios, &tables, &accounts,
                ));
                performance.now() - start
            })
            .collect();
        log_runs(&format!("wasm32 system {name}, shock dragged"), runs);
    }
}

/// Issue 14's "every regime": every preset's timeline across the whole shock range the slider
/// offers (-30% to +30% in 2% steps, so the fund drains and ADL runs where a preset's crowd lets
/// it), reruns on one table as a shock drag is, three runs a shock after one to warm up: per
/// preset the median and p95 of those runs and the worst shock.
#[wasm_bindgen_test]
#[ignore]
fn timeline_every_preset_across_the_shock_range_in_the_browser() {
    use flushlab_engine::solve::timeline;
    let performance = web_sys::window().unwrap().performance().unwrap();
    for preset in flushlab_engine::presets::all() {
        let scenario = &preset.scenario;
        let table = PositionTable::build(scenario);
        std::hint::black_box(timeline::run(scenario, &table));
        table.prepare_reruns();
        let mut runs = Vec::new();
        let mut worst = (0.0, 0.0);
        for k in 0..=30 {
            let pct = -30.0 + 2.0 * f64::from(k);
            let mut shocked = scenario.clone();
            shocked.shock.resize(&scenario.market, pct);
            std::hint::black_box(timeline::run(&shocked, &table));
            for _ in 0..3 {
                let start = performance.now();
                std::hint::black_box(timeline::run(&shocked, &table));
                let ms = performance.now() - start;
                if ms > worst.0 {
                    worst = (ms, pct);
                }
                runs.push(ms);
            }
        }
        log_runs(
            &format!(
                "wasm32 timeline {} across -30%..+30% (worst {:.2} ms at {:+}%)",
                preset.name, worst.0, worst.1
            ),
            runs,
        );
    }
}

/// Logs the median, p95, min and max of `runs` (ms) after `label`.
fn log_runs(label: &str, mut runs: Vec<f64>) {
    runs.sort_by(f64::total_cmp);
    console_log!(
        "{label}: median {:.3} ms, p95 {:.3} (min {:.3}, max {:.3})",
        runs[runs.len() / 2],
        runs[runs.len() * 95 / 100],
        runs[0],
        runs[runs.len() - 1]
    );
}
