//! Settlement: liquidation orders filled on the book (or sent to auto-deleveraging), and every
//! close (liquidation, de-leveraging) and top-up settled in exact money through the ledger.

use std::borrow::Cow;

use crate::ledger::Remainder;
use crate::market::OrderBook;
use crate::money::{self, Money};
use crate::positions::closing_units_of;
use crate::scenario::{Contract, Deficits, Side};

use super::adl::AdlSplit;
use super::{LiquidationEngine, Order, StepLiquidations};

/// Closing (part of) a position at one price.
#[derive(Clone, Copy, Debug)]
pub(super) struct Closing {
    /// Realized PnL, exact.
    pub(super) pnl: Money,
    /// Size closed (USD at entry, or contracts).
    pub(super) closed: f64,
    /// Notional closed at the price, in collateral currency (what the fee is charged on).
    pub(super) notional: f64,
}

impl<'a> LiquidationEngine<'a> {
    /// Executes this step's liquidation orders: one market order per side on the book (minus what
    /// auto-deleveraging takes over), then settles each position in exact money.
    pub fn liquidate(
        &mut self,
        orders: &[Order],
        book: &mut OrderBook,
        mark: f64,
    ) -> StepLiquidations {
        let mut step = StepLiquidations::default();
        let backstop = std::mem::take(&mut self.backstop);
        if !backstop.is_empty() {
            self.take_over(&backstop, mark, &mut step);
        }
        for side in [Side::Long, Side::Short] {
            let on_side = |order: &Order| self.side[order.index as usize] == side;
            // Usually every order of a step is on one side: then no copy.
            let side_orders: Cow<[Order]> = if orders.iter().all(on_side) {
                Cow::Borrowed(orders)
            } else {
                Cow::Owned(orders.iter().copied().filter(on_side).collect())
            };
            if side_orders.is_empty() {
                continue;
            }
            let direction = if side == Side::Long { 1.0 } else { -1.0 };
            // The farthest trigger among the orders, read in the same pass as their coins, when
            // it can bound their losses (`LossBound`).
            let mut bound = LossBound::for_orders_of(self, side);
            let total_coins: f64 = side_orders
                .iter()
                .map(|&o| {
                    if let Some(bound) = bound.as_mut() {
                        bound.see(self.table.liquidation_price[o.index as usize]);
                    }
                    self.order_coins(o, mark)
                })
                .sum();
            let estimate = book.quote(direction * total_coins);
            let fund_covers_all = bound.is_some_and(|bound| {
                bound.fund_covers(self.ledger.insurance_fund.to_f64(), total_coins, estimate)
            });
            let split = if fund_covers_all {
                None
            } else {
                self.split_for_adl(&side_orders, estimate, mark)
            };
            let (to_book, to_adl) = match split {
                Some(AdlSplit {
                    to_book,
                    to_adl,
                    room,
                }) => (Cow::Owned(to_book), Some((to_adl, room))),
                None => (side_orders, None),
            };
            let book_coins: f64 = if to_adl.is_none() {
                total_coins
            } else {
                to_book.iter().map(|&o| self.order_coins(o, mark)).sum()
            };
            let fill = if book_coins > 0.0 {
                book.trade(direction * book_coins)
            } else {
                estimate
            };
            self.settle_fills(&to_book, fill, &mut step);
            if let Some((to_adl, room)) = to_adl {
                self.auto_deleverage(&to_adl, room, mark, &mut step);
            }
            match side {
                Side::Long => step.long_coins += book_coins,
                Side::Short => step.short_coins += book_coins,
            }
        }
        step
    }

    /// The backstop takes `orders`' positions over at the mark, off the book; one whose loss past
    /// bankruptcy the fund cannot cover goes to auto-deleveraging instead, as a liquidation sent to
    /// the book does (Hyperliquid deleverages what its liquidator vault cannot take: docs/model.md).
    fn take_over(&mut self, orders: &[Order], mark: f64, step: &mut StepLiquidations) {
        let mark_fixed = money::fixed(mark);
        for side in [Side::Long, Side::Short] {
            let side_orders: Vec<Order> = orders
                .iter()
                .copied()
                .filter(|order| self.side[order.index as usize] == side)
                .collect();
            if side_orders.is_empty() {
                continue;
            }
            let (taken, to_adl) = match self.split_for_adl(&side_orders, mark, mark) {
                Some(AdlSplit {
                    to_book,
                    to_adl,
                    room,
                }) => (to_book, Some((to_adl, room))),
                None => (side_orders, None),
            };
            for &order in &taken {
                self.backstopped_usd += self.size(order.index as usize);
                self.settle(order, mark, mark_fixed, step);
            }
            if let Some((to_adl, room)) = to_adl {
                self.auto_deleverage(&to_adl, room, mark, step);
            }
        }
    }

