//! The tour's claims, checked by running the engine on each step's scenario, as given and with
//! the one thing changed that the step's text compares it with.

use flushlab_engine::scenario::{Adl, Book, Positions, ShockKind};

use super::{steps, Step};
use crate::catalogue::oracle::{
    check_loadable, cycles_of, outcome, preset_of, sentences, summary, tips_between_3_and_4_pct,
    varied,
};
use crate::catalogue::scenes::SIX_LEVERAGES;

/// Step `number`, counted from 1 as the page shows it.
fn step(number: usize) -> &'static Step {
    &steps()[number - 1]
}

#[test]
fn nine_loadable_steps_of_two_to_four_sentences_each_a_new_scenario() {
    assert_eq!(steps().len(), 9);
    for (index, step) in steps().iter().enumerate() {
        let whose = format!("step {}", index + 1);
        check_loadable(&step.demo, &whose);
        assert!((2..=4).contains(&sentences(step.body)), "{whose}");
        assert!(
            step.body.ends_with('.') && !step.title.is_empty(),
            "{whose}"
        );
    }
    // One-market steps in a row each load their own scenario (a system step shows its system
    // on the Markets tab instead).
    for pair in steps()
        .windows(2)
        .filter(|pair| pair[0].demo.system().is_none() && pair[1].demo.system().is_none())
    {
        assert_ne!(
            pair[0].demo.scenario(),
            pair[1].demo.scenario(),
            "{} then {}",
            pair[0].title,
            pair[1].title
        );
    }
}

#[test]
fn the_tour_covers_its_subjects_in_order() {
    let charts: Vec<&str> = steps().iter().map(|step| step.demo.chart).collect();
    assert_eq!(charts[0], "map");
    assert_eq!(charts[1], "amplification");
    assert_eq!(charts[6], "cycles");
    let real = step(8).demo.scenario();
    assert!(flushlab_engine::presets::find(step(8).demo.preset)
        .and_then(|preset| preset.date)
        .is_some());
    assert_eq!(real, preset_of(&step(8).demo), "the record, unedited");
}

#[test]
fn step_1_a_3_pct_drop_takes_the_50x_and_100x_and_the_10x_holds_to_9_5_pct() {
    let demo = &step(1).demo;
    let scenario = demo.scenario();
    assert_eq!(scenario.position_count(), SIX_LEVERAGES.len());
    assert_eq!(scenario.shock.pct, -3.0);
    assert_eq!(summary(&scenario).liquidated_count_long, 2);
    let at = |pct: f64| {
        summary(&varied(demo, |scenario| scenario.shock.pct = pct)).liquidated_count_long
    };
    assert_eq!((at(-9.4), at(-9.6)), (3, 4), "the 10x at about 9.5%");
    assert_eq!((at(-1.4), at(-1.6)), (1, 2), "the 50x at about 1.5%");
}

#[test]
fn step_2_a_3_pct_shock_does_little_and_4_pct_runs_past_the_tipping_point() {
    let demo = &step(2).demo;
    if let Positions::Generate(crowd) = &demo.scenario().positions {
        let buckets: Vec<(f64, f64)> = crowd
            .leverage_buckets
            .iter()
            .map(|bucket| (bucket.min, bucket.max))
            .collect();
        assert_eq!(buckets, [(10.0, 25.0)], "every trader at 10-25x");
    }
    tips_between_3_and_4_pct(demo);
}

#[test]
fn step_3_thin_book_cascades_where_a_normal_book_does_not_and_refills() {
    let demo = &step(3).demo;
    let thin = demo.scenario();
    assert_eq!(thin.shock.kind, ShockKind::Sell);
    assert_eq!(thin.shock.notional_usd, 60e6);
    // Step 2's quiet market.
    let mut usual = thin.clone();
    (step(2).demo.edit)(&mut usual);
    let depth = |scenario: &flushlab_engine::Scenario| match scenario.market.book {
        Book::Power { depth_1pct_usd, .. } | Book::Linear { depth_1pct_usd } => depth_1pct_usd,
        Book::Levels { .. } => panic!("a depth profile"),
    };
    assert_eq!(
        depth(&usual),
        6.0 * depth(&thin),
        "a sixth of the quiet market's depth"
    );
    let normal = varied(demo, |scenario| {
        scenario.market.book = usual.market.book.clone()
    });
    let run = outcome(&thin);
    let (thin_run, normal_run) = (&run.summary, summary(&normal));
    assert!(normal_run.max_drawdown_pct < 1.0);
    assert!(thin_run.amplification > 2.0, "a cascade");
    // Market makers pulling quotes make it deeper.
    let stay = summary(&varied(demo, |scenario| scenario.market.withdrawal = 0.0));
    assert!(thin.market.withdrawal > 0.0);
    assert!(thin_run.max_drawdown_pct > stay.max_drawdown_pct);
    // The low comes well after the sale, and the price climbs back off it.
    let low = run
        .steps
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.last.total_cmp(&b.1.last))
        .map_or(0, |(index, _)| index);
    assert!(low >= 10, "the low at step {low}");
    assert!(thin_run.final_price > thin_run.min_price * 1.01);
}

