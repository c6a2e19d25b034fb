//! The headline: one sentence that says what the run did, above the charts on every screen. It
//! is built from the same summary numbers, formatted the same way, as the summary tiles
//! ([`crate::components::summary::tiles`]), so the two never disagree (tested below).

use flushlab_engine::analysis::contagion::largest_move_pct;
use flushlab_engine::{Outcome, Scenario};

use crate::catalogue::text::{fill, text};
use crate::format;

/// Below this amplification a move is "the shock alone" (no cascade worth the name).
const NO_CASCADE: f64 = 1.05;
/// A side holds "most" of the liquidations above this share.
const MOSTLY: f64 = 0.9;

/// The side that paid a build-up's funding and what it paid, net (none when nobody paid).
pub fn funding_payers(
    build_up: &flushlab_engine::outcome::BuildUpReport,
) -> Option<(&'static str, f64)> {
    let words = &text().summary;
    if build_up.long_paid_usd > 0.0 {
        Some((words.longs, build_up.long_paid_usd))
    } else if build_up.short_paid_usd > 0.0 {
        Some((words.shorts, build_up.short_paid_usd))
    } else {
        None
    }
}

/// What an algorithm sold net of what it bought (negative: bought), USD; None when it is too
/// small to name (under [`NAMED_NET_USD`]: "sold $10" said nothing a reader needed).
pub fn net_trade(sold_usd: f64, bought_usd: f64) -> Option<f64> {
    let net = sold_usd - bought_usd;
    (net.abs() >= NAMED_NET_USD).then_some(net)
}

/// The smallest net trade of an algorithm the headline names, USD.
const NAMED_NET_USD: f64 = 10_000.0;

/// Whether the run's price went further up from the start than down (a squeeze, or a crowd
/// that moved it up with no shock): which extreme, peak or trough, the summary shows (the
/// engine's largest move, as the Markets and Venues tabs read it).
pub fn rises(summary: &flushlab_engine::outcome::Summary) -> bool {
    largest_move_pct(summary.max_drawdown_pct, summary.max_rise_pct) > 0.0
}

/// Whether the price went further against the shock than with it (a small rise while a
/// funding bleed's longs were liquidated): there is no ratio to speak of then. A shock written
/// "0.0%" is read as none, with nothing to go against.
pub fn went_against(summary: &flushlab_engine::outcome::Summary) -> bool {
    !format::shown_as_zero(summary.shock_pct) && rises(summary) != (summary.shock_pct > 0.0)
}

/// What the shock is called: a rise when it is up, else a drop.
pub fn shock_word(up: bool) -> &'static str {
    if up {
        text().summary.rise
    } else {
        text().summary.drop
    }
}

/// What a move in the shock's direction is called: a squeeze when it is up.
pub fn flush_word(up: bool) -> &'static str {
    if up {
        text().summary.squeeze
    } else {
        text().summary.flush
    }
}

/// A build-up's length as the headline and its tile write it: "72 h".
pub fn build_up_hours(outcome: &Outcome) -> String {
    format::seconds(outcome.build_up.as_ref().map_or(0.0, |b| b.hours) * 3_600.0)
}

