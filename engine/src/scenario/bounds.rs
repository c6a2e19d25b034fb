//! Bounds on products of fields, checked with the rest of validation: every amount a run books
//! must stay inside the ledger's exact range, so that every valid scenario reports a finite,
//! balanced ledger (issue 12). One field at a time cannot promise that: a position's largest gain
//! or loss depends on its size, its entry and how far the price can go, which is between the
//! book's floor and ceiling (docs/model.md §2.4). docs/scenario.md §2 documents the bound.

use crate::error::Rule;
use crate::market::{PRICE_CEILING_MULTIPLE, PRICE_FLOOR_FRACTION};
use crate::outcome::MoneyUnit;
use crate::scenario::validate::Checker;
use crate::scenario::{Contract, Positions, Scenario};

/// Most money (USD for linear contracts, coin for inverse) the positions may have at stake: the
/// sum over positions of the largest gain or loss each can make between the price floor and
/// ceiling. The ledger is exact up to about 7.9e20 (a `Decimal` at 8 places); this leaves room
/// for top-ups (at most 100 times a position's margin, which is below its stake), fees, the
/// insurance fund and the sums of all of them.
pub const MAX_MONEY_AT_STAKE: f64 = 1e18;

/// How far a generated entry can lie from the start price, in standard deviations of the spread:
/// a Box-Muller draw from 53-bit uniforms is at most sqrt(-2 ln 2^-53) < 8.6.
const MAX_ENTRY_DEVIATIONS: f64 = 8.6;

/// The largest gain or loss one position of `size` (USD at entry, or contracts) entered at
/// `entry` can make while the price stays in [floor, ceiling], in money.
fn stake(contract: Contract, size: f64, entry: f64, floor: f64, ceiling: f64) -> f64 {
    match contract {
        // coins * |exit - entry|: a long loses at most its notional, a short at most
        // coins * (ceiling - entry); either gains at most the other.
        Contract::Linear => size * (ceiling / entry).max(1.0),
        // contracts * |1/entry - 1/exit|, coin.
        Contract::Inverse => size * (1.0 / entry).max(1.0 / floor),
    }
}

/// Checks that the positions' money at stake is at most [`MAX_MONEY_AT_STAKE`] (only once every
/// field it reads is itself valid: `valid` says so).
pub(super) fn validate_money_at_stake(scenario: &Scenario, valid: bool, check: &mut Checker) {
    if !valid {
        return;
    }
    let price = scenario.market.price;
    let floor = price * PRICE_FLOOR_FRACTION;
    let ceiling = price * PRICE_CEILING_MULTIPLE;
    let contract = scenario.market.contract;
    let (path, at_stake) = match &scenario.positions {
        Positions::List(list) => (
            "positions.list",
            list.iter()
                .map(|p| stake(contract, p.notional_usd, p.entry, floor, ceiling))
                .sum::<f64>(),
        ),
        Positions::Generate(population) => {
            let spread = population.entry_spread_pct / 100.0 * MAX_ENTRY_DEVIATIONS;
            let lowest_entry = price * libm::exp(-spread);
            (
                "positions.generate.open_interest_usd",
                stake(
                    contract,
                    population.open_interest_usd,
                    lowest_entry,
                    floor,
                    ceiling,
                ),
            )
        }
    };
    if at_stake.is_nan() || at_stake > MAX_MONEY_AT_STAKE {
        let unit = MoneyUnit::of(contract);
        check.fail(path, Rule::MoneyAtStake { at_stake, unit });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(contract: &str, price: f64, positions: &str) -> Result<Scenario, String> {
        Scenario::from_json(&format!(
            r#"{{"version": 1,
                "market": {{"price": {price}, "contract": "{contract}",
                            "book": {{"profile": "linear", "depth_1pct_usd": 1e6}}}},
                "positions": {positions}, "shock": {{"kind": "instant", "pct": -5}}}}"#
        ))
        .map_err(|error| error.to_string())
    }

    #[test]
    fn every_valid_generated_linear_population_is_within_the_bound() {
        let widest = r#"{"generate": {"count": 2, "open_interest_usd": 1e13, "entry_spread_pct": 20,
            "leverage_buckets": [{"min": 1, "max": 2, "weight": 1}]}}"#;
        for price in [1e-6, 1.0, 1e9] {
            assert!(scenario("linear", price, widest).is_ok(), "{price}");
        }
    }

    #[test]
    fn a_position_far_below_the_price_or_an_inverse_book_at_a_tiny_price_is_rejected() {
        let error = scenario(
            "linear",
            1e9,
            r#"{"list": [{"side": "short", "notional_usd": 1e12, "entry": 0.000001, "leverage": 2}]}"#,
        )
        .unwrap_err();
        assert!(
            error.starts_with("positions.list: the positions could gain or lose up to"),
            "{error}"
        );
        assert!(error.contains("USD"), "{error}");
        let error = scenario(
            "inverse",
            1e-6,
            r#"{"generate": {"count": 2, "open_interest_usd": 1e13,
                "leverage_buckets": [{"min": 1, "max": 2, "weight": 1}]}}"#,
        )
        .unwrap_err();
        assert!(
            error.starts_with("positions.generate.open_interest_usd:"),
            "{error}"
        );
        assert!(error.contains("coin"), "{error}");
    }
}
