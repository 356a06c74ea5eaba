//! Terraform (`.tf`, HCL native syntax) → an owned, span-exact view, and a resolver for plain
//! references across every `.tf` input.
//!
//! The parser is `hcl-edit` (real HCL, not pattern matching); its tree is converted once, at load
//! time, into the small types below so rules never touch the parser's API. Every value keeps the
//! byte range of its source text in [`crate::input::SourceFile::text`] (a BOM is accounted for),
//! so a finding points at the exact value and a fix can replace exactly that range.
//!
//! What a rule typically does:
//!
//! ```ignore
//! for (file, block) in tf.resources("azurerm_federated_identity_credential") {
//!     let Some(subject) = block.body.attr("subject") else { continue };
//!     match tf.resolve(file, &subject.value) {
//!         Resolved::Literal { file, expr } => { /* expr.as_str(), expr.span */ }
//!         Resolved::Unresolved { reason } => { /* an info note, never a guess */ }
//!     }
//! }
//! ```
//!
//! Shapes: literals ([`ExprKind::String`], numbers, bools, null), lists and maps (object
//! constructors, keys with spans), template strings with their literal and interpolated parts
//! (`"system:serviceaccount:${var.ns}:app"`, heredocs), references as traversals
//! (`azurerm_user_assigned_identity.x.client_id`, `var.ns`, `local.x[0]`), function calls with
//! their arguments (`jsonencode({...})`), and [`ExprKind::Other`] for everything a linter must not
//! evaluate (conditionals, operators, `for` expressions, splats).

use std::ops::Range;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Body as HclBody, Structure};
use hcl_edit::template::Element;

use super::node::Text;
use super::source::SourceFile;

mod index;
pub mod json;

pub use index::{Resolved, TerraformIndex, module_of};

/// A parsed `.tf` file. On a syntax error the body is empty (HCL has no document boundaries to
/// resume at) and [`TerraformFile::error`] says where.
#[derive(Debug, Default)]
pub struct TerraformFile {
    pub body: Body,
    pub error: Option<SyntaxError>,
}

#[derive(Debug, Clone)]
pub struct SyntaxError {
    /// Byte offset in the source text.
    pub offset: usize,
    pub message: String,
}

/// Attributes and nested blocks of a body, in source order.
///
/// Names and literals are [`Text`] (inline up to 15 bytes, as most attribute names and many
/// values are) and lists are boxed slices: a tree is never grown after parsing, and these trees
/// are held until the end of the run like the YAML trees.
#[derive(Debug, Default)]
pub struct Body {
    pub attributes: Box<[Attribute]>,
    pub blocks: Box<[Block]>,
}

/// `resource "azurerm_x" "name" { … }`, `locals { … }`, `metadata { … }`.
#[derive(Debug)]
pub struct Block {
    /// `resource`, `data`, `locals`, `variable`, `module`, or a nested block's name.
    pub ident: Text,
    pub ident_span: Range<usize>,
    pub labels: Box<[Label]>,
    pub body: Body,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Label {
    pub value: Text,
    /// Includes the quotes of a quoted label.
    pub span: Range<usize>,
}

/// `key = value`.
#[derive(Debug)]
pub struct Attribute {
    pub key: Text,
    pub key_span: Range<usize>,
    pub value: Expr,
}

#[derive(Debug, Clone)]
pub struct Expr {
    /// The value's source text: a quoted string includes its quotes, a heredoc its markers.
    pub span: Range<usize>,
    pub kind: ExprKind,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Null,
    Bool(bool),
    /// The number as written.
    Number(Text),
    /// A string literal without interpolation, escapes processed.
    String(Text),
    /// A string or heredoc with `${…}` / `%{…}`; literal parts keep their spans.
    Template {
        parts: Box<[Part]>,
        heredoc: bool,
    },
    List(Box<[Expr]>),
    Map(Box<[MapEntry]>),
    Reference(Traversal),
    Call {
        name: Text,
        args: Box<[Expr]>,
    },
    /// Conditionals, operators, `for`, splats: never evaluated.
    Other,
}

#[derive(Debug, Clone)]
pub enum Part {
    Literal {
        text: Text,
        span: Range<usize>,
    },
    Interpolation(Expr),
    /// `%{ if … }` / `%{ for … }`.
    Directive {
        span: Range<usize>,
    },
}

#[derive(Debug, Clone)]
pub struct MapEntry {
    /// The key's text when it is an identifier or a string literal (`(var.k)` gives `None`).
    pub key: Option<Text>,
    /// The key as written, when the file's text at `key_span` is not that (a key inside a
    /// Terraform JSON string, whose quotes are escaped there).
    pub key_written: Option<Text>,
    pub key_span: Range<usize>,
    pub value: Expr,
}

/// `root.step.step[0]`: `azurerm_user_assigned_identity.orders.client_id`, `var.namespace`.
#[derive(Debug, Clone)]
pub struct Traversal {
    pub root: Text,
    pub steps: Box<[Step]>,
}

#[derive(Debug, Clone)]
pub enum Step {
    Attr(Text),
    /// `[0]` or `["key"]`; `None` when the index is not a literal.
    Index(Option<IndexKey>),
    Splat,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexKey {
    Number(u64),
    String(Text),
}

impl TerraformFile {
    /// Top-level blocks `resource "<ty>" "<name>"`.
    pub fn resources<'s>(&'s self, ty: &'s str) -> impl Iterator<Item = &'s Block> + 's {
        self.body
            .blocks
            .iter()
            .filter(move |b| b.ident == "resource" && b.type_label() == Some(ty))
    }

