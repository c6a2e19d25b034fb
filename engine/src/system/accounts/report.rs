//! What a group of cross-margin accounts did, after the run: open accounts marked at the final
//! marks and collateral price, the exact ledger closed.

use crate::ledger::report_decimal;
use crate::money::Money;

use super::{AccountFlows, AccountsLedger, AccountsReport, AccountsRun};
use crate::money::money;

impl AccountsRun<'_> {
    /// The report after the run: open accounts marked at the final marks and collateral price.
    pub(crate) fn report(mut self, ids: &[String], final_marks: &[f64]) -> AccountsReport {
        let price = self
            .collateral_price
            .last()
            .copied()
            .unwrap_or(self.start_price);
        let mut open_equity = Money::ZERO;
        let open = std::mem::take(&mut self.open);
        for (account, _) in self.accounts.iter().zip(open).filter(|(_, open)| *open) {
            let value = money(account.units * price);
            self.revaluation += value - money(account.units * self.start_price);
            let pnl: Money = self.legs[account.legs.clone()]
                .iter()
                .map(|leg| leg.pnl_exact(final_marks[leg.market]))
                .sum();
            open_equity += value + pnl;
            self.net_to_markets -= pnl;
        }
        let left = self.collateral_in + self.revaluation;
        let right = open_equity + self.returned + self.net_to_markets;
        let amounts = [left, right, self.covered_by_funds, self.bad_debt];
        let representable = amounts.iter().all(|amount| amount.to_decimal().is_some());
        AccountsReport {
            id: self.id,
            accounts: self.accounts.len(),
            liquidated_accounts: self.liquidated_by_leg_loss + self.liquidated_by_collateral,
            liquidated_by_leg_loss: self.liquidated_by_leg_loss,
            liquidated_by_collateral: self.liquidated_by_collateral,
            deleveraged_accounts: self.deleveraged,
            markets: ids
                .iter()
                .zip(self.flows)
                .map(|(id, flows)| AccountFlows {
                    market: id.clone(),
                    sold_usd: flows.sold_usd,
                    bought_usd: flows.bought_usd,
                    from_this_market_usd: flows.by_cause_usd[0],
                    from_other_markets_usd: flows.by_cause_usd[1],
                    from_collateral_usd: flows.by_cause_usd[2],
                    by_step_usd: flows.by_step_usd,
                    deleveraged_usd: flows.deleveraged_usd,
                })
                .collect(),
            collateral_price: self.collateral_price,
            ledger: AccountsLedger {
                collateral_in: report_decimal(self.collateral_in),
                revaluation: report_decimal(self.revaluation),
                open_equity_end: report_decimal(open_equity),
                returned_to_traders: report_decimal(self.returned),
                net_to_markets: report_decimal(self.net_to_markets),
                covered_by_funds: report_decimal(self.covered_by_funds),
                bad_debt: report_decimal(self.bad_debt),
                imbalance: report_decimal(left - right),
                balanced: representable && left == right,
            },
        }
    }
}
