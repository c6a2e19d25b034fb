//! Arbitrageurs between two venues of one asset (docs/model.md §15.2). Between the two halves of
//! each step (after the books moved, before marks and liquidations), when one book's last price
//! is more than the threshold above the other's, they buy `q` coins in the cheap book and sell
//! `q` in the dear one, `q` the most that leaves the dear price at least the threshold above the
//! cheap one, within their capital per step. They act on the gap they saw `latency` steps
//! earlier, and only while it still points the same way. Their cash is booked exactly.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ledger::report_decimal;
use crate::market::OrderBook;
use crate::money::{money, Money};
use crate::solve::market_run::MarketRun;
use crate::system::ArbitrageLink;

/// What the arbitrageurs of one link did in a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArbitrageReport {
    /// The two markets' ids, in the link's order.
    pub markets: [String; 2],
    /// Whether the link was cut (then nothing happened on it).
    pub cut: bool,
    /// Coins bought in each market (the cheap side), and sold in each (the dear side).
    pub bought_coins: [f64; 2],
    pub sold_coins: [f64; 2],
    /// The same at their fill prices, USD: what the arbitrageurs' buying put into each book and
    /// their selling took out of it.
    pub bought_usd: [f64; 2],
    pub sold_usd: [f64; 2],
    /// USD paid for what they bought, and received for what they sold, exact.
    #[serde(with = "rust_decimal::serde::str")]
    pub paid_usd: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub received_usd: Decimal,
    /// Their net position in each market at the end (coins; the two sum to zero) and its value
    /// at each market's final mark, and their profit: received - paid + that value, exact.
    pub inventory_coins: [f64; 2],
    #[serde(with = "rust_decimal::serde::str")]
    pub pnl_usd: Decimal,
    /// Each step's trade, USD at the cheap book's fill: positive bought in the first market and
    /// sold in the second, negative the other way.
    pub by_step_usd: Vec<f64>,
}

/// The arbitrageurs of one link during a run.
pub(crate) struct Arbitrage {
    /// The two markets' indices in the system.
    pub ends: [usize; 2],
    threshold: f64,
    capital_usd: Option<f64>,
    latency: usize,
    /// The gap seen at each step so far: second market's price over the first's, minus one.
    seen: Vec<f64>,
    bought: [f64; 2],
    sold: [f64; 2],
    bought_usd: [f64; 2],
    sold_usd: [f64; 2],
    paid: Money,
    received: Money,
    by_step_usd: Vec<f64>,
}

impl Arbitrage {
    pub(crate) fn new(link: &ArbitrageLink, ends: [usize; 2], steps: usize) -> Arbitrage {
        Arbitrage {
            ends,
            threshold: link.threshold_pct / 100.0,
            capital_usd: link.capital_usd_per_step,
            latency: link.latency_steps as usize,
            seen: Vec::with_capacity(steps),
            bought: [0.0; 2],
            sold: [0.0; 2],
            bought_usd: [0.0; 2],
            sold_usd: [0.0; 2],
            paid: Money::ZERO,
            received: Money::ZERO,
            by_step_usd: Vec::with_capacity(steps),
        }
    }