    /// Top-level blocks `data "<ty>" "<name>"`.
    pub fn data_sources<'s>(&'s self, ty: &'s str) -> impl Iterator<Item = &'s Block> + 's {
        self.body
            .blocks
            .iter()
            .filter(move |b| b.ident == "data" && b.type_label() == Some(ty))
    }
}

impl Body {
    /// The attribute `key`, if set (HCL forbids setting one twice in a body).
    pub fn attr(&self, key: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.key == key)
    }

    /// Nested blocks named `ident` (`metadata`, `lifecycle`, `statement`).
    pub fn blocks<'s>(&'s self, ident: &'s str) -> impl Iterator<Item = &'s Block> + 's {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }

    pub fn block(&self, ident: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.ident == ident)
    }
}

impl Block {
    /// First label: the resource or data source type.
    pub fn type_label(&self) -> Option<&str> {
        self.labels.first().map(|l| l.value.as_str())
    }

    /// Second label: the resource's local name.
    pub fn name_label(&self) -> Option<&str> {
        self.labels.get(1).map(|l| l.value.as_str())
    }

    /// `azurerm_user_assigned_identity.orders`, `data.azurerm_client_config.current`.
    pub fn address(&self) -> String {
        let ty = self.type_label().unwrap_or("?");
        let name = self.name_label().unwrap_or("?");
        if self.ident == "data" {
            format!("data.{ty}.{name}")
        } else {
            format!("{ty}.{name}")
        }
    }

    /// A one-line place to point at for the whole block: its labels, else its keyword.
    pub fn anchor(&self) -> Range<usize> {
        match (self.labels.first(), self.labels.last()) {
            (Some(first), Some(last)) => first.span.start..last.span.end,
            _ => self.ident_span.clone(),
        }
    }
}

