//! A Challenge waiting to be admitted by cert-manager's scheduler: who holds its name, or a
//! full queue, or nothing in view.

use jiff::{SignedDuration, Timestamp};

use super::super::describe;
use super::{names, subject};
use crate::findings::{Code, Finding, Severity};
use crate::model::snapshot::Snapshot;
use crate::model::types::Challenge;

/// cert-manager's default `--max-concurrent-challenges`: Challenges admitted (processing)
/// at once, cluster-wide.
const MAX_CONCURRENT_CHALLENGES: usize = 60;

/// How long a Challenge may wait to be admitted before the wait is a cause, not progress:
/// the scheduler admits within seconds when there is room.
const QUEUE_GRACE_MINUTES: i64 = 2;

/// A Challenge waiting to be admitted (`processing: false`, no state). cert-manager admits
/// one only while fewer than 60 are processing cluster-wide and no processing Challenge has
/// the same DNS name and type (`scheduler/scheduler.go`). Says which one blocks it, or that
/// the queue is full, or that no blocker is in view.
pub(super) fn queue_finding(
    ch: &Challenge,
    snapshot: &Snapshot,
    now: Timestamp,
) -> Option<Finding> {
    let created = ch.metadata.creation_timestamp.as_ref()?.0;
    let waited = now.duration_since(created);
    if waited < SignedDuration::from_mins(QUEUE_GRACE_MINUTES) {
        return None;
    }
    let processing: Vec<&Challenge> = snapshot
        .challenges
        .iter()
        .filter(|c| c.status.as_ref().is_some_and(|s| s.processing))
        .collect();
    let blocker = processing.iter().find(|c| {
        c.spec.dns_name == ch.spec.dns_name
            && c.spec.type_.eq_ignore_ascii_case(&ch.spec.type_)
            && c.metadata.uid != ch.metadata.uid
    });
    let (ns, name) = names(ch);
    let waited = crate::timefmt::short(waited);
    // A blocker of the same Order (a wildcard and its base name) is cert-manager working
    // through one Order: the blocker's own finding is the story.
    let same_order = blocker.is_some_and(|b| {
        crate::model::chain::controller_of(&b.metadata).map(|o| &o.uid)
            == crate::model::chain::controller_of(&ch.metadata).map(|o| &o.uid)
    });
    let (message, remedy) = if let Some(b) = blocker {
        let (bns, bname) = names(b);
        let state = b
            .status
            .as_ref()
            .and_then(|s| s.state.as_deref())
            .unwrap_or("");
        (
            format!(
                "waiting {waited} behind Challenge {bns}/{bname} for the same name ({}, {})",
                ch.display_name(),
                if state.is_empty() { "no state" } else { state }
            ),
            format!(
                "cert-manager runs one Challenge per name and type at a time. Find out why {bns}/{bname} does not finish (`certdoctor diagnose` its Certificate); if it is left over from a deleted Certificate or stuck cleaning up, delete it or its Order."
            ),
        )
    } else if processing.len() >= MAX_CONCURRENT_CHALLENGES {
        (
            format!(
                "waiting {waited}: {} Challenges are processing, the controller's limit is {MAX_CONCURRENT_CHALLENGES}",
                processing.len()
            ),
            "The queue is full: failing Challenges elsewhere hold the slots. Fix or delete them (`kubectl get challenges -A`), or raise --max-concurrent-challenges on the controller.".to_string(),
        )
    } else {
        (
            format!("waiting {waited} to be admitted, and no Challenge in view blocks it"),
            "Either the cert-manager controller is not running (nothing admits Challenges), or the blocking Challenge is outside the namespaces read here: run with -A, and check the controller (`kubectl get pods -n cert-manager`).".to_string(),
        )
    };
    Some(
        Finding::new(
            Code::ChallengeQueueBlocked,
            if same_order {
                Severity::Info
            } else {
                Severity::Error
            },
            subject(ch),
            message,
            remedy,
        )
        .reproduce(describe("challenge", ns, name))
        .reproduce("kubectl get challenges -A -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name,DNS:.spec.dnsName,PROCESSING:.status.processing,STATE:.status.state".to_string()),
    )
}
