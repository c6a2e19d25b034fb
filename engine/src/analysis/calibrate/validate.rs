//! Reading and checking a calibration file: the base scenario, each parameter's bounds (both must
//! give a valid scenario), the targets and the run budget, every problem with its field path.

use crate::error::{Items, Rule, ScenarioError, Work};
use crate::scenario::edit::mean_leverage;
use crate::scenario::validate::Checker;

use super::search::set;
use super::{
    Bound, CalibrationSpec, FitParameter, Mark, Target, MAX_CALIBRATION_POSITIONS, MAX_PARAMETERS,
    MAX_RUNS, MAX_TARGETS,
};

impl CalibrationSpec {
    /// Parses and validates a calibration file; every problem comes back with its field path.
    pub fn from_json(text: &str) -> Result<CalibrationSpec, ScenarioError> {
        use crate::scenario::{shape, Scenario};
        let spec: CalibrationSpec = crate::scenario::parse_with_paths(text)
            .map_err(|error| shape::or_list_for_object_in::<Scenario>(text, "base", error))?;
        shape::lists_for_objects_in::<Scenario>(text, "base")?;
        spec.validate()?;
        Ok(spec)
    }

    /// JSON Schema of the calibration file (the base scenario is the scenario format's).
    pub fn json_schema() -> String {
        serde_json::to_string_pretty(&schemars::schema_for!(CalibrationSpec)).unwrap_or_default()
    }

    /// Checks every field; returns all problems at once.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let mut check = Checker::default();
        let base = self.base.validate();
        let base_valid = base.is_ok();
        check.nest("base", base);
        let count = self.base.position_count();
        if count > MAX_CALIBRATION_POSITIONS {
            check.fail(
                "base.positions",
                Rule::CalibrationPositions {
                    most: MAX_CALIBRATION_POSITIONS,
                    got: count,
                },
            );
        }
        let base_mean_leverage = mean_leverage(&self.base);
        let fit = Fit {
            parameters: &self.parameters,
            targets: &self.targets,
            restarts: self.restarts,
            max_runs: self.max_runs,
        };
        // A version 1 scenario is one market: nothing to name.
        for (i, parameter) in self.parameters.iter().enumerate() {
            if parameter.market.is_some() {
                check.fail(&format!("parameters[{i}].market"), Rule::MarketInScenario);
            }
        }
        for (i, target) in self.targets.iter().enumerate() {
            if target.market.is_some() {
                check.fail(&format!("targets[{i}].market"), Rule::MarketInScenario);
            }
        }
        fit.check(&mut check, |parameter, value| {
            // A base with problems of its own has them said once, above, not again for every
            // bound tried on it.
            if !base_valid {
                return Ok(());
            }
            let mut probe = self.base.clone();
            set(&mut probe, parameter.name, value, base_mean_leverage)
                .and_then(|()| probe.validate())
        });
        if check.is_clean() {
            let estimate = crate::budget::calibration(self);
            check.add(estimate.check(Work::Calibration, crate::budget::ANALYSIS_BUDGET_S));
        }
        check.finish()
    }
}

/// What every calibration file holds besides its base: the parameters, the targets and the
/// search's limits.
pub(super) struct Fit<'a> {
    pub parameters: &'a [FitParameter],
    pub targets: &'a [Target],
    pub restarts: u32,
    pub max_runs: u32,
}

impl Fit<'_> {
    /// Checks the parameters' bounds (each bound set on the base alone by `probe` must give a
    /// valid base), the targets and the limits.
    pub fn check(
        &self,
        check: &mut Checker,
        probe: impl Fn(&FitParameter, f64) -> Result<(), ScenarioError>,
    ) {
        let mut fail = |path: String, rule: Rule| check.fail(&path, rule);
        if self.parameters.is_empty() || self.parameters.len() > MAX_PARAMETERS {
            fail(
                "parameters".into(),
                Rule::Count {
                    least: 1,
                    most: MAX_PARAMETERS,
                    got: self.parameters.len(),
                    items: Items::Parameters,
                },
            );
        }
        for (i, parameter) in self.parameters.iter().enumerate() {
            let path = format!("parameters[{i}]");
            let (min, max) = (parameter.min, parameter.max);
            if !min.is_finite() || !max.is_finite() {
                fail(path.clone(), Rule::BoundsNotFinite { min, max });
            } else if min >= max {
                fail(path.clone(), Rule::MinNotBelowMax { min, max });
            }
            if self.parameters[..i].iter().any(|other| {
                other.name == parameter.name
                    && (other.market.is_none()
                        || parameter.market.is_none()
                        || other.market == parameter.market)
            }) {
                fail(
                    format!("{path}.name"),
                    Rule::ListedTwice {
                        parameter: parameter.name.name(),
                    },
                );
            }
            // Both bounds must give a valid base (on their own; the fit combines them).
            if min.is_finite() && max.is_finite() && min < max {
                for (bound, value) in [("min", min), ("max", max)] {
                    if let Err(error) = probe(parameter, value) {
                        for problem in error.problems {
                            fail(
                                format!("{path}.{bound}"),
                                Rule::BoundInvalidates {
                                    parameter: parameter.name.name(),
                                    value,
                                    problem: Box::new(problem),
                                },
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
                Rule::Targets {
                    most: MAX_TARGETS,
                    got: self.targets.len(),
                    fitted,
                },
            );
        }
        for (i, target) in self.targets.iter().enumerate() {
            if !target.value.is_finite() {
                fail(
                    format!("targets[{i}].value"),
                    Rule::TargetNotFinite { got: target.value },
                );
            }
            let one_sided = matches!(target.bound, Some(Bound::AtLeast | Bound::AtMost));
            if one_sided && target.mark == Mark::Fitted {
                fail(format!("targets[{i}].bound"), Rule::BoundOnFitted);
            }
            match (target.bound, target.to) {
                (Some(Bound::Between), None) => {
                    fail(format!("targets[{i}].to"), Rule::RangeWithoutEnd)
                }
                (Some(Bound::Between), Some(to)) if !(to.is_finite() && to > target.value) => fail(
                    format!("targets[{i}].to"),
                    Rule::RangeEnd {
                        low: target.value,
                        got: to,
                    },
                ),
                (Some(Bound::Between), Some(_)) => {}
                (_, Some(_)) => fail(format!("targets[{i}].to"), Rule::EndWithoutRange),
                (_, None) => {}
            }
            match target.until_s {
                Some(_) if !target.figure.windowed() => fail(
                    format!("targets[{i}].until_s"),
                    Rule::NotWindowed {
                        figure: target.figure.name().to_string(),
                    },
                ),
                Some(until) if !(until.is_finite() && until > 0.0) => fail(
                    format!("targets[{i}].until_s"),
                    Rule::NotPositive { got: until },
                ),
                _ => {}
            }
            if !(target.weight.is_finite() && target.weight > 0.0) {
                fail(
                    format!("targets[{i}].weight"),
                    Rule::NotPositive { got: target.weight },
                );
            }
        }
        if !(1..=MAX_RUNS).contains(&self.max_runs) {
            fail(
                "max_runs".into(),
                Rule::WholeRange {
                    low: 1,
                    high: MAX_RUNS as u64,
                    got: self.max_runs as u64,
                },
            );
        }
        if self.restarts > 20 {
            fail(
                "restarts".into(),
                Rule::WholeAtMost {
                    most: 20,
                    got: self.restarts as u64,
                },
            );
        }
    }
}
