//! cert-manager's webhook configurations found by what the Helm chart writes into them, not
//! by the default name: a release installed under another name (`helm install cm
//! jetstack/cert-manager -n security` makes everything `cm-cert-manager-…`) is judged exactly
//! as the default one, and another product's webhook without a `caBundle` is never blamed on
//! cert-manager.

use serde_json::{Value, json};

use super::machine::{Seen, codes, diagnose_both, evidence, headline, parts, root};
use crate::support::objects::{self, Edit, condition};
use crate::support::{Cluster, fixture_objects};

/// Rewrites `value` as the chart renders it for release `cm` in namespace `security`: the
/// chart's `cert-manager.fullname` becomes `cm-cert-manager` (the release name does not
/// contain the chart name), so every Deployment, Pod, ServiceAccount and webhook
/// configuration is prefixed `cm-`; the container names, images, the `app` and
/// `app.kubernetes.io/name` labels and the controller's Lease keep theirs.
fn as_release_cm(value: &mut Value, path: &mut Vec<String>) {
    let in_containers = path
        .iter()
        .any(|p| p == "containers" || p == "containerStatuses");
    let key = path.last().cloned().unwrap_or_default();
    match value {
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                path.push(k.clone());
                as_release_cm(v, path);
                path.pop();
            }
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                as_release_cm(v, path);
            }
        }
        Value::String(s) => {
            let prefixed = matches!(
                key.as_str(),
                "name" | "generateName" | "serviceAccountName" | "holderIdentity"
            ) && s.starts_with("cert-manager")
                && s != "cert-manager-controller"
                && !in_containers;
            *s = match key.as_str() {
                "namespace" | "meta.helm.sh/release-namespace" if s == "cert-manager" => {
                    "security".into()
                }
                "app.kubernetes.io/instance" | "meta.helm.sh/release-name"
                    if s == "cert-manager" =>
                {
                    "cm".into()
                }
                "cert-manager.io/inject-ca-from-secret" => {
                    "security/cm-cert-manager-webhook-ca".into()
                }
                _ if prefixed => format!("cm-{s}"),
                _ if in_containers && path.iter().any(|p| p == "args") => {
                    s.replace("cert-manager-webhook", "cm-cert-manager-webhook")
                }
                _ => s.clone(),
            };
        }
        _ => {}
    }
}

/// cert-manager v1.19.1 as the chart leaves it for `helm install cm jetstack/cert-manager -n
/// security`.
fn release_cm() -> Vec<Value> {
    let mut objs = parts();
    for o in &mut objs {
        as_release_cm(o, &mut Vec::new());
    }
    objs
}

/// Tekton Pipelines' webhook configurations as its release manifest creates them: no
/// `caBundle` until its own webhook Pod writes one (knative's certificate controller, not the
/// cainjector), labelled `app.kubernetes.io/component: webhook`.
fn tekton() -> Vec<Value> {
    let labels = json!({"app.kubernetes.io/component": "webhook", "app.kubernetes.io/instance": "default",
                        "app.kubernetes.io/part-of": "tekton-pipelines", "pipeline.tekton.dev/release": "v1.0.0"});
    let hook = |name: &str| {
        json!([{"name": name, "admissionReviewVersions": ["v1"], "failurePolicy": "Fail", "sideEffects": "None",
                "clientConfig": {"service": {"name": "tekton-pipelines-webhook", "namespace": "tekton-pipelines", "port": 443}}}])
    };
    let meta = |kind: &str, name: &str| {
        json!({"name": name, "uid": format!("tekton-{kind}"), "labels": labels.clone(),
               "creationTimestamp": "2026-11-23T11:50:00Z", "generation": 1})
    };
    vec![
        json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
               "metadata": meta("validating", "validation.webhook.pipeline.tekton.dev"),
               "webhooks": hook("validation.webhook.pipeline.tekton.dev")}),
        json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
               "metadata": meta("mutating", "webhook.pipeline.tekton.dev"),
               "webhooks": hook("webhook.pipeline.tekton.dev")}),
    ]
}

/// A Certificate in production that waits on cert-manager: its request cannot be created,
/// the webhook at `webhook_host` failing with `error`.
pub(crate) fn frozen(webhook_host: &str, error: &str) -> Vec<Value> {
    let cert = objects::certificate("production", "shop-tls").with(
        "/status",
        json!({"conditions": [
            condition("Ready", "False", "DoesNotExist", "Issuing certificate as Secret does not exist"),
            condition("Issuing", "True", "DoesNotExist", "Issuing certificate as Secret does not exist")]}),
    );
    let event = json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "shop-tls.187a9c2f3b1d4e5f", "namespace": "production", "uid": "event-webhook"},
        "involvedObject": {"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "name": "shop-tls",
                           "namespace": "production", "uid": "certificate-shop-tls"},
        "reason": "RequestFailed", "type": "Warning", "count": 14,
        "firstTimestamp": "2026-11-23T10:01:00Z", "lastTimestamp": "2026-11-23T11:56:00Z",
        "source": {"component": "cert-manager-certificates-request-manager"},
        "message": format!("Failed to create CertificateRequest: Internal error occurred: failed calling webhook \"webhook.cert-manager.io\": failed to call webhook: Post \"https://{webhook_host}:443/validate?timeout=30s\": {error}")});
    vec![objects::cluster_issuer(objects::ISSUER), cert, event]
}

