//! Edit builders that know YAML (and JSON, its flow subset): insert a key under a mapping with the
//! indentation of its siblings, create missing mappings on the way (`metadata:`, `labels:`),
//! replace a scalar keeping its quoting style, rename a key, remove an entry, append to a
//! sequence. Each returns `None` when the spot cannot be edited safely (an alias, a merged key,
//! a key on a `- ` line that would be removed), and the rule then offers no fix.

use crate::input::resolve::resolve_plain;
use crate::input::source::{ceil_char_boundary, floor_char_boundary};
use crate::input::{Entry, Node, ScalarKind, Style};

use super::edit::Edit;
pub use super::literal::{add_to_list, append_to_string, replace_string};

/// A value to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum New {
    /// A string, written plain when YAML would still read it as that string, else double-quoted.
    Str(String),
    /// A string, always double-quoted (`"true"`: a label value a person quotes on purpose).
    Quoted(String),
    /// Text written as is (a number, a pre-rendered flow collection).
    Raw(String),
    /// A mapping, written in the style of the place it goes (block lines or `{k: v}`).
    Map(Vec<(String, New)>),
}

impl New {
    pub fn str(s: impl Into<String>) -> Self {
        New::Str(s.into())
    }
    pub fn quoted(s: impl Into<String>) -> Self {
        New::Quoted(s.into())
    }
}

/// Entries written inside `map` itself (not copied in by a `<<` merge key or an alias).
pub fn own_entries(map: &Node) -> impl Iterator<Item = &Entry> {
    let span = map.span();
    map.entries()
        .iter()
        .filter(move |e| e.key.span().start >= span.start && e.key.span().end <= span.end)
}

fn own_entry<'n>(map: &'n Node, key: &str) -> Option<&'n Entry> {
    own_entries(map).find(|e| e.key.text() == Some(key))
}

fn starts_with(text: &str, node: &Node, c: char) -> bool {
    text.get(node.span().start..)
        .is_some_and(|t| t.starts_with(c))
}

/// Written as `*anchor`: editing it would edit the anchor's text elsewhere, or nothing.
fn is_alias(text: &str, node: &Node) -> bool {
    starts_with(text, node, '*')
}

fn line_start(text: &str, off: usize) -> usize {
    text.get(..off)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// The offset just after the line terminator of the line containing `off` (or the text's end).
fn line_end_incl(text: &str, off: usize) -> usize {
    text.get(off..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| off + i + 1)
}

/// The line terminator the file uses: that of the line at `off`, else the first one, else `\n`.
fn newline_at(text: &str, off: usize) -> &'static str {
    let end = line_end_incl(text, off);
    let line_nl = if end > 0 && text.as_bytes().get(end - 1) == Some(&b'\n') {
        Some(end - 1)
    } else {
        text.find('\n')
    };
    match line_nl {
        Some(i) if i > 0 && text.as_bytes().get(i - 1) == Some(&b'\r') => "\r\n",
        _ => "\n",
    }
}

/// Column (in characters) of `off` within its line: the indentation of a key written there.
fn column(text: &str, off: usize) -> usize {
    text.get(line_start(text, off)..off)
        .map_or(0, |s| s.chars().count())
}

fn entry_end(e: &Entry) -> usize {
    e.key.span().end.max(e.value.span().end)
}

/// Whether `s` can be written as a plain scalar and still be read as this string, in block and
/// flow context alike. Conservative: letters, digits and `._/-+@=~`, `:` only inside a word.
pub fn plain_ok(s: &str) -> bool {
    let b = s.as_bytes();
    !s.is_empty()
        && resolve_plain(s) == ScalarKind::String
        && b[0].is_ascii_alphanumeric()
        && b.iter().enumerate().all(|(i, &c)| {
            c.is_ascii_alphanumeric()
                || b"._/-+@=~".contains(&c)
                || (c == b':' && b.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace()))
        })
        && !s.ends_with(':')
        // go-yaml v2 reads `2024-01-01` as a timestamp.
        && !(b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-')
}

pub use crate::input::resolve::double_quoted;

fn single_quoted(s: &str) -> Option<String> {
    s.chars()
        .all(crate::input::resolve::printable)
        .then(|| format!("'{}'", s.replace('\'', "''")))
}

