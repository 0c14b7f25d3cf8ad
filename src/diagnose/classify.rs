//! Reads the text cert-manager copies from ACME servers: the embedded RFC 8555 problem
//! (`429 urn:ietf:params:acme:error:rateLimited: …`), Let's Encrypt's rate-limit wording
//! and its `retry after` time. Pure string work on the exact messages.

use serde::Serialize;

const URN: &str = "urn:ietf:params:acme:error:";

/// An ACME problem found inside a status message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AcmeProblem {
    /// HTTP status the ACME server answered with, when the message carries it.
    pub status: Option<u16>,
    /// Problem type without the URN prefix: `rateLimited`, `caa`, `unauthorized`, `dns`, …
    #[serde(rename = "type")]
    pub type_: String,
    /// The rest of the message after the type.
    pub detail: String,
}

/// Finds the first ACME problem in `text`: `(\d{3}) urn:ietf:params:acme:error:(\w+): (.*)`,
/// with the status optional (older messages omit it).
pub fn acme_problem(text: &str) -> Option<AcmeProblem> {
    let at = text.find(URN)?;
    let after = &text[at + URN.len()..];
    let type_len = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(after.len());
    let type_ = after[..type_len].to_string();
    if type_.is_empty() {
        return None;
    }
    let detail = after[type_len..].trim_start_matches(':').trim().to_string();
    let before = text[..at].trim_end();
    let status = before
        .get(before.len().saturating_sub(3)..)
        .filter(|s| s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()))
        .filter(|_| before.len() == 3 || !before.as_bytes()[before.len() - 4].is_ascii_digit())
        .and_then(|s| s.parse().ok());
    Some(AcmeProblem {
        status,
        type_,
        detail,
    })
}

/// Which Let's Encrypt rate limit a message names.
pub fn rate_limit_name(text: &str) -> Option<&'static str> {
    let t = text.to_ascii_lowercase();
    let table = [
        (
            "exact set of",
            "New Certificates per Exact Set of Identifiers (duplicate certificates, 5 per week)",
        ),
        (
            "too many certificates",
            "New Certificates per Registered Domain (50 per week)",
        ),
        (
            "too many failed authorizations",
            "Authorization Failures per Identifier per Account (5 per hour)",
        ),
        (
            "too many new orders",
            "New Orders per Account (300 per 3 hours)",
        ),
        (
            "too many new registrations",
            "New Registrations per IP Address",
        ),
        (
            "temporarily prevented",
            "Consecutive Authorization Failures (account paused for this identifier)",
        ),
    ];
    table.iter().find(|(k, _)| t.contains(k)).map(|(_, v)| *v)
}

pub use crate::model::types::retry_after;

/// True for cert-manager's self-check messages (`Waiting for HTTP-01 challenge propagation:`),
/// matched case-insensitively as older releases wrote `dns-01`.
pub fn is_propagation_wait(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    r.starts_with("waiting for http-01 challenge propagation")
        || r.starts_with("waiting for dns-01 challenge propagation")
}

/// The network or TLS failure in a message that carries no ACME problem: the Go error text
/// of a request that never reached the ACME server (`dial tcp … i/o timeout`,
/// `no such host`, `x509: certificate signed by unknown authority`, …). Returns the marker
/// found, as written in the message; `None` when the text has an ACME problem (the server
/// answered) or no such marker.
pub fn network_error(text: &str) -> Option<&'static str> {
    if text.contains(URN) {
        return None;
    }
    const MARKERS: &[&str] = &[
        "proxyconnect",
        "x509:",
        "no such host",
        "connection refused",
        "i/o timeout",
        "context deadline exceeded",
        "dial tcp",
        "connection reset by peer",
        "tls: handshake failure",
    ];
    MARKERS.iter().copied().find(|m| text.contains(m))
}

