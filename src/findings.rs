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

/// The object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// `Certificate`, `Challenge`, `Secret`, `ClusterIssuer`, `File`, …
    pub kind: String,
    /// Namespace; `None` for cluster-scoped objects and files.
    pub namespace: Option<String>,
    /// Object name or file path.
    pub name: String,
    /// The part of the object, when it matters (`tls.crt`, `ca.crt`, a DNS name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
}

impl Subject {
    /// A namespaced or cluster-scoped object.
    pub fn new(kind: &str, namespace: Option<&str>, name: &str) -> Subject {
        Subject {
            kind: kind.to_string(),
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
            part: None,
        }
    }

    /// A file given on the command line (`-` is stdin).
    pub fn file(path: &str) -> Subject {
        Subject::new("File", None, path)
    }

    /// The same object, narrowed to one part.
    pub fn part(&self, part: &str) -> Subject {
        Subject {
            part: Some(part.to_string()),
            ..self.clone()
        }
    }
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.namespace, self.kind.as_str()) {
            (_, "File") => write!(f, "{}", self.name)?,
            (Some(ns), k) => write!(f, "{k} {ns}/{}", self.name)?,
            (None, k) => write!(f, "{k} {}", self.name)?,
        }
        if let Some(p) = &self.part {
            write!(f, " {p}")?;
        }
        Ok(())
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
    /// The object it is about.
    pub subject: Subject,
    /// One line saying what is wrong.
    pub message: String,
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
        subject: Subject,
        message: impl Into<String>,
        remedy: impl Into<String>,
    ) -> Self {
        Finding {
            code,
            severity,
            subject,
            message: message.into(),
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
