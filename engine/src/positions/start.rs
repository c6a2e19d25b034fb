//! The start state: every position's size and exact collateral at the start of a run, with their
//! totals, cached on the table (and the warm part repeated runs reuse).

use std::sync::OnceLock;

use crate::money::column::{self, FixedColumn};
use crate::money::exact;
use crate::money::{self, Money};
use crate::scenario::Contract;

use super::margin::{closing_units_of, size_collateral};
use super::open_sums::OpenPositionSums;
use super::table::PositionTable;

/// The state every run starts from: sizes and exact collateral, with their totals. Computed exactly
/// as a run would compute them, so a run that uses it gives the same bits.
#[derive(Clone, Debug, PartialEq)]
pub struct StartState {
    /// `scale * unit_size` (USD at entry, or contracts).
    pub size: Vec<f64>,
    /// Initial collateral, exact (units of money).
    pub collateral: FixedColumn,
    /// Sum of `collateral`.
    pub collateral_total: Money,
    /// Sum of `group_size`, in group order.
    pub open_interest: f64,
    /// Sum of `size` per group.
    pub group_size: Vec<f64>,
    /// Each group's sums, with the scale they are for.
    groups: Vec<GroupSums>,
    /// How many groups the last fill computed (the others kept their columns: their scale did
    /// not change).
    pub groups_computed: usize,
    /// What repeated runs from this state also reuse: computed when the table's owner says more
    /// runs will follow ([`PositionTable::prepare_reruns`]) or by a rescale.
    pub(super) warm: OnceLock<Warm>,
}

/// One group's part of the start state's sums, kept with the scale they were computed for: a
/// rescale that leaves a group's scale as it was (dragging one bucket's bar changes that bucket's
/// groups only) keeps the group's columns and these sums.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct GroupSums {
    scale: f64,
    size: f64,
    collateral: i128,
    /// Whether every amount of the group is held in 64 bits (else the columns are 128-bit).
    fits: bool,
    /// Whether the warm part (closing units, coins) was computed.
    warm: bool,
    /// The sizes summed as a run's final recount sums them ([`sum_in_lanes`]).
    recount: f64,
    coins: i128,
    coins_entry: exact::ProductSum,
}

/// The part of the start state worth computing only when more than one run starts from it: each
/// position's closing units and the open-position sums. Computed when the table's owner says more runs
/// follow ([`PositionTable::prepare_reruns`]: the app's session does on a shock drag's second
/// run) and at once by a rescale (a leverage-bar drag, where every run follows one).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Warm {
    /// The size closed by a full close in 8-place fixed point ([`closing_units_of`]).
    pub closing_units: FixedColumn,
    /// Linear contracts: the exact sums the open positions' PnL is marked from (`None` for
    /// inverse contracts, or when a sum leaves 128 bits).
    pub open_sums: Option<OpenPositionSums>,
}

impl StartState {
    fn empty() -> StartState {
        StartState {
            size: Vec::new(),
            collateral: FixedColumn::default(),
            collateral_total: Money::ZERO,
            open_interest: 0.0,
            group_size: Vec::new(),
            groups: Vec::new(),
            groups_computed: 0,
            warm: OnceLock::new(),
        }
    }

    /// Group `g`'s sizes summed as a run recounts an unchanged group's at its end
    /// ([`sum_in_lanes`]); `None` for a state computed the plain way, which keeps no sums.
    pub fn group_recount(&self, g: usize) -> Option<f64> {
        self.groups.get(g).map(|group| group.recount)
    }

    /// The warm part, if it was prepared. Reading it changes nothing.
    pub fn warm(&self) -> Option<&Warm> {
        self.warm.get()
    }

