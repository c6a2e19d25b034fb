//! The scenario format, version 1: what the user describes. Serde types with documented defaults,
//! and validation that reports every problem with its field path.
//!
//! The format is documented for users in `docs/scenario.md`; keep the two in step.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Problem, ScenarioError};

/// The only format version this engine reads.
pub const FORMAT_VERSION: u32 = 1;
/// Most positions a scenario may hold or generate.
pub const MAX_POSITIONS: usize = 2_000_000;
/// Most steps a timeline may run.
pub const MAX_STEPS: u32 = 100_000;
/// Most explicit order-book levels.
pub const MAX_BOOK_LEVELS: usize = 10_000;
/// Most leverage buckets or margin tiers.
pub const MAX_BUCKETS: usize = 64;
/// Largest input accepted by [`Scenario::from_json`], in bytes (an explicit position list of the
/// maximum size fits well inside it).
pub const MAX_INPUT_BYTES: usize = 256 * 1024 * 1024;

/// A whole scenario: market, positions, venue rules, traders, algorithms, the shock and the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; must be 1.
    pub version: u32,
    /// Seed of every random draw (population generation). Same seed, same outcome.
    #[serde(default = "default_seed")]
    pub seed: u64,
    pub market: Market,
    pub positions: Positions,
    #[serde(default)]
    pub venue: Venue,
    #[serde(default)]
    pub traders: Traders,
    #[serde(default)]
    pub agents: Agents,
    pub shock: Shock,
    #[serde(default)]
    pub run: Run,
}

fn default_seed() -> u64 {
    1
}

/// The market: price, contract type, order book and how it behaves under stress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Market {
    /// Start price (USD per coin).
    pub price: f64,
    #[serde(default)]
    pub contract: Contract,
    pub book: Book,
    /// Half-life (seconds) with which consumed depth refills; `null` means impact is permanent.
    #[serde(default)]
    pub resilience_half_life_s: Option<f64>,
    /// Market-maker withdrawal: the share of depth pulled per 1% that the mark has moved from the
    /// start price, in [0, 1].
    #[serde(default)]
    pub withdrawal: f64,
    /// The least share of depth that stays however far the price moves, in (0, 1].
    #[serde(default = "default_withdrawal_floor")]
    pub withdrawal_floor: f64,
    /// Half-life (seconds) with which the mark price follows the last price; 0 means mark = last.
    #[serde(default)]
    pub mark_smoothing_s: f64,
}

fn default_withdrawal_floor() -> f64 {
    0.2
}

/// Contract type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Contract {
    /// USD-margined: PnL = quantity * (exit - entry), money in USD.
    #[default]
    Linear,
    /// Coin-margined: PnL = contracts * (1/entry - 1/exit) in coin, one contract = 1 USD.
    Inverse,
}

/// The order book's depth profile. Percent bands are percent of the start price.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "profile", rename_all = "snake_case", deny_unknown_fields)]
pub enum Book {
    /// Constant depth per 1% band: selling q coins moves the price q / (depth_1pct_usd / price) %.
    Linear { depth_1pct_usd: f64 },
    /// Cumulative depth within x% = depth_1pct_usd * x^exponent; exponent 2 is square-root impact.
    Power { depth_1pct_usd: f64, exponent: f64 },
    /// An explicit ladder: notional resting at each price, bids below the start price, asks above.
    Levels { levels: Vec<BookLevel> },
}

/// One rung of an explicit book.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BookLevel {
    pub price: f64,
    pub notional_usd: f64,
}

/// The leveraged positions: an explicit list, or a generated population.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Positions {
    List(Vec<PositionSpec>),
    Generate(Population),
}

/// Long or short.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Long,
    Short,
}

/// One explicit isolated-margin position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionSpec {
    pub side: Side,
    /// Size in USD at entry; for inverse contracts the contract count (1 USD each).
    pub notional_usd: f64,
    pub entry: f64,
    /// Initial leverage: collateral = notional / leverage.
    pub leverage: f64,
}

/// A generated population of isolated-margin positions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Population {
    /// Number of positions, split equally over buckets and sides.
    pub count: usize,
    /// Total open interest of the population, USD at entry.
    pub open_interest_usd: f64,
    /// Share of open interest held long, in [0, 1] (the leverage skew).
    #[serde(default = "default_long_share")]
    pub long_share: f64,
    /// Open interest by leverage bucket; weights are relative.
    pub leverage_buckets: Vec<LeverageBucket>,
    /// Standard deviation of entry prices around the start price, percent.
    #[serde(default)]
    pub entry_spread_pct: f64,
    /// Log-normal sigma of position sizes (0: all equal).
    #[serde(default)]
    pub size_dispersion: f64,
}

