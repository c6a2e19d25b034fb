//! The venue's liquidation engine: what one market's venue does to the positions on it in a run.
//! This file holds the engine's state and how a step works; each part of a step has its own file.
//!
//! How a timeline step uses the engine (`solve::timeline` drives it, one call per stage):
//!
//! 1. Traders adjust first: top-ups add collateral ([`LiquidationEngine::add_collateral`]),
//!    de-leveraging closes part of a position at the market ([`LiquidationEngine::reduce_voluntarily`]);
//!    either moves the position's trigger ([`LiquidationEngine::rearm`]).
//! 2. Triggers (`triggers.rs`): every open position whose liquidation price the mark has crossed is
//!    queued ([`LiquidationEngine::collect_triggered`]). Positions still as they started are found
//!    by a cursor per group (each group is sorted by trigger); moved triggers sit in two heaps.
//! 3. Orders ([`LiquidationEngine::take_orders`]): partial liquidation sizes each queued position
//!    down to what restores its margin; the throughput cap leaves the rest for later steps.
//! 4. Fills (`settlement.rs`): one market order per side on the book ([`LiquidationEngine::liquidate`]);
//!    orders whose loss past bankruptcy the insurance fund cannot cover go to auto-deleveraging
//!    (`adl.rs`) when it is on, against profitable positions on the other side.
//! 5. Settlement, in exact money through the [`Ledger`]: realized PnL, the liquidation fee into the
//!    insurance fund, the remainder to the fund, a deficit from the fund or as bad debt. Whole
//!    closes of untouched positions (nearly all of them) are settled together in 64-bit
//!    arithmetic (`batch.rs`), with the same bits as one by one.
//! 6. At the end, the positions still open are marked at the final mark (`marking.rs`).
//!
//! Positions' live state (closed, changed, queued; sizes and collateral) is in `state.rs`.
//! Every shortcut (the batch, cached closing units, open-position sums, orders straight from the
//! trigger sweep, ADL's search for winners) can be turned off with [`Path::Reference`]; property
//! tests hold the fast path to the reference byte for byte.

use std::collections::VecDeque;

use crate::ledger::Ledger;
use crate::money::{self, Money};
use crate::positions::{OpenPositionSums, PositionTable, StartState, Warm};
use crate::scenario::{Side, Venue};

mod adl;
mod batch;
mod control;
mod funding;
mod marking;
mod resume;
mod settlement;
mod state;
mod triggers;

pub use adl::AdlRoom;
use adl::Winners;
use batch::WholeCloses;
pub use control::ControlWatch;
pub use resume::Snapshot;
pub(crate) use state::SpareOwn;
use state::{Own, Status};
use triggers::RearmHeap;

/// Liquidation of (a fraction of) one position this step.
#[derive(Clone, Copy, Debug)]
pub struct Order {
    pub index: u32,
    /// Fraction of the position's current size closed, in (0, 1].
    pub fraction: f64,
}

/// What one step's liquidations did, for the step record.
#[derive(Clone, Copy, Debug, Default)]
pub struct StepLiquidations {
    /// Size liquidated at the prices it was closed at (the book's fill, the backstop's mark,
    /// ADL's bankruptcy prices), as venues' feeds and the public record count it; contracts on an
    /// inverse contract, whose USD value is fixed.
    pub long_fill_usd: f64,
    pub short_fill_usd: f64,
    pub long_count: u32,
    pub short_count: u32,
    pub long_coins: f64,
    pub short_coins: f64,
    pub adl_usd: f64,
    pub bad_debt_usd: f64,
}

