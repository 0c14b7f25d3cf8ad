//! `status`, `diagnose` and `dump` over several kubeconfig contexts (`--all-contexts`,
//! `--context a,b,c`): read every context concurrently, each exactly as a one-cluster run
//! reads it, build the one-cluster report per context, and put them together — one table
//! with a CONTEXT column, findings grouped by context, one dump file per context. A context
//! that cannot be read is listed (`clusters`) and warned about, never the end of the run:
//! the exit code is the worst of the readable contexts, and 2 only when none could be read.

mod dump;

pub use dump::{dump, file_stem};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cluster::contexts::{self, ContextRead};
use crate::cluster::{Loaded, NamespaceChoice};
use crate::config::{Config, DiagnoseOptions, DumpOptions, Output};
use crate::error::{CliError, CliResult, EXIT_OK, EXIT_UNHEALTHY};
use crate::model::snapshot::{
    EVENTS, KINDS, KindInfo, Note, Snapshot, SnapshotBuilder, Unreadable, with_consumer_pods,
};
use crate::render::{self, Paint, status::Width};
use crate::report::fleet::{ClusterOut, FleetDiagnoseReport, InContext, Unread};
use crate::report::{self, DiagnoseReport, StatusReport};
use crate::sanitize::clean;

/// Reads `kinds` from every context asked for; warns on stderr about each one that could
/// not be read.
async fn read_all(
    config: &Config,
    kinds: &[KindInfo],
    err: &mut dyn Write,
) -> Result<Vec<ContextRead>, CliError> {
    let choice = config
        .contexts
        .as_ref()
        .ok_or_else(|| CliError::new("no contexts to read"))?;
    let names = contexts::names(&config.target, choice).await?;
    let reads = contexts::load_each(&config.target, &names, kinds).await;
    for r in &reads {
        if let Err(e) = &r.result {
            let _ = writeln!(
                err,
                "certdoctor: warning: context {:?} was not read ({}): {}",
                clean(&r.context),
                reason_word(Unread::of(e)),
                crate::error::one_line(&e.message)
            );
            if let Some(h) = &e.hint {
                let _ = writeln!(err, "hint: {}", crate::error::one_line(h));
            }
        }
    }
    Ok(reads)
}

fn reason_word(u: Unread) -> &'static str {
    match u {
        Unread::Unreachable => "unreachable",
        Unread::Timeout => "timeout",
        Unread::Forbidden => "forbidden",
        Unread::Unauthorized => "unauthorized",
        Unread::NotInstalled => "cert-manager not installed",
        Unread::Kubeconfig => "kubeconfig",
        Unread::Error => "error",
    }
}

/// The `clusters` entry of a context: read (with its server) or the error.
fn cluster_out(
    context: &str,
    result: Result<Option<String>, &CliError>,
    certificates: usize,
) -> ClusterOut {
    match result {
        Ok(server) => ClusterOut {
            context: context.to_string(),
            read: true,
            server,
            certificates,
            reason: None,
            message: None,
            hint: None,
        },
        Err(e) => ClusterOut {
            context: context.to_string(),
            read: false,
            server: None,
            certificates: 0,
            reason: Some(Unread::of(e)),
            message: Some(crate::error::one_line(&e.message)),
            hint: e.hint.as_deref().map(crate::error::one_line),
        },
    }
}

/// One context's typed snapshot and what the reports say about it.
struct Read {
    snapshot: Snapshot,
    scope: crate::model::snapshot::Scope,
    scope_label: String,
    server: Option<String>,
}

/// The snapshot of one read context, its warnings on stderr marked with the context.
/// `consumers`: every Pod read is kept as a possible consumer of a Secret, as
/// `diagnose --consumers` does for one cluster.
fn snapshot_of(context: &str, loaded: Loaded, consumers: bool, err: &mut dyn Write) -> Read {
    let server = loaded.conn.as_ref().map(|c| c.server.clone());
    let builder = SnapshotBuilder::new(&loaded.scope, true);
    let builder = if consumers {
        builder.with_consumers()
    } else {
        builder
    };
    let snapshot = builder.feed(loaded.raw);
    let mut buf = Vec::new();
    super::warn_about(&snapshot, &mut buf);
    let prefix = "certdoctor: warning: ";
    for line in String::from_utf8_lossy(&buf).lines() {
        let _ = match line.strip_prefix(prefix) {
            Some(rest) => writeln!(err, "{prefix}context {:?}: {rest}", clean(context)),
            None => writeln!(err, "{line}"),
        };
    }
    Read {
        snapshot,
        scope: loaded.scope,
        scope_label: loaded.scope_label,
        server,
    }
}

