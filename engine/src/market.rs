//! The order book (depth profile, impact, resilience, market-maker withdrawal) and the mark price.
//!
//! Prices move with the net quantity consumed from the book: selling `q` coins walks the bids down by
//! the distance (percent of the start price) at which the cumulative depth equals `q`. Buys walk the
//! asks up the same way. The book's top moves with exogenous price moves (instant and ramp shocks).

use crate::scenario::{Book, Market};

/// The price never falls below this fraction of the start price: a book exhausted to zero still
/// quotes one tick.
pub const PRICE_FLOOR_FRACTION: f64 = 1e-4;

/// Depth on one side of the book as a function of distance from the top.
#[derive(Clone, Debug)]
enum SideDepth {
    /// Coins per 1% band.
    Linear { coins_per_pct: f64 },
    /// Coins within x% = coins_at_1pct * x^exponent.
    Power { coins_at_1pct: f64, exponent: f64 },
    /// Piecewise-linear cumulative depth through (distance_pct, cumulative coins) knots starting at
    /// (0, 0); beyond the last knot the last band's density continues. Both coordinates grow
    /// along the knots, so every price call finds its band by binary search; `areas[k]` is the
    /// integral of the distance up to knot `k` (`areas[0]` = 0, the last entry: up to the last
    /// knot), summed band by band in knot order once when the book is built.
    Ladder {
        knots: Vec<(f64, f64)>,
        areas: Vec<f64>,
    },
}

/// Whether `value` lies past a knot at `knot` (a NaN lies past every knot, as a walk along the
/// knots finds it in none).
#[inline]
fn past(value: f64, knot: f64) -> bool {
    !matches!(
        value.partial_cmp(&knot),
        Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
    )
}

/// The knot before band `k` of a ladder: the previous knot, or the top of the book (0, 0).
#[inline]
fn knot_before(knots: &[(f64, f64)], k: usize) -> (f64, f64) {
    k.checked_sub(1)
        .map_or((0.0, 0.0), |previous| knots[previous])
}

/// The two knots of a ladder's last band (the first may be the top), which continues past the end.
#[inline]
fn last_band(knots: &[(f64, f64)]) -> ((f64, f64), (f64, f64)) {
    let last = knots[knots.len() - 1];
    (knot_before(knots, knots.len() - 1), last)
}

impl SideDepth {
    /// Distance (percent of start price) at which `coins` (>= 0) have been consumed.
    fn distance_pct(&self, coins: f64) -> f64 {
        match self {
            SideDepth::Linear { coins_per_pct } => coins / coins_per_pct,
            SideDepth::Power {
                coins_at_1pct,
                exponent,
            } => libm::pow(coins / coins_at_1pct, 1.0 / exponent),
            SideDepth::Ladder { knots, .. } => {
                // The first knot at or past `coins` (none when `coins` is NaN: past the end).
                let k = knots.partition_point(|&(_, q1)| past(coins, q1));
                if let Some(&(x1, q1)) = knots.get(k) {
                    let (x0, q0) = knot_before(knots, k);
                    return x0 + (x1 - x0) * (coins - q0) / (q1 - q0);
                }
                let ((x_prev, q_prev), (x0, q0)) = last_band(knots);
                let slope = (x0 - x_prev) / (q0 - q_prev);
                x0 + slope * (coins - q0)
            }
        }
    }

    /// The integral of `distance_pct` from 0 to `coins` (>= 0): the VWAP's building block.
    fn distance_integral(&self, coins: f64) -> f64 {
        match self {
            SideDepth::Linear { coins_per_pct } => coins * coins / (2.0 * coins_per_pct),
            SideDepth::Power {
                coins_at_1pct,
                exponent,
            } => {
                let power = 1.0 + 1.0 / exponent;
                libm::pow(coins, power) / (libm::pow(*coins_at_1pct, 1.0 / exponent) * power)
            }
            SideDepth::Ladder { knots, areas } => {
                let k = knots.partition_point(|&(_, q1)| past(coins, q1));
                if let Some(&(x1, q1)) = knots.get(k) {
                    let (x0, q0) = knot_before(knots, k);
                    let x = x0 + (x1 - x0) * (coins - q0) / (q1 - q0);
                    return areas[k] + (x0 + x) * (coins - q0) / 2.0;
                }
                let (x0, q0) = knots[knots.len() - 1];
                let x = self.distance_pct(coins);
                areas[knots.len()] + (x0 + x) * (coins - q0) / 2.0
            }
        }
    }

