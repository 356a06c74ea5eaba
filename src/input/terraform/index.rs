//! Every `.tf` input's blocks by address, and resolution of plain references across files.

use foldhash::HashMap;

use super::{Block, Expr, ExprKind, IndexKey, Step, TerraformFile, Traversal, is_special_root};
use crate::input::load::LoadedFile;
use crate::input::source::FileId;

/// Every `.tf` block of every input, by module and address, for resolving plain references.
/// A module is a directory: Terraform merges the `.tf` and `.tf.json` files of one directory,
/// and a reference names a block of its own module only. A repository with a `dev` and a
/// `prod` module that define the same addresses thus resolves each module's references in it
/// (before, the two were one module: `defined more than once`, or a data source of the other).
#[derive(Debug, Default)]
pub struct TerraformIndex<'a> {
    /// Files with a parsed Terraform body, in input order.
    pub files: Vec<(FileId, &'a TerraformFile)>,
    /// The module (directory) of each input file, by `FileId`.
    modules: Vec<&'a str>,
    /// `(module, "resource" | "data", type, name)` → definitions.
    blocks: HashMap<BlockKey<'a>, Vec<(FileId, &'a Block)>>,
    /// `(module, name)` → definitions.
    locals: HashMap<(&'a str, &'a str), Vec<(FileId, &'a Expr)>>,
}

/// `(module, "resource" | "data", type, name)`.
type BlockKey<'a> = (&'a str, &'a str, &'a str, &'a str);

/// The module of a file: its directory (`""` for a bare file name).
pub fn module_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// What a reference stands for.
#[derive(Debug, Clone)]
pub enum Resolved<'a> {
    /// A literal written in the inputs (possibly behind references): point findings at it.
    Literal { file: FileId, expr: &'a Expr },
    /// Not known without running Terraform; `reason` is a sentence for an info note.
    Unresolved { reason: String },
}

/// References followed before giving up (also stops reference cycles).
const MAX_HOPS: usize = 16;

