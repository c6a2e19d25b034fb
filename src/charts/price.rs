//! Price path: last and mark, the shock marked, circuit-breaker halts shaded, the playback cursor.

use flushlab_engine::scenario::{Scenario, ShockKind};
use flushlab_engine::Outcome;
use plotly::common::{DashType, Line, Mode};
use plotly::{Plot, Scatter};

use super::{
    band, base_layout, cursor_line, ink, label, palette, price_axis, thin, vertical_line,
    words_inside, Snapshot, TimeScale,
};
use crate::catalogue::text::fill;
use crate::format::signed_pct;

/// The price path as the charts draw it, from the start: (times in `scale`'s unit, last traded
/// price, mark price).
pub fn paths(
    outcome: &flushlab_engine::Outcome,
    scale: TimeScale,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let start = outcome.summary.start_price;
    let times = std::iter::once(0.0)
        .chain(outcome.steps.iter().map(|step| scale.at(step.t_s)))
        .collect();
    let last = std::iter::once(start)
        .chain(outcome.steps.iter().map(|step| step.last))
        .collect();
    let mark = std::iter::once(start)
        .chain(outcome.steps.iter().map(|step| step.mark))
        .collect();
    (times, last, mark)
}

/// Whether the chart draws the shock alone (and shades a ramp): a move of its own, not a
/// market order or no shock.
pub fn draws_shock_alone(shock: &flushlab_engine::scenario::Shock) -> bool {
    // No shock as the headline and the tiles read one (a move that rounds to 0.0%), so a
    // shock of a few thousandths of a percent is "no shock" in the captions too.
    !crate::format::shown_as_zero(shock.pct) && shock.kind != ShockKind::Sell
}

/// Whether the run has a shock at all: a move of its own or a market sell (a funding bleed's
/// has none, and no "shock 0.0%" marker).
pub fn has_shock(shock: &flushlab_engine::scenario::Shock) -> bool {
    draws_shock_alone(shock) || (shock.kind == ShockKind::Sell && shock.notional_usd != 0.0)
}

/// Where the shock alone takes the price at the start and after each step, as [`paths`] has
/// them: the top of the book moved by an instant shock at the first step or by a ramp over its
/// steps (along its path, if it has one; a halted step moves it not), with no trading
/// (docs/model.md §5, step 3). None for a sell shock (its walk of the book fades as the book
/// refills) and for no shock at all.
pub fn shock_alone(scenario: &Scenario, outcome: &Outcome) -> Option<Vec<f64>> {
    let shock = &scenario.shock;
    if !draws_shock_alone(shock) {
        return None;
    }
    let start = outcome.summary.start_price;
    // A ramp moves the top in ceil(duration / step) steps; an instant shock in the first.
    let ramp_steps = match shock.kind {
        ShockKind::Ramp => (shock.duration_s / scenario.run.step_s).ceil().max(1.0),
        _ => 1.0,
    };
    let at = |steps_done: usize| {
        let share = (steps_done as f64 / ramp_steps).min(1.0);
        let level = match shock.kind {
            ShockKind::Ramp => shock.level(share),
            _ => share,
        };
        start * (1.0 + shock.pct / 100.0 * level)
    };
    // Steps that moved the top so far: the breaker's halted steps do not.
    let moved = std::iter::once(0).chain(outcome.steps.iter().scan(0, |done, step| {
        *done += usize::from(!step.halted);
        Some(*done)
    }));
    Some(moved.map(at).collect())
}

/// The points of a line where it bends (its ends, and each point whose neighbours' steps
/// differ): the shock alone is straight between a ramp's corners, and a drag's frames draw and
/// send a few points instead of one per step. `times` evenly spaced, as a run's steps are.
fn corners(times: &[f64], values: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let last = values.len().saturating_sub(1);
    (0..values.len())
        .filter(|&k| {
            k == 0 || k == last || {
                let (before, after) = (values[k] - values[k - 1], values[k + 1] - values[k]);
                (after - before).abs() > 1e-12 * values[k].abs()
            }
        })
        .map(|k| (times[k], values[k]))
        .unzip()
}

