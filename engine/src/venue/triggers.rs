//! Triggers and the liquidation queue: which positions the mark has crossed, and how much of each
//! is liquidated this step (partial liquidation, the throughput cap).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::positions::crossed;
use crate::scenario::{Contract, Side};

use super::{LiquidationEngine, Order};

/// A position whose trigger moved (top-up, partial liquidation, de-leveraging), kept in a heap by
/// the mark at which it is next liquidated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Rearmed {
    /// Larger key is reached first: the trigger for longs, minus the trigger for shorts.
    key: f64,
    index: u32,
}

impl Rearmed {
    pub(super) fn new(key: f64, index: u32) -> Rearmed {
        Rearmed { key, index }
    }
}

impl Eq for Rearmed {}

impl PartialOrd for Rearmed {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rearmed {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key
            .total_cmp(&other.key)
            .then(other.index.cmp(&self.index))
    }
}

/// Fewest entries a heap of moved triggers holds before it is pruned (1 MiB): below it, pruning
/// would cost more than the memory it frees.
const PRUNE_AT_LEAST: usize = 1 << 16;

/// One side's moved triggers. A position moved again leaves its old entry behind (stale: the
/// trigger is no longer its own, or it closed); stale entries are dropped when they are popped, and
/// the whole heap is pruned once it has doubled since its last pruning, so it never holds more
/// than about twice the side's changed open positions, or [`PRUNE_AT_LEAST`] (pro-rata ADL moves
/// every winner's trigger every step it runs).
#[derive(Clone)]
pub(super) struct RearmHeap {
    heap: BinaryHeap<Rearmed>,
    prune_at: usize,
    /// Scratch marks, one per position, all false between prunings.
    seen: Vec<bool>,
}

impl Default for RearmHeap {
    fn default() -> Self {
        RearmHeap {
            heap: BinaryHeap::new(),
            prune_at: PRUNE_AT_LEAST,
            seen: Vec::new(),
        }
    }
}

impl RearmHeap {
    pub(super) fn len(&self) -> usize {
        self.heap.len()
    }

    /// Replaces the heap with `entries` (one heap build), pruned from then on as it grows.
    pub(super) fn rebuild(&mut self, entries: Vec<Rearmed>) {
        self.prune_at = (2 * entries.len()).max(PRUNE_AT_LEAST);
        self.heap = BinaryHeap::from(entries);
    }
}

impl<'a> LiquidationEngine<'a> {
    /// Recomputes position `i`'s trigger after its size or collateral changed and files it in the
    /// heap of moved triggers.
    pub fn rearm(&mut self, i: usize) {
        if !self.is_open(i) {
            return;
        }
        let terms = self.terms(i);
        let (rate, deduction) = self.maintenance(terms.size, terms.entry);
        let trigger = terms.liquidation_price(rate, deduction);
        self.make_own(i).trigger[i] = trigger;
        let side = self.side[i];
        let key = match side {
            Side::Long => trigger,
            Side::Short => -trigger,
        };
        let heap = self.rearm_heap(side);
        heap.heap.push(Rearmed {
            key,
            index: i as u32,
        });
        if heap.heap.len() >= heap.prune_at {
            self.prune(side);
        }
    }

    fn rearm_heap(&mut self, side: Side) -> &mut RearmHeap {
        match side {
            Side::Long => &mut self.long_heap,
            Side::Short => &mut self.short_heap,
        }
    }

    /// Drops the entries of `side`'s heap that popping would drop without effect: those of closed
    /// positions, those whose trigger is no longer the position's own, and repeats (a position's
    /// live entries all hold its one trigger, so they are crossed together, and the second finds
    /// the position already queued). What the heap pops next is unchanged: the order is total
    /// (key, then index). An entry with a NaN key is kept whatever its position's state: it is
    /// never crossed, so where it sits it stops the sweep, as it did before pruning. One pass and
    /// a heapify, so pruning a heap that doubled costs O(1) per entry pushed.
    fn prune(&mut self, side: Side) {
        let n = self.len();
        let heap = self.rearm_heap(side);
        let mut entries = std::mem::take(&mut heap.heap).into_vec();
        let mut seen = std::mem::take(&mut heap.seen);
        seen.resize(n, false);
        entries.retain(|entry| {
            if entry.key.is_nan() {
                return true;
            }
            let i = entry.index as usize;
            let trigger = match side {
                Side::Long => entry.key,
                Side::Short => -entry.key,
            };
            let live = !seen[i]
                && self.is_open(i)
                && self.own(i).map(|own| own.trigger[i]) == Some(trigger);
            seen[i] |= live;
            live
        });
        for entry in &entries {
            seen[entry.index as usize] = false;
        }
        let heap = self.rearm_heap(side);
        heap.seen = seen;
        heap.prune_at = (2 * entries.len()).max(PRUNE_AT_LEAST);
        heap.heap = BinaryHeap::from(entries);
    }

