//! The search: Nelder-Mead with restarts in the unit box of the fitted parameters, every point a
//! full timeline run of the base scenario with those values set.

use crate::error::ScenarioError;
use crate::positions::PositionTable;
use crate::scenario::edit::mean_leverage;
use crate::scenario::{Scenario, ShockKind};
use crate::solve::timeline;

use super::{CalibrationSpec, FitParameter, Knob, Mark};

/// The calibration's state: the spec, the run count, and the population kept across runs when
/// no fitted parameter changes it.
pub(super) struct Search<'a> {
    spec: &'a CalibrationSpec,
    base_mean_leverage: f64,
    /// A fitted parameter changes the population, so every run builds its own.
    rebuilds_population: bool,
    table: Option<PositionTable>,
    pub(super) runs: u32,
}

impl Search<'_> {
    pub(super) fn new(spec: &CalibrationSpec) -> Search<'_> {
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
        self.scenario_with(&values_at(&self.spec.parameters, unit))
    }

    /// The base scenario with every parameter set to its value.
    pub(super) fn scenario_with(&self, values: &[f64]) -> Scenario {
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
    pub(super) fn run(&mut self, scenario: &Scenario) -> crate::Outcome {
        self.runs += 1;
        if self.rebuilds_population {
            self.table = None;
        }
        let reused = self.table.is_some();
        let table = self
            .table
            .get_or_insert_with(|| PositionTable::build(scenario));
        if reused {
            // The search runs the same population again and again.
            table.prepare_reruns();
        }
        timeline::run(scenario, table)
    }

    pub(super) fn objective_of(&self, scenario: &Scenario, outcome: &crate::Outcome) -> f64 {
        self.spec
            .targets
            .iter()
            .filter(|target| target.mark == Mark::Fitted)
            .map(|target| {
                let error = target.miss(target.achieved(scenario, outcome));
                target.weight * error * error
            })
            .sum()
    }
}

impl Objective for Search<'_> {
    fn inside(&mut self, unit: &[f64]) -> f64 {
        let scenario = self.scenario_at(unit);
        let outcome = self.run(&scenario);
        self.objective_of(&scenario, &outcome)
    }

    fn runs(&self) -> u32 {
        self.runs
    }
}

/// What Nelder-Mead minimises: a calibration's objective over the unit box of its parameters.
pub(super) trait Objective {
    /// The objective at a point inside the unit box (one run of the base).
    fn inside(&mut self, unit: &[f64]) -> f64;

    /// Runs made so far.
    fn runs(&self) -> u32;

    /// The objective at any point (outside the box: at its clamped image, plus a penalty on the
    /// distance that walks the simplex back); NaN counts as infinitely bad.
    fn value(&mut self, unit: &[f64]) -> f64 {
        let clamped = clamp_unit(unit);
        let outside: f64 = unit
            .iter()
            .zip(&clamped)
            .map(|(x, c)| (x - c) * (x - c))
            .sum();
        let value = self.inside(&clamped) + outside;
        if value.is_nan() {
            f64::INFINITY
        } else {
            value
        }
    }
}

/// Sets one knob, as the grid does for its parameters, except that a shock keeps its kind: an
/// instant gap stays instant and a ramp stays a ramp of the same duration.
pub(super) fn set(
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
        (_, None) => knob.set_outside_grid(&mut scenario.market, &mut scenario.traders, value),
    }
}

/// The parameters' values at a point of the unit box.
pub(super) fn values_at(parameters: &[FitParameter], unit: &[f64]) -> Vec<f64> {
    parameters
        .iter()
        .zip(unit)
        .map(|(parameter, &x)| from_unit(parameter, x))
        .collect()
}

pub(super) fn clamp_unit(unit: &[f64]) -> Vec<f64> {
    unit.iter().map(|x| x.clamp(0.0, 1.0)).collect()
}

/// Bounds spanning more than a factor of ten (both positive) are searched in logarithms.
fn is_logarithmic(parameter: &FitParameter) -> bool {
    parameter.min > 0.0 && parameter.max / parameter.min > 10.0
}

pub(super) fn to_unit(parameter: &FitParameter, value: f64) -> f64 {
    if is_logarithmic(parameter) {
        (value / parameter.min).ln() / (parameter.max / parameter.min).ln()
    } else {
        (value - parameter.min) / (parameter.max - parameter.min)
    }
}

pub(super) fn from_unit(parameter: &FitParameter, unit: f64) -> f64 {
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
pub(super) fn nelder_mead(
    search: &mut impl Objective,
    start: &[f64],
    size: f64,
    max_runs: u32,
) -> (Vec<f64>, bool) {
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
        if search.runs() >= max_runs {
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
