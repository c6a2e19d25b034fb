//! A lending protocol (docs/model.md §15.7): borrowers deposit a coin and borrow dollars against
//! it. A loan whose health factor `coins * oracle * threshold / debt` falls below 1 is liquidated
//! as Aave v3 does: a liquidator repays `close_factor` of the debt (all of it at a health factor
//! at or below `full_close_below_health`) and seizes collateral worth the repaid amount plus a
//! bonus at the oracle price; when the loan holds less than that, the liquidator seizes all of it
//! and repays only what it covers, and the debt left with no collateral is written off (bad
//! debt). The seized coins are sold at once into a spot book (a market of the system, which
//! arbitrage can link to the perpetuals). The oracle is the median of some markets' marks,
//! `delay_steps` old. Debt and collateral are booked exactly.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ledger::report_decimal;
use crate::money::{fixed, money, Money};
use crate::positions::Draws;
use crate::solve::market_run::MarketRun;
use crate::system::run::median;
use crate::system::System;

/// A lending protocol's rules and borrowers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lending {
    /// A short name (e.g. "aave-wbtc").
    pub id: String,
    /// The market whose coin is deposited and whose book liquidators sell seized collateral into.
    pub sell_into: String,
    /// The markets whose marks make the oracle (median); default the `sell_into` market.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub oracle_markets: Vec<String>,
    /// Steps the oracle lags the markets.
    #[serde(default)]
    pub oracle_delay_steps: u32,
    /// The loan-to-value at which a loan can be liquidated (Aave: liquidation threshold).
    pub liquidation_threshold: f64,
    /// The share of a loan's debt one liquidation repays (Aave: 0.5).
    #[serde(default = "default_close_factor")]
    pub close_factor: f64,
    /// A health factor at or below which one liquidation may repay the whole debt (Aave v3:
    /// 0.95); none: `close_factor` at every health factor (Aave v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_close_below_health: Option<f64>,
    /// The liquidator's bonus on seized collateral, a fraction (0.05: 5% more than repaid).
    pub liquidation_bonus: f64,
    pub borrowers: Borrowers,
}

fn default_close_factor() -> f64 {
    0.5
}

/// The loans: an explicit list, or a generated population.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Borrowers {
    List(Vec<Loan>),
    Generate(BorrowerPopulation),
}

/// One loan: coins deposited, dollars owed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Loan {
    pub collateral_coins: f64,
    pub debt_usd: f64,
}

/// `count` loans holding `collateral_usd` in all (at the start price), each borrowed up to a
/// loan-to-value uniform in [ltv_min, ltv_max].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BorrowerPopulation {
    pub count: usize,
    pub collateral_usd: f64,
    pub ltv_min: f64,
    pub ltv_max: f64,
    /// Log-normal sigma of loan sizes (0: all equal).
    #[serde(default)]
    pub size_dispersion: f64,
}

/// What a lending protocol did in a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LendingReport {
    pub id: String,
    pub sell_into: String,
    pub loans: usize,
    /// Liquidations (a loan can be liquidated several times, `close_factor` each).
    pub liquidations: usize,
    /// Loans liquidated at least once.
    pub loans_liquidated: usize,
    pub repaid_usd: f64,
    pub seized_coins: f64,
    /// What liquidators got for the seized coins in the spot book, USD, and their profit
    /// (that less what they repaid).
    pub sold_usd: f64,
    pub liquidator_pnl_usd: f64,
    /// Debt written off when a liquidation took a loan's last collateral, plus the debt of open
    /// loans that their collateral no longer covers at the end (at the spot market's mark).
    pub bad_debt_usd: f64,
    /// The first of those: debt left with no collateral, written off.
    pub written_off_usd: f64,
    /// Each step's oracle price, and what liquidators sold in it (USD at the fill).
    pub oracle: Vec<f64>,
    pub sold_by_step_usd: Vec<f64>,
    pub ledger: LendingLedger,
}

/// Exact books: debt at the start equals debt repaid plus debt written off plus debt left, and
/// collateral coins at the start equal coins seized plus coins left (in the ledger's 8-place
/// units).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LendingLedger {
    #[serde(with = "rust_decimal::serde::str")]
    pub debt_start: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub repaid: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub written_off: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub debt_end: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub collateral_start_coins: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub seized_coins: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub collateral_end_coins: Decimal,
    pub balanced: bool,
}

/// One loan during a run, in exact units.
struct LoanRun {
    coins: Money,
    debt: Money,
    liquidated: bool,
}

