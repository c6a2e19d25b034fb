//! Any shocks swept over a preset: a clear error, or every point finite.
#![no_main]

#[path = "checks.rs"]
mod checks;

use flushlab_engine::analysis::sweep;
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut input = Unstructured::new(data);
    let (Ok(pick), Ok(count)) = (input.arbitrary::<u8>(), input.int_in_range(0..=40usize)) else {
        return;
    };
    let shocks: Vec<f64> = (0..count)
        .map_while(|_| input.arbitrary::<f64>().ok())
        .collect();
    let scenario = checks::preset(pick);
    match sweep(&scenario, &shocks) {
        Ok(result) => checks::assert_finite(&result, &["critical_shock_pct"]),
        Err(error) => assert!(!error.problems.is_empty()),
    }
});
