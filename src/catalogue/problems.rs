//! What is wrong with a scenario, in the page's language: the engine reports each problem as a
//! field path and a [`Rule`] (data, no words), and this says it with the catalogue's
//! [`Problems`](super::text::Problems) templates and the locale's numbers.

use flushlab_engine::error::{duration_parts, Items, Problem, Rule, Work};
use flushlab_engine::ScenarioError;

use super::text::{fill, text, Problems};
use crate::format::{count, plain, scientific};

/// One problem as a line: "market.price: must be in [0.000001, 1000000000] (got 0)".
pub fn line(problem: &Problem) -> String {
    let rule = say(&problem.rule);
    if problem.path.is_empty() {
        rule
    } else {
        fill(
            text().problems.line,
            &[("path", &problem.path), ("rule", &rule)],
        )
    }
}

/// Every problem of an error, one line each.
pub fn lines(error: &ScenarioError) -> Vec<String> {
    error.problems.iter().map(line).collect()
}

/// What a rule asks, in words.
pub fn say(rule: &Rule) -> String {
    let words = &text().problems;
    let whole = |value: usize| count(value as u64);
    match rule {
        Rule::Unreadable { detail } => fill(words.unreadable, &[("detail", detail)]),
        Rule::TooLarge { bytes, limit } => fill(
            words.too_large,
            &[("bytes", &whole(*bytes)), ("limit", &whole(*limit))],
        ),
        Rule::Version { expected, got } => fill(
            words.version,
            &[
                ("expected", &expected.to_string()),
                ("got", &got.to_string()),
            ],
        ),
        Rule::NotFinite => words.not_finite.to_string(),
        Rule::Range {
            low,
            high,
            low_open,
            got,
        } => {
            let range = fill(
                if *low_open {
                    words.range_open_low
                } else {
                    words.range
                },
                &[
                    ("low", &plain(*low)),
                    ("high", &plain(*high)),
                    ("got", &plain(*got)),
                ],
            );
            match flushlab_engine::error::percent_for_fraction(*high, *got) {
                Some(fraction) => format!(
                    "{range}{}",
                    fill(
                        words.as_fraction,
                        &[("pct", &plain(*got)), ("fraction", &plain(fraction))]
                    )
                ),
                None => range,
            }
        }
        Rule::WholeRange { low, high, got } => fill(
            words.range,
            &[
                ("low", &count(*low)),
                ("high", &count(*high)),
                ("got", &count(*got)),
            ],
        ),
        Rule::Count {
            least,
            most,
            got,
            items,
        } => fill(
            words.count,
            &[
                ("least", &whole(*least)),
                ("most", &whole(*most)),
                ("got", &whole(*got)),
                ("items", items_word(words, *items)),
            ],
        ),
        Rule::AtMost { most, got, items } => fill(
            words.at_most,
            &[
                ("most", &whole(*most)),
                ("got", &whole(*got)),
                ("items", items_word(words, *items)),
            ],
        ),
        Rule::AtStartPrice => words.at_start_price.to_string(),
        Rule::EmptySide { asks: true } => words.no_ask.to_string(),
        Rule::EmptySide { asks: false } => words.no_bid.to_string(),
        Rule::TooManyProblems => words.too_many.to_string(),
        Rule::TwoPerBucket { least } => fill(words.two_per_bucket, &[("least", &whole(*least))]),
        Rule::MaxBelowMin { min, max } => fill(
            words.max_below_min,
            &[("min", &plain(*min)), ("max", &plain(*max))],
        ),
        Rule::NoWeight => words.no_weight.to_string(),
        Rule::OpensLiquidatable {
            cap,
            got,
            one,
            fee,
            buckets,
        } => fill(
            if *one {
                words.opens_liquidatable_one
            } else if *buckets > 1 {
                words.opens_liquidatable_buckets
            } else {
                words.opens_liquidatable_all
            },
            // The cap to a tenth, rounded down (76.92307... reads 76.9), so a value below it
            // as written is below it.
            &[
                (
                    "cap",
                    &crate::format::decimal((cap * 10.0).floor() / 10.0, 1),
                ),
                // A leverage as the bars write it: two decimals at most ("39.85", not
                // "39.85474374147319").
                ("got", &crate::format::needed_decimals(*got, 2)),
                ("buckets", &whole(*buckets)),
                (
                    "over",
                    if *fee {
                        words.over_margin_and_fee
                    } else {
                        words.over_margin
                    },
                ),
            ],
        ),
        Rule::TierOrder => words.tier_order.to_string(),
        Rule::TierBound => words.tier_bound.to_string(),
        Rule::MoneyAtStake { at_stake, unit } => fill(
            words.money_at_stake,
            &[
                ("at_stake", &scientific(*at_stake)),
                ("unit", super::money_unit(*unit, None)),
                (
                    "floor",
                    &scientific(flushlab_engine::market::PRICE_FLOOR_FRACTION),
                ),
                (
                    "ceiling",
                    &scientific(flushlab_engine::market::PRICE_CEILING_MULTIPLE),
                ),
                (
                    "most",
                    &scientific(flushlab_engine::scenario::MAX_MONEY_AT_STAKE),
                ),
            ],
        ),
        Rule::OverBudget {
            work,
            seconds,
            budget_s,
            reduce,
        } => fill(
            words.over_budget,
            &[
                ("work", work_word(words, *work)),
                ("time", &duration(*seconds)),
                ("budget", &crate::format::whole_seconds(*budget_s)),
                ("fields", &either(words, reduce)),
            ],
        ),
        Rule::LongShareOnList => words.long_share_on_list.to_string(),
        Rule::DepthOnLevels => words.depth_on_levels.to_string(),
        Rule::SameAxes { parameter } => fill(words.same_axes, &[("parameter", parameter)]),
        Rule::MeanLeverage { most, got } => fill(
            words.mean_leverage,
            &[("most", &plain(*most)), ("got", &plain(*got))],
        ),
        Rule::InGridValue { rule, value_path } => fill(
            words.in_grid_value,
            &[("rule", &say(rule)), ("where", value_path)],
        ),
        Rule::ByShockBeta { rule, beta } => fill(
            words.by_shock_beta,
            &[("rule", &say(rule)), ("beta", &plain(*beta))],
        ),
        Rule::CalibrationPositions { most, got } => fill(
            words.calibration_positions,
            &[("most", &whole(*most)), ("got", &whole(*got))],
        ),
        Rule::BoundsNotFinite { min, max } => fill(
            words.bounds_not_finite,
            &[("min", &plain(*min)), ("max", &plain(*max))],
        ),
        Rule::MinNotBelowMax { min, max } => fill(
            words.min_not_below_max,
            &[("min", &plain(*min)), ("max", &plain(*max))],
        ),
        Rule::ListedTwice { parameter } => fill(words.listed_twice, &[("parameter", parameter)]),
        Rule::BoundInvalidates {
            parameter,
            value,
            problem,
        } => fill(
            words.bound_invalidates,
            &[
                ("parameter", parameter),
                ("value", &plain(*value)),
                ("problem", &line(problem)),
            ],
        ),
        Rule::Targets { most, got, fitted } => fill(
            words.targets,
            &[
                ("most", &whole(*most)),
                ("got", &whole(*got)),
                ("fitted", &whole(*fitted)),
            ],
        ),
        Rule::TargetNotFinite { got } => fill(words.target_not_finite, &[("got", &plain(*got))]),
        Rule::BoundOnFitted => words.bound_on_fitted.to_string(),
        Rule::RangeWithoutEnd => words.range_without_end.to_string(),
        Rule::RangeEnd { low, got } => fill(
            words.range_end,
            &[("low", &plain(*low)), ("got", &plain(*got))],
        ),
        Rule::EndWithoutRange => words.end_without_range.to_string(),
        Rule::NotPositive { got } => fill(words.not_positive, &[("got", &plain(*got))]),
        Rule::NotWindowed { figure } => fill(
            words.not_windowed,
            &[
                (
                    "figures",
                    &flushlab_engine::analysis::figures::Figure::windowed_names(),
                ),
                ("figure", figure),
            ],
        ),
        Rule::WholeAtMost { most, got } => fill(
            words.whole_at_most,
            &[("most", &count(*most)), ("got", &count(*got))],
        ),
        Rule::NoDepthForCycles { depth } => fill(
            words.no_depth_for_cycles,
            &[("depth", &crate::format::usd(*depth))],
        ),
        Rule::PathDays { most, got } => fill(
            words.path_days,
            &[("most", &count(*most)), ("got", &count(*got))],
        ),
        Rule::RepeatedId { id } => fill(words.repeated_id, &[("id", id)]),
        Rule::CoinTicker { most } => fill(words.coin_ticker, &[("most", &whole(*most))]),
        Rule::CoinOnLinear => words.coin_on_linear.to_string(),
        Rule::NameLength { most, got } => fill(
            words.name_length,
            &[("most", &whole(*most)), ("got", &whole(*got))],
        ),
        Rule::TimeOfDay { got } => fill(words.time_of_day, &[("got", got)]),
        Rule::UnknownMarket { id } => fill(words.unknown_market, &[("id", id)]),
        Rule::LinkAcrossAssets { first, second } => fill(
            words.link_across_assets,
            &[("first", first), ("second", second)],
        ),
        Rule::LegOnInverse { id } => fill(words.leg_on_inverse, &[("id", id)]),
        Rule::MarketInScenario => words.market_in_scenario.to_string(),
        Rule::MarketOnShock => words.market_on_shock.to_string(),
        Rule::FitsAbsent { parameter } => fill(words.fits_absent, &[("parameter", parameter)]),
        Rule::NotASum { figure } => fill(words.not_a_sum, &[("figure", figure)]),
        Rule::PathOrder { after, got } => fill(
            words.path_order,
            &[("after", &plain(*after)), ("got", &plain(*got))],
        ),
        Rule::PathEnd { got } => fill(words.path_end, &[("got", &plain(*got))]),
    }
}

