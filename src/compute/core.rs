//! The compute worker's state, without the browser: it owns the populations (a [`Session`]),
//! runs each scenario the page sends, and fills the analyses one small piece at a time. Pure Rust,
//! natively tested; `compute::host` drives it inside a Web Worker and `compute::client` drives it
//! on the page itself when no worker can be started.

use flushlab_engine::Scenario;

use super::protocol::{FirstViewAsk, FromWorker, ToWorker, View};
use crate::analyses::{
    curve_key, cycles_key, phase_key, CurveView, CyclesView, PhaseAxis, PhaseMap, VenuesView,
};
use crate::markets::MarketsView;
use crate::session::{Session, SystemSession};
use crate::state::Tab;

/// The worker's state between messages.
pub struct Worker {
    session: Session,
    /// The last run: its id and scenario.
    ran: Option<(u64, Scenario)>,
    /// The shock that run's outcome reports (the phase map marks where it sits).
    shock_pct: f64,
    view: View,
    curve: CurveView,
    phase: PhaseMap,
    cycles: CyclesView,
    venues: VenuesView,
    /// The venues' runs' own populations (each profile's leverage cap may change the crowd), so
    /// the page's population stays cached in `session`.
    venue_session: Session,
    /// The Markets tab's system: its run and contagion table as they stand.
    markets: MarketsView,
    /// The Markets tab's systems' populations, kept across its runs.
    system_session: SystemSession,
    /// The last piece was a system's run: the next (its contagion table, the curve) waits until
    /// the page has been quiet for a while, as analyses after a run do, so that a drag of the
    /// Markets tab's shock is not slowed by tables every frame supersedes.
    quiet_before_next: bool,
    /// A clock in milliseconds (the worker's `performance.now`; natively none).
    clock: fn() -> f64,
}

impl Default for Worker {
    fn default() -> Worker {
        Worker::with_clock(|| 0.0)
    }
}

impl Worker {
    /// A worker timing its runs with `clock` (milliseconds).
    pub fn with_clock(clock: fn() -> f64) -> Worker {
        Worker {
            session: Session::default(),
            ran: None,
            shock_pct: 0.0,
            view: View {
                tab: Tab::Flush,
                axis: PhaseAxis::MeanLeverage,
            },
            curve: CurveView::default(),
            phase: PhaseMap::default(),
            cycles: CyclesView::default(),
            venues: VenuesView::default(),
            venue_session: Session::default(),
            markets: MarketsView::default(),
            system_session: SystemSession::default(),
            quiet_before_next: false,
            clock,
        }
    }

    /// Answers one message: a run's outcome and the analyses as they stand for it.
    pub fn handle(&mut self, message: ToWorker) -> Vec<FromWorker> {
        match message {
            ToWorker::Run { id, scenario, view } => {
                self.view = view;
                let start = (self.clock)();
                let outcome = self.session.simulate(&scenario);
                let engine_ms = (self.clock)() - start;
                self.shock_pct = outcome.summary.shock_pct;
                let (population_changed, analyses) = self.refresh(id, &scenario);
                let monitor = population_changed.then(|| self.session.monitor()).flatten();
                self.ran = Some((id, *scenario));
                let mut replies = vec![FromWorker::Ran {
                    id,
                    outcome: Box::new(outcome),
                    engine_ms,
                    monitor,
                }];
                replies.extend(analyses);
                replies
            }
            ToWorker::View(view) => {
                self.view = view;
                let Some((id, scenario)) = self.ran.clone() else {
                    return Vec::new();
                };
                self.refresh(id, &scenario).1.into_iter().collect()
            }
            ToWorker::FirstView(ask) => vec![FromWorker::FirstView {
                html: self.first_view(&ask),
            }],
            ToWorker::Markets { system, approved_s } => {
                // The page keeps showing the system it has (a shock drag's frames too) until
                // this one's run comes, as the tab's next piece; a system over the page's budget
                // says so at once. Neither waits for a flush run (one held over the budget, or
                // not yet asked for by an embed): the page takes a system whatever run its reply
                // is about (a problem said only once a flush run was in left the tab "running
                // the system…" for good).
                // Planned again for another system, or for one held over the budget that the
                // user now agreed to wait for.
                let held = self.markets.over_budget_s.is_some_and(|s| s <= approved_s);
                if self.markets.key.as_ref() != Some(&*system) || held {
                    self.markets = MarketsView::plan(&system, approved_s);
                }
                if self.markets.problem.is_none() {
                    return Vec::new();
                }
                let mut reply = Analyses::new(self.ran_id());
                reply.markets = Some(Box::new(self.markets.clone()));
                reply.finish().into_iter().collect()
            }
        }
    }

