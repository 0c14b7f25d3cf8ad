//! cert-manager's own health, read from the snapshot: its Deployments and Pods (as the Helm
//! chart and the static manifests label them), the controller's leader-election Lease and the
//! `caBundle` of the webhook configurations that are cert-manager's (`webhooks`). Pure:
//! [`ControlPlane::of`] summarises, the decision tree judges (`diagnose::tree::controlplane`).

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use serde::Serialize;

use super::snapshot::Snapshot;

mod webhooks;

pub use webhooks::{CERT_MANAGER_WEBHOOK, WebhookCa};

/// One of cert-manager's three Deployments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Component {
    /// The controller: every reconcile loop.
    Controller,
    /// The admission webhook: validates and mutates every write to cert-manager objects.
    Webhook,
    /// The CA injector: writes the webhook's CA into its configurations.
    Cainjector,
}

impl Component {
    /// The `app.kubernetes.io/component` label value.
    pub fn label(self) -> &'static str {
        match self {
            Component::Controller => "controller",
            Component::Webhook => "webhook",
            Component::Cainjector => "cainjector",
        }
    }

    fn parse(label: &str) -> Option<Component> {
        match label {
            "controller" => Some(Component::Controller),
            "webhook" => Some(Component::Webhook),
            "cainjector" => Some(Component::Cainjector),
            _ => None,
        }
    }
}

/// How one Pod of a component looks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodState {
    /// Pod name.
    pub name: String,
    /// `Pending`, `Running`, `Failed`, …
    pub phase: String,
    /// All containers ready.
    pub ready: bool,
    /// The first container's waiting reason (`CrashLoopBackOff`, `ImagePullBackOff`), or the
    /// reason the Pod is not scheduled (`Unschedulable`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting: Option<String>,
    /// Its message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Restarts of all containers.
    pub restarts: i32,
}

impl PodState {
    /// Reads a Pod.
    pub fn of(pod: &Pod) -> PodState {
        let status = pod.status.as_ref();
        let containers = status
            .and_then(|s| s.container_statuses.clone())
            .unwrap_or_default();
        let waiting = containers
            .iter()
            .filter_map(|c| c.state.as_ref()?.waiting.as_ref())
            .find(|w| w.reason.is_some());
        let unscheduled = status
            .and_then(|s| s.conditions.as_ref())
            .into_iter()
            .flatten()
            .find(|c| c.type_ == "PodScheduled" && c.status == "False");
        let (reason, message) = match (waiting, unscheduled) {
            (Some(w), _) => (w.reason.clone(), w.message.clone()),
            (None, Some(c)) => (c.reason.clone(), c.message.clone()),
            (None, None) => (None, None),
        };
        PodState {
            name: pod.metadata.name.clone().unwrap_or_default(),
            phase: status
                .and_then(|s| s.phase.clone())
                .unwrap_or_else(|| "Unknown".into()),
            ready: !containers.is_empty() && containers.iter().all(|c| c.ready),
            waiting: reason,
            message,
            restarts: containers.iter().map(|c| c.restart_count).sum(),
        }
    }

    /// `pod cm-abc: Pending, ImagePullBackOff (message), 3 restarts`, for evidence.
    pub fn describe(&self) -> String {
        let mut s = format!("pod {}: {}", self.name, self.phase);
        if let Some(w) = &self.waiting {
            s.push_str(&format!(", {w}"));
            if let Some(m) = self.message.as_deref().filter(|m| !m.is_empty()) {
                s.push_str(&format!(" ({m})"));
            }
        }
        if self.restarts > 0 {
            s.push_str(&format!(", {} restarts", self.restarts));
        }
        s
    }
}

/// One component's Deployment and Pods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentState {
    /// Which component.
    pub component: Component,
    /// Namespace of the Deployment.
    pub namespace: String,
    /// Deployment name.
    pub deployment: String,
    /// Desired replicas.
    pub replicas: i32,
    /// Available replicas.
    pub available: i32,
    /// The container image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Its Pods.
    pub pods: Vec<PodState>,
}

impl ComponentState {
    /// True when no replica is available.
    pub fn is_down(&self) -> bool {
        self.available == 0
    }

    /// `deployment cert-manager/cert-manager: 0/1 available, image …`, then one line per Pod.
    pub fn evidence(&self) -> Vec<String> {
        let mut out = vec![format!(
            "deployment {}/{}: {}/{} available{}",
            self.namespace,
            self.deployment,
            self.available,
            self.replicas,
            self.image
                .as_deref()
                .map(|i| format!(", image {i}"))
                .unwrap_or_default()
        )];
        if self.pods.is_empty() {
            out.push("no pods".into());
        }
        out.extend(self.pods.iter().map(PodState::describe));
        out
    }
}

/// The controller's leader-election Lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaseState {
    /// Namespace (`kube-system` by default).
    pub namespace: String,
    /// The holder (a controller Pod).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// Last renewal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renew_time: Option<String>,
    /// How long a leader holds the lease without renewing it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease_duration_seconds: Option<i32>,
}

impl LeaseState {
    /// True when the lease was last renewed longer ago than its duration: no controller
    /// holds it.
    pub fn expired(&self, now: Timestamp) -> bool {
        let (Some(renewed), Some(secs)) = (
            self.renew_time.as_deref().and_then(crate::timefmt::parse),
            self.lease_duration_seconds,
        ) else {
            return false;
        };
        now.duration_since(renewed) > SignedDuration::from_secs(i64::from(secs))
    }

