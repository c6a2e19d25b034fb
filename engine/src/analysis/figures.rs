//! The figures a published report of a flush gives (trough, liquidated notional, long share, open
//! interest change, ...), read off a simulated outcome, so that a run can be held against the
//! record: by `calibrate`, by the historical presets' tables and by the magnitude envelopes.

use serde::{Deserialize, Serialize};

use crate::outcome::Outcome;
use crate::scenario::{Contract, Scenario};

/// One figure of a flush, as reports state it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    /// The price before the flush (USD).
    StartPrice,
    /// The lowest price reached (USD).
    TroughPrice,
    /// Start to trough, percent, positive.
    TroughDrawdownPct,
    /// Seconds from the start to the lowest price.
    TimeToTroughS,
    /// Long plus short notional liquidated, USD at entry (contracts for inverse: one contract is
    /// one USD on BitMEX's XBTUSD).
    LiquidatedUsd,
    /// Longs' share of the liquidated notional, percent.
    LongSharePct,
    /// Liquidated notional over the open interest before the flush, percent.
    LiquidatedShareOfOiPct,
    /// Change of open interest from before to after the run in coins (contracts for inverse),
    /// percent (negative: it fell): the measure that price moves leave alone.
    OpenInterestChangePct,
    /// Change of open interest valued at the price, as aggregators report it in USD: coins times
    /// the final price against coins times the start price (contracts for inverse), percent.
    OpenInterestChangeUsdPct,
    /// Share of the liquidated notional that fell in the busiest 60 seconds, percent.
    PeakMinuteSharePct,
    /// Longs liquidated from the start until the price first stood 10% below it, USD at entry
    /// (the step that reaches -10% counts): what a report written during the fall quotes.
    #[serde(rename = "long_liquidated_usd_by_10pct_fall")]
    LongLiquidatedUsdBy10PctFall,
    /// Change of the insurance fund over the run, percent of its start (in the fund's money).
    InsuranceFundChangePct,
    /// Notional auto-deleveraged, in money (USD for linear, coin for inverse).
    AdlUsd,
    /// The move in the shock's direction over the shock's own move (1 = no cascade).
    Amplification,
}

impl Figure {
    /// Every figure, in declaration order.
    pub const ALL: [Figure; 14] = [
        Figure::StartPrice,
        Figure::TroughPrice,
        Figure::TroughDrawdownPct,
        Figure::TimeToTroughS,
        Figure::LiquidatedUsd,
        Figure::LongSharePct,
        Figure::LiquidatedShareOfOiPct,
        Figure::OpenInterestChangePct,
        Figure::OpenInterestChangeUsdPct,
        Figure::PeakMinuteSharePct,
        Figure::LongLiquidatedUsdBy10PctFall,
        Figure::InsuranceFundChangePct,
        Figure::AdlUsd,
        Figure::Amplification,
    ];

