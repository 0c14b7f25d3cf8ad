//! `diagnose`: every finding code from cluster state, end to end through the real binary
//! on scenario dumps (`--from-file`, `--offline`), the root-cause choice, and the JSON model.
//! The network probes have their own module (`probes`).

use serde_json::{Value, json};

use crate::support::objects::{self, edit};
use crate::support::report::{
    certificate as cert, codes, diagnose, finding, findings, json_of, root,
};
use crate::support::{Cluster, certdoctor, fixture_objects, stderr, stdout};

#[test]
fn a_healthy_certificate_has_no_root_cause_and_exits_0() {
    let (r, code) = diagnose(&fixture_objects("healthy.yaml"), &[]);
    assert_eq!(code, 0);
    assert_eq!(cert(&r, "web-tls")["healthy"], true);
    assert_eq!(cert(&r, "web-tls")["rootCause"], Value::Null);
}

#[test]
fn the_json_report_names_the_root_cause_and_the_object_it_is_about() {
    let (r, code) = diagnose(&fixture_objects("stuck-http01.yaml"), &[]);
    assert_eq!(code, 1);
    assert_eq!(r["schemaVersion"], "certdoctor/v1");
    assert_eq!(r["kind"], "DiagnoseReport");
    let c = cert(&r, "app-tls");
    assert_eq!(
        (c["namespace"].as_str(), c["healthy"].as_bool()),
        (Some("production"), Some(false))
    );
    assert_eq!(c["rootCause"]["code"], "CHALLENGE_NOT_PROPAGATED");
    assert_eq!(c["rootCause"]["severity"], "error");
    assert!(
        c["rootCause"]["message"]
            .as_str()
            .unwrap()
            .contains("wrong status code '404', expected '200'")
    );
    let f = finding(&r, "app-tls", "CHALLENGE_NOT_PROPAGATED");
    assert_eq!(f["subject"]["kind"], "Challenge");
    assert_eq!(f["subject"]["namespace"], "production");
    assert_eq!(f["subject"]["name"], "app-tls-1-2385927541-1738652016");
    assert_eq!(
        f["reproduce"][0],
        "kubectl describe challenge app-tls-1-2385927541-1738652016 -n production"
    );
}

