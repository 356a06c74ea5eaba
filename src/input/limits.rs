//! Limits on how much one run reads: one file (`--max-file-size`) and all inputs together
//! (`--max-input-size`). Linting holds every document of every input until the cross-file
//! checks have run, at about ten bytes of memory per input byte, so an input far beyond the
//! machine's memory would end in the out-of-memory killer with nothing reported. The limits
//! turn that into an input error (exit 2) naming what was not read; the rest is linted.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Largest file (or stdin stream) read by default. Linting needs about ten times a file's
/// size in memory (text, span tree, views), so a file far beyond any manifest would end the
/// run in the out-of-memory killer, with nothing reported for the other files.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 << 20;

/// The largest `--max-file-size`: document trees keep byte offsets as `u32` (`Node::span`).
pub const MAX_FILE_BYTES: u64 = u32::MAX as u64;

/// How much one run reads: a file at most `file` bytes, all inputs together at most `input`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub file: u64,
    pub input: u64,
    /// Whether `input` was worked out from the memory available (`--max-input-size auto`).
    pub input_auto: bool,
}

impl Limits {
    /// `--max-file-size` and `--max-input-size` as given (`auto` is worked out here).
    pub fn new(file: u64, input: InputLimit) -> Self {
        let (input, input_auto) = input.resolve();
        Self {
            file,
            input,
            input_auto,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            file: DEFAULT_MAX_FILE_BYTES,
            input: u64::MAX,
            input_auto: false,
        }
    }
}

/// Peak memory per input byte that `auto` plans for: about 9 measured on generated trees and
/// single files (text, span trees, views, findings), plus headroom for dense findings.
pub const MEMORY_PER_INPUT_BYTE: u64 = 12;

/// `auto` never allows less than this: a few MB of manifests is linted even where almost no
/// free memory is reported.
const MIN_AUTO_BYTES: u64 = 4 << 20;

/// What the user asked for with `--max-input-size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputLimit {
    /// 1/12 of the memory available to the process (cgroup limit or `MemAvailable`).
    Auto,
    Bytes(u64),
    Unlimited,
}

impl InputLimit {
    /// Parses `auto`, `none` or a size (`800M`, `2G`).
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "none" | "unlimited" => Ok(Self::Unlimited),
            _ => parse_bytes(text).map(Self::Bytes),
        }
    }

    /// The limit in bytes (`u64::MAX`: none), and whether it was worked out from memory.
    fn resolve(self) -> (u64, bool) {
        match self {
            Self::Auto => (available_memory().map_or(u64::MAX, auto_limit), true),
            Self::Bytes(b) => (b, false),
            Self::Unlimited => (u64::MAX, false),
        }
    }
}

/// The input `auto` allows with `memory` bytes available.
pub fn auto_limit(memory: u64) -> u64 {
    (memory / MEMORY_PER_INPUT_BYTE).max(MIN_AUTO_BYTES)
}

/// Bytes reserved so far by the parallel readers, against the limit. A reservation that would
/// pass the limit is refused (and remembered), so what is held never exceeds it; which files
/// are finally kept is settled in input order afterwards (`load`), so the result does not
/// depend on thread timing.
#[derive(Debug)]
pub struct Budget {
    pub limit: u64,
    pub auto: bool,
    used: AtomicU64,
    refused: AtomicBool,
}

impl Budget {
    pub fn new(limit: u64, auto: bool) -> Self {
        Self {
            limit,
            auto,
            used: AtomicU64::new(0),
            refused: AtomicBool::new(false),
        }
    }

    /// Takes `bytes` from the budget; `false` (nothing taken) when they do not fit.
    pub fn reserve(&self, bytes: u64) -> bool {
        let fits = self
            .used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                used.checked_add(bytes).filter(|&total| total <= self.limit)
            })
            .is_ok();
        if !fits {
            self.refused.store(true, Ordering::Relaxed);
        }
        fits
    }

    /// What is still free.
    pub fn remaining(&self) -> u64 {
        self.limit.saturating_sub(self.used.load(Ordering::Relaxed))
    }

    /// Whether any reservation was refused (then the kept prefix must be settled).
    pub fn was_refused(&self) -> bool {
        self.refused.load(Ordering::Relaxed)
    }

    /// The error's explanation of the limit.
    pub fn describe(&self) -> String {
        let how = if self.auto {
            format!(
                " (auto: 1/{MEMORY_PER_INPUT_BYTE} of the memory available, as linting needs about ten bytes per input byte)"
            )
        } else {
            String::new()
        };
        format!(
            "the --max-input-size limit of {}{how}",
            human_size(self.limit)
        )
    }
}

