//! The scenario format, version 2: a system of markets. Each market is an asset traded on a venue
//! (its book, mark rule, venue rules and population, exactly as a version 1 scenario has them);
//! one exogenous shock hits every market scaled by its beta; links join markets (arbitrage
//! between venues of one asset, with index marks). A version 1 scenario is read as a system of
//! one market, and runs as it always did, bit for bit.
//!
//! The format is documented for users in `docs/scenario.md` §15; the model in `docs/model.md`
//! §15. The run is `run.rs`, the arbitrageurs `arbitrage.rs`.

mod accounts;
mod arbitrage;
mod lending;
mod run;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Items, Rule, ScenarioError, Work};
use crate::scenario::validate::Checker;
use crate::scenario::{
    parse_with_paths, Agents, BuildUp, Contract, Market, Positions, Run, Scenario, Shock,
    ShockKind, Traders, Venue,
};

pub use accounts::{
    AccountFlows, AccountGroup, AccountPopulation, AccountSpec, Accounts, AccountsLedger,
    AccountsReport, Collateral, LegMix, LegSpec,
};
pub use arbitrage::ArbitrageReport;
pub use lending::{BorrowerPopulation, Borrowers, Lending, LendingLedger, LendingReport, Loan};
pub use run::{run_system, run_system_with, simulate_system, MarketOutcome, SystemOutcome};

/// The format version of a system of markets.
pub const SYSTEM_VERSION: u32 = 2;
/// Most markets in one system.
pub const MAX_MARKETS: usize = 8;
/// Most links in one system.
pub const MAX_LINKS: usize = 16;
/// Most cross-margin accounts in one system, over all groups.
pub const MAX_ACCOUNTS: usize = 200_000;
/// Most legs of one account (or of a generated group's mix).
pub const MAX_LEGS: usize = 16;
/// Cost of one account leg's margin check per step on the reference machine, nanoseconds
/// (src/budget.rs's way of estimating work).
const LEG_STEP_NS: f64 = 20.0;

/// A system of markets: the markets, what links them, one shock and one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// Format version; must be 2 (a version 1 scenario is read with [`System::from_json`] too).
    pub version: u32,
    /// Seed of every random draw; every market's population is generated with it.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// The markets, one to eight.
    pub markets: Vec<MarketSpec>,
    /// What joins the markets; none: each market flushes alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Cross-margin accounts with legs in several markets; none: every position is one
    /// market's isolated position.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<AccountGroup>,
    /// Lending protocols whose liquidators sell seized collateral into a market's book.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lending: Vec<Lending>,
    /// The common shock; each market takes it times its `shock_beta`.
    pub shock: Shock,
    #[serde(default)]
    pub run: Run,
}

fn default_seed() -> u64 {
    1
}

fn default_beta() -> f64 {
    1.0
}

/// One market of a system: a version 1 scenario's market, positions, venue, traders, agents and
/// build-up, with a name, its asset and its share of the common shock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketSpec {
    /// A short name links refer to (e.g. "binance-btc").
    pub id: String,
    /// The asset traded (e.g. "BTC"): arbitrage joins only markets of one asset.
    pub asset: String,
    /// How much of the common shock this market takes: its move (instant, ramp) or its market
    /// order (sell) times this. 0: the shock reaches it only through links.
    #[serde(default = "default_beta")]
    pub shock_beta: f64,
    pub market: Market,
    pub positions: Positions,
    #[serde(default)]
    pub venue: Venue,
    #[serde(default)]
    pub traders: Traders,
    #[serde(default)]
    pub agents: Agents,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_up: Option<BuildUp>,
}

/// What joins two markets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Link {
    Arbitrage(ArbitrageLink),
}

impl Link {
    /// Whether the link is cut (it then acts as if absent).
    pub fn is_cut(&self) -> bool {
        match self {
            Link::Arbitrage(link) => link.cut,
        }
    }

    /// Cuts or restores the link.
    pub fn set_cut(&mut self, cut: bool) {
        match self {
            Link::Arbitrage(link) => link.cut = cut,
        }
    }

    /// The ids of the two markets it joins.
    pub fn ends(&self) -> [&str; 2] {
        match self {
            Link::Arbitrage(link) => [&link.markets[0], &link.markets[1]],
        }
    }
}

