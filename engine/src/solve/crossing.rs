//! Which of a group's positions a price has crossed, and what they add up to: both solvers and the
//! liquidation map read the sorted liquidation prices and prefix sums of a [`PositionTable`] here.

use crate::positions::{crossed, Group, PositionTable};
use crate::scenario::Side;

/// How many of the group's positions (in trigger order) a mark at `price` has crossed.
#[inline]
pub fn crossed_count(table: &PositionTable, group: &Group, price: f64) -> usize {
    let triggers = &table.liquidation_price[group.start..group.end];
    // [`crossed`] per side, the side's comparison taken out of the search.
    match group.side {
        Side::Long => triggers.partition_point(|&trigger| crossed(Side::Long, price, trigger)),
        Side::Short => triggers.partition_point(|&trigger| crossed(Side::Short, price, trigger)),
    }
}

/// Unit coins of the first `count` positions of a group.
#[inline]
pub fn coins_before(table: &PositionTable, group: &Group, count: usize) -> f64 {
    prefix(&table.unit_coins_before, &table.unit_coins, group, count)
}

/// Unit size of the first `count` positions of a group.
#[inline]
pub fn size_before(table: &PositionTable, group: &Group, count: usize) -> f64 {
    prefix(&table.unit_size_before, &table.unit_size, group, count)
}

fn prefix(before: &[f64], values: &[f64], group: &Group, count: usize) -> f64 {
    if count == 0 {
        0.0
    } else {
        let last = group.start + count - 1;
        before[last] + values[last]
    }
}
