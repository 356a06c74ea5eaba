//! Terraform's JSON syntax (`*.tf.json`, what CDK for Terraform and other generators write) →
//! the same view as the native syntax, so every Terraform rule reads both.
//!
//! The file is parsed by the span-exact YAML/JSON loader, then mapped as Terraform's JSON
//! configuration syntax says (developer.hashicorp.com/terraform/language/syntax/json):
//! - top-level properties are block types; `resource` and `data` take two levels of labels
//!   (type, name), `variable`, `output`, `module` and `provider` one, the others none; a block's
//!   body is an object, or an array of objects for repeated blocks;
//! - strings are templates: `"${azurerm_user_assigned_identity.x.client_id}"` is the reference,
//!   as in native syntax (parsed by `hcl-edit`'s template parser);
//! - a property named `//` is a comment.
//!
//! Without the provider's schema, a body property whose value is an object (or an array of
//! objects) may be a nested block (`metadata`) or a map attribute (`annotations`): both are
//! offered, so a rule asking for either finds it.

use std::ops::Range;

use super::{
    Attribute, Block, Body, Conv, Expr, ExprKind, Label, MapEntry, Place, SyntaxError,
    TerraformFile,
};
use hcl_edit::template::Element;

use crate::input::node::{Entry, Node, ScalarKind, Style, Value};
use crate::input::source::SourceFile;
use crate::input::yaml::{self, Parsed};

/// Whether a path names a Terraform JSON-syntax file.
pub fn is_terraform_json_path(path: &str) -> bool {
    super::ends_with_ignore_ascii_case(path, ".tf.json")
}

/// Parses a `.tf.json` file (as JSON, then as Terraform). Never panics on input: a panic in
/// either step (a bug) is a syntax error at the start, as for `.tf` files.
pub fn parse(source: &SourceFile) -> TerraformFile {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        from_parsed(source, &yaml::parse(source))
    }))
    .unwrap_or_else(|_| TerraformFile {
        body: Body::default(),
        error: Some(SyntaxError {
            offset: source.bom_len,
            message: "internal error while parsing this file (please report it)".into(),
        }),
    })
}

/// The Terraform view of a parsed `.tf.json` file. A syntax error, or a root that is not one
/// object, leaves the body empty and says where.
fn from_parsed(source: &SourceFile, parsed: &Parsed) -> TerraformFile {
    let error = |offset: usize, message: String| TerraformFile {
        body: Body::default(),
        error: Some(SyntaxError {
            offset: source.clamp(offset),
            message,
        }),
    };
    if let Some(p) = parsed.problems.first() {
        return error(p.span.start, p.message.clone());
    }
    let root = match parsed.documents.as_slice() {
        [doc] if matches!(doc.root.value, Value::Map(_)) => &doc.root,
        [doc] => {
            return error(
                doc.root.span().start,
                "a Terraform JSON file holds one object (its top-level properties are block types such as `resource`)".into(),
            );
        }
        [] => {
            return error(
                source.bom_len,
                "empty file: a Terraform JSON file holds one object".into(),
            );
        }
        [_, second, ..] => {
            return error(
                second.root.span().start,
                "more than one document: a Terraform JSON file holds one object".into(),
            );
        }
    };
    let conv = JsonConv { source };
    TerraformFile {
        body: conv.root(root),
        error: None,
    }
}

struct JsonConv<'s> {
    source: &'s SourceFile,
}

/// The bodies a property value holds: an object, or each object of an array of objects.
fn bodies(value: &Node) -> Vec<&Node> {
    match &value.value {
        Value::Map(_) => vec![value],
        Value::Seq(items)
            if !items.is_empty() && items.iter().all(|i| matches!(i.value, Value::Map(_))) =>
        {
            items.iter().collect()
        }
        _ => Vec::new(),
    }
}

fn is_comment(key: &Node) -> bool {
    key.text() == Some("//")
}

/// An object's properties with their names, without `//` comments (and keys that are not
/// scalars, which JSON cannot write).
fn properties(map: &Node) -> impl Iterator<Item = (&str, &Entry)> {
    map.entries()
        .iter()
        .filter(|e| !is_comment(&e.key))
        .filter_map(|e| Some((e.key.text()?, e)))
}

