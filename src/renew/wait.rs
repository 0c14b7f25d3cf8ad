//! `renew --wait`: follow the renewed certificates until each is Ready with a new revision,
//! fails, or the timeout passes. Stuck ones get the same stage text `status` shows.

use std::time::Duration;

use jiff::Timestamp;

use super::{Renewal, State};
use crate::cluster::client::Connection;
use crate::cluster::load;
use crate::error::CliError;
use crate::model::chain::ChainIndex;
use crate::model::snapshot::{Scope, Snapshot};
use crate::model::stage;

/// The fastest `--wait` re-reads the cluster: a floor so a tiny `--poll-interval` cannot
/// flood the API server.
pub const MIN_POLL: Duration = Duration::from_millis(100);

/// Polls every `poll` (at least [`MIN_POLL`]) until no result is still `renewed`, turning
/// each into `issued`, `failed` or, after `timeout`, `timedOut`. Only a failed read of the
/// cluster is an error.
pub async fn wait(
    conn: &Connection,
    scope: &Scope,
    results: &mut [Renewal],
    timeout: Duration,
    poll: Duration,
    triggered_at: Timestamp,
) -> Result<(), CliError> {
    let poll = poll.max(MIN_POLL);
    let progress = indicatif::ProgressBar::new_spinner();
    progress.enable_steady_tick(Duration::from_millis(120));
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let pending: Vec<usize> = (0..results.len())
            .filter(|i| results[*i].state == State::Renewed)
            .collect();
        if pending.is_empty() {
            break;
        }
        progress.set_message(format!(
            "waiting for {} certificate{} to be issued…",
            pending.len(),
            if pending.len() == 1 { "" } else { "s" }
        ));
        // The wait ends by its own deadline, whatever one read of the cluster does.
        let grace = deadline + Duration::from_millis(500);
        let Ok(raw) = tokio::time::timeout_at(grace, load::fetch(conn, scope)).await else {
            for r in results.iter_mut().filter(|r| r.state == State::Renewed) {
                r.state = State::TimedOut;
                r.detail = Some(
                    "not issued within the timeout: the last read of the cluster did not finish in time"
                        .into(),
                );
            }
            break;
        };
        let raw = raw?;
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
                r.state = State::Failed;
                r.detail = Some("the certificate was deleted while waiting".into());
                continue;
            };
            let chain = index.chain(cert);
            let st = cert.status.as_ref();
            let revision = st.and_then(|s| s.revision);
            let new_revision = revision.is_some_and(|v| Some(v) > r.previous_revision);
            if chain.is_ready() && new_revision && !chain.is_issuing() {
                r.state = State::Issued;
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
                r.state = State::Failed;
                r.detail = Some(format!("issuance failed: {where_}"));
            } else if timed_out {
                r.state = State::TimedOut;
                r.detail = Some(format!("not issued within the timeout: {where_}"));
            }
        }
        if tokio::time::Instant::now() >= deadline {
            // One last pass above already marked what is still pending.
            if results.iter().all(|r| r.state != State::Renewed) {
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
