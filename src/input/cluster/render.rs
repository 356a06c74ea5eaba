//! Live objects → the YAML text the normal loader reads. Server noise is stripped first, so the
//! rendered object is what a person would have written (plus server defaults), and every rule
//! that works on a file works on it unchanged: line/column point into this text.

use serde_json::{Map, Value};

use crate::input::ScalarKind;
use crate::input::resolve::{double_quoted, resolve_plain};

/// `metadata` keys the server sets. `creationTimestamp` is kept on Pods and webhook
/// configurations only: "created before the webhook" is what the live rules report.
const METADATA_NOISE: &[&str] = &[
    "managedFields",
    "resourceVersion",
    "uid",
    "selfLink",
    "generation",
    "generateName",
    "finalizers",
];

/// Annotations that copy the whole object (or are bookkeeping) and would repeat every finding.
const ANNOTATION_NOISE: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
];

/// Renders one object: `apiVersion`, `kind`, trimmed `metadata`, then every other top-level
/// field except `status`. Empty maps and lists left by the trimming are dropped.
pub fn render(api_version: &str, kind: &str, object: &Value) -> String {
    let mut top = Map::new();
    top.insert("apiVersion".into(), Value::String(api_version.into()));
    top.insert("kind".into(), Value::String(kind.into()));
    if let Some(Value::Object(meta)) = object.get("metadata") {
        top.insert("metadata".into(), Value::Object(trim_metadata(kind, meta)));
    }
    if let Some(fields) = object.as_object() {
        for (k, v) in fields {
            if matches!(k.as_str(), "apiVersion" | "kind" | "metadata" | "status") {
                continue;
            }
            let mut v = v.clone();
            if kind == "MutatingWebhookConfiguration" {
                strip_ca_bundles(&mut v);
            }
            top.insert(k.clone(), v);
        }
    }
    let mut out = String::new();
    emit_map(&mut out, &top, 0);
    out
}

