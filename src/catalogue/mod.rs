//! The page's text catalogue: every text the page shows (`text/`: labels, help, captions,
//! notices, the headline's templates, in one struct per language), the glossary and the guided
//! tour, as plain data, with the scenario each piece of explainer text loads to show what it
//! says. No UI here: the page reads these and wires them to its charts, so a translation or a new
//! term is an edit of this module.
//!
//! Every claim the text makes about a scenario ("the trough is shallower", "the fund runs dry")
//! is checked by running the engine in the tests beside it (`glossary/oracles.rs`,
//! `tour/oracles.rs`): when the model changes and a claim stops being true, a test fails and the
//! text or its scenario is changed, never the other way round.

pub mod glossary;
pub mod problems;
pub mod scenes;
pub mod text;
pub mod tour;

#[cfg(test)]
mod oracle;

use flushlab_engine::presets;
use flushlab_engine::Scenario;

/// The charts a demo may point at: the flush tab's charts by name, `cycles` for the leverage
/// cycles tab (its daily returns) and `cycles-qq` for its QQ plot, `options` for the
/// options-leverage tab and `markets-price` for the Markets tab (whose demos name a system
/// preset, [`Demo::system`]).
pub const CHARTS: [&str; 12] = [
    "price",
    "liquidations",
    "map",
    "oi",
    "fund",
    "funding",
    "amplification",
    "phase",
    "cycles",
    "cycles-qq",
    "options",
    "markets-price",
];

/// The unit money is counted in, as the page writes it: "USD" (the currency's code, which
/// `crate::format::money` writes as the locale's currency sign) or, on an inverse contract, the
/// coin's ticker its scenario names (`Market::coin`, e.g. "XBT") or the language's word for it.
pub fn money_unit(unit: flushlab_engine::outcome::MoneyUnit, coin: Option<&str>) -> &'static str {
    match unit {
        flushlab_engine::outcome::MoneyUnit::Usd => "USD",
        flushlab_engine::outcome::MoneyUnit::Coin => coin.map_or(text::text().summary.coin, intern),
    }
}

/// The unit a run's money is counted in ([`money_unit`] of its summary's unit and coin).
pub fn summary_unit(summary: &flushlab_engine::outcome::Summary) -> &'static str {
    money_unit(summary.money_unit, summary.coin.as_deref())
}

thread_local! {
    /// The coins' tickers the page has written, each kept once for the page's life (a few
    /// bytes each, validated to at most eight characters), so a unit stays a `&'static str`
    /// like the catalogue's words.
    static TICKERS: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn intern(ticker: &str) -> &'static str {
    TICKERS.with(|tickers| {
        let mut tickers = tickers.borrow_mut();
        if let Some(kept) = tickers.iter().find(|kept| **kept == ticker) {
            return *kept;
        }
        let kept: &'static str = Box::leak(ticker.to_owned().into_boxed_str());
        tickers.push(kept);
        kept
    })
}

/// Whether a control's unit counts money (USD or a coin), whose amounts may be typed as the
/// page writes them ("$50M", "1.5k").
pub fn is_money_unit(unit: &str) -> bool {
    matches!(unit, "USD" | "coins")
        || unit == text::text().summary.coin
        || TICKERS.with(|tickers| tickers.borrow().contains(&unit))
}

/// The glossary term each chart's caption links to.
pub fn chart_term(chart: &str) -> Option<&'static str> {
    Some(match chart {
        "price" => "mark-price",
        "liquidations" => "liquidation-cascade",
        "map" => "liquidation-price",
        "oi" => "open-interest",
        "fund" => "insurance-fund",
        "funding" => "funding-rate",
        "amplification" => "tipping-point",
        "phase" => "leverage-dynamics-assessment",
        "cycles-fan" | "cycles-tails" => "leverage-cycles",
        "cycles-returns" => "excess-kurtosis",
        "cycles-qq" => "qq-plot",
        "options-returns" | "options-decay" => "options-trading-leverage",
        "venues-price" => "leverage-control",
        _ => return None,
    })
}

