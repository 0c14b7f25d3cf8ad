//! `certdoctor renew`: force re-issuance by setting `Issuing=True` (reason
//! `ManuallyTriggered`) on each selected Certificate's status subresource — what cert-manager's
//! trigger controller and `cmctl renew` do — safely: with the resourceVersion, retrying on
//! conflict so a concurrent controller write is never lost, skipping certificates already
//! issuing, and optionally waiting for the new revision.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use futures::stream::{self, StreamExt};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

use crate::cli::{DryRunArg, RenewArgs};
use crate::cluster::client::Connection;
use crate::cluster::{self, load};
use crate::config::{Config, NamespaceChoice, Output, parse_duration};
use crate::error::{CliError, CliResult, EXIT_OK, EXIT_UNHEALTHY};
use crate::model::chain::ChainIndex;
use crate::model::snapshot::{CERTIFICATES, Scope, Snapshot};
use crate::model::stage;
use crate::render::{self, Paint};
use crate::renew::{Decision, decide, set_trigger};

/// Attempts per certificate when the API server answers 409 Conflict.
pub const MAX_ATTEMPTS: usize = 5;
/// More certificates than this across all namespaces need confirmation (or `--yes`).
pub const CONFIRM_ABOVE: usize = 20;
/// Writes in flight at once in a fleet run.
pub const CONCURRENCY: usize = 8;

/// Validated `renew` options.
#[derive(Debug, Clone)]
pub struct RenewOptions {
    names: Vec<String>,
    force: bool,
    dry_run: Option<DryRunArg>,
    wait: Option<Duration>,
    yes: bool,
    poll: Duration,
}

impl RenewOptions {
    /// Checks the selection rules: names, `--all` and `-l` exclude each other and one is
    /// required; `-A` needs `--all` or `-l`.
    pub fn from_args(args: &RenewArgs, config: &Config) -> Result<Self, CliError> {
        let by_names = !args.names.is_empty();
        let by_selector = config.selector.is_some();
        let ways = [by_names, args.all, by_selector]
            .iter()
            .filter(|b| **b)
            .count();
        if ways == 0 {
            return Err(CliError::new("renew needs to know which certificates: give NAMEs, --all, or -l SELECTOR")
                .hint("e.g. `certdoctor renew app-tls -n production`, or `certdoctor renew --all -n staging --dry-run`"));
        }
        if ways > 1 {
            return Err(CliError::new("NAMEs, --all and -l/--selector cannot be combined")
                .hint("choose one: names for specific certificates, --all for a namespace, -l for labels"));
        }
        if by_names && config.namespace == NamespaceChoice::All {
            return Err(CliError::new("-A cannot be used with certificate names")
                .hint("name the namespace with -n NS, or select across namespaces with -A --all or -A -l SELECTOR"));
        }
        let duration = |flag: &str, v: &str| {
            parse_duration(v).map_err(|e| CliError::new(format!("{flag}: {e}")))
        };
        Ok(RenewOptions {
            names: args.names.clone(),
            force: args.force,
            dry_run: args.dry_run,
            wait: if args.wait {
                Some(duration("--timeout", &args.timeout)?)
            } else {
                None
            },
            yes: args.yes,
            poll: duration("--poll-interval", &args.poll_interval)?.max(Duration::from_millis(100)),
        })
    }
}

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

