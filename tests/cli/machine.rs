//! The whole machine around the Certificates: cert-manager's own health (a dead controller, a
//! webhook without its CA), Ingresses and Gateways that never got a Certificate, and the
//! HTTP-01 solver's own Pod, Ingress and HTTPRoute. Each state is built in the fake API
//! server and diagnosed live and from a `dump` of that server, in JSON and in text; both must
//! show the same root cause.

use serde_json::{Value, json};

use crate::support::objects::{self, Edit, condition, ready_status};
use crate::support::report::json_of;
use crate::support::{Cluster, certdoctor, fixture_objects, stderr, stdout};

/// cert-manager v1.19.1 as the Helm chart leaves it, healthy.
pub(crate) fn parts() -> Vec<Value> {
    fixture_objects("cert-manager-parts.yaml")
}

/// What one way of running `diagnose` showed.
pub(crate) struct Seen {
    pub how: &'static str,
    pub json: Value,
    pub text: String,
    pub code: i32,
}

/// Diagnoses `objects` in namespace production: live from the fake API server, and from the
/// dump that server gives, each as JSON and text.
pub(crate) fn diagnose_both(objects: Vec<Value>, args: &[&str]) -> Vec<Seen> {
    let cluster = Cluster::with_fixtures(Some("production"), &[]);
    cluster.server.insert_all(objects);
    let run = |extra: &[&str], stdin: Option<&str>| {
        let mut cmd = match stdin {
            None => cluster.certdoctor(),
            Some(_) => certdoctor(),
        };
        cmd.args(["diagnose", "--offline"]).args(args).args(extra);
        if let Some(dump) = stdin {
            cmd.args(["-n", "production", "--from-file", "-"])
                .write_stdin(dump.to_string());
        }
        cmd.output().unwrap()
    };
    let dump = cluster.certdoctor().arg("dump").output().unwrap();
    assert_eq!(dump.status.code(), Some(0), "{}", stderr(&dump));
    let dump = stdout(&dump);
    let mut seen = Vec::new();
    for (how, stdin) in [("live", None), ("dump", Some(dump.as_str()))] {
        let j = run(&["-o", "json"], stdin);
        let t = run(&[], stdin);
        assert_eq!(j.status.code(), t.status.code(), "{how}");
        seen.push(Seen {
            how,
            json: json_of(&j),
            text: stdout(&t),
            code: t.status.code().unwrap(),
        });
    }
    seen
}

/// True when the text's headline of Certificate production/`name` leads with `code`.
pub(crate) fn headline(text: &str, name: &str, code: &str) -> bool {
    text.lines().any(|l| {
        l.starts_with(&format!("✗ production/{name} ")) && l.ends_with(&format!("[{code}]"))
    })
}

pub(crate) fn cert<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {report}"))
}

pub(crate) fn root(report: &Value, name: &str) -> String {
    cert(report, name)["rootCause"]["code"]
        .as_str()
        .unwrap_or("none")
        .to_string()
}

pub(crate) fn codes(findings: &Value) -> Vec<&str> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

