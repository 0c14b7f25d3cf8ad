//! `certdoctor status --watch`: the table (or one certificate's chain) kept on screen and
//! updated as cert-manager moves. One snapshot is read as `status` reads it; the kinds that
//! move ([`WATCHED`]) are then followed with the API's watch from the resourceVersion of
//! their LIST, and after each change the view is drawn again — in place on a terminal
//! (text), appended otherwise, and as one compact JSON document per line with `-o json`
//! (`---`-separated documents with `-o yaml`). Only a view that changed is printed.
//! Ctrl-C ends it (exit 130, from `main`).

use std::io::{IsTerminal, Write};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;

use crate::cluster::watch::{Change, WATCHED, follow, is_kind, list_versioned};
use crate::cluster::{self, load};
use crate::config::{Config, NOW_ENV, Output};
use crate::error::{CliError, CliResult};
use crate::model::snapshot::{RawSnapshot, Scope, Snapshot};

/// How long to gather changes that arrive together before drawing once.
const SETTLE: Duration = Duration::from_millis(150);

/// Runs `status --watch` until interrupted.
pub async fn run(
    config: &Config,
    name: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    let (conn, scope) = cluster::connect_scoped(&config.target).await?;
    let scope_label = match &scope.namespace {
        Some(ns) => format!("namespace {ns:?}"),
        None => "any namespace".to_string(),
    };
    let mut raw = load::fetch(&conn, &scope).await?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    for info in WATCHED {
        match list_versioned(&conn.client, conn.timeout, &info, &scope).await {
            Ok((items, version)) => {
                replace_kind(&mut raw, &info, items);
                follow(&conn, &scope, info, version, tx.clone());
            }
            Err(e) => writeln!(
                err,
                "certdoctor: warning: {}; {} will not update",
                crate::sanitize::clean(&e.message),
                info.qualified()
            )?,
        }
    }
    drop(tx);
    let in_place = config.output.is_text() && std::io::stdout().is_terminal();
    let mut last: Option<Vec<u8>> = None;
    let mut first = true;
    loop {
        let view = draw(config, name, &raw, &scope, &scope_label, first, err)?;
        if last.as_ref() != Some(&view) {
            if in_place {
                out.write_all(b"\x1b[H\x1b[2J")?;
            } else if !first && config.output.is_text() {
                writeln!(out)?;
            }
            out.write_all(&view)?;
            out.flush()?;
            last = Some(view);
        }
        first = false;
        let Some(change) = rx.recv().await else {
            return Err(
                CliError::new("every watch ended; the view is no longer updated")
                    .hint("see the warnings above; run `certdoctor status -w` again"),
            );
        };
        apply(&mut raw, change, err);
        tokio::time::sleep(SETTLE).await;
        while let Ok(change) = rx.try_recv() {
            apply(&mut raw, change, err);
        }
    }
}

/// One view of the current objects, as bytes (warnings only the first time).
fn draw(
    config: &Config,
    name: Option<&str>,
    raw: &RawSnapshot,
    scope: &Scope,
    scope_label: &str,
    first: bool,
    err: &mut dyn Write,
) -> Result<Vec<u8>, CliError> {
    let mut now_config = config.clone();
    if std::env::var_os(NOW_ENV).is_none() {
        now_config.now = jiff::Timestamp::now();
    }
    let snapshot = Snapshot::from_raw(raw.clone(), scope);
    let mut warnings = Vec::new();
    if first {
        super::warn_about(&snapshot, &mut warnings);
    }
    err.write_all(&warnings)?;
    let mut view = Vec::new();
    let mut quiet = Vec::new();
    if let Err(e) = super::status::show(
        &now_config,
        name,
        &snapshot,
        scope,
        scope_label,
        &mut view,
        &mut quiet,
    ) {
        if !config.output.is_text() {
            return Ok(Vec::new());
        }
        view = format!("{}\n", crate::sanitize::clean(&e.message)).into_bytes();
    }
    if view.is_empty() && config.output.is_text() {
        view = quiet;
    }
    Ok(match config.output {
        Output::Json => {
            let v: Value = serde_json::from_slice(&view)
                .map_err(|e| CliError::new(format!("cannot re-read the report: {e}")))?;
            let mut line = serde_json::to_vec(&v)
                .map_err(|e| CliError::new(format!("cannot write the report: {e}")))?;
            line.push(b'\n');
            line
        }
        Output::Yaml => [b"---\n".as_slice(), &view].concat(),
        _ => view,
    })
}

/// Puts `items` in place of every object of kind `info`.
fn replace_kind(raw: &mut RawSnapshot, info: &crate::model::snapshot::KindInfo, items: Vec<Value>) {
    raw.objects.retain(|o| !is_kind(o, info));
    raw.objects.extend(items);
}

fn same_object(a: &Value, b: &Value) -> bool {
    let key = |v: &Value| {
        (
            v.get("apiVersion").cloned(),
            v.get("kind").cloned(),
            v.pointer("/metadata/namespace").cloned(),
            v.pointer("/metadata/name").cloned(),
        )
    };
    key(a) == key(b)
}

fn apply(raw: &mut RawSnapshot, change: Change, err: &mut dyn Write) {
    match change {
        Change::Upsert(obj) => match raw.objects.iter_mut().find(|o| same_object(o, &obj)) {
            Some(slot) => *slot = obj,
            None => raw.objects.push(obj),
        },
        Change::Delete(obj) => raw.objects.retain(|o| !same_object(o, &obj)),
        Change::Relisted(info, items) => replace_kind(raw, &info, items),
        Change::Stopped(info, why) => {
            let _ = writeln!(
                err,
                "certdoctor: warning: stopped following {} ({}); it will not update",
                info.qualified(),
                crate::sanitize::clean(&why)
            );
        }
    }
}
