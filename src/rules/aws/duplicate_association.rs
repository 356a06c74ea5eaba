use foldhash::{HashMap, HashMapExt as _};

use crate::rules::{Context, Finding, Rule};

use super::association_finding;

/// PI006: two associations for the same cluster, namespace and ServiceAccount in the
/// configuration (eksctl, ACK, Terraform). EKS allows one role per ServiceAccount per cluster;
/// the second create fails with `ResourceInUseException: Association already exists`
/// (eksctl#7753). API output (`describe`/`list`) is not compared: it shows associations that
/// exist (the output of the association a configuration created is not a second one, and two
/// exports of different times may show a deleted and a re-created association).
pub struct DuplicateAssociation;

impl Rule for DuplicateAssociation {
    fn id(&self) -> &'static str {
        "PI006"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
        let associations = &ctx.model.aws().associations;
        for (i, a) in associations.iter().enumerate() {
            let (Some(cluster), Some(ns), Some(sa)) =
                (a.cluster(), a.namespace(), a.service_account())
            else {
                continue;
            };
            if a.form.is_live() {
                continue;
            }
            let key = (cluster, ns, sa);
            let Some(&first) = seen.get(&key) else {
                seen.insert(key, i);
                continue;
            };
            let other = &associations[first];
            out.push(
                association_finding(
                    ctx.model,
                    self.id(),
                    a,
                    a.anchor.clone(),
                    format!(
                        "{} is defined twice ({} and {}): EKS allows one association per ServiceAccount and cluster, so creating the second fails with `ResourceInUseException: Association already exists`",
                        a.label(),
                        other.form.describe(),
                        a.form.describe()
                    ),
                )
                .help("keep one association for this ServiceAccount; to change its role, update that association")
                .related(other.file, other.anchor.clone(), "first association for this ServiceAccount"),
            );
        }
    }
}
