//! The `diagnose` document: one [`CertificateDiagnosis`] per Certificate in scope, with what
//! the probes were and what could not be read; and [`Brief`], the reading order of one
//! unhealthy certificate that the text and Markdown printers share (root cause, fix, check,
//! path, evidence, other findings), so the two can never tell it differently.

use serde::Serialize;

use crate::diagnose::{CertificateDiagnosis, Level, MachineDiagnosis, RootCause, StepState};
use crate::findings::{Code, Finding, Severity};
use crate::model::snapshot::{Note, Unreadable};

/// `diagnose -o json|yaml` document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiagnoseReport {
    /// Always `certdoctor/v1`.
    pub schema_version: &'static str,
    /// Always `DiagnoseReport`.
    pub kind: &'static str,
    /// Instant of the diagnosis.
    pub generated_at: String,
    /// What the probes were and where they ran from.
    pub probes: String,
    /// cert-manager itself and the origins without a Certificate (`certManager`,
    /// `controlPlane`, `origins`).
    #[serde(flatten)]
    pub machine: MachineDiagnosis,
    /// Unhealthy first, then by namespace and name.
    pub certificates: Vec<CertificateDiagnosis>,
    /// Let's Encrypt weekly limits over the whole fleet in scope (`RATE_LIMIT_BUDGET`).
    pub rate_limits: Vec<crate::findings::Finding>,
    /// Malformed objects and similar.
    pub warnings: Vec<Note>,
    /// Kinds that could not be read.
    pub unreadable: Vec<Unreadable>,
}

/// How one link of the `path:` line looked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Nothing wrong.
    Ok,
    /// An error sits here.
    Failed,
    /// A warning, no error.
    Warning,
    /// Waiting on something further down.
    Pending,
    /// Not there (yet): issuance has not reached it.
    Absent,
    /// Not judged (an external issuer, say).
    Unknown,
}

/// One link of the `path:` line: `Request pending`, `Challenge ✗ HTTP-01`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Short kind: `Certificate`, `ClusterIssuer`, `Request`, `Order`, `Challenge`, `Secret`.
    pub kind: String,
    /// State.
    pub state: LinkState,
    /// What tells two links of one kind apart (`HTTP-01`, `DNS-01 a.example.com`), if anything.
    pub detail: Option<String>,
}

/// Codes that only restate a deeper root cause one level up ("not Ready", "the request
/// failed") and are folded into the headline when one exists.
const ECHOES: &[Code] = &[Code::CertNotReady, Code::RequestFailed];

/// One unhealthy certificate, read root cause first.
#[derive(Debug, Clone)]
pub struct Brief<'a> {
    /// The certificate.
    pub diagnosis: &'a CertificateDiagnosis,
    /// Its root cause, with fix and check.
    pub root_cause: &'a RootCause,
    /// The root cause's whole finding.
    pub root: &'a Finding,
    /// The headline in plain words: the root cause's message, or only its head (before the
    /// first `": "`) when the message is long; the rest is then in [`Brief::evidence`].
    pub headline: String,
    /// What supports the root cause, each fact once: the rest of a long message, the root
    /// cause's evidence and the messages of the findings beside it (the Challenge status a
    /// probe explains, the probes' other results).
    pub evidence: Vec<String>,
    /// Other findings (secondary causes, warnings), in walk order.
    pub others: Vec<&'a Finding>,
    /// Findings folded into the headline: they restate the root cause higher up.
    pub folded: Vec<&'a Finding>,
    /// The walk as one line.
    pub path: Vec<Link>,
}

/// Messages longer than this are cut at their first `": "` for the headline.
const HEADLINE_CHARS: usize = 60;

