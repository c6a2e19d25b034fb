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
/// Where other tabs' latest scenarios wait when this one wrote over the autosave (a list of
/// envelopes, the newest first): two tabs write one autosave, and the one written last won with
/// the other's work lost once both were closed.
pub const OTHERS_KEY: &str = "flushlab:autosave-others:v1";
/// Which page wrote the autosave last ([`page_id`]): a page that wrote it last reads nothing back
/// before its next save.
pub const WRITER_KEY: &str = "flushlab:autosave-writer:v1";
/// How many other pages' scenarios are kept.
pub const OTHERS_MAX: usize = 3;
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
    /// Which page wrote it ([`page_id`]; empty before pages were told apart), so a page that
    /// writes over another page's work keeps that work among [`OTHERS_KEY`]'s.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub page: String,
}

impl Envelope {
    /// Holds the same work as `other`: scenario, option and system (not the tab shown or when).
    pub fn same_work(&self, other: &Envelope) -> bool {
        self.scenario == other.scenario
            && self.options == other.options
            && self.markets == other.markets
    }
}

/// The other pages' kept scenarios once `writing` replaces `stored` as the autosave: `stored`
/// joins them when another page wrote it and it holds other work (newest first, one per page);
/// what `writing` supersedes (its own page's, or the same work) leaves; at most [`OTHERS_MAX`].
pub fn others_after_write(
    stored: Option<Envelope>,
    others: &[Envelope],
    writing: &Envelope,
) -> Vec<Envelope> {
    let mut kept: Vec<Envelope> = others
        .iter()
        .filter(|other| other.page != writing.page && !other.same_work(writing))
        .cloned()
        .collect();
    if let Some(stored) = stored {
        if stored.page != writing.page && !stored.same_work(writing) {
            kept.retain(|other| other.page != stored.page && !other.same_work(&stored));
            kept.insert(0, stored);
        }
    }
    kept.truncate(OTHERS_MAX);
    kept
}

/// The other pages' kept scenarios as stored: the newest that fit within [`MAX_CHARS`] together.
pub fn encode_others(others: &[Envelope]) -> String {
    let mut count = others.len();
    loop {
        match crate::codec::json_within(&others[..count], MAX_CHARS + 1, false) {
            Ok(text) => return text,
            Err(_) if count > 0 => count -= 1,
            Err(_) => return "[]".to_string(),
        }
    }
}

