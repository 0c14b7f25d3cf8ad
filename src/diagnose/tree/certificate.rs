//! Certificate level: Ready, backoff, expiry, the renewal that did not happen, and a Secret two Certificates write.

use jiff::{SignedDuration, Timestamp};

use super::issuer::event_evidence;
use super::{Walk, describe, subject_of};
use crate::diagnose::Level;
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::chain::{Chain, ChainIndex, cert_condition};
use crate::model::stage;
use crate::timefmt;

/// How long a condition may lag the spec before the controller counts as not reconciling.
const STALE_AFTER: SignedDuration = SignedDuration::from_secs(60);

/// The checks that need the clock after the walk (the walk's own signature carries it only
/// to the Certificate and Secret levels): issuer problems of a Ready Certificate become
/// next-renewal risks, and a request's wait for approval is judged by its age.
pub(super) fn after_walk(w: &mut Walk, chain: &Chain, now: Timestamp) {
    super::issuer::next_renewal_risks(w, chain, now);
    super::request::approval_age(w, chain, now);
}

/// SECRET_SHARED as cert-manager v1.14+ resolves it: one owner is issued, the others never.
fn shared_secret(w: &mut Walk, step: usize, chain: &Chain) {
    let Some(shared) = &chain.shared_secret else {
        return;
    };
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.as_deref().unwrap_or("");
    let secret = &cert.spec.secret_name;
    let owner = shared.owner.metadata.name.as_deref().unwrap_or("");
    let why = if shared.by_annotation {
        format!("the Secret's cert-manager.io/certificate-name annotation names {owner}")
    } else {
        format!(
            "{owner} is the oldest of them (creationTimestamp), and the Secret's cert-manager.io/certificate-name annotation names none of them"
        )
    };
    let others: Vec<&str> = shared
        .others
        .iter()
        .filter_map(|c| c.metadata.name.as_deref())
        .collect();
    let reproduce = format!(
        "kubectl get certificates -n {ns} -o custom-columns=NAME:.metadata.name,SECRET:.spec.secretName,CREATED:.metadata.creationTimestamp; kubectl get secret {secret} -n {ns} -o jsonpath='{{.metadata.annotations.cert-manager\\.io/certificate-name}}'"
    );
    let created = |c: &crate::model::types::Certificate| {
        format!(
            "Certificate {} created {}",
            c.metadata.name.as_deref().unwrap_or(""),
            c.metadata
                .creation_timestamp
                .as_ref()
                .map_or("-".into(), |t| timefmt::rfc3339(t.0))
        )
    };
    let f = if shared.is_owner(cert) {
        Finding::new(
            Code::SecretShared,
            Severity::Warning,
            Subject::new(
                "Certificate",
                Some(ns),
                cert.metadata.name.as_deref().unwrap_or(""),
            ),
            format!(
                "Secret {secret} is also the secretName of {}; this Certificate owns it, so cert-manager never issues {}",
                others.join(", "),
                if others.len() == 1 {
                    "that one"
                } else {
                    "those"
                }
            ),
            format!(
                "Since v1.14 cert-manager lets one Certificate write a shared Secret ({why}) and silently skips the others. Give {} its own spec.secretName, or delete it.",
                others.join(", ")
            ),
        )
    } else {
        Finding::new(
            Code::SecretShared,
            Severity::Error,
            Subject::new(
                "Certificate",
                Some(ns),
                cert.metadata.name.as_deref().unwrap_or(""),
            ),
            format!(
                "this Certificate is never issued: Secret {secret} belongs to Certificate {owner}"
            ),
            format!(
                "Since v1.14 cert-manager lets one Certificate write a shared Secret ({why}); it skips every other one silently (no Event, no condition change; it re-checks every 3 minutes). Give this Certificate its own spec.secretName, or delete it if {owner} is the one you want."
            ),
        )
    };
    let mut f = f.evidence(created(shared.owner));
    for c in &shared.others {
        f = f.evidence(created(c));
    }
    w.add(step, Level::Certificate, f.reproduce(reproduce));
}

