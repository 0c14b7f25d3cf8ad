//! Our own partial types for the cert-manager kinds certdoctor reads.
//!
//! Generated CRD crates pin old kube versions and fail on enum values a newer cert-manager
//! adds, so these structs carry only the fields we use. Every field is optional or defaulted,
//! unknown fields are ignored and enum-like values are plain strings: an object written by a
//! newer (or older) cert-manager still deserialises. An object whose fields have the wrong
//! *shape* fails on its own and becomes a note in the snapshot, never a failed command.

mod acme;

pub use acme::*;

use kube::CustomResource;
use serde::{Deserialize, Serialize};

/// A status condition as cert-manager writes it. All fields are optional because
/// cert-manager marks `lastTransitionTime` optional and hand-edited objects may omit more.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// `Ready`, `Issuing`, `Approved`, `Denied`, `InvalidRequest`, …
    #[serde(default, rename = "type")]
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    #[serde(default)]
    pub status: String,
    /// CamelCase machine-readable reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Human-readable message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When the status last changed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<String>,
    /// The generation the controller saw when it set the condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}

impl Condition {
    /// True when the condition's status is exactly `True`.
    pub fn is_true(&self) -> bool {
        self.status == "True"
    }
}

/// Finds the condition of one type in a list (cert-manager never writes two of one type).
pub fn find_condition<'a>(conditions: &'a [Condition], type_: &str) -> Option<&'a Condition> {
    conditions.iter().find(|c| c.type_ == type_)
}

/// A reference to the issuer that signs a Certificate or CertificateRequest.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct IssuerRef {
    /// Name of the Issuer or ClusterIssuer.
    #[serde(default)]
    pub name: String,
    /// `Issuer` (the default when empty), `ClusterIssuer`, or an external issuer's kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// API group; empty means `cert-manager.io`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// The API group of cert-manager's own issuers.
pub const CERT_MANAGER_GROUP: &str = "cert-manager.io";

impl IssuerRef {
    /// The kind with cert-manager's default applied (`Issuer`).
    pub fn kind_or_default(&self) -> &str {
        match self.kind.as_deref() {
            None | Some("") => "Issuer",
            Some(k) => k,
        }
    }

    /// The group with cert-manager's default applied (`cert-manager.io`).
    pub fn group_or_default(&self) -> &str {
        match self.group.as_deref() {
            None | Some("") => CERT_MANAGER_GROUP,
            Some(g) => g,
        }
    }

    /// True when the issuer belongs to an external issuer project (another API group),
    /// which certdoctor shows but cannot read.
    pub fn is_external(&self) -> bool {
        self.group_or_default() != CERT_MANAGER_GROUP
    }
}

/// Desired state of a Certificate (the fields certdoctor shows or checks).
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[kube(
    group = "cert-manager.io",
    version = "v1",
    kind = "Certificate",
    namespaced,
    status = "CertificateStatus",
    schema = "disabled"
)]
#[serde(rename_all = "camelCase")]
pub struct CertificateSpec {
    /// Secret the signed certificate and key are written to.
    #[serde(default)]
    pub secret_name: String,
    /// Who signs it.
    #[serde(default)]
    pub issuer_ref: IssuerRef,
    /// Subject common name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_name: Option<String>,
    /// DNS subject alternative names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dns_names: Vec<String>,
    /// IP subject alternative names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ip_addresses: Vec<String>,
    /// URI subject alternative names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uris: Vec<String>,
    /// Email subject alternative names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email_addresses: Vec<String>,
    /// Requested lifetime (Go duration, e.g. `2160h`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// How long before expiry to renew (Go duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_before: Option<String>,
    /// `spec.renewBeforePercentage` (v1.15+): renew when this share of the lifetime is left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_before_percentage: Option<i64>,
    /// `spec.renewal` (v1.21+): the renewal policy (`RenewBefore`, or `Disabled`: never
    /// renewed) and the cron windows the renewal time is placed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal: Option<RenewalSpec>,
    /// `spec.privateKey`: the key's algorithm, size and rotation policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<PrivateKeySpec>,
}

/// `spec.privateKey` of a Certificate.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PrivateKeySpec {
    /// `RSA` (the default), `ECDSA` or `Ed25519`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// Bits for RSA (default 2048), curve size for ECDSA (default 256).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    /// `Never` or `Always` (the default since cert-manager v1.18).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_policy: Option<String>,
}