/// Reads the other pages' kept scenarios back, leaving out any that no longer reads.
pub fn decode_others(text: &str) -> Vec<Envelope> {
    if text.len() > MAX_CHARS {
        return Vec::new();
    }
    serde_json::from_str::<Vec<serde_json::Value>>(text)
        .map(|values| {
            values
                .into_iter()
                .filter_map(|value| decode(&value.to_string()).ok())
                .collect()
        })
        .unwrap_or_default()
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
    let mut envelope: Envelope = serde_json::from_str(text)
        .map_err(|error| format!("it is not an autosave FlushLab can read ({error})"))?;
    envelope
        .scenario
        .validate()
        .map_err(|error| crate::codec::problems_text(&error))?;
    envelope.scenario =
        flushlab_engine::presets::with_start_of(&envelope.preset, envelope.scenario);
    if let Some(own) = envelope
        .markets
        .as_mut()
        .and_then(|choice| choice.own.as_mut())
    {
        own.system = flushlab_engine::presets::system_with_start_of(&own.from, own.system.clone());
    }
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

/// The other pages' kept scenarios (none when storage is off or holds nothing readable).
pub fn read_others() -> Vec<Envelope> {
    local_storage()
        .and_then(|storage| storage.get_item(OTHERS_KEY).ok().flatten())
        .map(|text| decode_others(&text))
        .unwrap_or_default()
}

/// Stores the other pages' kept scenarios (removes the key when there are none); when the
/// browser's storage is too full for them all, the newest that it takes.
pub fn write_others(others: &[Envelope]) -> Result<(), NotSaved> {
    let storage =
        local_storage().ok_or_else(|| NotSaved::Refused("storage is switched off".to_string()))?;
    for count in (1..=others.len()).rev() {
        if storage
            .set_item(OTHERS_KEY, &encode_others(&others[..count]))
            .is_ok()
        {
            return Ok(());
        }
    }
    storage
        .remove_item(OTHERS_KEY)
        .map_err(|_| NotSaved::Refused("the browser refused to change it".to_string()))?;
    if others.is_empty() {
        Ok(())
    } else {
        Err(NotSaved::Refused(
            "the browser's storage is too full to keep it beside this one".to_string(),
        ))
    }
}

/// What [`save_from_page`] did.
pub struct Saved {
    /// The autosave written over, when another page wrote it (or the page was displacing it).
    pub written_over: Option<Envelope>,
    /// The page's own save.
    pub own: Result<(), NotSaved>,
    /// Keeping the other page's work apart (Ok when there was none to keep).
    pub apart: Result<(), NotSaved>,
}

/// Saves `envelope` (this page's, [`page_id`]) as the autosave. What another page saved there is
/// kept apart first when it is other work ([`others_after_write`]), unless `kept_elsewhere` says
/// it is. The page's own work comes first: when the browser's storage cannot hold both, what
/// was kept apart goes and the page's save is tried again (and [`Saved::apart`] says so).
/// `displacing`: the page started from a link over the autosave, which it returns whoever wrote
/// it (this tab before it followed the link, too), for the page to keep as the reader's own.
pub fn save_from_page(
    envelope: &Envelope,
    displacing: bool,
    kept_elsewhere: impl Fn(&Envelope) -> bool,
) -> Saved {
    let writer = local_storage().and_then(|s| s.get_item(WRITER_KEY).ok().flatten());
    let written_over = match writer {
        // This page wrote it last: nothing another page made is under it.
        Some(writer) if writer == envelope.page && !displacing => None,
        _ => read().ok().flatten(),
    };
    let mut apart = Ok(());
    let mut changed = false;
    if let Some(stored) = &written_over {
        let others = read_others();
        let keep = Some(stored.clone()).filter(|stored| !kept_elsewhere(stored));
        let kept = others_after_write(keep, &others, envelope);
        if kept != others {
            changed = !kept.is_empty();
            apart = write_others(&kept);
        }
    }
    let mut own = write(envelope);
    if own.is_err() && changed {
        let _ = write_others(&[]);
        apart = Err(NotSaved::Refused(
            "the browser's storage is too full to keep it beside this one".to_string(),
        ));
        own = write(envelope);
    }
    if own.is_ok() {
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(WRITER_KEY, &envelope.page);
        }
    }
    Saved {
        written_over,
        own,
        apart,
    }
}

/// Drops one kept scenario of another page (taken back or dismissed), known by its page and time.
pub fn forget_other(page: &str, saved_at_ms: f64) {
    let others = read_others();
    let left: Vec<Envelope> = others
        .iter()
        .filter(|other| !(other.page == page && other.saved_at_ms == saved_at_ms))
        .cloned()
        .collect();
    if left.len() != others.len() {
        let _ = write_others(&left);
    }
}

