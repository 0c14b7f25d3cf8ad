//! `renew`'s domain: force re-issuance by setting `Issuing=True` (reason
//! `ManuallyTriggered`) on each selected Certificate's status subresource — what
//! cert-manager's trigger controller and `cmctl renew` do — safely: with the
//! resourceVersion, retrying on conflict so a concurrent controller write is never lost,
//! skipping certificates already issuing, and optionally waiting for the new revision.
//!
//! [`decide`] is pure; [`fleet`] and [`wait()`] talk to the cluster. The command in
//! `commands::renew` only selects, asks, and prints.

mod decide;
mod wait;
mod write;

use std::time::Duration;

use futures::stream::{self, StreamExt};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

use crate::cluster::client::Connection;
use crate::error::CliError;
use crate::model::snapshot::Scope;

pub use decide::{Decision, decide};
pub use wait::{MIN_POLL, wait};
pub use write::{MAX_ATTEMPTS, MESSAGE, REASON, set_trigger};

/// More certificates than this across all namespaces need confirmation (or `--yes`).
pub const CONFIRM_ABOVE: usize = 20;
/// Writes in flight at once in a fleet run.
pub const CONCURRENCY: usize = 8;

/// `--dry-run` modes, as kubectl spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DryRun {
    /// Decide and report; send nothing.
    Client,
    /// Send the writes with dryRun=All: the API server validates, stores nothing.
    Server,
}

/// Validated `renew` options. The selection itself (names, `--all`, `-l`) was checked by
/// the command line: exactly one way, and `-A` not with names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewOptions {
    /// Certificates named on the command line; empty = every one in scope.
    pub names: Vec<String>,
    /// Trigger also certificates already issuing.
    pub force: bool,
    /// Dry-run mode, if any.
    pub dry_run: Option<DryRun>,
    /// `--wait` with its timeout.
    pub wait: Option<Duration>,
    /// Confirmation given up front (`--yes`).
    pub yes: bool,
    /// How often `--wait` re-reads the cluster (at least [`MIN_POLL`]).
    pub poll: Duration,
}

/// What happened to one certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum State {
    /// The trigger was written.
    Renewed,
    /// Dry run: the trigger would be written.
    WouldRenew,
    /// Left alone (already issuing).
    Skipped,
    /// The write failed, or with `--wait`, the issuance did.
    Failed,
    /// `--wait`: Ready with a new revision.
    Issued,
    /// `--wait`: not issued within the timeout.
    TimedOut,
}

/// One certificate's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renewal {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// What happened.
    pub state: State,
    /// Why, in words (backoff bypassed, skip reason, failure, stage when stuck).
    pub detail: Option<String>,
    /// Revision before the trigger.
    pub previous_revision: Option<i64>,
    /// Revision after `--wait` succeeded.
    pub revision: Option<i64>,
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

/// Keeps the listed certificates `opts` names (all of them when it names none), sorted by
/// namespace and name. A name that is not there is an error before anything is written.
pub fn select(
    mut listed: Vec<Value>,
    opts: &RenewOptions,
    scope: &Scope,
) -> Result<Vec<Value>, CliError> {
    if !opts.names.is_empty() {
        let ns = scope.namespace.clone().unwrap_or_default();
        for n in &opts.names {
            if !listed.iter().any(|o| ns_name(o).1 == *n) {
                return Err(
                    CliError::new(format!("certificate {ns}/{n} not found")).hint(format!(
                        "list them with `certdoctor status -n {ns}`; nothing was renewed"
                    )),
                );
            }
        }
        listed.retain(|o| opts.names.contains(&ns_name(o).1));
    }
    listed.sort_by_key(ns_name);
    Ok(listed)
}

/// True when renewing `count` certificates needs the user's confirmation: many, across
/// all namespaces, for real, and no `--yes`.
pub fn needs_confirmation(count: usize, opts: &RenewOptions, scope: &Scope) -> bool {
    scope.namespace.is_none() && count > CONFIRM_ABOVE && !opts.yes && opts.dry_run.is_none()
}

/// Triggers every selected certificate, [`CONCURRENCY`] writes at a time.
///
/// The first write goes alone: when RBAC forbids it, nothing else is sent and the run stops
/// with the rule to add. A later 403 (RBAC differing per namespace) fails only that
/// certificate.
pub async fn fleet(
    conn: &Connection,
    selected: Vec<Value>,
    opts: &RenewOptions,
    now: Timestamp,
) -> Result<Vec<Renewal>, CliError> {
    let mut rest = selected.into_iter();
    let mut results = Vec::new();
    if let Some(first) = rest.next() {
        match write::renew_one(conn, first, opts, now).await {
            write::Outcome::Done(r) => results.push(r),
            write::Outcome::Forbidden(_, _, e) => return Err(e),
        }
    }
    let outcomes: Vec<write::Outcome> =
        stream::iter(rest.map(|obj| write::renew_one(conn, obj, opts, now)))
            .buffered(CONCURRENCY)
            .collect()
            .await;
    for o in outcomes {
        match o {
            write::Outcome::Done(r) => results.push(r),
            write::Outcome::Forbidden(namespace, name, e) => results.push(Renewal {
                namespace,
                name,
                state: State::Failed,
                detail: Some(format!("{}; {}", e.message, e.hint.unwrap_or_default())),
                previous_revision: None,
                revision: None,
            }),
        }
    }
    Ok(results)
}
