//! Liquidations per step, long and short stacked; the net selling of portfolio insurance and of
//! option dealers' hedging apart, as lines on their own axis, when the scenario has them.

use flushlab_engine::outcome::Step;
use flushlab_engine::{Outcome, Scenario};
use plotly::common::{Line, LineShape, Mode};
use plotly::layout::Margin;
use plotly::{Plot, Scatter};

use super::{
    amounts_at, axis, base_layout, cursor_line, palette, sizes_in_dollars, thin, ticks_to,
    words_inside, Snapshot, TimeScale,
};
use crate::catalogue::text::fill;

/// The selling (or buying) of the algorithms the scenario has, each a line on the second axis:
/// stop-loss orders, portfolio insurance, option dealers' hedging.
pub fn flows(scenario: &Scenario) -> Vec<Flow> {
    let agents = &scenario.agents;
    [
        (
            scenario.traders.stop_losses.is_some(),
            words_inside().stops_sold,
            stops_sold as fn(&Step) -> f64,
            palette::MARK,
        ),
        (
            agents.cppi.is_some(),
            words_inside().cppi_sold,
            cppi_sold as fn(&Step) -> f64,
            palette::ADL,
        ),
        (
            agents.option_dealers.is_some(),
            words_inside().dealers_sold,
            dealers_sold as fn(&Step) -> f64,
            palette::SKY,
        ),
    ]
    .into_iter()
    .filter(|(present, ..)| *present)
    .map(|(_, name, flow, color)| (name, flow, color))
    .collect()
}

/// The part of the run the chart shows, in seconds from its start: where liquidations happen,
/// and some calm after it (the whole run when nothing is liquidated).
pub fn window_s(outcome: &Outcome) -> f64 {
    let steps = &outcome.steps;
    let end = steps.last().map_or(1.0, |step| step.t_s);
    outcome
        .summary
        .last_liquidation_step
        .and_then(|step| steps.get(step as usize))
        .map_or(end, |step| (step.t_s * 1.5 + 10.0).min(end))
}

/// The part of the run the chart shows, in seconds: where liquidations happen ([`window_s`]),
/// and until the algorithms have stopped trading, when they trade after that.
fn shown_s(scenario: &Scenario, outcome: &Outcome) -> f64 {
    let steps = &outcome.steps;
    let end = steps.last().map_or(1.0, |step| step.t_s);
    let flows = flows(scenario);
    let algorithms_until = steps
        .iter()
        .rev()
        .find(|step| flows.iter().any(|(_, flow, _)| flow(step) != 0.0))
        .map_or(0.0, |step| (step.t_s * 1.2).min(end));
    window_s(outcome).max(algorithms_until)
}

/// The chart's title, with the step's length: a per-step amount means nothing without it.
pub fn title(scenario: &Scenario) -> String {
    let step_s = scenario.run.step_s;
    let step = if step_s < 120.0 && step_s.fract() != 0.0 {
        format!(
            "{} {}",
            crate::format::decimal(step_s, 3)
                .trim_end_matches('0')
                .trim_end_matches(['.', ',']),
            crate::format::locale().second
        )
    } else {
        crate::format::seconds(step_s)
    };
    fill(words_inside().liquidations_title, &[("step", &step)])
}

