//! Any two axes over a preset, or over a system preset (an axis may name a market, known or not):
//! a clear error naming the field, or every cell finite.
#![no_main]

#[path = "checks.rs"]
mod checks;

use flushlab_engine::analysis::{grid, grid_system, Axis, Parameter};
use flushlab_engine::presets;
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

/// Values per axis: a fuzzed grid solves up to this squared (a system's grid runs the system in
/// every cell: fewer).
const VALUES: usize = 6;
const SYSTEM_VALUES: usize = 2;

/// Markets an axis may name: none, two that the first system preset has, one no system has.
const MARKETS: [Option<&str>; 4] = [None, Some("venue-a"), Some("venue-b"), Some("okx")];

fn axis(input: &mut Unstructured, most: usize) -> Option<Axis> {
    let parameter = *input.choose(&Parameter::ALL).ok()?;
    let market = input.choose(&MARKETS).ok()?.map(str::to_string);
    let count = input.int_in_range(0..=most).ok()?;
    let values = (0..count)
        .map_while(|_| input.arbitrary::<f64>().ok())
        .collect();
    Some(Axis {
        parameter,
        market,
        values,
    })
}

fuzz_target!(|data: &[u8]| {
    let mut input = Unstructured::new(data);
    let Ok(pick) = input.arbitrary::<u8>() else {
        return;
    };
    let most = if pick >= 128 { SYSTEM_VALUES } else { VALUES };
    let (Some(x), Some(y)) = (axis(&mut input, most), axis(&mut input, most)) else {
        return;
    };
    let result = if pick >= 128 {
        let systems = presets::systems();
        let system = &systems[pick as usize % systems.len()].system;
        grid_system(system, &x, &y).map(|result| checks::assert_finite(&result, &[]))
    } else {
        grid(&checks::preset(pick), &x, &y).map(|result| checks::assert_finite(&result, &[]))
    };
    if let Err(error) = result {
        assert!(error.problems.iter().all(|p| !p.message().is_empty()));
    }
});
