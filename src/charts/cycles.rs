//! Leverage cycles: the price fan, daily returns with and without cascades, their QQ plot against
//! a normal, and how the tails (excess kurtosis) grow with price impact.

use plotly::common::{DashType, Fill, Line, LineShape, Marker, Mode};
use plotly::histogram::{Bins, HistNorm};
use plotly::layout::{AxisType, BarMode};
use plotly::{Histogram, Plot, Scatter};

use super::{axis, base_layout, ink, palette, price_axis, suffixed_axis, words_inside, Snapshot};

/// Price percentiles across paths, day by day.
pub fn fan(snapshot: &Snapshot) -> Plot {
    let theme = snapshot.theme;
    let w = words_inside();
    let mut plot = Plot::new();
    if let Some(run) = &snapshot.cycles.run {
        let fan = &run.price_fan;
        let days: Vec<f64> = fan.days.iter().map(|&day| f64::from(day)).collect();
        // A band is its lower edge (named for hovers, out of the legend) filled up to its upper
        // edge, which names the band in the legend and its own percentile in hovers.
        let decimals = crate::format::price_decimals(snapshot.scenario.market.price);
        let hover = |name: &str| format!("{name} : %{{y:$,.{decimals}f}}<extra></extra>");
        let edge = |values: &Vec<f64>, name: &str| {
            Scatter::new(days.clone(), values.clone())
                .mode(Mode::Lines)
                .name(name)
                .line(Line::new().color(palette::LONG).width(0.5))
        };
        let band = |values: &Vec<f64>, band: &str, edge_name: &str, alpha: &'static str| {
            edge(values, band)
                .fill(Fill::ToNextY)
                .fill_color(alpha)
                .hover_template(hover(edge_name))
        };
        // On the dark theme's near-black the light theme's washes vanished (the outer band read
        // as background, the inner one as the whole fan).
        let (outer, inner) = match theme {
            crate::state::Theme::Light => ("rgba(0,114,178,0.15)", "rgba(0,114,178,0.30)"),
            crate::state::Theme::Dark => ("rgba(86,180,233,0.22)", "rgba(86,180,233,0.42)"),
        };
        plot.add_trace(edge(&fan.p05, w.p05).show_legend(false));
        plot.add_trace(band(&fan.p95, w.p05_p95, w.p95, outer));
        plot.add_trace(edge(&fan.p25, w.p25).show_legend(false));
        plot.add_trace(band(&fan.p75, w.p25_p75, w.p75, inner));
        plot.add_trace(
            Scatter::new(days.clone(), fan.p50.clone())
                .mode(Mode::Lines)
                .name(w.median)
                .line(Line::new().color(ink(theme).text).width(2.0)),
        );
        // The same paths' news alone, its outer edges dashed over the bands: how far the
        // cascades widen the fan, and on which side. One legend entry for both edges.
        let alone = &run.news_alone_fan;
        for (values, name, legend) in [
            (&alone.p05, w.news_alone_p05, true),
            (&alone.p95, w.news_alone_p95, false),
        ] {
            plot.add_trace(
                Scatter::new(days.clone(), values.clone())
                    .mode(Mode::Lines)
                    .name(if legend { w.news_alone_p05_p95 } else { name })
                    .legend_group("news-alone")
                    .show_legend(legend)
                    .line(
                        Line::new()
                            .color(ink(theme).muted)
                            .width(1.5)
                            .dash(DashType::Dash),
                    )
                    .hover_template(hover(name)),
            );
        }
    }
    plot.set_layout(
        base_layout(theme, w.fan_title, w.day, w.price_usd)
            .y_axis(price_axis(theme, snapshot.scenario.market.price)),
    );
    plot
}

/// Daily returns with cascades against the news alone.
pub fn returns(snapshot: &Snapshot) -> Plot {
    let theme = snapshot.theme;
    let w = words_inside();
    let mut plot = Plot::new();
    if let Some(run) = &snapshot.cycles.run {
        // Both in the same 80 bins (plotly binned each over its own range: bars of two widths).
        let (low, high) = run
            .returns_without
            .iter()
            .chain(&run.returns_with_cascades)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), &r| {
                (low.min(r), high.max(r))
            });
        let size = ((high - low) / 80.0).max(1e-9);
        let bins = || Bins::new(low, high + size, size);
        plot.add_trace(
            Histogram::new(run.returns_with_cascades.clone())
                .name(w.with_cascades)
                .hist_norm(HistNorm::ProbabilityDensity)
                .x_bins(bins())
                .opacity(0.6)
                .marker(Marker::new().color(palette::SHORT)),
        );
        // The news alone as an outline over the bars, in the same bins: as bars beneath them it
        // hid under the cascades' in the middle, where the two agree, and the comparison the
        // captions ask for could not be seen.
        let (x, y) = density_outline(&run.returns_without, low, size, 80);
        plot.add_trace(
            Scatter::new(x, y)
                .name(w.news_alone)
                .mode(Mode::Lines)
                .line(
                    Line::new()
                        .color(ink(theme).text)
                        .width(1.5)
                        .shape(LineShape::Hv),
                ),
        );
    }
    // The density on a log scale: the rare, violent days the caption speaks of are bins a
    // hundred times lower than the middle, flat on a linear axis.
    let layout = base_layout(theme, w.returns_title, w.daily_log_return, w.density)
        .x_axis(suffixed_axis(theme, w.daily_log_return, "%"))
        .y_axis(
            axis(theme, w.density)
                .type_(AxisType::Log)
                // A label at each power of ten only.
                .dtick(1.0)
                .hover_format(".3~g"),
        )
        .bar_mode(BarMode::Overlay);
    plot.set_layout(layout);
    plot
}

