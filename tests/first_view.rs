//! `index.html`'s first view is the one `flushlab::first_view` renders for the default scenario
//! (native: `cargo test -p flushlab --test first_view`). When the engine, the texts or the
//! generator change, refresh it with `FLUSHLAB_BLESS=1 cargo test -p flushlab --test first_view`.
#![cfg(not(target_arch = "wasm32"))]

use flushlab::first_view::{self, current_block, replace_block};
use flushlab::headline::headline;
use flushlab::session::Session;

const INDEX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/index.html");

fn index() -> String {
    std::fs::read_to_string(INDEX).expect("index.html reads")
}

#[test]
fn index_html_holds_the_first_view_of_the_default_scenario() {
    let index = index();
    let block = first_view::default_block().expect("the default scenario runs");
    let current = current_block(&index).unwrap_or_else(|| {
        panic!(
            "index.html has no first-view markers: put\n{}\n{}\nin its <body>",
            first_view::START,
            first_view::END
        )
    });
    if current == block {
        return;
    }
    if std::env::var_os("FLUSHLAB_BLESS").is_some_and(|value| value == "1") {
        let refreshed = replace_block(&index, &block).expect("markers");
        std::fs::write(INDEX, refreshed).expect("index.html writes");
        return;
    }
    panic!(
        "index.html's first view is not the default scenario's as src/first_view.rs renders it \
         (the engine, a text or the generator changed). Refresh it with\n\n    \
         FLUSHLAB_BLESS=1 cargo test -p flushlab --test first_view\n"
    );
}

#[test]
fn the_first_view_says_what_the_app_says_for_the_default_scenario() {
    // The app runs the default scenario through its Session (the cached population), not
    // through the engine's `simulate` the generator calls.
    let scenario = first_view::default_scenario();
    let outcome = Session::new().simulate(&scenario);
    let app_says = first_view::escape(&headline(&scenario, &outcome));
    let index = index();
    let shown = index
        .split_once("data-testid=\"first-view-headline\">")
        .and_then(|(_, rest)| rest.split_once("</p>"))
        .map(|(headline, _)| headline)
        .expect("index.html has the first view's headline");
    assert_eq!(shown, app_says);
}
