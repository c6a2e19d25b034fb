//! Contagion: where each market's forced selling came from (docs/model.md §15.4). Counterfactual
//! runs of the same system: as set, with every link cut (each market alone), and with each live
//! link cut in turn. A market's liquidations alone are its own; what the links add (or take
//! away: arbitrage also carries a market's selling off to the others) is the difference, and
//! each link's share is what cutting that link alone removes. Cross-margin accounts' forced
//! trades are attributed directly, by what tipped each liquidated account.

use serde::{Deserialize, Serialize};

use crate::budget;
use crate::error::{Problem, Rule, ScenarioError, Work};
use crate::outcome::Summary;
use crate::positions::PositionTable;
use crate::scenario::Scenario;
use crate::system::{prepare_accounts, run_system_prepared, AccountsTable, System, SystemOutcome};

/// The attribution table of a system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contagion {
    /// Each live link's name ("arbitrage binance-btc / bybit-btc"), in the system's order.
    pub links: Vec<String>,
    /// One row per market.
    pub markets: Vec<ContagionRow>,
    /// Runs of the system this took.
    pub runs: usize,
}

/// One market's figures alone and linked, and what each link did to it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContagionRow {
    pub id: String,
    pub alone: Figures,
    pub linked: Figures,
    /// Liquidated notional (USD, both sides) the links added: linked minus alone. Negative when
    /// the links carried more of this market's selling away than they brought in.
    pub from_links_usd: f64,
    /// What each live link adds to this market's liquidations: the system as set minus the
    /// system with only that link cut (in [`Contagion::links`] order).
    pub by_link_usd: Vec<f64>,
    /// USD of coins arbitrageurs sold into this market's book (selling that started in another
    /// market), and bought from it (this market's selling carried elsewhere).
    pub arbitrage_sold_usd: f64,
    pub arbitrage_bought_usd: f64,
    /// Cross-margin accounts' forced trades in this market (as set), USD, by what tipped each
    /// account: a loss in this market, a loss in another, or its collateral's fall.
    pub accounts_from_this_market_usd: f64,
    pub accounts_from_other_markets_usd: f64,
    pub accounts_from_collateral_usd: f64,
    /// What lending protocols' liquidators sold into this market's book (as set), USD.
    pub lending_sold_usd: f64,
}

/// A market's headline figures in one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Deepest fall from the start, percent.
    pub trough_pct: f64,
    /// Highest rise from the start, percent (a squeeze's move).
    pub peak_pct: f64,
    /// Liquidated notional, USD at the fills, longs and shorts.
    pub liquidated_usd: f64,
    pub adl_usd: f64,
    pub bad_debt_usd: f64,
}

impl Figures {
    fn of(summary: &Summary) -> Figures {
        Figures {
            trough_pct: summary.max_drawdown_pct,
            peak_pct: summary.max_rise_pct,
            liquidated_usd: summary.liquidated_notional_usd_long
                + summary.liquidated_notional_usd_short,
            adl_usd: summary.adl_notional_usd,
            bad_debt_usd: summary.bad_debt_usd,
        }
    }

    /// The market's largest move from the start ([`largest_move_pct`]).
    pub fn largest_move_pct(&self) -> f64 {
        largest_move_pct(self.trough_pct, self.peak_pct)
    }
}

/// A market's largest move from the start, signed, percent, given its deepest fall and highest
/// rise (both positive): the rise when it went further up than down (a squeeze), else the fall
/// (negative).
pub fn largest_move_pct(trough_pct: f64, peak_pct: f64) -> f64 {
    if peak_pct > trough_pct {
        peak_pct
    } else {
        -trough_pct
    }
}