    /// Entries in the heaps of moved triggers, stale ones included (bounded by pruning).
    pub fn rearm_heap_len(&self) -> usize {
        self.long_heap.len() + self.short_heap.len()
    }

    /// Queues every open position whose trigger the mark has crossed.
    pub fn collect_triggered(&mut self, mark: f64) {
        for g in 0..self.table.groups.len() {
            let group = &self.table.groups[g];
            let mut i = self.cursor[g];
            while i < group.end {
                // Closed, or with a trigger of its own (in a heap).
                if !self.status[i].is_untouched() || !self.is_open(i) {
                    i += 1;
                    continue;
                }
                if !crossed(group.side, mark, self.table.liquidation_price[i]) {
                    break;
                }
                if self.whole_only {
                    self.ready.push(Order {
                        index: i as u32,
                        fraction: 1.0,
                    });
                } else if !self.is_pending(i) {
                    self.set_pending(i, true);
                    self.queue.push_back(i as u32);
                }
                i += 1;
            }
            self.cursor[g] = i;
        }
        let from_heaps = self.ready.len();
        for side in [Side::Long, Side::Short] {
            loop {
                let heap = &mut self.rearm_heap(side).heap;
                let Some(&top) = heap.peek() else { break };
                let trigger = if side == Side::Long {
                    top.key
                } else {
                    -top.key
                };
                if !crossed(side, mark, trigger) {
                    break;
                }
                heap.pop();
                let i = top.index as usize;
                let current = self.own(i).map(|own| own.trigger[i]);
                if self.is_open(i) && current == Some(trigger) && !self.is_pending(i) {
                    self.set_pending(i, true);
                    if self.whole_only {
                        self.ready.push(Order {
                            index: top.index,
                            fraction: 1.0,
                        });
                    } else {
                        self.queue.push_back(top.index);
                    }
                }
            }
        }
        // Taken at once (the pending mark only kept a position from being collected twice).
        for k in from_heaps..self.ready.len() {
            let i = self.ready[k].index as usize;
            self.set_pending(i, false);
        }
    }

    /// Notional (USD at `mark`) of the open positions still waiting in the liquidation queue:
    /// what a throughput cap, a venue's block limits or a clip's cooldown held back when the run
    /// ended.
    pub fn queued_usd(&self, mark: f64) -> f64 {
        self.queue
            .iter()
            .map(|&index| index as usize)
            .filter(|&i| self.is_open(i))
            .map(|i| self.notional_at(i, mark))
            .sum()
    }

