//! The HTTP-01 solver's Service, as its Ingress or HTTPRoute reaches it: gone (a warning,
//! since cert-manager's self-check re-creates it, an error when the solver skips the
//! self-check), or there but not reaching the solver Pod (an error: cert-manager never
//! corrects an existing Service). Built in the fake API server as cert-manager leaves the
//! solver (`pkg/issuer/acme/http/{pod,service,ingress,httproute}.go`), then diagnosed live and
//! from a dump.

use serde_json::{Value, json};

use super::machine::{cert, diagnose_both, evidence, headline, http01_chain, root, solver_meta};
use crate::support::objects::Edit;

/// The solver Pod cert-manager runs for `ch`, running and ready.
fn solver_pod(ch: &Value) -> Value {
    let image = "quay.io/jetstack/cert-manager-acmesolver:v1.19.1";
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": solver_meta(ch, "cm-acme-http-solver-8xq2w"),
        "spec": {"containers": [{"name": "acmesolver", "image": image,
                                 "args": ["--listen-port=8089", "--domain=shop.example.com", "--token=token", "--key=token.thumbprint"],
                                 "ports": [{"containerPort": 8089, "name": "http", "protocol": "TCP"}]}],
                 "nodeName": "pool-1-node-a", "restartPolicy": "OnFailure"},
        "status": {"phase": "Running", "qosClass": "Burstable", "startTime": "2026-11-23T11:40:01Z",
                   "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-11-23T11:40:05Z"}],
                   "containerStatuses": [{"name": "acmesolver", "image": image, "imageID": format!("{image}@sha256:9b1e"),
                                          "ready": true, "restartCount": 0, "started": true,
                                          "state": {"running": {"startedAt": "2026-11-23T11:40:04Z"}}}]}})
}

/// The solver Service `name` cert-manager creates for `ch` (`buildService`): NodePort, port
/// `http` 8089 to 8089, selecting the solver Pod's labels.
fn solver_service(ch: &Value, name: &str) -> Value {
    let meta = solver_meta(ch, name).with("/annotations", json!({"auth.istio.io/8089": "NONE"}));
    let selector = meta["labels"].clone();
    json!({"apiVersion": "v1", "kind": "Service", "metadata": meta,
        "spec": {"type": "NodePort", "clusterIP": "10.96.41.7", "clusterIPs": ["10.96.41.7"],
                 "externalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                 "ports": [{"name": "http", "nodePort": 31525, "port": 8089, "protocol": "TCP", "targetPort": 8089}],
                 "selector": selector, "sessionAffinity": "None"},
        "status": {"loadBalancer": {}}})
}

/// The solver Ingress cert-manager creates for `ch` (`buildIngressResource`), routing the
/// token's path to Service `service` on port 8089, admitted by ingress-nginx.
fn solver_ingress(ch: &Value, service: &str) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": solver_meta(ch, "cm-acme-http-solver-7x9kd")
            .with("/annotations", json!({"nginx.ingress.kubernetes.io/whitelist-source-range": "0.0.0.0/0,::/0"})),
        "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.example.com", "http": {"paths": [
            {"path": "/.well-known/acme-challenge/token", "pathType": "Exact",
             "backend": {"service": {"name": service, "port": {"number": 8089}}}}]}}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.10"}]}}})
}

/// A Certificate issuing through an HTTP-01 Ingress solver (`solver`), with its presented
/// Challenge, the solver Pod and the solver Ingress naming Service `cm-acme-http-solver-4mxzb`.
fn ingress_solver(solver: Value) -> (Vec<Value>, Value) {
    let (mut objs, ch) = http01_chain(solver);
    objs.push(solver_pod(&ch));
    objs.push(solver_ingress(&ch, "cm-acme-http-solver-4mxzb"));
    objs.push(
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
        "metadata": {"name": "nginx", "uid": "ingressclass-nginx",
                     "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
        "spec": {"controller": "k8s.io/ingress-nginx"}}),
    );
    (objs, ch)
}

fn finding<'a>(report: &'a Value, code: &str) -> Option<&'a Value> {
    cert(report, "shop-tls")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
}

fn nginx() -> Value {
    json!({"http01": {"ingress": {"ingressClassName": "nginx"}}})
}

#[test]
fn a_solver_whose_service_exists_and_selects_its_pod_says_nothing_about_it() {
    let (mut objs, ch) = ingress_solver(nginx());
    objs.push(solver_service(&ch, "cm-acme-http-solver-4mxzb"));
    for s in diagnose_both(objs, &[]) {
        for code in [
            "HTTP01_SOLVER_SERVICE_MISSING",
            "HTTP01_SOLVER_SERVICE_MISMATCH",
        ] {
            assert!(finding(&s.json, code).is_none(), "{}: {}", s.how, s.json);
        }
        assert_eq!(root(&s.json, "shop-tls"), "CHALLENGE_NOT_PROPAGATED");
    }
}

