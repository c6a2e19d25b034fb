//! The one place that calls into plotly.js. A missing or failing plotly.js is logged, never a
//! panic.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

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

    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = purge)]
    fn plotly_purge(element: &web_sys::HtmlElement) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = downloadImage)]
    fn plotly_download_image(
        element: &web_sys::HtmlElement,
        options: &JsValue,
    ) -> Result<JsValue, JsValue>;
}

/// Draws or updates `figure` (plotly JSON with data, layout and config) in `element`.
pub fn react(element: &web_sys::HtmlElement, figure: &str) {
    let figure = match js_sys::JSON::parse(figure) {
        Ok(figure) => figure,
        Err(error) => return web_sys::console::error_2(&"flushlab: bad figure".into(), &error),
    };
    if let Err(error) = plotly_react(element, &figure) {
        web_sys::console::error_2(&"flushlab: Plotly.react failed".into(), &error);
    }
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

/// Frees the chart's plotly state when its container leaves the page.
pub fn purge(element: &web_sys::HtmlElement) {
    if let Err(error) = plotly_purge(element) {
        web_sys::console::warn_2(&"flushlab: Plotly.purge failed".into(), &error);
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
