//! Venue profiles: the documented liquidation rules of real venues' BTC perpetuals, as a
//! [`Venue`] a scenario can take over (its insurance fund, cap and circuit breaker stay the
//! scenario's own). Sources, dates and what is approximated are in docs/venues.md; a profile is
//! here only where the engine's liquidation-price rule is the venue's documented one, which an
//! oracle test per profile holds it to.

use std::sync::OnceLock;

use crate::scenario::edit::clamp_leverage;
use crate::scenario::{
    Adl, AdlRanking, BlockLimits, Clips, Deficits, Funding, MaintenanceMargin, MarginTier,
    MarginValuation, Scenario, Venue,
};

/// One venue's rules.
#[derive(Clone, Debug, PartialEq)]
pub struct VenueProfile {
    /// Id, as links and the CLI name it: "binance".
    pub id: &'static str,
    /// As the app shows it: "Binance USDS-M (BTCUSDT)" (Binance writes "USDⓈ-M", a circled S
    /// that many phones' fonts lack).
    pub name: &'static str,
    /// The date of the documents the figures come from.
    pub as_of: &'static str,
    /// The most leverage the venue lets a position open at (its first tier's; larger positions'
    /// lower caps are not applied): a scenario taken to the profile has none above it.
    pub max_leverage: f64,
    /// Maintenance margin, liquidation fee, partial liquidation, ADL and its ranking, funding;
    /// the insurance fund, the throughput cap and the circuit breaker are not set by a profile.
    pub venue: Venue,
}

/// Every profile, in the app's order (built once).
pub fn venue_profiles() -> &'static [VenueProfile] {
    static PROFILES: OnceLock<Vec<VenueProfile>> = OnceLock::new();
    PROFILES.get_or_init(build_profiles)
}

