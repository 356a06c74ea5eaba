//! The JSON Pointer (RFC 6901) of the field at a byte offset, so a finding names the field it is
//! about (`/spec/template/metadata/labels`) as well as a line and column.

use std::fmt::Write as _;

use crate::input::load::LoadedFile;
use crate::input::{Node, Value};

/// The pointer of the innermost key or value containing `offset`, within the object (document)
/// that contains it; `None` outside every document.
pub fn at(file: &LoadedFile, offset: usize) -> Option<String> {
    at_with(file, offset, &mut Ordered::default())
}

/// Which mappings and sequences have their children in text order, each found out once:
/// those are searched by bisection. A report asks for many pointers into one big `List`
/// (`kubectl get -o json` of a whole cluster), and scanning its items per finding was
/// quadratic. Children can be out of order after merge keys and aliases (their spans are the
/// anchor's), and those keep the scan.
#[derive(Default)]
pub struct Ordered(std::collections::HashMap<*const Node, bool>);

/// Lists and maps shorter than this are scanned: asking is dearer than looking.
const BISECT_FROM: usize = 32;

/// `at`, remembering which nodes are ordered across calls (one `Ordered` per batch).
pub fn at_with(file: &LoadedFile, offset: usize, ordered: &mut Ordered) -> Option<String> {
    // Documents are in stream order: a binary search keeps a 100k-document file linear.
    let docs = &file.parsed.documents;
    let first = docs.partition_point(|d| d.root.span().end < offset);
    let doc = docs[first..]
        .iter()
        .take_while(|d| d.root.span().start <= offset)
        .find(|d| offset <= d.root.span().end)?;
    let mut pointer = String::new();
    walk(&doc.root, offset, &mut pointer, ordered);
    Some(pointer)
}

/// Appends `/token` with `~` and `/` escaped (RFC 6901).
fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if token.contains(['~', '/']) {
        pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
    } else {
        pointer.push_str(token);
    }
}

/// The range of a map entry: from the key to the end of the value (a block scalar's `|` sits
/// between them).
fn entry_range(e: &crate::input::node::Entry) -> (usize, usize) {
    let end = e
        .value
        .span()
        .end
        .max(e.key.span().end)
        .max(e.key.span().start + 1);
    (e.key.span().start, end)
}

/// The first child (in order) whose range contains `offset`: by bisection when the children
/// are in text order and disjoint (then only one can), else by a scan.
fn child<T>(
    node: &Node,
    children: &[T],
    range: impl Fn(&T) -> (usize, usize),
    offset: usize,
    ordered: &mut Ordered,
) -> Option<usize> {
    let contains = |c: &T| {
        let (start, end) = range(c);
        start <= offset && offset < end
    };
    if children.len() >= BISECT_FROM
        && *ordered.0.entry(node as *const Node).or_insert_with(|| {
            children
                .windows(2)
                .all(|w| range(&w[0]).1 <= range(&w[1]).0)
        })
    {
        let k = children.partition_point(|c| range(c).0 <= offset);
        return k.checked_sub(1).filter(|&k| contains(&children[k]));
    }
    children.iter().position(contains)
}

fn walk(node: &Node, offset: usize, path: &mut String, ordered: &mut Ordered) {
    match &node.value {
        Value::Map(entries) => {
            if let Some(k) = child(node, entries, entry_range, offset, ordered) {
                let e = &entries[k];
                push_token(path, e.key.text().unwrap_or(""));
                if e.value.span().start <= offset && offset < e.value.span().end {
                    walk(&e.value, offset, path, ordered);
                }
            }
        }
        Value::Seq(items) => {
            let range = |item: &Node| (item.span().start, item.span().end);
            if let Some(i) = child(node, items, range, offset, ordered) {
                path.push('/');
                let _ = write!(path, "{i}");
                walk(&items[i], offset, path, ordered);
            }
        }
        Value::Scalar(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_name_the_field() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    a/b: \"x\"\nspec:\n  containers:\n  - name: c\n";
        let f = crate::input::load::load_text("p", text).unwrap();
        let label = text.find("a/b").unwrap();
        assert_eq!(at(&f, label).as_deref(), Some("/metadata/labels/a~1b"));
        let block = "metadata:\n  annotations:\n    k: |\n      v\n";
        let g = crate::input::load::load_text("b", block).unwrap();
        let bar = block.find('|').unwrap();
        assert_eq!(at(&g, bar).as_deref(), Some("/metadata/annotations/k"));
        let name = text.find("c\n").unwrap();
        assert_eq!(at(&f, name).as_deref(), Some("/spec/containers/0/name"));
    }

    /// The pointer by scanning every child, as before bisection.
    fn scanned(node: &Node, offset: usize, path: &mut String) {
        match &node.value {
            Value::Map(entries) => {
                if let Some(e) = entries.iter().find(|e| {
                    let (start, end) = entry_range(e);
                    start <= offset && offset < end
                }) {
                    push_token(path, e.key.text().unwrap_or(""));
                    if e.value.span().start <= offset && offset < e.value.span().end {
                        scanned(&e.value, offset, path);
                    }
                }
            }
            Value::Seq(items) => {
                if let Some(i) = items
                    .iter()
                    .position(|n| n.span().start <= offset && offset < n.span().end)
                {
                    let _ = write!(path, "/{i}");
                    scanned(&items[i], offset, path);
                }
            }
            Value::Scalar(_) => {}
        }
    }

    /// Long lists and maps (bisected), in block and flow style, with aliases and merge keys
    /// (children out of text order: scanned): every offset gets the scan's pointer.
    #[test]
    fn bisection_gives_the_scans_pointer_at_every_offset() {
        let mut text = String::from("base: &b {x: 1, y: [1, 2]}\nlist:\n");
        for i in 0..40 {
            text.push_str(&format!("- {{name: n{i}, v: [a, b]}}\n"));
        }
        text.push_str("- *b\nflow: [");
        for i in 0..40 {
            text.push_str(&format!("{{k{i}: {i}}}, "));
        }
        text.push_str("*b]\nmap:\n  <<: *b\n");
        for i in 0..40 {
            text.push_str(&format!("  key{i}: |\n    v{i}\n"));
        }
        text.push_str("plain:\n");
        for i in 0..40 {
            text.push_str(&format!("- item{i}\n- [x{i}, {{k: v}}]\n"));
        }
        text.push_str("plainmap:\n");
        for i in 0..40 {
            text.push_str(&format!("  k{i}: {{a: [1, 2]}}\n"));
        }
        let f = crate::input::load::load_text("p.yaml", &text).unwrap();
        assert!(f.parsed.problems.is_empty(), "{:?}", f.parsed.problems);
        let root = &f.parsed.documents[0].root;
        let mut ordered = Ordered::default();
        for offset in 0..=text.len() {
            let mut want = String::new();
            scanned(root, offset, &mut want);
            let mut got = String::new();
            walk(root, offset, &mut got, &mut ordered);
            assert_eq!(got, want, "at {offset}");
        }
        // Both ways were taken: the plain list and map are bisected, the others scanned.
        assert!(ordered.0.values().any(|&o| o), "nothing bisected");
        assert!(ordered.0.values().any(|&o| !o), "nothing out of order");
    }
}
