//! Edits of values that may sit inside other formats' text (IAM policies in JSON, ACK block
//! scalars, Terraform): they apply only where the value is written literally (plain, `'…'` or
//! `"…"` without escapes), never inside an escaped JSON string or a URL-encoded document.

use crate::input::{Node, Style};

use super::edit::Edit;
use super::yaml::{New, append_item, double_quoted, plain_ok, render_scalar};

/// Whether `src` is how `value` is written as a scalar: plain, `'…'` or `"…"` with no escapes
/// (a value inside an escaped JSON string or a URL-encoded document is not, and is not edited).
fn written_as(src: &str, value: &str) -> Option<Style> {
    if src == value {
        Some(Style::Plain)
    } else if src.len() == value.len() + 2 && src.get(1..src.len() - 1) == Some(value) {
        match src.as_bytes()[0] {
            b'"' if !value.contains(['"', '\\']) => Some(Style::DoubleQuoted),
            b'\'' if !value.contains('\'') => Some(Style::SingleQuoted),
            _ => None,
        }
    } else {
        None
    }
}

/// Appends `suffix` to a string written at `span` (YAML, JSON or HCL quoting), inside its
/// quotes: an issuer missing its trailing `/`.
pub fn append_to_string(
    text: &str,
    span: std::ops::Range<usize>,
    value: &str,
    suffix: &str,
) -> Option<Edit> {
    let src = text.get(span.clone())?;
    let style = written_as(src, value)?;
    if style == Style::Plain && !plain_ok(&format!("{value}{suffix}")) {
        return None;
    }
    let at = if style == Style::Plain {
        span.end
    } else {
        span.end - 1
    };
    Some(Edit::insert(at, suffix))
}

/// Adds `item` to a list value that may also be a single scalar (IAM `"Action"`): appended to a
/// sequence (`[…]`, JSON arrays, `- ` lines), or the scalar becomes `[scalar, item]`, the new item
/// quoted like its siblings. `None` unless every existing item is written as a plain scalar.
pub fn add_to_list(text: &str, node: &Node, item: &str) -> Option<Edit> {
    if let Some(s) = node.scalar() {
        let src = text.get(node.span())?;
        let style = written_as(src, &s.text)?;
        let new = match style {
            Style::Plain if plain_ok(item) => item.to_string(),
            Style::SingleQuoted => render_scalar(item, Style::SingleQuoted),
            _ => double_quoted(item),
        };
        return Some(Edit::replace(node.span(), format!("[{src}, {new}]")));
    }
    let items = node.items();
    items.first()?;
    let mut first_style = None;
    for i in items {
        let style = written_as(text.get(i.span())?, i.scalar()?.text.as_str())?;
        first_style.get_or_insert(style);
    }
    let new = match first_style {
        Some(Style::DoubleQuoted) => New::Quoted(item.to_string()),
        Some(Style::SingleQuoted) => New::Raw(render_scalar(item, Style::SingleQuoted)),
        _ => New::Str(item.to_string()),
    };
    append_item(text, node, &new)
}

/// Replaces a string scalar written directly at its span (plain, `'…'` or `"…"` without
/// escapes; not inside an escaped or URL-encoded document), keeping its quoting.
pub fn replace_string(text: &str, node: &Node, value: &str) -> Option<Edit> {
    let old = node.scalar()?.text.as_str();
    let style = written_as(text.get(node.span())?, old)?;
    let rendered = match style {
        Style::Plain if plain_ok(value) => value.to_string(),
        Style::SingleQuoted => render_scalar(value, Style::SingleQuoted),
        _ if value.contains(['"', '\\']) => return None,
        _ => format!("\"{value}\""),
    };
    Some(Edit::replace(node.span(), rendered))
}
