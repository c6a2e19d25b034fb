//! The venue's liquidation rules as a scenario writes them: maintenance margin (a flat rate or
//! tiers, read by hand for clear errors), fees, insurance fund, ADL and the circuit breaker, and
//! the entry-leverage cap those rules imply.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Funding;

/// The venue's liquidation rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Venue {
    #[serde(default)]
    pub maintenance_margin: MaintenanceMargin,
    /// What the maintenance margin is valued at: the position's notional at the mark (Binance,
    /// Hyperliquid, dYdX; the default) or at its entry (Bybit: `MM = position value at entry x
    /// MMR - deduction`, fixed for the position's life).
    #[serde(default, skip_serializing_if = "MarginValuation::is_default")]
    pub margin_valued_at: MarginValuation,
    /// Liquidation fee, a fraction of the liquidated notional, paid into the insurance fund.
    #[serde(default)]
    pub liquidation_fee: f64,
    /// The liquidation fee is part of the trigger: a position is liquidated once its equity is
    /// at or below its maintenance margin plus the fee on its notional (OKX); absent or false:
    /// at or below the maintenance margin alone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fee_in_trigger: bool,
    /// Starting balance of the insurance fund (USD; coin for inverse contracts).
    #[serde(default)]
    pub insurance_fund_usd: f64,
    /// Tier down first: close only enough of a position to restore its margin.
    #[serde(default)]
    pub partial_liquidation: bool,
    /// Throughput cap: most notional liquidated per step (USD at mark); the rest waits its turn.
    #[serde(default)]
    pub max_liquidation_usd_per_step: Option<f64>,
    #[serde(default)]
    pub adl: Adl,
    /// How the ADL queue ranks profitable positions (with `adl: "queue"`).
    #[serde(default, skip_serializing_if = "AdlRanking::is_default")]
    pub adl_ranking: AdlRanking,
    /// Who pays what a liquidated position's collateral does not cover; default the insurance
    /// fund first, ADL when it cannot (Binance, Bybit); `adl`: a position under water at the
    /// mark is auto-deleveraged without drawing on the fund (Hyperliquid).
    #[serde(default, skip_serializing_if = "Deficits::is_default")]
    pub deficits: Deficits,
    #[serde(default)]
    pub circuit_breaker: Option<CircuitBreaker>,
    /// How funding is computed and charged (used by a build-up); absent: Binance's.
    #[serde(default, skip_serializing_if = "Funding::is_default")]
    pub funding: Funding,
    /// Liquidation orders fill no further than this from the mark, percent; what the book does not
    /// hold within it waits for later steps (dYdX's fillable price: at most 1.8% below the
    /// oracle for a long); absent: no band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liquidation_band_pct: Option<f64>,
    /// Large positions liquidated a clip at a time with a cooldown, and a backstop that takes
    /// over positions far below maintenance (Hyperliquid); absent: neither.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clips: Option<Clips>,
    /// Per-block limits on what one liquidation may close (dYdX v4: a share of the position
    /// per block, at least a floor, at most a ceiling per account); absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_limits: Option<BlockLimits>,
    /// Leverage control that tightens in stress: maintenance margin raised once the insurance
    /// fund drains or volatility rises; absent: the rules stay as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leverage_control: Option<LeverageControl>,
}

/// Who pays what a liquidation leaves uncovered (docs/model.md §8 for a venue's positions, §15.5
/// for cross-margin accounts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Deficits {
    /// The insurance fund (for an account, the funds of the markets its legs are in, in
    /// proportion to the legs' notional); when it cannot, the position (an account's losing
    /// legs) is auto-deleveraged against the other side's profitable positions at its
    /// bankruptcy price, where the venue runs ADL (Binance, Bybit); what neither covers is bad
    /// debt.
    #[default]
    FundThenAdl,
    /// Hyperliquid's rule ("when a user's account value or isolated position value becomes
    /// negative"): a position (an account) whose value at the mark is negative is
    /// auto-deleveraged without drawing on a fund; one that goes under water only at its fill,
    /// or that ADL cannot take, is paid for by the fund as above, then is bad debt.
    Adl,
}

impl Deficits {
    pub(crate) fn is_default(&self) -> bool {
        *self == Deficits::FundThenAdl
    }
}

