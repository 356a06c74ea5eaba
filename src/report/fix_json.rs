//! The `fix` object of a JSON finding: applicability, description and the exact edits (path,
//! 1-based start/end line and column as everywhere in the output, replacement text), so an
//! editor or a review bot can apply a fix without running `--fix`.

use serde::Serialize;

use crate::input::load::LoadedFile;
use crate::rules::Finding;
use crate::rules::catalog::Applicability;

#[derive(Serialize)]
pub struct FixOut<'a> {
    applicability: Applicability,
    pub(super) description: &'a str,
    pub(super) edits: Vec<EditOut<'a>>,
}

/// One edit, positioned (also what SARIF's `fixes` are made of).
#[derive(Serialize)]
pub(super) struct EditOut<'a> {
    pub(super) path: &'a str,
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) end_line: usize,
    pub(super) end_column: usize,
    /// Replaces the text between the two positions (an insertion when they are equal).
    pub(super) text: &'a str,
    pub(super) applicability: Applicability,
}

pub fn fix_out<'a>(files: &'a [LoadedFile], f: &'a Finding) -> Option<FixOut<'a>> {
    let fix = f.fix.as_ref()?;
    let edits = fix
        .edits
        .iter()
        .filter_map(|e| {
            let src = &files.get(e.file.unwrap_or(f.file).0)?.source;
            let (start, end) = (src.position(e.range.start), src.position(e.range.end));
            Some(EditOut {
                path: &src.path,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                text: &e.text,
                applicability: e.applicability.unwrap_or(fix.applicability),
            })
        })
        .collect();
    Some(FixOut {
        applicability: fix.applicability,
        description: &fix.description,
        edits,
    })
}
