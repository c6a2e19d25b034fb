//! Amplification curve: final drawdown against shock size.

use plotly::common::Mode;
use plotly::layout::{Axis, Layout};
use plotly::{Plot, Scatter};

/// Drawdown against shock, with the current shock's point.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    pub shocks_pct: Vec<f64>,
    pub drawdowns_pct: Vec<f64>,
    pub shock_pct: f64,
    pub drawdown_at_shock: f64,
}

const KAPPA_RHO: f64 = 0.6;

/// The curve for the foundation's placeholder model.
pub fn curve(shock_pct: f64) -> Curve {
    let shocks_pct: Vec<f64> = (0..=100).map(|i| -(i as f64) * 0.5).collect();
    let drawdowns_pct = shocks_pct
        .iter()
        .map(|&s| flushlab_engine::fire_sale_drawdown_pct(s, KAPPA_RHO))
        .collect();
    Curve {
        shocks_pct,
        drawdowns_pct,
        shock_pct,
        drawdown_at_shock: flushlab_engine::fire_sale_drawdown_pct(shock_pct, KAPPA_RHO),
    }
}

impl Curve {
    /// The plotly figure.
    pub fn plot(&self) -> Plot {
        let mut plot = Plot::new();
        plot.add_trace(
            Scatter::new(self.shocks_pct.clone(), self.drawdowns_pct.clone())
                .mode(Mode::Lines)
                .name("final drawdown"),
        );
        plot.add_trace(
            Scatter::new(vec![self.shock_pct], vec![self.drawdown_at_shock])
                .mode(Mode::Markers)
                .name("this shock"),
        );
        plot.set_layout(
            Layout::new()
                .title("Amplification: drawdown against shock")
                .x_axis(Axis::new().title("shock (%)"))
                .y_axis(Axis::new().title("final drawdown (%)")),
        );
        plot
    }
}
