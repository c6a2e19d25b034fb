//! The "?" next to a control: a plain-language explanation in market terms, shown on demand,
//! with a link to the glossary entry of its subject when there is one.

use leptos::prelude::*;

use super::explainer::GlossaryLink;
use crate::catalogue::text::fill;

/// A "?" toggle and its explanation.
#[component]
pub fn Help(
    /// What the control is, in market terms.
    text: &'static str,
    /// The control's name, for the button's accessible label.
    topic: &'static str,
    /// The glossary term the explanation links to (`crate::catalogue::HELP_TERMS`).
    #[prop(default = None)]
    term: Option<&'static str>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let words = &crate::catalogue::text::text().controls;
    let question = fill(words.what_is, &[("topic", topic)]);
    view! {
        <button
            type="button"
            class="help-toggle"
            aria-expanded=move || open.get().to_string()
            aria-label=question.clone()
            title=question
            on:click=move |_| open.update(|open| *open = !*open)
        >
            "?"
        </button>
        <Show when=move || open.get()>
            <p class="help-text" role="note">
                {text}
                {term.map(|id| view! {
                    " " <span class="help-term">{words.in_the_glossary} " " <GlossaryLink id=id /></span>
                })}
            </p>
        </Show>
    }
}
