//! Challenge level: the state and reason of each Challenge, what the probes saw of it, and the
//! CAA records of the names.
//!
//! The order of trust follows cert-manager: a final Challenge carries the CA's own verdict, and
//! cert-manager has cleaned its solver up, so a probe of it only re-checks the name now; a
//! Challenge whose solver could not present serves nothing, so its Present error is the story;
//! only a presented, unfinished Challenge is explained by what the probes see.

mod queue;
mod remedy;

use super::{Walk, describe, subject_of};
use crate::diagnose::Level;
use crate::diagnose::classify::{acme_problem, is_propagation_wait};
use crate::diagnose::network::{caa_findings, dns01_findings, http01_findings};
use crate::diagnose::plan::{self, ProbeRole, probe_role};
use crate::diagnose::selfcheck::{SelfCheckError, ingress_admission_rejection};
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::chain::{Chain, ChainIndex};
use crate::model::observation::{ChallengeKey, Observations};
use crate::model::snapshot::Snapshot;
use crate::model::types::{AcmeState, Challenge};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Event;
use queue::queue_finding;

/// cert-manager's finalizer on Challenges; a Challenge being deleted keeps it until cleanup
/// succeeds (and for ever when the controller is gone).
const FINALIZER: &str = "acme.cert-manager.io/finalizer";

/// What the probes of one Challenge saw, when they ran: `None` when the Challenge was not
/// probed (offline, or not in the plan).
fn probe_findings(ch: &Challenge, snapshot: &Snapshot, obs: &Observations) -> Option<Vec<Finding>> {
    let key = ChallengeKey::of(ch);
    if let Some(o) = obs.http.get(&key) {
        Some(http01_findings(
            &plan::http01_target(ch, snapshot),
            o,
            obs.probe_host,
        ))
    } else {
        obs.dns
            .get(&key)
            .map(|o| dns01_findings(&plan::dns01_target(ch), o, obs.probe_host))
    }
}

/// A probe of a Challenge cert-manager has finished with says what the name does now: never
/// more than a warning, worded as a re-check, and nothing about the token or TXT record,
/// which cert-manager removed when the Challenge ended.
fn as_recheck(findings: Vec<Finding>) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| !removed_by_cleanup(f))
        .map(|mut f| {
            if f.severity == Severity::Error {
                f.severity = Severity::Warning;
            }
            f.message = format!("re-check from this machine now: {}", f.message);
            f
        })
        .collect()
}

/// Findings about the token or the TXT record, which cert-manager removes when a Challenge
/// ends: after that their absence is expected, not a cause.
fn removed_by_cleanup(f: &Finding) -> bool {
    match f.code {
        Code::Http01WrongBody
        | Code::Dns01TxtMissing
        | Code::Dns01TxtWrongValue
        | Code::Dns01TxtPartial => true,
        Code::Http01WrongStatus => f.message.contains(" 404 "),
        _ => false,
    }
}

fn step_summary(ch: &Challenge) -> String {
    if ch.is_queued() {
        return "queued (not yet admitted by cert-manager's scheduler)".to_string();
    }
    let st = ch.status.as_ref();
    let state = st.and_then(|s| s.state.as_deref()).unwrap_or("");
    format!(
        "{}, presented {}",
        if state.is_empty() { "pending" } else { state },
        if ch.is_presented() { "yes" } else { "no" }
    )
}

