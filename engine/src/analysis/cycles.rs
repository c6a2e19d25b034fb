//! The leverage-cycle Monte Carlo: many days of Gaussian news on a market where leveraged longs and
//! shorts are liquidated into a thin book and replaced by new entrants, in the spirit of Thurner,
//! Farmer & Geanakoplos, "Leverage causes fat tails and clustered volatility" (Quantitative
//! Finance 12(5), 2012): the same Gaussian news gives fat-tailed returns once forced trades feed
//! back into the price. Unlike the paper's long-only funds, both sides are levered here, so short
//! squeezes fatten the right tail too; the left tail dominates once cascades reach a thin book.
//!
//! The model, per path and day:
//! 1. news: the fundamental log price moves by `N(0, daily_vol)`;
//! 2. recovery: what forced trades pushed the price away from the fundamental (the displacement)
//!    shrinks with a half-life of `recovery_half_life_days`: depth refills across days and
//!    arbitrageurs buy the discount back (Obizhaeva & Wang 2013; impact is transient);
//! 3. the cascade: every long (on a fall) or short (on a rise) whose isolated liquidation price
//!    the price has crossed is liquidated; its coins are sold (bought) into a book of the
//!    scenario's shape (coins within x% grow as `x^exponent`: 1 for a linear book, the power
//!    book's exponent), which moves the price and may cross more liquidation prices, until a
//!    round liquidates nobody; the move is applied to the log price, so no cascade takes the
//!    price to zero (a 69% walk down the book halves it);
//! 4. every liquidated position is replaced by an entrant at the close with a fresh leverage, so
//!    the population keeps its size, and `turnover_pct_per_day` of each side closes by choice and
//!    reopens there too; entrants' leverage follows the liquidity factor below: more after calm
//!    days, less after turbulent ones (venues and lenders set margins from volatility: the
//!    leverage cycle of Geanakoplos 2010, and of Thurner, Farmer & Geanakoplos).
//!
//! The population is the scenario's open interest split into `positions` equal positions, long
//! and short in the scenario's proportion (a long-heavy crowd skews returns to the left, a
//! short-heavy one to the right). Leverage is log-uniform over a factor of 3 either side of a centre chosen so
//! that its mean is `mean_leverage` (by default the scenario's own mean), clamped to [1.5, 100]
//! and below the leverage at which a position would be liquidated on entry. The book's depth per 1% is the scenario's, divided by `impact_scale`,
//! times a liquidity factor `daily_vol / realized_vol` (root mean square of the last
//! `vol_window_days` returns) clamped to [0.25, 2]: market makers quote less after turbulent
//! days. The same factor scales entrants' leverage (within the clamp above).
//!
//! The same news is also run without cascades (the price follows the news alone) as the
//! baseline; its returns are Gaussian by construction.
//!
//! A run reports when it leaves the realistic regime (see [`REALISTIC_EXCESS_KURTOSIS`]): the
//! model stays finite there, but no market traded like that.

use serde::{Deserialize, Serialize};

use crate::analysis::{depth_1pct_usd, maintenance_rate, open_interest_usd};
use crate::error::{Problem, ScenarioError};
use crate::market::PRICE_FLOOR_FRACTION;
use crate::positions::{size_collateral, Draws, Terms};
use crate::scenario::{Book, Contract, Scenario, Side};

/// Most paths of one run.
pub const MAX_PATHS: u32 = 10_000;
/// Most days of one path.
pub const MAX_DAYS: u32 = 100_000;
/// Most positions of one path's population.
pub const MAX_POSITIONS: usize = 100_000;
/// Most path-days of one run (every daily return is kept for the statistics).
pub const MAX_PATH_DAYS: u64 = 2_000_000;
/// Most values of one response sweep.
pub const MAX_RESPONSE_VALUES: usize = 200;
/// Paths whose daily returns are reported (the statistics use all of them).
const REPORTED_PATHS: usize = 20;
/// Most days the price fan reports (evenly spaced from day 0).
const FAN_MAX_POINTS: usize = 1_001;
/// Leverage is drawn log-uniformly within this factor either side of its centre...
const LEVERAGE_SPREAD: f64 = 3.0;
/// ...and clamped to this range.
const LEVERAGE_RANGE: (f64, f64) = (1.5, 100.0);
/// Entrants keep at least this share of their collateral above maintenance at entry.
const ENTRY_MARGIN_SAFETY: f64 = 0.95;
/// Range of the book's liquidity factor `daily_vol / realized_vol`.
const LIQUIDITY_FACTOR_RANGE: (f64, f64) = (0.25, 2.0);
/// Excess kurtosis of daily returns seen in real markets: about 5-15 for equity indices and of
/// similar or larger size for BTC over multi-year samples (docs/model.md gives the sources); a
/// run outside [0, 30] is flagged as outside any realistic regime.
pub const REALISTIC_EXCESS_KURTOSIS: (f64, f64) = (0.0, 30.0);
/// No recorded day of BTC lost more than about 40% (2020-03-12: -39.5% close to close, log);
/// a run with a worse day is flagged.
pub const REALISTIC_WORST_DAY_PCT: f64 = -50.0;
/// A price fan leaving [1/100, 100] times the start is flagged.
pub const REALISTIC_PRICE_MULTIPLE: f64 = 100.0;
/// Value-at-risk and expected shortfall look at the worst 1 / 20 = 5% of days.
const TAIL_DIVISOR: usize = 20;

