//! `certdoctor renew`: select the certificates, ask before renewing many across all
//! namespaces, trigger them (and with `--wait`, follow them) through [`crate::renew`],
//! print one row per certificate, and exit 1 when any failed or timed out.

use std::io::{IsTerminal, Write};

use serde::Serialize;

use crate::cluster::{self, load};
use crate::config::{Config, Output};
use crate::error::{CliError, CliResult, EXIT_OK, EXIT_UNHEALTHY};
use crate::render::{self, Paint};
use crate::renew::{self, RenewOptions, Renewal};

/// One certificate's outcome.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenewResult {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// `renewed`, `wouldRenew` (dry run), `skipped`, `failed`, and after `--wait`:
    /// `issued` or `timedOut`.
    pub result: String,
    /// Why, in words (backoff bypassed, skip reason, failure, stage when stuck).
    pub detail: Option<String>,
    /// Revision before the trigger.
    pub previous_revision: Option<i64>,
    /// Revision after `--wait` succeeded.
    pub revision: Option<i64>,
}

impl RenewResult {
    fn failed(&self) -> bool {
        matches!(self.result.as_str(), "failed" | "timedOut")
    }
}

impl From<Renewal> for RenewResult {
    fn from(r: Renewal) -> Self {
        RenewResult {
            namespace: r.namespace,
            name: r.name,
            result: r.state.as_str().to_string(),
            detail: r.detail,
            previous_revision: r.previous_revision,
            revision: r.revision,
        }
    }
}

/// `renew -o json|yaml` document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenewReport {
    /// Always `certdoctor/v1`.
    pub schema_version: &'static str,
    /// Always `RenewReport`.
    pub kind: &'static str,
    /// `none`, `client` or `server`.
    pub dry_run: &'static str,
    /// Per certificate, sorted by namespace and name.
    pub results: Vec<RenewResult>,
}

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

    let report = RenewReport {
        schema_version: crate::report::SCHEMA_VERSION,
        kind: "RenewReport",
        dry_run: opts.dry_run.map_or("none", renew::DryRun::as_str),
        results: results.into_iter().map(RenewResult::from).collect(),
    };
    match config.output {
        Output::Json => render::json(out, &report)?,
        Output::Yaml => render::yaml(out, &report)?,
        Output::Text | Output::Wide => render::renew::text(
            out,
            &report,
            scope.namespace.is_none(),
            Paint {
                enabled: config.color,
            },
        )?,
    }
    Ok(if report.results.iter().any(RenewResult::failed) {
        EXIT_UNHEALTHY
    } else {
        EXIT_OK
    })
}
