//! The fleet view of `diagnose`: when more than a screenful of certificates is unhealthy, a
//! summary grouped by root cause leads, and the Let's Encrypt budget of the fleet follows.

use super::*;

/// More unhealthy certificates than this (a screenful) and the report leads with a fleet
/// summary grouped by root cause, and shows this many blocks unless `--details`.
pub const FLEET_SUMMARY_AT: usize = 20;

/// The fleet summary: unhealthy certificates grouped by root-cause code, most first, each
/// with its count, namespaces and one example with its fix.
pub(super) fn fleet_summary(
    out: &mut dyn Write,
    report: &DiagnoseReport,
    width: usize,
    p: Paint,
) -> io::Result<()> {
    use std::collections::BTreeMap;
    let unhealthy: Vec<&CertificateDiagnosis> =
        report.certificates.iter().filter(|c| !c.healthy).collect();
    // An unhealthy certificate always has a root cause (healthy means none).
    let mut groups: BTreeMap<&str, Vec<&CertificateDiagnosis>> = BTreeMap::new();
    for c in &unhealthy {
        if let Some(r) = &c.root_cause {
            groups.entry(r.code.as_str()).or_default().push(c);
        }
    }
    let mut groups: Vec<(&str, Vec<&CertificateDiagnosis>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    writeln!(
        out,
        "{}",
        p.bold(&format!(
            "Fleet summary: {} of {} certificates unhealthy, by root cause",
            unhealthy.len(),
            report.certificates.len()
        ))
    )?;
    for (code, list) in &groups {
        let mut namespaces: Vec<&str> = list.iter().map(|c| c.namespace.as_str()).collect();
        namespaces.sort_unstable();
        namespaces.dedup();
        let shown: Vec<String> = namespaces.iter().take(3).map(|n| clean(n)).collect();
        let more = namespaces.len().saturating_sub(shown.len());
        let ns_text = if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        };
        writeln!(
            out,
            "  {} {code}  {} certificate{} in {} namespace{} ({ns_text})",
            p.red("✗"),
            list.len(),
            if list.len() == 1 { "" } else { "s" },
            namespaces.len(),
            if namespaces.len() == 1 { "" } else { "s" },
        )?;
        let ex = list[0];
        if let Some(rc) = &ex.root_cause {
            for (i, line) in wrap(
                &format!(
                    "e.g. {}/{}: {}",
                    clean(&ex.namespace),
                    clean(&ex.name),
                    clean(&rc.message)
                ),
                width.saturating_sub(4),
            )
            .iter()
            .enumerate()
            {
                writeln!(out, "    {}{line}", if i == 0 { "" } else { "  " })?;
            }
            for (i, line) in wrap(&format!("fix: {}", clean(&rc.fix)), width.saturating_sub(4))
                .iter()
                .enumerate()
            {
                writeln!(out, "    {}{line}", if i == 0 { "" } else { "  " })?;
            }
        }
    }
    writeln!(out)
}

/// The fleet's Let's Encrypt budget findings (`RATE_LIMIT_BUDGET`), one line each and the fix.
pub fn rate_limits(
    out: &mut dyn Write,
    findings: &[crate::findings::Finding],
    width: usize,
    p: Paint,
) -> io::Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    for f in findings {
        let mark = if f.severity == crate::findings::Severity::Error {
            p.red("✗")
        } else {
            p.yellow("!")
        };
        writeln!(
            out,
            "{mark} {}  {}  [{}]",
            clean(&f.subject.name),
            clean(&f.message),
            f.code
        )?;
        for (i, line) in wrap(
            &format!("fix: {}", clean(&f.remedy)),
            width.saturating_sub(2),
        )
        .iter()
        .enumerate()
        {
            writeln!(out, "  {}{line}", if i == 0 { "" } else { "  " })?;
        }
    }
    writeln!(out)
}
