//! `diagnose` tells the truth about issuers, requests and the Certificate's own state
//! (issue 12): each test builds the state cert-manager really leaves behind and asserts the
//! root cause a user sees, in JSON and in text.

use serde_json::{Value, json};

use crate::support::objects::{self, Edit, condition, edit};
use crate::support::report::{certificate as cert, codes, diagnose, finding, root};
use crate::support::{certdoctor, fixture_objects, stdout};

/// The text report of `diagnose -A --offline` on these objects.
fn text(objects: &[Value]) -> String {
    let out = certdoctor()
        .args(["diagnose", "-A", "--offline", "--from-file", "-"])
        .write_stdin(objects::list(objects).to_string())
        .output()
        .unwrap();
    stdout(&out)
}

/// Whether the text report's block of `who` leads with this root cause: `✗ who  HEAD  [CODE]`,
/// where HEAD is the message up to its first `": "` when the message is long.
fn leads_with(t: &str, who: &str, code: &str, message: &str) -> bool {
    let head = match message.split_once(": ") {
        Some((h, _)) if message.chars().count() > 60 && h.len() >= 16 => h,
        _ => message,
    };
    t.lines().any(|l| l == format!("✗ {who}  {head}  [{code}]"))
}

fn account_error(message: &str) -> Vec<Value> {
    let mut objs = fixture_objects("issuer-not-ready.yaml");
    let message = message.to_string();
    edit(&mut objs, "ClusterIssuer", "letsencrypt-prod", move |i| {
        i["status"]["conditions"][0]["message"] = json!(message.clone());
    });
    objs
}

#[test]
fn an_unreachable_acme_server_is_not_an_account_problem_and_is_retried() {
    let objs = account_error(
        "Failed to register ACME account: Get \"https://acme-v02.api.letsencrypt.org/directory\": dial tcp 172.65.32.248:443: i/o timeout",
    );
    let (r, code) = diagnose(&objs, &[]);
    assert_eq!(code, 1);
    assert_eq!(root(&r, "docs-tls"), "ACME_SERVER_UNREACHABLE");
    assert!(!codes(&r, "docs-tls").contains(&"ACME_ACCOUNT_REGISTRATION_FAILED".to_string()));
    let f = finding(&r, "docs-tls", "ACME_SERVER_UNREACHABLE");
    let remedy = f["remedy"].as_str().unwrap();
    for want in [
        "retries",
        "NetworkPolicy",
        "HTTPS_PROXY",
        "spec.acme.caBundle",
    ] {
        assert!(remedy.contains(want), "{want}: {remedy}");
    }
    assert!(!remedy.contains("not retried"), "{remedy}");
    let t = text(&objs);
    assert!(
        t.lines().any(|l| l.ends_with("[ACME_SERVER_UNREACHABLE]")
            && l.contains("the cert-manager controller cannot reach the ACME server https://acme-v02.api.letsencrypt.org/directory (i/o timeout)")),
        "{t}"
    );

    // A private CA the controller does not trust: the x509 error, the caBundle fix.
    let (r, _) = diagnose(
        &account_error(
            "Failed to register ACME account: Get \"https://acme.internal.example.com/directory\": tls: failed to verify certificate: x509: certificate signed by unknown authority",
        ),
        &[],
    );
    assert_eq!(root(&r, "docs-tls"), "ACME_SERVER_UNREACHABLE");
    // An answer from the ACME server stays an account problem, and says 4xx is not retried.
    let (r, _) = diagnose(
        &account_error(
            "Failed to register ACME account: 403 urn:ietf:params:acme:error:unauthorized: account is deactivated",
        ),
        &[],
    );
    assert_eq!(root(&r, "docs-tls"), "ACME_ACCOUNT_REGISTRATION_FAILED");
    let remedy = finding(&r, "docs-tls", "ACME_ACCOUNT_REGISTRATION_FAILED")["remedy"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        remedy.contains("does not retry a 4xx") && remedy.contains("other errors are retried"),
        "{remedy}"
    );
}

