//! Predatory sellers (Brunnermeier-Pedersen 2005): they trade ahead of a visible liquidation
//! cluster and buy back from the forced sellers.

use crate::market::OrderBook;
use crate::positions::PositionTable;
use crate::scenario::{Predators, Side};
use crate::solve::crossing::{crossed_count, size_before};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Hunt {
    Watching,
    Building { steps_left: u32 },
    Covering,
    Done,
}

/// Predatory sellers (Brunnermeier-Pedersen 2005): seeing liquidatable notional within reach in
/// the shock's direction, they trade ahead of it for `sell_steps`, then buy back from the forced
/// sellers during the flush (at least a steady pace), and report their PnL.
pub struct Predation {
    rules: Predators,
    /// +1: they sell into long clusters below; -1: they buy into short clusters above.
    direction: f64,
    state: Hunt,
    inventory_coins: f64,
    pub cash_usd: f64,
}

impl Predation {
    /// Predators who hunt in the shock's direction; with no shock, the larger of the two
    /// clusters within reach of `mark` (longs below on a tie: sellers, as the model's name has it).
    pub fn new(
        rules: &Predators,
        shock_direction: f64,
        table: &PositionTable,
        mark: f64,
    ) -> Predation {
        let direction = if shock_direction > 0.0 {
            -1.0
        } else if shock_direction < 0.0
            || cluster_usd(rules, table, mark, 1.0) >= cluster_usd(rules, table, mark, -1.0)
        {
            1.0
        } else {
            -1.0
        };
        Predation {
            rules: rules.clone(),
            direction,
            state: Hunt::Watching,
            inventory_coins: 0.0,
            cash_usd: 0.0,
        }
    }

    /// One step; `forced_coins` is what liquidations sold (in the hunted direction) last step.
    pub fn step(
        &mut self,
        table: &PositionTable,
        mark: f64,
        forced_coins: f64,
        book: &mut OrderBook,
    ) {
        let step_usd = self.rules.capital_usd / self.rules.sell_steps as f64;
        match self.state {
            Hunt::Watching => {
                let cluster = cluster_usd(&self.rules, table, mark, self.direction);
                if cluster > 0.0
                    && cluster >= self.rules.min_cluster_usd
                    && self.rules.capital_usd > 0.0
                {
                    self.state = Hunt::Building {
                        steps_left: self.rules.sell_steps,
                    };
                }
            }
            Hunt::Building { .. } | Hunt::Covering | Hunt::Done => {}
        }
        match self.state {
            Hunt::Building { steps_left } => {
                let coins = step_usd / book.last();
                let fill = book.trade(self.direction * coins);
                self.inventory_coins += coins;
                self.cash_usd += self.direction * coins * fill;
                self.state = if steps_left <= 1 {
                    Hunt::Covering
                } else {
                    Hunt::Building {
                        steps_left: steps_left - 1,
                    }
                };
            }
            Hunt::Covering => {
                let pace = self
                    .inventory_coins
                    .min(forced_coins.max(step_usd / book.last()));
                if pace > 0.0 {
                    let fill = book.trade(-self.direction * pace);
                    self.inventory_coins -= pace;
                    self.cash_usd -= self.direction * pace * fill;
                }
                if self.inventory_coins <= 1e-12 {
                    self.state = Hunt::Done;
                }
            }
            Hunt::Watching | Hunt::Done => {}
        }
    }

    /// Whether they sell into long clusters below (else they buy into short clusters above).
    pub fn hunts_longs(&self) -> bool {
        self.direction > 0.0
    }

    /// Profit so far, with any inventory left marked at `mark`.
    pub fn pnl_usd(&self, mark: f64) -> f64 {
        self.cash_usd - self.direction * self.inventory_coins * mark
    }
}

