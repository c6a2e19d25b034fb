//! FlushLab's web app: a thin Leptos shell around the cascade engine.

pub mod app;
pub mod charts;

pub use app::App;
