//! Runs the default preset's timeline in a loop, for a CPU profiler (`perf record`).
//! `cargo run --release -p flushlab-engine --example profile_timeline -- 2000`
use flushlab_engine::positions::PositionTable;
use flushlab_engine::solve::timeline;

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(1000);
    let scenario = flushlab_engine::presets::default_scenario();
    let table = PositionTable::build(&scenario);
    let start = std::time::Instant::now();
    for _ in 0..runs {
        std::hint::black_box(timeline::run(&scenario, &table));
    }
    let per_run = start.elapsed().as_secs_f64() * 1e3 / runs as f64;
    println!("{} positions: {per_run:.3} ms per run", table.len());
}