/// A lending protocol during a run.
pub(crate) struct LendingRun {
    id: String,
    market: usize,
    oracle_markets: Vec<usize>,
    delay: usize,
    threshold: f64,
    close_factor: f64,
    full_close_below: Option<f64>,
    bonus: f64,
    loans: Vec<LoanRun>,
    /// Each step's undelayed oracle (median of the marks), the start first.
    marks_seen: Vec<f64>,
    coins_start: Money,
    debt_start: Money,
    repaid: Money,
    written_off: Money,
    seized: Money,
    liquidations: usize,
    sold_usd: f64,
    oracle: Vec<f64>,
    sold_by_step_usd: Vec<f64>,
    scratch: Vec<f64>,
    /// Open loans by the oracle price that liquidates them, highest first.
    exposed: std::collections::BinaryHeap<Exposed>,
    /// The loans looked at this step, to go back in the heap.
    again: Vec<usize>,
    /// Look at every loan every step (the reference the heap is tested against).
    every_step: bool,
}

/// A loan owing dollars and the oracle price under which it can be liquidated,
/// `debt / (coins * threshold)` (infinite with no coins left), ordered by that price.
#[derive(Clone, Copy, Debug)]
struct Exposed(f64, usize);

impl Exposed {
    /// Loan `k`'s entry, if it owes anything.
    fn of(loan: &LoanRun, threshold: f64, k: usize) -> Option<Exposed> {
        let (coins, debt) = (loan.coins.to_f64(), loan.debt.to_f64());
        if debt <= 0.0 {
            return None;
        }
        let price = if coins > 0.0 {
            debt / (coins * threshold)
        } else {
            f64::INFINITY
        };
        Some(Exposed(price, k))
    }
}

impl PartialEq for Exposed {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Exposed {}

impl PartialOrd for Exposed {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Exposed {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0).then(other.1.cmp(&self.1))
    }
}

impl LendingRun {
    pub(crate) fn new(lending: &Lending, system: &System, stream: u64) -> LendingRun {
        let index = |id: &str| system.market_index(id).unwrap_or(0);
        let market = index(&lending.sell_into);
        let start = system.markets[market].market.price;
        let loans: Vec<LoanRun> = match &lending.borrowers {
            Borrowers::List(list) => list
                .iter()
                .map(|loan| LoanRun {
                    coins: coins_money(loan.collateral_coins),
                    debt: money(loan.debt_usd),
                    liquidated: false,
                })
                .collect(),
            Borrowers::Generate(population) => {
                let mut draws = Draws::new(system.seed, stream);
                let sizes: Vec<f64> = (0..population.count)
                    .map(|_| draws.size_factor(population.size_dispersion))
                    .collect();
                let total: f64 = sizes.iter().sum();
                sizes
                    .iter()
                    .map(|size| {
                        let usd = population.collateral_usd * size / total;
                        let ltv = population.ltv_min
                            + (population.ltv_max - population.ltv_min) * draws.uniform();
                        LoanRun {
                            coins: coins_money(usd / start),
                            debt: money(usd * ltv),
                            liquidated: false,
                        }
                    })
                    .collect()
            }
        };
        let oracle_markets = if lending.oracle_markets.is_empty() {
            vec![market]
        } else {
            lending.oracle_markets.iter().map(|id| index(id)).collect()
        };
        let steps = system.run.steps as usize;
        let mut marks_seen = Vec::with_capacity(steps + 1);
        let mut scratch: Vec<f64> = oracle_markets
            .iter()
            .map(|&m| system.markets[m].market.price)
            .collect();
        marks_seen.push(median(&mut scratch));
        LendingRun {
            id: lending.id.clone(),
            market,
            oracle_markets,
            delay: lending.oracle_delay_steps as usize,
            threshold: lending.liquidation_threshold,
            close_factor: lending.close_factor,
            full_close_below: lending.full_close_below_health,
            bonus: lending.liquidation_bonus,
            coins_start: loans.iter().map(|loan| loan.coins).sum(),
            debt_start: loans.iter().map(|loan| loan.debt).sum(),
            exposed: loans
                .iter()
                .enumerate()
                .filter_map(|(k, loan)| Exposed::of(loan, lending.liquidation_threshold, k))
                .collect(),
            again: Vec::new(),
            every_step: false,
            loans,
            marks_seen,
            repaid: Money::ZERO,
            written_off: Money::ZERO,
            seized: Money::ZERO,
            liquidations: 0,
            sold_usd: 0.0,
            oracle: Vec::with_capacity(steps),
            sold_by_step_usd: Vec::with_capacity(steps),
            scratch,
        }
    }