pub(crate) fn evidence(f: &Value) -> String {
    f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sets the container of `pod` waiting for `reason` with `message`, `restarts` restarts, not
/// ready, as the kubelet writes it.
fn waiting(pod: &mut Value, phase: &str, reason: &str, message: &str, restarts: i64) {
    pod["status"]["phase"] = json!(phase);
    let cs = &mut pod["status"]["containerStatuses"][0];
    cs["ready"] = json!(false);
    cs["started"] = json!(false);
    cs["restartCount"] = json!(restarts);
    cs["state"] = json!({"waiting": {"reason": reason, "message": message}});
    pod["status"]["conditions"][1] = json!({"lastProbeTime": null,
        "lastTransitionTime": "2026-11-23T09:40:02Z", "message": "containers with unready status: [cert-manager-controller]",
        "reason": "ContainersNotReady", "status": "False", "type": "Ready"});
}

/// The Deployment `name` with no available replica, as the deployment controller writes it.
fn unavailable(d: &mut Value) {
    let st = d["status"].as_object_mut().unwrap();
    st.remove("availableReplicas");
    st.remove("readyReplicas");
    st.insert("unavailableReplicas".into(), json!(1));
    d["status"]["conditions"][0] = json!({"lastTransitionTime": "2026-11-23T09:40:02Z",
        "lastUpdateTime": "2026-11-23T09:40:02Z", "message": "Deployment does not have minimum availability.",
        "reason": "MinimumReplicasUnavailable", "status": "False", "type": "Available"});
}

/// Three Certificates waiting on the controller: a new one with no request yet, one whose
/// request was never approved, and a Ready one whose renewal is overdue.
fn three_waiting() -> Vec<Value> {
    let issuing = json!({"conditions": [
        condition("Ready", "False", "DoesNotExist", "Issuing certificate as Secret does not exist"),
        condition("Issuing", "True", "DoesNotExist", "Issuing certificate as Secret does not exist")]});
    let shop = objects::certificate("production", "shop-tls").with("/status", issuing.clone());
    let api = objects::certificate("production", "api-tls").with("/status", issuing);
    let request = objects::certificate_request(&api, 1, json!([]))
        .with("/metadata/creationTimestamp", json!("2026-11-23T09:30:00Z"));
    let web = objects::certificate("production", "web-tls")
        .with("/status", ready_status())
        .with("/status/renewalTime", json!("2026-11-22T10:00:00Z"));
    vec![
        objects::cluster_issuer(objects::ISSUER),
        shop,
        api,
        request,
        web,
    ]
}

#[test]
fn a_dead_controller_is_the_root_cause_of_every_certificate_waiting_on_it() {
    let mut objs = parts();
    objects::edit(&mut objs, "Deployment", "cert-manager", |d| {
        if d["metadata"]["name"] == "cert-manager" {
            unavailable(d);
        }
    });
    objects::edit(&mut objs, "Pod", "cert-manager-7d9f8c6b5d", |p| {
        waiting(
            p,
            "Running",
            "CrashLoopBackOff",
            "back-off 5m0s restarting failed container=cert-manager-controller pod=cert-manager-7d9f8c6b5d-x2x9q_cert-manager(3f6c1a52-00c0-4000-8000-0f0000000001)",
            27,
        );
    });
    objects::edit(&mut objs, "Lease", "cert-manager-controller", |l| {
        l["spec"]["renewTime"] = json!("2026-11-23T09:39:48.110392Z");
    });
    objs.extend(three_waiting());
    for s in diagnose_both(objs, &[]) {
        let how = s.how;
        assert_eq!(s.code, 1, "{how}");
        for name in ["shop-tls", "api-tls", "web-tls"] {
            assert_eq!(
                root(&s.json, name),
                "CONTROLLER_NOT_RUNNING",
                "{how} {name}"
            );
        }
        // Their own findings stay, as evidence.
        assert!(
            codes(&cert(&s.json, "web-tls")["findings"]).contains(&"RENEWAL_OVERDUE"),
            "{how}"
        );
        assert!(
            codes(&cert(&s.json, "shop-tls")["findings"]).len() > 1,
            "{how}"
        );
        let cm = &s.json["certManager"];
        assert_eq!(cm["version"], "v1.19.1", "{how}");
        assert_eq!(cm["namespace"], "cert-manager", "{how}");
        let cp = &s.json["controlPlane"];
        assert_eq!(codes(cp), ["CONTROLLER_NOT_RUNNING"], "{how}");
        let ev = evidence(&cp[0]);
        for want in [
            "0/1 available",
            "CrashLoopBackOff",
            "27 restarts",
            "cert-manager-controller:v1.19.1",
            "lease kube-system/cert-manager-controller: renewed 2026-11-23T09:39:48Z",
            "duration 60s",
        ] {
            assert!(ev.contains(want), "{how}: {want} not in {ev}");
        }
        assert!(
            s.text
                .contains("cert-manager v1.19.1 in namespace cert-manager"),
            "{how}: {}",
            s.text
        );
        for name in ["shop-tls", "api-tls", "web-tls"] {
            assert!(
                headline(&s.text, name, "CONTROLLER_NOT_RUNNING"),
                "{how}: {}",
                s.text
            );
        }
    }
}

#[test]
fn an_expired_lease_alone_means_the_controller_is_not_running() {
    let mut objs = parts();
    objects::edit(&mut objs, "Lease", "cert-manager-controller", |l| {
        l["spec"]["renewTime"] = json!("2026-11-23T11:58:30.000000Z");
    });
    objs.extend(three_waiting());
    let s = &diagnose_both(objs, &[])[0];
    assert_eq!(root(&s.json, "shop-tls"), "CONTROLLER_NOT_RUNNING");
    assert!(
        s.json["controlPlane"][0]["message"]
            .as_str()
            .unwrap()
            .contains("leader Lease"),
        "{}",
        s.json
    );
}

#[test]
fn a_healthy_control_plane_says_nothing_and_a_healthy_certificate_ignores_a_dead_one() {
    let mut objs = parts();
    objs.extend(fixture_objects("healthy.yaml"));
    let s = &diagnose_both(objs.clone(), &[])[0];
    assert_eq!(s.code, 0, "{}", s.text);
    assert_eq!(codes(&s.json["controlPlane"]), Vec::<&str>::new());
    assert_eq!(root(&s.json, "web-tls"), "none");

    objects::edit(&mut objs, "Deployment", "cert-manager", |d| {
        if d["metadata"]["name"] == "cert-manager" {
            unavailable(d);
        }
    });
    let s = &diagnose_both(objs, &[])[0];
    assert_eq!(root(&s.json, "web-tls"), "none", "nothing waits on it");
    assert_eq!(codes(&s.json["controlPlane"]), ["CONTROLLER_NOT_RUNNING"]);
    assert_eq!(s.code, 1, "cert-manager itself is broken");
}

#[test]
fn an_empty_ca_bundle_is_the_root_cause_of_a_frozen_issuance() {
    let mut objs = parts();
    objects::edit(
        &mut objs,
        "ValidatingWebhookConfiguration",
        "cert-manager-webhook",
        |v| {
            v["webhooks"][0]["clientConfig"]
                .as_object_mut()
                .unwrap()
                .remove("caBundle");
        },
    );
    objs.extend(super::webhooks::frozen(
        "cert-manager-webhook.cert-manager.svc",
        "tls: failed to verify certificate: x509: certificate signed by unknown authority",
    ));
    for s in diagnose_both(objs, &[]) {
        let how = s.how;
        assert_eq!(
            root(&s.json, "shop-tls"),
            "WEBHOOK_CA_NOT_INJECTED",
            "{how}"
        );
        let cp = &s.json["controlPlane"];
        assert_eq!(codes(cp), ["WEBHOOK_CA_NOT_INJECTED"], "{how}");
        let ev = evidence(&cp[0]);
        assert!(
            ev.contains("webhook.cert-manager.io") && ev.contains("x509"),
            "{how}: {ev}"
        );
        assert_eq!(cp[0]["subject"]["name"], "cert-manager-webhook", "{how}");
        assert!(
            headline(&s.text, "shop-tls", "WEBHOOK_CA_NOT_INJECTED"),
            "{how}: {}",
            s.text
        );
    }
}

#[test]
fn webhook_call_failures_in_events_mean_the_webhook_is_not_ready() {
    let cert = objects::certificate("production", "shop-tls").with(
        "/status",
        json!({"conditions": [condition("Issuing", "True", "DoesNotExist", "Issuing certificate as Secret does not exist")]}),
    );
    let event = json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "shop-tls.187a9c2f3b1d4e60", "namespace": "production"},
        "involvedObject": {"kind": "Certificate", "name": "shop-tls", "namespace": "production", "uid": "certificate-shop-tls"},
        "reason": "RequestFailed", "type": "Warning",
        "message": "Failed to create CertificateRequest: Internal error occurred: failed calling webhook \"webhook.cert-manager.io\": failed to call webhook: Post \"https://cert-manager-webhook.cert-manager.svc:443/validate?timeout=30s\": dial tcp 10.96.184.21:443: connect: connection refused"});
    // No control-plane objects: only the Event tells.
    let objs = vec![
        objects::cluster_issuer(objects::ISSUER),
        cert,
        event.clone(),
    ];
    let s = &diagnose_both(objs.clone(), &[])[0];
    assert_eq!(root(&s.json, "shop-tls"), "WEBHOOK_NOT_READY", "{}", s.json);
    assert!(evidence(&s.json["controlPlane"][0]).contains("connection refused"));
    // Three days old: the webhook may have come back since; the Event proves nothing now.
    let mut old = objs;
    old[2] = event.with("/lastTimestamp", json!("2026-11-20T09:00:00Z"));
    let s = &diagnose_both(old, &[])[0];
    assert_ne!(root(&s.json, "shop-tls"), "WEBHOOK_NOT_READY", "{}", s.json);
    assert_eq!(s.json["controlPlane"], json!([]));
}

