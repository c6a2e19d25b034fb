//! The build-up before the shock: the crowd's long and short open interest at every funding
//! payment, and the rate each payment charged on its own axis (the skew, seen as venues show it).

use plotly::common::{AxisSide, Line, LineShape, Marker, Mode};
use plotly::layout::Margin;
use plotly::{Bar, Plot, Scatter};

use super::{
    amounts_at, axis, base_layout, palette, round_ticks, size_unit, sizes_in_dollars, words_inside,
    Snapshot,
};
use crate::catalogue::text::fill;

/// The funding chart (empty when the run had no build-up).
pub fn plot(snapshot: &Snapshot) -> Plot {
    let w = words_inside();
    let mut plot = Plot::new();
    let y_title = fill(w.open_interest_in, &[("unit", size_unit(snapshot))]);
    // With no shock (a funding bleed), the build-up leads to the run's start.
    let (title, hours_to) = if super::price::has_shock(&snapshot.scenario.shock) {
        (w.funding_title, w.hours_to_shock)
    } else {
        (w.funding_title_no_shock, w.hours_to_start)
    };
    let mut layout = base_layout(snapshot.theme, title, hours_to, &y_title);
    let Some(build_up) = snapshot.outcome.build_up.as_ref() else {
        plot.set_layout(layout);
        return plot;
    };
    let payments = &build_up.payments;
    // Open interest from the build-up's start, then after each payment.
    let times: Vec<f64> = std::iter::once(-build_up.hours)
        .chain(payments.iter().map(|payment| payment.t_h))
        .collect();
    let open = |start: f64, after: fn(&flushlab_engine::outcome::FundingPayment) -> f64| {
        std::iter::once(start)
            .chain(payments.iter().map(after))
            .collect::<Vec<f64>>()
    };
    for (name, values, color) in [
        (
            w.long_open,
            open(build_up.long_open_start_usd, |p| p.long_open_usd),
            palette::LONG,
        ),
        (
            w.short_open,
            open(build_up.short_open_start_usd, |p| p.short_open_usd),
            palette::SHORT,
        ),
    ] {
        plot.add_trace(
            Scatter::new(times.clone(), values)
                .mode(Mode::Lines)
                .name(name)
                .line(Line::new().color(color).width(2.0).shape(LineShape::Hv)),
        );
    }
    let rates: Vec<f64> = payments.iter().map(|payment| payment.rate_pct).collect();
    let paid_at: Vec<f64> = payments.iter().map(|payment| payment.t_h).collect();
    // Traders compare funding a year (simple, as venues' APR): a payment's rate times the
    // payments in a year.
    let per_year = 8_760.0 / snapshot.scenario.venue.funding.interval_h;
    let yearly: Vec<String> = rates
        .iter()
        .map(|rate| crate::format::percent(rate * per_year, 0))
        .collect();
    plot.add_trace(
        Bar::new(paid_at, rates)
            .name(w.funding_rate)
            .text_array(yearly)
            .text_position(plotly::common::TextPosition::None)
            .hover_template(fill(w.funding_rate_hover, &[("name", w.funding_rate)]))
            .y_axis("y2")
            .opacity(0.45)
            .marker(Marker::new().color(palette::MARK)),
    );
    let highest = build_up
        .long_open_start_usd
        .max(build_up.short_open_start_usd)
        .max(1.0)
        * 1.08;
    let (low, high) = payments.iter().fold((0.0, 0.0), |(low, high), payment| {
        (
            f64::min(low, payment.rate_pct),
            f64::max(high, payment.rate_pct),
        )
    });
    // A payment at the shock's moment draws its whole bar (half of it past the shock).
    let half_bar = build_up.hours / build_up.payments.len().max(1) as f64 / 2.0;
    // Both axes' zero on one line; the rate's bars fill the lower part of the plot.
    let high = high.max(1e-6) * 2.5;
    let below = if high > 0.0 { low * 1.1 / high } else { 0.0 };
    layout = layout
        .x_axis(axis(snapshot.theme, hours_to).range(vec![-build_up.hours, half_bar]))
        .y_axis(amounts_at(
            axis(snapshot.theme, &y_title).range(vec![below * highest, highest]),
            round_ticks(0.0, highest, 5.0),
            sizes_in_dollars(snapshot.scenario),
        ))
        .y_axis2(
            axis(snapshot.theme, w.funding_rate)
                .overlaying("y")
                .side(AxisSide::Right)
                .show_grid(false)
                .range(vec![below * high, high]),
        )
        .margin(Margin::new().left(64).right(64).top(76).bottom(48));
    plot.set_layout(layout);
    plot
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::traces_of;

    #[test]
    fn it_draws_each_sides_open_interest_from_the_start_and_every_payments_rate() {
        let scenario = flushlab_engine::presets::find("funding-bleed")
            .expect("the preset")
            .scenario;
        let outcome = flushlab_engine::simulate(&scenario).expect("a valid preset");
        let build_up = outcome.build_up.as_ref().expect("a build-up");
        let traces = traces_of(plot, &scenario, &outcome, &Default::default());
        assert_eq!(traces.len(), 3);
        let longs = traces[0]["y"].as_array().unwrap();
        assert_eq!(longs.len(), build_up.payments.len() + 1);
        assert_eq!(longs[0].as_f64(), Some(build_up.long_open_start_usd));
        // The longs thin as funding wears their thinnest through; the shorts, who are paid, hold.
        assert!(longs.last().unwrap().as_f64().unwrap() < build_up.long_open_start_usd);
        let shorts = traces[1]["y"].as_array().unwrap();
        assert_eq!(shorts.first(), shorts.last());
        let rates = traces[2]["y"].as_array().unwrap();
        assert_eq!(rates.len(), build_up.payments.len());
        assert_eq!(traces[2]["yaxis"], "y2");
        assert!(rates.iter().all(|rate| rate.as_f64().unwrap() > 0.1));
    }

    #[test]
    fn a_run_without_a_build_up_draws_an_empty_chart() {
        let scenario = flushlab_engine::presets::default_scenario();
        let outcome = flushlab_engine::simulate(&scenario).expect("a valid preset");
        assert!(traces_of(plot, &scenario, &outcome, &Default::default()).is_empty());
    }
}
