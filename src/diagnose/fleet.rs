//! The fleet view's evidence for Let's Encrypt's limits: which certificates Let's Encrypt
//! production issued, for which names, and when, read from the cluster — the issued
//! CertificateRequests' creation times and the notBefore of the certificate in each
//! Secret (for a Secret whose request is gone). Counting is `model::ratelimit`'s work.

use jiff::Timestamp;

use crate::model::chain::{Chain, IssuerLink, SecretLink};
use crate::model::ratelimit::{Issuance, WINDOW};
use crate::model::types::find_condition;

/// Whether an ACME directory URL is Let's Encrypt production (staging has limits no fleet
/// reaches).
pub fn is_letsencrypt_production(server: &str) -> bool {
    server.contains("api.letsencrypt.org") && !server.contains("staging")
}

fn timestamp(
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
) -> Option<Timestamp> {
    meta.creation_timestamp.as_ref().map(|t| t.0)
}

/// The issuances of the chains' certificates by Let's Encrypt production in the window
/// before `now`.
pub fn issuances(chains: &[Chain], now: Timestamp) -> Vec<Issuance> {
    let since = now - WINDOW;
    let mut out = Vec::new();
    for ch in chains {
        let IssuerLink::Found { config, .. } = &ch.issuer else {
            continue;
        };
        if !config
            .acme
            .as_ref()
            .is_some_and(|a| is_letsencrypt_production(&a.server))
        {
            continue;
        }
        let cert = ch.certificate;
        let mut names: Vec<String> = cert
            .spec
            .dns_names
            .iter()
            .chain(cert.spec.common_name.iter())
            .map(|n| n.to_ascii_lowercase())
            .collect();
        names.sort();
        names.dedup();
        if names.is_empty() {
            continue;
        }
        let label = format!(
            "{}/{}",
            cert.metadata.namespace.as_deref().unwrap_or_default(),
            cert.metadata.name.as_deref().unwrap_or_default()
        );
        let mut times: Vec<(Timestamp, bool)> = Vec::new();
        for (n, cr) in ch.requests.iter().enumerate() {
            let issued = cr
                .status
                .as_ref()
                .and_then(|s| find_condition(&s.conditions, "Ready"))
                .is_some_and(|c| c.is_true());
            let revision = cr
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("cert-manager.io/certificate-revision"))
                .and_then(|r| r.parse::<i64>().ok())
                .unwrap_or(n as i64 + 1);
            if let (true, Some(at)) = (issued, timestamp(&cr.metadata))
                && at > since
            {
                times.push((at, revision > 1));
            }
        }
        // The Secret's certificate stands for a request that is gone (cert-manager keeps
        // only a few): counted when no request was made within an hour before it.
        if let SecretLink::Found(secret) = &ch.secret
            && let Ok(facts) = crate::pki::secret_certificates(secret)
            && let Some(leaf) = facts.first()
            && leaf.not_before > since
            && !times.iter().any(|(t, _)| {
                leaf.not_before.duration_since(*t).abs() < jiff::SignedDuration::from_hours(1)
            })
        {
            let revision = cert.status.as_ref().and_then(|s| s.revision).unwrap_or(1);
            times.push((leaf.not_before, revision > 1));
        }
        for (at, renewal) in times {
            out.push(Issuance {
                certificate: label.clone(),
                names: names.clone(),
                at,
                renewal,
            });
        }
    }
    out
}
