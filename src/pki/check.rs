//! The checks of certificates and keys against themselves: the private key matches the
//! leaf, the leaf is valid now and not about to expire, it is not cert-manager's temporary
//! certificate, each certificate is followed by its issuer with a signature that verifies,
//! and how the chain ends. Which checks apply depends on the [`Purpose`] of the
//! certificates, never on filtering findings afterwards.

use jiff::{SignedDuration, Timestamp};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::cert::{self, CertFacts};
use super::key::{self, KeyInfo};
use super::read::{Block, pem_invalid, read_blocks, split_blocks};
use crate::findings::{Code, Finding, Severity, Subject};
use crate::timefmt;

/// Options of the checks.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions {
    /// Instant of the check.
    pub now: Timestamp,
    /// What the certificates are for, which decides the checks that apply.
    pub purpose: Purpose,
    /// Warn when the leaf expires within this; default: a third of its lifetime or 7 days,
    /// whichever is later.
    pub warn_within: Option<SignedDuration>,
}

/// What a set of certificates is for. The checks differ: a CA bundle's chain shape and a
/// root's renewal window say nothing, and a Secret cert-manager wrote ends its chain where the
/// CA's chain ends, which is normal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Purpose {
    /// A leaf and its chain given to `inspect` (file or `tls.crt`): every check.
    #[default]
    TlsCrt,
    /// The `tls.crt` of a Secret cert-manager issued, read by `diagnose`: no note on a chain
    /// that ends below the root.
    IssuedTlsCrt,
    /// A `ca.crt` bundle: only validity, no chain shape and no leaf renewal window.
    CaBundle,
}

impl Purpose {
    fn checks_chain_shape(self) -> bool {
        self != Purpose::CaBundle
    }

    fn notes_incomplete_chain(self) -> bool {
        self == Purpose::TlsCrt
    }

    fn warns_before_expiry(self) -> bool {
        self != Purpose::CaBundle
    }
}

/// What a TLS Secret's `tls.crt` and `tls.key` hold, and what the checks found.
#[derive(Debug, Clone, Default)]
pub struct TlsPair {
    /// Certificates of `tls.crt`, leaf first.
    pub certificates: Vec<CertFacts>,
    /// The private key's type and match.
    pub private_key: Option<KeyInfo>,
    /// Findings (unsorted).
    pub findings: Vec<Finding>,
}

/// Checks the certificate and key of a TLS Secret — shared by `inspect secret` and
/// `diagnose` so both report the same problems: a missing or block-less `tls.crt` or
/// `tls.key`, unreadable PEM, the key match, validity and chain. `key_removed` says a dump
/// removed `tls.key`, so its absence is not a finding.
pub fn check_tls_pair(
    subject: &Subject,
    crt: Option<&[u8]>,
    key: Option<&[u8]>,
    key_removed: bool,
    opts: CheckOptions,
) -> TlsPair {
    let mut findings = Vec::new();
    let crt = crt.filter(|b| !b.is_empty());
    let key = key.filter(|b| !b.is_empty());
    let key_block = key.and_then(|kb| {
        let key_subject = subject.part("tls.key");
        let (blocks, f) = read_blocks(kb, &key_subject);
        let no_finding = f.is_empty();
        findings.extend(f);
        let block = split_blocks(blocks).1;
        if block.is_none() && no_finding {
            findings.push(Finding::new(
                Code::PemInvalid,
                Severity::Error,
                key_subject,
                "tls.key holds no private key block",
                "Put the private key in tls.key, or re-issue with `certdoctor renew`.",
            ));
        }
        block
    });
    let mut pair = TlsPair::default();
    match crt {
        None => findings.push(Finding::new(Code::SecretMissingCert, Severity::Error, subject.clone(), "tls.crt is missing or empty", "Nothing can be served. Find where issuance is stuck with `certdoctor status NAME`, then `certdoctor renew NAME`.")),
        Some(crt) => {
            let crt_subject = subject.part("tls.crt");
            let (blocks, f) = read_blocks(crt, &crt_subject);
            let no_finding = f.is_empty();
            findings.extend(f);
            let (certs, _, _) = split_blocks(blocks);
            if certs.is_empty() && no_finding {
                findings.push(Finding::new(Code::PemInvalid, Severity::Error, crt_subject.clone(), "tls.crt holds no CERTIFICATE block", "Put the certificate chain (leaf first) in tls.crt, or re-issue with `certdoctor renew`."));
            }
            let (details, private_key, f) = check_material(&certs, key_block.as_ref(), &crt_subject, opts);
            findings.extend(f);
            pair.certificates = details;
            pair.private_key = private_key;
        }
    }
    if key.is_none() && !key_removed {
        findings.push(Finding::new(Code::SecretMissingKey, Severity::Error, subject.clone(), "tls.key is missing or empty", "A TLS server cannot use the certificate without its key. Re-issue with `certdoctor renew NAME`."));
    }
    pair.findings = findings;
    pair
}