    /// Takes this step's liquidation orders from the queue: partial liquidation sizes each one
    /// down to what restores its margin, and the throughput cap chunks the rest into later steps.
    pub fn take_orders(&mut self, mark: f64) -> Vec<Order> {
        if self.whole_only {
            // Collected this step, all open, each closed whole (a funding payment may have
            // left some pending: they are taken now).
            let ready = std::mem::take(&mut self.ready);
            for order in &ready {
                self.set_pending(order.index as usize, false);
            }
            return ready;
        }
        let mut orders = Vec::new();
        let mut room = self
            .rules
            .max_liquidation_usd_per_step
            .unwrap_or(f64::INFINITY);
        self.round += 1;
        let round = self.round;
        let clips = self.rules.clips.as_ref();
        let limits = self.rules.block_limits.as_ref();
        // Blocks that end within this step (none in a step shorter than a block, until the
        // next block is due).
        let blocks = limits.map_or(0.0, |limits| {
            let ends = |round: u32| libm::floor(f64::from(round) * self.step_s / limits.block_s);
            ends(round) - ends(round - 1)
        });
        // Positions waiting for the next block: queued again, after this step's orders.
        let mut waiting = Vec::new();
        while let Some(&index) = self.queue.front() {
            let i = index as usize;
            if !self.is_open(i) {
                self.queue.pop_front();
                self.set_pending(i, false);
                continue;
            }
            if room <= 0.0 {
                break;
            }
            // Equity and margin at the mark, read once for the backstop and the tier-down.
            let health = (self.rules.partial_liquidation
                || clips.is_some_and(|clips| clips.backstop_below.is_some()))
            .then(|| self.equity_and_margin(i, mark));
            let mut fraction = match health {
                Some(health) if self.rules.partial_liquidation => tier_down(health),
                _ => 1.0,
            };
            // The round a clip sent now ends its cooldown in.
            let mut clip_until = None;
            if let Some(clips) = clips {
                let backstop_due = match (clips.backstop_below, health) {
                    (Some(share), Some((equity, margin))) => equity < share * margin,
                    _ => false,
                };
                if backstop_due {
                    self.queue.pop_front();
                    self.set_pending(i, false);
                    self.backstop.push(Order {
                        index,
                        fraction: 1.0,
                    });
                    continue;
                }
                if self.notional_at(i, mark) > clips.above_usd {
                    if !crossed(self.side[i], mark, self.trigger(i)) {
                        // Clipped back above maintenance (or the mark recovered while it
                        // cooled down): off the queue, its trigger filed again.
                        self.queue.pop_front();
                        self.set_pending(i, false);
                        self.rearm(i);
                        continue;
                    }
                    // Within the cooldown after a clip, an order is for the whole position
                    // (Hyperliquid: "all market liquidation orders for that user will be for
                    // the entire position"), whatever partial liquidation would close; outside
                    // it, the order is a clip, which starts one when it is sent.
                    let cooling_down = self
                        .cooldown_until
                        .get(i)
                        .is_some_and(|&until| round < until);
                    if cooling_down {
                        fraction = 1.0;
                    } else {
                        fraction = fraction.min(clips.share);
                        // `as` saturates: a cooldown longer than any run never ends.
                        let wait = libm::ceil(clips.cooldown_s / self.step_s) as u32;
                        clip_until = Some(round.saturating_add(wait.max(1)));
                    }
                }
            }
            if let Some(limits) = limits {
                if !crossed(self.side[i], mark, self.trigger(i)) {
                    // Back above maintenance after earlier blocks' closes (or the mark
                    // recovered): off the queue, its trigger filed again.
                    self.queue.pop_front();
                    self.set_pending(i, false);
                    self.rearm(i);
                    continue;
                }
                if blocks < 1.0 {
                    self.queue.pop_front();
                    waiting.push(index);
                    continue;
                }
                let notional = self.notional_at(i, mark);
                let allowed = limits.allowance(notional, blocks);
                if allowed < notional {
                    fraction = fraction.min(allowed / notional);
                }
            }
            if let Some((sells, buys)) = self.band_room {
                // The book within the band, per side: an order past it is cut to what fits
                // and the rest of the queue waits, as with the throughput cap.
                let side_room = match self.side[i] {
                    Side::Long => sells,
                    Side::Short => buys,
                };
                if side_room <= 0.0 {
                    break;
                }
                let coins = self.coins(i, fraction, mark);
                let cut = coins > side_room;
                let left = if cut { 0.0 } else { side_room - coins };
                self.band_room = Some(match self.side[i] {
                    Side::Long => (left, buys),
                    Side::Short => (sells, left),
                });
                if cut {
                    self.start_cooldown(i, clip_until);
                    orders.push(Order {
                        index,
                        fraction: fraction * side_room / coins,
                    });
                    break;
                }
            }
            if room.is_finite() {
                let notional = self.notional_at(i, mark) * fraction;
                if notional > room {
                    fraction *= room / notional;
                    self.start_cooldown(i, clip_until);
                    orders.push(Order { index, fraction });
                    break;
                }
                room -= notional;
            }
            self.queue.pop_front();
            self.set_pending(i, false);
            self.start_cooldown(i, clip_until);
            orders.push(Order { index, fraction });
        }
        self.queue.extend(waiting);
        orders
    }

    /// Starts position `i`'s cooldown, to end in round `until`, as its clip is sent (none: the
    /// order sent is no clip).
    fn start_cooldown(&mut self, i: usize, until: Option<u32>) {
        if let Some(until) = until {
            if self.cooldown_until.is_empty() {
                self.cooldown_until.resize(self.len(), 0);
            }
            self.cooldown_until[i] = until;
        }
    }

