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
    // A self-check failure whose probe was cut off says so; the run was not --offline.
    let remedies: Vec<&str> = r["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["findings"].as_array().unwrap())
        .filter(|f| f["code"] == "CHALLENGE_NOT_PROPAGATED")
        .map(|f| f["remedy"].as_str().unwrap())
        .collect();
    assert!(
        remedies
            .iter()
            .any(|m| m.contains("did not finish within the run's deadline")),
        "{remedies:?}"
    );
    assert!(
        !remedies.iter().any(|m| m.contains("without --offline")),
        "{remedies:?}"
    );
}

fn fleet_file(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let path = dir.join("fleet.json");
    let items = fleet::fleet(n, &fleet::material());
    std::fs::write(&path, crate::support::objects::list(&items).to_string()).unwrap();
    path
}

#[test]
fn many_unhealthy_certificates_lead_with_a_summary_by_root_cause() {
    let dir = tempfile::tempdir().unwrap();
    let path = fleet_file(dir.path(), 300);
    let run = |extra: &[&str]| {
        let out = certdoctor()
            .args(["diagnose", "-A", "--offline", "--from-file"])
            .arg(&path)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        crate::support::stdout(&out)
    };
    let text = run(&[]);
    assert!(
        text.starts_with("Fleet summary: 30 of 300 certificates unhealthy, by root cause\n"),
        "{text}"
    );
    let first_group = text.lines().nth(1).unwrap();
    assert!(first_group.contains("certificates in"), "{text}");
    assert!(text.contains("    e.g. team-"), "{text}");
    assert!(text.contains("    fix: "), "{text}");
    assert!(
        text.contains("… 10 more certificates not shown: --details shows them all"),
        "{text}"
    );
    assert!(
        !text.contains("healthy\n"),
        "healthy lines stay out: {text}"
    );
    let all = run(&["--details"]);
    assert!(!all.contains("more certificates not shown"), "{all}");
    let capped = run(&["--max", "5"]);
    assert!(
        capped.contains("… 25 more certificates not shown"),
        "{capped}"
    );

    let out = certdoctor()
        .args(["diagnose", "-A", "--offline", "-o", "json", "--from-file"])
        .arg(&path)
        .output()
        .unwrap();
    let r = json_of(&out);
    assert_eq!(r["certificates"].as_array().unwrap().len(), 300);
    assert!(r["rateLimits"].is_array(), "{r}");
}

#[test]
fn status_all_namespaces_ends_with_a_fleet_footer() {
    let dir = tempfile::tempdir().unwrap();
    let path = fleet_file(dir.path(), 100);
    let out = certdoctor()
        .args(["status", "-A", "--from-file"])
        .arg(&path)
        .output()
        .unwrap();
    let text = crate::support::stdout(&out);
    assert!(
        text.ends_with("100 certificates: 90 ready, 10 not ready, 0 in their renewal window\n"),
        "{text}"
    );
}

#[test]
fn lets_encrypt_budget_per_registered_domain_is_reported() {
    use crate::support::objects;
    let items = objects::lets_encrypt_issuances(45);
    let out = certdoctor()
        .args([
            "diagnose",
            "-A",
            "--offline",
            "-o",
            "json",
            "--from-file",
            "-",
        ])
        .write_stdin(objects::list(&items).to_string())
        .output()
        .unwrap();
    let r = json_of(&out);
    let limits = r["rateLimits"].as_array().unwrap();
    assert_eq!(limits.len(), 1, "{r}");
    assert_eq!(limits[0]["code"], "RATE_LIMIT_BUDGET");
    assert_eq!(limits[0]["severity"], "warning");
    let msg = limits[0]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("45 certificates for example.co.uk were issued by Let's Encrypt in the last 7 days, of 50"),
        "{msg}"
    );
    assert!(
        msg.contains("the oldest leaves the window at 2026-11-29T00:00:00Z"),
        "{msg}"
    );
    let out = certdoctor()
        .args(["diagnose", "-A", "--offline", "--from-file", "-"])
        .write_stdin(objects::list(&items).to_string())
        .output()
        .unwrap();
    let text = crate::support::stdout(&out);
    assert!(
        text.contains("! example.co.uk  45 certificates for example.co.uk"),
        "{text}"
    );
}