    /// The start state computed the plain way, position by position, with no cache, no reuse of
    /// earlier columns and no 64-bit sums: what [`PositionTable::start`] must equal, for the
    /// reference run (`solve::timeline::run_with`, `venue::Path::Reference`).
    pub fn plain(table: &PositionTable) -> StartState {
        let mut state = StartState::empty();
        state.size = vec![0.0; table.len()];
        let mut collateral = FixedColumn::default();
        for group in &table.groups {
            let mut group_size = 0.0;
            for i in group.start..group.end {
                let size = table.size(group, i);
                state.size[i] = size;
                group_size += size;
            }
            state.group_size.push(group_size);
        }
        for i in 0..table.len() {
            let (size, entry) = (state.size[i], table.entry[i]);
            collateral.push(money::fixed(size_collateral(
                table.contract,
                size,
                entry,
                table.leverage[i],
            )));
        }
        state.collateral_total =
            Money::from_units((0..table.len()).map(|i| collateral.get(i)).sum());
        state.collateral = collateral;
        state.open_interest = state.group_size.iter().sum();
        state.groups_computed = table.groups.len();
        state
    }
}

impl PositionTable {
    /// The state every run on this table starts from (computed once per scale).
    pub fn start(&self) -> &StartState {
        self.start.get_or_init(|| self.start_state())
    }

    fn start_state(&self) -> StartState {
        let mut state = StartState::empty();
        self.fill_start_state(&mut state, None);
        state
    }

    /// Says that more runs will start from this table (a shock drag, a search): computes the
    /// warm part of its start state now, so that every later run takes the fast paths that need
    /// it (cached closing units, the open positions' exact sums). A run never computes it by
    /// itself: the first run on a table, which may be the only one, does not pay for it.
    pub fn prepare_reruns(&self) -> &Warm {
        let start = self.start();
        start.warm.get_or_init(|| self.warm_state())
    }

    /// The warm part of the start state, computed apart.
    fn warm_state(&self) -> Warm {
        let mut scratch = StartState::empty();
        self.fill_start_state(&mut scratch, Some(Warm::default()));
        scratch.warm.take().unwrap_or_default()
    }

