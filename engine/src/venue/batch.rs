//! The batched fast path: whole closes of untouched positions settled together in 64-bit
//! arithmetic, their exact flows summed in registers and booked once, with the same bits as
//! settling them one by one ([`LiquidationEngine::settle`]).

use crate::money::exact::{self, SplitProduct};
use crate::money::{self, Money};
use crate::positions::{OpenPositionSums, PositionTable, StartState, Terms, Warm};
use crate::scenario::{Contract, Side};

use super::{LiquidationEngine, Order, StepLiquidations};

/// Exact flows of whole closes settled together ([`LiquidationEngine::settle_fills`]), and the
/// float totals they update (in registers, in the order one-by-one closes would update them),
/// booked into the venue at once.
struct Batch {
    /// Realized PnL of the closed positions (units).
    realized: i128,
    /// Fees taken from the solvent ones (each capped at its position's equity).
    fees: i128,
    /// The insurance fund as it stands: the ledger's plus every closed position's equity (fee
    /// plus remainder, or minus the deficit the fund covers).
    fund: i128,
    fund_before: i128,
    /// Collateral the closed positions held.
    released: i128,
    /// The closed positions' coins and coins x entry per side, for the open-position sums.
    coins: [i128; 2],
    coins_entry: [exact::ProductSum; 2],
    open_interest: f64,
    /// The group of the last close and its open size.
    group: Option<(usize, f64)>,
    count: [u64; 2],
    /// Size closed at the fill ([`StepLiquidations::long_fill_usd`]), the step's and the
    /// venue's running totals.
    filled: [f64; 2],
    venue_filled: [f64; 2],
}

impl Batch {
    pub(super) fn new(venue: &LiquidationEngine, step: &StepLiquidations) -> Batch {
        let fund = venue.ledger.insurance_fund.units();
        Batch {
            realized: 0,
            fees: 0,
            fund,
            fund_before: fund,
            released: 0,
            coins: [0; 2],
            coins_entry: Default::default(),
            open_interest: venue.open_interest,
            group: None,
            count: [0; 2],
            filled: [step.long_fill_usd, step.short_fill_usd],
            venue_filled: [
                venue.liquidated_fill_usd_long,
                venue.liquidated_fill_usd_short,
            ],
        }
    }

    /// Counts the whole close of a position of `size` in group `g`, `notional` at the fill.
    #[inline(always)]
    pub(super) fn close(
        &mut self,
        g: usize,
        size: f64,
        notional: f64,
        side: Side,
        venue: &mut LiquidationEngine,
    ) {
        // `0.0 - size`, not `-size`: a one-by-one close updates the totals with `new - old` where
        // the new size is 0.0 (`LiquidationEngine::set_size`), and these must be the same bits
        // (they are even for a zero size, where `-size` would be -0.0).
        self.open_interest += 0.0 - size;
        match &mut self.group {
            Some((current, open)) if *current == g => *open += 0.0 - size,
            _ => {
                if let Some((current, open)) = self.group {
                    venue.group_open[current] = open;
                }
                venue.changed_groups[g] = true;
                self.group = Some((g, venue.group_open[g] + (0.0 - size)));
            }
        }
        let lane = OpenPositionSums::lane(side);
        self.count[lane] += 1;
        self.filled[lane] += notional;
        self.venue_filled[lane] += notional;
    }

    /// Books the flows and totals into the venue and the step.
    pub(super) fn book(self, venue: &mut LiquidationEngine, step: &mut StepLiquidations) {
        let money =
            |units: i128| Money::from_units(units.clamp(-money::MAX_UNITS, money::MAX_UNITS));
        venue.ledger.realize(money(self.realized));
        venue
            .ledger
            .settle_covered(money(self.fund - self.fund_before), money(self.fees));
        venue.open_collateral -= money(self.released);
        venue.open_interest = self.open_interest;
        if let Some((g, open)) = self.group {
            venue.group_open[g] = open;
        }
        [step.long_count, step.short_count] = [
            step.long_count + self.count[0] as u32,
            step.short_count + self.count[1] as u32,
        ];
        venue.liquidated_count_long += self.count[0];
        venue.liquidated_count_short += self.count[1];
        [step.long_fill_usd, step.short_fill_usd] = self.filled;
        [
            venue.liquidated_fill_usd_long,
            venue.liquidated_fill_usd_short,
        ] = self.venue_filled;
        if let Some(book) = venue.open_sums.as_mut() {
            let kept = [Side::Long, Side::Short].into_iter().all(|side| {
                let lane = OpenPositionSums::lane(side);
                self.coins_entry[lane]
                    .total()
                    .is_some_and(|product| book.remove(side, self.coins[lane], product))
            });
            if !kept {
                venue.open_sums = None;
            }
        }
    }
}

/// What a whole close of a position still in its start state needs, in 64-bit fixed point:
/// closing units, entry and collateral (linear contracts whose columns are all held in 64 bits).
#[derive(Clone, Copy)]
pub(super) struct WholeCloses<'a> {
    units: &'a [i64],
    entry: &'a [i64],
    collateral: &'a [i64],
}

