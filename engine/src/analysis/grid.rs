//! The phase grid: the cascade's fixed point over two parameters at once, e.g. shock against mean
//! leverage, to show where a market tips from absorbing a shock to amplifying it.
//!
//! Cost is dominated by building populations, so the loop is arranged to build as few as possible:
//! the outer loop runs over the axis that changes the population, every cell of one outer value
//! reuses its table, and a long-share change rescales a table instead of rebuilding it.

use serde::{Deserialize, Serialize};

use crate::error::{Items, Problem, Rule, ScenarioError, Work};
use crate::positions::PositionTable;
use crate::scenario::{Market, Positions, Scenario, Shock, MAX_LEVERAGE};
use crate::solve::{InstantResult, InstantSolver};

pub use crate::scenario::edit::{mean_leverage, Parameter};

/// Most values one axis may hold.
pub const MAX_AXIS_VALUES: usize = 1_000;

/// One axis of a grid: a parameter and the values it takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    pub parameter: Parameter,
    /// On a version 2 system, the market whose value the axis sets (none: every market; the
    /// common shock takes none). A version 1 scenario is one market and takes none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
    pub values: Vec<f64>,
}

impl Axis {
    /// `n` evenly spaced values from `from` to `to`, both included (`n = 1`: just `from`).
    pub fn linspace(parameter: Parameter, from: f64, to: f64, n: usize) -> Axis {
        let values = match n {
            0 => Vec::new(),
            1 => vec![from],
            _ => (0..n)
                .map(|i| {
                    if i == n - 1 {
                        to
                    } else {
                        from + (to - from) * i as f64 / (n - 1) as f64
                    }
                })
                .collect(),
        };
        Axis {
            parameter,
            market: None,
            values,
        }
    }
}

/// The fixed point at every (x, y); every matrix is indexed `[y][x]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Grid {
    pub x: Axis,
    pub y: Axis,
    /// Start-to-final fall, percent, positive.
    pub drawdown_pct: Vec<Vec<f64>>,
    /// Long plus short notional liquidated, USD at entry.
    pub liquidated_notional_usd: Vec<Vec<f64>>,
    /// Move over the shock's own move (1 = no cascade).
    pub amplification: Vec<Vec<f64>>,
}

