//! Validation of a parsed scenario: every field checked against its range, every problem reported
//! at once with its field path. [`Checker`] is also how the analyses' own settings are checked.

use crate::error::{Items, Problem, Rule, ScenarioError, Work};
use crate::scenario::bounds::validate_money_at_stake;
use crate::scenario::{
    liquidation_leverage, Agents, Book, BookLevel, Contract, MaintenanceMargin, MarginTier, Market,
    Positions, Scenario, Shock, ShockKind, Traders, Venue, FORMAT_VERSION, MAX_BOOK_LEVELS,
    MAX_BUCKETS, MAX_COIN_CHARS, MAX_CYCLES_LEVERAGE_MULTIPLE, MAX_LEVERAGE, MAX_POSITIONS,
    MAX_STEPS,
};

impl Scenario {
    /// Checks every field; returns all problems at once.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let mut check = Checker::default();
        if self.version != FORMAT_VERSION {
            check.fail(
                "version",
                Rule::Version {
                    expected: FORMAT_VERSION,
                    got: self.version,
                },
            );
        }
        self.market.validate(&mut check);
        validate_positions(&self.positions, &mut check);
        // The venue checked once: its problems keep their place after the leverage's.
        let mut venue = Checker::default();
        self.venue.validate(&mut venue);
        validate_leverage_against_margin(self, venue.is_clean(), &mut check);
        check.add(venue.finish());
        self.traders.validate(&mut check);
        self.agents.validate(&mut check);
        if let Some(build_up) = &self.build_up {
            check.range_open_low("build_up.hours", build_up.hours, 0.0, 24.0 * 60.0);
            check.range(
                "build_up.premium_at_full_skew_pct",
                build_up.premium_at_full_skew_pct,
                -10.0,
                10.0,
            );
        }
        self.shock.validate(&mut check);
        if let Some(crowd) = &self.cycles {
            check.range_open_low(
                "cycles.leverage_multiple",
                crowd.leverage_multiple,
                0.0,
                MAX_CYCLES_LEVERAGE_MULTIPLE,
            );
        }
        check.range_int("run.steps", self.run.steps as u64, 1, MAX_STEPS as u64);
        check.range("run.step_s", self.run.step_s, 1e-3, 86_400.0);
        check.time_of_day("run.start_utc", &self.run);
        // Every field in range: then their products, the money at stake (bounds.rs) and the work
        // (src/budget.rs).
        let fields_valid = check.is_clean();
        validate_money_at_stake(self, fields_valid, &mut check);
        if check.is_clean() {
            check.add(crate::budget::run(self).check(Work::Scenario, crate::budget::RUN_BUDGET_S));
        }
        check.finish()
    }
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
                        Rule::Count {
                            least: 1,
                            most: MAX_BOOK_LEVELS,
                            got: levels.len(),
                            items: Items::Levels,
                        },
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
                            check.fail(&format!("{path}.price"), Rule::AtStartPrice);
                        }
                    }
                    // A side with no resting notional would be a token book that any trade
                    // empties to the price floor or ceiling.
                    let resting = |level: &&BookLevel| level.notional_usd > 0.0;
                    if !levels.iter().filter(resting).any(|l| l.price < self.price) {
                        check.fail("market.book.levels", Rule::EmptySide { asks: false });
                    }
                    if !levels.iter().filter(resting).any(|l| l.price > self.price) {
                        check.fail("market.book.levels", Rule::EmptySide { asks: true });
                    }
                }
            }
        }
        if let Some(half_life) = self.resilience_half_life_s {
            check.range("market.resilience_half_life_s", half_life, 1e-3, 1e7);
        }
        check.range("market.withdrawal", self.withdrawal, 0.0, 1.0);
        // At least 1% of the depth stays: the book divides by this share, and below 1% any trade
        // would run the price to its floor or ceiling.
        check.range("market.withdrawal_floor", self.withdrawal_floor, 0.01, 1.0);
        check.range("market.mark_smoothing_s", self.mark_smoothing_s, 0.0, 1e7);
        if let Some(coin) = &self.coin {
            let well_formed = (1..=MAX_COIN_CHARS).contains(&coin.chars().count())
                && coin.chars().all(|c| c.is_ascii_alphanumeric());
            if !well_formed {
                check.fail(
                    "market.coin",
                    Rule::CoinTicker {
                        most: MAX_COIN_CHARS,
                    },
                );
            } else if self.contract == Contract::Linear {
                check.fail("market.coin", Rule::CoinOnLinear);
            }
        }
    }
}

