//! The leveraged population: generation from distributions, maintenance-margin tiers, exact
//! isolated-margin liquidation and bankruptcy prices.
//!
//! Positions are stored as columns, grouped by (leverage bucket, side); inside a group they are
//! sorted by liquidation price in the order a falling (longs) or rising (shorts) mark reaches them.
//! A group's notional is `scale * unit_notional`, so changing a bucket's weight or the long share
//! rescales a group without re-sorting it (with flat maintenance margin, where the liquidation
//! price does not depend on size).

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use std::sync::OnceLock;

use crate::money::column::{self, FixedColumn};
use crate::money::exact;
use crate::money::{self, Money};
use crate::scenario::{
    Contract, LeverageBucket, MaintenanceMargin, MarginTier, Population, PositionSpec, Positions,
    Scenario, Side,
};

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

/// Maintenance margin as a function of notional: `MM = notional * rate - deduction`, with the
/// deduction that makes the requirement continuous across tiers (Binance USDS-M:
/// deduction_n = floor_n * (rate_n - rate_{n-1}) + deduction_{n-1}).
#[derive(Clone, Debug, PartialEq)]
pub struct MarginSchedule {
    /// (upper notional bound, rate, deduction), ascending.
    tiers: Vec<(f64, f64, f64)>,
}

impl MarginSchedule {
    pub fn new(margin: &MaintenanceMargin) -> MarginSchedule {
        match margin {
            MaintenanceMargin::Flat(rate) => MarginSchedule {
                tiers: vec![(f64::INFINITY, *rate, 0.0)],
            },
            MaintenanceMargin::Tiered { tiers } => MarginSchedule::from_tiers(tiers),
        }
    }

    fn from_tiers(tiers: &[MarginTier]) -> MarginSchedule {
        let mut out = Vec::with_capacity(tiers.len());
        let (mut floor, mut previous_rate, mut deduction) = (0.0, 0.0, 0.0);
        for tier in tiers {
            deduction += floor * (tier.rate - previous_rate);
            out.push((tier.max_notional_usd, tier.rate, deduction));
            floor = tier.max_notional_usd;
            previous_rate = tier.rate;
        }
        MarginSchedule { tiers: out }
    }

    pub fn is_flat(&self) -> bool {
        self.tiers.len() == 1
    }

    /// (rate, deduction USD) for a position of `notional_usd`.
    pub fn tier_for(&self, notional_usd: f64) -> (f64, f64) {
        let tier = self
            .tiers
            .iter()
            .find(|tier| notional_usd <= tier.0)
            .or(self.tiers.last());
        tier.map(|tier| (tier.1, tier.2)).unwrap_or((0.0, 0.0))
    }
}

/// The terms of one isolated-margin position that fix its liquidation price.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Terms {
    pub contract: Contract,
    pub side: Side,
    pub entry: f64,
    /// USD notional at entry (linear) or contract count (inverse).
    pub size: f64,
    /// Collateral: USD (linear) or coin (inverse).
    pub collateral: f64,
}

impl Terms {
    /// Equity (collateral + unrealized PnL) at `price`, in collateral currency.
    pub fn equity_at(&self, price: f64) -> f64 {
        self.collateral + self.pnl_at(price)
    }

    /// Unrealized PnL at `price`: linear `q (p - e)`, inverse `K (1/e - 1/p)` for longs.
    pub fn pnl_at(&self, price: f64) -> f64 {
        let sign = match self.side {
            Side::Long => 1.0,
            Side::Short => -1.0,
        };
        match self.contract {
            Contract::Linear => sign * self.size / self.entry * (price - self.entry),
            Contract::Inverse => sign * self.size * (1.0 / self.entry - 1.0 / price),
        }
    }

