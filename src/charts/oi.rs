//! Open interest by leverage bucket, before and after the flush: who got flushed.

use plotly::common::Marker;
use plotly::layout::BarMode;
use plotly::{Bar, Plot};

use super::{base_layout, palette, size_unit, Snapshot};

/// The open-interest chart.
pub fn plot(snapshot: &Snapshot) -> Plot {
    let oi = &snapshot.outcome.open_interest;
    let labels = oi.buckets.clone();
    let mut plot = Plot::new();
    let series = [
        ("longs before", &oi.long_before_usd, palette::LONG, 0.35),
        ("longs after", &oi.long_after_usd, palette::LONG, 1.0),
        ("shorts before", &oi.short_before_usd, palette::SHORT, 0.35),
        ("shorts after", &oi.short_after_usd, palette::SHORT, 1.0),
    ];
    for (name, values, color, opacity) in series {
        plot.add_trace(
            Bar::new(labels.clone(), values.clone())
                .name(name)
                .marker(Marker::new().color(color).opacity(opacity)),
        );
    }
    let y_title = format!("open interest ({})", size_unit(snapshot));
    let layout = base_layout(
        snapshot.theme,
        "Open interest by leverage",
        "leverage bucket",
        &y_title,
    )
    .bar_mode(BarMode::Group);
    plot.set_layout(layout);
    plot
}
