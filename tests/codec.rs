//! Share links and files: every preset round-trips, hostile input is refused with a reason.
#![cfg(target_arch = "wasm32")]

use flushlab::codec::{self, decode_link, encode_link, parse_query, MAX_LINK_CHARS};
use flushlab_engine::presets;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_preset_round_trips_through_a_link() {
    for preset in presets::all() {
        let link = encode_link(&preset.scenario);
        assert_eq!(
            decode_link(&link).unwrap(),
            preset.scenario,
            "{}",
            preset.name
        );
        let page = parse_query(&format!("?embed=1&s={link}&view=price,map"));
        assert_eq!(page.scenario, Some(Ok(preset.scenario.clone())));
        assert!(page.embed);
        assert_eq!(page.view, ["price", "map"]);
    }
}

#[wasm_bindgen_test]
fn every_preset_round_trips_through_a_file() {
    for preset in presets::all() {
        let text = codec::encode_file(&preset.scenario);
        assert_eq!(codec::decode_file(&text).unwrap(), preset.scenario);
    }
}

#[wasm_bindgen_test]
fn hostile_links_are_refused_with_a_reason() {
    assert!(decode_link("garbage").unwrap_err().contains("version"));
    assert!(decode_link("9.AAAA").unwrap_err().contains("version \"9\""));
    assert!(decode_link("1.!!!")
        .unwrap_err()
        .contains("'!' at character 1 after \"1.\", which a FlushLab link never carries"));
    assert!(decode_link("1.AAAA").unwrap_err().contains("damaged"));
    let too_long = format!("1.{}", "A".repeat(MAX_LINK_CHARS));
    assert!(decode_link(&too_long).unwrap_err().contains("characters"));
    let invalid = encode_link(&{
        let mut scenario = presets::default_scenario();
        scenario.run.steps = 0;
        scenario
    });
    assert!(decode_link(&invalid).unwrap_err().contains("run.steps"));
    let unknown = parse_query("?preset=nope");
    assert!(unknown.scenario.unwrap().unwrap_err().contains("no preset"));
}

#[wasm_bindgen_test]
fn bad_files_say_what_was_wrong() {
    assert!(codec::decode_file("{").is_err());
    let error = codec::decode_file(r#"{"version": 1, "bogus": 3}"#).unwrap_err();
    assert!(error.contains("bogus"), "{error}");
}

#[wasm_bindgen_test]
fn percent_escapes_decode_and_bad_ones_survive() {
    assert_eq!(codec::percent_decode("a%2Cb+c"), "a,b c");
    assert_eq!(codec::percent_decode("100%"), "100%");
    assert_eq!(codec::percent_decode("%zz"), "%zz");
    assert_eq!(codec::percent_decode("%é"), "%é");
}