#[test]
fn the_text_report_leads_with_the_root_cause_and_walks_the_path() {
    let out = certdoctor()
        .args([
            "diagnose",
            "app-tls",
            "-n",
            "production",
            "--offline",
            "--from-file",
        ])
        .arg(crate::support::fixture("stuck-http01.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("diagnose_stuck_http01", stdout(&out));
}

#[test]
fn a_failed_order_is_explained_by_its_invalid_challenge_and_the_backoff_is_shown() {
    let (r, _) = diagnose(&fixture_objects("stuck-order-invalid.yaml"), &[]);
    assert_eq!(root(&r, "shop-tls"), "CHALLENGE_INVALID");
    let c = codes(&r, "shop-tls");
    for code in [
        "CERT_NOT_READY",
        "ISSUANCE_BACKOFF",
        "REQUEST_FAILED",
        "ORDER_FAILED",
        "CHALLENGE_INVALID",
    ] {
        assert!(c.contains(&code.to_string()), "{code}: {c:?}");
    }
    let ch = finding(&r, "shop-tls", "CHALLENGE_INVALID");
    assert!(
        ch["message"]
            .as_str()
            .unwrap()
            .contains("Invalid response from http://shop.example.com"),
        "{ch}"
    );
    let b = finding(&r, "shop-tls", "ISSUANCE_BACKOFF");
    assert_eq!(
        b["message"],
        "issuance failed 3 times; automatic retry was due 30m ago"
    );
    assert!(
        b["remedy"]
            .as_str()
            .unwrap()
            .contains("certdoctor renew shop-tls -n production")
    );
}

fn order_failure(reason: &str) -> Vec<Value> {
    let mut objs = fixture_objects("stuck-order-invalid.yaml");
    objs.retain(|o| o["kind"] != "Challenge");
    let reason = reason.to_string();
    edit(&mut objs, "Order", "shop-tls", move |o| {
        o["status"]["state"] = json!("errored");
        o["status"]["reason"] = json!(reason.clone());
    });
    objs
}

#[test]
fn a_rate_limit_shows_the_retry_after_time_prominently() {
    let (r, _) = diagnose(
        &order_failure(
            "Failed to create Order: 429 urn:ietf:params:acme:error:rateLimited: Error creating new order :: too many certificates (5) already issued for this exact set of identifiers in the last 168h0m0s, retry after 2026-11-24 03:12:45 UTC: see https://letsencrypt.org/docs/rate-limits/#new-certificates-per-exact-set-of-identifiers",
        ),
        &[],
    );
    assert_eq!(root(&r, "shop-tls"), "ACME_RATE_LIMITED");
    let f = finding(&r, "shop-tls", "ACME_RATE_LIMITED");
    assert!(f["message"].as_str().unwrap().starts_with("rate limited until 2026-11-24 03:12:45 UTC: New Certificates per Exact Set of Identifiers"), "{f}");
    // The backoff under it does not contradict the root cause with "retry now".
    let b = finding(&r, "shop-tls", "ISSUANCE_BACKOFF");
    let remedy = b["remedy"].as_str().unwrap();
    assert!(remedy.contains("wait for that time"), "{remedy}");
    assert!(!remedy.contains("retry now"), "{remedy}");
}

#[test]
fn a_certificate_issuing_for_long_without_a_request_says_none_was_created() {
    let mut objs = fixture_objects("issuing.yaml");
    objs.retain(|o| o["kind"] != "CertificateRequest");
    let (r, _) = diagnose(&objs, &[]);
    // api-tls turned Issuing ten minutes ago (11:50 at 12:00): still within the grace.
    assert!(
        !codes(&r, "api-tls").contains(&"REQUEST_NOT_CREATED".to_string()),
        "{r}"
    );
    edit(&mut objs, "Certificate", "api-tls", |c| {
        let conds = c["status"]["conditions"].as_array_mut().unwrap();
        for cond in conds.iter_mut().filter(|c| c["type"] == "Issuing") {
            cond["lastTransitionTime"] = json!("2026-11-22T10:00:00Z");
        }
    });
    let (r, code) = diagnose(&objs, &[]);
    assert_eq!(code, 1);
    assert_eq!(root(&r, "api-tls"), "REQUEST_NOT_CREATED", "{r}");
    let f = finding(&r, "api-tls", "REQUEST_NOT_CREATED");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("the Certificate has been issuing for 26h but cert-manager created no CertificateRequest"),
        "{f}"
    );
}

#[test]
fn order_problems_are_classified_by_acme_type() {
    let (r, _) = diagnose(
        &order_failure(
            "Failed to create Order: 403 urn:ietf:params:acme:error:caa: CAA record for example.com prevents issuance",
        ),
        &[],
    );
    assert_eq!(root(&r, "shop-tls"), "ACME_CAA_FORBIDDEN");
    let (r, _) = diagnose(
        &order_failure(
            "Failed to create Order: 400 urn:ietf:params:acme:error:rejectedIdentifier: Error creating new order :: Cannot issue for \"shop.example\": Domain name does not end with a valid public suffix (TLD)",
        ),
        &[],
    );
    assert_eq!(root(&r, "shop-tls"), "ORDER_FAILED");
    let f = finding(&r, "shop-tls", "ORDER_FAILED");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("(rejectedIdentifier)"),
        "{f}"
    );
}

