//! `certdoctor inspect secret NAME` and `inspect file PATH…`: read the input, let
//! [`crate::pki`] decode, describe and check it, print the report. Exit 0 when every check
//! passes, 1 when one finds an error or a warning, 2 when the input cannot be read.

use std::io::{Read, Write};

use jiff::SignedDuration;
use serde_json::Value;

use crate::cluster::{self, load};
use crate::config::{Config, Output, UrlInput};
use crate::diagnose::network::{ServedTarget, served_findings};
use crate::error::{CliError, CliResult, EXIT_OK, EXIT_UNHEALTHY};
use crate::findings::{Finding, Subject};
use crate::model::snapshot::{SECRETS, Snapshot};
use crate::pki::secret::{self, Candidates};
use crate::pki::{self, Block, CheckOptions, InspectedCert, Inspection, MAX_INPUT_BYTES, Purpose};
use crate::probe;
use crate::render::{self, Paint};
use crate::report::InspectReport;

fn options(config: &Config, warn_within: Option<SignedDuration>) -> CheckOptions {
    CheckOptions {
        now: config.now,
        purpose: Purpose::TlsCrt,
        warn_within,
    }
}

/// Reads a file (`-` = stdin), at most [`MAX_INPUT_BYTES`].
fn read_input(path: &str) -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    let limit = MAX_INPUT_BYTES as u64 + 1;
    let res = if path == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    res.map_err(|e| CliError::new(format!("cannot read {path}: {e}")).hint("check the path"))?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(CliError::new(format!(
            "{path} is larger than {} MiB; it is not a certificate bundle",
            MAX_INPUT_BYTES >> 20
        ))
        .hint("pass the PEM file itself"));
    }
    Ok(bytes)
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
        inputs.push(pki::inspect_bytes(path, &read_input(path)?, opts));
    }
    finish(config, inputs, out)
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
    let (namespace, found) = find_secret(&loaded, name).await?;
    let snapshot = Snapshot::from_raw(loaded.raw, &loaded.scope);
    super::warn_about(&snapshot, err);
    let subject = Subject::new("Secret", Some(&namespace), name);
    let owners = secret::owners_of(&snapshot.certificates, &namespace, name);
    let inspection = match found {
        None => secret::not_found(&subject, &owners),
        Some(v) => secret::inspect_secret(&subject, &v, &owners, opts),
    };
    finish(config, vec![inspection], out)
}

/// The certificate chain of Secret `name` (DER, leaf first) and its `namespace/name`.
async fn secret_chain(config: &Config, name: &str) -> Result<(String, Vec<Vec<u8>>), CliError> {
    let loaded = cluster::load(&config.target).await?;
    let (namespace, found) = find_secret(&loaded, name).await?;
    let who = format!("{namespace}/{name}");
    let Some(v) = found else {
        return Err(CliError::new(format!("secret {who} not found"))
            .hint("list them with `kubectl get secrets -n NAMESPACE`"));
    };
    let crt = v
        .pointer("/data/tls.crt")
        .and_then(Value::as_str)
        .and_then(|b| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.decode(b).ok()
        })
        .unwrap_or_default();
    let (blocks, _) = pki::read_blocks(&crt, &Subject::new("Secret", Some(&namespace), name));
    let ders: Vec<Vec<u8>> = pki::split_blocks(blocks)
        .0
        .into_iter()
        .map(|b| b.der)
        .collect();
    if ders.is_empty() {
        return Err(
            CliError::new(format!("secret {who} holds no certificate in tls.crt")).hint(format!(
                "see what it holds with `certdoctor inspect secret {name}`"
            )),
        );
    }
    Ok((who, ders))
}