pub(super) fn challenge_checks(
    w: &mut Walk,
    chain: &Chain,
    index: &ChainIndex,
    snapshot: &Snapshot,
    obs: &Observations,
    now: Timestamp,
) {
    for ch in &chain.challenges {
        let dns_name = ch.display_name();
        let step = w.step(
            "Challenge",
            &format!("{} {dns_name}", ch.spec.type_),
            step_summary(ch),
        );
        let state = ch.acme_state();
        let deleting = stuck_deleting(ch);
        if state == AcmeState::Valid && deleting.is_none() {
            continue;
        }
        w.unknown(step);
        if let Some(f) = deleting {
            w.add(step, Level::Challenge, f);
        }
        if ch.is_queued() {
            if let Some(f) = queue_finding(ch, snapshot, now) {
                w.add(step, Level::Challenge, f);
            }
            continue;
        }
        if let Some(f) = queue::unsynced_finding(ch, now) {
            w.add(step, Level::Challenge, f);
        }
        let role = probe_role(chain, ch);
        let probes = role.and_then(|_| probe_findings(ch, snapshot, obs));
        if let Some(mut f) = status_finding(ch, probes.as_deref(), index.events(&ch.metadata)) {
            // Probes ran, but this one was cut off by the run's deadline: not "offline".
            if f.code == Code::ChallengeNotPropagated
                && role.is_some()
                && probes.is_none()
                && !obs.unfinished.is_empty()
            {
                f.remedy = format!(
                    "The probe of {dns_name} from this machine did not finish within the run's deadline (see the probes line), so it cannot be compared with the self-check: re-run `certdoctor diagnose {} -n {}` with a longer --probe-timeout.",
                    chain.certificate.metadata.name.as_deref().unwrap_or(""),
                    ch.metadata.namespace.as_deref().unwrap_or("")
                );
            }
            if ch.acme_state().is_failed() {
                f.remedy = format!("{} {}", f.remedy, start_over(chain));
            }
            w.add(step, Level::Challenge, f);
        }
        let probes = match role {
            Some(ProbeRole::Recheck) => probes.map(as_recheck),
            _ => probes,
        };
        for f in probes.unwrap_or_default() {
            w.add(step, Level::Probe, f);
        }
    }
}

/// How to start over after a failed Challenge, for this chain: a pending Order never
/// finishes and must be deleted; a failed one is replaced after the backoff, or now by renew.
fn start_over(chain: &Chain) -> String {
    let cert = &chain.certificate.metadata;
    let ns = cert.namespace.as_deref().unwrap_or("");
    let name = cert.name.as_deref().unwrap_or("");
    match chain.order {
        Some(o) if matches!(o.acme_state(), AcmeState::Pending | AcmeState::Ready) => format!(
            "Then delete the Order, which cannot finish on its own: `kubectl delete order {} -n {ns}`.",
            o.metadata.name.as_deref().unwrap_or("")
        ),
        _ => format!(
            "Then `certdoctor renew {name} -n {ns}` starts a new Order now (cert-manager would after its backoff)."
        ),
    }
}

/// A Challenge with a deletion timestamp whose finalizer is still there: cleanup keeps
/// failing or no controller runs (cert-manager#1582, #3474). It keeps `processing` and blocks
/// its name in the queue.
fn stuck_deleting(ch: &Challenge) -> Option<Finding> {
    let since = ch.metadata.deletion_timestamp.as_ref()?;
    let has_finalizer = ch
        .metadata
        .finalizers
        .as_ref()
        .is_some_and(|f| f.iter().any(|x| x == FINALIZER));
    if !has_finalizer {
        return None;
    }
    let (ns, name) = names(ch);
    Some(
        Finding::new(
            Code::ChallengeStuckDeleting,
            Severity::Error,
            subject(ch),
            format!(
                "the Challenge is being deleted (since {}) but cert-manager has not removed its finalizer",
                since.0
            ),
            remedy::STUCK_DELETING,
        )
        .evidence(format!("finalizers: {FINALIZER}"))
        .reproduce(describe("challenge", ns, name))
        .reproduce(format!(
            "kubectl patch challenge {name} -n {ns} --type merge -p '{{\"metadata\":{{\"finalizers\":null}}}}'  # only once the record/solver is gone"
        )),
    )
}

pub(super) fn names(ch: &Challenge) -> (&str, &str) {
    (
        ch.metadata.namespace.as_deref().unwrap_or(""),
        ch.metadata.name.as_deref().unwrap_or(""),
    )
}

pub(super) fn subject(ch: &Challenge) -> Subject {
    subject_of("Challenge", &ch.metadata).part(&ch.display_name())
}

