//! The run at a glance, pinned to the top of a phone's screen while the reader is at the
//! controls: on one column the headline and the price chart sit above the shock slider and the
//! leverage editor, so a drag there changed figures the reader could not see. It shows the
//! headline's figures in short and the price path in small, and only while both are scrolled
//! away above and the controls are on screen (measured when one of them crosses a twentieth of
//! the screen, not on every scroll event), on the flush's tab, and on the Markets tab for the
//! market its controls edit (the other tabs' panels are not this run's charts).

use std::rc::Rc;
use std::sync::Arc;

use flushlab_engine::Outcome;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::catalogue::text::{fill, text};
use crate::format;
use crate::markets::{MarketLine, MarketsView};
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

/// The readout's figures on the Markets tab: the market picked in its diagram (the one its
/// controls edit), its furthest move, its share of the tab's shock and what it liquidated. None
/// before the system's run is in.
pub fn market_figures(view: &MarketsView, picked: usize) -> Option<Figures> {
    if !view.ran {
        return None;
    }
    let (picked, market) = view.picked(picked)?;
    // Its share of the common shock (the alts' 2x of a 7.8% drop is a 15.5% one).
    let share = view.shares.get(picked).map_or(1.0, |(_, share)| *share);
    let words = &text().summary;
    let label = if market.rises() {
        words.peak
    } else {
        words.trough
    };
    Some(Figures {
        extreme: format!(
            "{}: {} {}",
            market.label,
            label.to_lowercase(),
            format::signed_pct(market.extreme_until(None))
        ),
        shock: fill(
            words.readout_shock,
            &[("pct", &format::signed_pct(view.shock_pct * share))],
        ),
        amplification: None,
        liquidated: fill(
            words.readout_liquidated,
            &[("amount", &format::usd(market.liquidated_until(None)))],
        ),
    })
}

/// The price path in small (an SVG path in a 1000 x 1000 box, drawn stretched): the last
/// price, and the start level it left.
pub fn sparkline(outcome: &Outcome) -> (String, f64) {
    let (times, last, _) = crate::charts::price::paths(outcome, crate::charts::TimeScale::Seconds);
    sparkline_of(&times, &last, outcome.summary.start_price)
}

/// A market's price path in small, as [`sparkline`] draws the flush's (by step).
pub fn market_sparkline(market: &MarketLine) -> (String, f64) {
    let steps: Vec<f64> = (0..market.path.len()).map(|step| step as f64).collect();
    let start = market.path.first().copied().unwrap_or(1.0);
    sparkline_of(&steps, &market.path, start)
}

fn sparkline_of(times: &[f64], last: &[f64], start: f64) -> (String, f64) {
    let low = last.iter().copied().fold(start, f64::min);
    let high = last.iter().copied().fold(start, f64::max);
    let span = (high - low).max(start * 1e-4);
    let end = times.last().copied().unwrap_or(0.0).max(1e-9);
    let x = |t: f64| t / end;
    let y = |price: f64| 0.06 + 0.88 * (1.0 - (price - low) / span);
    (
        crate::first_view::path(times, last, &x, &y),
        1000.0 * y(start),
    )
}

/// The pinned readout (the full page's, not an embed's).
#[component]
pub fn Readout() -> impl IntoView {
    let live = expect_context::<crate::live::Live>();
    let betting = expect_context::<crate::components::bet::Betting>();
    let state = use_state();
    // The headline and the price chart have gone up off the screen, the controls are on it.
    let placed = RwSignal::new(false);
    let observer = Watch::new(placed);
    // The headline and the charts are mounted again when the tab changes: watched again, the
    // tab's own.
    Effect::new(move |_| {
        let tab = state.tab.get();
        let observer = observer.clone();
        request_animation_frame(move || observer.rewatch(tab));
    });
    // A memo: the bet's check reads the scenario, which changes on every input of a drag, and
    // the body below is drawn again only when this or the outcome changes.
    let shown = Memo::new(move |_| {
        placed.get()
            && match state.tab.get() {
                Tab::Flush => live.outcome.with(Option::is_some) && !betting.hiding(&state),
                Tab::Markets => live.markets.with(|view| view.ran),
                _ => false,
            }
    });
    // Drawn only while shown: a wide screen's drag, or one with the headline in view, pays
    // nothing for it.
    let body = move || {
        if !shown.get() {
            return None;
        }
        let (figures, (path, start)) = if state.tab.get() == Tab::Markets {
            let picked = state.markets_selected.get();
            live.markets.with(|view| {
                let (_, market) = view.picked(picked)?;
                Some((market_figures(view, picked)?, market_sparkline(market)))
            })?
        } else {
            let outcome: Arc<Outcome> = live.outcome.get()?;
            (figures(&outcome), sparkline(&outcome))
        };
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
        <div class="readout" class:shown=move || shown.get() data-testid="readout" aria-hidden="true"
            title=text().summary.readout_label>
            {body}
        </div>
    }
}

