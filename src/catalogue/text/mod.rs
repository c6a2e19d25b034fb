//! Every text the page shows, by section, in one struct ([`Text`]) that each language fills
//! completely: English in `en.rs`. A translation is one new file beside it that fills the same
//! struct (the compiler refuses a missing field; the tests below refuse an empty one or a template
//! whose placeholders differ from English's), plus its line in [`LANGUAGES`]. The language also
//! sets how numbers and dates are written ([`Locale`], read by `crate::format`).
//!
//! Templates carry named placeholders (`"{amount} of bad debt was left"`) that [`fill`] replaces,
//! so a language may put the values in its own order. The glossary and the tour are in their own
//! files of the catalogue; the engine's validation messages stay in the engine (`docs/explainer.md`).

mod en;
mod sections;

pub use crate::format::Locale;
pub use sections::*;

/// The languages the page can be shown in: (BCP 47 tag, its texts). The first is the default.
pub static LANGUAGES: [(&str, &Text); 1] = [("en", &en::ENGLISH)];

/// The texts the page is shown in: the reader's language as the browser ranks them
/// (`navigator.languages`), chosen once, or the default.
pub fn text() -> &'static Text {
    LANGUAGES[language()].1
}

/// The BCP 47 tag of the language the page is shown in (for `<html lang>`).
pub fn tag() -> &'static str {
    LANGUAGES[language()].0
}

/// Which of [`LANGUAGES`] the page is shown in.
fn language() -> usize {
    #[cfg(target_arch = "wasm32")]
    {
        thread_local! {
            static CHOSEN: usize = choose(&crate::browser::preferred_languages());
        }
        CHOSEN.with(|chosen| *chosen)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}

/// The first of the reader's `preferred` languages (BCP 47 tags, best first) that the page
/// has, matched on the whole tag and then on its language alone ("de-AT" takes "de"); the
/// default when none is.
pub fn choose(preferred: &[String]) -> usize {
    choose_among(preferred, &LANGUAGES.map(|(tag, _)| tag))
}

fn choose_among(preferred: &[String], available: &[&str]) -> usize {
    let primary = |tag: &str| {
        tag.split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    for wanted in preferred {
        if let Some(i) = available
            .iter()
            .position(|tag| tag.eq_ignore_ascii_case(wanted))
        {
            return i;
        }
        if let Some(i) = available
            .iter()
            .position(|tag| primary(tag) == primary(wanted))
        {
            return i;
        }
    }
    0
}

/// A preset's title, story and assumptions in the page's language.
pub fn preset_words(preset: &flushlab_engine::presets::Preset) -> (String, String, Vec<String>) {
    match text()
        .presets
        .iter()
        .find(|words| words.name == preset.name)
    {
        Some(words) => (
            words.title.to_string(),
            words.story.to_string(),
            words
                .assumptions
                .iter()
                .map(|line| line.to_string())
                .collect(),
        ),
        None => (
            preset.title.clone(),
            preset.story.clone(),
            preset.assumptions.clone(),
        ),
    }
}

/// A preset's line in the menu: "2025-10-10: The tariff-headline flush", or its title alone.
pub fn preset_menu_label(preset: &flushlab_engine::presets::Preset) -> String {
    let (title, _, _) = preset_words(preset);
    match &preset.date {
        Some(date) => fill(
            text().panels.preset_dated,
            &[("date", date), ("title", &title)],
        ),
        None => title,
    }
}

/// `template` with each `{name}` replaced by its value in `values`, and each `{a:name}` (`{A:name}`
/// at a sentence's start) by the indefinite article English puts before that value ("a 4.0%",
/// "an 8.0%"); a placeholder without a value is left as it is (the tests check every template's
/// placeholders against English's).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut filled = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (article, name) = match name.split_once(':') {
                Some(("a", name)) => (Some(false), name),
                Some(("A", name)) => (Some(true), name),
                _ => (None, name),
            };
            let value = values.iter().find(|(key, _)| *key == name)?.1;
            Some((
                close,
                match article {
                    Some(capital) => english_article(value, capital),
                    None => value,
                },
            ))
        });
        match value {
            Some((close, value)) => {
                filled.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                filled.push('{');
                rest = after;
            }
        }
    }
    filled.push_str(rest);
    filled
}

/// "an" before a number English reads with a vowel first (eight, eleven, eighteen, eighty...:
/// "an 8.0% flush", "an 11.2% flush", "an 18,000 drop"), else "a" (a signed number is read
/// "minus ..." or "plus ...": "a -8.0% shock"); "An"/"A" with `capital`.
fn english_article(value: &str, capital: bool) -> &'static str {
    let whole: String = value
        .trim_start_matches('$')
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    // Eleven and eighteen, alone or as thousands, millions...: 11, 18, 11,000, 18,500,000.
    let eleven = whole.len() % 3 == 2 && (whole.starts_with("11") || whole.starts_with("18"));
    let vowel = whole.starts_with('8') || eleven;
    match (vowel, capital) {
        (true, true) => "An",
        (true, false) => "an",
        (false, true) => "A",
        (false, false) => "a",
    }
}

