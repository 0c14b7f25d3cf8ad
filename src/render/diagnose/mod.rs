//! Text output of `diagnose`. Per unhealthy certificate a block read root cause first: the
//! headline (`✗ ns/name  what is wrong  [CODE]`), `fix:`, `check:`, the `path:` as one line,
//! the `evidence:` each fact once and wrapped to the width, then the other findings one line
//! each ([`block`], from [`crate::report::Brief`]). A healthy certificate is one line. The
//! whole walk per certificate, every finding with its evidence, remedy and commands, is the
//! tree view ([`tree`]: `-o wide`, `--tree`).

mod fleet;

use fleet::fleet_summary;
pub use fleet::{FLEET_SUMMARY_AT, rate_limits};
use std::io::{self, Write};

use super::{Paint, findings};
use crate::diagnose::{CertificateDiagnosis, StepState};
use crate::findings::Severity;
use crate::report::{Brief, DiagnoseReport, Link, LinkState};
use crate::sanitize::clean;

/// Width of the labels (`evidence: `) that open the lines of a block.
const LABEL: usize = 12;

/// The mark of a certificate: ✗ unhealthy, ✓ healthy.
fn cert_mark(c: &CertificateDiagnosis, p: Paint) -> String {
    if c.healthy {
        p.green("✓")
    } else {
        p.red("✗")
    }
}

/// The one line that opens a certificate: the root cause in plain words and its code, or
/// `healthy` (with its warnings' codes).
pub fn headline(c: &CertificateDiagnosis, p: Paint) -> String {
    let who = format!("{}/{}", clean(&c.namespace), clean(&c.name));
    if let Some(b) = Brief::of(c) {
        return format!(
            "{} {who}  {}  [{}]",
            cert_mark(c, p),
            clean(&b.headline),
            b.root_cause.code.as_str()
        );
    }
    if let Some(rc) = &c.root_cause {
        // A root cause the findings do not hold (a report built by hand).
        return format!(
            "{} {who}  {}  [{}]",
            cert_mark(c, p),
            clean(&rc.message),
            rc.code.as_str()
        );
    }
    let warnings: Vec<&str> = c
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .map(|f| f.code.as_str())
        .collect();
    match warnings.len() {
        0 => format!("{} {who}  healthy", cert_mark(c, p)),
        n => format!(
            "{} {who}  healthy, {n} warning{}  [{}]",
            cert_mark(c, p),
            if n == 1 { "" } else { "s" },
            warnings.join(", ")
        ),
    }
}

/// The mark or word of one link of the path.
fn link_state(l: &Link, p: Paint) -> String {
    match l.state {
        LinkState::Ok => p.green("✓"),
        LinkState::Failed => p.red("✗"),
        LinkState::Warning => p.yellow("!"),
        LinkState::Pending => "pending".into(),
        LinkState::Absent => "–".into(),
        LinkState::Unknown => p.yellow("?"),
    }
}

