//! Findings that more than one check reports — the decision tree about one Certificate,
//! `audit` about the whole cluster — built in one place, so the two never word them
//! differently.

use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::issuer::{has_dns01_solver, is_staging, wildcards};
use crate::model::types::AcmeIssuer;

/// `WILDCARD_NEEDS_DNS01`: the Certificate asks for wildcard names, but its ACME issuer
/// (`issuer`, e.g. `ClusterIssuer letsencrypt`) has no DNS-01 solver. `None` when it has one
/// or there is no wildcard.
pub fn wildcard_needs_dns01(
    subject: Subject,
    issuer: &str,
    dns_names: &[String],
    acme: &AcmeIssuer,
) -> Option<Finding> {
    let names = wildcards(dns_names);
    if names.is_empty() || has_dns01_solver(acme) {
        return None;
    }
    Some(
        Finding::new(
            Code::WildcardNeedsDns01,
            Severity::Error,
            subject,
            format!("the Certificate asks for a wildcard name, but {issuer} has no DNS-01 solver"),
            "ACME CAs validate wildcard names only with DNS-01. Add a dns01 solver to the issuer (with a selector for this zone), or replace the wildcard with the explicit names.",
        )
        .evidence(format!("wildcard names: {}", names.join(", "))),
    )
}

/// `STAGING_ISSUER`: a certificate that `used_by` (an Ingress or Gateway) serves comes from
/// an ACME staging CA — by the issuer's directory URL, or by the leaf's issuer name
/// (`(STAGING)`). `None` when neither says staging.
pub fn staging_issuer(
    subject: Subject,
    certificate: (&str, &str),
    used_by: &str,
    acme_server: Option<&str>,
    leaf_issuer: Option<&str>,
) -> Option<Finding> {
    let server = acme_server.filter(|s| is_staging(s));
    let leaf = leaf_issuer.filter(|i| i.contains("(STAGING)"));
    if server.is_none() && leaf.is_none() {
        return None;
    }
    let (ns, name) = certificate;
    let mut f = Finding::new(
        Code::StagingIssuer,
        Severity::Warning,
        subject,
        format!(
            "{used_by} serves a certificate from an ACME staging CA, which browsers do not trust"
        ),
        format!(
            "Staging is for testing the setup. Once it works, point Certificate {name} (or the Ingress's cert-manager.io annotation) at the production issuer, then `certdoctor renew {name} -n {ns}`."
        ),
    );
    if let Some(s) = server {
        f = f.evidence(format!("ACME server: {s}"));
    }
    if let Some(i) = leaf {
        f = f.evidence(format!("leaf issuer: {i}"));
    }
    Some(f)
}
