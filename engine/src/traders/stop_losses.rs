//! Stop-loss orders: positions that close themselves with a market order once the last price has
//! moved a set distance against them, before the venue would liquidate them (docs/model.md §8.8).

use std::sync::Arc;

use crate::market::OrderBook;
use crate::positions::PositionTable;
use crate::scenario::{Side, StopLosses as Rules};
use crate::venue::LiquidationEngine;

/// The positions holding a stop, each side in the order the price reaches their stops, and how
/// far the price has gone through them.
pub struct StopLosses {
    members: StopMembers,
    /// How many of each side's stops the price has reached ([`Side::slot`]).
    reached: [usize; 2],
    /// Size closed by stops (USD at entry, or contracts).
    pub notional: f64,
}

/// The positions holding stops for one set of rules and start price, each side in firing order
/// ([`Side::slot`]): longs highest stop first (a falling price reaches them in this order),
/// shorts lowest first. Kept by the table for the next run with the same ones (a drag's reruns).
#[derive(Clone)]
pub struct StopMembers {
    /// The share, the distance and the start price, as bits.
    key: [u64; 3],
    /// Each side's stop over its entry: `1 - d` for longs, `1 + d` for shorts.
    factor: [f64; 2],
    stops: [Arc<[u32]>; 2],
}

/// Whether the position with behaviour draw `draw` holds a stop, for a stop share `share`. The
/// draw's high bits already decide top-ups and de-levering (`draw < share` and
/// `draw >= 1 - share`); its low bits, scaled up, are a second uniform draw independent of them,
/// so holding a stop neither implies nor excludes the other behaviours.
pub fn holds_stop(draw: f64, share: f64) -> bool {
    let low_bits = draw * 1_048_576.0;
    // Its whole part by a cast (exact: it is below 2^20), cheaper than a call to floor.
    low_bits - f64::from(low_bits as u32) < share
}

impl StopLosses {
    /// A stop sits `distance_pct` beyond the entry. One the price at the start of the run
    /// (`start`) is already at or past would have closed its position before the run began, so
    /// that position holds none.
    pub fn new(rules: &Rules, table: &PositionTable, start: f64) -> StopLosses {
        let key = StopMembers::key(rules, start);
        let members = table
            .stop_members
            .copied_if(|kept| kept.key == key)
            .unwrap_or_else(|| {
                let members = StopMembers::find(rules, table, start);
                table.stop_members.put(members.clone());
                members
            });
        StopLosses {
            members,
            reached: [0, 0],
            notional: 0.0,
        }
    }

    /// The stops `last` (the last traded price) has reached since the previous step fire: each
    /// side's open positions among them close in full as one market order into the book (a
    /// position the venue is already liquidating is left to it). Returns the USD the orders sold
    /// net, at their fill prices (negative: bought).
    pub fn step(&mut self, last: f64, book: &mut OrderBook, venue: &mut LiquidationEngine) -> f64 {
        let mut sold_usd = 0.0;
        for side in [Side::Long, Side::Short] {
            let (stops, factor) = (
                &self.members.stops[side.slot()],
                self.members.factor[side.slot()],
            );
            let reached = &mut self.reached[side.slot()];
            let entry = &venue.table.entry;
            let from = *reached;
            while *reached < stops.len() && {
                let stop = entry[stops[*reached] as usize] * factor;
                match side {
                    Side::Long => last <= stop,
                    Side::Short => last >= stop,
                }
            } {
                *reached += 1;
            }
            let fired: Vec<usize> = stops[from..*reached]
                .iter()
                .map(|&i| i as usize)
                .filter(|&i| venue.is_open(i) && !venue.is_pending(i))
                .collect();
            let coins: f64 = fired.iter().map(|&i| venue.coins(i, 1.0, last)).sum();
            if coins <= 0.0 {
                continue;
            }
            let sold = match side {
                Side::Long => coins,
                Side::Short => -coins,
            };
            let fill = book.trade(sold);
            sold_usd += sold * fill;
            for i in fired {
                self.notional += venue.reduce_voluntarily(i, 1.0, fill);
            }
        }
        sold_usd
    }
}

impl StopMembers {
    /// What the members depend on besides the table: the share, the distance, the start price.
    fn key(rules: &Rules, start: f64) -> [u64; 3] {
        [rules.share, rules.distance_pct, start].map(f64::to_bits)
    }

