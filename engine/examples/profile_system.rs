//! A system preset (or a version 2 file) run again and again on populations built once and
//! prepared for reruns, as the Markets tab's worker runs it during a drag: p50 and p95 of the
//! run, and a loop to profile (`perf record`).
//!
//! `cargo run --release -p flushlab-engine --example profile_system -- [PRESET|FILE.json] [RUNS]
//! [drag]`: with `drag`, each run at the next common shock of the page's drag benchmark (-1% to
//! -10% and back in 0.5% steps, e2e/bench-drag.mjs), as the Markets tab's slider runs it; with
//! `shocks`, the same runs and then each shock's median run, to see where a drag's time goes.

use flushlab_engine::positions::PositionTable;
use flushlab_engine::presets;
fn main() {
    let name = std::env::args()
        .nth(1)
        .unwrap_or("two-venues-one-asset".into());
    let n: usize = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(300);
    let system = if name.ends_with(".json") {
        flushlab_engine::system::System::from_json(&std::fs::read_to_string(&name).unwrap())
            .unwrap()
    } else if name == "drag-target" {
        presets::drag_target_system()
    } else if name == "drag-target-markets" {
        // The target's markets alone, without its accounts.
        let mut system = presets::drag_target_system();
        system.accounts.clear();
        system
    } else {
        presets::systems()
            .into_iter()
            .find(|p| p.name == name)
            .unwrap()
            .system
    };
    let scenarios = system.market_scenarios();
    let tables: Vec<PositionTable> = scenarios.iter().map(PositionTable::build).collect();
    for t in &tables {
        t.prepare_reruns();
    }
    // The accounts too, as the page keeps them during a drag.
    let accounts = flushlab_engine::system::prepare_accounts(&system);
    let mode = std::env::args().nth(3);
    let by_shock = mode.as_deref() == Some("shocks");
    let drag = by_shock || mode.as_deref() == Some("drag");
    let mut runs_by_shock: Vec<(f64, Vec<f64>)> = vec![];
    let (mut shock, mut step) = (-1.0, -0.5);
    let mut times = vec![];
    for _ in 0..n {
        let run = if drag {
            shock += step;
            if shock <= -10.0 || shock >= -1.0 {
                step = -step;
            }
            system.with_shock_pct(shock)
        } else {
            system.clone()
        };
        let s = std::time::Instant::now();
        // The page builds the markets' scenarios of every system it runs.
        let built;
        let scenarios = if drag {
            built = run.market_scenarios();
            &built
        } else {
            &scenarios
        };
        std::hint::black_box(flushlab_engine::system::run_system_prepared(
            &run, scenarios, &tables, &accounts,
        ));
        let ms = s.elapsed().as_secs_f64() * 1e3;
        times.push(ms);
        match runs_by_shock.iter_mut().find(|(at, _)| *at == shock) {
            Some((_, runs)) => runs.push(ms),
            None => runs_by_shock.push((shock, vec![ms])),
        }
    }
    if by_shock {
        runs_by_shock.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (shock, mut runs) in runs_by_shock {
            runs.sort_by(f64::total_cmp);
            println!("shock {shock:+.1}%: median {:.3} ms", runs[runs.len() / 2]);
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{name}{}: p50 {:.3} ms p95 {:.3} ms",
        if drag { " (drag)" } else { "" },
        times[n / 2],
        times[n * 95 / 100]
    );
}
