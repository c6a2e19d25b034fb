//! Calibrating a system of markets (format version 2): the same search as for one market, every
//! point a full run of the system. A parameter is the common shock, or a market's value (one
//! market by id, or every market's); a target is a figure of one market, or a sum over the
//! markets (liquidated notional, auto-deleveraged notional), e.g. the liquidations recorded on
//! every venue of the 2025-10-10 flush.

use serde::{Deserialize, Serialize};

use crate::analysis::figures::Figure;
use crate::error::{Rule, ScenarioError, Work};
use crate::positions::PositionTable;
use crate::scenario::validate::Checker;
use crate::system::edit::{self, mean_leverages, Markets};
use crate::system::{run_system, System, SystemOutcome};

use super::search::{values_at, Objective};
use super::validate::Fit;
use super::{
    fitted_values, restarted, start_point, Achieved, FitParameter, Knob, Mark, Target,
    MAX_CALIBRATION_POSITIONS,
};

/// A calibration file whose base is a system of markets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemCalibrationSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// The system to start from (version 2).
    #[schemars(with = "serde_json::Value")]
    pub base: System,
    /// The parameters to fit, each within its bounds, each on a market or on every market.
    pub parameters: Vec<FitParameter>,
    /// The figures to hit or report, each of a market or summed over the markets.
    pub targets: Vec<Target>,
    #[serde(default = "super::default_restarts")]
    pub restarts: u32,
    #[serde(default = "super::default_max_runs")]
    pub max_runs: u32,
}

/// What a system's calibration returns.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SystemCalibration {
    pub system: System,
    /// Fitted values, in the spec's order.
    pub parameters: Vec<FittedValue>,
    pub targets: Vec<Achieved>,
    pub objective: f64,
    pub runs: u32,
    pub converged: bool,
}

/// One fitted parameter's value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FittedValue {
    pub name: Knob,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
    pub value: f64,
}

impl SystemCalibrationSpec {
    /// Parses and validates a calibration file whose base is version 2.
    pub fn from_json(text: &str) -> Result<SystemCalibrationSpec, ScenarioError> {
        use crate::{scenario::shape, system::System};
        let spec: SystemCalibrationSpec = crate::scenario::parse_with_paths(text)
            .map_err(|error| shape::or_list_for_object_in::<System>(text, "base", error))?;
        shape::lists_for_objects_in::<System>(text, "base")?;
        spec.validate()?;
        Ok(spec)
    }

    /// JSON Schema of the file (the base is the version 2 format's).
    pub fn json_schema() -> String {
        serde_json::to_string_pretty(&schemars::schema_for!(SystemCalibrationSpec))
            .unwrap_or_default()
    }

    /// Checks every field; returns all problems at once.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let mut check = Checker::default();
        check.nest("base", self.base.validate());
        if !check.is_clean() {
            return check.finish();
        }
        let count: usize = self
            .base
            .market_scenarios()
            .iter()
            .map(|scenario| scenario.position_count())
            .sum();
        if count > MAX_CALIBRATION_POSITIONS {
            check.fail(
                "base.markets",
                Rule::CalibrationPositions {
                    most: MAX_CALIBRATION_POSITIONS,
                    got: count,
                },
            );
        }
        let mut meant = Vec::new();
        for (i, parameter) in self.parameters.iter().enumerate() {
            let path = format!("parameters[{i}].market");
            if parameter.name == Knob::ShockPct && parameter.market.is_some() {
                check.fail(&path, Rule::MarketOnShock);
            }
            meant.push(Markets::named(
                &self.base,
                parameter.market.as_deref(),
                &path,
            ));
        }
        for (i, target) in self.targets.iter().enumerate() {
            let path = format!("targets[{i}].market");
            match &target.market {
                Some(id) if self.base.market_index(id).is_none() => {
                    check.fail(&path, Rule::UnknownMarket { id: id.clone() })
                }
                None if !is_sum(target.figure) => check.fail(
                    &path,
                    Rule::NotASum {
                        figure: target.figure.name().to_string(),
                    },
                ),
                _ => {}
            }
        }
        for error in meant.iter().filter_map(|markets| markets.clone().err()) {
            check.add(Err(error));
        }
        let means = mean_leverages(&self.base);
        let fit = Fit {
            parameters: &self.parameters,
            targets: &self.targets,
            restarts: self.restarts,
            max_runs: self.max_runs,
        };
        fit.check(&mut check, |parameter, value| {
            // An unknown market is reported above, once.
            let Ok(markets) = Markets::named(&self.base, parameter.market.as_deref(), "") else {
                return Ok(());
            };
            let mut probe = self.base.clone();
            set(&mut probe, parameter, markets, value, &means).and_then(|()| probe.validate())
        });
        if check.is_clean() {
            let estimate = crate::budget::Estimate {
                seconds: f64::from(self.max_runs) * self.base.budget_seconds(),
                reduce: vec!["max_runs".into(), "base.markets".into()],
            };
            check.add(estimate.check(Work::Calibration, crate::budget::ANALYSIS_BUDGET_S));
        }
        check.finish()
    }
}