/// Settings of the leverage-cycle Monte Carlo. Every field has a default; unknown fields are
/// rejected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CyclesConfig {
    /// Independent price paths.
    pub paths: u32,
    /// Days per path.
    pub days: u32,
    /// Positions in each path's population (long and short in the scenario's proportion),
    /// sharing the scenario's open interest equally.
    pub positions: usize,
    /// Standard deviation of the daily news (log return), percent.
    pub daily_vol_pct: f64,
    /// Mean leverage of new positions; none: the scenario's notional-weighted mean leverage,
    /// clamped to [1.5, 100].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_leverage: Option<f64>,
    /// Multiplies the book's price impact (divides its depth); 0 turns impact off.
    pub impact_scale: f64,
    /// Days of realized volatility that set the book's liquidity factor.
    pub vol_window_days: u32,
    /// Half-life, in days, of the price displacement forced trades leave behind.
    pub recovery_half_life_days: f64,
    /// Share of each side's positions that close by choice and reopen at the day's close with a
    /// fresh leverage, percent per day.
    pub turnover_pct_per_day: f64,
    /// Seed of the news and the leverage draws.
    pub seed: u64,
}

impl Default for CyclesConfig {
    fn default() -> Self {
        CyclesConfig {
            paths: 60,
            days: 500,
            positions: 400,
            daily_vol_pct: 2.0,
            mean_leverage: None,
            impact_scale: 1.0,
            vol_window_days: 20,
            recovery_half_life_days: 3.0,
            turnover_pct_per_day: 5.0,
            seed: 1,
        }
    }
}

impl CyclesConfig {
    /// Checks every field; returns all problems at once, with paths such as `cycles.days`.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let mut problems = Vec::new();
        let mut check = |ok: bool, field: &str, rule: String| {
            if !ok {
                problems.push(Problem {
                    path: format!("cycles.{field}"),
                    message: rule,
                });
            }
        };
        let paths = self.paths;
        check(
            (1..=MAX_PATHS).contains(&paths),
            "paths",
            format!("must be in [1, {MAX_PATHS}] (got {paths})"),
        );
        let days = self.days;
        check(
            (1..=MAX_DAYS).contains(&days),
            "days",
            format!("must be in [1, {MAX_DAYS}] (got {days})"),
        );
        let path_days = u64::from(paths) * u64::from(days);
        check(
            path_days <= MAX_PATH_DAYS,
            "days",
            format!("paths x days must be at most {MAX_PATH_DAYS} (got {path_days})"),
        );
        let positions = self.positions;
        check(
            (2..=MAX_POSITIONS).contains(&positions),
            "positions",
            format!("must be in [2, {MAX_POSITIONS}] (got {positions})"),
        );
        let vol = self.daily_vol_pct;
        check(
            vol > 0.0 && vol <= 50.0,
            "daily_vol_pct",
            format!("must be in (0, 50] (got {vol})"),
        );
        if let Some(leverage) = self.mean_leverage {
            check(
                (1.0..=LEVERAGE_RANGE.1).contains(&leverage),
                "mean_leverage",
                format!("must be in [1, {}] (got {leverage})", LEVERAGE_RANGE.1),
            );
        }
        let impact = self.impact_scale;
        check(
            (0.0..=1e4).contains(&impact),
            "impact_scale",
            format!("must be in [0, 10000] (got {impact})"),
        );
        let window = self.vol_window_days;
        check(
            (2..=10_000).contains(&window),
            "vol_window_days",
            format!("must be in [2, 10000] (got {window})"),
        );
        let turnover = self.turnover_pct_per_day;
        check(
            (0.0..=100.0).contains(&turnover),
            "turnover_pct_per_day",
            format!("must be in [0, 100] (got {turnover})"),
        );
        let recovery = self.recovery_half_life_days;
        check(
            recovery > 0.0 && recovery <= 10_000.0,
            "recovery_half_life_days",
            format!("must be in (0, 10000] (got {recovery})"),
        );
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ScenarioError { problems })
        }
    }
}

/// Percentiles of the price across paths, per reported day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fan {
    /// Day of each point (0 is the start); every day, or evenly spaced for long runs.
    pub days: Vec<u32>,
    pub p05: Vec<f64>,
    pub p25: Vec<f64>,
    pub p50: Vec<f64>,
    pub p75: Vec<f64>,
    pub p95: Vec<f64>,
}

/// Distribution of daily log returns (percent). Moments are population moments (divided by n).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReturnStats {
    /// Number of daily returns.
    pub count: usize,
    pub mean_pct: f64,
    pub std_pct: f64,
    pub skew: f64,
    /// Kurtosis minus 3 (0 for a Gaussian).
    pub excess_kurtosis: f64,
    /// Value-at-risk at 95%, a positive loss: minus the k-th worst return, k = ceil(5% of n).
    pub var_95_pct: f64,
    /// Expected shortfall at 95%, a positive loss: minus the mean of the k worst returns.
    pub es_95_pct: f64,
    /// The lowest daily return, signed (negative for a loss).
    pub worst_day_pct: f64,
}

