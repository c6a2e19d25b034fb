//! The build-up before the shock (docs/model.md §8.7): funding charged at every interval at a
//! premium that follows the crowd's skew, and the positions it wears through liquidated on the
//! way. The price holds at the start price: the build-up is about margin, not moves, so its
//! liquidations fill on a book that has refilled since the last payment (a fresh copy of the
//! start book each time) and leave no trace on the price the shock starts from.

use std::sync::Mutex;

use crate::market::OrderBook;
use crate::outcome::{BuildUpReport, FundingPayment, LiquidationMap};
use crate::positions::PositionTable;
use crate::scenario::{BuildUp, Funding, Market, Scenario, Venue};
use crate::solve::timeline::liquidation_map_now;
use crate::venue::{LiquidationEngine, Snapshot, StepLiquidations};

/// What a build-up leaves besides the venue's state: its report, and the open interest and
/// liquidation map as it left the positions (the flush's "before").
#[derive(Clone)]
pub struct Aftermath {
    pub report: BuildUpReport,
    pub open_interest: (Vec<f64>, Vec<f64>),
    pub map: LiquidationMap,
}

/// Runs `scenario`'s build-up (`rules`) on `venue` (an engine on `table` under the scenario's
/// venue rules, its step length set), or, when the table saved what the same build-up left the
/// last time, starts from that: the build-up reads the market, the venue's rules, its own rules
/// and the step length, never the shock, so a shock drag's runs all share one.
pub fn run_or_resume<'a>(
    rules: &BuildUp,
    scenario: &'a Scenario,
    table: &'a PositionTable,
    mut venue: LiquidationEngine<'a>,
    book: &OrderBook,
) -> (LiquidationEngine<'a>, Aftermath) {
    let reusable = venue.takes_shortcuts();
    if reusable {
        if let Some((venue, aftermath)) = table.built_up.resume(scenario, rules, table) {
            return (venue, aftermath);
        }
    }
    let start = scenario.market.price;
    let report = run(rules, &scenario.venue.funding, &mut venue, book, start);
    let aftermath = Aftermath {
        report,
        open_interest: venue.open_by_bucket(),
        map: liquidation_map_now(&venue, start),
    };
    if reusable {
        table.built_up.save(Saved {
            key: Key {
                market: scenario.market.clone(),
                venue: scenario.venue.clone(),
                rules: rules.clone(),
                step_s: scenario.run.step_s,
            },
            venue: venue.snapshot(),
            aftermath: aftermath.clone(),
        });
    }
    (venue, aftermath)
}

/// What a build-up's result depends on.
#[derive(Clone)]
struct Key {
    market: Market,
    venue: Venue,
    rules: BuildUp,
    step_s: f64,
}

impl Key {
    /// Whether `scenario`'s build-up (`rules`) is this one (compared in place: a lookup runs
    /// on every run of a drag, and copies nothing).
    fn holds_for(&self, scenario: &Scenario, rules: &BuildUp) -> bool {
        self.step_s == scenario.run.step_s
            && self.rules == *rules
            && self.market == scenario.market
            && self.venue == scenario.venue
    }
}

/// A build-up's result saved for the next run on the same population.
#[derive(Clone)]
struct Saved {
    key: Key,
    venue: Snapshot,
    aftermath: Aftermath,
}

/// The last build-up run on a population, kept on its table ([`PositionTable`]): a memo, not part
/// of the table's value (a clone starts with a copy, equality ignores it); a rescaled table starts
/// without.
#[derive(Default)]
pub struct BuiltUp(Mutex<Option<Saved>>);

impl BuiltUp {
    /// The engine and aftermath saved for `scenario`'s build-up (`rules`), if that is what was
    /// saved.
    fn resume<'a>(
        &self,
        scenario: &'a Scenario,
        rules: &BuildUp,
        table: &'a PositionTable,
    ) -> Option<(LiquidationEngine<'a>, Aftermath)> {
        let slot = self.0.lock().ok()?;
        let saved = slot
            .as_ref()
            .filter(|saved| saved.key.holds_for(scenario, rules))?;
        Some((
            LiquidationEngine::resume(table, &scenario.venue, &saved.venue),
            saved.aftermath.clone(),
        ))
    }

    fn save(&self, saved: Saved) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(saved);
        }
    }

    fn saved(&self) -> Option<Saved> {
        self.0.lock().ok().and_then(|slot| slot.clone())
    }
}

impl Clone for BuiltUp {
    fn clone(&self) -> BuiltUp {
        BuiltUp(Mutex::new(self.saved()))
    }
}

impl PartialEq for BuiltUp {
    fn eq(&self, _: &BuiltUp) -> bool {
        true
    }
}

impl std::fmt::Debug for BuiltUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BuiltUp(memo)")
    }
}

