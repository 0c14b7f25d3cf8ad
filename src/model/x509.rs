//! Reads what is really inside a PEM certificate chain (`tls.crt`): subject, issuer,
//! validity, SANs and key algorithm. Pure parsing with x509-parser; private keys are never
//! read here.

use jiff::Timestamp;
use serde::Serialize;
use x509_parser::extensions::GeneralName;
use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_NIST_EC_P521,
    OID_PKCS1_RSAENCRYPTION, OID_SIG_ED25519,
};
use x509_parser::pem::Pem;
use x509_parser::prelude::X509Certificate;
use x509_parser::public_key::PublicKey;

/// The facts of one certificate that `status` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertSummary {
    /// Subject distinguished name (RFC 4514 style).
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Serial number, lowercase hex with colons.
    pub serial: String,
    /// Start of validity.
    pub not_before: Timestamp,
    /// End of validity.
    pub not_after: Timestamp,
    /// DNS SANs.
    pub dns_names: Vec<String>,
    /// IP SANs.
    pub ip_addresses: Vec<String>,
    /// URI SANs.
    pub uris: Vec<String>,
    /// Email SANs.
    pub emails: Vec<String>,
    /// `RSA 2048`, `ECDSA P-256`, `Ed25519`, …
    pub key_algorithm: String,
    /// Basic constraints CA flag.
    pub is_ca: bool,
}

/// Why a PEM bundle could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PemError {
    /// No `CERTIFICATE` block at all.
    #[error("no PEM CERTIFICATE block found")]
    NoCertificate,
    /// A block that is not valid PEM or not a valid certificate.
    #[error("PEM block {block}: {why}")]
    Invalid {
        /// 1-based block number.
        block: usize,
        /// What was wrong.
        why: String,
    },
}

/// `RSA 2048`, `ECDSA P-256`, `Ed25519`, or the algorithm OID.
pub fn key_algorithm(cert: &X509Certificate) -> String {
    let spki = cert.public_key();
    let alg = &spki.algorithm.algorithm;
    if *alg == OID_PKCS1_RSAENCRYPTION {
        let bits = match spki.parsed() {
            Ok(PublicKey::RSA(k)) => k.key_size(),
            _ => 0,
        };
        format!("RSA {bits}")
    } else if *alg == OID_KEY_TYPE_EC_PUBLIC_KEY {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok());
        match curve {
            Some(c) if c == OID_EC_P256 => "ECDSA P-256".into(),
            Some(c) if c == OID_NIST_EC_P384 => "ECDSA P-384".into(),
            Some(c) if c == OID_NIST_EC_P521 => "ECDSA P-521".into(),
            Some(c) => format!("ECDSA {c}"),
            None => "ECDSA".into(),
        }
    } else if *alg == OID_SIG_ED25519 {
        "Ed25519".into()
    } else {
        alg.to_id_string()
    }
}

/// The facts `status` shows about one parsed certificate.
pub fn summarize(cert: &X509Certificate) -> CertSummary {
    let mut s = CertSummary {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        serial: cert.raw_serial_as_string(),
        not_before: Timestamp::from_second(cert.validity().not_before.timestamp())
            .unwrap_or_default(),
        not_after: Timestamp::from_second(cert.validity().not_after.timestamp())
            .unwrap_or_default(),
        dns_names: vec![],
        ip_addresses: vec![],
        uris: vec![],
        emails: vec![],
        key_algorithm: key_algorithm(cert),
        is_ca: cert.is_ca(),
    };
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(d) => s.dns_names.push(d.to_string()),
                GeneralName::URI(u) => s.uris.push(u.to_string()),
                GeneralName::RFC822Name(e) => s.emails.push(e.to_string()),
                GeneralName::IPAddress(b) => s.ip_addresses.push(ip_string(b)),
                _ => {}
            }
        }
    }
    s
}

fn ip_string(b: &[u8]) -> String {
    match b.len() {
        4 => std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => format!("<{} bytes>", b.len()),
    }
}

/// Parses every `CERTIFICATE` block of a PEM bundle, in order (leaf first as cert-manager
/// writes it). Other block types are skipped; a broken block is an error naming it.
pub fn parse_chain(pem: &[u8]) -> Result<Vec<CertSummary>, PemError> {
    let mut out = Vec::new();
    for (i, block) in Pem::iter_from_buffer(pem).enumerate() {
        let block = block.map_err(|e| PemError::Invalid {
            block: i + 1,
            why: e.to_string(),
        })?;
        if block.label != "CERTIFICATE" {
            continue;
        }
        let cert = block.parse_x509().map_err(|e| PemError::Invalid {
            block: i + 1,
            why: format!("not a valid X.509 certificate ({e})"),
        })?;
        out.push(summarize(&cert));
    }
    if out.is_empty() {
        return Err(PemError::NoCertificate);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert_eq!(parse_chain(b"hello"), Err(PemError::NoCertificate));
        let bad = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(matches!(
            parse_chain(bad),
            Err(PemError::Invalid { block: 1, .. })
        ));
    }
}
