//! Renewal as cert-manager 1.21 decides it: a renewal waiting for the CA's ARI window is not
//! overdue, and a Certificate issued again and again is a loop that burns rate limits.

use serde_json::{Value, json};

use crate::support::fixture_objects;
use crate::support::objects::edit;
use crate::support::report::{codes, diagnose, finding, root};

fn event(cert: &Value, reason: &str, at: &str, count: i64) -> Value {
    json!({"apiVersion": "v1", "kind": "Event",
           "metadata": {"name": format!("web-tls.{reason}.{at}"), "namespace": "production",
                        "creationTimestamp": at},
           "involvedObject": {"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
                              "name": "web-tls", "namespace": "production",
                              "uid": cert["metadata"]["uid"]},
           "reason": reason, "type": "Normal", "count": count,
           "message": "Issuing certificate as Secret was previously issued by \"ClusterIssuer.cert-manager.io/other\"",
           "firstTimestamp": at, "lastTimestamp": at})
}

#[test]
fn a_certificate_issued_again_and_again_is_an_issuance_loop() {
    let mut objs = fixture_objects("healthy.yaml");
    let cert = objs
        .iter()
        .find(|o| o["kind"] == "Certificate")
        .unwrap()
        .clone();
    let (r, _) = diagnose(&objs, &[]);
    assert!(!codes(&r, "web-tls").contains(&"ISSUANCE_LOOP".to_string()));
    objs.push(event(&cert, "Issuing", "2026-11-23T11:40:00Z", 2));
    objs.push(event(&cert, "Requested", "2026-11-23T11:50:00Z", 2));
    // Older than an hour: not counted.
    objs.push(event(&cert, "Issuing", "2026-11-23T09:00:00Z", 9));
    let (r, code) = diagnose(&objs, &[]);
    assert_eq!(code, 1);
    assert_eq!(root(&r, "web-tls"), "ISSUANCE_LOOP");
    let f = finding(&r, "web-tls", "ISSUANCE_LOOP");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("issued 4 times in the last hour"),
        "{f}"
    );
    assert!(f["remedy"].as_str().unwrap().contains("rate limits"));
}

#[test]
fn a_renewal_waiting_for_the_cas_ari_window_is_not_overdue() {
    let mut objs = fixture_objects("healthy.yaml");
    edit(&mut objs, "Certificate", "web-tls", |c| {
        c["status"]["renewalTime"] = json!("2026-11-23T10:00:00Z");
    });
    let (r, _) = diagnose(&objs, &[]);
    assert!(codes(&r, "web-tls").contains(&"RENEWAL_OVERDUE".to_string()));
    edit(&mut objs, "Certificate", "web-tls", |c| {
        c["status"]["acme"] = json!({"ari": {"suggestedWindow": {
            "start": "2026-11-25T00:00:00Z", "end": "2026-11-26T00:00:00Z"}}});
    });
    let (r, _) = diagnose(&objs, &[]);
    assert!(
        !codes(&r, "web-tls").contains(&"RENEWAL_OVERDUE".to_string()),
        "{:?}",
        codes(&r, "web-tls")
    );
    let line = crate::support::report::certificate(&r, "web-tls")["renewal"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(line.contains("ACME Renewal Information"), "{line}");
}