#[test]
fn an_x509_webhook_failure_with_a_ca_bundle_in_place_is_a_stale_bundle_not_the_network() {
    let cert = objects::certificate("production", "shop-tls").with(
        "/status",
        json!({"conditions": [condition("Issuing", "True", "DoesNotExist", "Issuing certificate as Secret does not exist")]}),
    );
    let event = json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "shop-tls.187a9c2f3b1d4e61", "namespace": "production"},
        "involvedObject": {"kind": "Certificate", "name": "shop-tls", "namespace": "production", "uid": "certificate-shop-tls"},
        "reason": "RequestFailed", "type": "Warning",
        "lastTimestamp": "2026-11-23T11:55:00Z",
        "message": "Failed to create CertificateRequest: Internal error occurred: failed calling webhook \"webhook.cert-manager.io\": failed to call webhook: Post \"https://cert-manager-webhook.cert-manager.svc:443/validate?timeout=30s\": tls: failed to verify certificate: x509: certificate signed by unknown authority"});
    // cert-manager healthy, both configurations with their caBundle (the chart as installed).
    let mut objs = parts();
    objs.extend([objects::cluster_issuer(objects::ISSUER), cert, event]);
    for s in &diagnose_both(objs, &[]) {
        let cp = &s.json["controlPlane"];
        assert_eq!(codes(cp), ["WEBHOOK_CA_MISMATCH"], "{}: {cp}", s.how);
        let remedy = cp[0]["remedy"].as_str().unwrap();
        assert!(
            remedy.contains("cainjector") && remedy.contains("ignoreDifferences"),
            "{remedy}"
        );
        assert!(!remedy.contains("NetworkPolicies"), "{remedy}");
        assert_eq!(
            root(&s.json, "shop-tls"),
            "WEBHOOK_CA_MISMATCH",
            "{}",
            s.how
        );
    }
}

