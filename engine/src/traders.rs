//! Traders' adjustment (top-ups, pre-emptive de-leveraging, dip buyers) and algorithmic agents
//! (predatory sellers). Each is a small state machine the timeline calls once per step.

use std::collections::VecDeque;

use crate::market::OrderBook;
use crate::positions::{crossed, PositionTable};
use crate::scenario::{Delever, DipBuyers, Predators, Side, TopUp};
use crate::solve::crossing::{crossed_count, size_before};
use crate::venue::LiquidationEngine;

/// Positions that add collateral when the mark comes within `alert_pct` of their liquidation
/// price, after a reaction delay, once, with a budget of `budget_multiple` times their margin.
pub struct TopUps {
    rules: TopUp,
    delay_steps: u32,
    /// Next position (trigger order) whose alert price is still ahead, per group.
    cursor: Vec<usize>,
    due: VecDeque<(u32, u32)>,
    pub count: u64,
}

impl TopUps {
    pub fn new(rules: &TopUp, table: &PositionTable, step_s: f64) -> TopUps {
        TopUps {
            rules: rules.clone(),
            delay_steps: libm::ceil(rules.delay_s / step_s) as u32,
            cursor: table.groups.iter().map(|group| group.start).collect(),
            due: VecDeque::new(),
            count: 0,
        }
    }

    /// Notices positions the mark has come close to, and executes top-ups that are due.
    pub fn step(&mut self, step: u32, mark: f64, venue: &mut LiquidationEngine) {
        let table = venue.table;
        let factor = self.rules.alert_pct / 100.0;
        for (g, group) in table.groups.iter().enumerate() {
            let mut i = self.cursor[g];
            while i < group.end {
                let original = table.liquidation_price[i];
                let alert = match group.side {
                    Side::Long => original * (1.0 + factor),
                    Side::Short => original * (1.0 - factor),
                };
                if !crossed(group.side, mark, alert) {
                    break;
                }
                if table.behaviour_draw[i] < self.rules.share {
                    self.due.push_back((step + self.delay_steps, i as u32));
                }
                i += 1;
            }
            self.cursor[g] = i;
        }
        while let Some(&(at, index)) = self.due.front() {
            if at > step {
                break;
            }
            self.due.pop_front();
            let i = index as usize;
            if venue.is_open(i) && !venue.is_pending(i) {
                let amount = venue.collateral_f(i) * self.rules.budget_multiple;
                if amount > 0.0 {
                    venue.add_collateral(i, amount);
                    self.count += 1;
                }
            }
        }
    }
}

/// Positions that cut size when realized volatility crosses a threshold (once per run).
pub struct Delevering {
    rules: Delever,
    done: bool,
    pub notional: f64,
}

impl Delevering {
    pub fn new(rules: &Delever) -> Delevering {
        Delevering {
            rules: rules.clone(),
            done: false,
            notional: 0.0,
        }
    }

    /// Standard deviation of per-step returns over the window, percent.
    fn realized_volatility_pct(&self, history: &[f64]) -> f64 {
        let window = self.rules.window_steps as usize;
        if history.len() < window + 1 {
            return 0.0;
        }
        let recent = &history[history.len() - window - 1..];
        let returns: Vec<f64> = recent
            .windows(2)
            .map(|pair| (pair[1] / pair[0] - 1.0) * 100.0)
            .collect();
        let mean = returns.iter().sum::<f64>() / returns.len() as f64;
        let variance =
            returns.iter().map(|r| (r - mean) * (r - mean)).sum::<f64>() / returns.len() as f64;
        libm::sqrt(variance)
    }

