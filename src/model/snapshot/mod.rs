//! The snapshot: every object certdoctor read, from a cluster or a dump file.
//!
//! Loading has two steps so that the live and the offline path share everything after the
//! bytes arrive: `cluster` and `file` produce a [`RawSnapshot`] (plain JSON objects plus
//! what could not be read), and [`Snapshot::from_raw`] turns it into typed objects. An
//! object that does not fit our types becomes a [`Note`]; it never fails the command.

mod builder;
mod kinds;

pub use builder::SnapshotBuilder;
pub use kinds::*;

use std::fmt;

use k8s_openapi::api::admissionregistration::v1::{
    MutatingWebhookConfiguration, ValidatingWebhookConfiguration,
};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Event, Pod, Service};
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use serde::Serialize;
use serde_json::Value;

use super::gateway::{Gateway, HttpRoute};
use super::secret::TlsSecret;
use super::selector::LabelSelector;
use super::types::{Certificate, CertificateRequest, Challenge, ClusterIssuer, Issuer, Order};

/// Something worth telling the user about the snapshot itself (a malformed object, a kind
/// that could not be read), shown as a warning and never fatal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// What the note is about, e.g. `Certificate production/broken-tls` or `secrets`.
    pub subject: String,
    /// What went wrong and what it means.
    pub message: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.message)
    }
}

/// A kind the API server refused to list (RBAC) or failed on; the command goes on without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unreadable {
    /// The kind that is missing from the snapshot.
    pub kind: String,
    /// The resource as RBAC names it (`secrets`, `events`, `orders.acme.cert-manager.io`).
    pub resource: String,
    /// Why: the API server's message.
    pub reason: String,
    /// The `kubectl auth can-i` command that checks the missing permission.
    pub check: String,
}

impl Unreadable {
    /// False for an optional kind whose API is not installed (a 404 on Gateways without the
    /// Gateway API): no news, not worth a warning.
    pub fn worth_warning(&self) -> bool {
        !(self.reason.starts_with("404")
            && KINDS
                .iter()
                .chain(super::audit::AUDIT_KINDS.iter())
                .any(|k| k.optional && k.is(self)))
    }
}

/// Objects as read, before typing: JSON values with `apiVersion` and `kind` set.
#[derive(Debug, Default, Clone)]
pub struct RawSnapshot {
    /// Every object read, of any kind (unknown kinds are skipped later).
    pub objects: Vec<Value>,
    /// Kinds that could not be read.
    pub unreadable: Vec<Unreadable>,
}

/// Which objects a command looks at: one namespace or all, and a label selector on Certificates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// `None` means every namespace.
    pub namespace: Option<String>,
    /// Label selector applied to Certificates (other kinds are linked to them).
    pub selector: Option<LabelSelector>,
}

/// Typed objects of one snapshot. Lists keep the order they were read in.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Certificates in scope.
    pub certificates: Vec<Certificate>,
    /// CertificateRequests in scope.
    pub requests: Vec<CertificateRequest>,
    /// ACME Orders in scope.
    pub orders: Vec<Order>,
    /// ACME Challenges in scope.
    pub challenges: Vec<Challenge>,
    /// Issuers in scope.
    pub issuers: Vec<Issuer>,
    /// All ClusterIssuers.
    pub cluster_issuers: Vec<ClusterIssuer>,
    /// TLS Secrets in scope, typed as they arrive: their certificates, private key and key
    /// sizes, never the other values of their data maps.
    pub secrets: Vec<TlsSecret>,
    /// Secrets (namespace, name) in scope of any other type (metadata only, never data).
    pub other_secrets: std::collections::BTreeSet<(String, String)>,
    /// Ingresses in scope.
    pub ingresses: Vec<Ingress>,
    /// Events in scope.
    pub events: Vec<Event>,
    /// cert-manager's own Deployments.
    pub deployments: Vec<Deployment>,
    /// cert-manager's own Pods.
    pub control_plane_pods: Vec<Pod>,
    /// The controller's leader-election Lease.
    pub leases: Vec<Lease>,
    /// The webhook's ValidatingWebhookConfiguration.
    pub validating_webhooks: Vec<ValidatingWebhookConfiguration>,
    /// The webhook's MutatingWebhookConfiguration.
    pub mutating_webhooks: Vec<MutatingWebhookConfiguration>,
    /// HTTP-01 solver Pods in scope.
    pub solver_pods: Vec<Pod>,
    /// Every Pod in scope, read with `diagnose --consumers` only; `None` when not read.
    pub consumer_pods: Option<Vec<Pod>>,
    /// HTTP-01 solver Services in scope.
    pub solver_services: Vec<Service>,
    /// Every IngressClass.
    pub ingress_classes: Vec<IngressClass>,
    /// Gateways in scope.
    pub gateways: Vec<Gateway>,
    /// HTTP-01 solver HTTPRoutes in scope.
    pub http_routes: Vec<HttpRoute>,
    /// Optional kinds that could not be read: the check needing them is skipped (one note
    /// says so), and they are not in [`Snapshot::unreadable`].
    pub skipped: Vec<Unreadable>,
    /// Malformed objects and other warnings.
    pub notes: Vec<Note>,
    /// Kinds that could not be read (RBAC, errors).
    pub unreadable: Vec<Unreadable>,
    /// Secrets (namespace, name) that exist but whose data cannot be decoded (not base64):
    /// unreadable, so never reported as missing. Each also has a [`Note`] with the key and
    /// the decode error.
    pub unreadable_secrets: std::collections::BTreeSet<(String, String)>,
}

