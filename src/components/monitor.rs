//! Leverage ratio monitoring, live: the crowd's leverage ratio, how much open interest sits
//! within 1%, 5% and 10% of its liquidation price, and how far the tipping point is. Each gauge
//! links to its glossary entry.

use leptos::prelude::*;

use flushlab_engine::analysis::monitor::DISTANCES_PCT;

use super::explainer::GlossaryLink;
use crate::analyses::Tipping;
use crate::catalogue::text::{fill, text};
use crate::format;
use crate::live::Live;

/// Leverage ratios the gauge spans (a crowd at 50x or more fills it).
pub(crate) const RATIO_FULL: f64 = 50.0;

/// A share of open interest within 1% of liquidation at which a crowd that runs away at the
/// smallest shock is said to be no steady state (the runaway presets hold 8.5-19.5%).
const UNSTEADY_WITHIN_1PCT: f64 = 0.03;

/// The gauges (absent until the first run).
#[component]
pub fn LeverageMonitor() -> impl IntoView {
    let live = expect_context::<Live>();
    let state = crate::state::use_state();
    let tipping = move || match live.tipping.get() {
        Tipping::Computing => text().monitor.computing.to_string(),
        Tipping::At(pct, _, _) => fill(
            text().monitor.tipping_at,
            &[("shock", &format::signed_pct(pct))],
        ),
        Tipping::Smooth(extent) => fill(
            text().monitor.smooth,
            &[
                ("extent", &format::percent(extent, 0)),
                (
                    "flush_word",
                    crate::headline::flush_word(state.scenario.with(|s| s.shock.is_up())),
                ),
            ],
        ),
        // The move that shock makes, not its amplification: "6.7x" beside the headline's
        // "1.03x" (its own shock's) read as a contradiction.
        Tipping::AtMost(shock, amplification, _) => fill(
            text().monitor.tipping_at_most,
            &[
                ("shock", &format::signed_pct(shock)),
                (
                    "move",
                    &crate::headline::unsigned_pct(shock.abs() * amplification),
                ),
            ],
        ),
        Tipping::NoShockNeeded(moved) => fill(
            text().monitor.no_shock_needed,
            &[("move", &crate::headline::unsigned_pct(moved))],
        ),
        Tipping::NotComputed => text().monitor.not_computed.to_string(),
    };
    // What a tipping point is, said of the one shown, or in general where there is none.
    let note = move || {
        let within_1pct = live.monitor.with(|monitor| {
            monitor
                .as_ref()
                .and_then(|m| m.share_within.first().copied())
        });
        let shock = live
            .outcome
            .with(|outcome| outcome.as_ref().map(|outcome| outcome.summary.shock_pct));
        tipping_note(live.tipping.get(), within_1pct, shock)
    };
    view! {
        <Show when=move || live.monitor.with(Option::is_some)>
            <section class="monitor" aria-label=text().monitor.label data-testid="monitor">
                <div class="gauge">
                    <span class="tile-label"><GlossaryLink id="leverage-ratio-monitoring" text=text().monitor.ratio /></span>
                    {move || live.monitor.get().map(|monitor| view! {
                        <meter min=0.0 max=RATIO_FULL value=monitor.leverage_ratio.min(RATIO_FULL)
                            aria-label=text().monitor.ratio></meter>
                        <span class="tile-value" data-testid="monitor-ratio">{format::factor(monitor.leverage_ratio, 1)}</span>
                        <span class="gauge-note">{fill(text().monitor.ratio_note, &[
                            ("open_interest", &format::usd(monitor.open_interest)),
                            ("collateral", &format::usd(monitor.collateral)),
                        ])}</span>
                    })}
                </div>
                <div class="gauge">
                    <span class="tile-label"><GlossaryLink id="liquidation-price" text=text().monitor.near_liquidation /></span>
                    {move || live.monitor.get().map(|monitor| DISTANCES_PCT.iter().zip(monitor.share_within).map(|(distance, share)| view! {
                        <span class="gauge-row">
                            <span>{fill(text().monitor.within, &[("distance", &format::percent(*distance, 0))])}</span>
                            <meter min=0.0 max=1.0 value=share aria-label=fill(text().monitor.within_label, &[("distance", &format::percent(*distance, 0))])></meter>
                            <span class="tile-value" data-testid=format!("monitor-within-{distance:.0}")>{format::percent(share * 100.0, 1)}</span>
                        </span>
                    }).collect_view())}
                    <span class="gauge-note">{text().monitor.near_note}</span>
                </div>
                <div class="gauge">
                    <span class="tile-label"><GlossaryLink id="tipping-point" text=text().monitor.tipping /></span>
                    <span class="tile-value" data-testid="monitor-tipping">{tipping}</span>
                    <span class="gauge-note">{note}</span>
                </div>
            </section>
        </Show>
    }
}

