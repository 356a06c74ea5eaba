use clap::{Args, ValueEnum};

use crate::model::values::closest;
use crate::report::catalog::{explain_text, markdown_table, table};
use crate::rules::{catalog, lookup};

use super::{EXIT_CLEAN, EXIT_ERROR};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format (markdown is the README's rule table)
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub output: RulesFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule id (AZ001) or name (missing-use-label)
    #[arg(value_parser = super::tooling::RuleIdParser, hide_possible_values = true)]
    pub rule: String,
}

pub fn rules(args: RulesArgs) -> anyhow::Result<u8> {
    let text = match args.output {
        RulesFormat::Table => table(),
        RulesFormat::Json => serde_json::to_string_pretty(catalog())? + "\n",
        RulesFormat::Markdown => markdown_table(),
    };
    print!("{text}");
    Ok(EXIT_CLEAN)
}

pub fn explain(args: ExplainArgs) -> anyhow::Result<u8> {
    match lookup(&args.rule) {
        Some(r) => {
            print!("{}", explain_text(r));
            Ok(EXIT_CLEAN)
        }
        None => {
            let names = catalog()
                .iter()
                .flat_map(|r| [r.id.as_str(), r.name.as_str()]);
            let hint = closest(&args.rule, names)
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            eprintln!(
                "kubectl-wid: error: no rule `{}`{hint}; `kubectl wid rules` lists them",
                args.rule
            );
            Ok(EXIT_ERROR)
        }
    }
}