/// A histogram's probability density as a step outline: `bins` bins of `size` from `low` (as
/// plotly bins the bars beside it), each bin's height held across it to the next bin's edge;
/// empty bins are left out of the log axis (a gap, not a drop to zero).
fn density_outline(values: &[f64], low: f64, size: f64, bins: usize) -> (Vec<f64>, Vec<f64>) {
    let mut counts = vec![0usize; bins + 1];
    for &value in values {
        let bin = ((value - low) / size).floor();
        if bin.is_finite() && bin >= 0.0 {
            counts[(bin as usize).min(bins)] += 1;
        }
    }
    let total = values.len().max(1) as f64;
    let mut x = Vec::with_capacity(counts.len() + 1);
    let mut y = Vec::with_capacity(counts.len() + 1);
    for (bin, &count) in counts.iter().enumerate() {
        x.push(low + bin as f64 * size);
        y.push(if count == 0 {
            f64::NAN
        } else {
            count as f64 / (total * size)
        });
    }
    // The last step's right edge.
    x.push(low + counts.len() as f64 * size);
    y.push(*y.last().unwrap_or(&f64::NAN));
    (x, y)
}

/// Quantiles of standardized returns against a standard normal's.
pub fn qq(snapshot: &Snapshot) -> Plot {
    let theme = snapshot.theme;
    let w = words_inside();
    let mut plot = Plot::new();
    if let Some(run) = &snapshot.cycles.run {
        for (name, returns, color) in [
            (w.news_alone, &run.returns_without, ink(theme).muted),
            (w.with_cascades, &run.returns_with_cascades, palette::SHORT),
        ] {
            let (normal, sample) = qq_points(returns, 200);
            plot.add_trace(
                Scatter::new(normal, sample)
                    .mode(Mode::Markers)
                    .name(name)
                    .marker(Marker::new().color(color).size(4)),
            );
        }
        plot.add_trace(
            Scatter::new(vec![-4.0, 4.0], vec![-4.0, 4.0])
                .mode(Mode::Lines)
                .name(w.normal)
                // The axis's muted ink: the grid's was lost on the dark theme.
                .line(Line::new().color(ink(theme).muted).dash(DashType::Dash)),
        );
    }
    plot.set_layout(base_layout(
        theme,
        w.qq_title,
        w.normal_quantile,
        w.return_quantile,
    ));
    plot
}

/// Excess kurtosis of daily returns as price impact grows.
pub fn tails(snapshot: &Snapshot) -> Plot {
    let theme = snapshot.theme;
    let w = words_inside();
    let points = &snapshot.cycles.response;
    let impacts: Vec<f64> = points.iter().map(|point| point.value).collect();
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(
            impacts.clone(),
            points.iter().map(|p| p.excess_kurtosis_with).collect(),
        )
        .mode(Mode::LinesMarkers)
        .name(w.with_cascades)
        .line(Line::new().color(palette::SHORT).width(2.0)),
    );
    plot.add_trace(
        Scatter::new(
            impacts,
            points.iter().map(|p| p.excess_kurtosis_without).collect(),
        )
        .mode(Mode::LinesMarkers)
        .name(w.news_alone)
        .line(Line::new().color(ink(theme).muted).dash(DashType::Dash)),
    );
    plot.set_layout(base_layout(
        theme,
        w.tails_title,
        w.price_impact,
        w.excess_kurtosis,
    ));
    plot
}

