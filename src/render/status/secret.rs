//! The Secret section of `status NAME`: the certificate in `tls.crt` (subject, validity,
//! SANs, key), the data keys with their sizes (never values), or why it is not there.

use std::io::{self, Write};

use jiff::Timestamp;

use super::detail::{events, mark};
use crate::render::Paint;
use crate::report::{CertificateReport, SecretState};
use crate::sanitize::clean;
use crate::timefmt;

/// Writes the Secret the Certificate names, as found.
pub(super) fn section(
    out: &mut dyn Write,
    c: &CertificateReport,
    now: Timestamp,
    p: Paint,
) -> io::Result<()> {
    let s = &c.secret;
    match s.state {
        SecretState::Found => {
            let valid_now = s
                .certificates
                .first()
                .map(|l| l.not_before <= now && now < l.not_after);
            let ok = s.error.is_none() && valid_now == Some(true);
            writeln!(
                out,
                "{} {} {}",
                mark(Some(ok), p),
                p.bold("Secret"),
                clean(&s.name)
            )?;
            if let Some(e) = &s.error {
                writeln!(out, "  Problem:     {}", p.red(&clean(e)))?;
            }
            if let Some(leaf) = s.certificates.first() {
                writeln!(out, "  Subject:     {}", clean(&leaf.subject))?;
                writeln!(out, "  Issued by:   {}", clean(&leaf.issuer))?;
                let validity = if leaf.not_after <= now {
                    p.red(&format!(
                        "expired {} ago",
                        timefmt::short(now.duration_since(leaf.not_after))
                    ))
                } else if leaf.not_before > now {
                    p.red("not yet valid")
                } else {
                    format!("expires {}", timefmt::relative(leaf.not_after, now))
                };
                writeln!(
                    out,
                    "  Valid:       {} → {}  ({validity})",
                    timefmt::rfc3339(leaf.not_before),
                    timefmt::rfc3339(leaf.not_after)
                )?;
                let mut names: Vec<String> = leaf.dns_names.iter().map(|n| clean(n)).collect();
                names.extend(leaf.ip_addresses.iter().map(|n| format!("IP:{n}")));
                names.extend(leaf.uris.iter().map(|n| format!("URI:{}", clean(n))));
                writeln!(
                    out,
                    "  SANs:        {}",
                    if names.is_empty() {
                        "-".into()
                    } else {
                        names.join(", ")
                    }
                )?;
                writeln!(out, "  Key:         {}", leaf.key_algorithm)?;
                if s.certificates.len() > 1 {
                    writeln!(
                        out,
                        "  Chain:       {} certificates in tls.crt",
                        s.certificates.len()
                    )?;
                }
            }
            let keys: Vec<String> = s
                .keys
                .iter()
                .map(|k| format!("{} ({} bytes)", clean(&k.name), k.bytes))
                .collect();
            writeln!(
                out,
                "  Data keys:   {}",
                if keys.is_empty() {
                    "none".into()
                } else {
                    keys.join(", ")
                }
            )?;
            events(out, &s.events, now, p)?;
        }
        SecretState::Missing => writeln!(
            out,
            "{} {} {}: not found{}",
            mark(Some(false), p),
            p.bold("Secret"),
            clean(&s.name),
            if c.revision.is_none() {
                " (cert-manager writes it after the first issuance)"
            } else {
                ""
            }
        )?,
        SecretState::NotTls => writeln!(
            out,
            "{} {} {}: exists, but its type is not kubernetes.io/tls (cert-manager keeps a pre-existing Secret's type)",
            mark(None, p),
            p.bold("Secret"),
            clean(&s.name)
        )?,
        SecretState::Unknown => writeln!(
            out,
            "{} {} {}: could not be read (no permission to list Secrets)",
            mark(None, p),
            p.bold("Secret"),
            clean(&s.name)
        )?,
    }
    Ok(())
}