/// Solves the scenario (instant solver) at every combination of the two axes' values.
///
/// Errors: the scenario itself is invalid; both axes name the same parameter; an axis holds more
/// than [`MAX_AXIS_VALUES`] values; a value makes the scenario invalid (the problem names the
/// scenario field, e.g. `positions.generate.long_share`); `depth_usd` on a levels book,
/// `long_share` on a position list, or `mean_leverage` outside [1, 1000].
pub fn grid(scenario: &Scenario, x: &Axis, y: &Axis) -> Result<Grid, ScenarioError> {
    scenario.validate()?;
    if x.parameter == y.parameter {
        return Err(ScenarioError::single(
            "grid.y.parameter",
            Rule::SameAxes {
                parameter: x.parameter.name(),
            },
        ));
    }
    for (name, axis) in [("x", x), ("y", y)] {
        if axis.market.is_some() {
            return Err(ScenarioError::single(
                &format!("grid.{name}.market"),
                Rule::MarketInScenario,
            ));
        }
        check_length(axis, name)?;
    }
    let current_mean = mean_leverage(scenario);
    check_axis(scenario, x, "x", current_mean)?;
    check_axis(scenario, y, "y", current_mean)?;
    crate::budget::grid(scenario, x, y).check(Work::Grid, crate::budget::ANALYSIS_BUDGET_S)?;

    // Outer: the axis whose values need a rebuilt population; a long share only rescales, so it
    // goes inside when both change the population.
    let x_outer = x.parameter.changes_population()
        && (!y.parameter.changes_population() || y.parameter == Parameter::LongShare);
    let (outer, inner) = if x_outer { (x, y) } else { (y, x) };
    let mut cells = Cells::new(x.values.len(), y.values.len());
    // The population the cells are solved on, kept across cells for as long as it holds.
    let mut population: Option<PositionTable> = None;
    for (o, &outer_value) in outer.values.iter().enumerate() {
        let cell_index = |i: usize| if x_outer { (o, i) } else { (i, o) };
        if !outer.parameter.changes_population() && !inner.parameter.changes_population() {
            // One population for the whole grid; a long list is not cloned per row.
            let table = population.get_or_insert_with(|| PositionTable::build(scenario));
            let mut market = scenario.market.clone();
            let mut shock = scenario.shock.clone();
            outer
                .parameter
                .apply_to_market(&mut market, &mut shock, outer_value)?;
            solve_row(table, market, shock, inner, &mut cells, cell_index)?;
            continue;
        }
        let mut outer_scenario = scenario.clone();
        outer
            .parameter
            .apply(&mut outer_scenario, outer_value, current_mean)?;
        if inner.parameter.changes_population() {
            if outer.parameter.changes_population() {
                population = None;
            }
            for (i, &inner_value) in inner.values.iter().enumerate() {
                let mut cell_scenario = outer_scenario.clone();
                inner
                    .parameter
                    .apply(&mut cell_scenario, inner_value, current_mean)?;
                let rescalable = inner.parameter == Parameter::LongShare;
                let table = refresh(&mut population, &cell_scenario, rescalable);
                let result =
                    InstantSolver::new(table, &cell_scenario.market).solve(&cell_scenario.shock);
                let (xi, yi) = cell_index(i);
                cells.set(xi, yi, &result);
            }
        } else {
            let rescalable = outer.parameter == Parameter::LongShare;
            let table = refresh(&mut population, &outer_scenario, rescalable);
            let Scenario { market, shock, .. } = outer_scenario;
            solve_row(table, market, shock, inner, &mut cells, cell_index)?;
        }
    }
    Ok(Grid {
        x: x.clone(),
        y: y.clone(),
        drawdown_pct: cells.drawdown_pct,
        liquidated_notional_usd: cells.liquidated_notional_usd,
        amplification: cells.amplification,
    })
}

/// Solves one row of cells on one population, setting the inner axis's market or shock value.
fn solve_row(
    table: &PositionTable,
    mut market: Market,
    mut shock: Shock,
    inner: &Axis,
    cells: &mut Cells,
    cell_index: impl Fn(usize) -> (usize, usize),
) -> Result<(), ScenarioError> {
    for (i, &inner_value) in inner.values.iter().enumerate() {
        inner
            .parameter
            .apply_to_market(&mut market, &mut shock, inner_value)?;
        let result = InstantSolver::new(table, &market).solve(&shock);
        let (x, y) = cell_index(i);
        cells.set(x, y, &result);
    }
    Ok(())
}

/// The three result matrices, filled cell by cell.
struct Cells {
    drawdown_pct: Vec<Vec<f64>>,
    liquidated_notional_usd: Vec<Vec<f64>>,
    amplification: Vec<Vec<f64>>,
}

impl Cells {
    fn new(columns: usize, rows: usize) -> Cells {
        let matrix = || vec![vec![0.0; columns]; rows];
        Cells {
            drawdown_pct: matrix(),
            liquidated_notional_usd: matrix(),
            amplification: matrix(),
        }
    }

    fn set(&mut self, x: usize, y: usize, result: &InstantResult) {
        self.drawdown_pct[y][x] = result.drawdown_pct();
        self.liquidated_notional_usd[y][x] =
            result.liquidated_notional_usd_long + result.liquidated_notional_usd_short;
        self.amplification[y][x] = result.amplification();
    }
}