/// The path as one line: `Certificate ✗ → ClusterIssuer ✓ → Request pending → …`.
pub fn path_line(links: &[Link], p: Paint) -> String {
    links
        .iter()
        .map(|l| {
            let mut s = format!("{} {}", clean(&l.kind), link_state(l, p));
            if let Some(d) = &l.detail {
                s.push(' ');
                s.push_str(&clean(d));
            }
            s
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

/// Words of `text` in lines of at most `width` characters (a longer word, a URL say, gets a
/// line of its own and is never cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(20);
    let mut lines = vec![];
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Writes `text` after a label, wrapped to `width`; continuation lines are indented two
/// more, so a new item and a wrapped one are told apart.
fn labelled(out: &mut dyn Write, label: &str, text: &str, width: usize) -> io::Result<()> {
    let first = width.saturating_sub(LABEL);
    let lines = wrap(text, first);
    let mut rest = vec![];
    // Re-wrap what follows the first line at the narrower continuation width.
    if lines.len() > 1 {
        rest = wrap(&lines[1..].join(" "), first.saturating_sub(2));
    }
    writeln!(out, "  {label:<w$}{}", lines[0], w = LABEL - 2)?;
    for l in rest {
        writeln!(out, "{}{l}", " ".repeat(LABEL + 2))?;
    }
    Ok(())
}

/// The line of one other finding: its mark, code and message, cut to the width (the tree
/// view has the whole of it).
fn other_line(f: &crate::findings::Finding, width: usize, p: Paint) -> String {
    let text = format!("{} {}", f.code.as_str(), clean(&f.message));
    let room = width.saturating_sub(LABEL + 2).max(20);
    let text = if text.chars().count() > room {
        let cut: String = text.chars().take(room - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        text
    };
    format!("{} {text}", findings::mark(f.severity, p))
}

/// Writes the three lines that lead a certificate: the headline, then, when it has a root
/// cause, `fix:` and `check:`. Returns the brief for the rest of the block. `status NAME`
/// opens with these too.
pub fn lead<'a>(
    out: &mut dyn Write,
    c: &'a CertificateDiagnosis,
    width: usize,
    p: Paint,
) -> io::Result<Option<Brief<'a>>> {
    writeln!(out, "{}", headline(c, p))?;
    let Some(b) = Brief::of(c) else {
        return Ok(None);
    };
    labelled(out, "fix:", &clean(&b.root_cause.fix), width)?;
    writeln!(
        out,
        "  {:<w$}{}",
        "check:",
        clean(&b.root_cause.check),
        w = LABEL - 2
    )?;
    Ok(Some(b))
}

/// Writes the block of one certificate: one line when healthy, else headline, fix, check,
/// path, evidence and the other findings.
pub fn block(
    out: &mut dyn Write,
    c: &CertificateDiagnosis,
    width: usize,
    p: Paint,
) -> io::Result<()> {
    let Some(b) = lead(out, c, width, p)? else {
        // Healthy: the proof that clients get the Secret's certificate, one line per address.
        for f in c
            .findings
            .iter()
            .filter(|f| f.code == crate::findings::Code::ServedCertMatches)
        {
            writeln!(
                out,
                "  {:<w$}{}",
                "served:",
                clean(&f.message),
                w = LABEL - 2
            )?;
        }
        return Ok(());
    };
    writeln!(
        out,
        "  {:<w$}{}",
        "path:",
        path_line(&b.path, p),
        w = LABEL - 2
    )?;
    for (n, e) in b.evidence.iter().enumerate() {
        labelled(out, if n == 0 { "evidence:" } else { "" }, &clean(e), width)?;
    }
    for (n, f) in b.others.iter().enumerate() {
        writeln!(
            out,
            "  {:<w$}{}",
            if n == 0 { "also:" } else { "" },
            other_line(f, width, p),
            w = LABEL - 2
        )?;
    }
    Ok(())
}

/// Writes the walk of one certificate as a tree, each finding whole under its step.
pub fn tree(out: &mut dyn Write, c: &CertificateDiagnosis, p: Paint) -> io::Result<()> {
    for (n, step) in c.path.iter().enumerate() {
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
            clean(&step.summary)
        )?;
        if n == 0
            && let Some(r) = &c.renewal
        {
            writeln!(out, "      renewal: {}", clean(r))?;
        }
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

/// How `diagnose` prints its text.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    /// The tree view: every certificate's whole walk (`-o wide`, `--tree`).
    pub tree: bool,
    /// Columns long text wraps at.
    pub width: usize,
    /// Every block even after a fleet summary (`--details`, `-o wide`, `--tree`).
    pub details: bool,
    /// At most this many certificate blocks (`--max N`).
    pub max: Option<usize>,
}

/// Writes the report: a fleet summary when more than a screenful is unhealthy, the blocks
/// (or trees), a count, and where the probes ran.
pub fn text(
    out: &mut dyn Write,
    report: &DiagnoseReport,
    opts: TextOptions,
    p: Paint,
) -> io::Result<()> {
    machine(out, report, p)?;
    let unhealthy_count = report.certificates.iter().filter(|c| !c.healthy).count();
    let summary = unhealthy_count > FLEET_SUMMARY_AT;
    if summary {
        fleet_summary(out, report, opts.width, p)?;
    }
    rate_limits(out, &report.rate_limits, opts.width, p)?;
    // After a summary only the unhealthy blocks follow, a screenful unless `--details`.
    let cap = match (summary, opts.details, opts.max) {
        (_, _, Some(n)) => Some(n),
        (true, false, None) => Some(FLEET_SUMMARY_AT),
        _ => None,
    };
    let shown: Vec<&CertificateDiagnosis> = report
        .certificates
        .iter()
        .filter(|c| !(summary && c.healthy && !opts.details))
        .collect();
    let limit = cap.unwrap_or(shown.len()).min(shown.len());
    for (n, c) in shown.iter().take(limit).enumerate() {
        let after_block = n > 0 && !shown[n - 1].healthy;
        if n > 0 && (opts.tree || !c.healthy || after_block) {
            writeln!(out)?;
        }
        if opts.tree {
            writeln!(out, "{}", headline(c, p))?;
            tree(out, c, p)?;
        } else {
            block(out, c, opts.width, p)?;
        }
    }
    if limit < shown.len() {
        writeln!(out)?;
        writeln!(
            out,
            "… {} more certificate{} not shown: --details shows them all, --max N a number",
            shown.len() - limit,
            if shown.len() - limit == 1 { "" } else { "s" }
        )?;
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
    writeln!(out, "note: {}", clean(&report.probes))?;
    if !opts.tree && unhealthy > 0 {
        writeln!(
            out,
            "more: --tree (or -o wide) shows every finding with its evidence, fix and commands"
        )?;
    }
    Ok(())
}
