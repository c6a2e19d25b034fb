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
pub mod edit;
mod lending;
pub(crate) mod run;
mod validate;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::ScenarioError;
use crate::scenario::{
    parse_with_paths, Agents, BuildUp, CyclesCrowd, Market, Positions, Run, Scenario, Shock,
    ShockKind, Traders, Venue, Versioned,
};

pub use accounts::{
    AccountFlows, AccountGroup, AccountPopulation, AccountSpec, Accounts, AccountsLedger,
    AccountsReport, AccountsTable, Collateral, Deficits, LegMix, LegSpec,
};
pub use arbitrage::ArbitrageReport;
pub use lending::{BorrowerPopulation, Borrowers, Lending, LendingLedger, LendingReport, Loan};
pub use run::{
    prepare_accounts, run_system, run_system_prepared, run_system_with, simulate_system,
    MarketOutcome, SystemOutcome,
};

/// The format version of a system of markets.
pub const SYSTEM_VERSION: u32 = 2;
/// Most markets in one system.
pub const MAX_MARKETS: usize = 8;
/// The most characters a market's display name may have (it must fit a node of the diagram).
pub const MAX_NAME_CHARS: usize = 32;
/// Most links in one system.
pub const MAX_LINKS: usize = 16;
/// Most cross-margin accounts in one system, over all groups.
pub const MAX_ACCOUNTS: usize = 200_000;
/// Most legs of one account (or of a generated group's mix).
pub const MAX_LEGS: usize = 16;
/// Cost of one account leg's margin check per step on the reference machine, nanoseconds
/// (src/budget.rs's way of estimating work).
pub(crate) const LEG_STEP_NS: f64 = 20.0;

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

/// One market of a system: a version 1 scenario's market, positions, venue, traders, agents,
/// build-up and leverage-cycles crowd, with a name, its asset and its share of the common shock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketSpec {
    /// A short name links refer to (e.g. "binance-btc").
    pub id: String,
    /// What the app's diagram, headline and tables call the market (e.g. "Binance BTC"): up to
    /// `MAX_NAME_CHARS` characters. Without one they show the id and the asset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
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
    /// This market's leverage-cycles crowd between flushes (`Scenario::cycles`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycles: Option<CyclesCrowd>,
}

impl MarketSpec {
    /// What a sentence calls the market: its name, or its id.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// What a diagram's node or a chart's legend calls the market: its name, or its id and
    /// asset ("venue-a · BTC").
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => format!("{} · {}", self.id, self.asset),
        }
    }
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
/// plus their own smoothed basis (docs/model.md §15.3).
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

impl System {
    /// Reads a scenario of either version: version 1 becomes a system of one market (which runs
    /// exactly as the version 1 scenario does), version 2 is read and validated as it is.
    pub fn from_json(text: &str) -> Result<System, ScenarioError> {
        let versioned: Versioned = parse_with_paths(text)?;
        match versioned.version {
            crate::scenario::FORMAT_VERSION => Ok(System::of_scenario(Scenario::from_json(text)?)),
            _ => {
                // A list where an object goes is the mistake to say, whether or not its items'
                // order made something readable of it.
                let system: System = parse_with_paths(text).map_err(|error| {
                    crate::scenario::shape::or_list_for_object::<System>(text, error)
                })?;
                crate::scenario::shape::lists_for_objects::<System>(text)?;
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
            cycles,
            ..
        } = scenario;
        System {
            version: SYSTEM_VERSION,
            seed,
            markets: vec![MarketSpec {
                id: "market".into(),
                name: None,
                asset: "asset".into(),
                shock_beta: 1.0,
                market,
                positions,
                venue,
                traders,
                agents,
                build_up,
                cycles,
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
            cycles: spec.cycles.clone(),
        }
    }

    /// The same system with market `i` set from a version 1 scenario (its market, positions,
    /// venue, traders, agents, build-up and cycles crowd): how an editor of one market writes back. The
    /// scenario's seed, shock and run are the system's and are not taken; the result is not
    /// validated (an account or loan may no longer fit the market: [`System::validate`] says so).
    pub fn with_market_scenario(&self, i: usize, scenario: &Scenario) -> System {
        let mut system = self.clone();
        let spec = &mut system.markets[i];
        spec.market = scenario.market.clone();
        spec.positions = scenario.positions.clone();
        spec.venue = scenario.venue.clone();
        spec.traders = scenario.traders.clone();
        spec.agents = scenario.agents.clone();
        spec.build_up = scenario.build_up.clone();
        spec.cycles = scenario.cycles.clone();
        system
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

    /// What a sentence calls the market with this id (`MarketSpec::name`; the id itself when
    /// no market has it).
    pub fn market_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.market_index(id).map_or(id, |i| self.markets[i].name())
    }

    /// What a sentence calls a link: its two markets' names ("Venue A / Venue B").
    pub fn link_name(&self, link: &Link) -> String {
        link.ends().map(|id| self.market_name(id)).join(" / ")
    }

    /// The same system with its common shock resized to a move of `pct` percent (kind and
    /// duration kept; a market order is sized on the first market the shock hits).
    pub fn with_shock_pct(&self, pct: f64) -> System {
        let mut system = self.clone();
        system.shock.resize(&self.first_hit().market, pct);
        system
    }

    /// The common shock's move, percent: a move's own size, or the move a market order makes
    /// in the untouched book of the first market it hits.
    pub fn shock_move_pct(&self) -> f64 {
        self.shock.move_pct(&self.first_hit().market)
    }

    /// The first market the common shock reaches (a beta other than 0), else the first market.
    fn first_hit(&self) -> &MarketSpec {
        self.markets
            .iter()
            .find(|market| market.shock_beta != 0.0)
            .unwrap_or(&self.markets[0])
    }

    /// The work of one run of the system, seconds on the reference machine: its markets' runs
    /// (src/budget.rs; the accounts' and loans' checks are added by validation).
    pub fn budget_seconds(&self) -> f64 {
        self.market_scenarios()
            .iter()
            .map(|scenario| crate::budget::run(scenario).seconds)
            .sum()
    }

    /// The fields that weigh most in [`Self::budget_seconds`], the biggest lever first, as a
    /// system's paths: the heaviest market's own (`markets[i].positions.generate.count`), and
    /// the run's (`run.steps`), which every market shares.
    pub fn budget_levers(&self) -> Vec<String> {
        let heaviest = self
            .market_scenarios()
            .iter()
            .map(crate::budget::run)
            .enumerate()
            .max_by(|(_, a), (_, b)| a.seconds.total_cmp(&b.seconds));
        let Some((i, estimate)) = heaviest else {
            return Vec::new();
        };
        estimate
            .reduce
            .into_iter()
            .map(|field| {
                if field.starts_with("run.") {
                    field
                } else {
                    format!("markets[{i}].{field}")
                }
            })
            .collect()
    }

    /// The same system with every link cut.
    pub fn all_cut(&self) -> System {
        let mut system = self.clone();
        for link in &mut system.links {
            link.set_cut(true);
        }
        system
    }
}
