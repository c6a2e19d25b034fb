//! Traders and algorithms: top-ups, pre-emptive de-leveraging, stop-losses, dip buyers, predatory capital,
//! portfolio insurance, option dealers' hedging.

use flushlab_engine::scenario::{
    BuildUp, Cppi, Delever, DipBuyers, OptionDealers, OptionKind, Predators, StopLosses,
    StrikeCoins, TopUp,
};
use flushlab_engine::Scenario;
use leptos::prelude::*;

use super::field::{RangeField, Scale};
use super::help::Help;
use crate::catalogue::help_term;
use crate::catalogue::text::text;
use crate::state::use_state;

/// Where stops sit when the panel switches them on (and what its distance control shows while
/// they are off).
const STOP_DISTANCE_PCT: f64 = 5.0;

/// The traders panel. Every control at 0 switches its behaviour off.
#[component]
pub fn TraderControls() -> impl IntoView {
    let t = text();
    let (top_up, set_top_up) = optional_behaviour(
        |s| s.traders.top_up.as_ref(),
        |s| &mut s.traders.top_up,
        |t| t.share * 100.0,
        |t, pct| t.share = pct / 100.0,
        |pct| TopUp {
            share: pct / 100.0,
            alert_pct: 2.0,
            delay_s: 5.0,
            budget_multiple: 0.5,
        },
    );
    let (delever, set_delever) = optional_behaviour(
        |s| s.traders.delever.as_ref(),
        |s| &mut s.traders.delever,
        |d| d.share * 100.0,
        |d, pct| d.share = pct / 100.0,
        |pct| Delever {
            share: pct / 100.0,
            volatility_threshold_pct: 0.5,
            window_steps: 10,
            fraction: 0.5,
        },
    );
    let (stops, set_stops) = optional_behaviour(
        |s| s.traders.stop_losses.as_ref(),
        |s| &mut s.traders.stop_losses,
        |s| s.share * 100.0,
        |s, pct| s.share = pct / 100.0,
        |pct| StopLosses {
            share: pct / 100.0,
            distance_pct: STOP_DISTANCE_PCT,
        },
    );
    let (dip, set_dip) = optional_behaviour(
        |s| s.traders.dip_buyers.as_ref(),
        |s| &mut s.traders.dip_buyers,
        |d| d.capacity_usd,
        |d, usd| d.capacity_usd = usd,
        |usd| DipBuyers {
            capacity_usd: usd,
            discount_pct: 3.0,
            max_per_step_usd: usd / 20.0,
        },
    );
    let (predators, set_predators) = optional_behaviour(
        |s| s.agents.predators.as_ref(),
        |s| &mut s.agents.predators,
        |p| p.capital_usd,
        |p, usd| p.capital_usd = usd,
        |usd| Predators {
            capital_usd: usd,
            distance_pct: 3.0,
            min_cluster_usd: 0.0,
            sell_steps: 5,
        },
    );
    let (insured, set_insured) = optional_behaviour(
        |s| s.agents.cppi.as_ref(),
        |s| &mut s.agents.cppi,
        |c| c.capital_usd,
        |c, usd| c.capital_usd = usd,
        |usd| Cppi {
            capital_usd: usd,
            multiplier: 5.0,
            floor_pct: 85.0,
            max_exposure: 1.0,
            tolerance_pct: 1.0,
            rebalance_every_steps: 5,
        },
    );
    let (dealers, set_dealers) = optional_behaviour(
        |s| s.agents.option_dealers.as_ref(),
        |s| &mut s.agents.option_dealers,
        |d| -d.strikes.iter().map(|strike| strike.coins).sum::<f64>(),
        |d, coins| *d = short_puts(coins),
        short_puts,
    );
    let (build_up, set_build_up) = optional_behaviour(
        |s| s.build_up.as_ref(),
        |s| &mut s.build_up,
        |b| b.hours,
        |b, hours| b.hours = hours,
        |hours| BuildUp {
            hours,
            premium_at_full_skew_pct: 0.4,
        },
    );
    let no_stops = absent(|s| s.traders.stop_losses.as_ref());
    let (stop_distance, set_stop_distance) = behaviour_setting(
        |s| s.traders.stop_losses.as_ref(),
        |s| s.traders.stop_losses.as_mut(),
        |stops| stops.distance_pct,
        |stops, value| stops.distance_pct = value,
        STOP_DISTANCE_PCT,
    );
    let no_insurance = absent(|s| s.agents.cppi.as_ref());
    let (multiplier, set_multiplier) = behaviour_setting(
        |s| s.agents.cppi.as_ref(),
        |s| s.agents.cppi.as_mut(),
        |c| c.multiplier,
        |c, value| c.multiplier = value,
        5.0,
    );
    let (floor, set_floor) = behaviour_setting(
        |s| s.agents.cppi.as_ref(),
        |s| s.agents.cppi.as_mut(),
        |c| c.floor_pct,
        |c, value| c.floor_pct = value,
        85.0,
    );
    let no_build_up = absent(|s| s.build_up.as_ref());
    let (premium, set_premium) = behaviour_setting(
        |s| s.build_up.as_ref(),
        |s| s.build_up.as_mut(),
        |b| b.premium_at_full_skew_pct,
        |b, value| b.premium_at_full_skew_pct = value,
        0.4,
    );
    view! {
        <section class="panel" aria-labelledby="traders-title">
            <div class="panel-head">
                <h2 id="traders-title">{t.panels.traders}</h2>
                <Help
                    topic=t.panels.traders_topic
                    text=t.panels.traders_help
                    term=help_term("traders-title")
                />
            </div>
            <RangeField
                id="top-up"
                label=t.controls.top_up
                help=t.controls.top_up_help
                min=0.0 max=100.0 step=1.0 unit="%"
                value=top_up set=set_top_up
            />
            <RangeField
                id="delever"
                label=t.controls.delever
                help=t.controls.delever_help
                min=0.0 max=100.0 step=1.0 unit="%"
                value=delever set=set_delever
            />
            <RangeField
                id="stop-losses"
                label=t.controls.stop_losses
                help=t.controls.stop_losses_help
                min=0.0 max=100.0 step=1.0 unit="%"
                value=stops set=set_stops
            />
            <RangeField
                id="stop-distance"
                label=t.controls.stop_distance
                help=t.controls.stop_distance_help
                min=0.5 max=30.0 step=0.5 unit="%"
                value=stop_distance set=set_stop_distance
                disabled=no_stops
            />
            <RangeField
                id="dip-buyers"
                label=t.controls.dip_buyers
                help=t.controls.dip_buyers_help
                min=0.0 max=10_000_000_000.0 step=1.0 unit="USD" scale=Scale::Log
                value=dip set=set_dip
            />
            <RangeField
                id="predators"
                label=t.controls.predators
                help=t.controls.predators_help
                min=0.0 max=10_000_000_000.0 step=1.0 unit="USD" scale=Scale::Log
                value=predators set=set_predators
            />
            <RangeField
                id="cppi"
                label=t.controls.cppi
                help=t.controls.cppi_help
                min=0.0 max=10_000_000_000.0 step=1.0 unit="USD" scale=Scale::Log
                value=insured set=set_insured
            />
            <RangeField
                id="cppi-multiplier"
                label=t.controls.cppi_multiplier
                help=t.controls.cppi_multiplier_help
                min=1.0 max=10.0 step=0.5 unit="x"
                value=multiplier set=set_multiplier
                disabled=no_insurance
            />
            <RangeField
                id="cppi-floor"
                label=t.controls.cppi_floor
                help=t.controls.cppi_floor_help
                min=50.0 max=99.0 step=1.0 unit="%"
                value=floor set=set_floor
                disabled=no_insurance
            />
            <RangeField
                id="option-dealers"
                label=t.controls.option_dealers
                help=t.controls.option_dealers_help
                min=0.0 max=1_000_000.0 step=1.0 unit="coins" scale=Scale::Log
                value=dealers set=set_dealers
            />
            <RangeField
                id="build-up"
                label=t.controls.build_up
                help=t.controls.build_up_help
                min=0.0 max=168.0 step=1.0 unit="h"
                value=build_up set=set_build_up
            />
            <RangeField
                id="funding-premium"
                label=t.controls.funding_premium
                help=t.controls.funding_premium_help
                min=0.0 max=2.0 step=0.05 unit="%"
                value=premium set=set_premium
                disabled=no_build_up
            />
        </section>
    }
}

