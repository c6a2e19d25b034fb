//! Analyses built on the solvers.
