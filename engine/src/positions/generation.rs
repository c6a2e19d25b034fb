//! Generation: the position table drawn from a population's distributions, or built from an
//! explicit list, then sorted into trigger order.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use std::sync::OnceLock;

use crate::money::{self, column::FixedColumn};
use crate::scenario::{
    max_entry_leverage, Contract, LeverageBucket, Population, PositionSpec, Side,
};

use super::margin::{crossed, size_collateral, MarginSchedule, Terms};
use super::table::{bucket_of, standard_buckets, Group, PositionTable};

pub(super) fn group_scales(population: &Population) -> Vec<f64> {
    let mut scales = Vec::with_capacity(population.leverage_buckets.len() * 2);
    for bucket_oi in population.bucket_open_interest() {
        scales.push(bucket_oi * population.long_share);
        scales.push(bucket_oi * (1.0 - population.long_share));
    }
    scales
}

/// What a generated member drew before its size placed it: its leverage, its entry before any
/// redraw toward the price, and the normal draw that entry came from.
struct Drawn {
    leverage: f64,
    entry: f64,
    z: f64,
}

/// What opening a member of a group depends on besides its draws and size.
struct Opening<'a> {
    margin: &'a MarginSchedule,
    contract: Contract,
    side: Side,
    price: f64,
    spread_pct: f64,
}

impl Opening<'_> {
    /// The leverage and entry a member with these draws opens at with `size`: its tier caps the
    /// leverage (no position may open at or past its liquidation price), and an entry already past
    /// its liquidation price at the start is drawn again closer to the price, up to the price.
    fn place(&self, drawn: &Drawn, size: f64) -> (f64, f64) {
        let (contract, side, price) = (self.contract, self.side, self.price);
        let (rate, _) = self.margin.tier_for(size, price);
        let leverage = if rate > 0.0 {
            drawn.leverage.min(max_entry_leverage(rate))
        } else {
            drawn.leverage
        };
        let mut entry = drawn.entry;
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
            let (rate, deduction) = self.margin.maintenance_for(terms.size, terms.entry);
            if !crossed(side, price, terms.liquidation_price(rate, deduction)) {
                break;
            }
            entry = price * libm::exp(self.spread_pct / 100.0 * drawn.z * shrink);
        }
        (leverage, entry)
    }
}

/// Every generated member's draws, in the table's order, kept under tiered margin: a rescale
/// moves sizes across tiers, which changes caps, entries, liquidation prices and so the order.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Draft {
    price: f64,
    spread_pct: f64,
    leverage: Vec<f64>,
    entry: Vec<f64>,
    z: Vec<f64>,
    /// Each member's index in generation order: ties in a group's order go by it, so a table
    /// sorted again lies in the order a fresh build gives.
    born: Vec<u32>,
}

impl Draft {
    fn push(&mut self, drawn: &Drawn) {
        self.born.push(self.leverage.len() as u32);
        self.leverage.push(drawn.leverage);
        self.entry.push(drawn.entry);
        self.z.push(drawn.z);
    }

    fn drawn(&self, i: usize) -> Drawn {
        Drawn {
            leverage: self.leverage[i],
            entry: self.entry[i],
            z: self.z[i],
        }
    }
}

/// Opens group `index` of a generated table under tiered margin again at its current scale, as
/// a fresh build would at that scale: each member's leverage, entry and liquidation price, the
/// group's order, its running sums and its entries in fixed point. Returns whether an entry or
/// the group's order changed (what is kept by entry or by index must then go).
pub(super) fn place_group(table: &mut PositionTable, index: usize) -> bool {
    let Some(draft) = table.draft.take() else {
        return false;
    };
    let group = table.groups[index].clone();
    let opening = Opening {
        margin: &table.margin,
        contract: table.contract,
        side: group.side,
        price: draft.price,
        spread_pct: draft.spread_pct,
    };
    let mut moved = false;
    for i in group.start..group.end {
        let (leverage, entry) = opening.place(&draft.drawn(i), group.scale * table.unit_size[i]);
        table.leverage[i] = leverage;
        moved |= entry.to_bits() != table.entry[i].to_bits();
        table.entry[i] = entry;
    }
    table.draft = Some(draft);
    liquidation_prices(table, &group);
    moved |= sort_group(table, &group, &mut Vec::new(), &mut Vec::new());
    running_sums(table, &group);
    if moved {
        for i in group.start..group.end {
            table.entry_fixed.set(i, money::fixed(table.entry[i]));
        }
    }
    moved
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

    /// A log-normal size factor of mean 1: `exp(sigma z - sigma^2 / 2)` (1 with `sigma` 0).
    pub fn size_factor(&mut self, sigma: f64) -> f64 {
        libm::exp(sigma * self.normal() - sigma * sigma / 2.0)
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(std::f64::consts::TAU * u2)
    }
}

