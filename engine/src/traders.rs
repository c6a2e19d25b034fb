//! Traders' adjustment (top-ups, pre-emptive de-leveraging, dip buyers) and algorithmic agents
//! (predatory sellers). Each is a small state machine the timeline calls once per step.

use std::collections::VecDeque;

use crate::market::OrderBook;
use crate::positions::{crossed, PositionTable};
use crate::scenario::{Delever, DipBuyers, Predators, Side, TopUp};
use crate::solve::crossing::{crossed_count, size_before};
use crate::venue::LiquidationEngine;

/// Positions that add collateral when the mark comes within `alert_pct` of their liquidation
/// price, after a reaction delay, once, with a budget of `budget_multiple` times their margin.
pub struct TopUps {
    rules: TopUp,
    delay_steps: u32,
    /// Next position (trigger order) whose alert price is still ahead, per group.
    cursor: Vec<usize>,
    due: VecDeque<(u32, u32)>,
    pub count: u64,
}

impl TopUps {
    pub fn new(rules: &TopUp, table: &PositionTable, step_s: f64) -> TopUps {
        TopUps {
            rules: rules.clone(),
            delay_steps: libm::ceil(rules.delay_s / step_s) as u32,
            cursor: table.groups.iter().map(|group| group.start).collect(),
            due: VecDeque::new(),
            count: 0,
        }
    }

    /// Notices positions the mark has come close to, and executes top-ups that are due.
    pub fn step(&mut self, step: u32, mark: f64, venue: &mut LiquidationEngine) {
        let table = venue.table;
        let factor = self.rules.alert_pct / 100.0;
        for (g, group) in table.groups.iter().enumerate() {
            let mut i = self.cursor[g];
            while i < group.end {
                let original = table.liquidation_price[i];
                let alert = match group.side {
                    Side::Long => original * (1.0 + factor),
                    Side::Short => original * (1.0 - factor),
                };
                if !crossed(group.side, mark, alert) {
                    break;
                }
                if table.behaviour_draw[i] < self.rules.share {
                    self.due.push_back((step + self.delay_steps, i as u32));
                }
                i += 1;
            }
            self.cursor[g] = i;
        }
        while let Some(&(at, index)) = self.due.front() {
            if at > step {
                break;
            }
            self.due.pop_front();
            let i = index as usize;
            if venue.is_open(i) && !venue.is_pending(i) {
                let amount = venue.collateral_f(i) * self.rules.budget_multiple;
                if amount > 0.0 {
                    venue.add_collateral(i, amount);
                    self.count += 1;
                }
            }
        }
    }
}

/// Positions that cut size when realized volatility crosses a threshold (once per run).
pub struct Delevering {
    rules: Delever,
    done: bool,
    pub notional: f64,
}

impl Delevering {
    pub fn new(rules: &Delever) -> Delevering {
        Delevering {
            rules: rules.clone(),
            done: false,
            notional: 0.0,
        }
    }

    /// Standard deviation of per-step returns over the window, percent.
    fn realized_volatility_pct(&self, history: &[f64]) -> f64 {
        let window = self.rules.window_steps as usize;
        if history.len() < window + 1 {
            return 0.0;
        }
        let recent = &history[history.len() - window - 1..];
        let returns: Vec<f64> = recent
            .windows(2)
            .map(|pair| (pair[1] / pair[0] - 1.0) * 100.0)
            .collect();
        let mean = returns.iter().sum::<f64>() / returns.len() as f64;
        let variance =
            returns.iter().map(|r| (r - mean) * (r - mean)).sum::<f64>() / returns.len() as f64;
        libm::sqrt(variance)
    }

