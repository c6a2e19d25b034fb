//! Any two axes over a preset: a clear error naming the field, or every cell finite.
#![no_main]

#[path = "checks.rs"]
mod checks;

use flushlab_engine::analysis::{grid, Axis, Parameter};
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

/// Values per axis: a fuzzed grid solves up to this squared.
const VALUES: usize = 6;

fn axis(input: &mut Unstructured) -> Option<Axis> {
    let parameter = *input.choose(&Parameter::ALL).ok()?;
    let count = input.int_in_range(0..=VALUES).ok()?;
    let values = (0..count)
        .map_while(|_| input.arbitrary::<f64>().ok())
        .collect();
    Some(Axis { parameter, values })
}

fuzz_target!(|data: &[u8]| {
    let mut input = Unstructured::new(data);
    let Ok(pick) = input.arbitrary::<u8>() else {
        return;
    };
    let (Some(x), Some(y)) = (axis(&mut input), axis(&mut input)) else {
        return;
    };
    let scenario = checks::preset(pick);
    match grid(&scenario, &x, &y) {
        Ok(result) => checks::assert_finite(&result, &[]),
        Err(error) => assert!(error.problems.iter().all(|p| !p.message().is_empty())),
    }
});
