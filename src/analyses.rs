//! The heavy analyses (amplification curve, phase map, leverage cycles, the venues'
//! comparison), computed a piece at a time so the page can
//! run them between frames: each `step` does one small piece and says whether more is left.

use flushlab_engine::analysis::cycles::{ResponseAxis, ResponsePoint};
use flushlab_engine::analysis::sweep::critical_shock_pct;
use flushlab_engine::analysis::{
    self, grid::mean_leverage, Axis, Cycles, CyclesConfig, Parameter, SweepPoint, VenueRow,
};
use flushlab_engine::budget;
use flushlab_engine::error::Work;
use flushlab_engine::scenario::profiles::venue_profiles;
use flushlab_engine::scenario::{Book, Positions, ShockKind};
use flushlab_engine::Outcome;
use flushlab_engine::Scenario;
use serde::{Deserialize, Serialize};

use crate::catalogue::text::{fill, text};
use crate::session::Session;

/// Shock sizes of the amplification curve: 1% to 40% of the start price, every 1% (then on to
/// the scenario's own shock if it is larger: [`swept_shocks_pct`]).
pub const CURVE_SHOCKS: usize = 40;

/// Past its every-1% part, for a scenario whose own shock is larger (Black Thursday's -50%), a
/// swept analysis (the curve, the phase map) goes on in steps this wide until it covers that
/// shock.
pub const WIDE_STEP_PCT: f64 = 5.0;

/// How far an analysis sweeps for `scenario`, percent, signed in its shock's direction: `dense`,
/// or past it in [`WIDE_STEP_PCT`] steps to the first size that covers the scenario's own shock
/// (at most 100). What the analyses' keys hold of the shock, read on every input.
pub fn sweep_reach_pct(scenario: &Scenario, dense: usize) -> f64 {
    let direction = if scenario.shock.is_up() { 1.0 } else { -1.0 };
    let own = scenario.shock.move_pct(&scenario.market).abs();
    let mut reach = dense as f64;
    while reach < own && reach < 100.0 {
        reach = (reach + WIDE_STEP_PCT).min(100.0);
    }
    direction * reach
}

/// The shock sizes an analysis sweeps for `scenario`, signed in its shock's direction: every 1%
/// to `dense` percent, then every [`WIDE_STEP_PCT`] to its [`sweep_reach_pct`], so that the
/// scenario's own run is always on the chart.
pub fn swept_shocks_pct(scenario: &Scenario, dense: usize) -> Vec<f64> {
    let reach = sweep_reach_pct(scenario, dense);
    let direction = reach.signum();
    let mut shocks: Vec<f64> = (1..=dense).map(|k| direction * k as f64).collect();
    let mut last = dense as f64;
    while last < reach.abs() {
        last = (last + WIDE_STEP_PCT).min(reach.abs());
        shocks.push(direction * last);
    }
    shocks
}

/// The amplification curve's shock sizes for `scenario` ([`swept_shocks_pct`]).
pub fn curve_shocks_pct(scenario: &Scenario) -> Vec<f64> {
    swept_shocks_pct(scenario, CURVE_SHOCKS)
}

/// The move, percent of the start price, that a run with no shock at all must reach for the
/// crowd to count as flushing on its own (a funding build-up bleeding it, predators pushing the
/// price): three times the 1% move the curve's smallest shock gives a market without leverage.
/// Below it (most crowds do not move at all without a shock) the tipping point is the curve's.
pub const FLUSH_WITHOUT_SHOCK_PCT: f64 = 3.0;

/// The amplification at the curve's smallest shock (1%) from which that shock already runs
/// away: the cascade, not the shock, sets the move, so the tipping point is at that shock or
/// below it (the curve's later jumps are further layers).
pub const RUNAWAY_AT_SMALLEST: f64 = 4.0;

/// The most work a run may be estimated at (`flushlab_engine::budget::run`, seconds, the worst
/// case) for the page to run it without asking. A run holds the page until it ends, so above
/// this the page asks first ([`run_allowed`]). Every preset is estimated at 1.3 s at most (and
/// takes tens of milliseconds: the estimate counts ADL on every step).
pub const PAGE_RUN_S: f64 = 5.0;

/// The most work the amplification curve may be estimated at (80 runs, in pieces between
/// frames, so the page stays responsive; over this it is not computed). The presets' curves are
/// estimated at 34 to 101 s.
pub const PAGE_CURVE_S: f64 = 400.0;

/// Whether the page may run `scenario` without asking: its estimated work is within
/// [`PAGE_RUN_S`], or within what the user already agreed to wait for (`approved_s`). Otherwise
/// the lines that say why, for the page to show beside a "Run it" button.
pub fn run_allowed(scenario: &Scenario, approved_s: f64) -> Result<(), Vec<String>> {
    let estimate = budget::run(scenario);
    if estimate.seconds <= PAGE_RUN_S.max(approved_s) {
        return Ok(());
    }
    let mut lines: Vec<String> = match estimate.check(Work::Scenario, PAGE_RUN_S) {
        Err(error) => crate::catalogue::problems::lines(&error),
        Ok(()) => Vec::new(),
    };
    lines.push(fill(
        text().notices.held_why,
        &[("seconds", &PAGE_RUN_S.to_string())],
    ));
    Err(lines)
}

/// Where the amplification curve puts the tipping point: the smallest shock that runs away.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tipping {
    /// The curve is still being computed.
    Computing,
    /// At this shock (percent, signed), the end of the curve's steepest step, which starts at
    /// the second (the curve's shock before it, or 0); with what the same step does with every
    /// position at 1x, when that is most of it.
    At(f64, f64, Option<UnleveredStep>),
    /// The flush grows smoothly with the shock: no sharp tipping point up to the curve's largest
    /// shock (percent, positive: 40, or more for a scenario whose own shock is larger).
    Smooth(f64),
    /// No shock is needed: with none the crowd moves the price this much (percent, positive)
    /// on its own.
    NoShockNeeded(f64),
    /// The curve's smallest shock (percent, signed) already runs away, with this
    /// amplification: the tipping point is at that shock or below it. With the shock where the
    /// curve's steepest step ends, when that is a larger one (a second wave).
    AtMost(f64, f64, Option<f64>),
    /// The curve is over the page's budget and not computed.
    NotComputed,
}

