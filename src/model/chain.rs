//! The chain: for one Certificate, the objects cert-manager made for it and the ones it
//! depends on — CertificateRequests, the current request's Order and Challenges, the issuer,
//! the Secret, the Ingress or Gateway it came from, and the Events of each.
//!
//! [`ChainIndex`] indexes a [`Snapshot`] once by uid and name, so linking every Certificate
//! in a namespace of thousands costs one hash lookup per link, never a scan per Certificate.

use std::collections::HashMap;

use k8s_openapi::api::core::v1::{Event, Secret};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use super::snapshot::{
    CERTIFICATE_REQUESTS, CHALLENGES, CLUSTER_ISSUERS, ISSUERS, ORDERS, SECRETS, Snapshot,
};
use super::types::{
    Certificate, CertificateRequest, Challenge, IssuerConfig, IssuerRef, IssuerStatus, Order,
    find_condition,
};

/// Annotation cert-manager puts on CertificateRequests (and Secrets) naming the Certificate.
pub const CERTIFICATE_NAME_ANNOTATION: &str = "cert-manager.io/certificate-name";
/// Annotation holding a CertificateRequest's revision.
pub const REVISION_ANNOTATION: &str = "cert-manager.io/certificate-revision";

/// The controller ownerReference of an object, if any.
pub fn controller_of(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references
        .as_deref()?
        .iter()
        .find(|o| o.controller == Some(true))
}

/// A CertificateRequest's revision from its annotation.
pub fn request_revision(cr: &CertificateRequest) -> Option<i64> {
    cr.metadata
        .annotations
        .as_ref()?
        .get(REVISION_ANNOTATION)?
        .trim()
        .parse()
        .ok()
}

/// What a Certificate's `issuerRef` resolved to.
#[derive(Debug, Clone, Copy)]
pub enum IssuerLink<'a> {
    /// An Issuer or ClusterIssuer that exists in the snapshot.
    Found {
        /// `Issuer` or `ClusterIssuer`.
        kind: &'static str,
        /// Its metadata (name, uid for events).
        meta: &'a ObjectMeta,
        /// Type-specific settings.
        config: &'a IssuerConfig,
        /// Conditions and ACME account.
        status: Option<&'a IssuerStatus>,
    },
    /// cert-manager's kind, but no such object.
    Missing,
    /// An external issuer (another API group): shown, not read.
    External,
    /// The kind could not be listed (RBAC), so we cannot tell.
    Unknown,
}

/// Where the Secret link landed.
#[derive(Debug, Clone, Copy)]
pub enum SecretLink<'a> {
    /// The TLS Secret exists.
    Found(&'a Secret),
    /// No TLS Secret of that name (it may not exist, or have another type).
    Missing,
    /// Secrets could not be listed.
    Unknown,
}

/// The object that made a Certificate, for ingress-shim Certificates.
#[derive(Debug, Clone)]
pub struct Origin<'a> {
    /// `Ingress`, `Gateway` or another owner kind.
    pub kind: String,
    /// Owner name (same namespace as the Certificate).
    pub name: String,
    /// The Ingress itself, when it was read.
    pub ingress: Option<&'a Ingress>,
}

/// Everything linked to one Certificate.
#[derive(Debug, Clone)]
pub struct Chain<'a> {
    /// The Certificate.
    pub certificate: &'a Certificate,
    /// Every CertificateRequest it controls, oldest revision first.
    pub requests: Vec<&'a CertificateRequest>,
    /// The request that matters now (see [`ChainIndex::chain`]).
    pub current_request: Option<&'a CertificateRequest>,
    /// The newest Order of the current request (ACME only).
    pub order: Option<&'a Order>,
    /// The Order's Challenges, sorted by name.
    pub challenges: Vec<&'a Challenge>,
    /// The issuer from `issuerRef`.
    pub issuer: IssuerLink<'a>,
    /// The `spec.secretName` Secret.
    pub secret: SecretLink<'a>,
    /// The Ingress or Gateway that owns it.
    pub origin: Option<Origin<'a>>,
    /// False when CertificateRequests (or Orders/Challenges) could not be listed: an
    /// empty list then means "unknown", not "none".
    pub children_readable: bool,
    /// Other Certificates of the namespace with the same `spec.secretName`, and which one
    /// cert-manager (v1.14+) lets write the Secret; `None` when no other one does.
    pub shared_secret: Option<SharedSecret<'a>>,
    /// How the next revision's request stands apart from the current one: duplicates,
    /// or a request of that name cert-manager does not own, which blocks creation.
    pub next_request: NextRequest<'a>,
    /// An Order with the current request's deterministic name prefix that another object
    /// controls: cert-manager's ACME request controller refuses it and never creates its own.
    pub foreign_order: Option<&'a Order>,
    /// Events of the Certificate, the current request and the issuer, oldest first.
    pub events: ChainEvents<'a>,
}

