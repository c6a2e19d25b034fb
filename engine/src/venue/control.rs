//! Leverage control that tightens in stress (`venue.leverage_control`): once the insurance fund
//! has drained below a share of its start, or realized volatility has risen past a threshold,
//! the venue multiplies every maintenance requirement for the rest of the run, as cutting
//! maximum leverage does where maintenance is a fixed share of initial margin. Every open
//! position's trigger moves at once; those no longer covered are liquidated.

use crate::scenario::LeverageControl;
use crate::traders::realized_volatility_pct;

use super::LiquidationEngine;

/// The highest maintenance rate a multiplier may raise a tier to (the validated maximum of any
/// tier's own rate).
const MAX_RATE: f64 = 0.5;

impl<'a> LiquidationEngine<'a> {
    /// Maintenance margin of a position of `size` entered at `entry` under the rules now in
    /// force: (rate, deduction), the table's tier times the control's multiplier (1 until it
    /// tightens).
    #[inline]
    pub(super) fn maintenance(&self, size: f64, entry: f64) -> (f64, f64) {
        let margin = self.table.margin();
        let multiplier = self.margin_multiplier;
        if multiplier == 1.0 {
            return margin.maintenance_for(size, entry);
        }
        // The multiplier raises the tier's maintenance rate, capped, before a requirement valued
        // at entry is fixed from it; a fee in the trigger stays what it is.
        let (rate, deduction) = margin.maintenance_tier(size, entry);
        let fee = margin.trigger_fee();
        let raised = if rate * multiplier <= MAX_RATE {
            (rate * multiplier + fee, deduction * multiplier)
        } else {
            (MAX_RATE + fee, 0.0)
        };
        margin.valued(raised, size)
    }

    /// Multiplies every maintenance requirement by `multiplier` from now on and moves every open
    /// position's trigger to match.
    pub fn tighten(&mut self, multiplier: f64) {
        self.margin_multiplier = multiplier;
        for i in 0..self.len() {
            self.rearm(i);
        }
    }
}

/// Watches for the stress that makes the venue tighten, and tightens once.
pub struct ControlWatch {
    rules: LeverageControl,
    fund_start: f64,
    /// The step it tightened at, once it has.
    pub tightened_at: Option<u32>,
}

impl ControlWatch {
    pub fn new(rules: &LeverageControl, fund_start: f64) -> ControlWatch {
        ControlWatch {
            rules: rules.clone(),
            fund_start,
            tightened_at: None,
        }
    }