    /// The figure's name as in JSON, e.g. "trough_drawdown_pct".
    pub fn name(self) -> &'static str {
        match self {
            Figure::StartPrice => "start_price",
            Figure::TroughPrice => "trough_price",
            Figure::TroughDrawdownPct => "trough_drawdown_pct",
            Figure::TimeToTroughS => "time_to_trough_s",
            Figure::LiquidatedUsd => "liquidated_usd",
            Figure::LongSharePct => "long_share_pct",
            Figure::LiquidatedShareOfOiPct => "liquidated_share_of_oi_pct",
            Figure::OpenInterestChangePct => "open_interest_change_pct",
            Figure::OpenInterestChangeUsdPct => "open_interest_change_usd_pct",
            Figure::PeakMinuteSharePct => "peak_minute_share_pct",
            Figure::LongLiquidatedUsdBy10PctFall => "long_liquidated_usd_by_10pct_fall",
            Figure::InsuranceFundChangePct => "insurance_fund_change_pct",
            Figure::AdlUsd => "adl_usd",
            Figure::Amplification => "amplification",
        }
    }

    /// How a person reads it, e.g. "Trough drawdown".
    pub fn label(self) -> &'static str {
        match self {
            Figure::StartPrice => "Start price",
            Figure::TroughPrice => "Trough price",
            Figure::TroughDrawdownPct => "Trough drawdown (%)",
            Figure::TimeToTroughS => "Time to trough (s)",
            Figure::LiquidatedUsd => "Liquidated notional (USD)",
            Figure::LongSharePct => "Long share of liquidations (%)",
            Figure::LiquidatedShareOfOiPct => "Liquidated share of open interest (%)",
            Figure::OpenInterestChangePct => "Open-interest change, in coins (%)",
            Figure::OpenInterestChangeUsdPct => "Open-interest change, in USD (%)",
            Figure::PeakMinuteSharePct => "Busiest minute's share of liquidations (%)",
            Figure::LongLiquidatedUsdBy10PctFall => "Long liquidations by the first 10% fall (USD)",
            Figure::InsuranceFundChangePct => "Insurance-fund change (%)",
            Figure::AdlUsd => "Auto-deleveraged notional",
            Figure::Amplification => "Amplification (move / shock)",
        }
    }

    /// The figure's value in a run of `scenario` that gave `outcome`.
    pub fn of(self, scenario: &Scenario, outcome: &Outcome) -> f64 {
        let summary = &outcome.summary;
        let liquidated =
            summary.liquidated_notional_usd_long + summary.liquidated_notional_usd_short;
        let oi_before: f64 = outcome.open_interest.long_before_usd.iter().sum::<f64>()
            + outcome.open_interest.short_before_usd.iter().sum::<f64>();
        match self {
            Figure::StartPrice => summary.start_price,
            Figure::TroughPrice => summary.min_price,
            Figure::TroughDrawdownPct => summary.max_drawdown_pct,
            Figure::TimeToTroughS => time_to_trough_s(outcome),
            Figure::LiquidatedUsd => liquidated,
            Figure::LongSharePct => {
                if liquidated > 0.0 {
                    100.0 * summary.liquidated_notional_usd_long / liquidated
                } else {
                    0.0
                }
            }
            Figure::LiquidatedShareOfOiPct => percent_of(liquidated, oi_before),
            Figure::OpenInterestChangePct => {
                let after = outcome
                    .steps
                    .last()
                    .map_or(oi_before, |s| s.open_interest_usd);
                percent_of(after - oi_before, oi_before)
            }
            Figure::OpenInterestChangeUsdPct => {
                let after = outcome
                    .steps
                    .last()
                    .map_or(oi_before, |s| s.open_interest_usd);
                let valued = match scenario.market.contract {
                    Contract::Linear => after * summary.final_price / summary.start_price,
                    Contract::Inverse => after,
                };
                percent_of(valued - oi_before, oi_before)
            }
            Figure::PeakMinuteSharePct => percent_of(peak_minute_usd(outcome), liquidated),
            Figure::LongLiquidatedUsdBy10PctFall => long_liquidated_by_fall_usd(outcome, 10.0),
            Figure::InsuranceFundChangePct => {
                let start = scenario.venue.insurance_fund_usd;
                percent_of(summary.insurance_fund_end_usd - start, start)
            }
            Figure::AdlUsd => summary.adl_notional_usd,
            Figure::Amplification => summary.amplification,
        }
    }

    /// Whether the figure can be read over the run's first seconds alone (a target's
    /// `until_s`: a record that counts one day of a flush that went on into the next): the
    /// liquidations, summed step by step.
    pub fn windowed(self) -> bool {
        matches!(self, Figure::LiquidatedUsd | Figure::LongSharePct)
    }

    /// The windowed figures' names, as a refusal lists them ("liquidated_usd and
    /// long_share_pct").
    pub fn windowed_names() -> String {
        let names: Vec<&str> = Figure::ALL
            .into_iter()
            .filter(|figure| figure.windowed())
            .map(Figure::name)
            .collect();
        names.join(" and ")
    }

    /// The figure over the steps that end by `until_s` seconds into the run (a windowed figure,
    /// [`Self::windowed`]); over the whole run without a window, or for any other figure.
    pub fn of_until(self, scenario: &Scenario, outcome: &Outcome, until_s: Option<f64>) -> f64 {
        let Some(until_s) = until_s.filter(|_| self.windowed()) else {
            return self.of(scenario, outcome);
        };
        let (long, short) = outcome
            .steps
            .iter()
            .take_while(|step| step.t_s <= until_s)
            .fold((0.0, 0.0), |(long, short), step| {
                (
                    long + step.liquidated_long_usd,
                    short + step.liquidated_short_usd,
                )
            });
        match self {
            Figure::LongSharePct => percent_of(long, long + short),
            _ => long + short,
        }
    }
}

/// The most notional liquidated within any 60 seconds (whole steps; a step longer than a minute
/// counts alone).
fn peak_minute_usd(outcome: &Outcome) -> f64 {
    let steps = &outcome.steps;
    let mut best: f64 = 0.0;
    let mut window = 0.0;
    let mut first = 0;
    for (last, step) in steps.iter().enumerate() {
        window += step.liquidated_long_usd + step.liquidated_short_usd;
        // The window holds steps ending within 60 s of this one's end.
        while first < last && step.t_s - steps[first].t_s >= 60.0 {
            window -= steps[first].liquidated_long_usd + steps[first].liquidated_short_usd;
            first += 1;
        }
        best = best.max(window);
    }
    best
}

/// Longs liquidated in the steps up to and including the first whose last price stood `fall_pct`
/// percent or more below the start; every long liquidated when the price never fell that far.
fn long_liquidated_by_fall_usd(outcome: &Outcome, fall_pct: f64) -> f64 {
    let floor = outcome.summary.start_price * (1.0 - fall_pct / 100.0);
    let mut liquidated = 0.0;
    for step in &outcome.steps {
        liquidated += step.liquidated_long_usd;
        if step.last <= floor {
            break;
        }
    }
    liquidated
}

