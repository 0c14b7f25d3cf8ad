//! The HTTP-01 solver's Service, as the solver Ingress or HTTPRoute reaches it. cert-manager
//! (`pkg/issuer/acme/http/service.go`) creates one Service per Challenge
//! (`cm-acme-http-solver-…`), labelled and selecting like the solver Pod
//! (`acme.cert-manager.io/http-domain`, `http-token`, `http01-solver=true`), port 8089 to the
//! solver's port 8089; the Ingress path `/.well-known/acme-challenge/<token>` (or the
//! HTTPRoute's backendRef) names it, port 8089. A backend that does not exist, selects no
//! solver Pod or lacks that port makes the ingress answer 503 (or 404): what the CA gets.
//!
//! What cert-manager repairs decides the severity. Each self-check (every
//! `--dns01-check-retry-period`, 10 s by default) calls Present again
//! (`pkg/issuer/acme/http/http.go` `Check`), which creates a missing Service under a new
//! name, then replaces the solver Ingress (`ingress.go`: "service name changed") or updates
//! the HTTPRoute: a missing Service is a warning. A solver with `waitInsteadOfSelfCheck` runs
//! no self-check, so nothing presents again (`pkg/controller/acmechallenges/readiness.go`):
//! an error. An existing Service is taken as it is, never compared with what it should be
//! (`ensureService`): a wrong one stays wrong, an error.

use k8s_openapi::api::core::v1::{Pod, Service, ServicePort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::solver_resources::controlled_by;
use crate::diagnose::plan::{ProbeRole, probe_role};
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::chain::Chain;
use crate::model::snapshot::{SOLVER_PODS, SOLVER_SELECTOR, SOLVER_SERVICES, Snapshot};
use crate::model::types::Challenge;
use crate::sanitize::clean;

/// The port the acmesolver listens on and every solver backend uses (`acmeSolverListenPort`).
const SOLVER_PORT: i32 = 8089;

/// How a route names the Service port: by number, by name, or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PortRef {
    Number(i32),
    Name(String),
    Unset,
}

impl std::fmt::Display for PortRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortRef::Number(n) => write!(f, "port {n}"),
            PortRef::Name(n) => write!(f, "port {n}"),
            PortRef::Unset => f.write_str("no port"),
        }
    }
}

/// One route to the solver: the Ingress or HTTPRoute, and the Service it names.
struct Backend<'a> {
    kind: &'static str,
    meta: &'a ObjectMeta,
    service: String,
    port: PortRef,
}

impl Backend<'_> {
    fn name(&self) -> &str {
        self.meta.name.as_deref().unwrap_or("")
    }

    fn line(&self, ns: &str, path: &str) -> String {
        format!(
            "{} {ns}/{}: {path} → Service {} {}",
            self.kind,
            self.name(),
            clean(&self.service),
            self.port
        )
    }
}

/// Every route of `ch` to a Service: the Ingress path for its token (the solver's own
/// Ingress, or the app's Ingress that `http01.ingress.name` edits in place) and the solver
/// HTTPRoute's backendRefs.
fn backends<'a>(ch: &Challenge, snapshot: &'a Snapshot, path: &str) -> Vec<Backend<'a>> {
    let ns = ch.metadata.namespace.as_deref();
    let ip = ch.spec.dns_name.parse::<std::net::IpAddr>().is_ok();
    let mut out = Vec::new();
    for ing in snapshot
        .ingresses
        .iter()
        .filter(|i| i.metadata.namespace.as_deref() == ns)
    {
        let rules = ing.spec.as_ref().and_then(|s| s.rules.as_ref());
        for rule in rules.into_iter().flatten() {
            let host = rule.host.as_deref().unwrap_or("");
            if !(host.eq_ignore_ascii_case(&ch.spec.dns_name) || (ip && host.is_empty())) {
                continue;
            }
            let paths = rule
                .http
                .as_ref()
                .map(|h| h.paths.as_slice())
                .unwrap_or(&[]);
            for p in paths.iter().filter(|p| p.path.as_deref() == Some(path)) {
                let Some(svc) = &p.backend.service else {
                    continue;
                };
                let port = match svc.port.as_ref() {
                    Some(sp) => match (sp.number, &sp.name) {
                        (Some(n), _) => PortRef::Number(n),
                        (None, Some(n)) => PortRef::Name(n.clone()),
                        (None, None) => PortRef::Unset,
                    },
                    None => PortRef::Unset,
                };
                out.push(Backend {
                    kind: "Ingress",
                    meta: &ing.metadata,
                    service: svc.name.clone(),
                    port,
                });
            }
        }
    }
    for r in snapshot
        .http_routes
        .iter()
        .filter(|r| controlled_by(&r.metadata, ch))
    {
        for b in r.spec.rules.iter().flat_map(|rule| &rule.backend_refs) {
            let service_kind = b.kind.as_deref().is_none_or(|k| k == "Service");
            let same_ns = b.namespace.is_none() || b.namespace.as_deref() == ns;
            if service_kind && same_ns {
                out.push(Backend {
                    kind: "HTTPRoute",
                    meta: &r.metadata,
                    service: b.name.clone(),
                    port: b
                        .port
                        .and_then(|p| i32::try_from(p).ok())
                        .map_or(PortRef::Unset, PortRef::Number),
                });
            }
        }
    }
    out
}

