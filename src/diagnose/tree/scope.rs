//! The controller's namespace scope. Run with `--namespace=NS` (cert-manager's
//! `cmd/controller/app/options`: "limits the scope of cert-manager to a single namespace and
//! ClusterIssuers are disabled"), the controller never looks at a Certificate in another
//! namespace, and never uses a ClusterIssuer: such a Certificate is never issued nor renewed,
//! while the controller itself looks healthy. Read from the controller Deployment's
//! container arguments.

use jiff::Timestamp;

use super::Walk;
use crate::diagnose::Level;
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::chain::Chain;
use crate::model::snapshot::Snapshot;

/// The controller Deployment (`namespace/name`) and the one namespace its `--namespace`
/// argument limits it to, when it has one.
pub(super) fn watched_namespace(snapshot: &Snapshot) -> Option<(String, String)> {
    snapshot.deployments.iter().find_map(|d| {
        let labels = d.metadata.labels.as_ref()?;
        if labels
            .get("app.kubernetes.io/component")
            .map(String::as_str)
            != Some("controller")
        {
            return None;
        }
        let containers = &d.spec.as_ref()?.template.spec.as_ref()?.containers;
        let ns = containers.iter().find_map(|c| {
            crate::model::controller_flags::namespace_flag(c.args.as_deref().unwrap_or_default())
        })?;
        let at = format!(
            "{}/{}",
            d.metadata.namespace.as_deref().unwrap_or_default(),
            d.metadata.name.as_deref().unwrap_or_default()
        );
        Some((at, ns))
    })
}

/// `CONTROLLER_NAMESPACE_SCOPE`: the Certificate is outside the controller's one namespace,
/// or uses a ClusterIssuer, which that mode disables. An error (at the control-plane level,
/// so it leads) when the Certificate waits on the controller; a warning (its next renewal
/// will not happen) while it is Ready and not due.
pub(super) fn scope_checks(w: &mut Walk, chain: &Chain, snapshot: &Snapshot, now: Timestamp) {
    let Some((deployment, watched)) = watched_namespace(snapshot) else {
        return;
    };
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.as_deref().unwrap_or_default();
    let name = cert.metadata.name.as_deref().unwrap_or_default();
    let cluster_issuer = cert.spec.issuer_ref.kind.as_deref() == Some("ClusterIssuer");
    let message = if ns != watched {
        format!(
            "the cert-manager controller watches only the namespace {watched} (--namespace): it never issues or renews Certificates in {ns}"
        )
    } else if cluster_issuer {
        format!(
            "the cert-manager controller runs with --namespace={watched}, which disables ClusterIssuers: this Certificate's ClusterIssuer is never used"
        )
    } else {
        return;
    };
    let waits = super::controlplane::waits(chain, now);
    let (severity, level) = if waits {
        (Severity::Error, Level::ControlPlane)
    } else {
        (Severity::Warning, Level::Certificate)
    };
    let remedy = if ns != watched {
        format!(
            "Remove the --namespace argument from the controller (Helm: drop it from extraArgs) so it watches every namespace, or run a cert-manager for {ns}. Then `certdoctor renew {name} -n {ns}`."
        )
    } else {
        format!(
            "Use an Issuer in {ns} instead of the ClusterIssuer, or remove --namespace from the controller so ClusterIssuers work."
        )
    };
    let step = w.step(
        "cert-manager",
        "controller",
        format!("watches only {watched}"),
    );
    let (dns, dname) = deployment.split_once('/').unwrap_or(("", &deployment));
    w.add(
        step,
        level,
        Finding::new(
            Code::ControllerNamespaceScope,
            severity,
            Subject::new("Deployment", Some(dns), dname),
            message,
            remedy,
        )
        .evidence(format!("Deployment {deployment}: --namespace={watched}"))
        .reproduce(format!(
            "kubectl get deployment {dname} -n {dns} -o jsonpath='{{.spec.template.spec.containers[*].args}}'"
        )),
    );
}