#[test]
fn an_unreadable_control_plane_is_one_note_and_changes_nothing_else() {
    let cluster = Cluster::with_fixtures(Some("production"), &[]);
    let mut objs = parts();
    objs.extend(three_waiting());
    cluster.server.insert_all(objs);
    for resource in ["deployments", "pods", "leases"] {
        cluster.server.forbid("list", resource);
    }
    let out = cluster
        .certdoctor()
        .args(["diagnose", "--offline", "-o", "json"])
        .output()
        .unwrap();
    let report = json_of(&out);
    assert!(report.get("certManager").is_none(), "{report}");
    assert_eq!(report["unreadable"], json!([]), "{report}");
    let warnings = report["warnings"].as_array().unwrap();
    let cp: Vec<&Value> = warnings
        .iter()
        .filter(|w| w["subject"] == "cert-manager control plane")
        .collect();
    assert_eq!(cp.len(), 1, "{warnings:?}");
    let msg = cp[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("deployments.apps")
            && msg.contains("leases.coordination.k8s.io")
            && msg.contains("control-plane check")
            && msg.contains("kubectl auth can-i list deployments.apps -A"),
        "{msg}"
    );
    assert_ne!(root(&report, "shop-tls"), "CONTROLLER_NOT_RUNNING");
    let err = stderr(&out);
    assert_eq!(
        err.matches("cert-manager control plane").count(),
        1,
        "{err}"
    );
}

/// An Ingress `name` in production with `annotations` and `tls`, as a user writes it, with
/// the address its controller wrote.
pub(crate) fn ingress(
    name: &str,
    class: &str,
    annotations: Value,
    tls: Value,
    host: &str,
) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": name, "namespace": "production", "uid": format!("ingress-{name}"),
                     "creationTimestamp": "2026-11-20T08:00:00Z", "generation": 1,
                     "annotations": annotations},
        "spec": {"ingressClassName": class, "tls": tls,
                 "rules": [{"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix",
                     "backend": {"service": {"name": name, "port": {"number": 80}}}}]}}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.10"}]}}})
}

#[test]
fn annotated_ingresses_without_a_certificate_say_why() {
    let bad_config = json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "shop.187a9c2f40000001", "namespace": "production"},
        "involvedObject": {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "name": "shop",
                           "namespace": "production", "uid": "ingress-shop"},
        "reason": "BadConfig", "type": "Warning", "count": 3,
        "source": {"component": "cert-manager-ingress-shim"},
        "message": "Skipped a TLS block: spec.tls[0].secretName: Required value"});
    let objs = vec![
        objects::cluster_issuer(objects::ISSUER),
        ingress(
            "shop",
            "nginx",
            json!({"cert-manager.io/cluster-issuer": objects::ISSUER}),
            json!([{"hosts": ["shop.example.com"]}]),
            "shop.example.com",
        ),
        bad_config,
        ingress(
            "legacy",
            "nginx",
            json!({"certmanager.k8s.io/cluster-issuer": objects::ISSUER,
                   "certmanager.k8s.io/acme-challenge-type": "http01"}),
            json!([{"hosts": ["legacy.example.com"], "secretName": "legacy-tls"}]),
            "legacy.example.com",
        ),
        ingress(
            "acme",
            "nginx",
            json!({"kubernetes.io/tls-acme": "true"}),
            json!([{"hosts": ["acme.example.com"], "secretName": "acme-tls"}]),
            "acme.example.com",
        ),
        // Annotated and issued: nothing to say.
        ingress(
            "fine",
            "nginx",
            json!({"cert-manager.io/cluster-issuer": objects::ISSUER}),
            json!([{"hosts": ["fine-tls.example.com"], "secretName": "fine-tls"}]),
            "fine-tls.example.com",
        ),
        objects::certificate("production", "fine-tls")
            .with("/status", ready_status())
            .with(
                "/metadata/ownerReferences",
                json!([{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "name": "fine",
                        "uid": "ingress-fine", "controller": true, "blockOwnerDeletion": true}]),
            ),
        // Not annotated: no Certificate is owed; but its Secret does not exist, so the
        // controller serves its default certificate there (INGRESS_TLS_MISMATCH).
        ingress(
            "manual",
            "nginx",
            json!({}),
            json!([{"hosts": ["manual.example.com"], "secretName": "manual-tls"}]),
            "manual.example.com",
        ),
    ];
    for s in diagnose_both(objs, &[]) {
        let how = s.how;
        assert_eq!(s.code, 1, "{how}");
        let origins = &s.json["origins"];
        let subjects: Vec<String> = origins
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["code"].as_str().unwrap(),
                    f["subject"]["name"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            subjects,
            [
                "INGRESS_NO_CERTIFICATE acme",
                "LEGACY_ANNOTATIONS legacy",
                "INGRESS_TLS_MISMATCH manual",
                "INGRESS_NO_CERTIFICATE shop"
            ],
            "{how}"
        );
        let shop = &origins[3];
        assert!(
            origins[2]["message"]
                .as_str()
                .unwrap()
                .contains("Secret manual-tls does not exist in namespace production"),
            "{how}"
        );
        assert!(
            shop["message"].as_str().unwrap().contains("no secretName"),
            "{how}"
        );
        assert!(evidence(shop).contains("Skipped a TLS block"), "{how}");
        assert!(
            origins[0]["remedy"]
                .as_str()
                .unwrap()
                .contains("--default-issuer-name"),
            "{how}"
        );
        assert!(
            evidence(&origins[1]).contains("certmanager.k8s.io/cluster-issuer"),
            "{how}"
        );
        assert!(
            s.text
                .contains("✗ INGRESS_NO_CERTIFICATE Ingress production/shop spec.tls[0]"),
            "{how}: {}",
            s.text
        );
    }
}