/// Who writes a Secret that several Certificates name (cert-manager
/// `internal/controller/certificates.CertificateOwnsSecret`, v1.14+): the Certificate the
/// Secret's `cert-manager.io/certificate-name` annotation names, when it is one of them,
/// else the oldest (by creationTimestamp, then name). The trigger controller silently skips
/// every other one, so they are never issued.
#[derive(Debug, Clone)]
pub struct SharedSecret<'a> {
    /// The Certificate cert-manager lets write the Secret.
    pub owner: &'a Certificate,
    /// True when the owner was chosen by the Secret's annotation (not by age).
    pub by_annotation: bool,
    /// The other Certificates with this secretName (this one excluded).
    pub others: Vec<&'a Certificate>,
}

impl SharedSecret<'_> {
    /// True when `cert` is the owner (compared by uid, by name when a uid is missing).
    pub fn is_owner(&self, cert: &Certificate) -> bool {
        same_object(&self.owner.metadata, &cert.metadata)
    }
}

/// Requests that stop cert-manager from creating or using the next revision's request.
#[derive(Debug, Clone, Default)]
pub struct NextRequest<'a> {
    /// The revision cert-manager will request next (`status.revision + 1`, or 1).
    pub revision: i64,
    /// More than one request of this Certificate for that revision: cert-manager's gatherer
    /// skips issuance until only one is left.
    pub duplicates: Vec<&'a CertificateRequest>,
    /// A request named `<certificate>-<revision>` that this Certificate does not control
    /// (no controller ownerReference, or one to another uid, e.g. after a restore): with
    /// the StableCertificateRequestName feature (on by default) creation fails with
    /// `already exists`.
    pub blocking: Option<&'a CertificateRequest>,
}

/// Events of the objects of a chain, oldest first.
#[derive(Debug, Clone, Default)]
pub struct ChainEvents<'a> {
    /// Of the Certificate.
    pub certificate: Vec<&'a Event>,
    /// Of the current CertificateRequest.
    pub request: Vec<&'a Event>,
    /// Of the issuer.
    pub issuer: Vec<&'a Event>,
}

fn same_object(a: &ObjectMeta, b: &ObjectMeta) -> bool {
    match (a.uid.as_deref(), b.uid.as_deref()) {
        (Some(x), Some(y)) => x == y,
        _ => a.name == b.name && a.namespace == b.namespace,
    }
}

impl<'a> Chain<'a> {
    /// The issuerRef with cert-manager's defaults.
    pub fn issuer_ref(&self) -> &'a IssuerRef {
        &self.certificate.spec.issuer_ref
    }

    /// True when the Certificate's `Issuing` condition is `True`.
    pub fn is_issuing(&self) -> bool {
        cert_condition(self.certificate, "Issuing").is_some_and(|c| c.is_true())
    }

    /// True when the Certificate's `Ready` condition is `True`.
    pub fn is_ready(&self) -> bool {
        cert_condition(self.certificate, "Ready").is_some_and(|c| c.is_true())
    }
}

/// A condition of a Certificate, by type.
pub fn cert_condition<'a>(c: &'a Certificate, type_: &str) -> Option<&'a super::Condition> {
    c.status
        .as_ref()
        .and_then(|s| find_condition(&s.conditions, type_))
}

type Key<'a> = (&'a str, &'a str);

fn key(meta: &ObjectMeta) -> Key<'_> {
    (
        meta.namespace.as_deref().unwrap_or(""),
        meta.name.as_deref().unwrap_or(""),
    )
}

