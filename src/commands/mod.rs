//! One file per subcommand, each a short sentence: load the snapshot, build the report,
//! print it, choose the exit code. [`run`] picks the file for the validated
//! [`Config`]; nothing here knows the command line.

pub mod approve;
pub mod audit;
pub mod check;
pub mod diagnose;
pub mod dump;
pub mod explain;
pub mod fleet;
pub mod inspect;
pub mod renew;
pub mod status;
pub mod watch;

use std::io::Write;

use crate::config::{CommandConfig, Config, InspectInput};
use crate::error::{CliError, CliResult};
use crate::model::Certificate;
use crate::model::snapshot::{Scope, Snapshot, Unreadable};

/// Runs the command `config` holds, writing the report to `out` and warnings to `err`;
/// returns the exit code.
pub async fn run(config: &Config, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
    match &config.command {
        CommandConfig::Status { name, watch: true } => {
            watch::run(config, name.as_deref(), out, err).await
        }
        CommandConfig::Status { name, .. } if config.contexts.is_some() => {
            fleet::status(config, name.as_deref(), out, err).await
        }
        CommandConfig::Status { name, .. } => status::run(config, name.as_deref(), out, err).await,
        CommandConfig::Diagnose(opts) if config.contexts.is_some() => {
            fleet::diagnose(config, opts, out, err).await
        }
        CommandConfig::Diagnose(opts) => diagnose::run(config, opts, out, err).await,
        CommandConfig::Inspect(opts) => match &opts.input {
            InspectInput::Secret(name) => {
                inspect::run_secret(config, name, opts.warn_within, out, err).await
            }
            InspectInput::Files(paths) => inspect::run_files(config, paths, opts.warn_within, out),
            InspectInput::Urls(u) => inspect::run_urls(config, u, opts.warn_within, out).await,
        },
        CommandConfig::Renew(opts) => renew::run(config, opts, out, err).await,
        CommandConfig::Dump(opts) if config.contexts.is_some() => {
            fleet::dump(config, opts, out, err).await
        }
        CommandConfig::Dump(opts) => dump::run(config, opts, out, err).await,
        CommandConfig::Audit => audit::run(config, out, err).await,
        CommandConfig::Decide(opts) => approve::run(config, opts, out, err).await,
        CommandConfig::CheckApi(opts) => check::run(config, opts, out, err).await,
        CommandConfig::Explain(code) => explain::run(config, *code, out),
    }
}

/// One warning and hint per kind that could not be read; `consequence` says what that
/// means for this command.
pub fn warn_unreadable(unreadable: &[Unreadable], consequence: &str, err: &mut dyn Write) {
    for u in unreadable {
        let _ = writeln!(
            err,
            "certdoctor: warning: could not read {} ({}); {consequence}\nhint: check the permission with `{}`",
            u.resource,
            crate::sanitize::clean(&u.reason),
            u.check
        );
    }
}

/// The one Certificate called `name` in the loaded scope: an error naming the namespace
/// when there is none, and asking for `-n` when the scope holds several of that name.
pub fn find_certificate<'a>(
    snapshot: &'a Snapshot,
    scope: &Scope,
    scope_label: &str,
    name: &str,
) -> Result<&'a Certificate, CliError> {
    let matches: Vec<&Certificate> = snapshot
        .certificates
        .iter()
        .filter(|c| c.metadata.name.as_deref() == Some(name))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => {
            let what = match &scope.namespace {
                Some(ns) => format!("certificate {ns}/{name} not found"),
                None => format!("certificate {name} not found in {scope_label}"),
            };
            Err(CliError::new(what).hint(
                "list the certificates with `certdoctor status` (add -A for every namespace)",
            ))
        }
        many => {
            let nss: Vec<_> = many
                .iter()
                .filter_map(|c| c.metadata.namespace.clone())
                .collect();
            Err(CliError::new(format!(
                "certificate {name} exists in more than one namespace ({})",
                nss.join(", ")
            ))
            .hint("choose one with -n NAMESPACE"))
        }
    }
}

/// Tells the user on stderr what the snapshot is missing (unreadable kinds, malformed
/// objects), so a short table is never mistaken for the whole truth.
pub fn warn_about(snapshot: &Snapshot, err: &mut dyn Write) {
    warn_unreadable(&snapshot.unreadable, "going on without them", err);
    for n in &snapshot.notes {
        let _ = writeln!(
            err,
            "certdoctor: warning: {}",
            crate::sanitize::clean(&n.to_string())
        );
    }
}
