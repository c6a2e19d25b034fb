//! `calibrate`: fits a scenario to an observed flush. Given a base scenario, the parameters to fit
//! (each within bounds) and the published figures to hit (each with a weight), it searches the
//! bounded box with Nelder-Mead and restarts, running the full timeline at every point, and
//! returns the fitted scenario with each figure's achieved value and error.
//!
//! The objective is the weighted sum of squared relative errors of the targets marked `fitted`.
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

use serde::{Deserialize, Serialize};

use crate::analysis::figures::Figure;
use crate::error::{Problem, ScenarioError};
use crate::positions::PositionTable;
use crate::scenario::edit::{mean_leverage, Parameter};
use crate::scenario::{Scenario, ShockKind};
use crate::solve::timeline;

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
            Knob::ResilienceHalfLifeS => None,
        }
    }

    /// The knob's name as in JSON, e.g. "depth_usd".
    pub fn name(self) -> &'static str {
        match self.grid() {
            Some(parameter) => parameter.name(),
            None => "resilience_half_life_s",
        }
    }

    /// The knob's value in `scenario`, where it has one.
    fn read(self, scenario: &Scenario) -> Option<f64> {
        match self.grid() {
            Some(parameter) => parameter.read(scenario),
            None => scenario.market.resilience_half_life_s,
        }
    }

    fn changes_population(self) -> bool {
        self.grid().is_some_and(Parameter::changes_population)
    }
}

/// One parameter to fit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FitParameter {
    /// shock_pct, mean_leverage, depth_usd, long_share, maintenance_margin, withdrawal or
    /// resilience_half_life_s.
    pub name: Knob,
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
    /// The published value, in the figure's unit (scaled to the modelled market where the
    /// preset says so).
    pub value: f64,
    /// Weight in the objective (fitted targets only).
    #[serde(default = "default_weight")]
    pub weight: f64,
    #[serde(default)]
    pub mark: Mark,
    /// For a qualitative record ("mostly longs", "no ADL"): the value is a bound the figure must
    /// respect rather than a point to hit (predicted and input targets only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound: Option<Bound>,
    /// Where the figure comes from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// How the published figure was turned into this value (scaling, choice among sources).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Which side of a target's value a qualitative figure must stay on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    AtLeast,
    AtMost,
}

