//! A fast path for the YAML most manifests are written in: block mappings and sequences,
//! one-line plain and quoted scalars, one-line flow sequences of scalars, `{}`, literal block
//! scalars, comments and `---`.
//!
//! It builds exactly the tree the general path (granit-parser events + `yaml::Builder`) builds,
//! or gives up on the whole file (`None`) at the first thing it does not handle — anchors,
//! aliases, tags, flow mappings, multi-line scalars, escapes, folded scalars, tabs, CR,
//! non-ASCII — and the general path parses the file instead. Syntax errors also give up, so
//! every message still comes from the general parser. `tests/fast_yaml.rs` and the
//! `fast_yaml` fuzz target hold the two paths to the same result.
//!
//! Why: granit-parser's event stream cost about half of a lint run (scripts/bench).

use crate::input::node::Text;

use super::node::{Entry, Node, Scalar, ScalarKind, Style, Value};
use super::resolve::resolve_plain;
use super::yaml::{Document, Parsed, merge_and_check_keys};

mod json;

/// The construct at hand is outside the fast path; the general parser takes the file.
struct GiveUp;

type Step<T> = Result<T, GiveUp>;

/// Keys longer than this are left to the general parser (its simple-key lookahead limit).
const MAX_KEY_LEN: usize = 1000;
/// Nesting deeper than this is left to the general parser (and its nesting limit).
const MAX_DEPTH: usize = 200;

/// Parses `body` (the file without its BOM) whose spans start at `base` in the source text.
pub fn parse(body: &str, base: usize) -> Option<Parsed> {
    // Printable ASCII and `\n` only (tabs too in JSON): no CR, control characters or
    // multi-byte text, which the YAML spec treats in ways this path does not model.
    let json = body.trim_start().starts_with(['{', '[']);
    if !body
        .bytes()
        .all(|c| c == b'\n' || (c == b'\t' && json) || (b' '..=b'~').contains(&c))
    {
        return None;
    }
    let mut p = FastParser {
        b: body.as_bytes(),
        text: body,
        base,
        pos: 0,
        depth: 0,
        parsed: Parsed::default(),
        entry_stack: Vec::new(),
        item_stack: Vec::new(),
    };
    if json {
        p.json_document().ok()?;
    } else {
        p.stream().ok()?;
    }
    Some(p.parsed)
}

struct FastParser<'s> {
    b: &'s [u8],
    text: &'s str,
    base: usize,
    /// Always at a line start between lines.
    pos: usize,
    depth: usize,
    parsed: Parsed,
    /// Entries and items of the mappings and sequences being built, innermost last. Each
    /// finished collection is copied out at its exact size: growing a `Vec` per mapping cost
    /// a realloc per doubling and left the bigger blocks' pages touched (scripts/stress).
    entry_stack: Vec<Entry>,
    item_stack: Vec<Node>,
}

/// What a scalar token looked like: where it is, what it says, and whether `:` follows it.
struct Token {
    start: usize,
    end: usize,
    text: Text,
    style: Style,
    /// Position after the token (after its `:` when it is a key).
    after: usize,
    is_key: bool,
}