    /// The price at which equity equals maintenance margin `rate * notional - deduction`.
    /// Longs: 0 when they cannot be liquidated; shorts: infinity. A position below maintenance at
    /// every price (collateral driven negative by a partial fill far past bankruptcy) is
    /// liquidated at once: infinity for longs, 0 for shorts.
    ///
    /// Linear long `(q e - C - D) / (q (1 - m))`, short `(q e + C + D) / (q (1 + m))`;
    /// inverse long `(1 + m) K / (C + K/e + D)`, short `(1 - m) K / (K/e - C - D)`
    /// (Binance USDS-M and BitMEX formulas, isolated margin).
    pub fn liquidation_price(&self, rate: f64, deduction_usd: f64) -> f64 {
        let (e, c) = (self.entry, self.collateral);
        let price = match (self.contract, self.side) {
            (Contract::Linear, Side::Long) => {
                let q = self.size / e;
                (q * e - c - deduction_usd) / (q * (1.0 - rate))
            }
            (Contract::Linear, Side::Short) => {
                let q = self.size / e;
                let numerator = q * e + c + deduction_usd;
                if numerator <= 0.0 {
                    return 0.0;
                }
                numerator / (q * (1.0 + rate))
            }
            (Contract::Inverse, Side::Long) => {
                let k = self.size;
                let denominator = c + k / e + deduction_usd / e;
                if denominator <= 0.0 {
                    return f64::INFINITY;
                }
                (1.0 + rate) * k / denominator
            }
            (Contract::Inverse, Side::Short) => {
                let k = self.size;
                let denominator = k / e - c - deduction_usd / e;
                if denominator <= 0.0 {
                    f64::INFINITY
                } else {
                    (1.0 - rate) * k / denominator
                }
            }
        };
        match self.side {
            Side::Long => price.max(0.0),
            Side::Short if price.is_nan() || price <= 0.0 => f64::INFINITY,
            Side::Short => price,
        }
    }

    /// The price at which equity is zero.
    pub fn bankruptcy_price(&self) -> f64 {
        self.liquidation_price(0.0, 0.0)
    }
}

/// Whether `mark` has reached `trigger`: from above for longs, from below for shorts.
pub fn crossed(side: Side, mark: f64, trigger: f64) -> bool {
    match side {
        Side::Long => mark <= trigger,
        Side::Short => mark >= trigger,
    }
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
    /// `entry` in 8-place fixed point ([`money::fixed`]), converted once per population: every
    /// close and the final mark need it.
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
    margin: MarginSchedule,
    /// Every position's state at the start of a run, for the current scales: computed on first
    /// use and kept until the table is rescaled, so runs on an unchanged population (a shock drag)
    /// skip the per-position conversions to exact money.
    start: OnceLock<StartState>,
}

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
    /// Set by the first run from this state.
    seen: OnceLock<()>,
    /// What repeated runs from this state also reuse, computed for the second one.
    warm: OnceLock<Warm>,
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
    coins: i128,
    coins_entry: exact::ProductSum,
}

/// The part of the start state worth computing only when more than one run starts from it: each
/// position's closing units and the open book. Computed for the second run on a table (a shock
/// drag) and at once by a rescale (a leverage-bar drag, where every run follows one).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Warm {
    /// The size closed by a full close in 8-place fixed point ([`closing_units_of`]).
    pub closing_units: FixedColumn,
    /// Linear contracts: the exact sums the open positions' PnL is marked from (`None` for
    /// inverse contracts, or when a sum leaves 128 bits).
    pub open_book: Option<OpenBook>,
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
            seen: OnceLock::new(),
            warm: OnceLock::new(),
        }
    }

    /// The warm part, for the second and later runs from this state (`None` for the first).
    pub fn warm(&self, table: &PositionTable) -> Option<&Warm> {
        if self.seen.set(()).is_ok() {
            return None;
        }
        Some(self.warm.get_or_init(|| table.warm_state()))
    }
}

/// Exact sums over the open positions of a linear contract, per side (long, short), from which
/// their total PnL at any price is one product: `sum(coins * (price - entry)) =
/// price * sum(coins) - sum(coins * entry)` (8-place coins and prices, so the PnL is in 1e-16
/// units, exact). Kept in step as sizes change, it marks every open position without visiting it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenBook {
    coins: [i128; 2],
    coins_entry: [i128; 2],
}

impl OpenBook {
    /// The index of `side` in the per-side sums: long 0, short 1.
    pub fn lane(side: Side) -> usize {
        match side {
            Side::Long => 0,
            Side::Short => 1,
        }
    }

    /// Adds (`sign` 1) or removes (`sign` -1) a position of `coins` entered at `entry` (both in
    /// 8-place fixed point); false (the book is then unusable) if a sum leaves 128 bits.
    #[inline]
    pub fn add(&mut self, side: Side, coins: i128, entry: i128, sign: i8) -> bool {
        let Some(product) = exact::exact_product(coins, entry) else {
            return false;
        };
        let lane = OpenBook::lane(side);
        let (coins, coins_entry) = if sign >= 0 {
            (
                self.coins[lane].checked_add(coins),
                self.coins_entry[lane].checked_add(product),
            )
        } else {
            (
                self.coins[lane].checked_sub(coins),
                self.coins_entry[lane].checked_sub(product),
            )
        };
        match (coins, coins_entry) {
            (Some(coins), Some(coins_entry)) => {
                self.coins[lane] = coins;
                self.coins_entry[lane] = coins_entry;
                true
            }
            _ => false,
        }
    }

