//! Funding payments on the venue's positions (the build-up before the shock, `solve::build_up`):
//! each payment moves every open position's collateral and trigger. Filing every moved trigger
//! in the heaps at every payment would cost a heap push per position per payment; a payment
//! instead checks each trigger against the price as it moves it, and the heaps are rebuilt once,
//! when the build-up ends ([`LiquidationEngine::file_triggers`]).

use crate::money::{self, Money};
use crate::positions::crossed;
use crate::scenario::{Contract, Side};

use super::triggers::Rearmed;
use super::{LiquidationEngine, Order};

impl<'a> LiquidationEngine<'a> {
    /// Charges every open position one payment of `rate` times its notional at `price`
    /// (positive: longs pay, shorts receive), exact in the ledger, and moves its trigger; queues
    /// the positions the payment leaves under maintenance at `price`. Returns what the longs and
    /// the shorts paid, net. Until [`Self::file_triggers`], moved triggers are not in the heaps.
    pub fn charge_funding(&mut self, rate: f64, price: f64) -> (f64, f64) {
        // Hours have passed since anything was clipped: every clip's cooldown is over.
        self.cooldown_until.clear();
        let (mut long_paid, mut short_paid) = (Money::ZERO, Money::ZERO);
        if rate == 0.0 {
            return (0.0, 0.0);
        }
        for i in 0..self.len() {
            if !self.is_open(i) {
                continue;
            }
            // Notional in the collateral's currency: USD, or coin for inverse contracts.
            let notional = match self.contract() {
                Contract::Linear => self.notional_at(i, price),
                Contract::Inverse => self.notional_at(i, price) / price,
            };
            let side = self.side[i];
            let amount = money::money(match side {
                Side::Long => notional * rate,
                Side::Short => -notional * rate,
            });
            self.set_collateral(i, self.collateral(i) - amount);
            self.ledger.pay_funding(amount);
            match side {
                Side::Long => long_paid += amount,
                Side::Short => short_paid += amount,
            }
            let terms = self.terms(i);
            let (rate, deduction) = self.maintenance(terms.size, terms.entry);
            let trigger = terms.liquidation_price(rate, deduction);
            self.make_own(i).trigger[i] = trigger;
            if crossed(side, price, trigger) && !self.is_pending(i) {
                // Pending until taken, so that filing the triggers does not file it again.
                self.set_pending(i, true);
                if self.whole_only {
                    self.ready.push(Order {
                        index: i as u32,
                        fraction: 1.0,
                    });
                } else {
                    self.queue.push_back(i as u32);
                }
            }
        }
        (long_paid.to_f64(), short_paid.to_f64())
    }

    /// Files every open position's trigger in the heaps afresh (after funding payments moved
    /// them without filing): one heap build per side instead of a push per position per payment.
    pub fn file_triggers(&mut self) {
        // The flush starts hours after the last clip of the build-up (or at once after a payment
        // at the shock, which clips nothing): no cooldown carries over.
        self.cooldown_until.clear();
        let (mut longs, mut shorts) = (Vec::new(), Vec::new());
        for i in 0..self.len() {
            if !self.is_open(i) || !self.status[i].is_changed() || self.is_pending(i) {
                continue;
            }
            let trigger = self.trigger(i);
            let index = i as u32;
            match self.side[i] {
                Side::Long => longs.push(Rearmed::new(trigger, index)),
                Side::Short => shorts.push(Rearmed::new(-trigger, index)),
            }
        }
        self.long_heap.rebuild(longs);
        self.short_heap.rebuild(shorts);
    }
}
