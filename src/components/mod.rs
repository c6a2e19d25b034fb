//! One file per visible thing on the page.

pub mod bet;
pub mod edit_bar;
pub mod explainer;
pub mod field;
pub mod help;
pub mod leverage_editor;
pub mod market_controls;
pub mod market_editor;
pub mod markets;
pub mod monitor;
pub mod more_below;
pub mod notices;
pub mod playback;
pub mod presets;
pub mod readout;
pub mod restore;
pub mod share;
pub mod shock_control;
pub mod summary;
pub mod trader_controls;
pub mod venue_controls;

/// A button's label whose leading or trailing symbol ("↶ Undo", "Open in FlushLab ↗") is for the
/// eye: split off and hidden from screen readers, which read the arrow's name aloud otherwise.
pub fn glyphed(label: &'static str) -> leptos::prelude::AnyView {
    use leptos::prelude::*;
    let (before, words, after) = split_glyph(label);
    view! {
        {(!before.is_empty()).then(|| view! { <span aria-hidden="true">{before}</span> })}
        {words}
        {(!after.is_empty()).then(|| view! { <span aria-hidden="true">{after}</span> })}
    }
    .into_any()
}

/// `label` as (leading symbol and its space, words, space and trailing symbol): a symbol is a
/// character that is neither a letter, a digit nor punctuation a word ends with.
pub(crate) fn split_glyph(label: &str) -> (&str, &str, &str) {
    let symbol = |c: char| !c.is_alphanumeric() && !c.is_whitespace() && !".,;:!?)(\"'".contains(c);
    let mut words = label;
    let mut before = "";
    if let Some((first, rest)) = label.split_once(' ') {
        if !first.is_empty() && first.chars().all(symbol) {
            before = &label[..first.len() + 1];
            words = rest;
        }
    }
    let mut after = "";
    if let Some((rest, last)) = words.rsplit_once(' ') {
        if !last.is_empty() && last.chars().all(symbol) {
            after = &words[rest.len()..];
            words = rest;
        }
    }
    (before, words, after)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_labels_symbols_are_split_from_its_words() {
        use super::split_glyph;
        assert_eq!(split_glyph("↶ Undo"), ("↶ ", "Undo", ""));
        assert_eq!(
            split_glyph("Open in FlushLab ↗"),
            ("", "Open in FlushLab", " ↗")
        );
        assert_eq!(split_glyph("❚❚ Pause"), ("❚❚ ", "Pause", ""));
        assert_eq!(split_glyph("‹ Back"), ("‹ ", "Back", ""));
        assert_eq!(split_glyph("Start fresh"), ("", "Start fresh", ""));
        assert_eq!(split_glyph("Glossary"), ("", "Glossary", ""));
    }
}
