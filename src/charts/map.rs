//! Liquidation map: cumulative notional that would be liquidated if the price reached each level,
//! by leverage bucket (the estimate liquidation heatmaps show), with where this flush stopped.

use plotly::common::{Anchor, DashType, Line, Mode};
use plotly::{Plot, Scatter};

use super::{
    amounts_at, axis, base_layout, ink, label, palette, price_axis, size_unit, sizes_in_dollars,
    ticks_to, vertical_line, words_inside, wrapped, Snapshot, TimeScale,
};
use crate::catalogue::text::fill;

/// The share of the price axis the flush's two-line label needs beside its line (a phone's plot
/// is about 250 px wide; the label about 85, and its box a few pixels more: at 0.35 an embed's
/// "reached $30,001" ran over the "$6bn" tick beside the plot's edge).
const LABEL_ROOM: f64 = 0.40;

/// The liquidation-map chart.
pub fn plot(snapshot: &Snapshot) -> Plot {
    let map = &snapshot.outcome.liquidation_map;
    let summary = &snapshot.outcome.summary;
    let start = summary.start_price;
    let mut plot = Plot::new();
    // The stacked areas' top at each level: every bucket's amount there, summed.
    let mut stacked = vec![0.0; map.prices.len()];
    for (bucket, name) in map.buckets.iter().enumerate() {
        let values: Vec<f64> = map
            .prices
            .iter()
            .enumerate()
            .map(|(level, &price)| {
                if price < start {
                    map.long_usd[bucket][level]
                } else {
                    map.short_usd[bucket][level]
                }
            })
            .collect();
        for (top, value) in stacked.iter_mut().zip(&values) {
            *top += value;
        }
        // Stacked areas, not bars: seven paths draw far faster than a thousand rectangles.
        let color = palette::bucket(snapshot.theme, bucket, map.buckets.len());
        plot.add_trace(
            Scatter::new(map.prices.clone(), values)
                .mode(Mode::Lines)
                .stack_group("map")
                .name(crate::format::leverage_label(name))
                .line(Line::new().color(color).width(0.5))
                .fill_color(color),
        );
    }
    let theme = snapshot.theme;
    let w = words_inside();
    // Where the price went furthest (the summary's peak or trough).
    let rose = crate::headline::rises(summary);
    let stop = if rose {
        summary.max_price
    } else {
        summary.min_price
    };
    let mut shapes = vec![
        vertical_line(start, ink(theme).muted, DashType::Dot),
        vertical_line(stop, palette::SHORT, DashType::Solid),
    ];
    let cursor_step = snapshot.cursor.and_then(|c| snapshot.outcome.steps.get(c));
    // The x axis spans the map's levels and the lines, not the labels: plotly's autorange would
    // stretch it to fit each label's text to the right of its line (on a narrow embed, to twice
    // the start price).
    let (low, high) = map
        .prices
        .iter()
        .chain([start, stop].iter())
        .chain(cursor_step.map(|step| &step.mark))
        .filter(|price| price.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), &price| {
            (low.min(price), high.max(price))
        });
    // Each label a line below the one before. The flush's label runs toward the start's line
    // when that leaves it room (closer, running across it, it read as the start's label), else
    // away from it, the axis reaching past the flush's line to make room where the map ends
    // there (outward at the plot's edge, it ran over the axis's ticks and title).
    let span = high - low;
    let room = LABEL_ROOM * span;
    let falling = stop < start;
    let outside = if falling { stop - low } else { high - stop };
    let outward = (start - stop).abs() < room;
    // Reaching past the line widens the axis too: the room is a share of the wider one.
    let (low, high) = match (outward && outside < room, falling) {
        (true, true) => (
            ((stop - LABEL_ROOM * high) / (1.0 - LABEL_ROOM)).clamp(0.0, low),
            high,
        ),
        (true, false) => (
            low,
            ((stop - LABEL_ROOM * low) / (1.0 - LABEL_ROOM)).max(high),
        ),
        _ => (low, high),
    };
    let reached = label(
        stop,
        0.86,
        // On two lines: one runs off a narrow chart's edge.
        &wrapped(
            &fill(
                if rose {
                    w.squeeze_reached
                } else {
                    w.flush_reached
                },
                &[("price", &price_text(stop))],
            ),
            16,
        ),
        theme,
    );
    // Its two lines aligned to the side of its line (centred, the shorter one sat off it).
    let reached = if falling == outward {
        reached
            .x_anchor(Anchor::Right)
            .x_shift(-3.0)
            .align(plotly::layout::HAlign::Right)
    } else {
        reached.align(plotly::layout::HAlign::Left)
    };
    let mut annotations = vec![label(start, 1.0, w.start, theme), reached];
    if let Some(step) = cursor_step {
        shapes.push(vertical_line(step.mark, ink(theme).text, DashType::Dash));
        annotations.push(label(
            step.mark,
            // Below the flush's label's two lines.
            0.62,
            &fill(
                w.mark_at,
                &[(
                    "time",
                    &TimeScale::of_run(snapshot.scenario).label(step.t_s),
                )],
            ),
            theme,
        ));
    }
    let y_title = fill(w.would_be_liquidated, &[("unit", size_unit(snapshot))]);
    let highest = stacked.iter().copied().fold(0.0, f64::max);
    let mut layout = base_layout(theme, w.map_title, w.price_usd, &y_title)
        .y_axis(amounts_at(
            axis(theme, &y_title),
            ticks_to(highest),
            sizes_in_dollars(snapshot.scenario),
        ))
        .shapes(shapes)
        .annotations(annotations);
    if low < high {
        layout = layout.x_axis(price_axis(theme, start).range(vec![low, high]));
    }
    plot.set_layout(layout);
    plot
}