fn object_label(v: &Value, kind: &str) -> String {
    let meta = v.get("metadata");
    let name = meta
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("<unnamed>");
    match meta
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str)
    {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    }
}

/// The kind entry for an object's `apiVersion` and `kind`, if certdoctor reads that kind.
/// A kind listed twice (Pods) goes to the entry whose label selector matches it.
pub fn kind_of(v: &Value) -> Option<&'static KindInfo> {
    let kind = v.get("kind")?.as_str()?;
    let api_version = v.get("apiVersion")?.as_str()?;
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let tls = v.get("type").and_then(Value::as_str) == Some("kubernetes.io/tls");
    KINDS.iter().find(|k| {
        k.kind == kind
            && k.group == group
            && (k.kind != "Secret" || tls == (**k == SECRETS))
            && k.label_selector.is_none_or(|sel| {
                LabelSelector::parse(sel).is_ok_and(|sel| sel.matches(&labels_of(v)))
            })
    })
}

fn push_typed<T: serde::de::DeserializeOwned>(
    v: Value,
    kind: &str,
    out: &mut Vec<T>,
    notes: &mut Vec<Note>,
) {
    let subject = object_label(&v, kind);
    match serde_json::from_value::<T>(v) {
        Ok(obj) => out.push(obj),
        Err(e) => notes.push(shape_note(subject, e)),
    }
}

/// The note for an object that does not fit its type: it is skipped, the command goes on.
fn shape_note(subject: String, why: impl fmt::Display) -> Note {
    Note {
        subject,
        message: format!("skipped: the object does not have the expected shape ({why})"),
    }
}

/// Why an object cannot be used at all (no name, or no namespace for a namespaced kind),
/// in words; such an object becomes a warning, never a row like `monitoring/:`.
fn malformed(v: &Value, info: &KindInfo) -> Option<&'static str> {
    let meta = v.get("metadata");
    let has = |k: &str| {
        meta.and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
    };
    if !has("name") {
        Some("skipped: the object has no metadata.name")
    } else if info.namespaced && !has("namespace") {
        Some("skipped: the object has no metadata.namespace")
    } else {
        None
    }
}

/// The first Secret data key that is not valid base64, with the decode error.
fn undecodable_key(v: &Value) -> Option<(String, String)> {
    use base64::Engine as _;
    let data = v.get("data")?.as_object()?;
    data.iter().find_map(|(k, val)| {
        let text = val.as_str().unwrap_or_default();
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .err()
            .map(|e| (k.clone(), e.to_string()))
    })
}

fn namespace_of(v: &Value) -> Option<&str> {
    v.get("metadata")?.get("namespace")?.as_str()
}

