//! `certdoctor audit`: load the snapshot and, live, one cluster-wide LIST per kind of
//! [`AUDIT_KINDS`]; run the checklist; print it; exit 1 when a check failed (a warning or an
//! error finding), 0 otherwise.

use std::io::Write;

use crate::cluster::{self, load};
use crate::config::{Config, Output};
use crate::diagnose::audit::{AuditScope, audit};
use crate::error::{CliResult, EXIT_OK, EXIT_UNHEALTHY};
use crate::model::audit::{AUDIT_KINDS, AuditObjects};
use crate::model::snapshot::{DEPLOYMENTS, RawSnapshot, Snapshot, kind_of};
use crate::render::{self, Paint};
use crate::report::audit::AuditReport;

/// Runs `audit`.
pub async fn run(config: &Config, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
    let loaded = cluster::load(&config.target).await?;
    // cert-manager's Deployments come with the snapshot (label-selected, every namespace).
    let deployments = RawSnapshot {
        objects: (loaded.raw.objects.iter())
            .filter(|v| kind_of(v) == Some(&DEPLOYMENTS))
            .cloned()
            .collect(),
        unreadable: (loaded.raw.unreadable.iter())
            .filter(|u| u.resource == DEPLOYMENTS.qualified())
            .cloned()
            .collect(),
    };
    let (objects, mut unreadable) = match &loaded.conn {
        Some(conn) => {
            let (mut raw, absent) = load::fetch_optional(conn, &AUDIT_KINDS).await?;
            super::warn_unreadable(
                &raw.unreadable,
                "the checks that need them are not checkable",
                err,
            );
            let own = raw.unreadable.clone();
            raw.objects.extend(deployments.objects);
            raw.unreadable.extend(deployments.unreadable);
            (
                AuditObjects::from_raw(&raw, &absent, &raw.unreadable, false),
                own,
            )
        }
        None => (
            AuditObjects::from_raw(&loaded.raw, &[], &[], true),
            Vec::new(),
        ),
    };
    let snapshot = Snapshot::from_raw(loaded.raw, &loaded.scope);
    super::warn_about(&snapshot, err);
    let result = audit(
        &snapshot,
        &objects,
        AuditScope {
            all_namespaces: loaded.scope.namespace.is_none(),
            now: config.now,
        },
    );
    unreadable.splice(0..0, snapshot.unreadable.iter().cloned());
    let report = AuditReport::new(
        result,
        loaded.scope_label,
        crate::timefmt::rfc3339(config.now),
        snapshot.notes.clone(),
        unreadable,
    );
    match config.output {
        Output::Json => render::json(out, &report)?,
        Output::Yaml => render::yaml(out, &report)?,
        Output::Markdown => render::audit::markdown(out, &report)?,
        Output::Text | Output::Wide => render::audit::text(
            out,
            &report,
            Paint {
                enabled: config.color,
            },
        )?,
    }
    Ok(if report.passed {
        EXIT_OK
    } else {
        EXIT_UNHEALTHY
    })
}
