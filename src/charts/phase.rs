//! Phase map: final move over shock x mean leverage (or depth), filled row by row.

use plotly::common::{ColorBar, ColorScale, ColorScalePalette, Marker, MarkerSymbol, Mode, Title};
use plotly::layout::AxisType;
use plotly::{HeatMap, Plot, Scatter};

use super::{axis, base_layout, ink, Snapshot};
use crate::analyses::PhaseAxis;

/// The phase-map chart.
pub fn plot(snapshot: &Snapshot) -> Plot {
    let map = snapshot.phase;
    let theme = snapshot.theme;
    let (done, total) = map.progress();
    let y_title = match map.axis {
        Some(PhaseAxis::Depth) => "depth within 1% (USD)",
        _ => "mean leverage (x)",
    };
    let title = if map.problem.is_some() {
        "Phase map: not available for this scenario".to_string()
    } else if done < total {
        format!("Phase map: final move (computing {done}/{total} rows)")
    } else {
        "Phase map: final move by shock and leverage".to_string()
    };
    let mut plot = Plot::new();
    if done > 0 {
        plot.add_trace(
            HeatMap::new(
                map.shocks_pct.iter().map(|shock| shock.abs()).collect(),
                map.values[..done].to_vec(),
                map.rows.clone(),
            )
            .name("final move")
            .color_scale(ColorScale::Palette(ColorScalePalette::Viridis))
            .zmin(0.0)
            .color_bar(ColorBar::new().title(Title::with_text("final move (%)")))
            .hover_template("shock %{x:.0f}%<br>%{y:.3s}<br>final move %{z:.1f}%<extra></extra>"),
        );
    }
    if let Some((shock, value)) = map.here {
        plot.add_trace(
            Scatter::new(vec![shock.abs()], vec![value])
                .mode(Mode::Markers)
                .name("this scenario")
                .marker(
                    Marker::new()
                        .symbol(MarkerSymbol::X)
                        .size(14)
                        .color(ink(theme).text),
                ),
        );
    }
    let x_title = match map.shocks_pct.first() {
        Some(shock) if *shock > 0.0 => "shock size, up (% of start price)",
        _ => "shock size, down (% of start price)",
    };
    let mut layout = base_layout(theme, &title, x_title, y_title);
    if map.axis == Some(PhaseAxis::Depth) {
        layout = layout.y_axis(axis(theme, y_title).type_(AxisType::Log));
    }
    plot.set_layout(layout);
    plot
}
