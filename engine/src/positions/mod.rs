//! The leveraged population.

mod table;

pub use table::*;
