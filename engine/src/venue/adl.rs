//! Auto-deleveraging: orders whose loss past bankruptcy the insurance fund cannot cover close at
//! their bankruptcy price against profitable positions on the other side, ranked (Bybit, BitMEX:
//! PnL% times effective leverage) or pro rata.

use std::cell::Cell;

use crate::ledger::Remainder;
use crate::money::{self, Money};
use crate::scenario::{Adl, AdlRanking, Contract, Deficits, Side};

use super::{LiquidationEngine, Order, StepLiquidations};

/// ADL scans on the fast path before the order by entry is built, when no earlier run on the
/// table built it: building it costs about as much as a few dozen scans, and most runs
/// deleverage in a handful of steps or not at all. Once built, the table keeps it for every
/// later run (a drag's reruns do not sort it again).
const SCANS_BEFORE_ORDER: u32 = 32;

/// Where auto-deleveraging finds its winners. The reference scans every position; the fast path
/// scans only the winning side's groups, and once ADL has run often, reads each side ordered by
/// entry (kept by the table, [`crate::positions::PositionTable::by_entry`]): a position can only
/// be in profit at a mark its entry is below (longs) or above (shorts), so the candidates are a prefix found by binary search, and the positions a mark
/// leaves in loss are never visited. Either way the winners come out in index order, as the
/// reference has them.
#[derive(Clone, Default)]
pub(super) struct Winners {
    /// Every scan takes the plain way (the reference path).
    pub(super) plain: bool,
    scans: Cell<u32>,
    /// Positions looked at by ADL scans so far (the work ADL did, for tests and budgets).
    visited: Cell<u64>,
}

/// A winner's place in the ADL queue as one integer: ascending keys put the highest score first
/// (scores in `f64::total_cmp`'s order) and the lowest index first among equal scores. Integers
/// sort without a comparison closure, about twice as fast as the pair they stand for.
fn queue_key(score: f64, index: usize) -> u128 {
    // `total_cmp`'s order as an unsigned integer: flip every bit of a negative number, only the
    // sign bit of a positive one; then invert it, for highest first.
    let bits = score.to_bits();
    let ascending = if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    };
    (u128::from(!ascending) << 64) | index as u128
}

/// The position a queue key stands for.
fn queue_index(key: u128) -> usize {
    key as u64 as usize
}

impl Winners {
    /// Every scan the plain way, until the fast engine says otherwise.
    pub(super) fn plain() -> Winners {
        Winners {
            plain: true,
            ..Winners::default()
        }
    }
}

/// Winners the ADL queue ranks in its first chunk ([`top_first`]).
const FIRST_CHUNK: usize = 64;

/// Puts the `chunk` first of `queue` ([`queue_key`]s; all of them if fewer) at its front, in
/// order; returns how many that is. The rest stay behind in some order.
fn top_first(queue: &mut [u128], chunk: usize) -> usize {
    let take = chunk.min(queue.len());
    if take == 0 {
        return 0;
    }
    if take < queue.len() {
        queue.select_nth_unstable(take - 1);
    }
    queue[..take].sort_unstable();
    take
}

/// What auto-deleveraging could take over against one side at a mark, for traders outside the
/// population ([`LiquidationEngine::adl_room`]): the coins, and the winners that hold them (so
/// deleveraging against them in the same step does not look for them again).
#[derive(Clone, Debug)]
pub struct AdlRoom {
    /// What the winners hold in all: coins (contracts on an inverse contract), summed in index
    /// order.
    pub coins: f64,
    winners: Found,
}

/// The winners as auto-deleveraging draws on them.
#[derive(Clone, Debug)]
enum Found {
    /// Pro rata: every winner, in index order.
    All(Vec<usize>),
    /// A ranked queue: each winner's place in it ([`queue_key`], which holds its index), scored
    /// as it was found (its PnL read once).
    Ranked(Vec<u128>),
}

