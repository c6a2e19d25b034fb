//! Options trading leverage: what a long call's leverage is, and how it differs from a perpetual
//! long at the same leverage. The call's effective leverage is its elasticity, Omega =
//! delta x S / C (Black-Scholes at zero rates, `market::black_scholes`); the perpetual is an
//! isolated long at that leverage with the same money put up. The call cannot be liquidated,
//! but it loses value as time passes (decay); the perpetual keeps its value at an unchanged
//! price, and a fall of about 1/leverage liquidates it. docs/model.md §14.6.

use serde::{Deserialize, Serialize};

use crate::error::ScenarioError;
use crate::market::black_scholes::{call_omega, call_price, normal_cdf};
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
    /// Whether a perpetual at the call's leverage can be opened at all: below `1 / m`, the
    /// leverage at which its margin is its maintenance margin (at or above it, it would be
    /// liquidatable as it opens, and a venue refuses it).
    #[serde(default = "yes")]
    pub perp_opens: bool,
    /// The chance, percent, that the price ends the holding at or past the perpetual's
    /// liquidation price, and that it touches that price at any time during the holding (when
    /// the perpetual is liquidated, whatever the price does after), under the call's implied
    /// volatility at zero rates ([`liquidation_odds`]); 0 for a perpetual that cannot open or
    /// a holding of no time.
    #[serde(default)]
    pub perp_liquidation_end_chance_pct: f64,
    #[serde(default)]
    pub perp_liquidation_touch_chance_pct: f64,
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
    /// reached its liquidation price (its margin is lost; -100 everywhere for one that cannot
    /// open). Only where the price ends: on the way it may have touched the liquidation price
    /// and been liquidated ([`OptionLeverage::perp_liquidation_touch_chance_pct`]).
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
    let perp_opens = perp_liquidation_move_pct < 0.0;
    let (perp_liquidation_end_chance_pct, perp_liquidation_touch_chance_pct) = if perp_opens {
        liquidation_odds(
            perp_liquidation_move_pct,
            spec.implied_vol_pct / 100.0,
            spec.days_held / YEAR_DAYS,
        )
    } else {
        (0.0, 0.0)
    };
    let by_move = MOVES
        .map(|pct| {
            let move_pct = f64::from(pct);
            let value = spec.value(move_pct, spec.days_held);
            let perp_return_pct = if !perp_opens || move_pct <= perp_liquidation_move_pct {
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
        perp_opens,
        perp_liquidation_end_chance_pct: perp_liquidation_end_chance_pct * 100.0,
        perp_liquidation_touch_chance_pct: perp_liquidation_touch_chance_pct * 100.0,
        by_move,
        by_time,
    }
}

fn yes() -> bool {
    true
}

/// The chances (fractions) that a price following a driftless geometric Brownian motion (zero
/// rates, the risk-neutral path Black-Scholes prices the call on) at volatility `vol` a year
/// ends `years` at or below `move_pct` from where it starts, and that its running minimum
/// reaches that level. With `x = ln(S/S0)` a Brownian motion of drift `-vol^2/2` and
/// `a = ln(1 + move)`: ending below is `N((a + vol^2 T/2) / (vol sqrt T))`; touching adds the
/// paths that crossed and came back, by the reflection principle `e^(-a) N((a - vol^2 T/2) /
/// (vol sqrt T))` (the first-passage law of a Brownian motion with drift).
pub fn liquidation_odds(move_pct: f64, vol: f64, years: f64) -> (f64, f64) {
    if !(years > 0.0 && vol > 0.0) || move_pct <= -100.0 {
        return (0.0, 0.0);
    }
    let a = libm::log1p(move_pct / 100.0);
    let spread = vol * libm::sqrt(years);
    let half_variance = vol * vol * years / 2.0;
    let ends = normal_cdf((a + half_variance) / spread);
    let touches = ends + libm::exp(-a) * normal_cdf((a - half_variance) / spread);
    (ends, touches.min(1.0))
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

    /// The closed-form chances against paths drawn with the same law: each path's log price
    /// steps by independent normals, and between two steps the chance the path dipped to the
    /// level and back is the Brownian bridge's `exp(-2 (x0 - a)(x1 - a) / (vol^2 dt))`, so
    /// the count of touches is not short by what discrete steps miss.
    #[test]
    fn the_liquidation_odds_match_paths_drawn_with_a_brownian_bridge() {
        let (vol, years, move_pct) = (0.6, 7.0 / 365.0, -10.95);
        let (ends, touches) = liquidation_odds(move_pct, vol, years);
        let a = libm::log1p(move_pct / 100.0);
        let (paths, steps) = (40_000, 40);
        let dt = years / f64::from(steps);
        let mut seed = 0x2545_F491_4F6C_DD1D_u64;
        let mut uniform = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            ((seed >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        let (mut ended, mut touched) = (0.0, 0.0);
        for _ in 0..paths {
            let (mut x, mut hit) = (0.0_f64, 0.0_f64);
            let mut missed = 1.0;
            for _ in 0..steps {
                let z = libm::sqrt(-2.0 * libm::log(uniform()))
                    * libm::cos(std::f64::consts::TAU * uniform());
                let next = x - vol * vol * dt / 2.0 + vol * libm::sqrt(dt) * z;
                if next <= a {
                    hit = 1.0;
                } else if x > a {
                    missed *= 1.0 - libm::exp(-2.0 * (x - a) * (next - a) / (vol * vol * dt));
                }
                x = next;
            }
            ended += f64::from(u8::from(x <= a));
            touched += if hit > 0.0 { 1.0 } else { 1.0 - missed };
        }
        let (ended, touched) = (ended / f64::from(paths), touched / f64::from(paths));
        // Four standard errors of 40,000 paths.
        assert!((ended - ends).abs() < 0.006, "{ended} against {ends}");
        assert!(
            (touched - touches).abs() < 0.008,
            "{touched} against {touches}"
        );
        // About twice as likely to touch as to end there, as for a driftless walk.
        assert!(
            (1.8..2.05).contains(&(touches / ends)),
            "{touches} / {ends}"
        );
        // The default call's perpetual: 8.8% to end below, 17.2% to touch.
        let result = option_leverage(&OptionSpec::default());
        assert!((8.5..9.1).contains(&result.perp_liquidation_end_chance_pct));
        assert!((16.9..17.6).contains(&result.perp_liquidation_touch_chance_pct));
    }

    #[test]
    fn a_perpetual_past_one_over_its_maintenance_margin_cannot_open() {
        // Two days to a call struck at twice the price: hundreds of times levered.
        let spec = OptionSpec {
            strike_pct: 200.0,
            implied_vol_pct: 40.0,
            days_to_expiry: 2.0,
            days_held: 1.0,
            ..OptionSpec::default()
        };
        let result = option_leverage(&spec);
        assert!(result.leverage > 200.0, "{}", result.leverage);
        assert!(!result.perp_opens);
        assert!(result
            .by_move
            .iter()
            .all(|point| point.perp_return_pct == -100.0));
        assert_eq!(result.perp_liquidation_touch_chance_pct, 0.0);
        assert!(option_leverage(&OptionSpec::default()).perp_opens);
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