/// The `{name}` placeholders of a template, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                names.push(&after[..close]);
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_named_placeholders_in_any_order() {
        assert_eq!(
            fill("{b} then {a}, {b}", &[("a", "1"), ("b", "2")]),
            "2 then 1, 2"
        );
        assert_eq!(fill("no values", &[]), "no values");
        assert_eq!(fill("{unknown} {", &[("a", "1")]), "{unknown} {");
    }

    #[test]
    fn articles_go_by_how_the_number_is_read() {
        let said = |value: &str| fill("{A:x} {x} drop became {a:x} {x} flush", &[("x", value)]);
        assert_eq!(said("4.0%"), "A 4.0% drop became a 4.0% flush");
        assert_eq!(said("8.0%"), "An 8.0% drop became an 8.0% flush");
        for vowel in [
            "8%",
            "11.2%",
            "18%",
            "80.5%",
            "89%",
            "800",
            "8,000",
            "11,000",
            "18,500,000",
            "$8.1bn",
        ] {
            assert!(said(vowel).starts_with("An "), "{vowel}");
        }
        for consonant in [
            "1.0%",
            "10%",
            "110%",
            "1,100",
            "111",
            "181",
            "0.8%",
            "2.8%",
            "28%",
            "100,000",
            "-8.0%",
            "+8%",
            "\u{2212}11%",
        ] {
            assert!(said(consonant).starts_with("A "), "{consonant}");
        }
        assert_eq!(fill("{a:missing}", &[]), "{a:missing}");
    }

    #[test]
    fn every_language_fills_every_text_with_the_same_placeholders_as_english() {
        let english = LANGUAGES[0].1.entries();
        for (tag, language) in LANGUAGES.iter() {
            let entries = language.entries();
            assert_eq!(entries.len(), english.len(), "{tag}");
            for ((key, text), (english_key, english_text)) in entries.iter().zip(&english) {
                assert_eq!(key, english_key);
                assert!(!text.trim().is_empty(), "{tag}: {key} is empty");
                let mut theirs = placeholders(text);
                let mut ours = placeholders(english_text);
                theirs.sort_unstable();
                ours.sort_unstable();
                assert_eq!(theirs, ours, "{tag}: {key} has other placeholders");
            }
        }
    }

    #[test]
    fn the_plots_english_reads_as_before_it_moved_here() {
        use crate::format::{count, price, signed_pct, whole_seconds};
        let w = &LANGUAGES[0].1.plots;
        assert_eq!(
            fill(w.shock, &[("shock", &signed_pct(-9.0))]),
            "shock -9.0%"
        );
        assert_eq!(
            fill(w.tipping_point, &[("shock", &signed_pct(4.0))]),
            "tipping point +4.0%"
        );
        assert_eq!(
            fill(w.flush_reached, &[("price", &price(104_766.2))]),
            "this flush reached $104,766"
        );
        assert_eq!(
            fill(w.mark_at, &[("time", &whole_seconds(12.4))]),
            "mark at 12\u{a0}s"
        );
        let at = fill(w.at_time, &[("time", &whole_seconds(30.0))]);
        assert_eq!(fill(w.longs_when, &[("when", &at)]), "longs at 30\u{a0}s");
        assert_eq!(
            fill(
                w.amplification_computing,
                &[("done", &count(7)), ("total", &count(40))]
            ),
            "Amplification curve (computing 7/40 shocks)"
        );
        // Plotly's placeholders are left alone by `fill`.
        assert_eq!(fill(w.phase_hover, &[("x", "1")]), w.phase_hover);
    }

    #[test]
    fn the_reader_gets_the_first_language_the_page_has() {
        let tags = |list: &[&str]| list.iter().map(|tag| tag.to_string()).collect::<Vec<_>>();
        let available = ["en", "de", "pt-BR"];
        assert_eq!(
            choose_among(&tags(&["fr-FR", "de-AT", "en"]), &available),
            1
        );
        assert_eq!(choose_among(&tags(&["pt-BR", "de"]), &available), 2);
        assert_eq!(choose_among(&tags(&["PT-br"]), &available), 2);
        assert_eq!(choose_among(&tags(&["pt-PT"]), &available), 2);
        assert_eq!(choose_among(&tags(&["ja", "zh-CN"]), &available), 0);
        assert_eq!(choose_among(&[], &available), 0);
        assert_eq!(choose(&tags(&["en-GB"])), 0);
    }

    #[test]
    fn every_language_has_every_presets_words_or_none() {
        let presets = flushlab_engine::presets::all();
        for (tag, language) in LANGUAGES.iter() {
            if language.presets.is_empty() {
                continue;
            }
            for preset in presets.iter() {
                let words = language.presets.iter().find(|w| w.name == preset.name);
                let words = words.unwrap_or_else(|| panic!("{tag}: no words for {}", preset.name));
                assert_eq!(
                    words.assumptions.len(),
                    preset.assumptions.len(),
                    "{tag}: {}",
                    preset.name
                );
            }
        }
        let english = &presets[0];
        assert_eq!(
            preset_menu_label(english),
            flushlab_engine::presets::menu_label(english)
        );
    }

    #[test]
    fn every_language_writes_numbers_readably() {
        for (tag, language) in LANGUAGES.iter() {
            let locale = &language.number;
            assert_ne!(locale.decimal, locale.grouping, "{tag}");
            assert!(
                !locale.thousand.is_empty() && !locale.second.is_empty(),
                "{tag}"
            );
        }
    }

    #[test]
    fn every_help_term_is_in_the_glossary() {
        use crate::catalogue::glossary::find;
        for (control, term) in crate::catalogue::HELP_TERMS {
            assert!(find(term).is_some(), "{control}: no glossary term {term}");
        }
        for chart in crate::catalogue::CHARTS.iter().chain(&[
            "cycles-fan",
            "cycles-returns",
            "cycles-qq",
            "cycles-tails",
        ]) {
            if let Some(term) = crate::catalogue::chart_term(chart) {
                assert!(find(term).is_some(), "{chart}: no glossary term {term}");
            }
        }
    }
}
