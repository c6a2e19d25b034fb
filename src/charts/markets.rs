//! The Markets tab's chart: every market's price on one axis, as a move from its start, with the
//! diagram's step marked.

use plotly::common::{DashType, Line, Mode};
use plotly::{Plot, Scatter};

use super::{
    base_layout, ink, palette, suffixed_axis, thin, vertical_line, words_inside, Snapshot,
    TimeScale,
};

/// One colour per market, in the system's order.
const MARKET_COLOURS: [&str; 6] = palette::SERIES;

/// Each market's move from its start price, percent, over the run.
pub fn prices(snapshot: &Snapshot) -> Plot {
    let w = words_inside();
    let view = snapshot.markets;
    let mut plot = Plot::new();
    let moves: Vec<Vec<f64>> = view
        .markets
        .iter()
        .map(|market| {
            let start = market.path.first().copied().unwrap_or(1.0);
            market
                .path
                .iter()
                .map(|price| (price / start - 1.0) * 100.0)
                .collect()
        })
        .collect();
    let range = move_range(&moves);
    // The whole run: what the diagram's boxes say at its end (and a collateral's depeg late in
    // it) is on the chart too.
    let shown = view
        .markets
        .iter()
        .map(|market| market.path.len().saturating_sub(1) as f64 * view.step_s)
        .fold(view.step_s, f64::max);
    let scale = TimeScale::of(shown);
    for (k, (market, moves)) in view.markets.iter().zip(moves).enumerate() {
        let times: Vec<f64> = (0..market.path.len())
            .map(|i| scale.at(i as f64 * view.step_s))
            .collect();
        // A long run's path through each stretch's extremes (`thin`).
        let (times, moves) = thin::line(&times, &moves);
        plot.add_trace(
            Scatter::new(times, moves)
                .mode(Mode::Lines)
                .name(market.label.as_str())
                .line(
                    Line::new()
                        .color(MARKET_COLOURS[k % MARKET_COLOURS.len()])
                        .width(2.5),
                ),
        );
    }
    let mut layout = base_layout(
        snapshot.theme,
        w.markets_price_title,
        &scale.title_of(view.start_minute_utc),
        w.move_from_start_pct,
    )
    .x_axis(
        scale
            .axis_of(snapshot.theme, view.start_minute_utc)
            .range(vec![0.0, scale.at(shown)]),
    )
    .y_axis(suffixed_axis(snapshot.theme, w.move_from_start_pct, "%").range(range));
    if let Some(cursor) = snapshot.markets_cursor {
        let t = (cursor + 1) as f64 * view.step_s;
        layout = layout.shapes(vec![vertical_line(
            scale.at(t),
            ink(snapshot.theme).price,
            DashType::Dot,
        )]);
    }
    plot.set_layout(layout);
    plot
}

/// The moves' axis: every market's lowest and highest move and 0, with a twentieth of the span
/// either side. Given, not autoranged: plotly's autorange pass is a sixth of the chart's redraw
/// on every input of a drag (docs/benchmarks.md).
fn move_range(moves: &[Vec<f64>]) -> Vec<f64> {
    let (low, high) = moves
        .iter()
        .flatten()
        .filter(|value| value.is_finite())
        .fold((0.0_f64, 0.0_f64), |(low, high), &value| {
            (low.min(value), high.max(value))
        });
    let pad = ((high - low) / 20.0).max(0.1);
    vec![low - pad, high + pad]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyses::{CurveView, CyclesView, PhaseMap, VenuesView};
    use crate::markets::{MarketsChoice, MarketsView};
    use crate::state::Theme;
    use flushlab_engine::presets;

    /// One line per market, each its path as a move from its own start; the step marked.
    #[test]
    fn every_market_is_drawn_as_its_move_from_its_start() {
        let mut view = MarketsView::plan(&MarketsChoice::default().system(), 0.0);
        view.step(&mut crate::session::SystemSession::default());
        let scenario = presets::default_scenario();
        let outcome = flushlab_engine::simulate(&scenario).expect("the default runs");
        let snapshot = Snapshot {
            scenario: &scenario,
            outcome: &outcome,
            curve: &CurveView::default(),
            phase: &PhaseMap::default(),
            cycles: &CyclesView::default(),
            venues: &VenuesView::default(),
            markets: &view,
            markets_cursor: Some(5),
            cursor: None,
            theme: Theme::Light,
            options: &Default::default(),
        };
        let figure: serde_json::Value =
            serde_json::from_str(&prices(&snapshot).to_json()).expect("a plot serializes");
        let traces = figure["data"].as_array().expect("traces");
        assert_eq!(traces.len(), view.markets.len());
        for (trace, market) in traces.iter().zip(&view.markets) {
            let y: Vec<f64> = trace["y"]
                .as_array()
                .expect("y")
                .iter()
                .map(|v| v.as_f64().expect("a number"))
                .collect();
            assert_eq!(y.len(), market.path.len());
            assert_eq!(y[0], 0.0);
            let last = market.path[market.path.len() - 1] / market.path[0] - 1.0;
            assert!((y[y.len() - 1] - last * 100.0).abs() < 1e-9);
        }
        let whole_run = view
            .markets
            .iter()
            .map(|market| (market.path.len() - 1) as f64 * view.step_s)
            .fold(0.0, f64::max);
        assert_eq!(
            figure["layout"]["shapes"][0]["x0"],
            TimeScale::of(whole_run).at(6.0 * view.step_s)
        );
        // The moves' axis is given, and holds every line.
        let range = &figure["layout"]["yaxis"]["range"];
        let (low, high) = (
            range[0].as_f64().expect("low"),
            range[1].as_f64().expect("high"),
        );
        for trace in traces {
            for y in trace["y"].as_array().expect("y") {
                let y = y.as_f64().expect("a number");
                assert!(low < y && y < high, "{y} outside {low}..{high}");
            }
        }
    }

    /// The lowest and highest moves and 0, a twentieth of the span beyond each end.
    #[test]
    fn the_moves_axis_is_the_moves_span_padded() {
        let near = |got: Vec<f64>, want: [f64; 2]| {
            assert!(
                (got[0] - want[0]).abs() < 1e-12 && (got[1] - want[1]).abs() < 1e-12,
                "{got:?} against {want:?}"
            );
        };
        near(
            move_range(&[vec![0.0, -8.0, -6.0], vec![0.0, 2.0]]),
            [-8.5, 2.5],
        );
        near(move_range(&[vec![0.0, 1.0, 3.0]]), [-0.15, 3.15]);
        near(move_range(&[]), [-0.1, 0.1]);
    }
}