/// Observed state of a Certificate.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CertificateStatus {
    /// `Ready` and `Issuing`.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// Start of validity of the certificate in the Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    /// Expiry of the certificate in the Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
    /// When cert-manager plans to renew.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_time: Option<String>,
    /// Revision of the last successful issuance; the next request has revision + 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    /// Set only when the latest issuance failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failure_time: Option<String>,
    /// Consecutive failed issuances; drives the retry backoff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_issuance_attempts: Option<i64>,
    /// Temporary Secret holding the next private key while issuing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_private_key_secret_name: Option<String>,
    /// `status.acme` (v1.21+): ACME Renewal Information from the CA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acme: Option<CertificateAcmeStatus>,
}

/// `status.acme` of a Certificate.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CertificateAcmeStatus {
    /// ACME Renewal Information (`ACMEUseARI`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ari: Option<AriStatus>,
}

/// The CA's suggested renewal window (RFC 9773).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AriStatus {
    /// The window the CA suggests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_window: Option<AriWindow>,
    /// The last error asking the CA, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// Start and end of a suggested window (RFC 3339).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AriWindow {
    /// Start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// End.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

/// Desired state of a CertificateRequest.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[kube(
    group = "cert-manager.io",
    version = "v1",
    kind = "CertificateRequest",
    namespaced,
    status = "CertificateRequestStatus",
    schema = "disabled"
)]
#[serde(rename_all = "camelCase")]
pub struct CertificateRequestSpec {
    /// Who is asked to sign it.
    #[serde(default)]
    pub issuer_ref: IssuerRef,
    /// Requested lifetime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Who created the request (set by the webhook).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// Observed state of a CertificateRequest. The signed certificate itself is not kept:
/// the Secret is the source of truth and the PEM would only bloat the snapshot.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CertificateRequestStatus {
    /// `Approved`, `Denied`, `Ready`, `InvalidRequest`.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// When the request failed for good.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_time: Option<String>,
}

/// ACME settings of an issuer (only what we show).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AcmeIssuer {
    /// ACME directory URL.
    #[serde(default)]
    pub server: String,
    /// Account email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Solvers as written (kept raw: diagnose reads them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub solvers: Vec<serde_json::Value>,
    /// `externalAccountBinding` (keyID, keySecretRef), kept raw: its Secret is one the
    /// issuer needs before it can register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_account_binding: Option<serde_json::Value>,
}

/// Desired state shared by Issuer and ClusterIssuer. The issuer type is the one key
/// present among `acme`, `ca`, `vault`, `selfSigned`, `venafi`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IssuerConfig {
    /// ACME issuer settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acme: Option<AcmeIssuer>,
    /// CA issuer settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca: Option<serde_json::Value>,
    /// Vault issuer settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<serde_json::Value>,
    /// SelfSigned issuer settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_signed: Option<serde_json::Value>,
    /// Venafi issuer settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venafi: Option<serde_json::Value>,
}

impl IssuerConfig {
    /// The issuer type as cert-manager names it (`ACME`, `CA`, …), or `unknown`.
    pub fn type_name(&self) -> &'static str {
        if self.acme.is_some() {
            "ACME"
        } else if self.ca.is_some() {
            "CA"
        } else if self.vault.is_some() {
            "Vault"
        } else if self.self_signed.is_some() {
            "SelfSigned"
        } else if self.venafi.is_some() {
            "Venafi"
        } else {
            "unknown"
        }
    }
}

/// ACME account state of an issuer.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AcmeIssuerStatus {
    /// Account URL at the ACME server; empty when no account is registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Email the account was registered with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_registered_email: Option<String>,
}

/// Observed state shared by Issuer and ClusterIssuer.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IssuerStatus {
    /// `Ready` only.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// ACME account, for ACME issuers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acme: Option<AcmeIssuerStatus>,
}

/// Namespaced issuer. The spec wraps the shared config because the derive makes one
/// kind per spec struct.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[kube(
    group = "cert-manager.io",
    version = "v1",
    kind = "Issuer",
    namespaced,
    status = "IssuerStatus",
    schema = "disabled"
)]
pub struct IssuerSpec {
    /// The issuer's type-specific settings.
    #[serde(flatten)]
    pub config: IssuerConfig,
}

/// Cluster-scoped issuer.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[kube(
    group = "cert-manager.io",
    version = "v1",
    kind = "ClusterIssuer",
    status = "IssuerStatus",
    schema = "disabled"
)]
pub struct ClusterIssuerSpec {
    /// The issuer's type-specific settings.
    #[serde(flatten)]
    pub config: IssuerConfig,
}

/// `spec.renewal` of a Certificate (cert-manager v1.21+).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RenewalSpec {
    /// `RenewBefore` (the default) or `Disabled`: cert-manager then computes no renewal time
    /// and never renews the Certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Cron windows (`cron`, `windowDuration`, `timezone`), kept raw: cert-manager places the
    /// renewal time in one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<serde_json::Value>,
}
