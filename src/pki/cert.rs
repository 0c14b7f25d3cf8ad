//! The one certificate-facts type, [`CertFacts`], read with x509-parser: what `status`
//! and `inspect` show about a certificate, with its validity as timestamps. Words such as
//! "in 63d" or "expired 2d ago" are made from them by whoever prints, never stored and never
//! parsed back. [`InspectedCert`] is a certificate at the instant of an `inspect` report.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::objects::{oid_registry, oid2sn};
use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_NIST_EC_P521,
    OID_PKCS1_RSAENCRYPTION, OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS,
    OID_PKIX_ACCESS_DESCRIPTOR_OCSP, OID_SIG_ED25519,
};
use x509_parser::prelude::X509Certificate;
use x509_parser::public_key::PublicKey;

use crate::timefmt;

/// Everything certdoctor shows about one certificate (no private data: certificates are
/// public). Serialises as a certificate of the `status` JSON (docs/output.md), which shows
/// the first fields only; `inspect` serialises all of them through [`InspectedCert`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertFacts {
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
    /// `RSA 2048`, `ECDSA P-256`, `Ed25519`, or the algorithm OID.
    pub key_algorithm: String,
    /// Signature algorithm short name, e.g. `ecdsa-with-SHA256`.
    #[serde(skip)]
    pub signature_algorithm: String,
    /// Key usages, e.g. `Digital Signature`.
    #[serde(skip)]
    pub key_usage: Vec<String>,
    /// Extended key usages, e.g. `Server Authentication`.
    #[serde(skip)]
    pub extended_key_usage: Vec<String>,
    /// Basic constraints: CA or not.
    pub is_ca: bool,
    /// Basic constraints path length, when set.
    #[serde(skip)]
    pub path_len: Option<u32>,
    /// Subject key identifier, hex with colons.
    #[serde(skip)]
    pub subject_key_id: Option<String>,
    /// Authority key identifier, hex with colons.
    #[serde(skip)]
    pub authority_key_id: Option<String>,
    /// SHA-256 of the DER, hex with colons.
    #[serde(skip)]
    pub sha256_fingerprint: String,
    /// CRL distribution point URLs.
    #[serde(skip)]
    pub crl_distribution_points: Vec<String>,
    /// OCSP responder URLs.
    #[serde(skip)]
    pub ocsp_urls: Vec<String>,
    /// CA issuer URLs.
    #[serde(skip)]
    pub ca_issuer_urls: Vec<String>,
}

impl CertFacts {
    /// Whether the certificate has expired at `now` (notAfter is the last valid instant
    /// only up to, not including, itself, as the checks have always read it).
    pub fn expired_at(&self, now: Timestamp) -> bool {
        self.not_after <= now
    }

    /// Time from `now` to notAfter; negative once expired.
    pub fn time_left(&self, now: Timestamp) -> SignedDuration {
        self.not_after.duration_since(now)
    }

    /// Share of the lifetime used at `now`, 0–100 (above 100 once expired; 0 before
    /// notBefore). A zero-length lifetime counts as one second, so this never divides by 0.
    pub fn lifetime_used_percent(&self, now: Timestamp) -> i64 {
        let lifetime = self
            .not_after
            .duration_since(self.not_before)
            .as_secs()
            .max(1);
        let used = now.duration_since(self.not_before).as_secs();
        (used * 100 / lifetime).max(0)
    }
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

fn timestamp(t: x509_parser::time::ASN1Time) -> Timestamp {
    // jiff ends at 9999-12-30T22:00:00Z; RFC 5280's "no well-defined expiration"
    // (99991231235959Z) lies beyond it and reads as jiff's last instant, never as 1970.
    let secs = t.timestamp();
    Timestamp::from_second(secs).unwrap_or(if secs > 0 {
        Timestamp::MAX
    } else {
        Timestamp::MIN
    })
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

/// The facts of `cert`, whose DER is `der`.
pub fn facts(cert: &X509Certificate, der: &[u8]) -> CertFacts {
    let mut d = CertFacts {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        serial: cert.raw_serial_as_string(),
        not_before: timestamp(cert.validity().not_before),
        not_after: timestamp(cert.validity().not_after),
        dns_names: vec![],
        ip_addresses: vec![],
        uris: vec![],
        emails: vec![],
        key_algorithm: key_algorithm(cert),
        signature_algorithm: oid2sn(&cert.signature_algorithm.algorithm, oid_registry())
            .map_or_else(
                |_| cert.signature_algorithm.algorithm.to_id_string(),
                str::to_string,
            ),
        key_usage: vec![],
        extended_key_usage: vec![],
        is_ca: cert.is_ca(),
        path_len: None,
        subject_key_id: None,
        authority_key_id: None,
        sha256_fingerprint: hex_colon(ring::digest::digest(&ring::digest::SHA256, der).as_ref()),
        crl_distribution_points: vec![],
        ocsp_urls: vec![],
        ca_issuer_urls: vec![],
    };
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(n) => d.dns_names.push(n.to_string()),
                GeneralName::URI(u) => d.uris.push(u.to_string()),
                GeneralName::RFC822Name(e) => d.emails.push(e.to_string()),
                GeneralName::IPAddress(b) => d.ip_addresses.push(ip_string(b)),
                _ => {}
            }
        }
    }
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

