use crate::input::FileId;
use crate::rules::{Context, Finding, Rule};

/// TF001: a `.tf` file is not valid HCL, or a `.tf.json` file not valid Terraform JSON. Its
/// resources (federated credentials, roles, bindings) are not linted; the other inputs are.
pub struct TerraformSyntaxError;

impl Rule for TerraformSyntaxError {
    fn id(&self) -> &'static str {
        "TF001"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for (i, f) in ctx.model.files.iter().enumerate() {
            let Some(e) = f.terraform.as_ref().and_then(|t| t.error.as_ref()) else {
                continue;
            };
            out.push(
                Finding::new(
                    self.id(),
                    FileId(i),
                    e.offset..e.offset,
                    if crate::input::terraform::json::is_terraform_json_path(&f.source.path) {
                        format!("invalid Terraform JSON: {}", e.message)
                    } else {
                        format!("invalid HCL: {}", e.message)
                    },
                )
                .help("fix the syntax (`terraform validate` shows the same error); nothing in this file was linted"),
            );
        }
    }
}
