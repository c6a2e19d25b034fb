//! Options trading leverage: what a long call's leverage is, and how it differs from a perpetual
//! long at the same leverage. The call's effective leverage is its elasticity, Omega =
//! delta x S / C (Black-Scholes at zero rates, `market::black_scholes`); the perpetual is an
//! isolated long at that leverage with the same money put up. The call cannot be liquidated,
//! but it loses value as time passes (decay); the perpetual keeps its value at an unchanged
//! price, and a fall of about 1/leverage liquidates it. docs/model.md §14.6.

use serde::{Deserialize, Serialize};

use crate::error::ScenarioError;
use crate::market::black_scholes::{call_omega, call_price};
use crate::scenario::validate::Checker;

/// Days in the year the volatility is quoted over.
const YEAR_DAYS: f64 = 365.0;
/// The price moves the comparison is drawn at, percent: -50% to +50% in 1% steps.
const MOVES: std::ops::RangeInclusive<i32> = -50..=50;
/// Points along the time to expiry.
const TIME_POINTS: usize = 61;

/// A long call and what to compare it with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSpec {
    /// The strike, percent of the price (above 100: out of the money).
    pub strike_pct: f64,
    /// Implied volatility, percent a year.
    pub implied_vol_pct: f64,
    /// Time to expiry, days.
    pub days_to_expiry: f64,
    /// How long the call and the perpetual are held before the price move is looked at, days
    /// (at most the time to expiry).
    pub days_held: f64,
    /// The perpetual's maintenance margin, a fraction of notional.
    #[serde(default = "default_maintenance")]
    pub maintenance_margin: f64,
}

fn default_maintenance() -> f64 {
    0.005
}

impl Default for OptionSpec {
    fn default() -> Self {
        OptionSpec {
            strike_pct: 105.0,
            implied_vol_pct: 60.0,
            days_to_expiry: 30.0,
            days_held: 7.0,
            maintenance_margin: default_maintenance(),
        }
    }
}

impl OptionSpec {
    /// Reads and validates a spec (JSON; absent fields take the defaults of
    /// [`OptionSpec::default`] only for `maintenance_margin`).
    pub fn from_json(text: &str) -> Result<OptionSpec, ScenarioError> {
        let spec: OptionSpec = crate::scenario::parse_with_paths(text)?;
        spec.validate()?;
        Ok(spec)
    }

    /// Checks every field; all problems at once.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let mut check = Checker::default();
        check.range("strike_pct", self.strike_pct, 10.0, 1_000.0);
        check.range("implied_vol_pct", self.implied_vol_pct, 1.0, 500.0);
        check.range("days_to_expiry", self.days_to_expiry, 0.1, 3_650.0);
        check.range(
            "days_held",
            self.days_held,
            0.0,
            self.days_to_expiry.max(0.0),
        );
        check.range("maintenance_margin", self.maintenance_margin, 0.0, 0.5);
        check.finish()
    }

    fn value(&self, move_pct: f64, days: f64) -> f64 {
        let years = (self.days_to_expiry - days).max(0.0) / YEAR_DAYS;
        call_price(
            100.0 + move_pct,
            self.strike_pct,
            years,
            self.implied_vol_pct / 100.0,
        )
    }

    fn omega(&self, move_pct: f64, days: f64) -> f64 {
        let years = (self.days_to_expiry - days).max(0.0) / YEAR_DAYS;
        call_omega(
            100.0 + move_pct,
            self.strike_pct,
            years,
            self.implied_vol_pct / 100.0,
        )
    }
}

/// The call against the perpetual.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptionLeverage {
    /// The call's price, percent of the asset's price.
    pub premium_pct: f64,
    /// Its effective leverage now (Omega), which the perpetual takes.
    pub leverage: f64,
    /// The fall that liquidates the perpetual at that leverage (percent, negative): its
    /// liquidation price, `(1 - 1/L) / (1 - m)` of the entry.
    pub perp_liquidation_move_pct: f64,
    /// The fall that liquidates a coin-margined (inverse) perpetual long at that leverage and
    /// maintenance margin (percent, negative): its margin is in the coin, which falls with the
    /// position, so it goes sooner ([`liquidation_moves`]).
    #[serde(default)]
    pub inverse_liquidation_move_pct: f64,
    /// Returns after `days_held`, by the price move then.
    pub by_move: Vec<MovePoint>,
    /// The call at an unchanged price as time passes: its value and its leverage.
    pub by_time: Vec<TimePoint>,
}

