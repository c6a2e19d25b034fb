//! Autosave: the scenario (with its preset and tab) kept in this browser's localStorage, so a
//! reload, a crash or a closed tab loses nothing. The stored value is a versioned envelope under a
//! versioned key; a link in the address wins over it, and what was autosaved is then offered back.
//!
//! The envelope, its limits and the choice of what a page starts with are pure (tested natively);
//! [`read`] and [`write`] are the only calls to storage.

use flushlab_engine::Scenario;
use serde::{Deserialize, Serialize};

/// Where the autosave lives; the version is in the key so another format never reads this one.
pub const KEY: &str = "flushlab:autosave:v1";
/// Where the reader's own page waits while the tour's or a glossary term's example replaced it
/// (an envelope as the autosave's).
pub const OWN_KEY: &str = "flushlab:own-before-example:v1";
/// The envelope's format version.
pub const VERSION: u32 = 1;
/// Largest envelope kept (characters): browsers keep about 5 MB per site, shared with nothing
/// else of ours, and a write that big blocks the page; larger scenarios are for files.
pub const MAX_CHARS: usize = 4 * 1024 * 1024;

/// What is autosaved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// Format version ([`VERSION`]).
    pub version: u32,
    /// When it was saved (milliseconds since 1970, the browser's clock).
    pub saved_at_ms: f64,
    /// The preset the scenario came from ("" for a custom scenario).
    pub preset: String,
    /// The main view shown ("flush", "cycles", "options", "venues" or "markets").
    pub tab: String,
    /// The scenario, in the engine's format.
    pub scenario: Scenario,
    /// The options tab's option, when it is not the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<flushlab_engine::analysis::OptionSpec>,
    /// The Markets tab's system (a system preset and the links cut), when it is not the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markets: Option<crate::markets::MarketsChoice>,
}

/// Why a scenario was not autosaved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotSaved {
    /// The envelope is over [`MAX_CHARS`] (written no further than that: a 300,000-position
    /// scenario's 24 MB were written in full after every edit only to be measured).
    TooLarge,
    /// The browser refused (storage off, full, or private mode).
    Refused(String),
}

impl std::fmt::Display for NotSaved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotSaved::TooLarge => write!(
                f,
                "It is larger than the {:.0} MB FlushLab keeps in this browser.",
                MAX_CHARS as f64 / 1e6
            ),
            NotSaved::Refused(reason) => write!(f, "This browser refused to store it ({reason})."),
        }
    }
}

/// The envelope as stored, if it is within [`MAX_CHARS`].
pub fn encode(envelope: &Envelope) -> Result<String, NotSaved> {
    match crate::codec::json_within(envelope, MAX_CHARS + 1, false) {
        Ok(text) => Ok(text),
        Err(0) => Err(NotSaved::Refused("it could not be written".to_string())),
        Err(_) => Err(NotSaved::TooLarge),
    }
}

/// Reads a stored envelope back; its scenario must still be one the engine accepts.
pub fn decode(text: &str) -> Result<Envelope, String> {
    if text.len() > MAX_CHARS {
        return Err(format!(
            "it is {} characters long, over the limit",
            text.len()
        ));
    }
    #[derive(Deserialize)]
    struct Versioned {
        version: u32,
    }
    let versioned: Versioned = serde_json::from_str(text)
        .map_err(|error| format!("it is not an autosave FlushLab can read ({error})"))?;
    if versioned.version != VERSION {
        return Err(format!(
            "it was saved in format {} and this FlushLab reads format {VERSION}",
            versioned.version
        ));
    }
    let envelope: Envelope = serde_json::from_str(text)
        .map_err(|error| format!("it is not an autosave FlushLab can read ({error})"))?;
    envelope
        .scenario
        .validate()
        .map_err(|error| crate::codec::problems_text(&error))?;
    Ok(envelope)
}

