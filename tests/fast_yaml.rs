//! The fast YAML path must build exactly what the general parser builds, or give up.
//! Checked on every YAML/JSON file in the repository and on a generated set of tricky inputs.

use kubectl_wid::input::SourceFile;
use kubectl_wid::input::fast_yaml;
use kubectl_wid::input::yaml::parse_general;

/// `Some(description)` when the fast path answers and differs from the general parser.
fn difference(path: &str, text: &str) -> Option<String> {
    let source = SourceFile::new(path, text.to_string());
    let fast = fast_yaml::parse(source.body(), source.bom_len)?;
    let general = parse_general(&source);
    if fast == general {
        return None;
    }
    let (a, b) = (flatten(&fast), flatten(&general));
    let at = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let show = |v: &[String]| v.get(at).cloned().unwrap_or_else(|| "(end)".into());
    let context = |span: &str| {
        let r: Vec<usize> = span.split("..").filter_map(|n| n.parse().ok()).collect();
        r.first().map(|&s| {
            format!(
                "{:?}",
                &text[s.saturating_sub(20).min(text.len())..(s + 40).min(text.len())]
            )
        })
    };
    let fa = show(&a);
    Some(format!(
        "{path}: first difference at item {at}\n  fast:    {fa}\n  general: {}\n  near: {:?}",
        show(&b),
        fa.split_whitespace().next().and_then(context)
    ))
}

/// One line per node, problem and count, so a difference can be pointed at.
fn flatten(p: &kubectl_wid::input::yaml::Parsed) -> Vec<String> {
    fn walk(n: &kubectl_wid::input::Node, path: &str, out: &mut Vec<String>) {
        use kubectl_wid::input::Value;
        match &n.value {
            Value::Scalar(s) => out.push(format!(
                "{:?} {path} {:?} {:?} {:?}",
                n.span(),
                s.style,
                s.kind,
                s.text
            )),
            Value::Seq(items) => {
                out.push(format!("{:?} {path} seq[{}]", n.span(), items.len()));
                for (i, it) in items.iter().enumerate() {
                    walk(it, &format!("{path}/{i}"), out);
                }
            }
            Value::Map(entries) => {
                out.push(format!("{:?} {path} map[{}]", n.span(), entries.len()));
                for e in entries {
                    let k = e.key.text().unwrap_or("?");
                    walk(&e.key, &format!("{path}/{k}#key"), out);
                    walk(&e.value, &format!("{path}/{k}"), out);
                }
            }
        }
    }
    let mut out = vec![format!("count {}", p.document_count)];
    for d in &p.documents {
        walk(&d.root, &format!("doc{}", d.index), &mut out);
    }
    for pr in &p.problems {
        out.push(format!(
            "{:?} problem {:?} {} doc{}",
            pr.span, pr.kind, pr.message, pr.document
        ));
    }
    out
}

fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() && !p.ends_with("target") && !p.ends_with(".git") {
            yaml_files(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
        {
            out.push(p);
        }
    }
}

#[test]
fn repository_files_parse_the_same_on_both_paths() {
    let mut files = Vec::new();
    yaml_files(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), &mut files);
    if let Ok(extra) = std::env::var("FAST_YAML_EXTRA") {
        yaml_files(std::path::Path::new(&extra), &mut files);
    }
    let (mut fast, mut diffs) = (0, Vec::new());
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let source = SourceFile::new("t", text.clone());
        if fast_yaml::parse(source.body(), source.bom_len).is_some() {
            fast += 1;
        }
        diffs.extend(difference(&f.display().to_string(), &text));
    }
    eprintln!("{fast} of {} files took the fast path", files.len());
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.iter().take(8).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// Whether the fast path took a file (the general parser is the reference either way).
#[test]
fn typical_manifests_take_the_fast_path() {
    for text in [
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a # c\n  annotations:\n    x/y: \"1\"\n",
        "# c\n---\na:\n- b: 'it''s'\n  c: [x, \"y\"]\n  d: {}\n---\ne: |\n  line\n\n  two\nf: []\n",
    ] {
        let source = SourceFile::new("t", text.to_string());
        assert!(fast_yaml::parse(source.body(), 0).is_some(), "{text}");
        assert_eq!(difference("t", text), None);
    }
}

