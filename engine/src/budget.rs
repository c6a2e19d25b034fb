//! The work budget: what a run or an analysis will cost, estimated from its inputs before any
//! work starts, and the limit every entry point checks (docs/scenario.md, "Work budget").
//!
//! Each field is validated on its own range; the budget checks their product. An estimate is a sum
//! of terms (building the population, the steps, settling positions, auto-deleveraging, ...),
//! each a count from the input times a cost measured on the reference machine
//! (docs/benchmarks.md, "Work budget"). Where a cost depends on how the cascade unfolds, the term
//! takes the worst case the rules allow: with ADL on, every step may send an order to ADL.

use crate::analysis::calibrate::CalibrationSpec;
use crate::analysis::cycles::CyclesConfig;
use crate::analysis::grid::{Axis, Parameter};
use crate::error::{Problem, Rule, ScenarioError, Work};
use crate::scenario::{Adl, Book, Positions, Scenario, Side};

/// Most work one scenario may ask for (a run, and what the app redoes per edit: the sweep, the
/// counterfactual), in estimated seconds on the reference machine.
pub const RUN_BUDGET_S: f64 = 30.0;
/// Most work one analysis may ask for (a phase grid, cycles, a calibration, an amplification
/// curve): a batch job may run for minutes, not for hours. The committed calibrations reach up to
/// about half of it in the worst case their rules allow (ADL on every step of every run; they
/// take 1 to 12 s in fact).
pub const ANALYSIS_BUDGET_S: f64 = 1_800.0;

// Costs on the reference machine (2 cores, x86_64, native bench build), nanoseconds, measured by
// `examples/budget_costs.rs` as docs/benchmarks.md records; each rounded up.
/// Building the population, per position (draws, sort by trigger, start state).
const BUILD_NS: f64 = 450.0;
/// Copying a scenario's explicit position list, per position (an analysis editing it).
const LIST_COPY_NS: f64 = 20.0;
/// Re-scaling a built population to a new long share, per position.
const RESCALE_NS: f64 = 20.0;
/// One timeline step with nothing liquidated: book, mark, traders' cursors, the step's record.
const STEP_NS: f64 = 500.0;
/// One timeline step, per (side, leverage bucket) group: trigger cursors, open interest by bucket.
const GROUP_STEP_NS: f64 = 10.0;
/// One search of an explicit book's levels, per halving (binary search), a few per step.
const LEVEL_SEARCH_NS: f64 = 20.0;
/// Liquidating, de-leveraging, topping up or marking one position once, settled exactly.
const SETTLE_NS: f64 = 150.0;
/// Pieces a position may be liquidated in with partial liquidation or a throughput cap.
const PARTIAL_PIECES: f64 = 8.0;
/// One ADL step, per position of the winning side looked at (two scans, the queue's ranking).
const ADL_SCAN_NS: f64 = 100.0;
/// One pro-rata ADL step, per winner trimmed (each one's exact PnL, new trigger).
const ADL_TRIM_NS: f64 = 250.0;
/// One instant solve (a grid cell, a sweep point), fixed part and per group.
const INSTANT_NS: f64 = 5_000.0;
const INSTANT_GROUP_NS: f64 = 2_000.0;
/// One day of one leverage-cycle path: fixed part, and per position of its population.
const CYCLE_DAY_NS: f64 = 2_000.0;
const CYCLE_POSITION_DAY_NS: f64 = 60.0;

/// What a piece of work is estimated to cost, and which inputs drive it.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// Seconds of work on the reference machine, natively (the browser takes up to about twice
    /// as long).
    pub seconds: f64,
    /// Field paths to reduce, the biggest lever first.
    pub reduce: Vec<String>,
}

/// An estimate in the making: terms in nanoseconds, each with the fields that drive it.
#[derive(Default)]
struct Terms(Vec<(f64, Vec<String>)>);

impl Terms {
    fn add(&mut self, nanoseconds: f64, fields: &[&str]) {
        let fields = fields.iter().map(|field| field.to_string()).collect();
        self.0.push((nanoseconds.max(0.0), fields));
    }

    /// Every term of `other` repeated `times`, its fields after `fields`.
    fn add_repeated(&mut self, other: Terms, times: f64, fields: &[&str]) {
        for (nanoseconds, mut drivers) in other.0 {
            let mut all: Vec<String> = fields.iter().map(|field| field.to_string()).collect();
            all.append(&mut drivers);
            self.0.push((nanoseconds * times, all));
        }
    }

    /// The total, and the fields of the terms that make up most of it, largest first.
    fn estimate(mut self) -> Estimate {
        let total: f64 = self.0.iter().map(|(nanoseconds, _)| nanoseconds).sum();
        self.0.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut reduce: Vec<String> = Vec::new();
        for (nanoseconds, fields) in &self.0 {
            if *nanoseconds < total * 0.1 {
                break;
            }
            for field in fields {
                if !reduce.contains(field) {
                    reduce.push(field.clone());
                }
            }
        }
        Estimate {
            seconds: total * 1e-9,
            reduce,
        }
    }
}

