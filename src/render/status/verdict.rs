//! The verdict line that opens `status NAME`: Ready or not, where issuance stands, and when
//! cert-manager retries by itself.

use jiff::Timestamp;

use super::ts;
use crate::model::stage::{Phase, Stage};
use crate::render::Paint;
use crate::report::{CertificateReport, is_stuck};
use crate::sanitize::clean;
use crate::timefmt;

/// The verdict line that opens `status NAME`.
pub fn verdict(c: &CertificateReport, now: Timestamp, p: Paint) -> String {
    let who = format!("{}/{}", clean(&c.namespace), clean(&c.name));
    let stage = &c.stage_detail;
    let at = |s: &Stage| clean(&s.describe());
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
