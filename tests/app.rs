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

/// The engine in wasm32 gives the same bytes as natively: the committed preset hashes.
#[wasm_bindgen_test]
fn preset_outcomes_are_byte_identical_to_native() {
    use sha2::{Digest, Sha256};
    let expected = include_str!("../engine/tests/preset-hashes.txt");
    let mut lines = Vec::new();
    for preset in flushlab_engine::presets::all() {
        let outcome = flushlab_engine::simulate(&preset.scenario).unwrap();
        let digest = Sha256::digest(flushlab_engine::outcome_json(&outcome).as_bytes());
        let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
        lines.push(format!("{} {hex}", preset.name));
    }
    assert_eq!(lines.join("\n") + "\n", expected);
}
