//! `certdoctor check api [--wait D]`: run the three steps of [`cluster::api::check_api`]
//! until they all pass or `--wait` runs out (once with `--wait 0s`), then print the last
//! attempt: exit 0 ready, 1 not ready with the reason, 2 when not allowed to check.

use std::io::Write;
use std::time::Instant;

use crate::cluster::{self, api};
use crate::config::{CheckApiOptions, Config, Output};
use crate::error::{CliError, CliResult, EXIT_OK, EXIT_UNHEALTHY};
use crate::model::api_check;
use crate::render::{self, Paint};
use crate::report::check::ApiCheckReport;
use crate::sanitize::clean;

/// Runs `check api`.
pub async fn run(
    config: &Config,
    opts: &CheckApiOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    let (conn, scope) = cluster::connect_scoped(&config.target).await?;
    let namespace = scope
        .namespace
        .unwrap_or_else(|| conn.default_namespace.clone());
    let start = Instant::now();
    let mut attempts = 0;
    let mut said = String::new();
    let report = loop {
        attempts += 1;
        let report = ApiCheckReport::new(
            namespace.clone(),
            attempts,
            api::check_api(&conn, &namespace).await,
        );
        let elapsed = start.elapsed();
        let stop = report.ready
            || report.reason.is_some_and(api_check::Reason::is_final)
            || elapsed >= opts.wait;
        if stop {
            break report;
        }
        let detail = report
            .failed()
            .map(|c| clean(&c.detail))
            .unwrap_or_default();
        if detail != said {
            writeln!(
                err,
                "certdoctor: not ready yet: {detail}; checking again every {}s for up to {}s",
                opts.interval.as_secs_f64(),
                opts.wait.as_secs_f64()
            )?;
            said = detail;
        }
        tokio::time::sleep(opts.interval.min(opts.wait - elapsed)).await;
    };
    match config.output {
        Output::Json => render::json(out, &report)?,
        Output::Yaml => render::yaml(out, &report)?,
        Output::Text | Output::Wide | Output::Markdown => render::check::text(
            out,
            &report,
            Paint {
                enabled: config.color,
            },
        )?,
    }
    let Some(failed) = report.failed() else {
        return Ok(EXIT_OK);
    };
    let reason = failed.reason.unwrap_or(api_check::Reason::Other);
    let hint = api_check::hint(reason, &namespace);
    if reason.is_final() {
        return Err(CliError::new(clean(&failed.detail)).hint(hint));
    }
    writeln!(err, "hint: {hint}")?;
    Ok(EXIT_UNHEALTHY)
}
