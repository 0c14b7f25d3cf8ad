//! `pki`: certificates and keys, pure. What is really inside a TLS Secret or a PEM/DER file,
//! and the checks that compare it with itself (key match, chain order and signatures,
//! validity) and with the Certificate that owns it (SANs, issuer annotations, two
//! Certificates on one Secret). `status`, `inspect` and `diagnose` all read certificates
//! through here: one PEM/DER reader ([`read`]) and one certificate-facts type
//! ([`CertFacts`], holding timestamps; renderers word them).
//!
//! Callers hand in bytes and the owning Certificate; checks return findings with the codes
//! documented in docs/findings.md, shared with `diagnose`. Private-key bytes are read only to
//! derive the public key and are never part of any output.

pub mod cert;
pub mod check;
pub mod der;
pub mod key;
pub mod public_key;
pub mod read;
pub mod secret;

use serde::Serialize;

use crate::findings::{Finding, Subject};
pub use cert::{CertFacts, InspectedCert};
pub use check::{CheckOptions, Purpose, TlsPair, check_material, check_tls_pair};
use key::KeyInfo;
pub use read::{
    Block, MAX_INPUT_BYTES, PemError, SecretCrtError, parse_chain, read_blocks,
    secret_certificates, split_blocks,
};
pub use secret::{SecretFacts, spec_checks};

/// What one input (a Secret or a file) holds, and what the checks found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    /// `Secret production/web-tls` or the file path (`-` for stdin).
    pub source: String,
    /// Secret facts, for Secrets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretFacts>,
    /// Certificates of `tls.crt` (or the file), leaf first.
    pub certificates: Vec<InspectedCert>,
    /// Certificates of `ca.crt`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ca_certificates: Vec<InspectedCert>,
    /// The private key: type and whether it matches; never its bytes.
    pub private_key: Option<KeyInfo>,
    /// Check results, errors first.
    pub findings: Vec<Finding>,
}

/// Inspects the bytes of one file (`source` is its path, `-` for stdin): every block read,
/// the certificates described at `opts.now` and checked with the first key.
pub fn inspect_bytes(source: &str, bytes: &[u8], opts: CheckOptions) -> Inspection {
    let subject = Subject::file(source);
    let (blocks, mut findings) = read_blocks(bytes, &subject);
    let (certs, key, _) = split_blocks(blocks);
    let (certificates, private_key, more) = check_material(&certs, key.as_ref(), &subject, opts);
    findings.extend(more);
    sort_findings(&mut findings);
    Inspection {
        source: source.to_string(),
        secret: None,
        certificates: InspectedCert::all_at(certificates, opts.now),
        ca_certificates: vec![],
        private_key,
        findings,
    }
}

/// Errors first, then warnings, then info; stable within a severity.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by_key(|f| f.severity);
}