/// The headline sentence of a run, e.g. "A 4.0% drop became an 11.2% flush (2.80x): $3.10bn of
/// longs liquidated in 94 s; the insurance fund paid $42.0M and ADL closed $1.20M." (the templates
/// are the catalogue's: `crate::catalogue::text`, section `summary`).
pub fn headline(scenario: &Scenario, outcome: &Outcome) -> String {
    let words = &text().summary;
    let summary = &outcome.summary;
    let unit = crate::catalogue::summary_unit(summary);
    // No shock at all (a build-up's last funding payment set it off), or one too small to write
    // ("a 0.0% rise ... (0.71x)" said nothing true): the direction is the way the price went
    // furthest.
    let unprompted = format::shown_as_zero(summary.shock_pct);
    // The price went further against the shock than with it (a small rise while a funding
    // bleed's longs were liquidated): no ratio to speak of, the move is said as it went.
    let against = went_against(summary);
    // The extreme is where the price went furthest; the words follow the shock, or with none
    // the way the price went.
    let rose = rises(summary);
    let up = if unprompted {
        rose
    } else {
        summary.shock_pct > 0.0
    };
    let shock_word = shock_word(up);
    let flush_word = flush_word(up);
    let shock = unsigned_pct(summary.shock_pct);
    let (extreme, went) = if rose {
        (unsigned_pct(summary.max_rise_pct), words.went_up)
    } else {
        (unsigned_pct(summary.max_drawdown_pct), words.went_down)
    };
    let liquidated = summary.liquidated_notional_usd_long + summary.liquidated_notional_usd_short;
    let amplification = format::amplification(summary.amplification);
    let values = [
        ("shock", shock.as_str()),
        ("shock_word", shock_word),
        ("extreme", extreme.as_str()),
        ("flush_word", flush_word),
        ("amplification", amplification.as_str()),
        ("went", went),
    ];
    if liquidated <= 0.0 {
        let nothing = if unprompted {
            words.unprompted_nothing
        } else {
            words.nothing
        };
        return fill(nothing, &values);
    }
    let who = whose(summary);
    let ahead = ran_ahead(scenario, outcome);
    let moved = if unprompted {
        fill(words.unprompted, &values)
    } else if against {
        fill(words.against, &values)
    } else if summary.amplification < NO_CASCADE && ahead.is_none() {
        fill(words.stayed, &values)
    } else {
        fill(words.became, &values)
    };
    // A slow ramp the cascade outran: when the move ended near the shock's own, the ratio hides
    // the flush on the way (Black Thursday's first leg).
    let moved = match ahead {
        Some(ahead) => {
            let values = [
                ("moved", moved.as_str()),
                ("move", &format::signed_pct(ahead.move_pct)),
                ("time", &format::seconds(ahead.t_s)),
                ("alone", &format::signed_pct(ahead.alone_pct)),
            ];
            fill(words.ran_ahead, &values)
        }
        None => moved,
    };
    let duration = summary
        .last_liquidation_step
        .and_then(|step| outcome.steps.get(step as usize))
        .map(|step| fill(words.in_time, &[("time", &format::seconds(step.t_s))]))
        .unwrap_or_default();
    let fund_change = summary.insurance_fund_end_usd - scenario.venue.insurance_fund_usd;
    // Hyperliquid calls what stands behind its liquidations a vault.
    let on_hyperliquid = flushlab_engine::scenario::profiles::venue_profile("hyperliquid")
        .is_some_and(|profile| profile.matches(&scenario.venue));
    let the_fund = if on_hyperliquid {
        words.the_vault
    } else {
        words.the_fund
    };
    let paid_or_gained = if fund_change < 0.0 {
        words.fund_paid
    } else {
        words.fund_gained
    };
    let fund = fill(
        paid_or_gained,
        &[
            ("fund", the_fund),
            ("amount", &format::money(fund_change.abs(), unit)),
        ],
    );
    let mut tail = vec![fund];
    // Auto-deleveraging is named only where it ran ("ADL closed $0" on a run whose fund covered
    // every deficit said nothing a reader needed).
    if summary.adl_notional_usd > 0.0 {
        tail.push(fill(
            words.adl_closed,
            &[("amount", &format::money(summary.adl_notional_usd, unit))],
        ));
    }
    // Portfolio insurance and option dealers, by what they did on balance: in a squeeze they
    // buy (the headline said "sold" beside a tile of $135M bought).
    let algorithms = [
        (
            summary.cppi.as_ref().map(|c| (c.sold_usd, c.bought_usd)),
            words.insured_sold,
            words.insured_bought,
        ),
        (
            summary.dealers.as_ref().map(|d| (d.sold_usd, d.bought_usd)),
            words.dealers_sold,
            words.dealers_bought,
        ),
    ];
    for (flows, sold, bought) in algorithms {
        if let Some(net) = flows.and_then(|(sold, bought)| net_trade(sold, bought)) {
            let template = if net > 0.0 { sold } else { bought };
            tail.push(fill(template, &[("amount", &format::usd(net.abs()))]));
        }
    }
    let stops_sold = stops_sold_usd(outcome);
    if stops_sold > 0.0 {
        tail.push(fill(
            words.stops_sold,
            &[("amount", &format::usd(stops_sold))],
        ));
    }
    if let Some((payers, paid)) = outcome.build_up.as_ref().and_then(funding_payers) {
        tail.push(fill(
            words.funding_paid,
            &[
                ("payers", payers),
                ("amount", &format::money(paid, unit)),
                ("hours", &build_up_hours(outcome)),
            ],
        ));
    }
    if let (Some(at), Some(control)) = (
        summary.tightened_at_s,
        scenario.venue.leverage_control.as_ref(),
    ) {
        tail.push(fill(
            words.tightened,
            &[
                ("multiplier", &format::factor(control.margin_multiplier, 1)),
                ("time", &format::seconds(at)),
            ],
        ));
    }
    if summary.bad_debt_usd > 0.0 {
        tail.push(fill(
            words.bad_debt_left,
            &[("amount", &format::money(summary.bad_debt_usd, unit))],
        ));
    }
    fill(
        words.headline,
        &[
            ("moved", &moved),
            // In dollars for an inverse contract too: its contracts are worth 1 USD each ("$1.40bn
            // of longs liquidated", as reports count BitMEX's; its tile says "1.40bn contracts").
            ("amount", &format::money(liquidated, "USD")),
            ("who", who),
            ("duration", &duration),
            ("tail", &join_and(&tail)),
        ],
    )
}

/// Where a ramp's cascade ran furthest ahead of the shock alone, when it did by much.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RanAhead {
    /// The price's move from the start then, percent (signed).
    pub move_pct: f64,
    /// The time, seconds.
    pub t_s: f64,
    /// Where the shock alone had taken the price by then, percent (signed).
    pub alone_pct: f64,
}

/// A cascade counts as running ahead of its ramp when the price is this many points past the
/// shock alone before the ramp is nine tenths done.
const AHEAD_POINTS: f64 = 10.0;

/// For a ramped shock, the step where the price was furthest past where the shock alone had
/// taken it, if that was at least [`AHEAD_POINTS`] before the ramp was nine tenths done (later,
/// the gap is the run's amplification, which the headline gives already).
pub fn ran_ahead(scenario: &Scenario, outcome: &Outcome) -> Option<RanAhead> {
    let shock = &scenario.shock;
    if shock.kind != flushlab_engine::scenario::ShockKind::Ramp || shock.duration_s <= 0.0 {
        return None;
    }
    let start = outcome.summary.start_price;
    let direction = if shock.pct < 0.0 { -1.0 } else { 1.0 };
    outcome
        .steps
        .iter()
        .filter(|step| step.t_s < 0.9 * shock.duration_s)
        .map(|step| {
            let alone_pct = shock.pct * shock.level(step.t_s / shock.duration_s);
            let move_pct = (step.last / start - 1.0) * 100.0;
            RanAhead {
                move_pct,
                t_s: step.t_s,
                alone_pct,
            }
        })
        .filter(|ahead| direction * (ahead.move_pct - ahead.alone_pct) >= AHEAD_POINTS)
        .max_by(|a, b| {
            let lead = |x: &RanAhead| direction * (x.move_pct - x.alone_pct);
            lead(a).total_cmp(&lead(b))
        })
}

