//! `kubectl wid generate`: writes the resources workload identity needs, in the forms people
//! commit (Kubernetes YAML, cloud CLI scripts, ARM/IAM JSON, Terraform, CRDs of ASO, ACK and
//! Config Connector), with the key order and quoting of the upstream docs. Pure text rendering:
//! no I/O here (the CLI writes), and every output lints clean (tests/generate.rs).

pub mod aws;
pub mod azure;
pub mod from_findings;
pub mod gke;

use crate::fix::yaml::{double_quoted, plain_ok};

/// One file to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// File name (no directory) used with `--out DIR`.
    pub file: String,
    pub content: String,
    /// What the file is, for the summary (`ServiceAccount shop/web`).
    pub what: String,
}

/// Everything one `generate` run produces, and what the user still has to know or do.
#[derive(Debug, Default)]
pub struct Bundle {
    pub outputs: Vec<Output>,
    pub notes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

pub type Result<T> = std::result::Result<T, Invalid>;

fn invalid<T>(msg: impl Into<String>) -> Result<T> {
    Err(Invalid(msg.into()))
}

/// A YAML scalar as a person writes it: plain when that reads back as the same string.
pub fn y(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        double_quoted(s)
    }
}

/// A word for `sh`: as is when it has no special characters, else single-quoted.
pub fn sh(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"@%+=:,./_-".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// An HCL string literal: JSON escapes, and `${`/`%{` escaped so nothing is interpolated.
pub fn hcl(s: &str) -> String {
    double_quoted(s).replace("${", "$${").replace("%{", "%%{")
}

/// A Terraform/HCL identifier from a name (`web-api` → `web_api`).
pub fn ident(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'x');
    }
    out
}

/// A DNS-1123 label (namespaces): 1–63 lowercase letters, digits and `-`, alphanumeric at both ends.
pub fn check_label(what: &str, s: &str) -> Result<()> {
    let ok = (1..=63).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok {
        Ok(())
    } else {
        invalid(format!(
            "{what} `{s}` is not a valid Kubernetes name (lowercase letters, digits and `-`, at most 63)"
        ))
    }
}

/// A DNS-1123 subdomain (ServiceAccount names): labels joined by `.`, at most 253 characters.
pub fn check_subdomain(what: &str, s: &str) -> Result<()> {
    if s.len() <= 253 && s.split('.').all(|l| check_label(what, l).is_ok()) {
        Ok(())
    } else {
        invalid(format!(
            "{what} `{s}` is not a valid Kubernetes name (lowercase letters, digits, `-` and `.`)"
        ))
    }
}

/// Kubernetes YAML of a ServiceAccount with these annotations (values quoted as the docs do).
pub fn service_account(namespace: &str, name: &str, annotations: &[(&str, String)]) -> String {
    let mut out = format!(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {}\n  namespace: {}\n",
        y(name),
        y(namespace)
    );
    if !annotations.is_empty() {
        out.push_str("  annotations:\n");
        for (k, v) in annotations {
            out.push_str(&format!("    {}: {}\n", y(k), double_quoted(v)));
        }
    }
    out
}

/// `system:serviceaccount:<ns>:<sa>`: the token subject of a ServiceAccount.
pub fn subject(namespace: &str, name: &str) -> String {
    format!("system:serviceaccount:{namespace}:{name}")
}

/// Pretty JSON with two-space indentation and a final newline, keys in insertion order.
pub fn json(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(y("web"), "web");
        assert_eq!(y("true"), "\"true\"");
        assert_eq!(sh("a b"), "'a b'");
        assert_eq!(sh("https://x/y/"), "https://x/y/");
        assert_eq!(hcl("${x}"), "\"$${x}\"");
        assert_eq!(ident("9web-api"), "x9web_api");
        assert!(check_label("namespace", "Shop").is_err());
        assert!(check_subdomain("name", "a.b-c").is_ok());
    }
}
