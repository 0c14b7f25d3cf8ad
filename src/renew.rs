//! The pure half of `renew`: deciding what to do with one Certificate and writing the
//! `Issuing` condition into its status exactly as cert-manager's trigger expects.
//!
//! The object is handled as raw JSON so that every status field and condition certdoctor
//! does not model survives the round trip untouched: the write replaces the whole status,
//! so anything dropped here would be dropped in the cluster.

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::timefmt;

/// Condition reason cert-manager (and cmctl) use for a manual trigger.
pub const REASON: &str = "ManuallyTriggered";
/// Condition message cert-manager (and cmctl) use for a manual trigger.
pub const MESSAGE: &str = "Certificate re-issuance manually triggered";

/// What to do with one Certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Set the condition. `bypassed` describes a failure backoff the trigger skips, if any.
    Renew {
        /// e.g. `failed 3 times, next automatic retry was in 7h`.
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
    let failed = obj
        .pointer("/status/failedIssuanceAttempts")
        .and_then(Value::as_i64)
        .filter(|n| *n > 0);
    let last = obj
        .pointer("/status/lastFailureTime")
        .and_then(Value::as_str)
        .and_then(timefmt::parse);
    let bypassed = match (failed, last) {
        (Some(n), Some(last)) => {
            let next = last.checked_add(timefmt::backoff(n)).ok();
            let when = match next {
                Some(t) if t > now => {
                    format!("next automatic retry was {}", timefmt::relative(t, now))
                }
                _ => "automatic retry was due".to_string(),
            };
            Some(format!(
                "failed {n} time{}, {when}",
                if n == 1 { "" } else { "s" }
            ))
        }
        _ => None,
    };
    Decision::Renew { bypassed }
}

/// Sets `Issuing=True` / `ManuallyTriggered` in `obj`'s status, replacing an existing
/// Issuing condition in place (or appending one) and touching nothing else.
pub fn set_trigger(obj: &mut Value, now: Timestamp) {
    let generation = obj.pointer("/metadata/generation").and_then(Value::as_i64);
    let mut cond = json!({
        "type": "Issuing",
        "status": "True",
        "reason": REASON,
        "message": MESSAGE,
        "lastTransitionTime": timefmt::rfc3339(now),
    });
    if let Some(g) = generation {
        cond["observedGeneration"] = json!(g);
    }
    let Some(root) = obj.as_object_mut() else {
        return;
    };
    let status = root.entry("status").or_insert_with(|| json!({}));
    if !status.is_object() {
        *status = json!({});
    }
    let list = status
        .as_object_mut()
        .expect("status is an object")
        .entry("conditions")
        .or_insert_with(|| json!([]));
    if !list.is_array() {
        *list = json!([]);
    }
    let list = list.as_array_mut().expect("conditions is an array");
    match list.iter_mut().find(|c| c["type"] == "Issuing") {
        Some(existing) => *existing = cond,
        None => list.push(cond),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-23T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn trigger_changes_only_the_issuing_condition() {
        let mut obj = json!({
            "metadata": {"name": "a", "generation": 4, "resourceVersion": "7"},
            "status": {"conditions": [
                {"type": "Ready", "status": "False", "reason": "Expired", "futureField": 1},
                {"type": "Issuing", "status": "False", "reason": "Failed"}
            ], "revision": 3, "somethingNew": {"x": true}}
        });
        let before = obj.clone();
        set_trigger(&mut obj, now());
        assert_eq!(
            obj["status"]["conditions"][0],
            before["status"]["conditions"][0]
        );
        assert_eq!(
            obj["status"]["conditions"][1],
            json!({"type": "Issuing", "status": "True", "reason": REASON, "message": MESSAGE,
                   "lastTransitionTime": "2026-11-23T12:00:00Z", "observedGeneration": 4})
        );
        assert_eq!(
            obj["status"]["somethingNew"],
            before["status"]["somethingNew"]
        );
        assert_eq!(obj["metadata"], before["metadata"]);
    }

    #[test]
    fn trigger_creates_status_when_missing() {
        let mut obj = json!({"metadata": {"name": "a"}});
        set_trigger(&mut obj, now());
        assert_eq!(obj["status"]["conditions"].as_array().unwrap().len(), 1);
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
    fn backoff_that_the_trigger_bypasses_is_described() {
        let obj = json!({"status": {"failedIssuanceAttempts": 4, "lastFailureTime": "2026-11-23T11:00:00Z"}});
        assert_eq!(
            decide(&obj, now(), false),
            Decision::Renew {
                bypassed: Some("failed 4 times, next automatic retry was in 7h".into())
            }
        );
    }
}