/// Where the scenario a page starts with comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The address (`s=` or `preset=`).
    Address,
    /// The autosave.
    Autosave,
    /// The default preset.
    Default,
}

/// What a page starts with, and what it offers besides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The scenario run at once.
    pub run: Source,
    /// Offer "Restore" for the autosave (it differs from what runs).
    pub offer_restore: bool,
    /// The scenario held back because the previous page stopped while working: run only if the
    /// user asks.
    pub ask_before: Option<Source>,
}

/// What the address holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Address {
    /// No scenario.
    Empty,
    /// A scenario that loads.
    Valid,
    /// A scenario that does not load (a notice says why).
    Invalid,
}

/// Chooses what a page starts with. A link in the address wins over the autosave (which is then
/// offered back); `fresh=1` starts from the default (offering the autosave); and when the previous
/// page in this tab stopped while working, whatever it would have run is held back for the user
/// to ask for, and the default runs meanwhile.
pub fn plan(address: Address, fresh: bool, autosave: AutosaveState, stopped: bool) -> Plan {
    let would = match (address, autosave) {
        (Address::Valid, _) => Source::Address,
        (Address::Empty, AutosaveState::Differs | AutosaveState::Same) if !fresh => {
            Source::Autosave
        }
        _ => Source::Default,
    };
    let offer_restore = autosave == AutosaveState::Differs && would != Source::Autosave;
    if stopped && would != Source::Default {
        return Plan {
            run: Source::Default,
            offer_restore,
            ask_before: Some(would),
        };
    }
    Plan {
        run: would,
        offer_restore,
        ask_before: None,
    }
}

/// The autosave, as far as choosing goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutosaveState {
    /// Nothing (or nothing readable) is autosaved.
    None,
    /// An autosave holds the scenario the address gives.
    Same,
    /// An autosave holds another scenario.
    Differs,
}

/// The autosave, if there is one; an error says why it cannot be read back.
pub fn read() -> Result<Option<Envelope>, String> {
    read_at(KEY)
}

/// The envelope stored under `key`, if there is one.
pub fn read_at(key: &str) -> Result<Option<Envelope>, String> {
    let Some(storage) = local_storage() else {
        return Ok(None);
    };
    match storage.get_item(key) {
        Ok(Some(text)) => decode(&text).map(Some),
        Ok(None) => Ok(None),
        Err(_) => Ok(None),
    }
}

/// Saves `envelope`; the error says why it could not be.
pub fn write(envelope: &Envelope) -> Result<(), NotSaved> {
    write_at(KEY, envelope)
}

/// Removes what is stored under `key` (nothing to say when storage is off).
pub fn remove_at(key: &str) -> Result<(), NotSaved> {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
    Ok(())
}

/// Saves `envelope` under `key`; the error says why it could not be.
pub fn write_at(key: &str, envelope: &Envelope) -> Result<(), NotSaved> {
    let text = encode(envelope)?;
    let storage =
        local_storage().ok_or_else(|| NotSaved::Refused("storage is switched off".to_string()))?;
    storage.set_item(key, &text).map_err(|error| {
        NotSaved::Refused(
            js_sys::Reflect::get(&error, &"name".into())
                .ok()
                .and_then(|name| name.as_string())
                .unwrap_or_else(|| "unknown error".to_string()),
        )
    })
}

