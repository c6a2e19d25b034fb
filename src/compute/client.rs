//! The page's side of the compute worker: starts it, posts requests, hands its replies to the
//! live loop, and replaces it when it is stopped or has crashed. Where no worker can start (a
//! browser without the script, the wasm test runner), the same [`Worker`] runs on the page, one
//! request or piece per timer tick: slower to draw during heavy work, but the same numbers.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::core::Worker;
use super::host::QUIET_MS;
use super::protocol::{FromWorker, ToWorker};

/// The worker's loader (assets/flushlab-worker-loader.js), next to index.html.
pub const WORKER_SCRIPT: &str = "./flushlab-worker-loader.js";

/// Where `index.html`'s head leaves the compute worker it started for the first view, and where
/// the page says it has started its own (the head then stops the early one instead of leaving it).
const EARLY_WORKER: &str = "__flushlabEarlyWorker";
const WORKER_TAKEN: &str = "__flushlabWorkerTaken";

/// The compute worker `index.html`'s head left for the page, taken once; from now on the head
/// leaves none (a restart starts a fresh worker).
fn early_worker() -> Option<web_sys::Worker> {
    let window = web_sys::window()?;
    let _ = js_sys::Reflect::set(&window, &WORKER_TAKEN.into(), &JsValue::TRUE);
    let key = JsValue::from_str(EARLY_WORKER);
    let value = js_sys::Reflect::get(&window, &key).ok()?;
    let _ = js_sys::Reflect::delete_property(window.as_ref(), &key);
    value.dyn_into::<web_sys::Worker>().ok()
}

/// A worker reply's JSON: the UTF-8 bytes the worker transferred (`host::post`); nothing (a
/// reply the page cannot read) if it sent something else.
fn reply_bytes(data: JsValue) -> Vec<u8> {
    data.dyn_into::<js_sys::Uint8Array>()
        .map(|bytes| bytes.to_vec())
        .unwrap_or_default()
}

/// What the live loop hears from the compute side.
#[derive(Debug)]
pub enum Event {
    /// Replies, in the order the worker sent them (one message's worth).
    Replies(Vec<FromWorker>),
    /// The worker stopped without a reply (an abort: memory, a trap) after it had worked.
    Failed(String),
}

type Listener = Rc<dyn Fn(Event)>;

enum Backend {
    Worker {
        worker: web_sys::Worker,
        /// Whether it has replied at all (an error before that means it cannot start here).
        answered: bool,
        _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
        _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
    },
    InPage {
        worker: Box<Worker>,
        /// Messages not handled yet.
        queue: Vec<ToWorker>,
        /// The next tick, and whether it is for messages (else for a piece).
        timer: Option<(Timeout, bool)>,
    },
}

impl Backend {
    /// The engine on the page, idle.
    fn in_page() -> Backend {
        Backend::InPage {
            worker: Box::new(Worker::with_clock(crate::browser::now_ms)),
            queue: Vec::new(),
            timer: None,
        }
    }
}

struct Shared {
    backend: Option<Backend>,
    /// The last run and the last view change posted, to post again on the page if the worker
    /// cannot start.
    last_run: Option<ToWorker>,
    last_view: Option<ToWorker>,
    /// The Markets tab's last system: posted again to a fresh worker (it outlives restarts).
    last_markets: Option<ToWorker>,
    listener: Listener,
}

/// Handle to the compute side; cheap to clone.
#[derive(Clone)]
pub struct Compute {
    shared: Rc<RefCell<Shared>>,
}

impl Compute {
    /// Starts a worker (or the on-page fallback) whose events go to `listener`.
    pub fn start(listener: impl Fn(Event) + 'static) -> Compute {
        let compute = Compute {
            shared: Rc::new(RefCell::new(Shared {
                backend: None,
                last_run: None,
                last_view: None,
                last_markets: None,
                listener: Rc::new(listener),
            })),
        };
        compute.spawn();
        compute
    }

    /// Sends a request.
    pub fn post(&self, message: ToWorker) {
        let mut shared = self.shared.borrow_mut();
        match &message {
            ToWorker::Run { .. } => shared.last_run = Some(message.clone()),
            ToWorker::View(_) => shared.last_view = Some(message.clone()),
            ToWorker::Markets { .. } => shared.last_markets = Some(message.clone()),
            // The head's early worker's question, not the page's: nothing to ask again.
            ToWorker::FirstView(_) => {}
        }
        match shared.backend.as_mut() {
            Some(Backend::Worker { worker, .. }) => {
                let _ = worker.post_message(&JsValue::from_str(&message.to_json()));
            }
            Some(Backend::InPage { .. }) => {
                drop(shared);
                self.in_page_later(0, Some(message));
            }
            None => {}
        }
    }

    /// Stops whatever the worker is doing (it is terminated) and starts a fresh one, with no
    /// populations: the next request builds them again.
    pub fn restart(&self) {
        let old = self.shared.borrow_mut().backend.take();
        if let Some(Backend::Worker { worker, .. }) = old {
            worker.terminate();
        }
        let markets = {
            let mut shared = self.shared.borrow_mut();
            shared.last_run = None;
            shared.last_view = None;
            shared.last_markets.take()
        };
        self.spawn();
        if let Some(markets) = markets {
            self.post(markets);
        }
    }