    /// Step `step`, the markets' marks set: the oracle updates; every loan under water at the
    /// oracle is liquidated once (close factor, bonus), and the seized coins are sold in one
    /// market order into the spot market's book (unless it is halted: they wait).
    pub(crate) fn step(&mut self, runs: &mut [MarketRun<'_>]) {
        self.scratch.clear();
        self.scratch
            .extend(self.oracle_markets.iter().map(|&m| runs[m].mark()));
        self.marks_seen.push(median(&mut self.scratch));
        let seen = self.marks_seen.len() - 1;
        let oracle = self.marks_seen[seen.saturating_sub(self.delay)];
        self.oracle.push(oracle);
        if runs[self.market].halted() {
            self.sold_by_step_usd.push(0.0);
            return;
        }
        let mut seized_now = Money::ZERO;
        // Only the loans whose liquidating oracle price is (about) at or above the oracle are
        // looked at, the most exposed first; each is checked exactly as the rule says, and goes
        // back in the heap at its new price (one liquidation per loan per step).
        self.again.clear();
        if self.every_step {
            // Every loan that owes anything, the heap filled again below.
            self.exposed.clear();
            let owing = (0..self.loans.len()).filter(|&k| self.loans[k].debt.to_f64() > 0.0);
            self.again.extend(owing);
        } else {
            while let Some(&Exposed(trigger, k)) = self.exposed.peek() {
                if trigger < oracle * (1.0 - 1e-9) {
                    break;
                }
                self.exposed.pop();
                self.again.push(k);
            }
        }
        for &k in &self.again {
            let loan = &mut self.loans[k];
            let (coins, debt) = (loan.coins.to_f64(), loan.debt.to_f64());
            let covered = coins * oracle * self.threshold;
            if covered < debt {
                let whole = self
                    .full_close_below
                    .is_some_and(|health| covered <= health * debt);
                let factor = if whole { 1.0 } else { self.close_factor };
                let mut repay = money(debt * factor);
                let mut seize = coins_money(repay.to_f64() * (1.0 + self.bonus) / oracle);
                if seize >= loan.coins {
                    // Less collateral than the repayment buys with its bonus: all of it is
                    // seized, and only what it pays for (less the bonus) is repaid.
                    seize = loan.coins;
                    repay = money(coins * oracle / (1.0 + self.bonus)).min(loan.debt);
                }
                loan.debt -= repay;
                loan.coins -= seize;
                if loan.coins == Money::ZERO && loan.debt > Money::ZERO {
                    // No collateral left: the debt is written off (Aave v3.3's deficit).
                    self.written_off += loan.debt;
                    loan.debt = Money::ZERO;
                }
                loan.liquidated = true;
                self.repaid += repay;
                self.seized += seize;
                seized_now += seize;
                self.liquidations += 1;
            }
        }
        for &k in &self.again {
            if let Some(exposed) = Exposed::of(&self.loans[k], self.threshold, k) {
                self.exposed.push(exposed);
            }
        }
        let coins = seized_now.to_f64();
        let usd = if coins > 0.0 {
            coins * runs[self.market].book_mut().trade(coins)
        } else {
            0.0
        };
        self.sold_usd += usd;
        self.sold_by_step_usd.push(usd);
    }

    /// Looks at every loan every step instead of those the heap says are exposed: the plain way,
    /// the spec the heap must equal bit for bit (engine/tests/system.rs).
    pub(crate) fn every_step(mut self) -> LendingRun {
        self.every_step = true;
        self
    }

    pub(crate) fn report(self, ids: &[String], final_marks: &[f64]) -> LendingReport {
        let end = final_marks[self.market];
        let written_off_usd = self.written_off.to_f64();
        let uncovered: f64 = self
            .loans
            .iter()
            .map(|loan| (loan.debt.to_f64() - loan.coins.to_f64() * end).max(0.0))
            .sum();
        let debt_end: Money = self.loans.iter().map(|loan| loan.debt).sum();
        let coins_end: Money = self.loans.iter().map(|loan| loan.coins).sum();
        let balanced = self.debt_start == self.repaid + self.written_off + debt_end
            && self.coins_start == self.seized + coins_end;
        LendingReport {
            id: self.id,
            sell_into: ids[self.market].clone(),
            loans: self.loans.len(),
            liquidations: self.liquidations,
            loans_liquidated: self.loans.iter().filter(|loan| loan.liquidated).count(),
            repaid_usd: self.repaid.to_f64(),
            seized_coins: self.seized.to_f64(),
            sold_usd: self.sold_usd,
            liquidator_pnl_usd: self.sold_usd - self.repaid.to_f64(),
            bad_debt_usd: written_off_usd + uncovered,
            written_off_usd,
            oracle: self.oracle,
            sold_by_step_usd: self.sold_by_step_usd,
            ledger: LendingLedger {
                debt_start: report_decimal(self.debt_start),
                repaid: report_decimal(self.repaid),
                written_off: report_decimal(self.written_off),
                debt_end: report_decimal(debt_end),
                collateral_start_coins: report_decimal(self.coins_start),
                seized_coins: report_decimal(self.seized),
                collateral_end_coins: report_decimal(coins_end),
                balanced,
            },
        }
    }
}

/// Coins held in the ledger's 8-place units (a `Money` of coins).
fn coins_money(coins: f64) -> Money {
    Money::from_units(fixed(coins))
}
