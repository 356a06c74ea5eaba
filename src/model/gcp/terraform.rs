//! Terraform resources of the GCP view: `google_service_account`,
//! `google_service_account_iam_{member,binding,policy}` and `google_project_iam_{member,binding}`,
//! read through the shared HCL layer ([`crate::input::terraform`]).

use crate::input::FileId;
use crate::input::terraform::{Block, Expr, ExprKind, Part, Resolved, TerraformIndex};
use crate::model::Model;

use super::{
    Binding, GSA_ANNOTATION, GcpModel, GoogleServiceAccount, GsaEmail, Located, Origin, Target,
    TerraformKsa, external_service_account,
};

pub(super) fn collect(model: &Model<'_>, out: &mut GcpModel) {
    let tf = model.terraform();
    if tf.is_empty() {
        return;
    }
    for (file, b) in tf.resources("google_service_account") {
        let Some(account_id) = literal_str(tf, file, b, "account_id") else {
            continue;
        };
        out.service_accounts.push(GoogleServiceAccount {
            account_id,
            project: literal_str(tf, file, b, "project"),
            file,
            anchor: b.anchor(),
            display: b.address(),
        });
    }
    for ty in [
        "kubernetes_service_account",
        "kubernetes_service_account_v1",
    ] {
        for (file, b) in tf.resources(ty) {
            if let Some(k) = terraform_ksa(model, tf, file, b) {
                out.terraform_ksas.push(k);
            }
        }
    }
    let kinds: [(&'static str, bool); 5] = [
        ("google_service_account_iam_member", false),
        ("google_service_account_iam_binding", false),
        ("google_service_account_iam_policy", false),
        ("google_project_iam_member", true),
        ("google_project_iam_binding", true),
    ];
    for (kind, project_level) in kinds {
        for (file, b) in tf.resources(kind) {
            let (target, resource_key) = if project_level {
                (Target::Project, key(model, file, b, "project"))
            } else {
                (
                    service_account_target(tf, file, b),
                    key(model, file, b, "service_account_id"),
                )
            };
            let base = |role: Option<Located>, member: Option<(Located, bool)>| Binding {
                origin: Origin::Terraform,
                kind,
                display: b.address(),
                file,
                anchor: b.anchor(),
                role,
                member_is_template: member.as_ref().is_some_and(|m| m.1),
                member: member.map(|m| m.0),
                target: target.clone(),
                resource_key: resource_key.clone(),
            };
            if kind == "google_service_account_iam_policy" {
                for (role, members) in policy_data_bindings(model, tf, file, b) {
                    if members.is_empty() {
                        out.bindings.push(base(role.clone(), None));
                    }
                    for m in members {
                        out.bindings.push(base(role.clone(), m));
                    }
                }
                continue;
            }
            let role = b
                .body
                .attr("role")
                .and_then(|a| located_str(model, tf, file, &a.value));
            if let Some(m) = b.body.attr("member") {
                out.bindings
                    .push(base(role, member_text(model, tf, file, &m.value)));
            } else if let Some(ms) = b.body.attr("members") {
                let items = match resolve(tf, file, &ms.value) {
                    Some((f, e)) => e.as_list().map(|l| (f, l)),
                    None => None,
                };
                match items {
                    Some((f, list)) => {
                        for item in list {
                            out.bindings
                                .push(base(role.clone(), member_text(model, tf, f, item)));
                        }
                    }
                    None => out.bindings.push(base(role, None)),
                }
            }
        }
    }
}

fn resolve<'a>(tf: &TerraformIndex<'a>, file: FileId, e: &'a Expr) -> Option<(FileId, &'a Expr)> {
    match tf.resolve(file, e) {
        Resolved::Literal { file, expr } => Some((file, expr)),
        Resolved::Unresolved { .. } => None,
    }
}

fn literal_str<'a>(
    tf: &TerraformIndex<'a>,
    file: FileId,
    b: &'a Block,
    attr: &str,
) -> Option<String> {
    let a = b.body.attr(attr)?;
    let (_, e) = resolve(tf, file, &a.value)?;
    e.as_str().map(str::to_string)
}

/// The attribute value as a [`Located`] string literal (following references).
fn located_str<'a>(
    model: &Model<'_>,
    tf: &TerraformIndex<'a>,
    file: FileId,
    e: &'a Expr,
) -> Option<Located> {
    let (f, e) = resolve(tf, file, e)?;
    let text = e.as_str()?.to_string();
    Some(Located::new(text, f, e.span.clone(), model.source(f)))
}

