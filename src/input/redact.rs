//! What must never be shown: Secret `data`/`stringData` values and literal values of
//! credential-named env vars. Renderers that print source lines blank these byte ranges.

use std::borrow::Cow;
use std::ops::Range;

use super::load::LoadedFile;
use super::node::{Node, Value};

/// Env var names whose literal value is a credential (`AZURE_CLIENT_SECRET`, `DB_PASSWORD`,
/// `AWS_ACCESS_KEY_ID` …). Paths to token files are not secrets and stay visible.
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    // `GOOGLE_APPLICATION_CREDENTIALS` names a key file, it does not hold the key.
    let path_like = ["_FILE", "_PATH", "_DIR", "_URL", "_URI", "_ENDPOINT"]
        .iter()
        .any(|s| n.ends_with(s))
        || n == "GOOGLE_APPLICATION_CREDENTIALS";
    !path_like
        && [
            "SECRET",
            "PASSWORD",
            "PASSWD",
            "TOKEN",
            "ACCESS_KEY",
            "PRIVATE_KEY",
            "API_KEY",
            "APIKEY",
            "CREDENTIAL",
            "CONNECTION_STRING",
            "SAS_KEY",
            "ACCOUNT_KEY",
        ]
        .iter()
        .any(|w| n.contains(w))
}

/// Byte ranges of a file that hold secret values.
pub fn secret_ranges(file: &LoadedFile) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for doc in &file.parsed.documents {
        walk(&doc.root, &mut out);
    }
    // A document that did not parse cannot be inspected: if the file mentions a Secret, hide
    // every value-looking byte rather than risk showing one next to a syntax error.
    let broken = !file.parsed.problems.is_empty();
    if broken && (file.source.text.contains("Secret") || file.source.text.contains("secret")) {
        out.push(0..file.source.text.len());
    }
    out
}

fn walk(node: &Node, out: &mut Vec<Range<usize>>) {
    match &node.value {
        Value::Map(entries) => {
            if node.get_str("kind") == Some("Secret") {
                for key in ["data", "stringData"] {
                    if let Some(data) = node.get(key) {
                        out.push(data.span());
                    }
                }
            }
            if let (Some(name), Some(value)) = (node.get_str("name"), node.get("value"))
                && is_secret_name(name)
            {
                out.push(value.span());
            }
            for e in entries {
                walk(&e.value, out);
            }
        }
        Value::Seq(items) => items.iter().for_each(|n| walk(n, out)),
        Value::Scalar(_) => {}
    }
}

/// The text with every byte of `ranges` (except line breaks) replaced by `*`. Byte length and
/// line structure are unchanged, so spans and line numbers stay valid.
pub fn redacted<'t>(text: &'t str, ranges: &[Range<usize>]) -> Cow<'t, str> {
    if ranges.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for r in ranges {
        let end = r.end.min(bytes.len());
        for b in &mut bytes[r.start.min(end)..end] {
            if *b != b'\n' && *b != b'\r' {
                *b = b'*';
            }
        }
    }
    // Every replaced byte is ASCII and line breaks are untouched: still valid UTF-8.
    Cow::Owned(
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::load::load_text;

    #[test]
    fn secret_values_are_blanked_and_positions_kept() {
        let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: hunter2☕\n---\nkind: Pod\nspec:\n  containers:\n  - env:\n    - name: AZURE_CLIENT_SECRET\n      value: abc~DEF\n    - name: AZURE_FEDERATED_TOKEN_FILE\n      value: /var/run/x\n";
        let f = load_text("s.yaml", text).unwrap();
        let r = secret_ranges(&f);
        let shown = redacted(text, &r);
        assert_eq!(shown.len(), text.len());
        assert!(!shown.contains("hunter2") && !shown.contains("abc~DEF"));
        assert!(shown.contains("/var/run/x"));
        assert_eq!(shown.lines().count(), text.lines().count());
    }

    #[test]
    fn names() {
        assert!(is_secret_name("AZURE_CLIENT_SECRET"));
        assert!(is_secret_name("aws_secret_access_key"));
        assert!(is_secret_name("AWS_ACCESS_KEY_ID"));
        assert!(!is_secret_name("AZURE_FEDERATED_TOKEN_FILE"));
        assert!(!is_secret_name("AZURE_CLIENT_ID"));
        assert!(!is_secret_name("GOOGLE_APPLICATION_CREDENTIALS"));
    }
}
