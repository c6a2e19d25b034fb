//! Any bytes through parse + validate + simulate (and the instant solver): nothing may panic.
#![no_main]

use flushlab_engine::positions::PositionTable;
use flushlab_engine::solve::InstantSolver;
use flushlab_engine::Scenario;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(mut scenario) = Scenario::from_json(text) else { return };
    // Keep each run short so the fuzzer explores; the limits themselves are tested elsewhere.
    match &mut scenario.positions {
        flushlab_engine::scenario::Positions::Generate(population) => population.count = population.count.min(2_000),
        flushlab_engine::scenario::Positions::List(list) if list.len() > 5_000 => return,
        flushlab_engine::scenario::Positions::List(_) => {}
    }
    scenario.run.steps = scenario.run.steps.min(500);
    let outcome = flushlab_engine::simulate(&scenario).expect("validated scenario simulates");
    assert!(outcome.ledger.balanced, "ledger out of balance");
    let table = PositionTable::build(&scenario);
    InstantSolver::new(&table, &scenario.market).solve(&scenario.shock);
});
