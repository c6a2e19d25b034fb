//! The work budget: crafted inputs whose fields are each in range but whose product is hours of
//! work are rejected at validation, naming the fields to reduce; every preset, the README's
//! examples and the largest realistic populations stay well inside it.

use std::time::Instant;

use flushlab_engine::analysis::calibrate::CalibrationSpec;
use flushlab_engine::analysis::cycles::CyclesConfig;
use flushlab_engine::analysis::grid::{grid, Axis, Parameter};
use flushlab_engine::budget::{self, ANALYSIS_BUDGET_S, RUN_BUDGET_S};
use flushlab_engine::scenario::{Adl, Positions};
use flushlab_engine::{presets, Scenario};

/// The share link from issue 12, verbatim: 2M positions, 100,000 steps, a 1 USD throughput cap
/// and pro-rata ADL, so every step sends a bankrupt sliver to ADL against a million winners.
const CRAFTED_LINK: &str = r#"{"version":1,"market":{"price":100,"book":{"profile":"linear","depth_1pct_usd":1e9}},"positions":{"generate":{"count":2000000,"open_interest_usd":1e9,"leverage_buckets":[{"min":10,"max":20,"weight":1}]}},"venue":{"adl":"pro_rata","max_liquidation_usd_per_step":1},"shock":{"kind":"instant","pct":-50},"run":{"steps":100000}}"#;

fn preset(name: &str) -> Scenario {
    presets::find(name)
        .unwrap_or_else(|| panic!("preset {name}"))
        .scenario
}

#[test]
fn the_crafted_share_link_is_rejected_at_validation_naming_the_fields_to_reduce() {
    let started = Instant::now();
    let error = Scenario::from_json(CRAFTED_LINK).unwrap_err();
    assert!(started.elapsed().as_secs_f64() < 1.0);
    assert_eq!(error.problems.len(), 1, "{error}");
    let problem = &error.problems[0];
    assert_eq!(problem.path, "run.steps", "{error}");
    for field in [
        "run.steps",
        "positions.generate.count",
        "venue.adl",
        "venue.max_liquidation_usd_per_step",
    ] {
        assert!(problem.message().contains(field), "{field}: {error}");
    }
    assert!(
        problem
            .message()
            .starts_with("this scenario may take up to about "),
        "{error}"
    );
}

#[test]
fn every_preset_fits_the_budget_with_room_to_spare() {
    for preset in presets::all() {
        let estimate = budget::run(&preset.scenario);
        assert!(
            estimate.seconds < RUN_BUDGET_S / 10.0,
            "{}: {estimate:?}",
            preset.name
        );
        let sweep = budget::sweep(&preset.scenario, 10_000);
        assert!(sweep.seconds < RUN_BUDGET_S, "{}: {sweep:?}", preset.name);
    }
}

#[test]
fn the_default_preset_at_the_largest_population_still_runs() {
    let mut scenario = presets::default_scenario();
    assert_eq!(scenario.venue.adl, Adl::Queue);
    let Positions::Generate(population) = &mut scenario.positions else {
        panic!("generated");
    };
    population.count = flushlab_engine::scenario::MAX_POSITIONS;
    scenario.validate().unwrap();
    // The same with the longest run is hours of ADL scans at worst: rejected.
    scenario.run.steps = flushlab_engine::scenario::MAX_STEPS;
    let error = scenario.validate().unwrap_err();
    assert!(error.to_string().contains("reduce run.steps"), "{error}");
}

#[test]
fn the_readme_grid_fits_and_a_rebuild_per_cell_of_two_million_positions_does_not() {
    let scenario = preset("btc-2025-10-10");
    let x = Axis::linspace(Parameter::ShockPct, -20.0, -1.0, 32);
    let y = Axis::linspace(Parameter::MeanLeverage, 2.0, 50.0, 32);
    assert!(budget::grid(&scenario, &x, &y).seconds < ANALYSIS_BUDGET_S / 10.0);

    let mut big = preset("over-levered-longs");
    let Positions::Generate(population) = &mut big.positions else {
        panic!("generated");
    };
    population.count = flushlab_engine::scenario::MAX_POSITIONS;
    let x = Axis::linspace(Parameter::MaintenanceMargin, 0.002, 0.02, 512);
    let y = Axis::linspace(Parameter::MeanLeverage, 2.0, 50.0, 512);
    let started = Instant::now();
    let error = grid(&big, &x, &y).unwrap_err();
    assert!(started.elapsed().as_secs_f64() < 5.0);
    let message = error.to_string();
    assert!(
        message.contains("this grid may take up to about"),
        "{message}"
    );
    for field in ["grid.x.values", "grid.y.values", "positions.generate.count"] {
        assert!(message.contains(field), "{field}: {message}");
    }
}

#[test]
fn cycles_count_positions_too() {
    assert!(CyclesConfig::default().validate().is_ok());
    let config = CyclesConfig {
        paths: 2_000,
        days: 1_000,
        positions: 100_000,
        ..CyclesConfig::default()
    };
    let error = config.validate().unwrap_err();
    assert_eq!(error.problems[0].path, "cycles.positions", "{error}");
    assert!(error.to_string().contains("cycles.days"), "{error}");
}

#[test]
fn the_committed_calibrations_fit_and_a_longer_one_is_rejected() {
    let targets = ["2020-03-12", "2021-05-19", "2024-08-05", "2025-10-10"];
    for name in targets {
        let path = format!("{}/presets/targets/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let spec = CalibrationSpec::from_json(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let estimate = budget::calibration(&spec);
        assert!(estimate.seconds < ANALYSIS_BUDGET_S, "{name}: {estimate:?}");
    }
    let path = format!(
        "{}/presets/targets/2025-10-10.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut spec = CalibrationSpec::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    spec.base.run.steps = 5_000;
    let error = spec.validate().unwrap_err();
    assert!(error.to_string().contains("max_runs"), "{error}");
    assert!(error.to_string().contains("base.run.steps"), "{error}");
}

#[test]
fn an_amplification_curve_costs_two_runs_a_point() {
    let scenario = preset("over-levered-longs");
    let one = budget::run(&scenario).seconds;
    let curve = budget::amplification_curve(&scenario, 40).seconds;
    assert!(
        (curve - 80.0 * one).abs() <= 1e-9 * curve,
        "{curve} vs {one}"
    );
}
