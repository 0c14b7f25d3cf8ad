//! Text form of findings, shared by every command that reports them: a mark and the code,
//! the one-line summary, the evidence, the remedy, and the commands to re-check by hand.
//! Colour marks the severity only; the text reads the same without it.

use std::io::{self, Write};

use super::Paint;
use crate::findings::{Finding, Severity};
use crate::sanitize::clean;

/// The mark that opens a finding line.
pub fn mark(severity: Severity, p: Paint) -> String {
    match severity {
        Severity::Error => p.red("✗"),
        Severity::Warning => p.yellow("!"),
        Severity::Info => p.dim("i"),
    }
}

/// Writes one finding, indented by `indent` spaces.
pub fn finding(out: &mut dyn Write, f: &Finding, indent: usize, p: Paint) -> io::Result<()> {
    let pad = " ".repeat(indent);
    writeln!(
        out,
        "{pad}{} {} {}: {}",
        mark(f.severity, p),
        f.code.as_str(),
        clean(&f.subject.to_string()),
        clean(&f.message)
    )?;
    for e in &f.evidence {
        writeln!(out, "{pad}    {}", clean(e))?;
    }
    writeln!(out, "{pad}    fix: {}", clean(&f.remedy))?;
    for r in &f.reproduce {
        writeln!(out, "{pad}    check: {}", clean(r))?;
    }
    Ok(())
}
