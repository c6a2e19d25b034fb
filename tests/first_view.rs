//! `index.html`'s first view is the one `flushlab::first_view` renders for the default scenario
//! (native: `cargo test -p flushlab --test first_view`). When the engine, the texts or the
//! generator change, refresh it with `FLUSHLAB_BLESS=1 cargo test -p flushlab --test first_view`.
#![cfg(not(target_arch = "wasm32"))]

use flushlab::first_view::{self, current_block, replace_block};
use flushlab::headline::headline;
use flushlab::session::Session;

const INDEX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/index.html");

/// Held while a test reads and rewrites `index.html` (tests run in parallel; two blessings at
/// once would each write back the other's old text).
static INDEX_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn index() -> String {
    std::fs::read_to_string(INDEX).expect("index.html reads")
}

#[test]
fn index_html_holds_the_first_view_of_the_default_scenario() {
    let _held = INDEX_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
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
    if blessing() {
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

/// Whether this run rewrites what it checks (`FLUSHLAB_BLESS=1`).
fn blessing() -> bool {
    std::env::var_os("FLUSHLAB_BLESS").is_some_and(|value| value == "1")
}

#[test]
fn every_preset_has_its_first_view_beside_index_html() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(first_view::PRESET_DIR);
    let presets = flushlab_engine::presets::all();
    let mut stale = Vec::new();
    let mut names = Vec::new();
    for preset in &presets {
        let page = first_view::preset_fragment(preset).expect("a preset runs");
        let embed = first_view::preset_embed_fragment(preset).expect("a preset runs");
        for (file, fragment) in [
            (format!("{}.html", preset.name), page),
            (first_view::embed_file(&preset.name), embed),
        ] {
            let path = dir.join(&file);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(fragment.as_str()) {
                if blessing() {
                    std::fs::create_dir_all(&dir).expect("the folder");
                    std::fs::write(&path, fragment).expect("a fragment writes");
                } else {
                    stale.push(file.clone());
                }
            }
            names.push(file);
        }
    }
    // The head names exactly these presets (it fetches a first view only for a name it lists),
    // the default's first (an embed that names none shows it), and their share links.
    assert_eq!(
        presets.first().map(|preset| preset.name.clone()),
        Some(flushlab::app::default_start().preset),
        "the default is the first preset"
    );
    let payloads: Vec<(String, &str)> = presets
        .iter()
        .filter_map(|preset| {
            let payload = flushlab::codec::link_payload(&preset.scenario).ok()?;
            Some((payload, preset.name.as_str()))
        })
        .collect();
    let mut keys: Vec<String> = payloads
        .iter()
        .map(|(payload, _)| first_view::link_key(payload))
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(
        keys.len(),
        payloads.len(),
        "each preset's link has a key of its own"
    );
    let metas = [
        first_view::names_meta(presets.iter().map(|preset| preset.name.as_str())),
        first_view::links_meta(
            payloads
                .iter()
                .map(|(payload, name)| (payload.as_str(), *name)),
        ),
    ];
    let _held = INDEX_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    for meta in metas {
        let index = index();
        if !index.contains(&meta) {
            if blessing() {
                let refreshed = first_view::replace_meta(&index, &meta)
                    .expect("index.html has the <meta> line to refresh");
                std::fs::write(INDEX, refreshed).expect("index.html writes");
            } else {
                stale.push(format!("index.html's {}", &meta[..40]));
            }
        }
    }
    // No fragment of a preset that is gone (the page would show a scenario the app no longer has).
    for entry in std::fs::read_dir(&dir).expect("the folder reads") {
        let file = entry
            .expect("an entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !names.contains(&file) {
            if blessing() {
                std::fs::remove_file(dir.join(&file)).expect("an old fragment goes");
            } else {
                stale.push(file);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "{} is not what src/first_view.rs renders for these presets: {stale:?}. Refresh with\n\n    \
         FLUSHLAB_BLESS=1 cargo test -p flushlab --test first_view\n",
        first_view::PRESET_DIR
    );
}

#[test]
fn each_preset_first_view_says_what_the_app_says_for_it() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(first_view::PRESET_DIR);
    let mut session = Session::new();
    for preset in flushlab_engine::presets::all() {
        let outcome = session.simulate(&preset.scenario);
        let app_says = first_view::escape(&headline(&preset.scenario, &outcome));
        let path = dir.join(format!("{}.html", preset.name));
        let fragment = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            fragment.contains(&format!(
                "data-testid=\"first-view-headline\">{app_says}</p>"
            )),
            "{}: the first view does not say what the app says ({app_says})",
            preset.name
        );
        // Written for its own preset: its menu shows the preset's title.
        assert!(fragment.contains("<select disabled>"), "{}", preset.name);
        // Its embed's says the same, and both start with the link that opens the preset (the
        // head checks an address's s= against it).
        let embed = std::fs::read_to_string(dir.join(first_view::embed_file(&preset.name)))
            .unwrap_or_default();
        assert!(
            embed.contains(&format!(
                "data-testid=\"first-view-headline\">{app_says}</p>"
            )),
            "{}: the embed's first view does not say what the app says ({app_says})",
            preset.name
        );
        let link = flushlab::codec::link_payload(&preset.scenario).unwrap_or_default();
        let opens = flushlab::codec::decode_link(&link).expect("a preset's link reads");
        assert_eq!(opens, preset.scenario, "{}: its link opens it", preset.name);
        for file in [&fragment, &embed] {
            assert_eq!(file.lines().next(), Some(link.as_str()), "{}", preset.name);
        }
    }
}