    /// Position `i`'s equity and maintenance margin at `mark`, in the collateral's currency.
    pub(super) fn equity_and_margin(&self, i: usize, mark: f64) -> (f64, f64) {
        let terms = self.terms(i);
        let (rate, deduction) = self.maintenance(terms.size, terms.entry);
        let margin = match self.contract() {
            Contract::Linear => rate * self.notional_at(i, mark) - deduction,
            Contract::Inverse => rate * terms.size / mark - deduction / terms.entry,
        };
        (terms.equity_at(mark), margin)
    }
}

/// Tier-down: the fraction to close so that equity is twice the remaining maintenance margin,
/// from (equity, maintenance margin); the whole position when that is most of it or equity is
/// gone.
fn tier_down((equity, margin): (f64, f64)) -> f64 {
    if equity <= 0.0 || margin <= 0.0 {
        return 1.0;
    }
    let fraction = (1.0 - equity / (2.0 * margin)).max(0.25);
    if fraction >= 0.9 {
        1.0
    } else {
        fraction
    }
}

#[cfg(test)]
mod clip_tests {
    use crate::positions::PositionTable;
    use crate::scenario::Clips;
    use crate::traders::examples::{deep_book, scenario};
    use crate::venue::LiquidationEngine;

    fn clipped(backstop_below: Option<f64>) -> crate::scenario::Scenario {
        // A 1M USD long at 20x from 100: over the 100k clip size.
        let mut scenario = scenario(&[("long", 1_000_000.0, 100.0, 20.0)]);
        scenario.venue.clips = Some(Clips {
            above_usd: 100_000.0,
            share: 0.2,
            cooldown_s: 30.0,
            backstop_below,
        });
        scenario
    }

    /// The orders (round, fraction) for the 1M long over `marks`, one a 1 s step.
    fn clip_orders(marks: &[f64]) -> (Vec<(usize, f64)>, f64) {
        let scenario = clipped(None);
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        venue.set_step_s(1.0);
        let mut book = deep_book();
        let mut orders_at = Vec::new();
        for (round, &mark) in marks.iter().enumerate() {
            book.move_top_to(mark);
            venue.collect_triggered(mark);
            let orders = venue.take_orders(mark);
            assert!(orders.len() <= 1);
            orders_at.extend(orders.iter().map(|order| (round + 1, order.fraction)));
            venue.liquidate(&orders, &mut book, mark);
        }
        (orders_at, venue.size(0))
    }

    #[test]
    fn a_large_position_goes_to_the_book_a_fifth_first_then_whole_within_the_cooldown() {
        // 4.8% below entry: equity 2,000 against 4,760 of maintenance. A clip at the mark leaves
        // the equity as it was on a smaller position, still under maintenance: within the
        // cooldown the next order is for all of it (Hyperliquid's rule).
        let (orders, left) = clip_orders(&[95.2; 5]);
        assert_eq!(orders, [(1, 0.2), (2, 1.0)]);
        assert_eq!(left, 0.0);
    }

    #[test]
    fn after_the_cooldown_a_position_liquidatable_again_is_clipped_again() {
        // Clipped, then the mark recovers above its liquidation price (off the queue) and falls
        // back 40 s later, after the cooldown: a fifth again, then the rest.
        let mut marks = vec![95.2];
        marks.extend([99.0; 39]);
        marks.extend([95.2; 3]);
        let (orders, left) = clip_orders(&marks);
        assert_eq!(orders, [(1, 0.2), (41, 0.2), (42, 1.0)]);
        assert_eq!(left, 0.0);
    }

    /// Orders' fractions over `rounds` steps of `step_s` for the 1M long at dYdX's block limits.
    fn block_limited_fractions(step_s: f64, rounds: u32) -> Vec<f64> {
        let mut scenario = scenario(&[("long", 1_000_000.0, 100.0, 20.0)]);
        scenario.venue.block_limits = Some(crate::scenario::BlockLimits {
            block_s: 1.0,
            position_share: 0.1,
            position_min_usd: 1_000.0,
            account_max_usd: 100_000.0,
        });
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        venue.set_step_s(step_s);
        let mut book = deep_book();
        // 4.8% below entry, under maintenance (see above); closing part of it at the mark
        // leaves it there.
        let mark = 95.2;
        book.move_top_to(mark);
        let mut fractions = Vec::new();
        for _ in 0..rounds {
            venue.collect_triggered(mark);
            let orders = venue.take_orders(mark);
            assert!(orders.len() <= 1);
            fractions.extend(orders.iter().map(|order| order.fraction));
            venue.liquidate(&orders, &mut book, mark);
        }
        fractions
    }