/// The liquidations chart.
pub fn plot(snapshot: &Snapshot) -> Plot {
    let steps = &snapshot.outcome.steps;
    // Each step's liquidations drawn over the second they happened in (its start to its end).
    let step_s = snapshot.scenario.run.step_s;
    let scale = TimeScale::of_run(snapshot.scenario);
    let all_times: Vec<f64> = steps
        .iter()
        .map(|step| scale.at(step.t_s - step_s))
        .collect();
    let longs: Vec<f64> = steps.iter().map(|step| step.liquidated_long_usd).collect();
    let shorts: Vec<f64> = steps.iter().map(|step| step.liquidated_short_usd).collect();
    // A long run's steps through each stretch's extremes (`thin`), of the longs and of both
    // sides stacked, on the same points (the layers stay aligned).
    let stacked: Vec<f64> = longs.iter().zip(&shorts).map(|(l, s)| l + s).collect();
    // The part the chart shows (`window_s`) apart from the calm after it.
    let shown = shown_s(snapshot.scenario, snapshot.outcome);
    let cut = steps.partition_point(|step| step.t_s - step_s < shown);
    let kept = thin::kept_around(&[&longs, &stacked], cut, thin::MOST_POINTS);
    let kept = kept.as_deref();
    let times = thin::pick(&all_times, kept);
    let (longs, shorts) = (thin::pick(&longs, kept), thin::pick(&shorts, kept));
    let flows = flows(snapshot.scenario);
    let w = words_inside();
    let mut plot = Plot::new();
    // Stacked steps (one path per side) rather than bars: as exact, and far cheaper to redraw.
    // Filled without an outline: a side with nothing liquidated draws nothing (an outline would
    // trace the other side's top in its colour).
    for (name, values, color) in [
        (w.longs_liquidated, longs, palette::LONG),
        (w.shorts_liquidated, shorts, palette::SHORT),
    ] {
        plot.add_trace(
            Scatter::new(times.clone(), values)
                .mode(Mode::Lines)
                .stack_group("liquidations")
                .name(name)
                .line(Line::new().color(color).width(0.0).shape(LineShape::Hv))
                .fill_color(color),
        );
    }
    for (name, flow, color) in &flows {
        let values: Vec<f64> = steps.iter().map(flow).collect();
        let kept = thin::kept_around(&[&values], cut, thin::MOST_POINTS);
        let times = thin::pick(&all_times, kept.as_deref());
        let values = thin::pick(&values, kept.as_deref());
        plot.add_trace(
            Scatter::new(times, values)
                .mode(Mode::Lines)
                .name(*name)
                .y_axis("y2")
                .line(
                    Line::new()
                        .color(*color)
                        .width(2.0)
                        .shape(LineShape::Hv)
                        .dash(plotly::common::DashType::Dash),
                ),
        );
    }
    // The unit alone: the title says what is counted, and a longer axis title runs off a short
    // chart (an embed's).
    let y_title = super::liquidated_unit(snapshot.scenario);
    let title = title(snapshot.scenario);
    let dollars = sizes_in_dollars(snapshot.scenario);
    let liquidated = steps
        .iter()
        .map(|step| step.liquidated_long_usd + step.liquidated_short_usd)
        .fold(0.0, f64::max);
    let start = snapshot.scenario.run.start_minute_utc();
    let mut layout = base_layout(snapshot.theme, &title, &scale.title_of(start), y_title)
        .x_axis(
            scale
                .axis_of(snapshot.theme, start)
                .range(vec![0.0, scale.at(shown)]),
        )
        .y_axis(amounts_at(
            axis(snapshot.theme, y_title),
            ticks_to(liquidated),
            dollars,
        ))
        .shapes(cursor_line(snapshot).into_iter().collect());
    if !flows.is_empty() {
        // On its own axis, as the insurers' flow can dwarf the liquidations it sets off, with
        // both axes' zero on one line (it buys back too: the line goes below zero).
        let (low, high) = steps
            .iter()
            .flat_map(|step| flows.iter().map(move |(_, flow, _)| flow(step)))
            .fold((0.0, 0.0), |(low, high), value| {
                (f64::min(low, value), f64::max(high, value))
            });
        let (liquidated, high) = (liquidated.max(1.0) * 1.05, high.max(1.0) * 1.05);
        let below = low * 1.05 / high;
        layout = layout
            .y_axis(amounts_at(
                axis(snapshot.theme, y_title).range(vec![below * liquidated, liquidated]),
                ticks_from_zero(liquidated),
                dollars,
            ))
            .y_axis2(amounts_at(
                axis(snapshot.theme, w.algorithms_sold)
                    .overlaying("y")
                    .side(plotly::common::AxisSide::Right)
                    .show_grid(false)
                    .range(vec![below * high, high]),
                ticks_across_zero(below * high, high),
                true,
            ))
            .margin(Margin::new().left(64).right(64).top(76).bottom(48));
    }
    plot.set_layout(layout);
    plot
}

/// Ticks from 0 up to `top` at a round step, three to five of them: the liquidations' axis
/// reaches below 0 only to line its zero up with the flows' axis, and labels no negative amount.
fn ticks_from_zero(top: f64) -> Vec<f64> {
    super::round_ticks(0.0, top, 5.0)
}