impl<'a> Brief<'a> {
    /// The brief of an unhealthy certificate; `None` when it is healthy.
    pub fn of(c: &'a CertificateDiagnosis) -> Option<Brief<'a>> {
        let rc = c.root_cause.as_ref()?;
        let root_i = root_index(c, rc)?;
        let root = &c.findings[root_i];
        let level = |i: usize| c.levels.get(i).copied();
        let root_level = level(root_i);
        let root_step = c.path.iter().position(|s| s.findings.contains(&root_i));
        let near_probe = |l: Option<Level>| matches!(l, Some(Level::Challenge | Level::Probe));

        let mut supporting = vec![];
        let mut others = vec![];
        let mut folded = vec![];
        for (i, f) in c.findings.iter().enumerate() {
            if i == root_i {
                continue;
            }
            let same_step = root_step.is_some_and(|s| c.path[s].findings.contains(&i));
            if ECHOES.contains(&f.code) && level(i) < root_level && f.code != root.code {
                folded.push(f);
            } else if same_step
                && near_probe(root_level)
                && near_probe(level(i))
                && f.severity != Severity::Warning
            {
                supporting.push(f);
            } else {
                others.push(f);
            }
        }

        let (headline, tail) = split_message(&rc.message);
        let mut evidence: Vec<String> = vec![];
        let candidates = root
            .evidence
            .iter()
            .chain(supporting.iter().map(|f| &f.message));
        for line in candidates {
            push_once(&mut evidence, &headline, line);
        }
        // The CA's detail often comes back with its error type in brackets, `… (unauthorized)`,
        // which the raw message in the evidence spells as a URN: the rest counts as said then.
        let said = |tail: &str| {
            let bare = match tail.rfind(" (") {
                Some(i) if tail.ends_with(')') => &tail[..i],
                _ => tail,
            };
            evidence.iter().any(|e| e.contains(bare))
        };
        if let Some(tail) = tail
            && !said(tail)
        {
            evidence.insert(0, tail.to_string());
        }

        Some(Brief {
            diagnosis: c,
            root_cause: rc,
            root,
            headline,
            evidence,
            others,
            folded,
            path: path(c),
        })
    }
}

/// The index of the root cause among the findings: the first with its code and message
/// (the ranking keeps the first of equals, so this is the one it picked).
fn root_index(c: &CertificateDiagnosis, rc: &RootCause) -> Option<usize> {
    c.findings
        .iter()
        .position(|f| f.code == rc.code && f.message == rc.message)
}

/// A long message split for the headline: its head and the rest.
fn split_message(message: &str) -> (String, Option<&str>) {
    if message.chars().count() > HEADLINE_CHARS
        && let Some(at) = message.find(": ")
        && at >= 16
    {
        return (message[..at].to_string(), Some(&message[at + 2..]));
    }
    (message.to_string(), None)
}

/// Adds `line` unless the headline or a line already kept says it; a line that says all of
/// a kept one replaces it.
fn push_once(kept: &mut Vec<String>, headline: &str, line: &str) {
    let line = line.trim();
    if line.is_empty() || headline.contains(line) || kept.iter().any(|k| k.contains(line)) {
        return;
    }
    kept.retain(|k| !line.contains(k.as_str()));
    kept.push(line.to_string());
}

/// The walk as links.
fn path(c: &CertificateDiagnosis) -> Vec<Link> {
    let challenges = c.path.iter().filter(|s| s.kind == "Challenge").count();
    c.path
        .iter()
        .map(|s| {
            let summary = s.summary.to_ascii_lowercase();
            let state = match s.state {
                StepState::Ok => LinkState::Ok,
                StepState::Failed => LinkState::Failed,
                StepState::Warning => LinkState::Warning,
                StepState::Unknown if summary.contains("pending") => LinkState::Pending,
                StepState::Unknown
                    if summary.contains("not found")
                        || summary.starts_with("none")
                        || summary.contains("not created") =>
                {
                    LinkState::Absent
                }
                StepState::Unknown => LinkState::Unknown,
            };
            let (kind, detail) = match s.kind.as_str() {
                "CertificateRequest" => ("Request".to_string(), None),
                "Challenge" if challenges > 1 => ("Challenge".to_string(), Some(s.name.clone())),
                "Challenge" => (
                    "Challenge".to_string(),
                    s.name.split_whitespace().next().map(str::to_string),
                ),
                k => (k.to_string(), None),
            };
            Link {
                kind,
                state,
                detail,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_message_keeps_its_head_for_the_headline() {
        let (h, t) = split_message(
            "cert-manager's self-check for app.example.com fails: wrong status code '404', expected '200'",
        );
        assert_eq!(h, "cert-manager's self-check for app.example.com fails");
        assert_eq!(t, Some("wrong status code '404', expected '200'"));
        let (h, t) =
            split_message("not Ready: Issuing certificate as Secret does not exist, really");
        assert_eq!(
            (h.as_str(), t),
            (
                "not Ready: Issuing certificate as Secret does not exist, really",
                None
            )
        );
    }

    #[test]
    fn a_fact_is_kept_once_and_the_fuller_line_wins() {
        let mut kept = vec![];
        for l in ["x: boom", "waiting: x: boom", "x: boom", "head", "other"] {
            push_once(&mut kept, "the head", l);
        }
        assert_eq!(kept, ["waiting: x: boom", "other"]);
    }
}