#[test]
fn step_4_adjusting_traders_shrink_the_flush_but_de_levering_sells_as_much_as_it_saves() {
    let demo = &step(4).demo;
    let scenario = demo.scenario();
    assert_eq!(scenario.shock.kind, ShockKind::Ramp);
    assert_eq!(
        (scenario.shock.pct, scenario.shock.duration_s),
        (-4.0, 120.0)
    );
    let halve = scenario.traders.delever.as_ref().expect("de-levering");
    assert_eq!(halve.fraction, 0.5);
    assert!(scenario.traders.top_up.is_some());
    let both = summary(&scenario);
    let nobody = summary(&varied(demo, |scenario| {
        scenario.traders = Default::default()
    }));
    let delever_only = summary(&varied(demo, |scenario| scenario.traders.top_up = None));
    let liquidated = both.liquidated_notional_usd_long / nobody.liquidated_notional_usd_long;
    assert!(
        (0.55..0.75).contains(&liquidated),
        "about a third less liquidated: {liquidated}"
    );
    assert!(both.liquidated_count_long < nobody.liquidated_count_long);
    assert!(both.top_ups_usd > 0.0 && both.delevered_notional_usd > 0.0);
    // De-levering alone sells more than it saves from liquidation...
    let saved = nobody.liquidated_notional_usd_long - delever_only.liquidated_notional_usd_long;
    assert!(saved > 0.0);
    assert!(delever_only.delevered_notional_usd > saved);
    // ...and the fall goes about as deep.
    let ratio = delever_only.max_drawdown_pct / nobody.max_drawdown_pct;
    assert!((0.95..1.05).contains(&ratio), "{ratio}");
}

#[test]
fn step_5_the_cap_halt_fund_adl_and_predators_all_act() {
    let demo = &step(5).demo;
    let scenario = demo.scenario();
    assert_eq!(scenario.venue.max_liquidation_usd_per_step, Some(50e6));
    assert_eq!(scenario.run.step_s, 1.0, "per second");
    let breaker = scenario.venue.circuit_breaker.as_ref().expect("a breaker");
    assert_eq!(breaker.move_pct, 5.0);
    assert_eq!(
        f64::from(breaker.halt_steps) * scenario.run.step_s,
        20.0,
        "for 20 seconds"
    );
    let run = outcome(&scenario);
    let machine = &run.summary;
    assert!(machine.partial_liquidations > 0, "sliced by the cap");
    assert!(machine.halted_steps > 0, "halted");
    // "the cascade goes on when it reopens": liquidations after the last halted step, and the
    // price past the breaker's 5%.
    let reopened = run
        .steps
        .iter()
        .rposition(|step| step.halted)
        .expect("a halt");
    assert!(run.steps[reopened..]
        .iter()
        .any(|step| step.liquidated_long_usd > 0.0));
    assert!(machine.max_drawdown_pct > 5.0);
    assert!(run
        .steps
        .iter()
        .filter(|step| step.halted)
        .all(|step| step.liquidated_long_usd == 0.0));
    let fund = scenario.venue.insurance_fund_usd;
    assert!(machine.insurance_fund_end_usd < 0.2 * fund, "nearly empty");
    let first_adl = run.steps.iter().position(|step| step.adl_usd > 0.0);
    let drained = run
        .steps
        .iter()
        .position(|step| step.insurance_fund_usd < 0.5 * fund);
    assert!(
        first_adl.is_some() && drained <= first_adl,
        "ADL once the fund drains"
    );
    assert!(first_adl <= Some(10), "in the first seconds");
    assert!(machine.adl_notional_usd > 0.0 && machine.bad_debt_usd == 0.0);
    assert!(machine.predator_pnl_usd > 0.0, "predators profit");
    let Positions::Generate(crowd) = &scenario.positions else {
        panic!("a generated crowd");
    };
    assert!(crowd.long_share > 0.5, "the cluster is of longs");
    let off = summary(&varied(demo, |scenario| scenario.venue.adl = Adl::Off));
    assert!(off.bad_debt_usd > 0.0);
    assert!(
        off.max_drawdown_pct > 3.0 * machine.max_drawdown_pct,
        "a crash"
    );
}

#[test]
fn step_6_crowded_shorts_squeeze_further_than_crowded_longs() {
    let demo = &step(6).demo;
    let scenario = demo.scenario();
    let Positions::Generate(crowd) = &scenario.positions else {
        panic!("a generated crowd");
    };
    assert_eq!(crowd.long_share, 0.3, "70% short");
    let weight = |from: f64| -> f64 {
        crowd
            .leverage_buckets
            .iter()
            .filter(|bucket| bucket.min >= from)
            .map(|bucket| bucket.weight)
            .sum()
    };
    let sixth = weight(25.0) / weight(0.0);
    assert!(
        (sixth - 1.0 / 6.0).abs() < 0.01,
        "a sixth at 25x or more: {sixth}"
    );
    assert_eq!(scenario.shock.pct, 5.0);
    let squeeze = summary(&scenario);
    assert!(squeeze.max_rise_pct > 5.0 * 1.3);
    assert!(squeeze.liquidated_notional_usd_short > 0.0);
    let long_heavy = summary(&varied(demo, |scenario| {
        if let Positions::Generate(crowd) = &mut scenario.positions {
            crowd.long_share = 0.7;
        }
    }));
    assert!(long_heavy.max_rise_pct < squeeze.max_rise_pct);
}