/// A price as the map labels it, e.g. "$55,210".
pub fn price_text(price: f64) -> String {
    crate::format::price(price)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The map's "this flush reached" label: its price, and which side of its line it runs.
    fn reached(preset: &str) -> (f64, f64, String) {
        let scenario = flushlab_engine::presets::find(preset)
            .expect("a preset")
            .scenario;
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let figure = crate::charts::plain_figure(plot, &scenario, &outcome, &Default::default());
        let notes = figure["layout"]["annotations"].as_array().expect("labels");
        let start = notes[0]["x"].as_f64().expect("the start");
        let label = &notes[1];
        // A squeeze's label says so.
        let text = label["text"].as_str().expect("text");
        let word = if crate::headline::rises(&outcome.summary) {
            "this squeeze"
        } else {
            "this flush"
        };
        assert!(text.starts_with(word), "{label}");
        (
            start,
            label["x"].as_f64().expect("at its line"),
            label["xanchor"].as_str().expect("anchored").to_string(),
        )
    }

    /// Every preset's "this flush reached" label has the room it needs on its side of its
    /// line: to the axis's edge when it runs outward, to the start's line when it runs inward.
    #[test]
    fn the_flushs_label_has_room_on_its_side() {
        for preset in flushlab_engine::presets::all() {
            let outcome = flushlab_engine::simulate(&preset.scenario).expect("it runs");
            let figure =
                crate::charts::plain_figure(plot, &preset.scenario, &outcome, &Default::default());
            let range = &figure["layout"]["xaxis"]["range"];
            let (low, high) = (range[0].as_f64().unwrap(), range[1].as_f64().unwrap());
            let notes = figure["layout"]["annotations"].as_array().expect("labels");
            let start = notes[0]["x"].as_f64().expect("the start");
            let stop = notes[1]["x"].as_f64().expect("the flush's line");
            let room = if notes[1]["xanchor"] == "right" {
                stop - if start < stop { start.max(low) } else { low }
            } else {
                (if start > stop { start.min(high) } else { high }) - stop
            };
            assert!(
                room >= 0.99 * LABEL_ROOM * (high - low) || low == 0.0,
                "{}: {room} of {}",
                preset.name,
                high - low
            );
        }
    }

    #[test]
    fn the_flushs_label_runs_away_from_the_start_line() {
        // A fall: the label ends at its line, left of it, clear of the start's line.
        let (start, stop, anchor) = reached("calm-market");
        assert!(stop < start);
        assert_eq!(anchor, "right");
        // A squeeze: it starts at its line and runs right, away from the start's.
        let (start, stop, anchor) = reached("short-squeeze");
        assert!(stop > start);
        assert_eq!(anchor, "left");
    }
}
