//! The live loop. Every change (an edit, the playback cursor, the theme, a chart appearing)
//! requests a frame ([`Live::wire`] is the one place that says which changes); at most one
//! frame's work runs per animation frame ([`Frame`]). The engine runs in the compute worker
//! (`compute`): a frame whose scenario changed posts it there (one run in flight at a time; the
//! newest scenario waits for the reply and older ones are skipped), and the frame after the
//! reply redraws the charts whose figures changed (`flush:render`, measured from the first input
//! not yet drawn to every visible chart showing its outcome; `flush:simulate` is the worker's
//! engine time). The worker fills the analyses once runs pause and sends each piece; a run that
//! takes far longer than its estimated work is stopped (the worker is replaced) and reported.
//! The hop-by-hop path from a pointer move to a redraw is in docs/app.md.

use std::sync::Arc;

use flushlab_engine::{Outcome, Scenario};
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::analyses::{
    run_allowed, CurveView, CyclesView, PhaseAxis, PhaseMap, Tipping, VenuesView,
};
use crate::browser;
use crate::catalogue::text::{fill, text};
use crate::charts::{Registry, Snapshot};
use crate::compute::client::{Compute, Event};
use crate::compute::protocol::{FromWorker, ToWorker, View};
use crate::state::AppState;

/// Quiet time after the last outcome before the charts are drawn exactly (a drag moves them
/// with held ranges), milliseconds.
const SETTLE_MS: u32 = 250;
/// The least time a run is given before it is stopped, seconds; a run estimated at more work is
/// given [`STOP_FACTOR`] times its estimate.
const STOP_MIN_S: f64 = 10.0;
const STOP_FACTOR: f64 = 3.0;
/// User Timing entries kept before the oldest are cleared (memory stays flat).
const MAX_MEASURES: u32 = 2_000;

/// Mutable state of the loop (not reactive; read and written inside frames).
#[derive(Default)]
struct Inner {
    compute: Option<Compute>,
    /// The scenario whose outcome is shown.
    ran_for: Option<Arc<Scenario>>,
    outcome: Option<Arc<Outcome>>,
    /// The run posted and not answered yet.
    in_flight: Option<InFlight>,
    next_id: u64,
    /// The analyses as the worker last sent them (for the run `ran_for`).
    curve: CurveView,
    phase: PhaseMap,
    cycles: CyclesView,
    venues: VenuesView,
    /// The Markets tab's system as the worker last sent it (it does not depend on the run).
    markets: crate::markets::MarketsView,
    /// Where the loop is between animation frames.
    frame: Frame,
    /// Inputs not yet drawn: (number, time in ms). An input joins the one before it while that
    /// one is not posted yet (they are drawn together; the older one's wait is measured).
    inputs: std::collections::VecDeque<(u64, f64)>,
    /// The number of the last input counted.
    input_count: u64,
    /// The last input the outcome shown reflects (posted with its run).
    ran_covers: u64,
    /// Redraws the charts exactly once outcomes stop arriving.
    settle_timer: Option<Timeout>,
    measures: u32,
    /// The most estimated work (seconds) the user agreed to wait for ("Run it").
    approved_s: f64,
    /// A scenario that was stopped or crashed the worker, and why: not run again until the
    /// user asks ("Run it").
    failed: Option<(Scenario, Vec<String>)>,
}

/// A run posted to the worker.
struct InFlight {
    id: u64,
    scenario: Scenario,
    /// The last input this run reflects.
    covers: u64,
    /// Stops the run if it has not answered by its deadline.
    _watchdog: Timeout,
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
    /// `outcome`: a new outcome is among it (charts may move with held ranges).
    Waiting { outcome: bool },
}

