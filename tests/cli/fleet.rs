//! Big fleets: a dump of thousands of Certificates with their chains, written by `dump`
//! from a live cluster, is read back with `--from-file` (no parser budget trips on
//! legitimate input), while hostile YAML is still refused in one line. Speed and memory
//! are measured by `cargo bench --bench fleet`, not here.

use crate::support::fleet::{self, NAMESPACES};
use crate::support::report::json_of;
use crate::support::{Cluster, certdoctor, stderr};

#[test]
fn a_5000_certificate_yaml_dump_written_by_dump_is_read_back() {
    let n = 5_000;
    let cluster = Cluster::with_fixtures(Some("team-0"), &[]);
    cluster
        .server
        .insert_all(fleet::fleet(n, &fleet::material()));
    let out = cluster.certdoctor().args(["dump", "-A"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "no progress when not a terminal");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fleet.yaml");
    std::fs::write(&path, &out.stdout).unwrap();
    assert!(out.stdout.len() > 10 << 20, "{} bytes", out.stdout.len());

    let out = certdoctor()
        .args(["status", "-A", "-o", "json", "--from-file"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json_of(&out);
    let certs = report["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), n);
    let not_ready = certs.iter().filter(|c| c["ready"] == false).count();
    assert_eq!(not_ready, (0..n).filter(|i| fleet::broken(*i)).count());
    assert!(
        certs
            .iter()
            .any(|c| c["namespace"] == format!("team-{}", NAMESPACES - 1))
    );
}

#[test]
fn hostile_yaml_is_refused_in_one_line() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("b{}", i - 1)
        };
        bomb.push_str(&format!(
            "b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    let deep = format!(
        "kind: List\nitems: {}{}\n",
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    let deep_block: String = (0..200)
        .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
        .collect();
    for input in [bomb, deep, deep_block] {
        let out = certdoctor()
            .args(["status", "-A", "--from-file", "-"])
            .write_stdin(input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with("certdoctor: error: cannot parse dump stdin: invalid YAML: "),
            "{err}"
        );
        assert_eq!(err.lines().count(), 2, "{err}");
    }
}

#[test]
fn multi_document_yaml_and_json_lists_stream_alike() {
    let items = fleet::fleet(30, &fleet::material());
    let yaml: String = items
        .iter()
        .map(|o| format!("---\n{}", serde_saphyr::to_string(o).unwrap()))
        .collect();
    let json = crate::support::objects::list(&items).to_string();
    let mut reports = Vec::new();
    for input in [yaml, json] {
        let out = certdoctor()
            .args(["status", "-A", "-o", "json", "--from-file", "-"])
            .write_stdin(input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        reports.push(json_of(&out)["certificates"].clone());
    }
    assert_eq!(reports[0].as_array().unwrap().len(), 30);
    assert_eq!(reports[0], reports[1]);
}

#[test]
fn with_every_server_hanging_the_probes_end_by_the_deadline_and_say_what_did_not_finish() {
    let items = fleet::fleet(200, &fleet::material());
    let silent = crate::support::dns::DnsServer::start_silent();
    let started = std::time::Instant::now();
    let out = certdoctor()
        .args([
            "diagnose",
            "-A",
            "-o",
            "json",
            "--probe-timeout",
            "1s",
            "--concurrency",
            "1",
            "--from-file",
            "-",
        ])
        .args(["--nameserver", &silent.addr().to_string()])
        .write_stdin(crate::support::objects::list(&items).to_string())
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // 2 × 1s and the quarter second of grace, plus reading the dump and starting up.
    assert!(took < std::time::Duration::from_secs(8), "{took:?}");
    let r = json_of(&out);
    let note = r["probes"].as_str().unwrap();
    assert!(
        note.contains("did not finish within the 2.25s deadline"),
        "{note}"
    );
    assert!(
        note.contains("CAA app-") && note.contains(" more"),
        "{note}"
    );
}