/// The tipping tile's note: what a tipping point is, said of the one shown (a step mostly made
/// by trading that needs no leverage, a runaway at the smallest shock and a second wave, a crowd
/// too close to liquidation to be a steady state: `within_1pct`, the share of open interest
/// within 1% of its liquidation price), or in general where there is none.
pub fn tipping_note(tipping: Tipping, within_1pct: Option<f64>, shock: Option<f64>) -> String {
    let words = &text().monitor;
    // Where the shown run's shock sits beside the tipping point, else what shocks beside it do.
    let tail = || {
        shock
            .and_then(|shock| run_beside(tipping, shock))
            .unwrap_or_else(|| words.tipping_note_tail.to_string())
    };
    match tipping {
        Tipping::At(_, _, None) | Tipping::Computing => {
            format!("{} {}", words.tipping_note, tail())
        }
        // The step is mostly selling that needs no leverage: said, with the 1x curve's step.
        Tipping::At(_, _, Some(step)) => format!(
            "{} {} {}",
            words.tipping_note,
            tail(),
            fill(
                words.tipping_note_unlevered,
                &[
                    ("from", &format::percent(step.from_pct, 1)),
                    ("to", &format::percent(step.to_pct, 1)),
                ],
            )
        ),
        // Not the steepest step: the curve's smallest shock already runs away (and a steeper
        // step further out, when there is one, is said apart).
        Tipping::AtMost(_, _, steepest) => {
            let mut note = words.tipping_note_at_most.to_string();
            if let Some(steepest) = steepest {
                note.push(' ');
                note.push_str(&fill(
                    words.tipping_note_steepest,
                    &[("shock", &format::signed_pct(steepest))],
                ));
            }
            // So close to liquidation that no market holds it for long: said.
            if let Some(share) = within_1pct.filter(|&share| share >= UNSTEADY_WITHIN_1PCT) {
                note.push(' ');
                note.push_str(&fill(
                    words.tipping_note_unsteady,
                    &[("share", &format::percent(share * 100.0, 1))],
                ));
            }
            note
        }
        // A move that needs no shock: the shown run's shock comes on top of it, and the
        // headline's ratio (its whole move over its shock) credits the shock with it too
        // (predators-at-work: "a 1.5% drop became a 6.9% flush (4.58x)", 4.5% of it unprompted).
        Tipping::NoShockNeeded(moved) => {
            let mut note = words.tipping_note_none.to_string();
            if let Some(shock) = shock.filter(|&shock| !format::shown_as_zero(shock)) {
                note.push(' ');
                note.push_str(&fill(
                    words.tipping_note_no_shock_run,
                    &[
                        ("shock", &format::signed_pct(shock)),
                        ("moved", &crate::headline::unsigned_pct(moved)),
                    ],
                ));
            }
            note
        }
        Tipping::Smooth(_) | Tipping::NotComputed => words.tipping_note_none.to_string(),
    }
}

