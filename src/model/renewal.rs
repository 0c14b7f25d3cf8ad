//! When cert-manager renews a Certificate, and which rule decides it: the CA's ACME Renewal
//! Information window (v1.21, `ACMEUseARI`), `spec.renewBefore` (only when shorter than the
//! certificate's lifetime), `spec.renewBeforePercentage`, or the default of two thirds of
//! the lifetime, as `pkg/util/pki/renewaltime.go` computes it; `spec.renewal` (v1.21) may
//! disable renewal or place it in a cron window. One place, so `status` and `diagnose` say
//! the same line.

use jiff::{SignedDuration, Timestamp};

use super::types::Certificate;
use crate::timefmt;

/// The rule that sets `status.renewalTime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// `spec.renewal.policy: Disabled`: no renewal time, never renewed.
    Disabled,
    /// The CA's suggested window (RFC 9773), start and end.
    Ari(Timestamp, Timestamp),
    /// `spec.renewBefore`, as written (shorter than the lifetime, or the lifetime unknown).
    RenewBefore(String),
    /// `spec.renewBefore`, as written, not shorter than the issued certificate's lifetime:
    /// cert-manager ignores it and falls back to a third of the lifetime.
    RenewBeforeIgnored(String),
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
    /// `spec.renewal.windows` is set: the renewal time was placed in one of them.
    pub windows: bool,
}

/// The lifetime of the issued certificate, from the Certificate's status.
fn lifetime(cert: &Certificate) -> Option<SignedDuration> {
    let st = cert.status.as_ref()?;
    let nb = timefmt::parse(st.not_before.as_deref()?)?;
    let na = timefmt::parse(st.not_after.as_deref()?)?;
    Some(na.duration_since(nb))
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
    let spec = cert.spec.renewal.as_ref();
    let disabled = spec.and_then(|r| r.policy.as_deref()) == Some("Disabled");
    let percentage = cert
        .spec
        .renew_before_percentage
        .filter(|p| (1..100).contains(p));
    let rule = if disabled {
        Rule::Disabled
    } else if let Some((start, end)) = ari {
        Rule::Ari(start, end)
    } else if let Some(rb) = &cert.spec.renew_before {
        let too_long = super::audit::go_duration(rb)
            .zip(lifetime(cert))
            .is_some_and(|(d, life)| d >= life);
        match (too_long, percentage) {
            (false, _) => Rule::RenewBefore(rb.clone()),
            (true, Some(p)) => Rule::Percentage(p),
            (true, None) => Rule::RenewBeforeIgnored(rb.clone()),
        }
    } else if let Some(p) = percentage {
        Rule::Percentage(p)
    } else {
        Rule::Default
    };
    Renewal {
        rule,
        at: st
            .and_then(|s| s.renewal_time.as_deref())
            .and_then(timefmt::parse),
        windows: spec.is_some_and(|r| !r.windows.is_empty()),
    }
}

impl Renewal {
    /// True when a passed `renewalTime` is not overdue because cert-manager waits for the
    /// CA's ARI window to open. (Cron windows need no such exception: cert-manager already
    /// places `renewalTime` inside one.)
    pub fn waits_for_window(&self, now: Timestamp) -> bool {
        matches!(self.rule, Rule::Ari(start, _) if start > now)
    }

    /// True when cert-manager will never renew the Certificate by itself.
    pub fn disabled(&self) -> bool {
        self.rule == Rule::Disabled
    }

    /// One line: when, and which rule decides it.
    pub fn describe(&self, now: Timestamp) -> String {
        if self.disabled() {
            return "renewal disabled (spec.renewal.policy: Disabled): cert-manager will not renew it".into();
        }
        let when = match self.at {
            Some(t) => format!(
                "next renewal {} ({})",
                timefmt::rfc3339(t),
                timefmt::relative(t, now)
            ),
            None => "next renewal not scheduled yet".to_string(),
        };
        let rule = match &self.rule {
            Rule::Disabled => unreachable!("handled above"),
            Rule::Ari(s, e) => format!(
                "within the CA's suggested window {} – {} (ACME Renewal Information)",
                timefmt::rfc3339(*s),
                timefmt::rfc3339(*e)
            ),
            Rule::RenewBefore(d) => format!("{d} before expiry (spec.renewBefore)"),
            Rule::RenewBeforeIgnored(d) => format!(
                "when a third of the lifetime is left (spec.renewBefore {d} is not shorter than the issued certificate's lifetime, so cert-manager ignores it)"
            ),
            Rule::Percentage(p) => {
                format!("when {p}% of the lifetime is left (spec.renewBeforePercentage)")
            }
            Rule::Default => {
                "when a third of the lifetime is left (cert-manager's default)".to_string()
            }
        };
        let windows = if self.windows {
            ", placed in a renewal window (spec.renewal.windows)"
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
    fn a_passed_renewal_time_waits_only_for_an_ari_window_not_yet_open() {
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let passed = json!({"renewalTime": "2026-11-23T10:00:00Z"});
        assert!(!renewal(&cert(json!({}), passed.clone())).waits_for_window(now));
        // Cron windows: cert-manager already placed renewalTime in one, so a passed one is
        // overdue like any other.
        let r = renewal(&cert(
            json!({"renewal": {"policy": "RenewBefore",
                               "windows": [{"cron": "0 2 * * 6", "windowDuration": "2h"}]}}),
            passed,
        ));
        assert!(!r.waits_for_window(now));
        assert!(
            r.describe(now)
                .ends_with("placed in a renewal window (spec.renewal.windows)")
        );
        let ari = json!({"renewalTime": "2026-11-23T10:00:00Z",
                         "acme": {"ari": {"suggestedWindow": {"start": "2026-11-25T00:00:00Z",
                                                              "end": "2026-11-26T00:00:00Z"}}}});
        assert!(renewal(&cert(json!({}), ari)).waits_for_window(now));
    }

    #[test]
    fn a_disabled_policy_says_cert_manager_will_not_renew() {
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let r = renewal(&cert(
            json!({"renewal": {"policy": "Disabled"}, "renewBefore": "720h"}),
            json!({"notAfter": "2026-11-25T12:00:00Z"}),
        ));
        assert!(r.disabled());
        assert!(
            r.describe(now)
                .starts_with("renewal disabled (spec.renewal.policy: Disabled)")
        );
    }

    #[test]
    fn a_renew_before_not_shorter_than_the_lifetime_falls_back_to_a_third() {
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        // A 90-day certificate from a CA that ignored the requested year; renewBefore 2200h
        // (about 92 days) is longer than what was issued.
        let status = json!({"notBefore": "2026-11-01T00:00:00Z", "notAfter": "2027-01-30T00:00:00Z",
                            "renewalTime": "2026-12-31T00:00:00Z"});
        let r = renewal(&cert(json!({"renewBefore": "2200h"}), status.clone()));
        assert_eq!(r.rule, Rule::RenewBeforeIgnored("2200h".into()));
        assert!(r.describe(now).contains(
            "spec.renewBefore 2200h is not shorter than the issued certificate's lifetime"
        ));
        let r = renewal(&cert(json!({"renewBefore": "720h"}), status));
        assert_eq!(r.rule, Rule::RenewBefore("720h".into()));
    }
}
