//! The hostile-input corpus (engine/tests/hostile/, docs/reliability.md): every file there gets a
//! clear error naming what is wrong, or runs to a bounded, finite, balanced outcome. Each file
//! has its expectation below, and a file without one fails the test. `cli-args.txt` holds
//! hostile command lines, replayed through the CLI's argument parser.

use std::path::{Path, PathBuf};

use flushlab_engine::market::{PRICE_CEILING_MULTIPLE, PRICE_FLOOR_FRACTION};
use flushlab_engine::{simulate, Scenario};
use serde_json::Value;

/// What a corpus file must give.
enum Expect {
    /// An error whose text contains this (path and message).
    Error(&'static str),
    /// Runs: every reported number finite, the ledger balanced, prices inside the book's bounds.
    Outcome,
    /// An error whose text contains every one of these (the work budget names all the fields
    /// to reduce).
    ErrorNaming(&'static [&'static str]),
}

use Expect::{Error, ErrorNaming, Outcome};

const CASES: &[(&str, Expect)] = &[
    // From issue 12, item by item.
    (
        "issue-01-adl-link.json",
        ErrorNaming(&["run.steps: this scenario may take up to about", "positions.generate.count"]),
    ),
    ("issue-03-top-up-delay-beyond-u32.json", Outcome),
    ("issue-04-book-unknown-array.json", Error("market.book: unknown field `x`, expected `depth_1pct_usd`")),
    (
        "issue-04-book-unknown-before-profile.json",
        Error("market.book: unknown field `x`, expected `depth_1pct_usd` or `exponent`"),
    ),
    ("issue-05-short-squeeze-past-the-asks.json", Outcome),
    ("issue-05-withdrawal-floor-1e-300.json", Error("market.withdrawal_floor: must be in [0.01, 1] (got ")),
    (
        "issue-05-levels-all-zero-notional.json",
        Error("market.book.levels: needs at least one bid below the start price with notional_usd > 0"),
    ),
    ("issue-05-beyond-the-ledger-range.json", Error("positions.list: the positions could gain or lose up to")),
    // Malformed text.
    ("deep-nesting.json", Error("must be a JSON object ({...}), not a list")),
    // serde_json skips a value without recursing: 100,000 levels deep cost nothing.
    ("deep-nesting-skipped-value.json", Error("market.book: unknown field `x`, expected `depth_1pct_usd`")),
    ("huge-number.json", Error("market.price: number out of range")),
    ("nan-string.json", Error("market.price: invalid type: string \"NaN\", expected a number")),
    ("nan-bare.json", Error("market.price: expected a JSON value (NaN and Infinity are not JSON numbers)")),
    ("infinity-bare.json", Error("market.book: expected a JSON value (NaN and Infinity are not JSON numbers)")),
    ("trailing-garbage.json", Error("trailing characters")),
    ("duplicate-field.json", Error("duplicate field `price`")),
    ("unknown-top-level-field.json", Error("unknown field `colour`")),
    ("other-version.json", Error("version: must be 1 (got 3)")),
    // A list where an object goes was read as the object's fields in order.
    ("market-as-list.json", Error("market: must be a JSON object ({...}), not a list")),
    ("bucket-as-list.json", Error("positions.generate.leverage_buckets[0]: must be a JSON object")),
    ("book-as-array.json", Error("market.book: invalid type: sequence, expected internally tagged enum Book")),
    // Values out of range.
    ("giant-count.json", Error("positions.generate.count: must be in [1, 2000000]")),
    ("steps-beyond-u32.json", Error("run.steps: invalid value: integer `4294967296`, expected a whole number up to 4294967295")),
    ("subnormal-entry.json", Error("positions.list[0].entry: must be in [0.000001, 1000000000]")),
    ("empty-book-levels.json", Error("market.book.levels: must hold 1 to 10000 levels (got 0)")),
    ("shock-path-out-of-order.json", Error("shock.path[1].at: must come after the point before it (at 0.6) (got 0.4)")),
    ("shock-path-ends-early.json", Error("shock.path[1].at: the last point ends the ramp: must be at 1 (got 0.9)")),
    ("shock-path-level-past-the-move.json", Error("shock.path[0].level: must be in [-1, 1] (got 1.5)")),
    // Extreme but valid.
    ("extreme-tiny-price-sell-everything.json", Outcome),
    ("extreme-top-price-ramp-up.json", Outcome),
    ("extreme-inverse-tiny-price.json", Outcome),
    ("extreme-every-feature-on-a-ladder.json", Outcome),
    ("extreme-ladder-with-a-vanishing-bid.json", Outcome),
];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

