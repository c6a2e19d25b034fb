//! The phase grid of a system of markets (format version 2): every cell a full run of the system
//! (its links, accounts and lending), so that the grid shows where contagion starts, e.g. the
//! common shock against one venue's depth or every market's mean leverage.
//!
//! Unlike the one-market grid, no fixed point stands in for the run: what spreads a flush between
//! markets (arbitrage latency and capital, index marks, accounts' margin checks, oracle delays)
//! happens step by step. Populations are built once when neither axis changes them.

use serde::Serialize;

use crate::budget;
use crate::error::{Rule, ScenarioError, Work};
use crate::positions::PositionTable;
use crate::system::edit::{self, mean_leverages, Markets};
use crate::system::{run_system, System};

use super::grid::{check_length, check_mean_leverage, in_grid_value, Axis, Parameter};

/// A system's grid; every matrix is indexed `[y][x]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SystemGrid {
    pub x: Axis,
    pub y: Axis,
    /// Each market's figures, in the system's order.
    pub markets: Vec<GridMarket>,
    /// Liquidated over all markets, USD at entry (cross-margin accounts' and loans' forced sales
    /// are in their ledgers, not here).
    pub liquidated_notional_usd: Vec<Vec<f64>>,
}

/// One market's figures over the grid.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GridMarket {
    pub id: String,
    /// Start to trough, percent, positive.
    pub drawdown_pct: Vec<Vec<f64>>,
    /// Its own positions' liquidated notional, USD at entry.
    pub liquidated_notional_usd: Vec<Vec<f64>>,
}

/// Runs the system at every combination of the two axes' values.
///
/// Errors: the system is invalid; an axis names an unknown market, or a market for the common
/// shock; both axes set the same parameter on a common market; an axis holds more than
/// [`super::grid::MAX_AXIS_VALUES`] values; a value makes a market invalid (the problem names the market's
/// field, e.g. `markets[1].market.withdrawal`); the grid is over the analysis budget.
pub fn grid_system(system: &System, x: &Axis, y: &Axis) -> Result<SystemGrid, ScenarioError> {
    system.validate()?;
    let x_markets = axis_markets(system, x, "x")?;
    let y_markets = axis_markets(system, y, "y")?;
    let overlap = match (x_markets, y_markets) {
        (Markets::One(a), Markets::One(b)) => a == b,
        _ => true,
    };
    if x.parameter == y.parameter && overlap {
        return Err(ScenarioError::single(
            "grid.y.parameter",
            Rule::SameAxes {
                parameter: x.parameter.name(),
            },
        ));
    }
    let means = mean_leverages(system);
    for (name, axis, markets) in [("x", x, x_markets), ("y", y, y_markets)] {
        check_axis(system, axis, markets, name, &means)?;
    }
    let cells = (x.values.len() * y.values.len()) as f64;
    let rebuilds = x.parameter.changes_population() || y.parameter.changes_population();
    // Each cell costs a run of the system, its builds counted in (an upper bound when the
    // populations are built once).
    budget::Estimate {
        seconds: cells * system.budget_seconds(),
        reduce: vec![
            "grid.x.values".into(),
            "grid.y.values".into(),
            "markets".into(),
            "run.steps".into(),
        ],
    }
    .check(Work::Grid, budget::ANALYSIS_BUDGET_S)?;

    let matrix = || vec![vec![0.0; x.values.len()]; y.values.len()];
    let mut markets: Vec<GridMarket> = system
        .markets
        .iter()
        .map(|market| GridMarket {
            id: market.id.clone(),
            drawdown_pct: matrix(),
            liquidated_notional_usd: matrix(),
        })
        .collect();
    let mut total = matrix();
    let mut tables: Option<Vec<PositionTable>> = None;
    for (yi, &y_value) in y.values.iter().enumerate() {
        for (xi, &x_value) in x.values.iter().enumerate() {
            let mut cell = system.clone();
            // Checked value by value above; each axis sets its own field.
            edit::set(&mut cell, x.parameter, x_markets, x_value, &means)?;
            edit::set(&mut cell, y.parameter, y_markets, y_value, &means)?;
            let scenarios = cell.market_scenarios();
            if rebuilds {
                tables = None;
            }
            let reused = tables.is_some();
            let built =
                tables.get_or_insert_with(|| scenarios.iter().map(PositionTable::build).collect());
            if reused {
                // Cell after cell on the same populations.
                built.iter().for_each(|table| {
                    table.prepare_reruns();
                });
            }
            let outcome = run_system(&cell, &scenarios, built);
            for (line, market) in markets.iter_mut().zip(&outcome.markets) {
                let summary = &market.outcome.summary;
                let liquidated =
                    summary.liquidated_notional_usd_long + summary.liquidated_notional_usd_short;
                line.drawdown_pct[yi][xi] = summary.max_drawdown_pct;
                line.liquidated_notional_usd[yi][xi] = liquidated;
                total[yi][xi] += liquidated;
            }
        }
    }
    Ok(SystemGrid {
        x: x.clone(),
        y: y.clone(),
        markets,
        liquidated_notional_usd: total,
    })
}

/// The markets an axis sets; the common shock takes none.
fn axis_markets(system: &System, axis: &Axis, name: &str) -> Result<Markets, ScenarioError> {
    if axis.parameter == Parameter::ShockPct && axis.market.is_some() {
        return Err(ScenarioError::single(
            &format!("grid.{name}.market"),
            Rule::MarketOnShock,
        ));
    }
    Markets::named(
        system,
        axis.market.as_deref(),
        &format!("grid.{name}.market"),
    )
}

