//! Any calibration file: a clear error, or a fit whose scenario is valid and whose figures are
//! finite.
#![no_main]

#[path = "checks.rs"]
mod checks;

use flushlab_engine::analysis::{calibrate, CalibrationSpec};
use libfuzzer_sys::fuzz_target;

/// Most timeline runs a fuzzed calibration makes (validation allows `MAX_RUNS`, 5,000).
const RUNS: u32 = 12;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut spec) = CalibrationSpec::from_json(text) else {
        return;
    };
    spec.max_runs = spec.max_runs.min(RUNS);
    let Some(base) = checks::capped(spec.base.clone()) else {
        return;
    };
    spec.base = base;
    if let Ok(fit) = calibrate(&spec) {
        assert!(fit.scenario.validate().is_ok(), "a fit is a valid scenario");
        checks::assert_finite(&(&fit.parameters, &fit.targets, fit.objective), &[]);
    }
});