/// Why a frame is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// Something on screen changed (the scenario, the playback cursor, the theme, the view, a
    /// chart appearing): measured as `flush:render`; when the scenario changed, the frame is a
    /// drag frame (charts may move with held ranges).
    Input,
    /// An outcome arrived from the worker: the charts move to it (with held ranges, as part of
    /// a drag) and `flush:render` ends if it is the newest scenario's.
    Outcome,
    /// An analysis piece arrived, or outcomes paused: the frame draws every chart exactly and
    /// is not measured.
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
    /// How many positions the scenario of `outcome` holds (what the summary reads its
    /// liquidated count against): set with it, in the same task.
    pub outcome_positions: RwSignal<usize>,
    /// The scenario `outcome` is the run of, set with it in the same task: during a drag the
    /// controls' scenario is already the next one, and words that read the scenario beside the
    /// outcome (the headline's) would mix two runs.
    pub outcome_scenario: RwSignal<Option<Arc<Scenario>>>,
    /// The phase map's second axis.
    pub phase_axis: RwSignal<PhaseAxis>,
    /// (done, total) pieces of the analyses shown: phase map, cycles.
    pub phase_progress: RwSignal<(usize, usize)>,
    pub cycles_progress: RwSignal<(usize, usize)>,
    /// Why the leverage-cycles run is outside any realistic regime (empty: it is inside).
    pub cycles_unrealistic: RwSignal<Vec<String>>,
    /// The leverage-cycles run's daily returns with and without cascades, once it is in.
    /// The leverage-cycles run's figures in words (`analyses::cycles_stats_text`).
    pub cycles_stats: RwSignal<Option<String>>,
    /// The venues' comparison as it stands (the venues tab's table).
    pub venues: RwSignal<VenuesView>,
    /// The Markets tab's system run and contagion table as they stand.
    pub markets: RwSignal<crate::markets::MarketsView>,
    /// The leverage monitor of the population that ran (it changes with the population, not
    /// with the shock).
    pub monitor: RwSignal<Option<flushlab_engine::analysis::Monitor>>,
    /// Where the amplification curve puts the tipping point.
    pub tipping: RwSignal<Tipping>,
    /// A run is in flight: the outcome shown is not the newest scenario's yet (the headline
    /// and summary say so with `aria-busy`).
    pub running: RwSignal<bool>,
    /// Outcomes are coming less than [`SETTLE_MS`] apart (a drag): the summary and headline
    /// hold their announcements to screen readers (`aria-busy`) until they settle, so a drag
    /// is read once, at its end, not at every frame.
    pub moving: RwSignal<bool>,
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
            outcome_positions: RwSignal::new(0),
            outcome_scenario: RwSignal::new(None),
            phase_axis: RwSignal::new(PhaseAxis::MeanLeverage),
            phase_progress: RwSignal::new((0, 0)),
            cycles_progress: RwSignal::new((0, 0)),
            cycles_unrealistic: RwSignal::new(Vec::new()),
            cycles_stats: RwSignal::new(None),
            venues: RwSignal::new(VenuesView::default()),
            markets: RwSignal::new(crate::markets::MarketsView::default()),
            held: RwSignal::new(None),
            running: RwSignal::new(false),
            moving: RwSignal::new(false),
            monitor: RwSignal::new(None),
            tipping: RwSignal::new(Tipping::Computing),
        };
        let callback = Closure::<dyn FnMut()>::new(move || live.on_animation_frame());
        live.frame_callback.set_value(Some(callback));
        let compute = Compute::start(move |event| live.on_compute(event));
        live.inner
            .update_value(|inner| inner.compute = Some(compute));
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
        Effect::new(move |first: Option<()>| {
            state.scenario.track();
            state.theme.track();
            state.options.track();
            state.markets_cursor.track();
            state.playback.with(|playback| playback.cursor);
            registry.added.track();
            if first.is_none() {
                // The page's first run is asked for in a task of its own, right after the one
                // that mounts the app (a phone's blocking time: each is shorter than both).
                Timeout::new(0, move || live.request(Cause::Input)).forget();
            } else {
                live.request(Cause::Input);
            }
        });
        // The tab and the phase axis decide which analysis runs (not on the first run: the
        // scenario's first run plans them).
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
        let outcome = cause == Cause::Outcome;
        let Some(before) = self.inner.try_update_value(|inner| {
            let before = inner.frame;
            inner.frame = match before {
                Frame::Idle => Frame::Idle,
                Frame::Drawn => Frame::Waiting { outcome },
                Frame::Waiting { outcome: waiting } => Frame::Waiting {
                    outcome: waiting || outcome,
                },
            };
            if input {
                inner.count_input();
            }
            before
        }) else {
            return;
        };
        if input {
            self.publish_running();
        }
        if before == Frame::Idle {
            self.draw(cause);
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
        if let Frame::Waiting { outcome } = frame {
            self.draw(if outcome {
                Cause::Outcome
            } else {
                Cause::Input
            });
        }
    }

    /// One frame's work: post the scenario to the worker if it changed, then redraw the charts
    /// whose figures changed.
    fn draw(&self, cause: Cause) {
        let scenario = self.state.scenario.get_untracked();
        let view = self.view();
        let mut held = None;
        let mut run_pending = false;
        self.inner.update_value(|inner| {
            inner.frame = Frame::Drawn;
            held = inner.held_lines(&scenario);
            run_pending = inner.in_flight.is_some();
            // Not when shown, held back, or a run is in flight (its reply posts the newest).
            if held.is_none() && !run_pending && inner.ran_for.as_deref() != Some(&scenario) {
                self.post_run(inner, scenario, view);
                run_pending = true;
            }
        });
        if self.held.with_untracked(|shown| *shown != held) {
            self.held.set(held);
        }
        self.publish_running();
        if run_pending && cause != Cause::Outcome {
            // Nothing to draw until the outcome arrives, which then draws at once (the frame
            // is still free).
            self.inner.update_value(|inner| inner.frame = Frame::Idle);
            return;
        }
        // A frame that draws a new outcome is part of a drag: charts may be moved with held
        // ranges. Every other frame (playback, theme, analyses, the settling after a drag)
        // draws them exactly.
        self.render(cause == Cause::Outcome);
        self.ask_for_next_frame();
    }

    /// Posts a run of `scenario` to the worker, with a watchdog that stops it past its time.
    fn post_run(&self, inner: &mut Inner, scenario: Scenario, view: View) {
        let Some(compute) = inner.compute.clone() else {
            return;
        };
        inner.next_id += 1;
        let id = inner.next_id;
        let estimate_s = flushlab_engine::budget::run(&scenario).seconds;
        let allowed_s = STOP_MIN_S.max(STOP_FACTOR * estimate_s);
        let live = *self;
        let watchdog = Timeout::new((allowed_s * 1000.0) as u32, move || {
            live.stop_run(id, allowed_s)
        });
        inner.in_flight = Some(InFlight {
            id,
            scenario: scenario.clone(),
            covers: inner.input_count,
            _watchdog: watchdog,
        });
        compute.post(ToWorker::Run {
            id,
            scenario: Box::new(scenario),
            view,
        });
    }

    /// Run `id` is still not answered after `allowed_s`: the worker is replaced (that stops it),
    /// and the page says so instead of waiting.
    fn stop_run(&self, id: u64, allowed_s: f64) {
        let why = fill(
            text().notices.run_stopped,
            &[("seconds", &format!("{allowed_s:.0}"))],
        );
        self.fail_run(id, why);
    }

    /// Run `id` failed (stopped or crashed): the worker is replaced, the scenario kept back
    /// until the user asks again, and the reason shown.
    fn fail_run(&self, id: u64, why: String) {
        let failed = self.inner.try_update_value(|inner| {
            let run = inner.in_flight.take_if(|run| run.id == id)?;
            if let Some(compute) = &inner.compute {
                compute.restart();
            }
            inner.failed = Some((run.scenario, vec![why]));
            Some(())
        });
        if failed.flatten().is_some() {
            self.publish_running();
            self.request(Cause::Analysis);
        }
    }

    /// What the worker sent.
    fn on_compute(&self, event: Event) {
        let replies = match event {
            Event::Replies(replies) => replies,
            Event::Failed(message) => {
                let id = self
                    .inner
                    .with_value(|inner| inner.in_flight.as_ref().map(|run| run.id));
                match id {
                    Some(id) => self.fail_run(id, crashed_why(&message)),
                    // Between runs (an analysis piece): a fresh worker takes the next run.
                    None => self.inner.with_value(|inner| {
                        if let Some(compute) = &inner.compute {
                            compute.restart();
                        }
                    }),
                }
                return;
            }
        };
        let mut cause = Cause::Analysis;
        // Whether a chart may change: not for a reply that brings only the Markets tab's
        // contagion table (a table, not a chart; an exact redraw for it would undo a drag's held
        // ranges on every input).
        let mut for_charts = false;
        for reply in replies {
            match reply {
                FromWorker::Ran {
                    id,
                    outcome,
                    engine_ms,
                    monitor,
                } => {
                    if !self.take_outcome(id, *outcome, monitor) {
                        continue;
                    }
                    browser::measure_duration("flush:simulate", engine_ms);
                    self.count_measure();
                    cause = Cause::Outcome;
                    for_charts = true;
                }
                FromWorker::Analyses {
                    id,
                    curve,
                    phase,
                    cycles,
                    venues,
                    markets,
                } => {
                    // The Markets tab's system does not depend on the run: taken whatever
                    // run the reply is about.
                    if let Some(markets) = markets {
                        // The worker's system run, once per system (its first reply after it).
                        if let (Some(run_ms), true) = (markets.run_ms, markets.contagion.is_none())
                        {
                            browser::measure_duration("markets:simulate", run_ms);
                        }
                        // A system's run (not yet its contagion table) is the Markets tab's
                        // outcome: its chart moves with held ranges as a drag's, and is drawn
                        // exactly once the drag settles.
                        if markets.ran && markets.contagion.is_none() {
                            cause = Cause::Outcome;
                            for_charts = true;
                        }
                        self.inner
                            .update_value(|inner| inner.markets = (*markets).clone());
                        self.markets.set(*markets);
                    }
                    let charted =
                        curve.is_some() || phase.is_some() || cycles.is_some() || venues.is_some();
                    let arrived = self.inner.try_update_value(|inner| {
                        // Only the analyses of the run shown (or in flight: they come with it).
                        // A piece of an earlier run (one of the load's, arriving during a drag)
                        // changes no chart, so it asks for no exact redraw of them all.
                        if id != inner.next_id {
                            return None;
                        }
                        for_charts |= charted;
                        if let Some(curve) = curve {
                            inner.curve = *curve;
                        }
                        if let Some(phase) = phase {
                            inner.phase = *phase;
                        }
                        if let Some(cycles) = cycles {
                            inner.cycles = *cycles;
                        }
                        venues.map(|venues| {
                            inner.venues = (*venues).clone();
                            *venues
                        })
                    });
                    // The venues tab's table follows only a comparison that arrived (not every
                    // reply of a drag).
                    if let Some(venues) = arrived.flatten() {
                        self.venues.set(venues);
                    }
                }
                // Only the head's early worker is asked for a first view, never this one.
                FromWorker::FirstView { .. } => {}
                FromWorker::Crashed { id, message } => {
                    self.fail_run(id, crashed_why(&message));
                    return;
                }
            }
        }
        self.publish_progress();
        self.publish_running();
        if cause == Cause::Outcome {
            self.schedule_settle();
            // The page has its figures: plotly.js may come now, at the lowest priority.
            crate::charts::plotly_js::prefetch();
        }
        if for_charts {
            self.request(cause);
        }
    }

    /// Takes the outcome of run `id`, if it is the one in flight; then posts the newest
    /// scenario if it moved on meanwhile. Returns whether the outcome was taken.
    fn take_outcome(
        &self,
        id: u64,
        outcome: Outcome,
        monitor: Option<flushlab_engine::analysis::Monitor>,
    ) -> bool {
        let taken = self.inner.try_update_value(|inner| {
            let run = inner.in_flight.take_if(|run| run.id == id)?;
            let positions = run.scenario.position_count();
            let scenario = Arc::new(run.scenario);
            inner.ran_for = Some(scenario.clone());
            inner.ran_covers = run.covers;
            let outcome = Arc::new(outcome);
            inner.outcome = Some(outcome.clone());
            Some((outcome, scenario, positions))
        });
        let Some((outcome, ran, positions)) = taken.flatten() else {
            return false;
        };
        if let Some(monitor) = monitor {
            // In the same task as the headline and the summary: the first one mounts the
            // monitor's cards, and mounted a task later they pushed the charts down on a desktop
            // after the page had painted (a layout shift of 0.07, session 35).
            self.monitor.set(Some(monitor));
        }
        self.outcome_positions.set(positions);
        self.outcome_scenario.set(Some(ran));
        self.outcome.set(Some(outcome));
        // The scenario may have moved on while this one ran.
        let scenario = self.state.scenario.get_untracked();
        let view = self.view();
        self.inner.update_value(|inner| {
            if inner.ran_for.as_deref() != Some(&scenario) && inner.held_lines(&scenario).is_none()
            {
                self.post_run(inner, scenario, view);
            }
        });
        true
    }

    /// Sets `running` when it changed: a run is in flight, or the scenario changed and its run
    /// is about to be posted (not held back).
    fn publish_running(&self) {
        let held = self.held.with_untracked(Option::is_some);
        let running = self.state.scenario.with_untracked(|scenario| {
            self.inner.with_value(|inner| {
                inner.in_flight.is_some() || (!held && inner.ran_for.as_deref() != Some(scenario))
            })
        });
        if self.running.get_untracked() != running {
            self.running.set(running);
        }
    }

    fn view(&self) -> View {
        View {
            tab: self.state.tab.get_untracked(),
            axis: self.phase_axis.get_untracked(),
        }
    }

    /// Draws every chart on the page exactly, off screen too, in this task: the browser prints
    /// the page as `beforeprint`'s handlers leave it (charts drawn only when scrolled in came
    /// out empty). `afterprint` ends it ([`Registry::set_printing`]).
    pub fn draw_all_for_print(&self, printing: bool) {
        self.registry.set_printing(printing);
        if printing {
            self.render(false);
        }
    }

    /// Redraws the charts; a frame with the newest scenario's outcome ends `flush:render`.
    fn render(&self, dragging: bool) {
        let theme = self.state.theme.get_untracked();
        let cursor = self
            .state
            .playback
            .with_untracked(|playback| playback.cursor);
        let latest = self.state.scenario.get_untracked();
        let options = self.state.options.get_untracked();
        let markets_cursor = self.state.markets_cursor.get_untracked();
        let registry = self.registry;
        let drawn = self.inner.try_update_value(|inner| {
            let (Some(scenario), Some(outcome)) = (inner.ran_for.as_deref(), &inner.outcome) else {
                return None;
            };
            let snapshot = Snapshot {
                scenario,
                outcome,
                curve: &inner.curve,
                phase: &inner.phase,
                cycles: &inner.cycles,
                venues: &inner.venues,
                markets: &inner.markets,
                markets_cursor,
                cursor,
                theme,
                options: &options,
            };
            // The last input this outcome reflects (all of them when nothing newer waits).
            let covers = if *scenario == latest && inner.in_flight.is_none() {
                inner.input_count
            } else {
                inner.ran_covers
            };
            let redrawn = registry.redraw(&snapshot, dragging, covers);
            if redrawn.behind {
                // The charts left out of this frame's budget are drawn in the next.
                inner.frame = match inner.frame {
                    Frame::Waiting { outcome } => Frame::Waiting {
                        outcome: outcome || dragging,
                    },
                    _ => Frame::Waiting { outcome: dragging },
                };
            }
            // The inputs every visible chart now reflects are drawn.
            let all_show = redrawn.all_show.min(covers);
            let mut drawn_inputs = Vec::new();
            while let Some(&(number, at)) = inner.inputs.front() {
                if number > all_show {
                    break;
                }
                drawn_inputs.push(at);
                inner.inputs.pop_front();
            }
            Some((redrawn.animated, drawn_inputs))
        });
        // `flush:render`: from each input to every visible chart showing it (after plotly.js's
        // deferred drawing when a chart was animated).
        let Some(Some((animated, starts))) = drawn else {
            return;
        };
        if starts.is_empty() {
            return;
        }
        for _ in &starts {
            self.count_measure();
        }
        let measure = move || {
            let end = browser::now_ms();
            for start in starts {
                browser::measure_span("flush:render", start, end);
            }
        };
        if animated {
            browser::after_microtasks(measure);
        } else {
            measure();
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
            for name in ["flush:simulate", "flush:render", "flush:receive"] {
                browser::clear_timing(name);
            }
        }
    }

    /// Draws the charts exactly once outcomes have paused for [`SETTLE_MS`].
    fn schedule_settle(&self) {
        let live = *self;
        if !self.moving.get_untracked() {
            self.moving.set(true);
        }
        let timer = Timeout::new(SETTLE_MS, move || {
            live.moving.set(false);
            live.request(Cause::Analysis);
        });
        self.inner
            .update_value(|inner| inner.settle_timer = Some(timer));
    }

    fn publish_progress(&self) {
        let tipping = self.inner.with_value(|inner| inner.curve.tipping());
        if self.tipping.get_untracked() != tipping {
            self.tipping.set(tipping);
        }
        let (phase, cycles, unrealistic, stats) = self.inner.with_value(|inner| {
            let (curve_done, curve_total) = inner.curve.progress();
            let (phase_done, phase_total) = inner.phase.progress();
            let run = inner.cycles.run.as_ref();
            (
                (curve_done + phase_done, curve_total + phase_total),
                inner.cycles.progress(),
                run.map(|run| run.unrealistic.clone()).unwrap_or_default(),
                run.map(crate::analyses::cycles_stats_text),
            )
        });
        if self.cycles_unrealistic.get_untracked() != unrealistic {
            self.cycles_unrealistic.set(unrealistic);
        }
        if self.cycles_stats.get_untracked() != stats {
            self.cycles_stats.set(stats);
        }
        if self.phase_progress.get_untracked() != phase {
            self.phase_progress.set(phase);
        }
        if self.cycles_progress.get_untracked() != cycles {
            self.cycles_progress.set(cycles);
        }
    }

    /// The headline of the run shown, read with the scenario that ran (None before the first).
    pub fn ran_headline(&self) -> Option<String> {
        self.outcome.with(|outcome| {
            let outcome = outcome.as_deref()?;
            self.outcome_scenario
                .with(|ran| Some(crate::headline::headline(ran.as_deref()?, outcome)))
        })
    }

    /// The user agreed to wait for the scenario held back (over the page's budget, or stopped
    /// before): it runs, and so does anything estimated at no more work.
    pub fn run_held(&self) {
        let scenario = self.state.scenario.get_untracked();
        let estimate = flushlab_engine::budget::run(&scenario).seconds;
        self.inner.update_value(|inner| {
            inner.approved_s = inner.approved_s.max(estimate);
            inner.failed = None;
        });
        self.request(Cause::Input);
    }

    /// Asks the worker for the Markets tab's `system` (its run, then its contagion table).
    pub fn show_markets(&self, system: flushlab_engine::system::System) {
        self.inner.with_value(|inner| {
            if let Some(compute) = &inner.compute {
                compute.post(ToWorker::Markets {
                    system: Box::new(system),
                    approved_s: inner.approved_s,
                });
            }
        });
    }

    /// The user agreed to wait for the Markets tab's system held over the page's budget
    /// (`estimate_s`, its run and contagion table): it runs, and so does anything estimated at
    /// no more work, on either tab.
    pub fn run_markets_held(&self, system: flushlab_engine::system::System, estimate_s: f64) {
        self.inner
            .update_value(|inner| inner.approved_s = inner.approved_s.max(estimate_s));
        self.show_markets(system);
    }

    /// Called when the tab or the phase axis changes: the analyses for what is shown resume.
    pub fn view_changed(&self) {
        let view = self.view();
        self.inner.with_value(|inner| {
            if let Some(compute) = &inner.compute {
                compute.post(ToWorker::View(view));
            }
        });
        self.request(Cause::Input);
    }
}

