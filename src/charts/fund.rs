//! Insurance fund, auto-deleveraging and bad debt over time.

use plotly::common::{DashType, Line, Mode};
use plotly::{Plot, Scatter};

use super::{
    amounts_at, axis, base_layout, cursor_line, ink, money_unit, palette, thin, ticks_to,
    words_inside, wrapped, Snapshot, TimeScale, NOTE_LINE_CHARS,
};

/// Below this share of the axis, the fund's line is lost at its bottom (a fund of a few million
/// drained beside hundreds of millions auto-deleveraged): a note over it says what it did.
const FLATTENED_SHARE: f64 = 0.05;

/// A fund whose line moves by less than this share of its peak looks still on its axis: the
/// chart says where it went.
const STILL_SHARE: f64 = 0.02;

/// The fund chart.
pub fn plot(snapshot: &Snapshot) -> Plot {
    let steps = &snapshot.outcome.steps;
    let scale = TimeScale::of_run(snapshot.scenario);
    // From the start, as the price chart: the fund as the scenario sets it (what the headline's
    // "paid" counts from), before the first step's liquidations.
    let times: Vec<f64> = std::iter::once(0.0)
        .chain(steps.iter().map(|step| scale.at(step.t_s)))
        .collect();
    let fund: Vec<f64> = std::iter::once(snapshot.scenario.venue.insurance_fund_usd)
        .chain(steps.iter().map(|step| step.insurance_fund_usd))
        .collect();
    let running = |values: Vec<f64>| -> Vec<f64> {
        std::iter::once(0.0)
            .chain(values.into_iter().scan(0.0, |total, value| {
                *total += value;
                Some(*total)
            }))
            .collect()
    };
    let adl = running(steps.iter().map(|step| step.adl_usd).collect());
    let bad_debt = running(steps.iter().map(|step| step.bad_debt_usd).collect());
    let w = words_inside();
    let unit = money_unit(snapshot);
    let note = flattened_fund_note(
        &times,
        &fund,
        &adl,
        &bad_debt,
        unit,
        ink(snapshot.theme).backdrop,
    );
    let highest = [&fund, &adl, &bad_debt]
        .iter()
        .flat_map(|values| values.iter())
        .fold(0.0, |high: f64, &value| high.max(value));
    // A long run's lines through each stretch's extremes (`thin`), on the same points.
    let kept = thin::kept(&[&fund, &adl, &bad_debt], thin::MOST_POINTS);
    let kept = kept.as_deref();
    let times = thin::pick(&times, kept);
    let (fund, adl, bad_debt) = (
        thin::pick(&fund, kept),
        thin::pick(&adl, kept),
        thin::pick(&bad_debt, kept),
    );
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(times.clone(), fund)
            .mode(Mode::Lines)
            .name(w.insurance_fund)
            .line(Line::new().color(palette::FUND).width(2.0)),
    );
    plot.add_trace(
        Scatter::new(times.clone(), adl)
            .mode(Mode::Lines)
            .name(w.adl_total)
            .line(
                Line::new()
                    .color(palette::ADL)
                    .width(2.0)
                    .dash(DashType::Dash),
            ),
    );
    plot.add_trace(
        Scatter::new(times, bad_debt)
            .mode(Mode::Lines)
            .name(w.bad_debt_total)
            .line(
                Line::new()
                    .color(palette::SHORT)
                    .width(2.0)
                    .dash(DashType::Dot),
            ),
    );
    let start = snapshot.scenario.run.start_minute_utc();
    let layout = base_layout(snapshot.theme, w.fund_title, &scale.title_of(start), unit)
        .x_axis(scale.axis_of(snapshot.theme, start))
        .y_axis(amounts_at(
            axis(snapshot.theme, unit),
            ticks_to(highest),
            unit == "USD",
        ))
        .shapes(cursor_line(snapshot).into_iter().collect())
        .annotations(note.into_iter().collect());
    plot.set_layout(layout);
    plot
}

