//! The position table: the whole population as columns, in groups of one side and leverage
//! bucket sorted into trigger order.

use std::sync::OnceLock;

use crate::money::column::FixedColumn;
use crate::outcome::LiquidationMap;
use crate::scenario::{Contract, LeverageBucket, Population, Positions, Scenario, Side};
use crate::solve::build_up::BuiltUp;

use super::generation::{from_list, generate, group_scales, place_group, Draft};
use super::margin::{size_collateral, MarginSchedule, Terms};
use super::start::StartState;

/// Buckets that explicit position lists are reported in.
pub fn standard_buckets() -> Vec<LeverageBucket> {
    [
        (1.0, 2.0),
        (2.0, 5.0),
        (5.0, 10.0),
        (10.0, 25.0),
        (25.0, 50.0),
        (50.0, 100.0),
        (100.0, 1000.0),
    ]
    .into_iter()
    .map(|(min, max)| LeverageBucket {
        min,
        max,
        weight: 1.0,
    })
    .collect()
}

/// A run of positions of one side and bucket, sorted by liquidation price in trigger order.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub side: Side,
    pub bucket: usize,
    /// Index range in the population's columns.
    pub start: usize,
    pub end: usize,
    /// Notional multiplier: a position's size is `scale * unit_size`.
    pub scale: f64,
}

/// The whole population, as columns.
#[derive(Clone, Debug, PartialEq)]
pub struct PositionTable {
    pub contract: Contract,
    pub buckets: Vec<LeverageBucket>,
    pub groups: Vec<Group>,
    pub entry: Vec<f64>,
    /// `entry` in 8-place fixed point ([`crate::money::fixed`]), converted once per population:
    /// every close and the final mark need it.
    pub entry_fixed: FixedColumn,
    pub leverage: Vec<f64>,
    /// Size per unit of group scale; size = scale * unit_size (USD at entry, or contracts).
    pub unit_size: Vec<f64>,
    /// Liquidation price at the initial collateral, sorted within each group.
    pub liquidation_price: Vec<f64>,
    /// Coins each position's liquidation order sells or buys per unit of group scale
    /// (linear: size / entry; inverse: contracts / liquidation price).
    pub unit_coins: Vec<f64>,
    /// Running sum of `unit_coins` within each group (exclusive of the position itself).
    pub unit_coins_before: Vec<f64>,
    /// Running sum of `unit_size` within each group (exclusive).
    pub unit_size_before: Vec<f64>,
    /// A uniform draw in [0, 1) per position, for assigning trader behaviours by share.
    pub behaviour_draw: Vec<f64>,
    /// Index in `groups` of each position's group.
    pub group_of: Vec<u16>,
    /// Each position's side (its group's).
    pub side: Vec<Side>,
    pub(super) margin: MarginSchedule,
    /// Every position's state at the start of a run, for the current scales: computed on first
    /// use and kept until the table is rescaled, so runs on an unchanged population (a shock drag)
    /// skip the per-position conversions to exact money.
    pub(super) start: OnceLock<StartState>,
    /// The liquidation map of the current scales and the start price it was drawn at
    /// (`solve::timeline::liquidation_map`): every run on an unchanged population shows the
    /// same one. Kept until the table is rescaled.
    pub(crate) map: OnceLock<(f64, LiquidationMap)>,
    /// What the scenario's build-up left on this population the last time it ran
    /// (`solve::build_up::run_or_resume`).
    pub(crate) built_up: BuiltUp,
    /// Each side's positions ordered by entry (longs ascending, shorts descending; indices),
    /// for auto-deleveraging's search for winners: built on first use and kept for every later
    /// run, since no run or rescale changes an entry or a side.
    pub(crate) by_entry: OnceLock<[Vec<u32>; 2]>,
    /// The positions' behaviour draws in [`Self::by_entry`]'s order, for stop-losses' members
    /// (read in one pass rather than one random read per position).
    pub(crate) draws_by_entry: OnceLock<[Vec<f64>; 2]>,
    /// A finished run's buffers for positions' changed states, for the next run.
    pub(crate) spare_own: crate::venue::SpareOwn,
    /// The last run's stop-loss holders in firing order, for the next run with the same stops.
    pub(crate) stop_members: super::Memo<crate::traders::StopMembers>,
    /// A generated population's draws under tiered margin, for rescales (`None` otherwise).
    pub(super) draft: Option<Box<Draft>>,
}

impl PositionTable {
    /// Builds the population of a validated scenario.
    pub fn build(scenario: &Scenario) -> PositionTable {
        let margin = MarginSchedule::of_venue(&scenario.venue);
        let contract = scenario.market.contract;
        match &scenario.positions {
            Positions::List(list) => from_list(list, contract, margin, scenario.seed),
            Positions::Generate(population) => generate(
                population,
                contract,
                margin,
                scenario.market.price,
                scenario.seed,
            ),
        }
    }

    pub fn len(&self) -> usize {
        self.entry.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entry.is_empty()
    }

    pub fn margin(&self) -> &MarginSchedule {
        &self.margin
    }