/// Both positions' return on the money put up, after a price move.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MovePoint {
    pub move_pct: f64,
    /// The call's value then, less its premium, percent of the premium (never below -100).
    pub call_return_pct: f64,
    /// The perpetual's PnL on its margin, percent: leverage x move, or -100 once the move has
    /// reached its liquidation price (its margin is lost).
    pub perp_return_pct: f64,
    /// The call's effective leverage then.
    pub call_leverage: f64,
}

/// The call at an unchanged price, `days` into the holding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimePoint {
    pub days: f64,
    /// Its value, percent of the premium paid.
    pub value_pct_of_premium: f64,
    pub leverage: f64,
}

/// The comparison for a valid `spec`.
pub fn option_leverage(spec: &OptionSpec) -> OptionLeverage {
    let premium = spec.value(0.0, 0.0);
    let leverage = spec.omega(0.0, 0.0);
    let (perp_liquidation_move_pct, inverse_liquidation_move_pct) =
        liquidation_moves(leverage, spec.maintenance_margin);
    let by_move = MOVES
        .map(|pct| {
            let move_pct = f64::from(pct);
            let value = spec.value(move_pct, spec.days_held);
            let perp_return_pct = if move_pct <= perp_liquidation_move_pct {
                -100.0
            } else {
                leverage * move_pct
            };
            MovePoint {
                move_pct,
                call_return_pct: ratio(value - premium, premium) * 100.0,
                perp_return_pct,
                call_leverage: spec.omega(move_pct, spec.days_held),
            }
        })
        .collect();
    let by_time = (0..TIME_POINTS)
        .map(|k| {
            let days = spec.days_to_expiry * k as f64 / (TIME_POINTS - 1) as f64;
            TimePoint {
                days,
                value_pct_of_premium: ratio(spec.value(0.0, days), premium) * 100.0,
                leverage: spec.omega(0.0, days),
            }
        })
        .collect();
    OptionLeverage {
        premium_pct: premium,
        leverage,
        perp_liquidation_move_pct,
        inverse_liquidation_move_pct,
        by_move,
        by_time,
    }
}

/// The falls (percent, negative) that liquidate an isolated perpetual long at `leverage` with
/// maintenance margin `m`: a linear (dollar-margined) one and an inverse (coin-margined) one.
/// Linear: equity `1/L + move` meets `m (1 + move)` at `move = (m - 1/L) / (1 - m)`; none
/// (-100) at or below 1x. Inverse: equity `N/(E L) + N (1/E - 1/P)` coins meets `m N / P` at
/// `P = E (1 + m) L / (L + 1)`, sooner, since its margin falls with the coin (even at 1x).
pub fn liquidation_moves(leverage: f64, m: f64) -> (f64, f64) {
    let linear = if leverage > 1.0 {
        (m - 1.0 / leverage) / (1.0 - m) * 100.0
    } else {
        -100.0
    };
    let inverse = if leverage > 0.0 {
        ((1.0 + m) * leverage / (leverage + 1.0) - 1.0) * 100.0
    } else {
        -100.0
    };
    (linear, inverse)
}