#[test]
fn every_corpus_file_has_an_expectation() {
    let mut files: Vec<String> = std::fs::read_dir(corpus())
        .expect("the corpus folder")
        .map(|entry| {
            entry
                .expect("a corpus file")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".json"))
        .collect();
    files.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(name, _)| name.to_string()).collect();
    listed.sort();
    assert_eq!(files, listed);
}

#[test]
fn every_hostile_scenario_gets_a_clear_error_or_a_finite_balanced_outcome() {
    for (name, expect) in CASES {
        let text = std::fs::read_to_string(corpus().join(name)).expect("a corpus file");
        let parsed = Scenario::from_json(&text);
        match (expect, parsed) {
            (Error(wanted), Err(error)) => {
                let error = error.to_string();
                assert!(
                    error.contains(wanted),
                    "{name}: got {error}\nwanted {wanted}"
                );
            }
            (ErrorNaming(parts), Err(error)) => {
                let error = error.to_string();
                assert!(
                    parts.iter().all(|part| error.contains(part)),
                    "{name}: got {error}\nwanted all of {parts:?}"
                );
            }
            (Outcome, Ok(scenario)) => check_outcome(name, &scenario),
            (Error(wanted), Ok(_)) => panic!("{name}: accepted, wanted an error with {wanted}"),
            (ErrorNaming(parts), Ok(_)) => {
                panic!("{name}: accepted, wanted an error with {parts:?}")
            }
            (Outcome, Err(error)) => panic!("{name}: rejected, wanted an outcome: {error}"),
        }
    }
}

/// Runs the scenario: every number the outcome reports is finite (serde_json writes a non-finite
/// f64 as null), the ledger balances, prices stay between the book's floor and ceiling.
fn check_outcome(name: &str, scenario: &Scenario) {
    let outcome = simulate(scenario).unwrap_or_else(|error| panic!("{name}: {error}"));
    assert!(outcome.ledger.balanced, "{name}: {:?}", outcome.ledger);
    let json = serde_json::to_value(&outcome).expect("the outcome serializes");
    let mut nulls = Vec::new();
    find_nulls(&json, "", &mut nulls);
    nulls.retain(|path| path != ".summary.last_liquidation_step");
    assert!(nulls.is_empty(), "{name}: not finite at {nulls:?}");
    let start = scenario.market.price;
    let (floor, ceiling) = (start * PRICE_FLOOR_FRACTION, start * PRICE_CEILING_MULTIPLE);
    for step in &outcome.steps {
        for price in [step.last, step.mark] {
            assert!((floor..=ceiling).contains(&price), "{name}: price {price}");
        }
    }
}

fn find_nulls(value: &Value, path: &str, nulls: &mut Vec<String>) {
    match value {
        Value::Null => nulls.push(path.to_string()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                find_nulls(item, &format!("{path}[{i}]"), nulls);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                find_nulls(item, &format!("{path}.{key}"), nulls);
            }
        }
        _ => {}
    }
}

#[test]
fn hostile_command_lines_get_a_message() {
    let text = std::fs::read_to_string(corpus().join("cli-args.txt")).expect("cli-args.txt");
    let cases = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty());
    let mut count = 0;
    for line in cases {
        let (args, wanted) = line.split_once(" => ").expect("ARGUMENTS => message");
        let args: Vec<String> = args.split_whitespace().map(String::from).collect();
        let error = flushlab_engine::cli::parse(&args).expect_err(line);
        assert!(error.starts_with(wanted), "{line}\ngot {error}");
        count += 1;
    }
    assert!(count >= 10, "the command-line corpus is read");
}

/// A calibration file's base (which its own schema takes as any JSON) gets the same check: a list
/// where an object goes is refused at its path, not read as the object's fields in order.
#[test]
fn a_calibration_base_with_a_list_for_an_object_is_refused() {
    let text = include_str!("../presets/targets/2024-08-05.json");
    let mut document: Value = serde_json::from_str(text).unwrap();
    let run = document["base"]["run"]
        .as_object()
        .expect("the base's run")
        .values()
        .cloned()
        .collect();
    document["base"]["run"] = Value::Array(run);
    let error = flushlab_engine::analysis::CalibrationSpec::from_json(&document.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("base.run: must be a JSON object ({...}), not a list"),
        "{error}"
    );
    assert!(flushlab_engine::analysis::CalibrationSpec::from_json(text).is_ok());
}