    /// Coins resting within `distance_pct` of the top (the inverse of `distance_pct`).
    fn coins_within(&self, distance_pct: f64) -> f64 {
        match self {
            SideDepth::Linear { coins_per_pct } => coins_per_pct * distance_pct,
            SideDepth::Power {
                coins_at_1pct,
                exponent,
            } => coins_at_1pct * libm::pow(distance_pct, *exponent),
            SideDepth::Ladder { knots, .. } => {
                let k = knots.partition_point(|&(x1, _)| past(distance_pct, x1));
                if let Some(&(x1, q1)) = knots.get(k) {
                    let (x0, q0) = knot_before(knots, k);
                    return q0 + (q1 - q0) * (distance_pct - x0) / (x1 - x0);
                }
                let ((x_prev, q_prev), (x0, q0)) = last_band(knots);
                q0 + (q0 - q_prev) / (x0 - x_prev) * (distance_pct - x0)
            }
        }
    }
}

/// Builds a ladder side from (distance_pct, coins) rungs sorted by distance, merging equal
/// distances and dropping empty rungs.
fn ladder(mut rungs: Vec<(f64, f64)>) -> SideDepth {
    rungs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut knots: Vec<(f64, f64)> = Vec::with_capacity(rungs.len());
    let mut cumulative = 0.0;
    for (distance, coins) in rungs {
        if coins <= 0.0 {
            continue;
        }
        cumulative += coins;
        match knots.last_mut() {
            Some(last) if last.0 == distance => last.1 = cumulative,
            _ => knots.push((distance, cumulative)),
        }
    }
    if knots.is_empty() {
        // A side with no resting size: one token coin per 1% band, so the price still moves.
        return SideDepth::Linear {
            coins_per_pct: 1e-9,
        };
    }
    // Band by band in knot order, as a walk along the ladder would add them up.
    let mut areas = Vec::with_capacity(knots.len() + 1);
    let (mut x0, mut q0, mut area) = (0.0, 0.0, 0.0);
    areas.push(area);
    for &(x1, q1) in &knots {
        area += (x0 + x1) * (q1 - q0) / 2.0;
        areas.push(area);
        (x0, q0) = (x1, q1);
    }
    SideDepth::Ladder { knots, areas }
}

/// The live order book of one run.
#[derive(Clone, Debug)]
pub struct OrderBook {
    start_price: f64,
    bids: SideDepth,
    asks: SideDepth,
    /// Where the book's top sits: the start price moved by exogenous shocks.
    top: f64,
    /// Net coins sold into the book (negative: bought from it), not yet refilled.
    consumed: f64,
    /// Share of depth market makers still show (withdrawal), in (0, 1].
    depth_share: f64,
}

impl OrderBook {
    /// The book of a validated market.
    pub fn new(market: &Market) -> OrderBook {
        let price = market.price;
        let (bids, asks) = match &market.book {
            Book::Linear { depth_1pct_usd } => {
                let side = SideDepth::Linear {
                    coins_per_pct: depth_1pct_usd / price,
                };
                (side.clone(), side)
            }
            Book::Power {
                depth_1pct_usd,
                exponent,
            } => {
                let side = SideDepth::Power {
                    coins_at_1pct: depth_1pct_usd / price,
                    exponent: *exponent,
                };
                (side.clone(), side)
            }
            Book::Levels { levels } => {
                let rungs = |below: bool| {
                    levels
                        .iter()
                        .filter(|level| (level.price < price) == below && level.price != price)
                        .map(|level| {
                            (
                                (level.price - price).abs() / price * 100.0,
                                level.notional_usd / level.price,
                            )
                        })
                        .collect::<Vec<_>>()
                };
                (ladder(rungs(true)), ladder(rungs(false)))
            }
        };
        OrderBook {
            start_price: price,
            bids,
            asks,
            top: price,
            consumed: 0.0,
            depth_share: 1.0,
        }
    }

