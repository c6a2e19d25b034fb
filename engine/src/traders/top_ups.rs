//! Top-ups: positions that add collateral when the mark nears their liquidation price.

use std::collections::VecDeque;

use crate::positions::{crossed, PositionTable};
use crate::scenario::{Side, TopUp};
use crate::venue::LiquidationEngine;

/// Positions that add collateral when the mark comes within `alert_pct` of their liquidation
/// price, after a reaction delay, once, with a budget of `budget_multiple` times their margin.
pub struct TopUps {
    rules: TopUp,
    delay_steps: u32,
    /// Next position (trigger order) whose alert price is still ahead, per group.
    cursor: Vec<usize>,
    due: VecDeque<(u32, u32)>,
    pub count: u64,
}

impl TopUps {
    pub fn new(rules: &TopUp, table: &PositionTable, step_s: f64) -> TopUps {
        TopUps {
            rules: rules.clone(),
            // A delay longer than any run saturates (`as` does) and never lands.
            delay_steps: libm::ceil(rules.delay_s / step_s) as u32,
            cursor: table.groups.iter().map(|group| group.start).collect(),
            due: VecDeque::new(),
            count: 0,
        }
    }

    /// Notices positions the mark has come close to, and executes top-ups that are due.
    pub fn step(&mut self, step: u32, mark: f64, venue: &mut LiquidationEngine) {
        let table = venue.table;
        let factor = self.rules.alert_pct / 100.0;
        for (g, group) in table.groups.iter().enumerate() {
            let mut i = self.cursor[g];
            while i < group.end {
                let original = table.liquidation_price[i];
                let alert = match group.side {
                    Side::Long => original * (1.0 + factor),
                    Side::Short => original * (1.0 - factor),
                };
                if !crossed(group.side, mark, alert) {
                    break;
                }
                if table.behaviour_draw[i] < self.rules.share {
                    // Saturating: a delay of u32::MAX steps would wrap to "now" otherwise.
                    self.due
                        .push_back((step.saturating_add(self.delay_steps), i as u32));
                }
                i += 1;
            }
            self.cursor[g] = i;
        }
        while let Some(&(at, index)) = self.due.front() {
            if at > step {
                break;
            }
            self.due.pop_front();
            let i = index as usize;
            if venue.is_open(i) && !venue.is_pending(i) {
                let amount = venue.collateral_f(i) * self.rules.budget_multiple;
                if amount > 0.0 {
                    venue.add_collateral(i, amount);
                    self.count += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traders::examples::{nearest, scenario};

    fn top_up(share: f64, alert_pct: f64, delay_s: f64) -> TopUp {
        TopUp {
            share,
            alert_pct,
            delay_s,
            budget_multiple: 1.0,
        }
    }

    #[test]
    fn a_top_up_lands_after_the_delay_once_the_mark_nears_the_liquidation_price() {
        let scenario = scenario(&[("long", 10_000.0, 100.0, 10.0)]);
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let liquidation = table.liquidation_price[0];
        assert!((90.0..91.0).contains(&liquidation), "{liquidation}");
        let collateral = venue.collateral_f(0);
        let mut top_ups = TopUps::new(&top_up(1.0, 5.0, 2.0), &table, 1.0);

        // Outside the alert distance (5% above the liquidation price): nothing happens.
        top_ups.step(0, liquidation * 1.06, &mut venue);
        // Inside it: noticed now, added two steps later.
        top_ups.step(1, liquidation * 1.04, &mut venue);
        top_ups.step(2, liquidation * 1.04, &mut venue);
        assert_eq!((top_ups.count, venue.collateral_f(0)), (0, collateral));
        top_ups.step(3, liquidation * 1.04, &mut venue);
        assert_eq!(top_ups.count, 1);
        assert!((venue.collateral_f(0) - 2.0 * collateral).abs() < 1e-6);
        assert!(
            venue.trigger(0) < liquidation,
            "more margin: liquidated lower"
        );
        // Once per position.
        for step in 4..20 {
            top_ups.step(step, liquidation * 1.01, &mut venue);
        }
        assert_eq!(top_ups.count, 1);
    }

    #[test]
    fn a_delay_longer_than_the_run_never_lands() {
        // 1e7 s at 1 ms steps is 1e10 steps: beyond u32, and beyond any run.
        let scenario = scenario(&[("long", 10_000.0, 100.0, 10.0)]);
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let liquidation = table.liquidation_price[0];
        let mut top_ups = TopUps::new(&top_up(1.0, 5.0, 1e7), &table, 0.001);
        // Noticed from step 1 on: at step 0, `0 + u32::MAX` would not overflow.
        for step in 1..2_000 {
            top_ups.step(step, liquidation * 1.01, &mut venue);
        }
        assert_eq!(top_ups.count, 0);
    }

    #[test]
    fn only_the_top_up_share_and_only_positions_the_mark_came_near_top_up() {
        let scenario = scenario(&[
            ("long", 10_000.0, 100.0, 10.0),
            ("long", 10_000.0, 100.0, 4.0),
            ("short", 10_000.0, 100.0, 10.0),
        ]);
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let near = nearest(&table, 90.5);
        let collaterals: Vec<f64> = (0..table.len()).map(|i| venue.collateral_f(i)).collect();
        // The mark falls to within 2% of the 10x long only: the 4x long and the short are far.
        let mut everyone = TopUps::new(&top_up(1.0, 2.0, 0.0), &table, 1.0);
        everyone.step(0, table.liquidation_price[near] * 1.01, &mut venue);
        assert_eq!(everyone.count, 1);
        for (i, before) in collaterals.iter().enumerate() {
            let grew = venue.collateral_f(i) > *before;
            assert_eq!(grew, i == near, "position {i}");
        }
        // Nobody in the share: nobody tops up.
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let mut nobody = TopUps::new(&top_up(0.0, 2.0, 0.0), &table, 1.0);
        nobody.step(0, table.liquidation_price[near] * 1.01, &mut venue);
        assert_eq!(nobody.count, 0);
    }

    #[test]
    fn a_short_tops_up_when_the_mark_rises_towards_its_liquidation_price() {
        let scenario = scenario(&[("short", 10_000.0, 100.0, 10.0)]);
        let table = PositionTable::build(&scenario);
        let mut venue = LiquidationEngine::new(&table, &scenario.venue);
        let liquidation = table.liquidation_price[0];
        assert!(liquidation > 100.0);
        let mut top_ups = TopUps::new(&top_up(1.0, 2.0, 0.0), &table, 1.0);
        top_ups.step(0, liquidation * 0.97, &mut venue);
        assert_eq!(top_ups.count, 0);
        top_ups.step(1, liquidation * 0.99, &mut venue);
        assert_eq!(top_ups.count, 1);
        assert!(
            venue.trigger(0) > liquidation,
            "more margin: liquidated higher"
        );
    }
}