#[test]
fn a_deleted_solver_service_is_a_warning_because_the_self_check_re_creates_it() {
    let (objs, _) = ingress_solver(nginx());
    for s in diagnose_both(objs, &[]) {
        let how = s.how;
        let f = finding(&s.json, "HTTP01_SOLVER_SERVICE_MISSING")
            .unwrap_or_else(|| panic!("{how}: {}", s.json));
        assert_eq!(f["severity"], "warning", "{how}");
        assert_eq!(f["subject"]["kind"], "Ingress", "{how}");
        assert_eq!(f["subject"]["name"], "cm-acme-http-solver-7x9kd", "{how}");
        let msg = f["message"].as_str().unwrap();
        assert!(
            msg.contains("Service cm-acme-http-solver-4mxzb, which does not exist")
                && msg.contains("cert-manager re-creates it at its next self-check"),
            "{how}: {msg}"
        );
        let ev = evidence(f);
        assert!(
            ev.contains("Ingress production/cm-acme-http-solver-7x9kd: /.well-known/acme-challenge/token → Service cm-acme-http-solver-4mxzb port 8089")
                && ev.contains("no solver Service of this Challenge exists"),
            "{how}: {ev}"
        );
        assert_eq!(
            f["reproduce"][0],
            "kubectl get service -n production -l acme.cert-manager.io/http01-solver=true",
            "{how}"
        );
        // A warning never leads: the Challenge's own state still does.
        assert_eq!(
            root(&s.json, "shop-tls"),
            "CHALLENGE_NOT_PROPAGATED",
            "{how}"
        );
    }
}

#[test]
fn a_re_created_solver_service_is_named_while_the_ingress_still_points_at_the_old_one() {
    let (mut objs, ch) = ingress_solver(nginx());
    objs.push(solver_service(&ch, "cm-acme-http-solver-q8tzc"));
    for s in diagnose_both(objs, &[]) {
        let f = finding(&s.json, "HTTP01_SOLVER_SERVICE_MISSING")
            .unwrap_or_else(|| panic!("{}: {}", s.how, s.json));
        assert!(
            evidence(f).contains(
                "solver Service of this Challenge: cm-acme-http-solver-q8tzc (already re-created; the Ingress follows at the next sync)"
            ),
            "{}: {f}",
            s.how
        );
    }
}

#[test]
fn a_deleted_solver_service_is_the_root_cause_when_the_solver_skips_the_self_check() {
    let (mut objs, _) = ingress_solver(
        json!({"http01": {"ingress": {"ingressClassName": "nginx"}}, "waitInsteadOfSelfCheck": "2m"}),
    );
    for o in objs.iter_mut().filter(|o| o["kind"] == "Challenge") {
        o["status"]["reason"] =
            json!("Waiting 1m10s before accepting HTTP-01 challenge without self-check");
        o["status"]["presentedAt"] = json!("2026-11-23T11:59:10Z");
    }
    for s in diagnose_both(objs, &[]) {
        let how = s.how;
        assert_eq!(
            root(&s.json, "shop-tls"),
            "HTTP01_SOLVER_SERVICE_MISSING",
            "{how}: {}",
            s.json
        );
        let f = finding(&s.json, "HTTP01_SOLVER_SERVICE_MISSING").unwrap();
        assert_eq!(f["severity"], "error", "{how}");
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("waitInsteadOfSelfCheck, so cert-manager runs no self-check and nothing re-creates it"),
            "{how}: {f}"
        );
        assert!(
            f["remedy"]
                .as_str()
                .unwrap()
                .starts_with("Delete the Challenge (kubectl delete challenge shop-tls-1-"),
            "{how}: {f}"
        );
        assert!(
            headline(&s.text, "shop-tls", "HTTP01_SOLVER_SERVICE_MISSING"),
            "{how}: {}",
            s.text
        );
    }
}

