//! Reading and checking a calibration file: the base scenario, each parameter's bounds (both must
//! give a valid scenario), the targets and the run budget, every problem with its field path.

use crate::error::ScenarioError;
use crate::scenario::edit::mean_leverage;
use crate::scenario::validate::Checker;

use super::search::set;
use super::{
    CalibrationSpec, Mark, MAX_CALIBRATION_POSITIONS, MAX_PARAMETERS, MAX_RUNS, MAX_TARGETS,
};

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
        let mut check = Checker::default();
        check.nest("base", self.base.validate());
        let mut fail = |path: String, message: String| check.fail(&path, message);
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
        if check.is_clean() {
            let estimate = crate::budget::calibration(self);
            check.add(estimate.check("this calibration", crate::budget::ANALYSIS_BUDGET_S));
        }
        check.finish()
    }
}