fn trim_metadata(kind: &str, meta: &Map<String, Value>) -> Map<String, Value> {
    let keep_created = matches!(kind, "Pod" | "MutatingWebhookConfiguration");
    let mut out = Map::new();
    for (k, v) in meta {
        if METADATA_NOISE.contains(&k.as_str()) || (k == "creationTimestamp" && !keep_created) {
            continue;
        }
        if k == "annotations"
            && let Value::Object(a) = v
        {
            let kept: Map<String, Value> = a
                .iter()
                .filter(|(k, _)| !ANNOTATION_NOISE.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if !kept.is_empty() {
                out.insert(k.clone(), Value::Object(kept));
            }
            continue;
        }
        // Owner references matter only to say "owned by ReplicaSet x"; keep kind/name.
        if k == "ownerReferences"
            && let Value::Array(refs) = v
        {
            let slim: Vec<Value> = refs
                .iter()
                .map(|r| {
                    let mut m = Map::new();
                    for key in ["apiVersion", "kind", "name", "controller"] {
                        if let Some(x) = r.get(key) {
                            m.insert(key.into(), x.clone());
                        }
                    }
                    Value::Object(m)
                })
                .collect();
            out.insert(k.clone(), Value::Array(slim));
            continue;
        }
        out.insert(k.clone(), v.clone());
    }
    out
}

/// `clientConfig.caBundle` is kilobytes of base64 that no rule reads.
fn strip_ca_bundles(v: &mut Value) {
    if let Value::Array(hooks) = v {
        for h in hooks {
            if let Some(Value::Object(cc)) = h.get_mut("clientConfig") {
                cc.remove("caBundle");
            }
        }
    }
}

/// Dropped from a mapping: `{}`, `[]` and `null` all mean "not set" in the API's JSON.
fn is_empty_collection(v: &Value) -> bool {
    v.is_null()
        || matches!(v, Value::Object(m) if m.is_empty())
        || matches!(v, Value::Array(a) if a.is_empty())
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn emit_map(out: &mut String, map: &Map<String, Value>, level: usize) {
    for (k, v) in map {
        if is_empty_collection(v) {
            continue;
        }
        indent(out, level);
        push_key(out, k, level);
        emit_value_after_key(out, v, level);
    }
}

/// YAML allows an implicit key of at most 1024 characters; a longer one (a data key, say) is
/// written as an explicit `? key` with its `:` on the next line, at the key's column `level`.
fn push_key(out: &mut String, key: &str, level: usize) {
    let text = scalar_text(key);
    if text.chars().count() <= MAX_IMPLICIT_KEY {
        out.push_str(&text);
    } else {
        out.push_str("? ");
        out.push_str(&text);
        out.push('\n');
        indent(out, level);
    }
    out.push(':');
}

/// Below the YAML limit of 1024, with room for parsers that count bytes.
const MAX_IMPLICIT_KEY: usize = 1000;

fn emit_value_after_key(out: &mut String, v: &Value, level: usize) {
    match v {
        Value::Object(m) if !m.values().all(is_empty_collection) => {
            out.push('\n');
            emit_map(out, m, level + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            emit_seq(out, a, level + 2);
        }
        Value::Object(_) => out.push_str(" {}\n"),
        Value::Array(_) => out.push_str(" []\n"),
        scalar => {
            out.push(' ');
            out.push_str(&json_scalar(scalar));
            out.push('\n');
        }
    }
}

fn emit_seq(out: &mut String, items: &[Value], level: usize) {
    for item in items {
        indent(out, level);
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.values().all(is_empty_collection) => {
                // The first entry goes on the dash line, the rest aligned under it.
                let mut first = true;
                for (k, v) in m {
                    if is_empty_collection(v) {
                        continue;
                    }
                    if !first {
                        indent(out, level + 2);
                    }
                    first = false;
                    push_key(out, k, level + 2);
                    emit_value_after_key(out, v, level + 2);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                out.push('\n');
                emit_seq(out, a, level + 2);
            }
            Value::Object(_) => out.push_str("{}\n"),
            Value::Array(_) => out.push_str("[]\n"),
            scalar => {
                out.push_str(&json_scalar(scalar));
                out.push('\n');
            }
        }
    }
}

fn json_scalar(v: &Value) -> String {
    match v {
        Value::String(s) => scalar_text(s),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

/// A string as YAML that the loader (YAML 1.1, as Kubernetes reads it) reads back as the same
/// string: plain when that is unambiguous, else double-quoted with JSON escapes (valid YAML).
pub fn scalar_text(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && resolve_plain(s) == ScalarKind::String
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '@' | '+' | '=')
        })
        && !s.starts_with(['-', '@', '.', '+', '='])
        && !s.contains(":");
    if plain_ok {
        s.to_string()
    } else {
        double_quoted(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_that_look_like_other_types_are_quoted() {
        for s in [
            "true", "yes", "on", "y", "1", "3600", "1e3", "~", "null", "",
        ] {
            assert!(scalar_text(s).starts_with('"'), "{s}");
        }
        assert_eq!(
            scalar_text("azure.workload.identity/use"),
            "azure.workload.identity/use"
        );
        assert_eq!(scalar_text("a: b"), "\"a: b\"");
        assert_eq!(scalar_text("multi\nline"), "\"multi\\nline\"");
    }

    #[test]
    fn noise_is_stripped_and_the_text_reloads_to_the_same_values() {
        let obj = json!({
            "metadata": {
                "name": "web", "namespace": "shop", "uid": "u", "resourceVersion": "7",
                "creationTimestamp": "2024-01-01T00:00:00Z", "managedFields": [{"x": 1}],
                "labels": {"azure.workload.identity/use": "true", "n": "1"},
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}
            },
            "spec": {"template": {"metadata": {"creationTimestamp": null, "labels": {"a": "yes"}},
                     "spec": {"containers": [{"name": "c", "env": [{"name": "X", "value": "on"}],
                              "resources": {}}], "securityContext": {}}}},
            "status": {"replicas": 1}
        });
        let text = render("apps/v1", "Deployment", &obj);
        assert!(
            !text.contains("uid") && !text.contains("status") && !text.contains("last-applied")
        );
        assert!(!text.contains("resources") && !text.contains("securityContext"));
        assert!(!text.contains("2024-01-01"), "{text}");
        let file = crate::input::load::load_text("x", &text).expect("loads");
        assert!(file.parsed.problems.is_empty(), "{text}");
        let root = &file.parsed.documents[0].root;
        let label = root
            .get_path(&["metadata", "labels", "azure.workload.identity/use"])
            .and_then(|n| n.as_str());
        assert_eq!(label, Some("true"));
        let yes = root.get_path(&["spec", "template", "metadata", "labels", "a"]);
        assert_eq!(yes.and_then(|n| n.as_str()), Some("yes"));
        let env = root
            .get_path(&["spec", "template", "spec", "containers"])
            .unwrap()
            .items()[0]
            .get("env")
            .unwrap()
            .items()[0]
            .get_str("value");
        assert_eq!(env, Some("on"));
    }
}
