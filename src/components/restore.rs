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
        if let Some(Offer::Autosave { kept, tab, .. } | Offer::RunAgain { kept, tab, .. }) = offer {
            state.tab.set(tab);
            state.load(kept.scenario, &kept.preset);
        }
    };
    let dismiss = move |index: usize| {
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
