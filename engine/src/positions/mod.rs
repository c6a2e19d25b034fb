//! The leveraged population: maintenance-margin tiers and exact isolated-margin liquidation and
//! bankruptcy prices (`margin.rs`), the position table (`table.rs`) and its generation from
//! distributions (`generation.rs`), the cached state every run starts from (`start.rs`) and the
//! exact sums that mark the open positions (`open_sums.rs`).
//!
//! Positions are stored as columns, grouped by (leverage bucket, side); inside a group they are
//! sorted by liquidation price in the order a falling (longs) or rising (shorts) mark reaches them.
//! A group's notional is `scale * unit_notional`, so changing a bucket's weight or the long share
//! rescales a group without re-sorting it under flat maintenance margin, where the liquidation
//! price does not depend on size. Under tiers it does (and so do a position's leverage cap and
//! entry): a generated table keeps its members' draws, and a rescale opens a changed group's
//! members again at their new sizes and sorts that group again, as a fresh build would.

mod generation;
mod margin;
mod memo;
mod open_sums;
mod start;
mod table;

pub use generation::Draws;
pub use margin::{closing_units_of, crossed, size_collateral, MarginSchedule, Terms};
pub(crate) use memo::Memo;
pub use open_sums::OpenPositionSums;
pub(crate) use start::sum_in_lanes;
pub use start::{StartState, Warm};
pub use table::{bucket_of, standard_buckets, Group, PositionTable};
