//! Fitting the ecosystem: committed completions and man pages stay current, the kubectl
//! plugin name, `--version`, and the output conventions (stdout for data, stderr for
//! errors and warnings, colour and progress only where a person is looking).

use std::path::Path;

use crate::support::{certdoctor, demo, stderr, stdout};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_completions_and_man_pages_match_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    certdoctor()
        .arg("generate-assets")
        .arg(dir.path())
        .assert()
        .success();
    for sub in ["completions", "docs/man"] {
        let fresh = dir.path().join(sub);
        let mut names: Vec<_> = std::fs::read_dir(&fresh)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        let mut committed: Vec<_> = std::fs::read_dir(repo().join(sub))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        committed.sort();
        assert_eq!(
            names, committed,
            "{sub}: regenerate with `cargo run --locked -- generate-assets .`"
        );
        for n in names {
            let a = std::fs::read(fresh.join(&n)).unwrap();
            let b = std::fs::read(repo().join(sub).join(&n)).unwrap();
            assert!(
                a == b,
                "{sub}/{} is stale: regenerate with `cargo run --locked -- generate-assets .`",
                n.to_string_lossy()
            );
        }
    }
}

#[test]
fn completion_scripts_are_printed_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef certdoctor"),
        ("fish", "complete -c certdoctor"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion"),
    ] {
        let out = certdoctor().args(["completion", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(stdout(&out).contains(marker), "{shell}");
    }
    let out = certdoctor().args(["completion", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn as_a_kubectl_plugin_the_help_says_kubectl_certdoctor() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = dir.path().join("kubectl-certdoctor");
    // A symlink, not a copy: executing a file this process just wrote races with other
    // test threads forking (ETXTBSY, "Text file busy").
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_certdoctor"), &plugin).unwrap();
    let out = std::process::Command::new(&plugin)
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("Usage: kubectl certdoctor [OPTIONS] <COMMAND>"),
        "{help}"
    );
    let out = std::process::Command::new(&plugin)
        .env("CERTDOCTOR_NOW", crate::support::NOW)
        .args(["status", "-A", "--from-file"])
        .arg(demo())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("NAMESPACE"));
    let err = std::process::Command::new(&plugin)
        .args(["status", "--bogus"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&err.stderr).contains("kubectl certdoctor status"),
        "{}",
        String::from_utf8_lossy(&err.stderr)
    );
}

#[test]
fn version_names_the_commit() {
    let out = certdoctor().arg("--version").output().unwrap();
    let v = stdout(&out);
    assert!(
        v.starts_with(&format!(
            "certdoctor {} (commit ",
            env!("CARGO_PKG_VERSION")
        )),
        "{v}"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn data_goes_to_stdout_and_nothing_else_does() {
    // A malformed object: its warning goes to stderr, the JSON on stdout stays clean.
    let out = certdoctor()
        .args(["status", "-o", "json", "--from-file"])
        .arg(crate::support::fixture("malformed.yaml"))
        .output()
        .unwrap();
    let _: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is only JSON");
    assert!(
        stderr(&out).starts_with("certdoctor: warning: "),
        "{}",
        stderr(&out)
    );
    // Probes on a non-terminal: no progress bar on stderr.
    let out = certdoctor()
        .args([
            "diagnose",
            "-A",
            "--probe-timeout",
            "1s",
            "--nameserver",
            "127.0.0.1:9",
            "-o",
            "json",
            "--from-file",
        ])
        .arg(crate::support::fixture("stuck-http01.yaml"))
        .output()
        .unwrap();
    assert_eq!(stderr(&out), "", "no progress without a terminal");
    let _: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
}
