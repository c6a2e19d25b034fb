//! The preset menu and the reset button.

use flushlab_engine::presets;
use leptos::prelude::*;

use super::explainer::Explainer;
use crate::catalogue::text::{fill, preset_menu_label, preset_words, text};
use crate::catalogue::tour;
use crate::state::use_state;

/// Preset select, its story, and "Reset".
#[component]
pub fn PresetPicker() -> impl IntoView {
    let state = use_state();
    let all = StoredValue::new(presets::all());
    let current = move || {
        let name = state.preset.get();
        all.with_value(|all| all.iter().find(|preset| preset.name == name).cloned())
    };
    // A preset changed since it was chosen: its story no longer tells this run.
    let edited = Memo::new(move |_| {
        let name = state.preset.get();
        !name.is_empty()
            && all.with_value(|all| {
                all.iter()
                    .find(|preset| preset.name == name)
                    .is_some_and(|preset| state.scenario.with(|s| *s != preset.scenario))
            })
    });
    // No preset: the tour's or a glossary term's example, or the reader's own scenario.
    let explainer = use_context::<Explainer>();
    let example = move || {
        let explainer = explainer?;
        let panels = &text().panels;
        if let Some(index) = explainer.step.get() {
            let step = tour::steps().get(index)?;
            let fields = [
                ("step", (index + 1).to_string()),
                ("title", step.title.to_string()),
            ];
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            return Some((
                fill(panels.tour_example, &fields),
                fill(panels.tour_example_story, &fields),
            ));
        }
        explainer.showing.get().map(|term| {
            let fields = [("term", term.name)];
            (
                fill(panels.term_example, &fields),
                fill(panels.term_example_story, &fields),
            )
        })
    };
    let custom =
        move || example().map_or_else(|| text().panels.custom.to_string(), |(label, _)| label);
    let story = move || {
        current()
            .map(|preset| preset_words(&preset).1)
            .or_else(|| example().map(|(_, story)| story))
            .unwrap_or_else(|| text().panels.own_scenario.to_string())
    };
    let assumptions = move || {
        current()
            .map(|preset| preset_words(&preset).2)
            .unwrap_or_default()
    };
    let thought_experiment = move || current().is_some_and(|preset| preset.thought_experiment);
    // While a bet on this scenario is open its story and assumptions wait: a historical preset's
    // say how far the price fell (2024-08-05's "$58,350 to $49,513", the bet's answer).
    let betting = use_context::<crate::components::bet::Betting>();
    let bet_open = move || betting.is_some_and(|betting| betting.hiding(&state));
    let story = move || {
        if bet_open() && current().is_some() {
            text().panels.story_after_bet.to_string()
        } else {
            story()
        }
    };
    let assumptions = move || {
        if bet_open() {
            Vec::new()
        } else {
            assumptions()
        }
    };
    let choose = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        if let Some(preset) = all.with_value(|all| all.iter().find(|p| p.name == name).cloned()) {
            state.notices.set(Vec::new());
            // An edited scenario is kept and offered back, as before an example.
            state.keep_own_before_example(crate::autosave::now_ms());
            state.load(preset.scenario, &preset.name);
        }
    };
    view! {
        <section class="panel presets" aria-labelledby="preset-label">
            <div class="preset-row">
                <label id="preset-label" for="preset">{text().panels.scenario}</label>
                <select id="preset" data-testid="preset-select" on:change=choose prop:value=move || state.preset.get()>
                    <Show when=move || state.preset.get().is_empty()>
                        <option value="" selected>{custom}</option>
                    </Show>
                    {all.with_value(|all| all.iter().map(|preset| {
                        let name = preset.name.clone();
                        let selected_name = name.clone();
                        let shown_name = name.clone();
                        let label = preset_menu_label(preset);
                        // The chosen preset, changed since: said in its entry.
                        let shown = move || {
                            if edited.get() && state.preset.with(|chosen| *chosen == shown_name) {
                                fill(text().panels.edited, &[("label", &label)])
                            } else {
                                label.clone()
                            }
                        };
                        view! {
                            <option value=name selected=move || state.preset.get() == selected_name>{shown}</option>
                        }
                    }).collect_view())}
                </select>
                <button type="button" data-testid="reset-button" on:click=move |_| state.reset()
                    title=text().panels.reset_title>{text().panels.reset}</button>
            </div>
            // Changed since: the story is dimmed and says so to a screen reader and on hover,
            // in the same room (a note under it moved the shock slider down mid-drag).
            <p class="story" class:stale=move || edited.get() data-testid="preset-story"
                title=move || edited.get().then_some(text().panels.edited_note)>
                {story}
                <Show when=move || edited.get()>
                    <span class="visually-hidden" data-testid="preset-edited">{" "}{text().panels.edited_note}</span>
                </Show>
            </p>
            <Show when=thought_experiment>
                <p class="thought-experiment" data-testid="thought-experiment">
                    {text().panels.thought_experiment}
                </p>
            </Show>
            <Show when=move || !assumptions().is_empty()>
                <details class="assumptions" data-testid="preset-assumptions">
                    <summary>{text().panels.assumptions}</summary>
                    <ul>
                        {move || assumptions().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                    </ul>
                </details>
            </Show>
        </section>
    }
}