/// The text of a string scalar in the style `like` where that style can hold it.
pub fn render_scalar(value: &str, like: Style) -> String {
    match like {
        Style::Plain if plain_ok(value) => value.to_string(),
        Style::SingleQuoted => single_quoted(value).unwrap_or_else(|| double_quoted(value)),
        _ => double_quoted(value),
    }
}

fn render_key(key: &str, json: bool, like: Option<Style>) -> String {
    if json {
        return double_quoted(key);
    }
    render_scalar(key, like.unwrap_or(Style::Plain))
}

fn render_leaf(v: &New, json: bool) -> String {
    match v {
        New::Str(s) if !json => render_scalar(s, Style::Plain),
        New::Str(s) | New::Quoted(s) => double_quoted(s),
        New::Raw(s) => s.clone(),
        New::Map(_) => render_flow(v, json, None),
    }
}

fn render_flow(v: &New, json: bool, key_style: Option<Style>) -> String {
    match v {
        New::Map(entries) => {
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}: {}",
                        render_key(k, json, key_style),
                        render_flow(v, json, key_style)
                    )
                })
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        leaf => render_leaf(leaf, json),
    }
}

/// `key: value` as block lines at `indent`, nested mappings `step` deeper, each line ended by `nl`.
fn render_block(
    key: &str,
    v: &New,
    indent: usize,
    step: usize,
    nl: &str,
    key_style: Option<Style>,
) -> String {
    let pad = " ".repeat(indent);
    let k = render_key(key, false, key_style);
    match v {
        New::Map(entries) if !entries.is_empty() => {
            let mut out = format!("{pad}{k}:{nl}");
            for (ck, cv) in entries {
                out.push_str(&render_block(ck, cv, indent + step, step, nl, key_style));
            }
            out
        }
        leaf => format!("{pad}{k}: {}{nl}", render_leaf(leaf, false)),
    }
}

/// Replaces a scalar's value, keeping its quoting style where that style can hold the new value
/// (a plain scalar that would no longer read as a string is double-quoted).
pub fn replace_scalar(text: &str, node: &Node, value: &str) -> Option<Edit> {
    let s = node.scalar()?;
    if is_alias(text, node) || node.span().is_empty() {
        return None;
    }
    let rendered = match s.style {
        Style::Literal | Style::Folded => return replace_block_scalar(text, node, value),
        Style::Plain if is_json_scalar_context(text, node) => double_quoted(value),
        style => render_scalar(value, style),
    };
    Some(Edit::replace(node.span(), rendered))
}

/// A plain scalar inside JSON (a number or `true`) becomes a JSON string, never a bare word.
fn is_json_scalar_context(text: &str, node: &Node) -> bool {
    let before = text.get(..node.span().start).unwrap_or("");
    let prev = before.trim_end().chars().last();
    // `"key": value` in a JSON object: the key before the colon is double-quoted.
    matches!(prev, Some(':'))
        && before
            .trim_end()
            .trim_end_matches(':')
            .trim_end()
            .ends_with('"')
}

