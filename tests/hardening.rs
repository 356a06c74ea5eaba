//! Bad input at the file-system level and at scale (issue 9, hardening): symlink loops,
//! unreadable files, FIFOs and devices (never opened), non-UTF-8 paths, deep directory trees,
//! a 100,000-document stream, a 20 MB file, inputs over the file and input limits. Each: no
//! panic, no hang, a clear message where one applies, the other files still linted, the
//! documented exit code. Fast enough for CI;
//! `scripts/stress` covers the 100 MB / 1 GB cases and `scripts/fuzz` the parsers.

use std::fs;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

/// Every run gets a timeout: an input that is opened for reading by mistake (a FIFO) hangs.
fn wid() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-wid").unwrap();
    cmd.env_remove("NO_COLOR").timeout(Duration::from_secs(60));
    cmd
}

struct Run {
    code: Option<i32>,
    json: Value,
    stderr: String,
}

/// `lint -o json ARGS` in `dir`.
fn lint_json(dir: &Path, args: &[&str]) -> Run {
    let out = wid()
        .current_dir(dir)
        .args(["lint", "-o", "json"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not one JSON document ({e}); exit {:?}, stderr:\n{stderr}",
            out.status.code()
        )
    });
    Run {
        code: out.status.code(),
        json,
        stderr,
    }
}

/// The human output's stderr (input errors and skipped-file notes are printed there).
fn lint_human(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = wid()
        .current_dir(dir)
        .arg("lint")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    )
}

fn bad_manifest() -> String {
    fs::read_to_string("tests/fixtures/AZ001/bad-no-label.yaml").unwrap()
}

/// Paths of the files that have findings of `rule`.
fn paths_with(json: &Value, rule: &str) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

/// `path: reason` of every skipped-file note.
fn skipped(json: &Value) -> Vec<String> {
    json["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}: {}",
                s["path"].as_str().unwrap(),
                s["reason"].as_str().unwrap()
            )
        })
        .collect()
}

fn errors(json: &Value) -> Vec<String> {
    json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap().to_string())
        .collect()
}

