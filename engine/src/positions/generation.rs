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
        for (leverage, unit, z, behaviour) in members {
            let unit_size = unit / unit_total;
            let size = scale * unit_size;
            // A venue's tier caps leverage: no position may open at or past its liquidation price.
            let (rate, _) = table.margin.tier_for(size, price);
            let leverage = if rate > 0.0 {
                leverage.min(max_entry_leverage(rate))
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
                let (rate, deduction) = table.margin.maintenance_for(terms.size, terms.entry);
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
            let (rate, deduction) = table.margin.maintenance_for(terms.size, terms.entry);
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

    #[test]
    fn ordered_bits_sort_like_the_floats() {
        let mut values = vec![3.5, -1.0, 0.0, -0.0, f64::INFINITY, -7.25, 1e-300, 42.0];
        let mut by_bits = values.clone();
        by_bits.sort_by_key(|&v| ordered_bits(v));
        values.sort_by(|a, b| a.total_cmp(b));
        assert_eq!(by_bits, values);
    }
}
