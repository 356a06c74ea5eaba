//! The fast path for JSON files (IAM policies, `az` output): one document holding one object
//! or array, strings without escapes, numbers, `true`, `false`, `null`. Spans, styles and
//! types are those the general parser gives the same text read as YAML.

use super::super::node::{Entry, Node, Value};
use super::super::yaml::{Document, merge_and_check_keys};
use super::{FastParser, GiveUp, MAX_DEPTH, Step, Style, fit, token};
use crate::input::node::Text;

impl FastParser<'_> {
    fn skip_json_space(&self, mut i: usize) -> usize {
        while matches!(self.b.get(i), Some(b' ' | b'\t' | b'\n')) {
            i += 1;
        }
        i
    }

    /// A JSON file: one document holding one object or array (IAM policies, `az` output).
    pub(super) fn json_document(&mut self) -> Step<()> {
        let at = self.skip_json_space(0);
        let (root, end) = self.json_value(at)?;
        if self.skip_json_space(end) != self.b.len() || !root.is_map() && root.items().is_empty() {
            return Err(GiveUp);
        }
        self.parsed.documents.push(Document { index: 0, root });
        self.parsed.document_count = 1;
        Ok(())
    }

    /// A JSON value at `at` and the position after it.
    fn json_value(&mut self, at: usize) -> Step<(Node, usize)> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(GiveUp);
        }
        let value = match self.byte(at) {
            b'{' => self.json_container(at, b'}'),
            b'[' => self.json_container(at, b']'),
            b'"' => {
                let (end, text) = self.double_quoted(at)?;
                Ok((
                    self.scalar_node(token(at, end, text, Style::DoubleQuoted)),
                    end,
                ))
            }
            _ => {
                let len = self.b[at..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'+' | b'.'))
                    .count();
                let text = &self.text[at..at + len];
                let number = text
                    .bytes()
                    .all(|c| c.is_ascii_digit() || b"-+.eE".contains(&c))
                    && text.bytes().any(|c| c.is_ascii_digit());
                if !(number || matches!(text, "true" | "false" | "null")) {
                    return Err(GiveUp);
                }
                let end = at + len;
                Ok((
                    self.scalar_node(token(at, end, Text::from(text), Style::Plain)),
                    end,
                ))
            }
        };
        self.depth -= 1;
        value
    }

    /// `{…}` or `[…]` from `at`; entries of an object are `"key": value`.
    fn json_container(&mut self, at: usize, close: u8) -> Step<(Node, usize)> {
        let (entry_base, item_base) = (self.entry_stack.len(), self.item_stack.len());
        let mut i = self.skip_json_space(at + 1);
        if self.byte(i) != close {
            loop {
                if close == b'}' {
                    if self.byte(i) != b'"' {
                        return Err(GiveUp);
                    }
                    let (end, text) = self.double_quoted(i)?;
                    let key = self.scalar_node(token(i, end, text, Style::DoubleQuoted));
                    let colon = self.skip_json_space(end);
                    if self.byte(colon) != b':' {
                        return Err(GiveUp);
                    }
                    let (value, after) = self.json_value(self.skip_json_space(colon + 1))?;
                    self.entry_stack.push(Entry { key, value });
                    i = after;
                } else {
                    let (value, after) = self.json_value(i)?;
                    self.item_stack.push(value);
                    i = after;
                }
                i = self.skip_json_space(i);
                match self.byte(i) {
                    b',' => i = self.skip_json_space(i + 1),
                    c if c == close => break,
                    _ => return Err(GiveUp),
                }
            }
        }
        let span = self.span(at, i + 1);
        let node = if close == b'}' {
            let entries = self.entry_stack.drain(entry_base..).collect();
            let entries = merge_and_check_keys(entries, &mut self.parsed.problems, 0);
            Node::new(span, Value::Map(fit(entries)))
        } else {
            Node::new(
                span,
                Value::Seq(self.item_stack.drain(item_base..).collect()),
            )
        };
        Ok((node, i + 1))
    }
}
