//! CertificateRequest level: denied, invalid, never approved, failed.

use jiff::{SignedDuration, Timestamp};

use super::issuer::event_evidence;
use super::{Walk, describe, subject_of};
use crate::diagnose::Level;
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::chain::{Chain, controller_of, request_revision};
use crate::model::types::{CertificateRequest, find_condition};
use crate::timefmt;

/// How long a request may wait for its `Approved` condition before that is more than the
/// approver's normal delay.
const APPROVAL_GRACE: SignedDuration = SignedDuration::from_secs(60);

/// The Helm chart value that lets cert-manager's approver approve requests for this issuer
/// kind and group: `<kind lowercased>s.<group>/*` (the signer name is the resource's plural).
pub(super) fn signer_name(kind: &str, group: &str) -> String {
    format!("{}s.{group}/*", kind.to_lowercase())
}

/// Requests that stop the next revision: a request of that name the Certificate does not
/// control (creation fails with `already exists`), or several for that revision.
fn next_request_checks(w: &mut Walk, chain: &Chain) {
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.as_deref().unwrap_or("");
    let cert_name = cert.metadata.name.as_deref().unwrap_or("");
    let next = &chain.next_request;
    let exists_event = chain
        .events
        .certificate
        .iter()
        .rev()
        .find(|e| {
            e.reason.as_deref() == Some("RequestFailed")
                && e.message
                    .as_deref()
                    .is_some_and(|m| m.contains("already exists"))
        })
        .copied();
    let blocking_name = next
        .blocking
        .and_then(|cr| cr.metadata.name.clone())
        .or_else(|| exists_event.map(|_| format!("{cert_name}-{}", next.revision)));
    if let Some(name) = blocking_name {
        let step = w.step(
            "CertificateRequest",
            &name,
            "not controlled by this Certificate",
        );
        let owner = next.blocking.map(|cr| match controller_of(&cr.metadata) {
            Some(o) => format!(
                "its controller ownerReference is {} {} uid {}, not this Certificate (uid {})",
                o.kind,
                o.name,
                o.uid,
                cert.metadata.uid.as_deref().unwrap_or("-")
            ),
            None => "it has no controller ownerReference".to_string(),
        });
        let mut f = Finding::new(
            Code::RequestOrphaned,
            Severity::Error,
            Subject::new("CertificateRequest", Some(ns), &name),
            format!(
                "CertificateRequest {name} has the name of revision {} but this Certificate does not control it, so cert-manager cannot create its own request",
                next.revision
            ),
            format!(
                "cert-manager names requests <certificate>-<revision> and ignores requests it does not own; this one makes every creation fail with `already exists` (typical after a backup/restore, which gives the Certificate a new uid). Delete it: `kubectl delete certificaterequest {name} -n {ns}`; cert-manager then creates revision {} itself.",
                next.revision
            ),
        );
        if let Some(o) = owner {
            f = f.evidence(o);
        }
        if let Some(e) = exists_event.and(event_evidence(
            &chain.events.certificate,
            &["RequestFailed"],
        )) {
            f = f.evidence(e);
        }
        f = f.reproduce(format!("kubectl get certificaterequest {name} -n {ns} -o jsonpath='{{.metadata.ownerReferences}}'"));
        w.add(step, Level::Request, f);
    }
    if !next.duplicates.is_empty() {
        let names: Vec<&str> = next
            .duplicates
            .iter()
            .filter_map(|cr| cr.metadata.name.as_deref())
            .collect();
        let step = w.step(
            "CertificateRequest",
            names[0],
            format!("{} requests for revision {}", names.len(), next.revision),
        );
        w.add(
            step,
            Level::Request,
            Finding::new(
                Code::RequestDuplicate,
                Severity::Error,
                Subject::new("CertificateRequest", Some(ns), names[0]),
                format!("{} CertificateRequests of this Certificate have revision {} ({}); cert-manager skips issuance until only one is left", names.len(), next.revision, names.join(", ")),
                format!("cert-manager's gatherer stops with `multiple CertificateRequests were found for the 'next' revision {}, issuance is skipped until there are no more duplicates`. Delete all but one (e.g. `kubectl delete certificaterequest {} -n {ns}`).", next.revision, names[1..].join(" ")),
            )
            .evidence(format!("requests with cert-manager.io/certificate-revision={}: {}", next.revision, names.join(", ")))
            .reproduce(format!("kubectl get certificaterequests -n {ns} -o custom-columns=NAME:.metadata.name,REVISION:.metadata.annotations.cert-manager\\.io/certificate-revision,OWNER:.metadata.ownerReferences[0].uid")),
        );
    }
}