impl Target {
    /// How far the achieved value misses the record: the relative error, or for a bound 0 when
    /// it holds and the relative distance past it when it does not.
    pub fn miss(&self, achieved: f64) -> f64 {
        let error = relative_error(achieved, self.value);
        match self.bound {
            None => error,
            Some(Bound::AtLeast) => error.min(0.0),
            Some(Bound::AtMost) => error.max(0.0),
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

impl CalibrationSpec {
    /// Parses and validates a calibration file; every problem comes back with its field path.
    pub fn from_json(text: &str) -> Result<CalibrationSpec, ScenarioError> {
        let spec: CalibrationSpec = crate::scenario::parse_with_paths(text)?;
        spec.validate()?;
        Ok(spec)
    }

    /// JSON Schema of the calibration file (the base scenario is the scenario format's).
    pub fn json_schema() -> String {
        serde_json::to_string_pretty(&schemars::schema_for!(CalibrationSpec)).unwrap_or_default()
    }

    /// Checks every field; returns all problems at once.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let mut problems = match self.base.validate() {
            Ok(()) => Vec::new(),
            Err(error) => error
                .problems
                .into_iter()
                .map(|problem| Problem {
                    path: format!("base.{}", problem.path),
                    ..problem
                })
                .collect(),
        };
        let mut fail = |path: String, message: String| problems.push(Problem { path, message });
        let count = self.base.position_count();
        if count > MAX_CALIBRATION_POSITIONS {
            fail(
                "base.positions".into(),
                format!("a calibration runs the scenario hundreds of times: at most {MAX_CALIBRATION_POSITIONS} positions (got {count})"),
            );
        }
        if self.parameters.is_empty() || self.parameters.len() > MAX_PARAMETERS {
            fail(
                "parameters".into(),
                format!(
                    "must list 1 to {MAX_PARAMETERS} parameters (got {})",
                    self.parameters.len()
                ),
            );
        }
        let base_mean_leverage = mean_leverage(&self.base);
        for (i, parameter) in self.parameters.iter().enumerate() {
            let path = format!("parameters[{i}]");
            let (min, max) = (parameter.min, parameter.max);
            if !min.is_finite() || !max.is_finite() {
                fail(
                    path.clone(),
                    format!("bounds must be finite numbers (got {min}, {max})"),
                );
            } else if min >= max {
                fail(
                    path.clone(),
                    format!("min must be below max (got {min} >= {max})"),
                );
            }
            if self.parameters[..i]
                .iter()
                .any(|other| other.name == parameter.name)
            {
                fail(
                    format!("{path}.name"),
                    format!("{} is listed twice", parameter.name.name()),
                );
            }
            // Both bounds must give a valid scenario (on their own; the fit combines them).
            if min.is_finite() && max.is_finite() && min < max {
                for (bound, value) in [("min", min), ("max", max)] {
                    let mut probe = self.base.clone();
                    let result = set(&mut probe, parameter.name, value, base_mean_leverage)
                        .and_then(|()| probe.validate());
                    if let Err(error) = result {
                        for problem in error.problems {
                            fail(
                                format!("{path}.{bound}"),
                                format!(
                                    "{} = {value} makes the scenario invalid: {problem}",
                                    parameter.name.name()
                                ),
                            );
                        }
                    }
                }
            }
        }
        let fitted = self
            .targets
            .iter()
            .filter(|target| target.mark == Mark::Fitted)
            .count();
        if fitted == 0 || self.targets.len() > MAX_TARGETS {
            fail(
                "targets".into(),
                format!(
                    "must hold 1 to {MAX_TARGETS} targets, at least one marked fitted (got {} targets, {fitted} fitted)",
                    self.targets.len()
                ),
            );
        }
        for (i, target) in self.targets.iter().enumerate() {
            if !target.value.is_finite() {
                fail(
                    format!("targets[{i}].value"),
                    format!("must be a finite number (got {})", target.value),
                );
            }
            if target.bound.is_some() && target.mark == Mark::Fitted {
                fail(
                    format!("targets[{i}].bound"),
                    "a bound describes a qualitative record: mark it predicted or input".into(),
                );
            }
            if !(target.weight.is_finite() && target.weight > 0.0) {
                fail(
                    format!("targets[{i}].weight"),
                    format!("must be a positive number (got {})", target.weight),
                );
            }
        }
        if !(1..=MAX_RUNS).contains(&self.max_runs) {
            fail(
                "max_runs".into(),
                format!("must be in [1, {MAX_RUNS}] (got {})", self.max_runs),
            );
        }
        if self.restarts > 20 {
            fail(
                "restarts".into(),
                format!("must be at most 20 (got {})", self.restarts),
            );
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ScenarioError { problems })
        }
    }
}