/// Every position's live state plus the venue's queues. A position is as the table's start state
/// says until it is closed or changed: a run costs one state byte per position, not a copy of
/// every column. Sizes and collateral change only through `set_size`,
/// `set_collateral` and `close_fully`, which keep the open totals in step.
pub struct LiquidationEngine<'a> {
    pub table: &'a PositionTable,
    pub rules: &'a Venue,
    /// The table's start-of-run state (sizes, collateral).
    start: &'a StartState,
    /// Its warm part (closing units, open-position sums), when the table was prepared for reruns.
    warm: Option<&'a Warm>,
    /// Exact sums over the open positions (linear contracts), for marking them at the end.
    open_sums: Option<OpenPositionSums>,
    /// The warm state's numbers in 64 bits, for batched whole closes.
    whole: Option<WholeCloses<'a>>,
    pub side: &'a [Side],
    /// Each position's [`Status`]: closed, changed, queued.
    status: Vec<Status>,
    /// Allocated when a first position changes.
    own: Option<Own>,
    cursor: Vec<usize>,
    long_heap: RearmHeap,
    short_heap: RearmHeap,
    queue: VecDeque<u32>,
    /// Where auto-deleveraging finds profitable positions.
    winners: Winners,
    /// Neither partial liquidation nor a throughput cap: every triggered position is closed whole
    /// in the step it triggers, so [`Self::collect_triggered`] writes this step's orders directly
    /// into `ready` (no queue, no pending mark that nothing could see).
    whole_only: bool,
    ready: Vec<Order>,
    /// Collateral of all positions (closed ones hold none), exact.
    open_collateral: Money,
    /// Size of all open positions (USD at entry, or contracts).
    open_interest: f64,
    /// Size of the open positions of each group.
    group_open: Vec<f64>,
    /// Whether a position of each group changed (closed, or its size) in this run: an
    /// unchanged group's final recount is the start state's.
    changed_groups: Vec<bool>,
    pub ledger: Ledger,
    /// What maintenance requirements are multiplied by (1 until a leverage control tightens).
    margin_multiplier: f64,
    /// Seconds a step lasts (clips' cooldowns are in seconds).
    step_s: f64,
    /// Calls of [`Self::take_orders`] so far: the venue's clock for clips' cooldowns.
    round: u32,
    /// The round each clipped position's cooldown ends in, by position: before it, its orders
    /// are for the whole position; from it, the next is a clip again (0, or no entry: never
    /// clipped; rounds start at 1). Empty until the first clip.
    cooldown_until: Vec<u32>,
    /// Coins the book holds within the liquidation band this step, (sells for longs, buys for
    /// shorts), when the venue has a band ([`Self::set_band_room`]).
    band_room: Option<(f64, f64)>,
    /// Positions taken over by the backstop this step, closed at the mark by [`Self::liquidate`].
    backstop: Vec<Order>,
    /// Size the backstop took over (USD at entry, or contracts).
    pub backstopped_usd: f64,
    pub partial_liquidations: u64,
    pub liquidated_count_long: u64,
    pub liquidated_count_short: u64,
    /// Size liquidated at the prices closed at ([`StepLiquidations::long_fill_usd`]).
    pub liquidated_fill_usd_long: f64,
    pub liquidated_fill_usd_short: f64,
}

/// Which way a run settles: every shortcut a run may take gives the same bits as the plain way,
/// and the plain way is the spec they are tested against (engine/tests/properties.rs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path {
    /// The shortcuts the table allows: cached closing units and open-position sums (when the
    /// table was prepared for reruns), whole closes batched in 64-bit arithmetic, orders of a
    /// run without partial liquidation or cap taken straight from the trigger sweep, ADL's
    /// winners looked for on their side only (by entry once ADL runs often).
    Fast,
    /// One position at a time: no batches, no cached start state, no open-position sums, every
    /// order through the queue, every position looked at for ADL's winners.
    Reference,
}

