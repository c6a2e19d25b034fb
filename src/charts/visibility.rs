//! Which chart containers are on screen (an IntersectionObserver with a margin, so a chart is
//! drawn just before it scrolls in), and when one changes size (a ResizeObserver refits it).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// How far outside the viewport a chart still counts as visible: drawn just before it
/// scrolls in.
pub const NEAR: &str = "200px 0px";
/// The viewport itself: what a drag's frames draw (a chart only near it waits for the drag's
/// end, as it is not seen).
pub const IN_VIEW: &str = "0px";

/// Watches elements and reports when each enters or leaves the screen.
pub struct Watcher {
    observer: web_sys::IntersectionObserver,
    /// Kept alive as long as the observer may call it.
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl Watcher {
    /// A watcher calling `changed(element, share)` with the share of the element on the
    /// screen grown by `margin` ([`NEAR`], [`IN_VIEW`]), 0 when it is off it, at quarter steps;
    /// None where the browser has no IntersectionObserver.
    pub fn new(
        margin: &str,
        changed: impl Fn(&web_sys::Element, f64) + 'static,
    ) -> Option<Watcher> {
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            for entry in entries.iter() {
                if let Ok(entry) = entry.dyn_into::<web_sys::IntersectionObserverEntry>() {
                    let share = if entry.is_intersecting() {
                        entry.intersection_ratio().max(f64::MIN_POSITIVE)
                    } else {
                        0.0
                    };
                    changed(&entry.target(), share);
                }
            }
        });
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin(margin);
        let thresholds = js_sys::Array::new();
        for threshold in [0.0, 0.25, 0.5, 0.75, 1.0] {
            thresholds.push(&threshold.into());
        }
        options.set_threshold(&thresholds);
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

/// Fits each watched chart to its container whenever the container's size changes.
pub struct SizeWatcher {
    observer: web_sys::ResizeObserver,
    /// Kept alive as long as the observer may call it.
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl SizeWatcher {
    /// A watcher that refits a chart when its container resizes; None where the browser has no
    /// ResizeObserver.
    pub fn new() -> Option<SizeWatcher> {
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            for entry in entries.iter() {
                if let Ok(entry) = entry.dyn_into::<web_sys::ResizeObserverEntry>() {
                    if let Ok(element) = entry.target().dyn_into::<web_sys::HtmlElement>() {
                        super::plotly_js::fit(&element);
                    }
                }
            }
        });
        let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        Some(SizeWatcher {
            observer,
            _callback: callback,
        })
    }

    pub fn watch(&self, element: &web_sys::Element) {
        self.observer.observe(element);
    }

    pub fn unwatch(&self, element: &web_sys::Element) {
        self.observer.unobserve(element);
    }
}

impl Drop for SizeWatcher {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
