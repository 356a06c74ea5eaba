//! `lint`'s ecosystem flags: repeatable `-o FORMAT[=FILE]`, the config file, custom rules,
//! suppressions and `--index-root`. Wiring only; the logic lives in `config`, `custom`,
//! `suppress` and `report`.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, ValueEnum};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::config::{self, Config, Located};
use crate::input::load::{self, InputError, InputPath, Skipped};
use crate::report::{self, Report};
use crate::rules::{RuleMeta, Selection, catalog};
use crate::suppress::{Exemption, Policy};

use super::ColorChoice;
use super::lint::FailOn;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics and a summary line
    Human,
    /// one JSON document (the stable CI contract)
    Json,
    /// SARIF 2.1.0 (GitHub code scanning)
    Sarif,
    /// GitHub Actions workflow commands (::error file=…)
    Github,
    /// JUnit XML: one testcase per object
    Junit,
}

/// One `-o FORMAT[=FILE]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    pub format: Format,
    /// `None`: stdout.
    pub file: Option<PathBuf>,
}

/// Parses `FORMAT` or `FORMAT=FILE`, and tells completions and `--help` the format names.
#[derive(Debug, Clone, Copy)]
pub struct OutputSpecParser;

impl TypedValueParser for OutputSpecParser {
    type Value = OutputSpec;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<OutputSpec, clap::Error> {
        let text = value.to_string_lossy();
        let (name, file) = match text.split_once('=') {
            Some((n, f)) => (n, Some(f)),
            None => (text.as_ref(), None),
        };
        let format = Format::from_str(name, true).map_err(|_| {
            let names: Vec<String> = Format::value_variants()
                .iter()
                .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
                .collect();
            clap::Error::raw(
                clap::error::ErrorKind::InvalidValue,
                format!(
                    "invalid output `{text}`: expected FORMAT or FORMAT=FILE with FORMAT one of {}\n",
                    names.join(", ")
                ),
            )
            .with_cmd(cmd)
        })?;
        if file == Some("") {
            return Err(clap::Error::raw(
                clap::error::ErrorKind::InvalidValue,
                format!("invalid output `{text}`: the file name after `=` is empty\n"),
            )
            .with_cmd(cmd));
        }
        Ok(OutputSpec {
            format,
            file: file.filter(|f| *f != "-").map(PathBuf::from),
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            Format::value_variants()
                .iter()
                .filter_map(ValueEnum::to_possible_value),
        ))
    }
}

#[derive(Debug, Args)]
pub struct EcosystemArgs {
    /// Read this config file instead of looking for .kubectl-wid.yaml from the working
    /// directory up to the repository root
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Do not read any config file
    #[arg(long)]
    pub no_config: bool,
    /// Load custom rules (YAML) from this directory; repeatable, added to the config's rules-dirs
    #[arg(long, value_name = "DIR")]
    pub rules_dir: Vec<PathBuf>,
    /// Ignore every suppression (annotations, comments, config exemptions), e.g. in security gates
    #[arg(long)]
    pub disallow_suppressions: bool,
    /// Load every manifest below DIR into the index (cross-file rules see the whole repository)
    /// but report findings only for the PATHS given; for pre-commit, which passes changed files
    #[arg(long, value_name = "DIR")]
    pub index_root: Option<PathBuf>,
}

/// Everything `lint` needs from flags and config, resolved.
pub struct Prepared {
    pub config: Option<Config>,
    pub selection: Selection,
    pub namespace: String,
    pub fail_on: FailOn,
    pub policy: Policy,
    /// OIDC issuers of the config's known clusters.
    pub issuers: Vec<String>,
    /// Token audiences of the config's known clusters' Azure webhooks (empty: the default).
    pub audiences: Vec<String>,
    excludes: Option<(PathBuf, GlobSet)>,
    index_root: Option<PathBuf>,
}

fn fail_on_from(s: &str) -> FailOn {
    FailOn::from_str(s, true).unwrap_or(FailOn::Error)
}

