//! `--output json`: exactly one JSON document. CI gates parse it: keep the shape stable
//! (`version` changes only on incompatible changes; new keys may be added).

use serde::Serialize;

use crate::rules::{Finding, ObjectRef};

use super::{Report, Summary};

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct RelatedOut<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'static str,
    message: &'a str,
    help: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    /// JSON Pointer of the field the finding is about (`/spec/template/metadata/labels`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<String>,
    object: Option<&'a ObjectRef>,
    fix: Option<super::fix_json::FixOut<'a>>,
    related: Vec<RelatedOut<'a>>,
}

#[derive(Serialize)]
struct SkippedOut<'a> {
    path: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct ErrorOut {
    message: String,
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    summary: &'a Summary,
    findings: Vec<FindingOut<'a>>,
    skipped: Vec<SkippedOut<'a>>,
    errors: Vec<ErrorOut>,
}

fn finding<'a>(
    report: &Report<'a>,
    f: &'a Finding,
    ordered: &mut crate::input::cluster::pointer::Ordered,
) -> FindingOut<'a> {
    let source = &report.files[f.file.0].source;
    let start = source.position(f.span.start);
    let end = source.position(f.span.end);
    FindingOut {
        rule: &f.rule.id,
        name: &f.rule.name,
        severity: f.severity.as_str(),
        message: &f.message,
        help: f.help_text(),
        path: &source.path,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        pointer: crate::input::cluster::pointer::at_with(
            &report.files[f.file.0],
            f.span.start,
            ordered,
        ),
        object: f.object.as_ref(),
        fix: super::fix_json::fix_out(report.files, f),
        related: f
            .related
            .iter()
            .map(|r| {
                let src = &report.files[r.file.0].source;
                let p = src.position(r.span.start);
                RelatedOut {
                    path: &src.path,
                    line: p.line,
                    column: p.column,
                    message: &r.message,
                }
            })
            .collect(),
    }
}

pub fn render(report: &Report<'_>) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(report, &mut out);
    // serde_json and the frame write UTF-8 only.
    String::from_utf8(out).unwrap_or_default()
}

/// Findings rendered per task: enough that the writes are few, few enough that both cores
/// share the work.
const FINDINGS_PER_PART: usize = 256;
/// Parts rendered (in parallel) before they are written: the report is never held whole
/// (75 MB for 200k objects), only this many parts of it.
const PARTS_PER_WAVE: usize = 16;

/// Writes the document: the frame, and the findings rendered on all cores a wave at a time,
/// each written straight at its depth in the `findings` array where the empty array is. The
/// bytes are those of one `to_string_pretty` over the whole document.
pub fn write(report: &Report<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let doc = Document {
        version: 1,
        tool: Tool {
            name: "kubectl-wid",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: &report.summary,
        findings: Vec::new(),
        skipped: report
            .skipped
            .iter()
            .map(|s| SkippedOut {
                path: &s.path,
                reason: &s.reason,
            })
            .collect(),
        errors: report
            .errors
            .iter()
            .map(|e| ErrorOut {
                message: e.to_string(),
            })
            .collect(),
    };
    let frame = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    write_array(
        out,
        &frame,
        "findings",
        1,
        report.findings,
        |_, f, ordered: &mut crate::input::cluster::pointer::Ordered, ser| {
            finding(report, f, ordered).serialize(ser)
        },
    )
}

/// Writes `frame` (a pretty-printed document whose array `key`, `depth` levels deep, is
/// empty) with `items` rendered into that array on all cores, a wave of parts at a time, each
/// written straight at its depth. The bytes are those of one `to_string_pretty` over the whole
/// document. `render` serialises an item, given its index and a state kept across one
/// part's items.
pub(super) fn write_array<T: Sync, P: Default>(
    out: &mut dyn std::io::Write,
    frame: &str,
    key: &str,
    depth: usize,
    items: &[T],
    render: impl Fn(usize, &T, &mut P, &mut ItemSerializer<'_>) -> serde_json::Result<()> + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let indent = "  ".repeat(depth);
    let (head, tail) = match frame.split_once(&format!("\n{indent}\"{key}\": []")) {
        Some(parts) if !items.is_empty() => parts,
        _ => return out.write_all(format!("{frame}\n").as_bytes()),
    };
    out.write_all(format!("{head}\n{indent}\"{key}\": [\n").as_bytes())?;
    let item_indent = "  ".repeat(depth + 1);
    let render_part = |(chunk, part): (usize, &[T])| {
        let mut buf = Vec::with_capacity(part.len() * 1200);
        let mut state = P::default();
        for (i, item) in part.iter().enumerate() {
            let at = chunk * FINDINGS_PER_PART + i;
            if at > 0 {
                buf.extend_from_slice(b",\n");
            }
            buf.extend_from_slice(item_indent.as_bytes());
            let mut ser = serde_json::Serializer::with_formatter(&mut buf, Nested::at(depth + 1));
            // Writing into a Vec fails only on a serializer error, which these types never
            // raise.
            let _ = render(at, item, &mut state, &mut ser);
        }
        buf
    };
    let chunks: Vec<(usize, &[T])> = items.chunks(FINDINGS_PER_PART).enumerate().collect();
    for wave in chunks.chunks(PARTS_PER_WAVE) {
        let parts: Vec<Vec<u8>> = wave.par_iter().copied().map(render_part).collect();
        for part in parts {
            out.write_all(&part)?;
        }
    }
    out.write_all(format!("\n{indent}]{tail}\n").as_bytes())
}

/// Serialises one item of a streamed array at its depth.
pub(super) type ItemSerializer<'b> = serde_json::Serializer<&'b mut Vec<u8>, Nested>;

/// serde_json's pretty format (two spaces a level) for a value that starts `level` levels
/// deep in the document, so it needs no re-indenting afterwards.
pub(super) struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn at(level: usize) -> Self {
        Self {
            level,
            has_value: false,
        }
    }

    fn newline_indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(c)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline_indent(w)?;
        }
        w.write_all(c)
    }

    fn item<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline_indent(w)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value written at depth 2 is the depth-0 pretty text re-indented by two levels.
    #[test]
    fn nested_format_is_pretty_format_indented() {
        let v = serde_json::json!({
            "a": [], "b": {}, "c": [1, {"d": null, "e": ["x\ny"]}], "f": {"g": [[]]}
        });
        let mut buf = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, Nested::at(2));
        v.serialize(&mut ser).unwrap();
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            pretty.replace('\n', "\n    ")
        );
    }
}
