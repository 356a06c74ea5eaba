//! Auto-fix: findings carry text edits at parsed spans ([`Edit`]); this layer merges them per
//! file, skips conflicting ones, applies them, re-parses and re-lints the result, and never
//! re-serialises a document. Writing is [`write::write_atomic`].
//!
//! Attaching a fix in a rule (edit builders are in [`yaml`]):
//!
//! ```ignore
//! let edit = fix::yaml::replace_scalar(text, &entry.value, "true");
//! out.push(Finding::at(..).with_fix_opt("write \"true\"", edit.map(|e| vec![e])));
//! ```
//!
//! The catalog entry (`rules/<ID>.yaml`) declares `fix.availability` (`sometimes`/`always`)
//! and `fix.applicability` (`safe`/`unsafe`); a single edit can be unsafe on its own
//! ([`Edit::unsafe_only`]). A plan runs rounds: lint, take every applicable fix in finding
//! order, skip a fix whose edits conflict with one already taken (it is retried next round on
//! the new text), apply, refuse the round if a changed file parses worse or a fixed finding is
//! still there (those fixes are dropped with a note), repeat until nothing is left to fix.

pub mod diff;
pub mod edit;
pub mod literal;
pub mod write;
pub mod yaml;

use std::collections::{HashMap, HashSet};

pub use edit::Edit;

use crate::engine::{self, Options};
use crate::input::load::{Inputs, LoadedFile, load_text};
use crate::input::yaml::ProblemKind;
use crate::rules::Finding;
use crate::rules::catalog::Applicability;

/// Which fixes to apply: `--fix` (safe) or `--fix --unsafe-fixes` (all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Safe,
    Unsafe,
}

impl Level {
    fn allows(self, a: Applicability) -> bool {
        self == Level::Unsafe || a == Applicability::Safe
    }
}

/// A file whose text the plan changes.
#[derive(Debug, Clone)]
pub struct FixedFile {
    /// The path as displayed (`-` for stdin).
    pub path: String,
    pub original: String,
    pub fixed: String,
    /// How the file is written back: as it was read (UTF-16 stays UTF-16).
    pub encoding: crate::input::Encoding,
}

impl FixedFile {
    /// The fixed text as the bytes to write.
    pub fn bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        self.encoding.encode(&self.fixed)
    }
}

#[derive(Debug, Default)]
pub struct Plan {
    pub files: Vec<FixedFile>,
    /// Findings of the original inputs that are gone after the fixes.
    pub fixed: usize,
    /// Fixes not applied and why (conflicts, a result that would not parse, a finding that stays).
    pub notes: Vec<String>,
}

/// What identifies a finding across re-lints, where spans move: rule, file, object, message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    rule: String,
    path: String,
    /// Stream index of the document the finding is in. Two unnamed objects of one kind and
    /// namespace in one file get the same message; without it, the refused fix of one kept
    /// the other from being tried (found by the `fix` fuzz target). Fixes never add or drop
    /// a document (`parses_as_well`), so the index holds across rounds.
    document: Option<usize>,
    object: Option<(String, String, String)>,
    message: String,
}

fn key(f: &Finding, files: &[LoadedFile]) -> Key {
    let file = &files[f.file.0];
    let documents = &file.parsed.documents;
    let before = documents.partition_point(|d| d.root.span().start <= f.span.start);
    Key {
        rule: f.rule.id.clone(),
        path: file.source.path.clone(),
        document: before.checked_sub(1).map(|i| documents[i].index),
        object: f.object.as_ref().map(|o| {
            (
                o.kind.to_string(),
                o.namespace.to_string(),
                o.name.to_string(),
            )
        }),
        message: f.message.clone(),
    }
}

/// The edits of a fix that `level` applies, each resolved to a file index.
fn applicable(f: &Finding, level: Level) -> Vec<(usize, Edit)> {
    let Some(fix) = &f.fix else { return Vec::new() };
    fix.edits
        .iter()
        .filter(|e| level.allows(e.applicability.unwrap_or(fix.applicability)))
        .map(|e| (e.file.unwrap_or(f.file).0, e.clone()))
        .collect()
}

