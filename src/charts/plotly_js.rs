//! The one place that calls into plotly.js. A missing or failing plotly.js is logged, never a
//! panic. `index.html` loads plotly.js `async` (so it never holds up the first paint), and the
//! app may be up before it: a chart drawn before then waits here, its newest figure drawn when
//! plotly.js arrives.

use std::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The id of plotly.js's `<script>` in `index.html`; it gets `data-failed` if it cannot load.
const SCRIPT_ID: &str = "plotly";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = react)]
    fn plotly_react(element: &web_sys::HtmlElement, figure: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = animate)]
    fn plotly_animate(
        element: &web_sys::HtmlElement,
        frame: &JsValue,
        options: &JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["Plotly", "Plots"], js_name = resize)]
    fn plotly_plots_resize(element: &web_sys::HtmlElement) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = purge)]
    fn plotly_purge(element: &web_sys::HtmlElement) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = downloadImage)]
    fn plotly_download_image(
        element: &web_sys::HtmlElement,
        options: &JsValue,
    ) -> Result<JsValue, JsValue>;
}

/// Draws or updates `figure` (plotly JSON with data, layout and config) in `element` (once
/// plotly.js has loaded, if it has not yet).
pub fn react(element: &web_sys::HtmlElement, figure: &str) {
    if !loaded() && wait_for_plotly(element, figure) {
        return;
    }
    // A figure still waiting from before plotly.js arrived is older than this one.
    WAITING.with_borrow_mut(|waiting| {
        waiting.retain(|(waiting_element, _)| waiting_element != element)
    });
    let figure = match js_sys::JSON::parse(figure) {
        Ok(figure) => figure,
        Err(error) => return web_sys::console::error_2(&"flushlab: bad figure".into(), &error),
    };
    match plotly_react(element, &figure) {
        Ok(promise) => keep_pending(element, promise),
        Err(error) => web_sys::console::error_2(&"flushlab: Plotly.react failed".into(), &error),
    }
}

/// Keeps the promise of a drawing still under way in `element` (the newest replaces the older:
/// plotly.js chains a chart's drawings), so that purging the chart waits for it.
fn keep_pending(element: &web_sys::HtmlElement, promise: JsValue) {
    let Ok(promise) = promise.dyn_into::<js_sys::Promise>() else {
        return;
    };
    PENDING.with_borrow_mut(|pending| {
        pending.retain(|(pending_element, _)| pending_element != element);
        pending.push((element.clone(), promise));
    });
}

/// Moves the traces, shapes and annotations of a drawn chart to `frame` (`{data, traces,
/// layout}` JSON) at once, without replotting it (see `charts::held`). The returned promise is
/// not waited for (it settles on a later frame); an interrupted one is not an error.
pub fn animate(element: &web_sys::HtmlElement, frame: &str) {
    let frame = match js_sys::JSON::parse(frame) {
        Ok(frame) => frame,
        Err(error) => return web_sys::console::error_2(&"flushlab: bad frame".into(), &error),
    };
    let options = ANIMATE_OPTIONS.with(|options| options.clone());
    match plotly_animate(element, &frame, &options) {
        Ok(promise) => {
            if let Ok(promise) = promise.dyn_into::<js_sys::Promise>() {
                IGNORE.with(|ignore| {
                    let _ = promise.catch(ignore);
                });
            }
        }
        Err(error) => web_sys::console::error_2(&"flushlab: Plotly.animate failed".into(), &error),
    }
}

thread_local! {
    /// No transition, no redraw, replacing any update still queued.
    static ANIMATE_OPTIONS: JsValue = js_sys::JSON::parse(
        r#"{"transition":{"duration":0},"frame":{"duration":0,"redraw":false},"mode":"immediate"}"#,
    )
    .unwrap_or(JsValue::NULL);
    /// One handler for every animation's promise (no closure per frame).
    static IGNORE: Closure<dyn FnMut(JsValue)> = Closure::new(|_: JsValue| {});
}

/// The x and y ranges plotly shows for a drawn chart and whether each axis is autoranged
/// (`None` before the chart is drawn).
pub fn shown_ranges(element: &web_sys::HtmlElement) -> Option<([f64; 2], bool, [f64; 2], bool)> {
    let layout = js_sys::Reflect::get(element, &"_fullLayout".into()).ok()?;
    let axis = |name: &str| -> Option<([f64; 2], bool)> {
        let axis = js_sys::Reflect::get(&layout, &name.into()).ok()?;
        let range: js_sys::Array = js_sys::Reflect::get(&axis, &"range".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let low = range.get(0).as_f64()?;
        let high = range.get(1).as_f64()?;
        let auto = js_sys::Reflect::get(&axis, &"autorange".into())
            .ok()?
            .as_bool()
            .unwrap_or(false);
        Some(([low, high], auto))
    };
    let (x, x_auto) = axis("xaxis")?;
    let (y, y_auto) = axis("yaxis")?;
    Some((x, x_auto, y, y_auto))
}

/// Whether plotly.js is in the page.
pub fn loaded() -> bool {
    web_sys::window().is_some_and(|window| {
        js_sys::Reflect::get(&window, &"Plotly".into()).is_ok_and(|plotly| !plotly.is_undefined())
    })
}

/// Whether plotly.js could not load (its script says so: `data-failed`).
pub fn failed() -> bool {
    plotly_script().is_some_and(|script| script.has_attribute("data-failed"))
}

fn plotly_script() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(SCRIPT_ID)
}

