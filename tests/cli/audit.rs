//! `certdoctor audit`: each check passing and failing, live against the test API server and
//! from a dump of the same objects; Prometheus Operator kinds absent; the exit codes.

use serde_json::{Value, json};

use crate::support::objects::{self, condition};
use crate::support::{Cluster, FakeApiServer, certdoctor, pki, stdout};

const CONTROLLER_LABELS: &str = r#"{"app.kubernetes.io/component": "controller", "app.kubernetes.io/name": "cert-manager", "app.kubernetes.io/instance": "cert-manager"}"#;
const WEBHOOK_LABELS: &str = r#"{"app.kubernetes.io/component": "webhook", "app.kubernetes.io/name": "webhook", "app.kubernetes.io/instance": "cert-manager"}"#;

fn labels(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn deployment(name: &str, labels_text: &str, ready: i64) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": "cert-manager", "uid": name, "labels": labels(labels_text)},
        "spec": {"replicas": ready, "selector": {"matchLabels": labels(labels_text)},
                 "template": {"metadata": {"labels": labels(labels_text)}}},
        "status": {"replicas": ready, "readyReplicas": ready}})
}

fn prometheus_rule(exprs: &[&str]) -> Value {
    let rules: Vec<Value> = exprs
        .iter()
        .enumerate()
        .map(|(i, e)| json!({"alert": format!("Alert{i}"), "expr": e, "for": "10m"}))
        .collect();
    json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
        "metadata": {"name": "cert-manager", "namespace": "monitoring", "uid": "pr"},
        "spec": {"groups": [{"name": "cert-manager", "rules": rules}]}})
}

/// A cluster where every check passes (`good`) or every check fails.
fn objects(good: bool) -> Vec<Value> {
    let ca = pki::root("Internal CA");
    let mut cert = objects::certificate("app", "web");
    cert["spec"]["issuerRef"] = json!({"name": "internal-ca", "kind": "Issuer"});
    cert["status"] = objects::ready_status();
    cert["spec"]["privateKey"] = if good {
        json!({"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"})
    } else {
        json!({"rotationPolicy": "Never"})
    };
    if !good {
        cert["spec"]["renewBefore"] = json!("24h");
    }
    let leaf = if good {
        pki::leaf(&ca, pki::LeafOptions::default()).cert_pem
    } else {
        pki::rsa_leaf_pem(&ca, 1024)
    };
    let secret = objects::tls_secret("app", "web", &[("tls.crt", leaf.as_bytes())]);
    let issuer = json!({"apiVersion": "cert-manager.io/v1", "kind": "Issuer",
        "metadata": {"name": "internal-ca", "namespace": "app", "uid": "ca-issuer"},
        "spec": {"ca": {"secretName": "internal-ca-key-pair"}},
        "status": {"conditions": [condition("Ready", "True", "KeyPairVerified", "Signing CA verified")]}});
    let mut acme_cert = objects::certificate("app", "api");
    acme_cert["status"] = objects::ready_status();
    let mut le = objects::cluster_issuer(objects::ISSUER);
    if good {
        le["spec"]["acme"]["email"] = json!("certs@example.com");
    }
    let expiry = "certmanager_certificate_expiration_timestamp_seconds - time() < 14 * 86400";
    let ready = "certmanager_certificate_ready_status{condition!=\"True\"} == 1";
    let mut out = vec![
        cert,
        secret,
        issuer,
        acme_cert,
        le,
        deployment("cert-manager", CONTROLLER_LABELS, 1),
        deployment(
            "cert-manager-webhook",
            WEBHOOK_LABELS,
            if good { 2 } else { 1 },
        ),
        prometheus_rule(&if good {
            vec![expiry, ready]
        } else {
            vec!["up == 0"]
        }),
    ];
    if good {
        out.push(
            json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": "cert-manager-webhook", "namespace": "cert-manager", "uid": "pdb"},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": labels(WEBHOOK_LABELS)}}}),
        );
        out.push(
            json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
            "metadata": {"name": "cert-manager", "namespace": "monitoring", "uid": "sm"},
            "spec": {"namespaceSelector": {"matchNames": ["cert-manager"]},
                     "selector": {"matchLabels": {"app.kubernetes.io/component": "controller"}},
                     "endpoints": [{"port": "tcp-prometheus-servicemonitor"}]}}),
        );
        out.push(
            json!({"apiVersion": "trust.cert-manager.io/v1alpha1", "kind": "Bundle",
            "metadata": {"name": "internal-ca", "uid": "bundle"},
            "spec": {"sources": [{"secret": {"name": "internal-ca-key-pair", "key": "ca.crt"}}],
                     "target": {"configMap": {"key": "ca.crt"}}}}),
        );
    }
    out
}

fn live(objs: Vec<Value>) -> Cluster {
    let c = Cluster::with_fixtures(None, &[]);
    c.server.insert_all(objs);
    c
}

fn run_json(cmd: &mut assert_cmd::Command) -> (Value, i32) {
    let out = cmd.args(["-o", "json"]).output().unwrap();
    let code = out.status.code().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (v, code)
}

