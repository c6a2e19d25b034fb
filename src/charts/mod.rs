//! Charts: each file turns engine output into a `plotly::Plot`; `plotly_js` is the only place that
//! talks to plotly.js.

pub mod amplification;
mod plotly_js;

use leptos::html::Div;
use leptos::prelude::*;

/// A chart container that redraws its plot with `Plotly.react` whenever the plot changes.
#[component]
pub fn Chart(
    /// The `data-testid` of the container, e.g. `chart-price`.
    testid: &'static str,
    /// The figure (plotly JSON from `Plot::to_json`); every new value redraws it.
    figure: Signal<String>,
) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    Effect::new(move |_| {
        let figure = figure.get();
        if let Some(element) = node.get() {
            plotly_js::react(&element, &figure);
        }
    });
    view! { <div class="chart" data-testid=testid node_ref=node></div> }
}
