//! The pure core through the library's public API, as tables: one row per shape a
//! Certificate's chain can have, and where `stage_of` says issuance stands (the STAGE
//! column of `status`, its verdict line, and what `renew --wait` reports).

use certdoctor::model::snapshot::Scope;
use certdoctor::model::stage::{Phase, stage_of};
use certdoctor::model::{ChainIndex, RawSnapshot, Snapshot};
use serde_json::{Value, json};

use crate::support::objects::{
    self, Edit, ISSUER, certificate_request, challenge, cluster_issuer, condition, order,
};
use crate::support::{NOW, fixture_objects};

/// A Certificate `production/web` whose last issuance (revision 2) is followed by a running
/// one: Ready=False and Issuing=True.
fn issuing_certificate() -> Value {
    objects::certificate("production", "web").with(
        "/status",
        json!({"conditions": [condition("Ready", "False", "DoesNotExist", "Issuing certificate as Secret does not exist"),
                              condition("Issuing", "True", "DoesNotExist", "Issuing certificate as Secret does not exist")],
               "revision": 2}),
    )
}

/// The approved request for revision 3 of `cert`, not Ready yet with `ready_reason`.
fn approved_request(cert: &Value, ready_reason: &str, message: &str) -> Value {
    certificate_request(
        cert,
        3,
        json!([
            condition(
                "Approved",
                "True",
                "cert-manager.io",
                "Certificate request has been approved by cert-manager.io"
            ),
            condition("Ready", "False", ready_reason, message)
        ]),
    )
}

/// The chain of `issuing_certificate()` down to a request, order and challenges.
fn shape(
    request: Option<Value>,
    order_state: Option<&str>,
    challenges: &[(&str, &str)],
) -> Vec<Value> {
    let cert = issuing_certificate();
    let mut objs = vec![cluster_issuer(ISSUER), cert.clone()];
    let Some(cr) = request else { return objs };
    objs.push(cr.clone());
    if let Some(state) = order_state {
        let o = order(&cr, state);
        for (ch_state, reason) in challenges {
            objs.push(challenge(&o, "web.example.com", ch_state, reason));
        }
        objs.push(o);
    }
    objs
}