/// The tipping point's step of the amplification curve run with every position at 1x, when it
/// jumps there by at least half as much as the levered curve: the step is mostly selling that
/// fires whatever the leverage (stop-losses, traders de-levering, portfolio insurance, dealers'
/// hedging), not liquidations. Moves in percent, positive, at the step's two shocks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UnleveredStep {
    pub from_pct: f64,
    pub to_pct: f64,
}

/// The share of the levered curve's jump at the tipping point that the 1x curve's jump on the
/// same step must reach for [`UnleveredStep`] to be said.
const UNLEVERED_SHARE_OF_STEP: f64 = 0.5;

/// The amplification curve being filled shock by shock: each point is a full timeline run of
/// the scenario with its shock resized (same kind), and the same with every position at 1x.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CurveView {
    /// The scenario the curve is for, its shock size removed (kind, direction, duration kept).
    #[serde(skip)]
    pub key: Option<Scenario>,
    /// Signed shock sizes, percent.
    pub shocks_pct: Vec<f64>,
    pub points: Vec<SweepPoint>,
    pub counterfactual: Vec<SweepPoint>,
    /// The same scenario with no shock at all (run first): the curve starts from its move.
    #[serde(default)]
    pub no_shock: Option<SweepPoint>,
    /// Where the final move jumps most (once the curve is complete), if it jumps at all.
    pub critical_shock_pct: Option<f64>,
    /// Why the curve is not computed (its work is over [`PAGE_CURVE_S`]), if it is not.
    pub problem: Option<String>,
}

/// The part of a scenario the amplification curve depends on: all but its shock's size, which
/// counts only for how far the curve goes ([`sweep_reach_pct`]).
pub fn curve_key(scenario: &Scenario) -> Scenario {
    let up = scenario.shock.is_up();
    let mut key = scenario.clone();
    key.shock.pct = sweep_reach_pct(scenario, CURVE_SHOCKS);
    key.shock.notional_usd = if up { -1.0 } else { 1.0 };
    key
}

impl CurveView {
    /// A new, empty curve for `scenario`.
    pub fn plan(scenario: &Scenario) -> CurveView {
        let shocks_pct = curve_shocks_pct(scenario);
        let problem = budget::amplification_curve(scenario, shocks_pct.len() + 1)
            .check(Work::Sweep, PAGE_CURVE_S)
            .err()
            .map(|error| crate::codec::problems_text(&error));
        CurveView {
            key: Some(curve_key(scenario)),
            shocks_pct,
            problem,
            ..CurveView::default()
        }
    }

    /// Runs done and planned, the no-shock run included (none planned when the curve is not
    /// computed).
    pub fn progress(&self) -> (usize, usize) {
        if self.problem.is_some() {
            return (0, 0);
        }
        let done = self.points.len() + usize::from(self.no_shock.is_some());
        (done, self.shocks_pct.len() + 1)
    }

    pub fn is_done(&self) -> bool {
        let (done, planned) = self.progress();
        done >= planned
    }

    /// The fall (or rise) the crowd makes with no shock at all, percent of the start price, when
    /// it is a flush of its own (at least [`FLUSH_WITHOUT_SHOCK_PCT`]): then no shock is needed
    /// to tip it, whatever the curve's jumps say.
    pub fn flush_without_shock_pct(&self) -> Option<f64> {
        let moved = self.no_shock.as_ref()?.move_pct.abs();
        (moved >= FLUSH_WITHOUT_SHOCK_PCT).then_some(moved)
    }

    /// The curve's smallest shock (signed percent) and its amplification, when that shock
    /// already runs away (an amplification of at least [`RUNAWAY_AT_SMALLEST`]).
    pub fn runaway_at_smallest(&self) -> Option<(f64, f64)> {
        let first = self.points.first()?;
        let amplification = first.move_pct.abs() / first.shock_pct.abs();
        (amplification >= RUNAWAY_AT_SMALLEST).then_some((first.shock_pct, amplification))
    }

    /// Where the curve puts the tipping point, in this order: not computed or still computing;
    /// no shock needed ([`Self::flush_without_shock_pct`]); the smallest shock or less
    /// ([`Self::runaway_at_smallest`]); the steepest jump; none.
    pub fn tipping(&self) -> Tipping {
        if self.problem.is_some() {
            Tipping::NotComputed
        } else if !self.is_done() {
            Tipping::Computing
        } else if let Some(moved) = self.flush_without_shock_pct() {
            Tipping::NoShockNeeded(moved)
        } else if let Some((shock, amplification)) = self.runaway_at_smallest() {
            let steepest = self
                .critical_shock_pct
                .filter(|steepest| steepest.abs() > shock.abs());
            Tipping::AtMost(shock, amplification, steepest)
        } else {
            let extent = self.shocks_pct.last().map_or(0.0, |pct| pct.abs());
            self.critical_shock_pct
                .map_or(Tipping::Smooth(extent), |shock| {
                    Tipping::At(shock, self.step_start(shock), self.unlevered_step(shock))
                })
        }
    }

    /// The curve's step ending at `shock`: the indices of its two points (the shock before it,
    /// in the order the curve runs them, `swept_shocks_pct`, and it).
    fn step_ending(&self, shock: f64) -> Option<(usize, usize)> {
        let end = self.points.iter().position(|p| p.shock_pct == shock)?;
        Some((end.checked_sub(1)?, end))
    }

    /// Where the curve's step ending at `shock` starts: the shock before it, or none (0).
    fn step_start(&self, shock: f64) -> f64 {
        self.step_ending(shock)
            .map_or(0.0, |(start, _)| self.points[start].shock_pct)
    }

