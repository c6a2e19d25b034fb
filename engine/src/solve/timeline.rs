//! The timeline solver: the flush step by step, with everything time-dependent.
//!
//! Each step: the exogenous shock moves the book, consumed depth refills (resilience), market
//! makers set their depth from how far the mark has moved (withdrawal), traders and agents trade,
//! the mark follows the last price, top-ups land, then every position whose trigger the mark has
//! crossed is liquidated (up to the throughput cap) with one market order per side, settled in
//! exact money. A circuit breaker halts all of it for a number of steps after a large move.

use crate::error::ScenarioError;
use crate::market::{depth_share, MarkPrice, OrderBook};
use crate::outcome::{LiquidationMap, OpenInterestByBucket, Outcome, Step, Summary};
use crate::positions::{PositionTable, StartState};
use crate::scenario::{Contract, Scenario, ShockKind, Side};
use crate::solve::crossing::{crossed_count, size_before};
use crate::traders::{Delevering, DipBuying, Predation, TopUps};
use crate::venue::{LiquidationEngine, Path};

/// Validates, builds the population and runs the timeline.
pub fn simulate(scenario: &Scenario) -> Result<Outcome, ScenarioError> {
    scenario.validate()?;
    let table = PositionTable::build(scenario);
    Ok(run(scenario, &table))
}

/// Runs the timeline on an already built population (validated scenario).
pub fn run(scenario: &Scenario, table: &PositionTable) -> Outcome {
    run_with(scenario, table, Path::Fast)
}

/// Runs the timeline on `table` the given way: [`Path::Reference`] settles one position at a
/// time with no cached state, the spec the fast path must equal byte for byte.
pub fn run_with(scenario: &Scenario, table: &PositionTable, path: Path) -> Outcome {
    let plain_start;
    let venue = match path {
        Path::Fast => LiquidationEngine::new(table, &scenario.venue),
        Path::Reference => {
            plain_start = StartState::plain(table);
            LiquidationEngine::reference(table, &scenario.venue, &plain_start)
        }
    };
    run_engine(scenario, table, venue)
}

