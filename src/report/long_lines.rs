//! Long lines in human output: a label on a line longer than [`LONG_LINE`] bytes (minified
//! JSON, a `last-applied-configuration` annotation) is shown as a window of that line around
//! its span, not the whole line. A 300 KB one-line JSON list with 2,000 findings printed the
//! line 2,000 times (900 MB of output); now each finding prints at most a few hundred bytes.
//!
//! The window is its own codespan "file" whose line number, name and locations are the real
//! ones, so the header (`┌─ path:line:col`) and the gutter still point at the source.

use std::ops::Range;

use crate::input::source::{ceil_char_boundary, floor_char_boundary};
use codespan_reporting::files::{Error as FilesError, Files, Location};

/// Lines up to this many bytes are shown whole (and fingerprinted whole in SARIF).
pub const LONG_LINE: usize = 400;
/// Bytes of context shown before and after the span, and of the span itself at most.
const CONTEXT: usize = 80;
const SPAN: usize = 160;
const ELLIPSIS: &str = "…";

/// A window of one long line.
struct Window {
    file: usize,
    text: String,
    /// Offset in the real file of `text[prefix..]`.
    from: usize,
    /// Bytes of the leading ellipsis (0 when the window starts the line).
    prefix: usize,
    /// 1-based line number in the real file.
    line: usize,
}

/// The files of a report plus the windows made for one diagnostic: ids below `base_len` are
/// the report's files, the others windows.
pub struct WithWindows<'f, F> {
    base: &'f F,
    base_len: usize,
    windows: Vec<Window>,
}

/// What `WithWindows` needs of the report's files: their texts as shown (secrets blanked),
/// line tables and positions.
pub trait Shown {
    fn shown(&self, file: usize) -> Option<&str>;
    fn line_of(&self, file: usize, offset: usize) -> Option<(usize, Range<usize>)>;
    fn location_of(&self, file: usize, offset: usize) -> Option<Location>;
}

impl<'f, F: Shown> WithWindows<'f, F> {
    pub fn new(base: &'f F, base_len: usize) -> Self {
        Self {
            base,
            base_len,
            windows: Vec::new(),
        }
    }

    /// Where to draw a label on `span` of `file`: the file itself, or a window of its line
    /// when that line is long.
    pub fn place(&mut self, file: usize, span: Range<usize>) -> (usize, Range<usize>) {
        let (Some(text), Some((line, range))) =
            (self.base.shown(file), self.base.line_of(file, span.start))
        else {
            return (file, span);
        };
        if range.len() <= LONG_LINE || !range.contains(&span.start) {
            return (file, span);
        }
        let start = span.start;
        let end = floor_char_boundary(text, span.end.min(range.end).min(start + SPAN)).max(start);
        let from = floor_char_boundary(text, start.saturating_sub(CONTEXT).max(range.start));
        let to = ceil_char_boundary(text, (end + CONTEXT).min(range.end));
        let mut window = String::new();
        if from > range.start {
            window.push_str(ELLIPSIS);
        }
        let prefix = window.len();
        window.push_str(&text[from..to]);
        if to < range.end {
            window.push_str(ELLIPSIS);
        }
        let id = self.base_len + self.windows.len();
        self.windows.push(Window {
            file,
            text: window,
            from,
            prefix,
            line: line + 1,
        });
        (id, start - from + prefix..end - from + prefix)
    }

    fn window(&self, id: usize) -> Option<&Window> {
        id.checked_sub(self.base_len)
            .and_then(|i| self.windows.get(i))
    }
}

impl<'a, 'f, F> Files<'a> for WithWindows<'f, F>
where
    F: Files<'a, FileId = usize, Name = &'a str, Source = &'a str> + Shown,
    'f: 'a,
{
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, FilesError> {
        let file = self.window(id).map_or(id, |w| w.file);
        self.base.name(file)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, FilesError> {
        match self.window(id) {
            Some(w) => Ok(&w.text),
            None => self.base.source(id),
        }
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        match self.window(id) {
            Some(_) => Ok(0),
            None => self.base.line_index(id, byte_index),
        }
    }

    fn line_number(&'a self, id: usize, line_index: usize) -> Result<usize, FilesError> {
        match self.window(id) {
            Some(w) => Ok(w.line + line_index),
            None => self.base.line_number(id, line_index),
        }
    }

    fn location(&'a self, id: usize, byte_index: usize) -> Result<Location, FilesError> {
        match self.window(id) {
            Some(w) => {
                let real = w.from + byte_index.saturating_sub(w.prefix);
                self.base
                    .location_of(w.file, real)
                    .ok_or(FilesError::FileMissing)
            }
            None => self.base.location(id, byte_index),
        }
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, FilesError> {
        match self.window(id) {
            Some(w) if line_index == 0 => Ok(0..w.text.len()),
            Some(_) => Err(FilesError::LineTooLarge {
                given: line_index,
                max: 0,
            }),
            None => self.base.line_range(id, line_index),
        }
    }
}
