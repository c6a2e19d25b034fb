//! The venue's liquidation engine: live position state, triggers on the mark, the throughput cap,
//! partial liquidation, fills on the book, fees into the insurance fund, auto-deleveraging and bad
//! debt. Money moves through the [`Ledger`] in exact fixed point ([`Money`]).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use crate::ledger::{Ledger, Remainder};
use crate::market::OrderBook;
use crate::money::exact::{self, SplitProduct};
use crate::money::{self, Money};
use crate::positions::{
    closing_units_of, crossed, OpenBook, PositionTable, StartState, Terms, Warm,
};
use crate::scenario::{Adl, Contract, Side, Venue};

/// A position whose trigger moved (top-up, partial liquidation, de-leveraging), kept in a heap by
/// the mark at which it is next liquidated.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Rearmed {
    /// Larger key is reached first: the trigger for longs, minus the trigger for shorts.
    key: f64,
    index: u32,
}

impl Eq for Rearmed {}

impl PartialOrd for Rearmed {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rearmed {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key
            .total_cmp(&other.key)
            .then(other.index.cmp(&self.index))
    }
}

/// Closing (part of) a position at one price.
#[derive(Clone, Copy, Debug)]
struct Closing {
    /// Realized PnL, exact.
    pnl: Money,
    /// Size closed (USD at entry, or contracts).
    closed: f64,
    /// Notional closed at the price, in collateral currency (what the fee is charged on).
    notional: f64,
}

/// Liquidation of (a fraction of) one position this step.
#[derive(Clone, Copy, Debug)]
pub struct Order {
    pub index: u32,
    /// Fraction of the position's current size closed, in (0, 1].
    pub fraction: f64,
}

/// What one step's liquidations did, for the step record.
#[derive(Clone, Copy, Debug, Default)]
pub struct StepLiquidations {
    pub long_usd: f64,
    pub short_usd: f64,
    pub long_count: u32,
    pub short_count: u32,
    pub long_coins: f64,
    pub short_coins: f64,
    pub adl_usd: f64,
    pub bad_debt_usd: f64,
}

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
    /// The closed positions' coins and coins x entry per side, for the open book.
    coins: [i128; 2],
    coins_entry: [exact::ProductSum; 2],
    open_interest: f64,
    /// The group of the last close and its open size.
    group: Option<(usize, f64)>,
    count: [u64; 2],
    closed: [f64; 2],
    venue_closed: [f64; 2],
}

impl Batch {
    fn new(venue: &LiquidationEngine, step: &StepLiquidations) -> Batch {
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
            closed: [step.long_usd, step.short_usd],
            venue_closed: [venue.liquidated_usd_long, venue.liquidated_usd_short],
        }
    }

    /// Counts the whole close of a position of `size` in group `g`.
    #[inline(always)]
    fn close(&mut self, g: usize, size: f64, side: Side, venue: &mut LiquidationEngine) {
        self.open_interest += 0.0 - size;
        match &mut self.group {
            Some((current, open)) if *current == g => *open += 0.0 - size,
            _ => {
                if let Some((current, open)) = self.group {
                    venue.group_open[current] = open;
                }
                self.group = Some((g, venue.group_open[g] + (0.0 - size)));
            }
        }
        let lane = OpenBook::lane(side);
        self.count[lane] += 1;
        self.closed[lane] += size;
        self.venue_closed[lane] += size;
    }

    /// Books the flows and totals into the venue and the step.
    fn book(self, venue: &mut LiquidationEngine, step: &mut StepLiquidations) {
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
        [step.long_usd, step.short_usd] = self.closed;
        [venue.liquidated_usd_long, venue.liquidated_usd_short] = self.venue_closed;
        if let Some(book) = venue.open_book.as_mut() {
            let kept = [Side::Long, Side::Short].into_iter().all(|side| {
                let lane = OpenBook::lane(side);
                self.coins_entry[lane]
                    .total()
                    .is_some_and(|product| book.remove(side, self.coins[lane], product))
            });
            if !kept {
                venue.open_book = None;
            }
        }
    }
}

/// What a whole close of a position still in its start state needs, in 64-bit fixed point:
/// closing units, entry and collateral (linear contracts whose columns are all held in 64 bits).
#[derive(Clone, Copy)]
struct WholeCloses<'a> {
    units: &'a [i64],
    entry: &'a [i64],
    collateral: &'a [i64],
}

impl<'a> WholeCloses<'a> {
    fn of(table: &'a PositionTable, start: &'a StartState, warm: &'a Warm) -> Option<Self> {
        (table.contract == Contract::Linear).then_some(())?;
        Some(WholeCloses {
            units: warm.closing_units.small()?,
            entry: table.entry_fixed.small()?,
            collateral: start.collateral.small()?,
        })
    }
}

/// A position's state bit: closed (size and collateral zero).
const CLOSED: u8 = 1;
/// A position's state bit: its size, collateral and trigger are its own ([`Own`]), no longer the
/// table's start state.
const OWN: u8 = 2;
/// A position's state bit: queued for liquidation.
const PENDING: u8 = 4;

