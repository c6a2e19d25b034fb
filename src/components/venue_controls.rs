//! The venue's liquidation rules: a real venue's profile, maintenance margin, fee, insurance fund,
//! partial liquidation, throughput cap, auto-deleveraging, circuit breaker, mark smoothing.

use flushlab_engine::scenario::profiles::{venue_profile, venue_profiles};
use flushlab_engine::scenario::{
    Adl, AdlRanking, CircuitBreaker, Deficits, LeverageControl, MaintenanceMargin, MarginValuation,
    Venue,
};
use leptos::prelude::*;

use super::field::{RangeField, Scale, SelectField, ToggleField};
use super::help::Help;
use crate::catalogue::help_term;
use crate::catalogue::text::text;
use crate::state::{use_state, AppState};

/// The venue panel.
#[component]
pub fn VenueControls() -> impl IntoView {
    let state = use_state();
    let t = text();
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
    // The fund is in coin on an inverse (coin-margined) contract.
    let fund_unit = Memo::new(move |_| {
        state.draft.with(|s| {
            let unit = flushlab_engine::outcome::MoneyUnit::of(s.market.contract);
            crate::catalogue::money_unit(unit, s.market.coin.as_deref())
        })
    });
    let at_entry = Signal::derive(move || {
        state
            .draft
            .with(|s| s.venue.margin_valued_at == MarginValuation::Entry)
    });
    let set_at_entry = move |on: bool| {
        state.edit(|s| {
            s.venue.margin_valued_at = if on {
                MarginValuation::Entry
            } else {
                MarginValuation::Mark
            }
        })
    };
    let fee_in_trigger = Signal::derive(move || state.draft.with(|s| s.venue.fee_in_trigger));
    let set_fee_in_trigger = move |on: bool| state.edit(|s| s.venue.fee_in_trigger = on);
    let limited = Signal::derive(move || state.draft.with(|s| s.venue.block_limits.is_some()));
    let set_limited = move |on: bool| {
        // dYdX's own limits: the profile's.
        let limits = venue_profile("dydx").and_then(|profile| profile.venue.block_limits.clone());
        state.edit(|s| s.venue.block_limits = if on { limits.clone() } else { None });
    };
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
    let ranking = Signal::derive(move || {
        state
            .draft
            .with(|s| match s.venue.adl_ranking {
                AdlRanking::PnlTimesLeverage => "pnl_times_leverage",
                AdlRanking::PnlTimesMarginRatio => "pnl_times_margin_ratio",
                AdlRanking::PriceRatioTimesLeverage => "price_ratio_times_leverage",
            })
            .to_string()
    });
    let set_ranking = move |name: String| {
        state.edit(|s| {
            s.venue.adl_ranking = match name.as_str() {
                "pnl_times_margin_ratio" => AdlRanking::PnlTimesMarginRatio,
                "price_ratio_times_leverage" => AdlRanking::PriceRatioTimesLeverage,
                _ => AdlRanking::PnlTimesLeverage,
            }
        })
    };
    let queued = Signal::derive(move || state.draft.with(|s| s.venue.adl == Adl::Queue));
    let adl_on = Signal::derive(move || state.draft.with(|s| s.venue.adl != Adl::Off));
    let adl_first = Signal::derive(move || state.draft.with(|s| s.venue.deficits == Deficits::Adl));
    let set_adl_first = move |on: bool| {
        state.edit(|s| {
            s.venue.deficits = if on {
                Deficits::Adl
            } else {
                Deficits::FundThenAdl
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
        rule_value(state, |v| v.circuit_breaker.as_ref(), pick)
    };
    let edit_breaker = move |change: fn(&mut CircuitBreaker, f64)| {
        rule_edit(state, |v| v.circuit_breaker.as_mut(), change)
    };
    let band = Signal::derive(move || {
        state
            .draft
            .with(|s| s.venue.liquidation_band_pct.unwrap_or(0.0))
    });
    let set_band = move |pct: f64| {
        state.edit(|s| s.venue.liquidation_band_pct = (pct > 0.0).then_some(pct));
    };
    let control = Signal::derive(move || state.draft.with(|s| s.venue.leverage_control.is_some()));
    let set_control = move |on: bool| {
        state.edit(|s| {
            s.venue.leverage_control = on.then_some(LeverageControl {
                fund_below_pct: Some(50.0),
                volatility_pct: Some(1.0),
                window_steps: 10,
                margin_multiplier: 2.0,
            })
        })
    };
    let control_value = move |pick: fn(&LeverageControl) -> f64| {
        rule_value(state, |v| v.leverage_control.as_ref(), pick)
    };
    let edit_control = move |change: fn(&mut LeverageControl, f64)| {
        rule_edit(state, |v| v.leverage_control.as_mut(), change)
    };
    // The profile whose rules the venue has, or "custom".
    let profile = Signal::derive(move || {
        state.draft.with(|s| {
            venue_profiles()
                .iter()
                .find(|profile| profile.matches(&s.venue))
                .map_or("custom", |profile| profile.id)
                .to_string()
        })
    });
    let set_profile = move |id: String| {
        if let Some(profile) = venue_profile(&id) {
            state.edit(|s| profile.apply(s))
        }
    };
    let mut profile_options = vec![("custom", t.controls.profile_custom)];
    profile_options.extend(venue_profiles().iter().map(|p| (p.id, p.name)));
    let smoothing = Signal::derive(move || state.draft.with(|s| s.market.mark_smoothing_s));
    let set_smoothing = move |seconds: f64| state.edit(|s| s.market.mark_smoothing_s = seconds);
    view! {
        <section class="panel" aria-labelledby="venue-title">
            <div class="panel-head">
                <h2 id="venue-title">{t.panels.venue}</h2>
                <Help
                    topic=t.panels.venue_topic
                    text=t.panels.venue_help
                    term=help_term("venue-title")
                />
            </div>
            <SelectField
                id="venue-profile"
                label=t.controls.profile
                help=t.controls.profile_help
                options=profile_options
                value=profile
                set=set_profile
                testid="venue-profile"
            />
            <RangeField
                id="maintenance-margin"
                label=t.controls.maintenance_margin
                help=t.controls.maintenance_margin_help
                min=0.05
                max=20.0
                step=0.05
                unit="%"
                value=margin
                set=set_margin
            />
            <Show when=move || tiered.get()>
                <p class="muted small">{t.panels.venue_tiered}</p>
            </Show>
            <RangeField
                id="liquidation-fee"
                label=t.controls.liquidation_fee
                help=t.controls.liquidation_fee_help
                min=0.0
                max=5.0
                step=0.05
                unit="%"
                value=fee
                set=set_fee
            />
            <RangeField
                id="insurance-fund"
                label=t.controls.insurance_fund
                help=t.controls.insurance_fund_help
                min=0.0
                max=100_000_000_000.0
                step=1.0
                unit=fund_unit
                scale=Scale::Log
                value=fund
                set=set_fund
            />
            <ToggleField
                id="fee-in-trigger"
                label=t.controls.fee_in_trigger
                help=t.controls.fee_in_trigger_help
                value=fee_in_trigger
                set=set_fee_in_trigger
            />
            <ToggleField
                id="margin-at-entry"
                label=t.controls.margin_at_entry
                help=t.controls.margin_at_entry_help
                value=at_entry
                set=set_at_entry
            />
            <ToggleField
                id="partial-liquidation"
                label=t.controls.partial_liquidation
                help=t.controls.partial_liquidation_help
                value=partial
                set=set_partial
            />
            <ToggleField
                id="throughput-cap"
                label=t.controls.throughput_cap
                help=t.controls.throughput_cap_help
                value=capped
                set=set_capped
            />
            <Show when=move || capped.get()>
                <RangeField
                    id="cap-per-step"
                    label=t.controls.cap_per_step
                    help=t.controls.cap_per_step_help
                    min=10_000.0
                    max=100_000_000_000.0
                    step=1.0
                    unit="USD"
                    scale=Scale::Log
                    value=cap
                    set=set_cap
                />
            </Show>
            <ToggleField
                id="block-limits"
                label=t.controls.block_limits
                help=t.controls.block_limits_help
                value=limited
                set=set_limited
            />
            <RangeField
                id="liquidation-band"
                label=t.controls.liquidation_band
                help=t.controls.liquidation_band_help
                min=0.0 max=10.0 step=0.1 unit="%"
                value=band set=set_band
            />
            <SelectField
                id="adl"
                label=t.controls.adl
                help=t.controls.adl_help
                options=vec![("off", t.controls.adl_off), ("queue", t.controls.adl_queue), ("pro_rata", t.controls.adl_pro_rata)]
                value=adl
                set=set_adl
            />
            <Show when=move || queued.get()>
                <SelectField
                    id="adl-ranking"
                    label=t.controls.adl_ranking
                    help=t.controls.adl_ranking_help
                    options=vec![
                        ("pnl_times_leverage", t.controls.ranking_pnl_leverage),
                        ("pnl_times_margin_ratio", t.controls.ranking_pnl_margin_ratio),
                        ("price_ratio_times_leverage", t.controls.ranking_price_leverage),
                    ]
                    value=ranking
                    set=set_ranking
                />
            </Show>
            <Show when=move || adl_on.get()>
                <ToggleField
                    id="adl-first"
                    label=t.controls.adl_first
                    help=t.controls.adl_first_help
                    value=adl_first
                    set=set_adl_first
                />
            </Show>
            <ToggleField
                id="circuit-breaker"
                label=t.controls.circuit_breaker
                help=t.controls.circuit_breaker_help
                value=breaker
                set=set_breaker
            />
            <Show when=move || breaker.get()>
                <RangeField id="breaker-move" label=t.controls.breaker_move help=t.controls.breaker_move_help min=0.5 max=50.0 step=0.5 unit="%"
                    value=breaker_value(|b| b.move_pct) set=edit_breaker(|b, v| b.move_pct = v) />
                <RangeField id="breaker-window" label=t.controls.breaker_window help=t.controls.breaker_window_help min=1.0 max=600.0 step=1.0 unit=t.controls.unit_steps
                    value=breaker_value(|b| f64::from(b.window_steps)) set=edit_breaker(|b, v| b.window_steps = v.round() as u32) />
                <RangeField id="breaker-halt" label=t.controls.breaker_halt help=t.controls.breaker_halt_help min=1.0 max=3600.0 step=1.0 unit=t.controls.unit_steps
                    value=breaker_value(|b| f64::from(b.halt_steps)) set=edit_breaker(|b, v| b.halt_steps = v.round() as u32) />
            </Show>
            <ToggleField
                id="leverage-control"
                label=t.controls.leverage_control
                help=t.controls.leverage_control_help
                value=control
                set=set_control
            />
            <Show when=move || control.get()>
                <RangeField id="control-fund" label=t.controls.control_fund help=t.controls.control_fund_help min=0.0 max=100.0 step=1.0 unit="%"
                    value=control_value(|c| c.fund_below_pct.unwrap_or(0.0)) set=edit_control(|c, v| c.fund_below_pct = (v > 0.0).then_some(v)) />
                <RangeField id="control-volatility" label=t.controls.control_volatility help=t.controls.control_volatility_help min=0.0 max=10.0 step=0.1 unit="%"
                    value=control_value(|c| c.volatility_pct.unwrap_or(0.0)) set=edit_control(|c, v| c.volatility_pct = (v > 0.0).then_some(v)) />
                <RangeField id="control-multiplier" label=t.controls.control_multiplier help=t.controls.control_multiplier_help min=1.0 max=4.0 step=0.1 unit="x"
                    value=control_value(|c| c.margin_multiplier) set=edit_control(|c, v| c.margin_multiplier = v) />
            </Show>
            <RangeField
                id="mark-smoothing"
                label=t.controls.mark_smoothing
                help=t.controls.mark_smoothing_help
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

/// A slider's value from a rule the venue may have switched off (0 while it is off).
fn rule_value<T: 'static>(
    state: AppState,
    rule: fn(&Venue) -> Option<&T>,
    pick: fn(&T) -> f64,
) -> Signal<f64> {
    Signal::derive(move || state.draft.with(|s| rule(&s.venue).map_or(0.0, pick)))
}

/// A slider's edit of a rule the venue may have switched off (nothing while it is off).
fn rule_edit<T: 'static>(
    state: AppState,
    rule: fn(&mut Venue) -> Option<&mut T>,
    change: fn(&mut T, f64),
) -> impl Fn(f64) + Clone + 'static {
    move |value: f64| {
        state.edit(|s| {
            if let Some(rule) = rule(&mut s.venue) {
                change(rule, value);
            }
        })
    }
}
