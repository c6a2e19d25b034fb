//! The preset menu and the reset button.

use flushlab_engine::presets;
use leptos::prelude::*;

use crate::catalogue::text::{preset_menu_label, preset_words, text};
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
    let story = move || {
        current()
            .map(|preset| preset_words(&preset).1)
            .unwrap_or_else(|| text().panels.own_scenario.to_string())
    };
    let assumptions = move || {
        current()
            .map(|preset| preset_words(&preset).2)
            .unwrap_or_default()
    };
    let thought_experiment = move || current().is_some_and(|preset| preset.thought_experiment);
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
                        <option value="" selected>{text().panels.custom}</option>
                    </Show>
                    {all.with_value(|all| all.iter().map(|preset| {
                        let name = preset.name.clone();
                        let selected_name = name.clone();
                        view! {
                            <option value=name selected=move || state.preset.get() == selected_name>{preset_menu_label(preset)}</option>
                        }
                    }).collect_view())}
                </select>
                <button type="button" data-testid="reset-button" on:click=move |_| state.reset()
                    title=text().panels.reset_title>{text().panels.reset}</button>
            </div>
            <p class="story" data-testid="preset-story">{story}</p>
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
