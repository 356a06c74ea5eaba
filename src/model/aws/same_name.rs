//! Roles known only by name (ACK, Terraform: no account) that share a name. Such a role
//! matches an ARN of any account, so when the inputs hold several roles of one name (a `dev`
//! and a `prod` module each define `s3-reader`, in their own accounts) an ARN alone cannot
//! tell which it names; pairing it with each of them judged one environment's association
//! against the other's trust policy. A user is paired with the nearest of them instead
//! (`model::index::nearness`), found through a directory index: comparing every user with
//! every same-named role was quadratic in the copies of a module.

use foldhash::{HashMap, HashMapExt as _, HashSet};

use crate::input::FileId;

use super::{AwsModel, Role, RoleArn};

/// Which roles known only by name one user's ARN may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NameOnly {
    /// At most one role known only by name has the ARN's path and name: no restriction.
    Any,
    /// Of several, the nearest the user's file (its index in `AwsModel::roles`).
    Only(usize),
    /// A role with this exact ARN is in the inputs (it is the one named), or the nearest
    /// several are equally near: none.
    None,
}

impl NameOnly {
    /// Whether a user with this restriction may be paired with `role` (index `index`).
    pub(super) fn admits(self, role: &Role, index: Option<usize>) -> bool {
        role.arn.is_some()
            || match self {
                NameOnly::Any => true,
                NameOnly::Only(i) => index == Some(i),
                NameOnly::None => false,
            }
    }
}

/// The directories of a path, leading first.
fn directories(path: &str) -> Vec<&str> {
    crate::model::index::directories(path).collect()
}

#[derive(Debug, Default)]
pub(super) struct SameName {
    /// `RoleArn::key()`s that several roles known only by name have.
    shared: HashSet<String>,
    /// (key, directory) → those roles directly in the directory.
    in_dir: HashMap<(String, String), Vec<usize>>,
    /// (key, directory) → those roles in the directory or below it (`""`: all).
    under: HashMap<(String, String), Vec<usize>>,
    /// (key, partition, account) of every role with an ARN.
    exact: HashSet<(String, String, String)>,
    /// (file, anchor start) → index, for the roles of `shared` keys.
    index_of: HashMap<(FileId, usize), usize>,
}

impl SameName {
    pub(super) fn build(aws: &AwsModel) -> Self {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        let mut same = Self::default();
        for (i, r) in aws.roles.iter().enumerate() {
            match (&r.arn, super::lookup::Lookup::role_key(r)) {
                (Some(arn), Some(key)) => {
                    same.exact
                        .insert((key, arn.partition.clone(), arn.account.clone()));
                }
                (None, Some(key)) => by_key.entry(key).or_default().push(i),
                _ => {}
            }
        }
        for (key, roles) in by_key.into_iter().filter(|(_, r)| r.len() > 1) {
            for &i in &roles {
                let role = &aws.roles[i];
                same.index_of.insert((role.file, role.anchor.start), i);
                let dirs = directories(aws.path(role.file));
                same.in_dir
                    .entry((key.clone(), dirs.join("/")))
                    .or_default()
                    .push(i);
                for depth in 0..=dirs.len() {
                    same.under
                        .entry((key.clone(), dirs[..depth].join("/")))
                        .or_default()
                        .push(i);
                }
            }
            same.shared.insert(key);
        }
        same
    }

    /// The index of `role` when it is known only by name and shares its name.
    pub(super) fn shared_index(&self, role: &Role) -> Option<usize> {
        if role.arn.is_some() || self.index_of.is_empty() {
            return None;
        }
        self.index_of.get(&(role.file, role.anchor.start)).copied()
    }

    /// Which roles known only by name the user in `file`, whose ARN is `arn` (key `key`),
    /// may be paired with.
    pub(super) fn name_only(
        &self,
        aws: &AwsModel,
        key: Option<&String>,
        arn: Option<&RoleArn>,
        file: FileId,
    ) -> NameOnly {
        let (Some(key), Some(arn)) = (key, arn) else {
            return NameOnly::Any;
        };
        if !self.shared.contains(key) {
            return NameOnly::Any;
        }
        if self
            .exact
            .contains(&(key.clone(), arn.partition.clone(), arn.account.clone()))
        {
            return NameOnly::None;
        }
        let from = aws.path(file);
        let dirs = directories(from);
        // In the user's own directory: the longest shared file-name prefix decides.
        if let Some(here) = self.in_dir.get(&(key.clone(), dirs.join("/"))) {
            let near =
                |&i: &usize| crate::model::index::nearness(aws.path(aws.roles[i].file), from);
            let best = here.iter().map(near).max();
            let mut at_best = here.iter().filter(|i| Some(near(i)) == best);
            return match (at_best.next(), at_best.next()) {
                (Some(&i), None) => NameOnly::Only(i),
                _ => NameOnly::None,
            };
        }
        // Else the deepest directory of the user's with such roles at or below it: all of
        // them share exactly that many directories with the user, so only one may be taken.
        for depth in (0..=dirs.len()).rev() {
            if let Some(roles) = self.under.get(&(key.clone(), dirs[..depth].join("/"))) {
                return match roles.as_slice() {
                    [one] => NameOnly::Only(*one),
                    _ => NameOnly::None,
                };
            }
        }
        NameOnly::None
    }
}