/// cert-manager's temporary certificate: current releases put `serialNumber=1234567890`
/// in the subject and sign with a throw-away CA `CN=cert-manager.local`; releases before
/// v0.15 used the certificate serial 1234567890 or 0x1234567890.
fn is_temporary(cert: &X509Certificate) -> bool {
    use x509_parser::oid_registry::OID_X509_SERIALNUMBER;
    let subject_marker = cert.subject().iter_attributes().any(|a| {
        a.attr_type() == &OID_X509_SERIALNUMBER && a.as_str().is_ok_and(|v| v == "1234567890")
    });
    let issuer_marker = cert
        .issuer()
        .iter_common_name()
        .any(|a| a.as_str().is_ok_and(|v| v == "cert-manager.local"));
    let serial = super::der::unsigned(cert.raw_serial());
    subject_marker
        || issuer_marker
        || serial == [0x49, 0x96, 0x02, 0xd2]
        || serial == [0x12, 0x34, 0x56, 0x78, 0x90]
}

/// Whether `child`'s signature verifies with `key`; `None` when the algorithm is one ring
/// cannot verify (e.g. ECDSA P-521), which proves nothing either way.
fn signature_ok(
    child: &X509Certificate,
    key: Option<&x509_parser::x509::SubjectPublicKeyInfo>,
) -> Option<bool> {
    match child.verify_signature(key) {
        Ok(()) => Some(true),
        Err(x509_parser::error::X509Error::SignatureUnsupportedAlgorithm) => None,
        Err(_) => Some(false),
    }
}

fn self_signed(c: &X509Certificate) -> bool {
    c.subject() == c.issuer() && signature_ok(c, None) != Some(false)
}

/// Checks a certificate list (leaf first) and an optional key; returns what to show and
/// the findings. `subject` names the source in findings (e.g. `Secret a/b tls.crt`).
pub fn check_material(
    cert_blocks: &[Block],
    key_block: Option<&Block>,
    subject: &Subject,
    opts: CheckOptions,
) -> (Vec<CertFacts>, Option<KeyInfo>, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut parsed: Vec<(usize, X509Certificate)> = Vec::new();
    for b in cert_blocks {
        match X509Certificate::from_der(&b.der) {
            Ok((_, c)) => parsed.push((b.index, c)),
            Err(e) => findings.push(pem_invalid(
                subject,
                format!("PEM block {}: not a valid X.509 certificate ({e})", b.index),
            )),
        }
    }
    let details: Vec<CertFacts> = parsed
        .iter()
        .zip(
            cert_blocks
                .iter()
                .filter(|b| parsed.iter().any(|(i, _)| *i == b.index)),
        )
        .map(|((_, c), b)| cert::facts(c, &b.der))
        .collect();

    if let Some((_, leaf)) = parsed.first() {
        leaf_checks(leaf, &details[0], subject, opts, &mut findings);
        chain_checks(&parsed, &details, subject, opts, &mut findings);
    }

    let key = key_block.and_then(|kb| {
        match key::inspect_key(&kb.label, &kb.der, parsed.first().map(|(_, c)| c)) {
            Ok(info) => {
                if info.matches_leaf == Some(false) {
                    findings.push(
                        Finding::new(
                            Code::KeyMismatch,
                            Severity::Error,
                            subject.clone(),
                            "the private key does not belong to the leaf certificate",
                            "Clients will fail the TLS handshake. Re-issue so cert-manager writes a matching pair: `certdoctor renew`; if the Secret was edited by hand, restore it or delete it and let cert-manager re-create it.",
                        )
                        .evidence(format!("private key: {} ({})", info.algorithm, info.encoding))
                        .evidence(format!("leaf public key: {}", details.first().map_or("-", |d| d.key_algorithm.as_str()))),
                    );
                }
                Some(info)
            }
            Err(e) => {
                findings.push(pem_invalid(subject, format!("private key (PEM block {}): {e}", kb.index)));
                None
            }
        }
    });
    (details, key, findings)
}

