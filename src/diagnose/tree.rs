//! The decision tree itself: one function per object, each pure, each adding findings at its
//! level and one step to the walk.

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::core::v1::Secret;

use super::classify::{acme_problem, is_propagation_wait, rate_limit_name, retry_after};
use super::probes::ProbeResults;
use super::solver;
use super::{CertificateDiagnosis, Level, RootCause, Step, root_cause};
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::chain::{
    Chain, ChainIndex, IssuerLink, SecretLink, cert_condition, request_revision,
};
use crate::model::snapshot::Snapshot;
use crate::model::stage;
use crate::model::types::{
    Certificate, CertificateRequest, Challenge, IssuerConfig, Order, find_condition,
};
use crate::pki::{self as inspect, CheckOptions, Purpose};
use crate::timefmt;

/// Collects findings and steps while walking.
struct Walk {
    findings: Vec<Finding>,
    levels: Vec<Level>,
    path: Vec<Step>,
}

impl Walk {
    fn step(&mut self, kind: &str, name: &str, summary: impl Into<String>) -> usize {
        self.path.push(Step {
            kind: kind.into(),
            name: name.into(),
            state: "ok",
            summary: summary.into(),
            findings: vec![],
        });
        self.path.len() - 1
    }

    fn add(&mut self, step: usize, level: Level, f: Finding) {
        let s = &mut self.path[step];
        match f.severity {
            Severity::Error => s.state = "failed",
            Severity::Warning if s.state == "ok" => s.state = "warning",
            _ => {}
        }
        s.findings.push(self.findings.len());
        self.findings.push(f);
        self.levels.push(level);
    }

    fn unknown(&mut self, step: usize) {
        if self.path[step].state == "ok" {
            self.path[step].state = "unknown";
        }
    }
}

fn subject_of(
    kind: &str,
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
) -> Subject {
    Subject::new(
        kind,
        meta.namespace.as_deref(),
        meta.name.as_deref().unwrap_or(""),
    )
}

fn describe(kind: &str, ns: &str, name: &str) -> String {
    format!("kubectl describe {kind} {name} -n {ns}")
}

/// Diagnoses one Certificate.
pub fn diagnose(
    index: &ChainIndex,
    chain: &Chain,
    snapshot: &Snapshot,
    probes: &ProbeResults,
    now: Timestamp,
) -> CertificateDiagnosis {
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.clone().unwrap_or_default();
    let name = cert.metadata.name.clone().unwrap_or_default();
    let mut w = Walk {
        findings: vec![],
        levels: vec![],
        path: vec![],
    };

    certificate_checks(&mut w, chain, index, now);
    issuer_checks(&mut w, chain, snapshot);
    if chain.is_issuing() || !chain.is_ready() || stage::backoff(chain).is_some() {
        request_checks(&mut w, chain);
        order_checks(&mut w, chain, index);
        challenge_checks(&mut w, chain, probes);
    }
    caa_checks(&mut w, chain, probes);
    secret_checks(&mut w, chain, now);

    let root = root_cause(&w.findings, &w.levels).map(|i| RootCause {
        code: w.findings[i].code,
        severity: w.findings[i].severity,
        message: w.findings[i].message.clone(),
    });
    CertificateDiagnosis {
        namespace: ns,
        name,
        healthy: root.is_none(),
        root_cause: root,
        findings: w.findings,
        path: w.path,
        levels: w.levels,
    }
}