impl<'a> TerraformIndex<'a> {
    pub fn build(files: &'a [LoadedFile]) -> Self {
        let mut index = Self {
            modules: files.iter().map(|f| module_of(&f.source.path)).collect(),
            ..Self::default()
        };
        for (i, f) in files.iter().enumerate() {
            let Some(tf) = &f.terraform else { continue };
            let id = FileId(i);
            let module = index.modules[i];
            index.files.push((id, tf));
            for b in &tf.body.blocks {
                match (b.ident.as_str(), b.type_label(), b.name_label()) {
                    (kind @ ("resource" | "data"), Some(ty), Some(name)) => index
                        .blocks
                        .entry((module, kind, ty, name))
                        .or_default()
                        .push((id, b)),
                    ("locals", _, _) => {
                        for a in &b.body.attributes {
                            index
                                .locals
                                .entry((module, a.key.as_str()))
                                .or_default()
                                .push((id, &a.value));
                        }
                    }
                    _ => {}
                }
            }
        }
        index
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// `resource "<ty>" …` blocks of all files, in input order.
    pub fn resources<'s>(&'s self, ty: &'s str) -> impl Iterator<Item = (FileId, &'a Block)> + 's {
        self.files
            .iter()
            .flat_map(move |(id, tf)| top_level(tf, "resource", ty).map(move |b| (*id, b)))
    }

    /// `data "<ty>" …` blocks of all files, in input order.
    pub fn data_sources<'s>(
        &'s self,
        ty: &'s str,
    ) -> impl Iterator<Item = (FileId, &'a Block)> + 's {
        self.files
            .iter()
            .flat_map(move |(id, tf)| top_level(tf, "data", ty).map(move |b| (*id, b)))
    }

    /// The module (directory) of an input file: the scope of its references, and part of the
    /// key of a block other inputs are matched on (`tf:<module>/<address>`).
    pub fn module(&self, file: FileId) -> &'a str {
        self.modules.get(file.0).copied().unwrap_or("")
    }

    /// The first `data "<ty>" "<name>"` block, in input order, of the module of `file` (the
    /// file whose reference names it).
    pub fn data_source(&self, file: FileId, ty: &str, name: &str) -> Option<(FileId, &'a Block)> {
        let key = (self.module(file), "data", ty, name);
        self.blocks.get(&key)?.first().copied()
    }

    /// The single definition of `resource "<ty>" "<name>"` in the module of `file` (`None` if
    /// absent or defined twice).
    pub fn resource(&self, file: FileId, ty: &str, name: &str) -> Option<(FileId, &'a Block)> {
        match self
            .blocks
            .get(&(self.module(file), "resource", ty, name))?
            .as_slice()
        {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// Resolves `expr` (found in `file`) to a literal: itself if it is one, else by following
    /// plain references to literal attributes of other blocks (`azurerm_x.n.attr`,
    /// `data.azurerm_x.n.attr`, `local.x`, with literal map keys and list indexes). Variables,
    /// module outputs, computed attributes, templates with interpolation and function calls are
    /// [`Resolved::Unresolved`] with the reason — never guessed.
    pub fn resolve(&self, file: FileId, expr: &'a Expr) -> Resolved<'a> {
        let mut file = file;
        let mut expr = expr;
        for _ in 0..MAX_HOPS {
            if expr.is_literal() {
                return Resolved::Literal { file, expr };
            }
            let t = match &expr.kind {
                ExprKind::Reference(t) => t,
                ExprKind::Template { .. } => {
                    return unresolved("it is a string template with interpolation");
                }
                ExprKind::Call { name, .. } => {
                    return unresolved(format!("it is computed by {name}()"));
                }
                _ => return unresolved("it is an expression that is not evaluated statically"),
            };
            let (target, rest) = match self.lookup(self.module(file), t) {
                Ok(found) => found,
                Err(reason) => return unresolved(reason),
            };
            match walk(target.1, rest) {
                Ok(e) => {
                    file = target.0;
                    expr = e;
                }
                Err(reason) => return unresolved(format!("`{t}`: {reason}")),
            }
        }
        unresolved("the chain of references is too long (or circular)")
    }

    /// The expression a reference in `module` names, and the steps left to apply to it.
    fn lookup<'t>(
        &self,
        module: &str,
        t: &'t Traversal,
    ) -> Result<((FileId, &'a Expr), &'t [Step]), String> {
        let attr = |i: usize| match t.steps.get(i) {
            Some(Step::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        let (kind, ty, name, attr_at) = match t.root.as_str() {
            "local" => {
                let Some(name) = attr(0) else {
                    return Err(format!("`{t}` is not a plain reference"));
                };
                return match self.locals.get(&(module, name)).map(Vec::as_slice) {
                    Some([one]) => Ok((*one, &t.steps[1..])),
                    Some(_) => Err(format!("`local.{name}` is defined more than once")),
                    None => Err(format!("`local.{name}` is not defined in the inputs")),
                };
            }
            "var" => {
                return Err(format!(
                    "`{t}` is an input variable, set outside the configuration"
                ));
            }
            "module" => return Err(format!("`{t}` is a module output")),
            "data" => match (attr(0), attr(1)) {
                (Some(ty), Some(name)) => ("data", ty, name, 2),
                _ => return Err(format!("`{t}` is not a plain reference")),
            },
            root if is_special_root(root) => {
                return Err(format!("`{t}` depends on the evaluation context"));
            }
            ty => match attr(0) {
                Some(name) => ("resource", ty, name, 1),
                None => return Err(format!("`{t}` is not a plain reference")),
            },
        };
        let address = if kind == "data" {
            format!("data.{ty}.{name}")
        } else {
            format!("{ty}.{name}")
        };
        let block = match self
            .blocks
            .get(&(module, kind, ty, name))
            .map(Vec::as_slice)
        {
            Some([one]) => *one,
            Some(_) => return Err(format!("`{address}` is defined more than once")),
            None => return Err(format!("`{address}` is not defined in the inputs")),
        };
        if block.1.body.attr("count").is_some() || block.1.body.attr("for_each").is_some() {
            return Err(format!("`{address}` uses count/for_each"));
        }
        let Some(attr_name) = attr(attr_at) else {
            return Err(format!("`{t}` names no attribute of `{address}`"));
        };
        match block.1.body.attr(attr_name) {
            Some(a) => Ok(((block.0, &a.value), &t.steps[attr_at + 1..])),
            None => Err(format!(
                "`{attr_name}` is not set in `{address}` (the provider computes it at apply time)"
            )),
        }
    }
}

fn top_level<'a, 's>(
    tf: &'a TerraformFile,
    ident: &'s str,
    ty: &'s str,
) -> impl Iterator<Item = &'a Block> + 's
where
    'a: 's,
{
    tf.body
        .blocks
        .iter()
        .filter(move |b| b.ident == ident && b.type_label() == Some(ty))
}

fn unresolved<'a>(reason: impl Into<String>) -> Resolved<'a> {
    Resolved::Unresolved {
        reason: reason.into(),
    }
}

/// Applies the remaining traversal steps to a literal map or list.
fn walk<'a>(mut expr: &'a Expr, steps: &[Step]) -> Result<&'a Expr, String> {
    for step in steps {
        let next = match (step, &expr.kind) {
            (Step::Attr(k) | Step::Index(Some(IndexKey::String(k))), ExprKind::Map(_)) => {
                expr.get(k).map(|e| &e.value)
            }
            (Step::Index(Some(IndexKey::Number(n))), ExprKind::List(items)) => {
                usize::try_from(*n).ok().and_then(|n| items.get(n))
            }
            _ => {
                return Err("the value is not a literal that the path can be followed into".into());
            }
        };
        match next {
            Some(e) => expr = e,
            None => return Err("the path names no element of the literal".into()),
        }
    }
    Ok(expr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_plain_references_across_files_and_never_guesses() {
        let a = crate::input::load::load_text(
            "a.tf",
            r#"
resource "azurerm_kubernetes_cluster" "aks" {
  name = "aks"
}
locals {
  issuer = "https://eastus.oic.prod-aks.azure.com/t/u/"
  m      = { ns = "shop", list = ["x", "y"] }
}
resource "azurerm_user_assigned_identity" "id" {
  name = local.m.list[1]
}
"#,
        )
        .unwrap();
        let b = crate::input::load::load_text(
            "b.tf",
            r#"
resource "x" "y" {
  a = local.issuer
  b = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  c = var.ns
  d = azurerm_user_assigned_identity.id.name
  e = "${local.m.ns}"
  f = local.m["ns"]
}
"#,
        )
        .unwrap();
        let files = vec![a, b];
        let index = TerraformIndex::build(&files);
        let block = index.resources("x").next().unwrap().1;
        let get = |k: &str| index.resolve(FileId(1), &block.body.attr(k).unwrap().value);
        let Resolved::Literal { file, expr } = get("a") else {
            panic!()
        };
        assert_eq!(file, FileId(0));
        assert_eq!(
            expr.as_str(),
            Some("https://eastus.oic.prod-aks.azure.com/t/u/")
        );
        let Resolved::Unresolved { reason } = get("b") else {
            panic!()
        };
        assert!(reason.contains("computes it"), "{reason}");
        assert!(matches!(get("c"), Resolved::Unresolved { .. }));
        let Resolved::Literal { expr, .. } = get("d") else {
            panic!()
        };
        assert_eq!(expr.as_str(), Some("y"));
        assert!(matches!(get("e"), Resolved::Unresolved { .. }));
        let Resolved::Literal { expr, .. } = get("f") else {
            panic!()
        };
        assert_eq!(expr.as_str(), Some("shop"));
    }

    /// A module is a directory: each resolves its own references, and a block defined in two
    /// modules is not "defined more than once".
    #[test]
    fn references_resolve_within_their_module() {
        let env = |dir: &str| {
            let text = format!(
                "locals {{\n  ns = \"{dir}\"\n}}\nresource \"x\" \"y\" {{\n  a = local.ns\n}}\ndata \"d\" \"p\" {{\n  v = \"{dir}\"\n}}\n"
            );
            crate::input::load::load_text(&format!("envs/{dir}/main.tf"), &text).unwrap()
        };
        let files = vec![env("dev"), env("prod")];
        let index = TerraformIndex::build(&files);
        for (i, dir) in ["dev", "prod"].iter().enumerate() {
            let file = FileId(i);
            let (_, block) = index.resource(file, "x", "y").expect("one per module");
            let Resolved::Literal { file: at, expr } =
                index.resolve(file, &block.body.attr("a").unwrap().value)
            else {
                panic!("local.ns of {dir}")
            };
            assert_eq!((at, expr.as_str()), (file, Some(*dir)));
            let (at, data) = index.data_source(file, "d", "p").unwrap();
            assert_eq!(at, file);
            assert_eq!(data.body.attr("v").unwrap().value.as_str(), Some(*dir));
        }
        assert_eq!(index.module(FileId(1)), "envs/prod");
        assert_eq!(module_of("main.tf"), "");
    }
}