/// The population of `scenario` in `slot`: the table already there, rescaled, when only the long
/// share has changed and the population allows it (generated, flat margin); else a fresh build.
fn refresh<'a>(
    slot: &'a mut Option<PositionTable>,
    scenario: &Scenario,
    rescalable: bool,
) -> &'a PositionTable {
    let rescaled = match (slot.as_mut(), &scenario.positions) {
        (Some(table), Positions::Generate(population)) if rescalable => table.rescale(population),
        _ => false,
    };
    if !rescaled {
        *slot = None;
    }
    slot.get_or_insert_with(|| PositionTable::build(scenario))
}

/// Validates every value of an axis once, applied to the scenario alone. Validation checks each
/// field on its own, so a combination of two valid values is valid.
fn check_axis(
    scenario: &Scenario,
    axis: &Axis,
    name: &str,
    current_mean: f64,
) -> Result<(), ScenarioError> {
    // Validating a long list costs a string per position; a value that leaves the positions alone
    // is checked against a one-position stand-in of the (already validated) list.
    let probe = match &scenario.positions {
        Positions::List(list) if axis.parameter != Parameter::MeanLeverage => Scenario {
            positions: Positions::List(list.iter().take(1).cloned().collect()),
            ..scenario.clone()
        },
        _ => scenario.clone(),
    };
    for (k, &value) in axis.values.iter().enumerate() {
        let value_path = format!("grid.{name}.values[{k}]");
        check_mean_leverage(axis, value, &value_path)?;
        let mut cell = probe.clone();
        axis.parameter.apply(&mut cell, value, current_mean)?;
        cell.validate()
            .map_err(|error| in_grid_value(error, &value_path))?;
    }
    Ok(())
}

/// An axis of more than [`MAX_AXIS_VALUES`] values is refused.
pub(super) fn check_length(axis: &Axis, name: &str) -> Result<(), ScenarioError> {
    if axis.values.len() > MAX_AXIS_VALUES {
        return Err(ScenarioError::single(
            &format!("grid.{name}.values"),
            Rule::AtMost {
                most: MAX_AXIS_VALUES,
                got: axis.values.len(),
                items: Items::Values,
            },
        ));
    }
    Ok(())
}

/// A mean leverage value outside `[1, MAX_LEVERAGE]` is refused at its own path.
pub(super) fn check_mean_leverage(
    axis: &Axis,
    value: f64,
    value_path: &str,
) -> Result<(), ScenarioError> {
    if axis.parameter == Parameter::MeanLeverage && !(1.0..=MAX_LEVERAGE).contains(&value) {
        return Err(ScenarioError::single(
            value_path,
            Rule::MeanLeverage {
                most: MAX_LEVERAGE,
                got: value,
            },
        ));
    }
    Ok(())
}

