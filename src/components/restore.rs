//! What the page offers back when it did not start with it: the autosaved scenario (when a link
//! in the address won over it, or the page started fresh), and a scenario held back because the
//! previous page in this tab stopped while running it.

use leptos::prelude::*;

use crate::catalogue::text::{fill, text};
use crate::format;
use crate::state::{use_state, Kept, Tab};

/// A scenario the user can bring back.
#[derive(Clone, Debug, PartialEq)]
pub enum Offer {
    /// The autosave, which differs from what is shown.
    Autosave {
        kept: Kept,
        tab: Tab,
        saved_at_ms: f64,
    },
    /// Another tab's autosave, which a later tab wrote over (kept apart in this browser).
    OtherTab(Box<crate::autosave::Envelope>),
    /// The scenario the previous page stopped on; `from` says where it came from ("the link",
    /// "your autosave").
    RunAgain {
        kept: Kept,
        tab: Tab,
        from: &'static str,
    },
}

/// The offers (absent when there is none).
#[component]
pub fn RestoreOffers(
    /// What is offered; an offer goes once taken or dismissed.
    offers: RwSignal<Vec<Offer>>,
) -> impl IntoView {
    let state = use_state();
    let take = move |index: usize| {
        let offer = offers.with_untracked(|offers| offers.get(index).cloned());
        offers.update(|offers| {
            if index < offers.len() {
                offers.remove(index);
            }
        });
        match offer {
            Some(Offer::Autosave { kept, tab, .. } | Offer::RunAgain { kept, tab, .. }) => {
                state.tab.set(tab);
                state.load(kept.scenario, &kept.preset);
            }
            Some(Offer::OtherTab(other)) => {
                let other = *other;
                crate::autosave::forget_other(&other.page, other.saved_at_ms);
                // This page's own work is kept to go back to, as when a preset replaces it.
                state.keep_own_before_example(crate::autosave::now_ms());
                state.tab.set(Tab::from_name(&other.tab));
                if let Some(options) = other.options.filter(|options| options.validate().is_ok()) {
                    state.options.set(options);
                }
                if let Some(markets) = other.markets {
                    state.markets.set(markets.checked());
                }
                state.load(other.scenario, &other.preset);
            }
            None => {}
        }
    };
    let dismiss = move |index: usize| {
        let offer = offers.with_untracked(|offers| offers.get(index).cloned());
        // Dismissed, another tab's work is no longer kept (it was offered on every new page).
        if let Some(Offer::OtherTab(other)) = offer {
            crate::autosave::forget_other(&other.page, other.saved_at_ms);
        }
        offers.update(|offers| {
            if index < offers.len() {
                offers.remove(index);
            }
        })
    };
    view! {
        <OwnOffer />
        {move || offers.get().into_iter().enumerate().map(|(index, offer)| match offer {
            Offer::Autosave { saved_at_ms, .. } => view! {
                <div class="offer" role="status" data-testid="autosave-offer">
                    <span>{match format::date_time(saved_at_ms) {
                        Some(when) => fill(text().notices.autosave_offer, &[("when", &when)]),
                        // A damaged time ("Invalid Date"): the offer without it.
                        None => text().notices.autosave_offer_undated.to_string(),
                    }}</span>
                    <button type="button" data-testid="restore-autosave" on:click=move |_| take(index)>{text().notices.restore}</button>
                    <button type="button" class="link-button" on:click=move |_| dismiss(index)>{text().notices.dismiss}</button>
                </div>
            }.into_any(),
            Offer::OtherTab(other) => {
                let what = other_tab_work(&other.preset, &other.scenario);
                let said = match format::date_time(other.saved_at_ms) {
                    Some(when) => fill(text().notices.other_tab_offer, &[("what", &what), ("when", &when)]),
                    // A damaged time: the offer without it, as the autosave's.
                    None => fill(text().notices.other_tab_offer_undated, &[("what", &what)]),
                };
                view! {
                    <div class="offer" role="status" data-testid="other-tab-offer">
                        <span>{said}</span>
                        <button type="button" data-testid="restore-other-tab" on:click=move |_| take(index)>{text().notices.restore}</button>
                        <button type="button" class="link-button" data-testid="dismiss-other-tab" on:click=move |_| dismiss(index)>{text().notices.dismiss}</button>
                    </div>
                }.into_any()
            }
            Offer::RunAgain { from, .. } => view! {
                <div class="offer warn" role="alert" data-testid="run-again-offer">
                    <span>{fill(text().notices.run_again_offer, &[("from", from)])}</span>
                    <button type="button" data-testid="run-again" on:click=move |_| take(index)>{text().notices.run_again}</button>
                    <button type="button" class="link-button" on:click=move |_| dismiss(index)>{text().notices.keep_default}</button>
                </div>
            }.into_any(),
        }).collect_view()}
    }
}

/// What another tab's scenario was, in words: its preset's title (", edited" when it is no
/// longer as it came), or a custom scenario.
fn other_tab_work(preset: &str, scenario: &flushlab_engine::Scenario) -> String {
    match flushlab_engine::presets::find(preset) {
        Some(found) if crate::state::is_preset_as_it_came(preset, scenario) => found.title,
        Some(found) => fill(text().notices.other_tab_edited, &[("title", &found.title)]),
        None => text().notices.other_tab_custom.to_string(),
    }
}

/// The reader's own page, kept when the tour or a glossary example replaced it: offered back
/// while it differs from what is shown.
#[component]
pub fn OwnOffer() -> impl IntoView {
    let state = use_state();
    move || {
        state.own_differs().then(|| {
            view! {
                <div class="offer" role="status" data-testid="own-offer">
                    <span>{text().notices.own_kept}</span>
                    <BackToOwn />
                    <button type="button" class="link-button" on:click=move |_| state.own_before_example.set(None)>{text().notices.dismiss}</button>
                </div>
            }
        })
    }
}

/// "Back to your scenario": the reader's own page again, the tour or example left.
#[component]
pub fn BackToOwn() -> impl IntoView {
    let state = use_state();
    let explainer = use_context::<crate::components::explainer::Explainer>();
    let back = move |_| {
        if let Some(explainer) = explainer {
            explainer.leave_example();
        }
        state.back_to_own();
    };
    view! {
        <button type="button" data-testid="back-to-own" on:click=back>{text().notices.back_to_own}</button>
    }
}
