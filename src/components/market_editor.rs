//! The controls on the Markets tab: the same leverage editor, market, venue and trader panels as
//! on the other tabs, editing the market selected in the diagram instead of the page's scenario.
//!
//! The panels read and write the app state from context, so this provides them (through a
//! `Provider`, its own owner) a state of their own whose scenario is the selected market (`AppState::for_market`); its valid edits are written
//! back into the Markets tab's choice, which makes the system the reader's own and re-runs it.
//! The common shock is the tab's slider, so the shock panel is not here.

use leptos::context::Provider;
use leptos::prelude::*;

use super::field::RangeField;
use super::leverage_editor::LeverageEditor;
use super::market_controls::MarketControls;
use super::trader_controls::TraderControls;
use super::venue_controls::VenueControls;
use crate::catalogue::text::{fill, text};
use crate::state::{use_state, AppState};

/// The Markets tab's side panel: which market is edited, and its controls.
#[component]
pub fn MarketEditor() -> impl IntoView {
    let state = use_state();
    let t = text();
    // The system before its cuts and shock: a shock drag or a cut leaves it (and the panels) be.
    let base = Memo::new(move |_| state.markets.with(|choice| choice.base()));
    let ids = Memo::new(move |_| {
        base.with(|system| {
            system
                .markets
                .iter()
                .map(|market| market.name().to_string())
                .collect::<Vec<_>>()
        })
    });
    // A selection past the system's markets (another system was chosen) edits its first one.
    let selected = Memo::new(move |_| {
        let picked = state.markets_selected.get();
        if picked < ids.with(Vec::len) {
            picked
        } else {
            0
        }
    });
    let choose = move |ev: leptos::ev::Event| {
        if let Ok(index) = event_target_value(&ev).parse::<usize>() {
            state.markets_selected.set(index);
        }
    };
    // Undoable like every change of the tab (the page's Undo brings the edits back).
    let back = move |_| {
        let mut next = state.markets.get_untracked();
        if let Some(own) = next.own.take() {
            next.preset = if own.from.is_empty() {
                crate::markets::DEFAULT_SYSTEM.to_string()
            } else {
                own.from
            };
            next.cut.clear();
        }
        state.clear("markets");
        state.change_markets(next);
    };
    // The picked market's share of the common shock (a market order's size, for a sale).
    let beta = Signal::derive(move || {
        base.with(|system| {
            system
                .markets
                .get(selected.get())
                .map_or(1.0, |market| market.shock_beta)
        })
    });
    let set_beta = Callback::new(move |value: f64| {
        let index = selected.get_untracked();
        state.edit_markets(|choice| choice.with_beta(index, value));
    });
    view! {
        <section class="panel markets-edit" aria-labelledby="markets-edit-label" data-testid="markets-edit">
            <div class="preset-row">
                <label id="markets-edit-label" for="markets-edit-select">{t.charts.markets_edit}</label>
                <select id="markets-edit-select" data-testid="markets-edit-select" on:change=choose
                    prop:value=move || selected.get().to_string()>
                    {move || ids.get().into_iter().enumerate().map(|(i, id)| {
                        view! { <option value=i.to_string() selected=move || selected.get() == i>{id}</option> }
                    }).collect_view()}
                </select>
            </div>
            <p class="muted">{t.charts.markets_edit_help}</p>
            <RangeField id="market-beta" label=t.charts.markets_beta help=t.charts.markets_beta_help
                min=-2.0 max=3.0 step=0.05 testid="market-beta-slider" value=beta set=set_beta />
            <Show when=move || state.markets.with(|choice| choice.shows_own())>
                <p class="story" data-testid="markets-own">
                    {move || state.markets.with(|choice| match choice.origin() {
                        "" => t.charts.markets_own_imported.to_string(),
                        from => fill(t.charts.markets_own_edited, &[("preset", from)]),
                    })}
                    " "
                    <button type="button" class="link-button" data-testid="markets-back" on:click=back>
                        {t.charts.markets_back}
                    </button>
                </p>
            </Show>
        </section>
        {move || {
            let index = selected.get();
            view! { <SelectedMarket index=index base=base page=state /> }
        }}
    }
}

/// The panels editing market `index` of the shown system.
#[component]
fn SelectedMarket(
    /// The market's position in the system.
    index: usize,
    /// The shown system before its cuts and shock.
    base: Memo<flushlab_engine::system::System>,
    /// The page's state (taken by the caller: below, the context is the market's).
    page: AppState,
) -> impl IntoView {
    let state = page;
    let market = move || {
        base.with_untracked(|system| {
            (index < system.markets.len()).then(|| system.market_scenario(index))
        })
    };
    let Some(start) = market() else {
        return ().into_any();
    };
    let part = AppState::for_market(start, &state);
    // What the panels edit, valid, back into the system (which re-runs it). An edit the system
    // refuses (an account or loan no longer fits the market) is said in the banner; the panels
    // go back to the market as the system has it, the refused value kept in the typed box.
    Effect::new(move |_| {
        let scenario = part.scenario.get();
        if state.edit_markets(|choice| choice.with_market(index, &scenario)) {
            if let Some(kept) = market() {
                part.scenario.set(kept);
            }
        }
    });
    // Another system shown (a preset, an import, an undo, "back to the preset"): the panels
    // follow it.
    Effect::new(move |_| {
        let same = base.with(|system| {
            index < system.markets.len()
                && part
                    .scenario
                    .with_untracked(|shown| system.with_market_scenario(index, shown) == *system)
        });
        if let (false, Some(scenario)) = (same, market()) {
            state.clear("markets");
            part.load(scenario, "");
        }
    });
    // A context of its own for the panels (Provider gives them their own owner, so the page's
    // state stays the context everywhere else).
    view! {
        <Provider value=part>
            <LeverageEditor />
            <details class="more-controls" open=!crate::browser::is_narrow() data-testid="markets-more-controls">
                <summary>{text().page.more_controls}</summary>
                <MarketControls />
                <VenueControls />
                <TraderControls />
            </details>
        </Provider>
    }
    .into_any()
}
