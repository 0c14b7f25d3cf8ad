//! The `audit` document: the checklist with each item's state, the findings, and what could
//! not be read. Text, Markdown, JSON and YAML all print this one value (docs/output.md,
//! `AuditReport`).

use serde::Serialize;

use crate::diagnose::audit::{Audit, Item, ItemState};
use crate::findings::{Finding, Severity};
use crate::model::snapshot::{Note, Unreadable};

/// How many items ended in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditSummary {
    /// Checked, nothing found.
    pub passed: usize,
    /// Checked, info findings only.
    pub notices: usize,
    /// Checked, a warning or an error.
    pub failed: usize,
    /// Not checkable.
    pub not_checkable: usize,
}

/// `certdoctor audit -o json`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditReport {
    /// Always `certdoctor/v1`.
    pub schema_version: &'static str,
    /// Always `AuditReport`.
    pub kind: &'static str,
    /// Instant of the audit.
    pub generated_at: String,
    /// What was read: `namespace "production"`, `any namespace`, or the dump file.
    pub scope: String,
    /// True when nothing at warning or above was found (exit code 0).
    pub passed: bool,
    /// Counts per state.
    pub summary: AuditSummary,
    /// The checklist, in a fixed order.
    pub items: Vec<Item>,
    /// Every finding, in item order.
    pub findings: Vec<Finding>,
    /// Malformed objects and similar.
    pub warnings: Vec<Note>,
    /// Kinds that could not be read.
    pub unreadable: Vec<Unreadable>,
}

impl AuditReport {
    /// The report of one audit.
    pub fn new(
        audit: Audit,
        scope: String,
        generated_at: String,
        warnings: Vec<Note>,
        unreadable: Vec<Unreadable>,
    ) -> AuditReport {
        let mut summary = AuditSummary::default();
        for i in &audit.items {
            match i.state {
                ItemState::Pass => summary.passed += 1,
                ItemState::Notice => summary.notices += 1,
                ItemState::Fail => summary.failed += 1,
                ItemState::NotCheckable => summary.not_checkable += 1,
            }
        }
        AuditReport {
            schema_version: super::SCHEMA_VERSION,
            kind: "AuditReport",
            generated_at,
            scope,
            passed: !audit.fails(),
            summary,
            items: audit.items,
            findings: audit.findings,
            warnings,
            unreadable,
        }
    }

    /// The findings of one item, in order.
    pub fn findings_of<'a>(&'a self, item: &'a Item) -> impl Iterator<Item = &'a Finding> {
        let start: usize = self
            .items
            .iter()
            .take_while(|i| i.id != item.id)
            .map(|i| i.codes.len())
            .sum();
        self.findings[start..start + item.codes.len()].iter()
    }

    /// Findings at warning or above.
    pub fn failing(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity != Severity::Info)
            .count()
    }
}