#[test]
fn a_rate_limited_registration_says_wait_and_not_to_register_again() {
    let objs = account_error(
        "Failed to register ACME account: 429 urn:ietf:params:acme:error:rateLimited: too many new registrations (10) from this IP address in the last 3h0m0s, retry after 2026-11-23 14:12:00 UTC: see https://letsencrypt.org/docs/rate-limits/#new-registrations-per-ip-address",
    );
    let (r, _) = diagnose(&objs, &[]);
    assert_eq!(root(&r, "docs-tls"), "ACME_ACCOUNT_REGISTRATION_FAILED");
    let f = finding(&r, "docs-tls", "ACME_ACCOUNT_REGISTRATION_FAILED");
    let remedy = f["remedy"].as_str().unwrap();
    assert!(
        remedy.contains("Do not delete the account key Secret"),
        "{remedy}"
    );
    assert!(!remedy.contains("Check spec.acme.server"), "{remedy}");
    assert!(
        f["evidence"]
            .as_array()
            .unwrap()
            .contains(&json!("retry after 2026-11-23 14:12:00 UTC")),
        "{f}"
    );
}

#[test]
fn a_missing_external_account_binding_secret_is_named_with_where_it_is_read() {
    // A ZeroSSL-style ClusterIssuer: EAB key Secret and a DNS-01 solver's token Secret; the
    // EAB one is missing (cert-manager reads it before registering and does not retry).
    let mut objs =
        account_error("Failed to register ACME account: secrets \"zerossl-eab\" not found");
    edit(&mut objs, "ClusterIssuer", "letsencrypt-prod", |i| {
        i["spec"]["acme"]["server"] = json!("https://acme.zerossl.com/v2/DV90");
        i["spec"]["acme"]["externalAccountBinding"] =
            json!({"keyID": "kid-1", "keySecretRef": {"name": "zerossl-eab", "key": "secret"}});
        i["spec"]["acme"]["solvers"] = json!([{"dns01": {"cloudflare": {
            "apiTokenSecretRef": {"name": "cloudflare-api-token", "key": "api-token"}}}}]);
    });
    let (r, _) = diagnose(&objs, &[]);
    assert_eq!(root(&r, "docs-tls"), "ACME_ACCOUNT_REGISTRATION_FAILED");
    let remedy = finding(&r, "docs-tls", "ACME_ACCOUNT_REGISTRATION_FAILED")["remedy"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        remedy.starts_with("The External Account Binding key Secret zerossl-eab does not exist"),
        "{remedy}"
    );
    assert!(remedy.contains("cluster resource namespace"), "{remedy}");
    // The namespace hint names the Secret the message names, not the solver's.
    let f = finding(&r, "docs-tls", "ISSUER_SECRET_NAMESPACE");
    let message = f["message"].as_str().unwrap();
    assert!(message.contains("(zerossl-eab)"), "{message}");
    assert!(!message.contains("cloudflare-api-token"), "{message}");
    assert!(
        f["reproduce"][0]
            .as_str()
            .unwrap()
            .starts_with("kubectl get secret zerossl-eab ")
    );
}

/// A Certificate issued once (Ready, revision 2) whose renewal (revision 3) was signed by the
/// issuer but refused by cert-manager's issuing controller.
fn invalid_certificate(message: &str) -> Vec<Value> {
    let c = objects::certificate("shop", "shop-tls").with("/status", objects::ready_status());
    let mut c = c;
    let conds = c["status"]["conditions"].as_array_mut().unwrap();
    conds.push(condition("Issuing", "False", "InvalidCertificate", message));
    c["status"]["lastFailureTime"] = json!("2026-11-23T11:00:00Z");
    c["status"]["failedIssuanceAttempts"] = json!(1);
    let cr = objects::certificate_request(
        &c,
        3,
        json!([
            condition(
                "Approved",
                "True",
                "cert-manager.io",
                "Certificate request has been approved by cert-manager.io"
            ),
            condition(
                "Ready",
                "True",
                "Issued",
                "Certificate fetched from issuer successfully"
            )
        ]),
    );
    vec![c, cr, objects::cluster_issuer(objects::ISSUER)]
}

