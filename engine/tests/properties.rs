//! Property tests: the model's promises on random scenarios.

use flushlab_engine::positions::PositionTable;
use flushlab_engine::scenario::Positions;
use flushlab_engine::scenario::{Shock, ShockKind};
use flushlab_engine::solve::timeline::{self, run_with};
use flushlab_engine::solve::{simulate, InstantSolver};
use flushlab_engine::venue::Path;
use flushlab_engine::{outcome_json, Scenario};
use proptest::prelude::*;

/// A random scenario exercising every mechanism the flags turn on.
#[derive(Clone, Debug)]
struct Knobs {
    seed: u64,
    inverse: bool,
    power_book: bool,
    count: usize,
    long_share: f64,
    leverage_max: f64,
    depth: f64,
    shock_pct: f64,
    shock_kind: u8,
    fee: f64,
    fund: f64,
    partial: bool,
    cap: Option<f64>,
    adl: u8,
    breaker: bool,
    resilience: Option<f64>,
    withdrawal: f64,
    smoothing: f64,
    tiers: bool,
    traders: bool,
    /// Predators, portfolio insurance and option dealers.
    predators: bool,
}

fn knobs() -> impl Strategy<Value = Knobs> {
    (
        (
            any::<u64>(),
            any::<bool>(),
            any::<bool>(),
            20usize..400,
            0.0..1.0f64,
            2.0..150.0f64,
            1e4..5e7f64,
        ),
        (
            -40.0..40.0f64,
            0u8..4,
            0.0..0.02f64,
            0.0..2e5f64,
            any::<bool>(),
            proptest::option::of(1e4..1e7f64),
            0u8..3,
        ),
        (
            any::<bool>(),
            proptest::option::of(1.0..60.0f64),
            0.0..0.2f64,
            0.0..5.0f64,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        ),
    )
        .prop_map(|(a, b, c)| Knobs {
            seed: a.0,
            inverse: a.1,
            power_book: a.2,
            count: a.3,
            long_share: a.4,
            leverage_max: a.5,
            depth: a.6,
            shock_pct: b.0,
            shock_kind: b.1,
            fee: b.2,
            fund: b.3,
            partial: b.4,
            cap: b.5,
            adl: b.6,
            breaker: c.0,
            resilience: c.1,
            withdrawal: c.2,
            smoothing: c.3,
            tiers: c.4,
            traders: c.5,
            predators: c.6,
        })
}