    /// Step `step`: with `history` the last prices so far, tightens `venue` if the fund or the
    /// volatility says so (once).
    pub fn step(&mut self, step: u32, history: &[f64], venue: &mut LiquidationEngine) {
        if self.tightened_at.is_some() {
            return;
        }
        let rules = &self.rules;
        let fund = venue.ledger.insurance_fund.to_f64();
        let drained = rules
            .fund_below_pct
            .is_some_and(|share| fund < self.fund_start * share / 100.0);
        let volatile = rules.volatility_pct.is_some_and(|threshold| {
            realized_volatility_pct(history, rules.window_steps as usize) > threshold
        });
        if drained || volatile {
            venue.tighten(rules.margin_multiplier);
            self.tightened_at = Some(step);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::positions::PositionTable;
    use crate::presets;
    use crate::scenario::Scenario;
    use crate::solve::timeline;
    use crate::traders::examples::scenario;

    #[test]
    fn tightening_moves_a_trigger_to_the_formula_at_the_multiplied_rate() {
        // A 20x long of 10,000 USD at 100: collateral 500, 100 coins. At 0.5% maintenance the
        // engine's formula gives (q e - C) / (q (1 - m)) = 9,500 / 99.5; doubled, 9,500 / 99.
        let scenario = scenario(&[("long", 10_000.0, 100.0, 20.0)]);
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        assert!((venue.trigger(0) - 9_500.0 / 99.5).abs() < 1e-9);
        venue.tighten(2.0);
        assert!((venue.trigger(0) - 9_500.0 / 99.0).abs() < 1e-9);
        // A multiplier past the highest rate a tier may have stops there.
        venue.tighten(1_000.0);
        assert!((venue.trigger(0) - 9_500.0 / 50.0).abs() < 1e-9);
    }

    #[test]
    fn a_requirement_valued_at_entry_is_multiplied_and_capped_before_it_is_fixed() {
        // The same long with its requirement on the entry value (Bybit): MM = 10,000 x 0.5% =
        // 50, trigger e - (C - MM) / q = 100 - 450 / 100; doubled, 100 - 400 / 100; past the
        // highest rate a tier may have, 50% of 10,000: 100 - (500 - 5,000) / 100.
        let mut scenario = scenario(&[("long", 10_000.0, 100.0, 20.0)]);
        scenario.venue.margin_valued_at = crate::scenario::MarginValuation::Entry;
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        assert!(
            (venue.trigger(0) - 95.5).abs() < 1e-9,
            "{}",
            venue.trigger(0)
        );
        venue.tighten(2.0);
        assert!(
            (venue.trigger(0) - 96.0).abs() < 1e-9,
            "{}",
            venue.trigger(0)
        );
        venue.tighten(1_000.0);
        assert!(
            (venue.trigger(0) - 145.0).abs() < 1e-9,
            "{}",
            venue.trigger(0)
        );
    }

    /// With the fee in the trigger (OKX), tightening multiplies the maintenance rate, not the
    /// fee: the same long at 0.5% and a 0.1% fee triggers at 9,500 / (100 x (1 - 0.006));
    /// doubled, 9,500 / (100 x (1 - 0.011)).
    #[test]
    fn tightening_leaves_a_fee_in_the_trigger_as_it_is() {
        let mut scenario = scenario(&[("long", 10_000.0, 100.0, 20.0)]);
        scenario.venue.liquidation_fee = 0.001;
        scenario.venue.fee_in_trigger = true;
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        assert!((venue.trigger(0) - 9_500.0 / (100.0 * 0.994)).abs() < 1e-9);
        venue.tighten(2.0);
        assert!(
            (venue.trigger(0) - 9_500.0 / (100.0 * 0.989)).abs() < 1e-9,
            "{}",
            venue.trigger(0)
        );
    }

    fn with_control(name: &str, control: LeverageControl) -> Scenario {
        let mut scenario = presets::find(name).expect("a preset").scenario;
        scenario.venue.leverage_control = Some(control);
        scenario.validate().expect("valid");
        scenario
    }

    #[test]
    fn a_fund_that_drains_below_its_share_makes_the_venue_tighten_then() {
        let control = LeverageControl {
            fund_below_pct: Some(50.0),
            volatility_pct: None,
            window_steps: 10,
            margin_multiplier: 2.0,
        };
        let tightened = with_control("fund-drained-adl", control);
        let mut plain = tightened.clone();
        plain.venue.leverage_control = None;
        let run = timeline::simulate(&tightened).unwrap();
        let base = timeline::simulate(&plain).unwrap();
        let at = run
            .summary
            .tightened_at_s
            .expect("the fund drains below half");
        // At the start of the step it tightened in, the fund (as the step before left it) had
        // just fallen below half; never before.
        let half = plain.venue.insurance_fund_usd * 0.5;
        for step in &run.steps {
            if step.t_s < at {
                assert!(step.insurance_fund_usd >= half, "at {} s", step.t_s);
            } else if step.t_s == at {
                assert!(step.insurance_fund_usd < half, "at {} s", step.t_s);
            }
        }
        assert!(run.ledger.balanced);
        assert_ne!(run.summary, base.summary, "the rules changed mid-run");
        assert_eq!(base.summary.tightened_at_s, None);
    }

    #[test]
    fn rising_volatility_tightens_once_deepening_the_flush_and_a_calm_run_never() {
        let control = LeverageControl {
            fund_below_pct: None,
            volatility_pct: Some(0.5),
            window_steps: 5,
            margin_multiplier: 2.0,
        };
        let tightened = with_control("over-levered-longs", control.clone());
        let mut plain = tightened.clone();
        plain.venue.leverage_control = None;
        let run = timeline::simulate(&tightened).unwrap();
        let base = timeline::simulate(&plain).unwrap();
        assert!(run.summary.tightened_at_s.is_some());
        assert!(run.ledger.balanced);
        // Cutting leverage in the middle of a fall liquidates positions that were safe, into
        // the same falling book: pro-cyclical.
        let liquidated = |o: &crate::Outcome| {
            o.summary.liquidated_notional_usd_long + o.summary.liquidated_notional_usd_short
        };
        assert!(liquidated(&run) > liquidated(&base));
        assert!(run.summary.max_drawdown_pct > base.summary.max_drawdown_pct);
        let mut calm = with_control("calm-market", control);
        calm.shock.pct = -0.1;
        let calm = timeline::simulate(&calm).unwrap();
        assert_eq!(calm.summary.tightened_at_s, None);
    }
}
