//! Exact money. Every flow is a `Decimal` with 8 decimal places (cents of a cent for USD, satoshis
//! for coin), so sums never round and the system closes exactly:
//!
//! `collateral_in + top_ups + insurance_fund_start ==
//!  open_equity_end + returned_to_traders + insurance_fund_end + net_to_market`
//!
//! `net_to_market` is what the book's counterparties received: minus every trader's PnL, realized
//! at each close and marked at the final mark for open positions, less bad debt (owed, not paid).

use rust_decimal::Decimal;
use serde::Serialize;

/// Decimal places of every money amount.
pub const MONEY_DP: u32 = 8;

/// Converts a model quantity (f64) to money, rounded to 8 places; non-finite values become zero
/// (validation keeps them out; this keeps a bug from becoming a panic).
pub fn money(value: f64) -> Decimal {
    if !value.is_finite() {
        return Decimal::ZERO;
    }
    let scaled = libm::round(value * 1e8);
    if scaled.abs() >= 7.9e28 {
        return Decimal::ZERO;
    }
    Decimal::from_i128_with_scale(scaled as i128, MONEY_DP)
}

/// A price as a decimal, rounded to 8 places.
pub fn price(value: f64) -> Decimal {
    money(value)
}

/// Rounds a computed amount to money precision.
pub fn round(value: Decimal) -> Decimal {
    value.round_dp(MONEY_DP)
}

/// Decimal to f64 for charts and summaries (display only, never for money sums).
pub fn to_f64(value: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    value.to_f64().unwrap_or(0.0)
}

/// The running ledger of one run.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    pub collateral_in: Decimal,
    pub top_ups: Decimal,
    pub insurance_fund_start: Decimal,
    pub insurance_fund: Decimal,
    pub returned_to_traders: Decimal,
    /// Counterparties' side of realized PnL, less bad debt.
    pub net_to_market_realized: Decimal,
    pub fees: Decimal,
    pub adl_notional: Decimal,
    pub bad_debt: Decimal,
}

/// Where a liquidated position's remaining margin goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remainder {
    InsuranceFund,
    Trader,
}

impl Ledger {
    pub fn new(collateral_in: Decimal, insurance_fund: Decimal) -> Ledger {
        Ledger {
            collateral_in,
            insurance_fund_start: insurance_fund,
            insurance_fund,
            ..Ledger::default()
        }
    }

    /// A trader adds collateral.
    pub fn top_up(&mut self, amount: Decimal) {
        self.top_ups += amount;
    }

    /// Realizes PnL on a (part of a) position; the counterparties receive its opposite.
    pub fn realize(&mut self, pnl: Decimal) {
        self.net_to_market_realized -= pnl;
    }

    /// Settles the equity `equity` of a liquidated position after its PnL was realized: the fee
    /// (capped at the equity) goes to the fund, the remainder to the fund or back to the trader;
    /// a deficit is drawn from the fund and what the fund cannot pay is bad debt.
    /// Returns the bad debt this settlement created.
    pub fn settle_liquidation(
        &mut self,
        equity: Decimal,
        fee: Decimal,
        remainder: Remainder,
    ) -> Decimal {
        if equity >= Decimal::ZERO {
            let fee = fee.min(equity);
            self.fees += fee;
            self.insurance_fund += fee;
            let rest = equity - fee;
            match remainder {
                Remainder::InsuranceFund => self.insurance_fund += rest,
                Remainder::Trader => self.returned_to_traders += rest,
            }
            Decimal::ZERO
        } else {
            let deficit = -equity;
            let paid = deficit.min(self.insurance_fund.max(Decimal::ZERO));
            self.insurance_fund -= paid;
            let unpaid = deficit - paid;
            self.bad_debt += unpaid;
            self.net_to_market_realized -= unpaid;
            unpaid
        }
    }

    /// Pays a closed position's equity back to its trader (voluntary or auto-deleveraged closes).
    pub fn return_to_trader(&mut self, equity: Decimal) {
        self.returned_to_traders += equity;
    }

    /// The closing statement: `open_equity` and `open_pnl` are the open positions marked at the
    /// final mark (equity = collateral + PnL).
    pub fn close(&self, open_equity: Decimal, open_pnl: Decimal) -> LedgerReport {
        let net_to_market = self.net_to_market_realized - open_pnl;
        let left = self.collateral_in + self.top_ups + self.insurance_fund_start;
        let right = open_equity + self.returned_to_traders + self.insurance_fund + net_to_market;
        LedgerReport {
            collateral_in: self.collateral_in,
            top_ups: self.top_ups,
            insurance_fund_start: self.insurance_fund_start,
            open_equity_end: open_equity,
            returned_to_traders: self.returned_to_traders,
            insurance_fund_end: self.insurance_fund,
            net_to_market,
            fees: self.fees,
            adl_notional: self.adl_notional,
            bad_debt: self.bad_debt,
            imbalance: left - right,
            balanced: left == right,
        }
    }
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

    #[test]
    fn money_rounds_to_eight_places() {
        assert_eq!(money(1.234567891).to_string(), "1.23456789");
        assert_eq!(money(f64::NAN), Decimal::ZERO);
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
        assert_eq!(ledger.insurance_fund, Decimal::ZERO);
        let report = ledger.close(Decimal::ZERO, Decimal::ZERO);
        assert!(report.balanced, "{report:?}");
        assert_eq!(report.net_to_market, money(130.0));
    }

    #[test]
    fn a_solvent_liquidation_pays_fee_and_remainder() {
        let mut ledger = Ledger::new(money(100.0), Decimal::ZERO);
        ledger.realize(money(-90.0));
        ledger.settle_liquidation(money(10.0), money(3.0), Remainder::Trader);
        let report = ledger.close(Decimal::ZERO, Decimal::ZERO);
        assert_eq!(report.insurance_fund_end, money(3.0));
        assert_eq!(report.returned_to_traders, money(7.0));
        assert!(report.balanced);
    }
}
