//! Auto-deleveraging's work, counted: a throughput cap that sends a bankrupt sliver to ADL every
//! step must not make every step visit the positions ADL leaves alone, nor grow the heaps of
//! moved triggers without bound; and the fast path settles exactly as the reference does.

use flushlab_engine::market::OrderBook;
use flushlab_engine::money::Money;
use flushlab_engine::positions::{PositionTable, StartState};
use flushlab_engine::venue::LiquidationEngine;
use flushlab_engine::Scenario;

const MARK: f64 = 120.0;

/// Shorts at 10x from 100, bankrupt at 110, with the mark at 120 and an empty insurance fund:
/// every step the 1,000 USD cap liquidates a sliver of one of them, and the sliver goes to ADL.
/// On the long side, `winners` positions entered at 90 are in profit; 5,000 entered at 200 are
/// not, and ADL has nothing to do with them.
fn scenario(adl: &str, winners: usize) -> Scenario {
    let winner = r#"{"side": "long", "notional_usd": 1e5, "entry": 90, "leverage": 2}"#;
    let in_loss = r#"{"side": "long", "notional_usd": 1000, "entry": 200, "leverage": 2}"#;
    let bankrupt = r#"{"side": "short", "notional_usd": 1e5, "entry": 100, "leverage": 10}"#;
    let mut positions = vec![winner; winners];
    positions.extend(vec![in_loss; 5_000]);
    positions.extend(vec![bankrupt; 200]);
    Scenario::from_json(&format!(
        r#"{{"version": 1,
            "market": {{"price": 100, "book": {{"profile": "linear", "depth_1pct_usd": 1e9}}}},
            "positions": {{"list": [{}]}},
            "venue": {{"maintenance_margin": 0.005, "liquidation_fee": 0, "insurance_fund_usd": 0,
                       "max_liquidation_usd_per_step": 1000, "adl": "{adl}"}},
            "shock": {{"kind": "instant", "pct": 20}}}}"#,
        positions.join(",")
    ))
    .unwrap()
}

/// One step at the mark: what is crossed is queued, the cap's worth liquidated.
fn step(venue: &mut LiquidationEngine, book: &mut OrderBook) -> String {
    venue.collect_triggered(MARK);
    let orders = venue.take_orders(MARK);
    assert!(!orders.is_empty());
    format!("{:?}", venue.liquidate(&orders, book, MARK))
}

fn book(scenario: &Scenario) -> OrderBook {
    let mut book = OrderBook::new(&scenario.market);
    book.move_top_to(MARK);
    book
}

#[test]
fn queue_adl_visits_the_winners_not_the_positions_in_loss() {
    let scenario = scenario("queue", 20);
    let table = PositionTable::build(&scenario);
    let plain = StartState::plain(&table);
    let mut fast = LiquidationEngine::new(&table, &scenario.venue);
    let mut reference = LiquidationEngine::reference(&table, &scenario.venue, &plain);
    let (mut fast_book, mut reference_book) = (book(&scenario), book(&scenario));
    let mut visited_after_warm_up = 0;
    let mut adl_after_warm_up = Money::ZERO;
    for k in 0..150 {
        if k == 50 {
            visited_after_warm_up = fast.adl_positions_visited();
            adl_after_warm_up = fast.ledger.adl_notional;
        }
        let a = step(&mut fast, &mut fast_book);
        let b = step(&mut reference, &mut reference_book);
        assert_eq!(a, b, "step {k}");
    }
    assert_eq!(
        format!("{:?}", fast.ledger),
        format!("{:?}", reference.ledger)
    );
    // ADL ran in each of the last 100 steps ...
    assert!(fast.ledger.adl_notional > adl_after_warm_up);
    // ... one scan a step (what the winners can take, which is then whom it takes from),
    // visiting the 20 winners, not the 5,000 longs in loss nor the shorts.
    let visited = fast.adl_positions_visited() - visited_after_warm_up;
    assert!(visited <= 100 * 20, "{visited}");
    // The reference looks at every position every time.
    assert!(reference.adl_positions_visited() >= 150 * 5_220);
}

#[test]
fn pro_rata_adl_keeps_its_trigger_heaps_bounded() {
    let winners = 3_000;
    let scenario = scenario("pro_rata", winners);
    let table = PositionTable::build(&scenario);
    let plain = StartState::plain(&table);
    let mut fast = LiquidationEngine::new(&table, &scenario.venue);
    let mut reference = LiquidationEngine::reference(&table, &scenario.venue, &plain);
    let (mut fast_book, mut reference_book) = (book(&scenario), book(&scenario));
    let mut largest = 0;
    for k in 0..200 {
        let a = step(&mut fast, &mut fast_book);
        let b = step(&mut reference, &mut reference_book);
        assert_eq!(a, b, "step {k}");
        largest = largest.max(fast.rearm_heap_len());
    }
    assert_eq!(
        format!("{:?}", fast.ledger),
        format!("{:?}", reference.ledger)
    );
    // Every step trims all 3,000 winners (600,000 moved triggers in all); stale entries are
    // pruned, so a heap holds at most about twice its side's changed positions, or 65,536.
    assert!(largest <= 2 * (1 << 16), "{largest}");
}