/// Hyperliquid's liquidation of large positions: a position whose notional (at the mark) is
/// above `above_usd` is sent to the book `share` of it first (a clip), and while it is still
/// liquidatable within `cooldown_s` of that clip, whole (whatever partial liquidation would
/// close); a position whose equity has fallen below `backstop_below` of its maintenance margin
/// is taken over whole by a backstop (Hyperliquid's liquidator vault) at the mark, without
/// touching the book.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clips {
    /// Positions above this notional at the mark (USD; contracts for inverse) are clipped.
    pub above_usd: f64,
    /// Share of the position each clip closes, in (0, 1].
    pub share: f64,
    /// Seconds after a clip during which the position's orders are for all of it; after them,
    /// the next order is a clip again.
    pub cooldown_s: f64,
    /// Equity below this share of maintenance margin sends a position to the backstop; absent:
    /// no backstop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backstop_below: Option<f64>,
}

/// dYdX v4's per-block liquidation limits: each block, a liquidated position loses at most
/// `position_share` of what is left of it, but at least `position_min_usd` (a position below
/// that goes whole), and never more than `account_max_usd` (per subaccount; in FlushLab an
/// isolated position is its own account). Notional at the mark, in USD (contracts for inverse).
/// Blocks are `block_s` apart, so a step of `step_s` holds `step_s / block_s` of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockLimits {
    /// Seconds between blocks.
    pub block_s: f64,
    /// Share of a position's remaining notional one block may close, in (0, 1].
    pub position_share: f64,
    /// Least notional one block closes of a position (the whole position if it is smaller).
    pub position_min_usd: f64,
    /// Most notional one block closes of one account (at least `position_min_usd`).
    pub account_max_usd: f64,
}

impl BlockLimits {
    /// The notional that `blocks` blocks in a row may close of a position of `notional`:
    /// `notional` itself once the position goes whole. Each block closes
    /// `min(max(share x left, floor), ceiling)` of what is `left`; the three regimes are summed
    /// in closed form (the ceiling's and the floor's are linear, the share's geometric), so the
    /// cost does not grow with the number of blocks.
    pub fn allowance(&self, notional: f64, blocks: f64) -> f64 {
        let share = self.position_share;
        let floor = self.position_min_usd;
        let ceiling = self.account_max_usd.max(floor);
        let mut left = notional;
        let mut blocks = blocks;
        // The ceiling binds while share x left >= ceiling: `ceiling` a block.
        if blocks > 0.0 && share * left >= ceiling {
            let binding = libm::floor((left - ceiling / share) / ceiling) + 1.0;
            let k = binding.min(blocks);
            left -= k * ceiling;
            blocks -= k;
            if left <= 0.0 {
                return notional;
            }
        }
        // The share binds while floor <= share x left < ceiling: left x (1 - share) a block.
        if blocks > 0.0 && share * left >= floor {
            if share >= 1.0 {
                return notional;
            }
            let binding = if floor > 0.0 {
                libm::floor(libm::log(floor / (share * left)) / libm::log(1.0 - share)) + 1.0
            } else {
                f64::INFINITY
            };
            let k = binding.max(1.0).min(blocks);
            left *= libm::pow(1.0 - share, k);
            blocks -= k;
        }
        // The floor binds: `floor` a block, the last one taking what is left whole.
        if blocks > 0.0 && floor > 0.0 {
            if blocks * floor >= left {
                return notional;
            }
            left -= blocks * floor;
        }
        notional - left
    }
}

/// A venue that cuts leverage in stress: once the insurance fund has fallen below a share of
/// its start, or realized volatility has risen past a threshold, it multiplies every maintenance
/// rate (and deduction) for the rest of the run, as cutting maximum leverage does where
/// maintenance is a fixed share of initial margin (Hyperliquid: half of it). Positions that no
/// longer meet the raised requirement are liquidated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeverageControl {
    /// Tighten once the fund is below this share of its start, percent (absent: not on the fund).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fund_below_pct: Option<f64>,
    /// Tighten once realized volatility (standard deviation of per-step returns over
    /// `window_steps`, percent) exceeds this (absent: not on volatility).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volatility_pct: Option<f64>,
    /// Window of the volatility estimate, steps.
    #[serde(default = "default_control_window")]
    pub window_steps: u32,
    /// What maintenance rates are multiplied by (2: maximum leverage halved).
    pub margin_multiplier: f64,
}

