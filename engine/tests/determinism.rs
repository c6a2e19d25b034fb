//! The same scenario gives byte-identical outcome JSON everywhere: these hashes are committed, and
//! the browser suite (tests/app.rs at the repo root) checks the same file in wasm32.
//! After an intended model change: `FLUSHLAB_BLESS=1 cargo test -p flushlab-engine --test determinism`.

use flushlab_engine::{outcome_json, presets, simulate};
use sha2::{Digest, Sha256};

const HASHES: &str = include_str!("preset-hashes.txt");

fn hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[test]
fn preset_outcomes_match_the_committed_hashes() {
    let lines: Vec<String> = presets::outcomes()
        .iter()
        .map(|(name, json)| format!("{name} {}", hash(json)))
        .collect();
    let actual = lines.join("\n") + "\n";
    if std::env::var_os("FLUSHLAB_BLESS").is_some() {
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/preset-hashes.txt"),
            &actual,
        )
        .unwrap();
        return;
    }
    assert_eq!(
        actual, HASHES,
        "outcomes changed; bless them if the change is intended"
    );
}

/// A table reused across runs (as the app does while the shock is dragged) is prepared for reruns
/// after the first (cached closing units and open-position sums), and recomputes its start state
/// when rescaled (a leverage-bar drag): every run must still give the committed bytes of a fresh
/// one.
#[test]
fn reused_and_rescaled_tables_give_the_same_outcomes_as_fresh_ones() {
    use flushlab_engine::positions::PositionTable;
    use flushlab_engine::scenario::Positions;
    use flushlab_engine::solve::timeline;
    for preset in presets::all() {
        let scenario = &preset.scenario;
        let fresh = outcome_json(&simulate(scenario).unwrap());
        let mut table = PositionTable::build(scenario);
        for run in 0..3 {
            if run > 0 {
                // As the app's session says before a shock drag's second run.
                table.prepare_reruns();
            }
            let reused = outcome_json(&timeline::run(scenario, &table));
            assert_eq!(
                reused, fresh,
                "{}: run {run} on a reused table",
                preset.name
            );
        }
        // The batched whole closes (64-bit columns) were in use: every preset fits them.
        let warm = table.start().warm().expect("prepared for reruns");
        assert!(
            warm.closing_units.small().is_some()
                && table.start().collateral.small().is_some()
                && table.entry_fixed.small().is_some(),
            "{}: whole closes batched",
            preset.name
        );
        let Positions::Generate(population) = &scenario.positions else {
            continue;
        };
        let mut heavier = population.clone();
        heavier.leverage_buckets[0].weight += 1.0;
        let mut varied = scenario.clone();
        varied.positions = Positions::Generate(heavier.clone());
        if !table.rescale(&heavier) {
            continue;
        }
        let expected = outcome_json(&simulate(&varied).unwrap());
        for run in 0..2 {
            let rescaled = outcome_json(&timeline::run(&varied, &table));
            assert_same_but_open_interest_rounding(
                &rescaled,
                &expected,
                &format!("{}: run {run} after a rescale", preset.name),
            );
        }
        assert!(table.rescale(population));
        assert_eq!(
            outcome_json(&timeline::run(scenario, &table)),
            fresh,
            "{}: scaled back",
            preset.name
        );
    }
}

/// A shock drag reruns one table at shocks that change different positions (top-ups, partial
/// fills, auto-deleveraging, stop-losses), and each run reuses the buffers of the last run's changed positions
/// without clearing them: every run must equal a fresh run at its shock.
#[test]
fn a_shock_drag_across_the_range_gives_fresh_outcomes_on_one_table() {
    use flushlab_engine::positions::PositionTable;
    use flushlab_engine::solve::timeline;
    for preset in presets::all() {
        // Each preset as it is, then with a third of its crowd holding stop-losses 3% away
        // (their firing order comes from the table's order by entry, kept across runs).
        let mut stopped = preset.scenario.clone();
        stopped.traders.stop_losses = Some(flushlab_engine::scenario::StopLosses {
            share: 0.3,
            distance_pct: 3.0,
        });
        for scenario in [&preset.scenario, &stopped] {
            let table = PositionTable::build(scenario);
            table.prepare_reruns();
            for pct in [-30.0, 20.0, -8.0, -30.0] {
                let mut shocked = scenario.clone();
                shocked.shock.resize(&scenario.market, pct);
                assert_eq!(
                    outcome_json(&timeline::run(&shocked, &table)),
                    outcome_json(&simulate(&shocked).unwrap()),
                    "{} at {pct}% on a table a drag reran (stops: {})",
                    preset.name,
                    scenario.traders.stop_losses.is_some()
                );
            }
        }
    }
}