    /// The 1x curve's step ending at `shock` (the tipping point), when it jumps by at least
    /// [`UNLEVERED_SHARE_OF_STEP`] of what the levered curve jumps on it.
    fn unlevered_step(&self, shock: f64) -> Option<UnleveredStep> {
        let (start, end) = self.step_ending(shock)?;
        let (levered, unlevered) = (&self.points, &self.counterfactual);
        let jump = levered[end].move_pct.abs() - levered[start].move_pct.abs();
        let (from_pct, to_pct) = (
            unlevered.get(start)?.move_pct.abs(),
            unlevered.get(end)?.move_pct.abs(),
        );
        (jump > 0.0 && to_pct - from_pct >= UNLEVERED_SHARE_OF_STEP * jump)
            .then_some(UnleveredStep { from_pct, to_pct })
    }

    /// Runs the next piece (the no-shock run first, then each shock with and without leverage);
    /// returns whether more are left.
    pub fn step(&mut self, session: &mut Session) -> bool {
        if self.problem.is_some() {
            return false;
        }
        let Some(key) = &self.key else {
            return false;
        };
        let up = key.shock.is_up();
        let mut scenario = key.clone();
        if self.no_shock.is_none() {
            scenario.shock.resize(&key.market, 0.0);
            self.no_shock = Some(curve_point(0.0, up, &session.simulate(&scenario)));
            return !self.is_done();
        }
        let Some(&pct) = self.shocks_pct.get(self.points.len()) else {
            return false;
        };
        scenario.shock.resize(&key.market, pct);
        self.points
            .push(curve_point(pct, up, &session.simulate(&scenario)));
        self.counterfactual
            .push(curve_point(pct, up, &session.simulate_unlevered(&scenario)));
        if self.is_done() {
            self.critical_shock_pct = critical_shock_pct(&self.points);
        }
        !self.is_done()
    }
}

/// A curve point from a run: the worst move in the shock's direction (`up`).
fn curve_point(shock_pct: f64, up: bool, outcome: &Outcome) -> SweepPoint {
    let summary = &outcome.summary;
    SweepPoint {
        shock_pct,
        final_price: summary.final_price,
        drawdown_pct: summary.max_drawdown_pct,
        move_pct: if up {
            summary.max_rise_pct
        } else {
            -summary.max_drawdown_pct
        },
        liquidated_notional_usd: summary.liquidated_notional_usd_long
            + summary.liquidated_notional_usd_short,
        amplification: summary.amplification,
    }
}

/// Most positions the phase map's populations hold (a cell is an instant solve on a rebuilt
/// population; the map shows the shape of the tipping line, not a run's exact numbers).
pub const PHASE_POSITIONS: usize = 10_000;
/// Shock sizes across the phase map (1% to 30%).
pub const PHASE_COLUMNS: usize = 30;
/// Values of the second parameter.
pub const PHASE_ROWS: usize = 24;
/// The phase map's lowest mean leverage, unless the scenario's own is lower.
pub const PHASE_LOWEST_LEVERAGE: f64 = 2.0;
/// ...and its highest.
pub const PHASE_HIGHEST_LEVERAGE: f64 = 60.0;

/// The second axis of the phase map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhaseAxis {
    MeanLeverage,
    Depth,
}

/// A phase map being filled row by row: final move over shock x (mean leverage or depth).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PhaseMap {
    /// The scenario the map is for (with its shock size removed: the map sweeps it).
    #[serde(skip)]
    pub key: Option<Scenario>,
    pub axis: Option<PhaseAxis>,
    /// The x values: instant shocks, percent (signed).
    pub shocks_pct: Vec<f64>,
    /// The y values planned (mean leverage, x; or depth within 1%, USD).
    pub values: Vec<f64>,
    /// `rows[y][x]`: final move in the shock's direction, percent; rows done so far.
    pub rows: Vec<Vec<f64>>,
    /// Where the current scenario sits: (shock %, y value).
    pub here: Option<(f64, f64)>,
    /// Why the map cannot be drawn, if it cannot.
    pub problem: Option<String>,
}

/// The part of a scenario a phase map depends on: its shock size is swept, so left out but for
/// how far the map goes ([`sweep_reach_pct`]).
pub fn phase_key(scenario: &Scenario) -> Scenario {
    let mut key = scenario.clone();
    key.shock.kind = ShockKind::Instant;
    key.shock.pct = sweep_reach_pct(scenario, PHASE_COLUMNS);
    key.shock.notional_usd = 0.0;
    key.shock.duration_s = 0.0;
    key
}

impl PhaseMap {
    /// A new, empty map for `scenario` along `axis`.
    pub fn plan(scenario: &Scenario, axis: PhaseAxis, shock_pct: f64) -> PhaseMap {
        let shocks_pct = swept_shocks_pct(scenario, PHASE_COLUMNS);
        let mut map = PhaseMap {
            key: Some(phase_key(scenario)),
            axis: Some(axis),
            shocks_pct,
            ..PhaseMap::default()
        };
        match axis {
            PhaseAxis::MeanLeverage => {
                // 2x to 60x, from lower down for a crowd levered less (2024-08-05's 1.72x), so
                // the scenario's own cross is on the map; spaced evenly in log (each row about
                // 15% more levered than the last), as the chart's axis is: spaced evenly in
                // leverage, the real crowds (1.7-5x) sat in the bottom two rows of 24.
                let own = mean_leverage(scenario);
                let lowest = own.clamp(1.0, PHASE_LOWEST_LEVERAGE);
                let highest = PHASE_HIGHEST_LEVERAGE;
                map.values = (0..PHASE_ROWS)
                    .map(|k| match k {
                        k if k + 1 == PHASE_ROWS => highest,
                        k => lowest * (highest / lowest).powf(k as f64 / (PHASE_ROWS - 1) as f64),
                    })
                    .collect();
                map.here = Some((shock_pct, own));
            }
            PhaseAxis::Depth => match scenario.market.book {
                Book::Levels { .. } => map.problem = Some(text().charts.phase_no_depth.to_string()),
                Book::Linear { depth_1pct_usd } | Book::Power { depth_1pct_usd, .. } => {
                    map.values = (0..PHASE_ROWS)
                        .map(|k| {
                            depth_1pct_usd
                                * 10f64.powf(-1.0 + 2.0 * k as f64 / (PHASE_ROWS - 1) as f64)
                        })
                        .collect();
                    map.here = Some((shock_pct, depth_1pct_usd));
                }
            },
        }
        map
    }

