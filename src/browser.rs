//! Small wrappers over browser APIs the shell needs: the URL, downloads, the clipboard, the
//! colour-scheme query, the parent frame, User Timing marks and measures. Nothing here panics: a
//! failed download or copy is logged; the address bar, the parent frame and User Timing are best
//! effort and fail silently.

use wasm_bindgen::JsCast;

/// Calls `listener` on every `event` the window receives, for the page's life (the listener is
/// never removed).
pub fn on_window_event(event: &str, listener: impl FnMut() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(listener);
    let _ = window.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
    listener.forget();
}

/// The page's parameters: its query's, then those a long link carries in its fragment
/// (`crate::codec::page_parameters`); without the leading `?`.
pub fn query() -> String {
    let Some(location) = web_sys::window().map(|window| window.location()) else {
        return String::new();
    };
    let hash = location.hash().unwrap_or_default();
    FRAGMENT_LINK.with(|link| *link.borrow_mut() = crate::codec::split_fragment(&hash).0);
    let shown = crate::codec::page_parameters(&location.search().unwrap_or_default(), &hash);
    // A reload opens what the page last wrote, written back to the address once (asked again,
    // the address already says it).
    match reloaded_query() {
        Some(kept) if kept != shown => {
            replace_query(&kept);
            kept
        }
        _ => shown,
    }
}

thread_local! {
    /// The parameters a long link keeps in the address's fragment, as the page last read or
    /// wrote them (empty while they are in the query): what [`keep_fragment_link`] compares
    /// the reader's changes of the fragment with.
    static FRAGMENT_LINK: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// After the reader changed the address's fragment (`hashchange`: a link pasted, an anchor
/// followed; the page's own writes fire none). A long link there that is not the page's is
/// opened by a reload (only the fragment changed, so the browser did not load it: the page
/// went on showing the old scenario under the new address, and its next edit wrote the old one
/// back); a fragment that lost the page's long link (the skip link's `#results`) gets it back, so
/// a reload or a copied address still carries the scenario. Returns whether the page reloads.
pub fn keep_fragment_link() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let location = window.location();
    let hash = location.hash().unwrap_or_default();
    let (link, explainer) = crate::codec::split_fragment(&hash);
    let ours = FRAGMENT_LINK.with(|ours| ours.borrow().clone());
    if !link.is_empty() && link != ours {
        // The new link opens, not what the page last wrote.
        if let Some(storage) = session_storage() {
            let _ = storage.remove_item(ADDRESS_KEY);
        }
        return location.reload().is_ok();
    }
    if link.is_empty() && !ours.is_empty() {
        let path = location.pathname().unwrap_or_default();
        let search = location.search().unwrap_or_default();
        replace_url(&format!(
            "{path}{search}{}",
            crate::codec::address("", &ours, &explainer)
        ));
    }
    false
}

/// The page's address without query or fragment.
pub fn base_url() -> String {
    let Some(location) = web_sys::window().map(|window| window.location()) else {
        return String::new();
    };
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    format!("{origin}{path}")
}

/// Replaces the address bar's parameters without a reload or a history entry: in its query,
/// or in its fragment when too long for a host (`crate::codec::address`); the explainer's part
/// of the fragment stays.
pub fn replace_query(query: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_default();
    let explainer = fragment();
    let url = crate::codec::address(&path, query, explainer.trim_start_matches('#'));
    FRAGMENT_LINK.with(|link| *link.borrow_mut() = crate::codec::fragment_link(query).to_string());
    replace_url(&url);
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(ADDRESS_KEY, query);
    }
}

/// Where this tab's page keeps the parameters it last wrote to the address bar.
const ADDRESS_KEY: &str = "flushlab:address:v1";

