//! `inspect`: what is really inside a TLS Secret or a PEM/DER file, and the checks that
//! compare it with itself (key match, chain order and signatures, validity) and with the
//! Certificate that owns it (SANs, issuer annotations, two Certificates on one Secret).
//!
//! Pure code: callers hand in bytes and the owning Certificate; checks return findings with
//! the codes documented in docs/findings.md, shared with `diagnose`. Private-key bytes are
//! read only to derive the public key and are never part of any output.

pub mod cert;
pub mod der;
pub mod key;

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use x509_parser::pem::Pem;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::types::Certificate;
use cert::CertDetail;
use key::KeyInfo;

/// Annotation a dump adds to a Secret listing the data keys it removed, so offline
/// `inspect` and `diagnose` know `tls.key` was there and do not report it missing.
pub const REMOVED_KEYS_ANNOTATION: &str = "certdoctor.io/removed-keys";

/// The data keys a dump removed from a Secret, from its annotations.
pub fn removed_keys<'a>(
    annotations: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Vec<String> {
    annotations
        .into_iter()
        .find(|(k, _)| k.as_str() == REMOVED_KEYS_ANNOTATION)
        .map(|(_, v)| {
            v.split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// What a TLS Secret's `tls.crt` and `tls.key` hold, and what the checks found.
#[derive(Debug, Clone, Default)]
pub struct TlsPair {
    /// Certificates of `tls.crt`, leaf first.
    pub certificates: Vec<CertDetail>,
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

/// Largest input read (file, stdin or Secret value); a 1,000-certificate bundle is ~2 MB.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// One PEM block (or a whole DER input), numbered from 1 in its source.
#[derive(Debug, Clone)]
pub struct Block {
    /// 1-based position in the source.
    pub index: usize,
    /// PEM label (`CERTIFICATE`, `PRIVATE KEY`, …).
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

fn pem_invalid(subject: &Subject, what: String) -> Finding {
    Finding::new(
        Code::PemInvalid,
        Severity::Error,
        subject.clone(),
        what,
        "Replace the data with valid PEM (`-----BEGIN CERTIFICATE-----` blocks); for a cert-manager Secret, trigger re-issuance with `certdoctor renew`.",
    )
}

/// Splits input into blocks: PEM (any number of blocks) or a single DER certificate or key
/// (PKCS#8, PKCS#1 or SEC1, labelled as its PEM form would be).
/// Anything unreadable is a `PEM_INVALID` finding naming the block and what was wrong.
pub fn read_blocks(bytes: &[u8], subject: &Subject) -> (Vec<Block>, Vec<Finding>) {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return (
            vec![],
            vec![pem_invalid(subject, "empty: no PEM block".into())],
        );
    }
    let text_like = bytes.windows(11).any(|w| w == b"-----BEGIN ");
    if !text_like {
        if X509Certificate::from_der(bytes).is_ok() {
            return (
                vec![Block {
                    index: 1,
                    label: "CERTIFICATE".into(),
                    der: bytes.to_vec(),
                }],
                vec![],
            );
        }
        if let Some(label) = key::der_key_label(bytes) {
            return (
                vec![Block {
                    index: 1,
                    label: label.into(),
                    der: bytes.to_vec(),
                }],
                vec![],
            );
        }
        return (
            vec![],
            vec![pem_invalid(
                subject,
                "neither PEM (no -----BEGIN line) nor a DER certificate".into(),
            )],
        );
    }
    let mut blocks = Vec::new();
    let mut findings = Vec::new();
    for (i, block) in Pem::iter_from_buffer(bytes).enumerate() {
        match block {
            Ok(p) => blocks.push(Block {
                index: i + 1,
                label: p.label,
                der: p.contents,
            }),
            Err(e) => {
                findings.push(pem_invalid(subject, format!("PEM block {}: {e}", i + 1)));
                break;
            }
        }
    }
    if blocks.is_empty() && findings.is_empty() {
        findings.push(pem_invalid(
            subject,
            "no complete PEM block (missing -----END line?)".into(),
        ));
    }
    (blocks, findings)
}

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
    pub certificates: Vec<CertDetail>,
    /// Certificates of `ca.crt`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ca_certificates: Vec<CertDetail>,
    /// The private key: type and whether it matches; never its bytes.
    pub private_key: Option<KeyInfo>,
    /// Check results, errors first.
    pub findings: Vec<Finding>,
}

/// Facts about a Secret besides its certificates.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretFacts {
    /// Secret type.
    #[serde(rename = "type")]
    pub type_: String,
    /// Data key names and sizes in bytes (never values).
    pub keys: BTreeMap<String, usize>,
    /// `cert-manager.io/*` annotations.
    pub annotations: BTreeMap<String, String>,
    /// The Certificate(s) whose `spec.secretName` is this Secret.
    pub owners: Vec<String>,
    /// Keys a `certdoctor dump` removed (so their absence is not a finding).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed_by_dump: Vec<String>,
}

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
    let serial = crate::inspect::der::unsigned(cert.raw_serial());
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
) -> (Vec<CertDetail>, Option<KeyInfo>, Vec<Finding>) {
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
    let now = opts.now;
    let details: Vec<CertDetail> = parsed
        .iter()
        .zip(
            cert_blocks
                .iter()
                .filter(|b| parsed.iter().any(|(i, _)| *i == b.index)),
        )
        .map(|((_, c), b)| cert::detail(c, &b.der, now))
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
                        .evidence(format!("leaf public key: {}", details.first().map_or("-", |d| d.public_key.as_str()))),
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
    d: &CertDetail,
    subject: &Subject,
    opts: CheckOptions,
    findings: &mut Vec<Finding>,
) {
    let now = opts.now;
    let nb = Timestamp::from_second(leaf.validity().not_before.timestamp()).unwrap_or_default();
    let na = Timestamp::from_second(leaf.validity().not_after.timestamp()).unwrap_or_default();
    let check = format!("openssl x509 -noout -dates -subject  # on the leaf of {subject}");
    if na <= now {
        findings.push(
            Finding::new(Code::CertExpired, Severity::Error, subject.clone(), format!("the certificate expired {}", d.time_left.trim_start_matches("expired ")), "Clients reject it. Find out why renewal did not happen (`certdoctor status NAME`), fix that, then `certdoctor renew NAME`.")
                .evidence(format!("notAfter {}", d.not_after))
                .reproduce(check.clone()),
        );
    } else if nb > now {
        findings.push(
            Finding::new(
                Code::CertNotYetValid,
                Severity::Error,
                subject.clone(),
                format!("the certificate is not valid until {}", d.not_before),
                "Clients reject it until then. Check the clock of the issuer and of this machine.",
            )
            .evidence(format!("notBefore {}", d.not_before))
            .reproduce(check.clone()),
        );
    } else {
        let lifetime = na.duration_since(nb);
        let default = std::cmp::max(lifetime / 3, SignedDuration::from_hours(7 * 24));
        let within = opts.warn_within.unwrap_or(default);
        let left = na.duration_since(now);
        if left <= within && opts.purpose.warns_before_expiry() {
            findings.push(
                Finding::new(Code::CertExpiringSoon, Severity::Warning, subject.clone(), format!("the certificate expires {} ({}% of its lifetime used)", d.time_left, d.lifetime_used_percent), "cert-manager should already be renewing it; check with `certdoctor status NAME`, and force it with `certdoctor renew NAME` once the cause is fixed.")
                    .evidence(format!("notAfter {}; warning window {}", d.not_after, crate::timefmt::short(within)))
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
    details: &[CertDetail],
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
            let na = parent.validity().not_after.timestamp();
            if Timestamp::from_second(na).is_ok_and(|t| t <= now) {
                findings.push(
                    Finding::new(Code::IntermediateExpired, Severity::Error, subject.clone(), format!("chain certificate {bj} ({}) expired {}", p.subject, p.time_left.trim_start_matches("expired ")), "Clients that build the chain from this bundle fail. Re-issue so the issuer sends its current chain, or update the CA bundle the issuer uses.")
                        .evidence(format!("notAfter {}", p.not_after)),
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

/// Checks a cert-manager-managed Secret's leaf against the Certificate(s) that own it.
pub fn spec_checks(
    subject: &Subject,
    leaf: Option<&CertDetail>,
    annotations: &BTreeMap<String, String>,
    owners: &[&Certificate],
    findings: &mut Vec<Finding>,
) {
    if owners.len() > 1 {
        let names: Vec<String> = owners
            .iter()
            .filter_map(|c| c.metadata.name.clone())
            .collect();
        findings.push(
            Finding::new(Code::CertificateNameMismatch, Severity::Error, subject.clone(), format!("{} Certificates write this Secret: {}", names.len(), names.join(", ")), "They overwrite each other's certificate in a loop. Give each Certificate its own spec.secretName, or delete the extra one.")
                .reproduce(format!("kubectl get certificates -n {} -o custom-columns=NAME:.metadata.name,SECRET:.spec.secretName", owners[0].metadata.namespace.as_deref().unwrap_or(""))),
        );
    }
    let Some(owner) = owners.first() else { return };
    let owner_name = owner.metadata.name.clone().unwrap_or_default();
    if let Some(ann) = annotations.get("cert-manager.io/certificate-name")
        && *ann != owner_name
        && owners.len() == 1
    {
        findings.push(
            Finding::new(Code::CertificateNameMismatch, Severity::Error, subject.clone(), format!("the Secret was issued for Certificate {ann:?}, but Certificate {owner_name:?} owns it now"), "cert-manager re-issues (reason IncorrectCertificate). If it keeps happening, two Certificates point at this Secret.")
                .evidence(format!("annotation cert-manager.io/certificate-name={ann}")),
        );
    }
    let r = &owner.spec.issuer_ref;
    let want = [
        ("cert-manager.io/issuer-name", r.name.as_str()),
        ("cert-manager.io/issuer-kind", r.kind_or_default()),
        ("cert-manager.io/issuer-group", r.group_or_default()),
    ];
    let mut diffs = Vec::new();
    for (k, v) in want {
        if let Some(have) = annotations.get(k) {
            let have_norm = if k.ends_with("group") && have.is_empty() {
                crate::model::CERT_MANAGER_GROUP
            } else if k.ends_with("kind") && have.is_empty() {
                "Issuer"
            } else {
                have.as_str()
            };
            if have_norm != v {
                diffs.push(format!(
                    "{k}: Secret says {have:?}, Certificate wants {v:?}"
                ));
            }
        }
    }
    if !diffs.is_empty() {
        let mut f = Finding::new(
            Code::IssuerAnnotationMismatch,
            Severity::Warning,
            subject.clone(),
            "the Secret was issued by another issuer than the Certificate names",
            "cert-manager re-issues with the new issuer (reason IncorrectIssuer). If that does not happen, check the new issuer with `certdoctor status NAME`.",
        );
        for d in diffs {
            f = f.evidence(d);
        }
        findings.push(f);
    }
    if let Some(leaf) = leaf {
        san_check(subject, leaf, owner, findings);
    }
}

fn san_check(
    subject: &Subject,
    leaf: &CertDetail,
    owner: &Certificate,
    findings: &mut Vec<Finding>,
) {
    let spec = &owner.spec;
    let lower =
        |v: &[String]| -> Vec<String> { v.iter().map(|s| s.to_ascii_lowercase()).collect() };
    let mut missing = Vec::new();
    let mut extra = Vec::new();
    let sets: [(&str, Vec<String>, Vec<String>); 4] = [
        ("DNS", lower(&spec.dns_names), lower(&leaf.dns_names)),
        ("IP", spec.ip_addresses.clone(), leaf.ip_addresses.clone()),
        ("URI", spec.uris.clone(), leaf.uris.clone()),
        ("email", spec.email_addresses.clone(), leaf.emails.clone()),
    ];
    let cn = spec.common_name.as_deref().map(str::to_ascii_lowercase);
    for (kind, want, have) in sets {
        missing.extend(
            want.iter()
                .filter(|w| !have.contains(w))
                .map(|w| format!("{kind}:{w}")),
        );
        extra.extend(
            have.iter()
                .filter(|h| !want.contains(h) && Some(h.as_str()) != cn.as_deref())
                .map(|h| format!("{kind}:{h}")),
        );
    }
    if missing.is_empty() && extra.is_empty() {
        return;
    }
    let mut f = Finding::new(
        Code::SanMismatch,
        Severity::Error,
        subject.clone(),
        "the certificate's names differ from the Certificate's spec",
        "The spec changed after issuance, or the Secret holds another certificate. cert-manager re-issues on a spec change; if it did not, run `certdoctor renew NAME`.",
    );
    if !missing.is_empty() {
        f = f.evidence(format!(
            "in spec, not in certificate: {}",
            missing.join(", ")
        ));
    }
    if !extra.is_empty() {
        f = f.evidence(format!("in certificate, not in spec: {}", extra.join(", ")));
    }
    findings.push(f);
}

/// Errors first, then warnings, then info; stable within a severity.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by_key(|f| f.severity);
}

/// Splits blocks into certificates and the first private key.
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
