//! Auto-deleveraging: orders whose loss past bankruptcy the insurance fund cannot cover close at
//! their bankruptcy price against profitable positions on the other side, ranked (Bybit, BitMEX:
//! PnL% times effective leverage) or pro rata.

use crate::ledger::Remainder;
use crate::money::{self, Money};
use crate::scenario::{Adl, Contract, Side};

use super::{LiquidationEngine, Order, StepLiquidations};

impl<'a> LiquidationEngine<'a> {
    /// Splits orders into those sent to the book and those auto-deleveraged: with ADL on, orders
    /// whose loss past bankruptcy the fund (as it would stand) cannot cover go to ADL, as far as
    /// profitable opposite positions can take them. `None`: all of them go to the book.
    pub(super) fn split_for_adl(
        &self,
        orders: &[Order],
        estimate: f64,
        mark: f64,
    ) -> Option<(Vec<Order>, Vec<Order>)> {
        if self.rules.adl == Adl::Off {
            return None;
        }
        let mut fund = self.ledger.insurance_fund.to_f64();
        // What the winners can take is a scan of every position: only done once an order needs it.
        let mut capacity = None;
        // The orders are copied out only once one goes to ADL (rare).
        let mut split: Option<(Vec<Order>, Vec<Order>)> = None;
        for (k, &order) in orders.iter().enumerate() {
            let i = order.index as usize;
            let equity = self.order_equity_at(order, estimate);
            let to_book = if equity >= 0.0 || fund + equity >= 0.0 {
                fund += equity.min(0.0);
                true
            } else {
                let units = self.adl_units(i, order.fraction);
                let capacity =
                    capacity.get_or_insert_with(|| self.adl_capacity(self.side[i], mark));
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
        split
    }

    /// ADL matches in units: coins for linear contracts, contracts for inverse.
    pub(super) fn adl_units(&self, i: usize, fraction: f64) -> f64 {
        match self.contract() {
            Contract::Linear => fraction * self.size(i) / self.table.entry[i],
            Contract::Inverse => fraction * self.size(i),
        }
    }

    pub(super) fn adl_capacity(&self, losing_side: Side, mark: f64) -> f64 {
        (0..self.len())
            .filter(|&i| self.side[i] != losing_side && self.is_open(i) && !self.is_pending(i))
            .filter(|&i| self.terms(i).pnl_at(mark) > 0.0)
            .map(|i| self.adl_units(i, 1.0))
            .sum()
    }

    /// Auto-deleveraging: each order closes at its bankruptcy price against profitable opposite
    /// positions, ranked (queue: PnL% times effective leverage, Bybit/BitMEX) or pro-rata.
    pub(super) fn auto_deleverage(
        &mut self,
        orders: &[Order],
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
            let (pnl, closed) = self.realized(i, order.fraction, bankruptcy);
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
            self.count(losing_side, closed, order.fraction >= 1.0, step);
            needed += units;
            weighted_price += units * bankruptcy;
        }
        if needed <= 0.0 {
            return;
        }
        let price = weighted_price / needed;
        let mut winners: Vec<(f64, usize)> = (0..self.len())
            .filter(|&i| self.side[i] != losing_side && self.is_open(i) && !self.is_pending(i))
            .filter_map(|i| {
                let terms = self.terms(i);
                let pnl = terms.pnl_at(mark);
                (pnl > 0.0).then(|| {
                    let equity = terms.collateral + pnl;
                    let score = pnl / terms.collateral.max(1e-12) * self.notional_at(i, mark)
                        / equity.max(1e-12);
                    (score, i)
                })
            })
            .collect();
        let total: f64 = winners.iter().map(|&(_, i)| self.adl_units(i, 1.0)).sum();
        if total <= 0.0 {
            return;
        }
        if self.rules.adl == Adl::ProRata {
            let fraction = (needed / total).min(1.0);
            for &(_, i) in &winners {
                self.deleverage_winner(i, fraction, price, step);
            }
        } else {
            winners.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut left = needed;
            for &(_, i) in &winners {
                if left <= 0.0 {
                    break;
                }
                let units = self.adl_units(i, 1.0);
                let fraction = (left / units).min(1.0);
                left -= units * fraction;
                self.deleverage_winner(i, fraction, price, step);
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
