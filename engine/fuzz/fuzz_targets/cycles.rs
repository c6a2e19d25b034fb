//! Any cycles configuration (JSON) over a preset: a clear error, or finite fans and statistics.
#![no_main]

#[path = "checks.rs"]
mod checks;

use flushlab_engine::analysis::{cycles, CyclesConfig};
use libfuzzer_sys::fuzz_target;

/// Most path-days and positions a fuzzed run simulates (validation allows `MAX_PATH_DAYS`,
/// 2,000,000, and `MAX_CYCLES_POSITIONS`, 100,000).
const PATH_DAYS: u64 = 2_000;
const POSITIONS: usize = 200;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, text)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let Ok(config) = serde_json::from_str::<CyclesConfig>(text) else {
        return;
    };
    if u64::from(config.paths) * u64::from(config.days) > PATH_DAYS || config.positions > POSITIONS
    {
        return;
    }
    let scenario = checks::preset(pick);
    if let Ok(result) = cycles(&scenario, &config) {
        checks::assert_finite(&result, &["mean_leverage"]);
    }
});
