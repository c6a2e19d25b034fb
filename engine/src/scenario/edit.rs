//! Editing a scenario by one headline parameter (shock, mean leverage, depth, long share, margin,
//! withdrawal), as the phase grid, calibration and the app's analyses do: read a value, set it,
//! and keep every leverage below what the margin allows.

use serde::{Deserialize, Serialize};

use crate::error::{Rule, ScenarioError};
use crate::scenario::{
    max_entry_leverage, Book, MaintenanceMargin, Market, Positions, Scenario, Shock, MAX_LEVERAGE,
};

/// Least leverage a listed position is scaled down to: listed leverage must exceed 1, and this is
/// 1x for every practical purpose.
const LEAST_LISTED_LEVERAGE: f64 = 1.0 + 1e-9;

/// A scenario parameter a grid axis or a calibration can vary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parameter {
    /// An instant shock of this many percent (replaces the scenario's shock).
    ShockPct,
    /// Target notional-weighted mean leverage: every bucket's min and max (or every listed
    /// position's leverage) is multiplied by target / current mean, clamped to [1, 1000].
    MeanLeverage,
    /// `market.book.depth_1pct_usd` of a linear or power book (not defined for a levels book).
    DepthUsd,
    /// Share of open interest held long (generated populations only).
    LongShare,
    /// A flat maintenance-margin rate (replaces any tier table).
    MaintenanceMargin,
    /// `market.withdrawal`: share of depth pulled per 1% move.
    Withdrawal,
}

impl Parameter {
    /// Every parameter, in declaration order.
    pub const ALL: [Parameter; 6] = [
        Parameter::ShockPct,
        Parameter::MeanLeverage,
        Parameter::DepthUsd,
        Parameter::LongShare,
        Parameter::MaintenanceMargin,
        Parameter::Withdrawal,
    ];

    /// The parameter's name as in JSON, e.g. "mean_leverage".
    pub fn name(self) -> &'static str {
        match self {
            Parameter::ShockPct => "shock_pct",
            Parameter::MeanLeverage => "mean_leverage",
            Parameter::DepthUsd => "depth_usd",
            Parameter::LongShare => "long_share",
            Parameter::MaintenanceMargin => "maintenance_margin",
            Parameter::Withdrawal => "withdrawal",
        }
    }

    /// The parameter of a JSON name, e.g. "depth_usd".
    pub fn from_name(name: &str) -> Option<Parameter> {
        Parameter::ALL
            .into_iter()
            .find(|parameter| parameter.name() == name)
    }

    /// The parameter's value in `scenario`, where it has one (`depth_usd` of a levels book, a
    /// long share of a list and a tiered margin have none).
    pub fn read(self, scenario: &Scenario) -> Option<f64> {
        match self {
            Parameter::ShockPct => Some(scenario.shock.pct),
            Parameter::MeanLeverage => Some(mean_leverage(scenario)),
            Parameter::DepthUsd => match scenario.market.book {
                Book::Linear { depth_1pct_usd } | Book::Power { depth_1pct_usd, .. } => {
                    Some(depth_1pct_usd)
                }
                Book::Levels { .. } => None,
            },
            Parameter::LongShare => match &scenario.positions {
                Positions::Generate(population) => Some(population.long_share),
                Positions::List(_) => None,
            },
            Parameter::MaintenanceMargin => match scenario.venue.maintenance_margin {
                MaintenanceMargin::Flat(rate) => Some(rate),
                MaintenanceMargin::Tiered { .. } => None,
            },
            Parameter::Withdrawal => Some(scenario.market.withdrawal),
        }
    }

    /// Whether a new value changes the population (its liquidation prices or sizes).
    pub(crate) fn changes_population(self) -> bool {
        matches!(
            self,
            Parameter::MeanLeverage | Parameter::LongShare | Parameter::MaintenanceMargin
        )
    }

    /// Sets the parameter on a scenario (`current_mean`: the unedited scenario's mean leverage,
    /// which a `mean_leverage` value is relative to), then keeps every leverage below what the
    /// margin allows.
    pub fn apply(
        self,
        scenario: &mut Scenario,
        value: f64,
        current_mean: f64,
    ) -> Result<(), ScenarioError> {
        let parameter = self;
        match parameter {
            Parameter::ShockPct | Parameter::DepthUsd | Parameter::Withdrawal => {
                parameter.apply_to_market(&mut scenario.market, &mut scenario.shock, value)?
            }
            Parameter::MeanLeverage => {
                scale_leverage(&mut scenario.positions, value / current_mean)
            }
            Parameter::LongShare => match &mut scenario.positions {
                Positions::Generate(population) => population.long_share = value,
                Positions::List(_) => {
                    return Err(ScenarioError::single(
                        "positions.list",
                        Rule::LongShareOnList,
                    ))
                }
            },
            Parameter::MaintenanceMargin => {
                scenario.venue.maintenance_margin = MaintenanceMargin::Flat(value)
            }
        }
        clamp_leverage_to_margin(scenario);
        Ok(())
    }

    /// Sets a parameter that leaves the population alone.
    pub(crate) fn apply_to_market(
        self,
        market: &mut Market,
        shock: &mut Shock,
        value: f64,
    ) -> Result<(), ScenarioError> {
        let parameter = self;
        match parameter {
            Parameter::ShockPct => *shock = shock.as_instant(value),
            Parameter::Withdrawal => market.withdrawal = value,
            Parameter::DepthUsd => match &mut market.book {
                Book::Linear { depth_1pct_usd } | Book::Power { depth_1pct_usd, .. } => {
                    *depth_1pct_usd = value
                }
                Book::Levels { .. } => {
                    return Err(ScenarioError::single("market.book", Rule::DepthOnLevels))
                }
            },
            // Population parameters are set by `apply`, which rebuilds or rescales the table.
            Parameter::MeanLeverage | Parameter::LongShare | Parameter::MaintenanceMargin => {
                debug_assert!(false, "{} changes the population", parameter.name())
            }
        }
        Ok(())
    }
}

