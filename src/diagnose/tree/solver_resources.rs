//! The HTTP-01 solver's own resources: the Pod, Service, Ingress or HTTPRoute cert-manager
//! creates for a Challenge (each controlled by the Challenge and labelled
//! `acme.cert-manager.io/http01-solver=true`). A solver Pod that does not run, an Ingress no
//! controller admits, or an HTTPRoute its Gateway refuses explains what a probe sees (the
//! app's 404, a 503), so these findings sit at [`Level::Solver`], above the probes.

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::Walk;
use crate::diagnose::Level;
use crate::diagnose::plan::needs_issuance;
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::chain::Chain;
use crate::model::controlplane::PodState;
use crate::model::gateway::{Gateway, HttpRoute};
use crate::model::snapshot::{INGRESS_CLASSES, SOLVER_LABEL, Snapshot};
use crate::model::types::Challenge;
use crate::sanitize::clean;

/// The annotation that marks the default IngressClass.
pub const DEFAULT_CLASS_ANNOTATION: &str = "ingressclass.kubernetes.io/is-default-class";
/// The pre-IngressClass annotation naming an Ingress's class.
pub const CLASS_ANNOTATION: &str = "kubernetes.io/ingress.class";

/// How long a controller may take to write status before its absence means something.
const GRACE: SignedDuration = SignedDuration::from_secs(60);

/// True when `ch` is the controller owner of the object (cert-manager's solver resources are).
pub(super) fn controlled_by(meta: &ObjectMeta, ch: &Challenge) -> bool {
    let Some(uid) = ch.metadata.uid.as_deref() else {
        return false;
    };
    meta.owner_references
        .iter()
        .flatten()
        .any(|o| o.uid == uid && o.controller == Some(true))
}

fn older_than_grace(meta: &ObjectMeta, now: Timestamp) -> bool {
    meta.creation_timestamp
        .as_ref()
        .is_none_or(|t| now.duration_since(t.0) > GRACE)
}

/// The class an Ingress asks for: `spec.ingressClassName`, else the old annotation.
pub fn ingress_class(ing: &Ingress) -> Option<String> {
    ing.spec
        .as_ref()
        .and_then(|s| s.ingress_class_name.clone())
        .or_else(|| {
            ing.metadata
                .annotations
                .as_ref()?
                .get(CLASS_ANNOTATION)
                .cloned()
        })
        .filter(|c| !c.is_empty())
}

fn is_solver(meta: &ObjectMeta) -> bool {
    meta.labels
        .as_ref()
        .is_some_and(|l| l.get(SOLVER_LABEL).is_some_and(|v| v == "true"))
}

fn routes_host(ing: &Ingress, host: &str) -> bool {
    ing.spec
        .as_ref()
        .and_then(|s| s.rules.as_ref())
        .is_some_and(|rules| {
            rules.iter().any(|r| {
                r.host
                    .as_deref()
                    .is_some_and(|h| h.eq_ignore_ascii_case(host))
            })
        })
}

fn has_address(ing: &Ingress) -> bool {
    ing.status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|l| l.ingress.as_ref())
        .is_some_and(|v| v.iter().any(|a| a.ip.is_some() || a.hostname.is_some()))
}

fn subject(kind: &str, meta: &ObjectMeta, ch: &Challenge) -> Subject {
    Subject::new(
        kind,
        meta.namespace.as_deref(),
        meta.name.as_deref().unwrap_or(""),
    )
    .part(&ch.display_name())
}

/// Adds the solver-resource findings of every HTTP-01 Challenge still being worked on.
pub(super) fn solver_checks(w: &mut Walk, chain: &Chain, snapshot: &Snapshot, now: Timestamp) {
    if !needs_issuance(chain) {
        return;
    }
    for ch in &chain.challenges {
        if !ch.spec.type_.eq_ignore_ascii_case("HTTP-01") || ch.acme_state().is_final() {
            continue;
        }
        let mut found = Vec::new();
        found.extend(pods(ch, snapshot, now));
        found.extend(ingresses(ch, snapshot, now));
        found.extend(routes(ch, snapshot, now));
        found.extend(super::solver_service::service_findings(chain, ch, snapshot));
        if found.is_empty() {
            continue;
        }
        let step = w.step("Solver", &ch.display_name(), "not serving");
        for f in found {
            w.add(step, Level::Solver, f);
        }
    }
}

