//! Perpetual funding as a venue computes it, and the build-up before the shock during which a
//! skewed crowd pays it (docs/model.md §8.7; the formula and figures in docs/venues.md).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How the venue computes and charges funding. The rate is computed on an 8-hour basis,
/// `F8 = P + clamp(I - P, -clamp, +clamp)` (P the premium index, I the interest rate), and each
/// interval charges `F8 * interval_h / 8`, capped at `cap_pct` either way. The default is
/// Binance's BTCUSDT perpetual: every 8 hours, interest 0.01%, clamp 0.05%, cap 0.3%.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    /// Hours between funding payments (Binance 8, Hyperliquid and dYdX 1).
    #[serde(default = "default_interval_h")]
    pub interval_h: f64,
    /// Interest rate, percent per 8 hours (0.01 on Binance and Hyperliquid).
    #[serde(default = "default_interest_pct")]
    pub interest_pct: f64,
    /// How far the interest term may pull the rate toward it, percent per 8 hours (0.05).
    #[serde(default = "default_clamp_pct")]
    pub clamp_pct: f64,
    /// Most the rate may be per interval either way, percent (Binance BTCUSDT 0.3, Hyperliquid 4
    /// per hour).
    #[serde(default = "default_cap_pct")]
    pub cap_pct: f64,
}

fn default_interval_h() -> f64 {
    8.0
}

fn default_interest_pct() -> f64 {
    0.01
}

fn default_clamp_pct() -> f64 {
    0.05
}

fn default_cap_pct() -> f64 {
    0.3
}

impl Default for Funding {
    fn default() -> Self {
        Funding {
            interval_h: default_interval_h(),
            interest_pct: default_interest_pct(),
            clamp_pct: default_clamp_pct(),
            cap_pct: default_cap_pct(),
        }
    }
}

impl Funding {
    pub(crate) fn is_default(&self) -> bool {
        *self == Funding::default()
    }

    /// The rate charged per interval, percent of the notional (positive: longs pay shorts), for a
    /// premium index of `premium_pct`.
    pub fn rate_pct(&self, premium_pct: f64) -> f64 {
        let clamp = self.clamp_pct;
        let eight_hour = premium_pct + (self.interest_pct - premium_pct).clamp(-clamp, clamp);
        (eight_hour * self.interval_h / 8.0).clamp(-self.cap_pct, self.cap_pct)
    }
}

/// The hours before the shock: the crowd holds its positions while funding is charged at every
/// interval, at a premium that follows its skew. Positions whose margin funding wears through are
/// liquidated on the way; the shock then meets the crowd as the build-up left it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BuildUp {
    /// Length of the build-up, hours (one funding payment per whole interval in it).
    pub hours: f64,
    /// The premium index (perpetual over index, percent) when all the leveraged open interest is
    /// on one side; the premium is this times the skew, `(long - short) / (long + short)`.
    pub premium_at_full_skew_pct: f64,
}

impl BuildUp {
    /// The premium index, percent, at `skew` in [-1, 1].
    pub fn premium_pct(&self, skew: f64) -> f64 {
        self.premium_at_full_skew_pct * skew
    }

    /// Funding payments in the build-up under `funding`.
    pub fn payments(&self, funding: &Funding) -> u32 {
        // Validation bounds both, so the count is small; `as` saturates anyway.
        libm::floor(self.hours / funding.interval_h + 1e-9) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn binance_rate_is_the_premium_pulled_toward_the_interest_rate_within_the_clamp() {
        let binance = Funding::default();
        // Within 0.05% of the 0.01% interest rate, the rate is the interest rate.
        assert!(close(binance.rate_pct(0.03), 0.01));
        assert!(close(binance.rate_pct(-0.02), 0.01));
        // Further out, the premium less (or plus) the clamp.
        assert!(close(binance.rate_pct(0.2), 0.15));
        assert!(close(binance.rate_pct(-0.1), -0.05));
        // Capped at 0.3% either way.
        assert!(close(binance.rate_pct(1.0), 0.3));
        assert!(close(binance.rate_pct(-1.0), -0.3));
    }

    #[test]
    fn hyperliquid_charges_an_eighth_of_the_eight_hour_rate_every_hour() {
        let hourly = Funding {
            interval_h: 1.0,
            cap_pct: 4.0,
            ..Funding::default()
        };
        assert!(close(hourly.rate_pct(0.2), 0.15 / 8.0));
        assert!(close(hourly.rate_pct(0.0), 0.01 / 8.0));
        // Its 4% an hour cap only binds at a premium of over 32% (an 8-hour rate of 32%).
        assert!(close(hourly.rate_pct(40.0), 4.0));
    }

    #[test]
    fn the_premium_follows_the_skew_and_payments_fit_whole_intervals() {
        let build_up = BuildUp {
            hours: 72.0,
            premium_at_full_skew_pct: 0.4,
        };
        assert!(close(build_up.premium_pct(0.5), 0.2));
        assert!(close(build_up.premium_pct(-1.0), -0.4));
        assert_eq!(build_up.payments(&Funding::default()), 9);
        let short = BuildUp {
            hours: 7.9,
            ..build_up
        };
        assert_eq!(short.payments(&Funding::default()), 0);
    }
}