    /// Removes positions of `coins` in total whose coins x entry sum to `coins_entry` (closed
    /// together); false (the book is then unusable) if a sum leaves 128 bits.
    pub fn remove(&mut self, side: Side, coins: i128, coins_entry: i128) -> bool {
        let lane = OpenBook::lane(side);
        match (
            self.coins[lane].checked_sub(coins),
            self.coins_entry[lane].checked_sub(coins_entry),
        ) {
            (Some(coins), Some(coins_entry)) => {
                self.coins[lane] = coins;
                self.coins_entry[lane] = coins_entry;
                true
            }
            _ => false,
        }
    }

    /// The exact total PnL (1e-16 units) of the open positions at `price` (8-place fixed point),
    /// shorts counted negatively; `None` beyond 128 bits.
    pub fn pnl_at(&self, price: i128) -> Option<i128> {
        let side_pnl = |lane: usize| {
            exact::exact_product(price, self.coins[lane])?.checked_sub(self.coins_entry[lane])
        };
        side_pnl(0)?.checked_sub(side_pnl(1)?)
    }
}

impl PositionTable {
    /// Builds the population of a validated scenario.
    pub fn build(scenario: &Scenario) -> PositionTable {
        let margin = MarginSchedule::new(&scenario.venue.maintenance_margin);
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

    /// The state every run on this table starts from (computed once per scale).
    pub fn start(&self) -> &StartState {
        self.start.get_or_init(|| self.start_state())
    }

    fn start_state(&self) -> StartState {
        let mut state = StartState::empty();
        self.fill_start_state(&mut state, None);
        state
    }

    /// The warm part of the start state, computed apart (for the second run from it).
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
    fn fill_start_state(&self, state: &mut StartState, warm: Option<Warm>) {
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
            *cached = GroupSums {
                scale,
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
        state.seen = OnceLock::new();
        state.warm = OnceLock::new();
        if with_warm {
            let units_of = |i: usize| closing_units_of(contract, sizes[i], self.entry[i]);
            warm.closing_units =
                FixedColumn::filled(units, fits, || (0..n).map(units_of).collect());
            warm.open_book = linear.then(|| self.open_book(&sums, fits, &warm)).flatten();
            let _ = state.seen.set(());
            let _ = state.warm.set(warm);
        }
        state.groups = sums;
    }

    /// The open book of a linear population at the start: from the groups' sums when every
    /// number was summed in 64 bits, else position by position in 128 bits.
    fn open_book(&self, sums: &[GroupSums], fits: bool, warm: &Warm) -> Option<OpenBook> {
        let mut coins = [0i128; 2];
        let mut coins_entry = [exact::ProductSum::default(); 2];
        for (group, sums) in self.groups.iter().zip(sums) {
            let lane = OpenBook::lane(group.side);
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
        Some(OpenBook {
            coins,
            coins_entry: [coins_entry[0].total()?, coins_entry[1].total()?],
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

    /// Rescales generated groups for new bucket weights and long share, without re-sorting where
    /// liquidation prices do not depend on size. `population` must be the one this table was
    /// generated from with only weights or long share changed. Returns whether it could
    /// (false: rebuild).
    pub fn rescale(&mut self, population: &Population) -> bool {
        if !self.margin.is_flat() || population.leverage_buckets.len() != self.buckets.len() {
            return false;
        }
        let scales = group_scales(population);
        for (group, scale) in self.groups.iter_mut().zip(scales) {
            group.scale = scale;
        }
        // A table that has run a timeline will run another: recompute its start state now, in
        // the same buffers (no fresh allocation per drag), with its warm part, so the next run
        // (a leverage-bar drag rescales before every run) takes the fast paths; otherwise leave
        // it until first use.
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

/// The size a close of `size` takes, in 8-place fixed point: coins (`size / entry`) for linear
/// contracts, contracts for inverse ones (what exact PnL is computed from).
#[inline]
pub fn closing_units_of(contract: Contract, size: f64, entry: f64) -> i128 {
    match contract {
        Contract::Linear => money::fixed(size / entry),
        Contract::Inverse => money::fixed(size),
    }
}

/// Initial collateral of a position: linear `size / L` USD; inverse `K / (e L)` coin.
pub fn size_collateral(contract: Contract, size: f64, entry: f64, leverage: f64) -> f64 {
    match contract {
        Contract::Linear => size / leverage,
        Contract::Inverse => size / (entry * leverage),
    }
}

fn group_scales(population: &Population) -> Vec<f64> {
    let mut scales = Vec::with_capacity(population.leverage_buckets.len() * 2);
    for bucket_oi in population.bucket_open_interest() {
        scales.push(bucket_oi * population.long_share);
        scales.push(bucket_oi * (1.0 - population.long_share));
    }
    scales
}

/// Deterministic, portable random draws (ChaCha8; transcendental functions from libm).
pub struct Draws {
    rng: ChaCha8Rng,
}

impl Draws {
    pub fn new(seed: u64, stream: u64) -> Draws {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Draws { rng }
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(std::f64::consts::TAU * u2)
    }
}

fn generate(
    population: &Population,
    contract: Contract,
    margin: MarginSchedule,
    price: f64,
    seed: u64,
) -> PositionTable {
    let buckets = population.leverage_buckets.clone();
    let group_count = buckets.len() * 2;
    let scales = group_scales(population);
    let n = population.count;
    let mut table = empty_table(contract, buckets.clone(), margin, n);
    for (g, scale) in scales.into_iter().enumerate() {
        let bucket = g / 2;
        let side = if g % 2 == 0 { Side::Long } else { Side::Short };
        let count = n / group_count + usize::from(g < n % group_count);
        let mut draws = Draws::new(seed, g as u64 + 1);
        let start = table.entry.len();
        let spec = &buckets[bucket];
        let (log_min, log_max) = (libm::log(spec.min), libm::log(spec.max));
        let mut members = Vec::with_capacity(count);
        let mut unit_total = 0.0;
        for _ in 0..count {
            let leverage = libm::exp(log_min + draws.uniform() * (log_max - log_min))
                .clamp(spec.min, spec.max);
            let sigma = population.size_dispersion;
            let unit = libm::exp(sigma * draws.normal() - sigma * sigma / 2.0);
            unit_total += unit;
            let z = draws.normal();
            let behaviour = draws.uniform();
            members.push((leverage, unit, z, behaviour));
        }
        // Entry prices: spread around the start price, redrawn toward it for positions that would
        // already be past their liquidation price at the start.
        for (leverage, unit, z, behaviour) in members {
            let unit_size = unit / unit_total;
            let size = scale * unit_size;
            // A venue's tier caps leverage: no position may open at or past its liquidation price.
            let (rate, _) = table.margin.tier_for(size);
            let leverage = if rate > 0.0 {
                leverage.min((0.95 / rate).max(1.0))
            } else {
                leverage
            };
            let mut entry = price * libm::exp(population.entry_spread_pct / 100.0 * z);
            for shrink in [0.5, 0.25, 0.0] {
                let terms = Terms {
                    contract,
                    side,
                    entry,
                    size: size.max(1e-9),
                    collateral: 0.0,
                };
                let terms = Terms {
                    collateral: size_collateral(contract, terms.size, entry, leverage),
                    ..terms
                };
                let (rate, deduction) = table.margin.tier_for(terms.size);
                if !crossed(side, price, terms.liquidation_price(rate, deduction)) {
                    break;
                }
                entry = price * libm::exp(population.entry_spread_pct / 100.0 * z * shrink);
            }
            table.entry.push(entry);
            table.leverage.push(leverage);
            table.unit_size.push(unit_size);
            table.behaviour_draw.push(behaviour);
        }
        table.groups.push(Group {
            side,
            bucket,
            start,
            end: table.entry.len(),
            scale,
        });
    }
    finish(table)
}

fn from_list(
    list: &[PositionSpec],
    contract: Contract,
    margin: MarginSchedule,
    seed: u64,
) -> PositionTable {
    let buckets = standard_buckets();
    let mut table = empty_table(contract, buckets.clone(), margin, list.len());
    let mut draws = Draws::new(seed, 0);
    for (g, bucket) in (0..buckets.len() * 2).map(|g| (g, g / 2)) {
        let side = if g % 2 == 0 { Side::Long } else { Side::Short };
        let start = table.entry.len();
        for spec in list
            .iter()
            .filter(|spec| spec.side == side && bucket_of(&buckets, spec.leverage) == bucket)
        {
            table.entry.push(spec.entry);
            table.leverage.push(spec.leverage);
            table.unit_size.push(spec.notional_usd);
            table.behaviour_draw.push(draws.uniform());
        }
        table.groups.push(Group {
            side,
            bucket,
            start,
            end: table.entry.len(),
            scale: 1.0,
        });
    }
    finish(table)
}

/// The bucket a leverage falls in: the first whose range holds it (ranges are [min, max)).
pub fn bucket_of(buckets: &[LeverageBucket], leverage: f64) -> usize {
    buckets
        .iter()
        .position(|bucket| leverage >= bucket.min && leverage < bucket.max)
        .unwrap_or(buckets.len() - 1)
}

fn empty_table(
    contract: Contract,
    buckets: Vec<LeverageBucket>,
    margin: MarginSchedule,
    n: usize,
) -> PositionTable {
    PositionTable {
        contract,
        buckets,
        groups: Vec::new(),
        entry: Vec::with_capacity(n),
        entry_fixed: FixedColumn::default(),
        leverage: Vec::with_capacity(n),
        unit_size: Vec::with_capacity(n),
        liquidation_price: Vec::with_capacity(n),
        unit_coins: Vec::with_capacity(n),
        unit_coins_before: Vec::with_capacity(n),
        unit_size_before: Vec::with_capacity(n),
        behaviour_draw: Vec::with_capacity(n),
        group_of: Vec::new(),
        side: Vec::new(),
        margin,
        start: OnceLock::new(),
    }
}

/// Computes liquidation prices, sorts each group into trigger order and fills the running sums.
fn finish(mut table: PositionTable) -> PositionTable {
    let n = table.entry.len();
    table.liquidation_price = vec![0.0; n];
    let groups = table.groups.clone();
    for group in &groups {
        for i in group.start..group.end {
            let terms = table.terms(group, i);
            let (rate, deduction) = table.margin.tier_for(terms.size);
            table.liquidation_price[i] = terms.liquidation_price(rate, deduction);
        }
    }
    sort_groups(&mut table);
    table.entry_fixed = table
        .entry
        .iter()
        .map(|&entry| money::fixed(entry))
        .collect();
    table.group_of = vec![0; n];
    table.side = vec![Side::Long; n];
    for (index, group) in groups.iter().enumerate() {
        // Validation caps buckets far below 2^15, so group indices fit.
        table.group_of[group.start..group.end].fill(index as u16);
        table.side[group.start..group.end].fill(group.side);
    }
    table.unit_coins = vec![0.0; n];
    table.unit_coins_before = vec![0.0; n];
    table.unit_size_before = vec![0.0; n];
    for group in &groups {
        let (mut coins, mut size) = (0.0, 0.0);
        for i in group.start..group.end {
            let unit_coins = match table.contract {
                Contract::Linear => table.unit_size[i] / table.entry[i],
                Contract::Inverse => {
                    let trigger = table.liquidation_price[i];
                    if trigger.is_finite() && trigger > 0.0 {
                        table.unit_size[i] / trigger
                    } else {
                        table.unit_size[i] / table.entry[i]
                    }
                }
            };
            table.unit_coins[i] = unit_coins;
            table.unit_coins_before[i] = coins;
            table.unit_size_before[i] = size;
            coins += unit_coins;
            size += table.unit_size[i];
        }
    }
    table
}

/// Sorts every group by liquidation price: longs highest first, shorts lowest first (ties by
/// generation order, so the order is deterministic).
fn sort_groups(table: &mut PositionTable) {
    let groups = table.groups.clone();
    let mut order: Vec<u128> = Vec::new();
    let mut scratch: Vec<f64> = Vec::new();
    for group in &groups {
        order.clear();
        order.extend((group.start..group.end).map(|i| {
            let price = table.liquidation_price[i];
            let key = if group.side == Side::Long {
                -price
            } else {
                price
            };
            (u128::from(ordered_bits(key)) << 32) | i as u128
        }));
        order.sort_unstable();
        for column in [
            &mut table.entry,
            &mut table.leverage,
            &mut table.unit_size,
            &mut table.liquidation_price,
            &mut table.behaviour_draw,
        ] {
            scratch.clear();
            scratch.extend(
                order
                    .iter()
                    .map(|&key| column[(key & 0xffff_ffff) as usize]),
            );
            column[group.start..group.end].copy_from_slice(&scratch);
        }
    }
}

/// Maps an f64 to a u64 whose unsigned order is the float's total order.
fn ordered_bits(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(contract: Contract, side: Side, leverage: f64) -> Terms {
        let (entry, size) = (100.0, 1000.0);
        Terms {
            contract,
            side,
            entry,
            size,
            collateral: size_collateral(contract, size, entry, leverage),
        }
    }

    #[test]
    fn linear_liquidation_prices_match_the_venue_formulas() {
        // 10x, m = 0.5%: long after -9.548%, short after +9.453% (domain notes).
        let long = terms(Contract::Linear, Side::Long, 10.0).liquidation_price(0.005, 0.0);
        let short = terms(Contract::Linear, Side::Short, 10.0).liquidation_price(0.005, 0.0);
        assert!((long - 100.0 * 0.9 / 0.995).abs() < 1e-9);
        assert!((short - 100.0 * 1.1 / 1.005).abs() < 1e-9);
        assert!((long - 90.452).abs() < 1e-3 && (short - 109.453).abs() < 1e-3);
    }

    #[test]
    fn inverse_liquidation_prices_match_the_venue_formulas() {
        let long = terms(Contract::Inverse, Side::Long, 10.0).liquidation_price(0.005, 0.0);
        let short = terms(Contract::Inverse, Side::Short, 10.0).liquidation_price(0.005, 0.0);
        assert!((long - 100.0 * 1.005 * 10.0 / 11.0).abs() < 1e-9);
        assert!((short - 100.0 * 0.995 * 10.0 / 9.0).abs() < 1e-9);
        let bankrupt = terms(Contract::Inverse, Side::Long, 10.0).bankruptcy_price();
        assert!((bankrupt - 100.0 * 10.0 / 11.0).abs() < 1e-9);
    }

    #[test]
    fn equity_at_the_liquidation_price_is_the_maintenance_margin() {
        for contract in [Contract::Linear, Contract::Inverse] {
            for side in [Side::Long, Side::Short] {
                let t = terms(contract, side, 20.0);
                let price = t.liquidation_price(0.01, 0.0);
                let margin = match contract {
                    Contract::Linear => 0.01 * t.size / t.entry * price,
                    Contract::Inverse => 0.01 * t.size / price,
                };
                assert!(
                    (t.equity_at(price) - margin).abs() < 1e-9,
                    "{contract:?} {side:?}"
                );
            }
        }
    }

    #[test]
    fn a_position_below_maintenance_at_every_price_triggers_at_once() {
        // Collateral -20 coin / -2,000 USD on a 10x position of 1,000 USD at 100: a linear short
        // or an inverse long has negative equity at every price.
        let cases = [
            (Contract::Linear, Side::Short, -2_000.0),
            (Contract::Inverse, Side::Long, -20.0),
        ];
        for (contract, side, collateral) in cases {
            let t = Terms {
                collateral,
                ..terms(contract, side, 10.0)
            };
            for price in [1e-9, 100.0, 1e12] {
                assert!(t.equity_at(price) < 0.0);
                assert!(
                    crossed(side, price, t.liquidation_price(0.005, 0.0)),
                    "{contract:?} {side:?} at {price}"
                );
            }
        }
    }

    #[test]
    fn ordered_bits_sort_like_the_floats() {
        let mut values = vec![3.5, -1.0, 0.0, -0.0, f64::INFINITY, -7.25, 1e-300, 42.0];
        let mut by_bits = values.clone();
        by_bits.sort_by_key(|&v| ordered_bits(v));
        values.sort_by(|a, b| a.total_cmp(b));
        assert_eq!(by_bits, values);
    }

    #[test]
    fn binance_tiers_get_continuous_deductions() {
        let tiers = vec![
            MarginTier {
                max_notional_usd: 50_000.0,
                rate: 0.004,
            },
            MarginTier {
                max_notional_usd: 250_000.0,
                rate: 0.005,
            },
            MarginTier {
                max_notional_usd: 1_000_000.0,
                rate: 0.01,
            },
        ];
        let schedule = MarginSchedule::new(&MaintenanceMargin::Tiered { tiers });
        assert_eq!(schedule.tier_for(10_000.0), (0.004, 0.0));
        let (rate, deduction) = schedule.tier_for(100_000.0);
        assert_eq!(rate, 0.005);
        assert!((deduction - 50.0).abs() < 1e-9);
        let (_, deduction) = schedule.tier_for(500_000.0);
        assert!((deduction - 1300.0).abs() < 1e-9);
        // Continuous at the boundary: 50k * 0.4% = 200 = 50k * 0.5% - 50.
        assert!((50_000.0 * 0.005 - 50.0 - 200.0f64).abs() < 1e-9);
    }
}