impl JsonConv<'_> {
    fn root(&self, map: &Node) -> Body {
        let mut blocks = Vec::new();
        for (ident, e) in properties(map) {
            let depth = match ident {
                "resource" | "data" => 2,
                "variable" | "output" | "module" | "provider" => 1,
                _ => 0,
            };
            self.labelled(&e.key, &e.value, depth, &mut Vec::new(), &mut blocks);
        }
        Body {
            attributes: Box::default(),
            blocks: blocks.into(),
        }
    }

    /// The blocks under `ident` with `depth` more levels of labels to read.
    fn labelled(
        &self,
        ident: &Node,
        value: &Node,
        depth: usize,
        labels: &mut Vec<Label>,
        out: &mut Vec<Block>,
    ) {
        if depth == 0 {
            for body in bodies(value) {
                out.push(self.block(ident, labels.clone(), body));
            }
            return;
        }
        for (label, e) in properties(value) {
            labels.push(Label {
                value: label.into(),
                span: e.key.span(),
            });
            self.labelled(ident, &e.value, depth - 1, labels, out);
            labels.pop();
        }
    }

    fn block(&self, ident: &Node, labels: Vec<Label>, body: &Node) -> Block {
        Block {
            ident: ident.text().unwrap_or_default().into(),
            ident_span: ident.span(),
            labels: labels.into(),
            body: self.body(body),
            span: body.span(),
        }
    }

    fn body(&self, map: &Node) -> Body {
        let (mut attributes, mut blocks) = (Vec::new(), Vec::new());
        for (key, e) in properties(map) {
            attributes.push(Attribute {
                key: key.into(),
                key_span: e.key.span(),
                value: self.expr(&e.value),
            });
            for body in bodies(&e.value) {
                blocks.push(self.block(&e.key, Vec::new(), body));
            }
        }
        Body {
            attributes: attributes.into(),
            blocks: blocks.into(),
        }
    }

    fn expr(&self, node: &Node) -> Expr {
        let span = node.span();
        let kind = match &node.value {
            Value::Scalar(s) => match s.kind {
                ScalarKind::Null => ExprKind::Null,
                ScalarKind::Bool(b) => ExprKind::Bool(b),
                ScalarKind::Int | ScalarKind::Float => ExprKind::Number(s.text.clone()),
                ScalarKind::String => return self.string(node, &s.text, s.style),
            },
            Value::Seq(items) => ExprKind::List(items.iter().map(|i| self.expr(i)).collect()),
            Value::Map(entries) => ExprKind::Map(
                entries
                    .iter()
                    .filter(|e| !is_comment(&e.key))
                    .map(|e| MapEntry {
                        key: e.key.text().map(Into::into),
                        key_span: e.key.span(),
                        key_written: None,
                        value: self.expr(&e.value),
                    })
                    .collect(),
            ),
        };
        Expr { span, kind }
    }

    /// A JSON string is a template. Its parts point into the file when the string has no
    /// escapes (the decoded text is the source text); otherwise each part points at the whole
    /// string.
    fn string(&self, node: &Node, text: &str, style: Style) -> Expr {
        let span = node.span();
        if !text.contains("${") && !text.contains("%{") {
            return Expr {
                span,
                kind: ExprKind::String(text.into()),
            };
        }
        let content: Range<usize> = match style {
            Style::DoubleQuoted if span.len() >= 2 => span.start + 1..span.end - 1,
            _ => span.clone(),
        };
        let place = match self.source.text.get(content.clone()) {
            Some(raw) if raw == text => Place::Shift(content.start),
            Some(raw) if style == Style::DoubleQuoted => {
                match decoded_offsets(raw, content.start, text) {
                    Some(map) => Place::Map(map, text.to_string()),
                    None => Place::Whole(span.clone(), text.to_string()),
                }
            }
            _ => Place::Whole(span.clone(), text.to_string()),
        };
        let conv = Conv { place };
        let kind = match hcl_edit::parser::parse_template(text) {
            Ok(t) => {
                // `"${x}"` is `x` itself (Terraform returns a lone interpolation's value as
                // is): JSON has no other way to write a reference.
                let mut elements = t.iter();
                if let (Some(Element::Interpolation(i)), None) = (elements.next(), elements.next())
                {
                    return conv.expr(&i.expr);
                }
                ExprKind::Template {
                    parts: t.iter().map(|el| conv.part(el)).collect(),
                    heredoc: false,
                }
            }
            // Terraform refuses such a string; a linter must not guess what it meant.
            Err(_) => ExprKind::Other,
        };
        Expr { span, kind }
    }
}

