//! Prints every preset's leverage-cycles tail statistics with the app's settings (excess kurtosis
//! and skew with and without cascades, worst day, the fan's extent, liquidations per day, time):
//! `cargo run --release -p flushlab-engine --example cycles_tails`. The table in docs/presets.md
//! ("Leverage cycles: tails") comes from it.
use std::time::Instant;

use flushlab_engine::analysis::cycles::{cycles, CyclesConfig};
use flushlab_engine::presets;

fn main() {
    let config: CyclesConfig = match std::env::var("CYCLES_CONFIG") {
        Ok(json) => serde_json::from_str(&json).expect("a cycles config"),
        Err(_) => CyclesConfig::default(),
    };
    println!(
        "| preset | excess kurtosis (news only) | skew | worst day (%) | fan (x start) | liquidations/day | time (ms) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for preset in presets::all() {
        let started = Instant::now();
        let run = cycles(&preset.scenario, &config).expect("every preset runs");
        let elapsed = started.elapsed().as_secs_f64() * 1e3;
        let start = preset.scenario.market.price;
        let (lowest, highest) = run.price_fan.extent();
        let (with, without) = (&run.stats_with, &run.stats_without);
        println!(
            "| {} | {:.1} ({:.2}) | {:.2} | {:.1} | {:.2}-{:.2} | {:.2} | {:.0} |{}",
            preset.name,
            with.excess_kurtosis,
            without.excess_kurtosis,
            with.skew,
            with.worst_day_pct,
            lowest / start,
            highest / start,
            run.liquidations_per_day,
            elapsed,
            if run.unrealistic.is_empty() {
                String::new()
            } else {
                format!(" {:?}", run.unrealistic)
            }
        );
    }
}