/// `Ready.observedGeneration < metadata.generation`: the condition describes an older spec.
fn stale_condition(w: &mut Walk, step: usize, chain: &Chain, now: Timestamp) {
    let cert = chain.certificate;
    let (Some(generation), Some(ready)) = (cert.metadata.generation, cert_condition(cert, "Ready"))
    else {
        return;
    };
    let Some(observed) = ready.observed_generation.filter(|o| *o < generation) else {
        return;
    };
    let since = ready
        .last_transition_time
        .as_deref()
        .and_then(timefmt::parse)
        .or_else(|| cert.metadata.creation_timestamp.as_ref().map(|t| t.0));
    if since.is_some_and(|t| now.duration_since(t) < STALE_AFTER) {
        return;
    }
    let ns = cert.metadata.namespace.as_deref().unwrap_or("");
    let name = cert.metadata.name.as_deref().unwrap_or("");
    let mut f = Finding::new(
        Code::ConditionStale,
        Severity::Warning,
        subject_of("Certificate", &cert.metadata),
        format!("the Ready condition describes generation {observed}, but the spec is at generation {generation}: cert-manager has not reconciled the last spec change"),
        "The cluster state cannot tell when the spec changed: if that was more than a minute ago, the cert-manager controller is not processing this Certificate (not running, crash-looping, lost leader election, or started with --namespace for another namespace). Check the spec's last change in managedFields, then the controller's pods and logs.",
    )
    .evidence(format!("metadata.generation: {generation}; Ready.observedGeneration: {observed}"));
    if let Some(t) = since {
        f = f.evidence(format!(
            "Ready last changed {} ({})",
            timefmt::rfc3339(t),
            timefmt::relative(t, now)
        ));
    }
    f = f
        .reproduce(format!("kubectl get certificate {name} -n {ns} -o jsonpath='{{range .metadata.managedFields[*]}}{{.manager}} {{.operation}} {{.time}}{{\"\\n\"}}{{end}}'"))
        .reproduce("kubectl get pods -n cert-manager; kubectl get lease -n kube-system cert-manager-controller");
    w.add(step, Level::Certificate, f);
}

