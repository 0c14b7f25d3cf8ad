//! The kinds certdoctor LISTs, one paginated LIST each: what is needed to build the URL,
//! the selectors that keep a LIST small, and which kinds a missing API (404) only skips.

use super::*;

/// One Kubernetes resource type certdoctor reads, with what is needed to build its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindInfo {
    /// The object kind (`Certificate`).
    pub kind: &'static str,
    /// API group; empty for the core group.
    pub group: &'static str,
    /// API version within the group.
    pub version: &'static str,
    /// Plural resource name used in URLs and RBAC rules.
    pub plural: &'static str,
    /// Namespaced or cluster-scoped.
    pub namespaced: bool,
    /// Field selector the LIST uses (e.g. only TLS Secrets).
    pub field_selector: Option<&'static str>,
    /// Label selector the LIST uses (e.g. only cert-manager's own Pods); it also decides
    /// which entry of [`KINDS`] an object of a kind listed twice belongs to.
    pub label_selector: Option<&'static str>,
    /// Listed in every namespace whatever the scope (cert-manager's own Deployments run in
    /// their namespace, not the user's).
    pub all_namespaces: bool,
    /// Read for the machine around the Certificates (control plane, Gateway API, solver
    /// resources): when it cannot be read, the check that needs it is skipped with one note
    /// and nothing else changes.
    pub optional: bool,
    /// LISTed as metadata only (`Accept: ...;as=PartialObjectMetadataList`): the API server
    /// sends names and labels, never the objects' data.
    pub metadata_only: bool,
}

impl KindInfo {
    /// `apiVersion` as written in objects (`cert-manager.io/v1`, or `v1` for core).
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The kind as reports name it; a kind listed twice carries its label selector
    /// (`Pod (acme.cert-manager.io/http01-solver=true)`), so "which Pods could not be read" is
    /// never ambiguous.
    pub fn name(&self) -> String {
        let twice = KINDS
            .iter()
            .filter(|k| k.kind == self.kind && k.group == self.group)
            .count()
            > 1;
        match (self.label_selector, self.field_selector) {
            (Some(sel), _) if twice => format!("{} ({sel})", self.kind),
            (None, Some(sel)) if twice && self.metadata_only => format!("{} ({sel})", self.kind),
            _ => self.kind.to_string(),
        }
    }

    /// True when `u` is this kind's failed LIST.
    pub fn is(&self, u: &Unreadable) -> bool {
        u.resource == self.qualified() && u.kind == self.name()
    }

    /// `plural.group` as kubectl and RBAC errors spell a resource (`certificates.cert-manager.io`).
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
}

const fn kind(
    kind: &'static str,
    group: &'static str,
    plural: &'static str,
    namespaced: bool,
) -> KindInfo {
    KindInfo {
        kind,
        group,
        version: "v1",
        plural,
        namespaced,
        field_selector: None,
        label_selector: None,
        all_namespaces: false,
        optional: false,
        metadata_only: false,
    }
}

/// cert-manager Certificates: the one kind whose absence (404) means cert-manager is missing.
pub const CERTIFICATES: KindInfo = kind("Certificate", "cert-manager.io", "certificates", true);
/// CertificateRequests.
pub const CERTIFICATE_REQUESTS: KindInfo = kind(
    "CertificateRequest",
    "cert-manager.io",
    "certificaterequests",
    true,
);
/// Namespaced Issuers.
pub const ISSUERS: KindInfo = kind("Issuer", "cert-manager.io", "issuers", true);
/// ClusterIssuers (always listed cluster-wide).
pub const CLUSTER_ISSUERS: KindInfo =
    kind("ClusterIssuer", "cert-manager.io", "clusterissuers", false);
