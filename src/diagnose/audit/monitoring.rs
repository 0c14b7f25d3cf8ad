//! Monitoring and the webhook: alerts on cert-manager's metrics, a scrape of the controller,
//! and a webhook that survives losing a replica.

use serde_json::Value;

use super::{Outcome, plural};
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::audit::{
    AuditObjects, EXPIRY_METRIC, Listed, READY_METRIC, alert_expressions, component, labels_at,
    selector_matches,
};

fn name_of(v: &Value) -> (Option<&str>, &str) {
    let ns = v.pointer("/metadata/namespace").and_then(Value::as_str);
    let name = v
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("<unnamed>");
    (ns, name)
}

fn label(v: &Value) -> String {
    match name_of(v) {
        (Some(ns), name) => format!("{ns}/{name}"),
        (None, name) => name.to_string(),
    }
}

/// The Deployments of one cert-manager component.
fn deployments<'a>(objects: &'a AuditObjects, which: &str) -> Vec<&'a Value> {
    objects
        .deployments
        .objects()
        .iter()
        .filter(|d| component(d).as_deref() == Some(which))
        .collect()
}

fn unreadable(kind: &str, why: &str) -> Outcome {
    Outcome::Skipped(format!(
        "could not read {kind} ({}); nothing can be concluded",
        crate::sanitize::clean(why)
    ))
}

fn cluster_subject() -> Subject {
    Subject::new("Cluster", None, "cert-manager")
}

/// The expiry alert, the not-Ready alert and the scrape. When the Prometheus Operator's
/// kinds do not exist, the first item carries one info finding and all three are not
/// checkable.
pub(super) fn monitoring(objects: &AuditObjects) -> (Outcome, Outcome, Outcome) {
    let absent = |l: &Listed| matches!(l, Listed::Absent);
    if absent(&objects.prometheus_rules)
        && absent(&objects.service_monitors)
        && absent(&objects.pod_monitors)
    {
        let (why, evidence) = if objects.offline {
            (
                "the dump holds no PrometheusRule, ServiceMonitor or PodMonitor",
                "the dump has no object of monitoring.coreos.com: the Prometheus Operator is not installed, or the dump was written without these kinds",
            )
        } else {
            (
                "the Prometheus Operator's kinds (monitoring.coreos.com) do not exist",
                "prometheusrules, servicemonitors and podmonitors.monitoring.coreos.com: 404 Not Found",
            )
        };
        let f = Finding::new(
            Code::MonitoringNotInstalled,
            Severity::Info,
            cluster_subject(),
            format!("{why}, so alerts and scraping cannot be checked"),
            "If cert-manager's metrics are collected another way (a plain Prometheus scrape config, a hosted agent), check by hand that alerts use certmanager_certificate_expiration_timestamp_seconds and certmanager_certificate_ready_status. Otherwise install the Prometheus Operator (kube-prometheus-stack) and enable the chart's prometheus.servicemonitor.enabled.",
        )
        .evidence(evidence)
        .reproduce("kubectl api-resources --api-group=monitoring.coreos.com");
        let skipped = || Outcome::Skipped(format!("{why} (MONITORING_NOT_INSTALLED)"));
        return (
            Outcome::SkippedWith(why.to_string(), vec![f]),
            skipped(),
            skipped(),
        );
    }
    (
        alert(objects, EXPIRY_METRIC, Code::NoExpiryAlert),
        alert(objects, READY_METRIC, Code::NoReadyAlert),
        scraped(objects),
    )
}

fn alert(objects: &AuditObjects, metric: &str, code: Code) -> Outcome {
    let rules = match &objects.prometheus_rules {
        Listed::Unreadable(why) => return unreadable("prometheusrules.monitoring.coreos.com", why),
        l => l.objects(),
    };
    let using: Vec<String> = rules
        .iter()
        .flat_map(|r| {
            alert_expressions(r)
                .into_iter()
                .filter(|(_, expr)| expr.contains(metric))
                .map(|(name, _)| format!("{} ({name})", label(r)))
                .collect::<Vec<_>>()
        })
        .collect();
    if !using.is_empty() {
        return Outcome::checked(format!("alert {}", using.join(", ")), vec![]);
    }
    let (what, example) = if code == Code::NoExpiryAlert {
        (
            "before a certificate expires",
            "certmanager_certificate_expiration_timestamp_seconds - time() < 14 * 24 * 3600",
        )
    } else {
        (
            "when a certificate stops being Ready",
            "certmanager_certificate_ready_status{condition!=\"True\"} == 1",
        )
    };
    let f = Finding::new(
        code,
        Severity::Warning,
        cluster_subject(),
        format!("no PrometheusRule alerts on {metric}: nobody is told {what}"),
        format!("Add an alerting rule to a PrometheusRule your Prometheus loads, e.g. `expr: {example}` for 10m (the cert-manager mixin has ready-made ones)."),
    )
    .evidence(format!(
        "{} read; no alert expression mentions {metric}",
        plural(rules.len(), "PrometheusRule", "PrometheusRules")
    ))
    .reproduce(format!("kubectl get prometheusrules -A -o yaml | grep -n {metric}"));
    Outcome::checked(
        format!(
            "{} read",
            plural(rules.len(), "PrometheusRule", "PrometheusRules")
        ),
        vec![f],
    )
}

