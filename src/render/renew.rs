//! Text output of `renew`: one row per certificate and a count line.

use std::io::{self, Write};

use super::Paint;
use crate::commands::renew::RenewReport;
use crate::sanitize::clean;

fn label(result: &str) -> &str {
    match result {
        "wouldRenew" => "would renew",
        "timedOut" => "timed out",
        other => other,
    }
}

/// Writes the result table and the count line.
pub fn text(
    out: &mut dyn Write,
    report: &RenewReport,
    all_namespaces: bool,
    p: Paint,
) -> io::Result<()> {
    let mut header = vec![];
    if all_namespaces {
        header.push("NAMESPACE");
    }
    header.extend(["NAME", "RESULT", "DETAIL"]);
    let mut t = super::kubectl_table(header);
    for r in &report.results {
        let mut row = vec![];
        if all_namespaces {
            row.push(clean(&r.namespace));
        }
        row.push(clean(&r.name));
        let l = label(&r.result);
        row.push(match r.result.as_str() {
            "renewed" | "issued" | "wouldRenew" => p.green(l),
            "skipped" => p.yellow(l),
            _ => p.red(l),
        });
        let mut detail = r.detail.as_deref().map(clean).unwrap_or_default();
        if r.result == "issued"
            && let Some(rev) = r.revision
        {
            detail = format!("revision {rev}");
        }
        row.push(if detail.is_empty() {
            "-".into()
        } else {
            detail
        });
        t.add_row(row);
    }
    super::write_table(out, &t)?;
    let count = |k: &[&str]| {
        report
            .results
            .iter()
            .filter(|r| k.contains(&r.result.as_str()))
            .count()
    };
    let dry = match report.dry_run {
        "client" => " (dry run: nothing was sent)",
        "server" => " (server dry run: validated, nothing stored)",
        _ => "",
    };
    let renewed = if report.dry_run == "none" {
        "renewed"
    } else {
        "would be renewed"
    };
    writeln!(
        out,
        "\n{} {renewed}, {} skipped, {} failed{dry}",
        count(&["renewed", "issued", "wouldRenew"]),
        count(&["skipped"]),
        count(&["failed", "timedOut"])
    )
}
