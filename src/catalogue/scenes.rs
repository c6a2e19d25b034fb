//! The scenarios the text loads, as edits of presets: each is named for what it shows, so the
//! glossary and the tour can share one and its oracle can vary one thing at a time.

use flushlab_engine::scenario::{
    Book, CircuitBreaker, Delever, LeverageBucket, MaintenanceMargin, PositionSpec, Positions,
    Shock, ShockKind, Side, TopUp,
};
use flushlab_engine::Scenario;

/// The leverages of [`six_longs`], low to high.
pub const SIX_LEVERAGES: [f64; 6] = [2.0, 5.0, 10.0, 25.0, 50.0, 100.0];

/// Six longs of $10,000 each, 2x to 100x, entered at the start price of a deep market (too
/// small to move it), hit by a 3% drop: each liquidation price stands alone.
pub fn six_longs(scenario: &mut Scenario) {
    list_of_longs(scenario, &SIX_LEVERAGES);
    scenario.shock = instant(-3.0);
}

/// [`six_longs`] hit by a 5% drop.
pub fn six_longs_five_pct(scenario: &mut Scenario) {
    six_longs(scenario);
    scenario.shock = instant(-5.0);
}

/// [`six_longs`] without the 100x (which a 1.5% rate would not admit), at a 1.5% maintenance
/// rate instead of 0.5%.
pub fn five_longs_high_margin(scenario: &mut Scenario) {
    list_of_longs(scenario, &SIX_LEVERAGES[..5]);
    scenario.shock = instant(-3.0);
    scenario.venue.maintenance_margin = MaintenanceMargin::Flat(0.015);
}

/// Longs of $10,000 at the start price, one per leverage.
pub fn list_of_longs(scenario: &mut Scenario, leverages: &[f64]) {
    let entry = scenario.market.price;
    scenario.positions = Positions::List(
        leverages
            .iter()
            .map(|&leverage| PositionSpec {
                side: Side::Long,
                notional_usd: 10_000.0,
                entry,
                leverage,
            })
            .collect(),
    );
}

/// Depth within 1% of the tour's quiet market: $150M for the calm market's $2bn of open interest
/// (7.5% of it, three times the deepest book on record: docs/presets.md), so that one step can
/// show a tipping point on its own crowd.
pub const QUIET_MARKET_DEPTH_USD: f64 = 150e6;

/// The calm market's open interest on a deeper book where market makers stay
/// ([`QUIET_MARKET_DEPTH_USD`]), every trader at 10-25x with entries close to the price, hit by a
/// 4% drop: just past its tipping point.
pub fn quiet_market_at_10_to_25x(scenario: &mut Scenario) {
    scenario.market.book = Book::Power {
        depth_1pct_usd: QUIET_MARKET_DEPTH_USD,
        exponent: 1.5,
    };
    scenario.market.withdrawal = 0.0;
    if let Positions::Generate(population) = &mut scenario.positions {
        population.leverage_buckets = vec![LeverageBucket {
            min: 10.0,
            max: 25.0,
            weight: 1.0,
        }];
        population.entry_spread_pct = 0.5;
    }
    scenario.shock = instant(-4.0);
}

/// Over-levered longs as a 4% slide over two minutes, with 60% of traders adding as much
/// collateral again when the mark comes within 3% of their liquidation price and 30% halving
/// their positions once the price turns volatile.
pub fn traders_adjust(scenario: &mut Scenario) {
    slide_over_two_minutes(scenario);
    scenario.traders.top_up = Some(TopUp {
        share: 0.6,
        alert_pct: 3.0,
        delay_s: 0.0,
        budget_multiple: 1.0,
    });
    scenario.traders.delever = Some(Delever {
        share: 0.3,
        volatility_threshold_pct: 0.02,
        window_steps: 10,
        fraction: 0.5,
    });
}

/// The 4% drop of [`traders_adjust`] as a two-minute ramp, nobody adjusting.
pub fn slide_over_two_minutes(scenario: &mut Scenario) {
    scenario.shock = Shock {
        kind: ShockKind::Ramp,
        pct: -4.0,
        notional_usd: 0.0,
        duration_s: 120.0,
        path: Vec::new(),
    };
}

/// The fund-drained crowd on a venue that throttles liquidations to $50M a step, halts for 20
/// steps after a 5% move within 30, and faces predators hunting the long cluster.
pub fn venue_machine(scenario: &mut Scenario) {
    scenario.venue.max_liquidation_usd_per_step = Some(50e6);
    scenario.venue.circuit_breaker = Some(CircuitBreaker {
        move_pct: 5.0,
        window_steps: 30,
        halt_steps: 20,
    });
    scenario.agents.predators = Some(flushlab_engine::scenario::Predators {
        capital_usd: 30e6,
        distance_pct: 5.0,
        min_cluster_usd: 50e6,
        sell_steps: 10,
    });
}

/// Auto-deleveraging switched off: what the fund cannot pay is bad debt.
pub fn without_adl(scenario: &mut Scenario) {
    scenario.venue.adl = flushlab_engine::scenario::Adl::Off;
}

/// The mark follows the last price with a 30 s half-life instead of 1 s.
pub fn slow_mark(scenario: &mut Scenario) {
    scenario.market.mark_smoothing_s = 30.0;
}

/// Market makers pull 10% of depth for each 1% the mark moves (the preset: 4%).
pub fn fast_withdrawal(scenario: &mut Scenario) {
    scenario.market.withdrawal = 0.1;
}

/// A halt of 60 steps when the price moves more than 4.5% within 5 steps.
pub fn circuit_breaker(scenario: &mut Scenario) {
    scenario.venue.circuit_breaker = Some(CircuitBreaker {
        move_pct: 4.5,
        window_steps: 5,
        halt_steps: 60,
    });
}

/// At most $50M liquidated per step.
pub fn throughput_cap(scenario: &mut Scenario) {
    scenario.venue.max_liquidation_usd_per_step = Some(50e6);
}

/// The venue's controls together: positions opened under a 20x cap, the throughput cap and the
/// circuit breaker.
pub fn leverage_controls(scenario: &mut Scenario) {
    cap_leverage(scenario, 20.0);
    throughput_cap(scenario);
    circuit_breaker(scenario);
}

/// Every generated position at most `max` times levered, as if opened under a venue's cap.
pub fn cap_leverage(scenario: &mut Scenario, max: f64) {
    if let Positions::Generate(population) = &mut scenario.positions {
        for bucket in &mut population.leverage_buckets {
            bucket.min = bucket.min.min(max);
            bucket.max = bucket.max.min(max);
        }
    }
}

/// The same open interest with three times the weight at 25x and above (and 0.7 times below).
pub fn concentrated_at_high_leverage(scenario: &mut Scenario) {
    if let Positions::Generate(population) = &mut scenario.positions {
        for bucket in &mut population.leverage_buckets {
            bucket.weight *= if bucket.min >= 25.0 { 3.0 } else { 0.7 };
        }
    }
}

/// The preset's shock as a 5% drop.
pub fn five_pct_drop(scenario: &mut Scenario) {
    scenario.shock = instant(-5.0);
}

/// No edit: the preset as it is.
pub fn as_is(_: &mut Scenario) {}

/// An instant gap of `pct` percent.
pub fn instant(pct: f64) -> Shock {
    Shock {
        kind: ShockKind::Instant,
        pct,
        notional_usd: 0.0,
        duration_s: 0.0,
        path: Vec::new(),
    }
}
