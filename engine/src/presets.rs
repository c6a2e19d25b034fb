//! Presets: named scenarios with a one-line story, kept as data in `engine/presets/*.json`.
//! To add one, drop a file there and list it in `SOURCES`; the tests check every preset is valid.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::ScenarioError;
use crate::scenario::Scenario;
use crate::system::System;

/// What a preset file holds (the JSON of its scenario or its system), as the engine's readers
/// take it: a preset file (`engine/presets/*.json`, or `flushlab preset NAME` with a title and
/// story) opens wherever a scenario file does.
#[derive(Clone, Debug, PartialEq)]
pub enum PresetContent {
    Scenario(String),
    System(String),
    /// A file whose own fields are given twice (`name`, `scenario`, ...): what the JSON reader
    /// says, with the line and column.
    Refused(String),
}

/// The scenario or system inside `text`, when `text` is a preset file: a JSON object with a
/// `name` and a `scenario` or `system` object, and neither `market` nor `markets` of its own.
/// Read before the file's own format so one mistake in its scenario is reported at its field,
/// not as a file that is no scenario at all. The content is the file's own text of it, so its
/// reader sees it as written: a field given twice in it is refused there as anywhere else (a
/// map of values kept the last silently).
pub fn preset_file_content(text: &str) -> Option<PresetContent> {
    /// A preset file's parts, as written.
    #[derive(Deserialize)]
    struct Parts<'a> {
        #[serde(borrow)]
        name: Option<&'a serde_json::value::RawValue>,
        #[serde(borrow)]
        scenario: Option<&'a serde_json::value::RawValue>,
        #[serde(borrow)]
        system: Option<&'a serde_json::value::RawValue>,
        #[serde(borrow)]
        market: Option<&'a serde_json::value::RawValue>,
        #[serde(borrow)]
        markets: Option<&'a serde_json::value::RawValue>,
    }
    // Most files are scenarios: not parsed twice unless they could be presets.
    if !(text.contains("\"scenario\"") || text.contains("\"system\"")) {
        return None;
    }
    let parts: Parts = match serde_json::from_str(text) {
        Ok(parts) => parts,
        // Which one counts is not for us to guess (a map of values kept the last).
        Err(error) if error.to_string().starts_with("duplicate field") => {
            return Some(PresetContent::Refused(error.to_string()))
        }
        Err(_) => return None,
    };
    let is = |raw: Option<&serde_json::value::RawValue>, first: char| {
        raw.is_some_and(|raw| raw.get().starts_with(first))
    };
    if !is(parts.name, '"') || parts.market.is_some() || parts.markets.is_some() {
        return None;
    }
    match (parts.scenario, parts.system) {
        (Some(scenario), None) if is(Some(scenario), '{') => {
            Some(PresetContent::Scenario(in_place(text, scenario.get())))
        }
        (None, Some(system)) if is(Some(system), '{') => {
            Some(PresetContent::System(in_place(text, system.get())))
        }
        _ => None,
    }
}

/// `part` (a slice of `text`) where it stands in `text`: everything before it blanked, byte for
/// byte and line for line, so a reader's "at line L column C" is the file's.
fn in_place(text: &str, part: &str) -> String {
    let start = (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    let mut placed: String = text
        .get(..start)
        .unwrap_or_default()
        .chars()
        .map(|c| match c {
            '\n' => "\n".to_string(),
            other => " ".repeat(other.len_utf8()),
        })
        .collect();
    placed.push_str(part);
    placed
}

/// A named scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    pub name: String,
    pub title: String,
    /// What happens, in a sentence or two; for a historical event, what happened.
    pub story: String,
    /// The day of a historical flush (`YYYY-MM-DD`); none for an illustrative preset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// What was assumed where no public figure exists (shown in the app under the story).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
    /// An extreme thought experiment, outside the envelope of recorded flushes on purpose (the
    /// app says so); every other preset is held inside that envelope by a test.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub thought_experiment: bool,
    pub scenario: Scenario,
}

/// The preset files, in menu order. The first is the app's default.
const SOURCES: &[&str] = &[
    include_str!("../presets/btc-2025-10-10.json"),
    include_str!("../presets/btc-2024-08-05.json"),
    include_str!("../presets/btc-2021-05-19.json"),
    include_str!("../presets/bitmex-2020-03-12.json"),
    include_str!("../presets/over-levered-longs.json"),
    include_str!("../presets/calm-market.json"),
    include_str!("../presets/thin-book.json"),
    include_str!("../presets/short-squeeze.json"),
    include_str!("../presets/fund-drained-adl.json"),
    include_str!("../presets/predators-at-work.json"),
    include_str!("../presets/inverse-traders-adjust.json"),
    include_str!("../presets/portfolio-insurance.json"),
    include_str!("../presets/dealers-short-gamma.json"),
    include_str!("../presets/funding-bleed.json"),
];

