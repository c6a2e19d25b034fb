//! Typed errors. Validation reports every problem with the path of the field it concerns.

use std::fmt;

use serde::Serialize;

use crate::market::{PRICE_CEILING_MULTIPLE, PRICE_FLOOR_FRACTION};
use crate::outcome::MoneyUnit;
use crate::scenario::bounds::MAX_MONEY_AT_STAKE;

/// One thing wrong with a scenario, e.g. `positions.list[3].leverage: must be in (1, 1000]`: the
/// field's path and the rule it breaks. The rule is data, so a page can say it in its reader's
/// language (the app's text catalogue); its `Display` is the English the CLI prints.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Dotted field path; empty for the document as a whole.
    pub path: String,
    pub rule: Rule,
}

impl Problem {
    /// The rule in English, as the CLI and the JSON error documents say it.
    pub fn message(&self) -> String {
        self.rule.to_string()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.rule)
        } else {
            write!(f, "{}: {}", self.path, self.rule)
        }
    }
}

/// As JSON error documents have always written a problem: `{"path": ..., "message": ...}`.
impl Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut document = serializer.serialize_struct("Problem", 2)?;
        document.serialize_field("path", &self.path)?;
        document.serialize_field("message", &self.message())?;
        document.end()
    }
}

/// What a field breaks, with the figures the message needs.
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    /// The document is not read as the format (JSON syntax, an unknown or missing field, a
    /// wrong type): serde's own words, which stay English.
    Unreadable { detail: String },
    /// The input is longer than the reader takes.
    TooLarge { bytes: usize, limit: usize },
    /// The format version is not this one.
    Version { expected: u32, got: u32 },
    /// NaN or infinite.
    NotFinite,
    /// Outside `[low, high]`, or `(low, high]` when `low_open`.
    Range {
        low: f64,
        high: f64,
        low_open: bool,
        got: f64,
    },
    /// A whole number outside `[low, high]`.
    WholeRange { low: u64, high: u64, got: u64 },
    /// A list that must hold `least` to `most` items.
    Count {
        least: usize,
        most: usize,
        got: usize,
        items: Items,
    },
    /// A list that must hold at most `most` items.
    AtMost {
        most: usize,
        got: usize,
        items: Items,
    },
    /// A book level at the start price itself.
    AtStartPrice,
    /// No resting notional on one side of a levels book.
    EmptySide { asks: bool },
    /// Validation stopped listing problems.
    TooManyProblems,
    /// A generated population too small to give every bucket a long and a short.
    TwoPerBucket { least: usize },
    /// A bucket's max below its min.
    MaxBelowMin { min: f64, max: f64 },
    /// Every bucket weighs zero.
    NoWeight,
    /// Leverage at or past 1 / maintenance margin: the position (`one`) or positions open
    /// already liquidatable.
    OpensLiquidatable {
        cap: f64,
        got: f64,
        one: bool,
        /// The cap counts the liquidation fee too (it is part of the trigger).
        fee: bool,
        /// How many of a generated crowd's buckets reach past the cap (`got` is the highest
        /// max among them); 0 for a listed position.
        buckets: usize,
    },
    /// Margin tiers that do not grow in notional or fall in rate.
    TierOrder,
    /// A tier that does not give its bound as exactly one of `max_notional_usd` and
    /// `max_coins`, the same one as the first tier.
    TierBound,
    /// More money at stake between the price floor and ceiling than the ledger keeps exact.
    MoneyAtStake { at_stake: f64, unit: MoneyUnit },
    /// Work over its budget, with the fields that reduce it (the first is the problem's path).
    OverBudget {
        work: Work,
        seconds: f64,
        budget_s: f64,
        reduce: Vec<String>,
    },
    /// `long_share` set on a position list.
    LongShareOnList,
    /// `depth_usd` set on a levels book.
    DepthOnLevels,
    /// Both axes of a grid name the same parameter.
    SameAxes { parameter: &'static str },
    /// A grid's mean leverage value outside `[1, most]`.
    MeanLeverage { most: f64, got: f64 },
    /// A grid value that makes the scenario invalid: the scenario's rule, and where the value is.
    InGridValue { rule: Box<Rule>, value_path: String },
    /// A market's shock (the system's times its `shock_beta`, `beta`) that breaks `rule`.
    ByShockBeta { rule: Box<Rule>, beta: f64 },
    /// A calibration's base with more positions than a calibration runs.
    CalibrationPositions { most: usize, got: usize },
    /// A calibration parameter's bounds are not finite.
    BoundsNotFinite { min: f64, max: f64 },
    /// A calibration parameter's min is not below its max.
    MinNotBelowMax { min: f64, max: f64 },
    /// A calibration parameter listed twice.
    ListedTwice { parameter: &'static str },
    /// A calibration bound that makes the base scenario invalid.
    BoundInvalidates {
        parameter: &'static str,
        value: f64,
        problem: Box<Problem>,
    },
    /// A calibration without a fitted target, or with too many targets.
    Targets {
        most: usize,
        got: usize,
        fitted: usize,
    },
    /// A target's value that is not finite.
    TargetNotFinite { got: f64 },
    /// A one-sided bound (a qualitative record) on a fitted target.
    BoundOnFitted,
    /// A `between` target without the range's high end.
    RangeWithoutEnd,
    /// A range's high end not finite or not above its low end.
    RangeEnd { low: f64, got: f64 },
    /// A range's high end on a target that is not a range.
    EndWithoutRange,
    /// A weight that is not a positive number.
    NotPositive { got: f64 },
    /// A window (`until_s`) on a figure that reads the whole run.
    NotWindowed { figure: String },
    /// A whole number over `most`.
    WholeAtMost { most: u64, got: u64 },
    /// A book with no depth near the price, which the cycles need.
    NoDepthForCycles { depth: f64 },
    /// Cycles' paths x days over their limit.
    PathDays { most: u64, got: u64 },
    /// A market id given to two markets, or a link joining a market to itself.
    RepeatedId { id: String },
    /// A settlement coin's ticker that is not 1 to `most` letters or digits.
    CoinTicker { most: usize },
    /// A settlement coin named on a linear (USD-margined) contract.
    CoinOnLinear,
    /// A market's display name that is blank or longer than `most` characters.
    NameLength { most: usize, got: usize },
    /// A time of day not written `HH:MM` (00:00 to 23:59).
    TimeOfDay { got: String },
    /// A link naming a market the system does not have.
    UnknownMarket { id: String },
    /// An arbitrage link between markets of two different assets.
    LinkAcrossAssets { first: String, second: String },
    /// A cross-margin leg (or collateral coin) in a coin-margined market.
    LegOnInverse { id: String },
    /// A grid axis or calibration value naming a market of a version 1 scenario (one market).
    MarketInScenario,
    /// A grid axis or calibration value naming a market for the common shock (it hits all).
    MarketOnShock,
    /// A calibration parameter fitting a part of the scenario the base does not have.
    FitsAbsent { parameter: &'static str },
    /// A calibration target summed over markets whose figure is not a sum.
    NotASum { figure: String },
    /// A ramp's path point not after the one before it.
    PathOrder { after: f64, got: f64 },
    /// A ramp's path whose last point is not at its end.
    PathEnd { got: f64 },
}

/// What a list holds, as a count's message names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Items {
    Levels,
    Positions,
    Buckets,
    Tiers,
    Shocks,
    Parameters,
    Values,
    Strikes,
    Markets,
    Links,
    Accounts,
    Legs,
    Loans,
    PathPoints,
}

impl Items {
    /// The English plural.
    pub fn english(self) -> &'static str {
        match self {
            Items::Levels => "levels",
            Items::Positions => "positions",
            Items::Buckets => "buckets",
            Items::Tiers => "tiers",
            Items::Shocks => "shocks",
            Items::Parameters => "parameters",
            Items::Values => "values",
            Items::Strikes => "strikes",
            Items::Markets => "markets",
            Items::Links => "links",
            Items::Accounts => "accounts",
            Items::Legs => "legs",
            Items::Loans => "loans",
            Items::PathPoints => "path points",
        }
    }
}