/// Runs the build-up on `venue` at `price`, with liquidations filled on copies of `book`.
/// Afterwards the venue's liquidation counters start again from zero, so the run's summary counts
/// the flush; the build-up's own are in the report. The ledger spans both.
pub fn run(
    rules: &BuildUp,
    funding: &Funding,
    venue: &mut LiquidationEngine,
    book: &OrderBook,
    price: f64,
) -> BuildUpReport {
    let payments = rules.payments(funding);
    let (long_open_start_usd, short_open_start_usd) = open_by_side(venue);
    let mut report = BuildUpReport {
        hours: rules.hours,
        long_open_start_usd,
        short_open_start_usd,
        payments: Vec::with_capacity(payments as usize),
        long_paid_usd: 0.0,
        short_paid_usd: 0.0,
        liquidated_long_usd: 0.0,
        liquidated_short_usd: 0.0,
        liquidated_count_long: 0,
        liquidated_count_short: 0,
    };
    let (mut long_open, mut short_open) = (long_open_start_usd, short_open_start_usd);
    for k in 1..=payments {
        let total = long_open + short_open;
        let skew = if total > 0.0 {
            (long_open - short_open) / total
        } else {
            0.0
        };
        let premium_pct = rules.premium_pct(skew);
        let rate_pct = funding.rate_pct(premium_pct);
        let (long_paid, short_paid) = venue.charge_funding(rate_pct / 100.0, price);
        let t_h = f64::from(k) * funding.interval_h - rules.hours;
        // A payment at the shock's moment: the positions it pushes under maintenance are the
        // flush's to liquidate (they stay queued), on the live book, in its first step.
        let liquidated = if t_h < -1e-9 {
            let mut refilled = book.clone();
            venue.set_band_room(&refilled, price);
            let orders = venue.take_orders(price);
            venue.liquidate(&orders, &mut refilled, price)
        } else {
            StepLiquidations::default()
        };
        (long_open, short_open) = open_by_side(venue);
        report.long_paid_usd += long_paid;
        report.short_paid_usd += short_paid;
        report.liquidated_long_usd += liquidated.long_fill_usd;
        report.liquidated_short_usd += liquidated.short_fill_usd;
        report.payments.push(FundingPayment {
            t_h,
            skew,
            premium_pct,
            rate_pct,
            long_paid_usd: long_paid,
            short_paid_usd: short_paid,
            liquidated_long_usd: liquidated.long_fill_usd,
            liquidated_short_usd: liquidated.short_fill_usd,
            long_open_usd: long_open,
            short_open_usd: short_open,
        });
    }
    venue.file_triggers();
    report.liquidated_count_long = std::mem::take(&mut venue.liquidated_count_long);
    report.liquidated_count_short = std::mem::take(&mut venue.liquidated_count_short);
    venue.liquidated_fill_usd_long = 0.0;
    venue.liquidated_fill_usd_short = 0.0;
    venue.partial_liquidations = 0;
    report
}