/// A preset file read as `T`, serde's words as the problem when it cannot be.
fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ScenarioError> {
    serde_json::from_str(text).map_err(|error| {
        ScenarioError::single(
            "",
            crate::error::Rule::Unreadable {
                detail: error.to_string(),
            },
        )
    })
}

/// Parses one preset file, validating its scenario.
pub fn parse(text: &str) -> Result<Preset, ScenarioError> {
    let preset: Preset = read(text)?;
    preset.scenario.validate()?;
    Ok(preset)
}

/// Every preset, parsed once: a link naming presets again and again (a query of many
/// `preset=` values) must not parse them all each time.
fn parsed() -> &'static [Preset] {
    static PRESETS: OnceLock<Vec<Preset>> = OnceLock::new();
    PRESETS.get_or_init(|| SOURCES.iter().filter_map(|text| parse(text).ok()).collect())
}

/// Every preset, in menu order (a preset that fails to parse is left out; a test forbids that).
pub fn all() -> Vec<Preset> {
    parsed().to_vec()
}

/// The presets' names, in menu order.
pub fn names() -> Vec<&'static str> {
    parsed().iter().map(|preset| preset.name.as_str()).collect()
}

/// The preset or system preset whose name is nearest `typed`, when it is a slip of a few
/// characters (at most a third of the name's length, and at most 3, apart by edits of one
/// character): "btc-2025-1010" is "btc-2025-10-10".
pub fn nearest(typed: &str) -> Option<String> {
    let systems = system_presets().iter().map(|preset| preset.name.as_str());
    let (distance, name) = names()
        .into_iter()
        .chain(systems)
        .map(|name| (edit_distance(typed, name), name))
        .min()?;
    (distance > 0 && distance <= 3 && 3 * distance <= name.len()).then(|| name.to_string())
}

/// The least number of one-character insertions, deletions and substitutions from `a` to `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(x != y))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The preset's name in a menu: its title, with its date for a historical event.
pub fn menu_label(preset: &Preset) -> String {
    match &preset.date {
        Some(date) => format!("{date}: {}", preset.title),
        None => preset.title.clone(),
    }
}

/// The preset called `name`.
pub fn find(name: &str) -> Option<Preset> {
    parsed().iter().find(|preset| preset.name == name).cloned()
}

/// `scenario` with the time of day its run starts at (`run.start_utc`) taken from the preset it
/// is in every other field, when it names none: a link, file or saved page written before runs
/// named their start reopens as that preset, the record's clock on its axes, with the same
/// outcome (nothing computed reads the start).
pub fn with_recorded_start(mut scenario: Scenario) -> Scenario {
    if scenario.run.start_utc.is_none() {
        let recorded = parsed().iter().find_map(|preset| {
            let start = preset.scenario.run.start_utc.as_ref()?;
            let same_otherwise = preset.scenario.seed == scenario.seed && {
                let mut without = preset.scenario.clone();
                without.run.start_utc = None;
                without == scenario
            };
            same_otherwise.then(|| start.clone())
        });
        scenario.run.start_utc = recorded;
    }
    scenario
}

/// `scenario`, edited from the preset called `name`, with that preset's time of day at the
/// run's start when it names none (an edit saved before runs named their start: the preset's
/// clock is still the run's); else [`with_recorded_start`].
pub fn with_start_of(name: &str, scenario: Scenario) -> Scenario {
    let mut scenario = with_recorded_start(scenario);
    if scenario.run.start_utc.is_none() {
        scenario.run.start_utc = find(name).and_then(|preset| preset.scenario.run.start_utc);
    }
    scenario
}

/// A named system of markets (format version 2) with its story.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemPreset {
    pub name: String,
    pub title: String,
    pub story: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
    /// The one-market preset this system spreads across markets (the app's Markets tab shows it
    /// for that preset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub based_on: Option<String>,
    pub system: System,
}

/// The system preset files (`engine/presets/systems/`), in menu order.
const SYSTEM_SOURCES: &[&str] = &[
    include_str!("../presets/systems/two-venues-one-asset.json"),
    include_str!("../presets/systems/btc-eth-cross-margin.json"),
    include_str!("../presets/systems/lending-meets-perps.json"),
    include_str!("../presets/systems/btc-2025-10-10-venues.json"),
];

