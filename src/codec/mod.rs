//! Encodings of a scenario outside the page: the share link (`?s=1.<payload>`) and JSON files.
//!
//! The link payload is the scenario's compact JSON, deflated and base64url-encoded, behind an
//! encoding version (`1.`). JSON keeps every f64 exactly (shortest round-trip form), so a link
//! opened on another machine runs the same scenario and gives the same outcome bytes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use flushlab_engine::analysis::OptionSpec;
use flushlab_engine::presets;
use flushlab_engine::system::System;
use flushlab_engine::Scenario;

use crate::catalogue::text::{fill, text};
use crate::format;

mod address;
pub use address::{address, fragment_link, page_parameters, split_fragment, MAX_QUERY_CHARS};

/// Encoding version written in front of every link payload.
pub const LINK_VERSION: &str = "1";
/// Longest payload a link may carry (characters): well over any generated scenario, far under
/// what would make decoding costly.
pub const MAX_LINK_CHARS: usize = 64 * 1024;
/// Largest JSON a link payload may inflate to (bytes).
pub const MAX_LINK_JSON_BYTES: usize = 1024 * 1024;
/// Most chart names `view=` keeps (the flush tab has eight charts; the rest of a long list is
/// ignored).
pub const MAX_VIEW_NAMES: usize = 32;
/// Most control names `controls=` keeps.
pub const MAX_CONTROL_NAMES: usize = 8;
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
    /// `controls=shock,leverage`: which controls an embed shows (empty: the shock alone).
    pub controls: Vec<String>,
    /// `fresh=1`: start from the default scenario, not the autosaved one (offered back instead).
    pub fresh: bool,
    /// `system=NAME&cut=0,2&shock=-4`: the Markets tab's system preset, the links cut and the
    /// common shock, when given (an unknown name is an error the page reports); `sys=1.<payload>`
    /// instead of `system=`: the reader's own system, whole.
    pub markets: Option<Result<crate::markets::MarketsChoice, String>>,
    /// What a system's link asked for that the page left out (`shock=` outside the slider or
    /// not a number, `cut=` naming no link of the system), one line each, for a notice.
    pub markets_ignored: Vec<String>,
    /// `tab=cycles`: the tab the link was made on (the flush tab when absent; `system=` opens the
    /// Markets tab by itself).
    pub tab: Option<crate::state::Tab>,
    /// `call=STRIKE,VOL,DAYS,HELD,MAINTENANCE`: the Options tab's call, when the link's was not
    /// the default one.
    pub call: Option<OptionSpec>,
    /// What the link asked for of the page's own settings (`tab=`, `call=`) that it could not
    /// use, one line each, for a notice.
    pub page_ignored: Vec<String>,
}

/// What a link or the address bar carries besides the scenario and the Markets tab's system:
/// the preset the scenario is (when it is that preset, unchanged), the tab shown and the
/// Options tab's call. A reload or a shared link opens the page as it was.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageView {
    /// The preset's name, when the scenario is that preset unchanged (else empty).
    pub preset: String,
    pub tab: crate::state::Tab,
    pub call: OptionSpec,
}

impl PageView {
    /// The page's view: `preset`, the preset the page's scenario was chosen as, edited since or
    /// not (an edited preset's link opens as that preset, edited: its story dimmed and said to
    /// tell the preset as it came, and Reset bringing it back, as on the page it came from),
    /// named only if it is a preset.
    pub fn of(preset: &str, tab: crate::state::Tab, call: &OptionSpec) -> PageView {
        let known = presets::find(preset).is_some();
        PageView {
            preset: if known {
                preset.to_string()
            } else {
                String::new()
            },
            tab,
            call: call.clone(),
        }
    }
}

