//! Traders and algorithms: top-ups, pre-emptive de-leveraging, dip buyers, predatory capital.

use flushlab_engine::scenario::{Delever, DipBuyers, Predators, TopUp};
use leptos::prelude::*;

use super::field::{RangeField, Scale};
use super::help::Help;
use crate::state::use_state;

/// The traders panel. Every control at 0 switches its behaviour off.
#[component]
pub fn TraderControls() -> impl IntoView {
    let state = use_state();
    let top_up = Signal::derive(move || {
        state
            .draft
            .with(|s| s.traders.top_up.as_ref().map_or(0.0, |t| t.share * 100.0))
    });
    let set_top_up = move |pct: f64| {
        state.edit(|s| {
            s.traders.top_up = (pct > 0.0).then(|| TopUp {
                share: pct / 100.0,
                ..s.traders.top_up.clone().unwrap_or(TopUp {
                    share: 0.0,
                    alert_pct: 2.0,
                    delay_s: 5.0,
                    budget_multiple: 0.5,
                })
            })
        })
    };
    let delever = Signal::derive(move || {
        state
            .draft
            .with(|s| s.traders.delever.as_ref().map_or(0.0, |d| d.share * 100.0))
    });
    let set_delever = move |pct: f64| {
        state.edit(|s| {
            s.traders.delever = (pct > 0.0).then(|| Delever {
                share: pct / 100.0,
                ..s.traders.delever.clone().unwrap_or(Delever {
                    share: 0.0,
                    volatility_threshold_pct: 0.5,
                    window_steps: 10,
                    fraction: 0.5,
                })
            })
        })
    };
    let dip = Signal::derive(move || {
        state.draft.with(|s| {
            s.traders
                .dip_buyers
                .as_ref()
                .map_or(0.0, |d| d.capacity_usd)
        })
    });
    let set_dip = move |usd: f64| {
        state.edit(|s| {
            s.traders.dip_buyers = (usd > 0.0).then(|| DipBuyers {
                capacity_usd: usd,
                ..s.traders.dip_buyers.clone().unwrap_or(DipBuyers {
                    capacity_usd: 0.0,
                    discount_pct: 3.0,
                    max_per_step_usd: usd / 20.0,
                })
            })
        })
    };
    let predators = Signal::derive(move || {
        state
            .draft
            .with(|s| s.agents.predators.as_ref().map_or(0.0, |p| p.capital_usd))
    });
    let set_predators = move |usd: f64| {
        state.edit(|s| {
            s.agents.predators = (usd > 0.0).then(|| Predators {
                capital_usd: usd,
                ..s.agents.predators.clone().unwrap_or(Predators {
                    capital_usd: 0.0,
                    distance_pct: 3.0,
                    min_cluster_usd: 0.0,
                    sell_steps: 5,
                })
            })
        })
    };
    view! {
        <section class="panel" aria-labelledby="traders-title">
            <div class="panel-head">
                <h2 id="traders-title">"Traders and algorithms"</h2>
                <Help
                    topic="traders and algorithms"
                    text="People and programs react during a flush: some save their positions, some cut early, some buy the dip, and some push the price toward the liquidations on purpose. Each control at 0 switches that behaviour off."
                />
            </div>
            <RangeField
                id="top-up"
                label="Add collateral near liquidation"
                help="Share of positions whose owners add margin when the price nears their liquidation price (after a short delay, with a limited budget). It moves their liquidation price away."
                min=0.0 max=100.0 step=1.0 unit="%"
                value=top_up set=set_top_up
            />
            <RangeField
                id="delever"
                label="De-lever when volatile"
                help="Share of positions that cut half their size once realized volatility jumps. Their sells hit the book too, so early de-leveraging can itself push the price down."
                min=0.0 max=100.0 step=1.0 unit="%"
                value=delever set=set_delever
            />
            <RangeField
                id="dip-buyers"
                label="Dip buyers' capacity"
                help="Money ready to buy once the price is a few percent below fair value: what makes a flush V-shaped. 0 means nobody steps in."
                min=0.0 max=10_000_000_000.0 step=1.0 unit="USD" scale=Scale::Log
                value=dip set=set_dip
            />
            <RangeField
                id="predators"
                label="Predatory capital"
                help="Traders who see a cluster of liquidation prices nearby, sell ahead of it to trigger it, and buy back cheaply from the forced sellers (Brunnermeier and Pedersen's predatory trading)."
                min=0.0 max=10_000_000_000.0 step=1.0 unit="USD" scale=Scale::Log
                value=predators set=set_predators
            />
        </section>
    }
}
