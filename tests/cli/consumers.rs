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
    let fresh = "2026-11-01T08:00:00Z";
    web_cluster(vec![
        subpath_pod(),
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
        fresh_pod(),
        pod(
            "unrelated",
            json!({"volumes": volume("other"),
                   "containers": [{"name": "app", "image": "app",
                                   "volumeMounts": [{"name": "tls", "mountPath": "/x", "subPath": "a"}]}]}),
            "2026-09-01T08:00:00Z",
        ),
    ])
}

/// A Pod mounting Secret web's tls.crt with subPath: stale, whenever it started.
fn subpath_pod() -> Value {
    pod(
        "subpath",
        json!({"volumes": volume("web"),
               "containers": [{"name": "app", "image": "app",
                               "volumeMounts": [{"name": "tls", "mountPath": "/etc/tls/tls.crt",
                                                 "subPath": "tls.crt"}]}]}),
        "2026-11-01T08:00:00Z",
    )
}

/// A Pod mounting Secret web as a whole volume, started after the last issuance: not stale.
fn fresh_pod() -> Value {
    pod(
        "fresh",
        json!({"volumes": volume("web"),
               "containers": [{"name": "app", "image": "app",
                               "volumeMounts": [{"name": "tls", "mountPath": "/etc/tls"}]}]}),
        "2026-11-01T08:00:00Z",
    )
}

/// Certificate prod/web (issued 2026-10-15), its Secret, and `pods`.
fn web_cluster(pods: Vec<Value>) -> Cluster {
    let ca = pki::root("Test CA");
    let leaf = pki::leaf(
        &ca,
        LeafOptions {
            names: vec!["web.example.com".into()],
            ..LeafOptions::default()
        },
    );
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
    ]);
    cluster.server.insert_all(pods);
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

/// `diagnose ARGS -n prod --offline -o json --from-file FILE`, which must exit 0: the report.
fn diagnose_file(file: &std::path::Path, args: &[&str]) -> Value {
    let out = crate::support::certdoctor()
        .arg("diagnose")
        .args(args)
        .args(["-n", "prod", "--offline", "-o", "json", "--from-file"])
        .arg(file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    json_of(&out)
}

/// [`diagnose_file`] of a dump's text.
fn diagnose_dump(dump: &str, args: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dump.yaml");
    std::fs::write(&file, dump).unwrap();
    diagnose_file(&file, args)
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
    assert_eq!(cluster.request_count(), 20);
}

/// Certificate prod/legacy (issued once) whose Secret exists as an Opaque Secret.
fn opaque_cluster() -> Cluster {
    let cluster = Cluster::with_fixtures(Some("prod"), &[]);
    cluster.server.insert_all(vec![
        certificate("prod", "legacy").with("/status", ready_status()),
        cluster_issuer("letsencrypt-prod").with("/spec", json!({"selfSigned": {}})),
        json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
               "metadata": {"name": "legacy", "namespace": "prod", "uid": "uid-legacy"},
               "data": {"password": "c2VjcmV0"}}),
    ]);
    cluster
}

