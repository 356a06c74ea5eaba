//! Value shapes shared by rules: GUIDs, placeholders, near-miss keys.

use std::borrow::Cow;

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
    // Every test below needs one of these bytes; most values hold none of them (this runs for
    // nearly every value a rule looks at).
    if !t
        .bytes()
        .any(|b| matches!(b, b'$' | b'{' | b'<' | b'R' | b'P' | b'Y' | b'y'))
    {
        return false;
    }
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
    // Lowercased on first need: most calls reject every candidate by length alone.
    let mut lower_word: Option<String> = None;
    let word_len = if word.is_ascii() {
        word.len()
    } else {
        lower_word.insert(word.to_lowercase()).chars().count()
    };
    candidates
        .into_iter()
        .filter_map(|c| {
            // The distance is at least the difference in length: skip far candidates before
            // paying for lowercasing and the full distance.
            let lower = (!c.is_ascii()).then(|| c.to_lowercase());
            let len = lower.as_ref().map_or(c.len(), |l| l.chars().count());
            if len.abs_diff(word_len) > limit {
                return None;
            }
            let lower = lower.unwrap_or_else(|| c.to_ascii_lowercase());
            let word = lower_word.get_or_insert_with(|| word.to_lowercase());
            Some((strsim::levenshtein(word, &lower), c))
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// A fixed candidate set for many [`closest`] queries (every ServiceAccount name, say): each
/// candidate is lowercased once and indexed by length and a character histogram, two lower
/// bounds of the edit distance, so most candidates are rejected without computing it.
/// `Near::new(c).closest(w)` equals `closest(w, c)`.
#[derive(Debug)]
pub struct Near<'c> {
    /// Candidates of one length and character mask, sorted by length: names of one scheme
    /// (`app1234`, `app1243`…) share few masks, so a query checks a mask once per run, not
    /// once per candidate.
    runs: Vec<Run>,
    /// Per candidate, in run order: its character histogram, lowercased text and text.
    hists: Vec<Histogram>,
    words: Vec<(Cow<'c, str>, &'c str)>,
    /// For large sets, built on the first query: each lowercased candidate's least text, and
    /// the characters candidates use. A typo one edit away is then found by looking up the
    /// query's one-edit variants, not by filtering every candidate: in a namespace of 8,000
    /// numbered names (`app0`…`app7999`) every name passes the filters.
    one_edit: std::sync::OnceLock<OneEdit<'c>>,
}

#[derive(Debug)]
struct OneEdit<'c> {
    least: foldhash::HashMap<Cow<'c, str>, &'c str>,
    alphabet: Vec<char>,
}

/// A query looks for its one-edit variants first when at least this many candidates pass the
/// length and character filters, and more than it has variants (about 80 a character:
/// deletions, substitutions and insertions over a name alphabet of ~40). Measured: the 200k
/// corpus's GK004 hints stay on the scan (45 ms, as before), 8,000 numbered names in one
/// namespace take the lookup (AZ019 335 -> 21 ms).
const ONE_EDIT_FROM: usize = 1024;

#[derive(Debug)]
struct Run {
    len: usize,
    mask: u64,
    /// Candidates `start..end` of `hists`/`words`.
    start: usize,
    end: usize,
}

const BUCKETS: usize = 32;
type Histogram = [u8; BUCKETS];

/// Character counts per bucket (saturating): the bag distance of two histograms is at most the
/// bag distance of the strings, which is at most their edit distance.
fn histogram(s: &str) -> Histogram {
    let mut h = [0u8; BUCKETS];
    let mut count = |c: u32| {
        let b = &mut h[c as usize % BUCKETS];
        *b = b.saturating_add(1);
    };
    // Names are nearly always ASCII: bytes are chars, and need no decoding.
    if s.is_ascii() {
        s.bytes().for_each(|b| count(u32::from(b)));
    } else {
        s.chars().for_each(|c| count(c as u32));
    }
    h
}

/// Which of 64 buckets hold a character: a bucket set in one mask only stands for at least one
/// character the other string lacks, a cheaper (weaker) lower bound than the histogram's.
fn char_mask(s: &str) -> u64 {
    if s.is_ascii() {
        s.bytes().fold(0, |m, b| m | 1 << (b % 64))
    } else {
        s.chars().fold(0, |m, c| m | 1 << (c as u32 % 64))
    }
}

