//! The same scenario gives byte-identical outcome JSON everywhere: these hashes are committed, and
//! the browser suite (tests/app.rs at the repo root) checks the same file in wasm32.
//! After an intended model change: `FLUSHLAB_BLESS=1 cargo test -p flushlab-engine --test determinism`.

use flushlab_engine::{outcome_json, presets, simulate};
use sha2::{Digest, Sha256};

const HASHES: &str = include_str!("preset-hashes.txt");

fn hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[test]
fn preset_outcomes_match_the_committed_hashes() {
    let mut lines = Vec::new();
    for preset in presets::all() {
        let outcome = simulate(&preset.scenario).unwrap();
        lines.push(format!("{} {}", preset.name, hash(&outcome_json(&outcome))));
    }
    let actual = lines.join("\n") + "\n";
    if std::env::var_os("FLUSHLAB_BLESS").is_some() {
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/preset-hashes.txt"),
            &actual,
        )
        .unwrap();
        return;
    }
    assert_eq!(
        actual, HASHES,
        "outcomes changed; bless them if the change is intended"
    );
}
