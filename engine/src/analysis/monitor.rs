//! Leverage ratio monitoring: the numbers a risk desk watches before a flush, read off the
//! population as it stands (no run): how levered the crowd is in total (open interest over the
//! collateral behind it), and how much of it sits close to its liquidation price.

use serde::{Deserialize, Serialize};

use crate::positions::PositionTable;
use crate::scenario::Side;

/// Distances from the price (percent) at which [`Monitor::share_within`] counts open interest.
pub const DISTANCES_PCT: [f64; 3] = [1.0, 5.0, 10.0];

/// The population's leverage at a glance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Monitor {
    /// Open interest at entry (USD; contracts for inverse), both sides.
    pub open_interest: f64,
    /// Collateral posted at entry, in the same unit: each position's size over its leverage.
    pub collateral: f64,
    /// `open_interest / collateral`: the crowd's leverage ratio, weighted by size.
    pub leverage_ratio: f64,
    /// Share of open interest (0 to 1) whose liquidation price is within each distance of
    /// [`DISTANCES_PCT`] of `price` on its losing side (a position already past it counts too).
    pub share_within: [f64; 3],
}

/// The monitor of `table` at `price` (the market's price before the shock).
pub fn monitor(table: &PositionTable, price: f64) -> Monitor {
    let mut open_interest = 0.0;
    let mut collateral = 0.0;
    let mut within = [0.0; 3];
    for group in &table.groups {
        for i in group.start..group.end {
            let size = table.size(group, i);
            open_interest += size;
            collateral += size / table.leverage[i];
            let liquidation = table.liquidation_price[i];
            let distance_pct = match group.side {
                Side::Long => (price - liquidation) / price * 100.0,
                Side::Short => (liquidation - price) / price * 100.0,
            };
            for (count, limit) in within.iter_mut().zip(DISTANCES_PCT) {
                if distance_pct <= limit {
                    *count += size;
                }
            }
        }
    }
    let share = |size: f64| {
        if open_interest > 0.0 {
            size / open_interest
        } else {
            0.0
        }
    };
    Monitor {
        open_interest,
        collateral,
        leverage_ratio: if collateral > 0.0 {
            open_interest / collateral
        } else {
            0.0
        },
        share_within: within.map(share),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Positions, Scenario};

    /// Longs at 10x and 50x and a short at 20x, $1,000 each, entered at the price of 100, on a
    /// flat 0.5% maintenance margin.
    fn three_positions() -> Scenario {
        let mut scenario = crate::presets::default_scenario();
        scenario.market.price = 100.0;
        scenario.venue.maintenance_margin = crate::scenario::MaintenanceMargin::Flat(0.005);
        scenario.positions = Positions::List(
            [("long", 10.0), ("long", 50.0), ("short", 20.0)]
                .iter()
                .map(|(side, leverage)| {
                    serde_json::from_value(serde_json::json!({
                        "side": side, "notional_usd": 1000.0, "entry": 100.0, "leverage": leverage
                    }))
                    .expect("a listed position")
                })
                .collect(),
        );
        scenario.validate().expect("a valid scenario");
        scenario
    }

    #[test]
    fn the_ratio_is_open_interest_over_collateral_and_shares_count_by_distance() {
        let scenario = three_positions();
        let table = PositionTable::build(&scenario);
        let monitor = monitor(&table, 100.0);
        assert!((monitor.open_interest - 3000.0).abs() < 1e-9);
        // 100 + 20 + 50 of collateral.
        assert!((monitor.collateral - 170.0).abs() < 1e-9);
        assert!((monitor.leverage_ratio - 3000.0 / 170.0).abs() < 1e-12);
        // Liquidation distances: 10x long 9.5%, 50x long 1.5%, 20x short 4.5%.
        assert_eq!(monitor.share_within, [0.0, 2.0 / 3.0, 1.0]);
        // Seen from a lower price the longs are closer (the 50x one is past its price).
        let lower = super::monitor(&table, 98.6);
        assert!((lower.share_within[0] - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn an_empty_population_reads_zero() {
        let mut table = PositionTable::build(&three_positions());
        table.groups.clear();
        let monitor = monitor(&table, 100.0);
        assert_eq!(monitor.leverage_ratio, 0.0);
        assert_eq!(monitor.share_within, [0.0; 3]);
    }
}
