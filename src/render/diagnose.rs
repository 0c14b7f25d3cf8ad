//! Text output of `diagnose`: per certificate a first line with the root cause (or
//! `✓ healthy`), then the path walked as a tree with ✓ / ✗ / ? marks and each finding with
//! its evidence, remedy and the commands that re-check it by hand.

use std::io::{self, Write};

use super::{Paint, findings};
use crate::diagnose::{CertificateDiagnosis, StepState};
use crate::report::DiagnoseReport;
use crate::sanitize::clean;

fn headline(c: &CertificateDiagnosis, p: Paint) -> String {
    let who = format!("{}/{}", clean(&c.namespace), clean(&c.name));
    match &c.root_cause {
        Some(rc) => format!(
            "{} {who}: {} {}",
            p.red("✗"),
            p.bold(rc.code.as_str()),
            clean(&rc.message)
        ),
        None => {
            let warnings = c
                .findings
                .iter()
                .filter(|f| f.severity == crate::findings::Severity::Warning)
                .count();
            if warnings > 0 {
                format!(
                    "{} {who}: healthy, {warnings} warning{}",
                    p.green("✓"),
                    if warnings == 1 { "" } else { "s" }
                )
            } else {
                format!("{} {who}: healthy", p.green("✓"))
            }
        }
    }
}

fn tree(out: &mut dyn Write, c: &CertificateDiagnosis, p: Paint) -> io::Result<()> {
    for step in &c.path {
        let mark = match step.state {
            StepState::Ok => p.green("✓"),
            StepState::Failed => p.red("✗"),
            StepState::Warning => p.yellow("!"),
            StepState::Unknown => p.yellow("?"),
        };
        writeln!(
            out,
            "  {mark} {} {}  {}",
            step.kind,
            clean(&step.name),
            p.dim(&clean(&step.summary))
        )?;
        for &i in &step.findings {
            findings::finding(out, &c.findings[i], 6, p)?;
        }
    }
    Ok(())
}

/// The lines about cert-manager itself and the origins without a Certificate, before the
/// Certificates.
fn machine(out: &mut dyn Write, report: &DiagnoseReport, p: Paint) -> io::Result<()> {
    let m = &report.machine;
    if let Some(cm) = &m.cert_manager {
        writeln!(out, "{}", p.dim(&clean(&cm.headline())))?;
    }
    for f in m.control_plane.iter().chain(&m.origins) {
        findings::finding(out, f, 0, p)?;
    }
    if m.cert_manager.is_some() || !m.control_plane.is_empty() || !m.origins.is_empty() {
        writeln!(out)?;
    }
    Ok(())
}

/// Writes the report. `full` prints the tree of healthy certificates too.
pub fn text(out: &mut dyn Write, report: &DiagnoseReport, full: bool, p: Paint) -> io::Result<()> {
    machine(out, report, p)?;
    for (n, c) in report.certificates.iter().enumerate() {
        if n > 0 && (full || !c.healthy) {
            writeln!(out)?;
        }
        writeln!(out, "{}", headline(c, p))?;
        if full || !c.healthy {
            tree(out, c, p)?;
        }
    }
    let unhealthy = report.certificates.iter().filter(|c| !c.healthy).count();
    writeln!(out)?;
    if report.certificates.len() > 1 {
        writeln!(
            out,
            "{} certificates: {} healthy, {unhealthy} with errors",
            report.certificates.len(),
            report.certificates.len() - unhealthy
        )?;
    }
    writeln!(out, "{} {}", p.dim("note:"), p.dim(&report.probes))
}
