//! `audit` as text (a checklist: ✓ passed, i notice, ✗ failed, – not checkable; then the
//! findings with their fix and the commands to check by hand) and as Markdown for a ticket.

use std::io::{self, Write};

use super::Paint;
use super::findings::finding;
use super::markdown::escape;
use crate::diagnose::audit::ItemState;
use crate::report::audit::AuditReport;
use crate::sanitize::clean;

/// The mark of an item's state.
pub fn mark(state: ItemState, p: Paint) -> String {
    match state {
        ItemState::Pass => p.green("✓"),
        ItemState::Notice => p.dim("i"),
        ItemState::Fail => p.red("✗"),
        ItemState::NotCheckable => p.dim("–"),
    }
}

fn summary_line(r: &AuditReport) -> String {
    let s = r.summary;
    format!(
        "{} passed, {} with notes, {} failed, {} not checkable",
        s.passed, s.notices, s.failed, s.not_checkable
    )
}

/// The text checklist and findings.
pub fn text(out: &mut dyn Write, r: &AuditReport, p: Paint) -> io::Result<()> {
    writeln!(out, "{}", p.bold(&format!("Audit of {}", clean(&r.scope))))?;
    writeln!(out)?;
    let width = r.items.iter().map(|i| i.id.len()).max().unwrap_or(0);
    for i in &r.items {
        writeln!(out, "{} {:width$}  {}", mark(i.state, p), i.id, i.title)?;
        if !i.detail.is_empty() {
            writeln!(out, "  {:width$}  {}", "", p.dim(&clean(&i.detail)))?;
        }
    }
    if !r.findings.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", p.bold("Findings"))?;
        for f in &r.findings {
            finding(out, f, 0, p)?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", summary_line(r))?;
    Ok(())
}

/// A fence longer than any backtick run in `text`.
fn inline(text: &str) -> String {
    let text = clean(text);
    let run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(run + 1);
    format!("{fence} {text} {fence}")
}

/// The checklist as a Markdown table, then one section per finding.
pub fn markdown(out: &mut dyn Write, r: &AuditReport) -> io::Result<()> {
    writeln!(out, "### certdoctor audit: {}", escape(&r.scope))?;
    writeln!(out)?;
    writeln!(out, "| | check | detail |")?;
    writeln!(out, "|---|---|---|")?;
    let plain = Paint { enabled: false };
    for i in &r.items {
        writeln!(
            out,
            "| {} | {} | {} |",
            mark(i.state, plain),
            escape(i.title),
            escape(&i.detail)
        )?;
    }
    for f in &r.findings {
        writeln!(out)?;
        writeln!(
            out,
            "**{}** `{}` {}: {}",
            f.severity.label(),
            f.code,
            escape(&f.subject.to_string()),
            escape(&f.message)
        )?;
        writeln!(out)?;
        for e in &f.evidence {
            writeln!(out, "- {}", escape(e))?;
        }
        writeln!(out, "- fix: {}", escape(&f.remedy))?;
        for c in &f.reproduce {
            writeln!(out, "- check: {}", inline(c))?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", summary_line(r))?;
    Ok(())
}
