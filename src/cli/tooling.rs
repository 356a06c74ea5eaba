//! Shell and tooling commands: `completion <shell>`, `man`, `config schema|rule-schema|check`,
//! and the hidden `__complete` protocol kubectl ≥ 1.26 uses for `kubectl wid <TAB>` (via a
//! `kubectl_complete-wid` executable on PATH that calls `kubectl-wid __complete …`).

use std::path::PathBuf;

use clap::{Args, CommandFactory, Subcommand};
use clap_complete::Shell;

use super::{Cli, EXIT_CLEAN, EXIT_ERROR};

/// The standalone binary's name, used for completion scripts and man pages.
pub const BIN: &str = "kubectl-wid";

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to generate the completion script for
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (default: the main page)
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: ConfigAction,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the JSON Schema of .kubectl-wid.yaml
    Schema,
    /// Print the JSON Schema of a custom rule file
    RuleSchema,
    /// Validate a config file (default: the one lint would use) and print where it is
    Check {
        /// Config file to check
        path: Option<PathBuf>,
    },
}

/// The command tree as the standalone `kubectl-wid` binary presents it.
pub fn command() -> clap::Command {
    Cli::command().bin_name(BIN)
}

/// A completion script for `shell`, exactly as `kubectl-wid completion <shell>` prints it.
pub fn completion_script(shell: Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command(), BIN, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The file name under `completions/` for each shell (the names each shell's loader expects).
pub fn completion_file(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "kubectl-wid.bash",
        Shell::Zsh => "_kubectl-wid",
        Shell::Fish => "kubectl-wid.fish",
        Shell::PowerShell => "_kubectl-wid.ps1",
        Shell::Elvish => "kubectl-wid.elv",
        _ => "kubectl-wid.unknown",
    }
}

/// The man page of the main command (`None`) or one subcommand, in roff.
pub fn man_page(sub: Option<&str>) -> Option<String> {
    let mut cmd = command();
    cmd.build();
    let page = match sub {
        None => cmd,
        Some(name) => {
            let s = cmd.find_subcommand(name)?.clone();
            // Man pages are generated a handful of times per run: leaking the names is fine.
            let full: &'static str = Box::leak(format!("{BIN}-{}", s.get_name()).into_boxed_str());
            let bin: &'static str = Box::leak(format!("{BIN} {}", s.get_name()).into_boxed_str());
            s.name(full).bin_name(bin)
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page).render(&mut out).ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Visible subcommands, for one man page each.
pub fn man_subcommands() -> Vec<String> {
    command()
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name().to_string())
        .collect()
}

pub fn completion(args: CompletionArgs) -> anyhow::Result<u8> {
    print!("{}", completion_script(args.shell));
    Ok(EXIT_CLEAN)
}

pub fn man(args: ManArgs) -> anyhow::Result<u8> {
    match man_page(args.command.as_deref()) {
        Some(page) => {
            print!("{page}");
            Ok(EXIT_CLEAN)
        }
        None => {
            eprintln!(
                "kubectl-wid: error: no subcommand `{}`",
                args.command.unwrap_or_default()
            );
            Ok(EXIT_ERROR)
        }
    }
}

pub fn config(args: ConfigArgs) -> anyhow::Result<u8> {
    match args.action {
        ConfigAction::Schema => print!("{}", crate::config::SCHEMA),
        ConfigAction::RuleSchema => print!("{}", crate::custom::RULE_SCHEMA),
        ConfigAction::Check { path } => {
            let path = path.or_else(|| {
                crate::config::find(&std::env::current_dir().unwrap_or_else(|_| ".".into()))
            });
            let Some(path) = path else {
                println!(
                    "no {} found (looked from the working directory up to the repository root)",
                    crate::config::FILE_NAME
                );
                return Ok(EXIT_CLEAN);
            };
            match crate::config::load(&path) {
                Ok(_) => println!("{}: valid", path.display()),
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(EXIT_ERROR);
                }
            }
        }
    }
    Ok(EXIT_CLEAN)
}

/// Accepts any text (unknown ids get `explain`'s own "did you mean" error) but offers the
/// catalog's ids to completion scripts, so completions come from the catalog too.
#[derive(Debug, Clone, Copy)]
pub struct RuleIdParser;

impl clap::builder::TypedValueParser for RuleIdParser {
    type Value = String;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        Ok(value.to_string_lossy().into_owned())
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(crate::rules::catalog().iter().map(|r| {
            clap::builder::PossibleValue::new(r.id.as_str()).help(r.summary.as_str())
        })))
    }
}

