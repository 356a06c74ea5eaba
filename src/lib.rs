//! kubectl-wid: a static linter for Kubernetes workload identity.

pub mod cli;
pub mod engine;
pub mod input;
pub mod model;
pub mod report;
pub mod rules;
