//! Validation of a system (format version 2): every market checked as a version 1 scenario (its
//! paths under `markets[i]`), then the links, the cross-margin accounts and the lending
//! protocols, and the work of all of it together; every problem at once with its field path.

use crate::error::{Items, Rule, ScenarioError, Work};
use crate::scenario::validate::Checker;
use crate::scenario::Contract;
use crate::system::{
    AccountGroup, Accounts, Borrowers, Collateral, Lending, Link, System, LEG_STEP_NS,
    MAX_ACCOUNTS, MAX_LEGS, MAX_LINKS, MAX_MARKETS, MAX_NAME_CHARS, SYSTEM_VERSION,
};

impl System {
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
            if let Some(name) = &spec.name {
                let got = name.chars().count();
                if name.trim().is_empty() || got > MAX_NAME_CHARS {
                    check.fail(
                        &format!("{prefix}.name"),
                        Rule::NameLength {
                            most: MAX_NAME_CHARS,
                            got,
                        },
                    );
                }
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
                        check.fail(
                            &format!("{prefix}.shock_beta"),
                            Rule::ByShockBeta {
                                rule: Box::new(problem.rule),
                                beta: spec.shock_beta,
                            },
                        );
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
        // A leg: a linear market of the system and a positive size.
        let leg_ok = |check: &mut Checker, at: &str, market: &str, notional: f64| {
            market_ok(check, &format!("{at}.market"), market);
            check.range_open_low(&format!("{at}.notional_usd"), notional, 0.0, 1e13);
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
                        leg_ok(check, &at, &leg.market, leg.notional_usd);
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
                    leg_ok(
                        check,
                        &format!("{at}.legs[{l}]"),
                        &leg.market,
                        leg.notional_usd,
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
        if let Some(health) = lending.full_close_below_health {
            check.range_open_low(&format!("{path}.full_close_below_health"), health, 0.0, 1.0);
        }
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
