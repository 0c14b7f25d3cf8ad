//! Everything `inspect` shows about one certificate, read with x509-parser.

use jiff::Timestamp;
use serde::Serialize;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::objects::{oid_registry, oid2sn};
use x509_parser::oid_registry::{
    OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS, OID_PKIX_ACCESS_DESCRIPTOR_OCSP,
};
use x509_parser::prelude::X509Certificate;

use crate::model::x509::{key_algorithm, summarize};
use crate::timefmt;

/// The full description of one certificate (no private data: certificates are public).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertDetail {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Serial, hex with colons.
    pub serial: String,
    /// Start of validity (RFC 3339).
    pub not_before: String,
    /// End of validity (RFC 3339).
    pub not_after: String,
    /// `in 63d` or `expired 2d ago`.
    pub time_left: String,
    /// Share of the lifetime already used, 0–100 (may exceed 100 once expired).
    pub lifetime_used_percent: i64,
    /// DNS SANs.
    pub dns_names: Vec<String>,
    /// IP SANs.
    pub ip_addresses: Vec<String>,
    /// URI SANs.
    pub uris: Vec<String>,
    /// Email SANs.
    pub emails: Vec<String>,
    /// `RSA 2048`, `ECDSA P-256`, `Ed25519`.
    pub public_key: String,
    /// Signature algorithm short name, e.g. `ecdsa-with-SHA256`.
    pub signature_algorithm: String,
    /// Key usages, e.g. `Digital Signature`.
    pub key_usage: Vec<String>,
    /// Extended key usages, e.g. `Server Authentication`.
    pub extended_key_usage: Vec<String>,
    /// Basic constraints: CA or not.
    pub is_ca: bool,
    /// Basic constraints path length, when set.
    pub path_len: Option<u32>,
    /// Subject key identifier, hex with colons.
    pub subject_key_id: Option<String>,
    /// Authority key identifier, hex with colons.
    pub authority_key_id: Option<String>,
    /// SHA-256 of the DER, hex with colons.
    pub sha256_fingerprint: String,
    /// CRL distribution point URLs.
    pub crl_distribution_points: Vec<String>,
    /// OCSP responder URLs.
    pub ocsp_urls: Vec<String>,
    /// CA issuer URLs.
    pub ca_issuer_urls: Vec<String>,
}

/// Lowercase hex with colons (`ab:cd:…`), as openssl prints fingerprints.
pub fn hex_colon(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn uri_of(name: &GeneralName) -> Option<String> {
    match name {
        GeneralName::URI(u) => Some(u.to_string()),
        _ => None,
    }
}

/// Describes `cert` (whose DER is `der`) at `now`.
pub fn detail(cert: &X509Certificate, der: &[u8], now: Timestamp) -> CertDetail {
    let s = summarize(cert);
    let lifetime = s.not_after.duration_since(s.not_before).as_secs().max(1);
    let used = now.duration_since(s.not_before).as_secs();
    let mut d = CertDetail {
        subject: s.subject,
        issuer: s.issuer,
        serial: s.serial,
        not_before: timefmt::rfc3339(s.not_before),
        not_after: timefmt::rfc3339(s.not_after),
        time_left: if s.not_after <= now {
            format!(
                "expired {} ago",
                timefmt::short(now.duration_since(s.not_after))
            )
        } else {
            format!("in {}", timefmt::short(s.not_after.duration_since(now)))
        },
        lifetime_used_percent: (used * 100 / lifetime).max(0),
        dns_names: s.dns_names,
        ip_addresses: s.ip_addresses,
        uris: s.uris,
        emails: s.emails,
        public_key: key_algorithm(cert),
        signature_algorithm: oid2sn(&cert.signature_algorithm.algorithm, oid_registry())
            .map_or_else(
                |_| cert.signature_algorithm.algorithm.to_id_string(),
                str::to_string,
            ),
        key_usage: vec![],
        extended_key_usage: vec![],
        is_ca: false,
        path_len: None,
        subject_key_id: None,
        authority_key_id: None,
        sha256_fingerprint: hex_colon(ring::digest::digest(&ring::digest::SHA256, der).as_ref()),
        crl_distribution_points: vec![],
        ocsp_urls: vec![],
        ca_issuer_urls: vec![],
    };
    for ext in cert.iter_extensions() {
        match ext.parsed_extension() {
            ParsedExtension::KeyUsage(ku) => {
                d.key_usage = ku
                    .to_string()
                    .split(", ")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
            }
            ParsedExtension::ExtendedKeyUsage(eku) => {
                let flags = [
                    (eku.any, "Any"),
                    (eku.server_auth, "Server Authentication"),
                    (eku.client_auth, "Client Authentication"),
                    (eku.code_signing, "Code Signing"),
                    (eku.email_protection, "Email Protection"),
                    (eku.time_stamping, "Time Stamping"),
                    (eku.ocsp_signing, "OCSP Signing"),
                ];
                d.extended_key_usage = flags
                    .iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, n)| n.to_string())
                    .collect();
                d.extended_key_usage
                    .extend(eku.other.iter().map(|o| o.to_id_string()));
            }
            ParsedExtension::BasicConstraints(bc) => {
                d.is_ca = bc.ca;
                d.path_len = bc.path_len_constraint;
            }
            ParsedExtension::SubjectKeyIdentifier(k) => d.subject_key_id = Some(hex_colon(k.0)),
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                d.authority_key_id = a.key_identifier.as_ref().map(|k| hex_colon(k.0));
            }
            ParsedExtension::CRLDistributionPoints(points) => {
                for p in &points.points {
                    if let Some(DistributionPointName::FullName(names)) = &p.distribution_point {
                        d.crl_distribution_points
                            .extend(names.iter().filter_map(uri_of));
                    }
                }
            }
            ParsedExtension::AuthorityInfoAccess(aia) => {
                for desc in aia.iter() {
                    let Some(url) = uri_of(&desc.access_location) else {
                        continue;
                    };
                    if desc.access_method == OID_PKIX_ACCESS_DESCRIPTOR_OCSP {
                        d.ocsp_urls.push(url);
                    } else if desc.access_method == OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS {
                        d.ca_issuer_urls.push(url);
                    }
                }
            }
            _ => {}
        }
    }
    d
}
