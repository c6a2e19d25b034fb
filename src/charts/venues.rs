//! The venues tab's chart: the scenario's price path on each venue profile, beside the scenario
//! as set.

use plotly::common::{DashType, Line, Mode};
use plotly::{Plot, Scatter};

use super::{base_layout, ink, palette, price_axis, thin, words_inside, Snapshot, TimeScale};
use crate::catalogue::text::fill;

/// Line colours: the scenario as set in the price's ink, then one per profile (six profiles,
/// six colours: with four, Binance's and dYdX's lines were drawn alike).
const PROFILE_COLOURS: [&str; 6] = palette::SERIES;
/// Dashes, alternating, so that neighbours in the legend differ in two ways.
const PROFILE_DASHES: [DashType; 2] = [DashType::Dash, DashType::DashDot];
/// Two paths never further apart than this share of the start price lie on one line (a couple
/// of pixels on a flush's axis): the legend says so, as the later one cannot be seen.
const SAME_LINE_SHARE: f64 = 0.003;

/// Whether two paths lie on one line over their first `cut` points.
fn same_line(a: &[f64], b: &[f64], cut: usize, start: f64) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .take(cut)
            .all(|(x, y)| (x - y).abs() <= SAME_LINE_SHARE * start)
}

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
    let clock = snapshot.scenario.run.start_minute_utc();
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
    // The venue without its contract ("Binance USDS-M", not "... (BTCUSDT)"): seven long names
    // made a legend of seven rows on a phone, up over the chart's title; the table beside it
    // names the contracts.
    let names: Vec<&str> = venues
        .rows
        .iter()
        .map(|row| row.name.split(" (").next().unwrap_or(&row.name))
        .collect();
    let start = snapshot.scenario.market.price;
    let mut plot = Plot::new();
    for (k, (name, path)) in names.iter().zip(&venues.paths).enumerate() {
        let times: Vec<f64> = (0..path.len())
            .map(|i| scale.at(i as f64 * venues.step_s))
            .collect();
        // A line drawn over an earlier one (venues whose rules change nothing for this
        // crowd) is named with it, or the legend lists lines the chart does not show.
        let over = (0..k).find(|&j| same_line(&venues.paths[j], path, cut, start));
        let name = match over {
            Some(j) => fill(w.venues_same_line, &[("name", name), ("other", names[j])]),
            None => name.to_string(),
        };
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
            &scale.title_of(clock),
            w.price_usd,
        )
        .x_axis(
            scale
                .axis_of(snapshot.theme, clock)
                .range(vec![0.0, scale.at(shown)]),
        )
        .y_axis(price_axis(snapshot.theme, snapshot.scenario.market.price)),
    );
    plot
}

#[cfg(test)]
mod tests {
    /// Venues whose rules give the crowd the path of an earlier line are named with it in the
    /// legend (Black Thursday: three of five on the scenario's own line), the others alone.
    #[test]
    fn a_venue_drawn_over_an_earlier_line_is_named_with_it() {
        use crate::analyses::VenuesView;
        let scenario = flushlab_engine::presets::find("bitmex-2020-03-12")
            .expect("a preset")
            .scenario;
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let mut venues = VenuesView::plan(&scenario);
        let mut session = crate::session::Session::default();
        while venues.step(&mut session) {}
        let figure = crate::charts::figure_with_analyses(
            super::price,
            &scenario,
            &outcome,
            &Default::default(),
            &Default::default(),
            &venues,
        );
        let names: Vec<&str> = figure["data"]
            .as_array()
            .expect("traces")
            .iter()
            .map(|trace| trace["name"].as_str().expect("a name"))
            .collect();
        assert_eq!(names.len(), venues.rows.len());
        assert_eq!(names[0], "Your settings");
        for together in [
            "Binance USDS-M",
            "Bybit USDT perpetual",
            "OKX USDT perpetual",
        ] {
            let said = format!("{together} (drawn under Your settings)");
            assert!(names.contains(&said.as_str()), "{names:?}");
        }
        // Hyperliquid's backstop keeps its crowd off the book: a line of its own.
        assert!(names.contains(&"Hyperliquid"), "{names:?}");
        // The lines it names together are within a couple of pixels of each other, throughout.
        let start = scenario.market.price;
        for (k, name) in names.iter().enumerate().skip(1) {
            let together = name.ends_with("(drawn under Your settings)");
            let furthest = venues.paths[k]
                .iter()
                .zip(&venues.paths[0])
                .map(|(a, b)| (a - b).abs() / start)
                .fold(0.0, f64::max);
            assert_eq!(
                together,
                furthest <= super::SAME_LINE_SHARE,
                "{name}: {furthest}"
            );
        }
    }

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
