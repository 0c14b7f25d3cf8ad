//! Builders for the Kubernetes objects the tests put in a cluster or a dump, as JSON.
//!
//! Every builder gives a minimal object that certdoctor reads as cert-manager writes it:
//! a `uid` (`<kind>-<name>`), and for the objects cert-manager creates, the controller
//! ownerReference to their parent, so the chain links. Tests change what they need with
//! [`Edit::with`].

use base64::Engine;
use serde_json::{Value, json};

/// `cert-manager.io/v1`.
pub const CERT_MANAGER_V1: &str = "cert-manager.io/v1";
/// `acme.cert-manager.io/v1`.
pub const ACME_V1: &str = "acme.cert-manager.io/v1";
/// The ClusterIssuer every built Certificate names.
pub const ISSUER: &str = "letsencrypt-prod";

/// Sets a field of a built object, creating the objects on its way.
pub trait Edit {
    /// `obj.with("/metadata/labels", json!({"team": "web"}))`.
    fn with(self, pointer: &str, value: Value) -> Value;
}

impl Edit for Value {
    fn with(mut self, pointer: &str, value: Value) -> Value {
        let mut at = &mut self;
        for token in pointer.trim_start_matches('/').split('/') {
            if !at.is_object() {
                *at = json!({});
            }
            at = at
                .as_object_mut()
                .expect("just made an object")
                .entry(token)
                .or_insert(Value::Null);
        }
        *at = value;
        self
    }
}

fn metadata(kind: &str, namespace: Option<&str>, name: &str) -> Value {
    let mut meta = json!({"name": name, "uid": format!("{}-{name}", kind.to_lowercase())});
    if let Some(ns) = namespace {
        meta["namespace"] = json!(ns);
    }
    meta
}

/// The controller ownerReference to `parent`.
fn owned_by(parent: &Value) -> Value {
    json!([{"apiVersion": parent["apiVersion"], "kind": parent["kind"],
            "name": parent["metadata"]["name"], "uid": parent["metadata"]["uid"],
            "controller": true, "blockOwnerDeletion": true}])
}

fn issuer_ref() -> Value {
    json!({"name": ISSUER, "kind": "ClusterIssuer", "group": "cert-manager.io"})
}

/// A Condition.
pub fn condition(type_: &str, status: &str, reason: &str, message: &str) -> Value {
    json!({"type": type_, "status": status, "reason": reason, "message": message,
           "lastTransitionTime": "2026-11-23T10:00:00Z"})
}

/// Certificate `namespace/name` at generation 3, for Secret `name` and DNS name
/// `name.example.com`, issued by ClusterIssuer [`ISSUER`]; no status.
pub fn certificate(namespace: &str, name: &str) -> Value {
    json!({"apiVersion": CERT_MANAGER_V1, "kind": "Certificate",
           "metadata": metadata("Certificate", Some(namespace), name).with("/generation", json!(3)),
           "spec": {"secretName": name, "dnsNames": [format!("{name}.example.com")],
                    "issuerRef": issuer_ref()}})
}

/// The status of an issued Certificate (revision 2, valid 2026-10-15 → 2027-01-13, renewal
/// on 2026-12-14): Ready, nothing running.
pub fn ready_status() -> Value {
    json!({"conditions": [{"type": "Ready", "status": "True", "reason": "Ready",
                           "message": "Certificate is up to date and has not expired",
                           "lastTransitionTime": "2026-10-15T10:00:00Z", "observedGeneration": 3}],
           "notAfter": "2027-01-13T10:00:00Z", "notBefore": "2026-10-15T10:00:00Z",
           "renewalTime": "2026-12-14T10:00:00Z", "revision": 2})
}

/// An ACME ClusterIssuer `name` (HTTP-01 through nginx) that is Ready.
pub fn cluster_issuer(name: &str) -> Value {
    json!({"apiVersion": CERT_MANAGER_V1, "kind": "ClusterIssuer",
           "metadata": metadata("ClusterIssuer", None, name),
           "spec": {"acme": {"server": "https://acme-v02.api.letsencrypt.org/directory",
                             "privateKeySecretRef": {"name": format!("{name}-account-key")},
                             "solvers": [{"http01": {"ingress": {"ingressClassName": "nginx"}}}]}},
           "status": {"conditions": [condition("Ready", "True", "ACMEAccountRegistered",
                                               "The ACME account was registered with the ACME server")]}})
}

