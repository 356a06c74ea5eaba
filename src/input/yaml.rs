//! YAML (and JSON, a subset of it) → span-exact [`Node`] trees, one per document.
//!
//! Documents are split by the parser's own document events, never by searching for `---`
//! (PEM blocks and block scalars contain it). Aliases are expanded under a node budget, merge
//! keys are applied, duplicate keys are recorded with both spans, and a syntax error ends only
//! the document it is in: the parser resumes at the next document boundary.

use std::collections::HashMap;
use std::ops::Range;

use granit_parser::{Event, Marker, Parser, ScalarStyle, Span, StructureStyle};

use super::node::{Entry, Node, Scalar, ScalarKind, Style, Value};
use super::resolve::resolve_plain;
use super::source::SourceFile;

/// Nodes one document may materialise through aliases. go-yaml v2 (CVE-2019-11253 fix) bounds
/// alias expansion at about this many decode operations, so anything Kubernetes accepts we accept.
pub const ALIAS_NODE_BUDGET: usize = 400_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 0-based position in the stream (counting every document, also empty or broken ones).
    pub index: usize,
    pub root: Node,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    Syntax,
    DuplicateKey { first: Range<usize> },
    AliasBudget,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Range<usize>,
    pub message: String,
    /// Stream index of the document the problem is in.
    pub document: usize,
}

#[derive(Debug, Default, PartialEq)]
pub struct Parsed {
    pub documents: Vec<Document>,
    pub problems: Vec<Problem>,
    /// Documents seen in the stream, including empty and broken ones.
    pub document_count: usize,
}

enum Frame {
    Seq {
        start: usize,
        flow_end: bool,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        flow_end: bool,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<Node>,
    },
}

struct Builder<'s> {
    source: &'s SourceFile,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    budget_used: usize,
    root: Option<Node>,
    /// Set when the current document must be dropped (alias budget exceeded).
    poisoned: bool,
    problems: Vec<Problem>,
    doc_index: usize,
}

impl<'s> Builder<'s> {
    fn offset(&self, marker: &Marker) -> usize {
        let body = self.source.body();
        let byte = marker.byte_offset().unwrap_or_else(|| {
            body.char_indices()
                .nth(marker.index())
                .map_or(body.len(), |(i, _)| i)
        });
        self.source.clamp(byte + self.source.bom_len)
    }

    fn range(&self, span: &Span) -> Range<usize> {
        let start = self.offset(&span.start);
        let end = self.offset(&span.end).max(start);
        start..end
    }

    fn problem(&mut self, kind: ProblemKind, span: Range<usize>, message: String) {
        self.problems.push(Problem {
            kind,
            span,
            message,
            document: self.doc_index,
        });
    }

    fn reset_document(&mut self) {
        self.stack.clear();
        self.anchors.clear();
        self.budget_used = 0;
        self.root = None;
        self.poisoned = false;
    }

    fn finish_node(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push(Entry {
                    key: k,
                    value: node,
                }),
            },
        }
    }

    fn on_event(&mut self, event: Event<'_>, span: &Span) {
        if self.poisoned {
            return;
        }
        let range = self.range(span);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let core_tag = tag
                    .as_ref()
                    .filter(|t| t.is_yaml_core_schema())
                    .map(|t| t.suffix().to_string());
                let kind = match core_tag.as_deref() {
                    Some("str") => ScalarKind::String,
                    Some("int") => ScalarKind::Int,
                    Some("float") => ScalarKind::Float,
                    Some("null") => ScalarKind::Null,
                    Some("bool") => resolve_plain(&text),
                    _ if style == Style::Plain && tag.is_none() => resolve_plain(&text),
                    _ => ScalarKind::String,
                };
                let node = Node::new(
                    range,
                    Value::Scalar(Scalar {
                        text: text.into(),
                        style,
                        kind,
                    }),
                );
                self.finish_node(node, anchor);
            }
            Event::SequenceStart(style, anchor, _) => self.stack.push(Frame::Seq {
                start: range.start,
                flow_end: style == StructureStyle::Flow,
                anchor,
                items: Vec::new(),
            }),
            Event::MappingStart(style, anchor, _) => self.stack.push(Frame::Map {
                start: range.start,
                flow_end: style == StructureStyle::Flow,
                anchor,
                entries: Vec::new(),
                key: None,
            }),
            Event::SequenceEnd => {
                if let Some(Frame::Seq {
                    start,
                    flow_end,
                    anchor,
                    items,
                }) = self.stack.pop()
                {
                    let end = if flow_end {
                        range.end
                    } else {
                        items.last().map_or(range.end, |n| n.span().end)
                    };
                    let node = Node::new(
                        start..end.max(start),
                        Value::Seq(super::fast_yaml::fit(items)),
                    );
                    self.finish_node(node, anchor);
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map {
                    start,
                    flow_end,
                    anchor,
                    entries,
                    ..
                }) = self.stack.pop()
                {
                    let end = if flow_end {
                        range.end
                    } else {
                        entries.last().map_or(range.end, |e| e.value.span().end)
                    };
                    let entries = merge_and_check_keys(entries, &mut self.problems, self.doc_index);
                    let node = Node::new(
                        start..end.max(start),
                        Value::Map(super::fast_yaml::fit(entries)),
                    );
                    self.finish_node(node, anchor);
                }
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some(target) => {
                    let size = target.size();
                    if self.budget_used + size > ALIAS_NODE_BUDGET {
                        self.problem(
                            ProblemKind::AliasBudget,
                            range,
                            format!(
                                "alias expansion exceeds {ALIAS_NODE_BUDGET} nodes (a \"billion laughs\" document); not expanded"
                            ),
                        );
                        self.poisoned = true;
                        return;
                    }
                    self.budget_used += size;
                    let mut node = target.clone();
                    node.set_span(range);
                    self.finish_node(node, 0);
                }
                None => {
                    let node = Node::new(
                        range,
                        Value::Scalar(Scalar {
                            text: Default::default(),
                            style: Style::Plain,
                            kind: ScalarKind::Null,
                        }),
                    );
                    self.finish_node(node, 0);
                }
            },
            _ => {}
        }
    }
}

