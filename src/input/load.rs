//! Finding input files and reading them, in parallel, into parsed sources.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use super::limits::{
    DEFAULT_MAX_FILE_BYTES, Limits, MAX_FILE_BYTES, human_size, parse_bytes, parse_size,
};
use super::source::SourceFile;
use super::yaml::{self, Parsed};

/// Extensions picked up when walking a directory. Files named explicitly are read whatever their name.
const MANIFEST_EXTENSIONS: &[&str] = &["yaml", "yml", "json", "tf"];

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a regular file or directory (FIFOs and devices are never opened)")]
    NotRegular { path: String },
    #[error("{path}: {message}")]
    Walk { path: String, message: String },
    #[error("{path}: {}", too_large(*size, *limit))]
    TooLarge {
        path: String,
        /// The file's size; `None` for a stream, which is read no further than the limit.
        size: Option<u64>,
        limit: u64,
    },
    #[error("{path}: {}", over_budget(*files, *bytes, *total, limit))]
    OverBudget {
        /// The first input not read.
        path: String,
        /// Inputs not read, this one included, and their size.
        files: usize,
        bytes: u64,
        /// The size of all inputs.
        total: u64,
        /// How the limit was set (`Budget::describe`).
        limit: String,
    },
}

fn over_budget(files: usize, bytes: u64, total: u64, limit: &str) -> String {
    let which = match files {
        0 | 1 => "not read".to_string(),
        2 => "this and the input after it were not read".to_string(),
        n => format!("this and the {} inputs after it were not read", n - 1),
    };
    format!(
        "{which} ({}): the inputs total {}, over {limit}; lint fewer paths at a time, or raise the limit (--max-input-size 8G, or none)",
        human_size(bytes),
        human_size(total)
    )
}

fn too_large(size: Option<u64>, limit: u64) -> String {
    let size = size.map_or_else(
        || "more than the limit".to_string(),
        |s| format!("{}, over the limit", human_size(s)),
    );
    format!(
        "{size} of {} for one file: not read (raise it with --max-file-size)",
        human_size(limit)
    )
}

/// Reads `reader` whole unless it holds more than `limit` bytes (never reads past `limit + 1`).
pub fn read_limited(reader: impl Read, path: &str, limit: u64) -> Result<Vec<u8>, InputError> {
    read_limited_into(Vec::new(), reader, path, limit)
}

/// [`read_limited`] into `bytes` (allocated to the expected size: `Take` hides the file's
/// size from `read_to_end`, which would otherwise grow the buffer by doubling).
fn read_limited_into(
    mut bytes: Vec<u8>,
    reader: impl Read,
    path: &str,
    limit: u64,
) -> Result<Vec<u8>, InputError> {
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| InputError::Io {
            path: path.to_string(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge {
            path: path.to_string(),
            size: None,
            limit,
        });
    }
    Ok(bytes)
}

/// One input to read: a file path (as it will be displayed) or stdin.
#[derive(Debug, Clone)]
pub enum InputPath {
    File {
        display: String,
        path: PathBuf,
    },
    Stdin,
    /// Found while walking a directory but not read (a symbolic link, a FIFO, a device):
    /// reported as a skipped-file note so nothing is dropped silently.
    Unread {
        display: String,
        path: PathBuf,
        reason: &'static str,
    },
}

impl InputPath {
    /// The file-system path, if the input has one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            InputPath::File { path, .. } | InputPath::Unread { path, .. } => Some(path),
            InputPath::Stdin => None,
        }
    }

    pub fn display(&self) -> &str {
        match self {
            InputPath::File { display, .. } | InputPath::Unread { display, .. } => display,
            InputPath::Stdin => "-",
        }
    }
}

/// A file that was read but not linted, and why. Shown as a note, counted in the summary.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Debug)]
pub struct LoadedFile {
    pub source: SourceFile,
    pub parsed: Parsed,
    /// Byte offset of the first Helm/Go template action, when the file is an unrendered template.
    pub template_at: Option<usize>,
    /// The HCL body of a Terraform `.tf` file (`parsed` is then empty).
    pub terraform: Option<super::terraform::TerraformFile>,
}

#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<LoadedFile>,
    pub skipped: Vec<Skipped>,
    /// Paths that could not be read (exit code 2, the rest is still linted).
    pub errors: Vec<InputError>,
}

