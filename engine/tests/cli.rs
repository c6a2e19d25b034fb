//! The CLI as a user runs it: JSON out, errors with field paths, exit codes 0 / 2.

use std::io::Write;
use std::process::{Command, Stdio};

fn flushlab(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flushlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command refused at its arguments exits without reading stdin: the pipe may close
    // under the write, which is no failure of the test.
    if let Err(error) = child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "{error}");
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn preset_then_simulate_prints_a_balanced_outcome() {
    let (code, scenario, _) = flushlab(&["preset", "calm-market"], "");
    assert_eq!(code, 0);
    let (code, outcome, _) = flushlab(&["simulate", "-"], &scenario);
    assert_eq!(code, 0);
    let outcome: serde_json::Value = serde_json::from_str(&outcome).unwrap();
    assert_eq!(outcome["ledger"]["balanced"], true);
    assert!(outcome["summary"]["max_drawdown_pct"].as_f64().unwrap() >= 3.0);
}

/// A preset file (the repository's, with its title and story) is read as its scenario or system,
/// as the page's import reads it: it was refused at its `name`.
#[test]
fn a_preset_file_is_read_as_what_it_holds() {
    for file in [
        include_str!("../presets/thin-book.json"),
        include_str!("../presets/systems/two-venues-one-asset.json"),
    ] {
        let (code, stdout, stderr) = flushlab(&["validate", "-"], file);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains("\"valid\": true"), "{stdout}");
    }
    let misspelt = include_str!("../presets/thin-book.json").replacen("\"price\"", "\"prise\"", 1);
    let (code, _, stderr) = flushlab(&["validate", "-"], &misspelt);
    assert_eq!(code, 2);
    assert!(stderr.contains("prise"), "{stderr}");
}

#[test]
fn invalid_input_lists_every_problem_with_its_path_and_exits_2() {
    let bad = r#"{"version": 1, "market": {"price": 100, "book": {"profile": "linear", "depth_1pct_usd": 1e6}},
        "positions": {"list": [
            {"side": "long", "notional_usd": 1000, "entry": 100, "leverage": 10},
            {"side": "long", "notional_usd": 1000, "entry": 100, "leverage": 10},
            {"side": "long", "notional_usd": 1000, "entry": 100, "leverage": 10},
            {"side": "long", "notional_usd": 1000, "entry": 100, "leverage": 0.5}]},
        "shock": {"kind": "instant", "pct": -500}}"#;
    let (code, stdout, stderr) = flushlab(&["validate", "-"], bad);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("positions.list[3].leverage: must be in (1, 1000]"),
        "{stderr}"
    );
    assert!(stderr.contains("shock.pct: must be in"), "{stderr}");
}

