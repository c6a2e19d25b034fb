//! What the fuzz targets assert of every result they get, and the caps that keep one execution
//! short. A cap only skips inputs (or shrinks a count) inside what validation accepts, so every
//! input the fuzzer runs is one a user could run; the limits themselves are tested in
//! engine/tests/ (docs/reliability.md).
#![allow(dead_code)]

use flushlab_engine::scenario::{Positions, Scenario};
use serde_json::Value;

/// Most positions a fuzzed run builds (validation allows `MAX_POSITIONS`, 2,000,000).
pub const POSITIONS: usize = 2_000;
/// Most timeline steps a fuzzed run takes (validation allows `MAX_STEPS`, 100,000).
pub const STEPS: u32 = 500;
/// Most work a fuzzed run may be estimated to take (`flushlab_engine::budget::run`; validation
/// allows `RUN_BUDGET_S`, 30 s). The counts above bound most runs; this bounds the rest (an
/// explicit ladder of 10,000 levels, every step sent to ADL, ...), in the budget's own terms.
pub const RUN_S: f64 = 0.05;

/// The scenario with at most [`POSITIONS`] positions and [`STEPS`] steps, still valid; `None`
/// for a longer position list (a list cannot be shortened without changing what it is), or for
/// a run still estimated over [`RUN_S`].
pub fn capped(mut scenario: Scenario) -> Option<Scenario> {
    match &mut scenario.positions {
        Positions::Generate(population) => population.count = population.count.min(POSITIONS),
        Positions::List(list) if list.len() > POSITIONS => return None,
        Positions::List(_) => {}
    }
    scenario.run.steps = scenario.run.steps.min(STEPS);
    assert!(
        scenario.validate().is_ok(),
        "capping keeps a scenario valid"
    );
    (flushlab_engine::budget::run(&scenario).seconds <= RUN_S).then_some(scenario)
}

/// Every number in `value`'s JSON is finite: serde_json writes a non-finite f64 as `null`, so a
/// `null` anywhere but under a key in `optional` (fields that are `None` by design) fails.
pub fn assert_finite<T: serde::Serialize>(value: &T, optional: &[&str]) {
    let json = serde_json::to_value(value).expect("results serialize");
    walk(&json, "", optional);
}

fn walk(value: &Value, key: &str, optional: &[&str]) {
    match value {
        Value::Null => assert!(optional.contains(&key), "not finite: {key}"),
        Value::Array(items) => items.iter().for_each(|item| walk(item, key, optional)),
        Value::Object(fields) => fields
            .iter()
            .for_each(|(key, item)| walk(item, key, optional)),
        _ => {}
    }
}

/// A small valid scenario for the analyses to work on: a preset picked by `pick`, capped.
pub fn preset(pick: u8) -> Scenario {
    let presets = flushlab_engine::presets::all();
    let scenario = presets[usize::from(pick) % presets.len()].scenario.clone();
    capped(scenario).expect("presets generate their positions")
}