    /// Trades for one step in the two markets' books (unless either venue is halted).
    pub(crate) fn step(&mut self, runs: &mut [MarketRun<'_>]) {
        let [a, b] = self.ends;
        let gap = runs[b].book().last() / runs[a].book().last() - 1.0;
        self.seen.push(gap);
        let acted_on = self
            .seen
            .len()
            .checked_sub(self.latency + 1)
            .map(|k| self.seen[k]);
        let halted = runs[a].halted() || runs[b].halted();
        let usd = match acted_on {
            Some(old) if !halted && old.abs() > self.threshold && old * gap > 0.0 => {
                // Buy where it is cheap: in the first market when the second is dearer.
                let (cheap, dear) = if gap > 0.0 { (a, b) } else { (b, a) };
                let (cheap_run, dear_run) = pair_mut(runs, cheap, dear);
                let coins = self.size(cheap_run.book(), dear_run.book());
                if coins > 0.0 {
                    let buy_fill = cheap_run.book_mut().trade(-coins);
                    let sell_fill = dear_run.book_mut().trade(coins);
                    let (cheap_end, dear_end) = if gap > 0.0 { (0, 1) } else { (1, 0) };
                    self.bought[cheap_end] += coins;
                    self.sold[dear_end] += coins;
                    self.bought_usd[cheap_end] += coins * buy_fill;
                    self.sold_usd[dear_end] += coins * sell_fill;
                    self.paid += money(coins * buy_fill);
                    self.received += money(coins * sell_fill);
                    coins * buy_fill * gap.signum()
                } else {
                    0.0
                }
            }
            _ => 0.0,
        };
        self.by_step_usd.push(usd);
    }

    /// Coins to buy in `cheap` and sell in `dear`: the most that leaves the dear price at least
    /// the threshold above the cheap one, and no more than the capital buys at the cheap price.
    fn size(&self, cheap: &OrderBook, dear: &OrderBook) -> f64 {
        let factor = 1.0 + self.threshold;
        let room = |coins: f64| dear.price_after(coins) - cheap.price_after(-coins) * factor;
        if room(0.0) <= 0.0 {
            return 0.0;
        }
        // Selling in the dear book down to the cheap price (plus threshold) closes the gap at the
        // latest: the cheap price only rises as they buy.
        let mut high = dear.coins_to_reach(cheap.last() * factor);
        if let Some(capital) = self.capital_usd {
            high = high.min(capital / cheap.last());
        }
        if !(high.is_finite() && high > 0.0) {
            return 0.0;
        }
        if room(high) >= 0.0 {
            return high;
        }
        let mut low = 0.0;
        for _ in 0..60 {
            let middle = 0.5 * (low + high);
            if room(middle) >= 0.0 {
                low = middle;
            } else {
                high = middle;
            }
        }
        low
    }

    /// The report after the run: inventory valued at the markets' final marks.
    pub(crate) fn report(self, ids: [String; 2], final_marks: [f64; 2]) -> ArbitrageReport {
        let inventory = [self.bought[0] - self.sold[0], self.bought[1] - self.sold[1]];
        let value: Money = inventory
            .iter()
            .zip(final_marks)
            .map(|(coins, mark)| money(coins * mark))
            .sum();
        ArbitrageReport {
            markets: ids,
            cut: false,
            bought_coins: self.bought,
            sold_coins: self.sold,
            bought_usd: self.bought_usd,
            sold_usd: self.sold_usd,
            paid_usd: report_decimal(self.paid),
            received_usd: report_decimal(self.received),
            inventory_coins: inventory,
            pnl_usd: report_decimal(self.received - self.paid + value),
            by_step_usd: self.by_step_usd,
        }
    }
}

impl ArbitrageReport {
    /// The report of a cut link: nothing traded.
    pub(crate) fn cut(ids: [String; 2]) -> ArbitrageReport {
        ArbitrageReport {
            markets: ids,
            cut: true,
            bought_coins: [0.0; 2],
            sold_coins: [0.0; 2],
            bought_usd: [0.0; 2],
            sold_usd: [0.0; 2],
            paid_usd: Decimal::ZERO,
            received_usd: Decimal::ZERO,
            inventory_coins: [0.0; 2],
            pnl_usd: Decimal::ZERO,
            by_step_usd: Vec::new(),
        }
    }
}

/// Two distinct elements of `runs`, mutably.
fn pair_mut<'r, 'a>(
    runs: &'r mut [MarketRun<'a>],
    i: usize,
    j: usize,
) -> (&'r mut MarketRun<'a>, &'r mut MarketRun<'a>) {
    if i < j {
        let (left, right) = runs.split_at_mut(j);
        (&mut left[i], &mut right[0])
    } else {
        let (left, right) = runs.split_at_mut(i);
        (&mut right[0], &mut left[j])
    }
}