#[test]
fn an_issuer_returning_an_expired_certificate_is_the_root_cause_while_the_old_one_is_valid() {
    let objs = invalid_certificate(
        "Issuer returned an already expired certificate (notAfter: 2026-11-01T00:00:00Z). This usually indicates an expired CA certificate in the issuer.",
    );
    let (r, code) = diagnose(&objs, &[]);
    assert_eq!(code, 1, "every renewal fails: not healthy");
    assert_eq!(cert(&r, "shop-tls")["healthy"], false);
    assert_eq!(root(&r, "shop-tls"), "ISSUER_RETURNED_INVALID_CERT");
    let f = finding(&r, "shop-tls", "ISSUER_RETURNED_INVALID_CERT");
    assert_eq!(f["severity"], "error");
    assert!(
        f["remedy"]
            .as_str()
            .unwrap()
            .contains("expired CA certificate"),
        "{f}"
    );
    assert!(
        f["evidence"]
            .to_string()
            .contains("shop-tls-3: Ready=True Issued"),
        "{f}"
    );
    let t = text(&objs);
    assert!(
        leads_with(
            &t,
            "shop/shop-tls",
            "ISSUER_RETURNED_INVALID_CERT",
            "cert-manager rejected the certificate ClusterIssuer letsencrypt-prod returned: Issuer returned an already expired certificate"
        ) && t.contains("Issuer returned an already expired"),
        "{t}"
    );

    let (r, _) = diagnose(
        &invalid_certificate(
            "Issuer returned a certificate with a public key that does not match the CSR. This usually indicates a misconfigured issuer.",
        ),
        &[],
    );
    assert!(
        finding(&r, "shop-tls", "ISSUER_RETURNED_INVALID_CERT")["remedy"]
            .as_str()
            .unwrap()
            .contains("misconfigured")
    );
}

/// Two Certificates naming one Secret; `older` was created first.
fn shared(annotation: Option<&str>) -> Vec<Value> {
    let a = objects::certificate("web", "a-tls")
        .with("/spec/secretName", json!("web-tls"))
        .with("/metadata/creationTimestamp", json!("2026-10-01T00:00:00Z"))
        .with("/status", objects::ready_status());
    let mut b = objects::certificate("web", "b-tls")
        .with("/spec/secretName", json!("web-tls"))
        .with("/metadata/creationTimestamp", json!("2026-11-01T00:00:00Z"))
        .with("/status/conditions", json!([condition("Ready", "False", "IncorrectCertificate",
            "Secret was issued for \"a-tls\". If this message is not transient, you might have two conflicting Certificates pointing to the same secret.")]));
    b["status"]["revision"] = json!(1);
    let mut secret = objects::tls_secret("web", "web-tls", &[("tls.crt", b""), ("tls.key", b"")]);
    if let Some(n) = annotation {
        secret = secret.with(
            "/metadata/annotations",
            json!({"cert-manager.io/certificate-name": n}),
        );
    }
    vec![a, b, secret, objects::cluster_issuer(objects::ISSUER)]
}

