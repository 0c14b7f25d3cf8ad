//! Origins without a Certificate: Ingresses (ingress-shim) and Gateways (gateway-shim)
//! annotated for cert-manager whose TLS entry got no Certificate. The walk starts from
//! Certificates, so these are looked for from the other side: every annotated origin, every
//! TLS entry, and a Certificate in the namespace that writes the entry's Secret.
//!
//! cert-manager names the Certificate after the Secret and makes the origin its controller;
//! a Certificate written by hand for the same Secret serves it just as well, so any
//! Certificate with that `spec.secretName` counts (no false alarm on a deliberate setup).

use k8s_openapi::api::core::v1::Event;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::gateway::Gateway;
use crate::model::snapshot::Snapshot;
use crate::sanitize::clean;

/// The annotations that make ingress-shim and gateway-shim act.
pub const ISSUER_ANNOTATION: &str = "cert-manager.io/issuer";
/// ClusterIssuer annotation.
pub const CLUSTER_ISSUER_ANNOTATION: &str = "cert-manager.io/cluster-issuer";
/// The kube-lego annotation cert-manager honours with a default issuer.
pub const TLS_ACME_ANNOTATION: &str = "kubernetes.io/tls-acme";
/// Prefix of the pre-v0.11 annotations cert-manager ignores.
pub const LEGACY_PREFIX: &str = "certmanager.k8s.io/";

fn annotation<'a>(meta: &'a ObjectMeta, key: &str) -> Option<&'a str> {
    meta.annotations.as_ref()?.get(key).map(String::as_str)
}

/// Which shim annotation the object carries, if any.
fn shim_annotation(meta: &ObjectMeta) -> Option<(&'static str, String)> {
    for key in [ISSUER_ANNOTATION, CLUSTER_ISSUER_ANNOTATION] {
        if let Some(v) = annotation(meta, key) {
            return Some((key, v.to_string()));
        }
    }
    annotation(meta, TLS_ACME_ANNOTATION)
        .filter(|v| *v == "true")
        .map(|v| (TLS_ACME_ANNOTATION, v.to_string()))
}

fn legacy_annotations(meta: &ObjectMeta) -> Vec<String> {
    meta.annotations
        .iter()
        .flatten()
        .filter(|(k, _)| k.starts_with(LEGACY_PREFIX))
        .map(|(k, v)| format!("{k}: {v}"))
        .collect()
}

fn has_certificate(snapshot: &Snapshot, ns: &str, secret: &str) -> bool {
    snapshot
        .certificates
        .iter()
        .any(|c| c.metadata.namespace.as_deref() == Some(ns) && c.spec.secret_name == secret)
}

fn bad_config_events<'a>(snapshot: &'a Snapshot, meta: &ObjectMeta) -> Vec<&'a Event> {
    let Some(uid) = meta.uid.as_deref() else {
        return vec![];
    };
    snapshot
        .events
        .iter()
        .filter(|e| e.involved_object.uid.as_deref() == Some(uid))
        .filter(|e| e.reason.as_deref() == Some("BadConfig"))
        .collect()
}

fn event_line(e: &Event) -> String {
    format!(
        "event {}: {}",
        e.reason.as_deref().unwrap_or(""),
        clean(e.message.as_deref().unwrap_or(""))
    )
}

/// One problem with an origin, before it becomes a finding.
struct Missing {
    code: Code,
    entry: String,
    secret: Option<String>,
    why: String,
    remedy: String,
}

/// An origin entry without its Certificate: the finding, and what a `status` row shows.
#[derive(Debug, Clone)]
pub struct OriginProblem {
    /// The finding (`INGRESS_NO_CERTIFICATE`, `LEGACY_ANNOTATIONS`, `GATEWAY_NO_CERTIFICATE`).
    pub finding: Finding,
    /// The Secret the entry names, when it names one.
    pub secret_name: Option<String>,
    /// The issuer the annotation names (`letsencrypt-prod`), or the annotation itself for
    /// `kubernetes.io/tls-acme`.
    pub issuer: Option<String>,
}

