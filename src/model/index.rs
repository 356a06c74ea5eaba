//! The cross-file index: every object of every input, seen at once. A ServiceAccount defined in
//! another file or directory satisfies a reference (the classic per-directory false positive).

use compact_str::CompactString;
use foldhash::{HashMap, HashMapExt as _};

use crate::input::load::LoadedFile;
use crate::input::{FileId, Node, SourceFile};

use super::object::{Object, ObjectId, object_nodes};

/// A parsed document of any shape: cloud-side inputs (IAM policies, `az` JSON, ARM templates)
/// are recognised by content from these, not only Kubernetes objects.
#[derive(Debug, Clone, Copy)]
pub struct DocumentRef<'a> {
    pub file: FileId,
    /// Stream index within the file.
    pub index: usize,
    pub root: &'a Node,
}

/// Which provider views a run will use (`Model::prepare_views`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Views {
    pub aws: bool,
    pub azure: bool,
    pub gcp: bool,
}

#[derive(Debug)]
pub struct Model<'a> {
    pub files: &'a [LoadedFile],
    /// Every parsed document of every file, in input order.
    pub documents: Vec<DocumentRef<'a>>,
    pub objects: Vec<Object<'a>>,
    /// Documents that parsed but are not Kubernetes objects (no `apiVersion`/`kind`).
    pub non_objects: usize,
    /// ServiceAccounts by namespace and name (built side by side with `workloads`).
    accounts: AccountIndex<'a>,
    /// Workloads by namespace and ServiceAccount.
    workloads: WorkloadIndex,
    /// Did-you-mean indexes of the ServiceAccount names of each effective namespace, built on
    /// first use (`Model::service_account_names_near`).
    names_near: std::sync::OnceLock<HashMap<CompactString, super::values::Near<'a>>>,
    /// Services and core objects by name, built on first use (`Model::services_in`,
    /// `Model::core_object`): few runs need them.
    lookups: std::sync::OnceLock<Lookups<'a>>,
    /// Workloads by effective namespace and pod label, built on first use
    /// (`Model::workloads_labelled`).
    workload_labels: std::sync::OnceLock<ByLabel<'a>>,
    /// Services by effective namespace and their selector's first label, built on first use
    /// (`Model::services_selecting`).
    service_selectors: std::sync::OnceLock<ByLabel<'a>>,
    /// The AWS view, built on first use (`Model::aws`).
    pub(super) aws: std::sync::OnceLock<super::aws::AwsModel<'a>>,
    /// Azure identities and federated credentials, built on first use (`Model::azure_identities`).
    pub(super) azure: std::sync::OnceLock<super::azure_identity::AzureIdentities>,
    /// The Terraform index, built on first use (`Model::terraform`).
    terraform: std::sync::OnceLock<crate::input::terraform::TerraformIndex<'a>>,
    /// The GCP view (KCC and Terraform IAM bindings), built on first use (`Model::gcp`).
    pub(super) gcp: std::sync::OnceLock<super::gcp::GcpModel>,
    /// OIDC issuer URLs of the target cluster(s) (`--issuer`, config); FIC issuers must equal one.
    pub cluster_issuers: Vec<String>,
    /// Audiences the clusters' Azure webhooks project (`--audience`, config); empty: the default.
    pub token_audiences: Vec<String>,
}

/// Namespace → label key → value → objects, in input order.
type ByLabel<'a> = HashMap<CompactString, HashMap<&'a str, HashMap<&'a str, Vec<ObjectId>>>>;

fn add_label<'a>(
    index: &mut ByLabel<'a>,
    namespace: &CompactString,
    key: &'a str,
    value: &'a str,
    id: ObjectId,
) {
    in_namespace(index, namespace)
        .entry(key)
        .or_default()
        .entry(value)
        .or_default()
        .push(id);
}

/// Core ServiceAccounts, nested by namespace then name so lookups borrow their keys.
#[derive(Debug, Default)]
struct AccountIndex<'a> {
    by_namespace_and_name: HashMap<CompactString, HashMap<&'a str, Vec<ObjectId>>>,
    by_name: HashMap<&'a str, Vec<ObjectId>>,
    /// The ServiceAccounts of each name without `metadata.namespace`, in input order (the
    /// fallback of `service_account`, asked on every miss: scanning all of that name was
    /// quadratic when one name is in many namespaces).
    implicit_by_name: HashMap<&'a str, Vec<ObjectId>>,
    /// Every core ServiceAccount, in input order.
    ids: Vec<ObjectId>,
    /// By effective namespace, in input order.
    by_namespace: HashMap<CompactString, Vec<ObjectId>>,
}