fn default_long_share() -> f64 {
    0.5
}

impl Population {
    /// Each bucket's open interest, USD: `open_interest_usd * weight / sum(weights)` (0 if no
    /// weight is positive).
    pub fn bucket_open_interest(&self) -> Vec<f64> {
        let total: f64 = self.leverage_buckets.iter().map(|b| b.weight).sum();
        self.leverage_buckets
            .iter()
            .map(|bucket| {
                if total > 0.0 {
                    self.open_interest_usd * bucket.weight / total
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// Sets each bucket's open interest, USD, as the leverage editor does: weights in millions of
    /// USD (validation caps them), the open interest their sum. A bucket whose amount did not
    /// change keeps its scale bit for bit, so a rescale keeps its positions' start state.
    pub fn set_bucket_open_interest(&mut self, amounts: &[f64]) {
        for (bucket, amount) in self.leverage_buckets.iter_mut().zip(amounts) {
            bucket.weight = amount / 1e6;
        }
        self.open_interest_usd = amounts.iter().sum();
    }
}

/// A leverage bucket: positions whose leverage is log-uniform in [min, max].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeverageBucket {
    pub min: f64,
    pub max: f64,
    /// Relative share of open interest.
    pub weight: f64,
}

impl LeverageBucket {
    /// A label such as "5-10x" (bounds a calibration scaled, such as 1.5785, shown as "1.6").
    pub fn label(&self) -> String {
        let short = |value: f64| {
            let rounded = (value * 10.0).round() / 10.0;
            if rounded == value.round() {
                format!("{}", value.round())
            } else {
                format!("{rounded:.1}")
            }
        };
        if self.min == self.max {
            format!("{}x", short(self.min))
        } else {
            format!("{}-{}x", short(self.min), short(self.max))
        }
    }
}

/// The venue's liquidation rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Venue {
    #[serde(default)]
    pub maintenance_margin: MaintenanceMargin,
    /// Liquidation fee, a fraction of the liquidated notional, paid into the insurance fund.
    #[serde(default)]
    pub liquidation_fee: f64,
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
    #[serde(default)]
    pub circuit_breaker: Option<CircuitBreaker>,
}

impl Default for Venue {
    fn default() -> Self {
        Venue {
            maintenance_margin: MaintenanceMargin::default(),
            liquidation_fee: 0.0,
            insurance_fund_usd: 0.0,
            partial_liquidation: false,
            max_liquidation_usd_per_step: None,
            adl: Adl::Off,
            circuit_breaker: None,
        }
    }
}

/// Maintenance margin: a flat rate, or notional tiers as Binance's table.
///
/// Read by hand rather than as a serde `untagged` enum: that accepts unknown fields next to
/// `tiers` and answers every mistake with "did not match any variant". This reader rejects
/// unknown fields with their path and names both accepted shapes.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
#[schemars(deny_unknown_fields)]
pub enum MaintenanceMargin {
    Flat(f64),
    Tiered { tiers: Vec<MarginTier> },
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
}

impl<'de> serde::de::Visitor<'de> for MaintenanceMarginVisitor {
    type Value = MaintenanceMargin;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str(
            r#"a flat rate (a number such as 0.005) or tiers ({"tiers": [{"max_notional_usd": 50000, "rate": 0.004}, ...]})"#,
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
        Ok(MaintenanceMargin::Tiered { tiers: table.tiers })
    }
}

impl MaintenanceMargin {
    /// The rate of the smallest positions (the flat rate, or the first tier's).
    pub fn lowest_rate(&self) -> f64 {
        match self {
            MaintenanceMargin::Flat(rate) => *rate,
            MaintenanceMargin::Tiered { tiers } => tiers.first().map_or(0.0, |tier| tier.rate),
        }
    }
}

impl Default for MaintenanceMargin {
    fn default() -> Self {
        MaintenanceMargin::Flat(0.005)
    }
}

/// One maintenance-margin tier: positions up to `max_notional_usd` pay `rate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarginTier {
    pub max_notional_usd: f64,
    pub rate: f64,
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

/// The exogenous shock that starts it all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shock {
    pub kind: ShockKind,
    /// `instant` and `ramp`: the move, percent (negative is down).
    #[serde(default)]
    pub pct: f64,
    /// `sell`: notional of the market order, USD (negative buys).
    #[serde(default)]
    pub notional_usd: f64,
    /// `ramp`: how long the move takes, seconds.
    #[serde(default)]
    pub duration_s: f64,
}

/// Kind of shock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShockKind {
    /// The price gaps by `pct`; the book moves with it.
    Instant,
    /// An exogenous market order of `notional_usd` walks the book.
    Sell,
    /// The price drifts by `pct` over `duration_s`.
    Ramp,
}