/// Length in chars (Unicode scalar values).
fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

fn mask_distance(a: u64, b: u64) -> usize {
    (a & !b).count_ones().max((b & !a).count_ones()) as usize
}

fn bag_distance(a: &Histogram, b: &Histogram) -> usize {
    let (mut more, mut less) = (0, 0);
    for (x, y) in a.iter().zip(b) {
        if x > y {
            more += usize::from(x - y);
        } else {
            less += usize::from(y - x);
        }
    }
    more.max(less)
}

/// `s` lowercased, borrowed when it already is (Kubernetes names are lowercase ASCII).
fn lowercase(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.to_lowercase())
    }
}

/// `s` with ASCII letters lowercased, borrowed when it has no uppercase ASCII letter.
pub fn ascii_lowercase(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

impl<'c> Near<'c> {
    pub fn new(candidates: impl IntoIterator<Item = &'c str>) -> Self {
        let mut entries: Vec<(usize, u64, Cow<'c, str>, &'c str)> = candidates
            .into_iter()
            .map(|word| {
                let lower = lowercase(word);
                (char_len(&lower), char_mask(&lower), lower, word)
            })
            .collect();
        // Sorted by length and mask, the runs. Neither the order within a run nor a repeated
        // candidate changes the answer (`closest` takes the least distance, then the least
        // text), so there is no dedup: a hash set for it was most of the build for 70k names.
        entries.sort_unstable_by_key(|e| (e.0, e.1));
        let mut runs: Vec<Run> = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            match runs.last_mut() {
                Some(r) if r.len == e.0 && r.mask == e.1 => r.end = i + 1,
                _ => runs.push(Run {
                    len: e.0,
                    mask: e.1,
                    start: i,
                    end: i + 1,
                }),
            }
        }
        Self {
            runs,
            hists: entries.iter().map(|e| histogram(&e.2)).collect(),
            words: entries.into_iter().map(|(_, _, l, w)| (l, w)).collect(),
            one_edit: std::sync::OnceLock::new(),
        }
    }

    /// The least candidate (by text) at distance 0 or 1 from `word` (lowercased), if any.
    fn within_one_edit(&self, word: &str) -> Option<&'c str> {
        let index = self.one_edit.get_or_init(|| {
            let mut least: foldhash::HashMap<Cow<'c, str>, &'c str> =
                foldhash::HashMapExt::with_capacity(self.words.len());
            let mut alphabet = std::collections::BTreeSet::new();
            for (lower, text) in &self.words {
                alphabet.extend(lower.chars());
                least
                    .entry(lower.clone())
                    .and_modify(|t| *t = (*t).min(*text))
                    .or_insert(text);
            }
            OneEdit {
                least,
                alphabet: alphabet.into_iter().collect(),
            }
        });
        if let Some(&exact) = index.least.get(word) {
            return Some(exact);
        }
        let chars: Vec<char> = word.chars().collect();
        let mut best: Option<&'c str> = None;
        let mut variant = String::with_capacity(word.len() + 4);
        let mut look = |variant: &String| {
            if let Some(&t) = index.least.get(variant.as_str()) {
                best = Some(best.map_or(t, |b| b.min(t)));
            }
        };
        for i in 0..=chars.len() {
            let (head, tail) = chars.split_at(i);
            if let Some((_, rest)) = tail.split_first() {
                // Deleted, then replaced.
                variant.clear();
                variant.extend(head.iter().chain(rest));
                look(&variant);
                for &c in index.alphabet.iter().filter(|&&c| c != tail[0]) {
                    variant.clear();
                    variant.extend(head.iter().chain([&c]).chain(rest));
                    look(&variant);
                }
            }
            // Inserted.
            for &c in &index.alphabet {
                variant.clear();
                variant.extend(head.iter().chain([&c]).chain(tail));
                look(&variant);
            }
        }
        best
    }

    pub fn closest(&self, word: &str) -> Option<&'c str> {
        let limit = (word.chars().count() / 3).clamp(1, 4);
        let word = word.to_lowercase();
        let len = word.chars().count();
        let hist = histogram(&word);
        let mask = char_mask(&word);
        let from = self
            .runs
            .partition_point(|r| r.len < len.saturating_sub(limit));
        let to = self.runs.partition_point(|r| r.len <= len + limit);
        let runs = || {
            self.runs[from..to]
                .iter()
                .filter(|r| mask_distance(mask, r.mask) <= limit)
        };
        // The least distance wins, then the least text: a match within one edit (the limit
        // is at least one) is the answer whenever there is one. Looking up the one-edit
        // variants pays when more candidates pass the filters than there are variants
        // (a candidate that passes often costs a full distance).
        let passing: usize = runs().map(|r| r.end - r.start).sum();
        if passing >= ONE_EDIT_FROM
            && passing > (len + 1) * 80
            && let Some(found) = self.within_one_edit(&word)
        {
            return Some(found);
        }
        runs()
            .flat_map(|r| r.start..r.end)
            .filter(|&i| bag_distance(&hist, &self.hists[i]) <= limit)
            .map(|i| {
                let (lower, c) = &self.words[i];
                (strsim::levenshtein(&word, lower), *c)
            })
            .filter(|(d, _)| *d <= limit)
            .min_by_key(|(d, c)| (*d, *c))
            .map(|(_, c)| c)
    }
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
            "REPLACE_WITH_CLIENT_ID",
            "the-PLACEHOLDER-id",
            "YOUR_CLIENT_ID",
            "your-client-id",
            " <tenant> ",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for p in ["my-app", "", "$", "<a", "replace-me", "Your-app", "{ x }"] {
            assert!(!is_placeholder(p), "{p}");
        }
    }

    #[test]
    fn closest_matches_typos_only() {
        let keys = ["client-id", "tenant-id"];
        assert_eq!(closest("client_id", keys), Some("client-id"));
        assert_eq!(closest("clientId", keys), Some("client-id"));
        assert_eq!(closest("something-else", keys), None);
    }

    #[test]
    fn near_equals_closest() {
        let names = [
            "app1",
            "App1",
            "app12",
            "web",
            "wëb",
            "ÅPP1",
            "api-server",
            "api_servre",
            "db",
            "x",
            "frontend",
            "front-end",
            "backend",
            "backend",
            "İstanbul",
            "istanbul",
        ];
        let near = Near::new(names);
        for w in names.iter().copied().chain([
            "ap1",
            "webb",
            "apiserver",
            "DB",
            "y",
            "frontnd",
            "",
            "istanbull",
            "İSTANBUL",
            "zzzz",
        ]) {
            assert_eq!(near.closest(w), closest(w, names), "{w}");
        }
    }

    /// A set large enough for the one-edit lookup: numbered names in mixed case and scripts,
    /// asked with exact, one-edit, two-edit and far queries.
    #[test]
    fn near_equals_closest_on_large_sets() {
        let names: Vec<String> = (0..3000)
            .map(|i| match i % 5 {
                0 => format!("app{i}"),
                1 => format!("App{i}"),
                2 => format!("wëb-{i}"),
                3 => format!("ÅPI{}", i / 2),
                _ => format!("svc-{}", i % 97),
            })
            .collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let near = Near::new(refs.iter().copied());
        let mut queries: Vec<String> = Vec::new();
        for i in (0..3000).step_by(37) {
            queries.extend([
                format!("app{i}"),
                format!("APP{i}"),
                format!("ap{i}"),
                format!("app{i}x"),
                format!("aqp{i}"),
                format!("wëb{i}"),
                format!("web-{i}"),
                format!("åpi{i}9"),
                format!("svc{}", i % 97),
                format!("zz{i}zz"),
                format!("xpp{i}yy"),
            ]);
        }
        let mut within_one = 0;
        for w in &queries {
            let want = closest(w, refs.iter().copied());
            assert_eq!(near.closest(w), want, "{w}");
            // The one-edit lookup on its own (whether `closest` uses it depends on how many
            // candidates pass the filters): the plain answer when that is within one edit.
            let lower = w.to_lowercase();
            let one = want.filter(|c| edit_distance(&lower, &c.to_lowercase()) <= 1);
            within_one += usize::from(one.is_some());
            assert_eq!(near.within_one_edit(&lower), one, "{w}");
        }
        assert!(within_one > 100, "{within_one} queries within one edit");
    }
}