    /// `lease kube-system/cert-manager-controller: renewed …, duration 60s, held by …`.
    pub fn describe(&self, now: Timestamp) -> String {
        let renewed = self
            .renew_time
            .as_deref()
            .and_then(crate::timefmt::parse)
            .map_or("never renewed".to_string(), |t| {
                format!(
                    "renewed {} ({})",
                    crate::timefmt::rfc3339(t),
                    crate::timefmt::relative(t, now)
                )
            });
        format!(
            "lease {}/{}: {renewed}, duration {}s, held by {}",
            self.namespace,
            super::snapshot::LEASE_NAME,
            self.lease_duration_seconds
                .map_or("?".to_string(), |s| s.to_string()),
            self.holder.as_deref().unwrap_or("nobody")
        )
    }
}

/// cert-manager's control plane as the snapshot shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlPlane {
    /// cert-manager's version, from the controller image tag (`v1.19.1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The namespace the controller runs in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The Deployments found.
    pub components: Vec<ComponentState>,
    /// The leader-election Lease, when found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease: Option<LeaseState>,
    /// The webhook configurations found.
    pub webhooks: Vec<WebhookCa>,
}

fn label<'a>(
    meta: &'a k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    key: &str,
) -> Option<&'a str> {
    meta.labels.as_ref()?.get(key).map(String::as_str)
}

fn image_of(d: &Deployment) -> Option<String> {
    d.spec
        .as_ref()?
        .template
        .spec
        .as_ref()?
        .containers
        .first()?
        .image
        .clone()
}

/// The tag of an image reference (`quay.io/jetstack/cert-manager-controller:v1.19.1`), without
/// a digest.
pub fn image_tag(image: &str) -> Option<&str> {
    let without_digest = image.split('@').next()?;
    let (_, tag) = without_digest.rsplit_once(':')?;
    (!tag.contains('/')).then_some(tag)
}

impl ControlPlane {
    /// Summarises the control plane; `None` when its kinds could not be read or nothing of
    /// cert-manager was found (an install with other labels: nothing can be judged).
    pub fn of(s: &Snapshot) -> Option<ControlPlane> {
        if !s.control_plane_readable() {
            return None;
        }
        let mut components = Vec::new();
        for d in &s.deployments {
            let Some(component) =
                label(&d.metadata, "app.kubernetes.io/component").and_then(Component::parse)
            else {
                continue;
            };
            let ns = d.metadata.namespace.clone().unwrap_or_default();
            let selector = d
                .spec
                .as_ref()
                .and_then(|sp| sp.selector.match_labels.clone())
                .unwrap_or_default();
            let pods = s
                .control_plane_pods
                .iter()
                .filter(|p| p.metadata.namespace.as_deref() == Some(ns.as_str()))
                .filter(|p| {
                    !selector.is_empty()
                        && selector
                            .iter()
                            .all(|(k, v)| label(&p.metadata, k) == Some(v))
                })
                .map(PodState::of)
                .collect();
            let status = d.status.as_ref();
            components.push(ComponentState {
                component,
                namespace: ns,
                deployment: d.metadata.name.clone().unwrap_or_default(),
                replicas: d.spec.as_ref().and_then(|sp| sp.replicas).unwrap_or(1),
                available: status.and_then(|st| st.available_replicas).unwrap_or(0),
                image: image_of(d),
                pods,
            });
        }
        let lease = s.leases.first().map(|l| LeaseState {
            namespace: l.metadata.namespace.clone().unwrap_or_default(),
            holder: l.spec.as_ref().and_then(|sp| sp.holder_identity.clone()),
            renew_time: l
                .spec
                .as_ref()
                .and_then(|sp| sp.renew_time.as_ref())
                .map(|t| crate::timefmt::rfc3339(t.0)),
            lease_duration_seconds: l.spec.as_ref().and_then(|sp| sp.lease_duration_seconds),
        });
        let webhook_deployments: Vec<(String, String)> = components
            .iter()
            .filter(|c| c.component == Component::Webhook)
            .map(|c| (c.namespace.clone(), c.deployment.clone()))
            .collect();
        let webhooks = webhooks::cert_manager_webhooks(
            &s.validating_webhooks,
            &s.mutating_webhooks,
            &webhook_deployments,
        );
        if components.is_empty() && lease.is_none() && webhooks.is_empty() {
            return None;
        }
        let controller = components
            .iter()
            .find(|c| c.component == Component::Controller);
        Some(ControlPlane {
            version: controller
                .and_then(|c| c.image.as_deref())
                .and_then(image_tag)
                .map(str::to_string),
            namespace: controller.map(|c| c.namespace.clone()),
            components,
            lease,
            webhooks,
        })
    }

    /// The component's Deployment, when found.
    pub fn component(&self, c: Component) -> Option<&ComponentState> {
        self.components.iter().find(|s| s.component == c)
    }

    /// `cert-manager v1.19.1 in namespace cert-manager`, for report headers.
    pub fn headline(&self) -> String {
        let mut s = "cert-manager".to_string();
        if let Some(v) = &self.version {
            s.push_str(&format!(" {v}"));
        }
        if let Some(ns) = &self.namespace {
            s.push_str(&format!(" in namespace {ns}"));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_tags() {
        for (image, tag) in [
            (
                "quay.io/jetstack/cert-manager-controller:v1.19.1",
                Some("v1.19.1"),
            ),
            ("registry:5000/cert-manager-controller", None),
            ("registry:5000/cm:v1.2.3@sha256:abc", Some("v1.2.3")),
            ("cm@sha256:abc", None),
        ] {
            assert_eq!(image_tag(image), tag, "{image}");
        }
    }
}