    /// When volatility crosses the threshold, the de-leveraging share closes `fraction` of every
    /// open position with market orders; returns the coins sold (net, negative: bought).
    pub fn step(
        &mut self,
        history: &[f64],
        mark: f64,
        book: &mut OrderBook,
        venue: &mut LiquidationEngine,
    ) {
        if self.done || self.realized_volatility_pct(history) < self.rules.volatility_threshold_pct
        {
            return;
        }
        self.done = true;
        let threshold = 1.0 - self.rules.share;
        let members: Vec<usize> = (0..venue.len())
            .filter(|&i| {
                venue.table.behaviour_draw[i] >= threshold
                    && venue.is_open(i)
                    && !venue.is_pending(i)
            })
            .collect();
        for side in [Side::Long, Side::Short] {
            let side_members: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&i| venue.side[i] == side)
                .collect();
            let coins: f64 = side_members
                .iter()
                .map(|&i| venue.coins(i, self.rules.fraction, mark))
                .sum();
            if coins <= 0.0 {
                continue;
            }
            let fill = book.trade(if side == Side::Long { coins } else { -coins });
            for i in side_members {
                self.notional += venue.reduce_voluntarily(i, self.rules.fraction, fill);
            }
        }
    }
}

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

#[derive(Clone, Copy, Debug, PartialEq)]
enum Hunt {
    Watching,
    Building { steps_left: u32 },
    Covering,
    Done,
}

/// Predatory sellers (Brunnermeier-Pedersen 2005): seeing liquidatable notional within reach in
/// the shock's direction, they trade ahead of it for `sell_steps`, then buy back from the forced
/// sellers during the flush (at least a steady pace), and report their PnL.
pub struct Predation {
    rules: Predators,
    /// +1: they sell into long clusters below; -1: they buy into short clusters above.
    direction: f64,
    state: Hunt,
    inventory_coins: f64,
    pub cash_usd: f64,
}

impl Predation {
    pub fn new(rules: &Predators, shock_direction: f64) -> Predation {
        Predation {
            rules: rules.clone(),
            direction: if shock_direction < 0.0 { 1.0 } else { -1.0 },
            state: Hunt::Watching,
            inventory_coins: 0.0,
            cash_usd: 0.0,
        }
    }

    /// Liquidatable notional (static estimate) between `mark` and `distance_pct` beyond it.
    fn cluster_usd(&self, table: &PositionTable, mark: f64) -> f64 {
        let side = if self.direction > 0.0 {
            Side::Long
        } else {
            Side::Short
        };
        let far = mark * (1.0 - self.direction * self.rules.distance_pct / 100.0);
        table
            .groups
            .iter()
            .filter(|group| group.side == side && group.scale > 0.0)
            .map(|group| {
                let near = crossed_count(table, group, mark);
                let beyond = crossed_count(table, group, far);
                group.scale * (size_before(table, group, beyond) - size_before(table, group, near))
            })
            .sum()
    }

    /// One step; `forced_coins` is what liquidations sold (in the hunted direction) last step.
    pub fn step(
        &mut self,
        table: &PositionTable,
        mark: f64,
        forced_coins: f64,
        book: &mut OrderBook,
    ) {
        let step_usd = self.rules.capital_usd / self.rules.sell_steps as f64;
        match self.state {
            Hunt::Watching => {
                let cluster = self.cluster_usd(table, mark);
                if cluster > 0.0
                    && cluster >= self.rules.min_cluster_usd
                    && self.rules.capital_usd > 0.0
                {
                    self.state = Hunt::Building {
                        steps_left: self.rules.sell_steps,
                    };
                }
            }
            Hunt::Building { .. } | Hunt::Covering | Hunt::Done => {}
        }
        match self.state {
            Hunt::Building { steps_left } => {
                let coins = step_usd / book.last();
                let fill = book.trade(self.direction * coins);
                self.inventory_coins += coins;
                self.cash_usd += self.direction * coins * fill;
                self.state = if steps_left <= 1 {
                    Hunt::Covering
                } else {
                    Hunt::Building {
                        steps_left: steps_left - 1,
                    }
                };
            }
            Hunt::Covering => {
                let pace = self
                    .inventory_coins
                    .min(forced_coins.max(step_usd / book.last()));
                if pace > 0.0 {
                    let fill = book.trade(-self.direction * pace);
                    self.inventory_coins -= pace;
                    self.cash_usd -= self.direction * pace * fill;
                }
                if self.inventory_coins <= 1e-12 {
                    self.state = Hunt::Done;
                }
            }
            Hunt::Watching | Hunt::Done => {}
        }
    }

    /// Profit so far, with any inventory left marked at `mark`.
    pub fn pnl_usd(&self, mark: f64) -> f64 {
        self.cash_usd - self.direction * self.inventory_coins * mark
    }
}