#[test]
fn step_7_gaussian_news_gets_fat_tails_and_a_several_times_worse_day() {
    let run = cycles_of(&step(7).demo.scenario());
    assert!(run.stats_without.excess_kurtosis.abs() < 0.3, "bell-shaped");
    assert!(run.stats_with.excess_kurtosis > run.stats_without.excess_kurtosis + 1.0);
    assert!(run.stats_with.skew < 0.0, "the left tail a little heavier");
    // Both tails past the bell's: the worst day and the best.
    assert!(run.stats_with.worst_day_pct < 2.0 * run.stats_without.worst_day_pct);
    assert!(run.stats_with.best_day_pct > 2.0 * run.stats_without.best_day_pct);
    assert!(run.stats_with.worst_day_pct < 3.0 * run.stats_without.worst_day_pct);
    assert!(run.liquidations_per_day > 0.0);
}

#[test]
fn step_8_the_2025_flush_in_the_models_terms() {
    let scenario = step(8).demo.scenario();
    assert_eq!(scenario.market.price, 122_574.0);
    assert_eq!(scenario.shock.kind, ShockKind::Ramp);
    // The record's clock: 60% of the selling by 21:15 (25 minutes), the rest in two more.
    assert_eq!(scenario.shock.duration_s, 27.0 * 60.0);
    let path = &scenario.shock.path;
    assert_eq!(path.len(), 2);
    assert!(
        (path[0].at * 27.0 - 25.0).abs() < 0.01 && path[0].level == 0.6,
        "{path:?}"
    );
    assert!(
        (-10.55..=-10.45).contains(&scenario.shock.pct),
        "about 10.5%"
    );
    let whole = outcome(&scenario);
    let run = &whole.summary;
    assert!(
        (run.min_price - 104_800.0).abs() < 100.0,
        "{}",
        run.min_price
    );
    assert!((14.45..14.55).contains(&run.max_drawdown_pct), "14.5%");
    assert!((1.3..1.5).contains(&run.amplification), "some 40% further");
    let longs = run.liquidated_notional_usd_long;
    assert!((6.75e9..6.85e9).contains(&longs), "about $6.8bn: {longs}");
    assert_eq!(run.liquidated_notional_usd_short, 0.0);
    // Most of it in the plunge, from 21:15 (25 minutes in).
    let in_plunge: f64 = (whole.steps.iter())
        .filter(|step| step.t_s > 25.0 * 60.0)
        .map(|step| step.liquidated_long_usd)
        .sum();
    assert!(in_plunge > 0.6 * longs, "{in_plunge} of {longs}");
    let last = run.last_liquidation_step.expect("it liquidates");
    let minutes = f64::from(last) * scenario.run.step_s / 60.0;
    assert!(
        (25.0..30.0).contains(&minutes),
        "through the slide and the plunge: {minutes}"
    );
    let fund_change = run.insurance_fund_end_usd - scenario.venue.insurance_fund_usd;
    assert!(
        fund_change.abs() < 5e6,
        "within a few million: {fund_change}"
    );
    assert_eq!(run.bad_debt_usd, 0.0);
    assert_eq!(run.adl_notional_usd, 0.0);
    assert!(run.final_price > run.min_price, "recovers part of the way");
    assert!(run.final_price < run.start_price);
}

#[test]
fn step_9_a_sale_on_one_venue_liquidates_the_other_through_the_link() {
    use flushlab_engine::system::simulate_system;
    let system = flushlab_engine::presets::find_system(
        step(9).demo.system().expect("step 9 shows a system"),
    )
    .expect("its system preset")
    .system;
    assert_eq!(
        system.markets[1].shock_beta, 0.0,
        "the sale hits only the first venue"
    );
    let linked = simulate_system(&system).expect("it runs");
    let alone = simulate_system(&system.all_cut()).expect("it runs");
    let trough = |outcome: &flushlab_engine::system::SystemOutcome| {
        outcome.markets[1].outcome.summary.max_drawdown_pct
    };
    let liquidated = |outcome: &flushlab_engine::system::SystemOutcome| {
        outcome.markets[1]
            .outcome
            .summary
            .liquidated_notional_usd_long
    };
    assert!(trough(&linked) > 2.0 && liquidated(&linked) > 1e8);
    assert_eq!((trough(&alone), liquidated(&alone)), (0.0, 0.0));
    // "falls with the first one's": within half a percent of it by the end.
    let end = |outcome: &flushlab_engine::system::SystemOutcome, i: usize| {
        let summary = &outcome.markets[i].outcome.summary;
        summary.final_price / summary.start_price
    };
    assert!((end(&linked, 0) - end(&linked, 1)).abs() < 0.005);
}
