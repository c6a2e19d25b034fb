//! When a cross-margin account is looked at again (docs/model.md §15.5): once prices could have
//! used up the slack it had when last looked at.

use super::{AccountsRun, Collateral};

/// When an account is to be looked at again: once the prices' wandering reaches `at`, if the
/// account was not rescheduled since (`generation`).
#[derive(Clone, Copy, Debug)]
pub(super) struct Due {
    pub(super) at: f64,
    pub(super) account: usize,
    pub(super) generation: u32,
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

impl AccountsRun {
    /// Schedules account `k`, with `slack` of equity over maintenance now, to be looked at
    /// once the marks (or the collateral's price) have wandered far enough to use up half of it
    /// each: its equity less maintenance moves by at most `mark_weight` per unit of the marks'
    /// summed relative moves and by `units` per unit of the collateral's.
    pub(super) fn look_again(&mut self, k: usize, slack: f64) {
        self.generation[k] += 1;
        let generation = self.generation[k];
        let half = 0.5 * slack.max(0.0) * (1.0 - 1e-9);
        let weight = self.mark_weight[k];
        if weight > 0.0 {
            self.by_marks.push(std::cmp::Reverse(Due {
                at: self.wandered + half / weight,
                account: k,
                generation,
            }));
        }
        let units = self.accounts[k].units;
        let moves = !matches!(self.collateral, Collateral::Usd);
        if moves && units > 0.0 {
            self.by_collateral.push(std::cmp::Reverse(Due {
                at: self.collateral_wandered + half / units,
                account: k,
                generation,
            }));
        }
    }

    /// Drops the entries of accounts rescheduled since (an account near its requirement is
    /// looked at again every few steps, and each time leaves its older entries behind), once they
    /// outnumber the accounts: the heaps stay the accounts' size, and what is due is the same.
    pub(super) fn compact(&mut self) {
        let most = 4 * self.accounts.len() + 64;
        let generation = &self.generation;
        for heap in [&mut self.by_marks, &mut self.by_collateral] {
            if heap.len() > most {
                heap.retain(|std::cmp::Reverse(due)| generation[due.account] == due.generation);
            }
        }
    }
}