/// The finding that the Challenge's own status gives, if any. `probes` is what the probes of
/// it found, or `None` when they did not run.
fn status_finding(
    ch: &Challenge,
    probes: Option<&[Finding]>,
    events: &[&Event],
) -> Option<Finding> {
    let (ns, name) = names(ch);
    let dns_name = ch.display_name();
    let text = ch
        .status
        .as_ref()
        .and_then(|s| s.reason.clone())
        .unwrap_or_default();
    let text = text.trim();
    let check = describe("challenge", ns, name);
    let dns01 = ch.spec.type_.eq_ignore_ascii_case("DNS-01");
    let f = match ch.acme_state() {
        AcmeState::Valid => return None,
        AcmeState::Invalid => {
            let problem = acme_problem(text);
            if problem.as_ref().is_some_and(|p| p.type_ == "caa") {
                Finding::new(
                    Code::AcmeCaaForbidden,
                    Severity::Error,
                    subject(ch),
                    format!("the CA refused {dns_name} because of a CAA record"),
                    remedy::CAA,
                )
            } else {
                Finding::new(
                    Code::ChallengeInvalid,
                    Severity::Error,
                    subject(ch),
                    match &problem {
                        Some(p) => format!(
                            "the CA's validation of {dns_name} failed: {} ({})",
                            p.detail, p.type_
                        ),
                        None => format!(
                            "the CA marked the challenge invalid: {}",
                            if text.is_empty() {
                                "no reason recorded"
                            } else {
                                text
                            }
                        ),
                    },
                    remedy::INVALID,
                )
            }
        }
        AcmeState::Errored => Finding::new(
            Code::ChallengeErrored,
            Severity::Error,
            subject(ch),
            format!(
                "cert-manager gave up on the challenge for {dns_name} after an error of its own: {}",
                if text.is_empty() {
                    "no reason recorded"
                } else {
                    text
                }
            ),
            remedy::ERRORED,
        ),
        AcmeState::Expired => Finding::new(
            Code::ChallengeExpired,
            Severity::Error,
            subject(ch),
            format!("the authorization for {dns_name} expired before it was validated"),
            remedy::EXPIRED,
        ),
        _ if text.starts_with("Error cleaning up challenge") => Finding::new(
            Code::ChallengeCleanupFailed,
            Severity::Error,
            subject(ch),
            format!("cert-manager cannot clean up the solver for {dns_name}: {text}"),
            if dns01 {
                remedy::CLEANUP_DNS01
            } else {
                remedy::CLEANUP_HTTP01
            },
        )
        .reproduce(events_cmd(ns, name)),
        _ if is_propagation_wait(text) => return Some(self_check(ch, text, probes, check)),
        _ if !ch.is_presented()
            && !text.is_empty()
            && !text.to_ascii_lowercase().starts_with("waiting ") =>
        {
            let remedy = match ingress_admission_rejection(text) {
                Some(r) => format!("{}.", capitalise(r)),
                None if dns01 => remedy::PRESENT_DNS01.to_string(),
                None => remedy::PRESENT_HTTP01.to_string(),
            };
            Finding::new(
                Code::ChallengePresentFailed,
                Severity::Error,
                subject(ch),
                format!("the solver could not present the challenge: {text}"),
                remedy,
            )
            .reproduce(events_cmd(ns, name))
        }
        _ => return None,
    };
    let mut f = if text.is_empty() { f } else { f.evidence(text) };
    // The status redacts provider errors since v1.20; the Events keep the whole text.
    let wanted = match f.code {
        Code::ChallengePresentFailed => Some("PresentError"),
        Code::ChallengeCleanupFailed => Some("CleanUpError"),
        _ => None,
    };
    if let Some(reason) = wanted
        && let Some(m) = events
            .iter()
            .rev()
            .find(|e| e.reason.as_deref() == Some(reason))
            .and_then(|e| e.message.as_deref())
        && m.trim() != text
    {
        f = f.evidence(format!("{reason} event: {}", m.trim()));
    }
    Some(f.reproduce(check))
}