/// Arbitrageurs between two venues of one asset: when one book's last price is more than
/// `threshold_pct` above the other's, they buy in the cheap book and sell in the dear one until
/// the gap is back at the threshold, within their capital per step, `latency_steps` after they
/// see it. With `index_marks`, both venues mark their positions to the index of the two prices
/// plus their own smoothed basis (docs/model.md §15.2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArbitrageLink {
    /// The two markets' ids.
    pub markets: [String; 2],
    /// The gap (percent of the cheaper price) below which trading does not pay: both venues'
    /// taker fees and the spread. Default 0.1.
    #[serde(default = "default_threshold")]
    pub threshold_pct: f64,
    /// USD the arbitrageurs can put to work per step (notional bought in the cheap book);
    /// `null`: as much as closing the gap takes.
    #[serde(default)]
    pub capital_usd_per_step: Option<f64>,
    /// Steps between a gap opening and the arbitrageurs trading on it.
    #[serde(default)]
    pub latency_steps: u32,
    /// Whether the two venues' marks follow their common index (default true).
    #[serde(default = "default_true")]
    pub index_marks: bool,
    /// A cut link does nothing: no arbitrage, no shared index.
    #[serde(default)]
    pub cut: bool,
}

fn default_threshold() -> f64 {
    0.1
}

fn default_true() -> bool {
    true
}

/// Only the version field, read first to tell the two formats apart.
#[derive(Deserialize)]
struct Versioned {
    version: u32,
}

impl System {
    /// Reads a scenario of either version: version 1 becomes a system of one market (which runs
    /// exactly as the version 1 scenario does), version 2 is read and validated as it is.
    pub fn from_json(text: &str) -> Result<System, ScenarioError> {
        let versioned: Versioned = parse_with_paths(text)?;
        match versioned.version {
            crate::scenario::FORMAT_VERSION => Ok(System::of_scenario(Scenario::from_json(text)?)),
            _ => {
                let system: System = parse_with_paths(text)?;
                system.validate()?;
                Ok(system)
            }
        }
    }

    /// A version 1 scenario as a system of one market, with no link.
    pub fn of_scenario(scenario: Scenario) -> System {
        let Scenario {
            seed,
            market,
            positions,
            venue,
            traders,
            agents,
            build_up,
            shock,
            run,
            ..
        } = scenario;
        System {
            version: SYSTEM_VERSION,
            seed,
            markets: vec![MarketSpec {
                id: "market".into(),
                asset: "asset".into(),
                shock_beta: 1.0,
                market,
                positions,
                venue,
                traders,
                agents,
                build_up,
            }],
            links: Vec::new(),
            accounts: Vec::new(),
            lending: Vec::new(),
            shock,
            run,
        }
    }

    /// The JSON Schema of the format.
    pub fn json_schema() -> String {
        serde_json::to_string_pretty(&schemars::schema_for!(System)).unwrap_or_default()
    }

    /// The system as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Market `i` as a version 1 scenario: its own fields, the system's seed and run, and the
    /// common shock times its beta. With every link cut, running this is running the market.
    pub fn market_scenario(&self, i: usize) -> Scenario {
        let spec = &self.markets[i];
        let mut shock = self.shock.clone();
        if spec.shock_beta != 1.0 {
            match shock.kind {
                ShockKind::Instant | ShockKind::Ramp => shock.pct *= spec.shock_beta,
                ShockKind::Sell => shock.notional_usd *= spec.shock_beta,
            }
        }
        Scenario {
            version: crate::scenario::FORMAT_VERSION,
            seed: self.seed,
            market: spec.market.clone(),
            positions: spec.positions.clone(),
            venue: spec.venue.clone(),
            traders: spec.traders.clone(),
            agents: spec.agents.clone(),
            build_up: spec.build_up.clone(),
            shock,
            run: self.run.clone(),
        }
    }

    /// Every market as a version 1 scenario.
    pub fn market_scenarios(&self) -> Vec<Scenario> {
        (0..self.markets.len())
            .map(|i| self.market_scenario(i))
            .collect()
    }

    /// The index of the market called `id`.
    pub fn market_index(&self, id: &str) -> Option<usize> {
        self.markets.iter().position(|market| market.id == id)
    }