fn assert_not_tls_type(report: &Value) {
    let cert = &report["certificates"][0];
    let codes: Vec<&str> = cert["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"SECRET_NOT_FOUND"), "{cert}");
    let f = cert["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "SECRET_NOT_TLS_TYPE")
        .unwrap_or_else(|| panic!("{cert}"));
    assert_eq!(f["severity"], "info");
    assert_eq!(f["subject"]["kind"], "Secret");
    assert_eq!(f["subject"]["name"], "legacy");
    assert_eq!(
        f["message"],
        "Secret legacy exists but is not of type kubernetes.io/tls; cert-manager keeps a pre-existing Secret's type"
    );
    assert_eq!(
        f["reproduce"][0],
        "kubectl get secret legacy -n prod -o jsonpath='{.type}'"
    );
    assert_eq!(cert["healthy"], true, "{cert}");
}

#[test]
fn a_secret_of_another_type_is_not_secret_not_found_live_and_from_a_dump() {
    let cluster = opaque_cluster();
    let out = cluster
        .certdoctor()
        .args(["diagnose", "legacy", "--offline", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_not_tls_type(&json_of(&out));
    // One metadata-only LIST of the other Secrets: names, never data.
    let reqs = cluster.server.requests();
    let secrets: Vec<_> = reqs
        .iter()
        .filter(|r| r.path.ends_with("/secrets"))
        .collect();
    assert_eq!(secrets.len(), 2, "{secrets:?}");
    let other = secrets
        .iter()
        .find(|r| r.param("fieldSelector").as_deref() == Some("type!=kubernetes.io/tls"))
        .unwrap_or_else(|| panic!("{secrets:?}"));
    assert_eq!(
        other.accept.as_deref(),
        Some("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")
    );

    let out = cluster
        .certdoctor()
        .args(["diagnose", "legacy", "--offline", "--tree"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("SECRET_NOT_TLS_TYPE"), "{text}");
    assert!(
        text.contains("Secret legacy exists but is not of type kubernetes.io/tls"),
        "{text}"
    );
    assert!(!text.contains("SECRET_NOT_FOUND"), "{text}");

    // The dump holds the Secret's name, never its data, and gives the same answer.
    let out = cluster.certdoctor().arg("dump").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dump = stdout(&out);
    assert!(dump.contains("legacy"), "{dump}");
    assert!(
        !dump.contains("c2VjcmV0") && !dump.contains("password"),
        "{dump}"
    );
    assert_not_tls_type(&diagnose_dump(&dump, &["legacy"]));
}

#[test]
fn status_says_a_secret_of_another_type_exists_instead_of_not_found() {
    let cluster = opaque_cluster();
    let out = cluster
        .certdoctor()
        .args(["status", "legacy", "-o", "json"])
        .output()
        .unwrap();
    let v = json_of(&out);
    assert_eq!(v["certificates"][0]["secret"]["state"], "notTls", "{v}");
    let out = cluster
        .certdoctor()
        .args(["status", "legacy"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("Secret legacy: exists, but its type is not kubernetes.io/tls"),
        "{text}"
    );
    assert!(!text.contains("Secret legacy: not found"), "{text}");
}

/// The CONSUMER_STALE findings (Pod names) of each certificate, by context.
fn stale_by_context(report: &Value) -> Vec<(String, Vec<String>)> {
    report["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let pods = c["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["code"] == "CONSUMER_STALE")
                .map(|f| f["subject"]["name"].as_str().unwrap().to_string())
                .collect();
            (c["context"].as_str().unwrap().to_string(), pods)
        })
        .collect()
}

#[test]
fn consumers_over_several_contexts_finds_each_stale_pod_in_its_own_context_with_one_more_list_each()
{
    // `stale`: the Pods of the one-cluster test; `clean`: the same certificate, one fresh Pod.
    let stale = cluster();
    let clean = web_cluster(vec![fresh_pod()]);
    let dir = tempfile::tempdir().unwrap();
    let kc = crate::fleet::kubeconfig(
        dir.path(),
        &[("stale", stale.server.url()), ("clean", clean.server.url())],
    );
    let run = |args: &[&str]| {
        crate::support::certdoctor()
            .arg("--kubeconfig")
            .arg(&kc)
            .args([
                "diagnose",
                "--context",
                "stale,clean",
                "-n",
                "prod",
                "--offline",
            ])
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stale_by_context(&json_of(&out)),
        [("stale".to_string(), vec![]), ("clean".to_string(), vec![])]
    );
    let without = (stale.request_count(), clean.request_count());

    let out = run(&["--consumers", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stale_by_context(&json_of(&out)),
        [
            (
                "stale".to_string(),
                vec![
                    "envvars".to_string(),
                    "old".to_string(),
                    "subpath".to_string()
                ]
            ),
            ("clean".to_string(), vec![])
        ]
    );
    // Per cluster, exactly one more request than without --consumers: the LIST of every Pod
    // in the namespace (no label selector).
    assert_eq!(stale.request_count(), 2 * without.0 + 1);
    assert_eq!(clean.request_count(), 2 * without.1 + 1);
    for cluster in [&stale, &clean] {
        let lists = pod_lists(cluster);
        assert_eq!(lists.iter().filter(|s| s.is_none()).count(), 1, "{lists:?}");
    }

    let out = run(&["--consumers", "--tree"]);
    let text = stdout(&out);
    let clean_at = text.find("=== context clean ===").expect(&text);
    let stale_part = &text[..clean_at];
    assert!(
        stale_part.contains("=== context stale ===")
            && stale_part.contains("Pod subpath may use an old copy of Secret web"),
        "{text}"
    );
    assert!(!text[clean_at..].contains("CONSUMER_STALE"), "{text}");

    // `dump --consumers` over both contexts: each file finds its own context's consumers.
    let dumps = dir.path().join("dumps");
    let out = crate::support::certdoctor()
        .arg("--kubeconfig")
        .arg(&kc)
        .args([
            "dump",
            "--context",
            "stale,clean",
            "-n",
            "prod",
            "--consumers",
        ])
        .arg("--output-dir")
        .arg(&dumps)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for (context, want) in [("stale", 3), ("clean", 0)] {
        let report = diagnose_file(&dumps.join(format!("{context}.yaml")), &["--consumers"]);
        assert_eq!(stale_findings(&report).len(), want, "{context}");
    }
}

/// The CONSUMER_STALE findings of certificate prod/web in a `diagnose -o json` report.
fn stale_findings(report: &Value) -> Vec<Value> {
    report["certificates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "CONSUMER_STALE")
        .cloned()
        .collect()
}

#[test]
fn dump_consumers_keeps_secret_references_but_no_env_value_so_the_dump_finds_the_same_consumers() {
    let fresh = "2026-11-01T08:00:00Z";
    let cluster = web_cluster(vec![
        pod(
            "envvars",
            json!({"containers": [{"name": "app", "image": "app",
                   "env": [{"name": "PASSWORD", "value": "hunter2"},
                           {"name": "TLS_CRT", "valueFrom": {"secretKeyRef": {"name": "web", "key": "tls.crt"}}}],
                   "args": ["--password=hunter2"]}]}),
            fresh,
        ),
        subpath_pod(),
        fresh_pod(),
    ]);
    let live = cluster
        .certdoctor()
        .args(["diagnose", "web", "--offline", "--consumers", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(live.status.code(), Some(0), "{}", stderr(&live));
    let live = stale_findings(&json_of(&live));
    let pods: Vec<&str> = live
        .iter()
        .map(|f| f["subject"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(pods, ["envvars", "subpath"], "{live:?}");

    let before = pod_lists(&cluster).len();
    let out = cluster
        .certdoctor()
        .args(["dump", "--consumers"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dump = stdout(&out);
    assert!(!dump.contains("hunter2"), "{dump}");
    assert!(!dump.contains("PASSWORD"), "{dump}");
    // One more LIST than a plain dump: every Pod in the namespace.
    let lists = pod_lists(&cluster);
    assert_eq!(
        lists[before..].iter().filter(|s| s.is_none()).count(),
        1,
        "{lists:?}"
    );

    let offline = diagnose_dump(&dump, &["web", "--consumers"]);
    assert_eq!(stale_findings(&offline), live);
    assert!(
        live[0]["evidence"]
            .to_string()
            .contains("env vars (TLS_CRT)"),
        "{live:?}"
    );

    // Without --consumers the dump holds no Pod but cert-manager's and the solver's.
    let plain = stdout(&cluster.certdoctor().arg("dump").output().unwrap());
    assert!(!plain.contains("envvars"), "{plain}");
}
