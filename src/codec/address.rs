//! Where a page's parameters go in an address: the query, or the fragment when the query would
//! be too long for a host.
//!
//! Static hosts refuse long request lines: GitHub Pages answers `414 URI Too Long` past 8,191
//! bytes (GitHub's documented limit; one project measured 7,333 characters as the longest share
//! link its Pages site still served).
//! A link may carry up to [`super::MAX_LINK_CHARS`] (a scenario of listed positions easily
//! passes 8,000), so an address whose query would be longer than [`MAX_QUERY_CHARS`] carries its
//! parameters in the fragment instead (`page#s=1.…`): browsers never send the fragment to the
//! host, and the page reads its parameters from either place ([`page_parameters`]).
//!
//! The fragment is shared with the explainer, whose pieces (`tour=3`, `glossary`,
//! `glossary=adl`) and any anchor without `=` (`#results`) stay its own: pieces are joined with
//! `&`, the link's first.

/// The longest query an address the page writes keeps in its query (characters): under the
/// 8,191 bytes a host takes for the whole request line, with room for the path and the method.
pub const MAX_QUERY_CHARS: usize = 6_000;

/// Whether a fragment's piece is the explainer's (or an anchor's), not a link parameter.
fn is_explainers(piece: &str) -> bool {
    match piece.split_once('=') {
        Some((key, _)) => matches!(key, "tour" | "glossary"),
        None => true,
    }
}

/// A fragment (with or without its `#`) split into the link's parameters and the explainer's
/// part, each without `#` and joined with `&`.
pub fn split_fragment(fragment: &str) -> (String, String) {
    let (explainers, link): (Vec<&str>, Vec<&str>) = fragment
        .trim_start_matches('#')
        .split('&')
        .filter(|piece| !piece.is_empty())
        .partition(|piece| is_explainers(piece));
    (link.join("&"), explainers.join("&"))
}

/// The page's parameters as one query (`search` is the address's query with or without its `?`,
/// `fragment` its fragment): the query's, then those the fragment carries. [`super::parse_query`]
/// reads the first `s=` and `preset=`, so a query's own win over a fragment's.
pub fn page_parameters(search: &str, fragment: &str) -> String {
    let search = search.trim_start_matches('?');
    let (link, _) = split_fragment(fragment);
    match (search.is_empty(), link.is_empty()) {
        (_, true) => search.to_string(),
        (true, false) => link,
        (false, false) => format!("{search}&{link}"),
    }
}

/// What of `query` an [`address`] carries in its fragment: all of it when it is longer than
/// [`MAX_QUERY_CHARS`], else nothing.
pub fn fragment_link(query: &str) -> &str {
    if query.len() > MAX_QUERY_CHARS {
        query
    } else {
        ""
    }
}

/// An address: `base` (origin and path, or the path alone), then `query` (without `?`) in the
/// query, or in the fragment when it is longer than [`MAX_QUERY_CHARS`]; the explainer's part
/// (`explainer`, without `#`) closes the fragment.
pub fn address(base: &str, query: &str, explainer: &str) -> String {
    let carried = fragment_link(query);
    let mut url = base.to_string();
    if !query.is_empty() && carried.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    let fragment: Vec<&str> = [carried, explainer]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect();
    if !fragment.is_empty() {
        url.push('#');
        url.push_str(&fragment.join("&"));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_query_stays_in_the_query_and_the_explainer_keeps_the_fragment() {
        assert_eq!(address("/app/", "", ""), "/app/");
        assert_eq!(
            address("/app/", "preset=calm-market", ""),
            "/app/?preset=calm-market"
        );
        assert_eq!(
            address("/app/", "preset=calm-market", "tour=2"),
            "/app/?preset=calm-market#tour=2"
        );
        assert_eq!(address("/app/", "", "glossary"), "/app/#glossary");
    }

    #[test]
    fn a_long_query_rides_in_the_fragment_and_reads_back_whole() {
        let long = format!("embed=1&view=price&s=1.{}", "a".repeat(MAX_QUERY_CHARS));
        let url = address("https://x.github.io/flushlab/", &long, "");
        assert_eq!(url, format!("https://x.github.io/flushlab/#{long}"));
        assert!(!url.contains('?'));
        let (_, fragment) = url.split_once('#').unwrap();
        assert_eq!(page_parameters("", fragment), long);
        // With the explainer's piece after it, the link still reads whole and the explainer
        // finds its own.
        let url = address("/flushlab/", &long, "glossary=adl");
        let (_, fragment) = url.split_once('#').unwrap();
        assert_eq!(page_parameters("", fragment), long);
        assert_eq!(split_fragment(fragment).1, "glossary=adl");
        // At the limit it stays in the query.
        let limit = "p".repeat(MAX_QUERY_CHARS);
        assert_eq!(address("/", &limit, ""), format!("/?{limit}"));
    }

    #[test]
    fn the_fragment_splits_between_the_link_and_the_explainer() {
        assert_eq!(split_fragment(""), (String::new(), String::new()));
        assert_eq!(
            split_fragment("#charts"),
            (String::new(), "charts".to_string())
        );
        assert_eq!(
            split_fragment("#s=1.abc&view=price&tour=3"),
            ("s=1.abc&view=price".to_string(), "tour=3".to_string())
        );
        assert_eq!(
            split_fragment("glossary&embed=1"),
            ("embed=1".to_string(), "glossary".to_string())
        );
        // The query's parameters first, so its own s= wins.
        assert_eq!(
            page_parameters("?preset=thin-book", "#s=1.abc&tour=1"),
            "preset=thin-book&s=1.abc"
        );
        assert_eq!(page_parameters("?embed=1", "#tour=1"), "embed=1");
        assert_eq!(page_parameters("", ""), "");
    }
}