    /// The same system with its common shock resized to a move of `pct` percent (kind and
    /// duration kept; a market order is sized on the first market the shock hits).
    pub fn with_shock_pct(&self, pct: f64) -> System {
        let mut system = self.clone();
        let hit = self
            .markets
            .iter()
            .find(|market| market.shock_beta != 0.0)
            .unwrap_or(&self.markets[0]);
        system.shock.resize(&hit.market, pct);
        system
    }

    /// The same system with every link cut.
    pub fn all_cut(&self) -> System {
        let mut system = self.clone();
        for link in &mut system.links {
            link.set_cut(true);
        }
        system
    }

    /// Checks every field; returns all problems at once. A market's own fields are checked as a
    /// version 1 scenario's, their paths under `markets[i]`; the shock and the run at the top.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let mut check = Checker::default();
        if self.version != SYSTEM_VERSION {
            check.fail(
                "version",
                Rule::Version {
                    expected: SYSTEM_VERSION,
                    got: self.version,
                },
            );
        }
        if self.markets.is_empty() || self.markets.len() > MAX_MARKETS {
            check.fail(
                "markets",
                Rule::Count {
                    least: 1,
                    most: MAX_MARKETS,
                    got: self.markets.len(),
                    items: Items::Markets,
                },
            );
            return check.finish();
        }
        if self.links.len() > MAX_LINKS {
            check.fail(
                "links",
                Rule::AtMost {
                    most: MAX_LINKS,
                    got: self.links.len(),
                    items: Items::Links,
                },
            );
        }
        let mut seen_top = Vec::new();
        let mut seconds = 0.0;
        for (i, spec) in self.markets.iter().enumerate() {
            let prefix = format!("markets[{i}]");
            if self.markets[..i].iter().any(|other| other.id == spec.id) {
                check.fail(
                    &format!("{prefix}.id"),
                    Rule::RepeatedId {
                        id: spec.id.clone(),
                    },
                );
            }
            check.range(
                &format!("{prefix}.shock_beta"),
                spec.shock_beta,
                -10.0,
                10.0,
            );
            let scenario = self.market_scenario(i);
            seconds += crate::budget::run(&scenario).seconds;
            if let Err(error) = scenario.validate() {
                for problem in error.problems {
                    let path = problem.path.as_str();
                    let top = path.starts_with("shock") || path.starts_with("run");
                    if top && spec.shock_beta != 1.0 && path.starts_with("shock") {
                        check.fail(&format!("{prefix}.shock_beta"), problem.rule);
                    } else if top || path == "version" || path.is_empty() {
                        if !seen_top.contains(&problem) {
                            seen_top.push(problem.clone());
                            check.fail(path, problem.rule);
                        }
                    } else {
                        check.fail(&format!("{prefix}.{path}"), problem.rule);
                    }
                }
            }
        }
        for (k, link) in self.links.iter().enumerate() {
            let Link::Arbitrage(arbitrage) = link;
            let path = format!("links[{k}].arbitrage");
            let ends: Vec<Option<usize>> = arbitrage
                .markets
                .iter()
                .enumerate()
                .map(|(end, id)| {
                    let found = self.market_index(id);
                    if found.is_none() {
                        check.fail(
                            &format!("{path}.markets[{end}]"),
                            Rule::UnknownMarket { id: id.clone() },
                        );
                    }
                    found
                })
                .collect();
            if let [Some(a), Some(b)] = ends[..] {
                if a == b {
                    check.fail(
                        &format!("{path}.markets[1]"),
                        Rule::RepeatedId {
                            id: arbitrage.markets[1].clone(),
                        },
                    );
                } else if self.markets[a].asset != self.markets[b].asset {
                    check.fail(
                        &format!("{path}.markets"),
                        Rule::LinkAcrossAssets {
                            first: self.markets[a].asset.clone(),
                            second: self.markets[b].asset.clone(),
                        },
                    );
                }
            }
            check.range(
                &format!("{path}.threshold_pct"),
                arbitrage.threshold_pct,
                0.0,
                10.0,
            );
            if let Some(capital) = arbitrage.capital_usd_per_step {
                check.range(&format!("{path}.capital_usd_per_step"), capital, 0.0, 1e13);
            }
            check.range_int(
                &format!("{path}.latency_steps"),
                u64::from(arbitrage.latency_steps),
                0,
                1_000,
            );
        }
        let mut account_count = 0;
        for (g, group) in self.accounts.iter().enumerate() {
            let path = format!("accounts[{g}]");
            let legs = self.validate_group(group, &path, &mut check);
            account_count += legs.0;
            seconds += legs.1 as f64 * f64::from(self.run.steps) * LEG_STEP_NS * 1e-9;
        }
        for (p, lending) in self.lending.iter().enumerate() {
            let loans = self.validate_lending(lending, &format!("lending[{p}]"), &mut check);
            account_count += loans;
            seconds += loans as f64 * f64::from(self.run.steps) * LEG_STEP_NS * 1e-9;
        }
        if account_count > MAX_ACCOUNTS {
            check.fail(
                "accounts",
                Rule::AtMost {
                    most: MAX_ACCOUNTS,
                    got: account_count,
                    items: Items::Accounts,
                },
            );
        }
        // Each market within its own budget (checked above); the markets together within one.
        if check.is_clean() && seconds > crate::budget::RUN_BUDGET_S {
            check.add(
                crate::budget::Estimate {
                    seconds,
                    reduce: vec!["markets".into(), "run.steps".into()],
                }
                .check(Work::Scenario, crate::budget::RUN_BUDGET_S),
            );
        }
        check.finish()
    }
}

