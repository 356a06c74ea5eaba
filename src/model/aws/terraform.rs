//! Terraform `aws_iam_role` and `aws_eks_pod_identity_association` resources, read into the same
//! typed model as the JSON and YAML forms. Values are literals or plain references resolved
//! through [`crate::input::terraform::TerraformIndex`]; anything decided at apply time
//! (variables, computed attributes, function calls) is recorded as [`NotStatic`] and not checked.
//! `role_arn = aws_iam_role.<name>.arn` links the association to that role in the inputs.

use crate::input::terraform::{Block, Expr, ExprKind, Part, Resolved, Step, TerraformIndex};
use crate::input::{Entry, FileId, Node, Scalar, ScalarKind, Style, Value};
use crate::model::Model;

use super::embedded::parse_embedded_text;
use super::{Association, AwsModel, Field, Form, NotStatic, Role, TrustPolicy};

pub(super) fn build(aws: &mut AwsModel<'_>, model: &Model<'_>) {
    let tf = model.terraform();
    if tf.is_empty() {
        return;
    }
    for (file, block) in tf.resources("aws_iam_role") {
        role(aws, model, tf, file, block);
    }
    for (file, block) in tf.resources("aws_eks_pod_identity_association") {
        association(aws, model, tf, file, block);
    }
}

fn scalar(
    span: std::ops::Range<usize>,
    text: impl Into<crate::input::node::Text>,
    kind: ScalarKind,
) -> Node {
    Node::new(
        span,
        Value::Scalar(Scalar {
            text: text.into(),
            style: Style::DoubleQuoted,
            kind,
        }),
    )
}

/// A placeholder for a value not known statically (`${var.x}`): format checks skip it.
fn opaque(model: &Model<'_>, file: FileId, expr: &Expr) -> Node {
    let src = model
        .source(file)
        .text
        .get(expr.span.clone())
        .unwrap_or("?")
        .trim_matches('"');
    let text = if src.contains("${") {
        src.to_string()
    } else {
        format!("${{{src}}}")
    };
    scalar(expr.span.clone(), text, ScalarKind::String)
}

/// An HCL expression as a span-exact node (what `jsonencode` would produce), following plain
/// references. Spans of values resolved in another file point at the reference.
fn to_node(model: &Model<'_>, tf: &TerraformIndex<'_>, file: FileId, expr: &Expr) -> Node {
    let span = expr.span.clone();
    match &expr.kind {
        ExprKind::Null => scalar(span, "", ScalarKind::Null),
        ExprKind::Bool(b) => scalar(span, b.to_string(), ScalarKind::Bool(*b)),
        ExprKind::Number(n) => {
            let kind = if n.contains(['.', 'e', 'E']) {
                ScalarKind::Float
            } else {
                ScalarKind::Int
            };
            scalar(span, n.clone(), kind)
        }
        ExprKind::String(s) => scalar(span, s.clone(), ScalarKind::String),
        ExprKind::Template { .. } => match expr.as_str() {
            Some(s) => scalar(span, s, ScalarKind::String),
            None => opaque(model, file, expr),
        },
        ExprKind::List(items) => Node::new(
            span,
            Value::Seq(items.iter().map(|e| to_node(model, tf, file, e)).collect()),
        ),
        ExprKind::Map(entries) => Node::new(
            span,
            Value::Map(
                entries
                    .iter()
                    .map(|e| {
                        let text = e.key.clone().unwrap_or_else(|| {
                            e.key_written
                                .as_deref()
                                .or_else(|| model.source(file).text.get(e.key_span.clone()))
                                .unwrap_or("")
                                .trim_matches('"')
                                .into()
                        });
                        Entry {
                            key: scalar(e.key_span.clone(), text, ScalarKind::String),
                            value: to_node(model, tf, file, &e.value),
                        }
                    })
                    .collect(),
            ),
        ),
        ExprKind::Reference(_) => match tf.resolve(file, expr) {
            Resolved::Literal { file: f, expr: e } if f == file => to_node(model, tf, f, e),
            Resolved::Literal { file: f, expr: e } => {
                let mut n = to_node(model, tf, f, e);
                respan(&mut n, &span);
                n
            }
            Resolved::Unresolved { .. } => opaque(model, file, expr),
        },
        ExprKind::Call { .. } | ExprKind::Other => opaque(model, file, expr),
    }
}

