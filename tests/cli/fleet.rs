//! Many clusters at once (issue 16 §3): `--all-contexts` and `--context a,b,c` over two fake
//! clusters and one context whose API server does not answer, for status, diagnose and
//! dump, in text and JSON, with the exit code of the readable ones.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::fake_apiserver::{TOKEN, USER};
use crate::support::{Cluster, certdoctor, stderr, stdout};

/// Two fake clusters (`east`: a healthy certificate; `west`: one stuck on HTTP-01) and a
/// context `down` pointing at a port nothing listens on, in one kubeconfig.
struct Fleet {
    east: Cluster,
    west: Cluster,
    kubeconfig: PathBuf,
    dir: tempfile::TempDir,
}

fn closed_port_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    format!("http://{addr}")
}

pub(crate) fn kubeconfig(dir: &Path, servers: &[(&str, String)]) -> PathBuf {
    let mut clusters = String::new();
    let mut contexts = String::new();
    for (name, url) in servers {
        clusters += &format!("- name: {name}\n  cluster:\n    server: {url}\n");
        contexts += &format!(
            "- name: {name}\n  context:\n    cluster: {name}\n    user: {USER}\n    namespace: production\n"
        );
    }
    let yaml = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n{clusters}users:\n- name: {USER}\n  user:\n    token: {TOKEN}\n\
         contexts:\n{contexts}current-context: {}\n",
        servers[0].0
    );
    let path = dir.join("fleet-kubeconfig");
    std::fs::write(&path, yaml).unwrap();
    path
}

