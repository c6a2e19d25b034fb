//! Engine benchmarks (`make bench`). Targets, natively on the 2-core reference machine:
//! instant solve after a shock or a weight change: 100k <= 0.5 ms, 1M <= 5 ms; population build
//! 1M <= 150 ms; timeline 100k x 3,600 steps <= 50 ms; 64 x 64 grid at 10k <= 200 ms;
//! cycles 100 paths x 500 days x 400 positions <= 40 ms. Figures go in docs/benchmarks.md, with
//! the measurements behind the work budget's costs (src/budget.rs).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use flushlab_engine::analysis;
use flushlab_engine::positions::PositionTable;
use flushlab_engine::scenario::{Positions, Shock, ShockKind};
use flushlab_engine::solve::{timeline, InstantSolver};
use flushlab_engine::{presets, Scenario};

fn with_count(count: usize) -> Scenario {
    let mut scenario = presets::default_scenario();
    if let Positions::Generate(population) = &mut scenario.positions {
        population.count = count;
    }
    scenario
}

fn shock(pct: f64) -> Shock {
    Shock {
        kind: ShockKind::Instant,
        pct,
        notional_usd: 0.0,
        duration_s: 0.0,
        path: Vec::new(),
    }
}

fn instant(c: &mut Criterion) {
    for count in [100_000, 1_000_000] {
        let scenario = with_count(count);
        let table = PositionTable::build(&scenario);
        let mut solver = InstantSolver::new(&table, &scenario.market);
        let mut pct = -1.0;
        c.bench_function(
            &format!("instant solve after a shock, {count} positions"),
            |b| {
                b.iter(|| {
                    pct = if pct < -30.0 { -1.0 } else { pct - 0.37 };
                    solver.solve(&shock(pct))
                })
            },
        );
        let mut table = table.clone();
        let Positions::Generate(population) = &scenario.positions else {
            unreachable!()
        };
        let mut population = population.clone();
        let mut weight = 1.0;
        c.bench_function(
            &format!("instant solve after a weight change, {count} positions"),
            |b| {
                b.iter(|| {
                    weight = if weight > 6.0 { 1.0 } else { weight + 0.25 };
                    population.leverage_buckets[4].weight = weight;
                    assert!(table.rescale(&population));
                    InstantSolver::new(&table, &scenario.market).solve(&scenario.shock)
                })
            },
        );
    }
}

fn population(c: &mut Criterion) {
    let scenario = with_count(1_000_000);
    let mut group = c.benchmark_group("population");
    group.sample_size(10);
    group.bench_function("build 1M positions", |b| {
        b.iter(|| PositionTable::build(&scenario))
    });
    group.finish();
}

fn timeline_run(c: &mut Criterion) {
    let mut scenario = with_count(100_000);
    scenario.run.steps = 3_600;
    let table = PositionTable::build(&scenario);
    // Every iteration after the first is a rerun on the same table, as a shock drag is.
    table.prepare_reruns();
    let mut group = c.benchmark_group("timeline");
    group.sample_size(10);
    group.bench_function("100k positions x 3600 steps", |b| {
        b.iter(|| timeline::run(&scenario, &table))
    });
    let mut default = presets::default_scenario();
    default.run.steps = 240;
    let table = PositionTable::build(&default);
    table.prepare_reruns();
    group.bench_function("default preset (100k positions, 240 steps)", |b| {
        b.iter(|| timeline::run(&default, &table))
    });
    group.finish();
}

