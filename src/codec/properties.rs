//! Hostile input for the page's readers, generated (proptest): share links, query strings and
//! imported files. Whatever arrives, a reader returns a valid scenario or a message, never
//! panics, and what it accepts is what the app would write back (docs/reliability.md §3).

use proptest::prelude::*;

use super::*;

/// The presets' links: valid payloads to damage.
fn preset_links() -> Vec<String> {
    presets::all()
        .iter()
        .map(|preset| encode_link(&preset.scenario))
        .collect()
}

/// One way of damaging a string of bytes.
#[derive(Clone, Debug)]
enum Damage {
    Flip { at: usize, bits: u8 },
    Insert { at: usize, byte: u8 },
    Delete { at: usize },
    Truncate { at: usize },
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(at, bits)| Damage::Flip { at, bits }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Damage::Insert { at, byte }),
        any::<usize>().prop_map(|at| Damage::Delete { at }),
        any::<usize>().prop_map(|at| Damage::Truncate { at }),
    ]
}

fn apply(bytes: &mut Vec<u8>, damages: &[Damage]) {
    for damage in damages {
        let len = bytes.len().max(1);
        match *damage {
            Damage::Flip { at, bits } if !bytes.is_empty() => bytes[at % len] ^= bits,
            Damage::Insert { at, byte } => bytes.insert(at % (bytes.len() + 1), byte),
            Damage::Delete { at } if !bytes.is_empty() => {
                bytes.remove(at % len);
            }
            Damage::Truncate { at } => bytes.truncate(at % (bytes.len() + 1)),
            _ => {}
        }
    }
}

/// An accepted scenario is one the app can write back: its link reopens it exactly.
fn reopens(scenario: &Scenario) {
    let link = encode_link(scenario);
    assert_eq!(decode_link(&link).as_ref(), Ok(scenario));
}

/// A refusal says something.
fn says_why(error: &str) {
    assert!(!error.trim().is_empty(), "an empty message");
}

/// A query value: mostly the characters queries hold, escapes among them.
fn query_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("%".to_string()),
            Just("%2".to_string()),
            Just("%23".to_string()),
            Just("%FF".to_string()),
            Just("%E9".to_string()),
            Just("+".to_string()),
            Just(",".to_string()),
            Just("=".to_string()),
            Just("&".to_string()),
            Just("1.".to_string()),
            "[a-z0-9_.~-]{0,6}",
            any::<char>().prop_map(String::from),
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

fn query() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("s"),
        Just("preset"),
        Just("view"),
        Just("controls"),
        Just("embed"),
        Just("fresh"),
        Just("x"),
        Just(""),
    ];
    proptest::collection::vec((key, query_text()), 0..8).prop_map(|pairs| {
        let body = pairs
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect::<Vec<_>>()
            .join("&");
        format!("?{body}")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    /// Any text after `s=` decodes to a valid scenario or a message.
    #[test]
    fn any_link_text_is_read_or_refused_with_a_reason(text in query_text()) {
        match decode_link(&text) {
            Ok(scenario) => reopens(&scenario),
            Err(error) => says_why(&error),
        }
    }

    /// A preset's link, damaged in its base64 text or in its deflated bytes.
    #[test]
    fn a_damaged_link_is_read_or_refused_with_a_reason(
        pick in any::<prop::sample::Index>(),
        in_text in any::<bool>(),
        damages in proptest::collection::vec(damage(), 1..4),
    ) {
        let links = preset_links();
        let link = pick.get(&links);
        let payload = if in_text {
            let mut bytes = link.clone().into_bytes();
            apply(&mut bytes, &damages);
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            let body = link.strip_prefix("1.").expect("a versioned link");
            let mut packed = URL_SAFE_NO_PAD.decode(body).expect("base64url");
            apply(&mut packed, &damages);
            format!("1.{}", URL_SAFE_NO_PAD.encode(packed))
        };
        match decode_link(&payload) {
            Ok(scenario) => reopens(&scenario),
            Err(error) => says_why(&error),
        }
    }

    /// A preset's file, damaged byte by byte (the import path).
    #[test]
    fn a_damaged_file_is_read_or_refused_with_a_reason(
        pick in any::<prop::sample::Index>(),
        damages in proptest::collection::vec(damage(), 1..6),
    ) {
        let all = presets::all();
        let mut bytes = encode_file(&pick.get(&all).scenario).into_bytes();
        apply(&mut bytes, &damages);
        match decode_file(&String::from_utf8_lossy(&bytes)) {
            Ok(scenario) => reopens(&scenario),
            Err(error) => says_why(&error),
        }
    }

    /// Any query is read without a panic, keeps at most [`MAX_VIEW_NAMES`] views and
    /// [`MAX_CONTROL_NAMES`] controls, and the query
    /// the page writes back from it reads back to the same page.
    #[test]
    fn any_query_reads_and_writes_back_the_same_page(text in query()) {
        let page = parse_query(&text);
        prop_assert!(page.view.len() <= MAX_VIEW_NAMES);
        prop_assert!(page.controls.len() <= MAX_CONTROL_NAMES);
        if let Some(Err(error)) = &page.scenario {
            says_why(error);
        }
        let payload = match &page.scenario {
            Some(Ok(scenario)) => Some(encode_link(scenario)),
            _ => None,
        };
        let written = page_query(page.embed, &page.view, &page.controls, payload.as_deref());
        let again = parse_query(&written);
        prop_assert_eq!(again.embed, page.embed);
        prop_assert_eq!(&again.view, &page.view);
        prop_assert_eq!(&again.controls, &page.controls);
        if let Some(Ok(scenario)) = &page.scenario {
            prop_assert_eq!(again.scenario, Some(Ok(scenario.clone())));
        }
    }

    /// Any query the page writes, short or long, with or without the explainer's piece, reads
    /// back whole from the address it goes in (query or fragment), and the explainer finds its
    /// own piece there.
    #[test]
    fn any_address_reads_back_its_query(
        text in query(),
        padding in 0usize..8_000,
        explainer in prop::sample::select(vec!["", "tour=2", "glossary", "glossary=adl", "charts"]),
    ) {
        let page = parse_query(&text);
        let payload = match &page.scenario {
            Some(Ok(scenario)) => Some(encode_link(scenario)),
            _ => None,
        };
        // Padded with a view list past the limit or not, as a long link's payload would be.
        let mut view = page.view.clone();
        view.push("x".repeat(padding));
        let written = page_query(page.embed, &view, &page.controls, payload.as_deref());
        let url = address("/flushlab/", &written, explainer);
        let (before, fragment) = url.split_once('#').unwrap_or((&url, ""));
        let search = before.split_once('?').map_or("", |(_, search)| search);
        prop_assert_eq!(page_parameters(search, fragment), written.clone());
        prop_assert_eq!(split_fragment(fragment).1, explainer);
        prop_assert!(search.len() <= MAX_QUERY_CHARS);
    }

    /// Escaping any value and reading it back gives the value.
    #[test]
    fn any_value_survives_escaping(value in any::<String>()) {
        prop_assert_eq!(percent_decode(&percent_encode(&value)), value);
    }
}