/// Open interest (longs, shorts), as the run counts it.
fn open_by_side(venue: &LiquidationEngine) -> (f64, f64) {
    let (longs, shorts) = venue.open_by_bucket();
    (longs.iter().sum(), shorts.iter().sum())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::OrderBook;
    use crate::positions::PositionTable;
    use crate::scenario::Side;
    use crate::solve::timeline;
    use crate::traders::examples::scenario;

    fn rules(hours: f64) -> BuildUp {
        BuildUp {
            hours,
            premium_at_full_skew_pct: 0.4,
        }
    }

    #[test]
    fn a_table_with_a_saved_build_up_can_still_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<PositionTable>();
    }

    #[test]
    fn each_payment_charges_every_position_its_notional_times_the_rate_exactly() {
        // Three longs and one short at the start price: skew (3 - 1) / 4 = 0.5, premium 0.2%,
        // rate 0.15% per 8 hours; nothing moves the skew, so every payment is the same.
        let scenario = scenario(&[
            ("long", 10_000.0, 100.0, 5.0),
            ("long", 10_000.0, 100.0, 5.0),
            ("long", 10_000.0, 100.0, 5.0),
            ("short", 10_000.0, 100.0, 5.0),
        ]);
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let book = OrderBook::new(&scenario.market);
        let funding = Funding::default();
        let report = run(&rules(24.0), &funding, &mut venue, &book, 100.0);
        assert_eq!(report.payments.len(), 3);
        for payment in &report.payments {
            assert!((payment.skew - 0.5).abs() < 1e-12);
            assert!((payment.rate_pct - 0.15).abs() < 1e-12);
            assert_eq!(payment.long_paid_usd, 45.0, "3 x 10,000 x 0.15%");
            assert_eq!(payment.short_paid_usd, -15.0);
        }
        assert_eq!(
            (report.long_paid_usd, report.short_paid_usd),
            (135.0, -45.0)
        );
        for i in 0..4 {
            // Three payments of 15 each: paid by every long, received by the short.
            let expected = if table.side[i] == Side::Long {
                2_000.0 - 45.0
            } else {
                2_000.0 + 45.0
            };
            assert_eq!(venue.collateral_f(i), expected);
        }
        assert_eq!(venue.ledger.funding.to_f64(), 90.0, "net, to the market");
    }

    #[test]
    fn funding_moves_the_payers_liquidation_price_toward_the_price_and_wears_the_thinnest_through()
    {
        // A 50x long (2% margin, 0.5% maintenance) loses 0.15% of notional a payment: after ten
        // payments its margin is gone below maintenance. A 5x long only moves closer.
        let scenario = scenario(&[
            ("long", 10_000.0, 100.0, 50.0),
            ("long", 10_000.0, 100.0, 5.0),
            ("long", 10_000.0, 100.0, 5.0),
            ("short", 10_000.0, 100.0, 5.0),
        ]);
        let table = PositionTable::build(&scenario);
        let thin = (0..4).find(|&i| table.leverage[i] == 50.0).unwrap();
        let wide = (0..4)
            .find(|&i| table.leverage[i] == 5.0 && table.side[i] == Side::Long)
            .unwrap();
        let before = table.liquidation_price[wide];
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let book = OrderBook::new(&scenario.market);
        let report = run(&rules(96.0), &Funding::default(), &mut venue, &book, 100.0);
        assert!(!venue.is_open(thin), "worn through");
        assert_eq!(report.liquidated_count_long, 1);
        // At the fill: its $10,000 at entry sold a little under the entry price of 100.
        let liquidated = report.liquidated_long_usd;
        assert!((9_990.0..10_000.0).contains(&liquidated), "{liquidated}");
        assert!(
            venue.trigger(wide) > before,
            "{} > {before}",
            venue.trigger(wide)
        );
        // The skew fell with it: a smaller premium, a smaller rate.
        let last = report.payments.last().unwrap();
        assert!(last.skew < report.payments[0].skew);
        assert!(last.rate_pct < report.payments[0].rate_pct);
        // The flush's summary counts the flush only.
        assert_eq!(venue.liquidated_count_long, 0);
    }

    #[test]
    fn a_payment_at_the_shock_leaves_its_liquidations_to_the_flush_and_money_balances() {
        // Skew 0.5: 15 USD a payment from each long. The 40x long's 250 of margin falls under
        // its 50 of maintenance at the fourteenth payment (210 paid), at the shock.
        let mut scenario = scenario(&[
            ("long", 10_000.0, 100.0, 40.0),
            ("long", 10_000.0, 100.0, 5.0),
            ("long", 10_000.0, 100.0, 5.0),
            ("short", 10_000.0, 100.0, 5.0),
        ]);
        scenario.shock.pct = 0.0;
        scenario.build_up = Some(rules(112.0));
        let table = PositionTable::build(&scenario);
        let outcome = timeline::run(&scenario, &table);
        let report = outcome.build_up.as_ref().unwrap();
        assert_eq!(report.payments.last().unwrap().t_h, 0.0);
        assert_eq!(report.liquidated_count_long, 0);
        assert_eq!(
            outcome.summary.liquidated_count_long, 1,
            "liquidated by the flush"
        );
        assert!(outcome.ledger.balanced, "{:?}", outcome.ledger);
        assert!(outcome.ledger.funding > rust_decimal::Decimal::ZERO);
        // Without the build-up nothing happens at all.
        scenario.build_up = None;
        let quiet = timeline::run(&scenario, &PositionTable::build(&scenario));
        assert_eq!(quiet.summary.liquidated_count_long, 0);
    }

    #[test]
    fn the_liquidation_map_of_untouched_positions_is_the_tables() {
        let scenario: crate::scenario::Scenario =
            crate::presets::find("calm-market").unwrap().scenario;
        let table = PositionTable::build(&scenario);
        let venue = LiquidationEngine::new(&table, &scenario.venue);
        let price = scenario.market.price;
        let from_table = timeline::liquidation_map(&table, price);
        let now = timeline::liquidation_map_now(&venue, price);
        for (a, b) in from_table
            .long_usd
            .iter()
            .flatten()
            .zip(now.long_usd.iter().flatten())
            .chain(
                from_table
                    .short_usd
                    .iter()
                    .flatten()
                    .zip(now.short_usd.iter().flatten()),
            )
        {
            assert!((a - b).abs() <= 1e-9 * a.abs().max(1.0), "{a} vs {b}");
        }
    }
}