/// Indexes of a snapshot by uid and name. Build once, then call [`ChainIndex::chain`] per
/// Certificate.
pub struct ChainIndex<'a> {
    snapshot: &'a Snapshot,
    requests_by_owner: HashMap<&'a str, Vec<&'a CertificateRequest>>,
    orphan_requests_by_cert: HashMap<Key<'a>, Vec<&'a CertificateRequest>>,
    orders_by_owner: HashMap<&'a str, Vec<&'a Order>>,
    challenges_by_owner: HashMap<&'a str, Vec<&'a Challenge>>,
    issuers: HashMap<Key<'a>, usize>,
    cluster_issuers: HashMap<&'a str, usize>,
    secrets: HashMap<Key<'a>, &'a Secret>,
    ingresses: HashMap<Key<'a>, &'a Ingress>,
    events_by_uid: HashMap<&'a str, Vec<&'a Event>>,
    certificates_by_secret: HashMap<Key<'a>, Vec<&'a Certificate>>,
    requests_by_name: HashMap<Key<'a>, &'a CertificateRequest>,
    orders_by_base: HashMap<Key<'a>, Vec<&'a Order>>,
}

impl<'a> ChainIndex<'a> {
    /// Builds every index in one pass over each kind.
    pub fn new(snapshot: &'a Snapshot) -> Self {
        let mut requests_by_owner: HashMap<&str, Vec<&CertificateRequest>> = HashMap::new();
        let mut orphan_requests_by_cert: HashMap<Key, Vec<&CertificateRequest>> = HashMap::new();
        for cr in &snapshot.requests {
            match controller_of(&cr.metadata) {
                Some(owner) => requests_by_owner
                    .entry(owner.uid.as_str())
                    .or_default()
                    .push(cr),
                None => {
                    let cert_name = cr
                        .metadata
                        .annotations
                        .as_ref()
                        .and_then(|a| a.get(CERTIFICATE_NAME_ANNOTATION));
                    if let Some(name) = cert_name {
                        let ns = cr.metadata.namespace.as_deref().unwrap_or("");
                        orphan_requests_by_cert
                            .entry((ns, name.as_str()))
                            .or_default()
                            .push(cr);
                    }
                }
            }
        }
        let mut orders_by_owner: HashMap<&str, Vec<&Order>> = HashMap::new();
        for o in &snapshot.orders {
            if let Some(owner) = controller_of(&o.metadata) {
                orders_by_owner
                    .entry(owner.uid.as_str())
                    .or_default()
                    .push(o);
            }
        }
        let mut challenges_by_owner: HashMap<&str, Vec<&Challenge>> = HashMap::new();
        for ch in &snapshot.challenges {
            if let Some(owner) = controller_of(&ch.metadata) {
                challenges_by_owner
                    .entry(owner.uid.as_str())
                    .or_default()
                    .push(ch);
            }
        }
        let mut events_by_uid: HashMap<&str, Vec<&Event>> = HashMap::new();
        for e in &snapshot.events {
            if let Some(uid) = e.involved_object.uid.as_deref() {
                events_by_uid.entry(uid).or_default().push(e);
            }
        }
        for events in events_by_uid.values_mut() {
            events.sort_by_key(|e| event_time(e));
        }
        let mut certificates_by_secret: HashMap<Key, Vec<&Certificate>> = HashMap::new();
        for c in &snapshot.certificates {
            let ns = c.metadata.namespace.as_deref().unwrap_or("");
            certificates_by_secret
                .entry((ns, c.spec.secret_name.as_str()))
                .or_default()
                .push(c);
        }
        let requests_by_name = snapshot
            .requests
            .iter()
            .map(|r| (key(&r.metadata), r))
            .collect();
        let mut orders_by_base: HashMap<Key, Vec<&Order>> = HashMap::new();
        for o in &snapshot.orders {
            let (ns, name) = key(&o.metadata);
            if let Some((base, hash)) = name.rsplit_once('-')
                && !hash.is_empty()
                && hash.bytes().all(|b| b.is_ascii_digit())
            {
                orders_by_base.entry((ns, base)).or_default().push(o);
            }
        }
        ChainIndex {
            snapshot,
            certificates_by_secret,
            requests_by_name,
            orders_by_base,
            requests_by_owner,
            orphan_requests_by_cert,
            orders_by_owner,
            challenges_by_owner,
            issuers: snapshot
                .issuers
                .iter()
                .enumerate()
                .map(|(i, x)| (key(&x.metadata), i))
                .collect(),
            cluster_issuers: snapshot
                .cluster_issuers
                .iter()
                .enumerate()
                .map(|(i, x)| (x.metadata.name.as_deref().unwrap_or(""), i))
                .collect(),
            secrets: snapshot
                .secrets
                .iter()
                .map(|s| (key(&s.metadata), s))
                .collect(),
            ingresses: snapshot
                .ingresses
                .iter()
                .map(|i| (key(&i.metadata), i))
                .collect(),
            events_by_uid,
        }
    }