/// The note under the headline when the run went past anything on record (a price that falls
/// to nothing is no market's): what went past it and how to read it; None inside the record.
pub fn past_the_record(outcome: &Outcome) -> Option<String> {
    use flushlab_engine::market::{PRICE_CEILING_MULTIPLE, PRICE_FLOOR_FRACTION};
    let past = flushlab_engine::analysis::past_the_record(outcome);
    let mut note = past_record_note(&past, text().summary.the_price)?;
    // A price at the book's floor (or ceiling) is where the book ran out, not a price found:
    // said, so the trough's "$6.00" is not read as a market's.
    let summary = &outcome.summary;
    let start = summary.start_price;
    let words = &text().summary;
    let floor = start * PRICE_FLOOR_FRACTION;
    let ceiling = start * PRICE_CEILING_MULTIPLE;
    for (reached, template, price) in [
        (
            summary.min_price <= floor * (1.0 + 1e-9),
            words.at_the_floor,
            floor,
        ),
        (
            summary.max_price >= ceiling * (1.0 - 1e-9),
            words.at_the_ceiling,
            ceiling,
        ),
    ] {
        if reached {
            note.push(' ');
            note.push_str(&fill(template, &[("price", &format::price(price))]));
        }
    }
    Some(note)
}

/// The note under the headline when the run ended with positions still queued for liquidation
/// (a throughput cap, block limits or clips held them back): how much, and that the totals leave
/// it out. None when nothing waited.
pub fn still_queued(scenario: &Scenario, outcome: &Outcome) -> Option<String> {
    let queued = outcome.summary.queued_at_end_usd;
    if queued <= 0.0 {
        return None;
    }
    let words = &text().summary;
    let venue = &scenario.venue;
    let why = if venue.max_liquidation_usd_per_step.is_some() {
        words.queued_by_cap
    } else if venue.block_limits.is_some() {
        words.queued_by_blocks
    } else {
        words.queued_by_clips
    };
    Some(fill(
        words.still_queued,
        &[("usd", &format::usd(queued)), ("why", why)],
    ))
}

/// A note under the headline: its class, its test id and its words.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub class: &'static str,
    pub testid: &'static str,
    pub text: String,
}

/// The notes under the headline of `outcome`, the run of `scenario`, in the page's order: past
/// the record, positions still queued, the cascade still going, a move mostly the shock's. The
/// app's headline and the first view write the same ones.
pub fn notes(scenario: &Scenario, outcome: &Outcome) -> Vec<Note> {
    [
        ("past-record", "past-record", past_the_record(outcome)),
        (
            "still-queued",
            "still-queued",
            still_queued(scenario, outcome),
        ),
        ("still-queued", "still-going", still_going(outcome)),
        (
            "mostly-shock",
            "mostly-shock",
            mostly_shock(scenario, outcome),
        ),
    ]
    .into_iter()
    .filter_map(|(class, testid, text)| {
        text.map(|text| Note {
            class,
            testid,
            text,
        })
    })
    .collect()
}

/// The notes to show while outcomes are coming in a drag, so that none comes or goes under the
/// reader's finger (on a phone they sit above the price chart and the shock slider: a note that
/// came moved the slider down mid-drag): those `held` from before the drag, each as `fresh` has
/// it now, or kept with its words but not shown (`false`) where the run no longer has it; a note
/// only `fresh` has waits for the drag's end.
pub fn during_drag(held: &[Note], fresh: &[Note]) -> Vec<(Note, bool)> {
    held.iter()
        .map(
            |old| match fresh.iter().find(|note| note.testid == old.testid) {
                Some(now) => (now.clone(), true),
                None => (old.clone(), false),
            },
        )
        .collect()
}

/// Amplification below which a run's move is said to be mostly its shock's ([`mostly_shock`]).
const MOSTLY_SHOCK_BELOW: f64 = 1.2;

/// The note under the headline when leverage added little to a shock of a few percent or more
/// (amplification under [`MOSTLY_SHOCK_BELOW`], something liquidated): the move is mostly the
/// shock's, and a reader must not take the run for a flush that leverage made, nor the shock for
/// news alone: the 2024 preset and Black Thursday (and 2021's, whose cascade adds a fifth, just
/// past the line) fit their shocks to the day's whole fall, so the shock holds every seller
/// outside the crowd, forced ones elsewhere among them.
/// Where the cascade ran ahead of a ramp on the way (the headline says so: Black Thursday's
/// -24.7% after 36 minutes against the shock's -8.3%), the note says that too: "leverage added
/// little" alone read as a contradiction of the headline above it.
pub fn mostly_shock(scenario: &Scenario, outcome: &Outcome) -> Option<String> {
    let summary = &outcome.summary;
    let liquidated = summary.liquidated_notional_usd_long + summary.liquidated_notional_usd_short;
    let shock = summary.shock_pct.abs();
    let amplification = summary.amplification;
    // (A NaN amplification says nothing.)
    let little = amplification < MOSTLY_SHOCK_BELOW;
    if shock < 2.0 || liquidated <= 0.0 || !little {
        return None;
    }
    let words = &text().summary;
    let extra = unsigned_pct(shock * (amplification - 1.0).max(0.0));
    let shock = unsigned_pct(shock);
    let mut values = vec![
        ("shock", shock),
        ("extra", extra),
        ("why", words.mostly_shock_why.to_string()),
    ];
    let template = match ran_ahead(scenario, outcome) {
        Some(ahead) => {
            let lead = (ahead.move_pct - ahead.alone_pct).abs();
            values.extend([
                ("lead", format::decimal(lead, 1)),
                ("move", format::signed_pct(ahead.move_pct)),
                ("time", format::seconds(ahead.t_s)),
                ("alone", format::signed_pct(ahead.alone_pct)),
            ]);
            words.mostly_shock_ahead
        }
        None => words.mostly_shock,
    };
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Some(fill(template, &values))
}

