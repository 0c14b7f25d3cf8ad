//! Approving or denying a CertificateRequest by hand, as `cmctl approve` / `cmctl deny` do:
//! which decision a request already carries, the one condition a decision writes, and the
//! signer name cert-manager's approval webhook checks the `approve` permission on.
//!
//! Pure: the object is raw JSON (every status field certdoctor does not model survives the
//! status write untouched), and "now" is given.

use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Value, json};

use crate::timefmt;

/// The condition reason cmctl writes by default (`--reason`); kept so approval audits and
/// policies that match on it see the same thing whichever tool approved.
pub const DEFAULT_REASON: &str = "KubectlCertManager";

/// Approve or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// `Approved=True`.
    Approve,
    /// `Denied=True`.
    Deny,
}

impl Verdict {
    /// The condition type the verdict sets: `Approved` or `Denied`.
    pub fn condition_type(self) -> &'static str {
        match self {
            Verdict::Approve => "Approved",
            Verdict::Deny => "Denied",
        }
    }

    /// The command's verb: `approve` or `deny`.
    pub fn verb(self) -> &'static str {
        match self {
            Verdict::Approve => "approve",
            Verdict::Deny => "deny",
        }
    }

    /// cmctl's default message with certdoctor's name in the build-name slot:
    /// `manually approved by "certdoctor"`.
    pub fn default_message(self) -> String {
        let done = match self {
            Verdict::Approve => "approved",
            Verdict::Deny => "denied",
        };
        format!("manually {done} by \"certdoctor\"")
    }
}

/// The decision a request already carries: the verdict of its `True` `Approved` or `Denied`
/// condition (Approved is looked at first, as cmctl does), and that condition.
pub fn decided(request: &Value) -> Option<(Verdict, Value)> {
    let conditions = request.pointer("/status/conditions")?.as_array()?;
    [Verdict::Approve, Verdict::Deny].into_iter().find_map(|v| {
        conditions
            .iter()
            .find(|c| c["type"] == v.condition_type() && c["status"] == "True")
            .map(|c| (v, c.clone()))
    })
}

/// The condition `verdict` writes: `type`, `status: "True"`, `reason`, `message` and
/// `lastTransitionTime` (CertificateRequest conditions carry no observedGeneration).
pub fn condition(verdict: Verdict, reason: &str, message: &str, now: Timestamp) -> Value {
    json!({
        "type": verdict.condition_type(),
        "status": "True",
        "lastTransitionTime": timefmt::rfc3339(now),
        "reason": reason,
        "message": message,
    })
}

/// Sets `cond` in an object's status (a CertificateRequest's approval, a Certificate's
/// Issuing trigger) the way cert-manager's `Set…Condition` helpers do: replacing a condition of the same type in place (keeping its transition time when
/// the status is unchanged) or appending it, and touching nothing else.
pub fn set_condition(request: &mut Value, mut cond: Value) {
    let Some(root) = request.as_object_mut() else {
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
    match list.iter_mut().find(|c| c["type"] == cond["type"]) {
        Some(existing) => {
            if existing["status"] == cond["status"]
                && let Some(t) = existing.get("lastTransitionTime")
            {
                cond["lastTransitionTime"] = t.clone();
            }
            *existing = cond;
        }
        None => list.push(cond),
    }
}

/// The signer name of the request's issuer, as cert-manager's approval webhook checks it:
/// `issuers.cert-manager.io/NAMESPACE.NAME`, `clusterissuers.cert-manager.io/NAME`, and for
/// an external issuer `<kind plural>.<group>/…` the same way.
pub fn signer_name(request: &Value) -> String {
    let field = |k: &str| {
        request
            .pointer(&format!("/spec/issuerRef/{k}"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let name = field("name").unwrap_or("ISSUER");
    let kind = field("kind").unwrap_or("Issuer");
    let group = field("group").unwrap_or("cert-manager.io");
    let ns = request
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("default");
    let plural = format!("{}s", kind.to_ascii_lowercase());
    if kind.ends_with("ClusterIssuer") {
        format!("{plural}.{group}/{name}")
    } else {
        format!("{plural}.{group}/{ns}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-23T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_condition_is_cmctls() {
        let c = condition(Verdict::Approve, DEFAULT_REASON, "m", now());
        assert_eq!(
            c,
            json!({"type": "Approved", "status": "True", "reason": "KubectlCertManager",
                   "message": "m", "lastTransitionTime": "2026-11-23T12:00:00Z"})
        );
        assert_eq!(
            Verdict::Deny.default_message(),
            "manually denied by \"certdoctor\""
        );
    }

    #[test]
    fn setting_appends_and_keeps_everything_else() {
        let mut cr = json!({"metadata": {"resourceVersion": "4"},
            "status": {"conditions": [{"type": "Ready", "status": "False", "reason": "Pending", "x": 1}],
                       "somethingNew": true}});
        let before = cr.clone();
        set_condition(&mut cr, condition(Verdict::Deny, "r", "m", now()));
        let conds = cr["status"]["conditions"].as_array().unwrap();
        assert_eq!(conds[0], before["status"]["conditions"][0]);
        assert_eq!(conds[1]["type"], "Denied");
        assert_eq!(cr["status"]["somethingNew"], true);
        assert_eq!(cr["metadata"], before["metadata"]);
        let mut bare = json!({"metadata": {}});
        set_condition(&mut bare, condition(Verdict::Approve, "r", "m", now()));
        assert_eq!(bare["status"]["conditions"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn a_decided_request_says_how() {
        let cr = |conds: Value| json!({"status": {"conditions": conds}});
        assert!(decided(&cr(json!([]))).is_none());
        assert!(decided(&json!({})).is_none());
        let (v, c) = decided(&cr(
            json!([{"type": "Denied", "status": "True", "reason": "Policy"}]),
        ))
        .unwrap();
        assert_eq!((v, c["reason"].as_str()), (Verdict::Deny, Some("Policy")));
        let (v, _) = decided(&cr(json!([{"type": "Approved", "status": "True"}]))).unwrap();
        assert_eq!(v, Verdict::Approve);
    }

    #[test]
    fn signer_names_follow_the_issuer_kind() {
        let cr = |r: Value| json!({"metadata": {"namespace": "prod"}, "spec": {"issuerRef": r}});
        assert_eq!(
            signer_name(&cr(json!({"name": "ca"}))),
            "issuers.cert-manager.io/prod.ca"
        );
        assert_eq!(
            signer_name(&cr(
                json!({"name": "le", "kind": "ClusterIssuer", "group": "cert-manager.io"})
            )),
            "clusterissuers.cert-manager.io/le"
        );
        assert_eq!(
            signer_name(&cr(
                json!({"name": "pca", "kind": "AWSPCAClusterIssuer", "group": "awspca.cert-manager.io"})
            )),
            "awspcaclusterissuers.awspca.cert-manager.io/pca"
        );
    }
}
