//! `-o sarif` against GitHub code scanning's documented upload constraints (see
//! shared/research/test-oracles.md §2: required properties, non-empty strings, length and count
//! limits, levels), the catalog, exact regions and stable fingerprints. Validation against the
//! official SARIF 2.1.0 JSON schema is in tests/external.rs (it needs Python tools).

use std::collections::HashSet;

use assert_cmd::Command;
use serde_json::Value;

fn lint(args: &[&str], stdin: Option<&str>) -> String {
    let mut cmd = Command::cargo_bin("kubectl-wid").unwrap();
    cmd.args(["lint", "--no-config"]).args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s.to_string());
    }
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

fn text<'a>(v: &'a Value, what: &str) -> &'a str {
    v.as_str()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| panic!("{what} must be a non-empty string: {v}"))
}

/// GitHub's documented constraints, as a checker. Returns every violation.
pub fn github_violations(doc: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    let mut check = |ok: bool, msg: String| {
        if !ok {
            bad.push(msg)
        }
    };
    check(
        doc["$schema"].as_str().is_some_and(|s| !s.is_empty()),
        "$schema".into(),
    );
    check(doc["version"] == "2.1.0", "version must be 2.1.0".into());
    let runs = doc["runs"].as_array().cloned().unwrap_or_default();
    check(!runs.is_empty() && runs.len() <= 20, "1–20 runs".into());
    for run in &runs {
        let driver = &run["tool"]["driver"];
        check(
            driver["name"].as_str().is_some_and(|s| !s.is_empty()),
            "tool.driver.name".into(),
        );
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        check(
            !rules.is_empty() && rules.len() <= 25_000,
            "1–25,000 rules".into(),
        );
        let ids: Vec<&str> = rules
            .iter()
            .map(|r| r["id"].as_str().unwrap_or(""))
            .collect();
        for r in &rules {
            let id = r["id"].as_str().unwrap_or("");
            check(!id.is_empty(), "rule id".into());
            let len = |p: &str| {
                r.pointer(p)
                    .and_then(Value::as_str)
                    .map(|s| s.chars().count())
            };
            check(
                len("/name").is_some_and(|n| n > 0 && n <= 255),
                format!("{id}: name ≤255"),
            );
            check(
                len("/shortDescription/text").is_some_and(|n| n > 0 && n <= 1024),
                format!("{id}: shortDescription ≤1024"),
            );
            check(
                len("/fullDescription/text").is_some_and(|n| n > 0 && n <= 1024),
                format!("{id}: fullDescription ≤1024"),
            );
            check(
                len("/help/text").is_some_and(|n| n > 0),
                format!("{id}: help.text"),
            );
            check(
                ["note", "warning", "error"]
                    .contains(&r["defaultConfiguration"]["level"].as_str().unwrap_or("")),
                format!("{id}: defaultConfiguration.level"),
            );
            if let Some(p) = r["properties"]["precision"].as_str() {
                check(
                    ["very-high", "high", "medium", "low"].contains(&p),
                    format!("{id}: precision"),
                );
            }
            if let Some(s) = r["properties"]["security-severity"].as_str() {
                check(
                    s.parse::<f64>().is_ok_and(|v| (0.1..=10.0).contains(&v)),
                    format!("{id}: security-severity"),
                );
            }
            let tags = r["properties"]["tags"].as_array().map_or(0, Vec::len);
            check(tags <= 20, format!("{id}: ≤20 tags"));
        }
        let has_base = run["invocations"][0]["workingDirectory"]["uri"].is_string()
            || run["originalUriBaseIds"].is_object();
        let results = run["results"].as_array().cloned().unwrap_or_default();
        check(results.len() <= 25_000, "≤25,000 results".into());
        for (i, res) in results.iter().enumerate() {
            let rule = res["ruleId"].as_str().unwrap_or("");
            check(
                ids.contains(&rule),
                format!("result {i}: ruleId {rule} in the rule table"),
            );
            if let Some(ix) = res["ruleIndex"].as_u64() {
                check(
                    ids.get(ix as usize) == Some(&rule),
                    format!("result {i}: ruleIndex"),
                );
            }
            check(
                res["message"]["text"]
                    .as_str()
                    .is_some_and(|s| !s.is_empty()),
                format!("result {i}: message.text"),
            );
            check(
                res["partialFingerprints"]["primaryLocationLineHash"]
                    .as_str()
                    .is_some_and(|s| !s.is_empty()),
                format!("result {i}: partialFingerprints.primaryLocationLineHash"),
            );
            let locs = res["locations"].as_array().cloned().unwrap_or_default();
            check(
                !locs.is_empty() && locs.len() <= 1000,
                format!("result {i}: 1–1000 locations"),
            );
            for l in locs
                .iter()
                .chain(res["relatedLocations"].as_array().into_iter().flatten())
            {
                let pl = &l["physicalLocation"];
                let uri = pl["artifactLocation"]["uri"].as_str().unwrap_or("");
                check(!uri.is_empty(), format!("result {i}: artifactLocation.uri"));
                check(
                    !uri.contains("://") || uri.starts_with("file://"),
                    format!("result {i}: uri scheme {uri}"),
                );
                check(
                    uri.starts_with("file://") || has_base,
                    format!("result {i}: relative uri without a base"),
                );
                let reg = &pl["region"];
                let n = |k: &str| reg[k].as_u64().unwrap_or(0);
                check(
                    n("startLine") >= 1
                        && n("startColumn") >= 1
                        && n("endLine") >= n("startLine")
                        && n("endColumn") >= 1,
                    format!("result {i}: region {reg}"),
                );
            }
        }
    }
    bad
}

