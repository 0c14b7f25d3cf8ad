//! What the reports add when they cover several kubeconfig contexts: a `clusters` list
//! (each context, read or why not) and a `context` on every certificate. For one cluster
//! none of it appears, so the single-cluster documents are unchanged.

use serde::Serialize;

use crate::diagnose::{CertificateDiagnosis, MachineDiagnosis};
use crate::error::CliError;
use crate::findings::Finding;
use crate::model::snapshot::{Note, Unreadable};

/// Why a context could not be read, in one word (serialised camelCase).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Unread {
    /// No answer: connection refused, DNS, TLS.
    Unreachable,
    /// No answer within `--request-timeout`.
    Timeout,
    /// 403 on the Certificates LIST.
    Forbidden,
    /// 401: the credentials were refused or could not be obtained.
    Unauthorized,
    /// No cert-manager API in that cluster.
    NotInstalled,
    /// The kubeconfig has no such context, or it cannot be used.
    Kubeconfig,
    /// Anything else (a server that does not answer like an API server, say).
    Error,
}

impl Unread {
    /// Sorts a failed read by the error certdoctor would print for it.
    pub fn of(e: &CliError) -> Unread {
        let m = e.message.to_lowercase();
        if m.contains("timed out") || m.contains("did not finish within") {
            Unread::Timeout
        } else if m.contains("cannot reach") {
            Unread::Unreachable
        } else if m.contains("forbidden") || m.contains("cannot list certificates") {
            Unread::Forbidden
        } else if m.contains("401") || m.contains("credential plugin") {
            Unread::Unauthorized
        } else if m.contains("not installed") {
            Unread::NotInstalled
        } else if m.contains("kubeconfig") || m.contains("context") {
            Unread::Kubeconfig
        } else {
            Unread::Error
        }
    }
}

/// One context of a many-cluster run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterOut {
    /// The kubeconfig context.
    pub context: String,
    /// Whether its certificates are in the report.
    pub read: bool,
    /// The API server, when the context could be resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// Certificates read from it (0 when not read).
    pub certificates: usize,
    /// Why it was not read: `unreachable`, `timeout`, `forbidden`, `unauthorized`,
    /// `notInstalled`, `kubeconfig` or `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Unread>,
    /// The error, in words, when not read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// What to do about it, when not read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// An item of a many-cluster document: the item's own fields, with `context` first.
#[derive(Debug, Clone, Serialize)]
pub struct InContext<T> {
    /// The kubeconfig context it was read from.
    pub context: String,
    /// The item.
    #[serde(flatten)]
    pub item: T,
}

/// `diagnose -o json|yaml` over several contexts: the fields of a `DiagnoseReport`, each
/// certificate with its `context`, and the `clusters` list.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FleetDiagnoseReport {
    /// Always `certdoctor/v1`.
    pub schema_version: &'static str,
    /// Always `DiagnoseReport`.
    pub kind: &'static str,
    /// Instant of the diagnosis.
    pub generated_at: String,
    /// What the probes were and where they ran from.
    pub probes: String,
    /// Per context in the order given; within one, unhealthy first.
    pub certificates: Vec<InContext<CertificateDiagnosis>>,
    /// Each read context's `machine` (cert-manager's own parts, origins without a
    /// Certificate), as one cluster's `machine`, with its `context`.
    pub machines: Vec<InContext<MachineDiagnosis>>,
    /// Let's Encrypt budget findings (`RATE_LIMIT_BUDGET`) counted over every context read:
    /// the limits are per registered domain, whichever cluster issues.
    pub rate_limits: Vec<Finding>,
    /// Malformed objects and similar (subjects start with `CONTEXT:`).
    pub warnings: Vec<Note>,
    /// Kinds that could not be read (the check names the context).
    pub unreadable: Vec<Unreadable>,
    /// Each context, read or why not.
    pub clusters: Vec<ClusterOut>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_sorted_by_their_message() {
        let of = |m: &str| Unread::of(&CliError::new(m));
        assert_eq!(
            of("cannot reach the Kubernetes API server at https://x: timed out"),
            Unread::Timeout
        );
        assert_eq!(
            of("cannot reach the Kubernetes API server at https://x: connection refused"),
            Unread::Unreachable
        );
        assert_eq!(of("cannot list certificates: forbidden"), Unread::Forbidden);
        assert_eq!(
            of("the API server at x rejected the credentials (401 Unauthorized): no"),
            Unread::Unauthorized
        );
        assert_eq!(
            of("context \"nope\" not found in kubeconfig k"),
            Unread::Kubeconfig
        );
        assert_eq!(
            of("cert-manager is not installed in this cluster"),
            Unread::NotInstalled
        );
    }
}