/// Fits the spec's parameters to its targets. Deterministic: the same spec gives the same
/// scenario bit for bit.
pub fn calibrate(spec: &CalibrationSpec) -> Result<Calibration, ScenarioError> {
    spec.validate()?;
    let mut search = Search::new(spec);
    let start: Vec<f64> = spec
        .parameters
        .iter()
        .map(|parameter| {
            let value = parameter.name.read(&spec.base).unwrap_or(parameter.min);
            to_unit(parameter, value.clamp(parameter.min, parameter.max))
        })
        .collect();
    let mut best = start;
    let mut converged = false;
    let mut size = 0.25;
    for _ in 0..=spec.restarts {
        if search.runs >= spec.max_runs {
            break;
        }
        let (point, done) = nelder_mead(&mut search, &best, size, spec.max_runs);
        best = point;
        converged = done;
        size /= 2.0;
    }
    // Reported to four significant figures, as a person would type them; the scenario is the
    // rounded one (its targets are evaluated on it).
    let values: Vec<f64> = spec
        .parameters
        .iter()
        .zip(clamp_unit(&best))
        .map(|(parameter, unit)| {
            round_significant(from_unit(parameter, unit), 4).clamp(parameter.min, parameter.max)
        })
        .collect();
    let scenario = search.scenario_with(&values);
    let outcome = search.run(&scenario);
    let targets = spec
        .targets
        .iter()
        .map(|target| {
            let achieved = target.figure.of(&scenario, &outcome);
            Achieved {
                figure: target.figure,
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

/// The calibration's state: the spec, the run count, and the population kept across runs when
/// no fitted parameter changes it.
struct Search<'a> {
    spec: &'a CalibrationSpec,
    base_mean_leverage: f64,
    /// A fitted parameter changes the population, so every run builds its own.
    rebuilds_population: bool,
    table: Option<PositionTable>,
    runs: u32,
}

impl Search<'_> {
    fn new(spec: &CalibrationSpec) -> Search<'_> {
        Search {
            spec,
            base_mean_leverage: mean_leverage(&spec.base),
            rebuilds_population: spec
                .parameters
                .iter()
                .any(|parameter| parameter.name.changes_population()),
            table: None,
            runs: 0,
        }
    }

    /// The base scenario with every parameter set from a point of the unit box.
    fn scenario_at(&self, unit: &[f64]) -> Scenario {
        let values: Vec<f64> = self
            .spec
            .parameters
            .iter()
            .zip(unit)
            .map(|(parameter, &x)| from_unit(parameter, x))
            .collect();
        self.scenario_with(&values)
    }

    /// The base scenario with every parameter set to its value.
    fn scenario_with(&self, values: &[f64]) -> Scenario {
        let mut scenario = self.spec.base.clone();
        for (parameter, &value) in self.spec.parameters.iter().zip(values) {
            // Bounds were validated on their own; a combination stays valid because each
            // parameter sets a different field.
            let _ = set(
                &mut scenario,
                parameter.name,
                value,
                self.base_mean_leverage,
            );
        }
        scenario
    }

    /// Runs the timeline, reusing the population when only market or shock parameters move (a
    /// fresh build otherwise, so every run is exactly what `simulate` gives).
    fn run(&mut self, scenario: &Scenario) -> crate::Outcome {
        self.runs += 1;
        if self.rebuilds_population {
            self.table = None;
        }
        let table = self
            .table
            .get_or_insert_with(|| PositionTable::build(scenario));
        timeline::run(scenario, table)
    }

    fn objective_of(&self, scenario: &Scenario, outcome: &crate::Outcome) -> f64 {
        self.spec
            .targets
            .iter()
            .filter(|target| target.mark == Mark::Fitted)
            .map(|target| {
                let error = relative_error(target.figure.of(scenario, outcome), target.value);
                target.weight * error * error
            })
            .sum()
    }

    /// The objective at a point of the unit box (outside it: at its clamped image, plus a penalty
    /// on the distance that walks the simplex back).
    fn value(&mut self, unit: &[f64]) -> f64 {
        let clamped = clamp_unit(unit);
        let outside: f64 = unit
            .iter()
            .zip(&clamped)
            .map(|(x, c)| (x - c) * (x - c))
            .sum();
        let scenario = self.scenario_at(&clamped);
        let outcome = self.run(&scenario);
        let value = self.objective_of(&scenario, &outcome) + outside;
        if value.is_nan() {
            f64::INFINITY
        } else {
            value
        }
    }
}

/// Sets one knob, as the grid does for its parameters, except that a shock keeps its kind: an
/// instant gap stays instant and a ramp stays a ramp of the same duration.
fn set(
    scenario: &mut Scenario,
    knob: Knob,
    value: f64,
    base_mean_leverage: f64,
) -> Result<(), ScenarioError> {
    match (knob, knob.grid()) {
        (Knob::ShockPct, _) if scenario.shock.kind != ShockKind::Sell => {
            scenario.shock.pct = value;
            Ok(())
        }
        (_, Some(parameter)) => parameter.apply(scenario, value, base_mean_leverage),
        (_, None) => {
            scenario.market.resilience_half_life_s = Some(value);
            Ok(())
        }
    }
}

fn clamp_unit(unit: &[f64]) -> Vec<f64> {
    unit.iter().map(|x| x.clamp(0.0, 1.0)).collect()
}

/// Bounds spanning more than a factor of ten (both positive) are searched in logarithms.
fn is_logarithmic(parameter: &FitParameter) -> bool {
    parameter.min > 0.0 && parameter.max / parameter.min > 10.0
}

fn to_unit(parameter: &FitParameter, value: f64) -> f64 {
    if is_logarithmic(parameter) {
        (value / parameter.min).ln() / (parameter.max / parameter.min).ln()
    } else {
        (value - parameter.min) / (parameter.max - parameter.min)
    }
}

fn from_unit(parameter: &FitParameter, unit: f64) -> f64 {
    if is_logarithmic(parameter) {
        parameter.min * (parameter.max / parameter.min).powf(unit)
    } else {
        parameter.min + unit * (parameter.max - parameter.min)
    }
}

/// Simplex spread (in objective) and size (in the unit box) below which a search has converged.
const OBJECTIVE_TOLERANCE: f64 = 1e-7;
const SIZE_TOLERANCE: f64 = 1e-4;

/// One Nelder-Mead search from `start` with a simplex of edge `size`; returns the best vertex and
/// whether it converged before `max_runs` runs in all.
fn nelder_mead(search: &mut Search, start: &[f64], size: f64, max_runs: u32) -> (Vec<f64>, bool) {
    let n = start.len();
    // The start and one vertex per axis, stepping inwards when the start sits on the far side.
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    simplex.push((start.to_vec(), search.value(start)));
    for axis in 0..n {
        let mut vertex = start.to_vec();
        vertex[axis] += if start[axis] + size <= 1.0 {
            size
        } else {
            -size
        };
        let value = search.value(&vertex);
        simplex.push((vertex, value));
    }
    loop {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let spread = simplex[n].1 - simplex[0].1;
        let extent = simplex
            .iter()
            .skip(1)
            .map(|(v, _)| {
                v.iter()
                    .zip(&simplex[0].0)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max)
            })
            .fold(0.0, f64::max);
        if simplex[0].1 < OBJECTIVE_TOLERANCE * OBJECTIVE_TOLERANCE
            || (spread < OBJECTIVE_TOLERANCE && extent < SIZE_TOLERANCE)
        {
            return (simplex.swap_remove(0).0, true);
        }
        if search.runs >= max_runs {
            return (simplex.swap_remove(0).0, false);
        }
        let centroid: Vec<f64> = (0..n)
            .map(|k| simplex[..n].iter().map(|(v, _)| v[k]).sum::<f64>() / n as f64)
            .collect();
        let along = |t: f64, worst: &[f64]| -> Vec<f64> {
            centroid
                .iter()
                .zip(worst)
                .map(|(c, w)| c + t * (c - w))
                .collect()
        };
        let worst = simplex[n].0.clone();
        let reflected = along(1.0, &worst);
        let reflected_value = search.value(&reflected);
        if reflected_value < simplex[0].1 {
            let expanded = along(2.0, &worst);
            let expanded_value = search.value(&expanded);
            simplex[n] = if expanded_value < reflected_value {
                (expanded, expanded_value)
            } else {
                (reflected, reflected_value)
            };
            continue;
        }
        if reflected_value < simplex[n - 1].1 {
            simplex[n] = (reflected, reflected_value);
            continue;
        }
        let (contracted, contracted_value) = if reflected_value < simplex[n].1 {
            let point = along(0.5, &worst);
            let value = search.value(&point);
            (point, value)
        } else {
            let point = along(-0.5, &worst);
            let value = search.value(&point);
            (point, value)
        };
        if contracted_value < simplex[n].1.min(reflected_value) {
            simplex[n] = (contracted, contracted_value);
            continue;
        }
        // Shrink every vertex halfway towards the best.
        let best = simplex[0].0.clone();
        for (vertex, value) in simplex.iter_mut().skip(1) {
            for (x, b) in vertex.iter_mut().zip(&best) {
                *x = b + 0.5 * (*x - b);
            }
            *value = search.value(vertex);
        }
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
                min: -20.0,
                max: -0.5,
            }],
            targets: vec![Target {
                figure: Figure::TroughDrawdownPct,
                value: drawdown,
                weight: 1.0,
                mark: Mark::Fitted,
                bound: None,
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

        let mut bad = spec;
        bad.parameters[0].max = 1e9;
        let error = bad.validate().unwrap_err();
        assert_eq!(error.problems[0].path, "parameters[0].max", "{error}");
    }
}
