//! FlushLab's cascade engine: a pure model of leverage flushes.
//!
//! A [`Scenario`] (market, positions, venue rules, traders, agents, shock) goes in; an
//! [`Outcome`] (price path, liquidations, liquidation map, exact ledger) comes out. No I/O, no
//! clocks, no global state: the same scenario gives byte-identical JSON everywhere.

pub mod analysis;
pub mod budget;
pub mod cli;
pub mod error;
pub mod ledger;
pub mod market;
pub mod money;
pub mod outcome;
pub mod positions;
pub mod presets;
pub mod scenario;
pub mod solve;
pub mod system;
pub mod traders;
pub mod venue;

pub use error::{Items, Problem, Rule, ScenarioError, Work};
pub use outcome::Outcome;
pub use scenario::Scenario;
pub use solve::simulate;

/// The outcome as compact JSON.
pub fn outcome_json(outcome: &Outcome) -> String {
    serde_json::to_string(outcome).unwrap_or_default()
}
