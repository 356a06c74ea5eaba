//! The span-exact document tree. Every key and value keeps its byte range in the source file.

use std::ops::Range;

/// An offset as stored in a node. Inputs are refused above 4 GiB before they are parsed, so
/// this never saturates on a real file.
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// How a scalar was written. Fixes use it to keep the user's quoting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// What a scalar means to Kubernetes (YAML 1.1 as go-yaml v2 resolves it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarKind {
    Null,
    Bool(bool),
    Int,
    Float,
    String,
}

impl ScalarKind {
    pub fn type_name(self) -> &'static str {
        match self {
            ScalarKind::Null => "null",
            ScalarKind::Bool(_) => "boolean",
            ScalarKind::Int => "integer",
            ScalarKind::Float => "number",
            ScalarKind::String => "string",
        }
    }
}

/// A scalar's text: 16 bytes, inline up to 15 (87% of the keys and values of the benchmark
/// corpus), so a node is 32 bytes and a mapping entry 64 (40 and 80 with a 24-byte string).
pub type Text = ecow::EcoString;

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The value after escape processing (what the API server would see as text).
    pub text: Text,
    pub style: Style,
    pub kind: ScalarKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

/// 24 bytes: children are boxed slices (16 bytes; a tree is never grown after parsing), so the
/// tag fits in a spare value of the scalar's `style` byte.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(Scalar),
    Seq(Box<[Node]>),
    Map(Box<[Entry]>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Byte range in [`crate::input::SourceFile::text`], as `u32`s: a tree has a node for
    /// nearly every token, and halving its span keeps a node at 32 bytes and an entry at 64
    /// (files are limited to 4 GiB, `input::load::MAX_FILE_BYTES`).
    start: u32,
    end: u32,
    pub value: Value,
}

impl Node {
    pub fn new(span: Range<usize>, value: Value) -> Self {
        Self {
            start: offset(span.start),
            end: offset(span.end),
            value,
        }
    }

    /// Byte range in [`crate::input::SourceFile::text`].
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn set_span(&mut self, span: Range<usize>) {
        self.start = offset(span.start);
        self.end = offset(span.end);
    }

    pub fn scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar of any kind (`true`, `3600`, `"x"` all give their text).
    pub fn text(&self) -> Option<&str> {
        self.scalar().map(|s| s.text.as_str())
    }

    /// The text of a scalar only if Kubernetes reads it as a string.
    pub fn as_str(&self) -> Option<&str> {
        self.scalar()
            .filter(|s| s.kind == ScalarKind::String)
            .map(|s| s.text.as_str())
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// The first entry whose key text is `key`. Duplicates are reported separately by the loader.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        // The hottest lookup of every view and rule: keys of one mapping nearly always differ
        // in length or first byte, so those are compared before the bytes (a `memcmp` call).
        let key = key.as_bytes();
        self.entries().iter().find(|e| {
            e.key.text().is_some_and(|k| {
                let k = k.as_bytes();
                k.len() == key.len() && k.first() == key.first() && k == key
            })
        })
    }

    /// The entries `get` can return: the first of each key text, in order (later duplicates
    /// are shadowed; the loader reports them). Non-scalar keys are left out.
    pub fn first_entries(&self) -> impl Iterator<Item = &Entry> {
        let entries = self.entries();
        // A set only for big mappings: labels and selectors have a handful of keys.
        let mut seen = (entries.len() > 32).then(std::collections::HashSet::new);
        entries
            .iter()
            .enumerate()
            .filter(move |&(i, e)| {
                let Some(k) = e.key.text() else { return false };
                match &mut seen {
                    Some(seen) => seen.insert(k),
                    None => !entries[..i].iter().any(|p| p.key.text() == Some(k)),
                }
            })
            .map(|(_, e)| e)
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn get_path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    /// A string field; `None` when absent or not a string.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar(s) if s.kind == ScalarKind::Null)
    }

    /// Number of nodes in this subtree (used for the alias expansion budget).
    pub fn size(&self) -> usize {
        1 + match &self.value {
            Value::Scalar(_) => 0,
            Value::Seq(items) => items.iter().map(Node::size).sum(),
            Value::Map(entries) => entries.iter().map(|e| e.key.size() + e.value.size()).sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_stay_small() {
        // Trees are most of a run's memory: every byte here is paid per token of every input.
        assert_eq!(std::mem::size_of::<Value>(), 24);
        assert_eq!(std::mem::size_of::<Node>(), 32);
        assert_eq!(std::mem::size_of::<Entry>(), 64);
    }
}