/// How long the timeline runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Run {
    #[serde(default = "default_steps")]
    pub steps: u32,
    #[serde(default = "default_step_s")]
    pub step_s: f64,
}

fn default_steps() -> u32 {
    200
}

fn default_step_s() -> f64 {
    1.0
}

impl Default for Run {
    fn default() -> Self {
        Run {
            steps: default_steps(),
            step_s: default_step_s(),
        }
    }
}

impl Scenario {
    /// Parses and validates a scenario; every problem comes back with its field path.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = parse_with_paths(text)?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// The JSON Schema of the format.
    pub fn json_schema() -> String {
        serde_json::to_string_pretty(&schemars::schema_for!(Scenario)).unwrap_or_default()
    }

    /// The scenario as pretty JSON (the same format [`Scenario::from_json`] reads).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks every field; returns all problems at once.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let mut check = Checker::default();
        if self.version != FORMAT_VERSION {
            check.fail(
                "version",
                format!("must be {FORMAT_VERSION} (got {})", self.version),
            );
        }
        self.market.validate(&mut check);
        validate_positions(&self.positions, &mut check);
        validate_leverage_against_margin(self, &mut check);
        self.venue.validate(&mut check, self.market.contract);
        self.traders.validate(&mut check);
        self.agents.validate(&mut check);
        self.shock.validate(&mut check);
        check.range_int("run.steps", self.run.steps as u64, 1, MAX_STEPS as u64);
        check.range("run.step_s", self.run.step_s, 1e-3, 86_400.0);
        check.finish()
    }

    /// Number of positions the scenario holds or generates.
    pub fn position_count(&self) -> usize {
        match &self.positions {
            Positions::List(list) => list.len(),
            Positions::Generate(population) => population.count,
        }
    }
}

/// Reads a JSON document of at most [`MAX_INPUT_BYTES`] into `T`; a problem comes back with the
/// path of the field it concerns (serde's message keeps its " at line L column C").
pub(crate) fn parse_with_paths<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<T, ScenarioError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(ScenarioError::single(
            "",
            format!(
                "input is {} bytes; the limit is {MAX_INPUT_BYTES}",
                text.len()
            ),
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let path = if path == "." { String::new() } else { path };
        ScenarioError::single(&path, error.inner().to_string())
    })?;
    deserializer
        .end()
        .map_err(|error| ScenarioError::single("", error.to_string()))?;
    Ok(value)
}

impl Market {
    fn validate(&self, check: &mut Checker) {
        check.range("market.price", self.price, 1e-6, 1e9);
        match &self.book {
            Book::Linear { depth_1pct_usd } => {
                check.range("market.book.depth_1pct_usd", *depth_1pct_usd, 1.0, 1e13);
            }
            Book::Power {
                depth_1pct_usd,
                exponent,
            } => {
                check.range("market.book.depth_1pct_usd", *depth_1pct_usd, 1.0, 1e13);
                check.range("market.book.exponent", *exponent, 0.25, 4.0);
            }
            Book::Levels { levels } => {
                if levels.is_empty() || levels.len() > MAX_BOOK_LEVELS {
                    check.fail(
                        "market.book.levels",
                        format!(
                            "must hold 1 to {MAX_BOOK_LEVELS} levels (got {})",
                            levels.len()
                        ),
                    );
                } else {
                    for (i, level) in levels.iter().enumerate() {
                        let path = format!("market.book.levels[{i}]");
                        check.range(&format!("{path}.price"), level.price, 1e-9, 1e12);
                        check.range(
                            &format!("{path}.notional_usd"),
                            level.notional_usd,
                            0.0,
                            1e13,
                        );
                        if level.price == self.price {
                            check.fail(
                                &format!("{path}.price"),
                                "must differ from the start price".into(),
                            );
                        }
                    }
                    if !levels.iter().any(|level| level.price < self.price) {
                        check.fail(
                            "market.book.levels",
                            "needs at least one bid below the start price".into(),
                        );
                    }
                    if !levels.iter().any(|level| level.price > self.price) {
                        check.fail(
                            "market.book.levels",
                            "needs at least one ask above the start price".into(),
                        );
                    }
                }
            }
        }
        if let Some(half_life) = self.resilience_half_life_s {
            check.range("market.resilience_half_life_s", half_life, 1e-3, 1e7);
        }
        check.range("market.withdrawal", self.withdrawal, 0.0, 1.0);
        check.range_open_low("market.withdrawal_floor", self.withdrawal_floor, 0.0, 1.0);
        check.range("market.mark_smoothing_s", self.mark_smoothing_s, 0.0, 1e7);
    }
}

