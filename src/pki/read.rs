//! The one reader of certificate and key input: PEM (any number of blocks) or a single DER
//! certificate or key. `inspect` and `diagnose` turn what it cannot read into `PEM_INVALID`
//! findings ([`read_blocks`]); `status` gets a short error instead ([`parse_chain`], and
//! [`secret_certificates`] for a snapshot's TLS Secret). Both read the same bytes the same way.

use x509_parser::pem::Pem;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::cert::{self, CertFacts};
use super::key;
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::secret::TlsSecret;

/// Largest input read (file, stdin or Secret value); a 1,000-certificate bundle is ~2 MB.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// One PEM block (or a whole DER input), numbered from 1 in its source.
#[derive(Debug, Clone)]
pub struct Block {
    /// 1-based position in the source.
    pub index: usize,
    /// PEM label (`CERTIFICATE`, `PRIVATE KEY`, …); for DER input, the label its PEM form
    /// would carry.
    pub label: String,
    /// Decoded bytes.
    pub der: Vec<u8>,
}

const KEY_LABELS: [&str; 4] = [
    "PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
];

/// Why input could not be read, before any wording: [`read_blocks`] and [`parse_chain`]
/// word it for their readers.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Unreadable {
    /// Nothing but whitespace.
    Empty,
    /// No `-----BEGIN ` line, and not a DER certificate or key either.
    NotPemOrDer,
    /// A PEM block that does not decode (1-based), and why.
    BadBlock(usize, String),
    /// A `-----BEGIN ` line but no complete block.
    NoCompleteBlock,
}

/// Reads every block, stopping at the first that does not decode. The blocks before it
/// are kept, so a bundle with a broken tail still shows its good certificates.
fn blocks(bytes: &[u8]) -> (Vec<Block>, Option<Unreadable>) {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return (vec![], Some(Unreadable::Empty));
    }
    let text_like = bytes.windows(11).any(|w| w == b"-----BEGIN ");
    if !text_like {
        let label = if X509Certificate::from_der(bytes).is_ok() {
            Some("CERTIFICATE")
        } else {
            key::der_key_label(bytes)
        };
        return match label {
            Some(label) => (
                vec![Block {
                    index: 1,
                    label: label.into(),
                    der: bytes.to_vec(),
                }],
                None,
            ),
            None => (vec![], Some(Unreadable::NotPemOrDer)),
        };
    }
    let mut out = Vec::new();
    for (i, block) in Pem::iter_from_buffer(bytes).enumerate() {
        match block {
            Ok(p) => out.push(Block {
                index: i + 1,
                label: p.label,
                der: p.contents,
            }),
            // A BEGIN line without its END: the documented wording, whichever block it is.
            Err(x509_parser::error::PEMError::IncompletePEM) if out.is_empty() => {
                return (out, Some(Unreadable::NoCompleteBlock));
            }
            Err(x509_parser::error::PEMError::IncompletePEM) => {
                return (
                    out,
                    Some(Unreadable::BadBlock(
                        i + 1,
                        "incomplete (missing -----END line?)".into(),
                    )),
                );
            }
            Err(e) => return (out, Some(Unreadable::BadBlock(i + 1, e.to_string()))),
        }
    }
    if out.is_empty() {
        return (out, Some(Unreadable::NoCompleteBlock));
    }
    (out, None)
}

/// The `PEM_INVALID` finding for `subject`, saying `what` was wrong.
pub(crate) fn pem_invalid(subject: &Subject, what: String) -> Finding {
    Finding::new(
        Code::PemInvalid,
        Severity::Error,
        subject.clone(),
        what,
        "Replace the data with valid PEM (`-----BEGIN CERTIFICATE-----` blocks); for a cert-manager Secret, trigger re-issuance with `certdoctor renew`.",
    )
}

/// Splits input into blocks: PEM (any number of blocks) or a single DER certificate or key
/// (PKCS#8, PKCS#1 or SEC1, labelled as its PEM form would be). Anything unreadable is a
/// `PEM_INVALID` finding naming the block and what was wrong.
pub fn read_blocks(bytes: &[u8], subject: &Subject) -> (Vec<Block>, Vec<Finding>) {
    let (blocks, why) = blocks(bytes);
    let findings = why
        .map(|why| {
            pem_invalid(
                subject,
                match why {
                    Unreadable::Empty => "empty: no PEM block".into(),
                    Unreadable::NotPemOrDer => {
                        "neither PEM (no -----BEGIN line) nor a DER certificate".into()
                    }
                    Unreadable::BadBlock(n, e) => format!("PEM block {n}: {e}"),
                    Unreadable::NoCompleteBlock => {
                        "no complete PEM block (missing -----END line?)".into()
                    }
                },
            )
        })
        .into_iter()
        .collect();
    (blocks, findings)
}

/// Splits blocks into certificates, the first private key, and the rest.
pub fn split_blocks(blocks: Vec<Block>) -> (Vec<Block>, Option<Block>, Vec<Block>) {
    let mut certs = Vec::new();
    let mut key = None;
    let mut other = Vec::new();
    for b in blocks {
        if b.label == "CERTIFICATE" {
            certs.push(b);
        } else if KEY_LABELS.contains(&b.label.as_str()) && key.is_none() {
            key = Some(b);
        } else {
            other.push(b);
        }
    }
    (certs, key, other)
}

/// Why `status` could not read a certificate chain.
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

/// The facts of every certificate of a chain, in order (leaf first as cert-manager writes
/// it), for `status`. Other blocks are skipped; a broken block is an error naming it.
pub fn parse_chain(bytes: &[u8]) -> Result<Vec<CertFacts>, PemError> {
    let (blocks, why) = blocks(bytes);
    if let Some(Unreadable::BadBlock(block, why)) = why {
        return Err(PemError::Invalid { block, why });
    }
    let mut out = Vec::new();
    for b in split_blocks(blocks).0 {
        let (_, c) = X509Certificate::from_der(&b.der).map_err(|e| PemError::Invalid {
            block: b.index,
            why: format!("not a valid X.509 certificate ({e})"),
        })?;
        out.push(cert::facts(&c, &b.der));
    }
    if out.is_empty() {
        return Err(PemError::NoCertificate);
    }
    Ok(out)
}

/// Why a snapshot Secret's `tls.crt` gave no certificates, worded for `status`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretCrtError {
    /// The Secret has no `tls.crt`, or an empty one.
    #[error("tls.crt is missing or empty")]
    Missing,
    /// `tls.crt` does not read as certificates.
    #[error("tls.crt: {0}")]
    Invalid(PemError),
}

/// The facts of every certificate in a typed TLS Secret's `tls.crt`, leaf first: the one
/// reading of it that `status` shows and `diagnose` dates the last issuance by.
pub fn secret_certificates(secret: &TlsSecret) -> Result<Vec<CertFacts>, SecretCrtError> {
    let crt = secret
        .tls_crt()
        .filter(|b| !b.is_empty())
        .ok_or(SecretCrtError::Missing)?;
    parse_chain(crt).map_err(SecretCrtError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_and_pem_of_one_certificate_read_the_same() {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["a.example".to_string()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let from_pem = parse_chain(cert.pem().as_bytes()).unwrap();
        assert_eq!(parse_chain(cert.der()).unwrap(), from_pem);
        assert_eq!(from_pem[0].dns_names, ["a.example"]);
        let (blocks, findings) = read_blocks(&key.serialize_der(), &Subject::file("-"));
        assert!(findings.is_empty());
        assert_eq!(blocks[0].label, "PRIVATE KEY");
    }

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
