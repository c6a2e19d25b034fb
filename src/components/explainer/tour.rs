//! The guided tour's card: the step's title and paragraph, where to look, a progress indicator,
//! Back / Next, and a way out that keeps what the reader changed.

use leptos::prelude::*;

use super::Explainer;
use crate::catalogue::text::{fill, text};
use crate::catalogue::tour::steps;
use crate::components::restore::BackToOwn;

/// "Take the tour" (restarts it at the first step).
#[component]
pub fn TourButton() -> impl IntoView {
    let explainer = expect_context::<Explainer>();
    view! {
        <button type="button" data-testid="tour-button" on:click=move |_| {
            explainer.go_to_step(0);
            // The reader (and a screen reader) goes on from the tour's card.
            gloo_timers::callback::Timeout::new(0, focus_tour).forget();
        }>
            {text().toolbar.take_tour}
        </button>
    }
}

/// The tour's card, while the tour is open; a glossary "show me" note otherwise, while one is
/// on screen. The card stays in the page from step to step (only its text changes), so the
/// focus stays on the button the reader pressed.
#[component]
pub fn TourCard() -> impl IntoView {
    let explainer = expect_context::<Explainer>();
    let state = crate::state::use_state();
    let live = expect_context::<crate::live::Live>();
    let total = steps().len();
    // The run's headline, for a card pinned over a chart with the headline scrolled away: on
    // the tabs that show that run (the flush, and the venues compared on it), not on those with
    // figures of their own (the leverage cycles' paths, the options calculator, the Markets
    // tab's system): on the cycles step it read as the cycles' figures.
    let this_run = move || {
        use crate::state::Tab;
        if !matches!(state.tab.get(), Tab::Flush | Tab::Venues) {
            return None;
        }
        live.ran_headline()
    };
    let index = move || explainer.step.get().unwrap_or(0);
    let step = move || steps().get(index()).copied();
    let last = move || index() + 1 >= total;
    let next = move |_| {
        if last() {
            leave(explainer);
        } else {
            explainer.go_to_step(index() + 1);
        }
    };
    view! {
        <Show when=move || explainer.step.get().is_some()>
            <section class="tour card" role="region" aria-label=text().explainer.tour_label data-testid="tour" tabindex="-1"
                on:keydown=move |event: leptos::ev::KeyboardEvent| if event.key() == "Escape" { leave(explainer) }>
                <div class="tour-head">
                    <span class="tour-progress" data-testid="tour-progress">{move || fill(text().explainer.tour_progress, &[("step", &(index() + 1).to_string()), ("steps", &total.to_string())])}</span>
                    <progress max=total value=move || index() + 1 aria-hidden="true"></progress>
                    <button type="button" class="link-button" data-testid="tour-leave"
                        on:click=move |_| leave(explainer)>{text().explainer.tour_leave}</button>
                </div>
                <h2 data-testid="tour-title" aria-live="polite">{move || step().map(|step| step.title)}</h2>
                <p>{move || step().map(|step| step.body)}</p>
                <p class="look-at"><strong>{text().explainer.look_at}</strong>{move || step().map(|step| step.demo.look_at)}
                    " "<button type="button" class="link-button tour-see" data-testid="tour-see"
                        on:click=move |_| explainer.see_chart()>{text().explainer.see_chart}</button></p>
                {move || this_run().map(|said| view! {
                    <p class="tour-run" data-testid="tour-run"><strong>{text().explainer.this_run}</strong>{said}</p>
                })}
                <div class="tour-buttons">
                    {move || state.own_differs().then(|| view! { <BackToOwn /> })}
                    <button type="button" data-testid="tour-back" disabled=move || index() == 0
                        on:click=move |_| explainer.go_to_step(index().saturating_sub(1))>{crate::components::glyphed(text().explainer.back)}</button>
                    <button type="button" class="primary" data-testid="tour-next" on:click=next>
                        {move || if last() { text().explainer.finish } else { text().explainer.next }}
                    </button>
                </div>
            </section>
        </Show>
        {move || (explainer.step.get().is_none()).then(|| explainer.showing.get()).flatten().map(|term| view! {
            <section class="tour card" role="region" aria-label=text().explainer.showing_label data-testid="showing" tabindex="-1"
                on:keydown=move |event: leptos::ev::KeyboardEvent| if event.key() == "Escape" { explainer.dismiss_showing() }>
                <div class="tour-head">
                    <strong>{fill(text().explainer.showing, &[("term", term.name)])}</strong>
                    <button type="button" class="link-button" on:click=move |_| explainer.open_glossary(Some(term.id))>
                        {text().explainer.back_to_glossary}</button>
                    <button type="button" class="link-button" on:click=move |_| explainer.dismiss_showing()>{text().notices.dismiss}</button>
                </div>
                <p class="look-at">{term.demo.map(|demo| demo.look_at).unwrap_or_default()}
                    " "<button type="button" class="link-button tour-see" data-testid="showing-see"
                        on:click=move |_| explainer.see_chart()>{text().explainer.see_chart}</button></p>
                {move || state.own_differs().then(|| view! { <div class="tour-buttons"><BackToOwn /></div> })}
            </section>
        })}
        // Down at the chart on one column, the card far above: a way back up to it.
        {move || {
            let on_step = explainer.step.get().is_some();
            let card = on_step || explainer.showing.get().is_some();
            // On a step, the next one is there too (it took "back", then "Next").
            let next_step = explainer
                .step
                .get()
                .map(|index| index + 1)
                .filter(|&next| next < total);
            (card && explainer.down_at_chart.get()).then(|| view! {
                <div class="card-return">
                    <button type="button" class="back-to-card" data-testid="back-to-card"
                        on:click=move |_| explainer.back_to_card()>
                        {if on_step { text().explainer.back_to_step } else { text().explainer.back_to_note }}
                    </button>
                    {next_step.map(|next| view! {
                        <button type="button" class="primary" data-testid="tour-next-down"
                            on:click=move |_| explainer.go_to_step(next)>{text().explainer.next}</button>
                    })}
                </div>
            })
        }}
    }
}

/// Leaves the tour; the focus goes back to "Take the tour" (the card it was in is gone).
fn leave(explainer: Explainer) {
    explainer.leave_tour();
    gloo_timers::callback::Timeout::new(0, || focus("[data-testid=\"tour-button\"]")).forget();
}

/// Moves the focus to the tour's card, once it is on the page.
fn focus_tour() {
    focus("[data-testid=\"tour\"]");
}

fn focus(selector: &str) {
    crate::browser::focus_selector(selector);
}