fn validate_positions(positions: &Positions, check: &mut Checker) {
    match positions {
        Positions::List(list) => {
            if list.is_empty() || list.len() > MAX_POSITIONS {
                check.fail(
                    "positions.list",
                    Rule::Count {
                        least: 1,
                        most: MAX_POSITIONS,
                        got: list.len(),
                        items: Items::Positions,
                    },
                );
                return;
            }
            // A listed position's bounds: notional and entry in [low, high], leverage in
            // (1, MAX_LEVERAGE].
            const NOTIONAL: (f64, f64) = (1e-6, 1e12);
            const ENTRY: (f64, f64) = (1e-6, 1e9);
            let within = |value: f64, (low, high): (f64, f64)| value >= low && value <= high;
            for (i, position) in list.iter().enumerate() {
                // The same checks without writing their paths first: a position that passes
                // them (nearly every one) costs no formatted strings (300,000 listed positions
                // wrote 1.2 million, a third of an import's time).
                if within(position.notional_usd, NOTIONAL)
                    && within(position.entry, ENTRY)
                    && position.leverage > 1.0
                    && position.leverage <= MAX_LEVERAGE
                {
                    continue;
                }
                let path = format!("positions.list[{i}]");
                check.range(
                    &format!("{path}.notional_usd"),
                    position.notional_usd,
                    NOTIONAL.0,
                    NOTIONAL.1,
                );
                check.range(&format!("{path}.entry"), position.entry, ENTRY.0, ENTRY.1);
                check.range_open_low(
                    &format!("{path}.leverage"),
                    position.leverage,
                    1.0,
                    MAX_LEVERAGE,
                );
                if check.stopped_at_most("positions.list") {
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
                super::MAX_OPEN_INTEREST_USD,
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
                    Rule::TwoPerBucket {
                        least: 2 * buckets.len(),
                    },
                );
            }
            if buckets.is_empty() || buckets.len() > MAX_BUCKETS {
                check.fail(
                    &format!("{path}.leverage_buckets"),
                    Rule::Count {
                        least: 1,
                        most: MAX_BUCKETS,
                        got: buckets.len(),
                        items: Items::Buckets,
                    },
                );
                return;
            }
            for (i, bucket) in buckets.iter().enumerate() {
                let bucket_path = format!("{path}.leverage_buckets[{i}]");
                check.range(&format!("{bucket_path}.min"), bucket.min, 1.0, MAX_LEVERAGE);
                check.range(&format!("{bucket_path}.max"), bucket.max, 1.0, MAX_LEVERAGE);
                if bucket.max < bucket.min {
                    check.fail(
                        &format!("{bucket_path}.max"),
                        Rule::MaxBelowMin {
                            min: bucket.min,
                            max: bucket.max,
                        },
                    );
                }
                check.range(&format!("{bucket_path}.weight"), bucket.weight, 0.0, 1e9);
            }
            if buckets.iter().all(|bucket| bucket.weight == 0.0) {
                check.fail(&format!("{path}.leverage_buckets"), Rule::NoWeight);
            }
        }
    }
}