#[test]
fn a_shared_secret_names_its_owner_and_the_certificate_that_is_never_issued() {
    let objs = shared(None);
    let (r, _) = diagnose(&objs, &[]);
    assert_eq!(root(&r, "b-tls"), "SECRET_SHARED");
    let f = finding(&r, "b-tls", "SECRET_SHARED");
    assert_eq!(
        f["message"],
        "this Certificate is never issued: Secret web-tls belongs to Certificate a-tls"
    );
    assert!(f["remedy"].as_str().unwrap().contains("oldest"), "{f}");
    // The owner is issued normally: a warning, not the root cause.
    let owner = finding(&r, "a-tls", "SECRET_SHARED");
    assert_eq!(owner["severity"], "warning");
    assert!(
        owner["message"]
            .as_str()
            .unwrap()
            .contains("never issues that one"),
        "{owner}"
    );
    let t = text(&objs);
    assert!(
        leads_with(
            &t,
            "web/b-tls",
            "SECRET_SHARED",
            "this Certificate is never issued: Secret web-tls belongs to Certificate a-tls"
        ),
        "{t}"
    );

    // The Secret's annotation decides over age.
    let (r, _) = diagnose(&shared(Some("b-tls")), &[]);
    assert_eq!(
        finding(&r, "a-tls", "SECRET_SHARED")["message"],
        "this Certificate is never issued: Secret web-tls belongs to Certificate b-tls"
    );
    assert_eq!(finding(&r, "b-tls", "SECRET_SHARED")["severity"], "warning");
}

#[test]
fn a_wrong_key_name_is_not_a_secret_in_the_wrong_namespace() {
    let mut objs = fixture_objects("issuer-not-ready.yaml");
    edit(&mut objs, "ClusterIssuer", "letsencrypt-prod", |i| {
        i["spec"]["acme"]["solvers"] = json!([{"dns01": {"cloudflare": {"apiTokenSecretRef": {"name": "cloudflare-token", "key": "token"}}}}]);
        i["status"]["conditions"][0]["reason"] = json!("InvalidSolver");
        i["status"]["conditions"][0]["message"] =
            json!("specified key \"token\" not found in secret cert-manager/cloudflare-token");
    });
    let (r, _) = diagnose(&objs, &[]);
    let c = codes(&r, "docs-tls");
    assert!(!c.contains(&"ISSUER_SECRET_NAMESPACE".to_string()), "{c:?}");
    let f = finding(&r, "docs-tls", "ISSUER_SECRET_KEY_MISSING");
    assert!(f["remedy"].as_str().unwrap().contains("key"), "{f}");
    assert_eq!(root(&r, "docs-tls"), "ISSUER_NOT_READY");
    assert!(text(&objs).contains("! ISSUER_SECRET_KEY_MISSING"));
}

/// A Certificate for an external issuer whose request nobody approved, created `created`.
fn external_unapproved(created: &str) -> Vec<Value> {
    let pca =
        json!({"name": "pca", "kind": "AWSPCAClusterIssuer", "group": "awspca.cert-manager.io"});
    let c = objects::certificate("orders", "api-tls")
        .with("/spec/issuerRef", pca.clone())
        .with(
            "/status/conditions",
            json!([
                condition(
                    "Ready",
                    "False",
                    "DoesNotExist",
                    "Issuing certificate as Secret does not exist"
                ),
                condition(
                    "Issuing",
                    "True",
                    "DoesNotExist",
                    "Issuing certificate as Secret does not exist"
                )
            ]),
        );
    let cr = objects::certificate_request(&c, 1, json!([]))
        .with("/spec/issuerRef", pca)
        .with("/metadata/creationTimestamp", json!(created));
    vec![c, cr]
}

#[test]
fn an_unapproved_external_request_points_at_approve_signer_names() {
    let objs = external_unapproved("2026-11-23T11:30:00Z");
    let (r, _) = diagnose(&objs, &[]);
    assert_eq!(root(&r, "api-tls"), "REQUEST_NOT_APPROVED");
    let f = finding(&r, "api-tls", "REQUEST_NOT_APPROVED");
    let remedy = f["remedy"].as_str().unwrap();
    assert!(remedy.contains("approveSignerNames"), "{remedy}");
    assert!(
        remedy.contains("`awspcaclusterissuers.awspca.cert-manager.io/*`"),
        "{remedy}"
    );
    assert!(
        remedy.contains("webhook"),
        "30 minutes unapproved: {remedy}"
    );
    assert!(text(&objs).contains("awspcaclusterissuers.awspca.cert-manager.io/*"));

    // Seconds old: the approver has not acted yet; not an error.
    let (r, code) = diagnose(&external_unapproved("2026-11-23T11:59:50Z"), &[]);
    assert_eq!(
        finding(&r, "api-tls", "REQUEST_NOT_APPROVED")["severity"],
        "warning"
    );
    assert_eq!(root(&r, "api-tls"), "CERT_NOT_READY");
    assert_eq!(code, 1);
}

