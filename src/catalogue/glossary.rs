//! The glossary: each term in one to three sentences of our own, the terms it relates to, and a
//! "show me" scenario pointing at the chart that shows it, or, where FlushLab cannot show it
//! yet, a plain word saying so and which planned feature will. The terms of markets and venues
//! are in `glossary/market_terms.rs`, the seventeen terms of the subject (leverage dependency to
//! leverage control) in `glossary/subject_terms.rs`.

mod market_terms;
#[cfg(test)]
mod oracles;
mod subject_terms;

use std::sync::OnceLock;

use super::Demo;

/// One glossary entry.
#[derive(Clone, Copy, Debug)]
pub struct Term {
    /// Kebab-case, unique: the page's anchor `#glossary=<id>`.
    pub id: &'static str,
    /// The term as a reader would write it, capitalised ("Mark price").
    pub name: &'static str,
    /// One to three sentences, our own words.
    pub body: &'static str,
    /// Ids of related terms.
    pub related: &'static [&'static str],
    /// A scenario that shows the term (none when FlushLab cannot show it yet).
    pub demo: Option<Demo>,
    /// When FlushLab cannot show the term yet: says so and which planned feature adds it.
    pub not_yet: Option<&'static str>,
}

/// Every term, in alphabetical order of name.
pub fn terms() -> &'static [Term] {
    static TERMS: OnceLock<Vec<Term>> = OnceLock::new();
    TERMS.get_or_init(|| {
        let mut all = [market_terms::TERMS, subject_terms::TERMS].concat();
        all.sort_by_key(|term| term.name.to_lowercase());
        all
    })
}

/// The term with this id.
pub fn find(id: &str) -> Option<&'static Term> {
    terms().iter().find(|term| term.id == id)
}

/// How a term answers a search for `typed` (lower case; empty: every term, alike): `Some(0)`
/// when its name has it, `Some(1)` when its text does (a single word: at the start of one of its
/// words, so "flush" finds "flushes", not "FlushLab", which most texts name), else `None`. The
/// glossary lists the names' matches first.
pub fn search_rank(term: &Term, typed: &str) -> Option<u8> {
    let typed = typed.trim();
    if typed.is_empty() || term.name.to_lowercase().contains(typed) {
        return Some(0);
    }
    let body = term.body.to_lowercase();
    let found = if typed.contains(char::is_whitespace) {
        body.contains(typed)
    } else {
        body.split(|c: char| !c.is_alphanumeric())
            .any(|word| word.starts_with(typed) && (word != "flushlab" || typed == "flushlab"))
    };
    found.then_some(1)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::catalogue::oracle::{check_loadable, sentences};

    /// The terms issue 13 asks for by name.
    const REQUIRED: [&str; 26] = [
        "leverage flush",
        "liquidation price",
        "maintenance margin",
        "mark price",
        "insurance fund",
        "auto-deleveraging",
        "bad debt",
        "order-book depth",
        "market-maker withdrawal",
        "leverage dependency",
        "leverage concentration",
        "options trading leverage",
        "leverage and liquidation risks",
        "leverage ratio monitoring",
        "systemic leverage cycles",
        "leverage deleveraging spiral",
        "systemic leverage risk",
        "leverage mechanics",
        "systemic leverage contagion",
        "leverage cycles",
        "leverage skew",
        "leverage deleveraging cycles",
        "leverage management in CPPI",
        "leverage dynamics assessment",
        "systemic leverage",
        "leverage control",
    ];

    #[test]
    fn every_required_term_is_there_by_name() {
        for name in REQUIRED {
            assert!(
                terms()
                    .iter()
                    .any(|term| term.name.eq_ignore_ascii_case(name)),
                "missing: {name}"
            );
        }
    }

    #[test]
    fn ids_are_unique_kebab_case_and_found() {
        let mut seen = BTreeSet::new();
        for term in terms() {
            assert!(seen.insert(term.id), "{} twice", term.id);
            let kebab = !term.id.is_empty()
                && term.id.split('-').all(|word| {
                    !word.is_empty()
                        && word
                            .bytes()
                            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())
                });
            assert!(kebab, "{} is not kebab-case", term.id);
            assert_eq!(find(term.id).map(|found| found.id), Some(term.id));
        }
        assert!(find("no-such-term").is_none());
    }

    #[test]
    fn bodies_are_one_to_three_sentences_and_names_are_capitalised() {
        for term in terms() {
            let count = sentences(term.body);
            assert!((1..=3).contains(&count), "{}: {count} sentences", term.id);
            assert!(term.body.ends_with('.'), "{}", term.id);
            assert!(
                term.name.starts_with(|c: char| c.is_ascii_uppercase()),
                "{}",
                term.name
            );
        }
    }

    #[test]
    fn related_ids_exist_and_are_not_the_term_itself() {
        for term in terms() {
            assert!(!term.related.is_empty(), "{} relates to nothing", term.id);
            for id in term.related {
                assert!(find(id).is_some(), "{} relates to unknown {id}", term.id);
                assert_ne!(*id, term.id, "{} relates to itself", term.id);
            }
        }
    }

    #[test]
    fn a_term_has_a_demo_or_says_plainly_why_not_never_both() {
        for term in terms() {
            match (&term.demo, term.not_yet) {
                (Some(demo), None) => check_loadable(demo, term.id),
                (None, Some(why)) => {
                    assert!(why.contains("FlushLab"), "{}: {why}", term.id);
                    assert!(
                        why.contains("planned"),
                        "{}: say that it is planned, not missing for good",
                        term.id
                    );
                    assert!((1..=2).contains(&sentences(why)), "{}", term.id);
                }
                _ => panic!("{}: exactly one of demo and not_yet", term.id),
            }
        }
    }

    #[test]
    fn the_terms_across_markets_show_a_system_on_the_markets_tab() {
        for id in ["systemic-leverage-contagion", "cross-margin"] {
            let term = find(id).unwrap_or_else(|| panic!("{id}"));
            let system = term.demo.and_then(|demo| demo.system());
            assert!(system.is_some() && term.not_yet.is_none(), "{id}");
        }
    }

    #[test]
    fn terms_are_in_alphabetical_order() {
        let names: Vec<String> = terms()
            .iter()
            .map(|term| term.name.to_lowercase())
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }

    /// A search lists the terms named by it first, then those whose text has it as a word's
    /// start; the app's own name in a text is no match for "flush".
    #[test]
    fn a_search_finds_names_first_and_words_not_the_apps_name() {
        let rank = |id: &str, typed: &str| search_rank(find(id).unwrap(), typed);
        assert_eq!(rank("leverage-flush", "flush"), Some(0));
        assert_eq!(rank("leverage-flush", ""), Some(0));
        let apps_name_only: Vec<&str> = terms()
            .iter()
            .filter(|term| {
                let body = term.body.to_lowercase();
                body.contains("flushlab")
                    && !body.replace("flushlab", "").contains("flush")
                    && !term.name.to_lowercase().contains("flush")
            })
            .map(|term| term.id)
            .collect();
        assert!(!apps_name_only.is_empty(), "some texts name only the app");
        for id in apps_name_only {
            assert_eq!(rank(id, "flush"), None, "{id}");
            assert_eq!(rank(id, "flushlab"), Some(1), "{id}");
        }
        // A word's start, not its middle; several words as they are written.
        assert_eq!(rank("mark-price", "liquid"), Some(1));
        assert_eq!(rank("mark-price", "iquid"), None);
        assert_eq!(
            rank("mark-price", "  MARK ".to_lowercase().as_str()),
            Some(0)
        );
    }
}
