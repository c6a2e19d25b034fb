//! Option dealers' delta hedging: dealers who hold an options book on the asset keep it
//! delta-neutral by trading the asset itself. Short gamma (they sold the options, as when
//! customers buy crash protection) they sell into falls and buy into rises, pushing the same way
//! as liquidations; long gamma they lean against the move. Black-Scholes deltas at a flat
//! implied volatility, zero rates. docs/model.md, "Option dealers' hedging".

use crate::market::black_scholes::call_delta;
use crate::market::OrderBook;
use crate::scenario::{OptionDealers, OptionKind};

/// Seconds in the year the volatility is quoted over.
const YEAR_S: f64 = 365.0 * 86_400.0;
/// The least time to expiry a delta is computed at (a second), so an expired book keeps a
/// finite, step-like delta.
const MIN_EXPIRY_S: f64 = 1.0;

/// The dealers' hedge: coins of the asset held against their options.
pub struct DealerHedging {
    rules: OptionDealers,
    start_price: f64,
    step_s: f64,
    /// Coins held against the options' call deltas (negative: short); what the dealers hold is
    /// this plus `put_coins` (a put's delta is its call's less 1), which trades the same.
    hedge_coins: f64,
    put_coins: f64,
    pub start_hedge_coins: f64,
    /// USD sold and bought, at fill prices.
    pub sold_usd: f64,
    pub bought_usd: f64,
    steps: u32,
}

impl DealerHedging {
    /// The dealers at `price`, already hedged.
    pub fn new(rules: &OptionDealers, price: f64, step_s: f64) -> DealerHedging {
        let hedge = hedge_coins(rules, price, price, rules.days_to_expiry * 86_400.0);
        let put_coins = rules
            .strikes
            .iter()
            .filter(|strike| strike.kind == OptionKind::Put)
            .map(|strike| strike.coins)
            .sum::<f64>();
        DealerHedging {
            rules: rules.clone(),
            start_price: price,
            step_s,
            hedge_coins: hedge,
            put_coins,
            start_hedge_coins: hedge + put_coins,
            sold_usd: 0.0,
            bought_usd: 0.0,
            steps: 0,
        }
    }

    /// The coins the dealers hold now (negative: short).
    pub fn held_coins(&self) -> f64 {
        self.hedge_coins + self.put_coins
    }

    /// One step: on its re-hedging steps, trade to the hedge the options' delta asks for at the
    /// book's last price and the time left. Returns the coins sold (negative: bought).
    pub fn step(&mut self, book: &mut OrderBook) -> f64 {
        let step = self.steps;
        self.steps += 1;
        if step % self.rules.rehedge_every_steps.max(1) != 0 {
            return 0.0;
        }
        let left_s = self.rules.days_to_expiry * 86_400.0 - f64::from(step) * self.step_s;
        let target = hedge_coins(&self.rules, self.start_price, book.last(), left_s);
        let coins = self.hedge_coins - target;
        if coins == 0.0 || !coins.is_finite() {
            return 0.0;
        }
        let fill = book.trade(coins);
        self.hedge_coins = target;
        if coins > 0.0 {
            self.sold_usd += coins * fill;
        } else {
            self.bought_usd -= coins * fill;
        }
        coins
    }
}

