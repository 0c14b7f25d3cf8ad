//! The snapshot: every object certdoctor read, from a cluster or a dump file.
//!
//! Loading has two steps so that the live and the offline path share everything after the
//! bytes arrive: `cluster` and `file` produce a [`RawSnapshot`] (plain JSON objects plus
//! what could not be read), and [`Snapshot::from_raw`] turns it into typed objects. An
//! object that does not fit our types becomes a [`Note`]; it never fails the command.

use std::fmt;

use k8s_openapi::api::core::v1::{Event, Secret};
use k8s_openapi::api::networking::v1::Ingress;
use serde::Serialize;
use serde_json::Value;

use super::selector::LabelSelector;
use super::types::{Certificate, CertificateRequest, Challenge, ClusterIssuer, Issuer, Order};

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
/// Ingresses, the origin of ingress-shim Certificates.
pub const INGRESSES: KindInfo = kind("Ingress", "networking.k8s.io", "ingresses", true);
/// Core Events; only those about the objects above are kept.
pub const EVENTS: KindInfo = kind("Event", "", "events", true);

/// Every kind a snapshot holds, in load order. Certificates come first: if they cannot be
/// read, nothing else matters.
pub const KINDS: [KindInfo; 9] = [
    CERTIFICATES,
    CERTIFICATE_REQUESTS,
    ORDERS,
    CHALLENGES,
    ISSUERS,
    CLUSTER_ISSUERS,
    SECRETS,
    INGRESSES,
    EVENTS,
];

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
#[derive(Debug, Default, Clone)]
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
    /// TLS Secrets in scope.
    pub secrets: Vec<Secret>,
    /// Ingresses in scope.
    pub ingresses: Vec<Ingress>,
    /// Events in scope.
    pub events: Vec<Event>,
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
pub fn kind_of(v: &Value) -> Option<&'static KindInfo> {
    let kind = v.get("kind")?.as_str()?;
    let api_version = v.get("apiVersion")?.as_str()?;
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    KINDS.iter().find(|k| k.kind == kind && k.group == group)
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
        Err(e) => notes.push(Note {
            subject,
            message: format!("skipped: the object does not have the expected shape ({e})"),
        }),
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

/// Kinds whose Events certdoctor shows: Events about anything else (Pods, Nodes) are
/// dropped as they arrive.
const EVENT_KINDS: [&str; 8] = [
    "Certificate",
    "CertificateRequest",
    "Order",
    "Challenge",
    "Issuer",
    "ClusterIssuer",
    "Secret",
    "Ingress",
];

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

/// Types objects as they arrive (see [`ObjectSink`]) and keeps only the typed form: the raw
/// JSON of each object is dropped as soon as it is typed, so memory holds one copy of the
/// snapshot, not two.
#[derive(Debug)]
pub struct SnapshotBuilder {
    snapshot: Snapshot,
    scope: Scope,
    events: bool,
}

impl SnapshotBuilder {
    /// A builder that keeps objects in `scope`; `events: false` drops every Event (the
    /// commands that show none, like the `status` table, do not hold them).
    pub fn new(scope: &Scope, events: bool) -> Self {
        SnapshotBuilder {
            snapshot: Snapshot::default(),
            scope: scope.clone(),
            events,
        }
    }

    /// Whether Events are wanted (a loader may then skip listing them).
    pub fn wants_events(&self) -> bool {
        self.events
    }

    /// The typed snapshot.
    pub fn finish(self) -> Snapshot {
        self.snapshot
    }
}

impl ObjectSink for SnapshotBuilder {
    fn unreadable(&mut self, u: Unreadable) {
        self.snapshot.unreadable.push(u);
    }

    fn object(&mut self, mut v: Value) {
        let s = &mut self.snapshot;
        let Some(info) = kind_of(&v) else { return };
        if *info == EVENTS {
            let about = v.pointer("/involvedObject/kind").and_then(Value::as_str);
            if !self.events || about.is_some_and(|k| !EVENT_KINDS.contains(&k)) {
                return;
            }
        }
        if !in_scope(&v, info, &self.scope) {
            return;
        }
        if let Some(why) = malformed(&v, info) {
            s.notes.push(Note {
                subject: object_label(&v, info.kind),
                message: why.to_string(),
            });
            return;
        }
        if *info == SECRETS
            && let Some((key, err)) = undecodable_key(&v)
        {
            let ns = namespace_of(&v).unwrap_or_default().to_string();
            let name = v["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            s.notes.push(Note {
                subject: object_label(&v, info.kind),
                message: format!("unreadable: data key {key:?} is not valid base64 ({err})"),
            });
            s.unreadable_secrets.insert((ns, name));
            return;
        }
        slim(&mut v);
        let n = &mut s.notes;
        match info.kind {
            "Certificate" => push_typed(v, info.kind, &mut s.certificates, n),
            "CertificateRequest" => push_typed(v, info.kind, &mut s.requests, n),
            "Order" => push_typed(v, info.kind, &mut s.orders, n),
            "Challenge" => push_typed(v, info.kind, &mut s.challenges, n),
            "Issuer" => push_typed(v, info.kind, &mut s.issuers, n),
            "ClusterIssuer" => push_typed(v, info.kind, &mut s.cluster_issuers, n),
            "Secret" => push_typed(v, info.kind, &mut s.secrets, n),
            "Ingress" => push_typed(v, info.kind, &mut s.ingresses, n),
            "Event" => push_typed(v, info.kind, &mut s.events, n),
            _ => {}
        }
    }
}