/// Applies `<<` merge keys (go-yaml v2 supports them) and records duplicate keys.
pub(super) fn merge_and_check_keys(
    entries: Vec<Entry>,
    problems: &mut Vec<Problem>,
    document: usize,
) -> Vec<Entry> {
    let is_merge = |e: &Entry| matches!(&e.key.value, Value::Scalar(s) if s.style == Style::Plain && s.text == "<<");
    let has_merge = entries.iter().any(is_merge);
    report_duplicate_keys(entries.iter().filter(|e| !is_merge(e)), problems, document);
    if !has_merge {
        return entries;
    }
    let mut out = Vec::with_capacity(entries.len());
    let mut merged = Vec::new();
    for entry in entries {
        if is_merge(&entry) {
            match &entry.value.value {
                Value::Map(m) => merged.extend(m.iter().cloned()),
                Value::Seq(items) => {
                    for item in items {
                        merged.extend(item.entries().iter().cloned());
                    }
                }
                Value::Scalar(_) => out.push(entry),
            }
            continue;
        }
        out.push(entry);
    }
    for entry in merged {
        let present = entry
            .key
            .text()
            .is_some_and(|k| out.iter().any(|e: &Entry| e.key.text() == Some(k)));
        if !present {
            out.push(entry);
        }
    }
    out
}

/// A duplicate key is reported at its second occurrence, pointing back at the first.
fn report_duplicate_keys<'e>(
    entries: impl Iterator<Item = &'e Entry>,
    problems: &mut Vec<Problem>,
    document: usize,
) {
    // Most mappings are small: comparing with the earlier keys needs no allocation; large
    // ones get a map so a 100k-key mapping stays linear.
    let keyed = entries.filter_map(|e| e.key.text().map(|k| (k, e.key.span())));
    let mut seen: HashMap<&str, Range<usize>> = HashMap::new();
    let mut earlier: Vec<(&str, Range<usize>)> = Vec::new();
    for (key, span) in keyed {
        let first = if earlier.len() < 32 {
            let found = earlier
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, s)| s.clone());
            if found.is_none() {
                earlier.push((key, span.clone()));
                if earlier.len() == 32 {
                    seen.extend(earlier.iter().cloned());
                }
            }
            found
        } else {
            match seen.get(key) {
                Some(first) => Some(first.clone()),
                None => {
                    seen.insert(key, span.clone());
                    None
                }
            }
        };
        if let Some(first) = first {
            problems.push(Problem {
                kind: ProblemKind::DuplicateKey { first },
                span,
                message: format!("duplicate key `{key}`"),
                document,
            });
        }
    }
}

/// Parses every document of a YAML or JSON stream. Never panics; problems are returned.
pub fn parse(source: &SourceFile) -> Parsed {
    super::fast_yaml::parse(source.body(), source.bom_len).unwrap_or_else(|| parse_general(source))
}

