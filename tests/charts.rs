//! State -> chart data: the figures say what the outcome says, for every preset; the page's
//! cached engine gives exactly the outcome of a fresh run.
#![cfg(target_arch = "wasm32")]

use flushlab::analyses::{CurveView, CyclesView, PhaseAxis, PhaseMap};
use flushlab::charts::{self, Snapshot};
use flushlab::session::Session;
use flushlab::state::Theme;
use flushlab_engine::presets;
use flushlab_engine::scenario::Positions;
use serde_json::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn figure(plot: &plotly::Plot) -> Value {
    serde_json::from_str(&plot.to_json()).unwrap()
}

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

#[wasm_bindgen_test]
fn every_chart_draws_what_the_outcome_says() {
    let mut session = Session::new();
    for preset in presets::all() {
        let scenario = &preset.scenario;
        let outcome = session.simulate(scenario);
        let mut curve = CurveView::plan(scenario);
        for _ in 0..3 {
            curve.step(&mut session);
        }
        let phase = PhaseMap::default();
        let cycles = CyclesView::default();
        let snapshot = Snapshot {
            scenario,
            outcome: &outcome,
            curve: &curve,
            phase: &phase,
            cycles: &cycles,
            venues: &Default::default(),
            markets: &Default::default(),
            markets_cursor: None,
            cursor: Some(3),
            theme: Theme::Light,
            options: &Default::default(),
        };
        let name = &preset.name;

        let price = figure(&charts::price::plot(&snapshot));
        let last = numbers(&price["data"][0]["y"]);
        assert_eq!(
            last.len(),
            outcome.steps.len() + 1,
            "{name}: one point per step plus the start"
        );
        let trough = last.iter().copied().fold(f64::INFINITY, f64::min);
        assert_eq!(
            trough, outcome.summary.min_price,
            "{name}: the chart's trough is the summary's"
        );
        let scale = charts::TimeScale::of_run(scenario);
        let shapes = price["layout"]["shapes"].as_array().unwrap();
        assert!(
            shapes
                .iter()
                .any(|s| s["x0"].as_f64() == Some(scale.at(outcome.steps[3].t_s))),
            "{name}: the playback cursor is drawn"
        );
        // The time axis reads in the run's unit: a flush of hours in hours, of minutes in
        // minutes, the illustrative ones (minutes at most) in seconds.
        let times = numbers(&price["data"][0]["x"]);
        let hours = f64::from(scenario.run.steps) * scenario.run.step_s / 3600.0;
        let (expected_end, unit) = match hours {
            h if h > 3.0 => (h, "h"),
            h if h > 600.0 / 3600.0 => (h * 60.0, "min"),
            h => (h * 3600.0, "s"),
        };
        // Counted from the time of day the run starts at, when it names one.
        let title = match &scenario.run.start_utc {
            Some(clock) => format!("time ({unit} from {clock} UTC)"),
            None => format!("time ({unit})"),
        };
        assert!(
            (times[times.len() - 1] - expected_end).abs() < 1e-9 * expected_end,
            "{name}: the run ends at {expected_end} {title}"
        );
        assert_eq!(price["layout"]["xaxis"]["title"]["text"], title, "{name}");
        if name == "bitmex-2020-03-12" {
            assert_eq!(
                title, "time (h from 10:00 UTC)",
                "sixteen hours read in hours, from the record's 10:00"
            );
        }

        let liquidations = figure(&charts::liquidations::plot(&snapshot));
        let longs: f64 = numbers(&liquidations["data"][0]["y"]).iter().sum();
        let expected = outcome.summary.liquidated_notional_usd_long;
        assert!(
            (longs - expected).abs() <= 1e-6 * expected.max(1.0),
            "{name}: {longs} vs {expected}"
        );

        let map = figure(&charts::map::plot(&snapshot));
        assert_eq!(
            map["data"].as_array().unwrap().len(),
            outcome.liquidation_map.buckets.len(),
            "{name}: one trace per bucket"
        );

        let oi = figure(&charts::oi::plot(&snapshot));
        let before: f64 = numbers(&oi["data"][0]["y"]).iter().sum::<f64>()
            + numbers(&oi["data"][2]["y"]).iter().sum::<f64>();
        let total: f64 = outcome
            .open_interest
            .long_before_usd
            .iter()
            .chain(&outcome.open_interest.short_before_usd)
            .sum();
        assert!(
            (before - total).abs() <= 1e-6 * total,
            "{name}: open interest before"
        );
        // The solid bars follow the playback cursor (step 3), then show the end without it.
        let open_at_cursor: f64 = numbers(&oi["data"][1]["y"]).iter().sum::<f64>()
            + numbers(&oi["data"][3]["y"]).iter().sum::<f64>();
        let expected = outcome.steps[3].open_interest_usd;
        assert!(
            (open_at_cursor - expected).abs() <= 1e-6 * expected.max(1.0),
            "{name}: open interest at the cursor, {open_at_cursor} vs {expected}"
        );
        let label = format!("longs at {}", scale.label(outcome.steps[3].t_s));
        assert_eq!(oi["data"][1]["name"], label.as_str(), "{name}");
        let at_end = figure(&charts::oi::plot(&Snapshot {
            cursor: None,
            ..snapshot
        }));
        let drawn = numbers(&at_end["data"][1]["y"]);
        let after = &outcome.open_interest.long_after_usd;
        assert_eq!(drawn.len(), after.len(), "{name}: one bar per bucket");
        for (drawn, after) in drawn.iter().zip(after) {
            assert!(
                (drawn - after).abs() <= 1e-9 * after.max(1.0),
                "{name}: after the flush, {drawn} vs {after}"
            );
        }

        let amplification = figure(&charts::amplification::plot(&snapshot));
        // The leveraged line starts from the run with no shock.
        assert_eq!(
            numbers(&amplification["data"][0]["x"]).len(),
            curve.points.len() + usize::from(curve.no_shock.is_some())
        );
        let marker = numbers(&amplification["data"][2]["x"]);
        assert_eq!(
            marker,
            vec![outcome.summary.shock_pct.abs()],
            "{name}: the current shock is highlighted"
        );

        let fund = figure(&charts::fund::plot(&snapshot));
        let fund_end = *numbers(&fund["data"][0]["y"]).last().unwrap();
        assert!(
            (fund_end - outcome.summary.insurance_fund_end_usd).abs()
                <= 1e-6 * fund_end.abs().max(1.0),
            "{name}: fund"
        );
    }
}

