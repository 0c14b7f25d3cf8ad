//! `status --watch` (issue 16 §4): the binary follows the fake API server with `-o json`
//! while the test plays cert-manager (the Challenge goes valid, then the Certificate goes
//! Ready), reads one appended document per change, then kills the process. A watch that
//! expires (410 Gone) is replaced by a new LIST.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{Cluster, NOW};

const CHALLENGE: &str = "app-tls-1-2385927541-1738652016";

/// The watching binary and its stdout, one JSON document per line.
struct Watching {
    child: Child,
    docs: Receiver<Value>,
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Watching {
    fn start(cluster: &Cluster, args: &[&str]) -> Watching {
        let mut child = Command::new(env!("CARGO_BIN_EXE_certdoctor"))
            .env_remove("KUBECONFIG")
            .env("CERTDOCTOR_NOW", NOW)
            .env(
                "HOME",
                std::env::temp_dir().join("certdoctor-test-home-does-not-exist"),
            )
            .arg("--kubeconfig")
            .arg(&cluster.kubeconfig)
            .args(["--request-timeout", "5s", "status", "-w", "-o", "json"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, docs) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                let doc: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("not one JSON document per line: {e}: {line}"));
                if tx.send(doc).is_err() {
                    return;
                }
            }
        });
        Watching { child, docs }
    }

    /// The next document that satisfies `want`, within 20 s.
    fn until(&self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.docs.recv_timeout(left) {
                Ok(doc) if want(&doc) => return doc,
                Ok(_) => continue,
                Err(_) => panic!("no document where {what} within 20s"),
            }
        }
    }
}

fn app_tls(doc: &Value) -> &Value {
    doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "app-tls")
        .expect("app-tls in the document")
}

fn challenge_state(doc: &Value) -> Option<String> {
    app_tls(doc)["challenges"]
        .as_array()?
        .first()?
        .get("state")?
        .as_str()
        .map(str::to_string)
}

fn go_ready(cluster: &Cluster) {
    cluster.server.set_status(
        "cert-manager.io/v1",
        "Certificate",
        Some("production"),
        "app-tls",
        json!({
            "conditions": [{"type": "Ready", "status": "True", "reason": "Ready",
                            "message": "Certificate is up to date and has not expired",
                            "lastTransitionTime": NOW}],
            "notBefore": "2026-11-23T11:00:00Z",
            "notAfter": "2027-02-21T11:00:00Z",
            "renewalTime": "2027-01-22T11:00:00Z",
            "revision": 1
        }),
    );
}

fn go_valid(cluster: &Cluster) {
    let mut ch = cluster
        .server
        .get(
            "acme.cert-manager.io/v1",
            "Challenge",
            Some("production"),
            CHALLENGE,
        )
        .unwrap();
    ch["status"]["state"] = json!("valid");
    ch["status"]["processing"] = json!(false);
    ch["status"]["presented"] = json!(false);
    ch["status"]["reason"] = json!("Successfully authorized domain");
    cluster.server.set_status(
        "acme.cert-manager.io/v1",
        "Challenge",
        Some("production"),
        CHALLENGE,
        ch["status"].clone(),
    );
}

#[test]
fn watch_sees_the_challenge_go_valid_and_the_certificate_go_ready() {
    let cluster = Cluster::with_fixtures(Some("production"), &["stuck-http01.yaml"]);
    let w = Watching::start(&cluster, &[]);
    let first = w.until("the first view", |_| true);
    assert_eq!(app_tls(&first)["ready"], false);
    assert_eq!(challenge_state(&first).as_deref(), Some("pending"));

    go_valid(&cluster);
    let doc = w.until("the Challenge is valid", |d| {
        challenge_state(d).as_deref() == Some("valid")
    });
    assert_eq!(app_tls(&doc)["ready"], false);

    go_ready(&cluster);
    let doc = w.until("the Certificate is Ready", |d| app_tls(d)["ready"] == true);
    assert_eq!(doc["kind"], "StatusReport");

    // The watches start from the LISTs' resourceVersion.
    let watches: Vec<_> = cluster
        .server
        .requests()
        .into_iter()
        .filter(|r| r.param("watch").is_some())
        .collect();
    assert!(
        watches.iter().any(|r| r.path.ends_with("/challenges")),
        "{watches:?}"
    );
    assert!(watches.iter().all(|r| r.param("resourceVersion").is_some()));
}

#[test]
fn an_expired_watch_is_replaced_by_a_new_list() {
    let cluster = Cluster::with_fixtures(Some("production"), &["stuck-http01.yaml"]);
    // The first watch of every kind answers 410 Gone.
    cluster.server.expire_watches(4);
    let w = Watching::start(&cluster, &["app-tls"]);
    let first = w.until("the first view", |_| true);
    assert_eq!(app_tls(&first)["ready"], false);
    go_ready(&cluster);
    w.until("the Certificate is Ready", |d| app_tls(d)["ready"] == true);
    let lists = cluster
        .server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/certificates") && r.param("watch").is_none())
        .count();
    // The snapshot's LIST, the watch's LIST, and the LIST after 410.
    assert!(lists >= 3, "{lists}");
}

#[test]
fn ctrl_c_during_a_watch_ends_it_at_once_with_exit_130() {
    let cluster = Cluster::with_fixtures(Some("production"), &["stuck-http01.yaml"]);
    let mut w = Watching::start(&cluster, &[]);
    let first = w.until("the first view", |_| true);
    assert_eq!(first["kind"], "StatusReport");
    // SIGINT, as a terminal's Ctrl-C sends it.
    // SAFETY: signals our own child, whose pid we hold and have not waited for.
    let sent = unsafe { libc::kill(w.child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(sent, 0);
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = w.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still watching 5 s after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
}