/// ACME Orders.
pub const ORDERS: KindInfo = kind("Order", "acme.cert-manager.io", "orders", true);
/// ACME Challenges.
pub const CHALLENGES: KindInfo = kind("Challenge", "acme.cert-manager.io", "challenges", true);
/// TLS Secrets only: the field selector keeps other Secrets (tokens, passwords) off the wire.
pub const SECRETS: KindInfo = KindInfo {
    field_selector: Some("type=kubernetes.io/tls"),
    ..kind("Secret", "", "secrets", true)
};
/// The other Secrets, metadata only (names, never data): a Certificate's Secret that exists
/// with another type (cert-manager keeps a pre-existing Secret's type) is not "not found".
pub const OTHER_SECRETS: KindInfo = KindInfo {
    field_selector: Some("type!=kubernetes.io/tls"),
    optional: true,
    metadata_only: true,
    ..kind("Secret", "", "secrets", true)
};
/// The `Accept` header of a metadata-only LIST.
pub const METADATA_ONLY_ACCEPT: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
/// Ingresses, the origin of ingress-shim Certificates.
pub const INGRESSES: KindInfo = kind("Ingress", "networking.k8s.io", "ingresses", true);
/// Core Events; only those about the objects above are kept.
pub const EVENTS: KindInfo = kind("Event", "", "events", true);

/// The labels the Helm chart and the static manifests put on cert-manager's own
/// Deployments and Pods (`app.kubernetes.io/component` and `app.kubernetes.io/name`).
pub const CONTROL_PLANE_SELECTOR: &str = "app.kubernetes.io/component in (controller,webhook,cainjector),app.kubernetes.io/name in (cert-manager,webhook,cainjector)";
/// The label cert-manager puts on every HTTP-01 solver resource (Pod, Service, Ingress,
/// HTTPRoute).
pub const SOLVER_LABEL: &str = "acme.cert-manager.io/http01-solver";
/// [`SOLVER_LABEL`] as a selector.
pub const SOLVER_SELECTOR: &str = "acme.cert-manager.io/http01-solver=true";
/// Name of the controller's leader-election Lease.
pub const LEASE_NAME: &str = "cert-manager-controller";
/// Name of the webhook configurations the chart installs under the release name
/// `cert-manager` (the default); another release name gives another name (`helm install cm`
/// gives `cm-cert-manager-webhook`), so this is one way of recognising them, not the only one.
pub const WEBHOOK_CONFIG_NAME: &str = "cert-manager-webhook";
/// What every chart version since v0.9 labels the webhook's configurations with, whatever
/// the release is called (the chart's `webhook.name` is fixed to `webhook`):
/// `app.kubernetes.io/name: webhook`. `app.kubernetes.io/component: webhook` came only in
/// v0.14, so it would miss older installs; both are generic enough that another product
/// may carry them, which is why [`crate::model::controlplane`] still decides which listed
/// configuration is cert-manager's.
pub const WEBHOOK_CONFIG_SELECTOR: &str = "app.kubernetes.io/name=webhook";

const fn control_plane(info: KindInfo) -> KindInfo {
    KindInfo {
        all_namespaces: true,
        optional: true,
        ..info
    }
}