/// A build-up's end state is saved on the table and the next run with the same market, venue and
/// build-up rules starts from it (a shock drag): every run equals a fresh run of its scenario,
/// whatever ran on the table before it, and a change of any of those rules runs the build-up
/// again.
#[test]
fn runs_after_a_saved_build_up_equal_fresh_runs() {
    use flushlab_engine::positions::PositionTable;
    use flushlab_engine::solve::timeline;
    let mut seen = 0;
    for preset in presets::all() {
        let scenario = &preset.scenario;
        if scenario.build_up.is_none() {
            continue;
        }
        seen += 1;
        let resized = |pct: f64| {
            let mut shocked = scenario.clone();
            shocked.shock.resize(&scenario.market, pct);
            shocked
        };
        let mut poorer = resized(-6.0);
        poorer.venue.insurance_fund_usd *= 0.5;
        let mut longer = resized(-6.0);
        if let Some(rules) = longer.build_up.as_mut() {
            rules.hours *= 2.0;
        }
        let mut deeper = resized(-6.0);
        deeper.market.resilience_half_life_s = Some(5.0);
        let variants = [
            resized(-3.0),
            resized(-8.0),
            scenario.clone(),
            poorer,
            resized(4.0),
            longer,
            resized(-6.0),
            deeper,
            resized(-12.0),
        ];
        let table = PositionTable::build(scenario);
        for round in 0..2 {
            for (k, variant) in variants.iter().enumerate() {
                if (round, k) == (0, 2) {
                    // As the app's session does after a first run: a state saved before the
                    // table was warm is resumed on a warm one.
                    table.prepare_reruns();
                }
                assert_eq!(
                    outcome_json(&timeline::run(variant, &table)),
                    outcome_json(&simulate(variant).unwrap()),
                    "{}: variant {k}, round {round}",
                    preset.name
                );
            }
        }
    }
    assert!(seen > 0, "a preset with a build-up");
}

/// Byte-identical, except that a rescaled table's float open interest may differ from a fresh
/// table's in the last bits (within a micro-dollar). The cause, found in issue #11: a position's
/// liquidation price is computed from its scale-dependent size and collateral, so the same
/// position gets a trigger one ulp apart at another scale; where a group holds positions with
/// the same entry and leverage (the inverse BitMEX preset: 1,464 of them), a fresh build sorts
/// these ties in another order than the table it rescales from, and the running open-interest
/// sums then add the same sizes in another order. Exact equality needs scale-free liquidation
/// prices, which moves every preset's hash: a model change, left for its own commit. Every
/// other number must match exactly.
fn assert_same_but_open_interest_rounding(actual: &str, expected: &str, context: &str) {
    if actual == expected {
        return;
    }
    fn walk(a: &serde_json::Value, b: &serde_json::Value, path: &str, context: &str) {
        use serde_json::Value;
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                assert_eq!(x.len(), y.len(), "{context}: {path}");
                for (key, value) in x {
                    walk(value, &y[key], &format!("{path}.{key}"), context);
                }
            }
            (Value::Array(x), Value::Array(y)) => {
                assert_eq!(x.len(), y.len(), "{context}: {path}");
                for (i, (p, q)) in x.iter().zip(y).enumerate() {
                    walk(p, q, &format!("{path}[{i}]"), context);
                }
            }
            (Value::Number(x), Value::Number(y)) if path.contains("open_interest") => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                assert!(
                    (x - y).abs() <= 1e-6 + 1e-12 * x.abs().max(y.abs()),
                    "{context}: {path} {x} vs {y}"
                );
            }
            _ => assert_eq!(a, b, "{context}: {path}"),
        }
    }
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(actual).unwrap(),
        serde_json::from_str(expected).unwrap(),
    );
    walk(&a, &b, "", context);
}

/// A population with amounts beyond 64-bit fixed point (a few positions holding 10 trillion USD)
/// keeps its columns in 128 bits and settles one by one: reused and rescaled tables must still give
/// a fresh table's bytes.
#[test]
fn huge_positions_take_the_128_bit_paths_with_the_same_outcomes() {
    use flushlab_engine::positions::PositionTable;
    use flushlab_engine::scenario::Positions;
    use flushlab_engine::solve::timeline;
    let mut scenario = presets::default_scenario();
    let Positions::Generate(population) = &mut scenario.positions else {
        panic!("the default preset generates its population");
    };
    population.count = 20;
    population.open_interest_usd = 1e13;
    let heavier = {
        let mut heavier = population.clone();
        heavier.leverage_buckets[0].weight += 1.0;
        heavier
    };
    let fresh = outcome_json(&simulate(&scenario).unwrap());
    let mut table = PositionTable::build(&scenario);
    for run in 0..3 {
        assert_eq!(
            outcome_json(&timeline::run(&scenario, &table)),
            fresh,
            "run {run}"
        );
    }
    assert!(
        table.start().collateral.small().is_none(),
        "collateral beyond 2^62 units is held in 128 bits"
    );
    let mut varied = scenario.clone();
    varied.positions = Positions::Generate(heavier.clone());
    assert!(table.rescale(&heavier));
    assert_eq!(
        outcome_json(&timeline::run(&varied, &table)),
        outcome_json(&simulate(&varied).unwrap()),
        "after a rescale"
    );
}