fn state(report: &Value, id: &str) -> String {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id}"))["state"]
        .as_str()
        .unwrap()
        .to_string()
}

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn dump_file(objs: &[Value]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dump.json");
    std::fs::write(&path, objects::list(objs).to_string()).unwrap();
    (dir, path)
}

const CHECKED: [&str; 9] = [
    "expiry-alert",
    "ready-alert",
    "metrics-scraped",
    "webhook-ha",
    "renewal-margin",
    "key-rotation",
    "key-strength",
    "acme-email",
    "ca-bundle",
];

fn assert_good(report: &Value, code: i32) {
    assert_eq!(code, 0, "{report:#}");
    for id in CHECKED {
        assert_eq!(state(report, id), "pass", "{id}: {report:#}");
    }
    assert_eq!(report["kind"], "AuditReport");
    assert_eq!(report["passed"], true);
    assert_eq!(state(report, "rate-limit-budget"), "pass");
    assert_eq!(state(report, "secret-backups"), "notCheckable");
}

fn assert_bad(report: &Value, code: i32) {
    assert_eq!(code, 1, "{report:#}");
    let found = codes(report);
    for c in [
        "NO_EXPIRY_ALERT",
        "NO_READY_ALERT",
        "METRICS_NOT_SCRAPED",
        "WEBHOOK_NOT_HA",
        "RENEWAL_MARGIN_SHORT",
        "KEY_NOT_ROTATED",
        "WEAK_KEY",
        "ACME_NO_EMAIL",
        "CA_BUNDLE_NOT_DISTRIBUTED",
    ] {
        assert!(found.iter().any(|f| f == c), "{c} missing: {found:?}");
    }
    for id in CHECKED {
        let want = if id == "ca-bundle" { "notice" } else { "fail" };
        assert_eq!(state(report, id), want, "{id}: {report:#}");
    }
    let margin = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "RENEWAL_MARGIN_SHORT")
        .unwrap();
    assert!(
        margin["message"]
            .as_str()
            .unwrap()
            .contains("renewal starts 24h before expiry (renewBefore 24h)"),
        "{margin:#}"
    );
    let weak = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "WEAK_KEY")
        .unwrap();
    assert_eq!(weak["severity"], "error");
    assert!(weak.to_string().contains("RSA 1024"), "{weak:#}");
}

#[test]
fn every_check_passes_on_a_ready_cluster_live_and_from_a_dump() {
    let c = live(objects(true));
    let (report, code) = run_json(c.certdoctor().args(["audit", "-A"]));
    assert_good(&report, code);
    let (_dir, path) = dump_file(&objects(true));
    let (report, code) = run_json(certdoctor().arg("audit").arg("--from-file").arg(&path));
    assert_good(&report, code);
}

#[test]
fn every_check_fails_on_a_careless_cluster_live_and_from_a_dump() {
    let c = live(objects(false));
    let (report, code) = run_json(c.certdoctor().args(["audit", "-A"]));
    assert_bad(&report, code);
    let (_dir, path) = dump_file(&objects(false));
    let (report, code) = run_json(certdoctor().arg("audit").arg("--from-file").arg(&path));
    assert_bad(&report, code);
}

#[test]
fn audit_lists_each_extra_kind_once_cluster_wide() {
    let c = live(objects(true));
    c.certdoctor()
        .args(["audit", "-n", "app"])
        .assert()
        .success();
    let paths: Vec<String> = c.server.requests().iter().map(|r| r.path.clone()).collect();
    for p in [
        "/apis/monitoring.coreos.com/v1/prometheusrules",
        "/apis/policy/v1/poddisruptionbudgets",
        "/apis/apps/v1/deployments",
        "/apis/trust.cert-manager.io/v1alpha1/bundles",
    ] {
        assert_eq!(
            paths.iter().filter(|x| *x == p).count(),
            1,
            "{p}: {paths:?}"
        );
    }
}

#[test]
fn absent_prometheus_operator_is_one_info_note_not_three_failures() {
    let server = FakeApiServer::start();
    server.insert_all(objects(true));
    server.uninstall_group("monitoring.coreos.com");
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = server.write_kubeconfig(dir.path(), None);
    let (report, code) = run_json(
        certdoctor()
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .args(["audit", "-A"]),
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(codes(&report), ["MONITORING_NOT_INSTALLED"]);
    for id in ["expiry-alert", "ready-alert", "metrics-scraped"] {
        assert_eq!(state(&report, id), "notCheckable");
    }
    // A dump without any monitoring object says the same.
    let objs: Vec<Value> = objects(true)
        .into_iter()
        .filter(|o| !o["apiVersion"].as_str().unwrap().starts_with("monitoring"))
        .collect();
    let (_d, path) = dump_file(&objs);
    let (report, code) = run_json(certdoctor().arg("audit").arg("--from-file").arg(&path));
    assert_eq!(code, 0);
    assert_eq!(codes(&report), ["MONITORING_NOT_INSTALLED"]);
}

#[test]
fn text_is_a_checklist_then_the_findings() {
    let (_dir, path) = dump_file(&objects(false));
    let out = certdoctor()
        .arg("audit")
        .arg("--from-file")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("✗ webhook-ha"), "{text}");
    assert!(text.contains("✓ rate-limit-budget"), "{text}");
    assert!(text.contains("– secret-backups"), "{text}");
    assert!(text.contains("i ca-bundle"), "{text}");
    assert!(text.contains("\nFindings\n"), "{text}");
    assert!(text.contains("✗ WEAK_KEY Certificate app/web"), "{text}");
    assert!(text.contains("    fix: "), "{text}");
    let md = certdoctor()
        .arg("audit")
        .arg("--from-file")
        .arg(&path)
        .args(["-o", "markdown"])
        .output()
        .unwrap();
    assert!(
        stdout(&md).contains("| ✗ | the webhook survives"),
        "{}",
        stdout(&md)
    );
}

