//! One file per visible thing on the page.

pub mod bet;
pub mod edit_bar;
pub mod explainer;
pub mod field;
pub mod help;
pub mod leverage_editor;
pub mod market_controls;
pub mod market_editor;
pub mod markets;
pub mod monitor;
pub mod notices;
pub mod playback;
pub mod presets;
pub mod restore;
pub mod share;
pub mod shock_control;
pub mod summary;
pub mod trader_controls;
pub mod venue_controls;