#[wasm_bindgen_test]
fn the_cached_engine_matches_a_fresh_run_after_rescaling() {
    let mut session = Session::new();
    let mut scenario = presets::default_scenario();
    let _ = session.simulate(&scenario);
    if let Positions::Generate(population) = &mut scenario.positions {
        population.leverage_buckets[4].weight *= 3.0;
        population.long_share = 0.6;
        population.open_interest_usd *= 1.5;
    }
    assert_eq!(
        session.simulate(&scenario),
        flushlab_engine::simulate(&scenario).unwrap()
    );
    scenario.shock.pct = -9.0;
    assert_eq!(
        session.simulate(&scenario),
        flushlab_engine::simulate(&scenario).unwrap()
    );
}

#[wasm_bindgen_test]
fn the_phase_map_fills_row_by_row_and_brightens_with_leverage() {
    let scenario = presets::default_scenario();
    let mut map = PhaseMap::plan(&scenario, PhaseAxis::MeanLeverage, -4.0);
    let (_, total) = map.progress();
    let mut rows = 0;
    while map.step() {
        rows += 1;
        assert_eq!(map.progress().0, rows);
    }
    assert!(map.is_done() && map.problem.is_none());
    assert_eq!(map.rows.len(), total);
    let at_5pct = |row: &Vec<f64>| row[4];
    assert!(
        at_5pct(&map.rows[total - 1]) >= at_5pct(&map.rows[0]),
        "more leverage, larger move"
    );
}

#[wasm_bindgen_test]
fn the_qq_plot_of_normal_draws_is_on_the_diagonal() {
    let mut draws = flushlab_engine::positions::Draws::new(5, 1);
    let sample: Vec<f64> = (0..20_000).map(|_| draws.normal()).collect();
    let (normal, quantiles) = charts::cycles::qq_points(&sample, 50);
    // The body on the diagonal; the tails' own points (the sample's most extreme draws, whose
    // spread from sample to sample is wider) near it.
    for (x, y) in normal.iter().zip(&quantiles) {
        let within = if x.abs() <= 2.5 { 0.12 } else { 0.6 };
        assert!((x - y).abs() < within, "{x} vs {y}");
    }
    assert!(normal.iter().any(|x| *x < -3.5) && normal.iter().any(|x| *x > 3.5));
}

