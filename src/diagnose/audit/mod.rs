//! `audit`: the production-readiness checklist, checked against the cluster (or a dump).
//! Pure: the snapshot and the objects [`AuditObjects`] holds go in, a checklist comes out —
//! one [`Item`] per question ("is there an expiry alert?") with its state, and the findings
//! that answer it. What the cluster cannot tell (was staging tried first? are Secrets backed
//! up?) is an item too, marked not checkable with the reason, so the report is honest about
//! its coverage.

mod certificates;
mod issuers;
mod monitoring;

use jiff::Timestamp;
use serde::Serialize;

use crate::findings::{Code, Finding};
use crate::model::audit::AuditObjects;
use crate::model::snapshot::Snapshot;

/// The answer to one item of the checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ItemState {
    /// Checked, nothing found.
    Pass,
    /// Checked; only info findings (worth knowing, not a failure).
    Notice,
    /// Checked; at least one warning or error.
    Fail,
    /// The cluster (or the dump) cannot answer it; `detail` says why.
    NotCheckable,
}

/// One item of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// Stable key (`expiry-alert`, `webhook-ha`, …).
    pub id: &'static str,
    /// The question, in words.
    pub title: &'static str,
    /// The answer.
    pub state: ItemState,
    /// What was looked at, or why it could not be checked.
    pub detail: String,
    /// The codes of this item's findings, in order (possibly repeated).
    pub codes: Vec<Code>,
}

/// The checklist and its findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audit {
    /// Every item, in the order of docs/audit.md.
    pub items: Vec<Item>,
    /// Every finding, in item order.
    pub findings: Vec<Finding>,
}

/// How the checks were scoped.
#[derive(Debug, Clone, Copy)]
pub struct AuditScope {
    /// True with `-A` (or a whole dump): only then can "no Certificate uses this
    /// ClusterIssuer" be said.
    pub all_namespaces: bool,
    /// The instant ages and margins are measured from.
    pub now: Timestamp,
}

/// What one check found: either its findings (the state follows from their severities) or
/// why it cannot be checked.
pub(crate) enum Outcome {
    /// Checked; `detail` says what was looked at.
    Checked {
        detail: String,
        findings: Vec<Finding>,
    },
    /// Not checkable, with the reason.
    Skipped(String),
    /// Not checkable, with the reason and an info finding that says it once.
    SkippedWith(String, Vec<Finding>),
}

/// `RATE_LIMIT_BUDGET`, as the fleet view counts it: the Let's Encrypt certificates the
/// cluster issued in the last week, per registered domain and per exact name set. Only the
/// issuances visible in scope count; other clusters and accounts spend the same budget.
fn rate_limits(snapshot: &Snapshot, scope: AuditScope) -> Outcome {
    let index = crate::model::chain::ChainIndex::new(snapshot);
    let chains: Vec<_> = snapshot
        .certificates
        .iter()
        .map(|c| index.chain(c))
        .collect();
    let issued = crate::diagnose::fleet::issuances(&chains, scope.now);
    let findings = crate::model::ratelimit::budget(&issued, scope.now);
    Outcome::checked(
        format!(
            "{} by Let's Encrypt in the last 7 days, as this cluster sees them",
            plural(issued.len(), "certificate issued", "certificates issued")
        ),
        findings,
    )
}

impl Outcome {
    fn checked(detail: impl Into<String>, findings: Vec<Finding>) -> Outcome {
        Outcome::Checked {
            detail: detail.into(),
            findings,
        }
    }
}

impl Audit {
    fn push(&mut self, id: &'static str, title: &'static str, outcome: Outcome) {
        let (state, detail, findings) = match outcome {
            Outcome::Skipped(why) => (ItemState::NotCheckable, why, Vec::new()),
            Outcome::SkippedWith(why, findings) => (ItemState::NotCheckable, why, findings),
            Outcome::Checked { detail, findings } => {
                let state = if findings.iter().any(Finding::fails) {
                    ItemState::Fail
                } else if findings.is_empty() {
                    ItemState::Pass
                } else {
                    ItemState::Notice
                };
                (state, detail, findings)
            }
        };
        self.items.push(Item {
            id,
            title,
            state,
            detail,
            codes: findings.iter().map(|f| f.code).collect(),
        });
        self.findings.extend(findings);
    }

    /// True when a finding at warning or above was made: `audit` exits 1.
    pub fn fails(&self) -> bool {
        self.findings.iter().any(Finding::fails)
    }
}

/// Runs every check of the checklist.
pub fn audit(snapshot: &Snapshot, objects: &AuditObjects, scope: AuditScope) -> Audit {
    let mut a = Audit::default();
    let (expiry, ready, scraped) = monitoring::monitoring(objects);
    a.push(
        "expiry-alert",
        "an alert fires before a certificate expires",
        expiry,
    );
    a.push(
        "ready-alert",
        "an alert fires when a certificate is not Ready",
        ready,
    );
    a.push(
        "metrics-scraped",
        "Prometheus scrapes cert-manager's metrics",
        scraped,
    );
    a.push(
        "webhook-ha",
        "the webhook survives losing a replica (2+ ready, a PodDisruptionBudget)",
        monitoring::webhook_ha(objects),
    );
    a.push(
        "renewal-margin",
        "renewal leaves time for a human (7 days and a sixth of the lifetime)",
        certificates::renewal_margin(snapshot, scope.now),
    );
    a.push(
        "key-rotation",
        "private keys are rotated on renewal",
        certificates::key_rotation(snapshot),
    );
    a.push(
        "key-strength",
        "keys are strong enough and acceptable to the CA",
        certificates::key_strength(snapshot),
    );
    a.push(
        "staging-issuer",
        "certificates that clients see come from a production CA",
        issuers::staging(snapshot),
    );
    a.push(
        "acme-email",
        "ACME accounts have a contact email",
        issuers::acme_email(snapshot),
    );
    a.push(
        "issuers-ready",
        "every issuer is Ready",
        issuers::ready(snapshot),
    );
    a.push(
        "issuers-used",
        "every issuer is used by a Certificate",
        issuers::unused(snapshot, scope.all_namespaces),
    );
    a.push(
        "wildcard-dns01",
        "wildcard names have a DNS-01 solver",
        issuers::wildcards(snapshot),
    );
    a.push(
        "rate-limit-budget",
        "Let's Encrypt's budget per registered domain is not spent",
        rate_limits(snapshot, scope),
    );
    a.push(
        "ca-bundle",
        "internal CAs reach their clients (trust-manager Bundle)",
        issuers::ca_bundles(snapshot, objects),
    );
    a.push(
        "shim-edited",
        "ingress-shim Certificates match their Ingress",
        certificates::shim_edited(snapshot),
    );
    a.push(
        "staging-first",
        "changes were tried against a staging issuer first",
        Outcome::Skipped("not visible in the cluster: it is a habit, not a state; keep a staging ClusterIssuer and use it for every new setup".into()),
    );
    a.push(
        "dns-credentials-rotation",
        "DNS-01 provider credentials are rotated",
        Outcome::Skipped(
            "not visible in the cluster: the provider knows a token's age, the Secret does not"
                .into(),
        ),
    );
    a.push(
        "secret-backups",
        "TLS Secrets and issuer keys are backed up",
        Outcome::Skipped(
            "not visible in the cluster: backups (Velero, etcd snapshots) live outside the API"
                .into(),
        ),
    );
    a
}

/// `kubectl` scope flags for an object's namespace.
pub(crate) fn ns_flag(ns: Option<&str>) -> String {
    ns.map(|n| format!(" -n {n}")).unwrap_or_default()
}

/// Sorts findings' subjects for stable output.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
