//! Phase map: final move over shock x mean leverage (or depth), filled row by row.

use plotly::common::{ColorBar, ColorScale, ColorScalePalette, Marker, MarkerSymbol, Mode, Title};
use plotly::layout::AxisType;
use plotly::{HeatMap, Plot, Scatter};

use super::{axis, base_layout, count, ink, words_inside, Snapshot};
use crate::analyses::PhaseAxis;
use crate::catalogue::text::fill;

/// The phase-map chart.
pub fn plot(snapshot: &Snapshot) -> Plot {
    let map = snapshot.phase;
    let theme = snapshot.theme;
    let w = words_inside();
    let (done, total) = map.progress();
    let y_title = match map.axis {
        Some(PhaseAxis::Depth) => w.depth_within_1pct,
        _ => w.mean_leverage,
    };
    let title = if map.problem.is_some() {
        w.phase_not_available.to_string()
    } else if done < total {
        fill(
            w.phase_computing,
            &[("done", &count(done)), ("total", &count(total))],
        )
    } else {
        w.phase_title.to_string()
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
            .hover_template(w.phase_hover),
        );
    }
    if let Some((shock, value)) = map.here {
        plot.add_trace(
            Scatter::new(vec![shock.abs()], vec![value])
                .mode(Mode::Markers)
                .name(w.this_scenario)
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
    let mut layout = base_layout(theme, &title, x_title, y_title);
    if map.axis == Some(PhaseAxis::Depth) {
        layout = layout.y_axis(axis(theme, y_title).type_(AxisType::Log));
    }
    plot.set_layout(layout);
    plot
}