fn pods(ch: &Challenge, snapshot: &Snapshot, now: Timestamp) -> Vec<Finding> {
    let ns = ch.metadata.namespace.as_deref().unwrap_or("");
    snapshot
        .solver_pods
        .iter()
        .filter(|p| controlled_by(&p.metadata, ch))
        .filter_map(|p| {
            let st = PodState::of(p);
            let running = st.phase == "Running" && st.ready;
            // A Pod pulling its image for a few seconds is normal; a waiting reason such as
            // ImagePullBackOff or a crash loop is not, whatever the age.
            let bad_reason = st.waiting.as_deref().is_some_and(|r| {
                r != "ContainerCreating" && r != "PodInitializing"
            });
            if running || (!bad_reason && !older_than_grace(&p.metadata, now)) {
                return None;
            }
            let name = st.name.clone();
            let what = match st.waiting.as_deref() {
                Some(r) => format!("{}, {r}", st.phase),
                None => st.phase.clone(),
            };
            let remedy = match st.waiting.as_deref() {
                Some(r) if r.contains("ImagePull") || r == "ErrImageNeverPull" || r == "InvalidImageName" => {
                    "The node cannot pull the solver image (quay.io/jetstack/cert-manager-acmesolver by default): check registry access, a mirror (the controller's --acme-http01-solver-image, Helm acmesolver.image), and imagePullSecrets via the issuer's podTemplate."
                }
                Some("CrashLoopBackOff") => "The solver container keeps crashing: read its logs (kubectl logs) and the resource limits set by --acme-http01-solver-resource-* or the issuer's podTemplate.",
                Some("Unschedulable") => "No node accepts the solver Pod: set nodeSelector or tolerations in the issuer's http01.ingress.podTemplate (or gatewayHTTPRoute.podTemplate).",
                _ => "Read the Pod's events (kubectl describe pod): PodSecurity admission, quotas or a node problem keep it from running; the issuer's podTemplate sets its securityContext, nodeSelector and tolerations.",
            };
            Some(
                Finding::new(
                    Code::Http01SolverPodNotRunning,
                    Severity::Error,
                    subject("Pod", &p.metadata, ch),
                    format!("the HTTP-01 solver pod {name} is not running ({what}): nothing can answer the challenge"),
                    remedy,
                )
                .evidence(st.describe())
                .reproduce(format!("kubectl describe pod {name} -n {ns}")),
            )
        })
        .collect()
}

fn ingresses(ch: &Challenge, snapshot: &Snapshot, now: Timestamp) -> Vec<Finding> {
    let ns = ch.metadata.namespace.as_deref().unwrap_or("");
    let classes_known = !snapshot.is_unreadable(&INGRESS_CLASSES);
    let default_class = snapshot
        .ingress_classes
        .iter()
        .find(|c| {
            c.metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(DEFAULT_CLASS_ANNOTATION))
                .is_some_and(|v| v == "true")
        })
        .and_then(|c| c.metadata.name.clone());
    let class_names: Vec<String> = snapshot
        .ingress_classes
        .iter()
        .filter_map(|c| c.metadata.name.clone())
        .collect();
    let mut out = Vec::new();
    for ing in snapshot
        .ingresses
        .iter()
        .filter(|i| is_solver(&i.metadata) && controlled_by(&i.metadata, ch))
    {
        let name = ing.metadata.name.as_deref().unwrap_or("");
        let solver_class = ingress_class(ing);
        let app = snapshot.ingresses.iter().find(|i| {
            i.metadata.namespace.as_deref() == Some(ns)
                && !is_solver(&i.metadata)
                && routes_host(i, &ch.spec.dns_name)
        });
        let app_class = app.and_then(ingress_class);
        let effective = |c: &Option<String>| c.clone().or_else(|| default_class.clone());
        let mut why = Vec::new();
        if let Some(app) = app
            && effective(&solver_class) != effective(&app_class)
        {
            why.push(format!(
                "its class {} differs from {} of Ingress {} that serves {}",
                solver_class.as_deref().unwrap_or("<none>"),
                app_class.as_deref().unwrap_or("<none>"),
                app.metadata.name.as_deref().unwrap_or(""),
                ch.spec.dns_name
            ));
        }
        if classes_known
            && ing
                .spec
                .as_ref()
                .and_then(|s| s.ingress_class_name.as_deref())
                .is_some_and(|c| !class_names.iter().any(|n| n == c))
        {
            why.push(format!(
                "its ingressClassName {} matches no IngressClass",
                solver_class.as_deref().unwrap_or("")
            ));
        }
        if classes_known && solver_class.is_none() && default_class.is_none() {
            why.push("it has no class and no IngressClass is the default".into());
        }
        // Some controllers never write status (ingress-nginx without --publish-service): a
        // missing address means something only when the app's Ingress got one.
        if !has_address(ing) && app.is_some_and(has_address) && older_than_grace(&ing.metadata, now)
        {
            why.push("no ingress controller wrote a load-balancer address into its status, while the app's Ingress has one".into());
        }
        if why.is_empty() {
            continue;
        }
        out.push(
            Finding::new(
                Code::Http01SolverIngressNotAdmitted,
                Severity::Error,
                subject("Ingress", &ing.metadata, ch),
                format!(
                    "the solver Ingress {name} is not served: {}",
                    why.join("; ")
                ),
                "Set the solver's class to the one the app's Ingress and its controller use: spec.acme.solvers[].http01.ingress.ingressClassName (or class, or name to edit the app's Ingress in place) on the issuer; on MicroK8s the class is `public`.",
            )
            .evidence(format!(
                "solver Ingress class: {}",
                solver_class.as_deref().unwrap_or("<none>")
            ))
            .evidence(format!(
                "app Ingress class: {}",
                match app {
                    Some(a) => format!(
                        "{} ({})",
                        app_class.as_deref().unwrap_or("<none>"),
                        a.metadata.name.as_deref().unwrap_or("")
                    ),
                    None => format!("no other Ingress in {ns} routes {}", ch.spec.dns_name),
                }
            ))
            .evidence(format!(
                "default IngressClass: {}; IngressClasses: {}",
                default_class.as_deref().unwrap_or("<none>"),
                if classes_known {
                    if class_names.is_empty() {
                        "<none>".to_string()
                    } else {
                        class_names.join(", ")
                    }
                } else {
                    "not readable".to_string()
                }
            ))
            .reproduce(format!("kubectl get ingress {name} -n {ns} -o wide"))
            .reproduce("kubectl get ingressclass"),
        );
    }
    out
}

