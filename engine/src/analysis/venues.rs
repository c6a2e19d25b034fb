//! The same scenario on each venue profile (`scenario::profiles`): what each venue's documented
//! rules make of the same crowd and the same shock. `flushlab compare-venues` prints these rows;
//! the app's venues tab draws them beside the scenario as set.

use serde::{Deserialize, Serialize};

use crate::outcome::{MoneyUnit, Summary};
use crate::scenario::profiles::VenueProfile;
use crate::scenario::Scenario;

/// One venue's run of the scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VenueRow {
    /// The profile's id ("" for the scenario's own venue).
    pub venue: String,
    pub name: String,
    pub max_drawdown_pct: f64,
    pub max_rise_pct: f64,
    pub amplification: f64,
    /// Longs and shorts liquidated, size (USD at entry, or contracts).
    pub liquidated_notional_usd: f64,
    pub adl_notional_usd: f64,
    pub bad_debt_usd: f64,
    pub insurance_fund_end_usd: f64,
    pub money_unit: MoneyUnit,
    /// The inverse contract's coin, when its scenario names it (`Summary::coin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coin: Option<String>,
}

impl VenueRow {
    /// The row of a run on `venue` (an id, "" for the scenario's own) called `name`.
    pub fn new(venue: &str, name: &str, summary: &Summary) -> VenueRow {
        VenueRow {
            venue: venue.to_string(),
            name: name.to_string(),
            max_drawdown_pct: summary.max_drawdown_pct,
            max_rise_pct: summary.max_rise_pct,
            amplification: summary.amplification,
            liquidated_notional_usd: summary.liquidated_notional_usd_long
                + summary.liquidated_notional_usd_short,
            adl_notional_usd: summary.adl_notional_usd,
            bad_debt_usd: summary.bad_debt_usd,
            insurance_fund_end_usd: summary.insurance_fund_end_usd,
            money_unit: summary.money_unit,
            coin: summary.coin.clone(),
        }
    }
}

/// `base` on `profile`'s rules, as the app and the CLI apply a profile.
pub fn on_venue(base: &Scenario, profile: &VenueProfile) -> Scenario {
    let mut scenario = base.clone();
    profile.apply(&mut scenario);
    scenario
}