fn default_control_window() -> u32 {
    10
}

/// What a position's maintenance margin is valued at (docs/model.md §4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MarginValuation {
    /// The notional at the mark: the requirement moves with the price (Binance, Hyperliquid,
    /// dYdX).
    #[default]
    Mark,
    /// The notional at entry: the requirement is fixed when the position opens (Bybit's USDT
    /// contracts: liquidation price `entry - (IM - MM) / size` for a long).
    Entry,
}

impl MarginValuation {
    fn is_default(&self) -> bool {
        *self == MarginValuation::default()
    }
}

/// The order an ADL queue takes profitable positions in, highest score first, as venues
/// document it (docs/venues.md).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdlRanking {
    /// BitMEX, Bybit: PnL% (of collateral) times effective leverage (notional over equity).
    #[default]
    PnlTimesLeverage,
    /// Binance: PnL% (of collateral, at least 1) times margin ratio (maintenance margin over
    /// equity).
    PnlTimesMarginRatio,
    /// Hyperliquid: price over entry in the position's favour (mark/entry for a long,
    /// entry/mark for a short) times notional over equity.
    PriceRatioTimesLeverage,
}

impl AdlRanking {
    fn is_default(&self) -> bool {
        *self == AdlRanking::default()
    }
}

impl Venue {
    /// The lowest rate a position is liquidated at: the smallest tier's maintenance rate, with
    /// the liquidation fee when the fee is part of the trigger. Leverage caps follow from it.
    pub fn lowest_trigger_rate(&self) -> f64 {
        let fee = if self.fee_in_trigger {
            self.liquidation_fee
        } else {
            0.0
        };
        self.maintenance_margin.lowest_rate() + fee
    }
}

impl Default for Venue {
    fn default() -> Self {
        Venue {
            maintenance_margin: MaintenanceMargin::default(),
            margin_valued_at: MarginValuation::default(),
            liquidation_fee: 0.0,
            fee_in_trigger: false,
            insurance_fund_usd: 0.0,
            partial_liquidation: false,
            max_liquidation_usd_per_step: None,
            adl: Adl::Off,
            adl_ranking: AdlRanking::default(),
            deficits: Deficits::default(),
            circuit_breaker: None,
            funding: Funding::default(),
            liquidation_band_pct: None,
            clips: None,
            block_limits: None,
            leverage_control: None,
        }
    }
}

/// Maintenance margin: a flat rate, or tiers as Binance's table (in notional) or OKX's (in coins,
/// each tier's rate on the whole position).
///
/// Read by hand rather than as a serde `untagged` enum: that accepts unknown fields next to
/// `tiers` and answers every mistake with "did not match any variant". This reader rejects
/// unknown fields with their path and names both accepted shapes.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
#[schemars(deny_unknown_fields)]
pub enum MaintenanceMargin {
    Flat(f64),
    Tiered {
        tiers: Vec<MarginTier>,
        /// Each tier's rate applies to the whole position, so the requirement steps up at each
        /// bound (OKX); absent or false: Binance's maintenance amount keeps it continuous.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        whole_position: bool,
    },
}

impl<'de> Deserialize<'de> for MaintenanceMargin {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MaintenanceMarginVisitor)
    }
}

/// The two shapes of `maintenance_margin`.
struct MaintenanceMarginVisitor;

/// The tiered shape as it is written: `{"tiers": [...]}` and nothing else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TierTable {
    tiers: Vec<MarginTier>,
    #[serde(default)]
    whole_position: bool,
}

