//! FlushLab's web app: a thin Leptos shell around the cascade engine.
//!
//! `state` holds the scenario being edited; `live` runs the engine and redraws the charts at most
//! once per animation frame; `components` are the controls; `charts` turn outcomes into plotly
//! figures; `codec` reads and writes links and files; `autosave`, `undo` and `crash_guard` make
//! sure nothing the user made is lost.

pub mod analyses;
pub mod app;
pub mod autosave;
pub mod browser;
pub mod catalogue;
pub mod charts;
pub mod codec;
pub mod components;
pub mod compute;
pub mod crash_guard;
pub mod export;
pub mod first_view;
pub mod format;
pub mod gestures;
pub mod handover;
pub mod headline;
pub mod live;
pub mod markets;
pub mod panic_panel;
pub mod session;
pub mod state;
pub mod undo;
pub mod views;

pub use app::{App, AppWithQuery};
