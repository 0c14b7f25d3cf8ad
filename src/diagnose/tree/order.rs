//! Order level: the CA refused the order (rate limits, CAA, other problems), the Order can
//! never finish on its own (a failed Challenge under a pending Order, or never submitted), or
//! no solver fits a name so no Challenge exists.

use super::{Walk, describe, subject_of};
use crate::diagnose::Level;
use crate::diagnose::classify::{acme_problem, rate_limit_name, retry_after};
use crate::diagnose::solver;
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::chain::{Chain, ChainIndex, IssuerLink};
use crate::model::types::{AcmeState, Challenge, Order};
use jiff::{SignedDuration, Timestamp};

pub(super) fn order_checks(w: &mut Walk, chain: &Chain, index: &ChainIndex, now: Timestamp) {
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
            Some("caa") => Finding::new(
                Code::AcmeCaaForbidden,
                Severity::Error,
                subject.clone(),
                "the CA refused because a CAA record forbids it",
                remedy::ACME_CAA_FORBIDDEN,
            )
            .evidence(text.clone()),
            _ => {
                let mut f = Finding::new(
                    Code::OrderFailed,
                    Severity::Error,
                    subject.clone(),
                    match (&problem, &reason) {
                        (Some(p), _) => format!("the order is {state}: {} ({})", p.detail, p.type_),
                        (None, Some(r)) => format!("the order is {state}: {r}"),
                        (None, None) => format!(
                            "the order is {state}; an authorization failed (see the Challenges)"
                        ),
                    },
                    "A failed Order is not retried; cert-manager creates a new one after its backoff. Fix the cause, then `certdoctor renew`.",
                );
                if let Some(p) = &problem {
                    f = f.evidence(format!(
                        "ACME problem: {} urn:ietf:params:acme:error:{}",
                        p.status.map_or("-".into(), |s| s.to_string()),
                        p.type_
                    ));
                }
                if let Some(r) = &reason {
                    f = f.evidence(r.clone());
                }
                f
            }
        };
        w.add(step, Level::Order, f.reproduce(check.clone()));
    }
    if let Some(f) = stuck(chain, order, now) {
        w.add(step, Level::Stuck, f.reproduce(check.clone()));
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
    // cert-manager matches a solver's matchLabels against the Order's labels
    // (`solverpicker.Pick` is given the Order), which come from the CertificateRequest.
    let labels: Vec<(String, String)> = order
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

/// How long an Order may sit with no state and no URL before it is not "being submitted" but
/// stuck: cert-manager submits a new Order within seconds when it can reach the CA.
const UNSUBMITTED_GRACE_MINUTES: i64 = 10;

/// An Order that can never finish on its own (cert-manager#8747, #8847, #5434): a Challenge
/// failed (invalid, errored, expired) while the Order is still pending or ready — the Order
/// copies the CA's order state, which stays pending, and nothing retries; `renew` does not
/// help because the CertificateRequest for the next revision still matches the spec. Or an
/// Order never submitted to the CA long after its creation.
fn stuck(chain: &Chain, order: &Order, now: Timestamp) -> Option<Finding> {
    let ns = order.metadata.namespace.as_deref().unwrap_or("");
    let name = order.metadata.name.as_deref().unwrap_or("");
    let state = order.acme_state();
    let delete = format!("kubectl delete order {name} -n {ns}");
    let subject = subject_of("Order", &order.metadata);
    if matches!(state, AcmeState::Pending | AcmeState::Ready) {
        let failed: Vec<&Challenge> = chain
            .challenges
            .iter()
            .filter(|c| c.acme_state().is_failed())
            .copied()
            .collect();
        let first = failed.first()?;
        let mut f = Finding::new(
            Code::OrderStuck,
            Severity::Error,
            subject,
            format!(
                "the Order is still {} but its Challenge for {} is {}: it will never finish on its own",
                order
                    .status
                    .as_ref()
                    .and_then(|s| s.state.as_deref())
                    .unwrap_or(""),
                first.display_name(),
                first
                    .status
                    .as_ref()
                    .and_then(|s| s.state.as_deref())
                    .unwrap_or("")
            ),
            format!(
                "cert-manager does not retry a failed Challenge while its Order stays {}, and `certdoctor renew` changes nothing (the request for the next revision is kept). Fix the Challenge's cause first (its finding says what the CA or cert-manager reported), then delete the Order: `{delete}`; cert-manager creates it again under the same name and starts new Challenges.",
                order
                    .status
                    .as_ref()
                    .and_then(|s| s.state.as_deref())
                    .unwrap_or("pending")
            ),
        );
        for c in &failed {
            let reason = c
                .status
                .as_ref()
                .and_then(|s| s.reason.as_deref())
                .unwrap_or("no reason recorded");
            f = f.evidence(format!(
                "Challenge {} ({}): {} — {}",
                c.metadata.name.as_deref().unwrap_or(""),
                c.display_name(),
                c.status
                    .as_ref()
                    .and_then(|s| s.state.as_deref())
                    .unwrap_or(""),
                reason
            ));
        }
        return Some(f.reproduce(delete));
    }
    let url = order
        .status
        .as_ref()
        .and_then(|s| s.url.as_deref())
        .unwrap_or("");
    let created = order.metadata.creation_timestamp.as_ref().map(|t| t.0)?;
    let age = now.duration_since(created);
    if state == AcmeState::None
        && url.is_empty()
        && age > SignedDuration::from_mins(UNSUBMITTED_GRACE_MINUTES)
    {
        return Some(
            Finding::new(
                Code::OrderStuck,
                Severity::Error,
                subject,
                format!("the Order was created {} ago and never submitted to the CA (no state, no URL)", crate::timefmt::short(age)),
                format!("The controller cannot create orders at the CA (its logs say `error creating new order`), or it is not running. Check the controller's logs and its egress to the ACME server (firewall, NetworkPolicy, HTTPS_PROXY/NO_PROXY); once it can reach the CA, delete the Order to start over: `{delete}`."),
            )
            .evidence(format!("creationTimestamp: {}", crate::timefmt::rfc3339(created)))
            .reproduce("kubectl logs -n cert-manager deploy/cert-manager | grep -i order".to_string())
            .reproduce(delete),
        );
    }
    None
}

/// Remedies of this level, kept out of the control flow above.
mod remedy {
    pub const ACME_CAA_FORBIDDEN: &str = "Add a CAA record allowing the CA (for Let's Encrypt: `0 issue \"letsencrypt.org\"`) at the name the message names, or remove the restrictive one.";
}
