//! `certdoctor renew`: select the certificates, ask before renewing many across all
//! namespaces, trigger them (and with `--wait`, follow them) through [`crate::renew`],
//! print one row per certificate, and exit 1 when any failed or timed out.

use std::io::{IsTerminal, Write};

use crate::cluster::{self, load};
use crate::config::{Config, Output};
use crate::error::{CliError, CliResult, EXIT_OK, EXIT_UNHEALTHY};
use crate::render::{self, Paint};
use crate::renew::{self, RenewOptions};
use crate::report::RenewReport;

fn confirm(count: usize, err: &mut dyn Write) -> Result<(), CliError> {
    let tty = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !tty {
        return Err(CliError::new(format!(
            "refusing to renew {count} certificates across all namespaces without confirmation"
        ))
        .hint("pass --yes to confirm, or narrow the selection with -n or -l"));
    }
    write!(
        err,
        "Renew {count} certificates across all namespaces? [y/N] "
    )?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(CliError::new("renewal cancelled; nothing was changed"))
    }
}

/// Runs `renew`.
pub async fn run(
    config: &Config,
    opts: &RenewOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    let (conn, scope) = cluster::connect_scoped(&config.target).await?;
    let listed = load::list_certificates(&conn, &scope).await?;
    let selected = renew::select(listed, opts, &scope)?;
    if selected.is_empty() {
        writeln!(err, "No certificates matched; nothing to renew.")?;
        return Ok(EXIT_OK);
    }
    if renew::needs_confirmation(selected.len(), opts, &scope) {
        confirm(selected.len(), err)?;
    }
    let mut results = renew::fleet(&conn, selected, opts, config.now).await?;
    if let Some(timeout) = opts.wait
        && opts.dry_run.is_none()
    {
        renew::wait(&conn, &scope, &mut results, timeout, opts.poll, config.now).await?;
    }

    let report = RenewReport::new(opts.dry_run, results);
    match config.output {
        Output::Json => render::json(out, &report)?,
        Output::Yaml => render::yaml(out, &report)?,
        // `-o markdown` is refused for renew by `cli::convert`.
        Output::Text | Output::Wide | Output::Markdown => render::renew::text(
            out,
            &report,
            scope.namespace.is_none(),
            Paint {
                enabled: config.color,
            },
        )?,
    }
    Ok(if report.any_failed() {
        EXIT_UNHEALTHY
    } else {
        EXIT_OK
    })
}
