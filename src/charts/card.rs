//! The chart card: a chart's container, caption and PNG button, registered with the page's
//! [`Registry`] for as long as it is mounted.

use leptos::html::Div;
use leptos::prelude::*;

use super::{plotly_js, Build, Registry};
use crate::catalogue::text::fill;
use crate::components::explainer::GlossaryLink;

/// A chart card: the plot, a one-line caption saying what to notice, and a PNG download.
#[component]
pub fn Chart(
    /// Short name: the container's `data-testid` is `chart-<name>`; its title (the accessible
    /// name) and caption (what to notice) are the catalogue's for this name ([`super::words`]).
    name: &'static str,
    /// Builds the plot from the current snapshot.
    draw: Build,
    /// Extra class of the card (e.g. "wide").
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let registry = expect_context::<Registry>();
    let title = super::words(name).0;
    // A memo: a drag changes the scenario every frame, the note only with its contract.
    let state = crate::state::use_state();
    let note = Memo::new(move |_| {
        state
            .scenario
            .with(|scenario| super::caption_note(name, scenario))
    });
    let caption = Memo::new(move |_| {
        state
            .scenario
            .with(|scenario| super::caption(name, scenario))
    });
    // A legend of three rows or more in a narrow column: an embed gives the chart more height.
    let card_class = Memo::new(move |_| {
        let tall = state
            .scenario
            .with(|scenario| super::tall_legend(name, scenario));
        format!(
            "card chart-card {class}{}",
            if tall { " tall-legend" } else { "" }
        )
    });
    let words = &crate::catalogue::text::text().charts;
    let node = NodeRef::<Div>::new();
    let slot = StoredValue::new(None::<u64>);
    Effect::new(move |_| {
        if let Some(element) = node.get() {
            if slot.get_value().is_none() {
                let element: &web_sys::HtmlElement = &element;
                slot.set_value(Some(registry.add(name, element.clone(), draw)));
            }
        }
    });
    on_cleanup(move || {
        if let Some(id) = slot.get_value() {
            registry.remove(id);
        }
    });
    let download = move |_| {
        if let Some(element) = registry.element(name) {
            plotly_js::download_png(&element, &format!("flushlab-{name}"));
        }
    };
    view! {
        <figure class=move || card_class.get() data-chart=name aria-label=title>
            <div class="chart" data-testid=format!("chart-{name}") node_ref=node></div>
            <figcaption>
                <span>
                    {move || caption.get()}
                    {move || note.get().map(|note| format!(" {note}"))}
                    {crate::catalogue::chart_term(name).map(|id| view! { " " <GlossaryLink id=id /> })}
                </span>
                <button type="button" class="link-button" on:click=download
                    aria-label=fill(words.png_label, &[("title", title)])>{words.png}</button>
            </figcaption>
        </figure>
    }
}
