//! Every preset tells the story its one-liner promises.

use flushlab_engine::{presets, simulate};

fn run(name: &str) -> flushlab_engine::Outcome {
    let preset = presets::find(name).unwrap_or_else(|| panic!("preset {name}"));
    let outcome = simulate(&preset.scenario).unwrap();
    let s = &outcome.summary;
    eprintln!(
        "{name}: shock {:.2}% drawdown {:.2}% rise {:.2}% amp {:.2} liq L {} ({:.0}) S {} ({:.0}) fund {:.0} adl {:.0} bad {:.0} pred {:.0} topups {:.0} delev {:.0} dip {:.0} halted {} partial {} last {:?} final {:.1}",
        s.shock_pct, s.max_drawdown_pct, s.max_rise_pct, s.amplification, s.liquidated_count_long, s.liquidated_notional_usd_long,
        s.liquidated_count_short, s.liquidated_notional_usd_short, s.insurance_fund_end_usd, s.adl_notional_usd, s.bad_debt_usd,
        s.predator_pnl_usd, s.top_ups_usd, s.delevered_notional_usd, s.dip_buyers_bought_usd, s.halted_steps, s.partial_liquidations,
        s.last_liquidation_step, s.final_price
    );
    assert!(outcome.ledger.balanced, "{name}: ledger");
    outcome
}

#[test]
fn over_levered_longs_cascade() {
    let s = run("over-levered-longs").summary;
    assert!(s.amplification > 1.5, "{}", s.amplification);
}

#[test]
fn calm_market_amplifies_its_dip_least() {
    let s = run("calm-market").summary;
    assert!(s.amplification < 1.5, "{}", s.amplification);
}

#[test]
fn thin_book_cascades_from_a_market_order() {
    let s = run("thin-book").summary;
    assert!(s.amplification > 1.5, "{}", s.amplification);
}

#[test]
fn short_squeeze_liquidates_shorts_upward() {
    let s = run("short-squeeze").summary;
    assert!(s.liquidated_count_short > 0 && s.max_rise_pct > 5.0 && s.amplification > 1.3);
}

#[test]
fn fund_drained_into_adl() {
    let s = run("fund-drained-adl").summary;
    assert!(s.adl_notional_usd > 0.0, "no ADL");
}

#[test]
fn predators_profit() {
    let s = run("predators-at-work").summary;
    assert!(s.predator_pnl_usd > 0.0 && s.liquidated_count_long > 0);
}

#[test]
fn inverse_traders_adjust() {
    let s = run("inverse-traders-adjust").summary;
    assert!(s.top_ups_usd > 0.0 && s.dip_buyers_bought_usd > 0.0 && s.partial_liquidations > 0);
}

/// Open interest per bucket, step by step: it only falls (nothing opens during a flush), every
/// step adds up to the step's total, and the last step is the "after" the chart shows (up to the
/// rounding of running sums: a billionth of the bucket's size).
#[test]
fn open_interest_by_bucket_follows_every_step() {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
    for preset in flushlab_engine::presets::all() {
        let outcome = flushlab_engine::simulate(&preset.scenario).unwrap();
        let oi = &outcome.open_interest;
        assert_eq!(
            oi.long_by_step_usd.len(),
            outcome.steps.len(),
            "{}",
            preset.name
        );
        let mut previous = (oi.long_before_usd.clone(), oi.short_before_usd.clone());
        for (k, step) in outcome.steps.iter().enumerate() {
            let (longs, shorts) = (&oi.long_by_step_usd[k], &oi.short_by_step_usd[k]);
            let total: f64 = longs.iter().chain(shorts).sum();
            assert!(
                close(total, step.open_interest_usd),
                "{} step {k}: {total} vs {}",
                preset.name,
                step.open_interest_usd
            );
            for b in 0..longs.len() {
                assert!(
                    longs[b] <= previous.0[b] * (1.0 + 1e-9) + 1e-6,
                    "{} step {k} bucket {b} grew",
                    preset.name
                );
                assert!(
                    shorts[b] <= previous.1[b] * (1.0 + 1e-9) + 1e-6,
                    "{} step {k} bucket {b} grew",
                    preset.name
                );
            }
            previous = (longs.clone(), shorts.clone());
        }
        for b in 0..oi.buckets.len() {
            assert!(
                (previous.0[b] - oi.long_after_usd[b]).abs() <= 1e-9 * oi.long_before_usd[b] + 1e-6,
                "{} bucket {b}: {} vs {}",
                preset.name,
                previous.0[b],
                oi.long_after_usd[b]
            );
            assert!(
                (previous.1[b] - oi.short_after_usd[b]).abs()
                    <= 1e-9 * oi.short_before_usd[b] + 1e-6,
                "{} bucket {b}: {} vs {}",
                preset.name,
                previous.1[b],
                oi.short_after_usd[b]
            );
        }
    }
}

