//! Analyses built on the solvers: shock sweeps with their tipping point, two-parameter phase grids,
//! the no-leverage counterfactual, the multi-day leverage-cycle Monte Carlo, and (beside them,
//! no solver needed) an option's leverage against a perpetual's.
//!
//! Everything here is a pure function of its inputs: no I/O, no clocks, randomness only through
//! seeded [`crate::positions::Draws`], so the same inputs give the same JSON everywhere.

pub mod calibrate;
pub mod contagion;
pub mod counterfactual;
pub mod cycles;
pub mod figures;
pub mod grid;
pub mod grid_system;
pub mod monitor;
pub mod option_leverage;
pub mod record;
pub mod sweep;
pub mod venues;

pub use calibrate::{
    calibrate, calibrate_system, Calibration, CalibrationSpec, SystemCalibration,
    SystemCalibrationSpec,
};
pub use contagion::{
    contagion, contagion_on, contagion_prepared, sweep_system, Contagion, ContagionRow, SystemSweep,
};
pub use counterfactual::{counterfactual, without_leverage, Counterfactual, InstantSummary};
pub use cycles::{
    cycles, cycles_response, Cycles, CyclesConfig, Fan, ResponseAxis, ResponsePoint, ReturnStats,
    ThinTails,
};
pub use figures::Figure;
pub use grid::{grid, Axis, Grid, Parameter};
pub use grid_system::{grid_system, GridMarket, SystemGrid};
pub use monitor::{monitor, Monitor};
pub use option_leverage::{option_leverage, OptionLeverage, OptionSpec};
pub use record::{past_the_record, past_the_record_by_moves, PastTheRecord};
pub use sweep::{default_shocks, sweep, Sweep, SweepPoint};
pub use venues::{on_venue, VenueRow};

use crate::market::OrderBook;
use crate::scenario::{Market, Positions, Scenario};

/// Depth within 1% of the start price, USD, averaged over bids and asks: the constant of a linear
/// or power book, and for an explicit ladder the notional resting within 1% (interpolated inside
/// the rung that straddles 1%, as the book itself walks it).
pub(crate) fn depth_1pct_usd(market: &Market) -> f64 {
    let book = OrderBook::new(market);
    let price = market.price;
    let bid_coins = book.coins_to_reach(price * 0.99);
    let ask_coins = -book.coins_to_reach(price * 1.01);
    (bid_coins + ask_coins) / 2.0 * price
}

/// Total open interest of the scenario's positions, USD at entry (contracts for inverse).
pub(crate) fn open_interest_usd(scenario: &Scenario) -> f64 {
    match &scenario.positions {
        Positions::List(list) => list.iter().map(|position| position.notional_usd).sum(),
        Positions::Generate(population) => population.open_interest_usd,
    }
}

/// Scenarios shared by the analysis tests.
#[cfg(test)]
pub(crate) mod examples {
    use crate::scenario::Scenario;

    /// A mixed population: 70% long, three leverage buckets, 50M OI on a 1M-per-1% book.
    pub fn mixed() -> Scenario {
        Scenario::from_json(
            r#"{"version":1,"seed":7,
            "market":{"price":100.0,"contract":"linear",
                      "book":{"profile":"linear","depth_1pct_usd":1000000.0}},
            "positions":{"generate":{"count":2000,"open_interest_usd":50000000.0,"long_share":0.7,
                "leverage_buckets":[{"min":2,"max":5,"weight":1},{"min":5,"max":20,"weight":2},
                                    {"min":20,"max":50,"weight":1}],
                "entry_spread_pct":2.0,"size_dispersion":0.5}},
            "shock":{"kind":"instant","pct":-5.0}}"#,
        )
        .expect("the mixed example is valid")
    }

    /// Every position long at exactly `leverage`, entered at the start price: one liquidation
    /// price, so the population tips all at once.
    pub fn band(leverage: f64) -> Scenario {
        Scenario::from_json(&format!(
            r#"{{"version":1,"seed":3,
            "market":{{"price":100.0,"book":{{"profile":"linear","depth_1pct_usd":1000000.0}}}},
            "positions":{{"generate":{{"count":200,"open_interest_usd":20000000.0,"long_share":1.0,
                "leverage_buckets":[{{"min":{leverage},"max":{leverage},"weight":1}}]}}}},
            "shock":{{"kind":"instant","pct":-5.0}}}}"#
        ))
        .expect("the band example is valid")
    }
}