/// A member: a literal, or a template whose interpolations become `${…}` (a placeholder for
/// the member parser). The bool says whether it is such a template.
fn member_text<'a>(
    model: &Model<'_>,
    tf: &TerraformIndex<'a>,
    file: FileId,
    e: &'a Expr,
) -> Option<(Located, bool)> {
    if let Some(l) = located_str(model, tf, file, e) {
        return Some((l, false));
    }
    let ExprKind::Template { parts, .. } = &e.kind else {
        return None;
    };
    let mut text = String::new();
    for p in parts {
        match p {
            Part::Literal { text: t, .. } => text.push_str(t),
            Part::Interpolation(_) => text.push_str("${…}"),
            Part::Directive { .. } => text.push_str("%{…}"),
        }
    }
    Some((
        Located {
            text,
            file,
            span: e.span.clone(),
            verbatim_at: None,
        },
        true,
    ))
}

/// `service_account_id`: a reference to a `google_service_account` block, or a literal
/// `projects/P/serviceAccounts/EMAIL` / email.
fn service_account_target<'a>(tf: &TerraformIndex<'a>, file: FileId, b: &'a Block) -> Target {
    let Some(a) = b.body.attr("service_account_id") else {
        return Target::Unknown;
    };
    if let Some(t) = a.value.as_reference()
        && t.root == "google_service_account"
        && let [name, _attr] = t.attr_path().as_slice()
    {
        let Some((f, sa)) = tf.resource(file, "google_service_account", name) else {
            return Target::Unknown;
        };
        return Target::ServiceAccount {
            account_id: literal_str(tf, f, sa, "account_id"),
            project: literal_str(tf, f, sa, "project"),
        };
    }
    match resolve(tf, file, &a.value).and_then(|(_, e)| e.as_str().map(str::to_string)) {
        Some(s) => external_service_account(&s),
        None => Target::Unknown,
    }
}

/// The resource as written (`google_service_account.orders.name`), to match bindings on it.
fn key(model: &Model<'_>, file: FileId, b: &Block, attr: &str) -> Option<String> {
    let a = b.body.attr(attr)?;
    let text = model.source(file).text.get(a.value.span.clone())?;
    // `.name`, `.id` and `.email` of one service account are the same resource.
    let text = text.trim();
    let base = text
        .strip_suffix(".name")
        .or_else(|| text.strip_suffix(".id"))
        .or_else(|| text.strip_suffix(".email"))
        .unwrap_or(text);
    Some(format!("tf:{}/{base}", model.terraform().module(file)))
}

type PolicyBinding = (Option<Located>, Vec<Option<(Located, bool)>>);

/// `policy_data = data.google_iam_policy.x.policy_data`: the `binding { role, members }` blocks.
fn policy_data_bindings<'a>(
    model: &Model<'_>,
    tf: &TerraformIndex<'a>,
    file: FileId,
    b: &'a Block,
) -> Vec<PolicyBinding> {
    let Some(t) = b
        .body
        .attr("policy_data")
        .and_then(|a| a.value.as_reference())
    else {
        return Vec::new();
    };
    let path = t.attr_path();
    let (true, [ty, name, ..]) = (t.root == "data", path.as_slice()) else {
        return Vec::new();
    };
    if *ty != "google_iam_policy" {
        return Vec::new();
    }
    let Some((f, data)) = tf.data_source(file, "google_iam_policy", name) else {
        return Vec::new();
    };
    data.body
        .blocks("binding")
        .map(|bb| {
            let role = bb
                .body
                .attr("role")
                .and_then(|a| located_str(model, tf, f, &a.value));
            let members = bb
                .body
                .attr("members")
                .and_then(|a| a.value.as_list())
                .map(|l| l.iter().map(|m| member_text(model, tf, f, m)).collect())
                .unwrap_or_default();
            (role, members)
        })
        .collect()
}

/// `kubernetes_service_account` with `metadata { name, namespace, annotations }`.
fn terraform_ksa<'a>(
    model: &Model<'_>,
    tf: &TerraformIndex<'a>,
    file: FileId,
    b: &'a Block,
) -> Option<TerraformKsa> {
    let meta = b.body.block("metadata")?;
    let name = literal_str(tf, file, meta, "name")?;
    let namespace = match meta.body.attr("namespace") {
        Some(_) => literal_str(tf, file, meta, "namespace")?,
        None => "default".to_string(),
    };
    let value = meta
        .body
        .attr("annotations")
        .and_then(|a| a.value.get(GSA_ANNOTATION))
        .map(|e| &e.value);
    let gsa_literal = value.and_then(|v| located_str(model, tf, file, v));
    let gsa_resource = value.and_then(|v| {
        let t = v.as_reference()?;
        let path = t.attr_path();
        let [sa, "email"] = path.as_slice() else {
            return None;
        };
        if t.root != "google_service_account" {
            return None;
        }
        let (f, block) = tf.resource(file, "google_service_account", sa)?;
        let account_id = literal_str(tf, f, block, "account_id")?;
        Some((
            GsaEmail {
                account_id,
                project: literal_str(tf, f, block, "project"),
            },
            v.span.clone(),
        ))
    });
    Some(TerraformKsa {
        namespace,
        name,
        file,
        anchor: b.anchor(),
        display: b.address(),
        gsa_literal,
        gsa_resource,
    })
}