    /// Settles one book-filled liquidation at `fill` (`fill_fixed` in fixed point).
    pub(super) fn settle(
        &mut self,
        order: Order,
        fill: f64,
        fill_fixed: i128,
        step: &mut StepLiquidations,
    ) {
        let i = order.index as usize;
        let side = self.side[i];
        let Closing {
            pnl,
            closed,
            notional,
        } = self.closing_at(i, order.fraction, fill, fill_fixed);
        self.ledger.realize(pnl);
        let fee = money::money(self.rules.liquidation_fee * notional);
        let full = order.fraction >= 1.0;
        if full {
            let collateral = self.close_fully(i);
            let remainder = Remainder::InsuranceFund;
            let bad = self
                .ledger
                .settle_liquidation(collateral + pnl, fee, remainder);
            if bad != Money::ZERO {
                step.bad_debt_usd += bad.to_f64();
            }
        } else {
            // Partial: PnL and fee come out of the collateral that stays with the position.
            let fee = fee.min((self.collateral(i) + pnl).max(Money::ZERO));
            self.set_collateral(i, self.collateral(i) + pnl - fee);
            self.ledger.collect_fee(fee);
            self.set_size(i, self.size(i) - closed);
            self.partial_liquidations += 1;
            self.rearm(i);
        }
        self.count(side, closed, notional, full, step);
    }

    /// Counts a liquidation's close: `closed` its size, `notional` its [`Closing::notional`] at
    /// the price it closed at.
    pub(super) fn count(
        &mut self,
        side: Side,
        closed: f64,
        notional: f64,
        full: bool,
        step: &mut StepLiquidations,
    ) {
        // In USD at that price: the notional itself on a linear contract, the contracts on an
        // inverse one (each worth a fixed dollar; its notional is in coin).
        let at_fill = match self.contract() {
            Contract::Linear => notional,
            Contract::Inverse => closed,
        };
        match side {
            Side::Long => {
                step.long_fill_usd += at_fill;
                self.liquidated_fill_usd_long += at_fill;
                if full {
                    step.long_count += 1;
                    self.liquidated_count_long += 1;
                }
            }
            Side::Short => {
                step.short_fill_usd += at_fill;
                self.liquidated_fill_usd_short += at_fill;
                if full {
                    step.short_count += 1;
                    self.liquidated_count_short += 1;
                }
            }
        }
    }

    /// Realized PnL (exact) of closing `fraction` of position `i` at `price`, and the closed size.
    /// Sizes and prices are taken to 8 places, then PnL is exact and rounded once
    /// ([`money::linear_pnl`], [`money::inverse_pnl`]).
    pub fn realized(&self, i: usize, fraction: f64, price: f64) -> (Money, f64) {
        let closing = self.closing_at(i, fraction, price, money::fixed(price));
        (closing.pnl, closing.closed)
    }

    /// Closing `fraction` of position `i` at `price` (`price_fixed`: the same in fixed point,
    /// converted once for a whole fill).
    #[inline(always)]
    pub(super) fn closing_at(
        &self,
        i: usize,
        fraction: f64,
        price: f64,
        price_fixed: i128,
    ) -> Closing {
        let closed = if fraction >= 1.0 {
            self.size(i)
        } else {
            fraction * self.size(i)
        };
        let entry = self.table.entry[i];
        let units = self.closing_units(i, closed);
        let (pnl, notional) = match self.contract() {
            Contract::Linear => {
                let pnl = money::linear_pnl(units, self.table.entry_fixed.get(i), price_fixed);
                (pnl, closed / entry * price)
            }
            Contract::Inverse => {
                let pnl = money::inverse_pnl(units, self.table.entry_fixed.get(i), price_fixed);
                (pnl, closed / price)
            }
        };
        let pnl = match self.side[i] {
            Side::Long => pnl,
            Side::Short => -pnl,
        };
        Closing {
            pnl,
            closed,
            notional,
        }
    }

