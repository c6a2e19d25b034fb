//! Amplification curve: final move against shock size, the current shock highlighted, the tipping
//! point annotated, and the no-leverage counterfactual beside it.

use plotly::common::{DashType, Line, Marker, Mode};
use plotly::{Plot, Scatter};

use super::{base_layout, ink, label, palette, vertical_line, Snapshot};

/// The amplification chart (empty axes until the curve is computed).
pub fn plot(snapshot: &Snapshot) -> Plot {
    let theme = snapshot.theme;
    let mut plot = Plot::new();
    let mut shapes = Vec::new();
    let mut annotations = Vec::new();
    let curve = snapshot.curve;
    let (done, total) = curve.progress();
    {
        let shocks: Vec<f64> = curve.points.iter().map(|p| p.shock_pct.abs()).collect();
        let moves: Vec<f64> = curve.points.iter().map(|p| p.move_pct.abs()).collect();
        let unlevered: Vec<f64> = curve
            .counterfactual
            .iter()
            .map(|p| p.move_pct.abs())
            .collect();
        plot.add_trace(
            Scatter::new(shocks.clone(), moves)
                .mode(Mode::Lines)
                .name("final move, with this leverage")
                .line(Line::new().color(palette::LONG).width(2.5)),
        );
        plot.add_trace(
            Scatter::new(shocks, unlevered)
                .mode(Mode::Lines)
                .name("same shock, every position at 1x")
                .line(
                    Line::new()
                        .color(ink(theme).muted)
                        .width(2.0)
                        .dash(DashType::Dash),
                ),
        );
        match curve.critical_shock_pct {
            _ if done < total => {}
            Some(critical) => {
                shapes.push(vertical_line(critical.abs(), palette::SHORT, DashType::Dot));
                annotations.push(label(
                    critical.abs(),
                    0.98,
                    &format!("tipping point {critical:+.1}%"),
                    theme,
                ));
            }
            None => annotations.push(label(
                1.0,
                0.98,
                "no sharp tipping point: the flush grows smoothly with the shock",
                theme,
            )),
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
            .name("this run (timeline, worst point)")
            .marker(Marker::new().color(palette::MARK).size(12)),
    );
    let x_title = if summary.shock_pct > 0.0 {
        "shock size, up (% of start price)"
    } else {
        "shock size, down (% of start price)"
    };
    if let Some(problem) = &curve.problem {
        annotations.push(label(1.0, 0.98, &format!("not computed: {problem}"), theme));
    }
    let title = if curve.problem.is_some() {
        "Amplification curve: not computed for this scenario".to_string()
    } else if done < total {
        format!("Amplification curve (computing {done}/{total} shocks)")
    } else {
        "Amplification curve".to_string()
    };
    let layout = base_layout(theme, &title, x_title, "final move (% of start price)")
        .shapes(shapes)
        .annotations(annotations);
    plot.set_layout(layout);
    plot
}
