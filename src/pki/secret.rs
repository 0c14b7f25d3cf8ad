//! A TLS Secret as `inspect secret` sees it: its type, its data decoded and checked
//! ([`inspect_secret`]), and its leaf compared with the Certificate(s) whose
//! `spec.secretName` it is ([`spec_checks`], shared with `diagnose`). Pure: the Secret comes
//! in as the JSON the API server or a dump gave; finding it is [`find_secret`]'s.

use std::collections::BTreeMap;

use base64::Engine;
use serde::Serialize;
use serde_json::Value;

use super::cert::{CertFacts, InspectedCert};
use super::check::{CheckOptions, Purpose, check_material, check_tls_pair};
use super::read::{read_blocks, split_blocks};
use super::{Inspection, sort_findings};
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::dump::{REMOVED_KEYS_ANNOTATION, removed_keys};
use crate::model::types::Certificate;

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

/// Which Secrets named `name` a listing holds, in namespace `ns` (any namespace when `None`).
/// A dump holds Secrets of every type; the live LIST only TLS ones.
pub enum Candidates<'a> {
    /// Exactly one, and its namespace.
    One(String, &'a Value),
    /// None in the listing.
    None,
    /// One in each of these namespaces: the name alone does not say which.
    Many(Vec<String>),
}

/// Looks a Secret up by name among listed `objects` (any kinds).
pub fn find_secret<'a>(objects: &'a [Value], ns: Option<&str>, name: &str) -> Candidates<'a> {
    let candidates: Vec<&Value> = objects
        .iter()
        .filter(|v| v["kind"] == "Secret" && v["metadata"]["name"].as_str() == Some(name))
        .filter(|v| ns.is_none_or(|ns| v["metadata"]["namespace"].as_str() == Some(ns)))
        .collect();
    match candidates.as_slice() {
        [one] => Candidates::One(
            one["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            one,
        ),
        [] => Candidates::None,
        many => Candidates::Many(
            many.iter()
                .filter_map(|v| v["metadata"]["namespace"].as_str().map(str::to_string))
                .collect(),
        ),
    }
}

/// The Certificates in `namespace` whose `spec.secretName` is `name`.
pub fn owners_of<'a>(
    certificates: &'a [Certificate],
    namespace: &str,
    name: &str,
) -> Vec<&'a Certificate> {
    certificates
        .iter()
        .filter(|c| {
            c.metadata.namespace.as_deref() == Some(namespace) && c.spec.secret_name == name
        })
        .collect()
}

/// The inspection of a Secret that does not exist: one `SECRET_NOT_FOUND`, whose remedy
/// depends on whether a Certificate expects it.
pub fn not_found(subject: &Subject, owners: &[&Certificate]) -> Inspection {
    let (name, namespace) = (&subject.name, subject.namespace.as_deref().unwrap_or(""));
    Inspection {
        source: subject.to_string(),
        secret: None,
        certificates: vec![],
        ca_certificates: vec![],
        private_key: None,
        findings: vec![
            Finding::new(Code::SecretNotFound, Severity::Error, subject.clone(), "the Secret does not exist", if owners.is_empty() {
                "Check the name and namespace (`kubectl get secrets -n NS`)."
            } else {
                "cert-manager creates it after the first successful issuance: find where issuance is stuck with `certdoctor status NAME`."
            })
            .reproduce(format!("kubectl get secret {name} -n {namespace}")),
        ],
    }
}

/// A Secret data value's bytes, or why it is not base64.
fn decode(v: &Value) -> Result<Vec<u8>, String> {
    let s = v.as_str().ok_or("not a string")?;
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .map_err(|e| format!("not valid base64 ({e})"))
}

/// Decodes and checks a Secret (`v`, as listed) whose owners are `owners`: its type, every
/// data value's base64, `tls.crt` with `tls.key`, `ca.crt` as a CA bundle, and the leaf
/// against the owning Certificate. Data values are decoded only to be checked; the result
/// holds their sizes, never their bytes.
pub fn inspect_secret(
    subject: &Subject,
    v: &Value,
    owners: &[&Certificate],
    opts: CheckOptions,
) -> Inspection {
    let mut findings = Vec::new();
    let type_ = v["type"].as_str().unwrap_or("Opaque").to_string();
    let annotations: BTreeMap<String, String> = v["metadata"]["annotations"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| {
                    k.starts_with("cert-manager.io/") || k.as_str() == REMOVED_KEYS_ANNOTATION
                })
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let removed_by_dump = removed_keys(&annotations);
    if type_ != "kubernetes.io/tls" {
        findings.push(
            Finding::new(Code::SecretWrongType, Severity::Error, subject.clone(), format!("the Secret has type {type_:?}, not kubernetes.io/tls"), "Ingress controllers and cert-manager expect a kubernetes.io/tls Secret. Delete it and let cert-manager re-create it (`kubectl delete secret …`, then `certdoctor renew NAME`).")
                .reproduce(format!("kubectl get secret {} -n {} -o jsonpath='{{.type}}'", subject.name, subject.namespace.as_deref().unwrap_or(""))),
        );
    }
    let mut data: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    if let Some(m) = v["data"].as_object() {
        for (k, val) in m {
            match decode(val) {
                Ok(bytes) => {
                    data.insert(k.clone(), bytes);
                }
                Err(e) => findings.push(
                    Finding::new(Code::PemInvalid, Severity::Error, subject.part(k), format!("{k} is {e}"), "The Secret's data is corrupt; delete the key or the Secret and re-issue with `certdoctor renew`."),
                ),
            }
        }
    }
    let keys: BTreeMap<String, usize> = data.iter().map(|(k, v)| (k.clone(), v.len())).collect();
    let key_removed = removed_by_dump.iter().any(|k| k == "tls.key");
    let pair = check_tls_pair(
        subject,
        data.get("tls.crt").map(Vec::as_slice),
        data.get("tls.key").map(Vec::as_slice),
        key_removed,
        opts,
    );
    findings.extend(pair.findings);
    let (certificates, private_key) = (pair.certificates, pair.private_key);
    let mut ca_certificates = Vec::new();
    if let Some(ca) = data.get("ca.crt").filter(|b| !b.is_empty()) {
        let ca_subject = subject.part("ca.crt");
        let (blocks, f) = read_blocks(ca, &ca_subject);
        findings.extend(f);
        let (certs, _, _) = split_blocks(blocks);
        let ca_opts = CheckOptions {
            purpose: Purpose::CaBundle,
            ..opts
        };
        let (details, _, f) = check_material(&certs, None, &ca_subject, ca_opts);
        findings.extend(f);
        ca_certificates = details;
    }
    spec_checks(
        subject,
        certificates.first(),
        &annotations,
        owners,
        &mut findings,
    );
    sort_findings(&mut findings);
    let mut annotations = annotations;
    annotations.remove(REMOVED_KEYS_ANNOTATION);
    Inspection {
        source: subject.to_string(),
        secret: Some(SecretFacts {
            type_,
            keys,
            annotations,
            owners: owners
                .iter()
                .filter_map(|c| c.metadata.name.clone())
                .collect(),
            removed_by_dump,
        }),
        certificates: InspectedCert::all_at(certificates, opts.now),
        ca_certificates: InspectedCert::all_at(ca_certificates, opts.now),
        private_key,
        findings,
    }
}

/// Checks a cert-manager-managed Secret's leaf against the Certificate(s) that own it.
pub fn spec_checks(
    subject: &Subject,
    leaf: Option<&CertFacts>,
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
    leaf: &CertFacts,
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
