//! Text output of `check api`: one line per step, then the verdict (cmctl's
//! `The cert-manager API is ready`, or why not).

use std::io::{self, Write};

use super::Paint;
use crate::model::api_check::{Outcome, Step};
use crate::report::check::ApiCheckReport;
use crate::sanitize::clean;

fn step_label(s: Step) -> &'static str {
    match s {
        Step::Crds => "CRDs",
        Step::Webhook => "webhook",
        Step::DryRun => "dry run",
    }
}

/// Writes the steps and the verdict.
pub fn text(out: &mut dyn Write, report: &ApiCheckReport, p: Paint) -> io::Result<()> {
    for c in &report.checks {
        let mark = match c.outcome {
            Outcome::Pass => p.green("✓"),
            Outcome::Fail => p.red("✗"),
            Outcome::Skipped => p.yellow("-"),
        };
        writeln!(out, "{mark} {:<8} {}", step_label(c.step), clean(&c.detail))?;
    }
    if report.ready {
        writeln!(out, "{}", p.green("The cert-manager API is ready"))?;
    } else {
        let tries = if report.attempts > 1 {
            format!(" (after {} attempts)", report.attempts)
        } else {
            String::new()
        };
        writeln!(out, "{}{tries}", p.red("The cert-manager API is not ready"))?;
    }
    Ok(())
}