fn parent_gateway<'a>(
    snapshot: &'a Snapshot,
    route_ns: &str,
    name: &str,
    ns: Option<&str>,
) -> Option<&'a Gateway> {
    let ns = ns.unwrap_or(route_ns);
    snapshot.gateways.iter().find(|g| {
        g.metadata.name.as_deref() == Some(name) && g.metadata.namespace.as_deref() == Some(ns)
    })
}

fn routes(ch: &Challenge, snapshot: &Snapshot, now: Timestamp) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in snapshot
        .http_routes
        .iter()
        .filter(|r| controlled_by(&r.metadata, ch))
    {
        out.extend(route(ch, snapshot, r, now));
    }
    out
}

fn route(ch: &Challenge, snapshot: &Snapshot, r: &HttpRoute, now: Timestamp) -> Option<Finding> {
    let ns = r.metadata.namespace.as_deref().unwrap_or("");
    let name = r.metadata.name.as_deref().unwrap_or("");
    let parents = r
        .status
        .as_ref()
        .map(|s| s.parents.as_slice())
        .unwrap_or(&[]);
    let mut why = Vec::new();
    let mut evidence = Vec::new();
    for p in parents {
        for c in &p.conditions {
            if (c.type_ == "Accepted" || c.type_ == "ResolvedRefs") && c.status == "False" {
                why.push(format!(
                    "Gateway {} says {}=False ({})",
                    p.parent_ref.name,
                    c.type_,
                    c.reason.as_deref().unwrap_or("no reason")
                ));
                evidence.push(format!(
                    "parent {}: {}=False {}: {}",
                    p.parent_ref.name,
                    c.type_,
                    c.reason.as_deref().unwrap_or(""),
                    clean(c.message.as_deref().unwrap_or(""))
                ));
            }
        }
    }
    if parents.is_empty() && older_than_grace(&r.metadata, now) {
        why.push(
            "no parent Gateway has accepted or even processed it (status.parents is empty)".into(),
        );
    }
    for p in &r.spec.parent_refs {
        if let Some(gw) = parent_gateway(snapshot, ns, &p.name, p.namespace.as_deref()) {
            let http80 = gw
                .spec
                .listeners
                .iter()
                .any(|l| l.protocol.eq_ignore_ascii_case("HTTP") && l.port == 80);
            if !http80 {
                why.push(format!(
                    "Gateway {} has no HTTP listener on port 80",
                    p.name
                ));
            }
            let listeners: Vec<String> = gw
                .spec
                .listeners
                .iter()
                .map(|l| {
                    format!(
                        "{} {}:{} hostname {}",
                        l.name,
                        l.protocol,
                        l.port,
                        l.hostname.as_deref().unwrap_or("*")
                    )
                })
                .collect();
            evidence.push(format!(
                "Gateway {} listeners: {}",
                p.name,
                listeners.join("; ")
            ));
        }
    }
    if why.is_empty() {
        return None;
    }
    let mut f = Finding::new(
        Code::GatewayRouteNotAccepted,
        Severity::Error,
        subject("HTTPRoute", &r.metadata, ch),
        format!("the solver HTTPRoute {name} is not served: {}", why.join("; ")),
        "The solver's parentRefs (issuer spec.acme.solvers[].http01.gatewayHTTPRoute.parentRefs) must name a Gateway with an HTTP listener on port 80 whose hostname matches the name and whose allowedRoutes admit routes from this namespace; set sectionName to that listener.",
    )
    .reproduce(format!("kubectl get httproute {name} -n {ns} -o yaml"));
    f.evidence.extend(evidence);
    Some(f)
}
