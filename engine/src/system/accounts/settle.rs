//! Liquidating the accounts a step found in breach (docs/model.md §15.5): their legs go to the
//! books as one market order per market and side, except those of accounts whose deficit the
//! markets' insurance funds could not pay (or, under Hyperliquid's rule, any deficit), which are
//! auto-deleveraged against the markets' profitable positions at the account's bankruptcy
//! prices. What an account's equity does not cover is drawn from the funds, and what they cannot
//! pay is bad debt.

use crate::money::{fixed, money, Money};
use crate::scenario::Side;
use crate::solve::market_run::MarketRun;
use crate::venue::AdlRoom;

use super::{AccountsRun, Cause, Deficits, Leg};

/// Per market, one value per side (long legs, short legs).
type Sides = Vec<[f64; 2]>;

/// How a breached account's legs are closed.
#[derive(Clone, Copy, PartialEq)]
enum Route {
    Book,
    Adl,
}

/// The ADL room of each market and side, scanned for only when an account needs it: the coins
/// left, and the winners found (handed to the deleveraging at the end of the step).
struct Room {
    slots: Vec<[Option<Slot>; 2]>,
}

/// One market and side's room: the coins ADL can still take, and what the scan found.
struct Slot {
    left: f64,
    found: Option<AdlRoom>,
}

impl Room {
    fn new(markets: usize) -> Room {
        Room {
            slots: (0..markets).map(|_| [None, None]).collect(),
        }
    }

