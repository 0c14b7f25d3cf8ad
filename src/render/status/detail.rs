//! The one-screen chain of one certificate: the verdict, then one section per object
//! (Certificate, Issuer, Secret, CertificateRequest, Order and Challenges), and the blocks
//! the sections share (conditions, events, the mark).

use std::io::{self, Write};

use jiff::Timestamp;

use super::{acme, issuer, secret, ts, verdict};
use crate::render::{Paint, text_or_dash};
use crate::report::{CertificateReport, ConditionOut, EventOut};
use crate::sanitize::clean;
use crate::timefmt;

/// A report timestamp with its distance from now, or `-`.
pub(super) fn when(s: Option<&str>, now: Timestamp) -> String {
    match ts(s) {
        Some(t) => format!("{} ({})", timefmt::rfc3339(t), timefmt::relative(t, now)),
        None => "-".into(),
    }
}

/// The conditions block of a section.
pub(super) fn conditions(
    out: &mut dyn Write,
    cs: &[ConditionOut],
    now: Timestamp,
    p: Paint,
) -> io::Result<()> {
    if cs.is_empty() {
        return writeln!(out, "  Conditions:  none yet");
    }
    writeln!(out, "  Conditions:")?;
    for c in cs {
        // Pad before colouring: ANSI codes must not count towards the column width.
        let padded = format!("{:<5}", clean(&c.status));
        let status = match c.status.as_str() {
            "True" => p.green(&padded),
            "False" => p.red(&padded),
            _ => p.yellow(&padded),
        };
        let age =
            ts(c.last_transition_time.as_deref()).map_or("-".into(), |t| timefmt::age(t, now));
        writeln!(
            out,
            "    {:<8} {status} {:<22} {age:>5}  {}",
            clean(&c.type_),
            text_or_dash(c.reason.as_deref()),
            text_or_dash(c.message.as_deref())
        )?;
    }
    Ok(())
}

/// The events block of a section; nothing when there are none.
pub(super) fn events(
    out: &mut dyn Write,
    es: &[EventOut],
    now: Timestamp,
    p: Paint,
) -> io::Result<()> {
    if es.is_empty() {
        return Ok(());
    }
    writeln!(out, "  Events:")?;
    for e in es {
        let kind = if e.type_ == "Warning" {
            p.yellow("Warning")
        } else {
            clean(&e.type_)
        };
        let age = ts(e.last_time.as_deref()).map_or("-".into(), |t| timefmt::age(t, now));
        let count = if e.count > 1 {
            format!(" (x{})", e.count)
        } else {
            String::new()
        };
        writeln!(
            out,
            "    {kind:<7} {:<20} {age:>5}{count}  {}",
            clean(&e.reason),
            clean(&e.message)
        )?;
    }
    Ok(())
}

/// The section mark: ✓ healthy, ✗ broken, ? unknown.
pub(super) fn mark(ok: Option<bool>, p: Paint) -> String {
    match ok {
        Some(true) => p.green("✓"),
        Some(false) => p.red("✗"),
        None => p.yellow("?"),
    }
}

/// Writes the one-screen chain of one certificate.
pub fn detail(
    out: &mut dyn Write,
    c: &CertificateReport,
    now: Timestamp,
    p: Paint,
) -> io::Result<()> {
    writeln!(out, "{}", verdict(c, now, p))?;
    writeln!(out)?;
    certificate(out, c, now, p)?;
    writeln!(out)?;
    issuer::section(out, c, now, p)?;
    writeln!(out)?;
    secret::section(out, c, now, p)?;
    writeln!(out)?;
    request(out, c, now, p)?;
    acme::section(out, c, now, p)
}

