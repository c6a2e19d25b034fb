//! The order book (depth profile, impact, resilience, market-maker withdrawal) and the mark price.
//!
//! Prices move with the net quantity consumed from the book: selling `q` coins walks the bids down by
//! the distance (percent of the start price) at which the cumulative depth equals `q`. Buys walk the
//! asks up the same way. The book's top moves with exogenous price moves (instant and ramp shocks).

pub mod black_scholes;
mod depth;

use crate::scenario::{Book, Market};
use depth::{ladder, SideDepth};

/// The price never falls below this fraction of the start price: a book exhausted to zero still
/// quotes one tick.
pub const PRICE_FLOOR_FRACTION: f64 = 1e-4;

/// The price never rises above this multiple of the start price, the floor's mirror: a short
/// squeeze that empties the asks quotes a finite price (docs/model.md §2.4).
pub const PRICE_CEILING_MULTIPLE: f64 = 1e4;

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
    /// `signed_distance(consumed)` once asked for, until `consumed` or `depth_share` changes
    /// (NaN: not yet): the last price is read many times a step and walks the depth profile.
    distance_now: std::cell::Cell<f64>,
    /// `distance_integral(consumed)` the same way.
    integral_now: std::cell::Cell<f64>,
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
            distance_now: std::cell::Cell::new(f64::NAN),
            integral_now: std::cell::Cell::new(f64::NAN),
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

    /// Highest price the book can quote.
    pub fn ceiling(&self) -> f64 {
        self.start_price * PRICE_CEILING_MULTIPLE
    }

    /// `price` kept between the floor and the ceiling (a NaN, which no valid scenario makes,
    /// becomes the floor).
    fn bounded(&self, price: f64) -> f64 {
        price.max(self.floor()).min(self.ceiling())
    }

    /// Moves the top (an exogenous price move); consumed depth moves with it.
    pub fn move_top_to(&mut self, price: f64) {
        self.top = self.bounded(price);
    }

    /// Sets the share of depth that market makers show.
    pub fn set_depth_share(&mut self, share: f64) {
        self.depth_share = share;
        self.forget_walks();
    }

    /// Consumed depth refills by `factor` (resilience): consumed *= factor.
    pub fn refill(&mut self, factor: f64) {
        self.consumed *= factor;
        self.forget_walks();
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
        self.bounded(self.top - self.start_price / 100.0 * self.signed_distance(consumed))
    }

    /// The last traded price.
    pub fn last(&self) -> f64 {
        self.bounded(self.top - self.start_price / 100.0 * self.distance_now())
    }

    /// Drops the walks cached for the coins consumed and the depth share as they were.
    fn forget_walks(&self) {
        self.distance_now.set(f64::NAN);
        self.integral_now.set(f64::NAN);
    }

    /// [`Self::distance_integral`] at the coins consumed now, walked once per change.
    fn integral_now(&self) -> f64 {
        walked_once(&self.integral_now, || self.distance_integral(self.consumed))
    }

    /// [`Self::signed_distance`] at the coins consumed now, walked once per change.
    fn distance_now(&self) -> f64 {
        walked_once(&self.distance_now, || self.signed_distance(self.consumed))
    }

    /// The price the book would show after `coins` more were sold (negative: bought), without
    /// trading.
    pub fn price_after(&self, coins: f64) -> f64 {
        self.price_at(self.consumed + coins)
    }

    /// Average fill price of selling `coins` (negative: buying) from the current state, without
    /// trading.
    pub fn quote(&self, coins: f64) -> f64 {
        self.quote_walk(coins).0
    }

    /// [`Self::quote`], with the distance integral at the coins consumed after it where the
    /// quote walked it (a trade keeps it for the next quote).
    fn quote_walk(&self, coins: f64) -> (f64, Option<f64>) {
        let from = self.consumed;
        let to = from + coins;
        if coins.abs() <= 1e-12 * from.abs().max(1e-9) {
            return (self.price_at(from + coins / 2.0), None);
        }
        let integral_to = self.distance_integral(to);
        let average_distance = (integral_to - self.integral_now()) / coins;
        if !average_distance.is_finite() {
            // Both integrals overflowed: the walk ends at a bound, and so does its fill.
            return (self.price_at(to), Some(integral_to));
        }
        let price = self.bounded(self.top - self.start_price / 100.0 * average_distance);
        (price, Some(integral_to))
    }

    /// Sells `coins` (negative: buys) into the book; returns the average fill price.
    pub fn trade(&mut self, coins: f64) -> f64 {
        let (price, integral_to) = self.quote_walk(coins);
        self.consumed += coins;
        self.forget_walks();
        if let Some(integral) = integral_to {
            self.integral_now.set(integral);
        }
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
        let here = self.distance_now().max(0.0);
        let coins = share * (self.bids.coins_within(here + 1.0) - self.bids.coins_within(here));
        if !coins.is_finite() {
            // Walked infinitely far past a ladder whose last gap holds next to nothing: nothing
            // rests near the price.
            return 0.0;
        }
        coins * self.last()
    }
}

