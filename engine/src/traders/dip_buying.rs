//! Dip buyers: limited capacity that buys below a discount to fair value.

use crate::market::OrderBook;
use crate::scenario::DipBuyers;

/// Dip buyers: below `discount_pct` under fair value (the book's exogenous level) they buy up to
/// the discount level, at most `max_per_step_usd` a step, until their capacity is spent.
pub struct DipBuying {
    rules: DipBuyers,
    pub spent_usd: f64,
}

impl DipBuying {
    pub fn new(rules: &DipBuyers) -> DipBuying {
        DipBuying {
            rules: rules.clone(),
            spent_usd: 0.0,
        }
    }

    pub fn step(&mut self, book: &mut OrderBook) {
        let floor = book.top() * (1.0 - self.rules.discount_pct / 100.0);
        let last = book.last();
        if last >= floor {
            return;
        }
        let budget = (self.rules.capacity_usd - self.spent_usd).min(self.rules.max_per_step_usd);
        if budget <= 0.0 {
            return;
        }
        let wanted = -book.coins_to_reach(floor);
        let coins = wanted.min(budget / last);
        if coins > 0.0 {
            let fill = book.trade(-coins);
            self.spent_usd += coins * fill;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traders::examples::scenario;

    fn dip_buyers(capacity_usd: f64, max_per_step_usd: f64) -> DipBuyers {
        DipBuyers {
            capacity_usd,
            discount_pct: 5.0,
            max_per_step_usd,
        }
    }

    #[test]
    fn dip_buyers_wait_for_the_discount() {
        let scenario = scenario(&[("long", 1_000.0, 100.0, 2.0)]);
        let mut book = OrderBook::new(&scenario.market);
        let mut buyers = DipBuying::new(&dip_buyers(1e9, 1e9));
        buyers.step(&mut book);
        book.trade(40_000.0); // 4% down: not yet a 5% discount.
        buyers.step(&mut book);
        assert_eq!(buyers.spent_usd, 0.0);
        assert!((book.last() - 96.0).abs() < 1e-9);
    }

    #[test]
    fn dip_buyers_lift_the_price_back_to_the_discount_level_and_no_further() {
        let scenario = scenario(&[("long", 1_000.0, 100.0, 2.0)]);
        let mut book = OrderBook::new(&scenario.market);
        book.trade(100_000.0); // 10% down.
        let mut buyers = DipBuying::new(&dip_buyers(1e9, 1e9));
        buyers.step(&mut book);
        assert!((book.last() - 95.0).abs() < 1e-6, "{}", book.last());
        // 50,000 coins bought between 90 and 95.
        assert!(
            (buyers.spent_usd - 50_000.0 * 92.5).abs() < 1.0,
            "{}",
            buyers.spent_usd
        );
        let spent = buyers.spent_usd;
        buyers.step(&mut book);
        assert_eq!(buyers.spent_usd, spent, "at the discount level they stop");
    }

    #[test]
    fn dip_buyers_keep_to_their_pace_and_their_capacity() {
        let scenario = scenario(&[("long", 1_000.0, 100.0, 2.0)]);
        let mut book = OrderBook::new(&scenario.market);
        book.trade(100_000.0);
        let mut buyers = DipBuying::new(&dip_buyers(2_500_000.0, 1_000_000.0));
        let mut spent = Vec::new();
        for _ in 0..5 {
            let before = book.last();
            buyers.step(&mut book);
            spent.push(buyers.spent_usd);
            if spent.len() == 1 {
                // A step's order is sized at the last price; its own impact makes it cost a
                // little more (here under 1%).
                assert!(buyers.spent_usd > 1_000_000.0 && buyers.spent_usd < 1_010_000.0);
                assert!(book.last() > before);
            }
        }
        // Three steps spend the capacity (the last one the rest); then they are done.
        assert!(
            spent[1] > 2_000_000.0 && spent[1] < 2_020_000.0,
            "{spent:?}"
        );
        assert_eq!(spent[2], spent[3]);
        assert_eq!(spent[3], spent[4]);
        assert!(
            spent[4] >= 2_500_000.0 && spent[4] < 2_510_000.0,
            "{spent:?}"
        );
        assert!(
            book.last() < 95.0,
            "capacity ran out before the discount level"
        );
    }
}