/// Whether a monitor's `namespaceSelector` covers `ns` (absent: the monitor's own namespace).
fn covers_namespace(monitor: &Value, ns: &str) -> bool {
    let sel = monitor.pointer("/spec/namespaceSelector");
    if sel.and_then(|s| s.get("any")).and_then(Value::as_bool) == Some(true) {
        return true;
    }
    let names: Vec<&str> = sel
        .and_then(|s| s.get("matchNames"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if names.is_empty() {
        name_of(monitor).0 == Some(ns)
    } else {
        names.contains(&ns)
    }
}

fn scraped(objects: &AuditObjects) -> Outcome {
    for (l, kind) in [
        (
            &objects.service_monitors,
            "servicemonitors.monitoring.coreos.com",
        ),
        (&objects.pod_monitors, "podmonitors.monitoring.coreos.com"),
    ] {
        if let Listed::Unreadable(why) = l {
            return unreadable(kind, why);
        }
    }
    let controllers = deployments(objects, "controller");
    if controllers.is_empty() {
        return Outcome::Skipped(match &objects.deployments {
            Listed::Unreadable(why) => format!("could not read deployments.apps ({})", crate::sanitize::clean(why)),
            _ => "cert-manager's controller Deployment was not found (labels app.kubernetes.io/component=controller, app.kubernetes.io/name=cert-manager)".into(),
        });
    }
    let monitors: Vec<&Value> = objects
        .service_monitors
        .objects()
        .iter()
        .chain(objects.pod_monitors.objects())
        .collect();
    let mut findings = Vec::new();
    let mut found = Vec::new();
    for d in &controllers {
        let (ns, name) = name_of(d);
        let ns = ns.unwrap_or_default();
        // The chart's Service carries the Pods' labels, so one test serves both kinds.
        let pod_labels = labels_at(d, "/spec/template/metadata/labels");
        let by: Vec<String> = monitors
            .iter()
            .filter(|m| {
                covers_namespace(m, ns)
                    && selector_matches(m.pointer("/spec/selector"), &pod_labels)
            })
            .map(|m| format!("{} {}", m["kind"].as_str().unwrap_or(""), label(m)))
            .collect();
        if by.is_empty() {
            findings.push(
                Finding::new(
                    Code::MetricsNotScraped,
                    Severity::Warning,
                    Subject::new("Deployment", Some(ns), name),
                    "no ServiceMonitor or PodMonitor selects cert-manager's controller: its metrics are not collected, so no alert on them can fire",
                    "Enable the Helm chart's prometheus.servicemonitor.enabled (or prometheus.podmonitor.enabled), or add a ServiceMonitor whose selector matches the controller's Service labels and whose namespaceSelector includes its namespace.",
                )
                .evidence(format!(
                    "{} read; none selects labels {}",
                    plural(monitors.len(), "monitor", "monitors"),
                    pod_labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
                ))
                .reproduce("kubectl get servicemonitors,podmonitors -A"),
            );
        } else {
            found.push(format!("{ns}/{name} by {}", by.join(", ")));
        }
    }
    let detail = if found.is_empty() {
        format!("{} read", plural(monitors.len(), "monitor", "monitors"))
    } else {
        format!("scraped: {}", found.join("; "))
    };
    Outcome::checked(detail, findings)
}

/// At least 2 ready webhook replicas and a PodDisruptionBudget selecting them.
pub(super) fn webhook_ha(objects: &AuditObjects) -> Outcome {
    let webhooks = deployments(objects, "webhook");
    if webhooks.is_empty() {
        return Outcome::Skipped(match &objects.deployments {
            Listed::Unreadable(why) => format!("could not read deployments.apps ({})", crate::sanitize::clean(why)),
            Listed::Absent => "the dump holds no cert-manager Deployment".into(),
            Listed::Objects(_) => "cert-manager's webhook Deployment was not found (labels app.kubernetes.io/component=webhook, app.kubernetes.io/name=webhook)".into(),
        });
    }
    let mut findings = Vec::new();
    let mut details = Vec::new();
    for d in webhooks {
        let (ns, name) = name_of(d);
        let ns = ns.unwrap_or_default();
        let ready = d
            .pointer("/status/readyReplicas")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let wanted = d
            .pointer("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let pod_labels = labels_at(d, "/spec/template/metadata/labels");
        let pdb: Option<Result<String, String>> = match &objects.pdbs {
            Listed::Unreadable(why) => Some(Err(crate::sanitize::clean(why))),
            l => l
                .objects()
                .iter()
                .find(|p| {
                    name_of(p).0 == Some(ns)
                        && selector_matches(p.pointer("/spec/selector"), &pod_labels)
                })
                .map(|p| Ok(name_of(p).1.to_string())),
        };
        let mut problems = Vec::new();
        if ready < 2 {
            problems.push(format!("{ready} ready replica(s) of {wanted} wanted"));
        }
        if pdb.is_none() {
            problems.push("no PodDisruptionBudget selects its Pods".to_string());
        }
        details.push(format!(
            "{ns}/{name}: {ready} ready, PodDisruptionBudget {}",
            match &pdb {
                Some(Ok(p)) => p.clone(),
                Some(Err(_)) => "unreadable".into(),
                None => "none".into(),
            }
        ));
        if problems.is_empty() {
            continue;
        }
        let mut f = Finding::new(
            Code::WebhookNotHa,
            Severity::Warning,
            Subject::new("Deployment", Some(ns), name),
            format!("the webhook is not highly available: {}", problems.join(", ")),
            "Run at least 2 webhook replicas (Helm: webhook.replicaCount=2) with a PodDisruptionBudget (webhook.podDisruptionBudget.enabled=true), spread over nodes: while no replica answers, every create or update of a cert-manager object in the cluster fails.",
        )
        .reproduce(format!("kubectl get deployment {name} -n {ns}"))
        .reproduce(format!("kubectl get poddisruptionbudgets -n {ns}"));
        if let Some(Err(why)) = &pdb {
            f = f.evidence(format!("PodDisruptionBudgets could not be read ({why})"));
        }
        findings.push(f);
    }
    Outcome::checked(details.join("; "), findings)
}