/// Share of a run's liquidations in its last twentieth of steps at or above which its end is said
/// to cut the cascade short ([`still_going`]).
const STILL_GOING_SHARE: f64 = 0.01;

/// The note under the headline when the run ends while its cascade is still going: its last
/// step liquidated, and its last twentieth of steps (at least one) held a share of all it
/// liquidated (the 2024 preset's busiest minutes are its last, as its ramp ends with the run).
/// None when the cascade was over before the end.
pub fn still_going(outcome: &Outcome) -> Option<String> {
    let steps = &outcome.steps;
    let liquidated = |step: &flushlab_engine::outcome::Step| {
        step.liquidated_long_usd + step.liquidated_short_usd
    };
    if liquidated(steps.last()?) <= 0.0 {
        return None;
    }
    let summary = &outcome.summary;
    let total = summary.liquidated_notional_usd_long + summary.liquidated_notional_usd_short;
    let tail = (steps.len() / 20).max(1);
    let late: f64 = steps[steps.len() - tail..].iter().map(liquidated).sum();
    if total <= 0.0 || late < STILL_GOING_SHARE * total {
        return None;
    }
    // The time those last steps span: from the step before them to the last.
    let span = steps.last()?.t_s - steps[steps.len() - tail - 1..][0].t_s;
    Some(fill(
        text().summary.still_going,
        &[
            ("time", &format::seconds(span)),
            ("usd", &format::usd(late)),
        ],
    ))
}

/// The words for what went past the record (None: nothing did); `subject` is whose price moved
/// ("the price", or a system's market).
pub fn past_record_note(
    past: &[flushlab_engine::analysis::PastTheRecord],
    subject: &str,
) -> Option<String> {
    use flushlab_engine::analysis::{record, PastTheRecord};
    let words = &text().summary;
    let record = format::percent(record::DEEPEST_FALL_PCT, 0);
    let notes: Vec<String> = past
        .iter()
        .map(|past| {
            let (template, pct) = match *past {
                PastTheRecord::Fall(pct) => (words.past_record_fall, pct),
                PastTheRecord::Rise(pct) => (words.past_record_rise, pct),
            };
            let values = [
                ("subject", subject),
                ("pct", &unsigned_pct(pct)),
                ("record", &record),
            ];
            fill(template, &values)
        })
        .collect();
    (!notes.is_empty()).then(|| notes.join(" "))
}

/// A reader's bet: how far the price will go in the shock's direction (percent, positive).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Guess {
    pub move_pct: f64,
}

/// Within this many percentage points a guess is spot on.
const SPOT_ON_POINTS: f64 = 1.0;

/// How far off a bet was, and why the price went where it went: the shock's own move, and what
/// forced liquidations added to it.
pub fn verdict(guess: &Guess, outcome: &Outcome) -> String {
    let words = &text().bet;
    let summary = &outcome.summary;
    let up = summary.shock_pct > 0.0;
    let actual = if up {
        summary.max_rise_pct
    } else {
        summary.max_drawdown_pct
    };
    let (went, forced) = if up {
        (words.rose, words.forced_buying)
    } else {
        (words.fell, words.forced_selling)
    };
    let who = whose(summary);
    let off = actual - guess.move_pct;
    let how_far = if off.abs() < SPOT_ON_POINTS {
        words.spot_on.to_string()
    } else if off > 0.0 {
        fill(words.further, &[("points", &format::decimal(off, 1))])
    } else {
        fill(words.less_far, &[("points", &format::decimal(-off, 1))])
    };
    let shock = summary.shock_pct.abs();
    let liquidated = summary.liquidated_notional_usd_long + summary.liquidated_notional_usd_short;
    // Traders' own selling (or buying) set off by the move, beside the liquidations: the move
    // past the shock is theirs too (2024-08-05's stop-losses sold $2.09bn beside $362M
    // liquidated, and the verdict credited the liquidations with all of it).
    let traders =
        summary.delevered_notional_usd > 0.0 || summary.cppi.is_some() || summary.dealers.is_some();
    let why = if liquidated <= 0.0 {
        fill(words.nothing_liquidated, &[("shock", &unsigned_pct(shock))])
    } else if format::shown_as_zero(shock) {
        fill(
            words.cascade_no_shock,
            &[
                ("forced", forced),
                ("amount", &format::money(liquidated, "USD")),
                ("who", who),
                ("actual", &unsigned_pct(actual)),
            ],
        )
    } else {
        fill(
            if traders {
                words.cascade_with_traders
            } else {
                words.cascade
            },
            &[
                ("shock", &unsigned_pct(shock)),
                ("forced", forced),
                (
                    "amount",
                    // Dollars, as the headline says them.
                    &format::money(liquidated, "USD"),
                ),
                ("who", who),
                ("points", &format::decimal((actual - shock).max(0.0), 1)),
                (
                    "amplification",
                    &format::amplification(summary.amplification),
                ),
            ],
        )
    };
    fill(
        words.verdict,
        &[
            ("guess", &unsigned_pct(guess.move_pct)),
            ("went", went),
            ("actual", &unsigned_pct(actual)),
            ("how_far", &how_far),
            ("why", &why),
        ],
    )
}

