//! The live loop. Every change (an edit, the playback cursor, the theme, a chart appearing)
//! requests a frame ([`Live::wire`] is the one place that says which changes); at most one
//! frame's work runs per animation frame ([`Frame`]). A frame runs the engine if the scenario
//! changed (`flush:simulate`), then redraws the charts whose figures changed (`flush:render`,
//! measured from the first input since the last frame). Heavy analyses (phase map, leverage
//! cycles) start once input has been quiet for a moment and run one small piece per timer tick,
//! so they never hold up a drag. The hop-by-hop path from a pointer move to a redraw is in
//! docs/app.md.

use std::sync::Arc;

use flushlab_engine::{Outcome, Scenario};
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::analyses::{
    curve_key, cycles_key, phase_key, run_allowed, CurveView, CyclesView, PhaseAxis, PhaseMap,
};
use crate::charts::{Registry, Snapshot};
use crate::session::Session;
use crate::state::{AppState, Tab};
use crate::{browser, crash_guard};

/// Quiet time before heavy analyses start, milliseconds.
const ANALYSIS_DELAY_MS: u32 = 250;
/// User Timing entries kept before the oldest are cleared (memory stays flat).
const MAX_MEASURES: u32 = 2_000;

/// Mutable state of the loop (not reactive; read and written inside frames).
#[derive(Default)]
struct Inner {
    session: Session,
    ran_for: Option<Scenario>,
    outcome: Option<Arc<Outcome>>,
    curve: CurveView,
    phase: PhaseMap,
    cycles: CyclesView,
    /// Where the loop is between animation frames.
    frame: Frame,
    /// The analysis timer (replacing it cancels the previous one).
    analysis_timer: Option<Timeout>,
    measures: u32,
    /// The most estimated work (seconds) the user agreed to wait for ("Run it").
    approved_s: f64,
}

/// Where the loop stands in the browser's animation frames. A request in an idle frame draws at
/// once (an input is drawn in the frame it arrives in); a request after that waits for the next
/// frame, and all requests in between collapse into one draw. After every draw the next frame is
/// asked for, to return to `Idle`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Frame {
    /// Nothing drawn since the last animation frame began, and no frame asked for.
    #[default]
    Idle,
    /// Drawn in this animation frame; the next one is asked for and finds nothing to do.
    Drawn,
    /// Drawn in this animation frame, and more work came in: the next frame draws it.
    /// `input`: a user input is among it (its `flush:input` mark starts `flush:render`).
    Waiting { input: bool },
}

/// Where the amplification curve puts the tipping point: the smallest shock that runs away.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tipping {
    /// The curve is still being computed.
    Computing,
    /// At this shock (percent, signed).
    At(f64),
    /// The flush grows smoothly with the shock: no sharp tipping point up to 40%.
    Smooth,
    /// The curve is over the page's budget and not computed.
    NotComputed,
}

impl Tipping {
    fn of(curve: &CurveView) -> Tipping {
        if curve.problem.is_some() {
            Tipping::NotComputed
        } else if !curve.is_done() {
            Tipping::Computing
        } else {
            curve
                .critical_shock_pct
                .map_or(Tipping::Smooth, Tipping::At)
        }
    }
}

/// Why a frame is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// Something on screen changed (the scenario, the playback cursor, the theme, the view, a
    /// chart appearing): measured as `flush:render`; when the scenario changed, the frame is a
    /// drag frame (charts may move with held ranges).
    Input,
    /// An analysis piece finished: the frame draws every chart exactly and is not measured.
    Analysis,
}

