//! What the page and the compute worker say to each other: JSON text in `postMessage`, one
//! message per value of these enums. Every value round-trips exactly (floats included: serde_json
//! with `float_roundtrip`), which the tests below check on every preset.

use flushlab_engine::analysis::Monitor;
use flushlab_engine::{Outcome, Scenario};
use serde::{Deserialize, Serialize};

use crate::analyses::{CurveView, CyclesView, PhaseAxis, PhaseMap, VenuesView};
use crate::markets::MarketsView;
use crate::state::Tab;

/// Which analyses the page shows, so the worker computes those first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    pub tab: Tab,
    pub axis: PhaseAxis,
}

/// The page to the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Run this scenario (the page has checked it against its work budget), then keep or plan
    /// its analyses; `id` comes back with every reply about it.
    Run {
        id: u64,
        scenario: Box<Scenario>,
        view: View,
    },
    /// The tab or the phase map's axis changed: the analyses shown resume.
    View(View),
    /// The Markets tab's system changed (or is asked for the first time): its run and contagion
    /// table are computed as that tab's analysis. `approved_s`: the most estimated work the user
    /// agreed to wait for ("Run it"): a system over the page's budget runs if it is within it.
    Markets {
        system: Box<flushlab_engine::system::System>,
        approved_s: f64,
    },
    /// Sent by `index.html`'s head, before the app is up, for a page whose address carries its
    /// own scenario (`s=`, an embed): the first view of the scenario the address opens, read
    /// from it by the head (the link's payload, else the preset's name, else the default), and
    /// whether the page is an embed showing `view`'s charts.
    FirstView(FirstViewAsk),
}

/// What `index.html`'s head reads of the page's address for [`ToWorker::FirstView`], as
/// `crate::codec::parse_query` reads it for the app: the first `s=` payload, the first `preset=`
/// name, `embed=1` and the `view=` names.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FirstViewAsk {
    #[serde(default)]
    pub link: Option<String>,
    #[serde(default)]
    pub preset: Option<String>,
    #[serde(default)]
    pub embed: bool,
    #[serde(default)]
    pub view: Vec<String>,
}

/// The worker to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The outcome of run `id`, the engine's time for it (milliseconds, the worker's clock), and
    /// the leverage monitor when the population changed beyond the shock (else the page keeps
    /// the one it has).
    Ran {
        id: u64,
        outcome: Box<Outcome>,
        engine_ms: f64,
        monitor: Option<Monitor>,
    },
    /// The analyses as they stand after run `id`'s latest piece (only those that changed).
    Analyses {
        id: u64,
        curve: Option<Box<CurveView>>,
        phase: Option<Box<PhaseMap>>,
        cycles: Option<Box<CyclesView>>,
        #[serde(default)]
        venues: Option<Box<VenuesView>>,
        #[serde(default)]
        markets: Option<Box<MarketsView>>,
    },
    /// The worker stopped on an engine panic while working on `id` (its message), and has to be
    /// replaced.
    Crashed { id: u64, message: String },
    /// The first view of a [`ToWorker::FirstView`] query's scenario: the inside of
    /// `#first-view`, as `crate::first_view` writes it (None: the query opens no valid scenario,
    /// or one over the page's run budget).
    FirstView { html: Option<String> },
}

impl ToWorker {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a request serializes")
    }

    pub fn from_json(text: &str) -> Result<ToWorker, String> {
        serde_json::from_str(text)
            .map_err(|error| format!("a request the worker cannot read: {error}"))
    }
}

impl FromWorker {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a reply serializes")
    }

    pub fn from_json(text: &str) -> Result<FromWorker, String> {
        serde_json::from_str(text).map_err(|error| format!("a reply the page cannot read: {error}"))
    }

    /// The run this reply is about (0 for a first view, which is about no run of the page's).
    pub fn id(&self) -> u64 {
        match self {
            FromWorker::Ran { id, .. }
            | FromWorker::Analyses { id, .. }
            | FromWorker::Crashed { id, .. } => *id,
            FromWorker::FirstView { .. } => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::core::Worker;
    use flushlab_engine::presets;

    const VIEW: View = View {
        tab: Tab::Flush,
        axis: PhaseAxis::MeanLeverage,
    };

    /// What the page reads is what the worker wrote: read back and written again, the same text
    /// (the analyses' scenario keys stay in the worker).
    fn assert_round_trip(reply: &FromWorker) {
        let json = reply.to_json();
        let back = FromWorker::from_json(&json).expect("reads back");
        assert_eq!(back.to_json(), json);
    }

    #[test]
    fn every_preset_outcome_and_request_round_trips_exactly() {
        let mut worker = Worker::default();
        for (k, preset) in presets::all().into_iter().enumerate() {
            let request = ToWorker::Run {
                id: k as u64,
                scenario: Box::new(preset.scenario.clone()),
                view: VIEW,
            };
            assert_eq!(ToWorker::from_json(&request.to_json()), Ok(request.clone()));
            for reply in worker.handle(request) {
                assert_round_trip(&reply);
                if let FromWorker::Ran { .. } = reply {
                    // Nothing of an outcome is left out of the message.
                    assert_eq!(
                        FromWorker::from_json(&reply.to_json()),
                        Ok(reply),
                        "{}",
                        preset.name
                    );
                }
            }
        }
    }

    #[test]
    fn analysis_pieces_round_trip_exactly() {
        let mut worker = Worker::default();
        let scenario = presets::find("calm-market").expect("a preset").scenario;
        let cycles = View {
            tab: Tab::Cycles,
            axis: PhaseAxis::Depth,
        };
        worker.handle(ToWorker::Run {
            id: 7,
            scenario: Box::new(scenario),
            view: cycles,
        });
        let mut pieces = 0;
        while let Some(reply) = worker.piece() {
            assert_eq!(reply.id(), 7);
            assert_round_trip(&reply);
            pieces += 1;
            if pieces == 3 {
                break;
            }
        }
        assert_eq!(pieces, 3);
    }

    #[test]
    fn unreadable_messages_are_errors_that_say_so() {
        let error = ToWorker::from_json("{\"Run\":{}}").expect_err("not a request");
        assert!(
            error.starts_with("a request the worker cannot read"),
            "{error}"
        );
        let error = FromWorker::from_json("[1,2]").expect_err("not a reply");
        assert!(error.starts_with("a reply the page cannot read"), "{error}");
    }
}
