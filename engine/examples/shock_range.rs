//! Every preset's timeline across the shock slider's range (-30% to +30% in 2% steps), reruns on
//! one table as a shock drag is, natively: the mean and the worst shock per preset (issue 14's
//! "every regime"; the wasm side is `tests/wasm_bench.rs`).
//! `cargo run --release -p flushlab-engine --example shock_range`.
use flushlab_engine::positions::PositionTable;
use flushlab_engine::solve::timeline;
fn main() {
    for preset in flushlab_engine::presets::all() {
        let scenario = &preset.scenario;
        let table = PositionTable::build(scenario);
        let _ = timeline::run(scenario, &table);
        table.prepare_reruns();
        let mut worst = (0.0, 0.0);
        let mut total = 0.0;
        let mut count = 0;
        for k in 0..=30 {
            let pct = -30.0 + 2.0 * k as f64;
            let mut shocked = scenario.clone();
            shocked.shock.resize(&scenario.market, pct);
            let reps = 5;
            let t = std::time::Instant::now();
            for _ in 0..reps {
                std::hint::black_box(timeline::run(&shocked, &table));
            }
            let ms = t.elapsed().as_secs_f64() * 1e3 / reps as f64;
            total += ms;
            count += 1;
            if ms > worst.0 {
                worst = (ms, pct);
            }
        }
        println!(
            "{:28} mean {:.2} ms, worst {:.2} ms at {:+}%",
            preset.name,
            total / count as f64,
            worst.0,
            worst.1
        );
    }
}
