//! Report layer: renders findings for people (human) and for machines (json).

pub mod catalog;
pub mod fix_json;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
mod long_lines;
pub mod sarif;

use serde::Serialize;

use crate::input::load::{InputError, LoadedFile, Skipped};
use crate::rules::{Finding, Severity};

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub objects: usize,
    pub findings: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    /// Files read but not linted (binary, not UTF-8, empty); see `skipped` in the JSON output.
    pub skipped: usize,
}

/// Everything a renderer needs, borrowed from the run.
pub struct Report<'r> {
    pub files: &'r [LoadedFile],
    pub findings: &'r [Finding],
    pub skipped: &'r [Skipped],
    pub errors: &'r [InputError],
    pub summary: Summary,
}

impl<'r> Report<'r> {
    pub fn new(
        files: &'r [LoadedFile],
        findings: &'r [Finding],
        skipped: &'r [Skipped],
        errors: &'r [InputError],
        documents: usize,
        objects: usize,
    ) -> Self {
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        let summary = Summary {
            files: files.len() + skipped.len(),
            documents,
            objects,
            findings: findings.len(),
            error: count(Severity::Error),
            warning: count(Severity::Warning),
            info: count(Severity::Info),
            skipped: skipped.len(),
        };
        Self {
            files,
            findings,
            skipped,
            errors,
            summary,
        }
    }
}
