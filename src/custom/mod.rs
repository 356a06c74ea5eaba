//! Custom rules as data: YAML files in a rules directory, each document one rule with an id,
//! severity, message, a `match` on apiVersion/kind/namespace and a JSON Schema the whole object
//! must satisfy. Schema violations become findings at the exact span of the instance path.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use globset::{Glob, GlobMatcher};
use rayon::prelude::*;
use serde::Deserialize;

use crate::config::{Located, render_errors};
use crate::input::load::load_text;
use crate::model::{Model, Object};
use crate::rules::catalog::{Example, FixAvailability, FixMeta};
use crate::rules::{Finding, ObjectRef, Provider, RuleMeta, Severity, catalog};

/// The JSON Schema of a custom rule document.
pub const RULE_SCHEMA: &str = include_str!("../../schemas/custom-rule.schema.json");

fn rule_validator() -> &'static (serde_json::Value, jsonschema::Validator) {
    static V: OnceLock<(serde_json::Value, jsonschema::Validator)> = OnceLock::new();
    V.get_or_init(|| {
        let schema: serde_json::Value =
            serde_json::from_str(RULE_SCHEMA).expect("shipped rule schema is JSON");
        let v = jsonschema::validator_for(&schema).expect("shipped rule schema compiles");
        (schema, v)
    })
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Globs {
    One(String),
    Many(Vec<String>),
}

impl Globs {
    fn list(&self) -> Vec<&str> {
        match self {
            Globs::One(s) => vec![s.as_str()],
            Globs::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct MatchSpec {
    #[serde(rename = "apiVersion")]
    api_version: Option<Globs>,
    kind: Option<Globs>,
    namespace: Option<Globs>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RuleDoc {
    id: String,
    name: Option<String>,
    severity: Severity,
    message: String,
    description: Option<String>,
    help: Option<String>,
    help_uri: Option<String>,
    #[serde(default, rename = "match")]
    matches: MatchSpec,
    schema: serde_json::Value,
}

/// One field's globs; an absent field matches everything.
#[derive(Debug, Default)]
struct Field(Option<Vec<GlobMatcher>>);

impl Field {
    fn matches(&self, value: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|gs| gs.iter().any(|g| g.is_match(value)))
    }
}

/// A loaded custom rule.
pub struct CustomRule {
    pub meta: &'static RuleMeta,
    pub help_uri: Option<String>,
    /// Where the rule is defined (`path:line`).
    pub origin: String,
    api_version: Field,
    kind: Field,
    namespace: Field,
    validator: jsonschema::Validator,
    /// The rule's schema, for "did you mean" hints on unknown keys.
    schema: serde_json::Value,
}

impl std::fmt::Debug for CustomRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomRule")
            .field("id", &self.meta.id)
            .field("origin", &self.origin)
            .finish()
    }
}

impl CustomRule {
    fn applies_to(&self, o: &Object<'_>) -> bool {
        self.api_version.matches(o.api_version)
            && self.kind.matches(o.kind)
            && self.namespace.matches(&o.namespace)
    }
}

/// The custom rules of a run, shared cheaply with the engine's options.
pub type CustomRules = Arc<Vec<CustomRule>>;

fn globs(g: &Option<Globs>) -> Result<Field, String> {
    let Some(g) = g else {
        return Ok(Field(None));
    };
    g.list()
        .into_iter()
        .map(|p| {
            Glob::new(p)
                .map(|g| g.compile_matcher())
                .map_err(|e| format!("bad glob `{p}`: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(|v| Field(Some(v)))
}

/// Loads every `*.yaml`/`*.yml` file of the directories (sorted, not recursive into hidden
/// directories). A broken rule is an error naming its file, line and column.
pub fn load_dirs(dirs: &[PathBuf]) -> Result<Vec<CustomRule>, String> {
    let mut files = Vec::new();
    for dir in dirs {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("rules directory {}: {e}", dir.display()))?;
        let mut here: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| e == "yaml" || e == "yml")
            })
            .collect();
        here.sort();
        files.extend(here);
    }
    let mut rules: Vec<CustomRule> = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        match load_file(&path) {
            Ok(mut r) => rules.append(&mut r),
            Err(e) => errors.push(e),
        }
    }
    // Ids are global: a clash with a built-in or another custom rule is an error at the id.
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for r in &rules {
        if let Some(b) = catalog()
            .iter()
            .find(|b| b.id == r.meta.id || b.name == r.meta.name)
        {
            errors.push(format!(
                "{}: custom rule {} clashes with built-in rule {} ({})",
                r.origin, r.meta.id, b.id, b.name
            ));
        }
        if let Some((_, other)) = seen
            .iter()
            .find(|(id, _)| *id == r.meta.id || *id == r.meta.name)
        {
            errors.push(format!(
                "{}: custom rule id {} is already defined at {other}",
                r.origin, r.meta.id
            ));
        }
        seen.push((&r.meta.id, &r.origin));
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors.join("\n"))
    }
}