fn certificate_checks(w: &mut Walk, chain: &Chain, index: &ChainIndex, now: Timestamp) {
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.as_deref().unwrap_or("");
    let name = cert.metadata.name.as_deref().unwrap_or("");
    let subject = subject_of("Certificate", &cert.metadata);
    let ready = cert_condition(cert, "Ready");
    let summary = match ready {
        Some(c) if c.is_true() => "Ready".to_string(),
        Some(c) => format!("not Ready ({})", c.reason.as_deref().unwrap_or("no reason")),
        None => "no Ready condition yet".to_string(),
    };
    let step = w.step("Certificate", name, summary);
    let check = describe("certificate", ns, name);
    if !chain.is_ready() {
        let mut f = Finding::new(
            Code::CertNotReady,
            Severity::Error,
            subject.clone(),
            match ready {
                Some(c) => format!("not Ready: {}", c.message.as_deref().or(c.reason.as_deref()).unwrap_or("no message")),
                None => "cert-manager has not set a Ready condition yet".into(),
            },
            "Follow the path below to the object where issuance stops; fix that and the Certificate becomes Ready.",
        )
        .reproduce(check.clone());
        if let Some(issuing) = cert_condition(cert, "Issuing") {
            f = f.evidence(format!(
                "Issuing={} {}: {}",
                issuing.status,
                issuing.reason.as_deref().unwrap_or("-"),
                issuing.message.as_deref().unwrap_or("-")
            ));
        }
        w.add(step, Level::Certificate, f);
    }
    if let Some(b) = stage::backoff(chain) {
        let next = if b.next_retry > now {
            format!(
                "the next automatic retry is at {} ({})",
                timefmt::rfc3339(b.next_retry),
                timefmt::relative(b.next_retry, now)
            )
        } else {
            format!(
                "the automatic retry was due at {}",
                timefmt::rfc3339(b.next_retry)
            )
        };
        w.add(
            step,
            Level::Certificate,
            Finding::new(
                Code::IssuanceBackoff,
                if chain.is_ready() { Severity::Warning } else { Severity::Error },
                subject.clone(),
                format!("issuance failed {} time{}; {next}", b.failed_attempts, if b.failed_attempts == 1 { "" } else { "s" }),
                format!("cert-manager waits min(1h·2^(n−1), 32h) between attempts. Fix the cause below, then retry now with `certdoctor renew {name} -n {ns}`."),
            )
            .evidence(format!("failedIssuanceAttempts: {}", b.failed_attempts))
            .evidence(format!("lastFailureTime: {}", timefmt::rfc3339(b.last_failure)))
            .reproduce(check.clone()),
        );
    }
    let st = cert.status.as_ref();
    let not_after = st
        .and_then(|s| s.not_after.as_deref())
        .and_then(timefmt::parse);
    let not_before = st
        .and_then(|s| s.not_before.as_deref())
        .and_then(timefmt::parse);
    if let Some(na) = not_after {
        if na <= now {
            w.add(
                step,
                Level::Certificate,
                Finding::new(Code::CertExpired, Severity::Error, subject.clone(), format!("the issued certificate expired {}", timefmt::relative(na, now)), "Clients reject it now. Fix what blocks issuance (below), then `certdoctor renew`.")
                    .evidence(format!("status.notAfter: {}", timefmt::rfc3339(na))),
            );
        } else {
            let lifetime = not_before
                .map(|nb| na.duration_since(nb))
                .unwrap_or(SignedDuration::from_hours(90 * 24));
            let window = std::cmp::max(lifetime / 3, SignedDuration::from_hours(7 * 24));
            if na.duration_since(now) <= window {
                w.add(
                    step,
                    Level::Certificate,
                    Finding::new(Code::CertExpiringSoon, Severity::Warning, subject.clone(), format!("the certificate expires {}", timefmt::relative(na, now)), "cert-manager should be renewing it; if the path below shows no issuance in progress, check the renewal time and run `certdoctor renew`.")
                        .evidence(format!("status.notAfter: {}", timefmt::rfc3339(na))),
                );
            }
        }
    }
    if let Some(renewal) = st
        .and_then(|s| s.renewal_time.as_deref())
        .and_then(timefmt::parse)
        && renewal < now
        && chain.is_ready()
        && !chain.is_issuing()
        && stage::backoff(chain).is_none()
    {
        w.add(
            step,
            Level::Certificate,
            Finding::new(Code::RenewalOverdue, Severity::Warning, subject.clone(), format!("renewal was due {} but no issuance is running", timefmt::relative(renewal, now)), format!("Check that the cert-manager controller is running (`kubectl get pods -n cert-manager`) and look at its logs; `certdoctor renew {name} -n {ns}` triggers renewal now."))
                .evidence(format!("status.renewalTime: {}", timefmt::rfc3339(renewal))),
        );
    }
    let sharing: Vec<&str> = index
        .certificates_for_secret(ns, &cert.spec.secret_name)
        .iter()
        .filter(|c| c.metadata.name != cert.metadata.name)
        .filter_map(|c| c.metadata.name.as_deref())
        .collect();
    if !sharing.is_empty() {
        w.add(
            step,
            Level::Certificate,
            Finding::new(Code::SecretShared, Severity::Error, subject, format!("Secret {} is also the secretName of {}", cert.spec.secret_name, sharing.join(", ")), "Two Certificates writing one Secret re-issue in a loop (IncorrectCertificate). Give each its own spec.secretName or delete the duplicate.")
                .reproduce(format!("kubectl get certificates -n {ns} -o custom-columns=NAME:.metadata.name,SECRET:.spec.secretName")),
        );
    }
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

fn issuer_checks(w: &mut Walk, chain: &Chain, snapshot: &Snapshot) {
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
                Finding::new(Code::ExternalIssuer, Severity::Info, Subject::new(kind, Some(ns), &r.name), format!("{label} belongs to {}, which certdoctor does not read", r.group_or_default()), "Check that issuer with its own tooling; certdoctor still checks the request and the Secret.")
                    .reproduce(format!("kubectl describe {}.{} {} -n {ns}", kind.to_lowercase(), r.group_or_default(), r.name)),
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
            let mut f = Finding::new(
                Code::IssuerNotFound,
                Severity::Error,
                Subject::new(kind, (kind == "Issuer").then_some(ns), &r.name),
                match other {
                    Some(o) => format!("{label} does not exist, but a {o} named {} does", r.name),
                    None if kind == "Issuer" => format!("{label} does not exist in namespace {ns}"),
                    None => format!("{label} does not exist"),
                },
                match other {
                    Some(o) => format!("Set spec.issuerRef.kind: {o} on the Certificate (or the cert-manager.io/{} annotation on its Ingress); kind defaults to Issuer (cert-manager#3414).", if o == "ClusterIssuer" { "cluster-issuer" } else { "issuer" }),
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
                    let p = acme_problem(message);
                    let mut f = Finding::new(
                        Code::AcmeAccountRegistrationFailed,
                        Severity::Error,
                        subject.clone(),
                        format!("the ACME account could not be {}: {}", match reason { "ErrVerifyACMEAccount" => "verified", "ErrUpdateACMEAccount" => "updated", _ => "registered" }, p.as_ref().map_or(message.to_string(), |p| format!("{} ({})", p.detail, p.type_))),
                        match p.as_ref().map(|p| p.type_.as_str()) {
                            Some("invalidContact") | Some("invalidEmail") => "The ACME server rejects the account email: set spec.acme.email to a real, deliverable address (not example.com). 4xx registration errors are not retried: the issuer becomes Ready once the spec changes.",
                            Some("externalAccountRequired") => "This ACME server needs External Account Binding: set spec.acme.externalAccountBinding with the key ID and HMAC secret from the CA.",
                            _ => "Check spec.acme.server, spec.acme.email and the account key Secret (spec.acme.privateKeySecretRef); 4xx errors are not retried until the issuer changes.",
                        },
                    )
                    .evidence(format!("Ready=False {reason}: {message}"));
                    if let Some(p) = p {
                        f = f.evidence(format!(
                            "ACME problem: {} urn:ietf:params:acme:error:{}",
                            p.status.map_or("-".into(), |s| s.to_string()),
                            p.type_
                        ));
                    }
                    f
                } else {
                    Finding::new(Code::IssuerNotReady, Severity::Error, subject.clone(), if reason.is_empty() { format!("{label} is not Ready: {message}") } else { format!("{label} is not Ready: {reason}: {message}") }, "Every request to this issuer waits until it is Ready. Fix the issuer's configuration or the Secret it references, per the message.")
                        .evidence(format!("Ready={} {reason}: {message}", ready.map_or("(none)", |c| c.status.as_str())))
                };
                f = f.reproduce(check.clone());
                w.add(step, Level::Issuer, f);
            }
            // ClusterIssuer secrets live in the cluster resource namespace, not the Certificate's.
            if kind == "ClusterIssuer" {
                let refs = issuer_secret_refs(config);
                let msg_mentions_secret = |m: &str| m.contains("secret") && m.contains("not found");
                let issuer_msg = ready.and_then(|c| c.message.as_deref()).unwrap_or("");
                let challenge_msg = chain
                    .challenges
                    .iter()
                    .filter_map(|c| c.status.as_ref().and_then(|s| s.reason.as_deref()))
                    .find(|m| msg_mentions_secret(m));
                if !refs.is_empty() && (msg_mentions_secret(issuer_msg) || challenge_msg.is_some())
                {
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
                && cert.spec.dns_names.iter().any(|n| n.starts_with("*."))
                && !acme.solvers.iter().any(|s| s.get("dns01").is_some())
            {
                w.add(
                    step,
                    Level::Issuer,
                    Finding::new(Code::WildcardNeedsDns01, Severity::Error, subject, format!("the Certificate asks for a wildcard name, but {label} has no DNS-01 solver"), "ACME CAs validate wildcard names only with DNS-01. Add a dns01 solver to the issuer (with a selector for this zone), or drop the wildcard.")
                        .evidence(format!("wildcard names: {}", cert.spec.dns_names.iter().filter(|n| n.starts_with("*.")).cloned().collect::<Vec<_>>().join(", ")))
                        .reproduce(check),
                );
            }
        }
    }
}

fn cr_conditions(cr: &CertificateRequest) -> &[crate::model::Condition] {
    cr.status
        .as_ref()
        .map(|s| s.conditions.as_slice())
        .unwrap_or(&[])
}

fn request_checks(w: &mut Walk, chain: &Chain) {
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.as_deref().unwrap_or("");
    let Some(cr) = chain.current_request else {
        let step = w.step(
            "CertificateRequest",
            "-",
            if chain.is_issuing() {
                "not created yet"
            } else {
                "none"
            },
        );
        w.unknown(step);
        return;
    };
    let name = cr.metadata.name.as_deref().unwrap_or("");
    let conds = cr_conditions(cr);
    let is = |t: &str| find_condition(conds, t).filter(|c| c.is_true());
    let ready = find_condition(conds, "Ready");
    let step = w.step(
        "CertificateRequest",
        name,
        format!(
            "revision {}, {}",
            request_revision(cr).map_or("?".into(), |r| r.to_string()),
            match ready {
                Some(c) if c.is_true() => "Issued".to_string(),
                Some(c) => format!("{} {}", c.status, c.reason.as_deref().unwrap_or("")),
                None => "no Ready condition".into(),
            }
        ),
    );
    if !ready.is_some_and(|c| c.is_true()) {
        w.unknown(step);
    }
    let subject = subject_of("CertificateRequest", &cr.metadata);
    let check = describe("certificaterequest", ns, name);
    if let Some(d) = is("Denied") {
        w.add(
            step,
            Level::Request,
            Finding::new(Code::RequestDenied, Severity::Error, subject, format!("denied by {}: {}", d.reason.as_deref().unwrap_or("an approver"), d.message.as_deref().unwrap_or("no reason given")), "A denial is final. Change the Certificate so the approver's policy allows it (or fix the policy), then `certdoctor renew` creates a new request.")
                .evidence(format!("Denied=True reason {} (the approver)", d.reason.as_deref().unwrap_or("-")))
                .reproduce(check),
        );
        return;
    }
    if let Some(c) = is("InvalidRequest") {
        w.add(
            step,
            Level::Request,
            Finding::new(Code::RequestInvalid, Severity::Error, subject, format!("the issuer rejected the request as invalid: {}", c.message.as_deref().unwrap_or("-")), "Fix the Certificate spec per the message (names, usages, duration); cert-manager creates a new request when the spec changes.")
                .reproduce(check),
        );
        return;
    }
    if is("Approved").is_none() {
        w.add(
            step,
            Level::Request,
            Finding::new(Code::RequestNotApproved, Severity::Error, subject, "the request is neither Approved nor Denied, so no issuer will sign it", "Auto-approval may be disabled (Helm disableAutoApproval) or no approver-policy matches. Approve it (`cmctl approve`) or add a matching CertificateRequestPolicy.")
                .evidence("no Approved or Denied condition")
                .reproduce(check),
        );
        return;
    }
    if let Some(c) = ready.filter(|c| c.reason.as_deref() == Some("Failed")) {
        let m = c.message.clone().unwrap_or_default();
        let mut f = Finding::new(Code::RequestFailed, Severity::Error, subject, format!("the request failed: {m}"), "cert-manager retries with backoff; fix the cause below (or in the message), then `certdoctor renew`.")
            .reproduce(check);
        if let Some(t) = cr.status.as_ref().and_then(|s| s.failure_time.as_deref()) {
            f = f.evidence(format!("failureTime: {t}"));
        }
        w.add(step, Level::Request, f);
    }
}

fn order_checks(w: &mut Walk, chain: &Chain, index: &ChainIndex) {
    let Some(order) = chain.order else { return };
    let ns = order.metadata.namespace.as_deref().unwrap_or("");
    let name = order.metadata.name.as_deref().unwrap_or("");
    let st = order.status.as_ref();
    let state = st.and_then(|s| s.state.as_deref()).unwrap_or("");
    let step = w.step(
        "Order",
        name,
        if state.is_empty() {
            "not submitted yet".to_string()
        } else {
            state.to_string()
        },
    );
    if state != "valid" {
        w.unknown(step);
    }
    let subject = subject_of("Order", &order.metadata);
    let check = describe("order", ns, name);
    // Orders that failed on creation carry the ACME error in their reason; orders whose
    // authorization failed carry nothing, and the Challenge explains them.
    let reason = st
        .and_then(|s| s.reason.clone())
        .filter(|r| !r.trim().is_empty());
    if matches!(state, "invalid" | "errored" | "expired") {
        let text = reason.clone().unwrap_or_default();
        let problem = acme_problem(&text);
        let f = match problem.as_ref().map(|p| p.type_.as_str()) {
            Some("rateLimited") => {
                let limit = rate_limit_name(&text).unwrap_or("a Let's Encrypt rate limit");
                let retry = retry_after(&text);
                let mut f = Finding::new(
                    Code::AcmeRateLimited,
                    Severity::Error,
                    subject.clone(),
                    match &retry {
                        Some(t) => format!("rate limited until {t}: {limit}"),
                        None => format!("rate limited: {limit}"),
                    },
                    "Wait until the retry-after time; renewing again before then only extends the limit. Test fixes against a staging issuer (acme-staging-v02) first.",
                )
                .evidence(text.clone());
                if let Some(t) = retry {
                    f = f.evidence(format!("retry after: {t}"));
                }
                f
            }
            Some("caa") => Finding::new(Code::AcmeCaaForbidden, Severity::Error, subject.clone(), "the CA refused because a CAA record forbids it", "Add a CAA record allowing the CA (for Let's Encrypt: `0 issue \"letsencrypt.org\"`) at the name the message names, or remove the restrictive one.").evidence(text.clone()),
            _ => {
                let mut f = Finding::new(
                    Code::OrderFailed,
                    Severity::Error,
                    subject.clone(),
                    match (&problem, &reason) {
                        (Some(p), _) => format!("the order is {state}: {} ({})", p.detail, p.type_),
                        (None, Some(r)) => format!("the order is {state}: {r}"),
                        (None, None) => format!("the order is {state}; an authorization failed (see the Challenges)"),
                    },
                    "A failed Order is not retried; cert-manager creates a new one after its backoff. Fix the cause, then `certdoctor renew`.",
                );
                if let Some(p) = &problem {
                    f = f.evidence(format!("ACME problem: {} urn:ietf:params:acme:error:{}", p.status.map_or("-".into(), |s| s.to_string()), p.type_));
                }
                if let Some(r) = &reason {
                    f = f.evidence(r.clone());
                }
                f
            }
        };
        w.add(step, Level::Order, f.reproduce(check.clone()));
    }
    // No Challenges for pending authorizations: no solver matched.
    if state == "pending" && chain.challenges.is_empty() {
        no_solver(w, step, chain, order, index, &subject, &check);
    }
}

fn no_solver(
    w: &mut Walk,
    step: usize,
    chain: &Chain,
    order: &Order,
    index: &ChainIndex,
    subject: &Subject,
    check: &str,
) {
    let IssuerLink::Found { config, .. } = chain.issuer else {
        return;
    };
    let Some(acme) = &config.acme else { return };
    let labels: Vec<(String, String)> = chain
        .certificate
        .metadata
        .labels
        .as_ref()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let mut evidence = Vec::new();
    for a in order
        .status
        .as_ref()
        .map(|s| s.authorizations.as_slice())
        .unwrap_or(&[])
    {
        if a.initial_state.as_deref() == Some("valid") {
            continue;
        }
        let id = a.identifier.clone().unwrap_or_default();
        let name = if a.wildcard == Some(true) {
            format!("*.{id}")
        } else {
            id
        };
        let offered: Vec<String> = a.challenges.iter().map(|c| c.type_.clone()).collect();
        let sel = solver::select(&acme.solvers, &name, &offered, &labels);
        if sel.chosen.is_none() {
            evidence.push(format!("{name}: no solver matches"));
            for v in sel.verdicts {
                evidence.push(format!(
                    "  solver {} ({}): {}",
                    v.index,
                    v.kind,
                    v.rejected.unwrap_or_default()
                ));
            }
            if acme.solvers.is_empty() {
                evidence.push("  the issuer has no solvers".into());
            }
        }
    }
    let event = index
        .events(&order.metadata)
        .iter()
        .rev()
        .find(|e| e.reason.as_deref() == Some("Solver"))
        .and_then(|e| e.message.clone());
    if evidence.is_empty() && event.is_none() {
        return;
    }
    let mut f = Finding::new(
        Code::NoMatchingSolver,
        Severity::Error,
        subject.clone(),
        "no solver of the issuer can be used for some names, so no Challenge was created",
        "Add or fix a solver whose selector (dnsNames exact, dnsZones suffix, matchLabels on the Certificate) matches each name, and whose type the CA offers (wildcards need dns01).",
    )
    .reproduce(check.to_string());
    if let Some(e) = event {
        f = f.evidence(format!("Order event Solver: {e}"));
    }
    for e in evidence {
        f = f.evidence(e);
    }
    w.add(step, Level::Order, f);
}

/// `namespace/name` key of a Challenge, as probes index their results.
pub fn challenge_key(ch: &Challenge) -> String {
    format!(
        "{}/{}",
        ch.metadata.namespace.as_deref().unwrap_or(""),
        ch.metadata.name.as_deref().unwrap_or("")
    )
}

fn challenge_checks(w: &mut Walk, chain: &Chain, probes: &ProbeResults) {
    for ch in &chain.challenges {
        let ns = ch.metadata.namespace.as_deref().unwrap_or("");
        let name = ch.metadata.name.as_deref().unwrap_or("");
        let st = ch.status.as_ref();
        let state = st.and_then(|s| s.state.as_deref()).unwrap_or("");
        let reason = st
            .and_then(|s| s.reason.clone())
            .filter(|r| !r.trim().is_empty());
        let presented = st.is_some_and(|s| s.presented);
        let dns_name = ch.display_name();
        let queued = ch.is_queued();
        let step = w.step(
            "Challenge",
            &format!("{} {dns_name}", ch.spec.type_),
            if queued {
                "queued (waits for another challenge of the same name)".to_string()
            } else {
                format!(
                    "{}, presented {}",
                    if state.is_empty() { "pending" } else { state },
                    if presented { "yes" } else { "no" }
                )
            },
        );
        if queued || state == "valid" {
            if queued {
                w.unknown(step);
            }
            continue;
        }
        w.unknown(step);
        let subject = subject_of("Challenge", &ch.metadata).part(&dns_name);
        let check = describe("challenge", ns, name);
        let text = reason.clone().unwrap_or_default();
        match state {
            "invalid" | "errored" => {
                let problem = acme_problem(&text);
                let f = if problem.as_ref().is_some_and(|p| p.type_ == "caa") {
                    Finding::new(Code::AcmeCaaForbidden, Severity::Error, subject.clone(), format!("the CA refused {dns_name} because of a CAA record"), "Add a CAA record allowing the CA (for Let's Encrypt: `0 issue \"letsencrypt.org\"`), or remove the restrictive one; see the CAA probe below.")
                } else {
                    Finding::new(
                        Code::ChallengeInvalid,
                        Severity::Error,
                        subject.clone(),
                        match &problem {
                            Some(p) => format!("the CA's validation of {dns_name} failed: {} ({})", p.detail, p.type_),
                            None => format!("the challenge is {state}: {}", if text.is_empty() { "no reason recorded" } else { &text }),
                        },
                        "The CA could not validate from the internet. Fix what the message says (DNS, firewall, the path served), check it with the probes below, then `certdoctor renew` for a fresh order.",
                    )
                };
                w.add(step, Level::Challenge, f.evidence(text.clone()).reproduce(check.clone()));
            }
            "expired" => w.add(
                step,
                Level::Challenge,
                Finding::new(Code::ChallengeExpired, Severity::Error, subject.clone(), format!("the authorization for {dns_name} expired before it was validated"), "The self-check never passed in time. Fix propagation (below), then `certdoctor renew` for a fresh order.")
                    .evidence(text.clone())
                    .reproduce(check.clone()),
            ),
            _ => {
                if is_propagation_wait(&text) {
                    w.add(
                        step,
                        Level::Challenge,
                        Finding::new(Code::ChallengeNotPropagated, Severity::Error, subject.clone(), format!("cert-manager's self-check for {dns_name} fails: {}", text.split_once(": ").map_or(text.as_str(), |(_, r)| r)), if ch.spec.type_.eq_ignore_ascii_case("DNS-01") {
                            "The TXT record is not visible at every authoritative nameserver yet. The DNS probe below shows which server lacks it."
                        } else {
                            "cert-manager cannot fetch the token over HTTP. The HTTP probe below shows what is served instead."
                        })
                        .evidence(text.clone())
                        .reproduce(check.clone()),
                    );
                } else if !presented && !text.is_empty() && !text.to_ascii_lowercase().starts_with("waiting ") {
                    w.add(
                        step,
                        Level::Challenge,
                        Finding::new(Code::ChallengePresentFailed, Severity::Error, subject.clone(), format!("the solver could not present the challenge: {text}"), if ch.spec.type_.eq_ignore_ascii_case("DNS-01") {
                            "The DNS provider call failed: check the solver's credentials Secret, its key names and the zone it is allowed to edit; the PresentError event has the full provider error."
                        } else {
                            "The HTTP-01 solver resources (Ingress/HTTPRoute, Service, Pod) could not be created: check the ingress class, admission webhooks and the events."
                        })
                        .evidence(text.clone())
                        .reproduce(check.clone())
                        .reproduce(format!("kubectl get events -n {ns} --field-selector involvedObject.name={name}")),
                    );
                }
            }
        }
        for f in probes.for_challenge(&challenge_key(ch)) {
            w.add(step, Level::Probe, f.clone());
        }
    }
}

/// CAA findings for the Certificate's names: checked for every ACME Certificate, since a
/// CAA record added after the last issuance breaks the next renewal.
fn caa_checks(w: &mut Walk, chain: &Chain, probes: &ProbeResults) {
    let mut caa_step = None;
    for n in &chain.certificate.spec.dns_names {
        for f in probes.for_name(n) {
            let step = *caa_step.get_or_insert_with(|| w.step("CAA", "records", "checked"));
            w.add(step, Level::Probe, f.clone());
        }
    }
}

fn secret_checks(w: &mut Walk, chain: &Chain, now: Timestamp) {
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.as_deref().unwrap_or("");
    let secret_name = &cert.spec.secret_name;
    match chain.secret {
        SecretLink::Unknown => {
            let step = w.step(
                "Secret",
                secret_name,
                "could not be read (see the warning on stderr)",
            );
            w.unknown(step);
        }
        SecretLink::Missing => {
            let step = w.step("Secret", secret_name, "not found");
            if cert.status.as_ref().and_then(|s| s.revision).is_some() {
                w.add(
                    step,
                    Level::Secret,
                    Finding::new(Code::SecretNotFound, Severity::Error, Subject::new("Secret", Some(ns), secret_name), "the Secret was issued before but is gone (or is not of type kubernetes.io/tls)", format!("cert-manager re-creates it on its next sync; `certdoctor renew {} -n {ns}` forces it.", cert.metadata.name.as_deref().unwrap_or("")))
                        .reproduce(format!("kubectl get secret {secret_name} -n {ns}")),
                );
            } else {
                w.unknown(step);
            }
        }
        SecretLink::Found(secret) => {
            let step = w.step("Secret", secret_name, "present");
            for f in secret_findings(secret, cert, now) {
                // The Certificate-level checks already cover expiry from status; every other
                // Secret finding stands, even when its code repeats.
                let expiry = matches!(f.code, Code::CertExpired | Code::CertExpiringSoon);
                if expiry && w.findings.iter().any(|g| g.code == f.code) {
                    continue;
                }
                w.add(step, Level::Secret, f);
            }
        }
    }
}

fn secret_findings(secret: &Secret, cert: &Certificate, now: Timestamp) -> Vec<Finding> {
    let subject = subject_of("Secret", &secret.metadata);
    let get = |k: &str| {
        secret
            .data
            .as_ref()
            .and_then(|d| d.get(k))
            .map(|b| b.0.as_slice())
    };
    let annotations: std::collections::BTreeMap<String, String> = secret
        .metadata
        .annotations
        .clone()
        .unwrap_or_default()
        .into_iter()
        .collect();
    let key_removed = inspect::removed_keys(&annotations)
        .iter()
        .any(|k| k == "tls.key");
    let opts = CheckOptions {
        now,
        purpose: Purpose::IssuedTlsCrt,
        warn_within: None,
    };
    let pair = inspect::check_tls_pair(&subject, get("tls.crt"), get("tls.key"), key_removed, opts);
    let mut findings = pair.findings;
    let leaf = pair.certificates.into_iter().next();
    // Checked against this Certificate only: a second owner is reported once, as
    // SECRET_SHARED on the Certificate.
    let owners: Vec<&Certificate> = vec![cert];
    inspect::spec_checks(
        &subject,
        leaf.as_ref(),
        &annotations,
        &owners,
        &mut findings,
    );
    findings
}