/// Dealers short `coins` of puts, spread evenly over strikes 2%, 5% and 8% below the start
/// price, 3 days from expiry at 60% implied volatility, re-hedged every 10 steps (the
/// dealers-short-gamma preset's book; a scenario file can give any other).
fn short_puts(coins: f64) -> OptionDealers {
    OptionDealers {
        strikes: [98.0, 95.0, 92.0]
            .into_iter()
            .map(|strike_pct| StrikeCoins {
                strike_pct,
                coins: -coins / 3.0,
                kind: OptionKind::Put,
            })
            .collect(),
        implied_vol_pct: 60.0,
        days_to_expiry: 3.0,
        rehedge_every_steps: 10,
    }
}

/// Whether the scenario leaves out the behaviour `peek` finds (its settings' controls are then
/// disabled).
fn absent<T: 'static>(peek: fn(&Scenario) -> Option<&T>) -> Signal<bool> {
    let state = use_state();
    Signal::derive(move || state.draft.with(|scenario| peek(scenario).is_none()))
}

/// A setting of a behaviour the scenario may leave out: its value (`fallback` while the behaviour
/// is off) and an edit that changes it only while the behaviour is on.
fn behaviour_setting<T: 'static>(
    peek: fn(&Scenario) -> Option<&T>,
    slot: fn(&mut Scenario) -> Option<&mut T>,
    read: fn(&T) -> f64,
    write: fn(&mut T, f64),
    fallback: f64,
) -> (Signal<f64>, Callback<f64>) {
    let state = use_state();
    let set = Callback::new(move |value: f64| {
        state.edit(|scenario| {
            if let Some(behaviour) = slot(scenario) {
                write(behaviour, value);
            }
        })
    });
    (setting_value(peek, read, fallback), set)
}

