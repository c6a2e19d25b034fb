//! The explainer on the page: the guided tour, the glossary and its "show me", and the deep
//! links that open them (`#tour=3`, `#glossary=mark-price`, in embeds too). The text and the
//! scenarios come from `crate::catalogue`; this module only loads them, highlights the chart
//! a piece of text points at, and keeps the address's fragment in step.

mod glossary;
mod tour;

pub use glossary::{GlossaryButton, GlossaryDialog, GlossaryLink};
pub use tour::{TourButton, TourCard};

use flushlab_engine::presets;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::browser;
use crate::catalogue::{glossary as terms, tour as steps, Demo};
use crate::state::{AppState, Tab};

/// What the explainer shows; provided as context by the app.
#[derive(Clone, Copy)]
pub struct Explainer {
    state: AppState,
    /// The tour's step on screen (index from 0), if the tour is open.
    pub step: RwSignal<Option<usize>>,
    /// The glossary is open, at this term (None: at the top).
    pub glossary: RwSignal<Option<Option<&'static str>>>,
    /// A glossary "show me" on screen: the term, and what to look at.
    pub showing: RwSignal<Option<&'static terms::Term>>,
    /// The reader went down to the chart from a card that is not pinned (a phone): a button
    /// takes them back up to it.
    pub down_at_chart: RwSignal<bool>,
}

/// Where the address's fragment points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fragment {
    /// `#tour=N`: step N (from 1) of the tour, as an index from 0.
    Tour(usize),
    /// `#glossary` or `#glossary=<id>`.
    Glossary(Option<&'static str>),
}

/// Reads a fragment (with or without `#`); anything else, or a step or term that does not exist,
/// is `None`.
pub fn parse_fragment(fragment: &str) -> Option<Fragment> {
    let fragment = fragment.trim_start_matches('#');
    let (key, value) = fragment.split_once('=').unwrap_or((fragment, ""));
    match key {
        "tour" => {
            let step: usize = value.parse().ok()?;
            (1..=steps::steps().len())
                .contains(&step)
                .then(|| Fragment::Tour(step - 1))
        }
        "glossary" if value.is_empty() => Some(Fragment::Glossary(None)),
        "glossary" => terms::find(value).map(|term| Fragment::Glossary(Some(term.id))),
        _ => None,
    }
}

impl Explainer {
    pub fn new(state: AppState) -> Explainer {
        Explainer {
            state,
            step: RwSignal::new(None),
            glossary: RwSignal::new(None),
            showing: RwSignal::new(None),
            down_at_chart: RwSignal::new(false),
        }
    }

    /// Opens what the address's fragment points at, if anything; then follows the fragment as
    /// the reader follows links (`hashchange`).
    pub fn follow_fragment(&self) {
        self.open_fragment(&browser::fragment());
        let explainer = *self;
        browser::on_window_event("hashchange", move || {
            // A long link's part of the fragment first: another link reloads the page.
            if !browser::keep_fragment_link() {
                explainer.open_fragment(&browser::fragment())
            }
        });
    }

    fn open_fragment(&self, fragment: &str) {
        match parse_fragment(fragment) {
            Some(Fragment::Tour(step)) if self.step.get_untracked() != Some(step) => {
                self.go_to_step(step)
            }
            Some(Fragment::Glossary(at)) => self.glossary.set(Some(at)),
            _ => {}
        }
    }

    /// Shows step `index` of the tour and loads its scenario (undo brings back the one before).
    pub fn go_to_step(&self, index: usize) {
        let Some(step) = steps::steps().get(index) else {
            return;
        };
        self.showing.set(None);
        self.down_at_chart.set(false);
        self.step.set(Some(index));
        browser::set_fragment(&format!("tour={}", index + 1));
        // On one column, or a short window, the step's text is above the charts: the reader
        // stays with it, the whole card in view (a longer step, or one on another tab, left
        // its title above the screen or its buttons below it).
        let pinned = browser::tour_card_pinned();
        self.load(&step.demo, pinned);
        if !pinned {
            Timeout::new(80, || scroll_to_card(false)).forget();
        }
    }

