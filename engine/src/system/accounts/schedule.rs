//! When a cross-margin account is looked at again (docs/model.md §15.5): once the prices it
//! depends on could have used up the slack it had when last looked at.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{AccountsRun, AccountsTable, Collateral};

/// How far some prices have wandered since the start, and the accounts waiting for them to
/// wander further: those not looked at since the start in a list sorted once per table (read
/// with a cursor), those rescheduled since in a heap.
pub(super) struct Queue<'t> {
    pub(super) wandered: f64,
    /// How far they wandered in the last step.
    pub(super) stepped: f64,
    start: &'t [Due],
    next: usize,
    due: BinaryHeap<Reverse<Due>>,
}

impl<'t> Queue<'t> {
    /// A queue at the start of a run, with the accounts waiting as `start` (sorted) has them.
    pub(super) fn starting(start: &'t [Due]) -> Queue<'t> {
        Queue {
            wandered: 0.0,
            stepped: 0.0,
            start,
            next: 0,
            due: BinaryHeap::new(),
        }
    }

    /// Account `k` (at `generation`) is looked at again once the prices have wandered `more`.
    fn push(&mut self, more: f64, account: usize, generation: u32) {
        self.due.push(Reverse(Due {
            at: self.wandered + more,
            account: account as u32,
            generation,
        }));
    }

    /// Moves the accounts now due, not rescheduled since, to `out`.
    pub(super) fn take_due(&mut self, generation: &[u32], out: &mut Vec<usize>) {
        while let Some(due) = self.start.get(self.next) {
            if due.at > self.wandered {
                break;
            }
            if generation[due.account as usize] == due.generation {
                out.push(due.account as usize);
            }
            self.next += 1;
        }
        while let Some(Reverse(due)) = self.due.peek() {
            if due.at > self.wandered {
                break;
            }
            if generation[due.account as usize] == due.generation {
                out.push(due.account as usize);
            }
            self.due.pop();
        }
    }

    /// Drops the entries of accounts rescheduled since, once there are more than `most`.
    fn compact(&mut self, generation: &[u32], most: usize) {
        if self.due.len() > most {
            self.due
                .retain(|Reverse(due)| generation[due.account as usize] == due.generation);
        }
    }
}

/// The accounts whose legs are in the same markets: they wait on those markets' marks alone.
pub(super) struct MarkWatch<'t> {
    pub(super) markets: &'t [usize],
    pub(super) queue: Queue<'t>,
}

/// When an account is to be looked at again: once the prices' wandering reaches `at`, if the
/// account was not rescheduled since (`generation`).
#[derive(Clone, Copy, Debug)]
pub(super) struct Due {
    at: f64,
    account: u32,
    generation: u32,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Due {}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Due {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.at
            .total_cmp(&other.at)
            .then(self.account.cmp(&other.account))
            .then(self.generation.cmp(&other.generation))
    }
}

/// How far the prices an account depends on may wander before it could breach: its equity less
/// maintenance moves by at most `mark_weight` per unit of its markets' marks' summed relative
/// moves and by `units` per unit of the collateral's price's moves. The marks and the collateral's
/// price each get the whole `slack` when only one of them can move, half each otherwise; less a
/// margin for the rounding of the equity's terms (a billionth of the account's size). `None`
/// where the account does not depend on them.
pub(super) fn wait(
    slack: f64,
    mark_weight: f64,
    units: f64,
    collateral: &Collateral,
    start_price: f64,
) -> (Option<f64>, Option<f64>) {
    let moves = !matches!(collateral, Collateral::Usd);
    let share = if moves { 0.5 } else { 1.0 };
    let margin = 1e-9 * (mark_weight + units * start_price);
    let slack = (share * slack - margin).max(0.0);
    (
        (mark_weight > 0.0).then(|| slack / mark_weight),
        (moves && units > 0.0).then(|| slack / units),
    )
}

/// The accounts waiting as every run starts, by the slack each has at the start prices
/// (generation 0), sorted: one list per set of markets in `watch_markets` and one for the
/// collateral.
pub(super) fn start_queues(
    slack: &[f64],
    table: &AccountsTable,
    collateral: &Collateral,
) -> (Vec<Vec<Due>>, Vec<Due>) {
    let mut by_marks = vec![Vec::new(); table.watch_markets.len()];
    let mut by_collateral = Vec::new();
    for (k, account) in table.accounts.iter().enumerate() {
        let (marks, price) = wait(
            slack[k],
            table.mark_weight[k],
            account.units,
            collateral,
            table.start_price,
        );
        let due = |at| Due {
            at,
            account: k as u32,
            generation: 0,
        };
        if let Some(more) = marks {
            by_marks[table.watch_of[k] as usize].push(due(more));
        }
        if let Some(more) = price {
            by_collateral.push(due(more));
        }
    }
    for list in by_marks.iter_mut().chain([&mut by_collateral]) {
        list.sort_unstable();
    }
    (by_marks, by_collateral)
}

impl AccountsRun<'_> {
    /// Schedules account `k`, with `slack` of equity over maintenance now, to be looked at
    /// once the marks of its markets (or the collateral's price) have wandered far enough to use
    /// up its share of it, the earliest it could breach ([`wait`]); or next step, without going
    /// through the queues, when they wandered that far in the step just done (an account near
    /// its requirement while prices run: it would be due again at once).
    pub(super) fn look_again(&mut self, k: usize, slack: f64) {
        self.generation[k] += 1;
        let generation = self.generation[k];
        let (marks, price) = wait(
            slack,
            self.mark_weight[k],
            self.accounts[k].units,
            &self.collateral,
            self.start_price,
        );
        let watch = &mut self.by_marks[self.watch_of[k] as usize].queue;
        let soon =
            |more: Option<f64>, queue: &Queue| more.is_some_and(|more| more <= queue.stepped);
        if soon(marks, watch) || soon(price, &self.by_collateral) {
            self.hot.push(k);
            return;
        }
        if let Some(more) = marks {
            watch.push(more, k, generation);
        }
        if let Some(more) = price {
            self.by_collateral.push(more, k, generation);
        }
    }

    /// Drops the entries of accounts rescheduled since (an account near its requirement is
    /// looked at again every few steps, and each time leaves its older entries behind), once they
    /// outnumber the accounts: the heaps stay the accounts' size, and what is due is the same.
    pub(super) fn compact(&mut self) {
        let most = 4 * self.accounts.len() + 64;
        for watch in &mut self.by_marks {
            watch.queue.compact(&self.generation, most);
        }
        self.by_collateral.compact(&self.generation, most);
    }
}