#[test]
fn staging_issuer_shim_edits_and_unused_issuers() {
    let mut objs = objects(true);
    // The ACME ClusterIssuer points at staging, and Ingress `api` serves its Certificate,
    // which someone edited by hand (a host the Ingress does not have).
    for o in objs.iter_mut() {
        if o["kind"] == "ClusterIssuer" {
            o["spec"]["acme"]["server"] =
                json!("https://acme-staging-v02.api.letsencrypt.org/directory");
        }
        if o["kind"] == "Certificate" && o["metadata"]["name"] == "api" {
            o["metadata"]["ownerReferences"] = json!([{"apiVersion": "networking.k8s.io/v1",
                "kind": "Ingress", "name": "api", "uid": "ing-api", "controller": true}]);
            o["spec"]["dnsNames"] = json!(["api.example.com", "extra.example.com"]);
        }
    }
    objs.push(
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "api", "namespace": "app", "uid": "ing-api",
                     "annotations": {"cert-manager.io/cluster-issuer": objects::ISSUER}},
        "spec": {"tls": [{"hosts": ["api.example.com"], "secretName": "api"}]}}),
    );
    objs.push(json!({"apiVersion": "cert-manager.io/v1", "kind": "Issuer",
        "metadata": {"name": "spare", "namespace": "app", "uid": "spare"},
        "spec": {"selfSigned": {}},
        "status": {"conditions": [condition("Ready", "False", "Pending", "not yet")]}}));
    let (_d, path) = dump_file(&objs);
    let (report, code) = run_json(certdoctor().arg("audit").arg("--from-file").arg(&path));
    assert_eq!(code, 1);
    let found = codes(&report);
    for c in [
        "STAGING_ISSUER",
        "SHIM_CERT_EDITED",
        "ISSUER_NOT_READY",
        "ISSUER_UNUSED",
    ] {
        assert!(found.iter().any(|f| f == c), "{c}: {found:?}");
    }
    let shim = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "SHIM_CERT_EDITED")
        .unwrap();
    assert!(shim.to_string().contains("extra.example.com"), "{shim:#}");
}

#[test]
fn wildcard_on_an_http01_only_issuer_fails() {
    let mut objs = objects(true);
    for o in objs.iter_mut() {
        if o["kind"] == "Certificate" && o["metadata"]["name"] == "api" {
            o["spec"]["dnsNames"] = json!(["*.example.com"]);
        }
    }
    let (_d, path) = dump_file(&objs);
    let (report, code) = run_json(certdoctor().arg("audit").arg("--from-file").arg(&path));
    assert_eq!(code, 1);
    assert_eq!(state(&report, "wildcard-dns01"), "fail");
    assert!(codes(&report).contains(&"WILDCARD_NEEDS_DNS01".to_string()));
}

#[test]
fn audit_counts_lets_encrypt_issuances_against_the_weekly_budget() {
    let items = objects::lets_encrypt_issuances(45);
    let (_dir, path) = dump_file(&items);
    let (r, code) = run_json(certdoctor().args(["audit", "-A", "--from-file"]).arg(&path));
    assert_eq!(code, 1, "{r:#}");
    assert_eq!(state(&r, "rate-limit-budget"), "fail");
    assert!(
        codes(&r).contains(&"RATE_LIMIT_BUDGET".to_string()),
        "{r:#}"
    );
}

#[test]
fn a_dump_carries_audits_kinds_so_the_offline_audit_agrees_with_the_live_one() {
    for good in [true, false] {
        let c = live(objects(good));
        let (live_report, live_code) = run_json(c.certdoctor().args(["audit", "-A"]));
        let out = c.certdoctor().args(["dump", "-A"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dump.yaml");
        std::fs::write(&path, &out.stdout).unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("kind: PrometheusRule"),
            "the dump holds the rules"
        );
        let (offline, code) = run_json(certdoctor().arg("audit").arg("--from-file").arg(&path));
        assert_eq!(code, live_code);
        for id in CHECKED {
            assert_eq!(
                state(&offline, id),
                state(&live_report, id),
                "{id} (good={good})"
            );
        }
    }
}
