//! `certdoctor approve|deny NAME…`: for each CertificateRequest, read it, refuse it when
//! already decided, otherwise set the Approved/Denied condition cmctl writes and PUT the
//! status with the resourceVersion (re-reading and deciding again on 409); print one line
//! per request and exit with the worst outcome.

use std::io::Write;

use serde_json::Value;

use crate::cluster::{self, api};
use crate::config::{Config, DecideOptions, DryRun, Output};
use crate::error::CliResult;
use crate::model::approval::{self, Verdict};
use crate::model::snapshot::CERTIFICATE_REQUESTS;
use crate::render::{self, Paint};
use crate::report::decide::{DecideReport, DecideResult, DecideState};

/// Runs `approve` or `deny`.
pub async fn run(
    config: &Config,
    opts: &DecideOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    let (conn, scope) = cluster::connect_scoped(&config.target).await?;
    let namespace = scope
        .namespace
        .unwrap_or_else(|| conn.default_namespace.clone());
    let mode = match opts.dry_run {
        None => api::WriteMode::Write,
        Some(DryRun::Client) => api::WriteMode::DryRunClient,
        Some(DryRun::Server) => api::WriteMode::DryRunServer,
    };
    let cond = approval::condition(opts.verdict, &opts.reason, &opts.message, config.now);
    let mut results = Vec::with_capacity(opts.names.len());
    for name in &opts.names {
        let mut signer = String::new();
        let update =
            api::update_status(&conn, &CERTIFICATE_REQUESTS, &namespace, name, mode, |cr| {
                signer = approval::signer_name(cr);
                if approval::decided(cr).is_some() {
                    return false;
                }
                approval::set_condition(cr, cond.clone());
                true
            })
            .await;
        let (result, condition, detail) = match update {
            api::StatusUpdate::Written(_) if mode == api::WriteMode::Write => {
                (DecideState::Written, Some(cond.clone()), None)
            }
            api::StatusUpdate::Written(_) => (DecideState::WouldWrite, Some(cond.clone()), None),
            api::StatusUpdate::Declined(cr) => refused(&cr),
            api::StatusUpdate::NotFound => (DecideState::NotFound, None, None),
            api::StatusUpdate::Forbidden(m) => (DecideState::Forbidden, None, Some(m)),
            api::StatusUpdate::Failed(m) => (DecideState::Failed, None, Some(m)),
            api::StatusUpdate::ReadFailed(e) => return Err(e),
        };
        results.push(DecideResult {
            namespace: namespace.clone(),
            name: name.clone(),
            result,
            condition,
            signer_name: signer,
            detail,
        });
    }
    let report = DecideReport::new(opts.verdict, opts.dry_run.into(), results);
    match config.output {
        Output::Json => render::json(out, &report)?,
        Output::Yaml => render::yaml(out, &report)?,
        Output::Text | Output::Wide | Output::Markdown => render::decide::text(
            out,
            err,
            &report,
            Paint {
                enabled: config.color,
            },
        )?,
    }
    if !config.output.is_text() {
        for r in report.results.iter().filter(|r| r.result.exit_code() != 0) {
            let (line, hint) = render::decide::problem(report.verdict, r);
            writeln!(err, "certdoctor: error: {line}\nhint: {hint}")?;
        }
    }
    Ok(report.exit_code())
}

/// The refusal for a request that already carries a decision, with that condition.
fn refused(cr: &Value) -> (DecideState, Option<Value>, Option<String>) {
    match approval::decided(cr) {
        Some((Verdict::Approve, c)) => (DecideState::AlreadyApproved, Some(c), None),
        Some((Verdict::Deny, c)) => (DecideState::AlreadyDenied, Some(c), None),
        None => (DecideState::Failed, None, Some("declined".into())),
    }
}
