//! The exact sums over the open positions of a linear contract that mark them all at once.

use crate::money::exact;
use crate::scenario::Side;

/// Exact sums over the open positions of a linear contract, per side (long, short), from which
/// their total PnL at any price is one product: `sum(coins * (price - entry)) =
/// price * sum(coins) - sum(coins * entry)` (8-place coins and prices, so the PnL is in 1e-16
/// units, exact). Kept in step as sizes change, it marks every open position without visiting it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenPositionSums {
    pub(super) coins: [i128; 2],
    pub(super) coins_entry: [i128; 2],
}

impl OpenPositionSums {
    /// The index of `side` in the per-side sums: long 0, short 1.
    pub fn lane(side: Side) -> usize {
        side.slot()
    }

    /// Adds (`sign` 1) or removes (`sign` -1) a position of `coins` entered at `entry` (both in
    /// 8-place fixed point); false (the book is then unusable) if a sum leaves 128 bits.
    #[inline]
    pub fn add(&mut self, side: Side, coins: i128, entry: i128, sign: i8) -> bool {
        let Some(product) = exact::exact_product(coins, entry) else {
            return false;
        };
        let lane = OpenPositionSums::lane(side);
        let (coins, coins_entry) = if sign >= 0 {
            (
                self.coins[lane].checked_add(coins),
                self.coins_entry[lane].checked_add(product),
            )
        } else {
            (
                self.coins[lane].checked_sub(coins),
                self.coins_entry[lane].checked_sub(product),
            )
        };
        match (coins, coins_entry) {
            (Some(coins), Some(coins_entry)) => {
                self.coins[lane] = coins;
                self.coins_entry[lane] = coins_entry;
                true
            }
            _ => false,
        }
    }

    /// Removes positions of `coins` in total whose coins x entry sum to `coins_entry` (closed
    /// together); false (the book is then unusable) if a sum leaves 128 bits.
    pub fn remove(&mut self, side: Side, coins: i128, coins_entry: i128) -> bool {
        let lane = OpenPositionSums::lane(side);
        match (
            self.coins[lane].checked_sub(coins),
            self.coins_entry[lane].checked_sub(coins_entry),
        ) {
            (Some(coins), Some(coins_entry)) => {
                self.coins[lane] = coins;
                self.coins_entry[lane] = coins_entry;
                true
            }
            _ => false,
        }
    }

    /// The exact total PnL (1e-16 units) of the open positions at `price` (8-place fixed point),
    /// shorts counted negatively; `None` beyond 128 bits.
    pub fn pnl_at(&self, price: i128) -> Option<i128> {
        let side_pnl = |lane: usize| {
            exact::exact_product(price, self.coins[lane])?.checked_sub(self.coins_entry[lane])
        };
        side_pnl(0)?.checked_sub(side_pnl(1)?)
    }
}
