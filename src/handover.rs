//! The static first view (`#first-view` in `index.html`, written at build time by
//! [`crate::first_view`]) hands over to the app. It lies over the app, which is laid out beneath
//! it as usual, and stays until the app shows the same thing: its own headline written and its
//! price chart drawn, by plotly.js or as the same static SVG (or never to be drawn now: plotly.js failed to load, or the chart
//! is below the screen and waits until it is scrolled to). It then goes in one frame. Removing an
//! element laid over the page moves nothing, so the hand-over shifts no layout.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::charts::plotly_js;

/// Frames after the app's headline is written before the first view goes even without a drawn
/// price chart (about 10 s): it is a copy of the default, never a wall in front of the app.
const LONGEST_WAIT_FRAMES: u32 = 600;

/// Watches the page once per animation frame and removes the first view when the app is up.
pub fn retire_first_view() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let Some(first_view) = document.get_element_by_id("first-view") else {
        return;
    };
    // Not shown (the page opened another scenario than the default, see index.html): it goes now.
    let shown = document
        .document_element()
        .is_some_and(|html| !html.class_list().contains("no-first-view"));
    if !shown {
        first_view.remove();
        return;
    }
    let frame: FrameCallback = Rc::new(RefCell::new(None));
    let again = frame.clone();
    let mut waited = 0u32;
    *frame.borrow_mut() = Some(Closure::new(move || {
        let Some(first_view) = document.get_element_by_id("first-view") else {
            again.borrow_mut().take();
            return;
        };
        let headline_written = document
            // The page's headline, or the Markets tab's (restored from an autosave).
            .query_selector(".app [data-testid=headline], .app [data-testid=markets-headline]")
            .ok()
            .flatten()
            .and_then(|headline| headline.text_content())
            .is_some_and(|text| !text.trim().is_empty());
        if headline_written {
            waited += 1;
        }
        if headline_written && (price_chart_settled(&document) || waited > LONGEST_WAIT_FRAMES) {
            first_view.remove();
            again.borrow_mut().take();
            return;
        }
        request_frame(&again);
    }));
    request_frame(&frame);
}

/// Whether the app's price chart is drawn, or will not be drawn soon.
fn price_chart_settled(document: &web_sys::Document) -> bool {
    let Some(chart) = document
        .query_selector(".app [data-testid=chart-price]")
        .ok()
        .flatten()
    else {
        // Another tab is open: there is no price chart to wait for.
        return true;
    };
    // Drawn by plotly.js, or as the static SVG that stands in for it until plotly.js is in.
    let drawn = chart
        .query_selector(".main-svg, svg.first-view-chart")
        .ok()
        .flatten()
        .is_some();
    if drawn || plotly_js::failed() {
        return true;
    }
    // Below the screen: nothing to hand over to yet.
    web_sys::window()
        .and_then(|window| window.inner_height().ok())
        .and_then(|height| height.as_f64())
        .is_some_and(|height| chart.get_bounding_client_rect().top() > height)
}

/// The animation-frame callback that checks again (it asks for itself).
type FrameCallback = Rc<RefCell<Option<Closure<dyn FnMut()>>>>;

fn request_frame(frame: &FrameCallback) {
    if let (Some(window), Some(callback)) = (web_sys::window(), frame.borrow().as_ref()) {
        let _ = window.request_animation_frame(callback.as_ref().unchecked_ref());
    }
}
