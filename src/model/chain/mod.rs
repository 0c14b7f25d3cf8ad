//! The chain: for one Certificate, the objects cert-manager made for it and the ones it
//! depends on — CertificateRequests, the current request's Order and Challenges, the issuer,
//! the Secret, the Ingress or Gateway it came from, and the Events of each.
//!
//! [`ChainIndex`] indexes a [`Snapshot`] once by uid and name, so linking every Certificate
//! in a namespace of thousands costs one hash lookup per link, never a scan per Certificate.

use k8s_openapi::api::core::v1::Event;
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use super::secret::TlsSecret;
use super::snapshot::{
    CERTIFICATE_REQUESTS, CHALLENGES, CLUSTER_ISSUERS, ISSUERS, ORDERS, SECRETS, Snapshot,
};
use super::types::{
    Certificate, CertificateRequest, Challenge, IssuerConfig, IssuerRef, IssuerStatus, Order,
    find_condition,
};

mod index;

pub use index::ChainIndex;

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
    Found(&'a TlsSecret),
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
    /// Whether this Certificate's Secret is shared and written for another Certificate: its
    /// content is that owner's, so it is never judged against this spec.
    pub fn secret_owned_by_another(&self) -> bool {
        self.shared_secret
            .as_ref()
            .is_some_and(|s| !s.is_owner(self.certificate))
    }

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
mod tests;
