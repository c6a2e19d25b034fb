//! Exact money. Every amount is a [`Money`]: a whole number of 1e-8 units (a millionth of a cent
//! for USD, a satoshi for coin) held in an `i128`, so sums never round and the ledger
//! ([`crate::ledger`]) closes exactly. Here: the amount type, the conversions from the model's
//! f64 quantities to 8-place fixed point, and the exact PnL formulas.
//!
//! Integer arithmetic gives the same bits on every platform, and it is cheap: a run books tens of
//! thousands of flows. Decimals (`rust_decimal`) appear only in the report. The fixed-point
//! arithmetic behind the formulas is in [`exact`]; columns of fixed-point numbers in
//! [`column`](mod@column).

pub mod column;
pub mod exact;

use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use rust_decimal::Decimal;

use exact::{div_units, mul_div_round, product, SplitProduct};

/// Decimal places of every money amount (and of the fixed-point prices and sizes PnL is computed
/// from).
pub const MONEY_DP: u32 = 8;

/// Units in one whole: 10^8.
pub const UNITS: i128 = 100_000_000;

/// Largest magnitude, in units, of one amount converted from the model (about 7.9e20 whole): the
/// most a `Decimal` holds at 8 places. Larger values saturate here.
pub const MAX_UNITS: i128 = (1 << 96) - 1;

