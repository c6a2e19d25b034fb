//! The cross-margin accounts' part of the format (a group, its collateral, its accounts or their
//! generated population) and of the outcome (what a group did, its flows and its exact ledger).

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::scenario::Deficits;
use crate::scenario::Side;

/// A group of cross-margin accounts sharing one kind of collateral.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountGroup {
    /// A short name for the group (e.g. "usde-accounts").
    pub id: String,
    /// What the accounts hold as collateral; default US dollars.
    #[serde(default)]
    pub collateral: Collateral,
    pub accounts: Accounts,
    /// Who pays a liquidated account's deficit; default the markets' insurance funds first.
    #[serde(default, skip_serializing_if = "Deficits::is_default")]
    pub deficits: Deficits,
}

/// The collateral of a group's accounts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
pub enum Collateral {
    /// Dollars: worth 1 each, always.
    #[default]
    Usd,
    /// A dollar token that may depeg: worth 1 until `start_s`, then moving by `depeg_pct`
    /// (negative: down) in a straight line over `duration_s`, and staying there. Its margin value
    /// is its price times `1 - haircut`.
    Token {
        depeg_pct: f64,
        #[serde(default)]
        start_s: f64,
        #[serde(default)]
        duration_s: f64,
        #[serde(default)]
        haircut: f64,
    },
    /// The coin of one of the system's markets, valued at that market's mark, times
    /// `1 - haircut`.
    Coin {
        market: String,
        #[serde(default)]
        haircut: f64,
    },
}

impl Collateral {
    /// The haircut on the collateral's value for margin.
    pub fn haircut(&self) -> f64 {
        match self {
            Collateral::Usd => 0.0,
            Collateral::Token { haircut, .. } | Collateral::Coin { haircut, .. } => *haircut,
        }
    }
}

/// The accounts of a group: an explicit list, or a generated population.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Accounts {
    List(Vec<AccountSpec>),
    Generate(AccountPopulation),
}

/// One account: its collateral and its legs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    /// Units of the group's collateral (dollars, tokens or coins).
    pub collateral_units: f64,
    pub legs: Vec<LegSpec>,
}

/// One leg of an account: a position in one market of the system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegSpec {
    /// The market's id.
    pub market: String,
    pub side: Side,
    /// Size in USD at entry.
    pub notional_usd: f64,
    /// Entry price; default the market's start price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<f64>,
}

/// A generated group: `count` accounts, each holding the same mix of legs at its own size and
/// leverage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPopulation {
    pub count: usize,
    /// The legs, each with the group's total notional in it (USD at the start price).
    pub legs: Vec<LegMix>,
    /// Each account's leverage (total notional over collateral value) is log-uniform in
    /// [min, max].
    pub leverage_min: f64,
    pub leverage_max: f64,
    /// Log-normal sigma of account sizes (0: all equal).
    #[serde(default)]
    pub size_dispersion: f64,
}

/// A leg of a generated group: the group's total notional in one market.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegMix {
    pub market: String,
    pub side: Side,
    pub notional_usd: f64,
}

/// What a group of accounts did in a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountsReport {
    pub id: String,
    pub accounts: usize,
    pub liquidated_accounts: usize,
    /// Liquidated accounts by what tipped them: the part of their equity that fell most in the
    /// step they were liquidated in (a leg's mark, or the collateral's price).
    pub liquidated_by_leg_loss: usize,
    pub liquidated_by_collateral: usize,
    /// Liquidated accounts whose legs were auto-deleveraged instead of sold into the books.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub deleveraged_accounts: usize,
    /// Per market (the system's order): what the liquidated legs traded there.
    pub markets: Vec<AccountFlows>,
    /// The collateral's price per unit at each step (1 for dollars).
    pub collateral_price: Vec<f64>,
    pub ledger: AccountsLedger,
}

/// The forced trades of a group's liquidated legs in one market, USD at the fills.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountFlows {
    pub market: String,
    /// Long legs sold, short legs bought back.
    pub sold_usd: f64,
    pub bought_usd: f64,
    /// The same (sold + bought) by what tipped the account: a loss in this market, a loss in
    /// another market, or the collateral's fall.
    pub from_this_market_usd: f64,
    pub from_other_markets_usd: f64,
    pub from_collateral_usd: f64,
    /// Each step's forced trade in this market (sold + bought), USD.
    pub by_step_usd: Vec<f64>,
    /// Legs auto-deleveraged against this market's winners at the accounts' bankruptcy
    /// prices (not traded in its book), USD at those prices.
    #[serde(default, skip_serializing_if = "is_zero_usd")]
    pub deleveraged_usd: f64,
}

/// The accounts' exact ledger: `collateral_in + revaluation == open_equity_end +
/// returned_to_traders + net_to_markets`, where `revaluation` is what the collateral's price
/// moved its value by (up to each account's liquidation, or the end) and `net_to_markets` is what
/// the legs' counterparties received: minus the legs' PnL, less bad debt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountsLedger {
    #[serde(with = "rust_decimal::serde::str")]
    pub collateral_in: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub revaluation: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub open_equity_end: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub returned_to_traders: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub net_to_markets: Decimal,
    /// Deficits of liquidated accounts that the markets' insurance funds paid.
    #[serde(
        default,
        with = "rust_decimal::serde::str",
        skip_serializing_if = "Decimal::is_zero"
    )]
    pub covered_by_funds: Decimal,
    /// Deficits of liquidated accounts that no fund or ADL covered.
    #[serde(with = "rust_decimal::serde::str")]
    pub bad_debt: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub imbalance: Decimal,
    pub balanced: bool,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

fn is_zero_usd(usd: &f64) -> bool {
    *usd == 0.0
}
