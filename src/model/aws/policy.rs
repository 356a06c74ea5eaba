//! IAM policy documents over the span-exact tree: statements, principals, actions and
//! conditions, each with the node that wrote it (so a finding points at the exact value and a
//! fix can replace it).

use crate::input::{Entry, Node};

/// `Service: pods.eks.amazonaws.com` (EKS Pod Identity; `EKSServicePrincipal` in eksctl).
pub const PODS_EKS: &str = "pods.eks.amazonaws.com";
pub const ASSUME_ROLE: &str = "sts:AssumeRole";
pub const TAG_SESSION: &str = "sts:TagSession";
pub const ASSUME_ROLE_WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";

/// A policy document: a map with `Statement` (one statement or a list).
#[derive(Debug, Clone, Copy)]
pub struct Policy<'n> {
    pub root: &'n Node,
}

impl<'n> Policy<'n> {
    /// `root` as a policy document, if it has a `Statement`.
    pub fn of(root: &'n Node) -> Option<Self> {
        root.get("Statement")?;
        Some(Self { root })
    }

    pub fn statements(&self) -> Vec<Statement<'n>> {
        match self.root.get("Statement") {
            Some(s) if s.is_map() => vec![Statement { node: s }],
            Some(s) => s
                .items()
                .iter()
                .filter(|n| n.is_map())
                .map(|node| Statement { node })
                .collect(),
            None => Vec::new(),
        }
    }

    /// Whether any statement names a `Principal` (a trust or other resource policy).
    pub fn has_principal(&self) -> bool {
        self.statements()
            .iter()
            .any(|s| s.node.get("Principal").is_some() || s.node.get("NotPrincipal").is_some())
    }

    /// A trust policy on its own: statements with principals whose actions are all `sts:`
    /// actions (a bucket policy also has principals, but allows S3 actions on resources).
    pub fn looks_like_trust_policy(&self) -> bool {
        let statements = self.statements();
        !statements.is_empty()
            && self.has_principal()
            && statements.iter().all(|s| {
                let actions = s.actions();
                !actions.is_empty()
                    && actions.iter().all(|a| {
                        a.text()
                            .is_some_and(|t| t.to_ascii_lowercase().starts_with("sts:"))
                    })
            })
    }

    /// `Allow` statements whose `Principal.Service` includes `pods.eks.amazonaws.com`.
    pub fn pod_identity_statements(&self) -> Vec<Statement<'n>> {
        self.statements()
            .into_iter()
            .filter(|s| {
                s.is_allow()
                    && s.principals("Service")
                        .iter()
                        .any(|p| p.text() == Some(PODS_EKS))
            })
            .collect()
    }

    /// `Allow` statements whose `Principal.Federated` is an OIDC provider ARN.
    pub fn oidc_statements(&self) -> Vec<Statement<'n>> {
        self.statements()
            .into_iter()
            .filter(|s| s.is_allow() && !s.oidc_providers().is_empty())
            .collect()
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Statement<'n> {
    pub node: &'n Node,
}

/// One condition: `"<operator>": {"<key>": <values>}`.
#[derive(Debug, Clone, Copy)]
pub struct Condition<'n> {
    /// `StringEquals`, `ForAllValues:StringLike`, `StringEqualsIfExists`, …
    pub operator: &'n str,
    pub operator_node: &'n Node,
    pub key: &'n str,
    pub key_node: &'n Node,
    /// The value as written (a string or a list of strings).
    pub value_node: &'n Node,
}

impl<'n> Condition<'n> {
    /// The operator without `ForAnyValue:`/`ForAllValues:` and `IfExists`.
    pub fn base_operator(&self) -> &'n str {
        let op = self
            .operator
            .split_once(':')
            .map_or(self.operator, |(_, o)| o);
        op.strip_suffix("IfExists").unwrap_or(op)
    }

    pub fn if_exists(&self) -> bool {
        self.operator.ends_with("IfExists")
    }

    pub fn set_qualifier(&self) -> Option<&'n str> {
        self.operator.split_once(':').map(|(q, _)| q)
    }

    /// The string values (a single value or each item of a list).
    pub fn values(&self) -> Vec<&'n Node> {
        match self.value_node.items() {
            [] if self.value_node.scalar().is_some() => vec![self.value_node],
            items => items.iter().filter(|n| n.scalar().is_some()).collect(),
        }
    }

    /// Whether `value` satisfies this condition (only the string operators; others: `None`).
    pub fn matches(&self, value: &str) -> Option<bool> {
        let vals = self.values();
        let texts = vals.iter().filter_map(|v| v.text());
        let hit = match self.base_operator() {
            "StringEquals" => texts.into_iter().any(|t| t == value),
            "StringEqualsIgnoreCase" => texts.into_iter().any(|t| t.eq_ignore_ascii_case(value)),
            "StringLike" => texts.into_iter().any(|t| glob(t, value, false)),
            _ => return None,
        };
        Some(hit)
    }

    /// The condition key's name without a service prefix: `oidc.eks…/id/X:sub` → `sub`.
    pub fn key_suffix(&self) -> &'n str {
        self.key.rsplit_once(':').map_or(self.key, |(_, s)| s)
    }
}

