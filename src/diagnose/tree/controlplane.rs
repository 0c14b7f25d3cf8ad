//! cert-manager's own health: the controller, the webhook, the cainjector and the webhook's
//! CA bundle. A dead controller or webhook freezes every Certificate that waits on it, and
//! their own findings (no request, request not approved, issuer without a Ready condition)
//! only describe the freeze; so these findings sit at [`Level::ControlPlane`] and lead, and
//! the others stay as evidence.

use jiff::Timestamp;

use super::Walk;
use crate::diagnose::Level;
use crate::diagnose::plan::needs_issuance;
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::chain::{Chain, event_time};
use crate::model::controlplane::{Component, ControlPlane};
use crate::model::snapshot::Snapshot;
use crate::timefmt;

/// How old an Event about a failed webhook call may be and still count.
const RECENT: jiff::SignedDuration = jiff::SignedDuration::from_secs(3600);

/// What the webhook's client error says in Events when the API server cannot call it.
pub const WEBHOOK_CALL_FAILED: &str = "failed calling webhook \"webhook.cert-manager.io\"";

fn deployment_subject(c: &crate::model::controlplane::ComponentState) -> Subject {
    Subject::new("Deployment", Some(&c.namespace), &c.deployment)
}

fn logs(c: &crate::model::controlplane::ComponentState) -> String {
    format!(
        "kubectl logs -n {} deploy/{} --tail=50",
        c.namespace, c.deployment
    )
}

fn get_pods(c: &crate::model::controlplane::ComponentState) -> String {
    format!(
        "kubectl get pods -n {} -l app.kubernetes.io/component={}",
        c.namespace,
        c.component.label()
    )
}

/// The first waiting reason among a component's Pods, for the message.
fn why(c: &crate::model::controlplane::ComponentState) -> String {
    match c.pods.iter().find_map(|p| p.waiting.as_deref()) {
        Some(w) => format!(", pods in {w}"),
        None if c.pods.is_empty() => " (no pods)".into(),
        None => String::new(),
    }
}

/// Every control-plane finding, for the report's own section: what is wrong with
/// cert-manager itself, whether or not a Certificate waits on it.
pub fn control_plane_findings(
    cp: Option<&ControlPlane>,
    snapshot: &Snapshot,
    now: Timestamp,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(cp) = cp {
        controller(cp, now, &mut out);
        webhook_down(cp, &mut out);
        webhook_ca(cp, &mut out);
        if let Some(c) = cp.component(Component::Cainjector).filter(|c| c.is_down()) {
            let mut f = Finding::new(
                Code::CainjectorNotRunning,
                Severity::Warning,
                deployment_subject(c),
                format!("no cainjector replica is available{}", why(c)),
                "The cainjector writes the webhook's CA into its configurations; while it is down a renewed webhook certificate is not trusted and every write to cert-manager objects fails. Fix the cainjector Pod (see its waiting reason and logs).",
            )
            .reproduce(get_pods(c))
            .reproduce(logs(c));
            f.evidence.extend(c.evidence());
            out.push(f);
        }
    }
    // Only a recent failure says the webhook is unreachable now: the API server keeps Events
    // an hour by default, but a dump read later may hold older ones.
    let call_failed = snapshot
        .events
        .iter()
        .filter(|e| {
            e.message
                .as_deref()
                .is_some_and(|m| m.contains(WEBHOOK_CALL_FAILED))
        })
        .filter(|e| event_time(e).is_none_or(|t| now.duration_since(t) <= RECENT))
        .max_by_key(|e| event_time(e));
    // An empty caBundle explains `x509: certificate signed by unknown authority` on webhook
    // calls: the Event becomes its evidence, not a second finding.
    if let Some(e) = call_failed
        && e.message.as_deref().is_some_and(|m| m.contains("x509"))
        && let Some(ca) = out
            .iter_mut()
            .find(|f| f.code == Code::WebhookCaNotInjected)
    {
        ca.evidence.push(event_line(e));
        return out;
    }
    // With a caBundle in place, an x509 error means the bundle is not the CA that signed the
    // webhook's serving certificate: not a network problem.
    if let Some(e) = call_failed
        && e.message.as_deref().is_some_and(|m| m.contains("x509:"))
        && !out.iter().any(|f| f.code == Code::WebhookNotReady)
    {
        out.push(ca_mismatch(cp, e));
        return out;
    }
    if let Some(e) = call_failed
        && !out.iter().any(|f| f.code == Code::WebhookNotReady)
    {
        // The chart names the webhook's Service like its Deployment (`webhook.fullname`), so
        // a release with another name has its endpoints under that name.
        let webhook = cp.and_then(|cp| cp.component(Component::Webhook));
        let (subject, endpoints) = match webhook {
            Some(c) => (
                deployment_subject(c),
                format!("kubectl get endpoints -n {} {}", c.namespace, c.deployment),
            ),
            None => (
                Subject::new("Deployment", None, "cert-manager-webhook"),
                "kubectl get endpoints -n cert-manager cert-manager-webhook".to_string(),
            ),
        };
        out.push(
            Finding::new(
                Code::WebhookNotReady,
                Severity::Error,
                subject,
                "the API server cannot call cert-manager's webhook, so writes to cert-manager objects are rejected",
                "The webhook validates every write (status included) and fails closed. Check the webhook Pod, its Service endpoints, and NetworkPolicies or firewalls between the API server and the webhook (port 10250); on private GKE/EKS clusters the control plane must be allowed to reach it.",
            )
            .evidence(event_line(e))
            .reproduce(endpoints),
        );
    }
    out
}

