//! `calibrate`: fits a scenario to an observed flush. Given a base scenario, the parameters to fit
//! (each within bounds) and the published figures to hit (each with a weight), it searches the
//! bounded box with Nelder-Mead and restarts, running the full timeline at every point, and
//! returns the fitted scenario with each figure's achieved value and error.
//!
//! The objective is the weighted sum of squared relative errors of the targets marked `fitted`
//! (for a target that is a published range, the relative distance past its nearer end).
//! Targets marked `input` or `predicted` are reported but not fitted: they are how a preset shows
//! what the model gets right without being told.
//!
//! The search runs in the unit box (each parameter mapped linearly, or logarithmically when its
//! bounds span more than a factor of ten); a point outside the box is evaluated at its clamped
//! image plus a penalty on the distance, so the simplex walks back inside. Nelder-Mead (Nelder &
//! Mead 1965; the standard coefficients 1, 2, 1/2, 1/2) is written here rather than taken from
//! `argmin`: it is seventy lines, the engine keeps no dependency the app's wasm build would carry
//! for it, and every step is plain f64 arithmetic in a fixed order, so a calibration gives the
//! same scenario bit for bit on every machine.
//!
//! This file holds the calibration file's format and the fit's result; `validate.rs` reads and
//! checks the file, `search.rs` is the search.

mod search;
mod system;
mod validate;

pub use system::{calibrate_system, SystemCalibration, SystemCalibrationSpec};

use serde::{Deserialize, Serialize};

use crate::analysis::figures::Figure;
use crate::error::{Rule, ScenarioError};
use crate::scenario::edit::Parameter;
use crate::scenario::{Market, Scenario, Traders};
use search::{clamp_unit, from_unit, nelder_mead, to_unit, Objective, Search};

/// Most parameters one calibration may fit.
pub const MAX_PARAMETERS: usize = 8;
/// Most targets one calibration may hold.
pub const MAX_TARGETS: usize = 32;
/// Most timeline runs one calibration may make.
pub const MAX_RUNS: u32 = 5_000;
/// Most positions the base scenario may hold: every run rebuilds or reruns them.
pub const MAX_CALIBRATION_POSITIONS: usize = 200_000;

/// What a calibration starts from, what it may change and what it aims at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalibrationSpec {
    /// The preset this file calibrates, if any (for the historical presets' tables).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// The scenario to start from; parameters not fitted keep its values.
    #[schemars(with = "serde_json::Value")]
    pub base: Scenario,
    /// The parameters to fit, each within its bounds.
    pub parameters: Vec<FitParameter>,
    /// The figures to hit (`mark: fitted`) or to report (`input`, `predicted`).
    pub targets: Vec<Target>,
    /// Searches after the first, each from a fresh simplex around the best point so far.
    #[serde(default = "default_restarts")]
    pub restarts: u32,
    /// Most timeline runs in all.
    #[serde(default = "default_max_runs")]
    pub max_runs: u32,
}

fn default_restarts() -> u32 {
    2
}

fn default_max_runs() -> u32 {
    600
}

/// A scenario value a calibration can fit: the phase grid's parameters, and the book's refill
/// half-life (which the grid's instant solver ignores, but the timeline does not).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Knob {
    /// The shock's size, percent; the shock keeps its kind (a market-order shock becomes a gap).
    ShockPct,
    MeanLeverage,
    DepthUsd,
    LongShare,
    MaintenanceMargin,
    Withdrawal,
    /// `market.resilience_half_life_s`: how fast consumed depth refills.
    ResilienceHalfLifeS,
    /// `traders.stop_losses.share`: the share of positions holding stop-loss orders (the base
    /// must have `traders.stop_losses`, which sets their distance).
    StopShare,
}

impl Knob {
    /// The same value as a grid parameter, where it is one.
    fn grid(self) -> Option<Parameter> {
        match self {
            Knob::ShockPct => Some(Parameter::ShockPct),
            Knob::MeanLeverage => Some(Parameter::MeanLeverage),
            Knob::DepthUsd => Some(Parameter::DepthUsd),
            Knob::LongShare => Some(Parameter::LongShare),
            Knob::MaintenanceMargin => Some(Parameter::MaintenanceMargin),
            Knob::Withdrawal => Some(Parameter::Withdrawal),
            Knob::ResilienceHalfLifeS | Knob::StopShare => None,
        }
    }

