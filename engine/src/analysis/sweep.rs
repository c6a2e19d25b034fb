//! The shock sweep: the cascade's fixed point for a range of instant shocks on one population, its
//! tipping point, and the same sweep with everyone at 1x.

use serde::{Deserialize, Serialize};

use crate::analysis::counterfactual::without_leverage;
use crate::error::{Items, Rule, ScenarioError, Work};
use crate::positions::PositionTable;
use crate::scenario::validate::Checker;
use crate::scenario::Scenario;
use crate::solve::{InstantResult, InstantSolver};

/// The slope (percent of final move per percent of shock) a jump must reach to count as a tipping
/// point: twice the slope of a move with no cascade, which is 1.
const TIPPING_SLOPE: f64 = 2.0;

/// The smallest shock a sweep takes, percent: a fall to nothing (the book's floor).
pub const MIN_SHOCK_PCT: f64 = -100.0;
/// The largest shock a sweep takes, percent: a tenfold rise, well inside the book's ceiling.
pub const MAX_SHOCK_PCT: f64 = 1_000.0;
/// Most shocks one sweep solves (twice: with leverage and at 1x).
pub const MAX_SHOCKS: usize = 10_000;

/// One shock of a sweep and where the cascade ends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// The instant shock, percent (negative is down).
    pub shock_pct: f64,
    pub final_price: f64,
    /// Start-to-final fall, percent, positive (0 when the price ends higher).
    pub drawdown_pct: f64,
    /// Signed start-to-final move, percent: the rise for up shocks.
    pub move_pct: f64,
    /// Long plus short notional liquidated, USD at entry (contracts for inverse).
    pub liquidated_notional_usd: f64,
    /// Move over the shock's own move (1 = no cascade).
    pub amplification: f64,
}

impl From<&InstantResult> for SweepPoint {
    fn from(result: &InstantResult) -> SweepPoint {
        SweepPoint {
            shock_pct: result.shock_pct,
            final_price: result.final_price,
            drawdown_pct: result.drawdown_pct(),
            move_pct: result.move_pct,
            liquidated_notional_usd: result.liquidated_notional_usd_long
                + result.liquidated_notional_usd_short,
            amplification: result.amplification(),
        }
    }
}

/// A sweep over shocks, in the order the shocks were given.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sweep {
    pub points: Vec<SweepPoint>,
    /// The tipping point: of the two neighbouring shocks (by value) across which the final move
    /// jumps most per unit of shock, the one of larger magnitude (the smallest shock past the
    /// jump). `None` when no jump is at least twice as steep as a move without cascade.
    pub critical_shock_pct: Option<f64>,
    /// The same shocks with every position at 1x.
    pub counterfactual: Vec<SweepPoint>,
}

/// Solves every shock in `shocks_pct` (instant gaps, percent) on the scenario's population, built
/// once, and on the same population at 1x.
///
/// Errors: the scenario is invalid; there are no shocks or more than [`MAX_SHOCKS`]; a shock is not
/// a finite number in [[`MIN_SHOCK_PCT`], [`MAX_SHOCK_PCT`]] (paths `sweep.shocks_pct[i]`); the
/// sweep would take longer than the run budget (`crate::budget::sweep`).
pub fn sweep(scenario: &Scenario, shocks_pct: &[f64]) -> Result<Sweep, ScenarioError> {
    scenario.validate()?;
    validate_shocks(shocks_pct)?;
    crate::budget::sweep(scenario, shocks_pct.len())
        .check(Work::Sweep, crate::budget::RUN_BUDGET_S)?;
    let points = sweep_points(scenario, shocks_pct);
    let critical_shock_pct = critical_shock_pct(&points);
    Ok(Sweep {
        points,
        critical_shock_pct,
        counterfactual: sweep_points(&without_leverage(scenario), shocks_pct),
    })
}

/// Checks a sweep's shocks: 1 to [`MAX_SHOCKS`] of them, each finite and in
/// [[`MIN_SHOCK_PCT`], [`MAX_SHOCK_PCT`]] (at most 100 problems are listed).
pub fn validate_shocks(shocks_pct: &[f64]) -> Result<(), ScenarioError> {
    let mut check = Checker::default();
    if shocks_pct.is_empty() || shocks_pct.len() > MAX_SHOCKS {
        check.fail(
            "sweep.shocks_pct",
            Rule::Count {
                least: 1,
                most: MAX_SHOCKS,
                got: shocks_pct.len(),
                items: Items::Shocks,
            },
        );
    }
    let out_of_range = shocks_pct
        .iter()
        .enumerate()
        .filter(|(_, pct)| !(MIN_SHOCK_PCT..=MAX_SHOCK_PCT).contains(*pct));
    for (i, &pct) in out_of_range.take(100) {
        check.range(
            &format!("sweep.shocks_pct[{i}]"),
            pct,
            MIN_SHOCK_PCT,
            MAX_SHOCK_PCT,
        );
    }
    check.finish()
}

/// -0.5% to -50% in 0.5% steps, smallest first.
pub fn default_shocks() -> Vec<f64> {
    (1..=100).map(|k| -0.5 * f64::from(k)).collect()
}

fn sweep_points(scenario: &Scenario, shocks_pct: &[f64]) -> Vec<SweepPoint> {
    let table = PositionTable::build(scenario);
    let mut solver = InstantSolver::new(&table, &scenario.market);
    shocks_pct
        .iter()
        .map(|&pct| {
            let mut point = SweepPoint::from(&solver.solve(&scenario.shock.as_instant(pct)));
            // The requested shock, not the one the floored book shows, keys the point.
            point.shock_pct = pct;
            point
        })
        .collect()
}

