//! The ACME account step of an issuer that is not Ready: cert-manager's `ErrRegisterACMEAccount`,
//! `ErrVerifyACMEAccount` and `ErrUpdateACMEAccount` (`pkg/issuer/acme/setup.go`), told apart
//! into a network failure (retried with backoff), an answer from the ACME server (a 4xx is not
//! retried until the issuer changes) and a missing External Account Binding Secret (read
//! before registering, not retried), each with its own fix.

use crate::diagnose::classify::{acme_problem, network_error};
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::types::IssuerConfig;

/// The finding for an account failure of the issuer `subject` (`kind`, used by a
/// Certificate in namespace `ns`) with Ready `reason` and `message`.
pub(super) fn account_finding(
    subject: Subject,
    kind: &str,
    ns: &str,
    reason: &str,
    message: &str,
    config: &IssuerConfig,
) -> Finding {
    if let Some(marker) = network_error(message) {
        Finding::new(
            Code::AcmeServerUnreachable,
            Severity::Error,
            subject,
            format!("the cert-manager controller cannot reach the ACME server {} ({marker}): {message}", config.acme.as_ref().map_or("", |a| a.server.as_str())),
            "This is a network or TLS error, not an answer from the ACME server, and cert-manager retries it with backoff. Allow egress from the cert-manager controller to the ACME server on 443 (firewall, NetworkPolicy in cert-manager's namespace); set HTTPS_PROXY/NO_PROXY on the controller when egress goes through a proxy; check cluster DNS from the controller pod; for a private ACME CA or a TLS-intercepting proxy, set spec.acme.caBundle (x509 errors).",
        )
        .evidence(format!("Ready=False {reason}: {message}"))
        .evidence(format!("no urn:ietf:params:acme:error in the message; network marker `{marker}`"))
        .reproduce(format!("kubectl run -n cert-manager acme-check --rm -it --restart=Never --image=curlimages/curl -- curl -sv {}", config.acme.as_ref().map_or("<spec.acme.server>", |a| a.server.as_str())))
    } else {
        let p = acme_problem(message);
        // The External Account Binding key Secret is read before registering;
        // cert-manager does not retry while it is missing.
        let eab_secret = missing_secret(message).filter(|name| {
            config
                .acme
                .as_ref()
                .and_then(|a| a.external_account_binding.as_ref())
                .and_then(|e| e.pointer("/keySecretRef/name"))
                .and_then(|n| n.as_str())
                == Some(name.as_str())
        });
        let eab_remedy = format!(
            "The External Account Binding key Secret {} does not exist where cert-manager reads it ({}): create it with the HMAC key the CA gave you, under the key spec.acme.externalAccountBinding.keySecretRef.key names. cert-manager does not retry this by itself: change the issuer or restart the controller once the Secret exists.",
            eab_secret.as_deref().unwrap_or(""),
            if kind == "ClusterIssuer" {
                "for a ClusterIssuer, the cluster resource namespace (with the Helm chart, cert-manager's own)".to_string()
            } else {
                format!("namespace {ns}")
            }
        );
        let mut f = Finding::new(
            Code::AcmeAccountRegistrationFailed,
            Severity::Error,
            subject,
            format!("the ACME account could not be {}: {}", match reason { "ErrVerifyACMEAccount" => "verified", "ErrUpdateACMEAccount" => "updated", _ => "registered" }, p.as_ref().map_or(message.to_string(), |p| format!("{} ({})", p.detail, p.type_))),
            match p.as_ref().map(|p| p.type_.as_str()) {
                _ if eab_secret.is_some() => eab_remedy.as_str(),
                Some("rateLimited") => "The ACME server refuses new accounts from this address for now (Let's Encrypt: 10 registrations per IP per 3 hours). Do not delete the account key Secret or re-create the issuer: each try registers again and extends the wait. After the retry-after time, make cert-manager try again (it does not retry a 4xx by itself): restart the controller, or change the issuer.",
                Some("invalidContact") | Some("invalidEmail") => "The ACME server rejects the account email: set spec.acme.email to a real, deliverable address (not example.com). 4xx registration errors are not retried: the issuer becomes Ready once the spec changes.",
                Some("externalAccountRequired") => "This ACME server needs External Account Binding: set spec.acme.externalAccountBinding with the key ID and HMAC secret from the CA.",
                _ => "Check spec.acme.server, spec.acme.email and the account key Secret (spec.acme.privateKeySecretRef). cert-manager does not retry a 4xx answer from the ACME server until the issuer changes; other errors are retried with backoff.",
            },
        )
        .evidence(format!("Ready=False {reason}: {message}"));
        if let Some(at) = crate::diagnose::classify::retry_after(message) {
            f = f.evidence(format!("retry after {at}"));
        }
        if let Some(p) = p {
            f = f.evidence(format!(
                "ACME problem: {} urn:ietf:params:acme:error:{}",
                p.status.map_or("-".into(), |s| s.to_string()),
                p.type_
            ));
        }
        f
    }
}

/// The name in a Kubernetes NotFound error for a Secret (`secret "x" not found`,
/// `secrets "x" not found`), as cert-manager passes it on.
pub(super) fn missing_secret(message: &str) -> Option<String> {
    let lower = message.to_ascii_lowercase();
    let start = ["secrets \"", "secret \""]
        .iter()
        .find_map(|p| lower.find(p).map(|i| i + p.len()))?;
    let rest = &message[start..];
    let end = rest.find('"')?;
    rest[end..]
        .starts_with("\" not found")
        .then(|| rest[..end].to_string())
        .filter(|n| !n.is_empty())
}