    /// Longs by entry ascending and shorts by entry descending (indices; the lower index first
    /// among equal entries), built on first use ([`Self::by_entry`]).
    pub(crate) fn by_entry(&self) -> &[Vec<u32>; 2] {
        self.by_entry.get_or_init(|| {
            let mut lists = [Vec::new(), Vec::new()];
            for (i, side) in self.side.iter().enumerate() {
                lists[side.slot()].push(i as u32);
            }
            let entry = &self.entry;
            let [longs, shorts] = &mut lists;
            longs.sort_unstable_by(|&a, &b| {
                entry[a as usize]
                    .total_cmp(&entry[b as usize])
                    .then(a.cmp(&b))
            });
            shorts.sort_unstable_by(|&a, &b| {
                entry[b as usize]
                    .total_cmp(&entry[a as usize])
                    .then(a.cmp(&b))
            });
            lists
        })
    }

    /// [`Self::behaviour_draw`] in [`Self::by_entry`]'s order, built on first use.
    pub(crate) fn draws_by_entry(&self) -> &[Vec<f64>; 2] {
        self.draws_by_entry.get_or_init(|| {
            self.by_entry().each_ref().map(|list| {
                list.iter()
                    .map(|&i| self.behaviour_draw[i as usize])
                    .collect()
            })
        })
    }

    /// Size of position `i` of `group`.
    pub fn size(&self, group: &Group, i: usize) -> f64 {
        group.scale * self.unit_size[i]
    }

    /// The terms of position `i` of `group` at its initial collateral.
    pub fn terms(&self, group: &Group, i: usize) -> Terms {
        let size = self.size(group, i);
        Terms {
            contract: self.contract,
            side: group.side,
            entry: self.entry[i],
            size,
            collateral: size_collateral(self.contract, size, self.entry[i], self.leverage[i]),
        }
    }

    /// Rescales generated groups for new bucket weights and long share. With flat maintenance
    /// margin a liquidation price does not depend on size, so groups keep their order; under
    /// tiers a rescaled group's members are opened again at their new sizes from the draws the
    /// table kept, and the group sorted again, exactly as a fresh build at those scales.
    /// `population` must be the one this table was generated from with only weights or long
    /// share changed. Returns whether it could (false: rebuild; also when a group gains or loses
    /// all its open interest).
    pub fn rescale(&mut self, population: &Population) -> bool {
        let tiered = !self.margin.is_flat();
        if population.leverage_buckets.len() != self.buckets.len()
            || (tiered && self.draft.is_none())
        {
            return false;
        }
        let scales = group_scales(population);
        // A group with no open interest has no liquidation prices (its members' collateral and
        // size are 0): one that gains or loses all of it is built again, as a fresh build would
        // place it.
        if self
            .groups
            .iter()
            .zip(&scales)
            .any(|(group, &scale)| (group.scale == 0.0) != (scale == 0.0))
        {
            return false;
        }
        let mut moved = false;
        for (index, scale) in scales.into_iter().enumerate() {
            if self.groups[index].scale.to_bits() == scale.to_bits() {
                continue;
            }
            self.groups[index].scale = scale;
            if tiered {
                moved |= place_group(self, index);
            }
        }
        if moved {
            // Entries or the order within groups changed: what was kept by entry or index goes.
            self.by_entry = OnceLock::new();
            self.draws_by_entry = OnceLock::new();
            self.stop_members = Default::default();
        }
        // A table that has run a timeline will run another: recompute its start state now, in
        // the same buffers (no fresh allocation per drag), with its warm part, so the next run
        // (a leverage-bar drag rescales before every run) takes the fast paths; otherwise leave
        // it until first use.
        self.map = OnceLock::new();
        self.built_up = BuiltUp::default();
        if let Some(mut state) = self.start.take() {
            let previous = state.warm.take().unwrap_or_default();
            self.fill_start_state(&mut state, Some(previous));
            self.start = OnceLock::from(state);
        }
        for (bucket, new) in self.buckets.iter_mut().zip(&population.leverage_buckets) {
            bucket.weight = new.weight;
        }
        true
    }

    /// Total size (USD at entry or contracts) per bucket and side: (longs, shorts).
    pub fn open_interest_by_bucket(&self) -> (Vec<f64>, Vec<f64>) {
        let mut longs = vec![0.0; self.buckets.len()];
        let mut shorts = vec![0.0; self.buckets.len()];
        for group in &self.groups {
            let total = group.scale * (self.unit_size_before_end(group));
            match group.side {
                Side::Long => longs[group.bucket] += total,
                Side::Short => shorts[group.bucket] += total,
            }
        }
        (longs, shorts)
    }

    /// Sum of unit sizes of a whole group.
    pub fn unit_size_before_end(&self, group: &Group) -> f64 {
        if group.end == group.start {
            0.0
        } else {
            self.unit_size_before[group.end - 1] + self.unit_size[group.end - 1]
        }
    }
}

/// The bucket a leverage falls in: the first whose range holds it (ranges are [min, max)).
pub fn bucket_of(buckets: &[LeverageBucket], leverage: f64) -> usize {
    buckets
        .iter()
        .position(|bucket| leverage >= bucket.min && leverage < bucket.max)
        .unwrap_or(buckets.len() - 1)
}
