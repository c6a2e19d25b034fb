//! The market: depth within 1%, book shape, resilience, market-maker withdrawal.

use flushlab_engine::scenario::Book;
use leptos::prelude::*;

use super::field::{RangeField, Scale, SelectField, ToggleField};
use super::help::Help;
use crate::state::use_state;

/// The market panel.
#[component]
pub fn MarketControls() -> impl IntoView {
    let state = use_state();
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
            ("linear", "Linear: same depth in every 1% band"),
            ("sqrt", "Square-root impact (power 2)"),
            ("power", "Power law (choose the exponent)"),
        ];
        if is_ladder.get() {
            options.push(("levels", "Explicit ladder (from the scenario)"));
        }
        options
    };
    view! {
        <section class="panel" aria-labelledby="market-title">
            <div class="panel-head">
                <h2 id="market-title">"Market"</h2>
                <Help
                    topic="the market"
                    text="The order book that forced sells hit. Thinner books move more per dollar sold, which liquidates the next layer of positions sooner."
                />
            </div>
            <Show when=move || is_ladder.get()>
                <p class="muted">"This scenario's book is an explicit price ladder; depth and shape come from it."</p>
            </Show>
            <RangeField
                id="depth"
                label="Depth within 1%"
                help="How much can be sold before the price falls 1% (USD, resting bids within 1% of the price). Major coins on large venues often show tens to hundreds of millions; during stress it can shrink by 90%."
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
                    label="Book shape"
                    help="How depth grows away from the price. Linear: every 1% band holds the same. Square-root: cumulative depth grows with the square of the distance, so price impact grows like the square root of the size sold, the pattern measured in many markets."
                    options=shapes()
                    value=shape
                    set=set_shape
                />
            })}
            <Show when=move || shape.get() == "power">
                <RangeField
                    id="book-exponent"
                    label="Depth exponent"
                    help="Cumulative depth within x% grows like x to this power: 1 is a linear book, 2 gives square-root impact."
                    min=0.5
                    max=4.0
                    step=0.1
                    value=exponent
                    set=set_exponent
                />
            </Show>
            <ToggleField
                id="resilient"
                label="Book refills after trades"
                help="Resilience: market makers re-post liquidity that was consumed, so the price impact of a sale fades. Off means impact is permanent."
                value=resilient
                set=set_resilient
            />
            <Show when=move || resilient.get()>
                <RangeField
                    id="half-life"
                    label="Refill half-life"
                    help="Seconds for half of the consumed depth to come back."
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
                label="Market-maker withdrawal"
                help="Share of depth market makers pull for every 1% the price has moved: in a fast market they widen quotes or step away, which is what makes flushes violent."
                min=0.0
                max=50.0
                step=0.5
                unit="% per 1%"
                value=withdrawal
                set=set_withdrawal
            />
            <RangeField
                id="withdrawal-floor"
                label="Depth that always stays"
                help="However far the price moves, at least this share of the book's depth remains."
                min=0.0
                max=100.0
                step=1.0
                unit="%"
                value=floor
                set=set_floor
            />
        </section>
    }
}
