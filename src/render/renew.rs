//! Text output of `renew`: one row per certificate and a count line.

use std::io::{self, Write};

use super::Paint;
use crate::renew::State;
use crate::report::renew::{DryRunMode, RenewReport};
use crate::sanitize::clean;

/// The result as the table words it, coloured: green done, yellow left alone, red failed.
fn label(result: State, p: Paint) -> String {
    match result {
        State::Renewed => p.green("renewed"),
        State::Issued => p.green("issued"),
        State::WouldRenew => p.green("would renew"),
        State::Skipped => p.yellow("skipped"),
        State::Failed => p.red("failed"),
        State::TimedOut => p.red("timed out"),
    }
}

/// Which column of the count line a result adds to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tally {
    Renewed,
    Skipped,
    Failed,
}

fn tally(result: State) -> Tally {
    match result {
        State::Renewed | State::Issued | State::WouldRenew => Tally::Renewed,
        State::Skipped => Tally::Skipped,
        State::Failed | State::TimedOut => Tally::Failed,
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
        row.push(label(r.result, p));
        let mut detail = r.detail.as_deref().map(clean).unwrap_or_default();
        if r.result == State::Issued
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
    let count = |k: Tally| {
        report
            .results
            .iter()
            .filter(|r| tally(r.result) == k)
            .count()
    };
    let (renewed, dry) = match report.dry_run {
        DryRunMode::None => ("renewed", ""),
        DryRunMode::Client => ("would be renewed", " (dry run: nothing was sent)"),
        DryRunMode::Server => (
            "would be renewed",
            " (server dry run: validated, nothing stored)",
        ),
    };
    writeln!(
        out,
        "\n{} {renewed}, {} skipped, {} failed{dry}",
        count(Tally::Renewed),
        count(Tally::Skipped),
        count(Tally::Failed)
    )
}