/// The browser's clock, milliseconds since 1970.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flushlab_engine::presets;

    fn envelope() -> Envelope {
        Envelope {
            version: VERSION,
            saved_at_ms: 1_764_540_000_000.0,
            preset: "calm-market".to_string(),
            tab: "cycles".to_string(),
            options: None,
            markets: None,
            scenario: presets::default_scenario(),
        }
    }

    #[test]
    fn an_envelope_round_trips() {
        let saved = envelope();
        let text = encode(&saved).unwrap();
        assert!(text.contains("\"version\":1"), "{text}");
        assert_eq!(decode(&text), Ok(saved));
    }

    #[test]
    fn another_version_or_a_damaged_one_is_not_read() {
        let mut newer = serde_json::to_value(envelope()).unwrap();
        newer["version"] = 2.into();
        let error = decode(&newer.to_string()).unwrap_err();
        assert!(error.contains("format 2"), "{error}");
        assert!(decode("{").unwrap_err().contains("not an autosave"));
        assert!(decode("null").is_err());
        // A scenario the engine no longer accepts says which field.
        let mut invalid = envelope();
        invalid.scenario.run.steps = 0;
        let text = serde_json::to_string(&invalid).unwrap();
        assert!(decode(&text).unwrap_err().contains("run.steps"));
    }

    #[test]
    fn an_envelope_over_the_limit_is_not_saved() {
        let mut huge = envelope();
        huge.preset = "x".repeat(MAX_CHARS);
        assert_eq!(encode(&huge), Err(NotSaved::TooLarge));
        let message = NotSaved::TooLarge.to_string();
        assert!(message.contains("larger than the 4 MB"), "{message}");
        // Just under the limit it is saved, whole.
        let mut fits = envelope();
        fits.preset.clear();
        let base = serde_json::to_string(&fits).unwrap().len();
        fits.preset = "x".repeat(MAX_CHARS - base);
        let text = encode(&fits).unwrap();
        assert_eq!(text.len(), MAX_CHARS);
        assert_eq!(text, serde_json::to_string(&fits).unwrap());
        fits.preset.push('x');
        assert_eq!(encode(&fits), Err(NotSaved::TooLarge));
        assert!(decode(&"x".repeat(MAX_CHARS + 1)).is_err());
    }

    #[test]
    fn a_link_wins_and_the_autosave_is_offered_back() {
        use AutosaveState as A;
        let run = plan;
        // No link: the autosave comes back, or the default when there is none.
        assert_eq!(
            run(Address::Empty, false, A::Differs, false),
            Plan {
                run: Source::Autosave,
                offer_restore: false,
                ask_before: None
            }
        );
        assert_eq!(
            run(Address::Empty, false, A::None, false),
            Plan {
                run: Source::Default,
                offer_restore: false,
                ask_before: None
            }
        );
        // A link wins; a different autosave is offered back, the same one is not.
        assert_eq!(
            run(Address::Valid, false, A::Differs, false),
            Plan {
                run: Source::Address,
                offer_restore: true,
                ask_before: None
            }
        );
        assert_eq!(
            run(Address::Valid, false, A::Same, false),
            Plan {
                run: Source::Address,
                offer_restore: false,
                ask_before: None
            }
        );
        // A broken link or fresh=1: the default, with the autosave offered.
        for (address, fresh) in [(Address::Invalid, false), (Address::Empty, true)] {
            assert_eq!(
                run(address, fresh, A::Differs, false),
                Plan {
                    run: Source::Default,
                    offer_restore: true,
                    ask_before: None
                }
            );
        }
    }

    #[test]
    fn after_a_crash_nothing_runs_again_without_asking() {
        use AutosaveState as A;
        assert_eq!(
            plan(Address::Valid, false, A::None, true),
            Plan {
                run: Source::Default,
                offer_restore: false,
                ask_before: Some(Source::Address)
            }
        );
        assert_eq!(
            plan(Address::Valid, false, A::Differs, true),
            Plan {
                run: Source::Default,
                offer_restore: true,
                ask_before: Some(Source::Address)
            }
        );
        assert_eq!(
            plan(Address::Empty, false, A::Differs, true),
            Plan {
                run: Source::Default,
                offer_restore: false,
                ask_before: Some(Source::Autosave)
            }
        );
        // The default itself is not held back.
        assert_eq!(
            plan(Address::Empty, false, A::None, true),
            Plan {
                run: Source::Default,
                offer_restore: false,
                ask_before: None
            }
        );
    }
}