/// Gateway production/public: an HTTPS listener on 443 with a certificateRef and no
/// hostname, annotated for cert-manager.
fn gateway() -> Value {
    json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
        "metadata": {"name": "public", "namespace": "production", "uid": "gateway-public", "generation": 1,
                     "annotations": {"cert-manager.io/cluster-issuer": objects::ISSUER}},
        "spec": {"gatewayClassName": "eg", "listeners": [
            {"name": "https", "port": 443, "protocol": "HTTPS",
             "allowedRoutes": {"namespaces": {"from": "Same"}},
             "tls": {"mode": "Terminate", "certificateRefs": [{"group": "", "kind": "Secret", "name": "public-tls"}]}}]},
        "status": {"addresses": [{"type": "IPAddress", "value": "203.0.113.20"}],
                   "conditions": [{"type": "Accepted", "status": "True", "reason": "Accepted", "message": "The Gateway has been scheduled by Envoy Gateway",
                                   "lastTransitionTime": "2026-11-20T08:00:00Z", "observedGeneration": 1}]}})
}

#[test]
fn a_gateway_listener_without_hostname_gets_no_certificate() {
    let event = json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "public.187a9c2f40000002", "namespace": "production"},
        "involvedObject": {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "name": "public",
                           "namespace": "production", "uid": "gateway-public"},
        "reason": "BadConfig", "type": "Warning",
        "message": "Skipped a listener block: spec.listeners[0].hostname: Required value: the hostname cannot be empty"});
    for s in diagnose_both(vec![gateway(), event], &[]) {
        let how = s.how;
        assert_eq!(s.code, 1, "{how}");
        let o = &s.json["origins"];
        assert_eq!(codes(o), ["GATEWAY_NO_CERTIFICATE"], "{how}");
        assert!(
            o[0]["message"]
                .as_str()
                .unwrap()
                .contains("has no hostname"),
            "{how}"
        );
        assert!(
            evidence(&o[0]).contains("Skipped a listener block"),
            "{how}"
        );
        assert!(
            s.text
                .contains("GATEWAY_NO_CERTIFICATE Gateway production/public"),
            "{how}: {}",
            s.text
        );
    }
}

/// An HTTP-01 chain in production for shop.example.com: Certificate issuing, request, Order
/// and a pending, presented Challenge whose self-check fails.
pub(crate) fn http01_chain(solver: Value) -> (Vec<Value>, Value) {
    let cert = objects::certificate("production", "shop-tls")
        .with("/spec/dnsNames", json!(["shop.example.com"]))
        .with(
            "/status",
            json!({"conditions": [
                condition("Ready", "False", "DoesNotExist", "Issuing certificate as Secret does not exist"),
                condition("Issuing", "True", "DoesNotExist", "Issuing certificate as Secret does not exist")]}),
        );
    let cr = objects::certificate_request(
        &cert,
        1,
        json!([
            condition(
                "Approved",
                "True",
                "cert-manager.io",
                "Certificate request has been approved by cert-manager.io"
            ),
            condition(
                "Ready",
                "False",
                "Pending",
                "Waiting on certificate issuance from order production/shop-tls-1-2385927541: \"pending\""
            )
        ]),
    );
    let order = objects::order(&cr, "pending");
    let ch = objects::challenge(
        &order,
        "shop.example.com",
        "pending",
        "Waiting for HTTP-01 challenge propagation: wrong status code '404', expected '200'",
    )
    .with("/spec/solver", solver);
    let objs = vec![
        objects::cluster_issuer(objects::ISSUER),
        cert,
        cr,
        order,
        ch.clone(),
    ];
    (objs, ch)
}

