//! The options-leverage tab's charts: a long call against a perpetual long at the call's
//! effective leverage, by the price move after the holding (`returns`), and the call's value
//! and leverage as time passes at an unchanged price (`decay`).

use flushlab_engine::analysis::option_leverage::{option_leverage, OptionLeverage};
use plotly::common::{AxisSide, DashType, Line, Mode};
use plotly::layout::Margin;
use plotly::{Plot, Scatter};

use super::{base_layout, palette, suffixed_axis, vertical_line, words_inside, Snapshot};
use crate::catalogue::text::fill;
use crate::format;

/// The comparison for the snapshot's option (none for an invalid one: the controls keep it
/// valid, a hand-made state may not).
fn comparison(snapshot: &Snapshot) -> Option<OptionLeverage> {
    snapshot
        .options
        .validate()
        .ok()
        .map(|()| option_leverage(snapshot.options))
}

/// Return on the money put up, by the price move at the end of the holding.
pub fn returns(snapshot: &Snapshot) -> Plot {
    let w = words_inside();
    let mut plot = Plot::new();
    let mut layout = base_layout(
        snapshot.theme,
        w.options_returns_title,
        w.price_move_pct,
        w.return_on_money_pct,
    );
    if let Some(result) = comparison(snapshot) {
        let moves: Vec<f64> = result.by_move.iter().map(|p| p.move_pct).collect();
        let call: Vec<f64> = result.by_move.iter().map(|p| p.call_return_pct).collect();
        let perp: Vec<f64> = result.by_move.iter().map(|p| p.perp_return_pct).collect();
        let leverage = format::factor(result.leverage, 1);
        plot.add_trace(
            Scatter::new(moves.clone(), call)
                .mode(Mode::Lines)
                .name(w.call_long)
                .line(Line::new().color(palette::LONG).width(2.5)),
        );
        // No perpetual opens at a leverage past one over its maintenance margin: no line.
        if result.perp_opens {
            plot.add_trace(
                Scatter::new(moves, perp)
                    .mode(Mode::Lines)
                    .name(fill(w.perp_long, &[("leverage", &leverage)]))
                    .line(
                        Line::new()
                            .color(palette::SHORT)
                            .width(2.0)
                            .dash(DashType::Dash),
                    ),
            );
        }
        let liquidation = result.perp_liquidation_move_pct;
        if result.perp_opens && liquidation > -50.0 {
            layout = layout.shapes(vec![vertical_line(
                liquidation,
                palette::SHORT,
                DashType::Dot,
            )]);
        }
        // Returns beyond a few hundred percent would flatten the part that matters.
        let top = result
            .by_move
            .iter()
            .map(|p| p.call_return_pct.max(p.perp_return_pct))
            .fold(100.0, f64::max)
            .min(1_000.0);
        layout = layout
            .x_axis(suffixed_axis(snapshot.theme, w.price_move_pct, "%").range(vec![-50.0, 50.0]))
            .y_axis(
                suffixed_axis(snapshot.theme, w.return_on_money_pct, "%")
                    .range(vec![-110.0, top * 1.05]),
            );
    }
    plot.set_layout(layout);
    plot
}