    pub fn start_price(&self) -> f64 {
        self.start_price
    }

    pub fn top(&self) -> f64 {
        self.top
    }

    /// Net coins consumed (positive: sold into the bids).
    pub fn consumed(&self) -> f64 {
        self.consumed
    }

    pub fn depth_share(&self) -> f64 {
        self.depth_share
    }

    /// Lowest price the book can quote.
    pub fn floor(&self) -> f64 {
        self.start_price * PRICE_FLOOR_FRACTION
    }

    /// Moves the top (an exogenous price move); consumed depth moves with it.
    pub fn move_top_to(&mut self, price: f64) {
        self.top = price.max(self.floor());
    }

    /// Sets the share of depth that market makers show.
    pub fn set_depth_share(&mut self, share: f64) {
        self.depth_share = share;
    }

    /// Consumed depth refills by `factor` (resilience): consumed *= factor.
    pub fn refill(&mut self, factor: f64) {
        self.consumed *= factor;
    }

    /// Signed distance (percent of start price) of the price from the top at `consumed` coins.
    fn signed_distance(&self, consumed: f64) -> f64 {
        let share = self.depth_share;
        if consumed >= 0.0 {
            self.bids.distance_pct(consumed / share)
        } else {
            -self.asks.distance_pct(-consumed / share)
        }
    }

    /// Integral of the signed distance from 0 to `consumed` (even in `consumed`).
    fn distance_integral(&self, consumed: f64) -> f64 {
        let share = self.depth_share;
        if consumed >= 0.0 {
            share * self.bids.distance_integral(consumed / share)
        } else {
            share * self.asks.distance_integral(-consumed / share)
        }
    }

    fn price_at(&self, consumed: f64) -> f64 {
        (self.top - self.start_price / 100.0 * self.signed_distance(consumed)).max(self.floor())
    }

    /// The last traded price.
    pub fn last(&self) -> f64 {
        self.price_at(self.consumed)
    }

    /// The price the book would show after `coins` more were sold (negative: bought), without
    /// trading.
    pub fn price_after(&self, coins: f64) -> f64 {
        self.price_at(self.consumed + coins)
    }

    /// Average fill price of selling `coins` (negative: buying) from the current state, without
    /// trading.
    pub fn quote(&self, coins: f64) -> f64 {
        let from = self.consumed;
        let to = from + coins;
        if coins.abs() <= 1e-12 * from.abs().max(1e-9) {
            return self.price_at(from + coins / 2.0);
        }
        let average_distance = (self.distance_integral(to) - self.distance_integral(from)) / coins;
        (self.top - self.start_price / 100.0 * average_distance).max(self.floor())
    }

    /// Sells `coins` (negative: buys) into the book; returns the average fill price.
    pub fn trade(&mut self, coins: f64) -> f64 {
        let price = self.quote(coins);
        self.consumed += coins;
        price
    }

    /// Coins that selling would need to move the price down to `price` (negative: buying up to it).
    pub fn coins_to_reach(&self, price: f64) -> f64 {
        let distance = (self.top - price) / self.start_price * 100.0;
        let share = self.depth_share;
        let target = if distance >= 0.0 {
            share * self.bids.coins_within(distance)
        } else {
            -share * self.asks.coins_within(-distance)
        };
        target - self.consumed
    }