fn event_line(e: &k8s_openapi::api::core::v1::Event) -> String {
    let about = &e.involved_object;
    format!(
        "event {} on {} {}/{}: {}",
        e.reason.as_deref().unwrap_or(""),
        about.kind.as_deref().unwrap_or("object"),
        about.namespace.as_deref().unwrap_or(""),
        about.name.as_deref().unwrap_or(""),
        crate::sanitize::clean(e.message.as_deref().unwrap_or(""))
    )
}

fn controller(cp: &ControlPlane, now: Timestamp, out: &mut Vec<Finding>) {
    let deploy = cp.component(Component::Controller);
    let down = deploy.filter(|c| c.is_down());
    let lease_expired = cp.lease.as_ref().filter(|l| l.expired(now));
    if down.is_none() && lease_expired.is_none() {
        return;
    }
    let message = match (down, lease_expired) {
        (Some(c), _) => format!("no cert-manager controller replica is available{}", why(c)),
        (None, Some(_)) => {
            "no cert-manager controller holds the leader Lease (not renewed within its duration)"
                .into()
        }
        (None, None) => unreachable!(),
    };
    let subject = match deploy {
        Some(c) => deployment_subject(c),
        None => Subject::new(
            "Lease",
            lease_expired.map(|l| l.namespace.as_str()),
            crate::model::snapshot::LEASE_NAME,
        ),
    };
    let mut f = Finding::new(
        Code::ControllerNotRunning,
        Severity::Error,
        subject,
        message,
        "Nothing cert-manager does happens while the controller is down: no request, approval, order or renewal. Fix the controller Pod (its waiting reason, logs and events say why), then the Certificates that wait on it progress on their own.",
    );
    if let Some(c) = deploy {
        f.evidence.extend(c.evidence());
        f = f.reproduce(get_pods(c)).reproduce(logs(c));
    }
    if let Some(l) = &cp.lease {
        f = f.evidence(l.describe(now)).reproduce(format!(
            "kubectl get lease -n {} {}",
            l.namespace,
            crate::model::snapshot::LEASE_NAME
        ));
    }
    out.push(f);
}

fn webhook_down(cp: &ControlPlane, out: &mut Vec<Finding>) {
    let Some(c) = cp.component(Component::Webhook).filter(|c| c.is_down()) else {
        return;
    };
    let mut f = Finding::new(
        Code::WebhookNotReady,
        Severity::Error,
        deployment_subject(c),
        format!("no cert-manager webhook replica is available{}", why(c)),
        "The webhook validates every write to cert-manager objects (status included) and fails closed, so objects freeze part-way. Fix the webhook Pod (see its waiting reason and logs).",
    )
    .reproduce(get_pods(c))
    .reproduce(logs(c));
    f.evidence.extend(c.evidence());
    out.push(f);
}