/// Where the shown run's `shock` (%) sits beside a tipping point at a shock the same way: short
/// of its step, on it (past the curve's shock before it: 2025-10-10's -7.76% between -7% and
/// -8% was said to stop short, and its dot sat near the top of the jump), or past it (none for
/// any other kind of tile, or a shock the other way).
fn run_beside(tipping: Tipping, shock: f64) -> Option<String> {
    let Tipping::At(at, from, _) = tipping else {
        return None;
    };
    if at * shock <= 0.0 {
        return None;
    }
    let words = &text().monitor;
    // As the tile and the note write them (a -7.96% shock is at a -8.0% tipping point).
    let tenths = |pct: f64| (pct.abs() * 10.0).round();
    let line = if tenths(shock) >= tenths(at) {
        words.tipping_run_past
    } else if tenths(shock) > tenths(from) {
        words.tipping_run_on
    } else {
        words.tipping_run_short
    };
    Some(fill(
        line,
        &[
            ("shock", &format::signed_pct(shock)),
            ("from", &format::signed_pct(from)),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::{run_beside, tipping_note};
    use crate::analyses::{Tipping, UnleveredStep};

    /// The note says what kind of tipping point the tile shows: leverage's step, a step the 1x
    /// curve takes too, a runaway at the smallest shock (with its second wave, and, for a crowd
    /// with 3% or more within 1% of liquidation, that it is no steady state).
    #[test]
    fn the_tipping_note_says_what_kind_of_tipping_point_it_is() {
        let plain = tipping_note(Tipping::At(-8.0, -7.0, None), None, None);
        assert!(plain.starts_with("The steepest step"), "{plain}");
        assert!(!plain.contains("1x"));
        let step = UnleveredStep {
            from_pct: 3.6,
            to_pct: 5.7,
        };
        let stops = tipping_note(Tipping::At(-4.0, -3.0, Some(step)), Some(0.003), None);
        assert!(stops.contains("from 3.6% to 5.7%"), "{stops}");
        let runaway = tipping_note(
            Tipping::AtMost(-1.0, 6.7, Some(-9.0)),
            Some(0.195),
            Some(-7.0),
        );
        assert!(runaway.contains("at -9.0%"), "{runaway}");
        assert!(
            runaway.contains("With 19.5% of the open interest within 1%"),
            "{runaway}"
        );
        let calm = tipping_note(Tipping::AtMost(-1.0, 4.2, None), Some(0.01), None);
        assert!(!calm.contains("within 1%"), "{calm}");
    }

    /// The tile says whether the run shown stops short of its tipping point or is past it.
    #[test]
    fn the_tipping_tile_places_the_run_beside_its_tipping_point() {
        let at = Tipping::At(-8.0, -7.0, None);
        let short = run_beside(at, -6.76).unwrap();
        assert!(
            short.contains("-6.8%") && short.contains("short of it"),
            "{short}"
        );
        // Between the step's two shocks: on it, not short of it.
        let on = run_beside(at, -7.76).unwrap();
        assert!(
            on.contains("-7.8%") && on.contains("on that step") && on.contains("-7.0%"),
            "{on}"
        );
        assert!(run_beside(at, -7.0).unwrap().contains("short of it"));
        let past = run_beside(at, -7.96).unwrap();
        assert!(
            past.contains("past it"),
            "as written, -8.0% is at it: {past}"
        );
        // In the note, in place of what shocks beside it do.
        let note = tipping_note(at, None, Some(-6.76));
        assert!(note.ends_with(&short), "{note}");
        assert!(!note.contains("and so, mostly"), "{note}");
        let unknown = tipping_note(at, None, None);
        assert!(
            unknown.ends_with("and so, mostly, are bigger ones."),
            "{unknown}"
        );
        assert!(run_beside(at, -20.0).unwrap().contains("past it"));
        assert_eq!(run_beside(at, 3.0), None, "a shock the other way");
        assert_eq!(
            run_beside(Tipping::At(5.0, 4.0, None), 4.0).map(|s| s.contains("short")),
            Some(true)
        );
        assert_eq!(run_beside(Tipping::Computing, -7.76), None);
        assert_eq!(run_beside(Tipping::AtMost(-1.0, 4.2, None), -7.76), None);
    }

    /// A move that needs no shock: the note says the run's shock adds to it, and that the
    /// headline's ratio counts the crowd's own move as the shock's; with no shock, nothing.
    #[test]
    fn a_move_that_needs_no_shock_says_the_headlines_ratio_counts_it() {
        let note = tipping_note(Tipping::NoShockNeeded(4.5), None, Some(-1.5));
        assert!(
            note.contains(
                "This run's -1.5% shock adds to that 4.5%; the headline's amplification counts both"
            ),
            "{note}"
        );
        let none = tipping_note(Tipping::NoShockNeeded(4.5), None, Some(0.0));
        assert_eq!(
            none,
            crate::catalogue::text::text().monitor.tipping_note_none
        );
    }
}