impl<'n> Statement<'n> {
    pub fn is_allow(&self) -> bool {
        self.node.get("Effect").and_then(Node::text) == Some("Allow")
    }

    pub fn principal_entry(&self) -> Option<&'n Entry> {
        self.node.entry("Principal")
    }

    /// The values of `Principal.<kind>` (`Service`, `Federated`, `AWS`).
    pub fn principals(&self, kind: &str) -> Vec<&'n Node> {
        let Some(p) = self.node.get("Principal") else {
            return Vec::new();
        };
        match p.get(kind) {
            Some(v) if v.scalar().is_some() => vec![v],
            Some(v) => v.items().iter().filter(|n| n.scalar().is_some()).collect(),
            None => Vec::new(),
        }
    }

    /// Every principal value with its kind (`Service`, `Federated`, `AWS`, or `*`).
    pub fn all_principals(&self) -> Vec<(&'n str, &'n Node)> {
        let Some(p) = self.node.get("Principal") else {
            return Vec::new();
        };
        if p.scalar().is_some() {
            return vec![("*", p)];
        }
        let mut out = Vec::new();
        for e in p.entries() {
            let Some(kind) = e.key.text() else { continue };
            match &e.value.value {
                crate::input::Value::Scalar(_) => out.push((kind, &e.value)),
                _ => out.extend(e.value.items().iter().map(|n| (kind, n))),
            }
        }
        out
    }

    /// `Federated` values that are OIDC provider ARNs (`…:oidc-provider/…`), or not known
    /// statically (`${aws_iam_openid_connect_provider.eks.arn}` in Terraform).
    pub fn oidc_providers(&self) -> Vec<&'n Node> {
        self.principals("Federated")
            .into_iter()
            .filter(|n| {
                n.text()
                    .is_some_and(|t| t.contains(":oidc-provider/") || t.contains("${"))
            })
            .collect()
    }

    /// The `Action` (or `NotAction`) entry.
    pub fn action_entry(&self) -> Option<&'n Entry> {
        self.node
            .entry("Action")
            .or_else(|| self.node.entry("NotAction"))
    }

    pub fn actions(&self) -> Vec<&'n Node> {
        match self.action_entry().map(|e| &e.value) {
            Some(v) if v.scalar().is_some() => vec![v],
            Some(v) => v.items().iter().filter(|n| n.scalar().is_some()).collect(),
            None => Vec::new(),
        }
    }

    /// Whether the statement's `Action` (or the complement of `NotAction`) covers `action`,
    /// with IAM's case-insensitive `*`/`?` matching.
    pub fn allows_action(&self, action: &str) -> bool {
        let Some(entry) = self.action_entry() else {
            return false;
        };
        let any = self
            .actions()
            .iter()
            .filter_map(|a| a.text())
            .any(|pattern| glob(pattern, action, true));
        if entry.key.text() == Some("NotAction") {
            !any
        } else {
            any
        }
    }

    pub fn condition_entry(&self) -> Option<&'n Entry> {
        self.node.entry("Condition")
    }

    pub fn conditions(&self) -> Vec<Condition<'n>> {
        let mut out = Vec::new();
        let Some(c) = self.node.get("Condition") else {
            return out;
        };
        for op in c.entries() {
            let Some(operator) = op.key.text() else {
                continue;
            };
            for k in op.value.entries() {
                let Some(key) = k.key.text() else { continue };
                out.push(Condition {
                    operator,
                    operator_node: &op.key,
                    key,
                    key_node: &k.key,
                    value_node: &k.value,
                });
            }
        }
        out
    }

    /// The `Resource` or `NotResource` entry (not allowed in a trust policy).
    pub fn resource_entry(&self) -> Option<&'n Entry> {
        self.node
            .entry("Resource")
            .or_else(|| self.node.entry("NotResource"))
    }

    /// A one-line place for "this statement …": its `Principal` key, else `Effect`, else the
    /// statement.
    pub fn anchor(&self) -> std::ops::Range<usize> {
        self.node
            .entry("Principal")
            .or_else(|| self.node.entry("Effect"))
            .map_or(self.node.span(), |e| e.key.span())
    }
}

/// IAM wildcard matching: `*` any run, `?` one character.
pub fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = if ignore_case {
        (
            pattern.to_lowercase().chars().collect(),
            text.to_lowercase().chars().collect(),
        )
    } else {
        (pattern.chars().collect(), text.chars().collect())
    };
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("sts:*", "sts:TagSession", true));
        assert!(glob("STS:tagsession", "sts:TagSession", true));
        assert!(glob("*", "sts:AssumeRole", true));
        assert!(glob("sts:Assume*", "sts:AssumeRole", true));
        assert!(!glob("sts:AssumeRole", "sts:TagSession", true));
        assert!(glob(
            "system:serviceaccount:ns:*",
            "system:serviceaccount:ns:a",
            false
        ));
        assert!(!glob(
            "system:serviceaccount:ns:*",
            "system:serviceaccount:other:a",
            false
        ));
        assert!(glob("a?c", "abc", false));
    }
}
