//! Runs as CSV: the one-market outcome, one row per step with the columns the charts draw; and
//! the Markets tab's system, one row per step with each market's and each flow's columns.

use flushlab_engine::outcome::MoneyUnit;
use flushlab_engine::Outcome;

use crate::markets::{FlowKind, MarketsView};

/// The per-step path as CSV with a header row. Every column names its unit: prices in USD;
/// sizes in USD for a linear contract and in contracts for an inverse one; the fund, ADL and bad
/// debt in the outcome's money (USD, or the coin an inverse contract is margined in: Black
/// Thursday's fund column is XBT and its header said nothing).
pub fn steps_csv(outcome: &Outcome) -> String {
    let (size, money) = match outcome.summary.money_unit {
        MoneyUnit::Usd => ("usd", "usd"),
        MoneyUnit::Coin => ("contracts", "coin"),
    };
    let mut csv = format!(
        "t_s,last_usd,mark_usd,liquidated_long_{size},liquidated_short_{size},liquidated_long_count,\
         liquidated_short_count,depth_1pct_usd,insurance_fund_{money},adl_{money},bad_debt_{money},\
         open_interest_{size},halted\n"
    );
    // A start row: the start price, nothing liquidated yet, the fund and open interest as the
    // run began (the fund's fall read from the first step's row missed that step's payout:
    // 3.68k XBT against the headline's 3.80k); the start's depth is not recorded (blank).
    let fund = outcome
        .ledger
        .insurance_fund_start
        .to_string()
        .parse::<f64>()
        .map(|fund| fund.to_string())
        .unwrap_or_default();
    let open = &outcome.open_interest;
    let open_interest: f64 = open
        .long_before_usd
        .iter()
        .chain(&open.short_before_usd)
        .sum();
    let start = outcome.summary.start_price;
    csv.push_str(&format!(
        "0,{start},{start},0,0,0,0,,{fund},0,0,{open_interest},false\n"
    ));
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

/// The Markets tab's system run as CSV: a row at the start and one after every step; per
/// market (by id) its last price, its own positions' liquidations and the ADL against its
/// winners, USD; per flow, what it moved that step, USD (arbitrage: bought in its first market
/// and sold in its second, negative the other way; accounts: their forced trades; lending: the
/// collateral sold). The page's Export CSV gave the one-market run hidden behind the tab.
pub fn markets_csv(view: &MarketsView) -> String {
    let mut header = vec!["t_s".to_string()];
    for market in &view.markets {
        for column in ["last_usd", "liquidated_usd", "adl_usd"] {
            header.push(field(&format!("{} {column}", market.id)));
        }
    }
    for flow in &view.flows {
        let kind = match flow.kind {
            FlowKind::Arbitrage => "arbitrage_usd",
            FlowKind::Accounts => "accounts_forced_usd",
            FlowKind::Lending => "lending_sold_usd",
        };
        header.push(field(&format!("{} {kind}", flow.name)));
    }
    let steps = view.markets.iter().map(|m| m.path.len()).max().unwrap_or(0);
    let mut csv = header.join(",") + "\n";
    for row in 0..steps {
        let mut cells = vec![(row as f64 * view.step_s).to_string()];
        // The start row has the start prices and nothing moved yet.
        let moved = |values: &[f64]| {
            row.checked_sub(1)
                .and_then(|k| values.get(k))
                .copied()
                .unwrap_or(0.0)
                .to_string()
        };
        for market in &view.markets {
            cells.push(market.path.get(row).map(f64::to_string).unwrap_or_default());
            cells.push(moved(&market.liquidated_by_step_usd));
            cells.push(moved(&market.adl_by_step_usd));
        }
        for flow in &view.flows {
            cells.push(moved(&flow.by_step_usd));
        }
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    csv
}

/// A download's name: `flushlab-{named}-{kind}.{extension}` for a preset or a system preset,
/// `flushlab-{kind}.{extension}` for the reader's own (`named` empty).
pub fn file_name(named: &str, kind: &str, extension: &str) -> String {
    let named: String = named
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if named.is_empty() {
        format!("flushlab-{kind}.{extension}")
    } else {
        format!("flushlab-{named}-{kind}.{extension}")
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::{file_name, markets_csv, steps_csv};

    #[test]
    fn a_download_is_named_after_its_preset() {
        assert_eq!(
            file_name("btc-2021-05-19", "outcome", "csv"),
            "flushlab-btc-2021-05-19-outcome.csv"
        );
        assert_eq!(file_name("", "scenario", "json"), "flushlab-scenario.json");
        // Only letters, digits and hyphens from a name (an imported system's may hold anything).
        assert_eq!(
            file_name("../x y", "system", "json"),
            "flushlab-xy-system.json"
        );
    }
    use crate::markets::MarketsView;
    use flushlab_engine::presets;

    #[test]
    fn a_csv_header_names_every_columns_unit_inverse_or_linear() {
        let outcome = |name: &str| {
            let scenario = presets::find(name).expect("a preset").scenario;
            flushlab_engine::simulate(&scenario).expect("it runs")
        };
        let linear = steps_csv(&outcome("calm-market"));
        let header = linear.lines().next().unwrap();
        assert!(header.contains("insurance_fund_usd") && header.contains("liquidated_long_usd"));
        let inverse = steps_csv(&outcome("bitmex-2020-03-12"));
        let header = inverse.lines().next().unwrap();
        assert!(
            header.contains("insurance_fund_coin") && header.contains("liquidated_long_contracts"),
            "{header}"
        );
        let columns = header.split(',').count();
        assert!(inverse
            .lines()
            .all(|line| line.split(',').count() == columns));
        // A start row: the fund as the run began, so its fall is the headline's "paid".
        let column = |name: &str| header.split(',').position(|h| h == name).unwrap();
        let rows: Vec<Vec<&str>> = inverse
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        assert_eq!(rows[0][0], "0");
        let fund = column("insurance_fund_coin");
        let start: f64 = rows[0][fund].parse().unwrap();
        let end: f64 = rows.last().unwrap()[fund].parse().unwrap();
        let scenario = presets::find("bitmex-2020-03-12").unwrap().scenario;
        assert_eq!(start, scenario.venue.insurance_fund_usd);
        assert!(
            start - end > 3_700.0 && start - end < 3_900.0,
            "paid {}",
            start - end
        );
        let open: f64 = rows[0][column("open_interest_contracts")].parse().unwrap();
        assert!(open > 0.0);
    }

    #[test]
    fn the_markets_csv_holds_every_markets_path_and_sums_to_the_tabs_figures() {
        let system = presets::find_system("two-venues-one-asset")
            .expect("a system preset")
            .system;
        let mut view = MarketsView::plan(&system, 0.0);
        assert!(view.problem.is_none(), "{:?}", view.problem);
        let mut session = crate::session::SystemSession::default();
        while view.step(&mut session) {}
        let csv = markets_csv(&view);
        let rows: Vec<Vec<&str>> = csv.lines().map(|line| line.split(',').collect()).collect();
        let header = &rows[0];
        assert_eq!(header[0], "t_s");
        assert!(header.contains(&"venue-a last_usd") && header.contains(&"venue-b adl_usd"));
        assert!(
            rows.iter().all(|row| row.len() == header.len()),
            "one cell per column"
        );
        // A start row at the start price, and one per step.
        let a = &view.markets[0];
        assert_eq!(rows.len(), 1 + a.path.len());
        assert_eq!(rows[1][0], "0");
        assert_eq!(rows[1][1].parse::<f64>().unwrap(), a.path[0]);
        // Each market's liquidations add up to what the tab says it liquidated.
        let column = header
            .iter()
            .position(|h| *h == "venue-a liquidated_usd")
            .unwrap();
        let sum: f64 = rows[1..]
            .iter()
            .map(|row| row[column].parse::<f64>().unwrap())
            .sum();
        let said: f64 = a.liquidated_by_step_usd.iter().sum();
        assert!(
            (sum - said).abs() <= 1e-6 * said.max(1.0),
            "{sum} against {said}"
        );
        assert!(sum > 0.0);
    }
}
