//! `status`: the table, the one-certificate chain with its verdict, and the JSON/YAML model.

use serde_json::Value;

use crate::support::report::json_of;
use crate::support::{Cluster, certdoctor, demo, fixture, stderr, stdout};

fn offline(fixture_name: &str, args: &[&str]) -> std::process::Output {
    certdoctor()
        .arg("--from-file")
        .arg(fixture(fixture_name))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn status_table_lists_not_ready_first_then_soonest_expiry() {
    let out = certdoctor()
        .args(["status", "-A", "--from-file"])
        .arg(demo())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    insta::assert_snapshot!("demo_table", stdout(&out));
}

#[test]
fn status_wide_adds_dns_names_revision_and_age() {
    let out = offline("healthy.yaml", &["status", "-o", "wide"]);
    let text = stdout(&out);
    let header = text.lines().next().unwrap();
    assert!(
        header.contains("DNS NAMES") && header.contains("REVISION") && header.contains("AGE"),
        "{text}"
    );
    assert!(text.contains("web.example.com,www.example.com"), "{text}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn status_named_leads_with_the_stuck_challenge_and_its_exact_reason() {
    let cluster = Cluster::with_fixtures(Some("production"), &["stuck-http01.yaml"]);
    let out = cluster
        .certdoctor()
        .args(["status", "app-tls"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "✗ production/app-tls  cert-manager's self-check for app.example.com fails  \
         [CHALLENGE_NOT_PROPAGATED]"
    );
    assert!(lines[1].starts_with("  fix:"), "{text}");
    assert!(
        lines.contains(
            &"✗ production/app-tls is not Ready: stuck at Challenge app.example.com (HTTP-01): \
              Waiting for HTTP-01 challenge propagation: wrong status code '404', expected '200'"
        ),
        "{text}"
    );
    insta::assert_snapshot!("stuck_http01_detail", text);
}

#[test]
fn status_of_a_healthy_certificate_shows_the_request_that_issued_it() {
    let out = offline("healthy.yaml", &["status", "web-tls"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("✓ production/web-tls is Ready, expires in 50d"),
        "{text}"
    );
    assert!(text.contains("CertificateRequest web-tls-2"), "{text}");
    assert!(
        text.contains("Valid:       2026-10-15T10:00:00Z → 2027-01-13T10:00:00Z"),
        "{text}"
    );
    assert!(text.contains("Key:         ECDSA P-256"), "{text}");
}

#[test]
fn status_names_where_each_stuck_scenario_stops() {
    let cases = [
        (
            "stuck-dns01.yaml",
            "Challenge pending: DNS-01 *.example.com",
        ),
        (
            "stuck-order-invalid.yaml",
            "Failed 3x, retry due: Challenge invalid: HTTP-01 shop.example.com",
        ),
        (
            "stuck-request-denied.yaml",
            "Failed 1x, retry in 20m: Request denied: partner-tls-1",
        ),
        (
            "stuck-not-approved.yaml",
            "Waiting for approval: billing-tls-1",
        ),
        ("issuer-missing.yaml", "Issuer missing: Issuer vault-issuer"),
        (
            "issuer-not-ready.yaml",
            "Issuer not ready: ClusterIssuer letsencrypt-prod (ErrRegisterACMEAccount)",
        ),
        ("issuing.yaml", "Challenge pending: HTTP-01 api.example.com"),
    ];
    for (file, stage) in cases {
        let out = offline(file, &["status", "-o", "json"]);
        let v = json_of(&out);
        assert_eq!(v["certificates"][0]["stage"], stage, "{file}");
    }
}

#[test]
fn status_of_an_expired_certificate_says_expired() {
    let out = offline("expired.yaml", &["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("EXPIRED 2d ago"), "{}", stdout(&out));
}

#[test]
fn status_shows_an_external_issuer_as_external_not_as_an_error() {
    let out = offline("external-issuer.yaml", &["status", "orders-api-tls"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Issuer AWSPCAClusterIssuer pca: external issuer (awspca.cert-manager.io)"),
        "{text}"
    );
    let v = json_of(&offline("external-issuer.yaml", &["status", "-o", "json"]));
    assert_eq!(v["certificates"][0]["issuer"]["state"], "external");
    assert_eq!(
        v["certificates"][0]["issuerRef"]["group"],
        "awspca.cert-manager.io"
    );
}

#[test]
fn status_json_shows_the_request_order_and_challenge_of_a_stuck_certificate() {
    let out = offline("stuck-http01.yaml", &["status", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["schemaVersion"], "certdoctor/v1");
    assert_eq!(v["kind"], "StatusReport");
    let c = &v["certificates"][0];
    assert_eq!(c["ready"], false);
    assert_eq!(
        c["issuerRef"],
        serde_json::json!({"kind": "ClusterIssuer", "name": "letsencrypt-prod", "group": "cert-manager.io"})
    );
    assert_eq!(c["request"]["name"], "app-tls-1");
    assert_eq!(c["request"]["approved"], true);
    assert_eq!(c["request"]["ready"], false);
    assert_eq!(c["order"]["state"], "pending");
    let ch = &c["challenges"][0];
    assert_eq!(ch["type"], "HTTP-01");
    assert_eq!(ch["dnsName"], "app.example.com");
    assert_eq!(ch["presented"], true);
    assert_eq!(ch["processing"], true);

    let healthy = json_of(&offline("healthy.yaml", &["status", "-o", "json"]));
    let h = &healthy["certificates"][0];
    assert_eq!(h["notAfter"], "2027-01-13T10:00:00Z");
    assert_eq!(h["revision"], 2);
    assert_eq!(h["order"]["state"], "valid");
}

#[test]
fn status_yaml_carries_the_same_model_as_json() {
    let json = json_of(&offline("issuing.yaml", &["status", "-o", "json"]));
    let yaml_out = offline("issuing.yaml", &["status", "-o", "yaml"]);
    let yaml: Value = serde_saphyr::from_str(&stdout(&yaml_out)).unwrap();
    assert_eq!(json, yaml);
}

#[test]
fn status_of_a_missing_certificate_exits_2_naming_it() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    let out = cluster.certdoctor().args(["status", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("certdoctor: error: certificate production/x not found\nhint: "),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn status_across_namespaces_adds_the_namespace_column() {
    let out = offline("many-namespaces.yaml", &["status", "-A"]);
    let text = stdout(&out);
    let rows: Vec<&str> = text.lines().collect();
    assert!(rows[0].starts_with("NAMESPACE"), "{text}");
    // Not-ready first, then soonest expiry.
    let order: Vec<&str> = rows[1..]
        .iter()
        .map(|r| r.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(
        order,
        ["reports-tls", "search-tls", "api-tls", "frontend-tls"],
        "{text}"
    );
    let one_ns = offline("many-namespaces.yaml", &["status", "-n", "team-a"]);
    assert!(!stdout(&one_ns).contains("NAMESPACE"));
    assert_eq!(stdout(&one_ns).lines().count(), 2);
}

#[test]
fn status_and_diagnose_say_which_rule_decides_the_next_renewal() {
    let out = offline("healthy.yaml", &["status", "web-tls", "-n", "production"]);
    let text = stdout(&out);
    assert!(
        text.contains("Renewal:     next renewal 2026-")
            && text.contains("when a third of the lifetime is left (cert-manager's default)"),
        "{text}"
    );
    let out = offline(
        "healthy.yaml",
        &[
            "diagnose",
            "web-tls",
            "-n",
            "production",
            "--offline",
            "-o",
            "json",
        ],
    );
    let v = json_of(&out);
    let line = v["certificates"][0]["renewal"].as_str().unwrap();
    assert!(line.starts_with("next renewal "), "{line}");
}

#[test]
fn a_secret_with_big_extra_keys_lists_every_key_with_its_size_and_its_certificate() {
    use crate::support::objects::{self, Edit as _};
    use crate::support::pki;
    let root = pki::root("Test Root");
    let leaf = pki::leaf(&root, pki::LeafOptions::default());
    // What cert-manager's keystores and additionalOutputFormats add next to the TLS keys.
    let keystore = vec![0x30u8; 512 * 1024];
    let combined = format!("{}{}", leaf.cert_pem, leaf.key_pem);
    let cluster = Cluster::with_fixtures(Some("production"), &[]);
    let cert = objects::certificate("production", "web").with("/status", objects::ready_status());
    cluster.server.insert(cert);
    cluster.server.insert(objects::tls_secret(
        "production",
        "web",
        &[
            ("tls.crt", leaf.cert_pem.as_bytes()),
            ("tls.key", leaf.key_pem.as_bytes()),
            ("ca.crt", root.pem().as_bytes()),
            ("keystore.p12", &keystore),
            ("truststore.jks", &keystore[..70_001]),
            ("tls-combined.pem", combined.as_bytes()),
            ("key.der", leaf.key.serialized_der()),
        ],
    ));
    let out = cluster
        .certdoctor()
        .args(["status", "web", "-o", "json"])
        .output()
        .unwrap();
    let v = json_of(&out);
    let secret = &v["certificates"][0]["secret"];
    assert_eq!(secret["state"], "found", "{secret}");
    let keys: Vec<(String, u64)> = secret["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["name"].as_str().unwrap().to_string(),
                k["bytes"].as_u64().unwrap(),
            )
        })
        .collect();
    let size = |s: &str| s.len() as u64;
    let expected: Vec<(String, u64)> = [
        ("ca.crt", size(&root.pem())),
        ("key.der", leaf.key.serialized_der().len() as u64),
        ("keystore.p12", 512 * 1024),
        ("tls-combined.pem", size(&combined)),
        ("tls.crt", size(&leaf.cert_pem)),
        ("tls.key", size(&leaf.key_pem)),
        ("truststore.jks", 70_001),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_string(), n))
    .collect();
    assert_eq!(keys, expected);
    assert_eq!(secret["error"], Value::Null, "{secret}");
    assert_eq!(
        secret["certificates"][0]["dnsNames"][0], "web.example.com",
        "{secret}"
    );
    // Nothing of the values is in the report.
    let text = stdout(&out);
    assert!(!text.contains("PRIVATE KEY"), "{text}");
}
