//! The engine as the page drives it: the population is built once and, when a drag only changes
//! open interest by bucket or the long share, rescaled instead of rebuilt, so a drag costs one
//! timeline run. Pure Rust: no DOM, tested in the browser tests against fresh runs.

use flushlab_engine::analysis;
use flushlab_engine::positions::PositionTable;
use flushlab_engine::scenario::Positions;
use flushlab_engine::solve::timeline;
use flushlab_engine::{Outcome, Scenario};

/// What a new scenario needs from the cached population.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reuse {
    /// Same population.
    Same,
    /// Same positions, new weights / long share / open interest: rescale the groups.
    Rescale,
    /// Anything else: build it again.
    Rebuild,
}

/// Whether the population of `new` can be derived from the one built for `old`.
pub fn reuse(old: &Scenario, new: &Scenario) -> Reuse {
    let same_terms = old.seed == new.seed
        && old.market.price == new.market.price
        && old.market.contract == new.market.contract
        && old.venue.maintenance_margin == new.venue.maintenance_margin;
    if !same_terms {
        return Reuse::Rebuild;
    }
    match (&old.positions, &new.positions) {
        (a, b) if a == b => Reuse::Same,
        (Positions::Generate(a), Positions::Generate(b)) => {
            let same_members = a.count == b.count
                && a.entry_spread_pct == b.entry_spread_pct
                && a.size_dispersion == b.size_dispersion
                && a.leverage_buckets.len() == b.leverage_buckets.len()
                && a.leverage_buckets
                    .iter()
                    .zip(&b.leverage_buckets)
                    .all(|(x, y)| x.min == y.min && x.max == y.max);
            if same_members {
                Reuse::Rescale
            } else {
                Reuse::Rebuild
            }
        }
        _ => Reuse::Rebuild,
    }
}

/// One cached population and the scenario it was built for.
#[derive(Default)]
struct Cached {
    built_for: Option<Scenario>,
    table: Option<PositionTable>,
}

impl Cached {
    /// The table for `scenario` (valid), rescaled or rebuilt as needed.
    fn table(&mut self, scenario: &Scenario) -> &PositionTable {
        let action = self
            .built_for
            .as_ref()
            .map_or(Reuse::Rebuild, |old| reuse(old, scenario));
        let ready = match (action, self.table.as_mut(), &scenario.positions) {
            // A run on the same population again (a shock drag): more will follow.
            (Reuse::Same, Some(table), _) => {
                table.prepare_reruns();
                true
            }
            (Reuse::Rescale, Some(table), Positions::Generate(population)) => {
                table.rescale(population)
            }
            _ => false,
        };
        if !ready {
            self.table = Some(PositionTable::build(scenario));
        }
        if action != Reuse::Same || !ready {
            self.built_for = Some(scenario.clone());
        }
        self.table
            .get_or_insert_with(|| PositionTable::build(scenario))
    }
}

/// The page's engine: cached populations for the run and for the no-leverage counterfactual.
#[derive(Default)]
pub struct Session {
    population: Cached,
    unlevered: Cached,
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// The timeline outcome of a valid scenario (the same as `flushlab_engine::simulate`).
    pub fn simulate(&mut self, scenario: &Scenario) -> Outcome {
        let table = self.population.table(scenario);
        timeline::run(scenario, table)
    }

    /// The same scenario with every position at 1x (the no-leverage counterfactual), on its own
    /// cached population.
    pub fn simulate_unlevered(&mut self, scenario: &Scenario) -> Outcome {
        let unlevered = analysis::without_leverage(scenario);
        let table = self.unlevered.table(&unlevered);
        timeline::run(&unlevered, table)
    }
}
