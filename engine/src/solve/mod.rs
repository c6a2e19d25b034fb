//! Solvers: `instant` finds the cascade's fixed point without time (sorted sweep over liquidation
//! prices); `timeline` runs step by step with everything time-dependent. Both apply the scenario's
//! shock as `shock.rs` says and read crossed positions through `crossing.rs`.

pub mod build_up;
pub mod crossing;
pub mod instant;
pub mod market_run;
mod shock;
pub mod timeline;

pub use instant::{InstantResult, InstantSolver};
pub use timeline::simulate;
