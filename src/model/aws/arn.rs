//! IAM ARNs as EKS Pod Identity and IRSA use them: role ARNs and OIDC provider ARNs.
//! Facts: research `aws-eks-pod-identity-irsa-gke.md` §3 (IAM `Role` shape, partitions, name and
//! path patterns) and §2.3 (provider ARN and issuer host).

/// Partitions the webhook's `--compose-role-arn` knows (`aws`, `aws-cn`, `aws-us-gov`, the ISO
/// partitions, `aws-eusc`); `aws-iso-<letter>` covers the other isolated partitions.
pub fn is_partition(p: &str) -> bool {
    matches!(p, "aws" | "aws-cn" | "aws-us-gov" | "aws-iso" | "aws-eusc")
        || p.strip_prefix("aws-iso-")
            .is_some_and(|s| s.len() == 1 && s.bytes().all(|b| b.is_ascii_lowercase()))
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `RoleName` characters: `[\w+=,.@-]`.
pub fn is_role_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-')
}

/// The awsdocs sources write `{arn-aws}` for `arn:aws:` (an AsciiDoc attribute); read it as such.
pub fn expand_doc_attribute(s: &str) -> std::borrow::Cow<'_, str> {
    match s.strip_prefix("{arn-aws}") {
        Some(rest) => format!("arn:aws:{rest}").into(),
        None => s.into(),
    }
}

/// Text a person still has to fill in (`${ROLE_ARN}`, `<role-arn>`, `$ROLE`, `ACCOUNT_ID`): format
/// checks skip it instead of guessing.
pub fn is_placeholder(s: &str) -> bool {
    let s = expand_doc_attribute(s);
    crate::model::values::is_placeholder(&s)
        || s.contains('{')
        || s.contains('<')
        || s.contains("ACCOUNT_ID")
        || s.contains("AWS_ACCOUNT")
        || s.contains("ACCOUNT-ID")
        || s.contains("ACCOUNTID")
}

/// A parsed role ARN: `arn:<partition>:iam::<account>:role/<path><name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleArn {
    pub partition: String,
    pub account: String,
    /// `/` or `/a/b/`.
    pub path: String,
    pub name: String,
}

impl RoleArn {
    /// `path` + `name` lowercased: IAM role names are unique without regard to case.
    pub fn key(&self) -> String {
        format!("{}{}", self.path, self.name).to_ascii_lowercase()
    }

    pub fn to_arn(&self) -> String {
        format!(
            "arn:{}:iam::{}:role{}{}",
            self.partition, self.account, self.path, self.name
        )
    }
}

/// Why a value is not a role ARN, in words, with a corrected value when one is obvious.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnProblem {
    pub what: String,
    pub suggestion: Option<String>,
}

fn problem(what: impl Into<String>, suggestion: Option<String>) -> ArnProblem {
    ArnProblem {
        what: what.into(),
        suggestion,
    }
}

