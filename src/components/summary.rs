//! The headline sentence and the summary numbers of the run (or of the playback step).

use std::sync::Arc;

use flushlab_engine::Outcome;
use leptos::prelude::*;

use crate::catalogue::text::{fill, text};
use crate::format;
use crate::headline::{liquidated_unit, notes};
use crate::state::use_state;

/// The unit the charts' time axes read in for `outcome`'s run (its last step's time is its length).
fn run_time_scale(outcome: &Outcome) -> crate::charts::TimeScale {
    crate::charts::TimeScale::of(outcome.steps.last().map_or(0.0, |step| step.t_s))
}

/// A tile's classes: a value that is a list of clauses (the funding build-up's, the traders' own
/// moves, portfolio insurance's), or an amount with a long count ("$6.76bn · 23,734 of 100,000
/// modelled positions"), spans two columns, where one column made it a tall, narrow tile of
/// five or six lines; a short one stays in one.
pub fn tile_class(value: &str) -> &'static str {
    let joined = value.contains(", ") || value.contains("; ") || value.contains(" · ");
    if joined && value.chars().count() > LONG_TILE_CHARS {
        "tile wide-tile"
    } else {
        "tile"
    }
}

/// A list of clauses, or an amount with its count, longer than this takes two columns
/// ([`tile_class`]).
const LONG_TILE_CHARS: usize = 32;