/// The labels and owner cert-manager gives every solver resource of `ch` (`podLabels` in
/// pkg/issuer/acme/http/pod.go: the adler32 of the name, shop.example.com, and of the token).
pub(crate) fn solver_meta(ch: &Value, name: &str) -> Value {
    json!({"name": name, "namespace": "production", "uid": format!("solver-{name}"),
        "generateName": "cm-acme-http-solver-", "creationTimestamp": "2026-11-23T11:40:00Z",
        "labels": {"acme.cert-manager.io/http-domain": "903284290", "acme.cert-manager.io/http-token": "108921378",
                   "acme.cert-manager.io/http01-solver": "true"},
        "ownerReferences": [{"apiVersion": "acme.cert-manager.io/v1", "kind": "Challenge",
                             "name": ch["metadata"]["name"], "uid": ch["metadata"]["uid"],
                             "controller": true, "blockOwnerDeletion": true}]})
}

#[test]
fn a_solver_pod_in_image_pull_backoff_is_the_root_cause() {
    let (mut objs, ch) =
        http01_chain(json!({"http01": {"ingress": {"ingressClassName": "nginx"}}}));
    let image = "quay.io/jetstack/cert-manager-acmesolver:v1.19.1";
    objs.push(json!({"apiVersion": "v1", "kind": "Pod", "metadata": solver_meta(&ch, "cm-acme-http-solver-8xq2w"),
        "spec": {"containers": [{"name": "acmesolver", "image": image,
                                 "args": ["--listen-port=8089", "--domain=shop.example.com", "--token=token", "--key=token.thumbprint"],
                                 "ports": [{"containerPort": 8089, "name": "http", "protocol": "TCP"}]}],
                 "nodeName": "pool-1-node-a", "restartPolicy": "OnFailure"},
        "status": {"phase": "Pending", "qosClass": "Burstable", "startTime": "2026-11-23T11:40:01Z",
                   "conditions": [{"type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-11-23T11:40:00Z"},
                                  {"type": "Ready", "status": "False", "reason": "ContainersNotReady",
                                   "message": "containers with unready status: [acmesolver]", "lastTransitionTime": "2026-11-23T11:40:00Z"}],
                   "containerStatuses": [{"name": "acmesolver", "image": image, "imageID": "", "ready": false,
                                          "restartCount": 0, "started": false,
                                          "state": {"waiting": {"reason": "ImagePullBackOff",
                                                                "message": format!("Back-off pulling image \"{image}\"")}}}]}}));
    for s in diagnose_both(objs, &[]) {
        let how = s.how;
        assert_eq!(
            root(&s.json, "shop-tls"),
            "HTTP01_SOLVER_POD_NOT_RUNNING",
            "{how}"
        );
        let f = cert(&s.json, "shop-tls")["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "HTTP01_SOLVER_POD_NOT_RUNNING")
            .unwrap();
        assert!(
            evidence(f).contains("Pending, ImagePullBackOff (Back-off pulling image"),
            "{how}: {f}"
        );
        assert!(
            headline(&s.text, "shop-tls", "HTTP01_SOLVER_POD_NOT_RUNNING"),
            "{how}: {}",
            s.text
        );
    }
}

#[test]
fn a_solver_ingress_with_the_wrong_class_is_the_root_cause_and_names_both_classes() {
    let (mut objs, ch) =
        http01_chain(json!({"http01": {"ingress": {"ingressClassName": "nginx"}}}));
    objs.push(ingress(
        "shop",
        "public",
        json!({"cert-manager.io/cluster-issuer": objects::ISSUER}),
        json!([{"hosts": ["shop.example.com"], "secretName": "shop-tls"}]),
        "shop.example.com",
    ));
    objs.push(json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": solver_meta(&ch, "cm-acme-http-solver-7x9kd")
            .with("/annotations", json!({"nginx.ingress.kubernetes.io/whitelist-source-range": "0.0.0.0/0,::/0"})),
        "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.example.com", "http": {"paths": [
            {"path": "/.well-known/acme-challenge/token", "pathType": "Exact",
             "backend": {"service": {"name": "cm-acme-http-solver-4mxzb", "port": {"number": 8089}}}}]}}]},
        "status": {"loadBalancer": {}}}));
    objs.push(
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
        "metadata": {"name": "public", "uid": "ingressclass-public",
                     "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
        "spec": {"controller": "k8s.io/ingress-nginx"}}),
    );
    for s in diagnose_both(objs, &[]) {
        let how = s.how;
        assert_eq!(
            root(&s.json, "shop-tls"),
            "HTTP01_SOLVER_INGRESS_NOT_ADMITTED",
            "{how}"
        );
        let msg = cert(&s.json, "shop-tls")["rootCause"]["message"]
            .as_str()
            .unwrap()
            .to_string();
        for want in [
            "class nginx differs from public of Ingress shop",
            "matches no IngressClass",
            "no ingress controller wrote a load-balancer address into its status, while the app's Ingress has one",
        ] {
            assert!(msg.contains(want), "{how}: {want} not in {msg}");
        }
        let f = cert(&s.json, "shop-tls")["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "HTTP01_SOLVER_INGRESS_NOT_ADMITTED")
            .unwrap();
        assert!(
            evidence(f).contains("default IngressClass: public"),
            "{how}: {f}"
        );
        assert_eq!(codes(&s.json["origins"]), Vec::<&str>::new(), "{how}");
        assert!(
            headline(&s.text, "shop-tls", "HTTP01_SOLVER_INGRESS_NOT_ADMITTED"),
            "{how}: {}",
            s.text
        );
    }
}