/// Ingresses and Gateways annotated for cert-manager with a TLS entry and no Certificate.
pub fn origin_findings(snapshot: &Snapshot) -> Vec<Finding> {
    origin_problems(snapshot)
        .into_iter()
        .map(|p| p.finding)
        .collect()
}

/// [`origin_findings`] with what `status` shows of each.
pub fn origin_problems(snapshot: &Snapshot) -> Vec<OriginProblem> {
    let mut out = Vec::new();
    for ing in &snapshot.ingresses {
        if ing
            .metadata
            .labels
            .as_ref()
            .is_some_and(|l| l.contains_key(crate::model::snapshot::SOLVER_LABEL))
        {
            continue;
        }
        out.extend(ingress(snapshot, ing));
        out.extend(missing_secrets(snapshot, ing));
    }
    if !snapshot.is_unreadable(&crate::model::snapshot::GATEWAYS) {
        for gw in &snapshot.gateways {
            out.extend(gateway(snapshot, gw));
        }
    }
    out
}

fn issuer_of(meta: &ObjectMeta) -> Option<String> {
    match shim_annotation(meta) {
        Some((TLS_ACME_ANNOTATION, _)) => Some(format!("{TLS_ACME_ANNOTATION}=true")),
        Some((_, v)) => Some(v),
        None => meta
            .annotations
            .iter()
            .flatten()
            .find(|(k, _)| k.ends_with("issuer") && k.starts_with(LEGACY_PREFIX))
            .map(|(_, v)| v.clone()),
    }
}

fn ingress(
    snapshot: &Snapshot,
    ing: &k8s_openapi::api::networking::v1::Ingress,
) -> Vec<OriginProblem> {
    let meta = &ing.metadata;
    let ns = meta.namespace.as_deref().unwrap_or("");
    let name = meta.name.as_deref().unwrap_or("");
    let shim = shim_annotation(meta);
    let legacy = legacy_annotations(meta);
    if shim.is_none() && legacy.is_empty() {
        return vec![];
    }
    let tls = ing
        .spec
        .as_ref()
        .and_then(|s| s.tls.clone())
        .unwrap_or_default();
    let mut missing = Vec::new();
    if tls.is_empty() {
        missing.push(Missing {
            code: Code::IngressNoCertificate,
            entry: "spec.tls".into(),
            secret: None,
            why: "the Ingress has no tls section, so ingress-shim has nothing to issue".into(),
            remedy: "Add a tls entry with the hosts and a secretName; cert-manager names the Certificate after the secretName.".into(),
        });
    }
    for (i, t) in tls.iter().enumerate() {
        let hosts = t.hosts.clone().unwrap_or_default();
        let secret = t.secret_name.clone().unwrap_or_default();
        let entry = format!("spec.tls[{i}]");
        if secret.is_empty() || hosts.is_empty() {
            let absent = match (secret.is_empty(), hosts.is_empty()) {
                (true, true) => "secretName and hosts",
                (true, false) => "secretName",
                _ => "hosts",
            };
            missing.push(Missing {
                code: Code::IngressNoCertificate,
                entry,
                secret: Some(secret).filter(|s| !s.is_empty()),
                why: format!("the tls entry has no {absent}, so ingress-shim skips it"),
                remedy: format!("Set {absent} on the tls entry; the Certificate is named after secretName and covers the hosts."),
            });
            continue;
        }
        if has_certificate(snapshot, ns, &secret) {
            continue;
        }
        let (why, remedy) = match &shim {
            None => (
                format!(
                    "no Certificate writes Secret {secret}: the Ingress only has the legacy certmanager.k8s.io annotations, which cert-manager ignores since v0.11"
                ),
                "Replace certmanager.k8s.io/issuer or certmanager.k8s.io/cluster-issuer with cert-manager.io/issuer or cert-manager.io/cluster-issuer (and the acme-* annotations with their cert-manager.io forms).".to_string(),
            ),
            Some((TLS_ACME_ANNOTATION, _)) => (
                format!(
                    "no Certificate writes Secret {secret}: kubernetes.io/tls-acme only works when the controller has a default issuer"
                ),
                "Start the controller with --default-issuer-name and --default-issuer-kind (Helm: ingressShim.defaultIssuerName and ingressShim.defaultIssuerKind), or annotate the Ingress with cert-manager.io/cluster-issuer.".to_string(),
            ),
            Some((key, value)) => (
                format!("no Certificate writes Secret {secret}, although the Ingress has {key}: {value}"),
                "Look at the Ingress's events (BadConfig) and the controller's logs; the webhook or a stopped controller can also keep ingress-shim from creating it.".to_string(),
            ),
        };
        missing.push(Missing {
            code: if shim.is_none() {
                Code::LegacyAnnotations
            } else {
                Code::IngressNoCertificate
            },
            entry: format!("{entry} ({})", hosts.join(", ")),
            secret: Some(secret),
            why,
            remedy,
        });
    }
    let events = bad_config_events(snapshot, meta);
    missing
        .into_iter()
        .map(|m| {
            let code = if shim.is_none() {
                Code::LegacyAnnotations
            } else {
                m.code
            };
            let mut f = Finding::new(
                code,
                Severity::Error,
                Subject::new("Ingress", Some(ns), name).part(&m.entry),
                m.why,
                m.remedy,
            )
            .reproduce(format!("kubectl describe ingress {name} -n {ns}"));
            if let Some((k, v)) = &shim {
                f = f.evidence(format!("annotation {k}: {v}"));
            }
            for l in &legacy {
                f = f.evidence(format!("legacy annotation {l}"));
            }
            for e in &events {
                f = f.evidence(event_line(e));
            }
            OriginProblem {
                finding: f,
                secret_name: m.secret,
                issuer: issuer_of(meta),
            }
        })
        .collect()
}

