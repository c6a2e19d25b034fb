//! What a run's returns and prices add up to: the return distribution (moments, VaR, expected
//! shortfall, worst day) and the price fan's percentiles.

use serde::{Deserialize, Serialize};

use super::TAIL_DIVISOR;

/// Percentiles of the price across paths, per reported day.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Fan {
    /// Day of each point (0 is the start); every day, or evenly spaced for long runs.
    pub days: Vec<u32>,
    pub p05: Vec<f64>,
    pub p25: Vec<f64>,
    pub p50: Vec<f64>,
    pub p75: Vec<f64>,
    pub p95: Vec<f64>,
}

/// Distribution of daily log returns (percent). Moments are population moments (divided by n).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnStats {
    /// Number of daily returns.
    pub count: usize,
    pub mean_pct: f64,
    pub std_pct: f64,
    pub skew: f64,
    /// Kurtosis minus 3 (0 for a Gaussian).
    pub excess_kurtosis: f64,
    /// Value-at-risk at 95%, a positive loss: minus the k-th worst return, k = ceil(5% of n).
    pub var_95_pct: f64,
    /// Expected shortfall at 95%, a positive loss: minus the mean of the k worst returns.
    pub es_95_pct: f64,
    /// The lowest daily return, signed (negative for a loss).
    pub worst_day_pct: f64,
    /// The highest daily return, signed: where a short-heavy crowd's squeezes show (its
    /// cascades fatten the upper tail, not the lower).
    #[serde(default)]
    pub best_day_pct: f64,
    /// Days whose price fell 12% or more (a log return at or below ln 0.88): how often the
    /// crowd crashes, against BTC's record (docs/model.md §14.4).
    #[serde(default)]
    pub falls_of_12_pct: usize,
}

impl ReturnStats {
    /// Statistics of a sample of daily returns in percent (all zero for an empty sample).
    pub fn of(returns_pct: &[f64]) -> ReturnStats {
        let count = returns_pct.len();
        if count == 0 {
            return ReturnStats {
                count,
                mean_pct: 0.0,
                std_pct: 0.0,
                skew: 0.0,
                excess_kurtosis: 0.0,
                var_95_pct: 0.0,
                es_95_pct: 0.0,
                worst_day_pct: 0.0,
                best_day_pct: 0.0,
                falls_of_12_pct: 0,
            };
        }
        let n = count as f64;
        let mean = returns_pct.iter().sum::<f64>() / n;
        let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
        for &value in returns_pct {
            let d = value - mean;
            let d2 = d * d;
            m2 += d2;
            m3 += d2 * d;
            m4 += d2 * d2;
        }
        let (m2, m3, m4) = (m2 / n, m3 / n, m4 / n);
        let (skew, excess_kurtosis) = if m2 > 0.0 {
            (m3 / libm::pow(m2, 1.5), m4 / (m2 * m2) - 3.0)
        } else {
            (0.0, 0.0)
        };
        // k = ceil(5% of n), in integers so that 5% of 60 is 3, not 3.0000000000000004 -> 4.
        let tail = count.div_ceil(TAIL_DIVISOR);
        let mut sorted = returns_pct.to_vec();
        sorted.select_nth_unstable_by(tail - 1, f64::total_cmp);
        let worst = &sorted[..tail];
        let kth_worst = worst.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        ReturnStats {
            count,
            mean_pct: mean,
            std_pct: libm::sqrt(m2),
            skew,
            excess_kurtosis,
            var_95_pct: -kth_worst,
            es_95_pct: -worst.iter().sum::<f64>() / tail as f64,
            worst_day_pct: worst.iter().copied().fold(f64::INFINITY, f64::min),
            best_day_pct: returns_pct
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max),
            falls_of_12_pct: {
                // A fall of 12% as a daily log return, percent.
                let fall = 100.0 * libm::log(0.88);
                returns_pct.iter().filter(|&&value| value <= fall).count()
            },
        }
    }
}

impl Fan {
    /// The lowest 5th and the highest 95th percentile over every reported day.
    pub fn extent(&self) -> (f64, f64) {
        let lowest = self.p05.iter().copied().fold(f64::INFINITY, f64::min);
        let highest = self.p95.iter().copied().fold(0.0, f64::max);
        (lowest, highest)
    }
}

/// Linear interpolation between closest ranks of a sorted, non-empty sample.
pub(super) fn percentile(sorted: &[f64], q: f64) -> f64 {
    let rank = q * (sorted.len() - 1) as f64;
    let below = rank as usize;
    let above = (below + 1).min(sorted.len() - 1);
    sorted[below] + (rank - below as f64) * (sorted[above] - sorted[below])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_stats_match_hand_computed_values() {
        // Symmetric: mean 0, m2 = 8, m4 = 108.8, kurtosis 108.8 / 64 - 3 = -1.3.
        let stats = ReturnStats::of(&[-4.0, -2.0, 0.0, 2.0, 4.0]);
        assert_eq!(stats.count, 5);
        assert!(stats.mean_pct.abs() < 1e-15);
        assert!((stats.std_pct - libm::sqrt(8.0)).abs() < 1e-12);
        assert!(stats.skew.abs() < 1e-12);
        assert!((stats.excess_kurtosis + 1.3).abs() < 1e-12);
        // k = ceil(5 / 20) = 1: the worst day alone.
        assert_eq!(
            (stats.var_95_pct, stats.es_95_pct, stats.worst_day_pct),
            (4.0, 4.0, -4.0)
        );
        assert_eq!(stats.best_day_pct, 4.0);

        // Left-skewed: mean 0, m2 = 10, m3 = -36, m4 = 278.8.
        let stats = ReturnStats::of(&[1.0, -6.0, 3.0, 0.0, 2.0]);
        assert!((stats.skew + 36.0 / libm::pow(10.0, 1.5)).abs() < 1e-12);
        assert!((stats.excess_kurtosis - (2.788 - 3.0)).abs() < 1e-12);
        assert_eq!((stats.worst_day_pct, stats.best_day_pct), (-6.0, 3.0));

        // 40 days: k = 2, VaR the second-worst loss, ES the mean of the two worst.
        let mut days = vec![0.5; 38];
        days.extend([-10.0, -8.0]);
        let stats = ReturnStats::of(&days);
        assert_eq!(stats.var_95_pct, 8.0);
        assert_eq!(stats.es_95_pct, 9.0);
        assert_eq!(stats.worst_day_pct, -10.0);
        assert_eq!(stats.best_day_pct, 0.5);
        // 60 days: k = 3 exactly.
        let mut days = vec![1.0; 57];
        days.extend([-3.0, -2.0, -1.0]);
        assert_eq!(ReturnStats::of(&days).var_95_pct, 1.0);

        assert_eq!(ReturnStats::of(&[]).count, 0);
    }
}
