//! `certdoctor status [NAME]`: the table of every certificate in scope, or one certificate's
//! whole chain with a verdict. Exit 0 when every certificate shown is Ready, 1 otherwise.

use std::io::Write;

use crate::cluster;
use crate::config::{Config, Output};
use crate::error::{CliError, CliResult, EXIT_OK, EXIT_UNHEALTHY};
use crate::model::snapshot::Snapshot;
use crate::render::{self, Paint, status::Width};
use crate::report::{self, StatusReport};

/// Runs `status`, writing the report to `out` and warnings to `err`.
pub async fn run(
    config: &Config,
    name: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    let loaded = cluster::load(&config.target).await?;
    let snapshot = Snapshot::from_raw(loaded.raw, &loaded.scope);
    super::warn_about(&snapshot, err);
    let paint = Paint {
        enabled: config.color,
    };

    let report = match name {
        Some(name) => {
            let cert =
                super::find_certificate(&snapshot, &loaded.scope, &loaded.scope_label, name)?;
            report::status_report(&snapshot, Some(&cert.metadata), config.now)
        }
        None => {
            let mut r = report::status_report(&snapshot, None, config.now);
            if loaded.scope.selector.is_none() {
                r.origins = crate::diagnose::tree::origin::origin_problems(&snapshot)
                    .iter()
                    .map(report::OriginWithoutCertificate::of)
                    .collect();
            }
            r
        }
    };
    print(
        config,
        name.is_some(),
        &loaded.scope.namespace,
        &loaded.scope_label,
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

#[allow(clippy::too_many_arguments)]
fn print(
    config: &Config,
    single: bool,
    namespace: &Option<String>,
    scope_label: &str,
    report: &StatusReport,
    out: &mut dyn Write,
    err: &mut dyn Write,
    paint: Paint,
) -> Result<(), CliError> {
    match config.output {
        Output::Json => render::json(out, report)?,
        Output::Yaml => render::yaml(out, report)?,
        Output::Text | Output::Wide if single => {
            render::status::detail(out, &report.certificates[0], config.now, paint)?;
        }
        Output::Text | Output::Wide => {
            if report.certificates.is_empty() && report.origins.is_empty() {
                writeln!(err, "No certificates found in {scope_label}.")?;
            } else {
                let width = if config.output == Output::Wide {
                    Width::Wide
                } else {
                    Width::Normal
                };
                render::status::table(out, report, namespace.is_none(), width, config.now, paint)?;
            }
        }
    }
    Ok(())
}
