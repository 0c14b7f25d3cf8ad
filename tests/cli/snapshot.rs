//! Loading the snapshot from a live API server: one paginated LIST per kind, the request
//! count independent of the number of certificates, and what happens when a kind cannot be
//! read.

use serde_json::{Value, json};

use crate::support::objects::{self, Edit, ready_status};
use crate::support::report::json_of;
use crate::support::{Cluster, FakeApiServer, Fault, stderr, stdout};

fn certificate(ns: &str, name: &str, labels: Value) -> Value {
    objects::certificate(ns, name)
        .with("/metadata/labels", labels)
        .with("/status", ready_status())
}

fn cluster_with(n: usize) -> Cluster {
    let cluster = Cluster::with_fixtures(Some("bulk"), &[]);
    cluster.server.insert_all(
        (0..n)
            .map(|i| certificate("bulk", &format!("cert-{i:04}"), json!({})))
            .collect(),
    );
    cluster
}

/// (method, path) of every request.
fn requests(server: &FakeApiServer) -> Vec<(String, String)> {
    server
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect()
}

#[test]
fn request_count_does_not_grow_with_the_number_of_certificates() {
    let one = cluster_with(1);
    let out = one.certdoctor().arg("status").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let many = cluster_with(300);
    let out = many.certdoctor().arg("status").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 301);

    let (a, b) = (requests(&one.server), requests(&many.server));
    // The table shows no Events, so `status` does not list them.
    assert_eq!(
        a.len(),
        19,
        "one LIST per kind (Pods twice, label-selected; Secrets twice, the others metadata only), no Events: {a:?}"
    );
    assert!(a.iter().all(|(_, p)| !p.ends_with("/events")), "{a:?}");
    assert_eq!(
        b.len(),
        a.len(),
        "300 certificates cost no extra requests: {b:?}"
    );
    assert!(b.iter().all(|(m, _)| m == "GET"));
}

#[test]
fn every_kind_is_listed_once_in_the_namespace_and_secrets_only_of_tls_type() {
    let cluster = cluster_with(1);
    cluster
        .certdoctor()
        .args(["diagnose", "--offline"])
        .output()
        .unwrap();
    let reqs = cluster.server.requests();
    let mut paths: Vec<&str> = reqs.iter().map(|r| r.path.as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/api/v1/namespaces/bulk/events",
            "/api/v1/namespaces/bulk/pods",
            "/api/v1/namespaces/bulk/secrets",
            "/api/v1/namespaces/bulk/secrets",
            "/api/v1/namespaces/bulk/services",
            "/api/v1/pods",
            "/apis/acme.cert-manager.io/v1/namespaces/bulk/challenges",
            "/apis/acme.cert-manager.io/v1/namespaces/bulk/orders",
            "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
            "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
            "/apis/apps/v1/deployments",
            "/apis/cert-manager.io/v1/clusterissuers",
            "/apis/cert-manager.io/v1/namespaces/bulk/certificaterequests",
            "/apis/cert-manager.io/v1/namespaces/bulk/certificates",
            "/apis/cert-manager.io/v1/namespaces/bulk/issuers",
            "/apis/coordination.k8s.io/v1/leases",
            "/apis/gateway.networking.k8s.io/v1/namespaces/bulk/gateways",
            "/apis/gateway.networking.k8s.io/v1/namespaces/bulk/httproutes",
            "/apis/networking.k8s.io/v1/ingressclasses",
            "/apis/networking.k8s.io/v1/namespaces/bulk/ingresses",
        ]
    );
    // cert-manager's own parts are read in every namespace, label-selected; the solver's in
    // the namespace, label-selected too.
    let param = |path: &str, p: &str| {
        reqs.iter()
            .find(|r| r.path == path)
            .and_then(|r| r.param(p))
    };
    let control_plane = "app.kubernetes.io/component in (controller,webhook,cainjector),app.kubernetes.io/name in (cert-manager,webhook,cainjector)";
    assert_eq!(
        param("/apis/apps/v1/deployments", "labelSelector").as_deref(),
        Some(control_plane)
    );
    assert_eq!(
        param("/api/v1/pods", "labelSelector").as_deref(),
        Some(control_plane)
    );
    for solver in [
        "/api/v1/namespaces/bulk/pods",
        "/api/v1/namespaces/bulk/services",
        "/apis/gateway.networking.k8s.io/v1/namespaces/bulk/httproutes",
    ] {
        assert_eq!(
            param(solver, "labelSelector").as_deref(),
            Some("acme.cert-manager.io/http01-solver=true"),
            "{solver}"
        );
    }
    assert_eq!(
        param("/apis/coordination.k8s.io/v1/leases", "fieldSelector").as_deref(),
        Some("metadata.name=cert-manager-controller")
    );
    // TLS Secrets whole; the others by name only (metadata-only LIST, never their data).
    let mut secrets: Vec<_> = reqs
        .iter()
        .filter(|r| r.path.ends_with("/secrets"))
        .map(|r| (r.param("fieldSelector"), r.accept.clone()))
        .collect();
    secrets.sort();
    assert_eq!(secrets.len(), 2, "{secrets:?}");
    assert_eq!(secrets[0].0.as_deref(), Some("type!=kubernetes.io/tls"));
    assert_eq!(
        secrets[0].1.as_deref(),
        Some("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")
    );
    assert_eq!(secrets[1].0.as_deref(), Some("type=kubernetes.io/tls"));
    assert!(
        !secrets[1]
            .1
            .as_deref()
            .unwrap_or_default()
            .contains("PartialObjectMetadata"),
        "{secrets:?}"
    );
    assert!(
        reqs.iter()
            .all(|r| r.param("limit").as_deref() == Some("500"))
    );
}