#[test]
fn a_coin_margined_preset_names_its_coin_and_a_linear_one_cannot() {
    // BitMEX's XBTUSD is margined in XBT: the outcome counts its money in that coin by name.
    let bitmex = run("bitmex-2020-03-12");
    assert_eq!(
        bitmex.summary.money_unit,
        flushlab_engine::outcome::MoneyUnit::Coin
    );
    assert_eq!(bitmex.summary.coin.as_deref(), Some("XBT"));
    let json = flushlab_engine::outcome_json(&bitmex);
    assert!(
        json.contains("\"coin\":\"XBT\""),
        "the outcome JSON names it"
    );
    // A linear preset has none, and its outcome JSON no field for it.
    let linear = run("btc-2021-05-19");
    assert_eq!(linear.summary.coin, None);
    assert!(!flushlab_engine::outcome_json(&linear).contains("\"coin\""));
    let refused = |scenario: &flushlab_engine::Scenario| -> Vec<String> {
        let text = scenario.to_json();
        flushlab_engine::Scenario::from_json(&text)
            .unwrap_err()
            .problems
            .iter()
            .map(|problem| problem.to_string())
            .collect()
    };
    let mut named = presets::find("btc-2021-05-19").unwrap().scenario;
    named.market.coin = Some("BTC".into());
    assert_eq!(
        refused(&named),
        ["market.coin: names the coin of a coin-margined (inverse) contract: a linear contract counts USD"]
    );
    for bad in ["", "X B T", "TOOLONGCOIN", "ХВТ"] {
        let mut scenario = presets::find("bitmex-2020-03-12").unwrap().scenario;
        scenario.market.coin = Some(bad.into());
        assert_eq!(
            refused(&scenario),
            ["market.coin: must be a ticker of 1 to 8 letters or digits (e.g. XBT)"],
            "{bad:?}"
        );
    }
}

/// Makers who pulled their quotes come back no faster than the book refills (docs/model.md §4):
/// once funding-bleed's flush is over, its price recovers as the book does, never 0.5% in 8 s.
/// When the share came back as fast as it left, the recovery's
/// crossing of the floor's distance lifted the price 1.4% in 8 s with no trade, at about 192 s.
#[test]
fn funding_bleed_recovers_without_a_jump_when_makers_return() {
    let outcome = run("funding-bleed");
    let steps = &outcome.steps;
    let window = steps
        .iter()
        .position(|step| step.t_s >= steps[0].t_s + 8.0)
        .expect("a run longer than 8 s");
    let after_the_flush: Vec<_> = steps.iter().filter(|step| step.t_s >= 100.0).collect();
    assert!(
        after_the_flush.len() > window,
        "the run goes on after its flush"
    );
    let quiet = after_the_flush
        .iter()
        .all(|step| step.liquidated_long_usd + step.liquidated_short_usd == 0.0);
    assert!(quiet, "no liquidation in the recovery");
    let largest_rise = after_the_flush
        .windows(window + 1)
        .map(|pair| pair[window].last / pair[0].last - 1.0)
        .fold(0.0_f64, f64::max);
    assert!(largest_rise > 0.0, "the price recovers");
    assert!(
        largest_rise < 0.005,
        "{:.2}% in 8 s with no trade",
        largest_rise * 100.0
    );
}

/// A throughput cap too small for the cascade leaves positions in the liquidation queue when the
/// run ends: the summary says how much (the totals leave it out), a longer run sells at least
/// that much more, and a run that clears its queue reports nothing queued.
#[test]
fn a_capped_run_that_ends_with_a_backlog_says_how_much_was_still_queued() {
    let mut scenario = presets::find("btc-2025-10-10").unwrap().scenario;
    scenario.venue.max_liquidation_usd_per_step = Some(10e6);
    let short = flushlab_engine::simulate(&scenario).unwrap().summary;
    assert!(short.queued_at_end_usd > 1e8, "{}", short.queued_at_end_usd);
    // Still liquidating up to the last step.
    assert_eq!(short.last_liquidation_step, Some(scenario.run.steps - 1));
    scenario.run.steps *= 3;
    let long = flushlab_engine::simulate(&scenario).unwrap().summary;
    assert_eq!(
        long.queued_at_end_usd, 0.0,
        "the longer run clears its queue"
    );
    let more = long.liquidated_notional_usd_long - short.liquidated_notional_usd_long;
    // Sold at lower prices than the final mark valued it at, and more positions trigger as it
    // sells: at least nine tenths of it.
    assert!(
        more >= 0.9 * short.queued_at_end_usd,
        "{more} / {}",
        short.queued_at_end_usd
    );
    // Uncapped, nothing waits.
    let uncapped = run("btc-2025-10-10").summary;
    assert_eq!(uncapped.queued_at_end_usd, 0.0);
}

/// With no shock, the predators of predators-at-work hunt the larger cluster within reach (its
/// longs below, as its story has them) and cover against the longs' forced sales: the run is the
/// one a shock of a thousandth of a percent down gives, not a squeeze of its shorts.
#[test]
fn predators_with_no_shock_hunt_the_larger_cluster() {
    let mut scenario = presets::find("predators-at-work").unwrap().scenario;
    scenario.shock.pct = 0.0;
    let none = flushlab_engine::simulate(&scenario).unwrap().summary;
    scenario.shock.pct = -0.001;
    let tiny = flushlab_engine::simulate(&scenario).unwrap().summary;
    assert_eq!(none.liquidated_notional_usd_short, 0.0);
    assert!(none.liquidated_notional_usd_long > 1e8, "{none:?}");
    assert!(none.predator_pnl_usd > 0.0);
    assert!(
        (none.max_drawdown_pct - tiny.max_drawdown_pct).abs() < 0.05,
        "{} / {}",
        none.max_drawdown_pct,
        tiny.max_drawdown_pct
    );
}