#[test]
fn unknown_fields_and_malformed_json_are_input_errors() {
    let (code, _, stderr) = flushlab(&["validate", "-"], r#"{"version": 1, "colour": "red"}"#);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown field `colour`"), "{stderr}");
    let (code, _, _) = flushlab(&["simulate", "-"], "{not json");
    assert_eq!(code, 2);
    let (code, _, stderr) = flushlab(&["frobnicate"], "");
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown command"));
}

#[test]
fn analyses_and_schema_print_json() {
    let (_, scenario, _) = flushlab(&["preset", "thin-book"], "");
    for args in [
        vec!["sweep", "-", "-1", "-20", "8"],
        vec!["grid", "-", "shock_pct:-20:-1:4", "depth_usd:1e7:5e7:3"],
        vec!["counterfactual", "-"],
    ] {
        let (code, stdout, stderr) = flushlab(&args, &scenario);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        serde_json::from_str::<serde_json::Value>(&stdout).unwrap();
    }
    let (code, schema, _) = flushlab(&["schema"], "");
    assert_eq!(code, 0);
    assert!(schema.contains("depth_1pct_usd"));
    let (code, list, _) = flushlab(&["presets"], "");
    assert_eq!(code, 0);
    assert!(list.contains("short-squeeze"));
}

#[test]
fn an_endless_stdin_is_refused_at_the_input_limit() {
    // `yes | flushlab validate -`: the CLI stops reading one byte past the limit.
    let mut child = Command::new(env!("CARGO_BIN_EXE_flushlab"))
        .args(["validate", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = "y\n".repeat(32 * 1024);
        // Until the CLI stops reading (a broken pipe), or well past the limit.
        for _ in 0..(300 * 1024 * 1024 / chunk.len()) {
            if stdin.write_all(chunk.as_bytes()).is_err() {
                break;
            }
        }
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("stdin: input is more than 268435456 bytes; the limit is 268435456"),
        "{stderr}"
    );
}

#[test]
fn a_sweep_beyond_the_shock_range_is_refused_before_any_work() {
    // Arguments are checked before the input is read: nothing is sent.
    let (code, stdout, stderr) = flushlab(&["sweep", "-", "-1e308", "1e308", "10"], "");
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("FROM '-1e308': a sweep's shocks must be in [-100, 1000] percent"),
        "{stderr}"
    );
}

#[test]
fn work_over_the_budget_is_invalid_input_and_exits_2() {
    // The share link from issue 12: each field in range, hours of work together.
    let crafted = r#"{"version":1,"market":{"price":100,"book":{"profile":"linear","depth_1pct_usd":1e9}},"positions":{"generate":{"count":2000000,"open_interest_usd":1e9,"leverage_buckets":[{"min":10,"max":20,"weight":1}]}},"venue":{"adl":"pro_rata","max_liquidation_usd_per_step":1},"shock":{"kind":"instant","pct":-50},"run":{"steps":100000}}"#;
    for command in ["simulate", "validate", "sweep", "counterfactual"] {
        let (code, stdout, stderr) = flushlab(&[command, "-"], crafted);
        assert_eq!(code, 2, "{command}: {stderr}");
        assert!(stdout.is_empty());
        assert!(
            stderr.starts_with("run.steps: this scenario may take up to about"),
            "{command}: {stderr}"
        );
        assert!(stderr.contains("positions.generate.count"), "{stderr}");
    }
}

#[test]
fn the_same_crowd_on_every_venue_profile_and_on_one() {
    let (code, scenario, _) = flushlab(&["preset", "over-levered-longs"], "");
    assert_eq!(code, 0);
    let (code, venues, _) = flushlab(&["venues"], "");
    assert_eq!(code, 0);
    let venues: serde_json::Value = serde_json::from_str(&venues).unwrap();
    let ids: Vec<&str> = venues
        .as_array()
        .unwrap()
        .iter()
        .map(|venue| venue["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["binance", "hyperliquid", "bybit", "okx", "dydx"]);
    let (code, rows, err) = flushlab(&["compare-venues", "-"], &scenario);
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&rows).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), ids.len());
    // Each row is that venue's own run: simulate --venue gives the same trough.
    for row in rows {
        let id = row["venue"].as_str().unwrap();
        let (code, outcome, err) = flushlab(&["simulate", "-", "--venue", id], &scenario);
        assert_eq!(code, 0, "{id}: {err}");
        let outcome: serde_json::Value = serde_json::from_str(&outcome).unwrap();
        assert_eq!(outcome["ledger"]["balanced"], true, "{id}");
        assert_eq!(
            outcome["summary"]["max_drawdown_pct"], row["max_drawdown_pct"],
            "{id}"
        );
    }
    // The rules differ, and so do the flushes.
    let troughs: Vec<f64> = rows
        .iter()
        .map(|row| row["max_drawdown_pct"].as_f64().unwrap())
        .collect();
    assert!(
        troughs.iter().any(|trough| *trough != troughs[0]),
        "{troughs:?}"
    );
    let (code, _, err) = flushlab(&["simulate", "-", "--venue", "nasdaq"], &scenario);
    assert_eq!(code, 2);
    assert!(err.contains("no venue profile 'nasdaq'"), "{err}");
    // A preset printed on a profile is the scenario simulate --venue runs: the same outcome.
    let (code, on_okx, err) = flushlab(&["preset", "over-levered-longs", "--venue", "okx"], "");
    assert_eq!(code, 0, "{err}");
    assert!(on_okx.contains("\"fee_in_trigger\": true"), "{on_okx}");
    let (_, printed, _) = flushlab(&["simulate", "-"], &on_okx);
    let (_, applied, _) = flushlab(&["simulate", "-", "--venue", "okx"], &scenario);
    assert_eq!(printed, applied);
    let (code, _, err) = flushlab(&["preset", "two-venues-one-asset", "--venue", "okx"], "");
    assert_eq!(code, 2);
    assert!(err.contains("is a system of markets"), "{err}");
}