/// Whether the readout is called for, from where its landmarks are on a screen `height` tall:
/// each as (top, bottom) in CSS px from the screen's top, None where the tab has none. The
/// headline and the price chart must have gone up (less than half of each left on screen, at
/// the top: a missing one counts as gone) and the controls be on screen.
pub fn called_for(
    headline: Option<(f64, f64)>,
    chart: Option<(f64, f64)>,
    controls: Option<(f64, f64)>,
    height: f64,
) -> bool {
    let gone = |landmark: Option<(f64, f64)>| {
        landmark.is_none_or(|(top, bottom)| {
            let shown = (bottom.min(height) - top.max(0.0)).max(0.0);
            top < 0.0 && shown < 0.5 * (bottom - top)
        })
    };
    let on_screen = controls.is_some_and(|(top, bottom)| bottom > 0.0 && top < height);
    gone(headline) && gone(chart) && on_screen
}

/// Watches the readout's landmarks: an IntersectionObserver says when one of them crosses a
/// share of the screen, and then all three are measured ([`called_for`]): its entries alone
/// went stale (a jump down the page moved the price chart from the screen's foot to its top,
/// about a quarter shown both times: no crossing, no entry).
#[derive(Clone)]
struct Watch {
    observer: Option<web_sys::IntersectionObserver>,
    /// The landmarks watched (see [`WATCHED`]).
    elements: Rc<std::cell::RefCell<[Option<web_sys::Element>; 3]>>,
}

/// What the watch looks for: the headline, the price chart's card, the controls, the app's (the
/// first view, index.html's copy of the first screen, has its own until it hands over).
const WATCHED: [&str; 3] = [
    ".app [data-testid=headline]",
    ".app .chart-card:has([data-testid=chart-price])",
    ".app > .layout > .controls",
];

/// On the Markets tab: its headline, its markets' price chart, and the picked market's controls
/// (on a phone about 2,100 px under the diagram).
const WATCHED_MARKETS: [&str; 3] = [
    ".app [data-testid=markets-headline]",
    ".app .chart-card:has([data-testid=chart-markets-price])",
    ".app > .layout > .controls",
];

