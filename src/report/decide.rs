//! The `approve` / `deny` document: one [`DecideResult`] per CertificateRequest named, with
//! the condition written (or the one that already decided it). Built by
//! `commands::approve`; `render::decide` prints it.

use serde::Serialize;
use serde_json::Value;

use super::renew::DryRunMode;
use crate::model::approval::Verdict;

/// What happened to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DecideState {
    /// The condition was written.
    Written,
    /// Dry run: the condition would be written.
    WouldWrite,
    /// Refused: the request is already approved.
    AlreadyApproved,
    /// Refused: the request is already denied.
    AlreadyDenied,
    /// No such request in the namespace.
    NotFound,
    /// The API server refused the write (RBAC, or the approval webhook).
    Forbidden,
    /// The write failed otherwise (kept conflicting, server error).
    Failed,
}

impl DecideState {
    /// The exit code this result asks for: 0 done, 2 refused or not allowed (nothing was
    /// concluded), 1 a failed write.
    pub fn exit_code(self) -> i32 {
        match self {
            DecideState::Written | DecideState::WouldWrite => 0,
            DecideState::Failed => 1,
            _ => 2,
        }
    }
}

/// One request's outcome.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecideResult {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// What happened.
    pub result: DecideState,
    /// The condition written (or that would be), or for a refusal the condition that
    /// already decided the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Value>,
    /// The signer name whose `approve` permission the write needs.
    pub signer_name: String,
    /// Why it failed, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// `approve|deny -o json|yaml` document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecideReport {
    /// Always `certdoctor/v1`.
    pub schema_version: &'static str,
    /// Always `DecideReport`.
    pub kind: &'static str,
    /// `approve` or `deny`.
    pub verdict: Verdict,
    /// `none`, `client` or `server`.
    pub dry_run: DryRunMode,
    /// One entry per name, in the order given.
    pub results: Vec<DecideResult>,
}

impl DecideReport {
    /// The document for these results.
    pub fn new(verdict: Verdict, dry_run: DryRunMode, results: Vec<DecideResult>) -> Self {
        DecideReport {
            schema_version: super::SCHEMA_VERSION,
            kind: "DecideReport",
            verdict,
            dry_run,
            results,
        }
    }

    /// The worst exit code of the results (2 over 1 over 0).
    pub fn exit_code(&self) -> i32 {
        let codes = self.results.iter().map(|r| r.result.exit_code());
        if codes.clone().any(|c| c == 2) {
            2
        } else {
            codes.max().unwrap_or(0)
        }
    }
}
