//! How traders and algorithmic agents behave, as a scenario writes it: top-ups, de-leveraging,
//! dip buyers, predators, portfolio insurance and option dealers (the behaviour itself is `crate::traders`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How traders adjust.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Traders {
    #[serde(default)]
    pub top_up: Option<TopUp>,
    #[serde(default)]
    pub delever: Option<Delever>,
    #[serde(default)]
    pub dip_buyers: Option<DipBuyers>,
    /// Stop-loss orders; absent: none (left out of the JSON then, so scenarios written before
    /// it read and write unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_losses: Option<StopLosses>,
}

/// A share of positions adds collateral when the mark comes close to their liquidation price.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TopUp {
    /// Share of positions that top up, in [0, 1].
    pub share: f64,
    /// How close (percent of the liquidation price) the mark must come before they notice.
    #[serde(default = "default_alert_pct")]
    pub alert_pct: f64,
    /// Reaction delay, seconds.
    #[serde(default)]
    pub delay_s: f64,
    /// Budget: the collateral added, as a multiple of the collateral the position holds when the
    /// top-up lands (added once).
    #[serde(default = "default_budget_multiple")]
    pub budget_multiple: f64,
}

fn default_alert_pct() -> f64 {
    2.0
}

fn default_budget_multiple() -> f64 {
    0.5
}

/// A share of positions cuts size pre-emptively when realized volatility crosses a threshold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delever {
    /// Share of positions that de-lever, in [0, 1].
    pub share: f64,
    /// Realized volatility (standard deviation of per-step returns over the window, percent)
    /// that makes them act.
    pub volatility_threshold_pct: f64,
    /// Window of the volatility estimate, steps.
    #[serde(default = "default_volatility_window")]
    pub window_steps: u32,
    /// Fraction of the position they close, in (0, 1].
    #[serde(default = "default_delever_fraction")]
    pub fraction: f64,
}

fn default_volatility_window() -> u32 {
    10
}

fn default_delever_fraction() -> f64 {
    0.5
}

/// A share of positions holds a stop-loss order: a market order that closes the whole position
/// once the last price has moved `distance_pct` against it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StopLosses {
    /// Share of positions that hold a stop, in [0, 1].
    pub share: f64,
    /// How far beyond the entry the stop sits, percent (a long's below, a short's above); a
    /// stop the start price has already passed is not held.
    pub distance_pct: f64,
}

/// Dip buyers absorb sells below a discount to fair value, with limited capacity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DipBuyers {
    /// Total they will buy, USD.
    pub capacity_usd: f64,
    /// They buy when the price is this many percent below fair value (the post-shock level).
    pub discount_pct: f64,
    /// Most they buy in one step, USD.
    pub max_per_step_usd: f64,
}

/// Algorithmic agents.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agents {
    #[serde(default)]
    pub predators: Option<Predators>,
    /// Portfolio insurance (CPPI); absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cppi: Option<Cppi>,
    /// Option dealers who delta-hedge an options book; absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_dealers: Option<OptionDealers>,
}

/// Option dealers holding options on the asset, delta-hedged by trading the asset (Black-Scholes
/// deltas at one implied volatility, zero rates).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionDealers {
    /// The dealers' options by strike. Calls and puts at one strike trade alike when hedged
    /// (their deltas differ by a constant); the kind sets only the hedge's level.
    pub strikes: Vec<StrikeCoins>,
    /// Implied volatility, percent a year.
    pub implied_vol_pct: f64,
    /// Time to expiry at the start of the run, days.
    pub days_to_expiry: f64,
    /// They re-hedge every this many steps (1: every step).
    #[serde(default = "default_rebalance_every_steps")]
    pub rehedge_every_steps: u32,
}

/// Options at one strike.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StrikeCoins {
    /// The strike, percent of the start price.
    pub strike_pct: f64,
    /// Options held, in coins of the asset (negative: the dealers are short them, short gamma).
    pub coins: f64,
    /// Calls (the default, not written out) or puts.
    #[serde(default, skip_serializing_if = "OptionKind::is_call")]
    pub kind: OptionKind,
}

/// A call or a put.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OptionKind {
    #[default]
    Call,
    Put,
}

impl OptionKind {
    pub fn is_call(&self) -> bool {
        *self == OptionKind::Call
    }
}

/// Portfolios insured by CPPI (constant-proportion portfolio insurance), as one: they hold
/// `multiplier x (value - floor)` of the asset and trade toward it as the price moves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cppi {
    /// The portfolios' value at the start, USD.
    pub capital_usd: f64,
    /// Exposure per unit of cushion (3 to 5 is typical).
    pub multiplier: f64,
    /// The value they mean to keep, percent of the starting capital.
    pub floor_pct: f64,
    /// Most exposure as a multiple of the portfolios' value (1: no borrowing).
    #[serde(default = "default_max_exposure")]
    pub max_exposure: f64,
    /// They trade only when the exposure is off its target by more than this share of their
    /// value, percent (0: on every rebalancing step).
    #[serde(default)]
    pub tolerance_pct: f64,
    /// They rebalance every this many steps (1: every step).
    #[serde(default = "default_rebalance_every_steps")]
    pub rebalance_every_steps: u32,
}

fn default_max_exposure() -> f64 {
    1.0
}

fn default_rebalance_every_steps() -> u32 {
    1
}

/// Predatory traders (Brunnermeier-Pedersen): they sell ahead of a visible liquidation cluster
/// within reach and buy back from the forced sellers during the flush.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Predators {
    /// Capital they sell with, USD.
    pub capital_usd: f64,
    /// How far (percent of the mark) a cluster may be for them to go for it.
    pub distance_pct: f64,
    /// Least liquidatable notional within the distance that counts as a cluster, USD.
    #[serde(default)]
    pub min_cluster_usd: f64,
    /// Steps over which they build their position.
    #[serde(default = "default_predator_steps")]
    pub sell_steps: u32,
}

fn default_predator_steps() -> u32 {
    5
}