/// Dragging one bucket's bar in the app sets that bucket's amount and keeps the others' (weights
/// in millions of USD, open interest their sum): the other groups keep their scale, so a rescale
/// recomputes only the dragged bucket's two groups, and the outcome is still a fresh table's.
#[test]
fn a_rescale_recomputes_only_the_groups_whose_scale_changed() {
    use flushlab_engine::positions::PositionTable;
    use flushlab_engine::scenario::{Population, Positions};
    use flushlab_engine::solve::timeline;
    let scenario = presets::default_scenario();
    let Positions::Generate(population) = &scenario.positions else {
        panic!("the default preset generates its population");
    };
    let with_amounts = |amounts: &[f64]| {
        let mut edited: Population = population.clone();
        edited.set_bucket_open_interest(amounts);
        let mut varied = scenario.clone();
        varied.positions = Positions::Generate(edited.clone());
        (edited, varied)
    };
    let mut amounts = [129e6, 258e6, 387e6, 516e6, 387e6, 258e6, 64.5e6];
    let (first, first_scenario) = with_amounts(&amounts);
    let mut table = PositionTable::build(&first_scenario);
    for _ in 0..2 {
        timeline::run(&first_scenario, &table);
    }
    assert!(table.rescale(&first));
    for (k, amount) in [412e6, 436e6, 401e6].into_iter().enumerate() {
        amounts[4] = amount;
        let (edited, varied) = with_amounts(&amounts);
        assert!(table.rescale(&edited));
        assert_eq!(
            table.start().groups_computed,
            2,
            "drag {k}: one bucket's two groups"
        );
        assert_eq!(
            outcome_json(&timeline::run(&varied, &table)),
            outcome_json(&simulate(&varied).unwrap()),
            "drag {k}"
        );
    }
}

/// Under a venue's tiers a position's size decides its cap, its entry and its liquidation price,
/// so a rescale opens a dragged bucket's members again at their new sizes and sorts the group
/// again: the table must be the one a fresh build gives at those scales, column for column, and
/// so must every outcome (with auto-deleveraging and stop-losses reading the table's orders).
#[test]
fn a_rescale_under_tiers_gives_a_fresh_builds_table_and_outcomes() {
    use flushlab_engine::positions::PositionTable;
    use flushlab_engine::scenario::profiles::venue_profile;
    use flushlab_engine::scenario::{Positions, StopLosses};
    use flushlab_engine::solve::timeline;
    let columns = |table: &PositionTable| {
        (
            table.groups.clone(),
            table.entry.clone(),
            table.leverage.clone(),
            table.unit_size.clone(),
            table.liquidation_price.clone(),
            table.behaviour_draw.clone(),
            table.unit_coins.clone(),
            table.unit_coins_before.clone(),
            table.unit_size_before.clone(),
            (0..table.len())
                .map(|i| table.entry_fixed.get(i))
                .collect::<Vec<_>>(),
        )
    };
    for (preset, venue) in [
        ("over-levered-longs", "okx"),
        ("fund-drained-adl", "binance"),
        ("inverse-traders-adjust", "binance"),
        ("short-squeeze", "hyperliquid"),
    ] {
        let mut scenario = presets::find(preset).unwrap().scenario;
        venue_profile(venue).unwrap().apply(&mut scenario);
        scenario.traders.stop_losses = Some(StopLosses {
            share: 0.3,
            distance_pct: 3.0,
        });
        let Positions::Generate(population) = scenario.positions.clone() else {
            panic!("{preset} generates its population");
        };
        let mut table = PositionTable::build(&scenario);
        table.prepare_reruns();
        timeline::run(&scenario, &table);
        let amounts = population.bucket_open_interest();
        // Small steps as a drag makes, then a bucket twenty times larger (its members cross
        // tiers) and back to where it started.
        for (k, factor) in [1.02, 1.05, 20.0, 0.5, 1.0].into_iter().enumerate() {
            let mut edited = population.clone();
            let mut dragged = amounts.clone();
            dragged[3] *= factor;
            edited.set_bucket_open_interest(&dragged);
            let mut varied = scenario.clone();
            varied.positions = Positions::Generate(edited.clone());
            assert!(table.rescale(&edited), "{preset} on {venue}: rescaled");
            let fresh = PositionTable::build(&varied);
            assert!(
                columns(&table) == columns(&fresh),
                "{preset} on {venue}, drag {k}: the table differs from a fresh build"
            );
            assert_eq!(
                outcome_json(&timeline::run(&varied, &table)),
                outcome_json(&simulate(&varied).unwrap()),
                "{preset} on {venue}, drag {k}"
            );
        }
    }
}