impl ReturnStats {
    /// Statistics of a sample of daily returns in percent (all zero for an empty sample).
    pub fn of(returns_pct: &[f64]) -> ReturnStats {
        let count = returns_pct.len();
        if count == 0 {
            return ReturnStats {
                count,
                mean_pct: 0.0,
                std_pct: 0.0,
                skew: 0.0,
                excess_kurtosis: 0.0,
                var_95_pct: 0.0,
                es_95_pct: 0.0,
                worst_day_pct: 0.0,
            };
        }
        let n = count as f64;
        let mean = returns_pct.iter().sum::<f64>() / n;
        let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
        for &value in returns_pct {
            let d = value - mean;
            let d2 = d * d;
            m2 += d2;
            m3 += d2 * d;
            m4 += d2 * d2;
        }
        let (m2, m3, m4) = (m2 / n, m3 / n, m4 / n);
        let (skew, excess_kurtosis) = if m2 > 0.0 {
            (m3 / libm::pow(m2, 1.5), m4 / (m2 * m2) - 3.0)
        } else {
            (0.0, 0.0)
        };
        // k = ceil(5% of n), in integers so that 5% of 60 is 3, not 3.0000000000000004 -> 4.
        let tail = count.div_ceil(TAIL_DIVISOR);
        let mut sorted = returns_pct.to_vec();
        sorted.select_nth_unstable_by(tail - 1, f64::total_cmp);
        let worst = &sorted[..tail];
        let kth_worst = worst.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        ReturnStats {
            count,
            mean_pct: mean,
            std_pct: libm::sqrt(m2),
            skew,
            excess_kurtosis,
            var_95_pct: -kth_worst,
            es_95_pct: -worst.iter().sum::<f64>() / tail as f64,
            worst_day_pct: worst.iter().copied().fold(f64::INFINITY, f64::min),
        }
    }
}

/// What a leverage-cycle run produces.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cycles {
    pub config: CyclesConfig,
    /// Percentiles of the price with cascades.
    pub price_fan: Fan,
    /// Daily log returns with cascades, percent, path after path; the first paths only (at most
    /// 20 paths' worth), to bound the output.
    pub returns_with_cascades: Vec<f64>,
    /// The same days' returns without cascades (the news alone).
    pub returns_without: Vec<f64>,
    /// Over every path's returns.
    pub stats_with: ReturnStats,
    pub stats_without: ReturnStats,
    /// Mean number of positions liquidated per path and day.
    pub liquidations_per_day: f64,
    /// Why this run is outside any realistic regime (empty when it is inside): tails fatter than
    /// any market's, a day worse than any recorded, or prices that left [1/100, 100] times the
    /// start.
    pub unrealistic: Vec<String>,
}

/// The reasons a run with these statistics and fan is outside the realistic regime.
fn unrealistic(stats: &ReturnStats, fan: &Fan, start: f64) -> Vec<String> {
    let mut reasons = Vec::new();
    let (low, high) = REALISTIC_EXCESS_KURTOSIS;
    if !(low..=high).contains(&stats.excess_kurtosis) {
        reasons.push(format!(
            "excess kurtosis {:.1} is outside the {low}-{high} seen in real daily returns",
            stats.excess_kurtosis
        ));
    }
    if stats.worst_day_pct < REALISTIC_WORST_DAY_PCT {
        reasons.push(format!(
            "a day lost {:.0}% (log); no recorded BTC day lost more than about 40%",
            -stats.worst_day_pct
        ));
    }
    let (lowest, highest) = fan.extent();
    if lowest < start / REALISTIC_PRICE_MULTIPLE || highest > start * REALISTIC_PRICE_MULTIPLE {
        reasons.push(format!(
            "prices left 1/{m:.0} to {m:.0} times the start",
            m = REALISTIC_PRICE_MULTIPLE
        ));
    }
    reasons
}

/// Runs the leverage-cycle Monte Carlo on the scenario's market (price, book, contract,
/// maintenance margin) and open interest. Errors: the scenario or the config is invalid, or the
/// book holds no depth within 1% of the price.
pub fn cycles(scenario: &Scenario, config: &CyclesConfig) -> Result<Cycles, ScenarioError> {
    scenario.validate()?;
    let run = simulate(scenario, config, true)?;
    let paths = config.paths as usize;
    let days = config.days as usize;
    let fan = run.fan(paths);
    let reported = paths.min(REPORTED_PATHS) * days;
    let stats_with = ReturnStats::of(&run.returns_with);
    Ok(Cycles {
        unrealistic: unrealistic(&stats_with, &fan, scenario.market.price),
        config: config.clone(),
        price_fan: fan,
        returns_with_cascades: run.returns_with[..reported].to_vec(),
        returns_without: run.returns_without[..reported].to_vec(),
        stats_with,
        stats_without: ReturnStats::of(&run.returns_without),
        liquidations_per_day: run.liquidations as f64 / (paths * days) as f64,
    })
}

/// The config field a response sweep varies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseAxis {
    /// `impact_scale`.
    Impact,
    /// `mean_leverage`.
    Leverage,
}

/// The return distribution at one value of the varied field, with and without cascades.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResponsePoint {
    pub value: f64,
    pub excess_kurtosis_with: f64,
    pub excess_kurtosis_without: f64,
    pub skew_with: f64,
    pub skew_without: f64,
    pub std_pct_with: f64,
    pub std_pct_without: f64,
    pub var_95_pct_with: f64,
    pub var_95_pct_without: f64,
    pub es_95_pct_with: f64,
    pub es_95_pct_without: f64,
    pub worst_day_pct_with: f64,
    pub worst_day_pct_without: f64,
    pub liquidations_per_day: f64,
}