/// Highest leverage accepted.
pub const MAX_LEVERAGE: f64 = 1000.0;

fn validate_positions(positions: &Positions, check: &mut Checker) {
    match positions {
        Positions::List(list) => {
            if list.is_empty() || list.len() > MAX_POSITIONS {
                check.fail(
                    "positions.list",
                    format!(
                        "must hold 1 to {MAX_POSITIONS} positions (got {})",
                        list.len()
                    ),
                );
                return;
            }
            for (i, position) in list.iter().enumerate() {
                let path = format!("positions.list[{i}]");
                check.range(
                    &format!("{path}.notional_usd"),
                    position.notional_usd,
                    1e-6,
                    1e12,
                );
                check.range(&format!("{path}.entry"), position.entry, 1e-6, 1e9);
                check.range_open_low(
                    &format!("{path}.leverage"),
                    position.leverage,
                    1.0,
                    MAX_LEVERAGE,
                );
                if check.problems.len() > 100 {
                    check.fail(
                        "positions.list",
                        "too many problems; stopped checking".into(),
                    );
                    return;
                }
            }
        }
        Positions::Generate(population) => {
            let path = "positions.generate";
            check.range_int(
                &format!("{path}.count"),
                population.count as u64,
                1,
                MAX_POSITIONS as u64,
            );
            check.range(
                &format!("{path}.open_interest_usd"),
                population.open_interest_usd,
                1.0,
                1e13,
            );
            check.range(
                &format!("{path}.long_share"),
                population.long_share,
                0.0,
                1.0,
            );
            check.range(
                &format!("{path}.entry_spread_pct"),
                population.entry_spread_pct,
                0.0,
                20.0,
            );
            check.range(
                &format!("{path}.size_dispersion"),
                population.size_dispersion,
                0.0,
                3.0,
            );
            let buckets = &population.leverage_buckets;
            if population.count < 2 * buckets.len() {
                check.fail(
                    &format!("{path}.count"),
                    format!(
                        "must be at least 2 per bucket ({}) so every bucket has longs and shorts",
                        2 * buckets.len()
                    ),
                );
            }
            if buckets.is_empty() || buckets.len() > MAX_BUCKETS {
                check.fail(
                    &format!("{path}.leverage_buckets"),
                    format!(
                        "must hold 1 to {MAX_BUCKETS} buckets (got {})",
                        buckets.len()
                    ),
                );
                return;
            }
            for (i, bucket) in buckets.iter().enumerate() {
                let bucket_path = format!("{path}.leverage_buckets[{i}]");
                check.range(&format!("{bucket_path}.min"), bucket.min, 1.0, MAX_LEVERAGE);
                check.range(&format!("{bucket_path}.max"), bucket.max, 1.0, MAX_LEVERAGE);
                if bucket.max < bucket.min {
                    check.fail(&format!("{bucket_path}.max"), "must be at least min".into());
                }
                check.range(&format!("{bucket_path}.weight"), bucket.weight, 0.0, 1e9);
            }
            if buckets.iter().all(|bucket| bucket.weight == 0.0) {
                check.fail(
                    &format!("{path}.leverage_buckets"),
                    "at least one weight must be positive".into(),
                );
            }
        }
    }
}

