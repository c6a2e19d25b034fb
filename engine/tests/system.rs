//! Systems of markets (format version 2): a version 1 scenario is a one-market system that runs
//! bit for bit as before; cut links leave every market as it runs alone; arbitrage without
//! limits makes two books one; money closes per market and in total.

mod common;

use flushlab_engine::presets;
use flushlab_engine::system::{simulate_system, Link, System, SystemOutcome};
use flushlab_engine::{outcome_json, simulate};
use proptest::prelude::*;

/// Two venues of one asset: `a` with a crowded long population, `b` with a smaller one; the
/// shock is a market sell on `a` only; one arbitrage link.
fn two_venues(capital: Option<f64>, threshold_pct: f64, latency: u32) -> System {
    let capital = capital.map_or("null".to_string(), |c| c.to_string());
    let json = format!(
        r#"{{"version": 2, "seed": 5,
          "markets": [
            {{"id": "a", "asset": "BTC", "market": {market},
              "positions": {{"generate": {population_a}}},
              "venue": {venue}}},
            {{"id": "b", "asset": "BTC", "shock_beta": 0, "market": {market},
              "positions": {{"generate": {population_b}}},
              "venue": {venue}}}],
          "links": [{{"arbitrage": {{"markets": ["a", "b"], "threshold_pct": {threshold_pct},
                      "capital_usd_per_step": {capital}, "latency_steps": {latency}}}}}],
          "shock": {{"kind": "sell", "notional_usd": 30000000}},
          "run": {{"steps": 300}}}}"#,
        market = MARKET,
        population_a = population(4000, 0.4e9, 0.75),
        population_b = population(3000, 0.25e9, 0.6),
        venue = VENUE,
    );
    System::from_json(&json).unwrap_or_else(|error| panic!("{error}\n{json}"))
}

const MARKET: &str = r#"{"price": 100.0, "book": {"profile": "linear", "depth_1pct_usd": 20000000},
    "resilience_half_life_s": 60, "mark_smoothing_s": 0}"#;
const VENUE: &str = r#"{"maintenance_margin": 0.005, "liquidation_fee": 0.005,
    "insurance_fund_usd": 5000000}"#;

fn population(count: usize, open_interest_usd: f64, long_share: f64) -> String {
    format!(
        r#"{{"count": {count}, "open_interest_usd": {open_interest_usd}, "long_share": {long_share},
            "leverage_buckets": [{{"min": 2, "max": 5, "weight": 1}}, {{"min": 5, "max": 20, "weight": 2}},
                                 {{"min": 20, "max": 100, "weight": 1}}],
            "entry_spread_pct": 2.0, "size_dispersion": 0.5}}"#
    )
}

fn trough(outcome: &SystemOutcome, i: usize) -> f64 {
    outcome.markets[i].outcome.summary.max_drawdown_pct
}

#[test]
fn every_version_1_preset_runs_as_a_one_market_system_bit_for_bit() {
    for preset in presets::all() {
        let alone = outcome_json(&simulate(&preset.scenario).unwrap());
        let text = preset.scenario.to_json();
        let system = System::from_json(&text).unwrap();
        assert_eq!(system.markets.len(), 1);
        let outcome = simulate_system(&system).unwrap();
        assert_eq!(
            outcome_json(&outcome.markets[0].outcome),
            alone,
            "{}",
            preset.name
        );
        assert!(outcome.total.unwrap().balanced, "{}", preset.name);
    }
}

#[test]
fn links_cut_leave_every_market_as_it_runs_alone() {
    for latency in [0, 3] {
        let system = two_venues(Some(1e6), 0.1, latency).all_cut();
        let outcome = simulate_system(&system).unwrap();
        for (i, market) in outcome.markets.iter().enumerate() {
            let alone = simulate(&system.market_scenario(i)).unwrap();
            assert_eq!(
                outcome_json(&market.outcome),
                outcome_json(&alone),
                "market {i}"
            );
        }
        assert!(outcome.arbitrage.iter().all(|report| report.cut));
    }
}

