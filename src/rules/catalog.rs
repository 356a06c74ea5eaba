//! The rule catalog: everything said about a rule lives once, in `rules/<ID>.yaml`, embedded in
//! the binary. It feeds `kubectl wid rules`, `explain`, the JSON output, docs and the tests.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Azure,
    Aws,
    Gcp,
    Kubernetes,
    /// Terraform files as Terraform reads them (syntax).
    Terraform,
    /// User-defined rules loaded from a rules directory (`--rules-dir`, config `rules-dirs`).
    Custom,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Azure => "azure",
            Provider::Aws => "aws",
            Provider::Gcp => "gcp",
            Provider::Kubernetes => "kubernetes",
            Provider::Terraform => "terraform",
            Provider::Custom => "custom",
        }
    }
}

/// Whether `--fix` can repair findings of the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FixMeta {
    pub availability: FixAvailability,
    #[serde(default)]
    pub applicability: Option<Applicability>,
    /// What to change, in words; the help line of findings that have no more specific one.
    pub description: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub bad: String,
    pub good: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub provider: Provider,
    pub summary: String,
    /// What the rule checks.
    pub what: String,
    /// Why it breaks: the runtime symptom (AADSTS code, webhook rejection, API server error).
    pub why: String,
    /// Seed document section or upstream file/issue the rule comes from.
    pub source: Vec<String>,
    pub fix: FixMeta,
    pub example: Example,
}

/// All rules of the catalog, sorted by id.
pub fn catalog() -> &'static [RuleMeta] {
    static CATALOG: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut rules: Vec<RuleMeta> = CATALOG_FILES
            .iter()
            .map(|(file, text)| {
                serde_saphyr::from_str(text).unwrap_or_else(|e| {
                    panic!("embedded catalog entry rules/{file} is invalid: {e}")
                })
            })
            .collect();
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        rules
    })
}

/// Looks a rule up by id (`AZ001`) or name (`missing-use-label`), case-insensitively.
pub fn lookup(key: &str) -> Option<&'static RuleMeta> {
    catalog()
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

/// The catalog entry of a rule id known to exist (ids come from the registry, tested against the catalog).
pub fn meta(id: &str) -> &'static RuleMeta {
    lookup(id).unwrap_or_else(|| panic!("rule {id} has no catalog entry"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_entries_are_consistent() {
        let mut names = std::collections::HashSet::new();
        for (file, _) in CATALOG_FILES {
            let id = file.trim_end_matches(".yaml");
            let meta = lookup(id).unwrap_or_else(|| panic!("{file}: id must match file name"));
            assert_eq!(meta.id, id, "{file}");
            assert!(
                names.insert(meta.name.clone()),
                "duplicate name {}",
                meta.name
            );
            assert!(
                meta.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}: name must be kebab-case",
                meta.id
            );
            assert!(
                !meta.source.is_empty(),
                "{}: every rule names its source",
                meta.id
            );
            assert!(
                !meta.summary.ends_with('.'),
                "{}: summary is a phrase",
                meta.id
            );
        }
    }
}