fn subject(b: &Backend, ch: &Challenge) -> Subject {
    Subject::new(b.kind, b.meta.namespace.as_deref(), b.name()).part(&ch.display_name())
}

/// `ports http 8089→8089/TCP, selector a=b,c=d`, for evidence.
fn describe_service(s: &Service) -> String {
    let spec = s.spec.as_ref();
    let ports: Vec<String> = spec
        .and_then(|sp| sp.ports.as_ref())
        .into_iter()
        .flatten()
        .map(|p| {
            let target = match &p.target_port {
                Some(IntOrString::Int(n)) => n.to_string(),
                Some(IntOrString::String(n)) => clean(n),
                None => p.port.to_string(),
            };
            format!("{} {}→{target}", p.name.as_deref().unwrap_or("-"), p.port)
        })
        .collect();
    let selector: Vec<String> = spec
        .and_then(|sp| sp.selector.as_ref())
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{}={}", clean(k), clean(v)))
        .collect();
    format!(
        "Service {}/{}: type {}, ports {}, selector {}",
        s.metadata.namespace.as_deref().unwrap_or(""),
        s.metadata.name.as_deref().unwrap_or(""),
        spec.and_then(|sp| sp.type_.as_deref())
            .unwrap_or("ClusterIP"),
        if ports.is_empty() {
            "none".to_string()
        } else {
            ports.join(", ")
        },
        if selector.is_empty() {
            "none".to_string()
        } else {
            selector.join(",")
        }
    )
}

fn selects(s: &Service, pod: &Pod) -> bool {
    let selector = s.spec.as_ref().and_then(|sp| sp.selector.as_ref());
    let labels = pod.metadata.labels.as_ref();
    selector.is_some_and(|sel| {
        !sel.is_empty()
            && sel
                .iter()
                .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
    })
}

/// True when the Service port's target is the solver's port, on `pods` when it is named.
fn targets_solver(p: &ServicePort, pods: &[&Pod]) -> bool {
    match &p.target_port {
        None => p.port == SOLVER_PORT,
        Some(IntOrString::Int(n)) => *n == SOLVER_PORT,
        Some(IntOrString::String(name)) => {
            pods.is_empty()
                || pods.iter().any(|pod| {
                    pod.spec.iter().flat_map(|s| &s.containers).any(|c| {
                        c.ports.iter().flatten().any(|cp| {
                            cp.name.as_deref() == Some(name) && cp.container_port == SOLVER_PORT
                        })
                    })
                })
        }
    }
}

/// Why `svc` does not carry `b` to the solver, in words; empty when it does.
fn wrong(svc: &Service, b: &Backend, pods: &[&Pod]) -> Vec<String> {
    let mut why = Vec::new();
    let ports = svc
        .spec
        .as_ref()
        .and_then(|sp| sp.ports.as_deref())
        .unwrap_or(&[]);
    let port = ports.iter().find(|p| match &b.port {
        PortRef::Number(n) => p.port == *n,
        PortRef::Name(n) => p.name.as_deref() == Some(n.as_str()),
        PortRef::Unset => ports.len() == 1,
    });
    match port {
        None => why.push(format!("it has no {} (the {} asks for it)", b.port, b.kind)),
        Some(p) if !targets_solver(p, pods) => why.push(format!(
            "its port {} does not target the solver's port {SOLVER_PORT}",
            p.port
        )),
        Some(_) => {}
    }
    if !pods.is_empty() && !pods.iter().any(|p| selects(svc, p)) {
        why.push(
            "its selector matches none of the Challenge's solver Pods, so it has no endpoints"
                .into(),
        );
    }
    why
}

