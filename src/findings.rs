//! Findings: what a check found, in a form every command shares (`inspect` now, `diagnose`
//! later). A finding has a stable code (documented in docs/findings.md), a severity, the
//! object it is about, the evidence, a remedy in a sentence or two, and the commands that
//! reproduce the check by hand.

use serde::Serialize;

/// How bad a finding is. Errors and warnings make a command exit 1; info never does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Breaks issuance or serving.
    Error,
    /// Will break soon, or is wrong but still works.
    Warning,
    /// Worth knowing; not a problem by itself.
    Info,
}

impl Severity {
    /// The label text output uses.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One result of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable code, e.g. `KEY_MISMATCH`; never renamed.
    pub code: &'static str,
    /// Severity.
    pub severity: Severity,
    /// What it is about, e.g. `Secret production/web-tls` or `tls.crt certificate 2`.
    pub subject: String,
    /// One line saying what is wrong.
    pub summary: String,
    /// Facts that show it (values, dates, names); never key material.
    pub evidence: Vec<String>,
    /// What to do, in a sentence or two.
    pub remedy: String,
    /// Commands that re-check it by hand.
    pub reproduce: Vec<String>,
}

impl Finding {
    /// A finding without evidence or reproduce commands (add them with the builders).
    pub fn new(
        code: &'static str,
        severity: Severity,
        subject: impl Into<String>,
        summary: impl Into<String>,
        remedy: impl Into<String>,
    ) -> Self {
        Finding {
            code,
            severity,
            subject: subject.into(),
            summary: summary.into(),
            evidence: Vec::new(),
            remedy: remedy.into(),
            reproduce: Vec::new(),
        }
    }

    /// Adds one line of evidence.
    pub fn evidence(mut self, line: impl Into<String>) -> Self {
        self.evidence.push(line.into());
        self
    }

    /// Adds one reproduce command.
    pub fn reproduce(mut self, cmd: impl Into<String>) -> Self {
        self.reproduce.push(cmd.into());
        self
    }

    /// True for errors and warnings: the ones that make the exit code 1.
    pub fn fails(&self) -> bool {
        self.severity != Severity::Info
    }
}