fn labels_of(v: &Value) -> Vec<(String, String)> {
    v.get("metadata")
        .and_then(|m| m.get("labels"))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// True when a raw object of kind `info` belongs in `scope`: its namespace matches, a
/// Certificate matches the label selector, a Secret is of type `kubernetes.io/tls`. The
/// same rule filters dump files and `dump` output, so both agree with a live LIST.
pub fn in_scope(v: &Value, info: &KindInfo, scope: &Scope) -> bool {
    if info.namespaced
        && !info.all_namespaces
        && let Some(ns) = &scope.namespace
        && namespace_of(v) != Some(ns.as_str())
    {
        return false;
    }
    if *info == CERTIFICATES
        && let Some(sel) = &scope.selector
        && !sel.matches(&labels_of(v))
    {
        return false;
    }
    !(*info == SECRETS && v.get("type").and_then(Value::as_str) != Some("kubernetes.io/tls"))
}

/// Where objects go as they are read, one at a time: the live loader calls it page by page
/// and the dump reader item by item, so no command needs every raw object at once.
pub trait ObjectSink {
    /// One object as read (`apiVersion` and `kind` set).
    fn object(&mut self, v: Value);
    /// A kind that could not be read.
    fn unreadable(&mut self, u: Unreadable);
}

impl ObjectSink for RawSnapshot {
    fn object(&mut self, v: Value) {
        self.objects.push(v);
    }
    fn unreadable(&mut self, u: Unreadable) {
        self.unreadable.push(u);
    }
}

/// What a metadata-only LIST keeps of an object: `apiVersion`, `kind`, and its name and
/// namespace (the API server sends only metadata; a dump file may hold more, which goes).
pub fn metadata_only(v: &Value, info: &KindInfo) -> Value {
    let mut meta = serde_json::Map::new();
    for key in ["name", "namespace"] {
        if let Some(x) = v.pointer(&format!("/metadata/{key}")) {
            meta.insert(key.to_string(), x.clone());
        }
    }
    serde_json::json!({"apiVersion": info.api_version(), "kind": info.kind, "metadata": meta})
}

/// Removes what no report reads and what can be large: `managedFields` and the
/// last-applied-configuration annotation (which can hold the whole object again).
fn slim(v: &mut Value) {
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
        if let Some(ann) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            ann.remove("kubectl.kubernetes.io/last-applied-configuration");
        }
    }
}

impl Snapshot {
    /// Types every object of a raw snapshot that lies in `scope`. Objects of other kinds are
    /// skipped silently (a dump may hold anything); malformed ones become notes. Applying the
    /// scope here too means a dump file is filtered exactly as the API server filters a LIST.
    pub fn from_raw(raw: RawSnapshot, scope: &Scope) -> Snapshot {
        SnapshotBuilder::new(scope, true).feed(raw)
    }

    /// Whether the Secret `namespace/name` exists but cannot be decoded.
    pub fn secret_unreadable(&self, namespace: &str, name: &str) -> bool {
        self.unreadable_secrets
            .contains(&(namespace.to_string(), name.to_string()))
    }

    /// Whether a Secret `namespace/name` of a type other than `kubernetes.io/tls` exists.
    pub fn secret_of_other_type(&self, namespace: &str, name: &str) -> bool {
        self.other_secrets
            .contains(&(namespace.to_string(), name.to_string()))
    }

    /// True when the API refused the given kind, so its absence proves nothing.
    pub fn is_unreadable(&self, info: &KindInfo) -> bool {
        self.unreadable
            .iter()
            .chain(&self.skipped)
            .any(|u| info.is(u))
    }

    /// The Pods in scope when `--consumers` read them (`None` otherwise, or when the LIST
    /// failed: the warning about it says so).
    pub fn consumers(&self) -> Option<&[Pod]> {
        if self.is_unreadable(&CONSUMER_PODS) {
            return None;
        }
        self.consumer_pods.as_deref()
    }

    /// True when every kind of cert-manager's own health check was read.
    pub fn control_plane_readable(&self) -> bool {
        !CONTROL_PLANE_KINDS.iter().any(|k| self.is_unreadable(k))
    }
}

/// One note per check skipped because an optional kind could not be read. A kind whose API
/// is not installed (404: no Gateway API) is no news and gets no note.
fn skipped_notes(skipped: &[Unreadable]) -> Vec<Note> {
    let mut notes = Vec::new();
    let group = |kinds: &[KindInfo]| -> Vec<&Unreadable> {
        skipped
            .iter()
            .filter(|u| kinds.iter().any(|k| k.is(u)))
            .filter(|u| !u.reason.starts_with("404"))
            .collect()
    };
    let checks: [(&str, Vec<&Unreadable>, &str); 3] = [
        (
            "cert-manager control plane",
            group(&CONTROL_PLANE_KINDS),
            "the control-plane check (controller, webhook, cainjector) was skipped",
        ),
        (
            "HTTP-01 solver resources",
            group(&[SOLVER_PODS, SOLVER_SERVICES, INGRESS_CLASSES, HTTP_ROUTES]),
            "the solver's Pods, Services, IngressClasses and HTTPRoutes were not checked",
        ),
        (
            "Gateways",
            group(&[GATEWAYS]),
            "Gateways without a Certificate were not looked for",
        ),
    ];
    for (subject, missing, what) in checks {
        if missing.is_empty() {
            continue;
        }
        let mut resources: Vec<&str> = missing.iter().map(|u| u.resource.as_str()).collect();
        resources.dedup();
        let checks: Vec<&str> = missing.iter().map(|u| u.check.as_str()).collect();
        notes.push(Note {
            subject: subject.to_string(),
            message: format!(
                "cannot read {}: {what} (check with `{}`)",
                resources.join(", "),
                checks.join("`, `")
            ),
        });
    }
    notes
}

#[cfg(test)]
mod tests;
