//! The ACME kinds (`acme.cert-manager.io/v1`): Orders and Challenges, and [`AcmeState`], the one
//! home of "which states are final".

use kube::CustomResource;
use serde::{Deserialize, Serialize};

use super::IssuerRef;

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

/// The `retry after …` time in a rate-limit message (`2026-01-02 15:04:05 UTC` or
/// `2024-01-27T03:00:00Z`), as written.
pub fn retry_after(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let at = lower.find("retry after ")? + "retry after ".len();
    let rest = &text[at..];
    if let Some(end) = rest.find(" UTC") {
        return Some(rest[..end + 4].to_string());
    }
    let end = rest.find([':', ',', ' ']).map_or(rest.len(), |i| {
        // An RFC 3339 time has colons; cut at the first ": " or ", " instead.
        rest.find(": ")
            .or_else(|| rest.find(", "))
            .or_else(|| rest.find(' '))
            .unwrap_or(i)
    });
    Some(rest[..end].trim_end_matches('.').to_string()).filter(|s| !s.is_empty())
}

/// [`retry_after`] as an instant, when it is one of the two forms the CA writes.
pub fn retry_after_time(text: &str) -> Option<jiff::Timestamp> {
    let at = retry_after(text)?;
    let rfc = match at.strip_suffix(" UTC") {
        Some(t) => format!("{}Z", t.replacen(' ', "T", 1)),
        None => at,
    };
    rfc.parse().ok()
}
