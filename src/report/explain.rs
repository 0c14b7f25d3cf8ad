//! The `explain` documents: one code's documentation, or the list of every code.

use serde::Serialize;

use crate::findings::{Code, Severity};

/// One code in the list, or the head of an explanation.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeEntry {
    /// The stable code.
    pub code: Code,
    /// Its usual severity.
    pub severity: Severity,
    /// What it means, in one line.
    pub summary: &'static str,
}

impl From<Code> for CodeEntry {
    fn from(code: Code) -> Self {
        CodeEntry {
            code,
            severity: code.severity(),
            summary: code.summary(),
        }
    }
}

/// `explain CODE -o json|yaml` document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// Always `certdoctor/v1`.
    pub schema_version: &'static str,
    /// Always `Explanation`.
    pub kind: &'static str,
    /// The code, its severity and summary.
    #[serde(flatten)]
    pub entry: CodeEntry,
    /// The code's section of docs/findings.md (Markdown).
    pub text: &'static str,
}

impl Explanation {
    /// The explanation of `code`.
    pub fn new(code: Code) -> Self {
        Explanation {
            schema_version: super::SCHEMA_VERSION,
            kind: "Explanation",
            entry: code.into(),
            text: crate::findings::explain::section(code).unwrap_or_default(),
        }
    }
}

/// `explain --list -o json|yaml` document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeList {
    /// Always `certdoctor/v1`.
    pub schema_version: &'static str,
    /// Always `CodeList`.
    pub kind: &'static str,
    /// Every code, in the order of docs/findings.md.
    pub codes: Vec<CodeEntry>,
}

impl CodeList {
    /// Every code.
    pub fn new() -> Self {
        CodeList {
            schema_version: super::SCHEMA_VERSION,
            kind: "CodeList",
            codes: Code::ALL.iter().map(|c| (*c).into()).collect(),
        }
    }
}

impl Default for CodeList {
    fn default() -> Self {
        Self::new()
    }
}
