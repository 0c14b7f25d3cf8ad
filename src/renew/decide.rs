//! The decision of `renew` for one Certificate, read from its raw JSON: skip it when it is
//! already issuing or when the CA's rate limit has not lifted yet (unless forced), and
//! otherwise say which failure backoff the manual trigger bypasses, so the user learns what
//! they skipped.

use jiff::Timestamp;
use serde_json::Value;

use crate::model::stage::Backoff;
use crate::timefmt;

/// What to do with one Certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Set the condition. `bypassed` describes a failure backoff the trigger skips, if any.
    Renew {
        /// e.g. `failed 3 times; next automatic retry in 7h`.
        bypassed: Option<String>,
    },
    /// Leave it: already issuing (without `--force`).
    Skip {
        /// e.g. `already issuing (since 3m)`.
        reason: String,
    },
}

fn conditions(obj: &Value) -> &[Value] {
    obj.pointer("/status/conditions")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn issuing(obj: &Value) -> Option<&Value> {
    conditions(obj).iter().find(|c| c["type"] == "Issuing")
}

/// Decides for one Certificate object (raw JSON) at `now`.
pub fn decide(obj: &Value, now: Timestamp, force: bool) -> Decision {
    if let Some(c) = issuing(obj).filter(|c| c["status"] == "True")
        && !force
    {
        let since = c["lastTransitionTime"]
            .as_str()
            .and_then(timefmt::parse)
            .map(|t| format!(" (since {})", timefmt::short(now.duration_since(t))))
            .unwrap_or_default();
        return Decision::Skip {
            reason: format!("already issuing{since}; use --force to trigger again"),
        };
    }
    // The CA's rate limit ended the last attempt: before its retry-after time a new one only
    // fails again (and counts against the limit again).
    if !force
        && let Some(message) = issuing(obj)
            .filter(|c| c["status"] == "False")
            .and_then(|c| c["message"].as_str())
        && message.contains("rateLimited")
        && let Some(at) = crate::model::types::retry_after_time(message)
        && at > now
    {
        return Decision::Skip {
            reason: format!(
                "the last attempt hit the CA's rate limit, which lifts at {} ({}); a renewal before then fails again; use --force to trigger anyway",
                timefmt::rfc3339(at),
                timefmt::relative(at, now)
            ),
        };
    }
    let failed = obj
        .pointer("/status/failedIssuanceAttempts")
        .and_then(Value::as_i64)
        .filter(|n| *n > 0);
    let last = obj
        .pointer("/status/lastFailureTime")
        .and_then(Value::as_str)
        .and_then(timefmt::parse);
    let bypassed = match (failed, last) {
        (Some(n), Some(last)) => Backoff::new(n, last).map(|b| b.describe(now)),
        _ => None,
    };
    Decision::Renew { bypassed }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> Timestamp {
        "2026-11-23T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn issuing_certificates_are_skipped_unless_forced() {
        let obj = json!({"status": {"conditions": [
            {"type": "Issuing", "status": "True", "lastTransitionTime": "2026-11-23T11:57:00Z"}]}});
        assert_eq!(
            decide(&obj, now(), false),
            Decision::Skip {
                reason: "already issuing (since 3m); use --force to trigger again".into()
            }
        );
        assert_eq!(
            decide(&obj, now(), true),
            Decision::Renew { bypassed: None }
        );
    }

    #[test]
    fn a_rate_limit_not_lifted_yet_is_skipped_unless_forced() {
        let failed = |retry: &str| {
            json!({"status": {"failedIssuanceAttempts": 1, "lastFailureTime": "2026-11-23T11:00:00Z",
                "conditions": [{"type": "Issuing", "status": "False", "reason": "Failed",
                "message": format!("The certificate request has failed to complete and will be retried: Failed to wait for order resource \"web-tls-1-1\" to become ready: order is in \"errored\" state: Failed to create Order: 429 urn:ietf:params:acme:error:rateLimited: Error creating new order :: too many certificates (5) already issued for this exact set of identifiers in the last 168h0m0s, retry after {retry}: see https://letsencrypt.org/docs/rate-limits/")}]}})
        };
        let obj = failed("2026-11-24 03:12:45 UTC");
        match decide(&obj, now(), false) {
            Decision::Skip { reason } => assert!(
                reason.starts_with("the last attempt hit the CA's rate limit, which lifts at 2026-11-24T03:12:45Z (in 15h"),
                "{reason}"
            ),
            d => panic!("{d:?}"),
        }
        assert!(matches!(decide(&obj, now(), true), Decision::Renew { .. }));
        // Lifted already: renew as usual.
        let obj = failed("2026-11-23T10:00:00Z");
        assert!(matches!(decide(&obj, now(), false), Decision::Renew { .. }));
    }

    #[test]
    fn backoff_that_the_trigger_bypasses_is_described() {
        let obj = json!({"status": {"failedIssuanceAttempts": 4, "lastFailureTime": "2026-11-23T11:00:00Z"}});
        assert_eq!(
            decide(&obj, now(), false),
            Decision::Renew {
                bypassed: Some("failed 4 times; next automatic retry in 7h".into())
            }
        );
    }
}
