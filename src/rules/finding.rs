//! A finding: one rule's verdict about one place in the inputs.

use std::ops::Range;

use serde::Serialize;

use crate::input::FileId;
use crate::model::Object;

use super::catalog::{Applicability, FixAvailability, RuleMeta, Severity, meta};

/// The object a finding is about, as the JSON output names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl ObjectRef {
    pub fn of(o: &Object<'_>) -> Self {
        Self {
            api_version: o.api_version.to_string(),
            kind: o.kind.to_string(),
            namespace: o.namespace.clone(),
            name: o.name.unwrap_or("").to_string(),
        }
    }
}

/// A second place that explains the finding ("ServiceAccount defined here").
#[derive(Debug, Clone)]
pub struct Related {
    pub file: FileId,
    pub span: Range<usize>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FixInfo {
    pub applicability: Applicability,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub message: String,
    pub file: FileId,
    pub span: Range<usize>,
    pub object: Option<ObjectRef>,
    /// How to fix this occurrence (`= help:`); defaults to the catalog's fix description.
    pub help: Option<String>,
    pub related: Vec<Related>,
    pub fix: Option<FixInfo>,
}

impl Finding {
    pub fn new(
        rule_id: &str,
        file: FileId,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let rule = meta(rule_id);
        Self {
            rule,
            severity: rule.severity,
            message: message.into(),
            file,
            span,
            object: None,
            help: None,
            related: Vec::new(),
            fix: None,
        }
    }

    /// A finding about an object, at a span inside it.
    pub fn at(
        rule_id: &str,
        object: &Object<'_>,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let mut f = Self::new(rule_id, object.file, span, message);
        f.object = Some(ObjectRef::of(object));
        f
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, file: FileId, span: Range<usize>, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file,
            span,
            message: message.into(),
        });
        self
    }

    /// The help line shown: the finding's own, else the catalog's fix description.
    pub fn help_text(&self) -> &str {
        self.help.as_deref().unwrap_or(&self.rule.fix.description)
    }

    /// Marks the finding as auto-fixable, with the catalog's applicability.
    pub fn fixable(mut self, description: impl Into<String>) -> Self {
        if self.rule.fix.availability != FixAvailability::None {
            self.fix = Some(FixInfo {
                applicability: self.rule.fix.applicability.unwrap_or(Applicability::Unsafe),
                description: description.into(),
            });
        }
        self
    }
}
