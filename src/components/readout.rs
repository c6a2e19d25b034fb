//! The run at a glance, pinned to the top of a phone's screen while the reader is at the
//! controls: on one column the headline and the price chart sit above the shock slider and the
//! leverage editor, so a drag there changed figures the reader could not see. It shows the
//! headline's figures in short and the price path in small, and only while both are scrolled
//! away above and the controls are on screen (an IntersectionObserver, no work on scroll), on
//! the flush's tab (the others' panels are not this run's charts).

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

use flushlab_engine::Outcome;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::catalogue::text::{fill, text};
use crate::format;
use crate::state::{use_state, Tab};

/// What the readout says of a run: its furthest move, the shock alone's, the amplification
/// (None where there is none to speak of: no shock, or the price went the other way) and what
/// was liquidated. The same figures, formatted the same way, as the summary's tiles.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    pub extreme: String,
    pub shock: String,
    pub amplification: Option<String>,
    pub liquidated: String,
}

/// The readout's figures of `outcome`.
pub fn figures(outcome: &Outcome) -> Figures {
    let summary = &outcome.summary;
    let words = &text().summary;
    let (label, pct) = if crate::headline::rises(summary) {
        (words.peak, summary.max_rise_pct)
    } else {
        (words.trough, -summary.max_drawdown_pct)
    };
    let amplification =
        (summary.shock_pct != 0.0 && !crate::headline::went_against(summary)).then(|| {
            fill(
                words.readout_amplified,
                &[("factor", &format::amplification(summary.amplification))],
            )
        });
    let unit = crate::headline::liquidated_unit(crate::catalogue::summary_unit(summary));
    let liquidated = summary.liquidated_notional_usd_long + summary.liquidated_notional_usd_short;
    Figures {
        extreme: format!("{label} {}", format::signed_pct(pct)),
        shock: fill(
            words.readout_shock,
            &[("pct", &format::signed_pct(summary.shock_pct))],
        ),
        amplification,
        liquidated: fill(
            words.readout_liquidated,
            &[("amount", &format::money(liquidated, unit))],
        ),
    }
}

/// The price path in small (an SVG path in a 1000 x 1000 box, drawn stretched): the last
/// price, and the start level it left.
pub fn sparkline(outcome: &Outcome) -> (String, f64) {
    let (times, last, _) = crate::charts::price::paths(outcome, crate::charts::TimeScale::Seconds);
    let start = outcome.summary.start_price;
    let low = last.iter().copied().fold(start, f64::min);
    let high = last.iter().copied().fold(start, f64::max);
    let span = (high - low).max(start * 1e-4);
    let end = times.last().copied().unwrap_or(0.0).max(1e-9);
    let x = |t: f64| t / end;
    let y = |price: f64| 0.06 + 0.88 * (1.0 - (price - low) / span);
    (
        crate::first_view::path(&times, &last, &x, &y),
        1000.0 * y(start),
    )
}

/// The pinned readout (the full page's, not an embed's).
#[component]
pub fn Readout() -> impl IntoView {
    let live = expect_context::<crate::live::Live>();
    let betting = expect_context::<crate::components::bet::Betting>();
    let state = use_state();
    // The headline and the price chart are above the screen; the controls are on it.
    let above = RwSignal::new(false);
    let at_controls = RwSignal::new(false);
    let observer = Watch::new(above, at_controls);
    // The headline and the charts are mounted again when the tab changes: watched again.
    Effect::new(move |_| {
        state.tab.track();
        let observer = observer.clone();
        request_animation_frame(move || observer.rewatch());
    });
    let shown = move || {
        above.get()
            && at_controls.get()
            && state.tab.get() == Tab::Flush
            && live.outcome.with(Option::is_some)
            && !state.scenario.with(|scenario| betting.hiding(scenario))
    };
    // Drawn only while shown: a wide screen's drag, or one with the headline in view, pays
    // nothing for it.
    let body = move || {
        if !shown() {
            return None;
        }
        let outcome: Arc<Outcome> = live.outcome.get()?;
        let figures = figures(&outcome);
        let (path, start) = sparkline(&outcome);
        Some(view! {
            <svg class="readout-line" viewBox="0 0 1000 1000" preserveAspectRatio="none" aria-hidden="true">
                <line class="readout-start" x1="0" x2="1000" y1=format!("{start:.1}") y2=format!("{start:.1}") />
                <path d=path />
            </svg>
            <span class="readout-figures">
                <strong>{figures.extreme}</strong>
                {figures.amplification.map(|amplification| view! { " · " <strong>{amplification}</strong> })}
                <span class="readout-rest">{figures.shock} " · " {figures.liquidated}</span>
            </span>
        })
    };
    view! {
        // Not read out: the headline above says the same in a sentence, and is the live region.
        <div class="readout" class:shown=shown data-testid="readout" aria-hidden="true"
            title=text().summary.readout_label>
            {body}
        </div>
    }
}

/// Which of the readout's landmarks are where.
#[derive(Clone)]
struct Watch {
    observer: Option<web_sys::IntersectionObserver>,
    /// Headline and price chart gone up off the screen (a missing one counts as gone), the
    /// controls on it.
    states: Rc<[Cell<bool>; 3]>,
}