#[test]
fn options_compares_a_call_with_a_perpetual_at_its_leverage() {
    let (code, out, err) = flushlab(&["options"], "");
    assert_eq!(code, 0, "{err}");
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let leverage = value["leverage"].as_f64().unwrap();
    assert!(leverage > 1.0);
    let liquidation = value["perp_liquidation_move_pct"].as_f64().unwrap();
    assert!((liquidation - (0.005 - 1.0 / leverage) / 0.995 * 100.0).abs() < 1e-9);
    // A spec from stdin: a deep in-the-money call levers about price over intrinsic value.
    let spec = r#"{"strike_pct": 50, "implied_vol_pct": 20, "days_to_expiry": 30, "days_held": 0}"#;
    let (code, out, err) = flushlab(&["options", "-"], spec);
    assert_eq!(code, 0, "{err}");
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!((value["leverage"].as_f64().unwrap() - 2.0).abs() < 1e-3);
    // A holding longer than the option's life is refused, naming the field.
    let spec =
        r#"{"strike_pct": 105, "implied_vol_pct": 60, "days_to_expiry": 30, "days_held": 40}"#;
    let (code, _, err) = flushlab(&["options", "-"], spec);
    assert_eq!(code, 2);
    assert!(err.contains("days_held"), "{err}");
}

#[test]
fn a_system_preset_simulates_validates_and_attributes_its_contagion() {
    let (code, list, _) = flushlab(&["presets"], "");
    assert_eq!(code, 0);
    assert!(list.contains("\"name\":\"two-venues-one-asset\"") && list.contains("\"version\":2"));
    let (code, system, _) = flushlab(&["preset", "two-venues-one-asset"], "");
    assert_eq!(code, 0);
    let (code, valid, stderr) = flushlab(&["validate", "-"], &system);
    assert_eq!(code, 0, "{stderr}");
    assert!(valid.contains("\"markets\": 2"), "{valid}");
    let (code, outcome, _) = flushlab(&["simulate", "-"], &system);
    assert_eq!(code, 0);
    let outcome: serde_json::Value = serde_json::from_str(&outcome).unwrap();
    assert_eq!(outcome["total"]["balanced"], true);
    assert_eq!(outcome["markets"][1]["id"], "venue-b");
    let (code, table, stderr) = flushlab(&["contagion", "-"], &system);
    assert_eq!(code, 0, "{stderr}");
    let table: serde_json::Value = serde_json::from_str(&table).unwrap();
    assert_eq!(table["runs"], 3);
    let other = &table["markets"][1];
    assert_eq!(other["alone"]["liquidated_usd"], 0.0);
    assert!(other["from_links_usd"].as_f64().unwrap() > 0.0);
    // A version 1 scenario is a one-market system for contagion too; --venue is version 1's.
    let (_, calm, _) = flushlab(&["preset", "calm-market"], "");
    let (code, _, _) = flushlab(&["contagion", "-"], &calm);
    assert_eq!(code, 0);
    let (code, _, stderr) = flushlab(&["simulate", "-", "--venue", "dydx"], &system);
    assert_eq!(code, 2);
    assert!(stderr.contains("version 1"), "{stderr}");
    let bad = system.replacen("\"venue-b\"\n", "\"venue-c\"\n", 1);
    let (code, _, stderr) = flushlab(&["simulate", "-"], &bad);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("links[0].arbitrage.markets[1]: no market has the id 'venue-c'"),
        "{stderr}"
    );
    // A sweep of the common shock runs the whole system at each size: the venue the shock
    // never touches falls further the larger the other's sale.
    let (code, sweep, stderr) = flushlab(&["sweep", "-", "-0.5", "-3", "3"], &system);
    assert_eq!(code, 0, "{stderr}");
    let sweep: serde_json::Value = serde_json::from_str(&sweep).unwrap();
    let troughs: Vec<f64> = sweep["markets"][1]["trough_pct"]
        .as_array()
        .unwrap()
        .iter()
        .map(|value| value.as_f64().unwrap())
        .collect();
    assert_eq!(troughs.len(), 3);
    assert!(troughs[0] < troughs[2] && troughs[2] > 1.0, "{troughs:?}");
    // Each market's peak beside its trough (a squeeze's move), one per shock.
    let peaks = sweep["markets"][1]["peak_pct"].as_array().unwrap();
    assert_eq!(peaks.len(), 3);
    assert!(
        peaks.iter().all(|peak| peak.as_f64().unwrap() >= 0.0),
        "{peaks:?}"
    );
    let (code, schema, _) = flushlab(&["schema", "system"], "");
    assert_eq!(code, 0);
    assert!(schema.contains("capital_usd_per_step") && schema.contains("liquidation_bonus"));
}

