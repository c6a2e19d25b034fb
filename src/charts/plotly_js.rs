//! The one place that calls into plotly.js. A missing or failing plotly.js is logged, never a
//! panic. The app prefetches plotly.js once it is up (at low priority); its script, about a second of
//! evaluation on a phone, is added to the page when the first chart is drawn or on the reader's
//! first interaction, whichever comes first ([`load`]), so a page with no chart in view (a
//! phone's first screen) starts without it. A chart drawn before plotly.js has arrived waits
//! here, its newest figure drawn when plotly.js arrives.

use std::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The id of plotly.js's `<script>` once [`load`] has added it; it gets `data-failed` if it
/// cannot load.
const SCRIPT_ID: &str = "plotly";

/// plotly.js, copied next to `index.html` by Trunk (`copy-file`; relative, so the page works
/// under any sub-path).
const SCRIPT_SRC: &str = "plotly-cartesian.min.js";

/// The attribute of a chart container showing a static drawing ([`draw_static`]).
const STATIC: &str = "data-static";

/// Events that count as the reader's first interaction ([`load_on_first_interaction`]).
const INTERACTIONS: [&str; 6] = [
    "pointerdown",
    "pointermove",
    "keydown",
    "wheel",
    "touchstart",
    "scroll",
];

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

    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = relayout)]
    fn plotly_relayout(
        element: &web_sys::HtmlElement,
        update: &JsValue,
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
    if element.has_attribute(STATIC) {
        // The static drawing ([`draw_static`]) makes way for plotly.js's.
        element.set_inner_html("");
        let _ = element.remove_attribute(STATIC);
    }
    match plotly_react(element, &figure) {
        Ok(promise) => keep_pending(element, promise),
        Err(error) => web_sys::console::error_2(&"flushlab: Plotly.react failed".into(), &error),
    }
    save_png_when_drawn(element);
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

/// Sets the axis ranges given (`None`: left as they are) of a drawn chart, and nothing else
/// (`Plotly.relayout`: its axes and whatever sits on them are redrawn, without the defaults and
/// calculation a full redraw runs again, two to three times cheaper). False when plotly.js
/// refused.
pub fn set_ranges(
    element: &web_sys::HtmlElement,
    x: Option<[f64; 2]>,
    y: Option<[f64; 2]>,
) -> bool {
    let update = js_sys::Object::new();
    // Only the axes that change: plotly redraws (and measures the tick labels of) those alone.
    for (key, range) in [("xaxis.range", x), ("yaxis.range", y)] {
        if let Some(range) = range {
            let pair = js_sys::Array::of2(&range[0].into(), &range[1].into());
            let _ = js_sys::Reflect::set(&update, &key.into(), &pair);
        }
    }
    match plotly_relayout(element, &update) {
        Ok(promise) => {
            keep_pending(element, promise);
            // plotly.js keeps what an axis showed before the relayout as if the reader had
            // zoomed (`_preGUI`, kept across redraws with the same `uirevision`): forgotten, so
            // the exact drawing when the drag settles autoranges again.
            let kept = field(element, "_fullLayout._preGUI");
            if kept.is_object() {
                for axis in ["xaxis", "yaxis"] {
                    for key in ["range", "range[0]", "range[1]", "autorange"] {
                        let key = format!("{axis}.{key}");
                        let kept: &js_sys::Object = kept.unchecked_ref();
                        let _ = js_sys::Reflect::delete_property(kept, &key.into());
                    }
                }
            }
            true
        }
        Err(error) => {
            web_sys::console::error_2(&"flushlab: Plotly.relayout failed".into(), &error);
            false
        }
    }
}

/// The x and y ranges plotly shows for a drawn chart and whether each axis is autoranged
/// (`None` before the chart is drawn).
pub fn shown_ranges(element: &web_sys::HtmlElement) -> Option<([f64; 2], bool, [f64; 2], bool)> {
    let axis = |name: &str| -> Option<([f64; 2], bool)> {
        let axis = field(element, &format!("_fullLayout.{name}"));
        let range: js_sys::Array = field(&axis, "range").dyn_into().ok()?;
        let low = range.get(0).as_f64()?;
        let high = range.get(1).as_f64()?;
        let auto = field(&axis, "autorange").as_bool().unwrap_or(false);
        Some(([low, high], auto))
    };
    let (x, x_auto) = axis("xaxis")?;
    let (y, y_auto) = axis("yaxis")?;
    Some((x, x_auto, y, y_auto))
}

/// A field of a plotly.js object by its dotted path (`line.color`), undefined when missing.
fn field(object: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(object.clone(), |value, key| {
        if value.is_object() {
            js_sys::Reflect::get(&value, &key.into()).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        }
    })
}

/// The styles plotly.js resolved for the figure drawn in `element` (`_fullData`, `_fullLayout`),
/// for a drag's sketch of it (`charts::sketch`); `None` before it is drawn, or when a trace has
/// what a sketch does not draw (colours or opacities per point).
pub fn look(element: &web_sys::HtmlElement) -> Option<super::sketch::Look> {
    let layout = field(element, "_fullLayout");
    let data: js_sys::Array = field(element, "_fullData").dyn_into().ok()?;
    let string = |object: &JsValue, path: &str, default: &str| -> Option<String> {
        let value = field(object, path);
        if value.is_undefined() || value.is_null() {
            Some(default.to_string())
        } else {
            value.as_string()
        }
    };
    let number = |object: &JsValue, path: &str, default: f64| -> Option<f64> {
        let value = field(object, path);
        if value.is_undefined() || value.is_null() {
            Some(default)
        } else {
            value.as_f64()
        }
    };
    let mut traces = Vec::new();
    for trace in data.iter() {
        let kind = string(&trace, "type", "scatter")?;
        let bar = kind == "bar";
        let mode = string(&trace, "mode", "")?;
        let opacity = number(&trace, "opacity", 1.0)?
            * if bar {
                number(&trace, "marker.opacity", 1.0)?
            } else {
                1.0
            };
        let markers = !bar && mode.contains("markers");
        if markers && string(&trace, "marker.symbol", "circle")? != "circle" {
            return None;
        }
        traces.push(super::sketch::TraceLook {
            shown: field(&trace, "visible").as_bool() == Some(true),
            bar,
            lines: mode.contains("lines"),
            line_color: string(&trace, "line.color", "#444")?,
            line_width: number(&trace, "line.width", 2.0)?,
            dash: string(&trace, "line.dash", "solid")?,
            steps: string(&trace, "line.shape", "linear")? == "hv",
            fill: string(&trace, "fill", "none")?,
            fill_color: string(&trace, "fillcolor", "rgba(0,0,0,0)")?,
            stack: string(&trace, "stackgroup", "")?,
            bar_color: if bar {
                string(&trace, "marker.color", "#444")?
            } else {
                String::new()
            },
            markers,
            marker_size: if markers {
                number(&trace, "marker.size", 6.0)?
            } else {
                0.0
            },
            marker_color: if markers {
                string(&trace, "marker.color", "#444")?
            } else {
                String::new()
            },
            opacity,
        });
    }
    Some(super::sketch::Look {
        traces,
        bar_gap: number(&layout, "bargap", 0.2)?,
        bar_group_gap: number(&layout, "bargroupgap", 0.0)?,
        font_family: string(&layout, "font.family", "sans-serif")?,
    })
}

/// What plotly.js resolved for the drawn chart's axis `letter` ([`super::axes::AxisLook`]);
/// `None` before the chart is drawn, or when it has no such axis.
pub fn axis_look(
    element: &web_sys::HtmlElement,
    letter: super::axes::Letter,
) -> Option<super::axes::AxisLook> {
    use super::axes::Letter;
    let usual_side = match letter {
        Letter::X => "bottom",
        Letter::Y => "left",
        Letter::Y2 => "right",
    };
    let axis = field(element, &format!("_fullLayout.{}", letter.layout_key()));
    if !axis.is_object() {
        return None;
    }
    let text = |path: &str| field(&axis, path).as_string().unwrap_or_default();
    let number = |path: &str, default: f64| field(&axis, path).as_f64().unwrap_or(default);
    let flag = |path: &str| field(&axis, path).as_bool().unwrap_or(false);
    let stroke = |shown: bool, color: &str, width: &str| {
        shown.then(|| super::sketch::Stroke {
            color: text(color),
            width: number(width, 1.0),
            dash: Vec::new(),
        })
    };
    let angle = field(&axis, "tickangle");
    let drawable = text("type") == "linear"
        && text("side") == usual_side
        && text("ticks").is_empty()
        && text("tickformat").is_empty()
        && flag("showticklabels")
        && (angle.as_string().as_deref() == Some("auto") || angle.as_f64() == Some(0.0))
        && text("exponentformat") == "B"
        && !flag("separatethousands")
        && number("minexponent", 3.0) == 3.0
        && text("ticklabelposition") == "outside"
        && number("ticklabelstandoff", 0.0) == 0.0
        && number("ticklabelshift", 0.0) == 0.0
        && matches!(text("griddash").as_str(), "" | "solid")
        && matches!(text("showtickprefix").as_str(), "" | "all")
        && matches!(text("showticksuffix").as_str(), "" | "all");
    Some(super::axes::AxisLook {
        drawable,
        grid: stroke(flag("showgrid"), "gridcolor", "gridwidth"),
        zero_line: stroke(flag("zeroline"), "zerolinecolor", "zerolinewidth"),
        font_size: number("tickfont.size", 12.0),
        font_color: text("tickfont.color"),
        font_family: text("tickfont.family"),
        prefix: text("tickprefix"),
        suffix: text("ticksuffix"),
    })
}

/// The size of the chart drawn in `element` and of its plot area, as plotly.js laid it out.
pub fn area(element: &web_sys::HtmlElement) -> Option<super::sketch::Area> {
    let layout = field(element, "_fullLayout");
    let number = |path: &str| field(&layout, path).as_f64().filter(|v| v.is_finite());
    Some(super::sketch::Area {
        width: number("width")?,
        height: number("height")?,
        left: number("_size.l")?,
        top: number("_size.t")?,
        plot_width: number("_size.w")?,
        plot_height: number("_size.h")?,
    })
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

/// Adds plotly.js's script to the page, once (nothing when plotly.js is already in, as the
/// app's browser tests put it there); its element, which gets `data-failed` if it cannot load.
pub fn load() -> Option<web_sys::Element> {
    if let Some(script) = plotly_script() {
        return Some(script);
    }
    if loaded() {
        return None;
    }
    let document = web_sys::window()?.document()?;
    let script = document.create_element("script").ok()?;
    script.set_id(SCRIPT_ID);
    script.set_attribute("src", SCRIPT_SRC).ok()?;
    // Not in the script's own task (its evaluation is long enough on a phone): from the next
    // animation frame.
    let arrived = Closure::once_into_js(move |_: web_sys::Event| draw_waiting_next_frame());
    script
        .add_event_listener_with_callback("load", arrived.unchecked_ref())
        .ok()?;
    let failed = Closure::once_into_js({
        let script = script.clone();
        move |_: web_sys::Event| {
            let _ = script.set_attribute("data-failed", "");
            WAITING.take();
            web_sys::console::error_1(
                &"flushlab: plotly.js did not load, so the charts cannot be drawn".into(),
            );
        }
    });
    script
        .add_event_listener_with_callback("error", failed.unchecked_ref())
        .ok()?;
    document.head()?.append_child(&script).ok()?;
    Some(script)
}

/// Shows `svg`, a static drawing of the chart, in `element` until plotly.js is in, without
/// asking for plotly.js: `figure` is drawn in its place once something else has (a chart that
/// has no static drawing, or the reader's first interaction).
pub fn draw_static(element: &web_sys::HtmlElement, svg: &str, figure: &str) {
    element.set_inner_html(svg);
    let _ = element.set_attribute(STATIC, "");
    WAITING.with_borrow_mut(|waiting| {
        waiting.retain(|(waiting_element, _)| waiting_element != element);
        waiting.push((element.clone(), figure.to_string()));
    });
}

/// Asks the browser to fetch plotly.js at its lowest priority (`<link rel="prefetch">`), without
/// evaluating it: by the time a chart or the reader asks for it, it is in the cache. Asked for
/// once the first outcome is in (`Live`), so it never competes with the first view, the app's
/// wasm or the compute worker's (an embed shows nothing until the first outcome: on a phone's
/// network the prefetch had taken bandwidth from the worker's wasm); once only.
pub fn prefetch() {
    if PREFETCHED.replace(true) || loaded() || plotly_script().is_some() {
        return;
    }
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let Ok(link) = document.create_element("link") else {
        return;
    };
    let _ = link.set_attribute("rel", "prefetch");
    let _ = link.set_attribute("href", SCRIPT_SRC);
    let _ = link.set_attribute("as", "script");
    if let Some(head) = document.head() {
        let _ = head.append_child(&link);
    }
}

thread_local! {
    /// The listener [`load_on_first_interaction`] puts on the window, kept to take it off.
    static ON_INTERACTION: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    /// Whether [`prefetch`] has asked for plotly.js.
    static PREFETCHED: Cell<bool> = const { Cell::new(false) };
}

/// Loads plotly.js on the reader's first interaction (a touch, a click, the mouse moving over the
/// page (to hover a chart), a key, a scroll), so
/// it is in by the time a chart comes into view, if no chart has asked for it before.
pub fn load_on_first_interaction() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = Closure::<dyn FnMut()>::new(|| {
        load();
        let Some(window) = web_sys::window() else {
            return;
        };
        // Off the window again; the closure itself stays alive (it is running).
        if let Some(listener) = ON_INTERACTION.with_borrow(|listener| listener.clone()) {
            for event in INTERACTIONS {
                let _ = window.remove_event_listener_with_callback_and_bool(
                    event,
                    listener.unchecked_ref(),
                    true,
                );
            }
        }
    })
    .into_js_value();
    for event in INTERACTIONS {
        let _ =
            window.add_event_listener_with_callback_and_bool(event, listener.unchecked_ref(), true);
    }
    ON_INTERACTION.set(Some(listener));
}

thread_local! {
    /// Charts drawn before plotly.js arrived: each container with its newest figure.
    static WAITING: RefCell<Vec<(web_sys::HtmlElement, String)>> = const { RefCell::new(Vec::new()) };
    /// Each chart's drawing still under way (see [`keep_pending`]).
    static PENDING: RefCell<Vec<(web_sys::HtmlElement, js_sys::Promise)>> = const { RefCell::new(Vec::new()) };
    /// PNG exports asked for before plotly.js had drawn their chart: saved once it has.
    static PNG_AFTER: RefCell<Vec<(web_sys::HtmlElement, String)>> = const { RefCell::new(Vec::new()) };
}

/// Keeps `figure` for `element` until plotly.js has loaded; false when it never will (no script
/// to wait for, or it failed), so the caller goes on and reports the error.
fn wait_for_plotly(element: &web_sys::HtmlElement, figure: &str) -> bool {
    let Some(script) = load() else {
        return false;
    };
    if script.has_attribute("data-failed") {
        return false;
    }
    WAITING.with_borrow_mut(|waiting| {
        waiting.retain(|(waiting_element, _)| waiting_element != element);
        waiting.push((element.clone(), figure.to_string()));
    });
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
        draw_waiting_next_frame();
    }
}