fn issuing_revision_2() -> Value {
    let mut c = objects::certificate("shop", "shop-tls").with("/status", objects::ready_status());
    c["status"]["revision"] = json!(1);
    c["status"]["conditions"]
        .as_array_mut()
        .unwrap()
        .push(condition(
            "Issuing",
            "True",
            "Renewing",
            "Renewing certificate as renewal was scheduled at 2026-11-23 10:00:00 +0000 UTC",
        ));
    c
}

#[test]
fn a_request_cert_manager_does_not_own_blocks_the_next_revision() {
    let c = issuing_revision_2();
    // Restored from a backup: owned by the Certificate's old uid.
    let orphan = objects::certificate_request(&c, 2, json!([])).with(
        "/metadata/ownerReferences/0/uid",
        json!("uid-before-restore"),
    );
    let mut orphan = orphan;
    orphan["metadata"]["ownerReferences"] = json!([{"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "name": "shop-tls", "uid": "uid-before-restore", "controller": true}]);
    let event = json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "shop-tls.1", "namespace": "shop", "uid": "ev-1"},
        "involvedObject": {"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "name": "shop-tls", "namespace": "shop", "uid": "certificate-shop-tls"},
        "reason": "RequestFailed", "type": "Warning", "count": 12,
        "lastTimestamp": "2026-11-23T11:55:00Z",
        "message": "Failed to create CertificateRequest: certificaterequests.cert-manager.io \"shop-tls-2\" already exists"});
    let objs = vec![c, orphan, event, objects::cluster_issuer(objects::ISSUER)];
    let (r, _) = diagnose(&objs, &[]);
    assert_eq!(root(&r, "shop-tls"), "REQUEST_ORPHANED");
    let f = finding(&r, "shop-tls", "REQUEST_ORPHANED");
    assert!(
        f["remedy"]
            .as_str()
            .unwrap()
            .contains("kubectl delete certificaterequest shop-tls-2 -n shop"),
        "{f}"
    );
    let ev = f["evidence"].to_string();
    assert!(
        ev.contains("uid-before-restore") && ev.contains("already exists"),
        "{ev}"
    );
    let t = text(&objs);
    assert!(
        t.lines().any(|l| l.starts_with(
            "✗ shop/shop-tls  CertificateRequest shop-tls-2 has the name of revision 2"
        ) && l.ends_with("[REQUEST_ORPHANED]")),
        "{t}"
    );
}

#[test]
fn duplicate_requests_for_the_next_revision_stop_issuance() {
    let c = issuing_revision_2();
    let a = objects::certificate_request(&c, 2, json!([]));
    let b = objects::certificate_request(&c, 2, json!([]))
        .with("/metadata/name", json!("shop-tls-2-restored"))
        .with("/metadata/uid", json!("cr-dup"));
    let objs = vec![c, a, b, objects::cluster_issuer(objects::ISSUER)];
    let (r, _) = diagnose(&objs, &[]);
    assert_eq!(root(&r, "shop-tls"), "REQUEST_DUPLICATE");
    let f = finding(&r, "shop-tls", "REQUEST_DUPLICATE");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("shop-tls-2, shop-tls-2-restored"),
        "{f}"
    );
    let t = text(&objs);
    assert!(
        t.lines().any(
            |l| l.contains("2 CertificateRequests of this Certificate have revision 2")
                && l.ends_with("[REQUEST_DUPLICATE]")
        ),
        "{t}"
    );
}