    /// Computes the start state for the current scales into `state`, reusing its buffers, and
    /// with `warm` (a previous warm state, for its buffers) its warm part too, in the same pass.
    /// A group whose scale is the one its columns were computed for keeps them (a leverage-bar
    /// drag, which rescales before every run, changes one bucket's groups); the others are
    /// computed in one loop with the sums in 64-bit registers.
    pub(super) fn fill_start_state(&self, state: &mut StartState, warm: Option<Warm>) {
        let n = self.len();
        let contract = self.contract;
        let linear = contract == Contract::Linear;
        let with_warm = warm.is_some();
        let mut warm = warm.unwrap_or_default();
        let entry_fixed = self.entry_fixed.small();
        // Columns from the last fill, all in 64 bits, can be kept group by group.
        let reusable = state.size.len() == n
            && state
                .collateral
                .small()
                .is_some_and(|column| column.len() == n)
            && state.groups.len() == self.groups.len()
            && (!with_warm
                || warm
                    .closing_units
                    .small()
                    .is_some_and(|units| units.len() == n));
        state.size.resize(n, 0.0);
        let mut collateral = state.collateral.take_buffer(n);
        let mut units = warm
            .closing_units
            .take_buffer(if with_warm { n } else { 0 });
        let mut sums = std::mem::take(&mut state.groups);
        sums.resize(self.groups.len(), GroupSums::default());
        // Everyday amounts (below 2^62 units) are summed in 64-bit registers; a population with
        // larger ones has its columns and sums redone in 128 bits below.
        let small = |value: f64| money::fixed_i64(value).filter(|&v| column::fits_small(v.into()));
        state.groups_computed = 0;
        for (group, cached) in self.groups.iter().zip(sums.iter_mut()) {
            let kept = reusable
                && cached.scale.to_bits() == group.scale.to_bits()
                && cached.fits
                && (cached.warm || !with_warm);
            if kept {
                continue;
            }
            state.groups_computed += 1;
            let scale = group.scale;
            let mut fits = !linear || !with_warm || entry_fixed.is_some();
            let (mut size_sum, mut collateral_sum) = (0.0, exact::Sum64::default());
            let (mut coins, mut coins_entry) =
                (exact::Sum64::default(), exact::ProductSum::default());
            for i in group.start..group.end {
                let (entry, size) = (self.entry[i], scale * self.unit_size[i]);
                let amount = small(size_collateral(contract, size, entry, self.leverage[i]));
                state.size[i] = size;
                collateral[i] = amount.unwrap_or(0);
                fits &= amount.is_some();
                collateral_sum.add(collateral[i]);
                size_sum += size;
                if with_warm {
                    let closing = match contract {
                        Contract::Linear => small(size / entry),
                        Contract::Inverse => small(size),
                    };
                    units[i] = closing.unwrap_or(0);
                    fits &= closing.is_some();
                    if let (true, Some(entry_fixed)) = (linear, entry_fixed) {
                        coins.add(units[i]);
                        coins_entry.add(units[i].into(), entry_fixed[i].into());
                    }
                }
            }
            let sizes = &state.size;
            *cached = GroupSums {
                scale,
                recount: sum_in_lanes(group.start..group.end, |i| sizes[i]),
                size: size_sum,
                collateral: collateral_sum.total(),
                fits,
                warm: with_warm,
                coins: coins.total(),
                coins_entry,
            };
        }
        let fits = sums.iter().all(|group| group.fits);
        state.group_size.clear();
        state.group_size.extend(sums.iter().map(|group| group.size));
        state.open_interest = state.group_size.iter().sum();
        // The rare population with an amount beyond 2^62 units: its columns in 128 bits.
        let sizes = &state.size;
        let collateral_of = |i: usize| {
            money::fixed(size_collateral(
                contract,
                sizes[i],
                self.entry[i],
                self.leverage[i],
            ))
        };
        state.collateral =
            FixedColumn::filled(collateral, fits, || (0..n).map(collateral_of).collect());
        state.collateral_total = Money::from_units(match &state.collateral {
            // At most 2^21 amounts of at most 2^96 units: these plain sums cannot overflow.
            FixedColumn::Small(_) => sums.iter().map(|group| group.collateral).sum(),
            FixedColumn::Wide(amounts) => amounts.iter().sum(),
        });
        state.warm = OnceLock::new();
        if with_warm {
            let units_of = |i: usize| closing_units_of(contract, sizes[i], self.entry[i]);
            warm.closing_units =
                FixedColumn::filled(units, fits, || (0..n).map(units_of).collect());
            warm.open_sums = linear.then(|| self.open_sums(&sums, fits, &warm)).flatten();
            let _ = state.warm.set(warm);
        }
        state.groups = sums;
    }

    /// The open-position sums of a linear population at the start: from the groups' sums when every
    /// number was summed in 64 bits, else position by position in 128 bits.
    fn open_sums(&self, sums: &[GroupSums], fits: bool, warm: &Warm) -> Option<OpenPositionSums> {
        let mut coins = [0i128; 2];
        let mut coins_entry = [exact::ProductSum::default(); 2];
        for (group, sums) in self.groups.iter().zip(sums) {
            let lane = OpenPositionSums::lane(group.side);
            if fits {
                coins[lane] += sums.coins;
                coins_entry[lane].merge(&sums.coins_entry);
                continue;
            }
            for i in group.start..group.end {
                coins[lane] += warm.closing_units.get(i);
                coins_entry[lane].add(warm.closing_units.get(i), self.entry_fixed.get(i));
            }
        }
        Some(OpenPositionSums {
            coins,
            coins_entry: [coins_entry[0].total()?, coins_entry[1].total()?],
        })
    }
}

/// The sum of `values` in eight interleaved running sums, added up at the end: a fixed order (so
/// the same bits everywhere) that does not wait on one addition at a time.
pub(crate) fn sum_in_lanes(range: std::ops::Range<usize>, value: impl Fn(usize) -> f64) -> f64 {
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