/// A venue lets no position open at or past its own liquidation price: leverage must stay below
/// 1 / (lowest maintenance rate), as venues' leverage caps per tier ensure.
fn validate_leverage_against_margin(scenario: &Scenario, check: &mut Checker) {
    let rate = scenario.venue.maintenance_margin.lowest_rate();
    if !(rate > 0.0 && rate.is_finite()) {
        return;
    }
    let cap = 1.0 / rate;
    match &scenario.positions {
        Positions::List(list) => {
            if let Some((i, position)) = list.iter().enumerate().find(|(_, p)| p.leverage >= cap) {
                check.fail(
                    &format!("positions.list[{i}].leverage"),
                    format!("must be below {cap} (1 / maintenance margin), or it opens already liquidatable (got {})", position.leverage),
                );
            }
        }
        Positions::Generate(population) => {
            for (i, bucket) in population.leverage_buckets.iter().enumerate() {
                if bucket.max >= cap {
                    check.fail(
                        &format!("positions.generate.leverage_buckets[{i}].max"),
                        format!("must be below {cap} (1 / maintenance margin), or positions open already liquidatable (got {})", bucket.max),
                    );
                }
            }
        }
    }
}

impl Venue {
    fn validate(&self, check: &mut Checker, _contract: Contract) {
        match &self.maintenance_margin {
            MaintenanceMargin::Flat(rate) => {
                check.range("venue.maintenance_margin", *rate, 0.0, 0.5)
            }
            MaintenanceMargin::Tiered { tiers } => {
                if tiers.is_empty() || tiers.len() > MAX_BUCKETS {
                    check.fail(
                        "venue.maintenance_margin.tiers",
                        format!("must hold 1 to {MAX_BUCKETS} tiers (got {})", tiers.len()),
                    );
                }
                let mut previous = (0.0, 0.0);
                for (i, tier) in tiers.iter().enumerate() {
                    let path = format!("venue.maintenance_margin.tiers[{i}]");
                    check.range(
                        &format!("{path}.max_notional_usd"),
                        tier.max_notional_usd,
                        1.0,
                        1e15,
                    );
                    check.range(&format!("{path}.rate"), tier.rate, 0.0, 0.5);
                    if i > 0 && (tier.max_notional_usd <= previous.0 || tier.rate < previous.1) {
                        check.fail(
                            &path,
                            "tiers must grow in notional and not fall in rate".into(),
                        );
                    }
                    previous = (tier.max_notional_usd, tier.rate);
                }
            }
        }
        check.range("venue.liquidation_fee", self.liquidation_fee, 0.0, 0.1);
        check.range(
            "venue.insurance_fund_usd",
            self.insurance_fund_usd,
            0.0,
            1e13,
        );
        if let Some(cap) = self.max_liquidation_usd_per_step {
            check.range("venue.max_liquidation_usd_per_step", cap, 1.0, 1e15);
        }
        if let Some(breaker) = &self.circuit_breaker {
            check.range(
                "venue.circuit_breaker.move_pct",
                breaker.move_pct,
                0.01,
                100.0,
            );
            check.range_int(
                "venue.circuit_breaker.window_steps",
                breaker.window_steps as u64,
                1,
                MAX_STEPS as u64,
            );
            check.range_int(
                "venue.circuit_breaker.halt_steps",
                breaker.halt_steps as u64,
                1,
                MAX_STEPS as u64,
            );
        }
    }
}

impl Traders {
    fn validate(&self, check: &mut Checker) {
        if let Some(top_up) = &self.top_up {
            check.range("traders.top_up.share", top_up.share, 0.0, 1.0);
            check.range("traders.top_up.alert_pct", top_up.alert_pct, 0.0, 50.0);
            check.range("traders.top_up.delay_s", top_up.delay_s, 0.0, 1e7);
            check.range(
                "traders.top_up.budget_multiple",
                top_up.budget_multiple,
                0.0,
                100.0,
            );
        }
        if let Some(delever) = &self.delever {
            check.range("traders.delever.share", delever.share, 0.0, 1.0);
            check.range(
                "traders.delever.volatility_threshold_pct",
                delever.volatility_threshold_pct,
                0.0,
                100.0,
            );
            check.range_int(
                "traders.delever.window_steps",
                delever.window_steps as u64,
                2,
                10_000,
            );
            check.range_open_low("traders.delever.fraction", delever.fraction, 0.0, 1.0);
        }
        if let Some(dip) = &self.dip_buyers {
            check.range(
                "traders.dip_buyers.capacity_usd",
                dip.capacity_usd,
                0.0,
                1e13,
            );
            check.range(
                "traders.dip_buyers.discount_pct",
                dip.discount_pct,
                0.0,
                90.0,
            );
            check.range(
                "traders.dip_buyers.max_per_step_usd",
                dip.max_per_step_usd,
                0.0,
                1e13,
            );
        }
    }
}