/// Where issuance stands for Certificate `name` among `objects`, at the tests' clock.
fn stage_in(objects: Vec<Value>, name: &str) -> (Phase, String, Option<String>) {
    let raw = RawSnapshot {
        objects,
        unreadable: Vec::new(),
    };
    let snapshot = Snapshot::from_raw(raw, &Scope::default());
    let index = ChainIndex::new(&snapshot);
    let cert = snapshot
        .certificates
        .iter()
        .find(|c| c.metadata.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no Certificate {name}"));
    let stage = stage_of(&index.chain(cert), NOW.parse().unwrap());
    (stage.phase, stage.summary, stage.stuck_at)
}

#[test]
fn stage_of_names_the_deepest_object_issuance_waits_on() {
    let cert = issuing_certificate();
    let pending = approved_request(
        &cert,
        "Pending",
        "Waiting on certificate issuance from order",
    );
    let failed = approved_request(&cert, "Failed", "The CSR was rejected by the CA");
    let unapproved = certificate_request(
        &cert,
        3,
        json!([condition("Ready", "False", "Pending", "")]),
    );
    let invalid = certificate_request(
        &cert,
        3,
        json!([condition(
            "InvalidRequest",
            "True",
            "RequestParsingError",
            "Failed to decode CSR"
        )]),
    );
    let not_ready = objects::certificate("production", "web").with(
        "/status/conditions",
        json!([condition(
            "Ready",
            "False",
            "DoesNotExist",
            "Issuing certificate as Secret does not exist"
        )]),
    );
    let renewal_due = objects::certificate("production", "web").with(
        "/status",
        objects::ready_status().with("/renewalTime", json!("2026-11-20T12:00:00Z")),
    );
    let no_issuer = vec![issuing_certificate()];

    type Row = (
        &'static str,
        Vec<Value>,
        &'static str,
        Phase,
        &'static str,
        Option<&'static str>,
    );
    let table: Vec<Row> = vec![
        (
            "ready",
            fixture_objects("healthy.yaml"),
            "web-tls",
            Phase::Issued,
            "Issued",
            None,
        ),
        (
            "ready, renewal time passed",
            vec![cluster_issuer(ISSUER), renewal_due],
            "web",
            Phase::RenewalDue,
            "Renewal due 3d ago",
            None,
        ),
        (
            "not ready, nothing below",
            vec![cluster_issuer(ISSUER), not_ready],
            "web",
            Phase::NotReady,
            "Not ready: DoesNotExist",
            None,
        ),
        (
            "issuer missing",
            no_issuer,
            "web",
            Phase::Stuck,
            "Issuer missing: ClusterIssuer letsencrypt-prod",
            Some("ClusterIssuer letsencrypt-prod"),
        ),
        (
            "issuer not ready",
            fixture_objects("issuer-not-ready.yaml"),
            "docs-tls",
            Phase::Stuck,
            "Issuer not ready: ClusterIssuer letsencrypt-prod (ErrRegisterACMEAccount)",
            Some("ClusterIssuer letsencrypt-prod"),
        ),
        (
            "issuing, waiting for the request",
            shape(None, None, &[]),
            "web",
            Phase::Issuing,
            "Waiting for CertificateRequest (revision 3)",
            None,
        ),
        (
            "request pending approval",
            shape(Some(unapproved), None, &[]),
            "web",
            Phase::Stuck,
            "Waiting for approval: web-3",
            Some("CertificateRequest web-3"),
        ),
        (
            "request pending approval (fixture)",
            fixture_objects("stuck-not-approved.yaml"),
            "billing-tls",
            Phase::Stuck,
            "Waiting for approval: billing-tls-1",
            Some("CertificateRequest billing-tls-1"),
        ),
        (
            "request invalid",
            shape(Some(invalid), None, &[]),
            "web",
            Phase::Stuck,
            "Request invalid: web-3",
            Some("CertificateRequest web-3"),
        ),
        (
            "request approved, issuer working",
            shape(Some(pending.clone()), None, &[]),
            "web",
            Phase::Issuing,
            "Request pending: web-3",
            Some("CertificateRequest web-3"),
        ),
        (
            "request failed",
            shape(Some(failed), None, &[]),
            "web",
            Phase::Stuck,
            "Request failed: web-3",
            Some("CertificateRequest web-3"),
        ),
        (
            "order pending, no challenge yet",
            shape(Some(pending.clone()), Some("pending"), &[]),
            "web",
            Phase::Issuing,
            "Order pending: web-3-2385927541",
            Some("Order web-3-2385927541"),
        ),
        (
            "order invalid",
            shape(Some(pending.clone()), Some("invalid"), &[]),
            "web",
            Phase::Stuck,
            "Order invalid: web-3-2385927541",
            Some("Order web-3-2385927541"),
        ),
        (
            "challenge pending, self-check not run",
            shape(Some(pending.clone()), Some("pending"), &[("pending", "")]),
            "web",
            Phase::Issuing,
            "Challenge pending: HTTP-01 web.example.com",
            Some("Challenge web.example.com (HTTP-01)"),
        ),
        (
            "challenge failing its self-check",
            fixture_objects("stuck-http01.yaml"),
            "app-tls",
            Phase::Stuck,
            "Challenge pending: HTTP-01 app.example.com",
            Some("Challenge app.example.com (HTTP-01)"),
        ),
        (
            "challenge invalid",
            shape(
                Some(pending),
                Some("pending"),
                &[("invalid", "403 unauthorized")],
            ),
            "web",
            Phase::Stuck,
            "Challenge invalid: HTTP-01 web.example.com",
            Some("Challenge web.example.com (HTTP-01)"),
        ),
        (
            "backoff, retry due",
            fixture_objects("stuck-order-invalid.yaml"),
            "shop-tls",
            Phase::Stuck,
            "Failed 3x, retry due: Challenge invalid: HTTP-01 shop.example.com",
            Some("Challenge shop.example.com (HTTP-01)"),
        ),
        (
            "backoff, retry later",
            fixture_objects("stuck-request-denied.yaml"),
            "partner-tls",
            Phase::Stuck,
            "Failed 1x, retry in 20m: Request denied: partner-tls-1",
            Some("CertificateRequest partner-tls-1"),
        ),
    ];
    let mut wrong = Vec::new();
    for (shape, objects, name, phase, summary, stuck_at) in table {
        let got = stage_in(objects, name);
        let want = (phase, summary.to_owned(), stuck_at.map(str::to_owned));
        if got != want {
            wrong.push(format!("{shape}:\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