/// True for a DNS-01 provider or issuer error about a key missing inside a Secret that
/// exists (`specified key "k" not found in secret ns/name`, v1.21's `the secret "n" does not
/// have key "k"`): a wrong key name, not a Secret in the wrong namespace.
pub fn is_secret_key_missing(text: &str) -> bool {
    (text.contains("specified key") && text.contains("not found in secret"))
        || text.contains("does not have key")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_message_from_cert_manager_is_classified() {
        let msg = "Failed to create Order: 429 urn:ietf:params:acme:error:rateLimited: Error creating new order :: too many certificates (5) already issued for this exact set of identifiers in the last 168h0m0s, retry after 2026-11-24 03:12:45 UTC: see https://letsencrypt.org/docs/rate-limits/#new-certificates-per-exact-set-of-identifiers";
        let p = acme_problem(msg).unwrap();
        assert_eq!((p.status, p.type_.as_str()), (Some(429), "rateLimited"));
        assert!(
            p.detail
                .starts_with("Error creating new order :: too many certificates (5)")
        );
        assert_eq!(retry_after(msg).as_deref(), Some("2026-11-24 03:12:45 UTC"));
        assert!(
            rate_limit_name(msg)
                .unwrap()
                .starts_with("New Certificates per Exact Set")
        );
    }

    #[test]
    fn legacy_rate_limit_wording_is_understood() {
        let msg = "Error creating new order :: too many certificates already issued. Retry after 2024-01-27T03:00:00Z: see https://letsencrypt.org/docs/rate-limits/";
        assert_eq!(retry_after(msg).as_deref(), Some("2024-01-27T03:00:00Z"));
        let failed = "429 urn:ietf:params:acme:error:rateLimited: Error creating new order :: too many failed authorizations recently: see https://letsencrypt.org/docs/rate-limits/";
        assert!(
            rate_limit_name(failed)
                .unwrap()
                .starts_with("Authorization Failures")
        );
        assert_eq!(retry_after(failed), None);
    }

    #[test]
    fn challenge_and_account_problems_are_parsed() {
        let ch = "Error accepting authorization: acme: authorization error for shop.example.com: 403 urn:ietf:params:acme:error:unauthorized: 203.0.113.7: Invalid response from http://shop.example.com/.well-known/acme-challenge/x: 404";
        let p = acme_problem(ch).unwrap();
        assert_eq!((p.status, p.type_.as_str()), (Some(403), "unauthorized"));
        assert!(p.detail.starts_with("203.0.113.7: Invalid response"));
        let caa = "Error accepting authorization: acme: authorization error for a.example.com: 403 urn:ietf:params:acme:error:caa: While processing CAA for a.example.com: CAA record for example.com prevents issuance";
        assert_eq!(acme_problem(caa).unwrap().type_, "caa");
        let acct = "Failed to update ACME account:400 urn:ietf:params:acme:error:invalidEmail: Error validating contact(s)";
        assert_eq!(acme_problem(acct).unwrap().status, Some(400));
        assert_eq!(acme_problem("no problem here"), None);
    }

    #[test]
    fn network_errors_are_told_from_acme_problems() {
        let dial = "Failed to register ACME account: Get \"https://acme-v02.api.letsencrypt.org/directory\": dial tcp 172.65.32.248:443: i/o timeout";
        assert_eq!(network_error(dial), Some("i/o timeout"));
        let ca = "Failed to register ACME account: Get \"https://acme.internal/directory\": tls: failed to verify certificate: x509: certificate signed by unknown authority";
        assert_eq!(network_error(ca), Some("x509:"));
        let acme = "Failed to register ACME account: 400 urn:ietf:params:acme:error:invalidContact: dial tcp in the detail";
        assert_eq!(network_error(acme), None);
        assert_eq!(network_error("secrets \"acme-key\" already exists"), None);
        assert!(is_secret_key_missing(
            "specified key \"api-token\" not found in secret cert-manager/cloudflare"
        ));
        assert!(!is_secret_key_missing(
            "error getting cloudflare secret: secret \"cloudflare-api-token\" not found"
        ));
    }

    #[test]
    fn self_check_messages_are_recognised_in_any_case() {
        assert!(is_propagation_wait(
            "Waiting for HTTP-01 challenge propagation: wrong status code '404', expected '200'"
        ));
        assert!(is_propagation_wait(
            "Waiting for dns-01 challenge propagation: DNS record for \"x\" not yet propagated"
        ));
        assert!(!is_propagation_wait(
            "Error presenting challenge: secret not found"
        ));
    }
}
