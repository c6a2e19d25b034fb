//! The scenario format, version 1: what the user describes, as serde types with documented
//! defaults, and the reader that parses it. The venue's rules and the traders' behaviour are
//! written in `venue.rs` and `traders.rs`, the order book (and its streaming reader) in
//! `book.rs`; validation (every problem with its field path) is `validate.rs`, the bounds that
//! keep a run's amounts finite and exact `bounds.rs`; editing a scenario by one headline
//! parameter is `edit.rs`.
//!
//! The format is documented for users in `docs/scenario.md`; keep the two in step.

mod book;
pub(crate) mod bounds;
mod funding;
pub mod profiles;
pub(crate) mod shape;
pub use bounds::MAX_MONEY_AT_STAKE;
pub mod edit;
mod traders;
pub(crate) mod validate;
mod venue;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Rule, ScenarioError};

pub use book::{Book, BookLevel};
pub use funding::{BuildUp, Funding};
pub use traders::{
    Agents, Cppi, Delever, DipBuyers, OptionDealers, OptionKind, Predators, StopLosses,
    StrikeCoins, TopUp, Traders,
};
pub use venue::{
    liquidation_leverage, max_entry_leverage, Adl, AdlRanking, BlockLimits, CircuitBreaker, Clips,
    Deficits, LeverageControl, MaintenanceMargin, MarginTier, MarginValuation, Venue,
};

/// The only format version this engine reads.
pub const FORMAT_VERSION: u32 = 1;

/// The most open interest a generated population may hold, USD (validation's bound; the app's
/// leverage bars stop there).
pub const MAX_OPEN_INTEREST_USD: f64 = 1e13;
/// Highest leverage accepted.
pub const MAX_LEVERAGE: f64 = 1000.0;
/// Highest mean leverage of a leverage-cycles crowd.
pub const MAX_CYCLES_LEVERAGE: f64 = 100.0;
/// Largest multiple of a scenario's own leverage its leverage-cycles crowd may state.
pub const MAX_CYCLES_LEVERAGE_MULTIPLE: f64 = 20.0;
/// Most positions a scenario may hold or generate.
pub const MAX_POSITIONS: usize = 2_000_000;
/// Most steps a timeline may run.
pub const MAX_STEPS: u32 = 100_000;
/// Most explicit order-book levels.
pub const MAX_BOOK_LEVELS: usize = 10_000;
/// Most leverage buckets or margin tiers.
pub const MAX_BUCKETS: usize = 64;
/// Largest input accepted by [`Scenario::from_json`], in bytes (an explicit position list of the
/// maximum size fits well inside it).
pub const MAX_INPUT_BYTES: usize = 256 * 1024 * 1024;

/// A whole scenario: market, positions, venue rules, traders, algorithms, the shock and the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; must be 1.
    pub version: u32,
    /// Seed of every random draw (population generation). Same seed, same outcome.
    #[serde(default = "default_seed")]
    pub seed: u64,
    pub market: Market,
    pub positions: Positions,
    #[serde(default)]
    pub venue: Venue,
    #[serde(default)]
    pub traders: Traders,
    #[serde(default)]
    pub agents: Agents,
    /// Hours of funding before the shock; absent: the shock meets the crowd as generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_up: Option<BuildUp>,
    pub shock: Shock,
    #[serde(default)]
    pub run: Run,
    /// The leverage-cycles analysis's crowd where it is not the flush's own (docs/model.md
    /// §14.4); absent: the crowd is drawn from this scenario's leverage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycles: Option<CyclesCrowd>,
}

/// The crowd that holds the market's open interest between flushes, for the leverage-cycles
/// analysis: a calibrated flush fits the leverage of one day's liquidations, a lower bound on the
/// leveraged traders who trade through the years around it (liquidation feeds undercount, and
/// hedged basis positions count as low leverage). Relative to the scenario's own crowd, so that
/// an edit of its leverage moves both.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CyclesCrowd {
    /// The crowd's mean leverage over the scenario's own notional-weighted mean leverage, in
    /// (0, [`MAX_CYCLES_LEVERAGE_MULTIPLE`]].
    pub leverage_multiple: f64,
}

