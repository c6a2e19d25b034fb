//! The one place that calls into plotly.js.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = react)]
    fn plotly_react(element: &web_sys::HtmlElement, figure: &JsValue) -> Result<JsValue, JsValue>;
}

/// Draws or updates `figure` (plotly JSON) in `element`. A missing plotly.js is logged, never a
/// panic.
pub fn react(element: &web_sys::HtmlElement, figure: &str) {
    let figure = match js_sys::JSON::parse(figure) {
        Ok(figure) => figure,
        Err(error) => return web_sys::console::error_2(&"flushlab: bad figure".into(), &error),
    };
    if let Err(error) = plotly_react(element, &figure) {
        web_sys::console::error_2(&"flushlab: Plotly.react failed".into(), &error);
    }
}
