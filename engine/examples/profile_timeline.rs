//! Runs the default preset's timeline in a loop, for a CPU profiler (`perf record`):
//! `cargo run --release -p flushlab-engine --example profile_timeline -- 2000 [rescale]`
//! (`rescale`: change one bucket's weight before every run, as a leverage-bar drag does;
//! `rescale-only`: only rescale, no runs).
use flushlab_engine::positions::PositionTable;
use flushlab_engine::scenario::Positions;
use flushlab_engine::solve::timeline;

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|arg| arg.parse().ok()).unwrap_or(1000);
    let mode = args.next();
    let rescale = mode.as_deref() == Some("rescale");
    let rescale_only = mode.as_deref() == Some("rescale-only");
    let scenario = flushlab_engine::presets::default_scenario();
    let mut table = PositionTable::build(&scenario);
    let Positions::Generate(population) = &scenario.positions else {
        panic!("the default preset generates its population");
    };
    let mut varied = population.clone();
    std::hint::black_box(timeline::run(&scenario, &table));
    let start = std::time::Instant::now();
    for k in 0..runs {
        if rescale {
            varied.leverage_buckets[4].weight =
                population.leverage_buckets[4].weight + (k % 2) as f64;
            table.rescale(&varied);
        }
        if rescale_only {
            varied.leverage_buckets[4].weight =
                population.leverage_buckets[4].weight + (k % 2) as f64;
            table.rescale(&varied);
            continue;
        }
        std::hint::black_box(timeline::run(&scenario, &table));
    }
    let per_run = start.elapsed().as_secs_f64() * 1e3 / runs as f64;
    println!("{} positions: {per_run:.3} ms per run", table.len());
}