/// A selector names some rule (built-in or custom).
fn known(selector: &str, custom: &[&RuleMeta]) -> bool {
    let one = Selection {
        select: vec![selector.to_string()],
        ignore: vec![],
    };
    catalog().iter().any(|m| one.enabled(m)) || custom.iter().any(|m| one.enabled(m))
}

/// Loads config and custom rules and resolves every setting. Config and rule-file errors come
/// back ready to print (span-exact); the caller exits 2.
pub fn prepare(
    eco: &EcosystemArgs,
    outputs: &[OutputSpec],
    select: &[String],
    ignore: &[String],
    namespace: Option<&str>,
    fail_on: Option<FailOn>,
) -> anyhow::Result<Prepared> {
    if outputs.iter().filter(|o| o.file.is_none()).count() > 1 {
        bail!(
            "at most one -o/--output may write to stdout; give the others a file: -o sarif=results.sarif"
        );
    }
    let path = if eco.no_config {
        None
    } else if let Some(p) = &eco.config {
        Some(p.clone())
    } else {
        config::find(&std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")))
    };
    let config = match &path {
        Some(p) => Some(config::load(p).map_err(|e| anyhow::anyhow!("invalid config file\n{e}"))?),
        None => None,
    };
    let settings = config.as_ref().map(|c| &c.settings);

    let mut dirs: Vec<PathBuf> = eco.rules_dir.clone();
    if let Some(c) = &config {
        dirs.extend(c.settings.rules_dirs.iter().map(|d| c.resolve(d)));
    }
    let custom_rules = crate::custom::load_dirs(&dirs).map_err(|e| anyhow::anyhow!("{e}"))?;
    let custom: Vec<&RuleMeta> = custom_rules.iter().map(|r| r.meta).collect();

    let unknown: Vec<&str> = select
        .iter()
        .chain(ignore)
        .filter(|p| !known(p, &custom))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        bail!(
            "unknown rule selector(s): {} (see `kubectl wid rules`)",
            unknown.join(", ")
        );
    }

    let mut exemptions = Vec::new();
    if let Some(c) = &config {
        let mut errors: Vec<Located> = Vec::new();
        let s = &c.settings;
        let lists = [
            ("select", s.select.clone().unwrap_or_default()),
            ("ignore", s.ignore.clone()),
        ];
        for (key, list) in &lists {
            for (i, sel) in list.iter().enumerate() {
                if !known(sel, &custom) {
                    errors.push(c.locate(&format!("/{key}/{i}"), unknown_rule(sel, &custom)));
                }
            }
        }
        for key in s.severity.keys() {
            if !known(key, &custom) {
                errors.push(c.locate_key(
                    &format!("/severity/{}", key.replace('~', "~0").replace('/', "~1")),
                    unknown_rule(key, &custom),
                ));
            }
        }
        for (i, e) in s.exemptions.iter().enumerate() {
            for (j, r) in e.rules.iter().enumerate() {
                if r != "*" && !r.eq_ignore_ascii_case("all") && !known(r, &custom) {
                    errors.push(c.locate(
                        &format!("/exemptions/{i}/rules/{j}"),
                        unknown_rule(r, &custom),
                    ));
                }
            }
            let mut glob = |field: &str, v: &Option<String>| -> Option<globset::GlobMatcher> {
                let v = v.as_ref()?;
                match Exemption::glob(v) {
                    Ok(g) => Some(g),
                    Err(m) => {
                        errors.push(c.locate(&format!("/exemptions/{i}/{field}"), m));
                        None
                    }
                }
            };
            let ex = Exemption {
                namespace: glob("namespace", &e.namespace),
                kind: glob("kind", &e.kind),
                name: glob("name", &e.name),
                path: glob("path", &e.path),
                base: c.dir.clone(),
                rules: e.rules.clone(),
                reason: e.reason.clone(),
            };
            exemptions.push(ex);
        }
        for (i, pattern) in s.exclude.iter().enumerate() {
            if let Err(e) = GlobBuilder::new(pattern).literal_separator(true).build() {
                errors.push(c.locate(&format!("/exclude/{i}"), format!("bad glob: {e}")));
            }
        }
        if !errors.is_empty() {
            bail!("invalid config file\n{}", c.render(&errors));
        }
    }
    let excludes = match &config {
        Some(c) if !c.settings.exclude.is_empty() => {
            let mut set = GlobSetBuilder::new();
            for p in &c.settings.exclude {
                if let Ok(g) = GlobBuilder::new(p).literal_separator(true).build() {
                    set.add(g);
                }
            }
            set.build().ok().map(|s| (c.dir.clone(), s))
        }
        _ => None,
    };

    let selection = Selection {
        select: if select.is_empty() {
            settings.and_then(|s| s.select.clone()).unwrap_or_default()
        } else {
            select.to_vec()
        },
        ignore: settings
            .map(|s| s.ignore.clone())
            .unwrap_or_default()
            .into_iter()
            .chain(ignore.iter().cloned())
            .collect(),
    };
    // Known clusters' issuers: the configured one, or an EKS cluster's, derived from its region
    // and OIDC provider id (what `aws eks describe-cluster` shows as `identity.oidc.issuer`).
    let issuers = settings
        .map(|s| {
            s.clusters
                .values()
                .filter_map(|c| {
                    c.oidc_issuer.clone().or_else(|| {
                        let aws = c.aws.as_ref()?;
                        Some(format!(
                            "https://oidc.eks.{}.amazonaws.com/id/{}",
                            aws.region.as_ref()?,
                            aws.oidc_provider_id.as_ref()?
                        ))
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Prepared {
        selection,
        namespace: namespace
            .map(str::to_string)
            .or_else(|| settings.and_then(|s| s.namespace.clone()))
            .unwrap_or_else(|| "default".to_string()),
        fail_on: fail_on
            .or_else(|| {
                settings
                    .and_then(|s| s.fail_on.as_deref())
                    .map(fail_on_from)
            })
            .unwrap_or(FailOn::Error),
        policy: Policy {
            custom_rules: std::sync::Arc::new(custom_rules),
            severity: config.as_ref().map(Config::severities).unwrap_or_default(),
            exemptions,
            disallow_suppressions: eco.disallow_suppressions,
            report_only: None,
        },
        issuers,
        audiences: settings
            .map(|s| {
                s.clusters
                    .values()
                    .filter_map(|c| c.azure.as_ref()?.token_audience.clone())
                    .collect()
            })
            .unwrap_or_default(),
        excludes,
        index_root: eco.index_root.clone(),
        config,
    })
}

fn unknown_rule(sel: &str, custom: &[&RuleMeta]) -> String {
    let names = catalog()
        .iter()
        .chain(custom.iter().copied())
        .flat_map(|r| [r.id.as_str(), r.name.as_str()]);
    let hint = crate::model::values::closest(sel, names)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default();
    format!("unknown rule `{sel}`{hint}")
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

impl Prepared {
    fn excluded(&self, path: &Path) -> bool {
        let Some((base, set)) = &self.excludes else {
            return false;
        };
        let abs = canonical(path);
        let Ok(rel) = abs.strip_prefix(base) else {
            return false;
        };
        // A pattern naming a directory excludes everything below it.
        rel.ancestors()
            .filter(|a| !a.as_os_str().is_empty())
            .any(|a| set.is_match(a))
    }

    /// Expands the paths like `lint` always did, adds the rest of `--index-root` to the index,
    /// and drops config excludes. Sets `policy.report_only` for `--index-root`.
    pub fn discover(&mut self, paths: &[String]) -> (Vec<InputPath>, Vec<InputError>) {
        let (mut found, mut errors) = load::discover(paths);
        if let Some(root) = &self.index_root {
            let given: HashSet<PathBuf> = found
                .iter()
                .filter_map(|p| p.path().map(canonical))
                .collect();
            self.policy.report_only = Some(found.iter().map(|p| p.display().to_string()).collect());
            let (all, mut more) = load::discover(&[root.to_string_lossy().into_owned()]);
            errors.append(&mut more);
            found.extend(all.into_iter().filter(|p| {
                p.path()
                    .is_some_and(|path| !given.contains(&canonical(path)))
            }));
        }
        found.retain(|p| p.path().is_none_or(|path| !self.excluded(path)));
        (found, errors)
    }

    /// Warnings for config exemptions that matched no finding.
    pub fn unused_exemption_warnings(&self, unused: &[usize]) -> Vec<String> {
        let Some(c) = &self.config else {
            return Vec::new();
        };
        unused
            .iter()
            .map(|i| {
                let at = c.locate(&format!("/exemptions/{i}"), "");
                let p = c.file.source.position(at.span.start);
                format!(
                    "kubectl-wid: warning: {}:{}:{}: config exemption matched no finding",
                    c.file.source.path, p.line, p.column
                )
            })
            .collect()
    }
}

/// Writes a streamed report (JSON, SARIF: never held whole) to stdout or to its file.
fn write_streamed(
    file: Option<&std::path::Path>,
    write: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    match file {
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = write(&mut out).and_then(|()| out.flush());
        }
        Some(path) => {
            let to_file = || -> std::io::Result<()> {
                let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
                write(&mut file)?;
                file.flush()
            };
            to_file().with_context(|| format!("writing {}", path.display()))?
        }
    }
    Ok(())
}

/// Writes every requested output. Notes about skipped files and input errors go to stderr
/// unless a machine format holds stdout (they are inside the JSON and SARIF documents).
pub fn write_outputs(
    outputs: &[OutputSpec],
    report: &Report<'_>,
    prep: &Prepared,
    skipped: &[Skipped],
    errors: &[InputError],
    color: ColorChoice,
) -> anyhow::Result<()> {
    let default = [OutputSpec {
        format: Format::Human,
        file: None,
    }];
    let outputs = if outputs.is_empty() {
        &default[..]
    } else {
        outputs
    };
    let stdout_machine = outputs
        .iter()
        .any(|o| o.file.is_none() && o.format != Format::Human);
    if !stdout_machine {
        let mut err = std::io::stderr().lock();
        for e in errors {
            let _ = writeln!(err, "kubectl-wid: error: {e}");
        }
        for s in skipped {
            let _ = writeln!(err, "kubectl-wid: note: skipped {}: {}", s.path, s.reason);
        }
    }
    for o in outputs {
        let parts = match o.format {
            Format::Human => vec![report::human::render(
                report,
                o.file.is_none() && color.enabled(),
            )],
            Format::Json => {
                write_streamed(o.file.as_deref(), &|out| report::json::write(report, out))?;
                continue;
            }
            Format::Sarif => {
                let custom = &prep.policy.custom_rules;
                write_streamed(o.file.as_deref(), &|out| {
                    report::sarif::write(report, custom, out)
                })?;
                continue;
            }
            Format::Github => vec![report::github::render(report)],
            Format::Junit => report::junit::render_parts(report, prep.policy.report_only.as_ref()),
        };
        match &o.file {
            None => {
                let mut out = std::io::stdout().lock();
                // A closed pipe (`| head`) is not an error worth a message.
                for part in &parts {
                    if out.write_all(part.as_bytes()).is_err() {
                        break;
                    }
                }
                let _ = out.flush();
            }
            Some(path) => {
                let write = || -> std::io::Result<()> {
                    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
                    for part in &parts {
                        file.write_all(part.as_bytes())?;
                    }
                    file.flush()
                };
                write().with_context(|| format!("writing {}", path.display()))?
            }
        }
    }
    Ok(())
}