/// The attribution table of `system` (validated here, with its budget: one run per live link
/// plus two).
pub fn contagion(system: &System) -> Result<Contagion, ScenarioError> {
    system.validate()?;
    let live: Vec<usize> = (0..system.links.len())
        .filter(|&k| !system.links[k].is_cut())
        .collect();
    let runs = live.len() + 2;
    let seconds = system.budget_seconds();
    budget::Estimate {
        seconds: seconds * runs as f64,
        reduce: vec!["links".into(), "markets".into(), "run.steps".into()],
    }
    .check(Work::Counterfactual, budget::RUN_BUDGET_S)?;
    // The populations do not depend on the links: built once for every run.
    let scenarios = system.market_scenarios();
    let tables: Vec<PositionTable> = scenarios.iter().map(PositionTable::build).collect();
    Ok(contagion_on(system, &scenarios, &tables))
}

/// [`contagion`] of a validated system (within its budget) on populations already built for its
/// markets' `scenarios` (a page's cached ones).
pub fn contagion_on<T: std::borrow::Borrow<PositionTable>>(
    system: &System,
    scenarios: &[Scenario],
    tables: &[T],
) -> Contagion {
    // Cutting links changes no account: they are built once for every run.
    contagion_prepared(system, scenarios, tables, &prepare_accounts(system))
}

/// [`contagion_on`] with the system's cross-margin accounts already built (from
/// [`prepare_accounts`]: the page keeps them).
pub fn contagion_prepared<T: std::borrow::Borrow<PositionTable>>(
    system: &System,
    scenarios: &[Scenario],
    tables: &[T],
    accounts: &[AccountsTable],
) -> Contagion {
    let live: Vec<usize> = (0..system.links.len())
        .filter(|&k| !system.links[k].is_cut())
        .collect();
    // Every run of the table starts from the same populations.
    for table in tables {
        table.borrow().prepare_reruns();
    }
    let run = |system: &System| run_system_prepared(system, scenarios, tables, accounts);
    let linked = run(system);
    let alone = run(&system.all_cut());
    let without: Vec<SystemOutcome> = live
        .iter()
        .map(|&k| {
            let mut cut = system.clone();
            cut.links[k].set_cut(true);
            run(&cut)
        })
        .collect();
    let liquidated = |outcome: &SystemOutcome, i: usize| {
        Figures::of(&outcome.markets[i].outcome.summary).liquidated_usd
    };
    let markets = system
        .markets
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let (alone_figures, linked_figures) = (
                Figures::of(&alone.markets[i].outcome.summary),
                Figures::of(&linked.markets[i].outcome.summary),
            );
            let (mut sold, mut bought) = (0.0, 0.0);
            for report in &linked.arbitrage {
                for end in 0..2 {
                    if report.markets[end] == spec.id {
                        sold += report.sold_usd[end];
                        bought += report.bought_usd[end];
                    }
                }
            }
            let mut from_accounts = [0.0; 3];
            for group in &linked.accounts {
                let flows = &group.markets[i];
                from_accounts[0] += flows.from_this_market_usd;
                from_accounts[1] += flows.from_other_markets_usd;
                from_accounts[2] += flows.from_collateral_usd;
            }
            ContagionRow {
                id: spec.id.clone(),
                from_links_usd: linked_figures.liquidated_usd - alone_figures.liquidated_usd,
                by_link_usd: without
                    .iter()
                    .map(|cut| liquidated(&linked, i) - liquidated(cut, i))
                    .collect(),
                alone: alone_figures,
                linked: linked_figures,
                arbitrage_sold_usd: sold,
                arbitrage_bought_usd: bought,
                accounts_from_this_market_usd: from_accounts[0],
                accounts_from_other_markets_usd: from_accounts[1],
                accounts_from_collateral_usd: from_accounts[2],
                lending_sold_usd: linked
                    .lending
                    .iter()
                    .filter(|protocol| protocol.sell_into == spec.id)
                    .map(|protocol| protocol.sold_usd)
                    // From zero: an empty `sum` of floats is -0.0, which the table printed.
                    .fold(0.0, |total, sold| total + sold),
            }
        })
        .collect();
    Contagion {
        links: live
            .iter()
            .map(|&k| {
                let [a, b] = system.links[k].ends();
                format!("arbitrage {a} / {b}")
            })
            .collect(),
        markets,
        runs: live.len() + 2,
    }
}

