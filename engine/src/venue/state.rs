//! Positions' live state in a run: a status byte per position, and sizes, collateral and
//! triggers of the positions that left the table's start state. Every size and collateral change
//! goes through here, keeping open interest and the open totals in step.

use crate::money::Money;
use crate::positions::{sum_in_lanes, Terms};
use crate::scenario::{Contract, Side};

use super::LiquidationEngine;

/// One position's state in a run, one byte: whether it is closed, whether its size, collateral and
/// trigger are its own ([`Own`]) rather than the table's start state, and whether it is queued for
/// liquidation. A position neither closed nor changed is *untouched*: everything about it is as
/// the start state says, which the fast paths rely on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(transparent)]
pub(super) struct Status(u8);

impl Status {
    const CLOSED: u8 = 1;
    const OWN: u8 = 2;
    const PENDING: u8 = 4;

    /// Closed: size and collateral zero.
    #[inline(always)]
    pub(super) fn is_closed(self) -> bool {
        self.0 & Status::CLOSED != 0
    }

    /// Its size, collateral and trigger are in [`Own`] (a top-up, partial liquidation,
    /// de-leveraging or ADL changed it).
    #[inline(always)]
    pub(super) fn is_changed(self) -> bool {
        self.0 & Status::OWN != 0
    }

    /// Neither closed nor changed: exactly as the start state says.
    #[inline(always)]
    pub(super) fn is_untouched(self) -> bool {
        self.0 & (Status::CLOSED | Status::OWN) == 0
    }

    /// Queued for liquidation.
    #[inline(always)]
    pub(super) fn is_pending(self) -> bool {
        self.0 & Status::PENDING != 0
    }

    #[inline(always)]
    pub(super) fn close(&mut self) {
        self.0 |= Status::CLOSED;
    }

    #[inline(always)]
    pub(super) fn change(&mut self) {
        self.0 |= Status::OWN;
    }

    #[inline(always)]
    pub(super) fn set_pending(&mut self, pending: bool) {
        if pending {
            self.0 |= Status::PENDING;
        } else {
            self.0 &= !Status::PENDING;
        }
    }
}

/// Sizes, collateral and triggers of the positions whose state left the start state (a top-up,
/// partial liquidation, de-leveraging or ADL), valid where a position [`Status::is_changed`].
#[derive(Clone)]
pub(crate) struct Own {
    pub(super) size: Vec<f64>,
    pub(super) collateral: Vec<Money>,
    pub(super) trigger: Vec<f64>,
}

/// A finished run's [`Own`] buffers, kept by the table for the next run on it (a drag's reruns):
/// only what a position's status marks as changed is ever read, so they need no clearing, and a
/// run that changes positions does not allocate and zero megabytes again.
pub(crate) type SpareOwn = crate::positions::Memo<Own>;

impl<'a> LiquidationEngine<'a> {
    /// The position's changed state, if it has one.
    #[inline(always)]
    pub(super) fn own(&self, i: usize) -> Option<&Own> {
        if self.status[i].is_changed() {
            self.own.as_ref()
        } else {
            None
        }
    }

    /// Current size of position `i` (USD at entry, or contracts); 0 once closed.
    #[inline(always)]
    pub fn size(&self, i: usize) -> f64 {
        if self.status[i].is_closed() {
            0.0
        } else {
            self.own(i).map_or(self.start.size[i], |own| own.size[i])
        }
    }

    /// Current collateral of position `i`, exact.
    #[inline(always)]
    pub fn collateral(&self, i: usize) -> Money {
        if self.status[i].is_closed() {
            Money::ZERO
        } else {
            self.own(i)
                .map_or(Money::from_units(self.start.collateral.get(i)), |own| {
                    own.collateral[i]
                })
        }
    }

    /// Current collateral of position `i` as f64 (for trigger arithmetic and behaviour rules).
    #[inline]
    pub fn collateral_f(&self, i: usize) -> f64 {
        self.collateral(i).to_f64()
    }

    /// The mark at which position `i` is liquidated now.
    #[inline]
    pub fn trigger(&self, i: usize) -> f64 {
        self.own(i)
            .map_or(self.table.liquidation_price[i], |own| own.trigger[i])
    }

    /// Whether position `i` is queued for liquidation.
    pub fn is_pending(&self, i: usize) -> bool {
        self.status[i].is_pending()
    }

    pub(super) fn set_pending(&mut self, i: usize, pending: bool) {
        self.status[i].set_pending(pending);
    }

    /// Gives position `i` its own state (from its current one) before it changes.
    pub(super) fn make_own(&mut self, i: usize) -> &mut Own {
        let n = self.status.len();
        let spare = &self.table.spare_own;
        let own = self.own.get_or_insert_with(|| {
            spare
                .take()
                .filter(|own| own.size.len() == n)
                .unwrap_or_else(|| Own {
                    size: vec![0.0; n],
                    collateral: vec![Money::ZERO; n],
                    trigger: vec![0.0; n],
                })
        });
        if !self.status[i].is_changed() {
            self.status[i].change();
            own.size[i] = self.start.size[i];
            own.collateral[i] = Money::from_units(self.start.collateral.get(i));
            own.trigger[i] = self.table.liquidation_price[i];
        }
        own
    }