/// cert-manager's own Deployments (controller, webhook, cainjector), in any namespace.
pub const DEPLOYMENTS: KindInfo = control_plane(KindInfo {
    label_selector: Some(CONTROL_PLANE_SELECTOR),
    ..kind("Deployment", "apps", "deployments", true)
});
/// cert-manager's own Pods, in any namespace.
pub const CONTROL_PLANE_PODS: KindInfo = control_plane(KindInfo {
    label_selector: Some(CONTROL_PLANE_SELECTOR),
    ..kind("Pod", "", "pods", true)
});
/// The controller's leader-election Lease (in `kube-system` unless the chart moved it).
pub const LEASES: KindInfo = control_plane(KindInfo {
    field_selector: Some("metadata.name=cert-manager-controller"),
    ..kind("Lease", "coordination.k8s.io", "leases", true)
});
/// The webhook's ValidatingWebhookConfiguration (is its caBundle injected?), label-selected
/// so that a release with another name is seen and other products' configurations mostly
/// stay on the server.
pub const VALIDATING_WEBHOOKS: KindInfo = control_plane(KindInfo {
    label_selector: Some(WEBHOOK_CONFIG_SELECTOR),
    ..kind(
        "ValidatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
        false,
    )
});
/// The webhook's MutatingWebhookConfiguration, selected the same way.
pub const MUTATING_WEBHOOKS: KindInfo = control_plane(KindInfo {
    label_selector: Some(WEBHOOK_CONFIG_SELECTOR),
    ..kind(
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        "mutatingwebhookconfigurations",
        false,
    )
});
/// HTTP-01 solver Pods, in scope.
pub const SOLVER_PODS: KindInfo = KindInfo {
    label_selector: Some(SOLVER_SELECTOR),
    optional: true,
    ..kind("Pod", "", "pods", true)
};
/// Every Pod in scope, read only with `diagnose --consumers` and `dump --consumers` (never
/// in [`KINDS`], so no other command lists it): the Pods that use a Certificate's Secret.
pub const CONSUMER_PODS: KindInfo = kind("Pod", "", "pods", true);

/// `kinds`, and [`CONSUMER_PODS`] last when `consumers` (`--consumers`: one more LIST).
pub fn with_consumer_pods(kinds: &[KindInfo], consumers: bool) -> Vec<KindInfo> {
    kinds
        .iter()
        .copied()
        .chain(consumers.then_some(CONSUMER_PODS))
        .collect()
}
/// HTTP-01 solver Services, in scope.
pub const SOLVER_SERVICES: KindInfo = KindInfo {
    label_selector: Some(SOLVER_SELECTOR),
    optional: true,
    ..kind("Service", "", "services", true)
};
/// IngressClasses (which controller serves which class; the default one).
pub const INGRESS_CLASSES: KindInfo = KindInfo {
    optional: true,
    ..kind("IngressClass", "networking.k8s.io", "ingressclasses", false)
};
/// Gateway API Gateways, the origin of gateway-shim Certificates.
pub const GATEWAYS: KindInfo = KindInfo {
    optional: true,
    ..kind("Gateway", "gateway.networking.k8s.io", "gateways", true)
};
/// HTTP-01 solver HTTPRoutes (Gateway API solver), in scope.
pub const HTTP_ROUTES: KindInfo = KindInfo {
    label_selector: Some(SOLVER_SELECTOR),
    optional: true,
    ..kind("HTTPRoute", "gateway.networking.k8s.io", "httproutes", true)
};

/// The kinds of cert-manager's own health check.
pub const CONTROL_PLANE_KINDS: [KindInfo; 5] = [
    DEPLOYMENTS,
    CONTROL_PLANE_PODS,
    LEASES,
    VALIDATING_WEBHOOKS,
    MUTATING_WEBHOOKS,
];

/// Every kind a snapshot holds, in load order. Certificates come first: if they cannot be
/// read, nothing else matters. Pods are listed twice, each LIST label-selected: cert-manager's
/// own (any namespace) and the HTTP-01 solver's (in scope). Secrets are listed twice too:
/// the TLS ones whole, the others as metadata only.
pub const KINDS: [KindInfo; 20] = [
    CERTIFICATES,
    CERTIFICATE_REQUESTS,
    ORDERS,
    CHALLENGES,
    ISSUERS,
    CLUSTER_ISSUERS,
    SECRETS,
    OTHER_SECRETS,
    INGRESSES,
    EVENTS,
    DEPLOYMENTS,
    CONTROL_PLANE_PODS,
    LEASES,
    VALIDATING_WEBHOOKS,
    MUTATING_WEBHOOKS,
    SOLVER_PODS,
    SOLVER_SERVICES,
    INGRESS_CLASSES,
    GATEWAYS,
    HTTP_ROUTES,
];