    /// The positions of `table` holding a stop under `rules`, a run starting at `start`. A stop's
    /// order is its entry's, so the table's order by entry (kept across runs) gives the firing
    /// order without a sort of its own.
    fn find(rules: &Rules, table: &PositionTable, start: f64) -> StopMembers {
        let distance = rules.distance_pct / 100.0;
        let factor = [1.0 - distance, 1.0 + distance];
        let lists = table.by_entry();
        let draws = table.draws_by_entry();
        let entry = &table.entry;
        // Longs by entry ascending, shorts descending: a stop still ahead of the start price
        // holds for a prefix of each list, found by binary search. Its members, in firing
        // order, are that prefix reversed, filtered by their draws in one pass.
        let stops = [Side::Long, Side::Short].map(|side| {
            let (list, draws, factor) = (
                &lists[side.slot()],
                &draws[side.slot()],
                factor[side.slot()],
            );
            let ahead = list.partition_point(|&i| {
                let stop = entry[i as usize] * factor;
                match side {
                    Side::Long => stop < start,
                    Side::Short => stop > start,
                }
            });
            (0..ahead)
                .rev()
                .filter(|&k| holds_stop(draws[k], rules.share))
                .map(|k| list[k])
                .collect()
        });
        StopMembers {
            key: StopMembers::key(rules, start),
            factor,
            stops,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traders::examples::{deep_book, scenario};

    fn rules(share: f64, distance_pct: f64) -> Rules {
        Rules {
            share,
            distance_pct,
        }
    }

    #[test]
    fn the_stop_share_is_a_draw_independent_of_the_other_behaviours() {
        // Over a fine grid of draws, a fifth hold a stop, and among the top-up fifth (draw < 0.2)
        // and the de-levering fifth (draw >= 0.8) a fifth too.
        let draws: Vec<f64> = (0..200_000)
            .map(|k| (k as f64 + 0.37) / 200_000.0)
            .collect();
        let share = |set: &[f64]| {
            set.iter().filter(|&&d| holds_stop(d, 0.2)).count() as f64 / set.len() as f64
        };
        let low: Vec<f64> = draws.iter().copied().filter(|&d| d < 0.2).collect();
        let high: Vec<f64> = draws.iter().copied().filter(|&d| d >= 0.8).collect();
        for (name, set) in [
            ("all", &draws[..]),
            ("top-ups", &low),
            ("de-levering", &high),
        ] {
            let got = share(set);
            assert!((got - 0.2).abs() < 0.01, "{name}: {got}");
        }
        assert!(!holds_stop(0.5, 0.0) && holds_stop(0.123_456_7, 1.0));
    }

    #[test]
    fn a_stop_closes_its_position_once_the_price_reaches_it_and_not_before() {
        // A long entered at 100 and a short at 100, both holding stops 5% away; 2x leverage,
        // so the venue would liquidate them only about 50% away.
        let scenario = scenario(&[
            ("long", 10_000.0, 100.0, 2.0),
            ("short", 10_000.0, 100.0, 2.0),
        ]);
        let table = crate::positions::PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut book = deep_book();
        let mut stops = StopLosses::new(&rules(1.0, 5.0), &table, 100.0);
        let long = (0..table.len())
            .find(|&i| table.side[i] == Side::Long)
            .unwrap();
        let short = 1 - long;

        stops.step(95.01, &mut book, &mut venue);
        assert!(venue.is_open(long) && venue.is_open(short), "not yet");
        assert_eq!(stops.notional, 0.0);

        let sold = stops.step(95.0, &mut book, &mut venue);
        assert!(
            (sold - 10_000.0).abs() < 1.0,
            "100 coins into the deep book at 100: {sold}"
        );
        assert!(!venue.is_open(long), "the long's stop at 95 fired");
        assert!(venue.is_open(short));
        assert!(
            (stops.notional - 10_000.0).abs() < 1e-6,
            "{}",
            stops.notional
        );
        // 100 coins sold into the book.
        assert!(
            (book.consumed() - 100.0).abs() < 1e-6,
            "{}",
            book.consumed()
        );

        // A rise through the short's stop at 105 closes it; the long's stop does not fire twice.
        stops.step(90.0, &mut book, &mut venue);
        stops.step(105.0, &mut book, &mut venue);
        assert!(!venue.is_open(short));
        assert!(
            (stops.notional - 20_000.0).abs() < 1e-6,
            "{}",
            stops.notional
        );
        assert!(book.consumed().abs() < 1e-6, "100 sold, 100 bought back");
    }

    #[test]
    fn a_stop_the_start_price_has_already_passed_is_not_held() {
        // Longs entered at 104 and at 110 with stops 5% away, the run starting at 100: the
        // first's stop (98.8) is ahead, the second's (104.5) would have fired before the run.
        let scenario = scenario(&[
            ("long", 10_000.0, 104.0, 2.0),
            ("long", 10_000.0, 110.0, 2.0),
        ]);
        let table = crate::positions::PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut book = deep_book();
        let mut stops = StopLosses::new(&rules(1.0, 5.0), &table, 100.0);
        let at = |entry: f64| (0..2).find(|&i| table.entry[i] == entry).unwrap();
        stops.step(99.0, &mut book, &mut venue);
        assert!(venue.is_open(at(104.0)) && venue.is_open(at(110.0)));
        stops.step(98.8, &mut book, &mut venue);
        assert!(!venue.is_open(at(104.0)), "its stop at 98.8 fired");
        stops.step(60.0, &mut book, &mut venue);
        assert!(venue.is_open(at(110.0)), "it holds no stop");
    }

    #[test]
    fn without_a_share_nobody_holds_a_stop() {
        let scenario = scenario(&[("long", 10_000.0, 100.0, 2.0)]);
        let table = crate::positions::PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut book = deep_book();
        let mut stops = StopLosses::new(&rules(0.0, 5.0), &table, 100.0);
        stops.step(50.0, &mut book, &mut venue);
        assert!(venue.is_open(0));
        assert_eq!((stops.notional, book.consumed()), (0.0, 0.0));
    }

    #[test]
    fn stops_out_of_range_are_named_by_path_and_absent_stops_are_left_out_of_json() {
        let mut scenario = scenario(&[("long", 10_000.0, 100.0, 2.0)]);
        assert!(!serde_json::to_string(&scenario)
            .unwrap()
            .contains("stop_losses"));
        scenario.traders.stop_losses = Some(rules(1.5, 0.0));
        let error = scenario.validate().unwrap_err();
        let paths: Vec<&str> = error.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "traders.stop_losses.share",
                "traders.stop_losses.distance_pct"
            ]
        );
        scenario.traders.stop_losses = Some(rules(0.1, 5.0));
        assert!(scenario.validate().is_ok());
        let written = serde_json::to_string(&scenario).unwrap();
        assert!(written.contains(r#""stop_losses":{"share":0.1,"distance_pct":5.0}"#));
    }
}