/// The parameters this tab's page last wrote to its address bar, when the page is a reload of
/// it: a reload keeps the address as it was when it began, and the page writes an edit to the
/// address only once edits settle (or as it is left, too late for a reload's address), so a
/// reload within that delay opened the scenario before the edit and offered the edit back as
/// an autosave to restore.
fn reloaded_query() -> Option<String> {
    let window = web_sys::window()?;
    let navigation = window
        .performance()?
        .get_entries_by_type("navigation")
        .get(0);
    let kind = js_sys::Reflect::get(&navigation, &"type".into())
        .ok()?
        .as_string()?;
    if kind != "reload" {
        return None;
    }
    session_storage()?.get_item(ADDRESS_KEY).ok().flatten()
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The explainer's part of the address's fragment (with a leading `#`), or empty: a long link's
/// parameters there are not its (`crate::codec::split_fragment`).
pub fn fragment() -> String {
    let hash = web_sys::window()
        .and_then(|window| window.location().hash().ok())
        .unwrap_or_default();
    let (_, explainer) = crate::codec::split_fragment(&hash);
    if explainer.is_empty() {
        explainer
    } else {
        format!("#{explainer}")
    }
}

/// Replaces the explainer's part of the address's fragment (`""`: none) without a reload, a
/// history entry or a scroll; a long link's parameters in the fragment stay.
pub fn set_fragment(fragment: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let path = location.pathname().unwrap_or_default();
    let query = location.search().unwrap_or_default();
    let (link, _) = crate::codec::split_fragment(&location.hash().unwrap_or_default());
    let fragment: Vec<&str> = [link.as_str(), fragment]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect();
    if fragment.is_empty() {
        replace_url(&format!("{path}{query}"));
    } else {
        replace_url(&format!("{path}{query}#{}", fragment.join("&")));
    }
}

fn replace_url(url: &str) {
    if let Some(history) = web_sys::window().and_then(|window| window.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}

/// How long a download's object URL outlives its click, milliseconds: some browsers read the
/// blob only after `click()` returns (FileSaver.js waits 40 s for the same reason).
const DOWNLOAD_URL_LIFETIME_MS: u32 = 40_000;

/// Offers `text` as a file download: a link added to the page, clicked and removed; its object
/// URL is revoked later, once the browser has read it.
pub fn download_text(filename: &str, mime: &str, text: &str) {
    let result = (|| -> Result<(), wasm_bindgen::JsValue> {
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)?;
        let document = web_sys::window()
            .and_then(|window| window.document())
            .ok_or("no document")?;
        let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
        anchor.set_href(&url);
        anchor.set_download(filename);
        let _ = anchor.set_attribute("hidden", "");
        let body = document.body().ok_or("no body")?;
        body.append_child(&anchor)?;
        anchor.click();
        anchor.remove();
        let _ = gloo_timers::callback::Timeout::new(DOWNLOAD_URL_LIFETIME_MS, move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        })
        .forget();
        Ok(())
    })();
    if let Err(error) = result {
        web_sys::console::error_2(&"flushlab: download failed".into(), &error);
    }
}

/// Moves the focus to the first element matching `selector`, if there is one.
pub fn focus_selector(selector: &str) {
    use wasm_bindgen::JsCast;
    let element = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.query_selector(selector).ok().flatten())
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// Copies `text` to the clipboard (best effort: the page also shows the text to copy by hand).
pub fn copy_text(text: &str) {
    copy_text_then(text, |_| {});
}

/// [`copy_text`], then `done` with whether the clipboard took it.
pub fn copy_text_then(text: &str, done: impl FnOnce(bool) + 'static) {
    let Some(window) = web_sys::window() else {
        done(false);
        return;
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::spawn_local(async move {
        let copied = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
        if !copied {
            web_sys::console::warn_1(
                &"flushlab: clipboard unavailable; copy the link by hand".into(),
            );
        }
        done(copied);
    });
}

/// Width in CSS pixels up to which the page is one column, story first (as in style/main.css).
pub const NARROW_PX: u32 = 900;

/// Whether the window is a phone's (narrower than [`NARROW_PX`]) when asked.
pub fn is_narrow() -> bool {
    narrower_than(NARROW_PX + 1)
}

/// Whether the tour's card stays pinned above the charts (a window at least 901 px wide and 700
/// px tall, as style/main.css pins it): a step then scrolls to its chart; otherwise the step's
/// text stays in view and a button brings the chart.
pub fn tour_card_pinned() -> bool {
    media_matches(&format!(
        "(min-width: {}px) and (min-height: 700px)",
        NARROW_PX + 1
    ))
}

/// Whether the window is narrower than `px` when asked.
pub fn narrower_than(px: u32) -> bool {
    media_matches(&format!("(max-width: {}px)", px.saturating_sub(1)))
}

/// Whether the media query `query` matches now (false without a window).
fn media_matches(query: &str) -> bool {
    web_sys::window()
        .and_then(|window| window.match_media(query).ok().flatten())
        .is_some_and(|list| list.matches())
}

/// Whether the system asks for a dark colour scheme.
pub fn prefers_dark() -> bool {
    media_matches("(prefers-color-scheme: dark)")
}

/// The reader's languages as the browser ranks them (BCP 47 tags, best first).
pub fn preferred_languages() -> Vec<String> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    let navigator = window.navigator();
    let ranked: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|tag| tag.as_string())
        .collect();
    if ranked.is_empty() {
        navigator.language().into_iter().collect()
    } else {
        ranked
    }
}

/// Tells the browser (and screen readers) which language the page is in: `<html lang>`.
pub fn set_language(tag: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    {
        let _ = root.set_attribute("lang", tag);
    }
}