impl System {
    /// Checks one group of accounts; returns its number of accounts and of legs.
    fn validate_group(
        &self,
        group: &AccountGroup,
        path: &str,
        check: &mut Checker,
    ) -> (usize, usize) {
        let market_ok = |check: &mut Checker, at: &str, id: &str| match self.market_index(id) {
            None => check.fail(at, Rule::UnknownMarket { id: id.to_string() }),
            Some(i) if self.markets[i].market.contract != Contract::Linear => {
                check.fail(at, Rule::LegOnInverse { id: id.to_string() })
            }
            Some(_) => {}
        };
        match &group.collateral {
            Collateral::Usd => {}
            Collateral::Token {
                depeg_pct,
                start_s,
                duration_s,
                haircut,
            } => {
                check.range(
                    &format!("{path}.collateral.depeg_pct"),
                    *depeg_pct,
                    -100.0,
                    100.0,
                );
                check.range(&format!("{path}.collateral.start_s"), *start_s, 0.0, 1e7);
                check.range(
                    &format!("{path}.collateral.duration_s"),
                    *duration_s,
                    0.0,
                    1e7,
                );
                check.range(&format!("{path}.collateral.haircut"), *haircut, 0.0, 0.99);
            }
            Collateral::Coin { market, haircut } => {
                market_ok(check, &format!("{path}.collateral.market"), market);
                check.range(&format!("{path}.collateral.haircut"), *haircut, 0.0, 0.99);
            }
        }
        let legs_count = |check: &mut Checker, at: String, got: usize| {
            if got == 0 || got > MAX_LEGS {
                check.fail(
                    &at,
                    Rule::Count {
                        least: 1,
                        most: MAX_LEGS,
                        got,
                        items: Items::Legs,
                    },
                );
            }
        };
        match &group.accounts {
            Accounts::List(list) => {
                let mut legs = 0;
                for (a, account) in list.iter().enumerate() {
                    let at = format!("{path}.accounts.list[{a}]");
                    check.range_open_low(
                        &format!("{at}.collateral_units"),
                        account.collateral_units,
                        0.0,
                        1e13,
                    );
                    legs_count(check, format!("{at}.legs"), account.legs.len());
                    for (l, leg) in account.legs.iter().enumerate() {
                        let at = format!("{at}.legs[{l}]");
                        market_ok(check, &format!("{at}.market"), &leg.market);
                        check.range_open_low(
                            &format!("{at}.notional_usd"),
                            leg.notional_usd,
                            0.0,
                            1e13,
                        );
                        if let Some(entry) = leg.entry {
                            check.range(&format!("{at}.entry"), entry, 1e-6, 1e9);
                        }
                    }
                    legs += account.legs.len();
                }
                (list.len(), legs)
            }
            Accounts::Generate(population) => {
                let at = format!("{path}.accounts.generate");
                check.range_int(
                    &format!("{at}.count"),
                    population.count as u64,
                    1,
                    MAX_ACCOUNTS as u64,
                );
                legs_count(check, format!("{at}.legs"), population.legs.len());
                for (l, leg) in population.legs.iter().enumerate() {
                    let at = format!("{at}.legs[{l}]");
                    market_ok(check, &format!("{at}.market"), &leg.market);
                    check.range_open_low(
                        &format!("{at}.notional_usd"),
                        leg.notional_usd,
                        0.0,
                        1e13,
                    );
                }
                check.range(
                    &format!("{at}.leverage_min"),
                    population.leverage_min,
                    1.0,
                    1000.0,
                );
                check.range(
                    &format!("{at}.leverage_max"),
                    population.leverage_max,
                    population.leverage_min.max(1.0),
                    1000.0,
                );
                check.range(
                    &format!("{at}.size_dispersion"),
                    population.size_dispersion,
                    0.0,
                    3.0,
                );
                (
                    population.count,
                    population.count.saturating_mul(population.legs.len()),
                )
            }
        }
    }
}