/// Ticks over `low..=high` (`low <= 0 < high`) at a round step, zero among them: the flows'
/// axis labels what the algorithms bought back (below zero) as well as what they sold, where
/// plotly's own ticks, spaced for the selling, often left the buying with no label.
fn ticks_across_zero(low: f64, high: f64) -> Vec<f64> {
    super::round_ticks(low, high, 7.0)
}

/// An algorithm's flow drawn on the right-hand axis: its name, its net selling in a step, its
/// colour.
pub type Flow = (&'static str, fn(&Step) -> f64, &'static str);

fn cppi_sold(step: &Step) -> f64 {
    step.cppi_sold_usd
}

fn dealers_sold(step: &Step) -> f64 {
    step.dealers_sold_usd
}

fn stops_sold(step: &Step) -> f64 {
    step.stops_sold_usd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flows_axis_labels_buying_and_selling_at_round_steps() {
        assert_eq!(
            ticks_across_zero(-31e6, 105e6),
            vec![-20e6, 0.0, 20e6, 40e6, 60e6, 80e6, 100e6]
        );
        assert_eq!(
            ticks_across_zero(0.0, 63e6),
            vec![0.0, 10e6, 20e6, 30e6, 40e6, 50e6, 60e6]
        );
        assert_eq!(ticks_across_zero(0.0, 0.0), vec![0.0]);
        for (low, high) in [(-1.0, 1.0), (-9e5, 2e5), (-3e9, 4.4e10), (0.0, 0.7)] {
            let ticks = ticks_across_zero(low, high);
            assert!((3..=8).contains(&ticks.len()), "{low}..{high}: {ticks:?}");
            assert!(ticks.contains(&0.0), "{low}..{high}: {ticks:?}");
            assert!(
                ticks.iter().all(|&t| (low..=high).contains(&t)),
                "{low}..{high}: {ticks:?}"
            );
        }
    }

    #[test]
    fn the_liquidations_axis_labels_no_negative_amount() {
        assert_eq!(ticks_from_zero(63e6), vec![0.0, 20e6, 40e6, 60e6]);
        assert_eq!(ticks_from_zero(1.05), vec![0.0, 0.5, 1.0]);
        assert_eq!(ticks_from_zero(0.0), vec![0.0]);
        for top in [0.7, 3.0, 9.9e5, 1.2e9, 4.4e10] {
            let ticks = ticks_from_zero(top);
            assert!((3..=6).contains(&ticks.len()), "{top}: {ticks:?}");
            assert!(
                ticks.iter().all(|&t| (0.0..=top).contains(&t)),
                "{top}: {ticks:?}"
            );
        }
        // Option dealers buy back as well as sell: their axis goes below 0, the liquidations'
        // goes with it to keep one zero line, and its ticks stay at 0 and above.
        let scenario = flushlab_engine::presets::find("dealers-short-gamma")
            .expect("a preset")
            .scenario;
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let figure = crate::charts::plain_figure(plot, &scenario, &outcome, &Default::default());
        let axis = &figure["layout"]["yaxis"];
        assert!(axis["range"][0].as_f64().expect("a range") < 0.0, "{axis}");
        let ticks = axis["tickvals"].as_array().expect("ticks");
        assert!(ticks.iter().all(|t| t.as_f64() >= Some(0.0)), "{axis}");
        // The dealers' axis labels their buying (below zero) as well as their selling, every
        // tick inside its range and one at zero.
        let flows = &figure["layout"]["yaxis2"];
        let (low, high) = (
            flows["range"][0].as_f64().expect("a range"),
            flows["range"][1].as_f64().expect("a range"),
        );
        let ticks: Vec<f64> = flows["tickvals"]
            .as_array()
            .expect("ticks")
            .iter()
            .filter_map(|t| t.as_f64())
            .collect();
        assert!(ticks.iter().all(|t| (low..=high).contains(t)), "{flows}");
        assert!(ticks.contains(&0.0), "{flows}");
        assert!(ticks.iter().any(|&t| t < 0.0), "{flows}");
        assert!((4..=8).contains(&ticks.len()), "{flows}");
    }
}