/// Expands the user's paths into files. Directories are walked recursively, honouring
/// `.gitignore`/`.ignore`; the result is sorted so output never depends on walk order.
pub fn discover(paths: &[String]) -> (Vec<InputPath>, Vec<InputError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for given in paths {
        if given == "-" {
            out.push(InputPath::Stdin);
            continue;
        }
        let path = Path::new(given);
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                errors.push(InputError::NotFound {
                    path: given.clone(),
                });
                continue;
            }
            Err(source) => {
                errors.push(InputError::Io {
                    path: given.clone(),
                    source,
                });
                continue;
            }
        };
        if meta.is_file() {
            out.push(InputPath::File {
                display: given.clone(),
                path: path.to_path_buf(),
            });
        } else if meta.is_dir() {
            // Walked on all cores; the order is restored by sorting below.
            let found = std::sync::Mutex::new(Vec::new());
            let walk_errors = std::sync::Mutex::new(Vec::new());
            ignore::WalkBuilder::new(path)
                .follow_links(false)
                .require_git(false)
                // As many walkers as the rest of the run has threads (`RAYON_NUM_THREADS`), so
                // a run limited to one thread is one thread throughout; at most `ignore`'s own
                // default of 12.
                .threads(rayon::current_num_threads().min(12))
                .build_parallel()
                .run(|| {
                    Box::new(|entry| {
                        match entry {
                            Ok(entry) => {
                                if let Some(p) = walked(entry) {
                                    lock(&found).push(p);
                                }
                            }
                            Err(err) => lock(&walk_errors).push(err.to_string()),
                        }
                        ignore::WalkState::Continue
                    })
                });
            let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
            let mut walk_errors = walk_errors.into_inner().unwrap_or_else(|e| e.into_inner());
            walk_errors.sort();
            errors.extend(walk_errors.into_iter().map(|message| InputError::Walk {
                path: given.clone(),
                message,
            }));
            found.sort_by(|a, b| a.display().cmp(b.display()));
            out.extend(found);
        } else {
            errors.push(InputError::NotRegular {
                path: given.clone(),
            });
        }
    }
    (out, errors)
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a walked entry is to the linter: a manifest to read, one to skip with a note, or
/// nothing (directories, other files).
fn walked(entry: ignore::DirEntry) -> Option<InputPath> {
    let file_type = entry.file_type();
    let is_file = file_type.is_some_and(|t| t.is_file());
    let wanted = entry
        .path()
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| MANIFEST_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
    if !wanted {
        return None;
    }
    let display = entry.path().to_string_lossy().into_owned();
    if is_file {
        Some(InputPath::File {
            display,
            path: entry.into_path(),
        })
    } else {
        let reason = file_type.and_then(unread_reason)?;
        Some(InputPath::Unread {
            display,
            path: entry.into_path(),
            reason,
        })
    }
}

/// Why a walked entry with a manifest's name is not read (directories are walked instead).
fn unread_reason(t: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    use std::os::unix::fs::FileTypeExt;
    #[cfg(unix)]
    let special = t.is_fifo() || t.is_socket() || t.is_block_device() || t.is_char_device();
    #[cfg(not(unix))]
    let special = false;
    if t.is_symlink() {
        // Following links while walking would lint shared files twice and could loop.
        Some("symbolic link, not followed when walking a directory (name it to lint its target)")
    } else if special {
        Some("not a regular file (FIFOs, sockets and devices are never opened)")
    } else {
        None
    }
}

enum Read_ {
    // Boxed: a loaded file is several times the size of the other outcomes.
    Loaded(Box<LoadedFile>),
    Skipped(Skipped),
    Error(InputError),
    /// Not read: its bytes did not fit in the input budget when it came up (see `settle`).
    OverBudget,
    /// Read, but after the point where the inputs stop fitting in input order: dropped.
    Dropped,
}

/// Reads and parses every input in parallel, with the default file limit and no input limit.
pub fn load(paths: &[InputPath], stdin: Option<Vec<u8>>) -> Inputs {
    load_limited(paths, stdin, Limits::default())
}

/// Reads and parses every input in parallel; a file over `limits.file` is an input error
/// (stdin is limited by its reader, [`read_limited`]). When all inputs together pass
/// `limits.input`, the longest run of them in input order that fits is linted and the rest is
/// one input error. Order of the result follows the input order.
pub fn load_limited(paths: &[InputPath], stdin: Option<Vec<u8>>, limits: Limits) -> Inputs {
    let budget = super::limits::Budget::new(limits.input, limits.input_auto);
    let mut results: Vec<(Read_, u64)> = paths
        .par_iter()
        .map(|p| read_input(p, stdin.as_deref(), limits.file, Some(&budget)))
        .collect();
    let over = if budget.was_refused() {
        settle(paths, &mut results, stdin.as_deref(), limits.file, &budget)
    } else {
        None
    };
    let mut inputs = Inputs::default();
    for (r, _) in results {
        match r {
            Read_::Loaded(f) => inputs.files.push(*f),
            Read_::Skipped(s) => inputs.skipped.push(s),
            Read_::Error(e) => inputs.errors.push(e),
            Read_::OverBudget | Read_::Dropped => {}
        }
    }
    inputs.errors.extend(over);
    inputs
}

