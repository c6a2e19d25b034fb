//! The engine as the page drives it: the population is built once and, when a drag only changes
//! open interest by bucket or the long share, rescaled instead of rebuilt, so a drag costs one
//! timeline run. Pure Rust: no DOM. When a population is reused is unit-tested here; that a reused
//! one gives the outcome of a fresh run is checked in the browser tests (`tests/charts.rs`).

use flushlab_engine::analysis;
use flushlab_engine::positions::PositionTable;
use flushlab_engine::scenario::{MaintenanceMargin, Positions};
use flushlab_engine::solve::timeline;
use flushlab_engine::system::{prepare_accounts, AccountGroup, AccountsTable, System};
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
        && old.venue.maintenance_margin == new.venue.maintenance_margin
        && old.venue.margin_valued_at == new.venue.margin_valued_at
        // The fee counts in the liquidation prices when it is part of the trigger (OKX).
        && old.venue.fee_in_trigger == new.venue.fee_in_trigger
        && (!new.venue.fee_in_trigger || old.venue.liquidation_fee == new.venue.liquidation_fee);
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
        self.refresh(scenario);
        self.table
            .get_or_insert_with(|| PositionTable::build(scenario))
    }

    /// Makes the table the one for `scenario`, rescaled or rebuilt as needed.
    fn refresh(&mut self, scenario: &Scenario) {
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
    }
}

/// The Markets tab's engine: each market's population cached as the page's one is, so a drag of
/// the common shock or a cut link re-runs the system without building its populations again.
#[derive(Default)]
pub struct SystemSession {
    markets: Vec<Cached>,
    /// The cross-margin accounts, and what they were built from.
    accounts: Option<(AccountsKey, Vec<AccountsTable>)>,
}

/// What a system's accounts are built from: the groups, the seed, and each market's id, start
/// price and maintenance margin.
struct AccountsKey {
    groups: Vec<AccountGroup>,
    seed: u64,
    markets: Vec<(String, f64, MaintenanceMargin)>,
}

impl AccountsKey {
    fn of(system: &System) -> AccountsKey {
        AccountsKey {
            groups: system.accounts.clone(),
            seed: system.seed,
            markets: system
                .markets
                .iter()
                .map(|m| {
                    let margin = m.venue.maintenance_margin.clone();
                    (m.id.clone(), m.market.price, margin)
                })
                .collect(),
        }
    }

    /// Whether `system`'s accounts would be built the same (compared in place: a drag asks on
    /// every run).
    fn matches(&self, system: &System) -> bool {
        self.groups == system.accounts
            && self.seed == system.seed
            && self.markets.len() == system.markets.len()
            && self
                .markets
                .iter()
                .zip(&system.markets)
                .all(|((id, price, margin), m)| {
                    *id == m.id && *price == m.market.price && *margin == m.venue.maintenance_margin
                })
    }
}

impl SystemSession {
    /// The populations of `system`'s markets (`scenarios`, its [`System::market_scenarios`]) and
    /// its cross-margin accounts, each kept from the last system as far as it is the same.
    pub fn populations(
        &mut self,
        system: &System,
        scenarios: &[Scenario],
    ) -> (Vec<&PositionTable>, &[AccountsTable]) {
        self.refresh(scenarios);
        if self
            .accounts
            .as_ref()
            .is_none_or(|(built, _)| !built.matches(system))
        {
            self.accounts = Some((AccountsKey::of(system), prepare_accounts(system)));
        }
        let tables = self
            .markets
            .iter()
            .filter_map(|cached| cached.table.as_ref())
            .collect();
        let accounts = self.accounts.as_ref().map_or(&[][..], |(_, built)| built);
        (tables, accounts)
    }

    fn refresh(&mut self, scenarios: &[Scenario]) {
        self.markets.resize_with(scenarios.len(), Cached::default);
        for (cached, scenario) in self.markets.iter_mut().zip(scenarios) {
            cached.refresh(scenario);
        }
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

    /// The leverage monitor of the population the last [`Session::simulate`] ran on, at its
    /// scenario's start price (None before any run).
    pub fn monitor(&self) -> Option<analysis::Monitor> {
        let scenario = self.population.built_for.as_ref()?;
        let table = self.population.table.as_ref()?;
        Some(analysis::monitor(table, scenario.market.price))
    }

    /// The same scenario with every position at 1x (the no-leverage counterfactual), on its own
    /// cached population.
    pub fn simulate_unlevered(&mut self, scenario: &Scenario) -> Outcome {
        let unlevered = analysis::without_leverage(scenario);
        let table = self.unlevered.table(&unlevered);
        timeline::run(&unlevered, table)
    }
}

#[cfg(test)]
mod tests {
    use flushlab_engine::presets;
    use flushlab_engine::scenario::{Contract, LeverageBucket, MaintenanceMargin, Population};

    use super::*;

