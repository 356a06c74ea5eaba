//! Human output: codespan-reporting diagnostics (`error[AZ001]: …`, `┌─ path:line:col`, the
//! source line, a label under the exact span, `= help:`), then one summary line.

use std::borrow::Cow;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files, Location};
use codespan_reporting::term::{self, Config};

use crate::input::load::LoadedFile;
use crate::input::redact;
use crate::rules::{Finding, Severity};

use super::Report;
use super::long_lines::{self, WithWindows};

/// Adapter so codespan uses our line table and our column rule (Unicode scalars, BOM not
/// counted), and shows the text with secret values blanked.
struct SourceFiles<'a>(&'a [LoadedFile], Vec<Cow<'a, str>>);

impl<'a> Files<'a> for SourceFiles<'a> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(id).ok_or(FilesError::FileMissing)?.source.path)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(self.1.get(id).ok_or(FilesError::FileMissing)?)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        let f = &self.0.get(id).ok_or(FilesError::FileMissing)?.source;
        Ok(f.line_index(f.clamp(byte_index)))
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, FilesError> {
        let f = &self.0.get(id).ok_or(FilesError::FileMissing)?.source;
        if line_index >= f.line_count() {
            return Err(FilesError::LineTooLarge {
                given: line_index,
                max: f.line_count() - 1,
            });
        }
        // Include the terminator: codespan trims it itself, and needs ranges that tile the file.
        let start = f.line_start(line_index);
        let end = if line_index + 1 < f.line_count() {
            f.line_start(line_index + 1)
        } else {
            f.text.len()
        };
        Ok(start..end)
    }

    fn location(&'a self, id: usize, byte_index: usize) -> Result<Location, FilesError> {
        let f = &self.0.get(id).ok_or(FilesError::FileMissing)?.source;
        let p = f.position(byte_index);
        Ok(Location {
            line_number: p.line,
            column_number: p.column,
        })
    }
}

impl long_lines::Shown for SourceFiles<'_> {
    fn shown(&self, file: usize) -> Option<&str> {
        self.1.get(file).map(|t| &**t)
    }

    fn line_of(&self, file: usize, offset: usize) -> Option<(usize, Range<usize>)> {
        let f = &self.0.get(file)?.source;
        let line = f.line_index(f.clamp(offset));
        Some((line, f.line_range(line)))
    }

    fn location_of(&self, file: usize, offset: usize) -> Option<Location> {
        let p = self.0.get(file)?.source.position(offset);
        Some(Location {
            line_number: p.line,
            column_number: p.column,
        })
    }
}

/// A span codespan can underline: inside the file, on char boundaries, at least one character
/// wide where the text allows it (syntax errors are zero-width positions), and not ending on
/// a line break.
fn display_span(file: &LoadedFile, span: &Range<usize>) -> Range<usize> {
    let text = &file.source.text;
    let start = file.source.clamp(span.start);
    let mut end = file.source.clamp(span.end).max(start);
    if end == start
        && let Some(c) = text[start..]
            .chars()
            .next()
            .filter(|c| *c != '\n' && *c != '\r')
    {
        end = start + c.len_utf8();
    }
    start..end
}

/// The diagnostic of a finding; labels on long lines are placed on windows of them.
fn diagnostic(
    report: &Report<'_>,
    files: &mut WithWindows<'_, SourceFiles<'_>>,
    f: &Finding,
) -> Diagnostic<usize> {
    let severity = match f.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    };
    let (id, span) = files.place(f.file.0, display_span(&report.files[f.file.0], &f.span));
    let mut labels = vec![Label::primary(id, span)];
    for r in &f.related {
        let (id, span) = files.place(r.file.0, display_span(&report.files[r.file.0], &r.span));
        labels.push(Label::secondary(id, span).with_message(r.message.clone()));
    }
    Diagnostic::new(severity)
        .with_code(f.rule.id.clone())
        .with_message(f.message.clone())
        .with_labels(labels)
        .with_notes(vec![format!("help: {}", f.help_text())])
}

/// Renders all findings and the summary line. With `color`, ANSI colours are used.
pub fn render(report: &Report<'_>, color: bool) -> String {
    // Only files with findings are shown; redaction needs a walk of their documents.
    let mut used = vec![false; report.files.len()];
    for x in report.findings {
        for file in std::iter::once(x.file).chain(x.related.iter().map(|r| r.file)) {
            if let Some(u) = used.get_mut(file.0) {
                *u = true;
            }
        }
    }
    use rayon::prelude::*;
    let shown: Vec<Cow<'_, str>> = report
        .files
        .par_iter()
        .zip(used)
        .map(|(f, used)| {
            if used {
                redact::redacted(&f.source.text, &redact::secret_ranges(f))
            } else {
                Cow::Borrowed(f.source.text.as_str())
            }
        })
        .collect();
    let files = SourceFiles(report.files, shown);
    let config = Config::default();
    // Diagnostics are rendered in runs of findings on all cores, then joined in order.
    let emit_run = |run: &[Finding]| {
        let mut out: Vec<u8> = Vec::new();
        for f in run {
            let mut shown = WithWindows::new(&files, report.files.len());
            let d = diagnostic(report, &mut shown, f);
            let result = if color {
                let mut buffer = term::termcolor::Buffer::ansi();
                let r = term::emit_to_write_style(&mut buffer, &config, &shown, &d);
                out.extend_from_slice(buffer.as_slice());
                r
            } else {
                term::emit_to_io_write(&mut out, &config, &shown, &d)
            };
            if let Err(e) = result {
                out.extend_from_slice(
                    format!(
                        "{}[{}]: {} ({e})\n",
                        f.severity.as_str(),
                        f.rule.id,
                        f.message
                    )
                    .as_bytes(),
                );
            }
        }
        out
    };
    let runs: Vec<Vec<u8>> = report.findings.par_chunks(256).map(emit_run).collect();
    let mut text = String::with_capacity(runs.iter().map(Vec::len).sum::<usize>() + 200);
    for run in &runs {
        text.push_str(&String::from_utf8_lossy(run));
    }
    text.push_str(&summary_line(report));
    text
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub fn summary_line(report: &Report<'_>) -> String {
    let s = &report.summary;
    let scope = format!(
        "{} ({}, {})",
        plural(s.files, "file"),
        plural(s.documents, "document"),
        plural(s.objects, "object")
    );
    if s.findings == 0 {
        format!("no findings in {scope}\n")
    } else {
        format!(
            "found {}, {}, {} info in {scope}\n",
            plural(s.error, "error"),
            plural(s.warning, "warning"),
            s.info
        )
    }
}