/// An exact amount of money: a whole number of 1e-8 units. Arithmetic saturates instead of
/// overflowing (no input can make it panic); a report whose amounts leave the `Decimal` range says
/// it is not balanced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i128);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_units(units: i128) -> Money {
        Money(units)
    }

    pub const fn units(self) -> i128 {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// For charts and summaries (display only, never for money sums).
    pub fn to_f64(self) -> f64 {
        match i64::try_from(self.0) {
            Ok(small) => small as f64 / UNITS as f64,
            // Beyond 9.2e10 whole, the fraction is below f64 resolution anyway.
            Err(_) => (self.0 / UNITS) as f64 + (self.0 % UNITS) as f64 / UNITS as f64,
        }
    }

    /// The amount as a decimal with 8 places; `None` beyond what a `Decimal` holds.
    pub fn to_decimal(self) -> Option<Decimal> {
        Decimal::try_from_i128_with_scale(self.0, MONEY_DP).ok()
    }

    /// `self * fraction` for a fraction in 8-place units, rounded half to even.
    pub fn times_fraction(self, fraction: i128) -> Money {
        let magnitude = mul_div_round(
            self.0.unsigned_abs(),
            fraction.unsigned_abs(),
            UNITS as u128,
        );
        signed(negative_product(self.0, fraction), magnitude)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0.saturating_sub(other.0))
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(self.0.saturating_neg())
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, other: Money) {
        *self = *self + other;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, other: Money) {
        *self = *self - other;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

/// A model quantity (f64) in 8-place fixed point: `round(value * 1e8)`, half away from zero,
/// saturating at [`MAX_UNITS`]; NaN becomes zero (validation keeps it out; this keeps a bug from
/// becoming a panic).
pub fn fixed(value: f64) -> i128 {
    if let Some(units) = fixed_i64(value) {
        return i128::from(units);
    }
    let scaled = value * 1e8;
    if scaled.is_nan() {
        0
    } else {
        (scaled as i128).clamp(-MAX_UNITS, MAX_UNITS)
    }
}

/// [`fixed`] for values below about 9e10 in magnitude (`None` above), in 64 bits: the common case,
/// without library calls: truncate, then round on the exact fractional part (the same result as
/// `libm::round`).
#[inline(always)]
pub fn fixed_i64(value: f64) -> Option<i64> {
    let scaled = value * 1e8;
    if scaled.abs() < 9.0e18 {
        let whole = scaled as i64;
        let rest = scaled - whole as f64;
        Some(whole + i64::from(rest >= 0.5) - i64::from(rest <= -0.5))
    } else {
        None
    }
}

/// Converts a model amount (f64) to money, rounded to 8 places (see [`fixed`]).
pub fn money(value: f64) -> Money {
    Money(fixed(value))
}

/// PnL of a linear long holding `coins` from `entry` to `price` (all 8-place fixed point):
/// `coins * (price - entry)`, computed exactly and rounded half to even to 8 places. A short's is
/// its negative.
#[inline]
pub fn linear_pnl(coins: i128, entry: i128, price: i128) -> Money {
    let move_units = price.saturating_sub(entry);
    if let (Ok(coins), Ok(move_units)) = (i64::try_from(coins), i64::try_from(move_units)) {
        if let Some(split) = SplitProduct::of(coins, move_units) {
            return split.rounded();
        }
        return round_product(product(coins, move_units));
    }
    let magnitude = mul_div_round(
        coins.unsigned_abs(),
        move_units.unsigned_abs(),
        UNITS as u128,
    );
    signed(negative_product(coins, move_units), magnitude)
}

/// PnL in coin of an inverse long of `contracts` (1 USD each) from `entry` to `price` (8-place
/// fixed point): `contracts * (1/entry - 1/price) = contracts * (price - entry) / (entry * price)`
/// (BitMEX), computed exactly and rounded half to even to 8 places. A short's is its negative.
/// Zero when a price is not positive. Only when `entry * price` leaves 128 bits (prices beyond
/// about 1e11) is the quotient taken in f64, then rounded: still a whole number of units.
pub fn inverse_pnl(contracts: i128, entry: i128, price: i128) -> Money {
    if entry <= 0 || price <= 0 {
        return Money::ZERO;
    }
    let move_units = price - entry;
    let negative = negative_product(contracts, move_units);
    if let (Ok(k), Ok(e), Ok(p)) = (
        u64::try_from(contracts.unsigned_abs()),
        u64::try_from(entry),
        u64::try_from(price),
    ) {
        if let Some(magnitude) = exact::inverse_units(k, e, p) {
            return signed(negative, Some(magnitude));
        }
    }
    // |price - entry| < 2^97, so the scaled move fits 124 bits.
    let scaled_move = move_units.unsigned_abs() * UNITS as u128;
    match (entry as u128).checked_mul(price as u128) {
        Some(divisor) => signed(
            negative,
            mul_div_round(contracts.unsigned_abs(), scaled_move, divisor),
        ),
        None => {
            let (k, e, p) = (contracts as f64, entry as f64, price as f64);
            Money(fixed(k * (p - e) / (e * p)))
        }
    }
}

/// Rounds an exact product of two 8-place numbers (a count of 1e-16 units) to money, half to
/// even.
pub fn round_product(product: i128) -> Money {
    let (quotient, remainder) = div_units(product.unsigned_abs());
    // No overflow: the quotient is below 2^128 / 10^8.
    let up = exact::rounds_up(quotient, remainder, UNITS as u128);
    let magnitude = (quotient + u128::from(up)).min(MAX_UNITS as u128) as i128;
    Money(if product < 0 { -magnitude } else { magnitude })
}

/// `magnitude` as money, negated if `negative`, saturating at [`MAX_UNITS`] (`None`: beyond 128
/// bits). A zero magnitude is zero either way.
fn signed(negative: bool, magnitude: Option<u128>) -> Money {
    let magnitude = magnitude.map_or(MAX_UNITS, |m| m.min(MAX_UNITS as u128) as i128);
    Money(if negative { -magnitude } else { magnitude })
}

/// Whether the product of `a` and `b` is negative (a sign test: in wasm32 even multiplying two
/// signums as `i128` is a library call).
fn negative_product(a: i128, b: i128) -> bool {
    (a < 0 && b > 0) || (a > 0 && b < 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decimal(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn money_rounds_to_eight_places() {
        assert_eq!(
            money(1.234567891).to_decimal().unwrap().to_string(),
            "1.23456789"
        );
        assert_eq!(money(-0.000000025).units(), -3, "half away from zero");
        assert_eq!(money(f64::NAN), Money::ZERO);
        assert_eq!(money(f64::INFINITY).units(), MAX_UNITS);
        assert_eq!(money(-1e300).units(), -MAX_UNITS);
        assert_eq!(money(12_345.678).to_f64(), 12_345.678);
    }

    #[test]
    fn fixed_rounds_like_libm() {
        let mut value: f64 = 1.234e-9;
        while value < 1e11 {
            for v in [value, -value, value * 1.000000003, 0.5e-8 + value.floor()] {
                assert_eq!(fixed(v), libm::round(v * 1e8) as i128, "{v}");
            }
            value *= 1.37;
        }
        assert_eq!(fixed(1.000000005), 100_000_001);
        assert_eq!(fixed(-1.000000005), -100_000_001);
        assert_eq!(fixed(1e12), 100_000_000_000_000_000_000);
    }

    #[test]
    fn sums_saturate_instead_of_overflowing() {
        let top = Money::from_units(i128::MAX);
        assert_eq!((top + top).units(), i128::MAX);
        assert_eq!((-top - top).units(), -i128::MAX - 1);
        assert_eq!(top.to_decimal(), None);
    }

    #[test]
    fn linear_pnl_matches_decimal_arithmetic() {
        // Decimal's product is exact at these sizes; round_dp rounds half to even.
        let cases = [
            (0.12345678, 60_000.12345678, 54_321.98765432),
            (3.5, 100.0, 90.00000001),
            (1e-8, 0.5, 0.50000001),
            (0.00000003, 1.5, 1.50000001),
            (12_345.678_9, 1e6, 1.000_000_01e6),
        ];
        for (coins, entry, price) in cases {
            let exact = (decimal(&format!("{coins:.8}"))
                * (decimal(&format!("{price:.8}")) - decimal(&format!("{entry:.8}"))))
            .round_dp(MONEY_DP);
            let ours = linear_pnl(fixed(coins), fixed(entry), fixed(price));
            assert_eq!(ours.to_decimal().unwrap(), exact, "{coins} {entry} {price}");
            let short = linear_pnl(-fixed(coins), fixed(entry), fixed(price));
            assert_eq!(short, -ours);
        }
        // Ties go to even: 0.00000001 * 0.5 = 0.000000005 -> 0; 0.00000003 * 0.5 -> 0.00000002.
        assert_eq!(linear_pnl(1, 0, UNITS / 2), Money::ZERO);
        assert_eq!(linear_pnl(3, 0, UNITS / 2), Money::from_units(2));
    }

    #[test]
    fn inverse_pnl_is_contracts_times_the_change_in_reciprocal_price() {
        // 10,000 contracts from 50,000 to 40,000: 10,000 * (1/50,000 - 1/40,000) = -0.05 coin.
        let pnl = inverse_pnl(fixed(10_000.0), fixed(50_000.0), fixed(40_000.0));
        assert_eq!(pnl, money(-0.05));
        // 1 contract from 3 to 7: 4/21 = 0.190476190476... -> 0.19047619.
        assert_eq!(
            inverse_pnl(fixed(1.0), fixed(3.0), fixed(7.0)),
            Money::from_units(19_047_619)
        );
        assert_eq!(inverse_pnl(fixed(1.0), 0, fixed(7.0)), Money::ZERO);
    }

    #[test]
    fn huge_products_are_exact_or_saturate_without_panicking() {
        // 1e9 coins * 1e9 USD = 1e18 USD: exact.
        let pnl = linear_pnl(fixed(1e9), 0, fixed(1e9));
        assert_eq!(pnl, Money::from_units(UNITS * 1_000_000_000_000_000_000));
        // 1e12 coins * 1e9 USD = 1e21 USD: beyond one amount's range.
        assert_eq!(linear_pnl(fixed(1e12), 0, fixed(1e9)).units(), MAX_UNITS);
        assert_eq!(
            linear_pnl(MAX_UNITS, -MAX_UNITS, MAX_UNITS).units(),
            MAX_UNITS
        );
        assert_eq!(
            linear_pnl(-MAX_UNITS, -MAX_UNITS, MAX_UNITS).units(),
            -MAX_UNITS
        );
        // 1e12 contracts from 50,000 to 60,000: the product needs 256 bits, the quotient is exact:
        // 1e16 / 3e9 = 3,333,333.333333333... coin.
        let pnl = inverse_pnl(fixed(1e12), fixed(50_000.0), fixed(60_000.0));
        assert_eq!(pnl, Money::from_units(333_333_333_333_333));
        // Prices beyond 128 bits of product: the f64 path, still whole units.
        let pnl = inverse_pnl(fixed(1e12), fixed(1e12), MAX_UNITS);
        assert_eq!(pnl, money(1.0));
        assert_eq!(inverse_pnl(MAX_UNITS, 1, MAX_UNITS).units(), MAX_UNITS);
    }
}
