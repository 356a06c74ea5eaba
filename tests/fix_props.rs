//! Property tests of `--fix` on generated manifests with random comments, quoting, CRLF/LF, a BOM
//! and a trailing newline or not: the result re-parses with no new problem, a second run changes
//! nothing, and the result is exactly the rules' edits applied to the original, round by round
//! (so every byte outside them is the original's), keeping the BOM, line endings and the final
//! newline or its absence.

use kubectl_wid::engine::{self, Options};
use kubectl_wid::fix::{self, Edit, Level};
use kubectl_wid::input::load::{Inputs, load_text};
use kubectl_wid::rules::catalog::Applicability;
use proptest::prelude::*;

fn inputs(text: &str) -> Inputs {
    let mut i = Inputs::default();
    i.files.push(load_text("m.yaml", text).expect("loads"));
    i
}

fn quoted(v: &str, style: u8) -> String {
    match style % 3 {
        0 => v.to_string(),
        1 => format!("'{v}'"),
        _ => format!("\"{v}\""),
    }
}

#[derive(Debug, Clone)]
struct Manifest {
    misspelled_client_id: bool,
    id_style: u8,
    /// 0: no labels, 1: block labels, 2: flow labels, 3: no pod metadata at all
    labels: u8,
    /// None: no use label; Some(i): one of the values below
    use_value: Option<u8>,
    numeric_label: bool,
    comma_skip: bool,
    comments: Vec<(usize, bool)>,
    crlf: bool,
    bom: bool,
    trailing_newline: bool,
}

const USE_VALUES: &[&str] = &["\"true\"", "True", "'yes'", "\"True\"", "true", "\"\""];

fn lines(m: &Manifest) -> Vec<String> {
    let key = if m.misspelled_client_id {
        "client_id"
    } else {
        "client-id"
    };
    let mut l = vec![
        "apiVersion: v1".to_string(),
        "kind: ServiceAccount".into(),
        "metadata:".into(),
        "  name: web".into(),
        "  namespace: shop".into(),
        "  annotations:".into(),
        format!(
            "    azure.workload.identity/{key}: {}",
            quoted("6a1c2f0e-3b4d-4e5f-8a9b-0c1d2e3f4a5b", m.id_style)
        ),
        "---".into(),
        "apiVersion: apps/v1".into(),
        "kind: Deployment".into(),
        "metadata:".into(),
        "  name: web".into(),
        "  namespace: shop".into(),
        "spec:".into(),
        "  selector:".into(),
        "    matchLabels: {app: web}".into(),
        "  template:".into(),
    ];
    let use_label = m.use_value.map(|i| {
        format!(
            "azure.workload.identity/use: {}",
            USE_VALUES[i as usize % USE_VALUES.len()]
        )
    });
    let skip = format!(
        "        azure.workload.identity/skip-containers: \"{}\"",
        if m.comma_skip {
            "web,sidecar"
        } else {
            "web;sidecar"
        }
    );
    if m.labels % 4 != 3 {
        l.push("    metadata:".into());
        match m.labels % 4 {
            1 => {
                l.push("      labels:".into());
                l.push("        app: web".into());
                if m.numeric_label {
                    l.push("        tier: 1".into());
                }
                if let Some(u) = &use_label {
                    l.push(format!("        {u}"));
                }
            }
            2 => {
                let mut items = vec!["app: web".to_string()];
                if m.numeric_label {
                    items.push("tier: 1".into());
                }
                items.extend(use_label.clone());
                l.push(format!("      labels: {{{}}}", items.join(", ")));
            }
            _ => {}
        }
        l.push("      annotations:".into());
        l.push(skip);
    }
    l.extend([
        "    spec:".to_string(),
        "      serviceAccountName: web".into(),
        "      containers:".into(),
        "      - name: web".into(),
        "        image: r.example/web:1".into(),
        "      - name: sidecar".into(),
        "        image: r.example/sidecar:1".into(),
    ]);
    // Comments: a full line before line i (indented like it), or a trailing one on line i.
    for (at, trailing) in m.comments.iter().rev() {
        let i = at % l.len();
        if *trailing {
            l[i].push_str(" # note");
        } else {
            let indent = l[i].len() - l[i].trim_start().len();
            l.insert(i, format!("{}# comment {i}", " ".repeat(indent)));
        }
    }
    l
}

fn text(m: &Manifest) -> String {
    let nl = if m.crlf { "\r\n" } else { "\n" };
    let mut t = lines(m).join(nl);
    if m.trailing_newline {
        t.push_str(nl);
    }
    if m.bom {
        t.insert(0, '\u{feff}');
    }
    t
}

fn manifest() -> impl Strategy<Value = Manifest> {
    (
        (any::<bool>(), 0u8..3, 0u8..4, proptest::option::of(0u8..6)),
        (any::<bool>(), any::<bool>()),
        proptest::collection::vec((0usize..40, any::<bool>()), 0..6),
        (any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(
                (misspelled_client_id, id_style, labels, use_value),
                (numeric_label, comma_skip),
                comments,
                (crlf, bom, trailing_newline),
            )| Manifest {
                misspelled_client_id,
                id_style,
                labels,
                use_value,
                numeric_label,
                comma_skip,
                comments,
                crlf,
                bom,
                trailing_newline,
            },
        )
}

fn offered(text: &str, level: Level) -> Vec<Edit> {
    let out = engine::lint(&inputs(text), &Options::default());
    out.findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .flat_map(|fx| {
            fx.edits.iter().filter(move |e| {
                level == Level::Unsafe
                    || e.applicability.unwrap_or(fx.applicability) == Applicability::Safe
            })
        })
        .cloned()
        .collect()
}

fn problems(text: &str) -> usize {
    load_text("m.yaml", text).map_or(usize::MAX, |f| f.parsed.problems.len())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 192,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn fix_reparses_is_idempotent_and_touches_only_its_edits(m in manifest(), unsafe_ in any::<bool>()) {
        let original = text(&m);
        let level = if unsafe_ { Level::Unsafe } else { Level::Safe };
        let plan = fix::plan(&inputs(&original), &Options::default(), level);
        let fixed = plan.files.first().map_or_else(|| original.clone(), |f| f.fixed.clone());
        prop_assert!(problems(&fixed) <= problems(&original), "{fixed}");
        prop_assert_eq!(problems(&fixed), 0, "{}", fixed);
        let again = fix::plan(&inputs(&fixed), &Options::default(), level);
        prop_assert!(again.files.is_empty(), "second run changed:\n{}", fixed);
        // Round by round (a renamed key can make another rule fixable), the result is the
        // rules' edits applied and nothing else.
        let mut direct = original.clone();
        for _ in 0..5 {
            let edits = offered(&direct, level);
            if edits.is_empty() {
                break;
            }
            let refs: Vec<&Edit> = edits.iter().collect();
            direct = fix::edit::apply(&direct, &refs).expect("edits apply");
        }
        prop_assert_eq!(&direct, &fixed, "original:\n{}", original);
        prop_assert_eq!(fixed.starts_with('\u{feff}'), m.bom);
        prop_assert_eq!(fixed.ends_with('\n'), m.trailing_newline);
        if m.crlf {
            prop_assert_eq!(fixed.matches('\n').count(), fixed.matches("\r\n").count());
        } else {
            prop_assert!(!fixed.contains('\r'));
        }
    }
}