/// Whose positions were liquidated: "longs" or "shorts" when one side holds most of it.
fn whose(summary: &flushlab_engine::outcome::Summary) -> &'static str {
    let words = &text().summary;
    let (long, short) = (
        summary.liquidated_notional_usd_long,
        summary.liquidated_notional_usd_short,
    );
    let liquidated = long + short;
    if long >= MOSTLY * liquidated {
        words.longs
    } else if short >= MOSTLY * liquidated {
        words.shorts
    } else {
        words.positions
    }
}

/// Liquidated notional is counted in USD for linear contracts and in contracts for inverse ones
/// ("USD" is the unit's code, which `format::money` writes as the locale's currency).
pub fn liquidated_unit(money_unit: &str) -> &'static str {
    if money_unit == "USD" {
        "USD"
    } else {
        text().summary.contracts
    }
}

/// What stop-loss orders sold over the run, net, USD at fill prices (the headline's tail and the
/// traders' tile say it alike).
pub fn stops_sold_usd(outcome: &Outcome) -> f64 {
    outcome.steps.iter().map(|step| step.stops_sold_usd).sum()
}

/// A percentage without its sign, as the summary shows it ("-4.0%" -> "4.0%").
pub(crate) fn unsigned_pct(value: f64) -> String {
    format::signed_pct(value.abs())
        .trim_start_matches('+')
        .to_string()
}

