//! Which user gesture an edit belongs to, so a drag is one undo step (`src/undo.rs`). A gesture
//! begins at every `pointerdown`, `pointerup`, `keydown` and `change` (caught on the window in
//! the capture phase, before any control's handler); everything in between belongs to it: the
//! `pointermove`s of a drag, the `input` events of a slider until it is released or its value
//! committed. A number read per edit, never a closure or an allocation.

use std::cell::Cell;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Events that end one gesture and begin the next.
const BOUNDARIES: [&str; 4] = ["pointerdown", "pointerup", "keydown", "change"];

thread_local! {
    static GESTURE: Cell<u64> = const { Cell::new(0) };
}

/// The gesture under way.
pub fn current() -> u64 {
    GESTURE.with(Cell::get)
}

/// Ends the gesture under way (an edit after this opens a new undo step).
pub fn next() {
    GESTURE.with(|gesture| gesture.set(gesture.get().wrapping_add(1)));
}

/// Follows gestures on this page for as long as the calling component lives.
pub fn use_gestures() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| next());
    for name in BOUNDARIES {
        let _ = window.add_event_listener_with_callback_and_bool(
            name,
            listener.as_ref().unchecked_ref(),
            true,
        );
    }
    let stored = StoredValue::new_local(Some(listener));
    on_cleanup(move || {
        let (Some(window), Some(listener)) = (
            web_sys::window(),
            stored.try_update_value(Option::take).flatten(),
        ) else {
            return;
        };
        for name in BOUNDARIES {
            let _ = window.remove_event_listener_with_callback_and_bool(
                name,
                listener.as_ref().unchecked_ref(),
                true,
            );
        }
    });
}