/// Memory this process may still use: the tighter of its cgroup's limit (less what the group
/// already uses) and the system's `MemAvailable`. `None` where neither can be read.
fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok();
    let system = meminfo.as_deref().and_then(mem_available);
    let cgroup = std::fs::read_to_string("/proc/self/cgroup")
        .ok()
        .and_then(|groups| cgroup_headroom(&groups, &|p| std::fs::read_to_string(p).ok()));
    match (system, cgroup) {
        (Some(s), Some(c)) => Some(s.min(c)),
        (s, c) => s.or(c),
    }
}

/// `MemAvailable` of `/proc/meminfo`, in bytes.
fn mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// Headroom under the memory limit of the process's cgroup and its ancestors (cgroup v2
/// `memory.max`, else v1 `memory.limit_in_bytes`), less what each group already uses.
/// `read` reads a file under `/sys/fs/cgroup` (a parameter, so tests can give the tree).
fn cgroup_headroom(proc_cgroup: &str, read: &dyn Fn(&str) -> Option<String>) -> Option<u64> {
    // v2: "0::/path"; v1: "N:memory:/path" (or "N:...,memory,...:/path").
    let (root, group, limit_file, usage_file) = proc_cgroup
        .lines()
        .find_map(|l| {
            let mut parts = l.splitn(3, ':');
            let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
            if controllers.split(',').any(|c| c == "memory") {
                Some((
                    "/sys/fs/cgroup/memory",
                    path,
                    "memory.limit_in_bytes",
                    "memory.usage_in_bytes",
                ))
            } else {
                None
            }
        })
        .or_else(|| {
            let path = proc_cgroup.lines().find_map(|l| l.strip_prefix("0::"))?;
            Some(("/sys/fs/cgroup", path, "memory.max", "memory.current"))
        })?;
    let number = |p: &str| read(p).and_then(|t| t.trim().parse::<u64>().ok());
    let mut headroom: Option<u64> = None;
    // The group, then each ancestor up to the root ("" is the root itself).
    let mut dir = group.trim_end_matches('/');
    loop {
        let base = format!("{root}{dir}");
        // "max" (v2) or a huge number (v1) means no limit at this level.
        if let Some(limit) = number(&format!("{base}/{limit_file}")).filter(|&l| l < 1 << 60) {
            let used = number(&format!("{base}/{usage_file}")).unwrap_or(0);
            let room = limit.saturating_sub(used);
            headroom = Some(headroom.map_or(room, |h| h.min(room)));
        }
        match dir.rfind('/') {
            Some(i) => dir = &dir[..i],
            None => break,
        }
    }
    headroom
}

/// `1.5 GiB`, `300 MiB`, `12 KiB`, `512 bytes`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let value = bytes as f64 / size as f64;
            return if value.fract() == 0.0 {
                format!("{value:.0} {unit}")
            } else {
                format!("{value:.1} {unit}")
            };
        }
    }
    format!("{bytes} bytes")
}

/// Parses `--max-file-size`: bytes, or a number with K/M/G (powers of 1024, optional `iB`/`B`),
/// at most [`MAX_FILE_BYTES`].
pub fn parse_size(text: &str) -> Result<u64, String> {
    let bytes = parse_bytes(text)?;
    if bytes > MAX_FILE_BYTES {
        return Err(format!(
            "`{text}` is over {}, the most one file can be",
            human_size(MAX_FILE_BYTES)
        ));
    }
    Ok(bytes)
}

