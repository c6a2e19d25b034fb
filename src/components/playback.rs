//! Step-through of the timeline: play, pause, step, scrub, speed. Driven by gloo-timers.

use gloo_timers::callback::Interval;
use leptos::prelude::*;

use crate::catalogue::text::{fill, text};
use crate::state::use_state;

/// Milliseconds between playback ticks.
const TICK_MS: u32 = 50;

/// Steps a run may have and still play one step a tick at 1x (15 s for 300 steps): a longer run
/// plays as many steps a tick as keep it about as long (a 100,000-step run took 83 minutes).
const STEPS_PLAYED_ONE_A_TICK: usize = 300;

/// Steps one tick moves the cursor at `speed` in a run of `steps`.
fn steps_a_tick(speed: usize, steps: usize) -> usize {
    speed * steps.div_ceil(STEPS_PLAYED_ONE_A_TICK).max(1)
}

/// The playback bar.
#[component]
pub fn PlaybackBar() -> impl IntoView {
    let state = use_state();
    let steps = Signal::derive(move || state.scenario.with(|s| s.run.steps as usize));
    let timer = StoredValue::new_local(None::<Interval>);
    let advance = move |by: usize| {
        let total = steps.get_untracked();
        state.playback.update(|playback| {
            let next = playback.cursor.map_or(0, |cursor| cursor + by);
            if next + 1 >= total {
                playback.cursor = Some(total.saturating_sub(1));
                playback.playing = false;
            } else {
                playback.cursor = Some(next);
            }
        });
    };
    // The timer runs exactly while `playing` is true; dropping it stops it.
    Effect::new(move |_| {
        let playing = state.playback.with(|playback| playback.playing);
        if playing {
            let tick = Interval::new(TICK_MS, move || {
                let speed = state.playback.with_untracked(|playback| playback.speed);
                advance(steps_a_tick(speed, steps.get_untracked()));
            });
            timer.set_value(Some(tick));
        } else {
            timer.set_value(None);
        }
    });
    on_cleanup(move || timer.set_value(None));
    let toggle = move |_| {
        let total = steps.get_untracked();
        state.playback.update(|playback| {
            if !playback.playing && playback.cursor.is_some_and(|c| c + 1 >= total) {
                playback.cursor = Some(0);
            }
            playback.playing = !playback.playing;
        })
    };
    let step = move |_| {
        state.playback.update(|playback| playback.playing = false);
        advance(1);
    };
    let scrub = move |ev: leptos::ev::Event| {
        if let Ok(cursor) = event_target_value(&ev).parse::<usize>() {
            state.playback.update(|playback| {
                playback.cursor = Some(cursor.min(steps.get_untracked().saturating_sub(1)));
            });
        }
    };
    let clear = move |_| {
        state.playback.set(crate::state::Playback {
            cursor: None,
            playing: false,
            speed: state.playback.get_untracked().speed,
        })
    };
    let speed = move |ev: leptos::ev::Event| {
        if let Ok(speed) = event_target_value(&ev).parse::<usize>() {
            state
                .playback
                .update(|playback| playback.speed = speed.max(1));
        }
    };
    let playing = move || state.playback.get().playing;
    view! {
        <div class="playback" role="group" aria-label=text().toolbar.playback_label>
            <button type="button" data-testid="play-button" on:click=toggle
                aria-label=move || if playing() { text().toolbar.pause_label } else { text().toolbar.play_label }>
                {move || if playing() { text().toolbar.pause } else { text().toolbar.play }}
            </button>
            <button type="button" data-testid="step-button" on:click=step aria-label=text().toolbar.step_label>{text().toolbar.step}</button>
            <input
                type="range"
                data-testid="scrub-slider"
                aria-label=text().toolbar.scrub_label
                min="0"
                max=move || steps.get().saturating_sub(1)
                step="1"
                // The whole run is the run to its end: the knob there, beside "whole run".
                prop:value=move || {
                    let last = steps.get().saturating_sub(1);
                    state.playback.get().cursor.unwrap_or(last).to_string()
                }
                on:input=scrub
            />
            <span class="cursor-text" data-testid="cursor-text">
                {move || match state.playback.get().cursor {
                    Some(cursor) => fill(text().toolbar.cursor, &[("step", &(cursor + 1).to_string()), ("steps", &steps.get().to_string())]),
                    None => text().toolbar.whole_run.to_string(),
                }}
            </span>
            <label class="speed">
                <span class="visually-hidden">{text().toolbar.speed}</span>
                <select on:change=speed aria-label=text().toolbar.speed>
                    <option value="1">"1x"</option>
                    <option value="2" selected>"2x"</option>
                    <option value="5">"5x"</option>
                    <option value="10">"10x"</option>
                </select>
            </label>
            <button type="button" class="link-button" on:click=clear
                disabled=move || state.playback.get().cursor.is_none()>{text().toolbar.show_whole_run}</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::steps_a_tick;

    /// A preset's run plays a step a tick at 1x; a long run as many as keep it about as long.
    #[test]
    fn a_long_run_plays_in_about_the_time_a_preset_does() {
        assert_eq!(steps_a_tick(1, 240), 1);
        assert_eq!(steps_a_tick(2, 300), 2);
        assert_eq!(steps_a_tick(1, 301), 2);
        let ticks = 100_000_usize.div_ceil(steps_a_tick(1, 100_000));
        assert!((290..=300).contains(&ticks), "{ticks} ticks");
    }
}