    /// Scrolls to the chart the tour's current step, or the glossary term shown, points at (a
    /// phone does not on its own: there the text stays in view).
    pub fn see_chart(&self) {
        let chart = match self.step.get_untracked() {
            Some(i) => steps::steps().get(i).map(|step| step.demo.chart),
            None => self
                .showing
                .get_untracked()
                .and_then(|term| term.demo.as_ref())
                .map(|demo| demo.chart),
        };
        if let Some(chart) = chart {
            highlight(Some(chart), true);
            // Far below the card on one column: a button comes back up to it.
            self.down_at_chart.set(!browser::tour_card_pinned());
        }
    }

    /// Back up from the chart to the card that pointed at it ([`Self::see_chart`]).
    pub fn back_to_card(&self) {
        self.down_at_chart.set(false);
        scroll_to_card(true);
    }

    /// Leaves the tour; the scenario stays as the reader left it.
    pub fn leave_tour(&self) {
        self.down_at_chart.set(false);
        self.step.set(None);
        browser::set_fragment("");
        highlight(None, false);
    }

    /// Leaves whatever example is on screen: the tour, a glossary term's "show me".
    pub fn leave_example(&self) {
        if self.step.get_untracked().is_some() {
            self.leave_tour();
        }
        self.down_at_chart.set(false);
        self.showing.set(None);
        // No example on screen: no chart picked out either (its mark stayed on the reader's
        // own scenario).
        highlight(None, false);
    }

    /// Opens the glossary at `term` (None: the top).
    pub fn open_glossary(&self, term: Option<&'static str>) {
        self.glossary.set(Some(term));
        browser::set_fragment(&term.map_or("glossary".to_string(), |id| format!("glossary={id}")));
    }

    pub fn close_glossary(&self) {
        self.glossary.set(None);
        if browser::fragment().starts_with("#glossary") {
            browser::set_fragment("");
        }
    }

    /// Loads a term's scenario and points at its chart.
    pub fn show_me(&self, term: &'static terms::Term) {
        let Some(demo) = &term.demo else {
            return;
        };
        self.close_glossary();
        // Out of the tour: its card told another scenario than the one this loads.
        if self.step.get_untracked().is_some() {
            self.leave_tour();
        }
        self.down_at_chart.set(false);
        self.showing.set(Some(term));
        // As a tour's step: on one column the note stays in view, with a button down to the
        // chart (scrolled to, it left the note 2,500 px above on a phone).
        self.load(demo, browser::tour_card_pinned());
        // The reader goes on from the note (the dialog that had the focus is closed).
        Timeout::new(0, || browser::focus_selector("[data-testid=\"showing\"]")).forget();
    }

    /// Puts away the "show me" note; the focus goes back to the glossary's button.
    pub fn dismiss_showing(&self) {
        self.down_at_chart.set(false);
        self.showing.set(None);
        highlight(None, false);
        Timeout::new(0, || {
            browser::focus_selector("[data-testid=\"glossary-button\"]")
        })
        .forget();
    }

    /// Loads a demo's scenario, on the tab that shows its chart, and highlights the chart
    /// (scrolled into view if `scroll`).
    fn load(&self, demo: &Demo, scroll: bool) {
        // The reader's own page is kept before the first example replaces it (offered back).
        self.state
            .keep_own_before_example(crate::autosave::now_ms());
        if let Some(system) = demo.system() {
            // A system of markets: the Markets tab shows it; the one-market scenario stays.
            self.state.markets_cursor.set(None);
            let next = self
                .state
                .markets
                .with_untracked(|choice| choice.showing(system));
            self.state.change_markets(next);
            self.state.tab.set(Tab::Markets);
            highlight(Some(demo.chart), scroll);
            return;
        }
        let scenario = demo.scenario();
        let preset = presets::find(demo.preset)
            .filter(|preset| preset.scenario == scenario)
            .map(|preset| preset.name)
            .unwrap_or_default();
        self.state.tab.set(match demo.chart {
            "cycles" | "cycles-qq" => Tab::Cycles,
            "options" => Tab::Options,
            "markets" => Tab::Markets,
            _ => Tab::Flush,
        });
        if demo.chart == "options" {
            // The text describes the calculator's own example option.
            self.state.options.set(Default::default());
        }
        self.state.load(scenario, &preset);
        highlight(Some(demo.chart), scroll);
    }
}