/// Validates every value of an axis once, set on the system alone.
fn check_axis(
    system: &System,
    axis: &Axis,
    markets: Markets,
    name: &str,
    means: &[f64],
) -> Result<(), ScenarioError> {
    check_length(axis, name)?;
    for (k, &value) in axis.values.iter().enumerate() {
        let value_path = format!("grid.{name}.values[{k}]");
        check_mean_leverage(axis, value, &value_path)?;
        let mut cell = system.clone();
        edit::set(&mut cell, axis.parameter, markets, value, means)
            .and_then(|()| cell.validate())
            .map_err(|error| in_grid_value(error, &value_path))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;
    use crate::system::simulate_system;

    fn two_venues() -> System {
        presets::find_system("two-venues-one-asset").unwrap().system
    }

    fn axis(parameter: Parameter, market: Option<&str>, values: &[f64]) -> Axis {
        Axis {
            parameter,
            market: market.map(str::to_string),
            values: values.to_vec(),
        }
    }

    #[test]
    fn every_cell_is_the_system_run_with_both_values_set() {
        let system = two_venues();
        let x = axis(Parameter::ShockPct, None, &[-2.0, -6.0]);
        let y = axis(Parameter::DepthUsd, Some("venue-b"), &[5e7, 3e8]);
        let grid = grid_system(&system, &x, &y).unwrap();
        let means = mean_leverages(&system);
        for (yi, &depth) in y.values.iter().enumerate() {
            for (xi, &shock) in x.values.iter().enumerate() {
                let mut cell = system.clone();
                edit::set(
                    &mut cell,
                    Parameter::ShockPct,
                    Markets::Every,
                    shock,
                    &means,
                )
                .unwrap();
                edit::set(
                    &mut cell,
                    Parameter::DepthUsd,
                    Markets::One(1),
                    depth,
                    &means,
                )
                .unwrap();
                let outcome = simulate_system(&cell).unwrap();
                for (m, market) in outcome.markets.iter().enumerate() {
                    assert_eq!(
                        grid.markets[m].drawdown_pct[yi][xi],
                        market.outcome.summary.max_drawdown_pct,
                        "market {m} at shock {shock}, depth {depth}"
                    );
                }
            }
        }
        // A larger common shock spreads further to the venue it does not hit; a thinner book
        // there makes it fall further.
        let b = &grid.markets[1].drawdown_pct;
        assert!(b[0][1] > b[0][0] && b[1][1] > b[1][0], "{b:?}");
        assert!(b[0][1] > b[1][1], "thinner falls further: {b:?}");
    }

    #[test]
    fn a_population_axis_rebuilds_and_matches_the_direct_run() {
        let system = two_venues();
        let x = axis(Parameter::MeanLeverage, Some("venue-b"), &[5.0, 30.0]);
        let y = axis(Parameter::Withdrawal, None, &[0.0]);
        let grid = grid_system(&system, &x, &y).unwrap();
        let means = mean_leverages(&system);
        for (xi, &mean) in x.values.iter().enumerate() {
            let mut cell = system.clone();
            edit::set(
                &mut cell,
                Parameter::MeanLeverage,
                Markets::One(1),
                mean,
                &means,
            )
            .unwrap();
            edit::set(
                &mut cell,
                Parameter::Withdrawal,
                Markets::Every,
                0.0,
                &means,
            )
            .unwrap();
            let outcome = simulate_system(&cell).unwrap();
            assert_eq!(
                grid.markets[1].liquidated_notional_usd[0][xi],
                outcome.markets[1]
                    .outcome
                    .summary
                    .liquidated_notional_usd_long
                    + outcome.markets[1]
                        .outcome
                        .summary
                        .liquidated_notional_usd_short
            );
        }
    }

    #[test]
    fn bad_axes_name_the_field() {
        let system = two_venues();
        let shock = axis(Parameter::ShockPct, None, &[-2.0]);
        let path = |x: &Axis, y: &Axis| {
            grid_system(&system, x, y).unwrap_err().problems[0]
                .path
                .clone()
        };
        let unknown = axis(Parameter::DepthUsd, Some("okx"), &[1e8]);
        assert_eq!(path(&shock, &unknown), "grid.y.market");
        let shock_on_one = axis(Parameter::ShockPct, Some("venue-a"), &[-2.0]);
        assert_eq!(path(&shock_on_one, &unknown), "grid.x.market");
        let every = axis(Parameter::DepthUsd, None, &[1e8]);
        let one = axis(Parameter::DepthUsd, Some("venue-a"), &[1e8]);
        assert_eq!(path(&every, &one), "grid.y.parameter");
        let other = axis(Parameter::DepthUsd, Some("venue-b"), &[1e8]);
        assert!(
            grid_system(&system, &one, &other).is_ok(),
            "two markets' depths"
        );
        let error = grid_system(
            &system,
            &shock,
            &axis(Parameter::Withdrawal, Some("venue-b"), &[2.0]),
        )
        .unwrap_err();
        assert_eq!(
            error.problems[0].path, "markets[1].market.withdrawal",
            "{error}"
        );
        assert!(error.to_string().contains("grid.y.values[0]"), "{error}");
    }
}