fn respan(n: &mut Node, span: &std::ops::Range<usize>) {
    n.set_span(span.clone());
    match &mut n.value {
        Value::Scalar(_) => {}
        Value::Seq(items) => items.iter_mut().for_each(|i| respan(i, span)),
        Value::Map(entries) => entries.iter_mut().for_each(|e| {
            respan(&mut e.key, span);
            respan(&mut e.value, span);
        }),
    }
}

/// The directory of a file: Terraform addresses are unique within a module (a directory), so
/// links by address stay inside it when several modules are linted together.
fn module_of<'m>(model: &Model<'m>, file: FileId) -> &'m str {
    crate::input::terraform::module_of(&model.source(file).path)
}

/// `<module>/aws_iam_role.<name>` when `expr` is `aws_iam_role.<name>.arn`.
fn role_reference(module: &str, expr: &Expr) -> Option<String> {
    let t = expr.as_reference()?;
    match &t.steps[..] {
        [Step::Attr(name), Step::Attr(attr)] if t.root == "aws_iam_role" && attr == "arn" => {
            Some(format!("{module}/aws_iam_role.{name}"))
        }
        _ => None,
    }
}

fn not_static(aws: &mut AwsModel<'_>, file: FileId, expr: &Expr, what: String, reason: String) {
    aws.not_static.push(NotStatic {
        file,
        span: expr.span.clone(),
        what,
        reason,
    });
}

fn role(
    aws: &mut AwsModel<'_>,
    model: &Model<'_>,
    tf: &TerraformIndex<'_>,
    file: FileId,
    block: &Block,
) {
    let address = block.address();
    let literal = |key: &str| {
        let a = block.body.attr(key)?;
        match tf.resolve(file, &a.value) {
            Resolved::Literal { expr, .. } => {
                expr.as_str().map(|s| (s.to_string(), a.value.span.clone()))
            }
            Resolved::Unresolved { .. } => None,
        }
    };
    let name = literal("name");
    let path = literal("path").map_or_else(|| "/".to_string(), |(p, _)| p);
    let anchor = name
        .as_ref()
        .map_or_else(|| block.anchor(), |(_, s)| s.clone());
    let (trust, trust_error) = match block.body.attr("assume_role_policy") {
        Some(a) => trust_policy(aws, model, tf, file, &a.value, &address),
        None => (None, None),
    };
    aws.roles.push(Role {
        form: Form::Terraform,
        file,
        object: None,
        arn: None,
        arn_span: None,
        name: name.map(|(n, _)| n),
        path,
        anchor,
        trust,
        trust_error,
        address: Some(format!("{}/{address}", module_of(model, file))),
    });
}

