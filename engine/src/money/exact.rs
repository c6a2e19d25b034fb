//! Exact fixed-point arithmetic for 8-place numbers, tuned for wasm32: products, sums of
//! products and divisions by 10^8 kept in 64-bit halves wherever the values allow, because in
//! wasm32 every 128-bit multiplication or division is a library call. Natively the same code
//! gives the same bits; 256-bit products and divisions cover what leaves 128 bits.

use super::{Money, UNITS};

/// The exact product of two 8-place numbers, `coins * move_units` (a count of 1e-16 units), kept
/// in 64-bit halves: `whole * 10^8 + rest`, both with the product's sign, `|rest| < 10^16`. For
/// everyday sizes (below 2^32 units, about 43 coins) and moves (below 2^57 units) it needs no
/// 128-bit arithmetic, which in wasm32 is library calls: about three times faster there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SplitProduct {
    pub whole: i64,
    pub rest: i64,
}

impl SplitProduct {
    /// `None` when a factor is out of the 64-bit range (then use [`product`]).
    #[inline]
    pub fn of(coins: i64, move_units: i64) -> Option<SplitProduct> {
        let (coins_abs, move_abs) = (coins.unsigned_abs(), move_units.unsigned_abs());
        if coins_abs >= 1 << 32 || move_abs >= 1 << 57 {
            return None;
        }
        // Both below 2^63: coins * (move / 10^8) < 2^32 * 2^31, coins * (move % 10^8) < 2^59.
        let whole = (coins_abs * (move_abs / UNITS as u64)) as i64;
        let rest = (coins_abs * (move_abs % UNITS as u64)) as i64;
        Some(if (coins < 0) != (move_units < 0) {
            SplitProduct {
                whole: -whole,
                rest: -rest,
            }
        } else {
            SplitProduct { whole, rest }
        })
    }

    /// The product rounded half to even to money, as [`super::round_product`] does.
    #[inline]
    pub fn rounded(self) -> Money {
        Money::from_units(i128::from(self.rounded_units()))
    }

    /// [`Self::rounded`] as a count of units.
    #[inline(always)]
    pub fn rounded_units(self) -> i64 {
        let units = UNITS as u64;
        let rest = self.rest.unsigned_abs();
        // Below 2^63: no overflow in u64, and well inside money's range.
        let truncated = self.whole.unsigned_abs() + rest / units;
        let remainder = rest % units;
        let up = (remainder > units / 2) | ((remainder == units / 2) & (truncated & 1 == 1));
        // Below 2^63 (see above).
        let magnitude = (truncated + u64::from(up)) as i64;
        if self.whole < 0 || self.rest < 0 {
            -magnitude
        } else {
            magnitude
        }
    }
}

/// The exact product of two 64-bit integers (at most 2^126 in magnitude).
#[inline]
pub fn product(a: i64, b: i64) -> i128 {
    let magnitude = widening_mul(a.unsigned_abs(), b.unsigned_abs()) as i128;
    if (a < 0) != (b < 0) {
        -magnitude
    } else {
        magnitude
    }
}

/// `a * b`, exact; `None` beyond 128 bits. Everyday factors take the 64-bit path (in wasm32 a
/// 128-bit multiplication is a library call).
#[inline]
pub fn exact_product(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => Some(product(a, b)),
        _ => a.checked_mul(b),
    }
}

/// An exact sum of 64-bit integers, kept in a 64-bit register and spilled into 128 bits only
/// when the next addition would overflow it (in wasm32 every 128-bit addition is several
/// instructions). At most 2^21 spills of values below 2^63: the spill cannot overflow.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sum64 {
    register: i64,
    spilled: i128,
}

impl Sum64 {
    #[inline(always)]
    pub fn add(&mut self, value: i64) {
        match self.register.checked_add(value) {
            Some(sum) => self.register = sum,
            None => {
                self.spilled += i128::from(self.register);
                self.register = value;
            }
        }
    }

    pub fn total(&self) -> i128 {
        self.spilled + i128::from(self.register)
    }
}

