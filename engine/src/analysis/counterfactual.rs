//! The counterfactual: the same market, positions and shock, with every position at 1x. What is
//! left of the move is the shock itself; the difference is what leverage added.

use serde::Serialize;

use crate::positions::PositionTable;
use crate::scenario::{Positions, Scenario};
use crate::solve::{InstantResult, InstantSolver};

/// The scenario with every position at 1x leverage: generated buckets become `min = max = 1`
/// (weights kept), listed positions get leverage 1.
///
/// A 1x list does not pass validation (listed leverage must exceed 1), so the result is meant
/// for [`PositionTable::build`] directly, not for [`Scenario::validate`]. At 1x a linear long is
/// never liquidated and a short only after the price has roughly doubled; a coin-margined
/// (inverse) long at 1x still has coin collateral and is liquidated near half its entry.
pub fn without_leverage(scenario: &Scenario) -> Scenario {
    let mut unlevered = scenario.clone();
    match &mut unlevered.positions {
        Positions::List(list) => list.iter_mut().for_each(|position| position.leverage = 1.0),
        Positions::Generate(population) => {
            for bucket in &mut population.leverage_buckets {
                bucket.min = 1.0;
                bucket.max = 1.0;
            }
        }
    }
    unlevered
}

/// The instant solver's answer for one population, with the derived headline numbers (the
/// result's fields and these two side by side in JSON).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InstantSummary {
    #[serde(flatten)]
    pub result: InstantResult,
    /// Move over the shock's own move (1 = no cascade).
    pub amplification: f64,
    /// Start-to-final fall, percent, positive (0 for a rise).
    pub drawdown_pct: f64,
}

impl From<&InstantResult> for InstantSummary {
    fn from(result: &InstantResult) -> InstantSummary {
        InstantSummary {
            result: result.clone(),
            amplification: result.amplification(),
            drawdown_pct: result.drawdown_pct(),
        }
    }
}

/// The scenario's shock solved with the scenario's leverage and with everyone at 1x.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Counterfactual {
    pub with_leverage: InstantSummary,
    pub without_leverage: InstantSummary,
}

/// Solves the scenario's shock (instant solver) as given and with every position at 1x.
/// The scenario must be valid (as [`Scenario::from_json`] returns it).
pub fn counterfactual(scenario: &Scenario) -> Counterfactual {
    let solve = |scenario: &Scenario| {
        let table = PositionTable::build(scenario);
        let result = InstantSolver::new(&table, &scenario.market).solve(&scenario.shock);
        InstantSummary::from(&result)
    };
    Counterfactual {
        with_leverage: solve(scenario),
        without_leverage: solve(&without_leverage(scenario)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::examples;
    use crate::scenario::{PositionSpec, Side};

    #[test]
    fn at_1x_a_down_shock_liquidates_no_long_and_is_not_amplified() {
        let result = counterfactual(&examples::mixed());
        let flat = &result.without_leverage;
        assert_eq!(flat.result.liquidated_count_long, 0);
        assert_eq!(flat.result.liquidated_notional_usd_long, 0.0);
        assert!((flat.amplification - 1.0).abs() < 1e-12, "{flat:?}");
        assert!((flat.drawdown_pct - 5.0).abs() < 1e-9);
    }

    #[test]
    fn leverage_amplifies_the_same_shock() {
        let result = counterfactual(&examples::mixed());
        let levered = &result.with_leverage;
        assert!(levered.result.liquidated_count_long > 0);
        assert!(levered.amplification > 1.0, "{levered:?}");
        assert!(levered.drawdown_pct > result.without_leverage.drawdown_pct);
        assert_eq!(
            levered.result.start_price,
            result.without_leverage.result.start_price
        );
        assert_eq!(
            levered.result.shock_pct,
            result.without_leverage.result.shock_pct
        );
    }

    #[test]
    fn without_leverage_sets_every_position_to_1x() {
        let generated = without_leverage(&examples::mixed());
        let Positions::Generate(population) = &generated.positions else {
            panic!("still generated");
        };
        assert!(population
            .leverage_buckets
            .iter()
            .all(|bucket| bucket.min == 1.0 && bucket.max == 1.0));
        assert!(generated.validate().is_ok());

        let mut listed = examples::mixed();
        listed.positions = Positions::List(vec![
            PositionSpec {
                side: Side::Long,
                notional_usd: 5e6,
                entry: 100.0,
                leverage: 20.0,
            },
            PositionSpec {
                side: Side::Short,
                notional_usd: 1e6,
                entry: 100.0,
                leverage: 50.0,
            },
        ]);
        let unlevered = without_leverage(&listed);
        let Positions::List(list) = &unlevered.positions else {
            panic!("still a list");
        };
        assert!(list.iter().all(|position| position.leverage == 1.0));
        let result = counterfactual(&listed);
        assert_eq!(result.with_leverage.result.liquidated_count_long, 1);
        assert_eq!(result.without_leverage.result.liquidated_count_long, 0);
    }
}