/// Loads the rules of one file (one rule per YAML document).
pub fn load_file(path: &Path) -> Result<Vec<CustomRule>, String> {
    let display = path.to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{display}: {e}"))?;
    load_str(&display, &text)
}

/// [`load_file`] of text already read, named `display` in errors.
pub fn load_str(display: &str, text: &str) -> Result<Vec<CustomRule>, String> {
    let file = load_text(display, text).ok_or_else(|| format!("{display}: empty rule file"))?;
    let mut errors: Vec<Located> = file
        .parsed
        .problems
        .iter()
        .map(|p| Located {
            span: p.span.clone(),
            message: p.message.clone(),
        })
        .collect();
    let mut rules = Vec::new();
    let (rule_schema, rule_validator) = rule_validator();
    for doc in &file.parsed.documents {
        let root = &doc.root;
        let problems = crate::schema::validate(rule_validator, rule_schema, root);
        if !problems.is_empty() {
            errors.extend(problems.into_iter().map(|e| Located {
                span: e.span,
                message: e.message,
            }));
            continue;
        }
        let json = crate::schema::to_json(root);
        let parsed: RuleDoc = match serde_json::from_value(json) {
            Ok(r) => r,
            Err(e) => {
                errors.push(Located {
                    span: root.span(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        let validator = match jsonschema::validator_for(&parsed.schema) {
            Ok(v) => v,
            Err(e) => {
                let pointer = format!("/schema{}", e.instance_path().as_str());
                errors.push(Located {
                    span: crate::schema::span_of(root, &pointer),
                    message: format!("invalid JSON Schema: {e}"),
                });
                continue;
            }
        };
        let fields = [
            ("apiVersion", &parsed.matches.api_version),
            ("kind", &parsed.matches.kind),
            ("namespace", &parsed.matches.namespace),
        ]
        .map(|(key, g)| {
            globs(g).map_err(|m| Located {
                span: crate::schema::span_of(root, &format!("/match/{key}")),
                message: m,
            })
        });
        let [api_version, kind, namespace] = fields;
        let (api_version, kind, namespace) = match (api_version, kind, namespace) {
            (Ok(a), Ok(k), Ok(n)) => (a, k, n),
            (a, k, n) => {
                errors.extend([a.err(), k.err(), n.err()].into_iter().flatten());
                continue;
            }
        };
        let line = file.source.position(root.span().start).line;
        let origin = format!("{display}:{line}");
        let name = parsed
            .name
            .clone()
            .unwrap_or_else(|| parsed.id.to_ascii_lowercase());
        let meta: &'static RuleMeta = Box::leak(Box::new(RuleMeta {
            id: parsed.id.clone(),
            name,
            severity: parsed.severity,
            provider: Provider::Custom,
            summary: parsed.message.clone(),
            what: parsed
                .description
                .clone()
                .unwrap_or_else(|| parsed.message.clone()),
            why: String::new(),
            source: vec![origin.clone()],
            fix: FixMeta {
                availability: FixAvailability::None,
                applicability: None,
                description: parsed
                    .help
                    .clone()
                    .unwrap_or_else(|| format!("see the custom rule at {origin}")),
            },
            example: Example {
                bad: String::new(),
                good: String::new(),
            },
        }));
        rules.push(CustomRule {
            meta,
            help_uri: parsed.help_uri,
            origin,
            api_version,
            kind,
            namespace,
            validator,
            schema: parsed.schema,
        });
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(format!(
            "invalid custom rule file {display}:\n{}",
            render_errors(&file, &errors)
        ))
    }
}

/// Runs the enabled custom rules over every object of the model.
pub fn run(
    model: &Model<'_>,
    rules: &[CustomRule],
    enabled: impl Fn(&RuleMeta) -> bool + Sync,
) -> Vec<Finding> {
    let active: Vec<&CustomRule> = rules.iter().filter(|r| enabled(r.meta)).collect();
    if active.is_empty() {
        return Vec::new();
    }
    model
        .objects
        .par_iter()
        .flat_map_iter(|o| {
            let mut out = Vec::new();
            let applicable: Vec<&&CustomRule> = active.iter().filter(|r| r.applies_to(o)).collect();
            if applicable.is_empty() {
                return out;
            }
            let instance = crate::schema::to_json(o.node);
            for rule in applicable {
                let errors = crate::schema::validate_instance(
                    &rule.validator,
                    &rule.schema,
                    o.node,
                    &instance,
                );
                for e in errors {
                    out.push(Finding {
                        rule: rule.meta,
                        severity: rule.meta.severity,
                        message: crate::rules::finding::clip(format!(
                            "{}: {}",
                            rule.meta.summary, e.message
                        )),
                        file: o.file,
                        span: e.span,
                        object: Some(ObjectRef::of(o)),
                        help: None,
                        related: Vec::new(),
                        fix: None,
                    });
                }
            }
            out
        })
        .collect()
}