#[test]
fn a_solver_service_that_selects_no_solver_pod_is_the_root_cause() {
    let (mut objs, ch) = ingress_solver(nginx());
    // Something rewrote the selector; cert-manager keeps the Service as it is.
    let mut svc = solver_service(&ch, "cm-acme-http-solver-4mxzb");
    svc["spec"]["selector"]["acme.cert-manager.io/http-token"] = json!("4021311012");
    objs.push(svc);
    for s in diagnose_both(objs, &[]) {
        let how = s.how;
        assert_eq!(
            root(&s.json, "shop-tls"),
            "HTTP01_SOLVER_SERVICE_MISMATCH",
            "{how}: {}",
            s.json
        );
        let f = finding(&s.json, "HTTP01_SOLVER_SERVICE_MISMATCH").unwrap();
        let msg = f["message"].as_str().unwrap();
        assert!(
            msg.contains("matches none of the Challenge's solver Pods")
                && msg.contains("cert-manager never corrects an existing solver Service"),
            "{how}: {msg}"
        );
        let ev = evidence(f);
        assert!(
            ev.contains("acme.cert-manager.io/http-token=4021311012")
                && ev.contains("solver Pod cm-acme-http-solver-8xq2w: labels")
                && ev.contains("acme.cert-manager.io/http-token=108921378"),
            "{how}: {ev}"
        );
        assert!(
            headline(&s.text, "shop-tls", "HTTP01_SOLVER_SERVICE_MISMATCH"),
            "{how}: {}",
            s.text
        );
    }
}

#[test]
fn a_solver_service_without_the_port_its_ingress_uses_is_the_root_cause() {
    let (mut objs, ch) = ingress_solver(nginx());
    let mut svc = solver_service(&ch, "cm-acme-http-solver-4mxzb");
    svc["spec"]["ports"][0]["port"] = json!(80);
    svc["spec"]["ports"][0]["targetPort"] = json!(80);
    objs.push(svc);
    for s in diagnose_both(objs, &[]) {
        assert_eq!(
            root(&s.json, "shop-tls"),
            "HTTP01_SOLVER_SERVICE_MISMATCH",
            "{}",
            s.how
        );
        let msg = cert(&s.json, "shop-tls")["rootCause"]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            msg.contains("it has no port 8089 (the Ingress asks for it)"),
            "{}: {msg}",
            s.how
        );
    }
}

#[test]
fn a_solver_httproute_to_a_deleted_service_is_reported_too() {
    let parent = json!({"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "public", "namespace": "production"});
    let (mut objs, ch) =
        http01_chain(json!({"http01": {"gatewayHTTPRoute": {"parentRefs": [parent]}}}));
    objs.push(solver_pod(&ch));
    objs.push(json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": solver_meta(&ch, "cm-acme-http-solver-p2b7n"),
        "spec": {"parentRefs": [parent], "hostnames": ["shop.example.com"],
                 "rules": [{"matches": [{"path": {"type": "Exact", "value": "/.well-known/acme-challenge/token"}}],
                            "backendRefs": [{"group": "", "kind": "Service", "name": "cm-acme-http-solver-4mxzb",
                                             "namespace": "production", "port": 8089, "weight": 1}]}]},
        "status": {"parents": [{"parentRef": parent, "controllerName": "gateway.envoyproxy.io/gatewayclass-controller",
            "conditions": [
                {"type": "Accepted", "status": "True", "reason": "Accepted", "message": "Route is accepted",
                 "lastTransitionTime": "2026-11-23T11:40:02Z", "observedGeneration": 1},
                {"type": "ResolvedRefs", "status": "False", "reason": "BackendNotFound",
                 "message": "Failed to process route rule 0 backendRef 0: service production/cm-acme-http-solver-4mxzb not found.",
                 "lastTransitionTime": "2026-11-23T11:41:00Z", "observedGeneration": 1}]}]}}));
    for s in diagnose_both(objs, &[]) {
        let f = finding(&s.json, "HTTP01_SOLVER_SERVICE_MISSING")
            .unwrap_or_else(|| panic!("{}: {}", s.how, s.json));
        assert_eq!(f["subject"]["kind"], "HTTPRoute", "{}", s.how);
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .starts_with("HTTPRoute cm-acme-http-solver-p2b7n sends the challenge to Service cm-acme-http-solver-4mxzb, which does not exist"),
            "{}: {f}",
            s.how
        );
    }
}

#[test]
fn a_challenge_not_presented_or_not_issuing_has_no_service_finding() {
    // Not presented yet: nothing is served, the Present error is the story.
    let (mut objs, _) = ingress_solver(nginx());
    for o in objs.iter_mut().filter(|o| o["kind"] == "Challenge") {
        o["status"]["presented"] = json!(false);
    }
    for s in diagnose_both(objs, &[]) {
        assert!(
            finding(&s.json, "HTTP01_SOLVER_SERVICE_MISSING").is_none(),
            "{}: {}",
            s.how,
            s.json
        );
    }
    // A Ready Certificate with nothing to issue: a leftover solver route is not its problem.
    let (mut objs, _) = ingress_solver(nginx());
    for o in objs.iter_mut().filter(|o| o["kind"] == "Certificate") {
        o["status"] = crate::support::objects::ready_status();
    }
    for s in diagnose_both(objs, &[]) {
        assert!(
            finding(&s.json, "HTTP01_SOLVER_SERVICE_MISSING").is_none(),
            "{}: {}",
            s.how,
            s.json
        );
    }
}
