use std::collections::HashSet;
use std::ops::Range;

use crate::input::{FileId, Node};
use crate::model::values::is_placeholder;
use crate::model::{Container, Model, Object};
use crate::rules::azure::pod_phrase;
use crate::rules::{Context, Finding, Rule};

/// Env vars whose value is a cloud credential, and the workload identity that replaces it.
const SECRETS: &[(&str, &str)] = &[
    ("AZURE_CLIENT_SECRET", "azure"),
    ("AZURE_CLIENT_CERTIFICATE_PASSWORD", "azure"),
    ("AWS_SECRET_ACCESS_KEY", "aws"),
    ("AWS_ACCESS_KEY_ID", "aws"),
    ("AWS_SESSION_TOKEN", "aws"),
];

/// MIG002: a container `env` entry that writes a cloud credential (`AZURE_CLIENT_SECRET`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_ACCESS_KEY_ID`, …) as a literal `value`. The credential is in
/// plain text in the manifest, in the API server and in every copy of the repository; the
/// cloud's workload identity needs no stored secret.
///
/// The value is never printed: not in the message, and the finding points at a line that does
/// not contain it (the human output shows the flagged source line).
pub struct LiteralCloudSecret;

/// One literal credential: the env entry and its value node.
struct Hit<'a> {
    object: &'a Object<'a>,
    container: Container<'a>,
    env: &'a Node,
    name: &'a str,
    value: &'a Node,
    cloud: &'static str,
}

impl Rule for LiteralCloudSecret {
    fn id(&self) -> &'static str {
        "MIG002"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let model = ctx.model;
        let mut hits: Vec<Hit<'_>> = Vec::new();
        for o in model.workloads() {
            let Some(pod) = o.pod.as_ref() else { continue };
            for c in pod.containers() {
                for (name, env) in c.env() {
                    let Some((_, cloud)) = SECRETS.iter().find(|(n, _)| *n == name) else {
                        continue;
                    };
                    let Some(value) = env.get("value") else {
                        continue;
                    };
                    let Some(text) = value.text() else { continue };
                    if text.trim().is_empty() || is_placeholder(text) {
                        continue;
                    }
                    hits.push(Hit {
                        object: o,
                        container: c,
                        env,
                        name,
                        value,
                        cloud,
                    });
                }
            }
        }
        if hits.is_empty() {
            return;
        }
        // Lines (per file) that hold any literal credential, and the credentials' texts: a
        // finding never points at such a line.
        let mut secret_lines: HashSet<(FileId, usize)> = HashSet::new();
        for h in &hits {
            let src = model.source(h.object.file);
            let first = src.line_index(src.clamp(h.value.span().start));
            let last = src.line_index(src.clamp(h.value.span().end.max(h.value.span().start)));
            secret_lines.extend((first..=last).map(|l| (h.object.file, l)));
        }
        let texts = Texts::new(
            hits.iter()
                .filter_map(|h| h.value.text())
                .filter(|t| t.len() >= 4),
        );
        for h in &hits {
            let o = h.object;
            let Some(span) = safe_anchor(model, h, &secret_lines, &texts) else {
                // Every candidate line holds a credential (a one-line manifest): the human
                // output would print it, and never printing a secret wins over reporting.
                continue;
            };
            let replacement = match h.cloud {
                "azure" => {
                    "Microsoft Entra Workload ID (a ServiceAccount annotated `azure.workload.identity/client-id`, the pod label `azure.workload.identity/use: \"true\"` and a federated identity credential)"
                }
                _ => {
                    "EKS Pod Identity (an association for the pod's ServiceAccount) or IRSA (`eks.amazonaws.com/role-arn` on the ServiceAccount)"
                }
            };
            out.push(
                Finding::at(
                    self.id(),
                    o,
                    span,
                    format!(
                        "{} of {} sets `{}` to a literal value (not shown): a long-lived cloud credential in plain text in the manifest, the API server and every copy of the repository",
                        h.container.describe(),
                        pod_phrase(o),
                        h.name
                    ),
                )
                .help(format!(
                    "rotate the credential, remove it from the manifest, and use {replacement}; until then, read it from a Secret (`valueFrom.secretKeyRef`)"
                )),
            );
        }
    }
}

/// The first of: the env entry's `name` value, the entry, the container's `name`, the
/// container, the object's `kind` — whose line holds no credential.
fn safe_anchor(
    model: &Model<'_>,
    h: &Hit<'_>,
    secret_lines: &HashSet<(FileId, usize)>,
    texts: &Texts<'_>,
) -> Option<Range<usize>> {
    let o = h.object;
    let src = model.source(o.file);
    let candidates = [
        h.env.get("name").map(|n| n.span()),
        h.env.entries().first().map(|e| e.key.span()),
        h.container.node.get("name").map(|n| n.span()),
        h.container.node.entries().first().map(|e| e.key.span()),
        o.node.get("kind").map(|n| n.span()),
    ];
    candidates.into_iter().flatten().find(|span| {
        let first = src.line_index(src.clamp(span.start));
        let last = src.line_index(src.clamp(span.end.max(span.start)));
        (first..=last).all(|l| {
            !secret_lines.contains(&(o.file, l))
                && !src
                    .text
                    .get(src.line_range(l))
                    .is_some_and(|line| texts.any_in(line))
        })
    })
}

/// The credentials' texts by length. A line is checked by looking up each of its substrings of
/// those lengths, not by searching it for every text: a credential from any file may be written
/// on the line, so all texts count.
struct Texts<'a> {
    by_len: Vec<(usize, HashSet<&'a [u8]>)>,
}

impl<'a> Texts<'a> {
    /// `texts` must not be empty strings.
    fn new(texts: impl Iterator<Item = &'a str>) -> Self {
        let mut by_len: Vec<(usize, HashSet<&'a [u8]>)> = Vec::new();
        for t in texts {
            let t = t.as_bytes();
            match by_len.iter_mut().find(|(n, _)| *n == t.len()) {
                Some((_, set)) => {
                    set.insert(t);
                }
                None => by_len.push((t.len(), HashSet::from([t]))),
            }
        }
        Self { by_len }
    }

    /// Whether some text occurs in `line` (as `line.contains(text)`).
    fn any_in(&self, line: &str) -> bool {
        let line = line.as_bytes();
        self.by_len
            .iter()
            .any(|(n, set)| line.windows(*n).any(|w| set.contains(w)))
    }
}