/// The summary tiles (label, value) of a run, or of the playback step at `cursor` (a tile in
/// front). The headline (`crate::headline`) formats the same numbers the same way.
/// `positions`: how many positions the run's crowd holds (the model's sample of the market's
/// traders), which the liquidated count is read against.
pub fn tiles(outcome: &Outcome, positions: usize, cursor: Option<usize>) -> Vec<(String, String)> {
    let summary = &outcome.summary;
    let words = &text().summary;
    let unit = crate::catalogue::summary_unit(summary);
    let counted = liquidated_unit(unit);
    // The extreme the price went furthest to: a squeeze's peak, a flush's trough, whichever
    // way the shock pointed (a crowd can move the price against a small one).
    let up = crate::headline::rises(summary);
    let (extreme_label, extreme, extreme_pct) = if up {
        (words.peak, summary.max_price, summary.max_rise_pct)
    } else {
        (words.trough, summary.min_price, -summary.max_drawdown_pct)
    };
    let liquidated = summary.liquidated_notional_usd_long + summary.liquidated_notional_usd_short;
    let count = summary.liquidated_count_long + summary.liquidated_count_short;
    let mut tiles = vec![
        (
            extreme_label.to_string(),
            format!(
                "{} ({})",
                format::price(extreme),
                format::signed_pct(extreme_pct)
            ),
        ),
        (
            words.shock_alone.to_string(),
            format::signed_pct(summary.shock_pct),
        ),
        (
            words.amplification.to_string(),
            // With no shock there is nothing to amplify (a build-up's funding set it off), nor
            // when the price went the other way.
            if summary.shock_pct == 0.0 {
                words.no_shock.to_string()
            } else if crate::headline::went_against(summary) {
                words.against_shock.to_string()
            } else {
                format::amplification(summary.amplification)
            },
        ),
        (
            words.liquidated.to_string(),
            fill(
                words.liquidated_value,
                &[
                    ("amount", &format::money(liquidated, counted)),
                    ("count", &format::count(count)),
                    ("total", &format::count(positions as u64)),
                ],
            ),
        ),
        (
            words.longs_shorts.to_string(),
            format!(
                "{} / {}",
                format::money(summary.liquidated_notional_usd_long, counted),
                format::money(summary.liquidated_notional_usd_short, counted)
            ),
        ),
        (
            words.fund_left.to_string(),
            format::money(summary.insurance_fund_end_usd, unit),
        ),
        (
            words.auto_deleveraged.to_string(),
            format::money(summary.adl_notional_usd, unit),
        ),
        (
            words.bad_debt.to_string(),
            format::money(summary.bad_debt_usd, unit),
        ),
    ];
    if let Some(cppi) = &summary.cppi {
        let floor = if cppi.shortfall_usd > 0.0 {
            fill(
                words.below_floor,
                &[("amount", &format::usd(cppi.shortfall_usd))],
            )
        } else {
            words.floor_kept.to_string()
        };
        tiles.push((
            words.insured.to_string(),
            fill(
                words.insured_value,
                &[
                    ("sold", &side_amount(cppi.sold_usd)),
                    ("bought", &side_amount(cppi.bought_usd)),
                    ("floor", &floor),
                ],
            ),
        ));
    }
    if let Some(dealers) = &summary.dealers {
        tiles.push((
            words.dealers.to_string(),
            fill(
                words.dealers_value,
                &[
                    ("sold", &side_amount(dealers.sold_usd)),
                    ("bought", &side_amount(dealers.bought_usd)),
                ],
            ),
        ));
    }
    // What the traders did themselves (the headline names the stop-losses' selling; margin
    // added, size closed by choice and the dip buyers had no tile). The stop-losses' selling is
    // part of the size closed by choice (the same trades, at their fills).
    let stops_sold = crate::headline::stops_sold_usd(outcome);
    let mut moves = Vec::new();
    if summary.top_ups_usd > 0.0 {
        moves.push(fill(
            words.traders_topped_up,
            &[("amount", &format::money(summary.top_ups_usd, unit))],
        ));
    }
    let closed = format::money(summary.delevered_notional_usd, counted);
    match (summary.delevered_notional_usd > 0.0, stops_sold > 0.0) {
        (true, true) => moves.push(fill(
            words.traders_closed_stops,
            &[("amount", &closed), ("stops", &format::usd(stops_sold))],
        )),
        (true, false) => moves.push(fill(words.traders_closed, &[("amount", &closed)])),
        (false, true) => moves.push(fill(
            words.stops_sold,
            &[("amount", &format::usd(stops_sold))],
        )),
        (false, false) => {}
    }
    if summary.dip_buyers_bought_usd > 0.0 {
        moves.push(fill(
            words.traders_dip_bought,
            &[("amount", &format::usd(summary.dip_buyers_bought_usd))],
        ));
    }
    if !moves.is_empty() {
        tiles.push((
            words.traders_moves.to_string(),
            moves.join(words.list_comma),
        ));
    }
    // Predators pushed the price into the cluster and bought back from the forced sellers: what
    // they made is the mechanism's point (their selling is in the price path).
    if summary.predator_pnl_usd != 0.0 {
        tiles.push((
            words.predators.to_string(),
            format::usd(summary.predator_pnl_usd),
        ));
    }
    if summary.backstopped_usd > 0.0 {
        tiles.push((
            words.backstopped.to_string(),
            format::money(summary.backstopped_usd, counted),
        ));
    }
    if let Some(build_up) = &outcome.build_up {
        let (payers, paid) =
            crate::headline::funding_payers(build_up).unwrap_or((words.longs, 0.0));
        tiles.push((
            words.funding.to_string(),
            fill(
                if format::shown_as_zero(summary.shock_pct) {
                    words.funding_value_no_shock
                } else {
                    words.funding_value
                },
                &[
                    ("payers", payers),
                    ("amount", &format::money(paid, unit)),
                    ("hours", &crate::headline::build_up_hours(outcome)),
                    (
                        "liquidated",
                        &format::money(
                            build_up.liquidated_long_usd + build_up.liquidated_short_usd,
                            counted,
                        ),
                    ),
                ],
            ),
        ));
    }
    if let Some(step) = cursor.and_then(|c| outcome.steps.get(c)) {
        let so_far: f64 = outcome
            .steps
            .iter()
            .take_while(|s| s.t_s <= step.t_s)
            .map(|s| s.liquidated_long_usd + s.liquidated_short_usd)
            .sum();
        tiles.insert(
            0,
            (
                fill(
                    words.at_time,
                    &[("time", &run_time_scale(outcome).label(step.t_s))],
                ),
                fill(
                    words.so_far,
                    &[
                        ("price", &format::price(step.last)),
                        ("amount", &format::usd(so_far)),
                    ],
                ),
            ),
        );
    }
    tiles
}

/// What one side of an algorithm's trading came to: its amount, or "under $1k" for an amount
/// that would read as a slip beside the other side's millions ("$4 bought").
fn side_amount(amount: f64) -> String {
    const ROUND: f64 = 1_000.0;
    if amount > 0.0 && amount < ROUND {
        fill(
            text().summary.under_amount,
            &[("amount", &format::tick(ROUND, true))],
        )
    } else {
        format::usd(amount)
    }
}

