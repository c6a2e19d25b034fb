//! The heavy analyses (phase map, leverage cycles), computed a piece at a time so the page can
//! run them between frames: each `step` does one small piece and says whether more is left.

use flushlab_engine::analysis::cycles::{ResponseAxis, ResponsePoint};
use flushlab_engine::analysis::sweep::critical_shock_pct;
use flushlab_engine::analysis::{
    self, grid::mean_leverage, Axis, Cycles, CyclesConfig, Parameter, SweepPoint,
};
use flushlab_engine::scenario::{Book, Positions, ShockKind};
use flushlab_engine::Outcome;
use flushlab_engine::Scenario;

use crate::session::Session;

/// Shock sizes of the amplification curve: 1% to 40% of the start price.
pub const CURVE_SHOCKS: usize = 40;

/// The amplification curve being filled shock by shock: each point is a full timeline run of
/// the scenario with its shock resized (same kind), and the same with every position at 1x.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CurveView {
    /// The scenario the curve is for, its shock size removed (kind, direction, duration kept).
    pub key: Option<Scenario>,
    /// Signed shock sizes, percent.
    pub shocks_pct: Vec<f64>,
    pub points: Vec<SweepPoint>,
    pub counterfactual: Vec<SweepPoint>,
    /// Where the final move jumps most (once the curve is complete), if it jumps at all.
    pub critical_shock_pct: Option<f64>,
}

/// The part of a scenario the amplification curve depends on: all but its shock's size.
pub fn curve_key(scenario: &Scenario) -> Scenario {
    let up = scenario.shock.is_up();
    let mut key = scenario.clone();
    key.shock.pct = if up { 1.0 } else { -1.0 };
    key.shock.notional_usd = if up { -1.0 } else { 1.0 };
    key
}

impl CurveView {
    /// A new, empty curve for `scenario`.
    pub fn plan(scenario: &Scenario) -> CurveView {
        let direction = if scenario.shock.is_up() { 1.0 } else { -1.0 };
        CurveView {
            key: Some(curve_key(scenario)),
            shocks_pct: (1..=CURVE_SHOCKS).map(|k| direction * k as f64).collect(),
            ..CurveView::default()
        }
    }

    /// Shocks done and planned.
    pub fn progress(&self) -> (usize, usize) {
        (self.points.len(), self.shocks_pct.len())
    }

    pub fn is_done(&self) -> bool {
        self.key.is_none() || self.points.len() >= self.shocks_pct.len()
    }

    /// Runs the next shock (with and without leverage); returns whether more are left.
    pub fn step(&mut self, session: &mut Session) -> bool {
        let Some(key) = &self.key else {
            return false;
        };
        let Some(&pct) = self.shocks_pct.get(self.points.len()) else {
            return false;
        };
        let mut scenario = key.clone();
        scenario.shock.resize(&key.market, pct);
        self.points
            .push(curve_point(pct, &session.simulate(&scenario)));
        self.counterfactual
            .push(curve_point(pct, &session.simulate_unlevered(&scenario)));
        if self.is_done() {
            self.critical_shock_pct = critical_shock_pct(&self.points);
        }
        !self.is_done()
    }
}

/// A curve point from a run: the worst move in the shock's direction.
fn curve_point(shock_pct: f64, outcome: &Outcome) -> SweepPoint {
    let summary = &outcome.summary;
    SweepPoint {
        shock_pct,
        final_price: summary.final_price,
        drawdown_pct: summary.max_drawdown_pct,
        move_pct: if shock_pct > 0.0 {
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

/// The second axis of the phase map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhaseAxis {
    MeanLeverage,
    Depth,
}

/// A phase map being filled row by row: final move over shock x (mean leverage or depth).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PhaseMap {
    /// The scenario the map is for (with its shock size removed: the map sweeps it).
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

/// The part of a scenario a phase map depends on (its shock size is swept, so left out).
pub fn phase_key(scenario: &Scenario) -> Scenario {
    let mut key = scenario.clone();
    let up = scenario.shock.is_up();
    key.shock.kind = ShockKind::Instant;
    key.shock.pct = if up { 1.0 } else { -1.0 };
    key.shock.notional_usd = 0.0;
    key.shock.duration_s = 0.0;
    key
}

impl PhaseMap {
    /// A new, empty map for `scenario` along `axis`.
    pub fn plan(scenario: &Scenario, axis: PhaseAxis, shock_pct: f64) -> PhaseMap {
        let direction = if scenario.shock.is_up() { 1.0 } else { -1.0 };
        let shocks_pct = (1..=PHASE_COLUMNS).map(|k| direction * k as f64).collect();
        let mut map = PhaseMap {
            key: Some(phase_key(scenario)),
            axis: Some(axis),
            shocks_pct,
            ..PhaseMap::default()
        };
        match axis {
            PhaseAxis::MeanLeverage => {
                map.values = Axis::linspace(Parameter::MeanLeverage, 2.0, 60.0, PHASE_ROWS).values;
                map.here = Some((shock_pct, mean_leverage(scenario)));
            }
            PhaseAxis::Depth => match scenario.market.book {
                Book::Levels { .. } => {
                    map.problem = Some(
                        "This scenario's book is an explicit price ladder: it has no single depth to vary."
                            .to_string(),
                    )
                }
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
            values: self.shocks_pct.clone(),
        };
        let y = Axis {
            parameter,
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

/// The leverage-cycle view: one Monte Carlo, then its response to impact, a piece at a time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CyclesView {
    pub key: Option<Scenario>,
    pub config: Option<CyclesConfig>,
    pub run: Option<Cycles>,
    pub response: Vec<ResponsePoint>,
    pub problem: Option<String>,
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
        self.problem.is_some() || self.key.is_none() || done >= total
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