/// Brings the tour's card, or the "show me" note, into view: whole where it was partly off the
/// screen, or at the top (`to_top`, coming back from the chart); with the focus on it then.
fn scroll_to_card(to_top: bool) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let card = document
        .query_selector("[data-testid=\"tour\"], [data-testid=\"showing\"]")
        .ok()
        .flatten();
    if let Some(card) = card {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(if to_top {
            web_sys::ScrollLogicalPosition::Start
        } else {
            web_sys::ScrollLogicalPosition::Nearest
        });
        card.scroll_into_view_with_scroll_into_view_options(&options);
        if to_top {
            if let Ok(card) = card.dyn_into::<web_sys::HtmlElement>() {
                let _ = card.focus();
            }
        }
    }
}

/// The page's element for a catalogue chart name (`cycles`: the cycles tab's daily returns, which
/// the texts about cycles point at; `cycles-qq`: its QQ plot).
fn chart_testid(chart: &str) -> String {
    match chart {
        "cycles" => "chart-cycles-returns".to_string(),
        "options" => "chart-options-returns".to_string(),
        // A system's demo points at its diagram: each market's trough and liquidations, and the
        // links to cut under it (on a wide screen the pinned card covered the diagram, scrolled to
        // the price chart below it).
        "markets-price" => "markets-diagram".to_string(),
        name => format!("chart-{name}"),
    }
}

/// Marks the card of `chart` (and no other) once it is on the page, and scrolls it into view if
/// `scroll`.
fn highlight(chart: Option<&'static str>, scroll: bool) {
    // After the tab switch and the load have been drawn.
    Timeout::new(60, move || {
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return;
        };
        if let Ok(marked) = document.query_selector_all("[data-highlight]") {
            for index in 0..marked.length() {
                if let Some(element) = marked
                    .item(index)
                    .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
                {
                    let _ = element.remove_attribute("data-highlight");
                }
            }
        }
        let Some(chart) = chart else {
            return;
        };
        let selector = format!("[data-testid=\"{}\"]", chart_testid(chart));
        let card = document
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|element| element.closest("figure").ok().flatten());
        if let Some(card) = card {
            let _ = card.set_attribute("data-highlight", "");
            if !scroll {
                return;
            }
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            card.scroll_into_view_with_scroll_into_view_options(&options);
        }
    })
    .forget();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_open_existing_steps_and_terms_only() {
        assert_eq!(parse_fragment("#tour=1"), Some(Fragment::Tour(0)));
        assert_eq!(parse_fragment("tour=9"), Some(Fragment::Tour(8)));
        assert_eq!(parse_fragment("#tour=0"), None);
        assert_eq!(parse_fragment("#tour=10"), None);
        assert_eq!(parse_fragment("#tour=x"), None);
        assert_eq!(parse_fragment("#glossary"), Some(Fragment::Glossary(None)));
        assert_eq!(
            parse_fragment("#glossary=mark-price"),
            Some(Fragment::Glossary(Some("mark-price")))
        );
        assert_eq!(parse_fragment("#glossary=no-such-term"), None);
        assert_eq!(parse_fragment(""), None);
        assert_eq!(parse_fragment("#results"), None);
    }

    #[test]
    fn every_demo_chart_has_an_element_on_the_page() {
        let names: Vec<String> = crate::charts::FLUSH_CHARTS
            .iter()
            .map(|entry| format!("chart-{}", entry.name))
            .chain([
                "chart-cycles-returns".to_string(),
                "chart-cycles-qq".to_string(),
                "chart-options-returns".to_string(),
                "markets-diagram".to_string(),
            ])
            .collect();
        for chart in crate::catalogue::CHARTS {
            assert!(names.contains(&chart_testid(chart)), "{chart}");
        }
    }
}