impl Agents {
    fn validate(&self, check: &mut Checker) {
        if let Some(predators) = &self.predators {
            check.range(
                "agents.predators.capital_usd",
                predators.capital_usd,
                0.0,
                1e13,
            );
            check.range(
                "agents.predators.distance_pct",
                predators.distance_pct,
                0.0,
                50.0,
            );
            check.range(
                "agents.predators.min_cluster_usd",
                predators.min_cluster_usd,
                0.0,
                1e13,
            );
            check.range_int(
                "agents.predators.sell_steps",
                predators.sell_steps as u64,
                1,
                10_000,
            );
        }
    }
}

impl Shock {
    fn validate(&self, check: &mut Checker) {
        match self.kind {
            ShockKind::Instant => check.range("shock.pct", self.pct, -95.0, 500.0),
            ShockKind::Ramp => {
                check.range("shock.pct", self.pct, -95.0, 500.0);
                check.range_open_low("shock.duration_s", self.duration_s, 0.0, 1e7);
            }
            ShockKind::Sell => check.range("shock.notional_usd", self.notional_usd, -1e13, 1e13),
        }
    }

    /// The shock's signed size in percent where it has one (instant and ramp), else `None`.
    pub fn size_pct(&self) -> Option<f64> {
        match self.kind {
            ShockKind::Instant | ShockKind::Ramp => Some(self.pct),
            ShockKind::Sell => None,
        }
    }
}

/// Collects problems as validation walks the scenario.
#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn fail(&mut self, path: &str, message: String) {
        self.problems.push(Problem {
            path: path.to_string(),
            message,
        });
    }

    /// `value` must be finite and in [low, high].
    fn range(&mut self, path: &str, value: f64, low: f64, high: f64) {
        if !value.is_finite() {
            self.fail(path, "must be a finite number".into());
        } else if value < low || value > high {
            self.fail(path, format!("must be in [{low}, {high}] (got {value})"));
        }
    }

    /// `value` must be finite and in (low, high].
    fn range_open_low(&mut self, path: &str, value: f64, low: f64, high: f64) {
        if !value.is_finite() {
            self.fail(path, "must be a finite number".into());
        } else if value <= low || value > high {
            self.fail(path, format!("must be in ({low}, {high}] (got {value})"));
        }
    }

    fn range_int(&mut self, path: &str, value: u64, low: u64, high: u64) {
        if value < low || value > high {
            self.fail(path, format!("must be in [{low}, {high}] (got {value})"));
        }
    }

    fn finish(self) -> Result<(), ScenarioError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(ScenarioError {
                problems: self.problems,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
                tiers: vec![MarginTier {
                    max_notional_usd: 50_000.0,
                    rate: 0.004
                }]
            }
        );
        // What it writes, it reads back.
        assert_eq!(Scenario::from_json(&tiered.to_json()).unwrap(), tiered);
    }

    #[test]
    fn maintenance_margin_rejects_unknown_fields_with_their_path() {
        let next_to_tiers =
            only_problem(r#"{"tiers": [{"max_notional_usd": 50000, "rate": 0.004}], "note": "x"}"#);
        assert_eq!(next_to_tiers.path, "venue.maintenance_margin.note");
        assert!(
            next_to_tiers
                .message
                .starts_with("unknown field `note`, expected `tiers`"),
            "{next_to_tiers}"
        );
        let in_a_tier =
            only_problem(r#"{"tiers": [{"max_notional_usd": 50000, "rate": 0.004, "cap": 1}]}"#);
        assert_eq!(in_a_tier.path, "venue.maintenance_margin.tiers[0].cap");
        assert!(
            in_a_tier.message.starts_with("unknown field `cap`"),
            "{in_a_tier}"
        );
        let missing = only_problem(r#"{"tiers": [{"max_notional_usd": 50000}]}"#);
        assert_eq!(missing.path, "venue.maintenance_margin.tiers[0]");
        assert!(
            missing.message.starts_with("missing field `rate`"),
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
                    .message
                    .contains("expected a flat rate (a number such as 0.005) or tiers")
                    && problem
                        .message
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
}
