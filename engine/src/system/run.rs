//! A system of markets stepped in lockstep (docs/model.md §15): each step, every market's book
//! moves (refill, shock, withdrawal, traders, agents), then the links act (arbitrageurs trade the
//! gaps), then every market's mark is set (its own last price, or the index of its linked
//! venues) and its crossed positions are liquidated. A market with no live link runs exactly as
//! the version 1 timeline runs it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use std::borrow::Borrow;

use crate::error::ScenarioError;
use crate::ledger::LedgerReport;
use crate::outcome::{MoneyUnit, Outcome};
use crate::positions::PositionTable;
use crate::scenario::Scenario;
use crate::solve::market_run::MarketRun;
use crate::system::accounts::{AccountsReport, AccountsRun, AccountsTable};
use crate::system::arbitrage::{Arbitrage, ArbitrageReport};
use crate::system::lending::{LendingReport, LendingRun};
use crate::system::{Link, System};
use crate::venue::{LiquidationEngine, Path};

/// What a run of a system produces.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SystemOutcome {
    /// Each market's outcome, in the system's order.
    pub markets: Vec<MarketOutcome>,
    /// Each link's arbitrageurs, in the system's order of links.
    pub arbitrage: Vec<ArbitrageReport>,
    /// Each group of cross-margin accounts, in the system's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<AccountsReport>,
    /// Each lending protocol, in the system's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lending: Vec<LendingReport>,
    /// The markets' ledgers summed, when they keep money in one unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<LedgerReport>,
}

/// One market's outcome in a system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MarketOutcome {
    pub id: String,
    pub asset: String,
    pub outcome: Outcome,
}

/// Validates the system, builds every market's population and runs it.
pub fn simulate_system(system: &System) -> Result<SystemOutcome, ScenarioError> {
    system.validate()?;
    let scenarios = system.market_scenarios();
    let tables: Vec<PositionTable> = scenarios.iter().map(PositionTable::build).collect();
    Ok(run_system(system, &scenarios, &tables))
}

/// Runs a validated system whose markets are `scenarios` (from [`System::market_scenarios`])
/// on the populations `tables` (owned or borrowed: a page keeps each market's population in its
/// own cache).
pub fn run_system<T: Borrow<PositionTable>>(
    system: &System,
    scenarios: &[Scenario],
    tables: &[T],
) -> SystemOutcome {
    run_system_with(system, scenarios, tables, Path::Fast)
}

/// Every group of a validated system's cross-margin accounts as runs start with them, for
/// [`run_system_prepared`] (a page keeps them while only the shock or the links change).
pub fn prepare_accounts(system: &System) -> Vec<AccountsTable> {
    // Each group of accounts draws from its own stream of the seed (the markets' populations
    // use streams below 1000).
    system
        .accounts
        .iter()
        .enumerate()
        .map(|(g, group)| AccountsTable::build(group, system, 1000 + g as u64))
        .collect()
}

/// [`run_system`] with the accounts already built (`accounts`, from [`prepare_accounts`] on a
/// system with the same accounts, seed and markets' start prices and margins).
pub fn run_system_prepared<T: Borrow<PositionTable>>(
    system: &System,
    scenarios: &[Scenario],
    tables: &[T],
    accounts: &[AccountsTable],
) -> SystemOutcome {
    run_prepared(system, scenarios, tables, accounts, Path::Fast)
}

/// [`run_system`] the given way: with [`Path::Reference`], every cross-margin account and every
/// loan is looked at every step (the spec the schedules of the fast way must equal bit for bit);
/// the markets' own engines run their fast way either way (their reference is version 1's).
pub fn run_system_with<T: Borrow<PositionTable>>(
    system: &System,
    scenarios: &[Scenario],
    tables: &[T],
    path: Path,
) -> SystemOutcome {
    run_prepared(system, scenarios, tables, &prepare_accounts(system), path)
}