/// Whether what the summary and headline show is about to change: the newest scenario's run is
/// in flight, or outcomes are still coming in a drag (never, in a bare test mount without Live).
/// Screen readers wait for it to clear before announcing them.
fn busy() -> Signal<bool> {
    match use_context::<crate::live::Live>() {
        Some(live) => Signal::derive(move || live.running.get() || live.moving.get()),
        None => Signal::stored(false),
    }
}

/// The summary strip.
#[component]
pub fn Summary(
    /// The latest outcome (None until the first run).
    outcome: RwSignal<Option<Arc<Outcome>>>,
    /// How many positions the scenario of `outcome` holds.
    positions: RwSignal<usize>,
) -> impl IntoView {
    let state = use_state();
    let busy = busy();
    let tiles = move || {
        let outcome = outcome.get()?;
        Some(tiles(
            &outcome,
            positions.get(),
            state.playback.get().cursor,
        ))
    };
    view! {
        // Not a live region: the headline, which is, says its figures in a sentence (read both,
        // a screen reader said every figure twice after each run).
        <section class="summary" data-testid="summary" aria-label=text().summary.label aria-busy=move || busy.get().to_string()>
            {move || tiles().unwrap_or_default().into_iter().map(|(label, value)| {
                let class = tile_class(&value);
                view! {
                    <div class=class><span class="tile-label">{label}</span><span class="tile-value">{value}</span></div>
                }
            }).collect_view()}
        </section>
    }
}

/// The headline sentence above the charts (empty until the first run).
#[component]
pub fn Headline(
    /// The latest outcome (None until the first run).
    outcome: RwSignal<Option<Arc<Outcome>>>,
) -> impl IntoView {
    let busy = busy();
    // The scenario that ran, not the controls' (during a drag already the next one's: its shock
    // beside the last run's figures read "-24.5%" in a run whose shock alone had moved -23.3%).
    let live = expect_context::<crate::live::Live>();
    // Under it the notes (not announced on every drag input: they are part of the headline's
    // region only by place). `held`: those shown when no drag was on, which keep their places
    // during one (`headline::during_drag`); None before a run's were shown (the first outcomes
    // can come close together as a page opens: taken for a drag, its notes waited).
    let held = StoredValue::new(None::<Vec<crate::headline::Note>>);
    let notes = move || {
        // Held only from a run's notes (the page's state before its first run has none).
        let Some(fresh) = outcome.with(|outcome| {
            let outcome = outcome.as_deref()?;
            live.outcome_scenario
                .with(|ran| Some(notes(ran.as_deref()?, outcome)))
        }) else {
            return Vec::new();
        };
        if live.moving.get() {
            if let Some(kept) = held.with_value(|held| {
                held.as_ref()
                    .map(|held| crate::headline::during_drag(held, &fresh))
            }) {
                return kept;
            }
        }
        held.set_value(Some(fresh.clone()));
        fresh.into_iter().map(|note| (note, true)).collect()
    };
    // Its height as a drag began, held while it runs: on one column the shock slider sits
    // below it, and a headline a line longer (the ramp clause coming) moved the slider under
    // the finger where the browser does not anchor the scroll (Safari). The style sheet holds
    // it there alone (`.headline.held`); it takes its height again as the drag ends.
    let headline_ref = NodeRef::<leptos::html::P>::new();
    let held_height = RwSignal::new(None::<f64>);
    // Measured a frame after the first outcome of the drag, once it is written (measured at
    // once, the height could be the text's before it: a typed change's longer headline was cut
    // for the settling time).
    Effect::new(move || {
        if !live.moving.get() {
            held_height.set(None);
        } else if held_height.get_untracked().is_none() {
            request_animation_frame(move || {
                let still = live.moving.get_untracked() && held_height.get_untracked().is_none();
                if let Some(element) = headline_ref.get_untracked().filter(|_| still) {
                    // Its exact height (offsetHeight rounds: a 71.5 px headline held at 72 moved
                    // what is under it by a pixel).
                    held_height.set(Some(element.get_bounding_client_rect().height()));
                }
            });
        }
    });
    let held_style = move || held_height.get().map(|px| format!("--held-height: {px}px"));
    view! {
        <p class="headline" node_ref=headline_ref class:held=move || held_height.get().is_some()
            style=held_style
            data-testid="headline" aria-live="polite" aria-busy=move || busy.get().to_string()>{move || live.ran_headline().unwrap_or_default()}</p>
        {move || notes().into_iter().map(|(note, shown)| view! {
            <p class=note.class class:held-note=!shown data-testid=note.testid role="note"
                aria-hidden=(!shown).then_some("true")>{note.text}</p>
        }).collect_view()}
    }
}