/// The tls entries of an Ingress not annotated for cert-manager whose Secret does not exist
/// in the Ingress's namespace and that no Certificate there writes: the ingress controller
/// serves its default certificate for those hosts (an Ingress cannot use another namespace's
/// Secret). Annotated Ingresses are [`ingress`]'s.
fn missing_secrets(
    snapshot: &Snapshot,
    ing: &k8s_openapi::api::networking::v1::Ingress,
) -> Vec<OriginProblem> {
    let meta = &ing.metadata;
    if shim_annotation(meta).is_some()
        || !legacy_annotations(meta).is_empty()
        || snapshot.is_unreadable(&crate::model::snapshot::SECRETS)
    {
        return vec![];
    }
    let ns = meta.namespace.as_deref().unwrap_or("");
    let name = meta.name.as_deref().unwrap_or("");
    let exists = |secret: &str| {
        snapshot.secrets.iter().any(|s| {
            s.metadata.namespace.as_deref() == Some(ns)
                && s.metadata.name.as_deref() == Some(secret)
        })
    };
    let elsewhere = |secret: &str| -> Vec<String> {
        snapshot
            .secrets
            .iter()
            .filter(|s| {
                s.metadata.name.as_deref() == Some(secret)
                    && s.metadata.namespace.as_deref() != Some(ns)
            })
            .filter_map(|s| s.metadata.namespace.clone())
            .collect()
    };
    let tls = ing
        .spec
        .as_ref()
        .and_then(|s| s.tls.clone())
        .unwrap_or_default();
    let mut out = Vec::new();
    for (i, t) in tls.iter().enumerate() {
        let Some(secret) = t.secret_name.as_deref().filter(|s| !s.is_empty()) else {
            continue;
        };
        if exists(secret) || has_certificate(snapshot, ns, secret) {
            continue;
        }
        let hosts = t.hosts.clone().unwrap_or_default();
        let mut f = Finding::new(
            Code::IngressTlsMismatch,
            Severity::Error,
            Subject::new("Ingress", Some(ns), name).part(&format!("spec.tls[{i}]")),
            format!(
                "Secret {secret} does not exist in namespace {ns} and no Certificate there writes it: the ingress controller serves its default certificate for {}",
                if hosts.is_empty() { "these hosts".to_string() } else { hosts.join(", ") }
            ),
            "An Ingress can only use a Secret of its own namespace. Create a Certificate in this namespace with spec.secretName set to the tls entry's secretName (or annotate the Ingress with cert-manager.io/cluster-issuer), or copy the Secret here.",
        )
        .reproduce(format!("kubectl get secret {secret} -n {ns}"));
        let other = elsewhere(secret);
        if !other.is_empty() {
            f = f.evidence(format!(
                "a Secret of that name exists in namespace {}, which this Ingress cannot use",
                other.join(", ")
            ));
        }
        out.push(OriginProblem {
            finding: f,
            secret_name: Some(secret.to_string()),
            issuer: None,
        });
    }
    out
}