/// Handle to the loop; `Copy`.
#[derive(Clone, Copy)]
pub struct Live {
    inner: StoredValue<Inner, LocalStorage>,
    frame_callback: StoredValue<Option<Closure<dyn FnMut()>>, LocalStorage>,
    state: AppState,
    registry: Registry,
    /// The latest outcome, for the summary and exports.
    pub outcome: RwSignal<Option<Arc<Outcome>>>,
    /// The phase map's second axis.
    pub phase_axis: RwSignal<PhaseAxis>,
    /// (done, total) pieces of the analyses shown: phase map, cycles.
    pub phase_progress: RwSignal<(usize, usize)>,
    pub cycles_progress: RwSignal<(usize, usize)>,
    /// Why the leverage-cycles run is outside any realistic regime (empty: it is inside).
    pub cycles_unrealistic: RwSignal<Vec<String>>,
    /// The leverage monitor of the population that ran (it changes with the population, not
    /// with the shock).
    pub monitor: RwSignal<Option<flushlab_engine::analysis::Monitor>>,
    /// Where the amplification curve puts the tipping point.
    pub tipping: RwSignal<Tipping>,
    /// Why the scenario shown in the controls is not run yet (its work is over the page's
    /// budget: `analyses::run_allowed`); `None` once it runs.
    pub held: RwSignal<Option<Vec<String>>>,
}

impl Live {
    pub fn new(state: AppState, registry: Registry) -> Live {
        let live = Live {
            inner: StoredValue::new_local(Inner::default()),
            frame_callback: StoredValue::new_local(None),
            state,
            registry,
            outcome: RwSignal::new(None),
            phase_axis: RwSignal::new(PhaseAxis::MeanLeverage),
            phase_progress: RwSignal::new((0, 0)),
            cycles_progress: RwSignal::new((0, 0)),
            cycles_unrealistic: RwSignal::new(Vec::new()),
            held: RwSignal::new(None),
            monitor: RwSignal::new(None),
            tipping: RwSignal::new(Tipping::Computing),
        };
        let callback = Closure::<dyn FnMut()>::new(move || live.on_animation_frame());
        live.frame_callback.set_value(Some(callback));
        live.wire();
        live
    }

    /// What the loop follows: every change the charts depend on asks for a frame, and a change
    /// of tab or phase axis resumes the analyses for what is shown.
    fn wire(&self) {
        let live = *self;
        let state = self.state;
        let registry = self.registry;
        // Every change the charts depend on asks for a frame.
        Effect::new(move |_| {
            state.scenario.track();
            state.theme.track();
            state.playback.with(|playback| playback.cursor);
            registry.added.track();
            live.request(Cause::Input);
        });
        // The tab and the phase axis decide which analysis runs (not on the first run: the
        // scenario's first frame plans them).
        Effect::new(move |first: Option<()>| {
            state.tab.track();
            live.phase_axis.track();
            if first.is_some() {
                live.view_changed();
            }
        });
    }

    /// Asks for a frame: drawn at once if none was drawn in this animation frame, else in the
    /// next one.
    pub fn request(&self, cause: Cause) {
        let input = cause == Cause::Input;
        let Some(before) = self.inner.try_update_value(|inner| {
            let before = inner.frame;
            inner.frame = match before {
                Frame::Idle => Frame::Idle,
                Frame::Drawn => Frame::Waiting { input },
                Frame::Waiting { input: waiting } => Frame::Waiting {
                    input: waiting || input,
                },
            };
            before
        }) else {
            return;
        };
        if input && before != (Frame::Waiting { input: true }) {
            browser::mark("flush:input");
        }
        if before == Frame::Idle {
            self.draw(input);
        }
    }

    /// Asks the browser for the next animation frame (after a draw); without one (no window),
    /// the loop goes back to idle and the next request draws at once.
    fn ask_for_next_frame(&self) {
        let scheduled = self.frame_callback.with_value(|callback| {
            let window = web_sys::window()?;
            let function = callback.as_ref()?.as_ref().unchecked_ref();
            window.request_animation_frame(function).ok()
        });
        if scheduled.is_none() {
            self.inner.update_value(|inner| inner.frame = Frame::Idle);
        }
    }

    fn on_animation_frame(&self) {
        let frame = self
            .inner
            .try_update_value(|inner| std::mem::take(&mut inner.frame))
            .unwrap_or_default();
        if let Frame::Waiting { input } = frame {
            self.draw(input);
        }
    }

