//! Lookup tables over the AWS view, built once on first query: rules ask "which associations
//! and bindings use this role" per role and "which associations are for this ServiceAccount" per
//! workload, and a linear scan (re-parsing every ARN) per question is quadratic on big inputs.
//! Each table only narrows the candidates; the callers keep the exact predicates and input order.

use foldhash::{HashMap, HashMapExt as _};

use super::{AwsModel, Role, RoleArn};

#[derive(Debug, Default)]
pub(super) struct Lookup {
    /// Parsed `roleArn` / `targetRoleArn` of each association, and role ARN of each binding.
    pub association_roles: Vec<Option<RoleArn>>,
    pub association_targets: Vec<Option<RoleArn>>,
    pub binding_roles: Vec<Option<RoleArn>>,
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
            by_role_key: index(
                association_roles
                    .iter()
                    .map(|r| r.as_ref().map(RoleArn::key)),
            ),
            by_target_key: index(
                association_targets
                    .iter()
                    .map(|r| r.as_ref().map(RoleArn::key)),
            ),
            binding_by_role_key: index(binding_roles.iter().map(|r| r.as_ref().map(RoleArn::key))),
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
    fn role_key(role: &Role) -> Option<String> {
        match (&role.arn, &role.name) {
            (Some(arn), _) => Some(arn.key()),
            (None, Some(n)) => Some(format!("{}{}", role.path, n).to_ascii_lowercase()),
            (None, None) => None,
        }
    }

    /// Ascending indices that may match `role` by key or by Terraform address.
    fn candidates(
        role: &Role,
        by_key: &HashMap<String, Vec<usize>>,
        by_address: &HashMap<String, Vec<usize>>,
    ) -> Vec<usize> {
        let empty = &[][..];
        let keyed = Self::role_key(role)
            .and_then(|k| by_key.get(&k))
            .map_or(empty, Vec::as_slice);
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
        Self::candidates(role, &self.by_role_key, &self.by_role_address)
    }

    pub(super) fn associations_targeting(&self, role: &Role) -> Vec<usize> {
        Self::candidates(role, &self.by_target_key, &self.by_target_address)
    }

    pub(super) fn bindings_using(&self, role: &Role) -> &[usize] {
        Self::role_key(role)
            .and_then(|k| self.binding_by_role_key.get(&k))
            .map_or(&[], Vec::as_slice)
    }

    pub(super) fn associations_for(&self, namespace: &str, name: &str) -> &[usize] {
        self.by_service_account
            .get(namespace)
            .and_then(|m| m.get(name))
            .map_or(&[], Vec::as_slice)
    }
}
