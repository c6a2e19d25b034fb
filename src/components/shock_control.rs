//! The shock: its size (-50% to +50%) and kind (instant gap, market sell, ramp).

use flushlab_engine::scenario::{Shock, ShockKind};
use leptos::prelude::*;

use super::field::{RangeField, Scale, SelectField};
use super::help::Help;
use crate::catalogue::help_term;
use crate::catalogue::text::text;
use crate::state::use_state;

/// The shock slider's marks (its scale is fine near 0: the marks say where the values are).
const SHOCK_MARKS: [f64; 7] = [-50.0, -25.0, -10.0, 0.0, 10.0, 25.0, 50.0];

/// The shock panel; `compact`: the size slider alone (an embed's default control).
#[component]
pub fn ShockControl(#[prop(optional)] compact: bool) -> impl IntoView {
    let t = text();
    let state = use_state();
    // A market sell's move is read off the book: shown to a hundredth of a percent.
    let size = Signal::derive(move || {
        state.draft.with(|scenario| {
            let pct = scenario.shock.move_pct(&scenario.market);
            match scenario.shock.kind {
                ShockKind::Sell => (pct * 100.0).round() / 100.0,
                _ => pct,
            }
        })
    });
    let kind = Signal::derive(move || {
        state
            .draft
            .with(|scenario| match scenario.shock.kind {
                ShockKind::Instant => "instant",
                ShockKind::Sell => "sell",
                ShockKind::Ramp => "ramp",
            })
            .to_string()
    });
    let set_size =
        move |pct: f64| state.edit(|scenario| scenario.shock.resize(&scenario.market, pct));
    let set_kind = move |name: String| {
        state.edit(|scenario| {
            let pct = scenario.shock.move_pct(&scenario.market);
            let notional = Shock::sell_notional_for(&scenario.market, pct);
            let shock = &mut scenario.shock;
            match name.as_str() {
                "sell" => {
                    shock.kind = ShockKind::Sell;
                    shock.pct = 0.0;
                    shock.duration_s = 0.0;
                    shock.path.clear();
                    shock.notional_usd = notional;
                }
                "ramp" => {
                    shock.kind = ShockKind::Ramp;
                    shock.pct = pct;
                    shock.notional_usd = 0.0;
                    if shock.duration_s <= 0.0 {
                        shock.duration_s = 60.0;
                    }
                }
                _ => {
                    shock.kind = ShockKind::Instant;
                    shock.pct = pct;
                    shock.notional_usd = 0.0;
                    shock.duration_s = 0.0;
                    shock.path.clear();
                }
            }
        })
    };
    let duration = Signal::derive(move || state.draft.with(|s| s.shock.duration_s));
    let set_duration = move |seconds: f64| state.edit(|s| s.shock.duration_s = seconds);
    let is_ramp = move || kind.get() == "ramp";
    let has_path = move || is_ramp() && state.draft.with(|s| !s.shock.path.is_empty());
    let is_sell = move || kind.get() == "sell";
    let sold = move || {
        state.draft.with(|s| {
            let notional = s.shock.notional_usd;
            let words = if notional < 0.0 {
                t.controls.shock_bought
            } else {
                t.controls.shock_sold
            };
            crate::catalogue::text::fill(words, &[("usd", &crate::format::usd(notional.abs()))])
        })
    };
    // The size slider, in the full panel and alone (an embed's compact control).
    let size_field = move |label: &'static str, help: &'static str| {
        view! {
            <RangeField
                id="shock-size"
                label=label
                help=help
                min=-50.0
                max=50.0
                step=0.1
                unit="%"
                scale=Scale::Fine
                marks=&SHOCK_MARKS
                testid="shock-slider"
                value=size
                set=set_size
            />
        }
    };
    if compact {
        return view! {
            <section class="panel compact" aria-label=t.panels.shock>
                {size_field(t.controls.shock_compact, t.controls.shock_compact_help)}
            </section>
        }
        .into_any();
    }
    view! {
        <section class="panel shock-panel" aria-labelledby="shock-title">
            <div class="panel-head">
                <h2 id="shock-title">{t.panels.shock}</h2>
                <Help
                    topic=t.panels.shock_topic
                    text=t.panels.shock_help
                    term=help_term("shock-title")
                />
            </div>
            {size_field(t.controls.shock_size, t.controls.shock_size_help)}
            <SelectField
                id="shock-kind"
                label=t.controls.shock_kind
                help=t.controls.shock_kind_help
                options=vec![("instant", t.controls.shock_instant), ("sell", t.controls.shock_sell), ("ramp", t.controls.shock_ramp)]
                value=kind
                set=set_kind
            />
            <Show when=is_ramp>
                <RangeField
                    id="shock-duration"
                    label=t.controls.shock_duration
                    help=t.controls.shock_duration_help
                    min=1.0
                    max=86_400.0
                    step=1.0
                    unit="s"
                    scale=Scale::Log
                    value=duration
                    set=set_duration
                />
                {move || {
                    // Seconds past two minutes are read in minutes or hours ("86,400 s": a day).
                    let seconds = duration.get();
                    (seconds >= 120.0).then(|| view! {
                        <p class="muted field-note" data-testid="shock-duration-reads">
                            {crate::catalogue::text::fill(t.controls.shock_duration_reads, &[("time", &crate::format::seconds(seconds))])}
                        </p>
                    })
                }}
            </Show>
            <Show when=is_sell>
                <p class="muted" data-testid="shock-sold">{sold}</p>
            </Show>
            <Show when=has_path>
                <p class="muted" data-testid="shock-path-note">{t.controls.shock_path}</p>
            </Show>
        </section>
    }
    .into_any()
}
