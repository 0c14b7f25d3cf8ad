//! Where issuance stands: one pure function that walks a [`Chain`] from the Certificate down
//! to the deepest object that is not done, and says so in words.
//!
//! The same [`Stage`] feeds the table's STAGE column, the verdict line of `status NAME`, and
//! `renew --wait` when it reports where a certificate got stuck.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::chain::{Chain, IssuerLink, cert_condition};
use super::types::{CertificateRequest, Challenge, find_condition};
use crate::timefmt;

/// Coarse classification of a stage, stable for JSON consumers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    /// Issued and not due for renewal.
    Issued,
    /// Issued, renewal time has passed and no issuance is running.
    RenewalDue,
    /// Issuance running and not (yet) stuck on anything we can see.
    Issuing,
    /// Issuance blocked or failed; `stuck_at` names the object.
    Stuck,
    /// Not ready, with nothing below the Certificate to explain it.
    NotReady,
}

/// Where issuance stands for one Certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    /// Coarse phase.
    pub phase: Phase,
    /// Short text for the STAGE column, e.g. `Challenge pending: HTTP-01 app.example.com`.
    pub summary: String,
    /// The object issuance waits on, e.g. `Challenge app.example.com (HTTP-01)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stuck_at: Option<String>,
    /// The exact reason or message of that object, as cert-manager wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

fn stage(
    phase: Phase,
    summary: String,
    stuck_at: Option<String>,
    message: Option<String>,
) -> Stage {
    Stage {
        phase,
        summary,
        stuck_at,
        message: message.filter(|m| !m.is_empty()),
    }
}

impl Stage {
    /// Where issuance stands in one phrase: `stuck at Challenge x (HTTP-01): <message>`, or
    /// the summary with the message. Used by the `status` verdict and by `renew --wait`.
    pub fn describe(&self) -> String {
        match (&self.stuck_at, &self.message) {
            (Some(at), Some(m)) => format!("stuck at {at}: {m}"),
            (Some(at), None) => format!("stuck at {at}"),
            (None, Some(m)) => format!("{}: {m}", self.summary),
            (None, None) => self.summary.clone(),
        }
    }
}

/// Backoff state of a Certificate whose last issuance failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Consecutive failures.
    pub failed_attempts: i64,
    /// When the last one failed.
    pub last_failure: Timestamp,
    /// When cert-manager will try again by itself.
    pub next_retry: Timestamp,
}

impl Backoff {
    /// The backoff after `failed` consecutive failures, the last at `last_failure`
    /// (`min(1h·2^(n−1), 32h)`, cert-manager's default flags).
    pub fn new(failed: i64, last_failure: Timestamp) -> Option<Backoff> {
        let next = last_failure.checked_add(timefmt::backoff(failed)).ok()?;
        Some(Backoff {
            failed_attempts: failed,
            last_failure,
            next_retry: next,
        })
    }

    /// When cert-manager tries again by itself, in words: `next automatic retry in 7h` or
    /// `automatic retry was due 2h ago`.
    pub fn retry(&self, now: Timestamp) -> String {
        if self.next_retry > now {
            format!(
                "next automatic retry {}",
                timefmt::relative(self.next_retry, now)
            )
        } else if self.next_retry == now {
            "automatic retry is due now".to_string()
        } else {
            format!(
                "automatic retry was due {}",
                timefmt::relative(self.next_retry, now)
            )
        }
    }

    /// The one sentence every command uses: `failed 3 times; next automatic retry in 7h`.
    pub fn describe(&self, now: Timestamp) -> String {
        let n = self.failed_attempts;
        format!(
            "failed {n} time{}; {}",
            if n == 1 { "" } else { "s" },
            self.retry(now)
        )
    }
}

/// The failure backoff, when `failedIssuanceAttempts` and `lastFailureTime` are set.
pub fn backoff(chain: &Chain) -> Option<Backoff> {
    let st = chain.certificate.status.as_ref()?;
    let failed = st.failed_issuance_attempts.filter(|n| *n > 0)?;
    let last = timefmt::parse(st.last_failure_time.as_deref()?)?;
    Backoff::new(failed, last)
}

/// How long before expiry a certificate counts as expiring soon: a third of its lifetime
/// (cert-manager renews at two thirds by default) but never less than 7 days. One rule for
/// `inspect`, `status` and `diagnose`.
pub fn expiry_warning_window(lifetime: SignedDuration) -> SignedDuration {
    std::cmp::max(lifetime / 3, SignedDuration::from_hours(7 * 24))
}

/// A wait cert-manager chose (v1.21 `waitInsteadOfSelfCheck`: `Waiting 1m0s before accepting
/// the challenge without self-check`), not a failing check.
pub fn is_deliberate_wait(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    r.starts_with("waiting ") && r.contains(" before accepting")
}