impl CyclesCrowd {
    /// The crowd's mean leverage for a scenario whose own is `own`.
    pub fn mean_leverage(&self, own: f64) -> f64 {
        self.leverage_multiple * own
    }
}

fn default_seed() -> u64 {
    1
}

/// The market: price, contract type, order book and how it behaves under stress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Market {
    /// Start price (USD per coin).
    pub price: f64,
    #[serde(default)]
    pub contract: Contract,
    pub book: Book,
    /// Half-life (seconds) with which consumed depth refills; `null` means impact is permanent.
    #[serde(default)]
    pub resilience_half_life_s: Option<f64>,
    /// Market-maker withdrawal: the share of depth pulled per 1% that the mark has moved from the
    /// start price, in [0, 1].
    #[serde(default)]
    pub withdrawal: f64,
    /// The least share of depth that stays however far the price moves, in (0, 1].
    #[serde(default = "default_withdrawal_floor")]
    pub withdrawal_floor: f64,
    /// Half-life (seconds) with which the mark price follows the last price; 0 means mark = last.
    #[serde(default)]
    pub mark_smoothing_s: f64,
    /// The coin a coin-margined (inverse) contract is margined and settled in, as the outcome,
    /// the CLI and the app write its money (e.g. "XBT" for BitMEX's XBTUSD): 1 to
    /// `MAX_COIN_CHARS` letters or digits, only on an inverse contract. Without it, "coin".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coin: Option<String>,
}

/// The most characters of a settlement coin's ticker (`Market::coin`).
pub const MAX_COIN_CHARS: usize = 8;

fn default_withdrawal_floor() -> f64 {
    0.2
}

/// Contract type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Contract {
    /// USD-margined: PnL = quantity * (exit - entry), money in USD.
    #[default]
    Linear,
    /// Coin-margined: PnL = contracts * (1/entry - 1/exit) in coin, one contract = 1 USD.
    Inverse,
}

/// The leveraged positions: an explicit list, or a generated population.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Positions {
    List(Vec<PositionSpec>),
    Generate(Population),
}

/// Long or short.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Long,
    Short,
}

impl Side {
    /// The side's place in per-side pairs and arrays: long 0, short 1.
    pub fn slot(self) -> usize {
        match self {
            Side::Long => 0,
            Side::Short => 1,
        }
    }
}

/// One explicit isolated-margin position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionSpec {
    pub side: Side,
    /// Size in USD at entry; for inverse contracts the contract count (1 USD each).
    pub notional_usd: f64,
    pub entry: f64,
    /// Initial leverage: collateral = notional / leverage.
    pub leverage: f64,
}

/// A generated population of isolated-margin positions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Population {
    /// Number of positions, split equally over buckets and sides.
    pub count: usize,
    /// Total open interest of the population, USD at entry.
    pub open_interest_usd: f64,
    /// Share of open interest held long, in [0, 1] (the leverage skew).
    #[serde(default = "default_long_share")]
    pub long_share: f64,
    /// Open interest by leverage bucket; weights are relative.
    pub leverage_buckets: Vec<LeverageBucket>,
    /// Standard deviation of entry prices around the start price, percent.
    #[serde(default)]
    pub entry_spread_pct: f64,
    /// Log-normal sigma of position sizes (0: all equal).
    #[serde(default)]
    pub size_dispersion: f64,
}

fn default_long_share() -> f64 {
    0.5
}