/// Parses a role ARN the way IAM validates one (`^arn:<partition>:iam::\d{12}:role/(path/)?name$`).
pub fn parse_role_arn(raw: &str) -> Result<RoleArn, ArnProblem> {
    let s = raw.trim();
    if s != raw {
        return Err(problem(
            "it has leading or trailing whitespace, which IAM does not strip",
            Some(s.to_string()),
        ));
    }
    if s.is_empty() {
        return Err(problem("it is empty", None));
    }
    if !s.starts_with("arn:") {
        if s.chars().all(is_role_name_char) {
            return Err(problem(
                "it is a role name, not an ARN (only a webhook started with `--compose-role-arn` completes it)",
                Some(format!("arn:aws:iam::<account-id>:role/{s}")),
            ));
        }
        return Err(problem("it does not start with `arn:`", None));
    }
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    if parts.len() < 6 {
        return Err(problem(
            "it does not have the six `:`-separated parts `arn:<partition>:iam::<account-id>:role/<name>`",
            None,
        ));
    }
    let (partition, service, region, account, resource) =
        (parts[1], parts[2], parts[3], parts[4], parts[5]);
    if !is_partition(partition) {
        let fixed = crate::model::values::closest(
            partition,
            [
                "aws",
                "aws-cn",
                "aws-us-gov",
                "aws-iso",
                "aws-iso-b",
                "aws-eusc",
            ],
        );
        return Err(problem(
            format!("`{partition}` is not an AWS partition (`aws`, `aws-cn`, `aws-us-gov`, …)"),
            fixed.map(|p| s.replacen(&format!("arn:{partition}:"), &format!("arn:{p}:"), 1)),
        ));
    }
    if service != "iam" {
        return Err(problem(
            format!(
                "it is an ARN of the `{service}` service, not an IAM role (`arn:{partition}:iam::…:role/…`)"
            ),
            None,
        ));
    }
    if !region.is_empty() {
        return Err(problem(
            format!("IAM ARNs have no region, but this one has `{region}`"),
            Some(format!("arn:{partition}:iam::{account}:{resource}")),
        ));
    }
    if !is_account_id(account) {
        let digits: String = account.chars().filter(char::is_ascii_digit).collect();
        let suggestion = (is_account_id(&digits) && digits != account)
            .then(|| format!("arn:{partition}:iam::{digits}:{resource}"));
        let what = if account.is_empty() {
            "the account id is missing".to_string()
        } else {
            format!("the account id `{account}` is not 12 digits")
        };
        return Err(problem(what, suggestion));
    }
    let Some(rest) = resource.strip_prefix("role/") else {
        let kind = resource.split(['/', ':']).next().unwrap_or(resource);
        return Err(problem(
            format!("it names an IAM `{kind}`, not a `role/`"),
            None,
        ));
    };
    let (path, name) = match rest.rfind('/') {
        Some(i) => (format!("/{}", &rest[..=i]), &rest[i + 1..]),
        None => ("/".to_string(), rest),
    };
    if name.is_empty() {
        return Err(problem("the role name is missing", None));
    }
    if name.chars().count() > 64 {
        return Err(problem(
            format!(
                "the role name is {} characters; IAM allows 64",
                name.chars().count()
            ),
            None,
        ));
    }
    if let Some(bad) = name.chars().find(|c| !is_role_name_char(*c)) {
        return Err(problem(
            format!("the role name contains `{bad}`; IAM allows letters, digits and `+=,.@_-`"),
            None,
        ));
    }
    if path.contains("//") || path.chars().any(|c| !('\u{21}'..='\u{7e}').contains(&c)) {
        return Err(problem(
            format!("the role path `{path}` is not valid"),
            None,
        ));
    }
    Ok(RoleArn {
        partition: partition.to_string(),
        account: account.to_string(),
        path,
        name: name.to_string(),
    })
}

/// An OIDC provider ARN: `arn:<partition>:iam::<account>:oidc-provider/<host and path>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcProviderArn {
    pub partition: String,
    pub account: String,
    /// The issuer without `https://`: `oidc.eks.<region>.amazonaws.com/id/<ID>`.
    pub url: String,
}

/// Splits a provider ARN into its parts without judging them (see [`eks_issuer_problem`]).
pub fn parse_oidc_provider_arn(s: &str) -> Option<OidcProviderArn> {
    let s = expand_doc_attribute(s);
    let rest = s.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    let partition = parts.next()?;
    let service = parts.next()?;
    let _region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    if service != "iam" {
        return None;
    }
    let url = resource.strip_prefix("oidc-provider/")?;
    Some(OidcProviderArn {
        partition: partition.to_string(),
        account: account.to_string(),
        url: url.to_string(),
    })
}

/// Whether a provider URL is meant to be an EKS cluster issuer (other OIDC providers, such as
/// GitHub Actions or a self-managed cluster's S3 issuer, have their own formats).
pub fn looks_like_eks_issuer(url: &str) -> bool {
    let u = url.to_ascii_lowercase();
    let host = u
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap_or("");
    host.starts_with("oidc.") && host.contains("eks") && host.contains("amazonaws")
}

