//! The two written forms of a suppression:
//! - annotation `kubectl-wid/ignore: "AZ001,AZ004 — reason"` (object or pod template metadata);
//! - comment `# kubectl-wid: ignore[AZ001,AZ004] reason` (on the finding's line or the line above).
//!
//! Rules are ids, names, providers or id prefixes (as `--select`), or `*`/`all`.

/// The annotation key. `kubectl-wid` is a valid DNS-subdomain prefix, so the key passes API
/// validation; one key listing several rules keeps manifests short (kube-score's style), and
/// the same key works on the object and on its pod template.
pub const ANNOTATION: &str = "kubectl-wid/ignore";

/// The comment marker, after `#`.
pub(super) const COMMENT_MARKER: &str = "kubectl-wid:";

/// A parsed suppression: which rules, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub rules: Vec<String>,
    /// `None` when no reason is written (WID001).
    pub reason: Option<String>,
}

fn is_rule_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '*'
}

/// Strips the separators people put between rules and reason: `—`, `–`, `-`, `:`, `#`.
fn reason(rest: &str) -> Option<String> {
    let r = rest
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '—' | '–' | '-' | ':' | '#'))
        .trim();
    (!r.is_empty()).then(|| r.to_string())
}

/// `AZ001,AZ004 — reason`, `AZ001, missing-use-label: reason`, `*`.
pub fn annotation(value: &str) -> Directive {
    let mut rules = Vec::new();
    let mut rest = value.trim_start();
    loop {
        let end = rest.find(|c: char| !is_rule_char(c)).unwrap_or(rest.len());
        let token = &rest[..end];
        // A lone `-` is a separator before the reason, not a rule.
        if token.is_empty() || token.chars().all(|c| c == '-') {
            break;
        }
        rules.push(token.to_string());
        let after = &rest[end..];
        match after.trim_start().strip_prefix(',') {
            Some(next) => rest = next.trim_start(),
            None => {
                rest = after;
                break;
            }
        }
    }
    Directive {
        rules,
        reason: reason(rest),
    }
}

/// Finds `# kubectl-wid: ignore[…] reason` in one line; returns the byte offset of the `#`.
/// The `#` must start the line or follow whitespace, as a YAML comment does.
pub fn comment(line: &str) -> Option<(usize, Directive)> {
    let mut search = 0;
    while let Some(i) = line[search..].find('#') {
        let at = search + i;
        search = at + 1;
        if at > 0 && !line[..at].ends_with([' ', '\t']) {
            continue;
        }
        let body = line[at + 1..].trim_start();
        let Some(body) = body.strip_prefix(COMMENT_MARKER) else {
            continue;
        };
        let body = body.trim_start();
        let Some(body) = body.strip_prefix("ignore[") else {
            continue;
        };
        let (list, rest) = body.split_once(']')?;
        let rules = list
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        return Some((
            at,
            Directive {
                rules,
                reason: reason(rest),
            },
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(rules: &[&str], reason: Option<&str>) -> Directive {
        Directive {
            rules: rules.iter().map(|s| s.to_string()).collect(),
            reason: reason.map(str::to_string),
        }
    }

    #[test]
    fn annotation_forms() {
        assert_eq!(
            annotation("AZ001,AZ004 — legacy job"),
            d(&["AZ001", "AZ004"], Some("legacy job"))
        );
        assert_eq!(
            annotation("AZ001, missing-use-label: why"),
            d(&["AZ001", "missing-use-label"], Some("why"))
        );
        assert_eq!(annotation("AZ001 - why"), d(&["AZ001"], Some("why")));
        assert_eq!(annotation("AZ001"), d(&["AZ001"], None));
        assert_eq!(
            annotation("*  # all of them"),
            d(&["*"], Some("all of them"))
        );
        assert_eq!(annotation(""), d(&[], None));
    }

    #[test]
    fn comment_forms() {
        assert_eq!(
            comment("  # kubectl-wid: ignore[AZ001] webhook disabled here"),
            Some((2, d(&["AZ001"], Some("webhook disabled here"))))
        );
        assert_eq!(
            comment("    app: x  #kubectl-wid: ignore[AZ001, AZ002]"),
            Some((12, d(&["AZ001", "AZ002"], None)))
        );
        assert_eq!(comment("url: http://x#kubectl-wid: ignore[AZ001]"), None);
        assert_eq!(comment("# kubectl-wid: something else"), None);
        assert_eq!(comment("# plain comment"), None);
    }
}
