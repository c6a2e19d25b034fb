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
    /// its total).
    pub(crate) fn apply(&self, book: &mut OrderBook) {
        let start = book.start_price();
        match self.kind {
            ShockKind::Instant | ShockKind::Ramp => {
                book.move_top_to(start * (1.0 + self.pct / 100.0))
            }
            ShockKind::Sell => {
                book.trade(self.notional_usd / start);
            }
        }
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
                book.move_top_to(book.top() + start * self.pct / 100.0 * (done - before));
            }
            _ => {}
        }
    }
}