/// The findings about the Services the solver's routes lead to, for a presented, unfinished
/// HTTP-01 Challenge of a Certificate being issued.
pub(super) fn service_findings(chain: &Chain, ch: &Challenge, snapshot: &Snapshot) -> Vec<Finding> {
    if probe_role(chain, ch) != Some(ProbeRole::Explain)
        || !ch.spec.type_.eq_ignore_ascii_case("HTTP-01")
        || snapshot.is_unreadable(&SOLVER_SERVICES)
    {
        return Vec::new();
    }
    let ns = ch.metadata.namespace.as_deref().unwrap_or("");
    let path = format!("/.well-known/acme-challenge/{}", ch.spec.token);
    let services: Vec<&Service> = snapshot
        .solver_services
        .iter()
        .filter(|s| s.metadata.namespace.as_deref() == Some(ns))
        .collect();
    let own: Vec<&str> = services
        .iter()
        .filter(|s| controlled_by(&s.metadata, ch))
        .filter_map(|s| s.metadata.name.as_deref())
        .collect();
    let pods: Vec<&Pod> = if snapshot.is_unreadable(&SOLVER_PODS) {
        Vec::new()
    } else {
        snapshot
            .solver_pods
            .iter()
            .filter(|p| controlled_by(&p.metadata, ch))
            .collect()
    };
    let mut out = Vec::new();
    for b in backends(ch, snapshot, &path) {
        let get = format!("kubectl get service -n {ns} -l {SOLVER_SELECTOR}");
        match services
            .iter()
            .find(|s| s.metadata.name.as_deref() == Some(b.service.as_str()))
        {
            None => out.push(
                missing(ch, &b, &own)
                    .evidence(b.line(ns, &path))
                    .reproduce(get)
                    .reproduce(format!(
                        "kubectl get {} {} -n {ns} -o yaml",
                        b.kind.to_ascii_lowercase(),
                        b.name()
                    )),
            ),
            Some(svc) => {
                let why = wrong(svc, &b, &pods);
                if why.is_empty() {
                    continue;
                }
                let svc_name = clean(&b.service);
                let mut f = Finding::new(
                    Code::Http01SolverServiceMismatch,
                    Severity::Error,
                    subject(&b, ch),
                    format!(
                        "the solver Service {svc_name} that {} {} sends the challenge to does not reach the solver: {}; cert-manager never corrects an existing solver Service",
                        b.kind,
                        b.name(),
                        why.join("; ")
                    ),
                    "Delete the Service: at its next self-check cert-manager creates a correct one (port 8089 to the solver's 8089, selecting the solver Pod) and points the solver Ingress or HTTPRoute at it. Then find what changed it (a kubectl edit, a mutating admission policy, a mesh) and exempt resources labelled acme.cert-manager.io/http01-solver=true.",
                )
                .evidence(b.line(ns, &path))
                .evidence(describe_service(svc));
                for p in &pods {
                    let labels: Vec<String> = p
                        .metadata
                        .labels
                        .iter()
                        .flatten()
                        .map(|(k, v)| format!("{}={}", clean(k), clean(v)))
                        .collect();
                    f = f.evidence(format!(
                        "solver Pod {}: labels {}",
                        p.metadata.name.as_deref().unwrap_or(""),
                        labels.join(",")
                    ));
                }
                out.push(
                    f.reproduce(format!("kubectl get endpoints {svc_name} -n {ns}"))
                        .reproduce(format!("kubectl get service {svc_name} -n {ns} -o yaml")),
                );
            }
        }
    }
    out
}

/// The route's Service does not exist: a warning while cert-manager's self-check will
/// re-create it, an error when the solver skips the self-check.
fn missing(ch: &Challenge, b: &Backend, own: &[&str]) -> Finding {
    let no_self_check = ch
        .spec
        .solver
        .as_ref()
        .and_then(|s| s.get("waitInsteadOfSelfCheck"))
        .is_some_and(|v| !v.is_null());
    let svc = clean(&b.service);
    let (severity, repair, remedy) = if no_self_check {
        (
            Severity::Error,
            "the solver sets waitInsteadOfSelfCheck, so cert-manager runs no self-check and nothing re-creates it",
            format!(
                "Delete the Challenge (kubectl delete challenge {} -n {}): cert-manager cleans up its solver and the Order creates the Challenge again, with a new Pod, Service and {}. Then find what deleted the Service and exempt resources labelled acme.cert-manager.io/http01-solver=true.",
                ch.metadata.name.as_deref().unwrap_or(""),
                ch.metadata.namespace.as_deref().unwrap_or(""),
                b.kind
            ),
        )
    } else {
        (
            Severity::Warning,
            "cert-manager re-creates it at its next self-check",
            "Usually nothing to do: cert-manager's self-check (every 10 s by default, --dns01-check-retry-period) presents the solver again, creating a new Service and then replacing the solver Ingress or re-pointing the HTTPRoute. If it stays missing, the controller is not syncing the Challenge (read its logs); find what deletes the Service (a cleanup job, a policy engine) and exempt resources labelled acme.cert-manager.io/http01-solver=true.".to_string(),
        )
    };
    let f = Finding::new(
        Code::Http01SolverServiceMissing,
        severity,
        subject(b, ch),
        format!(
            "{} {} sends the challenge to Service {svc}, which does not exist, so the CA would get 503 or 404; {repair}",
            b.kind,
            b.name()
        ),
        remedy,
    );
    if own.is_empty() {
        f.evidence("no solver Service of this Challenge exists")
    } else {
        f.evidence(format!(
            "solver Service of this Challenge: {} (already re-created; the {} follows at the next sync)",
            own.join(", "),
            b.kind
        ))
    }
}