/// A size: bytes, or a number with K/M/G/T (powers of 1024, optional `iB`/`B`).
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size (try 512M or 2G)"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "ki" | "kib" => 1 << 10,
        "m" | "mb" | "mi" | "mib" => 1 << 20,
        "g" | "gb" | "gi" | "gib" => 1 << 30,
        "t" | "tb" | "ti" | "tib" => 1 << 40,
        _ => return Err(format!("`{text}`: unknown unit (use K, M, G or T)")),
    };
    let bytes = number * scale as f64;
    if bytes < 1.0 {
        return Err(format!("`{text}` is not a positive size"));
    }
    if bytes >= u64::MAX as f64 {
        return Err(format!("`{text}` is too large a size"));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn tree(files: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let files: HashMap<String, String> = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        move |p| files.get(p).cloned()
    }

    #[test]
    fn limits_parse() {
        assert_eq!(InputLimit::parse("auto"), Ok(InputLimit::Auto));
        assert_eq!(InputLimit::parse("None"), Ok(InputLimit::Unlimited));
        assert_eq!(InputLimit::parse("8G"), Ok(InputLimit::Bytes(8 << 30)));
        assert!(InputLimit::parse("lots").is_err());
        assert!(InputLimit::parse("0").is_err());
    }

    #[test]
    fn mem_available_is_read_in_bytes() {
        let m = "MemTotal:       24684148 kB\nMemFree:        19916116 kB\nMemAvailable:   24181620 kB\n";
        assert_eq!(mem_available(m), Some(24181620 * 1024));
        assert_eq!(mem_available("MemTotal: 1 kB\n"), None);
    }

    #[test]
    fn cgroup_v2_takes_the_tightest_ancestor_less_its_usage() {
        let read = tree(&[
            ("/sys/fs/cgroup/ci/job/memory.max", "max\n"),
            ("/sys/fs/cgroup/ci/job/memory.current", "100\n"),
            ("/sys/fs/cgroup/ci/memory.max", "8000\n"),
            ("/sys/fs/cgroup/ci/memory.current", "3000\n"),
        ]);
        assert_eq!(cgroup_headroom("0::/ci/job\n", &read), Some(5000));
        assert_eq!(cgroup_headroom("0::/other\n", &read), None);
    }

    #[test]
    fn cgroup_v1_reads_the_memory_controller() {
        let read = tree(&[
            (
                "/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes",
                "4096\n",
            ),
            (
                "/sys/fs/cgroup/memory/docker/abc/memory.usage_in_bytes",
                "1024\n",
            ),
            (
                "/sys/fs/cgroup/memory/memory.limit_in_bytes",
                "9223372036854771712\n",
            ),
        ]);
        let groups = "12:pids:/docker/abc\n4:memory:/docker/abc\n0::/\n";
        assert_eq!(cgroup_headroom(groups, &read), Some(3072));
        // No limit anywhere (this is what an unconfined v1 machine reports).
        let open = tree(&[(
            "/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes",
            "9223372036854771712\n",
        )]);
        assert_eq!(cgroup_headroom(groups, &open), None);
    }

    #[test]
    fn auto_is_a_twelfth_of_memory_with_a_floor() {
        assert_eq!(auto_limit(12 << 30), 1 << 30);
        assert_eq!(auto_limit(1 << 20), 4 << 20);
    }

    #[test]
    fn reservations_never_pass_the_limit() {
        let b = Budget::new(10, false);
        assert!(b.reserve(6));
        assert!(!b.reserve(5));
        assert!(b.was_refused());
        assert!(b.reserve(4));
        assert!(!b.reserve(1));
        let none = Budget::new(u64::MAX, false);
        assert!(none.reserve(u64::MAX));
        assert!(!none.reserve(1));
    }

    #[test]
    fn sizes_parse_in_powers_of_1024() {
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("256MiB"), Ok(256 << 20));
        assert_eq!(parse_size(" 1.5 g "), Ok(3 << 29));
        assert!(parse_size("0").is_err());
        assert!(parse_size("-1M").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("3 parsecs").is_err());
        assert_eq!(parse_size("4294967295"), Ok(MAX_FILE_BYTES));
        assert!(parse_size("4G").is_err());
    }

    #[test]
    fn sizes_print_in_the_largest_whole_unit() {
        assert_eq!(human_size(256 << 20), "256 MiB");
        assert_eq!(human_size(3 << 29), "1.5 GiB");
        assert_eq!(human_size(1023), "1023 bytes");
        assert_eq!(human_size(200_000), "195.3 KiB");
    }
}
