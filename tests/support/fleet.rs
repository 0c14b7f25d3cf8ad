//! A fleet of Certificates with their whole chains, for the big-fleet test and the fleet
//! benchmark: per Certificate a CertificateRequest, a TLS Secret holding a real leaf and a
//! key, and Events; one in ten broken in the shapes seen in real clusters (an HTTP-01
//! self-check failing with 404, a DNS-01 record not propagated, an Issuer that is not
//! ready). Certificates spread over 20 namespaces and a few registered domains.

use serde_json::{Value, json};

use super::objects::{self, Edit, condition, ready_status};
use super::pki;

/// Namespaces the fleet spreads over.
pub const NAMESPACES: usize = 20;

/// What the fleet's Secrets are made of: one root and one leaf key shared by every
/// leaf (generating 10,000 keys would dominate the benchmark); each leaf is signed for its
/// own Certificate's name.
pub struct Material {
    root: pki::Ca,
    key: rcgen::KeyPair,
    /// The leaf key, PEM.
    pub key_pem: String,
}

/// Makes the shared root and key.
pub fn material() -> Material {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    Material {
        root: pki::root("Fleet Root"),
        key_pem: key.serialize_pem(),
        key,
    }
}

impl Material {
    /// A leaf for `host` issued 2026-11-20 (inside Let's Encrypt's 7-day window at the
    /// tests' clock), followed by the root: the PEM of a `tls.crt`.
    pub fn leaf_pem(&self, host: &str) -> String {
        let mut params = rcgen::CertificateParams::new(vec![host.to_string()]).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, host);
        params.not_before = rcgen::date_time_ymd(2026, 11, 20);
        params.not_after = rcgen::date_time_ymd(2027, 2, 18);
        let cert = params.signed_by(&self.key, &self.root.issuer).unwrap();
        format!("{}{}", cert.pem(), self.root.pem())
    }
}

fn event(about: &Value, i: usize, reason: &str, message: &str) -> Value {
    let ns = about["metadata"]["namespace"].clone();
    let name = about["metadata"]["name"].as_str().unwrap_or_default();
    json!({"apiVersion": "v1", "kind": "Event",
           "metadata": {"name": format!("{name}.{i:x}"), "namespace": ns, "uid": format!("event-{name}-{i}")},
           "involvedObject": {"apiVersion": about["apiVersion"], "kind": about["kind"],
                              "name": name, "namespace": ns, "uid": about["metadata"]["uid"]},
           "reason": reason, "message": message, "type": "Normal", "count": 1,
           "firstTimestamp": "2026-11-23T10:00:00Z", "lastTimestamp": "2026-11-23T10:00:00Z",
           "source": {"component": "cert-manager-certificates-issuing"}})
}

/// Whether Certificate `i` of the fleet is broken (one in ten).
pub fn broken(i: usize) -> bool {
    i % 10 == 3
}

/// The objects of a fleet of `n` Certificates.
pub fn fleet(n: usize, m: &Material) -> Vec<Value> {
    let domains = [
        "example.com",
        "example.org",
        "shop.example.co.uk",
        "example.net",
    ];
    let mut out = vec![objects::cluster_issuer(objects::ISSUER)];
    for ns in 0..NAMESPACES {
        out.push(json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "web", "namespace": format!("team-{ns}"), "uid": format!("ingress-team-{ns}")},
            "spec": {"ingressClassName": "nginx", "rules": [{"host": format!("team-{ns}.example.com")}]}}));
    }
    for i in 0..n {
        let ns = format!("team-{}", i % NAMESPACES);
        let name = format!("app-{i:05}");
        let host = format!("app-{i}.{}", domains[i % domains.len()]);
        let mut cert = objects::certificate(&ns, &name)
            .with("/metadata/uid", json!(format!("certificate-{ns}-{name}")))
            .with("/spec/dnsNames", json!([host]));
        if !broken(i) {
            cert = cert.with("/status", ready_status());
            let cr = objects::certificate_request(
                &cert,
                2,
                json!([
                    condition(
                        "Ready",
                        "True",
                        "Issued",
                        "Certificate fetched from issuer successfully"
                    ),
                    condition(
                        "Approved",
                        "True",
                        "cert-manager.io",
                        "Certificate request has been approved by cert-manager.io"
                    )
                ]),
            )
            .with("/metadata/uid", json!(format!("cr-{ns}-{name}")))
            .with("/metadata/creationTimestamp", json!("2026-11-20T10:00:00Z"));
            out.push(event(
                &cert,
                1,
                "Issuing",
                "The certificate has been successfully issued",
            ));
            out.push(event(
                &cr,
                2,
                "CertificateIssued",
                "Certificate fetched from issuer successfully",
            ));
            out.push(cr);
            out.push(objects::tls_secret(&ns, &name, &[
                ("tls.crt", m.leaf_pem(&host).as_bytes()),
                ("tls.key", m.key_pem.as_bytes()),
                ("ca.crt", b""),
            ]).with("/metadata/uid", json!(format!("secret-{ns}-{name}")))
              .with("/metadata/annotations", json!({"cert-manager.io/certificate-name": name,
                    "cert-manager.io/issuer-name": objects::ISSUER, "cert-manager.io/issuer-kind": "ClusterIssuer"})));
        } else {
            cert = cert.with("/status", json!({"conditions": [
                condition("Ready", "False", "DoesNotExist", "Issuing certificate as Secret does not exist"),
                condition("Issuing", "True", "DoesNotExist", "Issuing certificate as Secret does not exist")],
                "nextPrivateKeySecretName": format!("{name}-abcde")}));
            let cr = objects::certificate_request(
                &cert,
                1,
                json!([
                    condition(
                        "Ready",
                        "False",
                        "Pending",
                        "Waiting on certificate issuance from order"
                    ),
                    condition(
                        "Approved",
                        "True",
                        "cert-manager.io",
                        "Certificate request has been approved by cert-manager.io"
                    )
                ]),
            )
            .with("/metadata/uid", json!(format!("cr-{ns}-{name}")));
            let order = objects::order(&cr, "pending")
                .with("/metadata/uid", json!(format!("order-{ns}-{name}")))
                .with("/spec/dnsNames", json!([host]));
            let reason = if i % 20 == 3 {
                "Waiting for HTTP-01 challenge propagation: wrong status code '404', expected '200'"
                    .to_string()
            } else {
                format!(
                    "Waiting for HTTP-01 challenge propagation: failed to perform self check GET request 'http://{host}/.well-known/acme-challenge/token': dial tcp: lookup {host}: no such host"
                )
            };
            let ch = objects::challenge(&order, &host, "pending", &reason)
                .with("/metadata/uid", json!(format!("challenge-{ns}-{name}")));
            out.push(event(
                &cert,
                1,
                "Issuing",
                "Issuing certificate as Secret does not exist",
            ));
            out.push(event(
                &ch,
                2,
                "Presented",
                "Presented challenge using HTTP-01 challenge mechanism",
            ));
            out.push(cr);
            out.push(order);
            out.push(ch);
        }
        out.push(cert);
    }
    out
}
