//! A finding: one rule's verdict about one place in the inputs.

use std::borrow::Cow;
use std::ops::Range;

use compact_str::CompactString;
use serde::Serialize;

use crate::input::FileId;
use crate::input::source::{ceil_char_boundary, floor_char_boundary};
use crate::model::Object;

use super::catalog::{Applicability, FixAvailability, RuleMeta, Severity, meta};

/// The object a finding is about, as the JSON output names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    // Inline strings: these names are nearly always under 24 bytes, so a finding's object
    // costs no allocation (a run may make hundreds of thousands of findings).
    #[serde(rename = "apiVersion")]
    pub api_version: CompactString,
    pub kind: CompactString,
    pub namespace: CompactString,
    pub name: CompactString,
}

impl ObjectRef {
    pub fn of(o: &Object<'_>) -> Self {
        Self {
            api_version: o.api_version.into(),
            kind: o.kind.into(),
            namespace: o.namespace.as_str().into(),
            name: o.name.unwrap_or("").into(),
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
    /// The text edits `--fix` applies (byte ranges of the original text; see `crate::fix`).
    #[serde(skip)]
    pub edits: Vec<crate::fix::Edit>,
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
    /// Mostly a fixed sentence, borrowed rather than copied into every finding.
    pub help: Option<Cow<'static, str>>,
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
            message: clip(message.into()),
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

    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.help = Some(match help.into() {
            Cow::Owned(text) => Cow::Owned(clip(text)),
            fixed => fixed,
        });
        self
    }

    pub fn related(mut self, file: FileId, span: Range<usize>, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file,
            span,
            message: clip(message.into()),
        });
        self
    }

    /// The help line shown: the finding's own, else the catalog's fix description.
    pub fn help_text(&self) -> &str {
        self.help.as_deref().unwrap_or(&self.rule.fix.description)
    }

    /// Attaches an automatic fix: `edits` (in the finding's file unless `Edit::in_file`), with the
    /// catalog's applicability. No edits (the rule could not build a safe one) means no fix.
    pub fn with_fix(
        mut self,
        description: impl Into<String>,
        edits: Vec<crate::fix::Edit>,
    ) -> Self {
        debug_assert!(
            self.rule.fix.availability != FixAvailability::None || edits.is_empty(),
            "{} attaches a fix but rules/{}.yaml says fix.availability: none",
            self.rule.id,
            self.rule.id
        );
        if self.rule.fix.availability != FixAvailability::None && !edits.is_empty() {
            // A fix whose every edit is unsafe on its own is unsafe as a whole.
            let all_unsafe = edits
                .iter()
                .all(|e| e.applicability == Some(Applicability::Unsafe));
            self.fix = Some(FixInfo {
                applicability: if all_unsafe {
                    Applicability::Unsafe
                } else {
                    self.rule.fix.applicability.unwrap_or(Applicability::Unsafe)
                },
                description: clip(description.into()),
                edits,
            });
        }
        self
    }

    /// `with_fix` for a fix built by a helper that may find no safe edit (`crate::fix::yaml`).
    pub fn with_fix_opt(
        self,
        description: impl Into<String>,
        edits: Option<Vec<crate::fix::Edit>>,
    ) -> Self {
        match edits {
            Some(edits) => self.with_fix(description, edits),
            None => self,
        }
    }
}

/// Quoted values longer than this keep only their two ends in a message.
const QUOTED_MAX: usize = 200;
const QUOTED_HEAD: usize = 120;
const QUOTED_TAIL: usize = 40;
/// No message is longer than this (a long value quoted without backticks).
const MESSAGE_MAX: usize = 2000;

/// Shortens the long values a message quotes between backticks to `head…tail`: messages quote
/// the user's value, and a 100 KB annotation quoted in every finding made reports of hundreds
/// of megabytes. Other messages are returned as they are, without a copy.
pub fn clip(text: String) -> String {
    let long_quote = |(i, part): (usize, &str)| i % 2 == 1 && part.len() > QUOTED_MAX;
    if text.len() <= QUOTED_MAX
        || (text.len() <= MESSAGE_MAX && !text.split('`').enumerate().any(long_quote))
    {
        return text;
    }
    let mut out = String::with_capacity(text.len().min(MESSAGE_MAX + 4));
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts are between backticks.
        if long_quote((i, part)) {
            out.push_str(&part[..floor_char_boundary(part, QUOTED_HEAD)]);
            out.push('…');
            out.push_str(&part[ceil_char_boundary(part, part.len() - QUOTED_TAIL)..]);
        } else {
            out.push_str(part);
        }
    }
    if out.len() > MESSAGE_MAX {
        out.truncate(floor_char_boundary(&out, MESSAGE_MAX));
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_quoted_values_keep_their_ends() {
        let value = format!("{}{}", "é".repeat(150), "z".repeat(100));
        let clipped = clip(format!("`key` is `{value}`: use `x`"));
        let head = "é".repeat(60);
        let tail = "z".repeat(40);
        assert_eq!(clipped, format!("`key` is `{head}…{tail}`: use `x`"));
    }

    #[test]
    fn ordinary_messages_are_unchanged() {
        let text = format!(
            "`{}` and text outside quotes {}",
            "a".repeat(200),
            "b".repeat(300)
        );
        assert_eq!(clip(text.clone()), text);
        assert_eq!(clip("short `x`".into()), "short `x`");
    }

    #[test]
    fn a_message_is_capped_on_a_character_boundary() {
        let clipped = clip("ü".repeat(3000));
        assert!(clipped.len() <= MESSAGE_MAX + '…'.len_utf8());
        assert!(clipped.ends_with('…'));
    }
}