impl Estimate {
    /// `Ok` within `budget_s` seconds; otherwise one problem, at the first field to reduce, that
    /// says how long the work would take and which fields to reduce.
    pub fn check(&self, work: Work, budget_s: f64) -> Result<(), ScenarioError> {
        if self.seconds <= budget_s {
            return Ok(());
        }
        Err(ScenarioError {
            problems: vec![Problem {
                path: self.reduce.first().cloned().unwrap_or_default(),
                rule: Rule::OverBudget {
                    work,
                    seconds: self.seconds,
                    budget_s,
                    reduce: self.reduce.clone(),
                },
            }],
        })
    }
}

/// Where a scenario's position count is set, and how many positions it holds on each side
/// (a generated population splits its count evenly over sides).
fn positions_of(scenario: &Scenario) -> (&'static str, f64, f64) {
    match &scenario.positions {
        Positions::List(list) => {
            let longs = list.iter().filter(|p| p.side == Side::Long).count() as f64;
            ("positions.list", list.len() as f64, longs)
        }
        Positions::Generate(population) => {
            let count = population.count as f64;
            ("positions.generate.count", count, count / 2.0)
        }
    }
}

/// (Side, leverage bucket) groups of the scenario's population.
fn groups_of(scenario: &Scenario) -> f64 {
    let buckets = match &scenario.positions {
        Positions::List(_) => crate::positions::standard_buckets().len(),
        Positions::Generate(population) => population.leverage_buckets.len(),
    };
    2.0 * buckets as f64
}

fn build_terms(scenario: &Scenario) -> Terms {
    let (count_field, count, _) = positions_of(scenario);
    let mut terms = Terms::default();
    terms.add(count * BUILD_NS, &[count_field]);
    terms
}

/// One timeline run of a scenario whose population is built, without building it.
fn run_terms(scenario: &Scenario) -> Terms {
    let (count_field, count, longs) = positions_of(scenario);
    let steps = f64::from(scenario.run.steps);
    let mut terms = Terms::default();
    let levels = match &scenario.market.book {
        Book::Levels { levels } => (levels.len() as f64 + 1.0).log2().ceil(),
        _ => 0.0,
    };
    let per_step = STEP_NS + groups_of(scenario) * GROUP_STEP_NS + 4.0 * levels * LEVEL_SEARCH_NS;
    terms.add(steps * per_step, &["run.steps"]);
    let venue = &scenario.venue;
    let drips = venue.partial_liquidation
        || venue.max_liquidation_usd_per_step.is_some()
        || venue.clips.is_some()
        || venue.block_limits.is_some()
        || venue.liquidation_band_pct.is_some();
    let traders = &scenario.traders;
    // A leverage control that tightens moves every open position's trigger once.
    let behaviours = [
        traders.top_up.is_some(),
        traders.delever.is_some(),
        drips,
        venue.leverage_control.is_some(),
    ];
    let visits = 1.0 + behaviours.iter().filter(|&&on| on).count() as f64;
    let pieces = if drips { PARTIAL_PIECES } else { 1.0 };
    terms.add(count * SETTLE_NS * visits.max(pieces), &[count_field]);
    if let Some(build_up) = &scenario.build_up {
        // Every open position pays or receives at every payment, and its trigger moves.
        let payments = f64::from(build_up.payments(&scenario.venue.funding));
        terms.add(
            payments * count * SETTLE_NS,
            &["build_up.hours", "venue.funding.interval_h", count_field],
        );
    }
    if venue.adl != Adl::Off {
        // Either side may be the one that wins.
        let winners = longs.max(count - longs);
        let per_winner = match venue.adl {
            Adl::ProRata => ADL_SCAN_NS + ADL_TRIM_NS,
            _ => ADL_SCAN_NS,
        };
        let mut fields = vec!["run.steps", count_field, "venue.adl"];
        if drips {
            fields.push("venue.max_liquidation_usd_per_step");
        }
        terms.add(steps * winners * per_winner, &fields);
    }
    terms
}

/// One timeline run: building the population and running it.
pub fn run(scenario: &Scenario) -> Estimate {
    let mut terms = build_terms(scenario);
    terms.0.extend(run_terms(scenario).0);
    terms.estimate()
}

fn instant_ns(scenario: &Scenario) -> f64 {
    INSTANT_NS + groups_of(scenario) * INSTANT_GROUP_NS
}

/// A shock sweep of `shocks` points: the population built twice (as is and at 1x), two instant
/// solves per point.
pub fn sweep(scenario: &Scenario, shocks: usize) -> Estimate {
    let mut terms = Terms::default();
    terms.add_repeated(build_terms(scenario), 2.0, &[]);
    terms.add(2.0 * shocks as f64 * instant_ns(scenario), &["shocks"]);
    terms.estimate()
}

/// The no-leverage counterfactual: two builds, two instant solves.
pub fn counterfactual(scenario: &Scenario) -> Estimate {
    sweep(scenario, 1)
}