/// Whether a figure adds up over markets (so a target may name no market).
fn is_sum(figure: Figure) -> bool {
    matches!(figure, Figure::LiquidatedUsd | Figure::AdlUsd)
}

/// Sets one knob on a system: the common shock (resized, its kind kept), a market's refill
/// half-life or stop share, or a headline parameter as the grid sets it.
fn set(
    system: &mut System,
    parameter: &FitParameter,
    markets: Markets,
    value: f64,
    means: &[f64],
) -> Result<(), ScenarioError> {
    match parameter.name.grid() {
        Some(grid) => edit::set(system, grid, markets, value, means),
        None => {
            for i in markets.indices(system) {
                let spec = &mut system.markets[i];
                parameter
                    .name
                    .set_outside_grid(&mut spec.market, &mut spec.traders, value)?;
            }
            Ok(())
        }
    }
}

/// The search over a system: each point a run of the system, populations kept when no fitted
/// parameter changes them.
struct SystemSearch<'a> {
    spec: &'a SystemCalibrationSpec,
    markets: Vec<Markets>,
    /// Target by target, the market it is read on (None: summed).
    read_on: Vec<Option<usize>>,
    means: Vec<f64>,
    rebuilds: bool,
    tables: Option<Vec<PositionTable>>,
    runs: u32,
}

impl SystemSearch<'_> {
    fn system_with(&self, values: &[f64]) -> System {
        let mut system = self.spec.base.clone();
        for ((parameter, &markets), &value) in
            self.spec.parameters.iter().zip(&self.markets).zip(values)
        {
            // Each bound was validated on its own; the parameters set different fields.
            let _ = set(&mut system, parameter, markets, value, &self.means);
        }
        system
    }

    fn run(&mut self, system: &System) -> SystemOutcome {
        self.runs += 1;
        let scenarios = system.market_scenarios();
        if self.rebuilds {
            self.tables = None;
        }
        let reused = self.tables.is_some();
        let tables = self
            .tables
            .get_or_insert_with(|| scenarios.iter().map(PositionTable::build).collect());
        if reused {
            // The search runs the same populations again and again.
            tables.iter().for_each(|table| {
                table.prepare_reruns();
            });
        }
        run_system(system, &scenarios, tables)
    }

    fn achieved(&self, system: &System, outcome: &SystemOutcome, k: usize) -> f64 {
        let target = &self.spec.targets[k];
        let of =
            |i: usize| target.achieved(&system.market_scenario(i), &outcome.markets[i].outcome);
        match self.read_on[k] {
            Some(i) => of(i),
            None => (0..system.markets.len()).map(of).sum(),
        }
    }

    fn objective_of(&self, system: &System, outcome: &SystemOutcome) -> f64 {
        self.spec
            .targets
            .iter()
            .enumerate()
            .filter(|(_, target)| target.mark == Mark::Fitted)
            .map(|(k, target)| {
                let error = target.miss(self.achieved(system, outcome, k));
                target.weight * error * error
            })
            .sum()
    }
}

impl Objective for SystemSearch<'_> {
    fn inside(&mut self, unit: &[f64]) -> f64 {
        let system = self.system_with(&values_at(&self.spec.parameters, unit));
        let outcome = self.run(&system);
        self.objective_of(&system, &outcome)
    }

    fn runs(&self) -> u32 {
        self.runs
    }
}

/// Fits a system's parameters to its targets. Deterministic: the same spec gives the same system
/// bit for bit.
pub fn calibrate_system(spec: &SystemCalibrationSpec) -> Result<SystemCalibration, ScenarioError> {
    spec.validate()?;
    let markets = spec
        .parameters
        .iter()
        .map(|parameter| Markets::named(&spec.base, parameter.market.as_deref(), ""))
        .collect::<Result<Vec<_>, _>>()?;
    let read_on = spec
        .targets
        .iter()
        .map(|target| {
            target
                .market
                .as_deref()
                .and_then(|id| spec.base.market_index(id))
        })
        .collect();
    let mut search = SystemSearch {
        spec,
        markets,
        read_on,
        means: mean_leverages(&spec.base),
        rebuilds: spec
            .parameters
            .iter()
            .any(|parameter| parameter.name.changes_population()),
        tables: None,
        runs: 0,
    };
    let start = start_point(&spec.parameters, |k, parameter| {
        base_value(&spec.base, parameter, search.markets[k])
    });
    let (best, converged) = restarted(&mut search, start, spec.restarts, spec.max_runs);
    let values = fitted_values(&spec.parameters, &best);
    let system = search.system_with(&values);
    let outcome = search.run(&system);
    let targets = spec
        .targets
        .iter()
        .enumerate()
        .map(|(k, target)| {
            let achieved = search.achieved(&system, &outcome, k);
            Achieved {
                figure: target.figure,
                market: target.market.clone(),
                until_s: target.until_s,
                mark: target.mark,
                target: target.value,
                achieved,
                relative_error: target.miss(achieved),
            }
        })
        .collect();
    Ok(SystemCalibration {
        parameters: spec
            .parameters
            .iter()
            .zip(&values)
            .map(|(parameter, &value)| FittedValue {
                name: parameter.name,
                market: parameter.market.clone(),
                value,
            })
            .collect(),
        objective: search.objective_of(&system, &outcome),
        runs: search.runs,
        converged,
        system,
        targets,
    })
}