    /// One frame's work: the engine if the scenario changed, then the charts. `input`: a user
    /// input is being drawn (it ends `flush:render`).
    fn draw(&self, input: bool) {
        let scenario = self.state.scenario.get_untracked();
        let axis = self.phase_axis.get_untracked();
        let mut new_outcome = None;
        let mut new_monitor = None;
        let mut held = None;
        self.inner.update_value(|inner| {
            inner.frame = Frame::Drawn;
            if inner.ran_for.as_ref() == Some(&scenario) {
                return;
            }
            if let Err(mut why) = run_allowed(&scenario, inner.approved_s) {
                why.push(if inner.outcome.is_some() {
                    crate::catalogue::text::text()
                        .notices
                        .held_previous
                        .to_string()
                } else {
                    crate::catalogue::text::text()
                        .notices
                        .held_nothing
                        .to_string()
                });
                held = Some(why);
            } else {
                browser::mark("flush:simulate-start");
                crash_guard::begin();
                let outcome = Arc::new(inner.session.simulate(&scenario));
                crash_guard::end();
                browser::measure("flush:simulate", "flush:simulate-start");
                inner.outcome = Some(outcome.clone());
                // The monitor reads the population: only a change beyond the shock (one that
                // plans a new amplification curve) moves it.
                if refresh_analyses(inner, &scenario, axis) {
                    new_monitor = Some(inner.session.monitor());
                }
                inner.ran_for = Some(scenario);
                new_outcome = Some(outcome);
            }
        });
        if self.held.with_untracked(|shown| *shown != held) {
            self.held.set(held);
        }
        if let Some(monitor) = new_monitor {
            self.monitor.set(monitor);
        }
        let scenario_changed = new_outcome.is_some();
        if let Some(outcome) = new_outcome {
            self.count_measure();
            self.outcome.set(Some(outcome));
            self.schedule_analyses();
            self.publish_progress();
        }
        // A frame that draws an edit of the scenario is part of a drag: charts may be moved
        // with held ranges. Every other frame (playback, theme, analyses, which also follow
        // each drag once it settles) draws them exactly.
        self.render(input, input && scenario_changed);
        self.ask_for_next_frame();
    }

    /// Redraws the charts; `input`: measure `flush:render` from the input's mark.
    fn render(&self, input: bool, dragging: bool) {
        let theme = self.state.theme.get_untracked();
        let cursor = self
            .state
            .playback
            .with_untracked(|playback| playback.cursor);
        let registry = self.registry;
        let drawn = self.inner.with_value(|inner| {
            let (Some(scenario), Some(outcome)) = (&inner.ran_for, &inner.outcome) else {
                return None;
            };
            let snapshot = Snapshot {
                scenario,
                outcome,
                curve: &inner.curve,
                phase: &inner.phase,
                cycles: &inner.cycles,
                cursor,
                theme,
            };
            Some(registry.redraw(&snapshot, dragging))
        });
        if let (Some(animated), true) = (drawn, input) {
            if animated {
                browser::measure_after_microtasks("flush:render", "flush:input");
            } else {
                browser::measure("flush:render", "flush:input");
            }
            self.count_measure();
        }
    }

    /// Counts a User Timing measure; past [`MAX_MEASURES`] the old entries are cleared.
    fn count_measure(&self) {
        let full = self
            .inner
            .try_update_value(|inner| {
                inner.measures += 1;
                let full = inner.measures > MAX_MEASURES;
                if full {
                    inner.measures = 0;
                }
                full
            })
            .unwrap_or(false);
        if full {
            for name in [
                "flush:simulate",
                "flush:render",
                "flush:input",
                "flush:simulate-start",
            ] {
                browser::clear_timing(name);
            }
        }
    }

    /// (Re)starts the analyses after a quiet moment.
    fn schedule_analyses(&self) {
        let live = *self;
        let timer = Timeout::new(ANALYSIS_DELAY_MS, move || live.analysis_piece());
        self.inner
            .update_value(|inner| inner.analysis_timer = Some(timer));
    }