/// An exact sum of products `a * b` (8-place numbers, so the sum is in 1e-16 units). Everyday
/// products (`a` in 0..2^32, `|b|` below 2^62) are summed as `high * 2^31 + low`, each half a
/// 64-bit multiplication below 2^63, summed in 64 bits ([`Sum64`]): no division and no 128-bit
/// multiplication (library calls in wasm32).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ProductSum {
    high: Sum64,
    low: Sum64,
    /// Products off the everyday path, summed exactly.
    wide: i128,
    overflow: bool,
}

impl ProductSum {
    #[inline(always)]
    pub fn add(&mut self, a: i128, b: i128) {
        if let (Ok(a), Ok(b)) = (u32::try_from(a), i64::try_from(b)) {
            if b.unsigned_abs() < 1 << 62 {
                let (a, magnitude) = (u64::from(a), b.unsigned_abs());
                let high = (a * (magnitude >> 31)) as i64;
                let low = (a * (magnitude & ((1 << 31) - 1))) as i64;
                if b < 0 {
                    self.high.add(-high);
                    self.low.add(-low);
                } else {
                    self.high.add(high);
                    self.low.add(low);
                }
                return;
            }
        }
        match exact_product(a, b) {
            Some(product) => {
                let (sum, overflowed) = self.wide.overflowing_add(product);
                self.wide = sum;
                self.overflow |= overflowed;
            }
            None => self.overflow = true,
        }
    }

    /// Adds the products summed in `other`.
    pub fn merge(&mut self, other: &ProductSum) {
        let (wide, overflowed) = self.wide.overflowing_add(other.wide);
        self.wide = wide;
        self.overflow |= overflowed || other.overflow;
        self.high.spilled += other.high.total();
        self.low.spilled += other.low.total();
    }

    /// The sum; `None` if it (or a product) left 128 bits.
    pub fn total(&self) -> Option<i128> {
        if self.overflow {
            return None;
        }
        self.high
            .total()
            .checked_mul(1 << 31)?
            .checked_add(self.low.total())?
            .checked_add(self.wide)
    }
}

/// `a * b` in 128 bits. Natively one machine multiplication.
#[cfg(not(target_arch = "wasm32"))]
#[inline]
fn widening_mul(a: u64, b: u64) -> u128 {
    u128::from(a) * u128::from(b)
}

/// `a * b` in 128 bits. Wasm32 has no 64 x 64 -> 128-bit multiplication, so `u128 * u128` is a
/// call to `__multi3`, which does the full 128-bit product; four 32-bit partial products inline
/// are about twice as fast.
#[cfg(target_arch = "wasm32")]
#[inline]
fn widening_mul(a: u64, b: u64) -> u128 {
    widening_mul_by_halves(a, b)
}

/// `a * b` in 128 bits from four 64-bit products of 32-bit halves (schoolbook).
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
#[inline]
fn widening_mul_by_halves(a: u64, b: u64) -> u128 {
    const MASK: u64 = u32::MAX as u64;
    let (a_high, a_low) = (a >> 32, a & MASK);
    let (b_high, b_low) = (b >> 32, b & MASK);
    let low_low = a_low * b_low;
    let low_high = a_low * b_high;
    let high_low = a_high * b_low;
    let high_high = a_high * b_high;
    // Three values below 2^32 each: no overflow.
    let middle = (low_low >> 32) + (low_high & MASK) + (high_low & MASK);
    let low = (low_low & MASK) | (middle << 32);
    let high = high_high + (low_high >> 32) + (high_low >> 32) + (middle >> 32);
    (u128::from(high) << 64) | u128::from(low)
}

/// `a * b / d` rounded half to even, exactly (a 256-bit product when needed); `None` when the
/// quotient does not fit 128 bits. `d` must be positive.
#[inline]
pub(super) fn mul_div_round(a: u128, b: u128, d: u128) -> Option<u128> {
    let (quotient, remainder) = match (u64::try_from(a), u64::try_from(b)) {
        // The everyday case: a 128-bit product, and for 10^8 a division by a constant.
        (Ok(a), Ok(b)) if d == UNITS as u128 => div_units(widening_mul(a, b)),
        _ => mul_div_wide(a, b, d)?,
    };
    quotient.checked_add(u128::from(rounds_up(quotient, remainder, d)))
}