/// The self-check fails. When the probes from here ran and found nothing wrong, the cause is
/// inside the cluster, where the self-check runs; otherwise the probe findings under this
/// Challenge show what is wrong from outside too.
fn self_check(ch: &Challenge, text: &str, probes: Option<&[Finding]>, check: String) -> Finding {
    let (ns, name) = names(ch);
    let dns_name = ch.display_name();
    let dns01 = ch.spec.type_.eq_ignore_ascii_case("DNS-01");
    let detail = text.split_once(": ").map_or(text, |(_, r)| r);
    // Warnings (a private address, a DNS name that is not the Ingress's) do not stop the
    // token being fetched from here; only an error does.
    // A lookup that failed from here, or an address this machine could not try, checked
    // nothing: that is not a pass either.
    let clean = probes.is_some_and(|p| {
        p.iter().all(|f| {
            f.severity != Severity::Error
                && !matches!(
                    f.code,
                    Code::Http01LookupFailed | Code::ProbeHostNoRoute | Code::Dns01ZoneNotFound
                )
        })
    });
    if clean {
        let kind = SelfCheckError::of(text);
        let mut f = Finding::new(
            Code::SelfCheckFailsInCluster,
            Severity::Error,
            subject(ch),
            format!(
                "cert-manager's self-check for {dns_name} fails inside the cluster, but the probes from this machine pass: {detail}"
            ),
            format!(
                "The self-check runs in the controller pod, so {}. From this machine the name checks out; what the cluster sees can only be checked from inside it: run the in-cluster check below to decide.",
                kind.causes(dns01)
            ),
        )
        .evidence(text.to_string())
        .reproduce(check);
        f = f.reproduce(if dns01 {
            format!(
                "kubectl run -it --rm dnscheck --image=busybox --restart=Never -- nslookup -type=TXT _acme-challenge.{}",
                ch.spec.dns_name
            )
        } else {
            format!(
                "kubectl run -it --rm selfcheck --image=curlimages/curl --restart=Never -n {ns} -- curl -sv http://{}/.well-known/acme-challenge/{}",
                ch.spec.dns_name, ch.spec.token
            )
        });
        return f;
    }
    let remedy = match probes {
        None => format!(
            "No network probe ran from this machine, so the cluster state alone cannot tell whether the name fails from outside too or only inside the cluster: run `certdoctor diagnose -n {ns}` (without --offline) to compare this machine's view with the self-check's."
        ),
        Some(_) if dns01 => remedy::NOT_PROPAGATED_DNS01.to_string(),
        Some(_) => remedy::NOT_PROPAGATED_HTTP01.to_string(),
    };
    let _ = name;
    Finding::new(
        Code::ChallengeNotPropagated,
        Severity::Error,
        subject(ch),
        format!("cert-manager's self-check for {dns_name} fails: {detail}"),
        remedy,
    )
    .evidence(text.to_string())
    .reproduce(check)
}

fn events_cmd(ns: &str, name: &str) -> String {
    format!("kubectl get events -n {ns} --field-selector involvedObject.name={name}")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// CAA findings for the Certificate's names: checked for every ACME Certificate, since a
/// CAA record added after the last issuance breaks the next renewal.
pub(super) fn caa_checks(w: &mut Walk, chain: &Chain, obs: &Observations) {
    let cert = &chain.certificate.metadata;
    let subject = subject_of("Certificate", cert);
    let mut caa_step = None;
    for n in &chain.certificate.spec.dns_names {
        let Some(o) = plan::caa_observation(chain, n, obs) else {
            continue;
        };
        for f in caa_findings(&subject.part(n), &o, obs.probe_host.resolver_silent) {
            // `*.example.com` and `example.com` share one CAA walk: one lookup failure, once.
            if f.code == Code::CaaLookupFailed
                && w.findings
                    .iter()
                    .any(|g| g.code == f.code && g.message == f.message)
            {
                continue;
            }
            let step = *caa_step.get_or_insert_with(|| w.step("CAA", "records", "checked"));
            w.add(step, Level::Probe, f);
        }
    }
}