/// What the watch looks for: the headline, the price chart's card, the controls, the app's (the
/// first view, index.html's copy of the first screen, has its own until it hands over).
const WATCHED: [&str; 3] = [
    ".app [data-testid=headline]",
    ".app .chart-card:has([data-testid=chart-price])",
    ".app > .layout > .controls",
];

impl Watch {
    fn new(above: RwSignal<bool>, at_controls: RwSignal<bool>) -> Watch {
        let states: Rc<[Cell<bool>; 3]> =
            Rc::new([Cell::new(true), Cell::new(true), Cell::new(false)]);
        let seen = states.clone();
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            for entry in entries.iter() {
                let Ok(entry) = entry.dyn_into::<web_sys::IntersectionObserverEntry>() else {
                    continue;
                };
                let target = entry.target();
                let Some(which) = WATCHED
                    .iter()
                    .position(|selector| target.matches(selector).unwrap_or(false))
                else {
                    continue;
                };
                // The headline or the chart counts as gone up once less than half of it is left
                // on screen, at the top.
                let state = if which == 2 {
                    entry.is_intersecting()
                } else {
                    let share = if entry.is_intersecting() {
                        entry.intersection_ratio()
                    } else {
                        0.0
                    };
                    share < 0.5 && target.get_bounding_client_rect().top() < 0.0
                };
                seen[which].set(state);
            }
            above.try_set(seen[0].get() && seen[1].get());
            // On one column only (the stylesheet's breakpoint): a wide screen's sticky controls
            // are always on it, and its readout is not drawn.
            at_controls.try_set(seen[2].get() && crate::browser::is_narrow());
        });
        let options = web_sys::IntersectionObserverInit::new();
        let thresholds = js_sys::Array::new();
        for threshold in [0.0, 0.25, 0.5, 0.75, 1.0] {
            thresholds.push(&threshold.into());
        }
        options.set_threshold(&thresholds);
        let observer = web_sys::IntersectionObserver::new_with_options(
            callback.as_ref().unchecked_ref(),
            &options,
        )
        .ok();
        // Lives as long as the page (the readout is mounted once).
        callback.forget();
        Watch { observer, states }
    }

    /// Watches the landmarks as they are now on the page.
    fn rewatch(&self) {
        let Some(observer) = &self.observer else {
            return;
        };
        observer.disconnect();
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return;
        };
        for (which, selector) in WATCHED.iter().enumerate() {
            match document.query_selector(selector).ok().flatten() {
                Some(element) => observer.observe(&element),
                // None on this tab: as if it were above (the controls: as if off screen).
                None => self.states[which].set(which != 2),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str) -> Outcome {
        let scenario = flushlab_engine::presets::find(name)
            .expect("a preset")
            .scenario;
        flushlab_engine::simulate(&scenario).expect("it runs")
    }

    /// The readout's figures are the summary tiles' (same numbers, same formatting).
    #[test]
    fn the_readout_says_what_the_tiles_say() {
        for name in ["over-levered-longs", "btc-2025-10-10", "short-squeeze"] {
            let outcome = run(name);
            let figures = figures(&outcome);
            let tiles = crate::components::summary::tiles(&outcome, 0, None);
            let (label, extreme) = &tiles[0];
            // "Trough $104,200 (-7.2%)": the readout's "Trough -7.2%".
            let pct = extreme
                .rsplit_once(" (")
                .map(|(_, pct)| pct.trim_end_matches(')'))
                .expect("a percentage");
            assert_eq!(figures.extreme, format!("{label} {pct}"), "{name}");
            assert_eq!(figures.shock, format!("shock {}", tiles[1].1), "{name}");
            assert_eq!(
                figures.amplification,
                Some(format!("{} amplified", tiles[2].1)),
                "{name}"
            );
            let amount = tiles[3].1.split(" · ").next().expect("an amount");
            assert_eq!(figures.liquidated, format!("{amount} liquidated"), "{name}");
        }
    }

    /// A run with no shock has no amplification to show.
    #[test]
    fn no_shock_no_amplification() {
        let outcome = run("funding-bleed");
        assert_eq!(outcome.summary.shock_pct, 0.0);
        assert_eq!(figures(&outcome).amplification, None);
    }

    /// The small price path spans its box and its start level is inside it.
    #[test]
    fn the_sparkline_fills_its_box() {
        let outcome = run("over-levered-longs");
        let (path, start) = sparkline(&outcome);
        assert!(path.starts_with('M'), "{path}");
        let ys: Vec<f64> = path
            .split(['M', 'L'])
            .filter(|point| !point.is_empty())
            .map(|point| {
                point
                    .split(' ')
                    .nth(1)
                    .expect("x y")
                    .parse()
                    .expect("a number")
            })
            .collect();
        let (low, high) = ys
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &y| {
                (lo.min(y), hi.max(y))
            });
        // The start is the top of a flush's path (0.06 of the box down), the trough its bottom.
        assert!(
            (low - 60.0).abs() < 1.0 && (high - 940.0).abs() < 1.0,
            "{low} {high}"
        );
        assert!((start - 60.0).abs() < 1.0, "{start}");
    }
}