/// Sizes, collateral and triggers of the positions whose state left the start state (a top-up,
/// partial liquidation, de-leveraging or ADL), valid where a position has the [`OWN`] bit.
struct Own {
    size: Vec<f64>,
    collateral: Vec<Money>,
    trigger: Vec<f64>,
}

/// Every position's live state plus the venue's queues. A position is as the table's start state
/// says until it is closed or changed: a run costs one state byte per position, not a copy of
/// every column. Sizes and collateral change only through [`Self::set_size`],
/// [`Self::set_collateral`] and [`Self::close_fully`], which keep the open totals in step.
pub struct LiquidationEngine<'a> {
    pub table: &'a PositionTable,
    pub rules: &'a Venue,
    /// The table's start-of-run state (sizes, collateral).
    start: &'a StartState,
    /// Its warm part (closing units, open book), when this is not the first run from it.
    warm: Option<&'a Warm>,
    /// Exact sums over the open positions (linear contracts), for marking them at the end.
    open_book: Option<OpenBook>,
    /// The warm state's numbers in 64 bits, for batched whole closes.
    whole: Option<WholeCloses<'a>>,
    pub side: &'a [Side],
    /// [`CLOSED`], [`OWN`] and [`PENDING`] bits per position.
    status: Vec<u8>,
    /// Allocated when a first position changes.
    own: Option<Own>,
    cursor: Vec<usize>,
    long_heap: BinaryHeap<Rearmed>,
    short_heap: BinaryHeap<Rearmed>,
    queue: VecDeque<u32>,
    /// Neither partial liquidation nor a throughput cap: every triggered position is closed whole
    /// in the step it triggers, so [`Self::collect_triggered`] writes this step's orders directly
    /// into `ready` (no queue, no pending mark that nothing could see).
    whole_only: bool,
    ready: Vec<Order>,
    /// Collateral of all positions (closed ones hold none), exact.
    open_collateral: Money,
    /// Size of all open positions (USD at entry, or contracts).
    open_interest: f64,
    /// Size of the open positions of each group.
    group_open: Vec<f64>,
    pub ledger: Ledger,
    pub partial_liquidations: u64,
    pub liquidated_count_long: u64,
    pub liquidated_count_short: u64,
    pub liquidated_usd_long: f64,
    pub liquidated_usd_short: f64,
}

