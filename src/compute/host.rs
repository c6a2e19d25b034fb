//! The compute worker's side of the messages, inside a Web Worker (`src/worker.rs` starts it):
//! each message is answered at once (a run's outcome and the analyses it changed, in one
//! `postMessage`), and analysis pieces follow one per timer tick once runs have been quiet for
//! [`QUIET_MS`], so a message that arrives meanwhile waits for one piece at most. The Markets
//! tab's system runs as a piece at once; what follows it waits for quiet in the same way.

use std::cell::{Cell, RefCell};

use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::core::Worker;
use super::protocol::{FromWorker, ToWorker};

/// Quiet time after a run before analysis pieces start, milliseconds (a drag sends a run every
/// frame; its analyses wait until it pauses).
pub const QUIET_MS: u32 = 250;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

struct Host {
    worker: Worker,
    /// The next analysis piece (replacing it cancels the one before).
    timer: Option<Timeout>,
}

thread_local! {
    static HOST: RefCell<Option<Host>> = const { RefCell::new(None) };
    /// The run being worked on, for a crash report (apart from `HOST`, which a panic leaves
    /// borrowed).
    static CURRENT: Cell<u64> = const { Cell::new(0) };
}

fn scope() -> web_sys::DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Posts `replies` to the page as one JSON array (one message, so the page draws them in one
/// frame), as UTF-8 bytes in a transferred buffer: the page reads them straight into its own
/// memory, with no JavaScript string made and encoded again on either side (an outcome is about
/// 160 kB).
fn post(replies: &[FromWorker]) {
    if replies.is_empty() {
        return;
    }
    let bytes = serde_json::to_vec(replies).expect("replies serialize");
    let array = js_sys::Uint8Array::from(bytes.as_slice());
    let transfer = js_sys::Array::of1(&array.buffer());
    let _ = scope().post_message_with_transfer(&array, &transfer);
}

/// Starts answering the page's messages (called once, by the worker's entry point).
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        post(&[FromWorker::Crashed {
            id: CURRENT.with(Cell::get),
            message: info.to_string(),
        }]);
    }));
    HOST.with(|host| {
        *host.borrow_mut() = Some(Host {
            worker: Worker::with_clock(performance_now),
            timer: None,
        })
    });
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            match ToWorker::from_json(&text) {
                Ok(message) => receive(message),
                // The page and the worker come from one build: this cannot happen but by a bug.
                Err(error) => web_sys::console::error_1(&error.into()),
            }
        });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
}

fn receive(message: ToWorker) {
    let delay = match message {
        ToWorker::Run { .. } => QUIET_MS,
        ToWorker::View(_) | ToWorker::Markets { .. } | ToWorker::FirstView(_) => 0,
    };
    let replies = HOST.with(|host| {
        let mut host = host.borrow_mut();
        let host = host.as_mut().expect("started");
        if let ToWorker::Run { id, .. } = &message {
            CURRENT.with(|current| current.set(*id));
        }
        // A message cancels the piece waiting to run.
        host.timer = None;
        host.worker.handle(message)
    });
    post(&replies);
    schedule(delay);
}

/// Runs the next analysis piece after `delay_ms`, if one is left.
fn schedule(delay_ms: u32) {
    HOST.with(|host| {
        let mut host = host.borrow_mut();
        let host = host.as_mut().expect("started");
        host.timer = host
            .worker
            .has_piece()
            .then(|| Timeout::new(delay_ms, piece));
    });
}

fn piece() {
    let (reply, quiet) = HOST.with(|host| {
        let mut host = host.borrow_mut();
        let host = host.as_mut().expect("started");
        host.timer = None;
        let reply = host.worker.piece();
        (reply, host.worker.take_quiet_before_next())
    });
    if let Some(reply) = reply {
        post(&[reply]);
    }
    schedule(if quiet { QUIET_MS } else { 0 });
}