/// The work a budget is checked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    Scenario,
    Sweep,
    Grid,
    Calibration,
    Cycles,
    ResponseSweep,
    Counterfactual,
}

impl Work {
    /// The English subject of the budget's message.
    pub fn english(self) -> &'static str {
        match self {
            Work::Scenario => "this scenario",
            Work::Sweep => "this sweep",
            Work::Grid => "this grid",
            Work::Calibration => "this calibration",
            Work::Cycles => "these cycles",
            Work::ResponseSweep => "this response sweep",
            Work::Counterfactual => "this counterfactual",
        }
    }
}

/// A duration as people say it in English: "40 s", "3 min", "12 h", "9 days".
pub fn english_duration(seconds: f64) -> String {
    let (amount, unit) = duration_parts(seconds);
    format!("{amount} {unit}")
}

/// A duration rounded to its unit: (amount, "s" | "min" | "h" | "days").
pub fn duration_parts(seconds: f64) -> (f64, &'static str) {
    if seconds < 120.0 {
        (seconds.ceil(), "s")
    } else if seconds < 7_200.0 {
        ((seconds / 60.0).round(), "min")
    } else if seconds < 172_800.0 {
        ((seconds / 3_600.0).round(), "h")
    } else {
        ((seconds / 86_400.0).round(), "days")
    }
}

