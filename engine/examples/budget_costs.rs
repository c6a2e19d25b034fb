//! Measures the costs behind the work budget (src/budget.rs) on this machine, and holds the
//! estimates against measured runs: `cargo run --profile bench -p flushlab-engine --example
//! budget_costs`. The figures go in docs/benchmarks.md, "Work budget".
use std::hint::black_box;
use std::time::Instant;

use flushlab_engine::analysis::calibrate::CalibrationSpec;
use flushlab_engine::analysis::cycles::{cycles, CyclesConfig};
use flushlab_engine::analysis::grid::{Axis, Parameter};
use flushlab_engine::budget;
use flushlab_engine::positions::PositionTable;
use flushlab_engine::scenario::{Positions, Shock, ShockKind};
use flushlab_engine::solve::{timeline, InstantSolver};
use flushlab_engine::{presets, simulate, Scenario};

fn with_count(count: usize) -> Scenario {
    let mut scenario = presets::default_scenario();
    if let Positions::Generate(population) = &mut scenario.positions {
        population.count = count;
    }
    scenario
}

/// Best of `times` timings of `work`, seconds.
fn best(times: usize, mut work: impl FnMut()) -> f64 {
    (0..times)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn adl_regime(adl: &str, count: usize, steps: u32) -> Scenario {
    Scenario::from_json(&format!(
        r#"{{"version": 1,
            "market": {{"price": 100, "book": {{"profile": "linear", "depth_1pct_usd": 1e9}}}},
            "positions": {{"generate": {{"count": {count}, "open_interest_usd": 1e9,
                "entry_spread_pct": 2, "leverage_buckets": [{{"min": 10, "max": 20, "weight": 1}}]}}}},
            "venue": {{"adl": "{adl}", "insurance_fund_usd": 0, "max_liquidation_usd_per_step": 1000}},
            "shock": {{"kind": "instant", "pct": -50}}, "run": {{"steps": {steps}}}}}"#
    ))
    .expect("valid")
}

fn main() {
    let n = 1_000_000;
    let big = with_count(n);
    let build = best(3, || {
        black_box(PositionTable::build(&big));
    });
    println!("build: {:.0} ns per position", build / n as f64 * 1e9);

    let mut quiet = with_count(100_000);
    quiet.shock.pct = 0.0;
    quiet.run.steps = 20_000;
    let table = PositionTable::build(&quiet);
    let steps = best(3, || {
        black_box(timeline::run(&quiet, &table));
    });
    println!(
        "step, nothing liquidated (14 groups): {:.0} ns",
        steps / 20_000.0 * 1e9
    );

    let mut crash = with_count(n);
    crash.shock.pct = -60.0;
    crash.venue.adl = flushlab_engine::scenario::Adl::Off;
    let mut first_run = f64::INFINITY;
    for _ in 0..3 {
        let table = PositionTable::build(&crash);
        first_run = first_run.min(best(1, || {
            black_box(timeline::run(&crash, &table));
        }));
    }
    println!(
        "settling, first run on a fresh table, everything liquidated or marked: {:.0} ns per position",
        first_run / n as f64 * 1e9
    );

    for adl in ["queue", "pro_rata"] {
        let (count, steps) = (20_000, 500);
        let scenario = adl_regime(adl, count, steps);
        let table = PositionTable::build(&scenario);
        let time = best(3, || {
            black_box(timeline::run(&scenario, &table));
        });
        let winners = count as f64 / 2.0;
        println!(
            "ADL every step, {adl}: {:.1} ns per winning-side position per step",
            time / (f64::from(steps) * winners) * 1e9
        );
    }

    let table = PositionTable::build(&big);
    let mut solver = InstantSolver::new(&table, &big.market);
    let mut pct = -1.0;
    let solves = 2_000;
    let instant = best(3, || {
        for _ in 0..solves {
            pct = if pct < -30.0 { -1.0 } else { pct - 0.37 };
            black_box(solver.solve(&Shock {
                kind: ShockKind::Instant,
                pct,
                notional_usd: 0.0,
                duration_s: 0.0,
                path: Vec::new(),
            }));
        }
    });
    println!(
        "instant solve, 1M positions, 14 groups: {:.0} ns",
        instant / f64::from(solves) * 1e9
    );

    let scenario = with_count(10_000);
    for positions in [400, 20_000, 100_000] {
        let config = CyclesConfig {
            paths: 4,
            days: 250,
            positions,
            ..CyclesConfig::default()
        };
        let time = best(3, || {
            black_box(cycles(&scenario, &config).unwrap());
        });
        println!(
            "cycles, {positions} positions: {:.0} ns per path-day, {:.2} ns per position-day",
            time / 1_000.0 * 1e9,
            time / 1_000.0 / positions as f64 * 1e9
        );
    }

    let crafted = r#"{"version":1,"market":{"price":100,"book":{"profile":"linear","depth_1pct_usd":1e9}},"positions":{"generate":{"count":2000000,"open_interest_usd":1e9,"leverage_buckets":[{"min":10,"max":20,"weight":1}]}},"venue":{"adl":"pro_rata","max_liquidation_usd_per_step":1},"shock":{"kind":"instant","pct":-50},"run":{"steps":100000}}"#;
    let crafted: Scenario = serde_json::from_str(crafted).expect("parses");
    println!("estimate, issue 12's link: {:?}", budget::run(&crafted));
    let mut at_most = presets::find("over-levered-longs")
        .expect("preset")
        .scenario;
    if let Positions::Generate(population) = &mut at_most.positions {
        population.count = 2_000_000;
    }
    println!(
        "estimate, over-levered-longs at 2M: {:?}",
        budget::run(&at_most)
    );
    let x = Axis::linspace(Parameter::MaintenanceMargin, 0.002, 0.02, 512);
    let y = Axis::linspace(Parameter::MeanLeverage, 2.0, 50.0, 512);
    println!(
        "estimate, 512 x 512 grid at 2M: {:?}",
        budget::grid(&at_most, &x, &y)
    );
    for date in ["2020-03-12", "2021-05-19", "2024-08-05", "2025-10-10"] {
        let path = format!("{}/presets/targets/{date}.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).expect("targets");
        let spec = CalibrationSpec::from_json(&text).expect("valid");
        println!(
            "estimate, calibration {date}: {:?}",
            budget::calibration(&spec)
        );
    }

    println!("estimate vs measured (simulate, building the population):");
    let mut checks: Vec<(String, Scenario)> = presets::all()
        .into_iter()
        .map(|preset| (preset.name, preset.scenario))
        .collect();
    checks.push((
        "adl queue regime 20k x 500".into(),
        adl_regime("queue", 20_000, 500),
    ));
    checks.push((
        "adl pro-rata regime 20k x 500".into(),
        adl_regime("pro_rata", 20_000, 500),
    ));
    checks.push(("default at 1M".into(), with_count(n)));
    for (name, scenario) in checks {
        let measured = best(2, || {
            black_box(simulate(&scenario).unwrap());
        });
        let estimate = budget::run(&scenario).seconds;
        println!(
            "  {name}: estimate {estimate:.3} s, measured {measured:.3} s ({:.1}x)",
            estimate / measured
        );
    }
}