fn build_profiles() -> Vec<VenueProfile> {
    vec![
        VenueProfile {
            id: "binance",
            name: "Binance USDS-M (BTCUSDT)",
            as_of: "2021-03-18 tiers, 2019 liquidation fee",
            // 125x at the first bracket (to 50,000 USDT).
            max_leverage: 125.0,
            venue: Venue {
                maintenance_margin: tiers(&[
                    (50_000.0, 0.004),
                    (250_000.0, 0.005),
                    (1_000_000.0, 0.01),
                    (10_000_000.0, 0.025),
                    (20_000_000.0, 0.05),
                    (50_000_000.0, 0.1),
                    (100_000_000.0, 0.125),
                    (200_000_000.0, 0.15),
                    (300_000_000.0, 0.25),
                    (500_000_000.0, 0.5),
                ]),
                liquidation_fee: 0.003,
                partial_liquidation: false,
                adl: Adl::Queue,
                adl_ranking: AdlRanking::PnlTimesMarginRatio,
                ..Venue::default()
            },
        },
        VenueProfile {
            id: "hyperliquid",
            name: "Hyperliquid (BTC)",
            as_of: "margin tiers and liquidation docs, 2025-26",
            // BTC's 40x.
            max_leverage: 40.0,
            venue: Venue {
                maintenance_margin: tiers(&[(150_000_000.0, 0.0125), (1e15, 0.025)]),
                liquidation_fee: 0.0,
                // A position of $100k or less goes to the book whole; over it, 20% first, and
                // the rest whole within the 30 s cooldown that clip starts; under 2/3 of
                // maintenance, the liquidator vault takes the position over.
                partial_liquidation: false,
                adl: Adl::Queue,
                adl_ranking: AdlRanking::PriceRatioTimesLeverage,
                // "When a user's account value or isolated position value becomes negative":
                // ADL, not a fund.
                deficits: Deficits::Adl,
                clips: Some(Clips {
                    above_usd: 100_000.0,
                    share: 0.2,
                    cooldown_s: 30.0,
                    backstop_below: Some(2.0 / 3.0),
                }),
                // Hourly, an eighth of the 8-hour rate, capped at 4% an hour.
                funding: Funding {
                    interval_h: 1.0,
                    cap_pct: 4.0,
                    ..Funding::default()
                },
                ..Venue::default()
            },
        },
        VenueProfile {
            id: "bybit",
            name: "Bybit USDT perpetual (BTCUSDT)",
            as_of: "risk-limit tier 1 and liquidation-price help pages, 2024-25",
            // 100x, the first risk-limit tier's.
            max_leverage: 100.0,
            venue: Venue {
                // Only the first risk-limit tier (0.5% up to 2M USDT) was found: every size
                // gets it (docs/venues.md).
                maintenance_margin: MaintenanceMargin::Flat(0.005),
                // LP = entry - (IM - MM) / size: the requirement at the entry value.
                margin_valued_at: MarginValuation::Entry,
                // No clearance fee documented: what is left above bankruptcy goes to the fund,
                // as FlushLab pays it on every venue.
                liquidation_fee: 0.0,
                partial_liquidation: false,
                adl: Adl::Queue,
                // "In order of highest profit and effective leverage use".
                adl_ranking: AdlRanking::PnlTimesLeverage,
                ..Venue::default()
            },
        },
        VenueProfile {
            id: "okx",
            name: "OKX USDT perpetual (BTC-USDT-SWAP)",
            as_of: "position tiers fetched 2026-09-18, fee and margin-ratio help pages 2024-25",
            // 100x, the first position tier's (to 10 BTC).
            max_leverage: 100.0,
            venue: Venue {
                maintenance_margin: okx_btc_usdt_tiers(),
                // The regular taker fee on perpetuals; liquidated once equity is at or below
                // maintenance margin plus this fee on the notional (a margin ratio of 100%).
                liquidation_fee: 0.0005,
                fee_in_trigger: true,
                // OKX reduces positions of tier 3 and up in steps; smaller ones close whole.
                partial_liquidation: false,
                adl: Adl::Queue,
                // Third-party summaries only: profit over margin ratio, the nearest ranking.
                adl_ranking: AdlRanking::PnlTimesMarginRatio,
                ..Venue::default()
            },
        },
        VenueProfile {
            id: "dydx",
            name: "dYdX v4 (BTC-USD)",
            as_of: "v4-chain genesis defaults, 2026-03",
            // 50x: an initial margin of 2%.
            max_leverage: 50.0,
            venue: Venue {
                maintenance_margin: MaintenanceMargin::Flat(0.012),
                liquidation_fee: 0.015,
                // The fillable price: at most SMMR x MMF = 1.5 x 1.2% = 1.8% from the oracle.
                liquidation_band_pct: Some(1.8),
                // Per block (about a second): 10% of a position, at least 1,000 USDC, at most
                // 100,000 USDC per subaccount.
                block_limits: Some(BlockLimits {
                    block_s: 1.0,
                    position_share: 0.1,
                    position_min_usd: 1_000.0,
                    account_max_usd: 100_000.0,
                }),
                partial_liquidation: false,
                adl: Adl::ProRata,
                ..Venue::default()
            },
        },
    ]
}

/// The profile called `id`.
pub fn venue_profile(id: &str) -> Option<&'static VenueProfile> {
    venue_profiles().iter().find(|profile| profile.id == id)
}

impl VenueProfile {
    /// `current` with this profile's rules, keeping its insurance fund, throughput cap and
    /// circuit breaker.
    pub fn applied_to(&self, current: &Venue) -> Venue {
        Venue {
            insurance_fund_usd: current.insurance_fund_usd,
            max_liquidation_usd_per_step: current.max_liquidation_usd_per_step,
            circuit_breaker: current.circuit_breaker.clone(),
            ..self.venue.clone()
        }
    }

    /// `scenario` on this venue: its rules, and every leverage brought within the venue's cap
    /// ([`VenueProfile::max_leverage`], and below the leverage at which a position would open
    /// already liquidatable), as the app and the CLI apply a profile.
    pub fn apply(&self, scenario: &mut Scenario) {
        scenario.venue = self.applied_to(&scenario.venue);
        clamp_leverage(scenario, self.max_leverage);
    }

