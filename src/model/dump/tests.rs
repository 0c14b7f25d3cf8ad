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
    let doc = build(raw, &Scope::default());
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
fn pods_and_deployments_keep_images_and_lose_env() {
    let container = json!({"name": "c", "image": "quay.io/jetstack/cert-manager-controller:v1.19.1",
        "env": [{"name": "AWS_SECRET_ACCESS_KEY", "value": "hunter2"}],
        "envFrom": [{"secretRef": {"name": "creds"}}], "args": ["--token=hunter2"]});
    let raw = RawSnapshot {
        objects: vec![
            json!({"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": "p", "namespace": "cert-manager",
                                "labels": {"app.kubernetes.io/component": "controller", "app.kubernetes.io/name": "cert-manager"}},
                   "spec": {"containers": [container.clone()], "serviceAccountName": "x",
                            "volumes": [{"name": "v", "secret": {"secretName": "s"}}]},
                   "status": {"phase": "Running"}}),
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                   "metadata": {"name": "d", "namespace": "cert-manager",
                                "labels": {"app.kubernetes.io/component": "controller", "app.kubernetes.io/name": "cert-manager"}},
                   "spec": {"replicas": 1, "template": {"spec": {"containers": [container]}}},
                   "status": {"availableReplicas": 1}}),
        ],
        unreadable: vec![],
    };
    let doc = build(raw, &Scope::default());
    let text = doc.to_string();
    assert!(
        !text.contains("hunter2") && !text.contains("creds"),
        "{text}"
    );
    assert!(text.contains("cert-manager-controller:v1.19.1") && text.contains("secretName"));
    assert_eq!(doc["items"][0]["status"]["phase"], "Running");
    assert_eq!(doc["items"][1]["spec"]["replicas"], 1);
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
    let doc = build(raw, &Scope::default());
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
    let doc = build(raw, &Scope::default());
    let names: Vec<_> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["c", "e1"]);
}