/// The problems a grid value makes, each at the scenario's field with the value's path said.
pub(super) fn in_grid_value(error: ScenarioError, value_path: &str) -> ScenarioError {
    ScenarioError {
        problems: error
            .problems
            .into_iter()
            .map(|problem| Problem {
                rule: Rule::InGridValue {
                    rule: Box::new(problem.rule),
                    value_path: value_path.to_string(),
                },
                path: problem.path,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::examples;
    use crate::scenario::{Book, BookLevel, PositionSpec, Side};

    /// The fixed point of one cell computed the slow way: set both values, rebuild, solve.
    fn direct(scenario: &Scenario, cell: [(Parameter, f64); 2]) -> InstantResult {
        let mut scenario = scenario.clone();
        let current_mean = mean_leverage(&scenario);
        for (parameter, value) in cell {
            parameter
                .apply(&mut scenario, value, current_mean)
                .expect("valid value");
        }
        scenario.validate().expect("valid cell");
        let table = PositionTable::build(&scenario);
        InstantSolver::new(&table, &scenario.market).solve(&scenario.shock)
    }

    fn assert_matches_direct(scenario: &Scenario, x: &Axis, y: &Axis) {
        let result = grid(scenario, x, y).expect("valid grid");
        assert_eq!(result.drawdown_pct.len(), y.values.len());
        for (yi, &y_value) in y.values.iter().enumerate() {
            assert_eq!(result.drawdown_pct[yi].len(), x.values.len());
            for (xi, &x_value) in x.values.iter().enumerate() {
                let expected = direct(scenario, [(x.parameter, x_value), (y.parameter, y_value)]);
                let cell = result.drawdown_pct[yi][xi];
                assert!(
                    (cell - expected.drawdown_pct()).abs() < 1e-9,
                    "{:?}={x_value} {:?}={y_value}: grid {cell}, direct {}",
                    x.parameter,
                    y.parameter,
                    expected.drawdown_pct()
                );
                let liquidated =
                    expected.liquidated_notional_usd_long + expected.liquidated_notional_usd_short;
                assert!(
                    (result.liquidated_notional_usd[yi][xi] - liquidated).abs()
                        <= 1e-9 * liquidated.max(1.0)
                );
                assert!((result.amplification[yi][xi] - expected.amplification()).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn linspace_includes_both_ends() {
        let axis = Axis::linspace(Parameter::ShockPct, -1.0, -10.0, 4);
        assert_eq!(axis.values, vec![-1.0, -4.0, -7.0, -10.0]);
        assert_eq!(
            Axis::linspace(Parameter::ShockPct, 2.0, 9.0, 1).values,
            vec![2.0]
        );
        assert!(Axis::linspace(Parameter::ShockPct, 2.0, 9.0, 0)
            .values
            .is_empty());
    }

    #[test]
    fn more_depth_never_gives_a_larger_drawdown() {
        let x = Axis::linspace(Parameter::DepthUsd, 2e5, 5e6, 9);
        let y = Axis::linspace(Parameter::ShockPct, -2.0, -20.0, 7);
        let result = grid(&examples::mixed(), &x, &y).expect("valid grid");
        assert_eq!(result.drawdown_pct.len(), 7);
        assert!(result.drawdown_pct.iter().all(|row| row.len() == 9));
        for (row, &shock) in result.drawdown_pct.iter().zip(&y.values) {
            for pair in row.windows(2) {
                assert!(pair[1] <= pair[0] + 1e-9, "shock {shock}: {row:?}");
            }
            assert!(row.iter().all(|&drawdown| drawdown >= -shock - 1e-9));
        }
        // The thinnest book at the largest shock cascades far beyond the shock.
        assert!(result.amplification[6][0] > 2.0);
    }

    #[test]
    fn cells_match_a_direct_rebuild_whichever_axis_changes_the_population() {
        let scenario = examples::mixed();
        let shocks = Axis::linspace(Parameter::ShockPct, -3.0, -15.0, 3);
        let leverage = Axis::linspace(Parameter::MeanLeverage, 3.0, 30.0, 3);
        let long_share = Axis::linspace(Parameter::LongShare, 0.2, 0.9, 3);
        let margin = Axis::linspace(Parameter::MaintenanceMargin, 0.002, 0.015, 3);
        let withdrawal = Axis::linspace(Parameter::Withdrawal, 0.0, 0.05, 3);
        assert_matches_direct(&scenario, &shocks, &leverage);
        assert_matches_direct(&scenario, &leverage, &shocks);
        assert_matches_direct(&scenario, &long_share, &shocks);
        assert_matches_direct(&scenario, &shocks, &long_share);
        assert_matches_direct(&scenario, &long_share, &leverage);
        assert_matches_direct(&scenario, &margin, &long_share);
        assert_matches_direct(&scenario, &leverage, &margin);
        assert_matches_direct(&scenario, &withdrawal, &shocks);
    }

    #[test]
    fn higher_mean_leverage_tips_earlier() {
        let x = Axis::linspace(Parameter::MeanLeverage, 2.0, 40.0, 6);
        let y = Axis::linspace(Parameter::ShockPct, -1.0, -12.0, 5);
        let result = grid(&examples::mixed(), &x, &y).expect("valid grid");
        for row in &result.liquidated_notional_usd {
            assert!(
                row.windows(2).all(|pair| pair[1] >= pair[0] - 1e-6),
                "{row:?}"
            );
        }
        assert!(result.drawdown_pct[4][5] > result.drawdown_pct[4][0]);
    }

    #[test]
    fn invalid_values_come_back_with_the_field_they_break() {
        let scenario = examples::mixed();
        let shocks = Axis::linspace(Parameter::ShockPct, -1.0, -5.0, 2);
        let error = grid(
            &scenario,
            &Axis::linspace(Parameter::LongShare, 0.5, 1.5, 3),
            &shocks,
        )
        .expect_err("long share 1.5");
        assert_eq!(error.problems[0].path, "positions.generate.long_share");
        assert!(error.problems[0].message().contains("grid.x.values[2]"));

        let error = grid(&scenario, &shocks, &shocks).expect_err("same parameter");
        assert_eq!(error.problems[0].path, "grid.y.parameter");

        let error = grid(
            &scenario,
            &shocks,
            &Axis::linspace(Parameter::MeanLeverage, 0.5, 5.0, 2),
        )
        .expect_err("mean leverage below 1");
        assert_eq!(error.problems[0].path, "grid.y.values[0]");

        let mut ladder = scenario.clone();
        ladder.market.book = Book::Levels {
            levels: vec![
                BookLevel {
                    price: 99.0,
                    notional_usd: 1e6,
                },
                BookLevel {
                    price: 101.0,
                    notional_usd: 1e6,
                },
            ],
        };
        let error = grid(
            &ladder,
            &Axis::linspace(Parameter::DepthUsd, 1e5, 1e6, 2),
            &shocks,
        )
        .expect_err("depth of a levels book");
        assert_eq!(error.problems[0].path, "market.book");
    }

    #[test]
    fn a_position_list_scales_its_leverage_but_has_no_long_share() {
        let mut listed = examples::mixed();
        listed.positions = Positions::List(
            (0..40)
                .map(|k| PositionSpec {
                    side: if k % 4 == 0 { Side::Short } else { Side::Long },
                    notional_usd: 1e6,
                    entry: 100.0 + f64::from(k % 5),
                    leverage: 2.0 + f64::from(k),
                })
                .collect(),
        );
        let shocks = Axis::linspace(Parameter::ShockPct, -2.0, -12.0, 4);
        let leverage = Axis::linspace(Parameter::MeanLeverage, 1.0, 60.0, 4);
        assert_matches_direct(&listed, &leverage, &shocks);
        let result = grid(&listed, &leverage, &shocks).expect("valid grid");
        // A mean of 1 puts every listed position at (just above) 1x: nothing is liquidated.
        assert!(result
            .liquidated_notional_usd
            .iter()
            .all(|row| row[0] == 0.0));
        assert!(grid(
            &listed,
            &Axis::linspace(Parameter::LongShare, 0.2, 0.8, 2),
            &shocks
        )
        .is_err());
    }

    #[test]
    #[ignore = "timing; run with --ignored --nocapture (meaningful in release)"]
    fn timing_64_by_64_at_10k_positions() {
        let mut scenario = examples::mixed();
        if let Positions::Generate(population) = &mut scenario.positions {
            population.count = 10_000;
        }
        let shocks = Axis::linspace(Parameter::ShockPct, -1.0, -30.0, 64);
        for other in [
            Axis::linspace(Parameter::DepthUsd, 1e5, 1e7, 64),
            Axis::linspace(Parameter::LongShare, 0.0, 1.0, 64),
            Axis::linspace(Parameter::MeanLeverage, 1.0, 50.0, 64),
            Axis::linspace(Parameter::MaintenanceMargin, 0.001, 0.015, 64),
        ] {
            let started = std::time::Instant::now();
            let result = grid(&scenario, &other, &shocks).expect("valid grid");
            println!(
                "{:?} x shock_pct: {:?} ({} cells)",
                other.parameter,
                started.elapsed(),
                result.drawdown_pct.len() * result.drawdown_pct[0].len()
            );
        }
    }
}
