//! The page: one shock slider driving one chart through the engine.

use leptos::prelude::*;

use crate::charts;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let shock_pct = RwSignal::new(-5.0_f64);
    let curve = Memo::new(move |_| charts::amplification::curve(shock_pct.get()));

    view! {
        <main class="page">
            <header>
                <h1>"FlushLab"</h1>
                <p class="lede">"How leverage turns a small price move into a flush."</p>
            </header>
            <label for="shock">"Shock: " {move || format!("{:+.1}%", shock_pct.get())}</label>
            <input
                id="shock"
                data-testid="shock-slider"
                type="range"
                min="-50"
                max="0"
                step="0.5"
                prop:value=move || shock_pct.get().to_string()
                on:input=move |ev| {
                    if let Ok(value) = event_target_value(&ev).parse::<f64>() {
                        shock_pct.set(value);
                    }
                }
            />
            <p data-testid="summary">
                {move || format!("Final drawdown: {:.1}%", curve.get().drawdown_at_shock)}
            </p>
            <charts::Chart testid="chart-amplification" figure=Signal::derive(move || curve.get().plot().to_json()) />
        </main>
    }
}