impl Population {
    /// Each bucket's open interest, USD: `open_interest_usd * weight / sum(weights)` (0 if no
    /// weight is positive).
    pub fn bucket_open_interest(&self) -> Vec<f64> {
        let total: f64 = self.leverage_buckets.iter().map(|b| b.weight).sum();
        self.leverage_buckets
            .iter()
            .map(|bucket| {
                if total > 0.0 {
                    self.open_interest_usd * bucket.weight / total
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// Sets each bucket's open interest, USD, as the leverage editor does: weights in millions of
    /// USD (validation caps them), the open interest their sum. A bucket whose amount did not
    /// change keeps its scale bit for bit, so a rescale keeps its positions' start state.
    pub fn set_bucket_open_interest(&mut self, amounts: &[f64]) {
        for (bucket, amount) in self.leverage_buckets.iter_mut().zip(amounts) {
            bucket.weight = amount / 1e6;
        }
        self.open_interest_usd = amounts.iter().sum();
    }
}

/// A leverage bucket: positions whose leverage is log-uniform in [min, max].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeverageBucket {
    pub min: f64,
    pub max: f64,
    /// Relative share of open interest.
    pub weight: f64,
}

impl LeverageBucket {
    /// A label such as "5-10x" (bounds a calibration scaled shown short, as a trader writes
    /// them: 1.5785 as "1.6", 12.45 as "12").
    pub fn label(&self) -> String {
        let short = |value: f64| {
            let rounded = (value * 10.0).round() / 10.0;
            if rounded == value.round() || value >= 10.0 {
                format!("{}", value.round())
            } else {
                format!("{rounded:.1}")
            }
        };
        // Bounds written alike are one leverage (a 40-80x bucket a venue's 40x cap clips to 40
        // to 39.96 read "40-40x").
        let (min, max) = (short(self.min), short(self.max));
        if min == max {
            format!("{min}x")
        } else {
            format!("{min}-{max}x")
        }
    }
}

/// The exogenous shock that starts it all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shock {
    pub kind: ShockKind,
    /// `instant` and `ramp`: the move, percent (negative is down).
    #[serde(default)]
    pub pct: f64,
    /// `sell`: notional of the market order, USD (negative buys).
    #[serde(default)]
    pub notional_usd: f64,
    /// `ramp`: how long the move takes, seconds.
    #[serde(default)]
    pub duration_s: f64,
    /// `ramp`: the move's shape, as straight lines from the start through these points (each a
    /// share of `duration_s` and a share of `pct`), so a recorded fall and rebound can be
    /// followed; empty: one straight line to `pct` at `duration_s`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<PathPoint>,
}

/// A point of a ramp's path: where the exogenous move stands at a share of the ramp's duration.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PathPoint {
    /// Share of `duration_s` elapsed, in (0, 1]; the last point is at 1.
    pub at: f64,
    /// Share of `pct` the move has reached there, in [-1, 1] (0: back at the start price).
    pub level: f64,
}

/// Kind of shock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShockKind {
    /// The price gaps by `pct`; the book moves with it.
    Instant,
    /// An exogenous market order of `notional_usd` walks the book.
    Sell,
    /// The price drifts by `pct` over `duration_s`.
    Ramp,
}

/// How long the timeline runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Run {
    #[serde(default = "default_steps")]
    pub steps: u32,
    #[serde(default = "default_step_s")]
    pub step_s: f64,
    /// The time of day, UTC, at the run's start ("20:50"), for a run that follows a recorded
    /// day: the page's time axes count from it. Read by nothing that computes an outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_utc: Option<String>,
}

fn default_steps() -> u32 {
    200
}

fn default_step_s() -> f64 {
    1.0
}

impl Default for Run {
    fn default() -> Self {
        Run {
            steps: default_steps(),
            step_s: default_step_s(),
            start_utc: None,
        }
    }
}