/// Whether `quotient` (with `remainder` left of a division by `d`) rounds up to the nearest
/// whole number, half to even, without a branch on the (unpredictable) remainder.
#[inline(always)]
pub(super) fn rounds_up(quotient: u128, remainder: u128, d: u128) -> bool {
    let rest = d - remainder;
    (remainder > rest) | ((remainder == rest) & (quotient & 1 == 1))
}

/// (quotient, remainder) of `a * b` by `d`; `None` when the quotient does not fit 128 bits.
#[cold]
fn mul_div_wide(a: u128, b: u128, d: u128) -> Option<(u128, u128)> {
    match a.checked_mul(b) {
        Some(product) => Some((product / d, product % d)),
        None => {
            let (high, low) = wide_mul(a, b);
            (high < d).then(|| wide_div(high, low, d))
        }
    }
}

/// `contracts * move * 10^8 / (entry * price)` rounded half to even, for operands in 64 bits (an
/// inverse contract's PnL in coin units, `money::inverse_pnl`); `None` where that does not hold or
/// the quotient is 2^50 or more (the caller takes the general path). The divisor is above 64
/// bits, and a 128-bit division by it is a long library routine in wasm32 (tens of nanoseconds
/// natively), paid once per coin-margined position marked: here the quotient comes from plain
/// floats where they are exact enough ([`inverse_units_by_floats`]), else from a float estimate
/// corrected exactly ([`divide_small_quotient`]), every product of 64-bit halves.
#[inline]
pub(super) fn inverse_units(contracts: u64, entry: u64, price: u64) -> Option<u128> {
    if let Some(rounded) = inverse_units_by_floats(contracts, entry, price) {
        return Some(rounded);
    }
    let divisor = widening_mul(entry, price);
    let scaled_move = widening_mul(entry.abs_diff(price), UNITS as u64);
    let numerator = times_u64(scaled_move, contracts)?;
    let (quotient, remainder) = divide_small_quotient(numerator, divisor)?;
    Some(quotient + u128::from(rounds_up(quotient, remainder, divisor)))
}

/// [`inverse_units`] in floats, where floats are exact enough: every operand below 2^53 (so
/// exact as a float), the quotient below 2^50, and not within its error bound of a tie. Four
/// roundings (two products, a product, the division), each within 2^-53 relative, leave the
/// float quotient within 4.5e-16 of the exact one relative; a quotient whose fraction is farther
/// than 1e-15 of it from one half rounds to the same whole number as the exact one would,
/// ties to even included (a tie is never that far from one half). `None` hands the case to the
/// exact path: the fraction near one half, or an operand or quotient too large.
#[inline]
fn inverse_units_by_floats(contracts: u64, entry: u64, price: u64) -> Option<u128> {
    const EXACT: u64 = 1 << 53;
    if contracts >= EXACT || entry >= EXACT || price >= EXACT {
        return None;
    }
    let quotient = contracts as f64 * entry.abs_diff(price) as f64 * UNITS as f64
        / (entry as f64 * price as f64);
    if quotient.is_nan() || quotient >= SMALL_QUOTIENT {
        return None;
    }
    let whole = quotient.floor();
    // Exact: below 2^52, a float less its floor loses nothing.
    let fraction = quotient - whole;
    if (fraction - 0.5).abs() <= quotient * 1e-15 {
        return None;
    }
    Some(whole as u128 + u128::from(fraction > 0.5))
}

/// Quotients below this are found from a float estimate ([`divide_small_quotient`]), which is
/// then off by at most one.
const SMALL_QUOTIENT: f64 = (1u64 << 50) as f64;

/// (quotient, remainder) of `n` by `d` (positive) when the quotient is below 2^50: the quotient
/// of the two as floats (each within 2^-52 of its value, [`approximately`]) is within 1 of the
/// true one, and the product of that estimate and `d` (two 64 x 64-bit products) is corrected to
/// the exact quotient and remainder. `None`: a larger quotient, or an estimate whose product
/// leaves 128 bits.
#[inline]
fn divide_small_quotient(n: u128, d: u128) -> Option<(u128, u128)> {
    let estimate = approximately(n) / approximately(d);
    if estimate.is_nan() || estimate >= SMALL_QUOTIENT {
        return None;
    }
    let mut quotient = estimate as u64;
    let mut product = times_u64(d, quotient)?;
    // One step either way at most; the bound only guards the loop.
    for _ in 0..8 {
        if product > n {
            quotient -= 1;
            product -= d;
        } else if n - product >= d {
            quotient += 1;
            product += d;
        } else {
            return Some((u128::from(quotient), n - product));
        }
    }
    None
}