impl<'a> LiquidationEngine<'a> {
    pub fn new(table: &'a PositionTable, rules: &'a Venue) -> LiquidationEngine<'a> {
        let n = table.len();
        let start = table.start();
        let warm = start.warm(table);
        let collateral_in = start.collateral_total;
        let fund = money::money(rules.insurance_fund_usd);
        LiquidationEngine {
            table,
            rules,
            start,
            warm,
            open_book: warm.and_then(|warm| warm.open_book),
            whole: warm.and_then(|warm| WholeCloses::of(table, start, warm)),
            side: &table.side,
            status: vec![0; n],
            own: None,
            cursor: table.groups.iter().map(|group| group.start).collect(),
            long_heap: BinaryHeap::new(),
            short_heap: BinaryHeap::new(),
            queue: VecDeque::new(),
            whole_only: !rules.partial_liquidation && rules.max_liquidation_usd_per_step.is_none(),
            ready: Vec::new(),
            open_collateral: collateral_in,
            open_interest: start.open_interest,
            group_open: start.group_size.clone(),
            ledger: Ledger::new(collateral_in, fund),
            partial_liquidations: 0,
            liquidated_count_long: 0,
            liquidated_count_short: 0,
            liquidated_usd_long: 0.0,
            liquidated_usd_short: 0.0,
        }
    }

    /// Number of positions (open or closed).
    pub fn len(&self) -> usize {
        self.status.len()
    }

    pub fn is_empty(&self) -> bool {
        self.status.is_empty()
    }

    /// The position's changed state, if it has one.
    #[inline(always)]
    fn own(&self, i: usize) -> Option<&Own> {
        if self.status[i] & OWN != 0 {
            self.own.as_ref()
        } else {
            None
        }
    }

    /// Current size of position `i` (USD at entry, or contracts); 0 once closed.
    #[inline(always)]
    pub fn size(&self, i: usize) -> f64 {
        if self.status[i] & CLOSED != 0 {
            0.0
        } else {
            self.own(i).map_or(self.start.size[i], |own| own.size[i])
        }
    }

    /// Current collateral of position `i`, exact.
    #[inline(always)]
    pub fn collateral(&self, i: usize) -> Money {
        if self.status[i] & CLOSED != 0 {
            Money::ZERO
        } else {
            self.own(i)
                .map_or(Money::from_units(self.start.collateral.get(i)), |own| {
                    own.collateral[i]
                })
        }
    }

    /// Current collateral of position `i` as f64 (for trigger arithmetic and behaviour rules).
    pub fn collateral_f(&self, i: usize) -> f64 {
        self.collateral(i).to_f64()
    }

    /// The mark at which position `i` is liquidated now.
    pub fn trigger(&self, i: usize) -> f64 {
        self.own(i)
            .map_or(self.table.liquidation_price[i], |own| own.trigger[i])
    }

    /// Whether position `i` is queued for liquidation.
    pub fn is_pending(&self, i: usize) -> bool {
        self.status[i] & PENDING != 0
    }

    fn set_pending(&mut self, i: usize, pending: bool) {
        if pending {
            self.status[i] |= PENDING;
        } else {
            self.status[i] &= !PENDING;
        }
    }

    /// Gives position `i` its own state (from its current one) before it changes.
    fn make_own(&mut self, i: usize) -> &mut Own {
        let n = self.status.len();
        let own = self.own.get_or_insert_with(|| Own {
            size: vec![0.0; n],
            collateral: vec![Money::ZERO; n],
            trigger: vec![0.0; n],
        });
        if self.status[i] & OWN == 0 {
            self.status[i] |= OWN;
            own.size[i] = self.start.size[i];
            own.collateral[i] = Money::from_units(self.start.collateral.get(i));
            own.trigger[i] = self.table.liquidation_price[i];
        }
        own
    }

    /// Size of all open positions (USD at entry, or contracts).
    pub fn open_interest(&self) -> f64 {
        self.open_interest.max(0.0)
    }

    /// Size of the open positions per bucket, kept in step as sizes change: (longs, shorts).
    pub fn open_by_bucket(&self) -> (Vec<f64>, Vec<f64>) {
        let buckets = self.table.buckets.len();
        let (mut longs, mut shorts) = (vec![0.0; buckets], vec![0.0; buckets]);
        for (group, &open) in self.table.groups.iter().zip(&self.group_open) {
            let open = open.max(0.0);
            match group.side {
                Side::Long => longs[group.bucket] += open,
                Side::Short => shorts[group.bucket] += open,
            }
        }
        (longs, shorts)
    }

    /// Sets position `i`'s size, keeping open interest and the open book in step.
    fn set_size(&mut self, i: usize, size: f64) {
        let current = self.size(i);
        if self.open_book.is_some() {
            let (side, entry) = (self.side[i], self.table.entry_fixed.get(i));
            let before = self.closing_units(i, current);
            let after = if size > 0.0 {
                self.closing_units(i, size)
            } else {
                0
            };
            let kept = self.open_book.as_mut().is_some_and(|book| {
                book.add(side, before, entry, -1) && (after == 0 || book.add(side, after, entry, 1))
            });
            if !kept {
                self.open_book = None;
            }
        }
        self.open_interest += size - current;
        self.group_open[usize::from(self.table.group_of[i])] += size - current;
        if size > 0.0 {
            self.make_own(i).size[i] = size;
        } else {
            self.status[i] |= CLOSED;
        }
    }

    /// Sets position `i`'s collateral, keeping the open total in step.
    fn set_collateral(&mut self, i: usize, amount: Money) {
        self.open_collateral += amount - self.collateral(i);
        self.make_own(i).collateral[i] = amount;
    }

    #[inline(always)]
    pub fn is_open(&self, i: usize) -> bool {
        self.size(i) > 0.0
    }

    fn contract(&self) -> Contract {
        self.table.contract
    }

    /// Live terms of position `i`.
    pub fn terms(&self, i: usize) -> Terms {
        Terms {
            contract: self.contract(),
            side: self.side[i],
            entry: self.table.entry[i],
            size: self.size(i),
            collateral: self.collateral_f(i),
        }
    }

    /// Notional at `mark`, USD.
    pub fn notional_at(&self, i: usize, mark: f64) -> f64 {
        match self.contract() {
            Contract::Linear => self.size(i) / self.table.entry[i] * mark,
            Contract::Inverse => self.size(i),
        }
    }

    /// Coins a market order closing `fraction` of position `i` trades at `mark`.
    pub fn coins(&self, i: usize, fraction: f64, mark: f64) -> f64 {
        match self.contract() {
            Contract::Linear => fraction * self.size(i) / self.table.entry[i],
            Contract::Inverse => fraction * self.size(i) / mark,
        }
    }

    /// The start state's numbers for a whole close of position `i`, if it is untouched and the
    /// run has them ([`WholeCloses`]).
    #[inline(always)]
    fn whole_close(&self, i: usize, fraction: f64) -> Option<WholeCloses<'a>> {
        let whole = self.whole?;
        (fraction >= 1.0 && self.status[i] & (CLOSED | OWN) == 0).then_some(whole)
    }

    /// [`Self::coins`] of an order.
    #[inline(always)]
    fn order_coins(&self, order: Order, mark: f64) -> f64 {
        let i = order.index as usize;
        match self.whole_close(i, order.fraction) {
            Some(_) => self.start.size[i] / self.table.entry[i],
            None => self.coins(i, order.fraction, mark),
        }
    }

    /// The equity at `price` of the part of position `i` an order closes.
    #[inline(always)]
    fn order_equity_at(&self, order: Order, price: f64) -> f64 {
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

    /// Recomputes position `i`'s trigger after its size or collateral changed and files it in the
    /// heap of moved triggers.
    pub fn rearm(&mut self, i: usize) {
        if !self.is_open(i) {
            return;
        }
        let terms = self.terms(i);
        let (rate, deduction) = self.table.margin().tier_for(terms.size);
        let trigger = terms.liquidation_price(rate, deduction);
        self.make_own(i).trigger[i] = trigger;
        match self.side[i] {
            Side::Long => self.long_heap.push(Rearmed {
                key: trigger,
                index: i as u32,
            }),
            Side::Short => self.short_heap.push(Rearmed {
                key: -trigger,
                index: i as u32,
            }),
        }
    }

    /// Queues every open position whose trigger the mark has crossed.
    pub fn collect_triggered(&mut self, mark: f64) {
        for g in 0..self.table.groups.len() {
            let group = &self.table.groups[g];
            let mut i = self.cursor[g];
            while i < group.end {
                // Closed, or with a trigger of its own (in a heap).
                if self.status[i] & (CLOSED | OWN) != 0 || !self.is_open(i) {
                    i += 1;
                    continue;
                }
                if !crossed(group.side, mark, self.table.liquidation_price[i]) {
                    break;
                }
                if self.whole_only {
                    self.ready.push(Order {
                        index: i as u32,
                        fraction: 1.0,
                    });
                } else if !self.is_pending(i) {
                    self.set_pending(i, true);
                    self.queue.push_back(i as u32);
                }
                i += 1;
            }
            self.cursor[g] = i;
        }
        let from_heaps = self.ready.len();
        for side in [Side::Long, Side::Short] {
            loop {
                let heap = match side {
                    Side::Long => &mut self.long_heap,
                    Side::Short => &mut self.short_heap,
                };
                let Some(&top) = heap.peek() else { break };
                let trigger = if side == Side::Long {
                    top.key
                } else {
                    -top.key
                };
                if !crossed(side, mark, trigger) {
                    break;
                }
                heap.pop();
                let i = top.index as usize;
                let current = self.own(i).map(|own| own.trigger[i]);
                if self.is_open(i) && current == Some(trigger) && !self.is_pending(i) {
                    self.set_pending(i, true);
                    if self.whole_only {
                        self.ready.push(Order {
                            index: top.index,
                            fraction: 1.0,
                        });
                    } else {
                        self.queue.push_back(top.index);
                    }
                }
            }
        }
        // Taken at once (the pending mark only kept a position from being collected twice).
        for k in from_heaps..self.ready.len() {
            let i = self.ready[k].index as usize;
            self.set_pending(i, false);
        }
    }

    /// Takes this step's liquidation orders from the queue: partial liquidation sizes each one
    /// down to what restores its margin, and the throughput cap chunks the rest into later steps.
    pub fn take_orders(&mut self, mark: f64) -> Vec<Order> {
        if self.whole_only {
            // Collected this step, all open, each closed whole.
            return std::mem::take(&mut self.ready);
        }
        let mut orders = Vec::new();
        let mut room = self
            .rules
            .max_liquidation_usd_per_step
            .unwrap_or(f64::INFINITY);
        while let Some(&index) = self.queue.front() {
            let i = index as usize;
            if !self.is_open(i) {
                self.queue.pop_front();
                self.set_pending(i, false);
                continue;
            }
            if room <= 0.0 {
                break;
            }
            let mut fraction = if self.rules.partial_liquidation {
                self.partial_fraction(i, mark)
            } else {
                1.0
            };
            if room.is_finite() {
                let notional = self.notional_at(i, mark) * fraction;
                if notional > room {
                    fraction *= room / notional;
                    orders.push(Order { index, fraction });
                    break;
                }
                room -= notional;
            }
            self.queue.pop_front();
            self.set_pending(i, false);
            orders.push(Order { index, fraction });
        }
        orders
    }

    /// Tier-down: the fraction to close so that equity is twice the remaining maintenance margin;
    /// the whole position when that is most of it or equity is gone.
    fn partial_fraction(&self, i: usize, mark: f64) -> f64 {
        let terms = self.terms(i);
        let equity = terms.equity_at(mark);
        let (rate, deduction) = self.table.margin().tier_for(terms.size);
        let margin = match self.contract() {
            Contract::Linear => rate * self.notional_at(i, mark) - deduction,
            Contract::Inverse => rate * terms.size / mark - deduction / terms.entry,
        };
        if equity <= 0.0 || margin <= 0.0 {
            return 1.0;
        }
        let fraction = (1.0 - equity / (2.0 * margin)).max(0.25);
        if fraction >= 0.9 {
            1.0
        } else {
            fraction
        }
    }

    /// Realized PnL (exact) of closing `fraction` of position `i` at `price`, and the closed size.
    /// Sizes and prices are taken to 8 places, then PnL is exact and rounded once
    /// ([`money::linear_pnl`], [`money::inverse_pnl`]).
    pub fn realized(&self, i: usize, fraction: f64, price: f64) -> (Money, f64) {
        let closing = self.closing_at(i, fraction, price, money::fixed(price));
        (closing.pnl, closing.closed)
    }

    /// Closing `fraction` of position `i` at `price` (`price_fixed`: the same in fixed point,
    /// converted once for a whole fill).
    #[inline(always)]
    fn closing_at(&self, i: usize, fraction: f64, price: f64, price_fixed: i128) -> Closing {
        let closed = if fraction >= 1.0 {
            self.size(i)
        } else {
            fraction * self.size(i)
        };
        let entry = self.table.entry[i];
        let units = self.closing_units(i, closed);
        let (pnl, notional) = match self.contract() {
            Contract::Linear => {
                let pnl = money::linear_pnl(units, self.table.entry_fixed.get(i), price_fixed);
                (pnl, closed / entry * price)
            }
            Contract::Inverse => {
                let pnl = money::inverse_pnl(units, self.table.entry_fixed.get(i), price_fixed);
                (pnl, closed / price)
            }
        };
        let pnl = match self.side[i] {
            Side::Long => pnl,
            Side::Short => -pnl,
        };
        Closing {
            pnl,
            closed,
            notional,
        }
    }

    /// [`closing_units_of`] position `i`'s `closed` size: taken from the warm start state when it
    /// is the position's whole, untouched size (most closes), converted otherwise.
    #[inline(always)]
    fn closing_units(&self, i: usize, closed: f64) -> i128 {
        match self.warm {
            Some(warm) if closed == self.start.size[i] => warm.closing_units.get(i),
            _ => closing_units_of(self.contract(), closed, self.table.entry[i]),
        }
    }

    /// Closes position `i` completely after its PnL was realized; returns the collateral it held.
    fn close_fully(&mut self, i: usize) -> Money {
        let released = self.collateral(i);
        self.set_size(i, 0.0);
        self.open_collateral -= released;
        released
    }

    /// Adds `amount` of collateral to position `i` (a top-up) and re-arms its trigger.
    pub fn add_collateral(&mut self, i: usize, amount: f64) {
        let amount = money::money(amount);
        self.set_collateral(i, self.collateral(i) + amount);
        self.ledger.top_up(amount);
        self.rearm(i);
    }

    /// A voluntary close of `fraction` at `price`: PnL is realized into the position's collateral
    /// (the trader keeps the margin, so its leverage falls).
    pub fn reduce_voluntarily(&mut self, i: usize, fraction: f64, price: f64) -> f64 {
        let (pnl, closed) = self.realized(i, fraction, price);
        self.ledger.realize(pnl);
        self.set_collateral(i, self.collateral(i) + pnl);
        let left = self.size(i) - closed;
        if left <= 0.0 {
            let equity = self.close_fully(i);
            self.ledger.return_to_trader(equity);
        } else {
            self.set_size(i, left);
            self.rearm(i);
        }
        closed
    }

    /// Executes this step's liquidation orders: one market order per side on the book (minus what
    /// auto-deleveraging takes over), then settles each position in exact money.
    pub fn liquidate(
        &mut self,
        orders: &[Order],
        book: &mut OrderBook,
        mark: f64,
    ) -> StepLiquidations {
        let mut step = StepLiquidations::default();
        for side in [Side::Long, Side::Short] {
            let on_side = |order: &Order| self.side[order.index as usize] == side;
            // Usually every order of a step is on one side: then no copy.
            let side_orders: Cow<[Order]> = if orders.iter().all(on_side) {
                Cow::Borrowed(orders)
            } else {
                Cow::Owned(orders.iter().copied().filter(on_side).collect())
            };
            if side_orders.is_empty() {
                continue;
            }
            let direction = if side == Side::Long { 1.0 } else { -1.0 };
            let total_coins: f64 = side_orders.iter().map(|&o| self.order_coins(o, mark)).sum();
            let estimate = book.quote(direction * total_coins);
            let (to_book, to_adl) = match self.split_for_adl(&side_orders, estimate, mark) {
                Some((to_book, to_adl)) => (Cow::Owned(to_book), to_adl),
                None => (side_orders, Vec::new()),
            };
            let book_coins: f64 = if to_adl.is_empty() {
                total_coins
            } else {
                to_book.iter().map(|&o| self.order_coins(o, mark)).sum()
            };
            let fill = if book_coins > 0.0 {
                book.trade(direction * book_coins)
            } else {
                estimate
            };
            self.settle_fills(&to_book, fill, &mut step);
            if !to_adl.is_empty() {
                self.auto_deleverage(&to_adl, mark, &mut step);
            }
            match side {
                Side::Long => step.long_coins += book_coins,
                Side::Short => step.short_coins += book_coins,
            }
        }
        step
    }

    /// Splits orders into those sent to the book and those auto-deleveraged: with ADL on, orders
    /// whose loss past bankruptcy the fund (as it would stand) cannot cover go to ADL, as far as
    /// profitable opposite positions can take them. `None`: all of them go to the book.
    fn split_for_adl(
        &self,
        orders: &[Order],
        estimate: f64,
        mark: f64,
    ) -> Option<(Vec<Order>, Vec<Order>)> {
        if self.rules.adl == Adl::Off {
            return None;
        }
        let mut fund = self.ledger.insurance_fund.to_f64();
        // What the winners can take is a scan of every position: only done once an order needs it.
        let mut capacity = None;
        // The orders are copied out only once one goes to ADL (rare).
        let mut split: Option<(Vec<Order>, Vec<Order>)> = None;
        for (k, &order) in orders.iter().enumerate() {
            let i = order.index as usize;
            let equity = self.order_equity_at(order, estimate);
            let to_book = if equity >= 0.0 || fund + equity >= 0.0 {
                fund += equity.min(0.0);
                true
            } else {
                let units = self.adl_units(i, order.fraction);
                let capacity =
                    capacity.get_or_insert_with(|| self.adl_capacity(self.side[i], mark));
                if units > *capacity {
                    fund += equity;
                    true
                } else {
                    *capacity -= units;
                    false
                }
            };
            match (&mut split, to_book) {
                (Some((book, _)), true) => book.push(order),
                (Some((_, adl)), false) => adl.push(order),
                (None, true) => {}
                (None, false) => split = Some((orders[..k].to_vec(), vec![order])),
            }
        }
        split
    }

    /// ADL matches in units: coins for linear contracts, contracts for inverse.
    fn adl_units(&self, i: usize, fraction: f64) -> f64 {
        match self.contract() {
            Contract::Linear => fraction * self.size(i) / self.table.entry[i],
            Contract::Inverse => fraction * self.size(i),
        }
    }

    fn adl_capacity(&self, losing_side: Side, mark: f64) -> f64 {
        (0..self.len())
            .filter(|&i| self.side[i] != losing_side && self.is_open(i) && !self.is_pending(i))
            .filter(|&i| self.terms(i).pnl_at(mark) > 0.0)
            .map(|i| self.adl_units(i, 1.0))
            .sum()
    }

    /// Settles the book-filled liquidations of one side at `fill`, in order. Whole closes of
    /// positions still as they started (nearly all of them) take a batched path in 64-bit
    /// arithmetic ([`WholeCloses`]): their exact flows are summed in registers and booked once,
    /// with the same results as [`Self::settle`] one by one (sums of integers do not depend on
    /// order; every float total is updated in the same order). Anything else, and any deficit the
    /// fund cannot cover in full (bad debt), goes through [`Self::settle`].
    fn settle_fills(&mut self, orders: &[Order], fill: f64, step: &mut StepLiquidations) {
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
            let untouched = self.status[i] & (CLOSED | OWN) == 0 && order.fraction >= 1.0;
            let pnl = long_pnl.filter(|_| untouched).map(|pnl| match side {
                Side::Long => pnl,
                Side::Short => -pnl,
            });
            let equity = pnl.map(|pnl| i128::from(whole.collateral[i]) + i128::from(pnl));
            // A deficit must be one the fund (as it now stands) covers in full: else bad debt.
            let (Some(pnl), Some(equity)) =
                (pnl, equity.filter(|&e| e >= 0 || batch.fund + e >= 0))
            else {
                batch.book(self, step);
                self.settle(order, fill, fill_fixed, step);
                batch = Batch::new(self, step);
                continue;
            };
            if equity >= 0 {
                let coins = self.start.size[i] / table.entry[i];
                batch.fees += money::fixed(fee_rate * (coins * fill)).min(equity);
            }
            batch.realized += i128::from(pnl);
            batch.fund += equity;
            batch.released += i128::from(whole.collateral[i]);
            let lane = OpenBook::lane(side);
            batch.coins[lane] += i128::from(whole.units[i]);
            batch.coins_entry[lane].add(i128::from(whole.units[i]), i128::from(whole.entry[i]));
            let size = self.start.size[i];
            batch.close(usize::from(table.group_of[i]), size, side, self);
            self.status[i] |= CLOSED;
        }
        batch.book(self, step);
    }

    /// Settles one book-filled liquidation at `fill` (`fill_fixed` in fixed point).
    fn settle(&mut self, order: Order, fill: f64, fill_fixed: i128, step: &mut StepLiquidations) {
        let i = order.index as usize;
        let side = self.side[i];
        let Closing {
            pnl,
            closed,
            notional,
        } = self.closing_at(i, order.fraction, fill, fill_fixed);
        self.ledger.realize(pnl);
        let fee = money::money(self.rules.liquidation_fee * notional);
        let full = order.fraction >= 1.0;
        if full {
            let collateral = self.close_fully(i);
            let remainder = Remainder::InsuranceFund;
            let bad = self
                .ledger
                .settle_liquidation(collateral + pnl, fee, remainder);
            if bad != Money::ZERO {
                step.bad_debt_usd += bad.to_f64();
            }
        } else {
            // Partial: PnL and fee come out of the collateral that stays with the position.
            let fee = fee.min((self.collateral(i) + pnl).max(Money::ZERO));
            self.set_collateral(i, self.collateral(i) + pnl - fee);
            self.ledger.collect_fee(fee);
            self.set_size(i, self.size(i) - closed);
            self.partial_liquidations += 1;
            self.rearm(i);
        }
        self.count(side, closed, full, step);
    }

    fn count(&mut self, side: Side, closed: f64, full: bool, step: &mut StepLiquidations) {
        match side {
            Side::Long => {
                step.long_usd += closed;
                self.liquidated_usd_long += closed;
                if full {
                    step.long_count += 1;
                    self.liquidated_count_long += 1;
                }
            }
            Side::Short => {
                step.short_usd += closed;
                self.liquidated_usd_short += closed;
                if full {
                    step.short_count += 1;
                    self.liquidated_count_short += 1;
                }
            }
        }
    }

    /// Auto-deleveraging: each order closes at its bankruptcy price against profitable opposite
    /// positions, ranked (queue: PnL% times effective leverage, Bybit/BitMEX) or pro-rata.
    fn auto_deleverage(&mut self, orders: &[Order], mark: f64, step: &mut StepLiquidations) {
        let losing_side = self.side[orders[0].index as usize];
        let mut needed = 0.0;
        let mut weighted_price = 0.0;
        for order in orders {
            let i = order.index as usize;
            let bankruptcy = self.terms(i).bankruptcy_price();
            // No price zeroes the equity of a position whose collateral a partial fill far past
            // bankruptcy drove below zero: it closes at the mark (the fund or bad debt covers it).
            let bankruptcy = if bankruptcy > 0.0 && bankruptcy.is_finite() {
                bankruptcy
            } else {
                mark
            };
            let units = self.adl_units(i, order.fraction);
            let (pnl, closed) = self.realized(i, order.fraction, bankruptcy);
            self.ledger.realize(pnl);
            if order.fraction >= 1.0 {
                let collateral = self.close_fully(i);
                let bad = self.ledger.settle_liquidation(
                    collateral + pnl,
                    Money::ZERO,
                    Remainder::InsuranceFund,
                );
                step.bad_debt_usd += bad.to_f64();
            } else {
                self.set_collateral(i, self.collateral(i) + pnl);
                self.set_size(i, self.size(i) - closed);
                self.partial_liquidations += 1;
                self.rearm(i);
            }
            self.count(losing_side, closed, order.fraction >= 1.0, step);
            needed += units;
            weighted_price += units * bankruptcy;
        }
        if needed <= 0.0 {
            return;
        }
        let price = weighted_price / needed;
        let mut winners: Vec<(f64, usize)> = (0..self.len())
            .filter(|&i| self.side[i] != losing_side && self.is_open(i) && !self.is_pending(i))
            .filter_map(|i| {
                let terms = self.terms(i);
                let pnl = terms.pnl_at(mark);
                (pnl > 0.0).then(|| {
                    let equity = terms.collateral + pnl;
                    let score = pnl / terms.collateral.max(1e-12) * self.notional_at(i, mark)
                        / equity.max(1e-12);
                    (score, i)
                })
            })
            .collect();
        let total: f64 = winners.iter().map(|&(_, i)| self.adl_units(i, 1.0)).sum();
        if total <= 0.0 {
            return;
        }
        if self.rules.adl == Adl::ProRata {
            let fraction = (needed / total).min(1.0);
            for &(_, i) in &winners {
                self.deleverage_winner(i, fraction, price, step);
            }
        } else {
            winners.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut left = needed;
            for &(_, i) in &winners {
                if left <= 0.0 {
                    break;
                }
                let units = self.adl_units(i, 1.0);
                let fraction = (left / units).min(1.0);
                left -= units * fraction;
                self.deleverage_winner(i, fraction, price, step);
            }
        }
    }

    fn deleverage_winner(
        &mut self,
        i: usize,
        fraction: f64,
        price: f64,
        step: &mut StepLiquidations,
    ) {
        let units = self.adl_units(i, fraction);
        let (pnl, closed) = self.realized(i, fraction, price);
        self.ledger.realize(pnl);
        let released = if fraction >= 1.0 {
            self.close_fully(i)
        } else {
            let share = self.collateral(i).times_fraction(money::fixed(fraction));
            self.set_collateral(i, self.collateral(i) - share);
            self.set_size(i, self.size(i) - closed);
            self.rearm(i);
            share
        };
        self.ledger.return_to_trader(released + pnl);
        // In money, like the rest of the ledger: USD (linear) or coin (inverse) at the ADL price.
        let notional = money::money(match self.contract() {
            Contract::Linear => units * price,
            Contract::Inverse => units / price,
        });
        self.ledger.adl_notional += notional;
        step.adl_usd += notional.to_f64();
    }

    /// Open positions marked at `mark`: (equity, PnL), exact. Linear positions are marked
    /// together: the exact total of their PnL (8-place coins times 8-place price moves), rounded
    /// once, from the open book when the run kept one, else summed over the open positions.
    /// Inverse positions, whose PnL is a quotient, are rounded one by one as a close would be (as
    /// are linear ones if the exact sum leaves 128 bits).
    pub fn mark_open(&self, mark: f64) -> (Money, Money) {
        let price = money::fixed(mark);
        let pnl = match self.contract() {
            Contract::Linear => self
                .open_book
                .and_then(|book| book.pnl_at(price))
                .or_else(|| self.linear_open_pnl(price)),
            Contract::Inverse => None,
        };
        let pnl = pnl
            .map(money::round_product)
            .unwrap_or_else(|| self.mark_one_by_one(mark));
        (self.open_collateral + pnl, pnl)
    }

    /// The exact total PnL (1e-16 units) of open linear positions at `price` (8-place fixed
    /// point), summed position by position (`None` if it does not fit 128 bits).
    fn linear_open_pnl(&self, price: i128) -> Option<i128> {
        let mut sides = [exact::ProductSum::default(); 2];
        for i in (0..self.len()).filter(|&i| self.is_open(i)) {
            let lane = OpenBook::lane(self.side[i]);
            sides[lane].add(
                self.closing_units(i, self.size(i)),
                price - self.table.entry_fixed.get(i),
            );
        }
        sides[0].total()?.checked_sub(sides[1].total()?)
    }

    /// PnL of every open position at `mark`, each rounded as a close would be.
    fn mark_one_by_one(&self, mark: f64) -> Money {
        let price = money::fixed(mark);
        (0..self.len())
            .filter(|&i| self.is_open(i))
            .map(|i| self.closing_at(i, 1.0, mark, price).pnl)
            .sum()
    }

    /// Open size per bucket: (longs, shorts).
    pub fn open_interest_by_bucket(&self) -> (Vec<f64>, Vec<f64>) {
        let buckets = self.table.buckets.len();
        let (mut longs, mut shorts) = (vec![0.0; buckets], vec![0.0; buckets]);
        for group in &self.table.groups {
            let total = match self.own {
                // Nothing changed: a position's size is its start size until it closes.
                None => sum_in_lanes(group.start..group.end, |i| {
                    if self.status[i] & CLOSED != 0 {
                        0.0
                    } else {
                        self.start.size[i]
                    }
                }),
                Some(_) => sum_in_lanes(group.start..group.end, |i| self.size(i)),
            };
            match group.side {
                Side::Long => longs[group.bucket] += total,
                Side::Short => shorts[group.bucket] += total,
            }
        }
        (longs, shorts)
    }
}