#[test]
fn sarif_meets_github_constraints_and_matches_the_catalog() {
    let out = lint(&["-o", "sarif", "examples/"], None);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let bad = github_violations(&doc);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    let run = &doc["runs"][0];
    let ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| text(&r["id"], "id"))
        .collect();
    let catalog: Vec<&str> = kubectl_wid::rules::catalog()
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(ids, catalog, "the SARIF rule table is the catalog");
    for r in run["tool"]["driver"]["rules"].as_array().unwrap() {
        let id = text(&r["id"], "id");
        assert!(text(&r["helpUri"], "helpUri").ends_with(&format!("/rules/{id}.yaml")));
        assert!(std::path::Path::new(&format!("rules/{id}.yaml")).is_file());
    }
    assert!(!run["results"].as_array().unwrap().is_empty());
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .unwrap()
            .starts_with("file:///")
    );
}

#[test]
fn regions_are_the_json_outputs_exact_spans() {
    let json: Value = serde_json::from_str(&lint(&["-o", "json", "examples/"], None)).unwrap();
    let sarif: Value = serde_json::from_str(&lint(&["-o", "sarif", "examples/"], None)).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(findings.len(), results.len());
    for (f, r) in findings.iter().zip(results) {
        let pl = &r["locations"][0]["physicalLocation"];
        assert_eq!(pl["artifactLocation"]["uri"], f["path"]);
        assert_eq!(pl["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let reg = &pl["region"];
        assert_eq!(
            (
                &reg["startLine"],
                &reg["startColumn"],
                &reg["endLine"],
                &reg["endColumn"]
            ),
            (&f["line"], &f["column"], &f["end_line"], &f["end_column"]),
            "{f}"
        );
        assert_eq!(r["ruleId"], f["rule"]);
    }
}

#[test]
fn fingerprints_survive_unrelated_edits() {
    let sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  annotations:\n    azure.workload.identity/client-id: not-a-guid\n";
    let fingerprints = |text: &str| -> Vec<String> {
        let doc: Value = serde_json::from_str(&lint(&["-o", "sarif", "-"], Some(text))).unwrap();
        doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["primaryLocationLineHash"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let before = fingerprints(sa);
    assert_eq!(before.len(), 1);
    // Another document above, comments, re-indentation: same fingerprint.
    let edited = format!(
        "# owned by team-a\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\n{}",
        sa.replace("  annotations:\n    azure", "  annotations:\n      azure")
    );
    assert_eq!(fingerprints(&edited), before);
    // A different problem on the object: a different fingerprint.
    assert_ne!(
        fingerprints(&sa.replace("not-a-guid", "still-not-a-guid")),
        before
    );
    // Two identical findings in one file are told apart.
    let twice = fingerprints(&format!("{sa}---\n{sa}"));
    assert_eq!(twice.len(), 2);
    assert_eq!(twice.iter().collect::<HashSet<_>>().len(), 2, "{twice:?}");
}

/// The log is written in parts (256 results each, rendered on all cores): across part
/// boundaries it must stay exactly serde_json's pretty print of itself, and the fingerprints'
/// occurrence numbers must count up in finding order.
#[test]
fn streamed_log_is_one_pretty_document_with_ordered_occurrences() {
    let doc = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: shop\n  annotations:\n    azure.workload.identity/client-id: not-a-guid\n";
    // 700 identical ServiceAccounts: one fingerprint, 700 occurrences, three parts.
    let stream = vec![doc; 700].join("---\n");
    let out = lint(&["-o", "sarif", "--select", "AZ003", "-"], Some(&stream));
    let log: Value = serde_json::from_str(&out).expect("one JSON document");
    assert_eq!(serde_json::to_string_pretty(&log).unwrap() + "\n", out);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 700);
    let hashes: Vec<&str> = results
        .iter()
        .map(|r| text(&r["partialFingerprints"]["primaryLocationLineHash"], "hash"))
        .collect();
    let key = hashes[0].split(':').next().unwrap();
    for (i, h) in hashes.iter().enumerate() {
        assert_eq!(*h, format!("{key}:{}", i + 1));
    }
}

/// On a long line (minified JSON) a finding's fingerprint covers the text around it: an edit
/// elsewhere in the line leaves it, an edit of the flagged value changes it.
#[test]
fn fingerprints_on_a_long_line_cover_the_text_around_the_finding() {
    let item = |name: &str, id: &str| {
        format!(
            r#"{{"apiVersion":"v1","kind":"ServiceAccount","metadata":{{"name":"{name}","namespace":"shop","annotations":{{"azure.workload.identity/client-id":"{id}"}}}}}}"#
        )
    };
    let list = |items: &[String]| {
        format!(
            r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#,
            items.join(",")
        )
    };
    let hash_of = |input: &str, object: &str| -> String {
        let doc: Value = serde_json::from_str(&lint(&["-o", "sarif", "-"], Some(input))).unwrap();
        doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| text(&r["message"]["text"], "message").contains(object))
            .map(|r| r["partialFingerprints"]["primaryLocationLineHash"].to_string())
            .unwrap_or_else(|| panic!("no result for {object}"))
    };
    let filler: Vec<String> = (0..6).map(|i| item(&format!("ok{i}"), "x")).collect();
    let mut items = filler.clone();
    items.push(item("api", "not-a-guid"));
    items.extend(filler.iter().cloned());
    let before = list(&items);
    assert!(before.len() > 400, "the line must be long");
    // Rename an object far from the finding (several hundred bytes away).
    let far = before.replacen("\"ok0\"", "\"renamed0\"", 1);
    assert_eq!(hash_of(&far, "shop/api"), hash_of(&before, "shop/api"));
    let changed = before.replace("not-a-guid", "still-not-a-guid");
    assert_ne!(hash_of(&changed, "shop/api"), hash_of(&before, "shop/api"));
}

/// Applies every SARIF `fixes` replacement of `log` to `text` (one file), later regions first;
/// a replacement overlapping one already applied is skipped, as `--fix` skips conflicting edits.
fn apply_sarif_fixes(log: &Value, text: &str) -> String {
    // 1-based line and code-point column → byte offset.
    let offset = |line: u64, column: u64| -> usize {
        let start: usize = text
            .split_inclusive('\n')
            .take(line as usize - 1)
            .map(str::len)
            .sum();
        let rest = &text[start..];
        start
            + rest
                .char_indices()
                .nth(column as usize - 1)
                .map_or(rest.len(), |(i, _)| i)
    };
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for result in log["runs"][0]["results"].as_array().unwrap() {
        for fix in result["fixes"].as_array().into_iter().flatten() {
            for change in fix["artifactChanges"].as_array().unwrap() {
                for r in change["replacements"].as_array().unwrap() {
                    let d = &r["deletedRegion"];
                    let n = |k: &str| d[k].as_u64().unwrap();
                    edits.push((
                        offset(n("startLine"), n("startColumn")),
                        offset(n("endLine"), n("endColumn")),
                        r["insertedContent"]["text"]
                            .as_str()
                            .unwrap_or("")
                            .to_string(),
                    ));
                }
            }
        }
    }
    edits.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    edits.dedup();
    let mut out = text.to_string();
    let mut floor = usize::MAX;
    for (start, end, insert) in edits {
        if end > floor {
            continue;
        }
        out.replace_range(start..end, &insert);
        floor = start;
    }
    out
}

#[test]
fn sarif_fixes_are_the_safe_edits_that_fix_applies() {
    let mut compared = 0;
    for dir in std::fs::read_dir("tests/fixtures").unwrap() {
        for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.starts_with("fix-")
                || name.starts_with("fix-unsafe")
                || name.contains(".fixed.")
            {
                continue;
            }
            // Both through stdin, so both runs see the same path.
            let text = std::fs::read_to_string(&path).unwrap();
            let log: Value =
                serde_json::from_str(&lint(&["-o", "sarif", "-"], Some(&text))).unwrap();
            let fixed = Command::cargo_bin("kubectl-wid")
                .unwrap()
                .args(["lint", "--no-config", "--fix", "-"])
                .write_stdin(text.clone())
                .output()
                .unwrap();
            let by_fix = String::from_utf8(fixed.stdout).unwrap();
            assert_eq!(apply_sarif_fixes(&log, &text), by_fix, "{}", path.display());
            compared += 1;
        }
    }
    assert!(compared >= 30, "only {compared} fix fixtures compared");
}