impl Snapshot {
    /// Types every object of a raw snapshot that lies in `scope`. Objects of other kinds are
    /// skipped silently (a dump may hold anything); malformed ones become notes. Applying the
    /// scope here too means a dump file is filtered exactly as the API server filters a LIST.
    pub fn from_raw(raw: RawSnapshot, scope: &Scope) -> Snapshot {
        let mut b = SnapshotBuilder::new(scope, true);
        for u in raw.unreadable {
            b.unreadable(u);
        }
        for v in raw.objects {
            b.object(v);
        }
        b.finish()
    }

    /// Whether the Secret `namespace/name` exists but cannot be decoded.
    pub fn secret_unreadable(&self, namespace: &str, name: &str) -> bool {
        self.unreadable_secrets
            .contains(&(namespace.to_string(), name.to_string()))
    }

    /// True when the API refused the given kind, so its absence proves nothing.
    pub fn is_unreadable(&self, info: &KindInfo) -> bool {
        self.unreadable
            .iter()
            .any(|u| u.resource == info.qualified())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cert(ns: &str, name: &str, labels: Value) -> Value {
        json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
               "metadata": {"name": name, "namespace": ns, "uid": name, "labels": labels},
               "spec": {"secretName": name, "issuerRef": {"name": "x"}}})
    }

    #[test]
    fn malformed_object_becomes_a_note_and_others_survive() {
        let mut bad = cert("a", "bad", json!({}));
        bad["spec"]["dnsNames"] = json!("not-a-list");
        let raw = RawSnapshot {
            objects: vec![cert("a", "good", json!({})), bad],
            unreadable: vec![],
        };
        let s = Snapshot::from_raw(raw, &Scope::default());
        assert_eq!(s.certificates.len(), 1);
        assert_eq!(s.notes.len(), 1);
        assert!(s.notes[0].subject.contains("a/bad"), "{:?}", s.notes);
    }

    #[test]
    fn objects_without_name_or_namespace_and_undecodable_secrets_are_notes() {
        let mut no_ns = cert("a", "x", json!({}));
        no_ns["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("namespace");
        let mut no_name = cert("monitoring", "x", json!({}));
        no_name["metadata"].as_object_mut().unwrap().remove("name");
        let secret = json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": {"name": "s", "namespace": "a"}, "data": {"tls.crt": "not base64!"}});
        let raw = RawSnapshot {
            objects: vec![no_ns, no_name, secret],
            unreadable: vec![],
        };
        let s = Snapshot::from_raw(raw, &Scope::default());
        assert!(s.certificates.is_empty() && s.secrets.is_empty());
        let text: Vec<String> = s.notes.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 3, "{text:?}");
        assert_eq!(
            text[0],
            "Certificate x: skipped: the object has no metadata.namespace"
        );
        assert_eq!(
            text[1],
            "Certificate monitoring/<unnamed>: skipped: the object has no metadata.name"
        );
        assert!(
            text[2]
                .starts_with("Secret a/s: unreadable: data key \"tls.crt\" is not valid base64 ("),
            "{text:?}"
        );
        assert!(s.secret_unreadable("a", "s"));
    }

    #[test]
    fn unknown_kinds_and_non_tls_secrets_are_skipped() {
        let raw = RawSnapshot {
            objects: vec![
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}),
                json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                       "metadata": {"name": "s", "namespace": "a"}}),
                json!({"apiVersion": "example.com/v1", "kind": "Certificate",
                       "metadata": {"name": "other", "namespace": "a"}}),
            ],
            unreadable: vec![],
        };
        let s = Snapshot::from_raw(raw, &Scope::default());
        assert!(s.secrets.is_empty() && s.certificates.is_empty() && s.notes.is_empty());
    }

    #[test]
    fn scope_filters_namespace_and_labels() {
        let raw = RawSnapshot {
            objects: vec![
                cert("a", "one", json!({"team": "x"})),
                cert("a", "two", json!({"team": "y"})),
                cert("b", "three", json!({"team": "x"})),
            ],
            unreadable: vec![],
        };
        let scope = Scope {
            namespace: Some("a".into()),
            selector: Some(LabelSelector::parse("team=x").unwrap()),
        };
        let s = Snapshot::from_raw(raw, &scope);
        let names: Vec<_> = s
            .certificates
            .iter()
            .map(|c| c.metadata.name.clone().unwrap())
            .collect();
        assert_eq!(names, vec!["one"]);
    }
}