/// A step's orders split between the book and auto-deleveraging
/// ([`LiquidationEngine::split_for_adl`]).
pub(super) struct AdlSplit {
    pub(super) to_book: Vec<Order>,
    pub(super) to_adl: Vec<Order>,
    /// The winners the split measured, in index order, and what they hold.
    pub(super) room: AdlRoom,
}

impl<'a> LiquidationEngine<'a> {
    /// Splits orders into those sent to the book and those auto-deleveraged: with ADL on, orders
    /// whose loss past bankruptcy the fund (as it would stand) cannot cover go to ADL, as far as
    /// profitable opposite positions can take them; under `deficits: adl`, so does an order
    /// under water at the mark, whatever the fund holds. `None`: all of them go to the book. With the
    /// split, the winners it measured (in index order), which [`Self::auto_deleverage`] then
    /// draws on: settling the book's orders, all on the losing side, leaves them as they are.
    pub(super) fn split_for_adl(
        &self,
        orders: &[Order],
        estimate: f64,
        mark: f64,
    ) -> Option<AdlSplit> {
        if self.rules.adl == Adl::Off {
            return None;
        }
        let mut fund = self.ledger.insurance_fund.to_f64();
        // Hyperliquid's rule: a position under water at the mark goes to ADL before the fund.
        let adl_first = self.rules.deficits == Deficits::Adl;
        // What the winners can take is a scan for them: only done once an order needs it.
        // The winners, what is left of their room, and what they hold in all.
        let mut room: Option<(AdlRoom, f64)> = None;
        // The orders are copied out only once one goes to ADL (rare).
        let mut split: Option<(Vec<Order>, Vec<Order>)> = None;
        for (k, &order) in orders.iter().enumerate() {
            let i = order.index as usize;
            let equity = self.order_equity_at(order, estimate);
            let under_water_at_mark = adl_first
                && equity < 0.0
                && (mark == estimate || self.order_equity_at(order, mark) < 0.0);
            let to_book = if !under_water_at_mark && (equity >= 0.0 || fund + equity >= 0.0) {
                fund += equity.min(0.0);
                true
            } else {
                let units = self.adl_units(i, order.fraction);
                let (_, capacity) = room.get_or_insert_with(|| {
                    let room = self.measure_room(self.side[i], mark);
                    let coins = room.coins;
                    (room, coins)
                });
                if units > *capacity {
                    fund += equity;
                    true
                } else {
                    *capacity -= units;
                    false
                }
            };
            match (&mut split, to_book) {
                (Some((book, _)), true) => book.push(order),
                (Some((_, adl)), false) => adl.push(order),
                (None, true) => {}
                (None, false) => split = Some((orders[..k].to_vec(), vec![order])),
            }
        }
        let (to_book, to_adl) = split?;
        let (room, _) = room?;
        Some(AdlSplit {
            to_book,
            to_adl,
            room,
        })
    }

    /// ADL matches in units: coins for linear contracts, contracts for inverse.
    pub(super) fn adl_units(&self, i: usize, fraction: f64) -> f64 {
        match self.contract() {
            Contract::Linear => fraction * self.size(i) / self.table.entry[i],
            Contract::Inverse => fraction * self.size(i),
        }
    }