/// A venue lets no position open at or past its own liquidation price: leverage must stay below
/// 1 / (lowest maintenance rate), as venues' leverage caps per tier ensure.
/// Said only of a valid venue and of leverages in range: one bad maintenance margin was
/// reported again for every bucket ("must be below 0.3x"), a bucket's max of 5000x twice.
fn validate_leverage_against_margin(scenario: &Scenario, venue_valid: bool, check: &mut Checker) {
    if !venue_valid {
        return;
    }
    let rate = scenario.venue.lowest_trigger_rate();
    if !(rate > 0.0 && rate.is_finite()) {
        return;
    }
    let cap = liquidation_leverage(rate);
    let fee = scenario.venue.fee_in_trigger && scenario.venue.liquidation_fee > 0.0;
    match &scenario.positions {
        Positions::List(list) => {
            // Every such position, as every other problem is reported (at most 100).
            for (i, position) in list
                .iter()
                .enumerate()
                .filter(|(_, p)| p.leverage >= cap && p.leverage <= MAX_LEVERAGE)
            {
                if check.stopped_at_most("positions.list") {
                    return;
                }
                check.fail(
                    &format!("positions.list[{i}].leverage"),
                    Rule::OpensLiquidatable {
                        cap,
                        got: position.leverage,
                        one: true,
                        fee,
                        buckets: 0,
                    },
                );
            }
        }
        // One problem for every bucket past the cap: a maintenance margin raised past 2% put
        // one line per bucket in front of the reader, all with the same cause.
        Positions::Generate(population) => {
            let past: Vec<(usize, f64)> = population
                .leverage_buckets
                .iter()
                .enumerate()
                .filter(|(_, bucket)| bucket.max >= cap && bucket.max <= MAX_LEVERAGE)
                .map(|(i, bucket)| (i, bucket.max))
                .collect();
            let highest = past.iter().map(|&(_, max)| max).fold(0.0, f64::max);
            let path = match past.as_slice() {
                [] => return,
                [(i, _)] => format!("positions.generate.leverage_buckets[{i}].max"),
                _ => "positions.generate.leverage_buckets".to_string(),
            };
            check.fail(
                &path,
                Rule::OpensLiquidatable {
                    cap,
                    got: highest,
                    one: false,
                    fee,
                    buckets: past.len(),
                },
            );
        }
    }
}

