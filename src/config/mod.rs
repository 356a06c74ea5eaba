//! `.kubectl-wid.yaml`: discovery (working directory upwards, stopping at the repository root),
//! validation against the shipped JSON Schema with span-exact errors, and the typed settings.

pub mod diag;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::input::load::{LoadedFile, load_text};
use crate::rules::Severity;

pub use diag::{Located, render_errors};

/// The file name looked for in each directory.
pub const FILE_NAME: &str = ".kubectl-wid.yaml";

/// The JSON Schema of the config file (`kubectl-wid config schema` prints it).
pub const SCHEMA: &str = include_str!("../../schemas/config.schema.json");

fn compiled() -> &'static (serde_json::Value, jsonschema::Validator) {
    static V: OnceLock<(serde_json::Value, jsonschema::Validator)> = OnceLock::new();
    V.get_or_init(|| {
        let schema: serde_json::Value =
            serde_json::from_str(SCHEMA).expect("shipped config schema is JSON");
        let v = jsonschema::validator_for(&schema).expect("shipped config schema compiles");
        (schema, v)
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AwsCluster {
    pub account_id: Option<String>,
    pub region: Option<String>,
    pub cluster_name: Option<String>,
    pub oidc_provider_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct GcpCluster {
    pub project_id: Option<String>,
    pub project_number: Option<String>,
}

/// Azure settings of a known cluster.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AzureCluster {
    /// The audience the cluster's Workload ID webhook projects (its `--audience` flag), when
    /// not the default `api://AzureADTokenExchange`.
    pub token_audience: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Cluster {
    pub oidc_issuer: Option<String>,
    pub azure: Option<AzureCluster>,
    pub aws: Option<AwsCluster>,
    pub gcp: Option<GcpCluster>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Exemption {
    pub namespace: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub path: Option<String>,
    pub rules: Vec<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Settings {
    pub select: Option<Vec<String>>,
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Kept in file order (serde_json's `preserve_order`), for messages.
    #[serde(default)]
    pub severity: serde_json::Map<String, serde_json::Value>,
    pub namespace: Option<String>,
    pub fail_on: Option<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub rules_dirs: Vec<String>,
    #[serde(default)]
    pub clusters: BTreeMap<String, Cluster>,
    #[serde(default)]
    pub exemptions: Vec<Exemption>,
}

/// A loaded, schema-valid config file.
#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    /// The directory relative paths in the file are resolved against.
    pub dir: PathBuf,
    pub settings: Settings,
    /// The file itself, for span-exact messages about its contents after loading
    /// (unknown rule selectors, broken globs).
    pub file: LoadedFile,
}

impl Config {
    /// Severity overrides as (selector, severity), in file order.
    pub fn severities(&self) -> Vec<(String, Severity)> {
        self.settings
            .severity
            .iter()
            .filter_map(|(k, v)| {
                let s = match v.as_str()? {
                    "error" => Severity::Error,
                    "warning" => Severity::Warning,
                    "info" => Severity::Info,
                    _ => return None,
                };
                Some((k.clone(), s))
            })
            .collect()
    }

    /// The span of a value in the file, by JSON Pointer (for errors found after loading).
    pub fn locate(&self, pointer: &str, message: impl Into<String>) -> Located {
        let span = self
            .file
            .parsed
            .documents
            .first()
            .map_or(0..0, |d| crate::schema::span_of(&d.root, pointer));
        Located {
            span,
            message: message.into(),
        }
    }

    /// The span of a mapping key in the file, by the JSON Pointer of its entry.
    pub fn locate_key(&self, pointer: &str, message: impl Into<String>) -> Located {
        let span = self.file.parsed.documents.first().map_or(0..0, |d| {
            let at = crate::schema::locate(&d.root, pointer);
            at.key
                .map_or_else(|| crate::schema::span_of(&d.root, pointer), |k| k.span())
        });
        Located {
            span,
            message: message.into(),
        }
    }

    /// Renders errors about this file's contents, rustc-style.
    pub fn render(&self, errors: &[Located]) -> String {
        render_errors(&self.file, errors)
    }

    pub fn resolve(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }
}

/// Where to look: `--config PATH`, `--no-config`, or discovery from `start` upwards.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        // The repository root is the last directory searched: a config above it belongs to
        // something else (a home directory, another checkout).
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// Loads and validates a config file. The error is ready to print: every problem in the file
/// with its line, column and source line.
pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
    load_str(path, &text)
}

/// [`load`] of text already read (`path` names it in errors and anchors relative paths).
pub fn load_str(path: &Path, text: &str) -> Result<Config, String> {
    let display = path.to_string_lossy().into_owned();
    let file = match load_text(&display, text) {
        Some(f) => f,
        // An empty config file is a valid config with no settings.
        None => load_text(&display, "{}\n").ok_or("internal error: empty config")?,
    };
    let mut errors: Vec<Located> = file
        .parsed
        .problems
        .iter()
        .map(|p| Located {
            span: p.span.clone(),
            message: p.message.clone(),
        })
        .collect();
    if file.parsed.documents.len() > 1 {
        errors.push(Located {
            span: file.parsed.documents[1].root.span(),
            message: "a config file holds one YAML document".into(),
        });
    }
    let root = file.parsed.documents.first().map(|d| &d.root);
    let json = match root {
        Some(root) if errors.is_empty() => {
            let (schema, validator) = compiled();
            errors.extend(
                crate::schema::validate(validator, schema, root)
                    .into_iter()
                    .map(|e| Located {
                        span: e.span,
                        message: e.message,
                    }),
            );
            crate::schema::to_json(root)
        }
        // Only comments: no settings.
        None if errors.is_empty() => serde_json::json!({}),
        _ => serde_json::Value::Null,
    };
    if !errors.is_empty() {
        return Err(render_errors(&file, &errors));
    }
    let settings: Settings = serde_json::from_value(json)
        .map_err(|e| format!("{display}: {e} (the schema accepted it; please report this)"))?;
    let dir = std::fs::canonicalize(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    Ok(Config {
        path: path.to_path_buf(),
        dir,
        settings,
        file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> Result<Config, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        load(&path).map_err(|e| e.replace(&dir.path().to_string_lossy().into_owned(), "<dir>"))
    }

    #[test]
    fn shipped_schema_compiles() {
        let _ = compiled();
    }

    #[test]
    fn valid_config_loads() {
        let c = load_str(
            "select: [azure]\nignore: [AZ015]\nseverity:\n  AZ014: error\nfail-on: warning\n\
             clusters:\n  prod:\n    oidc-issuer: https://eastus.oic.prod-aks.azure.com/t/\n\
             exemptions:\n  - namespace: kube-*\n    rules: ['*']\n    reason: system namespaces\n",
        )
        .unwrap();
        assert_eq!(
            c.settings.select.as_deref(),
            Some(&["azure".to_string()][..])
        );
        assert_eq!(c.severities(), vec![("AZ014".into(), Severity::Error)]);
        assert_eq!(c.settings.exemptions[0].reason, "system namespaces");
    }

    #[test]
    fn errors_are_span_exact_with_hints() {
        let e =
            load_str("select: [AZ001]\nfail_on: warning\nseverity:\n  AZ001: fatal\n").unwrap_err();
        assert!(
            e.contains("unknown key `fail_on` (did you mean `fail-on`?)"),
            "{e}"
        );
        assert!(e.contains(":2:1"), "{e}");
        assert!(e.contains(":4:10"), "{e}");
        assert!(e.contains("severity.AZ001"), "{e}");
    }

    #[test]
    fn empty_and_comment_only_files_are_valid() {
        assert!(load_str("").is_ok());
        assert!(load_str("# nothing yet\n").is_ok());
        assert!(load_str("- a\n").is_err());
    }
}
