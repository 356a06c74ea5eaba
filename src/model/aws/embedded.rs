//! Documents written inside a string: an `AssumeRolePolicyDocument` that `get-role` returns as a
//! JSON string or URL-encoded JSON, an ACK `assumeRolePolicyDocument` block scalar, an
//! association's `policy`. The inner text is parsed with the same span-exact parser and every
//! span is mapped back into the outer file: exactly where the string's escapes can be undone one
//! character at a time, otherwise to the whole string (a finding then points at the string).

use std::ops::Range;

use crate::input::yaml;
use crate::input::{Node, SourceFile, Style, Value};

/// Decoded text and, for every byte of it, the bytes of the outer file it came from.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    map: Vec<Range<usize>>,
    /// The whole string in the outer file (the fallback target).
    whole: Range<usize>,
    /// Whether `map` is exact (false: every byte maps to `whole`).
    pub exact: bool,
}

/// An embedded document parsed and mapped into the outer file.
#[derive(Debug, Clone)]
pub struct Embedded {
    pub root: Node,
    /// Whether spans point at the exact inner key or value (false: at the whole string).
    pub exact: bool,
    /// Whether the string was URL-encoded.
    pub url_encoded: bool,
}

/// Why an embedded document could not be read (the message of the parser, at a span of the
/// outer file).
#[derive(Debug, Clone)]
pub struct EmbeddedError {
    pub span: Range<usize>,
    pub message: String,
}

impl Decoded {
    fn coarse(text: String, whole: Range<usize>) -> Self {
        Self {
            map: vec![whole.clone(); text.len()],
            text,
            whole,
            exact: false,
        }
    }

    /// The text of a string scalar and its byte map. `text` is the outer file's text.
    pub fn of_scalar(outer: &str, node: &Node) -> Option<Self> {
        let scalar = node.scalar()?;
        let whole = node.span();
        let src = outer.get(whole.clone())?;
        let mapped = match scalar.style {
            Style::Plain => plain(src, whole.start),
            Style::DoubleQuoted => double_quoted(src, whole.start),
            Style::SingleQuoted => single_quoted(src, whole.start),
            Style::Literal => literal(outer, &whole),
            Style::Folded => None,
        };
        Some(match mapped {
            Some((text, map)) if text == scalar.text => Self {
                text,
                map,
                whole,
                exact: true,
            },
            // A literal block's chomping may keep or drop final newlines: map the common prefix,
            // any extra newline to the end of the block.
            Some((text, mut map)) if text.trim_end() == scalar.text.trim_end() => {
                map.truncate(scalar.text.len().min(text.len()));
                map.resize(scalar.text.len(), whole.end..whole.end);
                Self {
                    text: scalar.text.to_string(),
                    map,
                    whole,
                    exact: true,
                }
            }
            _ => Self::coarse(scalar.text.to_string(), whole),
        })
    }

    /// Percent-decodes (`%7B%22Version%22…`, what the IAM API returns), keeping the byte map.
    /// `+` stays `+`, as botocore's `unquote` and Go's `url.PathUnescape` leave it.
    pub fn url_decoded(&self) -> Option<Self> {
        let b = self.text.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut map = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                let hex = b.get(i + 1..i + 3)?;
                let v = u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
                out.push(v);
                map.push(self.map[i].start..self.map[i + 2].end);
                i += 3;
            } else {
                out.push(b[i]);
                map.push(self.map[i].clone());
                i += 1;
            }
        }
        Some(Self {
            text: String::from_utf8(out).ok()?,
            map,
            whole: self.whole.clone(),
            exact: self.exact,
        })
    }

    /// The outer-file range of an inner range.
    pub fn outer(&self, inner: &Range<usize>) -> Range<usize> {
        if !self.exact {
            return self.whole.clone();
        }
        let at = |i: usize| {
            self.map
                .get(i)
                .cloned()
                .unwrap_or(self.whole.end..self.whole.end)
        };
        if inner.start >= inner.end {
            let p = at(inner.start).start;
            return p..p;
        }
        at(inner.start).start..at(inner.end - 1).end
    }

    fn remap(&self, node: &mut Node) {
        node.set_span(self.outer(&node.span()));
        match &mut node.value {
            Value::Scalar(_) => {}
            Value::Seq(items) => items.iter_mut().for_each(|n| self.remap(n)),
            Value::Map(entries) => {
                for e in entries {
                    self.remap(&mut e.key);
                    self.remap(&mut e.value);
                }
            }
        }
    }
}