    #[test]
    fn block_limits_close_a_tenth_of_a_position_a_block() {
        // $952k at the mark: 10% a block is under the $100k ceiling.
        let fractions = block_limited_fractions(1.0, 4);
        assert_eq!(fractions.len(), 4);
        for fraction in fractions {
            assert!((fraction - 0.1).abs() < 1e-12, "{fraction}");
        }
        // Five blocks to a step: 1 - 0.9^5 of it at once.
        let fractions = block_limited_fractions(5.0, 1);
        assert!((fractions[0] - (1.0 - 0.9_f64.powi(5))).abs() < 1e-12);
        // Half-second steps: a block every other step.
        assert_eq!(block_limited_fractions(0.5, 6).len(), 3);
    }

    #[test]
    fn far_below_maintenance_the_backstop_takes_the_position_at_the_mark_off_the_book() {
        let scenario = clipped(Some(2.0 / 3.0));
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut book = deep_book();
        let before = book.last();
        // 20x: 5% margin. 4.8% below entry the equity, 2,000, is under 2/3 of the 4,760 of
        // maintenance (0.5% of 952,000): the backstop.
        let mark = 95.2;
        venue.collect_triggered(mark);
        let orders = venue.take_orders(mark);
        assert!(orders.is_empty(), "nothing to the book");
        let step = venue.liquidate(&orders, &mut book, mark);
        assert_eq!(book.last(), before, "the book is untouched");
        assert!(!venue.is_open(0));
        assert_eq!(venue.backstopped_usd, 1_000_000.0);
        // Counted at the backstop's mark: 10,000 coins at 95.2.
        assert_eq!(step.long_fill_usd, 952_000.0);
        assert!(
            venue
                .ledger
                .close(crate::money::Money::ZERO, crate::money::Money::ZERO)
                .balanced
        );
    }

    #[test]
    fn a_backstop_position_the_fund_cannot_cover_is_deleveraged_not_left_as_bad_debt() {
        // The 1M long at 20x, and a 1M short at 2x from 100 that a fall makes a winner. At 94 the
        // long is past its bankruptcy price (95): 10,000 of loss that an empty fund cannot take.
        let mut with_winner = clipped(Some(2.0 / 3.0));
        let short = scenario(&[("short", 1_000_000.0, 100.0, 2.0)]);
        let (crate::scenario::Positions::List(longs), crate::scenario::Positions::List(shorts)) =
            (&mut with_winner.positions, &short.positions)
        else {
            panic!("listed positions");
        };
        longs.extend(shorts.iter().cloned());
        with_winner.venue.insurance_fund_usd = 0.0;
        for (adl, deleveraged) in [
            (crate::scenario::Adl::Queue, true),
            (crate::scenario::Adl::Off, false),
        ] {
            let mut scenario = with_winner.clone();
            scenario.venue.adl = adl;
            let table = PositionTable::build(&scenario);
            let mut venue = LiquidationEngine::new(&table, &scenario.venue);
            let mut book = deep_book();
            let mark = 94.0;
            venue.collect_triggered(mark);
            let orders = venue.take_orders(mark);
            let step = venue.liquidate(&orders, &mut book, mark);
            // The table orders positions its own way: find each by its side.
            let long = (0..venue.len())
                .find(|&i| venue.side[i] == crate::scenario::Side::Long)
                .expect("the long");
            let short = 1 - long;
            assert!(!venue.is_open(long), "{adl:?}");
            if deleveraged {
                assert_eq!(venue.backstopped_usd, 0.0, "the backstop did not take it");
                assert!(step.adl_usd > 0.0 && step.bad_debt_usd == 0.0, "{step:?}");
                assert!(
                    venue.size(short) < 1_000_000.0,
                    "the winner was deleveraged"
                );
            } else {
                assert_eq!(venue.backstopped_usd, 1_000_000.0);
                assert!((step.bad_debt_usd - 10_000.0).abs() < 1.0, "{step:?}");
            }
            let (open_equity, open_pnl) = venue.mark_open(mark);
            assert!(
                venue.ledger.close(open_equity, open_pnl).balanced,
                "{adl:?}"
            );
        }
    }