    /// The knob's name as in JSON, e.g. "depth_usd".
    pub fn name(self) -> &'static str {
        match (self, self.grid()) {
            (_, Some(parameter)) => parameter.name(),
            (Knob::StopShare, _) => "stop_share",
            (_, None) => "resilience_half_life_s",
        }
    }

    /// The knob's value in `scenario`, where it has one.
    fn read(self, scenario: &Scenario) -> Option<f64> {
        match (self, self.grid()) {
            (_, Some(parameter)) => parameter.read(scenario),
            (Knob::StopShare, _) => scenario.traders.stop_losses.as_ref().map(|s| s.share),
            (_, None) => scenario.market.resilience_half_life_s,
        }
    }

    /// Sets a knob the grid does not have on one market's own parts (a scenario's, or a market's
    /// of a system): its book's refill, or the share of its crowd holding stops (their distance
    /// comes from the base, so a base without `traders.stop_losses` cannot fit it).
    fn set_outside_grid(
        self,
        market: &mut Market,
        traders: &mut Traders,
        value: f64,
    ) -> Result<(), ScenarioError> {
        match (self, traders.stop_losses.as_mut()) {
            (Knob::StopShare, Some(stops)) => stops.share = value,
            (Knob::StopShare, None) => {
                return Err(ScenarioError::single(
                    "traders.stop_losses",
                    Rule::FitsAbsent {
                        parameter: self.name(),
                    },
                ))
            }
            _ => market.resilience_half_life_s = Some(value),
        }
        Ok(())
    }

    pub(crate) fn changes_population(self) -> bool {
        self.grid().is_some_and(Parameter::changes_population)
    }
}

/// One parameter to fit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FitParameter {
    /// shock_pct, mean_leverage, depth_usd, long_share, maintenance_margin, withdrawal,
    /// resilience_half_life_s or stop_share.
    pub name: Knob,
    /// On a version 2 system, the market whose value is fitted (none: every market's; the
    /// common shock takes none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
    pub min: f64,
    pub max: f64,
}

/// How a figure enters a preset's table.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// Set directly from the record (reported, not fitted).
    Input,
    /// Chosen by the calibration.
    #[default]
    Fitted,
    /// Neither: the model's own output, held against the record.
    Predicted,
}

/// A published figure and how the calibration treats it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    #[schemars(with = "String")]
    pub figure: Figure,
    /// On a version 2 system, the market the figure is read on (none: summed over the markets,
    /// for the figures that are sums: liquidated_usd and adl_usd).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
    /// The published value, in the figure's unit (scaled to the modelled market where the
    /// preset says so).
    pub value: f64,
    /// Weight in the objective (fitted targets only).
    #[serde(default = "default_weight")]
    pub weight: f64,
    #[serde(default)]
    pub mark: Mark,
    /// For a qualitative record ("mostly longs", "no ADL"): the value is a bound the figure must
    /// respect rather than a point to hit (predicted and input targets only); for a record that
    /// gives a range (`between`), the value is its low end and `to` its high end (any mark).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound: Option<Bound>,
    /// The high end of a `between` range (with that bound only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<f64>,
    /// For a record that counts only the start of the run (one day of a flush that went on
    /// into the next): the figure read over the steps that end by this many seconds
    /// (`liquidated_usd` and `long_share_pct` only, [`Figure::windowed`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_s: Option<f64>,
    /// Where the figure comes from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// How the published figure was turned into this value (scaling, choice among sources).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Which side of a target's value a qualitative figure must stay on, or the range it must fall in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    AtLeast,
    AtMost,
    /// From `value` to `to`.
    Between,
}

impl Target {
    /// The target's figure in a run of `scenario` that gave `outcome` (over its window, when it
    /// has one).
    pub fn achieved(&self, scenario: &Scenario, outcome: &crate::Outcome) -> f64 {
        self.figure.of_until(scenario, outcome, self.until_s)
    }

    /// How far the achieved value misses the record: the relative error, or for a bound 0 when
    /// it holds and the relative distance past it when it does not (past the nearer end of a
    /// range). The objective of a fitted target is this miss squared.
    pub fn miss(&self, achieved: f64) -> f64 {
        let error = relative_error(achieved, self.value);
        match self.bound {
            None => error,
            Some(Bound::AtLeast) => error.min(0.0),
            Some(Bound::AtMost) => error.max(0.0),
            Some(Bound::Between) => {
                let high = self.to.unwrap_or(self.value);
                if achieved < self.value {
                    error
                } else if achieved > high {
                    relative_error(achieved, high)
                } else {
                    0.0
                }
            }
        }
    }
}