/// This tab's name among the pages of this browser, kept in its sessionStorage so that a reload
/// is the same page (a reload's next edit kept the tab's own earlier work apart as another
/// tab's); made when a tab first asks.
pub fn page_id() -> String {
    const ID_KEY: &str = "flushlab:page:v1";
    thread_local! {
        static ID: String = {
            let storage = web_sys::window().and_then(|window| window.session_storage().ok().flatten());
            match storage.as_ref().and_then(|storage| storage.get_item(ID_KEY).ok().flatten()) {
                Some(id) if !id.is_empty() => id,
                _ => {
                    let id = format!(
                        "{:x}-{:x}",
                        js_sys::Date::now() as u64,
                        (js_sys::Math::random() * 4_294_967_296.0) as u64
                    );
                    if let Some(storage) = storage {
                        let _ = storage.set_item(ID_KEY, &id);
                    }
                    id
                }
            }
        };
    }
    ID.with(String::clone)
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
            page: String::new(),
        }
    }

    #[test]
    fn an_envelope_round_trips() {
        let saved = envelope();
        let text = encode(&saved).unwrap();
        assert!(text.contains("\"version\":1"), "{text}");
        assert_eq!(decode(&text), Ok(saved));
    }

    /// A page saved before runs named their start reopens on its preset's clock: a preset as it
    /// came, and an edit of one.
    #[test]
    fn a_page_saved_before_runs_named_their_start_takes_its_presets_clock() {
        let mut saved = envelope();
        saved.preset = "btc-2025-10-10".to_string();
        saved.scenario.run.start_utc = None;
        let read = decode(&encode(&saved).unwrap()).unwrap();
        assert_eq!(read.scenario, presets::default_scenario());
        saved.scenario.run.steps = 90;
        let read = decode(&encode(&saved).unwrap()).unwrap();
        assert_eq!(read.scenario.run.start_utc.as_deref(), Some("20:50"));
        saved.preset = String::new();
        let read = decode(&encode(&saved).unwrap()).unwrap();
        assert_eq!(read.scenario.run.start_utc, None);
        // The Markets tab's system, edited from a system preset.
        let mut system = presets::find_system("btc-2025-10-10-venues")
            .unwrap()
            .system;
        system.run.start_utc = None;
        system.run.steps = 90;
        saved.markets = Some(crate::markets::MarketsChoice::own(
            system,
            "btc-2025-10-10-venues",
        ));
        let read = decode(&encode(&saved).unwrap()).unwrap();
        let own = read.markets.and_then(|choice| choice.own).unwrap();
        assert_eq!(own.system.run.start_utc.as_deref(), Some("20:50"));
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

    /// An envelope of `page`'s, saved at `at`, holding the default scenario with `steps` steps.
    fn of_page(page: &str, at: f64, steps: u32) -> Envelope {
        let mut envelope = envelope();
        envelope.page = page.to_string();
        envelope.saved_at_ms = at;
        envelope.scenario.run.steps = steps;
        envelope
    }

    #[test]
    fn a_page_writing_over_another_pages_work_keeps_it_apart() {
        let b = of_page("b", 1.0, 100);
        // Page a writes other work over b's: b's is kept.
        let a = of_page("a", 2.0, 200);
        let others = others_after_write(Some(b.clone()), &[], &a);
        assert_eq!(others, vec![b.clone()]);
        // b writes again over a's: a's joins, b's own older work leaves (superseded).
        let b2 = of_page("b", 3.0, 300);
        let others = others_after_write(Some(a.clone()), &others, &b2);
        assert_eq!(others, vec![a.clone()]);
        // A page writing over its own save keeps nothing apart.
        let b3 = of_page("b", 4.0, 400);
        assert_eq!(
            others_after_write(Some(b2.clone()), &others, &b3),
            vec![a.clone()]
        );
        // Nor over another page's save of the same work (a reload, a new tab that shows it),
        // whose tab or time alone differ.
        let mut same = of_page("c", 5.0, 400);
        same.tab = "flush".to_string();
        assert_eq!(others_after_write(Some(b3.clone()), &[], &same), vec![]);
        // The same work kept apart leaves once a page writes it (it is the autosave again).
        let a_again = of_page("d", 6.0, 200);
        assert_eq!(
            others_after_write(None, std::slice::from_ref(&a), &a_again),
            vec![]
        );
        // One per page, newest first, at most OTHERS_MAX.
        let many: Vec<Envelope> = (0..5)
            .map(|i| of_page(&format!("p{i}"), i as f64, 10 + i as u32))
            .collect();
        let mut others = Vec::new();
        for pair in many.windows(2) {
            others = others_after_write(Some(pair[0].clone()), &others, &pair[1]);
        }
        let pages: Vec<&str> = others.iter().map(|other| other.page.as_str()).collect();
        assert_eq!(pages, ["p3", "p2", "p1"]);
        // An older save of the stored page's kept apart is replaced by its newer one.
        let a_older = of_page("a", 0.5, 150);
        let others = others_after_write(Some(a.clone()), &[a_older], &b2);
        assert_eq!(others, vec![a]);
    }

    #[test]
    fn other_pages_work_round_trips_and_unreadable_entries_are_left_out() {
        let others = vec![of_page("a", 1.0, 100), of_page("b", 2.0, 200)];
        let text = encode_others(&others);
        assert_eq!(decode_others(&text), others);
        // An entry that no longer validates is left out, the others kept.
        let mut values: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        values[0]["scenario"]["run"]["steps"] = 0.into();
        let damaged = serde_json::to_string(&values).unwrap();
        assert_eq!(decode_others(&damaged), vec![others[1].clone()]);
        assert_eq!(decode_others("{"), vec![]);
        // Over the limit together: the newest that fit are kept.
        let mut big = of_page("big", 3.0, 300);
        big.preset = "x".repeat(MAX_CHARS - 1000);
        let text = encode_others(&[others[0].clone(), big]);
        assert_eq!(decode_others(&text), vec![others[0].clone()]);
        // An envelope from before pages were told apart reads, with no page.
        let old = serde_json::to_string(&envelope()).unwrap();
        assert!(!old.contains("\"page\""), "{old}");
        assert_eq!(decode(&old).unwrap().page, "");
    }
}
