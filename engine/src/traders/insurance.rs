//! Portfolio insurance (CPPI, constant-proportion portfolio insurance; Black and Jones 1987,
//! Perold and Sharpe 1988): a portfolio keeps its exposure to the asset at `multiplier` times its
//! cushion, the value above a floor it means to keep. It sells as the price falls and buys as it
//! rises, so its orders go into the same book as the liquidations and push the same way. A move
//! too fast to rebalance through (a gap larger than 1 / multiplier) takes it below its floor:
//! the gap risk. docs/model.md, "Portfolio insurance".

use crate::market::OrderBook;
use crate::scenario::Cppi;

/// The insured portfolios, as one: cash (USD, negative when it borrows) and coins of the asset.
pub struct PortfolioInsurance {
    rules: Cppi,
    /// The value the portfolios mean to keep, USD.
    pub floor_usd: f64,
    pub cash_usd: f64,
    pub coins: f64,
    pub start_value_usd: f64,
    /// Lowest value seen at a step's price, before its rebalancing, USD.
    pub min_value_usd: f64,
    /// USD notional sold and bought, at fill prices.
    pub sold_usd: f64,
    pub bought_usd: f64,
    steps: u32,
}

impl PortfolioInsurance {
    /// The portfolios at `price`, holding their target exposure already.
    pub fn new(rules: &Cppi, price: f64) -> PortfolioInsurance {
        let value = rules.capital_usd;
        let floor_usd = value * rules.floor_pct / 100.0;
        let exposure = target_exposure(rules, value, floor_usd);
        PortfolioInsurance {
            rules: rules.clone(),
            floor_usd,
            cash_usd: value - exposure,
            coins: exposure / price,
            start_value_usd: value,
            min_value_usd: value,
            sold_usd: 0.0,
            bought_usd: 0.0,
            steps: 0,
        }
    }

    /// The portfolios' value at `price`, USD.
    pub fn value_usd(&self, price: f64) -> f64 {
        self.cash_usd + self.coins * price
    }

    /// How far below the floor the portfolios are at `price`, USD (0 above it).
    pub fn shortfall_usd(&self, price: f64) -> f64 {
        (self.floor_usd - self.value_usd(price)).max(0.0)
    }

    /// One step: on its rebalancing steps, trade toward `multiplier x cushion` at the book's
    /// last price when the exposure is off by more than the tolerance. Returns the coins sold
    /// (negative: bought).
    pub fn step(&mut self, book: &mut OrderBook) -> f64 {
        let step = self.steps;
        self.steps += 1;
        let price = book.last();
        let value = self.value_usd(price);
        self.min_value_usd = self.min_value_usd.min(value);
        if step % self.rules.rebalance_every_steps.max(1) != 0 {
            return 0.0;
        }
        let target = target_exposure(&self.rules, value, self.floor_usd);
        let exposure = self.coins * price;
        if (exposure - target).abs() <= self.rules.tolerance_pct / 100.0 * value.abs() {
            return 0.0;
        }
        // Sell what is over the target (all of it at or below the floor); buy what is under.
        let coins = (exposure - target) / price;
        let coins = coins.min(self.coins);
        if coins == 0.0 {
            return 0.0;
        }
        let fill = book.trade(coins);
        self.coins -= coins;
        self.cash_usd += coins * fill;
        if coins > 0.0 {
            self.sold_usd += coins * fill;
        } else {
            self.bought_usd -= coins * fill;
        }
        coins
    }
}

