//! Text output of `status`: the table of all certificates (`status`, here), and the
//! one-screen chain of one certificate (`status NAME`, [`detail()`]) that opens with a
//! verdict line ([`verdict()`]). The chain's sections live one per file below: the
//! certificate and its request in `detail`, then `issuer`, `secret` and `acme`.

use std::io::{self, Write};

use jiff::Timestamp;

use super::Paint;
use crate::model::stage::Phase;
use crate::report::{CertificateReport, StatusReport};
use crate::sanitize::clean;
use crate::timefmt;

mod acme;
mod detail;
mod issuer;
mod secret;
mod verdict;

pub use detail::detail;
pub use verdict::verdict;

/// Table columns beyond the default set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// Default columns.
    Normal,
    /// `-o wide`: DNS names, revision, age.
    Wide,
}

/// A report timestamp (RFC 3339) back as an instant; the report keeps strings for JSON.
fn ts(s: Option<&str>) -> Option<Timestamp> {
    s.and_then(timefmt::parse)
}

fn ready_cell(c: &CertificateReport, p: Paint) -> String {
    if c.ready {
        p.green("True")
    } else {
        p.red("False")
    }
}

fn expires_cell(c: &CertificateReport, now: Timestamp, p: Paint) -> String {
    match ts(c.not_after.as_deref()) {
        Some(t) if t <= now => p.red(&timefmt::expires(t, now)),
        Some(t) => timefmt::expires(t, now),
        None => "-".into(),
    }
}

fn renewal_cell(c: &CertificateReport, now: Timestamp) -> String {
    match ts(c.renewal_time.as_deref()) {
        Some(t) if t <= now => format!("due {}", timefmt::relative(t, now)),
        Some(t) => timefmt::relative(t, now),
        None => "-".into(),
    }
}

fn stage_cell(c: &CertificateReport, p: Paint) -> String {
    let text = clean(&c.stage);
    match c.stage_detail.phase {
        Phase::Issued => p.green(&text),
        Phase::Stuck | Phase::NotReady => p.red(&text),
        Phase::Issuing | Phase::RenewalDue => p.yellow(&text),
    }
}

/// Writes the certificates table. `all_namespaces` adds the NAMESPACE column; a report
/// over several contexts (certificates with a `context`) starts with a CONTEXT column.
pub fn table(
    out: &mut dyn Write,
    report: &StatusReport,
    all_namespaces: bool,
    width: Width,
    now: Timestamp,
    p: Paint,
) -> io::Result<()> {
    let by_context = report.certificates.iter().any(|c| c.context.is_some())
        || report.origins.iter().any(|o| o.context.is_some());
    let mut header = vec![];
    if by_context {
        header.push("CONTEXT");
    }
    if all_namespaces {
        header.push("NAMESPACE");
    }
    header.extend([
        "NAME", "READY", "SECRET", "ISSUER", "EXPIRES", "RENEWAL", "STAGE",
    ]);
    if width == Width::Wide {
        header.extend(["DNS NAMES", "REVISION", "AGE"]);
    }
    if let Some(cm) = &report.cert_manager {
        writeln!(out, "{}", p.dim(&clean(&cm.headline())))?;
    }
    let mut t = super::kubectl_table(header);
    for o in &report.origins {
        let mut row = vec![];
        if by_context {
            row.push(clean(o.context.as_deref().unwrap_or("-")));
        }
        if all_namespaces {
            row.push(clean(&o.namespace));
        }
        row.push(clean(&format!(
            "{}/{}",
            o.kind.to_ascii_lowercase(),
            o.name
        )));
        row.push(p.red("False"));
        row.push(clean(o.secret_name.as_deref().unwrap_or("-")));
        row.push(clean(o.issuer.as_deref().unwrap_or("-")));
        row.push("-".into());
        row.push("-".into());
        row.push(p.red(&format!("no Certificate ({})", o.code)));
        if width == Width::Wide {
            row.push(clean(&o.entry));
            row.push("-".into());
            row.push("-".into());
        }
        t.add_row(row);
    }
    for c in &report.certificates {
        let mut row = vec![];
        if by_context {
            row.push(clean(c.context.as_deref().unwrap_or("-")));
        }
        if all_namespaces {
            row.push(clean(&c.namespace));
        }
        row.push(clean(&c.name));
        row.push(ready_cell(c, p));
        row.push(clean(&c.secret_name));
        row.push(clean(&c.issuer_ref.name));
        row.push(expires_cell(c, now, p));
        row.push(renewal_cell(c, now));
        row.push(stage_cell(c, p));
        if width == Width::Wide {
            let mut names: Vec<String> = c.dns_names.iter().map(|n| clean(n)).collect();
            names.extend(c.ip_addresses.iter().map(|n| clean(n)));
            row.push(if names.is_empty() {
                "-".into()
            } else {
                names.join(",")
            });
            row.push(c.revision.map_or("-".into(), |r| r.to_string()));
            row.push(ts(c.created.as_deref()).map_or("-".into(), |t| timefmt::age(t, now)));
        }
        t.add_row(row);
    }
    super::write_table(out, &t)?;
    if all_namespaces && report.certificates.len() > FLEET_FOOTER_AT {
        writeln!(out, "{}", fleet_footer(report, now))?;
    }
    Ok(())
}

/// More certificates than this (a screenful) in `status -A` and the table ends with a
/// fleet footer.
pub const FLEET_FOOTER_AT: usize = 20;

/// `10000 certificates: 9000 ready, 1000 not ready, 120 in their renewal window`.
pub fn fleet_footer(report: &StatusReport, now: Timestamp) -> String {
    let ready = report.certificates.iter().filter(|c| c.ready).count();
    let renewing = report
        .certificates
        .iter()
        .filter(|c| ts(c.renewal_time.as_deref()).is_some_and(|t| t <= now))
        .count();
    format!(
        "{} certificates: {ready} ready, {} not ready, {renewing} in their renewal window",
        report.certificates.len(),
        report.certificates.len() - ready
    )
}