thread_local! {
    /// Charts drawn before plotly.js arrived: each container with its newest figure.
    static WAITING: RefCell<Vec<(web_sys::HtmlElement, String)>> = const { RefCell::new(Vec::new()) };
    /// Each chart's drawing still under way (see [`keep_pending`]).
    static PENDING: RefCell<Vec<(web_sys::HtmlElement, js_sys::Promise)>> = const { RefCell::new(Vec::new()) };
    /// Whether the page listens for plotly.js's script to load.
    static LISTENING: Cell<bool> = const { Cell::new(false) };
}

/// Keeps `figure` for `element` until plotly.js has loaded; false when it never will (no script
/// to wait for, or it failed), so the caller goes on and reports the error.
fn wait_for_plotly(element: &web_sys::HtmlElement, figure: &str) -> bool {
    let Some(script) = plotly_script() else {
        return false;
    };
    if script.has_attribute("data-failed") {
        return false;
    }
    WAITING.with_borrow_mut(|waiting| {
        waiting.retain(|(waiting_element, _)| waiting_element != element);
        waiting.push((element.clone(), figure.to_string()));
    });
    if !LISTENING.replace(true) {
        let arrived = Closure::once_into_js(move |_: web_sys::Event| draw_one_waiting());
        let _ = script.add_event_listener_with_callback("load", arrived.unchecked_ref());
        let gave_up = Closure::once_into_js(move |_: web_sys::Event| {
            WAITING.take();
            web_sys::console::error_1(
                &"flushlab: plotly.js did not load, so the charts cannot be drawn".into(),
            );
        });
        let _ = script.add_event_listener_with_callback("error", gave_up.unchecked_ref());
    }
    true
}

/// Draws the first chart that waited for plotly.js, and the next in the next animation frame,
/// so their first drawing is spread over frames instead of one long task.
fn draw_one_waiting() {
    let next = WAITING.with_borrow_mut(|waiting| (!waiting.is_empty()).then(|| waiting.remove(0)));
    let Some((element, figure)) = next else {
        return;
    };
    react(&element, &figure);
    if WAITING.with_borrow(|waiting| !waiting.is_empty()) {
        let again = Closure::once_into_js(draw_one_waiting);
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(again.unchecked_ref());
        }
    }
}

/// Fits a drawn chart to its container again after the container changed size (plotly.js's
/// own `responsive` follows the window only: an embed's cards settle after the first drawing).
pub fn fit(element: &web_sys::HtmlElement) {
    if !loaded() {
        return;
    }
    // Only a chart plotly.js has drawn has a layout to fit.
    let drawn = js_sys::Reflect::get(element, &"_fullLayout".into())
        .map(|layout| layout.is_object())
        .unwrap_or(false);
    if !drawn {
        return;
    }
    match plotly_plots_resize(element) {
        Ok(promise) => keep_pending(element, promise),
        Err(error) => {
            web_sys::console::warn_2(&"flushlab: Plotly.Plots.resize failed".into(), &error)
        }
    }
}

/// Frees the chart's plotly state when its container leaves the page.
pub fn purge(element: &web_sys::HtmlElement) {
    WAITING.with_borrow_mut(|waiting| {
        waiting.retain(|(waiting_element, _)| waiting_element != element)
    });
    if !loaded() {
        return;
    }
    // A drawing still under way (its automatic margins redraw a moment later) would find its
    // state gone: purged once it is done, however it ends.
    let pending = PENDING.with_borrow_mut(|pending| {
        let at = pending
            .iter()
            .position(|(pending_element, _)| pending_element == element)?;
        Some(pending.remove(at).1)
    });
    let now = |element: &web_sys::HtmlElement| {
        if let Err(error) = plotly_purge(element) {
            web_sys::console::warn_2(&"flushlab: Plotly.purge failed".into(), &error);
        }
    };
    match pending {
        None => now(element),
        Some(promise) => {
            let (done, failed) = (element.clone(), element.clone());
            let done = Closure::<dyn FnMut(JsValue)>::once(move |_: JsValue| now(&done));
            let failed = Closure::<dyn FnMut(JsValue)>::once(move |_: JsValue| now(&failed));
            let _ = promise.then2(&done, &failed);
            // One of the two runs, once; a chart leaves the page rarely (a tab switch).
            done.forget();
            failed.forget();
        }
    }
}

/// Saves the chart as a PNG file (drawn by plotly.js in the page, nothing leaves it).
pub fn download_png(element: &web_sys::HtmlElement, filename: &str) {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"format".into(), &"png".into());
    let _ = js_sys::Reflect::set(&options, &"filename".into(), &filename.into());
    let _ = js_sys::Reflect::set(&options, &"scale".into(), &2.into());
    if let Err(error) = plotly_download_image(element, &options) {
        web_sys::console::error_2(&"flushlab: PNG export failed".into(), &error);
    }
}
