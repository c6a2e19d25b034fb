//! The fixed inputs of every path and the crowds they describe: how an entrant's leverage is
//! drawn and capped, where it is liquidated, what its liquidation sells, and how a day's forced
//! trades move the log price.

use crate::analysis::{depth_1pct_usd, open_interest_usd};
use crate::error::{Rule, ScenarioError};
use crate::positions::{size_collateral, Draws, Terms};
use crate::scenario::edit;
use crate::scenario::{
    max_entry_leverage, Book, Contract, Positions, Scenario, Side, MAX_CYCLES_LEVERAGE,
};

use super::CyclesConfig;

/// Leverage is drawn log-uniformly within this factor either side of its centre...
const LEVERAGE_SPREAD: f64 = 3.0;
/// ...and clamped to this range.
pub(super) const LEVERAGE_RANGE: (f64, f64) = (1.5, MAX_CYCLES_LEVERAGE);

/// The mean leverage of the crowd the days run when the config names none: the scenario's
/// stated crowd between flushes (`cycles.leverage_multiple` times its own), else its own, within
/// [`LEVERAGE_RANGE`].
pub fn crowd_mean_leverage(scenario: &Scenario) -> f64 {
    let own = edit::mean_leverage(scenario);
    let stated = scenario.cycles.as_ref();
    stated
        .map_or(own, |crowd| crowd.mean_leverage(own))
        .clamp(LEVERAGE_RANGE.0, LEVERAGE_RANGE.1)
}

/// The fixed inputs of every path.
pub(super) struct Model {
    pub(super) start_price: f64,
    pub(super) contract: Contract,
    pub(super) maintenance_rate: f64,
    /// Notional of every position, USD at entry (contracts for inverse).
    pub(super) position_notional: f64,
    /// Book depth per 1% before the liquidity factor, USD.
    pub(super) depth_1pct_usd: f64,
    /// Coins within x% of the top grow as `x^book_exponent`.
    pub(super) book_exponent: f64,
    /// The scenario's market-maker withdrawal: the share of depth pulled per 1% the price has
    /// moved since the day's open...
    pub(super) withdrawal: f64,
    /// ...down to this share of the depth, which stays whatever happened (within the day or on
    /// the days before).
    pub(super) withdrawal_floor: f64,
    pub(super) impact_scale: f64,
    /// Share of the displacement left after one day.
    pub(super) recovery_per_day: f64,
    /// Standard deviation of the daily log return (a fraction).
    pub(super) daily_vol: f64,
    pub(super) log_leverage_low: f64,
    pub(super) log_leverage_high: f64,
    pub(super) leverage_cap: f64,
    pub(super) vol_window: usize,
    pub(super) longs: usize,
    pub(super) shorts: usize,
    /// Positions per side that turn over each day.
    pub(super) churn_longs: usize,
    pub(super) churn_shorts: usize,
}

