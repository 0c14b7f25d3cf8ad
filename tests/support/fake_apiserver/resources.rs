//! The kinds the fake server serves: those certdoctor reads (cert-manager's, the core and
//! Gateway API kinds around them; `check api` looks for the ValidatingWebhookConfiguration too),
//! and the ConfigMap a fixture carries to show that unknown kinds in a dump are skipped. Every
//! one is served at `v1`.

/// One API resource.
pub struct ResourceDef {
    pub kind: &'static str,
    pub group: &'static str,
    pub plural: &'static str,
    pub namespaced: bool,
    /// Whether the resource has a `/status` subresource.
    pub status: bool,
    /// The served version (`v1` but for trust-manager's `v1alpha1`).
    pub version: &'static str,
}

const fn res(
    kind: &'static str,
    group: &'static str,
    plural: &'static str,
    namespaced: bool,
    status: bool,
) -> ResourceDef {
    ResourceDef {
        kind,
        group,
        plural,
        namespaced,
        status,
        version: "v1",
    }
}

const CM: &str = "cert-manager.io";
const ACME: &str = "acme.cert-manager.io";
const GW: &str = "gateway.networking.k8s.io";

static RESOURCES: &[ResourceDef] = &[
    res("Certificate", CM, "certificates", true, true),
    res("CertificateRequest", CM, "certificaterequests", true, true),
    res("Issuer", CM, "issuers", true, true),
    res("ClusterIssuer", CM, "clusterissuers", false, true),
    res("Order", ACME, "orders", true, true),
    res("Challenge", ACME, "challenges", true, true),
    res("Secret", "", "secrets", true, false),
    res("Event", "", "events", true, false),
    res("ConfigMap", "", "configmaps", true, false),
    res("Ingress", "networking.k8s.io", "ingresses", true, true),
    res(
        "IngressClass",
        "networking.k8s.io",
        "ingressclasses",
        false,
        false,
    ),
    res("Deployment", "apps", "deployments", true, true),
    res("Pod", "", "pods", true, true),
    res("Service", "", "services", true, true),
    res("Lease", "coordination.k8s.io", "leases", true, false),
    res(
        "ValidatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
        false,
        false,
    ),
    res(
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        "mutatingwebhookconfigurations",
        false,
        false,
    ),
    res("Gateway", GW, "gateways", true, true),
    res("HTTPRoute", GW, "httproutes", true, true),
    // `audit` (issue 18).
    res("PrometheusRule", MON, "prometheusrules", true, false),
    res("ServiceMonitor", MON, "servicemonitors", true, false),
    res("PodMonitor", MON, "podmonitors", true, false),
    res(
        "PodDisruptionBudget",
        "policy",
        "poddisruptionbudgets",
        true,
        true,
    ),
    ResourceDef {
        version: "v1alpha1",
        ..res("Bundle", "trust.cert-manager.io", "bundles", false, true)
    },
];

const MON: &str = "monitoring.coreos.com";

impl ResourceDef {
    pub fn by_kind(api_version: &str, kind: &str) -> Option<&'static ResourceDef> {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let found = RESOURCES
            .iter()
            .find(|d| d.kind == kind && d.group == group);
        found.filter(|d| version == d.version)
    }

    pub fn by_plural(group: &str, version: &str, plural: &str) -> Option<&'static ResourceDef> {
        let found = RESOURCES
            .iter()
            .find(|d| d.plural == plural && d.group == group);
        found.filter(|d| version == d.version)
    }

    /// The resources served under `/apis/<group>/<version>` (`/api/v1` for the core group
    /// `""`), for API discovery.
    pub fn in_group_version<'a>(
        group: &'a str,
        version: &'a str,
    ) -> impl Iterator<Item = &'static ResourceDef> + 'a {
        RESOURCES
            .iter()
            .filter(move |d| d.group == group && d.version == version)
    }

    /// Every named group with the one version it serves, in table order, each once: what
    /// `/apis` lists (the core group is `/api`'s, not listed there).
    pub fn groups() -> Vec<(&'static str, &'static str)> {
        let mut out: Vec<(&'static str, &'static str)> = vec![];
        for d in RESOURCES.iter().filter(|d| !d.group.is_empty()) {
            if !out.iter().any(|(g, _)| *g == d.group) {
                out.push((d.group, d.version));
            }
        }
        out
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            "v1".to_owned()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `plural.group`, or just `plural` for the core group (as in error messages).
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_owned()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Where an object is stored: (namespace, name); the namespace is empty for
    /// cluster-scoped kinds and `default` when a namespaced one gives none.
    pub fn key(&self, namespace: Option<&str>, name: &str) -> (String, String) {
        let ns = if self.namespaced {
            namespace.unwrap_or("default")
        } else {
            ""
        };
        (ns.to_owned(), name.to_owned())
    }
}