/// A certificate as an `inspect` report shows it: its facts and the instant of the report,
/// from which the time left and the share of lifetime used are derived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectedCert {
    /// What the certificate says.
    pub facts: CertFacts,
    /// The instant of the report.
    pub at: Timestamp,
}

impl InspectedCert {
    /// Each of `facts` at `at`.
    pub fn all_at(facts: Vec<CertFacts>, at: Timestamp) -> Vec<InspectedCert> {
        facts
            .into_iter()
            .map(|facts| InspectedCert { facts, at })
            .collect()
    }

    /// Whether it has expired at the report's instant.
    pub fn expired(&self) -> bool {
        self.facts.expired_at(self.at)
    }

    /// `in 63d` or `expired 2d ago`: the wording of the JSON `timeLeft` field, which the
    /// text output shows too.
    pub fn time_left_words(&self) -> String {
        let left = self.facts.time_left(self.at);
        if self.expired() {
            format!("expired {} ago", timefmt::short(-left))
        } else {
            format!("in {}", timefmt::short(left))
        }
    }

    /// Share of the lifetime used at the report's instant.
    pub fn lifetime_used_percent(&self) -> i64 {
        self.facts.lifetime_used_percent(self.at)
    }
}

/// `inspect`'s JSON form of a certificate (docs/output.md): every fact, times in RFC 3339,
/// and the time left and lifetime used at the report's instant.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InspectedJson<'a> {
    subject: &'a str,
    issuer: &'a str,
    serial: &'a str,
    not_before: String,
    not_after: String,
    time_left: String,
    lifetime_used_percent: i64,
    dns_names: &'a [String],
    ip_addresses: &'a [String],
    uris: &'a [String],
    emails: &'a [String],
    public_key: &'a str,
    signature_algorithm: &'a str,
    key_usage: &'a [String],
    extended_key_usage: &'a [String],
    is_ca: bool,
    path_len: Option<u32>,
    subject_key_id: Option<&'a str>,
    authority_key_id: Option<&'a str>,
    sha256_fingerprint: &'a str,
    crl_distribution_points: &'a [String],
    ocsp_urls: &'a [String],
    ca_issuer_urls: &'a [String],
}

impl Serialize for InspectedCert {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = &self.facts;
        InspectedJson {
            subject: &f.subject,
            issuer: &f.issuer,
            serial: &f.serial,
            not_before: timefmt::rfc3339(f.not_before),
            not_after: timefmt::rfc3339(f.not_after),
            time_left: self.time_left_words(),
            lifetime_used_percent: self.lifetime_used_percent(),
            dns_names: &f.dns_names,
            ip_addresses: &f.ip_addresses,
            uris: &f.uris,
            emails: &f.emails,
            public_key: &f.key_algorithm,
            signature_algorithm: &f.signature_algorithm,
            key_usage: &f.key_usage,
            extended_key_usage: &f.extended_key_usage,
            is_ca: f.is_ca,
            path_len: f.path_len,
            subject_key_id: f.subject_key_id.as_deref(),
            authority_key_id: f.authority_key_id.as_deref(),
            sha256_fingerprint: &f.sha256_fingerprint,
            crl_distribution_points: &f.crl_distribution_points,
            ocsp_urls: &f.ocsp_urls,
            ca_issuer_urls: &f.ca_issuer_urls,
        }
        .serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_and_lifetime_are_derived_from_the_timestamps() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["a.example".to_string()]).unwrap();
        params.not_before = rcgen::date_time_ymd(2026, 1, 1);
        params.not_after = rcgen::date_time_ymd(2026, 1, 11);
        let cert = params.self_signed(&key).unwrap();
        let facts = super::super::parse_chain(cert.der()).unwrap().remove(0);
        let at = |t: &str| InspectedCert {
            facts: facts.clone(),
            at: t.parse().unwrap(),
        };
        let early = at("2026-01-03T00:00:00Z");
        assert_eq!(
            (early.time_left_words(), early.lifetime_used_percent()),
            ("in 8d".to_string(), 20)
        );
        let late = at("2026-01-13T00:00:00Z");
        assert!(late.expired());
        assert_eq!(late.time_left_words(), "expired 2d ago");
        assert_eq!(late.lifetime_used_percent(), 120);
        assert_eq!(at("2025-12-01T00:00:00Z").lifetime_used_percent(), 0);
    }
}