/// Parses the JSON (or YAML) document inside a string value, URL-decoding it first when it is
/// percent-encoded. `Ok(None)` when the value is not a string or is blank.
pub fn parse_embedded(outer: &str, node: &Node) -> Result<Option<Embedded>, EmbeddedError> {
    let Some(mut decoded) = Decoded::of_scalar(outer, node) else {
        return Ok(None);
    };
    if decoded.text.trim().is_empty() {
        return Ok(None);
    }
    let mut url_encoded = false;
    let t = decoded.text.trim_start();
    if t.starts_with('%') || (!t.starts_with('{') && t.contains("%22")) {
        match decoded.url_decoded() {
            Some(d) => {
                decoded = d;
                url_encoded = true;
            }
            None => {
                return Err(EmbeddedError {
                    span: node.span(),
                    message: "the URL-encoded policy document has an invalid `%` escape".into(),
                });
            }
        }
    }
    let source = SourceFile::new("<embedded>", decoded.text.clone());
    let parsed = yaml::parse(&source);
    if let Some(p) = parsed
        .problems
        .iter()
        .find(|p| p.kind == yaml::ProblemKind::Syntax)
    {
        return Err(EmbeddedError {
            span: decoded.outer(&p.span),
            message: p.message.clone(),
        });
    }
    let Some(doc) = parsed.documents.into_iter().next() else {
        return Ok(None);
    };
    let mut root = doc.root;
    decoded.remap(&mut root);
    Ok(Some(Embedded {
        root,
        exact: decoded.exact,
        url_encoded,
    }))
}

type Mapped = Option<(String, Vec<Range<usize>>)>;

fn plain(src: &str, base: usize) -> Mapped {
    let map = (0..src.len()).map(|i| base + i..base + i + 1).collect();
    Some((src.to_string(), map))
}

fn push_char(out: &mut String, map: &mut Vec<Range<usize>>, c: char, from: Range<usize>) {
    for _ in 0..c.len_utf8() {
        map.push(from.clone());
    }
    out.push(c);
}

/// JSON and YAML double-quoted strings on one line, escapes undone one at a time.
fn double_quoted(src: &str, base: usize) -> Mapped {
    let inner = src.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\n') {
        return None;
    }
    let base = base + 1;
    let mut out = String::with_capacity(inner.len());
    let mut map = Vec::with_capacity(inner.len());
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            push_char(&mut out, &mut map, c, base + i..base + i + c.len_utf8());
            continue;
        }
        let (_, e) = chars.next()?;
        let simple = match e {
            '"' => Some('"'),
            '\\' => Some('\\'),
            '/' => Some('/'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            '0' => Some('\0'),
            ' ' => Some(' '),
            _ => None,
        };
        if let Some(s) = simple {
            push_char(&mut out, &mut map, s, base + i..base + i + 2);
            continue;
        }
        let digits = match e {
            'u' => 4,
            'x' => 2,
            'U' => 8,
            _ => return None,
        };
        let mut hex = String::new();
        for _ in 0..digits {
            hex.push(chars.next()?.1);
        }
        let mut code = u32::from_str_radix(&hex, 16).ok()?;
        let mut end = base + i + 2 + digits;
        if (0xD800..0xDC00).contains(&code) {
            // A UTF-16 surrogate pair: `\uD83D\uDE00`.
            let (_, bs) = chars.next()?;
            let (_, u) = chars.next()?;
            if bs != '\\' || u != 'u' {
                return None;
            }
            let mut low = String::new();
            for _ in 0..4 {
                low.push(chars.next()?.1);
            }
            let low = u32::from_str_radix(&low, 16).ok()?;
            code = 0x10000 + ((code - 0xD800) << 10) + (low.checked_sub(0xDC00)?);
            end += 6;
        }
        push_char(&mut out, &mut map, char::from_u32(code)?, base + i..end);
    }
    Some((out, map))
}

fn single_quoted(src: &str, base: usize) -> Mapped {
    let inner = src.strip_prefix('\'')?.strip_suffix('\'')?;
    if inner.contains('\n') {
        return None;
    }
    let base = base + 1;
    let mut out = String::new();
    let mut map = Vec::new();
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            chars.next()?;
            push_char(&mut out, &mut map, '\'', base + i..base + i + 2);
        } else {
            push_char(&mut out, &mut map, c, base + i..base + i + c.len_utf8());
        }
    }
    Some((out, map))
}

/// A `|` block: each content line loses the block's indentation.
fn literal(outer: &str, whole: &Range<usize>) -> Mapped {
    let src = outer.get(whole.clone())?;
    // The span may start at the indicator or at the first content line.
    let (mut offset, body) = if src.starts_with('|') {
        let nl = src.find('\n')?;
        (whole.start + nl + 1, &src[nl + 1..])
    } else {
        // Back up to the start of the first content line so its indentation is seen.
        let line_start = outer[..whole.start].rfind('\n').map_or(0, |i| i + 1);
        let indent = &outer[line_start..whole.start];
        if !indent.bytes().all(|b| b == b' ') {
            return None;
        }
        (line_start, &outer[line_start..whole.end])
    };
    let indent = body
        .lines()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())?;
    let mut out = String::new();
    let mut map = Vec::new();
    for line in body.split_inclusive('\n') {
        let strip = line.bytes().take(indent).take_while(|b| *b == b' ').count();
        for (i, c) in line[strip..].char_indices() {
            let at = offset + strip + i;
            push_char(&mut out, &mut map, c, at..at + c.len_utf8());
        }
        offset += line.len();
    }
    Some((out, map))
}