fn items_word(words: &Problems, items: Items) -> &'static str {
    match items {
        Items::Levels => words.levels,
        Items::Positions => words.positions,
        Items::Buckets => words.buckets,
        Items::Tiers => words.tiers,
        Items::Shocks => words.shocks,
        Items::Parameters => words.parameters,
        Items::Values => words.values,
        Items::Strikes => words.strikes,
        Items::Markets => words.markets,
        Items::Links => words.links,
        Items::Accounts => words.accounts,
        Items::Legs => words.legs,
        Items::Loans => words.loans,
        Items::PathPoints => words.path_points,
    }
}

fn work_word(words: &Problems, work: Work) -> &'static str {
    match work {
        Work::Scenario => words.work_scenario,
        Work::Sweep => words.work_sweep,
        Work::Grid => words.work_grid,
        Work::Calibration => words.work_calibration,
        Work::Cycles => words.work_cycles,
        Work::ResponseSweep => words.work_response,
        Work::Counterfactual => words.work_counterfactual,
    }
}

/// A duration rounded as the engine rounds it, in the locale's units.
fn duration(seconds: f64) -> String {
    let locale = crate::format::locale();
    let (amount, unit) = duration_parts(seconds);
    let amount = plain(amount);
    match unit {
        "s" => format!("{amount} {}", locale.second),
        "min" => format!("{amount} {}", locale.minute),
        "h" => format!("{amount} {}", locale.hour),
        _ => fill(text().problems.days, &[("amount", &amount)]),
    }
}

