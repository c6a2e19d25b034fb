//! The instant solver: the cascade's fixed point, found in rounds over sorted liquidation prices.
//!
//! Each round takes the current price, liquidates every position whose liquidation price it has
//! crossed (a binary search per group, prefix sums for the coins they sell), and sends the new
//! coins to the book. It stops when a round liquidates nothing new: that price is the least fixed
//! point of `price = book(shock + liquidations(price))`, the same one the timeline reaches when it
//! has no time effects (mark = last, no resilience, no throttle, no traders or agents).

use serde::Serialize;

use crate::market::{depth_share, OrderBook};
use crate::positions::PositionTable;
use crate::scenario::{Market, Shock, Side};
use crate::solve::crossing::{coins_before, crossed_count, size_before};

/// Rounds after which the solver gives up refining (only reachable with withdrawal feedback).
const MAX_ROUNDS: usize = 10_000;

/// What a fixed-point solve finds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InstantResult {
    pub start_price: f64,
    pub final_price: f64,
    /// Price right after the shock, before any liquidation.
    pub shocked_price: f64,
    /// Signed move of the whole flush, percent of the start price.
    pub move_pct: f64,
    /// Signed move of the shock alone, percent.
    pub shock_pct: f64,
    pub liquidated_notional_usd_long: f64,
    pub liquidated_notional_usd_short: f64,
    pub liquidated_count_long: u64,
    pub liquidated_count_short: u64,
    pub rounds: usize,
}

impl InstantResult {
    /// Move in the shock's direction over the shock's own move (1 = no cascade).
    pub fn amplification(&self) -> f64 {
        if self.shock_pct == 0.0 {
            1.0
        } else {
            finite_ratio(self.move_pct / self.shock_pct)
        }
    }

    /// Start-to-final drawdown, percent, positive for a fall.
    pub fn drawdown_pct(&self) -> f64 {
        (-self.move_pct).max(0.0)
    }
}

/// A ratio over a shock's own move, which can be as small as the smallest float: past the
/// largest float it reports the largest float, so every reported number stays finite.
pub(crate) fn finite_ratio(ratio: f64) -> f64 {
    if ratio.is_finite() {
        ratio
    } else {
        f64::MAX.copysign(ratio)
    }
}

/// Solves the fixed point for one population and market, for any number of shocks.
pub struct InstantSolver<'a> {
    table: &'a PositionTable,
    market: &'a Market,
    /// Reused per solve: liquidated prefix length per group.
    liquidated: Vec<usize>,
}

impl<'a> InstantSolver<'a> {
    pub fn new(table: &'a PositionTable, market: &'a Market) -> InstantSolver<'a> {
        InstantSolver {
            table,
            market,
            liquidated: vec![0; table.groups.len()],
        }
    }

    /// The fixed point after `shock`.
    pub fn solve(&mut self, shock: &Shock) -> InstantResult {
        let table = self.table;
        let mut book = OrderBook::new(self.market);
        let start = book.start_price();
        shock.apply(&mut book);
        let shocked_price = book.last();
        let shock_pct = (shocked_price - start) / start * 100.0;
        self.liquidated.iter_mut().for_each(|count| *count = 0);
        let mut rounds = 0;
        loop {
            let price = book.last();
            let (mut new_long, mut new_short) = (0.0, 0.0);
            for (group, done) in table.groups.iter().zip(self.liquidated.iter_mut()) {
                if group.scale <= 0.0 {
                    continue;
                }
                let reached = crossed_count(table, group, price);
                if reached > *done {
                    let coins = group.scale
                        * (coins_before(table, group, reached) - coins_before(table, group, *done));
                    match group.side {
                        Side::Long => new_long += coins,
                        Side::Short => new_short += coins,
                    }
                    *done = reached;
                }
            }
            let share_before = book.depth_share();
            book.set_depth_share(depth_share(self.market, start, price));
            let depth_changed = book.depth_share() != share_before;
            if new_long == 0.0 && new_short == 0.0 && !depth_changed {
                break;
            }
            rounds += 1;
            book.trade(new_long - new_short);
            if rounds >= MAX_ROUNDS {
                break;
            }
        }
        let final_price = book.last();
        let mut result = InstantResult {
            start_price: start,
            final_price,
            shocked_price,
            move_pct: (final_price - start) / start * 100.0,
            shock_pct,
            liquidated_notional_usd_long: 0.0,
            liquidated_notional_usd_short: 0.0,
            liquidated_count_long: 0,
            liquidated_count_short: 0,
            rounds,
        };
        for (group, &done) in table.groups.iter().zip(&self.liquidated) {
            let size = group.scale * size_before(table, group, done);
            match group.side {
                Side::Long => {
                    result.liquidated_notional_usd_long += size;
                    result.liquidated_count_long += done as u64;
                }
                Side::Short => {
                    result.liquidated_notional_usd_short += size;
                    result.liquidated_count_short += done as u64;
                }
            }
        }
        result
    }
}