/// One input, read and parsed, with the bytes it holds against the budget (0 when nothing
/// was read or is to be read).
fn read_input(
    p: &InputPath,
    stdin: Option<&[u8]>,
    file_limit: u64,
    budget: Option<&super::limits::Budget>,
) -> (Read_, u64) {
    let fits = |size: u64| budget.is_none_or(|b| b.reserve(size));
    match p {
        InputPath::Stdin => {
            let bytes = stdin.unwrap_or_default();
            let size = bytes.len() as u64;
            if !fits(size) {
                return (Read_::OverBudget, size);
            }
            (classify("-".to_string(), bytes.to_vec()), size)
        }
        InputPath::Unread {
            display, reason, ..
        } => (
            Read_::Skipped(Skipped {
                path: display.clone(),
                reason: (*reason).to_string(),
            }),
            0,
        ),
        InputPath::File { display, path } => match read_regular(path, display, file_limit, &fits) {
            Ok((Some(bytes), size)) => (classify(display.clone(), bytes), size),
            Ok((None, size)) => (Read_::OverBudget, size),
            Err(error) => (Read_::Error(error), 0),
        },
    }
}

/// After a refused reservation: keeps the longest run of inputs, in input order, that fits
/// in the budget (so the outcome does not depend on which thread reserved first), reads what
/// was refused inside it, drops what was read after it, and returns the error naming the rest.
fn settle(
    paths: &[InputPath],
    results: &mut [(Read_, u64)],
    stdin: Option<&[u8]>,
    file_limit: u64,
    budget: &super::limits::Budget,
) -> Option<InputError> {
    let held = |r: &Read_| matches!(r, Read_::Loaded(_) | Read_::OverBudget);
    // Every byte reserved or refused, as the readers counted them (a binary file that was read
    // and skipped counts too).
    let total: u64 = results
        .iter()
        .map(|(_, size)| *size)
        .fold(0, u64::saturating_add);
    let mut sum = 0u64;
    let cut = results.iter().position(|(r, size)| {
        sum = sum.saturating_add(*size);
        held(r) && sum > budget.limit
    })?;
    let (mut files, mut bytes) = (0, 0u64);
    // Dropped first, so that reading the refused inputs before the cut stays within budget.
    for (r, size) in &mut results[cut..] {
        if held(r) {
            files += 1;
            bytes = bytes.saturating_add(*size);
            *r = Read_::Dropped;
        }
    }
    results[..cut]
        .par_iter_mut()
        .zip(&paths[..cut])
        .for_each(|((r, size), p)| {
            if matches!(r, Read_::OverBudget) {
                (*r, *size) = read_input(p, stdin, file_limit, None);
            }
        });
    Some(InputError::OverBudget {
        path: paths[cut].display().to_string(),
        files,
        bytes,
        total,
        limit: budget.describe(),
    })
}

/// Reads a regular file unless it is over `limit`; `(None, size)` when `fits` refuses its size.
fn read_regular(
    path: &Path,
    display: &str,
    limit: u64,
    fits: &dyn Fn(u64) -> bool,
) -> Result<(Option<Vec<u8>>, u64), InputError> {
    let io = |source| InputError::Io {
        path: display.to_string(),
        source,
    };
    let file = fs::File::open(path).map_err(io)?;
    // Refused from its size before any of it is read; `read_limited` still stops a file
    // that grows while it is read.
    let size = file.metadata().map_err(io)?.len();
    if size > limit {
        return Err(InputError::TooLarge {
            path: display.to_string(),
            size: Some(size),
            limit,
        });
    }
    if !fits(size) {
        return Ok((None, size));
    }
    let capacity = usize::try_from(size).unwrap_or(0);
    let mut bytes = read_limited_into(Vec::with_capacity(capacity), &file, display, limit)?;
    bytes.shrink_to_fit();
    Ok((Some(bytes), size))
}

/// Loads text given directly (used for stdin and tests).
pub fn load_text(display: &str, text: &str) -> Option<LoadedFile> {
    match classify(display.to_string(), text.as_bytes().to_vec()) {
        Read_::Loaded(f) => Some(*f),
        _ => None,
    }
}

