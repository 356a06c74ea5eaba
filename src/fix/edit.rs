//! Text edits at parsed spans: the only way a fix changes a file. An edit replaces a byte range
//! of the original text (an empty range is an insertion); nothing outside it is touched, so
//! comments, key order, quoting, CRLF, a BOM and a missing trailing newline all survive.

use std::ops::Range;

use crate::input::FileId;
use crate::rules::catalog::Applicability;

/// One replacement of `range` (bytes of the file's original text) by `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The file to edit; `None` means the file of the finding that carries the edit.
    pub file: Option<FileId>,
    pub range: Range<usize>,
    pub text: String,
    /// Overrides the fix's applicability for this edit (an unsafe part of an otherwise safe fix,
    /// such as deleting a misplaced label next to the safe insertion of the right one).
    pub applicability: Option<Applicability>,
}

impl Edit {
    /// Replaces the bytes of `span` with `text`.
    pub fn replace(span: Range<usize>, text: impl Into<String>) -> Self {
        Self {
            file: None,
            range: span,
            text: text.into(),
            applicability: None,
        }
    }

    /// Inserts `text` at byte offset `at`.
    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Self::replace(at..at, text)
    }

    /// Deletes the bytes of `span`.
    pub fn delete(span: Range<usize>) -> Self {
        Self::replace(span, "")
    }

    /// The edit applies to another file than the finding's (a ServiceAccount defined elsewhere).
    pub fn in_file(mut self, file: FileId) -> Self {
        self.file = Some(file);
        self
    }

    /// Applied only with `--unsafe-fixes`, whatever the fix's own applicability.
    pub fn unsafe_only(mut self) -> Self {
        self.applicability = Some(Applicability::Unsafe);
        self
    }

    pub fn is_insertion(&self) -> bool {
        self.range.is_empty()
    }

    /// Whether two edits of the same file cannot both be applied: their ranges overlap, an
    /// insertion falls strictly inside a replaced range, or two different insertions are at the
    /// same offset (their order would be a guess). Identical edits do not conflict.
    pub fn conflicts_with(&self, other: &Edit) -> bool {
        if self.range == other.range && self.text == other.text {
            return false;
        }
        let (a, b) = (&self.range, &other.range);
        match (a.is_empty(), b.is_empty()) {
            (true, true) => a.start == b.start,
            (true, false) => b.start < a.start && a.start < b.end,
            (false, true) => a.start < b.start && b.start < a.end,
            (false, false) => a.start < b.end && b.start < a.end,
        }
    }
}

/// Applies non-conflicting edits of one file to its text. Edits are applied from the end so
/// earlier offsets stay valid; identical duplicates are applied once. Returns `None` if a range
/// is out of bounds or not on a character boundary (a bug in a rule, never applied).
pub fn apply(text: &str, edits: &[&Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    sorted.dedup_by(|a, b| a.range == b.range && a.text == b.text);
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in sorted {
        let r = &e.range;
        if r.start < at
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            return None;
        }
        out.push_str(&text[at..r.start]);
        out.push_str(&e.text);
        at = r.end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicts() {
        let r = |a, b| Edit::replace(a..b, "x");
        assert!(r(0, 5).conflicts_with(&r(4, 6)));
        assert!(!r(0, 5).conflicts_with(&r(5, 6)));
        assert!(Edit::insert(3, "a").conflicts_with(&r(0, 5)));
        assert!(!Edit::insert(5, "a").conflicts_with(&r(0, 5)));
        assert!(Edit::insert(5, "a").conflicts_with(&Edit::insert(5, "b")));
        assert!(!Edit::insert(5, "a").conflicts_with(&Edit::insert(5, "a")));
    }

    #[test]
    fn applies_from_the_end() {
        let (a, b) = (Edit::replace(0..1, "AA"), Edit::insert(3, "!"));
        assert_eq!(apply("abc", &[&b, &a]).as_deref(), Some("AAbc!"));
        assert_eq!(apply("abc", &[&Edit::replace(2..9, "")]), None);
    }
}