    /// USD resting within 1% of the current price on the bid side (at the current depth share).
    pub fn bid_depth_1pct_usd(&self) -> f64 {
        let share = self.depth_share;
        let here = self.signed_distance(self.consumed).max(0.0);
        let coins = share * (self.bids.coins_within(here + 1.0) - self.bids.coins_within(here));
        coins * self.last()
    }
}

/// The mark price: follows the last price with a half-life (an index-smoothed mark).
#[derive(Clone, Copy, Debug)]
pub struct MarkPrice {
    value: f64,
    /// Share of the gap to the last price closed each step (1 = mark is last).
    catch_up: f64,
}

impl MarkPrice {
    pub fn new(price: f64, smoothing_half_life_s: f64, step_s: f64) -> MarkPrice {
        let catch_up = if smoothing_half_life_s <= 0.0 {
            1.0
        } else {
            1.0 - libm::exp2(-step_s / smoothing_half_life_s)
        };
        MarkPrice {
            value: price,
            catch_up,
        }
    }

    pub fn value(&self) -> f64 {
        self.value
    }

    /// Moves the mark toward `last` for one step.
    pub fn follow(&mut self, last: f64) -> f64 {
        self.value = if self.catch_up >= 1.0 {
            last
        } else {
            self.value + (last - self.value) * self.catch_up
        };
        self.value
    }
}