    /// Every Certificate in `namespace` whose `spec.secretName` is `secret` (more than one
    /// means they overwrite each other).
    pub fn certificates_for_secret(
        &self,
        namespace: &'a str,
        secret: &'a str,
    ) -> &[&'a Certificate] {
        self.certificates_by_secret
            .get(&(namespace, secret))
            .map_or(&[], Vec::as_slice)
    }

    /// Events about the object with this uid, oldest first.
    pub fn events(&self, meta: &ObjectMeta) -> &[&'a Event] {
        meta.uid
            .as_deref()
            .and_then(|uid| self.events_by_uid.get(uid))
            .map_or(&[], Vec::as_slice)
    }

    /// Links one Certificate.
    ///
    /// The current request is the one with revision `status.revision + 1` when it exists —
    /// an issuance in flight or one that failed and waits for its retry — else, while
    /// `Issuing=True`, none yet (cert-manager has not created it); else the one with
    /// `status.revision` (a healthy Certificate shows the request that issued it, which
    /// `cmctl status` does not: cert-manager#3145); else the newest.
    pub fn chain(&self, cert: &'a Certificate) -> Chain<'a> {
        let (ns, name) = key(&cert.metadata);
        let mut requests: Vec<&CertificateRequest> = Vec::new();
        if let Some(uid) = cert.metadata.uid.as_deref()
            && let Some(v) = self.requests_by_owner.get(uid)
        {
            requests.extend(v);
        }
        // cert-manager acts only on requests the Certificate controls
        // (`predicate.ResourceOwnedBy`); a request without a controller is shown, never current.
        let owned = requests.len();
        if let Some(v) = self.orphan_requests_by_cert.get(&(ns, name)) {
            requests.extend(v);
        }
        let by_order = |a: &&CertificateRequest, b: &&CertificateRequest| {
            (request_revision(a), created(&a.metadata), &a.metadata.name).cmp(&(
                request_revision(b),
                created(&b.metadata),
                &b.metadata.name,
            ))
        };
        let mut owned_requests: Vec<&CertificateRequest> = requests[..owned].to_vec();
        owned_requests.sort_by(by_order);
        requests.sort_by(by_order);

        let status = cert.status.as_ref();
        let revision = status.and_then(|s| s.revision);
        let next = revision.unwrap_or(0) + 1;
        let issuing = cert_condition(cert, "Issuing").is_some_and(|c| c.is_true());
        let by_rev = |r: i64| {
            owned_requests
                .iter()
                .rev()
                .copied()
                .find(|cr| request_revision(cr) == Some(r))
        };
        let current_request = by_rev(next).or_else(|| {
            if issuing {
                None
            } else {
                revision.and_then(by_rev).or_else(|| {
                    owned_requests
                        .iter()
                        .copied()
                        .max_by_key(|cr| created(&cr.metadata))
                })
            }
        });
        let duplicates: Vec<&CertificateRequest> = owned_requests
            .iter()
            .copied()
            .filter(|cr| request_revision(cr) == Some(next))
            .collect();
        let next_name = format!("{name}-{next}");
        let blocking = self
            .requests_by_name
            .get(&(ns, next_name.as_str()))
            .copied()
            .filter(|cr| {
                controller_of(&cr.metadata)
                    .is_none_or(|o| Some(o.uid.as_str()) != cert.metadata.uid.as_deref())
            });
        let next_request = NextRequest {
            revision: next,
            duplicates: if duplicates.len() > 1 {
                duplicates
            } else {
                vec![]
            },
            blocking,
        };

        let order = current_request
            .and_then(|cr| cr.metadata.uid.as_deref())
            .and_then(|uid| self.orders_by_owner.get(uid))
            .and_then(|orders| orders.iter().copied().max_by_key(|o| created(&o.metadata)));
        let mut challenges: Vec<&Challenge> = order
            .and_then(|o| o.metadata.uid.as_deref())
            .and_then(|uid| self.challenges_by_owner.get(uid))
            .cloned()
            .unwrap_or_default();
        challenges.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));