fn leaf_checks(
    leaf: &X509Certificate,
    d: &CertFacts,
    subject: &Subject,
    opts: CheckOptions,
    findings: &mut Vec<Finding>,
) {
    let now = opts.now;
    let (nb, na) = (d.not_before, d.not_after);
    let check = format!("openssl x509 -noout -dates -subject  # on the leaf of {subject}");
    if na <= now {
        findings.push(
            Finding::new(Code::CertExpired, Severity::Error, subject.clone(), format!("the certificate expired {} ago", timefmt::short(now.duration_since(na))), "Clients reject it. Find out why renewal did not happen (`certdoctor status NAME`), fix that, then `certdoctor renew NAME`.")
                .evidence(format!("notAfter {}", timefmt::rfc3339(na)))
                .reproduce(check.clone()),
        );
    } else if nb > now {
        findings.push(
            Finding::new(
                Code::CertNotYetValid,
                Severity::Error,
                subject.clone(),
                format!(
                    "the certificate is not valid until {}",
                    timefmt::rfc3339(nb)
                ),
                "Clients reject it until then. Check the clock of the issuer and of this machine.",
            )
            .evidence(format!("notBefore {}", timefmt::rfc3339(nb)))
            .reproduce(check.clone()),
        );
    } else {
        let lifetime = na.duration_since(nb);
        let default = std::cmp::max(lifetime / 3, SignedDuration::from_hours(7 * 24));
        let within = opts.warn_within.unwrap_or(default);
        let left = na.duration_since(now);
        if left <= within && opts.purpose.warns_before_expiry() {
            findings.push(
                Finding::new(Code::CertExpiringSoon, Severity::Warning, subject.clone(), format!("the certificate expires in {} ({}% of its lifetime used)", timefmt::short(left), d.lifetime_used_percent(now)), "cert-manager should already be renewing it; check with `certdoctor status NAME`, and force it with `certdoctor renew NAME` once the cause is fixed.")
                    .evidence(format!("notAfter {}; warning window {}", timefmt::rfc3339(na), timefmt::short(within)))
                    .reproduce(check),
            );
        }
    }
    if is_temporary(leaf) {
        findings.push(
            Finding::new(Code::TemporaryCertificate, Severity::Warning, subject.clone(), "this is cert-manager's temporary self-signed certificate: issuance never finished", "Clients see an untrusted certificate. Find where issuance is stuck with `certdoctor status NAME` (or `diagnose`).")
                .evidence(format!("subject {}; serial {}", d.subject, d.serial))
                .evidence(format!("issuer {}", d.issuer)),
        );
    }
}

fn chain_checks(
    parsed: &[(usize, X509Certificate)],
    details: &[CertFacts],
    subject: &Subject,
    opts: CheckOptions,
    findings: &mut Vec<Finding>,
) {
    let now = opts.now;
    let shape = opts.purpose.checks_chain_shape();
    let verify_cmd =
        format!("openssl verify -partial_chain -untrusted <(tail of {subject}) <(leaf)");
    let mut order_ok = true;
    for i in 0..parsed.len().saturating_sub(1) {
        let (bi, child) = &parsed[i];
        let (bj, parent) = &parsed[i + 1];
        if !shape {
            // Only validity below.
        } else if child.issuer() != parent.subject() {
            order_ok = false;
            let issuer_elsewhere = parsed.iter().any(|(_, c)| c.subject() == child.issuer());
            findings.push(
                Finding::new(Code::ChainOrder, Severity::Error, subject.clone(), format!("certificate {bi} is not issued by the next one (block {bj})"), if issuer_elsewhere {
                    "The chain is out of order: each certificate must be followed by its issuer. Some TLS servers and clients reject it; re-issue or reorder the bundle."
                } else {
                    "The bundle holds a certificate that does not belong to this chain; remove it or re-issue."
                })
                .evidence(format!("certificate {bi} issuer:  {}", details[i].issuer))
                .evidence(format!("certificate {bj} subject: {}", details[i + 1].subject))
                .reproduce(verify_cmd.clone()),
            );
        } else if signature_ok(child, Some(parent.public_key())) == Some(false) {
            let e = "the signature does not match the issuer's public key";
            order_ok = false;
            findings.push(
                Finding::new(Code::ChainSignatureInvalid, Severity::Error, subject.clone(), format!("certificate {bi} claims certificate {bj} as issuer, but its signature does not verify"), "The chain was assembled from the wrong CA certificate (same name, different key). Re-issue, or fix the CA configured in the issuer.")
                    .evidence(format!("signature check: {e}"))
                    .reproduce(verify_cmd.clone()),
            );
        }
        if i + 1 < details.len() {
            let p = &details[i + 1];
            if p.expired_at(now) {
                findings.push(
                    Finding::new(Code::IntermediateExpired, Severity::Error, subject.clone(), format!("chain certificate {bj} ({}) expired {} ago", p.subject, timefmt::short(now.duration_since(p.not_after))), "Clients that build the chain from this bundle fail. Re-issue so the issuer sends its current chain, or update the CA bundle the issuer uses.")
                        .evidence(format!("notAfter {}", timefmt::rfc3339(p.not_after))),
                );
            }
        }
    }
    if let Some((bi, last)) = parsed.last()
        && order_ok
        && shape
    {
        let last_self_signed = self_signed(last);
        if !last_self_signed {
            if !opts.purpose.notes_incomplete_chain() {
                return;
            }
            findings.push(
                Finding::new(Code::ChainIncomplete, Severity::Info, subject.clone(), format!("the chain ends at certificate {bi}, whose issuer is not in the bundle"), "Normal for public CAs (clients have the root). If clients lack intermediates, add them (ACME issuers send them).")
                    .evidence(format!("last issuer: {}", details.last().map_or("-", |d| d.issuer.as_str()))),
            );
        } else if parsed.len() > 1 {
            findings.push(Finding::new(
                Code::ChainHasRoot,
                Severity::Info,
                subject.clone(),
                format!("the bundle includes the self-signed root (certificate {bi})"),
                "Harmless but useless: clients must already trust the root. Some scanners flag it.",
            ));
        }
    }
}