/// A parameter's value in the base (the first meant market's), where it has one.
fn base_value(system: &System, parameter: &FitParameter, markets: Markets) -> Option<f64> {
    if parameter.name == Knob::ShockPct {
        return Some(system.shock_move_pct());
    }
    let first = markets.indices(system).next()?;
    parameter.name.read(&system.market_scenario(first))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;
    use crate::system::simulate_system;

    fn spec_for(
        base: System,
        parameters: Vec<FitParameter>,
        targets: Vec<Target>,
    ) -> SystemCalibrationSpec {
        SystemCalibrationSpec {
            preset: None,
            base,
            parameters,
            targets,
            restarts: 1,
            max_runs: 120,
        }
    }

    fn target(figure: Figure, market: Option<&str>, value: f64) -> Target {
        Target {
            figure,
            market: market.map(str::to_string),
            value,
            weight: 1.0,
            mark: Mark::Fitted,
            bound: None,
            to: None,
            until_s: None,
            source: String::new(),
            note: String::new(),
        }
    }

    #[test]
    fn recovers_the_other_venues_depth_from_its_trough() {
        // The truth: the venue the sale never hits has a 80M book; the base says 200M.
        let preset = presets::find_system("two-venues-one-asset").unwrap().system;
        let means = mean_leverages(&preset);
        let mut truth = preset.clone();
        edit::set(
            &mut truth,
            crate::analysis::Parameter::DepthUsd,
            Markets::One(1),
            8e7,
            &means,
        )
        .unwrap();
        let outcome = simulate_system(&truth).unwrap();
        let trough = outcome.markets[1].outcome.summary.max_drawdown_pct;
        let liquidated: f64 = outcome
            .markets
            .iter()
            .map(|m| {
                m.outcome.summary.liquidated_notional_usd_long
                    + m.outcome.summary.liquidated_notional_usd_short
            })
            .sum();
        let mut base = preset;
        edit::set(
            &mut base,
            crate::analysis::Parameter::DepthUsd,
            Markets::One(1),
            2e8,
            &means,
        )
        .unwrap();
        let mut predicted = target(Figure::LiquidatedUsd, None, liquidated);
        predicted.mark = Mark::Predicted;
        let spec = spec_for(
            base,
            vec![FitParameter {
                name: Knob::DepthUsd,
                market: Some("venue-b".into()),
                min: 3e7,
                max: 5e8,
            }],
            vec![
                target(Figure::TroughDrawdownPct, Some("venue-b"), trough),
                predicted,
            ],
        );
        let fit = calibrate_system(&spec).unwrap();
        assert!(
            fit.targets[0].relative_error.abs() < 0.01,
            "{:?}",
            fit.targets
        );
        // The liquidations over both venues, not fitted, come out near the truth's.
        assert!(
            fit.targets[1].relative_error.abs() < 0.05,
            "{:?}",
            fit.targets
        );
        assert_eq!(fit.parameters[0].market.as_deref(), Some("venue-b"));
        assert!(fit.runs <= 121);
        assert_eq!(calibrate_system(&spec).unwrap(), fit, "deterministic");
    }

    #[test]
    fn bad_markets_and_figures_that_are_not_sums_name_the_field() {
        let base = presets::find_system("two-venues-one-asset").unwrap().system;
        let spec = spec_for(
            base,
            vec![
                FitParameter {
                    name: Knob::ShockPct,
                    market: Some("venue-a".into()),
                    min: -10.0,
                    max: -1.0,
                },
                FitParameter {
                    name: Knob::Withdrawal,
                    market: Some("okx".into()),
                    min: 0.0,
                    max: 1.0,
                },
            ],
            vec![
                target(Figure::TroughDrawdownPct, None, 5.0),
                target(Figure::LiquidatedUsd, Some("kraken"), 1e8),
            ],
        );
        let paths: Vec<String> = spec
            .validate()
            .unwrap_err()
            .problems
            .into_iter()
            .map(|problem| problem.path)
            .collect();
        for path in [
            "parameters[0].market",
            "parameters[1].market",
            "targets[0].market",
            "targets[1].market",
        ] {
            assert!(paths.iter().any(|p| p == path), "{path} in {paths:?}");
        }
    }
}
