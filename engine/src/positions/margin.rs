//! Margin: maintenance-margin tiers, a position's terms and the liquidation and bankruptcy
//! prices they fix, and the initial collateral and closing size of a position.

use crate::money;
use crate::scenario::{Contract, MaintenanceMargin, MarginTier, MarginValuation, Side, Venue};

/// Maintenance margin as a function of notional: `MM = notional * rate - deduction`, with the
/// deduction that makes the requirement continuous across tiers (Binance USDS-M:
/// deduction_n = floor_n * (rate_n - rate_{n-1}) + deduction_{n-1}), or none when each tier's
/// rate applies to the whole position (OKX). A venue that puts its liquidation fee into the
/// trigger (OKX) has it added to every tier's rate as it is read: the requirement the position
/// is liquidated at.
#[derive(Clone, Debug, PartialEq)]
pub struct MarginSchedule {
    /// (upper bound, rate, deduction), ascending.
    tiers: Vec<(f64, f64, f64)>,
    /// Whether the bounds are sizes in coins (OKX) rather than notionals.
    in_coins: bool,
    /// Whether a position's requirement is fixed at its entry notional (Bybit).
    at_entry: bool,
    /// The liquidation fee rate added to every tier's rate, when the fee is part of the trigger
    /// (OKX); 0 otherwise.
    trigger_fee: f64,
}

impl MarginSchedule {
    pub fn new(margin: &MaintenanceMargin) -> MarginSchedule {
        match margin {
            MaintenanceMargin::Flat(rate) => MarginSchedule {
                tiers: vec![(f64::INFINITY, *rate, 0.0)],
                in_coins: false,
                at_entry: false,
                trigger_fee: 0.0,
            },
            MaintenanceMargin::Tiered {
                tiers,
                whole_position,
            } => MarginSchedule::from_tiers(tiers, *whole_position),
        }
    }

    /// The schedule a venue liquidates at: its maintenance margin, valued as it says, with the
    /// liquidation fee added when the fee is part of the trigger.
    pub fn of_venue(venue: &Venue) -> MarginSchedule {
        MarginSchedule {
            trigger_fee: if venue.fee_in_trigger {
                venue.liquidation_fee
            } else {
                0.0
            },
            ..MarginSchedule::new(&venue.maintenance_margin).valued_at(venue.margin_valued_at)
        }
    }

    /// The liquidation fee rate [`Self::tier_for`] adds to the tier's (0 unless it is part of
    /// the trigger).
    pub fn trigger_fee(&self) -> f64 {
        self.trigger_fee
    }

    fn from_tiers(tiers: &[MarginTier], whole_position: bool) -> MarginSchedule {
        let mut out = Vec::with_capacity(tiers.len());
        let (mut floor, mut previous_rate, mut deduction) = (0.0, 0.0, 0.0);
        let mut in_coins = false;
        for tier in tiers {
            // A validated table gives every bound the same way.
            let (bound, coins) = tier.bound().unwrap_or((f64::INFINITY, false));
            in_coins = coins;
            if !whole_position {
                deduction += floor * (tier.rate - previous_rate);
            }
            out.push((bound, tier.rate, deduction));
            floor = bound;
            previous_rate = tier.rate;
        }
        MarginSchedule {
            tiers: out,
            in_coins,
            at_entry: false,
            trigger_fee: 0.0,
        }
    }

    /// The schedule with its requirements valued as `valuation` says.
    pub fn valued_at(self, valuation: MarginValuation) -> MarginSchedule {
        MarginSchedule {
            at_entry: valuation == MarginValuation::Entry,
            ..self
        }
    }

    /// The highest rate of any tier (the schedule's steepest slope in notional).
    pub fn max_rate(&self) -> f64 {
        self.tiers.iter().map(|tier| tier.1).fold(0.0, f64::max)
    }

    pub fn is_flat(&self) -> bool {
        self.tiers.len() == 1
    }

    /// A position's maintenance margin as (rate, deduction) of its notional at the price it is
    /// valued at, `size` its size at entry (USD; contracts for inverse) and `entry` its entry
    /// price: its tier's, or, valued at entry, a requirement fixed at `size x rate -
    /// deduction`, which is rate 0 and the negative of that as the deduction (so every formula
    /// written for `notional x rate - deduction` at the mark holds it fixed).
    pub fn maintenance_for(&self, size: f64, entry: f64) -> (f64, f64) {
        self.valued(self.tier_for(size, entry), size)
    }

