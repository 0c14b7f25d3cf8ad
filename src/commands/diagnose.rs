//! `certdoctor diagnose [NAME]`: load the snapshot, probe DNS and HTTP-01 from this machine
//! (unless `--offline`), walk the decision tree per Certificate, and lead the report with
//! the root cause. Exit 0 when every certificate is healthy, 1 when any has an error.

use std::io::Write;

use crate::cluster;
use crate::config::{Config, DiagnoseOptions, Output};
use crate::diagnose::{CertificateDiagnosis, plan, tree};
use crate::error::{CliError, CliResult, EXIT_OK, EXIT_UNHEALTHY};
use crate::model::chain::ChainIndex;
use crate::model::observation::Observations;
use crate::model::ratelimit::Issuance;
use crate::model::snapshot::{KINDS, Scope, Snapshot, SnapshotBuilder, with_consumer_pods};
use crate::probe;
use crate::render::{self, Paint};
use crate::report::DiagnoseReport;

/// Runs `diagnose`.
pub async fn run(
    config: &Config,
    args: &DiagnoseOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    // `--consumers` adds one LIST: every Pod in scope.
    let kinds = with_consumer_pods(&KINDS, args.consumers);
    let read = cluster::ReadOptions {
        kinds: &kinds,
        ..cluster::ReadOptions::default()
    };
    let (builder, loaded) = cluster::load_into(&config.target, read, |scope| {
        let builder = SnapshotBuilder::new(scope, true);
        if args.consumers {
            builder.with_consumers()
        } else {
            builder
        }
    })
    .await?;
    let snapshot = builder.finish();
    super::warn_about(&snapshot, err);
    let (report, _) = build(
        config,
        args,
        &snapshot,
        &loaded.scope,
        &loaded.scope_label,
        true,
    )
    .await?;
    let paint = Paint {
        enabled: config.color,
    };
    match config.output {
        Output::Json => render::json(out, &report)?,
        Output::Yaml => render::yaml(out, &report)?,
        _ if report.certificates.is_empty()
            && report.machine.control_plane.is_empty()
            && report.machine.origins.is_empty() =>
        {
            writeln!(err, "No certificates found in {}.", loaded.scope_label)?;
        }
        Output::Markdown => render::markdown::diagnose(out, &report)?,
        Output::Text | Output::Wide => {
            render::diagnose::text(out, &report, text_options(config, args), paint)?
        }
    }
    Ok(exit_code(&report))
}

/// How the text report is laid out: the tree with `--tree` or `-o wide`, every block with
/// `--details` (or the tree), at most `--max` blocks.
pub fn text_options(config: &Config, args: &DiagnoseOptions) -> render::diagnose::TextOptions {
    let wide = args.tree || config.output == Output::Wide;
    render::diagnose::TextOptions {
        tree: wide,
        width: config.width,
        details: args.details || wide,
        max: args.max,
    }
}

/// 0 when every certificate and the machinery are healthy, 1 otherwise.
pub fn exit_code(report: &DiagnoseReport) -> i32 {
    if report.certificates.iter().all(|c| c.healthy) && !report.machine.has_errors() {
        EXIT_OK
    } else {
        EXIT_UNHEALTHY
    }
}