pub(super) fn generate(
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
    // Under tiers a position's size decides its cap and so its entry: keep what each member drew,
    // so a rescale can open it again at its new size (`place_group`).
    if !table.margin.is_flat() {
        table.draft = Some(Box::new(Draft {
            price,
            spread_pct: population.entry_spread_pct,
            ..Draft::default()
        }));
    }
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
            let unit = draws.size_factor(population.size_dispersion);
            unit_total += unit;
            let z = draws.normal();
            let behaviour = draws.uniform();
            members.push((leverage, unit, z, behaviour));
        }
        // Entry prices: spread around the start price, redrawn toward it for positions that would
        // already be past their liquidation price at the start.
        let opening = Opening {
            margin: &table.margin,
            contract,
            side,
            price,
            spread_pct: population.entry_spread_pct,
        };
        for (leverage, unit, z, behaviour) in members {
            let unit_size = unit / unit_total;
            let drawn = Drawn {
                leverage,
                entry: price * libm::exp(population.entry_spread_pct / 100.0 * z),
                z,
            };
            let (leverage, entry) = opening.place(&drawn, scale * unit_size);
            if let Some(draft) = table.draft.as_deref_mut() {
                draft.push(&drawn);
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

pub(super) fn from_list(
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
        map: OnceLock::new(),
        built_up: Default::default(),
        by_entry: OnceLock::new(),
        draws_by_entry: OnceLock::new(),
        spare_own: Default::default(),
        stop_members: Default::default(),
        draft: None,
    }
}

/// Computes liquidation prices, sorts each group into trigger order and fills the running sums.
fn finish(mut table: PositionTable) -> PositionTable {
    let n = table.entry.len();
    table.liquidation_price = vec![0.0; n];
    let groups = table.groups.clone();
    for group in &groups {
        liquidation_prices(&mut table, group);
    }
    let (mut order, mut scratch) = (Vec::new(), Vec::new());
    for group in &groups {
        sort_group(&mut table, group, &mut order, &mut scratch);
    }
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
        running_sums(&mut table, group);
    }
    table
}

/// A group's liquidation prices at its members' initial collateral.
fn liquidation_prices(table: &mut PositionTable, group: &Group) {
    for i in group.start..group.end {
        let terms = table.terms(group, i);
        let (rate, deduction) = table.margin.maintenance_for(terms.size, terms.entry);
        table.liquidation_price[i] = terms.liquidation_price(rate, deduction);
    }
}

/// A group's coins per unit of scale and its running sums of coins and size (exclusive).
fn running_sums(table: &mut PositionTable, group: &Group) {
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

/// Sorts a group by liquidation price: longs highest first, shorts lowest first, ties by
/// generation order (the draft's record of it, when the table keeps one; else the index, which is
/// generation order before the first sort), so the order is deterministic. Returns whether the
/// order changed.
fn sort_group(
    table: &mut PositionTable,
    group: &Group,
    order: &mut Vec<u128>,
    scratch: &mut Vec<f64>,
) -> bool {
    order.clear();
    let born = table.draft.as_ref().map(|draft| &draft.born);
    order.extend((group.start..group.end).map(|i| {
        let price = table.liquidation_price[i];
        let key = if group.side == Side::Long {
            -price
        } else {
            price
        };
        let tie = born.map_or(i as u32, |born| born[i]);
        (u128::from(ordered_bits(key)) << 64) | (u128::from(tie) << 32) | i as u128
    }));
    order.sort_unstable();
    let at = |key: &u128| (key & 0xffff_ffff) as usize;
    if order.iter().zip(group.start..).all(|(key, i)| at(key) == i) {
        return false;
    }
    let mut columns = vec![
        &mut table.entry,
        &mut table.leverage,
        &mut table.unit_size,
        &mut table.liquidation_price,
        &mut table.behaviour_draw,
    ];
    if let Some(draft) = table.draft.as_deref_mut() {
        columns.extend([&mut draft.leverage, &mut draft.entry, &mut draft.z]);
        let born: Vec<u32> = order.iter().map(|key| draft.born[at(key)]).collect();
        draft.born[group.start..group.end].copy_from_slice(&born);
    }
    for column in columns {
        scratch.clear();
        scratch.extend(order.iter().map(|key| column[at(key)]));
        column[group.start..group.end].copy_from_slice(scratch);
    }
    true
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

    #[test]
    fn ordered_bits_sort_like_the_floats() {
        let mut values = vec![3.5, -1.0, 0.0, -0.0, f64::INFINITY, -7.25, 1e-300, 42.0];
        let mut by_bits = values.clone();
        by_bits.sort_by_key(|&v| ordered_bits(v));
        values.sort_by(|a, b| a.total_cmp(b));
        assert_eq!(by_bits, values);
    }
}
