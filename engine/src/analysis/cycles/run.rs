//! One run: every path's days of news, cascades, recovery and entrants, with and without
//! cascades, recorded as daily returns and the price fan.

use crate::error::ScenarioError;
use crate::market::PRICE_FLOOR_FRACTION;
use crate::positions::Draws;
use crate::scenario::{Scenario, Side};

use super::model::{Crowd, Model};
use super::stats::{percentile, Fan};
use super::{CyclesConfig, FAN_MAX_POINTS};

/// Range of the book's liquidity factor `daily_vol / realized_vol`.
const LIQUIDITY_FACTOR_RANGE: (f64, f64) = (0.25, 2.0);

/// Returns and prices of every path.
pub(super) struct Simulation {
    /// Daily log returns with cascades, percent, `[path * days + day]`.
    pub(super) returns_with: Vec<f64>,
    pub(super) returns_without: Vec<f64>,
    pub(super) fan_days: Vec<u32>,
    /// Prices at the fan's days, `[point * paths + path]`.
    pub(super) fan_prices: Vec<f64>,
    /// The prices the news alone gives at the same days (the same paths without cascades).
    pub(super) fan_news_prices: Vec<f64>,
    pub(super) liquidations: u64,
    /// How far a tenth of the open interest sold in a day walks the book, percent.
    pub(super) tenth_sold_walk_pct: f64,
}

impl Simulation {
    /// The price fan with cascades.
    pub(super) fn fan(&self, paths: usize) -> Fan {
        self.fan_of(&self.fan_prices, paths)
    }

    /// The price fan of the news alone: what the same paths give without cascades.
    pub(super) fn news_fan(&self, paths: usize) -> Fan {
        self.fan_of(&self.fan_news_prices, paths)
    }

    fn fan_of(&self, prices: &[f64], paths: usize) -> Fan {
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
            sorted.extend_from_slice(&prices[point * paths..(point + 1) * paths]);
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

/// Scratch space of one path, reused by the next.
struct PathState {
    longs: Crowd,
    shorts: Crowd,
    entrants: Vec<(f64, f64)>,
    /// The last `vol_window` daily log returns (fractions), a ring.
    window: Vec<f64>,
}

pub(super) fn simulate(
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
        fan_news_prices: vec![0.0; fan_days.len() * paths],
        fan_days,
        liquidations: 0,
        tenth_sold_walk_pct: model.walk_pct(model.open_interest_usd() / 10.0),
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
            run.fan_news_prices[path] = price;
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
                // Market makers pull depth as the price moves away from the day's open; as in the
                // engine, the share comes from the previous round's price (a one-round lag).
                let moved_pct = 100.0 * (close / price - 1.0).abs();
                let impact = model.impact(net_coins, price, liquidity, moved_pct);
                // The book quotes one tick at worst (the engine's floor), and mirrors it above.
                close = (shocked * libm::exp(impact))
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
                let at = (day + 1) / stride * paths + path;
                run.fan_prices[at] = price;
                // Within floats' range, as the fuzzing's longest, wildest paths need.
                run.fan_news_prices[at] = libm::exp(fundamental).clamp(f64::MIN_POSITIVE, f64::MAX);
            }
        }
    }
    Ok(run)
}
