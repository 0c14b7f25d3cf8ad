//! What `audit` reads beyond the snapshot: Prometheus Operator rules and monitors,
//! PodDisruptionBudgets, cert-manager's Deployments and trust-manager Bundles. Each kind is
//! one cluster-wide LIST (cert-manager and Prometheus run in their own namespaces, not the
//! user's), and a kind whose API is not installed is a fact ("the Prometheus Operator is not
//! installed"), never an error. Objects stay JSON: only a few fields are read.

use std::collections::BTreeMap;

use serde_json::Value;

use super::snapshot::{CONTROL_PLANE_SELECTOR, DEPLOYMENTS, KindInfo, RawSnapshot, Unreadable};

const fn kind(
    kind: &'static str,
    group: &'static str,
    version: &'static str,
    plural: &'static str,
) -> KindInfo {
    KindInfo {
        kind,
        group,
        version,
        plural,
        namespaced: true,
        field_selector: None,
        label_selector: None,
        all_namespaces: true,
        optional: true,
        metadata_only: false,
    }
}

/// Prometheus Operator alerting and recording rules.
pub const PROMETHEUS_RULES: KindInfo = kind(
    "PrometheusRule",
    "monitoring.coreos.com",
    "v1",
    "prometheusrules",
);
/// Prometheus Operator scrape configuration by Service.
pub const SERVICE_MONITORS: KindInfo = kind(
    "ServiceMonitor",
    "monitoring.coreos.com",
    "v1",
    "servicemonitors",
);
/// Prometheus Operator scrape configuration by Pod.
pub const POD_MONITORS: KindInfo = kind("PodMonitor", "monitoring.coreos.com", "v1", "podmonitors");
/// PodDisruptionBudgets (does one keep a webhook replica through a node drain?).
pub const POD_DISRUPTION_BUDGETS: KindInfo = kind(
    "PodDisruptionBudget",
    "policy",
    "v1",
    "poddisruptionbudgets",
);
/// trust-manager Bundles (cluster-scoped): how a CA reaches the clients that must trust it.
pub const BUNDLES: KindInfo = KindInfo {
    namespaced: false,
    ..kind("Bundle", "trust.cert-manager.io", "v1alpha1", "bundles")
};

/// Every kind `audit` reads on top of the snapshot, in load order. cert-manager's
/// Deployments come with the snapshot ([`DEPLOYMENTS`], label-selected).
pub const AUDIT_KINDS: [KindInfo; 5] = [
    PROMETHEUS_RULES,
    SERVICE_MONITORS,
    POD_MONITORS,
    POD_DISRUPTION_BUDGETS,
    BUNDLES,
];

/// The metric of the expiry alert.
pub const EXPIRY_METRIC: &str = "certmanager_certificate_expiration_timestamp_seconds";
/// The metric of the not-Ready alert.
pub const READY_METRIC: &str = "certmanager_certificate_ready_status";

/// What a LIST of one kind gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Listed {
    /// The objects (possibly none).
    Objects(Vec<Value>),
    /// The API is not installed (404), or a dump holds no object of the kind.
    Absent,
    /// The API refused (RBAC) or failed: nothing can be concluded.
    Unreadable(String),
}

impl Listed {
    /// The objects; empty when absent or unreadable.
    pub fn objects(&self) -> &[Value] {
        match self {
            Listed::Objects(v) => v,
            _ => &[],
        }
    }
}

/// The objects `audit` reads besides the snapshot, per kind.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditObjects {
    /// PrometheusRules.
    pub prometheus_rules: Listed,
    /// ServiceMonitors.
    pub service_monitors: Listed,
    /// PodMonitors.
    pub pod_monitors: Listed,
    /// PodDisruptionBudgets.
    pub pdbs: Listed,
    /// cert-manager's Deployments.
    pub deployments: Listed,
    /// trust-manager Bundles.
    pub bundles: Listed,
    /// True when read from a dump: an empty kind there may only mean it was not dumped.
    pub offline: bool,
}