/// The CertificateRequest `<certificate>-<revision>` of `certificate`, with these conditions.
pub fn certificate_request(certificate: &Value, revision: i64, conditions: Value) -> Value {
    let cert = certificate["metadata"]["name"].as_str().expect("a name");
    let ns = certificate["metadata"]["namespace"].as_str();
    let name = format!("{cert}-{revision}");
    json!({"apiVersion": CERT_MANAGER_V1, "kind": "CertificateRequest",
           "metadata": metadata("CertificateRequest", ns, &name)
               .with("/annotations", json!({"cert-manager.io/certificate-name": cert,
                                            "cert-manager.io/certificate-revision": revision.to_string()}))
               .with("/ownerReferences", owned_by(certificate)),
           "spec": {"issuerRef": issuer_ref(), "request": ""},
           "status": {"conditions": conditions}})
}

/// The ACME Order of `request`, in `state`.
pub fn order(request: &Value, state: &str) -> Value {
    let name = format!(
        "{}-2385927541",
        request["metadata"]["name"].as_str().unwrap()
    );
    let ns = request["metadata"]["namespace"].as_str();
    json!({"apiVersion": ACME_V1, "kind": "Order",
           "metadata": metadata("Order", ns, &name).with("/ownerReferences", owned_by(request)),
           "spec": {"issuerRef": issuer_ref(), "dnsNames": []},
           "status": {"state": state}})
}

/// The HTTP-01 Challenge of `order` for `dns_name`, in `state`, with the self-check's
/// `reason` (empty for none).
pub fn challenge(order: &Value, dns_name: &str, state: &str, reason: &str) -> Value {
    let name = format!("{}-1738652016", order["metadata"]["name"].as_str().unwrap());
    let ns = order["metadata"]["namespace"].as_str();
    json!({"apiVersion": ACME_V1, "kind": "Challenge",
           "metadata": metadata("Challenge", ns, &name).with("/ownerReferences", owned_by(order)),
           "spec": {"dnsName": dns_name, "type": "HTTP-01", "wildcard": false,
                    "token": "token", "key": "token.thumbprint", "issuerRef": issuer_ref(),
                    "solver": {"http01": {"ingress": {"ingressClassName": "nginx"}}}},
           "status": {"state": state, "presented": true, "processing": state == "pending",
                      "reason": reason}})
}

/// A `kubernetes.io/tls` Secret holding `data` (base64-encoded here).
pub fn tls_secret(namespace: &str, name: &str, data: &[(&str, &[u8])]) -> Value {
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let data: serde_json::Map<String, Value> = data
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(b64(v))))
        .collect();
    json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
           "metadata": metadata("Secret", Some(namespace), name), "data": data})
}

/// The Let's Encrypt ClusterIssuer and `n` Certificates in namespace `web`, each issued
/// once (its request Ready on 2026-11-22) for `site-N.shop.example.co.uk`: `n` issuances
/// for the registered domain `example.co.uk` within Let's Encrypt's week.
pub fn lets_encrypt_issuances(n: usize) -> Vec<Value> {
    let mut items = vec![cluster_issuer(ISSUER)];
    for i in 0..n {
        let cert = certificate("web", &format!("site-{i}"))
            .with(
                "/spec/dnsNames",
                json!([format!("site-{i}.shop.example.co.uk")]),
            )
            .with("/status", ready_status());
        let cr = certificate_request(
            &cert,
            1,
            json!([condition(
                "Ready",
                "True",
                "Issued",
                "Certificate fetched from issuer successfully"
            )]),
        )
        .with(
            "/metadata/creationTimestamp",
            json!(format!("2026-11-22T{:02}:00:00Z", i % 24)),
        );
        items.push(cert);
        items.push(cr);
    }
    items
}

/// A `kind: List` of `items`, the shape of a dump.
pub fn list(items: &[Value]) -> Value {
    json!({"apiVersion": "v1", "kind": "List", "items": items})
}

/// Edits, in place, the objects of `kind` whose name starts with `name_prefix`; panics
/// when there is none.
pub fn edit(objects: &mut [Value], kind: &str, name_prefix: &str, f: impl Fn(&mut Value)) {
    let mut hit = false;
    for o in objects.iter_mut() {
        if o["kind"] == kind
            && o["metadata"]["name"]
                .as_str()
                .is_some_and(|n| n.starts_with(name_prefix))
        {
            f(o);
            hit = true;
        }
    }
    assert!(hit, "no {kind} {name_prefix}*");
}

/// cert-manager's ValidatingWebhookConfiguration `cert-manager-webhook`, with `ca_bundle`
/// (empty: the cainjector has not injected it yet).
pub fn validating_webhook(ca_bundle: &str) -> Value {
    json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
           "metadata": metadata("ValidatingWebhookConfiguration", None, "cert-manager-webhook"),
           "webhooks": [{"name": "webhook.cert-manager.io",
                         "clientConfig": {"caBundle": ca_bundle,
                                          "service": {"name": "cert-manager-webhook", "namespace": "cert-manager",
                                                      "path": "/validate"}},
                         "admissionReviewVersions": ["v1"], "sideEffects": "None"}]})
}