#[test]
fn a_grid_of_a_system_runs_it_in_every_cell_and_names_markets_by_id() {
    let (_, system, _) = flushlab(&["preset", "two-venues-one-asset"], "");
    let (code, grid, stderr) = flushlab(
        &[
            "grid",
            "-",
            "shock_pct:-1:-5:3",
            "depth_usd@venue-b:5e7:3e8:2",
        ],
        &system,
    );
    assert_eq!(code, 0, "{stderr}");
    let grid: serde_json::Value = serde_json::from_str(&grid).unwrap();
    assert_eq!(grid["y"]["market"], "venue-b");
    let b = &grid["markets"][1];
    assert_eq!(b["id"], "venue-b");
    // The venue the sale never hits falls further on its thinner book, at every shock.
    for x in 0..3 {
        let thin = b["drawdown_pct"][0][x].as_f64().unwrap();
        let deep = b["drawdown_pct"][1][x].as_f64().unwrap();
        assert!(thin > deep, "shock {x}: {thin} against {deep}");
    }
    // A market on a version 1 scenario, or an unknown one, is refused with the axis's path.
    let (_, calm, _) = flushlab(&["preset", "calm-market"], "");
    let (code, _, stderr) = flushlab(
        &[
            "grid",
            "-",
            "shock_pct:-1:-5:3",
            "depth_usd@venue-b:5e7:3e8:2",
        ],
        &calm,
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("grid.y.market"), "{stderr}");
    let (code, _, stderr) = flushlab(
        &["grid", "-", "shock_pct:-1:-5:3", "depth_usd@okx:5e7:3e8:2"],
        &system,
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("grid.y.market: no market has the id 'okx'"),
        "{stderr}"
    );
}

#[test]
fn a_system_calibration_fits_one_venues_depth_to_its_trough() {
    let (_, system, _) = flushlab(&["preset", "two-venues-one-asset"], "");
    let spec = format!(
        r#"{{"base": {system}, "max_runs": 60, "restarts": 0,
            "parameters": [{{"name": "depth_usd", "market": "venue-b", "min": 5e7, "max": 4e8}}],
            "targets": [{{"figure": "trough_drawdown_pct", "market": "venue-b", "value": 4.5}},
                        {{"figure": "liquidated_usd", "value": 1e9, "mark": "predicted"}}]}}"#
    );
    let (code, fit, stderr) = flushlab(&["calibrate", "-"], &spec);
    assert_eq!(code, 0, "{stderr}");
    let fit: serde_json::Value = serde_json::from_str(&fit).unwrap();
    assert_eq!(fit["system"]["version"], 2);
    assert_eq!(fit["parameters"][0]["market"], "venue-b");
    let error = fit["targets"][0]["relative_error"].as_f64().unwrap();
    assert!(error.abs() < 0.05, "{fit}");
    // A figure that is not a sum needs its market.
    let unnamed = spec.replace(r#""market": "venue-b", "value": 4.5"#, r#""value": 4.5"#);
    let (code, _, stderr) = flushlab(&["calibrate", "-"], &unnamed);
    assert_eq!(code, 2);
    assert!(stderr.contains("targets[0].market"), "{stderr}");
    let (code, schema, _) = flushlab(&["schema", "calibrate-system"], "");
    assert_eq!(code, 0);
    assert!(schema.contains("\"market\""), "{schema}");
}