/// `x` as a float within 2^-52 of it, from its two 64-bit halves (a 128-bit conversion is a
/// library call).
#[inline]
fn approximately(x: u128) -> f64 {
    const HIGH: f64 = 18_446_744_073_709_551_616.0; // 2^64
    (x >> 64) as u64 as f64 * HIGH + x as u64 as f64
}

/// `d * q` in 128 bits, `None` beyond: two 64 x 64-bit products.
#[inline]
fn times_u64(d: u128, q: u64) -> Option<u128> {
    let low = widening_mul(d as u64, q);
    let high = u64::try_from(widening_mul((d >> 64) as u64, q)).ok()?;
    low.checked_add(u128::from(high) << 64)
}

/// (quotient, remainder) of `x` by 10^8. Below 2^72, `x / 10^8 = (x / 2^8) / 5^8` is a 64-bit
/// division by a constant (a multiplication); above, a 128-bit division.
#[inline]
pub(super) fn div_units(x: u128) -> (u128, u128) {
    match u64::try_from(x >> 8) {
        Ok(shifted) => {
            let quotient = shifted / 390_625;
            // The remainder is below 10^8, so the low 64 bits give it exactly (no 128-bit
            // multiplication, a library call in wasm32).
            let remainder = (x as u64).wrapping_sub(quotient.wrapping_mul(UNITS as u64));
            (u128::from(quotient), u128::from(remainder))
        }
        Err(_) => {
            let quotient = x / UNITS as u128;
            (quotient, x - quotient * UNITS as u128)
        }
    }
}

/// The full 256-bit product `a * b` as (high, low) halves.
fn wide_mul(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a_high, a_low) = (a >> 64, a & MASK);
    let (b_high, b_low) = (b >> 64, b & MASK);
    let low_low = a_low * b_low;
    let low_high = a_low * b_high;
    let high_low = a_high * b_low;
    let high_high = a_high * b_high;
    let middle = (low_low >> 64) + (low_high & MASK) + (high_low & MASK);
    let low = (low_low & MASK) | (middle << 64);
    let high = high_high + (low_high >> 64) + (high_low >> 64) + (middle >> 64);
    (high, low)
}