impl Expr {
    /// The text of a string literal, or of a template that has no interpolation.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::String(s) => Some(s),
            ExprKind::Template { parts, .. } => match &parts[..] {
                [Part::Literal { text, .. }] => Some(text),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Expr]> {
        match &self.kind {
            ExprKind::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[MapEntry]> {
        match &self.kind {
            ExprKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The entry `key` of a map literal.
    pub fn get(&self, key: &str) -> Option<&MapEntry> {
        self.as_map()?
            .iter()
            .find(|e| e.key.as_deref() == Some(key))
    }

    pub fn as_reference(&self) -> Option<&Traversal> {
        match &self.kind {
            ExprKind::Reference(t) => Some(t),
            _ => None,
        }
    }

    /// The arguments of a call to `name` (`jsonencode`).
    pub fn as_call(&self, name: &str) -> Option<&[Expr]> {
        match &self.kind {
            ExprKind::Call { name: n, args } if n == name => Some(args),
            _ => None,
        }
    }

    /// The parts of a template, or of a string literal as one literal part.
    pub fn template_parts(&self) -> Option<Vec<Part>> {
        match &self.kind {
            ExprKind::Template { parts, .. } => Some(parts.to_vec()),
            ExprKind::String(s) => Some(vec![Part::Literal {
                text: s.clone(),
                span: self.span.clone(),
            }]),
            _ => None,
        }
    }

    /// A literal value: a string, number, bool, null, list or map (whose items may still hold
    /// references), or a template without interpolation.
    pub fn is_literal(&self) -> bool {
        match &self.kind {
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Number(_)
            | ExprKind::String(_)
            | ExprKind::List(_)
            | ExprKind::Map(_) => true,
            ExprKind::Template { .. } => self.as_str().is_some(),
            _ => false,
        }
    }

    /// How the expression reads in a message (`azurerm_kubernetes_cluster.aks.oidc_issuer_url`,
    /// `a string template`, `a call to replace()`).
    pub fn describe(&self) -> String {
        match &self.kind {
            ExprKind::Reference(t) => format!("`{t}`"),
            ExprKind::Template { .. } => "a string template".into(),
            ExprKind::Call { name, .. } => format!("a call to {name}()"),
            ExprKind::Other => "an expression".into(),
            _ => "a literal".into(),
        }
    }
}

impl std::fmt::Display for Traversal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.root)?;
        for step in &self.steps {
            match step {
                Step::Attr(a) => write!(f, ".{a}")?,
                Step::Index(Some(IndexKey::Number(n))) => write!(f, "[{n}]")?,
                Step::Index(Some(IndexKey::String(s))) => write!(f, "[{s:?}]")?,
                Step::Index(None) => f.write_str("[…]")?,
                Step::Splat => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

impl Traversal {
    /// The leading attribute names (`["orders", "client_id"]` for
    /// `azurerm_user_assigned_identity.orders.client_id`), up to the first index or splat.
    pub fn attr_path(&self) -> Vec<&str> {
        self.steps
            .iter()
            .map_while(|s| match s {
                Step::Attr(a) => Some(a.as_str()),
                _ => None,
            })
            .collect()
    }

    /// `(type, name, attribute)` when this is `<resource type>.<name>.<attribute>` exactly.
    pub fn resource_attribute(&self) -> Option<(&str, &str, &str)> {
        if is_special_root(&self.root) || self.steps.len() != 2 {
            return None;
        }
        match self.attr_path().as_slice() {
            [name, attr] => Some((self.root.as_str(), name, attr)),
            _ => None,
        }
    }
}

/// Roots that do not name a managed resource.
fn is_special_root(root: &str) -> bool {
    matches!(
        root,
        "var" | "local" | "data" | "module" | "each" | "count" | "path" | "terraform" | "self"
    )
}

// ---------------------------------------------------------------------------------------------
// Parsing

/// Parses a `.tf` file. Never panics on input; a syntax error leaves the body empty.
pub fn parse(source: &SourceFile) -> TerraformFile {
    let shift = source.bom_len;
    let parsed =
        std::panic::catch_unwind(|| hcl_edit::parser::parse_body(source.body())).map_err(|_| {
            SyntaxError {
                offset: shift,
                message: "internal error while parsing this file (please report it)".into(),
            }
        });
    match parsed {
        Ok(Ok(body)) => TerraformFile {
            body: Conv {
                place: Place::Shift(shift),
            }
            .body(&body),
            error: None,
        },
        Ok(Err(e)) => TerraformFile {
            body: Body::default(),
            error: Some(SyntaxError {
                offset: source.clamp(e.location().offset() + shift),
                message: e.message().to_string(),
            }),
        },
        Err(e) => TerraformFile {
            body: Body::default(),
            error: Some(e),
        },
    }
}

/// Whether a path names a Terraform native-syntax file.
pub fn is_terraform_path(path: &str) -> bool {
    ends_with_ignore_ascii_case(path, ".tf")
}

/// Asked for every input file: compared in place, without a lowercased copy of the path.
pub(crate) fn ends_with_ignore_ascii_case(path: &str, suffix: &str) -> bool {
    let (p, s) = (path.as_bytes(), suffix.as_bytes());
    p.len() >= s.len() && p[p.len() - s.len()..].eq_ignore_ascii_case(s)
}

struct Conv {
    place: Place,
}

/// Where an offset in the parsed text is in the file.
enum Place {
    /// The parsed text starts at this offset of the file.
    Shift(usize),
    /// The parsed text is this decoded string (Terraform JSON), with the file offset of each
    /// of its bytes and of its end.
    Map(Vec<usize>, String),
    /// Every span is this one (a string whose escapes could not be mapped); the parsed text.
    Whole(Range<usize>, String),
}

impl Conv {
    fn span(&self, s: Option<Range<usize>>) -> Range<usize> {
        let Some(r) = s else { return 0..0 };
        match &self.place {
            Place::Shift(shift) => r.start + shift..r.end + shift,
            Place::Map(map, _) => match (map.get(r.start), map.get(r.end)) {
                (Some(&start), Some(&end)) => start..end,
                _ => map.first().copied().unwrap_or(0)..map.last().copied().unwrap_or(0),
            },
            Place::Whole(whole, _) => whole.clone(),
        }
    }

    /// The parsed text of `s` when it is not the file's text there.
    fn written(&self, s: Option<Range<usize>>) -> Option<Text> {
        match &self.place {
            Place::Shift(_) => None,
            Place::Map(_, text) | Place::Whole(_, text) => text.get(s?).map(Text::from),
        }
    }

    fn body(&self, body: &HclBody) -> Body {
        let (mut attributes, mut blocks) = (Vec::new(), Vec::new());
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => attributes.push(Attribute {
                    key: a.key.as_str().into(),
                    key_span: self.span(a.key.span()),
                    value: self.expr(&a.value),
                }),
                Structure::Block(b) => blocks.push(Block {
                    ident: b.ident.as_str().into(),
                    ident_span: self.span(b.ident.span()),
                    labels: b
                        .labels
                        .iter()
                        .map(|l| Label {
                            value: l.as_str().into(),
                            span: self.span(l.span()),
                        })
                        .collect(),
                    body: self.body(&b.body),
                    span: self.span(b.span()),
                }),
            }
        }
        Body {
            attributes: attributes.into(),
            blocks: blocks.into(),
        }
    }

    fn expr(&self, e: &Expression) -> Expr {
        let span = self.span(e.span());
        let kind = match e {
            Expression::Null(_) => ExprKind::Null,
            Expression::Bool(b) => ExprKind::Bool(*b.value()),
            Expression::Number(n) => ExprKind::Number(n.value().to_string().into()),
            Expression::String(s) => ExprKind::String(s.value().as_str().into()),
            Expression::Array(a) => ExprKind::List(a.iter().map(|x| self.expr(x)).collect()),
            Expression::Object(o) => ExprKind::Map(
                o.iter()
                    .map(|(k, v)| MapEntry {
                        key: match k {
                            ObjectKey::Ident(i) => Some(i.as_str().into()),
                            ObjectKey::Expression(x) => x.as_str().map(Text::from),
                        },
                        key_span: self.span(k.span()),
                        key_written: self.written(k.span()),
                        value: self.expr(v.expr()),
                    })
                    .collect(),
            ),
            Expression::StringTemplate(t) => ExprKind::Template {
                parts: t.iter().map(|el| self.part(el)).collect(),
                heredoc: false,
            },
            Expression::HeredocTemplate(h) => ExprKind::Template {
                parts: h.template.iter().map(|el| self.part(el)).collect(),
                heredoc: true,
            },
            // `(x)` is `x`, pointed at without the parentheses.
            Expression::Parenthesis(p) => return self.expr(p.inner()),
            Expression::Variable(v) => ExprKind::Reference(Traversal {
                root: v.as_str().into(),
                steps: Box::default(),
            }),
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(root) => ExprKind::Reference(Traversal {
                    root: root.as_str().into(),
                    steps: t
                        .operators
                        .iter()
                        .map(|op| match op.value() {
                            TraversalOperator::GetAttr(a) => Step::Attr(a.as_str().into()),
                            TraversalOperator::Index(Expression::Number(n)) => {
                                Step::Index(n.value().as_u64().map(IndexKey::Number))
                            }
                            TraversalOperator::Index(Expression::String(s)) => {
                                Step::Index(Some(IndexKey::String(s.value().as_str().into())))
                            }
                            TraversalOperator::Index(_) => Step::Index(None),
                            TraversalOperator::LegacyIndex(n) => {
                                Step::Index(Some(IndexKey::Number(*n.value())))
                            }
                            TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                                Step::Splat
                            }
                        })
                        .collect(),
                }),
                _ => ExprKind::Other,
            },
            Expression::FuncCall(c) => ExprKind::Call {
                name: c.name.name.as_str().into(),
                args: c.args.iter().map(|x| self.expr(x)).collect(),
            },
            _ => ExprKind::Other,
        };
        Expr { span, kind }
    }

    fn part(&self, el: &Element) -> Part {
        match el {
            Element::Literal(l) => Part::Literal {
                text: l.value().as_str().into(),
                span: self.span(l.span()),
            },
            Element::Interpolation(i) => Part::Interpolation(self.expr(&i.expr)),
            Element::Directive(d) => Part::Directive {
                span: self.span(d.span()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> (SourceFile, TerraformFile) {
        let f = SourceFile::new("main.tf", text.to_string());
        let tf = parse(&f);
        (f, tf)
    }

    const FIC: &str = r#"
resource "azurerm_federated_identity_credential" "orders" {
  name      = "orders-fic"
  parent_id = azurerm_user_assigned_identity.orders.id
  audience  = ["api://AzureADTokenExchange"]
  issuer    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject   = "system:serviceaccount:${var.ns}:orders"
  tags      = { "team" = "shop", env = local.env }
  policy    = jsonencode({ Statement = [{ Effect = "Allow" }] })
}
"#;

    #[test]
    fn blocks_attributes_and_spans() {
        let (f, tf) = parse_str(FIC);
        assert!(tf.error.is_none());
        let b = tf
            .resources("azurerm_federated_identity_credential")
            .next()
            .unwrap();
        assert_eq!(b.name_label(), Some("orders"));
        assert_eq!(b.address(), "azurerm_federated_identity_credential.orders");
        let name = b.body.attr("name").unwrap();
        assert_eq!(&f.text[name.value.span.clone()], "\"orders-fic\"");
        assert_eq!(name.value.as_str(), Some("orders-fic"));
        let aud = b.body.attr("audience").unwrap().value.as_list().unwrap();
        assert_eq!(
            &f.text[aud[0].span.clone()],
            "\"api://AzureADTokenExchange\""
        );
        let issuer = b.body.attr("issuer").unwrap();
        assert_eq!(
            issuer.value.as_reference().unwrap().to_string(),
            "azurerm_kubernetes_cluster.aks.oidc_issuer_url"
        );
        let subject = &b.body.attr("subject").unwrap().value;
        assert!(subject.as_str().is_none());
        let parts = subject.template_parts().unwrap();
        let Part::Literal { text, span } = &parts[0] else {
            panic!()
        };
        assert_eq!(text, "system:serviceaccount:");
        assert_eq!(&f.text[span.clone()], "system:serviceaccount:");
        let tags = &b.body.attr("tags").unwrap().value;
        assert_eq!(tags.get("team").unwrap().value.as_str(), Some("shop"));
        let args = b.body.attr("policy").unwrap().value.as_call("jsonencode");
        assert!(args.unwrap()[0].get("Statement").is_some());
    }

    #[test]
    fn syntax_error_has_a_position_and_bom_is_skipped() {
        let (f, tf) = parse_str("\u{feff}resource \"a\" \"b\" {\n  x = \"open\n}\n");
        let e = tf.error.unwrap();
        assert_eq!(f.position(e.offset).line, 2);
        let (f, tf) = parse_str("\u{feff}locals {\r\n  x = \"y\"\r\n}\r\n");
        let x = &tf
            .body
            .block("locals")
            .unwrap()
            .body
            .attr("x")
            .unwrap()
            .value;
        assert_eq!(&f.text[x.span.clone()], "\"y\"");
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let (_, tf) = parse_str(&format!("x = {}{}\n", "[".repeat(5000), "]".repeat(5000)));
        assert!(tf.error.is_some());
    }
}