impl<'de> serde::de::Visitor<'de> for MaintenanceMarginVisitor {
    type Value = MaintenanceMargin;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str(
            r#"a flat rate (a number such as 0.005) or tiers ({"tiers": [{"max_notional_usd": 50000, "rate": 0.004}, ...]}, or "max_coins" bounds)"#,
        )
    }

    fn visit_f64<E: serde::de::Error>(self, rate: f64) -> Result<MaintenanceMargin, E> {
        Ok(MaintenanceMargin::Flat(rate))
    }

    fn visit_u64<E: serde::de::Error>(self, rate: u64) -> Result<MaintenanceMargin, E> {
        Ok(MaintenanceMargin::Flat(rate as f64))
    }

    fn visit_i64<E: serde::de::Error>(self, rate: i64) -> Result<MaintenanceMargin, E> {
        Ok(MaintenanceMargin::Flat(rate as f64))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        map: A,
    ) -> Result<MaintenanceMargin, A::Error> {
        // The map access passed in keeps tracking field paths, so errors inside name the field.
        let table = TierTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Ok(MaintenanceMargin::Tiered {
            tiers: table.tiers,
            whole_position: table.whole_position,
        })
    }
}

impl MaintenanceMargin {
    /// The rate of the smallest positions (the flat rate, or the first tier's).
    pub fn lowest_rate(&self) -> f64 {
        match self {
            MaintenanceMargin::Flat(rate) => *rate,
            MaintenanceMargin::Tiered { tiers, .. } => tiers.first().map_or(0.0, |tier| tier.rate),
        }
    }
}

/// Share of the liquidation leverage a position may enter at (see [`max_entry_leverage`]).
const ENTRY_MARGIN_SAFETY: f64 = 0.95;

/// The leverage at which a position's collateral equals its maintenance margin under rate `rate`
/// (> 0), `1 / rate`: it would open already at its liquidation price. Validation keeps every
/// scenario leverage below it.
#[inline]
pub fn liquidation_leverage(rate: f64) -> f64 {
    1.0 / rate
}

/// The highest leverage a position may enter at under maintenance rate `rate` (> 0), at least 1x:
/// `0.95 / rate`, so its collateral is 1 / 0.95 of its maintenance margin and a small adverse move
/// (5% of its margin) stands between entry and liquidation, as a venue's per-tier leverage caps
/// ensure. Population generation, the phase grid's leverage edits and the leverage-cycle entrants
/// all cap leverage here.
#[inline]
pub fn max_entry_leverage(rate: f64) -> f64 {
    (ENTRY_MARGIN_SAFETY / rate).max(1.0)
}

impl Default for MaintenanceMargin {
    fn default() -> Self {
        MaintenanceMargin::Flat(0.005)
    }
}

/// One maintenance-margin tier: positions up to its bound pay `rate`. The bound is a notional
/// (`max_notional_usd`: USD at entry, contracts for inverse; Binance's tiers) or a size in coins
/// (`max_coins`: OKX sizes its tiers in contracts of a fixed number of coins); every tier of a
/// table gives the same one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarginTier {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_notional_usd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_coins: Option<f64>,
    pub rate: f64,
}

impl MarginTier {
    /// A tier bounded in notional.
    pub fn up_to_usd(max_notional_usd: f64, rate: f64) -> MarginTier {
        MarginTier {
            max_notional_usd: Some(max_notional_usd),
            max_coins: None,
            rate,
        }
    }

    /// A tier bounded in coins.
    pub fn up_to_coins(max_coins: f64, rate: f64) -> MarginTier {
        MarginTier {
            max_notional_usd: None,
            max_coins: Some(max_coins),
            rate,
        }
    }

    /// The tier's bound, and whether it is in coins (else notional); `None` when it gives
    /// neither or both (validation reports it).
    pub fn bound(&self) -> Option<(f64, bool)> {
        match (self.max_notional_usd, self.max_coins) {
            (Some(usd), None) => Some((usd, false)),
            (None, Some(coins)) => Some((coins, true)),
            _ => None,
        }
    }
}

/// What happens when the insurance fund cannot cover a bankrupt position.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Adl {
    /// No auto-deleveraging: the uncovered loss is bad debt.
    #[default]
    Off,
    /// Ranked queue (Bybit/BitMEX): most profitable, most leveraged opposite positions first.
    Queue,
    /// Every profitable opposite position is reduced by the same fraction.
    ProRata,
}

