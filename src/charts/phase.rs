//! Phase map: final move over shock x mean leverage (or depth), filled row by row.

use flushlab_engine::analysis::contagion::largest_move_pct;
use plotly::common::{ColorBar, ColorScale, ColorScalePalette, Marker, MarkerSymbol, Mode, Title};
use plotly::layout::AxisType;
use plotly::{HeatMap, Plot, Scatter};

use super::{amounts_at, axis, base_layout, count, ink, suffixed_axis, words_inside, Snapshot};
use crate::analyses::PhaseAxis;
use crate::catalogue::text::fill;

/// Mean leverages labelled on the phase map's log axis.
const LEVERAGE_TICKS: [f64; 8] = [1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0, 60.0];

/// The phase-map chart.
pub fn plot(snapshot: &Snapshot) -> Plot {
    let map = snapshot.phase;
    let theme = snapshot.theme;
    let w = words_inside();
    let (done, total) = map.progress();
    let (y_title, row, done_title) = match map.axis {
        Some(PhaseAxis::Depth) => (w.depth_within_1pct, w.phase_row_depth, w.phase_title_depth),
        _ => (w.mean_leverage, w.phase_row_leverage, w.phase_title),
    };
    let title = if map.problem.is_some() {
        w.phase_not_available.to_string()
    } else if done < total {
        fill(
            w.phase_computing,
            &[("done", &count(done)), ("total", &count(total))],
        )
    } else {
        done_title.to_string()
    };
    let mut plot = Plot::new();
    if done > 0 {
        plot.add_trace(
            HeatMap::new(
                map.shocks_pct.iter().map(|shock| shock.abs()).collect(),
                map.values[..done].to_vec(),
                map.rows.clone(),
            )
            .name(w.final_move)
            .color_scale(ColorScale::Palette(ColorScalePalette::Viridis))
            .zmin(0.0)
            .color_bar(ColorBar::new().title(Title::with_text(w.final_move_pct)))
            .hover_template(fill(w.phase_hover, &[("row", row)])),
        );
    }
    if let Some((shock, value)) = map.here {
        plot.add_trace(
            Scatter::new(vec![shock.abs()], vec![value])
                .mode(Mode::Markers)
                .name(w.this_scenario)
                // Whole past the plot's edge: on the lowest row (a crowd levered less, 2024-08-05's
                // 1.72x), half a row from the edge, the axis cut the mark in half.
                .clip_on_axis(false)
                // With the run's own move, which its time effects make another than the cell's
                // (Black Thursday's run moved 51.3%, the cell under it 69.8%: read as a
                // disagreement with the headline).
                .hover_template(format!(
                    "{}<br>{row}<br>{}<extra></extra>",
                    w.this_scenario,
                    fill(
                        w.phase_here_run,
                        &[(
                            "move",
                            &crate::format::percent(
                                largest_move_pct(
                                    snapshot.outcome.summary.max_drawdown_pct,
                                    snapshot.outcome.summary.max_rise_pct,
                                )
                                .abs(),
                                1
                            )
                        )]
                    )
                ))
                .marker(
                    Marker::new()
                        .symbol(MarkerSymbol::X)
                        .size(14)
                        .color(ink(theme).text),
                ),
        );
    }
    let x_title = match map.shocks_pct.first() {
        Some(shock) if *shock > 0.0 => w.shock_up,
        _ => w.shock_down,
    };
    // Both axes' rows are spaced evenly in log (src/analyses.rs, `PhaseMap::plan`). Leverage
    // reads in round numbers: plotly's own log ticks labelled 20-60x "2" to "6".
    let mut y_axis = axis(theme, y_title).type_(AxisType::Log);
    if map.axis != Some(PhaseAxis::Depth) {
        let (lowest, highest) = (
            map.values.first().copied().unwrap_or(1.0),
            map.values.last().copied().unwrap_or(60.0),
        );
        let ticks: Vec<f64> = LEVERAGE_TICKS
            .iter()
            .copied()
            .filter(|tick| (lowest * 0.98..=highest * 1.02).contains(tick))
            .collect();
        let labels: Vec<String> = ticks.iter().map(|tick| format!("{tick}")).collect();
        y_axis = y_axis.tick_values(ticks).tick_text(labels);
    } else {
        // Depth at 1, 2 and 5 times a power of ten, written as the page writes amounts ("$500M",
        // "$1bn"; plotly's own log ticks read "1B").
        let (lowest, highest) = map
            .values
            .iter()
            .fold((f64::INFINITY, 0.0), |(low, high): (f64, f64), &value| {
                (low.min(value), high.max(value))
            });
        let ticks: Vec<f64> = (-2..13)
            .flat_map(|power| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(power)))
            .filter(|tick| (lowest * 0.98..=highest * 1.02).contains(tick))
            .collect();
        y_axis = amounts_at(y_axis, ticks, true);
    }
    let layout = base_layout(theme, &title, x_title, y_title)
        .x_axis(suffixed_axis(theme, x_title, "%"))
        .y_axis(y_axis);
    plot.set_layout(layout);
    plot
}
