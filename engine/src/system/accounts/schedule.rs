//! When a cross-margin account is looked at again (docs/model.md §15.5): once the prices it
//! depends on could have used up the slack it had when last looked at.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{AccountsRun, Collateral};

/// How far some prices have wandered since the start, and the accounts waiting for them to
/// wander further.
#[derive(Default)]
pub(super) struct Queue {
    pub(super) wandered: f64,
    due: BinaryHeap<Reverse<Due>>,
}

impl Queue {
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
pub(super) struct MarkWatch {
    pub(super) markets: Vec<usize>,
    pub(super) queue: Queue,
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

impl AccountsRun<'_> {
    /// Schedules account `k`, with `slack` of equity over maintenance now, to be looked at
    /// once the marks of its markets (or the collateral's price) have wandered far enough to use
    /// up its share of it, the earliest it could breach: its equity less maintenance moves by at
    /// most `mark_weight` per unit of those marks' summed relative moves and by `units` per unit
    /// of the collateral's.
    pub(super) fn look_again(&mut self, k: usize, slack: f64) {
        self.generation[k] += 1;
        let generation = self.generation[k];
        // The marks and the collateral's price each get the whole slack when only one of
        // them can move, half each otherwise; less a margin for the rounding of the equity's
        // terms (a billionth of the account's size).
        let units = self.accounts[k].units;
        let moves = !matches!(self.collateral, Collateral::Usd);
        let share = if moves { 0.5 } else { 1.0 };
        let weight = self.mark_weight[k];
        let margin = 1e-9 * (weight + units * self.start_price);
        let slack = (share * slack - margin).max(0.0);
        if weight > 0.0 {
            let watch = self.watch_of[k] as usize;
            self.by_marks[watch]
                .queue
                .push(slack / weight, k, generation);
        }
        if moves && units > 0.0 {
            self.by_collateral.push(slack / units, k, generation);
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
