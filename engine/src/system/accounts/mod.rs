//! Cross-margin accounts (docs/model.md §15.5): traders holding legs in several markets against
//! one collateral pool, which can itself be an asset with its own price (a coin, or a token that
//! depegs). An account is liquidated when its margin equity (collateral value after the haircut,
//! plus every leg's PnL at its market's mark) falls below the sum of its legs' maintenance
//! requirements; then every leg goes to its market's book as a market order at once, as
//! Hyperliquid sends a liquidated position whole to the book, with no fee, what is left going back
//! to the trader; an account under water has its deficit paid by its markets' insurance funds or
//! its losing legs auto-deleveraged (`settle.rs`). Money is booked exactly in the accounts' own
//! ledger.

mod format;
mod report;
mod schedule;
mod settle;

use schedule::{Due, MarkWatch, Queue};

use crate::money::{fixed, linear_pnl, money, Money};
use crate::positions::{Draws, MarginSchedule};
use crate::scenario::Side;
use crate::solve::market_run::MarketRun;
use crate::system::System;

pub use format::{
    AccountFlows, AccountGroup, AccountPopulation, AccountSpec, Accounts, AccountsLedger,
    AccountsReport, Collateral, Deficits, LegMix, LegSpec,
};

/// One leg of an account.
#[derive(Clone)]
struct Leg {
    market: usize,
    side: Side,
    coins: f64,
    coins_fixed: i128,
    entry: f64,
    entry_fixed: i128,
}

impl Leg {
    /// A leg of `notional` USD entered at `entry`.
    fn new(market: usize, side: Side, notional: f64, entry: f64) -> Leg {
        let coins = notional / entry;
        Leg {
            market,
            side,
            coins,
            coins_fixed: fixed(coins),
            entry,
            entry_fixed: fixed(entry),
        }
    }

    /// PnL at `price`, f64 (for the margin check).
    fn pnl(&self, price: f64) -> f64 {
        let long = self.coins * (price - self.entry);
        match self.side {
            Side::Long => long,
            Side::Short => -long,
        }
    }

    /// PnL at `price`, exact.
    fn pnl_exact(&self, price: f64) -> Money {
        let long = linear_pnl(self.coins_fixed, self.entry_fixed, fixed(price));
        match self.side {
            Side::Long => long,
            Side::Short => -long,
        }
    }
}

/// One account: its collateral units and its legs (a range of the group's legs).
#[derive(Clone)]
struct Account {
    units: f64,
    legs: std::ops::Range<usize>,
}

/// A group's accounts as a run starts with them (generated or listed), with what the schedule
/// needs of each: built once per system and shared by every run of it (a drag of the common
/// shock, the contagion table's runs), as a market's population is.
#[derive(Clone)]
pub struct AccountsTable {
    accounts: Vec<Account>,
    legs: Vec<Leg>,
    /// The collateral coin's market, for `Coin` collateral, and the collateral's start price.
    coin_market: Option<usize>,
    start_price: f64,
    collateral_in: Money,
    /// Each account's bound on how fast its equity less maintenance moves with its markets'
    /// wandering: its largest notional in one market (at the start prices) times one plus that
    /// market's highest maintenance rate.
    mark_weight: Vec<f64>,
    /// The sets of markets the accounts' legs are in, and each account's set.
    watch_markets: Vec<Vec<usize>>,
    watch_of: Vec<u32>,
    /// Each market's maintenance schedule.
    schedules: Vec<MarginSchedule>,
    /// The queues every run starts with: each account waiting by its slack at the start prices
    /// (`schedule::start_queues`), so no run looks at every account on its first step.
    start_by_marks: Vec<Vec<Due>>,
    start_by_collateral: Vec<Due>,
}

/// What looking at an account found.
enum Check {
    Closed,
    Breached(Cause),
    /// Equity over maintenance (0 when it could not be looked at).
    Slack(f64),
}

/// Where an account's trouble started.
#[derive(Clone, Copy, PartialEq)]
enum Cause {
    Market(usize),
    Collateral,
}