/// `REQUEST_NOT_CREATED`: `Issuing=True` for longer than [`REQUEST_CREATION_GRACE`] and no
/// CertificateRequest for the revision. A request blocked by another one (orphaned,
/// duplicate) is reported by [`next_request_checks`] instead.
fn not_created(chain: &Chain, now: Timestamp) -> Option<Finding> {
    let cert = chain.certificate;
    let issuing = crate::model::chain::cert_condition(cert, "Issuing").filter(|c| c.is_true())?;
    let since = issuing
        .last_transition_time
        .as_deref()
        .and_then(timefmt::parse)?;
    if now.duration_since(since) <= REQUEST_CREATION_GRACE {
        return None;
    }
    let ns = cert.metadata.namespace.as_deref().unwrap_or("");
    let name = cert.metadata.name.as_deref().unwrap_or("");
    let mut f = Finding::new(
        Code::RequestNotCreated,
        Severity::Error,
        subject_of("Certificate", &cert.metadata),
        format!(
            "the Certificate has been issuing for {} but cert-manager created no CertificateRequest",
            timefmt::short(now.duration_since(since))
        ),
        format!("cert-manager creates the request seconds after Issuing=True, once the next private key Secret ({}) exists. Look at the Certificate's Events for the error creating either (an admission webhook or policy engine rejecting CertificateRequests or Secrets, a quota), then at the controller's logs; `certdoctor renew {name} -n {ns}` retries once it is fixed.", cert.status.as_ref().and_then(|s| s.next_private_key_secret_name.as_deref()).unwrap_or("status.nextPrivateKeySecretName")),
    )
    .evidence(format!(
        "Issuing=True {}: {} (since {})",
        issuing.reason.as_deref().unwrap_or("-"),
        issuing.message.as_deref().unwrap_or("-"),
        timefmt::rfc3339(since)
    ))
    .reproduce(format!("kubectl get events -n {ns} --field-selector involvedObject.name={name}"))
    .reproduce(format!("kubectl get certificaterequests -n {ns} -l cert-manager.io/certificate-name={name}"));
    if let Some(e) = event_evidence(
        &chain.events.certificate,
        &["RequestFailed", "Failed", "FailedCreate"],
    ) {
        f = f.evidence(e);
    }
    Some(f)
}

fn cr_conditions(cr: &CertificateRequest) -> &[crate::model::Condition] {
    cr.status
        .as_ref()
        .map(|s| s.conditions.as_slice())
        .unwrap_or(&[])
}

/// How long cert-manager may take to create the request once `Issuing=True`: it does so
/// within seconds (key Secret, then the request), so ten minutes without one is a fault.
const REQUEST_CREATION_GRACE: SignedDuration = SignedDuration::from_mins(10);