/// Role index → users (ascending) whose restriction is `Only` that role.
pub(super) fn users_by_role(names: &[NameOnly]) -> HashMap<usize, Vec<usize>> {
    let mut map: HashMap<usize, Vec<usize>> = HashMap::new();
    for (user, n) in names.iter().enumerate() {
        if let NameOnly::Only(role) = n {
            map.entry(*role).or_default().push(user);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use crate::model::Model;

    const ROLE: &str = "apiVersion: iam.services.k8s.aws/v1alpha1\nkind: Role\nmetadata:\n  name: r\nspec:\n  name: s3-reader\n  assumeRolePolicyDocument: '{\"Version\": \"2012-10-17\", \"Statement\": []}'\n";
    const SA: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: s3-reader\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/s3-reader\n";

    /// Which ServiceAccount files each same-named role is paired with.
    fn pairs(files: &[(&str, &str)]) -> Vec<(String, Vec<String>)> {
        let loaded: Vec<_> = files
            .iter()
            .map(|(p, t)| crate::input::load::load_text(p, t).unwrap())
            .collect();
        let model = Model::build(&loaded, "default");
        let aws = model.aws();
        let path = |f: crate::input::FileId| model.source(f).path.clone();
        aws.roles
            .iter()
            .map(|r| {
                (
                    path(r.file),
                    aws.bindings_using(r).map(|b| path(b.file)).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn a_user_is_paired_with_the_nearest_same_named_role_or_none() {
        let got = pairs(&[
            ("envs/dev/iam/role.yaml", ROLE),
            ("envs/prod/iam/role.yaml", ROLE),
            ("envs/prod/iam/other-role.yaml", ROLE),
            ("envs/dev/k8s/sa.yaml", SA),
            ("envs/prod/iam/role-sa.yaml", SA),
            ("envs/staging/sa.yaml", SA),
            ("sa.yaml", SA),
        ]);
        let by = |role: &str| {
            got.iter()
                .find(|(p, _)| p == role)
                .map(|(_, users)| users.clone())
                .unwrap()
        };
        // Nearest by directories; in one directory, by file name (`role-sa` with `role`).
        assert_eq!(by("envs/dev/iam/role.yaml"), ["envs/dev/k8s/sa.yaml"]);
        assert_eq!(
            by("envs/prod/iam/role.yaml"),
            ["envs/prod/iam/role-sa.yaml"]
        );
        // `envs/staging` and the root are as near to every role: paired with none.
        assert!(by("envs/prod/iam/other-role.yaml").is_empty());
    }

    #[test]
    fn a_single_role_of_a_name_is_paired_with_every_user_and_an_exact_arn_wins() {
        let got = pairs(&[("a/role.yaml", ROLE), ("b/sa.yaml", SA), ("sa.yaml", SA)]);
        assert_eq!(got[0].1, ["b/sa.yaml", "sa.yaml"]);
        let get_role = "{\"Role\": {\"RoleName\": \"s3-reader\", \"Path\": \"/\", \"Arn\": \"arn:aws:iam::111122223333:role/s3-reader\", \"AssumeRolePolicyDocument\": {\"Version\": \"2012-10-17\", \"Statement\": []}}}";
        let got = pairs(&[
            ("a/role.yaml", ROLE),
            ("b/role.yaml", ROLE),
            ("a/sa.yaml", SA),
            ("get-role.json", get_role),
        ]);
        // The account's own role is in the inputs: the ARN names it, not a name-only one.
        let by = |role: &str| got.iter().find(|(p, _)| p == role).unwrap().1.clone();
        assert_eq!(by("get-role.json"), ["a/sa.yaml"]);
        assert!(by("a/role.yaml").is_empty() && by("b/role.yaml").is_empty());
    }
}