#[wasm_bindgen_test]
fn the_amplification_curve_passes_through_this_run() {
    let mut session = Session::new();
    // The curve samples whole percents; the default's fitted shock is moved to the nearest one.
    let mut scenario = presets::default_scenario();
    scenario.shock.pct = scenario.shock.pct.round();
    let outcome = session.simulate(&scenario);
    let mut curve = CurveView::plan(&scenario);
    while curve.step(&mut session) {}
    // 40 shocks and the run with no shock.
    assert_eq!(curve.progress(), (41, 41));
    assert!(curve.no_shock.is_some());
    let here = curve
        .points
        .iter()
        .find(|point| point.shock_pct == scenario.shock.pct)
        .expect("the preset's shock is one of the curve's sizes");
    assert_eq!(
        here.move_pct, -outcome.summary.max_drawdown_pct,
        "the curve's point is this run"
    );
    for (levered, unlevered) in curve.points.iter().zip(&curve.counterfactual) {
        assert!(
            levered.move_pct <= unlevered.move_pct + 1e-9,
            "leverage never makes a fall smaller ({} vs {} at {}%)",
            levered.move_pct,
            unlevered.move_pct,
            levered.shock_pct
        );
    }
}

mod held_ranges {
    use flushlab::analyses::{CurveView, CyclesView, PhaseMap};
    use flushlab::charts::held;
    use flushlab::charts::{self, Snapshot};
    use flushlab::session::Session;
    use flushlab::state::Theme;
    use wasm_bindgen_test::*;

    /// A chart's figure for a scenario, with no analyses and no playback cursor.
    fn plain_figure(
        scenario: &flushlab_engine::Scenario,
        outcome: &flushlab_engine::Outcome,
        draw: charts::Build,
        name: &str,
    ) -> serde_json::Value {
        let (curve, phase, cycles) = (
            CurveView::default(),
            PhaseMap::default(),
            CyclesView::default(),
        );
        let snapshot = Snapshot {
            scenario,
            outcome,
            curve: &curve,
            phase: &phase,
            cycles: &cycles,
            venues: &Default::default(),
            markets: &Default::default(),
            markets_cursor: None,
            cursor: None,
            theme: Theme::Light,
            options: &Default::default(),
        };
        charts::figure_value(&draw(&snapshot), name)
    }

    #[wasm_bindgen_test]
    fn the_line_and_area_charts_can_be_moved_during_a_drag() {
        let scenario = flushlab_engine::presets::default_scenario();
        let outcome = Session::new().simulate(&scenario);
        for entry in charts::FLUSH_CHARTS
            .iter()
            .filter(|entry| ["price", "liquidations", "map", "fund"].contains(&entry.name))
        {
            let figure = plain_figure(&scenario, &outcome, entry.draw, entry.name);
            assert!(
                held::needed(&figure).is_some(),
                "{}: {}",
                entry.name,
                figure["data"][0]
            );
        }
    }

    #[wasm_bindgen_test]
    fn a_shock_drag_keeps_the_price_chart_animatable() {
        let mut session = Session::new();
        let mut scenario = flushlab_engine::presets::default_scenario();
        let mut figures = Vec::new();
        for pct in [-4.0, -9.0] {
            scenario.shock.pct = pct;
            let outcome = session.simulate(&scenario);
            figures.push((
                plain_figure(&scenario, &outcome, charts::price::plot, "price"),
                outcome.summary.min_price,
            ));
        }
        let (first, _) = &figures[0];
        let (second, trough) = &figures[1];
        assert_eq!(held::structure(first), held::structure(second));
        let needed = held::needed(second).unwrap();
        assert!(
            needed.y[0] <= *trough,
            "the needed range shows the deeper trough"
        );
        let held = held::hold(first, held::needed(first).unwrap());
        let grown = held.ranges.grown_to(&needed, None);
        assert!(grown.contain(&needed));
        assert!(
            held::animation(&held, second).is_some(),
            "only data, the shock line and its label change"
        );
    }
}
