//! Rules about the manifests as Kubernetes reads them, before any cloud semantics.

pub mod alias_expansion_limit;
pub mod duplicate_key;
pub mod non_string_metadata_value;
pub mod unrendered_template;
pub mod yaml_syntax_error;

use crate::input::FileId;
use crate::input::load::LoadedFile;
use crate::input::yaml::{Problem, ProblemKind};

/// Loader problems of one kind, with the file they are in.
pub(crate) fn problems(
    files: &[LoadedFile],
    wanted: impl Fn(&ProblemKind) -> bool,
) -> Vec<(FileId, &Problem)> {
    files
        .iter()
        .enumerate()
        .flat_map(|(i, f)| f.parsed.problems.iter().map(move |p| (FileId(i), p)))
        .filter(|(_, p)| wanted(&p.kind))
        .collect()
}