/// `query` with the page's view added ([`PageView`]): `preset=NAME` beside the scenario's `s=`
/// (the payload still carries the scenario whole, so the link opens the same run after the
/// preset changes), `tab=NAME` off the flush tab (not for the Markets tab, which `system=`
/// opens), `call=` for an Options call not the default.
pub fn with_page_view(query: String, view: &PageView) -> String {
    use crate::state::Tab;
    let mut parts: Vec<String> = Some(query)
        .filter(|query| !query.is_empty())
        .into_iter()
        .collect();
    if !view.preset.is_empty() {
        parts.push(format!("preset={}", percent_encode(&view.preset)));
    }
    if !matches!(view.tab, Tab::Flush | Tab::Markets) {
        parts.push(format!("tab={}", view.tab.name()));
    }
    if view.call != OptionSpec::default() {
        let call = &view.call;
        parts.push(format!(
            "call={},{},{},{},{}",
            call.strike_pct,
            call.implied_vol_pct,
            call.days_to_expiry,
            call.days_held,
            call.maintenance_margin
        ));
    }
    parts.join("&")
}

/// Reads `call=`'s value: four or five numbers, a valid call; the error says what was wrong.
fn read_call(value: &str) -> Result<OptionSpec, String> {
    let numbers = value
        .split(',')
        .map(|number| number.trim().parse::<f64>())
        .collect::<Result<Vec<f64>, _>>();
    let numbers = match numbers {
        Ok(numbers) if (4..=5).contains(&numbers.len()) => numbers,
        _ => {
            return Err(format!(
                "call={value}: expected strike %, volatility %, days to expiry, days held (and \
                 the perpetual's maintenance margin), numbers separated by commas; the Options \
                 tab keeps its own call"
            ))
        }
    };
    let call = OptionSpec {
        strike_pct: numbers[0],
        implied_vol_pct: numbers[1],
        days_to_expiry: numbers[2],
        days_held: numbers[3],
        maintenance_margin: numbers
            .get(4)
            .copied()
            .unwrap_or(OptionSpec::default().maintenance_margin),
    };
    call.validate().map(|()| call).map_err(|error| {
        // The calculator's words for its fields, not the format's names.
        let mut problems = problems_text(&error).replace('\n', "; ");
        for (field, words) in [
            ("strike_pct", "the strike (%)"),
            ("implied_vol_pct", "the implied volatility (%)"),
            ("days_to_expiry", "the days to expiry"),
            ("days_held", "the days held"),
            ("maintenance_margin", "the maintenance margin"),
        ] {
            problems = problems.replace(field, words);
        }
        format!("call={value}: {problems}; the Options tab keeps its own call")
    })
}

/// Most links a `cut=` list names.
const MAX_CUT_NAMES: usize = 16;

/// `query` with the Markets tab's choice added (`system=NAME`, or `sys=` carrying the reader's own
/// system whole, and `cut=` listing the links cut, `shock=` the common shock when moved); an own
/// system too large for a link is refused as a scenario is.
pub fn with_markets(
    query: String,
    markets: &crate::markets::MarketsChoice,
) -> Result<String, TooLargeForLink> {
    let mut parts: Vec<String> = Some(query)
        .filter(|query| !query.is_empty())
        .into_iter()
        .collect();
    match (&markets.own, markets.shows_own()) {
        // The reader's own system travels whole; the preset it came from is only its origin.
        (Some(own), true) => {
            let payload = checked_payload(&serde_json::to_string(&own.system).unwrap_or_default())?;
            parts.push(format!("sys={}", percent_encode(&payload)));
        }
        _ => parts.push(format!("system={}", percent_encode(&markets.preset))),
    }
    let cut: Vec<String> = (0..markets.cut.len())
        .filter(|&k| markets.is_cut(k))
        .map(|k| k.to_string())
        .collect();
    if !cut.is_empty() {
        parts.push(format!("cut={}", cut.join(",")));
    }
    if let Some(pct) = markets.shock_pct {
        parts.push(format!("shock={pct}"));
    }
    Ok(parts.join("&"))
}

/// A scenario whose link would not reopen it: longer than [`MAX_LINK_CHARS`] or inflating past
/// [`MAX_LINK_JSON_BYTES`], the limits [`decode_link`] enforces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooLargeForLink {
    /// Characters of the link's payload.
    pub link_chars: usize,
    /// Bytes of the scenario's JSON.
    pub json_bytes: usize,
}

