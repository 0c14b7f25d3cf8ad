//! `-o markdown`: `status` and `diagnose` as a block to paste into a GitHub or Jira ticket,
//! from the same report model as the text. Per unhealthy certificate the root cause comes
//! first, then the path, the evidence (in a code block, lines whole), the fix and the
//! commands (a `sh` code block: the check, the root cause's other commands, the tree view).
//! Cluster text is escaped in prose and fenced with more backticks than it holds in code.

use std::io::{self, Write};

use jiff::Timestamp;

use super::Paint;
use super::diagnose::path_line;
use crate::diagnose::CertificateDiagnosis;
use crate::findings::Severity;
use crate::report::{Brief, CertificateReport, DiagnoseReport, StatusReport};
use crate::sanitize::clean;
use crate::timefmt;

/// Cluster text made safe for Markdown prose: one line, sanitised, the characters that
/// would start markup escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::new();
    for ch in clean(s).chars() {
        match ch {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// `text` as inline code, with a fence longer than any run of backticks in it.
fn code(text: &str) -> String {
    let text = clean(text);
    let fence = "`".repeat(longest_run(&text) + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

fn longest_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// A fenced code block of these lines.
fn code_block(out: &mut dyn Write, lang: &str, lines: &[String]) -> io::Result<()> {
    let lines: Vec<String> = lines.iter().map(|l| clean(l)).collect();
    let run = lines.iter().map(|l| longest_run(l)).max().unwrap_or(0);
    let fence = "`".repeat(run.max(2) + 1);
    writeln!(out, "{fence}{lang}")?;
    for l in &lines {
        writeln!(out, "{l}")?;
    }
    writeln!(out, "{fence}")
}

fn mark(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "✗",
        Severity::Warning => "!",
        Severity::Info => "i",
    }
}

/// One unhealthy certificate, root cause first, under a heading of level `level`.
fn certificate_block(out: &mut dyn Write, b: &Brief, level: usize) -> io::Result<()> {
    let c = b.diagnosis;
    let rc = b.root_cause;
    writeln!(
        out,
        "{} ✗ {}/{}: {}",
        "#".repeat(level),
        escape(&c.namespace),
        escape(&c.name),
        escape(&b.headline)
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "**Root cause** {}: {}",
        code(rc.code.as_str()),
        escape(&rc.message)
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "**Path:** {}",
        escape(&path_line(&b.path, Paint { enabled: false }))
    )?;
    writeln!(out)?;
    if !b.evidence.is_empty() {
        writeln!(out, "**Evidence**")?;
        writeln!(out)?;
        code_block(out, "text", &b.evidence)?;
        writeln!(out)?;
    }
    // Our own prose, with its `commands` in backticks on purpose; only cluster names are in it.
    writeln!(out, "**Fix:** {}", clean(&rc.fix))?;
    writeln!(out)?;
    writeln!(out, "**Commands**")?;
    writeln!(out)?;
    let mut cmds = vec!["# proves it fixed".to_string(), rc.check.clone()];
    let more: Vec<&String> = b
        .root
        .reproduce
        .iter()
        .filter(|r| **r != rc.check)
        .collect();
    if !more.is_empty() {
        cmds.push("# look closer".into());
        cmds.extend(more.into_iter().cloned());
    }
    cmds.push("# every finding with its evidence and fix".into());
    cmds.push(format!(
        "certdoctor diagnose {} -n {} --tree",
        c.name, c.namespace
    ));
    code_block(out, "sh", &cmds)?;
    if !b.others.is_empty() {
        writeln!(out)?;
        writeln!(out, "**Also**")?;
        writeln!(out)?;
        for f in &b.others {
            writeln!(
                out,
                "- {} {} {}",
                mark(f.severity),
                code(f.code.as_str()),
                escape(&f.message)
            )?;
        }
    }
    Ok(())
}

/// A healthy certificate's list item.
fn healthy_item(c: &CertificateDiagnosis) -> String {
    let warnings: Vec<String> = c
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .map(|f| format!("{} {}", code(f.code.as_str()), escape(&f.message)))
        .collect();
    let who = code(&format!("{}/{}", c.namespace, c.name));
    if warnings.is_empty() {
        format!("- ✓ {who} healthy")
    } else {
        format!("- ✓ {who} healthy; ! {}", warnings.join("; ! "))
    }
}

/// cert-manager itself and the origins without a Certificate, before the certificates.
fn machine(out: &mut dyn Write, m: &crate::diagnose::MachineDiagnosis) -> io::Result<()> {
    if let Some(cm) = &m.cert_manager {
        writeln!(out)?;
        writeln!(out, "{}", escape(&clean(&cm.headline())))?;
    }
    let findings: Vec<_> = m.control_plane.iter().chain(&m.origins).collect();
    if findings.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    finding_items(out, &findings, |f| f.subject.to_string())
}

/// One list item per finding: its mark, code, subject (as `subject` words it), message and
/// fix.
fn finding_items(
    out: &mut dyn Write,
    findings: &[&crate::findings::Finding],
    subject: impl Fn(&crate::findings::Finding) -> String,
) -> io::Result<()> {
    for f in findings {
        let mark = if f.severity == Severity::Error {
            "✗"
        } else {
            "!"
        };
        writeln!(
            out,
            "- {mark} **{}** {}: {}  \n  fix: {}",
            f.code,
            escape(&clean(&subject(f))),
            escape(&clean(&f.message)),
            escape(&clean(&f.remedy))
        )?;
    }
    Ok(())
}

/// The Let's Encrypt budget findings (`RATE_LIMIT_BUDGET`) as a list, nothing when none.
pub fn rate_limits(out: &mut dyn Write, findings: &[crate::findings::Finding]) -> io::Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "### Let's Encrypt rate limits")?;
    writeln!(out)?;
    let findings: Vec<_> = findings.iter().collect();
    finding_items(out, &findings, |f| f.subject.name.clone())
}

/// `diagnose -o markdown`.
pub fn diagnose(out: &mut dyn Write, report: &DiagnoseReport) -> io::Result<()> {
    let total = report.certificates.len();
    let unhealthy = report.certificates.iter().filter(|c| !c.healthy).count();
    writeln!(
        out,
        "## certdoctor diagnose: {unhealthy} of {total} certificate{} with errors",
        if total == 1 { "" } else { "s" }
    )?;
    machine(out, &report.machine)?;
    rate_limits(out, &report.rate_limits)?;
    for c in &report.certificates {
        if let Some(b) = Brief::of(c) {
            writeln!(out)?;
            certificate_block(out, &b, 3)?;
        }
    }
    let healthy: Vec<String> = report
        .certificates
        .iter()
        .filter(|c| Brief::of(c).is_none())
        .map(healthy_item)
        .collect();
    if !healthy.is_empty() {
        writeln!(out)?;
        writeln!(out, "### Healthy")?;
        writeln!(out)?;
        for h in healthy {
            writeln!(out, "{h}")?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "_certdoctor, {}: {}._",
        escape(&report.generated_at),
        escape(&report.probes)
    )
}

fn ts(s: Option<&str>) -> Option<Timestamp> {
    s.and_then(timefmt::parse)
}

/// `status -o markdown`: the table.
pub fn status_table(out: &mut dyn Write, report: &StatusReport, now: Timestamp) -> io::Result<()> {
    let not_ready = report.certificates.iter().filter(|c| !c.ready).count();
    writeln!(
        out,
        "## certdoctor status: {not_ready} of {} certificates not Ready",
        report.certificates.len()
    )?;
    writeln!(out)?;
    if let Some(cm) = &report.cert_manager {
        writeln!(out, "{}", escape(&clean(&cm.headline())))?;
        writeln!(out)?;
    }
    writeln!(
        out,
        "| Namespace | Name | Ready | Secret | Issuer | Expires | Renewal | Stage |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|")?;
    for o in &report.origins {
        writeln!(
            out,
            "| {} | {} | ✗ False | {} | {} | - | - | no Certificate ({}) |",
            escape(&o.namespace),
            escape(&format!("{}/{}", o.kind.to_ascii_lowercase(), o.name)),
            escape(o.secret_name.as_deref().unwrap_or("-")),
            escape(o.issuer.as_deref().unwrap_or("-")),
            o.code
        )?;
    }
    for c in &report.certificates {
        let expires = ts(c.not_after.as_deref()).map_or("-".into(), |t| timefmt::expires(t, now));
        let renewal = ts(c.renewal_time.as_deref()).map_or("-".into(), |t| {
            if t <= now {
                format!("due {}", timefmt::relative(t, now))
            } else {
                timefmt::relative(t, now)
            }
        });
        writeln!(
            out,
            "| {} | {} | {} | {} | {} {} | {} | {} | {} |",
            escape(&c.namespace),
            escape(&c.name),
            if c.ready { "✓ True" } else { "✗ False" },
            escape(&c.secret_name),
            escape(&c.issuer_ref.kind),
            escape(&c.issuer_ref.name),
            escape(&expires),
            escape(&renewal),
            escape(&c.stage)
        )?;
    }
    writeln!(out)?;
    writeln!(out, "_certdoctor, {}._", escape(&report.generated_at))
}

/// `status NAME -o markdown`: the diagnosis block when the certificate has a root cause, then
/// the verdict and the certificate's facts.
pub fn status_detail(
    out: &mut dyn Write,
    c: &CertificateReport,
    diagnosis: Option<&CertificateDiagnosis>,
    now: Timestamp,
) -> io::Result<()> {
    if let Some(b) = diagnosis.and_then(Brief::of) {
        certificate_block(out, &b, 2)?;
        writeln!(out)?;
        writeln!(out, "### Status")?;
    } else {
        writeln!(out, "## {}/{}", escape(&c.namespace), escape(&c.name))?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        escape(&super::status::verdict(c, now, Paint { enabled: false }))
    )?;
    writeln!(out)?;
    let when = |s: Option<&str>| {
        ts(s).map_or("-".into(), |t| {
            format!("{} ({})", timefmt::rfc3339(t), timefmt::relative(t, now))
        })
    };
    let mut names: Vec<String> = c.dns_names.clone();
    names.extend(c.ip_addresses.iter().map(|i| format!("IP:{i}")));
    names.extend(c.uris.iter().map(|u| format!("URI:{u}")));
    let rows: Vec<(&str, String)> = vec![
        ("Names", names.join(", ")),
        ("Secret", c.secret_name.clone()),
        (
            "Issuer",
            format!("{} {}", c.issuer_ref.kind, c.issuer_ref.name),
        ),
        (
            "Revision",
            c.revision
                .map_or("- (never issued)".into(), |r| r.to_string()),
        ),
        ("Not after", when(c.not_after.as_deref())),
        ("Renewal", when(c.renewal_time.as_deref())),
        ("Stage", c.stage.clone()),
    ];
    writeln!(out, "| | |")?;
    writeln!(out, "|---|---|")?;
    for (k, v) in rows {
        writeln!(
            out,
            "| {k} | {} |",
            escape(if v.is_empty() { "-" } else { &v })
        )?;
    }
    for cond in &c.conditions {
        writeln!(
            out,
            "| {}={} | {}: {} |",
            escape(&cond.type_),
            escape(&cond.status),
            escape(cond.reason.as_deref().unwrap_or("-")),
            escape(cond.message.as_deref().unwrap_or("-"))
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_text_cannot_open_markup_or_close_a_fence() {
        assert_eq!(escape("a|b *c* <x>"), "a\\|b \\*c\\* \\<x\\>");
        assert_eq!(code("a``b"), "```a``b```");
        let mut out = vec![];
        code_block(&mut out, "text", &["```".to_string()]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "````text\n```\n````\n");
    }
}