/// Halt trading for `halt_steps` when the price moves more than `move_pct` within `window_steps`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CircuitBreaker {
    pub move_pct: f64,
    pub window_steps: u32,
    pub halt_steps: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Problem, ScenarioError};
    use crate::scenario::Scenario;

    fn with_margin(margin: &str) -> Result<Scenario, ScenarioError> {
        Scenario::from_json(&format!(
            r#"{{"version": 1,
                "market": {{"price": 100.0, "book": {{"profile": "linear", "depth_1pct_usd": 1e6}}}},
                "positions": {{"list": [{{"side": "long", "notional_usd": 1000, "entry": 100, "leverage": 5}}]}},
                "venue": {{"maintenance_margin": {margin}}},
                "shock": {{"kind": "instant", "pct": -5}}}}"#
        ))
    }

    fn only_problem(margin: &str) -> Problem {
        let error = with_margin(margin).expect_err(margin);
        assert_eq!(error.problems.len(), 1, "{error}");
        error.problems[0].clone()
    }

    #[test]
    fn maintenance_margin_reads_a_rate_or_tiers() {
        let flat = with_margin("0.004").unwrap();
        assert_eq!(
            flat.venue.maintenance_margin,
            MaintenanceMargin::Flat(0.004)
        );
        let whole = with_margin("0").unwrap();
        assert_eq!(whole.venue.maintenance_margin, MaintenanceMargin::Flat(0.0));
        let tiered =
            with_margin(r#"{"tiers": [{"max_notional_usd": 50000, "rate": 0.004}]}"#).unwrap();
        assert_eq!(
            tiered.venue.maintenance_margin,
            MaintenanceMargin::Tiered {
                tiers: vec![MarginTier::up_to_usd(50_000.0, 0.004)],
                whole_position: false,
            }
        );
        // What it writes, it reads back, without the fields it did not give.
        assert_eq!(Scenario::from_json(&tiered.to_json()).unwrap(), tiered);
        assert!(!tiered.to_json().contains("max_coins") && !tiered.to_json().contains("whole_"));
        let okx =
            with_margin(r#"{"tiers": [{"max_coins": 10, "rate": 0.004}], "whole_position": true}"#)
                .unwrap();
        assert_eq!(
            okx.venue.maintenance_margin,
            MaintenanceMargin::Tiered {
                tiers: vec![MarginTier::up_to_coins(10.0, 0.004)],
                whole_position: true,
            }
        );
        assert_eq!(Scenario::from_json(&okx.to_json()).unwrap(), okx);
    }

    #[test]
    fn a_tier_bounds_notional_or_coins_as_every_other_tier_does() {
        let bound = "a tier gives its bound as max_notional_usd or as max_coins";
        for (margin, path) in [
            (r#"{"tiers": [{"rate": 0.004}]}"#, "tiers[0]"),
            (
                r#"{"tiers": [{"max_notional_usd": 5e4, "max_coins": 1, "rate": 0.004}]}"#,
                "tiers[0]",
            ),
            (
                r#"{"tiers": [{"max_coins": 1, "rate": 0.004}, {"max_notional_usd": 5e4, "rate": 0.005}]}"#,
                "tiers[1]",
            ),
        ] {
            let problem = only_problem(margin);
            assert_eq!(problem.path, format!("venue.maintenance_margin.{path}"));
            assert!(problem.message().starts_with(bound), "{problem}");
        }
        let shrinking = only_problem(
            r#"{"tiers": [{"max_coins": 10, "rate": 0.004}, {"max_coins": 5, "rate": 0.005}]}"#,
        );
        assert_eq!(shrinking.path, "venue.maintenance_margin.tiers[1]");
        assert!(
            shrinking.message().starts_with("tiers must grow"),
            "{shrinking}"
        );
        let tiny = only_problem(r#"{"tiers": [{"max_coins": 0, "rate": 0.004}]}"#);
        assert_eq!(tiny.path, "venue.maintenance_margin.tiers[0].max_coins");
    }

    #[test]
    fn maintenance_margin_rejects_unknown_fields_with_their_path() {
        let next_to_tiers =
            only_problem(r#"{"tiers": [{"max_notional_usd": 50000, "rate": 0.004}], "note": "x"}"#);
        assert_eq!(next_to_tiers.path, "venue.maintenance_margin.note");
        assert!(
            next_to_tiers
                .message()
                .starts_with("unknown field `note`, expected `tiers` or `whole_position`"),
            "{next_to_tiers}"
        );
        let in_a_tier =
            only_problem(r#"{"tiers": [{"max_notional_usd": 50000, "rate": 0.004, "cap": 1}]}"#);
        assert_eq!(in_a_tier.path, "venue.maintenance_margin.tiers[0].cap");
        assert!(
            in_a_tier.message().starts_with("unknown field `cap`"),
            "{in_a_tier}"
        );
        let missing = only_problem(r#"{"tiers": [{"max_notional_usd": 50000}]}"#);
        assert_eq!(missing.path, "venue.maintenance_margin.tiers[0]");
        assert!(
            missing.message().starts_with("missing field `rate`"),
            "{missing}"
        );
    }

    #[test]
    fn a_wrong_maintenance_margin_shape_names_the_accepted_shapes() {
        for wrong in [r#""0.5%""#, "[0.005]", "null", "true"] {
            let problem = only_problem(wrong);
            assert_eq!(problem.path, "venue.maintenance_margin", "{wrong}");
            assert!(
                problem
                    .message()
                    .contains("expected a flat rate (a number such as 0.005) or tiers")
                    && problem
                        .message()
                        .contains(r#"{"tiers": [{"max_notional_usd""#),
                "{problem}"
            );
        }
    }

    #[test]
    fn the_schema_rejects_unknown_fields_next_to_tiers() {
        let schema: serde_json::Value = serde_json::from_str(&Scenario::json_schema()).unwrap();
        let shapes = &schema["$defs"]["MaintenanceMargin"]["anyOf"];
        let tiered = shapes
            .as_array()
            .unwrap()
            .iter()
            .find(|shape| shape["type"] == "object")
            .unwrap();
        assert_eq!(tiered["additionalProperties"], false);
    }

    /// The rule as dYdX states it, one block at a time.
    fn block_by_block(limits: &super::BlockLimits, notional: f64, blocks: u32) -> f64 {
        let mut left = notional;
        for _ in 0..blocks {
            let take = (limits.position_share * left)
                .max(limits.position_min_usd)
                .min(limits.account_max_usd);
            if take >= left {
                return notional;
            }
            left -= take;
        }
        notional - left
    }

    #[test]
    fn block_limits_sum_dydx_blocks_in_closed_form() {
        let dydx = super::BlockLimits {
            block_s: 1.0,
            position_share: 0.1,
            position_min_usd: 1_000.0,
            account_max_usd: 100_000.0,
        };
        // By hand: a $5M position loses the $100k ceiling a block while 10% of it is more.
        assert_eq!(dydx.allowance(5e6, 1.0), 100_000.0);
        assert_eq!(dydx.allowance(5e6, 3.0), 300_000.0);
        // $500k: 10% a block, 50,000 then 45,000.
        assert!((dydx.allowance(5e5, 2.0) - 95_000.0).abs() < 1e-6);
        // $3,000: the $1,000 floor, three blocks to go whole; $800 goes whole at once.
        assert_eq!(dydx.allowance(3_000.0, 2.0), 2_000.0);
        assert_eq!(dydx.allowance(3_000.0, 3.0), 3_000.0);
        assert_eq!(dydx.allowance(800.0, 1.0), 800.0);
        let others = [
            dydx.clone(),
            super::BlockLimits {
                position_share: 0.37,
                position_min_usd: 0.0,
                ..dydx.clone()
            },
            super::BlockLimits {
                position_share: 1.0,
                ..dydx.clone()
            },
            super::BlockLimits {
                position_min_usd: 100_000.0,
                ..dydx.clone()
            },
        ];
        for limits in &others {
            for notional in [10.0, 999.0, 1_000.0, 7_777.0, 123_456.0, 2e6, 3.3e7, 1e9] {
                for blocks in [1, 2, 5, 17, 60, 240, 1_000] {
                    let closed = limits.allowance(notional, f64::from(blocks));
                    let looped = block_by_block(limits, notional, blocks);
                    assert!(
                        (closed - looped).abs() <= 1e-9 * notional,
                        "{limits:?} {notional} x {blocks}: {closed} against {looped}"
                    );
                }
            }
        }
    }
}