pub(super) fn request_checks(w: &mut Walk, chain: &Chain, now: Timestamp) {
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.as_deref().unwrap_or("");
    let before = w.findings.len();
    next_request_checks(w, chain);
    // A request that blocks the next one already says why none was created.
    let blocked = w.findings.len() > before;
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
        match not_created(chain, now).filter(|_| !blocked) {
            Some(f) => w.add(step, Level::Request, f),
            None => w.unknown(step),
        }
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
            Finding::new(
                Code::RequestDenied,
                Severity::Error,
                subject,
                format!(
                    "denied by {}: {}",
                    d.reason.as_deref().unwrap_or("an approver"),
                    d.message.as_deref().unwrap_or("no reason given")
                ),
                remedy::REQUEST_DENIED,
            )
            .evidence(format!(
                "Denied=True reason {} (the approver)",
                d.reason.as_deref().unwrap_or("-")
            ))
            .reproduce(check),
        );
        return;
    }
    if let Some(c) = is("InvalidRequest") {
        w.add(
            step,
            Level::Request,
            Finding::new(
                Code::RequestInvalid,
                Severity::Error,
                subject,
                format!(
                    "the issuer rejected the request as invalid: {}",
                    c.message.as_deref().unwrap_or("-")
                ),
                remedy::REQUEST_INVALID,
            )
            .reproduce(check),
        );
        return;
    }
    if is("Approved").is_none() {
        let r = &cr.spec.issuer_ref;
        let remedy = if r.is_external() {
            let signer = signer_name(r.kind_or_default(), r.group_or_default());
            format!(
                "{} is an external issuer: cert-manager's approver approves only the signers in the Helm value approveSignerNames, by default issuers.cert-manager.io/* and clusterissuers.cert-manager.io/*. Add `{signer}` to approveSignerNames (or grant the approver `approve` on signers `{signer}`), or approve this request by hand (`cmctl approve {name} -n {ns}`).",
                r.kind_or_default()
            )
        } else {
            format!(
                "Auto-approval may be disabled (Helm disableAutoApproval) or no approver-policy matches. Approve it (`cmctl approve {name} -n {ns}`) or add a matching CertificateRequestPolicy."
            )
        };
        let mut f = Finding::new(
            Code::RequestNotApproved,
            Severity::Error,
            subject,
            "the request is neither Approved nor Denied, so no issuer will sign it",
            remedy,
        )
        .evidence("no Approved or Denied condition");
        if let Some(e) = event_evidence(&chain.events.request, &["WaitingForApproval"]) {
            f = f.evidence(e);
        }
        w.add(step, Level::Request, f.reproduce(check));
        return;
    }
    if let Some(c) = ready.filter(|c| c.reason.as_deref() == Some("Failed")) {
        let m = c.message.clone().unwrap_or_default();
        let mut f = Finding::new(
            Code::RequestFailed,
            Severity::Error,
            subject,
            format!("the request failed: {m}"),
            remedy::REQUEST_FAILED,
        )
        .reproduce(check);
        if let Some(t) = cr.status.as_ref().and_then(|s| s.failure_time.as_deref()) {
            f = f.evidence(format!("failureTime: {t}"));
        }
        w.add(step, Level::Request, f);
    }
    if let Some(order) = chain.foreign_order {
        let oname = order.metadata.name.as_deref().unwrap_or("");
        let owner = controller_of(&order.metadata)
            .map_or("no controller ownerReference".to_string(), |o| {
                format!("controller {} {} uid {}", o.kind, o.name, o.uid)
            });
        w.add(
            step,
            Level::Order,
            Finding::new(
                Code::OrderForeignOwner,
                Severity::Error,
                subject_of("Order", &order.metadata),
                format!("Order {oname} has this request's name but is not controlled by it, so cert-manager never creates the request's own Order"),
                format!("Order names are computed from the request's name, so a leftover Order of an earlier request with the same name (or one restored from a backup) stands in the way; cert-manager logs `found Order resource not owned by this CertificateRequest, retrying` for ever (cert-manager#2683, #4740). Delete it: `kubectl delete order {oname} -n {ns}`."),
            )
            .evidence(format!("Order {oname}: {owner}; request {name} uid {}", cr.metadata.uid.as_deref().unwrap_or("-")))
            .reproduce(format!("kubectl get order {oname} -n {ns} -o jsonpath='{{.metadata.ownerReferences}}'")),
        );
    }
}

/// After the walk, when the clock is known: a request waiting for approval for seconds is
/// the approver's normal delay (a warning); after a minute, the approver (the controller)
/// or the webhook that admits its status write is the suspect too.
pub(super) fn approval_age(w: &mut Walk, chain: &Chain, now: Timestamp) {
    let Some(cr) = chain.current_request else {
        return;
    };
    let Some(i) = w
        .findings
        .iter()
        .position(|f| f.code == Code::RequestNotApproved)
    else {
        return;
    };
    let Some(created) = cr.metadata.creation_timestamp.as_ref().map(|t| t.0) else {
        return;
    };
    let age = now.duration_since(created);
    let f = &mut w.findings[i];
    f.evidence.push(format!(
        "created {} ({})",
        timefmt::rfc3339(created),
        timefmt::relative(created, now)
    ));
    if age < APPROVAL_GRACE {
        f.severity = Severity::Warning;
        f.message = format!(
            "the request was created {} and is not approved yet; approval normally follows within seconds",
            timefmt::relative(created, now)
        );
        for s in w.path.iter_mut().filter(|s| s.findings.contains(&i)) {
            s.state = crate::diagnose::StepState::Warning;
        }
    } else {
        f.remedy.push_str(" A request still unapproved after more than a minute also points at the cert-manager controller (it runs the approver) or the webhook that must admit the approval: `kubectl get pods -n cert-manager` and `kubectl logs -n cert-manager deploy/cert-manager | grep -i approv`.");
    }
}

/// Remedies of this level, kept out of the control flow above.
mod remedy {
    pub const REQUEST_DENIED: &str = "A denial is final. Change the Certificate so the approver's policy allows it (or fix the policy), then `certdoctor renew` creates a new request.";
    pub const REQUEST_INVALID: &str = "Fix the Certificate spec per the message (names, usages, duration); cert-manager creates a new request when the spec changes.";
    pub const REQUEST_FAILED: &str = "cert-manager retries with backoff; fix the cause below (or in the message), then `certdoctor renew`.";
}
