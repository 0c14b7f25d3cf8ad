//! Secret level, with `diagnose --consumers`: the Pods that use the Certificate's Secret
//! and may hold an old copy of it (a `subPath` mount or env vars never update; a Pod
//! started before the last issuance may keep the old certificate in memory).

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};

use super::Walk;
use crate::diagnose::Level;
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::chain::{Chain, SecretLink};
use crate::model::secret::TlsSecret;
use crate::model::snapshot::Snapshot;

pub(super) fn consumer_checks(w: &mut Walk, chain: &Chain, snapshot: &Snapshot) {
    let Some(pods) = snapshot.consumers() else {
        return;
    };
    let SecretLink::Found(secret) = chain.secret else {
        return;
    };
    let Some(step) = w.path.iter().rposition(|s| s.kind == "Secret") else {
        return;
    };
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.as_deref().unwrap_or("");
    let secret_name = cert.spec.secret_name.as_str();
    let issued = issued_at(secret).or_else(|| {
        cert.status
            .as_ref()
            .and_then(|s| s.not_before.as_deref())
            .and_then(|t| t.parse::<Timestamp>().ok())
    });
    for pod in pods {
        if pod.metadata.namespace.as_deref() != Some(ns) {
            continue;
        }
        if let Some(f) = pod_finding(pod, ns, secret_name, issued) {
            w.add(step, Level::Secret, f);
        }
    }
}

/// notBefore of the leaf in the Secret's `tls.crt`: when it was last issued.
fn issued_at(secret: &TlsSecret) -> Option<Timestamp> {
    let chain = crate::pki::secret_certificates(secret).ok()?;
    chain.first().map(|c| c.not_before)
}

fn containers(spec: &PodSpec) -> impl Iterator<Item = &Container> {
    spec.init_containers
        .iter()
        .flatten()
        .chain(spec.containers.iter())
}

/// Why `pod` may hold an old copy of the Secret `secret` (in its own namespace), if it uses it.
fn reasons(pod: &Pod, secret: &str, issued: Option<Timestamp>) -> Vec<String> {
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    // Volumes holding the Secret, directly or projected.
    let volumes: Vec<&str> = spec
        .volumes
        .iter()
        .flatten()
        .filter(|v| {
            v.secret
                .as_ref()
                .is_some_and(|s| s.secret_name.as_deref() == Some(secret))
                || v.projected.as_ref().is_some_and(|p| {
                    p.sources.iter().flatten().any(|src| {
                        src.secret
                            .as_ref()
                            .is_some_and(|s| s.name.as_str() == secret)
                    })
                })
        })
        .map(|v| v.name.as_str())
        .collect();
    let mut why = Vec::new();
    for c in containers(spec) {
        for m in c.volume_mounts.iter().flatten() {
            let sub = m
                .sub_path
                .as_deref()
                .or(m.sub_path_expr.as_deref())
                .filter(|s| !s.is_empty());
            if let (true, Some(sub)) = (volumes.contains(&m.name.as_str()), sub) {
                why.push(format!(
                    "container {} mounts it with subPath {sub} at {}: a subPath mount never updates",
                    c.name, m.mount_path
                ));
            }
        }
        let env_keys: Vec<&str> = c
            .env
            .iter()
            .flatten()
            .filter(|e| {
                e.value_from
                    .as_ref()
                    .and_then(|f| f.secret_key_ref.as_ref())
                    .is_some_and(|r| r.name.as_str() == secret)
            })
            .map(|e| e.name.as_str())
            .collect();
        if !env_keys.is_empty() {
            why.push(format!(
                "container {} reads it into env vars ({}): env vars never update",
                c.name,
                env_keys.join(", ")
            ));
        }
        if c.env_from.iter().flatten().any(|e| {
            e.secret_ref
                .as_ref()
                .is_some_and(|r| r.name.as_str() == secret)
        }) {
            why.push(format!(
                "container {} reads it into env vars (envFrom): env vars never update",
                c.name
            ));
        }
    }
    let uses = !volumes.is_empty() || !why.is_empty();
    if uses
        && let (Some(issued), Some(started)) = (issued, started_at(pod))
        && started < issued
    {
        why.push(format!(
            "it started at {started}, before the certificate was last issued ({issued}), and has not restarted since: it may hold the old certificate in memory"
        ));
    }
    why
}

/// When the Pod last (re)started: its containers' earliest `state.running.startedAt`, else
/// `status.startTime`.
fn started_at(pod: &Pod) -> Option<Timestamp> {
    let status = pod.status.as_ref()?;
    let running = status
        .container_statuses
        .iter()
        .flatten()
        .filter_map(|c| c.state.as_ref()?.running.as_ref()?.started_at.as_ref())
        .map(|t| t.0)
        .min();
    running.or_else(|| status.start_time.as_ref().map(|t| t.0))
}

fn pod_finding(pod: &Pod, ns: &str, secret: &str, issued: Option<Timestamp>) -> Option<Finding> {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    if matches!(phase, Some("Succeeded" | "Failed")) {
        return None;
    }
    let why = reasons(pod, secret, issued);
    if why.is_empty() {
        return None;
    }
    let name = pod.metadata.name.as_deref().unwrap_or("");
    let mut f = Finding::new(
        Code::ConsumerStale,
        Severity::Warning,
        Subject::new("Pod", Some(ns), name),
        format!("Pod {name} may use an old copy of Secret {secret}"),
        format!(
            "mount the Secret as a whole volume (no subPath) and read the files, or restart the Pod after each renewal (e.g. with a reloader); `kubectl delete pod {name} -n {ns}` picks up the current certificate now"
        ),
    );
    for line in why {
        f = f.evidence(line);
    }
    Some(f.reproduce(format!("kubectl get pod {name} -n {ns} -o yaml")))
}
