//! Unit tests of the `check api` verdicts.

use super::*;
use serde_json::json;

fn fail(code: u16, message: &str) -> Failure {
    Failure {
        code: Some(code),
        message: message.into(),
    }
}

#[test]
fn crds_missing_are_named() {
    let all = |r: &[&str]| Ok(r.iter().map(|s| s.to_string()).collect());
    let ok = crds(&[
        all(&[
            "certificates",
            "certificaterequests",
            "issuers",
            "clusterissuers",
        ]),
        all(&["orders", "challenges"]),
    ]);
    assert_eq!(ok.outcome, Outcome::Pass);
    let c = crds(&[Err(fail(404, "not found")), all(&["orders"])]);
    assert_eq!(c.reason, Some(Reason::CrdsMissing));
    assert!(
        c.detail.contains("certificates.cert-manager.io"),
        "{}",
        c.detail
    );
    assert!(
        c.detail.contains("challenges.acme.cert-manager.io"),
        "{}",
        c.detail
    );
    assert!(!c.detail.contains("orders"), "{}", c.detail);
}

#[test]
fn webhook_needs_a_ca_bundle() {
    let cfg = |ca: &str| {
        json!({"metadata": {"name": "cm-webhook"},
               "webhooks": [{"name": WEBHOOK_NAME, "clientConfig": {"caBundle": ca}}]})
    };
    assert_eq!(webhook(&Ok(vec![cfg("Y2E=")])).outcome, Outcome::Pass);
    assert_eq!(
        webhook(&Ok(vec![cfg("")])).reason,
        Some(Reason::CaNotInjected)
    );
    assert_eq!(
        webhook(&Ok(vec![])).reason,
        Some(Reason::WebhookNotRegistered)
    );
    assert_eq!(
        webhook(&Err(fail(403, "forbidden"))).outcome,
        Outcome::Skipped
    );
}

#[test]
fn dry_run_errors_say_which_part_is_broken() {
    let webhook = |tail: &str| {
        fail(
            500,
            &format!(
                "Internal error occurred: failed calling webhook \"webhook.cert-manager.io\": failed to call webhook: Post \"https://cert-manager-webhook.cert-manager.svc:443/validate?timeout=30s\": {tail}"
            ),
        )
    };
    let reason = |f: Failure| dry_run(&Err(f), "default").reason.unwrap();
    assert_eq!(
        reason(webhook(
            "dial tcp 10.96.0.10:443: connect: connection refused"
        )),
        Reason::WebhookUnreachable
    );
    assert_eq!(
        reason(webhook(
            "tls: failed to verify certificate: x509: certificate signed by unknown authority"
        )),
        Reason::CaNotInjected
    );
    assert_eq!(
        reason(fail(
            404,
            "the server could not find the requested resource"
        )),
        Reason::CrdsMissing
    );
    assert_eq!(
        reason(fail(
            403,
            "certificates.cert-manager.io is forbidden: User \"x\" cannot create"
        )),
        Reason::NotAllowed
    );
    assert_eq!(
        reason(Failure {
            code: None,
            message: "connection refused".into()
        }),
        Reason::ApiUnreachable
    );
    assert_eq!(dry_run(&Ok(()), "default").outcome, Outcome::Pass);
}