#[test]
fn a_solver_httproute_its_gateway_does_not_accept_is_the_root_cause() {
    let parent = json!({"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "public", "namespace": "production"});
    let (mut objs, ch) =
        http01_chain(json!({"http01": {"gatewayHTTPRoute": {"parentRefs": [parent]}}}));
    let mut gw = gateway();
    gw["spec"]["listeners"][0]["hostname"] = json!("shop.example.com");
    gw["spec"]["listeners"][0]["tls"]["certificateRefs"][0]["name"] = json!("shop-tls");
    objs.push(gw);
    objs.push(json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": solver_meta(&ch, "cm-acme-http-solver-p2b7n"),
        "spec": {"parentRefs": [parent], "hostnames": ["shop.example.com"],
                 "rules": [{"matches": [{"path": {"type": "Exact", "value": "/.well-known/acme-challenge/token"}}],
                            "backendRefs": [{"group": "", "kind": "Service", "name": "cm-acme-http-solver-4mxzb", "port": 8089, "weight": 1}]}]},
        "status": {"parents": [{"parentRef": parent, "controllerName": "gateway.envoyproxy.io/gatewayclass-controller",
            "conditions": [
                {"type": "Accepted", "status": "False", "reason": "NotAllowedByListeners",
                 "message": "No listeners included by this parent ref allowed this attachment.",
                 "lastTransitionTime": "2026-11-23T11:40:02Z", "observedGeneration": 1},
                {"type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs", "message": "Resolved all the Object references for the Route",
                 "lastTransitionTime": "2026-11-23T11:40:02Z", "observedGeneration": 1}]}]}}));
    for s in diagnose_both(objs, &[]) {
        let how = s.how;
        assert_eq!(
            root(&s.json, "shop-tls"),
            "GATEWAY_ROUTE_NOT_ACCEPTED",
            "{how}"
        );
        let msg = cert(&s.json, "shop-tls")["rootCause"]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            msg.contains("Accepted=False (NotAllowedByListeners)")
                && msg.contains("no HTTP listener on port 80"),
            "{how}: {msg}"
        );
        assert!(
            headline(&s.text, "shop-tls", "GATEWAY_ROUTE_NOT_ACCEPTED"),
            "{how}: {}",
            s.text
        );
    }
}

#[test]
fn dump_writes_the_new_kinds_with_nothing_secret() {
    let (mut objs, ch) =
        http01_chain(json!({"http01": {"ingress": {"ingressClassName": "nginx"}}}));
    objs.extend(parts());
    objs.push(json!({"apiVersion": "v1", "kind": "Pod", "metadata": solver_meta(&ch, "cm-acme-http-solver-8xq2w"),
        "spec": {"containers": [{"name": "acmesolver", "image": "quay.io/jetstack/cert-manager-acmesolver:v1.19.1",
                                 "env": [{"name": "PROXY_PASSWORD", "value": "s3cr3t-value"}],
                                 "envFrom": [{"secretRef": {"name": "proxy-credentials"}}]}]},
        "status": {"phase": "Running"}}));
    let cluster = Cluster::with_fixtures(Some("production"), &[]);
    cluster.server.insert_all(objs);
    let out = cluster.certdoctor().arg("dump").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dump = stdout(&out);
    for kind in [
        "kind: Deployment",
        "kind: Lease",
        "kind: ValidatingWebhookConfiguration",
        "kind: MutatingWebhookConfiguration",
        "cm-acme-http-solver-8xq2w",
        "cert-manager-controller:v1.19.1",
    ] {
        assert!(dump.contains(kind), "{kind} not in the dump");
    }
    // The Secret the solver reads into env vars is named (for `diagnose --consumers`), its
    // values and every literal env value are not.
    assert!(dump.contains("proxy-credentials"));
    for secret in [
        "s3cr3t-value",
        "PROXY_PASSWORD",
        "POD_NAMESPACE",
        "--leader-election-namespace",
    ] {
        assert!(!dump.contains(secret), "{secret} in the dump");
    }
}