/// The standardized sample's quantiles against the normal's: `count` evenly spaced through the
/// body, and past the first and last of them the tails' own points, the most extreme each drawn
/// (ranks spaced ever wider from the ends inwards). Evenly spaced alone, 200 quantiles of 30,000
/// days left out each side's 75 most extreme: the fat tails the plot is for (a -29.6% day, about
/// -10 standard deviations, was never drawn).
pub fn qq_points(returns: &[f64], count: usize) -> (Vec<f64>, Vec<f64>) {
    let n = returns.len();
    if n < 2 || count == 0 {
        return (Vec::new(), Vec::new());
    }
    let mean = returns.iter().sum::<f64>() / n as f64;
    let sd = (returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
    if sd <= 0.0 {
        return (Vec::new(), Vec::new());
    }
    let mut sorted: Vec<f64> = returns.iter().map(|r| (r - mean) / sd).collect();
    sorted.sort_by(f64::total_cmp);
    let mut ranks: Vec<usize> = (0..count)
        .map(|k| ((((k as f64 + 0.5) / count as f64) * n as f64) as usize).min(n - 1))
        .collect();
    let body_starts = ranks[0];
    let mut from_end = 0usize;
    while from_end < body_starts {
        ranks.push(from_end);
        ranks.push(n - 1 - from_end);
        from_end = (from_end + 1).max(from_end * 5 / 4);
    }
    ranks.sort_unstable();
    ranks.dedup();
    ranks
        .into_iter()
        .map(|rank| {
            (
                normal_quantile((rank as f64 + 0.5) / n as f64),
                sorted[rank],
            )
        })
        .unzip()
}

/// The standard normal's quantile (Acklam's rational approximation, relative error < 1.2e-9).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use flushlab_engine::analysis::{cycles, CyclesConfig};

    /// The QQ plot draws the sample's most extreme points, where fat tails are, each at its own
    /// rank's normal quantile; the body evenly.
    #[test]
    fn the_qq_plot_draws_the_extreme_days() {
        // 30,000 normal-looking days and one crash 12 standard deviations out.
        let mut returns: Vec<f64> = (0..30_000)
            .map(|k| super::normal_quantile((k as f64 + 0.5) / 30_000.0))
            .collect();
        returns[0] = -12.0;
        let (normal, sample) = super::qq_points(&returns, 200);
        let lowest = sample.iter().copied().fold(f64::INFINITY, f64::min);
        let highest = sample.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert!(lowest < -10.0, "the crash is drawn: {lowest}");
        assert!(highest > 3.5, "the highest day is drawn: {highest}");
        // In order on both axes, each x the normal quantile of its point's rank.
        assert!(normal.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(sample.windows(2).all(|pair| pair[0] <= pair[1]));
        assert!((normal[0] - super::normal_quantile(0.5 / 30_000.0)).abs() < 1e-12);
        // A few hundred points, not thirty thousand.
        assert!(normal.len() > 200 && normal.len() < 300, "{}", normal.len());
    }

    /// The news alone's outline is the same density plotly draws for the bars: its steps sum
    /// to one, each bin's height is its share over the bin's width, and an empty bin is a gap.
    #[test]
    fn the_outline_is_the_histograms_density() {
        let values = [0.0, 0.1, 0.1, 0.35, 0.9, 1.0];
        let (x, y) = super::density_outline(&values, 0.0, 0.25, 4);
        assert_eq!(x, [0.0, 0.25, 0.5, 0.75, 1.0, 1.25]);
        let area: f64 = y[..5]
            .iter()
            .filter(|h| h.is_finite())
            .map(|h| h * 0.25)
            .sum();
        assert!((area - 1.0).abs() < 1e-12, "{area}");
        assert!((y[0] - 3.0 / (6.0 * 0.25)).abs() < 1e-12);
        assert!(y[2].is_nan(), "no value in 0.5-0.75: a gap");
        assert_eq!(
            y[4].to_bits(),
            y[5].to_bits(),
            "the last step held to its edge"
        );
    }

    use crate::analyses::CyclesView;

    /// The fan draws the news alone's outer edges, dashed, from the run's own fan, under one
    /// legend entry, each edge named in its hover.
    #[test]
    fn the_fan_shows_the_news_alone_edges_under_one_legend_entry() {
        let scenario = flushlab_engine::presets::default_scenario();
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let config = CyclesConfig {
            paths: 12,
            days: 60,
            positions: 200,
            ..CyclesConfig::default()
        };
        let run = cycles(&scenario, &config).expect("it runs");
        let view = CyclesView {
            run: Some(run.clone()),
            ..CyclesView::default()
        };
        let figure = crate::charts::figure_with_cycles(
            super::fan,
            &scenario,
            &outcome,
            &Default::default(),
            &view,
        );
        let traces = figure["data"].as_array().expect("traces");
        let alone: Vec<&serde_json::Value> = traces
            .iter()
            .filter(|trace| trace["legendgroup"] == "news-alone")
            .collect();
        assert_eq!(alone.len(), 2);
        let ys = |trace: &serde_json::Value| -> Vec<f64> {
            trace["y"]
                .as_array()
                .expect("y")
                .iter()
                .map(|y| y.as_f64().expect("a number"))
                .collect()
        };
        assert_eq!(ys(alone[0]), run.news_alone_fan.p05);
        assert_eq!(ys(alone[1]), run.news_alone_fan.p95);
        assert_eq!(alone[0]["line"]["dash"], "dash");
        assert_eq!(
            [&alone[0]["showlegend"], &alone[1]["showlegend"]],
            [&serde_json::json!(true), &serde_json::json!(false)]
        );
        assert_eq!(alone[0]["name"], "news alone: middle 90%");
        assert!(alone[1]["hovertemplate"]
            .as_str()
            .expect("a template")
            .starts_with("news alone: 95th percentile"));
    }
}