#[test]
fn an_order_owned_by_another_request_is_named() {
    let c = issuing_revision_2();
    let cr = objects::certificate_request(
        &c,
        2,
        json!([condition(
            "Approved",
            "True",
            "cert-manager.io",
            "Certificate request has been approved by cert-manager.io"
        )]),
    );
    let stale = objects::order(&cr, "valid").with(
        "/metadata/ownerReferences",
        json!([{"apiVersion": "cert-manager.io/v1", "kind": "CertificateRequest", "name": "shop-tls-2", "uid": "an-earlier-request", "controller": true}]),
    );
    let objs = vec![c, cr, stale, objects::cluster_issuer(objects::ISSUER)];
    let (r, _) = diagnose(&objs, &[]);
    assert_eq!(root(&r, "shop-tls"), "ORDER_FOREIGN_OWNER");
    let f = finding(&r, "shop-tls", "ORDER_FOREIGN_OWNER");
    assert!(
        f["remedy"]
            .as_str()
            .unwrap()
            .contains("kubectl delete order shop-tls-2-2385927541 -n shop"),
        "{f}"
    );
    let t = text(&objs);
    assert!(
        t.lines().any(|l| l
            .starts_with("✗ shop/shop-tls  Order shop-tls-2-2385927541 has this request's name")
            && l.ends_with("[ORDER_FOREIGN_OWNER]")),
        "{t}"
    );
}

#[test]
fn a_ready_condition_older_than_the_spec_is_stale() {
    // The spec was edited (generation 2); the Ready condition is still generation 1's.
    let mut objs = fixture_objects("healthy.yaml");
    edit(&mut objs, "Certificate", "web-tls", |c| {
        c["metadata"]["generation"] = json!(2);
    });
    let (r, code) = diagnose(&objs, &[]);
    assert_eq!(code, 0, "a warning: the state may be fine");
    let f = finding(&r, "web-tls", "CONDITION_STALE");
    assert_eq!(f["severity"], "warning");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("generation 1, but the spec is at generation 2"),
        "{f}"
    );
    assert!(
        f["reproduce"][0]
            .as_str()
            .unwrap()
            .contains("managedFields"),
        "{f}"
    );
    let t = text(&objs);
    assert!(
        t.contains("✓ production/web-tls  healthy, 1 warning  [CONDITION_STALE]"),
        "{t}"
    );
}

#[test]
fn an_issuer_problem_on_a_ready_certificate_is_a_next_renewal_risk() {
    let mut objs = fixture_objects("healthy.yaml");
    edit(&mut objs, "ClusterIssuer", "letsencrypt-prod", |i| {
        i["status"]["conditions"] = json!([condition(
            "Ready",
            "False",
            "ErrRegisterACMEAccount",
            "Failed to register ACME account: Get \"https://acme-v02.api.letsencrypt.org/directory\": dial tcp: lookup acme-v02.api.letsencrypt.org on 10.96.0.10:53: no such host"
        )]);
    });
    let (r, code) = diagnose(&objs, &[]);
    assert_eq!(code, 0, "renewal is weeks away");
    let f = finding(&r, "web-tls", "ACME_SERVER_UNREACHABLE");
    assert_eq!(f["severity"], "warning");
    assert!(
        f["remedy"]
            .as_str()
            .unwrap()
            .starts_with("The Certificate is Ready and nothing is issuing"),
        "{f}"
    );

    // Renewal due: the issuer problem is why it does not happen.
    edit(&mut objs, "Certificate", "web-tls", |c| {
        c["status"]["renewalTime"] = json!("2026-11-20T10:00:00Z");
    });
    let (r, _) = diagnose(&objs, &[]);
    assert_eq!(root(&r, "web-tls"), "ACME_SERVER_UNREACHABLE");
}