/// The call at an unchanged price: its value (percent of the premium) and its leverage, from
/// purchase to expiry.
pub fn decay(snapshot: &Snapshot) -> Plot {
    let w = words_inside();
    let mut plot = Plot::new();
    let mut layout = base_layout(
        snapshot.theme,
        w.options_decay_title,
        w.days_since_purchase,
        w.value_pct_of_premium,
    );
    if let Some(result) = comparison(snapshot) {
        let days: Vec<f64> = result.by_time.iter().map(|p| p.days).collect();
        let value: Vec<f64> = result
            .by_time
            .iter()
            .map(|p| p.value_pct_of_premium)
            .collect();
        // Expired out of the money, the call is worth nothing and its leverage (delta x price /
        // value) means nothing: no point there (a gap), rather than a line dropping to 0.
        let leverage: Vec<f64> = result
            .by_time
            .iter()
            .map(|p| {
                if p.value_pct_of_premium > 0.0 {
                    p.leverage
                } else {
                    f64::NAN
                }
            })
            .collect();
        // An out-of-the-money call's leverage shoots up just before it expires worthless: the
        // axis stops at five times its leverage at purchase.
        let leverage_top = leverage
            .iter()
            .copied()
            .fold(result.leverage, f64::max)
            .min(5.0 * result.leverage)
            * 1.1;
        plot.add_trace(
            Scatter::new(days.clone(), value)
                .mode(Mode::Lines)
                .name(w.call_value)
                .line(Line::new().color(palette::LONG).width(2.5)),
        );
        plot.add_trace(
            Scatter::new(days, leverage)
                .mode(Mode::Lines)
                .name(w.call_leverage)
                .y_axis("y2")
                .line(
                    Line::new()
                        .color(palette::MARK)
                        .width(2.0)
                        .dash(DashType::Dash),
                ),
        );
        // Both axes start a little below 0, at the same height, so their 0s sit apart from the
        // day axis's first and last labels in the corners.
        let below = 4.0 / 105.0;
        layout = layout
            .y_axis(
                suffixed_axis(snapshot.theme, w.value_pct_of_premium, "%")
                    .range(vec![-below * 105.0, 105.0]),
            )
            .y_axis2(
                suffixed_axis(snapshot.theme, w.effective_leverage, "x")
                    .overlaying("y")
                    .side(AxisSide::Right)
                    .show_grid(false)
                    .range(vec![-below * leverage_top, leverage_top]),
            )
            .shapes(vec![vertical_line(
                snapshot.options.days_held,
                palette::SKY,
                DashType::Dot,
            )])
            .margin(Margin::new().left(64).right(64).top(76).bottom(48));
    }
    plot.set_layout(layout);
    plot
}

#[cfg(test)]
mod tests {
    use super::*;
    use flushlab_engine::analysis::OptionSpec;

    fn traces(draw: fn(&Snapshot) -> Plot, options: &OptionSpec) -> Vec<serde_json::Value> {
        let scenario = flushlab_engine::presets::default_scenario();
        let outcome = flushlab_engine::simulate(&scenario).expect("the default runs");
        crate::charts::traces_of(draw, &scenario, &outcome, options)
    }

    #[test]
    fn the_returns_chart_draws_the_call_and_the_perpetual_named_by_its_leverage() {
        let spec = OptionSpec::default();
        let drawn = traces(returns, &spec);
        assert_eq!(drawn.len(), 2);
        let leverage = format::factor(option_leverage(&spec).leverage, 1);
        assert_eq!(drawn[1]["name"], format!("perpetual long at {leverage}"));
        let call = drawn[0]["y"].as_array().unwrap();
        assert!(call.iter().all(|r| r.as_f64().unwrap() >= -100.0));
    }

    #[test]
    fn the_decay_chart_draws_value_and_leverage_and_an_invalid_option_nothing() {
        let drawn = traces(decay, &OptionSpec::default());
        assert_eq!(drawn.len(), 2);
        assert_eq!(drawn[1]["yaxis"], "y2");
        // The default call (struck above the price) expires worthless: its leverage line stops
        // before expiry (a gap, null in the figure) instead of dropping to 0 there.
        let leverage = drawn[1]["y"].as_array().unwrap();
        assert!(leverage.last().unwrap().is_null(), "{:?}", leverage.last());
        assert!(leverage[..leverage.len() - 1]
            .iter()
            .all(|l| l.as_f64().is_some_and(|l| l > 0.0)));
        let bad = OptionSpec {
            days_held: 400.0,
            ..OptionSpec::default()
        };
        assert!(traces(decay, &bad).is_empty());
        assert!(traces(returns, &bad).is_empty());
    }
}
