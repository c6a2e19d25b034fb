//! The "?" next to a control: a plain-language explanation in market terms, shown on demand.

use leptos::prelude::*;

/// A "?" toggle and its explanation.
#[component]
pub fn Help(
    /// What the control is, in market terms.
    text: &'static str,
    /// The control's name, for the button's accessible label.
    topic: &'static str,
) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <button
            type="button"
            class="help-toggle"
            aria-expanded=move || open.get().to_string()
            aria-label=format!("What is {topic}?")
            title=format!("What is {topic}?")
            on:click=move |_| open.update(|open| *open = !*open)
        >
            "?"
        </button>
        <Show when=move || open.get()>
            <p class="help-text" role="note">{text}</p>
        </Show>
    }
}
