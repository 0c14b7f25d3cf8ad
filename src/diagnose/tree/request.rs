//! CertificateRequest level: denied, invalid, never approved, failed.

use super::{Walk, describe, subject_of};
use crate::diagnose::Level;
use crate::findings::{Code, Finding, Severity};
use crate::model::chain::{Chain, request_revision};
use crate::model::types::{CertificateRequest, find_condition};

fn cr_conditions(cr: &CertificateRequest) -> &[crate::model::Condition] {
    cr.status
        .as_ref()
        .map(|s| s.conditions.as_slice())
        .unwrap_or(&[])
}

pub(super) fn request_checks(w: &mut Walk, chain: &Chain) {
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