impl std::fmt::Display for TooLargeForLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let words = &text().notices;
        let what = if self.link_chars > MAX_LINK_CHARS {
            fill(
                words.link_too_long,
                &[
                    ("chars", &format::thousands(&self.link_chars.to_string())),
                    ("most", &format::thousands(&MAX_LINK_CHARS.to_string())),
                ],
            )
        } else {
            fill(
                words.link_too_heavy,
                &[
                    ("bytes", &format::thousands(&self.json_bytes.to_string())),
                    ("most", &format::thousands(&MAX_LINK_JSON_BYTES.to_string())),
                ],
            )
        };
        f.write_str(&fill(words.too_large_for_link, &[("what", &what)]))
    }
}

/// The link payload of a scenario: `1.<base64url(deflate(json))>`, whatever its size (the app
/// writes links through [`link_payload`], which refuses one the reader would refuse).
pub fn encode_link(scenario: &Scenario) -> String {
    pack(&serde_json::to_string(scenario).unwrap_or_default())
}

fn pack(json: &str) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    format!("{LINK_VERSION}.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// The link payload of a scenario, when the link reopens it: within the limits [`decode_link`]
/// enforces, so a link the app writes always reopens to the same outcome. A scenario whose JSON
/// is past the limit is measured, not compressed (the error gives its size).
pub fn link_payload(scenario: &Scenario) -> Result<String, TooLargeForLink> {
    match json_within(scenario, MAX_LINK_JSON_BYTES, true) {
        Ok(json) => checked_payload(&json),
        Err(json_bytes) => Err(TooLargeForLink {
            link_chars: 0,
            json_bytes,
        }),
    }
}

/// [`link_payload`] for the address bar, which only needs to know whether there is one: a
/// scenario too large for a link is given up on as soon as its JSON reaches the limit (a
/// 300,000-position import wrote 24 MB of JSON and compressed it after every edit: seconds of
/// a frozen page).
pub fn address_payload(scenario: &Scenario) -> Option<String> {
    json_within(scenario, MAX_LINK_JSON_BYTES, false)
        .ok()
        .and_then(|json| checked_payload(&json).ok())
}

/// The payload of `json` when a link can carry it (within what [`unpack`] accepts).
fn checked_payload(json: &str) -> Result<String, TooLargeForLink> {
    let payload = pack(json);
    // Strictly under the inflate limit: the reader refuses output that reaches it.
    if payload.len() > MAX_LINK_CHARS || json.len() >= MAX_LINK_JSON_BYTES {
        return Err(TooLargeForLink {
            link_chars: payload.len(),
            json_bytes: json.len(),
        });
    }
    Ok(payload)
}

/// `value` as compact JSON when it is shorter than `limit` bytes. Otherwise its length in bytes:
/// with `measure`, the whole JSON counted without being kept; without, written no further than
/// the limit (the error is then `limit`). 0 when it cannot be written at all (serde_json writes
/// any of our values).
pub(crate) fn json_within<T: serde::Serialize + ?Sized>(
    value: &T,
    limit: usize,
    measure: bool,
) -> Result<String, usize> {
    /// Keeps what is written up to the limit, then counts (or stops).
    struct Capped {
        kept: Vec<u8>,
        total: usize,
        limit: usize,
        measure: bool,
    }
    impl std::io::Write for Capped {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.total += bytes.len();
            if self.total < self.limit {
                self.kept.extend_from_slice(bytes);
            } else if !self.measure {
                return Err(std::io::Error::other("past the limit"));
            }
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut capped = Capped {
        kept: Vec::new(),
        total: 0,
        limit,
        measure,
    };
    let written = serde_json::to_writer(&mut capped, value);
    if capped.total >= limit {
        return Err(capped.total.max(limit));
    }
    match (written, String::from_utf8(capped.kept)) {
        (Ok(()), Ok(json)) => Ok(json),
        _ => Err(0),
    }
}

/// The query the address bar shows: `embed`, `view` and `controls` (each name escaped) and the
/// link payload (None: the scenario is too large for a link, so the address carries none).
pub fn page_query(
    embed: bool,
    view: &[String],
    controls: &[String],
    payload: Option<&str>,
) -> String {
    let mut parts = Vec::new();
    if embed {
        parts.push("embed=1".to_string());
    }
    for (key, names) in [("view", view), ("controls", controls)] {
        if !names.is_empty() {
            let names: Vec<String> = names.iter().map(|name| percent_encode(name)).collect();
            parts.push(format!("{key}={}", names.join(",")));
        }
    }
    if let Some(payload) = payload {
        parts.push(format!("s={}", percent_encode(payload)));
    }
    parts.join("&")
}

/// The full app's query for an embed's address `query` (with or without the leading `?`): the
/// same scenario, preset and system, without what only an embed reads (`embed`, `view`,
/// `controls`).
pub fn full_app_query(query: &str) -> String {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| {
            let key = pair.split_once('=').map_or(*pair, |(key, _)| key);
            !pair.is_empty() && !matches!(key, "embed" | "view" | "controls")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Reads a link payload back into a validated scenario; the error says what was wrong.
pub fn decode_link(payload: &str) -> Result<Scenario, String> {
    let text = unpack(payload, "scenario")?;
    Scenario::from_json(&text)
        .map(presets::with_recorded_start)
        .map_err(|error| problems_text(&error))
}

/// [`decode_link`] without saying where a scenario that does not read went wrong (the same
/// scenario when it reads, the same validation), for the compute worker's first view.
pub fn decode_link_plainly(payload: &str) -> Result<Scenario, String> {
    let text = unpack(payload, "scenario")?;
    let scenario: Scenario = serde_json::from_str(&text).map_err(|error| error.to_string())?;
    scenario.validate().map_err(|error| problems_text(&error))?;
    Ok(presets::with_recorded_start(scenario))
}

/// Reads a `sys=` payload back into a validated system of markets (format version 2).
pub fn decode_system_link(payload: &str) -> Result<System, String> {
    let text = unpack(payload, "system")?;
    System::from_json(&text).map_err(|error| problems_text(&error))
}

/// The JSON a link payload carries, within the limits; `what` names it in errors.
fn unpack(payload: &str, what: &str) -> Result<String, String> {
    if payload.len() > MAX_LINK_CHARS {
        return Err(format!(
            "the link's {what} is {} characters long; the most a link may carry is {MAX_LINK_CHARS}",
            payload.len()
        ));
    }
    let Some((version, body)) = payload.split_once('.') else {
        return Err(format!(
            "the link's {what} has no version (expected {LINK_VERSION}.…)"
        ));
    };
    if version != LINK_VERSION {
        return Err(format!(
            "the link uses encoding version {version:?}; this FlushLab reads version {LINK_VERSION}"
        ));
    }
    let packed = URL_SAFE_NO_PAD
        .decode(body.trim_end_matches('='))
        .map_err(|error| not_base64url(what, body, &error))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_LINK_JSON_BYTES)
        .map_err(|error| match error.status {
            // The limit reached: a whole link, only larger than a scenario can be.
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => format!(
                "the link's {what} unpacks to more than the {} MiB a link may hold",
                MAX_LINK_JSON_BYTES / (1024 * 1024)
            ),
            _ => format!(
                "the link's {what} is damaged (it does not decompress: was the link copied whole?)"
            ),
        })?;
    String::from_utf8(json).map_err(|_| format!("the link's {what} is not text (invalid UTF-8)"))
}

/// Why a link's payload does not decode, in a reader's words: the character a link never
/// carries and where it is, or an end cut mid-character (the decoder's own words name byte
/// values and offsets).
fn not_base64url(what: &str, body: &str, error: &base64::DecodeError) -> String {
    use base64::DecodeError;
    match error {
        DecodeError::InvalidByte(offset, _) => {
            let character = body
                .get(*offset..)
                .and_then(|rest| rest.chars().next())
                .unwrap_or('?');
            format!(
                "the link's {what} has {character:?} at character {} after \"{LINK_VERSION}.\", \
                 which a FlushLab link never carries: was it changed or copied with extra text?",
                offset + 1
            )
        }
        DecodeError::InvalidLastSymbol(..)
        | DecodeError::InvalidLength(_)
        | DecodeError::InvalidPadding => format!(
            "the link's {what} ends part-way through a character: was the link copied whole?"
        ),
    }
}

/// Reads an imported scenario file (the engine's JSON format, version 1).
pub fn decode_file(text: &str) -> Result<Scenario, String> {
    match decode_any_file(text)? {
        Imported::Scenario(scenario) => Ok(*scenario),
        Imported::System(_) => Err(
            "the file is a system of markets (version 2): it opens in the Markets tab".to_string(),
        ),
    }
}

/// What an imported file holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Imported {
    /// A one-market scenario (version 1, or a preset file): it replaces the page's scenario.
    Scenario(Box<Scenario>),
    /// A system of markets (version 2, or a system preset file): it opens in the Markets tab.
    System(Box<System>),
}

/// Reads an imported file of either version (or a preset file of either kind), validated; the
/// error lists every problem with its field path.
pub fn decode_any_file(text: &str) -> Result<Imported, String> {
    let text = flushlab_engine::scenario::without_byte_order_mark(text);
    if text.len() > MAX_IMPORT_BYTES {
        return Err(format!(
            "the file is {} bytes; the most FlushLab imports is {MAX_IMPORT_BYTES}",
            text.len()
        ));
    }
    // What is not a JSON object at all gets words of its own, not the JSON reader's.
    let words = &crate::catalogue::text::text().notices;
    match text.trim_start().chars().next() {
        None => return Err(words.empty_file.to_string()),
        Some(first) if first != '{' => return Err(words.not_json.to_string()),
        Some(_) => {}
    }
    // A preset file (name, title, story, scenario or system) is accepted too: its content, with
    // a mistake in it said at its field (it was called "not a FlushLab file").
    match presets::preset_file_content(text) {
        Some(presets::PresetContent::Scenario(inner)) => {
            return Scenario::from_json(&inner)
                .map(|scenario| {
                    Imported::Scenario(Box::new(presets::with_recorded_start(scenario)))
                })
                .map_err(|error| problems_text(&error.within("scenario")));
        }
        Some(presets::PresetContent::System(inner)) => {
            return System::from_json(&inner)
                .map(|system| Imported::System(Box::new(system)))
                .map_err(|error| problems_text(&error.within("system")));
        }
        Some(presets::PresetContent::Refused(why)) => return Err(why),
        None => {}
    }
    // The format the file says it is in, as far as it reads (a system cut short is one).
    const SYSTEM: u64 = flushlab_engine::system::SYSTEM_VERSION as u64;
    match flushlab_engine::scenario::format_version(text) {
        Some(SYSTEM) => System::from_json(text)
            .map(|system| Imported::System(Box::new(system)))
            .map_err(|error| problems_text(&error)),
        Some(version) if version != 1 => Err(fill(
            words.other_version,
            &[("version", &version.to_string())],
        )),
        _ => Scenario::from_json(text)
            .map(|scenario| Imported::Scenario(Box::new(presets::with_recorded_start(scenario))))
            .map_err(|error| {
                if foreign_object(text) {
                    words.not_a_scenario_file.to_string()
                } else {
                    problems_text(&error)
                }
            }),
    }
}

/// An optional section of a one-market scenario file, which the page's defaults stand in for
/// when the file leaves it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defaulted {
    /// No fee, no insurance fund, no auto-deleveraging: a file without it runs with bad debt
    /// where its venue had a fund.
    Venue,
    Run,
}

/// The optional sections `text` (a scenario file) leaves out. Read only once the file imported
/// as a scenario.
pub fn defaulted_sections(text: &str) -> Vec<Defaulted> {
    let text = flushlab_engine::scenario::without_byte_order_mark(text);
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(fields)) if fields.contains_key("market") => {
            [("venue", Defaulted::Venue), ("run", Defaulted::Run)]
                .into_iter()
                .filter(|(key, _)| !fields.contains_key(*key))
                .map(|(_, section)| section)
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Whether `text` is a whole JSON object that is none of ours: no `market` (a scenario's) nor
/// `markets` (a system's), and no format version of ours (a package.json's "version" is
/// "0.3.1"): another program's file, whose field-by-field problems ("name: unknown field")
/// would say nothing useful. Read only once the file was refused.
fn foreign_object(text: &str) -> bool {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(fields)) => {
            let ours = fields.get("version").and_then(serde_json::Value::as_u64);
            !fields.contains_key("market")
                && !fields.contains_key("markets")
                && !matches!(ours, Some(1 | 2))
        }
        _ => false,
    }
}

/// The scenario as the pretty JSON the engine and CLI read.
pub fn encode_file(scenario: &Scenario) -> String {
    scenario.to_json()
}

/// Reads the page's query string (with or without the leading `?`). The first `s=` and the first
/// `preset=` count and later ones are ignored, so a query costs at most one link decode and one
/// reading of the presets, however long it is.
pub fn parse_query(query: &str) -> PageQuery {
    let mut page = PageQuery::default();
    let mut cut: Vec<String> = Vec::new();
    let mut shock: Option<String> = None;
    let mut link_seen = false;
    let mut preset_seen = false;
    // A system named by `preset=` gives way to one `system=` or `sys=` names, before or after.
    let mut system_from_preset = false;
    for pair in query.trim_start_matches('?').split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "s" if !link_seen => {
                link_seen = true;
                page.scenario = Some(decode_link(&percent_decode(value)));
            }
            "preset" if !preset_seen => {
                preset_seen = true;
                let value = percent_decode(value);
                let all = presets::all();
                match all.iter().find(|preset| preset.name == value) {
                    Some(preset) => {
                        page.preset = Some(preset.name.clone());
                        if !link_seen {
                            page.scenario = Some(Ok(preset.scenario.clone()));
                        }
                    }
                    // A system's name (the CLI lists them with the presets): its Markets tab,
                    // as `system=` opens it.
                    None => match presets::find_system(&value) {
                        Some(system) if page.markets.is_none() => {
                            system_from_preset = true;
                            page.markets = Some(Ok(crate::markets::MarketsChoice {
                                preset: system.name,
                                ..Default::default()
                            }));
                        }
                        Some(_) => {}
                        None if !link_seen => {
                            page.scenario = Some(Err(format!(
                                "there is no preset called {value:?}{} (known: {}; systems of several markets: {})",
                                nearest_note(&value),
                                all.iter()
                                    .map(|preset| preset.name.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", "),
                                system_names()
                            )))
                        }
                        None => {}
                    },
                }
            }
            "embed" => page.embed = matches!(value, "1" | "true"),
            "fresh" => page.fresh = matches!(value, "1" | "true"),
            "view" => page.view = names(value, MAX_VIEW_NAMES),
            "controls" => page.controls = names(value, MAX_CONTROL_NAMES),
            "system" if page.markets.is_none() || system_from_preset => {
                system_from_preset = false;
                let value = percent_decode(value);
                page.markets = Some(match presets::find_system(&value) {
                    Some(preset) => Ok(crate::markets::MarketsChoice {
                        preset: preset.name,
                        ..Default::default()
                    }),
                    None => Err(format!(
                        "there is no system called {value:?}{} (known: {})",
                        nearest_note(&value),
                        system_names()
                    )),
                });
            }
            "sys" if page.markets.is_none() || system_from_preset => {
                system_from_preset = false;
                page.markets = Some(decode_system_link(&percent_decode(value)).map(|system| {
                    let system = presets::system_with_start_of("", system);
                    crate::markets::MarketsChoice::own(system, "")
                }));
            }
            "cut" => cut = names(value, MAX_CUT_NAMES),
            "tab" if page.tab.is_none() => {
                let value = percent_decode(value);
                let tab = crate::state::Tab::from_name(&value);
                if tab.name() == value {
                    page.tab = Some(tab);
                } else {
                    page.page_ignored.push(format!(
                        "tab={value}: no such tab (flush, cycles, options, venues, markets)"
                    ));
                }
            }
            "call" if page.call.is_none() => match read_call(&percent_decode(value)) {
                Ok(call) => page.call = Some(call),
                Err(why) => page.page_ignored.push(why),
            },
            "shock" => shock = Some(percent_decode(value).trim().to_string()),
            _ => {}
        }
    }
    // `shock=` and `cut=` belong to a system's link: on another they are said, not dropped.
    if page.markets.is_none() {
        for (key, typed) in [
            ("shock", shock.clone()),
            ("cut", (!cut.is_empty()).then(|| cut.join(","))),
        ] {
            if let Some(typed) = typed {
                page.page_ignored.push(format!(
                    "{key}={typed}: it sets a system of markets (with system= or sys=), and this link names none"
                ));
            }
        }
    }
    // `cut=` names links of the system given (by index); what it cannot use is said.
    if let Some(Ok(choice)) = &mut page.markets {
        // `shock=` within the slider's range only (the choice ignores any other).
        let (low, high) = crate::markets::SHOCK_RANGE;
        if let Some(typed) = &shock {
            match typed.parse::<f64>() {
                Ok(pct) if (low..=high).contains(&pct) => choice.shock_pct = Some(pct),
                // "NaN" parses, and is no number a reader means.
                Ok(pct) if !pct.is_nan() => page.markets_ignored.push(format!(
                    "shock={typed}: outside the common shock's {low}% to +{high}%, so the system's own shock is used"
                )),
                _ => page.markets_ignored.push(format!(
                    "shock={typed}: not a number, so the system's own shock is used"
                )),
            }
        }
        let links = choice.system().links.len();
        for name in &cut {
            match name.parse::<usize>() {
                Ok(k) if k < links => *choice = choice.with_cut(k, true),
                _ => page.markets_ignored.push(match links {
                    0 => format!("cut={name}: this system has no links to cut"),
                    1 => format!("cut={name}: no such link (this system's one link is numbered 0)"),
                    _ => format!(
                        "cut={name}: no such link (this system's links are numbered 0 to {})",
                        links - 1
                    ),
                }),
            }
        }
    }
    // An edited preset's link written before runs named their start: the preset's clock.
    if let (Some(name), Some(Ok(scenario))) = (&page.preset, &mut page.scenario) {
        *scenario = presets::with_start_of(name, scenario.clone());
    }
    page
}

/// ", did you mean "btc-2025-10-10"?" after an unknown name a slip away from a preset's or a
/// system's ([`presets::nearest`]); nothing after any other.
fn nearest_note(typed: &str) -> String {
    presets::nearest(typed)
        .map(|near| format!(", did you mean {near:?}?"))
        .unwrap_or_default()
}

/// The systems' preset names, comma-separated, for a message.
fn system_names() -> String {
    presets::systems()
        .iter()
        .map(|preset| preset.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A comma-separated list of names from a query value: escapes decoded, blanks dropped, at most
/// `most` kept.
fn names(value: &str, most: usize) -> Vec<String> {
    percent_decode(value)
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .take(most)
        .map(str::to_string)
        .collect()
}

/// Every problem of a scenario error, one per line.
pub fn problems_text(error: &flushlab_engine::ScenarioError) -> String {
    crate::catalogue::problems::lines(error).join("\n")
}

/// `%XX` escaping of one query value: every byte but the unreserved ones (`A-Z a-z 0-9 - . _ ~`),
/// so a value can hold `#`, `&`, `,` or `%` and still come back whole from [`percent_decode`].
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
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

#[cfg(test)]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;
