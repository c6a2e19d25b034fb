//! A venue's state taken out of a run and put back into another: the state a build-up leaves
//! (hours of funding payments, `solve::build_up`) does not depend on the shock that follows it,
//! so every run of a shock drag on the same population and rules starts from one saved copy
//! instead of charging every payment again. A resumed engine is the engine the build-up left,
//! field for field: [`Snapshot`] holds every field the run changes, and taking one names every
//! field of the engine, so a field added later cannot be left out without the compiler saying so.

use std::collections::VecDeque;

use crate::ledger::Ledger;
use crate::money::Money;
use crate::positions::{OpenPositionSums, PositionTable};
use crate::scenario::Venue;

use super::adl::Winners;
use super::state::{Own, Status};
use super::triggers::RearmHeap;
use super::{LiquidationEngine, Order};

/// Everything a run changes in a [`LiquidationEngine`], owned (no borrow of the table or the
/// rules), to start later runs from.
#[derive(Clone)]
pub struct Snapshot {
    open_sums: Option<OpenPositionSums>,
    status: Vec<Status>,
    own: Option<Own>,
    cursor: Vec<usize>,
    long_heap: RearmHeap,
    short_heap: RearmHeap,
    queue: VecDeque<u32>,
    winners: Winners,
    ready: Vec<Order>,
    open_collateral: Money,
    open_interest: f64,
    group_open: Vec<f64>,
    changed_groups: Vec<bool>,
    ledger: Ledger,
    margin_multiplier: f64,
    step_s: f64,
    round: u32,
    cooldown_until: Vec<u32>,
    band_room: Option<(f64, f64)>,
    backstop: Vec<Order>,
    backstopped_usd: f64,
    partial_liquidations: u64,
    liquidated_count_long: u64,
    liquidated_count_short: u64,
    liquidated_fill_usd_long: f64,
    liquidated_fill_usd_short: f64,
}

impl<'a> LiquidationEngine<'a> {
    /// Whether this engine takes the fast path's shortcuts ([`super::Path::Fast`]); the reference
    /// path recomputes everything and is never resumed.
    pub fn takes_shortcuts(&self) -> bool {
        !self.winners.plain
    }

    /// The engine's state as it stands, to resume runs from ([`Self::resume`]).
    pub fn snapshot(&self) -> Snapshot {
        // Every field by name: what the table and the rules give is rebuilt by `new`, the rest
        // is copied.
        let LiquidationEngine {
            table: _,
            rules: _,
            start: _,
            warm: _,
            whole: _,
            side: _,
            whole_only: _,
            open_sums,
            status,
            own,
            cursor,
            long_heap,
            short_heap,
            queue,
            winners,
            ready,
            open_collateral,
            open_interest,
            group_open,
            changed_groups,
            ledger,
            margin_multiplier,
            step_s,
            round,
            cooldown_until,
            band_room,
            backstop,
            backstopped_usd,
            partial_liquidations,
            liquidated_count_long,
            liquidated_count_short,
            liquidated_fill_usd_long,
            liquidated_fill_usd_short,
        } = self;
        Snapshot {
            open_sums: *open_sums,
            status: status.clone(),
            own: own.clone(),
            cursor: cursor.clone(),
            long_heap: long_heap.clone(),
            short_heap: short_heap.clone(),
            queue: queue.clone(),
            winners: winners.clone(),
            ready: ready.clone(),
            open_collateral: *open_collateral,
            open_interest: *open_interest,
            group_open: group_open.clone(),
            changed_groups: changed_groups.clone(),
            ledger: ledger.clone(),
            margin_multiplier: *margin_multiplier,
            step_s: *step_s,
            round: *round,
            cooldown_until: cooldown_until.clone(),
            band_room: *band_room,
            backstop: backstop.clone(),
            backstopped_usd: *backstopped_usd,
            partial_liquidations: *partial_liquidations,
            liquidated_count_long: *liquidated_count_long,
            liquidated_count_short: *liquidated_count_short,
            liquidated_fill_usd_long: *liquidated_fill_usd_long,
            liquidated_fill_usd_short: *liquidated_fill_usd_short,
        }
    }

    /// The fast-path engine on `table` under `rules` in the state `snapshot` saved (taken from an
    /// engine on the same table and rules).
    pub fn resume(
        table: &'a PositionTable,
        rules: &'a Venue,
        snapshot: &Snapshot,
    ) -> LiquidationEngine<'a> {
        let saved = snapshot.clone();
        LiquidationEngine {
            open_sums: saved.open_sums,
            status: saved.status,
            own: saved.own,
            cursor: saved.cursor,
            long_heap: saved.long_heap,
            short_heap: saved.short_heap,
            queue: saved.queue,
            winners: saved.winners,
            ready: saved.ready,
            open_collateral: saved.open_collateral,
            open_interest: saved.open_interest,
            group_open: saved.group_open,
            changed_groups: saved.changed_groups,
            ledger: saved.ledger,
            margin_multiplier: saved.margin_multiplier,
            step_s: saved.step_s,
            round: saved.round,
            cooldown_until: saved.cooldown_until,
            band_room: saved.band_room,
            backstop: saved.backstop,
            backstopped_usd: saved.backstopped_usd,
            partial_liquidations: saved.partial_liquidations,
            liquidated_count_long: saved.liquidated_count_long,
            liquidated_count_short: saved.liquidated_count_short,
            liquidated_fill_usd_long: saved.liquidated_fill_usd_long,
            liquidated_fill_usd_short: saved.liquidated_fill_usd_short,
            ..LiquidationEngine::new(table, rules)
        }
    }
}
