//! The record: how far recorded flushes went, against which a run's magnitudes are read. The
//! presets are held inside it by a test (`tests/envelopes.rs`, unless a preset is a thought
//! experiment), and the app tells a reader whose run went past it (a thinner book or a more levered
//! crowd than any market has carried), so a price that falls 100% is never shown as if a market
//! could do it.
//!
//! Each bound is the record plus a margin for what the model leaves out (a run a little past the
//! record is not flagged): the deepest recorded fall is BitMEX's XBTUSD perpetual, -51% from $7,353
//! to $3,596 over 16 hours on 2020-03-12/13 (docs/presets.md), and no recorded squeeze of a major
//! coin's perpetual came near it the other way. Only the price is read here: the share of open
//! interest liquidated has no one record to hold a run against (BitMEX liquidated more than its
//! whole XBTUSD open interest over those two days, as positions reopened and were liquidated
//! again, against about 20% of BTC's across venues on 2021-05-19).

use crate::Outcome;

/// The deepest recorded fall, percent (BitMEX's XBTUSD, 2020-03-12/13).
pub const DEEPEST_FALL_PCT: f64 = 51.0;
/// A run's fall or rise past this is past the record (the deepest fall and a margin).
pub const MOVE_BOUND_PCT: f64 = 55.0;
/// A measure of a run that went past the record, with the run's value (percent).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PastTheRecord {
    /// The price fell this far from its start.
    Fall(f64),
    /// The price rose this far above its start.
    Rise(f64),
}

/// What in a run that gave `outcome` went past the record (empty: nothing did). Read on every
/// outcome of a drag: the summary's two moves, nothing summed.
pub fn past_the_record(outcome: &Outcome) -> Vec<PastTheRecord> {
    let summary = &outcome.summary;
    past_the_record_by_moves(summary.max_drawdown_pct, summary.max_rise_pct)
}

/// What of a run's deepest fall and highest rise from its start (percent, both positive) went past
/// the record: the same reading for a market of a system, whose path is all there is of it.
pub fn past_the_record_by_moves(fall: f64, rise: f64) -> Vec<PastTheRecord> {
    let mut past = Vec::new();
    if fall > MOVE_BOUND_PCT {
        past.push(PastTheRecord::Fall(fall));
    }
    if rise > MOVE_BOUND_PCT {
        past.push(PastTheRecord::Rise(rise));
    }
    past
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Parameter;
    use crate::{presets, simulate};

    #[test]
    fn the_default_is_inside_the_record_and_a_thin_book_under_it_is_not() {
        let scenario = presets::default_scenario();
        let outcome = simulate(&scenario).unwrap();
        assert_eq!(past_the_record(&outcome), vec![]);

        // The app's default crowd on a $50M book hit by a 7.5% fall (the app's share-link test):
        // the price falls to its floor.
        let mut thin = scenario.clone();
        Parameter::DepthUsd.apply(&mut thin, 50e6, 0.0).unwrap();
        Parameter::ShockPct.apply(&mut thin, -7.5, 0.0).unwrap();
        let outcome = simulate(&thin).unwrap();
        let past = past_the_record(&outcome);
        let fall = outcome.summary.max_drawdown_pct;
        assert!(
            past.contains(&PastTheRecord::Fall(fall)),
            "a {fall}% fall: {past:?}"
        );
    }

    #[test]
    fn a_rise_past_the_bound_is_named_and_one_within_it_is_not() {
        let scenario = presets::default_scenario();
        let mut outcome = simulate(&scenario).unwrap();
        outcome.summary.max_rise_pct = MOVE_BOUND_PCT;
        assert_eq!(past_the_record(&outcome), vec![]);
        outcome.summary.max_rise_pct = MOVE_BOUND_PCT + 1.0;
        assert_eq!(
            past_the_record(&outcome),
            vec![PastTheRecord::Rise(MOVE_BOUND_PCT + 1.0)]
        );
    }
}