    /// Rows done and rows planned.
    pub fn progress(&self) -> (usize, usize) {
        (self.rows.len(), self.values.len())
    }

    /// Whether every row is done (or the map cannot be drawn).
    pub fn is_done(&self) -> bool {
        self.problem.is_some() || self.rows.len() >= self.values.len()
    }

    /// Computes the next row; returns whether more rows are left.
    pub fn step(&mut self) -> bool {
        if self.is_done() {
            return false;
        }
        let (Some(key), Some(axis)) = (&self.key, self.axis) else {
            return false;
        };
        let scenario = smaller_population(key);
        let parameter = match axis {
            PhaseAxis::MeanLeverage => Parameter::MeanLeverage,
            PhaseAxis::Depth => Parameter::DepthUsd,
        };
        let row = self.rows.len();
        let x = Axis {
            parameter: Parameter::ShockPct,
            market: None,
            values: self.shocks_pct.clone(),
        };
        let y = Axis {
            parameter,
            market: None,
            values: vec![self.values[row]],
        };
        match analysis::grid(&scenario, &x, &y) {
            Ok(grid) => {
                let moves = grid.amplification[0]
                    .iter()
                    .zip(&self.shocks_pct)
                    .map(|(amplification, shock)| amplification * shock.abs())
                    .collect();
                self.rows.push(moves);
            }
            Err(error) => self.problem = Some(crate::codec::problems_text(&error)),
        }
        !self.is_done()
    }
}

/// The scenario with a generated population capped at [`PHASE_POSITIONS`].
fn smaller_population(scenario: &Scenario) -> Scenario {
    let mut smaller = scenario.clone();
    if let Positions::Generate(population) = &mut smaller.positions {
        let buckets = population.leverage_buckets.len().max(1);
        population.count = population.count.min(PHASE_POSITIONS).max(2 * buckets);
    }
    smaller
}

/// Impact scales the cycles tab compares (0: no price impact at all).
pub const RESPONSE_IMPACTS: [f64; 6] = [0.0, 0.25, 0.5, 1.0, 1.5, 2.0];

/// The scenario the leverage cycles run on: its shock size left out (the Monte Carlo draws its
/// own news).
pub fn cycles_key(scenario: &Scenario) -> Scenario {
    phase_key(scenario)
}

/// What of `scenario` the leverage-cycle model leaves out (it runs the crowd, the book's shape
/// and depth and its withdrawal; docs/model.md §14.4), each as the app names it, in the
/// scenario's order: its days are as if these were off.
pub fn cycles_leave_out(scenario: &Scenario) -> Vec<&'static str> {
    let w = &text().charts;
    let traders = &scenario.traders;
    let agents = &scenario.agents;
    [
        (scenario.build_up.is_some(), w.cycles_out_build_up),
        (traders.top_up.is_some(), w.cycles_out_top_up),
        (traders.delever.is_some(), w.cycles_out_delever),
        (traders.stop_losses.is_some(), w.cycles_out_stop_losses),
        (traders.dip_buyers.is_some(), w.cycles_out_dip_buyers),
        (agents.predators.is_some(), w.cycles_out_predators),
        (agents.cppi.is_some(), w.cycles_out_cppi),
        (agents.option_dealers.is_some(), w.cycles_out_dealers),
    ]
    .into_iter()
    .filter_map(|(present, name)| present.then_some(name))
    .collect()
}

/// The leverage-cycle view: one Monte Carlo, then its response to impact, a piece at a time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CyclesView {
    #[serde(skip)]
    pub key: Option<Scenario>,
    pub config: Option<CyclesConfig>,
    pub run: Option<Cycles>,
    pub response: Vec<ResponsePoint>,
    pub problem: Option<String>,
}

/// The crowd the leverage-cycles days run, in words, where the scenario states one for the years
/// around its flush (`Scenario::cycles`) rather than leaving it to its own leverage.
pub fn cycles_crowd_text(scenario: &Scenario) -> Option<String> {
    scenario.cycles.as_ref()?;
    // Two decimals at most, none that are zeros: 2.76, 1.72, 9.
    let leverage = |value: f64| crate::format::needed_decimals(value, 2);
    Some(fill(
        text().charts.cycles_crowd,
        &[
            (
                "stated",
                &leverage(analysis::cycles::crowd_mean_leverage(scenario)),
            ),
            ("own", &leverage(mean_leverage(scenario))),
        ],
    ))
}

/// Why a run outside any realistic regime may be so, where the scenario states no crowd for the
/// years around its flush: every day then runs the flush's own crowd on its own book (Black
/// Thursday's: 7.1 days a year falling 12% or more, unexplained beside 2021's and 2024's stated
/// crowds).
pub fn cycles_own_crowd_text(scenario: &Scenario) -> Option<String> {
    scenario.cycles.is_none().then(|| {
        fill(
            text().charts.cycles_own_crowd,
            &[(
                "own",
                &crate::format::needed_decimals(mean_leverage(scenario), 2),
            )],
        )
    })
}