impl<'a> AccountIndex<'a> {
    fn build(objects: &[Object<'a>]) -> Self {
        let mut index = Self::default();
        for o in objects.iter().filter(|o| o.is_core_service_account()) {
            index.ids.push(o.id);
            push_in(&mut index.by_namespace, &o.namespace, o.id);
            let Some(name) = o.name else { continue };
            in_namespace(&mut index.by_namespace_and_name, &o.namespace)
                .entry(name)
                .or_default()
                .push(o.id);
            index.by_name.entry(name).or_default().push(o.id);
            if !o.namespace_explicit {
                index.implicit_by_name.entry(name).or_default().push(o.id);
            }
        }
        index
    }
}

/// Objects with a pod template.
#[derive(Debug, Default)]
struct WorkloadIndex {
    by_service_account: HashMap<CompactString, HashMap<CompactString, Vec<ObjectId>>>,
    /// By effective namespace, in input order.
    by_namespace: HashMap<CompactString, Vec<ObjectId>>,
}

impl WorkloadIndex {
    fn build(objects: &[Object<'_>]) -> Self {
        let mut index = Self::default();
        for o in objects {
            let Some(pod) = &o.pod else { continue };
            let accounts = in_namespace(&mut index.by_service_account, &o.namespace);
            match accounts.get_mut(pod.service_account.name) {
                Some(ids) => ids.push(o.id),
                None => {
                    accounts.insert(pod.service_account.name.into(), vec![o.id]);
                }
            }
            push_in(&mut index.by_namespace, &o.namespace, o.id);
        }
        index
    }
}

/// The value of `namespace`, inserted empty if new: the key is cloned only then (`entry`
/// takes an owned key and would clone it for every object).
fn in_namespace<'m, V: Default>(
    map: &'m mut HashMap<CompactString, V>,
    namespace: &CompactString,
) -> &'m mut V {
    if !map.contains_key(namespace) {
        map.insert(namespace.clone(), V::default());
    }
    map.get_mut(namespace).expect("inserted above")
}

/// Appends to the list of `namespace`.
fn push_in(
    map: &mut HashMap<CompactString, Vec<ObjectId>>,
    namespace: &CompactString,
    id: ObjectId,
) {
    in_namespace(map, namespace).push(id);
}

/// Definitions of one name compared by directory at most (see
/// `Model::nearest`).
const NEAR_AT_MOST: usize = 64;

/// The directories of a path, leading first (`./a/b/c.tf`: `a`, `b`).
pub fn directories(path: &str) -> impl Iterator<Item = &str> {
    let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
    dir.split('/').filter(|c| !c.is_empty() && *c != ".")
}

/// Number of leading directories two paths share (`a/b/c.yaml`, `a/b/d/e.yaml`: 2).
pub fn shared_directories(a: &str, b: &str) -> usize {
    directories(a)
        .zip(directories(b))
        .take_while(|(x, y)| x == y)
        .count()
}

/// How near two inputs are, when one name is defined once per environment directory (or per
/// snippet of a document): the leading directories they share, then whether they are in one
/// directory (nearer than a subdirectory) and the bytes their file names share there
/// (`guide.md.02.yaml` is nearer `guide.md.01.yaml` than `other.md.01.yaml`). Compared as a
/// pair; a file is nearest itself.
pub fn nearness(a: &str, b: &str) -> (usize, usize) {
    let (dir_a, file_a) = a.rsplit_once('/').unwrap_or(("", a));
    let (dir_b, file_b) = b.rsplit_once('/').unwrap_or(("", b));
    let name = if dir_a == dir_b {
        1 + file_a
            .bytes()
            .zip(file_b.bytes())
            .take_while(|(x, y)| x == y)
            .count()
    } else {
        0
    };
    (shared_directories(a, b), name)
}