/// [`draw_one_waiting`] in the next animation frame.
fn draw_waiting_next_frame() {
    let next = Closure::once_into_js(draw_one_waiting);
    if let Some(window) = web_sys::window() {
        let _ = window.request_animation_frame(next.unchecked_ref());
    }
}

/// Saves the PNG asked for before plotly.js had drawn `element`, once its drawing is done.
fn save_png_when_drawn(element: &web_sys::HtmlElement) {
    let asked = PNG_AFTER.with_borrow_mut(|after| {
        let at = after
            .iter()
            .position(|(after_element, _)| after_element == element)?;
        Some(after.remove(at).1)
    });
    let Some(filename) = asked else {
        return;
    };
    let drawing = PENDING.with_borrow(|pending| {
        pending
            .iter()
            .find(|(pending_element, _)| pending_element == element)
            .map(|(_, promise)| promise.clone())
    });
    match drawing {
        Some(promise) => {
            let element = element.clone();
            let save = Closure::once(move |_: JsValue| download_png(&element, &filename));
            let _ = promise.then(&save);
            // Called once, when the drawing is done (an export is rare: its closure is kept).
            save.forget();
        }
        None => download_png(element, &filename),
    }
}

/// Fits a drawn chart to its container again after the container changed size (plotly.js's
/// own `responsive` follows the window only: an embed's cards settle after the first drawing).
pub fn fit(element: &web_sys::HtmlElement) {
    if !loaded() {
        return;
    }
    // Only a chart plotly.js has drawn has a layout to fit.
    let drawn = field(element, "_fullLayout").is_object();
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

/// Saves the chart as a PNG file (drawn by plotly.js in the page, nothing leaves it). A chart
/// plotly.js has not drawn yet (it is still loading, the static SVG stands in) is saved once
/// plotly.js has drawn it.
pub fn download_png(element: &web_sys::HtmlElement, filename: &str) {
    let waiting = WAITING.with_borrow(|waiting| {
        waiting
            .iter()
            .any(|(waiting_element, _)| waiting_element == element)
    });
    if !loaded() || waiting {
        load();
        PNG_AFTER.with_borrow_mut(|after| {
            after.retain(|(after_element, _)| after_element != element);
            after.push((element.clone(), filename.to_string()));
        });
        return;
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"format".into(), &"png".into());
    let _ = js_sys::Reflect::set(&options, &"filename".into(), &filename.into());
    let _ = js_sys::Reflect::set(&options, &"scale".into(), &2.into());
    if let Err(error) = plotly_download_image(element, &options) {
        web_sys::console::error_2(&"flushlab: PNG export failed".into(), &error);
    }
}