/// The Certificate itself: names, Secret, issuer, revision, validity, failures.
fn certificate(
    out: &mut dyn Write,
    c: &CertificateReport,
    now: Timestamp,
    p: Paint,
) -> io::Result<()> {
    let origin = c
        .origin
        .as_ref()
        .map(|o| format!(", made from {} {}", clean(&o.kind), clean(&o.name)))
        .unwrap_or_default();
    let created = ts(c.created.as_deref())
        .map(|t| format!("created {} ago", timefmt::short(now.duration_since(t))));
    writeln!(
        out,
        "{} {} {}/{}  {}",
        mark(Some(c.ready), p),
        p.bold("Certificate"),
        clean(&c.namespace),
        clean(&c.name),
        p.dim(&format!(
            "({}{origin})",
            created.unwrap_or_else(|| "creation time unknown".into())
        ))
    )?;
    let mut sans: Vec<String> = c.dns_names.iter().map(|s| clean(s)).collect();
    sans.extend(c.ip_addresses.iter().map(|s| format!("IP:{}", clean(s))));
    sans.extend(c.uris.iter().map(|s| format!("URI:{}", clean(s))));
    writeln!(
        out,
        "  Names:       {}",
        if sans.is_empty() {
            "-".into()
        } else {
            sans.join(", ")
        }
    )?;
    writeln!(out, "  Secret:      {}", clean(&c.secret_name))?;
    writeln!(
        out,
        "  Issuer:      {} {}{}",
        clean(&c.issuer_ref.kind),
        clean(&c.issuer_ref.name),
        if c.issuer_ref.group != crate::model::CERT_MANAGER_GROUP {
            format!(" ({})", clean(&c.issuer_ref.group))
        } else {
            String::new()
        }
    )?;
    writeln!(
        out,
        "  Revision:    {}",
        c.revision
            .map_or("- (never issued)".into(), |r| r.to_string())
    )?;
    writeln!(out, "  Not before:  {}", when(c.not_before.as_deref(), now))?;
    writeln!(out, "  Not after:   {}", when(c.not_after.as_deref(), now))?;
    match &c.renewal {
        Some(r) => writeln!(out, "  Renewal:     {}", clean(r))?,
        None => writeln!(
            out,
            "  Renewal:     {}",
            when(c.renewal_time.as_deref(), now)
        )?,
    }
    if let Some(n) = c.failed_issuance_attempts.filter(|n| *n > 0) {
        writeln!(
            out,
            "  Failures:    {} failed issuance attempt{}, last {}; next automatic retry {}",
            n,
            if n == 1 { "" } else { "s" },
            when(c.last_failure_time.as_deref(), now),
            when(c.next_retry_time.as_deref(), now)
        )?;
    }
    conditions(out, &c.conditions, now, p)?;
    events(out, &c.events, now, p)?;
    Ok(())
}

/// The current CertificateRequest, or why there is none.
fn request(out: &mut dyn Write, c: &CertificateReport, now: Timestamp, p: Paint) -> io::Result<()> {
    match &c.request {
        Some(r) => {
            let ok = if r.denied {
                Some(false)
            } else if r.ready {
                Some(true)
            } else if r.reason.as_deref() == Some("Failed") {
                Some(false)
            } else {
                None
            };
            writeln!(
                out,
                "{} {} {}  {}",
                mark(ok, p),
                p.bold("CertificateRequest"),
                clean(&r.name),
                p.dim(&format!(
                    "(revision {}, {} request{} in all)",
                    r.revision.map_or("?".into(), |v| v.to_string()),
                    c.request_count,
                    if c.request_count == 1 { "" } else { "s" }
                ))
            )?;
            let yes_no = |b: bool| if b { "yes" } else { "no" };
            writeln!(
                out,
                "  Approved: {}  Denied: {}  Ready: {}",
                yes_no(r.approved),
                yes_no(r.denied),
                if r.ready {
                    p.green("True")
                } else {
                    p.red("False")
                }
            )?;
            conditions(out, &r.conditions, now, p)?;
            events(out, &r.events, now, p)?;
        }
        None => writeln!(
            out,
            "{} {}: {}",
            mark(None, p),
            p.bold("CertificateRequest"),
            if c.issuing {
                "none yet for the next revision"
            } else {
                "none found"
            }
        )?,
    }
    Ok(())
}
