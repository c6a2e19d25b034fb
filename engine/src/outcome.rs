//! What a run returns: summary, per-step path, liquidation map, open interest by bucket, ledger.

use serde::{Deserialize, Serialize};

use crate::ledger::LedgerReport;

/// Everything a timeline run produces. Serialized as the outcome JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub summary: Summary,
    pub steps: Vec<Step>,
    pub liquidation_map: LiquidationMap,
    pub open_interest: OpenInterestByBucket,
    pub ledger: LedgerReport,
    /// The funding build-up before the shock, when the scenario has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_up: Option<BuildUpReport>,
}

/// The build-up before the shock: the funding charged at each payment, the crowd's open interest
/// and what funding wore through. Amounts in the contract's money (USD, or coin for inverse);
/// open interest as the run's (USD at entry, or contracts).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuildUpReport {
    pub hours: f64,
    /// Open interest when the build-up starts.
    pub long_open_start_usd: f64,
    pub short_open_start_usd: f64,
    /// One per funding payment, oldest first.
    pub payments: Vec<FundingPayment>,
    /// Funding the longs paid in all, net (negative: received); the shorts likewise.
    pub long_paid_usd: f64,
    pub short_paid_usd: f64,
    /// Notional liquidated during the build-up (at the prices closed at, as the run's own
    /// figures: [`Summary::liquidated_notional_usd_long`]), and how many positions.
    pub liquidated_long_usd: f64,
    pub liquidated_short_usd: f64,
    pub liquidated_count_long: u64,
    pub liquidated_count_short: u64,
}

/// One funding payment of the build-up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FundingPayment {
    /// When, in hours relative to the shock (negative: before it).
    pub t_h: f64,
    /// Long minus short open interest over their sum, when the payment was computed.
    pub skew: f64,
    pub premium_pct: f64,
    /// The rate charged, percent of notional (positive: longs paid shorts).
    pub rate_pct: f64,
    pub long_paid_usd: f64,
    pub short_paid_usd: f64,
    pub liquidated_long_usd: f64,
    pub liquidated_short_usd: f64,
    /// Open interest after the payment and its liquidations.
    pub long_open_usd: f64,
    pub short_open_usd: f64,
}

/// The headline numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub start_price: f64,
    pub final_price: f64,
    pub final_mark: f64,
    pub min_price: f64,
    pub max_price: f64,
    /// Start to trough, percent, positive.
    pub max_drawdown_pct: f64,
    /// Start to peak, percent, positive.
    pub max_rise_pct: f64,
    /// The shock's own move, percent (signed); for a market-order shock, the move it alone makes
    /// on the untouched book; for a ramp, the part applied before the run ended.
    pub shock_pct: f64,
    /// The move in the shock's direction divided by the shock's own move (1 = no cascade).
    pub amplification: f64,
    pub liquidated_count_long: u64,
    pub liquidated_count_short: u64,
    /// Liquidated notional at the prices the positions were closed at (the book's fill, the
    /// backstop's mark, ADL's bankruptcy prices), USD, as venues' liquidation feeds and the
    /// public record count it; contracts on an inverse contract (a fixed dollar each). Their
    /// size at entry is what open interest counts: a long liquidated after a 20% fall is 20%
    /// less here than the open interest it took away.
    pub liquidated_notional_usd_long: f64,
    pub liquidated_notional_usd_short: f64,
    pub partial_liquidations: u64,
    pub insurance_fund_end_usd: f64,
    /// Notional ADL took from profitable positions, at the ADL price, in money (USD for linear,
    /// coin for inverse: see `money_unit`).
    pub adl_notional_usd: f64,
    pub bad_debt_usd: f64,
    pub top_ups_usd: f64,
    /// Size traders closed by choice: pre-emptive de-levering and stop-losses (USD at entry, or
    /// contracts).
    pub delevered_notional_usd: f64,
    pub dip_buyers_bought_usd: f64,
    pub predator_pnl_usd: f64,
    /// What portfolio insurance did, when the scenario has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cppi: Option<CppiSummary>,
    /// What option dealers' hedging did, when the scenario has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dealers: Option<DealersSummary>,
    /// Size the venue's backstop took over at the mark (Hyperliquid's liquidator vault; counted
    /// in the liquidated figures too); absent when zero.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub backstopped_usd: f64,
    /// Notional (USD at the final mark) still queued for liquidation when the run ended: a
    /// throughput cap, block limits or clips held it back, and the totals above leave it out;
    /// absent when zero.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub queued_at_end_usd: f64,
    /// When the venue's leverage control tightened (the start of that step, seconds), if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tightened_at_s: Option<f64>,
    pub halted_steps: u32,
    /// Step at which the last liquidation happened (None: nothing was liquidated).
    pub last_liquidation_step: Option<u32>,
    /// Money is USD for linear contracts, coin for inverse.
    pub money_unit: MoneyUnit,
    /// The coin's ticker on an inverse contract whose scenario names it (`Market::coin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coin: Option<String>,
}