fn challenge_done(ch: &Challenge) -> bool {
    ch.status.as_ref().and_then(|s| s.state.as_deref()) == Some("valid")
}

/// Which unfinished challenge explains the most: a failed one, then one with a reason
/// (a self-check error), then one being processed, then a queued one.
fn challenge_rank(ch: &Challenge) -> u8 {
    let st = ch.status.as_ref();
    let state = st.and_then(|s| s.state.as_deref()).unwrap_or("");
    if matches!(state, "invalid" | "errored" | "expired") {
        0
    } else if st
        .and_then(|s| s.reason.as_deref())
        .is_some_and(|r| !r.is_empty())
    {
        1
    } else if st.is_some_and(|s| s.processing || s.presented) {
        2
    } else {
        3
    }
}

fn challenge_label(ch: &Challenge) -> String {
    format!("{} {}", ch.spec.type_, ch.display_name())
}

fn request_condition<'a>(cr: &'a CertificateRequest, t: &str) -> Option<&'a super::Condition> {
    cr.status
        .as_ref()
        .and_then(|s| find_condition(&s.conditions, t))
}

/// Names the object that blocks issuance below a Certificate, from the issuer down.
fn blocked(chain: &Chain) -> Option<Stage> {
    let r = chain.issuer_ref();
    let issuer_name = format!("{} {}", r.kind_or_default(), r.name);
    match chain.issuer {
        IssuerLink::Missing => {
            return Some(stage(
                Phase::Stuck,
                format!("Issuer missing: {issuer_name}"),
                Some(issuer_name.clone()),
                Some(format!("{issuer_name} does not exist")),
            ));
        }
        IssuerLink::Found { status, .. } => {
            let ready = status.and_then(|s| find_condition(&s.conditions, "Ready"));
            if !ready.is_some_and(|c| c.is_true()) {
                let reason = ready
                    .and_then(|c| c.reason.clone())
                    .unwrap_or_else(|| "no Ready condition".into());
                return Some(stage(
                    Phase::Stuck,
                    format!("Issuer not ready: {issuer_name} ({reason})"),
                    Some(issuer_name),
                    ready.and_then(|c| c.message.clone()),
                ));
            }
        }
        IssuerLink::External | IssuerLink::Unknown => {}
    }

    let Some(cr) = chain.current_request else {
        if !chain.children_readable {
            return None;
        }
        let next = chain
            .certificate
            .status
            .as_ref()
            .and_then(|s| s.revision)
            .unwrap_or(0)
            + 1;
        return chain.is_issuing().then(|| {
            stage(
                Phase::Issuing,
                format!("Waiting for CertificateRequest (revision {next})"),
                None,
                None,
            )
        });
    };
    let cr_name = cr.metadata.name.clone().unwrap_or_default();
    let cr_ready = request_condition(cr, "Ready");
    let cr_ready_reason = cr_ready.and_then(|c| c.reason.as_deref());
    if cr_ready.is_some_and(|c| c.is_true()) {
        return None;
    }
    if let Some(denied) = request_condition(cr, "Denied").filter(|c| c.is_true()) {
        return Some(stage(
            Phase::Stuck,
            format!("Request denied: {cr_name}"),
            Some(format!("CertificateRequest {cr_name}")),
            denied.message.clone().or_else(|| denied.reason.clone()),
        ));
    }
    if let Some(invalid) = request_condition(cr, "InvalidRequest").filter(|c| c.is_true()) {
        return Some(stage(
            Phase::Stuck,
            format!("Request invalid: {cr_name}"),
            Some(format!("CertificateRequest {cr_name}")),
            invalid.message.clone(),
        ));
    }
    let approved = request_condition(cr, "Approved").is_some_and(|c| c.is_true());
    if !approved && cr_ready_reason != Some("Failed") {
        return Some(stage(
            Phase::Stuck,
            format!("Waiting for approval: {cr_name}"),
            Some(format!("CertificateRequest {cr_name}")),
            Some("the request has neither an Approved nor a Denied condition; an approver must approve it".into()),
        ));
    }

    // Below the request: an ACME order and its challenges.
    if let Some(ch) = chain
        .challenges
        .iter()
        .filter(|c| !challenge_done(c))
        .min_by_key(|c| challenge_rank(c))
    {
        let st = ch.status.as_ref();
        let state = st.and_then(|s| s.state.as_deref()).unwrap_or("");
        let failed = matches!(state, "invalid" | "errored" | "expired");
        let label = challenge_label(ch);
        // A pending challenge is only stuck once the self-check reports why it waits; a
        // `waitInsteadOfSelfCheck` wait (`Waiting 1m0s before accepting …`) is progress.
        let has_reason = st
            .and_then(|s| s.reason.as_deref())
            .is_some_and(|r| !r.is_empty() && !is_deliberate_wait(r));
        return Some(stage(
            if failed || has_reason {
                Phase::Stuck
            } else {
                Phase::Issuing
            },
            if failed {
                format!("Challenge {state}: {label}")
            } else {
                format!("Challenge pending: {label}")
            },
            Some(format!(
                "Challenge {} ({})",
                ch.display_name(),
                ch.spec.type_
            )),
            st.and_then(|s| s.reason.clone()),
        ));
    }
    if let Some(order) = chain.order {
        let st = order.status.as_ref();
        let state = st.and_then(|s| s.state.as_deref()).unwrap_or("unknown");
        let order_name = order.metadata.name.clone().unwrap_or_default();
        if state != "valid" {
            let failed = matches!(state, "invalid" | "errored" | "expired");
            return Some(stage(
                if failed { Phase::Stuck } else { Phase::Issuing },
                format!("Order {state}: {order_name}"),
                Some(format!("Order {order_name}")),
                st.and_then(|s| s.reason.clone()),
            ));
        }
    }
    let failed = cr_ready_reason == Some("Failed");
    Some(stage(
        if failed { Phase::Stuck } else { Phase::Issuing },
        if failed {
            format!("Request failed: {cr_name}")
        } else {
            format!("Request pending: {cr_name}")
        },
        Some(format!("CertificateRequest {cr_name}")),
        cr_ready.and_then(|c| c.message.clone()),
    ))
}