/// The coins that hedge the dealers' options at `price` with `left_s` seconds to expiry, puts
/// counted as calls: minus the book's call delta (strikes are percent of `start_price`).
fn hedge_coins(rules: &OptionDealers, start_price: f64, price: f64, left_s: f64) -> f64 {
    let years = left_s.max(MIN_EXPIRY_S) / YEAR_S;
    let vol = rules.implied_vol_pct / 100.0;
    -rules
        .strikes
        .iter()
        .map(|strike| {
            let k = start_price * strike.strike_pct / 100.0;
            strike.coins * call_delta(price, k, years, vol)
        })
        .sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::StrikeCoins;
    use crate::traders::examples::deep_book;

    fn dealers(strikes: &[(f64, f64)]) -> OptionDealers {
        OptionDealers {
            strikes: strikes
                .iter()
                .map(|&(strike_pct, coins)| StrikeCoins {
                    strike_pct,
                    coins,
                    kind: OptionKind::Call,
                })
                .collect(),
            implied_vol_pct: 60.0,
            days_to_expiry: 7.0,
            rehedge_every_steps: 1,
        }
    }

    /// Black-Scholes call price at zero rates, written out for the test.
    fn call_price(s: f64, k: f64, t: f64, vol: f64) -> f64 {
        let n = |x: f64| 0.5 * libm::erfc(-x / std::f64::consts::SQRT_2);
        let v = vol * t.sqrt();
        let d1 = ((s / k).ln() + 0.5 * v * v) / v;
        s * n(d1) - k * n(d1 - v)
    }

    /// The hedge trade of one option position is its delta change, with the delta taken as the
    /// price's slope (a central difference of the Black-Scholes price), not from `N(d1)`.
    #[test]
    fn the_hedge_flow_is_the_black_scholes_delta_change() {
        let coins = -1_000.0;
        let rules = dealers(&[(95.0, coins)]);
        let mut book = deep_book();
        let mut hedging = DealerHedging::new(&rules, 100.0, 1.0);
        book.move_top_to(97.0);
        let sold = hedging.step(&mut book);
        let t = 7.0 * 86_400.0 / YEAR_S;
        let slope = |s: f64| {
            let h = 1e-4;
            (call_price(s + h, 95.0, t, 0.6) - call_price(s - h, 95.0, t, 0.6)) / (2.0 * h)
        };
        // Dealers short 1,000 options: their hedge is +1,000 x delta; the fall shrinks it.
        let expected = -coins * (slope(100.0) - slope(97.0));
        assert!(expected > 0.0);
        assert!(
            (sold - expected).abs() < 1e-6 * expected,
            "{sold} vs {expected}"
        );
    }

    /// Dealers short puts hold the asset short: `-coins x (N(d1) - 1)` with `coins < 0`, the
    /// put's delta from put-call parity (the slope of `C - S + K`); they trade as the calls would.
    #[test]
    fn dealers_short_puts_hold_a_short_hedge_and_trade_as_calls() {
        let coins = -1_000.0;
        let mut puts = dealers(&[(95.0, coins)]);
        puts.strikes[0].kind = OptionKind::Put;
        let calls = dealers(&[(95.0, coins)]);
        let t = 7.0 * 86_400.0 / YEAR_S;
        let put_slope = {
            let h = 1e-4;
            let put = |s: f64| call_price(s, 95.0, t, 0.6) - s + 95.0;
            (put(100.0 + h) - put(100.0 - h)) / (2.0 * h)
        };
        let hedging = DealerHedging::new(&puts, 100.0, 1.0);
        let expected = -coins * put_slope;
        assert!(expected < 0.0, "short puts hedge short: {expected}");
        assert!((hedging.start_hedge_coins - expected).abs() < 1e-6 * expected.abs());
        let (mut put_book, mut call_book) = (deep_book(), deep_book());
        let mut call_hedging = DealerHedging::new(&calls, 100.0, 1.0);
        let mut put_hedging = hedging;
        put_book.move_top_to(97.0);
        call_book.move_top_to(97.0);
        assert_eq!(
            put_hedging.step(&mut put_book),
            call_hedging.step(&mut call_book)
        );
        let apart = put_hedging.held_coins() - call_hedging.held_coins();
        assert!((apart - coins).abs() < 1e-9 * coins.abs(), "{apart}");
    }

    #[test]
    fn short_gamma_sells_into_falls_and_buys_into_rises_long_gamma_the_reverse() {
        for (coins, sells_on_fall) in [(-1_000.0, true), (1_000.0, false)] {
            let rules = dealers(&[(90.0, coins), (100.0, coins), (110.0, coins)]);
            let mut book = deep_book();
            let mut hedging = DealerHedging::new(&rules, 100.0, 1.0);
            book.move_top_to(96.0);
            let on_fall = hedging.step(&mut book);
            book.move_top_to(99.0);
            let on_rise = hedging.step(&mut book);
            assert_eq!(on_fall > 0.0, sells_on_fall, "{coins}: {on_fall}");
            assert_eq!(on_rise < 0.0, sells_on_fall, "{coins}: {on_rise}");
        }
    }

    #[test]
    fn gamma_is_largest_near_the_strike() {
        // The same 1% fall moves the hedge of at-the-money options most.
        let flow = |strike_pct: f64| {
            let mut book = deep_book();
            let mut hedging = DealerHedging::new(&dealers(&[(strike_pct, -1_000.0)]), 100.0, 1.0);
            book.move_top_to(99.0);
            hedging.step(&mut book)
        };
        assert!(flow(99.5) > flow(90.0) && flow(99.5) > flow(110.0));
    }
}