/// The unit money is counted in: USD for linear contracts, the coin for inverse ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MoneyUnit {
    #[serde(rename = "USD")]
    Usd,
    #[serde(rename = "coin")]
    Coin,
}

impl MoneyUnit {
    /// The unit a contract's money is counted in.
    pub fn of(contract: crate::scenario::Contract) -> MoneyUnit {
        match contract {
            crate::scenario::Contract::Linear => MoneyUnit::Usd,
            crate::scenario::Contract::Inverse => MoneyUnit::Coin,
        }
    }

    /// As the outcome JSON writes it: "USD" or "coin".
    pub fn as_str(self) -> &'static str {
        match self {
            MoneyUnit::Usd => "USD",
            MoneyUnit::Coin => "coin",
        }
    }
}

/// One step of the timeline (prices at the end of the step).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub t_s: f64,
    pub last: f64,
    pub mark: f64,
    /// Liquidated in the step, at the prices closed at ([`Summary::liquidated_notional_usd_long`]).
    pub liquidated_long_usd: f64,
    pub liquidated_short_usd: f64,
    pub liquidated_long_count: u32,
    pub liquidated_short_count: u32,
    /// Bid depth within 1% of the last price, USD, after withdrawal.
    pub depth_1pct_usd: f64,
    pub insurance_fund_usd: f64,
    /// This step's part of `Summary::adl_notional_usd` (money).
    pub adl_usd: f64,
    pub bad_debt_usd: f64,
    /// Size of every position still open at the end of the step (USD at entry, or contracts):
    /// after liquidations, partial closes, ADL and de-leveraging.
    pub open_interest_usd: f64,
    pub halted: bool,
    /// Net USD portfolio insurance sold this step, at fill prices (negative: bought); absent
    /// when zero.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cppi_sold_usd: f64,
    /// Net USD option dealers sold this step hedging, at fill prices (negative: bought); absent
    /// when zero.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dealers_sold_usd: f64,
    /// Net USD stop-loss orders sold this step, at fill prices (negative: bought); absent when
    /// zero.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub stops_sold_usd: f64,
}

fn is_zero(value: &f64) -> bool {
    *value == 0.0
}

/// Option dealers' hedging over the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealersSummary {
    /// USD sold and bought hedging, at fill prices.
    pub sold_usd: f64,
    pub bought_usd: f64,
    /// The hedge (coins; negative: short) at the start and the end.
    pub start_hedge_coins: f64,
    pub end_hedge_coins: f64,
}

/// Portfolio insurance over the run, USD.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CppiSummary {
    pub start_value_usd: f64,
    pub floor_usd: f64,
    /// At the last price.
    pub end_value_usd: f64,
    /// Lowest value at a step's price.
    pub min_value_usd: f64,
    pub sold_usd: f64,
    pub bought_usd: f64,
    /// How far below the floor the portfolios end (the gap loss), 0 above it.
    pub shortfall_usd: f64,
}

/// The static estimate that liquidation heatmaps show: cumulative notional that would be
/// liquidated if the price reached each level, by leverage bucket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiquidationMap {
    pub prices: Vec<f64>,
    pub buckets: Vec<String>,
    /// `long_usd[bucket][level]`: longs liquidated if the price fell to `prices[level]`.
    pub long_usd: Vec<Vec<f64>>,
    /// `short_usd[bucket][level]`: shorts liquidated if the price rose to `prices[level]`.
    pub short_usd: Vec<Vec<f64>>,
}

/// Open interest by leverage bucket before and after the flush.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenInterestByBucket {
    pub buckets: Vec<String>,
    pub long_before_usd: Vec<f64>,
    pub short_before_usd: Vec<f64>,
    pub long_after_usd: Vec<f64>,
    pub short_after_usd: Vec<f64>,
    /// Size still open per bucket at the end of each step (one row per step, a value per
    /// bucket), for following the flush step by step.
    pub long_by_step_usd: Vec<Vec<f64>>,
    pub short_by_step_usd: Vec<Vec<f64>>,
}