#[test]
fn large_lists_are_read_page_by_page() {
    let cluster = cluster_with(1100);
    let out = cluster.certdoctor().arg("status").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 1101);
    let pages: Vec<_> = cluster
        .server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/certificates"))
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages[0].param("continue").is_none());
    assert!(pages[1].param("continue").is_some() && pages[2].param("continue").is_some());
}

#[test]
fn all_namespaces_lists_cluster_wide_and_the_selector_goes_to_the_api_server() {
    let cluster = Cluster::with_fixtures(None, &[]);
    cluster.server.insert_all(vec![
        certificate("a", "web", json!({"team": "web"})),
        certificate("b", "db", json!({"team": "db"})),
        certificate("c", "web2", json!({"team": "web"})),
    ]);
    let out = cluster
        .certdoctor()
        .args(["status", "-A", "-l", "team=web"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("web2") && !text.contains(" db "), "{text}");
    let reqs = cluster.server.requests();
    let certs = reqs
        .iter()
        .find(|r| r.path == "/apis/cert-manager.io/v1/certificates")
        .unwrap();
    assert_eq!(certs.param("labelSelector").as_deref(), Some("team=web"));
    assert!(
        reqs.iter().all(|r| !r.path.contains("/namespaces/")),
        "{reqs:?}"
    );
}

#[test]
fn without_namespace_flag_the_contexts_namespace_is_used() {
    let cluster = Cluster::with_fixtures(Some("team-b"), &["many-namespaces.yaml"]);
    let out = cluster.certdoctor().arg("status").output().unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("api-tls") && text.contains("reports-tls"),
        "{text}"
    );
    assert!(!text.contains("frontend-tls"), "{text}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn missing_cert_manager_crds_is_one_clear_line() {
    let cluster = cluster_with(0);
    cluster.server.uninstall_group("cert-manager.io");
    let out = cluster.certdoctor().arg("status").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(
        err.lines().next().unwrap(),
        "certdoctor: error: cert-manager is not installed in this cluster (no certificates.cert-manager.io/v1 API)"
    );
    assert!(err.lines().nth(1).unwrap().starts_with("hint: "), "{err}");
}

#[test]
fn forbidden_secrets_and_events_are_skipped_with_the_missing_permission_named() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    cluster.server.forbid("list", "secrets");
    cluster.server.forbid("list", "events");
    let out = cluster
        .certdoctor()
        .args(["status", "web-tls"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("certdoctor: warning: could not read secrets (forbidden:"),
        "{err}"
    );
    assert!(
        err.contains(
            "hint: check the permission with `kubectl auth can-i list secrets -n production`"
        ),
        "{err}"
    );
    assert!(
        err.contains("kubectl auth can-i list events -n production"),
        "{err}"
    );
    let text = stdout(&out);
    assert!(text.contains("Secret web-tls: could not be read"), "{text}");
    assert!(text.starts_with("✓ production/web-tls is Ready"), "{text}");
}

#[test]
fn forbidden_certificates_is_an_error_with_the_check_command() {
    let cluster = cluster_with(1);
    cluster.server.forbid("list", "certificates");
    let out = cluster.certdoctor().arg("status").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("certdoctor: error: cannot list certificates: "),
        "{err}"
    );
    assert!(err.contains("hint: check the permission with `kubectl auth can-i list certificates.cert-manager.io -n bulk`"), "{err}");
}

#[test]
fn a_malformed_object_becomes_a_warning_and_the_rest_is_shown() {
    let cluster = Cluster::with_fixtures(Some("production"), &["malformed.yaml"]);
    let out = cluster.certdoctor().arg("status").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("certdoctor: warning: Certificate production/broken-tls: skipped"),
        "{err}"
    );
    assert!(stdout(&out).contains("good-tls"));
    let json = cluster
        .certdoctor()
        .args(["status", "-o", "json"])
        .output()
        .unwrap();
    let v = json_of(&json);
    assert_eq!(
        v["warnings"][0]["subject"],
        "Certificate production/broken-tls"
    );
}

#[test]
fn a_server_error_on_an_optional_kind_is_reported_and_the_command_goes_on() {
    let cluster = Cluster::with_fixtures(Some("production"), &["stuck-http01.yaml"]);
    cluster.server.inject(Fault {
        path_contains: "/ingresses".into(),
        status: Some(500),
        ..Fault::default()
    });
    let out = cluster
        .certdoctor()
        .args(["status", "app-tls"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("could not read ingresses.networking.k8s.io (500:"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("stuck at Challenge app.example.com"));
}

#[test]
fn as_impersonates_the_user_on_every_request() {
    let cluster = cluster_with(1);
    cluster
        .certdoctor()
        .args(["status", "--as", "jane@example.com"])
        .assert()
        .success();
    let reqs = cluster.server.requests();
    assert_eq!(reqs.len(), 19);
    assert!(
        reqs.iter()
            .all(|r| r.impersonate.as_deref() == Some("jane@example.com")),
        "{reqs:?}"
    );
}