/// `part / whole` in percent; 0 when `whole` is not positive.
fn percent_of(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        100.0 * part / whole
    } else {
        0.0
    }
}

/// End time of the step with the lowest last price (the first such step); 0 when no step fell
/// below the start.
fn time_to_trough_s(outcome: &Outcome) -> f64 {
    let mut lowest = outcome.summary.start_price;
    let mut at = 0.0;
    for step in &outcome.steps {
        if step.last < lowest {
            lowest = step.last;
            at = step.t_s;
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_json() {
        for figure in Figure::ALL {
            let json = serde_json::to_string(&figure).unwrap();
            assert_eq!(json, format!("\"{}\"", figure.name()));
            assert_eq!(serde_json::from_str::<Figure>(&json).unwrap(), figure);
        }
    }

    #[test]
    fn figures_read_the_outcome_they_name() {
        let scenario = crate::presets::default_scenario();
        let outcome = crate::simulate(&scenario).unwrap();
        let s = &outcome.summary;
        let liquidated = s.liquidated_notional_usd_long + s.liquidated_notional_usd_short;
        assert_eq!(Figure::LiquidatedUsd.of(&scenario, &outcome), liquidated);
        assert_eq!(Figure::TroughPrice.of(&scenario, &outcome), s.min_price);
        let share = Figure::LongSharePct.of(&scenario, &outcome);
        assert!((0.0..=100.0).contains(&share));
        // The trough's time is a step's end time, and that step shows the lowest price.
        let t = Figure::TimeToTroughS.of(&scenario, &outcome);
        let step = outcome.steps.iter().find(|step| step.t_s == t).unwrap();
        assert_eq!(step.last, s.min_price);
        // Open interest can only fall in a run without entrants.
        assert!(Figure::OpenInterestChangePct.of(&scenario, &outcome) <= 0.0);
    }

    #[test]
    fn a_window_reads_the_liquidations_of_the_steps_that_end_inside_it() {
        // Black Thursday's two legs: 12 March is the run's first 14 hours.
        let scenario = crate::presets::find("bitmex-2020-03-12").unwrap().scenario;
        let outcome = crate::simulate(&scenario).unwrap();
        let until = 14.0 * 3600.0;
        let (mut long, mut short) = (0.0, 0.0);
        for step in outcome.steps.iter().filter(|step| step.t_s <= until) {
            long += step.liquidated_long_usd;
            short += step.liquidated_short_usd;
        }
        let first_day = Figure::LiquidatedUsd.of_until(&scenario, &outcome, Some(until));
        assert_eq!(first_day, long + short);
        let whole = Figure::LiquidatedUsd.of(&scenario, &outcome);
        // Both legs liquidate: the window holds most, not all.
        assert!(
            first_day > 0.5 * whole && first_day < 0.95 * whole,
            "{first_day} of {whole}"
        );
        assert_eq!(
            Figure::LongSharePct.of_until(&scenario, &outcome, Some(until)),
            100.0 * long / (long + short)
        );
        // A window past the run's end is the whole run, to the sums' rounding.
        let all = Figure::LiquidatedUsd.of_until(&scenario, &outcome, Some(1e9));
        assert!((all - whole).abs() <= 1e-9 * whole, "{all} vs {whole}");
        // A figure that is not summed step by step reads the whole run, window or not.
        assert!(!Figure::TroughPrice.windowed());
        assert_eq!(
            Figure::TroughPrice.of_until(&scenario, &outcome, Some(until)),
            Figure::TroughPrice.of(&scenario, &outcome)
        );
    }

    #[test]
    fn longs_by_the_first_tenth_down_stop_at_the_step_that_gets_there() {
        let figure = Figure::LongLiquidatedUsdBy10PctFall;
        // 2024-08-05 falls 15%: the figure counts the steps up to the first at -10%, that step too.
        let scenario = crate::presets::find("btc-2024-08-05").unwrap().scenario;
        let outcome = crate::simulate(&scenario).unwrap();
        let start = outcome.summary.start_price;
        let first = outcome
            .steps
            .iter()
            .position(|step| (start - step.last) / start >= 0.1)
            .expect("the 2024 run falls past -10%");
        let by_then: f64 = outcome.steps[..=first]
            .iter()
            .map(|step| step.liquidated_long_usd)
            .sum();
        let value = figure.of(&scenario, &outcome);
        assert!(
            (value - by_then).abs() <= 1e-6 * by_then,
            "{value} vs {by_then}"
        );
        assert!(outcome.steps[first].liquidated_long_usd > 0.0);
        assert!(value > 0.0 && value < outcome.summary.liquidated_notional_usd_long);
        // A run that never gets 10% down counts every long it liquidated.
        let mut calm = scenario.clone();
        calm.shock.pct = -3.0;
        let outcome = crate::simulate(&calm).unwrap();
        assert!(outcome.summary.max_drawdown_pct < 10.0);
        assert_eq!(
            figure.of(&calm, &outcome),
            outcome
                .steps
                .iter()
                .map(|s| s.liquidated_long_usd)
                .sum::<f64>()
        );
    }
}
