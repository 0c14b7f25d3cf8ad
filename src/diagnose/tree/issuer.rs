//! Issuer level: missing, not Ready, the ACME account, Secrets of a ClusterIssuer, wildcards without DNS-01. A broken issuer outranks everything under it.

use jiff::Timestamp;

use super::{Walk, describe, subject_of};
use crate::diagnose::classify::is_secret_key_missing;
use crate::diagnose::plan::needs_issuance;
use crate::diagnose::{Level, rules};
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::chain::{Chain, IssuerLink, cert_condition, event_time};
use crate::model::snapshot::Snapshot;
use crate::model::types::{IssuerConfig, find_condition};
use crate::timefmt;

/// The newest Event of one of these reasons among `events`, as `Event REASON (time): message`.
pub(super) fn event_evidence(
    events: &[&k8s_openapi::api::core::v1::Event],
    reasons: &[&str],
) -> Option<String> {
    let e = events
        .iter()
        .rev()
        .find(|e| e.reason.as_deref().is_some_and(|r| reasons.contains(&r)))?;
    let count = e
        .count
        .filter(|n| *n > 1)
        .map(|n| format!(", {n} times"))
        .unwrap_or_default();
    Some(format!(
        "Event {} ({}{count}): {}",
        e.reason.as_deref().unwrap_or(""),
        event_time(e).map_or("-".into(), timefmt::rfc3339),
        e.message.as_deref().unwrap_or("")
    ))
}