/// The fraction a value `got` would be if it was meant as a percent, for a field of fractions
/// (its range ends at `high` <= 1) given a value over it that reads as a percent (over 1, at
/// most 100): a maintenance margin of 5 meant 5%, and "must be in [0, 0.5] (got 5)" did not say
/// that the file writes 0.05.
pub fn percent_for_fraction(high: f64, got: f64) -> Option<f64> {
    (high <= 1.0 && got > 1.0 && got <= 100.0 && got / 100.0 <= high).then_some(got / 100.0)
}

/// A list of field names as English says it: "a", "a or b", "a, b or c".
pub fn english_either(names: &[String]) -> String {
    match names {
        [] => "the input".to_string(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} or {last}", first.join(", ")),
    }
}

/// Where a number a message quotes back turns to scientific notation: from here on no digit past
/// the first few is exact ("got 1e300", not 301 digits). The page's messages use it too.
pub const QUOTED_IN_SCIENTIFIC_FROM: f64 = 1e16;

/// A number a message quotes back, as given ([`QUOTED_IN_SCIENTIFIC_FROM`]).
struct Quoted(f64);

impl fmt::Display for Quoted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.abs() >= QUOTED_IN_SCIENTIFIC_FROM {
            write!(f, "{:e}", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Unreadable { detail } => write!(f, "{detail}"),
            Rule::TooLarge { bytes, limit } => {
                write!(f, "input is {bytes} bytes; the limit is {limit}")
            }
            Rule::Version { expected, got } => write!(f, "must be {expected} (got {got})"),
            Rule::NotFinite => write!(f, "must be a finite number"),
            Rule::Range {
                low,
                high,
                low_open,
                got,
            } => {
                let open = if *low_open { '(' } else { '[' };
                write!(
                    f,
                    "must be in {open}{}, {}] (got {})",
                    Quoted(*low),
                    Quoted(*high),
                    Quoted(*got)
                )?;
                if let Some(fraction) = percent_for_fraction(*high, *got) {
                    write!(f, "; a fraction of 1: {got}% is written {fraction}")?;
                }
                Ok(())
            }
            Rule::WholeRange { low, high, got } => {
                write!(f, "must be in [{low}, {high}] (got {got})")
            }
            Rule::Count {
                least,
                most,
                got,
                items: Items::Parameters,
            } => write!(f, "must list {least} to {most} parameters (got {got})"),
            Rule::Count {
                least,
                most,
                got,
                items,
            } => write!(f, "must hold {least} to {most} {} (got {got})", items.english()),
            Rule::AtMost { most, got, items } => {
                write!(f, "must hold at most {most} {} (got {got})", items.english())
            }
            Rule::AtStartPrice => write!(f, "must differ from the start price"),
            Rule::EmptySide { asks } => {
                let (what, where_) = if *asks { ("ask", "above") } else { ("bid", "below") };
                write!(
                    f,
                    "needs at least one {what} {where_} the start price with notional_usd > 0"
                )
            }
            Rule::TooManyProblems => write!(f, "too many problems; stopped checking"),
            Rule::TwoPerBucket { least } => write!(
                f,
                "must be at least 2 per bucket ({least}) so every bucket has longs and shorts"
            ),
            Rule::MaxBelowMin { min, max } => {
                write!(f, "must be at least min (got {max}, below its min of {min})")
            }
            Rule::NoWeight => write!(f, "at least one weight must be positive"),
            Rule::OpensLiquidatable {
                cap,
                got,
                one,
                fee,
                buckets,
            } => {
                let (who, what) = if *one {
                    ("it opens", "its leverage")
                } else {
                    ("positions open", "the leverage")
                };
                // A bucket's max as a leverage is read: to two decimals at most.
                let got = format!("{got:.2}")
                    .trim_end_matches('0')
                    .trim_end_matches('.')
                    .to_string();
                let over = if *fee {
                    "the maintenance margin plus the liquidation fee, which is in the trigger"
                } else {
                    "the maintenance margin"
                };
                // The cap to a tenth, rounded down, so a value below it as written is below it.
                let cap = (cap * 10.0).floor() / 10.0;
                if *buckets > 1 {
                    return write!(
                        f,
                        "each bucket's max must be below {cap:.1}x (one over {over}), or \
                         positions open already liquidatable ({buckets} buckets reach up to \
                         {got}x): lower the leverage or the maintenance margin"
                    );
                }
                write!(
                    f,
                    "must be below {cap:.1}x (one over {over}), or {who} already liquidatable \
                     (got {got}x): lower {what} or the maintenance margin"
                )
            }
            Rule::TierOrder => write!(f, "tiers must grow in notional and not fall in rate"),
            Rule::TierBound => write!(
                f,
                "a tier gives its bound as max_notional_usd or as max_coins (one of them, the same \
                 in every tier)"
            ),
            Rule::MoneyAtStake { at_stake, unit } => write!(
                f,
                "the positions could gain or lose up to {at_stake:e} {} between the price floor \
                 and ceiling (market.price x {PRICE_FLOOR_FRACTION:e} to x {PRICE_CEILING_MULTIPLE:e}); \
                 at most {MAX_MONEY_AT_STAKE:e} keeps the ledger exact: reduce the open interest, \
                 or bring entries closer to market.price",
                unit.as_str()
            ),
            Rule::OverBudget {
                work,
                seconds,
                budget_s,
                reduce,
            } => write!(
                f,
                "{} may take up to about {} of work, over the budget of {budget_s} s; reduce {}",
                work.english(),
                english_duration(*seconds),
                english_either(reduce)
            ),
            Rule::LongShareOnList => write!(f, "long_share applies only to a generated population"),
            Rule::DepthOnLevels => write!(
                f,
                "depth_usd applies only to a linear or power book, not to levels"
            ),
            Rule::SameAxes { parameter } => write!(f, "must differ from x (both are {parameter})"),
            Rule::MeanLeverage { most, got } => {
                write!(f, "mean leverage must be in [1, {most}] (got {got})")
            }
            Rule::InGridValue { rule, value_path } => write!(f, "{rule} ({value_path})"),
            Rule::ByShockBeta { rule, beta } => write!(
                f,
                "{beta} times the common shock gives this market a shock that {rule}"
            ),
            Rule::CalibrationPositions { most, got } => write!(
                f,
                "a calibration runs the scenario hundreds of times: at most {most} positions (got {got})"
            ),
            Rule::BoundsNotFinite { min, max } => {
                write!(f, "bounds must be finite numbers (got {min}, {max})")
            }
            Rule::MinNotBelowMax { min, max } => {
                write!(f, "min must be below max (got {min} >= {max})")
            }
            Rule::ListedTwice { parameter } => write!(f, "{parameter} is listed twice"),
            Rule::BoundInvalidates {
                parameter,
                value,
                problem,
            } => write!(f, "{parameter} = {value} makes the scenario invalid: {problem}"),
            Rule::Targets { most, got, fitted } => write!(
                f,
                "must hold 1 to {most} targets, at least one marked fitted (got {got} targets, {fitted} fitted)"
            ),
            Rule::TargetNotFinite { got } => write!(f, "must be a finite number (got {got})"),
            Rule::BoundOnFitted => write!(
                f,
                "a one-sided bound describes a qualitative record: mark it predicted or input"
            ),
            Rule::RangeWithoutEnd => write!(
                f,
                "a `between` target needs `to`, the range's high end (`value` is its low end)"
            ),
            Rule::RangeEnd { low, got } => write!(
                f,
                "must be a finite number above the range's low end `value` = {low} (got {got})"
            ),
            Rule::EndWithoutRange => {
                write!(f, "is the high end of a range: set `bound` to `between`")
            }
            Rule::NotPositive { got } => write!(f, "must be a positive number (got {got})"),
            Rule::NotWindowed { figure } => write!(
                f,
                "reads the run's first seconds, which only {} can (got {figure})",
                crate::analysis::figures::Figure::windowed_names()
            ),
            Rule::WholeAtMost { most, got } => write!(f, "must be at most {most} (got {got})"),
            Rule::NoDepthForCycles { depth } => write!(
                f,
                "needs depth within 1% of the price for cycles (got {depth} USD)"
            ),
            Rule::PathDays { most, got } => {
                write!(f, "paths x days must be at most {most} (got {got})")
            }
            Rule::RepeatedId { id } => write!(f, "'{id}' is named twice: each market once"),
            Rule::CoinTicker { most } => {
                write!(f, "must be a ticker of 1 to {most} letters or digits (e.g. XBT)")
            }
            Rule::CoinOnLinear => write!(
                f,
                "names the coin of a coin-margined (inverse) contract: a linear contract counts USD"
            ),
            Rule::NameLength { most, got } => write!(
                f,
                "must be a name of 1 to {most} characters, not blank (got {got})"
            ),
            Rule::TimeOfDay { got } => write!(
                f,
                "must be a time of day in UTC written HH:MM, 00:00 to 23:59 (got '{got}')"
            ),
            Rule::UnknownMarket { id } => write!(f, "no market has the id '{id}'"),
            Rule::LinkAcrossAssets { first, second } => write!(
                f,
                "arbitrage joins markets of one asset (got {first} and {second})"
            ),
            Rule::LegOnInverse { id } => write!(
                f,
                "'{id}' is coin-margined: cross-margin accounts hold USD-margined markets only"
            ),
            Rule::MarketInScenario => write!(
                f,
                "a version 1 scenario is one market: name a market only on a version 2 system"
            ),
            Rule::MarketOnShock => write!(
                f,
                "the common shock hits every market by its shock_beta: name no market"
            ),
            Rule::FitsAbsent { parameter } => write!(
                f,
                "{parameter} is fitted but the base has none: give the base one to fit"
            ),
            Rule::NotASum { figure } => write!(
                f,
                "{figure} is not a sum over markets: name the market it is read on"
            ),
            Rule::PathOrder { after, got } => write!(
                f,
                "must come after the point before it (at {after}) (got {got})"
            ),
            Rule::PathEnd { got } => {
                write!(f, "the last point ends the ramp: must be at 1 (got {got})")
            }
        }
    }
}

/// A scenario that cannot be run, with every reason.
#[derive(Clone, Debug, PartialEq, Serialize, thiserror::Error)]
pub struct ScenarioError {
    pub problems: Vec<Problem>,
}

impl ScenarioError {
    pub(crate) fn single(path: &str, rule: Rule) -> Self {
        ScenarioError {
            problems: vec![Problem {
                path: path.to_string(),
                rule,
            }],
        }
    }

    /// The same problems with their paths inside `field` (a preset file's `scenario`, a
    /// calibration file's `base`).
    pub fn within(mut self, field: &str) -> Self {
        for problem in &mut self.problems {
            problem.path = if problem.path.is_empty() {
                field.to_string()
            } else {
                format!("{field}.{}", problem.path)
            };
        }
        self
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.problems.iter().map(Problem::to_string).collect();
        write!(f, "{}", lines.join("\n"))
    }
}