fn default_weight() -> f64 {
    1.0
}

/// A target's value in the fitted scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Achieved {
    pub figure: Figure,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
    /// The target's window, when it reads only the run's first seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until_s: Option<f64>,
    pub mark: Mark,
    pub target: f64,
    pub achieved: f64,
    /// (achieved - target) / |target| (the plain difference when the target is 0); for a bound, 0
    /// when it holds.
    pub relative_error: f64,
}

/// What a calibration returns.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Calibration {
    pub scenario: Scenario,
    /// Fitted parameter values, in the spec's order.
    pub parameters: Vec<(Knob, f64)>,
    pub targets: Vec<Achieved>,
    /// Weighted sum of squared relative errors of the fitted targets.
    pub objective: f64,
    /// Timeline runs made.
    pub runs: u32,
    /// The last search's simplex shrank below tolerance (rather than running out of runs).
    pub converged: bool,
}

/// Fits the spec's parameters to its targets. Deterministic: the same spec gives the same
/// scenario bit for bit.
pub fn calibrate(spec: &CalibrationSpec) -> Result<Calibration, ScenarioError> {
    spec.validate()?;
    let mut search = Search::new(spec);
    let start = start_point(&spec.parameters, |_, parameter| {
        parameter.name.read(&spec.base)
    });
    let (best, converged) = restarted(&mut search, start, spec.restarts, spec.max_runs);
    // The scenario is the rounded one (its targets are evaluated on it).
    let values = fitted_values(&spec.parameters, &best);
    let scenario = search.scenario_with(&values);
    let outcome = search.run(&scenario);
    let targets = spec
        .targets
        .iter()
        .map(|target| {
            let achieved = target.achieved(&scenario, &outcome);
            Achieved {
                figure: target.figure,
                market: None,
                until_s: target.until_s,
                mark: target.mark,
                target: target.value,
                achieved,
                relative_error: target.miss(achieved),
            }
        })
        .collect();
    Ok(Calibration {
        parameters: spec
            .parameters
            .iter()
            .map(|parameter| parameter.name)
            .zip(values)
            .collect(),
        objective: search.objective_of(&scenario, &outcome),
        runs: search.runs,
        converged,
        scenario,
        targets,
    })
}

/// The point of the unit box where the search starts: each parameter's value in the base
/// (`value` of the parameter's index), or its lower bound where the base has none.
fn start_point(
    parameters: &[FitParameter],
    value: impl Fn(usize, &FitParameter) -> Option<f64>,
) -> Vec<f64> {
    parameters
        .iter()
        .enumerate()
        .map(|(k, parameter)| {
            let value = value(k, parameter).unwrap_or(parameter.min);
            to_unit(parameter, value.clamp(parameter.min, parameter.max))
        })
        .collect()
}

/// The values of the best point, to four significant figures as a person would type them.
fn fitted_values(parameters: &[FitParameter], best: &[f64]) -> Vec<f64> {
    parameters
        .iter()
        .zip(clamp_unit(best))
        .map(|(parameter, unit)| {
            round_significant(from_unit(parameter, unit), 4).clamp(parameter.min, parameter.max)
        })
        .collect()
}

/// Nelder-Mead from `start`, then `restarts` more searches each from a fresh simplex (half the
/// size) around the best point so far, within `max_runs` runs in all; the best point and whether
/// the last search converged.
fn restarted(
    search: &mut impl Objective,
    start: Vec<f64>,
    restarts: u32,
    max_runs: u32,
) -> (Vec<f64>, bool) {
    let mut best = start;
    let mut converged = false;
    let mut size = 0.25;
    for _ in 0..=restarts {
        if search.runs() >= max_runs {
            break;
        }
        let (point, done) = nelder_mead(search, &best, size, max_runs);
        best = point;
        converged = done;
        size /= 2.0;
    }
    (best, converged)
}

/// `value` to `digits` significant figures, as the nearest f64 to the decimal (3.977e8, not
/// 397699999.99999994).
fn round_significant(value: f64, digits: usize) -> f64 {
    format!("{:.*e}", digits.saturating_sub(1), value)
        .parse()
        .unwrap_or(value)
}