/// A group of accounts during a run.
pub(crate) struct AccountsRun<'t> {
    id: String,
    collateral: Collateral,
    deficits: Deficits,
    /// The collateral coin's market, for `Coin` collateral.
    coin_market: Option<usize>,
    start_price: f64,
    haircut: f64,
    accounts: &'t [Account],
    legs: &'t [Leg],
    /// Whether each account is still open.
    open: Vec<bool>,
    /// Each market's maintenance schedule.
    schedules: &'t [MarginSchedule],
    step_s: f64,
    // What happened.
    liquidated_by_leg_loss: usize,
    liquidated_by_collateral: usize,
    deleveraged: usize,
    flows: Vec<Flows>,
    collateral_price: Vec<f64>,
    collateral_in: Money,
    revaluation: Money,
    returned: Money,
    net_to_markets: Money,
    covered_by_funds: Money,
    bad_debt: Money,
    /// The collateral's price and the markets' marks at the last step (at the start, the start
    /// prices).
    previous_price: f64,
    previous_marks: Vec<f64>,
    /// The markets' start prices.
    start_marks: Vec<f64>,
    /// See [`AccountsTable`].
    mark_weight: &'t [f64],
    /// Accounts to look at again: by how far their markets' marks have wandered (relative moves
    /// summed over those markets and the steps; one queue per set of markets, `watch_of` each
    /// account's), and by how far the collateral's price has (stale entries skipped by
    /// generation).
    by_marks: Vec<MarkWatch<'t>>,
    watch_of: &'t [u32],
    by_collateral: Queue<'t>,
    generation: Vec<u32>,
    /// Accounts to look at next step whatever the prices do (`schedule.rs`' `look_again`).
    hot: Vec<usize>,
    /// Look at every open account every step (the reference the schedule is tested against).
    every_step: bool,
    // Scratch, reused every step.
    breached: Vec<(usize, Cause)>,
    marks: Vec<f64>,
    candidates: Vec<usize>,
}

#[derive(Default)]
struct Flows {
    sold_usd: f64,
    bought_usd: f64,
    by_cause_usd: [f64; 3],
    by_step_usd: Vec<f64>,
    deleveraged_usd: f64,
}

impl AccountsTable {
    /// Group `group`'s accounts at the start of a run of `system` (validated), generated from
    /// the seed's stream `stream`.
    pub(crate) fn build(group: &AccountGroup, system: &System, stream: u64) -> AccountsTable {
        let index = |id: &str| system.market_index(id).unwrap_or(0);
        let start_of = |market: usize| system.markets[market].market.price;
        let coin_market = match &group.collateral {
            Collateral::Coin { market, .. } => Some(index(market)),
            _ => None,
        };
        let start_price = coin_market.map_or(1.0, start_of);
        let mut accounts = Vec::new();
        let mut legs = Vec::new();
        match &group.accounts {
            Accounts::List(list) => {
                for spec in list {
                    let first = legs.len();
                    for leg in &spec.legs {
                        let market = index(&leg.market);
                        let entry = leg.entry.unwrap_or_else(|| start_of(market));
                        legs.push(Leg::new(market, leg.side, leg.notional_usd, entry));
                    }
                    accounts.push(Account {
                        units: spec.collateral_units,
                        legs: first..legs.len(),
                    });
                }
            }
            Accounts::Generate(population) => {
                let mut draws = Draws::new(system.seed, stream);
                let sizes: Vec<f64> = (0..population.count)
                    .map(|_| draws.size_factor(population.size_dispersion))
                    .collect();
                let total: f64 = sizes.iter().sum();
                let (low, high) = (
                    libm::log(population.leverage_min),
                    libm::log(population.leverage_max),
                );
                for size in sizes {
                    let share = size / total;
                    let leverage = libm::exp(low + (high - low) * draws.uniform());
                    let first = legs.len();
                    let mut notional_total = 0.0;
                    for mix in &population.legs {
                        let market = index(&mix.market);
                        let notional = mix.notional_usd * share;
                        notional_total += notional;
                        legs.push(Leg::new(market, mix.side, notional, start_of(market)));
                    }
                    accounts.push(Account {
                        units: notional_total / leverage / start_price,
                        legs: first..legs.len(),
                    });
                }
            }
        }
        let collateral_in = accounts
            .iter()
            .map(|account| money(account.units * start_price))
            .sum();
        let schedules: Vec<MarginSchedule> = system
            .markets
            .iter()
            .map(|market| MarginSchedule::new(&market.venue.maintenance_margin))
            .collect();
        let mut notional = vec![0.0; system.markets.len()];
        let mark_weight: Vec<f64> = accounts
            .iter()
            .map(|account| {
                notional.iter_mut().for_each(|usd| *usd = 0.0);
                for leg in &legs[account.legs.clone()] {
                    notional[leg.market] += leg.coins * start_of(leg.market);
                }
                notional
                    .iter()
                    .zip(&schedules)
                    .map(|(usd, schedule)| usd * (1.0 + schedule.max_rate()))
                    .fold(0.0, f64::max)
            })
            .collect();
        // One queue per set of markets the accounts' legs are in.
        let mut watch_markets: Vec<Vec<usize>> = Vec::new();
        let mut sets = std::collections::HashMap::new();
        let watch_of: Vec<u32> = accounts
            .iter()
            .map(|account| {
                let mut markets: Vec<usize> = legs[account.legs.clone()]
                    .iter()
                    .map(|leg| leg.market)
                    .collect();
                markets.sort_unstable();
                markets.dedup();
                *sets.entry(markets.clone()).or_insert_with(|| {
                    watch_markets.push(markets);
                    watch_markets.len() as u32 - 1
                })
            })
            .collect();
        let mut table = AccountsTable {
            accounts,
            legs,
            coin_market,
            start_price,
            collateral_in,
            mark_weight,
            watch_markets,
            watch_of,
            schedules,
            start_by_marks: Vec::new(),
            start_by_collateral: Vec::new(),
        };
        let starts: Vec<f64> = system.markets.iter().map(|m| m.market.price).collect();
        let at_start = Prices {
            collateral: (start_price, start_price),
            haircut: group.collateral.haircut(),
            marks: &starts,
            previous_marks: &starts,
        };
        let slack: Vec<f64> = table
            .accounts
            .iter()
            .map(|account| {
                let legs = &table.legs[account.legs.clone()];
                match at_start.look(account, legs, &table.schedules) {
                    Check::Slack(slack) => slack,
                    _ => 0.0,
                }
            })
            .collect();
        (table.start_by_marks, table.start_by_collateral) =
            schedule::start_queues(&slack, &table, &group.collateral);
        table
    }
}

