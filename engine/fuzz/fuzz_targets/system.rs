//! Any bytes through a version 2 scenario's parse + validate + run: nothing may panic; every
//! valid system runs to a finite outcome whose ledgers all close (each market's, each group of
//! accounts', each lending protocol's, the total), and its scheduled accounts and loans give the
//! bytes of looking at every one every step (the reference path).
#![no_main]

#[path = "checks.rs"]
mod checks;

use flushlab_engine::positions::PositionTable;
use flushlab_engine::scenario::Positions;
use flushlab_engine::system::{run_system, run_system_with, Accounts, Borrowers, System};
use flushlab_engine::venue::Path;
use libfuzzer_sys::fuzz_target;

/// Most cross-margin accounts or loans a fuzzed group or protocol generates (validation allows
/// 200,000 in all).
const MEMBERS: usize = 300;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut system) = System::from_json(text) else {
        return;
    };
    if !cap(&mut system) {
        return;
    }
    let scenarios = system.market_scenarios();
    let tables: Vec<PositionTable> = scenarios.iter().map(PositionTable::build).collect();
    let outcome = run_system(&system, &scenarios, &tables);
    for market in &outcome.markets {
        assert!(
            market.outcome.ledger.balanced,
            "{}: {:?}",
            market.id, market.outcome.ledger
        );
    }
    for group in &outcome.accounts {
        assert!(group.ledger.balanced, "{}: {:?}", group.id, group.ledger);
    }
    for protocol in &outcome.lending {
        assert!(
            protocol.ledger.balanced,
            "{}: {:?}",
            protocol.id, protocol.ledger
        );
    }
    if let Some(total) = &outcome.total {
        assert!(total.balanced, "{total:?}");
    }
    checks::assert_finite(&outcome, &["last_liquidation_step", "tightened_at_s"]);
    let reference = run_system_with(&system, &scenarios, &tables, Path::Reference);
    assert_eq!(
        serde_json::to_string(&outcome).unwrap(),
        serde_json::to_string(&reference).unwrap(),
        "the scheduled accounts and loans differ from looking at all of them"
    );
});

/// Caps the system's counts as `checks::capped` caps a scenario's (still valid); `false` for a
/// system whose lists cannot be shortened or whose run is still estimated long.
fn cap(system: &mut System) -> bool {
    system.run.steps = system.run.steps.min(checks::STEPS);
    for market in &mut system.markets {
        match &mut market.positions {
            Positions::Generate(population) => {
                population.count = population.count.min(checks::POSITIONS);
            }
            Positions::List(list) if list.len() > checks::POSITIONS => return false,
            Positions::List(_) => {}
        }
    }
    for group in &mut system.accounts {
        match &mut group.accounts {
            Accounts::Generate(population) => population.count = population.count.min(MEMBERS),
            Accounts::List(list) if list.len() > MEMBERS => return false,
            Accounts::List(_) => {}
        }
    }
    for protocol in &mut system.lending {
        match &mut protocol.borrowers {
            Borrowers::Generate(population) => population.count = population.count.min(MEMBERS),
            Borrowers::List(list) if list.len() > MEMBERS => return false,
            Borrowers::List(_) => {}
        }
    }
    assert!(system.validate().is_ok(), "capping keeps a system valid");
    system.budget_seconds() <= checks::RUN_S * system.markets.len() as f64
}