/// Liquidatable notional (static estimate) between `mark` and `distance_pct` beyond it, in
/// `direction` (+1: long liquidation prices below, -1: short ones above).
fn cluster_usd(rules: &Predators, table: &PositionTable, mark: f64, direction: f64) -> f64 {
    let side = if direction > 0.0 {
        Side::Long
    } else {
        Side::Short
    };
    let far = mark * (1.0 - direction * rules.distance_pct / 100.0);
    table
        .groups
        .iter()
        .filter(|group| group.side == side && group.scale > 0.0)
        .map(|group| {
            let near = crossed_count(table, group, mark);
            let beyond = crossed_count(table, group, far);
            group.scale * (size_before(table, group, beyond) - size_before(table, group, near))
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::traders::examples::scenario;

    fn predators(capital_usd: f64, min_cluster_usd: f64) -> Predators {
        Predators {
            capital_usd,
            distance_pct: 10.0,
            min_cluster_usd,
            sell_steps: 3,
        }
    }

    /// Longs at 20x (liquidated near 95.5), within a 10% reach of the mark at 100.
    fn cluster() -> Scenario {
        scenario(&[
            ("long", 500_000.0, 100.0, 20.0),
            ("long", 500_000.0, 100.0, 20.0),
        ])
    }

    #[test]
    fn predators_ignore_clusters_out_of_reach_or_too_small() {
        let scenario = cluster();
        let table = PositionTable::build(&scenario);
        for (rules, mark) in [
            (predators(1_000_000.0, 1e12), 100.0), // too small
            (predators(1_000_000.0, 0.0), 120.0),  // more than 10% away
            (predators(0.0, 0.0), 100.0),          // no capital
        ] {
            let mut book = OrderBook::new(&scenario.market);
            let mut hunt = Predation::new(&rules, -5.0, &table, mark);
            for _ in 0..10 {
                hunt.step(&table, mark, 0.0, &mut book);
            }
            assert_eq!(hunt.cash_usd, 0.0, "{rules:?} at {mark}");
            assert_eq!(book.consumed(), 0.0);
        }
        // An upward shock hunts shorts above: these longs are no prey.
        let mut book = OrderBook::new(&scenario.market);
        let mut hunt = Predation::new(&predators(1_000_000.0, 0.0), 5.0, &table, 100.0);
        hunt.step(&table, 100.0, 0.0, &mut book);
        assert_eq!(book.consumed(), 0.0);
        // With no shock they hunt the larger cluster within reach: these longs below, and a
        // larger cluster of shorts above once it is there.
        let mut book = OrderBook::new(&scenario.market);
        let mut hunt = Predation::new(&predators(1_000_000.0, 0.0), 0.0, &table, 100.0);
        hunt.step(&table, 100.0, 0.0, &mut book);
        hunt.step(&table, 100.0, 0.0, &mut book);
        assert!(book.consumed() > 0.0, "sold into the longs");
        let both = crate::traders::examples::scenario(&[
            ("long", 500_000.0, 100.0, 20.0),
            ("short", 800_000.0, 100.0, 20.0),
        ]);
        let table = PositionTable::build(&both);
        let mut book = OrderBook::new(&both.market);
        let mut hunt = Predation::new(&predators(1_000_000.0, 0.0), 0.0, &table, 100.0);
        hunt.step(&table, 100.0, 0.0, &mut book);
        hunt.step(&table, 100.0, 0.0, &mut book);
        assert!(book.consumed() < 0.0, "bought into the larger shorts");
    }

    #[test]
    fn predators_sell_ahead_of_the_cluster_then_buy_back_from_the_forced_sellers() {
        let scenario = cluster();
        let table = PositionTable::build(&scenario);
        let mut book = OrderBook::new(&scenario.market);
        let mut hunt = Predation::new(&predators(3_000_000.0, 100_000.0), -5.0, &table, 100.0);
        // Three steps of building: a million USD sold each.
        let mut prices = vec![book.last()];
        for _ in 0..3 {
            hunt.step(&table, 100.0, 0.0, &mut book);
            prices.push(book.last());
        }
        assert!(
            prices.windows(2).all(|pair| pair[1] < pair[0]),
            "{prices:?}"
        );
        let sold = book.consumed();
        assert!(sold > 29_000.0 && sold < 31_000.0, "{sold}");
        assert!(hunt.cash_usd > 2_900_000.0 && hunt.cash_usd < 3_000_000.0);
        // Covering: at least their steady pace, more when forced sellers give them more.
        hunt.step(&table, prices[3], 20_000.0, &mut book);
        let after_cover = book.consumed();
        assert!(
            (sold - after_cover - 20_000.0).abs() < 1e-6,
            "{after_cover}"
        );
        for _ in 0..10 {
            hunt.step(&table, book.last(), 0.0, &mut book);
        }
        assert!(book.consumed().abs() < 1e-6, "every coin bought back");
        let pnl = hunt.pnl_usd(book.last());
        assert_eq!(pnl, hunt.cash_usd, "no inventory left");
        // Alone on a book that does not refill, the round trip nets nothing: what their
        // selling pushed the price down, their buying pushes back up along the same depth.
        assert!(pnl.abs() < 1e-3, "{pnl}");
        // Done: they do not hunt again.
        hunt.step(&table, 100.0, 0.0, &mut book);
        assert!(book.consumed().abs() < 1e-6);
    }

    #[test]
    fn predators_profit_when_the_flush_moves_the_price_before_they_cover() {
        let scenario = cluster();
        let table = PositionTable::build(&scenario);
        let mut book = OrderBook::new(&scenario.market);
        let mut hunt = Predation::new(&predators(3_000_000.0, 0.0), -5.0, &table, 100.0);
        for _ in 0..3 {
            hunt.step(&table, 100.0, 0.0, &mut book);
        }
        // The flush: forced sellers push the price down before the predators buy back.
        book.trade(100_000.0);
        let mark = book.last();
        assert!(hunt.pnl_usd(mark) > 0.0, "marked at the flushed price");
        hunt.step(&table, mark, 1e9, &mut book);
        assert!(hunt.cash_usd > 0.0, "bought back below where they sold");
        assert_eq!(hunt.pnl_usd(1.0), hunt.cash_usd, "done in one step");
    }
}