    /// The first view of the scenario the page's address opens (`ask`: its link, else its
    /// preset, else the default scenario): an embed's ([`crate::first_view::embed_screen`]) or
    /// the page's ([`crate::first_view::screen`]), run on the worker's session. None for an
    /// embed of the Markets tab alone, a link that does not read, an unknown preset, or a
    /// scenario the page would not run without asking ([`crate::analyses::run_allowed`]). The
    /// link is read without the app's reports of what is wrong with it
    /// ([`crate::codec::decode_link_plainly`]: the worker would carry the path-tracking JSON
    /// reader they need), and the address without the app's parser (which reads systems' links
    /// too): the head reads it.
    fn first_view(&mut self, ask: &FirstViewAsk) -> Option<String> {
        let (charts, _) = crate::views::embed_charts(&ask.view);
        // An embed of the Markets tab alone shows a system, not this scenario: no first view.
        if ask.embed && charts.iter().all(|chart| chart == "markets") {
            return None;
        }
        let scenario = match (&ask.link, &ask.preset) {
            (Some(link), _) => crate::codec::decode_link_plainly(link).ok()?,
            (None, Some(name)) => flushlab_engine::presets::find(name)?.scenario,
            (None, None) => crate::app::default_start().scenario,
        };
        if crate::analyses::run_allowed(&scenario, 0.0).is_err() {
            return None;
        }
        let outcome = self.session.simulate(&scenario);
        Some(if ask.embed {
            crate::first_view::embed_screen(&scenario, &outcome, &charts)
        } else {
            let monitor = self.session.monitor()?;
            crate::first_view::screen(&scenario, &outcome, &monitor, None)
        })
    }

    /// Keeps the analysis pieces that still hold for `scenario` and plans the others; returns
    /// whether the scenario changed beyond its shock's size (a new population, so a new
    /// monitor), and the analyses that changed, for the page.
    fn refresh(&mut self, id: u64, scenario: &Scenario) -> (bool, Option<FromWorker>) {
        let mut reply = Analyses::new(id);
        let beyond_the_shock = self.curve.key.as_ref() != Some(&curve_key(scenario));
        if beyond_the_shock {
            self.curve = CurveView::plan(scenario);
            reply.curve = Some(Box::new(self.curve.clone()));
        }
        let axis = self.view.axis;
        if self.phase.key.as_ref() != Some(&phase_key(scenario)) || self.phase.axis != Some(axis) {
            self.phase = PhaseMap::plan(scenario, axis, self.shock_pct);
            reply.phase = Some(Box::new(self.phase.clone()));
        } else if let Some((shock, value)) = self.phase.here {
            if shock != self.shock_pct {
                self.phase.here = Some((self.shock_pct, value));
                reply.phase = Some(Box::new(self.phase.clone()));
            }
        }
        if self.cycles.key.as_ref() != Some(&cycles_key(scenario)) {
            self.cycles = CyclesView::plan(scenario);
            reply.cycles = Some(Box::new(self.cycles.clone()));
        }
        if self.venues.key.as_ref() != Some(scenario) {
            self.venues = VenuesView::plan(scenario);
            reply.venues = Some(Box::new(self.venues.clone()));
        }
        (beyond_the_shock, reply.finish())
    }

    /// Whether an analysis piece is left for what the page shows: the tab's own pieces, and on
    /// every tab the amplification curve (the headline's tipping-point gauge reads it whatever
    /// the tab).
    pub fn has_piece(&self) -> bool {
        match self.ran {
            Some(_) => !self.curve.is_done() || !self.tab_is_done(),
            // With no flush run (held over the budget), a system the page asked for still runs.
            None => !self.markets.is_done(),
        }
    }

    /// The flush run the analyses are about (0 before any: the Markets tab's system, which the
    /// page takes whatever the run).
    fn ran_id(&self) -> u64 {
        self.ran.as_ref().map_or(0, |(id, _)| *id)
    }