/// A fix that was taken for a round: its finding and the files it edits.
struct Taken {
    key: Key,
    files: HashSet<usize>,
    edits: Vec<(usize, Edit)>,
}

/// Takes fixes in finding order; a fix any of whose edits conflicts with an edit already taken
/// in the same file is skipped whole (never applied on top of the other) and named in `skipped`.
fn select(
    fixes: Vec<(Key, Vec<(usize, Edit)>)>,
) -> (HashMap<usize, Vec<Edit>>, Vec<Taken>, Vec<Key>) {
    let mut per_file: HashMap<usize, Vec<Edit>> = HashMap::new();
    let mut taken = Vec::new();
    let mut skipped = Vec::new();
    for (k, edits) in fixes {
        let conflict = edits.iter().enumerate().any(|(i, (file, e))| {
            per_file
                .get(file)
                .is_some_and(|have| have.iter().any(|h| h.conflicts_with(e)))
                || edits[..i]
                    .iter()
                    .any(|(f2, e2)| f2 == file && e2.conflicts_with(e))
        });
        if conflict {
            skipped.push(k);
            continue;
        }
        let files = edits.iter().map(|(f, _)| *f).collect();
        for (file, e) in &edits {
            per_file.entry(*file).or_default().push(e.clone());
        }
        taken.push(Taken {
            key: k,
            files,
            edits,
        });
    }
    (per_file, taken, skipped)
}

/// What `load_all` may take over from an earlier load: its files, except those at the indexes
/// in `changed`; `index` maps each path to its index.
struct Previous<'p, 'i> {
    inputs: &'p mut Inputs,
    changed: &'p HashSet<usize>,
    index: &'p HashMap<&'i str, usize>,
}

/// Loads `texts` on all cores, in order. The files of `previous` not changed since are taken
/// over as they are instead of parsed again: a round edits few files.
fn load_all(paths: &[String], texts: &[String], previous: Option<Previous<'_, '_>>) -> Inputs {
    use rayon::prelude::*;
    let mut slots: Vec<Option<LoadedFile>> = (0..paths.len()).map(|_| None).collect();
    if let Some(Previous {
        inputs: previous,
        changed,
        index,
    }) = previous
    {
        for f in std::mem::take(&mut previous.files) {
            if let Some(&i) = index.get(f.source.path.as_str())
                && !changed.contains(&i)
            {
                slots[i] = Some(f);
            }
        }
    }
    let files: Vec<Option<LoadedFile>> = paths
        .par_iter()
        .zip(texts)
        .zip(slots)
        .map(|((p, t), kept)| kept.or_else(|| load_text(p, t)))
        .collect();
    Inputs {
        files: files.into_iter().flatten().collect(),
        ..Inputs::default()
    }
}

/// Syntax problems of a loaded file (YAML errors, duplicate keys, Terraform syntax errors).
fn parse_problems(f: &LoadedFile) -> usize {
    f.parsed
        .problems
        .iter()
        .filter(|p| {
            matches!(
                p.kind,
                ProblemKind::Syntax | ProblemKind::DuplicateKey { .. }
            )
        })
        .count()
        + f.terraform
            .as_ref()
            .map_or(0, |t| usize::from(t.error.is_some()))
}

/// Whether a fixed text still loads as well as the original: no new syntax problem, the same
/// number of documents, still linted (not turned into a skipped or template file).
fn parses_as_well(path: &str, original: &str, fixed: &str) -> bool {
    let (Some(before), Some(after)) = (load_text(path, original), load_text(path, fixed)) else {
        return false;
    };
    parse_problems(&after) <= parse_problems(&before)
        && after.parsed.document_count == before.parsed.document_count
        && after.parsed.documents.len() == before.parsed.documents.len()
        && after.template_at.is_none() == before.template_at.is_none()
}

const MAX_ROUNDS: usize = 10;

/// Computes the fixed texts of `inputs` without writing anything.
pub fn plan(inputs: &Inputs, options: &Options, level: Level) -> Plan {
    plan_with(inputs, level, &|i: &Inputs| {
        engine::lint(i, options).findings
    })
}