/// Inspects what TLS servers present (`inspect url`): one input per address that answered;
/// an address that did not answer is a finding, a server with no answer at all an error.
pub async fn run_urls(
    config: &Config,
    u: &UrlInput,
    warn_within: Option<SignedDuration>,
    out: &mut dyn Write,
) -> CliResult {
    let opts = CheckOptions {
        purpose: Purpose::IssuedTlsCrt,
        ..options(config, warn_within)
    };
    let secret = match &u.secret {
        Some(name) => Some(secret_chain(config, name).await?),
        None => None,
    };
    let mut inputs = Vec::new();
    for (host, port) in &u.targets {
        let seen = probe::presented(host, *port, &u.probes).await;
        if !seen.handshakes.iter().any(|h| h.result.is_ok()) {
            let why = match (&seen.resolved, seen.handshakes.first()) {
                (Err(e), _) => format!("{host} does not resolve ({e})"),
                (_, Some(h)) => format!(
                    "no TLS answer from {host}:{port} at {} ({})",
                    h.address,
                    h.result.as_ref().err().map_or("", String::as_str)
                ),
                (Ok(_), None) => format!("{host} has no A or AAAA record"),
            };
            return Err(CliError::new(why).hint(
                "check the name and port, or connect elsewhere with --connect-to HOST:PORT:ADDR:PORT",
            ));
        }
        for h in &seen.handshakes {
            let subject = Subject::new("URL", None, &format!("{host}:{port} at {}", h.address));
            let target = ServedTarget {
                subject: subject.clone(),
                host: host.clone(),
                port: *port,
                expected: secret.as_ref().map(|(_, c)| c.clone()),
                secret: secret.as_ref().map_or(String::new(), |(w, _)| w.clone()),
                ready: true,
                judges_validity: false,
            };
            let one = crate::model::observation::TlsObservation {
                resolved: Ok(vec![]),
                connect_to: Some(h.address.clone()),
                handshakes: vec![h.clone()],
            };
            let mut findings = served_findings(&target, &one, Default::default(), config.now);
            let mut certificates = vec![];
            if let Ok(chain) = &h.result {
                let blocks: Vec<Block> = chain
                    .iter()
                    .enumerate()
                    .map(|(i, der)| Block {
                        index: i + 1,
                        label: "CERTIFICATE".into(),
                        der: der.clone(),
                    })
                    .collect();
                let (facts, _, more) = pki::check_material(&blocks, None, &subject, opts);
                findings.extend(more);
                certificates = InspectedCert::all_at(facts, config.now);
            }
            pki::sort_findings(&mut findings);
            inputs.push(Inspection {
                source: format!("https://{host}:{port} ({})", h.address),
                secret: None,
                certificates,
                ca_certificates: vec![],
                private_key: None,
                findings,
            });
        }
    }
    finish(config, inputs, out)
}

/// The Secret named `name` and its namespace: from the listing when it holds it, else by a
/// live GET when a namespace is known.
async fn find_secret(
    loaded: &cluster::Loaded,
    name: &str,
) -> Result<(String, Option<Value>), CliError> {
    let ns = loaded.scope.namespace.as_deref();
    match secret::find_secret(&loaded.raw.objects, ns, name) {
        Candidates::One(ns, v) => return Ok((ns, Some(v.clone()))),
        Candidates::None => {}
        Candidates::Many(nss) => {
            return Err(CliError::new(format!(
                "secret {name} exists in more than one namespace ({})",
                nss.join(", ")
            ))
            .hint("choose one with -n NAMESPACE"));
        }
    }
    match (&loaded.conn, ns) {
        (Some(conn), Some(ns)) => Ok((
            ns.to_string(),
            load::get_one(conn, &SECRETS, ns, name).await?,
        )),
        (_, ns) => Ok((ns.unwrap_or("<any namespace>").to_string(), None)),
    }
}

fn finish(config: &Config, inputs: Vec<Inspection>, out: &mut dyn Write) -> CliResult {
    let report = InspectReport {
        schema_version: crate::report::SCHEMA_VERSION,
        kind: "InspectReport",
        inputs,
    };
    let paint = Paint {
        enabled: config.color,
    };
    match config.output {
        Output::Json => render::json(out, &report)?,
        Output::Yaml => render::yaml(out, &report)?,
        // `-o markdown` is refused for inspect by `cli::convert`.
        Output::Text | Output::Wide | Output::Markdown => {
            render::inspect::text(out, &report.inputs, paint)?
        }
    }
    let failed = report
        .inputs
        .iter()
        .any(|i| i.findings.iter().any(Finding::fails));
    Ok(if failed { EXIT_UNHEALTHY } else { EXIT_OK })
}