#[test]
fn challenge_states_have_their_own_codes() {
    let mut objs = fixture_objects("stuck-order-invalid.yaml");
    edit(&mut objs, "Challenge", "shop-tls", |c| {
        c["status"]["reason"] = json!(
            "Error accepting authorization: acme: authorization error for shop.example.com: 403 urn:ietf:params:acme:error:caa: While processing CAA for shop.example.com: CAA record for example.com prevents issuance"
        );
    });
    assert_eq!(
        root(&diagnose(&objs, &[]).0, "shop-tls"),
        "ACME_CAA_FORBIDDEN"
    );
    edit(&mut objs, "Challenge", "shop-tls", |c| {
        c["status"]["state"] = json!("expired");
        c["status"]["reason"] = json!(
            "Error accepting challenge: 400 urn:ietf:params:acme:error:malformed: Unable to update challenge :: authorization must be pending"
        );
    });
    assert_eq!(
        root(&diagnose(&objs, &[]).0, "shop-tls"),
        "CHALLENGE_EXPIRED"
    );

    let mut dns = fixture_objects("stuck-dns01.yaml");
    edit(&mut dns, "Challenge", "api-tls", |c| {
        if c["spec"]["wildcard"] == true {
            c["status"]["presented"] = json!(false);
            c["status"]["reason"] =
                json!("error getting cloudflare secret: secret \"cloudflare-api-token\" not found");
        }
    });
    let (r, _) = diagnose(&dns, &[]);
    assert_eq!(root(&r, "api-tls"), "CHALLENGE_PRESENT_FAILED");
    // The queued challenge of the same name waits behind the wildcard one of its own Order:
    // not an error, only a note naming the blocker.
    let errors: Vec<&Value> = findings(&r, "api-tls")
        .iter()
        .filter(|f| {
            f["code"].as_str().unwrap().starts_with("CHALLENGE_") && f["severity"] == "error"
        })
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let q = finding(&r, "api-tls", "CHALLENGE_QUEUE_BLOCKED");
    assert_eq!(q["severity"], "info");
    assert!(
        q["message"].as_str().unwrap().contains("behind Challenge"),
        "{q}"
    );
}

#[test]
fn request_problems_have_their_own_codes() {
    let (r, _) = diagnose(&fixture_objects("stuck-request-denied.yaml"), &[]);
    assert_eq!(root(&r, "partner-tls"), "REQUEST_DENIED");
    assert!(
        finding(&r, "partner-tls", "REQUEST_DENIED")["message"]
            .as_str()
            .unwrap()
            .starts_with("denied by policy.cert-manager.io: No policy approved this request")
    );
    let (r, _) = diagnose(&fixture_objects("stuck-not-approved.yaml"), &[]);
    assert_eq!(root(&r, "billing-tls"), "REQUEST_NOT_APPROVED");
    let mut objs = fixture_objects("stuck-http01.yaml");
    objs.retain(|o| o["kind"] != "Order" && o["kind"] != "Challenge");
    edit(&mut objs, "CertificateRequest", "app-tls-1", |cr| {
        cr["status"]["conditions"].as_array_mut().unwrap().push(json!({"type": "InvalidRequest", "status": "True", "reason": "RequestParsingError", "message": "Failed to decode CSR in spec.request"}));
    });
    assert_eq!(root(&diagnose(&objs, &[]).0, "app-tls"), "REQUEST_INVALID");
}

#[test]
fn a_missing_issuer_says_when_the_other_kind_exists() {
    let (r, _) = diagnose(&fixture_objects("issuer-missing.yaml"), &[]);
    assert_eq!(root(&r, "payroll-tls"), "ISSUER_NOT_FOUND");
    let mut objs = fixture_objects("issuer-missing.yaml");
    objs.push(objects::cluster_issuer("vault-issuer"));
    let (r, _) = diagnose(&objs, &[]);
    let f = finding(&r, "payroll-tls", "ISSUER_NOT_FOUND");
    assert_eq!(
        f["message"],
        "Issuer vault-issuer does not exist, but a ClusterIssuer named vault-issuer does"
    );
    assert!(
        f["remedy"]
            .as_str()
            .unwrap()
            .contains("kind: ClusterIssuer")
    );
    // The Issuer exists, in another namespace: it serves only its own.
    let mut objs = fixture_objects("issuer-missing.yaml");
    let mut elsewhere = objects::cluster_issuer("vault-issuer");
    elsewhere["kind"] = json!("Issuer");
    elsewhere["metadata"]["namespace"] = json!("cert-manager");
    objs.push(elsewhere);
    let (r, _) = diagnose(&objs, &[]);
    let f = finding(&r, "payroll-tls", "ISSUER_NOT_FOUND");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .ends_with("an Issuer of that name exists in cert-manager"),
        "{f}"
    );
    assert!(
        f["remedy"]
            .as_str()
            .unwrap()
            .contains("only Certificates in its own namespace"),
        "{f}"
    );
}