impl Venue {
    fn validate(&self, check: &mut Checker) {
        match &self.maintenance_margin {
            MaintenanceMargin::Flat(rate) => {
                check.range("venue.maintenance_margin", *rate, 0.0, 0.5)
            }
            MaintenanceMargin::Tiered { tiers, .. } => {
                if tiers.is_empty() || tiers.len() > MAX_BUCKETS {
                    check.fail(
                        "venue.maintenance_margin.tiers",
                        Rule::Count {
                            least: 1,
                            most: MAX_BUCKETS,
                            got: tiers.len(),
                            items: Items::Tiers,
                        },
                    );
                }
                // Every tier bounds the same thing as the first: notional or coins.
                let in_coins = tiers
                    .first()
                    .and_then(MarginTier::bound)
                    .map(|(_, coins)| coins);
                let mut previous = (0.0, 0.0);
                for (i, tier) in tiers.iter().enumerate() {
                    let path = format!("venue.maintenance_margin.tiers[{i}]");
                    check.range(&format!("{path}.rate"), tier.rate, 0.0, 0.5);
                    let same_kind = |&(_, coins): &(f64, bool)| Some(coins) == in_coins;
                    let Some((bound, coins)) = tier.bound().filter(same_kind) else {
                        check.fail(&path, Rule::TierBound);
                        continue;
                    };
                    if coins {
                        check.range(&format!("{path}.max_coins"), bound, 1e-8, 1e12);
                    } else {
                        check.range(&format!("{path}.max_notional_usd"), bound, 1.0, 1e15);
                    }
                    if i > 0 && (bound <= previous.0 || tier.rate < previous.1) {
                        check.fail(&path, Rule::TierOrder);
                    }
                    previous = (bound, tier.rate);
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
        let funding = &self.funding;
        check.range(
            "venue.funding.interval_h",
            funding.interval_h,
            1.0 / 60.0,
            24.0,
        );
        check.range(
            "venue.funding.interest_pct",
            funding.interest_pct,
            -1.0,
            1.0,
        );
        check.range("venue.funding.clamp_pct", funding.clamp_pct, 0.0, 10.0);
        check.range_open_low("venue.funding.cap_pct", funding.cap_pct, 0.0, 100.0);
        if let Some(band) = self.liquidation_band_pct {
            check.range_open_low("venue.liquidation_band_pct", band, 0.0, 100.0);
        }
        if let Some(clips) = &self.clips {
            let path = "venue.clips";
            check.range(&format!("{path}.above_usd"), clips.above_usd, 0.0, 1e15);
            check.range_open_low(&format!("{path}.share"), clips.share, 0.0, 1.0);
            check.range(
                &format!("{path}.cooldown_s"),
                clips.cooldown_s,
                0.0,
                86_400.0,
            );
            if let Some(below) = clips.backstop_below {
                check.range(&format!("{path}.backstop_below"), below, 0.0, 1.0);
            }
        }
        if let Some(limits) = &self.block_limits {
            let path = "venue.block_limits";
            check.range(&format!("{path}.block_s"), limits.block_s, 0.01, 3_600.0);
            check.range(
                &format!("{path}.position_share"),
                limits.position_share,
                0.001,
                1.0,
            );
            check.range(
                &format!("{path}.account_max_usd"),
                limits.account_max_usd,
                1.0,
                1e15,
            );
            // The floor may not pass the ceiling (a ceiling out of range has its own error
            // above: here it is only held to the range).
            check.range(
                &format!("{path}.position_min_usd"),
                limits.position_min_usd,
                0.0,
                limits.account_max_usd.clamp(0.0, 1e15),
            );
        }
        if let Some(control) = &self.leverage_control {
            let path = "venue.leverage_control";
            if let Some(share) = control.fund_below_pct {
                check.range(&format!("{path}.fund_below_pct"), share, 0.0, 100.0);
            }
            if let Some(volatility) = control.volatility_pct {
                check.range_open_low(&format!("{path}.volatility_pct"), volatility, 0.0, 100.0);
            }
            check.range_int(
                &format!("{path}.window_steps"),
                u64::from(control.window_steps),
                2,
                MAX_STEPS as u64,
            );
            check.range(
                &format!("{path}.margin_multiplier"),
                control.margin_multiplier,
                1.0,
                10.0,
            );
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
        if let Some(stops) = &self.stop_losses {
            check.range("traders.stop_losses.share", stops.share, 0.0, 1.0);
            check.range_open_low(
                "traders.stop_losses.distance_pct",
                stops.distance_pct,
                0.0,
                99.0,
            );
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
        if let Some(dealers) = &self.option_dealers {
            let path = "agents.option_dealers";
            if dealers.strikes.is_empty() || dealers.strikes.len() > MAX_BUCKETS {
                check.fail(
                    &format!("{path}.strikes"),
                    Rule::Count {
                        least: 1,
                        most: MAX_BUCKETS,
                        got: dealers.strikes.len(),
                        items: Items::Strikes,
                    },
                );
            }
            for (i, strike) in dealers.strikes.iter().enumerate() {
                let at = format!("{path}.strikes[{i}]");
                check.range_open_low(&format!("{at}.strike_pct"), strike.strike_pct, 0.0, 1_000.0);
                check.range(&format!("{at}.coins"), strike.coins, -1e9, 1e9);
            }
            check.range_open_low(
                &format!("{path}.implied_vol_pct"),
                dealers.implied_vol_pct,
                0.0,
                500.0,
            );
            check.range_open_low(
                &format!("{path}.days_to_expiry"),
                dealers.days_to_expiry,
                0.0,
                3_650.0,
            );
            check.range_int(
                &format!("{path}.rehedge_every_steps"),
                u64::from(dealers.rehedge_every_steps),
                1,
                10_000,
            );
        }
        if let Some(cppi) = &self.cppi {
            check.range("agents.cppi.capital_usd", cppi.capital_usd, 0.0, 1e13);
            check.range("agents.cppi.multiplier", cppi.multiplier, 0.0, 20.0);
            check.range("agents.cppi.floor_pct", cppi.floor_pct, 0.0, 100.0);
            check.range("agents.cppi.max_exposure", cppi.max_exposure, 0.0, 10.0);
            check.range("agents.cppi.tolerance_pct", cppi.tolerance_pct, 0.0, 100.0);
            check.range_int(
                "agents.cppi.rebalance_every_steps",
                u64::from(cppi.rebalance_every_steps),
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
                self.validate_path(check);
            }
            ShockKind::Sell => check.range("shock.notional_usd", self.notional_usd, -1e13, 1e13),
        }
    }
}

impl Shock {
    /// A ramp's path: points in order of time within the ramp, the last at its end, each level
    /// a share of `pct`.
    fn validate_path(&self, check: &mut Checker) {
        if self.path.len() > MAX_PATH_POINTS {
            check.fail(
                "shock.path",
                Rule::AtMost {
                    most: MAX_PATH_POINTS,
                    got: self.path.len(),
                    items: Items::PathPoints,
                },
            );
            return;
        }
        let mut after = 0.0;
        for (i, point) in self.path.iter().enumerate() {
            let at = format!("shock.path[{i}].at");
            if point.at.is_finite() && point.at > 0.0 && point.at <= after {
                check.fail(
                    &at,
                    Rule::PathOrder {
                        after,
                        got: point.at,
                    },
                );
            } else {
                check.range_open_low(&at, point.at, 0.0, 1.0);
            }
            check.range(&format!("shock.path[{i}].level"), point.level, -1.0, 1.0);
            after = point.at;
        }
        if let Some(last) = self.path.last() {
            if last.at > 0.0 && last.at < 1.0 {
                let at = format!("shock.path[{}].at", self.path.len() - 1);
                check.fail(&at, Rule::PathEnd { got: last.at });
            }
        }
    }
}

/// Most points a ramp's path may have.
pub const MAX_PATH_POINTS: usize = 64;

/// Most problems a check says before it says it stopped (one list of positions can hold
/// 2,000,000).
const MOST_PROBLEMS: usize = 100;

/// Collects problems as validation walks the scenario (or an analysis's settings).
#[derive(Default)]
pub(crate) struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    /// Whether the check has said as many problems as it says ([`MOST_PROBLEMS`]): then (once)
    /// it says it stopped, at `path`, and the caller stops checking.
    pub(crate) fn stopped_at_most(&mut self, path: &str) -> bool {
        let stopped = |problem: &Problem| matches!(problem.rule, Rule::TooManyProblems);
        if self.problems.last().is_some_and(stopped) {
            return true;
        }
        if self.problems.len() < MOST_PROBLEMS {
            return false;
        }
        self.fail(path, Rule::TooManyProblems);
        true
    }

    pub(crate) fn fail(&mut self, path: &str, rule: Rule) {
        self.problems.push(Problem {
            path: path.to_string(),
            rule,
        });
    }

    /// Adds the problems of a nested document's validation, their paths under `prefix` (a
    /// calibration's `base` scenario).
    pub(crate) fn nest(&mut self, prefix: &str, result: Result<(), ScenarioError>) {
        if let Err(error) = result {
            for problem in error.problems {
                self.fail(&format!("{prefix}.{}", problem.path), problem.rule);
            }
        }
    }

    /// Whether no problem was found so far.
    pub(crate) fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// Adds the problems of another check (the work budget's) as they are.
    pub(crate) fn add(&mut self, result: Result<(), ScenarioError>) {
        if let Err(error) = result {
            self.problems.extend(error.problems);
        }
    }

    /// `value` must be finite and in [low, high].
    pub(crate) fn range(&mut self, path: &str, value: f64, low: f64, high: f64) {
        if !value.is_finite() {
            self.fail(path, Rule::NotFinite);
        } else if value < low || value > high {
            self.fail(
                path,
                Rule::Range {
                    low,
                    high,
                    low_open: false,
                    got: value,
                },
            );
        }
    }

    /// `value` must be finite and in (low, high].
    pub(crate) fn range_open_low(&mut self, path: &str, value: f64, low: f64, high: f64) {
        if !value.is_finite() {
            self.fail(path, Rule::NotFinite);
        } else if value <= low || value > high {
            self.fail(
                path,
                Rule::Range {
                    low,
                    high,
                    low_open: true,
                    got: value,
                },
            );
        }
    }

    /// A run's start, when it names one, must be a time of day written `HH:MM`.
    pub(crate) fn time_of_day(&mut self, path: &str, run: &crate::scenario::Run) {
        if let (Some(got), None) = (&run.start_utc, run.start_minute_utc()) {
            self.fail(path, Rule::TimeOfDay { got: got.clone() });
        }
    }

    /// `value` must be in [low, high].
    pub(crate) fn range_int(&mut self, path: &str, value: u64, low: u64, high: u64) {
        if value < low || value > high {
            self.fail(
                path,
                Rule::WholeRange {
                    low,
                    high,
                    got: value,
                },
            );
        }
    }

    pub(crate) fn finish(self) -> Result<(), ScenarioError> {
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
    use crate::presets;
    use crate::scenario::Positions;

    fn paths(scenario: &crate::Scenario) -> Vec<String> {
        scenario.validate().err().map_or_else(Vec::new, |error| {
            error
                .problems
                .into_iter()
                .map(|problem| problem.path)
                .collect()
        })
    }

    /// One bad value is one problem: a maintenance margin out of range is not said again for
    /// every bucket its leverage cap would fail, nor a bucket's max past the range twice.
    #[test]
    fn a_bad_value_is_said_once() {
        let base = presets::find("calm-market").expect("a preset").scenario;
        let mut margin = base.clone();
        margin.venue.maintenance_margin = crate::scenario::MaintenanceMargin::Flat(3.0);
        assert_eq!(paths(&margin), vec!["venue.maintenance_margin".to_string()]);
        let mut leverage = base.clone();
        let Positions::Generate(population) = &mut leverage.positions else {
            panic!("calm-market generates its positions");
        };
        let last = population.leverage_buckets.len() - 1;
        population.leverage_buckets[last].max = 5_000.0;
        assert_eq!(
            paths(&leverage),
            vec![format!("positions.generate.leverage_buckets[{last}].max")]
        );
        // In range but past the venue's cap: said, as before.
        let Positions::Generate(population) = &mut leverage.positions else {
            unreachable!()
        };
        population.leverage_buckets[last].max = 999.0;
        let said = paths(&leverage);
        assert_eq!(said.len(), 1, "{said:?}");
    }

    /// A maintenance margin in range that several buckets' leverage reaches past is one
    /// problem naming how many and the highest, not one line per bucket.
    #[test]
    fn buckets_past_the_cap_are_one_problem() {
        let mut scenario = presets::find("calm-market").expect("a preset").scenario;
        let Positions::Generate(population) = &scenario.positions else {
            panic!("calm-market generates its positions");
        };
        let highest = population
            .leverage_buckets
            .iter()
            .map(|bucket| bucket.max)
            .fold(0.0, f64::max);
        let past = population
            .leverage_buckets
            .iter()
            .filter(|bucket| bucket.max >= 1.0 / 0.3)
            .count();
        assert!(past > 1, "the test needs several buckets past 3.3x");
        scenario.venue.maintenance_margin = crate::scenario::MaintenanceMargin::Flat(0.3);
        scenario.venue.liquidation_fee = 0.0;
        let error = scenario.validate().expect_err("buckets past 3.3x");
        let [problem] = error.problems.as_slice() else {
            panic!("one problem, got {error}");
        };
        assert_eq!(problem.path, "positions.generate.leverage_buckets");
        let said = problem.rule.to_string();
        assert!(
            said.contains(&format!("{past} buckets reach up to {highest}x")),
            "{said}"
        );
    }

    /// Every listed position that would open liquidatable is named, not only the first.
    #[test]
    fn every_listed_position_past_the_cap_is_named() {
        let mut scenario = presets::find("calm-market").expect("a preset").scenario;
        let spec = |leverage: f64| crate::scenario::PositionSpec {
            side: crate::scenario::Side::Long,
            notional_usd: 1_000.0,
            entry: scenario.market.price,
            leverage,
        };
        let list = vec![spec(500.0), spec(10.0), spec(600.0), spec(999.0)];
        scenario.positions = Positions::List(list);
        assert_eq!(
            paths(&scenario),
            [0, 2, 3].map(|i| format!("positions.list[{i}].leverage"))
        );
    }
}
