//! Challenge level: the state and reason of each Challenge, what the probes saw of it, and the CAA records of the names.

use super::{Walk, describe, subject_of};
use crate::diagnose::Level;
use crate::diagnose::classify::{acme_problem, is_propagation_wait};
use crate::diagnose::network::{caa_findings, dns01_findings, http01_findings};
use crate::diagnose::plan::{self, probes_challenge};
use crate::findings::{Code, Finding, Severity};
use crate::model::chain::Chain;
use crate::model::observation::{ChallengeKey, Observations};
use crate::model::snapshot::Snapshot;
use crate::model::types::Challenge;

/// What the probes of one Challenge found, when it was probed.
fn probe_findings(
    chain: &Chain,
    ch: &Challenge,
    snapshot: &Snapshot,
    obs: &Observations,
) -> Vec<Finding> {
    if !probes_challenge(chain, ch) {
        return vec![];
    }
    let key = ChallengeKey::of(ch);
    if let Some(o) = obs.http.get(&key) {
        http01_findings(&plan::http01_target(ch, snapshot), o)
    } else if let Some(o) = obs.dns.get(&key) {
        dns01_findings(&plan::dns01_target(ch), o)
    } else {
        vec![]
    }
}

pub(super) fn challenge_checks(
    w: &mut Walk,
    chain: &Chain,
    snapshot: &Snapshot,
    obs: &Observations,
) {
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
        for f in probe_findings(chain, ch, snapshot, obs) {
            w.add(step, Level::Probe, f);
        }
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
        for f in caa_findings(&subject.part(n), &o) {
            let step = *caa_step.get_or_insert_with(|| w.step("CAA", "records", "checked"));
            w.add(step, Level::Probe, f);
        }
    }
}
