//! One market in a run: an asset traded on a venue, with its order book, mark price, the venue's
//! liquidation engine over its population, and the traders and agents who trade in it, stepped
//! through time. The timeline steps one of these; a scenario with several markets would step
//! several, with whatever links them (arbitrage, shared collateral) acting between steps.

use crate::market::{depth_share, returning_share, MarkPrice, OrderBook};
use crate::money::Money;
use crate::outcome::{
    BuildUpReport, CppiSummary, DealersSummary, LiquidationMap, OpenInterestByBucket, Outcome,
    Step, Summary,
};
use crate::positions::PositionTable;
use crate::scenario::{CircuitBreaker, Scenario, ShockKind, Side};
use crate::solve::build_up;
use crate::solve::instant::finite_ratio;
use crate::solve::timeline::liquidation_map;
use crate::traders::{
    DealerHedging, Delevering, DipBuying, PortfolioInsurance, Predation, StopLosses, TopUps,
};
use crate::venue::{AdlRoom, ControlWatch, LiquidationEngine, StepLiquidations};

/// A market's state during a run, and what it has recorded so far.
pub struct MarketRun<'a> {
    scenario: &'a Scenario,
    table: &'a PositionTable,
    book: OrderBook,
    mark: MarkPrice,
    venue: LiquidationEngine<'a>,
    top_ups: Option<TopUps>,
    delevering: Option<Delevering>,
    stop_losses: Option<StopLosses>,
    dip_buying: Option<DipBuying>,
    predation: Option<Predation>,
    insurance: Option<PortfolioInsurance>,
    hedging: Option<DealerHedging>,
    /// The venue's leverage control, watching for the stress that makes it tighten.
    control: Option<ControlWatch>,
    /// The factor consumed depth keeps per step (resilience), if it refills.
    refill: Option<f64>,
    breaker: Option<CircuitBreaker>,
    /// The shock's own signed move, percent.
    shock_pct: f64,
    ramp_steps: u32,
    /// Steps of the shock done (a halt pauses a ramp).
    shock_step: u32,
    halted_until: Option<u32>,
    /// The breaker measures moves from no earlier than this entry of `history` (the price a
    /// halt ended at; 0 before any halt).
    breaker_from: usize,
    halted_steps: u32,
    last_liquidation_step: Option<u32>,
    /// Coins the last step's liquidations traded in the shock's direction (predators read it).
    forced_coins: f64,
    /// Last price at the start and after every step.
    history: Vec<f64>,
    records: Vec<Step>,
    long_by_step: Vec<Vec<f64>>,
    short_by_step: Vec<Vec<f64>>,
    oi_before: (Vec<f64>, Vec<f64>),
    /// What the build-up before the shock did, if the scenario has one.
    build_up: Option<BuildUpReport>,
    /// The liquidation map as the build-up left the positions (without one, the table's).
    map_after_build_up: Option<LiquidationMap>,
    /// Whether the step under way is halted, and the algorithms' net selling in it (USD).
    halted_now: bool,
    insured_sold_usd: f64,
    hedged_sold_usd: f64,
    stops_sold_usd: f64,
    /// What traders outside the population (cross-margin accounts) had auto-deleveraged against
    /// this market's winners in the step under way, USD.
    outside_adl_usd: f64,
}

