//! Solvers: `instant` finds the cascade's fixed point without time (sorted sweep over liquidation
//! prices); `timeline` runs step by step with everything time-dependent.

pub mod instant;
pub mod timeline;

pub use instant::{InstantResult, InstantSolver};
pub use timeline::simulate;