/// Notes and unreadable kinds of one context, marked with it.
fn mark(context: &str, notes: &[Note], unreadable: &[Unreadable]) -> (Vec<Note>, Vec<Unreadable>) {
    let notes = notes
        .iter()
        .map(|n| Note {
            subject: format!("{context}: {}", n.subject),
            message: n.message.clone(),
        })
        .collect();
    let unreadable = unreadable
        .iter()
        .map(|u| Unreadable {
            check: format!("{} --context {context}", u.check),
            ..u.clone()
        })
        .collect();
    (notes, unreadable)
}

/// The error when no context could be read.
fn none_read(contexts: usize) -> CliError {
    CliError::new(format!("none of the {contexts} contexts could be read"))
        .hint("see the warnings above; check each with `kubectl --context NAME cluster-info`")
}

/// `status` over several contexts: one table with a CONTEXT column.
pub async fn status(
    config: &Config,
    _name: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    // The table shows no Events: they are neither listed nor kept.
    let kinds: Vec<_> = KINDS.into_iter().filter(|k| *k != EVENTS).collect();
    let reads = read_all(config, &kinds, err).await?;
    let mut per_context: Vec<(String, StatusReport)> = vec![];
    let mut report = StatusReport {
        schema_version: report::SCHEMA_VERSION,
        kind: "StatusReport",
        generated_at: crate::timefmt::rfc3339(config.now),
        cert_manager: None,
        certificates: vec![],
        origins: vec![],
        warnings: vec![],
        unreadable: vec![],
        clusters: vec![],
    };
    for r in reads {
        let ContextRead { context, result } = r;
        match result {
            Ok(loaded) => {
                let read = snapshot_of(&context, loaded, false, err);
                let mut one = report::status_report(&read.snapshot, None, config.now);
                for c in &mut one.certificates {
                    c.context = Some(context.clone());
                }
                if read.scope.selector.is_none() {
                    one.origins = crate::diagnose::tree::origin::origin_problems(&read.snapshot)
                        .iter()
                        .map(|p| report::OriginWithoutCertificate {
                            context: Some(context.clone()),
                            ..report::OriginWithoutCertificate::of(p)
                        })
                        .collect();
                    report.origins.extend(one.origins.iter().cloned());
                }
                let (notes, unreadable) = mark(&context, &one.warnings, &one.unreadable);
                report.warnings.extend(notes);
                report.unreadable.extend(unreadable);
                report.certificates.extend(one.certificates.iter().cloned());
                report.clusters.push(cluster_out(
                    &context,
                    Ok(read.server),
                    one.certificates.len(),
                ));
                per_context.push((context, one));
            }
            Err(e) => report.clusters.push(cluster_out(&context, Err(&e), 0)),
        }
    }
    let paint = Paint {
        enabled: config.color,
    };
    match config.output {
        Output::Json => render::json(out, &report)?,
        Output::Yaml => render::yaml(out, &report)?,
        _ if per_context.is_empty() => {}
        _ if report.certificates.is_empty() => {
            writeln!(err, "No certificates found in any of the contexts read.")?;
        }
        Output::Markdown => {
            for (context, one) in &per_context {
                writeln!(out, "**Context `{}`**\n", clean(context))?;
                render::markdown::status_table(out, one, config.now)?;
                writeln!(out)?;
            }
        }
        Output::Text | Output::Wide => {
            let width = if config.output == Output::Wide {
                Width::Wide
            } else {
                Width::Normal
            };
            let all_namespaces = !matches!(config.target.namespace, NamespaceChoice::Explicit(_));
            render::status::table(out, &report, all_namespaces, width, config.now, paint)?;
        }
    }
    if per_context.is_empty() {
        out.flush()?;
        return Err(none_read(report.clusters.len()));
    }
    Ok(
        if report.certificates.iter().all(|c| c.ready) && report.origins.is_empty() {
            EXIT_OK
        } else {
            EXIT_UNHEALTHY
        },
    )
}