#[test]
fn a_shock_on_one_venue_reaches_the_other_only_through_the_link() {
    let linked = simulate_system(&two_venues(None, 0.1, 1)).unwrap();
    let alone = simulate_system(&two_venues(None, 0.1, 1).all_cut()).unwrap();
    assert_eq!(trough(&alone, 1), 0.0, "b is not shocked itself");
    assert!(
        trough(&linked, 1) > 1.0,
        "b falls with a: {}",
        trough(&linked, 1)
    );
    assert!(
        trough(&linked, 0) < trough(&alone, 0),
        "a shares its fall: {} linked, {} alone",
        trough(&linked, 0),
        trough(&alone, 0)
    );
    let report = &linked.arbitrage[0];
    assert!(report.bought_coins[0] > 0.0 && report.sold_coins[1] > 0.0);
    assert_eq!(report.bought_coins[0], report.sold_coins[1]);
    assert_eq!(report.inventory_coins[0], -report.inventory_coins[1]);
}

/// Two identical venues, the shock on one, arbitrage with no threshold, no latency and no limit,
/// against one venue with both books' depth and both populations: within 10% of its trough.
/// Half the capital the unlimited arbitrage used at its busiest lies in between.
#[test]
fn unlimited_arbitrage_makes_two_venues_one_and_half_of_it_lies_between() {
    let identical = |capital: Option<f64>| {
        let mut system = two_venues(capital, 0.0, 0);
        system.markets[1].positions = system.markets[0].positions.clone();
        system
    };
    let unlimited = simulate_system(&identical(None)).unwrap();
    let cut = simulate_system(&identical(None).all_cut()).unwrap();
    let merged = {
        let mut scenario = identical(None).market_scenario(0);
        scenario.market.book =
            serde_json::from_str(r#"{"profile": "linear", "depth_1pct_usd": 40000000}"#).unwrap();
        let flushlab_engine::scenario::Positions::Generate(population) = &mut scenario.positions
        else {
            unreachable!()
        };
        population.count *= 2;
        population.open_interest_usd *= 2.0;
        simulate(&scenario).unwrap()
    };
    let one = merged.summary.max_drawdown_pct;
    let (a, b) = (trough(&unlimited, 0), trough(&unlimited, 1));
    for two in [a, b] {
        assert!(
            (two - one).abs() <= 0.10 * one,
            "two venues {a:.3}% / {b:.3}% against one venue {one:.3}%"
        );
    }
    let busiest = unlimited.arbitrage[0]
        .by_step_usd
        .iter()
        .fold(0.0f64, |most, usd| most.max(usd.abs()));
    // In between, up to 1% of the range's ends (the cascade is not exactly monotone in the
    // capital: a step's arbitrage can tip a bucket over a step earlier or later).
    let half = simulate_system(&identical(Some(busiest / 2.0))).unwrap();
    let between = |low: f64, value: f64, high: f64| low * 0.99 <= value && value <= high * 1.01;
    let (low, high) = (trough(&unlimited, 0), trough(&cut, 0));
    assert!(
        between(low, trough(&half, 0), high),
        "shocked venue: {low} <= {} <= {high}",
        trough(&half, 0)
    );
    let (low, high) = (trough(&cut, 1), trough(&unlimited, 1));
    assert!(
        between(low, trough(&half, 1), high),
        "other venue: {low} <= {} <= {high}",
        trough(&half, 1)
    );
}

#[test]
fn index_marks_carry_a_wick_to_the_other_venue_and_soften_it_where_it_happened() {
    // With a smoothed basis, a venue whose mark follows the index of both venues marks the
    // shocked venue above its own last price in the wick's step, and the other venue (its book
    // untouched: no arbitrage capital) below its own. Without the shared index, the other
    // venue's mark stays at its price.
    let smoothed = |index_marks: bool| {
        let mut system = two_venues(Some(0.0), 0.1, 0);
        for market in &mut system.markets {
            market.market.mark_smoothing_s = 5.0;
        }
        let Link::Arbitrage(link) = &mut system.links[0];
        link.index_marks = index_marks;
        simulate_system(&system).unwrap()
    };
    let shared = smoothed(true);
    let own = smoothed(false);
    let first = |outcome: &SystemOutcome, i: usize| outcome.markets[i].outcome.steps[0].clone();
    let (a, b) = (first(&shared, 0), first(&shared, 1));
    assert!(
        a.mark > a.last,
        "shocked venue: mark {} above last {}",
        a.mark,
        a.last
    );
    assert!(
        b.mark < 100.0,
        "other venue: mark {} below its untouched price",
        b.mark
    );
    assert_eq!(first(&own, 1).mark, 100.0);
    // Marked down with nothing sold in its own book, the other venue liquidates its nearest
    // longs at once; marked to its own price, it does not.
    assert!(b.liquidated_long_usd > 0.0 && first(&own, 1).liquidated_long_usd == 0.0);
}

#[test]
fn bad_systems_are_refused_with_field_paths() {
    let good = two_venues(None, 0.1, 0).to_json();
    let problems = |text: &str| -> Vec<String> {
        System::from_json(text)
            .unwrap_err()
            .problems
            .iter()
            .map(|problem| problem.to_string())
            .collect()
    };
    let unknown = good.replacen("\"b\"\n", "\"c\"\n", 1);
    let said = problems(&unknown);
    assert!(
        said.iter()
            .any(|line| line.starts_with("links[0].arbitrage.markets[1]: no market")),
        "{said:?}"
    );
    let twice = good.replace("\"id\": \"b\"", "\"id\": \"a\"");
    let said = problems(&twice);
    assert!(
        said.iter()
            .any(|line| line.starts_with("markets[1].id: 'a' is named twice")),
        "{said:?}"
    );
    let eth = good.replacen("\"asset\": \"BTC\"", "\"asset\": \"ETH\"", 1);
    let said = problems(&eth);
    assert!(
        said.iter()
            .any(|line| line.contains("one asset (got ETH and BTC)")),
        "{said:?}"
    );
    let bad_depth = good.replacen(
        "\"depth_1pct_usd\": 20000000.0",
        "\"depth_1pct_usd\": -1.0",
        1,
    );
    let said = problems(&bad_depth);
    assert!(
        said.iter()
            .any(|line| line.starts_with("markets[0].market.book.depth_1pct_usd:")),
        "{said:?}"
    );
    let beta = good.replacen("\"shock_beta\": 0.0", "\"shock_beta\": 99.0", 1);
    assert!(problems(&beta)
        .iter()
        .any(|line| line.starts_with("markets[1].shock_beta:")));
    let version = good.replacen("\"version\": 2", "\"version\": 3", 1);
    assert!(problems(&version)
        .iter()
        .any(|line| line.starts_with("version:")));
    let none = r#"{"version": 2, "markets": [], "shock": {"kind": "instant", "pct": -1}}"#;
    assert!(problems(none)
        .iter()
        .any(|line| line.starts_with("markets: must hold 1 to 8")));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Money closes exactly in every market and in total, and the arbitrageurs' books close: what
    /// they bought in one market they sold in the other, and their profit is received - paid +
    /// inventory at the final marks.
    #[test]
    fn money_closes_per_market_and_in_total(
        notional in 5e6..8e7f64,
        beta in -0.5..1.0f64,
        capital in prop::option::of(1e5..5e7f64),
        threshold in 0.0..0.5f64,
        latency in 0u32..4,
        index_marks in any::<bool>(),
        smoothing in 0.0..10.0f64,
    ) {
        let mut system = two_venues(capital, threshold, latency);
        system.shock.notional_usd = notional;
        system.markets[1].shock_beta = beta;
        for market in &mut system.markets {
            market.market.mark_smoothing_s = smoothing;
        }
        let Link::Arbitrage(link) = &mut system.links[0];
        link.index_marks = index_marks;
        let outcome = simulate_system(&system).unwrap();
        for market in &outcome.markets {
            prop_assert!(market.outcome.ledger.balanced, "{}: {:?}", market.id, market.outcome.ledger);
        }
        let total = outcome.total.as_ref().unwrap();
        prop_assert!(total.balanced, "{total:?}");
        let report = &outcome.arbitrage[0];
        let bought: f64 = report.bought_coins.iter().sum();
        let sold: f64 = report.sold_coins.iter().sum();
        prop_assert!((bought - sold).abs() <= 1e-9 * bought.max(1.0));
        let marks = [0, 1].map(|i| outcome.markets[i].outcome.summary.final_mark);
        let value = report.inventory_coins[0] * marks[0] + report.inventory_coins[1] * marks[1];
        let pnl: f64 = report.pnl_usd.to_string().parse().unwrap();
        let received: f64 = report.received_usd.to_string().parse().unwrap();
        let paid: f64 = report.paid_usd.to_string().parse().unwrap();
        prop_assert!((pnl - (received - paid + value)).abs() <= 1e-6 * paid.max(1.0));
        prop_assert!(report.by_step_usd.len() == system.run.steps as usize);
    }
}
