//! What clients get: the Ingresses that use the Certificate's Secret (INGRESS_TLS_MISMATCH,
//! STAGING_ISSUER, from cluster state, offline too) and, when the probes ran, what port 443
//! serves for each host (SERVED_*, HTTPS_UNREACHABLE), compared with the Secret. Findings sit
//! at the Secret's level: issuance failing deeper in the walk stays the root cause.

use jiff::Timestamp;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::Walk;
use crate::diagnose::Level;
use crate::diagnose::network::{ServedTarget, name_covers, served_findings};
use crate::diagnose::plan::{ingress_tls_entries, secret_chain, served_hosts, tls_key};
use crate::diagnose::rules;
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::chain::{Chain, IssuerLink};
use crate::model::observation::Observations;
use crate::model::snapshot::Snapshot;

/// The DNS names of a DER leaf, and its issuer DN.
fn leaf_names(der: &[u8]) -> Option<(Vec<String>, String)> {
    let (_, c) = X509Certificate::from_der(der).ok()?;
    let f = crate::pki::cert::facts(&c, der);
    Some((f.dns_names, f.issuer))
}

/// All the checks of this file, for one Certificate.
pub(super) fn served_checks(
    w: &mut Walk,
    chain: &Chain,
    snapshot: &Snapshot,
    obs: &Observations,
    now: Timestamp,
) {
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.as_deref().unwrap_or("");
    let name = cert.metadata.name.as_deref().unwrap_or("");
    let secret_name = cert.spec.secret_name.as_str();
    let expected = secret_chain(chain);
    let leaf = expected
        .as_ref()
        .and_then(|e| e.first())
        .and_then(|d| leaf_names(d));
    let subject = Subject::new("Certificate", Some(ns), name);

    // Ingresses that use this Secret.
    let entries: Vec<_> = ingress_tls_entries(snapshot, ns)
        .into_iter()
        .filter(|(_, t)| t.secret_name.as_deref() == Some(secret_name))
        .collect();
    let used_by_ingress = !entries.is_empty() || chain.origin.is_some();
    for (ing, tls) in &entries {
        let ing_name = ing.metadata.name.as_deref().unwrap_or("");
        let uncovered: Vec<&String> = tls
            .hosts
            .iter()
            .flatten()
            .filter(|h| {
                let by_spec = cert.spec.dns_names.iter().any(|n| name_covers(n, h));
                let by_leaf = leaf
                    .as_ref()
                    .is_some_and(|(names, _)| names.iter().any(|n| name_covers(n, h)));
                !by_spec && !by_leaf
            })
            .collect();
        if uncovered.is_empty() {
            continue;
        }
        let step = w.step("Ingress", ing_name, "tls hosts not covered");
        let list: Vec<&str> = uncovered.iter().map(|s| s.as_str()).collect();
        w.add(
            step,
            Level::Secret,
            Finding::new(
                Code::IngressTlsMismatch,
                Severity::Error,
                Subject::new("Ingress", Some(ns), ing_name),
                format!(
                    "Ingress {ing_name} serves {} with Secret {secret_name}, whose certificate does not cover {}",
                    list.join(", "),
                    if list.len() == 1 { "it" } else { "them" }
                ),
                format!(
                    "Clients of those hosts get a certificate for other names (or the controller's default one). Add them to Certificate {name}'s dnsNames, or point the tls entry at a Secret whose certificate has them."
                ),
            )
            .evidence(format!("Certificate {name} dnsNames: {}", cert.spec.dns_names.join(", ")))
            .evidence(format!(
                "Secret {secret_name} certificate names: {}",
                leaf.as_ref().map_or("none yet".to_string(), |(n, _)| n.join(", "))
            ))
            .reproduce(format!("kubectl get ingress {ing_name} -n {ns} -o jsonpath='{{.spec.tls}}'")),
        );
    }

    // Staging CA on production traffic.
    if used_by_ingress {
        let acme_server = match chain.issuer {
            IssuerLink::Found { config, .. } => config.acme.as_ref().map(|a| a.server.as_str()),
            _ => None,
        };
        let leaf_issuer = leaf.as_ref().map(|(_, issuer)| issuer.as_str());
        if let Some(f) = rules::staging_issuer(
            subject.clone(),
            (ns, name),
            &format!("an Ingress using Secret {secret_name}"),
            acme_server,
            leaf_issuer,
        ) {
            let step = match w.path.iter().rposition(|s| s.kind == "Secret") {
                Some(i) => i,
                None => w.step("Secret", secret_name, "staging CA"),
            };
            w.add(step, Level::Secret, f);
        }
    }

    // What port 443 serves.
    if expected.is_none() {
        return;
    }
    for host in served_hosts(chain, snapshot) {
        let Some(o) = obs.tls.get(&tls_key(chain, &host)) else {
            continue;
        };
        let target = ServedTarget {
            subject: subject.clone(),
            host: host.clone(),
            port: 443,
            expected: expected.clone(),
            secret: format!("{ns}/{secret_name}"),
            ready: chain.is_ready(),
            judges_validity: true,
        };
        let findings = served_findings(&target, o, obs.probe_host, now);
        let summary = if findings.iter().any(|f| f.code == Code::ServedCertMismatch) {
            "serves another certificate"
        } else if findings.iter().any(|f| f.code == Code::ServedCertMatches) {
            "serves the Secret's certificate"
        } else if findings.iter().any(|f| f.code == Code::HttpsUnreachable) {
            "no TLS answer"
        } else {
            "checked"
        };
        let step = w.step("Endpoint", &format!("{host}:443"), summary);
        for f in findings {
            w.add(step, Level::Secret, f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::issuer::is_staging as is_staging_server;

    #[test]
    fn staging_directories_are_told_by_their_host() {
        assert!(is_staging_server(
            "https://acme-staging-v02.api.letsencrypt.org/directory"
        ));
        assert!(!is_staging_server(
            "https://acme-v02.api.letsencrypt.org/directory"
        ));
        assert!(!is_staging_server(
            "https://ca.example.com/staging/directory"
        ));
    }
}