fn classify(display: String, bytes: Vec<u8>) -> Read_ {
    let (encoding, bytes) = match super::Encoding::decode_utf16(&bytes) {
        None => (super::Encoding::Utf8, bytes),
        Some(Ok((encoding, text))) => (encoding, text.into_bytes()),
        Some(Err(reason)) => {
            return Read_::Skipped(Skipped {
                path: display,
                reason,
            });
        }
    };
    // Every text is loaded here: none may have offsets beyond a node's `u32` span (a UTF-16
    // file's text, decoded, may be up to half again as long as the file).
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Read_::Error(InputError::TooLarge {
            path: display,
            size: Some(bytes.len() as u64),
            limit: MAX_FILE_BYTES,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Read_::Skipped(Skipped {
            path: display,
            reason: "empty file".into(),
        });
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Read_::Skipped(Skipped {
            path: display,
            reason: "binary file (contains NUL bytes)".into(),
        });
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            return Read_::Skipped(Skipped {
                path: display,
                reason: format!("not valid UTF-8 (first bad byte at offset {at}, line {line})"),
            });
        }
    };
    let mut source = SourceFile::new(display, text);
    source.encoding = encoding;
    let terraform = if super::terraform::is_terraform_path(&source.path) {
        Some(super::terraform::parse(&source))
    } else if super::terraform::json::is_terraform_json_path(&source.path) {
        Some(super::terraform::json::parse(&source))
    } else {
        None
    };
    if terraform.is_some() {
        return Read_::Loaded(Box::new(LoadedFile {
            source,
            parsed: Parsed::default(),
            template_at: None,
            terraform,
        }));
    }
    let template_at = find_template_action(source.body()).map(|o| o + source.bom_len);
    let parsed = if template_at.is_some() {
        Parsed::default()
    } else {
        parse_guarded(&source)
    };
    Read_::Loaded(Box::new(LoadedFile {
        source,
        parsed,
        template_at,
        terraform: None,
    }))
}

/// Parses, turning a panic inside the parser (a bug, never expected) into a syntax problem so
/// one bad file cannot stop the run for the others.
fn parse_guarded(source: &SourceFile) -> Parsed {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| yaml::parse(source))).unwrap_or_else(
        |_| Parsed {
            documents: Vec::new(),
            problems: vec![yaml::Problem {
                kind: yaml::ProblemKind::Syntax,
                span: 0..0,
                message: "internal error while parsing this file (please report it)".into(),
                document: 0,
            }],
            document_count: 1,
        },
    )
}

/// Finds a Go template action that only an unrendered Helm chart would contain.
/// `{{ $labels.x }}` inside a quoted string is legitimate content (Prometheus rules), so only
/// actions that start a line or reference chart values count.
pub fn find_template_action(text: &str) -> Option<usize> {
    const HELM_WORDS: &[&str] = &[
        ".Values",
        ".Release",
        ".Chart",
        ".Capabilities",
        ".Files",
        ".Template",
        "include ",
        "template ",
        "if ",
        "else",
        "end",
        "range ",
        "with ",
        "define ",
        "toYaml",
        "tpl ",
        "default ",
        "required ",
        "$.",
    ];
    // One scan of the whole text first: most files hold no `{{` at all.
    if !text.contains("{{") {
        return None;
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            offset += line.len();
            continue;
        }
        let mut search = 0;
        while let Some(i) = line[search..].find("{{") {
            let at = search + i;
            let inner = line[at + 2..].trim_start_matches('-').trim_start();
            let starts_line = line[..at].trim().is_empty();
            if starts_line || HELM_WORDS.iter().any(|w| inner.starts_with(w)) {
                return Some(offset + at);
            }
            search = at + 2;
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_detection() {
        assert!(find_template_action("a: {{ .Values.x }}\n").is_some());
        assert!(find_template_action("{{- if .Values.x }}\na: 1\n{{- end }}\n").is_some());
        assert!(find_template_action("summary: \"{{ $labels.instance }} down\"\n").is_none());
        assert!(find_template_action("# {{ .Values.x }}\na: 1\n").is_none());
    }

    #[test]
    fn a_stream_is_read_no_further_than_one_byte_past_the_limit() {
        let endless = std::io::repeat(b'#');
        match read_limited(endless, "-", 1000) {
            Err(InputError::TooLarge {
                size: None,
                limit: 1000,
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(read_limited(&b"abc"[..], "-", 3).unwrap(), b"abc");
    }
}