#[test]
fn status_shows_the_version_and_a_row_for_each_origin_without_a_certificate() {
    let mut objs = parts();
    objs.extend(fixture_objects("healthy.yaml"));
    objs.push(ingress(
        "shop",
        "nginx",
        json!({"cert-manager.io/cluster-issuer": objects::ISSUER}),
        json!([{"hosts": ["shop.example.com"], "secretName": "shop-tls"}]),
        "shop.example.com",
    ));
    objs.push(gateway());
    let cluster = Cluster::with_fixtures(Some("production"), &[]);
    cluster.server.insert_all(objs);
    let dump = stdout(&cluster.certdoctor().arg("dump").output().unwrap());
    let run = |live: bool, args: &[&str]| {
        let mut cmd = if live {
            cluster.certdoctor()
        } else {
            let mut c = certdoctor();
            c.args(["-n", "production", "--from-file", "-"])
                .write_stdin(dump.clone());
            c
        };
        cmd.arg("status").args(args).output().unwrap()
    };
    for live in [true, false] {
        let text = run(live, &[]);
        assert_eq!(text.status.code(), Some(1), "{}", stderr(&text));
        let text = stdout(&text);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0], "cert-manager v1.19.1 in namespace cert-manager",
            "{text}"
        );
        let row = |name: &str| {
            lines
                .iter()
                .find(|l| l.starts_with(name))
                .unwrap_or_else(|| panic!("{name} not in {text}"))
                .split_whitespace()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            row("ingress/shop"),
            [
                "ingress/shop",
                "False",
                "shop-tls",
                "letsencrypt-prod",
                "-",
                "-",
                "no",
                "Certificate",
                "(INGRESS_NO_CERTIFICATE)"
            ]
        );
        assert_eq!(
            row("gateway/public")[6..],
            ["no", "Certificate", "(GATEWAY_NO_CERTIFICATE)"]
        );
        assert_eq!(row("web-tls")[1], "True");

        let md = stdout(&run(live, &["-o", "markdown"]));
        assert!(
            md.contains("cert-manager v1.19.1 in namespace cert-manager")
                && md.contains("| ingress/shop | ✗ False | shop-tls | letsencrypt-prod | - | - | no Certificate (INGRESS_NO_CERTIFICATE) |"),
            "{md}"
        );
        let report = json_of(&run(live, &["-o", "json"]));
        assert_eq!(report["certManager"]["version"], "v1.19.1");
        let origins: Vec<String> = report["origins"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                format!(
                    "{} {} {}",
                    o["kind"].as_str().unwrap(),
                    o["name"].as_str().unwrap(),
                    o["code"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            origins,
            [
                "Ingress shop INGRESS_NO_CERTIFICATE",
                "Gateway public GATEWAY_NO_CERTIFICATE"
            ]
        );
    }
}

#[test]
fn a_cluster_without_the_gateway_api_is_no_news() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    cluster.server.uninstall_group("gateway.networking.k8s.io");
    for cmd in [&["status"][..], &["diagnose", "--offline"], &["dump"]] {
        let out = cluster.certdoctor().args(cmd).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{cmd:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{cmd:?}");
    }
    let report = json_of(
        &cluster
            .certdoctor()
            .args(["diagnose", "--offline", "-o", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(report["unreadable"], json!([]));
    assert_eq!(report["warnings"], json!([]));
}

#[test]
fn a_solver_ingress_of_the_apps_class_is_not_blamed_even_without_status() {
    let (mut objs, ch) =
        http01_chain(json!({"http01": {"ingress": {"ingressClassName": "nginx"}}}));
    let mut app = ingress(
        "shop",
        "nginx",
        json!({"cert-manager.io/cluster-issuer": objects::ISSUER}),
        json!([{"hosts": ["shop.example.com"], "secretName": "shop-tls"}]),
        "shop.example.com",
    );
    // ingress-nginx without --publish-service writes no address, for the app nor the solver.
    app["status"] = json!({"loadBalancer": {}});
    objs.push(app);
    objs.push(
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": solver_meta(&ch, "cm-acme-http-solver-7x9kd"),
        "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.example.com"}]},
        "status": {"loadBalancer": {}}}),
    );
    objs.push(json!({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
        "metadata": {"name": "nginx", "uid": "ingressclass-nginx"}, "spec": {"controller": "k8s.io/ingress-nginx"}}));
    let (report, _) = crate::support::report::diagnose(&objs, &[]);
    assert_eq!(
        root(&report, "shop-tls"),
        "CHALLENGE_NOT_PROPAGATED",
        "{report}"
    );
}
