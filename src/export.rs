//! The outcome as CSV: one row per step, the columns the charts draw.

use flushlab_engine::Outcome;

/// The per-step path as CSV with a header row.
pub fn steps_csv(outcome: &Outcome) -> String {
    let mut csv = String::from(
        "t_s,last,mark,liquidated_long,liquidated_short,liquidated_long_count,liquidated_short_count,depth_1pct_usd,insurance_fund,adl,bad_debt,open_interest,halted\n",
    );
    for step in &outcome.steps {
        csv.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            step.t_s,
            step.last,
            step.mark,
            step.liquidated_long_usd,
            step.liquidated_short_usd,
            step.liquidated_long_count,
            step.liquidated_short_count,
            step.depth_1pct_usd,
            step.insurance_fund_usd,
            step.adl_usd,
            step.bad_debt_usd,
            step.open_interest_usd,
            step.halted
        ));
    }
    csv
}