/// The price chart.
pub fn plot(snapshot: &Snapshot) -> Plot {
    let outcome = snapshot.outcome;
    let scale = TimeScale::of_run(snapshot.scenario);
    let (all_times, last, mark) = paths(outcome, scale);
    // A long run's prices through each stretch's extremes (`thin`): both lines on the same
    // points, so the hover reads both at one time.
    let kept = thin::kept(&[&last, &mark], thin::MOST_POINTS);
    let kept = kept.as_deref();
    let times = thin::pick(&all_times, kept);
    let (last, mark) = (thin::pick(&last, kept), thin::pick(&mark, kept));
    let ink = ink(snapshot.theme);
    let w = words_inside();
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(times.clone(), last)
            .mode(Mode::Lines)
            .name(w.last_price)
            .line(Line::new().color(ink.price).width(2.0)),
    );
    plot.add_trace(
        Scatter::new(times.clone(), mark)
            .mode(Mode::Lines)
            .name(w.mark_price)
            .line(
                Line::new()
                    .color(palette::MARK)
                    .width(2.0)
                    .dash(DashType::Dash),
            ),
    );
    // The line every move past is forced trading (after the prices: their traces keep their
    // places).
    if let Some(alone) = shock_alone(snapshot.scenario, outcome) {
        let (times, alone) = corners(&all_times, &alone);
        let (times, alone) = thin::line(&times, &alone);
        plot.add_trace(
            Scatter::new(times, alone)
                .mode(Mode::Lines)
                .name(w.shock_alone)
                .line(Line::new().color(ink.muted).width(1.5).dash(DashType::Dot)),
        );
    }

    let step_s = snapshot.scenario.run.step_s;
    let mut shapes = Vec::new();
    let mut annotations = Vec::new();
    let shock = &snapshot.scenario.shock;
    let shock_text = fill(
        w.shock,
        &[("shock", &signed_pct(outcome.summary.shock_pct))],
    );
    if has_shock(shock) {
        match shock.kind {
            ShockKind::Ramp => shapes.push(band(0.0, scale.at(shock.duration_s), ink.shade)),
            ShockKind::Instant | ShockKind::Sell => shapes.push(vertical_line(
                scale.at(step_s),
                palette::SHORT,
                DashType::Dot,
            )),
        }
        // At the top, where a fall leaves room; at the bottom for a run that rose (a squeeze's
        // peak ran under the label at the top).
        let rose = crate::headline::rises(&outcome.summary);
        let y = if rose { 0.0 } else { 1.0 };
        annotations.push(label(scale.at(step_s), y, &shock_text, snapshot.theme));
    }
    // Circuit-breaker halts: one band per run of halted steps, tinted apart from a ramp's shade.
    let mut halt_start: Option<f64> = None;
    for step in &outcome.steps {
        match (step.halted, halt_start) {
            (true, None) => halt_start = Some(scale.at(step.t_s - step_s)),
            (false, Some(from)) => {
                shapes.push(band(from, scale.at(step.t_s - step_s), ink.halt));
                halt_start = None;
            }
            _ => {}
        }
    }
    if let (Some(from), Some(last)) = (halt_start, outcome.steps.last()) {
        shapes.push(band(from, scale.at(last.t_s), ink.halt));
    }
    if outcome.summary.halted_steps > 0 {
        // In the corner the run left empty, the right one away from where it went: at the
        // bottom left it lay on a fall's trough (the breaker's own preset: $55,078 at 65-95 s).
        let rose = crate::headline::rises(&outcome.summary);
        annotations.push(
            label(
                0.0,
                if rose { 0.02 } else { 0.98 },
                w.halted,
                snapshot.theme,
            )
            // In the tint's colour, so "tinted" points at the bands.
            .font(plotly::common::Font::new().size(11).color(ink.halt_text))
            .x(0.99)
            .x_ref("paper")
            .x_anchor(plotly::common::Anchor::Right)
            .y_anchor(if rose {
                plotly::common::Anchor::Bottom
            } else {
                plotly::common::Anchor::Top
            }),
        );
    }
    shapes.extend(cursor_line(snapshot));
    let start = snapshot.scenario.run.start_minute_utc();
    let layout = base_layout(
        snapshot.theme,
        w.price_title,
        &scale.title_of(start),
        w.price_usd,
    )
    .x_axis(scale.axis_of(snapshot.theme, start))
    .y_axis(price_axis(
        snapshot.theme,
        snapshot.outcome.summary.start_price,
    ))
    .shapes(shapes)
    .annotations(annotations);
    plot.set_layout(layout);
    plot
}