impl Inner {
    /// Counts an input: a new one, unless the last one counted is not posted yet (they will be
    /// drawn together, and the older one's wait is the one to measure).
    fn count_input(&mut self) {
        let posted = self
            .in_flight
            .as_ref()
            .map_or(self.ran_covers, |run| run.covers);
        let joins = self
            .inputs
            .back()
            .is_some_and(|&(number, _)| number > posted);
        if !joins {
            self.input_count += 1;
            self.inputs.push_back((self.input_count, browser::now_ms()));
        }
    }

    /// Why `scenario` is not run now (over the page's budget, or it failed before), as lines
    /// for the page; `None` when it may run.
    fn held_lines(&self, scenario: &Scenario) -> Option<Vec<String>> {
        // Shown or posted already: it was allowed (no estimate on every playback frame).
        let posted = self.in_flight.as_ref().map(|run| &run.scenario);
        if self.ran_for.as_deref() == Some(scenario) || posted == Some(scenario) {
            return None;
        }
        let mut why = match &self.failed {
            Some((failed, why)) if failed == scenario => why.clone(),
            _ => run_allowed(scenario, self.approved_s).err()?,
        };
        why.push(if self.outcome.is_some() {
            text().notices.held_previous.to_string()
        } else {
            text().notices.held_nothing.to_string()
        });
        Some(why)
    }
}

/// The line the page shows when the worker crashed on a run.
fn crashed_why(message: &str) -> String {
    fill(text().notices.run_crashed, &[("message", message)])
}
