//! The market: depth within 1%, book shape, resilience, market-maker withdrawal.

use flushlab_engine::scenario::Book;
use leptos::prelude::*;

use super::field::{RangeField, Scale, SelectField, ToggleField};
use super::help::Help;
use crate::catalogue::help_term;
use crate::catalogue::text::text;
use crate::state::use_state;

/// The market panel.
#[component]
pub fn MarketControls() -> impl IntoView {
    let state = use_state();
    let t = text();
    let depth = Signal::derive(move || {
        state.draft.with(|s| match &s.market.book {
            Book::Linear { depth_1pct_usd } | Book::Power { depth_1pct_usd, .. } => *depth_1pct_usd,
            Book::Levels { .. } => 0.0,
        })
    });
    let is_ladder = Signal::derive(move || {
        state
            .draft
            .with(|s| matches!(s.market.book, Book::Levels { .. }))
    });
    let set_depth = move |usd: f64| {
        state.edit(|s| match &mut s.market.book {
            Book::Linear { depth_1pct_usd } | Book::Power { depth_1pct_usd, .. } => {
                *depth_1pct_usd = usd
            }
            Book::Levels { .. } => {}
        })
    };
    let shape = Signal::derive(move || {
        state
            .draft
            .with(|s| match &s.market.book {
                Book::Linear { .. } => "linear",
                Book::Power { exponent, .. } if *exponent == 2.0 => "sqrt",
                Book::Power { .. } => "power",
                Book::Levels { .. } => "levels",
            })
            .to_string()
    });
    let set_shape = move |name: String| {
        state.edit(|s| {
            let depth = match &s.market.book {
                Book::Linear { depth_1pct_usd } | Book::Power { depth_1pct_usd, .. } => {
                    *depth_1pct_usd
                }
                Book::Levels { .. } => return,
            };
            s.market.book = match name.as_str() {
                "linear" => Book::Linear {
                    depth_1pct_usd: depth,
                },
                "sqrt" => Book::Power {
                    depth_1pct_usd: depth,
                    exponent: 2.0,
                },
                _ => Book::Power {
                    depth_1pct_usd: depth,
                    exponent: 1.5,
                },
            };
        })
    };
    let exponent = Signal::derive(move || {
        state.draft.with(|s| match &s.market.book {
            Book::Power { exponent, .. } => *exponent,
            _ => 1.0,
        })
    });
    let set_exponent = move |value: f64| {
        state.edit(|s| {
            if let Book::Power { exponent, .. } = &mut s.market.book {
                *exponent = value;
            }
        })
    };
    let resilient = Signal::derive(move || {
        state
            .draft
            .with(|s| s.market.resilience_half_life_s.is_some())
    });
    let set_resilient =
        move |on: bool| state.edit(|s| s.market.resilience_half_life_s = on.then_some(60.0));
    let half_life = Signal::derive(move || {
        state
            .draft
            .with(|s| s.market.resilience_half_life_s.unwrap_or(60.0))
    });
    let set_half_life =
        move |seconds: f64| state.edit(|s| s.market.resilience_half_life_s = Some(seconds));
    let withdrawal = Signal::derive(move || state.draft.with(|s| s.market.withdrawal * 100.0));
    let set_withdrawal = move |pct: f64| state.edit(|s| s.market.withdrawal = pct / 100.0);
    let floor = Signal::derive(move || state.draft.with(|s| s.market.withdrawal_floor * 100.0));
    let set_floor = move |pct: f64| state.edit(|s| s.market.withdrawal_floor = pct / 100.0);
    let shapes = move || {
        let mut options = vec![
            ("linear", t.controls.shape_linear),
            ("sqrt", t.controls.shape_sqrt),
            ("power", t.controls.shape_power),
        ];
        if is_ladder.get() {
            options.push(("levels", t.controls.shape_levels));
        }
        options
    };
    view! {
        <section class="panel" aria-labelledby="market-title">
            <div class="panel-head">
                <h2 id="market-title">{t.panels.market}</h2>
                <Help
                    topic=t.panels.market_topic
                    text=t.panels.market_help
                    term=help_term("market-title")
                />
            </div>
            <Show when=move || is_ladder.get()>
                <p class="muted">{t.panels.market_ladder}</p>
            </Show>
            <RangeField
                id="depth"
                label=t.controls.depth
                help=t.controls.depth_help
                min=100_000.0
                max=100_000_000_000.0
                step=1.0
                unit="USD"
                scale=Scale::Log
                testid="depth-slider"
                value=depth
                set=set_depth
                disabled=is_ladder
            />
            {move || (!is_ladder.get()).then(|| view! {
                <SelectField
                    id="book-shape"
                    label=t.controls.book_shape
                    help=t.controls.book_shape_help
                    options=shapes()
                    value=shape
                    set=set_shape
                />
            })}
            <Show when=move || shape.get() == "power">
                <RangeField
                    id="book-exponent"
                    label=t.controls.book_exponent
                    help=t.controls.book_exponent_help
                    min=0.5
                    max=4.0
                    step=0.1
                    value=exponent
                    set=set_exponent
                />
            </Show>
            <ToggleField
                id="resilient"
                label=t.controls.resilient
                help=t.controls.resilient_help
                value=resilient
                set=set_resilient
            />
            <Show when=move || resilient.get()>
                <RangeField
                    id="half-life"
                    label=t.controls.half_life
                    help=t.controls.half_life_help
                    min=1.0
                    max=3600.0
                    step=1.0
                    unit="s"
                    value=half_life
                    set=set_half_life
                />
            </Show>
            <RangeField
                id="withdrawal"
                label=t.controls.withdrawal
                help=t.controls.withdrawal_help
                min=0.0
                max=50.0
                step=0.5
                unit=t.controls.unit_per_pct
                value=withdrawal
                set=set_withdrawal
            />
            <RangeField
                id="withdrawal-floor"
                label=t.controls.withdrawal_floor
                help=t.controls.withdrawal_floor_help
                min=1.0
                max=100.0
                step=1.0
                unit="%"
                value=floor
                set=set_floor
            />
        </section>
    }
}
