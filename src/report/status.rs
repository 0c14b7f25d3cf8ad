//! The status report model: one serialisable value per Certificate with everything `status`
//! shows. Built purely from a [`Snapshot`](crate::model::snapshot::Snapshot) by
//! [`status_report`]; the text, JSON and YAML printers in `render` all read this one model,
//! so `-o json` can never disagree with the screen.
//!
//! The JSON form is documented in docs/output.md; fields are only ever added.

use serde::Serialize;

/// A Secret data key and its size: the snapshot's own type, output as it is (`{name,
/// bytes}`); the value never leaves the process, and most values are never even kept.
pub use crate::model::secret::DataKey;
use crate::model::snapshot::{Note, Unreadable};

pub use super::fleet::ClusterOut;
use crate::model::stage::{Phase, Stage};
use crate::pki::CertFacts;

mod build;

pub use build::{EVENTS_PER_OBJECT, certificate_report, status_report};

/// `status` output.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    /// Always [`super::SCHEMA_VERSION`].
    pub schema_version: &'static str,
    /// Always `StatusReport`.
    pub kind: &'static str,
    /// The instant ages were computed at.
    pub generated_at: String,
    /// cert-manager's version, where it runs and how its parts look; omitted when they
    /// could not be read or were not found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_manager: Option<crate::model::controlplane::ControlPlane>,
    /// Certificates, not-ready first, then soonest expiry.
    pub certificates: Vec<CertificateReport>,
    /// Ingress and Gateway entries annotated for cert-manager that have no Certificate: the
    /// table's "no Certificate" rows. Empty for `status NAME` and with `-l`.
    pub origins: Vec<OriginWithoutCertificate>,
    /// Objects skipped as malformed, and similar warnings.
    pub warnings: Vec<Note>,
    /// Kinds that could not be read, and the permission to check.
    pub unreadable: Vec<Unreadable>,
    /// With several contexts (`--all-contexts`, `--context a,b`): each context, read or
    /// why not. Absent for one cluster.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<ClusterOut>,
}

/// An Ingress or Gateway entry with no Certificate (a "no Certificate" row).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OriginWithoutCertificate {
    /// The kubeconfig context it was read from, with several contexts; absent for one cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// `Ingress` or `Gateway`.
    pub kind: String,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// The entry: `spec.tls[0] (shop.example.com)`, `spec.listeners[1]`.
    pub entry: String,
    /// The Secret the entry names, if any.
    pub secret_name: Option<String>,
    /// The issuer its annotation names, if any.
    pub issuer: Option<String>,
    /// `INGRESS_NO_CERTIFICATE`, `LEGACY_ANNOTATIONS` or `GATEWAY_NO_CERTIFICATE`.
    pub code: crate::findings::Code,
    /// Why, in a sentence.
    pub message: String,
}

impl OriginWithoutCertificate {
    /// The row of one origin problem.
    pub fn of(p: &crate::diagnose::tree::origin::OriginProblem) -> OriginWithoutCertificate {
        let s = &p.finding.subject;
        OriginWithoutCertificate {
            context: None,
            kind: s.kind.clone(),
            namespace: s.namespace.clone().unwrap_or_default(),
            name: s.name.clone(),
            entry: s.part.clone().unwrap_or_default(),
            secret_name: p.secret_name.clone(),
            issuer: p.issuer.clone(),
            code: p.finding.code,
            message: p.finding.message.clone(),
        }
    }
}

/// An issuerRef with defaults applied.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IssuerRefOut {
    /// Kind (`Issuer` when unset).
    pub kind: String,
    /// Name.
    pub name: String,
    /// Group (`cert-manager.io` when unset).
    pub group: String,
}

/// A condition as shown.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionOut {
    /// Condition type.
    #[serde(rename = "type")]
    pub type_: String,
    /// `True`/`False`/`Unknown`.
    pub status: String,
    /// Reason.
    pub reason: Option<String>,
    /// Message.
    pub message: Option<String>,
    /// Last transition (RFC 3339).
    pub last_transition_time: Option<String>,
}

/// An Event about one object of the chain.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventOut {
    /// `Normal` or `Warning`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Event reason.
    pub reason: String,
    /// Event message.
    pub message: String,
    /// How many times it happened.
    pub count: i32,
    /// Last time it happened (RFC 3339).
    pub last_time: Option<String>,
}

/// Whether the issuer a Certificate names was found.
///
/// An enum so the detail view's `match` covers every case; serialised as the lowercase words
/// docs/output.md documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum IssuerState {
    /// Read from the cluster or the dump.
    Found,
    /// Not there (in the namespace, for an `Issuer`).
    Missing,
    /// Another API group: an external issuer certdoctor does not read.
    External,
    /// Issuers (or ClusterIssuers) could not be read.
    Unknown,
}

/// The issuer as found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuerOut {
    /// `found`, `missing`, `external` (another API group, not read) or `unknown` (not readable).
    pub state: IssuerState,
    /// Issuer type: `ACME`, `CA`, `Vault`, `SelfSigned`, `Venafi`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// Ready condition status.
    pub ready: Option<bool>,
    /// Ready reason.
    pub reason: Option<String>,
    /// Ready message.
    pub message: Option<String>,
    /// ACME directory URL.
    pub acme_server: Option<String>,
    /// ACME account URL; `None` when no account is registered.
    pub acme_account: Option<String>,
    /// Events about the issuer.
    pub events: Vec<EventOut>,
}