/// Share of depth market makers still show when the price has moved from `start` to `price`:
/// `market.withdrawal` of it pulled per 1% moved, never below `market.withdrawal_floor`.
#[inline]
pub fn depth_share(market: &Market, start: f64, price: f64) -> f64 {
    if market.withdrawal <= 0.0 {
        return 1.0;
    }
    let moved_pct = (price - start).abs() / start * 100.0;
    (1.0 - market.withdrawal * moved_pct).max(market.withdrawal_floor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{BookLevel, Contract};

    fn market(book: Book) -> Market {
        Market {
            price: 100.0,
            contract: Contract::Linear,
            book,
            resilience_half_life_s: None,
            withdrawal: 0.0,
            withdrawal_floor: 0.2,
            mark_smoothing_s: 0.0,
        }
    }

    #[test]
    fn linear_book_moves_one_percent_per_band() {
        // 1,000,000 USD per 1% at 100 USD: 10,000 coins per band.
        let mut book = OrderBook::new(&market(Book::Linear {
            depth_1pct_usd: 1e6,
        }));
        let fill = book.trade(20_000.0);
        assert!((book.last() - 98.0).abs() < 1e-9);
        assert!(
            (fill - 99.0).abs() < 1e-9,
            "VWAP of a linear walk is the midpoint"
        );
        book.trade(-20_000.0);
        assert!((book.last() - 100.0).abs() < 1e-9);
    }

    #[test]
    fn power_book_gives_square_root_impact() {
        let book = OrderBook::new(&market(Book::Power {
            depth_1pct_usd: 1e6,
            exponent: 2.0,
        }));
        // 4 bands' worth moves the price 2%.
        assert!((book.price_after(40_000.0) - 98.0).abs() < 1e-9);
        let coins = book.coins_to_reach(97.0);
        assert!((coins - 90_000.0).abs() < 1e-6);
    }

    #[test]
    fn ladder_walks_levels_and_continues_past_the_end() {
        let levels = vec![
            BookLevel {
                price: 99.0,
                notional_usd: 990.0,
            },
            BookLevel {
                price: 98.0,
                notional_usd: 980.0,
            },
            BookLevel {
                price: 101.0,
                notional_usd: 1010.0,
            },
        ];
        let book = OrderBook::new(&market(Book::Levels { levels }));
        assert!((book.price_after(10.0) - 99.0).abs() < 1e-9);
        assert!((book.price_after(20.0) - 98.0).abs() < 1e-9);
        assert!(book.price_after(30.0) < 98.0);
        assert!((book.price_after(-10.0) - 101.0).abs() < 1e-9);
    }

    /// The walk along the knots that the binary search replaced, band by band from the top.
    fn walked(knots: &[(f64, f64)], coins: f64) -> (f64, f64) {
        let (mut x0, mut q0, mut area) = (0.0, 0.0, 0.0);
        for &(x1, q1) in knots {
            if coins <= q1 {
                let x = x0 + (x1 - x0) * (coins - q0) / (q1 - q0);
                return (x, area + (x0 + x) * (coins - q0) / 2.0);
            }
            area += (x0 + x1) * (q1 - q0) / 2.0;
            (x0, q0) = (x1, q1);
        }
        let (x_prev, q_prev) = knot_before(knots, knots.len() - 1);
        let x = x0 + (x0 - x_prev) / (q0 - q_prev) * (coins - q0);
        (x, area + (x0 + x) * (coins - q0) / 2.0)
    }

    #[test]
    fn a_ladder_searched_gives_the_bits_of_a_ladder_walked() {
        // Uneven rungs, repeated distances, empty rungs and tiny ones a sum cannot see.
        let rungs: Vec<(f64, f64)> = (0..3_000u32)
            .map(|k| {
                let distance = f64::from(k * 7 % 1_009) * 0.013 + 0.001;
                let coins = match k % 5 {
                    0 => 0.0,
                    1 => 1e-12,
                    _ => f64::from(k % 13) * 3.7 + 0.25,
                };
                (distance, coins)
            })
            .collect();
        let side = ladder(rungs);
        let SideDepth::Ladder { knots, .. } = &side else {
            panic!("a ladder");
        };
        let top = knots[knots.len() - 1].1;
        for k in 0..20_000u32 {
            let coins = f64::from(k) / 20_000.0 * top * 1.2;
            let (distance, integral) = walked(knots, coins);
            assert_eq!(side.distance_pct(coins).to_bits(), distance.to_bits());
            assert_eq!(side.distance_integral(coins).to_bits(), integral.to_bits());
        }
        let last_x = knots[knots.len() - 1].0;
        for k in 0..20_000u32 {
            let distance = f64::from(k) / 20_000.0 * last_x * 1.2;
            let mut walked_coins = None;
            let (mut x0, mut q0) = (0.0, 0.0);
            for &(x1, q1) in knots {
                if distance <= x1 {
                    walked_coins = Some(q0 + (q1 - q0) * (distance - x0) / (x1 - x0));
                    break;
                }
                (x0, q0) = (x1, q1);
            }
            let (x_prev, q_prev) = knot_before(knots, knots.len() - 1);
            let walked_coins = walked_coins
                .unwrap_or_else(|| q0 + (q0 - q_prev) / (x0 - x_prev) * (distance - x0));
            assert_eq!(
                side.coins_within(distance).to_bits(),
                walked_coins.to_bits()
            );
        }
        for &(_, q) in knots {
            assert_eq!(side.distance_pct(q).to_bits(), walked(knots, q).0.to_bits());
        }
        assert!(side.distance_pct(f64::NAN).is_nan());
    }

    #[test]
    fn refill_and_withdrawal_change_the_price() {
        let mut book = OrderBook::new(&market(Book::Linear {
            depth_1pct_usd: 1e6,
        }));
        book.trade(10_000.0);
        book.set_depth_share(0.5);
        assert!((book.last() - 98.0).abs() < 1e-9);
        book.refill(0.5);
        assert!((book.last() - 99.0).abs() < 1e-9);
    }

    #[test]
    fn the_price_never_reaches_zero() {
        let mut book = OrderBook::new(&market(Book::Linear {
            depth_1pct_usd: 1e3,
        }));
        let fill = book.trade(1e12);
        assert!(book.last() > 0.0 && fill > 0.0);
    }

    #[test]
    fn smoothed_mark_lags_the_last_price() {
        let mut mark = MarkPrice::new(100.0, 1.0, 1.0);
        assert!((mark.follow(90.0) - 95.0).abs() < 1e-12);
        let mut instant = MarkPrice::new(100.0, 0.0, 1.0);
        assert_eq!(instant.follow(90.0), 90.0);
    }
}