/// Runs [`cycles`] at each value of `impact_scale` or `mean_leverage` (the rest of `config` as
/// given; same seed, so every value sees the same news) and reports how the tails respond.
pub fn cycles_response(
    scenario: &Scenario,
    config: &CyclesConfig,
    axis: ResponseAxis,
    values: &[f64],
) -> Result<Vec<ResponsePoint>, ScenarioError> {
    if values.len() > MAX_RESPONSE_VALUES {
        return Err(ScenarioError::single(
            "cycles.response.values",
            format!(
                "must hold at most {MAX_RESPONSE_VALUES} values (got {})",
                values.len()
            ),
        ));
    }
    scenario.validate()?;
    values
        .iter()
        .map(|&value| {
            let mut varied = config.clone();
            match axis {
                ResponseAxis::Impact => varied.impact_scale = value,
                ResponseAxis::Leverage => varied.mean_leverage = Some(value),
            }
            let run = simulate(scenario, &varied, false)?;
            let with = ReturnStats::of(&run.returns_with);
            let without = ReturnStats::of(&run.returns_without);
            Ok(ResponsePoint {
                value,
                excess_kurtosis_with: with.excess_kurtosis,
                excess_kurtosis_without: without.excess_kurtosis,
                skew_with: with.skew,
                skew_without: without.skew,
                std_pct_with: with.std_pct,
                std_pct_without: without.std_pct,
                var_95_pct_with: with.var_95_pct,
                var_95_pct_without: without.var_95_pct,
                es_95_pct_with: with.es_95_pct,
                es_95_pct_without: without.es_95_pct,
                worst_day_pct_with: with.worst_day_pct,
                worst_day_pct_without: without.worst_day_pct,
                liquidations_per_day: run.liquidations as f64
                    / (f64::from(varied.paths) * f64::from(varied.days)),
            })
        })
        .collect()
}

/// The fixed inputs of every path.
struct Model {
    start_price: f64,
    contract: Contract,
    maintenance_rate: f64,
    /// Notional of every position, USD at entry (contracts for inverse).
    position_notional: f64,
    /// Book depth per 1% before the liquidity factor, USD.
    depth_1pct_usd: f64,
    /// Coins within x% of the top grow as `x^book_exponent`.
    book_exponent: f64,
    impact_scale: f64,
    /// Share of the displacement left after one day.
    recovery_per_day: f64,
    /// Standard deviation of the daily log return (a fraction).
    daily_vol: f64,
    log_leverage_low: f64,
    log_leverage_high: f64,
    leverage_cap: f64,
    vol_window: usize,
    longs: usize,
    shorts: usize,
    /// Positions per side that turn over each day.
    churn_longs: usize,
    churn_shorts: usize,
}

impl Model {
    fn new(scenario: &Scenario, config: &CyclesConfig) -> Result<Model, ScenarioError> {
        let depth = depth_1pct_usd(&scenario.market);
        if depth.is_nan() || depth < 1.0 {
            return Err(ScenarioError::single(
                "market.book",
                format!("needs depth within 1% of the price for cycles (got {depth} USD)"),
            ));
        }
        let rate = maintenance_rate(&scenario.venue.maintenance_margin);
        // Log-uniform on [c / s, c s] has mean c (s - 1/s) / ln(s^2); pick c for the asked mean.
        let spread = LEVERAGE_SPREAD;
        let turnover =
            |side: usize| libm::round(config.turnover_pct_per_day / 100.0 * side as f64) as usize;
        // The scenario's long share of open interest (a listed population's by notional), with
        // at least one position on each side.
        let long_share = long_share(scenario);
        let longs = (libm::round(long_share * config.positions as f64) as usize)
            .clamp(1, config.positions - 1);
        let mean_leverage = config.mean_leverage.unwrap_or_else(|| {
            crate::scenario::edit::mean_leverage(scenario).clamp(LEVERAGE_RANGE.0, LEVERAGE_RANGE.1)
        });
        let centre = mean_leverage * libm::log(spread * spread) / (spread - 1.0 / spread);
        // Above 1 / rate a position's liquidation price is past its entry.
        let leverage_cap = if rate > 0.0 {
            LEVERAGE_RANGE.1.min(ENTRY_MARGIN_SAFETY / rate)
        } else {
            LEVERAGE_RANGE.1
        };
        Ok(Model {
            start_price: scenario.market.price,
            contract: scenario.market.contract,
            maintenance_rate: rate,
            position_notional: open_interest_usd(scenario) / config.positions as f64,
            depth_1pct_usd: depth,
            book_exponent: match scenario.market.book {
                Book::Power { exponent, .. } => exponent,
                Book::Linear { .. } | Book::Levels { .. } => 1.0,
            },
            impact_scale: config.impact_scale,
            recovery_per_day: libm::exp2(-1.0 / config.recovery_half_life_days),
            daily_vol: config.daily_vol_pct / 100.0,
            log_leverage_low: libm::log(centre / spread),
            log_leverage_high: libm::log(centre * spread),
            leverage_cap: leverage_cap.max(LEVERAGE_RANGE.0),
            vol_window: config.vol_window_days as usize,
            longs,
            shorts: config.positions - longs,
            churn_longs: turnover(longs),
            churn_shorts: turnover(config.positions - longs),
        })
    }

    /// A fresh leverage, scaled by `appetite` (the liquidity factor: below 1 after turbulent days,
    /// up to 2 after calm ones) and clamped.
    fn draw_leverage(&self, draws: &mut Draws, appetite: f64) -> f64 {
        let log = self.log_leverage_low
            + draws.uniform() * (self.log_leverage_high - self.log_leverage_low);
        (appetite * libm::exp(log)).clamp(LEVERAGE_RANGE.0, self.leverage_cap)
    }

    /// A new position entering at `price`: (trigger key, coins its liquidation trades).
    fn entrant(&self, side: Side, price: f64, leverage: f64) -> (f64, f64) {
        let size = self.position_notional;
        let terms = Terms {
            contract: self.contract,
            side,
            entry: price,
            size,
            collateral: size_collateral(self.contract, size, price, leverage),
        };
        let liquidation = terms.liquidation_price(self.maintenance_rate, 0.0);
        let coins = match self.contract {
            Contract::Linear => size / price,
            Contract::Inverse if liquidation.is_finite() && liquidation > 0.0 => size / liquidation,
            Contract::Inverse => size / price,
        };
        (trigger_key(side, liquidation), coins)
    }

