//! Which chart containers are on screen (an IntersectionObserver with a margin, so a chart is
//! drawn just before it scrolls in).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// How far outside the viewport a chart still counts as visible.
const MARGIN: &str = "200px 0px";

/// Watches elements and reports when each enters or leaves the screen.
pub struct Watcher {
    observer: web_sys::IntersectionObserver,
    /// Kept alive as long as the observer may call it.
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl Watcher {
    /// A watcher calling `changed(element, visible)`; None where the browser has no
    /// IntersectionObserver.
    pub fn new(changed: impl Fn(&web_sys::Element, bool) + 'static) -> Option<Watcher> {
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            for entry in entries.iter() {
                if let Ok(entry) = entry.dyn_into::<web_sys::IntersectionObserverEntry>() {
                    changed(&entry.target(), entry.is_intersecting());
                }
            }
        });
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin(MARGIN);
        let observer = web_sys::IntersectionObserver::new_with_options(
            callback.as_ref().unchecked_ref(),
            &options,
        )
        .ok()?;
        Some(Watcher {
            observer,
            _callback: callback,
        })
    }

    /// Starts watching `element`; false if it cannot be watched.
    pub fn watch(&self, element: &web_sys::Element) -> bool {
        self.observer.observe(element);
        true
    }

    pub fn unwatch(&self, element: &web_sys::Element) {
        self.observer.unobserve(element);
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