    /// When volatility crosses the threshold, the de-leveraging share closes `fraction` of every
    /// open position with market orders; returns the coins sold (net, negative: bought).
    pub fn step(
        &mut self,
        history: &[f64],
        mark: f64,
        book: &mut OrderBook,
        venue: &mut LiquidationEngine,
    ) {
        if self.done || self.realized_volatility_pct(history) < self.rules.volatility_threshold_pct
        {
            return;
        }
        self.done = true;
        let threshold = 1.0 - self.rules.share;
        let members: Vec<usize> = (0..venue.len())
            .filter(|&i| {
                venue.table.behaviour_draw[i] >= threshold
                    && venue.is_open(i)
                    && !venue.is_pending(i)
            })
            .collect();
        for side in [Side::Long, Side::Short] {
            let side_members: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&i| venue.side[i] == side)
                .collect();
            let coins: f64 = side_members
                .iter()
                .map(|&i| venue.coins(i, self.rules.fraction, mark))
                .sum();
            if coins <= 0.0 {
                continue;
            }
            let fill = book.trade(if side == Side::Long { coins } else { -coins });
            for i in side_members {
                self.notional += venue.reduce_voluntarily(i, self.rules.fraction, fill);
            }
        }
    }
}

/// Dip buyers: below `discount_pct` under fair value (the book's exogenous level) they buy up to
/// the discount level, at most `max_per_step_usd` a step, until their capacity is spent.
pub struct DipBuying {
    rules: DipBuyers,
    pub spent_usd: f64,
}

impl DipBuying {
    pub fn new(rules: &DipBuyers) -> DipBuying {
        DipBuying {
            rules: rules.clone(),
            spent_usd: 0.0,
        }
    }

