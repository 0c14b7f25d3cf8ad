//! `inspect`: what is in a Secret or a PEM file, the checks, and that private-key material
//! never appears in any output format.

use std::io::Write;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use serde_json::{Value, json};

use crate::support::pki::{self, LeafOptions};
use crate::support::{Cluster, certdoctor, stderr, stdout};

fn write_file(dir: &tempfile::TempDir, name: &str, content: &[u8]) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::File::create(&p)
        .unwrap()
        .write_all(content)
        .unwrap();
    p
}

fn inspect_file(content: &[u8], extra: &[&str]) -> std::process::Output {
    certdoctor()
        .args(["inspect", "file", "-"])
        .args(extra)
        .write_stdin(content.to_vec())
        .output()
        .unwrap()
}

fn codes(out: &std::process::Output) -> Vec<String> {
    let v: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)));
    v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| {
            i["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["code"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn a_file_with_chain_and_matching_key_is_described_and_clean() {
    let root = pki::root("Test Root");
    let int = pki::intermediate("Test Intermediate", &root, ((2025, 6, 1), (2030, 1, 1)));
    let leaf = pki::leaf(
        &int,
        LeafOptions {
            names: vec!["web.example.com".into(), "www.example.com".into()],
            ..LeafOptions::default()
        },
    );
    let bundle = format!("{}{}{}", leaf.cert_pem, int.pem(), leaf.key_pem);
    let out = inspect_file(bundle.as_bytes(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Private key:   present, ECDSA P-256 (PKCS#8), matches the leaf"),
        "{text}"
    );
    assert!(
        text.contains("SANs:          DNS:web.example.com, DNS:www.example.com"),
        "{text}"
    );
    assert!(
        text.contains("Issuer:        CN=Test Intermediate"),
        "{text}"
    );
    assert!(text.contains("CHAIN_INCOMPLETE"), "info only: {text}");
    assert!(text.contains("(in 50d, 43% of lifetime used)"), "{text}");
}

#[test]
fn private_key_bytes_never_appear_in_any_output_format() {
    let root = pki::root("Test Root");
    let leaf = pki::leaf(&root, LeafOptions::default());
    let other = pki::leaf(&root, LeafOptions::default());
    let key_lines: Vec<String> = leaf
        .key_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::to_string)
        .collect();
    let sec1 = pki::sec1_pem(&leaf.key);
    let sec1_lines: Vec<String> = sec1
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::to_string)
        .collect();
    for key in [&leaf.key_pem, &sec1, &other.key_pem] {
        let bundle = format!("{}{key}", leaf.cert_pem);
        for fmt in ["text", "wide", "json", "yaml"] {
            let out = inspect_file(bundle.as_bytes(), &["-o", fmt]);
            let all = format!("{}{}", stdout(&out), stderr(&out));
            assert!(!all.contains("PRIVATE KEY"), "{fmt}: {all}");
            for line in key_lines.iter().chain(&sec1_lines) {
                assert!(
                    !all.contains(&line[..32.min(line.len())]),
                    "{fmt} leaked key material"
                );
            }
        }
    }
}

#[test]
fn key_encodings_and_algorithms_are_recognised() {
    let root = pki::root("Test Root");
    let ec = pki::leaf(&root, LeafOptions::default());
    let sec1 = format!("{}{}", ec.cert_pem, pki::sec1_pem(&ec.key));
    assert!(
        stdout(&inspect_file(sec1.as_bytes(), &[]))
            .contains("present, ECDSA P-256 (SEC1), matches the leaf")
    );
    let p384 = pki::leaf(
        &root,
        LeafOptions {
            alg: &rcgen::PKCS_ECDSA_P384_SHA384,
            ..LeafOptions::default()
        },
    );
    let out = inspect_file(format!("{}{}", p384.cert_pem, p384.key_pem).as_bytes(), &[]);
    assert!(
        stdout(&out).contains("present, ECDSA P-384 (PKCS#8), matches the leaf"),
        "{}",
        stdout(&out)
    );
    let ed = pki::leaf(
        &root,
        LeafOptions {
            alg: &rcgen::PKCS_ED25519,
            ..LeafOptions::default()
        },
    );
    let out = inspect_file(format!("{}{}", ed.cert_pem, ed.key_pem).as_bytes(), &[]);
    assert!(
        stdout(&out).contains("present, Ed25519 (PKCS#8), matches the leaf"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("Public key:    Ed25519"));
}

#[test]
fn rsa_keys_in_pkcs1_and_pkcs8_are_matched() {
    let root = pki::root("Test Root");
    let rsa = pki::rsa_leaf(&root);
    for (key, encoding) in [(&rsa.pkcs1_pem, "PKCS#1"), (&rsa.pkcs8_pem, "PKCS#8")] {
        let out = inspect_file(format!("{}{key}", rsa.cert_pem).as_bytes(), &[]);
        let text = stdout(&out);
        assert!(
            text.contains(&format!("present, RSA 2048 ({encoding}), matches the leaf")),
            "{text}"
        );
        assert!(text.contains("Public key:    RSA 2048"), "{text}");
        assert!(!text.contains("PRIVATE KEY"));
    }
    let ec = pki::leaf(&root, LeafOptions::default());
    let out = inspect_file(
        format!("{}{}", ec.cert_pem, rsa.pkcs1_pem).as_bytes(),
        &["-o", "json"],
    );
    assert!(codes(&out).contains(&"KEY_MISMATCH".to_string()));
}

#[test]
fn a_key_of_another_certificate_is_a_key_mismatch() {
    let root = pki::root("Test Root");
    let leaf = pki::leaf(&root, LeafOptions::default());
    let other = pki::leaf(&root, LeafOptions::default());
    let out = inspect_file(
        format!("{}{}", leaf.cert_pem, other.key_pem).as_bytes(),
        &["-o", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(codes(&out).contains(&"KEY_MISMATCH".to_string()));
    let sec1 = inspect_file(
        format!("{}{}", leaf.cert_pem, pki::sec1_pem(&other.key)).as_bytes(),
        &["-o", "json"],
    );
    assert!(codes(&sec1).contains(&"KEY_MISMATCH".to_string()));
}

#[test]
fn validity_checks_expired_not_yet_valid_and_expiring_soon() {
    let root = pki::root("Test Root");
    let expired = pki::leaf(
        &root,
        LeafOptions {
            not_before: (2026, 8, 1),
            not_after: (2026, 11, 1),
            ..LeafOptions::default()
        },
    );
    let out = inspect_file(expired.cert_pem.as_bytes(), &["-o", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(codes(&out).contains(&"CERT_EXPIRED".to_string()));
    let future = pki::leaf(
        &root,
        LeafOptions {
            not_before: (2026, 12, 1),
            not_after: (2027, 3, 1),
            ..LeafOptions::default()
        },
    );
    assert!(
        codes(&inspect_file(future.cert_pem.as_bytes(), &["-o", "json"]))
            .contains(&"CERT_NOT_YET_VALID".to_string())
    );
    // 90-day certificate with 20 days left: inside the default third-of-lifetime window.
    let soon = pki::leaf(
        &root,
        LeafOptions {
            not_before: (2026, 9, 13),
            not_after: (2026, 12, 13),
            ..LeafOptions::default()
        },
    );
    let out = inspect_file(soon.cert_pem.as_bytes(), &["-o", "json"]);
    assert_eq!(codes(&out), ["CERT_EXPIRING_SOON", "CHAIN_INCOMPLETE"]);
    assert_eq!(out.status.code(), Some(1));
    // A narrower window makes it clean.
    let out = inspect_file(
        soon.cert_pem.as_bytes(),
        &["-o", "json", "--warn-within", "7d"],
    );
    assert_eq!(codes(&out), ["CHAIN_INCOMPLETE"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn chain_order_signature_root_and_intermediate_expiry_are_checked() {
    let root = pki::root("Test Root");
    let int = pki::intermediate("Test Intermediate", &root, ((2025, 6, 1), (2030, 1, 1)));
    let leaf = pki::leaf(&int, LeafOptions::default());
    let reversed = format!("{}{}", int.pem(), leaf.cert_pem);
    assert!(
        codes(&inspect_file(reversed.as_bytes(), &["-o", "json"]))
            .contains(&"CHAIN_ORDER".to_string())
    );
    // Same name, different key: the signature cannot verify.
    let impostor = pki::intermediate("Test Intermediate", &root, ((2025, 6, 1), (2030, 1, 1)));
    let forged = format!("{}{}", leaf.cert_pem, impostor.pem());
    assert!(
        codes(&inspect_file(forged.as_bytes(), &["-o", "json"]))
            .contains(&"CHAIN_SIGNATURE_INVALID".to_string())
    );
    let full = format!("{}{}{}", leaf.cert_pem, int.pem(), root.pem());
    let out = inspect_file(full.as_bytes(), &["-o", "json"]);
    assert_eq!(codes(&out), ["CHAIN_HAS_ROOT"]);
    assert_eq!(out.status.code(), Some(0));
    let old_int = pki::intermediate("Old Intermediate", &root, ((2025, 1, 1), (2026, 11, 1)));
    let leaf2 = pki::leaf(&old_int, LeafOptions::default());
    let out = inspect_file(
        format!("{}{}", leaf2.cert_pem, old_int.pem()).as_bytes(),
        &["-o", "json"],
    );
    assert!(
        codes(&out).contains(&"INTERMEDIATE_EXPIRED".to_string()),
        "{:?}",
        codes(&out)
    );
}

#[test]
fn bad_input_is_a_finding_or_a_clear_error_never_a_panic() {
    let root = pki::root("Test Root");
    let leaf = pki::leaf(&root, LeafOptions::default());
    let truncated = &leaf.cert_pem[..leaf.cert_pem.len() / 2];
    let bad_base64 = "-----BEGIN CERTIFICATE-----\n!!!not*base64!!!\n-----END CERTIFICATE-----\n";
    let not_a_cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    for (what, input) in [
        ("empty", "".as_bytes()),
        ("garbage", b"hello world".as_slice()),
        ("truncated", truncated.as_bytes()),
        ("bad base64", bad_base64.as_bytes()),
        ("not a certificate", not_a_cert.as_bytes()),
    ] {
        let out = inspect_file(input, &["-o", "json"]);
        assert_eq!(out.status.code(), Some(1), "{what}: {}", stderr(&out));
        assert!(codes(&out).contains(&"PEM_INVALID".to_string()), "{what}");
        assert!(!stderr(&out).contains("panicked"), "{what}");
    }
    let text = stdout(&inspect_file(not_a_cert.as_bytes(), &[]));
    assert!(
        text.contains("PEM_INVALID -: PEM block 1: not a valid X.509 certificate"),
        "{text}"
    );

    let out = certdoctor()
        .args(["inspect", "file", "/nonexistent.pem"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("certdoctor: error: cannot read /nonexistent.pem:"));
}

/// The JSON report of `inspect file -` on `input`, with what it says about PEM_INVALID.
fn inspect_json(input: &[u8]) -> (Value, Vec<String>) {
    let out = inspect_file(input, &["-o", "json"]);
    let v: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    (v, codes(&out))
}

#[test]
fn a_der_certificate_is_read_as_such() {
    let root = pki::root("Test Root");
    let leaf = pki::leaf(&root, LeafOptions::default());
    let out = inspect_file(&leaf.cert_der, &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("Certificate 1/1 (leaf)"), "{text}");
    assert!(text.contains("Subject:       CN=web.example.com"), "{text}");
    assert!(text.contains("Public key:    ECDSA P-256"), "{text}");
    assert!(!text.contains("PEM_INVALID"), "{text}");
    let (v, codes) = inspect_json(&leaf.cert_der);
    assert_eq!(codes, ["CHAIN_INCOMPLETE"]);
    assert_eq!(
        v["inputs"][0]["certificates"][0]["dnsNames"],
        json!(["web.example.com"])
    );
}

#[test]
fn der_keys_in_pkcs8_pkcs1_and_sec1_are_read_as_such() {
    let root = pki::root("Test Root");
    let ec = pki::leaf(&root, LeafOptions::default());
    let rsa = pki::rsa_leaf(&root);
    let cases = [
        (
            "PKCS#8",
            "ECDSA P-256",
            ec.key.serialize_der(),
            &ec.cert_der,
        ),
        ("SEC1", "ECDSA P-256", pki::sec1_der(&ec.key), &ec.cert_der),
        ("PKCS#1", "RSA 2048", rsa.pkcs1_der.clone(), &rsa.cert_der),
    ];
    for (encoding, algorithm, key_der, _) in &cases {
        // A DER key alone: its type, no leaf to match.
        let out = inspect_file(key_der, &[]);
        let text = stdout(&out);
        assert!(
            text.contains(&format!(
                "Private key:   present, {algorithm} ({encoding}), match unknown"
            )),
            "{encoding}: {text}"
        );
        assert!(!text.contains("PEM_INVALID"), "{encoding}: {text}");
        let (v, codes) = inspect_json(key_der);
        assert!(
            !codes.contains(&"PEM_INVALID".to_string()),
            "{encoding}: {codes:?}"
        );
        assert_eq!(v["inputs"][0]["privateKey"]["encoding"], *encoding);
    }
    // DER in a Secret: a DER key next to a DER or PEM certificate matches its leaf.
    let cluster = Cluster::with_fixtures(Some("production"), &[]);
    for (n, (encoding, algorithm, key_der, cert_der)) in cases.iter().enumerate() {
        let name = format!("der-{n}");
        cluster.server.insert(secret(
            &name,
            "kubernetes.io/tls",
            &[("tls.crt", cert_der), ("tls.key", key_der)],
            json!({}),
        ));
        let out = cluster
            .certdoctor()
            .args(["inspect", "secret", &name])
            .output()
            .unwrap();
        let text = stdout(&out);
        assert!(
            text.contains(&format!(
                "Private key:   present, {algorithm} ({encoding}), matches the leaf"
            )),
            "{encoding}: {text}{}",
            stderr(&out)
        );
        assert!(!text.contains("PEM_INVALID"), "{encoding}: {text}");
        assert!(!text.contains("PRIVATE KEY"), "{encoding}: {text}");
    }
}

#[test]
fn huge_inputs_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let root = pki::root("Test Root");
    let leaf = pki::leaf(&root, LeafOptions::default());
    let bundle = leaf.cert_pem.repeat(1000);
    let p = write_file(&dir, "bundle.pem", bundle.as_bytes());
    let out = certdoctor()
        .args(["inspect", "file", "-o", "json"])
        .arg(&p)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["inputs"][0]["certificates"].as_array().unwrap().len(),
        1000
    );
    assert!(codes(&out).contains(&"CHAIN_ORDER".to_string()));
    let big = write_file(&dir, "big.bin", &vec![b'A'; 10 * 1024 * 1024]);
    let out = certdoctor()
        .args(["inspect", "file"])
        .arg(&big)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("PEM_INVALID"));
    let huge = write_file(&dir, "huge.bin", &vec![b'A'; 17 * 1024 * 1024]);
    let out = certdoctor()
        .args(["inspect", "file"])
        .arg(&huge)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is larger than 16 MiB"),
        "{}",
        stderr(&out)
    );
}

fn secret(name: &str, type_: &str, data: &[(&str, &[u8])], annotations: Value) -> Value {
    let mut s = Secret {
        type_: Some(type_.into()),
        ..Secret::default()
    };
    s.metadata.name = Some(name.into());
    s.metadata.namespace = Some("production".into());
    s.data = Some(
        data.iter()
            .map(|(k, v)| (k.to_string(), ByteString(v.to_vec())))
            .collect(),
    );
    let mut v = serde_json::to_value(s).unwrap();
    v["apiVersion"] = json!("v1");
    v["kind"] = json!("Secret");
    v["metadata"]["annotations"] = annotations;
    v
}

fn certificate(name: &str, secret: &str, dns: &[&str]) -> Value {
    json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
           "metadata": {"name": name, "namespace": "production"},
           "spec": {"secretName": secret, "dnsNames": dns,
                    "issuerRef": {"name": "letsencrypt-prod", "kind": "ClusterIssuer", "group": "cert-manager.io"}}})
}

fn annotations(cert: &str, issuer: &str) -> Value {
    json!({"cert-manager.io/certificate-name": cert, "cert-manager.io/issuer-name": issuer,
           "cert-manager.io/issuer-kind": "ClusterIssuer", "cert-manager.io/issuer-group": ""})
}

#[test]
fn a_secret_is_checked_against_the_certificate_that_owns_it() {
    let root = pki::root("Test Root");
    let leaf = pki::leaf(
        &root,
        LeafOptions {
            names: vec!["web.example.com".into(), "old.example.com".into()],
            ..LeafOptions::default()
        },
    );
    let cluster = Cluster::with_fixtures(Some("production"), &[]);
    cluster.server.insert(certificate(
        "web",
        "web-tls",
        &["web.example.com", "new.example.com"],
    ));
    cluster.server.insert(secret(
        "web-tls",
        "kubernetes.io/tls",
        &[
            ("tls.crt", leaf.cert_pem.as_bytes()),
            ("tls.key", leaf.key_pem.as_bytes()),
        ],
        annotations("web", "letsencrypt-staging"),
    ));
    let out = cluster
        .certdoctor()
        .args(["inspect", "secret", "web-tls"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("✗ SAN_MISMATCH Secret production/web-tls: the certificate's names differ"),
        "{text}"
    );
    assert!(
        text.contains("in spec, not in certificate: DNS:new.example.com"),
        "{text}"
    );
    assert!(
        text.contains("in certificate, not in spec: DNS:old.example.com"),
        "{text}"
    );
    assert!(text.contains("ISSUER_ANNOTATION_MISMATCH"), "{text}");
    assert!(text.contains("cert-manager.io/issuer-name: Secret says \"letsencrypt-staging\", Certificate wants \"letsencrypt-prod\""), "{text}");
    assert!(text.contains("Owned by:      Certificate web"), "{text}");
    assert!(text.contains("matches the leaf"));
    assert!(!text.contains("PRIVATE KEY"));
}

#[test]
fn secret_problems_have_their_own_codes() {
    let root = pki::root("Test Root");
    let leaf = pki::leaf(&root, LeafOptions::default());
    let temp = pki::leaf(
        &root,
        LeafOptions {
            serial: Some(1_234_567_890),
            ..LeafOptions::default()
        },
    );
    // Current cert-manager signs its temporary certificate with a throw-away CA of this name.
    let throwaway = pki::root("cert-manager.local");
    let temp_now = pki::leaf(&throwaway, LeafOptions::default());
    let cluster = Cluster::with_fixtures(Some("production"), &[]);
    let crt = leaf.cert_pem.as_bytes();
    let key = leaf.key_pem.as_bytes();
    cluster.server.insert_all(vec![
        secret(
            "opaque",
            "Opaque",
            &[("tls.crt", crt), ("tls.key", key)],
            json!({}),
        ),
        secret(
            "no-cert",
            "kubernetes.io/tls",
            &[("tls.key", key)],
            json!({}),
        ),
        secret(
            "no-key",
            "kubernetes.io/tls",
            &[("tls.crt", crt)],
            json!({}),
        ),
        secret(
            "temp",
            "kubernetes.io/tls",
            &[
                ("tls.crt", temp.cert_pem.as_bytes()),
                ("tls.key", temp.key_pem.as_bytes()),
            ],
            json!({}),
        ),
        secret(
            "shared",
            "kubernetes.io/tls",
            &[("tls.crt", crt), ("tls.key", key)],
            annotations("a", "letsencrypt-prod"),
        ),
        secret(
            "temp-now",
            "kubernetes.io/tls",
            &[
                ("tls.crt", temp_now.cert_pem.as_bytes()),
                ("tls.key", temp_now.key_pem.as_bytes()),
            ],
            json!({}),
        ),
        secret(
            "key-as-cert",
            "kubernetes.io/tls",
            &[("tls.crt", key), ("tls.key", key)],
            json!({}),
        ),
        certificate("a", "shared", &["web.example.com"]),
        certificate("b", "shared", &["web.example.com"]),
    ]);
    for (name, code) in [
        ("missing", "SECRET_NOT_FOUND"),
        ("opaque", "SECRET_WRONG_TYPE"),
        ("no-cert", "SECRET_MISSING_CERT"),
        ("no-key", "SECRET_MISSING_KEY"),
        ("temp", "TEMPORARY_CERTIFICATE"),
        ("temp-now", "TEMPORARY_CERTIFICATE"),
        ("key-as-cert", "PEM_INVALID"),
        ("shared", "CERTIFICATE_NAME_MISMATCH"),
    ] {
        let out = cluster
            .certdoctor()
            .args(["inspect", "secret", name, "-o", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        assert!(
            codes(&out).contains(&code.to_string()),
            "{name}: {:?}",
            codes(&out)
        );
    }
}

#[test]
fn a_dumped_secret_is_not_reported_for_its_removed_key() {
    let out = certdoctor()
        .args([
            "inspect",
            "secret",
            "web-tls",
            "-n",
            "production",
            "-o",
            "json",
            "--from-file",
        ])
        .arg(crate::support::fixture("healthy.yaml"))
        .output()
        .unwrap();
    assert_eq!(codes(&out), ["CHAIN_INCOMPLETE"]);
    assert_eq!(out.status.code(), Some(0));
}