#[cfg(test)]
mod tests {
    use super::shock_alone;
    use flushlab_engine::presets;

    fn run(name: &str) -> (flushlab_engine::Scenario, flushlab_engine::Outcome) {
        let scenario = presets::find(name).expect("a preset").scenario;
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        (scenario, outcome)
    }

    /// The shock alone: a ramp's top of the book step by step along its path (2025: -10.47% on
    /// the record's clock, 60% of it over 150 steps of 10 s, the rest in the next 12; 2021: a
    /// recorded day's fall and rebound), an instant shock from the first step; a sell shock and
    /// no shock draw none. Every flush preset's price goes past it.
    #[test]
    fn the_shock_alone_is_the_top_of_the_book_the_shock_moved() {
        let (scenario, outcome) = run("btc-2025-10-10");
        let alone = shock_alone(&scenario, &outcome).expect("a ramp");
        let start = outcome.summary.start_price;
        assert_eq!(alone.len(), outcome.steps.len() + 1);
        assert_eq!(alone[0], start);
        // Linear to its knee's level at its knee's time, then to the whole by the ramp's end.
        let shock = &scenario.shock;
        let (knee, end) = (&shock.path[0], shock.duration_s);
        let at = |t_s: f64| alone[(t_s / 10.0) as usize] / start - 1.0;
        let fall = shock.pct / 100.0;
        let slide_end = knee.at * end;
        assert!((at(750.0) - fall * knee.level * 750.0 / slide_end).abs() < 1e-12);
        assert!((at(end) - fall).abs() < 1e-12);
        assert_eq!(alone[162], alone[240]);
        assert!(
            outcome.summary.min_price < alone[240],
            "the flush went past it"
        );

        let (scenario, outcome) = run("btc-2021-05-19");
        let alone = shock_alone(&scenario, &outcome).expect("a ramp along a path");
        let lowest = alone.iter().copied().fold(f64::INFINITY, f64::min);
        let end = *alone.last().expect("points");
        assert!(lowest < end, "it falls, then rebounds: {lowest} {end}");
        assert!(outcome.summary.min_price < lowest);

        let (scenario, outcome) = run("over-levered-longs");
        let alone = shock_alone(&scenario, &outcome).expect("an instant shock");
        let start = outcome.summary.start_price;
        assert_eq!(alone[0], start);
        assert!(alone[1..].iter().all(|&p| (p / start - 0.96).abs() < 1e-12));

        assert_eq!(shock_alone(&run("thin-book").0, &run("thin-book").1), None);

        // The chart sends its corners only: a ramp's start, its path's knee (at 1499.96 s, inside
        // the step to 1500 s: the steps on both sides of it), the end of the ramp and the end.
        let times: Vec<f64> = (0..=240).map(f64::from).collect();
        let (scenario, outcome) = run("btc-2025-10-10");
        let alone = shock_alone(&scenario, &outcome).expect("a ramp");
        let (at, values) = super::corners(&times, &alone);
        assert_eq!(at, [0.0, 149.0, 150.0, 162.0, 240.0]);
        assert_eq!(
            values,
            [alone[0], alone[149], alone[150], alone[162], alone[240]]
        );
        assert_eq!(
            shock_alone(&run("funding-bleed").0, &run("funding-bleed").1),
            None
        );
    }

