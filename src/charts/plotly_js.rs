//! The one place that calls into plotly.js. A missing or failing plotly.js is logged, never a
//! panic.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = react)]
    fn plotly_react(element: &web_sys::HtmlElement, figure: &JsValue) -> Result<JsValue, JsValue>;

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
