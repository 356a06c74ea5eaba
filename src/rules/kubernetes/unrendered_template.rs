use crate::input::FileId;
use crate::rules::{Context, Finding, Rule};

/// K8S004: an unrendered Helm/Go template; linting it would only produce noise.
pub struct UnrenderedTemplate;

impl Rule for UnrenderedTemplate {
    fn id(&self) -> &'static str {
        "K8S004"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for (i, file) in ctx.model.files.iter().enumerate() {
            if let Some(at) = file.template_at {
                let end = file.source.text[at..]
                    .find("}}")
                    .map_or(at + 2, |e| at + e + 2)
                    .min(
                        file.source
                            .line_range(file.source.line_index(at))
                            .end
                            .max(at + 2),
                    );
                out.push(Finding::new(
                    self.id(),
                    FileId(i),
                    at..end,
                    "unrendered Helm template: file skipped",
                ));
            }
        }
    }
}