/// Probes (unless `--offline`) and walks the tree for the certificates of one snapshot.
/// `strict`: a NAME that is not there is an error (one cluster); otherwise it only
/// selects (several contexts, where it may live in some of them). Also returns the Let's
/// Encrypt issuances the report's budget counted, so several clusters can be counted
/// together (they share one budget per registered domain).
pub async fn build(
    config: &Config,
    args: &DiagnoseOptions,
    snapshot: &Snapshot,
    scope: &Scope,
    scope_label: &str,
    strict: bool,
) -> Result<(DiagnoseReport, Vec<Issuance>), CliError> {
    let index = ChainIndex::new(snapshot);
    let certs: Vec<_> = match args.name.as_deref() {
        None => snapshot.certificates.iter().collect(),
        Some(name) if strict => vec![super::find_certificate(snapshot, scope, scope_label, name)?],
        Some(name) => snapshot
            .certificates
            .iter()
            .filter(|c| c.metadata.name.as_deref() == Some(name))
            .collect(),
    };
    let chains: Vec<_> = certs.iter().map(|c| index.chain(c)).collect();

    let (probes, probe_note, prepared) = if let Some(probe_opts) = &args.probes {
        let mut plan = plan::plan(&chains, snapshot);
        plan.tls = plan::served_plan(&chains, snapshot);
        let (results, prepared) = probe_while(plan, probe_opts, || {
            chains
                .iter()
                .map(|c| tree::prepare(c, config.now))
                .collect::<Vec<_>>()
        })
        .await;
        let mut note = format!(
            "DNS, HTTP-01, CAA and TLS probes ran from this machine ({}), not from the cluster or the CA",
            probe::host_label()
        );
        if results.probe_host.resolver_silent {
            note.push_str("; this machine's DNS resolver answered no query, so names, CAA and served certificates were not checked (try --nameserver 1.1.1.1)");
        }
        if !results.unfinished.is_empty() {
            note.push_str(&unfinished_note(
                &results.unfinished,
                probe::run_deadline(probe_opts),
            ));
        }
        (results, note, prepared)
    } else {
        (
            Observations::default(),
            "network probes skipped (--offline): cluster state only".to_string(),
            chains
                .iter()
                .map(|c| tree::prepare(c, config.now))
                .collect(),
        )
    };

    let issuances = crate::diagnose::fleet::issuances(&chains, config.now);
    let rate_limits = crate::model::ratelimit::budget(&issuances, config.now);
    let machine = tree::machine(snapshot, config.now, scope.selector.is_none());
    let mut certificates: Vec<CertificateDiagnosis> = chains
        .iter()
        .zip(prepared)
        .map(|(ch, prepared)| {
            tree::diagnose_prepared(
                &index,
                ch,
                snapshot,
                &probes,
                &machine.control_plane,
                config.now,
                prepared,
            )
        })
        .collect();
    certificates.sort_by(|a, b| {
        (a.healthy, &a.namespace, &a.name).cmp(&(b.healthy, &b.namespace, &b.name))
    });
    let report = DiagnoseReport {
        schema_version: crate::report::SCHEMA_VERSION,
        kind: "DiagnoseReport",
        generated_at: crate::timefmt::rfc3339(config.now),
        probes: probe_note,
        machine,
        certificates,
        rate_limits,
        warnings: snapshot.notes.clone(),
        unreadable: snapshot.unreadable.clone(),
    };
    Ok((report, issuances))
}

/// Runs the probes of `plan` and, meanwhile, the CPU work `cpu` (the walk's network-free
/// part): the probes mostly wait on sockets, so on a multi-threaded runtime the two overlap
/// and probing adds less than its own time. On a single-threaded runtime, one after the
/// other.
async fn probe_while<T: Send>(
    plan: crate::model::observation::Plan,
    opts: &probe::ProbeOptions,
    cpu: impl FnOnce() -> T + Send,
) -> (Observations, T) {
    let runtime = tokio::runtime::Handle::current();
    if runtime.runtime_flavor() != tokio::runtime::RuntimeFlavor::MultiThread {
        let obs = probe::run(&plan, opts).await;
        return (obs, cpu());
    }
    // The probes get a thread and a single-threaded runtime of their own: thousands of
    // small socket operations wake no other thread. This worker, with block_in_place
    // handing its other tasks away, does the CPU work meanwhile.
    tokio::task::block_in_place(|| {
        std::thread::scope(|s| {
            let probes = s.spawn(|| {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                match rt {
                    Ok(rt) => rt.block_on(probe::run(&plan, opts)),
                    Err(_) => runtime.block_on(probe::run(&plan, opts)),
                }
            });
            let done = cpu();
            match probes.join() {
                Ok(obs) => (obs, done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    })
}

/// "; 3 probes did not finish within the 10s deadline (their evidence is missing): …",
/// naming at most five.
fn unfinished_note(unfinished: &[String], deadline: std::time::Duration) -> String {
    let shown: Vec<&str> = unfinished.iter().take(5).map(String::as_str).collect();
    let more = unfinished.len().saturating_sub(shown.len());
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        "; {} probe{} did not finish within the {}s deadline (their evidence is missing): {}{tail}",
        unfinished.len(),
        if unfinished.len() == 1 { "" } else { "s" },
        deadline.as_secs_f64(),
        shown.join(", ")
    )
}