fn gateway(snapshot: &Snapshot, gw: &Gateway) -> Vec<OriginProblem> {
    let meta = &gw.metadata;
    let ns = meta.namespace.as_deref().unwrap_or("");
    let name = meta.name.as_deref().unwrap_or("");
    let Some((key, value)) = shim_annotation(meta) else {
        return vec![];
    };
    let events = bad_config_events(snapshot, meta);
    let mut out = Vec::new();
    for (i, l) in gw.spec.listeners.iter().enumerate() {
        let Some(tls) = &l.tls else { continue };
        let refs: Vec<&str> = tls
            .certificate_refs
            .iter()
            .filter(|r| r.kind.as_deref().is_none_or(|k| k == "Secret"))
            .filter(|r| r.namespace.as_deref().is_none_or(|n| n == ns))
            .map(|r| r.name.as_str())
            .collect();
        if refs.is_empty() || refs.iter().all(|r| has_certificate(snapshot, ns, r)) {
            continue;
        }
        let passthrough = tls.mode.as_deref() == Some("Passthrough");
        let hostname = l.hostname.as_deref().filter(|h| !h.is_empty());
        let (why, remedy) = if hostname.is_none() {
            (
                format!(
                    "listener {} has no hostname, so gateway-shim skips it and no Certificate writes Secret {}",
                    l.name,
                    refs.join(", ")
                ),
                "Set spec.listeners[].hostname: cert-manager issues for the listener's hostname only.".to_string(),
            )
        } else if passthrough {
            (
                format!(
                    "listener {} uses tls.mode Passthrough, which gateway-shim skips",
                    l.name
                ),
                "Use tls.mode Terminate, or create the Certificate by hand.".to_string(),
            )
        } else {
            (
                format!(
                    "no Certificate writes Secret {} of listener {}",
                    refs.join(", "),
                    l.name
                ),
                "Check that the controller runs with Gateway API support (--enable-gateway-api, Helm config.enableGatewayAPI: true) and look at the Gateway's events and the controller's logs.".to_string(),
            )
        };
        let mut f = Finding::new(
            Code::GatewayNoCertificate,
            Severity::Error,
            Subject::new("Gateway", Some(ns), name).part(&format!("spec.listeners[{i}]")),
            why,
            remedy,
        )
        .evidence(format!("annotation {key}: {value}"))
        .evidence(format!(
            "listener {}: port {}, protocol {}, hostname {}",
            l.name,
            l.port,
            l.protocol,
            hostname.unwrap_or("<none>")
        ))
        .reproduce(format!("kubectl describe gateway {name} -n {ns}"));
        for e in &events {
            f = f.evidence(event_line(e));
        }
        out.push(OriginProblem {
            finding: f,
            secret_name: refs.first().map(|r| r.to_string()),
            issuer: Some(value.clone()),
        });
    }
    out
}