/// The sum of `values` in eight interleaved running sums, added up at the end: a fixed order (so
/// the same bits everywhere) that does not wait on one addition at a time.
fn sum_in_lanes(range: std::ops::Range<usize>, value: impl Fn(usize) -> f64) -> f64 {
    let mut lanes = [0.0; 8];
    let whole = range.start + (range.len() / 8) * 8;
    let rest: f64 = (whole..range.end).map(&value).sum();
    for chunk in (range.start..whole).step_by(8) {
        for (k, lane) in lanes.iter_mut().enumerate() {
            *lane += value(chunk + k);
        }
    }
    lanes.iter().sum::<f64>() + rest
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::analysis::examples;
    use crate::scenario::Scenario;

    fn decimal_fixed(value: f64) -> Decimal {
        Money::from_units(money::fixed(value))
            .to_decimal()
            .expect("in range")
    }

    /// Liquidates everything the mark has crossed at `mark`, as one timeline step does.
    fn liquidate_at(venue: &mut LiquidationEngine, book: &mut OrderBook, mark: f64) {
        venue.collect_triggered(mark);
        let orders = venue.take_orders(mark);
        assert!(!orders.is_empty());
        venue.liquidate(&orders, book, mark);
    }

    #[test]
    fn inverse_adl_notional_is_in_coin() {
        // A 10x long of 10,000 contracts at 100 (bankrupt at 100 * 10 / 11) and a profitable
        // short; an empty fund, so the long's loss past bankruptcy goes to ADL.
        let scenario = Scenario::from_json(
            r#"{"version": 1,
                "market": {"price": 100.0, "contract": "inverse",
                           "book": {"profile": "linear", "depth_1pct_usd": 1e9}},
                "positions": {"list": [
                    {"side": "long", "notional_usd": 10000, "entry": 100, "leverage": 10},
                    {"side": "short", "notional_usd": 20000, "entry": 100, "leverage": 2}]},
                "venue": {"maintenance_margin": 0.005, "adl": "queue"},
                "shock": {"kind": "instant", "pct": -20}}"#,
        )
        .unwrap();
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut book = OrderBook::new(&scenario.market);
        book.move_top_to(80.0);
        liquidate_at(&mut venue, &mut book, 80.0);
        let bankruptcy = 100.0 * 10.0 / 11.0;
        let expected = money::money(10_000.0 / bankruptcy);
        assert_eq!(venue.ledger.adl_notional, expected);
        assert_eq!(venue.liquidated_count_long, 1);
    }

    #[test]
    fn open_positions_are_marked_as_one_exact_sum() {
        let scenario = examples::mixed();
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut book = OrderBook::new(&scenario.market);
        liquidate_at(&mut venue, &mut book, 93.0);
        venue.add_collateral(7, 123.456);
        venue.reduce_voluntarily(11, 0.3, 94.5);
        let mark = 95.123_456_78;
        // The same sum in decimals: coins and prices to 8 places, products exact, one rounding.
        let (mut pnl, mut collateral) = (Decimal::ZERO, Decimal::ZERO);
        for i in 0..venue.len() {
            collateral += venue.collateral(i).to_decimal().unwrap();
            if !venue.is_open(i) {
                continue;
            }
            let entry = table.entry[i];
            let coins = decimal_fixed(venue.size(i) / entry);
            let sign = if venue.side[i] == Side::Long {
                Decimal::ONE
            } else {
                Decimal::NEGATIVE_ONE
            };
            pnl += sign * coins * (decimal_fixed(mark) - decimal_fixed(entry));
        }
        let pnl = pnl.round_dp(money::MONEY_DP);
        let (equity, open_pnl) = venue.mark_open(mark);
        assert_eq!(open_pnl.to_decimal(), Some(pnl));
        assert_eq!(equity.to_decimal(), Some(collateral + pnl));
    }
}