/// "a", "a and b", "a, b and c".
pub fn join_and(parts: &[String]) -> String {
    let words = &text().summary;
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] => format!("{}{}{last}", first.join(words.list_comma), words.and),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::summary::tiles;
    use flushlab_engine::presets;

    fn tile<'a>(tiles: &'a [(String, String)], label: &str) -> &'a str {
        &tiles
            .iter()
            .find(|(name, _)| name == label)
            .unwrap_or_else(|| panic!("a {label} tile"))
            .1
    }

    #[test]
    fn the_headline_says_what_the_summary_shows_for_every_preset() {
        for preset in presets::all() {
            let outcome = flushlab_engine::simulate(&preset.scenario).expect("a preset runs");
            let text = headline(&preset.scenario, &outcome);
            let tiles = tiles(&outcome, preset.scenario.position_count(), None);
            let name = &preset.name;
            // The shock, the extreme and the amplification, as the tiles write them.
            let shock = tile(&tiles, "Shock alone").trim_start_matches(['-', '+']);
            let unprompted = format::shown_as_zero(outcome.summary.shock_pct);
            if unprompted {
                // No shock (a build-up's funding set it off): no shock to amplify either.
                assert!(
                    ["a ", "an "]
                        .iter()
                        .any(|a| text.starts_with(&format!("With no shock at all, {a}"))),
                    "{name}: {text}"
                );
            } else {
                assert!(text.starts_with(&format!("A {shock} ")), "{name}: {text}");
            }
            let extreme_label = if rises(&outcome.summary) {
                "Peak"
            } else {
                "Trough"
            };
            let extreme = tile(&tiles, extreme_label);
            let extreme_pct = extreme
                .rsplit_once('(')
                .and_then(|(_, pct)| pct.strip_suffix(')'))
                .expect("a percentage in brackets")
                .trim_start_matches(['-', '+']);
            assert!(
                text.contains(&format!(" {extreme_pct} ")),
                "{name}: {text} / {extreme}"
            );
            assert_eq!(
                text.contains(tile(&tiles, "Amplification")),
                !unprompted,
                "{name}: {text}"
            );
            // A build-up's funding, as its tile writes it.
            if outcome.build_up.is_some() {
                let value = tile(&tiles, "Funding build-up");
                let (paid, _) = value.split_once(" over ").expect("payers, amount, hours");
                let hours = build_up_hours(&outcome);
                assert!(
                    value.contains(&format!(" over {hours}; ")),
                    "{name}: {value}"
                );
                assert!(
                    text.contains(&format!("{paid} of funding in the {hours} before")),
                    "{name}: {text} / {value}"
                );
            }
            // The money, as the tiles write it.
            let liquidated = tile(&tiles, "Liquidated")
                .split(" · ")
                .next()
                .expect("an amount");
            if outcome.summary.liquidated_notional_usd_long
                + outcome.summary.liquidated_notional_usd_short
                > 0.0
            {
                // A sentence gives an inverse contract's dollars, a tile its count.
                let said = match liquidated.strip_suffix(" contracts") {
                    Some(count) => format!("${count}"),
                    None => liquidated.to_string(),
                };
                assert!(text.contains(&format!(": {said} of ")), "{name}: {text}");
                let adl = tile(&tiles, "Auto-deleveraged");
                assert_eq!(
                    text.contains(&format!("ADL closed {adl}")),
                    outcome.summary.adl_notional_usd > 0.0,
                    "{name}: {text}"
                );
                assert_eq!(
                    text.contains("ADL closed"),
                    outcome.summary.adl_notional_usd > 0.0,
                    "{name}: {text}"
                );
                let bad_debt = tile(&tiles, "Bad debt");
                assert_eq!(
                    text.contains(&format!("{bad_debt} of bad debt")),
                    outcome.summary.bad_debt_usd > 0.0,
                    "{name}: {text}"
                );
                // What the algorithms did on balance (their tiles have the sold and bought
                // amounts), only where it is worth naming.
                let algorithms = [
                    (
                        "Portfolio insurance",
                        "portfolio insurance",
                        outcome
                            .summary
                            .cppi
                            .as_ref()
                            .map(|c| (c.sold_usd, c.bought_usd)),
                    ),
                    (
                        "Option dealers' hedging",
                        "option dealers",
                        outcome
                            .summary
                            .dealers
                            .as_ref()
                            .map(|d| (d.sold_usd, d.bought_usd)),
                    ),
                ];
                for (label, who, flows) in algorithms {
                    let tile = tiles.iter().find(|(tile, _)| tile == label);
                    assert_eq!(flows.is_some(), tile.is_some(), "{name}: {label}");
                    match flows.and_then(|(sold, bought)| net_trade(sold, bought)) {
                        Some(net) => {
                            let did = if net > 0.0 { "sold" } else { "bought" };
                            let expected = format!("{who} {did} a net {}", format::usd(net.abs()));
                            assert!(text.contains(&expected), "{name}: {text}");
                        }
                        None => assert!(!text.contains(who), "{name}: {text}"),
                    }
                }
            } else {
                assert!(text.contains("liquidated nothing"), "{name}: {text}");
            }
        }
    }

    /// `preset` with its shock resized to `pct`, run: its headline and tiles.
    fn resized(preset: &str, pct: f64) -> (String, Vec<(String, String)>, Outcome) {
        let mut scenario = presets::find(preset).expect("a preset").scenario;
        scenario.shock.resize(&scenario.market, pct);
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let tiles = tiles(&outcome, scenario.position_count(), None);
        (headline(&scenario, &outcome), tiles, outcome)
    }

    #[test]
    fn algorithms_are_said_by_what_they_did_on_balance_and_moves_as_they_went() {
        // In a rise, short-gamma dealers buy: the headline said "sold $17.1M" beside a tile of
        // $103M bought.
        let (text, _, outcome) = resized("dealers-short-gamma", 5.0);
        let dealers = outcome.summary.dealers.as_ref().expect("dealers");
        assert!(dealers.bought_usd > dealers.sold_usd);
        let net = format::usd(dealers.bought_usd - dealers.sold_usd);
        assert!(
            text.contains(&format!("option dealers bought a net {net} hedging")),
            "{text}"
        );
        // Portfolio insurance buys back in a rise too.
        let (text, _, outcome) = resized("portfolio-insurance", 5.0);
        let cppi = outcome.summary.cppi.as_ref().expect("cppi");
        assert!(cppi.bought_usd > cppi.sold_usd);
        assert!(
            text.contains("portfolio insurance bought a net") && !text.contains("insurance sold"),
            "{text}"
        );
        // A small rise while a funding bleed's longs are liquidated: the price fell, and the
        // headline and the tiles say so (they said "a 0.1% rise stayed a 0.0% move").
        let (text, tiles, outcome) = resized("funding-bleed", 0.1);
        assert!(!rises(&outcome.summary) && outcome.summary.max_drawdown_pct > 0.1);
        let fell = unsigned_pct(outcome.summary.max_drawdown_pct);
        assert!(
            text.starts_with(&format!("A 0.10% rise, yet the price fell {fell}: ")),
            "{text}"
        );
        assert!(
            tiles.iter().any(|(label, _)| label == "Trough"),
            "{tiles:?}"
        );
        assert_eq!(
            tile(&tiles, "Amplification"),
            "none: the price went the other way"
        );
        // No shock, and predators squeeze a crowd whose shorts are the larger cluster within
        // their reach: the tiles show the peak.
        let mut scenario = presets::find("predators-at-work")
            .expect("a preset")
            .scenario;
        scenario.shock.resize(&scenario.market, 0.0);
        let flushlab_engine::scenario::Positions::Generate(population) = &mut scenario.positions
        else {
            panic!("predators-at-work generates its positions");
        };
        population.long_share = 0.3;
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let tiles = crate::components::summary::tiles(&outcome, scenario.position_count(), None);
        let text = headline(&scenario, &outcome);
        assert!(rises(&outcome.summary), "{text}");
        let peak = tile(&tiles, "Peak");
        assert!(
            peak.ends_with(&format!(
                "(+{})",
                unsigned_pct(outcome.summary.max_rise_pct)
            )),
            "{peak}"
        );
    }

    #[test]
    fn a_verdict_says_how_far_off_and_splits_the_move_into_shock_and_cascade() {
        let scenario = presets::find("over-levered-longs")
            .expect("a preset")
            .scenario;
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let summary = &outcome.summary;
        let actual = summary.max_drawdown_pct;
        let low = verdict(
            &Guess {
                move_pct: actual - 5.0,
            },
            &outcome,
        );
        assert!(low.contains("5.0 points further than you thought"), "{low}");
        assert!(
            low.contains(&format!("the price fell {}", unsigned_pct(actual))),
            "{low}"
        );
        let shock = summary.shock_pct.abs();
        assert!(
            low.contains(&format!("carried it {:.1} points further", actual - shock)),
            "{low}"
        );
        let high = verdict(
            &Guess {
                move_pct: actual + 3.0,
            },
            &outcome,
        );
        assert!(
            high.contains("3.0 points less far than you thought"),
            "{high}"
        );
        let close = verdict(
            &Guess {
                move_pct: actual + 0.4,
            },
            &outcome,
        );
        assert!(close.contains(": spot on."), "{close}");
    }

    #[test]
    fn a_verdict_credits_traders_selling_and_a_run_without_shock_as_theirs() {
        let verdict_of = |name: &str| {
            let scenario = presets::find(name).expect("a preset").scenario;
            let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
            let guess = Guess { move_pct: 10.0 };
            (verdict(&guess, &outcome), outcome)
        };
        // 2024-08-05's stop-losses sold far more than its liquidations: the move past the shock
        // is not the liquidations' alone.
        let (stops, outcome) = verdict_of("btc-2024-08-05");
        assert!(outcome.summary.delevered_notional_usd > 0.0);
        assert!(stops.contains("traders' own selling"), "{stops}");
        assert!(!stops.contains("forced selling of"), "{stops}");
        // A crowd with liquidations alone keeps the plain words.
        let (plain, _) = verdict_of("over-levered-longs");
        assert!(plain.contains("forced selling of"), "{plain}");
        // No shock at all: no "shock alone moved it 0.0%" beside a move of its own.
        let (bleed, outcome) = verdict_of("funding-bleed");
        assert!(crate::format::shown_as_zero(
            outcome.summary.shock_pct.abs()
        ));
        assert!(bleed.contains("there was no shock"), "{bleed}");
        assert!(!bleed.contains("moved it 0.0%"), "{bleed}");
    }

    #[test]
    fn a_run_past_the_record_says_so_and_no_preset_does() {
        for preset in presets::all() {
            let outcome = flushlab_engine::simulate(&preset.scenario).expect("it runs");
            assert_eq!(past_the_record(&outcome), None, "{}", preset.name);
        }
        // The default crowd on a $50M book, a 7.5% fall: the price falls to its floor.
        let mut scenario = presets::default_scenario();
        use flushlab_engine::analysis::Parameter;
        Parameter::DepthUsd.apply(&mut scenario, 50e6, 0.0).unwrap();
        Parameter::ShockPct.apply(&mut scenario, -7.5, 0.0).unwrap();
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let note = past_the_record(&outcome).expect("past the record");
        assert!(
            note.starts_with("Past anything on record: the price fell 100.0%, and no recorded flush fell more than 51%"),
            "{note}"
        );
        let floor = format::price(outcome.summary.start_price * 1e-4);
        assert!(
            note.ends_with(&format!("The book ran out of bids: the price stopped at {floor}, the lowest FlushLab quotes (a ten-thousandth of the start), so the trough and the amplification are where the book ended, not prices a market found.")),
            "{note}"
        );
    }

    #[test]
    fn a_shock_too_small_to_show_is_no_shock_in_the_headline_and_the_captions_alike() {
        let mut scenario = presets::find("calm-market").expect("a preset").scenario;
        scenario.shock.pct = -0.003;
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let said = headline(&scenario, &outcome);
        assert!(said.starts_with("With no shock at all"), "{said}");
        assert!(!crate::charts::price::has_shock(&scenario.shock));
        assert_eq!(
            crate::charts::caption("price", &scenario),
            text().charts.price_caption_no_shock
        );
        scenario.shock.pct = -0.01;
        assert!(crate::charts::price::has_shock(&scenario.shock));
    }

    #[test]
    fn a_run_ending_with_a_backlog_says_what_the_totals_leave_out() {
        let mut scenario = presets::find("btc-2025-10-10").expect("a preset").scenario;
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        assert_eq!(still_queued(&scenario, &outcome), None);
        scenario.venue.max_liquidation_usd_per_step = Some(10e6);
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let note = still_queued(&scenario, &outcome).expect("a backlog");
        let queued = format::usd(outcome.summary.queued_at_end_usd);
        assert_eq!(
            note,
            format!("When the run ended, {queued} of positions were still queued for liquidation, held back by the throughput cap: the totals above leave them out, and selling them would take the price further.")
        );
    }

    /// The 2024 ramp ends with the run, in its busiest minutes: said, with what its last
    /// twelve minutes liquidated; a longer run of it, or a cascade over well before the end (the
    /// 2025 one's), says nothing.
    #[test]
    fn a_run_that_ends_mid_cascade_says_so() {
        let mut scenario = presets::find("btc-2024-08-05").expect("a preset").scenario;
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let note = still_going(&outcome).expect("still going");
        let late: f64 = outcome.steps[outcome.steps.len() - 12..]
            .iter()
            .map(|step| step.liquidated_long_usd + step.liquidated_short_usd)
            .sum();
        assert_eq!(
            note,
            format!(
                "The run ends with the cascade still going: its last 12\u{a0}min liquidated {}. The totals and the trough are the run's, to its end, not where the cascade would stop.",
                format::usd(late)
            )
        );
        let whole = presets::find("btc-2025-10-10").expect("a preset").scenario;
        assert_eq!(
            still_going(&flushlab_engine::simulate(&whole).expect("it runs")),
            None
        );
        scenario.run.steps *= 2;
        assert_eq!(
            still_going(&flushlab_engine::simulate(&scenario).expect("it runs")),
            None
        );
    }

    /// During a drag the notes from before it keep their places: one the run no longer has is
    /// kept unseen, one it newly has waits.
    #[test]
    fn during_a_drag_no_note_comes_or_goes() {
        let note = |testid: &'static str, text: &str| Note {
            class: "still-queued",
            testid,
            text: text.to_string(),
        };
        let held = [note("past-record", "old"), note("still-going", "was")];
        let fresh = [note("still-going", "now"), note("mostly-shock", "new")];
        assert_eq!(
            during_drag(&held, &fresh),
            [
                (note("past-record", "old"), false),
                (note("still-going", "now"), true)
            ]
        );
        assert_eq!(during_drag(&[], &fresh), []);
    }

    /// The presets whose move is mostly their shock's say so (2024's and Black Thursday's, fitted
    /// to days of outside selling; 2021's cascade adds a fifth to its move, past the line), with
    /// the shock's move and what liquidations added; the others do not.
    #[test]
    fn a_move_mostly_the_shocks_says_leverage_added_little() {
        let mut told = Vec::new();
        for preset in presets::all() {
            let outcome = flushlab_engine::simulate(&preset.scenario).expect("it runs");
            let Some(note) = mostly_shock(&preset.scenario, &outcome) else {
                continue;
            };
            let summary = &outcome.summary;
            let extra = summary.max_drawdown_pct - summary.shock_pct.abs();
            assert!(
                note.contains(&format!(
                    "moves the price {}, and all the trading it set off only {} more",
                    unsigned_pct(summary.shock_pct),
                    unsigned_pct(extra)
                )),
                "{}: {note}",
                preset.name
            );
            // A cascade that ran ahead of its ramp (the headline says so) is said in the note
            // too, with the same figures.
            if let Some(ahead) = ran_ahead(&preset.scenario, &outcome) {
                assert!(
                    note.contains(&format!(
                        "On the way it added much: the cascade ran {} points past the shock alone ({} after",
                        format::decimal((ahead.move_pct - ahead.alone_pct).abs(), 1),
                        format::signed_pct(ahead.move_pct)
                    )),
                    "{}: {note}",
                    preset.name
                );
            }
            told.push(preset.name);
        }
        assert_eq!(told, ["btc-2024-08-05", "bitmex-2020-03-12"]);
    }

    #[test]
    fn a_shock_that_liquidates_nothing_says_so() {
        // Even a calm market's 0.1% dip reaches its 100x positions: keep those at 5x or less.
        let mut scenario = presets::find("calm-market").expect("a preset").scenario;
        let flushlab_engine::scenario::Positions::Generate(population) = &mut scenario.positions
        else {
            panic!("calm-market generates its positions");
        };
        population
            .leverage_buckets
            .retain(|bucket| bucket.max <= 5.0);
        assert!(!population.leverage_buckets.is_empty());
        scenario.shock.resize(&scenario.market.clone(), -0.1);
        scenario.validate().expect("a valid scenario");
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let text = headline(&scenario, &outcome);
        assert!(
            text.starts_with("A 0.10% drop liquidated nothing"),
            "{text}"
        );
    }

    #[test]
    fn a_cascade_that_outran_its_slow_ramp_is_told_and_no_other_preset_says_so() {
        for preset in presets::all() {
            let outcome = flushlab_engine::simulate(&preset.scenario).expect("it runs");
            let ahead = ran_ahead(&preset.scenario, &outcome);
            if preset.name != "bitmex-2020-03-12" {
                assert_eq!(ahead, None, "{}", preset.name);
                continue;
            }
            // Black Thursday's first leg: about 25% down within the first hour, when the shock
            // alone (a fifth of its 16-hour path in the first 45 minutes) had moved the price
            // less than 10% (docs/presets.md).
            let ahead = ahead.expect("the first leg ran ahead");
            assert!(
                ahead.move_pct < -20.0 && ahead.alone_pct > -10.0,
                "{ahead:?}"
            );
            assert!(ahead.t_s <= 3_600.0, "{ahead:?}");
            let text = headline(&preset.scenario, &outcome);
            let expected = format!(
                "A 47.3% drop became a 51.3% flush (1.09x), the cascade running ahead of it ({} after {}, when the shock alone had moved {}):",
                format::signed_pct(ahead.move_pct),
                format::seconds(ahead.t_s),
                format::signed_pct(ahead.alone_pct)
            );
            assert!(text.starts_with(&expected), "{text}");
        }
    }

    #[test]
    fn a_shock_too_small_to_write_is_read_as_none() {
        let mut scenario = presets::default_scenario();
        scenario.shock.resize(&scenario.market.clone(), 1e-12);
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let text = headline(&scenario, &outcome);
        assert!(
            text.starts_with("No shock, and nothing was liquidated"),
            "{text}"
        );
    }

    #[test]
    fn on_hyperliquid_the_fund_is_called_its_vault() {
        let mut scenario = presets::default_scenario();
        let plain = headline(
            &scenario,
            &flushlab_engine::simulate(&scenario).expect("it runs"),
        );
        assert!(plain.contains("; the insurance fund "), "{plain}");
        let hyperliquid =
            flushlab_engine::scenario::profiles::venue_profile("hyperliquid").expect("a profile");
        hyperliquid.apply(&mut scenario);
        let text = headline(
            &scenario,
            &flushlab_engine::simulate(&scenario).expect("it runs"),
        );
        assert!(
            text.contains("; the insurance fund (on Hyperliquid, its liquidator vault, HLP) "),
            "{text}"
        );
    }

    #[test]
    fn a_squeeze_names_the_shorts_and_the_rise() {
        let scenario = presets::find("short-squeeze").expect("a preset").scenario;
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let text = headline(&scenario, &outcome);
        assert!(text.contains(" rise became a"), "{text}");
        assert!(text.contains(" squeeze ("), "{text}");
        assert!(text.contains(" of shorts liquidated in "), "{text}");
    }

    #[test]
    fn a_venue_that_tightens_says_when_and_by_how_much() {
        let mut scenario = presets::find("over-levered-longs")
            .expect("a preset")
            .scenario;
        scenario.venue.leverage_control = Some(flushlab_engine::scenario::LeverageControl {
            fund_below_pct: None,
            volatility_pct: Some(0.5),
            window_steps: 5,
            margin_multiplier: 2.0,
        });
        let outcome = flushlab_engine::simulate(&scenario).expect("valid");
        let at = outcome.summary.tightened_at_s.expect("it tightens");
        let text = headline(&scenario, &outcome);
        let said = format!(
            "the venue raised maintenance margins 2.0x at {}",
            format::seconds(at)
        );
        assert!(text.contains(&said), "{text}");
        scenario.venue.leverage_control = None;
        let plain = flushlab_engine::simulate(&scenario).expect("valid");
        assert!(!headline(&scenario, &plain).contains("raised maintenance margins"));
    }
}
