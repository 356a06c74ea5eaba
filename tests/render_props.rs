//! Live mode renders each object the API server returns as YAML and lints that text. Whatever
//! JSON the server sends, the rendered text must load without a problem and mean the same
//! values (strings stay strings, numbers stay numbers), or a finding would point at a value the
//! cluster does not hold.

use kubectl_wid::input::cluster::render::render;
use kubectl_wid::input::load::load_text;
use kubectl_wid::input::{Node, ScalarKind, Value as Tree};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Strings that stress the emitter's choice between plain and quoted: YAML 1.1 look-alikes,
/// indicators, and characters YAML treats as line breaks or forbids unescaped.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,10}",
        "[a-z]{990,1010}",
        "[a-z0-9./_@+=-]{1,10}",
        "[\u{0}-\u{1f}\u{7f}-\u{a0}\u{2028}\u{2029}\u{feff}\u{fffe}é日\u{1F600} a#:'\"-]{0,8}",
        prop::sample::select(vec![
            "true",
            "yes",
            "No",
            "on",
            "~",
            "null",
            "0x1f",
            "0o17",
            "017",
            "1_000",
            "1e3",
            "-1.5e-3",
            ".inf",
            "-.NaN",
            "<<",
            "=",
            "- a",
            "a #b",
            "#x",
            "?",
            "? a",
            "!tag",
            "&a",
            "*a",
            "%x",
            "@x",
            "`x",
            "|",
            ">",
            "a: b",
            "a:b",
            "---",
            "...",
            " a",
            "a ",
            "2001-12-14",
            "12:30:00",
            "0b101",
            "+1",
            ".5",
            "1.",
            "\t",
            "\r\n",
            "é",
        ])
        .prop_map(str::to_string),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((text(), inner), 0..5)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// What the rendered text should mean: in a mapping, `null`, `{}` and `[]` values are dropped
/// (the API's JSON uses them for "not set").
fn expected(v: &Value) -> Value {
    let unset = |v: &Value| {
        v.is_null()
            || v.as_object().is_some_and(Map::is_empty)
            || v.as_array().is_some_and(Vec::is_empty)
    };
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !unset(v))
                .map(|(k, v)| (k.clone(), expected(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(expected).collect()),
        other => other.clone(),
    }
}

/// The loaded tree as the JSON the API server would read from it.
fn as_json(n: &Node) -> Result<Value, String> {
    Ok(match &n.value {
        Tree::Map(entries) => {
            let mut m = Map::new();
            for e in entries.iter() {
                let key = e.key.as_str().ok_or("a key that is not a string")?;
                m.insert(key.to_string(), as_json(&e.value)?);
            }
            Value::Object(m)
        }
        Tree::Seq(items) => Value::Array(items.iter().map(as_json).collect::<Result<_, _>>()?),
        Tree::Scalar(s) => {
            let t = s.text.as_str();
            match s.kind {
                ScalarKind::Null => Value::Null,
                ScalarKind::Bool(b) => Value::Bool(b),
                ScalarKind::String => Value::String(t.to_string()),
                ScalarKind::Int => t
                    .parse::<i64>()
                    .map(Value::from)
                    .map_err(|e| format!("integer {t:?}: {e}"))?,
                ScalarKind::Float => t
                    .parse::<f64>()
                    .map(Value::from)
                    .map_err(|e| format!("float {t:?}: {e}"))?,
            }
        }
    })
}

fn check(data: &Value) -> Result<(), String> {
    let object = json!({"metadata": {"name": "x", "namespace": "ns"}, "data": data});
    let text = render("v1", "ConfigMap", &object);
    let file = load_text("cluster://ctx/ns/ConfigMap/x", &text).ok_or("not loaded")?;
    if !file.parsed.problems.is_empty() {
        return Err(format!("problems {:?} in\n{text}", file.parsed.problems));
    }
    let [document] = &file.parsed.documents[..] else {
        return Err(format!("not one document:\n{text}"));
    };
    let got = as_json(&document.root).map_err(|e| format!("{e} in\n{text}"))?;
    let want = expected(&json!({"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "x", "namespace": "ns"}, "data": data}));
    if got != want {
        return Err(format!(
            "means\n{got:#}\nnot\n{want:#}\nrendered as\n{text}"
        ));
    }
    Ok(())
}

/// DEL, U+FFFE and the C1 controls once made the rendered object a syntax error (the JSON
/// escaping left them raw); NEL and U+2028 are line breaks to YAML 1.1 parsers.
#[test]
fn tricky_strings_keep_their_meaning() {
    for s in [
        "\u{85}",
        "a\u{2028}b",
        "\u{7f}",
        "\u{feff}x",
        "x\u{fffe}",
        "\u{9b}",
        "\t",
        "",
    ] {
        check(&json!({ s: s, "list": [s] })).unwrap();
    }
    // Keys past YAML's 1024-character limit for an implicit key (found by the `render` fuzz
    // target), as a value's key, a list item's first and later keys, and with a nested value.
    let long = "k".repeat(1100);
    let quoted = format!("{}\u{7f}", "k".repeat(995));
    check(&json!({ &long: "v", "l": [{ &long: 1, &quoted: {"a": [1]} }], &quoted: {"b": long} }))
        .unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000),
        ..ProptestConfig::default()
    })]
    #[test]
    fn rendered_objects_load_to_the_values_the_server_sent(data in value()) {
        let result = check(&data);
        prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }
}