fn ns_name(obj: &Value) -> (String, String) {
    let s = |p: &str| {
        obj.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    (s("/metadata/namespace"), s("/metadata/name"))
}

fn forbidden(ns: &str, message: &str) -> CliError {
    CliError::new(format!("not allowed to update certificates/status in namespace {ns}: {message}")).hint(format!(
        "renew needs the RBAC rule: verbs [update] on resource certificates/status in apiGroup cert-manager.io; check with `kubectl auth can-i update certificates.cert-manager.io --subresource=status -n {ns}`"
    ))
}

enum Outcome {
    Done(RenewResult),
    /// 403 on the write: namespace, name and the error naming the RBAC rule.
    Forbidden(String, String, CliError),
}

async fn renew_one(
    conn: &Connection,
    mut obj: Value,
    opts: &RenewOptions,
    now: Timestamp,
) -> Outcome {
    let (namespace, name) = ns_name(&obj);
    let previous_revision = obj.pointer("/status/revision").and_then(Value::as_i64);
    let result = |result: &str, detail: Option<String>| {
        Outcome::Done(RenewResult {
            namespace: namespace.clone(),
            name: name.clone(),
            result: result.into(),
            detail,
            previous_revision,
            revision: None,
        })
    };
    for attempt in 1..=MAX_ATTEMPTS {
        let bypassed = match decide(&obj, now, opts.force) {
            Decision::Skip { reason } => return result("skipped", Some(reason)),
            Decision::Renew { bypassed } => bypassed.map(|b| format!("bypassed backoff: {b}")),
        };
        if opts.dry_run == Some(DryRunArg::Client) {
            return result("wouldRenew", bypassed);
        }
        set_trigger(&mut obj, now);
        match load::put_status(
            conn,
            &CERTIFICATES,
            &obj,
            opts.dry_run == Some(DryRunArg::Server),
        )
        .await
        {
            Ok(_) => {
                let kind = if opts.dry_run.is_some() {
                    "wouldRenew"
                } else {
                    "renewed"
                };
                return result(kind, bypassed);
            }
            Err(load::WriteError::Conflict) if attempt < MAX_ATTEMPTS => {
                match load::get_one(conn, &CERTIFICATES, &namespace, &name).await {
                    Ok(Some(fresh)) => obj = fresh,
                    Ok(None) => {
                        return result("failed", Some("the certificate was deleted".into()));
                    }
                    Err(e) => {
                        return result(
                            "failed",
                            Some(format!("re-reading after a conflict: {}", e.message)),
                        );
                    }
                }
            }
            Err(load::WriteError::Conflict) => {
                return result(
                    "failed",
                    Some(format!(
                        "conflict: the certificate kept changing ({MAX_ATTEMPTS} attempts); run renew again"
                    )),
                );
            }
            Err(load::WriteError::NotFound) => {
                return result("failed", Some("the certificate no longer exists".into()));
            }
            Err(load::WriteError::Forbidden(m)) => {
                return Outcome::Forbidden(
                    namespace.clone(),
                    name.clone(),
                    forbidden(&namespace, &m),
                );
            }
            Err(load::WriteError::Other(m)) => return result("failed", Some(m)),
        }
    }
    unreachable!("the last attempt returns")
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
    args: &RenewArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    let opts = RenewOptions::from_args(args, config)?;
    let (conn, scope) = cluster::connect_scoped(config).await?;
    let mut selected = load::list_certificates(&conn, &scope).await?;
    if !opts.names.is_empty() {
        let ns = scope.namespace.clone().unwrap_or_default();
        for n in &opts.names {
            if !selected.iter().any(|o| ns_name(o).1 == *n) {
                return Err(
                    CliError::new(format!("certificate {ns}/{n} not found")).hint(format!(
                        "list them with `certdoctor status -n {ns}`; nothing was renewed"
                    )),
                );
            }
        }
        selected.retain(|o| opts.names.contains(&ns_name(o).1));
    }
    selected.sort_by_key(ns_name);
    if selected.is_empty() {
        writeln!(err, "No certificates matched; nothing to renew.")?;
        return Ok(EXIT_OK);
    }
    if scope.namespace.is_none()
        && selected.len() > CONFIRM_ABOVE
        && !opts.yes
        && opts.dry_run.is_none()
    {
        confirm(selected.len(), err)?;
    }

    let now = config.now;
    // The first write goes alone: when RBAC forbids it, nothing else is sent and the run
    // stops with the rule to add. A later 403 (RBAC differing per namespace) fails only
    // that certificate.
    let mut rest = selected.into_iter();
    let mut results = Vec::new();
    if let Some(first) = rest.next() {
        match renew_one(&conn, first, &opts, now).await {
            Outcome::Done(r) => results.push(r),
            Outcome::Forbidden(_, _, e) => return Err(e),
        }
    }
    let outcomes: Vec<Outcome> = stream::iter(rest.map(|obj| renew_one(&conn, obj, &opts, now)))
        .buffered(CONCURRENCY)
        .collect()
        .await;
    for o in outcomes {
        match o {
            Outcome::Done(r) => results.push(r),
            Outcome::Forbidden(namespace, name, e) => results.push(RenewResult {
                namespace,
                name,
                result: "failed".into(),
                detail: Some(format!("{}; {}", e.message, e.hint.unwrap_or_default())),
                previous_revision: None,
                revision: None,
            }),
        }
    }

    if let Some(timeout) = opts.wait
        && opts.dry_run.is_none()
    {
        wait(&conn, &scope, &mut results, timeout, opts.poll, now).await?;
    }

    let report = RenewReport {
        schema_version: crate::report::SCHEMA_VERSION,
        kind: "RenewReport",
        dry_run: match opts.dry_run {
            None => "none",
            Some(DryRunArg::Client) => "client",
            Some(DryRunArg::Server) => "server",
        },
        results,
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

/// Follows the renewed certificates until each is Ready with a new revision, fails, or the
/// timeout passes; stuck ones get the same stage text `status` shows.
async fn wait(
    conn: &Connection,
    scope: &Scope,
    results: &mut [RenewResult],
    timeout: Duration,
    poll: Duration,
    triggered_at: Timestamp,
) -> Result<(), CliError> {
    let progress = indicatif::ProgressBar::new_spinner();
    progress.enable_steady_tick(Duration::from_millis(120));
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let pending: Vec<usize> = (0..results.len())
            .filter(|i| results[*i].result == "renewed")
            .collect();
        if pending.is_empty() {
            break;
        }
        progress.set_message(format!(
            "waiting for {} certificate{} to be issued…",
            pending.len(),
            if pending.len() == 1 { "" } else { "s" }
        ));
        let raw = load::fetch(conn, scope).await?;
        let snapshot = Snapshot::from_raw(raw, scope);
        let index = ChainIndex::new(&snapshot);
        let now = Timestamp::now().max(triggered_at);
        let timed_out = tokio::time::Instant::now() >= deadline;
        for i in pending {
            let r = &mut results[i];
            let Some(cert) = snapshot.certificates.iter().find(|c| {
                c.metadata.namespace.as_deref() == Some(r.namespace.as_str())
                    && c.metadata.name.as_deref() == Some(r.name.as_str())
            }) else {
                r.result = "failed".into();
                r.detail = Some("the certificate was deleted while waiting".into());
                continue;
            };
            let chain = index.chain(cert);
            let st = cert.status.as_ref();
            let revision = st.and_then(|s| s.revision);
            let new_revision = revision.is_some_and(|v| Some(v) > r.previous_revision);
            if chain.is_ready() && new_revision && !chain.is_issuing() {
                r.result = "issued".into();
                r.revision = revision;
                r.detail = None;
                continue;
            }
            let failed_since = st
                .and_then(|s| s.last_failure_time.as_deref())
                .and_then(crate::timefmt::parse)
                .is_some_and(|t| {
                    t >= triggered_at
                        .checked_sub(jiff::SignedDuration::from_secs(1))
                        .unwrap_or(triggered_at)
                });
            let stage = stage::stage_of(&chain, now);
            let where_ = stage.describe();
            if failed_since && !chain.is_issuing() {
                r.result = "failed".into();
                r.detail = Some(format!("issuance failed: {where_}"));
            } else if timed_out {
                r.result = "timedOut".into();
                r.detail = Some(format!("not issued within the timeout: {where_}"));
            }
        }
        if tokio::time::Instant::now() >= deadline {
            // One last pass above already marked what is still pending.
            if results.iter().all(|r| r.result != "renewed") {
                break;
            }
            continue;
        }
        tokio::time::sleep(
            poll.min(deadline.saturating_duration_since(tokio::time::Instant::now())),
        )
        .await;
    }
    progress.finish_and_clear();
    Ok(())
}