    #[test]
    fn a_systems_accounts_are_kept_while_only_its_shock_or_links_change() {
        let base = flushlab_engine::presets::find_system("btc-eth-cross-margin")
            .unwrap()
            .system;
        let mut session = SystemSession::default();
        let built = |session: &mut SystemSession, system: &System| {
            let scenarios = system.market_scenarios();
            let (_, accounts) = session.populations(system, &scenarios);
            accounts.as_ptr()
        };
        let first = built(&mut session, &base);
        assert_eq!(built(&mut session, &base.with_shock_pct(-9.0)), first);
        assert_eq!(built(&mut session, &base.all_cut()), first);
        let mut other = base.clone();
        other.seed += 1;
        assert_ne!(built(&mut session, &other), first);
    }

    /// The default scenario (a generated population) and a change to it.
    fn changed(change: impl FnOnce(&mut Scenario)) -> (Scenario, Scenario) {
        let old = presets::default_scenario();
        let mut new = old.clone();
        change(&mut new);
        (old, new)
    }

    /// An edit of a scenario, for a table of them.
    type Change = fn(&mut Scenario);

    fn population(scenario: &mut Scenario) -> &mut Population {
        match &mut scenario.positions {
            Positions::Generate(population) => population,
            Positions::List(_) => panic!("the default scenario generates its population"),
        }
    }

    #[test]
    fn the_same_population_is_reused_as_is() {
        let scenario = presets::default_scenario();
        assert_eq!(reuse(&scenario, &scenario), Reuse::Same);
        // The shock, the book and the traders are not the population.
        let (old, new) = changed(|scenario| {
            scenario.shock.pct -= 3.0;
            scenario.market.mark_smoothing_s += 1.0;
            scenario.run.steps += 10;
        });
        assert_eq!(reuse(&old, &new), Reuse::Same);
    }

    #[test]
    fn new_weights_long_share_or_open_interest_rescale_it() {
        let (old, new) = changed(|scenario| {
            let population = population(scenario);
            let mut amounts = population.bucket_open_interest();
            amounts[0] *= 3.0;
            population.set_bucket_open_interest(&amounts);
        });
        assert_eq!(reuse(&old, &new), Reuse::Rescale);
        let (old, new) = changed(|scenario| population(scenario).long_share = 0.3);
        assert_eq!(reuse(&old, &new), Reuse::Rescale);
        let (old, new) = changed(|scenario| population(scenario).open_interest_usd *= 0.5);
        assert_eq!(reuse(&old, &new), Reuse::Rescale);
    }

    #[test]
    fn other_members_or_other_terms_rebuild_it() {
        let rebuilds: [(&str, Change); 10] = [
            ("seed", |scenario| scenario.seed += 1),
            ("the fee put into the trigger", |scenario| {
                scenario.venue.fee_in_trigger = true
            }),
            ("price", |scenario| scenario.market.price *= 1.1),
            ("contract", |scenario| {
                scenario.market.contract = match scenario.market.contract {
                    Contract::Linear => Contract::Inverse,
                    Contract::Inverse => Contract::Linear,
                }
            }),
            ("maintenance margin", |scenario| {
                scenario.venue.maintenance_margin = MaintenanceMargin::Flat(0.0123)
            }),
            ("count", |scenario| population(scenario).count += 1),
            ("entry spread", |scenario| {
                population(scenario).entry_spread_pct += 0.5
            }),
            ("size dispersion", |scenario| {
                population(scenario).size_dispersion += 0.1
            }),
            ("a bucket's bounds", |scenario| {
                population(scenario).leverage_buckets[0].max += 0.5
            }),
            ("a bucket more", |scenario| {
                let population = population(scenario);
                let top = population.leverage_buckets.last().map_or(10.0, |b| b.max);
                population.leverage_buckets.push(LeverageBucket {
                    min: top,
                    max: top * 2.0,
                    weight: 1.0,
                });
            }),
        ];
        for (what, change) in rebuilds {
            let (old, new) = changed(change);
            assert_ne!(old, new, "{what}: the change changes the scenario");
            assert_eq!(reuse(&old, &new), Reuse::Rebuild, "{what}");
        }
        // The fee moves liquidation prices only while it is in the trigger.
        let (old, new) = changed(|scenario| scenario.venue.liquidation_fee += 0.001);
        assert_eq!(reuse(&old, &new), Reuse::Same);
        let (mut old, mut new) = changed(|scenario| scenario.venue.liquidation_fee += 0.001);
        old.venue.fee_in_trigger = true;
        new.venue.fee_in_trigger = true;
        assert_eq!(reuse(&old, &new), Reuse::Rebuild);
    }

    #[test]
    fn a_listed_population_is_reused_only_when_unchanged() {
        let (old, listed) = changed(|scenario| scenario.positions = Positions::List(Vec::new()));
        assert_eq!(reuse(&old, &listed), Reuse::Rebuild);
        assert_eq!(reuse(&listed, &old), Reuse::Rebuild);
        assert_eq!(reuse(&listed, &listed.clone()), Reuse::Same);
    }
}