/// A `|`/`>` block scalar becomes a one-line double-quoted scalar: from the indicator to the end
/// of its content, keeping the line break that ends it.
fn replace_block_scalar(text: &str, node: &Node, value: &str) -> Option<Edit> {
    let head = text.get(..node.span().start)?;
    let indicator = head.rfind(['|', '>'])?;
    // Only spaces, an indentation/chomping indicator or a comment between the indicator and the content.
    let between = &text[indicator + 1..node.span().start];
    let first_line = between.split('\n').next().unwrap_or("");
    if !first_line
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
        .trim()
        .is_empty()
    {
        return None;
    }
    let mut end = node.span().end.min(text.len());
    while end > node.span().start && matches!(text.as_bytes()[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    Some(Edit::replace(indicator..end, double_quoted(value)))
}

/// Sets the value of an entry to the string `value`: [`replace_scalar`], or for `key:` with no
/// value at all, the value written after the colon.
pub fn set_value(text: &str, e: &Entry, value: &str) -> Option<Edit> {
    if !e.value.span().is_empty() {
        return replace_scalar(text, &e.value, value);
    }
    if !e.value.is_null() {
        return None;
    }
    let colon = e.key.span().end + text.get(e.key.span().end..)?.find(':')?;
    let like = e.key.scalar().map_or(Style::Plain, |s| s.style);
    let rendered = match like {
        Style::DoubleQuoted => double_quoted(value),
        _ => render_scalar(value, Style::Plain),
    };
    Some(Edit::insert(colon + 1, format!(" {rendered}")))
}

/// Renames a mapping key, keeping its quoting style.
pub fn rename_key(text: &str, key: &Node, new_key: &str) -> Option<Edit> {
    replace_scalar(text, key, new_key)
}

/// Inserts `key: value` into `map`: after the entry `after` if given and present, else after the
/// last entry; block mappings get a new line with the siblings' indentation and line ending,
/// flow mappings (`{app: x}`, JSON objects) a `, key: value` in their own style.
pub fn insert_entry(
    text: &str,
    map: &Node,
    key: &str,
    value: &New,
    after: Option<&str>,
) -> Option<Edit> {
    if !map.is_map() || is_alias(text, map) || own_entry(map, key).is_some() {
        return None;
    }
    if starts_with(text, map, '{') {
        return insert_flow(text, map, key, value);
    }
    let entries: Vec<&Entry> = own_entries(map).collect();
    let first = entries.first()?;
    let ls = line_start(text, first.key.span().start);
    let prefix = text.get(ls..first.key.span().start)?;
    if !prefix.chars().all(|c| c == ' ' || c == '-') {
        return None;
    }
    let anchor = after
        .and_then(|k| entries.iter().find(|e| e.key.text() == Some(k)))
        .or(entries.last())?;
    let end = entry_end(anchor);
    let at = line_end_incl(text, end.saturating_sub(1).max(anchor.key.span().start));
    let nl = newline_at(text, anchor.key.span().start);
    let indent = column(text, first.key.span().start);
    let key_style = first.key.scalar().map(|s| s.style);
    let mut block = render_block(key, value, indent, indent_step(text, map), nl, key_style);
    if at == text.len() && !text.ends_with('\n') {
        // The file has no trailing newline: keep it that way.
        block.truncate(block.len() - nl.len());
        block.insert_str(0, nl);
    }
    Some(Edit::insert(at, block))
}

/// How much deeper nested mappings are indented in this document (2 when nothing tells).
fn indent_step(text: &str, map: &Node) -> usize {
    for e in own_entries(map) {
        if let Some(child) = own_entries(&e.value).next()
            && !starts_with(text, &e.value, '{')
        {
            let (p, c) = (
                column(text, e.key.span().start),
                column(text, child.key.span().start),
            );
            if c > p {
                return c - p;
            }
        }
    }
    // Nothing nested here: the smallest indentation around the mapping. A window, not the
    // whole file: this runs once per fix, and a whole-file scan made linting a file with
    // thousands of fixable findings quadratic.
    // 2 KiB each side is about 60 lines: enough to see a sibling block.
    const WINDOW: usize = 2 * 1024;
    let start = floor_char_boundary(text, map.span().start.saturating_sub(WINDOW));
    let end = ceil_char_boundary(text, map.span().end.saturating_add(WINDOW));
    text[start..end]
        .lines()
        // The window may start mid-line; that partial line says nothing about indentation.
        .skip(usize::from(start > 0))
        .filter(|l| !l.trim_start().starts_with(['#', '-']) && !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .filter(|&n| n > 0)
        .min()
        .map_or(2, |n| n.clamp(1, 8))
}

fn insert_flow(text: &str, map: &Node, key: &str, value: &New) -> Option<Edit> {
    let close = map.span().end.checked_sub(1)?;
    if text.as_bytes().get(close) != Some(&b'}') {
        return None;
    }
    let entries: Vec<&Entry> = own_entries(map).collect();
    let key_style = entries
        .first()
        .and_then(|e| e.key.scalar())
        .map(|s| s.style);
    let json = key_style == Some(Style::DoubleQuoted);
    let sep = entries
        .first()
        .and_then(|e| text.get(e.key.span().end..e.value.span().start))
        .filter(|s| s.trim() == ":" && !s.contains('\n'))
        .unwrap_or(": ");
    let rendered = format!(
        "{}{sep}{}",
        render_key(key, json, key_style),
        render_flow(value, json, key_style)
    );
    let Some(first) = entries.first() else {
        return Some(Edit::insert(map.span().start + 1, rendered));
    };
    let last = entries.last()?;
    let multiline = text
        .get(map.span().start..first.key.span().start)
        .is_some_and(|s| s.contains('\n'));
    let at = entry_end(last);
    if multiline {
        let nl = newline_at(text, first.key.span().start);
        let pad = " ".repeat(column(text, first.key.span().start));
        Some(Edit::insert(at, format!(",{nl}{pad}{rendered}")))
    } else {
        Some(Edit::insert(at, format!(", {rendered}")))
    }
}

/// Inserts `leaf_key: leaf` into the mapping at `path` below `map`, creating the mappings of the
/// path that are missing (`metadata:` then `labels:`) in the style of the place they go.
pub fn insert_at_path(
    text: &str,
    map: &Node,
    path: &[&str],
    leaf_key: &str,
    leaf: New,
) -> Option<Edit> {
    let mut cur = map;
    let mut depth = 0;
    while let Some(seg) = path.get(depth) {
        match own_entry(cur, seg) {
            Some(e) if e.value.is_map() && !is_alias(text, &e.value) => {
                cur = &e.value;
                depth += 1;
            }
            // `labels:` with no value: write the new mapping under that key.
            Some(e) if e.value.is_null() && e.value.span().is_empty() => {
                let value = nest(&path[depth + 1..], leaf_key, leaf);
                return fill_null(text, cur, e, value);
            }
            Some(_) => return None,
            None => break,
        }
    }
    let (key, value) = match path.get(depth) {
        Some(seg) => (*seg, nest(&path[depth + 1..], leaf_key, leaf)),
        None => (leaf_key, leaf),
    };
    // A new `metadata:` goes before `spec:`, where people write it.
    if key == "metadata"
        && let Some(edit) = insert_entry_before(text, cur, key, &value, "spec")
    {
        return Some(edit);
    }
    insert_entry(text, cur, key, &value, None)
}

/// Inserts `key: value` just before the entry `before` (same indentation, or `key: value, ` in
/// a flow mapping). `None` when `before` is absent or starts a `- ` line.
pub fn insert_entry_before(
    text: &str,
    map: &Node,
    key: &str,
    value: &New,
    before: &str,
) -> Option<Edit> {
    if !map.is_map() || is_alias(text, map) || own_entry(map, key).is_some() {
        return None;
    }
    let target = own_entry(map, before)?;
    let at = target.key.span().start;
    let key_style = target.key.scalar().map(|s| s.style);
    if starts_with(text, map, '{') {
        let json = key_style == Some(Style::DoubleQuoted);
        let rendered = format!(
            "{}: {}, ",
            render_key(key, json, key_style),
            render_flow(value, json, key_style)
        );
        return Some(Edit::insert(at, rendered));
    }
    let ls = line_start(text, at);
    if !text.get(ls..at)?.chars().all(|c| c == ' ') {
        return None;
    }
    let nl = newline_at(text, at);
    let block = render_block(
        key,
        value,
        column(text, at),
        indent_step(text, map),
        nl,
        key_style,
    );
    Some(Edit::insert(ls, block))
}

fn nest(path: &[&str], leaf_key: &str, leaf: New) -> New {
    let inner = New::Map(vec![(leaf_key.to_string(), leaf)]);
    path.iter()
        .rev()
        .fold(inner, |acc, seg| New::Map(vec![(seg.to_string(), acc)]))
}

/// `key:` with an empty value in a block mapping: its entries go on the following lines.
fn fill_null(text: &str, map: &Node, e: &Entry, value: New) -> Option<Edit> {
    if starts_with(text, map, '{') {
        return None;
    }
    let New::Map(children) = value else {
        return None;
    };
    let at = line_end_incl(text, e.key.span().start);
    let nl = newline_at(text, e.key.span().start);
    let indent = column(text, e.key.span().start) + indent_step(text, map);
    let key_style = e.key.scalar().map(|s| s.style);
    let mut block: String = children
        .iter()
        .map(|(k, v)| render_block(k, v, indent, indent_step(text, map), nl, key_style))
        .collect();
    if at == text.len() && !text.ends_with('\n') {
        block.truncate(block.len() - nl.len());
        block.insert_str(0, nl);
    }
    Some(Edit::insert(at, block))
}

/// Removes the entry `key` from `map`: its whole lines in a block mapping (with a comment on
/// them: such fixes are unsafe), `key: value` and one comma in a flow mapping. When it is the
/// only entry and `parent` (the entry holding `map`) is given, the parent entry goes too, so no
/// empty `labels:` is left behind.
pub fn remove_entry(text: &str, map: &Node, key: &str, parent: Option<&Entry>) -> Option<Edit> {
    let e = own_entry(map, key)?;
    if is_alias(text, map) {
        return None;
    }
    if starts_with(text, map, '{') {
        return remove_flow(map, e);
    }
    if own_entries(map).count() == 1
        && let Some(p) = parent
        && let Some(edit) = remove_lines(text, p)
    {
        return Some(edit);
    }
    remove_lines(text, e)
}

fn remove_lines(text: &str, e: &Entry) -> Option<Edit> {
    let ls = line_start(text, e.key.span().start);
    if !text.get(ls..e.key.span().start)?.chars().all(|c| c == ' ') {
        return None;
    }
    let end = line_end_incl(text, entry_end(e).saturating_sub(1).max(e.key.span().start));
    if end == text.len() && !text.ends_with('\n') && ls > 0 {
        // Keep the file without a trailing newline: take the preceding line break instead.
        let nl = if text.get(..ls)?.ends_with("\r\n") {
            2
        } else {
            1
        };
        return Some(Edit::delete(ls - nl..end));
    }
    Some(Edit::delete(ls..end))
}

fn remove_flow(map: &Node, e: &Entry) -> Option<Edit> {
    let entries: Vec<&Entry> = own_entries(map).collect();
    let i = entries.iter().position(|x| std::ptr::eq(*x, e))?;
    let end = entry_end(e);
    if let Some(next) = entries.get(i + 1) {
        return Some(Edit::delete(e.key.span().start..next.key.span().start));
    }
    match i.checked_sub(1).and_then(|p| entries.get(p)) {
        Some(prev) => Some(Edit::delete(entry_end(prev)..end)),
        None => {
            // The only entry: `{a: b}` becomes `{}`.
            let close = map.span().end.checked_sub(1)?;
            Some(Edit::delete(map.span().start + 1..close))
        }
    }
}

/// Appends an item to a sequence: `, item` in a flow sequence (`[a]`, JSON arrays, on a new line
/// when the array spans lines), a `- item` line with the siblings' indentation in a block one.
pub fn append_item(text: &str, seq: &Node, item: &New) -> Option<Edit> {
    if is_alias(text, seq) {
        return None;
    }
    let items = seq.items();
    let json = items
        .first()
        .and_then(Node::scalar)
        .is_some_and(|s| s.style == Style::DoubleQuoted);
    if starts_with(text, seq, '[') {
        let rendered = render_flow(item, json, None);
        let Some(first) = items.first() else {
            return Some(Edit::insert(seq.span().start + 1, rendered));
        };
        let last = items.last()?;
        if text
            .get(seq.span().start..first.span().start)
            .is_some_and(|s| s.contains('\n'))
        {
            let nl = newline_at(text, first.span().start);
            let pad = " ".repeat(column(text, first.span().start));
            return Some(Edit::insert(
                last.span().end,
                format!(",{nl}{pad}{rendered}"),
            ));
        }
        return Some(Edit::insert(last.span().end, format!(", {rendered}")));
    }
    if matches!(item, New::Map(_)) {
        return None;
    }
    let first = items.first()?;
    let last = items.last()?;
    let head = text.get(line_start(text, first.span().start)..first.span().start)?;
    let dash = head.rfind('-')?;
    if !head[..dash].chars().all(|c| c == ' ') {
        return None;
    }
    let gap = &head[dash + 1..];
    let nl = newline_at(text, first.span().start);
    let at = line_end_incl(
        text,
        last.span().end.saturating_sub(1).max(last.span().start),
    );
    let mut line = format!("{}-{gap}{}{nl}", &head[..dash], render_leaf(item, json));
    if at == text.len() && !text.ends_with('\n') {
        line.truncate(line.len() - nl.len());
        line.insert_str(0, nl);
    }
    Some(Edit::insert(at, line))
}
