//! The ACME sections of `status NAME`: the current Order with its authorizations, and the
//! Order's Challenges. Nothing for other issuers.

use std::io::{self, Write};

use jiff::Timestamp;

use super::detail::{events, mark};
use crate::model::types::AcmeState;
use crate::render::{Paint, text_or_dash};
use crate::report::CertificateReport;
use crate::sanitize::clean;

/// The section mark of an Order or Challenge state: valid is healthy, a failed final state
/// broken, anything still moving (or unknown to this version) neither. The report keeps the
/// state's text, which the line shows as it is.
fn health(state: AcmeState) -> Option<bool> {
    match state {
        AcmeState::Valid => Some(true),
        AcmeState::Invalid | AcmeState::Expired | AcmeState::Errored => Some(false),
        AcmeState::None
        | AcmeState::Pending
        | AcmeState::Processing
        | AcmeState::Ready
        | AcmeState::Other => None,
    }
}

/// Writes the Order and its Challenges, when there are any.
pub(super) fn section(
    out: &mut dyn Write,
    c: &CertificateReport,
    now: Timestamp,
    p: Paint,
) -> io::Result<()> {
    if let Some(o) = &c.order {
        writeln!(out)?;
        let state = o.state.as_deref().unwrap_or("unknown");
        let ok = health(AcmeState::parse(o.state.as_deref()));
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
            let ok = health(AcmeState::parse(ch.state.as_deref()));
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