/// A label just over the fund's line saying where it started and ended, when the running totals
/// of ADL or bad debt stretch the axis so far that the line lies flat on its bottom (wrapped as a
/// corner note is, so a phone's chart shows all of it).
fn flattened_fund_note(
    times: &[f64],
    fund: &[f64],
    adl: &[f64],
    bad_debt: &[f64],
    unit: &str,
    backdrop: &'static str,
) -> Option<plotly::layout::Annotation> {
    use plotly::common::{Anchor, Font};
    let peak = |values: &[f64]| values.iter().copied().fold(0.0, f64::max);
    let (fund_peak, others) = (peak(fund), peak(adl).max(peak(bad_debt)));
    let (start, end) = (*fund.first()?, *fund.last()?);
    let lowest = fund.iter().copied().fold(f64::INFINITY, f64::min);
    let flattened = fund_peak < FLATTENED_SHARE * others;
    // Or flat on the axis's top: the fund moved, by less than the line's width shows.
    let still = !flattened
        && fund_peak > 0.0
        && fund_peak - lowest < STILL_SHARE * fund_peak
        && start != end;
    if !flattened && !still {
        return None;
    }
    // Where the line went well past both its ends (a fund that rose about $11M in the cascade
    // and gave some of it back: a bump under a note of a $6.47M gain), the note says how far.
    let highest = fund.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let net = (end - start).abs();
    // Past both ends by a third of the net change or more (that one: about $4M past a $6.47M gain).
    let beyond =
        |extreme: f64, edge: f64| (extreme - edge).abs() * 3.0 > net.max(f64::MIN_POSITIVE);
    let rose = highest - start.max(end);
    let extreme = if beyond(highest, start.max(end)) && rose >= start.min(end) - lowest {
        Some((words_inside().fund_up_to, highest))
    } else if beyond(lowest, start.min(end)) {
        Some((words_inside().fund_down_to, lowest))
    } else {
        None
    };
    let template = match (still, extreme) {
        (true, Some(_)) => words_inside().fund_change_too_small_on_the_way,
        (true, None) => words_inside().fund_change_too_small,
        (false, _) => words_inside().fund_too_small,
    };
    let extreme = extreme
        .map(|(words, amount)| {
            let change = crate::format::signed_money(amount - start, unit);
            crate::catalogue::text::fill(words, &[("amount", &change)])
        })
        .unwrap_or_default();
    let text = crate::catalogue::text::fill(
        template,
        &[
            ("start", &crate::format::money(start, unit)),
            ("end", &crate::format::money(end, unit)),
            // The change itself: a billion-dollar fund's $1.46M gain reads "$1.00bn → $1.00bn".
            ("change", &crate::format::signed_money(end - start, unit)),
            ("extreme", &extreme),
        ],
    );
    Some(
        plotly::layout::Annotation::new()
            .x(*times.first()?)
            .y(fund_peak)
            .x_ref("x")
            .y_ref("y")
            .text(wrapped(&text, NOTE_LINE_CHARS))
            .show_arrow(false)
            .x_anchor(Anchor::Left)
            // Under a line at the axis's top (a change too small to see), over one on its
            // bottom (a fund ADL's totals dwarf).
            .y_anchor(if still { Anchor::Top } else { Anchor::Bottom })
            .align(plotly::layout::HAlign::Left)
            .y_shift(if still { -4.0 } else { 2.0 })
            // Clear of the ADL line that rises at the start, on a backdrop as labels are.
            .x_shift(6.0)
            .background_color(backdrop)
            .font(Font::new().size(11).color(palette::FUND)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fund's line starts where the scenario sets it, at time 0, so the chart and its note
    /// count from the amount the headline's "the insurance fund paid" counts from.
    #[test]
    fn the_fund_is_drawn_from_its_start_as_the_headline_counts_it() {
        let scenario = flushlab_engine::presets::find("fund-drained-adl")
            .expect("a preset")
            .scenario;
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let figure = crate::charts::plain_figure(plot, &scenario, &outcome, &Default::default());
        let fund = &figure["data"][0];
        assert_eq!(fund["x"][0], 0.0);
        assert_eq!(fund["y"][0], scenario.venue.insurance_fund_usd);
        assert_eq!(
            fund["y"].as_array().expect("y").len(),
            outcome.steps.len() + 1
        );
        for running in [&figure["data"][1], &figure["data"][2]] {
            assert_eq!(
                running["y"][0], 0.0,
                "nothing auto-deleveraged before the run"
            );
        }
        let start = crate::format::money(scenario.venue.insurance_fund_usd, "USD");
        let note = figure["layout"]["annotations"][0]["text"]
            .as_str()
            .expect("the drained fund is noted");
        assert!(note.contains(&start), "{note} starts at {start}");
    }

    /// A $1bn fund that gains $6.47M is a line that looks still: the note says it moved.
    /// A fund that visibly moves, or does not move at all, gets none.
    #[test]
    fn a_fund_whose_change_is_too_small_to_see_gets_a_note() {
        let times = [0.0, 1.0, 2.0];
        let note = |fund: [f64; 3]| {
            flattened_fund_note(&times, &fund, &[0.0; 3], &[0.0; 3], "USD", "white")
                .map(|note| serde_json::to_value(note).expect("serializes"))
        };
        let still = note([1.0e9, 1.004e9, 1.00647e9]).expect("a note");
        let text = still["text"].as_str().expect("text");
        assert!(
            text.contains("$1.00bn") && text.contains("$1.01bn") && text.contains("(+$6.47M)"),
            "{text}"
        );
        // Where the two ends round alike, the change still says what happened.
        let same = note([1.0e9, 1.0005e9, 1.00146e9]).expect("a note");
        let text = same["text"].as_str().expect("text").replace("<br>", " ");
        assert!(text.contains("$1.00bn → $1.00bn (+$1.46M)"), "{text}");
        assert_eq!(still["yanchor"], "top");
        // A fund that rose on the way and gave it back says how far it went.
        let bump = note([1.0e9, 1.018e9, 1.00647e9]).expect("a note");
        let text = bump["text"].as_str().expect("text").replace("<br>", " ");
        assert!(text.contains("(+$6.47M; +$18.0M at its highest)"), "{text}");
        let dip = note([1.0e9, 0.99e9, 1.00647e9]).expect("a note");
        let text = dip["text"].as_str().expect("text").replace("<br>", " ");
        assert!(text.contains("(+$6.47M; -$10.0M at its lowest)"), "{text}");
        assert_eq!(note([1.0e9, 0.9e9, 0.8e9]), None);
        assert_eq!(note([1.0e9; 3]), None);
    }

    #[test]
    fn a_fund_flattened_by_adl_gets_a_note_saying_where_it_went() {
        let times = [1.0, 2.0, 3.0];
        let fund = [2.0e6, 0.5e6, 0.0];
        let note = flattened_fund_note(
            &times,
            &fund,
            &[0.0, 3.0e8, 6.3e8],
            &[0.0; 3],
            "USD",
            "white",
        )
        .expect("a $2M fund beside $630M of ADL is flat on the axis");
        let json = serde_json::to_value(&note).unwrap();
        let text = json["text"].as_str().unwrap();
        assert!(
            text.contains("2.00M") && text.contains("$0") && text.contains("(-$2.00M)"),
            "{text}"
        );
        assert_eq!(json["x"], 1.0);
        assert_eq!(json["y"], 2.0e6, "just over the line's highest point");
        // A fund that holds its own on the axis needs no note, nor does a run without ADL.
        assert!(flattened_fund_note(
            &times,
            &fund,
            &[0.0, 1.0e6, 2.0e6],
            &[0.0; 3],
            "USD",
            "white"
        )
        .is_none());
        assert!(flattened_fund_note(&times, &fund, &[0.0; 3], &[0.0; 3], "USD", "white").is_none());
    }
}