/// `diagnose` over several contexts: the findings grouped by context.
pub async fn diagnose(
    config: &Config,
    args: &DiagnoseOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    // `--consumers` adds one LIST per context, as for one cluster: every Pod in scope.
    let kinds = with_consumer_pods(&KINDS, args.consumers);
    let reads = read_all(config, &kinds, err).await?;
    let mut clusters = vec![];
    // (context, its report or None when not read)
    let mut groups: Vec<(String, Option<DiagnoseReport>)> = vec![];
    // Every context's Let's Encrypt issuances: the budget is per registered domain, so
    // two clusters issuing for one domain spend one budget.
    let mut issuances = vec![];
    for r in reads {
        let ContextRead { context, result } = r;
        match result {
            Ok(loaded) => {
                let read = snapshot_of(&context, loaded, args.consumers, err);
                let (mut one, issued) = super::diagnose::build(
                    config,
                    args,
                    &read.snapshot,
                    &read.scope,
                    &read.scope_label,
                    false,
                )
                .await?;
                clusters.push(cluster_out(
                    &context,
                    Ok(read.server),
                    one.certificates.len(),
                ));
                issuances.extend(issued.into_iter().map(|mut i| {
                    i.certificate = format!("{context}:{}", i.certificate);
                    i
                }));
                // Reported once for all contexts, below.
                one.rate_limits.clear();
                groups.push((context, Some(one)));
            }
            Err(e) => {
                clusters.push(cluster_out(&context, Err(&e), 0));
                groups.push((context, None));
            }
        }
    }
    let rate_limits = crate::model::ratelimit::budget(&issuances, config.now);
    let any_read = groups.iter().any(|(_, g)| g.is_some());
    let asked = groups.len();
    let found: usize = groups
        .iter()
        .filter_map(|(_, g)| g.as_ref())
        .map(|g| g.certificates.len())
        .sum();
    let unhealthy = groups
        .iter()
        .filter_map(|(_, g)| g.as_ref())
        .any(|g| super::diagnose::exit_code(g) != EXIT_OK);
    let paint = Paint {
        enabled: config.color,
    };
    match config.output {
        Output::Json | Output::Yaml => {
            let probes = groups
                .iter()
                .find_map(|(_, g)| g.as_ref().map(|g| g.probes.clone()))
                .unwrap_or_default();
            let mut doc = FleetDiagnoseReport {
                schema_version: report::SCHEMA_VERSION,
                kind: "DiagnoseReport",
                generated_at: crate::timefmt::rfc3339(config.now),
                probes,
                certificates: vec![],
                machines: vec![],
                rate_limits,
                warnings: vec![],
                unreadable: vec![],
                clusters,
            };
            for (context, g) in groups {
                let Some(g) = g else { continue };
                let (notes, unreadable) = mark(&context, &g.warnings, &g.unreadable);
                doc.warnings.extend(notes);
                doc.unreadable.extend(unreadable);
                doc.machines.push(InContext {
                    context: context.clone(),
                    item: g.machine,
                });
                doc.certificates
                    .extend(g.certificates.into_iter().map(|item| InContext {
                        context: context.clone(),
                        item,
                    }));
            }
            if config.output == Output::Json {
                render::json(out, &doc)?;
            } else {
                render::yaml(out, &doc)?;
            }
        }
        Output::Markdown => {
            for (context, g) in &groups {
                writeln!(out, "**Context `{}`**\n", clean(context))?;
                match g {
                    Some(g) => render::markdown::diagnose(out, g)?,
                    None => writeln!(out, "Not read (see `clusters` with -o json).")?,
                }
                writeln!(out)?;
            }
            render::markdown::rate_limits(out, &rate_limits)?;
        }
        Output::Text | Output::Wide => {
            let mut first = true;
            for ((context, g), c) in groups.iter().zip(&clusters) {
                if !first {
                    writeln!(out)?;
                }
                first = false;
                let head = format!("=== context {} ===", clean(context));
                writeln!(out, "{}", paint.bold(&head))?;
                match g {
                    None => writeln!(
                        out,
                        "not read ({}): {}",
                        reason_word(c.reason.unwrap_or(Unread::Error)),
                        clean(c.message.as_deref().unwrap_or_default())
                    )?,
                    Some(g)
                        if g.certificates.is_empty()
                            && g.machine.control_plane.is_empty()
                            && g.machine.origins.is_empty() =>
                    {
                        writeln!(out, "no certificates")?;
                    }
                    Some(g) => render::diagnose::text(
                        out,
                        g,
                        super::diagnose::text_options(config, args),
                        paint,
                    )?,
                }
            }
            if !rate_limits.is_empty() {
                writeln!(out)?;
                let head = "=== Let's Encrypt rate limits, all contexts ===";
                writeln!(out, "{}", paint.bold(head))?;
                render::diagnose::rate_limits(out, &rate_limits, config.width, paint)?;
            }
        }
    }
    if !any_read {
        out.flush()?;
        return Err(none_read(asked));
    }
    if let (Some(name), 0) = (args.name.as_deref(), found) {
        return Err(CliError::new(format!(
            "certificate {name} not found in any of the contexts read"
        ))
        .hint("list the certificates with `certdoctor status --all-contexts -A`"));
    }
    Ok(if unhealthy { EXIT_UNHEALTHY } else { EXIT_OK })
}
