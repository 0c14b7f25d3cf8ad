//! `diagnose`: the troubleshooting decision tree. Pure functions walk one Certificate's
//! chain — Certificate → Issuer → CertificateRequest → Order → Challenges → Secret — classify
//! every failing object by cert-manager's exact reasons and messages, fold in what the
//! network probes observed, and pick the root cause. No I/O happens here: the probes ran
//! before (`probe::run` over the plan from [`plan`]), and their observations arrive as
//! [`crate::model::observation::Observations`]; [`network`] judges them.

pub mod audit;
pub mod classify;
pub mod fleet;
pub mod network;
pub mod plan;
pub mod rules;
pub mod selfcheck;
pub mod solver;
pub mod tree;

use serde::Serialize;

use crate::findings::{Code, Finding, Severity};

/// Where a finding sits in the walk; deeper levels explain shallower ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    /// The Certificate itself.
    Certificate,
    /// The issued Secret.
    Secret,
    /// The CertificateRequest.
    Request,
    /// The ACME Order.
    Order,
    /// A Challenge's status.
    Challenge,
    /// A network probe (DNS, HTTP, CAA) that explains a Challenge.
    Probe,
    /// The HTTP-01 solver's own resources (Pod, Ingress, HTTPRoute): they explain what a
    /// probe sees (a 404 from the app when the solver Ingress is not admitted).
    Solver,
    /// Something that blocks the chain for ever whatever its parts say: an Order that can
    /// never finish on its own. Its fix comes after the Challenge's, so it leads.
    Stuck,
    /// The issuer: when it is broken, nothing under it can work.
    Issuer,
    /// cert-manager itself (controller, webhook): when it is down, nothing progresses, and
    /// every finding below only describes the freeze.
    ControlPlane,
}

/// How one object of the walk looked; serialised in lowercase (`ok`, `failed`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepState {
    /// Nothing wrong found.
    Ok,
    /// An error finding sits here.
    Failed,
    /// A warning, no error.
    Warning,
    /// Not far enough along to judge (pending, queued, not read).
    Unknown,
}

/// One step of the walk, for the tree view: the object and how it looked.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Object kind.
    pub kind: String,
    /// Object name (with `*.` for wildcard challenges).
    pub name: String,
    /// How the object looked.
    pub state: StepState,
    /// A few words: `Ready`, `pending`, `not found`, …
    pub summary: String,
    /// Indices into the certificate's findings that belong to this step.
    pub findings: Vec<usize>,
}

/// The diagnosis of one Certificate.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateDiagnosis {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// No error findings.
    pub healthy: bool,
    /// The most specific error, or `None` when healthy.
    pub root_cause: Option<RootCause>,
    /// When the next renewal is and which rule decides it, in one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal: Option<String>,
    /// Every finding, in walk order.
    pub findings: Vec<Finding>,
    /// The walk, for the tree view.
    pub path: Vec<Step>,
    /// Level of each finding (parallel to `findings`), for root-cause selection.
    #[serde(skip)]
    pub levels: Vec<Level>,
}

/// What `diagnose` finds around the Certificates: cert-manager's own health and the
/// Ingresses and Gateways that never got their Certificate.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MachineDiagnosis {
    /// cert-manager's version, where it runs and how its parts look; absent when it could not
    /// be read or was not found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_manager: Option<crate::model::controlplane::ControlPlane>,
    /// What is wrong with cert-manager itself (`CONTROLLER_NOT_RUNNING`, …).
    pub control_plane: Vec<Finding>,
    /// Ingresses and Gateways annotated for cert-manager without a Certificate.
    pub origins: Vec<Finding>,
}

impl MachineDiagnosis {
    /// True when an error finding is present.
    pub fn has_errors(&self) -> bool {
        self.control_plane
            .iter()
            .chain(&self.origins)
            .any(|f| f.severity == Severity::Error)
    }

    /// True when there is nothing to say.
    pub fn is_empty(&self) -> bool {
        self.cert_manager.is_none() && self.control_plane.is_empty() && self.origins.is_empty()
    }
}

/// The root cause as the JSON model names it, with the one thing to do and the command that
/// shows it done.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RootCause {
    /// Finding code.
    pub code: Code,
    /// Severity (always `error`).
    pub severity: Severity,
    /// Its message.
    pub message: String,
    /// What to do: the finding's remedy.
    pub fix: String,
    /// The command that proves it fixed: see [`check_command`].
    pub check: String,
}

impl RootCause {
    /// The root cause of Certificate `namespace/name`, from its finding.
    pub fn of(f: &Finding, namespace: &str, name: &str) -> RootCause {
        RootCause {
            code: f.code,
            severity: f.severity,
            message: f.message.clone(),
            fix: f.remedy.clone(),
            check: check_command(f, namespace, name),
        }
    }
}