fn scenario(k: &Knobs) -> Scenario {
    let book = if k.power_book {
        format!(
            r#"{{"profile": "power", "depth_1pct_usd": {}, "exponent": 2.0}}"#,
            k.depth
        )
    } else {
        format!(r#"{{"profile": "linear", "depth_1pct_usd": {}}}"#, k.depth)
    };
    let shock = match k.shock_kind {
        0 => format!(r#"{{"kind": "instant", "pct": {}}}"#, k.shock_pct),
        1 => format!(
            r#"{{"kind": "ramp", "pct": {}, "duration_s": 20}}"#,
            k.shock_pct
        ),
        2 => format!(
            r#"{{"kind": "sell", "notional_usd": {}}}"#,
            k.shock_pct * k.depth / 5.0
        ),
        // A fall that turns back most of the way (a path).
        _ => format!(
            r#"{{"kind": "ramp", "pct": {}, "duration_s": 20, "path": [{{"at": 0.5, "level": 1}}, {{"at": 1, "level": 0.3}}]}}"#,
            k.shock_pct
        ),
    };
    // Seeds that leave 2 modulo 5 take OKX's rules: tiers in coins, each rate on the whole
    // position, and the fee (at most 0.2% here, so no leverage opens liquidatable) in the trigger.
    let okx = k.seed % 5 == 2;
    let margin = if okx {
        r#"{"whole_position": true, "tiers": [{"max_coins": 2, "rate": 0.004}, {"max_coins": 10, "rate": 0.005}, {"max_coins": 40, "rate": 0.0075}, {"max_coins": 100, "rate": 0.0125}]}"#.to_string()
    } else if k.tiers {
        r#"{"tiers": [{"max_notional_usd": 50000, "rate": 0.004}, {"max_notional_usd": 250000, "rate": 0.005}, {"max_notional_usd": 1000000, "rate": 0.01}, {"max_notional_usd": 10000000, "rate": 0.025}]}"#.to_string()
    } else {
        "0.005".to_string()
    };
    let adl = ["off", "queue", "pro_rata"][k.adl as usize];
    // The cap's knob also puts a 2% band on liquidation orders.
    let cap = k.cap.map_or("null".to_string(), |c| {
        format!(r#"{c}, "liquidation_band_pct": 2.0"#)
    });
    // The breaker's knob also turns on a leverage control that tightens on the fund or on
    // volatility.
    let breaker = if k.breaker {
        r#"{"move_pct": 3.0, "window_steps": 5, "halt_steps": 10},
           "leverage_control": {"fund_below_pct": 60, "volatility_pct": 0.8, "window_steps": 4, "margin_multiplier": 1.5}"#
    } else {
        "null"
    };
    let resilience = k.resilience.map_or("null".to_string(), |r| r.to_string());
    let traders = if k.traders {
        r#"{"top_up": {"share": 0.3, "alert_pct": 3.0, "delay_s": 2.0, "budget_multiple": 0.5},
            "stop_losses": {"share": 0.3, "distance_pct": 2.0},
            "delever": {"share": 0.2, "volatility_threshold_pct": 0.5, "window_steps": 5, "fraction": 0.5},
            "dip_buyers": {"capacity_usd": 2000000, "discount_pct": 3.0, "max_per_step_usd": 200000}}"#
    } else {
        "{}"
    };
    let agents = if k.predators {
        r#"{"predators": {"capital_usd": 500000, "distance_pct": 5.0, "sell_steps": 4},
            "cppi": {"capital_usd": 3000000, "multiplier": 4.0, "floor_pct": 80.0, "tolerance_pct": 0.5},
            "option_dealers": {"strikes": [{"strike_pct": 97.0, "coins": -40.0}, {"strike_pct": 103.0, "coins": 20.0}],
                "implied_vol_pct": 70.0, "days_to_expiry": 2.0, "rehedge_every_steps": 3}}"#
    } else {
        "{}"
    };
    // The algorithms' knob also runs a day of funding before the shock (every 4 hours).
    let build_up = if k.predators {
        r#""build_up": {"hours": 24, "premium_at_full_skew_pct": 0.8},"#
    } else {
        ""
    };
    let funding = if k.predators {
        r#", "funding": {"interval_h": 4, "cap_pct": 0.5}"#
    } else {
        ""
    };
    // Partial liquidation's knob also clips large positions with a cooldown and a backstop.
    let clips = if k.partial {
        r#", "clips": {"above_usd": 20000, "share": 0.25, "cooldown_s": 3, "backstop_below": 0.5}"#
    } else {
        ""
    };
    // Seeds divisible by three put dYdX's per-block limits on liquidations (two blocks a step).
    let block_limits = if k.seed % 3 == 0 {
        r#", "block_limits": {"block_s": 0.5, "position_share": 0.1, "position_min_usd": 1000, "account_max_usd": 100000}"#
    } else {
        ""
    };
    // Odd seeds value maintenance margin at entry (Bybit), even ones at the mark.
    let valued = if k.seed % 2 == 1 { "entry" } else { "mark" };
    let json = format!(
        r#"{{"version": 1, "seed": {seed},
            "market": {{"price": 30000.0, "contract": "{contract}", "book": {book},
                        "resilience_half_life_s": {resilience}, "withdrawal": {withdrawal}, "mark_smoothing_s": {smoothing}}},
            "positions": {{"generate": {{"count": {count}, "open_interest_usd": 5e7, "long_share": {long_share},
                "leverage_buckets": [{{"min": 1.5, "max": 5, "weight": 1}}, {{"min": 5, "max": {lev}, "weight": 2}}],
                "entry_spread_pct": 1.5, "size_dispersion": 0.8}}}},
            "venue": {{"maintenance_margin": {margin}, "liquidation_fee": {fee}, "fee_in_trigger": {okx}, "insurance_fund_usd": {fund},
                       "partial_liquidation": {partial}, "max_liquidation_usd_per_step": {cap}, "adl": "{adl}",
                       "margin_valued_at": "{valued}", "circuit_breaker": {breaker}{funding}{clips}{block_limits}}},
            "traders": {traders}, "agents": {agents}, {build_up} "shock": {shock}, "run": {{"steps": 80}}}}"#,
        seed = k.seed,
        contract = if k.inverse { "inverse" } else { "linear" },
        withdrawal = k.withdrawal,
        smoothing = k.smoothing,
        count = k.count,
        long_share = k.long_share,
        lev = k.leverage_max.max(5.0),
        fee = if okx { k.fee.min(0.002) } else { k.fee },
        fund = k.fund,
        partial = k.partial,
    );
    Scenario::from_json(&json).unwrap_or_else(|error| panic!("{error}\n{json}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn money_is_conserved_exactly(k in knobs()) {
        let outcome = simulate(&scenario(&k)).unwrap();
        prop_assert!(outcome.ledger.balanced, "imbalance {} in {:?}", outcome.ledger.imbalance, k);
    }

    #[test]
    fn each_step_reports_the_open_interest_left(k in knobs()) {
        let outcome = simulate(&scenario(&k)).unwrap();
        let oi = &outcome.open_interest;
        let start: f64 = oi.long_before_usd.iter().chain(&oi.short_before_usd).sum();
        let end: f64 = oi.long_after_usd.iter().chain(&oi.short_after_usd).sum();
        let last = outcome.steps.last().unwrap().open_interest_usd;
        // Liquidations, partial closes, ADL and de-leveraging all count, not liquidations only.
        prop_assert!((last - end).abs() <= 1e-9 * start, "last step {last}, after {end}, start {start}");
    }

    #[test]
    fn prices_stay_positive_and_finite(k in knobs()) {
        let outcome = simulate(&scenario(&k)).unwrap();
        for step in &outcome.steps {
            prop_assert!(step.last > 0.0 && step.last.is_finite());
            prop_assert!(step.mark > 0.0 && step.mark.is_finite());
        }
        prop_assert!(outcome.summary.min_price > 0.0);
    }

    #[test]
    fn the_same_scenario_gives_the_same_bytes(k in knobs()) {
        let a = outcome_json(&simulate(&scenario(&k)).unwrap());
        let b = outcome_json(&simulate(&scenario(&k)).unwrap());
        prop_assert_eq!(a, b);
    }

    #[test]
    fn a_bigger_shock_never_flushes_less(k in knobs(), extra in 0.0..20.0f64) {
        let scenario = scenario(&k);
        let table = PositionTable::build(&scenario);
        let mut solver = InstantSolver::new(&table, &scenario.market);
        let down = -(k.shock_pct.abs()).min(70.0);
        let small = solver.solve(&Shock { kind: ShockKind::Instant, pct: down, notional_usd: 0.0, duration_s: 0.0, path: Vec::new() });
        let big = solver.solve(&Shock { kind: ShockKind::Instant, pct: (down - extra).max(-90.0), notional_usd: 0.0, duration_s: 0.0, path: Vec::new() });
        prop_assert!(big.liquidated_notional_usd_long >= small.liquidated_notional_usd_long);
        prop_assert!(big.final_price <= small.final_price + 1e-9 * small.final_price);
    }

    #[test]
    fn more_depth_never_flushes_more(k in knobs(), factor in 1.0..10.0f64) {
        let thin = scenario(&k);
        let mut deep = thin.clone();
        match &mut deep.market.book {
            flushlab_engine::scenario::Book::Linear { depth_1pct_usd } | flushlab_engine::scenario::Book::Power { depth_1pct_usd, .. } => *depth_1pct_usd *= factor,
            flushlab_engine::scenario::Book::Levels { .. } => unreachable!(),
        }
        let down = Shock { kind: ShockKind::Instant, pct: -(k.shock_pct.abs()).min(70.0), notional_usd: 0.0, duration_s: 0.0, path: Vec::new() };
        let table = PositionTable::build(&thin);
        let a = InstantSolver::new(&table, &thin.market).solve(&down);
        let b = InstantSolver::new(&table, &deep.market).solve(&down);
        prop_assert!(b.liquidated_notional_usd_long <= a.liquidated_notional_usd_long);
        prop_assert!(b.final_price >= a.final_price - 1e-9 * a.final_price);
    }
}

