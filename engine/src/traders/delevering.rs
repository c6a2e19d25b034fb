//! Pre-emptive de-leveraging: a share of positions cuts size once realized volatility crosses a
//! threshold.

use crate::market::OrderBook;
use crate::scenario::{Delever, Side};
use crate::venue::LiquidationEngine;

/// Positions that cut size when realized volatility crosses a threshold (once per run).
pub struct Delevering {
    rules: Delever,
    done: bool,
    pub notional: f64,
}

impl Delevering {
    pub fn new(rules: &Delever) -> Delevering {
        Delevering {
            rules: rules.clone(),
            done: false,
            notional: 0.0,
        }
    }

    /// Standard deviation of per-step returns over the window, percent.
    fn realized_volatility_pct(&self, history: &[f64]) -> f64 {
        realized_volatility_pct(history, self.rules.window_steps as usize)
    }

    /// When volatility crosses the threshold, the de-leveraging share closes `fraction` of every
    /// open position with market orders, longs and shorts each as one trade into the book, once
    /// per run (the sold notional adds to `self.notional`).
    pub fn step(
        &mut self,
        history: &[f64],
        mark: f64,
        book: &mut OrderBook,
        venue: &mut LiquidationEngine,
    ) {
        if self.done || self.realized_volatility_pct(history) < self.rules.volatility_threshold_pct
        {
            return;
        }
        self.done = true;
        let threshold = 1.0 - self.rules.share;
        let members: Vec<usize> = (0..venue.len())
            .filter(|&i| {
                venue.table.behaviour_draw[i] >= threshold
                    && venue.is_open(i)
                    && !venue.is_pending(i)
            })
            .collect();
        for side in [Side::Long, Side::Short] {
            let side_members: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&i| venue.side[i] == side)
                .collect();
            let coins: f64 = side_members
                .iter()
                .map(|&i| venue.coins(i, self.rules.fraction, mark))
                .sum();
            if coins <= 0.0 {
                continue;
            }
            let fill = book.trade(if side == Side::Long { coins } else { -coins });
            for i in side_members {
                self.notional += venue.reduce_voluntarily(i, self.rules.fraction, fill);
            }
        }
    }
}

/// Standard deviation of the per-step returns of the last `window` steps of `history` (last
/// prices), percent; 0 until the history is that long.
pub fn realized_volatility_pct(history: &[f64], window: usize) -> f64 {
    if history.len() < window + 1 {
        return 0.0;
    }
    // Two passes over the window's returns, without collecting them: this runs every step.
    let recent = &history[history.len() - window - 1..];
    let returns = || {
        recent
            .windows(2)
            .map(|pair| (pair[1] / pair[0] - 1.0) * 100.0)
    };
    let count = window as f64;
    let mean = returns().sum::<f64>() / count;
    let variance = returns().map(|r| (r - mean) * (r - mean)).sum::<f64>() / count;
    libm::sqrt(variance)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::positions::PositionTable;
    use crate::traders::examples::scenario;

    fn delever(share: f64, threshold_pct: f64) -> Delever {
        Delever {
            share,
            volatility_threshold_pct: threshold_pct,
            window_steps: 4,
            fraction: 0.5,
        }
    }

    #[test]
    fn volatility_is_the_standard_deviation_of_returns_over_the_window() {
        let rules = Delevering::new(&delever(1.0, 1.0));
        assert_eq!(
            rules.realized_volatility_pct(&[100.0, 101.0, 102.0]),
            0.0,
            "too short"
        );
        assert_eq!(rules.realized_volatility_pct(&[100.0; 8]), 0.0, "flat");
        // Returns +10%, -10%, +10%, -10% (the oldest price is outside the window).
        let zigzag = [50.0, 100.0, 110.0, 99.0, 108.9, 98.01];
        let volatility = rules.realized_volatility_pct(&zigzag);
        assert!((volatility - 10.0).abs() < 1e-9, "{volatility}");
    }

    #[test]
    fn past_the_volatility_threshold_the_share_cuts_its_positions_once() {
        let scenario = scenario(&[
            ("long", 20_000.0, 100.0, 5.0),
            ("short", 10_000.0, 100.0, 5.0),
        ]);
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut book = OrderBook::new(&scenario.market);
        let sizes: Vec<f64> = (0..table.len()).map(|i| venue.size(i)).collect();
        let mut delevering = Delevering::new(&delever(1.0, 5.0));

        let calm = [100.0, 100.5, 100.0, 100.5, 100.0];
        delevering.step(&calm, 100.0, &mut book, &mut venue);
        assert_eq!(delevering.notional, 0.0);
        assert_eq!(book.consumed(), 0.0);

        let wild = [100.0, 110.0, 99.0, 108.9, 98.01];
        delevering.step(&wild, 100.0, &mut book, &mut venue);
        for (i, size) in sizes.iter().enumerate() {
            assert!(
                (venue.size(i) - size * 0.5).abs() < 1e-6,
                "position {i} halved"
            );
        }
        // 100 coins of longs sold, 50 of shorts bought back: 50 net sold into the book.
        assert!((book.consumed() - 50.0).abs() < 1e-6, "{}", book.consumed());
        assert!(
            (delevering.notional - 15_000.0).abs() < 50.0,
            "{}",
            delevering.notional
        );
        // Once per run.
        let notional = delevering.notional;
        delevering.step(&wild, 100.0, &mut book, &mut venue);
        assert_eq!(delevering.notional, notional);
    }

    #[test]
    fn outside_the_delever_share_nobody_cuts() {
        let scenario = scenario(&[("long", 20_000.0, 100.0, 5.0)]);
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut book = OrderBook::new(&scenario.market);
        let size = venue.size(0);
        let mut delevering = Delevering::new(&delever(0.0, 5.0));
        delevering.step(
            &[100.0, 110.0, 99.0, 108.9, 98.01],
            100.0,
            &mut book,
            &mut venue,
        );
        assert_eq!((venue.size(0), delevering.notional), (size, 0.0));
        assert_eq!(book.consumed(), 0.0);
    }
}
