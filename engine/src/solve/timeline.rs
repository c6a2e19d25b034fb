//! The timeline solver: the flush step by step, with everything time-dependent.
//!
//! Each step: the exogenous shock moves the book, consumed depth refills (resilience), market
//! makers set their depth from how far the mark has moved (withdrawal), traders and agents trade,
//! the mark follows the last price, top-ups land, then every position whose trigger the mark has
//! crossed is liquidated (up to the throughput cap) with one market order per side, settled in
//! exact money. A circuit breaker halts all of it for a number of steps after a large move.

use crate::error::ScenarioError;
use crate::outcome::{LiquidationMap, Outcome};
use crate::positions::crossed;
use crate::positions::{PositionTable, StartState};
use crate::scenario::{Scenario, Side};
use crate::solve::crossing::{crossed_count, size_before};
use crate::solve::market_run::MarketRun;
use crate::venue::{LiquidationEngine, Path};

/// Validates, builds the population and runs the timeline.
pub fn simulate(scenario: &Scenario) -> Result<Outcome, ScenarioError> {
    scenario.validate()?;
    let table = PositionTable::build(scenario);
    Ok(run(scenario, &table))
}

/// Runs the timeline on an already built population (validated scenario).
pub fn run(scenario: &Scenario, table: &PositionTable) -> Outcome {
    run_with(scenario, table, Path::Fast)
}

/// Runs the timeline on `table` the given way: [`Path::Reference`] settles one position at a
/// time with no cached state, the spec the fast path must equal byte for byte.
pub fn run_with(scenario: &Scenario, table: &PositionTable, path: Path) -> Outcome {
    let plain_start;
    let venue = match path {
        Path::Fast => LiquidationEngine::new(table, &scenario.venue),
        Path::Reference => {
            plain_start = StartState::plain(table);
            LiquidationEngine::reference(table, &scenario.venue, &plain_start)
        }
    };
    run_engine(scenario, table, venue)
}

/// One market stepped through the run: a second market would be a second [`MarketRun`] stepped
/// in the same loop (docs/model.md §9.1).
fn run_engine(scenario: &Scenario, table: &PositionTable, venue: LiquidationEngine) -> Outcome {
    let mut market = MarketRun::new(scenario, table, venue);
    for step in 0..scenario.run.steps {
        market.step(step);
    }
    market.finish()
}

/// The liquidation map of the positions as they are now in `venue` (after a build-up moved their
/// triggers and closed some): each open position counted at its own trigger.
pub fn liquidation_map_now(venue: &LiquidationEngine, start: f64) -> LiquidationMap {
    let table = venue.table;
    let prices = map_prices(start);
    let buckets = table.buckets.len();
    let mut long_usd = vec![vec![0.0; MAP_LEVELS]; buckets];
    let mut short_usd = vec![vec![0.0; MAP_LEVELS]; buckets];
    // Below the start, longs: level k counts the longs whose trigger is at or above it; above the
    // start, shorts: those whose trigger is at or below it. First the size at the outermost level
    // each position reaches, then sums toward the far ends.
    let below = prices.partition_point(|&price| price < start);
    for i in 0..venue.len() {
        let size = venue.size(i);
        if size <= 0.0 {
            continue;
        }
        let (trigger, bucket) = (
            venue.trigger(i),
            table.groups[usize::from(table.group_of[i])].bucket,
        );
        match venue.side[i] {
            Side::Long => {
                // The highest level below the start at or under the trigger.
                let k =
                    prices[..below].partition_point(|&price| crossed(Side::Long, price, trigger));
                if k > 0 {
                    long_usd[bucket][k - 1] += size;
                }
            }
            Side::Short => {
                let k = below
                    + prices[below..]
                        .partition_point(|&price| !crossed(Side::Short, price, trigger));
                let k = k.max(below + usize::from(prices.get(below) == Some(&start)));
                if k < MAP_LEVELS {
                    short_usd[bucket][k] += size;
                }
            }
        }
    }
    for levels in &mut long_usd {
        for k in (0..MAP_LEVELS - 1).rev() {
            levels[k] += levels[k + 1];
        }
    }
    for levels in &mut short_usd {
        for k in 1..MAP_LEVELS {
            levels[k] += levels[k - 1];
        }
    }
    LiquidationMap {
        prices,
        buckets: table.buckets.iter().map(|bucket| bucket.label()).collect(),
        long_usd,
        short_usd,
    }
}

fn map_prices(start: f64) -> Vec<f64> {
    (0..MAP_LEVELS)
        .map(|k| start * (0.4 + 0.0075 * k as f64))
        .collect()
}

/// Levels of the liquidation map: -60% to +60% of the start price in 0.75% steps (wide enough for
/// the deepest recorded flush, Black Thursday's -51%, and as many levels as the reply carries).
const MAP_LEVELS: usize = 161;

/// Cumulative notional that would be liquidated if the price reached each level, by bucket:
/// drawn once per table and start price (a shock drag's runs all show the same one).
pub fn liquidation_map(table: &PositionTable, start: f64) -> LiquidationMap {
    let (at, map) = table
        .map
        .get_or_init(|| (start, draw_liquidation_map(table, start)));
    if *at == start {
        map.clone()
    } else {
        draw_liquidation_map(table, start)
    }
}

fn draw_liquidation_map(table: &PositionTable, start: f64) -> LiquidationMap {
    let prices = map_prices(start);
    let buckets = table.buckets.len();
    let mut long_usd = vec![vec![0.0; MAP_LEVELS]; buckets];
    let mut short_usd = vec![vec![0.0; MAP_LEVELS]; buckets];
    for group in table.groups.iter().filter(|group| group.scale > 0.0) {
        for (k, &price) in prices.iter().enumerate() {
            let reached = match group.side {
                Side::Long if price < start => crossed_count(table, group, price),
                Side::Short if price > start => crossed_count(table, group, price),
                _ => 0,
            };
            let size = group.scale * size_before(table, group, reached);
            match group.side {
                Side::Long => long_usd[group.bucket][k] += size,
                Side::Short => short_usd[group.bucket][k] += size,
            }
        }
    }
    LiquidationMap {
        prices,
        buckets: table.buckets.iter().map(|bucket| bucket.label()).collect(),
        long_usd,
        short_usd,
    }
}
