//! Rules about issuers that more than one command needs: is an ACME directory a staging
//! (untrusted) endpoint, and can an ACME issuer solve a wildcard name at all.

use super::types::AcmeIssuer;

/// Hosts of the ACME staging directories of the public CAs: certificates from them are
/// signed by roots no browser trusts.
pub const STAGING_HOSTS: [&str; 3] = [
    "acme-staging-v02.api.letsencrypt.org",
    "dv.acme-v02.test-api.pki.goog",
    "api.test4.buypass.no",
];

/// True when the ACME directory URL points at a staging endpoint: one of [`STAGING_HOSTS`],
/// or any host whose name says `staging`.
pub fn is_staging(server: &str) -> bool {
    let host = server
        .split("://")
        .nth(1)
        .unwrap_or(server)
        .split(['/', ':'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    STAGING_HOSTS.contains(&host.as_str()) || host.contains("staging")
}

/// True when the ACME issuer has at least one DNS-01 solver (the only kind that can answer
/// for a wildcard name).
pub fn has_dns01_solver(acme: &AcmeIssuer) -> bool {
    acme.solvers.iter().any(|s| s.get("dns01").is_some())
}

/// The wildcard names (`*.example.com`) among `names`.
pub fn wildcards(names: &[String]) -> Vec<String> {
    names
        .iter()
        .filter(|n| n.starts_with("*."))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_directories_are_recognised() {
        assert!(is_staging(
            "https://acme-staging-v02.api.letsencrypt.org/directory"
        ));
        assert!(is_staging(
            "https://dv.acme-v02.test-api.pki.goog/directory"
        ));
        assert!(is_staging("https://acme.staging.example.com:14000/dir"));
        assert!(!is_staging(
            "https://acme-v02.api.letsencrypt.org/directory"
        ));
        assert!(!is_staging("https://acme.zerossl.com/v2/DV90"));
    }
}
