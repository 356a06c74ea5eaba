//! Generated files checked into the repository must match what the binary generates from the
//! same clap definitions: `completions/` (clap_complete) and `man/` (clap_mangen).
//! Regenerate with: `UPDATE_GENERATED=1 cargo test --test generated` (then review the diff).

use std::fs;
use std::path::Path;

use clap_complete::Shell;
use kubectl_wid::cli::tooling::{completion_file, completion_script, man_page, man_subcommands};

const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

fn check(path: &Path, expected: &str, stale: &mut Vec<String>) {
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, expected).unwrap();
        return;
    }
    match fs::read_to_string(path) {
        Ok(actual) if actual == expected => {}
        Ok(_) => stale.push(format!("{} is stale", path.display())),
        Err(_) => stale.push(format!("{} is missing", path.display())),
    }
}

#[test]
fn completions_are_current() {
    let mut stale = Vec::new();
    for shell in SHELLS {
        let path = Path::new("completions").join(completion_file(shell));
        check(&path, &completion_script(shell), &mut stale);
    }
    assert!(
        stale.is_empty(),
        "{}\nregenerate with: UPDATE_GENERATED=1 cargo test --test generated",
        stale.join("\n")
    );
}

#[test]
fn man_pages_are_current() {
    let mut stale = Vec::new();
    let mut expected_files = vec!["kubectl-wid.1".to_string()];
    check(
        Path::new("man/kubectl-wid.1"),
        &man_page(None).unwrap(),
        &mut stale,
    );
    for sub in man_subcommands() {
        let name = format!("kubectl-wid-{sub}.1");
        check(
            &Path::new("man").join(&name),
            &man_page(Some(&sub)).unwrap(),
            &mut stale,
        );
        expected_files.push(name);
    }
    // A page for a removed subcommand is stale too.
    for entry in fs::read_dir("man").into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !expected_files.contains(&name) {
            if std::env::var_os("UPDATE_GENERATED").is_some() {
                fs::remove_file(entry.path()).unwrap();
            } else {
                stale.push(format!("man/{name} belongs to no subcommand"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "{}\nregenerate with: UPDATE_GENERATED=1 cargo test --test generated",
        stale.join("\n")
    );
}

#[test]
fn completion_command_prints_the_checked_in_script() {
    let out = assert_cmd::Command::cargo_bin("kubectl-wid")
        .unwrap()
        .args(["completion", "bash"])
        .assert()
        .code(0);
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout),
        completion_script(Shell::Bash)
    );
}