impl System {
    /// Checks one lending protocol; returns its number of loans.
    fn validate_lending(&self, lending: &Lending, path: &str, check: &mut Checker) -> usize {
        let spot = self.market_index(&lending.sell_into);
        match spot {
            None => check.fail(
                &format!("{path}.sell_into"),
                Rule::UnknownMarket {
                    id: lending.sell_into.clone(),
                },
            ),
            Some(i) if self.markets[i].market.contract != Contract::Linear => check.fail(
                &format!("{path}.sell_into"),
                Rule::LegOnInverse {
                    id: lending.sell_into.clone(),
                },
            ),
            Some(_) => {}
        }
        for (k, id) in lending.oracle_markets.iter().enumerate() {
            let at = format!("{path}.oracle_markets[{k}]");
            match (self.market_index(id), spot) {
                (None, _) => check.fail(&at, Rule::UnknownMarket { id: id.clone() }),
                (Some(i), Some(s)) if self.markets[i].asset != self.markets[s].asset => check.fail(
                    &at,
                    Rule::LinkAcrossAssets {
                        first: self.markets[s].asset.clone(),
                        second: self.markets[i].asset.clone(),
                    },
                ),
                _ => {}
            }
        }
        check.range_int(
            &format!("{path}.oracle_delay_steps"),
            u64::from(lending.oracle_delay_steps),
            0,
            1_000,
        );
        check.range_open_low(
            &format!("{path}.liquidation_threshold"),
            lending.liquidation_threshold,
            0.0,
            0.99,
        );
        check.range_open_low(
            &format!("{path}.close_factor"),
            lending.close_factor,
            0.0,
            1.0,
        );
        check.range(
            &format!("{path}.liquidation_bonus"),
            lending.liquidation_bonus,
            0.0,
            0.5,
        );
        let count = match &lending.borrowers {
            Borrowers::List(list) => {
                for (k, loan) in list.iter().enumerate() {
                    let at = format!("{path}.borrowers.list[{k}]");
                    check.range_open_low(
                        &format!("{at}.collateral_coins"),
                        loan.collateral_coins,
                        0.0,
                        1e12,
                    );
                    check.range(&format!("{at}.debt_usd"), loan.debt_usd, 0.0, 1e13);
                }
                list.len()
            }
            Borrowers::Generate(population) => {
                let at = format!("{path}.borrowers.generate");
                check.range_open_low(
                    &format!("{at}.collateral_usd"),
                    population.collateral_usd,
                    0.0,
                    1e13,
                );
                check.range(&format!("{at}.ltv_min"), population.ltv_min, 0.0, 0.99);
                check.range(
                    &format!("{at}.ltv_max"),
                    population.ltv_max,
                    population.ltv_min.clamp(0.0, 0.99),
                    0.99,
                );
                check.range(
                    &format!("{at}.size_dispersion"),
                    population.size_dispersion,
                    0.0,
                    3.0,
                );
                population.count
            }
        };
        if count == 0 || count > MAX_ACCOUNTS {
            check.fail(
                &format!("{path}.borrowers"),
                Rule::Count {
                    least: 1,
                    most: MAX_ACCOUNTS,
                    got: count,
                    items: Items::Loans,
                },
            );
        }
        count
    }
}