/// Indexes of `Model` built on first use.
#[derive(Debug)]
struct Lookups<'a> {
    services_by_namespace: HashMap<CompactString, Vec<ObjectId>>,
    /// Core-group objects by kind, namespace and name, in input order.
    core: HashMap<&'a str, HashMap<CompactString, HashMap<&'a str, Vec<ObjectId>>>>,
}

impl<'a> Model<'a> {
    pub fn build(files: &'a [LoadedFile], default_namespace: &str) -> Self {
        use rayon::prelude::*;
        // Typed views per file on all cores; ids are given in input order afterwards.
        let per_file: Vec<(Vec<DocumentRef<'a>>, Vec<Object<'a>>, usize)> = files
            .par_iter()
            .enumerate()
            .map(|(i, file)| {
                let mut documents = Vec::with_capacity(file.parsed.documents.len());
                let mut objects = Vec::new();
                let mut non_objects = 0;
                for doc in &file.parsed.documents {
                    documents.push(DocumentRef {
                        file: FileId(i),
                        index: doc.index,
                        root: &doc.root,
                    });
                    for node in object_nodes(&doc.root) {
                        let id = ObjectId(usize::MAX);
                        match Object::from_node(id, FileId(i), doc.index, node, default_namespace) {
                            Some(o) => objects.push(o),
                            None => non_objects += 1,
                        }
                    }
                }
                (documents, objects, non_objects)
            })
            .collect();
        let mut objects = Vec::with_capacity(per_file.iter().map(|f| f.1.len()).sum());
        let mut documents = Vec::with_capacity(per_file.iter().map(|f| f.0.len()).sum());
        let mut non_objects = 0;
        for (docs, objs, non) in per_file {
            documents.extend(docs);
            for mut o in objs {
                o.id = ObjectId(objects.len());
                objects.push(o);
            }
            non_objects += non;
        }
        // The two indexes read the objects only: built on both cores (the serial part of
        // the model build, ~0.4 µs per object).
        let (accounts, workloads) = rayon::join(
            || AccountIndex::build(&objects),
            || WorkloadIndex::build(&objects),
        );
        Self {
            files,
            documents,
            objects,
            non_objects,
            accounts,
            workloads,
            names_near: std::sync::OnceLock::new(),
            lookups: std::sync::OnceLock::new(),
            workload_labels: std::sync::OnceLock::new(),
            service_selectors: std::sync::OnceLock::new(),
            aws: std::sync::OnceLock::new(),
            azure: std::sync::OnceLock::new(),
            gcp: std::sync::OnceLock::new(),
            terraform: std::sync::OnceLock::new(),
            cluster_issuers: Vec::new(),
            token_audiences: Vec::new(),
        }
    }

