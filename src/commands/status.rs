//! `certdoctor status [NAME]`: the table of every certificate in scope, or one certificate's
//! whole chain with a verdict, led by the diagnosis's headline, fix and check when it has a
//! root cause (from cluster state only: `status` never probes). Exit 0 when every
//! certificate shown is Ready, 1 otherwise.

use std::io::Write;

use crate::cluster;
use crate::config::{Config, Output};
use crate::diagnose::{CertificateDiagnosis, tree};
use crate::error::{CliError, CliResult, EXIT_OK, EXIT_UNHEALTHY};
use crate::model::chain::ChainIndex;
use crate::model::observation::Observations;
use crate::model::snapshot::{EVENTS, KINDS, Scope, Snapshot, SnapshotBuilder};
use crate::render::{self, Paint, status::Width};
use crate::report::{self, StatusReport};

/// Runs `status`, writing the report to `out` and warnings to `err`.
pub async fn run(
    config: &Config,
    name: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    // The table shows no Events: they are neither listed nor kept.
    let events = name.is_some();
    let no_events: Vec<_> = KINDS.into_iter().filter(|k| *k != EVENTS).collect();
    let options = cluster::ReadOptions {
        kinds: if events { &KINDS } else { &no_events },
        sequential: false,
    };
    let (builder, loaded) = cluster::load_into(&config.target, options, |scope| {
        SnapshotBuilder::new(scope, events)
    })
    .await?;
    let snapshot = builder.finish();
    super::warn_about(&snapshot, err);
    show(
        config,
        name,
        &snapshot,
        &loaded.scope,
        &loaded.scope_label,
        out,
        err,
    )
}

/// Prints the table (or `name`'s chain) of one snapshot and returns the exit code; what
/// `status` prints once and `status --watch` prints after every change.
pub fn show(
    config: &Config,
    name: Option<&str>,
    snapshot: &Snapshot,
    scope: &Scope,
    scope_label: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    let paint = Paint {
        enabled: config.color,
    };

    let (report, diagnosis) = match name {
        Some(name) => {
            let cert = super::find_certificate(snapshot, scope, scope_label, name)?;
            let index = ChainIndex::new(snapshot);
            let machine = tree::machine(snapshot, config.now, false);
            let diagnosis = tree::diagnose(
                &index,
                &index.chain(cert),
                snapshot,
                &Observations::default(),
                &machine.control_plane,
                config.now,
            );
            (
                report::status_report(snapshot, Some(&cert.metadata), config.now),
                Some(diagnosis),
            )
        }
        None => {
            let mut r = report::status_report(snapshot, None, config.now);
            if scope.selector.is_none() {
                r.origins = crate::diagnose::tree::origin::origin_problems(snapshot)
                    .iter()
                    .map(report::OriginWithoutCertificate::of)
                    .collect();
            }
            (r, None)
        }
    };
    print(
        config,
        diagnosis.as_ref(),
        &scope.namespace,
        scope_label,
        &report,
        out,
        err,
        paint,
    )?;
    Ok(
        if report.certificates.iter().all(|c| c.ready) && report.origins.is_empty() {
            EXIT_OK
        } else {
            EXIT_UNHEALTHY
        },
    )
}

/// `diagnosis` is there for `status NAME`.
#[allow(clippy::too_many_arguments)]
fn print(
    config: &Config,
    diagnosis: Option<&CertificateDiagnosis>,
    namespace: &Option<String>,
    scope_label: &str,
    report: &StatusReport,
    out: &mut dyn Write,
    err: &mut dyn Write,
    paint: Paint,
) -> Result<(), CliError> {
    match (config.output, diagnosis) {
        (Output::Json, _) => render::json(out, report)?,
        (Output::Yaml, _) => render::yaml(out, report)?,
        (Output::Markdown, Some(d)) => {
            render::markdown::status_detail(out, &report.certificates[0], Some(d), config.now)?;
        }
        (Output::Text | Output::Wide, Some(d)) => {
            if !d.healthy {
                render::diagnose::lead(out, d, config.width, paint)?;
                writeln!(out)?;
            }
            render::status::detail(out, &report.certificates[0], config.now, paint)?;
        }
        _ if report.certificates.is_empty() && report.origins.is_empty() => {
            writeln!(err, "No certificates found in {scope_label}.")?;
        }
        (Output::Markdown, None) => render::markdown::status_table(out, report, config.now)?,
        (Output::Text | Output::Wide, None) => {
            let width = if config.output == Output::Wide {
                Width::Wide
            } else {
                Width::Normal
            };
            render::status::table(out, report, namespace.is_none(), width, config.now, paint)?;
        }
    }
    Ok(())
}
