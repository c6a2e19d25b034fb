//! The venues tab's chart: the scenario's price path on each venue profile, beside the scenario
//! as set.

use plotly::common::{DashType, Line, Mode};
use plotly::{Plot, Scatter};

use super::{base_layout, ink, palette, price_axis, thin, words_inside, Snapshot, TimeScale};

/// Line colours: the scenario as set in the price's ink, then one per profile (six profiles,
/// six colours: with four, Binance's and dYdX's lines were drawn alike).
const PROFILE_COLOURS: [&str; 6] = palette::SERIES;
/// Dashes, alternating, so that neighbours in the legend differ in two ways.
const PROFILE_DASHES: [DashType; 2] = [DashType::Dash, DashType::DashDot];

/// The price path on every venue run so far.
pub fn price(snapshot: &Snapshot) -> Plot {
    let w = words_inside();
    let venues = snapshot.venues;
    let end = venues
        .paths
        .iter()
        .map(|path| path.len().saturating_sub(1) as f64 * venues.step_s)
        .fold(0.0, f64::max);
    let scale = TimeScale::of(end);
    // Show the flushes, not the long calm after them: up to three times the latest extreme
    // (trough or peak) of any venue, and some seconds.
    let extreme = venues
        .paths
        .iter()
        .map(|path| {
            let start = path.first().copied().unwrap_or_default();
            let (k, _) = path
                .iter()
                .enumerate()
                .fold((0, 0.0), |(best, far), (k, price)| {
                    let away = (price - start).abs();
                    if away > far {
                        (k, away)
                    } else {
                        (best, far)
                    }
                });
            k as f64 * venues.step_s
        })
        .fold(0.0, f64::max);
    let shown = (extreme * 3.0 + 10.0 * venues.step_s)
        .min(end)
        .max(venues.step_s);
    // The points shown: up to the first step past it.
    let cut = (shown / venues.step_s).ceil() as usize + 1;
    let mut plot = Plot::new();
    for (k, (row, path)) in venues.rows.iter().zip(&venues.paths).enumerate() {
        let times: Vec<f64> = (0..path.len())
            .map(|i| scale.at(i as f64 * venues.step_s))
            .collect();
        // A long run's path through each stretch's extremes (`thin`), the part shown apart.
        let kept = thin::kept_around(&[path], cut, thin::MOST_POINTS);
        let (times, path) = (
            thin::pick(&times, kept.as_deref()),
            thin::pick(path, kept.as_deref()),
        );
        let line = match k {
            0 => Line::new().color(ink(snapshot.theme).price).width(3.0),
            _ => Line::new()
                .color(PROFILE_COLOURS[(k - 1) % PROFILE_COLOURS.len()])
                .width(2.0)
                .dash(PROFILE_DASHES[(k - 1) % PROFILE_DASHES.len()].clone()),
        };
        // The venue without its contract ("Binance USDS-M", not "... (BTCUSDT)"): seven long
        // names made a legend of seven rows on a phone, up over the chart's title; the table
        // beside it names the contracts.
        let name = row.name.split(" (").next().unwrap_or(&row.name);
        plot.add_trace(
            Scatter::new(times, path)
                .mode(Mode::Lines)
                .name(name)
                .line(line),
        );
    }
    plot.set_layout(
        base_layout(
            snapshot.theme,
            w.venues_price_title,
            scale.title(),
            w.price_usd,
        )
        .x_axis(scale.axis(snapshot.theme).range(vec![0.0, scale.at(shown)]))
        .y_axis(price_axis(snapshot.theme, snapshot.scenario.market.price)),
    );
    plot
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_profile_has_a_line_of_its_own() {
        let profiles = flushlab_engine::scenario::profiles::venue_profiles().len();
        assert!(
            profiles <= super::PROFILE_COLOURS.len(),
            "{profiles} profiles"
        );
        let mut colours = super::PROFILE_COLOURS.to_vec();
        colours.sort_unstable();
        colours.dedup();
        assert_eq!(colours.len(), super::PROFILE_COLOURS.len(), "all distinct");
    }
}