    /// [`closing_units_of`] position `i`'s `closed` size: taken from the warm start state when it
    /// is the position's whole, untouched size (most closes), converted otherwise.
    #[inline(always)]
    pub(super) fn closing_units(&self, i: usize, closed: f64) -> i128 {
        match self.warm {
            Some(warm) if closed == self.start.size[i] => warm.closing_units.get(i),
            _ => closing_units_of(self.contract(), closed, self.table.entry[i]),
        }
    }

    /// Closes position `i` completely after its PnL was realized; returns the collateral it held.
    pub(super) fn close_fully(&mut self, i: usize) -> Money {
        let released = self.collateral(i);
        self.set_size(i, 0.0);
        self.open_collateral -= released;
        released
    }

    /// Adds `amount` of collateral to position `i` (a top-up) and re-arms its trigger.
    pub fn add_collateral(&mut self, i: usize, amount: f64) {
        let amount = money::money(amount);
        self.set_collateral(i, self.collateral(i) + amount);
        self.ledger.top_up(amount);
        self.rearm(i);
    }

    /// A voluntary close of `fraction` at `price`: PnL is realized into the position's collateral
    /// (the trader keeps the margin, so its leverage falls).
    pub fn reduce_voluntarily(&mut self, i: usize, fraction: f64, price: f64) -> f64 {
        let (pnl, closed) = self.realized(i, fraction, price);
        self.ledger.realize(pnl);
        self.set_collateral(i, self.collateral(i) + pnl);
        let left = self.size(i) - closed;
        if left <= 0.0 {
            let equity = self.close_fully(i);
            self.ledger.return_to_trader(equity);
        } else {
            self.set_size(i, left);
            self.rearm(i);
        }
        closed
    }
}

/// A bound on what one side's orders can lose past bankruptcy, so that a step whose orders the
/// insurance fund surely covers sends them all to the book without pricing each one for
/// auto-deleveraging ([`LiquidationEngine::split_for_adl`], which the bound gives the same answer
/// as). It holds while every position is still as it started on a linear contract: each has
/// equity equal to its maintenance margin (never negative) at its table trigger `L`, so at a
/// price `p` past it a long closing `q` coins (a fraction of its size or all of it) has equity at
/// least `-q (L - p)` (a short: `-q (p - L)`). The orders' losses are then at most their coins
/// times the distance from the farthest trigger among them to `p`.
#[derive(Clone, Copy, Debug)]
pub(super) struct LossBound {
    side: Side,
    /// The highest trigger among a long side's orders, the lowest among a short side's.
    farthest: f64,
}

impl LossBound {
    /// The bound for `side`'s orders this step, when it holds: on the fast path, a linear
    /// contract, and no position changed in the run (no top-up, partial fill, de-leveraging,
    /// ADL or funding payment: each order's position is at its table trigger's terms), and the
    /// fund decides (under `deficits: adl` an order under water at the mark goes to ADL
    /// whatever the fund holds, so each order is priced).
    pub(super) fn for_orders_of(venue: &LiquidationEngine, side: Side) -> Option<LossBound> {
        let holds = !venue.winners.plain
            && venue.contract() == Contract::Linear
            && venue.own.is_none()
            && venue.rules.deficits != Deficits::Adl;
        holds.then_some(LossBound {
            side,
            farthest: match side {
                Side::Long => f64::NEG_INFINITY,
                Side::Short => f64::INFINITY,
            },
        })
    }

    /// Takes in one order's table trigger.
    #[inline(always)]
    pub(super) fn see(&mut self, trigger: f64) {
        self.farthest = match self.side {
            Side::Long => self.farthest.max(trigger),
            Side::Short => self.farthest.min(trigger),
        };
    }

    /// Whether `fund` surely covers the losses of orders closing `coins` at `estimate`: more than
    /// twice the bound and a dollar, so that no rounding in the exact per-order check could send
    /// one to ADL. An infinite trigger or a NaN anywhere fails it (each order is then priced).
    pub(super) fn fund_covers(self, fund: f64, coins: f64, estimate: f64) -> bool {
        let distance = match self.side {
            Side::Long => self.farthest - estimate,
            Side::Short => estimate - self.farthest,
        };
        let worst = 2.0 * coins * distance.max(0.0);
        !distance.is_nan() && fund > worst + 1.0
    }
}