fn run_prepared<T: Borrow<PositionTable>>(
    system: &System,
    scenarios: &[Scenario],
    tables: &[T],
    prepared: &[AccountsTable],
    path: Path,
) -> SystemOutcome {
    assert_eq!(
        prepared.len(),
        system.accounts.len(),
        "accounts prepared for another system"
    );
    let mut runs: Vec<MarketRun<'_>> = scenarios
        .iter()
        .zip(tables)
        .map(|(scenario, table)| {
            let table = table.borrow();
            MarketRun::new(
                scenario,
                table,
                LiquidationEngine::new(table, &scenario.venue),
            )
        })
        .collect();
    let steps = system.run.steps as usize;
    let mut arbitrage: Vec<Option<Arbitrage>> = system
        .links
        .iter()
        .map(|link| match link {
            Link::Arbitrage(rules) if !rules.cut => {
                let ends = link.ends().map(|id| system.market_index(id).unwrap_or(0));
                Some(Arbitrage::new(rules, ends, steps))
            }
            Link::Arbitrage(_) => None,
        })
        .collect();
    let mut accounts: Vec<AccountsRun> = system
        .accounts
        .iter()
        .zip(prepared)
        .map(|(group, table)| {
            let run = AccountsRun::new(group, system, table);
            match path {
                Path::Fast => run,
                Path::Reference => run.every_step(),
            }
        })
        .collect();
    let mut lending: Vec<LendingRun> = system
        .lending
        .iter()
        .enumerate()
        .map(|(p, rules)| {
            let run = LendingRun::new(rules, system, 2000 + p as u64);
            match path {
                Path::Fast => run,
                Path::Reference => run.every_step(),
            }
        })
        .collect();
    let groups = index_groups(system);
    let mut lasts = vec![0.0; runs.len()];
    let mut members = Vec::with_capacity(runs.len());
    for step in 0..system.run.steps {
        for run in &mut runs {
            run.move_book(step);
        }
        for link in arbitrage.iter_mut().flatten() {
            link.step(&mut runs);
        }
        for (last, run) in lasts.iter_mut().zip(&runs) {
            *last = run.book().last();
        }
        for (i, run) in runs.iter_mut().enumerate() {
            let index = groups[i].map(|group| {
                members.clear();
                members.extend(
                    groups
                        .iter()
                        .zip(&lasts)
                        .filter(|(other, _)| **other == Some(group))
                        .map(|(_, last)| *last),
                );
                median(&mut members)
            });
            run.set_mark(index);
        }
        for group in &mut accounts {
            group.step(step, &mut runs);
        }
        for protocol in &mut lending {
            protocol.step(&mut runs);
        }
        for run in &mut runs {
            run.liquidate_and_record(step);
        }
    }
    let outcomes: Vec<Outcome> = runs.into_iter().map(MarketRun::finish).collect();
    let arbitrage = system
        .links
        .iter()
        .zip(arbitrage)
        .map(|(link, live)| {
            let ids = link.ends().map(str::to_string);
            match live {
                Some(live) => {
                    let marks = live.ends.map(|i| outcomes[i].summary.final_mark);
                    live.report(ids, marks)
                }
                None => ArbitrageReport::cut(ids),
            }
        })
        .collect();
    let ids: Vec<String> = system.markets.iter().map(|m| m.id.clone()).collect();
    let final_marks: Vec<f64> = outcomes.iter().map(|o| o.summary.final_mark).collect();
    let accounts = accounts
        .into_iter()
        .map(|group| group.report(&ids, &final_marks))
        .collect();
    let lending = lending
        .into_iter()
        .map(|protocol| protocol.report(&ids, &final_marks))
        .collect();
    let total = total_ledger(&outcomes);
    SystemOutcome {
        markets: system
            .markets
            .iter()
            .zip(outcomes)
            .map(|(spec, outcome)| MarketOutcome {
                id: spec.id.clone(),
                asset: spec.asset.clone(),
                outcome,
            })
            .collect(),
        arbitrage,
        accounts,
        lending,
        total,
    }
}

/// Each market's index group: markets joined (directly or through others) by live arbitrage
/// links with index marks share one; a market in none marks to its own last price.
fn index_groups(system: &System) -> Vec<Option<usize>> {
    let count = system.markets.len();
    let mut parent: Vec<usize> = (0..count).collect();
    let mut linked = vec![false; count];
    fn root(parent: &[usize], mut i: usize) -> usize {
        while parent[i] != i {
            i = parent[i];
        }
        i
    }
    for link in &system.links {
        let Link::Arbitrage(rules) = link;
        if rules.cut || !rules.index_marks {
            continue;
        }
        let [a, b] = link.ends().map(|id| system.market_index(id).unwrap_or(0));
        let (ra, rb) = (root(&parent, a), root(&parent, b));
        parent[ra.max(rb)] = ra.min(rb);
        linked[a] = true;
        linked[b] = true;
    }
    (0..count)
        .map(|i| linked[i].then(|| root(&parent, i)))
        .collect()
}

/// The median of `values` (the mean of the two middle ones for an even count).
pub(crate) fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        0.5 * (values[n / 2 - 1] + values[n / 2])
    }
}

/// The markets' ledgers summed, exact, when every market keeps money in the same unit; balanced
/// when every market's identity holds and the sums' does.
fn total_ledger(outcomes: &[Outcome]) -> Option<LedgerReport> {
    let unit: MoneyUnit = outcomes.first()?.summary.money_unit;
    if outcomes.iter().any(|o| o.summary.money_unit != unit) {
        return None;
    }
    let sum = |field: fn(&LedgerReport) -> Decimal| -> Option<Decimal> {
        outcomes.iter().try_fold(Decimal::ZERO, |total, o| {
            total.checked_add(field(&o.ledger))
        })
    };
    let ledger = LedgerReport {
        collateral_in: sum(|l| l.collateral_in)?,
        top_ups: sum(|l| l.top_ups)?,
        insurance_fund_start: sum(|l| l.insurance_fund_start)?,
        open_equity_end: sum(|l| l.open_equity_end)?,
        returned_to_traders: sum(|l| l.returned_to_traders)?,
        insurance_fund_end: sum(|l| l.insurance_fund_end)?,
        net_to_market: sum(|l| l.net_to_market)?,
        fees: sum(|l| l.fees)?,
        adl_notional: sum(|l| l.adl_notional)?,
        bad_debt: sum(|l| l.bad_debt)?,
        funding: sum(|l| l.funding)?,
        imbalance: sum(|l| l.imbalance)?,
        balanced: false,
    };
    let add = |terms: &[Decimal]| {
        terms
            .iter()
            .try_fold(Decimal::ZERO, |total, term| total.checked_add(*term))
    };
    let left = add(&[
        ledger.collateral_in,
        ledger.top_ups,
        ledger.insurance_fund_start,
    ]);
    let right = add(&[
        ledger.open_equity_end,
        ledger.returned_to_traders,
        ledger.insurance_fund_end,
        ledger.net_to_market,
    ]);
    let balanced = outcomes.iter().all(|o| o.ledger.balanced) && left.is_some() && left == right;
    Some(LedgerReport { balanced, ..ledger })
}
