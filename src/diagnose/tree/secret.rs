//! Secret level: the issued Secret is missing, or what it holds is wrong (the checks `inspect` runs, against this Certificate).

use jiff::Timestamp;

use super::{Walk, subject_of};
use crate::diagnose::Level;
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::chain::{Chain, SecretLink};
use crate::model::dump::removed_keys;
use crate::model::secret::{TLS_CRT, TLS_KEY, TlsSecret};
use crate::model::snapshot::Snapshot;
use crate::model::types::Certificate;
use crate::pki::{self, CheckOptions, Purpose};

/// The Secret step. `content` is [`content_findings`] when it was computed ahead (while the
/// probes ran); `None` computes it here.
pub(super) fn secret_checks(
    w: &mut Walk,
    chain: &Chain,
    snapshot: &Snapshot,
    now: Timestamp,
    content: Option<Vec<Finding>>,
) {
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.as_deref().unwrap_or("");
    let secret_name = &cert.spec.secret_name;
    match chain.secret {
        SecretLink::Unknown => {
            let step = w.step(
                "Secret",
                secret_name,
                "could not be read (see the warning on stderr)",
            );
            w.unknown(step);
        }
        SecretLink::Missing if snapshot.secret_of_other_type(ns, secret_name) => {
            // The TLS-only LIST cannot see it, but it exists: never "not found".
            let step = w.step(
                "Secret",
                secret_name,
                "present, not of type kubernetes.io/tls",
            );
            w.add(
                step,
                Level::Secret,
                Finding::new(
                    Code::SecretNotTlsType,
                    Severity::Info,
                    Subject::new("Secret", Some(ns), secret_name),
                    format!("Secret {secret_name} exists but is not of type kubernetes.io/tls; cert-manager keeps a pre-existing Secret's type"),
                    format!("certdoctor lists only the names of Secrets of other types, so it did not check its content: run `certdoctor inspect secret {secret_name} -n {ns}`. To make it a TLS Secret, delete it and let cert-manager re-create it (`certdoctor renew {} -n {ns}`).", cert.metadata.name.as_deref().unwrap_or("")),
                )
                .reproduce(format!("kubectl get secret {secret_name} -n {ns} -o jsonpath='{{.type}}'")),
            );
        }
        SecretLink::Missing => {
            let step = w.step("Secret", secret_name, "not found");
            if cert.status.as_ref().and_then(|s| s.revision).is_some() {
                w.add(
                    step,
                    Level::Secret,
                    Finding::new(Code::SecretNotFound, Severity::Error, Subject::new("Secret", Some(ns), secret_name), gone_message(snapshot), format!("cert-manager re-creates it on its next sync; `certdoctor renew {} -n {ns}` forces it.", cert.metadata.name.as_deref().unwrap_or("")))
                        .reproduce(format!("kubectl get secret {secret_name} -n {ns}")),
                );
            } else {
                w.unknown(step);
            }
        }
        SecretLink::Found(_) if chain.secret_owned_by_another() => {
            // It holds the owner's certificate: checking it against this spec would blame
            // the Secret for what SECRET_SHARED explains.
            let owner = chain
                .shared_secret
                .as_ref()
                .and_then(|s| s.owner.metadata.name.as_deref())
                .unwrap_or("");
            w.step(
                "Secret",
                secret_name,
                format!("present, written for Certificate {owner}"),
            );
        }
        SecretLink::Found(secret) => {
            let step = w.step("Secret", secret_name, "present");
            let content = content.unwrap_or_else(|| secret_findings(secret, cert, now));
            for f in content {
                let f = key_mismatch_in_context(f, chain);
                // The Certificate-level checks already cover expiry from status; every other
                // Secret finding stands, even when its code repeats.
                let expiry = matches!(f.code, Code::CertExpired | Code::CertExpiringSoon);
                if expiry && w.findings.iter().any(|g| g.code == f.code) {
                    continue;
                }
                w.add(step, Level::Secret, f);
            }
        }
    }
}

/// The checks of what a chain's Secret holds (certificates parsed, signatures verified, the
/// key matched, the leaf against the spec), when the walk will check it: the walk's
/// costliest step, and one that needs no network.
pub(super) fn content_findings(chain: &Chain, now: Timestamp) -> Option<Vec<Finding>> {
    let cert = chain.certificate;
    let SecretLink::Found(secret) = chain.secret else {
        return None;
    };
    (!chain.secret_owned_by_another()).then(|| secret_findings(secret, cert, now))
}

fn secret_findings(secret: &TlsSecret, cert: &Certificate, now: Timestamp) -> Vec<Finding> {
    let subject = subject_of("Secret", &secret.metadata);
    let annotations: std::collections::BTreeMap<String, String> = secret
        .metadata
        .annotations
        .clone()
        .unwrap_or_default()
        .into_iter()
        .collect();
    let key_removed = removed_keys(&annotations).iter().any(|k| k == "tls.key");
    let opts = CheckOptions {
        now,
        purpose: Purpose::IssuedTlsCrt,
        warn_within: None,
    };
    let (crt, key) = (secret.value(TLS_CRT), secret.value(TLS_KEY));
    let pair = pki::check_tls_pair(&subject, crt, key, key_removed, opts);
    let mut findings = pair.findings;
    let leaf = pair.certificates.into_iter().next();
    // Checked against this Certificate only: a second owner is reported once, as
    // SECRET_SHARED on the Certificate.
    let owners: Vec<&Certificate> = vec![cert];
    pki::spec_checks(
        &subject,
        leaf.as_ref(),
        &annotations,
        &owners,
        &mut findings,
    );
    findings
}

/// KEY_MISMATCH as the Certificate's conditions place it. cert-manager's readiness checks see
/// the same mismatch (`InvalidKeyPair`, "…a private key that does not match the
/// certificate") and re-issue within seconds: while it does (`Issuing=True`), a manual renew
/// adds nothing; a Certificate still Ready with the mismatch means the controller is not
/// processing it.
fn key_mismatch_in_context(f: Finding, chain: &Chain) -> Finding {
    if f.code != Code::KeyMismatch {
        return f;
    }
    let cert = chain.certificate;
    let (ns, name) = (
        cert.metadata.namespace.as_deref().unwrap_or(""),
        cert.metadata.name.as_deref().unwrap_or(""),
    );
    let mut f = f;
    if chain.is_issuing() {
        f.remedy = "cert-manager has seen the mismatch and is re-issuing (Issuing=True): the path below shows how far it got; nothing to trigger by hand.".into();
    } else if chain.is_ready() {
        f.remedy = format!(
            "cert-manager re-issues within seconds when the key does not match (Issuing=True, reason InvalidKeyPair); a Certificate still Ready with a mismatched key means its controller is not processing it. Check that the controller runs and watches namespace {ns}, then `certdoctor renew {name} -n {ns}`; if the Secret was edited by hand, restore it or delete it and let cert-manager re-create it."
        );
    }
    f
}

/// SECRET_NOT_FOUND's message: when the Secrets of other types could not be listed, the
/// Secret may exist with another type.
fn gone_message(snapshot: &Snapshot) -> &'static str {
    if snapshot.is_unreadable(&crate::model::snapshot::OTHER_SECRETS) {
        "the Secret was issued before but is gone (or is not of type kubernetes.io/tls)"
    } else {
        "the Secret was issued before but is gone"
    }
}