    fn lookups(&self) -> &Lookups<'a> {
        self.lookups.get_or_init(|| {
            let mut l = Lookups {
                services_by_namespace: HashMap::new(),
                core: HashMap::new(),
            };
            for o in &self.objects {
                if o.is("Service") {
                    l.services_by_namespace
                        .entry(o.namespace.clone())
                        .or_default()
                        .push(o.id);
                }
                if o.group().is_empty()
                    && let Some(name) = o.name
                {
                    // The first in input order wins, as a scan would find it.
                    l.core
                        .entry(o.kind)
                        .or_default()
                        .entry(o.namespace.clone())
                        .or_default()
                        .entry(name)
                        .or_default()
                        .push(o.id);
                }
            }
            l
        })
    }

    /// Objects of kind `Service` (any API group) whose effective namespace is `namespace`, in
    /// input order.
    pub fn services_in(&self, namespace: &str) -> impl Iterator<Item = &Object<'a>> {
        self.objects_of(self.lookups().services_by_namespace.get(namespace))
    }

    /// Workloads of `namespace` whose pod template has the label `key` with the text `value`
    /// (the first `key` of the labels, as `Node::get` reads it), in input order: the
    /// candidates of a Service selector, instead of every workload of the namespace.
    pub fn workloads_labelled(
        &self,
        namespace: &str,
        key: &str,
        value: &str,
    ) -> impl Iterator<Item = &Object<'a>> {
        let index = self.workload_labels.get_or_init(|| {
            let mut index: ByLabel<'a> = HashMap::new();
            for o in &self.objects {
                let Some(labels) = o.pod.as_ref().and_then(|p| p.labels) else {
                    continue;
                };
                for e in labels.first_entries() {
                    if let (Some(k), Some(v)) = (e.key.text(), e.value.text()) {
                        add_label(&mut index, &o.namespace, k, v, o.id);
                    }
                }
            }
            index
        });
        self.objects_of(
            index
                .get(namespace)
                .and_then(|by_label| by_label.get(key))
                .and_then(|by_value| by_value.get(value)),
        )
    }

    /// Services of `namespace` whose selector selects pods with these `labels`
    /// (`pod::selector_matches`), in input order. Only a Service indexed under one of the
    /// pod's labels (its selector's first) is tested, not every Service of the namespace.
    pub fn services_selecting(&self, namespace: &str, labels: &Node) -> Vec<&Object<'a>> {
        let index = self.service_selectors.get_or_init(|| {
            let mut index: ByLabel<'a> = HashMap::new();
            for o in self.objects.iter().filter(|o| o.is("Service")) {
                if let Some(first) = o
                    .node
                    .get_path(&["spec", "selector"])
                    .and_then(|s| s.entries().first())
                    && let (Some(k), Some(v)) = (first.key.text(), first.value.text())
                {
                    add_label(&mut index, &o.namespace, k, v, o.id);
                }
            }
            index
        });
        let Some(by_label) = index.get(namespace) else {
            return Vec::new();
        };
        let mut ids: Vec<ObjectId> = labels
            .first_entries()
            .filter_map(|e| by_label.get(e.key.text()?)?.get(e.value.text()?))
            .flatten()
            .copied()
            .filter(|&id| {
                self.object(id)
                    .node
                    .get_path(&["spec", "selector"])
                    .is_some_and(|s| super::pod::selector_matches(s, Some(labels)))
            })
            .collect();
        ids.sort_unstable_by_key(|id| id.0);
        ids.into_iter().map(|id| self.object(id)).collect()
    }

    /// The object of the core API group with this kind, effective namespace and name that an
    /// input in `file` uses: of several definitions, the nearest (`Model::nearest`).
    pub fn core_object(
        &self,
        file: FileId,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Option<&Object<'a>> {
        let ids = self
            .lookups()
            .core
            .get(kind)
            .and_then(|by_ns| by_ns.get(namespace))
            .and_then(|names| names.get(name))?;
        self.nearest(file, ids).map(|id| self.object(id))
    }

    /// Of several definitions of one name (in input order), the one nearest `file` (see
    /// [`nearness`]), the first among equals; past `NEAR_AT_MOST` of them, the first (the
    /// comparison is per definition, per question).
    fn nearest(&self, file: FileId, ids: &[ObjectId]) -> Option<ObjectId> {
        match ids {
            [] => None,
            &[one] => Some(one),
            _ if ids.len() > NEAR_AT_MOST => Some(ids[0]),
            _ => {
                let from = &self.source(file).path;
                let near = |id: ObjectId| nearness(&self.source(self.object(id).file).path, from);
                // `max_by_key` keeps the last of equals; the first in input order is wanted.
                ids.iter().copied().rev().max_by_key(|&id| near(id))
            }
        }
    }

    /// Blocks of every Terraform input, for lookups and reference resolution across files
    /// (built once, on first use, and shared by every rule).
    pub fn terraform(&self) -> &crate::input::terraform::TerraformIndex<'a> {
        self.terraform
            .get_or_init(|| crate::input::terraform::TerraformIndex::build(self.files))
    }

    /// Builds the wanted provider views (over the Terraform index) side by side, so rules find
    /// them ready instead of one rule building a view while the others wait for it. A view not
    /// wanted here is still built on first use.
    pub fn prepare_views(&self, wanted: Views) {
        if !(wanted.aws || wanted.azure || wanted.gcp) {
            return;
        }
        self.terraform();
        rayon::join(
            || wanted.aws.then(|| self.aws().prepare()),
            || {
                rayon::join(
                    || wanted.azure.then(|| self.azure_identities()),
                    || wanted.gcp.then(|| self.gcp()),
                )
            },
        );
    }

    pub fn object(&self, id: ObjectId) -> &Object<'a> {
        &self.objects[id.0]
    }

    /// The objects an index entry lists, in its order.
    fn objects_of<'s>(
        &'s self,
        ids: Option<&'s Vec<ObjectId>>,
    ) -> impl Iterator<Item = &'s Object<'a>> + 's {
        ids.into_iter().flatten().map(|&id| self.object(id))
    }

    pub fn source(&self, file: FileId) -> &'a SourceFile {
        &self.files[file.0].source
    }

    /// The ServiceAccount `namespace/name`, if the inputs define it (the first definition);
    /// else a same-named ServiceAccount without `metadata.namespace`, which `kubectl apply -n`
    /// can put into any namespace.
    pub fn service_account(&self, namespace: &str, name: &str) -> Option<&Object<'a>> {
        self.service_account_exact(namespace, name).or_else(|| {
            self.accounts
                .implicit_by_name
                .get(name)
                .and_then(|ids| ids.first())
                .map(|&id| self.object(id))
        })
    }

    /// The first ServiceAccount (in input order) whose effective namespace and name are
    /// exactly these, without `service_account`'s fallback.
    pub fn service_account_exact(&self, namespace: &str, name: &str) -> Option<&Object<'a>> {
        self.accounts
            .by_namespace_and_name
            .get(namespace)
            .and_then(|names| names.get(name))
            .and_then(|ids| ids.first())
            .map(|&id| self.object(id))
    }

    /// The ServiceAccount `namespace/name` that an input in `file` uses: of several definitions
    /// (each environment's directory has its own `shop/app`), the one nearest `file` (see
    /// [`nearness`]), the first in input order among equals; without one in `namespace`, the
    /// nearest same-named ServiceAccount without `metadata.namespace` (as
    /// [`Model::service_account`] falls back). With a single "first definition" for all, a
    /// `prod` Deployment was judged against the `dev` ServiceAccount listed before it.
    pub fn service_account_near(
        &self,
        file: FileId,
        namespace: &str,
        name: &str,
    ) -> Option<&Object<'a>> {
        let ids = self
            .accounts
            .by_namespace_and_name
            .get(namespace)
            .and_then(|names| names.get(name));
        let implicit = || {
            let ids = self.accounts.implicit_by_name.get(name)?;
            self.nearest(file, ids)
        };
        ids.and_then(|ids| self.nearest(file, ids))
            .or_else(implicit)
            .map(|id| self.object(id))
    }

    /// Workloads that run as this ServiceAccount object: `workloads_running_as` its namespace
    /// and name, less those for which another definition of it is nearer
    /// ([`Model::service_account_near`]).
    pub fn workloads_running_as_account<'s>(
        &'s self,
        sa: &Object<'a>,
    ) -> impl Iterator<Item = &'s Object<'a>> + use<'s, 'a> {
        let (id, name, namespace) = (sa.id, sa.name.unwrap_or_default(), sa.namespace.clone());
        let ids = self
            .workloads
            .by_service_account
            .get(&namespace)
            .and_then(|names| names.get(name));
        self.objects_of(ids).filter(move |w| {
            self.service_account_near(w.file, &namespace, name)
                .is_none_or(|near| near.id == id)
        })
    }

    /// ServiceAccounts with this name in any namespace.
    pub fn service_accounts_named(&self, name: &str) -> impl Iterator<Item = &Object<'a>> {
        self.objects_of(self.accounts.by_name.get(name))
    }

    pub fn service_accounts(&self) -> impl Iterator<Item = &Object<'a>> {
        self.accounts.ids.iter().map(|&id| self.object(id))
    }

    /// ServiceAccounts whose effective namespace is `namespace`, in input order.
    pub fn service_accounts_in(&self, namespace: &str) -> impl Iterator<Item = &Object<'a>> {
        self.objects_of(self.accounts.by_namespace.get(namespace))
    }

    /// The "did you mean" index of the names of `service_accounts_in(namespace)`: rules that
    /// suggest a ServiceAccount for each unmatched reference share it instead of ranking the
    /// namespace's names per reference (quadratic in a namespace of many ServiceAccounts).
    pub fn service_account_names_near(&self, namespace: &str) -> Option<&super::values::Near<'a>> {
        self.names_near
            .get_or_init(|| {
                self.accounts
                    .by_namespace
                    .iter()
                    .map(|(ns, ids)| {
                        let names = ids.iter().filter_map(|&id| self.object(id).name);
                        (ns.clone(), super::values::Near::new(names))
                    })
                    .collect()
            })
            .get(namespace)
    }

    /// Workloads (objects with a pod template) that run as `namespace/name`.
    pub fn workloads_running_as(
        &self,
        namespace: &str,
        name: &str,
    ) -> impl Iterator<Item = &Object<'a>> {
        self.objects_of(
            self.workloads
                .by_service_account
                .get(namespace)
                .and_then(|names| names.get(name)),
        )
    }

    pub fn workloads(&self) -> impl Iterator<Item = &Object<'a>> {
        self.objects.iter().filter(|o| o.pod.is_some())
    }

    /// Workloads whose effective namespace is `namespace`, in input order.
    pub fn workloads_in(&self, namespace: &str) -> impl Iterator<Item = &Object<'a>> {
        self.objects_of(self.workloads.by_namespace.get(namespace))
    }

    pub fn document_count(&self) -> usize {
        self.files.iter().map(|f| f.parsed.document_count).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each environment directory defines `shop/app`: a workload uses the nearest definition,
    /// and a ServiceAccount's workloads are those that use it.
    #[test]
    fn the_nearest_of_several_definitions_is_the_one_used() {
        let sa =
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: shop\n";
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  serviceAccountName: app\n  containers: []\n";
        let load = |path: &str, text: &str| crate::input::load::load_text(path, text).unwrap();
        let files = [
            load("envs/dev/sa.yaml", sa),
            load("envs/prod/sa.yaml", sa),
            load("envs/prod/apps/pod.yaml", pod),
            load("envs/dev/pod.yaml", pod),
            load("shared/pod.yaml", pod),
        ];
        let model = Model::build(&files, "default");
        let near = |file: usize| {
            let sa = model
                .service_account_near(FileId(file), "shop", "app")
                .unwrap();
            model.source(sa.file).path.as_str()
        };
        assert_eq!(near(2), "envs/prod/sa.yaml");
        assert_eq!(near(3), "envs/dev/sa.yaml");
        // Equally near (no shared directory): the first in input order, as before.
        assert_eq!(near(4), "envs/dev/sa.yaml");
        let users = |file: usize| {
            let sa = model
                .objects
                .iter()
                .find(|o| o.file == FileId(file))
                .unwrap();
            model
                .workloads_running_as_account(sa)
                .map(|w| model.source(w.file).path.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(users(0), ["envs/dev/pod.yaml", "shared/pod.yaml"]);
        assert_eq!(users(1), ["envs/prod/apps/pod.yaml"]);
        // Without `metadata.namespace` (applied with `-n`): the nearest such definition.
        let implicit = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n";
        let files = [
            load("envs/dev/web-sa.yaml", implicit),
            load("envs/prod/web-sa.yaml", implicit),
            load("envs/prod/pod.yaml", pod),
        ];
        let model = Model::build(&files, "default");
        let sa = model
            .service_account_near(FileId(2), "shop", "web")
            .unwrap();
        assert_eq!(model.source(sa.file).path, "envs/prod/web-sa.yaml");
        assert_eq!(shared_directories("a/b/c.yaml", "a/b/d/e.yaml"), 2);
        assert_eq!(shared_directories("./a/x.tf", "a/y.tf"), 1);
        assert_eq!(shared_directories("x.yaml", "a/y.yaml"), 0);
    }

    #[test]
    fn workloads_labelled_are_in_input_order_and_read_the_first_duplicate() {
        let text = "\
apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  namespace: shop\n  labels:\n    app: web\nspec:\n  containers: []\n---
apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n  namespace: shop\n  labels:\n    app: api\n    app: web\nspec:\n  containers: []\n---
apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: c\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers: []\n---
apiVersion: v1\nkind: Pod\nmetadata:\n  name: d\n  namespace: other\n  labels:\n    app: web\nspec:\n  containers: []\n";
        let files = [crate::input::load::load_text("pods.yaml", text).unwrap()];
        let model = Model::build(&files, "default");
        let names = |ns, k, v| {
            model
                .workloads_labelled(ns, k, v)
                .map(|o| o.name.unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(names("shop", "app", "web"), ["a", "c"]);
        assert_eq!(names("shop", "app", "api"), ["b"]);
        assert_eq!(names("other", "app", "web"), ["d"]);
        assert!(names("shop", "tier", "web").is_empty());
    }
}
