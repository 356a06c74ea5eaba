//! One live lint run: read the cluster(s), merge with the file inputs, and run the engine once
//! per context, so a ServiceAccount in one cluster never satisfies a reference in another.
//! A file object shadows the live object with the same kind, namespace and name ("what happens
//! if I apply this"). Findings of all contexts are merged into one list over one file table.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use crate::engine::{self, Options, Outcome};
use crate::input::FileId;
use crate::input::cluster::{self, FetchOptions};
use crate::input::load::{Inputs, LoadedFile, load_text};
use crate::model::Model;

/// What the run produced besides the outcome: lines for stderr and context failures.
#[derive(Debug, Default)]
pub struct LiveReport {
    /// Kinds that could not be read (a warning; the rest is linted).
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
    /// Contexts that could not be linted at all (exit code 2).
    pub errors: Vec<String>,
}

/// Lints `inputs` (the user's files, possibly none) against the live state. On return,
/// `inputs.files` holds the user's files followed by every context's rendered objects, and
/// the outcome's findings index into it. `Err` (with the warnings and errors to print) when no
/// context could be read at all.
pub fn lint(
    inputs: &mut Inputs,
    fetch: &FetchOptions,
    base: &Options,
    explicit_namespace: Option<&str>,
) -> Result<(Outcome, LiveReport), LiveReport> {
    let results = cluster::fetch(fetch).map_err(|e| LiveReport {
        errors: vec![e],
        ..Default::default()
    })?;
    let mut report = LiveReport::default();
    let user_files = std::mem::take(&mut inputs.files);
    let n_user = user_files.len();
    let user_texts: Vec<(String, String)> = user_files
        .iter()
        .map(|f| (f.source.path.clone(), f.source.text.clone()))
        .collect();
    let mut user_files = Some(user_files);
    let mut global: Vec<LoadedFile> = Vec::new();
    let mut merged: Option<Outcome> = None;
    let mut findings = Vec::new();
    let mut contexts_of: BTreeMap<(String, usize, usize, String, String), BTreeSet<String>> =
        BTreeMap::new();
    let (mut documents, mut objects, mut user_documents, mut user_objects) = (0, 0, 0, 0);
    let mut ok_contexts = 0;

    for result in results {
        let snap = match result {
            Ok(s) => s,
            Err(e) => {
                report.errors.push(e.to_string());
                continue;
            }
        };
        report.warnings.extend(snap.warnings);
        report.notes.extend(snap.notes);
        if !snap.read_anything {
            report.errors.push(format!(
                "context {}: nothing could be read from {} (every list was denied or failed)",
                snap.context, snap.server
            ));
            continue;
        }
        let mut files = match user_files.take() {
            Some(f) => f,
            // Later contexts get their own parse of the same texts (stdin cannot be re-read).
            None => user_texts
                .iter()
                .filter_map(|(p, t)| load_text(p, t))
                .collect(),
        };
        let namespace = explicit_namespace
            .map(String::from)
            .unwrap_or_else(|| snap.default_namespace.clone());
        let shadowed: HashSet<(String, String, String)> = {
            let model = Model::build(&files, &namespace);
            user_documents = model.document_count();
            user_objects = model.objects.len();
            model
                .objects
                .iter()
                .filter_map(|o| {
                    let name = o.name?.to_string();
                    Some([
                        (o.kind.to_string(), o.namespace.to_string(), name.clone()),
                        (o.kind.to_string(), String::new(), name),
                    ])
                })
                .flatten()
                .collect()
        };
        files.extend(snap.info);
        files.extend(
            snap.objects
                .into_iter()
                .filter(|o| {
                    !shadowed.contains(&(o.kind.to_string(), o.namespace.clone(), o.name.clone()))
                })
                .map(|o| o.file),
        );
        let mut options = base.clone();
        options.namespace = namespace;
        if let Some(issuer) = snap.issuer {
            options.issuers.push(issuer);
        }
        let context_inputs = Inputs {
            files,
            ..Default::default()
        };
        let outcome = engine::lint(&context_inputs, &options);
        let mut files = context_inputs.files;
        // Global index of this context's first rendered object; user files stay at 0..n_user.
        if global.is_empty() {
            global.extend(files.drain(..n_user.min(files.len())));
        } else {
            files.drain(..n_user.min(files.len()));
        }
        let base_index = global.len();
        global.extend(files);
        let remap = |id: FileId| {
            if id.0 < n_user {
                id
            } else {
                FileId(base_index + id.0 - n_user)
            }
        };
        documents += outcome.documents;
        objects += outcome.objects;
        ok_contexts += 1;
        let mut outcome = outcome;
        for mut f in std::mem::take(&mut outcome.findings) {
            // A fix is an edit of a file; an object read from the cluster has none to edit
            // (`--fix` never writes to a cluster), so its findings offer none.
            if f.file.0 >= n_user {
                f.fix = None;
            }
            f.file = remap(f.file);
            for r in &mut f.related {
                r.file = remap(r.file);
            }
            if f.file.0 < n_user {
                let key = (
                    f.rule.id.clone(),
                    f.span.start,
                    f.span.end,
                    f.message.clone(),
                    global[f.file.0].source.path.clone(),
                );
                contexts_of
                    .entry(key)
                    .or_default()
                    .insert(snap.context.clone());
            }
            findings.push(f);
        }
        if merged.is_none() {
            merged = Some(outcome);
        }
    }

    let Some(mut outcome) = merged else {
        return Err(report);
    };
    // File findings are the same in every context; say where one holds only in some.
    if ok_contexts > 1 {
        for f in &mut findings {
            if f.file.0 >= n_user {
                continue;
            }
            let key = (
                f.rule.id.clone(),
                f.span.start,
                f.span.end,
                f.message.clone(),
                global[f.file.0].source.path.clone(),
            );
            if let Some(ctxs) = contexts_of.get(&key)
                && ctxs.len() < ok_contexts
            {
                let list: Vec<&str> = ctxs.iter().map(String::as_str).collect();
                f.message
                    .push_str(&format!(" [context {}]", list.join(", ")));
            }
        }
    }
    findings.sort_by(|a, b| {
        let pa = &global[a.file.0].source.path;
        let pb = &global[b.file.0].source.path;
        (pa, a.span.start, a.span.end, &a.rule.id, &a.message).cmp(&(
            pb,
            b.span.start,
            b.span.end,
            &b.rule.id,
            &b.message,
        ))
    });
    findings.dedup_by(|a, b| {
        a.rule.id == b.rule.id && a.file == b.file && a.span == b.span && a.message == b.message
    });
    let repeats = ok_contexts.saturating_sub(1);
    outcome.findings = findings;
    outcome.documents = documents - repeats * user_documents;
    outcome.objects = objects - repeats * user_objects;
    inputs.files = global;
    Ok((outcome, report))
}