fn analyses(c: &mut Criterion) {
    let scenario = with_count(10_000);
    let mut group = c.benchmark_group("analysis");
    group.sample_size(10);
    let x = analysis::grid::Axis::linspace(analysis::grid::Parameter::ShockPct, -30.0, -0.5, 64);
    let y = analysis::grid::Axis::linspace(analysis::grid::Parameter::MeanLeverage, 2.0, 40.0, 64);
    group.bench_function("grid 64x64 shock x mean leverage, 10k positions", |b| {
        b.iter(|| analysis::grid::grid(&scenario, &x, &y).unwrap())
    });
    let config: analysis::cycles::CyclesConfig =
        serde_json::from_str(r#"{"paths": 100, "days": 500, "positions": 400}"#).unwrap();
    group.bench_function("cycles 100 paths x 500 days x 400 positions", |b| {
        b.iter_batched(
            || config.clone(),
            |config| analysis::cycles::cycles(&scenario, &config).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// The regimes beside the default's path: the fund drained and ADL running on every step, a
/// throughput cap with partial liquidation, traders adjusting; each a rerun on one table.
fn timeline_regimes(c: &mut Criterion) {
    let mut group = c.benchmark_group("timeline regimes");
    group.sample_size(10);
    for name in [
        "fund-drained-adl",
        "inverse-traders-adjust",
        "bitmex-2020-03-12",
    ] {
        let mut scenario = presets::find(name).expect("a preset").scenario;
        scenario.run.steps = scenario.run.steps.min(600);
        let table = PositionTable::build(&scenario);
        table.prepare_reruns();
        group.bench_function(format!("{name} ({} steps)", scenario.run.steps), |b| {
            b.iter(|| timeline::run(&scenario, &table))
        });
    }
    group.finish();
}

/// The worst ADL regime of issue 12, made small enough to repeat: a 1,000 USD throughput cap
/// and an empty fund send a bankrupt sliver to ADL on every step, against 10,000 winners.
/// Pro rata trims every winner every step (before pruning, its heap of moved triggers grew by
/// 10,000 entries a step); the queue ranks them every step (before: a full sort).
fn adl_every_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("adl every step");
    group.sample_size(10);
    for adl in ["pro_rata", "queue"] {
        let scenario = Scenario::from_json(&format!(
            r#"{{"version": 1,
                "market": {{"price": 100, "book": {{"profile": "linear", "depth_1pct_usd": 1e9}}}},
                "positions": {{"generate": {{"count": 20000, "open_interest_usd": 1e9,
                    "entry_spread_pct": 2, "leverage_buckets": [{{"min": 10, "max": 20, "weight": 1}}]}}}},
                "venue": {{"adl": "{adl}", "insurance_fund_usd": 0, "max_liquidation_usd_per_step": 1000}},
                "shock": {{"kind": "instant", "pct": -50}}, "run": {{"steps": 500}}}}"#
        ))
        .expect("the ADL regime is valid");
        let table = PositionTable::build(&scenario);
        table.prepare_reruns();
        group.bench_function(format!("{adl}, 20k positions x 500 steps"), |b| {
            b.iter(|| timeline::run(&scenario, &table))
        });
    }
    group.finish();
}

/// A calibration as `flushlab calibrate` runs it, made small enough to repeat: the 2025-10-10
/// targets at 10k positions, one start, at most 150 runs.
fn calibration(c: &mut Criterion) {
    let mut spec = analysis::calibrate::CalibrationSpec::from_json(include_str!(
        "../presets/targets/2025-10-10.json"
    ))
    .expect("the committed targets parse");
    if let Positions::Generate(population) = &mut spec.base.positions {
        population.count = 10_000;
    }
    spec.restarts = 1;
    spec.max_runs = 150;
    let mut group = c.benchmark_group("analysis");
    group.sample_size(10);
    group.bench_function("calibrate 2025-10-10, 10k positions, <= 150 runs", |b| {
        b.iter(|| analysis::calibrate::calibrate(&spec).unwrap())
    });
    group.finish();
}

/// Every system preset (version 2: arbitrage, accounts or lending between markets), and the
/// speed target's system (two markets of 100,000 positions and accounts), run on populations
/// built once and prepared for reruns, as the Markets tab's worker reruns a system on a drag.
fn systems(c: &mut Criterion) {
    let mut group = c.benchmark_group("systems");
    group.sample_size(10);
    let target = ("drag-target".to_string(), presets::drag_target_system());
    let systems = presets::systems()
        .into_iter()
        .map(|preset| (preset.name, preset.system))
        .chain(std::iter::once(target));
    for (name, system) in systems {
        let scenarios = system.market_scenarios();
        let tables: Vec<PositionTable> = scenarios.iter().map(PositionTable::build).collect();
        for table in &tables {
            table.prepare_reruns();
        }
        let accounts = flushlab_engine::system::prepare_accounts(&system);
        let positions: usize = tables.iter().map(PositionTable::len).sum();
        group.bench_function(
            format!("{name} ({positions} positions, {} steps)", system.run.steps),
            |b| {
                b.iter(|| {
                    flushlab_engine::system::run_system_prepared(
                        &system, &scenarios, &tables, &accounts,
                    )
                })
            },
        );
    }
    group.finish();
}

criterion_group!(
    benches,
    systems,
    instant,
    population,
    timeline_run,
    timeline_regimes,
    analyses,
    calibration,
    adl_every_step
);
criterion_main!(benches);