    /// The 1M long at 20x from 100 (bankrupt at 95) and a 1M short at 2x from 100, on a venue
    /// whose fund could pay the long's loss past bankruptcy, with `clips` and `deficits`; at
    /// `mark`: the step, the fund after it, and whether the short was deleveraged.
    fn under_water_with_a_fund(
        clips: Option<Clips>,
        deficits: crate::scenario::Deficits,
        mark: f64,
    ) -> (crate::venue::StepLiquidations, f64, bool) {
        let mut scenario = scenario(&[
            ("long", 1_000_000.0, 100.0, 20.0),
            ("short", 1_000_000.0, 100.0, 2.0),
        ]);
        scenario.venue.clips = clips;
        scenario.venue.insurance_fund_usd = 1_000_000.0;
        scenario.venue.adl = crate::scenario::Adl::Queue;
        scenario.venue.deficits = deficits;
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut book = deep_book();
        book.move_top_to(mark);
        venue.collect_triggered(mark);
        let orders = venue.take_orders(mark);
        let step = venue.liquidate(&orders, &mut book, mark);
        let long = (0..venue.len())
            .find(|&i| venue.side[i] == crate::scenario::Side::Long)
            .expect("the long");
        assert!(!venue.is_open(long));
        let (open_equity, open_pnl) = venue.mark_open(mark);
        assert!(venue.ledger.close(open_equity, open_pnl).balanced);
        let deleveraged = venue.size(1 - long) < 1_000_000.0;
        (step, venue.ledger.insurance_fund.to_f64(), deleveraged)
    }

    #[test]
    fn under_hyperliquids_rule_a_position_under_water_at_the_mark_is_deleveraged_not_paid_for() {
        use crate::scenario::Deficits;
        let backstop = Some(Clips {
            above_usd: 100_000.0,
            share: 0.2,
            cooldown_s: 30.0,
            backstop_below: Some(2.0 / 3.0),
        });
        // At 94 the long is 10,000 past bankruptcy, on the backstop's path and on the book's.
        for clips in [backstop, None] {
            let (step, fund, deleveraged) =
                under_water_with_a_fund(clips.clone(), Deficits::FundThenAdl, 94.0);
            assert!(!deleveraged && step.adl_usd == 0.0, "{clips:?} {step:?}");
            assert!(fund < 1_000_000.0 - 9_999.0, "the fund paid: {fund}");
            let (step, fund, deleveraged) =
                under_water_with_a_fund(clips.clone(), Deficits::Adl, 94.0);
            assert!(
                // 10,000 coins at the long's bankruptcy price.
                deleveraged && (step.adl_usd - 950_000.0).abs() < 1.0,
                "{clips:?} {step:?}"
            );
            assert_eq!(step.bad_debt_usd, 0.0);
            assert_eq!(fund, 1_000_000.0, "the fund untouched");
        }
        // At 95.2 the long still has equity at the mark: the book (or the backstop) takes it and
        // the fund is paid what is left, whatever the rule.
        for deficits in [Deficits::FundThenAdl, Deficits::Adl] {
            let (step, fund, deleveraged) = under_water_with_a_fund(None, deficits, 95.2);
            assert!(!deleveraged && step.adl_usd == 0.0, "{deficits:?} {step:?}");
            assert!(fund >= 1_000_000.0, "{deficits:?}: {fund}");
        }
    }

    #[test]
    fn a_band_fills_what_the_book_holds_within_it_and_the_rest_waits() {
        // The examples' linear book holds 10,000 coins per 1% of its start price (100); a 0.5%
        // band around a mark of 95.2 is 0.476 of that: 4,760 of the long's 10,000 coins.
        let mut scenario = scenario(&[("long", 1_000_000.0, 100.0, 20.0)]);
        scenario.venue.liquidation_band_pct = Some(0.5);
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut book = crate::market::OrderBook::new(&scenario.market);
        let mark = 95.2;
        book.move_top_to(mark);
        venue.collect_triggered(mark);
        venue.set_band_room(&book, mark);
        let orders = venue.take_orders(mark);
        assert_eq!(orders.len(), 1);
        assert!(
            (orders[0].fraction - 0.476).abs() < 1e-9,
            "{}",
            orders[0].fraction
        );
        venue.liquidate(&orders, &mut book, mark);
        assert!(book.last() >= mark * 0.995 - 1e-9, "{}", book.last());
        // The rest waits in the queue; the book is spent to the band's edge.
        assert!(venue.is_open(0) && venue.is_pending(0));
        venue.set_band_room(&book, mark);
        assert!(venue.take_orders(mark).is_empty());
    }
}