    /// Positions ADL can draw on against `losing_side` at `mark`, in index order: open, not
    /// queued for liquidation, on the other side, in profit; each with its PnL at `mark`.
    fn adl_winners(&self, losing_side: Side, mark: f64) -> Vec<(usize, f64)> {
        let winners = &self.winners;
        let eligible = |i: usize| {
            if !self.is_open(i) || self.is_pending(i) {
                return None;
            }
            let pnl = self.pnl_at(i, mark);
            (pnl > 0.0).then_some((i, pnl))
        };
        if winners.plain {
            winners
                .visited
                .set(winners.visited.get() + self.len() as u64);
            return (0..self.len())
                .filter(|&i| self.side[i] != losing_side)
                .filter_map(eligible)
                .collect();
        }
        let winning = match losing_side {
            Side::Long => Side::Short,
            Side::Short => Side::Long,
        };
        let mut ranges: Vec<(usize, usize)> = self
            .table
            .groups
            .iter()
            .filter(|group| group.side == winning)
            .map(|group| (group.start, group.end))
            .collect();
        ranges.sort_unstable();
        let side_len: usize = ranges.iter().map(|(start, end)| end - start).sum();
        winners.scans.set(winners.scans.get().saturating_add(1));
        let by_entry = match self.table.by_entry.get() {
            Some(lists) => Some(lists),
            None => (winners.scans.get() > SCANS_BEFORE_ORDER).then(|| self.table.by_entry()),
        };
        if let Some(lists) = by_entry {
            let list = &lists[winning.slot()];
            let entry = &self.table.entry;
            // pnl > 0 needs mark > entry for a long (mark < entry for a short), in floats too:
            // the sign of (mark - entry), and the order of 1/entry and 1/mark, are exact.
            let candidates = match winning {
                Side::Long => list.partition_point(|&i| entry[i as usize] < mark),
                Side::Short => list.partition_point(|&i| entry[i as usize] > mark),
            };
            // Sorting a few candidates back into index order beats walking the whole side.
            if candidates * 4 < side_len {
                winners
                    .visited
                    .set(winners.visited.get() + candidates as u64);
                let mut picked: Vec<(usize, f64)> = list[..candidates]
                    .iter()
                    .filter_map(|&i| eligible(i as usize))
                    .collect();
                picked.sort_unstable_by_key(|&(i, _)| i);
                return picked;
            }
        }
        winners.visited.set(winners.visited.get() + side_len as u64);
        ranges
            .into_iter()
            .flat_map(|(start, end)| start..end)
            .filter_map(eligible)
            .collect()
    }

    /// Positions looked at by auto-deleveraging's scans for winners so far in this run: with
    /// the fast path, not the positions a mark leaves in loss once ADL runs often.
    pub fn adl_positions_visited(&self) -> u64 {
        self.winners.visited.get()
    }

    /// Auto-deleveraging: each order closes at its bankruptcy price against profitable opposite
    /// positions, ranked (queue: PnL% times effective leverage, Bybit/BitMEX) or pro-rata.
    /// `room`: the winners [`Self::split_for_adl`] measured.
    pub(super) fn auto_deleverage(
        &mut self,
        orders: &[Order],
        room: AdlRoom,
        mark: f64,
        step: &mut StepLiquidations,
    ) {
        let losing_side = self.side[orders[0].index as usize];
        let mut needed = 0.0;
        let mut weighted_price = 0.0;
        for order in orders {
            let i = order.index as usize;
            let bankruptcy = self.terms(i).bankruptcy_price();
            // No price zeroes the equity of a position whose collateral a partial fill far past
            // bankruptcy drove below zero: it closes at the mark (the fund or bad debt covers it).
            let bankruptcy = if bankruptcy > 0.0 && bankruptcy.is_finite() {
                bankruptcy
            } else {
                mark
            };
            let units = self.adl_units(i, order.fraction);
            let super::settlement::Closing {
                pnl,
                closed,
                notional,
            } = self.closing_at(i, order.fraction, bankruptcy, money::fixed(bankruptcy));
            self.ledger.realize(pnl);
            if order.fraction >= 1.0 {
                let collateral = self.close_fully(i);
                let bad = self.ledger.settle_liquidation(
                    collateral + pnl,
                    Money::ZERO,
                    Remainder::InsuranceFund,
                );
                step.bad_debt_usd += bad.to_f64();
            } else {
                self.set_collateral(i, self.collateral(i) + pnl);
                self.set_size(i, self.size(i) - closed);
                self.partial_liquidations += 1;
                self.rearm(i);
            }
            self.count(losing_side, closed, notional, order.fraction >= 1.0, step);
            needed += units;
            weighted_price += units * bankruptcy;
        }
        if needed <= 0.0 {
            return;
        }
        // The winners the split measured: closing the losing side's orders left them as
        // they were.
        self.deleverage_among(room, needed, weighted_price / needed, step);
    }

