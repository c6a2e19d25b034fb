//! Remembers, for this tab, that the page stopped while it was working, so the next page (a
//! reload, the panic panel's buttons) asks before running the same scenario again instead of
//! crashing on it again. A failed allocation aborts without a panic, so nothing can be written at
//! the moment of the crash: the mark is written before the first piece of engine work and only
//! taken away when the page is left cleanly (`pagehide` while no work is under way).
//!
//! In the live loop this costs a `Cell` write per frame (`begin`/`end`); storage is touched once
//! per page.

use std::cell::Cell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The sessionStorage key of the mark (per tab, gone when the tab closes).
pub const KEY: &str = "flushlab:working";

thread_local! {
    /// Engine work is under way (set by `begin`, cleared by `end`; stays set after a crash).
    static WORKING: Cell<bool> = const { Cell::new(false) };
    /// The mark is in sessionStorage.
    static MARKED: Cell<bool> = const { Cell::new(false) };
    static WATCHING: Cell<bool> = const { Cell::new(false) };
}

/// Engine work begins (the mark is written once per page, on a page that reads it: not in an
/// embed or a test).
pub fn begin() {
    WORKING.with(|working| working.set(true));
    if WATCHING.with(Cell::get) && !MARKED.with(Cell::get) {
        MARKED.with(|marked| marked.set(true));
        if let Some(storage) = session_storage() {
            let _ = storage.set_item(KEY, "1");
        }
    }
}

/// Engine work ended normally.
pub fn end() {
    WORKING.with(|working| working.set(false));
}

/// The page has crashed (the panic hook): the mark stays whatever happens next.
pub fn crashed() {
    begin();
}

/// Whether the previous page in this tab stopped while working; takes the mark away (this page
/// writes its own when it starts working) and starts watching for a clean exit.
pub fn previous_page_stopped_while_working() -> bool {
    let Some(storage) = session_storage() else {
        return false;
    };
    let stopped = storage.get_item(KEY).ok().flatten().is_some();
    let _ = storage.remove_item(KEY);
    watch_for_clean_exit();
    stopped
}

/// On `pagehide` with no work under way, the mark goes: the page ended cleanly.
fn watch_for_clean_exit() {
    if WATCHING.with(|watching| watching.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = Closure::<dyn FnMut()>::new(|| {
        if !WORKING.with(Cell::get) {
            MARKED.with(|marked| marked.set(false));
            if let Some(storage) = session_storage() {
                let _ = storage.remove_item(KEY);
            }
        }
    });
    let _ = window.add_event_listener_with_callback("pagehide", listener.as_ref().unchecked_ref());
    // Lives as long as the page.
    listener.forget();
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}