/// The command that proves a finding fixed: the first of its commands that tests the thing
/// itself (`curl`, `dig`, `nslookup`), else the first that reads the object it is about
/// (`kubectl get`, not events), else a re-run of `certdoctor diagnose` for the Certificate
/// (`kubectl describe` and logs show a state; they do not say it is fixed).
pub fn check_command(f: &Finding, namespace: &str, name: &str) -> String {
    let direct = |c: &&String| {
        c.split_whitespace()
            .any(|w| matches!(w, "curl" | "dig" | "nslookup"))
    };
    let reads = |c: &&String| c.starts_with("kubectl get ") && !c.starts_with("kubectl get events");
    f.reproduce
        .iter()
        .find(direct)
        .or_else(|| f.reproduce.iter().find(reads))
        .cloned()
        .unwrap_or_else(|| format!("certdoctor diagnose {name} -n {namespace}"))
}

/// Picks the root cause: the error finding at the deepest level (cert-manager's own control
/// plane outranks everything, the issuer everything under it, the solver's resources the
/// probe they explain, a probe the Challenge status it explains); the first
/// one wins ties, so the walk order decides among siblings.
pub fn root_cause(findings: &[Finding], levels: &[Level]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, f) in findings.iter().enumerate() {
        if f.severity != Severity::Error {
            continue;
        }
        if best.is_none_or(|b| levels[i] > levels[b]) {
            best = Some(i);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Subject;

    fn f(code: Code, severity: Severity) -> Finding {
        Finding::new(
            code,
            severity,
            Subject::new("Certificate", Some("ns"), "c"),
            "m",
            "r",
        )
    }

    /// Each row: the findings of one certificate with their levels, and the code that must
    /// lead.
    #[test]
    fn the_root_cause_is_the_deepest_error_with_control_plane_issuer_and_stuck_orders_leading() {
        use Code::*;
        use Level as L;
        use Severity::{Error as E, Info as I, Warning as W};
        type Row = (&'static [(Code, Severity, Level)], Option<Code>);
        let table: &[Row] = &[
            (&[], None),
            (&[(CertExpiringSoon, W, L::Certificate)], None),
            (
                &[
                    (Http01Ipv6Broken, W, L::Probe),
                    (ProbeHostNoRoute, I, L::Probe),
                ],
                None,
            ),
            (&[(CertNotReady, E, L::Certificate)], Some(CertNotReady)),
            (
                &[
                    (CertNotReady, E, L::Certificate),
                    (IssuanceBackoff, E, L::Certificate),
                ],
                Some(CertNotReady),
            ),
            (
                &[
                    (CertNotReady, E, L::Certificate),
                    (SecretNotFound, E, L::Secret),
                ],
                Some(SecretNotFound),
            ),
            (
                &[
                    (CertNotReady, E, L::Certificate),
                    (RequestFailed, E, L::Request),
                    (OrderFailed, E, L::Order),
                    (ChallengeInvalid, E, L::Challenge),
                ],
                Some(ChallengeInvalid),
            ),
            (
                &[
                    (ChallengeNotPropagated, E, L::Challenge),
                    (Http01WrongStatus, E, L::Probe),
                ],
                Some(Http01WrongStatus),
            ),
            (
                &[
                    (ChallengeInvalid, E, L::Challenge),
                    (Http01Unreachable, W, L::Probe),
                    (OrderStuck, E, L::Stuck),
                ],
                Some(OrderStuck),
            ),
            (
                &[(OrderStuck, E, L::Stuck), (IssuerNotReady, E, L::Issuer)],
                Some(IssuerNotReady),
            ),
            (
                &[
                    (ChallengeInvalid, E, L::Challenge),
                    (ChallengeExpired, E, L::Challenge),
                ],
                Some(ChallengeInvalid),
            ),
            (
                &[
                    (ChallengeNotPropagated, E, L::Challenge),
                    (Http01WrongStatus, E, L::Probe),
                    (Http01SolverIngressNotAdmitted, E, L::Solver),
                ],
                Some(Http01SolverIngressNotAdmitted),
            ),
            (
                &[
                    (Http01SolverPodNotRunning, E, L::Solver),
                    (OrderStuck, E, L::Stuck),
                ],
                Some(OrderStuck),
            ),
            (
                &[
                    (CertNotReady, E, L::Certificate),
                    (RequestNotApproved, E, L::Request),
                    (IssuerNotReady, E, L::Issuer),
                    (ControllerNotRunning, E, L::ControlPlane),
                ],
                Some(ControllerNotRunning),
            ),
            (
                &[
                    (WebhookNotReady, E, L::ControlPlane),
                    (ControllerNotRunning, E, L::ControlPlane),
                ],
                Some(WebhookNotReady),
            ),
            (&[(CainjectorNotRunning, W, L::ControlPlane)], None),
        ];
        for (rows, want) in table {
            let findings: Vec<Finding> = rows.iter().map(|(c, s, _)| f(*c, *s)).collect();
            let levels: Vec<Level> = rows.iter().map(|(_, _, l)| *l).collect();
            let got = root_cause(&findings, &levels).map(|i| findings[i].code);
            assert_eq!(got, *want, "{rows:?}");
        }
    }
}
