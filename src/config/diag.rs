//! Errors about the tool's own input files (config, custom rules), rendered like findings:
//! `error: …`, `┌─ path:line:col`, the source line and a label under the exact span.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};

use crate::input::load::LoadedFile;

/// A message about a span of a file.
#[derive(Debug, Clone)]
pub struct Located {
    pub span: Range<usize>,
    pub message: String,
}

/// Renders every error about `file`, in order, without colour (they go to stderr).
pub fn render_errors(file: &LoadedFile, errors: &[Located]) -> String {
    let src = &file.source;
    let simple = SimpleFile::new(src.path.as_str(), src.text.as_str());
    let mut out: Vec<u8> = Vec::new();
    for e in errors {
        let start = src.clamp(e.span.start);
        let mut end = src.clamp(e.span.end).max(start);
        if end == start
            && let Some(c) = src.text[start..].chars().next().filter(|c| *c != '\n')
        {
            end = start + c.len_utf8();
        }
        let d = Diagnostic::error()
            .with_message(e.message.clone())
            .with_labels(vec![Label::primary((), start..end)]);
        if term::emit_to_io_write(&mut out, &Config::default(), &simple, &d).is_err() {
            let p = src.position(start);
            out.extend_from_slice(
                format!(
                    "error: {}:{}:{}: {}\n",
                    src.path, p.line, p.column, e.message
                )
                .as_bytes(),
            );
        }
    }
    String::from_utf8_lossy(&out).trim_end().to_string()
}
