//! Plain-scalar resolution the way Kubernetes reads YAML: go-yaml v2, i.e. YAML 1.1
//! (`sigs.k8s.io/yaml/goyaml.v2/resolve.go`). A YAML 1.2 parser would call `yes` a string;
//! the API server sees a boolean and rejects it as a label value. Also the other way: how a
//! string is written so that it reads back as itself.

use super::node::ScalarKind;

/// Whether a quoted YAML scalar can hold `c` as itself. YAML forbids DEL, the C1 controls and
/// U+FFFE/U+FFFF unescaped, and folds NEL, U+2028 and U+2029 as line breaks; the byte order
/// mark is left out too.
pub fn printable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fefe}' | '\u{ff00}'..='\u{fffd}' | '\u{10000}'..)
}

/// A double-quoted YAML scalar that reads back as `s`, and is also a JSON string: every
/// character that is not [`printable`] is escaped (JSON escaping alone leaves DEL, the C1
/// controls and U+FFFE raw, which is a YAML syntax error).
pub fn double_quoted(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if printable(c) => out.push(c),
            // Only BMP characters are not printable.
            c => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

pub fn resolve_plain(text: &str) -> ScalarKind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarKind::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return ScalarKind::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return ScalarKind::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return ScalarKind::Float,
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return ScalarKind::String;
    }
    if is_int(text) {
        ScalarKind::Int
    } else if is_float(text) {
        ScalarKind::Float
    } else {
        ScalarKind::String
    }
}

fn is_int(text: &str) -> bool {
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    let digits = plain.strip_prefix(['-', '+']).unwrap_or(&plain);
    if let Some(hex) = digits.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(bin) = digits.strip_prefix("0b") {
        return !bin.is_empty() && bin.bytes().all(|b| b == b'0' || b == b'1');
    }
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// go-yaml v2 `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_float(text: &str) -> bool {
    let s = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit()),
        Some((int, frac)) => {
            !int.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_booleans_as_kubernetes_reads_them() {
        for t in ["true", "True", "TRUE", "yes", "Yes", "on", "ON", "y", "Y"] {
            assert_eq!(resolve_plain(t), ScalarKind::Bool(true), "{t}");
        }
        for t in ["false", "no", "off", "n", "N"] {
            assert_eq!(resolve_plain(t), ScalarKind::Bool(false), "{t}");
        }
        assert_eq!(resolve_plain("tRue"), ScalarKind::String);
    }

    #[test]
    fn numbers_and_strings() {
        for t in ["1", "-3", "3600", "0x1F", "1_000", "0b101", "0777"] {
            assert_eq!(resolve_plain(t), ScalarKind::Int, "{t}");
        }
        for t in ["1.0", ".5", "1e3", "-2.5E-3", ".inf", ".NaN"] {
            assert_eq!(resolve_plain(t), ScalarKind::Float, "{t}");
        }
        for t in [
            "1h", "3600s", "abc", "1.2.3", "-", "+", "0x", "10.0.0.1", "e3",
        ] {
            assert_eq!(resolve_plain(t), ScalarKind::String, "{t}");
        }
        assert_eq!(resolve_plain("~"), ScalarKind::Null);
        assert_eq!(resolve_plain(""), ScalarKind::Null);
    }
}
