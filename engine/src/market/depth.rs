//! Depth on one side of the order book: how many coins rest within a distance of the top, for
//! each book profile (linear, power, an explicit ladder of levels), and the inverse (how far a
//! sale of `q` coins walks). The book (`mod.rs`) moves its top and scales the depth; this file
//! only answers "how deep".

/// Depth on one side of the book as a function of distance from the top.
#[derive(Clone, Debug)]
pub(super) enum SideDepth {
    /// Coins per 1% band.
    Linear { coins_per_pct: f64 },
    /// Coins within x% = coins_at_1pct * x^exponent.
    Power { coins_at_1pct: f64, exponent: f64 },
    /// Piecewise-linear cumulative depth through (distance_pct, cumulative coins) knots starting at
    /// (0, 0); beyond the last knot the last band's density continues. Both coordinates grow
    /// along the knots, so every price call finds its band by binary search; `areas[k]` is the
    /// integral of the distance up to knot `k` (`areas[0]` = 0, the last entry: up to the last
    /// knot), summed band by band in knot order once when the book is built.
    Ladder {
        knots: Vec<(f64, f64)>,
        areas: Vec<f64>,
    },
}

/// Whether `value` lies past a knot at `knot` (a NaN lies past every knot, as a walk along the
/// knots finds it in none).
#[inline]
fn past(value: f64, knot: f64) -> bool {
    !matches!(
        value.partial_cmp(&knot),
        Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
    )
}

/// The knot before band `k` of a ladder: the previous knot, or the top of the book (0, 0).
#[inline]
fn knot_before(knots: &[(f64, f64)], k: usize) -> (f64, f64) {
    k.checked_sub(1)
        .map_or((0.0, 0.0), |previous| knots[previous])
}

/// The two knots of a ladder's last band (the first may be the top), which continues past the end.
#[inline]
fn last_band(knots: &[(f64, f64)]) -> ((f64, f64), (f64, f64)) {
    let last = knots[knots.len() - 1];
    (knot_before(knots, knots.len() - 1), last)
}

impl SideDepth {
    /// Distance (percent of start price) at which `coins` (>= 0) have been consumed.
    pub(super) fn distance_pct(&self, coins: f64) -> f64 {
        match self {
            SideDepth::Linear { coins_per_pct } => coins / coins_per_pct,
            SideDepth::Power {
                coins_at_1pct,
                exponent,
            } => libm::pow(coins / coins_at_1pct, 1.0 / exponent),
            SideDepth::Ladder { knots, .. } => {
                // The first knot at or past `coins` (none when `coins` is NaN: past the end).
                let k = knots.partition_point(|&(_, q1)| past(coins, q1));
                if let Some(&(x1, q1)) = knots.get(k) {
                    let (x0, q0) = knot_before(knots, k);
                    return x0 + (x1 - x0) * (coins - q0) / (q1 - q0);
                }
                let ((x_prev, q_prev), (x0, q0)) = last_band(knots);
                let slope = (x0 - x_prev) / (q0 - q_prev);
                x0 + slope * (coins - q0)
            }
        }
    }

    /// The integral of `distance_pct` from 0 to `coins` (>= 0): the VWAP's building block.
    pub(super) fn distance_integral(&self, coins: f64) -> f64 {
        match self {
            SideDepth::Linear { coins_per_pct } => coins * coins / (2.0 * coins_per_pct),
            SideDepth::Power {
                coins_at_1pct,
                exponent,
            } => {
                let power = 1.0 + 1.0 / exponent;
                libm::pow(coins, power) / (libm::pow(*coins_at_1pct, 1.0 / exponent) * power)
            }
            SideDepth::Ladder { knots, areas } => {
                let k = knots.partition_point(|&(_, q1)| past(coins, q1));
                if let Some(&(x1, q1)) = knots.get(k) {
                    let (x0, q0) = knot_before(knots, k);
                    let x = x0 + (x1 - x0) * (coins - q0) / (q1 - q0);
                    return areas[k] + (x0 + x) * (coins - q0) / 2.0;
                }
                let (x0, q0) = knots[knots.len() - 1];
                let x = self.distance_pct(coins);
                areas[knots.len()] + (x0 + x) * (coins - q0) / 2.0
            }
        }
    }

    /// Coins resting within `distance_pct` of the top (the inverse of `distance_pct`).
    pub(super) fn coins_within(&self, distance_pct: f64) -> f64 {
        match self {
            SideDepth::Linear { coins_per_pct } => coins_per_pct * distance_pct,
            SideDepth::Power {
                coins_at_1pct,
                exponent,
            } => coins_at_1pct * libm::pow(distance_pct, *exponent),
            SideDepth::Ladder { knots, .. } => {
                let k = knots.partition_point(|&(x1, _)| past(distance_pct, x1));
                if let Some(&(x1, q1)) = knots.get(k) {
                    let (x0, q0) = knot_before(knots, k);
                    return q0 + (q1 - q0) * (distance_pct - x0) / (x1 - x0);
                }
                let ((x_prev, q_prev), (x0, q0)) = last_band(knots);
                q0 + (q0 - q_prev) / (x0 - x_prev) * (distance_pct - x0)
            }
        }
    }
}

