//! The ledger: every flow of a run booked in exact [`Money`], so the system closes exactly:
//!
//! `collateral_in + top_ups + insurance_fund_start ==
//!  open_equity_end + returned_to_traders + insurance_fund_end + net_to_market`
//!
//! `net_to_market` is what the book's counterparties received: minus every trader's PnL, realized
//! at each close and marked at the final mark for open positions, less bad debt (owed, not paid).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Money;

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
    /// Funding the positions paid, net of what they received: it went to their counterparties
    /// outside the population (the market), so it is part of `net_to_market`.
    pub funding: Money,
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

    /// Funding `amount`, already taken from a position's collateral (negative: received), goes to
    /// (or comes from) the market.
    pub fn pay_funding(&mut self, amount: Money) {
        self.funding += amount;
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

    /// Draws up to `deficit` from the fund to pay this market's side of a trade with a trader
    /// outside its population whose equity did not cover it (a cross-margin account, docs/model.md
    /// §15.5): the fund pays what it holds, to the market. Returns what it paid.
    pub fn cover_outside(&mut self, deficit: Money) -> Money {
        let paid = deficit
            .min(self.insurance_fund.max(Money::ZERO))
            .max(Money::ZERO);
        self.insurance_fund -= paid;
        self.net_to_market_realized += paid;
        paid
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
        let net_to_market = self.net_to_market_realized - open_pnl + self.funding;
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
            self.funding,
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
            funding: report_decimal(self.funding),
            imbalance: report_decimal(imbalance),
            balanced: representable && left == right,
        }
    }
}

/// An amount for the report; beyond the `Decimal` range it shows the range's end (and the report
/// is then not balanced).
pub(crate) fn report_decimal(amount: Money) -> Decimal {
    amount.to_decimal().unwrap_or(if amount.is_negative() {
        Decimal::MIN
    } else {
        Decimal::MAX
    })
}

/// The ledger as reported: decimal strings, and whether the identity holds exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// Funding the positions paid, net (included in `net_to_market`); absent when zero.
    #[serde(
        with = "rust_decimal::serde::str",
        default,
        skip_serializing_if = "Decimal::is_zero"
    )]
    pub funding: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub imbalance: Decimal,
    pub balanced: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{money, MAX_UNITS};

    fn decimal(text: &str) -> Decimal {
        text.parse().unwrap()
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
