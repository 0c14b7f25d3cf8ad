//! The decision tree itself: one file per level of the chain (certificate, issuer, request,
//! order, challenge, secret), each pure, each adding findings at its level and one step to the
//! walk. This file holds the walk and its order.

mod account;
mod certificate;
mod challenge;
mod consumers;
pub mod controlplane;
mod issuer;
mod order;
pub mod origin;
mod request;
mod scope;
mod secret;
mod served;
mod solver_resources;
mod solver_service;

use jiff::Timestamp;

use super::plan::needs_issuance;
use super::{
    CertificateDiagnosis, Level, MachineDiagnosis, RootCause, Step, StepState, root_cause,
};
use crate::findings::{Finding, Severity, Subject};
use crate::model::chain::{Chain, ChainIndex};
use crate::model::observation::Observations;
use crate::model::snapshot::Snapshot;

/// Collects findings and steps while walking.
pub(super) struct Walk {
    findings: Vec<Finding>,
    levels: Vec<Level>,
    path: Vec<Step>,
}

impl Walk {
    pub(super) fn step(&mut self, kind: &str, name: &str, summary: impl Into<String>) -> usize {
        self.path.push(Step {
            kind: kind.into(),
            name: name.into(),
            state: StepState::Ok,
            summary: summary.into(),
            findings: vec![],
        });
        self.path.len() - 1
    }

    pub(super) fn add(&mut self, step: usize, level: Level, f: Finding) {
        let s = &mut self.path[step];
        match f.severity {
            Severity::Error => s.state = StepState::Failed,
            Severity::Warning if s.state == StepState::Ok => s.state = StepState::Warning,
            _ => {}
        }
        s.findings.push(self.findings.len());
        self.findings.push(f);
        self.levels.push(level);
    }

    pub(super) fn unknown(&mut self, step: usize) {
        if self.path[step].state == StepState::Ok {
            self.path[step].state = StepState::Unknown;
        }
    }
}

pub(super) fn subject_of(
    kind: &str,
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
) -> Subject {
    Subject::new(
        kind,
        meta.namespace.as_deref(),
        meta.name.as_deref().unwrap_or(""),
    )
}

pub(super) fn describe(kind: &str, ns: &str, name: &str) -> String {
    format!("kubectl describe {kind} {name} -n {ns}")
}

/// Diagnoses what lies around the Certificates: cert-manager itself, and (unless a label
/// selector hides some Certificates, which would make every origin look bare) the annotated
/// Ingresses and Gateways without a Certificate.
pub fn machine(snapshot: &Snapshot, now: Timestamp, check_origins: bool) -> MachineDiagnosis {
    let cert_manager = crate::model::controlplane::ControlPlane::of(snapshot);
    let control_plane = controlplane::control_plane_findings(cert_manager.as_ref(), snapshot, now);
    let origins = if check_origins {
        origin::origin_findings(snapshot)
    } else {
        vec![]
    };
    MachineDiagnosis {
        cert_manager,
        control_plane,
        origins,
    }
}

/// The part of one Certificate's walk that needs no network: the checks of what its Secret
/// holds, the walk's costliest step. `diagnose` prepares every Certificate on one core
/// while the probes run on the other, so probing adds less than its own time.
#[derive(Debug, Default)]
pub struct Prepared {
    secret: Option<Vec<Finding>>,
}

/// Prepares one Certificate's walk (see [`Prepared`]).
pub fn prepare(chain: &Chain, now: Timestamp) -> Prepared {
    Prepared {
        secret: secret::content_findings(chain, now),
    }
}

/// Diagnoses one Certificate. `control_plane` is [`machine`]'s verdict on cert-manager
/// itself, computed once per run (it reads every Event; per Certificate it made diagnose
/// quadratic).
pub fn diagnose(
    index: &ChainIndex,
    chain: &Chain,
    snapshot: &Snapshot,
    obs: &Observations,
    control_plane: &[Finding],
    now: Timestamp,
) -> CertificateDiagnosis {
    let prepared = prepare(chain, now);
    diagnose_prepared(index, chain, snapshot, obs, control_plane, now, prepared)
}

/// [`diagnose`] with the walk's network-free part computed ahead by [`prepare`].
pub fn diagnose_prepared(
    index: &ChainIndex,
    chain: &Chain,
    snapshot: &Snapshot,
    obs: &Observations,
    control_plane: &[Finding],
    now: Timestamp,
    prepared: Prepared,
) -> CertificateDiagnosis {
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.clone().unwrap_or_default();
    let name = cert.metadata.name.clone().unwrap_or_default();
    let mut w = Walk {
        findings: vec![],
        levels: vec![],
        path: vec![],
    };

    certificate::certificate_checks(&mut w, chain, index, now);
    issuer::issuer_checks(&mut w, chain, snapshot);
    if needs_issuance(chain) {
        request::request_checks(&mut w, chain, now);
        order::order_checks(&mut w, chain, index, now);
        challenge::challenge_checks(&mut w, chain, index, snapshot, obs, now);
        solver_resources::solver_checks(&mut w, chain, snapshot, now);
    }
    challenge::caa_checks(&mut w, chain, obs);
    secret::secret_checks(&mut w, chain, snapshot, now, prepared.secret);
    consumers::consumer_checks(&mut w, chain, snapshot);
    served::served_checks(&mut w, chain, snapshot, obs, now);
    certificate::after_walk(&mut w, chain, now);
    scope::scope_checks(&mut w, chain, snapshot, now);
    controlplane::controlplane_checks(&mut w, chain, control_plane, now);

    let root =
        root_cause(&w.findings, &w.levels).map(|i| RootCause::of(&w.findings[i], &ns, &name));
    CertificateDiagnosis {
        namespace: ns,
        name,
        healthy: root.is_none(),
        root_cause: root,
        renewal: chain
            .certificate
            .status
            .as_ref()
            .and_then(|s| s.not_after.as_ref())
            .map(|_| crate::model::renewal::renewal(chain.certificate).describe(now)),
        findings: w.findings,
        path: w.path,
        levels: w.levels,
    }
}