/// `plan` with the lint step given (tests drive the rounds' refusals with it).
fn plan_with(inputs: &Inputs, level: Level, lint: &dyn Fn(&Inputs) -> Vec<Finding>) -> Plan {
    let paths: Vec<String> = inputs.files.iter().map(|f| f.source.path.clone()).collect();
    let encodings: Vec<crate::input::Encoding> =
        inputs.files.iter().map(|f| f.source.encoding).collect();
    let originals: Vec<String> = inputs.files.iter().map(|f| f.source.text.clone()).collect();
    let mut texts = originals.clone();
    let mut failed: HashMap<Key, String> = HashMap::new();
    let mut conflicted: HashSet<Key> = HashSet::new();
    let mut initial: Option<HashSet<Key>> = None;
    let mut rounds = 0;
    // `load_all` keeps every file that loaded before (a fixed text never becomes empty).
    let index: HashMap<&str, usize> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i))
        .collect();
    // The inputs of `texts` and their findings: a round that is kept starts the next one from
    // what it checked its result with, instead of loading and linting the same texts again.
    let mut current = load_all(&paths, &texts, None);
    let mut findings = lint(&current);
    let final_keys = loop {
        let keys: HashSet<Key> = findings.iter().map(|f| key(f, &current.files)).collect();
        initial.get_or_insert_with(|| keys.clone());
        rounds += 1;
        if rounds > MAX_ROUNDS + failed.len() {
            break keys;
        }
        let fixes: Vec<(Key, Vec<(usize, Edit)>)> = findings
            .iter()
            .filter_map(|f| {
                let k = key(f, &current.files);
                if failed.contains_key(&k) {
                    return None;
                }
                let edits: Vec<(usize, Edit)> = applicable(f, level)
                    .into_iter()
                    .filter_map(|(file, e)| {
                        let path = current.files.get(file)?.source.path.as_str();
                        Some((*index.get(path)?, e))
                    })
                    .collect();
                (!edits.is_empty()).then_some((k, edits))
            })
            .collect();
        let (per_file, taken, skipped) = select(fixes);
        conflicted.extend(skipped);
        if taken.is_empty() {
            break keys;
        }
        let mut next = texts.clone();
        let mut bad_files: HashMap<usize, &'static str> = HashMap::new();
        // Each edited file is applied and re-parsed on its own: on all cores.
        let applied: Vec<(usize, Result<String, &'static str>)> = {
            use rayon::prelude::*;
            let per_file: Vec<(&usize, &Vec<Edit>)> = per_file.iter().collect();
            per_file
                .into_par_iter()
                .map(|(&file, edits)| {
                    let refs: Vec<&Edit> = edits.iter().collect();
                    let result = match edit::apply(&texts[file], &refs) {
                        Some(t) if parses_as_well(&paths[file], &texts[file], &t) => Ok(t),
                        Some(_) => Err("the result would not parse as before"),
                        None => Err("its edit is outside the file (a bug; please report it)"),
                    };
                    (file, result)
                })
                .collect()
        };
        for (file, result) in applied {
            match result {
                Ok(t) => next[file] = t,
                Err(why) => {
                    bad_files.insert(file, why);
                }
            }
        }
        let mut round_failed = false;
        if !bad_files.is_empty() {
            // Find the culprits: add the fixes touching a bad file one at a time, in order.
            for (&file, why) in &bad_files {
                let mut good: Vec<&Edit> = Vec::new();
                for t in &taken {
                    if !t.files.contains(&file) {
                        continue;
                    }
                    let mine: Vec<&Edit> = t
                        .edits
                        .iter()
                        .filter(|(f, _)| *f == file)
                        .map(|(_, e)| e)
                        .collect();
                    let trial: Vec<&Edit> =
                        good.iter().copied().chain(mine.iter().copied()).collect();
                    match edit::apply(&texts[file], &trial) {
                        Some(t2) if parses_as_well(&paths[file], &texts[file], &t2) => good = trial,
                        _ => {
                            failed.insert(t.key.clone(), (*why).to_string());
                        }
                    }
                }
            }
            round_failed = true;
        } else {
            let changed: HashSet<usize> = per_file.keys().copied().collect();
            let mut after = load_all(
                &paths,
                &next,
                Some(Previous {
                    inputs: &mut current,
                    changed: &changed,
                    index: &index,
                }),
            );
            let after_findings = lint(&after);
            let remaining: HashSet<Key> = after_findings
                .iter()
                .map(|f| key(f, &after.files))
                .collect();
            for t in &taken {
                if remaining.contains(&t.key) {
                    failed.insert(
                        t.key.clone(),
                        "the finding is still there after the edit".to_string(),
                    );
                    round_failed = true;
                }
            }
            if round_failed {
                // Back to `texts`: the unchanged files were moved into `after`.
                current = load_all(
                    &paths,
                    &texts,
                    Some(Previous {
                        inputs: &mut after,
                        changed: &changed,
                        index: &index,
                    }),
                );
            } else {
                current = after;
                findings = after_findings;
            }
        }
        // A failed round keeps `texts`, and with it `current` and `findings` (linting is
        // deterministic); the next round leaves the failed fixes out.
        if !round_failed {
            texts = next;
        }
    };
    let initial = initial.unwrap_or_default();
    let mut notes: Vec<String> = failed
        .iter()
        .filter(|(k, _)| final_keys.contains(*k))
        .map(|(k, why)| format!("{}: {}: fix not applied: {why}", k.path, k.rule))
        .collect();
    notes.extend(
        conflicted
            .iter()
            .filter(|k| final_keys.contains(*k) && !failed.contains_key(*k))
            .map(|k| {
                format!(
                    "{}: {}: fix skipped: its edits overlap a fix applied before it",
                    k.path, k.rule
                )
            }),
    );
    notes.sort();
    Plan {
        files: paths
            .into_iter()
            .zip(encodings)
            .zip(originals)
            .zip(texts)
            .filter(|((_, o), t)| o != t)
            .map(|(((path, encoding), original), fixed)| FixedFile {
                path,
                original,
                fixed,
                encoding,
            })
            .collect(),
        fixed: initial.difference(&final_keys).count(),
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(n: &str) -> Key {
        Key {
            rule: n.into(),
            path: "p".into(),
            document: None,
            object: None,
            message: n.into(),
        }
    }

    #[test]
    fn later_conflicting_fix_is_skipped_whole() {
        let fixes = vec![
            (k("A"), vec![(0, Edit::replace(2..5, "x"))]),
            (
                k("B"),
                vec![(0, Edit::insert(0, "y")), (0, Edit::replace(4..6, "z"))],
            ),
            (k("C"), vec![(0, Edit::replace(2..5, "x"))]),
        ];
        let (per_file, taken, skipped) = select(fixes);
        assert_eq!(per_file[&0].len(), 2, "A and its identical twin C");
        assert_eq!(taken.len(), 2);
        assert_eq!(skipped, vec![k("B")]);
    }
}

#[cfg(test)]
mod yaml_tests;

#[cfg(test)]
mod plan_tests;

#[cfg(test)]
mod refusal_tests {
    use super::parses_as_well;

    #[test]
    fn a_text_that_parses_worse_is_refused() {
        let ok = "a:\n  b: 1\n---\nc: 2\n";
        assert!(parses_as_well("x.yaml", ok, "a:\n  b: \"1\"\n---\nc: 2\n"));
        // A broken indentation, a duplicate key, a lost document, an emptied file: refused.
        assert!(!parses_as_well(
            "x.yaml",
            ok,
            "a:\n  b: 1\n c: 3\n---\nc: 2\n"
        ));
        assert!(!parses_as_well(
            "x.yaml",
            ok,
            "a:\n  b: 1\n  b: 2\n---\nc: 2\n"
        ));
        assert!(!parses_as_well("x.yaml", ok, "a:\n  b: 1\n"));
        assert!(!parses_as_well("x.yaml", ok, ""));
    }
}