/// `jsonencode({...})`, a JSON string or heredoc, or a reference to a literal or to
/// `data.aws_iam_policy_document.<name>.json` in the inputs.
fn trust_policy(
    aws: &mut AwsModel<'_>,
    model: &Model<'_>,
    tf: &TerraformIndex<'_>,
    file: FileId,
    expr: &Expr,
    address: &str,
) -> (Option<TrustPolicy<'static>>, Option<super::EmbeddedError>) {
    let what = format!("`assume_role_policy` of {address}");
    if let Some([arg]) = expr.as_call("jsonencode") {
        let root = to_node(model, tf, file, arg);
        return (
            Some(TrustPolicy {
                root: root.into(),
                exact: true,
                url_encoded: false,
            }),
            None,
        );
    }
    if let Some(t) = expr.as_reference()
        && t.root == "data"
        && let [Step::Attr(ty), Step::Attr(name), Step::Attr(attr)] = &t.steps[..]
        && ty == "aws_iam_policy_document"
        && attr == "json"
    {
        let doc = tf.data_source(file, "aws_iam_policy_document", name);
        return match doc {
            Some((f, b)) if f == file => (Some(policy_document(model, tf, f, b)), None),
            Some((f, b)) => {
                let mut p = policy_document(model, tf, f, b);
                let mut root = p.root.into_node();
                respan(&mut root, &expr.span);
                p.root = root.into();
                (Some(p), None)
            }
            None => {
                not_static(
                    aws,
                    file,
                    expr,
                    what,
                    format!("`data.aws_iam_policy_document.{name}` is not defined in the inputs"),
                );
                (None, None)
            }
        };
    }
    let (f, e) = match tf.resolve(file, expr) {
        Resolved::Literal { file: f, expr: e } => (f, e),
        Resolved::Unresolved { reason } => {
            not_static(aws, file, expr, what, reason);
            return (None, None);
        }
    };
    let text = match &e.kind {
        ExprKind::String(s) => Some((s.clone(), e.span.clone())),
        ExprKind::Template { parts, heredoc } => match &parts[..] {
            [Part::Literal { text, span }] => Some((
                text.clone(),
                if *heredoc {
                    span.clone()
                } else {
                    e.span.clone()
                },
            )),
            _ => None,
        },
        _ => None,
    };
    let Some((text, span)) = text else {
        return (None, None);
    };
    match parse_embedded_text(&model.source(f).text, &text, span) {
        Ok(Some(emb)) if emb.root.is_map() => {
            let mut root = emb.root;
            if f != file {
                respan(&mut root, &expr.span);
            }
            (
                Some(TrustPolicy {
                    root: root.into(),
                    exact: emb.exact,
                    url_encoded: false,
                }),
                None,
            )
        }
        Ok(_) => (None, None),
        Err(err) => (None, Some(err)),
    }
}

/// `data "aws_iam_policy_document"` as the JSON policy it renders: `statement` blocks with
/// `effect`, `actions`, `not_actions`, `resources`, `principals { type identifiers }` and
/// `condition { test variable values }`.
fn policy_document(
    model: &Model<'_>,
    tf: &TerraformIndex<'_>,
    file: FileId,
    block: &Block,
) -> TrustPolicy<'static> {
    let key =
        |span: &std::ops::Range<usize>, text: &str| scalar(span.clone(), text, ScalarKind::String);
    let mut statements = Vec::new();
    for s in block.body.blocks("statement") {
        let mut entries = Vec::new();
        let attr = |name: &str, json: &str, entries: &mut Vec<Entry>| {
            if let Some(a) = s.body.attr(name) {
                entries.push(Entry {
                    key: key(&a.key_span, json),
                    value: to_node(model, tf, file, &a.value),
                });
            }
        };
        attr("sid", "Sid", &mut entries);
        match s.body.attr("effect") {
            Some(a) => entries.push(Entry {
                key: key(&a.key_span, "Effect"),
                value: to_node(model, tf, file, &a.value),
            }),
            // Terraform's default.
            None => entries.push(Entry {
                key: key(&s.ident_span, "Effect"),
                value: key(&s.ident_span, "Allow"),
            }),
        }
        attr("actions", "Action", &mut entries);
        attr("not_actions", "NotAction", &mut entries);
        attr("resources", "Resource", &mut entries);
        attr("not_resources", "NotResource", &mut entries);
        let mut principals: Vec<Entry> = Vec::new();
        for p in s.body.blocks("principals") {
            let (Some(ty), Some(ids)) = (p.body.attr("type"), p.body.attr("identifiers")) else {
                continue;
            };
            let ty_text = ty.value.as_str().unwrap_or("?").to_string();
            let value = to_node(model, tf, file, &ids.value);
            match principals
                .iter_mut()
                .find(|e| e.key.text() == Some(ty_text.as_str()))
            {
                Some(e) => {
                    if let (Value::Seq(a), Value::Seq(b)) = (&mut e.value.value, value.value) {
                        let mut items = std::mem::take(a).into_vec();
                        items.extend(b);
                        *a = items.into();
                    }
                }
                None => principals.push(Entry {
                    key: key(&ty.value.span, &ty_text),
                    value,
                }),
            }
        }
        if let Some(first) = s.body.blocks("principals").next() {
            entries.push(Entry {
                key: key(&first.ident_span, "Principal"),
                value: Node::new(first.span.clone(), Value::Map(principals.into())),
            });
        }
        let mut tests: Vec<Entry> = Vec::new();
        for c in s.body.blocks("condition") {
            let (Some(test), Some(var), Some(values)) = (
                c.body.attr("test"),
                c.body.attr("variable"),
                c.body.attr("values"),
            ) else {
                continue;
            };
            let test_text = test.value.as_str().unwrap_or("?").to_string();
            let var_node = to_node(model, tf, file, &var.value);
            let entry = Entry {
                key: var_node,
                value: to_node(model, tf, file, &values.value),
            };
            match tests
                .iter_mut()
                .find(|e| e.key.text() == Some(test_text.as_str()))
            {
                Some(e) => {
                    if let Value::Map(m) = &mut e.value.value {
                        let mut entries = std::mem::take(m).into_vec();
                        entries.push(entry);
                        *m = entries.into();
                    }
                }
                None => tests.push(Entry {
                    key: key(&test.value.span, &test_text),
                    value: Node::new(c.span.clone(), Value::Map(Box::new([entry]))),
                }),
            }
        }
        if let Some(first) = s.body.blocks("condition").next() {
            entries.push(Entry {
                key: key(&first.ident_span, "Condition"),
                value: Node::new(first.span.clone(), Value::Map(tests.into())),
            });
        }
        statements.push(Node::new(s.span.clone(), Value::Map(entries.into())));
    }
    let root = Node::new(
        block.span.clone(),
        Value::Map(Box::new([Entry {
            key: key(&block.anchor(), "Statement"),
            value: Node::new(block.span.clone(), Value::Seq(statements.into())),
        }])),
    );
    TrustPolicy {
        root: root.into(),
        exact: true,
        url_encoded: false,
    }
}