/// (quotient, remainder) of the 256-bit `(high, low)` by `d`, for `high < d` (schoolbook, one bit
/// at a time: only reached by products beyond 128 bits).
fn wide_div(high: u128, low: u128, d: u128) -> (u128, u128) {
    let (mut remainder, mut quotient) = (high, 0u128);
    for bit in (0..128).rev() {
        let carry = remainder >> 127;
        remainder = (remainder << 1) | ((low >> bit) & 1);
        quotient <<= 1;
        if carry == 1 || remainder >= d {
            remainder = remainder.wrapping_sub(d);
            quotient |= 1;
        }
    }
    (quotient, remainder)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::round_product;

    /// A fixed stream of pseudo-random 64-bit numbers (xorshift) from `seed`, for the tests'
    /// many cases.
    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// The float-estimated division gives the exact quotient and remainder wherever it answers,
    /// and answers for every quotient below 2^49 whose estimate's product fits: divisors above
    /// and below 64 bits, quotients at the bound, exact multiples and their neighbours,
    /// numerators near 2^128.
    #[test]
    fn small_quotients_from_a_float_estimate_are_exact() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15_u64);
        let mut answered = 0;
        for k in 0..200_000 {
            let d = match k % 4 {
                0 => u128::from(next() | 1),
                1 => (u128::from(next()) << (next() % 64)) | 1,
                2 => (u128::from(next()) << 64) | u128::from(next()),
                _ => u128::from(next() % 1_000 + 1) << (next() % 100),
            };
            let q = match k % 3 {
                0 => u128::from(next() >> 14),
                1 => (1u128 << 50) - u128::from(next() % 3),
                _ => u128::from(next() % 1_000),
            };
            let r = match k % 5 {
                0 => 0,
                1 => d - 1,
                2 => d / 2,
                _ => u128::from(next()) % d,
            };
            let Some(n) = q.checked_mul(d).and_then(|qd| qd.checked_add(r)) else {
                continue;
            };
            if let Some(found) = divide_small_quotient(n, d) {
                assert_eq!(found, (n / d, n % d), "n {n}, d {d}");
                answered += 1;
            } else {
                assert!(
                    q >= 1 << 49,
                    "a small quotient ({q}) was left to the division"
                );
            }
        }
        assert!(answered > 50_000, "{answered}");
        let top = u128::MAX - 5;
        assert_eq!(
            divide_small_quotient(top, top / 3),
            Some((3, top - 3 * (top / 3)))
        );
        assert_eq!(divide_small_quotient(7, 1 << 100), Some((0, 7)));
    }

    /// An inverse PnL's quotient the fast way equals the general path's (a 128-bit product and
    /// division), ties included: prices and sizes from cents to beyond any market, equal prices,
    /// and moves that land exactly halfway between two units.
    #[test]
    fn inverse_units_match_the_general_division() {
        // The general path: a 128-bit product and division.
        let general = |contracts: u64, entry: u64, price: u64| {
            mul_div_round(
                u128::from(contracts),
                u128::from(entry.abs_diff(price)) * UNITS as u128,
                u128::from(entry) * u128::from(price),
            )
        };
        let mut next = xorshift(0x2545_f491_4f6c_dd1d_u64);
        let (mut answered, mut by_floats_answered) = (0, 0);
        for k in 0..200_000 {
            let price_like = |x: u64, scale: u32| (x % 10u64.pow(scale)).max(1);
            let entry = price_like(next(), 6 + (k % 9) as u32) * 1_000;
            let price = match k % 4 {
                0 => entry,
                1 => entry + next() % 1_000,
                _ => price_like(next(), 6 + (k % 9) as u32) * 1_000,
            };
            let contracts = match k % 3 {
                0 => next() % 1_000_000_000_000,
                1 => next() >> (next() % 64),
                _ => 1 + next() % 100,
            };
            let expected = general(contracts, entry, price);
            if let Some(fast) = inverse_units(contracts, entry, price) {
                assert_eq!(Some(fast), expected, "{contracts} {entry} {price}");
                answered += 1;
            }
            if let Some(by_floats) = inverse_units_by_floats(contracts, entry, price) {
                assert_eq!(
                    Some(by_floats),
                    expected,
                    "floats: {contracts} {entry} {price}"
                );
                by_floats_answered += 1;
            }
        }
        assert!(answered > 100_000, "{answered}");
        assert!(by_floats_answered > 100_000, "{by_floats_answered}");
        // Ties (exactly half a unit), rounded to even like the general path.
        let mut ties = 0;
        // (A tie needs the divisor to hold one more factor 2 than the numerator, which holds
        // 10^8's eight: entry 512 and price 1 is the first.)
        for entry in 1..1_100u64 {
            for price in 1..6u64 {
                for contracts in 1..6u64 {
                    let divisor = u128::from(entry * price);
                    let numerator = u128::from(contracts * entry.abs_diff(price)) * UNITS as u128;
                    if 2 * (numerator % divisor) == divisor {
                        ties += 1;
                        assert_eq!(
                            inverse_units(contracts, entry, price),
                            general(contracts, entry, price)
                        );
                    }
                }
            }
        }
        assert!(ties > 0);
    }

    #[test]
    fn product_sums_are_exact_on_every_path() {
        let pairs: [(i128, i128); 6] = [
            (3, -7),
            (u32::MAX as i128, i64::MAX as i128),
            (u32::MAX as i128, -(i64::MAX as i128)),
            (1 << 40, 1 << 60),
            (-5, 1 << 70),
            (123_456_789, 6_000_000_000_000),
        ];
        let mut sum = ProductSum::default();
        for (a, b) in pairs {
            sum.add(a, b);
        }
        let expected: i128 = pairs.iter().map(|(a, b)| a * b).sum();
        assert_eq!(sum.total(), Some(expected));
        sum.add(1 << 100, 1 << 100);
        assert_eq!(sum.total(), None, "a product beyond 128 bits");

        // Many of the largest everyday products: the 64-bit registers spill, sums merge.
        let (a, b) = (i128::from(u32::MAX), (1i128 << 62) - 1);
        let (mut first, mut second) = (ProductSum::default(), ProductSum::default());
        for k in 0..1000 {
            first.add(a, if k % 3 == 0 { -b } else { b });
            second.add(a - k, b - k);
        }
        let expected_first = a * b * (666 - 334);
        let expected_second: i128 = (0..1000).map(|k| (a - k) * (b - k)).sum();
        assert_eq!(first.total(), Some(expected_first));
        first.merge(&second);
        assert_eq!(first.total(), Some(expected_first + expected_second));
    }

    #[test]
    fn sums_in_a_register_spill_exactly() {
        let mut sum = Sum64::default();
        let values = [i64::MAX, i64::MAX, -1, i64::MIN, i64::MIN + 1, 5];
        for value in values {
            sum.add(value);
        }
        assert_eq!(
            sum.total(),
            values.iter().map(|&v| i128::from(v)).sum::<i128>()
        );
    }

    #[test]
    fn division_by_units_agrees_with_plain_division() {
        for x in [
            0,
            1,
            99_999_999,
            100_000_000,
            (1 << 72) - 1,
            1 << 72,
            u128::MAX,
            123_456_789_012_345_678_901_234,
            (1 << 72) - 100_000_000,
            u64::MAX as u128 * 100_000_000 + 99_999_999,
        ] {
            assert_eq!(div_units(x), (x / 100_000_000, x % 100_000_000), "{x}");
        }
    }

    #[test]
    fn products_by_halves_agree_with_machine_multiplication() {
        let values = [
            0,
            1,
            u32::MAX as u64,
            1 << 32,
            (1 << 32) + 1,
            123_456_789_012_345,
            i64::MAX as u64,
            1 << 63,
            u64::MAX - 1,
            u64::MAX,
        ];
        for a in values {
            for b in values {
                let expected = u128::from(a) * u128::from(b);
                assert_eq!(widening_mul_by_halves(a, b), expected, "{a} {b}");
                assert_eq!(widening_mul(a, b), expected, "{a} {b}");
            }
        }
        let signed = [
            0,
            1,
            -1,
            7,
            -123_456_789_012,
            i64::MAX,
            i64::MIN + 1,
            i64::MIN,
        ];
        for a in signed {
            for b in signed {
                assert_eq!(product(a, b), i128::from(a) * i128::from(b), "{a} {b}");
            }
        }
    }

    #[test]
    fn split_products_round_as_full_products_do() {
        let coins = [
            0,
            1,
            3,
            50_000_000,
            123_456_789,
            (1 << 32) - 1,
            1 << 32,
            i64::MAX,
        ];
        let moves = [
            0,
            1,
            UNITS as i64 / 2,
            UNITS as i64 + UNITS as i64 / 2,
            99_999_999,
            240_000_000_000,
            6_000_012_345_678,
            (1 << 57) - 1,
            1 << 57,
            i64::MAX,
        ];
        for c in coins {
            for m in moves {
                for (c, m) in [(c, m), (-c, m), (c, -m), (-c, -m)] {
                    let exact = i128::from(c) * i128::from(m);
                    match SplitProduct::of(c, m) {
                        Some(split) => {
                            let SplitProduct { whole, rest } = split;
                            assert_eq!(
                                i128::from(whole) * UNITS + i128::from(rest),
                                exact,
                                "{c} {m}"
                            );
                            assert_eq!(split.rounded(), round_product(exact), "{c} {m}");
                        }
                        None => assert!(c.unsigned_abs() >= 1 << 32 || m.unsigned_abs() >= 1 << 57),
                    }
                }
            }
        }
    }

    #[test]
    fn wide_division_agrees_with_narrow_division() {
        for (a, b, d) in [
            (u128::MAX, 3, 7),
            (1 << 100, 1 << 100, (1 << 90) + 12_345),
            (
                987_654_321_987_654_321,
                123_456_789_123_456_789_123,
                100_000_000,
            ),
        ] {
            let (high, low) = wide_mul(a, b);
            let (q, r) = wide_div(high, low, d);
            // q * d + r == a * b, checked in 256 bits.
            let (qh, ql) = wide_mul(q, d);
            let (sum, carry) = ql.overflowing_add(r);
            assert_eq!((qh + u128::from(carry), sum), (high, low));
            assert!(r < d);
        }
    }
}
