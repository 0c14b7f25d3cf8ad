//! The Issuer section of `status NAME`: found and Ready, missing, external, or unreadable.

use std::io::{self, Write};

use jiff::Timestamp;

use super::detail::{events, mark};
use crate::render::{Paint, text_or_dash};
use crate::report::{CertificateReport, IssuerState};
use crate::sanitize::clean;

/// Writes the issuer the Certificate names, as found.
pub(super) fn section(
    out: &mut dyn Write,
    c: &CertificateReport,
    now: Timestamp,
    p: Paint,
) -> io::Result<()> {
    let i = &c.issuer;
    let issuer_name = format!(
        "{} {}",
        clean(&c.issuer_ref.kind),
        clean(&c.issuer_ref.name)
    );
    match i.state {
        IssuerState::Found => {
            writeln!(
                out,
                "{} {} {}",
                mark(i.ready, p),
                p.bold("Issuer"),
                issuer_name
            )?;
            writeln!(out, "  Type:        {}", text_or_dash(i.type_.as_deref()))?;
            writeln!(
                out,
                "  Ready:       {}  {}  {}",
                if i.ready == Some(true) {
                    p.green("True")
                } else {
                    p.red("False")
                },
                text_or_dash(i.reason.as_deref()),
                text_or_dash(i.message.as_deref())
            )?;
            if let Some(server) = &i.acme_server {
                writeln!(out, "  ACME server: {}", clean(server))?;
                writeln!(
                    out,
                    "  Account:     {}",
                    match &i.acme_account {
                        Some(uri) => format!("registered ({})", clean(uri)),
                        None => p.red("not registered"),
                    }
                )?;
            }
            events(out, &i.events, now, p)?;
        }
        IssuerState::Missing => writeln!(
            out,
            "{} {} {}: not found{}",
            mark(Some(false), p),
            p.bold("Issuer"),
            issuer_name,
            if c.issuer_ref.kind == "Issuer" {
                format!(" in namespace {}", clean(&c.namespace))
            } else {
                String::new()
            }
        )?,
        IssuerState::External => writeln!(
            out,
            "{} {} {}: external issuer ({}), not read by certdoctor; see `kubectl describe {}.{} {}`",
            mark(None, p),
            p.bold("Issuer"),
            issuer_name,
            clean(&c.issuer_ref.group),
            clean(&c.issuer_ref.kind.to_lowercase()),
            clean(&c.issuer_ref.group),
            clean(&c.issuer_ref.name)
        )?,
        IssuerState::Unknown => writeln!(
            out,
            "{} {} {}: could not be read (see the warning on stderr)",
            mark(None, p),
            p.bold("Issuer"),
            issuer_name
        )?,
    }
    Ok(())
}