/// Parses a document written in a non-YAML string (a Terraform heredoc or quoted string) whose
/// decoded text is `text` and whose source is `span` of `outer`: exact where the source is the
/// text itself or a double-quoted string with escapes, otherwise mapped to the whole `span`.
pub fn parse_embedded_text(
    outer: &str,
    text: &str,
    span: std::ops::Range<usize>,
) -> Result<Option<Embedded>, EmbeddedError> {
    let style = match outer.get(span.clone()) {
        Some(src) if src == text => Style::Plain,
        Some(src) if src.starts_with('"') => Style::DoubleQuoted,
        _ => Style::Folded,
    };
    let node = Node::new(
        span,
        Value::Scalar(crate::input::Scalar {
            text: text.into(),
            style,
            kind: crate::input::ScalarKind::String,
        }),
    );
    parse_embedded(outer, &node)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_outer(text: &str) -> (SourceFile, Node) {
        let f = SourceFile::new("t", text.to_string());
        let p = yaml::parse(&f);
        let root = p.documents.into_iter().next().unwrap().root;
        (f, root)
    }

    #[test]
    fn json_string_maps_exactly() {
        let (f, root) = parse_outer(r#"{"Doc": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}"#);
        let e = parse_embedded(&f.text, root.get("Doc").unwrap())
            .unwrap()
            .unwrap();
        assert!(e.exact);
        let v = e.root.get("Version").unwrap();
        assert_eq!(&f.text[v.span()], r#"\"2012-10-17\""#);
    }

    #[test]
    fn url_encoded_maps_to_the_escapes() {
        let (f, root) = parse_outer(
            r#"{"Doc": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"}"#,
        );
        let e = parse_embedded(&f.text, root.get("Doc").unwrap())
            .unwrap()
            .unwrap();
        assert!(e.url_encoded && e.exact);
        let v = e.root.get("Version").unwrap();
        assert_eq!(&f.text[v.span()], "%222012-10-17%22");
    }

    #[test]
    fn literal_block_maps_lines() {
        let text = "spec:\n  doc: |\n    {\n      \"Version\": \"2012-10-17\"\n    }\nnext: 1\n";
        let (f, root) = parse_outer(text);
        let e = parse_embedded(&f.text, root.get_path(&["spec", "doc"]).unwrap())
            .unwrap()
            .unwrap();
        assert!(e.exact);
        let v = e.root.get("Version").unwrap();
        assert_eq!(&f.text[v.span()], "\"2012-10-17\"");
        assert_eq!(f.position(v.span().start).line, 4);
    }

    #[test]
    fn folded_falls_back_to_the_string() {
        let text = "doc: >\n  {\"Version\": \"2012-10-17\"}\n";
        let (f, root) = parse_outer(text);
        let node = root.get("doc").unwrap();
        let e = parse_embedded(&f.text, node).unwrap().unwrap();
        assert!(!e.exact);
        assert_eq!(e.root.get("Version").unwrap().span(), node.span());
    }

    #[test]
    fn broken_json_is_an_error() {
        let (f, root) = parse_outer(r#"{"Doc": "{\"Version\": "}"#);
        assert!(parse_embedded(&f.text, root.get("Doc").unwrap()).is_err());
    }
    /// Random strings in every scalar style: decoding never panics and every mapped span lies
    /// inside the file on character boundaries.
    #[test]
    fn random_strings_map_inside_the_file() {
        let alphabet: Vec<char> = "{}[]\":,%7B22aZ \\n/\té☕'|>-#\n".chars().collect();
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let len = (next() % 40) as usize;
            let inner: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let json = serde_json::to_string(&inner).unwrap();
            let block: String = inner.lines().map(|l| format!("  {l}\n")).collect();
            for text in [
                format!("{{\"D\": {json}}}"),
                format!("D: {json}\n"),
                format!("D: |\n{block}"),
                format!("D: >\n{block}"),
                format!("D: '{}'\n", inner.replace('\'', "''").replace('\n', " ")),
            ] {
                let (f, root) = match std::panic::catch_unwind(|| {
                    let f = SourceFile::new("t", text.clone());
                    let p = yaml::parse(&f);
                    (f, p.documents.into_iter().next())
                }) {
                    Ok((f, Some(d))) => (f, d.root),
                    _ => continue,
                };
                let Some(node) = root.get("D") else { continue };
                if let Ok(Some(e)) = parse_embedded(&f.text, node) {
                    fn check(f: &SourceFile, n: &Node) {
                        assert!(n.span().start <= n.span().end && n.span().end <= f.text.len());
                        assert!(f.text.is_char_boundary(n.span().start));
                        assert!(f.text.is_char_boundary(n.span().end));
                        match &n.value {
                            Value::Scalar(_) => {}
                            Value::Seq(items) => items.iter().for_each(|i| check(f, i)),
                            Value::Map(es) => es.iter().for_each(|e| {
                                check(f, &e.key);
                                check(f, &e.value);
                            }),
                        }
                    }
                    check(&f, &e.root);
                }
            }
        }
    }
}
