//! The shock: how the scenario's exogenous move or market order hits the book, at once (instant
//! solver) or step by step (timeline), its own size, and how the app and analyses resize it.

use crate::market::OrderBook;
use crate::scenario::{Market, Shock, ShockKind};

impl Shock {
    /// Whether the shock pushes the price up.
    pub fn is_up(&self) -> bool {
        match self.kind {
            ShockKind::Instant | ShockKind::Ramp => self.pct > 0.0,
            ShockKind::Sell => self.notional_usd < 0.0,
        }
    }

    /// The shock's own signed move in percent (for a market order: its impact on the untouched
    /// book of `market`).
    pub fn move_pct(&self, market: &Market) -> f64 {
        match self.kind {
            ShockKind::Instant | ShockKind::Ramp => self.pct,
            ShockKind::Sell => {
                let book = OrderBook::new(market);
                let start = book.start_price();
                (book.price_after(self.notional_usd / start) - start) / start * 100.0
            }
        }
    }

    /// The market order (USD; negative buys) that alone moves the untouched book of `market` by
    /// `pct`, rounded to the dollar thousand.
    pub fn sell_notional_for(market: &Market, pct: f64) -> f64 {
        let book = OrderBook::new(market);
        let start = book.start_price();
        let notional = book.coins_to_reach(start * (1.0 + pct / 100.0)) * start;
        if notional.is_finite() {
            (notional / 1000.0).round() * 1000.0
        } else {
            0.0
        }
    }

    /// Resizes the shock to a move of `pct` percent, keeping its kind and duration (a market order
    /// is sized to move the untouched book of `market` by `pct`).
    pub fn resize(&mut self, market: &Market, pct: f64) {
        match self.kind {
            ShockKind::Instant | ShockKind::Ramp => self.pct = pct,
            ShockKind::Sell => self.notional_usd = Shock::sell_notional_for(market, pct),
        }
    }

    /// The shock replaced by an instant gap of `pct` percent.
    pub fn as_instant(&self, pct: f64) -> Shock {
        Shock {
            kind: ShockKind::Instant,
            pct,
            ..self.clone()
        }
    }

    /// Applies the whole shock to a fresh book, as the timeline does at its first step (a ramp as
    /// its total; along a path, its deepest point).
    pub(crate) fn apply(&self, book: &mut OrderBook) {
        let start = book.start_price();
        match self.kind {
            ShockKind::Instant => book.move_top_to(start * (1.0 + self.pct / 100.0)),
            ShockKind::Ramp => {
                book.move_top_to(start * (1.0 + self.pct * self.deepest_level(1.0) / 100.0))
            }
            ShockKind::Sell => {
                book.trade(self.notional_usd / start);
            }
        }
    }

    /// Share of `pct` a ramp's move has reached after `share` of its duration: along its path,
    /// or the straight line.
    pub fn level(&self, share: f64) -> f64 {
        let mut from = (0.0, 0.0);
        for point in &self.path {
            if share <= point.at {
                let (at, level) = from;
                return level + (point.level - level) * (share - at) / (point.at - at);
            }
            from = (point.at, point.level);
        }
        if self.path.is_empty() {
            share
        } else {
            from.1
        }
    }

    /// The level of largest size a ramp's move has reached by `share` of its duration (signed):
    /// the exogenous move the run has seen, which a rebound along the path does not undo.
    pub fn deepest_level(&self, share: f64) -> f64 {
        self.path
            .iter()
            .take_while(|point| point.at < share)
            .map(|point| point.level)
            .chain([self.level(share)])
            .fold(0.0, |deepest: f64, level| {
                if level.abs() > deepest.abs() {
                    level
                } else {
                    deepest
                }
            })
    }

    /// Steps a ramp takes with steps of `step_s` seconds (0 for the other kinds).
    pub(crate) fn ramp_steps(&self, step_s: f64) -> u32 {
        if self.kind == ShockKind::Ramp {
            libm::ceil(self.duration_s / step_s).max(1.0) as u32
        } else {
            0
        }
    }

    /// The shock's part of step `shock_step`: an instant gap or market order at the first step, a
    /// ramp spread evenly over its `ramp_steps`.
    pub(crate) fn apply_step(&self, book: &mut OrderBook, shock_step: u32, ramp_steps: u32) {
        let start = book.start_price();
        match self.kind {
            ShockKind::Instant if shock_step == 0 => {
                book.move_top_to(start * (1.0 + self.pct / 100.0))
            }
            ShockKind::Sell if shock_step == 0 => {
                book.trade(self.notional_usd / start);
            }
            ShockKind::Ramp if shock_step < ramp_steps => {
                let done = f64::from(shock_step + 1) / f64::from(ramp_steps);
                let before = f64::from(shock_step) / f64::from(ramp_steps);
                // Without a path, `level` is the share itself: the straight line.
                let part = self.level(done) - self.level(before);
                book.move_top_to(book.top() + start * self.pct / 100.0 * part);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::{PathPoint, Shock, ShockKind};

    fn ramp(path: &[(f64, f64)]) -> Shock {
        Shock {
            kind: ShockKind::Ramp,
            pct: -10.0,
            notional_usd: 0.0,
            duration_s: 100.0,
            path: path
                .iter()
                .map(|&(at, level)| PathPoint { at, level })
                .collect(),
        }
    }

    #[test]
    fn a_path_is_straight_lines_through_its_points() {
        let shock = ramp(&[(0.5, 1.0), (1.0, 0.4)]);
        for (share, level) in [(0.0, 0.0), (0.25, 0.5), (0.5, 1.0), (0.75, 0.7), (1.0, 0.4)] {
            assert!((shock.level(share) - level).abs() < 1e-12, "{share}");
        }
        // Without points, the straight line to the whole move.
        let line = ramp(&[]);
        assert_eq!(line.level(0.3), 0.3);
    }

    #[test]
    fn the_deepest_level_is_kept_through_a_rebound_and_a_crossing() {
        let shock = ramp(&[(0.5, 1.0), (1.0, 0.4)]);
        assert_eq!(shock.deepest_level(0.25), 0.5);
        assert_eq!(shock.deepest_level(0.9), 1.0);
        // Up first (against `pct`), then down past it: the larger size wins, with its sign.
        let swing = ramp(&[(0.5, -0.5), (1.0, 1.0)]);
        assert!((swing.deepest_level(0.6) + 0.5).abs() < 1e-12);
        assert_eq!(swing.deepest_level(1.0), 1.0);
    }
}