#[cfg(test)]
mod tests {
    use super::tiles;
    use crate::catalogue::text::text;
    use crate::format;

    fn tiles_of(name: &str) -> Vec<(String, String)> {
        let scenario = flushlab_engine::presets::find(name)
            .expect("a preset")
            .scenario;
        tiles(
            &flushlab_engine::simulate(&scenario).expect("it runs"),
            scenario.position_count(),
            None,
        )
    }

    /// The traders' own moves have a tile: what the headline says of the stop-losses, margin
    /// added in the contract's money, the dip buyers; none where the traders did nothing.
    #[test]
    fn the_traders_own_moves_have_a_tile() {
        let moves = |name: &str| {
            tiles_of(name)
                .into_iter()
                .find(|(label, _)| label == "Traders' own moves")
                .map(|(_, value)| value)
        };
        let stops = moves("btc-2024-08-05").expect("the 2024 crowd's stop-losses");
        let scenario = flushlab_engine::presets::find("btc-2024-08-05")
            .expect("a preset")
            .scenario;
        let said = crate::headline::headline(
            &scenario,
            &flushlab_engine::simulate(&scenario).expect("it runs"),
        );
        // The same amount: the headline's "stop-losses sold $2.09bn".
        let (_, sold) = stops
            .split_once("stop-losses among them selling ")
            .expect("the stop-losses' part");
        assert!(
            said.contains(&format!("stop-losses sold {sold}")),
            "{said} / {stops}"
        );
        let adjusting = moves("inverse-traders-adjust").expect("traders who adjust");
        assert!(
            adjusting.contains(" BTC of margin") && adjusting.contains("dip buyers bought $"),
            "{adjusting}"
        );
        assert_eq!(moves("calm-market"), None);
    }

    /// A tile of clauses, or an amount with its long count, spans two columns; a short value
    /// one.
    #[test]
    fn a_tile_of_clauses_takes_two_columns() {
        use super::tile_class;
        let class = |name: &str, label: &str| {
            let tiles = tiles_of(name);
            let (_, value) = tiles
                .iter()
                .find(|(tile, _)| tile == label)
                .unwrap_or_else(|| panic!("{name}: a {label} tile"));
            tile_class(value)
        };
        assert_eq!(class("funding-bleed", "Funding build-up"), "tile wide-tile");
        assert_eq!(
            class("inverse-traders-adjust", "Traders' own moves"),
            "tile wide-tile"
        );
        assert_eq!(
            class("portfolio-insurance", "Portfolio insurance"),
            "tile wide-tile"
        );
        assert_eq!(class("bitmex-2020-03-12", "Liquidated"), "tile wide-tile");
        assert_eq!(class("btc-2025-10-10", "Longs / shorts"), "tile");
        assert_eq!(class("btc-2025-10-10", "Trough"), "tile");
    }

    #[test]
    fn the_liquidated_count_is_read_against_the_models_positions() {
        for name in ["btc-2025-10-10", "calm-market", "bitmex-2020-03-12"] {
            let scenario = flushlab_engine::presets::find(name)
                .expect("a preset")
                .scenario;
            let total = format::count(scenario.position_count() as u64);
            let tiles = tiles_of(name);
            let (_, liquidated) = tiles
                .iter()
                .find(|(label, _)| label == "Liquidated")
                .expect("a Liquidated tile");
            assert!(
                liquidated.ends_with(&format!(" of {total} modelled positions")),
                "{name}: {liquidated}"
            );
        }
    }

    #[test]
    fn a_side_that_traded_little_is_said_under_a_round_amount() {
        assert_eq!(super::side_amount(4.0), "under $1k");
        assert_eq!(super::side_amount(0.0), "$0");
        assert_eq!(super::side_amount(1_000.0), format::usd(1_000.0));
        assert_eq!(super::side_amount(295e6), format::usd(295e6));
    }

    #[test]
    fn the_predators_profit_has_a_tile_where_predators_trade() {
        let label = text().summary.predators;
        let predators = tiles_of("predators-at-work");
        let (_, value) = predators
            .iter()
            .find(|(name, _)| name == label)
            .expect("a predators tile");
        assert!(value.starts_with('$'), "a profit: {value}");
        assert!(tiles_of("calm-market")
            .iter()
            .all(|(name, _)| name != label));
    }
}
