//! Triggers and the liquidation queue: which positions the mark has crossed, and how much of each
//! is liquidated this step (partial liquidation, the throughput cap).

use std::cmp::Ordering;

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

impl<'a> LiquidationEngine<'a> {
    /// Recomputes position `i`'s trigger after its size or collateral changed and files it in the
    /// heap of moved triggers.
    pub fn rearm(&mut self, i: usize) {
        if !self.is_open(i) {
            return;
        }
        let terms = self.terms(i);
        let (rate, deduction) = self.table.margin().tier_for(terms.size);
        let trigger = terms.liquidation_price(rate, deduction);
        self.make_own(i).trigger[i] = trigger;
        match self.side[i] {
            Side::Long => self.long_heap.push(Rearmed {
                key: trigger,
                index: i as u32,
            }),
            Side::Short => self.short_heap.push(Rearmed {
                key: -trigger,
                index: i as u32,
            }),
        }
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
                let heap = match side {
                    Side::Long => &mut self.long_heap,
                    Side::Short => &mut self.short_heap,
                };
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

    /// Takes this step's liquidation orders from the queue: partial liquidation sizes each one
    /// down to what restores its margin, and the throughput cap chunks the rest into later steps.
    pub fn take_orders(&mut self, mark: f64) -> Vec<Order> {
        if self.whole_only {
            // Collected this step, all open, each closed whole.
            return std::mem::take(&mut self.ready);
        }
        let mut orders = Vec::new();
        let mut room = self
            .rules
            .max_liquidation_usd_per_step
            .unwrap_or(f64::INFINITY);
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
            let mut fraction = if self.rules.partial_liquidation {
                self.partial_fraction(i, mark)
            } else {
                1.0
            };
            if room.is_finite() {
                let notional = self.notional_at(i, mark) * fraction;
                if notional > room {
                    fraction *= room / notional;
                    orders.push(Order { index, fraction });
                    break;
                }
                room -= notional;
            }
            self.queue.pop_front();
            self.set_pending(i, false);
            orders.push(Order { index, fraction });
        }
        orders
    }

    /// Tier-down: the fraction to close so that equity is twice the remaining maintenance margin;
    /// the whole position when that is most of it or equity is gone.
    pub(super) fn partial_fraction(&self, i: usize, mark: f64) -> f64 {
        let terms = self.terms(i);
        let equity = terms.equity_at(mark);
        let (rate, deduction) = self.table.margin().tier_for(terms.size);
        let margin = match self.contract() {
            Contract::Linear => rate * self.notional_at(i, mark) - deduction,
            Contract::Inverse => rate * terms.size / mark - deduction / terms.entry,
        };
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
}