fn webhook_ca(cp: &ControlPlane, out: &mut Vec<Finding>) {
    for w in cp.webhooks.iter().filter(|w| !w.empty.is_empty()) {
        let mut f = Finding::new(
            Code::WebhookCaNotInjected,
            Severity::Error,
            Subject::new(&w.kind, None, &w.name),
            format!(
                "the caBundle of {} {} is empty: the API server cannot trust the webhook (x509: certificate signed by unknown authority)",
                w.kind, w.name
            ),
            "The cainjector writes the caBundle from the webhook's CA Secret. Check that the cainjector runs and that the configuration keeps its cert-manager.io/inject-ca-from-secret annotation; restarting the cainjector makes it inject again.",
        )
        .evidence(format!("webhooks with an empty caBundle: {}", w.empty.join(", ")))
        .reproduce(format!(
            "kubectl get {} {} -o jsonpath='{{.webhooks[*].clientConfig.caBundle}}' | wc -c",
            w.kind.to_ascii_lowercase(),
            w.name
        ));
        if let Some(c) = cp.component(Component::Cainjector) {
            f.evidence.extend(c.evidence());
        }
        out.push(f);
    }
}

/// `WEBHOOK_CA_MISMATCH`: the API server rejects the webhook's serving certificate although
/// a caBundle is injected. cainjector copies the CA from the webhook's CA Secret
/// (`<webhook>-ca`); the bundle goes stale when cainjector is not running, when a GitOps tool
/// writes back the caBundle of its manifests, or when the CA Secret was re-created and the
/// webhook still serves a certificate of the old CA.
fn ca_mismatch(cp: Option<&ControlPlane>, e: &k8s_openapi::api::core::v1::Event) -> Finding {
    let webhook = cp.and_then(|cp| cp.component(Component::Webhook));
    let (ns, deployment) = webhook.map_or(("cert-manager", "cert-manager-webhook"), |c| {
        (c.namespace.as_str(), c.deployment.as_str())
    });
    let configuration = cp
        .and_then(|cp| {
            cp.webhooks
                .iter()
                .find(|w| w.kind == "ValidatingWebhookConfiguration")
        })
        .map_or(deployment, |w| w.name.as_str());
    let subject = webhook.map_or_else(
        || Subject::new("Deployment", Some(ns), deployment),
        deployment_subject,
    );
    Finding::new(
        Code::WebhookCaMismatch,
        Severity::Error,
        subject,
        "the API server does not trust cert-manager's webhook: the caBundle in its webhook configurations is not the CA that signed the webhook's serving certificate",
        format!("cainjector copies the CA from the Secret {deployment}-ca into the webhook configurations. Check that cainjector runs and read its logs; if a GitOps tool (Argo CD, Flux) applies the webhook configurations, make it ignore the caBundle field (Argo CD: ignoreDifferences on /webhooks/*/clientConfig/caBundle); if the CA Secret was re-created, restart the webhook (`kubectl rollout restart deploy/{deployment} -n {ns}`). Not a network problem: the call reached the webhook."),
    )
    .evidence(event_line(e))
    .reproduce(format!("kubectl get validatingwebhookconfiguration {configuration} -o jsonpath='{{.webhooks[0].clientConfig.caBundle}}' | base64 -d | openssl x509 -noout -subject -enddate"))
    .reproduce(format!("kubectl get secret {deployment}-ca -n {ns} -o jsonpath='{{.data.ca\\.crt}}' | base64 -d | openssl x509 -noout -subject -enddate"))
}

/// True when the Certificate waits on the controller: it needs an issuance, or its renewal
/// is due.
pub(super) fn waits(chain: &Chain, now: Timestamp) -> bool {
    needs_issuance(chain)
        || chain
            .certificate
            .status
            .as_ref()
            .and_then(|s| s.renewal_time.as_deref())
            .and_then(timefmt::parse)
            .is_some_and(|t| t < now)
}

/// Adds the control-plane errors to a Certificate that waits on cert-manager, at
/// [`Level::ControlPlane`], so they lead its diagnosis.
pub(super) fn controlplane_checks(
    w: &mut Walk,
    chain: &Chain,
    findings: &[Finding],
    now: Timestamp,
) {
    if !waits(chain, now) {
        return;
    }
    let errors: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        return;
    }
    let step = w.step("cert-manager", "control plane", "not healthy");
    for f in errors {
        w.add(step, Level::ControlPlane, f.clone());
    }
}