/// Empties the caBundle of the ValidatingWebhookConfiguration `name`, as after a GitOps sync
/// that rewrote it.
fn without_ca(objs: &mut [Value], name: &str) {
    objects::edit(objs, "ValidatingWebhookConfiguration", name, |v| {
        v["webhooks"][0]["clientConfig"]
            .as_object_mut()
            .unwrap()
            .remove("caBundle");
    });
}

/// The control-plane finding each way of running diagnose showed, with the names of release
/// `cm` put back to the default ones, so both installs can be compared.
fn control_plane(seen: &[Seen]) -> Vec<Value> {
    seen.iter()
        .map(|s| {
            let text = s.json["controlPlane"]
                .to_string()
                .replace("cm-cert-manager", "cert-manager")
                .replace("security/", "cert-manager/")
                .replace("-n security", "-n cert-manager")
                .replace(".security.svc", ".cert-manager.svc");
            serde_json::from_str(&text).unwrap()
        })
        .collect()
}

#[test]
fn a_renamed_release_without_its_ca_bundle_is_reported_as_the_default_one_is() {
    let x509 = "tls: failed to verify certificate: x509: certificate signed by unknown authority";
    let mut renamed = release_cm();
    without_ca(&mut renamed, "cm-cert-manager-webhook");
    renamed.extend(frozen("cm-cert-manager-webhook.security.svc", x509));
    renamed.extend(tekton());
    let mut default = parts();
    without_ca(&mut default, "cert-manager-webhook");
    default.extend(frozen("cert-manager-webhook.cert-manager.svc", x509));
    let renamed_seen = diagnose_both(renamed, &[]);
    for s in &renamed_seen {
        let how = s.how;
        assert_eq!(
            root(&s.json, "shop-tls"),
            "WEBHOOK_CA_NOT_INJECTED",
            "{how}: {}",
            s.json
        );
        let cp = &s.json["controlPlane"];
        assert_eq!(codes(cp), ["WEBHOOK_CA_NOT_INJECTED"], "{how}: {cp}");
        assert_eq!(cp[0]["subject"]["name"], "cm-cert-manager-webhook", "{how}");
        assert!(evidence(&cp[0]).contains("x509"), "{how}: {cp}");
        assert!(
            s.text
                .contains("ValidatingWebhookConfiguration cm-cert-manager-webhook"),
            "{how}: {}",
            s.text
        );
        assert!(
            headline(&s.text, "shop-tls", "WEBHOOK_CA_NOT_INJECTED"),
            "{how}: {}",
            s.text
        );
        assert!(
            !s.text.contains("tekton"),
            "Tekton's own webhook is not cert-manager's: {}",
            s.text
        );
    }
    assert_eq!(
        control_plane(&renamed_seen),
        control_plane(&diagnose_both(default, &[])),
        "the renamed release is judged as the default one"
    );
}

#[test]
fn a_renamed_webhook_that_refuses_calls_is_checked_at_its_own_service() {
    let mut objs = release_cm();
    objs.extend(frozen(
        "cm-cert-manager-webhook.security.svc",
        "dial tcp 10.96.184.21:443: connect: connection refused",
    ));
    for s in diagnose_both(objs, &[]) {
        let how = s.how;
        let cp = &s.json["controlPlane"];
        assert_eq!(codes(cp), ["WEBHOOK_NOT_READY"], "{how}: {cp}");
        assert_eq!(
            cp[0]["reproduce"],
            json!(["kubectl get endpoints -n security cm-cert-manager-webhook"]),
            "{how}"
        );
    }
}

#[test]
fn another_products_webhook_without_a_ca_bundle_is_not_blamed_on_cert_manager() {
    let mut objs = parts();
    objs.extend(fixture_objects("healthy.yaml"));
    objs.extend(tekton());
    for s in diagnose_both(objs, &[]) {
        assert_eq!(s.code, 0, "{}: {}", s.how, s.text);
        assert_eq!(s.json["controlPlane"], json!([]), "{}", s.how);
    }
}

#[test]
fn the_webhook_configurations_are_listed_by_the_charts_label_not_by_name() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    cluster.server.insert_all(release_cm());
    let out = cluster
        .certdoctor()
        .args(["diagnose", "--offline"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    for path in [
        "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
        "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
    ] {
        let reqs: Vec<_> = cluster
            .server
            .requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect();
        assert_eq!(reqs.len(), 1, "one LIST: {reqs:?}");
        assert_eq!(
            reqs[0].param("labelSelector").as_deref(),
            Some("app.kubernetes.io/name=webhook")
        );
        assert_eq!(reqs[0].param("fieldSelector"), None);
    }
}