/// Each market's trough, peak and liquidations against the size of a system's common shock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SystemSweep {
    /// Signed moves of the common shock, percent (each market takes it times its beta).
    pub shocks_pct: Vec<f64>,
    pub markets: Vec<SweepLine>,
}

/// One market's figures at each shock of a [`SystemSweep`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepLine {
    pub id: String,
    pub trough_pct: Vec<f64>,
    pub peak_pct: Vec<f64>,
    pub liquidated_usd: Vec<f64>,
}

/// Refuses the sweep's shocks that some market's `shock_beta` takes out of a shock's range
/// (`-50` with a beta of 2 is a -100% shock, which the page and `simulate` refuse and a sweep
/// reported as the price floor): at each such shock's path, what the market's shock breaks and
/// where (the first few of them).
fn shocks_every_market_takes(system: &System, shocks_pct: &[f64]) -> Result<(), ScenarioError> {
    let problems: Vec<Problem> = shocks_pct
        .iter()
        .enumerate()
        .filter_map(|(i, &pct)| {
            let error = system.with_shock_pct(pct).validate().err()?;
            Some(error.problems.into_iter().map(move |problem| Problem {
                path: format!("sweep.shocks_pct[{i}]"),
                rule: Rule::InGridValue {
                    rule: Box::new(problem.rule),
                    value_path: problem.path,
                },
            }))
        })
        .take(5)
        .flatten()
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ScenarioError { problems })
    }
}

/// Runs `system` at each of `shocks_pct` (its common shock resized, kind kept): a full run per
/// shock (links, accounts and lending included), the populations built once. Checks the shocks
/// and the work (one system run per shock) first.
pub fn sweep_system(system: &System, shocks_pct: &[f64]) -> Result<SystemSweep, ScenarioError> {
    system.validate()?;
    crate::analysis::sweep::validate_shocks(shocks_pct)?;
    let seconds = system.budget_seconds();
    budget::Estimate {
        seconds: seconds * shocks_pct.len() as f64,
        reduce: vec!["shocks".into(), "markets".into(), "run.steps".into()],
    }
    .check(Work::Sweep, budget::ANALYSIS_BUDGET_S)?;
    // After the budget: each shock checked is a copy of the system (its position lists too).
    shocks_every_market_takes(system, shocks_pct)?;
    let mut markets: Vec<SweepLine> = system
        .markets
        .iter()
        .map(|market| SweepLine {
            id: market.id.clone(),
            trough_pct: Vec::with_capacity(shocks_pct.len()),
            peak_pct: Vec::with_capacity(shocks_pct.len()),
            liquidated_usd: Vec::with_capacity(shocks_pct.len()),
        })
        .collect();
    // The shock changes no population and no account: built once, with the first shock's scenarios.
    let first = system.with_shock_pct(shocks_pct[0]);
    let tables: Vec<PositionTable> = first
        .market_scenarios()
        .iter()
        .map(PositionTable::build)
        .collect();
    for table in &tables {
        table.prepare_reruns();
    }
    let accounts = prepare_accounts(system);
    for &pct in shocks_pct {
        let sized = system.with_shock_pct(pct);
        let scenarios = sized.market_scenarios();
        let outcome = run_system_prepared(&sized, &scenarios, &tables, &accounts);
        for (line, market) in markets.iter_mut().zip(&outcome.markets) {
            let figures = Figures::of(&market.outcome.summary);
            line.trough_pct.push(figures.trough_pct);
            line.peak_pct.push(figures.peak_pct);
            line.liquidated_usd.push(figures.liquidated_usd);
        }
    }
    Ok(SystemSweep {
        shocks_pct: shocks_pct.to_vec(),
        markets,
    })
}