/// Where issuance stands for this chain at `now`.
pub fn stage_of(chain: &Chain, now: Timestamp) -> Stage {
    let ready = chain.is_ready();
    let issuing = chain.is_issuing();
    let bo = backoff(chain);
    if ready && !issuing && bo.is_none() {
        let renewal = chain
            .certificate
            .status
            .as_ref()
            .and_then(|s| s.renewal_time.as_deref())
            .and_then(timefmt::parse);
        return match renewal {
            Some(t) if t <= now => stage(
                Phase::RenewalDue,
                format!("Renewal due {}", timefmt::relative(t, now)),
                None,
                None,
            ),
            _ => stage(Phase::Issued, "Issued".into(), None, None),
        };
    }
    let deepest = blocked(chain);
    if let Some(b) = bo.filter(|_| !issuing) {
        let inner = deepest.clone().unwrap_or_else(|| not_ready(chain));
        let when = if b.next_retry > now {
            format!("retry {}", timefmt::relative(b.next_retry, now))
        } else {
            "retry due".to_string()
        };
        return Stage {
            phase: Phase::Stuck,
            summary: format!("Failed {}x, {when}: {}", b.failed_attempts, inner.summary),
            ..inner
        };
    }
    deepest.unwrap_or_else(|| {
        if issuing {
            stage(
                Phase::Issuing,
                "Issuing".into(),
                None,
                cert_condition(chain.certificate, "Issuing").and_then(|c| c.message.clone()),
            )
        } else {
            not_ready(chain)
        }
    })
}

fn not_ready(chain: &Chain) -> Stage {
    let c = cert_condition(chain.certificate, "Ready");
    let reason = c
        .and_then(|c| c.reason.clone())
        .unwrap_or_else(|| "no Ready condition yet".into());
    stage(
        Phase::NotReady,
        format!("Not ready: {reason}"),
        None,
        c.and_then(|c| c.message.clone()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_wait_is_progress_and_a_self_check_is_not() {
        assert!(is_deliberate_wait(
            "Waiting 1m0s before accepting the challenge without self-check"
        ));
        assert!(!is_deliberate_wait(
            "Waiting for HTTP-01 challenge propagation: wrong status code '404', expected '200'"
        ));
    }

    #[test]
    fn the_expiry_warning_window_is_a_third_of_the_lifetime_but_at_least_a_week() {
        let day = |d: i64| SignedDuration::from_hours(24 * d);
        let table = [
            (day(90), day(30)),
            (day(365), SignedDuration::from_hours(24 * 365 / 3)),
            (day(6), day(7)),
            (day(1), day(7)),
            (day(21), day(7)),
            (day(30), day(10)),
        ];
        for (lifetime, window) in table {
            assert_eq!(expiry_warning_window(lifetime), window, "{lifetime:?}");
        }
    }

    #[test]
    fn a_backoff_is_described_the_same_way_everywhere() {
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let last: Timestamp = "2026-11-23T11:00:00Z".parse().unwrap();
        let b = Backoff::new(3, last).unwrap();
        assert_eq!(b.next_retry, "2026-11-23T15:00:00Z".parse().unwrap());
        assert_eq!(
            b.describe(now),
            "failed 3 times; next automatic retry in 3h"
        );
        let b = Backoff::new(1, last).unwrap();
        assert_eq!(b.describe(now), "failed 1 time; automatic retry is due now");
    }
}