    /// Leaves this run's changed-state buffers to the table's next run ([`SpareOwn`]): the run
    /// is over and nothing reads its positions again.
    pub fn recycle(&mut self) {
        if let Some(own) = self.own.take() {
            self.table.spare_own.put(own);
        }
    }

    /// Size of all open positions (USD at entry, or contracts).
    #[inline]
    pub fn open_interest(&self) -> f64 {
        self.open_interest.max(0.0)
    }

    /// Size of the open positions per bucket, (longs, shorts), from the per-group totals kept in
    /// step as sizes change: O(groups), for every step's record. Float running sums drift from a
    /// recount by rounding ([`Self::open_by_bucket_recounted`] is the recount the outcome's
    /// final figures use); both are part of the outcome, so neither can replace the other
    /// without changing every run's bytes.
    pub fn open_by_bucket(&self) -> (Vec<f64>, Vec<f64>) {
        let buckets = self.table.buckets.len();
        let (mut longs, mut shorts) = (vec![0.0; buckets], vec![0.0; buckets]);
        for (group, &open) in self.table.groups.iter().zip(&self.group_open) {
            let open = open.max(0.0);
            match group.side {
                Side::Long => longs[group.bucket] += open,
                Side::Short => shorts[group.bucket] += open,
            }
        }
        (longs, shorts)
    }

    /// Sets position `i`'s size, keeping open interest and the open-position sums in step.
    pub(super) fn set_size(&mut self, i: usize, size: f64) {
        let current = self.size(i);
        if self.open_sums.is_some() {
            let (side, entry) = (self.side[i], self.table.entry_fixed.get(i));
            let before = self.closing_units(i, current);
            let after = if size > 0.0 {
                self.closing_units(i, size)
            } else {
                0
            };
            let kept = self.open_sums.as_mut().is_some_and(|book| {
                book.add(side, before, entry, -1) && (after == 0 || book.add(side, after, entry, 1))
            });
            if !kept {
                self.open_sums = None;
            }
        }
        self.open_interest += size - current;
        let g = usize::from(self.table.group_of[i]);
        self.group_open[g] += size - current;
        self.changed_groups[g] = true;
        if size > 0.0 {
            self.make_own(i).size[i] = size;
        } else {
            self.status[i].close();
        }
    }

    /// Sets position `i`'s collateral, keeping the open total in step.
    pub(super) fn set_collateral(&mut self, i: usize, amount: Money) {
        self.open_collateral += amount - self.collateral(i);
        self.make_own(i).collateral[i] = amount;
    }

    #[inline(always)]
    pub fn is_open(&self, i: usize) -> bool {
        self.size(i) > 0.0
    }

    #[inline]
    pub(super) fn contract(&self) -> Contract {
        self.table.contract
    }

    /// Live terms of position `i`.
    #[inline]
    pub fn terms(&self, i: usize) -> Terms {
        Terms {
            contract: self.contract(),
            side: self.side[i],
            entry: self.table.entry[i],
            size: self.size(i),
            collateral: self.collateral_f(i),
        }
    }

    /// Unrealized PnL of position `i` at `mark`: [`Terms::pnl_at`] of its live terms, without
    /// reading its collateral (which PnL does not depend on; converting it costs more than the
    /// PnL where ADL looks through thousands of positions a step).
    #[inline]
    pub fn pnl_at(&self, i: usize, mark: f64) -> f64 {
        Terms {
            contract: self.contract(),
            side: self.side[i],
            entry: self.table.entry[i],
            size: self.size(i),
            collateral: 0.0,
        }
        .pnl_at(mark)
    }

    /// Notional at `mark`, USD.
    #[inline]
    pub fn notional_at(&self, i: usize, mark: f64) -> f64 {
        match self.contract() {
            Contract::Linear => self.size(i) / self.table.entry[i] * mark,
            Contract::Inverse => self.size(i),
        }
    }

    /// Coins a market order closing `fraction` of position `i` trades at `mark`.
    #[inline]
    pub fn coins(&self, i: usize, fraction: f64, mark: f64) -> f64 {
        match self.contract() {
            Contract::Linear => fraction * self.size(i) / self.table.entry[i],
            Contract::Inverse => fraction * self.size(i) / mark,
        }
    }

    /// Open size per bucket, (longs, shorts), recounted from the positions (summed in a fixed
    /// order, `sum_in_lanes`): the outcome's open interest after the run. A group none of
    /// whose positions changed in the run is the start state's own recount of it (the same sum).
    pub fn open_by_bucket_recounted(&self) -> (Vec<f64>, Vec<f64>) {
        let buckets = self.table.buckets.len();
        let (mut longs, mut shorts) = (vec![0.0; buckets], vec![0.0; buckets]);
        for (g, group) in self.table.groups.iter().enumerate() {
            let unchanged = match self.changed_groups[g] {
                false => self.start.group_recount(g),
                true => None,
            };
            let total = match (unchanged, &self.own) {
                (Some(total), _) => total,
                // No size changed: a position's size is its start size until it closes.
                (None, None) => sum_in_lanes(group.start..group.end, |i| {
                    if self.status[i].is_closed() {
                        0.0
                    } else {
                        self.start.size[i]
                    }
                }),
                (None, Some(_)) => sum_in_lanes(group.start..group.end, |i| self.size(i)),
            };
            match group.side {
                Side::Long => longs[group.bucket] += total,
                Side::Short => shorts[group.bucket] += total,
            }
        }
        (longs, shorts)
    }
}
