//! Open interest by leverage bucket, before and after the flush: who got flushed. During playback
//! the solid bars show what is still open at the cursor's step.

use plotly::common::Marker;
use plotly::layout::BarMode;
use plotly::{Bar, Plot};

use super::{
    amounts_at, axis, base_layout, palette, size_unit, sizes_in_dollars, ticks_to, words_inside,
    Snapshot, TimeScale,
};
use crate::catalogue::text::fill;

/// The open-interest chart.
pub fn plot(snapshot: &Snapshot) -> Plot {
    let oi = &snapshot.outcome.open_interest;
    let w = words_inside();
    let labels: Vec<String> = oi
        .buckets
        .iter()
        .map(|label| crate::format::leverage_label(label))
        .collect();
    // At the playback cursor: what is open at the end of that step; otherwise at the end.
    let at_cursor = snapshot.cursor.and_then(|step| {
        Some((
            oi.long_by_step_usd.get(step)?,
            oi.short_by_step_usd.get(step)?,
            snapshot.outcome.steps.get(step)?.t_s,
        ))
    });
    let (long_now, short_now, now) = match at_cursor {
        Some((longs, shorts, t_s)) => (
            longs,
            shorts,
            fill(
                w.at_time,
                &[("time", &TimeScale::of_run(snapshot.scenario).label(t_s))],
            ),
        ),
        None => (&oi.long_after_usd, &oi.short_after_usd, w.after.to_string()),
    };
    let mut plot = Plot::new();
    let series = [
        (
            w.longs_before.to_string(),
            &oi.long_before_usd,
            palette::LONG,
            0.35,
        ),
        (
            fill(w.longs_when, &[("when", &now)]),
            long_now,
            palette::LONG,
            1.0,
        ),
        (
            w.shorts_before.to_string(),
            &oi.short_before_usd,
            palette::SHORT,
            0.35,
        ),
        (
            fill(w.shorts_when, &[("when", &now)]),
            short_now,
            palette::SHORT,
            1.0,
        ),
    ];
    // The trace's opacity, not its marker's: the legend's swatch shows the first, so "before"
    // reads pale there as its bars do.
    for (name, values, color, opacity) in &series {
        plot.add_trace(
            Bar::new(labels.clone(), (*values).clone())
                .name(name.as_str())
                .opacity(*opacity)
                .marker(Marker::new().color(*color)),
        );
    }
    let y_title = fill(w.open_interest, &[("unit", size_unit(snapshot))]);
    // On a phone the buckets' labels turn sideways; the margins make room for the last one.
    let highest = series
        .iter()
        .flat_map(|(_, values, ..)| values.iter())
        .fold(0.0, |high: f64, &value| high.max(value));
    let layout = base_layout(snapshot.theme, w.oi_title, w.leverage_bucket, &y_title)
        .x_axis(axis(snapshot.theme, w.leverage_bucket).auto_margin(true))
        .y_axis(amounts_at(
            // Room over the tallest bar (plotly's range for bars ends at it).
            axis(snapshot.theme, &y_title).range(vec![0.0, highest.max(1.0) * 1.06]),
            ticks_to(highest),
            sizes_in_dollars(snapshot.scenario),
        ))
        .bar_mode(BarMode::Group);
    plot.set_layout(layout);
    plot
}
