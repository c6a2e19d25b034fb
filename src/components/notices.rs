//! The error banner: what was wrong, and that the last valid scenario stayed loaded.

use leptos::prelude::*;

use crate::catalogue::text::text;
use crate::live::Live;
use crate::state::use_state;

/// The banner (absent when there is nothing to say).
#[component]
pub fn ErrorBanner() -> impl IntoView {
    let state = use_state();
    view! {
        <Show when=move || state.notices.with(|notices| !notices.is_empty())>
            <div class="banner" role="alert" data-testid="error-banner">
                <div class="banner-body">
                    {move || state.notices.get().into_iter().map(|notice| view! {
                        <div class="notice">
                            <strong>{notice.title}</strong>
                            <ul>{notice.lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                        </div>
                    }).collect_view()}
                </div>
                <button type="button" class="link-button" on:click=move |_| state.notices.set(Vec::new())
                    aria-label=text().notices.dismiss_all>{text().notices.dismiss}</button>
            </div>
        </Show>
    }
}

/// A scenario whose work is over the page's budget is held back until the user asks for it
/// (absent otherwise).
#[component]
pub fn HeldRun() -> impl IntoView {
    let live = expect_context::<Live>();
    view! {
        <Show when=move || live.held.with(Option::is_some)>
            <div class="offer warn" role="alert" data-testid="held-run">
                <div>
                    <strong>{text().notices.held}</strong>
                    <ul>{move || live.held.get().unwrap_or_default().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                </div>
                <button type="button" data-testid="run-held" on:click=move |_| live.run_held()>{text().notices.run_it}</button>
            </div>
        </Show>
    }
}
