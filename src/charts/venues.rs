//! The venues tab's chart: the scenario's price path on each venue profile, beside the scenario
//! as set.

use plotly::common::{DashType, Line, Mode};
use plotly::{Plot, Scatter};

use super::{base_layout, ink, palette, words_inside, Snapshot};

/// Line colours: the scenario as set in the price's ink, then one per profile.
const PROFILE_COLOURS: [&str; 4] = [palette::LONG, palette::SHORT, palette::FUND, palette::ADL];

/// The price path on every venue run so far.
pub fn price(snapshot: &Snapshot) -> Plot {
    let w = words_inside();
    let venues = snapshot.venues;
    let mut plot = Plot::new();
    for (k, (row, path)) in venues.rows.iter().zip(&venues.paths).enumerate() {
        let times: Vec<f64> = (0..path.len()).map(|i| i as f64 * venues.step_s).collect();
        let line = match k {
            0 => Line::new().color(ink(snapshot.theme).price).width(3.0),
            _ => Line::new()
                .color(PROFILE_COLOURS[(k - 1) % PROFILE_COLOURS.len()])
                .width(2.0)
                .dash(DashType::Dash),
        };
        plot.add_trace(
            Scatter::new(times, path.clone())
                .mode(Mode::Lines)
                .name(row.name.as_str())
                .line(line),
        );
    }
    plot.set_layout(base_layout(
        snapshot.theme,
        w.venues_price_title,
        w.time_s,
        w.price_usd,
    ));
    plot
}