    /// Coins ADL can still take from `side` in `market` (0 where the venue runs none).
    fn get(&mut self, runs: &[MarketRun<'_>], market: usize, side: Side) -> f64 {
        self.slots[market][side.slot()]
            .get_or_insert_with(|| {
                let found = runs[market].adl_room(side);
                Slot {
                    left: found.as_ref().map_or(0.0, |room| room.coins),
                    found,
                }
            })
            .left
    }

    fn take(&mut self, market: usize, side: Side, coins: f64) {
        if let Some(slot) = self.slots[market][side.slot()].as_mut() {
            slot.left -= coins;
        }
    }

    /// The winners found for `side` in `market`, if its room was asked for.
    fn winners(&mut self, market: usize, side: Side) -> Option<AdlRoom> {
        self.slots[market][side.slot()]
            .as_mut()
            .and_then(|slot| slot.found.take())
    }
}

impl AccountsRun<'_> {
    /// Liquidates the accounts `self.breached` holds, the collateral at `price`, the marks set.
    pub(super) fn liquidate_breached(&mut self, price: f64, runs: &mut [MarketRun<'_>]) {
        let markets = runs.len();
        // What one market order per market and side for every breached account would fill at.
        let mut coins = self.book_coins(&[], markets);
        let estimate = fills_of(&coins, runs, |run, coins| run.book().quote(coins));
        let (routes, mut room) = self.routes(price, &estimate, runs);
        // The books take the legs of the accounts not deleveraged.
        if routes.contains(&Route::Adl) {
            coins = self.book_coins(&routes, markets);
        }
        let fills = fills_of(&coins, runs, |run, coins| run.book_mut().trade(coins));
        let mut deleveraged: Sides = vec![[0.0; 2]; markets];
        let mut deleveraged_value: Sides = vec![[0.0; 2]; markets];
        for (b, &route) in routes.iter().enumerate() {
            let (k, cause) = self.breached[b];
            let closing: Vec<f64> = match route {
                Route::Book => self.legs[self.accounts[k].legs.clone()]
                    .iter()
                    .map(|leg| fills[leg.market][leg.side.slot()])
                    .collect(),
                Route::Adl => self.bankruptcy_prices(k, price, &fills),
            };
            let value = money(self.accounts[k].units * price);
            self.open[k] = false;
            self.revaluation += value - money(self.accounts[k].units * self.start_price);
            let mut realized = Money::ZERO;
            for (leg, &at) in self.legs[self.accounts[k].legs.clone()]
                .iter()
                .zip(&closing)
            {
                realized += leg.pnl_exact(at);
                let usd = leg.coins * at;
                let deleveraged_leg = route == Route::Adl && self.losing(leg);
                let flows = &mut self.flows[leg.market];
                if deleveraged_leg {
                    flows.deleveraged_usd += usd;
                    deleveraged[leg.market][leg.side.slot()] += leg.coins;
                    deleveraged_value[leg.market][leg.side.slot()] += usd;
                    continue;
                }
                match leg.side {
                    Side::Long => flows.sold_usd += usd,
                    Side::Short => flows.bought_usd += usd,
                }
                let slot = match cause {
                    Cause::Market(market) if market == leg.market => 0,
                    Cause::Market(_) => 1,
                    Cause::Collateral => 2,
                };
                flows.by_cause_usd[slot] += usd;
                if let Some(last) = flows.by_step_usd.last_mut() {
                    *last += usd;
                }
            }
            self.net_to_markets -= realized;
            let equity = value + realized;
            if equity.is_negative() {
                let covered = self.cover(k, -equity, &closing, runs);
                self.covered_by_funds += covered;
                self.bad_debt += -equity - covered;
                self.net_to_markets += equity;
            } else {
                self.returned += equity;
            }
            match cause {
                Cause::Market(_) => self.liquidated_by_leg_loss += 1,
                Cause::Collateral => self.liquidated_by_collateral += 1,
            }
            if route == Route::Adl {
                self.deleveraged += 1;
            }
        }
        // The markets' winners take the deleveraged legs over, per market and side at the
        // legs' mean bankruptcy price.
        for (market, run) in runs.iter_mut().enumerate() {
            for side in [Side::Long, Side::Short] {
                let slot = side.slot();
                let coins = deleveraged[market][slot];
                if coins > 0.0 {
                    let price = deleveraged_value[market][slot] / coins;
                    run.deleverage_outside(side, coins, price, room.winners(market, side));
                }
            }
        }
    }

    /// The coins of the breached accounts' legs that go to the books (all of them when `routes`
    /// is empty; a deleveraged account's losing legs do not), one order per market and side.
    fn book_coins(&self, routes: &[Route], markets: usize) -> Sides {
        let mut coins: Sides = vec![[0.0; 2]; markets];
        for (b, &(k, _)) in self.breached.iter().enumerate() {
            let deleveraged = routes.get(b) == Some(&Route::Adl);
            for leg in &self.legs[self.accounts[k].legs.clone()] {
                if !(deleveraged && self.losing(leg)) {
                    coins[leg.market][leg.side.slot()] += leg.coins;
                }
            }
        }
        coins
    }

    /// How each breached account is closed: by the books, unless its equity at the estimated
    /// fills is negative, the group's rule sends it to ADL (`fund_then_adl`: the funds cannot
    /// pay the deficit; `adl`: its equity at the marks is negative too), and the markets'
    /// winners can take all its losing legs over.
    fn routes(&self, price: f64, estimate: &Sides, runs: &[MarketRun<'_>]) -> (Vec<Route>, Room) {
        let mut funds: Vec<f64> = runs
            .iter()
            .map(|run| run.insurance_fund().to_f64())
            .collect();
        let mut room = Room::new(runs.len());
        let mut shares = vec![0.0; runs.len()];
        let mut needs: Vec<(usize, Side, f64)> = Vec::new();
        let routes = self
            .breached
            .iter()
            .map(|&(k, _)| {
                let legs = &self.legs[self.accounts[k].legs.clone()];
                let value = self.accounts[k].units * price;
                let at = |leg: &Leg| estimate[leg.market][leg.side.slot()];
                let equity = value + legs.iter().map(|leg| leg.pnl(at(leg))).sum::<f64>();
                if equity >= 0.0 {
                    return Route::Book;
                }
                // The deficit's shares by the legs' notional at the estimated fills.
                shares.iter_mut().for_each(|share| *share = 0.0);
                let notional: f64 = legs.iter().map(|leg| leg.coins * at(leg)).sum();
                for leg in legs {
                    shares[leg.market] += -equity * leg.coins * at(leg) / notional;
                }
                let funds_pay = shares.iter().zip(&funds).all(|(share, fund)| share <= fund);
                let try_adl = match self.deficits {
                    Deficits::FundThenAdl => !funds_pay,
                    Deficits::Adl => {
                        let at_marks: f64 =
                            legs.iter().map(|leg| leg.pnl(self.marks[leg.market])).sum();
                        value + at_marks < 0.0
                    }
                };
                // What its losing legs need of each market's room, per side.
                needs.clear();
                for leg in legs.iter().filter(|leg| self.losing(leg)) {
                    match needs
                        .iter_mut()
                        .find(|(market, side, _)| *market == leg.market && *side == leg.side)
                    {
                        Some((_, _, coins)) => *coins += leg.coins,
                        None => needs.push((leg.market, leg.side, leg.coins)),
                    }
                }
                if try_adl
                    && !needs.is_empty()
                    && needs
                        .iter()
                        .all(|&(market, side, coins)| coins <= room.get(runs, market, side))
                {
                    for &(market, side, coins) in &needs {
                        room.take(market, side, coins);
                    }
                    return Route::Adl;
                }
                for (fund, share) in funds.iter_mut().zip(&shares) {
                    *fund -= share.min(*fund);
                }
                Route::Book
            })
            .collect();
        (routes, room)
    }

    /// Whether a leg loses at its market's mark (the legs ADL takes over).
    fn losing(&self, leg: &Leg) -> bool {
        leg.pnl(self.marks[leg.market]) < 0.0
    }

    /// Where a deleveraged account `k`'s legs close: its losing legs at its bankruptcy prices,
    /// the others at their `fills` in the books. With the losing legs at their marks (the others
    /// at their fills, the collateral at `price`, unhaircut) the account lacks `D` (or has `-D`
    /// left); each losing leg takes the share of `D` its loss at the mark is of their losses,
    /// closing that much in the account's favour (against it when `D` is negative), so that the
    /// account ends at zero; never past the leg's entry, where its winners would give up more
    /// than the leg lost (what is then left is a deficit, paid as any other).
    fn bankruptcy_prices(&self, k: usize, price: f64, fills: &Sides) -> Vec<f64> {
        let legs = &self.legs[self.accounts[k].legs.clone()];
        let fill = |leg: &Leg| fills[leg.market][leg.side.slot()];
        let mut equity = self.accounts[k].units * price;
        let mut losses = 0.0;
        for leg in legs {
            if self.losing(leg) {
                let pnl = leg.pnl(self.marks[leg.market]);
                equity += pnl;
                losses -= pnl;
            } else {
                equity += leg.pnl(fill(leg));
            }
        }
        legs.iter()
            .map(|leg| {
                if !self.losing(leg) {
                    return fill(leg);
                }
                let mark = self.marks[leg.market];
                let lost = -leg.pnl(mark);
                let per_coin = (-equity * lost / losses).min(lost) / leg.coins;
                match leg.side {
                    Side::Long => mark + per_coin,
                    Side::Short => mark - per_coin,
                }
            })
            .collect()
    }

    /// Draws account `k`'s `deficit` from the insurance funds of its legs' markets, in
    /// proportion to the legs' notional at `closing` (their closing prices); returns what the
    /// funds paid.
    fn cover(
        &self,
        k: usize,
        deficit: Money,
        closing: &[f64],
        runs: &mut [MarketRun<'_>],
    ) -> Money {
        let legs = &self.legs[self.accounts[k].legs.clone()];
        let notional: f64 = legs
            .iter()
            .zip(closing)
            .map(|(leg, at)| leg.coins * at)
            .sum();
        let mut paid = Money::ZERO;
        let mut left = deficit;
        for (j, (leg, at)) in legs.iter().zip(closing).enumerate() {
            // The last leg's share is what the others left, so the shares sum to the deficit.
            let share = if j + 1 == legs.len() {
                left
            } else {
                deficit
                    .times_fraction(fixed(leg.coins * at / notional))
                    .min(left)
            };
            left -= share;
            paid += runs[leg.market].cover_outside_deficit(share);
        }
        paid
    }
}

/// One market order per market and side of `coins` (long legs sold, short legs bought back),
/// filled by `fill` (a quote, or a trade); where there is none, the market's mark.
fn fills_of<'a, 'r>(
    coins: &Sides,
    runs: &'r mut [MarketRun<'a>],
    mut fill: impl FnMut(&mut MarketRun<'a>, f64) -> f64,
) -> Sides {
    coins
        .iter()
        .zip(runs.iter_mut())
        .map(|(&[sell, buy], run)| {
            let mark = run.mark();
            [
                if sell > 0.0 { fill(run, sell) } else { mark },
                if buy > 0.0 { fill(run, -buy) } else { mark },
            ]
        })
        .collect()
}
