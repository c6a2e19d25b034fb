//! Editing a system by one headline parameter, as the phase grid and calibration do on a version 2
//! scenario: the common shock, or a market's value (one market by id, or every market at once).
//! A market's value is set exactly as on a version 1 scenario (`scenario::edit`), on that
//! market's own scenario, and written back.

use crate::error::{Problem, Rule, ScenarioError};
use crate::scenario::edit::{mean_leverage, Parameter};
use crate::scenario::validate::Checker;

use super::System;

/// Which markets a value is set on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Markets {
    Every,
    One(usize),
}

impl Markets {
    /// The market named `id` (`None`: every market); the error's path is `path`.
    pub fn named(system: &System, id: Option<&str>, path: &str) -> Result<Markets, ScenarioError> {
        match id {
            None => Ok(Markets::Every),
            Some(id) => system.market_index(id).map(Markets::One).ok_or_else(|| {
                ScenarioError::single(path, Rule::UnknownMarket { id: id.to_string() })
            }),
        }
    }

    /// The indices of the markets meant, in `system`.
    pub fn indices(self, system: &System) -> std::ops::Range<usize> {
        match self {
            Markets::Every => 0..system.markets.len(),
            Markets::One(i) => i..i + 1,
        }
    }
}

/// Every market's mean leverage, which a `mean_leverage` value is relative to.
pub fn mean_leverages(system: &System) -> Vec<f64> {
    (0..system.markets.len())
        .map(|i| mean_leverage(&system.market_scenario(i)))
        .collect()
}

/// Sets `parameter` to `value` on `system`: the common shock's move (`shock_pct`, on every
/// market by its beta, the shock's kind kept), or each meant market's value (`means`: the
/// unedited markets' mean leverages). A problem's path is the market's field
/// (`markets[1].positions.list`).
pub fn set(
    system: &mut System,
    parameter: Parameter,
    markets: Markets,
    value: f64,
    means: &[f64],
) -> Result<(), ScenarioError> {
    if parameter == Parameter::ShockPct {
        // As an instant shock's move is checked: a market order sized from any other (NaN
        // sizes no order at all) would pass as a valid sale.
        let mut check = Checker::default();
        check.range("shock.pct", value, -95.0, 500.0);
        check.finish()?;
        *system = system.with_shock_pct(value);
        return Ok(());
    }
    for i in markets.indices(system) {
        let mut scenario = system.market_scenario(i);
        parameter
            .apply(&mut scenario, value, means[i])
            .map_err(|error| in_market(i, error))?;
        *system = system.with_market_scenario(i, &scenario);
    }
    Ok(())
}

/// A market scenario's problems with their paths inside the system.
pub fn in_market(i: usize, error: ScenarioError) -> ScenarioError {
    ScenarioError {
        problems: error
            .problems
            .into_iter()
            .map(|problem| Problem {
                path: format!("markets[{i}].{}", problem.path),
                rule: problem.rule,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    fn two_venues() -> System {
        presets::find_system("two-venues-one-asset").unwrap().system
    }

    #[test]
    fn a_value_reaches_the_markets_meant_and_no_other() {
        let system = two_venues();
        let means = mean_leverages(&system);
        let mut one = system.clone();
        set(
            &mut one,
            Parameter::Withdrawal,
            Markets::One(1),
            0.5,
            &means,
        )
        .unwrap();
        assert_eq!(one.markets[1].market.withdrawal, 0.5);
        assert_eq!(one.markets[0], system.markets[0]);
        let mut every = system.clone();
        set(
            &mut every,
            Parameter::MeanLeverage,
            Markets::Every,
            20.0,
            &means,
        )
        .unwrap();
        for i in 0..2 {
            let mean = mean_leverage(&every.market_scenario(i));
            assert!((mean - 20.0).abs() < 1e-9 * 20.0, "market {i}: {mean}");
        }
        let mut shocked = system.clone();
        set(
            &mut shocked,
            Parameter::ShockPct,
            Markets::Every,
            -6.0,
            &means,
        )
        .unwrap();
        assert_eq!(shocked, system.with_shock_pct(-6.0));
        // A move no sale can be sized for is refused, not turned into no sale.
        for bad in [f64::NAN, -120.0] {
            let error = set(
                &mut shocked,
                Parameter::ShockPct,
                Markets::Every,
                bad,
                &means,
            );
            assert_eq!(error.unwrap_err().problems[0].path, "shock.pct", "{bad}");
        }
    }

    #[test]
    fn a_value_that_does_not_fit_the_market_names_its_field() {
        let system = two_venues();
        assert_eq!(
            Markets::named(&system, Some("okx"), "grid.x.market")
                .unwrap_err()
                .problems[0]
                .path,
            "grid.x.market"
        );
        let mut list = system.clone();
        list.markets[1].positions = crate::scenario::Positions::List(Vec::new());
        let means = mean_leverages(&list);
        let error = set(
            &mut list,
            Parameter::LongShare,
            Markets::One(1),
            0.5,
            &means,
        )
        .unwrap_err();
        assert_eq!(error.problems[0].path, "markets[1].positions.list");
    }
}