    /// Closes `needed` units of the `room`'s winners (the positions [`Self::adl_winners`] finds
    /// against the losing side at the mark, found and ranked already) at `price`, by the
    /// venue's queue or pro rata, as far as they go.
    fn deleverage_among(
        &mut self,
        room: AdlRoom,
        needed: f64,
        price: f64,
        step: &mut StepLiquidations,
    ) {
        let AdlRoom {
            coins: total,
            winners,
        } = room;
        if total <= 0.0 {
            return;
        }
        match winners {
            Found::All(winners) => {
                let fraction = (needed / total).min(1.0);
                for i in winners {
                    self.deleverage_winner(i, fraction, price, step);
                }
            }
            Found::Ranked(mut queue) => {
                // Highest score first (scores taken before anyone is deleveraged, as the
                // winners were found), in chunks that grow fourfold: each chunk is selected from
                // what is left and sorted, so a step that needs a few winners sorts only those,
                // and one that needs thousands (a drained fund) does not pay a heap's pops for
                // each. The first chunk holds about as many winners as the step needs at their
                // average holding, so a step that needs thousands selects from all of them a few
                // times, not many.
                let average = total / queue.len().max(1) as f64;
                let expected = (1.25 * needed / average).ceil();
                let mut left = needed;
                let (mut done, mut chunk) = (0, FIRST_CHUNK.max(expected.min(1e9) as usize));
                while left > 0.0 && done < queue.len() {
                    let take = top_first(&mut queue[done..], chunk);
                    for &key in &queue[done..done + take] {
                        if left <= 0.0 {
                            break;
                        }
                        let i = queue_index(key);
                        let units = self.adl_units(i, 1.0);
                        let fraction = (left / units).min(1.0);
                        left -= units * fraction;
                        self.deleverage_winner(i, fraction, price, step);
                    }
                    done += take;
                    chunk *= 4;
                }
            }
        }
    }

    /// How many coins auto-deleveraging could take over against `losing_side` at `mark` for a
    /// trader outside this market's population (a cross-margin account, docs/model.md §15.5):
    /// `None` when the venue runs no ADL or its contract is not linear.
    pub fn adl_room(&self, losing_side: Side, mark: f64) -> Option<AdlRoom> {
        (self.rules.adl != Adl::Off && self.contract() == Contract::Linear)
            .then(|| self.measure_room(losing_side, mark))
    }

    /// The winners against `losing_side` at `mark` and what they hold; with a ranked queue,
    /// their places in it.
    fn measure_room(&self, losing_side: Side, mark: f64) -> AdlRoom {
        let found = self.adl_winners(losing_side, mark);
        let coins = found.iter().map(|&(i, _)| self.adl_units(i, 1.0)).sum();
        let winners = if self.rules.adl == Adl::ProRata {
            Found::All(found.into_iter().map(|(i, _)| i).collect())
        } else {
            Found::Ranked(
                found
                    .into_iter()
                    .map(|(i, pnl)| queue_key(self.adl_score(i, mark, pnl), i))
                    .collect(),
            )
        };
        AdlRoom { coins, winners }
    }

    /// Auto-deleverages `coins` of an outside trader's `losing_side` positions at `price` (their
    /// bankruptcy price) against this market's winners at `mark`, as [`Self::adl_room`] allows;
    /// returns the notional deleveraged, in USD.
    pub fn deleverage_outside(
        &mut self,
        losing_side: Side,
        coins: f64,
        price: f64,
        mark: f64,
        room: Option<AdlRoom>,
    ) -> f64 {
        let mut step = StepLiquidations::default();
        if coins > 0.0 {
            // The room measured, when nothing on the winners' side moved since.
            let room = room.unwrap_or_else(|| self.measure_room(losing_side, mark));
            self.deleverage_among(room, coins, price, &mut step);
        }
        step.adl_usd
    }

