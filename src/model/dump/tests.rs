//! Unit tests of the dump format: what is kept, what is scrubbed.

use super::*;

#[test]
fn secrets_lose_keys_and_last_applied_configuration() {
    let raw = RawSnapshot {
        objects: vec![json!({
            "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": {"name": "s", "namespace": "a", "uid": "u1",
                         "annotations": {LAST_APPLIED: "{\"data\":{\"tls.key\":\"c2VjcmV0\"}}"},
                         "managedFields": [{}]},
            "data": {"tls.crt": "Y2VydA==", "tls.key": "c2VjcmV0", "ca.crt": "Y2E=", "keystore.p12": "eA=="},
            "stringData": {"password": "x"}
        })],
        unreadable: vec![],
    };
    let doc = build(raw, &Scope::default(), false);
    let text = doc.to_string();
    assert!(!text.contains("c2VjcmV0"), "{text}");
    assert!(!text.contains("password") && !text.contains("managedFields"));
    let item = &doc["items"][0];
    let keys: Vec<&String> = item["data"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["ca.crt", "tls.crt"]);
    assert_eq!(
        item["metadata"]["annotations"][REMOVED_KEYS_ANNOTATION],
        "keystore.p12,tls.key"
    );
}

#[test]
fn pods_and_deployments_keep_images_and_secret_names_and_lose_every_value() {
    let container = json!({"name": "c", "image": "quay.io/jetstack/cert-manager-controller:v1.19.1",
        "env": [{"name": "AWS_SECRET_ACCESS_KEY", "value": "hunter2"},
                {"name": "FROM_CONFIG", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "k"}}},
                {"name": "ROUTE53_KEY", "value": "hunter2",
                 "valueFrom": {"secretKeyRef": {"name": "route53", "key": "secret", "optional": true}}}],
        "envFrom": [{"secretRef": {"name": "creds"}, "prefix": "P_"}, {"configMapRef": {"name": "cfg"}}],
        "volumeMounts": [{"name": "v", "mountPath": "/tls/tls.crt", "subPath": "tls.crt", "readOnly": true}],
        "args": ["--token=hunter2"], "command": ["run", "--password=hunter2"]});
    let raw = RawSnapshot {
        objects: vec![
            json!({"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": "p", "namespace": "cert-manager",
                                "labels": {"app.kubernetes.io/component": "controller", "app.kubernetes.io/name": "cert-manager"}},
                   "spec": {"containers": [container.clone()], "serviceAccountName": "x",
                            "volumes": [{"name": "v", "secret": {"secretName": "s", "defaultMode": 420}},
                                        {"name": "p", "projected": {"sources": [
                                            {"secret": {"name": "s2", "items": [{"key": "tls.crt", "path": "c"}]}},
                                            {"serviceAccountToken": {"path": "token"}}]}},
                                        {"name": "f", "flexVolume": {"driver": "d", "options": {"password": "hunter2"}}}]},
                   "status": {"phase": "Running"}}),
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                   "metadata": {"name": "d", "namespace": "cert-manager",
                                "labels": {"app.kubernetes.io/component": "controller", "app.kubernetes.io/name": "cert-manager"}},
                   "spec": {"replicas": 1, "template": {"spec": {"containers": [container]}}},
                   "status": {"availableReplicas": 1}}),
        ],
        unreadable: vec![],
    };
    let doc = build(raw, &Scope::default(), false);
    let text = doc.to_string();
    for gone in [
        "hunter2",
        "AWS_SECRET_ACCESS_KEY",
        "FROM_CONFIG",
        "cfg",
        "P_",
        "optional",
        "readOnly",
    ] {
        assert!(!text.contains(gone), "{gone}: {text}");
    }
    assert_eq!(doc["items"][0]["status"]["phase"], "Running");
    assert_eq!(doc["items"][1]["spec"]["replicas"], 1);
    let kept = json!({"name": "c", "image": "quay.io/jetstack/cert-manager-controller:v1.19.1",
        "env": [{"name": "ROUTE53_KEY", "valueFrom": {"secretKeyRef": {"name": "route53", "key": "secret"}}}],
        "envFrom": [{"secretRef": {"name": "creds"}}],
        "volumeMounts": [{"name": "v", "mountPath": "/tls/tls.crt", "subPath": "tls.crt"}]});
    assert_eq!(doc["items"][0]["spec"]["containers"][0], kept);
    assert_eq!(
        doc["items"][1]["spec"]["template"]["spec"]["containers"][0],
        kept
    );
    assert_eq!(
        doc["items"][0]["spec"]["volumes"],
        json!([{"name": "v", "secret": {"secretName": "s"}},
               {"name": "p", "projected": {"sources": [{"secret": {"name": "s2"}}]}},
               {"name": "f"}])
    );
}

#[test]
fn every_pod_in_scope_is_kept_once_only_with_consumers() {
    let pod = |ns: &str, name: &str, labels: Value| {
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": name, "namespace": ns, "labels": labels},
               "spec": {"containers": [{"name": "app", "image": "app"}]}})
    };
    let controller = pod(
        "cert-manager",
        "controller",
        json!({"app.kubernetes.io/component": "controller", "app.kubernetes.io/name": "cert-manager"}),
    );
    let raw = || RawSnapshot {
        objects: vec![
            controller.clone(),
            pod("prod", "app", json!({})),
            pod("other", "app", json!({})),
            controller.clone(),
        ],
        unreadable: vec![],
    };
    let scope = Scope {
        namespace: Some("prod".into()),
        selector: None,
    };
    let names = |doc: Value| -> Vec<String> {
        doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                format!(
                    "{}/{}",
                    i["metadata"]["namespace"].as_str().unwrap(),
                    i["metadata"]["name"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        names(build(raw(), &scope, true)),
        ["cert-manager/controller", "prod/app"]
    );
    let without = names(build(raw(), &scope, false));
    assert!(
        without.iter().all(|n| n == "cert-manager/controller"),
        "{without:?}"
    );
}

#[test]
fn a_private_key_inside_a_kept_key_is_stripped_and_named() {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let cert = "-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n";
    let key = "-----BEGIN RSA PRIVATE KEY-----\nS0VZS0VZ\n-----END RSA PRIVATE KEY-----\n";
    let raw = RawSnapshot {
        objects: vec![json!({
            "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": {"name": "s", "namespace": "a", "uid": "u1"},
            "data": {"tls.crt": b64(&format!("{cert}{key}")), "ca.crt": b64(&format!("{key}{cert}"))}
        })],
        unreadable: vec![],
    };
    let doc = build(raw, &Scope::default(), false);
    let item = &doc["items"][0];
    for k in ["tls.crt", "ca.crt"] {
        assert_eq!(item["data"][k], b64(cert), "{k}");
    }
    assert_eq!(
        item["metadata"]["annotations"][REMOVED_KEYS_ANNOTATION],
        "ca.crt: RSA PRIVATE KEY block,tls.crt: RSA PRIVATE KEY block"
    );
}

#[test]
fn events_about_objects_outside_the_dump_are_dropped() {
    let raw = RawSnapshot {
        objects: vec![
            json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": {"name": "c", "namespace": "a", "uid": "u1"}}),
            json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e1", "namespace": "a"}, "involvedObject": {"uid": "u1"}}),
            json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e2", "namespace": "a"}, "involvedObject": {"uid": "pod"}}),
        ],
        unreadable: vec![],
    };
    let doc = build(raw, &Scope::default(), false);
    let names: Vec<_> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["c", "e1"]);
}
