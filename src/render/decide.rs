//! Text output of `approve` / `deny`: one line per request done on stdout (cmctl's wording,
//! `Approved CertificateRequest 'ns/name'`), and for each refused or failed request an
//! error line with a hint on stderr, so a script sees the same split as with any command.

use std::io::{self, Write};

use serde_json::Value;

use super::Paint;
use crate::model::approval::Verdict;
use crate::report::decide::{DecideReport, DecideResult, DecideState};
use crate::report::renew::DryRunMode;
use crate::sanitize::clean;

fn condition_words(c: Option<&Value>) -> String {
    let field = |k: &str| {
        c.and_then(|c| c[k].as_str())
            .filter(|s| !s.is_empty())
            .map(clean)
    };
    match (field("reason"), field("message")) {
        (Some(r), Some(m)) => format!(" (reason {r}: {m:?})"),
        (Some(r), None) => format!(" (reason {r})"),
        (None, Some(m)) => format!(" ({m:?})"),
        (None, None) => String::new(),
    }
}

/// The error line and hint for a request that was not decided.
pub fn problem(verdict: Verdict, r: &DecideResult) -> (String, String) {
    let verb = verdict.verb();
    let id = format!("{}/{}", clean(&r.namespace), clean(&r.name));
    let detail = r.detail.as_deref().map(clean).unwrap_or_default();
    match r.result {
        DecideState::AlreadyApproved | DecideState::AlreadyDenied => {
            let state = if r.result == DecideState::AlreadyApproved {
                "approved"
            } else {
                "denied"
            };
            (
                format!(
                    "CertificateRequest {id} is already {state}{}; not changed",
                    condition_words(r.condition.as_ref())
                ),
                "an Approved or Denied condition is final; for a fresh request, trigger re-issuance of its Certificate with `certdoctor renew CERT`".to_string(),
            )
        }
        DecideState::NotFound => (
            format!("CertificateRequest {id} not found"),
            format!(
                "list the requests with `kubectl get certificaterequests -n {}`",
                clean(&r.namespace)
            ),
        ),
        DecideState::Forbidden => (
            format!("not allowed to {verb} CertificateRequest {id}: {detail}"),
            format!(
                "{verb} needs verbs [update] on certificaterequests/status and verbs [approve] on signers (apiGroup cert-manager.io, resourceNames [\"{signer}\"]); check with `kubectl auth can-i approve signers.cert-manager.io/{signer} -n {ns}` (docs/rbac.md)",
                signer = clean(&r.signer_name),
                ns = clean(&r.namespace),
            ),
        ),
        DecideState::Failed => (
            format!("could not {verb} CertificateRequest {id}: {detail}"),
            "run the command again; if it keeps failing, check the API server's health".to_string(),
        ),
        DecideState::Written | DecideState::WouldWrite => (String::new(), String::new()),
    }
}

/// Writes the done lines to `out` and the problems to `err`.
pub fn text(
    out: &mut dyn Write,
    err: &mut dyn Write,
    report: &DecideReport,
    p: Paint,
) -> io::Result<()> {
    let (done, would) = match report.verdict {
        Verdict::Approve => ("Approved", "Would approve"),
        Verdict::Deny => ("Denied", "Would deny"),
    };
    for r in &report.results {
        let id = format!("'{}/{}'", clean(&r.namespace), clean(&r.name));
        match r.result {
            DecideState::Written => {
                writeln!(out, "{} CertificateRequest {id}", p.green(done))?;
            }
            DecideState::WouldWrite => {
                let how = match report.dry_run {
                    DryRunMode::Server => "server dry run: validated, nothing was stored",
                    _ => "dry run: nothing was sent",
                };
                writeln!(
                    out,
                    "{} CertificateRequest {id}{} ({how})",
                    p.green(would),
                    condition_words(r.condition.as_ref())
                )?;
            }
            _ => {
                let (line, hint) = problem(report.verdict, r);
                writeln!(err, "certdoctor: error: {line}\nhint: {hint}")?;
            }
        }
    }
    Ok(())
}
