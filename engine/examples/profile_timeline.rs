//! Runs the default preset's timeline in a loop, for a CPU profiler (`perf record`):
//! `cargo run --release -p flushlab-engine --example profile_timeline -- 2000 [mode]`.
//! Modes: `rescale` rescales before every run as a leverage-bar drag does (every bucket's amount
//! in USD, bucket 4's moved); `rescale-all` changes one weight alone, so every group's scale
//! changes; `rescale-only` rescales as `rescale` does, without runs; `preset=NAME` runs that
//! preset instead, its shock swept from -2% to -9.5% as a shock drag does; `preset=NAME@PCT` runs
//! it at that one shock (e.g. `preset=over-levered-longs@-30`). With `STOPS=SHARE,DISTANCE_PCT`
//! the crowd holds stop-loss orders; with `PRESET=NAME` the rescale modes drag that preset's
//! bucket 4 instead of the default's, `DRAG_USD` at a time (default 5e6); `VENUE=ID` applies a
//! venue profile first; mode `build` times building the population alone.
use flushlab_engine::positions::PositionTable;
use flushlab_engine::scenario::Positions;
use flushlab_engine::solve::timeline;

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|arg| arg.parse().ok()).unwrap_or(1000);
    let mode = args.next().unwrap_or_default();
    let (scenario, sweep) = match mode.strip_prefix("preset=") {
        Some(spec) => {
            let (name, at) = match spec.split_once('@') {
                Some((name, pct)) => (name, Some(pct.parse::<f64>().expect("a shock in %"))),
                None => (spec, None),
            };
            let mut scenario = flushlab_engine::presets::find(name)
                .expect("a preset's name")
                .scenario;
            if let Some(pct) = at {
                let market = scenario.market.clone();
                scenario.shock.resize(&market, pct);
            }
            (scenario, at.is_none())
        }
        None => match std::env::var("PRESET") {
            Ok(name) => (
                flushlab_engine::presets::find(&name)
                    .expect("a preset's name")
                    .scenario,
                false,
            ),
            Err(_) => (flushlab_engine::presets::default_scenario(), false),
        },
    };
    // STOPS=SHARE,DISTANCE_PCT gives the crowd stop-loss orders (their cost on a drag).
    let mut scenario = scenario;
    if let Ok(spec) = std::env::var("STOPS") {
        let (share, distance) = spec.split_once(',').expect("STOPS=SHARE,DISTANCE_PCT");
        scenario.traders.stop_losses = Some(flushlab_engine::scenario::StopLosses {
            share: share.parse().expect("a share"),
            distance_pct: distance.parse().expect("a distance in %"),
        });
    }
    // VENUE=ID puts the scenario on a venue profile; mode `build` times building its population.
    if let Ok(id) = std::env::var("VENUE") {
        flushlab_engine::scenario::profiles::venue_profile(&id)
            .expect("a venue profile")
            .apply(&mut scenario);
    }
    if mode == "build" {
        let start = std::time::Instant::now();
        for _ in 0..runs {
            std::hint::black_box(PositionTable::build(&scenario));
        }
        let per_build = start.elapsed().as_secs_f64() * 1e3 / runs as f64;
        println!("{per_build:.3} ms per build");
        return;
    }
    let mut table = PositionTable::build(&scenario);
    // Reruns on one table, as the page's drags run them (its session prepares them too).
    table.prepare_reruns();
    let Positions::Generate(population) = &scenario.positions else {
        panic!("the default preset generates its population");
    };
    let amounts: Vec<f64> = population
        .bucket_open_interest()
        .iter()
        .map(|usd| (usd / 1e6).round() * 1e6)
        .collect();
    let mut varied = population.clone();
    // DRAG_USD: how far each rescale moves bucket 4 (default $5M a step, up to six steps).
    let step_usd: f64 = std::env::var("DRAG_USD")
        .ok()
        .and_then(|usd| usd.parse().ok())
        .unwrap_or(5e6);
    std::hint::black_box(timeline::run(&scenario, &table));
    let start = std::time::Instant::now();
    for k in 0..runs {
        match mode.as_str() {
            "rescale" | "rescale-only" => {
                let mut dragged = amounts.clone();
                dragged[4] += step_usd * (k % 7) as f64;
                varied.set_bucket_open_interest(&dragged);
                assert!(
                    table.rescale(&varied),
                    "a drag of one bar rescales the table"
                );
            }
            "rescale-all" => {
                varied.leverage_buckets[4].weight =
                    population.leverage_buckets[4].weight + (k % 2) as f64;
                assert!(
                    table.rescale(&varied),
                    "a weight's change rescales the table"
                );
            }
            _ => {}
        }
        if sweep {
            let mut shocked = scenario.clone();
            let market = shocked.market.clone();
            shocked.shock.resize(&market, -2.0 - 0.5 * (k % 16) as f64);
            std::hint::black_box(timeline::run(&shocked, &table));
        } else if mode != "rescale-only" {
            std::hint::black_box(timeline::run(&scenario, &table));
        }
    }
    let per_run = start.elapsed().as_secs_f64() * 1e3 / runs as f64;
    println!("{} positions: {per_run:.3} ms per run", table.len());
}
