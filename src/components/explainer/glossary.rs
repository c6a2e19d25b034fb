//! The glossary: every term in a dialog (native `<dialog>`: focus stays inside, Escape closes
//! it), searchable, each with its related terms and a "Show me" that loads its scenario, or a
//! plain word that FlushLab cannot show it yet. `GlossaryLink` opens it at one term from
//! anywhere on the page.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::Explainer;
use crate::catalogue::glossary::{find, search_rank, terms, Term};
use crate::catalogue::text::{fill, text};

/// "Glossary" (opens it at the top).
#[component]
pub fn GlossaryButton() -> impl IntoView {
    let explainer = expect_context::<Explainer>();
    view! {
        <button type="button" data-testid="glossary-button" on:click=move |_| explainer.open_glossary(None)>
            {text().toolbar.glossary}
        </button>
    }
}

/// A link to one term's entry (`id` must exist: the tests check every use).
#[component]
pub fn GlossaryLink(
    /// The term's id.
    id: &'static str,
    /// The text of the link (default: the term's name).
    #[prop(optional)]
    text: Option<&'static str>,
) -> impl IntoView {
    let name = find(id).map_or(id, |term| term.name);
    // Without an explainer (a component mounted alone in a test) the link is plain text.
    let open = use_context::<Explainer>();
    // The accessible name starts with the words on screen (WCAG 2.5.3, label in name).
    let words = &crate::catalogue::text::text().explainer;
    let label = match text {
        Some(shown) if shown != name => {
            fill(words.term_link_as, &[("text", shown), ("term", name)])
        }
        _ => fill(words.term_link, &[("term", name)]),
    };
    view! {
        <button type="button" class="link-button glossary-link" data-term=id
            aria-label=label
            on:click=move |_| {
                if let Some(explainer) = open {
                    explainer.open_glossary(Some(id));
                }
            }>{text.unwrap_or(name)}</button>
    }
}

/// The terms a newcomer reads first, in order: from a position's two sides to the flush.
const START_HERE: [&str; 7] = [
    "long-and-short",
    "leverage",
    "collateral",
    "liquidation-price",
    "maintenance-margin",
    "liquidation-cascade",
    "leverage-flush",
];

/// The glossary dialog.
#[component]
pub fn GlossaryDialog() -> impl IntoView {
    let explainer = expect_context::<Explainer>();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let filter = RwSignal::new(String::new());
    // The terms are put in the page when the glossary is first opened (not with the page: a
    // shorter start), and stay.
    let opened = RwSignal::new(false);
    // Open and close the native dialog with the explainer's state; go to the term asked for.
    Effect::new(move |_| {
        let at = explainer.glossary.get();
        let Some(element) = dialog.get() else {
            return;
        };
        match at {
            Some(term) => {
                if !element.open() {
                    let _ = element.show_modal();
                }
                filter.set(String::new());
                if let Some(id) = term {
                    if opened.get_untracked() {
                        go_to_term(id);
                    } else {
                        // Once the terms just asked for are in the page.
                        request_animation_frame(move || go_to_term(id));
                    }
                }
                opened.set(true);
            }
            None if element.open() => element.close(),
            None => {}
        }
    });
    let rank = move |term: &Term| search_rank(term, &filter.get().to_lowercase());
    let shown = move |term: &Term| rank(term).is_some();
    view! {
        <dialog node_ref=dialog class="glossary-dialog" aria-labelledby="glossary-title" data-testid="glossary"
            on:close=move |_| explainer.close_glossary()>
            <div class="glossary-head">
                <h2 id="glossary-title">{text().explainer.glossary_title}</h2>
                <input type="search" placeholder=text().explainer.find_term aria-label=text().explainer.find_term data-testid="glossary-filter"
                    prop:value=move || filter.get()
                    on:input=move |event| filter.set(event_target_value(&event)) />
                <button type="button" data-testid="glossary-close" on:click=move |_| explainer.close_glossary()>{text().toolbar.close}</button>
            </div>
            <div class="glossary-list">
                <Show when=move || opened.get()>
                // A way in for a reader new to it all (the list is alphabetical: "Leverage
                // flush" is its 24th term), while no search is typed.
                <Show when=move || filter.with(|typed| typed.trim().is_empty())>
                    <p class="glossary-start" data-testid="glossary-start">
                        <span class="muted">{text().explainer.start_here}</span>
                        {START_HERE.iter().enumerate().map(|(k, id)| view! {
                            {(k > 0).then_some(" → ")}
                            <GlossaryLink id=id />
                        }).collect_view()}
                    </p>
                </Show>
                {terms().iter().map(|term| {
                    let term: &'static Term = term;
                    view! {
                        <article id=format!("term-{}", term.id) class="term" tabindex="-1" data-testid=format!("term-{}", term.id)
                            style:display=move || if shown(term) { "" } else { "none" }
                            // The terms a search names first, then those whose text has it.
                            style:order=move || rank(term).unwrap_or(0).to_string()>
                            <h3>{term.name}</h3>
                            <p>{term.body}</p>
                            {term.not_yet.map(|why| view! { <p class="not-yet"><strong>{text().explainer.not_yet}</strong>{why}</p> })}
                            <div class="term-links">
                                {term.demo.map(|_| view! {
                                    <button type="button" class="primary" data-testid="show-me"
                                        on:click=move |_| explainer.show_me(term)>{text().explainer.show_me}</button>
                                })}
                                {(!term.related.is_empty()).then(|| view! {
                                    <span class="muted">{text().explainer.related}</span>
                                    {term.related.iter().map(|id| view! { <GlossaryLink id=id /> }).collect_view()}
                                })}
                            </div>
                        </article>
                    }
                }).collect_view()}
                // A search that finds nothing says so (the dialog collapsed to its header).
                <Show when=move || !terms().iter().any(shown)>
                    <p class="muted" role="status" data-testid="glossary-none">
                        {move || fill(text().explainer.no_term, &[("typed", &filter.get())])}
                    </p>
                </Show>
                </Show>
            </div>
        </dialog>
    }
}

/// Scrolls the dialog to a term's entry and moves the focus there.
fn go_to_term(id: &str) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let Some(element) = document.get_element_by_id(&format!("term-{id}")) else {
        return;
    };
    element.scroll_into_view();
    if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The newcomer's way in names terms the glossary has, each once.
    #[test]
    fn the_way_in_names_existing_terms() {
        for id in START_HERE {
            assert!(find(id).is_some(), "{id}");
        }
        let mut ids = START_HERE.to_vec();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), START_HERE.len());
    }
}