/// What is wrong with an EKS issuer URL (`oidc.eks.<region>.amazonaws.com[.cn]/id/<ID>`), with
/// the corrected URL when it can be derived.
pub fn eks_issuer_problem(url: &str) -> Option<ArnProblem> {
    if let Some(rest) = url.strip_prefix("https://") {
        return Some(problem(
            "it contains `https://`; provider ARNs and condition keys use the issuer without the scheme",
            Some(rest.to_string()),
        ));
    }
    let (host, path) = url.split_once('/').unwrap_or((url, ""));
    let labels: Vec<&str> = host.split('.').collect();
    let suffix_ok = host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn");
    let well_formed = labels.len() >= 5
        && labels[0] == "oidc"
        && labels[1] == "eks"
        && suffix_ok
        && !labels[2].is_empty();
    let region = if labels.len() >= 5 && labels[0] == "oidc" && labels[2] == "eks" {
        // The README's historical typo: `oidc.<region>.eks.amazonaws.com`.
        Some(labels[1])
    } else if well_formed {
        Some(labels[2])
    } else {
        None
    };
    let cn = host.ends_with(".cn");
    let id = path.strip_prefix("id/");
    let fixed = |region: &str, id: &str| {
        format!(
            "oidc.eks.{region}.amazonaws.com{}/id/{id}",
            if cn { ".cn" } else { "" }
        )
    };
    if !well_formed {
        let what = format!(
            "the issuer host `{host}` is not `oidc.eks.<region>.amazonaws.com`{}",
            if labels.len() >= 3 && labels[2] == "eks" {
                " (region and `eks` are swapped)"
            } else {
                ""
            }
        );
        let suggestion = region.map(|r| fixed(r, id.unwrap_or(path)));
        return Some(problem(what, suggestion));
    }
    match id {
        Some(id) if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()) => None,
        Some(id) => Some(problem(
            format!("the cluster id `{id}` after `/id/` is not alphanumeric"),
            None,
        )),
        None => Some(problem(
            format!("the path `/{path}` is not `/id/<cluster-id>`"),
            (!path.is_empty() && !path.contains('/'))
                .then(|| fixed(region.unwrap_or("<region>"), path)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns() {
        let a = parse_role_arn("arn:aws:iam::111122223333:role/my-role").unwrap();
        assert_eq!(
            (a.account.as_str(), a.path.as_str(), a.name.as_str()),
            ("111122223333", "/", "my-role")
        );
        let a = parse_role_arn("arn:aws-cn:iam::111122223333:role/team/a/app@x").unwrap();
        assert_eq!((a.path.as_str(), a.name.as_str()), ("/team/a/", "app@x"));
        assert!(parse_role_arn("arn:aws-iso-b:iam::111122223333:role/r").is_ok());
        for bad in [
            "my-role",
            "arn:aws:iam::1111-2222-3333:role/r",
            "arn:aws:iam::11112222333:role/r",
            "arn:aws:iam:us-east-1:111122223333:role/r",
            "arn:aws:iam::111122223333:user/r",
            "arn:aws:iam::111122223333:policy/r",
            "arn:aws:eks:us-east-1:111122223333:cluster/c",
            "arn:amazon:iam::111122223333:role/r",
            "arn:aws:iam::111122223333:role/",
            "arn:aws:iam::111122223333:role/a b",
            " arn:aws:iam::111122223333:role/r",
        ] {
            assert!(parse_role_arn(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_role_arn("arn:aws:iam::1111-2222-3333:role/r")
                .unwrap_err()
                .suggestion
                .as_deref(),
            Some("arn:aws:iam::111122223333:role/r")
        );
    }

    #[test]
    fn issuers() {
        assert!(eks_issuer_problem("oidc.eks.us-west-2.amazonaws.com/id/8EBDXXXX00BAE").is_none());
        assert!(eks_issuer_problem("oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC").is_none());
        let p = eks_issuer_problem("oidc.us-west-2.eks.amazonaws.com/id/ABC").unwrap();
        assert_eq!(
            p.suggestion.as_deref(),
            Some("oidc.eks.us-west-2.amazonaws.com/id/ABC")
        );
        let p = eks_issuer_problem("oidc.REGION.eks.amazonaws.com/CLUSTER_ID").unwrap();
        assert!(p.what.contains("swapped"), "{p:?}");
        assert!(eks_issuer_problem("https://oidc.eks.us-west-2.amazonaws.com/id/A").is_some());
        assert!(looks_like_eks_issuer(
            "oidc.eks.us-west-2.amazonaws.com/id/A"
        ));
        assert!(!looks_like_eks_issuer(
            "token.actions.githubusercontent.com"
        ));
        let p = parse_oidc_provider_arn(
            "{arn-aws}iam::111122223333:oidc-provider/oidc.eks.r.amazonaws.com/id/X",
        )
        .unwrap();
        assert_eq!(p.account, "111122223333");
    }
}
