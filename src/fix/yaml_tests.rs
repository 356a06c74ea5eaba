//! Edit builders on real parses: each case is the text before and the exact text after.

use super::edit::apply;
use super::yaml::*;
use crate::input::yaml::parse;
use crate::input::{SourceFile, Style};

/// Parses `text`, builds an edit from the first document's root and returns the edited text.
fn edited(text: &str, build: impl Fn(&str, &crate::input::Node) -> Option<super::Edit>) -> String {
    let f = SourceFile::new("t.yaml", text.to_string());
    let p = parse(&f);
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let e = build(&f.text, &p.documents[0].root).expect("an edit");
    let out = apply(&f.text, &[&e]).expect("applies");
    let again = parse(&SourceFile::new("t.yaml", out.clone()));
    assert!(again.problems.is_empty(), "result must parse:\n{out}");
    out
}

fn labels_path(text: &str, root: &crate::input::Node) -> Option<super::Edit> {
    insert_at_path(
        text,
        root.get_path(&["spec", "template"])?,
        &["metadata", "labels"],
        "azure.workload.identity/use",
        New::quoted("true"),
    )
}

#[test]
fn inserts_a_label_with_the_siblings_indentation() {
    let t = "spec:\n  template:\n    metadata:\n      labels:\n        app: web # keep\n      # trailing\n    spec: {}\n";
    assert_eq!(
        edited(t, labels_path),
        "spec:\n  template:\n    metadata:\n      labels:\n        app: web # keep\n        azure.workload.identity/use: \"true\"\n      # trailing\n    spec: {}\n"
    );
}

#[test]
fn creates_labels_and_metadata_when_absent() {
    let t = "spec:\n  template:\n    metadata:\n      name: x\n    spec: {}\n";
    assert_eq!(
        edited(t, labels_path),
        "spec:\n  template:\n    metadata:\n      name: x\n      labels:\n        azure.workload.identity/use: \"true\"\n    spec: {}\n"
    );
    let t = "spec:\n    template:\n        spec: {}\n";
    assert_eq!(
        edited(t, labels_path),
        "spec:\n    template:\n        metadata:\n            labels:\n                azure.workload.identity/use: \"true\"\n        spec: {}\n"
    );
}

#[test]
fn flow_maps_crlf_and_missing_trailing_newline() {
    let t = "spec:\r\n  template:\r\n    metadata:\r\n      labels: {app: web}\r\n";
    assert_eq!(
        edited(t, labels_path),
        "spec:\r\n  template:\r\n    metadata:\r\n      labels: {app: web, azure.workload.identity/use: \"true\"}\r\n"
    );
    let t = "spec:\r\n  template:\r\n    metadata:\r\n      labels:\r\n        app: web";
    assert_eq!(
        edited(t, labels_path),
        "spec:\r\n  template:\r\n    metadata:\r\n      labels:\r\n        app: web\r\n        azure.workload.identity/use: \"true\""
    );
    let t = "spec:\n  template:\n    metadata: {labels: {}}\n";
    assert_eq!(
        edited(t, labels_path),
        "spec:\n  template:\n    metadata: {labels: {azure.workload.identity/use: \"true\"}}\n"
    );
    let t = "spec:\n  template:\n    metadata:\n      labels:\n    spec: {}\n";
    assert_eq!(
        edited(t, labels_path),
        "spec:\n  template:\n    metadata:\n      labels:\n        azure.workload.identity/use: \"true\"\n    spec: {}\n"
    );
}

#[test]
fn json_objects_get_json() {
    let t = "{\n  \"spec\": {\n    \"template\": {\n      \"metadata\": {\n        \"labels\": {\n          \"app\": \"web\"\n        }\n      }\n    }\n  }\n}\n";
    let out = edited(t, labels_path);
    assert!(
        out.contains("\"app\": \"web\",\n          \"azure.workload.identity/use\": \"true\"\n"),
        "{out}"
    );
    serde_json::from_str::<serde_json::Value>(&out).expect("still JSON");
}

#[test]
fn replaces_scalars_keeping_quotes() {
    let t = "a: 'True'\nb: \"yes\"\nc: yes\nd: |\n  x\ne: 1\n";
    let r = |k: &'static str, v: &'static str| {
        move |text: &str, root: &crate::input::Node| replace_scalar(text, root.get(k)?, v)
    };
    assert_eq!(edited(t, r("a", "true")), t.replacen("'True'", "'true'", 1));
    assert_eq!(
        edited(t, r("b", "true")),
        t.replacen("\"yes\"", "\"true\"", 1)
    );
    assert_eq!(
        edited(t, r("c", "true")),
        t.replacen("c: yes", "c: \"true\"", 1)
    );
    assert_eq!(edited(t, r("c", "web")), t.replacen("c: yes", "c: web", 1));
    assert_eq!(
        edited(t, r("d", "x")),
        "a: 'True'\nb: \"yes\"\nc: yes\nd: \"x\"\ne: 1\n"
    );
    let j = "{\"n\": true}";
    assert_eq!(edited(j, r("n", "true")), "{\"n\": \"true\"}");
}

