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
//!    price to zero (a 69% walk down the book halves it); market makers pull the scenario's
//!    `withdrawal` of the depth per 1% the price has moved since the open, down to its
//!    `withdrawal_floor` (the liquidity spiral of Brunnermeier & Pedersen 2009), which is what
//!    makes a day that reaches a bunch of liquidation prices tip while most days barely move;
//! 4. every liquidated position is replaced by an entrant at the close with a fresh leverage, so
//!    the population keeps its size, and `turnover_pct_per_day` of each side closes by choice and
//!    reopens there too; entrants' leverage follows the liquidity factor below: more after calm
//!    days, less after turbulent ones (venues and lenders set margins from volatility: the
//!    leverage cycle of Geanakoplos 2010, and of Thurner, Farmer & Geanakoplos).
//!
//! The population is the scenario's open interest split into `positions` equal positions, long
//! and short in the scenario's proportion (a long-heavy crowd skews returns to the left, a
//! short-heavy one to the right). Leverage is log-uniform over a factor of 3 either side of a centre chosen so
//! that its mean is `mean_leverage` (by default the scenario's crowd between flushes,
//! `Scenario::cycles`, where it states one, else its own mean), clamped to [1.5, 100]
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
//!
//! This file holds the settings and the API; `model.rs` the fixed inputs and the crowds,
//! `run.rs` the paths, `stats.rs` the return statistics and the price fan.

mod model;
mod run;
mod stats;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::error::{Items, Rule, ScenarioError, Work};
use crate::scenario::validate::Checker;
use crate::scenario::Scenario;
pub use model::crowd_mean_leverage;
use model::LEVERAGE_RANGE;
use run::simulate;

pub use stats::{Fan, ReturnStats};

/// Most paths of one run.
pub const MAX_PATHS: u32 = 10_000;
/// Most days of one path.
pub const MAX_DAYS: u32 = 100_000;
/// Most positions of one path's population.
pub const MAX_CYCLES_POSITIONS: usize = 100_000;
/// Most path-days of one run (every daily return is kept for the statistics).
pub const MAX_PATH_DAYS: u64 = 2_000_000;
/// Most values of one response sweep.
pub const MAX_RESPONSE_VALUES: usize = 200;
/// Paths whose daily returns are reported (the statistics use all of them).
const REPORTED_PATHS: usize = 20;
/// Most days the price fan reports (evenly spaced from day 0).
const FAN_MAX_POINTS: usize = 1_001;
/// Excess kurtosis of daily returns seen in real markets: about 5-15 for equity indices and of
/// similar or larger size for BTC over multi-year samples (docs/model.md gives the sources); a
/// run outside [0, 30] is flagged as outside any realistic regime.
pub const REALISTIC_EXCESS_KURTOSIS: (f64, f64) = (0.0, 30.0);
/// No recorded day of BTC lost more than about 40% (2020-03-12: -39.5% close to close, log);
/// a run with a worse day is flagged.
pub const REALISTIC_WORST_DAY_PCT: f64 = -50.0;
/// A price fan leaving [1/100, 100] times the start is flagged.
pub const REALISTIC_PRICE_MULTIPLE: f64 = 100.0;
/// Days a year that fall 12% or more, above which a run is flagged: three times BTC's record
/// (16 such days from September 2017 to February 2026 by Binance's daily closes, about 1.9 a
/// year; docs/model.md §14.4). Fat tails alone did not flag a crowd that crashed 16 days a year.
pub const REALISTIC_FALLS_A_YEAR: f64 = 6.0;
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
    /// Mean leverage of new positions; none: the scenario's crowd between flushes
    /// (`Scenario::cycles`) where it states one, else its notional-weighted mean leverage,
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
    /// Reads a configuration file (JSON); a field of the wrong type comes back with its path,
    /// as a scenario's does. [`CyclesConfig::validate`] checks the values.
    pub fn from_json(text: &str) -> Result<CyclesConfig, ScenarioError> {
        crate::scenario::parse_with_paths(text)
    }

    /// Checks every field; returns all problems at once, with paths such as `cycles.days`.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let mut check = Checker::default();
        check.range_int(
            "cycles.paths",
            u64::from(self.paths),
            1,
            u64::from(MAX_PATHS),
        );
        check.range_int("cycles.days", u64::from(self.days), 1, u64::from(MAX_DAYS));
        let path_days = u64::from(self.paths) * u64::from(self.days);
        if path_days > MAX_PATH_DAYS {
            check.fail(
                "cycles.days",
                Rule::PathDays {
                    most: MAX_PATH_DAYS,
                    got: path_days,
                },
            );
        }
        check.range_int(
            "cycles.positions",
            self.positions as u64,
            2,
            MAX_CYCLES_POSITIONS as u64,
        );
        check.range_open_low("cycles.daily_vol_pct", self.daily_vol_pct, 0.0, 50.0);
        if let Some(leverage) = self.mean_leverage {
            check.range("cycles.mean_leverage", leverage, 1.0, LEVERAGE_RANGE.1);
        }
        check.range("cycles.impact_scale", self.impact_scale, 0.0, 1e4);
        check.range_int(
            "cycles.vol_window_days",
            u64::from(self.vol_window_days),
            2,
            10_000,
        );
        check.range(
            "cycles.turnover_pct_per_day",
            self.turnover_pct_per_day,
            0.0,
            100.0,
        );
        check.range_open_low(
            "cycles.recovery_half_life_days",
            self.recovery_half_life_days,
            0.0,
            10_000.0,
        );
        if check.is_clean() {
            check.add(
                crate::budget::cycles(self).check(Work::Cycles, crate::budget::ANALYSIS_BUDGET_S),
            );
        }
        check.finish()
    }
}

