//! A way down a scrolled box of an embed: in a frame shorter than its cards (an article's 500 px
//! iframe for two charts) the second chart sat under the first's edge with nothing saying the
//! box scrolls. While the box is at its top and hides something below what it shows, a button
//! over its bottom edge says so and scrolls it a screen down; once the box has scrolled, the
//! reader knows it does, and the button is out of the way of what lies under it (a slider).

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::catalogue::text::text;

/// Pixels a box may have scrolled, or hide below, and count as not at all (rounding, a border).
const SLACK_PX: i32 = 8;

/// Pixels of what the box showed that stay in sight after the button scrolls it.
const OVERLAP_PX: i32 = 48;

/// Whether `element` is at its top with more than a few pixels below what it shows.
fn more_below(element: &web_sys::Element) -> bool {
    element.scroll_top() <= SLACK_PX
        && element.scroll_height() - element.client_height() - element.scroll_top() > SLACK_PX
}

/// The button for the box `target` (placed right after it; the box is looked at when it
/// scrolls, when it or a card in it changes size, and when `changed` changes: what it holds).
#[component]
pub fn MoreBelow(target: NodeRef<Div>, #[prop(into)] changed: Signal<bool>) -> impl IntoView {
    let more = RwSignal::new(false);
    let look = move || {
        if let Some(element) = target.get_untracked() {
            let now = more_below(&element);
            if more.get_untracked() != now {
                more.set(now);
            }
        }
    };
    let listening = StoredValue::new_local(None::<(web_sys::ResizeObserver, Closure<dyn FnMut()>)>);
    Effect::new(move |_| {
        changed.track();
        let Some(element) = target.get() else {
            return;
        };
        if listening.with_value(Option::is_none) {
            let callback = Closure::<dyn FnMut()>::new(look);
            let _ = element
                .add_event_listener_with_callback("scroll", callback.as_ref().unchecked_ref());
            if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
                listening.set_value(Some((observer, callback)));
            }
        }
        // The box and what is in it now (the cards an outcome brings).
        listening.with_value(|listening| {
            if let Some((observer, _)) = listening {
                observer.disconnect();
                observer.observe(&element);
                let children = element.children();
                for k in 0..children.length() {
                    if let Some(child) = children.item(k) {
                        observer.observe(&child);
                    }
                }
            }
        });
        look();
    });
    on_cleanup(move || {
        if let Some((observer, _callback)) = listening.try_update_value(Option::take).flatten() {
            observer.disconnect();
        }
    });
    let scroll_down = move |_| {
        if let Some(element) = target.get_untracked() {
            let by = (element.client_height() - OVERLAP_PX).max(OVERLAP_PX);
            // Smoothly where the reader has not asked for less motion (the page's style).
            element.set_scroll_top(element.scroll_top() + by);
        }
    };
    view! {
        <div class="more-below">
            {move || more.get().then(|| view! {
                <button type="button" class="primary" data-testid="more-below"
                    on:click=scroll_down>{crate::components::glyphed(text().page.more_below)}</button>
            })}
        </div>
    }
}