#[test]
fn removes_entries_and_empty_parents() {
    let t = "metadata:\n  labels:\n    a: b\n    c: d # why\n  name: x\n";
    let rm = |k: &'static str| {
        move |text: &str, root: &crate::input::Node| {
            let md = root.get("metadata")?;
            remove_entry(text, md.get("labels")?, k, md.entry("labels"))
        }
    };
    assert_eq!(
        edited(t, rm("c")),
        "metadata:\n  labels:\n    a: b\n  name: x\n"
    );
    let t = "metadata:\n  labels:\n    c: d\n  name: x\n";
    assert_eq!(edited(t, rm("c")), "metadata:\n  name: x\n");
    let t = "metadata:\n  labels: {a: b, c: d}\n  name: x\n";
    assert_eq!(
        edited(t, rm("a")),
        "metadata:\n  labels: {c: d}\n  name: x\n"
    );
    assert_eq!(
        edited(t, rm("c")),
        "metadata:\n  labels: {a: b}\n  name: x\n"
    );
    let t = "metadata:\n  name: x\n  labels:\n    c: d";
    assert_eq!(edited(t, rm("c")), "metadata:\n  name: x");
}

#[test]
fn inserts_after_a_key_and_appends_items() {
    let t = "metadata:\n  name: x\n  labels: {}\n";
    let ns = |text: &str, root: &crate::input::Node| {
        insert_entry(
            text,
            root.get("metadata")?,
            "namespace",
            &New::str("shop"),
            Some("name"),
        )
    };
    assert_eq!(
        edited(t, ns),
        "metadata:\n  name: x\n  namespace: shop\n  labels: {}\n"
    );
    let add = |text: &str, root: &crate::input::Node| {
        append_item(text, root.get("Action")?, &New::str("sts:TagSession"))
    };
    assert_eq!(
        edited("Action:\n- sts:AssumeRole\n", add),
        "Action:\n- sts:AssumeRole\n- sts:TagSession\n"
    );
    assert_eq!(
        edited("{\"Action\": [\n    \"sts:AssumeRole\"\n  ]}", add),
        "{\"Action\": [\n    \"sts:AssumeRole\",\n    \"sts:TagSession\"\n  ]}"
    );
    assert_eq!(
        edited("{\"Action\": [\"sts:AssumeRole\"]}", add),
        "{\"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"]}"
    );
}

#[test]
fn aliases_and_merged_keys_are_not_edited() {
    let t = "base: &b {app: x}\nm:\n  <<: *b\n  y: 1\nl: *b\n";
    let f = SourceFile::new("t.yaml", t.to_string());
    let p = parse(&f);
    let root = &p.documents[0].root;
    assert!(insert_entry(t, root.get("l").unwrap(), "k", &New::str("v"), None).is_none());
    assert!(remove_entry(t, root.get("m").unwrap(), "app", None).is_none());
    assert!(plain_ok("web") && !plain_ok("true") && !plain_ok("a: b") && !plain_ok("1"));
}

#[test]
fn lists_and_strings_of_other_formats() {
    let add = |text: &str, root: &crate::input::Node| {
        add_to_list(text, root.get("Action")?, "sts:TagSession")
    };
    assert_eq!(
        edited("{\"Action\": \"sts:AssumeRole\"}", add),
        "{\"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"]}"
    );
    assert_eq!(
        edited("Action: sts:AssumeRole\n", add),
        "Action: [sts:AssumeRole, sts:TagSession]\n"
    );
    assert_eq!(
        edited("Action: ['sts:AssumeRole']\n", add),
        "Action: ['sts:AssumeRole', 'sts:TagSession']\n"
    );
    let slash = |text: &str, root: &crate::input::Node| {
        let n = root.get("issuer")?;
        append_to_string(text, n.span(), n.text()?, "/")
    };
    assert_eq!(
        edited("issuer: \"https://a/b\"\n", slash),
        "issuer: \"https://a/b/\"\n"
    );
    assert_eq!(
        edited("issuer: https://a/b\n", slash),
        "issuer: https://a/b/\n"
    );
    let t = "{\"issuer\": \"https:\\/\\/a\"}";
    let f = SourceFile::new("t.json", t.to_string());
    let p = parse(&f);
    let n = p.documents[0].root.get("issuer").unwrap();
    assert!(
        append_to_string(t, n.span(), n.text().unwrap(), "/").is_none(),
        "escaped: not edited"
    );
}

#[test]
fn every_style_reads_back_as_the_string_written() {
    for s in [
        "a\u{7f}b",
        "\u{85}",
        "x\u{2028}y",
        "\u{9b}",
        "\u{feff}x",
        "x\u{fffe}",
        "it's",
        "\t",
        "true",
        "",
    ] {
        for style in [Style::Plain, Style::SingleQuoted, Style::DoubleQuoted] {
            let text = format!("k: {}\n", render_scalar(s, style));
            let f = SourceFile::new("t.yaml", text.clone());
            let p = parse(&f);
            assert!(p.problems.is_empty(), "{text:?}: {:?}", p.problems);
            let v = p.documents[0].root.get("k").and_then(|n| n.as_str());
            assert_eq!(v, Some(s), "{style:?} {text:?}");
        }
    }
}