fn matches_kind(v: &Value, info: &KindInfo) -> bool {
    let kind = v.get("kind").and_then(Value::as_str);
    let group = v
        .get("apiVersion")
        .and_then(Value::as_str)
        .map(|a| a.rsplit_once('/').map_or("", |(g, _)| g));
    kind == Some(info.kind) && group == Some(info.group)
}

impl AuditObjects {
    /// Sorts raw objects into their kinds (the snapshot's Deployments included). `absent` are
    /// the kinds whose API answered 404, `unreadable` those it refused. Offline (`offline`), a
    /// kind without any object counts as absent: a dump cannot tell "not installed" from
    /// "none".
    pub fn from_raw(
        raw: &RawSnapshot,
        absent: &[KindInfo],
        unreadable: &[Unreadable],
        offline: bool,
    ) -> AuditObjects {
        let control_plane = super::selector::LabelSelector::parse(CONTROL_PLANE_SELECTOR)
            .expect("the control-plane selector parses");
        let pick = |info: &KindInfo| -> Listed {
            if absent.contains(info) {
                return Listed::Absent;
            }
            if let Some(u) = unreadable.iter().find(|u| u.resource == info.qualified()) {
                return Listed::Unreadable(u.reason.clone());
            }
            let objects: Vec<Value> = raw
                .objects
                .iter()
                .filter(|v| matches_kind(v, info))
                .filter(|v| *info != DEPLOYMENTS || control_plane.matches(&label_pairs(v)))
                .cloned()
                .collect();
            if offline && objects.is_empty() {
                Listed::Absent
            } else {
                Listed::Objects(objects)
            }
        };
        AuditObjects {
            prometheus_rules: pick(&PROMETHEUS_RULES),
            service_monitors: pick(&SERVICE_MONITORS),
            pod_monitors: pick(&POD_MONITORS),
            pdbs: pick(&POD_DISRUPTION_BUDGETS),
            deployments: pick(&DEPLOYMENTS),
            bundles: pick(&BUNDLES),
            offline,
        }
    }

    /// True when the objects are one of `audit`'s kinds (for `dump`).
    pub fn is_audit_kind(v: &Value) -> bool {
        AUDIT_KINDS.iter().any(|k| matches_kind(v, k))
    }
}

/// The labels of an object (`metadata.labels`) as pairs.
pub fn label_pairs(v: &Value) -> Vec<(String, String)> {
    labels_at(v, "/metadata/labels")
}

/// The string map at `pointer` as pairs (labels, matchLabels).
pub fn labels_at(v: &Value, pointer: &str) -> Vec<(String, String)> {
    v.pointer(pointer)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a Kubernetes `LabelSelector` object (`matchLabels`, `matchExpressions`) selects
/// `labels`. An empty selector selects everything, as in a PodDisruptionBudget; a missing
/// one (`None`) nothing.
pub fn selector_matches(selector: Option<&Value>, labels: &[(String, String)]) -> bool {
    let Some(sel) = selector.filter(|s| s.is_object()) else {
        return false;
    };
    let get = |k: &str| labels.iter().find(|(l, _)| l == k).map(|(_, v)| v.as_str());
    let by_labels = labels_at(sel, "/matchLabels")
        .iter()
        .all(|(k, v)| get(k) == Some(v.as_str()));
    let by_expressions = sel
        .get("matchExpressions")
        .and_then(Value::as_array)
        .is_none_or(|exprs| {
            exprs.iter().all(|e| {
                let key = e.get("key").and_then(Value::as_str).unwrap_or("");
                let values: Vec<&str> = e
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                match e.get("operator").and_then(Value::as_str) {
                    Some("In") => get(key).is_some_and(|v| values.contains(&v)),
                    Some("NotIn") => get(key).is_none_or(|v| !values.contains(&v)),
                    Some("Exists") => get(key).is_some(),
                    Some("DoesNotExist") => get(key).is_none(),
                    _ => false,
                }
            })
        });
    by_labels && by_expressions
}

/// Which cert-manager component a Deployment runs (`controller`, `webhook`, `cainjector`),
/// from its `app.kubernetes.io/component` label.
pub fn component(deployment: &Value) -> Option<String> {
    label_pairs(deployment)
        .into_iter()
        .find(|(k, _)| k == "app.kubernetes.io/component")
        .map(|(_, v)| v)
}

/// Every alerting expression of a PrometheusRule, by alert name (recording rules alert
/// nobody, so they do not count).
pub fn alert_expressions(rule: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let groups = rule
        .pointer("/spec/groups")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for g in groups {
        for r in g
            .get("rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(name) = r.get("alert").and_then(Value::as_str) else {
                continue;
            };
            let expr = match r.get("expr") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => continue,
            };
            out.insert(name.to_string(), expr);
        }
    }
    out
}