fn association(
    aws: &mut AwsModel<'_>,
    model: &Model<'_>,
    tf: &TerraformIndex<'_>,
    file: FileId,
    block: &Block,
) {
    let address = block.address();
    let mut role_address = None;
    let mut target_role_address = None;
    let mut field = |aws: &mut AwsModel<'_>, key: &str| -> Option<Field> {
        let a = block.body.attr(key)?;
        if let Some(r) = role_reference(module_of(model, file), &a.value) {
            match key {
                "role_arn" => role_address = Some(r),
                "target_role_arn" => target_role_address = Some(r),
                _ => {}
            }
            return None;
        }
        let value = match tf.resolve(file, &a.value) {
            Resolved::Literal { file: f, expr } => {
                let mut n = to_node(model, tf, f, expr);
                if f != file {
                    respan(&mut n, &a.value.span);
                }
                n
            }
            Resolved::Unresolved { reason } => {
                not_static(aws, file, &a.value, format!("`{key}` of {address}"), reason);
                return None;
            }
        };
        Some(Field {
            key: a.key_span.clone(),
            value: value.into(),
        })
    };
    let cluster = field(aws, "cluster_name");
    let namespace = field(aws, "namespace");
    let service_account = field(aws, "service_account");
    let role_arn = field(aws, "role_arn");
    let target_role_arn = field(aws, "target_role_arn");
    let disable_session_tags = field(aws, "disable_session_tags");
    let policy = field(aws, "policy");
    let anchor = service_account
        .as_ref()
        .map_or_else(|| block.anchor(), Field::span);
    aws.associations.push(Association {
        form: Form::Terraform,
        file,
        object: None,
        anchor,
        cluster,
        namespace,
        service_account,
        role_arn,
        target_role_arn,
        disable_session_tags,
        policy,
        association_arn: None,
        association_id: None,
        external_id: None,
        creates_service_account: false,
        role_address,
        target_role_address,
    });
}
