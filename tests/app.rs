//! Browser tests: run with `cargo test -p flushlab --target wasm32-unknown-unknown` (headless
//! Chromium). The page mounts with every control and chart; bad links keep the default; the
//! engine in wasm32 gives the same bytes as natively.
#![cfg(target_arch = "wasm32")]

use flushlab::AppWithQuery;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// plotly.js as the page loads it (from npm), so the charts really draw in these tests.
const PLOTLY: &str =
    include_str!("../node_modules/plotly.js-cartesian-dist-min/plotly-cartesian.min.js");

fn load_plotly() {
    let window = web_sys::window().unwrap();
    if js_sys::Reflect::has(&window, &"Plotly".into()).unwrap() {
        return;
    }
    let document = window.document().unwrap();
    let script = document.create_element("script").unwrap();
    script.set_text_content(Some(PLOTLY));
    document.head().unwrap().append_child(&script).unwrap();
}

/// Mounts the app for `query` in a fresh host element and lets its first frames run.
async fn mount(query: &'static str) -> (web_sys::HtmlElement, impl Drop) {
    load_plotly();
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), move || {
        view! { <AppWithQuery query=query.to_string() /> }
    });
    settle(&host).await;
    (host, handle)
}

/// Waits (up to 20 s) until the first run has reached the page: the headline has its sentence
/// and is no longer busy. The run goes to the compute worker or, where there is none (as in
/// this test page), to the on-page fallback once the worker fails, so how long that takes
/// depends on the machine; a fixed pause passed here and failed on a slower one.
async fn settle(host: &web_sys::HtmlElement) {
    for _ in 0..1000 {
        TimeoutFuture::new(20).await;
        if let Some(headline) = find(host, "headline") {
            let busy = headline.get_attribute("aria-busy").as_deref() == Some("true");
            let said = !headline
                .text_content()
                .unwrap_or_default()
                .trim()
                .is_empty();
            if said && !busy {
                TimeoutFuture::new(50).await;
                return;
            }
        }
    }
    panic!("the first run did not reach the page within 20 s");
}

/// Unfolds "More controls" (folded in a narrow window, where its panels mount only once it is
/// opened) and lets them mount.
async fn unfold_controls(host: &web_sys::HtmlElement) {
    if let Some(fold) = find(host, "more-controls") {
        let _ = fold.set_attribute("open", "");
    }
    for _ in 0..40 {
        if host.query_selector("#depth").unwrap().is_some() {
            return;
        }
        TimeoutFuture::new(25).await;
    }
}

fn find(host: &web_sys::HtmlElement, testid: &str) -> Option<web_sys::Element> {
    host.query_selector(&format!("[data-testid='{testid}']"))
        .unwrap()
}

#[wasm_bindgen_test]
async fn the_app_mounts_every_control_and_chart() {
    let (host, _handle) = mount("").await;
    unfold_controls(&host).await;
    let mut expected: Vec<String> = [
        "leverage-editor",
        "shock-slider",
        "depth-slider",
        "preset-select",
        "play-button",
        "step-button",
        "share-button",
        "embed-button",
        "undo-button",
        "redo-button",
        "start-fresh",
        "summary",
        "chart-price",
        "chart-liquidations",
        "chart-map",
        "chart-oi",
        "chart-fund",
        "chart-amplification",
        "chart-phase",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    expected.extend((0..7).map(|i| format!("leverage-bar-{i}")));
    for testid in &expected {
        assert!(find(&host, testid).is_some(), "{testid} is missing");
    }
    assert!(
        find(&host, "error-banner").is_none(),
        "no banner without a problem"
    );
    let summary = find(&host, "summary").unwrap().text_content().unwrap();
    assert!(
        summary.contains("Trough") && summary.contains("Liquidated"),
        "{summary}"
    );
}

#[wasm_bindgen_test]
async fn an_opened_help_links_to_its_glossary_term() {
    let (host, _handle) = mount("").await;
    unfold_controls(&host).await;
    let depth = host
        .query_selector("#depth")
        .unwrap()
        .expect("the depth box");
    let toggle: web_sys::HtmlElement = depth
        .closest(".field")
        .unwrap()
        .unwrap()
        .query_selector(".help-toggle")
        .unwrap()
        .expect("a ? beside depth")
        .unchecked_into();
    toggle.click();
    TimeoutFuture::new(50).await;
    let help = host
        .query_selector(".help-text")
        .unwrap()
        .expect("the help");
    let text = help.text_content().unwrap();
    assert!(text.contains("In the glossary: Order-book depth"), "{text}");
    let link = help
        .query_selector("[data-term='order-book-depth']")
        .unwrap();
    assert!(link.is_some(), "a link to the term");
}

#[wasm_bindgen_test]
async fn a_bad_link_shows_the_banner_and_keeps_the_default() {
    let (host, _handle) = mount("?s=1.not-a-scenario").await;
    let banner = find(&host, "error-banner").expect("the banner is shown");
    let text = banner.text_content().unwrap();
    assert!(text.contains("default scenario"), "{text}");
    let (good, _good_handle) = mount("").await;
    assert_eq!(
        find(&host, "summary").unwrap().text_content(),
        find(&good, "summary").unwrap().text_content(),
        "the default scenario is loaded"
    );
}

#[wasm_bindgen_test]
async fn an_embed_shows_only_the_chosen_charts() {
    let (host, _handle) = mount("?embed=1&view=map,fund").await;
    assert!(find(&host, "chart-map").is_some());
    assert!(find(&host, "chart-fund").is_some());
    for absent in [
        "chart-price",
        "chart-liquidations",
        "leverage-editor",
        "chart-phase",
        "summary",
    ] {
        assert!(
            find(&host, absent).is_none(),
            "{absent} should not be in this embed"
        );
    }
    // The story and the default control: the headline and the shock slider.
    assert!(find(&host, "headline").is_some());
    assert!(find(&host, "embed-controls").is_some());
    assert!(find(&host, "shock-slider").is_some());
}

/// The engine in wasm32 gives the same bytes as natively: the committed preset hashes.
#[wasm_bindgen_test]
fn preset_outcomes_are_byte_identical_to_native() {
    use sha2::{Digest, Sha256};
    let expected = include_str!("../engine/tests/preset-hashes.txt");
    let mut lines = Vec::new();
    for (name, json) in flushlab_engine::presets::outcomes() {
        let digest = Sha256::digest(json.as_bytes());
        let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
        lines.push(format!("{name} {hex}"));
    }
    assert_eq!(lines.join("\n") + "\n", expected);
}
