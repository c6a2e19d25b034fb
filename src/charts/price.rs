//! Price path: last and mark, the shock marked, circuit-breaker halts shaded, the playback cursor.

use flushlab_engine::scenario::ShockKind;
use plotly::common::{DashType, Line, Mode};
use plotly::{Plot, Scatter};

use super::{
    band, base_layout, cursor_line, ink, label, palette, price_axis, vertical_line, words_inside,
    Snapshot, TimeScale,
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

/// The price chart.
pub fn plot(snapshot: &Snapshot) -> Plot {
    let outcome = snapshot.outcome;
    let scale = TimeScale::of_run(snapshot.scenario);
    let (times, last, mark) = paths(outcome, scale);
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
        Scatter::new(times, mark)
            .mode(Mode::Lines)
            .name(w.mark_price)
            .line(
                Line::new()
                    .color(palette::MARK)
                    .width(2.0)
                    .dash(DashType::Dash),
            ),
    );

    let step_s = snapshot.scenario.run.step_s;
    let mut shapes = Vec::new();
    let mut annotations = Vec::new();
    let shock = &snapshot.scenario.shock;
    let shock_text = fill(
        w.shock,
        &[("shock", &signed_pct(outcome.summary.shock_pct))],
    );
    match shock.kind {
        ShockKind::Ramp => shapes.push(band(0.0, scale.at(shock.duration_s), ink.shade)),
        ShockKind::Instant | ShockKind::Sell => shapes.push(vertical_line(
            scale.at(step_s),
            palette::SHORT,
            DashType::Dot,
        )),
    }
    annotations.push(label(scale.at(step_s), 1.0, &shock_text, snapshot.theme));
    // Circuit-breaker halts: one shaded band per run of halted steps.
    let mut halt_start: Option<f64> = None;
    for step in &outcome.steps {
        match (step.halted, halt_start) {
            (true, None) => halt_start = Some(scale.at(step.t_s - step_s)),
            (false, Some(from)) => {
                shapes.push(band(from, scale.at(step.t_s - step_s), ink.shade));
                halt_start = None;
            }
            _ => {}
        }
    }
    if let (Some(from), Some(last)) = (halt_start, outcome.steps.last()) {
        shapes.push(band(from, scale.at(last.t_s), ink.shade));
    }
    if outcome.summary.halted_steps > 0 {
        annotations.push(label(0.0, 0.02, w.halted, snapshot.theme));
    }
    shapes.extend(cursor_line(snapshot));
    let layout = base_layout(snapshot.theme, w.price_title, scale.title(), w.price_usd)
        .x_axis(scale.axis(snapshot.theme))
        .y_axis(price_axis(
            snapshot.theme,
            snapshot.outcome.summary.start_price,
        ))
        .shapes(shapes)
        .annotations(annotations);
    plot.set_layout(layout);
    plot
}