    fn spawn(&self) {
        let backend = self.worker().unwrap_or_else(Backend::in_page);
        self.shared.borrow_mut().backend = Some(backend);
    }

    /// A Web Worker running the compute host, if the browser can start one: the one
    /// `index.html`'s head started for the first view when it left one (it has answered, and it
    /// holds the population of the scenario the page opens), else a new one.
    fn worker(&self) -> Option<Backend> {
        let early = early_worker();
        let answered = early.is_some();
        let worker = match early {
            Some(worker) => worker,
            None => web_sys::Worker::new(WORKER_SCRIPT).ok()?,
        };
        let weak = Rc::downgrade(&self.shared);
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let Some(shared) = weak.upgrade() else {
                    return;
                };
                let listener = {
                    let mut shared = shared.borrow_mut();
                    if let Some(Backend::Worker { answered, .. }) = shared.backend.as_mut() {
                        *answered = true;
                    }
                    shared.listener.clone()
                };
                crate::browser::mark("flush:receive-start");
                let replies = serde_json::from_slice::<Vec<FromWorker>>(&reply_bytes(event.data()));
                crate::browser::measure("flush:receive", "flush:receive-start");
                let event = match replies {
                    Ok(replies) => Event::Replies(replies),
                    Err(error) => Event::Failed(format!(
                        "the compute worker sent a reply the page cannot read: {error}"
                    )),
                };
                // Taken in a task of its own: reading a large reply (an outcome is about 160 kB
                // of JSON) and drawing from it are two tasks, not one long one on a phone.
                // Replies keep their order (timeouts run in the order they were set).
                Timeout::new(0, move || listener(event)).forget();
            },
        );
        let weak = Rc::downgrade(&self.shared);
        let on_error =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
                event.prevent_default();
                let Some(shared) = weak.upgrade() else {
                    return;
                };
                let answered = matches!(
                    shared.borrow().backend,
                    Some(Backend::Worker { answered: true, .. })
                );
                let compute = Compute { shared };
                if answered {
                    let listener = compute.shared.borrow().listener.clone();
                    listener(Event::Failed(event.message()));
                } else {
                    compute.fall_back_to_the_page();
                }
            });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(Backend::Worker {
            worker,
            answered,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// The worker could not start: the engine runs on the page from now on, starting with what
    /// was sent to the worker.
    fn fall_back_to_the_page(&self) {
        let (run, view, markets) = {
            let mut shared = self.shared.borrow_mut();
            if let Some(Backend::Worker { worker, .. }) = shared.backend.take() {
                worker.terminate();
            }
            shared.backend = Some(Backend::in_page());
            (
                shared.last_run.clone(),
                shared.last_view.clone(),
                shared.last_markets.clone(),
            )
        };
        web_sys::console::warn_1(
            &"FlushLab: no compute worker here; the engine runs on the page".into(),
        );
        for message in [run, view, markets].into_iter().flatten() {
            self.post(message);
        }
    }

    /// On the page: handles the queued messages (or, with none, the next analysis piece)
    /// after `delay_ms`, on a timer, as the worker would. A message replaces a waiting piece,
    /// never another message (they queue).
    fn in_page_later(&self, delay_ms: u32, message: Option<ToWorker>) {
        let mut shared = self.shared.borrow_mut();
        let Some(Backend::InPage { queue, timer, .. }) = shared.backend.as_mut() else {
            return;
        };
        let for_message = message.is_some();
        queue.extend(message);
        if for_message && timer.as_ref().is_some_and(|(_, message)| *message) {
            return;
        }
        let weak = Rc::downgrade(&self.shared);
        let next = Timeout::new(delay_ms, move || {
            if let Some(shared) = weak.upgrade() {
                Compute { shared }.in_page_now();
            }
        });
        *timer = Some((next, for_message));
    }

    fn in_page_now(&self) {
        let (replies, next) = {
            let mut shared = self.shared.borrow_mut();
            let Some(Backend::InPage {
                worker,
                queue,
                timer,
            }) = shared.backend.as_mut()
            else {
                return;
            };
            *timer = None;
            let mut delay = if queue
                .iter()
                .any(|message| matches!(message, ToWorker::Run { .. }))
            {
                QUIET_MS
            } else {
                0
            };
            crate::crash_guard::begin();
            let mut replies: Vec<FromWorker> = queue
                .drain(..)
                .flat_map(|message| worker.handle(message))
                .collect();
            if replies.is_empty() {
                replies.extend(worker.piece());
                if worker.take_quiet_before_next() {
                    delay = QUIET_MS;
                }
            }
            crate::crash_guard::end();
            (replies, worker.has_piece().then_some(delay))
        };
        if !replies.is_empty() {
            let listener = self.shared.borrow().listener.clone();
            listener(Event::Replies(replies));
        }
        if let Some(delay) = next {
            self.in_page_later(delay, None);
        }
    }
}
