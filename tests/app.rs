//! Browser tests: run with `cargo test -p flushlab --target wasm32-unknown-unknown` (headless Chromium).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_app_mounts_with_slider_summary_and_chart() {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let host: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(host);
    let _handle = leptos::mount::mount_to(host.clone(), flushlab::App);
    for testid in ["shock-slider", "summary", "chart-amplification"] {
        let selector = format!("[data-testid='{testid}']");
        assert!(
            host.query_selector(&selector).unwrap().is_some(),
            "{testid} is missing"
        );
    }
    let summary = host
        .query_selector("[data-testid='summary']")
        .unwrap()
        .unwrap();
    assert!(summary.text_content().unwrap().contains("drawdown"));
}

#[wasm_bindgen_test]
fn the_curve_follows_the_engine() {
    let curve = flushlab::charts::amplification::curve(-10.0);
    assert_eq!(
        curve.drawdown_at_shock,
        flushlab_engine::fire_sale_drawdown_pct(-10.0, 0.6)
    );
    assert_eq!(curve.shocks_pct.len(), curve.drawdowns_pct.len());
}
