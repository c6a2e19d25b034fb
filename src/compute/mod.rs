//! Where the engine runs: a Web Worker that owns the populations and runs every scenario and
//! analysis, so the page's main thread only draws. `protocol` is what the two say to each other,
//! `core` the worker's state (pure, natively tested), `host` its browser side inside the worker,
//! `client` the page's side (which falls back to running `core` on the page when no worker
//! starts). Why a worker of our own rather than `gloo-worker`: docs/app.md.

pub mod client;
pub mod core;
pub mod host;
pub mod protocol;
