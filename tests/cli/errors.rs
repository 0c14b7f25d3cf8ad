//! Bad input and broken environments: one clear line on stderr, a hint, exit 2 — never a
//! panic, never a hang.

use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

use serde_json::json;

use crate::support::{Cluster, Fault, certdoctor, demo, stderr};

fn assert_one_error(out: &std::process::Output, starts: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with(&format!("certdoctor: error: {starts}")),
        "{err}"
    );
    assert!(lines.len() == 2 && lines[1].starts_with("hint: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_unreachable_cluster_names_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let kubeconfig = dir.path().join("config");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:{port}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user:\n    token: t\n"
        ),
    )
    .unwrap();
    let out = certdoctor()
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .arg("status")
        .output()
        .unwrap();
    assert_one_error(
        &out,
        &format!("cannot reach the Kubernetes API server at http://127.0.0.1:{port}"),
    );
}

#[test]
fn a_slow_api_server_times_out_instead_of_hanging() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    cluster.server.inject(Fault {
        path_contains: "/certificates".into(),
        delay: Some(Duration::from_secs(30)),
        ..Fault::default()
    });
    let out = cluster
        .certdoctor()
        .args(["status", "--request-timeout", "1s"])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_one_error(
        &out,
        "cannot reach the Kubernetes API server at http://127.0.0.1:",
    );
    assert!(stderr(&out).contains(": timed out"), "{}", stderr(&out));
}

#[test]
fn a_garbage_response_is_a_clear_error() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    cluster.server.inject(Fault {
        path_contains: "/certificates".into(),
        body: Some("<html>proxy error</html>".into()),
        ..Fault::default()
    });
    let out = cluster.certdoctor().arg("status").output().unwrap();
    assert_one_error(&out, "the server at http://127.0.0.1:");
    assert!(stderr(&out).contains(
        "did not answer like a Kubernetes API server when listing certificates.cert-manager.io"
    ));
}

#[test]
fn a_missing_kubeconfig_file_is_named() {
    let out = certdoctor()
        .args(["--kubeconfig", "/nonexistent/kubeconfig", "status"])
        .output()
        .unwrap();
    assert_one_error(&out, "cannot read kubeconfig /nonexistent/kubeconfig:");
}

#[test]
fn no_kubeconfig_at_all_points_to_the_flags() {
    let out = certdoctor().arg("status").output().unwrap();
    assert_one_error(&out, "no kubeconfig found");
}

#[test]
fn an_unknown_context_is_named() {
    let cluster = Cluster::with_fixtures(None, &[]);
    let out = cluster
        .certdoctor()
        .args(["--context", "prod-eu", "status"])
        .output()
        .unwrap();
    assert_one_error(&out, "context \"prod-eu\" not found in kubeconfig");
}

#[test]
fn usage_errors_exit_2_and_say_what_to_type() {
    let out = certdoctor()
        .args(["status", "-n", "a", "-A", "--from-file"])
        .arg(demo())
        .output()
        .unwrap();
    assert_one_error(
        &out,
        "-n/--namespace and -A/--all-namespaces cannot be used together",
    );
    let out = certdoctor()
        .args(["status", "-l", "a b", "--from-file"])
        .arg(demo())
        .output()
        .unwrap();
    assert_one_error(&out, "invalid label selector");
    let out = certdoctor()
        .args(["status", "--request-timeout", "soon", "--from-file"])
        .arg(demo())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = certdoctor().args(["status", "--bogus"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_unreadable_or_broken_dump_is_a_clear_error() {
    let out = certdoctor()
        .args(["status", "--from-file", "/nonexistent.yaml"])
        .output()
        .unwrap();
    assert_one_error(&out, "cannot read dump /nonexistent.yaml:");
    let out = certdoctor()
        .args(["status", "--from-file", "-"])
        .write_stdin("items: [unclosed")
        .output()
        .unwrap();
    assert_one_error(&out, "cannot parse dump stdin: invalid YAML");
}

#[test]
fn help_lists_the_exit_codes() {
    let out = certdoctor().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Exit codes:") && text.contains("1  something is unhealthy"),
        "{text}"
    );
}

#[test]
fn a_closed_stdout_pipe_exits_quietly() {
    for format in ["text", "json", "yaml"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_certdoctor"))
            .env("CERTDOCTOR_NOW", crate::support::NOW)
            .args(["status", "-A", "-o", format, "--from-file"])
            .arg(demo())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let status = child.wait().unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert_eq!(err, "", "{format}");
        assert_eq!(status.code(), Some(0), "{format}");
    }
}

#[test]
fn control_characters_from_the_cluster_never_reach_the_terminal() {
    let cluster = Cluster::with_fixtures(Some("production"), &["stuck-http01.yaml"]);
    let name = "app-tls-1-2385927541-1738652016";
    let mut ch = cluster
        .server
        .get(
            "acme.cert-manager.io/v1",
            "Challenge",
            Some("production"),
            name,
        )
        .unwrap();
    ch["status"]["reason"] = json!("evil \u{1b}]0;pwned\u{7} \u{1b}[2J reason");
    cluster.server.set_status(
        "acme.cert-manager.io/v1",
        "Challenge",
        Some("production"),
        name,
        ch["status"].clone(),
    );
    let out = cluster
        .certdoctor()
        .args(["status", "app-tls"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(
        text.contains("evil \\u{1b}]0;pwned\\u{7} \\u{1b}[2J reason"),
        "{text}"
    );
}