impl Model {
    pub(super) fn new(scenario: &Scenario, config: &CyclesConfig) -> Result<Model, ScenarioError> {
        let depth = depth_1pct_usd(&scenario.market);
        if depth.is_nan() || depth < 1.0 {
            return Err(ScenarioError::single(
                "market.book",
                Rule::NoDepthForCycles { depth },
            ));
        }
        let rate = scenario.venue.lowest_trigger_rate();
        // Log-uniform on [c / s, c s] has mean c (s - 1/s) / ln(s^2); pick c for the asked mean.
        let spread = LEVERAGE_SPREAD;
        let turnover =
            |side: usize| libm::round(config.turnover_pct_per_day / 100.0 * side as f64) as usize;
        // The scenario's long share of open interest (a listed population's by notional), with
        // at least one position on each side.
        let long_share = long_share(scenario);
        let longs = (libm::round(long_share * config.positions as f64) as usize)
            .clamp(1, config.positions - 1);
        // The config's leverage, else the scenario's crowd between flushes, else its own.
        let mean_leverage = config
            .mean_leverage
            .unwrap_or_else(|| crowd_mean_leverage(scenario));
        let centre = mean_leverage * libm::log(spread * spread) / (spread - 1.0 / spread);
        // Entrants are capped as a venue caps leverage: never born liquidatable.
        let leverage_cap = if rate > 0.0 {
            LEVERAGE_RANGE.1.min(max_entry_leverage(rate))
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
            withdrawal: scenario.market.withdrawal,
            withdrawal_floor: scenario.market.withdrawal_floor,
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

    /// The open interest the crowd shares (USD at the start).
    pub(super) fn open_interest_usd(&self) -> f64 {
        self.position_notional * (self.longs + self.shorts) as f64
    }

    /// How far, in percent, a sale of `usd` walks the book at normal liquidity with no market
    /// maker withdrawn (0 with impact off).
    pub(super) fn walk_pct(&self, usd: f64) -> f64 {
        if self.impact_scale == 0.0 {
            return 0.0;
        }
        self.walk_through(usd, self.depth_1pct_usd / self.impact_scale)
    }

    /// How far, in percent, a sale of `usd` walks a book of this shape holding `depth` within 1%.
    #[inline]
    fn walk_through(&self, usd: f64, depth: f64) -> f64 {
        libm::pow(usd / depth, 1.0 / self.book_exponent)
    }

    /// The log-price move of a day's net forced sale of `coins` (negative: purchase) at `price`
    /// with liquidity factor `liquidity`, once the price has moved `moved_pct` percent since the
    /// day's open: the walk `x` percent down a book holding `depth (x / 1%)^exponent` USD within
    /// x%, as a fraction, signed (negative for a sale).
    ///
    /// Market makers pull `withdrawal` of the depth per 1% moved, as in the engine's §4 (the
    /// scenario's own parameter), and the share left and the liquidity factor together never take
    /// the depth below the scenario's withdrawal floor (nor below the liquidity factor alone, when
    /// that is lower). Withdrawal is what makes a day's cascade tip: the further the price falls,
    /// the thinner the book the next liquidations hit (Brunnermeier & Pedersen 2009's liquidity
    /// spiral), so most days nothing much happens and now and then a move runs through a crowd.
    #[inline]
    pub(super) fn impact(&self, coins: f64, price: f64, liquidity: f64, moved_pct: f64) -> f64 {
        if self.impact_scale == 0.0 || coins == 0.0 {
            return 0.0;
        }
        let share = (1.0 - self.withdrawal * moved_pct).clamp(self.withdrawal_floor.min(1.0), 1.0);
        let factor = (liquidity * share).max(self.withdrawal_floor.min(liquidity));
        let depth = self.depth_1pct_usd * factor / self.impact_scale;
        let walk_pct = self.walk_through(coins.abs() * price, depth);
        -coins.signum() * walk_pct / 100.0
    }
}

/// Share of the scenario's open interest held long.
fn long_share(scenario: &Scenario) -> f64 {
    match &scenario.positions {
        Positions::Generate(population) => population.long_share,
        Positions::List(list) => {
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
#[inline]
fn trigger_key(side: Side, liquidation_price: f64) -> f64 {
    match side {
        Side::Long => -liquidation_price,
        Side::Short => liquidation_price,
    }
}

/// One side's open positions as (trigger key, coins), ascending by key.
pub(super) struct Crowd {
    pub(super) side: Side,
    pub(super) positions: Vec<(f64, f64)>,
}

impl Crowd {
    pub(super) fn new(side: Side, capacity: usize) -> Crowd {
        Crowd {
            side,
            positions: Vec::with_capacity(capacity),
        }
    }

    /// Crossed at `price`: the position at `index` is liquidated.
    #[inline]
    pub(super) fn crossed(&self, index: usize, price: f64) -> bool {
        self.positions
            .get(index)
            .is_some_and(|&(key, _)| key <= trigger_key(self.side, price))
    }

    /// Replaces the first `liquidated` positions by as many entrants at `price`, keeping the order
    /// (`entrants` is scratch space).
    pub(super) fn replace_prefix(
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
    pub(super) fn churn(
        &mut self,
        count: usize,
        price: f64,
        appetite: f64,
        model: &Model,
        draws: &mut Draws,
    ) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::examples;
    use crate::scenario::MaintenanceMargin;

    fn stressed() -> CyclesConfig {
        CyclesConfig {
            mean_leverage: Some(20.0),
            impact_scale: 2.0,
            ..CyclesConfig::default()
        }
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
    fn entrants_are_never_born_past_their_liquidation_price() {
        let mut scenario = examples::mixed();
        scenario.venue.maintenance_margin = MaintenanceMargin::Flat(0.1);
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
}