/// The file offset of each byte of a JSON string's decoded text, and of its end, given the
/// string's source between the quotes (`raw`, at `start`). `None` when the source holds
/// anything but JSON's escapes (YAML's own escapes or line folding), or does not decode to
/// `decoded`.
fn decoded_offsets(raw: &str, start: usize, decoded: &str) -> Option<Vec<usize>> {
    let mut map = Vec::with_capacity(decoded.len() + 1);
    let mut out = String::with_capacity(decoded.len());
    let bytes = raw.as_bytes();
    let hex = |at: usize| u32::from_str_radix(raw.get(at..at + 4)?, 16).ok();
    let mut i = 0;
    while i < raw.len() {
        let (c, len, escaped) = if bytes[i] == b'\\' {
            let (c, len) = match *bytes.get(i + 1)? {
                b'"' => ('"', 2),
                b'\\' => ('\\', 2),
                b'/' => ('/', 2),
                b'b' => ('\u{8}', 2),
                b'f' => ('\u{c}', 2),
                b'n' => ('\n', 2),
                b'r' => ('\r', 2),
                b't' => ('\t', 2),
                b'u' => {
                    let u = hex(i + 2)?;
                    if (0xD800..0xDC00).contains(&u) {
                        // A surrogate pair: `\uD83D\uDE00`.
                        if raw.get(i + 6..i + 8)? != "\\u" {
                            return None;
                        }
                        let low = hex(i + 8)?.checked_sub(0xDC00).filter(|l| *l < 0x400)?;
                        (char::from_u32(0x10000 + ((u - 0xD800) << 10) + low)?, 12)
                    } else {
                        (char::from_u32(u)?, 6)
                    }
                }
                _ => return None,
            };
            (c, len, true)
        } else {
            let c = raw[i..].chars().next()?;
            if c == '\n' || c == '\r' {
                return None;
            }
            (c, c.len_utf8(), false)
        };
        for k in 0..c.len_utf8() {
            map.push(start + i + if escaped { 0 } else { k });
        }
        out.push(c);
        i += len;
    }
    map.push(start + raw.len());
    (out == decoded).then_some(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::terraform::{Part, Step};

    fn parse_str(text: &str) -> (SourceFile, TerraformFile) {
        let source = SourceFile::new("main.tf.json", text.to_string());
        let tf = parse(&source);
        (source, tf)
    }

    #[test]
    fn resources_labels_blocks_and_attributes() {
        let text = r#"{
  "//": "generated by cdktf",
  "resource": {
    "kubernetes_service_account": {
      "app": {
        "metadata": {
          "name": "app",
          "annotations": {"azure.workload.identity/client-id": "${azurerm_user_assigned_identity.app.client_id}"}
        }
      }
    },
    "aws_iam_role": {"a": [{"name": "one"}, {"name": "two"}]}
  },
  "locals": {"ns": "shop"}
}"#;
        let (src, tf) = parse_str(text);
        assert!(tf.error.is_none(), "{:?}", tf.error);
        let sa = tf.resources("kubernetes_service_account").next().unwrap();
        assert_eq!(sa.address(), "kubernetes_service_account.app");
        assert_eq!(
            &src.text[sa.labels[0].span.clone()],
            "\"kubernetes_service_account\""
        );
        let meta = sa.body.block("metadata").unwrap();
        assert_eq!(meta.body.attr("name").unwrap().value.as_str(), Some("app"));
        // `annotations` is a map attribute and, without a schema, also offered as a block.
        let ann = meta.body.attr("annotations").unwrap();
        let entry = ann.value.get("azure.workload.identity/client-id").unwrap();
        // A lone interpolation is the reference itself, pointed at inside the quotes.
        let t = entry.value.as_reference().unwrap();
        assert_eq!(t.root, "azurerm_user_assigned_identity");
        assert!(
            matches!(&t.steps[..], [Step::Attr(a), Step::Attr(b)] if a == "app" && b == "client_id")
        );
        assert_eq!(
            &src.text[entry.value.span.clone()],
            "azurerm_user_assigned_identity.app.client_id"
        );
        assert!(meta.body.block("annotations").is_some());
        // An array of objects is repeated blocks.
        assert_eq!(tf.resources("aws_iam_role").count(), 2);
        let locals = tf.body.blocks("locals").next().unwrap();
        assert_eq!(locals.body.attr("ns").unwrap().value.as_str(), Some("shop"));
        assert!(tf.body.blocks("//").next().is_none());
    }

    #[test]
    fn escaped_strings_map_each_part_to_its_source() {
        let text = "{\"locals\": {\"x\": \"\\u00e9\\\"${var.y}\\n\", \"z\": \"${jsonencode({\\\"A\\\" = [\\\"b\\\"]})}\"}}";
        let (src, tf) = parse_str(text);
        let x = &tf.body.blocks[0].body.attributes[0].value;
        let parts = x.template_parts().unwrap();
        let [
            Part::Literal { span: a, .. },
            Part::Interpolation(y),
            Part::Literal { span: c, .. },
        ] = &parts[..]
        else {
            panic!("{parts:?}");
        };
        assert_eq!(&src.text[a.clone()], "\\u00e9\\\"");
        assert_eq!(&src.text[y.span.clone()], "var.y");
        assert_eq!(&src.text[c.clone()], "\\n");
        // A lone call is the call; the escaped quotes of its arguments are pointed at.
        let z = &tf.body.blocks[0].body.attributes[1].value;
        let args = z.as_call("jsonencode").unwrap();
        let entry = args[0].get("A").unwrap();
        assert_eq!(&src.text[entry.key_span.clone()], "\\\"A\\\"");
        assert_eq!(&src.text[entry.value.span.clone()], "[\\\"b\\\"]");
    }

    #[test]
    fn yaml_escapes_point_at_the_whole_string() {
        let text = "{\"locals\": {\"x\": \"\\x41${var.y}\"}}";
        let (src, tf) = parse_str(text);
        let x = &tf.body.blocks[0].body.attributes[0].value;
        for part in x.template_parts().unwrap() {
            let span = match part {
                Part::Literal { span, .. } => span,
                Part::Interpolation(e) => e.span,
                Part::Directive { span } => span,
            };
            assert_eq!(&src.text[span], "\"\\x41${var.y}\"");
        }
    }

    #[test]
    fn terraform_paths_by_suffix_in_any_case() {
        use crate::input::terraform::is_terraform_path;
        for (path, tf, json) in [
            ("main.tf", true, false),
            ("MAIN.TF", true, false),
            ("cdk.tf.json", false, true),
            ("stacks/app/CDK.TF.JSON", false, true),
            ("tf.json", false, false),
            ("a.json", false, false),
            ("é.tf", true, false),
            ("tf", false, false),
            ("", false, false),
        ] {
            assert_eq!(is_terraform_path(path), tf, "{path}");
            assert_eq!(is_terraform_json_path(path), json, "{path}");
        }
    }

    #[test]
    fn not_one_object_is_an_error_with_a_place() {
        for (text, at) in [
            ("[1, 2]", 0),
            ("", 0),
            ("{\"a\": [}", 6),
            ("{}\n---\n{}", 7),
        ] {
            let (src, tf) = parse_str(text);
            let e = tf.error.unwrap_or_else(|| panic!("{text:?}: no error"));
            assert!(e.offset <= src.text.len(), "{text:?}");
            assert_eq!(e.offset, at, "{text:?}: {}", e.message);
            assert!(tf.body.blocks.is_empty());
        }
    }
}