fn issuer_secret_refs(config: &IssuerConfig) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, val) in m {
                    if (k.ends_with("SecretRef") || k == "secretName" || k.ends_with("secretRef"))
                        && !k.starts_with("privateKey")
                        && let Some(n) = val.get("name").and_then(|n| n.as_str()).or(val.as_str())
                    {
                        out.push(n.to_string());
                    }
                    walk(val, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = serde_json::to_value(config) {
        walk(&v, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

pub(super) fn issuer_checks(w: &mut Walk, chain: &Chain, snapshot: &Snapshot) {
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.as_deref().unwrap_or("");
    let r = chain.issuer_ref();
    let kind = r.kind_or_default();
    let label = format!("{kind} {}", r.name);
    match chain.issuer {
        IssuerLink::External => {
            let step = w.step(
                kind,
                &r.name,
                format!("external issuer ({})", r.group_or_default()),
            );
            w.unknown(step);
            w.add(
                step,
                Level::Issuer,
                Finding::new(
                    Code::ExternalIssuer,
                    Severity::Info,
                    Subject::new(kind, Some(ns), &r.name),
                    format!(
                        "{label} belongs to {}, which certdoctor does not read",
                        r.group_or_default()
                    ),
                    remedy::EXTERNAL_ISSUER,
                )
                .reproduce(format!(
                    "kubectl describe {}.{} {} -n {ns}",
                    kind.to_lowercase(),
                    r.group_or_default(),
                    r.name
                )),
            );
        }
        IssuerLink::Unknown => {
            let step = w.step(
                kind,
                &r.name,
                "could not be read (see the warning on stderr)",
            );
            w.unknown(step);
        }
        IssuerLink::Missing => {
            let step = w.step(kind, &r.name, "not found");
            let other = if kind == "Issuer" {
                snapshot
                    .cluster_issuers
                    .iter()
                    .any(|c| c.metadata.name.as_deref() == Some(r.name.as_str()))
                    .then_some("ClusterIssuer")
            } else {
                snapshot
                    .issuers
                    .iter()
                    .any(|i| {
                        i.metadata.name.as_deref() == Some(r.name.as_str())
                            && i.metadata.namespace.as_deref() == Some(ns)
                    })
                    .then_some("Issuer")
            };
            // An Issuer of that name in other namespaces (those in scope): it serves only its
            // own namespace's Certificates.
            let elsewhere: Vec<&str> = if kind == "Issuer" && other.is_none() {
                snapshot
                    .issuers
                    .iter()
                    .filter(|i| i.metadata.name.as_deref() == Some(r.name.as_str()))
                    .filter_map(|i| i.metadata.namespace.as_deref())
                    .filter(|n| *n != ns)
                    .collect()
            } else {
                vec![]
            };
            let mut f = Finding::new(
                Code::IssuerNotFound,
                Severity::Error,
                Subject::new(kind, (kind == "Issuer").then_some(ns), &r.name),
                match other {
                    Some(o) => format!("{label} does not exist, but a {o} named {} does", r.name),
                    None if !elsewhere.is_empty() => format!("{label} does not exist in namespace {ns}; an Issuer of that name exists in {}", elsewhere.join(", ")),
                    None if kind == "Issuer" => format!("{label} does not exist in namespace {ns}"),
                    None => format!("{label} does not exist"),
                },
                match other {
                    Some(o) => format!("Set spec.issuerRef.kind: {o} on the Certificate (or the cert-manager.io/{} annotation on its Ingress); kind defaults to Issuer (cert-manager#3414).", if o == "ClusterIssuer" { "cluster-issuer" } else { "issuer" }),
                    None if !elsewhere.is_empty() => format!("An Issuer serves only Certificates in its own namespace: create one in {ns} (like the one in {}), or use a ClusterIssuer for several namespaces.", elsewhere[0]),
                    None => "Create the issuer, or point spec.issuerRef at an existing one (`kubectl get issuers,clusterissuers -A`).".into(),
                },
            )
            .reproduce(format!("kubectl get issuers -n {ns}; kubectl get clusterissuers"));
            if let Some(cr) = chain.current_request
                && let Some(m) = find_condition(
                    cr.status
                        .as_ref()
                        .map(|s| s.conditions.as_slice())
                        .unwrap_or(&[]),
                    "Ready",
                )
                .and_then(|c| c.message.clone())
            {
                f = f.evidence(format!(
                    "CertificateRequest {}: {m}",
                    cr.metadata.name.as_deref().unwrap_or("")
                ));
            }
            w.add(step, Level::Issuer, f);
        }
        IssuerLink::Found {
            kind,
            meta,
            config,
            status,
        } => {
            let ready = status.and_then(|s| find_condition(&s.conditions, "Ready"));
            let is_ready = ready.is_some_and(|c| c.is_true());
            let step = w.step(
                kind,
                &r.name,
                format!(
                    "{} issuer, {}",
                    config.type_name(),
                    if is_ready { "Ready" } else { "not Ready" }
                ),
            );
            let subject = subject_of(kind, meta);
            let check = if kind == "Issuer" {
                describe("issuer", ns, &r.name)
            } else {
                format!("kubectl describe clusterissuer {}", r.name)
            };
            if !is_ready {
                let reason = ready.and_then(|c| c.reason.as_deref()).unwrap_or("");
                let message = ready
                    .and_then(|c| c.message.as_deref())
                    .unwrap_or("no Ready condition");
                let account = matches!(
                    reason,
                    "ErrRegisterACMEAccount" | "ErrVerifyACMEAccount" | "ErrUpdateACMEAccount"
                );
                let mut f = if account {
                    super::account::account_finding(
                        subject.clone(),
                        kind,
                        ns,
                        reason,
                        message,
                        config,
                    )
                } else {
                    Finding::new(
                        Code::IssuerNotReady,
                        Severity::Error,
                        subject.clone(),
                        if reason.is_empty() {
                            format!("{label} is not Ready: {message}")
                        } else {
                            format!("{label} is not Ready: {reason}: {message}")
                        },
                        remedy::ISSUER_NOT_READY,
                    )
                    .evidence(format!(
                        "Ready={} {reason}: {message}",
                        ready.map_or("(none)", |c| c.status.as_str())
                    ))
                };
                if let Some(e) = event_evidence(&chain.events.request, &["IssuerNotReady"]) {
                    f = f.evidence(e);
                }
                f = f.reproduce(check.clone());
                w.add(step, Level::Issuer, f);
            }
            // A key missing inside a Secret that exists: the secretRef's key is wrong.
            let key_msg = std::iter::once(ready.and_then(|c| c.message.as_deref()).unwrap_or(""))
                .chain(
                    chain
                        .challenges
                        .iter()
                        .filter_map(|c| c.status.as_ref().and_then(|s| s.reason.as_deref())),
                )
                .find(|m| is_secret_key_missing(m));
            if let Some(m) = key_msg {
                w.add(
                    step,
                    Level::Issuer,
                    Finding::new(
                        Code::IssuerSecretKeyMissing,
                        Severity::Warning,
                        subject.clone(),
                        "a Secret the issuer references exists, but not with the key its secretRef names",
                        "The Secret was found, so its namespace is right: fix the `key` of the secretRef in the issuer (or add that key to the Secret). List the Secret's keys with `kubectl get secret NAME -n NS -o jsonpath='{.data}'`.",
                    )
                    .evidence(m.to_string())
                    .reproduce(check.clone()),
                );
            }
            // ClusterIssuer secrets live in the cluster resource namespace, not the Certificate's.
            if kind == "ClusterIssuer" {
                let refs = issuer_secret_refs(config);
                let msg_mentions_secret = |m: &str| {
                    m.contains("secret") && m.contains("not found") && !is_secret_key_missing(m)
                };
                let issuer_msg = ready.and_then(|c| c.message.as_deref()).unwrap_or("");
                let challenge_msg = chain
                    .challenges
                    .iter()
                    .filter_map(|c| c.status.as_ref().and_then(|s| s.reason.as_deref()))
                    .find(|m| msg_mentions_secret(m));
                if !refs.is_empty() && (msg_mentions_secret(issuer_msg) || challenge_msg.is_some())
                {
                    // The Secret the message names, when the issuer references it: with
                    // several solvers, the others are not the missing one.
                    let named = challenge_msg
                        .or(Some(issuer_msg))
                        .and_then(super::account::missing_secret)
                        .filter(|n| refs.contains(n));
                    let refs = named.map_or(refs, |n| vec![n]);
                    let mut f = Finding::new(
                        Code::IssuerSecretNamespace,
                        Severity::Warning,
                        subject.clone(),
                        format!("a ClusterIssuer reads its Secrets ({}) from the cluster resource namespace, not from namespace {ns}", refs.join(", ")),
                        "Create the Secret in cert-manager's cluster resource namespace (the controller's --cluster-resource-namespace; with the Helm chart, the namespace cert-manager runs in), or use a namespaced Issuer.",
                    )
                    .reproduce(format!("kubectl get secret {} -n cert-manager  # or the namespace cert-manager runs in", refs[0]));
                    if let Some(m) = challenge_msg.or(Some(issuer_msg).filter(|m| !m.is_empty())) {
                        f = f.evidence(m.to_string());
                    }
                    w.add(step, Level::Issuer, f);
                }
            }
            if let Some(acme) = &config.acme
                && let Some(f) =
                    rules::wildcard_needs_dns01(subject, &label, &cert.spec.dns_names, acme)
            {
                w.add(step, Level::Issuer, f.reproduce(check));
            }
        }
    }
    invalid_certificate(w, chain);
}

/// `Issuing=False` with reason `InvalidCertificate` (`issuing_controller.go`): the request
/// was signed (Ready=True) but cert-manager refused to store what the issuer returned. Every
/// attempt ends the same way, also while the old certificate is still valid.
fn invalid_certificate(w: &mut Walk, chain: &Chain) {
    let Some(issuing) = cert_condition(chain.certificate, "Issuing")
        .filter(|c| !c.is_true() && c.reason.as_deref() == Some("InvalidCertificate"))
    else {
        return;
    };
    let Some(step) = w.path.len().checked_sub(1) else {
        return;
    };
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.as_deref().unwrap_or("");
    let name = cert.metadata.name.as_deref().unwrap_or("");
    let r = chain.issuer_ref();
    let message = issuing.message.as_deref().unwrap_or("");
    let remedy = if message.contains("already expired") {
        "The issuer signs with an expired CA certificate (or, with Vault's leaf_not_after_behavior=truncate, cuts the leaf to the CA's expired notAfter). Renew or rotate the issuer's CA certificate, then `certdoctor renew`."
    } else if message.contains("does not match the CSR") {
        "The issuer returned a certificate for another key than the CSR's: it is misconfigured (or an external issuer has a bug). Fix the issuer, then `certdoctor renew`."
    } else {
        "The issuer returned data that is not a PEM certificate. Check the issuer (for a CA issuer, its Secret's tls.crt), then `certdoctor renew`."
    };
    let mut f = Finding::new(
        Code::IssuerReturnedInvalidCert,
        Severity::Error,
        Subject::new(
            r.kind_or_default(),
            (r.kind_or_default() != "ClusterIssuer").then_some(ns),
            &r.name,
        ),
        format!(
            "cert-manager rejected the certificate {} {} returned: {message}",
            r.kind_or_default(),
            r.name
        ),
        format!(
            "{remedy} Until then every issuance fails the same way{}.",
            if chain.is_ready() {
                " and the current certificate is not renewed"
            } else {
                ""
            }
        ),
    )
    .evidence(format!(
        "Certificate Issuing=False InvalidCertificate: {message}"
    ));
    if let Some(cr) = chain.current_request {
        let ready = cr
            .status
            .as_ref()
            .and_then(|s| find_condition(&s.conditions, "Ready"));
        f = f.evidence(format!(
            "CertificateRequest {}: Ready={} {}",
            cr.metadata.name.as_deref().unwrap_or(""),
            ready.map_or("(none)", |c| c.status.as_str()),
            ready.and_then(|c| c.reason.as_deref()).unwrap_or("")
        ));
    }
    if let Some(n) = cert
        .status
        .as_ref()
        .and_then(|s| s.failed_issuance_attempts)
    {
        f = f.evidence(format!("failedIssuanceAttempts: {n}"));
    }
    f = f.reproduce(describe("certificate", ns, name));
    w.add(step, Level::Issuer, f);
}

/// On a Ready Certificate with nothing in progress, an issuer problem or a CAA record that
/// forbids the CA only threatens the next renewal: its errors become warnings, unless renewal is already due. Runs after the
/// walk, when the clock is known.
pub(super) fn next_renewal_risks(w: &mut Walk, chain: &Chain, now: Timestamp) {
    if needs_issuance(chain) || !chain.is_ready() {
        return;
    }
    let st = chain.certificate.status.as_ref();
    let due = |t: Option<&str>| t.and_then(timefmt::parse).is_some_and(|t| t <= now);
    if due(st.and_then(|s| s.renewal_time.as_deref()))
        || due(st.and_then(|s| s.not_after.as_deref()))
    {
        return;
    }
    let renewal = st
        .and_then(|s| s.renewal_time.as_deref())
        .and_then(timefmt::parse)
        .map(|t| {
            format!(
                " (renewal {}, {})",
                timefmt::rfc3339(t),
                timefmt::relative(t, now)
            )
        })
        .unwrap_or_default();
    let mut touched = Vec::new();
    for i in 0..w.findings.len() {
        // The issuer's problems and CAA records that forbid the CA only bite at the next
        // issuance.
        let risk = w.levels[i] == Level::Issuer
            || matches!(
                w.findings[i].code,
                Code::CaaForbidsCa | Code::CaaLookupFailed
            );
        if risk && w.findings[i].severity == Severity::Error {
            let f = &mut w.findings[i];
            f.severity = Severity::Warning;
            f.remedy = format!(
                "The Certificate is Ready and nothing is issuing, so this only threatens its next renewal{renewal}. {}",
                f.remedy
            );
            touched.push(i);
        }
    }
    for s in w.path.iter_mut() {
        if s.findings.iter().any(|i| touched.contains(i)) {
            let sev = |i: &usize| w.findings[*i].severity;
            s.state = if s.findings.iter().any(|i| sev(i) == Severity::Error) {
                crate::diagnose::StepState::Failed
            } else {
                crate::diagnose::StepState::Warning
            };
        }
    }
}

/// Remedies of this level, kept out of the control flow above.
mod remedy {
    pub const EXTERNAL_ISSUER: &str = "Check that issuer with its own tooling; certdoctor still checks the request and the Secret.";
    pub const ISSUER_NOT_READY: &str = "Every request to this issuer waits until it is Ready. Fix the issuer's configuration or the Secret it references, per the message.";
}