/// The value a control shows for a behaviour the scenario may leave out: `read` of it, or
/// `fallback` while it is off.
fn setting_value<T: 'static>(
    peek: fn(&Scenario) -> Option<&T>,
    read: fn(&T) -> f64,
    fallback: f64,
) -> Signal<f64> {
    let state = use_state();
    Signal::derive(move || {
        state
            .draft
            .with(|scenario| peek(scenario).map_or(fallback, read))
    })
}

/// A behaviour the scenario may leave out: its slider value (0 when absent) and an edit that
/// switches it on with `create`, changes it with `write`, or removes it at 0. Removed, its
/// settings are kept aside, and switching it back on before anything replaces the scenario (a
/// preset, an import, an undo) brings them back with the new value: the tour's "set it to 0 to
/// compare", set back, ran de-levering at the panel's 0.5% volatility trigger instead of the
/// step's 0.02%, and nothing on the page showed why the same values gave another run.
fn optional_behaviour<T: Clone + Send + Sync + 'static>(
    peek: fn(&Scenario) -> Option<&T>,
    slot: fn(&mut Scenario) -> &mut Option<T>,
    read: fn(&T) -> f64,
    write: fn(&mut T, f64),
    create: fn(f64) -> T,
) -> (Signal<f64>, Callback<f64>) {
    let state = use_state();
    // The settings last switched off, and the count of replacements they belong to.
    let shelf = StoredValue::new(None::<(u64, T)>);
    let set = Callback::new(move |value: f64| {
        let shown = state.replacements.get_untracked();
        state.edit(|scenario| {
            let behaviour = slot(scenario);
            *behaviour = if value <= 0.0 {
                if let Some(off) = behaviour.take() {
                    shelf.set_value(Some((shown, off)));
                }
                None
            } else if let Some(mut current) = behaviour.take() {
                write(&mut current, value);
                Some(current)
            } else {
                let kept = shelf
                    .get_value()
                    .filter(|(of, _)| *of == shown)
                    .map(|(_, settings)| settings);
                let mut on = kept.unwrap_or_else(|| create(value));
                write(&mut on, value);
                Some(on)
            };
        })
    });
    (setting_value(peek, read, 0.0), set)
}