/// `a / b`, or 0 when `b` is 0 (a worthless call has no return to speak of).
fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(result: &OptionLeverage, move_pct: f64) -> &MovePoint {
        result
            .by_move
            .iter()
            .find(|point| point.move_pct == move_pct)
            .expect("the move is drawn")
    }

    #[test]
    fn the_perpetual_takes_the_calls_leverage_and_is_liquidated_near_one_over_it() {
        let result = option_leverage(&OptionSpec::default());
        // A 30-day call 5% out of the money at 60% volatility: about 4.9% of the price.
        assert!(
            (4.0..6.0).contains(&result.premium_pct),
            "{}",
            result.premium_pct
        );
        assert!(
            (8.0..12.0).contains(&result.leverage),
            "{}",
            result.leverage
        );
        let expected = (0.005 - 1.0 / result.leverage) / 0.995 * 100.0;
        assert!((result.perp_liquidation_move_pct - expected).abs() < 1e-12);
        // The coin-margined long at the same leverage, by hand for 8.8x at 0.5%: liquidated at
        // 1.005 x 8.8 / 9.8 = 0.90245 of the entry, a 9.76% fall where the linear one's is
        // (1/8.8 - 0.005) / 0.995 = 10.92%.
        let hand = liquidation_moves(8.8, 0.005);
        assert!((hand.0 + 10.918_227).abs() < 1e-5, "{}", hand.0);
        assert!((hand.1 + 9.755_102).abs() < 1e-5, "{}", hand.1);
        assert!(result.inverse_liquidation_move_pct > result.perp_liquidation_move_pct);
        // At 1x the linear long cannot be liquidated; the inverse one goes near a halving.
        let one = liquidation_moves(1.0, 0.005);
        assert_eq!(one.0, -100.0);
        assert!((one.1 + 49.75).abs() < 1e-9, "{}", one.1);
        // Small moves: both gain or lose about leverage x move at first.
        let small = at(&result, 1.0);
        assert!((small.perp_return_pct - result.leverage).abs() < 1e-9);
        // A fall past the perpetual's liquidation price: it loses all its margin; the call,
        // however far the price falls, loses at most its premium and is not closed.
        for point in &result.by_move {
            assert!(point.call_return_pct >= -100.0);
            if point.move_pct <= result.perp_liquidation_move_pct {
                assert_eq!(point.perp_return_pct, -100.0);
            }
        }
        let fall = at(&result, -15.0);
        assert_eq!(fall.perp_return_pct, -100.0);
        assert!(fall.call_return_pct > -100.0, "{}", fall.call_return_pct);
    }

    #[test]
    fn the_liquidation_moves_are_where_the_engine_liquidates_such_positions() {
        use crate::positions::Terms;
        use crate::scenario::{Contract, Side};
        let entry = 60_000.0;
        for leverage in [1.5, 3.0, 8.8, 25.0, 100.0] {
            for m in [0.0, 0.005, 0.02] {
                let (linear, inverse) = liquidation_moves(leverage, m);
                let size = 1_000_000.0;
                let engine = |contract: Contract, collateral: f64| {
                    let terms = Terms {
                        contract,
                        side: Side::Long,
                        entry,
                        size,
                        collateral,
                    };
                    (terms.liquidation_price(m, 0.0) / entry - 1.0) * 100.0
                };
                let linear_engine = engine(Contract::Linear, size / leverage);
                let inverse_engine = engine(Contract::Inverse, size / entry / leverage);
                assert!((linear - linear_engine).abs() < 1e-9, "{leverage} {m}");
                assert!((inverse - inverse_engine).abs() < 1e-9, "{leverage} {m}");
            }
        }
    }

    #[test]
    fn at_an_unchanged_price_the_call_decays_and_its_leverage_grows_near_the_money() {
        let spec = OptionSpec {
            strike_pct: 100.0,
            ..OptionSpec::default()
        };
        let result = option_leverage(&spec);
        let values: Vec<f64> = result
            .by_time
            .iter()
            .map(|p| p.value_pct_of_premium)
            .collect();
        assert_eq!(values[0], 100.0);
        assert!(values.windows(2).all(|pair| pair[1] <= pair[0]), "decays");
        // At the money the value goes as the square root of the time left: half of it left at
        // a quarter of the time.
        let quarter_left = result
            .by_time
            .iter()
            .find(|p| (p.days - 22.5).abs() < 1e-9)
            .expect("22.5 days in");
        assert!((quarter_left.value_pct_of_premium - 50.0).abs() < 1.0);
        let leverages: Vec<f64> = result.by_time.iter().map(|p| p.leverage).collect();
        assert!(leverages[1..leverages.len() - 1]
            .windows(2)
            .all(|pair| pair[1] >= pair[0]));
        // Held a week with no move, the call has lost value the perpetual kept.
        assert!(at(&result, 0.0).call_return_pct < -5.0);
        assert_eq!(at(&result, 0.0).perp_return_pct, 0.0);
    }

    #[test]
    fn a_deep_in_the_money_call_levers_like_the_asset_over_its_premium() {
        let spec = OptionSpec {
            strike_pct: 50.0,
            implied_vol_pct: 20.0,
            ..OptionSpec::default()
        };
        let result = option_leverage(&spec);
        assert!(
            (result.leverage - 100.0 / 50.0).abs() < 1e-3,
            "{}",
            result.leverage
        );
    }

    #[test]
    fn a_bad_spec_names_its_fields() {
        let spec = OptionSpec {
            strike_pct: 0.0,
            days_held: 40.0,
            ..OptionSpec::default()
        };
        let error = spec.validate().expect_err("two problems");
        let paths: Vec<&str> = error.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["strike_pct", "days_held"]);
    }
}