#[test]
fn issuer_problems_are_the_root_of_everything_under_them() {
    let (r, _) = diagnose(&fixture_objects("issuer-not-ready.yaml"), &[]);
    assert_eq!(root(&r, "docs-tls"), "ACME_ACCOUNT_REGISTRATION_FAILED");
    let f = finding(&r, "docs-tls", "ACME_ACCOUNT_REGISTRATION_FAILED");
    assert!(
        f["message"].as_str().unwrap().contains("(invalidContact)"),
        "{f}"
    );
    let mut objs = fixture_objects("issuer-not-ready.yaml");
    edit(&mut objs, "ClusterIssuer", "letsencrypt-prod", |i| {
        i["spec"]["acme"]["solvers"] = json!([{"dns01": {"cloudflare": {"apiTokenSecretRef": {"name": "cloudflare-token", "key": "api-token"}}}}]);
        i["status"]["conditions"][0]["reason"] = json!("InvalidSolver");
        i["status"]["conditions"][0]["message"] = json!(
            "failed to get secret \"cloudflare-token\": secrets \"cloudflare-token\" not found"
        );
    });
    let (r, _) = diagnose(&objs, &[]);
    assert_eq!(root(&r, "docs-tls"), "ISSUER_NOT_READY");
    let ns = finding(&r, "docs-tls", "ISSUER_SECRET_NAMESPACE");
    assert_eq!(ns["severity"], "warning");
    assert!(
        ns["message"]
            .as_str()
            .unwrap()
            .contains("(cloudflare-token)"),
        "{ns}"
    );
}

#[test]
fn an_external_issuer_is_information_not_an_error() {
    let (r, code) = diagnose(&fixture_objects("external-issuer.yaml"), &[]);
    assert_eq!(code, 0);
    assert_eq!(
        finding(&r, "orders-api-tls", "EXTERNAL_ISSUER")["severity"],
        "info"
    );
}

#[test]
fn solver_selection_is_recomputed_when_no_challenge_was_created() {
    let mut objs = fixture_objects("stuck-http01.yaml");
    objs.retain(|o| o["kind"] != "Challenge");
    edit(&mut objs, "ClusterIssuer", "letsencrypt-prod", |i| {
        i["spec"]["acme"]["solvers"] = json!([{"http01": {"ingress": {"ingressClassName": "nginx"}}, "selector": {"dnsZones": ["example.org"]}}]);
    });
    let (r, _) = diagnose(&objs, &[]);
    assert_eq!(root(&r, "app-tls"), "NO_MATCHING_SOLVER");
    let ev = finding(&r, "app-tls", "NO_MATCHING_SOLVER")["evidence"].to_string();
    assert!(
        ev.contains("dnsZones [example.org] do not contain app.example.com"),
        "{ev}"
    );
}

#[test]
fn a_wildcard_with_an_http01_only_issuer_needs_dns01() {
    let mut objs = fixture_objects("stuck-http01.yaml");
    edit(&mut objs, "Certificate", "app-tls", |c| {
        c["spec"]["dnsNames"] = json!(["app.example.com", "*.app.example.com"]);
    });
    let (r, _) = diagnose(&objs, &[]);
    assert_eq!(root(&r, "app-tls"), "WILDCARD_NEEDS_DNS01");
}