impl<'t> AccountsRun<'t> {
    /// Group `group`'s accounts at the start of a run of `system`, as `table` (built for them)
    /// has them.
    pub(crate) fn new(group: &AccountGroup, system: &System, table: &'t AccountsTable) -> Self {
        let accounts = &table.accounts;
        let by_marks = table
            .watch_markets
            .iter()
            .zip(&table.start_by_marks)
            .map(|(markets, start)| MarkWatch {
                markets,
                queue: Queue::starting(start),
            })
            .collect();
        let count = accounts.len();
        let steps = system.run.steps as usize;
        AccountsRun {
            id: group.id.clone(),
            collateral: group.collateral.clone(),
            deficits: group.deficits,
            coin_market: table.coin_market,
            start_price: table.start_price,
            haircut: group.collateral.haircut(),
            accounts,
            legs: &table.legs,
            open: vec![true; count],
            schedules: &table.schedules,
            mark_weight: &table.mark_weight,
            step_s: system.run.step_s,
            liquidated_by_leg_loss: 0,
            liquidated_by_collateral: 0,
            deleveraged: 0,
            flows: (0..system.markets.len())
                .map(|_| Flows {
                    by_step_usd: Vec::with_capacity(steps),
                    ..Flows::default()
                })
                .collect(),
            collateral_price: Vec::with_capacity(steps),
            collateral_in: table.collateral_in,
            revaluation: Money::ZERO,
            returned: Money::ZERO,
            net_to_markets: Money::ZERO,
            covered_by_funds: Money::ZERO,
            bad_debt: Money::ZERO,
            previous_price: table.start_price,
            previous_marks: system.markets.iter().map(|m| m.market.price).collect(),
            start_marks: system.markets.iter().map(|m| m.market.price).collect(),
            generation: vec![0; count],
            hot: Vec::new(),
            by_marks,
            watch_of: &table.watch_of,
            by_collateral: Queue::starting(&table.start_by_collateral),
            every_step: false,
            breached: Vec::new(),
            marks: Vec::with_capacity(system.markets.len()),
            candidates: Vec::new(),
        }
    }

    /// Looks at every open account every step instead of when its slack could be used up: the
    /// plain way, the spec the schedule must equal bit for bit (engine/tests/system.rs).
    pub(crate) fn every_step(mut self) -> Self {
        self.every_step = true;
        self
    }