/// (achieved - target) / |target|, or the plain difference for a zero target.
pub fn relative_error(achieved: f64, target: f64) -> f64 {
    if target == 0.0 {
        achieved
    } else {
        (achieved - target) / target.abs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec on the small mixed example fitting the shock to a drawdown the model itself made.
    fn self_consistent(shock_pct: f64) -> (CalibrationSpec, f64) {
        let mut truth = crate::analysis::examples::mixed();
        truth.shock.pct = shock_pct;
        let outcome = crate::simulate(&truth).unwrap();
        let drawdown = Figure::TroughDrawdownPct.of(&truth, &outcome);
        let mut base = truth.clone();
        base.shock.pct = -2.0;
        let spec = CalibrationSpec {
            preset: None,
            base,
            parameters: vec![FitParameter {
                name: Knob::ShockPct,
                market: None,
                min: -20.0,
                max: -0.5,
            }],
            targets: vec![Target {
                figure: Figure::TroughDrawdownPct,
                market: None,
                value: drawdown,
                weight: 1.0,
                mark: Mark::Fitted,
                bound: None,
                to: None,
                until_s: None,
                source: String::new(),
                note: String::new(),
            }],
            restarts: 2,
            max_runs: 300,
        };
        (spec, drawdown)
    }

    #[test]
    fn recovers_a_shock_from_the_drawdown_it_made() {
        let (spec, drawdown) = self_consistent(-6.0);
        let fit = calibrate(&spec).unwrap();
        let achieved = fit.targets[0].achieved;
        assert!(
            (achieved - drawdown).abs() / drawdown < 1e-3,
            "{achieved} vs {drawdown}"
        );
        assert!(fit.runs <= 300);
        // Deterministic.
        assert_eq!(calibrate(&spec).unwrap(), fit);
    }

    #[test]
    fn a_range_misses_only_past_its_nearer_end() {
        let (spec, _) = self_consistent(-6.0);
        let range = Target {
            bound: Some(Bound::Between),
            value: -20.0,
            to: Some(-5.0),
            ..spec.targets[0].clone()
        };
        assert_eq!(range.miss(-20.0), 0.0);
        assert_eq!(range.miss(-12.0), 0.0);
        assert_eq!(range.miss(-5.0), 0.0);
        assert_eq!(range.miss(-30.0), -0.5);
        assert_eq!(range.miss(-4.0), 0.2);
        assert_eq!(range.miss(1.0), 1.2);
    }

    #[test]
    fn a_fitted_range_is_met_anywhere_inside_it() {
        let (mut spec, drawdown) = self_consistent(-6.0);
        // A range well above the drawdown the start makes: the fit must move into it and may
        // stop anywhere inside (the objective is flat there).
        spec.targets[0].bound = Some(Bound::Between);
        spec.targets[0].value = 0.9 * drawdown;
        spec.targets[0].to = Some(1.1 * drawdown);
        let fit = calibrate(&spec).unwrap();
        let achieved = fit.targets[0].achieved;
        assert!(
            (0.9 * drawdown..=1.1 * drawdown).contains(&achieved),
            "{achieved} outside {drawdown} +- 10%"
        );
        assert_eq!(fit.targets[0].relative_error, 0.0);
        assert_eq!(fit.objective, 0.0);
    }

    #[test]
    fn bad_ranges_name_the_field() {
        let (spec, _) = self_consistent(-6.0);
        let paths = |bad: &CalibrationSpec| -> Vec<(String, String)> {
            bad.validate()
                .unwrap_err()
                .problems
                .into_iter()
                .map(|p| (p.path.clone(), p.message()))
                .collect()
        };
        let mut bad = spec.clone();
        bad.targets[0].bound = Some(Bound::Between);
        let found = paths(&bad);
        assert_eq!(found[0].0, "targets[0].to", "{found:?}");
        assert!(found[0].1.contains("needs `to`"), "{found:?}");
        for to in [f64::NAN, bad.targets[0].value, bad.targets[0].value - 1.0] {
            bad.targets[0].to = Some(to);
            let found = paths(&bad);
            assert_eq!(found[0].0, "targets[0].to", "{to}: {found:?}");
            assert!(
                found[0].1.contains("above the range's low end"),
                "{found:?}"
            );
        }
        let mut bad = spec.clone();
        bad.targets[0].to = Some(1e9);
        assert_eq!(paths(&bad)[0].0, "targets[0].to");
        let mut bad = spec.clone();
        bad.targets[0].bound = Some(Bound::AtLeast);
        assert_eq!(paths(&bad)[0].0, "targets[0].bound");
        // A window on a figure that reads the whole run, and a window of no time.
        let mut bad = spec.clone();
        bad.targets[0].until_s = Some(3600.0);
        let found = paths(&bad);
        assert_eq!(found[0].0, "targets[0].until_s", "{found:?}");
        assert!(
            found[0]
                .1
                .contains("only liquidated_usd and long_share_pct")
                && found[0].1.contains(spec.targets[0].figure.name()),
            "{found:?}"
        );
        let mut bad = spec;
        bad.targets[0].figure = Figure::LiquidatedUsd;
        for until in [0.0, -1.0, f64::INFINITY] {
            bad.targets[0].until_s = Some(until);
            let found = paths(&bad);
            assert_eq!(found[0].0, "targets[0].until_s", "{until}: {found:?}");
            assert!(found[0].1.contains("positive"), "{found:?}");
        }
    }

    #[test]
    fn bad_specs_name_the_field() {
        let (spec, _) = self_consistent(-6.0);
        let mut text = serde_json::to_value(&spec).unwrap();
        text["parameters"][0]["name"] = "leverage_scale".into();
        let error = CalibrationSpec::from_json(&text.to_string()).unwrap_err();
        assert_eq!(error.problems[0].path, "parameters[0].name");

        let mut bad = spec.clone();
        bad.parameters[0].min = 5.0;
        bad.parameters[0].max = 5.0;
        bad.targets[0].value = f64::NAN;
        let paths: Vec<String> = bad
            .validate()
            .unwrap_err()
            .problems
            .into_iter()
            .map(|p| p.path)
            .collect();
        assert!(paths.contains(&"parameters[0]".to_string()), "{paths:?}");
        assert!(paths.contains(&"targets[0].value".to_string()), "{paths:?}");

        let mut text = serde_json::to_value(&spec).unwrap();
        text["targets"][0]["figure"] = "volume".into();
        let error = CalibrationSpec::from_json(&text.to_string()).unwrap_err();
        assert_eq!(error.problems[0].path, "targets[0].figure");

        let mut bad = spec.clone();
        bad.parameters[0].max = 1e9;
        let error = bad.validate().unwrap_err();
        assert_eq!(error.problems[0].path, "parameters[0].max", "{error}");

        // A bad base is said once, not again for every bound tried on it.
        let mut bad = spec;
        bad.base.market.price = -1.0;
        let error = bad.validate().unwrap_err();
        let paths: Vec<&str> = error.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["base.market.price"], "{error}");
    }

    #[test]
    fn a_stop_share_is_fitted_where_the_base_has_stops_and_refused_where_it_has_none() {
        // The model's own open-interest change with a fifth of the crowd holding stops 2% away,
        // recovered from a base where a twentieth hold them.
        let (mut spec, _) = self_consistent(-6.0);
        spec.base.shock.pct = -6.0;
        let mut truth = spec.base.clone();
        truth.traders.stop_losses = Some(crate::scenario::StopLosses {
            share: 0.2,
            distance_pct: 2.0,
        });
        let outcome = crate::simulate(&truth).unwrap();
        let change = Figure::OpenInterestChangePct.of(&truth, &outcome);
        spec.parameters = vec![FitParameter {
            name: Knob::StopShare,
            market: None,
            min: 0.0,
            max: 0.6,
        }];
        spec.targets[0].figure = Figure::OpenInterestChangePct;
        spec.targets[0].value = change;

        let mut bare = spec.clone();
        let error = bare.validate().unwrap_err();
        let problem = &error.problems[0];
        assert_eq!(problem.path, "parameters[0].min", "{error}");
        assert!(
            problem
                .message()
                .contains("stop_share is fitted but the base has none"),
            "{error}"
        );

        bare.base.traders.stop_losses = Some(crate::scenario::StopLosses {
            share: 0.05,
            distance_pct: 2.0,
        });
        let fit = calibrate(&bare).unwrap();
        let share = fit.scenario.traders.stop_losses.as_ref().unwrap().share;
        assert!((share - 0.2).abs() < 0.01, "{share}");
        assert!(fit.targets[0].relative_error.abs() < 1e-2, "{fit:?}");
    }
}