#[test]
fn certificate_level_checks_report_expiry_renewal_and_shared_secrets() {
    let (r, _) = diagnose(&fixture_objects("expired.yaml"), &[]);
    assert!(codes(&r, "legacy-tls").contains(&"CERT_EXPIRED".to_string()));
    let (r, _) = diagnose(&fixture_objects("many-namespaces.yaml"), &[]);
    assert!(codes(&r, "search-tls").contains(&"CERT_EXPIRING_SOON".to_string()));

    let mut objs = fixture_objects("healthy.yaml");
    edit(&mut objs, "Certificate", "web-tls", |c| {
        c["status"]["renewalTime"] = json!("2026-11-20T10:00:00Z")
    });
    let (r, code) = diagnose(&objs, &[]);
    assert_eq!(codes(&r, "web-tls"), ["RENEWAL_OVERDUE"]);
    // Three days past its renewal time with nothing running: nothing will renew it.
    assert_eq!(code, 1, "an overdue renewal is an error");

    let mut objs = fixture_objects("healthy.yaml");
    let mut twin = objs
        .iter()
        .find(|o| o["kind"] == "Certificate")
        .unwrap()
        .clone();
    twin["metadata"]["name"] = json!("web-tls-copy");
    twin["metadata"]["uid"] = json!("twin-uid");
    twin["metadata"]["creationTimestamp"] = json!("2026-11-20T00:00:00Z");
    objs.push(twin);
    let (r, _) = diagnose(&objs, &[]);
    // cert-manager v1.14+ issues only the owner (the Secret's certificate-name annotation
    // names web-tls); the copy is never issued.
    assert_eq!(root(&r, "web-tls-copy"), "SECRET_SHARED");
    assert_eq!(
        finding(&r, "web-tls", "SECRET_SHARED")["severity"],
        "warning"
    );
}

#[test]
fn the_secret_is_checked_like_inspect_does() {
    use crate::support::pki::{self, LeafOptions};
    let root_ca = pki::root("Test Root");
    let leaf = pki::leaf(
        &root_ca,
        LeafOptions {
            names: vec!["web.example.com".into(), "www.example.com".into()],
            ..LeafOptions::default()
        },
    );
    let other = pki::leaf(&root_ca, LeafOptions::default());
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    let mut secret = cluster
        .server
        .get("v1", "Secret", Some("production"), "web-tls")
        .unwrap();
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    secret["data"] = json!({"tls.crt": b64(&leaf.cert_pem), "tls.key": b64(&other.key_pem)});
    secret["metadata"]["annotations"]
        .as_object_mut()
        .unwrap()
        .remove("certdoctor.io/removed-keys");
    cluster.server.insert(secret);
    let out = cluster
        .certdoctor()
        .args(["diagnose", "web-tls", "--offline", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let r = json_of(&out);
    assert_eq!(root(&r, "web-tls"), "KEY_MISMATCH");
    assert!(!stdout(&out).contains("PRIVATE KEY"));
    // Still Ready with a mismatched key: cert-manager would have re-issued, so its
    // controller is not processing this Certificate.
    let remedy = finding(&r, "web-tls", "KEY_MISMATCH")["remedy"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(remedy.contains("not processing it"), "{remedy}");
    // Once cert-manager has noticed (Issuing=True InvalidKeyPair), nothing to trigger.
    let mut cert = cluster
        .server
        .get(
            "cert-manager.io/v1",
            "Certificate",
            Some("production"),
            "web-tls",
        )
        .unwrap();
    cert["status"]["conditions"]
        .as_array_mut()
        .unwrap()
        .push(json!({"type": "Issuing", "status": "True", "reason": "InvalidKeyPair",
                     "message": "Issuing certificate as Secret contains a private key that does not match the certificate",
                     "lastTransitionTime": "2026-11-23T11:59:00Z"}));
    cluster.server.insert(cert);
    let out = cluster
        .certdoctor()
        .args(["diagnose", "web-tls", "--offline", "-o", "json"])
        .output()
        .unwrap();
    let r = json_of(&out);
    let remedy = finding(&r, "web-tls", "KEY_MISMATCH")["remedy"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(remedy.contains("is re-issuing"), "{remedy}");
    assert!(!remedy.contains("certdoctor renew"), "{remedy}");
}