        let foreign_order = match (current_request, order) {
            (Some(cr), None) => {
                let (cr_ns, cr_name) = key(&cr.metadata);
                self.orders_by_base.get(&(cr_ns, cr_name)).and_then(|v| {
                    v.iter().copied().find(|o| {
                        controller_of(&o.metadata)
                            .is_none_or(|c| Some(c.uid.as_str()) != cr.metadata.uid.as_deref())
                    })
                })
            }
            _ => None,
        };
        let issuer = self.issuer(cert);
        let events = ChainEvents {
            certificate: self.events(&cert.metadata).to_vec(),
            request: current_request
                .map(|cr| self.events(&cr.metadata).to_vec())
                .unwrap_or_default(),
            issuer: match issuer {
                IssuerLink::Found { meta, .. } => self.events(meta).to_vec(),
                _ => vec![],
            },
        };

        let s = self.snapshot;
        let children_readable = !(s.is_unreadable(&CERTIFICATE_REQUESTS)
            || (current_request.is_some()
                && (s.is_unreadable(&ORDERS) || s.is_unreadable(&CHALLENGES))));

        Chain {
            certificate: cert,
            requests,
            current_request,
            order,
            challenges,
            issuer,
            secret: self.secret(cert),
            origin: self.origin(cert),
            children_readable,
            shared_secret: self.shared_secret(cert),
            next_request,
            foreign_order,
            events,
        }
    }

    fn shared_secret(&self, cert: &'a Certificate) -> Option<SharedSecret<'a>> {
        let ns = cert.metadata.namespace.as_deref().unwrap_or("");
        let all = self.certificates_for_secret(ns, &cert.spec.secret_name);
        let others: Vec<&Certificate> = all
            .iter()
            .copied()
            .filter(|c| !same_object(&c.metadata, &cert.metadata))
            .collect();
        if others.is_empty() {
            return None;
        }
        let annotated = self
            .secrets
            .get(&(ns, cert.spec.secret_name.as_str()))
            .and_then(|s| s.metadata.annotations.as_ref())
            .and_then(|a| a.get(CERTIFICATE_NAME_ANNOTATION))
            .and_then(|n| {
                all.iter()
                    .copied()
                    .find(|c| c.metadata.name.as_deref() == Some(n.as_str()))
            });
        let owner = annotated.or_else(|| {
            all.iter().copied().min_by(|a, b| {
                (created(&a.metadata), &a.metadata.name)
                    .cmp(&(created(&b.metadata), &b.metadata.name))
            })
        })?;
        Some(SharedSecret {
            owner,
            by_annotation: annotated.is_some(),
            others,
        })
    }

    fn issuer(&self, cert: &'a Certificate) -> IssuerLink<'a> {
        let r = &cert.spec.issuer_ref;
        if r.is_external() {
            return IssuerLink::External;
        }
        let s = self.snapshot;
        match r.kind_or_default() {
            "ClusterIssuer" => match self.cluster_issuers.get(r.name.as_str()) {
                Some(&i) => {
                    let ci = &s.cluster_issuers[i];
                    IssuerLink::Found {
                        kind: "ClusterIssuer",
                        meta: &ci.metadata,
                        config: &ci.spec.config,
                        status: ci.status.as_ref(),
                    }
                }
                None if s.is_unreadable(&CLUSTER_ISSUERS) => IssuerLink::Unknown,
                None => IssuerLink::Missing,
            },
            "Issuer" => {
                let ns = cert.metadata.namespace.as_deref().unwrap_or("");
                match self.issuers.get(&(ns, r.name.as_str())) {
                    Some(&i) => {
                        let is = &s.issuers[i];
                        IssuerLink::Found {
                            kind: "Issuer",
                            meta: &is.metadata,
                            config: &is.spec.config,
                            status: is.status.as_ref(),
                        }
                    }
                    None if s.is_unreadable(&ISSUERS) => IssuerLink::Unknown,
                    None => IssuerLink::Missing,
                }
            }
            // cert-manager.io has only these two issuer kinds; anything else cannot resolve.
            _ => IssuerLink::Missing,
        }
    }

    fn secret(&self, cert: &'a Certificate) -> SecretLink<'a> {
        let ns = cert.metadata.namespace.as_deref().unwrap_or("");
        match self.secrets.get(&(ns, cert.spec.secret_name.as_str())) {
            Some(s) => SecretLink::Found(s),
            None if self.snapshot.is_unreadable(&SECRETS)
                || self.snapshot.secret_unreadable(ns, &cert.spec.secret_name) =>
            {
                SecretLink::Unknown
            }
            None => SecretLink::Missing,
        }
    }

    fn origin(&self, cert: &'a Certificate) -> Option<Origin<'a>> {
        let owner = controller_of(&cert.metadata)?;
        let ns = cert.metadata.namespace.as_deref().unwrap_or("");
        let ingress = (owner.kind == "Ingress")
            .then(|| self.ingresses.get(&(ns, owner.name.as_str())).copied())
            .flatten()
            .filter(|i| i.metadata.uid.as_deref() == Some(owner.uid.as_str()));
        Some(Origin {
            kind: owner.kind.clone(),
            name: owner.name.clone(),
            ingress,
        })
    }
}

fn created(meta: &ObjectMeta) -> Option<jiff::Timestamp> {
    meta.creation_timestamp.as_ref().map(|t| t.0)
}

/// The time an event last happened (lastTimestamp, eventTime, or firstTimestamp).
pub fn event_time(e: &Event) -> Option<jiff::Timestamp> {
    e.last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| e.event_time.as_ref().map(|t| t.0))
        .or_else(|| e.first_timestamp.as_ref().map(|t| t.0))
        .or_else(|| created(&e.metadata))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::model::snapshot::{RawSnapshot, Scope, Unreadable};

    fn cert(conditions: Value, revision: Option<i64>) -> Value {
        json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
               "metadata": {"name": "web", "namespace": "a", "uid": "cert-uid",
                            "ownerReferences": [{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                                                 "name": "web-ing", "uid": "ing-uid", "controller": true}]},
               "spec": {"secretName": "web-tls", "issuerRef": {"name": "le", "kind": "ClusterIssuer"}},
               "status": {"conditions": conditions, "revision": revision}})
    }

    fn request(name: &str, rev: i64, owner: Option<&str>, created: &str) -> Value {
        let mut v = json!({"apiVersion": "cert-manager.io/v1", "kind": "CertificateRequest",
               "metadata": {"name": name, "namespace": "a", "uid": format!("{name}-uid"),
                            "creationTimestamp": created,
                            "annotations": {"cert-manager.io/certificate-revision": rev.to_string(),
                                            "cert-manager.io/certificate-name": "web"}},
               "spec": {"issuerRef": {"name": "le"}}});
        if let Some(uid) = owner {
            v["metadata"]["ownerReferences"] = json!([{"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
                                                        "name": "web", "uid": uid, "controller": true}]);
        }
        v
    }

    fn owned(kind: &str, name: &str, owner_kind: &str, owner_uid: &str, created: &str) -> Value {
        json!({"apiVersion": "acme.cert-manager.io/v1", "kind": kind,
               "metadata": {"name": name, "namespace": "a", "uid": format!("{name}-uid"), "creationTimestamp": created,
                            "ownerReferences": [{"apiVersion": "x", "kind": owner_kind, "name": "o",
                                                 "uid": owner_uid, "controller": true}]},
               "spec": {"dnsName": name, "type": "HTTP-01"}})
    }

    fn snapshot(objects: Vec<Value>) -> Snapshot {
        Snapshot::from_raw(
            RawSnapshot {
                objects,
                unreadable: vec![],
            },
            &Scope::default(),
        )
    }

    fn current(s: &Snapshot) -> Option<String> {
        let index = ChainIndex::new(s);
        index
            .chain(&s.certificates[0])
            .current_request
            .and_then(|r| r.metadata.name.clone())
    }

    const T1: &str = "2026-01-01T00:00:00Z";
    const T2: &str = "2026-02-01T00:00:00Z";
    const T3: &str = "2026-03-01T00:00:00Z";

    #[test]
    fn healthy_certificate_links_the_request_that_issued_it() {
        let ready = json!([{"type": "Ready", "status": "True"}]);
        let s = snapshot(vec![
            cert(ready, Some(2)),
            request("web-1", 1, Some("cert-uid"), T1),
            request("web-2", 2, Some("cert-uid"), T2),
        ]);
        assert_eq!(current(&s).as_deref(), Some("web-2"));
        let index = ChainIndex::new(&s);
        assert_eq!(index.chain(&s.certificates[0]).requests.len(), 2);
    }

    #[test]
    fn issuing_certificate_links_the_next_revision_or_none_yet() {
        let issuing =
            json!([{"type": "Ready", "status": "True"}, {"type": "Issuing", "status": "True"}]);
        let with_next = snapshot(vec![
            cert(issuing.clone(), Some(2)),
            request("web-2", 2, Some("cert-uid"), T2),
            request("web-3", 3, Some("cert-uid"), T3),
        ]);
        assert_eq!(current(&with_next).as_deref(), Some("web-3"));
        let not_yet = snapshot(vec![
            cert(issuing, Some(2)),
            request("web-2", 2, Some("cert-uid"), T2),
        ]);
        assert_eq!(current(&not_yet), None);
    }

    #[test]
    fn a_failed_next_revision_stays_current_after_issuing_ends() {
        let failed = json!([{"type": "Ready", "status": "False"}, {"type": "Issuing", "status": "False", "reason": "Failed"}]);
        let s = snapshot(vec![
            cert(failed, Some(1)),
            request("web-1", 1, Some("cert-uid"), T1),
            request("web-2", 2, Some("cert-uid"), T2),
        ]);
        assert_eq!(current(&s).as_deref(), Some("web-2"));
    }

    #[test]
    fn requests_of_another_certificate_with_the_same_name_are_not_linked() {
        let s = snapshot(vec![
            cert(json!([]), None),
            request("old-1", 1, Some("deleted-cert-uid"), T1),
            request("orphan-1", 1, None, T2),
        ]);
        // The orphan (no controller) is linked by annotation; the other owner's is not.
        let index = ChainIndex::new(&s);
        let chain = index.chain(&s.certificates[0]);
        let names: Vec<_> = chain
            .requests
            .iter()
            .map(|r| r.metadata.name.clone().unwrap())
            .collect();
        assert_eq!(names, ["orphan-1"]);
    }

    #[test]
    fn newest_order_of_the_current_request_and_its_challenges_are_linked() {
        let s = snapshot(vec![
            cert(json!([{"type": "Issuing", "status": "True"}]), None),
            request("web-1", 1, Some("cert-uid"), T1),
            owned("Order", "order-old", "CertificateRequest", "web-1-uid", T1),
            owned("Order", "order-new", "CertificateRequest", "web-1-uid", T2),
            owned("Challenge", "b.example.com", "Order", "order-new-uid", T2),
            owned("Challenge", "a.example.com", "Order", "order-new-uid", T2),
            owned(
                "Challenge",
                "stale.example.com",
                "Order",
                "order-old-uid",
                T1,
            ),
        ]);
        let index = ChainIndex::new(&s);
        let chain = index.chain(&s.certificates[0]);
        assert_eq!(
            chain.order.unwrap().metadata.name.as_deref(),
            Some("order-new")
        );
        let names: Vec<_> = chain
            .challenges
            .iter()
            .map(|c| c.spec.dns_name.clone())
            .collect();
        assert_eq!(names, ["a.example.com", "b.example.com"]);
    }

    #[test]
    fn issuer_secret_and_origin_resolve_or_say_why_not() {
        let mut s = snapshot(vec![cert(json!([]), None)]);
        {
            let index = ChainIndex::new(&s);
            let chain = index.chain(&s.certificates[0]);
            assert!(matches!(chain.issuer, IssuerLink::Missing));
            assert!(matches!(chain.secret, SecretLink::Missing));
            let origin = chain.origin.unwrap();
            assert_eq!(
                (origin.kind.as_str(), origin.name.as_str()),
                ("Ingress", "web-ing")
            );
        }
        s.unreadable.push(Unreadable {
            kind: "Secret".into(),
            resource: "secrets".into(),
            reason: "forbidden".into(),
            check: String::new(),
        });
        s.unreadable.push(Unreadable {
            kind: "ClusterIssuer".into(),
            resource: "clusterissuers.cert-manager.io".into(),
            reason: "forbidden".into(),
            check: String::new(),
        });
        let index = ChainIndex::new(&s);
        let chain = index.chain(&s.certificates[0]);
        assert!(matches!(chain.secret, SecretLink::Unknown));
        assert!(matches!(chain.issuer, IssuerLink::Unknown));
    }

    #[test]
    fn external_issuer_group_is_external_not_missing() {
        let mut c = cert(json!([]), None);
        c["spec"]["issuerRef"] = json!({"name": "pca", "kind": "AWSPCAClusterIssuer", "group": "awspca.cert-manager.io"});
        let s = snapshot(vec![c]);
        let index = ChainIndex::new(&s);
        assert!(matches!(
            index.chain(&s.certificates[0]).issuer,
            IssuerLink::External
        ));
    }
}
