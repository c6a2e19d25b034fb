//! The venue's liquidation engine: live position state, triggers on the mark, the throughput cap,
//! partial liquidation, fills on the book, fees into the insurance fund, auto-deleveraging and bad
//! debt. Money moves through the [`Ledger`] in exact decimals.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use rust_decimal::Decimal;

use crate::ledger::{self, Ledger, Remainder};
use crate::market::OrderBook;
use crate::positions::{crossed, PositionTable, Terms};
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

/// Every position's live state plus the venue's queues.
pub struct LiquidationEngine<'a> {
    pub table: &'a PositionTable,
    pub rules: &'a Venue,
    pub side: Vec<Side>,
    pub bucket: Vec<u16>,
    /// Current size (USD at entry, or contracts); 0 once closed.
    pub size: Vec<f64>,
    pub collateral: Vec<Decimal>,
    /// f64 shadow of `collateral` for trigger arithmetic.
    pub collateral_f: Vec<f64>,
    pub trigger: Vec<f64>,
    pub moved: Vec<bool>,
    pub pending: Vec<bool>,
    cursor: Vec<usize>,
    long_heap: BinaryHeap<Rearmed>,
    short_heap: BinaryHeap<Rearmed>,
    queue: VecDeque<u32>,
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
        let mut side = vec![Side::Long; n];
        let mut bucket = vec![0u16; n];
        let mut size = vec![0.0; n];
        let mut collateral_f = vec![0.0; n];
        let mut collateral_in = Decimal::ZERO;
        let mut collateral = vec![Decimal::ZERO; n];
        for group in &table.groups {
            for i in group.start..group.end {
                side[i] = group.side;
                bucket[i] = group.bucket as u16;
                let terms = table.terms(group, i);
                size[i] = terms.size;
                collateral_f[i] = terms.collateral;
                collateral[i] = ledger::money(terms.collateral);
                collateral_in += collateral[i];
            }
        }
        let fund = ledger::money(rules.insurance_fund_usd);
        LiquidationEngine {
            table,
            rules,
            side,
            bucket,
            size,
            collateral,
            collateral_f,
            trigger: table.liquidation_price.clone(),
            moved: vec![false; n],
            pending: vec![false; n],
            cursor: table.groups.iter().map(|group| group.start).collect(),
            long_heap: BinaryHeap::new(),
            short_heap: BinaryHeap::new(),
            queue: VecDeque::new(),
            ledger: Ledger::new(collateral_in, fund),
            partial_liquidations: 0,
            liquidated_count_long: 0,
            liquidated_count_short: 0,
            liquidated_usd_long: 0.0,
            liquidated_usd_short: 0.0,
        }
    }

    pub fn is_open(&self, i: usize) -> bool {
        self.size[i] > 0.0
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
            size: self.size[i],
            collateral: self.collateral_f[i],
        }
    }

    /// Notional at `mark`, USD.
    pub fn notional_at(&self, i: usize, mark: f64) -> f64 {
        match self.contract() {
            Contract::Linear => self.size[i] / self.table.entry[i] * mark,
            Contract::Inverse => self.size[i],
        }
    }

    /// Coins a market order closing `fraction` of position `i` trades at `mark`.
    pub fn coins(&self, i: usize, fraction: f64, mark: f64) -> f64 {
        match self.contract() {
            Contract::Linear => fraction * self.size[i] / self.table.entry[i],
            Contract::Inverse => fraction * self.size[i] / mark,
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
        self.trigger[i] = trigger;
        self.moved[i] = true;
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
                if !self.is_open(i) || self.moved[i] {
                    i += 1;
                    continue;
                }
                if !crossed(group.side, mark, self.trigger[i]) {
                    break;
                }
                if !self.pending[i] {
                    self.pending[i] = true;
                    self.queue.push_back(i as u32);
                }
                i += 1;
            }
            self.cursor[g] = i;
        }
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
                if self.is_open(i)
                    && self.moved[i]
                    && self.trigger[i] == trigger
                    && !self.pending[i]
                {
                    self.pending[i] = true;
                    self.queue.push_back(top.index);
                }
            }
        }
    }

    /// Takes this step's liquidation orders from the queue: partial liquidation sizes each one
    /// down to what restores its margin, and the throughput cap chunks the rest into later steps.
    pub fn take_orders(&mut self, mark: f64) -> Vec<Order> {
        let mut orders = Vec::new();
        let mut room = self
            .rules
            .max_liquidation_usd_per_step
            .unwrap_or(f64::INFINITY);
        while let Some(&index) = self.queue.front() {
            let i = index as usize;
            if !self.is_open(i) {
                self.queue.pop_front();
                self.pending[i] = false;
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
            let notional = self.notional_at(i, mark) * fraction;
            if notional > room {
                fraction *= room / notional;
                orders.push(Order { index, fraction });
                break;
            }
            room -= notional;
            self.queue.pop_front();
            self.pending[i] = false;
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
    pub fn realized(&self, i: usize, fraction: f64, price: f64) -> (Decimal, f64) {
        let closed = if fraction >= 1.0 {
            self.size[i]
        } else {
            fraction * self.size[i]
        };
        let entry = self.table.entry[i];
        let sign = if self.side[i] == Side::Long {
            Decimal::ONE
        } else {
            Decimal::NEGATIVE_ONE
        };
        let pnl = match self.contract() {
            Contract::Linear => {
                let coins = ledger::money(closed / entry);
                ledger::round(coins * (ledger::price(price) - ledger::price(entry)))
            }
            Contract::Inverse => {
                let contracts = ledger::money(closed);
                let (p, e) = (ledger::price(price), ledger::price(entry));
                if p.is_zero() || e.is_zero() {
                    Decimal::ZERO
                } else {
                    ledger::round(contracts * (p - e) / (e * p))
                }
            }
        };
        (sign * pnl, closed)
    }

    /// Reduces position `i` by `fraction` after its PnL `pnl` was realized; the collateral that
    /// goes with the closed part (all of it on a full close) is returned.
    fn shrink(&mut self, i: usize, fraction: f64) -> Decimal {
        if fraction >= 1.0 {
            let released = self.collateral[i];
            self.size[i] = 0.0;
            self.collateral[i] = Decimal::ZERO;
            self.collateral_f[i] = 0.0;
            return released;
        }
        self.size[i] *= 1.0 - fraction;
        Decimal::ZERO
    }

    /// Adds `amount` of collateral to position `i` (a top-up) and re-arms its trigger.
    pub fn add_collateral(&mut self, i: usize, amount: f64) {
        let amount = ledger::money(amount);
        self.collateral[i] += amount;
        self.collateral_f[i] = ledger::to_f64(self.collateral[i]);
        self.ledger.top_up(amount);
        self.rearm(i);
    }

    /// A voluntary close of `fraction` at `price`: PnL is realized into the position's collateral
    /// (the trader keeps the margin, so its leverage falls).
    pub fn reduce_voluntarily(&mut self, i: usize, fraction: f64, price: f64) -> f64 {
        let (pnl, closed) = self.realized(i, fraction, price);
        self.ledger.realize(pnl);
        self.collateral[i] += pnl;
        self.collateral_f[i] = ledger::to_f64(self.collateral[i]);
        self.size[i] -= closed;
        if self.size[i] <= 0.0 {
            self.size[i] = 0.0;
            let equity = self.collateral[i];
            self.collateral[i] = Decimal::ZERO;
            self.collateral_f[i] = 0.0;
            self.ledger.return_to_trader(equity);
        } else {
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
            let side_orders: Vec<Order> = orders
                .iter()
                .copied()
                .filter(|order| self.side[order.index as usize] == side)
                .collect();
            if side_orders.is_empty() {
                continue;
            }
            let direction = if side == Side::Long { 1.0 } else { -1.0 };
            let total_coins: f64 = side_orders
                .iter()
                .map(|o| self.coins(o.index as usize, o.fraction, mark))
                .sum();
            let estimate = book.quote(direction * total_coins);
            let (to_book, to_adl) = self.split_for_adl(&side_orders, estimate, mark);
            let book_coins: f64 = to_book
                .iter()
                .map(|o| self.coins(o.index as usize, o.fraction, mark))
                .sum();
            let fill = if book_coins > 0.0 {
                book.trade(direction * book_coins)
            } else {
                estimate
            };
            for order in &to_book {
                self.settle(*order, fill, &mut step);
            }
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
    /// profitable opposite positions can take them.
    fn split_for_adl(
        &self,
        orders: &[Order],
        estimate: f64,
        mark: f64,
    ) -> (Vec<Order>, Vec<Order>) {
        if self.rules.adl == Adl::Off {
            return (orders.to_vec(), Vec::new());
        }
        let mut fund = ledger::to_f64(self.ledger.insurance_fund);
        let mut capacity = self.adl_capacity(self.side[orders[0].index as usize], mark);
        let (mut to_book, mut to_adl) = (Vec::new(), Vec::new());
        for order in orders {
            let i = order.index as usize;
            let equity = order.fraction * self.terms(i).equity_at(estimate);
            let units = self.adl_units(i, order.fraction);
            if equity >= 0.0 || fund + equity >= 0.0 || units > capacity {
                fund += equity.min(0.0);
                to_book.push(*order);
            } else {
                capacity -= units;
                to_adl.push(*order);
            }
        }
        (to_book, to_adl)
    }

    /// ADL matches in units: coins for linear contracts, contracts for inverse.
    fn adl_units(&self, i: usize, fraction: f64) -> f64 {
        match self.contract() {
            Contract::Linear => fraction * self.size[i] / self.table.entry[i],
            Contract::Inverse => fraction * self.size[i],
        }
    }

    fn adl_capacity(&self, losing_side: Side, mark: f64) -> f64 {
        (0..self.size.len())
            .filter(|&i| self.side[i] != losing_side && self.is_open(i) && !self.pending[i])
            .filter(|&i| self.terms(i).pnl_at(mark) > 0.0)
            .map(|i| self.adl_units(i, 1.0))
            .sum()
    }

    /// Settles one book-filled liquidation at `fill`.
    fn settle(&mut self, order: Order, fill: f64, step: &mut StepLiquidations) {
        let i = order.index as usize;
        let side = self.side[i];
        let (pnl, closed) = self.realized(i, order.fraction, fill);
        self.ledger.realize(pnl);
        let fee =
            ledger::money(self.rules.liquidation_fee * self.closed_notional_at(i, closed, fill));
        let full = order.fraction >= 1.0;
        if full {
            let collateral = self.shrink(i, 1.0);
            let remainder = Remainder::InsuranceFund;
            let bad = self
                .ledger
                .settle_liquidation(collateral + pnl, fee, remainder);
            step.bad_debt_usd += ledger::to_f64(bad);
        } else {
            // Partial: PnL and fee come out of the collateral that stays with the position.
            let fee = fee.min((self.collateral[i] + pnl).max(Decimal::ZERO));
            self.collateral[i] += pnl - fee;
            self.collateral_f[i] = ledger::to_f64(self.collateral[i]);
            self.ledger.fees += fee;
            self.ledger.insurance_fund += fee;
            self.size[i] -= closed;
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

    /// Notional of `closed` size at `price`, in collateral currency (for the fee).
    fn closed_notional_at(&self, i: usize, closed: f64, price: f64) -> f64 {
        match self.contract() {
            Contract::Linear => closed / self.table.entry[i] * price,
            Contract::Inverse => closed / price,
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
            let units = self.adl_units(i, order.fraction);
            let (pnl, closed) = self.realized(i, order.fraction, bankruptcy);
            self.ledger.realize(pnl);
            if order.fraction >= 1.0 {
                let collateral = self.shrink(i, 1.0);
                let bad = self.ledger.settle_liquidation(
                    collateral + pnl,
                    Decimal::ZERO,
                    Remainder::InsuranceFund,
                );
                step.bad_debt_usd += ledger::to_f64(bad);
            } else {
                self.collateral[i] += pnl;
                self.collateral_f[i] = ledger::to_f64(self.collateral[i]);
                self.size[i] -= closed;
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
        let mut winners: Vec<(f64, usize)> = (0..self.size.len())
            .filter(|&i| self.side[i] != losing_side && self.is_open(i) && !self.pending[i])
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
            self.shrink(i, 1.0)
        } else {
            let share = ledger::round(self.collateral[i] * ledger::money(fraction));
            self.collateral[i] -= share;
            self.collateral_f[i] = ledger::to_f64(self.collateral[i]);
            self.size[i] -= closed;
            self.rearm(i);
            share
        };
        self.ledger.return_to_trader(released + pnl);
        let notional = ledger::money(match self.contract() {
            Contract::Linear => units * price,
            Contract::Inverse => units,
        });
        self.ledger.adl_notional += notional;
        step.adl_usd += ledger::to_f64(notional);
    }

    /// Open positions marked at `mark`: (equity, PnL), exact.
    pub fn mark_open(&self, mark: f64) -> (Decimal, Decimal) {
        let (mut equity, mut pnl_total) = (Decimal::ZERO, Decimal::ZERO);
        for i in 0..self.size.len() {
            if self.is_open(i) {
                let (pnl, _) = self.realized(i, 1.0, mark);
                pnl_total += pnl;
                equity += self.collateral[i] + pnl;
            }
        }
        (equity, pnl_total)
    }

    /// Open size per bucket: (longs, shorts).
    pub fn open_interest_by_bucket(&self) -> (Vec<f64>, Vec<f64>) {
        let buckets = self.table.buckets.len();
        let (mut longs, mut shorts) = (vec![0.0; buckets], vec![0.0; buckets]);
        for i in 0..self.size.len() {
            let b = self.bucket[i] as usize;
            match self.side[i] {
                Side::Long => longs[b] += self.size[i],
                Side::Short => shorts[b] += self.size[i],
            }
        }
        (longs, shorts)
    }
}
