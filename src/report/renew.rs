//! The `renew` document: one [`RenewResult`] per selected Certificate, with the dry-run mode
//! it ran in. Built by `commands::renew` from [`crate::renew`]'s outcomes; `render::renew`
//! prints it as a table.

use serde::Serialize;

use crate::renew::{DryRun, Renewal, State};

/// The dry-run mode a renew ran in, as the report spells it.
///
/// An enum rather than `Option<DryRun>` so `none` is written out (the JSON always names the
/// mode) and the text printer's `match` over it is exhaustive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DryRunMode {
    /// Writes were sent and stored.
    None,
    /// Decided and reported; nothing sent.
    Client,
    /// Sent with dryRun=All: validated by the API server, nothing stored.
    Server,
}

impl From<Option<DryRun>> for DryRunMode {
    fn from(d: Option<DryRun>) -> Self {
        match d {
            None => DryRunMode::None,
            Some(DryRun::Client) => DryRunMode::Client,
            Some(DryRun::Server) => DryRunMode::Server,
        }
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
    pub result: State,
    /// Why, in words (backoff bypassed, skip reason, failure, stage when stuck).
    pub detail: Option<String>,
    /// Revision before the trigger.
    pub previous_revision: Option<i64>,
    /// Revision after `--wait` succeeded.
    pub revision: Option<i64>,
}

impl RenewResult {
    /// True when this certificate counts as failed for the exit code and the count line:
    /// the write or the issuance failed, or `--wait` gave up.
    pub fn failed(&self) -> bool {
        matches!(self.result, State::Failed | State::TimedOut)
    }
}

impl From<Renewal> for RenewResult {
    fn from(r: Renewal) -> Self {
        RenewResult {
            namespace: r.namespace,
            name: r.name,
            result: r.state,
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
    pub dry_run: DryRunMode,
    /// Per certificate, sorted by namespace and name.
    pub results: Vec<RenewResult>,
}

impl RenewReport {
    /// The report of a run in `dry_run` mode with these outcomes (already sorted).
    pub fn new(dry_run: Option<DryRun>, results: Vec<Renewal>) -> Self {
        RenewReport {
            schema_version: super::SCHEMA_VERSION,
            kind: "RenewReport",
            dry_run: dry_run.into(),
            results: results.into_iter().map(RenewResult::from).collect(),
        }
    }

    /// True when any certificate failed or timed out (exit code 1).
    pub fn any_failed(&self) -> bool {
        self.results.iter().any(RenewResult::failed)
    }
}