/// The names of the Secrets and ConfigMaps a trust-manager Bundle reads (`spec.sources`).
pub fn bundle_sources(bundle: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for s in bundle
        .pointer("/spec/sources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for kind in ["secret", "configMap"] {
            if let Some(name) = s
                .get(kind)
                .and_then(|o| o.get("name"))
                .and_then(Value::as_str)
            {
                out.push((kind.to_string(), name.to_string()));
            }
        }
    }
    out
}

/// Parses a Go duration (`2160h`, `1h30m`, `90m0s`, `1.5h`) as cert-manager's API accepts it;
/// `None` when it is not one.
pub fn go_duration(text: &str) -> Option<jiff::SignedDuration> {
    let t = text.trim();
    if t == "0" {
        return Some(jiff::SignedDuration::ZERO);
    }
    let (neg, mut rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if rest.is_empty() {
        return None;
    }
    let mut nanos: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        nanos += n * scale;
    }
    let secs = nanos / 1e9;
    let d = jiff::SignedDuration::try_from_secs_f64(secs).ok()?;
    Some(if neg { -d } else { d })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn go_durations_parse() {
        assert_eq!(go_duration("24h").unwrap().as_secs(), 86_400);
        assert_eq!(go_duration("1h30m").unwrap().as_secs(), 5_400);
        assert_eq!(go_duration("1.5h").unwrap().as_secs(), 5_400);
        assert_eq!(go_duration("2160h0m0s").unwrap().as_secs(), 90 * 86_400);
        assert!(go_duration("7d").is_none());
        assert!(go_duration("").is_none());
    }

    #[test]
    fn selectors_match_labels_and_expressions() {
        let labels = vec![
            ("app".to_string(), "webhook".to_string()),
            ("tier".to_string(), "cm".to_string()),
        ];
        let sel = json!({"matchLabels": {"app": "webhook"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["cm"]}]});
        assert!(selector_matches(Some(&sel), &labels));
        assert!(selector_matches(Some(&json!({})), &labels));
        assert!(!selector_matches(None, &labels));
        let other = json!({"matchLabels": {"app": "controller"}});
        assert!(!selector_matches(Some(&other), &labels));
    }

    #[test]
    fn offline_empty_kinds_are_absent_and_deployments_are_label_filtered() {
        let raw = RawSnapshot {
            objects: vec![
                json!({"apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": {"name": "web", "namespace": "a", "labels": {"app": "web"}}}),
                json!({"apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": {"name": "cert-manager-webhook", "namespace": "cert-manager",
                    "labels": {"app.kubernetes.io/component": "webhook",
                               "app.kubernetes.io/name": "webhook"}}}),
            ],
            unreadable: vec![],
        };
        let o = AuditObjects::from_raw(&raw, &[], &[], true);
        assert_eq!(o.prometheus_rules, Listed::Absent);
        assert_eq!(o.deployments.objects().len(), 1);
        assert_eq!(
            component(&o.deployments.objects()[0]).as_deref(),
            Some("webhook")
        );
    }
}