/// Parses one system preset file, validating its system.
pub fn parse_system(text: &str) -> Result<SystemPreset, ScenarioError> {
    let preset: SystemPreset = read(text)?;
    preset.system.validate()?;
    Ok(preset)
}

/// Every system preset, in menu order (one that fails to parse is left out; a test forbids it),
/// parsed once and lent.
pub fn system_presets() -> &'static [SystemPreset] {
    static SYSTEMS: OnceLock<Vec<SystemPreset>> = OnceLock::new();
    SYSTEMS.get_or_init(|| {
        SYSTEM_SOURCES
            .iter()
            .filter_map(|text| parse_system(text).ok())
            .collect()
    })
}

/// Every system preset, in menu order, as copies.
pub fn systems() -> Vec<SystemPreset> {
    system_presets().to_vec()
}

/// The system preset called `name`.
pub fn find_system(name: &str) -> Option<SystemPreset> {
    system_presets()
        .iter()
        .find(|preset| preset.name == name)
        .cloned()
}

/// `system` with the time of day its run starts at taken from the system preset called `name`
/// (the one it was edited from), or from the system preset it is in every other field, when it
/// names none: the systems' counterpart of [`with_start_of`].
pub fn system_with_start_of(name: &str, mut system: System) -> System {
    if system.run.start_utc.is_none() {
        system.run.start_utc = system_presets()
            .iter()
            .find(|preset| {
                preset.name == name || {
                    let mut without = preset.system.clone();
                    without.run.start_utc = None;
                    without == system
                }
            })
            .and_then(|preset| preset.system.run.start_utc.clone());
    }
    system
}

/// The system preset built on the one-market preset called `name` ([`SystemPreset::based_on`]).
pub fn system_based_on(name: &str) -> Option<&'static SystemPreset> {
    system_presets()
        .iter()
        .find(|preset| preset.based_on.as_deref() == Some(name))
}

/// The system issue 15's speed target names, "two markets of 100,000 positions each (plus
/// accounts)": the two-venue preset with 100,000 positions on each venue and 4,000 cross-margin
/// accounts long on both, for the benchmarks (not a preset: it teaches nothing the preset does
/// not). One file, `presets/bench/drag-target.json`, which the page's drag benchmark opens too
/// (as a `sys=` link).
pub fn drag_target_system() -> System {
    System::from_json(include_str!("../presets/bench/drag-target.json"))
        .expect("the drag target system is valid (tested)")
}

/// Every preset's name and outcome JSON: the version 1 presets, then the systems. The
/// determinism tests hash these, natively and in wasm32, against one committed file.
pub fn outcomes() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = all()
        .into_iter()
        .map(|preset| {
            let outcome = crate::simulate(&preset.scenario).map(|o| crate::outcome_json(&o));
            (
                preset.name,
                outcome.unwrap_or_else(|error| error.to_string()),
            )
        })
        .collect();
    for preset in systems() {
        let outcome = crate::system::simulate_system(&preset.system)
            .map(|o| serde_json::to_string(&o).unwrap_or_default());
        out.push((
            preset.name,
            outcome.unwrap_or_else(|error| error.to_string()),
        ));
    }
    out
}

/// The first preset (the app's default), parsed alone (once): the page starts without reading
/// the others.
pub fn first() -> Option<Preset> {
    static FIRST: OnceLock<Option<Preset>> = OnceLock::new();
    FIRST.get_or_init(|| parse(SOURCES[0]).ok()).clone()
}