impl Watch {
    fn new(shown: RwSignal<bool>) -> Watch {
        let elements: Rc<std::cell::RefCell<[Option<web_sys::Element>; 3]>> = Rc::default();
        let watched = elements.clone();
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |_: js_sys::Array| {
            let height = web_sys::window()
                .and_then(|window| window.inner_height().ok())
                .and_then(|height| height.as_f64())
                .unwrap_or(0.0);
            let [headline, chart, controls] = watched.borrow().clone().map(|element| {
                element.map(|element| {
                    let rect = element.get_bounding_client_rect();
                    (rect.top(), rect.bottom())
                })
            });
            // On one column only (the stylesheet's breakpoint): a wide screen's sticky controls
            // are always on it, and its readout is not drawn.
            shown.try_set(
                crate::browser::is_narrow() && called_for(headline, chart, controls, height),
            );
        });
        let options = web_sys::IntersectionObserverInit::new();
        let thresholds = js_sys::Array::new();
        for k in 0..=20 {
            thresholds.push(&(f64::from(k) / 20.0).into());
        }
        options.set_threshold(&thresholds);
        let observer = web_sys::IntersectionObserver::new_with_options(
            callback.as_ref().unchecked_ref(),
            &options,
        )
        .ok();
        // Lives as long as the page (the readout is mounted once).
        callback.forget();
        Watch { observer, elements }
    }

    /// Watches `tab`'s landmarks as they are now on the page (the observer reports each at once).
    fn rewatch(&self, tab: Tab) {
        let Some(observer) = &self.observer else {
            return;
        };
        observer.disconnect();
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return;
        };
        let mut elements = self.elements.borrow_mut();
        let watched = if tab == Tab::Markets {
            WATCHED_MARKETS
        } else {
            WATCHED
        };
        for (slot, selector) in elements.iter_mut().zip(watched) {
            *slot = document.query_selector(selector).ok().flatten();
            if let Some(element) = slot {
                observer.observe(element);
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

    /// Called for once the headline and the chart have gone up, and only at the controls.
    #[test]
    fn the_readout_comes_once_the_headline_and_chart_have_gone_up() {
        let height = 740.0;
        let controls = Some((143.0, 1361.0));
        // The 2021 preset at 360 x 740, scrolled to 916 px: the chart's last 124 px of 412 left.
        assert!(called_for(
            Some((-526.0, -434.0)),
            Some((-288.0, 124.0)),
            controls,
            height
        ));
        // At the top: the headline in view, the chart at the screen's foot (a quarter shown).
        assert!(!called_for(
            Some((390.0, 482.0)),
            Some((628.0, 1040.0)),
            Some((1059.0, 2200.0)),
            height
        ));
        // More than half of the chart still shown: not yet.
        assert!(!called_for(
            Some((-526.0, -434.0)),
            Some((-100.0, 312.0)),
            controls,
            height
        ));
        // Past the controls: gone again; a tab without the chart counts it gone.
        assert!(!called_for(
            Some((-3000.0, -2900.0)),
            None,
            Some((-1500.0, -10.0)),
            height
        ));
        assert!(called_for(Some((-600.0, -500.0)), None, controls, height));
        assert!(!called_for(None, None, None, height));
    }

    /// On the Markets tab the readout follows the market picked in the diagram: its furthest
    /// move and liquidations as its box says them, and the tab's shock.
    #[test]
    fn the_markets_readout_follows_the_picked_market() {
        let choice = crate::markets::MarketsChoice::default();
        let mut view = MarketsView::plan(&choice.system(), 0.0);
        assert_eq!(market_figures(&view, 0), None, "nothing before the run");
        let mut session = crate::session::SystemSession::default();
        while view.step(&mut session) {}
        for (picked, market) in view.markets.iter().enumerate() {
            let figures = market_figures(&view, picked).expect("the run is in");
            assert_eq!(
                figures.extreme,
                format!(
                    "{}: trough {}",
                    market.label,
                    format::signed_pct(market.extreme_until(None))
                )
            );
            assert_eq!(
                figures.liquidated,
                format!("{} liquidated", format::usd(market.liquidated_until(None)))
            );
            // The sale hits Venue A alone: Venue B's shock is none, its trough all contagion.
            let share = if picked == 0 { 1.0 } else { 0.0 };
            assert_eq!(
                figures.shock,
                format!("shock {}", format::signed_pct(share * view.shock_pct))
            );
        }
        // A market that takes twice the common shock says its own.
        let choice = crate::markets::MarketsChoice {
            preset: "btc-2025-10-10-venues".into(),
            ..crate::markets::MarketsChoice::default()
        };
        let mut view = MarketsView::plan(&choice.system(), 0.0);
        while view.step(&mut session) {}
        let alts = view
            .shares
            .iter()
            .position(|(_, share)| *share == 2.0)
            .expect("the alts take 2x");
        assert_eq!(
            market_figures(&view, alts).expect("the run is in").shock,
            format!("shock {}", format::signed_pct(2.0 * view.shock_pct))
        );
        // The two venues differ (the shocked one fell further), and a pick past the system's
        // markets is its first.
        assert_ne!(market_figures(&view, 0), market_figures(&view, 1));
        assert_eq!(market_figures(&view, 9), market_figures(&view, 0));
        let (path, _) = market_sparkline(&view.markets[1]);
        assert!(path.starts_with('M'), "{path}");
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