impl Fleet {
    fn start() -> Fleet {
        let east = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
        let west = Cluster::with_fixtures(Some("production"), &["stuck-http01.yaml"]);
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = kubeconfig(
            dir.path(),
            &[
                ("east", east.server.url()),
                ("west", west.server.url()),
                ("down", closed_port_url()),
            ],
        );
        Fleet {
            east,
            west,
            kubeconfig,
            dir,
        }
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        certdoctor()
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(["--request-timeout", "5s"])
            .args(args)
            .output()
            .unwrap()
    }
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

#[test]
fn status_all_contexts_is_one_table_with_a_context_column_and_the_dead_one_warned_about() {
    let fleet = Fleet::start();
    let out = fleet.run(&["status", "--all-contexts", "-A"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("CONTEXT"), "{text}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("east ") && l.contains("web-tls")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("west ") && l.contains("app-tls")),
        "{text}"
    );
    let err = stderr(&out);
    assert!(
        err.contains("context \"down\" was not read (unreachable)"),
        "{err}"
    );
}

#[test]
fn status_json_carries_each_certificate_s_context_and_a_clusters_list() {
    let fleet = Fleet::start();
    let out = fleet.run(&["status", "--context", "east,west,down", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    let certs = doc["certificates"].as_array().unwrap();
    let pairs: Vec<(&str, &str)> = certs
        .iter()
        .map(|c| (c["context"].as_str().unwrap(), c["name"].as_str().unwrap()))
        .collect();
    assert!(pairs.contains(&("east", "web-tls")), "{pairs:?}");
    assert!(pairs.contains(&("west", "app-tls")), "{pairs:?}");
    let clusters = doc["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 3);
    assert_eq!(clusters[0]["context"], "east");
    assert_eq!(clusters[0]["read"], true);
    assert_eq!(clusters[0]["certificates"], 1);
    assert_eq!(clusters[2]["context"], "down");
    assert_eq!(clusters[2]["read"], false);
    assert_eq!(clusters[2]["reason"], "unreachable");
    assert!(
        clusters[2]["message"]
            .as_str()
            .unwrap()
            .contains("cannot reach")
    );
}

#[test]
fn one_context_keeps_today_s_document_without_context_or_clusters() {
    let fleet = Fleet::start();
    let out = fleet.run(&["status", "--context", "east", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = json(&out);
    assert!(doc.get("clusters").is_none(), "{doc}");
    assert!(doc["certificates"][0].get("context").is_none(), "{doc}");
}

#[test]
fn the_exit_code_is_the_worst_of_the_readable_ones_and_2_only_when_none_was_read() {
    let fleet = Fleet::start();
    let out = fleet.run(&["status", "--context", "east,down"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("web-tls"));

    let out = fleet.run(&["status", "--context", "down,nowhere", "-o", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["clusters"][1]["reason"], "kubeconfig", "{doc}");
    assert!(
        stderr(&out).contains("none of the 2 contexts could be read"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn each_cluster_gets_exactly_the_requests_of_a_one_cluster_run() {
    let fleet = Fleet::start();
    let single = fleet.run(&["status", "--context", "east"]);
    assert_eq!(single.status.code(), Some(0));
    let one_run = fleet.east.request_count();
    let out = fleet.run(&["status", "--all-contexts"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(fleet.east.request_count(), 2 * one_run);
    assert_eq!(fleet.west.request_count(), one_run);
}

#[test]
fn diagnose_groups_findings_by_context() {
    let fleet = Fleet::start();
    let out = fleet.run(&["diagnose", "--all-contexts", "--offline"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    let east = text.find("=== context east ===").expect(&text);
    let west = text.find("=== context west ===").expect(&text);
    let down = text.find("=== context down ===").expect(&text);
    assert!(east < west && west < down, "{text}");
    let west_part = &text[west..down];
    assert!(west_part.contains("production/app-tls"), "{text}");
    assert!(!text[east..west].contains("app-tls"), "{text}");
    assert!(text[down..].contains("not read (unreachable)"), "{text}");
}

#[test]
fn diagnose_json_has_the_context_of_every_certificate_and_the_clusters() {
    let fleet = Fleet::start();
    let out = fleet.run(&["diagnose", "--all-contexts", "--offline", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["kind"], "DiagnoseReport");
    let certs = doc["certificates"].as_array().unwrap();
    let west = certs.iter().find(|c| c["context"] == "west").unwrap();
    assert_eq!(west["name"], "app-tls");
    assert_eq!(west["healthy"], false);
    let east = certs.iter().find(|c| c["context"] == "east").unwrap();
    assert_eq!(east["healthy"], true);
    let reasons: Vec<&Value> = doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["read"])
        .collect();
    assert_eq!(
        reasons,
        [&Value::Bool(true), &Value::Bool(true), &Value::Bool(false)]
    );
}

/// A cluster holding `n` Certificates for `{prefix}site-N.shop.example.co.uk`, each issued
/// this week by a Let's Encrypt production issuer.
fn lets_encrypt_cluster(n: usize, prefix: &str) -> crate::support::FakeApiServer {
    let mut items = crate::support::objects::lets_encrypt_issuances(n);
    for item in items.iter_mut().filter(|i| i["kind"] == "Certificate") {
        let name = item["spec"]["dnsNames"][0].as_str().unwrap().to_string();
        item["spec"]["dnsNames"] = serde_json::json!([format!("{prefix}{name}")]);
    }
    let server = crate::support::FakeApiServer::start();
    server.insert_all(items);
    server
}

#[test]
fn the_lets_encrypt_budget_counts_every_context_together() {
    // 30 issuances in each cluster: 60 % of the weekly 50 alone, 120 % together.
    let (east, west) = (
        lets_encrypt_cluster(30, "east-"),
        lets_encrypt_cluster(30, "west-"),
    );
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(dir.path(), &[("east", east.url()), ("west", west.url())]);
    let run = |args: &[&str]| {
        certdoctor()
            .arg("--kubeconfig")
            .arg(&kc)
            .args(["diagnose", "-A", "--offline"])
            .args(args)
            .output()
            .unwrap()
    };
    let alone = json(&run(&["--context", "east", "-o", "json"]));
    assert_eq!(alone["rateLimits"], serde_json::json!([]), "{alone}");

    let doc = json(&run(&["--all-contexts", "-o", "json"]));
    let limits = doc["rateLimits"].as_array().unwrap();
    assert_eq!(limits.len(), 1, "{doc}");
    assert_eq!(limits[0]["code"], "RATE_LIMIT_BUDGET");
    assert_eq!(limits[0]["severity"], "error");
    let msg = limits[0]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("60 certificates for example.co.uk"),
        "{msg}"
    );

    let text = stdout(&run(&["--all-contexts"]));
    assert_eq!(
        text.matches("RATE_LIMIT_BUDGET").count(),
        1,
        "one budget for both contexts, after them: {text}"
    );
    assert!(
        text.find("=== Let's Encrypt rate limits, all contexts ===")
            > text.find("=== context west ==="),
        "{text}"
    );
}

#[test]
fn a_forbidden_cluster_is_listed_as_forbidden() {
    let fleet = Fleet::start();
    fleet.west.server.forbid("list", "certificates");
    let out = fleet.run(&["status", "--context", "east,west", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["clusters"][1]["reason"], "forbidden", "{doc}");
}

#[test]
fn dump_writes_one_file_per_context() {
    let fleet = Fleet::start();
    let dir = fleet.dir.path().join("dumps");
    let out = fleet.run(&[
        "dump",
        "--all-contexts",
        "--output-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let east = std::fs::read_to_string(dir.join("east.yaml")).unwrap();
    let west = std::fs::read_to_string(dir.join("west.yaml")).unwrap();
    assert!(east.contains("web-tls") && !east.contains("app-tls"));
    assert!(west.contains("app-tls"));
    assert!(!dir.join("down.yaml").exists());
    // Each file reads back offline.
    let back = certdoctor()
        .args(["status", "-A", "--from-file"])
        .arg(dir.join("west.yaml"))
        .output()
        .unwrap();
    assert!(stdout(&back).contains("app-tls"), "{}", stderr(&back));
}

#[test]
fn several_contexts_are_refused_where_they_make_no_sense() {
    let fleet = Fleet::start();
    for (args, says) in [
        (
            &["dump", "--all-contexts"][..],
            "dump over several contexts writes one file per context",
        ),
        (
            &["status", "app-tls", "--context", "east,west"][..],
            "status NAME",
        ),
        (
            &["renew", "app-tls", "--all-contexts"][..],
            "are for status, diagnose and dump",
        ),
        (
            &["status", "-w", "--all-contexts"][..],
            "--watch follows one cluster",
        ),
    ] {
        let out = fleet.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}
