//! `diagnose --consumers` (issue 14): the Pods that use a Certificate's Secret and may hold
//! an old copy of it (CONSUMER_STALE): a subPath mount, env vars, a Pod started before the
//! last issuance. Off by default, and then no Pod LIST is made.

use serde_json::{Value, json};

use crate::support::objects::{Edit, certificate, cluster_issuer, ready_status, tls_secret};
use crate::support::pki::{self, LeafOptions};
use crate::support::report::json_of;
use crate::support::{Cluster, stderr, stdout};

/// A Pod in `prod` with this spec, running since `started`.
fn pod(name: &str, spec: Value, started: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "namespace": "prod", "uid": format!("uid-{name}")},
           "spec": spec,
           "status": {"phase": "Running", "startTime": started,
                      "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0,
                                             "image": "app", "imageID": "", "started": true,
                                             "state": {"running": {"startedAt": started}}}]}})
}

fn volume(secret: &str) -> Value {
    json!([{"name": "tls", "secret": {"secretName": secret}}])
}

/// Certificate prod/web (issued 2026-10-15), its Secret, and four Pods using it: one with a
/// subPath mount, one with env vars from it, one started before the issuance, one fresh.
fn cluster() -> Cluster {
    let ca = pki::root("Test CA");
    let leaf = pki::leaf(
        &ca,
        LeafOptions {
            names: vec!["web.example.com".into()],
            ..LeafOptions::default()
        },
    );
    let fresh = "2026-11-01T08:00:00Z";
    let cluster = Cluster::with_fixtures(Some("prod"), &[]);
    cluster.server.insert_all(vec![
        certificate("prod", "web")
            .with("/spec/dnsNames", json!(["web.example.com"]))
            .with("/status", ready_status()),
        cluster_issuer("letsencrypt-prod").with("/spec", json!({"selfSigned": {}})),
        tls_secret(
            "prod",
            "web",
            &[
                ("tls.crt", leaf.cert_pem.as_bytes()),
                ("tls.key", leaf.key_pem.as_bytes()),
            ],
        ),
        pod(
            "subpath",
            json!({"volumes": volume("web"),
                   "containers": [{"name": "app", "image": "app",
                                   "volumeMounts": [{"name": "tls", "mountPath": "/etc/tls/tls.crt",
                                                     "subPath": "tls.crt"}]}]}),
            fresh,
        ),
        pod(
            "envvars",
            json!({"containers": [{"name": "app", "image": "app",
                   "env": [{"name": "TLS_CRT", "valueFrom": {"secretKeyRef": {"name": "web", "key": "tls.crt"}}}],
                   "envFrom": [{"secretRef": {"name": "web"}}]}]}),
            fresh,
        ),
        pod(
            "old",
            json!({"volumes": volume("web"),
                   "containers": [{"name": "app", "image": "app",
                                   "volumeMounts": [{"name": "tls", "mountPath": "/etc/tls"}]}]}),
            "2026-09-01T08:00:00Z",
        ),
        pod(
            "fresh",
            json!({"volumes": volume("web"),
                   "containers": [{"name": "app", "image": "app",
                                   "volumeMounts": [{"name": "tls", "mountPath": "/etc/tls"}]}]}),
            fresh,
        ),
        pod(
            "unrelated",
            json!({"volumes": volume("other"),
                   "containers": [{"name": "app", "image": "app",
                                   "volumeMounts": [{"name": "tls", "mountPath": "/x", "subPath": "a"}]}]}),
            "2026-09-01T08:00:00Z",
        ),
    ]);
    cluster
}

fn pod_lists(cluster: &Cluster) -> Vec<Option<String>> {
    cluster
        .server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/pods"))
        .map(|r| r.param("labelSelector"))
        .collect()
}

#[test]
fn consumers_names_each_stale_pod_and_why_in_text_and_json() {
    let cluster = cluster();
    let out = cluster
        .certdoctor()
        .args(["diagnose", "web", "--offline", "--consumers", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json_of(&out);
    let cert = &report["certificates"][0];
    assert_eq!(cert["healthy"], true, "warnings only: {cert}");
    let stale: Vec<&Value> = cert["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "CONSUMER_STALE")
        .collect();
    let pods: Vec<&str> = stale
        .iter()
        .map(|f| f["subject"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(pods, ["envvars", "old", "subpath"], "{stale:?}");
    for f in &stale {
        assert_eq!(f["severity"], "warning");
        assert_eq!(f["subject"]["kind"], "Pod");
        assert_eq!(f["subject"]["namespace"], "prod");
    }
    let evidence = |i: usize| stale[i]["evidence"].to_string();
    assert!(
        evidence(2).contains("subPath tls.crt") && evidence(2).contains("never updates"),
        "{}",
        evidence(2)
    );
    assert!(
        evidence(0).contains("env vars (TLS_CRT)") && evidence(0).contains("envFrom"),
        "{}",
        evidence(0)
    );
    assert!(
        evidence(1).contains("before the certificate was last issued (2026-10-15T00:00:00Z)"),
        "{}",
        evidence(1)
    );
    assert_eq!(
        stale[1]["reproduce"][0],
        "kubectl get pod old -n prod -o yaml"
    );
    // One LIST of every Pod in the namespace, next to the two label-selected ones.
    let lists = pod_lists(&cluster);
    assert_eq!(lists.len(), 3, "{lists:?}");
    assert_eq!(lists.iter().filter(|s| s.is_none()).count(), 1, "{lists:?}");

    let out = cluster
        .certdoctor()
        .args(["diagnose", "web", "--offline", "--consumers", "--tree"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("CONSUMER_STALE"), "{text}");
    assert!(
        text.contains("Pod subpath may use an old copy of Secret web"),
        "{text}"
    );
    assert!(
        text.contains("Pod old may use an old copy of Secret web"),
        "{text}"
    );
    assert!(!text.contains("Pod fresh"), "{text}");
    assert!(!text.contains("unrelated"), "{text}");
}

#[test]
fn without_consumers_no_pod_list_and_no_finding() {
    let cluster = cluster();
    let out = cluster
        .certdoctor()
        .args(["diagnose", "web", "--offline", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).contains("CONSUMER_STALE"));
    let lists = pod_lists(&cluster);
    assert_eq!(
        lists.len(),
        2,
        "only the label-selected Pod LISTs: {lists:?}"
    );
    assert!(lists.iter().all(Option::is_some), "{lists:?}");
    assert_eq!(cluster.request_count(), 19);
}