    /// One piece of analysis, then the next on a fresh timer tick.
    fn analysis_piece(&self) {
        let tab = self.state.tab.get_untracked();
        crash_guard::begin();
        let more = self
            .inner
            .try_update_value(|inner| match tab {
                // The curve first (it is quick and in view), then the phase map.
                Tab::Flush if !inner.curve.is_done() => {
                    let Inner { curve, session, .. } = inner;
                    curve.step(session) || !inner.phase.is_done()
                }
                Tab::Flush => inner.phase.step(),
                Tab::Cycles => inner.cycles.step(),
            })
            .unwrap_or(false);
        crash_guard::end();
        self.publish_progress();
        self.request(Cause::Analysis);
        let live = *self;
        let next = more.then(|| Timeout::new(0, move || live.analysis_piece()));
        self.inner.update_value(|inner| inner.analysis_timer = next);
    }

    fn publish_progress(&self) {
        let tipping = self.inner.with_value(|inner| Tipping::of(&inner.curve));
        if self.tipping.get_untracked() != tipping {
            self.tipping.set(tipping);
        }
        let (phase, cycles, unrealistic) = self.inner.with_value(|inner| {
            let (curve_done, curve_total) = inner.curve.progress();
            let (phase_done, phase_total) = inner.phase.progress();
            (
                (curve_done + phase_done, curve_total + phase_total),
                inner.cycles.progress(),
                inner
                    .cycles
                    .run
                    .as_ref()
                    .map(|run| run.unrealistic.clone())
                    .unwrap_or_default(),
            )
        });
        if self.cycles_unrealistic.get_untracked() != unrealistic {
            self.cycles_unrealistic.set(unrealistic);
        }
        if self.phase_progress.get_untracked() != phase {
            self.phase_progress.set(phase);
        }
        if self.cycles_progress.get_untracked() != cycles {
            self.cycles_progress.set(cycles);
        }
    }

    /// The user agreed to wait for the scenario held back: it runs, and so does anything
    /// estimated at no more work.
    pub fn run_held(&self) {
        let scenario = self.state.scenario.get_untracked();
        let estimate = flushlab_engine::budget::run(&scenario).seconds;
        self.inner
            .update_value(|inner| inner.approved_s = inner.approved_s.max(estimate));
        self.request(Cause::Input);
    }

    /// Called when the tab or the phase axis changes: the analyses for what is shown resume.
    pub fn view_changed(&self) {
        let axis = self.phase_axis.get_untracked();
        // The analyses follow the scenario that ran (one held back over the budget has not).
        self.inner.update_value(|inner| {
            if let Some(scenario) = inner.ran_for.clone() {
                // The same scenario: the monitor already reads its population.
                refresh_analyses(inner, &scenario, axis);
            }
        });
        self.publish_progress();
        self.schedule_analyses();
        self.request(Cause::Input);
    }
}

/// Keeps finished analysis pieces that still hold for `scenario`; plans new ones otherwise
/// (called when the scenario or the view changes, not on every frame). Returns whether the
/// scenario changed beyond its shock's size (a new amplification curve was planned).
fn refresh_analyses(inner: &mut Inner, scenario: &Scenario, axis: PhaseAxis) -> bool {
    let key = phase_key(scenario);
    let shock_pct = inner
        .outcome
        .as_ref()
        .map_or(scenario.shock.pct, |outcome| outcome.summary.shock_pct);
    let beyond_the_shock = inner.curve.key.as_ref() != Some(&curve_key(scenario));
    if beyond_the_shock {
        inner.curve = CurveView::plan(scenario);
    }
    if inner.phase.key.as_ref() != Some(&key) || inner.phase.axis != Some(axis) {
        inner.phase = PhaseMap::plan(scenario, axis, shock_pct);
    } else if let Some((_, value)) = inner.phase.here {
        inner.phase.here = Some((shock_pct, value));
    }
    if inner.cycles.key.as_ref() != Some(&cycles_key(scenario)) {
        inner.cycles = CyclesView::plan(scenario);
    }
    beyond_the_shock
}
