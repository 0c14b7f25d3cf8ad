//! Unit tests of the chain: linking, current request, shared Secrets.

use serde_json::{Value, json};

use super::*;
use crate::model::snapshot::{RawSnapshot, Scope, Unreadable};

fn cert(conditions: Value, revision: Option<i64>) -> Value {
    json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
           "metadata": {"name": "web", "namespace": "a", "uid": "cert-uid",
                        "ownerReferences": [{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                                             "name": "web-ing", "uid": "ing-uid", "controller": true}]},
           "spec": {"secretName": "web-tls", "issuerRef": {"name": "le", "kind": "ClusterIssuer"}},
           "status": {"conditions": conditions, "revision": revision}})
}

fn request(name: &str, rev: i64, owner: Option<&str>, created: &str) -> Value {
    let mut v = json!({"apiVersion": "cert-manager.io/v1", "kind": "CertificateRequest",
           "metadata": {"name": name, "namespace": "a", "uid": format!("{name}-uid"),
                        "creationTimestamp": created,
                        "annotations": {"cert-manager.io/certificate-revision": rev.to_string(),
                                        "cert-manager.io/certificate-name": "web"}},
           "spec": {"issuerRef": {"name": "le"}}});
    if let Some(uid) = owner {
        v["metadata"]["ownerReferences"] = json!([{"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
                                                    "name": "web", "uid": uid, "controller": true}]);
    }
    v
}

fn owned(kind: &str, name: &str, owner_kind: &str, owner_uid: &str, created: &str) -> Value {
    json!({"apiVersion": "acme.cert-manager.io/v1", "kind": kind,
           "metadata": {"name": name, "namespace": "a", "uid": format!("{name}-uid"), "creationTimestamp": created,
                        "ownerReferences": [{"apiVersion": "x", "kind": owner_kind, "name": "o",
                                             "uid": owner_uid, "controller": true}]},
           "spec": {"dnsName": name, "type": "HTTP-01"}})
}

fn snapshot(objects: Vec<Value>) -> Snapshot {
    Snapshot::from_raw(
        RawSnapshot {
            objects,
            unreadable: vec![],
        },
        &Scope::default(),
    )
}

fn current(s: &Snapshot) -> Option<String> {
    let index = ChainIndex::new(s);
    index
        .chain(&s.certificates[0])
        .current_request
        .and_then(|r| r.metadata.name.clone())
}

const T1: &str = "2026-01-01T00:00:00Z";
const T2: &str = "2026-02-01T00:00:00Z";
const T3: &str = "2026-03-01T00:00:00Z";

#[test]
fn healthy_certificate_links_the_request_that_issued_it() {
    let ready = json!([{"type": "Ready", "status": "True"}]);
    let s = snapshot(vec![
        cert(ready, Some(2)),
        request("web-1", 1, Some("cert-uid"), T1),
        request("web-2", 2, Some("cert-uid"), T2),
    ]);
    assert_eq!(current(&s).as_deref(), Some("web-2"));
    let index = ChainIndex::new(&s);
    assert_eq!(index.chain(&s.certificates[0]).requests.len(), 2);
}

#[test]
fn issuing_certificate_links_the_next_revision_or_none_yet() {
    let issuing =
        json!([{"type": "Ready", "status": "True"}, {"type": "Issuing", "status": "True"}]);
    let with_next = snapshot(vec![
        cert(issuing.clone(), Some(2)),
        request("web-2", 2, Some("cert-uid"), T2),
        request("web-3", 3, Some("cert-uid"), T3),
    ]);
    assert_eq!(current(&with_next).as_deref(), Some("web-3"));
    let not_yet = snapshot(vec![
        cert(issuing, Some(2)),
        request("web-2", 2, Some("cert-uid"), T2),
    ]);
    assert_eq!(current(&not_yet), None);
}

#[test]
fn a_failed_next_revision_stays_current_after_issuing_ends() {
    let failed = json!([{"type": "Ready", "status": "False"}, {"type": "Issuing", "status": "False", "reason": "Failed"}]);
    let s = snapshot(vec![
        cert(failed, Some(1)),
        request("web-1", 1, Some("cert-uid"), T1),
        request("web-2", 2, Some("cert-uid"), T2),
    ]);
    assert_eq!(current(&s).as_deref(), Some("web-2"));
}

#[test]
fn requests_of_another_certificate_with_the_same_name_are_not_linked() {
    let s = snapshot(vec![
        cert(json!([]), None),
        request("old-1", 1, Some("deleted-cert-uid"), T1),
        request("orphan-1", 1, None, T2),
    ]);
    // The orphan (no controller) is linked by annotation; the other owner's is not.
    let index = ChainIndex::new(&s);
    let chain = index.chain(&s.certificates[0]);
    let names: Vec<_> = chain
        .requests
        .iter()
        .map(|r| r.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["orphan-1"]);
}

#[test]
fn newest_order_of_the_current_request_and_its_challenges_are_linked() {
    let s = snapshot(vec![
        cert(json!([{"type": "Issuing", "status": "True"}]), None),
        request("web-1", 1, Some("cert-uid"), T1),
        owned("Order", "order-old", "CertificateRequest", "web-1-uid", T1),
        owned("Order", "order-new", "CertificateRequest", "web-1-uid", T2),
        owned("Challenge", "b.example.com", "Order", "order-new-uid", T2),
        owned("Challenge", "a.example.com", "Order", "order-new-uid", T2),
        owned(
            "Challenge",
            "stale.example.com",
            "Order",
            "order-old-uid",
            T1,
        ),
    ]);
    let index = ChainIndex::new(&s);
    let chain = index.chain(&s.certificates[0]);
    assert_eq!(
        chain.order.unwrap().metadata.name.as_deref(),
        Some("order-new")
    );
    let names: Vec<_> = chain
        .challenges
        .iter()
        .map(|c| c.spec.dns_name.clone())
        .collect();
    assert_eq!(names, ["a.example.com", "b.example.com"]);
}

#[test]
fn issuer_secret_and_origin_resolve_or_say_why_not() {
    let mut s = snapshot(vec![cert(json!([]), None)]);
    {
        let index = ChainIndex::new(&s);
        let chain = index.chain(&s.certificates[0]);
        assert!(matches!(chain.issuer, IssuerLink::Missing));
        assert!(matches!(chain.secret, SecretLink::Missing));
        let origin = chain.origin.unwrap();
        assert_eq!(
            (origin.kind.as_str(), origin.name.as_str()),
            ("Ingress", "web-ing")
        );
    }
    s.unreadable.push(Unreadable {
        kind: "Secret".into(),
        resource: "secrets".into(),
        reason: "forbidden".into(),
        check: String::new(),
    });
    s.unreadable.push(Unreadable {
        kind: "ClusterIssuer".into(),
        resource: "clusterissuers.cert-manager.io".into(),
        reason: "forbidden".into(),
        check: String::new(),
    });
    let index = ChainIndex::new(&s);
    let chain = index.chain(&s.certificates[0]);
    assert!(matches!(chain.secret, SecretLink::Unknown));
    assert!(matches!(chain.issuer, IssuerLink::Unknown));
}

#[test]
fn external_issuer_group_is_external_not_missing() {
    let mut c = cert(json!([]), None);
    c["spec"]["issuerRef"] =
        json!({"name": "pca", "kind": "AWSPCAClusterIssuer", "group": "awspca.cert-manager.io"});
    let s = snapshot(vec![c]);
    let index = ChainIndex::new(&s);
    assert!(matches!(
        index.chain(&s.certificates[0]).issuer,
        IssuerLink::External
    ));
}