pub(super) fn certificate_checks(w: &mut Walk, chain: &Chain, index: &ChainIndex, now: Timestamp) {
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
    // A Certificate that does not own its shared Secret is never issued: that explains the
    // rest, so it is checked first and wins the tie at this level.
    shared_secret(w, step, chain);
    stale_condition(w, step, chain, now);
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
        if let Some(e) = event_evidence(&chain.events.certificate, &["RequestFailed", "Failed"]) {
            f = f.evidence(e);
        }
        w.add(step, Level::Certificate, f);
    }
    if let Some(b) = stage::backoff(chain) {
        w.add(
            step,
            Level::Certificate,
            Finding::new(
                Code::IssuanceBackoff,
                if chain.is_ready() { Severity::Warning } else { Severity::Error },
                subject.clone(),
                format!("issuance {}", b.describe(now)),
                if rate_limited(chain) {
                    "cert-manager waits min(1h·2^(n−1), 32h) between attempts. The CA's rate limit caused the failure: a retry before its retry-after time fails again, so wait for that time (see the root cause) and only then retry with `certdoctor renew`.".to_string()
                } else {
                    format!("cert-manager waits min(1h·2^(n−1), 32h) between attempts. Fix the cause below, then retry now with `certdoctor renew {name} -n {ns}`.")
                },
            )
            .evidence(format!("failedIssuanceAttempts: {}", b.failed_attempts))
            .evidence(format!("lastFailureTime: {}", timefmt::rfc3339(b.last_failure)))
            .evidence(format!("next automatic retry: {}", timefmt::rfc3339(b.next_retry)))
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
                Finding::new(
                    Code::CertExpired,
                    Severity::Error,
                    subject.clone(),
                    format!(
                        "the issued certificate expired {}",
                        timefmt::relative(na, now)
                    ),
                    remedy::CERT_EXPIRED,
                )
                .evidence(format!("status.notAfter: {}", timefmt::rfc3339(na))),
            );
        } else {
            let lifetime = not_before
                .map(|nb| na.duration_since(nb))
                .unwrap_or(SignedDuration::from_hours(90 * 24));
            let window = stage::expiry_warning_window(lifetime);
            if na.duration_since(now) <= window {
                w.add(
                    step,
                    Level::Certificate,
                    Finding::new(
                        Code::CertExpiringSoon,
                        Severity::Warning,
                        subject.clone(),
                        format!("the certificate expires {}", timefmt::relative(na, now)),
                        if crate::model::renewal::renewal(cert).disabled() {
                            remedy::CERT_EXPIRING_RENEWAL_DISABLED
                        } else {
                            remedy::CERT_EXPIRING_SOON
                        },
                    )
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
        && !crate::model::renewal::renewal(cert).waits_for_window(now)
    {
        // cert-manager sets Issuing=True at renewalTime itself (a scheduled requeue, or at once
        // after a restart): an hour later, nothing will renew it unless something changes.
        let severity = if now.duration_since(renewal) >= RENEWAL_GRACE {
            Severity::Error
        } else {
            Severity::Warning
        };
        w.add(
            step,
            Level::Certificate,
            Finding::new(Code::RenewalOverdue, severity, subject.clone(), format!("renewal was due {} but no issuance is running", timefmt::relative(renewal, now)), format!("cert-manager's controller did not start the renewal: check that it runs, that it watches this namespace (no --namespace flag limiting it elsewhere) and its logs (`kubectl logs -n cert-manager deploy/cert-manager`); `certdoctor renew {name} -n {ns}` triggers renewal now."))
                .evidence(format!("status.renewalTime: {}", timefmt::rfc3339(renewal))),
        );
    }
    let _ = index;
    if let Some(f) = issuance_loop(chain, now) {
        w.add(step, Level::Certificate, f);
    }
}

/// Whether the last failure was the CA's rate limit (the Certificate's `Issuing` message, its
/// request's `Ready` message or its Order's reason carries `rateLimited`), so retrying now
/// only fails again.
fn rate_limited(chain: &Chain) -> bool {
    let issuing = cert_condition(chain.certificate, "Issuing").and_then(|c| c.message.as_deref());
    let request = chain.current_request.and_then(|cr| {
        let conds = cr.status.as_ref().map(|s| s.conditions.as_slice())?;
        crate::model::types::find_condition(conds, "Ready")?
            .message
            .as_deref()
    });
    let order = chain
        .order
        .and_then(|o| o.status.as_ref())
        .and_then(|s| s.reason.as_deref());
    [issuing, request, order]
        .into_iter()
        .flatten()
        .any(|m| m.contains("rateLimited"))
}

/// How long after `status.renewalTime` a renewal that has not started is an error: the
/// controller acts at that moment, so an hour late means it is not acting.
const RENEWAL_GRACE: SignedDuration = SignedDuration::from_hours(1);

/// Issuances in the last hour that make a loop: cert-manager#3603, #8993 (five certificates
/// in ten seconds).
const LOOP_EVENTS_PER_HOUR: i64 = 3;

/// A revision this high, reached in fewer hours than the revision number, is a loop.
const LOOP_REVISION: i64 = 5;

/// A Certificate issued over and over: repeated `Issuing`/`Requested` Events within the hour,
/// or a revision that climbs fast for the Certificate's age. Each issuance spends the CA's
/// rate limits (Let's Encrypt: 5 duplicate certificates a week).
fn issuance_loop(chain: &Chain, now: Timestamp) -> Option<Finding> {
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.as_deref().unwrap_or("");
    let name = cert.metadata.name.as_deref().unwrap_or("");
    let hour_ago = now - SignedDuration::from_hours(1);
    let recent: i64 = chain
        .events
        .certificate
        .iter()
        .filter(|e| matches!(e.reason.as_deref(), Some("Issuing" | "Requested")))
        .filter(|e| crate::model::chain::event_time(e).is_some_and(|t| t >= hour_ago))
        .map(|e| i64::from(e.count.unwrap_or(1).max(1)))
        .sum();
    let revision = cert.status.as_ref().and_then(|s| s.revision).unwrap_or(0);
    let age = cert
        .metadata
        .creation_timestamp
        .as_ref()
        .map(|t| now.duration_since(t.0));
    let fast =
        revision >= LOOP_REVISION && age.is_some_and(|a| a < SignedDuration::from_hours(revision));
    if recent < LOOP_EVENTS_PER_HOUR && !fast {
        return None;
    }
    let mut f = Finding::new(
        Code::IssuanceLoop,
        Severity::Error,
        Subject::new("Certificate", Some(ns), name),
        if recent >= LOOP_EVENTS_PER_HOUR {
            format!("issued {recent} times in the last hour: cert-manager is re-issuing in a loop")
        } else {
            format!(
                "revision {revision} after {}: cert-manager is re-issuing in a loop",
                age.map_or("-".into(), timefmt::short)
            )
        },
        "Every issuance spends the CA's rate limits (Let's Encrypt: 5 certificates a week for the same names). Something undoes each issuance: two Certificates on one Secret (SECRET_SHARED), another tool writing the Secret (reflector, sealed-secrets, a Helm or Argo CD release that also manages it), or a spec the issuer cannot satisfy (the Issuing reason says which). Find who writes the Secret, stop it, then let one issuance finish.",
    )
    .evidence(format!("status.revision: {revision}"))
    .reproduce(format!("kubectl get events -n {ns} --field-selector involvedObject.name={name}"))
    .reproduce(format!(
        "kubectl get secret {} -n {ns} --show-managed-fields -o yaml | grep -A3 manager:",
        cert.spec.secret_name
    ));
    if recent > 0 {
        f = f.evidence(format!(
            "Issuing/Requested events in the last hour: {recent}"
        ));
    }
    if let Some(c) = cert_condition(cert, "Issuing") {
        f = f.evidence(format!(
            "Issuing={} {}: {}",
            c.status,
            c.reason.as_deref().unwrap_or("-"),
            c.message.as_deref().unwrap_or("-")
        ));
    }
    Some(f)
}

/// Remedies of this level, kept out of the control flow above.
mod remedy {
    pub const CERT_EXPIRED: &str =
        "Clients reject it now. Fix what blocks issuance (below), then `certdoctor renew`.";
    pub const CERT_EXPIRING_SOON: &str = "cert-manager should be renewing it; if the path below shows no issuance in progress, check the renewal time and run `certdoctor renew`.";
    pub const CERT_EXPIRING_RENEWAL_DISABLED: &str = "Renewal is disabled on this Certificate (spec.renewal.policy: Disabled): cert-manager will let it expire. Re-issue it now with `certdoctor renew`, or set spec.renewal.policy to RenewBefore.";
}
