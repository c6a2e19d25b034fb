//! Insurance fund, auto-deleveraging and bad debt over time.

use plotly::common::{DashType, Line, Mode};
use plotly::{Plot, Scatter};

use super::{base_layout, cursor_line, money_unit, palette, words_inside, Snapshot, TimeScale};

/// The fund chart.
pub fn plot(snapshot: &Snapshot) -> Plot {
    let steps = &snapshot.outcome.steps;
    let scale = TimeScale::of_run(snapshot.scenario);
    let times: Vec<f64> = steps.iter().map(|step| scale.at(step.t_s)).collect();
    let fund: Vec<f64> = steps.iter().map(|step| step.insurance_fund_usd).collect();
    let running = |values: Vec<f64>| -> Vec<f64> {
        values
            .into_iter()
            .scan(0.0, |total, value| {
                *total += value;
                Some(*total)
            })
            .collect()
    };
    let adl = running(steps.iter().map(|step| step.adl_usd).collect());
    let bad_debt = running(steps.iter().map(|step| step.bad_debt_usd).collect());
    let w = words_inside();
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(times.clone(), fund)
            .mode(Mode::Lines)
            .name(w.insurance_fund)
            .line(Line::new().color(palette::FUND).width(2.0)),
    );
    plot.add_trace(
        Scatter::new(times.clone(), adl)
            .mode(Mode::Lines)
            .name(w.adl_total)
            .line(
                Line::new()
                    .color(palette::ADL)
                    .width(2.0)
                    .dash(DashType::Dash),
            ),
    );
    plot.add_trace(
        Scatter::new(times, bad_debt)
            .mode(Mode::Lines)
            .name(w.bad_debt_total)
            .line(
                Line::new()
                    .color(palette::SHORT)
                    .width(2.0)
                    .dash(DashType::Dot),
            ),
    );
    let y_title = money_unit(snapshot).to_string();
    let layout = base_layout(snapshot.theme, w.fund_title, scale.title(), &y_title)
        .shapes(cursor_line(snapshot).into_iter().collect());
    plot.set_layout(layout);
    plot
}
