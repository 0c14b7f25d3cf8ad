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

/// healthy.yaml with cert-manager's own parts, whose controller runs with `args` added.
fn with_controller_args(args: &[&str]) -> Vec<Value> {
    let mut objs = fixture_objects("healthy.yaml");
    let mut parts = fixture_objects("cert-manager-parts.yaml");
    edit(&mut parts, "Deployment", "cert-manager", |d| {
        if d["metadata"]["labels"]["app.kubernetes.io/component"] != "controller" {
            return;
        }
        let list = d["spec"]["template"]["spec"]["containers"][0]["args"]
            .as_array_mut()
            .unwrap();
        list.extend(args.iter().map(|a| json!(a)));
    });
    objs.extend(parts);
    objs
}

fn overdue(objs: &mut [Value], at: &str) {
    edit(objs, "Certificate", "web-tls", |c| {
        c["status"]["renewalTime"] = json!(at);
    });
}

#[test]
fn a_renewal_an_hour_overdue_with_nothing_running_is_the_root_cause() {
    let mut objs = fixture_objects("healthy.yaml");
    // Half an hour late: the controller may be about to act.
    overdue(&mut objs, "2026-11-23T11:30:00Z");
    let (r, code) = diagnose(&objs, &[]);
    assert_eq!((code, root(&r, "web-tls").as_str()), (0, "none"), "{r}");
    assert_eq!(
        finding(&r, "web-tls", "RENEWAL_OVERDUE")["severity"],
        "warning"
    );
    // Two hours late: nothing will renew it.
    overdue(&mut objs, "2026-11-23T10:00:00Z");
    let (r, code) = diagnose(&objs, &[]);
    assert_eq!(
        (code, root(&r, "web-tls").as_str()),
        (1, "RENEWAL_OVERDUE"),
        "{r}"
    );
    let remedy = finding(&r, "web-tls", "RENEWAL_OVERDUE")["remedy"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(remedy.contains("--namespace"), "{remedy}");
}

#[test]
fn a_controller_limited_to_another_namespace_is_why_renewal_never_starts() {
    // The controller watches `platform` only; the Certificate lives in `production`.
    let mut objs = with_controller_args(&["--namespace=platform"]);
    let (r, code) = diagnose(&objs, &[]);
    // Ready and not due: its next renewal will not happen, a warning (still healthy).
    assert_eq!(code, 0, "{r}");
    assert_eq!(root(&r, "web-tls"), "none", "{r}");
    let f = finding(&r, "web-tls", "CONTROLLER_NAMESPACE_SCOPE");
    assert_eq!(f["severity"], "warning");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("watches only the namespace platform"),
        "{f}"
    );
    assert_eq!(f["subject"]["kind"], "Deployment");
    // Once the renewal is due, it is the root cause, above the overdue renewal it explains.
    overdue(&mut objs, "2026-11-23T10:00:00Z");
    let (r, code) = diagnose(&objs, &[]);
    assert_eq!(code, 1);
    assert_eq!(root(&r, "web-tls"), "CONTROLLER_NAMESPACE_SCOPE", "{r}");
    assert!(codes(&r, "web-tls").contains(&"RENEWAL_OVERDUE".to_string()));
}

#[test]
fn a_controller_limited_to_the_certificates_namespace_still_ignores_its_cluster_issuer() {
    let mut objs = with_controller_args(&["--namespace", "production"]);
    overdue(&mut objs, "2026-11-23T10:00:00Z");
    let (r, _) = diagnose(&objs, &[]);
    assert_eq!(root(&r, "web-tls"), "CONTROLLER_NAMESPACE_SCOPE", "{r}");
    let f = finding(&r, "web-tls", "CONTROLLER_NAMESPACE_SCOPE");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("which disables ClusterIssuers"),
        "{f}"
    );
    // Without the flag, nothing about scope.
    let mut objs = with_controller_args(&["--cluster-resource-namespace=cert-manager"]);
    overdue(&mut objs, "2026-11-23T10:00:00Z");
    let (r, _) = diagnose(&objs, &[]);
    assert!(!codes(&r, "web-tls").contains(&"CONTROLLER_NAMESPACE_SCOPE".to_string()));
}

#[test]
fn renewal_disabled_by_policy_says_cert_manager_will_let_it_expire() {
    let mut objs = fixture_objects("healthy.yaml");
    edit(&mut objs, "Certificate", "web-tls", |c| {
        c["spec"]["renewal"] = json!({"policy": "Disabled"});
        // cert-manager computes no renewal time under this policy.
        c["status"].as_object_mut().unwrap().remove("renewalTime");
        c["status"]["notBefore"] = json!("2026-08-27T12:00:00Z");
        c["status"]["notAfter"] = json!("2026-11-25T12:00:00Z");
    });
    let (r, _) = diagnose(&objs, &[]);
    let renewal = crate::support::report::certificate(&r, "web-tls")["renewal"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        renewal.starts_with("renewal disabled (spec.renewal.policy: Disabled)"),
        "{renewal}"
    );
    let f = finding(&r, "web-tls", "CERT_EXPIRING_SOON");
    let remedy = f["remedy"].as_str().unwrap();
    assert!(
        remedy.starts_with("Renewal is disabled on this Certificate"),
        "{remedy}"
    );
    assert!(!remedy.contains("should be renewing"), "{remedy}");
}

#[test]
fn a_dump_keeps_the_controllers_namespace_flag_and_no_other_argument() {
    let mut objs = with_controller_args(&[
        "--namespace",
        "platform",
        "--dns01-recursive-nameservers=10.0.0.2:53",
    ]);
    overdue(&mut objs, "2026-11-23T10:00:00Z");
    let cluster = crate::support::Cluster::with_fixtures(None, &[]);
    cluster.server.insert_all(objs);
    let out = cluster.certdoctor().args(["dump", "-A"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let dump = crate::support::stdout(&out);
    assert!(dump.contains("--namespace=platform"), "{dump}");
    for gone in [
        "--dns01-recursive-nameservers",
        "--acme-http01-solver-image",
        "--v=2",
    ] {
        assert!(!dump.contains(gone), "{gone} kept");
    }
    let out = crate::support::certdoctor()
        .args([
            "diagnose",
            "-A",
            "--offline",
            "-o",
            "json",
            "--from-file",
            "-",
        ])
        .write_stdin(dump)
        .output()
        .unwrap();
    let r = crate::support::report::json_of(&out);
    assert_eq!(root(&r, "web-tls"), "CONTROLLER_NAMESPACE_SCOPE", "{r}");
}
