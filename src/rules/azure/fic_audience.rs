use crate::model::azure_identity::{Audiences, Field, Form, TOKEN_EXCHANGE_AUDIENCE};
use crate::rules::{Context, Finding, Rule};

use super::fic_common::{at_value, fic_finding};

/// AZ023: a federated credential's audiences are not exactly one, `api://AzureADTokenExchange`,
/// the audience of the token the webhook projects (AADSTS700212 otherwise; Azure rejects more
/// than one audience).
pub struct FicAudience;

impl Rule for FicAudience {
    fn id(&self) -> &'static str {
        "AZ023"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        // The webhook's `--audience` may be changed per cluster (`--audience`, config file).
        let configured = &ctx.model.token_audiences;
        let accepted: Vec<&str> = if configured.is_empty() {
            vec![TOKEN_EXCHANGE_AUDIENCE]
        } else {
            configured.iter().map(String::as_str).collect()
        };
        let expected = accepted[0];
        for fic in &ctx.model.azure_identities().fics {
            let (file, span, items) = match &fic.audiences {
                Some(Audiences::List { file, span, items }) => (*file, span.clone(), items),
                Some(Audiences::Unknown(_)) => continue,
                None => {
                    // `az` defaults the audience; the resource forms require it.
                    if fic.form != Form::AzCli {
                        out.push(
                            fic_finding(
                                self.id(),
                                ctx,
                                fic,
                                fic.file,
                                fic.anchor.clone(),
                                format!(
                                    "{} sets no audience: Azure requires exactly one",
                                    fic.display
                                ),
                            )
                            .help(format!("add the audience `{expected}`")),
                        );
                    }
                    continue;
                }
            };
            if items.len() != 1 {
                out.push(
                    fic_finding(
                        self.id(),
                        ctx,
                        fic,
                        file,
                        span,
                        format!(
                            "{} has {} audiences: federated credentials must have exactly one (`{expected}`)",
                            fic.display,
                            items.len()
                        ),
                    )
                    .help(format!("use exactly one audience: [\"{expected}\"]")),
                );
                continue;
            }
            let Some(Field::Known(aud)) = items.first() else {
                continue;
            };
            if accepted.contains(&aud.text.as_str()) {
                continue;
            }
            let why = if accepted.contains(&aud.text.trim()) {
                "has whitespace around it".to_string()
            } else if accepted.iter().any(|a| aud.text.eq_ignore_ascii_case(a)) {
                "differs in case (audiences match case-sensitively)".to_string()
            } else if aud.text == "api://AKSIdentityBinding" {
                "is the identity-binding audience; tokens for direct federation carry `api://AzureADTokenExchange`".to_string()
            } else {
                format!("is not `{expected}`, the audience of the token the webhook projects")
            };
            out.push(
                at_value(
                    self.id(),
                    ctx,
                    fic,
                    aud,
                    format!(
                        "audience `{}` of {} {why}: the token exchange fails with AADSTS700212",
                        aud.text.escape_debug(),
                        fic.display
                    ),
                )
                .help(format!("set the audience to `{expected}`")),
            );
        }
    }
}