/// Builds a ladder side from (distance_pct, coins) rungs sorted by distance, merging equal
/// distances and dropping empty rungs.
pub(super) fn ladder(mut rungs: Vec<(f64, f64)>) -> SideDepth {
    rungs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut knots: Vec<(f64, f64)> = Vec::with_capacity(rungs.len());
    let mut cumulative = 0.0;
    for (distance, coins) in rungs {
        if coins <= 0.0 {
            continue;
        }
        cumulative += coins;
        match knots.last_mut() {
            Some(last) if last.0 == distance => last.1 = cumulative,
            _ => knots.push((distance, cumulative)),
        }
    }
    if knots.is_empty() {
        // A side with no resting size: one token coin per 1% band, so the price still moves.
        return SideDepth::Linear {
            coins_per_pct: 1e-9,
        };
    }
    // Band by band in knot order, as a walk along the ladder would add them up.
    let mut areas = Vec::with_capacity(knots.len() + 1);
    let (mut x0, mut q0, mut area) = (0.0, 0.0, 0.0);
    areas.push(area);
    for &(x1, q1) in &knots {
        area += (x0 + x1) * (q1 - q0) / 2.0;
        areas.push(area);
        (x0, q0) = (x1, q1);
    }
    SideDepth::Ladder { knots, areas }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk along the knots that the binary search replaced, band by band from the top.
    fn walked(knots: &[(f64, f64)], coins: f64) -> (f64, f64) {
        let (mut x0, mut q0, mut area) = (0.0, 0.0, 0.0);
        for &(x1, q1) in knots {
            if coins <= q1 {
                let x = x0 + (x1 - x0) * (coins - q0) / (q1 - q0);
                return (x, area + (x0 + x) * (coins - q0) / 2.0);
            }
            area += (x0 + x1) * (q1 - q0) / 2.0;
            (x0, q0) = (x1, q1);
        }
        let (x_prev, q_prev) = knot_before(knots, knots.len() - 1);
        let x = x0 + (x0 - x_prev) / (q0 - q_prev) * (coins - q0);
        (x, area + (x0 + x) * (coins - q0) / 2.0)
    }

    #[test]
    fn a_ladder_searched_gives_the_bits_of_a_ladder_walked() {
        // Uneven rungs, repeated distances, empty rungs and tiny ones a sum cannot see.
        let rungs: Vec<(f64, f64)> = (0..3_000u32)
            .map(|k| {
                let distance = f64::from(k * 7 % 1_009) * 0.013 + 0.001;
                let coins = match k % 5 {
                    0 => 0.0,
                    1 => 1e-12,
                    _ => f64::from(k % 13) * 3.7 + 0.25,
                };
                (distance, coins)
            })
            .collect();
        let side = ladder(rungs);
        let SideDepth::Ladder { knots, .. } = &side else {
            panic!("a ladder");
        };
        let top = knots[knots.len() - 1].1;
        for k in 0..20_000u32 {
            let coins = f64::from(k) / 20_000.0 * top * 1.2;
            let (distance, integral) = walked(knots, coins);
            assert_eq!(side.distance_pct(coins).to_bits(), distance.to_bits());
            assert_eq!(side.distance_integral(coins).to_bits(), integral.to_bits());
        }
        let last_x = knots[knots.len() - 1].0;
        for k in 0..20_000u32 {
            let distance = f64::from(k) / 20_000.0 * last_x * 1.2;
            let mut walked_coins = None;
            let (mut x0, mut q0) = (0.0, 0.0);
            for &(x1, q1) in knots {
                if distance <= x1 {
                    walked_coins = Some(q0 + (q1 - q0) * (distance - x0) / (x1 - x0));
                    break;
                }
                (x0, q0) = (x1, q1);
            }
            let (x_prev, q_prev) = knot_before(knots, knots.len() - 1);
            let walked_coins = walked_coins
                .unwrap_or_else(|| q0 + (q0 - q_prev) / (x0 - x_prev) * (distance - x0));
            assert_eq!(
                side.coins_within(distance).to_bits(),
                walked_coins.to_bits()
            );
        }
        for &(_, q) in knots {
            assert_eq!(side.distance_pct(q).to_bits(), walked(knots, q).0.to_bits());
        }
        assert!(side.distance_pct(f64::NAN).is_nan());
    }
}