/// Whether the Secret a Certificate names was found.
///
/// An enum so the detail view's `match` covers every case; serialised as the lowercase words
/// docs/output.md documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SecretState {
    /// Read from the cluster or the dump.
    Found,
    /// Not there (normal before the first issuance).
    Missing,
    /// A Secret of that name exists with another type than `kubernetes.io/tls`
    /// (cert-manager keeps a pre-existing Secret's type).
    NotTls,
    /// Secrets could not be read.
    Unknown,
}

/// The Secret as found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretOut {
    /// Secret name.
    pub name: String,
    /// `found`, `missing`, `notTls` or `unknown` (Secrets not readable).
    pub state: SecretState,
    /// Data keys with their sizes in bytes (values are never shown).
    pub keys: Vec<DataKey>,
    /// The certificates in `tls.crt`, leaf first.
    pub certificates: Vec<CertFacts>,
    /// Why `tls.crt` could not be read.
    pub error: Option<String>,
    /// Events about the Secret.
    pub events: Vec<EventOut>,
}

/// The current CertificateRequest.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestOut {
    /// Name.
    pub name: String,
    /// Revision annotation.
    pub revision: Option<i64>,
    /// `Approved=True`.
    pub approved: bool,
    /// `Denied=True`.
    pub denied: bool,
    /// `Ready=True`.
    pub ready: bool,
    /// Ready reason.
    pub reason: Option<String>,
    /// Ready message.
    pub message: Option<String>,
    /// Creation time (RFC 3339).
    pub created: Option<String>,
    /// All its conditions.
    pub conditions: Vec<ConditionOut>,
    /// Events about it.
    pub events: Vec<EventOut>,
}

/// An authorization of the Order.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationOut {
    /// The identifier.
    pub identifier: Option<String>,
    /// State when the order was created.
    pub initial_state: Option<String>,
    /// Wildcard authorization.
    pub wildcard: Option<bool>,
    /// URL at the ACME server.
    pub url: String,
}

/// The current Order.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderOut {
    /// Name.
    pub name: String,
    /// State (`pending`, `valid`, `invalid`, …).
    pub state: Option<String>,
    /// Failure reason.
    pub reason: Option<String>,
    /// Order URL.
    pub url: Option<String>,
    /// Authorizations.
    pub authorizations: Vec<AuthorizationOut>,
    /// Events about it.
    pub events: Vec<EventOut>,
}

/// A Challenge of the current Order.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeOut {
    /// Name.
    pub name: String,
    /// `HTTP-01` or `DNS-01`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Name validated (no `*.`).
    pub dns_name: String,
    /// Wildcard.
    pub wildcard: bool,
    /// State.
    pub state: Option<String>,
    /// Reason.
    pub reason: Option<String>,
    /// Record or solver in place.
    pub presented: bool,
    /// Controller working on it.
    pub processing: bool,
    /// Events about it.
    pub events: Vec<EventOut>,
}

/// The owner that made this Certificate (ingress-shim).
#[derive(Debug, Clone, Serialize)]
pub struct OriginOut {
    /// `Ingress`, `Gateway`, …
    pub kind: String,
    /// Name.
    pub name: String,
}

/// Everything about one Certificate.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateReport {
    /// The kubeconfig context it was read from, with several contexts; absent for one cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// `Ready=True`.
    pub ready: bool,
    /// Ready reason.
    pub reason: Option<String>,
    /// Ready message.
    pub message: Option<String>,
    /// `Issuing=True`.
    pub issuing: bool,
    /// issuerRef with defaults.
    pub issuer_ref: IssuerRefOut,
    /// `spec.secretName`.
    pub secret_name: String,
    /// DNS SANs requested.
    pub dns_names: Vec<String>,
    /// IP SANs requested.
    pub ip_addresses: Vec<String>,
    /// URI SANs requested.
    pub uris: Vec<String>,
    /// From status (RFC 3339).
    pub not_before: Option<String>,
    /// From status (RFC 3339).
    pub not_after: Option<String>,
    /// From status (RFC 3339).
    pub renewal_time: Option<String>,
    /// When the next renewal is and which rule decides it, in one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal: Option<String>,
    /// Last issued revision.
    pub revision: Option<i64>,
    /// Where issuance stands, one line.
    pub stage: String,
    /// Stage details: phase, the object issuance waits on, and its message.
    pub stage_detail: Stage,
    /// Consecutive failed issuances.
    pub failed_issuance_attempts: Option<i64>,
    /// Last failure (RFC 3339).
    pub last_failure_time: Option<String>,
    /// When cert-manager retries by itself (RFC 3339), while in backoff.
    pub next_retry_time: Option<String>,
    /// Creation time (RFC 3339).
    pub created: Option<String>,
    /// The Ingress/Gateway that owns it.
    pub origin: Option<OriginOut>,
    /// All conditions.
    pub conditions: Vec<ConditionOut>,
    /// Events about the Certificate.
    pub events: Vec<EventOut>,
    /// The issuer.
    pub issuer: IssuerOut,
    /// The Secret.
    pub secret: SecretOut,
    /// The current CertificateRequest.
    pub request: Option<RequestOut>,
    /// Number of CertificateRequests it controls.
    pub request_count: usize,
    /// The current Order.
    pub order: Option<OrderOut>,
    /// The Order's Challenges.
    pub challenges: Vec<ChallengeOut>,
}

/// True when the phase means issuance is blocked (for colouring and verdicts).
pub fn is_stuck(stage: &Stage) -> bool {
    matches!(stage.phase, Phase::Stuck | Phase::NotReady)
}