/// Steepest |d move| / |d shock| between neighbouring shocks, if it reaches `TIPPING_SLOPE`.
pub fn critical_shock_pct(points: &[SweepPoint]) -> Option<f64> {
    let mut by_shock: Vec<(f64, f64)> = points
        .iter()
        .map(|point| (point.shock_pct, point.move_pct))
        .filter(|(shock, change)| shock.is_finite() && change.is_finite())
        .collect();
    by_shock.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut steepest: Option<(f64, f64)> = None;
    for pair in by_shock.windows(2) {
        let ((shock_a, move_a), (shock_b, move_b)) = (pair[0], pair[1]);
        let step = shock_b - shock_a;
        if step == 0.0 {
            continue;
        }
        let slope = (move_b - move_a).abs() / step;
        let past_the_jump = if shock_a.abs() > shock_b.abs() {
            shock_a
        } else {
            shock_b
        };
        if steepest.is_none_or(|(best, _)| slope > best) {
            steepest = Some((slope, past_the_jump));
        }
    }
    steepest
        .filter(|&(slope, _)| slope >= TIPPING_SLOPE)
        .map(|(_, shock)| shock)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::examples;

    #[test]
    fn default_shocks_run_from_small_to_large_falls() {
        let shocks = default_shocks();
        assert_eq!(shocks.len(), 100);
        assert_eq!(shocks[0], -0.5);
        assert_eq!(shocks[99], -50.0);
        assert!(shocks.windows(2).all(|pair| pair[1] < pair[0]));
    }

    #[test]
    fn a_bigger_fall_never_gives_a_smaller_drawdown() {
        let result = sweep(&examples::mixed(), &default_shocks()).expect("a valid sweep");
        assert_eq!(result.points.len(), 100);
        for pair in result.points.windows(2) {
            assert!(
                pair[1].drawdown_pct >= pair[0].drawdown_pct - 1e-9,
                "{:?} then {:?}",
                pair[0],
                pair[1]
            );
            assert!(pair[1].liquidated_notional_usd >= pair[0].liquidated_notional_usd - 1e-6);
        }
        // The cascade adds to the shock at every size.
        assert!(result
            .points
            .iter()
            .all(|point| point.drawdown_pct >= -point.shock_pct - 1e-9));
        assert!(result.points.iter().any(|point| point.amplification > 1.5));
    }

    #[test]
    fn a_uniform_band_tips_where_its_liquidation_price_is_crossed() {
        // 10x longs at 100 with 0.5% maintenance are liquidated at 90.45: a -9.5% gap stops
        // short of them, -10% takes them all (200k coins into 10k coins per 1%).
        let result = sweep(&examples::band(10.0), &default_shocks()).expect("a valid sweep");
        assert_eq!(result.critical_shock_pct, Some(-10.0));
        let at = |shock: f64| {
            result
                .points
                .iter()
                .find(|point| point.shock_pct == shock)
                .expect("shock in the sweep")
        };
        assert!((at(-9.5).amplification - 1.0).abs() < 1e-9);
        assert!(at(-10.0).drawdown_pct > 20.0);
    }

    #[test]
    fn an_unlevered_population_has_no_tipping_point() {
        let result = sweep(&examples::band(1.0), &default_shocks()).expect("a valid sweep");
        assert_eq!(result.critical_shock_pct, None);
        assert!(result
            .points
            .iter()
            .all(|point| point.liquidated_notional_usd == 0.0));
        assert_eq!(result.points, result.counterfactual);
    }

    #[test]
    fn the_counterfactual_follows_the_shock_alone() {
        let result = sweep(&examples::mixed(), &[-2.0, -10.0, -30.0]).expect("a valid sweep");
        for (levered, flat) in result.points.iter().zip(&result.counterfactual) {
            assert_eq!(levered.shock_pct, flat.shock_pct);
            assert!(
                (flat.drawdown_pct + flat.shock_pct).abs() < 1e-9,
                "{flat:?}"
            );
            assert!(levered.drawdown_pct >= flat.drawdown_pct);
        }
    }

    #[test]
    fn shocks_outside_the_range_or_not_finite_are_rejected_with_their_index() {
        let scenario = examples::band(10.0);
        let error = sweep(&scenario, &[-5.0, -1e308, f64::NAN, 2_000.0]).unwrap_err();
        let paths: Vec<&str> = error.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "sweep.shocks_pct[1]",
                "sweep.shocks_pct[2]",
                "sweep.shocks_pct[3]"
            ]
        );
        assert!(sweep(&scenario, &[]).is_err());
        let edges = sweep(&scenario, &[MIN_SHOCK_PCT, MAX_SHOCK_PCT]).expect("a valid sweep");
        for point in edges.points.iter().chain(&edges.counterfactual) {
            assert!(point.final_price.is_finite() && point.amplification.is_finite());
        }
    }

    #[test]
    fn up_shocks_report_the_rise_in_move_pct() {
        let result = sweep(&examples::mixed(), &[5.0, 20.0]).expect("a valid sweep");
        for point in &result.points {
            assert_eq!(point.drawdown_pct, 0.0);
            assert!(point.move_pct >= point.shock_pct - 1e-9);
        }
        // 30% of 50M is short; 20% up reaches shorts up to 5x, so the rise is amplified.
        assert!(result.points[1].move_pct > 20.0);
    }
}