/// The general path: any YAML 1.2 (and JSON) through granit-parser's events.
pub fn parse_general(source: &SourceFile) -> Parsed {
    // Comments are not needed (suppressions are read from the text); not emitting them skips
    // the parser's comment buffering, about a tenth of the parse time.
    let mut options = granit_parser::Options::default();
    options.set_emit_comments(false);
    let mut parser = Parser::new_from_str_with_options(source.body(), options);
    let mut b = Builder {
        source,
        stack: Vec::new(),
        anchors: HashMap::new(),
        budget_used: 0,
        root: None,
        poisoned: false,
        problems: Vec::new(),
        doc_index: 0,
    };
    let mut parsed = Parsed::default();
    loop {
        match parser.next_event() {
            None => break,
            Some(Ok((event, span))) => match event {
                Event::DocumentStart(..) => {
                    b.reset_document();
                }
                Event::DocumentEnd => {
                    if let Some(root) = b.root.take().filter(|_| !b.poisoned)
                        && !root.is_null()
                    {
                        parsed.documents.push(Document {
                            index: b.doc_index,
                            root,
                        });
                    }
                    parsed.document_count += 1;
                    b.doc_index += 1;
                }
                Event::StreamEnd => break,
                other => b.on_event(other, &span),
            },
            Some(Err(err)) => {
                let at = b.offset(err.marker());
                let message = err.info();
                b.problem(ProblemKind::Syntax, at..at, message);
                b.reset_document();
                // The broken document counts, whether or not its start event was seen.
                parsed.document_count += 1;
                b.doc_index += 1;
                match parser.proceed_next_document() {
                    Ok(true) => continue,
                    _ => break,
                }
            }
        }
    }
    parsed.problems = b.problems;
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> (SourceFile, Parsed) {
        let f = SourceFile::new("t.yaml", text.to_string());
        let p = parse(&f);
        (f, p)
    }

    #[test]
    fn spans_slice_to_the_scalar() {
        let (f, p) = parse_str("a:\n  b: \"x☕\"\n  c: yes\n");
        let root = &p.documents[0].root;
        let b = root.get_path(&["a", "b"]).unwrap();
        assert_eq!(&f.text[b.span()], "\"x☕\"");
        assert_eq!(b.as_str(), Some("x☕"));
        let c = root.get_path(&["a", "c"]).unwrap();
        assert_eq!(&f.text[c.span()], "yes");
        assert_eq!(c.scalar().unwrap().kind, ScalarKind::Bool(true));
    }

    #[test]
    fn pem_dashes_do_not_split_documents() {
        let (_, p) =
            parse_str("a: |\n  -----BEGIN CERT-----\n  ---\n  -----END CERT-----\n---\nb: 1\n");
        assert_eq!(p.documents.len(), 2);
        assert!(p.problems.is_empty());
    }

    #[test]
    fn syntax_error_only_drops_its_document() {
        let (_, p) = parse_str("a: [1, 2\n---\nb: 1\n");
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].kind, ProblemKind::Syntax);
        assert_eq!(p.documents.len(), 1);
        assert!(p.documents[0].root.get("b").is_some());
    }

    #[test]
    fn duplicate_keys_keep_both_spans() {
        let (f, p) = parse_str("a: 1\nb: 2\na: 3\n");
        let ProblemKind::DuplicateKey { first } = &p.problems[0].kind else {
            panic!("{:?}", p.problems)
        };
        assert_eq!(f.position(first.start).line, 1);
        assert_eq!(f.position(p.problems[0].span.start).line, 3);
    }

    #[test]
    fn alias_bomb_is_reported_not_expanded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        let (_, p) = parse_str(&text);
        assert!(
            p.problems
                .iter()
                .any(|p| p.kind == ProblemKind::AliasBudget)
        );
        assert!(p.documents.is_empty());
    }

    #[test]
    fn merge_keys_apply() {
        let (_, p) = parse_str("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n");
        let m = p.documents[0].root.get("m").unwrap();
        assert_eq!(m.get("x").and_then(Node::text), Some("1"));
        assert_eq!(m.get("y").and_then(Node::text), Some("3"));
        assert!(p.problems.is_empty());
    }

    #[test]
    fn bom_and_crlf() {
        let (f, p) = parse_str("\u{feff}a: b\r\nc: d\r\n");
        let c = p.documents[0].root.get("c").unwrap();
        assert_eq!(&f.text[c.span()], "d");
        assert_eq!(f.position(c.span().start).line, 2);
        assert_eq!(f.position(c.span().start).column, 4);
    }

    #[test]
    fn json_is_parsed_with_spans() {
        let (f, p) = parse_str("{\n\t\"kind\": \"Pod\",\n\t\"n\": true\n}\n");
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let kind = p.documents[0].root.get("kind").unwrap();
        assert_eq!(&f.text[kind.span()], "\"Pod\"");
        let n = p.documents[0].root.get("n").unwrap();
        assert_eq!(n.scalar().unwrap().kind, ScalarKind::Bool(true));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(10_000);
        let (_, p) = parse_str(&text);
        assert_eq!(p.problems[0].kind, ProblemKind::Syntax);
        let text = format!("{}x\n", "- ".repeat(10_000));
        let (_, p) = parse_str(&text);
        assert!(!p.problems.is_empty());
    }
}
