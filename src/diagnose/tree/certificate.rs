//! Certificate level: Ready, backoff, expiry, the renewal that did not happen, and a Secret two Certificates write.

use jiff::{SignedDuration, Timestamp};

use super::{Walk, describe, subject_of};
use crate::diagnose::Level;
use crate::findings::{Code, Finding, Severity};
use crate::model::chain::{Chain, ChainIndex, cert_condition};
use crate::model::stage;
use crate::timefmt;

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
        w.add(
            step,
            Level::Certificate,
            Finding::new(
                Code::IssuanceBackoff,
                if chain.is_ready() { Severity::Warning } else { Severity::Error },
                subject.clone(),
                format!("issuance {}", b.describe(now)),
                format!("cert-manager waits min(1h·2^(n−1), 32h) between attempts. Fix the cause below, then retry now with `certdoctor renew {name} -n {ns}`."),
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
                Finding::new(Code::CertExpired, Severity::Error, subject.clone(), format!("the issued certificate expired {}", timefmt::relative(na, now)), "Clients reject it now. Fix what blocks issuance (below), then `certdoctor renew`.")
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
