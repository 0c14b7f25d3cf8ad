//! When cert-manager renews a Certificate, and which rule decides it: the CA's ACME Renewal
//! Information window (v1.21, `ACMEUseARI`), `spec.renewBefore`, `spec.renewBeforePercentage`,
//! or the default of two thirds of the lifetime; renewal policies (v1.21) may defer it to a
//! window. One place, so `status` and `diagnose` say the same line.

use jiff::Timestamp;

use super::types::Certificate;
use crate::timefmt;

/// The rule that sets `status.renewalTime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// The CA's suggested window (RFC 9773), start and end.
    Ari(Timestamp, Timestamp),
    /// `spec.renewBefore`, as written.
    RenewBefore(String),
    /// `spec.renewBeforePercentage`.
    Percentage(i64),
    /// cert-manager's default: renew when a third of the lifetime is left.
    Default,
}

/// A Certificate's next renewal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renewal {
    /// What decides it.
    pub rule: Rule,
    /// `status.renewalTime`, when cert-manager has computed it.
    pub at: Option<Timestamp>,
    /// `spec.renewalPolicies` is set: a renewal may wait for one of its windows.
    pub windows: bool,
}

/// The renewal rule of a Certificate, from its spec and status.
pub fn renewal(cert: &Certificate) -> Renewal {
    let st = cert.status.as_ref();
    let ari = st
        .and_then(|s| s.acme.as_ref())
        .and_then(|a| a.ari.as_ref())
        .and_then(|a| a.suggested_window.as_ref())
        .and_then(|w| {
            Some((
                timefmt::parse(w.start.as_deref()?)?,
                timefmt::parse(w.end.as_deref()?)?,
            ))
        });
    let rule = if let Some((start, end)) = ari {
        Rule::Ari(start, end)
    } else if let Some(rb) = &cert.spec.renew_before {
        Rule::RenewBefore(rb.clone())
    } else if let Some(p) = cert.spec.renew_before_percentage {
        Rule::Percentage(p)
    } else {
        Rule::Default
    };
    Renewal {
        rule,
        at: st
            .and_then(|s| s.renewal_time.as_deref())
            .and_then(timefmt::parse),
        windows: cert.spec.renewal_policies.is_some(),
    }
}

impl Renewal {
    /// True when a passed `renewalTime` is not overdue because cert-manager waits for a
    /// window: the CA's ARI window has not opened, or renewal policies may defer it.
    pub fn waits_for_window(&self, now: Timestamp) -> bool {
        match self.rule {
            Rule::Ari(start, _) if start > now => true,
            _ => self.windows && self.at.is_some_and(|t| t <= now),
        }
    }

    /// One line: when, and which rule decides it.
    pub fn describe(&self, now: Timestamp) -> String {
        let when = match self.at {
            Some(t) => format!(
                "next renewal {} ({})",
                timefmt::rfc3339(t),
                timefmt::relative(t, now)
            ),
            None => "next renewal not scheduled yet".to_string(),
        };
        let rule = match &self.rule {
            Rule::Ari(s, e) => format!(
                "within the CA's suggested window {} – {} (ACME Renewal Information)",
                timefmt::rfc3339(*s),
                timefmt::rfc3339(*e)
            ),
            Rule::RenewBefore(d) => format!("{d} before expiry (spec.renewBefore)"),
            Rule::Percentage(p) => {
                format!("when {p}% of the lifetime is left (spec.renewBeforePercentage)")
            }
            Rule::Default => {
                "when a third of the lifetime is left (cert-manager's default)".to_string()
            }
        };
        let windows = if self.waits_for_window(now) {
            "; waiting for a renewal window (spec.renewalPolicies)"
        } else if self.windows {
            "; spec.renewalPolicies may move it into a window"
        } else {
            ""
        };
        format!("{when}, {rule}{windows}")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn cert(spec: serde_json::Value, status: serde_json::Value) -> Certificate {
        let mut v = json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
                           "metadata": {"name": "c", "namespace": "n"},
                           "spec": {"secretName": "c"}, "status": status});
        for (k, x) in spec.as_object().unwrap() {
            v["spec"][k] = x.clone();
        }
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn the_renewal_line_names_the_rule_that_decides() {
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let st = json!({"renewalTime": "2026-12-14T10:00:00Z"});
        let table = [
            (
                json!({}),
                st.clone(),
                "when a third of the lifetime is left (cert-manager's default)",
            ),
            (
                json!({"renewBefore": "720h"}),
                st.clone(),
                "720h before expiry (spec.renewBefore)",
            ),
            (
                json!({"renewBeforePercentage": 25}),
                st.clone(),
                "when 25% of the lifetime is left",
            ),
            (
                json!({}),
                json!({"renewalTime": "2026-12-14T10:00:00Z",
                               "acme": {"ari": {"suggestedWindow": {"start": "2026-12-13T00:00:00Z",
                                                                    "end": "2026-12-15T00:00:00Z"}}}}),
                "within the CA's suggested window 2026-12-13T00:00:00Z – 2026-12-15T00:00:00Z",
            ),
        ];
        for (spec, status, want) in table {
            let line = renewal(&cert(spec, status)).describe(now);
            assert!(
                line.starts_with("next renewal 2026-12-14T10:00:00Z (in 20d)"),
                "{line}"
            );
            assert!(line.contains(want), "{line} lacks {want}");
        }
    }

    #[test]
    fn a_passed_renewal_time_waiting_for_a_window_is_not_overdue() {
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let passed = json!({"renewalTime": "2026-11-23T10:00:00Z"});
        assert!(!renewal(&cert(json!({}), passed.clone())).waits_for_window(now));
        let r = renewal(&cert(
            json!({"renewalPolicies": [{"window": "sat 02:00-04:00"}]}),
            passed,
        ));
        assert!(r.waits_for_window(now));
        assert!(r.describe(now).contains("waiting for a renewal window"));
        let ari = json!({"renewalTime": "2026-11-23T10:00:00Z",
                         "acme": {"ari": {"suggestedWindow": {"start": "2026-11-25T00:00:00Z",
                                                              "end": "2026-11-26T00:00:00Z"}}}});
        assert!(renewal(&cert(json!({}), ari)).waits_for_window(now));
    }
}
