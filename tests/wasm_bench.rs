//! The instant solve in wasm32, in headless Chromium: `make bench` runs it (it is ignored by
//! `make test`) and prints the time per solve, for the wasm/native ratio in docs/benchmarks.md.
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
        })
    };
    for _ in 0..50 {
        solve(&mut solver);
    }
    let runs = 2_000;
    let start = performance.now();
    for _ in 0..runs {
        solve(&mut solver);
    }
    let per_solve_ms = (performance.now() - start) / runs as f64;
    console_log!(
        "wasm32 instant solve after a shock, {} positions: {per_solve_ms:.4} ms",
        table.len()
    );
}
