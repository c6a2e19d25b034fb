//! "Place your bet": predict, then reveal. With the mode on, a new scenario's outcome stays
//! hidden (headline, numbers, charts) until the reader has guessed how far the price will go;
//! then the page shows the answer, how far off the guess was, and why (`headline::verdict`).

use leptos::prelude::*;

use flushlab_engine::Scenario;

use crate::catalogue::text::text;
use crate::format;
use crate::headline::{verdict, Guess};
use crate::live::Live;
use crate::state::use_state;

/// Whether betting is on, and the scenario whose outcome has been revealed; provided as context.
#[derive(Clone, Copy)]
pub struct Betting {
    pub on: RwSignal<bool>,
    /// The scenario the reader has bet on and seen (its outcome is shown).
    revealed: RwSignal<Option<Scenario>>,
    /// The reader's last guess, as entered (the trough's depth or the peak's height, percent).
    guess: RwSignal<f64>,
    /// The verdict of the last reveal.
    verdict: RwSignal<Option<String>>,
}

impl Betting {
    pub fn new() -> Betting {
        Betting {
            on: RwSignal::new(false),
            revealed: RwSignal::new(None),
            guess: RwSignal::new(10.0),
            verdict: RwSignal::new(None),
        }
    }

    /// Whether the outcome on screen must stay hidden: betting is on and the reader has not yet
    /// bet on the page's scenario.
    pub fn hiding(&self, state: &crate::state::AppState) -> bool {
        self.on.get()
            && state.scenario.with(|scenario| {
                self.revealed
                    .with(|revealed| revealed.as_ref() != Some(scenario))
            })
    }
}

impl Default for Betting {
    fn default() -> Betting {
        Betting::new()
    }
}

/// The switch in the toolbar.
#[component]
pub fn BetToggle() -> impl IntoView {
    let betting = expect_context::<Betting>();
    view! {
        <label class="check bet-toggle" title=text().bet.toggle_title>
            <input type="checkbox" data-testid="bet-toggle"
                prop:checked=move || betting.on.get()
                on:change=move |event| {
                    betting.on.set(event_target_checked(&event));
                    betting.verdict.set(None);
                } />
            {text().bet.toggle}
        </label>
    }
}

/// The bet card: a guess before the reveal, the verdict after it (absent when betting is off).
#[component]
pub fn BetCard() -> impl IntoView {
    let betting = expect_context::<Betting>();
    let state = use_state();
    let live = expect_context::<Live>();
    let hiding = move || betting.hiding(&state);
    let up = move || state.scenario.with(|scenario| scenario.shock.is_up());
    // Traders who sell (or buy) on their own beside the liquidations, as the verdict names them.
    let traders_sell = move || {
        state.scenario.with(|scenario| {
            scenario.traders.delever.is_some()
                || scenario.traders.stop_losses.is_some()
                || scenario.agents.cppi.is_some()
                || scenario.agents.option_dealers.is_some()
        })
    };
    // The outcome in is this scenario's run: until it is, Reveal waits (clicked while a new
    // preset still ran, it judged the guess against the previous scenario's run).
    let ready = move || {
        live.outcome_scenario.with(|ran| {
            state
                .scenario
                .with(|scenario| ran.as_deref() == Some(scenario))
        })
    };
    let reveal = move |_| {
        if !untrack(ready) {
            return;
        }
        let Some(outcome) = live.outcome.get_untracked() else {
            return;
        };
        let guess = Guess {
            move_pct: betting.guess.get_untracked(),
        };
        betting.verdict.set(Some(verdict(&guess, &outcome)));
        betting.revealed.set(Some(state.scenario.get_untracked()));
    };
    view! {
        <Show when=move || betting.on.get()>
            <section class="bet card" aria-label=text().bet.toggle data-testid="bet">
                <Show when=hiding fallback=move || view! {
                    <p data-testid="bet-verdict">{move || betting.verdict.get().unwrap_or_else(||
                        text().bet.again.to_string())}</p>
                }>
                    <label for="bet-guess"><strong>{move || if up() {
                        text().bet.guess_up
                    } else {
                        text().bet.guess_down
                    }}</strong></label>
                    <div class="bet-row">
                        <input id="bet-guess" type="range" min="0" max="60" step="0.5" data-testid="bet-slider"
                            prop:value=move || betting.guess.get().to_string()
                            on:input=move |event| {
                                if let Ok(value) = event_target_value(&event).parse::<f64>() {
                                    betting.guess.set(value);
                                }
                            } />
                        <span class="tile-value" data-testid="bet-guess">{move || format::percent(betting.guess.get(), 1)}</span>
                        <button type="button" class="primary" data-testid="bet-reveal" on:click=reveal
                            disabled=move || !ready()>{text().bet.reveal}</button>
                    </div>
                    <p class="muted" data-testid="bet-hint">{move || if traders_sell() {
                        text().bet.hint_with_traders
                    } else {
                        text().bet.hint
                    }}</p>
                </Show>
            </section>
        </Show>
    }
}
