//! Which of a group's positions a price has crossed, and what they add up to: both solvers and the
//! liquidation map read the sorted liquidation prices and prefix sums of a [`PositionTable`] here.

use crate::positions::{crossed, Group, PositionTable};

/// How many of the group's positions (in trigger order) a mark at `price` has crossed.
pub fn crossed_count(table: &PositionTable, group: &Group, price: f64) -> usize {
    let triggers = &table.liquidation_price[group.start..group.end];
    triggers.partition_point(|&trigger| crossed(group.side, price, trigger))
}

/// Unit coins of the first `count` positions of a group.
pub fn coins_before(table: &PositionTable, group: &Group, count: usize) -> f64 {
    prefix(&table.unit_coins_before, &table.unit_coins, group, count)
}

/// Unit size of the first `count` positions of a group.
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