    /// Where profitable position `i` stands in the ADL queue at `mark` (highest first), by the
    /// venue's ranking; `pnl` is its PnL at `mark` ([`Self::pnl_at`]).
    fn adl_score(&self, i: usize, mark: f64, pnl: f64) -> f64 {
        let terms = self.terms(i);
        let equity = (terms.collateral + pnl).max(1e-12);
        let notional = self.notional_at(i, mark);
        match self.rules.adl_ranking {
            AdlRanking::PnlTimesLeverage => pnl / terms.collateral.max(1e-12) * notional / equity,
            AdlRanking::PnlTimesMarginRatio => {
                // Maintenance margin and Binance's floor of one unit of quote currency under
                // the collateral, in the collateral's currency (coin for inverse contracts).
                let (_, maintenance) = self.equity_and_margin(i, mark);
                let in_collateral = match self.contract() {
                    Contract::Linear => 1.0,
                    Contract::Inverse => 1.0 / mark,
                };
                pnl.max(0.0) / terms.collateral.max(in_collateral) * maintenance / equity
            }
            AdlRanking::PriceRatioTimesLeverage => {
                let ratio = match terms.side {
                    Side::Long => mark / terms.entry,
                    Side::Short => terms.entry / mark,
                };
                ratio * notional / equity
            }
        }
    }

    pub(super) fn deleverage_winner(
        &mut self,
        i: usize,
        fraction: f64,
        price: f64,
        step: &mut StepLiquidations,
    ) {
        let units = self.adl_units(i, fraction);
        let (pnl, closed) = self.realized(i, fraction, price);
        self.ledger.realize(pnl);
        let released = if fraction >= 1.0 {
            self.close_fully(i)
        } else {
            let share = self.collateral(i).times_fraction(money::fixed(fraction));
            self.set_collateral(i, self.collateral(i) - share);
            self.set_size(i, self.size(i) - closed);
            self.rearm(i);
            share
        };
        self.ledger.return_to_trader(released + pnl);
        // In money, like the rest of the ledger: USD (linear) or coin (inverse) at the ADL price.
        let notional = money::money(match self.contract() {
            Contract::Linear => units * price,
            Contract::Inverse => units / price,
        });
        self.ledger.adl_notional += notional;
        step.adl_usd += notional.to_f64();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunks taken one after another give the queue's order: highest score first (in
    /// `f64::total_cmp`'s order), the lowest index among equal scores, as a plain sort of the
    /// (score, index) pairs has it.
    #[test]
    fn chunks_of_the_queue_come_out_highest_score_first_lowest_index_among_equals() {
        let ranked: Vec<(f64, usize)> = (0..1_000usize)
            .map(|index| {
                // Repeats (ties broken by index), NaNs, infinities, zeros of both signs and
                // subnormals among them.
                let score = match index % 97 {
                    0 => f64::NAN,
                    1 => f64::INFINITY,
                    2 => f64::NEG_INFINITY,
                    3 => -f64::NAN,
                    4 => 0.0,
                    5 => -0.0,
                    6 => f64::MIN_POSITIVE / 4.0,
                    7 => -f64::MIN_POSITIVE / 4.0,
                    k => ((k * 7919) % 13) as f64 - 6.5,
                };
                (score, index)
            })
            .collect();
        let mut sorted = ranked.clone();
        sorted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let expected: Vec<usize> = sorted.iter().map(|&(_, index)| index).collect();
        for first in [1, 3, 64, 5_000] {
            let mut queue: Vec<u128> = ranked
                .iter()
                .map(|&(score, index)| queue_key(score, index))
                .collect();
            let (mut done, mut chunk) = (0, first);
            while done < queue.len() {
                done += top_first(&mut queue[done..], chunk);
                chunk *= 4;
            }
            let chunked: Vec<usize> = queue.iter().map(|&key| queue_index(key)).collect();
            assert_eq!(chunked, expected, "first chunk {first}");
        }
        assert_eq!(top_first(&mut [], 64), 0);
    }
}
