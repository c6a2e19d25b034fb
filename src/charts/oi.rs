//! Open interest by leverage bucket, before and after the flush: who got flushed. During playback
//! the solid bars show what is still open at the cursor's step.

use plotly::common::Marker;
use plotly::layout::BarMode;
use plotly::{Bar, Plot};

use super::{base_layout, palette, size_unit, Snapshot};

/// The open-interest chart.
pub fn plot(snapshot: &Snapshot) -> Plot {
    let oi = &snapshot.outcome.open_interest;
    let labels = oi.buckets.clone();
    // At the playback cursor: what is open at the end of that step; otherwise at the end.
    let at_cursor = snapshot.cursor.and_then(|step| {
        Some((
            oi.long_by_step_usd.get(step)?,
            oi.short_by_step_usd.get(step)?,
            snapshot.outcome.steps.get(step)?.t_s,
        ))
    });
    let (long_now, short_now, now) = match at_cursor {
        Some((longs, shorts, t_s)) => (longs, shorts, format!("at {t_s:.0} s")),
        None => (&oi.long_after_usd, &oi.short_after_usd, "after".to_string()),
    };
    let mut plot = Plot::new();
    let series = [
        (
            "longs before".to_string(),
            &oi.long_before_usd,
            palette::LONG,
            0.35,
        ),
        (format!("longs {now}"), long_now, palette::LONG, 1.0),
        (
            "shorts before".to_string(),
            &oi.short_before_usd,
            palette::SHORT,
            0.35,
        ),
        (format!("shorts {now}"), short_now, palette::SHORT, 1.0),
    ];
    for (name, values, color, opacity) in series {
        plot.add_trace(
            Bar::new(labels.clone(), values.clone())
                .name(name.as_str())
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