/// The app's amplification curve: each of its `points` is a full timeline run, with leverage
/// and without.
pub fn amplification_curve(scenario: &Scenario, points: usize) -> Estimate {
    let mut terms = Terms::default();
    let mut run = build_terms(scenario);
    run.0.extend(run_terms(scenario).0);
    terms.add_repeated(run, 2.0 * points as f64, &["points"]);
    terms.estimate()
}

/// A phase grid: an instant solve per cell, and the population built (or re-scaled) as often as
/// the axes change it (`analysis::grid` solves the axis that needs a rebuilt population outside).
pub fn grid(scenario: &Scenario, x: &Axis, y: &Axis) -> Estimate {
    let changes = |axis: &Axis| axis.parameter.changes_population();
    let x_outer = changes(x) && (!changes(y) || y.parameter == Parameter::LongShare);
    let (outer, inner) = if x_outer { (x, y) } else { (y, x) };
    let (outer_name, inner_name) = if x_outer {
        ("grid.x.values", "grid.y.values")
    } else {
        ("grid.y.values", "grid.x.values")
    };
    let (outer_n, inner_n) = (outer.values.len() as f64, inner.values.len() as f64);
    let (count_field, count, _) = positions_of(scenario);
    let list = matches!(scenario.positions, Positions::List(_));
    let mut terms = Terms::default();
    terms.add(
        outer_n * inner_n * instant_ns(scenario),
        &[outer_name, inner_name],
    );
    let build = BUILD_NS + if list { LIST_COPY_NS } else { 0.0 };
    let (builds, rescales) = if !changes(outer) && !changes(inner) {
        (1.0, 0.0)
    } else if changes(inner) {
        if inner.parameter == Parameter::LongShare && !list {
            (
                if changes(outer) { outer_n } else { 1.0 },
                outer_n * inner_n,
            )
        } else {
            (outer_n * inner_n, 0.0)
        }
    } else if outer.parameter == Parameter::LongShare && !list {
        (1.0, outer_n)
    } else {
        (outer_n, 0.0)
    };
    let rebuild_fields: &[&str] = if changes(inner) {
        &[inner_name, outer_name, count_field]
    } else {
        &[outer_name, count_field]
    };
    terms.add(builds * count * build, rebuild_fields);
    terms.add(rescales * count * RESCALE_NS, rebuild_fields);
    terms.estimate()
}

/// The leverage-cycle Monte Carlo: every day of every path, over its population (twice: with
/// cascades and without is one pass, the population is the cost).
pub fn cycles(config: &CyclesConfig) -> Estimate {
    let path_days = f64::from(config.paths) * f64::from(config.days);
    let mut terms = Terms::default();
    terms.add(
        path_days * (CYCLE_DAY_NS + config.positions as f64 * CYCLE_POSITION_DAY_NS),
        &["cycles.positions", "cycles.days", "cycles.paths"],
    );
    terms.estimate()
}

/// A cycles response sweep: [`cycles`] once per value.
pub fn cycles_response(config: &CyclesConfig, values: usize) -> Estimate {
    let mut terms = Terms::default();
    let one = cycles(config);
    terms.add(
        values as f64 * one.seconds * 1e9,
        &["cycles.response.values"],
    );
    let mut estimate = terms.estimate();
    estimate.reduce.extend(one.reduce);
    estimate
}

/// A calibration: up to `max_runs` timeline runs of its base scenario, each on a rebuilt
/// population when a fitted parameter changes it.
pub fn calibration(spec: &CalibrationSpec) -> Estimate {
    let runs = f64::from(spec.max_runs);
    let mut terms = Terms::default();
    let rebuilds = spec
        .parameters
        .iter()
        .any(|parameter| parameter.name.changes_population());
    let mut run = run_terms(&spec.base);
    if rebuilds {
        run.0.extend(build_terms(&spec.base).0);
    } else {
        terms.add_repeated(build_terms(&spec.base), 1.0, &[]);
    }
    terms.add_repeated(run, runs, &["max_runs"]);
    let mut estimate = terms.estimate();
    for field in &mut estimate.reduce {
        if field != "max_runs" && !field.starts_with("base") {
            *field = format!("base.{field}");
        }
    }
    estimate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        use crate::error::english_duration as duration;
        assert_eq!(duration(39.2), "40 s");
        assert_eq!(duration(600.0), "10 min");
        assert_eq!(duration(43_200.0), "12 h");
        assert_eq!(duration(864_000.0), "10 days");
    }

    #[test]
    fn the_error_names_the_fields_to_reduce() {
        let estimate = Estimate {
            seconds: 40.0,
            reduce: vec!["run.steps".into(), "positions.generate.count".into()],
        };
        let error = estimate.check(Work::Scenario, 30.0).unwrap_err();
        assert_eq!(error.problems[0].path, "run.steps");
        assert_eq!(
            error.problems[0].message(),
            "this scenario may take up to about 40 s of work, over the budget of 30 s; reduce run.steps or positions.generate.count"
        );
        assert!(estimate.check(Work::Scenario, 40.0).is_ok());
    }
}