/// Keeps every leverage at or below [`max_entry_leverage`], as a venue's leverage cap would, so
/// that no edit leaves positions born liquidatable.
pub fn clamp_leverage_to_margin(scenario: &mut Scenario) {
    clamp_leverage(scenario, MAX_LEVERAGE);
}

/// Keeps every leverage at or below `most` and below [`max_entry_leverage`] (a venue's
/// documented leverage cap, [`crate::scenario::profiles::VenueProfile::max_leverage`]).
pub fn clamp_leverage(scenario: &mut Scenario, most: f64) {
    let rate = scenario.venue.lowest_trigger_rate();
    // A NaN rate (invalid; validation reports it) caps nothing.
    if rate.is_nan() || rate <= 0.0 {
        return;
    }
    let cap = max_entry_leverage(rate).min(MAX_LEVERAGE).min(most);
    match &mut scenario.positions {
        Positions::Generate(population) => {
            for bucket in &mut population.leverage_buckets {
                bucket.max = bucket.max.min(cap);
                bucket.min = bucket.min.min(bucket.max);
            }
        }
        Positions::List(list) => {
            for position in list {
                position.leverage = position.leverage.min(cap);
            }
        }
    }
}

/// Multiplies every leverage by `factor`, clamped to the valid range.
fn scale_leverage(positions: &mut Positions, factor: f64) {
    match positions {
        Positions::Generate(population) => {
            for bucket in &mut population.leverage_buckets {
                bucket.min = (bucket.min * factor).clamp(1.0, MAX_LEVERAGE);
                bucket.max = (bucket.max * factor).clamp(1.0, MAX_LEVERAGE);
            }
        }
        Positions::List(list) => {
            for position in list {
                position.leverage =
                    (position.leverage * factor).clamp(LEAST_LISTED_LEVERAGE, MAX_LEVERAGE);
            }
        }
    }
}

/// Notional-weighted mean leverage: of a generated population, each bucket's log-uniform mean
/// `(max - min) / ln(max / min)` weighted by its share of open interest.
pub fn mean_leverage(scenario: &Scenario) -> f64 {
    let (weighted, total) = match &scenario.positions {
        Positions::Generate(population) => {
            population
                .leverage_buckets
                .iter()
                .fold((0.0, 0.0), |(weighted, total), bucket| {
                    let mean = if bucket.max > bucket.min {
                        (bucket.max - bucket.min) / libm::log(bucket.max / bucket.min)
                    } else {
                        bucket.min
                    };
                    (weighted + bucket.weight * mean, total + bucket.weight)
                })
        }
        Positions::List(list) => list.iter().fold((0.0, 0.0), |(weighted, total), position| {
            (
                weighted + position.notional_usd * position.leverage,
                total + position.notional_usd,
            )
        }),
    };
    if total > 0.0 {
        weighted / total
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::examples;

    #[test]
    fn parameter_names_round_trip_through_serde_and_from_name() {
        for parameter in Parameter::ALL {
            let json = serde_json::to_string(&parameter).expect("serializes");
            assert_eq!(json, format!("\"{}\"", parameter.name()));
            assert_eq!(Parameter::from_name(parameter.name()), Some(parameter));
        }
        assert_eq!(Parameter::from_name("leverage"), None);
    }

    #[test]
    fn mean_leverage_is_the_notional_weighted_log_uniform_mean() {
        let band = examples::band(10.0);
        assert_eq!(mean_leverage(&band), 10.0);
        let mixed = examples::mixed();
        let bucket_mean = |min: f64, max: f64| (max - min) / libm::log(max / min);
        let expected =
            (bucket_mean(2.0, 5.0) + 2.0 * bucket_mean(5.0, 20.0) + bucket_mean(20.0, 50.0)) / 4.0;
        assert!((mean_leverage(&mixed) - expected).abs() < 1e-12);
    }
}