/// A system file cut short (or with NaN in it) is said as a system's problem, not as a version 1
/// scenario's "unknown field `markets`"; another version names both formats.
#[test]
fn a_broken_system_is_read_as_a_system_and_another_version_is_said() {
    let (_, system, _) = flushlab(&["preset", "two-venues-one-asset"], "");
    let cut = &system[..system.len() / 2];
    for broken in [cut.to_string(), system.replacen("0.", "NaN, \"x\": 0.", 1)] {
        let (code, stdout, stderr) = flushlab(&["validate", "-"], &broken);
        assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
        assert!(!stderr.contains("unknown field `markets`"), "{stderr}");
    }
    let (_, _, stderr) = flushlab(&["validate", "-"], cut);
    assert!(stderr.contains("cut short"), "{stderr}");
    let (code, _, stderr) = flushlab(&["validate", "-"], r#"{"version": 3}"#);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("must be 1 (a scenario of one market) or 2"),
        "{stderr}"
    );
}

/// A market whose beta takes the common shock out of range says so with the beta, and a sweep
/// of shocks it would take out of range is refused at those shocks (it printed the price floor).
#[test]
fn a_shock_a_beta_takes_out_of_range_is_refused_where_it_is() {
    let (_, system, _) = flushlab(&["preset", "btc-2025-10-10-venues"], "");
    let (code, _, stderr) = flushlab(&["sweep", "-", "-40", "-50", "3"], &system);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("sweep.shocks_pct[2]: 2 times the common shock gives this market a shock that must be in [-95, 500] (got -100) (markets[2].shock_beta)"),
        "{stderr}"
    );
    assert!(!stderr.contains("shocks_pct[1]"), "{stderr}");
    // The default range stops short of them, and says where.
    let (code, sweep, stderr) = flushlab(&["sweep", "-"], &system);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("the default shocks stop at -47.5%"),
        "{stderr}"
    );
    let sweep: serde_json::Value = serde_json::from_str(&sweep).unwrap();
    assert_eq!(sweep["shocks_pct"].as_array().unwrap().len(), 95);
}

/// `--venue=ID` as `--venue ID`; one profile over the budget is named.
#[test]
fn compare_venues_names_the_profile_it_could_not_run() {
    let (_, calm, _) = flushlab(&["preset", "calm-market"], "");
    let heavy = calm.replacen("\"count\": 50000", "\"count\": 2000000", 1);
    assert_ne!(heavy, calm);
    let (code, _, stderr) = flushlab(&["compare-venues", "-"], &heavy);
    assert_eq!(code, 2);
    assert!(stderr.starts_with("on "), "{stderr}");
    let (a, b) = (
        flushlab(&["simulate", "-", "--venue=okx"], &calm),
        flushlab(&["simulate", "-", "--venue", "okx"], &calm),
    );
    assert_eq!((a.0, &a.1), (0, &b.1));
}

/// A file saved with a byte-order mark (as Windows editors save UTF-8) is read as its JSON.
#[test]
fn a_byte_order_mark_is_not_the_files_content() {
    let (_, calm, _) = flushlab(&["preset", "calm-market"], "");
    let (code, stdout, stderr) = flushlab(&["validate", "-"], &format!("\u{feff}{calm}"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\"valid\": true"), "{stdout}");
}
