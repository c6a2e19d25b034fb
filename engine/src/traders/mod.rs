//! Traders' adjustment (top-ups, pre-emptive de-leveraging, stop-losses, dip buyers) and algorithmic agents
//! (predatory sellers, portfolio insurance, option dealers' hedging). Each is a small state machine the timeline calls once per step, in its
//! own file.

mod delevering;
mod dip_buying;
mod hedging;
mod insurance;
mod predation;
mod stop_losses;
mod top_ups;

pub use delevering::realized_volatility_pct;
pub use delevering::Delevering;
pub use dip_buying::DipBuying;
pub use hedging::DealerHedging;
pub use insurance::PortfolioInsurance;
pub use predation::Predation;
pub use stop_losses::{StopLosses, StopMembers};
pub use top_ups::TopUps;

/// Scenarios and lookups the traders' tests (and the build-up's) share.
#[cfg(test)]
pub(crate) mod examples {
    use crate::positions::PositionTable;
    use crate::scenario::Scenario;

    /// A linear book at 100 with 10,000 coins (1M USD) per 1% of depth, the listed positions
    /// (`side, notional USD, entry, leverage`), 0.5% maintenance margin, one-second steps.
    pub fn scenario(positions: &[(&str, f64, f64, f64)]) -> Scenario {
        let list: Vec<String> = positions
            .iter()
            .map(|(side, notional, entry, leverage)| {
                format!(
                    r#"{{"side": "{side}", "notional_usd": {notional}, "entry": {entry}, "leverage": {leverage}}}"#
                )
            })
            .collect();
        Scenario::from_json(&format!(
            r#"{{"version": 1, "seed": 7,
                "market": {{"price": 100.0, "book": {{"profile": "linear", "depth_1pct_usd": 1000000.0}}}},
                "positions": {{"list": [{}]}}, "venue": {{"maintenance_margin": 0.005}},
                "shock": {{"kind": "instant", "pct": -5.0}}, "run": {{"steps": 100, "step_s": 1.0}}}}"#,
            list.join(",")
        ))
        .expect("the test scenario is valid")
    }

    /// A book at 100 so deep that a test's own trades do not move it.
    pub fn deep_book() -> crate::market::OrderBook {
        let mut scenario = scenario(&[("long", 1_000.0, 100.0, 2.0)]);
        scenario.market.book = crate::scenario::Book::Linear {
            depth_1pct_usd: 1e13,
        };
        crate::market::OrderBook::new(&scenario.market)
    }

    /// The index of the position whose liquidation price is nearest `price`.
    pub fn nearest(table: &PositionTable, price: f64) -> usize {
        (0..table.len())
            .min_by(|&a, &b| {
                let distance = |i: usize| (table.liquidation_price[i] - price).abs();
                distance(a).total_cmp(&distance(b))
            })
            .expect("the table has positions")
    }
}
