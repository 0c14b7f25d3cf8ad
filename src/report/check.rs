//! The `check api` document: whether the cert-manager API is usable, why not, and each
//! step seen on the last attempt. Built by `commands::check`; `render::check` prints it.

use serde::Serialize;

use crate::model::api_check::{Check, Outcome, Reason};

/// `check api -o json|yaml` document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiCheckReport {
    /// Always `certdoctor/v1`.
    pub schema_version: &'static str,
    /// Always `ApiCheckReport`.
    pub kind: &'static str,
    /// True when every step passed on the last attempt.
    pub ready: bool,
    /// Why not (the first failed step's reason).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The namespace the dry-run create was sent to.
    pub namespace: String,
    /// How many times the steps ran (more than 1 only with `--wait`).
    pub attempts: u32,
    /// The steps of the last attempt, in order; it stops at the first failure.
    pub checks: Vec<Check>,
}

impl ApiCheckReport {
    /// The document for the last attempt's steps.
    pub fn new(namespace: String, attempts: u32, checks: Vec<Check>) -> Self {
        let failed = checks.iter().find(|c| c.outcome == Outcome::Fail);
        ApiCheckReport {
            schema_version: super::SCHEMA_VERSION,
            kind: "ApiCheckReport",
            ready: failed.is_none() && !checks.is_empty(),
            reason: failed.and_then(|c| c.reason),
            namespace,
            attempts,
            checks,
        }
    }

    /// The failed step, if any.
    pub fn failed(&self) -> Option<&Check> {
        self.checks.iter().find(|c| c.outcome == Outcome::Fail)
    }
}
