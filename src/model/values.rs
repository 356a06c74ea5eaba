//! Value shapes shared by rules: GUIDs, placeholders, near-miss keys.

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits in any case (Entra client and tenant ids).
pub fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Text that a person or a tool still has to fill in: `${VAR}`, `$(cmd)`, `<client-id>`,
/// `{{ .x }}`, `REPLACE_ME`-style tokens. Format checks skip these instead of guessing.
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    t.contains("${")
        || t.contains("$(")
        || t.contains("{{")
        || (t.starts_with('$')
            && t.len() > 1
            && t[1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'))
        || (t.starts_with('<') && t.ends_with('>'))
        || t.starts_with("REPLACE")
        || t.contains("PLACEHOLDER")
        || t.contains("YOUR_")
        || t.contains("your-")
}

/// Go's `strconv.ParseInt(s, 10, bits)`, which the webhooks use: an optional sign and ASCII
/// digits, nothing else (no spaces, no `_`, no `0x`). The error is Go's text (`invalid syntax`
/// or `value out of range`).
pub fn go_parse_int(s: &str, bits: u32) -> Result<i64, &'static str> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("invalid syntax");
    }
    let v: i128 = digits.parse().map_err(|_| "value out of range")?;
    let v = if s.starts_with('-') { -v } else { v };
    let max = (1i128 << (bits - 1)) - 1;
    if v > max || v < -max - 1 {
        return Err("value out of range");
    }
    i64::try_from(v).map_err(|_| "value out of range")
}

/// `7d8cdf74-xxxx-xxxx-xxxx-274d963d358b`: a GUID redacted for documentation, a placeholder.
pub fn is_redacted_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().any(|c| matches!(c, b'x' | b'X'))
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit() || matches!(c, b'x' | b'X'),
        })
}

/// Levenshtein distance, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// The candidate closest to `word` within a distance that still reads as a typo.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).clamp(1, 4);
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::levenshtein(&word.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids() {
        assert!(is_guid("00000000-0000-0000-0000-000000000000"));
        assert!(is_guid("ABCDEF01-2345-6789-abcd-ef0123456789"));
        assert!(!is_guid("00000000000000000000000000000000"));
        assert!(!is_guid("/subscriptions/x/resourceGroups/y"));
        assert!(!is_guid(""));
    }

    #[test]
    fn placeholders() {
        for p in [
            "${USER_ASSIGNED_CLIENT_ID}",
            "$(az identity show)",
            "<client-id>",
            "$CLIENT_ID",
            "{{ .Values.id }}",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        assert!(!is_placeholder("my-app"));
    }

    #[test]
    fn closest_matches_typos_only() {
        let keys = ["client-id", "tenant-id"];
        assert_eq!(closest("client_id", keys), Some("client-id"));
        assert_eq!(closest("clientId", keys), Some("client-id"));
        assert_eq!(closest("something-else", keys), None);
    }
}
