//! Oracle tests: the engine against closed forms.

mod common;

use flushlab_engine::positions::PositionTable;
use flushlab_engine::solve::{simulate, InstantSolver};
use flushlab_engine::Scenario;

use common::{generated, uniform_band, FORMAT_EXAMPLE};

#[test]
fn the_format_example_parses_and_runs_balanced() {
    let scenario = Scenario::from_json(FORMAT_EXAMPLE).unwrap();
    let outcome = simulate(&scenario).unwrap();
    // 25 coins on 10,000 coins per 1% after a -5% gap: no liquidation (10x long liquidates at -9.55%).
    assert_eq!(outcome.summary.liquidated_count_long, 0);
    assert!((outcome.summary.final_price - 95.0).abs() < 1e-9);
    assert!(outcome.ledger.balanced);
    assert_eq!(outcome.steps.len(), 200);
}

#[test]
fn a_ten_x_long_liquidates_exactly_past_its_price() {
    // Entry 100, 10x, m = 0.5%: liquidation at 90.4523% of entry.
    let at = |pct: f64| {
        let json = FORMAT_EXAMPLE.replace(r#""pct": -5.0"#, &format!(r#""pct": {pct}"#));
        simulate(&Scenario::from_json(&json).unwrap())
            .unwrap()
            .summary
            .liquidated_count_long
    };
    assert_eq!(at(-9.54), 0);
    assert_eq!(at(-9.55), 1);
}

#[test]
fn selling_moves_a_linear_book_by_quantity_over_band_depth() {
    // A market order of 30,000 USD at 100 is 300 coins; 10,000 coins per 1% -> -0.03%.
    let json = FORMAT_EXAMPLE.replace(
        r#""kind": "instant", "pct": -5.0"#,
        r#""kind": "sell", "notional_usd": 30000.0"#,
    );
    let outcome = simulate(&Scenario::from_json(&json).unwrap()).unwrap();
    assert!(
        (outcome.summary.final_price - 99.97).abs() < 1e-9,
        "{}",
        outcome.summary.final_price
    );
}

#[test]
fn power_book_moves_by_the_root_of_quantity() {
    // exponent 2: 40,000 coins = 4 bands' worth of 1% depth moves the price 2%.
    let json = FORMAT_EXAMPLE
        .replace(
            r#""profile": "linear", "depth_1pct_usd": 1000000.0"#,
            r#""profile": "power", "depth_1pct_usd": 1000000.0, "exponent": 2.0"#,
        )
        .replace(
            r#""kind": "instant", "pct": -5.0"#,
            r#""kind": "sell", "notional_usd": 4000000.0"#,
        );
    let outcome = simulate(&Scenario::from_json(&json).unwrap()).unwrap();
    assert!(
        (outcome.summary.final_price - 98.0).abs() < 1e-9,
        "{}",
        outcome.summary.final_price
    );
}

/// Uniform band from `a`% drawdown with density rho (coins per 1%) on a book with impact kappa
/// (% per coin): the cascade stops at x = (s - kappa rho a) / (1 - kappa rho) when kappa rho < 1.
#[test]
fn uniform_band_final_drawdown_matches_the_fire_sale_closed_form() {
    for (kappa_rho, shock) in [(0.5, -5.0), (0.25, -3.0), (0.8, -4.0)] {
        let (first, spacing, depth) = (0.1, 0.01, 1e6);
        let kappa = 100.0 / depth; // % per coin: 10,000 coins per 1%
        let coins = kappa_rho / kappa * spacing;
        let scenario = uniform_band(first, 40.0, spacing, coins, depth, shock);
        let s = -shock;
        let expected = (s - kappa_rho * first) / (1.0 - kappa_rho);
        let outcome = simulate(&scenario).unwrap();
        let drawdown = outcome.summary.max_drawdown_pct;
        // Discreteness: within one position's impact (kappa * coins) of the continuous answer.
        assert!(
            (drawdown - expected).abs() <= kappa * coins * 1.01 + 1e-9,
            "kappa*rho {kappa_rho}: {drawdown} vs {expected}"
        );
        assert!(outcome.ledger.balanced);
    }
}

#[test]
fn uniform_band_past_the_tipping_point_is_flushed_whole() {
    let (first, last, spacing, depth) = (0.1, 20.0, 0.01, 1e6);
    let kappa = 100.0 / depth;
    let coins = 1.2 / kappa * spacing; // kappa * rho = 1.2
    let scenario = uniform_band(first, last, spacing, coins, depth, -2.0);
    let outcome = simulate(&scenario).unwrap();
    let positions = scenario.position_count() as u64;
    assert_eq!(outcome.summary.liquidated_count_long, positions);
    let expected = 2.0 + kappa * coins * positions as f64;
    assert!((outcome.summary.max_drawdown_pct - expected).abs() < 1e-6);
}

#[test]
fn instant_and_timeline_agree_without_time_effects() {
    for shock in [-2.0, -5.0, -8.0, -15.0, 6.0] {
        let scenario = generated(5_000, 2e8, 5e6, shock);
        let table = PositionTable::build(&scenario);
        let instant = InstantSolver::new(&table, &scenario.market).solve(&scenario.shock);
        let outcome = simulate(&scenario).unwrap();
        let timeline = &outcome.summary;
        assert_eq!(
            instant.liquidated_count_long, timeline.liquidated_count_long,
            "shock {shock}"
        );
        assert_eq!(
            instant.liquidated_count_short, timeline.liquidated_count_short,
            "shock {shock}"
        );
        assert!(
            (instant.final_price - timeline.final_price).abs() < 1e-9 * instant.final_price,
            "shock {shock}"
        );
    }
}

#[test]
fn a_ramp_longer_than_the_run_reports_the_part_applied() {
    // -5% over 100 one-second steps, run for 20: the top moved -1%, and that is the shock.
    let ramp = |steps: u32| {
        let json = FORMAT_EXAMPLE
            .replace(
                r#""shock": {"kind": "instant", "pct": -5.0}"#,
                r#""shock": {"kind": "ramp", "pct": -5.0, "duration_s": 100.0}"#,
            )
            .replace(r#""steps": 200"#, &format!(r#""steps": {steps}"#));
        simulate(&Scenario::from_json(&json).unwrap()).unwrap()
    };
    let short = ramp(20);
    assert!(
        (short.summary.shock_pct + 1.0).abs() < 1e-12,
        "{}",
        short.summary.shock_pct
    );
    assert!((short.summary.final_price - 99.0).abs() < 1e-9);
    assert!((short.summary.amplification - 1.0).abs() < 1e-9);
    let whole = ramp(200);
    assert_eq!(whole.summary.shock_pct, -5.0);
    assert!((whole.summary.final_price - 95.0).abs() < 1e-9);
}

#[test]
fn a_ramp_along_a_path_falls_and_turns_back_where_its_points_say() {
    // -8% with a path: the whole move by step 50 of 100, then back to 30% of it. No one is
    // liquidated (the example's 10x long survives -8%), so the price is the exogenous move.
    let json = |steps: u32| {
        FORMAT_EXAMPLE
            .replace(
                r#""shock": {"kind": "instant", "pct": -5.0}"#,
                r#""shock": {"kind": "ramp", "pct": -8.0, "duration_s": 100.0,
                    "path": [{"at": 0.5, "level": 1.0}, {"at": 1.0, "level": 0.3}]}"#,
            )
            .replace(r#""steps": 200"#, &format!(r#""steps": {steps}"#))
    };
    let run = |steps: u32| simulate(&Scenario::from_json(&json(steps)).unwrap()).unwrap();
    let whole = run(200);
    assert_eq!(whole.summary.liquidated_count_long, 0);
    assert!(
        (whole.summary.min_price - 92.0).abs() < 1e-9,
        "{}",
        whole.summary.min_price
    );
    assert!(
        (whole.summary.final_price - 97.6).abs() < 1e-9,
        "{}",
        whole.summary.final_price
    );
    // The shock is the deepest move the path reached, which the rebound does not undo.
    assert_eq!(whole.summary.shock_pct, -8.0);
    let at = |t_s: f64| {
        whole
            .steps
            .iter()
            .find(|step| step.t_s == t_s)
            .map(|step| step.last)
            .unwrap()
    };
    assert!(
        (at(25.0) - 96.0).abs() < 1e-9,
        "half way down: {}",
        at(25.0)
    );
    assert!(
        (at(75.0) - 94.8).abs() < 1e-9,
        "half way back: {}",
        at(75.0)
    );
    // Cut at step 25, halfway down the first leg: -4% seen, and that is the shock.
    let short = run(25);
    assert!(
        (short.summary.shock_pct + 4.0).abs() < 1e-12,
        "{}",
        short.summary.shock_pct
    );
    assert!((short.summary.final_price - 96.0).abs() < 1e-9);
}

/// On OKX's profile a position's table is built with OKX's trigger: 1 BTC long at 60,000 and
/// 20x (tier 1, 0.4%, and the 0.05% fee) at 57,000 / 0.9955; 20 BTC (tier 2, 0.5%, on the
/// whole position) at 1,140,000 / (20 x 0.9945) (docs/venues.md §3).
#[test]
fn an_okx_position_is_liquidated_at_maintenance_plus_its_fee() {
    let okx = flushlab_engine::scenario::profiles::venue_profile("okx").expect("a profile");
    for (coins, hand) in [
        (1.0, 57_000.0 / 0.9955),
        (20.0, 1_140_000.0 / (20.0 * 0.9945)),
    ] {
        let json = format!(
            r#"{{"version": 1, "market": {{"price": 60000.0, "book": {{"profile": "linear", "depth_1pct_usd": 1e9}}}},
                "positions": {{"list": [{{"side": "long", "notional_usd": {}, "entry": 60000, "leverage": 20}}]}},
                "shock": {{"kind": "instant", "pct": -1}}}}"#,
            coins * 60_000.0
        );
        let mut scenario = Scenario::from_json(&json).unwrap();
        okx.apply(&mut scenario);
        let table = PositionTable::build(&scenario);
        let engine = table.liquidation_price[0];
        assert!(
            (engine - hand).abs() < 1e-6,
            "{coins} BTC: {engine} against {hand}"
        );
    }
}