impl Run {
    /// [`Run::start_utc`] in minutes after midnight, when it is a time of day written `HH:MM`
    /// (00:00 to 23:59); `None` when the run names none or names it otherwise.
    pub fn start_minute_utc(&self) -> Option<u32> {
        let (hours, minutes) = self.start_utc.as_deref()?.split_once(':')?;
        let two_digits = |text: &str| {
            (text.len() == 2 && text.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse::<u32>().ok())
                .flatten()
        };
        let (hours, minutes) = (two_digits(hours)?, two_digits(minutes)?);
        (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
    }
}

impl Scenario {
    /// Parses and validates a scenario; every problem comes back with its field path.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = parse_with_paths(text).map_err(|error| {
            // Another version's document is said as such, not by the first field this one
            // lacks (`{"version": 3}` said "missing field `market`").
            match serde_json::from_str::<Versioned>(text) {
                Ok(Versioned { version }) if version != FORMAT_VERSION => ScenarioError::single(
                    "version",
                    Rule::Version {
                        expected: FORMAT_VERSION,
                        got: version,
                    },
                ),
                // A list where an object goes is the mistake to say, not what its items' order
                // made of it (`market[0]: invalid type: map`).
                _ => shape::or_list_for_object::<Scenario>(text, error),
            }
        })?;
        shape::lists_for_objects::<Scenario>(text)?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// The JSON Schema of the format.
    pub fn json_schema() -> String {
        serde_json::to_string_pretty(&schemars::schema_for!(Scenario)).unwrap_or_default()
    }

    /// The scenario as pretty JSON (the same format [`Scenario::from_json`] reads).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Number of positions the scenario holds or generates.
    pub fn position_count(&self) -> usize {
        match &self.positions {
            Positions::List(list) => list.len(),
            Positions::Generate(population) => population.count,
        }
    }
}

/// Only a document's format version, read to tell the formats apart or say another's.
#[derive(Deserialize)]
pub(crate) struct Versioned {
    pub(crate) version: u32,
}

/// `text` without a byte-order mark in front (Windows editors save UTF-8 with one): not the
/// document's content, for the CLI's files and the page's imports alike.
pub fn without_byte_order_mark(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The format a document says it is in, read only as far as it says so: its top-level
/// `version`, or 2 (a system of markets) for a document that reaches a top-level `markets`
/// without a version first. A file cut short, or broken after that point, still tells which
/// reader should say what is wrong with it (a truncated system was reported as a version 1
/// scenario with an "unknown field `markets`"). None: nothing says (not a JSON object, or
/// broken before either field).
pub fn format_version(text: &str) -> Option<u64> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    use std::fmt;

    struct Peek<'a>(&'a mut Option<u64>);
    impl<'de> Visitor<'de> for Peek<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                match key.as_str() {
                    "version" => {
                        *self.0 = Some(map.next_value::<u64>()?);
                        return Ok(());
                    }
                    "markets" => {
                        *self.0 = Some(u64::from(crate::system::SYSTEM_VERSION));
                        // A version after it still says which.
                        map.next_value::<IgnoredAny>()?;
                    }
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(())
        }
    }
    let mut said = None;
    // The rest of the document is not read: its errors are its reader's to say.
    let _ = serde_json::Deserializer::from_str(text).deserialize_map(Peek(&mut said));
    said
}

/// Reads a JSON document of at most [`MAX_INPUT_BYTES`] into `T`; a problem comes back with the
/// path of the field it concerns (serde's message keeps its " at line L column C").
pub(crate) fn parse_with_paths<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<T, ScenarioError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(ScenarioError::single(
            "",
            Rule::TooLarge {
                bytes: text.len(),
                limit: MAX_INPUT_BYTES,
            },
        ));
    }
    // Every document of ours is an object: a list would be read as a struct's fields in order.
    if text.trim_start().starts_with('[') {
        return Err(ScenarioError::single(
            "",
            Rule::Unreadable {
                detail: "must be a JSON object ({...}), not a list".to_string(),
            },
        ));
    }
    // Read plainly first: tracking the path of every field costs most of a reading again (a
    // 24 MB import: 40 ms plainly, 70 ms with paths); only a document with a problem is read
    // again with paths, to say where the problem is.
    if let Ok(value) = serde_json::from_str::<T>(text) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = known_path(&error.path().to_string());
        let detail = error.inner().to_string();
        // In a document that is valid JSON, the reader's words about its syntax are about a
        // shape this format does not take.
        let detail =
            if !path.is_empty() && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
                shape_words(&detail)
            } else {
                detail
            };
        ScenarioError::single(
            book_as_one_field(&path),
            Rule::Unreadable {
                detail: plain_reader_words(&detail),
            },
        )
    })?;
    deserializer.end().map_err(|error| {
        ScenarioError::single(
            "",
            Rule::Unreadable {
                detail: plain_reader_words(&error.to_string()),
            },
        )
    })?;
    Ok(value)
}