#[cfg(unix)]
#[test]
fn symlink_loops_neither_hang_nor_stop_the_run() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    fs::create_dir_all(root.join("sub")).unwrap();
    fs::write(root.join("sub/bad.yaml"), bad_manifest()).unwrap();
    symlink("..", root.join("sub/up")).unwrap(); // a directory loop
    symlink("self.yaml", root.join("self.yaml")).unwrap(); // a link to itself
    symlink("b.yaml", root.join("a.yaml")).unwrap(); // a two-link loop
    symlink("a.yaml", root.join("b.yaml")).unwrap();

    // Walked: links are not followed, so the loops are never entered; the rest is linted, and
    // each link with a manifest's name is a skipped-file note, not silently dropped.
    let run = lint_json(dir.path(), &["tree"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(paths_with(&run.json, "AZ001"), ["tree/sub/bad.yaml"]);
    // Files seen: the manifest and the three links (skipped, with a note each).
    assert_eq!(run.json["summary"]["files"], 4);
    assert_eq!(run.json["summary"]["skipped"], 3);
    assert!(errors(&run.json).is_empty(), "{:?}", errors(&run.json));
    assert_eq!(
        skipped(&run.json),
        ["tree/a.yaml", "tree/b.yaml", "tree/self.yaml"].map(|p| format!(
            "{p}: symbolic link, not followed when walking a directory (name it to lint its target)"
        ))
    );

    // Named explicitly: a clear error for the loop, exit 2, the other path is still linted.
    let (code, stdout, stderr) = lint_human(dir.path(), &["tree/self.yaml", "tree/sub/bad.yaml"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("tree/self.yaml: cannot read:") && stderr.contains("symbolic links"),
        "{stderr}"
    );
    assert!(stdout.contains("AZ001"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_reported_and_the_rest_is_linted() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bad.yaml"), bad_manifest()).unwrap();
    let locked = dir.path().join("locked.yaml");
    fs::write(&locked, bad_manifest()).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    // Root (CAP_DAC_OVERRIDE, as in most containers) reads a mode-000 file anyway.
    let privileged = fs::File::open(&locked).is_ok();

    let run = lint_json(dir.path(), &["."]);
    let linted = paths_with(&run.json, "AZ001");
    assert!(linted.contains(&"./bad.yaml".to_string()), "{linted:?}");
    if privileged {
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert!(linted.contains(&"./locked.yaml".to_string()), "{linted:?}");
        assert!(errors(&run.json).is_empty());
    } else {
        assert_eq!(run.code, Some(2), "{}", run.stderr);
        let errs = errors(&run.json);
        assert!(
            errs.iter()
                .any(|e| e.starts_with("./locked.yaml: cannot read:")
                    && e.contains("Permission denied")),
            "{errs:?}"
        );
        assert!(!linted.contains(&"./locked.yaml".to_string()));
    }
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).unwrap();
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_never_opened() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bad.yaml"), bad_manifest()).unwrap();
    let fifo = dir.path().join("pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // A device reached through a link with a manifest's name, as in a walked directory.
    symlink("/dev/zero", dir.path().join("zero.yaml")).unwrap();

    // Walked: the FIFO and the device link are never opened (opening the FIFO would block
    // forever; the timeout in `wid()` catches that); each is a skipped-file note.
    let run = lint_json(dir.path(), &["."]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(paths_with(&run.json, "AZ001"), ["./bad.yaml"]);
    assert_eq!(run.json["summary"]["files"], 3);
    assert_eq!(run.json["summary"]["skipped"], 2);
    assert_eq!(
        skipped(&run.json),
        [
            "./pipe.yaml: not a regular file (FIFOs, sockets and devices are never opened)",
            "./zero.yaml: symbolic link, not followed when walking a directory (name it to lint its target)"
        ]
    );
    let (_, _, stderr) = lint_human(dir.path(), &["."]);
    assert!(
        stderr.contains("kubectl-wid: note: skipped ./pipe.yaml: not a regular file"),
        "{stderr}"
    );

    // Named explicitly: an error each (never opened), exit 2, the manifest still linted.
    let (code, stdout, stderr) = lint_human(
        dir.path(),
        &["pipe.yaml", "/dev/null", "zero.yaml", "bad.yaml"],
    );
    assert_eq!(code, Some(2), "{stderr}");
    for p in ["pipe.yaml", "/dev/null", "zero.yaml"] {
        assert!(
            stderr.contains(&format!(
                "{p}: not a regular file or directory (FIFOs and devices are never opened)"
            )),
            "{p}: {stderr}"
        );
    }
    assert!(stdout.contains("AZ001"), "{stdout}");
}

#[cfg(target_os = "linux")]
#[test]
fn non_utf8_paths_are_linted_and_shown_lossily() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join(OsStr::from_bytes(b"d\xffir"));
    fs::create_dir(&sub).unwrap();
    fs::write(sub.join(OsStr::from_bytes(b"bad\xfe.yaml")), bad_manifest()).unwrap();
    fs::write(
        dir.path().join("ok.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
    )
    .unwrap();

    // Found by the walk: read through the real path, displayed with U+FFFD.
    let run = lint_json(dir.path(), &["."]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(
        paths_with(&run.json, "AZ001"),
        ["./d\u{fffd}ir/bad\u{fffd}.yaml"]
    );
    assert_eq!(run.json["summary"]["files"], 2);

    // Named on the command line: a usage error (exit 2) with a clear message, no panic.
    let out = wid()
        .current_dir(dir.path())
        .arg("lint")
        .arg(OsStr::from_bytes(b"d\xffir"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("invalid UTF-8"), "{stderr}");
}

#[test]
fn a_200_level_directory_tree_is_walked() {
    let dir = tempfile::tempdir().unwrap();
    let mut deep = dir.path().join("root");
    for i in 0..200 {
        deep.push(format!("{}", i % 10));
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("bad.yaml"), bad_manifest()).unwrap();
    fs::write(dir.path().join("root/top.yaml"), bad_manifest()).unwrap();
    let run = lint_json(dir.path(), &["root"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let found = paths_with(&run.json, "AZ001");
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found
            .iter()
            .any(|p| p.matches('/').count() == 201 && p.ends_with("/bad.yaml")),
        "{found:?}"
    );
}

#[test]
fn a_100k_document_stream_is_counted_and_linted() {
    // Mostly tiny documents, every tenth a Kubernetes object, so the debug build used by the
    // tests stays fast; `scripts/stress` runs a stream of full objects on the release build.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::with_capacity(3_000_000);
    for i in 0..100_000 {
        if i % 10 == 0 {
            text.push_str(&format!(
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n"
            ));
        } else {
            text.push_str(&format!("--- {{n: {i}}}\n"));
        }
    }
    // One mistake at the very end: the last documents are still linted.
    text.push_str("---\n");
    text.push_str(&bad_manifest());
    fs::write(dir.path().join("stream.yaml"), &text).unwrap();
    let run = lint_json(dir.path(), &["stream.yaml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let docs = bad_manifest().matches("\n---").count() + 1;
    assert_eq!(run.json["summary"]["documents"], 100_000 + docs);
    assert_eq!(run.json["summary"]["objects"], 10_000 + docs);
    assert_eq!(paths_with(&run.json, "AZ001"), ["stream.yaml"]);
}

#[test]
fn a_20_mb_file_is_linted() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = bad_manifest();
    text.push_str(
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: |\n",
    );
    let line = format!("    {}\n", "x".repeat(95));
    while text.len() < 20 << 20 {
        text.push_str(&line);
    }
    fs::write(dir.path().join("big.yaml"), &text).unwrap();
    fs::write(dir.path().join("other.yaml"), bad_manifest()).unwrap();
    let run = lint_json(dir.path(), &["big.yaml", "other.yaml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let found = paths_with(&run.json, "AZ001");
    assert!(found.contains(&"big.yaml".to_string()), "{found:?}");
    assert!(found.contains(&"other.yaml".to_string()), "{found:?}");
}

/// A minified JSON list is one long line: each finding shows a window of it, not the line
/// (2,000 findings on a 300 KB line printed 900 MB). The window keeps UTF-8 intact and the
/// header keeps the real line and column.
#[test]
fn findings_on_a_long_line_show_a_window_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let item = |i: usize| {
        format!(
            r#"{{"apiVersion":"v1","kind":"ServiceAccount","metadata":{{"name":"a{i}","namespace":"ns","annotations":{{"note":"{}","azure.workload.identity/client-id":"not-a-guid"}}}}}}"#,
            "é".repeat(100)
        )
    };
    let items: Vec<String> = (0..2000).map(item).collect();
    let text = format!(
        r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#,
        items.join(",")
    );
    fs::write(dir.path().join("list.json"), &text).unwrap();
    let (code, stdout, stderr) = lint_human(dir.path(), &["--color", "never", "list.json"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stdout.matches("error[AZ003]").count(), 2000);
    assert!(
        stdout.len() < 2000 * 1500,
        "{} bytes of output for 2000 findings",
        stdout.len()
    );
    // The first finding: its column counts characters of the real line.
    let at = text.find("not-a-guid").unwrap();
    let column = text[..at - 1].chars().count() + 1;
    assert!(
        stdout.contains(&format!("┌─ list.json:1:{column}\n")),
        "{}",
        &stdout[..1500.min(stdout.len())]
    );
    // The window starts inside the run of two-byte characters, on a character boundary.
    assert!(
        stdout.contains("1 │ …éé"),
        "{}",
        &stdout[..1500.min(stdout.len())]
    );
    assert!(stdout.contains("é\",\"azure.workload.identity/client-id\":\"not-a-guid\"}"));
}

#[test]
fn a_file_over_the_size_limit_is_an_input_error_and_the_rest_is_linted() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bad.yaml"), bad_manifest()).unwrap();
    let huge = format!("---\n{}", bad_manifest()).repeat(200_000 / bad_manifest().len());
    fs::write(dir.path().join("huge.yaml"), &huge).unwrap();
    let size = huge.len() as f64 / 1024.0;

    // Refused from its size, with the size, the limit and how to raise it; exit 2, and the
    // other file is linted.
    let run = lint_json(dir.path(), &["--max-file-size", "64K", "."]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(
        errors(&run.json),
        [format!(
            "./huge.yaml: {size:.1} KiB, over the limit of 64 KiB for one file: not read (raise it with --max-file-size)"
        )]
    );
    assert_eq!(paths_with(&run.json, "AZ001"), ["./bad.yaml"]);

    // Raised: both are linted.
    let run = lint_json(dir.path(), &["--max-file-size", "1M", "."]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(errors(&run.json).is_empty());
    assert!(paths_with(&run.json, "AZ001").contains(&"./huge.yaml".to_string()));

    // Stdin is read no further than the limit.
    let out = wid()
        .args(["lint", "-o", "json", "--max-file-size", "64k", "-"])
        .write_stdin(huge)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        errors(&json),
        ["-: more than the limit of 64 KiB for one file: not read (raise it with --max-file-size)"]
    );
    assert_eq!(json["summary"]["files"], 0);

    // A size that does not parse is a usage error.
    let out = wid()
        .args(["lint", "--max-file-size", "12 parsecs", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown unit (use K, M, G or T)"));
}

#[test]
fn inputs_over_the_input_limit_lint_the_part_that_fits_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = bad_manifest();
    for i in 0..10 {
        fs::write(dir.path().join(format!("a{i}.yaml")), &manifest).unwrap();
    }
    let limit = (manifest.len() * 7 / 2).to_string(); // three and a half files

    // The first three files in input order are linted, whichever thread read what first; the
    // rest is one input error saying how much was left out and how to raise the limit.
    let run = lint_json(dir.path(), &["--max-input-size", &limit, "."]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(
        paths_with(&run.json, "AZ001"),
        ["./a0.yaml", "./a1.yaml", "./a2.yaml"]
    );
    let errors = errors(&run.json);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("./a3.yaml: this and the 6 inputs after it were not read (")
            && errors[0].contains("over the --max-input-size limit of 1.7 KiB; lint fewer paths"),
        "{}",
        errors[0]
    );
    let one_thread = wid()
        .current_dir(dir.path())
        .env("RAYON_NUM_THREADS", "1")
        .args(["lint", "-o", "json", "--max-input-size", &limit, "."])
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&one_thread.stdout).unwrap(),
        run.json
    );

    // Stdin counts like a file, in its place among the paths.
    let out = wid()
        .current_dir(dir.path())
        .args(["lint", "-o", "json", "--max-input-size", &limit])
        .args(["a0.yaml", "a1.yaml", "-", "a2.yaml"])
        .write_stdin(manifest.repeat(2))
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(paths_with(&json, "AZ001"), ["a0.yaml", "a1.yaml"]);
    assert!(self::errors(&json)[0].starts_with("-: this and the input after it were not read ("));

    // `none` and a limit that fits lint everything.
    for arg in ["none", "1M"] {
        let run = lint_json(dir.path(), &["--max-input-size", arg, "."]);
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert_eq!(paths_with(&run.json, "AZ001").len(), 10);
    }
    let out = wid()
        .args(["lint", "--max-input-size", "most", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_huge_value_is_quoted_by_its_ends() {
    let dir = tempfile::tempdir().unwrap();
    let value = format!("start{}end", "x".repeat(100_000));
    let manifest = format!(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  annotations:\n    azure.workload.identity/client-id: \"{value}\"\n"
    );
    fs::write(dir.path().join("sa.yaml"), manifest).unwrap();
    let run = lint_json(dir.path(), &["sa.yaml"]);
    let az003: Vec<&str> = run.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "AZ003")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(az003.len(), 1, "{}", run.json);
    let message = az003[0];
    assert!(message.len() < 600, "{message}");
    assert!(
        message.contains("`startxxx") && message.contains("xxxend`"),
        "{message}"
    );
    assert!(message.contains('…'), "{message}");
    // The human output is as short: no line of it quotes the value whole.
    let (_, stdout, _) = lint_human(dir.path(), &["sa.yaml"]);
    assert!(stdout.len() < 5_000, "{} bytes", stdout.len());
}

/// The process runs without transparent huge pages (src/main.rs: measured faster at scale on
/// the benchmark VM and smaller at every size), unless `MIMALLOC_ALLOW_THP` is set, which
/// hands the choice back to mimalloc. Read from the kernel's view of the running process.
#[cfg(target_os = "linux")]
#[test]
fn transparent_huge_pages_are_off_unless_mimalloc_allow_thp_is_set() {
    use std::io::Write as _;
    use std::process::Stdio;
    for (allow, want) in [(None, "0"), (Some("1"), "1")] {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("kubectl-wid"));
        cmd.args(["lint", "--no-config", "-"])
            .env_remove("MIMALLOC_ALLOW_THP")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(v) = allow {
            cmd.env("MIMALLOC_ALLOW_THP", v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // More than a pipe holds: when the write returns, the process is reading its input,
        // so `main` has run.
        stdin.write_all(&b"# padding\n".repeat(40_000)).unwrap();
        let status = fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
        drop(stdin);
        assert!(child.wait().unwrap().success());
        let Some(line) = status.lines().find(|l| l.starts_with("THP_enabled:")) else {
            eprintln!(
                "this kernel's /proc/PID/status has no THP_enabled (Linux < 5.0): not checked"
            );
            return;
        };
        assert_eq!(
            line.split_whitespace().nth(1),
            Some(want),
            "MIMALLOC_ALLOW_THP={allow:?}: {line}"
        );
    }
}