/// What a leverage-cycle run produces.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cycles {
    pub config: CyclesConfig,
    /// Percentiles of the price with cascades.
    pub price_fan: Fan,
    /// Percentiles of the price the same paths' news alone gives (no cascades): how far the
    /// cascades widen the fan, and on which side.
    #[serde(default)]
    pub news_alone_fan: Fan,
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
    /// How far a day's forced sale of a tenth of the open interest walks the scenario's book
    /// (percent), at normal liquidity and before market makers withdraw: how deep the book is for
    /// the crowd it carries.
    #[serde(default)]
    pub tenth_sold_walk_pct: f64,
    /// Why this run is outside any realistic regime (empty when it is inside): tails fatter than
    /// any market's, a day worse than any recorded, or prices that left [1/100, 100] times the
    /// start.
    pub unrealistic: Vec<String>,
}

/// Below this much excess kurtosis added to the news alone, a crowd's cascades are too rare or
/// too small to shape its daily returns (the lightly levered historical presets add 0.1-0.7).
pub const FEW_CASCADES_KURTOSIS: f64 = 1.0;

/// Below this share of the crowd liquidated a day (one position in 400), liquidations are rare.
const RARE_LIQUIDATIONS_SHARE_PER_DAY: f64 = 0.0025;

/// Why a run's cascades leave its daily returns close to the news alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThinTails {
    /// The crowd is so lightly levered that the news rarely reaches its liquidation prices.
    RareLiquidations,
    /// The crowd is liquidated often enough, but the book is deep for its open interest: its
    /// forced sales barely move the price.
    DeepBook,
}

impl Cycles {
    /// Why this run's cascades barely fatten its tails (`None`: they do).
    pub fn thin_tails(&self) -> Option<ThinTails> {
        let added = self.stats_with.excess_kurtosis - self.stats_without.excess_kurtosis;
        if added >= FEW_CASCADES_KURTOSIS {
            return None;
        }
        let share = self.liquidations_per_day / self.config.positions as f64;
        Some(if share < RARE_LIQUIDATIONS_SHARE_PER_DAY {
            ThinTails::RareLiquidations
        } else {
            ThinTails::DeepBook
        })
    }
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
    if stats.count > 0 {
        let per_year = stats.falls_of_12_pct as f64 / stats.count as f64 * 365.0;
        if per_year > REALISTIC_FALLS_A_YEAR {
            reasons.push(format!(
                "{per_year:.1} days a year fall 12% or more; BTC had about 2 a year from 2017 to 2026"
            ));
        }
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
        news_alone_fan: run.news_fan(paths),
        returns_with_cascades: run.returns_with[..reported].to_vec(),
        returns_without: run.returns_without[..reported].to_vec(),
        stats_with,
        stats_without: ReturnStats::of(&run.returns_without),
        liquidations_per_day: run.liquidations as f64 / (paths * days) as f64,
        tenth_sold_walk_pct: run.tenth_sold_walk_pct,
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
            Rule::AtMost {
                most: MAX_RESPONSE_VALUES,
                got: values.len(),
                items: Items::Values,
            },
        ));
    }
    scenario.validate()?;
    crate::budget::cycles_response(config, values.len())
        .check(Work::ResponseSweep, crate::budget::ANALYSIS_BUDGET_S)?;
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