fn run_engine(scenario: &Scenario, table: &PositionTable, mut venue: LiquidationEngine) -> Outcome {
    let market = &scenario.market;
    let step_s = scenario.run.step_s;
    let steps = scenario.run.steps;
    let start = market.price;
    let mut book = OrderBook::new(market);
    let mut mark = MarkPrice::new(start, market.mark_smoothing_s, step_s);
    let shock_pct = scenario.shock.move_pct(market);
    let oi_before = table.open_interest_by_bucket();

    let mut top_ups = scenario
        .traders
        .top_up
        .as_ref()
        .map(|rules| TopUps::new(rules, table, step_s));
    let mut delevering = scenario.traders.delever.as_ref().map(Delevering::new);
    let mut dip_buying = scenario.traders.dip_buyers.as_ref().map(DipBuying::new);
    let mut predation = scenario
        .agents
        .predators
        .as_ref()
        .map(|rules| Predation::new(rules, shock_pct));
    let refill = market
        .resilience_half_life_s
        .map(|half_life| libm::exp2(-step_s / half_life));
    let breaker = scenario.venue.circuit_breaker.clone();

    let mut history: Vec<f64> = Vec::with_capacity(steps as usize + 1);
    history.push(start);
    let mut records: Vec<Step> = Vec::with_capacity(steps as usize);
    let (mut long_by_step, mut short_by_step) = (
        Vec::with_capacity(steps as usize),
        Vec::with_capacity(steps as usize),
    );
    let mut halted_until: Option<u32> = None;
    let mut halted_steps = 0;
    let mut last_liquidation_step = None;
    let mut forced_coins = 0.0;
    let ramp_steps = scenario.shock.ramp_steps(step_s);
    let mut shock_step = 0u32;

    for step in 0..steps {
        let halted = halted_until.is_some_and(|until| step < until);
        if let Some(factor) = refill {
            book.refill(factor);
        }
        let mut liquidations = Default::default();
        if halted {
            halted_steps += 1;
            mark.follow(book.last());
        } else {
            scenario.shock.apply_step(&mut book, shock_step, ramp_steps);
            shock_step += 1;
            book.set_depth_share(depth_share(market, start, mark.value()));
            if let Some(delevering) = delevering.as_mut() {
                delevering.step(&history, mark.value(), &mut book, &mut venue);
            }
            if let Some(predation) = predation.as_mut() {
                predation.step(table, mark.value(), forced_coins, &mut book);
            }
            if let Some(dip_buying) = dip_buying.as_mut() {
                dip_buying.step(&mut book);
            }
            let mark_now = mark.follow(book.last());
            if let Some(top_ups) = top_ups.as_mut() {
                top_ups.step(step, mark_now, &mut venue);
            }
            venue.collect_triggered(mark_now);
            let orders = venue.take_orders(mark_now);
            liquidations = venue.liquidate(&orders, &mut book, mark_now);
            if !orders.is_empty() {
                last_liquidation_step = Some(step);
            }
        }
        let liquidations: crate::venue::StepLiquidations = liquidations;
        forced_coins = if shock_pct < 0.0 {
            liquidations.long_coins
        } else {
            liquidations.short_coins
        };
        let last = book.last();
        history.push(last);
        records.push(Step {
            t_s: f64::from(step + 1) * step_s,
            last,
            mark: mark.value(),
            liquidated_long_usd: liquidations.long_usd,
            liquidated_short_usd: liquidations.short_usd,
            liquidated_long_count: liquidations.long_count,
            liquidated_short_count: liquidations.short_count,
            depth_1pct_usd: book.bid_depth_1pct_usd(),
            insurance_fund_usd: venue.ledger.insurance_fund.to_f64(),
            adl_usd: liquidations.adl_usd,
            bad_debt_usd: liquidations.bad_debt_usd,
            open_interest_usd: venue.open_interest(),
            halted,
        });
        let (longs, shorts) = venue.open_by_bucket();
        long_by_step.push(longs);
        short_by_step.push(shorts);
        if let Some(breaker) = &breaker {
            let window = breaker.window_steps as usize;
            if !halted && history.len() > window {
                let before = history[history.len() - 1 - window];
                if (last - before).abs() / before * 100.0 > breaker.move_pct {
                    halted_until = Some(step + 1 + breaker.halt_steps);
                }
            }
        }
    }

    // A ramp cut short by the end of the run (or paused by halts) moved the top only partly.
    let shock_pct = if scenario.shock.kind == ShockKind::Ramp {
        scenario.shock.pct * f64::from(shock_step.min(ramp_steps)) / f64::from(ramp_steps)
    } else {
        shock_pct
    };
    let final_mark = mark.value();
    let (open_equity, open_pnl) = venue.mark_open(final_mark);
    let ledger_report = venue.ledger.close(open_equity, open_pnl);
    let min_price = history.iter().copied().fold(f64::INFINITY, f64::min);
    let max_price = history.iter().copied().fold(0.0, f64::max);
    let max_drawdown_pct = (start - min_price) / start * 100.0;
    let max_rise_pct = (max_price - start) / start * 100.0;
    let amplification = if shock_pct < 0.0 {
        max_drawdown_pct / -shock_pct
    } else if shock_pct > 0.0 {
        max_rise_pct / shock_pct
    } else {
        1.0
    };
    let oi_after = venue.open_by_bucket_recounted();
    let labels: Vec<String> = table.buckets.iter().map(|bucket| bucket.label()).collect();
    let summary = Summary {
        start_price: start,
        final_price: book.last(),
        final_mark,
        min_price,
        max_price,
        max_drawdown_pct,
        max_rise_pct,
        shock_pct,
        amplification,
        liquidated_count_long: venue.liquidated_count_long,
        liquidated_count_short: venue.liquidated_count_short,
        liquidated_notional_usd_long: venue.liquidated_usd_long,
        liquidated_notional_usd_short: venue.liquidated_usd_short,
        partial_liquidations: venue.partial_liquidations,
        insurance_fund_end_usd: venue.ledger.insurance_fund.to_f64(),
        adl_notional_usd: venue.ledger.adl_notional.to_f64(),
        bad_debt_usd: venue.ledger.bad_debt.to_f64(),
        top_ups_usd: venue.ledger.top_ups.to_f64(),
        delevered_notional_usd: delevering.as_ref().map_or(0.0, |d| d.notional),
        dip_buyers_bought_usd: dip_buying.as_ref().map_or(0.0, |d| d.spent_usd),
        predator_pnl_usd: predation.as_ref().map_or(0.0, |p| p.pnl_usd(final_mark)),
        halted_steps,
        last_liquidation_step,
        money_unit: match market.contract {
            Contract::Linear => "USD",
            Contract::Inverse => "coin",
        },
    };
    Outcome {
        summary,
        steps: records,
        liquidation_map: liquidation_map(table, start),
        open_interest: OpenInterestByBucket {
            buckets: labels,
            long_before_usd: oi_before.0,
            short_before_usd: oi_before.1,
            long_after_usd: oi_after.0,
            short_after_usd: oi_after.1,
            long_by_step_usd: long_by_step,
            short_by_step_usd: short_by_step,
        },
        ledger: ledger_report,
    }
}

/// Levels of the liquidation map: -40% to +40% of the start price in 0.5% steps.
const MAP_LEVELS: usize = 161;

/// Cumulative notional that would be liquidated if the price reached each level, by bucket.
pub fn liquidation_map(table: &PositionTable, start: f64) -> LiquidationMap {
    let prices: Vec<f64> = (0..MAP_LEVELS)
        .map(|k| start * (0.6 + 0.005 * k as f64))
        .collect();
    let buckets = table.buckets.len();
    let mut long_usd = vec![vec![0.0; MAP_LEVELS]; buckets];
    let mut short_usd = vec![vec![0.0; MAP_LEVELS]; buckets];
    for group in table.groups.iter().filter(|group| group.scale > 0.0) {
        for (k, &price) in prices.iter().enumerate() {
            let reached = match group.side {
                Side::Long if price < start => crossed_count(table, group, price),
                Side::Short if price > start => crossed_count(table, group, price),
                _ => 0,
            };
            let size = group.scale * size_before(table, group, reached);
            match group.side {
                Side::Long => long_usd[group.bucket][k] += size,
                Side::Short => short_usd[group.bucket][k] += size,
            }
        }
    }
    LiquidationMap {
        prices,
        buckets: table.buckets.iter().map(|bucket| bucket.label()).collect(),
        long_usd,
        short_usd,
    }
}