#[test]
fn a_breaker_halts_a_crash_in_the_runs_first_window_once() {
    // A 5% gap at step 0 against a one-minute, 4% breaker: the move is measured from the price
    // before the run, so the venue halts for steps 1-10 (it used to wait until step 60, when a
    // full window of the run's own prices existed, and halt a market long since still); after
    // the halt the move is measured from where it ended, so the same gap does not halt it again.
    let json = FORMAT_EXAMPLE.replace(
        r#""circuit_breaker": null"#,
        r#""circuit_breaker": {"move_pct": 4.0, "window_steps": 60, "halt_steps": 10}"#,
    );
    let outcome = simulate(&Scenario::from_json(&json).unwrap()).unwrap();
    let halted: Vec<usize> = (0..outcome.steps.len())
        .filter(|&k| outcome.steps[k].halted)
        .collect();
    assert_eq!(halted, (1..=10).collect::<Vec<_>>());
    assert_eq!(outcome.summary.halted_steps, 10);
    // A smaller gap (3%) never trips it.
    let small = json.replace(r#""pct": -5.0"#, r#""pct": -3.0"#);
    let outcome = simulate(&Scenario::from_json(&small).unwrap()).unwrap();
    assert_eq!(outcome.summary.halted_steps, 0);
}

#[test]
fn nothing_trades_while_the_venue_is_halted() {
    // The preset whose breaker halts its crash: while halted, the last traded price stands where
    // trading stopped, the book refills beneath it (the mark follows the price trading would
    // reopen at), and trading reopens at the refilled price.
    let preset = flushlab_engine::presets::find("inverse-traders-adjust").unwrap();
    let steps = simulate(&preset.scenario).unwrap().steps;
    let halts: Vec<usize> = (1..steps.len())
        .filter(|&k| steps[k].halted && !steps[k - 1].halted)
        .collect();
    assert!(!halts.is_empty(), "the preset's breaker halts it");
    for start in halts {
        let stopped = steps[start - 1].last;
        let end = (start..steps.len()).find(|&k| !steps[k].halted).unwrap();
        for (k, step) in steps.iter().enumerate().take(end).skip(start) {
            assert_eq!(step.last, stopped, "step {k}: no trade while halted");
        }
        assert_ne!(
            steps[end - 1].mark,
            steps[start].mark,
            "the mark follows the refilling book"
        );
        assert_ne!(
            steps[end].last, stopped,
            "trading reopens where the book has refilled to"
        );
    }
}
