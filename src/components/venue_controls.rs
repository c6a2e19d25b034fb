//! The venue's liquidation rules: maintenance margin, fee, insurance fund, partial liquidation,
//! throughput cap, auto-deleveraging, circuit breaker, mark smoothing.

use flushlab_engine::scenario::{Adl, CircuitBreaker, MaintenanceMargin};
use leptos::prelude::*;

use super::field::{RangeField, Scale, SelectField, ToggleField};
use super::help::Help;
use crate::state::use_state;

/// The venue panel.
#[component]
pub fn VenueControls() -> impl IntoView {
    let state = use_state();
    let margin = Signal::derive(move || {
        state
            .draft
            .with(|s| s.venue.maintenance_margin.lowest_rate() * 100.0)
    });
    let tiered = Signal::derive(move || {
        state
            .draft
            .with(|s| matches!(s.venue.maintenance_margin, MaintenanceMargin::Tiered { .. }))
    });
    let set_margin = move |pct: f64| {
        state.edit(|s| s.venue.maintenance_margin = MaintenanceMargin::Flat(pct / 100.0))
    };
    let fee = Signal::derive(move || state.draft.with(|s| s.venue.liquidation_fee * 100.0));
    let set_fee = move |pct: f64| state.edit(|s| s.venue.liquidation_fee = pct / 100.0);
    let fund = Signal::derive(move || state.draft.with(|s| s.venue.insurance_fund_usd));
    let set_fund = move |usd: f64| state.edit(|s| s.venue.insurance_fund_usd = usd);
    let partial = Signal::derive(move || state.draft.with(|s| s.venue.partial_liquidation));
    let set_partial = move |on: bool| state.edit(|s| s.venue.partial_liquidation = on);
    let capped = Signal::derive(move || {
        state
            .draft
            .with(|s| s.venue.max_liquidation_usd_per_step.is_some())
    });
    let set_capped = move |on: bool| {
        state.edit(|s| s.venue.max_liquidation_usd_per_step = on.then_some(50_000_000.0))
    };
    let cap = Signal::derive(move || {
        state
            .draft
            .with(|s| s.venue.max_liquidation_usd_per_step.unwrap_or(50_000_000.0))
    });
    let set_cap = move |usd: f64| state.edit(|s| s.venue.max_liquidation_usd_per_step = Some(usd));
    let adl = Signal::derive(move || {
        state
            .draft
            .with(|s| match s.venue.adl {
                Adl::Off => "off",
                Adl::Queue => "queue",
                Adl::ProRata => "pro_rata",
            })
            .to_string()
    });
    let set_adl = move |name: String| {
        state.edit(|s| {
            s.venue.adl = match name.as_str() {
                "queue" => Adl::Queue,
                "pro_rata" => Adl::ProRata,
                _ => Adl::Off,
            }
        })
    };
    let breaker = Signal::derive(move || state.draft.with(|s| s.venue.circuit_breaker.is_some()));
    let set_breaker = move |on: bool| {
        state.edit(|s| {
            s.venue.circuit_breaker = on.then_some(CircuitBreaker {
                move_pct: 5.0,
                window_steps: 10,
                halt_steps: 30,
            })
        })
    };
    let breaker_value = move |pick: fn(&CircuitBreaker) -> f64| {
        Signal::derive(move || {
            state
                .draft
                .with(|s| s.venue.circuit_breaker.as_ref().map_or(0.0, pick))
        })
    };
    let edit_breaker = move |change: fn(&mut CircuitBreaker, f64)| {
        move |value: f64| {
            state.edit(|s| {
                if let Some(breaker) = &mut s.venue.circuit_breaker {
                    change(breaker, value);
                }
            })
        }
    };
    let smoothing = Signal::derive(move || state.draft.with(|s| s.market.mark_smoothing_s));
    let set_smoothing = move |seconds: f64| state.edit(|s| s.market.mark_smoothing_s = seconds);
    view! {
        <section class="panel" aria-labelledby="venue-title">
            <div class="panel-head">
                <h2 id="venue-title">"Venue"</h2>
                <Help
                    topic="the venue's rules"
                    text="How the exchange liquidates: when a position's equity falls below its maintenance margin, the liquidation engine takes it over and closes it with market orders. These rules decide how hard those orders hit the book and who pays when they fill below the bankruptcy price."
                />
            </div>
            <RangeField
                id="maintenance-margin"
                label="Maintenance margin"
                help="The equity a position must keep, as a share of its size. Below it the position is liquidated. Binance charges 0.4% to 0.5% on the smallest BTC positions and more on larger ones."
                min=0.05
                max=20.0
                step=0.05
                unit="%"
                value=margin
                set=set_margin
            />
            <Show when=move || tiered.get()>
                <p class="muted small">"This scenario uses margin tiers by position size; the value shown is the smallest tier's. Moving it replaces the tiers with one flat rate."</p>
            </Show>
            <RangeField
                id="liquidation-fee"
                label="Liquidation fee"
                help="What the venue charges a liquidated position, as a share of its size; it goes into the insurance fund."
                min=0.0
                max=5.0
                step=0.05
                unit="%"
                value=fee
                set=set_fee
            />
            <RangeField
                id="insurance-fund"
                label="Insurance fund"
                help="The venue's buffer: it pays when a liquidation fills below the position's bankruptcy price. When it runs dry, auto-deleveraging or bad debt follows."
                min=0.0
                max=100_000_000_000.0
                step=1.0
                unit="USD"
                scale=Scale::Log
                value=fund
                set=set_fund
            />
            <ToggleField
                id="partial-liquidation"
                label="Partial liquidation"
                help="Close only enough of a position to bring it back above maintenance margin (tier down) instead of all of it: smaller forced orders."
                value=partial
                set=set_partial
            />
            <ToggleField
                id="throughput-cap"
                label="Throughput cap"
                help="A limit on how much the liquidation engine sells per second; the rest waits in a queue. It spreads the selling out, so the book has time to refill."
                value=capped
                set=set_capped
            />
            <Show when=move || capped.get()>
                <RangeField
                    id="cap-per-step"
                    label="Most liquidated per step"
                    help="Notional (USD at mark) the engine may liquidate in one step."
                    min=10_000.0
                    max=100_000_000_000.0
                    step=1.0
                    unit="USD"
                    scale=Scale::Log
                    value=cap
                    set=set_cap
                />
            </Show>
            <SelectField
                id="adl"
                label="Auto-deleveraging"
                help="When the insurance fund cannot cover a loss, the venue closes profitable positions on the other side at the bankruptcy price. Queue: ranked by profit and leverage (Binance, Bybit). Pro-rata: everyone in profit by the same share. Off: the loss is bad debt."
                options=vec![("off", "Off (losses become bad debt)"), ("queue", "Ranked queue"), ("pro_rata", "Pro-rata")]
                value=adl
                set=set_adl
            />
            <ToggleField
                id="circuit-breaker"
                label="Circuit breaker"
                help="Halt all trading for a while when the price moves too far too fast, as some venues and traditional exchanges do."
                value=breaker
                set=set_breaker
            />
            <Show when=move || breaker.get()>
                <RangeField id="breaker-move" label="Halt after a move of" help="The move, within the window, that triggers a halt." min=0.5 max=50.0 step=0.5 unit="%"
                    value=breaker_value(|b| b.move_pct) set=edit_breaker(|b, v| b.move_pct = v) />
                <RangeField id="breaker-window" label="Within" help="The window the move is measured over." min=1.0 max=600.0 step=1.0 unit="steps"
                    value=breaker_value(|b| f64::from(b.window_steps)) set=edit_breaker(|b, v| b.window_steps = v.round() as u32) />
                <RangeField id="breaker-halt" label="Halt for" help="How long trading stops." min=1.0 max=3600.0 step=1.0 unit="steps"
                    value=breaker_value(|b| f64::from(b.halt_steps)) set=edit_breaker(|b, v| b.halt_steps = v.round() as u32) />
            </Show>
            <RangeField
                id="mark-smoothing"
                label="Mark price smoothing"
                help="Liquidations trigger on the mark price, not the last trade. Venues smooth the mark (an index of several exchanges, averaged), so a brief wick on one book liquidates less. This is the half-life with which the mark follows the last price; 0 means mark = last."
                min=0.0
                max=120.0
                step=0.5
                unit="s"
                value=smoothing
                set=set_smoothing
            />
        </section>
    }
}