    pub fn step(&mut self, book: &mut OrderBook) {
        let floor = book.top() * (1.0 - self.rules.discount_pct / 100.0);
        let last = book.last();
        if last >= floor {
            return;
        }
        let budget = (self.rules.capacity_usd - self.spent_usd).min(self.rules.max_per_step_usd);
        if budget <= 0.0 {
            return;
        }
        let wanted = -book.coins_to_reach(floor);
        let coins = wanted.min(budget / last);
        if coins > 0.0 {
            let fill = book.trade(-coins);
            self.spent_usd += coins * fill;
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Hunt {
    Watching,
    Building { steps_left: u32 },
    Covering,
    Done,
}

/// Predatory sellers (Brunnermeier-Pedersen 2005): seeing liquidatable notional within reach in
/// the shock's direction, they trade ahead of it for `sell_steps`, then buy back from the forced
/// sellers during the flush (at least a steady pace), and report their PnL.
pub struct Predation {
    rules: Predators,
    /// +1: they sell into long clusters below; -1: they buy into short clusters above.
    direction: f64,
    state: Hunt,
    inventory_coins: f64,
    pub cash_usd: f64,
}

impl Predation {
    pub fn new(rules: &Predators, shock_direction: f64) -> Predation {
        Predation {
            rules: rules.clone(),
            direction: if shock_direction < 0.0 { 1.0 } else { -1.0 },
            state: Hunt::Watching,
            inventory_coins: 0.0,
            cash_usd: 0.0,
        }
    }

    /// Liquidatable notional (static estimate) between `mark` and `distance_pct` beyond it.
    fn cluster_usd(&self, table: &PositionTable, mark: f64) -> f64 {
        let side = if self.direction > 0.0 {
            Side::Long
        } else {
            Side::Short
        };
        let far = mark * (1.0 - self.direction * self.rules.distance_pct / 100.0);
        table
            .groups
            .iter()
            .filter(|group| group.side == side && group.scale > 0.0)
            .map(|group| {
                let near = crossed_count(table, group, mark);
                let beyond = crossed_count(table, group, far);
                group.scale * (size_before(table, group, beyond) - size_before(table, group, near))
            })
            .sum()
    }

    /// One step; `forced_coins` is what liquidations sold (in the hunted direction) last step.
    pub fn step(
        &mut self,
        table: &PositionTable,
        mark: f64,
        forced_coins: f64,
        book: &mut OrderBook,
    ) {
        let step_usd = self.rules.capital_usd / self.rules.sell_steps as f64;
        match self.state {
            Hunt::Watching => {
                let cluster = self.cluster_usd(table, mark);
                if cluster > 0.0
                    && cluster >= self.rules.min_cluster_usd
                    && self.rules.capital_usd > 0.0
                {
                    self.state = Hunt::Building {
                        steps_left: self.rules.sell_steps,
                    };
                }
            }
            Hunt::Building { .. } | Hunt::Covering | Hunt::Done => {}
        }
        match self.state {
            Hunt::Building { steps_left } => {
                let coins = step_usd / book.last();
                let fill = book.trade(self.direction * coins);
                self.inventory_coins += coins;
                self.cash_usd += self.direction * coins * fill;
                self.state = if steps_left <= 1 {
                    Hunt::Covering
                } else {
                    Hunt::Building {
                        steps_left: steps_left - 1,
                    }
                };
            }
            Hunt::Covering => {
                let pace = self
                    .inventory_coins
                    .min(forced_coins.max(step_usd / book.last()));
                if pace > 0.0 {
                    let fill = book.trade(-self.direction * pace);
                    self.inventory_coins -= pace;
                    self.cash_usd -= self.direction * pace * fill;
                }
                if self.inventory_coins <= 1e-12 {
                    self.state = Hunt::Done;
                }
            }
            Hunt::Watching | Hunt::Done => {}
        }
    }

    /// Profit so far, with any inventory left marked at `mark`.
    pub fn pnl_usd(&self, mark: f64) -> f64 {
        self.cash_usd - self.direction * self.inventory_coins * mark
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    /// A linear book at 100 with 10,000 coins (1M USD) per 1% of depth, the listed positions
    /// (`side, notional USD, entry, leverage`), 0.5% maintenance margin, one-second steps.
    fn scenario(positions: &[(&str, f64, f64, f64)]) -> Scenario {
        let list: Vec<String> = positions
            .iter()
            .map(|(side, notional, entry, leverage)| {
                format!(
                    r#"{{"side": "{side}", "notional_usd": {notional}, "entry": {entry}, "leverage": {leverage}}}"#
                )
            })
            .collect();
        Scenario::from_json(&format!(
            r#"{{"version": 1, "seed": 7,
                "market": {{"price": 100.0, "book": {{"profile": "linear", "depth_1pct_usd": 1000000.0}}}},
                "positions": {{"list": [{}]}}, "venue": {{"maintenance_margin": 0.005}},
                "shock": {{"kind": "instant", "pct": -5.0}}, "run": {{"steps": 100, "step_s": 1.0}}}}"#,
            list.join(",")
        ))
        .expect("the test scenario is valid")
    }

    /// The index of the position whose liquidation price is nearest `price`.
    fn nearest(table: &PositionTable, price: f64) -> usize {
        (0..table.len())
            .min_by(|&a, &b| {
                let distance = |i: usize| (table.liquidation_price[i] - price).abs();
                distance(a).total_cmp(&distance(b))
            })
            .expect("the table has positions")
    }

    fn top_up(share: f64, alert_pct: f64, delay_s: f64) -> TopUp {
        TopUp {
            share,
            alert_pct,
            delay_s,
            budget_multiple: 1.0,
        }
    }

    #[test]
    fn a_top_up_lands_after_the_delay_once_the_mark_nears_the_liquidation_price() {
        let scenario = scenario(&[("long", 10_000.0, 100.0, 10.0)]);
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let liquidation = table.liquidation_price[0];
        assert!((90.0..91.0).contains(&liquidation), "{liquidation}");
        let collateral = venue.collateral_f(0);
        let mut top_ups = TopUps::new(&top_up(1.0, 5.0, 2.0), &table, 1.0);

        // Outside the alert distance (5% above the liquidation price): nothing happens.
        top_ups.step(0, liquidation * 1.06, &mut venue);
        // Inside it: noticed now, added two steps later.
        top_ups.step(1, liquidation * 1.04, &mut venue);
        top_ups.step(2, liquidation * 1.04, &mut venue);
        assert_eq!((top_ups.count, venue.collateral_f(0)), (0, collateral));
        top_ups.step(3, liquidation * 1.04, &mut venue);
        assert_eq!(top_ups.count, 1);
        assert!((venue.collateral_f(0) - 2.0 * collateral).abs() < 1e-6);
        assert!(
            venue.trigger(0) < liquidation,
            "more margin: liquidated lower"
        );
        // Once per position.
        for step in 4..20 {
            top_ups.step(step, liquidation * 1.01, &mut venue);
        }
        assert_eq!(top_ups.count, 1);
    }

    #[test]
    fn only_the_top_up_share_and_only_positions_the_mark_came_near_top_up() {
        let scenario = scenario(&[
            ("long", 10_000.0, 100.0, 10.0),
            ("long", 10_000.0, 100.0, 4.0),
            ("short", 10_000.0, 100.0, 10.0),
        ]);
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let near = nearest(&table, 90.5);
        let collaterals: Vec<f64> = (0..table.len()).map(|i| venue.collateral_f(i)).collect();
        // The mark falls to within 2% of the 10x long only: the 4x long and the short are far.
        let mut everyone = TopUps::new(&top_up(1.0, 2.0, 0.0), &table, 1.0);
        everyone.step(0, table.liquidation_price[near] * 1.01, &mut venue);
        assert_eq!(everyone.count, 1);
        for (i, before) in collaterals.iter().enumerate() {
            let grew = venue.collateral_f(i) > *before;
            assert_eq!(grew, i == near, "position {i}");
        }
        // Nobody in the share: nobody tops up.
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut nobody = TopUps::new(&top_up(0.0, 2.0, 0.0), &table, 1.0);
        nobody.step(0, table.liquidation_price[near] * 1.01, &mut venue);
        assert_eq!(nobody.count, 0);
    }

    #[test]
    fn a_short_tops_up_when_the_mark_rises_towards_its_liquidation_price() {
        let scenario = scenario(&[("short", 10_000.0, 100.0, 10.0)]);
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let liquidation = table.liquidation_price[0];
        assert!(liquidation > 100.0);
        let mut top_ups = TopUps::new(&top_up(1.0, 2.0, 0.0), &table, 1.0);
        top_ups.step(0, liquidation * 0.97, &mut venue);
        assert_eq!(top_ups.count, 0);
        top_ups.step(1, liquidation * 0.99, &mut venue);
        assert_eq!(top_ups.count, 1);
        assert!(
            venue.trigger(0) > liquidation,
            "more margin: liquidated higher"
        );
    }

    fn delever(share: f64, threshold_pct: f64) -> Delever {
        Delever {
            share,
            volatility_threshold_pct: threshold_pct,
            window_steps: 4,
            fraction: 0.5,
        }
    }

    #[test]
    fn volatility_is_the_standard_deviation_of_returns_over_the_window() {
        let rules = Delevering::new(&delever(1.0, 1.0));
        assert_eq!(
            rules.realized_volatility_pct(&[100.0, 101.0, 102.0]),
            0.0,
            "too short"
        );
        assert_eq!(rules.realized_volatility_pct(&[100.0; 8]), 0.0, "flat");
        // Returns +10%, -10%, +10%, -10% (the oldest price is outside the window).
        let zigzag = [50.0, 100.0, 110.0, 99.0, 108.9, 98.01];
        let volatility = rules.realized_volatility_pct(&zigzag);
        assert!((volatility - 10.0).abs() < 1e-9, "{volatility}");
    }

    #[test]
    fn past_the_volatility_threshold_the_share_cuts_its_positions_once() {
        let scenario = scenario(&[
            ("long", 20_000.0, 100.0, 5.0),
            ("short", 10_000.0, 100.0, 5.0),
        ]);
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut book = OrderBook::new(&scenario.market);
        let sizes: Vec<f64> = (0..table.len()).map(|i| venue.size(i)).collect();
        let mut delevering = Delevering::new(&delever(1.0, 5.0));

        let calm = [100.0, 100.5, 100.0, 100.5, 100.0];
        delevering.step(&calm, 100.0, &mut book, &mut venue);
        assert_eq!(delevering.notional, 0.0);
        assert_eq!(book.consumed(), 0.0);

        let wild = [100.0, 110.0, 99.0, 108.9, 98.01];
        delevering.step(&wild, 100.0, &mut book, &mut venue);
        for (i, size) in sizes.iter().enumerate() {
            assert!(
                (venue.size(i) - size * 0.5).abs() < 1e-6,
                "position {i} halved"
            );
        }
        // 100 coins of longs sold, 50 of shorts bought back: 50 net sold into the book.
        assert!((book.consumed() - 50.0).abs() < 1e-6, "{}", book.consumed());
        assert!(
            (delevering.notional - 15_000.0).abs() < 50.0,
            "{}",
            delevering.notional
        );
        // Once per run.
        let notional = delevering.notional;
        delevering.step(&wild, 100.0, &mut book, &mut venue);
        assert_eq!(delevering.notional, notional);
    }

    #[test]
    fn outside_the_delever_share_nobody_cuts() {
        let scenario = scenario(&[("long", 20_000.0, 100.0, 5.0)]);
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut book = OrderBook::new(&scenario.market);
        let size = venue.size(0);
        let mut delevering = Delevering::new(&delever(0.0, 5.0));
        delevering.step(
            &[100.0, 110.0, 99.0, 108.9, 98.01],
            100.0,
            &mut book,
            &mut venue,
        );
        assert_eq!((venue.size(0), delevering.notional), (size, 0.0));
        assert_eq!(book.consumed(), 0.0);
    }

    fn dip_buyers(capacity_usd: f64, max_per_step_usd: f64) -> DipBuyers {
        DipBuyers {
            capacity_usd,
            discount_pct: 5.0,
            max_per_step_usd,
        }
    }

    #[test]
    fn dip_buyers_wait_for_the_discount() {
        let scenario = scenario(&[("long", 1_000.0, 100.0, 2.0)]);
        let mut book = OrderBook::new(&scenario.market);
        let mut buyers = DipBuying::new(&dip_buyers(1e9, 1e9));
        buyers.step(&mut book);
        book.trade(40_000.0); // 4% down: not yet a 5% discount.
        buyers.step(&mut book);
        assert_eq!(buyers.spent_usd, 0.0);
        assert!((book.last() - 96.0).abs() < 1e-9);
    }

    #[test]
    fn dip_buyers_lift_the_price_back_to_the_discount_level_and_no_further() {
        let scenario = scenario(&[("long", 1_000.0, 100.0, 2.0)]);
        let mut book = OrderBook::new(&scenario.market);
        book.trade(100_000.0); // 10% down.
        let mut buyers = DipBuying::new(&dip_buyers(1e9, 1e9));
        buyers.step(&mut book);
        assert!((book.last() - 95.0).abs() < 1e-6, "{}", book.last());
        // 50,000 coins bought between 90 and 95.
        assert!(
            (buyers.spent_usd - 50_000.0 * 92.5).abs() < 1.0,
            "{}",
            buyers.spent_usd
        );
        let spent = buyers.spent_usd;
        buyers.step(&mut book);
        assert_eq!(buyers.spent_usd, spent, "at the discount level they stop");
    }

    #[test]
    fn dip_buyers_keep_to_their_pace_and_their_capacity() {
        let scenario = scenario(&[("long", 1_000.0, 100.0, 2.0)]);
        let mut book = OrderBook::new(&scenario.market);
        book.trade(100_000.0);
        let mut buyers = DipBuying::new(&dip_buyers(2_500_000.0, 1_000_000.0));
        let mut spent = Vec::new();
        for _ in 0..5 {
            let before = book.last();
            buyers.step(&mut book);
            spent.push(buyers.spent_usd);
            if spent.len() == 1 {
                // A step's order is sized at the last price; its own impact makes it cost a
                // little more (here under 1%).
                assert!(buyers.spent_usd > 1_000_000.0 && buyers.spent_usd < 1_010_000.0);
                assert!(book.last() > before);
            }
        }
        // Three steps spend the capacity (the last one the rest); then they are done.
        assert!(
            spent[1] > 2_000_000.0 && spent[1] < 2_020_000.0,
            "{spent:?}"
        );
        assert_eq!(spent[2], spent[3]);
        assert_eq!(spent[3], spent[4]);
        assert!(
            spent[4] >= 2_500_000.0 && spent[4] < 2_510_000.0,
            "{spent:?}"
        );
        assert!(
            book.last() < 95.0,
            "capacity ran out before the discount level"
        );
    }

    fn predators(capital_usd: f64, min_cluster_usd: f64) -> Predators {
        Predators {
            capital_usd,
            distance_pct: 10.0,
            min_cluster_usd,
            sell_steps: 3,
        }
    }

    /// Longs at 20x (liquidated near 95.5), within a 10% reach of the mark at 100.
    fn cluster() -> Scenario {
        scenario(&[
            ("long", 500_000.0, 100.0, 20.0),
            ("long", 500_000.0, 100.0, 20.0),
        ])
    }

    #[test]
    fn predators_ignore_clusters_out_of_reach_or_too_small() {
        let scenario = cluster();
        let table = PositionTable::build(&scenario);
        for (rules, mark) in [
            (predators(1_000_000.0, 1e12), 100.0), // too small
            (predators(1_000_000.0, 0.0), 120.0),  // more than 10% away
            (predators(0.0, 0.0), 100.0),          // no capital
        ] {
            let mut book = OrderBook::new(&scenario.market);
            let mut hunt = Predation::new(&rules, -5.0);
            for _ in 0..10 {
                hunt.step(&table, mark, 0.0, &mut book);
            }
            assert_eq!(hunt.cash_usd, 0.0, "{rules:?} at {mark}");
            assert_eq!(book.consumed(), 0.0);
        }
        // An upward shock hunts shorts above: these longs are no prey.
        let mut book = OrderBook::new(&scenario.market);
        let mut hunt = Predation::new(&predators(1_000_000.0, 0.0), 5.0);
        hunt.step(&table, 100.0, 0.0, &mut book);
        assert_eq!(book.consumed(), 0.0);
    }

    #[test]
    fn predators_sell_ahead_of_the_cluster_then_buy_back_from_the_forced_sellers() {
        let scenario = cluster();
        let table = PositionTable::build(&scenario);
        let mut book = OrderBook::new(&scenario.market);
        let mut hunt = Predation::new(&predators(3_000_000.0, 100_000.0), -5.0);
        // Three steps of building: a million USD sold each.
        let mut prices = vec![book.last()];
        for _ in 0..3 {
            hunt.step(&table, 100.0, 0.0, &mut book);
            prices.push(book.last());
        }
        assert!(
            prices.windows(2).all(|pair| pair[1] < pair[0]),
            "{prices:?}"
        );
        let sold = book.consumed();
        assert!(sold > 29_000.0 && sold < 31_000.0, "{sold}");
        assert!(hunt.cash_usd > 2_900_000.0 && hunt.cash_usd < 3_000_000.0);
        // Covering: at least their steady pace, more when forced sellers give them more.
        hunt.step(&table, prices[3], 20_000.0, &mut book);
        let after_cover = book.consumed();
        assert!(
            (sold - after_cover - 20_000.0).abs() < 1e-6,
            "{after_cover}"
        );
        for _ in 0..10 {
            hunt.step(&table, book.last(), 0.0, &mut book);
        }
        assert!(book.consumed().abs() < 1e-6, "every coin bought back");
        let pnl = hunt.pnl_usd(book.last());
        assert_eq!(pnl, hunt.cash_usd, "no inventory left");
        // Alone on a book that does not refill, the round trip nets nothing: what their
        // selling pushed the price down, their buying pushes back up along the same depth.
        assert!(pnl.abs() < 1e-3, "{pnl}");
        // Done: they do not hunt again.
        hunt.step(&table, 100.0, 0.0, &mut book);
        assert!(book.consumed().abs() < 1e-6);
    }

    #[test]
    fn predators_profit_when_the_flush_moves_the_price_before_they_cover() {
        let scenario = cluster();
        let table = PositionTable::build(&scenario);
        let mut book = OrderBook::new(&scenario.market);
        let mut hunt = Predation::new(&predators(3_000_000.0, 0.0), -5.0);
        for _ in 0..3 {
            hunt.step(&table, 100.0, 0.0, &mut book);
        }
        // The flush: forced sellers push the price down before the predators buy back.
        book.trade(100_000.0);
        let mark = book.last();
        assert!(hunt.pnl_usd(mark) > 0.0, "marked at the flushed price");
        hunt.step(&table, mark, 1e9, &mut book);
        assert!(hunt.cash_usd > 0.0, "bought back below where they sold");
        assert_eq!(hunt.pnl_usd(1.0), hunt.cash_usd, "done in one step");
    }
}
