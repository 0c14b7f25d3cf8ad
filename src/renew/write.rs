//! The write of `renew`: set the `Issuing` condition exactly as cert-manager's trigger
//! expects and PUT the status, re-reading and deciding again on 409 Conflict so a
//! concurrent controller write is never overwritten.
//!
//! The object is handled as raw JSON so that every status field and condition certdoctor
//! does not model survives the round trip untouched: the write replaces the whole status,
//! so anything dropped here would be dropped in the cluster.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{Decision, DryRun, RenewOptions, Renewal, State, decide, ns_name};
use crate::cluster::client::Connection;
use crate::cluster::load;
use crate::error::CliError;
use crate::model::approval::set_condition;
use crate::model::snapshot::CERTIFICATES;
use crate::timefmt;

/// Condition reason cert-manager (and cmctl) use for a manual trigger.
pub const REASON: &str = "ManuallyTriggered";
/// Condition message cert-manager (and cmctl) use for a manual trigger.
pub const MESSAGE: &str = "Certificate re-issuance manually triggered";
/// Attempts per certificate when the API server answers 409 Conflict.
pub const MAX_ATTEMPTS: usize = 5;

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
    set_condition(obj, cond);
}

fn forbidden(ns: &str, message: &str) -> CliError {
    CliError::new(format!("not allowed to update certificates/status in namespace {ns}: {message}")).hint(format!(
        "renew needs the RBAC rule: verbs [update] on resource certificates/status in apiGroup cert-manager.io; check with `kubectl auth can-i update certificates.cert-manager.io --subresource=status -n {ns}`"
    ))
}

/// What came of one write.
pub(super) enum Outcome {
    /// A result to report.
    Done(Renewal),
    /// 403 on the write: namespace, name and the error naming the RBAC rule.
    Forbidden(String, String, CliError),
}

/// Decides and writes one Certificate, retrying with a fresh copy on conflict: each retry
/// decides again, so a certificate a controller started issuing meanwhile is skipped.
pub(super) async fn renew_one(
    conn: &Connection,
    mut obj: Value,
    opts: &RenewOptions,
    now: Timestamp,
) -> Outcome {
    let (namespace, name) = ns_name(&obj);
    let previous_revision = obj.pointer("/status/revision").and_then(Value::as_i64);
    let result = |state: State, detail: Option<String>| {
        Outcome::Done(Renewal {
            namespace: namespace.clone(),
            name: name.clone(),
            state,
            detail,
            previous_revision,
            revision: None,
        })
    };
    for attempt in 1..=MAX_ATTEMPTS {
        let bypassed = match decide(&obj, now, opts.force) {
            Decision::Skip { reason } => return result(State::Skipped, Some(reason)),
            Decision::Renew { bypassed } => bypassed.map(|b| format!("bypassed backoff: {b}")),
        };
        if opts.dry_run == Some(DryRun::Client) {
            return result(State::WouldRenew, bypassed);
        }
        set_trigger(&mut obj, now);
        match load::put_status(
            conn,
            &CERTIFICATES,
            &obj,
            opts.dry_run == Some(DryRun::Server),
        )
        .await
        {
            Ok(_) => {
                let state = if opts.dry_run.is_some() {
                    State::WouldRenew
                } else {
                    State::Renewed
                };
                return result(state, bypassed);
            }
            Err(load::WriteError::Conflict) if attempt < MAX_ATTEMPTS => {
                match load::get_one(conn, &CERTIFICATES, &namespace, &name).await {
                    Ok(Some(fresh)) => obj = fresh,
                    Ok(None) => {
                        return result(State::Failed, Some("the certificate was deleted".into()));
                    }
                    Err(e) => {
                        return result(
                            State::Failed,
                            Some(format!("re-reading after a conflict: {}", e.message)),
                        );
                    }
                }
            }
            Err(load::WriteError::Conflict) => {
                return result(
                    State::Failed,
                    Some(format!(
                        "conflict: the certificate kept changing ({MAX_ATTEMPTS} attempts); run renew again"
                    )),
                );
            }
            Err(load::WriteError::NotFound) => {
                return result(
                    State::Failed,
                    Some("the certificate no longer exists".into()),
                );
            }
            Err(load::WriteError::Forbidden(m)) => {
                return Outcome::Forbidden(
                    namespace.clone(),
                    name.clone(),
                    forbidden(&namespace, &m),
                );
            }
            Err(load::WriteError::Other(m)) => return result(State::Failed, Some(m)),
        }
    }
    unreachable!("the last attempt returns")
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
}
