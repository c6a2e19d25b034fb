//! Encodings of a scenario outside the page: the share link (`?s=1.<payload>`) and JSON files.
//!
//! The link payload is the scenario's compact JSON, deflated and base64url-encoded, behind an
//! encoding version (`1.`). JSON keeps every f64 exactly (shortest round-trip form), so a link
//! opened on another machine runs the same scenario and gives the same outcome bytes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use flushlab_engine::presets;
use flushlab_engine::Scenario;

/// Encoding version written in front of every link payload.
pub const LINK_VERSION: &str = "1";
/// Longest payload a link may carry (characters): well over any generated scenario, far under
/// what would make decoding costly.
pub const MAX_LINK_CHARS: usize = 64 * 1024;
/// Largest JSON a link payload may inflate to (bytes).
pub const MAX_LINK_JSON_BYTES: usize = 1024 * 1024;
/// Largest scenario file the app imports (bytes).
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

/// What the page's query string asks for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageQuery {
    /// The scenario from `s=` or `preset=`, if one was given.
    pub scenario: Option<Result<Scenario, String>>,
    /// The preset named by `preset=` (when it exists).
    pub preset: Option<String>,
    /// `embed=1`: the compact layout for iframes.
    pub embed: bool,
    /// `view=price,map`: which charts an embed shows (empty: the default set).
    pub view: Vec<String>,
}

/// The link payload of a scenario: `1.<base64url(deflate(json))>`.
pub fn encode_link(scenario: &Scenario) -> String {
    let json = serde_json::to_string(scenario).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    format!("{LINK_VERSION}.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Reads a link payload back into a validated scenario; the error says what was wrong.
pub fn decode_link(payload: &str) -> Result<Scenario, String> {
    if payload.len() > MAX_LINK_CHARS {
        return Err(format!(
            "the link's scenario is {} characters long; the most a link may carry is {MAX_LINK_CHARS}",
            payload.len()
        ));
    }
    let Some((version, body)) = payload.split_once('.') else {
        return Err("the link's scenario has no version (expected s=1.…)".to_string());
    };
    if version != LINK_VERSION {
        return Err(format!(
            "the link uses encoding version {version:?}; this FlushLab reads version {LINK_VERSION}"
        ));
    }
    let packed = URL_SAFE_NO_PAD
        .decode(body.trim_end_matches('='))
        .map_err(|error| format!("the link's scenario is not valid base64url ({error})"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_LINK_JSON_BYTES)
        .map_err(|_| "the link's scenario is damaged (it does not decompress)".to_string())?;
    let text = String::from_utf8(json)
        .map_err(|_| "the link's scenario is not text (invalid UTF-8)".to_string())?;
    Scenario::from_json(&text).map_err(|error| problems_text(&error))
}

/// Reads an imported scenario file (the engine's JSON format).
pub fn decode_file(text: &str) -> Result<Scenario, String> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(format!(
            "the file is {} bytes; the most FlushLab imports is {MAX_IMPORT_BYTES}",
            text.len()
        ));
    }
    // A preset file (name, title, story, scenario) is accepted too: take its scenario.
    if let Ok(preset) = serde_json::from_str::<presets::Preset>(text) {
        return preset
            .scenario
            .validate()
            .map(|()| preset.scenario)
            .map_err(|error| problems_text(&error));
    }
    Scenario::from_json(text).map_err(|error| problems_text(&error))
}

/// The scenario as the pretty JSON the engine and CLI read.
pub fn encode_file(scenario: &Scenario) -> String {
    scenario.to_json()
}

/// Reads the page's query string (with or without the leading `?`).
pub fn parse_query(query: &str) -> PageQuery {
    let mut page = PageQuery::default();
    for pair in query.trim_start_matches('?').split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value);
        match key {
            "s" => page.scenario = Some(decode_link(&value)),
            "preset" => match presets::find(&value) {
                Some(preset) => {
                    page.preset = Some(preset.name);
                    if page.scenario.is_none() {
                        page.scenario = Some(Ok(preset.scenario));
                    }
                }
                None => {
                    page.scenario = Some(Err(format!(
                        "there is no preset called {value:?} (known: {})",
                        presets::all()
                            .iter()
                            .map(|preset| preset.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )))
                }
            },
            "embed" => page.embed = value == "1" || value == "true",
            "view" => {
                page.view = value
                    .split(',')
                    .map(str::trim)
                    .filter(|name| !name.is_empty())
                    .map(str::to_string)
                    .collect()
            }
            _ => {}
        }
    }
    page
}

/// Every problem of a scenario error, one per line.
pub fn problems_text(error: &flushlab_engine::ScenarioError) -> String {
    error
        .problems
        .iter()
        .map(|problem| problem.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `%XX` and `+` decoding of one query value; malformed escapes are kept as written.
pub fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|value| value as u8)
}
