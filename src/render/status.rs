//! Text output of `status`: the table of all certificates (`status`), and the one-screen
//! chain of one certificate (`status NAME`) that opens with a verdict line.

use std::io::{self, Write};

use jiff::Timestamp;

use super::{Paint, text_or_dash};
use crate::model::stage::Phase;
use crate::report::{CertificateReport, ConditionOut, EventOut, StatusReport, is_stuck};
use crate::sanitize::clean;
use crate::timefmt;

/// Table columns beyond the default set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// Default columns.
    Normal,
    /// `-o wide`: DNS names, revision, age.
    Wide,
}

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

/// Writes the certificates table. `all_namespaces` adds the NAMESPACE column.
pub fn table(
    out: &mut dyn Write,
    report: &StatusReport,
    all_namespaces: bool,
    width: Width,
    now: Timestamp,
    p: Paint,
) -> io::Result<()> {
    let mut header = vec![];
    if all_namespaces {
        header.push("NAMESPACE");
    }
    header.extend([
        "NAME", "READY", "SECRET", "ISSUER", "EXPIRES", "RENEWAL", "STAGE",
    ]);
    if width == Width::Wide {
        header.extend(["DNS NAMES", "REVISION", "AGE"]);
    }
    let mut t = super::kubectl_table(header);
    for c in &report.certificates {
        let mut row = vec![];
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
    Ok(())
}

/// The verdict line that opens `status NAME`.
pub fn verdict(c: &CertificateReport, now: Timestamp, p: Paint) -> String {
    let who = format!("{}/{}", clean(&c.namespace), clean(&c.name));
    let stage = &c.stage_detail;
    let at = |s: &crate::model::stage::Stage| clean(&s.describe());
    if !c.ready {
        let mark = p.red("✗");
        let mut line = format!("{mark} {who} is not Ready: {}", at(stage));
        if let (Some(n), Some(next)) =
            (c.failed_issuance_attempts, ts(c.next_retry_time.as_deref()))
        {
            let retry = if next > now {
                format!("next automatic retry {}", timefmt::relative(next, now))
            } else {
                format!("automatic retry was due {}", timefmt::relative(next, now))
            };
            line.push_str(&format!(
                " (failed {n} time{}; {retry})",
                if n == 1 { "" } else { "s" }
            ));
        }
        return line;
    }
    let expiry =
        ts(c.not_after.as_deref()).map(|t| format!(", expires {}", timefmt::relative(t, now)));
    match stage.phase {
        Phase::Issued => format!(
            "{} {who} is Ready{}",
            p.green("✓"),
            expiry.unwrap_or_default()
        ),
        Phase::RenewalDue => format!(
            "{} {who} is Ready{}, but its renewal time has passed and no issuance is running",
            p.yellow("!"),
            expiry.unwrap_or_default()
        ),
        _ if is_stuck(stage) => format!(
            "{} {who} is Ready{}, but renewal is {}",
            p.yellow("!"),
            expiry.unwrap_or_default(),
            at(stage)
        ),
        _ => format!(
            "{} {who} is Ready{}; renewal in progress: {}",
            p.green("✓"),
            expiry.unwrap_or_default(),
            clean(&stage.summary)
        ),
    }
}

fn when(s: Option<&str>, now: Timestamp) -> String {
    match ts(s) {
        Some(t) => format!("{} ({})", timefmt::rfc3339(t), timefmt::relative(t, now)),
        None => "-".into(),
    }
}

fn conditions(
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

fn events(out: &mut dyn Write, es: &[EventOut], now: Timestamp, p: Paint) -> io::Result<()> {
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

fn mark(ok: Option<bool>, p: Paint) -> String {
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

    // Certificate
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
    writeln!(
        out,
        "  Renewal:     {}",
        when(c.renewal_time.as_deref(), now)
    )?;
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
    writeln!(out)?;

    // Issuer
    let i = &c.issuer;
    let issuer_name = format!(
        "{} {}",
        clean(&c.issuer_ref.kind),
        clean(&c.issuer_ref.name)
    );
    match i.state {
        "found" => {
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
        "missing" => writeln!(
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
        "external" => writeln!(
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
        _ => writeln!(
            out,
            "{} {} {}: could not be read (see the warning on stderr)",
            mark(None, p),
            p.bold("Issuer"),
            issuer_name
        )?,
    }
    writeln!(out)?;

    // Secret
    let s = &c.secret;
    match s.state {
        "found" => {
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
        "missing" => writeln!(
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
        _ => writeln!(
            out,
            "{} {} {}: could not be read (no permission to list Secrets)",
            mark(None, p),
            p.bold("Secret"),
            clean(&s.name)
        )?,
    }
    writeln!(out)?;

    // CertificateRequest
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

    // Order and Challenges (ACME only)
    if let Some(o) = &c.order {
        writeln!(out)?;
        let state = o.state.as_deref().unwrap_or("unknown");
        let ok = match state {
            "valid" => Some(true),
            "invalid" | "errored" | "expired" => Some(false),
            _ => None,
        };
        writeln!(
            out,
            "{} {} {}  state {}",
            mark(ok, p),
            p.bold("Order"),
            clean(&o.name),
            clean(state)
        )?;
        if let Some(r) = &o.reason {
            writeln!(out, "  Reason:      {}", clean(r))?;
        }
        for a in &o.authorizations {
            writeln!(
                out,
                "  Authorization {}{}  initial state {}",
                text_or_dash(a.identifier.as_deref()),
                if a.wildcard == Some(true) {
                    " (wildcard)"
                } else {
                    ""
                },
                text_or_dash(a.initial_state.as_deref())
            )?;
        }
        events(out, &o.events, now, p)?;
    }
    if !c.challenges.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", p.bold("Challenges"))?;
        for ch in &c.challenges {
            let state = ch.state.as_deref().unwrap_or("unknown");
            let ok = match state {
                "valid" => Some(true),
                "invalid" | "errored" | "expired" => Some(false),
                _ => None,
            };
            let name = if ch.wildcard {
                format!("*.{}", ch.dns_name)
            } else {
                ch.dns_name.clone()
            };
            writeln!(
                out,
                "{} {} {}  state {}, presented {}, processing {}  {}",
                mark(ok, p),
                clean(&ch.type_),
                clean(&name),
                clean(state),
                if ch.presented { "yes" } else { "no" },
                if ch.processing { "yes" } else { "no" },
                p.dim(&clean(&ch.name))
            )?;
            if let Some(r) = &ch.reason {
                writeln!(out, "  Reason:      {}", clean(r))?;
            }
            events(out, &ch.events, now, p)?;
        }
    }
    Ok(())
}