impl<'a> MarketRun<'a> {
    /// The market at the start of a run of `scenario` on `table`, settled by `venue`.
    pub fn new(
        scenario: &'a Scenario,
        table: &'a PositionTable,
        venue: LiquidationEngine<'a>,
    ) -> MarketRun<'a> {
        let market = &scenario.market;
        let step_s = scenario.run.step_s;
        let steps = scenario.run.steps as usize;
        let start = market.price;
        let shock_pct = scenario.shock.move_pct(market);
        let mut history = Vec::with_capacity(steps + 1);
        history.push(start);
        let book = OrderBook::new(market);
        let mut venue = venue;
        venue.set_step_s(step_s);
        // Open interest before the flush, and its liquidation map: as the build-up left the
        // positions, or as the table has them.
        let (venue, build_up, oi_before, map_after_build_up) = match &scenario.build_up {
            Some(rules) => {
                let (venue, after) = build_up::run_or_resume(rules, scenario, table, venue, &book);
                (
                    venue,
                    Some(after.report),
                    after.open_interest,
                    Some(after.map),
                )
            }
            None => (venue, None, table.open_interest_by_bucket(), None),
        };
        MarketRun {
            scenario,
            table,
            book,
            mark: MarkPrice::new(start, market.mark_smoothing_s, step_s),
            venue,
            top_ups: scenario
                .traders
                .top_up
                .as_ref()
                .map(|rules| TopUps::new(rules, table, step_s)),
            delevering: scenario.traders.delever.as_ref().map(Delevering::new),
            stop_losses: scenario
                .traders
                .stop_losses
                .as_ref()
                .map(|rules| StopLosses::new(rules, table, start)),
            dip_buying: scenario.traders.dip_buyers.as_ref().map(DipBuying::new),
            predation: scenario
                .agents
                .predators
                .as_ref()
                .map(|rules| Predation::new(rules, shock_pct, table, start)),
            insurance: scenario
                .agents
                .cppi
                .as_ref()
                .map(|rules| PortfolioInsurance::new(rules, start)),
            hedging: scenario
                .agents
                .option_dealers
                .as_ref()
                .map(|rules| DealerHedging::new(rules, start, step_s)),
            control: scenario
                .venue
                .leverage_control
                .as_ref()
                .map(|rules| ControlWatch::new(rules, scenario.venue.insurance_fund_usd)),
            refill: market
                .resilience_half_life_s
                .map(|half_life| libm::exp2(-step_s / half_life)),
            breaker: scenario.venue.circuit_breaker.clone(),
            shock_pct,
            ramp_steps: scenario.shock.ramp_steps(step_s),
            shock_step: 0,
            halted_until: None,
            breaker_from: 0,
            halted_steps: 0,
            last_liquidation_step: None,
            forced_coins: 0.0,
            history,
            records: Vec::with_capacity(steps),
            long_by_step: Vec::with_capacity(steps),
            short_by_step: Vec::with_capacity(steps),
            oi_before,
            build_up,
            map_after_build_up,
            halted_now: false,
            insured_sold_usd: 0.0,
            hedged_sold_usd: 0.0,
            stops_sold_usd: 0.0,
            outside_adl_usd: 0.0,
        }
    }

    /// Step `step` (docs/model.md §9): refill; unless halted, the shock, withdrawal, traders and
    /// agents, the mark, top-ups and liquidations; then the record and the circuit breaker.
    pub fn step(&mut self, step: u32) {
        self.move_book(step);
        self.settle(step, None);
    }

    /// The first half of step `step`: consumed depth refills and, unless the venue is halted, the
    /// shock, market makers' withdrawal and the traders' and agents' orders move the book. In a
    /// system (crate::system) other markets move theirs and links act before [`Self::settle`].
    pub fn move_book(&mut self, step: u32) {
        let market = &self.scenario.market;
        let start = market.price;
        self.halted_now = self.halted_until.is_some_and(|until| step < until);
        if let Some(factor) = self.refill {
            self.book.refill(factor);
        }
        self.insured_sold_usd = 0.0;
        self.hedged_sold_usd = 0.0;
        self.stops_sold_usd = 0.0;
        if self.halted_now {
            return;
        }
        let book = &mut self.book;
        self.scenario
            .shock
            .apply_step(book, self.shock_step, self.ramp_steps);
        self.shock_step += 1;
        let target = depth_share(market, start, self.mark.value());
        book.set_depth_share(returning_share(book.depth_share(), target, self.refill));
        if let Some(delevering) = self.delevering.as_mut() {
            delevering.step(&self.history, self.mark.value(), book, &mut self.venue);
        }
        if let Some(stops) = self.stop_losses.as_mut() {
            let last = self.history.last().copied().unwrap_or(start);
            self.stops_sold_usd = stops.step(last, book, &mut self.venue);
        }
        if let Some(predation) = self.predation.as_mut() {
            predation.step(self.table, self.mark.value(), self.forced_coins, book);
        }
        if let Some(dip_buying) = self.dip_buying.as_mut() {
            dip_buying.step(book);
        }
        if let Some(insurance) = self.insurance.as_mut() {
            let (sold, bought) = (insurance.sold_usd, insurance.bought_usd);
            insurance.step(book);
            self.insured_sold_usd = (insurance.sold_usd - sold) - (insurance.bought_usd - bought);
        }
        if let Some(hedging) = self.hedging.as_mut() {
            let (sold, bought) = (hedging.sold_usd, hedging.bought_usd);
            hedging.step(book);
            self.hedged_sold_usd = (hedging.sold_usd - sold) - (hedging.bought_usd - bought);
        }
    }

    /// The second half of step `step`: the mark follows the last price (or, with `index`, the
    /// index of linked venues' prices plus this venue's smoothed basis: docs/model.md §15.3);
    /// unless halted, top-ups land, the leverage control watches and crossed positions are
    /// liquidated; then the step's record and the circuit breaker.
    pub fn settle(&mut self, step: u32, index: Option<f64>) {
        self.set_mark(index);
        self.liquidate_and_record(step);
    }

    /// The mark for the step under way (the first part of [`Self::settle`]): it follows the
    /// last price, or with `index` the index plus this venue's smoothed basis.
    pub fn set_mark(&mut self, index: Option<f64>) -> f64 {
        let last = self.book.last();
        match index {
            None => self.mark.follow(last),
            Some(index) => self.mark.follow_index(index, last),
        }
    }

    /// The mark set by [`Self::set_mark`] (or, before the first step, the start price).
    pub fn mark(&self) -> f64 {
        self.mark.value()
    }

    /// The rest of [`Self::settle`]: unless halted, top-ups, the leverage control and the
    /// liquidations at the mark already set; then the step's record and the circuit breaker.
    pub fn liquidate_and_record(&mut self, step: u32) {
        let halted = self.halted_now;
        let mark_now = self.mark.value();
        let mut liquidations = StepLiquidations::default();
        if halted {
            self.halted_steps += 1;
        } else {
            if let Some(top_ups) = self.top_ups.as_mut() {
                top_ups.step(step, mark_now, &mut self.venue);
            }
            if let Some(control) = self.control.as_mut() {
                control.step(step, &self.history, &mut self.venue);
            }
            self.venue.collect_triggered(mark_now);
            self.venue.set_band_room(&self.book, mark_now);
            let orders = self.venue.take_orders(mark_now);
            liquidations = self.venue.liquidate(&orders, &mut self.book, mark_now);
            if !orders.is_empty() {
                self.last_liquidation_step = Some(step);
            }
        }
        // What liquidations traded in the predators' direction, for them to cover against.
        self.forced_coins = match &self.predation {
            Some(predation) if predation.hunts_longs() => liquidations.long_coins,
            Some(_) => liquidations.short_coins,
            None => 0.0,
        };
        let last = self.book.last();
        self.history.push(last);
        // Nothing trades while the venue is halted: the last traded price stands where trading
        // stopped, while the book refills beneath it (the price trading reopens at, which the
        // mark and the breaker follow).
        let traded = match self.records.last() {
            Some(previous) if halted => previous.last,
            _ => last,
        };
        let outside_adl_usd = std::mem::take(&mut self.outside_adl_usd);
        self.records.push(Step {
            t_s: f64::from(step + 1) * self.scenario.run.step_s,
            last: traded,
            mark: self.mark.value(),
            liquidated_long_usd: liquidations.long_fill_usd,
            liquidated_short_usd: liquidations.short_fill_usd,
            liquidated_long_count: liquidations.long_count,
            liquidated_short_count: liquidations.short_count,
            depth_1pct_usd: self.book.bid_depth_1pct_usd(),
            insurance_fund_usd: self.venue.ledger.insurance_fund.to_f64(),
            adl_usd: liquidations.adl_usd + outside_adl_usd,
            bad_debt_usd: liquidations.bad_debt_usd,
            open_interest_usd: self.venue.open_interest(),
            halted,
            cppi_sold_usd: self.insured_sold_usd,
            dealers_sold_usd: self.hedged_sold_usd,
            stops_sold_usd: self.stops_sold_usd,
        });
        let (longs, shorts) = self.venue.open_by_bucket();
        self.long_by_step.push(longs);
        self.short_by_step.push(shorts);
        if let Some(breaker) = &self.breaker {
            // The price `window` steps ago: before the run, the start price (a crash in the
            // run's first minute trips a one-minute breaker as it would any other minute); after
            // a halt, the price it ended at (the move it halted is not counted again).
            let window = breaker.window_steps as usize;
            let history = &self.history;
            if !halted {
                let now = history.len() - 1;
                let before = history[now.saturating_sub(window).max(self.breaker_from)];
                if (last - before).abs() / before * 100.0 > breaker.move_pct {
                    self.halted_until = Some(step + 1 + breaker.halt_steps);
                    self.breaker_from = now + breaker.halt_steps as usize;
                }
            }
        }
    }

    /// Whether the venue is halted in the step under way (set by [`Self::move_book`]).
    pub fn halted(&self) -> bool {
        self.halted_now
    }

    /// The venue's insurance fund now, in its money unit.
    pub fn insurance_fund(&self) -> Money {
        self.venue.ledger.insurance_fund
    }

    /// The fund pays up to `deficit` of an outside trader's shortfall on its trades here (a
    /// cross-margin account's bad debt); returns what it paid.
    pub fn cover_outside_deficit(&mut self, deficit: Money) -> Money {
        self.venue.ledger.cover_outside(deficit)
    }

    /// Coins auto-deleveraging could take over from an outside trader's `losing_side`
    /// positions at the mark (`None`: the venue runs no ADL here).
    pub fn adl_room(&self, losing_side: Side) -> Option<AdlRoom> {
        self.venue.adl_room(losing_side, self.mark.value())
    }

    /// Auto-deleverages `coins` of an outside trader's `losing_side` positions at `price`
    /// against this market's winners (counted in the step's ADL).
    /// `room`: what [`Self::adl_room`] found for that side in this step, if it was asked.
    pub fn deleverage_outside(
        &mut self,
        losing_side: Side,
        coins: f64,
        price: f64,
        room: Option<AdlRoom>,
    ) {
        let mark = self.mark.value();
        self.outside_adl_usd +=
            self.venue
                .deleverage_outside(losing_side, coins, price, mark, room);
    }

    /// The market's book, for links that trade in it between the two halves of a step.
    pub fn book_mut(&mut self) -> &mut OrderBook {
        &mut self.book
    }

    /// The market's book.
    pub fn book(&self) -> &OrderBook {
        &self.book
    }

    /// The outcome after the last step: open positions marked at the final mark, the ledger
    /// closed, the summary.
    pub fn finish(mut self) -> Outcome {
        let scenario = self.scenario;
        let start = scenario.market.price;
        let venue = &self.venue;
        // A ramp cut short by the end of the run (or paused by halts) moved the top only partly.
        // Along a path, the deepest move it reached (a rebound does not undo the shock).
        let shock_pct = if scenario.shock.kind == ShockKind::Ramp {
            let steps = self.shock_step.min(self.ramp_steps);
            if scenario.shock.path.is_empty() {
                scenario.shock.pct * f64::from(steps) / f64::from(self.ramp_steps)
            } else {
                let share = f64::from(steps) / f64::from(self.ramp_steps);
                scenario.shock.pct * scenario.shock.deepest_level(share)
            }
        } else {
            self.shock_pct
        };
        let final_mark = self.mark.value();
        let (open_equity, open_pnl) = venue.mark_open(final_mark);
        let ledger_report = venue.ledger.close(open_equity, open_pnl);
        let history = &self.history;
        let min_price = history.iter().copied().fold(f64::INFINITY, f64::min);
        let max_price = history.iter().copied().fold(0.0, f64::max);
        let max_drawdown_pct = (start - min_price) / start * 100.0;
        let max_rise_pct = (max_price - start) / start * 100.0;
        let amplification = if shock_pct < 0.0 {
            finite_ratio(max_drawdown_pct / -shock_pct)
        } else if shock_pct > 0.0 {
            finite_ratio(max_rise_pct / shock_pct)
        } else {
            1.0
        };
        let oi_after = venue.open_by_bucket_recounted();
        let table = self.table;
        let labels: Vec<String> = table.buckets.iter().map(|bucket| bucket.label()).collect();
        let summary = Summary {
            start_price: start,
            final_price: self.book.last(),
            final_mark,
            min_price,
            max_price,
            max_drawdown_pct,
            max_rise_pct,
            shock_pct,
            amplification,
            liquidated_count_long: venue.liquidated_count_long,
            liquidated_count_short: venue.liquidated_count_short,
            liquidated_notional_usd_long: venue.liquidated_fill_usd_long,
            liquidated_notional_usd_short: venue.liquidated_fill_usd_short,
            partial_liquidations: venue.partial_liquidations,
            insurance_fund_end_usd: venue.ledger.insurance_fund.to_f64(),
            adl_notional_usd: venue.ledger.adl_notional.to_f64(),
            bad_debt_usd: venue.ledger.bad_debt.to_f64(),
            top_ups_usd: venue.ledger.top_ups.to_f64(),
            delevered_notional_usd: self.delevering.as_ref().map_or(0.0, |d| d.notional)
                + self.stop_losses.as_ref().map_or(0.0, |s| s.notional),
            dip_buyers_bought_usd: self.dip_buying.as_ref().map_or(0.0, |d| d.spent_usd),
            predator_pnl_usd: self
                .predation
                .as_ref()
                .map_or(0.0, |p| p.pnl_usd(final_mark)),
            cppi: self.insurance.as_ref().map(|insurance| CppiSummary {
                start_value_usd: insurance.start_value_usd,
                floor_usd: insurance.floor_usd,
                end_value_usd: insurance.value_usd(self.book.last()),
                min_value_usd: insurance
                    .min_value_usd
                    .min(insurance.value_usd(self.book.last())),
                sold_usd: insurance.sold_usd,
                bought_usd: insurance.bought_usd,
                shortfall_usd: insurance.shortfall_usd(self.book.last()),
            }),
            dealers: self.hedging.as_ref().map(|hedging| DealersSummary {
                sold_usd: hedging.sold_usd,
                bought_usd: hedging.bought_usd,
                start_hedge_coins: hedging.start_hedge_coins,
                end_hedge_coins: hedging.held_coins(),
            }),
            halted_steps: self.halted_steps,
            backstopped_usd: venue.backstopped_usd,
            queued_at_end_usd: venue.queued_usd(final_mark),
            tightened_at_s: self
                .control
                .as_ref()
                .and_then(|control| control.tightened_at)
                .map(|step| f64::from(step) * scenario.run.step_s),
            last_liquidation_step: self.last_liquidation_step,
            money_unit: crate::outcome::MoneyUnit::of(scenario.market.contract),
            coin: scenario.market.coin.clone(),
        };
        self.venue.recycle();
        Outcome {
            summary,
            steps: self.records,
            liquidation_map: self
                .map_after_build_up
                .unwrap_or_else(|| liquidation_map(table, start)),
            open_interest: OpenInterestByBucket {
                buckets: labels,
                long_before_usd: self.oi_before.0,
                short_before_usd: self.oi_before.1,
                long_after_usd: oi_after.0,
                short_after_usd: oi_after.1,
                long_by_step_usd: self.long_by_step,
                short_by_step_usd: self.short_by_step,
            },
            ledger: ledger_report,
            build_up: self.build_up,
        }
    }
}