/// The value `cell` holds, or `walk`'s, kept there (NaN: not walked since the last change).
fn walked_once(cell: &std::cell::Cell<f64>, walk: impl FnOnce() -> f64) -> f64 {
    let mut value = cell.get();
    if value.is_nan() {
        value = walk();
        cell.set(value);
    }
    value
}

/// The mark price: follows the last price with a half-life (an index-smoothed mark).
#[derive(Clone, Copy, Debug)]
pub struct MarkPrice {
    value: f64,
    /// Share of the gap to the last price closed each step (1 = mark is last).
    catch_up: f64,
    /// The smoothed premium of the last price over an index, as a fraction (marks that follow an
    /// index only: [`MarkPrice::follow_index`]).
    basis: f64,
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
            basis: 0.0,
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

    /// Moves the mark for one step as venues whose mark follows an index of several venues' prices
    /// do: the index times one plus the venue's premium over it, smoothed with the same half-life
    /// (Binance's "index + moving average of the basis", docs/model.md §15.3). With no smoothing
    /// the mark is the venue's own last price.
    pub fn follow_index(&mut self, index: f64, last: f64) -> f64 {
        if self.catch_up >= 1.0 {
            self.value = last;
            return last;
        }
        let premium = last / index - 1.0;
        self.basis += (premium - self.basis) * self.catch_up;
        self.value = index * (1.0 + self.basis);
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

/// The share of depth market makers show this step, from the share they showed (`now`) and the
/// one the mark's distance from the start asks for (`target`, [`depth_share`]): they pull quotes
/// at once, and come back no faster than the book refills, closing the part of the gap consumed
/// depth refills in a step (`refill`: the factor consumed depth keeps per step); to a book that
/// does not refill they do not come back. (Returning as fast as they left lifted funding-bleed's
/// price 1.5% in 8 s with no trade, as its recovery crossed the floor's distance.)
#[inline]
pub fn returning_share(now: f64, target: f64, refill: Option<f64>) -> f64 {
    if target <= now {
        return target;
    }
    match refill {
        Some(keeps) => now + (target - now) * (1.0 - keeps),
        None => now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{BookLevel, Contract};

    #[test]
    fn makers_leave_at_once_and_return_as_the_book_refills() {
        // Pulled at once, however far.
        assert_eq!(returning_share(0.9, 0.25, Some(0.5)), 0.25);
        assert_eq!(returning_share(0.9, 0.25, None), 0.25);
        // Back by the share of the gap the book refills in a step (a half here), never past
        // what the distance asks for.
        assert_eq!(returning_share(0.25, 0.75, Some(0.5)), 0.5);
        assert_eq!(returning_share(0.5, 0.75, Some(0.5)), 0.625);
        assert_eq!(returning_share(0.25, 1.0, Some(0.0)), 1.0);
        let mut share = 0.25;
        for _ in 0..200 {
            let next = returning_share(share, 1.0, Some(0.9));
            assert!(next > share && next <= 1.0);
            share = next;
        }
        assert!(share > 0.999_99);
        // A book that does not refill: they stay away.
        assert_eq!(returning_share(0.25, 1.0, None), 0.25);
    }

    fn market(book: Book) -> Market {
        Market {
            price: 100.0,
            contract: Contract::Linear,
            book,
            resilience_half_life_s: None,
            withdrawal: 0.0,
            withdrawal_floor: 0.2,
            mark_smoothing_s: 0.0,
            coin: None,
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
    fn the_price_never_passes_the_ceiling_and_the_mark_stays_finite() {
        let mut book = OrderBook::new(&market(Book::Power {
            depth_1pct_usd: 1.0,
            exponent: 0.25,
        }));
        // A buy that empties the asks many times over: the integrals overflow.
        let fill = book.trade(-1e300);
        assert_eq!(book.last(), 100.0 * PRICE_CEILING_MULTIPLE);
        assert!(fill.is_finite() && fill <= book.ceiling(), "{fill}");
        let mut mark = MarkPrice::new(100.0, 30.0, 1.0);
        for _ in 0..10 {
            assert!(mark.follow(book.last()).is_finite());
        }
        book.move_top_to(f64::INFINITY);
        assert_eq!(book.top(), book.ceiling());
    }

    #[test]
    fn smoothed_mark_lags_the_last_price() {
        let mut mark = MarkPrice::new(100.0, 1.0, 1.0);
        assert!((mark.follow(90.0) - 95.0).abs() < 1e-12);
        let mut instant = MarkPrice::new(100.0, 0.0, 1.0);
        assert_eq!(instant.follow(90.0), 90.0);
    }
}
