//! What the catalogue's tests share: running a demo (as given or varied), counting sentences,
//! and the checks every demo must pass to be loadable by the page.

use flushlab_engine::analysis::{cycles, Cycles, CyclesConfig};
use flushlab_engine::outcome::Summary;
use flushlab_engine::{presets, simulate, Outcome, Scenario};

use flushlab_engine::scenario::Positions;

use super::{Demo, CHARTS};
use crate::analyses::CurveView;
use crate::session::Session;

/// The demo's scenario with `change` applied on top.
pub fn varied(demo: &Demo, change: impl FnOnce(&mut Scenario)) -> Scenario {
    let mut scenario = demo.scenario();
    change(&mut scenario);
    scenario
}

/// The demo's preset as it is, without the demo's edit.
pub fn preset_of(demo: &Demo) -> Scenario {
    presets::find(demo.preset)
        .map(|preset| preset.scenario)
        .unwrap_or_else(|| panic!("no preset {}", demo.preset))
}

/// The engine's outcome of a scenario the test built (valid by construction).
pub fn outcome(scenario: &Scenario) -> Outcome {
    simulate(scenario).unwrap_or_else(|error| panic!("a valid scenario: {error}"))
}

pub fn summary(scenario: &Scenario) -> Summary {
    outcome(scenario).summary
}

/// The leverage-cycle Monte Carlo as the cycles tab runs it (the engine's default settings on
/// the scenario's market).
pub fn cycles_of(scenario: &Scenario) -> Cycles {
    let key = crate::analyses::cycles_key(scenario);
    cycles(&key, &CyclesConfig::default()).unwrap_or_else(|error| panic!("cycles: {error}"))
}

/// The quiet 10-25x market's claim (tour step 2, the tipping point's entry): a 3% drop stays a
/// move of about 3% and liquidates almost nobody; a 4% drop runs well past 6%; and the page's
/// amplification curve (the same runs, shock by shock) puts its tipping point at 4%.
pub fn tips_between_3_and_4_pct(demo: &Demo) {
    let four = demo.scenario();
    assert_eq!(four.shock.pct, -4.0);
    let three = varied(demo, |scenario| scenario.shock.pct = -3.0);
    let (small, large) = (summary(&three), summary(&four));
    let long_open_interest = match &four.positions {
        Positions::Generate(crowd) => crowd.open_interest_usd * crowd.long_share,
        Positions::List(_) => panic!("a generated crowd"),
    };
    assert!(
        small.max_drawdown_pct < 3.5,
        "about 3%: {}",
        small.max_drawdown_pct
    );
    assert!(small.liquidated_notional_usd_long < 0.05 * long_open_interest);
    assert!(
        large.max_drawdown_pct > 6.0,
        "past 6%: {}",
        large.max_drawdown_pct
    );
    let mut curve = CurveView::plan(&four);
    let mut session = Session::default();
    while curve.step(&mut session) {}
    assert_eq!(curve.critical_shock_pct, Some(-4.0));
}

/// Sentences in a text: a full stop, question or exclamation mark at the end or before a space
/// ends one (decimal points and "$6.8bn" do not).
pub fn sentences(text: &str) -> usize {
    let bytes = text.trim().as_bytes();
    bytes
        .iter()
        .enumerate()
        .filter(|&(at, &byte)| {
            matches!(byte, b'.' | b'?' | b'!') && bytes.get(at + 1).is_none_or(|&next| next == b' ')
        })
        .count()
}

/// What makes a demo loadable: its preset exists, its scenario is valid and within the page's
/// work budget, its chart is a real chart, and it says in one sentence what to look at.
pub fn check_loadable(demo: &Demo, whose: &str) {
    if let Some(system) = demo.system() {
        let preset = presets::find_system(system)
            .unwrap_or_else(|| panic!("{whose}: no system preset {system}"));
        let view = crate::markets::MarketsView::plan(&preset.system, 0.0);
        assert_eq!(view.problem, None, "{whose}: over the page's budget");
        assert_eq!(sentences(demo.look_at), 1, "{whose}: {}", demo.look_at);
        return;
    }
    assert!(
        presets::find(demo.preset).is_some(),
        "{whose}: no preset {}",
        demo.preset
    );
    let scenario = demo.scenario();
    if let Err(error) = scenario.validate() {
        panic!("{whose}: the demo's scenario is invalid: {error}");
    }
    assert_eq!(
        crate::analyses::run_allowed(&scenario, 0.0),
        Ok(()),
        "{whose}: over the page's budget"
    );
    assert!(
        CHARTS.contains(&demo.chart),
        "{whose}: chart {}",
        demo.chart
    );
    assert_eq!(sentences(demo.look_at), 1, "{whose}: {}", demo.look_at);
}

#[test]
fn sentences_are_counted_at_their_ends_only() {
    assert_eq!(sentences("A 9.5% fall. About $6.8bn of longs!"), 2);
    assert_eq!(sentences("One, with 0.5% and 1.5%."), 1);
    assert_eq!(sentences("Is it? Yes. No"), 2);
}