/// Field names as "a", "a or b", "a, b or c".
fn either(words: &Problems, names: &[String]) -> String {
    match names {
        [] => words.the_input.to_string(),
        [one] => one.clone(),
        [first @ .., last] => fill(
            words.either,
            &[("first", &first.join(words.list_comma)), ("last", last)],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flushlab_engine::outcome::MoneyUnit;

    /// One rule of every kind, with figures.
    fn every_rule() -> Vec<Rule> {
        let inner = Rule::Range {
            low: 1.0,
            high: 1000.0,
            low_open: true,
            got: 0.5,
        };
        vec![
            Rule::Unreadable {
                detail: "expected value at line 1 column 1".into(),
            },
            Rule::TooLarge {
                bytes: 3_000_000,
                limit: 2_000_000,
            },
            Rule::Version {
                expected: 1,
                got: 2,
            },
            Rule::NotFinite,
            Rule::Range {
                low: 0.0,
                high: 0.5,
                low_open: false,
                got: 0.7,
            },
            Rule::Range {
                low: 0.0,
                high: 0.5,
                low_open: false,
                got: 5.0,
            },
            inner.clone(),
            Rule::WholeRange {
                low: 1,
                high: 20_000,
                got: 30_000,
            },
            Rule::Count {
                least: 1,
                most: 64,
                got: 0,
                items: Items::Levels,
            },
            Rule::AtMost {
                most: 40,
                got: 41,
                items: Items::Values,
            },
            Rule::AtStartPrice,
            Rule::EmptySide { asks: true },
            Rule::EmptySide { asks: false },
            Rule::TooManyProblems,
            Rule::TwoPerBucket { least: 14 },
            Rule::MaxBelowMin { min: 3.0, max: 2.0 },
            Rule::NoWeight,
            Rule::OpensLiquidatable {
                cap: 200.0,
                got: 250.0,
                one: true,
                fee: false,
                buckets: 0,
            },
            Rule::OpensLiquidatable {
                cap: 200.0,
                got: 250.0,
                one: false,
                fee: false,
                buckets: 1,
            },
            Rule::OpensLiquidatable {
                cap: 33.3,
                got: 79.70948,
                one: false,
                fee: false,
                buckets: 2,
            },
            Rule::OpensLiquidatable {
                cap: 222.2,
                got: 250.0,
                one: false,
                fee: true,
                buckets: 1,
            },
            Rule::TierOrder,
            Rule::TierBound,
            Rule::MoneyAtStake {
                at_stake: 2.5e19,
                unit: MoneyUnit::Coin,
            },
            Rule::OverBudget {
                work: Work::Scenario,
                seconds: 40.0,
                budget_s: 30.0,
                reduce: vec!["run.steps".into(), "positions.generate.count".into()],
            },
            Rule::LongShareOnList,
            Rule::DepthOnLevels,
            Rule::SameAxes {
                parameter: "shock_pct",
            },
            Rule::MeanLeverage {
                most: 1000.0,
                got: 0.5,
            },
            Rule::InGridValue {
                rule: Box::new(inner.clone()),
                value_path: "grid.x.values[2]".into(),
            },
            Rule::ByShockBeta {
                rule: Box::new(inner.clone()),
                beta: 5.0,
            },
            Rule::CalibrationPositions {
                most: 2000,
                got: 5000,
            },
            Rule::BoundsNotFinite {
                min: f64::NAN,
                max: 1.0,
            },
            Rule::MinNotBelowMax { min: 2.0, max: 1.0 },
            Rule::ListedTwice {
                parameter: "depth_usd",
            },
            Rule::BoundInvalidates {
                parameter: "withdrawal",
                value: 2.0,
                problem: Box::new(Problem {
                    path: "market.withdrawal".into(),
                    rule: inner,
                }),
            },
            Rule::Targets {
                most: 12,
                got: 13,
                fitted: 0,
            },
            Rule::TargetNotFinite { got: f64::INFINITY },
            Rule::BoundOnFitted,
            Rule::RangeWithoutEnd,
            Rule::RangeEnd {
                low: -23.5,
                got: -30.0,
            },
            Rule::EndWithoutRange,
            Rule::NotPositive { got: -1.0 },
            Rule::NotWindowed {
                figure: "trough_drawdown_pct".into(),
            },
            Rule::WholeAtMost { most: 20, got: 21 },
            Rule::NoDepthForCycles { depth: 0.0 },
            Rule::PathDays {
                most: 200_000,
                got: 300_000,
            },
            Rule::RepeatedId { id: "bybit".into() },
            Rule::NameLength { most: 32, got: 40 },
            Rule::TimeOfDay {
                got: "25:00".into(),
            },
            Rule::CoinTicker { most: 8 },
            Rule::CoinOnLinear,
            Rule::UnknownMarket { id: "okx".into() },
            Rule::LinkAcrossAssets {
                first: "BTC".into(),
                second: "ETH".into(),
            },
            Rule::LegOnInverse {
                id: "bitmex".into(),
            },
            Rule::MarketInScenario,
            Rule::MarketOnShock,
            Rule::FitsAbsent {
                parameter: "stop_share",
            },
            Rule::NotASum {
                figure: "trough_drawdown_pct".into(),
            },
            Rule::AtMost {
                most: 900,
                got: 901,
                items: Items::Accounts,
            },
            Rule::AtMost {
                most: 16,
                got: 17,
                items: Items::Links,
            },
            Rule::Count {
                least: 1,
                most: 900,
                got: 0,
                items: Items::Loans,
            },
            Rule::Count {
                least: 1,
                most: 16,
                got: 0,
                items: Items::Legs,
            },
            Rule::Count {
                least: 1,
                most: 8,
                got: 9,
                items: Items::Markets,
            },
            Rule::PathOrder {
                after: 0.5,
                got: 0.25,
            },
            Rule::PathEnd { got: 0.75 },
            Rule::AtMost {
                most: 64,
                got: 65,
                items: Items::PathPoints,
            },
        ]
    }

    #[test]
    fn every_rule_is_said_with_its_figures_and_no_placeholder_left() {
        for rule in every_rule() {
            let said = say(&rule);
            assert!(!said.trim().is_empty(), "{rule:?}");
            assert!(
                !said.contains('{') && !said.contains('}'),
                "{rule:?}: {said}"
            );
            // The figures the engine's English quotes are quoted here too (written the page's
            // way: grouped counts, "$0" for a depth).
            let english = rule.to_string();
            for figure in english
                .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'e'))
                .filter(|word| word.chars().any(|c| c.is_ascii_digit()))
            {
                let figure = figure.trim_matches(|c: char| c == '.' || c == 'e');
                let grouped = figure
                    .parse::<u64>()
                    .map(count)
                    .unwrap_or_else(|_| figure.to_string());
                assert!(
                    said.contains(figure) || said.contains(&grouped),
                    "{rule:?}: {figure} missing from {said}"
                );
            }
        }
    }

    #[test]
    fn the_page_says_a_scenario_problem_as_the_engine_does_in_english() {
        // The rules a reader can meet on the page (a link, an import, a typed value) read the
        // same in the page's English as in the CLI's.
        for rule in every_rule().into_iter().filter(|rule| {
            !matches!(
                rule,
                Rule::OverBudget { .. }
                    | Rule::NoDepthForCycles { .. }
                    | Rule::TooLarge { .. }
                    | Rule::WholeRange { .. }
                    | Rule::PathDays { .. }
                    | Rule::CalibrationPositions { .. }
            )
        }) {
            assert_eq!(say(&rule), rule.to_string(), "{rule:?}");
        }
    }

    #[test]
    fn a_percent_in_a_field_of_fractions_is_told_how_the_file_writes_it() {
        let range = |high: f64, got: f64| Problem {
            path: "venue.maintenance_margin".into(),
            rule: Rule::Range {
                low: 0.0,
                high,
                low_open: false,
                got,
            },
        };
        assert_eq!(
            line(&range(0.5, 5.0)),
            "venue.maintenance_margin: must be in [0, 0.5] (got 5); a fraction of 1: 5% is \
             written 0.05"
        );
        // Past the range as a percent too, or a field that is no fraction: the range alone.
        assert_eq!(
            line(&range(0.5, 70.0)),
            "venue.maintenance_margin: must be in [0, 0.5] (got 70)"
        );
        assert_eq!(
            line(&range(0.5, 0.7)),
            "venue.maintenance_margin: must be in [0, 0.5] (got 0.7)"
        );
        assert!(!line(&range(30.0, 50.0)).contains("fraction"));
    }

    #[test]
    fn a_huge_number_is_quoted_back_in_a_few_characters() {
        // An open interest of 1e300 was quoted back with all of its 301 digits.
        let rule = Rule::Range {
            low: 1.0,
            high: 1e13,
            low_open: false,
            got: 1e300,
        };
        assert_eq!(say(&rule), "must be in [1, 10000000000000] (got 1e300)");
        assert_eq!(rule.to_string(), say(&rule), "the CLI says it alike");
    }

    #[test]
    fn a_budget_problem_names_the_work_the_time_and_the_fields() {
        let problem = Problem {
            path: "run.steps".into(),
            rule: Rule::OverBudget {
                work: Work::Scenario,
                seconds: 40.0,
                budget_s: 4.0,
                reduce: vec![
                    "run.steps".into(),
                    "positions.generate.count".into(),
                    "cycles.paths".into(),
                ],
            },
        };
        assert_eq!(
            line(&problem),
            "run.steps: this scenario may take up to about 40 s of work, over the budget of 4\u{a0}s; \
             reduce run.steps, positions.generate.count or cycles.paths"
        );
    }
}