    /// The collateral's price per unit at the end of step `step`, with the markets' marks set.
    fn collateral_price_at(&self, step: u32, runs: &[MarketRun<'_>]) -> f64 {
        match &self.collateral {
            Collateral::Usd => 1.0,
            Collateral::Token {
                depeg_pct,
                start_s,
                duration_s,
                ..
            } => {
                let t = f64::from(step + 1) * self.step_s;
                let done = if t < *start_s {
                    0.0
                } else if *duration_s <= 0.0 {
                    1.0
                } else {
                    ((t - start_s) / duration_s).min(1.0)
                };
                (1.0 + depeg_pct / 100.0 * done).max(0.0)
            }
            Collateral::Coin { .. } => runs[self.coin_market.unwrap_or(0)].mark(),
        }
    }

    /// Step `step`, the markets' marks set: every open account whose margin equity is below its
    /// maintenance requirement is liquidated, unless one of its markets is halted: each leg by a
    /// market order in its market's book (one order per market and side for all of them), or,
    /// for an account under water its funds do not cover, its losing legs auto-deleveraged
    /// (`settle.rs`).
    pub(crate) fn step(&mut self, step: u32, runs: &mut [MarketRun<'_>]) {
        let price = self.collateral_price_at(step, runs);
        self.collateral_price.push(price);
        self.marks.clear();
        self.marks.extend(runs.iter().map(MarketRun::mark));
        self.breached.clear();
        // How far prices have wandered since the start (relative mark moves summed over
        // markets; the collateral's price moves): an account is looked at again only once they
        // could have used up the slack it had when last looked at (docs/model.md §15.5).
        for watch in &mut self.by_marks {
            let before = watch.queue.wandered;
            for &m in watch.markets {
                watch.queue.wandered +=
                    (self.marks[m] - self.previous_marks[m]).abs() / self.start_marks[m];
            }
            watch.queue.stepped = watch.queue.wandered - before;
        }
        self.by_collateral.stepped = (price - self.previous_price).abs();
        self.by_collateral.wandered += self.by_collateral.stepped;
        self.candidates.clear();
        if self.every_step {
            self.hot.clear();
            self.candidates.extend(0..self.accounts.len());
        } else {
            // The accounts so near their requirement that they would be due within a step like
            // this one, looked at without going through the queues.
            self.candidates.append(&mut self.hot);
            for watch in &mut self.by_marks {
                watch.queue.take_due(&self.generation, &mut self.candidates);
            }
            self.by_collateral
                .take_due(&self.generation, &mut self.candidates);
            // In the accounts' order, as a scan of all of them would find them.
            self.candidates.sort_unstable();
            self.candidates.dedup();
        }
        for c in 0..self.candidates.len() {
            let k = self.candidates[c];
            match self.check(k, price, runs) {
                Check::Closed => {}
                Check::Breached(cause) => self.breached.push((k, cause)),
                Check::Slack(slack) => self.look_again(k, slack),
            }
        }
        self.compact();
        self.previous_price = price;
        self.previous_marks.clone_from(&self.marks);
        for flows in &mut self.flows {
            flows.by_step_usd.push(0.0);
        }
        if self.breached.is_empty() {
            return;
        }
        self.liquidate_breached(price, runs);
    }

    /// Looks at account `k` at the marks set and the collateral's `price`: whether it breaches
    /// (and what tipped it), or the slack it has (0 while one of its markets is halted: looked at
    /// again next step).
    fn check(&self, k: usize, price: f64, runs: &[MarketRun<'_>]) -> Check {
        let account = &self.accounts[k];
        if !self.open[k] {
            return Check::Closed;
        }
        let legs = &self.legs[account.legs.clone()];
        if legs.iter().any(|leg| runs[leg.market].halted()) {
            return Check::Slack(0.0);
        }
        Prices {
            collateral: (price, self.previous_price),
            haircut: self.haircut,
            marks: &self.marks,
            previous_marks: &self.previous_marks,
        }
        .look(account, legs, self.schedules)
    }
}

/// The prices an account is looked at with, and those of the step before.
struct Prices<'p> {
    collateral: (f64, f64),
    haircut: f64,
    marks: &'p [f64],
    previous_marks: &'p [f64],
}

impl Prices<'_> {
    /// Whether `account` (open, its markets trading) breaches at these prices, and what tipped
    /// it: the part of its equity that fell most since the step before (the collateral's price,
    /// or one leg's mark); else its slack.
    fn look(&self, account: &Account, legs: &[Leg], schedules: &[MarginSchedule]) -> Check {
        let (price, previous_price) = self.collateral;
        let mut tipped = (account.units * (price - previous_price), Cause::Collateral);
        let mut equity = account.units * price * (1.0 - self.haircut);
        let mut maintenance = 0.0;
        for leg in legs {
            let mark = self.marks[leg.market];
            equity += leg.pnl(mark);
            let notional = leg.coins * mark;
            let (rate, deduction) = schedules[leg.market].tier_for(notional, mark);
            maintenance += notional * rate - deduction;
            let change = leg.pnl(mark) - leg.pnl(self.previous_marks[leg.market]);
            if change < tipped.0 {
                tipped = (change, Cause::Market(leg.market));
            }
        }
        if equity < maintenance {
            Check::Breached(tipped.1)
        } else {
            Check::Slack(equity - maintenance)
        }
    }
}