/// Whether the page runs inside another page's iframe.
pub fn in_iframe() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    match window.parent() {
        Ok(Some(parent)) => parent != window,
        _ => false,
    }
}

/// Tells the parent page how tall this page would be with nothing scrolled inside it
/// (`{type: "flushlab:height", height}`), when that changed since the last time (`last`). An
/// embed fills its frame and scrolls its charts and controls within it, so the page's own height
/// is the frame's: what its scrolled boxes hide is added, so that a parent that sets the frame to
/// the height it is told shows everything (then nothing is hidden, and the height holds).
pub fn post_height_to_parent(last: &std::cell::Cell<i32>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    let mut height = document
        .document_element()
        .map_or(0, |element| element.scroll_height());
    if let Ok(boxes) = document.query_selector_all(".app.embed > .charts, .embed-controls") {
        for k in 0..boxes.length() {
            if let Some(scrolled) = boxes
                .item(k)
                .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
            {
                height += (scrolled.scroll_height() - scrolled.client_height()).max(0);
            }
        }
    }
    if height == last.get() {
        return;
    }
    last.set(height);
    if let Ok(Some(parent)) = window.parent() {
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"type".into(), &"flushlab:height".into());
        let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
        let _ = parent.post_message(&message, "*");
    }
}

/// A User Timing mark.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark(name);
    }
}

/// A User Timing measure from mark `start` to now.
pub fn measure(name: &str, start: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.measure_with_start_mark(name, start);
    }
}

/// A User Timing measure from `start_ms` to `end_ms` (`performance.now()` times).
pub fn measure_span(name: &str, start_ms: f64, end_ms: f64) {
    let Some(performance) = web_sys::window().and_then(|window| window.performance()) else {
        return;
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"start".into(), &start_ms.into());
    let _ = js_sys::Reflect::set(&options, &"end".into(), &end_ms.max(start_ms).into());
    if let Ok(measure) = js_sys::Reflect::get(&performance, &"measure".into()) {
        let measure: &js_sys::Function = measure.unchecked_ref();
        let _ = measure.call2(&performance, &name.into(), &options);
    }
}

/// A User Timing measure of `duration_ms` ending now (work timed elsewhere, e.g. in the compute
/// worker, whose own marks the page cannot see).
pub fn measure_duration(name: &str, duration_ms: f64) {
    let end = now_ms();
    measure_span(name, end - duration_ms.max(0.0), end);
}

/// Microtask turns [`after_microtasks`] waits: far more than the two plotly.js takes to draw an
/// animated update (measured), so what follows comes after that drawing.
const SETTLE_HOPS: u32 = 16;

/// Work waiting for the microtasks now queued to finish.
type AfterMicrotasks = Box<dyn FnOnce()>;

thread_local! {
    /// Callbacks waiting, and the turns left before they run (the same for all: they were
    /// queued in one frame).
    static PENDING: std::cell::RefCell<(Vec<AfterMicrotasks>, u32)> =
        const { std::cell::RefCell::new((Vec::new(), 0)) };
    /// One callback for every turn (no closure per frame).
    static HOP: wasm_bindgen::closure::Closure<dyn FnMut(wasm_bindgen::JsValue)> =
        wasm_bindgen::closure::Closure::new(|_| hop());
}

/// Runs `then` once the work now queued as microtasks has run: an animated plotly.js update
/// draws a couple of promise turns after the call (still before the browser renders), and that
/// drawing belongs to the frame's work.
pub fn after_microtasks(then: impl FnOnce() + 'static) {
    let idle = PENDING.with(|pending| {
        let mut pending = pending.borrow_mut();
        let idle = pending.0.is_empty();
        pending.0.push(Box::new(then));
        pending.1 = SETTLE_HOPS;
        idle
    });
    if idle {
        queue_hop();
    }
}

fn queue_hop() {
    HOP.with(|hop| {
        let _ = js_sys::Promise::resolve(&wasm_bindgen::JsValue::UNDEFINED).then(hop);
    });
}

fn hop() {
    let due = PENDING.with(|pending| {
        let mut pending = pending.borrow_mut();
        if pending.1 > 1 {
            pending.1 -= 1;
            None
        } else {
            Some(std::mem::take(&mut pending.0))
        }
    });
    match due {
        Some(callbacks) => callbacks.into_iter().for_each(|then| then()),
        None => queue_hop(),
    }
}

/// Milliseconds since the page started (`performance.now()`; 0 without a window).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}

/// Clears User Timing entries of `name` (marks and measures), keeping memory flat.
pub fn clear_timing(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        performance.clear_measures_with_measure_name(name);
        performance.clear_marks_with_mark_name(name);
    }
}