/// The leverage-cycles run's figures in words: the tails with and without cascades, the skew and
/// the worst and the best day (a short-heavy crowd's squeezes are its best days), against BTC's own, and, where cascades barely fatten the tails, why: a crowd
/// rarely liquidated, or a book deep for its open interest.
///
/// The moments are of log returns (as the histogram and the QQ plot); the worst and best days are
/// said as the price moved those days.
pub fn cycles_stats_text(run: &analysis::Cycles) -> String {
    let words = &text().charts;
    let (with, without) = (&run.stats_with, &run.stats_without);
    let mut line = fill(
        words.cycles_stats,
        &[
            ("with", &crate::format::decimal(with.excess_kurtosis, 1)),
            (
                "without",
                &crate::format::decimal(without.excess_kurtosis, 1),
            ),
            ("skew", &crate::format::decimal(with.skew, 2)),
            // The price's own change (a log return of -47.5% is a 37.8% fall).
            (
                "worst",
                &crate::format::signed_pct(simple_pct(with.worst_day_pct)),
            ),
            (
                "best",
                &crate::format::signed_pct(simple_pct(with.best_day_pct)),
            ),
            // The figures are over every path; the charts draw the first few (a worst day the
            // text named was not on them).
            ("sample", &{
                let paths = run.config.paths as usize;
                let days = (run.config.days as usize).max(1);
                let drawn = run.returns_with_cascades.len() / days;
                if drawn >= paths {
                    words.cycles_sample_all.to_string()
                } else {
                    fill(
                        words.cycles_sample_some,
                        &[("paths", &paths.to_string()), ("drawn", &drawn.to_string())],
                    )
                }
            }),
        ],
    );
    // How often it crashes, beside how fat its tails are: a crowd rebuilt every day at a flush's
    // leverage crashed about 12 days a year with a kurtosis inside BTC's range.
    if with.count > 0 {
        let per_year = with.falls_of_12_pct as f64 / with.count as f64 * 365.0;
        line.push_str(&fill(
            words.cycles_falls,
            &[("per_year", &crate::format::decimal(per_year, 1))],
        ));
    }
    match run.thin_tails() {
        Some(analysis::ThinTails::RareLiquidations) => line.push_str(words.cycles_stats_few),
        Some(analysis::ThinTails::DeepBook) => line.push_str(&fill(
            words.cycles_stats_deep,
            &[
                (
                    "per_day",
                    &crate::format::decimal(run.liquidations_per_day, 1),
                ),
                ("positions", &run.config.positions.to_string()),
                ("walk", &crate::format::percent(run.tenth_sold_walk_pct, 1)),
            ],
        )),
        None => {}
    }
    line
}

/// A log return in percent as the price's change in percent.
fn simple_pct(log_pct: f64) -> f64 {
    (log_pct / 100.0).exp_m1() * 100.0
}

impl CyclesView {
    /// A new, empty view for `scenario`: the app's settings of the Monte Carlo.
    pub fn plan(scenario: &Scenario) -> CyclesView {
        // The engine's defaults, so that `flushlab cycles` shows the same numbers.
        let config = CyclesConfig::default();
        CyclesView {
            key: Some(cycles_key(scenario)),
            config: Some(config),
            ..CyclesView::default()
        }
    }

    /// Pieces done and planned.
    pub fn progress(&self) -> (usize, usize) {
        (
            usize::from(self.run.is_some()) + self.response.len(),
            1 + RESPONSE_IMPACTS.len(),
        )
    }

    pub fn is_done(&self) -> bool {
        let (done, total) = self.progress();
        self.problem.is_some() || self.config.is_none() || done >= total
    }

    /// Computes the next piece; returns whether more are left.
    pub fn step(&mut self) -> bool {
        if self.is_done() {
            return false;
        }
        let (Some(key), Some(config)) = (&self.key, &self.config) else {
            return false;
        };
        if self.run.is_none() {
            match analysis::cycles(key, config) {
                Ok(run) => self.run = Some(run),
                Err(error) => self.problem = Some(crate::codec::problems_text(&error)),
            }
        } else {
            let value = RESPONSE_IMPACTS[self.response.len()];
            match analysis::cycles_response(key, config, ResponseAxis::Impact, &[value]) {
                Ok(mut points) => self.response.append(&mut points),
                Err(error) => self.problem = Some(crate::codec::problems_text(&error)),
            }
        }
        !self.is_done()
    }
}

/// The scenario on every venue profile, beside the scenario as set: one run per piece, the
/// scenario's own venue first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VenuesView {
    #[serde(skip)]
    pub key: Option<Scenario>,
    /// One per run so far: the scenario as set (venue ""), then each profile in order.
    pub rows: Vec<VenueRow>,
    /// Each run's last price at the start and after every step.
    pub paths: Vec<Vec<f64>>,
    /// The runs' step length, seconds.
    pub step_s: f64,
    /// Why the comparison is not computed (its work is over [`PAGE_CURVE_S`]), if it is not.
    pub problem: Option<String>,
}

impl VenuesView {
    /// A new, empty comparison for `scenario`.
    pub fn plan(scenario: &Scenario) -> VenuesView {
        let runs = 1 + venue_profiles().len();
        let one = budget::run(scenario);
        let problem = budget::Estimate {
            seconds: one.seconds * runs as f64,
            reduce: one.reduce,
        }
        .check(Work::Sweep, PAGE_CURVE_S)
        .err()
        .map(|error| crate::codec::problems_text(&error));
        VenuesView {
            key: Some(scenario.clone()),
            step_s: scenario.run.step_s,
            problem,
            ..VenuesView::default()
        }
    }

    /// Runs done and planned.
    pub fn progress(&self) -> (usize, usize) {
        if self.problem.is_some() {
            return (0, 0);
        }
        (self.rows.len(), 1 + venue_profiles().len())
    }

    pub fn is_done(&self) -> bool {
        let (done, total) = self.progress();
        self.problem.is_some() || self.key.is_none() || done >= total
    }

