//! Lookup tables over the AWS view, built once on first query: rules ask "which associations
//! and bindings use this role" per role and "which associations are for this ServiceAccount" per
//! workload, and a linear scan (re-parsing every ARN) per question is quadratic on big inputs.
//! Each table only narrows the candidates; the callers keep the exact predicates and input order.

use foldhash::{HashMap, HashMapExt as _};

use crate::input::FileId;

use super::same_name::{NameOnly, SameName, users_by_role};
use super::{AwsModel, Role, RoleArn};

#[derive(Debug, Default)]
pub(super) struct Lookup {
    /// Parsed `roleArn` / `targetRoleArn` of each association, and role ARN of each binding.
    pub association_roles: Vec<Option<RoleArn>>,
    pub association_targets: Vec<Option<RoleArn>>,
    pub binding_roles: Vec<Option<RoleArn>>,
    /// Per association (role, target role) and binding: which roles known only by name its
    /// ARN may name (`same_name`).
    pub association_role_names: Vec<NameOnly>,
    pub association_target_names: Vec<NameOnly>,
    pub binding_role_names: Vec<NameOnly>,
    /// Roles known only by name that share their name, and for each such role the users
    /// paired with it: its users are looked up there, not among all users of the name.
    pub same_name: SameName,
    role_users: HashMap<usize, Vec<usize>>,
    target_users: HashMap<usize, Vec<usize>>,
    binding_users: HashMap<usize, Vec<usize>>,
    /// `RoleArn::key()` → indices, ascending.
    by_role_key: HashMap<String, Vec<usize>>,
    by_target_key: HashMap<String, Vec<usize>>,
    binding_by_role_key: HashMap<String, Vec<usize>>,
    /// Terraform role address → association indices, ascending.
    by_role_address: HashMap<String, Vec<usize>>,
    by_target_address: HashMap<String, Vec<usize>>,
    /// namespace → ServiceAccount name → association indices, ascending.
    by_service_account: HashMap<String, HashMap<String, Vec<usize>>>,
    /// Cluster name → index of the first cluster of that name.
    pub cluster_by_name: HashMap<String, usize>,
}

fn index(keys: impl Iterator<Item = Option<String>>) -> HashMap<String, Vec<usize>> {
    let mut map: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, k) in keys.enumerate() {
        if let Some(k) = k {
            map.entry(k).or_default().push(i);
        }
    }
    map
}

impl Lookup {
    pub(super) fn build(aws: &AwsModel) -> Self {
        let association_roles: Vec<_> = aws.associations.iter().map(|a| a.role()).collect();
        let association_targets: Vec<_> =
            aws.associations.iter().map(|a| a.target_role()).collect();
        let binding_roles: Vec<_> = aws.bindings.iter().map(|b| b.role()).collect();
        let keys = |arns: &[Option<RoleArn>]| -> Vec<Option<String>> {
            arns.iter().map(|r| r.as_ref().map(RoleArn::key)).collect()
        };
        let (role_keys, target_keys, binding_keys) = (
            keys(&association_roles),
            keys(&association_targets),
            keys(&binding_roles),
        );
        let same_name = SameName::build(aws);
        let names = |keys: &[Option<String>], arns: &[Option<RoleArn>], files: &[FileId]| {
            (0..keys.len())
                .map(|i| same_name.name_only(aws, keys[i].as_ref(), arns[i].as_ref(), files[i]))
                .collect::<Vec<_>>()
        };
        let association_files: Vec<FileId> = aws.associations.iter().map(|a| a.file).collect();
        let binding_files: Vec<FileId> = aws.bindings.iter().map(|b| b.file).collect();
        let association_role_names = names(&role_keys, &association_roles, &association_files);
        let association_target_names =
            names(&target_keys, &association_targets, &association_files);
        let binding_role_names = names(&binding_keys, &binding_roles, &binding_files);
        let mut by_service_account: HashMap<String, HashMap<String, Vec<usize>>> = HashMap::new();
        for (i, a) in aws.associations.iter().enumerate() {
            if let (Some(ns), Some(sa)) = (a.namespace(), a.service_account()) {
                by_service_account
                    .entry(ns.to_string())
                    .or_default()
                    .entry(sa.to_string())
                    .or_default()
                    .push(i);
            }
        }
        Self {
            by_role_key: index(role_keys.into_iter()),
            by_target_key: index(target_keys.into_iter()),
            binding_by_role_key: index(binding_keys.into_iter()),
            role_users: users_by_role(&association_role_names),
            target_users: users_by_role(&association_target_names),
            binding_users: users_by_role(&binding_role_names),
            association_role_names,
            association_target_names,
            binding_role_names,
            same_name,
            by_role_address: index(aws.associations.iter().map(|a| a.role_address.clone())),
            by_target_address: index(
                aws.associations
                    .iter()
                    .map(|a| a.target_role_address.clone()),
            ),
            association_roles,
            association_targets,
            binding_roles,
            by_service_account,
            cluster_by_name: aws
                .clusters
                .iter()
                .enumerate()
                .rev()
                .map(|(i, c)| (c.name.clone(), i))
                .collect(),
        }
    }

    /// The key every ARN that `Role::is` accepts has (`RoleArn::key`), if the role has a name.
    pub(super) fn role_key(role: &Role) -> Option<String> {
        match (&role.arn, &role.name) {
            (Some(arn), _) => Some(arn.key()),
            (None, Some(n)) => Some(format!("{}{}", role.path, n).to_ascii_lowercase()),
            (None, None) => None,
        }
    }

    /// Ascending indices that may match `role` by key (for a role that shares its name with
    /// others known only by name, those paired with it) or by Terraform address.
    fn candidates(
        &self,
        role: &Role,
        by_key: &HashMap<String, Vec<usize>>,
        paired: &HashMap<usize, Vec<usize>>,
        by_address: &HashMap<String, Vec<usize>>,
    ) -> Vec<usize> {
        let empty = &[][..];
        let keyed = match self.same_name.shared_index(role) {
            Some(i) => paired.get(&i).map_or(empty, Vec::as_slice),
            None => Self::role_key(role)
                .and_then(|k| by_key.get(&k))
                .map_or(empty, Vec::as_slice),
        };
        let addressed = role
            .address
            .as_ref()
            .and_then(|a| by_address.get(a))
            .map_or(empty, Vec::as_slice);
        if addressed.is_empty() {
            return keyed.to_vec();
        }
        let mut all = [keyed, addressed].concat();
        all.sort_unstable();
        all.dedup();
        all
    }

    pub(super) fn associations_using(&self, role: &Role) -> Vec<usize> {
        self.candidates(
            role,
            &self.by_role_key,
            &self.role_users,
            &self.by_role_address,
        )
    }

    pub(super) fn associations_targeting(&self, role: &Role) -> Vec<usize> {
        self.candidates(
            role,
            &self.by_target_key,
            &self.target_users,
            &self.by_target_address,
        )
    }

    pub(super) fn bindings_using(&self, role: &Role) -> &[usize] {
        match self.same_name.shared_index(role) {
            Some(i) => self.binding_users.get(&i).map_or(&[], Vec::as_slice),
            None => Self::role_key(role)
                .and_then(|k| self.binding_by_role_key.get(&k))
                .map_or(&[], Vec::as_slice),
        }
    }

    pub(super) fn associations_for(&self, namespace: &str, name: &str) -> &[usize] {
        self.by_service_account
            .get(namespace)
            .and_then(|m| m.get(name))
            .map_or(&[], Vec::as_slice)
    }
}