    /// The chart marks a shock only where there is one (a funding bleed's has none: no "shock
    /// 0.0%"), and a circuit breaker's halts in their own tint, apart from a ramp's shade.
    #[test]
    fn the_shock_and_the_halts_are_marked_apart() {
        let figure = |name: &str| {
            let (scenario, outcome) = run(name);
            let figure =
                crate::charts::plain_figure(super::plot, &scenario, &outcome, &Default::default());
            (outcome, figure)
        };
        let texts = |figure: &serde_json::Value| -> Vec<String> {
            figure["layout"]["annotations"]
                .as_array()
                .map(|all| all.iter().map(|a| a["text"].to_string()).collect())
                .unwrap_or_default()
        };
        let fills = |figure: &serde_json::Value| -> Vec<String> {
            figure["layout"]["shapes"]
                .as_array()
                .map(|all| {
                    all.iter()
                        .filter_map(|shape| shape["fillcolor"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let ink = crate::charts::ink(crate::state::Theme::Light);

        let (_, bleed) = figure("funding-bleed");
        assert!(
            texts(&bleed).iter().all(|text| !text.contains("shock")),
            "{:?}",
            texts(&bleed)
        );
        let (_, ramp) = figure("btc-2025-10-10");
        assert!(texts(&ramp).iter().any(|text| text.contains("shock -")));
        // A fall's label at the top, a squeeze's at the bottom (its peak runs along the top).
        let shock_label_y = |figure: &serde_json::Value| {
            figure["layout"]["annotations"]
                .as_array()
                .and_then(|all| {
                    all.iter()
                        .find(|a| a["text"].as_str().is_some_and(|t| t.starts_with("shock ")))
                })
                .map(|label| label["y"].as_f64().expect("a paper y"))
        };
        assert_eq!(shock_label_y(&ramp), Some(1.0));
        assert_eq!(shock_label_y(&figure("short-squeeze").1), Some(0.0));
        assert_eq!(fills(&ramp), [ink.shade]);

        let (outcome, halted) = figure("inverse-traders-adjust");
        assert!(
            outcome.summary.halted_steps > 0,
            "the breaker's preset halts"
        );
        let tints = fills(&halted);
        assert!(
            !tints.is_empty() && tints.iter().all(|fill| fill == ink.halt),
            "{tints:?}"
        );
        assert_ne!(ink.halt, ink.shade);
        // Its label in the tint's colour, so "tinted" points at the bands.
        let label = halted["layout"]["annotations"]
            .as_array()
            .and_then(|all| {
                all.iter()
                    .find(|a| a["text"].as_str().is_some_and(|t| t.starts_with("tinted")))
            })
            .expect("the halts' label");
        assert_eq!(label["font"]["color"], ink.halt_text);
    }

    /// A run of 50,000 steps is drawn through a few thousand of its points, its lowest price
    /// and its last among them; the liquidations chart keeps every step of the part it shows
    /// (the cascade's first seconds).
    #[test]
    fn a_long_run_is_drawn_through_its_extremes() {
        let mut scenario = presets::default_scenario();
        scenario.run.steps = 50_000;
        if let flushlab_engine::scenario::Positions::Generate(generate) = &mut scenario.positions {
            generate.count = 2_000;
        }
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let options = flushlab_engine::analysis::OptionSpec::default();
        let traces = crate::charts::traces_of(super::plot, &scenario, &outcome, &options);
        let last = &traces[0];
        let points = last["y"].as_array().expect("prices");
        assert!(points.len() <= crate::charts::thin::MOST_POINTS + 1);
        let lowest = points
            .iter()
            .filter_map(|price| price.as_f64())
            .fold(f64::INFINITY, f64::min);
        let run_lowest = outcome
            .steps
            .iter()
            .map(|step| step.last)
            .fold(f64::INFINITY, f64::min);
        assert_eq!(lowest, run_lowest);
        assert_eq!(
            points.last().and_then(|price| price.as_f64()),
            outcome.steps.last().map(|step| step.last)
        );

        let traces = crate::charts::traces_of(
            crate::charts::liquidations::plot,
            &scenario,
            &outcome,
            &options,
        );
        let longs = traces[0]["y"].as_array().expect("longs");
        assert!(longs.len() <= 2 * crate::charts::thin::MOST_POINTS);
        let liquidating = outcome.summary.last_liquidation_step.expect("a cascade") as usize;
        let drawn: Vec<f64> = longs[..=liquidating]
            .iter()
            .filter_map(|value| value.as_f64())
            .collect();
        let run: Vec<f64> = outcome.steps[..=liquidating]
            .iter()
            .map(|step| step.liquidated_long_usd)
            .collect();
        assert_eq!(drawn, run, "every step of the cascade");
    }
}
