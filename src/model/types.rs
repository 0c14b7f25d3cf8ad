//! Our own partial types for the cert-manager kinds certdoctor reads.
//!
//! Generated CRD crates pin old kube versions and fail on enum values a newer cert-manager
//! adds, so these structs carry only the fields we use. Every field is optional or defaulted,
//! unknown fields are ignored and enum-like values are plain strings: an object written by a
//! newer (or older) cert-manager still deserialises. An object whose fields have the wrong
//! *shape* fails on its own and becomes a note in the snapshot, never a failed command.

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

/// Desired state of an ACME Order.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[kube(
    group = "acme.cert-manager.io",
    version = "v1",
    kind = "Order",
    namespaced,
    status = "OrderStatus",
    schema = "disabled"
)]
#[serde(rename_all = "camelCase")]
pub struct OrderSpec {
    /// DNS names ordered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dns_names: Vec<String>,
    /// IP addresses ordered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ip_addresses: Vec<String>,
    /// Issuer handling the order.
    #[serde(default)]
    pub issuer_ref: IssuerRef,
}

/// One authorization of an Order.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Authorization {
    /// Authorization URL at the ACME server.
    #[serde(default)]
    pub url: String,
    /// The identifier (DNS name) being authorized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// State when the order was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_state: Option<String>,
    /// Whether this is a wildcard authorization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wildcard: Option<bool>,
    /// Challenge types the ACME server offers for it (what solver selection chooses from).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub challenges: Vec<OfferedChallenge>,
}

/// A challenge the ACME server offers for an authorization.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct OfferedChallenge {
    /// `http-01`, `dns-01`, `tls-alpn-01`.
    #[serde(default, rename = "type")]
    pub type_: String,
}

/// Observed state of an Order.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatus {
    /// `pending`, `ready`, `processing`, `valid`, `invalid`, `expired`, `errored` (or new ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Free-text failure reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Order URL at the ACME server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Authorizations the ACME server asked for.
    #[serde(default)]
    pub authorizations: Vec<Authorization>,
    /// When the order failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_time: Option<String>,
}

/// Desired state of an ACME Challenge.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[kube(
    group = "acme.cert-manager.io",
    version = "v1",
    kind = "Challenge",
    namespaced,
    status = "ChallengeStatus",
    schema = "disabled"
)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeSpec {
    /// The name being validated, without the `*.` of a wildcard.
    #[serde(default)]
    pub dns_name: String,
    /// `HTTP-01` or `DNS-01`.
    #[serde(default, rename = "type")]
    pub type_: String,
    /// Whether the order asked for `*.dnsName`.
    #[serde(default)]
    pub wildcard: bool,
    /// ACME token (public: it is in the URL path of HTTP-01).
    #[serde(default)]
    pub token: String,
    /// Key authorization (HTTP-01 body) or TXT value (DNS-01).
    #[serde(default)]
    pub key: String,
    /// Challenge URL at the ACME server.
    #[serde(default)]
    pub url: String,
    /// Solver configuration chosen for this challenge (kept raw).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solver: Option<serde_json::Value>,
    /// Issuer handling the challenge.
    #[serde(default)]
    pub issuer_ref: IssuerRef,
}

/// Observed state of a Challenge.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeStatus {
    /// The controller is working on it.
    #[serde(default)]
    pub processing: bool,
    /// The solver's record or resources are in place.
    #[serde(default)]
    pub presented: bool,
    /// Same states as an Order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Free-text reason (self-check errors, ACME errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Challenge {
    /// The name as the Certificate spells it: `*.example.com` for a wildcard challenge.
    pub fn display_name(&self) -> String {
        if self.spec.wildcard {
            format!("*.{}", self.spec.dns_name)
        } else {
            self.spec.dns_name.clone()
        }
    }

    /// Queued behind another challenge of the same name and type (cert-manager never runs
    /// two at once): no state, not processing, no reason. Not an error, and not probed.
    pub fn is_queued(&self) -> bool {
        let st = self.status.as_ref();
        st.and_then(|s| s.state.as_deref())
            .is_none_or(str::is_empty)
            && !st.is_some_and(|s| s.processing)
            && st
                .and_then(|s| s.reason.as_deref())
                .is_none_or(|r| r.trim().is_empty())
    }
}

/// The state of an ACME Order or Challenge, as cert-manager copies it from the CA
/// (`acme.cert-manager.io/v1` `State`). One home for "which states are final".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcmeState {
    /// No state yet: not submitted to the CA (Order) or not synced from it (Challenge).
    None,
    /// Waiting for the client or the CA.
    Pending,
    /// The CA is validating.
    Processing,
    /// Every authorization is valid; the Order can be finalized.
    Ready,
    /// Done and good.
    Valid,
    /// The CA said no (validation failed, order refused).
    Invalid,
    /// The authorization or order lifetime ran out.
    Expired,
    /// cert-manager hit a client or API error it does not retry.
    Errored,
    /// A state this version does not know.
    Other,
}

impl AcmeState {
    /// Reads the state field; an empty or missing field is [`AcmeState::None`].
    pub fn parse(text: Option<&str>) -> AcmeState {
        match text.unwrap_or("") {
            "" => AcmeState::None,
            "pending" => AcmeState::Pending,
            "processing" => AcmeState::Processing,
            "ready" => AcmeState::Ready,
            "valid" => AcmeState::Valid,
            "invalid" => AcmeState::Invalid,
            "expired" => AcmeState::Expired,
            "errored" => AcmeState::Errored,
            _ => AcmeState::Other,
        }
    }

    /// A final state: cert-manager stops working on the object and cleans its solver up
    /// (`acmechallenges/sync.go` → `finalize`).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            AcmeState::Valid | AcmeState::Invalid | AcmeState::Expired | AcmeState::Errored
        )
    }

    /// A final state other than valid.
    pub fn is_failed(self) -> bool {
        self.is_final() && self != AcmeState::Valid
    }
}

impl Challenge {
    /// The Challenge's ACME state.
    pub fn acme_state(&self) -> AcmeState {
        AcmeState::parse(self.status.as_ref().and_then(|s| s.state.as_deref()))
    }

    /// The solver's record or resources are in place (`status.presented`).
    pub fn is_presented(&self) -> bool {
        self.status.as_ref().is_some_and(|s| s.presented)
    }
}

impl Order {
    /// The Order's ACME state.
    pub fn acme_state(&self) -> AcmeState {
        AcmeState::parse(self.status.as_ref().and_then(|s| s.state.as_deref()))
    }
}