/// The reader's path to a problem up to its last named part: the reader writes "." for the
/// document itself and "?" for a part it could not name (inside a value read one of several
/// ways), which a reader of the message cannot use ("leverage_buckets[1].?" is
/// "leverage_buckets[1]").
fn known_path(path: &str) -> String {
    let mut path = path;
    while let Some(shorter) = path.strip_suffix(".?") {
        path = shorter;
    }
    match path {
        "." | "?" => String::new(),
        _ => path.to_string(),
    }
}

/// The JSON reader's message in a reader's words: its Rust type names ("expected f64") and its
/// "EOF while parsing" said as what they mean; its line and column kept.
fn plain_reader_words(detail: &str) -> String {
    const WORDS: [(&str, &str); 10] = [
        ("expected f64", "expected a number"),
        ("expected u32", "expected a whole number up to 4294967295"),
        ("expected u64", "expected a whole number"),
        ("expected usize", "expected a whole number"),
        (
            "EOF while parsing a value",
            "the text ends before its JSON does (cut short?)",
        ),
        (
            "EOF while parsing an object",
            "the text ends inside an object (cut short?)",
        ),
        (
            "EOF while parsing a list",
            "the text ends inside a list (cut short?)",
        ),
        (
            "EOF while parsing a string",
            "the text ends inside a string (cut short?)",
        ),
        (
            "expected value",
            "expected a JSON value (NaN and Infinity are not JSON numbers)",
        ),
        (
            "expected ident",
            "expected true, false or null written in full (a word in quotes is a string)",
        ),
    ];
    let text = WORDS.iter().fold(detail.to_string(), |text, (from, to)| {
        text.replace(from, to)
    });
    // "expected struct Scenario": the type's name means nothing to a reader; what goes there is
    // an object.
    match text.find("expected struct ") {
        Some(at) => {
            let name_at = at + "expected struct ".len();
            let name_end = text[name_at..]
                .find(|c: char| !c.is_alphanumeric())
                .map_or(text.len(), |end| name_at + end);
            format!(
                "{}expected an object ({{...}}){}",
                &text[..at],
                &text[name_end..]
            )
        }
        None => text,
    }
}

/// What the JSON reader's syntax errors mean inside a valid JSON document: a list longer than
/// the field takes (a link's two markets), or a field beside an object's kind (a link is
/// `{"arbitrage": {...}}` and nothing else).
fn shape_words(detail: &str) -> String {
    let at = detail.find(" at line ").unwrap_or(detail.len());
    match &detail[..at] {
        "trailing characters" => "more items than this list takes".to_string(),
        "expected value" => "an object naming its kind takes that one key alone (e.g. {\"arbitrage\": {...}} or {\"generate\": {...}}): a field beside it is not read".to_string(),
        _ => detail.to_string(),
    }
}

/// `market.book` reports a problem inside it at `market.book` (docs/scenario.md §2): the path
/// users and the app have always seen, from when serde read the book as one tagged value.
fn book_as_one_field(path: &str) -> &str {
    const BOOK: &str = "market.book";
    match path.find("market.book.") {
        Some(at) => &path[..at + BOOK.len()],
        None => path,
    }
}

#[cfg(test)]
mod tests {
    use super::{known_path, LeverageBucket, Scenario};

