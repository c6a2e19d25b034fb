//! Undo, Redo and Start fresh, with the shortcuts Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y (Cmd on a Mac).
//! A text box keeps its own undo: the shortcuts act on the scenario everywhere else.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::catalogue::text::text;
use crate::gestures;
use crate::state::{use_state, AppState};

/// The buttons (and, while they are on the page, the shortcuts and the gesture tracking that
/// makes a drag one undo step).
#[component]
pub fn EditBar() -> impl IntoView {
    let state = use_state();
    gestures::use_gestures();
    use_undo_shortcuts(state);
    let undo_count = move || state.undo_depth.get().0;
    let redo_count = move || state.undo_depth.get().1;
    view! {
        <div class="toolbar" role="toolbar" aria-label=text().toolbar.edit_label>
            <button type="button" data-testid="undo-button" on:click=move |_| state.undo()
                disabled=move || undo_count() == 0 title=text().toolbar.undo_title
                aria-keyshortcuts="Control+Z">{crate::components::glyphed(text().toolbar.undo)}</button>
            <button type="button" data-testid="redo-button" on:click=move |_| state.redo()
                disabled=move || redo_count() == 0 title=text().toolbar.redo_title
                aria-keyshortcuts="Control+Shift+Z">{crate::components::glyphed(text().toolbar.redo)}</button>
            <button type="button" data-testid="start-fresh" on:click=move |_| state.start_fresh()
                title=text().toolbar.start_fresh_title>{text().toolbar.start_fresh}</button>
        </div>
    }
}

/// Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y on the window, except in text boxes.
fn use_undo_shortcuts(state: AppState) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener =
        Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |event: web_sys::KeyboardEvent| {
            if !(event.ctrl_key() || event.meta_key()) || event.alt_key() || in_text_box(&event) {
                return;
            }
            match event.key().to_lowercase().as_str() {
                "z" if event.shift_key() => state.redo(),
                "z" => state.undo(),
                "y" => state.redo(),
                _ => return,
            }
            event.prevent_default();
        });
    let _ = window.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
    let stored = StoredValue::new_local(Some(listener));
    on_cleanup(move || {
        if let (Some(window), Some(listener)) = (
            web_sys::window(),
            stored.try_update_value(Option::take).flatten(),
        ) {
            let _ = window
                .remove_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
    });
}

/// Whether the key went to something that edits text (its own undo applies there).
fn in_text_box(event: &web_sys::KeyboardEvent) -> bool {
    let Some(element) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    match element.tag_name().to_ascii_lowercase().as_str() {
        "textarea" => true,
        "input" => matches!(
            element.get_attribute("type").unwrap_or_default().as_str(),
            "" | "text" | "search" | "number" | "email" | "url"
        ),
        _ => element.get_attribute("contenteditable").is_some(),
    }
}