/// The app's default scenario.
pub fn default_scenario() -> Scenario {
    first()
        .map(|preset| preset.scenario)
        .expect("the default preset is valid (tested)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preset_file_gives_its_scenario_or_system_and_other_files_nothing() {
        for source in SOURCES {
            let Some(PresetContent::Scenario(inner)) = preset_file_content(source) else {
                panic!("a preset file's scenario");
            };
            Scenario::from_json(&inner).expect("a valid scenario");
        }
        let system = serde_json::to_string(&systems()[0]).unwrap();
        assert!(matches!(
            preset_file_content(&system),
            Some(PresetContent::System(_))
        ));
        // A scenario, a calibration file, a name without content, both at once: none.
        let scenario = all()[0].scenario.to_json();
        assert_eq!(preset_file_content(&scenario), None);
        // What a preset file's scenario says twice is refused by its reader, as in a scenario
        // file (a map of values kept the last one).
        let twice = SOURCES[0].replacen("\"seed\":", "\"seed\": 7, \"seed\":", 1);
        let Some(PresetContent::Scenario(inner)) = preset_file_content(&twice) else {
            panic!("a preset file's scenario");
        };
        let error = Scenario::from_json(&inner).unwrap_err().to_string();
        assert!(error.contains("duplicate field `seed`"), "{error}");
        // A preset file's own field given twice is said, not read as a scenario's unknown one.
        let named_twice = SOURCES[0].replacen("\"name\":", "\"name\": \"x\", \"name\":", 1);
        match preset_file_content(&named_twice) {
            Some(PresetContent::Refused(why)) => {
                assert!(why.starts_with("duplicate field `name` at line 2"), "{why}")
            }
            other => panic!("refused, not {other:?}"),
        }
        // Said where it is in the file.
        let line = twice
            .lines()
            .position(|line| line.contains("\"seed\""))
            .unwrap()
            + 1;
        assert!(
            error.contains(&format!(" at line {line} column ")),
            "{error}"
        );
        for other in [
            r#"{"base": {"scenario": {}}, "targets": []}"#,
            r#"{"name": "x", "scenario": 3}"#,
            r#"{"name": "x", "scenario": {}, "system": {}}"#,
            r#"{"name": "x", "scenario": {}, "market": {}}"#,
        ] {
            assert_eq!(preset_file_content(other), None, "{other}");
        }
    }

    #[test]
    fn a_slip_of_a_few_characters_names_the_nearest_preset() {
        assert_eq!(nearest("btc-2025-1010").as_deref(), Some("btc-2025-10-10"));
        assert_eq!(nearest("calm-markt").as_deref(), Some("calm-market"));
        assert_eq!(
            nearest("two-venue-one-asset").as_deref(),
            Some("two-venues-one-asset")
        );
        assert_eq!(
            nearest("calm-market"),
            None,
            "a name that is one needs no suggestion"
        );
        assert_eq!(nearest("nope"), None);
        assert_eq!(nearest(""), None);
    }

    #[test]
    fn the_first_preset_alone_is_the_first_of_all() {
        assert_eq!(first(), all().into_iter().next());
        assert_eq!(
            first().map(|preset| preset.scenario),
            Some(default_scenario())
        );
    }

    #[test]
    fn the_drag_target_system_is_two_markets_of_100000_positions_and_accounts() {
        let system = drag_target_system();
        system.validate().unwrap();
        let tables: Vec<crate::positions::PositionTable> = system
            .market_scenarios()
            .iter()
            .map(crate::positions::PositionTable::build)
            .collect();
        assert!(tables.iter().all(|table| table.len() == 100_000));
        assert_eq!(system.accounts.len(), 1);
    }

    #[test]
    fn every_preset_parses_validates_and_has_a_story() {
        for text in SOURCES {
            let preset = parse(text).unwrap_or_else(|error| panic!("{error}\n{text}"));
            assert!(!preset.story.is_empty() && !preset.title.is_empty());
        }
        assert_eq!(all().len(), SOURCES.len());
        let names: std::collections::BTreeSet<_> = all().into_iter().map(|p| p.name).collect();
        assert_eq!(names.len(), SOURCES.len(), "names are unique");
        assert_eq!(presets_names_in_order(), names_in_menu_order());
    }

    fn presets_names_in_order() -> Vec<String> {
        names().into_iter().map(String::from).collect()
    }

    fn names_in_menu_order() -> Vec<String> {
        SOURCES
            .iter()
            .map(|text| parse(text).expect("valid").name)
            .collect()
    }

    #[test]
    fn every_system_preset_parses_validates_and_has_a_story() {
        for text in SYSTEM_SOURCES {
            let preset = parse_system(text).unwrap_or_else(|error| panic!("{error}\n{text}"));
            assert!(!preset.story.is_empty() && !preset.assumptions.is_empty());
            assert!(preset.system.markets.len() >= 2, "{}", preset.name);
        }
        assert_eq!(systems().len(), SYSTEM_SOURCES.len());
        let v1: Vec<String> = all().into_iter().map(|p| p.name).collect();
        assert!(
            systems().iter().all(|s| !v1.contains(&s.name)),
            "names are unique"
        );
        // A system built on a one-market preset names one that exists, and no preset has two.
        for system in systems() {
            if let Some(base) = &system.based_on {
                assert!(v1.contains(base), "{} is based on {base}", system.name);
                assert_eq!(
                    system_based_on(base).map(|s| s.name.as_str()),
                    Some(system.name.as_str())
                );
            }
        }
        assert_eq!(
            system_based_on("btc-2025-10-10").map(|s| s.name.as_str()),
            Some("btc-2025-10-10-venues")
        );
        assert!(system_based_on("calm-market").is_none());
    }

    #[test]
    fn the_default_has_at_least_100k_positions() {
        assert!(default_scenario().position_count() >= 100_000);
    }
}
