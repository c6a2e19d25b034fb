//! Exact money. Every amount is a [`Money`]: a whole number of 1e-8 units (a millionth of a cent
//! for USD, a satoshi for coin) held in an `i128`, so sums never round and the system closes
//! exactly:
//!
//! `collateral_in + top_ups + insurance_fund_start ==
//!  open_equity_end + returned_to_traders + insurance_fund_end + net_to_market`
//!
//! `net_to_market` is what the book's counterparties received: minus every trader's PnL, realized
//! at each close and marked at the final mark for open positions, less bad debt (owed, not paid).
//!
//! Integer arithmetic gives the same bits on every platform, and it is cheap: a run books tens of
//! thousands of flows. Decimals (`rust_decimal`) appear only in the report.

use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use rust_decimal::Decimal;
use serde::Serialize;

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

    /// The product rounded half to even to money, as [`round_product`] does.
    #[inline]
    pub fn rounded(self) -> Money {
        Money(i128::from(self.rounded_units()))
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

/// Rounds an exact product of two 8-place numbers (a count of 1e-16 units) to money, half to
/// even.
pub fn round_product(product: i128) -> Money {
    let (quotient, remainder) = div_units(product.unsigned_abs());
    // Half to even, without a branch on the (unpredictable) remainder; no overflow: the
    // quotient is below 2^128 / 10^8.
    let rest = UNITS as u128 - remainder;
    let up = (remainder > rest) | ((remainder == rest) & (quotient & 1 == 1));
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
fn mul_div_round(a: u128, b: u128, d: u128) -> Option<u128> {
    let (quotient, remainder) = match (u64::try_from(a), u64::try_from(b)) {
        // The everyday case: a 128-bit product, and for 10^8 a division by a constant.
        (Ok(a), Ok(b)) if d == UNITS as u128 => div_units(widening_mul(a, b)),
        _ => mul_div_wide(a, b, d)?,
    };
    // Half to even, without a branch on the (unpredictable) remainder.
    let rest = d - remainder;
    let up = (remainder > rest) | ((remainder == rest) & (quotient & 1 == 1));
    quotient.checked_add(u128::from(up))
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

/// (quotient, remainder) of `x` by 10^8. Below 2^72, `x / 10^8 = (x / 2^8) / 5^8` is a 64-bit
/// division by a constant (a multiplication); above, a 128-bit division.
#[inline]
fn div_units(x: u128) -> (u128, u128) {
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

/// A column of 8-place fixed-point numbers, held in 64 bits while every value is below 2^62 in
/// magnitude (so a sum or difference of two still fits), else in 128: half the memory for every
/// everyday population, and 64-bit arithmetic where a column is [`Self::small`].
#[derive(Clone, Debug, PartialEq)]
pub enum FixedColumn {
    Small(Vec<i64>),
    Wide(Vec<i128>),
}

impl Default for FixedColumn {
    fn default() -> FixedColumn {
        FixedColumn::Small(Vec::new())
    }
}

impl FixedColumn {
    #[inline(always)]
    pub fn get(&self, i: usize) -> i128 {
        match self {
            FixedColumn::Small(values) => i128::from(values[i]),
            FixedColumn::Wide(values) => values[i],
        }
    }

    /// The values, when they are held in 64 bits.
    pub fn small(&self) -> Option<&[i64]> {
        match self {
            FixedColumn::Small(values) => Some(values),
            FixedColumn::Wide(_) => None,
        }
    }

    /// Takes the column's 64-bit buffer (emptied, `len` long) to be refilled.
    pub fn take_buffer(&mut self, len: usize) -> Vec<i64> {
        let mut values = match std::mem::take(self) {
            FixedColumn::Small(values) => values,
            FixedColumn::Wide(_) => Vec::new(),
        };
        values.resize(len, 0);
        values
    }

    /// The column of `small`, a buffer filled with values' low 64 bits, if `fits` (every value
    /// is below 2^62 in magnitude, see [`fits_small`]); else of the values `wide` gives.
    pub fn filled(small: Vec<i64>, fits: bool, wide: impl FnOnce() -> Vec<i128>) -> FixedColumn {
        if fits {
            FixedColumn::Small(small)
        } else {
            FixedColumn::Wide(wide())
        }
    }

    #[inline(always)]
    pub fn push(&mut self, value: i128) {
        match self {
            FixedColumn::Small(values) if fits_small(value) => values.push(value as i64),
            FixedColumn::Small(values) => {
                let mut wide: Vec<i128> = values.iter().map(|&v| i128::from(v)).collect();
                wide.push(value);
                *self = FixedColumn::Wide(wide);
            }
            FixedColumn::Wide(values) => values.push(value),
        }
    }
}

/// Whether `value` is held in a [`FixedColumn::Small`].
#[inline(always)]
pub fn fits_small(value: i128) -> bool {
    value.unsigned_abs() < 1 << 62
}

impl FromIterator<i128> for FixedColumn {
    fn from_iter<I: IntoIterator<Item = i128>>(values: I) -> FixedColumn {
        let mut column = FixedColumn::default();
        for value in values {
            column.push(value);
        }
        column
    }
}

/// The running ledger of one run.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    pub collateral_in: Money,
    pub top_ups: Money,
    pub insurance_fund_start: Money,
    pub insurance_fund: Money,
    pub returned_to_traders: Money,
    /// Counterparties' side of realized PnL, less bad debt.
    pub net_to_market_realized: Money,
    pub fees: Money,
    pub adl_notional: Money,
    pub bad_debt: Money,
}

/// Where a liquidated position's remaining margin goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remainder {
    InsuranceFund,
    Trader,
}

impl Ledger {
    pub fn new(collateral_in: Money, insurance_fund: Money) -> Ledger {
        Ledger {
            collateral_in,
            insurance_fund_start: insurance_fund,
            insurance_fund,
            ..Ledger::default()
        }
    }

    /// A trader adds collateral.
    pub fn top_up(&mut self, amount: Money) {
        self.top_ups += amount;
    }

    /// Realizes PnL on a (part of a) position; the counterparties receive its opposite.
    pub fn realize(&mut self, pnl: Money) {
        self.net_to_market_realized -= pnl;
    }

    /// A liquidation fee, already taken from the position, goes to the fund.
    pub fn collect_fee(&mut self, fee: Money) {
        self.fees += fee;
        self.insurance_fund += fee;
    }

    /// Settles the equity `equity` of a liquidated position after its PnL was realized: the fee
    /// (capped at the equity) goes to the fund, the remainder to the fund or back to the trader;
    /// a deficit is drawn from the fund and what the fund cannot pay is bad debt.
    /// Returns the bad debt this settlement created.
    pub fn settle_liquidation(&mut self, equity: Money, fee: Money, remainder: Remainder) -> Money {
        if !equity.is_negative() {
            let fee = fee.min(equity);
            self.collect_fee(fee);
            let rest = equity - fee;
            match remainder {
                Remainder::InsuranceFund => self.insurance_fund += rest,
                Remainder::Trader => self.returned_to_traders += rest,
            }
            Money::ZERO
        } else {
            let deficit = -equity;
            let paid = deficit.min(self.insurance_fund.max(Money::ZERO));
            self.insurance_fund -= paid;
            let unpaid = deficit - paid;
            self.bad_debt += unpaid;
            self.net_to_market_realized -= unpaid;
            unpaid
        }
    }

    /// Settles liquidations whose equities total `equity`, with the remainders to the fund, as
    /// [`Self::settle_liquidation`] one by one would: `fees` is the fees of the solvent ones (each
    /// capped at its equity); the deficits of the others are drawn from the fund, which covers
    /// them in full (the caller checked).
    pub fn settle_covered(&mut self, equity: Money, fees: Money) {
        self.fees += fees;
        self.insurance_fund += equity;
    }

    /// Pays a closed position's equity back to its trader (voluntary or auto-deleveraged closes).
    pub fn return_to_trader(&mut self, equity: Money) {
        self.returned_to_traders += equity;
    }

    /// The closing statement: `open_equity` and `open_pnl` are the open positions marked at the
    /// final mark (equity = collateral + PnL).
    pub fn close(&self, open_equity: Money, open_pnl: Money) -> LedgerReport {
        let net_to_market = self.net_to_market_realized - open_pnl;
        let left = self.collateral_in + self.top_ups + self.insurance_fund_start;
        let right = open_equity + self.returned_to_traders + self.insurance_fund + net_to_market;
        let imbalance = left - right;
        let amounts = [
            self.collateral_in,
            self.top_ups,
            self.insurance_fund_start,
            open_equity,
            self.returned_to_traders,
            self.insurance_fund,
            net_to_market,
            self.fees,
            self.adl_notional,
            self.bad_debt,
            left,
            right,
        ];
        // Saturated sums would make the identity meaningless: only amounts a Decimal holds count.
        let representable = amounts.iter().all(|amount| amount.to_decimal().is_some());
        LedgerReport {
            collateral_in: report_decimal(self.collateral_in),
            top_ups: report_decimal(self.top_ups),
            insurance_fund_start: report_decimal(self.insurance_fund_start),
            open_equity_end: report_decimal(open_equity),
            returned_to_traders: report_decimal(self.returned_to_traders),
            insurance_fund_end: report_decimal(self.insurance_fund),
            net_to_market: report_decimal(net_to_market),
            fees: report_decimal(self.fees),
            adl_notional: report_decimal(self.adl_notional),
            bad_debt: report_decimal(self.bad_debt),
            imbalance: report_decimal(imbalance),
            balanced: representable && left == right,
        }
    }
}

/// An amount for the report; beyond the `Decimal` range it shows the range's end (and the report
/// is then not balanced).
fn report_decimal(amount: Money) -> Decimal {
    amount.to_decimal().unwrap_or(if amount.is_negative() {
        Decimal::MIN
    } else {
        Decimal::MAX
    })
}

/// The ledger as reported: decimal strings, and whether the identity holds exactly.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LedgerReport {
    #[serde(with = "rust_decimal::serde::str")]
    pub collateral_in: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub top_ups: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub insurance_fund_start: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub open_equity_end: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub returned_to_traders: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub insurance_fund_end: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub net_to_market: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub fees: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub adl_notional: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub bad_debt: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub imbalance: Decimal,
    pub balanced: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decimal(text: &str) -> Decimal {
        text.parse().unwrap()
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

    #[test]
    fn a_bankrupt_liquidation_draws_the_fund_then_books_bad_debt() {
        let mut ledger = Ledger::new(money(100.0), money(30.0));
        ledger.realize(money(-150.0));
        let bad = ledger.settle_liquidation(
            money(100.0) + money(-150.0),
            money(1.0),
            Remainder::InsuranceFund,
        );
        assert_eq!(bad, money(20.0));
        assert_eq!(ledger.insurance_fund, Money::ZERO);
        let report = ledger.close(Money::ZERO, Money::ZERO);
        assert!(report.balanced, "{report:?}");
        assert_eq!(report.net_to_market, decimal("130"));
    }

    #[test]
    fn a_solvent_liquidation_pays_fee_and_remainder() {
        let mut ledger = Ledger::new(money(100.0), Money::ZERO);
        ledger.realize(money(-90.0));
        ledger.settle_liquidation(money(10.0), money(3.0), Remainder::Trader);
        let report = ledger.close(Money::ZERO, Money::ZERO);
        assert_eq!(report.insurance_fund_end, decimal("3"));
        assert_eq!(report.returned_to_traders, decimal("7"));
        assert_eq!(report.returned_to_traders.to_string(), "7.00000000");
        assert!(report.balanced);
    }

    #[test]
    fn a_ledger_beyond_the_decimal_range_is_not_reported_balanced() {
        let huge = Money::from_units(MAX_UNITS);
        let mut ledger = Ledger::new(huge, huge);
        ledger.return_to_trader(huge + huge);
        let report = ledger.close(Money::ZERO, Money::ZERO);
        assert!(!report.balanced);
        assert_eq!(report.collateral_in.mantissa(), MAX_UNITS);
    }
}
