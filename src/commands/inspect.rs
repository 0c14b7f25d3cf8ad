//! `certdoctor inspect secret NAME` and `inspect file PATH…`: decode, describe and check
//! certificates and keys. Exit 0 when every check passes, 1 when one finds an error or a
//! warning, 2 when the input cannot be read.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use base64::Engine;
use jiff::SignedDuration;
use serde_json::Value;

use crate::cluster::{self, load};
use crate::config::{Config, Output};
use crate::error::{CliError, CliResult, EXIT_OK, EXIT_UNHEALTHY};
use crate::findings::{Code, Finding, Severity, Subject};
use crate::inspect::{
    self, CheckOptions, Inspection, Purpose, SecretFacts, read_blocks, split_blocks,
};
use crate::model::snapshot::{SECRETS, Snapshot};
use crate::render::{self, Paint};
use crate::report::InspectReport;

use crate::inspect::REMOVED_KEYS_ANNOTATION;

fn options(config: &Config, warn_within: Option<SignedDuration>) -> CheckOptions {
    CheckOptions {
        now: config.now,
        purpose: Purpose::TlsCrt,
        warn_within,
    }
}

/// Inspects files (`-` = stdin).
pub fn run_files(
    config: &Config,
    paths: &[String],
    warn_within: Option<SignedDuration>,
    out: &mut dyn Write,
) -> CliResult {
    let opts = options(config, warn_within);
    let mut inputs = Vec::new();
    for path in paths {
        let mut bytes = Vec::new();
        let limit = inspect::MAX_INPUT_BYTES as u64 + 1;
        let res = if path == "-" {
            std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
        } else {
            std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
        };
        res.map_err(|e| CliError::new(format!("cannot read {path}: {e}")).hint("check the path"))?;
        if bytes.len() > inspect::MAX_INPUT_BYTES {
            return Err(CliError::new(format!(
                "{path} is larger than {} MiB; it is not a certificate bundle",
                inspect::MAX_INPUT_BYTES >> 20
            ))
            .hint("pass the PEM file itself"));
        }
        inputs.push(inspect_bytes(path, &bytes, opts));
    }
    finish(
        config,
        InspectReport {
            schema_version: crate::report::SCHEMA_VERSION,
            kind: "InspectReport",
            inputs,
        },
        out,
    )
}

fn inspect_bytes(source: &str, bytes: &[u8], opts: CheckOptions) -> Inspection {
    let subject = Subject::file(source);
    let (blocks, mut findings) = read_blocks(bytes, &subject);
    let (certs, key, _) = split_blocks(blocks);
    let (certificates, private_key, more) =
        inspect::check_material(&certs, key.as_ref(), &subject, opts);
    findings.extend(more);
    inspect::sort_findings(&mut findings);
    Inspection {
        source: source.to_string(),
        secret: None,
        certificates,
        ca_certificates: vec![],
        private_key,
        findings,
    }
}

/// Inspects one Secret, live or from the dump.
pub async fn run_secret(
    config: &Config,
    name: &str,
    warn_within: Option<SignedDuration>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    let opts = options(config, warn_within);
    let loaded = cluster::load(&config.target).await?;
    let secret = find_secret(&loaded, name).await?;
    let snapshot = Snapshot::from_raw(loaded.raw, &loaded.scope);
    super::warn_about(&snapshot, err);
    let (namespace, secret) = match secret {
        Found::One(ns, v) => (ns, Some(v)),
        Found::None(ns) => (ns, None),
    };
    let subject = Subject::new("Secret", Some(&namespace), name);
    let owners: Vec<_> = snapshot
        .certificates
        .iter()
        .filter(|c| {
            c.metadata.namespace.as_deref() == Some(namespace.as_str())
                && c.spec.secret_name == name
        })
        .collect();
    let inspection = match secret {
        None => Inspection {
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
        },
        Some(v) => inspect_secret(&subject, &v, &owners, opts),
    };
    finish(
        config,
        InspectReport {
            schema_version: crate::report::SCHEMA_VERSION,
            kind: "InspectReport",
            inputs: vec![inspection],
        },
        out,
    )
}

enum Found {
    One(String, Value),
    None(String),
}

async fn find_secret(loaded: &cluster::Loaded, name: &str) -> Result<Found, CliError> {
    let ns = loaded.scope.namespace.as_deref();
    // A dump holds Secrets of every type; the live LIST only TLS ones.
    let all_secrets = loaded
        .raw
        .objects
        .iter()
        .filter(|v| v["kind"] == "Secret" && v["metadata"]["name"].as_str() == Some(name));
    let candidates: Vec<&Value> = all_secrets
        .filter(|v| ns.is_none_or(|ns| v["metadata"]["namespace"].as_str() == Some(ns)))
        .collect();
    match candidates.as_slice() {
        [one] => {
            let ns = one["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            return Ok(Found::One(ns, (*one).clone()));
        }
        [] => {}
        many => {
            let nss: Vec<&str> = many
                .iter()
                .filter_map(|v| v["metadata"]["namespace"].as_str())
                .collect();
            return Err(CliError::new(format!(
                "secret {name} exists in more than one namespace ({})",
                nss.join(", ")
            ))
            .hint("choose one with -n NAMESPACE"));
        }
    }
    match (&loaded.conn, ns) {
        (Some(conn), Some(ns)) => Ok(match load::get_one(conn, &SECRETS, ns, name).await? {
            Some(v) => Found::One(ns.to_string(), v),
            None => Found::None(ns.to_string()),
        }),
        (_, ns) => Ok(Found::None(ns.unwrap_or("<any namespace>").to_string())),
    }
}

fn decode(v: &Value) -> Result<Vec<u8>, String> {
    let s = v.as_str().ok_or("not a string")?;
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .map_err(|e| format!("not valid base64 ({e})"))
}

fn inspect_secret(
    subject: &Subject,
    v: &Value,
    owners: &[&crate::model::Certificate],
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
    let removed_by_dump = inspect::removed_keys(&annotations);
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
    let pair = inspect::check_tls_pair(
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
        let (details, _, f) = inspect::check_material(&certs, None, &ca_subject, ca_opts);
        findings.extend(f);
        ca_certificates = details;
    }
    inspect::spec_checks(
        subject,
        certificates.first(),
        &annotations,
        owners,
        &mut findings,
    );
    inspect::sort_findings(&mut findings);
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
        certificates,
        ca_certificates,
        private_key,
        findings,
    }
}

fn finish(config: &Config, report: InspectReport, out: &mut dyn Write) -> CliResult {
    let paint = Paint {
        enabled: config.color,
    };
    match config.output {
        Output::Json => render::json(out, &report)?,
        Output::Yaml => render::yaml(out, &report)?,
        Output::Text | Output::Wide => render::inspect::text(out, &report.inputs, paint)?,
    }
    let failed = report
        .inputs
        .iter()
        .any(|i| i.findings.iter().any(Finding::fails));
    Ok(if failed { EXIT_UNHEALTHY } else { EXIT_OK })
}
