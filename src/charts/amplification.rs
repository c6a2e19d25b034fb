//! Amplification curve: final move against shock size, the current shock highlighted, the tipping
//! point annotated, and the no-leverage counterfactual beside it.

use plotly::common::{DashType, Line, Marker, Mode};
use plotly::{Plot, Scatter};

use super::{
    base_layout, corner_note, count, ink, label, palette, suffixed_axis, vertical_line,
    words_inside, Snapshot,
};
use crate::analyses::Tipping;
use crate::catalogue::text::fill;
use crate::format::{factor, signed_pct};

/// The amplification chart (empty axes until the curve is computed).
pub fn plot(snapshot: &Snapshot) -> Plot {
    let theme = snapshot.theme;
    let w = words_inside();
    let mut plot = Plot::new();
    let mut shapes = Vec::new();
    let mut annotations = Vec::new();
    let curve = snapshot.curve;
    let (done, total) = curve.progress();
    {
        let shocks: Vec<f64> = curve.points.iter().map(|p| p.shock_pct.abs()).collect();
        let unlevered: Vec<f64> = curve
            .counterfactual
            .iter()
            .map(|p| p.move_pct.abs())
            .collect();
        // The leveraged line starts from the run with no shock (the crowd may move on its own).
        let levered = curve.no_shock.iter().chain(&curve.points);
        plot.add_trace(
            Scatter::new(
                levered.clone().map(|p| p.shock_pct.abs()).collect(),
                levered.map(|p| p.move_pct.abs()).collect(),
            )
            .mode(Mode::Lines)
            .name(w.with_leverage)
            .line(Line::new().color(palette::LONG).width(2.5)),
        );
        plot.add_trace(
            Scatter::new(shocks, unlevered)
                .mode(Mode::Lines)
                .name(w.at_1x)
                .line(
                    Line::new()
                        .color(ink(theme).muted)
                        .width(2.0)
                        .dash(DashType::Dash),
                ),
        );
        match curve.tipping() {
            Tipping::Computing | Tipping::NotComputed => {}
            Tipping::NoShockNeeded(moved) => {
                let note = fill(
                    w.no_shock_needed,
                    &[("move", &crate::headline::unsigned_pct(moved))],
                );
                annotations.push(corner_note(&note, theme));
            }
            Tipping::AtMost(shock, amplification, steepest) => {
                shapes.push(vertical_line(shock.abs(), palette::SHORT, DashType::Dot));
                if let Some(steepest) = steepest {
                    let marked = marked_shock(steepest, 0.5, w.steepest_step, theme);
                    shapes.push(marked.0);
                    annotations.push(marked.1);
                }
                let note = fill(
                    w.tipping_at_most,
                    &[
                        ("shock", &signed_pct(shock)),
                        ("amplification", &factor(amplification, 1)),
                    ],
                );
                // A sentence, not a tag: in the corner, wrapped, so a phone shows all of it.
                annotations.push(corner_note(&note, theme));
            }
            Tipping::At(critical, _, _) => {
                let marked = marked_shock(critical, 0.98, w.tipping_point, theme);
                shapes.push(marked.0);
                annotations.push(marked.1);
            }
            Tipping::Smooth(_) => {
                let up = snapshot.scenario.shock.is_up();
                let note = fill(
                    w.no_tipping_point,
                    &[("flush_word", crate::headline::flush_word(up))],
                );
                annotations.push(corner_note(&note, theme));
            }
        }
    }
    let summary = &snapshot.outcome.summary;
    let this_move = if summary.shock_pct > 0.0 {
        summary.max_rise_pct
    } else {
        summary.max_drawdown_pct
    };
    plot.add_trace(
        Scatter::new(vec![summary.shock_pct.abs()], vec![this_move])
            .mode(Mode::Markers)
            .name(w.this_run)
            .marker(Marker::new().color(palette::MARK).size(12)),
    );
    let x_title = if summary.shock_pct > 0.0 {
        w.shock_up
    } else {
        w.shock_down
    };
    if let Some(problem) = &curve.problem {
        let note = fill(w.not_computed, &[("problem", problem)]);
        annotations.push(corner_note(&note, theme));
    }
    let title = if curve.problem.is_some() {
        w.amplification_not_computed.to_string()
    } else if done < total {
        fill(
            w.amplification_computing,
            &[("done", &count(done)), ("total", &count(total))],
        )
    } else {
        w.amplification_title.to_string()
    };
    let layout = base_layout(theme, &title, x_title, w.final_move_pct_of_start)
        .x_axis(suffixed_axis(theme, x_title, "%"))
        .y_axis(suffixed_axis(theme, w.final_move_pct_of_start, "%"))
        .shapes(shapes)
        .annotations(annotations);
    plot.set_layout(layout);
    plot
}

/// A dotted line at `shock` (signed percent) and its label (`words` with `{shock}`) at
/// `height`, a share of the plot's height.
fn marked_shock(
    shock: f64,
    height: f64,
    words: &str,
    theme: super::Theme,
) -> (plotly::layout::Shape, plotly::layout::Annotation) {
    (
        vertical_line(shock.abs(), palette::SHORT, DashType::Dot),
        label(
            shock.abs(),
            height,
            &fill(words, &[("shock", &signed_pct(shock))]),
            theme,
        ),
    )
}
