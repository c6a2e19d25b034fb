//! Liquidations per step, long and short stacked.

use plotly::common::Marker;
use plotly::layout::BarMode;
use plotly::{Bar, Plot};

use super::{base_layout, cursor_line, palette, size_unit, Snapshot};

/// The liquidations chart.
pub fn plot(snapshot: &Snapshot) -> Plot {
    let steps = &snapshot.outcome.steps;
    let times: Vec<f64> = steps.iter().map(|step| step.t_s).collect();
    let longs: Vec<f64> = steps.iter().map(|step| step.liquidated_long_usd).collect();
    let shorts: Vec<f64> = steps.iter().map(|step| step.liquidated_short_usd).collect();
    let mut plot = Plot::new();
    plot.add_trace(
        Bar::new(times.clone(), longs)
            .name("longs liquidated")
            .marker(Marker::new().color(palette::LONG)),
    );
    plot.add_trace(
        Bar::new(times, shorts)
            .name("shorts liquidated")
            .marker(Marker::new().color(palette::SHORT)),
    );
    let y_title = format!("liquidated per step ({})", size_unit(snapshot));
    let layout = base_layout(
        snapshot.theme,
        "Liquidations per step",
        "time (s)",
        &y_title,
    )
    .bar_mode(BarMode::Stack)
    .shapes(cursor_line(snapshot).into_iter().collect());
    plot.set_layout(layout);
    plot
}