    /// The log-price move of a day's net forced sale of `coins` (negative: purchase) at `price`
    /// with liquidity factor `liquidity`: the walk `x` percent down a book holding
    /// `depth (x / 1%)^exponent` USD within x%, as a fraction, signed (negative for a sale).
    fn impact(&self, coins: f64, price: f64, liquidity: f64) -> f64 {
        if self.impact_scale == 0.0 || coins == 0.0 {
            return 0.0;
        }
        let depth = self.depth_1pct_usd * liquidity / self.impact_scale;
        let walk_pct = libm::pow(coins.abs() * price / depth, 1.0 / self.book_exponent);
        -coins.signum() * walk_pct / 100.0
    }
}

/// Share of the scenario's open interest held long.
fn long_share(scenario: &Scenario) -> f64 {
    match &scenario.positions {
        crate::scenario::Positions::Generate(population) => population.long_share,
        crate::scenario::Positions::List(list) => {
            let total: f64 = list.iter().map(|position| position.notional_usd).sum();
            let long: f64 = list
                .iter()
                .filter(|position| position.side == Side::Long)
                .map(|position| position.notional_usd)
                .sum();
            if total > 0.0 {
                long / total
            } else {
                0.5
            }
        }
    }
}

/// Sort key in trigger order: a long at liquidation price `p` is crossed when `-p <= -price`, a
/// short when `p <= price`, so both sides sort ascending and are liquidated as a prefix.
fn trigger_key(side: Side, liquidation_price: f64) -> f64 {
    match side {
        Side::Long => -liquidation_price,
        Side::Short => liquidation_price,
    }
}

/// One side's open positions as (trigger key, coins), ascending by key.
struct Crowd {
    side: Side,
    positions: Vec<(f64, f64)>,
}

impl Crowd {
    fn new(side: Side, capacity: usize) -> Crowd {
        Crowd {
            side,
            positions: Vec::with_capacity(capacity),
        }
    }

    /// Crossed at `price`: the position at `index` is liquidated.
    fn crossed(&self, index: usize, price: f64) -> bool {
        self.positions
            .get(index)
            .is_some_and(|&(key, _)| key <= trigger_key(self.side, price))
    }

    /// Replaces the first `liquidated` positions by as many entrants at `price`, keeping the order
    /// (`entrants` is scratch space).
    fn replace_prefix(
        &mut self,
        liquidated: usize,
        price: f64,
        appetite: f64,
        model: &Model,
        draws: &mut Draws,
        entrants: &mut Vec<(f64, f64)>,
    ) {
        entrants.clear();
        for _ in 0..liquidated {
            let leverage = model.draw_leverage(draws, appetite);
            entrants.push(model.entrant(self.side, price, leverage));
        }
        entrants.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        merge_into_prefix(&mut self.positions, entrants);
    }

    /// Turnover: `count` positions drawn at random close by choice and reopen at `price` with a
    /// fresh leverage (the same position may be drawn twice), keeping the crowd's entries near the
    /// market as real holders' are.
    fn churn(&mut self, count: usize, price: f64, appetite: f64, model: &Model, draws: &mut Draws) {
        let n = self.positions.len();
        if n == 0 || count == 0 {
            return;
        }
        for _ in 0..count {
            let index = ((draws.uniform() * n as f64) as usize).min(n - 1);
            let leverage = model.draw_leverage(draws, appetite);
            self.positions[index] = model.entrant(self.side, price, leverage);
        }
        self.positions.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    }
}

/// Merges sorted `entrants` into `positions`, whose first `entrants.len()` slots are free and the
/// rest sorted, in place: the write index never passes the read index, and once the entrants are
/// placed the survivors behind them are already where they belong.
fn merge_into_prefix(positions: &mut [(f64, f64)], entrants: &[(f64, f64)]) {
    let (mut write, mut read) = (0, entrants.len());
    for &entrant in entrants {
        while read < positions.len() && positions[read].0 < entrant.0 {
            positions[write] = positions[read];
            write += 1;
            read += 1;
        }
        positions[write] = entrant;
        write += 1;
    }
}

/// Returns and prices of every path.
struct Simulation {
    /// Daily log returns with cascades, percent, `[path * days + day]`.
    returns_with: Vec<f64>,
    returns_without: Vec<f64>,
    fan_days: Vec<u32>,
    /// Prices at the fan's days, `[point * paths + path]`.
    fan_prices: Vec<f64>,
    liquidations: u64,
}

impl Fan {
    /// The lowest 5th and the highest 95th percentile over every reported day.
    pub fn extent(&self) -> (f64, f64) {
        let lowest = self.p05.iter().copied().fold(f64::INFINITY, f64::min);
        let highest = self.p95.iter().copied().fold(0.0, f64::max);
        (lowest, highest)
    }
}

impl Simulation {
    fn fan(&self, paths: usize) -> Fan {
        let points = self.fan_days.len();
        let mut fan = Fan {
            days: self.fan_days.clone(),
            p05: Vec::with_capacity(points),
            p25: Vec::with_capacity(points),
            p50: Vec::with_capacity(points),
            p75: Vec::with_capacity(points),
            p95: Vec::with_capacity(points),
        };
        let mut sorted = Vec::with_capacity(paths);
        for point in 0..points {
            sorted.clear();
            sorted.extend_from_slice(&self.fan_prices[point * paths..(point + 1) * paths]);
            sorted.sort_unstable_by(f64::total_cmp);
            fan.p05.push(percentile(&sorted, 0.05));
            fan.p25.push(percentile(&sorted, 0.25));
            fan.p50.push(percentile(&sorted, 0.50));
            fan.p75.push(percentile(&sorted, 0.75));
            fan.p95.push(percentile(&sorted, 0.95));
        }
        fan
    }
}

