//! `certdoctor inspect secret NAME` and `inspect file PATH…`: read the input, let
//! [`crate::pki`] decode, describe and check it, print the report. Exit 0 when every check
//! passes, 1 when one finds an error or a warning, 2 when the input cannot be read.

use std::io::{Read, Write};

use jiff::SignedDuration;
use serde_json::Value;

use crate::cluster::{self, load};
use crate::config::{Config, Output};
use crate::error::{CliError, CliResult, EXIT_OK, EXIT_UNHEALTHY};
use crate::findings::{Finding, Subject};
use crate::model::snapshot::{SECRETS, Snapshot};
use crate::pki::secret::{self, Candidates};
use crate::pki::{self, CheckOptions, Inspection, MAX_INPUT_BYTES, Purpose};
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
