//! Marking the positions still open at the end of a run: their equity and PnL at the final mark,
//! exact.

use crate::money::exact;
use crate::money::{self, Money};
use crate::positions::OpenPositionSums;
use crate::scenario::Contract;

use super::LiquidationEngine;

impl<'a> LiquidationEngine<'a> {
    /// Open positions marked at `mark`: (equity, PnL), exact. Linear positions are marked
    /// together: the exact total of their PnL (8-place coins times 8-place price moves), rounded
    /// once, from the open-position sums when the run kept one, else summed over the open positions.
    /// Inverse positions, whose PnL is a quotient, are rounded one by one as a close would be (as
    /// are linear ones if the exact sum leaves 128 bits).
    pub fn mark_open(&self, mark: f64) -> (Money, Money) {
        let price = money::fixed(mark);
        let pnl = match self.contract() {
            Contract::Linear => self
                .open_sums
                .and_then(|book| book.pnl_at(price))
                .or_else(|| self.linear_open_pnl(price)),
            Contract::Inverse => None,
        };
        let pnl = pnl
            .map(money::round_product)
            .unwrap_or_else(|| self.mark_one_by_one(mark));
        (self.open_collateral + pnl, pnl)
    }

    /// The exact total PnL (1e-16 units) of open linear positions at `price` (8-place fixed
    /// point), summed position by position (`None` if it does not fit 128 bits).
    pub(super) fn linear_open_pnl(&self, price: i128) -> Option<i128> {
        let mut sides = [exact::ProductSum::default(); 2];
        for i in (0..self.len()).filter(|&i| self.is_open(i)) {
            let lane = OpenPositionSums::lane(self.side[i]);
            sides[lane].add(
                self.closing_units(i, self.size(i)),
                price - self.table.entry_fixed.get(i),
            );
        }
        sides[0].total()?.checked_sub(sides[1].total()?)
    }

    /// PnL of every open position at `mark`, each rounded as a close would be.
    pub(super) fn mark_one_by_one(&self, mark: f64) -> Money {
        let price = money::fixed(mark);
        (0..self.len())
            .filter(|&i| self.is_open(i))
            .map(|i| self.closing_at(i, 1.0, mark, price).pnl)
            .sum()
    }
}