    /// Whether `venue` has this profile's rules (whatever its fund, cap and breaker).
    pub fn matches(&self, venue: &Venue) -> bool {
        let rules = &self.venue;
        venue.maintenance_margin == rules.maintenance_margin
            && venue.margin_valued_at == rules.margin_valued_at
            && venue.liquidation_fee == rules.liquidation_fee
            && venue.fee_in_trigger == rules.fee_in_trigger
            && venue.partial_liquidation == rules.partial_liquidation
            && venue.adl == rules.adl
            && venue.adl_ranking == rules.adl_ranking
            && venue.deficits == rules.deficits
            && venue.funding == rules.funding
            && venue.clips == rules.clips
            && venue.block_limits == rules.block_limits
            && venue.liquidation_band_pct == rules.liquidation_band_pct
    }
}

fn tiers(bounds: &[(f64, f64)]) -> MaintenanceMargin {
    MaintenanceMargin::Tiered {
        tiers: bounds
            .iter()
            .map(|&(max_notional_usd, rate)| MarginTier::up_to_usd(max_notional_usd, rate))
            .collect(),
        whole_position: false,
    }
}

/// OKX's BTC-USDT-SWAP isolated position tiers, in BTC (contracts of 0.01 BTC), each tier's
/// rate on the whole position: 0.4% to 10 BTC, 0.5% to 50, 0.75% to 200, then 200 BTC and half
/// a point more each tier (99 tiers to 19,400 BTC at 48.75%; the first 64 here, to 12,400 BTC
/// at 31.25%, as many as a scenario holds; larger positions get the last).
fn okx_btc_usdt_tiers() -> MaintenanceMargin {
    let mut tiers = vec![
        MarginTier::up_to_coins(10.0, 0.004),
        MarginTier::up_to_coins(50.0, 0.005),
        MarginTier::up_to_coins(200.0, 0.0075),
    ];
    for step in 1..=61u32 {
        let step = f64::from(step);
        // Whole basis points over 10,000: the rate the published decimal reads as.
        tiers.push(MarginTier::up_to_coins(
            200.0 + 200.0 * step,
            (75.0 + 50.0 * step) / 10_000.0,
        ));
    }
    MaintenanceMargin::Tiered {
        tiers,
        whole_position: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::positions::{size_collateral, MarginSchedule, Terms};
    use crate::scenario::{Contract, Side};

    /// A profile brings every leverage within the venue's documented cap: Hyperliquid's BTC
    /// 40x, dYdX's 50x, not only under the leverage at which a position would open liquidatable.
    #[test]
    fn a_profile_caps_leverage_at_the_venues_documented_maximum() {
        let base = crate::presets::find("fund-drained-adl")
            .expect("preset")
            .scenario;
        for profile in venue_profiles() {
            let mut scenario = base.clone();
            profile.apply(&mut scenario);
            let crate::scenario::Positions::Generate(population) = &scenario.positions else {
                panic!("generated");
            };
            let most = population
                .leverage_buckets
                .iter()
                .map(|bucket| bucket.max)
                .fold(0.0, f64::max);
            assert!(most <= profile.max_leverage, "{}: {most}", profile.id);
            scenario.validate().expect("valid");
        }
        let cap = |id: &str| venue_profile(id).map(|profile| profile.max_leverage);
        assert_eq!(cap("hyperliquid"), Some(40.0));
        assert_eq!(cap("dydx"), Some(50.0));
    }

    /// The liquidation price the engine gives an isolated long of 1 BTC at 60,000 and 20x on
    /// `profile`'s rules.
    fn engine_long_1_btc_20x(profile: &str) -> f64 {
        let venue = &venue_profile(profile).expect("a profile").venue;
        let (entry, size, leverage) = (60_000.0, 60_000.0, 20.0);
        let terms = Terms {
            contract: Contract::Linear,
            side: Side::Long,
            entry,
            size,
            collateral: size_collateral(Contract::Linear, size, entry, leverage),
        };
        let (rate, deduction) = MarginSchedule::of_venue(venue).maintenance_for(size, entry);
        terms.liquidation_price(rate, deduction)
    }

    /// Binance's isolated one-way formula, LP = (WB + cum - Pos x EP) / (Pos x MMR - Pos), at
    /// tier 2 (50k-250k: MMR 0.5%, maintenance amount 50): (3,000 + 50 - 60,000) / (0.005 - 1).
    #[test]
    fn binance_liquidates_the_20x_long_where_its_formula_does() {
        let hand: f64 = (3_000.0 + 50.0 - 60_000.0) / (0.005 - 1.0);
        assert!((hand - 57_236.18).abs() < 0.005);
        assert!((engine_long_1_btc_20x("binance") - hand).abs() < 1e-6);
    }

    /// Hyperliquid: liq = price - side x margin_available / size / (1 - l x side), with
    /// margin_available = 3,000 - 750 (1.25% of 60,000) and l = 1/80 (maintenance leverage, half
    /// the 40x maximum): 60,000 - 2,250 / 0.9875.
    #[test]
    fn hyperliquid_liquidates_the_20x_long_where_its_formula_does() {
        let hand: f64 = 60_000.0 - (3_000.0 - 750.0) / (1.0 - 1.0 / 80.0);
        assert!((hand - 57_721.52).abs() < 0.005);
        assert!((engine_long_1_btc_20x("hyperliquid") - hand).abs() < 1e-6);
    }

    /// Bybit (isolated, USDT contract): LP = entry - (IM - MM) / size, with IM = 60,000 / 20 =
    /// 3,000 and MM = 60,000 x 0.5% = 300 at the entry value: 60,000 - 2,700. (Valued at the
    /// liquidation price, as the other venues do, it would be 57,286.43.)
    #[test]
    fn bybit_liquidates_the_20x_long_where_its_formula_does() {
        let hand: f64 = 60_000.0 - (3_000.0 - 300.0) / 1.0;
        assert_eq!(hand, 57_300.0);
        assert!((engine_long_1_btc_20x("bybit") - hand).abs() < 1e-6);
    }

    /// Bybit's own worked example: long 1 BTC at 20,000 and 50x, MMR 0.5%: IM 400, MM 100,
    /// LP 19,700; and a short the other way, 20,300.
    #[test]
    fn bybit_s_worked_example_and_its_short() {
        let venue = &venue_profile("bybit").expect("a profile").venue;
        let schedule = MarginSchedule::of_venue(venue);
        let (rate, deduction) = schedule.maintenance_for(20_000.0, 20_000.0);
        for (side, hand) in [(Side::Long, 19_700.0), (Side::Short, 20_300.0)] {
            let terms = Terms {
                contract: Contract::Linear,
                side,
                entry: 20_000.0,
                size: 20_000.0,
                collateral: size_collateral(Contract::Linear, 20_000.0, 20_000.0, 50.0),
            };
            let engine = terms.liquidation_price(rate, deduction);
            assert!(
                (engine - hand).abs() < 1e-6,
                "{side:?}: {engine} against {hand}"
            );
        }
    }

    /// OKX (isolated): liquidated at a margin ratio of 100%, equity = maintenance margin plus the
    /// liquidation (taker) fee, both on the notional at the price: 3,000 + (P - 60,000) =
    /// (0.4% + 0.05%) P, tier 1 (1 BTC, up to 10): P = 57,000 / 0.9955.
    #[test]
    fn okx_liquidates_the_20x_long_where_its_margin_ratio_reaches_100_pct() {
        let hand: f64 = (60_000.0 - 3_000.0) / (1.0 - 0.004 - 0.0005);
        assert!((hand - 57_257.66).abs() < 0.005);
        assert!((engine_long_1_btc_20x("okx") - hand).abs() < 1e-6);
    }

    /// OKX's tiers are sizes in BTC and each tier's rate is on the whole position (no
    /// maintenance amount): 20 BTC at 60,000 and 20x is tier 2 (10-50 BTC, 0.5%) whatever the
    /// price: 60,000 + 20 (P - 60,000) = 0.55% x 20 P, P = 1,140,000 / (20 x 0.9945); at 10 BTC
    /// exactly, tier 1; at 10.01, tier 2; at 300 BTC, tier 4 (1.25%).
    #[test]
    fn okx_tiers_are_in_btc_and_charge_the_whole_position() {
        let venue = &venue_profile("okx").expect("a profile").venue;
        let schedule = MarginSchedule::of_venue(venue);
        let (entry, coins) = (60_000.0, 20.0);
        let size = coins * entry;
        let terms = Terms {
            contract: Contract::Linear,
            side: Side::Long,
            entry,
            size,
            collateral: size_collateral(Contract::Linear, size, entry, 20.0),
        };
        let (rate, deduction) = schedule.maintenance_for(size, entry);
        assert_eq!(deduction, 0.0);
        let hand: f64 = 1_140_000.0 / (20.0 * (1.0 - 0.0055));
        assert!((hand - 57_315.23).abs() < 0.005);
        assert!((terms.liquidation_price(rate, deduction) - hand).abs() < 1e-6);
        // The same 20 BTC entered at a tenth of the price is the same tier.
        assert_eq!(schedule.tier_for(size / 10.0, entry / 10.0), (rate, 0.0));
        let rate_at = |coins: f64| schedule.tier_for(coins * entry, entry).0 - 0.0005;
        assert!((rate_at(10.0) - 0.004).abs() < 1e-12);
        assert!((rate_at(10.01) - 0.005).abs() < 1e-12);
        assert!((rate_at(300.0) - 0.0125).abs() < 1e-12);
        assert!((rate_at(12_400.0) - 0.3125).abs() < 1e-12);
        assert!(
            (rate_at(1e6) - 0.3125).abs() < 1e-12,
            "past the last tier: the last"
        );
    }

    /// dYdX v4: p' = (e - s p) / (|s| MMF - s), with e = 3,000 of equity at p = 60,000, s = 1
    /// and MMF = 2% initial x 60% = 1.2%: (3,000 - 60,000) / (0.012 - 1).
    #[test]
    fn dydx_liquidates_the_20x_long_where_its_formula_does() {
        let hand: f64 = (3_000.0 - 60_000.0) / (0.012 - 1.0);
        assert!((hand - 57_692.31).abs() < 0.005);
        assert!((engine_long_1_btc_20x("dydx") - hand).abs() < 1e-6);
    }

    #[test]
    fn a_profile_keeps_the_scenarios_fund_cap_and_breaker() {
        let current = Venue {
            insurance_fund_usd: 1e9,
            max_liquidation_usd_per_step: Some(5e6),
            liquidation_fee: 0.5,
            ..Venue::default()
        };
        for profile in venue_profiles() {
            let applied = profile.applied_to(&current);
            assert_eq!(applied.insurance_fund_usd, 1e9);
            assert_eq!(applied.max_liquidation_usd_per_step, Some(5e6));
            assert_eq!(applied.liquidation_fee, profile.venue.liquidation_fee);
            assert!(profile.matches(&applied) && !profile.matches(&current));
        }
    }

    #[test]
    fn every_profile_is_a_valid_venue() {
        let base = crate::presets::find("calm-market")
            .expect("a preset")
            .scenario;
        for profile in venue_profiles() {
            let mut scenario = base.clone();
            // Leverage the venue allows: the calm market's buckets reach 100x.
            profile.apply(&mut scenario);
            scenario
                .validate()
                .unwrap_or_else(|e| panic!("{}: {e}", profile.id));
        }
    }
}