    /// Whether the open tab's own pieces are all in (besides the curve).
    fn tab_is_done(&self) -> bool {
        match self.view.tab {
            Tab::Flush => self.phase.is_done(),
            Tab::Cycles => self.cycles.is_done(),
            // The options tab computes on the page: nothing here.
            Tab::Options => true,
            Tab::Venues => self.venues.is_done(),
            Tab::Markets => self.markets.is_done(),
        }
    }

    /// Whether the next piece should wait for quiet (the last one was a system's run); asking
    /// clears it.
    pub fn take_quiet_before_next(&mut self) -> bool {
        std::mem::take(&mut self.quiet_before_next)
    }

    /// Computes one analysis piece for what the page shows (on the flush tab the curve first, then
    /// the phase map; on another tab its own next piece, then the curve); `None` when none is
    /// left.
    pub fn piece(&mut self) -> Option<FromWorker> {
        if !self.has_piece() {
            return None;
        }
        let mut reply = Analyses::new(self.ran_id());
        // With no flush run, the Markets tab's system is all there is to do (whatever tab the
        // page last said: with nothing run it may have said none).
        if self.ran.is_none() {
            self.markets_piece(&mut reply);
            return reply.finish();
        }
        // The curve first on the flush tab (it is quick and in view there); elsewhere the tab's
        // own pieces first, then the curve (which needs a flush run).
        let curve_first = self.view.tab == Tab::Flush;
        if self.ran.is_some() && !self.curve.is_done() && (curve_first || self.tab_is_done()) {
            self.curve.step(&mut self.session);
            reply.curve = Some(Box::new(self.curve.clone()));
            return reply.finish();
        }
        match self.view.tab {
            Tab::Flush => {
                self.phase.step();
                reply.phase = Some(Box::new(self.phase.clone()));
            }
            Tab::Cycles => {
                self.cycles.step();
                reply.cycles = Some(Box::new(self.cycles.clone()));
            }
            Tab::Options => return None,
            Tab::Venues => {
                self.venues.step(&mut self.venue_session);
                reply.venues = Some(Box::new(self.venues.clone()));
            }
            Tab::Markets => self.markets_piece(&mut reply),
        }
        reply.finish()
    }

    /// The Markets tab's next piece (its system's run, then its table) into `reply`.
    fn markets_piece(&mut self, reply: &mut Analyses) {
        let (ran, start) = (self.markets.ran, (self.clock)());
        self.markets.step(&mut self.system_session);
        if !ran && self.markets.ran {
            self.markets.run_ms = Some((self.clock)() - start);
            self.quiet_before_next = true;
        }
        reply.markets = Some(Box::new(self.markets.clone()));
    }
}

/// An `Analyses` reply being put together.
struct Analyses {
    id: u64,
    curve: Option<Box<CurveView>>,
    phase: Option<Box<PhaseMap>>,
    cycles: Option<Box<CyclesView>>,
    venues: Option<Box<VenuesView>>,
    markets: Option<Box<MarketsView>>,
}

impl Analyses {
    fn new(id: u64) -> Analyses {
        Analyses {
            id,
            curve: None,
            phase: None,
            cycles: None,
            venues: None,
            markets: None,
        }
    }