    /// A run's start is a time of day written `HH:MM`; anything else is refused at its path, and
    /// a run that names none writes none (a scenario without it reads and writes as before).
    #[test]
    fn a_runs_start_is_a_time_of_day() {
        let mut scenario = crate::presets::find("btc-2025-10-10").unwrap().scenario;
        assert_eq!(scenario.run.start_minute_utc(), Some(20 * 60 + 50));
        for (text, minute) in [
            ("00:00", Some(0)),
            ("23:59", Some(1439)),
            ("09:05", Some(545)),
        ] {
            scenario.run.start_utc = Some(text.into());
            assert_eq!(scenario.run.start_minute_utc(), minute, "{text}");
            assert!(scenario.validate().is_ok(), "{text}");
        }
        for text in [
            "24:00", "12:60", "9:05", "09:5", "0905", "", "ab:cd", "+1:00", "09:05 ",
        ] {
            scenario.run.start_utc = Some(text.into());
            assert_eq!(scenario.run.start_minute_utc(), None, "{text}");
            let error = scenario.validate().unwrap_err();
            assert_eq!(error.problems.len(), 1, "{error}");
            assert_eq!(error.problems[0].path, "run.start_utc");
            assert!(
                error
                    .to_string()
                    .contains(&format!("HH:MM, 00:00 to 23:59 (got '{text}')")),
                "{error}"
            );
        }
        scenario.run.start_utc = None;
        assert!(!scenario.to_json().contains("start_utc"));
        let read = Scenario::from_json(&scenario.to_json()).unwrap();
        assert_eq!(read.run.start_utc, None);
    }

    /// The reader's type names and grammar words are said in a reader's words.
    #[test]
    fn the_readers_words_are_plain() {
        let said = |text: &str| Scenario::from_json(text).unwrap_err().to_string();
        let null = said("null");
        assert!(null.contains("expected an object ({...})"), "{null}");
        assert!(!null.contains("struct"), "{null}");
        let json = crate::presets::default_scenario().to_json();
        let misspelt = said(&json.replacen("\"seed\": ", "\"seed\": tru, \"x\": ", 1));
        assert!(
            misspelt.contains("expected true, false or null"),
            "{misspelt}"
        );
    }

    #[test]
    fn a_problem_is_placed_at_its_last_named_part() {
        assert_eq!(known_path("."), "");
        assert_eq!(known_path("?"), "");
        assert_eq!(
            known_path("positions.generate.leverage_buckets[1].?"),
            "positions.generate.leverage_buckets[1]"
        );
        assert_eq!(known_path("a.?.?"), "a");
        assert_eq!(known_path("run.steps"), "run.steps");
        // A file cut short after a bucket's first field: the reader was about to read a field
        // it could not name yet.
        let json = crate::presets::default_scenario().to_json();
        let cut = json.find("\"max\"").expect("a bucket's max");
        let error = Scenario::from_json(&json[..cut]).unwrap_err().to_string();
        assert!(
            error.starts_with("positions.generate.leverage_buckets[0]: "),
            "{error}"
        );
    }

    #[test]
    fn bucket_labels_are_written_short() {
        let label = |min: f64, max: f64| {
            LeverageBucket {
                min,
                max,
                weight: 1.0,
            }
            .label()
        };
        assert_eq!(label(5.0, 10.0), "5-10x");
        assert_eq!(label(100.0, 100.0), "100x");
        assert_eq!(label(1.0, 1.2453), "1-1.2x");
        assert_eq!(label(1.5785, 3.0), "1.6-3x");
        // From 10x on, whole numbers: "12-31x", not "12.5-31.1x".
        assert_eq!(label(12.453, 31.1326), "12-31x");
        assert_eq!(label(6.2265, 12.453), "6.2-12x");
        assert_eq!(label(9.96, 10.5), "10-11x");
        assert_eq!(label(40.0, 39.96), "40x");
    }
}
