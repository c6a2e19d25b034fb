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
fn a_market_written_back_from_its_scenario_leaves_the_system_as_it_was() {
    for preset in presets::systems() {
        let system = &preset.system;
        for i in 0..system.markets.len() {
            let scenario = system.market_scenario(i);
            assert_eq!(
                &system.with_market_scenario(i, &scenario),
                system,
                "{}",
                preset.name
            );
        }
        // An edit reaches that market only; the shock, seed and run stay the system's.
        let mut scenario = system.market_scenario(0);
        scenario.market.withdrawal = 0.25;
        scenario.shock.pct = -50.0;
        scenario.seed = 99;
        let edited = system.with_market_scenario(0, &scenario);
        assert_eq!(edited.markets[0].market.withdrawal, 0.25);
        assert_eq!(edited.markets[1..], system.markets[1..]);
        assert_eq!((&edited.shock, edited.seed), (&system.shock, system.seed));
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
    // A display name is optional; a blank or overlong one is refused where it is.
    for (name, got) in [("  ", 2), (&"x".repeat(33)[..], 33)] {
        let named = good.replacen(
            "\"id\": \"b\"",
            &format!("\"id\": \"b\", \"name\": \"{name}\""),
            1,
        );
        let said = problems(&named);
        assert!(
            said.iter().any(|line| line
                == &format!(
                    "markets[1].name: must be a name of 1 to 32 characters, not blank (got {got})"
                )),
            "{said:?}"
        );
    }
    let named = good.replacen(
        "\"id\": \"b\"",
        "\"id\": \"b\", \"name\": \"Venue B ünd Co\"",
        1,
    );
    let system = System::from_json(&named).expect("a name of 14 characters");
    assert_eq!(
        (system.markets[1].name(), system.markets[1].label()),
        ("Venue B ünd Co", "Venue B ünd Co".to_string())
    );
    assert_eq!(
        system.markets[0].label(),
        "a · BTC",
        "no name: the id and the asset"
    );
    let outcome =
        |system: &System| serde_json::to_string(&simulate_system(system).unwrap()).unwrap();
    assert_eq!(
        outcome(&system),
        outcome(&System::from_json(&good).unwrap()),
        "a name changes no outcome"
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

/// The lending system's borrowers run hot, as its assumptions say, with the figures they give:
/// a fifth of the loans liquidated by the 5% shock ($344M sold), and with the loans spread from
/// 30% loan-to-value instead, 265 loans, $82M sold and a 4.4% fall of the perpetuals, not 5.7%.
#[test]
fn the_lending_systems_hot_borrowers_give_the_figures_its_assumptions_say() {
    let preset = presets::find_system("lending-meets-perps").expect("the lending system");
    let said = preset.assumptions.join(" ");
    for figure in [
        "a fifth of them ($344M sold)",
        "265 loans and sells $82M",
        "4.4% rather than 5.7%",
    ] {
        assert!(said.contains(figure), "{figure}: {said}");
    }
    let run = |system: &System| {
        let outcome = simulate_system(system).unwrap();
        let pool = &outcome.lending[0];
        let perp = outcome
            .markets
            .iter()
            .find(|m| m.id == "perp")
            .expect("the perpetuals");
        (
            pool.loans_liquidated,
            pool.sold_usd,
            perp.outcome.summary.max_drawdown_pct,
        )
    };
    let (loans, sold, fall) = run(&preset.system);
    assert!((950..=1050).contains(&loans), "{loans}");
    assert!((sold / 1e6 - 344.0).abs() < 0.5, "{sold}");
    assert!((fall - 5.7).abs() < 0.05, "{fall}");

    let mut cooler = preset.system.clone();
    match &mut cooler.lending[0].borrowers {
        flushlab_engine::system::Borrowers::Generate(population) => population.ltv_min = 0.3,
        other => panic!("generated borrowers, not {other:?}"),
    }
    let (loans, sold, fall) = run(&cooler);
    assert_eq!(loans, 265);
    assert!((sold / 1e6 - 82.0).abs() < 0.5, "{sold}");
    assert!((fall - 4.4).abs() < 0.05, "{fall}");
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

/// BTC and ETH, each with a deep linear book and one harmless 2x short, and one cross-margin
/// account long 1 BTC at 60,000 and 10 ETH at 3,000 on `collateral` (maintenance 0.5% on both);
/// the shock moves BTC only.
fn btc_and_eth(shock_pct: f64, collateral: &str, units: f64, btc_coins: f64) -> System {
    btc_and_eth_with_short(shock_pct, collateral, units, btc_coins, 1000.0)
}

/// `btc_and_eth`, the BTC short `btc_short_usd` USD.
fn btc_and_eth_with_short(
    shock_pct: f64,
    collateral: &str,
    units: f64,
    btc_coins: f64,
    btc_short_usd: f64,
) -> System {
    let market = |price: f64, depth: f64| {
        format!(
            r#"{{"price": {price}, "book": {{"profile": "linear", "depth_1pct_usd": {depth}}}}}"#
        )
    };
    let harmless = |price: f64, notional: f64| {
        format!(
            r#"{{"list": [{{"side": "short", "notional_usd": {notional}, "entry": {price}, "leverage": 2}}]}}"#
        )
    };
    let json = format!(
        r#"{{"version": 2,
          "markets": [
            {{"id": "btc", "asset": "BTC", "market": {btc}, "positions": {btc_positions},
              "venue": {{"maintenance_margin": 0.005}}}},
            {{"id": "eth", "asset": "ETH", "shock_beta": 0, "market": {eth}, "positions": {eth_positions},
              "venue": {{"maintenance_margin": 0.005}}}}],
          "accounts": [{{"id": "traders", "collateral": {collateral},
            "accounts": {{"list": [{{"collateral_units": {units}, "legs": [
              {{"market": "btc", "side": "long", "notional_usd": {btc_notional}}},
              {{"market": "eth", "side": "long", "notional_usd": 30000}}]}}]}}}}],
          "shock": {{"kind": "instant", "pct": {shock_pct}}},
          "run": {{"steps": 60}}}}"#,
        btc = market(60_000.0, 6e8),
        eth = market(3_000.0, 3e8),
        btc_positions = harmless(60_000.0, btc_short_usd),
        eth_positions = harmless(3_000.0, 1000.0),
        btc_notional = 60_000.0 * btc_coins,
    );
    System::from_json(&json).unwrap_or_else(|error| panic!("{error}\n{json}"))
}

fn decimal(value: &rust_decimal::Decimal) -> f64 {
    value.to_string().parse().unwrap()
}

/// Equity 1,000 + (P - 60,000) against maintenance 0.005 P + 0.005 * 30,000: the account is
/// liquidated below P = 59,150 / 0.995 = 59,447.24. At -0.9% (59,460) it holds; at -1%
/// (59,400) both legs go to their books in the first step, and the ETH book falls with no ETH
/// shock. Fills on the linear books by hand: selling q coins into c coins per 1% fills on
/// average q / c / 2 percent of the start price below the top: BTC 59,400 - 600 * 0.5e-4 =
/// 59,399.97, ETH 3,000 - 30 * 0.5e-4 = 2,999.9985; the trader gets back
/// 1,000 + (59,399.97 - 60,000) + 10 * (2,999.9985 - 3,000) = 399.955.
#[test]
fn a_loss_on_one_leg_liquidates_the_cross_margin_account_and_sells_its_other_leg() {
    let held = simulate_system(&btc_and_eth(-0.9, r#"{"kind": "usd"}"#, 1000.0, 1.0)).unwrap();
    assert_eq!(held.accounts[0].liquidated_accounts, 0);
    let hit = simulate_system(&btc_and_eth(-1.0, r#"{"kind": "usd"}"#, 1000.0, 1.0)).unwrap();
    let report = &hit.accounts[0];
    assert_eq!(
        (report.liquidated_accounts, report.liquidated_by_leg_loss),
        (1, 1)
    );
    let returned = decimal(&report.ledger.returned_to_traders);
    assert!((returned - 399.955).abs() < 1e-4, "returned {returned}");
    assert!(report.ledger.balanced, "{:?}", report.ledger);
    let (btc, eth) = (&report.markets[0], &report.markets[1]);
    assert!((btc.sold_usd - 59_399.97).abs() < 1e-4 && btc.from_this_market_usd == btc.sold_usd);
    assert!((eth.sold_usd - 29_999.985).abs() < 1e-4 && eth.from_other_markets_usd == eth.sold_usd);
    assert!(eth.by_step_usd[0] > 0.0 && eth.by_step_usd[1..].iter().all(|usd| *usd == 0.0));
    let eth_first = hit.markets[1].outcome.steps[0].last;
    assert!(
        eth_first < 3_000.0,
        "ETH sold off by BTC's loss: {eth_first}"
    );
    assert_eq!(held.markets[1].outcome.steps[0].last, 3_000.0);
}

/// No price moves at all; the collateral token depegs from 1 to 0.65 between 10 s and 45 s
/// (1% a second), with a 10% haircut. Long 2 BTC (maintenance 600) and 10 ETH (150) on 1,000
/// tokens: liquidated once 900 p < 750, p < 0.8333, i.e. after t = 26.67 s: in the step that
/// ends at 27 s (index 26).
#[test]
fn a_depegging_collateral_liquidates_an_account_whose_positions_did_not_lose() {
    let depeg =
        r#"{"kind": "token", "depeg_pct": -35, "start_s": 10, "duration_s": 35, "haircut": 0.1}"#;
    let outcome = simulate_system(&btc_and_eth(0.0, depeg, 1000.0, 2.0)).unwrap();
    let report = &outcome.accounts[0];
    assert_eq!(
        (report.liquidated_accounts, report.liquidated_by_collateral),
        (1, 1)
    );
    let btc = &report.markets[0];
    assert_eq!(btc.by_step_usd[25], 0.0);
    assert!(btc.by_step_usd[26] > 0.0);
    assert!(btc.from_collateral_usd > 0.0 && btc.from_collateral_usd == btc.sold_usd);
    assert!((report.collateral_price[26] - 0.83).abs() < 1e-12);
    assert!(report.ledger.balanced, "{:?}", report.ledger);
    // The collateral lost 170 of its 1,000 by then: the revaluation says so.
    assert!((decimal(&report.ledger.revaluation) + 170.0).abs() < 1e-6);
}

/// BTC and ETH as in `btc_and_eth`, the BTC population a 2x short of 2 BTC at 60,000 (a
/// winner when BTC falls), each venue's insurance fund `fund` USD, and the account (1,000 USD,
/// long 1 BTC and 10 ETH) under the deficit rule `deficits`; BTC falls 5% at once, so the
/// account is 2,000 under water at the marks (1,000 + 57,000 - 60,000).
fn bankrupt_account(fund: f64, deficits: &str) -> System {
    bankrupt_account_with(fund, deficits, 120_000.0)
}

/// `bankrupt_account`, the BTC short `btc_short_usd` USD.
fn bankrupt_account_with(fund: f64, deficits: &str, btc_short_usd: f64) -> System {
    let mut system = btc_and_eth_with_short(-5.0, r#"{"kind": "usd"}"#, 1000.0, 1.0, btc_short_usd);
    for market in &mut system.markets {
        market.venue.insurance_fund_usd = fund;
        market.venue.adl = flushlab_engine::scenario::Adl::Queue;
    }
    system.accounts[0].deficits = serde_json::from_str(&format!("\"{deficits}\"")).unwrap();
    system.validate().unwrap();
    system
}

/// With funds of 10,000 USD the deficit is paid by them in proportion to the legs' notional at
/// the fills. Fills by hand (as above): BTC 57,000 - 600 * 0.5e-4 = 56,999.97, ETH 2,999.9985;
/// equity 1,000 - 3,000.03 - 0.015 = -2,000.045, of which BTC's fund pays 56,999.97 /
/// 86,999.955 of it (1,310.3743) and ETH's the rest (689.6707).
#[test]
fn a_bankrupt_accounts_deficit_is_paid_by_its_markets_funds() {
    let outcome = simulate_system(&bankrupt_account(10_000.0, "fund_then_adl")).unwrap();
    let report = &outcome.accounts[0];
    assert_eq!(
        (report.liquidated_accounts, report.deleveraged_accounts),
        (1, 0)
    );
    assert!((decimal(&report.ledger.covered_by_funds) - 2_000.045).abs() < 1e-3);
    assert_eq!(decimal(&report.ledger.bad_debt), 0.0);
    assert!(report.ledger.balanced, "{:?}", report.ledger);
    let fund_end = |i: usize| outcome.markets[i].outcome.summary.insurance_fund_end_usd;
    assert!(
        (10_000.0 - fund_end(0) - 1_310.374_3).abs() < 1e-3,
        "{}",
        fund_end(0)
    );
    assert!(
        (10_000.0 - fund_end(1) - 689.670_7).abs() < 1e-3,
        "{}",
        fund_end(1)
    );
    for market in &outcome.markets {
        assert!(
            market.outcome.ledger.balanced,
            "{:?}",
            market.outcome.ledger
        );
        assert_eq!(market.outcome.summary.adl_notional_usd, 0.0);
    }
}

/// With no fund the losing BTC leg is auto-deleveraged against the BTC short at the account's
/// bankruptcy price, and the ETH leg (not losing) goes to its book. Equity with ETH at its fill
/// and BTC at the mark: 1,000 - 0.015 - 3,000 = -2,000.015, so BTC's bankruptcy price is
/// 57,000 + 2,000.015 = 59,000.015: the short closes 1 BTC there (ADL 59,000.015 USD, its
/// profit 999.985 instead of 3,000 at the mark) and the account ends at zero.
#[test]
fn with_no_fund_a_bankrupt_accounts_losing_leg_is_deleveraged_at_its_bankruptcy_price() {
    for deficits in ["fund_then_adl", "adl"] {
        let outcome = simulate_system(&bankrupt_account(0.0, deficits)).unwrap();
        let report = &outcome.accounts[0];
        assert_eq!(
            (report.liquidated_accounts, report.deleveraged_accounts),
            (1, 1)
        );
        let (btc, eth) = (&report.markets[0], &report.markets[1]);
        assert!(
            (btc.deleveraged_usd - 59_000.015).abs() < 1e-6,
            "{}",
            btc.deleveraged_usd
        );
        assert_eq!(btc.sold_usd, 0.0);
        assert!((eth.sold_usd - 29_999.985).abs() < 1e-6 && eth.deleveraged_usd == 0.0);
        let btc_market = &outcome.markets[0].outcome;
        assert!((btc_market.summary.adl_notional_usd - 59_000.015).abs() < 1e-6);
        assert!((btc_market.steps[0].adl_usd - 59_000.015).abs() < 1e-6);
        // The book did not take the BTC leg: its price is the shock's alone.
        assert_eq!(btc_market.steps[0].last, 57_000.0);
        let left = decimal(&report.ledger.returned_to_traders) + decimal(&report.ledger.bad_debt);
        assert!(left.abs() < 1e-6, "{:?}", report.ledger);
        assert!(report.ledger.balanced && btc_market.ledger.balanced);
        let winner = decimal(&btc_market.ledger.returned_to_traders);
        // The short's collateral (60,000 at 2x) for the half it closed, plus 999.985.
        assert!((winner - 30_000.0 - 999.985).abs() < 1e-6, "{winner}");
    }
}

/// Hyperliquid's rule deleverages a bankrupt account even with a fund that could pay; with no
/// winner big enough (the short 1,000 USD), the fund pays, and with neither it is bad debt.
#[test]
fn who_pays_a_deficit_follows_the_groups_rule_and_what_is_there() {
    let adl = simulate_system(&bankrupt_account(10_000.0, "adl")).unwrap();
    assert_eq!(adl.accounts[0].deleveraged_accounts, 1);
    assert_eq!(decimal(&adl.accounts[0].ledger.covered_by_funds), 0.0);
    let small_winner =
        |fund: f64| simulate_system(&bankrupt_account_with(fund, "adl", 1000.0)).unwrap();
    let funded = small_winner(10_000.0);
    assert_eq!(funded.accounts[0].deleveraged_accounts, 0);
    assert!((decimal(&funded.accounts[0].ledger.covered_by_funds) - 2_000.045).abs() < 1e-3);
    let neither = small_winner(0.0);
    assert!((decimal(&neither.accounts[0].ledger.bad_debt) - 2_000.045).abs() < 1e-3);
    assert!(neither.accounts[0].ledger.balanced);
}

#[test]
fn accounts_with_unknown_or_coin_margined_markets_are_refused() {
    let good = btc_and_eth(-1.0, r#"{"kind": "usd"}"#, 1000.0, 1.0).to_json();
    let unknown = good.replacen("\"market\": \"eth\"", "\"market\": \"sol\"", 1);
    let said: Vec<String> = System::from_json(&unknown)
        .unwrap_err()
        .problems
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert!(
        said.iter().any(|line| line.starts_with(
            "accounts[0].accounts.list[0].legs[1].market: no market has the id 'sol'"
        )),
        "{said:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Generated cross-margin accounts on two linked venues and a depegging token: the accounts'
    /// ledger closes exactly, as every market's does.
    #[test]
    fn cross_margin_money_closes_exactly(
        notional in 5e6..6e7f64,
        leverage_max in 2.0..60.0f64,
        depeg in -60.0..0.0f64,
        haircut in 0.0..0.3f64,
        count in 1usize..400,
        fund in prop::option::of(0.0..2e6f64),
        hyperliquid in any::<bool>(),
    ) {
        let mut system = two_venues(Some(2e7), 0.1, 1);
        system.shock.notional_usd = notional;
        if let Some(fund) = fund {
            for market in &mut system.markets {
                market.venue.insurance_fund_usd = fund;
            }
        }
        let group = format!(
            r#"{{"id": "g", "collateral": {{"kind": "token", "depeg_pct": {depeg}, "start_s": 5,
                "duration_s": 30, "haircut": {haircut}}},
              "accounts": {{"generate": {{"count": {count}, "leverage_min": 1.5, "leverage_max": {leverage_max},
                "size_dispersion": 1.0,
                "legs": [{{"market": "a", "side": "long", "notional_usd": 2e8}},
                         {{"market": "b", "side": "short", "notional_usd": 5e7}}]}}}},
              "deficits": "{deficits}"}}"#,
            deficits = if hyperliquid { "adl" } else { "fund_then_adl" },
        );
        system.accounts = vec![serde_json::from_str(&group).unwrap()];
        system.validate().unwrap();
        let outcome = simulate_system(&system).unwrap();
        let report = &outcome.accounts[0];
        prop_assert!(report.ledger.balanced, "{:?}", report.ledger);
        for market in &outcome.markets {
            prop_assert!(market.outcome.ledger.balanced);
        }
        let by_cause: f64 = report.markets.iter()
            .map(|m| m.from_this_market_usd + m.from_other_markets_usd + m.from_collateral_usd)
            .sum();
        let traded: f64 = report.markets.iter().map(|m| m.sold_usd + m.bought_usd).sum();
        prop_assert!((by_cause - traded).abs() <= 1e-6 * traded.max(1.0));
    }
}

/// One spot market (price 100, deep book) and a lending protocol with one loan: 10 coins
/// against 700 USD, threshold 0.8, close factor 0.5, bonus 5%. Health factor
/// 10 * P * 0.8 / 700 falls below 1 under P = 87.5; at 85 a liquidator repays 350 and seizes
/// 350 * 1.05 / 85 = 4.3235294 coins, leaving 5.6764706 coins against 350 (health 1.10: no
/// second liquidation), and sells them into the spot book. With a 3-step oracle delay it
/// happens 3 steps later.
fn lending_system(shock_pct: f64, delay: u32) -> System {
    lending_system_with(shock_pct, delay, "")
}

/// [`lending_system`] with more fields of the protocol (`extra`, each followed by a comma).
fn lending_system_with(shock_pct: f64, delay: u32, extra: &str) -> System {
    let json = format!(
        r#"{{"version": 2,
          "markets": [{{"id": "spot", "asset": "BTC",
            "market": {{"price": 100, "book": {{"profile": "linear", "depth_1pct_usd": 1e9}}}},
            "positions": {{"list": [{{"side": "short", "notional_usd": 100, "entry": 100, "leverage": 2}}]}}}}],
          "lending": [{{"id": "pool", "sell_into": "spot", "oracle_delay_steps": {delay}, {extra}
            "liquidation_threshold": 0.8, "close_factor": 0.5, "liquidation_bonus": 0.05,
            "borrowers": {{"list": [{{"collateral_coins": 10, "debt_usd": 700}}]}}}}],
          "shock": {{"kind": "instant", "pct": {shock_pct}}},
          "run": {{"steps": 20}}}}"#
    );
    System::from_json(&json).unwrap_or_else(|error| panic!("{error}\n{json}"))
}

#[test]
fn a_loan_past_its_threshold_is_liquidated_with_the_close_factor_and_bonus() {
    let safe = simulate_system(&lending_system(-12.0, 0)).unwrap();
    assert_eq!(safe.lending[0].liquidations, 0, "at 88 the loan holds");
    for delay in [0u32, 3] {
        let outcome = simulate_system(&lending_system(-15.0, delay)).unwrap();
        let report = &outcome.lending[0];
        assert_eq!((report.liquidations, report.loans_liquidated), (1, 1));
        assert!((report.repaid_usd - 350.0).abs() < 1e-9);
        assert!((report.seized_coins - 350.0 * 1.05 / 85.0).abs() < 1e-8);
        assert!((decimal(&report.ledger.debt_end) - 350.0).abs() < 1e-9);
        let left = decimal(&report.ledger.collateral_end_coins);
        assert!((left - (10.0 - 350.0 * 1.05 / 85.0)).abs() < 1e-8);
        assert!(report.ledger.balanced);
        let at = delay as usize;
        assert!(report.sold_by_step_usd[at] > 0.0);
        assert!(report
            .sold_by_step_usd
            .iter()
            .enumerate()
            .all(|(k, usd)| k == at || *usd == 0.0));
        assert_eq!(report.oracle[at], 85.0);
        let steps = &outcome.markets[0].outcome.steps;
        assert!(
            steps[at].last < 85.0,
            "the seized coins are sold into the spot book"
        );
        // The liquidator bought 4.32 coins worth 367.5 at the oracle for 350.
        assert!(report.liquidator_pnl_usd > 0.0 && report.liquidator_pnl_usd < 17.5);
    }
}

/// A loan whose collateral does not pay for the repayment and its bonus (Aave v3's
/// `_calculateAvailableCollateralToLiquidate`): at 30 the 10 coins are worth 300, less than
/// 350 x 1.05, so all of them are seized and 300 / 1.05 = 285.71 repaid; the 414.29 left owes
/// with nothing behind it and is written off, once, not liquidated again step after step.
#[test]
fn a_loan_short_of_collateral_gives_it_all_and_the_rest_is_written_off() {
    let outcome = simulate_system(&lending_system(-70.0, 0)).unwrap();
    let report = &outcome.lending[0];
    assert_eq!((report.liquidations, report.loans_liquidated), (1, 1));
    let repaid = 10.0 * 30.0 / 1.05;
    assert!(
        (report.repaid_usd - repaid).abs() < 1e-6,
        "{}",
        report.repaid_usd
    );
    assert!((report.seized_coins - 10.0).abs() < 1e-12);
    assert!((report.written_off_usd - (700.0 - repaid)).abs() < 1e-6);
    assert!((decimal(&report.ledger.written_off) - (700.0 - repaid)).abs() < 1e-6);
    assert_eq!(decimal(&report.ledger.debt_end), 0.0);
    assert_eq!(decimal(&report.ledger.collateral_end_coins), 0.0);
    assert!(report.ledger.balanced, "{:?}", report.ledger);
    assert!((report.bad_debt_usd - report.written_off_usd).abs() < 1e-9);
    // The liquidator bought 10 coins for 285.71 and sold them near 30 into a deep book.
    assert!(
        report.liquidator_pnl_usd > 0.0 && report.liquidator_pnl_usd < 300.0 - repaid,
        "{}",
        report.liquidator_pnl_usd
    );
}

/// Aave v3's close factor: half the debt above a health factor of 0.95, all of it at or below.
/// At 80 the loan's health is 10 x 80 x 0.8 / 700 = 0.914: one liquidation repays 700 and
/// seizes 700 x 1.05 / 80 = 9.1875 coins; at 85 (0.971) half, as without the rule.
#[test]
fn a_loan_at_or_below_the_full_close_health_is_closed_in_one_liquidation() {
    let rule = r#""full_close_below_health": 0.95,"#;
    let deep = simulate_system(&lending_system_with(-20.0, 0, rule)).unwrap();
    let report = &deep.lending[0];
    assert_eq!(report.liquidations, 1);
    assert!((report.repaid_usd - 700.0).abs() < 1e-9);
    assert!((report.seized_coins - 9.1875).abs() < 1e-9);
    assert_eq!(decimal(&report.ledger.debt_end), 0.0);
    assert!(report.ledger.balanced);
    let shallow = simulate_system(&lending_system_with(-15.0, 0, rule)).unwrap();
    assert_eq!(shallow.lending[0].liquidations, 1);
    assert!((shallow.lending[0].repaid_usd - 350.0).abs() < 1e-9);
}

/// A link's shape mistakes are said as shapes, not as the JSON reader's syntax errors ("expected
/// a JSON value", "trailing characters") about a document that is valid JSON.
#[test]
fn a_link_of_the_wrong_shape_says_so() {
    let system = presets::find_system("two-venues-one-asset").unwrap().system;
    let mut document: serde_json::Value = serde_json::from_str(&system.to_json()).unwrap();
    document["links"][0]["note"] = "x".into();
    let error = System::from_json(&document.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("links[0]: an object naming its kind takes that one key alone"),
        "{error}"
    );
    let mut document: serde_json::Value = serde_json::from_str(&system.to_json()).unwrap();
    document["links"][0]["arbitrage"]["markets"] =
        serde_json::json!(["venue-a", "venue-b", "venue-a"]);
    let error = System::from_json(&document.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("links[0].arbitrage.markets: more items than this list takes"),
        "{error}"
    );
    // A list where an object goes (it was read as the object's fields in order).
    let mut document: serde_json::Value = serde_json::from_str(&system.to_json()).unwrap();
    let run = document["run"]
        .as_object()
        .unwrap()
        .values()
        .cloned()
        .collect();
    document["run"] = serde_json::Value::Array(run);
    let error = System::from_json(&document.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("run: must be a JSON object ({...}), not a list"),
        "{error}"
    );
    // Every system preset still reads back.
    for preset in presets::systems() {
        System::from_json(&preset.system.to_json()).expect("a system preset reads back");
    }
}

/// Accounts built once and shared by runs of other shocks and cut links (as the page and the
/// contagion table keep them) give the outcome of building them for each run.
#[test]
fn prepared_accounts_give_the_outcome_of_fresh_ones() {
    for name in ["btc-2025-10-10-venues", "btc-eth-cross-margin"] {
        let base = presets::find_system(name).unwrap().system;
        let accounts = flushlab_engine::system::prepare_accounts(&base);
        let scenarios = base.market_scenarios();
        let tables: Vec<_> = scenarios
            .iter()
            .map(flushlab_engine::positions::PositionTable::build)
            .collect();
        for pct in [-3.0, -9.0] {
            for system in [base.with_shock_pct(pct), base.with_shock_pct(pct).all_cut()] {
                let shared = flushlab_engine::system::run_system_prepared(
                    &system,
                    &system.market_scenarios(),
                    &tables,
                    &accounts,
                );
                let fresh = simulate_system(&system).unwrap();
                assert_eq!(
                    serde_json::to_string(&shared).unwrap(),
                    serde_json::to_string(&fresh).unwrap(),
                    "{name} at {pct}%"
                );
            }
        }
    }
}

/// Every system preset: money closes in every market, for every group of accounts and every
/// lending protocol, and every market stays inside the envelope the version 1 presets are held
/// to (trough at most 55%).
#[test]
fn every_system_preset_closes_its_books_and_stays_inside_the_envelope() {
    for preset in presets::systems() {
        let outcome = simulate_system(&preset.system).unwrap();
        assert!(outcome.total.as_ref().unwrap().balanced, "{}", preset.name);
        for market in &outcome.markets {
            let summary = &market.outcome.summary;
            assert!(
                market.outcome.ledger.balanced,
                "{} {}",
                preset.name, market.id
            );
            assert!(
                summary.max_drawdown_pct <= 55.0,
                "{} {}: {}",
                preset.name,
                market.id,
                summary.max_drawdown_pct
            );
        }
        assert!(
            outcome.accounts.iter().all(|group| group.ledger.balanced),
            "{}",
            preset.name
        );
        assert!(
            outcome.lending.iter().all(|pool| pool.ledger.balanced),
            "{}",
            preset.name
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Cross-margin accounts looked at only when their slack could be used up, and loans only
    /// when the oracle reaches them, give the bytes of looking at every one every step.
    #[test]
    fn scheduled_accounts_and_loans_equal_looking_at_all_of_them(
        notional in 2e7..1.5e8f64,
        leverage_max in 5.0..40.0f64,
        depeg in -60.0..0.0f64,
        count in 1usize..300,
        ltv_max in 0.7..0.84f64,
        halt in any::<bool>(),
    ) {
        let mut system = two_venues(Some(2e7), 0.1, 1);
        system.shock.notional_usd = notional;
        if halt {
            system.markets[0].venue.circuit_breaker = serde_json::from_str(
                r#"{"move_pct": 1.5, "window_steps": 5, "halt_steps": 10}"#,
            )
            .unwrap();
        }
        let groups = format!(
            r#"[{{"id": "token", "collateral": {{"kind": "token", "depeg_pct": {depeg}, "start_s": 5, "duration_s": 30, "haircut": 0.05}},
                "accounts": {{"generate": {{"count": {count}, "leverage_min": 1.5, "leverage_max": {leverage_max}, "size_dispersion": 1.0,
                  "legs": [{{"market": "a", "side": "long", "notional_usd": 2e8}}, {{"market": "b", "side": "short", "notional_usd": 5e7}}]}}}}}},
               {{"id": "coin", "collateral": {{"kind": "coin", "market": "b", "haircut": 0.1}},
                "accounts": {{"generate": {{"count": {count}, "leverage_min": 2, "leverage_max": {leverage_max}, "size_dispersion": 0.5,
                  "legs": [{{"market": "b", "side": "long", "notional_usd": 1e8}}]}}}}}},
               {{"id": "usd", "deficits": "adl",
                "accounts": {{"generate": {{"count": {count}, "leverage_min": 3, "leverage_max": {leverage_max}, "size_dispersion": 1.0,
                  "legs": [{{"market": "a", "side": "long", "notional_usd": 1e8}}, {{"market": "b", "side": "long", "notional_usd": 3e7}}]}}}}}}]"#
        );
        system.accounts = serde_json::from_str(&groups).unwrap();
        let lending = format!(
            r#"[{{"id": "pool", "sell_into": "b", "oracle_markets": ["a", "b"], "oracle_delay_steps": 2,
                "liquidation_threshold": 0.85, "liquidation_bonus": 0.05,
                "borrowers": {{"generate": {{"count": {count}, "collateral_usd": 3e8, "ltv_min": 0.4, "ltv_max": {ltv_max}}}}}}}]"#
        );
        system.lending = serde_json::from_str(&lending).unwrap();
        system.validate().unwrap();
        let scenarios = system.market_scenarios();
        let tables: Vec<_> = scenarios.iter().map(flushlab_engine::positions::PositionTable::build).collect();
        let fast = flushlab_engine::system::run_system(&system, &scenarios, &tables);
        let reference = flushlab_engine::system::run_system_with(
            &system, &scenarios, &tables, flushlab_engine::venue::Path::Reference,
        );
        prop_assert_eq!(
            serde_json::to_string(&fast).unwrap(),
            serde_json::to_string(&reference).unwrap()
        );
    }
}