    /// The reply, if anything changed.
    fn finish(self) -> Option<FromWorker> {
        let Analyses {
            id,
            curve,
            phase,
            cycles,
            venues,
            markets,
        } = self;
        let any = curve.is_some()
            || phase.is_some()
            || cycles.is_some()
            || venues.is_some()
            || markets.is_some();
        any.then_some(FromWorker::Analyses {
            id,
            curve,
            phase,
            cycles,
            venues,
            markets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyses::CURVE_SHOCKS;
    use flushlab_engine::presets;

    const FLUSH: View = View {
        tab: Tab::Flush,
        axis: PhaseAxis::MeanLeverage,
    };

    /// A first view is the app's first screen for the scenario the address opens: an embed's
    /// headline and chart cards, or the page's.
    #[test]
    fn a_first_view_is_the_first_screen_of_the_scenario_the_address_opens() {
        let first = |worker: &mut Worker, ask: FirstViewAsk| match worker
            .handle(ToWorker::FirstView(ask))
            .as_slice()
        {
            [FromWorker::FirstView { html }] => html.clone(),
            other => panic!("{other:?}"),
        };
        let embed = |link: Option<&str>, preset: Option<&str>, view: &[&str]| FirstViewAsk {
            link: link.map(str::to_string),
            preset: preset.map(str::to_string),
            embed: true,
            view: view.iter().map(|name| name.to_string()).collect(),
        };
        let outcome = |scenario: &Scenario| flushlab_engine::simulate(scenario).unwrap();
        let screen = |scenario: &Scenario, charts: &[&str]| {
            let charts: Vec<String> = charts.iter().map(|name| name.to_string()).collect();
            Some(crate::first_view::embed_screen(
                scenario,
                &outcome(scenario),
                &charts,
            ))
        };
        let mut worker = Worker::default();
        let calm = presets::find("calm-market").unwrap().scenario;
        let link = crate::codec::encode_link(&calm);
        let shown = first(&mut worker, embed(Some(&link), None, &["map", "price"]));
        assert_eq!(shown, screen(&calm, &["map", "price"]));
        let shown = shown.unwrap();
        let headline = crate::headline::headline(&calm, &outcome(&calm));
        assert!(
            shown.contains(&crate::first_view::escape(&headline)),
            "{shown}"
        );
        // The app's order (price first), the price chart drawn, the map's card its title alone.
        let price = shown.find("Price path").unwrap();
        let map = shown.find("Liquidation map").unwrap();
        assert!(price < map && shown.matches("class=\"fv-extreme\"").count() == 1);
        let all = ["price", "liquidations", "map"];
        // The link before the preset, as the app reads them; unknown charts: the default set.
        let ask = embed(Some(&link), Some("thin-book"), &[]);
        assert_eq!(first(&mut worker, ask), screen(&calm, &all));
        let ask = embed(None, Some("calm-market"), &["nonsense"]);
        assert_eq!(first(&mut worker, ask), screen(&calm, &all));
        let default = crate::app::default_start().scenario;
        assert_eq!(
            first(&mut worker, embed(None, None, &[])),
            screen(&default, &all)
        );
        // Not an embed: the page's first screen.
        let page = FirstViewAsk {
            link: Some(link.clone()),
            ..FirstViewAsk::default()
        };
        let monitor = crate::first_view::crowd_monitor(&calm);
        let expected = crate::first_view::screen(&calm, &outcome(&calm), &monitor, None);
        assert_eq!(first(&mut worker, page), Some(expected));
        // Nothing for an embed of the Markets tab alone (it shows a system), a link that does
        // not read, an unknown preset, or a run over the budget.
        assert_eq!(first(&mut worker, embed(None, None, &["markets"])), None);
        assert_eq!(
            first(&mut worker, embed(Some("1.garbage"), None, &[])),
            None
        );
        assert_eq!(
            first(&mut worker, embed(None, Some("no-such-preset"), &[])),
            None
        );
        let mut heavy = presets::find("over-levered-longs").unwrap().scenario;
        let flushlab_engine::scenario::Positions::Generate(population) = &mut heavy.positions
        else {
            panic!("a generated population");
        };
        population.count = 2_000_000;
        assert!(crate::analyses::run_allowed(&heavy, 0.0).is_err());
        let heavy = crate::codec::encode_link(&heavy);
        assert_eq!(first(&mut worker, embed(Some(&heavy), None, &[])), None);
    }

    fn run(id: u64, scenario: &Scenario) -> ToWorker {
        ToWorker::Run {
            id,
            scenario: Box::new(scenario.clone()),
            view: FLUSH,
        }
    }

    #[test]
    fn a_run_answers_with_the_engines_outcome_and_plans_every_analysis() {
        let scenario = presets::find("calm-market").expect("a preset").scenario;
        let mut worker = Worker::default();
        let replies = worker.handle(run(1, &scenario));
        let FromWorker::Ran {
            id,
            outcome,
            monitor,
            ..
        } = &replies[0]
        else {
            panic!("the first reply is the outcome: {replies:?}");
        };
        assert_eq!(*id, 1);
        assert_eq!(
            Ok(&**outcome),
            flushlab_engine::simulate(&scenario).as_ref()
        );
        assert!(monitor.is_some(), "a first population has a monitor");
        let Some(FromWorker::Analyses {
            curve: Some(curve),
            phase: Some(phase),
            cycles: Some(_),
            ..
        }) = replies.get(1)
        else {
            panic!("then the analyses as planned: {replies:?}");
        };
        assert_eq!(
            curve.progress(),
            (0, CURVE_SHOCKS + 1),
            "and the no-shock run"
        );
        assert!(!phase.is_done());
    }

    #[test]
    fn a_shock_drag_keeps_the_curve_and_the_monitor_and_moves_the_phase_maps_marker() {
        let mut scenario = presets::find("calm-market").expect("a preset").scenario;
        let mut worker = Worker::default();
        worker.handle(run(1, &scenario));
        assert!(worker.piece().is_some(), "the curve's no-shock run");
        scenario.shock.resize(&scenario.market.clone(), -7.0);
        let replies = worker.handle(run(2, &scenario));
        let FromWorker::Ran { monitor, .. } = &replies[0] else {
            panic!("{replies:?}");
        };
        assert_eq!(*monitor, None, "the same population");
        match replies.get(1) {
            Some(FromWorker::Analyses {
                curve: None,
                phase: Some(phase),
                cycles: None,
                ..
            }) => assert_eq!(phase.here.map(|here| here.0), Some(-7.0)),
            other => panic!("only the phase map's marker moves: {other:?}"),
        }
        assert!(worker.curve.no_shock.is_some(), "the curve's run is kept");
    }

    #[test]
    fn pieces_fill_the_curve_then_the_phase_map_and_stop() {
        let scenario = presets::find("calm-market").expect("a preset").scenario;
        let mut worker = Worker::default();
        assert_eq!(worker.piece(), None, "nothing before a run");
        worker.handle(run(3, &scenario));
        let mut curve_pieces = 0;
        let mut phase_pieces = 0;
        while let Some(reply) = worker.piece() {
            match reply {
                FromWorker::Analyses {
                    id: 3,
                    curve: Some(_),
                    phase: None,
                    ..
                } => {
                    assert_eq!(phase_pieces, 0, "the curve comes first");
                    curve_pieces += 1;
                }
                FromWorker::Analyses {
                    id: 3,
                    curve: None,
                    phase: Some(_),
                    ..
                } => phase_pieces += 1,
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(curve_pieces, CURVE_SHOCKS + 1);
        assert_eq!(phase_pieces, crate::analyses::PHASE_ROWS);
        assert!(!worker.has_piece());
        // The cycles tab has its own pieces.
        let replies = worker.handle(ToWorker::View(View {
            tab: Tab::Cycles,
            axis: PhaseAxis::MeanLeverage,
        }));
        assert!(replies.is_empty(), "nothing changed: {replies:?}");
        assert!(worker.has_piece());
    }

    #[test]
    fn another_tab_gets_its_own_pieces_then_the_curve_the_headline_reads() {
        let scenario = presets::find("calm-market").expect("a preset").scenario;
        let mut worker = Worker::default();
        worker.handle(run(4, &scenario));
        worker.handle(ToWorker::View(View {
            tab: Tab::Cycles,
            axis: PhaseAxis::MeanLeverage,
        }));
        let (mut cycles_pieces, mut curve_pieces) = (0, 0);
        while let Some(reply) = worker.piece() {
            match reply {
                FromWorker::Analyses {
                    cycles: Some(_),
                    curve: None,
                    ..
                } => {
                    assert_eq!(curve_pieces, 0, "the tab's own pieces come first");
                    cycles_pieces += 1;
                }
                FromWorker::Analyses {
                    curve: Some(_),
                    cycles: None,
                    ..
                } => curve_pieces += 1,
                other => panic!("{other:?}"),
            }
        }
        assert!(cycles_pieces > 0 && worker.cycles.is_done());
        assert_eq!(
            curve_pieces,
            CURVE_SHOCKS + 1,
            "the curve is done on this tab too"
        );
        assert!(worker.curve.is_done() && !worker.has_piece());
        assert!(
            !worker.phase.is_done(),
            "the flush tab's phase map waits for its tab"
        );
        // The options tab has no pieces of its own: the curve alone.
        let mut worker = Worker::default();
        worker.handle(run(5, &scenario));
        worker.handle(ToWorker::View(View {
            tab: Tab::Options,
            axis: PhaseAxis::MeanLeverage,
        }));
        let mut pieces = 0;
        while let Some(reply) = worker.piece() {
            assert!(
                matches!(reply, FromWorker::Analyses { curve: Some(_), .. }),
                "{reply:?}"
            );
            pieces += 1;
        }
        assert_eq!(pieces, CURVE_SHOCKS + 1);
    }

    #[test]
    fn the_markets_tab_runs_its_system_with_no_flush_run_and_says_at_once_when_it_cannot() {
        // The flush tab's scenario held over the budget (or an embed of a system alone): no
        // flush run, and the system runs all the same, then its table.
        // No view said either (the page opened on the tab, with nothing run).
        let mut worker = Worker::default();
        let system = crate::markets::MarketsChoice::default().system();
        assert!(worker
            .handle(ToWorker::Markets {
                system: Box::new(system.clone()),
                approved_s: 0.0
            })
            .is_empty());
        let mut pieces = Vec::new();
        while let Some(reply) = worker.piece() {
            pieces.push(reply);
        }
        assert!(
            matches!(&pieces[..], [
                FromWorker::Analyses { markets: Some(run), curve: None, .. },
                FromWorker::Analyses { markets: Some(table), curve: None, .. },
            ] if run.ran && table.contagion.is_some()),
            "{pieces:?}"
        );
        // A system over the budget says so in its reply to the system, run or no run.
        let heavy = crate::markets::tests::system_over_the_budget();
        let mut worker = Worker::default();
        let replies = worker.handle(ToWorker::Markets {
            system: Box::new(heavy),
            approved_s: 0.0,
        });
        assert!(
            matches!(&replies[..], [FromWorker::Analyses { markets: Some(view), .. }]
                if view.problem.as_deref().is_some_and(|why| why.contains("over the budget"))),
            "{replies:?}"
        );
        assert!(!worker.has_piece());
    }

    /// A system held over the budget is planned to run once the user agrees to wait for its
    /// estimate; agreed to a little less, it is still held.
    #[test]
    fn a_system_held_over_the_budget_runs_once_agreed_to() {
        let heavy = crate::markets::tests::system_over_the_budget();
        let mut worker = Worker::default();
        let mut ask = |approved_s: f64| match &worker.handle(ToWorker::Markets {
            system: Box::new(heavy.clone()),
            approved_s,
        })[..]
        {
            [FromWorker::Analyses {
                markets: Some(view),
                ..
            }] => view.over_budget_s,
            _ => None,
        };
        let estimate = ask(0.0).expect("held over the budget, with its estimate");
        assert!(ask(estimate * 0.9).is_some(), "still held");
        // Agreed to it: no problem said, and its run is the tab's next piece (not run here: it
        // is over the budget).
        assert_eq!(ask(estimate), None);
        assert!(worker.has_piece());
        assert!(worker.markets.problem.is_none() && worker.markets.over_budget_s.is_none());
    }

    #[test]
    fn the_markets_tab_gets_its_system_run_then_its_table_and_keeps_the_old_one_meanwhile() {
        let scenario = presets::find("calm-market").expect("a preset").scenario;
        let mut worker = Worker::default();
        worker.handle(run(1, &scenario));
        let markets = View {
            tab: Tab::Markets,
            axis: PhaseAxis::MeanLeverage,
        };
        worker.handle(ToWorker::View(markets));
        let system = crate::markets::MarketsChoice::default().system();
        let replies = worker.handle(ToWorker::Markets {
            system: Box::new(system.clone()),
            approved_s: 0.0,
        });
        assert!(
            replies.is_empty(),
            "no empty view to show meanwhile: {replies:?}"
        );
        let Some(FromWorker::Analyses {
            markets: Some(first),
            ..
        }) = worker.piece()
        else {
            panic!("the run comes as the tab's first piece");
        };
        assert!(first.ran && first.contagion.is_none());
        assert!(
            worker.take_quiet_before_next(),
            "what follows a system's run waits for the drag to pause"
        );
        assert!(!worker.take_quiet_before_next(), "asking clears it");
        let Some(FromWorker::Analyses {
            markets: Some(second),
            ..
        }) = worker.piece()
        else {
            panic!("then the contagion table");
        };
        assert!(second.is_done() && second.contagion.is_some());
        assert!(!worker.take_quiet_before_next(), "a table is not a run");
        // Then the amplification curve, which the tipping-point gauge reads on every tab.
        let mut curve_pieces = 0;
        while let Some(reply) = worker.piece() {
            assert!(matches!(
                reply,
                FromWorker::Analyses {
                    curve: Some(_),
                    markets: None,
                    ..
                }
            ));
            curve_pieces += 1;
        }
        assert_eq!(curve_pieces, crate::analyses::CURVE_SHOCKS + 1);
        // The same system again: nothing to redo.
        assert!(worker
            .handle(ToWorker::Markets {
                system: Box::new(system),
                approved_s: 0.0
            })
            .is_empty());
        assert!(!worker.has_piece());
    }
}