mod generated {
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Tree {
        Scalar(&'static str),
        Map(Vec<(&'static str, Tree)>),
        Seq(Vec<Tree>),
    }

    const KEYS: &[&str] = &[
        "a",
        "name",
        "\"q k\"",
        "'s'",
        "x/y.z",
        "app.kubernetes.io/name",
        "1",
        "true",
        "<<",
        "a b",
        "k",
        "name",
    ];
    /// Scalars the fast path handles…
    const SCALARS: &[&str] = &[
        "v",
        "true",
        "True",
        "0x1F",
        "~",
        "null",
        "\"x # y\"",
        "'a''b'",
        "[a, 'b', \"c\"]",
        "[]",
        "[ ]",
        "{}",
        "{ }",
        "v # c",
        "v#c",
        "http://x:80/p",
        "-1",
        ":x",
        "\"\"",
        "''",
        "1.5",
        "'it''s'",
        "v  ",
        "|\n  lit\n\n  two\n",
        "|-\n  lit\n",
        "- x",
    ];
    /// …and ones it must give up on (or that are errors).
    const RISKY: &[&str] = &[
        "\"e\\n\"",
        "[a, ]",
        "{a: 1}",
        "&x v",
        "*x",
        "!!str 1",
        "a: b",
        "\"multi",
        "%x",
        "@x",
        "|\n\n  x\n",
        ">\n  folded\n",
        "|+\n  keep\n",
        "|\n  x\n   \n",
        "|2\n  x\n",
    ];

    fn tree() -> impl Strategy<Value = Tree> {
        let leaf = prop_oneof![
            12 => prop::sample::select(SCALARS),
            1 => prop::sample::select(RISKY),
        ]
        .prop_map(Tree::Scalar);
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec((prop::sample::select(KEYS), inner.clone()), 1..4)
                    .prop_map(Tree::Map),
                prop::collection::vec(inner, 1..4).prop_map(Tree::Seq),
            ]
        })
    }

    /// Writes `tree` as block YAML. `choices` drives the presentation: indentation step,
    /// indentless sequences, comments and blank lines.
    fn write(tree: &Tree, indent: usize, choices: &mut impl Iterator<Item = u8>, out: &mut String) {
        fn pick(choices: &mut impl Iterator<Item = u8>, n: u8) -> u8 {
            choices.next().unwrap_or(0) % n
        }
        let step = if pick(choices, 4) == 0 { 4 } else { 2 };
        let pad = " ".repeat(indent);
        match tree {
            Tree::Scalar(s) => {
                // A block scalar's lines are indented under its parent.
                let body = s.replace('\n', &format!("\n{pad}"));
                out.push_str(body.trim_end_matches(' '));
                if !s.ends_with('\n') {
                    out.push('\n');
                }
            }
            Tree::Map(entries) => {
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 || pick(choices, 3) == 0 {
                        out.push_str(&pad);
                    }
                    out.push_str(k);
                    out.push(':');
                    match v {
                        Tree::Scalar(_) => {
                            out.push(' ');
                            write(v, indent + step, &mut *choices, out);
                        }
                        Tree::Seq(_) if pick(choices, 2) == 0 => {
                            out.push('\n');
                            write(v, indent, &mut *choices, out);
                        }
                        _ => {
                            if pick(choices, 4) == 0 {
                                out.push_str(" # note");
                            }
                            out.push('\n');
                            if pick(choices, 5) == 0 {
                                out.push('\n');
                            }
                            out.push_str(&" ".repeat(indent + step));
                            write(v, indent + step, &mut *choices, out);
                        }
                    }
                }
            }
            Tree::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(&pad);
                    }
                    out.push_str("- ");
                    write(item, indent + 2, &mut *choices, out);
                }
            }
        }
    }

    fn document() -> impl Strategy<Value = String> {
        (tree(), prop::collection::vec(any::<u8>(), 64)).prop_map(|(t, choices)| {
            let mut out = String::new();
            let mut choices = choices.into_iter();
            if let Tree::Scalar(_) = t {
                out.push_str("k: ");
            }
            write(&t, 0, &mut choices, &mut out);
            out
        })
    }

    fn stream() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(document(), 1..4),
            prop::sample::select(&["---\n", "--- # d\n", "---\n---\n", "...\n---\n"][..]),
            any::<bool>(),
            prop::option::weighted(0.3, (any::<prop::sample::Index>(), any::<u8>())),
        )
            .prop_map(|(docs, sep, lead, mutation)| {
                let mut text = if lead {
                    "---\n".to_string()
                } else {
                    String::new()
                };
                text.push_str(&docs.join(sep));
                // One damaged byte: the fast path must give up or still agree.
                if let Some((at, byte)) = mutation {
                    let mut bytes = text.into_bytes();
                    let i = at.index(bytes.len());
                    bytes[i] = b" -:#'\"\n[]{}|>&*!ax1"[byte as usize % 19];
                    text = String::from_utf8(bytes).unwrap();
                }
                text
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(4000),
            ..ProptestConfig::default()
        })]
        #[test]
        fn fast_path_answers_match_the_general_parser(text in stream()) {
            let diff = super::difference("t", &text);
            prop_assert!(diff.is_none(), "{}", diff.unwrap_or_default());
        }
    }
}