impl<'a> LiquidationEngine<'a> {
    /// The engine for a run on `table` under `rules`, taking every shortcut the table allows.
    pub fn new(table: &'a PositionTable, rules: &'a Venue) -> LiquidationEngine<'a> {
        let start = table.start();
        let warm = start.warm();
        let mut engine = LiquidationEngine::with_start(table, rules, start);
        engine.warm = warm;
        engine.open_sums = warm.and_then(|warm| warm.open_sums);
        engine.whole = warm.and_then(|warm| WholeCloses::of(table, start, warm));
        engine.whole_only = !rules.partial_liquidation
            && rules.max_liquidation_usd_per_step.is_none()
            && rules.clips.is_none()
            && rules.block_limits.is_none()
            && rules.liquidation_band_pct.is_none();
        engine.winners.plain = false;
        engine
    }

    /// The reference engine ([`Path::Reference`]) from `start`, the table's start state computed
    /// the plain way ([`StartState::plain`]).
    pub fn reference(
        table: &'a PositionTable,
        rules: &'a Venue,
        start: &'a StartState,
    ) -> LiquidationEngine<'a> {
        LiquidationEngine::with_start(table, rules, start)
    }

    /// The engine with every shortcut off.
    fn with_start(
        table: &'a PositionTable,
        rules: &'a Venue,
        start: &'a StartState,
    ) -> LiquidationEngine<'a> {
        let n = table.len();
        let collateral_in = start.collateral_total;
        let fund = money::money(rules.insurance_fund_usd);
        LiquidationEngine {
            table,
            rules,
            start,
            warm: None,
            open_sums: None,
            whole: None,
            side: &table.side,
            status: vec![Status::default(); n],
            own: None,
            cursor: table.groups.iter().map(|group| group.start).collect(),
            long_heap: RearmHeap::default(),
            short_heap: RearmHeap::default(),
            queue: VecDeque::new(),
            winners: Winners::plain(),
            whole_only: false,
            ready: Vec::new(),
            open_collateral: collateral_in,
            open_interest: start.open_interest,
            group_open: start.group_size.clone(),
            changed_groups: vec![false; table.groups.len()],
            ledger: Ledger::new(collateral_in, fund),
            margin_multiplier: 1.0,
            step_s: 1.0,
            round: 0,
            cooldown_until: Vec::new(),
            band_room: None,
            backstop: Vec::new(),
            backstopped_usd: 0.0,
            partial_liquidations: 0,
            liquidated_count_long: 0,
            liquidated_count_short: 0,
            liquidated_fill_usd_long: 0.0,
            liquidated_fill_usd_short: 0.0,
        }
    }

    /// Measures what `book` holds within the venue's liquidation band around `mark`, for this
    /// step's orders (nothing without a band). A price already beyond the band leaves no room.
    pub fn set_band_room(&mut self, book: &crate::market::OrderBook, mark: f64) {
        self.band_room = self.rules.liquidation_band_pct.map(|band| {
            let sells = book.coins_to_reach(mark * (1.0 - band / 100.0)).max(0.0);
            let buys = (-book.coins_to_reach(mark * (1.0 + band / 100.0))).max(0.0);
            (sells, buys)
        });
    }

    /// Tells the engine how long a step lasts (for clips' cooldowns; 1 s until told).
    pub fn set_step_s(&mut self, step_s: f64) {
        self.step_s = step_s;
    }

    /// Number of positions (open or closed).
    pub fn len(&self) -> usize {
        self.status.len()
    }

    pub fn is_empty(&self) -> bool {
        self.status.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::analysis::examples;
    use crate::market::OrderBook;
    use crate::scenario::Scenario;

    fn decimal_fixed(value: f64) -> Decimal {
        Money::from_units(money::fixed(value))
            .to_decimal()
            .expect("in range")
    }

    /// Liquidates everything the mark has crossed at `mark`, as one timeline step does.
    fn liquidate_at(venue: &mut LiquidationEngine, book: &mut OrderBook, mark: f64) {
        venue.collect_triggered(mark);
        let orders = venue.take_orders(mark);
        assert!(!orders.is_empty());
        venue.liquidate(&orders, book, mark);
    }

    #[test]
    fn inverse_adl_notional_is_in_coin() {
        // A 10x long of 10,000 contracts at 100 (bankrupt at 100 * 10 / 11) and a profitable
        // short; an empty fund, so the long's loss past bankruptcy goes to ADL.
        let scenario = Scenario::from_json(
            r#"{"version": 1,
                "market": {"price": 100.0, "contract": "inverse",
                           "book": {"profile": "linear", "depth_1pct_usd": 1e9}},
                "positions": {"list": [
                    {"side": "long", "notional_usd": 10000, "entry": 100, "leverage": 10},
                    {"side": "short", "notional_usd": 20000, "entry": 100, "leverage": 2}]},
                "venue": {"maintenance_margin": 0.005, "adl": "queue"},
                "shock": {"kind": "instant", "pct": -20}}"#,
        )
        .unwrap();
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut book = OrderBook::new(&scenario.market);
        book.move_top_to(80.0);
        liquidate_at(&mut venue, &mut book, 80.0);
        let bankruptcy = 100.0 * 10.0 / 11.0;
        let expected = money::money(10_000.0 / bankruptcy);
        assert_eq!(venue.ledger.adl_notional, expected);
        assert_eq!(venue.liquidated_count_long, 1);
    }

    /// The same bankrupt short deleverages a different long first by BitMEX's ranking (PnL%
    /// times effective leverage) than by Hyperliquid's (price over entry times effective
    /// leverage): a 190x long from 85 has far the larger PnL%, a 100x long from 99.5 the larger
    /// index at a mark of 120 (scores by hand: 265 against 115, and 4.78 against 6.73).
    #[test]
    fn each_adl_ranking_takes_its_own_first_winner() {
        let closed_first = |ranking: &str| {
            let scenario = Scenario::from_json(&format!(
                r#"{{"version": 1,
                    "market": {{"price": 100.0, "book": {{"profile": "linear", "depth_1pct_usd": 1e12}}}},
                    "positions": {{"list": [
                        {{"side": "short", "notional_usd": 5000, "entry": 100, "leverage": 100}},
                        {{"side": "long", "notional_usd": 9950, "entry": 99.5, "leverage": 100}},
                        {{"side": "long", "notional_usd": 8500, "entry": 85, "leverage": 190}}]}},
                    "venue": {{"maintenance_margin": 0.005, "adl": "queue", "adl_ranking": "{ranking}"}},
                    "shock": {{"kind": "instant", "pct": 20}}}}"#
            ))
            .unwrap();
            let table = PositionTable::build(&scenario);
            let mut venue = LiquidationEngine::new(&table, &scenario.venue);
            let mut book = OrderBook::new(&scenario.market);
            book.move_top_to(120.0);
            liquidate_at(&mut venue, &mut book, 120.0);
            assert!(venue.ledger.adl_notional > money::money(0.0), "{ranking}");
            let reduced: Vec<f64> = (0..venue.len())
                .filter(|&i| {
                    let start = if table.entry[i] == 85.0 {
                        8_500.0
                    } else {
                        9_950.0
                    };
                    venue.side[i] == Side::Long && venue.size(i) < start
                })
                .map(|i| table.entry[i])
                .collect();
            assert_eq!(reduced.len(), 1, "{ranking}: one winner is enough");
            reduced[0]
        };
        assert_eq!(closed_first("pnl_times_leverage"), 85.0);
        assert_eq!(closed_first("pnl_times_margin_ratio"), 85.0);
        assert_eq!(closed_first("price_ratio_times_leverage"), 99.5);
    }

    #[test]
    fn open_positions_are_marked_as_one_exact_sum() {
        let scenario = examples::mixed();
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut book = OrderBook::new(&scenario.market);
        liquidate_at(&mut venue, &mut book, 93.0);
        venue.add_collateral(7, 123.456);
        venue.reduce_voluntarily(11, 0.3, 94.5);
        let mark = 95.123_456_78;
        // The same sum in decimals: coins and prices to 8 places, products exact, one rounding.
        let (mut pnl, mut collateral) = (Decimal::ZERO, Decimal::ZERO);
        for i in 0..venue.len() {
            collateral += venue.collateral(i).to_decimal().unwrap();
            if !venue.is_open(i) {
                continue;
            }
            let entry = table.entry[i];
            let coins = decimal_fixed(venue.size(i) / entry);
            let sign = if venue.side[i] == Side::Long {
                Decimal::ONE
            } else {
                Decimal::NEGATIVE_ONE
            };
            pnl += sign * coins * (decimal_fixed(mark) - decimal_fixed(entry));
        }
        let pnl = pnl.round_dp(money::MONEY_DP);
        let (equity, open_pnl) = venue.mark_open(mark);
        assert_eq!(open_pnl.to_decimal(), Some(pnl));
        assert_eq!(equity.to_decimal(), Some(collateral + pnl));
    }
}