/// Linear interpolation between closest ranks of a sorted, non-empty sample.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let rank = q * (sorted.len() - 1) as f64;
    let below = rank as usize;
    let above = (below + 1).min(sorted.len() - 1);
    sorted[below] + (rank - below as f64) * (sorted[above] - sorted[below])
}

/// Scratch space of one path, reused by the next.
struct PathState {
    longs: Crowd,
    shorts: Crowd,
    entrants: Vec<(f64, f64)>,
    /// The last `vol_window` daily log returns (fractions), a ring.
    window: Vec<f64>,
}

fn simulate(
    scenario: &Scenario,
    config: &CyclesConfig,
    record_fan: bool,
) -> Result<Simulation, ScenarioError> {
    config.validate()?;
    let model = Model::new(scenario, config)?;
    let (paths, days) = (config.paths as usize, config.days as usize);
    let stride = if record_fan {
        (days + 1).div_ceil(FAN_MAX_POINTS)
    } else {
        usize::MAX
    };
    let fan_days: Vec<u32> = if record_fan {
        (0..=config.days).step_by(stride).collect()
    } else {
        Vec::new()
    };
    let mut run = Simulation {
        returns_with: vec![0.0; paths * days],
        returns_without: vec![0.0; paths * days],
        fan_prices: vec![0.0; fan_days.len() * paths],
        fan_days,
        liquidations: 0,
    };
    let mut state = PathState {
        longs: Crowd::new(Side::Long, model.longs),
        shorts: Crowd::new(Side::Short, model.shorts),
        entrants: Vec::with_capacity(model.longs.max(model.shorts)),
        window: Vec::with_capacity(model.vol_window),
    };
    for path in 0..paths {
        let span = path * days..(path + 1) * days;
        let mut news = Draws::new(config.seed, 2 * path as u64);
        let mut leverage_draws = Draws::new(config.seed, 2 * path as u64 + 1);
        let mut price = model.start_price;
        // Day 0: the whole population enters at the start price.
        state.longs.positions.clear();
        state.longs.positions.resize(model.longs, (0.0, 0.0));
        state.shorts.positions.clear();
        state.shorts.positions.resize(model.shorts, (0.0, 0.0));
        let (longs, shorts) = (model.longs, model.shorts);
        let entrants = &mut state.entrants;
        state
            .longs
            .replace_prefix(longs, price, 1.0, &model, &mut leverage_draws, entrants);
        state
            .shorts
            .replace_prefix(shorts, price, 1.0, &model, &mut leverage_draws, entrants);
        state.window.clear();
        // Log of the price the news alone would give, and how far forced trades moved it.
        let mut fundamental = libm::log(price);
        let mut displacement = 0.0;
        let (mut window_next, mut window_squares) = (0, 0.0);
        if record_fan {
            run.fan_prices[path] = price;
        }
        let returns_with = &mut run.returns_with[span.clone()];
        let returns_without = &mut run.returns_without[span];
        for day in 0..days {
            let news_return = model.daily_vol * news.normal();
            returns_without[day] = 100.0 * news_return;

            let liquidity = if state.window.len() >= 2 && window_squares > 0.0 {
                let realized = libm::sqrt(window_squares / state.window.len() as f64);
                (model.daily_vol / realized)
                    .clamp(LIQUIDITY_FACTOR_RANGE.0, LIQUIDITY_FACTOR_RANGE.1)
            } else {
                1.0
            };
            fundamental += news_return;
            displacement *= model.recovery_per_day;
            let opening = fundamental + displacement;
            let shocked = libm::exp(opening);

            // The cascade's fixed point: liquidate the crossed prefixes, trade, repeat.
            let (mut long_count, mut short_count, mut net_coins) = (0, 0, 0.0);
            let mut close = shocked;
            loop {
                let before = long_count + short_count;
                while state.longs.crossed(long_count, close) {
                    net_coins += state.longs.positions[long_count].1;
                    long_count += 1;
                }
                while state.shorts.crossed(short_count, close) {
                    net_coins -= state.shorts.positions[short_count].1;
                    short_count += 1;
                }
                if long_count + short_count == before {
                    break;
                }
                // The book quotes one tick at worst (the engine's floor), and mirrors it above.
                close = (shocked * libm::exp(model.impact(net_coins, price, liquidity)))
                    .clamp(price * PRICE_FLOOR_FRACTION, price / PRICE_FLOOR_FRACTION);
            }
            displacement = libm::log(close) - fundamental;

            let day_return = libm::log(close / price);
            returns_with[day] = 100.0 * day_return;
            if state.window.len() < model.vol_window {
                state.window.push(day_return);
            } else {
                let oldest = state.window[window_next];
                window_squares -= oldest * oldest;
                state.window[window_next] = day_return;
                window_next = (window_next + 1) % model.vol_window;
            }
            window_squares = (window_squares + day_return * day_return).max(0.0);

            price = close;
            let appetite = liquidity;
            let entrants = &mut state.entrants;
            state.longs.replace_prefix(
                long_count,
                price,
                appetite,
                &model,
                &mut leverage_draws,
                entrants,
            );
            state.shorts.replace_prefix(
                short_count,
                price,
                appetite,
                &model,
                &mut leverage_draws,
                entrants,
            );
            let (churn_longs, churn_shorts) = (model.churn_longs, model.churn_shorts);
            let draws = &mut leverage_draws;
            state
                .longs
                .churn(churn_longs, price, appetite, &model, draws);
            state
                .shorts
                .churn(churn_shorts, price, appetite, &model, draws);
            run.liquidations += (long_count + short_count) as u64;
            if record_fan && (day + 1) % stride == 0 {
                run.fan_prices[(day + 1) / stride * paths + path] = price;
            }
        }
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::examples;

    fn small(seed: u64) -> CyclesConfig {
        CyclesConfig {
            paths: 6,
            days: 250,
            positions: 200,
            seed,
            ..CyclesConfig::default()
        }
    }

    fn stressed() -> CyclesConfig {
        CyclesConfig {
            mean_leverage: Some(20.0),
            impact_scale: 2.0,
            ..CyclesConfig::default()
        }
    }

    #[test]
    fn return_stats_match_hand_computed_values() {
        // Symmetric: mean 0, m2 = 8, m4 = 108.8, kurtosis 108.8 / 64 - 3 = -1.3.
        let stats = ReturnStats::of(&[-4.0, -2.0, 0.0, 2.0, 4.0]);
        assert_eq!(stats.count, 5);
        assert!(stats.mean_pct.abs() < 1e-15);
        assert!((stats.std_pct - libm::sqrt(8.0)).abs() < 1e-12);
        assert!(stats.skew.abs() < 1e-12);
        assert!((stats.excess_kurtosis + 1.3).abs() < 1e-12);
        // k = ceil(5 / 20) = 1: the worst day alone.
        assert_eq!(
            (stats.var_95_pct, stats.es_95_pct, stats.worst_day_pct),
            (4.0, 4.0, -4.0)
        );

        // Left-skewed: mean 0, m2 = 10, m3 = -36, m4 = 278.8.
        let stats = ReturnStats::of(&[1.0, -6.0, 3.0, 0.0, 2.0]);
        assert!((stats.skew + 36.0 / libm::pow(10.0, 1.5)).abs() < 1e-12);
        assert!((stats.excess_kurtosis - (2.788 - 3.0)).abs() < 1e-12);

        // 40 days: k = 2, VaR the second-worst loss, ES the mean of the two worst.
        let mut days = vec![0.5; 38];
        days.extend([-10.0, -8.0]);
        let stats = ReturnStats::of(&days);
        assert_eq!(stats.var_95_pct, 8.0);
        assert_eq!(stats.es_95_pct, 9.0);
        assert_eq!(stats.worst_day_pct, -10.0);
        // 60 days: k = 3 exactly.
        let mut days = vec![1.0; 57];
        days.extend([-3.0, -2.0, -1.0]);
        assert_eq!(ReturnStats::of(&days).var_95_pct, 1.0);

        assert_eq!(ReturnStats::of(&[]).count, 0);
    }

    #[test]
    fn merging_entrants_keeps_the_crowd_sorted_and_whole() {
        let mut draws = Draws::new(11, 0);
        for trial in 0..200 {
            let size = 1 + trial % 37;
            let free = trial % (size + 1);
            let mut survivors: Vec<(f64, f64)> = (0..size - free)
                .map(|_| (draws.uniform(), draws.uniform()))
                .collect();
            survivors.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut entrants: Vec<(f64, f64)> = (0..free)
                .map(|_| (draws.uniform(), draws.uniform()))
                .collect();
            entrants.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut positions = vec![(f64::NAN, f64::NAN); free];
            positions.extend_from_slice(&survivors);
            merge_into_prefix(&mut positions, &entrants);

            let mut expected = [survivors, entrants].concat();
            expected.sort_by(|a, b| a.0.total_cmp(&b.0));
            assert_eq!(positions, expected, "trial {trial}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_run_and_another_seed_another() {
        let scenario = examples::mixed();
        let first = cycles(&scenario, &small(5)).expect("valid");
        let again = cycles(&scenario, &small(5)).expect("valid");
        assert_eq!(first, again);
        let other = cycles(&scenario, &small(6)).expect("valid");
        assert_ne!(first.returns_without, other.returns_without);
        assert_ne!(first.returns_with_cascades, other.returns_with_cascades);
    }

    #[test]
    fn output_has_the_promised_shape() {
        let config = CyclesConfig {
            paths: 25,
            days: 40,
            ..small(2)
        };
        let run = cycles(&examples::mixed(), &config).expect("valid");
        assert_eq!(run.returns_with_cascades.len(), 20 * 40);
        assert_eq!(run.returns_without.len(), 20 * 40);
        assert_eq!(run.stats_with.count, 25 * 40);
        let fan = &run.price_fan;
        assert_eq!(fan.days, (0..=40).collect::<Vec<u32>>());
        assert_eq!((fan.p05[0], fan.p95[0]), (100.0, 100.0));
        for day in 0..fan.days.len() {
            let band = [
                fan.p05[day],
                fan.p25[day],
                fan.p50[day],
                fan.p75[day],
                fan.p95[day],
            ];
            assert!(band.windows(2).all(|pair| pair[0] <= pair[1]), "{band:?}");
        }
        let json = serde_json::to_string(&run).expect("serializes");
        assert!(json.contains("\"excess_kurtosis\""));
    }

    #[test]
    fn long_runs_thin_the_fan_but_keep_day_zero() {
        let config = CyclesConfig {
            paths: 2,
            days: 5_000,
            positions: 20,
            ..CyclesConfig::default()
        };
        let run = cycles(&examples::mixed(), &config).expect("valid");
        let days = &run.price_fan.days;
        assert!(days.len() <= FAN_MAX_POINTS);
        assert_eq!((days[0], days[1]), (0, 5));
        assert_eq!(*days.last().expect("points"), 5_000);
        assert_eq!(run.price_fan.p50.len(), days.len());
    }

    #[test]
    fn returns_without_cascades_are_gaussian() {
        let run = cycles(&examples::mixed(), &CyclesConfig::default()).expect("valid");
        let stats = &run.stats_without;
        assert_eq!(stats.count, 30_000);
        assert!(stats.excess_kurtosis.abs() < 0.3, "{stats:?}");
        assert!(stats.skew.abs() < 0.1, "{stats:?}");
        assert!((stats.std_pct - 2.0).abs() < 0.05, "{stats:?}");
        // A Gaussian's 95% VaR is 1.645 sigma.
        assert!((stats.var_95_pct - 1.645 * 2.0).abs() < 0.1, "{stats:?}");
    }

    #[test]
    fn leverage_on_a_thin_book_fattens_the_left_tail() {
        let run = cycles(&examples::mixed(), &stressed()).expect("valid");
        let (with, without) = (&run.stats_with, &run.stats_without);
        assert!(run.liquidations_per_day > 0.0);
        assert!(
            with.excess_kurtosis > without.excess_kurtosis + 1.0,
            "with {with:?}\nwithout {without:?}"
        );
        assert!(with.es_95_pct > without.es_95_pct, "{with:?} {without:?}");
        assert!(with.worst_day_pct < without.worst_day_pct);
    }

    #[test]
    fn a_crowd_the_book_cannot_carry_stays_finite_and_is_flagged() {
        let config = CyclesConfig {
            mean_leverage: Some(50.0),
            impact_scale: 50.0,
            ..small(3)
        };
        let run = cycles(&examples::mixed(), &config).expect("valid");
        assert!(run.returns_with_cascades.iter().all(|r| r.is_finite()));
        let fan = &run.price_fan;
        assert!(fan
            .p05
            .iter()
            .chain(&fan.p95)
            .all(|p| p.is_finite() && *p > 0.0));
        assert!(run.stats_with.excess_kurtosis.is_finite());
        assert!(!run.unrealistic.is_empty(), "{:?}", run.stats_with);
    }

    #[test]
    fn without_impact_the_cascade_leaves_the_news_alone() {
        let config = CyclesConfig {
            impact_scale: 0.0,
            ..small(9)
        };
        let run = cycles(&examples::mixed(), &config).expect("valid");
        assert!(run.liquidations_per_day > 0.0);
        for (with, without) in run.returns_with_cascades.iter().zip(&run.returns_without) {
            assert!((with - without).abs() < 1e-9);
        }
    }

    #[test]
    fn kurtosis_responds_to_impact_on_the_same_news() {
        let config = CyclesConfig {
            paths: 40,
            mean_leverage: Some(25.0),
            ..CyclesConfig::default()
        };
        let points = cycles_response(
            &examples::mixed(),
            &config,
            ResponseAxis::Impact,
            &[0.0, 0.3, 1.0, 4.0],
        )
        .expect("valid");
        assert_eq!(points.len(), 4, "{points:?}");
        assert_eq!(
            points[0].excess_kurtosis_without,
            points[1].excess_kurtosis_without
        );
        assert!((points[0].excess_kurtosis_with - points[0].excess_kurtosis_without).abs() < 1e-6);
        assert!(
            points[1].excess_kurtosis_with > points[0].excess_kurtosis_with + 1.0,
            "{points:?}"
        );
    }

    #[test]
    fn config_reads_defaults_and_rejects_unknown_or_invalid_fields() {
        let config: CyclesConfig = serde_json::from_str(r#"{"paths": 7}"#).expect("valid");
        assert_eq!(
            config,
            CyclesConfig {
                paths: 7,
                ..CyclesConfig::default()
            }
        );
        assert!(serde_json::from_str::<CyclesConfig>(r#"{"pathz": 7}"#).is_err());
        let invalid = CyclesConfig {
            paths: 0,
            daily_vol_pct: -1.0,
            ..CyclesConfig::default()
        };
        let error = cycles(&examples::mixed(), &invalid).expect_err("invalid");
        let paths: Vec<&str> = error.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["cycles.paths", "cycles.daily_vol_pct"]);
    }

    #[test]
    fn entrants_are_never_born_past_their_liquidation_price() {
        let mut scenario = examples::mixed();
        scenario.venue.maintenance_margin = crate::scenario::MaintenanceMargin::Flat(0.1);
        let model = Model::new(&scenario, &stressed()).expect("valid");
        let mut draws = Draws::new(1, 1);
        for _ in 0..1_000 {
            let leverage = model.draw_leverage(&mut draws, 1.0);
            assert!((1.5..=9.5).contains(&leverage), "{leverage}");
            let (long_key, _) = model.entrant(Side::Long, 100.0, leverage);
            let (short_key, _) = model.entrant(Side::Short, 100.0, leverage);
            assert!(-long_key < 100.0 && short_key > 100.0);
        }
    }

    #[test]
    #[ignore = "timing; run with --ignored --nocapture (meaningful in release)"]
    fn timing_default_run() {
        let started = std::time::Instant::now();
        let run = cycles(&examples::mixed(), &CyclesConfig::default()).expect("valid");
        println!(
            "cycles 100 x 500 x 400: {:?}, {} liquidations per day\nwith {:?}\nwithout {:?}",
            started.elapsed(),
            run.liquidations_per_day,
            run.stats_with,
            run.stats_without
        );
        let stressed = cycles(&examples::mixed(), &stressed()).expect("valid");
        println!(
            "stressed: {} liquidations per day\nwith {:?}\nfan p50 end {} p05 end {}",
            stressed.liquidations_per_day,
            stressed.stats_with,
            stressed.price_fan.p50.last().unwrap_or(&0.0),
            stressed.price_fan.p05.last().unwrap_or(&0.0)
        );
    }
}