    /// A tier's (rate, deduction) for a position of `size` at entry, as [`Self::maintenance_for`]
    /// values it.
    pub fn valued(&self, (rate, deduction): (f64, f64), size: f64) -> (f64, f64) {
        if self.at_entry {
            (0.0, deduction - rate * size)
        } else {
            (rate, deduction)
        }
    }

    /// (rate, deduction USD) a position of notional `size` (USD; contracts for inverse) valued
    /// at `price` is liquidated at: its tier's ([`Self::maintenance_tier`]), with the fee when
    /// it is part of the trigger.
    pub fn tier_for(&self, size: f64, price: f64) -> (f64, f64) {
        let (rate, deduction) = self.maintenance_tier(size, price);
        (rate + self.trigger_fee, deduction)
    }

    /// (rate, deduction USD) of the maintenance tier of a position of notional `size` valued at
    /// `price`: found by that notional, or by its coins, `size / price`, when the tiers are in
    /// coins.
    pub fn maintenance_tier(&self, size: f64, price: f64) -> (f64, f64) {
        let measure = if self.in_coins { size / price } else { size };
        let tier = self
            .tiers
            .iter()
            .find(|tier| measure <= tier.0)
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
#[inline]
pub fn crossed(side: Side, mark: f64, trigger: f64) -> bool {
    match side {
        Side::Long => mark <= trigger,
        Side::Short => mark >= trigger,
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
    fn binance_tiers_get_continuous_deductions() {
        let tiers = vec![
            MarginTier::up_to_usd(50_000.0, 0.004),
            MarginTier::up_to_usd(250_000.0, 0.005),
            MarginTier::up_to_usd(1_000_000.0, 0.01),
        ];
        let schedule = MarginSchedule::new(&MaintenanceMargin::Tiered {
            tiers,
            whole_position: false,
        });
        // Notional tiers do not depend on the price.
        assert_eq!(schedule.tier_for(10_000.0, 1.0), (0.004, 0.0));
        assert_eq!(schedule.tier_for(10_000.0, 60_000.0), (0.004, 0.0));
        let (rate, deduction) = schedule.tier_for(100_000.0, 60_000.0);
        assert_eq!(rate, 0.005);
        assert!((deduction - 50.0).abs() < 1e-9);
        let (_, deduction) = schedule.tier_for(500_000.0, 60_000.0);
        assert!((deduction - 1300.0).abs() < 1e-9);
        // Continuous at the boundary: 50k * 0.4% = 200 = 50k * 0.5% - 50.
        assert!((50_000.0 * 0.005 - 50.0 - 200.0f64).abs() < 1e-9);
    }

    /// Valued at entry, an inverse long: BitMEX's XBTUSD margin identity with maintenance on the
    /// position's cost (docs/venues.md): 60,000 contracts at 60,000 are worth 1 XBT; at 20x the
    /// margin is 0.05 XBT and maintenance 0.5% of the cost, 0.005 XBT; the long is liquidated
    /// where `IM + Qty (1/EP - 1/P) = MM`: P = 60,000 / (1 + 0.05 - 0.005); a short the other
    /// way, P = 60,000 / (1 - 0.05 + 0.005). Valued at the price, 60,000 x 1.005 / 1.05.
    #[test]
    fn an_inverse_position_valued_at_entry_keeps_its_cost_s_requirement() {
        let flat = MarginSchedule::new(&MaintenanceMargin::Flat(0.005));
        let at_entry = flat.clone().valued_at(MarginValuation::Entry);
        let (entry, contracts) = (60_000.0, 60_000.0);
        let terms = |side| Terms {
            contract: Contract::Inverse,
            side,
            entry,
            size: contracts,
            collateral: size_collateral(Contract::Inverse, contracts, entry, 20.0),
        };
        let (rate, deduction) = at_entry.maintenance_for(contracts, entry);
        let long = terms(Side::Long).liquidation_price(rate, deduction);
        assert!((long - 60_000.0 / 1.045).abs() < 1e-6, "{long}");
        assert!((long - 57_416.27).abs() < 0.005);
        let short = terms(Side::Short).liquidation_price(rate, deduction);
        assert!((short - 60_000.0 / 0.955).abs() < 1e-6, "{short}");
        let (rate, deduction) = flat.maintenance_for(contracts, entry);
        let at_price = terms(Side::Long).liquidation_price(rate, deduction);
        assert!(
            (at_price - 60_000.0 * 1.005 / 1.05).abs() < 1e-6,
            "{at_price}"
        );
    }
}