/// The scenario of `k` with its population given as a list of `count.min(120)` positions drawn
/// from the seed (sides by the long share, sizes over three decades, entries within 3% of the
/// price, leverage up to the knob's, capped where the tiers' margin allows it).
fn listed(k: &Knobs) -> Scenario {
    let mut scenario = scenario(k);
    let mut state = k.seed | 1;
    let mut draw = move || {
        // xorshift64*: a fixed, portable stream of uniforms in [0, 1).
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    };
    let highest = k.leverage_max.min(30.0);
    let positions: Vec<String> = (0..k.count.min(120))
        .map(|_| {
            let side = if draw() < k.long_share { "long" } else { "short" };
            let notional = 1e3 * 10f64.powf(3.0 * draw());
            let entry = 30000.0 * (1.0 + 0.06 * (draw() - 0.5));
            let leverage = 1.5 + (highest - 1.5) * draw();
            format!(r#"{{"side": "{side}", "notional_usd": {notional}, "entry": {entry}, "leverage": {leverage}}}"#)
        })
        .collect();
    let json = format!(r#"{{"list": [{}]}}"#, positions.join(","));
    scenario.positions = serde_json::from_str(&json).unwrap();
    scenario
        .validate()
        .unwrap_or_else(|error| panic!("{error}\n{json}"));
    scenario
}

/// The reference run (one position at a time, nothing cached) of `scenario` on a fresh table.
fn reference(scenario: &Scenario) -> String {
    outcome_json(&run_with(
        scenario,
        &PositionTable::build(scenario),
        Path::Reference,
    ))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The slow path is the spec: on random scenarios the fast run gives the reference's bytes on
    /// the first, second and third run on one table (as a shock drag reruns it, prepared for
    /// reruns after the first), and after a rescale (a leverage-bar drag) the same bytes as the
    /// reference on the rescaled table.
    #[test]
    fn the_fast_paths_give_the_reference_bytes(
        k in knobs(),
        as_list in any::<bool>(),
        weight in 0.1..4.0f64,
        long_share in 0.0..1.0f64,
    ) {
        let scenario = if as_list { listed(&k) } else { scenario(&k) };
        let expected = reference(&scenario);
        let mut table = PositionTable::build(&scenario);
        for run in 0..3 {
            if run > 0 {
                table.prepare_reruns();
            }
            let fast = outcome_json(&timeline::run(&scenario, &table));
            prop_assert!(fast == expected, "run {} differs from the reference: {:?}", run, k);
        }
        let Positions::Generate(population) = &scenario.positions else {
            return Ok(());
        };
        let mut varied = population.clone();
        varied.leverage_buckets[0].weight = weight;
        varied.long_share = long_share;
        if !table.rescale(&varied) {
            return Ok(());
        }
        let mut rescaled = scenario.clone();
        rescaled.positions = Positions::Generate(varied);
        let expected = outcome_json(&run_with(&rescaled, &table, Path::Reference));
        for run in 0..2 {
            let fast = outcome_json(&timeline::run(&rescaled, &table));
            prop_assert!(fast == expected, "run {} after a rescale differs: {:?}", run, k);
        }
        // Under tiers the rescale opens members again: the table must be a fresh build's.
        if k.tiers || k.seed % 5 == 2 {
            let fresh = outcome_json(&run_with(&rescaled, &PositionTable::build(&rescaled), Path::Reference));
            prop_assert!(fresh == expected, "a rescaled table under tiers is not a fresh one: {:?}", k);
        }
    }

    /// A throughput cap no step can reach (infinite) is no cap: the same bytes as none, and as
    /// the reference (the capped run takes every order through the queue, the uncapped one
    /// straight from the trigger sweep).
    #[test]
    fn an_infinite_cap_is_no_cap(k in knobs()) {
        let mut uncapped = scenario(&k);
        uncapped.venue.max_liquidation_usd_per_step = None;
        let mut infinite = uncapped.clone();
        infinite.venue.max_liquidation_usd_per_step = Some(f64::INFINITY);
        let none = outcome_json(&simulate(&uncapped).unwrap());
        let table = PositionTable::build(&infinite);
        prop_assert_eq!(&outcome_json(&timeline::run(&infinite, &table)), &none);
        prop_assert_eq!(&reference(&uncapped), &none);
    }
}

/// A table rescaled from any long share and bucket weights, 0 and 1 included (a side or a
/// bucket with no open interest, where a drag of the long share or a bar to its end leaves it),
/// and rebuilt where it cannot be, runs as a fresh build of the new population does, as the
/// page's and the grid's cached populations use it.
#[test]
fn a_rescaled_table_runs_as_a_fresh_build() {
    for name in ["over-levered-longs", "btc-2024-08-05", "short-squeeze"] {
        let base = flushlab_engine::presets::find(name)
            .expect("preset")
            .scenario;
        let Positions::Generate(population) = &base.positions else {
            panic!("{name} generates its crowd");
        };
        let variant = |(long_share, first_weight): (f64, f64)| {
            let mut varied = population.clone();
            varied.long_share = long_share;
            varied.leverage_buckets[0].weight = first_weight;
            let mut scenario = base.clone();
            scenario.positions = Positions::Generate(varied);
            scenario
        };
        // (from, to, whether the table rescales): a group with no open interest that keeps none
        // rescales; one that gains or loses it all is refused, and the table built again.
        let drags = [
            ((0.3, 1.0), (0.7, 1.5), true),
            ((0.0, 1.0), (0.0, 2.5), true),
            ((0.6, 0.0), (0.3, 0.0), true),
            ((0.0, 1.0), (0.5, 1.0), false),
            ((1.0, 1.0), (0.4, 1.0), false),
            ((0.6, 0.0), (0.6, 2.0), false),
            ((0.5, 1.0), (0.0, 1.0), false),
            ((0.6, 1.0), (0.6, 0.0), false),
        ];
        for (from, to, rescales) in drags {
            let (start, end) = (variant(from), variant(to));
            let mut table = PositionTable::build(&start);
            let _ = timeline::run(&start, &table);
            let Positions::Generate(population) = &end.positions else {
                unreachable!()
            };
            let rescaled = table.rescale(population);
            assert_eq!(rescaled, rescales, "{name}: {from:?} to {to:?}");
            if !rescaled {
                table = PositionTable::build(&end);
            }
            let drawn = outcome_json(&timeline::run(&end, &table));
            let fresh = outcome_json(&timeline::run(&end, &PositionTable::build(&end)));
            assert!(
                drawn == fresh,
                "{name}: {from:?} to {to:?} differs from a fresh build"
            );
        }
    }
}