/// Whether the binary runs under kubectl's completion-helper name (a symlink).
pub fn invoked_as_completer(argv0: &str) -> bool {
    std::path::Path::new(argv0)
        .file_stem()
        .is_some_and(|n| n == "kubectl_complete-wid")
}

/// Cobra's `ShellCompDirective` bits (what kubectl's completion expects on the last line).
const DIRECTIVE_DEFAULT: u32 = 0;
const DIRECTIVE_NO_FILE_COMP: u32 = 4;

/// Answers cobra's `__complete` request: `words` are the arguments after `wid`, the last one
/// being the word under the cursor (possibly empty). Returns the lines to print.
pub fn complete(words: &[String], descriptions: bool) -> String {
    let mut cmd = Cli::command();
    cmd.build();
    let (current, before) = match words.split_last() {
        Some((c, b)) => (c.as_str(), b),
        None => ("", &[][..]),
    };
    let mut here = &cmd;
    let mut pending: Option<&clap::Arg> = None;
    for w in before {
        if pending.take().is_some() {
            continue;
        }
        if let Some(long) = w.strip_prefix("--") {
            if !long.contains('=') {
                pending = here
                    .get_arguments()
                    .find(|a| a.get_long() == Some(long))
                    .filter(|a| a.get_action().takes_values());
            }
        } else if let Some(short) = w.strip_prefix('-').filter(|s| s.chars().count() == 1) {
            let c = short.chars().next();
            pending = here
                .get_arguments()
                .find(|a| a.get_short() == c)
                .filter(|a| a.get_action().takes_values());
        } else if let Some(sub) = here.find_subcommand(w) {
            here = sub;
        }
    }
    let mut out: Vec<(String, String)> = Vec::new();
    let directive;
    if let Some(arg) = pending {
        let values = arg.get_possible_values();
        out.extend(values.iter().filter(|v| !v.is_hide_set()).map(|v| {
            (
                v.get_name().to_string(),
                v.get_help().map(|h| h.to_string()).unwrap_or_default(),
            )
        }));
        directive = if values.is_empty() {
            DIRECTIVE_DEFAULT
        } else {
            DIRECTIVE_NO_FILE_COMP
        };
    } else if current.starts_with('-') {
        for a in here.get_arguments().filter(|a| !a.is_hide_set()) {
            let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
            if let Some(l) = a.get_long() {
                out.push((format!("--{l}"), help.clone()));
            }
            if let Some(s) = a.get_short() {
                out.push((format!("-{s}"), help));
            }
        }
        directive = DIRECTIVE_NO_FILE_COMP;
    } else if here.has_subcommands() {
        out.extend(
            here.get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(|s| {
                    (
                        s.get_name().to_string(),
                        s.get_about().map(|a| a.to_string()).unwrap_or_default(),
                    )
                }),
        );
        directive = DIRECTIVE_NO_FILE_COMP;
    } else {
        // Positionals that are not enumerable are paths: let the shell complete files.
        let values: Vec<(String, String)> = here
            .get_positionals()
            .flat_map(|a| a.get_possible_values())
            .map(|v| {
                let help = v.get_help().map(|h| h.to_string()).unwrap_or_default();
                (v.get_name().to_string(), help)
            })
            .collect();
        directive = if values.is_empty() {
            DIRECTIVE_DEFAULT
        } else {
            DIRECTIVE_NO_FILE_COMP
        };
        out.extend(values);
    }
    let mut text = String::new();
    for (value, help) in out.into_iter().filter(|(v, _)| v.starts_with(current)) {
        let help = help.lines().next().unwrap_or("").to_string();
        if descriptions && !help.is_empty() {
            text.push_str(&format!("{value}\t{help}\n"));
        } else {
            text.push_str(&format!("{value}\n"));
        }
    }
    text.push_str(&format!(":{directive}\n"));
    text
}