    /// Runs the next venue on `session` (its own, so the page's population stays cached);
    /// returns whether more are left.
    pub fn step(&mut self, session: &mut Session) -> bool {
        if self.is_done() {
            return false;
        }
        let Some(key) = &self.key else {
            return false;
        };
        let next = self.rows.len();
        let (venue, name, scenario) = match next.checked_sub(1) {
            None => ("", text().charts.venues_as_set, key.clone()),
            Some(k) => {
                let profile = &venue_profiles()[k];
                (profile.id, profile.name, analysis::on_venue(key, profile))
            }
        };
        let outcome = session.simulate(&scenario);
        self.rows.push(VenueRow::new(venue, name, &outcome.summary));
        self.paths.push(
            std::iter::once(outcome.summary.start_price)
                .chain(outcome.steps.iter().map(|step| step.last))
                .collect(),
        );
        !self.is_done()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flushlab_engine::presets;

    fn with_count(name: &str, count: usize) -> Scenario {
        let mut scenario = presets::find(name).expect("a preset").scenario;
        let Positions::Generate(population) = &mut scenario.positions else {
            panic!("{name} generates its positions");
        };
        population.count = count;
        scenario.validate().expect("still a valid scenario");
        scenario
    }

    #[test]
    fn the_cycles_figures_say_why_a_crowd_barely_fattens_its_tails() {
        let scenario = presets::find("calm-market").unwrap().scenario;
        let small = analysis::CyclesConfig {
            paths: 2,
            days: 30,
            ..analysis::CyclesConfig::default()
        };
        let base = analysis::cycles(&scenario, &small).unwrap();
        let with = |kurtosis: f64, without: f64, per_day: f64| {
            let stats = |kurtosis: f64| analysis::ReturnStats {
                excess_kurtosis: kurtosis,
                skew: -0.5,
                worst_day_pct: -12.25,
                best_day_pct: 8.44,
                // 2 of 4 days fall 12% or more: half of a year's 365 days.
                ..analysis::ReturnStats::of(&[1.0, -13.0, 0.5, -20.0])
            };
            analysis::Cycles {
                stats_with: stats(kurtosis),
                stats_without: stats(without),
                liquidations_per_day: per_day,
                tenth_sold_walk_pct: 1.2114,
                ..base.clone()
            }
        };
        let fat = cycles_stats_text(&with(14.6, 0.2, 1.3));
        assert_eq!(
            fat,
            "With cascades, the daily returns have excess kurtosis 14.6 (the news alone: 0.2) and skew -0.50 (log returns, as the histogram); the worst day moved the price -11.5% and the best +8.8%; BTC's own daily returns show excess kurtosis of about 4 to 5 over one-year windows and 8 to 26 over multi-year samples. Days that fall 12% or more: 182.5 a year (BTC had 16 from September 2017 to February 2026, about 2 a year, by Binance's daily closes)."
        );
        // Figures over more paths than the charts draw say so.
        let more_paths = analysis::Cycles {
            config: analysis::CyclesConfig {
                paths: 60,
                ..base.config.clone()
            },
            ..with(14.6, 0.2, 1.3)
        };
        assert!(
            cycles_stats_text(&more_paths).contains(
                "(log returns over all 60 paths; the histogram and the QQ plot draw 2 of them)"
            ),
            "{}",
            cycles_stats_text(&more_paths)
        );
        let rare = cycles_stats_text(&with(0.7, 0.0, 0.07));
        assert!(rare.contains("too lightly levered"), "{rare}");
        let deep = cycles_stats_text(&with(0.2, 0.0, 3.08));
        assert!(
            deep.ends_with("This crowd is liquidated every day (about 3.1 of its 400 positions), but its book is deep for its open interest: a tenth of the open interest sold in one day would move the price only 1.2% before market makers withdraw, so its cascades stay small and its days close to the news alone."),
            "{deep}"
        );
    }

    #[test]
    fn every_preset_runs_and_draws_its_curve_without_asking() {
        for preset in presets::all() {
            assert_eq!(
                run_allowed(&preset.scenario, 0.0),
                Ok(()),
                "{}",
                preset.name
            );
            let curve = CurveView::plan(&preset.scenario);
            assert_eq!(curve.problem, None, "{}", preset.name);
            let planned = curve_shocks_pct(&preset.scenario).len() + 1;
            assert_eq!(curve.progress(), (0, planned), "{}", preset.name);
            assert!(planned > CURVE_SHOCKS, "{}", preset.name);
        }
    }

    #[test]
    fn a_crowd_that_flushes_with_no_shock_needs_none_to_tip_it() {
        let mut session = Session::default();
        let mut without_shock = |name: &str| {
            let mut curve = CurveView::plan(&presets::find(name).expect("a preset").scenario);
            assert!(curve.step(&mut session), "the no-shock run comes first");
            assert!(curve.points.is_empty());
            let no_shock = curve.no_shock.clone().expect("run");
            assert_eq!(no_shock.shock_pct, 0.0);
            (no_shock.move_pct, curve.flush_without_shock_pct())
        };
        // The funding build-up bleeds the longs into a flush of its own.
        let (moved, flush) = without_shock("funding-bleed");
        assert!(moved < -FLUSH_WITHOUT_SHOCK_PCT, "{moved}");
        assert_eq!(flush, Some(-moved));
        // Predators need no shock: their selling alone tips the longs' cluster 3% below.
        let (moved, flush) = without_shock("predators-at-work");
        assert!(moved < -FLUSH_WITHOUT_SHOCK_PCT, "{moved}");
        assert_eq!(flush, Some(-moved));
        // The default's crowd does not move without a shock: its curve's jump is the tipping
        // point.
        let (moved, flush) = without_shock("over-levered-longs");
        assert!((-FLUSH_WITHOUT_SHOCK_PCT..=0.0).contains(&moved), "{moved}");
        assert_eq!(flush, None);
        // A squeeze's curve measures rises.
        let (moved, _) = without_shock("short-squeeze");
        assert!(moved >= 0.0, "{moved}");
    }

    #[test]
    fn the_cycles_tab_names_the_crowd_a_scenario_states_for_the_years_around_its_flush() {
        let scenario = |name: &str| presets::find(name).expect("a preset").scenario;
        let yen = cycles_crowd_text(&scenario("btc-2024-08-05")).expect("2024 states its crowd");
        assert!(
            yen.contains("leverage of 2.69x") && yen.contains("averages 1.79x"),
            "{yen}"
        );
        let china = cycles_crowd_text(&scenario("btc-2021-05-19")).expect("so does 2021");
        assert!(
            china.contains("leverage of 7.37x") && china.contains("averages 4.09x"),
            "{china}"
        );
        assert_eq!(cycles_crowd_text(&scenario("over-levered-longs")), None);
        // Without a stated crowd, an unrealistic run says it runs the flush's own every day.
        let thursday = scenario("bitmex-2020-03-12");
        let own = cycles_own_crowd_text(&thursday).expect("Black Thursday states none");
        assert!(
            own.contains(&format!(
                "mean leverage {}x",
                crate::format::needed_decimals(mean_leverage(&thursday), 2)
            )),
            "{own}"
        );
        assert_eq!(cycles_own_crowd_text(&scenario("btc-2024-08-05")), None);
    }

    #[test]
    fn the_cycles_tab_names_what_its_model_leaves_out() {
        let scenario = |name: &str| presets::find(name).expect("a preset").scenario;
        assert!(cycles_leave_out(&scenario("over-levered-longs")).is_empty());
        assert_eq!(
            cycles_leave_out(&scenario("portfolio-insurance")),
            vec!["portfolio insurance (CPPI)"]
        );
        assert_eq!(
            cycles_leave_out(&scenario("dealers-short-gamma")),
            vec!["option dealers' hedging"]
        );
        assert!(cycles_leave_out(&scenario("funding-bleed")).contains(&"the funding build-up"));
        assert!(cycles_leave_out(&scenario("predators-at-work")).contains(&"predators"));
    }

    /// A curve point with a move and nothing else.
    fn point(shock_pct: f64, move_pct: f64) -> SweepPoint {
        SweepPoint {
            shock_pct,
            final_price: 0.0,
            drawdown_pct: -move_pct,
            move_pct,
            liquidated_notional_usd: 0.0,
            amplification: move_pct / shock_pct,
        }
    }

    #[test]
    fn a_smallest_shock_that_already_runs_away_is_the_tipping_point_or_above_it() {
        let mut curve = CurveView {
            points: vec![point(-1.0, -3.9), point(-2.0, -6.0)],
            ..CurveView::default()
        };
        assert_eq!(curve.runaway_at_smallest(), None, "3.9x is short of it");
        curve.points[0] = point(-1.0, -5.8);
        assert_eq!(curve.runaway_at_smallest(), Some((-1.0, 5.8)));
        curve.points[0] = point(1.0, 4.0);
        assert_eq!(
            curve.runaway_at_smallest(),
            Some((1.0, 4.0)),
            "a squeeze's too"
        );
        assert_eq!(CurveView::default().runaway_at_smallest(), None);
    }

    /// A curve whose 1% shock already runs away (6.7x) and whose second wave jumps further out
    /// (Black Thursday's, on the thinner book it was fitted to before its two-leg path): the card
    /// names both, not the jump alone nor the runaway alone.
    #[test]
    fn a_runaway_at_the_smallest_shock_keeps_the_steeper_jump_further_out() {
        let finished = |points: Vec<SweepPoint>| {
            let mut curve = CurveView {
                shocks_pct: points.iter().map(|p| p.shock_pct).collect(),
                no_shock: Some(point(0.0, 0.0)),
                points,
                ..CurveView::default()
            };
            curve.critical_shock_pct = critical_shock_pct(&curve.points);
            curve.tipping()
        };
        let second_wave = vec![point(-1.0, -6.7), point(-8.0, -13.0), point(-9.0, -27.0)];
        assert_eq!(
            finished(second_wave),
            Tipping::AtMost(-1.0, 6.7, Some(-9.0))
        );
        let gentle_after = vec![point(-1.0, -6.7), point(-8.0, -9.0), point(-9.0, -10.0)];
        assert_eq!(finished(gentle_after), Tipping::AtMost(-1.0, 6.7, None));
        let no_runaway = vec![point(-1.0, -1.5), point(-8.0, -13.0), point(-9.0, -27.0)];
        assert_eq!(finished(no_runaway), Tipping::At(-9.0, -8.0, None));
    }

    /// 2024-08-05's curve: its steepest step (3% to 4%) is mostly the crowd's stop-losses,
    /// which fire at 1x too; the card says so. A step the 1x curve barely takes is leverage's.
    #[test]
    fn a_tipping_step_the_unlevered_curve_takes_too_is_said_to_need_no_leverage() {
        let finished = |levered: Vec<SweepPoint>, unlevered: Vec<SweepPoint>| {
            let mut curve = CurveView {
                shocks_pct: levered.iter().map(|p| p.shock_pct).collect(),
                no_shock: Some(point(0.0, 0.0)),
                points: levered,
                counterfactual: unlevered,
                ..CurveView::default()
            };
            curve.critical_shock_pct = critical_shock_pct(&curve.points);
            curve.tipping()
        };
        let levered = vec![point(-2.0, -2.5), point(-3.0, -3.7), point(-4.0, -6.8)];
        let stops = vec![point(-2.0, -2.4), point(-3.0, -3.6), point(-4.0, -5.7)];
        assert_eq!(
            finished(levered.clone(), stops),
            Tipping::At(
                -4.0,
                -3.0,
                Some(UnleveredStep {
                    from_pct: 3.6,
                    to_pct: 5.7
                })
            )
        );
        let flat = vec![point(-2.0, -2.0), point(-3.0, -3.0), point(-4.0, -4.2)];
        assert_eq!(finished(levered, flat), Tipping::At(-4.0, -3.0, None));
    }

    /// The presets' own curves: 2024's tipping step is its stop-losses' (a trader's review read
    /// "tipping point -4%" beside 1.08x and 0.3% within 5% as a contradiction); 2025's, the
    /// over-levered longs' and the short squeeze's are leverage's.
    #[test]
    fn the_presets_tipping_steps_name_selling_that_needs_no_leverage_where_it_is_most() {
        let tipping = |name: &str| {
            let scenario = presets::find(name).expect("a preset").scenario;
            let mut session = Session::new();
            let mut curve = CurveView::plan(&scenario);
            while curve.step(&mut session) {}
            curve.tipping()
        };
        let Tipping::At(shock, _, Some(step)) = tipping("btc-2024-08-05") else {
            panic!("{:?}", tipping("btc-2024-08-05"));
        };
        assert!(
            shock < 0.0 && step.to_pct > step.from_pct,
            "{shock} {step:?}"
        );
        for name in ["btc-2025-10-10", "over-levered-longs", "short-squeeze"] {
            assert!(
                matches!(tipping(name), Tipping::At(_, _, None)),
                "{name}: {:?}",
                tipping(name)
            );
        }
    }

    #[test]
    fn a_run_over_the_page_budget_waits_until_the_user_agrees_to_that_much_work() {
        // Valid (within the engine's 30 s budget), and over the page's 5 s.
        let heavy = with_count("over-levered-longs", 2_000_000);
        let why = run_allowed(&heavy, 0.0).expect_err("held back");
        assert!(
            why[0].contains("this scenario may take up to about"),
            "{why:?}"
        );
        assert!(why[0].contains("positions.generate.count"), "{why:?}");
        assert!(why
            .iter()
            .any(|line| line.contains("A run estimated over 5 s waits for you to ask")));
        let agreed = budget::run(&heavy).seconds;
        assert_eq!(run_allowed(&heavy, agreed), Ok(()));
        // Agreeing to that much work covers lighter scenarios, not heavier ones.
        assert_eq!(
            run_allowed(&with_count("over-levered-longs", 1_000_000), agreed),
            Ok(())
        );
        let mut heavier = heavy.clone();
        heavier.run.steps *= 2;
        if heavier.validate().is_ok() {
            assert!(run_allowed(&heavier, agreed).is_err());
        }
    }

    #[test]
    fn the_sweeps_reach_past_the_scenarios_own_shock() {
        let default = flushlab_engine::presets::default_scenario();
        let shocks = curve_shocks_pct(&default);
        assert_eq!(shocks.len(), CURVE_SHOCKS);
        assert_eq!((shocks[0], shocks[CURVE_SHOCKS - 1]), (-1.0, -40.0));
        let black_thursday = flushlab_engine::presets::find("bitmex-2020-03-12")
            .expect("preset")
            .scenario;
        assert!(black_thursday.shock.pct < -45.0);
        let shocks = curve_shocks_pct(&black_thursday);
        assert_eq!(&shocks[CURVE_SHOCKS - 1..], &[-40.0, -45.0, -50.0]);
        assert_eq!(
            CurveView::plan(&black_thursday).progress(),
            (0, shocks.len() + 1)
        );
        let yen = flushlab_engine::presets::find("btc-2024-08-05")
            .expect("preset")
            .scenario;
        let phase = PhaseMap::plan(&yen, PhaseAxis::MeanLeverage, -14.65);
        let own = mean_leverage(&yen);
        assert!(own < PHASE_LOWEST_LEVERAGE);
        assert_eq!(
            phase.values.first().copied(),
            Some(own),
            "its own leverage is a row"
        );
        let phase = PhaseMap::plan(&default, PhaseAxis::MeanLeverage, -7.0);
        assert_eq!(phase.values.first().copied(), Some(PHASE_LOWEST_LEVERAGE));
        assert_eq!(phase.values.last().copied(), Some(PHASE_HIGHEST_LEVERAGE));
        // Even in log, as the chart's axis is: a third of the rows lie below 6x, where the
        // historical crowds are.
        let ratio = phase.values[1] / phase.values[0];
        assert!(phase
            .values
            .windows(2)
            .all(|pair| (pair[1] / pair[0] - ratio).abs() < 1e-9));
        assert!(phase.values.iter().filter(|&&value| value < 6.0).count() >= PHASE_ROWS / 3);
        let phase = PhaseMap::plan(&black_thursday, PhaseAxis::MeanLeverage, -49.94);
        assert_eq!(
            &phase.shocks_pct[PHASE_COLUMNS - 1..],
            &[-30.0, -35.0, -40.0, -45.0, -50.0]
        );
        // A shock within the sweeps' dense part does not change what they are for.
        let mut smaller = default.clone();
        smaller.shock.pct = -12.0;
        assert_eq!(curve_key(&smaller), curve_key(&default));
        assert_eq!(phase_key(&smaller), phase_key(&default));
        assert_ne!(curve_key(&black_thursday).shock.pct, -40.0);
    }

    #[test]
    fn a_curve_over_its_budget_is_not_computed_and_says_what_to_reduce() {
        let heavy = with_count("over-levered-longs", 1_000_000);
        let mut curve = CurveView::plan(&heavy);
        let problem = curve.problem.clone().expect("over the curve's budget");
        assert!(
            problem
                .contains("the amplification curve (two runs per shock size) may take up to about"),
            "{problem}"
        );
        assert!(problem.contains("positions.generate.count"), "{problem}");
        assert!(curve.is_done());
        assert_eq!(curve.progress(), (0, 0));
        let mut session = Session::default();
        assert!(!curve.step(&mut session));
        assert!(curve.points.is_empty());
    }

    #[test]
    fn the_venues_comparison_runs_the_scenario_as_set_then_every_profile() {
        let scenario = presets::find("over-levered-longs")
            .expect("a preset")
            .scenario;
        let mut venues = VenuesView::plan(&scenario);
        assert_eq!(venues.problem, None);
        assert_eq!(venues.progress(), (0, 1 + venue_profiles().len()));
        let mut session = Session::default();
        while venues.step(&mut session) {}
        assert!(venues.is_done());
        assert_eq!(venues.rows.len(), 1 + venue_profiles().len());
        assert_eq!(venues.paths.len(), venues.rows.len());
        // The first row is the scenario as set; each other is its profile's run, as the CLI's
        // compare-venues computes it.
        let own = flushlab_engine::simulate(&scenario).expect("valid");
        assert_eq!(
            venues.rows[0],
            VenueRow::new("", text().charts.venues_as_set, &own.summary)
        );
        assert_eq!(venues.paths[0].len(), own.steps.len() + 1);
        for (row, profile) in venues.rows[1..].iter().zip(venue_profiles()) {
            let run =
                flushlab_engine::simulate(&analysis::on_venue(&scenario, profile)).expect("valid");
            assert_eq!(*row, VenueRow::new(profile.id, profile.name, &run.summary));
        }
        // Different rules, different flushes.
        let troughs: Vec<f64> = venues.rows.iter().map(|row| row.max_drawdown_pct).collect();
        assert!(
            troughs.windows(2).any(|pair| pair[0] != pair[1]),
            "{troughs:?}"
        );
    }
}
