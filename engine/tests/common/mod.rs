//! Scenario builders shared by the integration tests.
#![allow(dead_code)]

use flushlab_engine::Scenario;

/// The format example from the engine issue, verbatim.
pub const FORMAT_EXAMPLE: &str = r#"{"version": 1, "seed": 7,
 "market": {"price": 100.0, "contract": "linear",
            "book": {"profile": "linear", "depth_1pct_usd": 1000000.0},
            "resilience_half_life_s": null, "withdrawal": 0.0, "mark_smoothing_s": 0.0},
 "positions": {"list": [{"side": "long", "notional_usd": 2500.0, "entry": 100.0, "leverage": 10.0}]},
 "venue": {"maintenance_margin": 0.005, "liquidation_fee": 0.0, "insurance_fund_usd": 0.0,
           "partial_liquidation": false, "max_liquidation_usd_per_step": null,
           "adl": "off", "circuit_breaker": null},
 "shock": {"kind": "instant", "pct": -5.0},
 "run": {"steps": 200, "step_s": 1.0}}"#;

/// Longs entered at 100 with zero maintenance margin, one every `spacing_pct` of drawdown from
/// `first_pct` to `last_pct`, each selling `coins`: a uniform band of liquidation density
/// `coins / spacing_pct` coins per 1% of drawdown.
pub fn uniform_band(
    first_pct: f64,
    last_pct: f64,
    spacing_pct: f64,
    coins: f64,
    depth_1pct_usd: f64,
    shock_pct: f64,
) -> Scenario {
    let mut positions = Vec::new();
    let count = ((last_pct - first_pct) / spacing_pct).round() as usize + 1;
    for k in 0..count {
        let drawdown = first_pct + spacing_pct * k as f64;
        positions.push(format!(
            r#"{{"side": "long", "notional_usd": {}, "entry": 100.0, "leverage": {}}}"#,
            coins * 100.0,
            100.0 / drawdown
        ));
    }
    let json = format!(
        r#"{{"version": 1, "market": {{"price": 100.0, "book": {{"profile": "linear", "depth_1pct_usd": {depth_1pct_usd}}}}},
            "positions": {{"list": [{}]}}, "venue": {{"maintenance_margin": 0.0}},
            "shock": {{"kind": "instant", "pct": {shock_pct}}}, "run": {{"steps": 5000}}}}"#,
        positions.join(",")
    );
    Scenario::from_json(&json).expect("uniform band scenario is valid")
}

/// A generated population on a linear book.
pub fn generated(
    count: usize,
    open_interest_usd: f64,
    depth_1pct_usd: f64,
    shock_pct: f64,
) -> Scenario {
    let json = format!(
        r#"{{"version": 1, "seed": 11,
            "market": {{"price": 100.0, "book": {{"profile": "linear", "depth_1pct_usd": {depth_1pct_usd}}}}},
            "positions": {{"generate": {{"count": {count}, "open_interest_usd": {open_interest_usd}, "long_share": 0.7,
                "leverage_buckets": [{{"min": 2, "max": 5, "weight": 1}}, {{"min": 5, "max": 20, "weight": 2}},
                                     {{"min": 20, "max": 100, "weight": 1}}],
                "entry_spread_pct": 2.0, "size_dispersion": 0.5}}}},
            "venue": {{"maintenance_margin": 0.005, "liquidation_fee": 0.005, "insurance_fund_usd": 100000.0}},
            "shock": {{"kind": "instant", "pct": {shock_pct}}}, "run": {{"steps": 300}}}}"#
    );
    Scenario::from_json(&json).expect("generated scenario is valid")
}