impl FastParser<'_> {
    fn byte(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(b'\n')
    }

    fn line_end(&self, from: usize) -> usize {
        self.b[from..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(self.b.len(), |i| from + i)
    }

    fn next_line(&self, from: usize) -> usize {
        (self.line_end(from) + 1).min(self.b.len())
    }

    fn spaces(&self, from: usize) -> usize {
        self.b[from.min(self.b.len())..]
            .iter()
            .take_while(|&&c| c == b' ')
            .count()
    }

    /// Skips blank and comment-only lines; `Some(indent)` of the next content line, at `pos`.
    fn next_content_line(&mut self) -> Option<usize> {
        while self.pos < self.b.len() {
            let indent = self.spaces(self.pos);
            match self.byte(self.pos + indent) {
                b'\n' | b'#' => self.pos = self.next_line(self.pos),
                _ => return Some(indent),
            }
        }
        None
    }

    /// `---` at the current line start. `...` and `--- content` give up.
    fn at_document_marker(&self) -> Step<bool> {
        let line = &self.b[self.pos..];
        let sep = |i: usize| matches!(line.get(i), None | Some(b' ' | b'\n'));
        if line.starts_with(b"...") && sep(3) {
            return Err(GiveUp);
        }
        if !(line.starts_with(b"---") && sep(3)) {
            return Ok(false);
        }
        let rest = 3 + self.spaces(self.pos + 3);
        match line.get(rest) {
            None | Some(b'\n') => Ok(true),
            Some(b'#') if rest > 3 => Ok(true),
            _ => Err(GiveUp),
        }
    }

    fn stream(&mut self) -> Step<()> {
        let mut open_marker = false;
        while let Some(indent) = self.next_content_line() {
            if self.at_document_marker()? {
                if open_marker {
                    self.empty_document();
                }
                open_marker = true;
                self.pos = self.next_line(self.pos);
                continue;
            }
            let root = self.block_node(indent)?;
            self.parsed.documents.push(Document {
                index: self.parsed.document_count,
                root,
            });
            self.parsed.document_count += 1;
            open_marker = false;
            if self.next_content_line().is_some() && !self.at_document_marker()? {
                return Err(GiveUp);
            }
        }
        if open_marker {
            self.empty_document();
        }
        Ok(())
    }

    /// A `---` with nothing after it is a document of its own (null, not listed).
    fn empty_document(&mut self) {
        self.parsed.document_count += 1;
    }

    fn span(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        self.base + start..self.base + end
    }

    fn is_dash(&self, at: usize) -> bool {
        self.byte(at) == b'-' && matches!(self.byte(at + 1), b' ' | b'\n')
    }

    /// A block mapping or sequence whose first line (at `pos`) is indented by `indent`.
    fn block_node(&mut self, indent: usize) -> Step<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(GiveUp);
        }
        let at = self.pos + indent;
        let node = if self.is_dash(at) {
            self.sequence(indent, false)
        } else {
            self.mapping(indent, at)
        };
        self.depth -= 1;
        node
    }

    /// A block mapping whose keys sit at column `indent`; the first key is at `first_key`
    /// (mid-line when the mapping starts a sequence item).
    fn mapping(&mut self, indent: usize, first_key: usize) -> Step<Node> {
        let base = self.entry_stack.len();
        let mut key_at = first_key;
        loop {
            let key = self.scalar_token(key_at)?;
            if !key.is_key || key.end - key.start > MAX_KEY_LEN {
                return Err(GiveUp);
            }
            if key.style == Style::Plain && key.text == "<<" {
                return Err(GiveUp);
            }
            let after = key.after;
            let key = self.scalar_node(key);
            let value = self.value(after, indent, true)?;
            self.entry_stack.push(Entry { key, value });
            match self.next_content_line() {
                Some(i) if i == indent && !self.at_document_marker()? => {
                    key_at = self.pos + i;
                    if self.is_dash(key_at) {
                        return Err(GiveUp);
                    }
                }
                Some(i) if i > indent => return Err(GiveUp),
                _ => break,
            }
        }
        let start = self.base + first_key;
        let end = self.entry_stack[base..]
            .last()
            .map_or(start, |e| e.value.span().end);
        let entries = merge_and_check_keys(
            self.entry_stack.drain(base..).collect(),
            &mut self.parsed.problems,
            self.parsed.document_count,
        );
        Ok(Node::new(start..end, Value::Map(fit(entries))))
    }

    /// A block sequence whose dashes sit at column `indent`.
    fn sequence(&mut self, indent: usize, indentless: bool) -> Step<Node> {
        let start = self.pos + indent;
        let base = self.item_stack.len();
        loop {
            let dash = self.pos + indent;
            let item = self.value(dash + 1, indent, false)?;
            self.item_stack.push(item);
            match self.next_content_line() {
                Some(i) if i == indent && !self.at_document_marker()? => {
                    if !self.is_dash(self.pos + i) {
                        break;
                    }
                }
                Some(i) if i > indent => return Err(GiveUp),
                _ => break,
            }
        }
        // The general parser starts an indentless sequence (`key:\n- item`) at the first
        // item's first token, and any other at the first dash.
        let start = if indentless {
            let token = start + 1 + self.spaces(start + 1);
            if matches!(self.byte(token), b'\n' | b'#') {
                return Err(GiveUp);
            }
            self.base + token
        } else {
            self.base + start
        };
        let end = self.item_stack[base..]
            .last()
            .map_or(start, |n| n.span().end);
        Ok(Node::new(
            start..end,
            Value::Seq(self.item_stack.drain(base..).collect()),
        ))
    }

    /// The value after a key's `:` or an item's `-` at `from`, in a block indented by
    /// `indent`. Leaves `pos` at the start of the line after the value.
    fn value(&mut self, from: usize, indent: usize, in_mapping: bool) -> Step<Node> {
        let at = from + self.spaces(from);
        match self.byte(at) {
            b'\n' | b'#' => {
                self.pos = self.next_line(at);
                match self.next_content_line() {
                    Some(i) if i > indent && !self.at_document_marker()? => self.block_node(i),
                    Some(i)
                        if in_mapping
                            && i == indent
                            && !self.at_document_marker()?
                            && self.is_dash(self.pos + i) =>
                    {
                        self.depth += 1;
                        let seq = self.sequence(indent, true);
                        self.depth -= 1;
                        seq
                    }
                    _ => Err(GiveUp), // an empty value: its span is the general parser's call
                }
            }
            b'[' => self.flow_sequence(at),
            b'{' => self.empty_flow_mapping(at),
            b'|' => self.literal_block(at, indent),
            _ if !in_mapping && self.is_dash(at) => Err(GiveUp),
            _ => {
                let token = self.scalar_token(at)?;
                if token.is_key {
                    if in_mapping {
                        return Err(GiveUp); // `a: b: c`
                    }
                    // `- key: value`: a mapping whose keys line up under this one.
                    let line_start = self.b[..at]
                        .iter()
                        .rposition(|&c| c == b'\n')
                        .map_or(0, |i| i + 1);
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(GiveUp);
                    }
                    let map = self.mapping(at - line_start, at);
                    self.depth -= 1;
                    return map;
                }
                self.finish_line(token.after)?;
                Ok(self.scalar_node(token))
            }
        }
    }

    /// After a value: only spaces and a comment may follow on its line.
    fn finish_line(&mut self, from: usize) -> Step<()> {
        let at = from + self.spaces(from);
        match self.byte(at) {
            b'\n' => {}
            b'#' if at > from => {}
            _ => return Err(GiveUp),
        }
        self.pos = self.next_line(at);
        Ok(())
    }

    fn scalar_node(&self, t: Token) -> Node {
        let kind = if t.style == Style::Plain {
            resolve_plain(&t.text)
        } else {
            ScalarKind::String
        };
        Node::new(
            self.span(t.start, t.end),
            Value::Scalar(Scalar {
                text: t.text,
                style: t.style,
                kind,
            }),
        )
    }

    /// A one-line plain or quoted scalar at `at`, in block context.
    fn scalar_token(&self, at: usize) -> Step<Token> {
        let (end, text, style) = match self.byte(at) {
            b'\'' => {
                let (end, text) = self.single_quoted(at)?;
                (end, text, Style::SingleQuoted)
            }
            b'"' => {
                let (end, text) = self.double_quoted(at)?;
                (end, text, Style::DoubleQuoted)
            }
            c if starts_plain(c, self.byte(at + 1)) => {
                let mut i = at;
                loop {
                    match self.byte(i) {
                        b'\n' => break,
                        b':' if matches!(self.byte(i + 1), b' ' | b'\n') => break,
                        b' ' if self.byte(i + 1) == b'#' => break,
                        _ => i += 1,
                    }
                }
                let end = at + self.text[at..i].trim_end_matches(' ').len();
                if end == at {
                    return Err(GiveUp);
                }
                (end, Text::from(&self.text[at..end]), Style::Plain)
            }
            _ => return Err(GiveUp),
        };
        // A key's `:` must follow the scalar directly (`"a" : b` is left to the parser).
        let colon = if style == Style::Plain {
            end + self.spaces(end)
        } else {
            end
        };
        let is_key = self.byte(colon) == b':' && matches!(self.byte(colon + 1), b' ' | b'\n');
        Ok(Token {
            start: at,
            end,
            text,
            style,
            after: if is_key { colon + 1 } else { end },
            is_key,
        })
    }

    fn single_quoted(&self, at: usize) -> Step<(usize, Text)> {
        let mut text = Text::default();
        let mut i = at + 1;
        loop {
            match self.byte(i) {
                b'\n' => return Err(GiveUp),
                b'\'' if self.byte(i + 1) == b'\'' => {
                    text.push('\'');
                    i += 2;
                }
                b'\'' => return Ok((i + 1, text)),
                c => {
                    text.push(c as char);
                    i += 1;
                }
            }
        }
    }

    fn double_quoted(&self, at: usize) -> Step<(usize, Text)> {
        let close = self.b[at + 1..]
            .iter()
            .position(|&c| matches!(c, b'"' | b'\\' | b'\n'))
            .map(|i| at + 1 + i)
            .ok_or(GiveUp)?;
        if self.b[close] != b'"' {
            return Err(GiveUp);
        }
        Ok((close + 1, Text::from(&self.text[at + 1..close])))
    }

    /// `[a, "b"]` on one line, scalars only.
    fn flow_sequence(&mut self, at: usize) -> Step<Node> {
        let mut items = Vec::new();
        let mut i = at + 1;
        loop {
            i += self.spaces(i);
            if self.byte(i) == b']' && items.is_empty() {
                break;
            }
            let (start, end, text, style) = match self.byte(i) {
                b'\'' => {
                    let (end, text) = self.single_quoted(i)?;
                    (i, end, text, Style::SingleQuoted)
                }
                b'"' => {
                    let (end, text) = self.double_quoted(i)?;
                    (i, end, text, Style::DoubleQuoted)
                }
                // In flow context `-`, `?` and `:` start a scalar only before a safe character.
                c if starts_plain(c, self.byte(i + 1))
                    && !(b"-?:".contains(&c) && b",[]{}".contains(&self.byte(i + 1))) =>
                {
                    let len = self.b[i..]
                        .iter()
                        .position(|&c| matches!(c, b',' | b']' | b'\n'))
                        .unwrap_or(0);
                    let raw = &self.text[i..i + len];
                    if raw.bytes().any(|c| b":[]{}#&*!|>'\"%@`?".contains(&c)) {
                        return Err(GiveUp);
                    }
                    let end = i + raw.trim_end_matches(' ').len();
                    if end == i {
                        return Err(GiveUp);
                    }
                    (i, end, Text::from(&self.text[i..end]), Style::Plain)
                }
                _ => return Err(GiveUp),
            };
            items.push(self.scalar_node(token(start, end, text, style)));
            i = end + self.spaces(end);
            match self.byte(i) {
                b',' if self.byte(i + 1 + self.spaces(i + 1)) != b']' => i += 1,
                b']' => break,
                _ => return Err(GiveUp),
            }
        }
        self.finish_line(i + 1)?;
        Ok(Node::new(self.span(at, i + 1), Value::Seq(fit(items))))
    }

    /// `{}` (flow mappings with content are left to the general parser).
    fn empty_flow_mapping(&mut self, at: usize) -> Step<Node> {
        let close = at + 1 + self.spaces(at + 1);
        if self.byte(close) != b'}' {
            return Err(GiveUp);
        }
        self.finish_line(close + 1)?;
        Ok(Node::new(
            self.span(at, close + 1),
            Value::Map(Box::default()),
        ))
    }

    /// `|` or `|-` followed by lines indented deeper than `indent`.
    fn literal_block(&mut self, at: usize, indent: usize) -> Step<Node> {
        let mut header_end = at + 1;
        let strip = self.byte(header_end) == b'-';
        if strip {
            header_end += 1;
        }
        if !matches!(self.byte(header_end), b' ' | b'\n') {
            return Err(GiveUp); // `|+`, `|2`, `|x`
        }
        self.finish_line(header_end)?;
        // Content indentation comes from the first non-empty line; blank lines before it
        // must not be longer (the spec makes that an error).
        let mut line = self.pos;
        let mut longest_blank = 0;
        let content_indent = loop {
            if line >= self.b.len() {
                return Err(GiveUp);
            }
            let n = self.spaces(line);
            if self.byte(line + n) == b'\n' {
                longest_blank = longest_blank.max(n);
                line = self.next_line(line);
                continue;
            }
            break n;
        };
        // Leading blank lines: where the general parser starts the span is not pinned down.
        if content_indent <= indent || line != self.pos || longest_blank > content_indent {
            return Err(GiveUp);
        }
        let first_content = line + content_indent;
        let mut text = String::new();
        let mut blank_run = 0;
        let mut last_content_end = 0;
        let mut line = self.pos;
        while line < self.b.len() {
            let n = self.spaces(line);
            let end = self.line_end(line);
            if line + n == end {
                if n > content_indent {
                    return Err(GiveUp); // whitespace-only content line
                }
                blank_run += 1;
                line = self.next_line(line);
                continue;
            }
            if n < content_indent {
                break;
            }
            if end == self.b.len() {
                return Err(GiveUp); // no final line break
            }
            for _ in 0..blank_run {
                text.push('\n');
            }
            blank_run = 0;
            text.push_str(&self.text[line + content_indent..end]);
            text.push('\n');
            last_content_end = end;
            line = self.next_line(line);
        }
        if last_content_end == 0 {
            return Err(GiveUp);
        }
        if strip {
            text.pop();
        }
        // The general parser's span runs from the first content character to where its
        // scanner stopped: past trailing blank lines and the next line's indentation, up to
        // the block's own indentation.
        let end = if line >= self.b.len() {
            self.b.len()
        } else {
            line + self.spaces(line).min(content_indent)
        };
        self.pos = line.min(self.b.len());
        Ok(Node::new(
            self.span(first_content, end),
            Value::Scalar(Scalar {
                text: text.into(),
                style: Style::Literal,
                kind: ScalarKind::String,
            }),
        ))
    }
}

/// A scalar token that is not a key.
fn token(start: usize, end: usize, text: Text, style: Style) -> Token {
    Token {
        start,
        end,
        text,
        style,
        after: end,
        is_key: false,
    }
}

/// Trees are kept for the whole run: spare capacity from growing a vector would be about a
/// quarter of the tree's memory.
pub(super) fn fit<T>(v: Vec<T>) -> Box<[T]> {
    v.into_boxed_slice()
}

/// Whether a plain scalar may start with `c` followed by `next` (in block context).
fn starts_plain(c: u8, next: u8) -> bool {
    match c {
        b'-' | b'?' | b':' => !matches!(next, b' ' | b'\n'),
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' => false,
        _ => true,
    }
}