/// `multiplier x (value - floor)`, at least 0 and at most `max_exposure x value`.
fn target_exposure(rules: &Cppi, value: f64, floor: f64) -> f64 {
    let cushion = (value - floor).max(0.0);
    (rules.multiplier * cushion).min(rules.max_exposure * value.max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traders::examples::deep_book;

    fn rules(multiplier: f64, floor_pct: f64) -> Cppi {
        Cppi {
            capital_usd: 1_000_000.0,
            multiplier,
            floor_pct,
            max_exposure: 1.0,
            tolerance_pct: 0.0,
            rebalance_every_steps: 1,
        }
    }

    #[test]
    fn it_starts_at_multiplier_times_cushion() {
        let insured = PortfolioInsurance::new(&rules(4.0, 80.0), 100.0);
        assert_eq!(insured.floor_usd, 800_000.0);
        assert!((insured.coins * 100.0 - 800_000.0).abs() < 1e-6);
        assert!((insured.cash_usd - 200_000.0).abs() < 1e-6);
    }

    /// With rebalancing every step, no tolerance and no price impact, the cushion follows
    /// `C_t = C_0 (S_t / S_0)^m` ever more closely as the steps get finer.
    #[test]
    fn the_cushion_follows_the_closed_form_as_rebalancing_gets_continuous() {
        let m = 3.0;
        let mut errors = Vec::new();
        for steps in [10usize, 100, 1_000] {
            let mut book = deep_book();
            let mut insured = PortfolioInsurance::new(&rules(m, 70.0), 100.0);
            let c0 = insured.start_value_usd - insured.floor_usd;
            // The price walks down 20% in `steps` equal moves of the top.
            for k in 1..=steps {
                book.move_top_to(100.0 - 20.0 * k as f64 / steps as f64);
                insured.step(&mut book);
            }
            let end = book.last();
            let cushion = insured.value_usd(end) - insured.floor_usd;
            let closed_form = c0 * (end / 100.0_f64).powf(m);
            errors.push((cushion - closed_form).abs() / closed_form);
        }
        assert!(errors[0] > errors[1] && errors[1] > errors[2], "{errors:?}");
        assert!(errors[2] < 0.002, "{errors:?}");
    }

    /// A jump of `d` before they can trade loses `m x C_0 x d` of a cushion `C_0`: past `1 / m`
    /// it goes through the floor by `C_0 (m d - 1)`.
    #[test]
    fn a_gap_through_the_floor_loses_what_the_hand_computation_says() {
        let mut book = deep_book();
        let mut insured = PortfolioInsurance::new(&rules(4.0, 80.0), 100.0);
        book.move_top_to(70.0); // d = 30%, past 1/m = 25%.
        let price = book.last();
        // C_0 = 200,000; C_0 (m d - 1) = 200,000 x 0.2 = 40,000 below the floor.
        assert!((insured.shortfall_usd(price) - 40_000.0).abs() < 1e-6);
        let sold = insured.step(&mut book);
        assert!(sold > 0.0);
        assert_eq!(insured.coins, 0.0, "below the floor they hold nothing");
        assert!((insured.value_usd(70.0) - 760_000.0).abs() < 1.0);
        // A jump inside 1/m leaves the cushion at C_0 (1 - m d) and the floor intact.
        let mut book = deep_book();
        let mut insured = PortfolioInsurance::new(&rules(4.0, 80.0), 100.0);
        book.move_top_to(90.0);
        assert_eq!(insured.shortfall_usd(book.last()), 0.0);
        let cushion = insured.value_usd(book.last()) - insured.floor_usd;
        assert!((cushion - 200_000.0 * (1.0 - 4.0 * 0.1)).abs() < 1e-6);
        insured.step(&mut book);
    }

    #[test]
    fn they_sell_into_falls_and_buy_into_rises_within_their_tolerance() {
        let mut book = deep_book();
        let mut insured = PortfolioInsurance::new(
            &Cppi {
                tolerance_pct: 2.0,
                ..rules(4.0, 80.0)
            },
            100.0,
        );
        book.move_top_to(99.8); // exposure off by 0.6% of value: inside the band.
        assert_eq!(insured.step(&mut book), 0.0);
        book.move_top_to(97.0);
        assert!(insured.step(&mut book) > 0.0, "a fall makes them sell");
        book.move_top_to(101.0);
        assert!(insured.step(&mut book) < 0.0, "a rise makes them buy");
        assert!(insured.sold_usd > 0.0 && insured.bought_usd > 0.0);
    }

    #[test]
    fn they_rebalance_only_on_their_interval() {
        let mut book = deep_book();
        let mut insured = PortfolioInsurance::new(
            &Cppi {
                rebalance_every_steps: 3,
                ..rules(4.0, 80.0)
            },
            100.0,
        );
        let mut trades = Vec::new();
        for k in 1..=6 {
            book.move_top_to(100.0 - k as f64);
            trades.push(insured.step(&mut book) != 0.0);
        }
        assert_eq!(trades, [true, false, false, true, false, false]);
    }
}
