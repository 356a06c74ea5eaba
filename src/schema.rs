//! JSON Schema validation over the span-exact document tree: a [`Node`] becomes a JSON value the
//! `jsonschema` crate can check, and each error's instance path (a JSON Pointer) is mapped back
//! to the byte span of the key or value it names. Used by the config file and custom rules.

use std::ops::Range;

use serde_json::{Map, Number, Value as Json};

use crate::input::{Node, ScalarKind, Value};
use crate::model::values::closest;

/// The JSON value Kubernetes would see for this node (YAML 1.1 scalars resolved the way the
/// loader typed them). Numbers that do not fit JSON stay strings rather than failing.
pub fn to_json(node: &Node) -> Json {
    match &node.value {
        Value::Scalar(s) => match s.kind {
            ScalarKind::Null => Json::Null,
            ScalarKind::Bool(b) => Json::Bool(b),
            ScalarKind::Int => parse_int(&s.text)
                .map(|i| Json::Number(i.into()))
                .unwrap_or_else(|| Json::String(s.text.to_string())),
            ScalarKind::Float => s
                .text
                .as_str()
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(Json::Number)
                .unwrap_or_else(|| Json::String(s.text.to_string())),
            ScalarKind::String => Json::String(s.text.to_string()),
        },
        Value::Seq(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => {
            let mut map = Map::new();
            for e in entries {
                let key = e.key.text().unwrap_or("").to_string();
                // The first definition wins, as `Node::get` does; duplicates are K8S002.
                map.entry(key).or_insert_with(|| to_json(&e.value));
            }
            Json::Object(map)
        }
    }
}

fn parse_int(text: &str) -> Option<i64> {
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    let (neg, digits) = match plain.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, plain.strip_prefix('+').unwrap_or(&plain)),
    };
    let v = if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()?
    } else if let Some(bin) = digits.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        // YAML 1.1 octal, as go-yaml v2 reads `0777`.
        i64::from_str_radix(digits, 8).ok()?
    } else {
        digits.parse().ok()?
    };
    Some(if neg { -v } else { v })
}

/// Splits a JSON Pointer into unescaped tokens (`~1` → `/`, `~0` → `~`).
pub fn pointer_tokens(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Where a pointer lands in the tree: the node and, for a mapping entry, the key node.
pub struct Located<'n> {
    pub node: &'n Node,
    pub key: Option<&'n Node>,
    /// Tokens that could be followed; fewer than the pointer's when it names something absent.
    pub depth: usize,
}

/// Follows a JSON Pointer as far as the tree goes.
pub fn locate<'n>(root: &'n Node, pointer: &str) -> Located<'n> {
    let mut here = Located {
        node: root,
        key: None,
        depth: 0,
    };
    for token in pointer_tokens(pointer) {
        let next = match &here.node.value {
            Value::Map(entries) => entries
                .iter()
                .find(|e| e.key.text() == Some(token.as_str()))
                .map(|e| (&e.value, Some(&e.key))),
            Value::Seq(items) => token
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .map(|n| (n, None)),
            Value::Scalar(_) => None,
        };
        match next {
            Some((node, key)) => {
                here = Located {
                    node,
                    key,
                    depth: here.depth + 1,
                }
            }
            None => break,
        }
    }
    here
}

/// The span a diagnostic about `pointer` underlines: a scalar value itself; for a mapping or a
/// sequence, its key (one line instead of a whole block); for the root, its first key.
pub fn span_of(root: &Node, pointer: &str) -> Range<usize> {
    let at = locate(root, pointer);
    match (&at.node.value, at.key) {
        (Value::Scalar(_), _) => at.node.span(),
        (_, Some(key)) => key.span(),
        (Value::Map(entries), None) => entries.first().map_or(at.node.span(), |e| e.key.span()),
        (Value::Seq(_), None) => at.node.span(),
    }
}

/// One schema violation, located.
#[derive(Debug, Clone)]
pub struct SchemaError {
    /// JSON Pointer of the offending value (`/rules/0/severity`).
    pub pointer: String,
    pub span: Range<usize>,
    pub message: String,
}

/// Validates `root` against a compiled schema; errors are sorted by position. For an unknown
/// key (`additionalProperties: false`) the error points at the key and suggests the closest
/// allowed one from the schema (`schema` is the uncompiled schema, used only for that hint).
pub fn validate(validator: &jsonschema::Validator, schema: &Json, root: &Node) -> Vec<SchemaError> {
    validate_instance(validator, schema, root, &to_json(root))
}