impl<'a> WholeCloses<'a> {
    pub(super) fn of(
        table: &'a PositionTable,
        start: &'a StartState,
        warm: &'a Warm,
    ) -> Option<Self> {
        (table.contract == Contract::Linear).then_some(())?;
        Some(WholeCloses {
            units: warm.closing_units.small()?,
            entry: table.entry_fixed.small()?,
            collateral: start.collateral.small()?,
        })
    }
}

impl<'a> LiquidationEngine<'a> {
    /// Settles the book-filled liquidations of one side at `fill`, in order. Whole closes of
    /// positions still as they started (nearly all of them) take a batched path in 64-bit
    /// arithmetic ([`WholeCloses`]): their exact flows are summed in registers and booked once,
    /// with the same results as [`Self::settle`] one by one (sums of integers do not depend on
    /// order; every float total is updated in the same order). Anything else, and any deficit the
    /// fund cannot cover in full (bad debt), goes through [`Self::settle`].
    pub(super) fn settle_fills(
        &mut self,
        orders: &[Order],
        fill: f64,
        step: &mut StepLiquidations,
    ) {
        let fill_fixed = money::fixed(fill);
        let (Some(whole), Some(fill_small)) = (self.whole, money::fixed_i64(fill)) else {
            for &order in orders {
                self.settle(order, fill, fill_fixed, step);
            }
            return;
        };
        let (table, fee_rate) = (self.table, self.rules.liquidation_fee);
        let mut batch = Batch::new(self, step);
        for &order in orders {
            let i = order.index as usize;
            // A long's PnL (`money::linear_pnl`), in 64 bits.
            let long_pnl = fill_small
                .checked_sub(whole.entry[i])
                .and_then(|move_units| SplitProduct::of(whole.units[i], move_units))
                .map(SplitProduct::rounded_units);
            let side = self.side[i];
            let untouched = self.status[i].is_untouched() && order.fraction >= 1.0;
            let pnl = long_pnl.filter(|_| untouched).map(|pnl| match side {
                Side::Long => pnl,
                Side::Short => -pnl,
            });
            let equity = pnl.map(|pnl| i128::from(whole.collateral[i]) + i128::from(pnl));
            // A deficit must be one the fund (as it now stands) covers in full: else bad debt.
            let (Some(pnl), Some(equity)) =
                (pnl, equity.filter(|&e| e >= 0 || batch.fund + e >= 0))
            else {
                // Booking a batch with no close in it changes nothing: skipped (a venue that
                // clips positions sends nearly every order here, one after another).
                if batch.count != [0, 0] {
                    batch.book(self, step);
                }
                self.settle(order, fill, fill_fixed, step);
                batch = Batch::new(self, step);
                continue;
            };
            // The notional at the fill, as a close one by one counts it (`closing_at`).
            let coins = self.start.size[i] / table.entry[i];
            let notional = coins * fill;
            if equity >= 0 {
                batch.fees += money::fixed(fee_rate * notional).min(equity);
            }
            batch.realized += i128::from(pnl);
            batch.fund += equity;
            batch.released += i128::from(whole.collateral[i]);
            let lane = OpenPositionSums::lane(side);
            batch.coins[lane] += i128::from(whole.units[i]);
            batch.coins_entry[lane].add(i128::from(whole.units[i]), i128::from(whole.entry[i]));
            let size = self.start.size[i];
            batch.close(usize::from(table.group_of[i]), size, notional, side, self);
            self.status[i].close();
        }
        batch.book(self, step);
    }

    /// The start state's numbers for a whole close of position `i`, if it is untouched and the
    /// run has them ([`WholeCloses`]).
    #[inline(always)]
    pub(super) fn whole_close(&self, i: usize, fraction: f64) -> Option<WholeCloses<'a>> {
        let whole = self.whole?;
        (fraction >= 1.0 && self.status[i].is_untouched()).then_some(whole)
    }

    /// [`Self::coins`] of an order.
    #[inline(always)]
    pub(super) fn order_coins(&self, order: Order, mark: f64) -> f64 {
        let i = order.index as usize;
        match self.whole_close(i, order.fraction) {
            Some(_) => self.start.size[i] / self.table.entry[i],
            None => self.coins(i, order.fraction, mark),
        }
    }

    /// The equity at `price` of the part of position `i` an order closes.
    #[inline(always)]
    pub(super) fn order_equity_at(&self, order: Order, price: f64) -> f64 {
        let i = order.index as usize;
        match self.whole_close(i, order.fraction) {
            // The start state's terms, without going through the per-position accessors.
            Some(whole) => Terms {
                contract: self.contract(),
                side: self.side[i],
                entry: self.table.entry[i],
                size: self.start.size[i],
                collateral: Money::from_units(i128::from(whole.collateral[i])).to_f64(),
            }
            .equity_at(price),
            None => order.fraction * self.terms(i).equity_at(price),
        }
    }
}
