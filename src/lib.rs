//! kubectl-wid: a static linter for Kubernetes workload identity.

pub mod cli;
pub mod config;
pub mod custom;
pub mod engine;
pub mod fix;
pub mod generate;
pub mod input;
pub mod live;
pub mod model;
pub mod report;
pub mod rules;
pub mod schema;
pub mod suppress;
pub mod timing;
