use std::ops::Range;

use crate::input::FileId;
use crate::rules::{Context, Finding, Rule, Scope};

use super::{
    CLIENT_ID, PREFIX, USE_LABEL, client_id_of, key_span, pod_labels_anchor, pod_labels_path,
    pod_phrase, service_account_of,
};

/// AZ001: a workload meant for workload identity whose pod template lacks the
/// `azure.workload.identity/use: "true"` label. Since AWI v1.0 the webhook's objectSelector
/// matches only that pod label: without it nothing is injected and the SDK falls back to IMDS.
pub struct MissingUseLabel;

impl Rule for MissingUseLabel {
    fn id(&self) -> &'static str {
        "AZ001"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.workloads() {
            let Some(pod) = o.pod.as_ref() else { continue };
            if pod.label(USE_LABEL).is_some() {
                continue;
            }
            let sa = service_account_of(ctx.model, o);
            let sa_client_id = sa.and_then(client_id_of);
            let sa_name = pod.service_account.name;

            // The label written somewhere the webhook does not look: (file, span, why).
            let mut misplaced: Vec<(FileId, Range<usize>, String)> = Vec::new();
            if !o.is("Pod")
                && let Some(e) = o.labels.and_then(|l| l.entry(USE_LABEL))
            {
                misplaced.push((
                    o.file,
                    e.key.span(),
                    format!(
                        "`{USE_LABEL}` is on the {}'s own metadata.labels, not on the pod template",
                        o.kind
                    ),
                ));
            }
            if let Some(e) = pod
                .selector
                .and_then(|s| s.get("matchLabels").or(Some(s)))
                .and_then(|m| m.entry(USE_LABEL))
            {
                misplaced.push((o.file, e.key.span(), format!(
                    "`{USE_LABEL}` is only in spec.selector, which selects pods but does not label them (and is immutable)")));
            }
            if let Some(e) = pod.annotations.and_then(|a| a.entry(USE_LABEL)) {
                misplaced.push((
                    o.file,
                    e.key.span(),
                    format!(
                        "`{USE_LABEL}` is written as a pod annotation; the webhook matches a label"
                    ),
                ));
            }
            if !o.is("Pod")
                && let Some(e) = o.annotations.and_then(|a| a.entry(USE_LABEL))
            {
                misplaced.push((o.file, e.key.span(), format!(
                    "`{USE_LABEL}` is written as an annotation of the {}; the webhook matches a pod label", o.kind)));
            }
            if let Some(sa) = sa
                && let Some(e) = sa
                    .labels
                    .and_then(|l| l.entry(USE_LABEL))
                    .or_else(|| sa.annotations.and_then(|a| a.entry(USE_LABEL)))
            {
                misplaced.push((sa.file, e.key.span(), format!(
                    "`{USE_LABEL}` is set on ServiceAccount `{sa_name}`; since webhook v1.0 only the pod label counts")));
            }

            let pod_annotation = pod.annotations.and_then(|a| {
                a.entries()
                    .iter()
                    .filter_map(|e| e.key.text())
                    .find(|k| k.starts_with(PREFIX) && *k != USE_LABEL)
            });
            let reason = if let Some((_, _, why)) = misplaced.first() {
                why.clone()
            } else if sa_client_id.is_some() {
                format!(
                    "it runs as ServiceAccount `{sa_name}`, which has `{CLIENT_ID}`; the webhook will inject no token"
                )
            } else if let Some(key) = pod_annotation {
                format!("it has the pod annotation `{key}`; the webhook will inject no token")
            } else {
                continue;
            };

            let mut finding = Finding::at(
                self.id(),
                o,
                pod_labels_anchor(o),
                format!(
                    "{} lacks the label `{USE_LABEL}: \"true\"`: {reason}",
                    pod_phrase(o)
                ),
            )
            .help(format!(
                "add `{USE_LABEL}: \"true\"` under {} (the webhook only mutates pods with that label)",
                pod_labels_path(o)
            ));
            for (file, span, _) in misplaced {
                finding = finding.related(file, span, "written here instead");
            }
            if let Some(edits) = fix_edits(ctx.model.source(o.file).text.as_str(), o, pod) {
                finding = finding.with_fix(
                    format!("add `{USE_LABEL}: \"true\"` to the pod template's labels"),
                    edits,
                );
            }
            if let (Some(sa), Some(id)) = (sa, sa_client_id) {
                let span = sa
                    .annotations
                    .and_then(|a| key_span(a, CLIENT_ID))
                    .unwrap_or_else(|| id.span());
                finding =
                    finding.related(sa.file, span, "client id set on the ServiceAccount here");
            }
            out.push(finding);
        }
    }
}

/// The label inserted into the pod template's labels (creating `labels:`/`metadata:` when
/// absent); a copy left on the controller's own labels or as a pod annotation is removed by a
/// separate unsafe edit (a comment on its line goes with it).
fn fix_edits(
    text: &str,
    o: &crate::model::Object<'_>,
    pod: &crate::model::PodTemplate<'_>,
) -> Option<Vec<crate::fix::Edit>> {
    use crate::fix::yaml::{New, insert_at_path, remove_entry};
    let mut edits = vec![insert_at_path(
        text,
        pod.template,
        &["metadata", "labels"],
        USE_LABEL,
        New::quoted("true"),
    )?];
    let mut misplaced = vec![(pod.metadata, pod.annotations, "annotations")];
    if !o.is("Pod") {
        misplaced.push((o.metadata, o.labels, "labels"));
    }
    for (metadata, map, key) in misplaced {
        if let (Some(metadata), Some(map)) = (metadata, map)
            && map.entry(USE_LABEL).is_some()
            && let Some(e) = remove_entry(text, map, USE_LABEL, metadata.entry(key))
        {
            edits.push(e.unsafe_only());
        }
    }
    Some(edits)
}
