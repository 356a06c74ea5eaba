//! The JSON Pointer (RFC 6901) of the field at a byte offset, so a finding names the field it is
//! about (`/spec/template/metadata/labels`) as well as a line and column.

use std::fmt::Write as _;

use crate::input::load::LoadedFile;
use crate::input::{Node, Value};

/// The pointer of the innermost key or value containing `offset`, within the object (document)
/// that contains it; `None` outside every document.
pub fn at(file: &LoadedFile, offset: usize) -> Option<String> {
    // Documents are in stream order: a binary search keeps a 100k-document file linear.
    let docs = &file.parsed.documents;
    let first = docs.partition_point(|d| d.root.span.end < offset);
    let doc = docs[first..]
        .iter()
        .take_while(|d| d.root.span.start <= offset)
        .find(|d| offset <= d.root.span.end)?;
    let mut pointer = String::new();
    walk(&doc.root, offset, &mut pointer);
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

fn walk(node: &Node, offset: usize, path: &mut String) {
    match &node.value {
        Value::Map(entries) => {
            for e in entries {
                // From the key to the end of the value: a block scalar's `|` sits between them.
                let end = e
                    .value
                    .span
                    .end
                    .max(e.key.span.end)
                    .max(e.key.span.start + 1);
                if e.key.span.start <= offset && offset < end {
                    push_token(path, e.key.text().unwrap_or(""));
                    if e.value.span.start <= offset && offset < e.value.span.end {
                        walk(&e.value, offset, path);
                    }
                    return;
                }
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                if item.span.start <= offset && offset < item.span.end {
                    path.push('/');
                    let _ = write!(path, "{i}");
                    walk(item, offset, path);
                    return;
                }
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
}
