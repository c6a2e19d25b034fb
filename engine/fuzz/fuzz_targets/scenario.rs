//! Any bytes through parse + validate + simulate (and the instant solver): nothing may panic, and
//! every valid scenario runs to a finite outcome with a balanced ledger.
#![no_main]

#[path = "checks.rs"]
mod checks;

use flushlab_engine::positions::PositionTable;
use flushlab_engine::solve::InstantSolver;
use flushlab_engine::Scenario;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scenario) = Scenario::from_json(text) else {
        return;
    };
    let Some(scenario) = checks::capped(scenario) else {
        return;
    };
    let outcome = flushlab_engine::simulate(&scenario).expect("validated scenario simulates");
    assert!(
        outcome.ledger.balanced,
        "ledger out of balance: {:?}",
        outcome.ledger
    );
    checks::assert_finite(&outcome, &["last_liquidation_step"]);
    let table = PositionTable::build(&scenario);
    let instant = InstantSolver::new(&table, &scenario.market).solve(&scenario.shock);
    assert!(instant.final_price.is_finite() && instant.final_price > 0.0);
});