/// `validate` of a node already converted with `to_json`: several schemas checking one object
/// convert it once (each conversion is a copy of the whole object).
pub fn validate_instance(
    validator: &jsonschema::Validator,
    schema: &Json,
    root: &Node,
    instance: &Json,
) -> Vec<SchemaError> {
    let mut out = Vec::new();
    for err in validator.iter_errors(instance) {
        let pointer = err.instance_path().as_str().to_string();
        match err.kind() {
            jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed = allowed_keys(schema, err.schema_path().as_str());
                for key in unexpected {
                    let key_pointer = format!("{pointer}/{}", escape(key));
                    let at = locate(root, &key_pointer);
                    let span = at.key.map_or_else(|| span_of(root, &pointer), |k| k.span());
                    let hint = closest(key, allowed.iter().map(String::as_str))
                        .map(|c| format!(" (did you mean `{c}`?)"))
                        .unwrap_or_default();
                    out.push(SchemaError {
                        pointer: key_pointer,
                        span,
                        message: format!("unknown key `{key}`{hint}"),
                    });
                }
            }
            _ => out.push(SchemaError {
                span: span_of(root, &pointer),
                message: if pointer.is_empty() {
                    err.to_string()
                } else {
                    format!("{}: {err}", display_pointer(&pointer))
                },
                pointer,
            }),
        }
    }
    out.sort_by(|a, b| (a.span.start, &a.message).cmp(&(b.span.start, &b.message)));
    out.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    out
}

/// `/rules/0/severity` → `rules[0].severity`, the way people read config paths.
pub fn display_pointer(pointer: &str) -> String {
    let mut out = String::new();
    for t in pointer_tokens(pointer) {
        if t.parse::<usize>().is_ok() {
            out.push_str(&format!("[{t}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&t);
        }
    }
    out
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The property names allowed where an `additionalProperties` keyword failed: the sibling
/// `properties` of the keyword's schema location.
fn allowed_keys(schema: &Json, schema_path: &str) -> Vec<String> {
    let parent = schema_path
        .strip_suffix("/additionalProperties")
        .unwrap_or(schema_path);
    schema
        .pointer(&format!("{parent}/properties"))
        .and_then(Json::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::load::load_text;

    fn root(text: &str) -> (crate::input::load::LoadedFile, Node) {
        let f = load_text("t.yaml", text).unwrap();
        let n = f.parsed.documents[0].root.clone();
        (f, n)
    }

    #[test]
    fn converts_yaml_1_1_scalars() {
        let (_, n) = root("a: yes\nb: 0x10\nc: 1.5\nd: ~\ne: \"7\"\nf: [1, x]\n");
        assert_eq!(
            to_json(&n),
            serde_json::json!({"a": true, "b": 16, "c": 1.5, "d": null, "e": "7", "f": [1, "x"]})
        );
    }

    #[test]
    fn pointers_map_to_key_or_value_spans() {
        let text = "metadata:\n  labels:\n    a/b: \"x\"\nlist:\n  - v\n";
        let (f, n) = root(text);
        let s = span_of(&n, "/metadata/labels/a~1b");
        assert_eq!(&f.source.text[s], "\"x\"");
        let s = span_of(&n, "/metadata/labels");
        assert_eq!(&f.source.text[s], "labels");
        let s = span_of(&n, "/list/0");
        assert_eq!(&f.source.text[s], "v");
        // An absent tail stops at the deepest existing node.
        let s = span_of(&n, "/metadata/labels/missing/deeper");
        assert_eq!(&f.source.text[s], "labels");
        assert_eq!(display_pointer("/list/0/a"), "list[0].a");
    }

    #[test]
    fn unknown_keys_get_a_hint() {
        let schema = serde_json::json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {"select": {"type": "array"}, "ignore": {"type": "array"}}
        });
        let v = jsonschema::validator_for(&schema).unwrap();
        let (f, n) = root("selct: []\n");
        let errs = validate(&v, &schema, &n);
        assert_eq!(errs.len(), 1);
        assert_eq!(&f.source.text[errs[0].span.clone()], "selct");
        assert!(
            errs[0].message.contains("did you mean `select`"),
            "{}",
            errs[0].message
        );
    }
}