/// The glossary term each "?" links to: a control by its element id, a panel by its heading's
/// id. Controls whose subject has no entry (the shock's kind, dip buyers) link to none.
pub const HELP_TERMS: [(&str, &str); 48] = [
    ("leverage-title", "leverage"),
    ("long-share", "leverage-skew"),
    ("picked-bar", "leverage"),
    ("shock-title", "leverage-flush"),
    ("shock-size", "leverage-flush"),
    ("market-title", "order-book-depth"),
    ("depth", "order-book-depth"),
    ("book-shape", "order-book-depth"),
    ("book-exponent", "order-book-depth"),
    ("resilient", "book-resilience"),
    ("half-life", "book-resilience"),
    ("withdrawal", "market-maker-withdrawal"),
    ("withdrawal-floor", "market-maker-withdrawal"),
    ("venue-title", "leverage-control"),
    ("maintenance-margin", "maintenance-margin"),
    ("liquidation-fee", "insurance-fund"),
    ("fee-in-trigger", "maintenance-margin"),
    ("insurance-fund", "insurance-fund"),
    ("partial-liquidation", "maintenance-margin"),
    ("throughput-cap", "throughput-cap"),
    ("cap-per-step", "throughput-cap"),
    ("adl", "auto-deleveraging"),
    ("circuit-breaker", "circuit-breaker"),
    ("breaker-move", "circuit-breaker"),
    ("breaker-window", "circuit-breaker"),
    ("breaker-halt", "circuit-breaker"),
    ("mark-smoothing", "mark-price"),
    ("traders-title", "leverage-deleveraging-spiral"),
    ("top-up", "liquidation-price"),
    ("delever", "leverage-deleveraging-spiral"),
    ("stop-losses", "stop-loss-order"),
    ("stop-distance", "stop-loss-order"),
    ("predators", "predatory-trading"),
    ("cppi", "leverage-management-in-cppi"),
    ("cppi-multiplier", "leverage-management-in-cppi"),
    ("cppi-floor", "leverage-management-in-cppi"),
    ("option-dealers", "gamma-hedging"),
    ("build-up", "funding-rate"),
    ("funding-premium", "leverage-skew"),
    ("venue-profile", "leverage-control"),
    ("leverage-control", "leverage-control"),
    ("liquidation-band", "liquidation-cascade"),
    ("block-limits", "liquidation-cascade"),
    ("control-fund", "leverage-control"),
    ("control-volatility", "leverage-control"),
    ("control-multiplier", "leverage-control"),
    ("adl-ranking", "auto-deleveraging"),
    ("option-vol", "implied-volatility"),
];

/// The glossary term the "?" of the control (or panel heading) with this element id links to.
pub fn help_term(id: &str) -> Option<&'static str> {
    HELP_TERMS
        .iter()
        .find(|(control, _)| *control == id)
        .map(|(_, term)| *term)
}

/// A scenario the text loads: a preset, edited; or, for the Markets tab (chart
/// `markets-price`), a system preset as it is.
#[derive(Clone, Copy)]
pub struct Demo {
    /// A preset's name (`flushlab_engine::presets`); a system preset's for the Markets tab.
    pub preset: &'static str,
    /// What to change in the preset (`|_| {}` for nothing); the named edits are in [`scenes`].
    pub edit: fn(&mut Scenario),
    /// The chart to highlight: one of [`CHARTS`].
    pub chart: &'static str,
    /// One sentence: what to look at in that chart.
    pub look_at: &'static str,
}

impl Demo {
    /// The system preset the demo shows on the Markets tab, if it is one.
    pub fn system(&self) -> Option<&'static str> {
        (self.chart == "markets-price").then_some(self.preset)
    }

    /// The preset's scenario with `edit` applied. (A preset name that does not exist would give
    /// the default scenario rather than stop the page; the tests check every demo's preset.)
    pub fn scenario(&self) -> Scenario {
        let mut scenario = presets::find(self.preset)
            .map(|preset| preset.scenario)
            .unwrap_or_else(presets::default_scenario);
        (self.edit)(&mut scenario);
        scenario
    }
}

/// Whether `scenario` is one of the examples the tour and the glossary load, as they load it
/// (not the reader's work: replaced, it is not kept to be offered back).
pub fn is_an_example(scenario: &Scenario) -> bool {
    tour::steps()
        .iter()
        .map(|step| step.demo)
        .chain(glossary::terms().iter().filter_map(|term| term.demo))
        .filter(|demo| demo.system().is_none())
        .any(|demo| demo.scenario() == *scenario)
}

impl std::fmt::Debug for Demo {
    fn fmt(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter
            .debug_struct("Demo")
            .field("preset", &self.preset)
            .field("chart", &self.chart)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_is_known_as_one_and_a_preset_as_it_came_is_not() {
        for step in tour::steps() {
            assert!(is_an_example(&step.demo.scenario()), "{}", step.title);
        }
        for term in glossary::terms() {
            if let Some(demo) = term.demo.filter(|demo| demo.system().is_none()) {
                assert!(is_an_example(&demo.scenario()), "{}", term.id);
            }
        }
        let mut edited = presets::default_scenario();
        edited.run.steps += 7;
        assert!(!is_an_example(&edited));
    }

    #[test]
    fn the_chart_names_are_the_pages_charts() {
        let mut pages: Vec<&str> = crate::charts::FLUSH_CHARTS
            .iter()
            .map(|chart| chart.name)
            .collect();
        pages.push("cycles");
        pages.push("cycles-qq");
        pages.push("options");
        pages.push("markets-price");
        assert_eq!(pages, CHARTS);
    }
}
