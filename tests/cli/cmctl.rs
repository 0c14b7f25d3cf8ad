//! What cmctl does besides status and renew: `approve` / `deny` (the exact condition, the
//! 409 retry, refusing decided requests, the RBAC wording), `check api` (CRDs, webhook,
//! dry-run create, `--wait`) and `explain` — all against the fake API server.
//! Also the fake server's own API discovery, which `check api` and kubectl read.

use serde_json::{Value, json};

use crate::support::objects::{self, CERT_MANAGER_V1 as V1, condition};
use crate::support::report::json_of;
use crate::support::{Cluster, FakeApiServer, Fault, certdoctor, stderr, stdout};

const CR_PATH: &str =
    "/apis/cert-manager.io/v1/namespaces/production/certificaterequests/web-3/status";

/// A cluster with Certificate production/web and its request `web-3` carrying `conditions`.
fn cluster_with_request(conditions: Value) -> Cluster {
    let c = Cluster::with_fixtures(Some("production"), &[]);
    let cert = objects::certificate("production", "web");
    let cr = objects::certificate_request(&cert, 3, conditions);
    c.server.insert_all(vec![cert, cr]);
    c
}

fn pending() -> Value {
    json!([condition(
        "Ready",
        "False",
        "Pending",
        "Waiting for approval"
    )])
}

fn request(c: &Cluster) -> Value {
    c.server
        .get(V1, "CertificateRequest", Some("production"), "web-3")
        .unwrap()
}

fn puts(c: &Cluster) -> Vec<String> {
    c.server
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .map(|r| format!("{} {}", r.path, r.status))
        .collect()
}

#[test]
fn approve_writes_cmctls_condition_and_nothing_else() {
    let c = cluster_with_request(pending());
    let before = request(&c);
    let out = c.certdoctor().args(["approve", "web-3"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Approved CertificateRequest 'production/web-3'\n"
    );
    let after = request(&c);
    let conds = after["status"]["conditions"].as_array().unwrap();
    assert_eq!(conds.len(), 2);
    assert_eq!(conds[0], before["status"]["conditions"][0]);
    assert_eq!(
        conds[1],
        json!({"type": "Approved", "status": "True", "reason": "KubectlCertManager",
               "message": "manually approved by \"certdoctor\"",
               "lastTransitionTime": "2026-11-23T12:00:00Z"})
    );
    assert_eq!(after["spec"], before["spec"]);
    assert_eq!(puts(&c), [format!("{CR_PATH} 200")]);
}

#[test]
fn deny_writes_the_denied_condition_with_the_given_reason_and_message() {
    let c = cluster_with_request(pending());
    let out = c
        .certdoctor()
        .args(["deny", "web-3", "-n", "production", "--reason", "Policy"])
        .args(["--message", "wildcards need a ticket"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Denied CertificateRequest 'production/web-3'\n"
    );
    assert_eq!(
        request(&c)["status"]["conditions"][1],
        json!({"type": "Denied", "status": "True", "reason": "Policy",
               "message": "wildcards need a ticket", "lastTransitionTime": "2026-11-23T12:00:00Z"})
    );
}

#[test]
fn a_conflict_is_retried_on_the_request_read_again() {
    let c = cluster_with_request(pending());
    // The controller writes a new Ready message while certdoctor's PUT is on its way.
    let controller = json!({"conditions": [condition("Ready", "False", "Pending", "still waiting")],
                            "newField": 1});
    c.server.interleave_status_write(
        V1,
        "CertificateRequest",
        Some("production"),
        "web-3",
        controller,
    );
    let out = c.certdoctor().args(["approve", "web-3"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        puts(&c),
        [format!("{CR_PATH} 409"), format!("{CR_PATH} 200")]
    );
    let status = &request(&c)["status"];
    assert_eq!(status["conditions"][0]["message"], "still waiting");
    assert_eq!(status["conditions"][1]["type"], "Approved");
    assert_eq!(status["newField"], 1, "the controller's write survives");
}

#[test]
fn a_request_decided_while_we_retried_is_refused() {
    let c = cluster_with_request(pending());
    let approved = json!({"conditions": [condition("Approved", "True", "cert-manager.io",
                                                   "Certificate request has been approved by cert-manager.io")]});
    c.server.interleave_status_write(
        V1,
        "CertificateRequest",
        Some("production"),
        "web-3",
        approved.clone(),
    );
    let out = c.certdoctor().args(["deny", "web-3"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is already approved"),
        "{}",
        stderr(&out)
    );
    assert_eq!(request(&c)["status"], approved, "nothing written over it");
}

#[test]
fn already_decided_requests_are_refused_with_their_state() {
    for (cond, word) in [
        (
            condition("Approved", "True", "cert-manager.io", "approved by policy"),
            "approved",
        ),
        (
            condition("Denied", "True", "Policy", "no wildcards"),
            "denied",
        ),
    ] {
        let c = cluster_with_request(json!([cond]));
        let before = request(&c);
        let out = c.certdoctor().args(["approve", "web-3"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!(
                "certdoctor: error: CertificateRequest production/web-3 is already {word} (reason {}: {:?}); not changed\nhint: ",
                cond["reason"].as_str().unwrap(),
                cond["message"].as_str().unwrap()
            )),
            "{err}"
        );
        assert_eq!(stdout(&out), "");
        assert!(puts(&c).is_empty());
        assert_eq!(request(&c), before);
    }
}

#[test]
fn several_names_each_get_a_line_and_the_worst_exit_code() {
    let c = cluster_with_request(pending());
    let out = c
        .certdoctor()
        .args(["approve", "web-3", "missing-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stdout(&out),
        "Approved CertificateRequest 'production/web-3'\n"
    );
    assert!(
        stderr(&out).contains("CertificateRequest production/missing-1 not found"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn forbidden_explains_the_signer_permission_in_one_line_and_a_hint() {
    let c = cluster_with_request(pending());
    c.server.forbid("update", "certificaterequests/status");
    let out = c.certdoctor().args(["approve", "web-3"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with(
            "certdoctor: error: not allowed to approve CertificateRequest production/web-3: "
        ),
        "{err}"
    );
    assert!(lines[1].starts_with("hint: approve needs verbs [update] on certificaterequests/status and verbs [approve] on signers (apiGroup cert-manager.io, resourceNames [\"clusterissuers.cert-manager.io/letsencrypt-prod\"])"), "{err}");
    assert!(lines[1].contains("kubectl auth can-i approve signers.cert-manager.io/clusterissuers.cert-manager.io/letsencrypt-prod"), "{err}");
}

#[test]
fn dry_runs_write_nothing() {
    let c = cluster_with_request(pending());
    let before = request(&c);
    let out = c
        .certdoctor()
        .args(["approve", "web-3", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("Would approve CertificateRequest 'production/web-3'"),
        "{}",
        stdout(&out)
    );
    assert!(puts(&c).is_empty());
    let out = c
        .certdoctor()
        .args(["approve", "web-3", "--dry-run=server", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json_of(&out);
    assert_eq!(report["kind"], "DecideReport");
    assert_eq!(report["dryRun"], "server");
    assert_eq!(report["results"][0]["result"], "wouldWrite");
    assert_eq!(
        report["results"][0]["signerName"],
        "clusterissuers.cert-manager.io/letsencrypt-prod"
    );
    let sent = c
        .server
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect::<Vec<_>>();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].param("dryRun").as_deref(), Some("All"));
    assert_eq!(request(&c), before);
}

#[test]
fn approve_usage_errors() {
    let out = certdoctor()
        .args(["approve", "x", "--reason", ""])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--reason must not be empty"));
    let out = certdoctor().args(["deny", "x", "-A"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("-A cannot be used with deny"));
}

// ---- check api ----

/// A cluster where cert-manager is installed and healthy.
fn healthy() -> Cluster {
    let c = Cluster::with_fixtures(Some("default"), &[]);
    c.server
        .insert(objects::validating_webhook("LS0tLS1CRUdJTi0tLS0t"));
    c
}

/// The 500 the API server answers when it cannot call the webhook.
fn webhook_down(times: Option<usize>) -> Fault {
    let message = "Internal error occurred: failed calling webhook \"webhook.cert-manager.io\": failed to call webhook: Post \"https://cert-manager-webhook.cert-manager.svc:443/validate?timeout=30s\": dial tcp 10.96.0.10:443: connect: connection refused";
    Fault {
        method: Some("POST".into()),
        path_contains: "/certificates".into(),
        status: Some(500),
        body: Some(
            json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                   "message": message, "reason": "InternalError", "code": 500})
            .to_string(),
        ),
        times,
        ..Fault::default()
    }
}

#[test]
fn check_api_passes_on_a_healthy_install_and_creates_nothing() {
    let c = healthy();
    let out = c.certdoctor().args(["check", "api"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.ends_with("The cert-manager API is ready\n"), "{text}");
    assert_eq!(
        text.lines().filter(|l| l.starts_with("✓ ")).count(),
        3,
        "{text}"
    );
    let posts: Vec<_> = c
        .server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].path,
        "/apis/cert-manager.io/v1/namespaces/default/certificates"
    );
    assert_eq!(posts[0].param("dryRun").as_deref(), Some("All"));
    let stored = c.server.requests();
    assert!(stored.iter().all(|r| r.status == 200));
    let out = c.certdoctor().args(["status"]).output().unwrap();
    assert!(
        !stdout(&out).contains("certdoctor-check-api"),
        "dry run stored nothing"
    );
}

#[test]
fn check_api_says_the_crds_are_missing() {
    let c = healthy();
    c.server.uninstall_group("cert-manager.io");
    c.server.uninstall_group("acme.cert-manager.io");
    let out = c
        .certdoctor()
        .args(["check", "api", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json_of(&out);
    assert_eq!(report["ready"], false);
    assert_eq!(report["reason"], "crdsMissing");
    assert_eq!(report["checks"].as_array().unwrap().len(), 1);
    assert!(stderr(&out).contains("hint: install cert-manager with its CRDs"));
}

/// What kubectl 1.32 sends first: aggregated discovery, then plain JSON.
const AGGREGATED: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

/// The `name`s in a discovery document's `key` array (`groups` or `resources`).
fn names(doc: &Value, key: &str) -> Vec<String> {
    doc[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key}: {doc}"))
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_fake_server_answers_legacy_discovery_as_kubectl_reads_it() {
    let server = FakeApiServer::start();
    let get = |path: &str| {
        let (code, content_type, doc) = server.raw_get(path, AGGREGATED);
        assert_eq!(code, 200, "{path}: {doc}");
        // Not the aggregated type: kubectl falls back to the legacy documents.
        assert_eq!(content_type, "application/json", "{path}");
        doc
    };
    let api = get("/api");
    assert_eq!(api["kind"], "APIVersions");
    assert_eq!(api["versions"], json!(["v1"]));
    let core = get("/api/v1");
    assert_eq!(core["kind"], "APIResourceList");
    assert_eq!(core["groupVersion"], "v1");
    assert!(core.get("apiVersion").is_none(), "{core}");
    let core_names = names(&core, "resources");
    for r in ["secrets", "events", "pods", "pods/status"] {
        assert!(core_names.iter().any(|n| n == r), "{r}: {core_names:?}");
    }
    let groups = get("/apis");
    assert_eq!(
        (&groups["kind"], &groups["apiVersion"]),
        (&json!("APIGroupList"), &json!("v1"))
    );
    let group_names = names(&groups, "groups");
    for g in [
        "cert-manager.io",
        "acme.cert-manager.io",
        "networking.k8s.io",
        "trust.cert-manager.io",
    ] {
        assert!(group_names.iter().any(|n| n == g), "{g}: {group_names:?}");
    }
    assert!(!group_names.iter().any(String::is_empty), "core is /api's");
    let trust = groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "trust.cert-manager.io")
        .unwrap();
    let v1alpha1 = json!({"groupVersion": "trust.cert-manager.io/v1alpha1", "version": "v1alpha1"});
    assert_eq!(trust["versions"], json!([v1alpha1]));
    assert_eq!(trust["preferredVersion"], v1alpha1);
    let acme = get("/apis/acme.cert-manager.io/v1");
    assert_eq!(acme["kind"], "APIResourceList");
    assert_eq!(acme["groupVersion"], "acme.cert-manager.io/v1");
    assert_eq!(
        names(&acme, "resources"),
        ["orders", "orders/status", "challenges", "challenges/status"]
    );
    assert_eq!(
        names(&get("/apis/trust.cert-manager.io/v1alpha1"), "resources"),
        ["bundles", "bundles/status"]
    );
    let cm = get("/apis/cert-manager.io");
    assert_eq!(
        (&cm["kind"], &cm["name"]),
        (&json!("APIGroup"), &json!("cert-manager.io"))
    );
}

#[test]
fn an_uninstalled_group_leaves_the_group_list_too() {
    let server = FakeApiServer::start();
    server.uninstall_group("cert-manager.io");
    let (code, _, groups) = server.raw_get("/apis", "application/json");
    assert_eq!(code, 200);
    let group_names = names(&groups, "groups");
    assert!(
        !group_names.iter().any(|n| n == "cert-manager.io"),
        "{group_names:?}"
    );
    assert!(
        group_names.iter().any(|n| n == "acme.cert-manager.io"),
        "{group_names:?}"
    );
    for path in ["/apis/cert-manager.io", "/apis/cert-manager.io/v1"] {
        let (code, _, status) = server.raw_get(path, "application/json");
        assert_eq!(
            (code, &status["reason"]),
            (404, &json!("NotFound")),
            "{path}"
        );
    }
}

#[test]
fn check_api_says_the_webhook_is_not_registered_or_has_no_ca() {
    let c = Cluster::with_fixtures(Some("default"), &[]);
    let out = c.certdoctor().args(["check", "api"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("✗ webhook  cert-manager's webhook is not registered"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).ends_with("The cert-manager API is not ready\n"));

    c.server.insert(objects::validating_webhook(""));
    let out = c
        .certdoctor()
        .args(["check", "api", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_of(&out)["reason"], "caNotInjected");
    assert!(
        c.server.requests().iter().all(|r| r.method != "POST"),
        "no dry run once a step failed"
    );
}

#[test]
fn check_api_says_the_webhook_is_unreachable_when_the_dry_run_fails() {
    let c = healthy();
    c.server.inject(webhook_down(None));
    let out = c.certdoctor().args(["check", "api"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("✗ dry run  the API server cannot reach cert-manager's webhook: no webhook Pod is ready behind its Service: Internal error occurred: failed calling webhook"),
        "{text}"
    );
    assert!(stderr(&out).contains("hint: check the webhook Pod and Service"));
}

#[test]
fn check_api_waits_until_the_webhook_answers() {
    let c = healthy();
    c.server.inject(webhook_down(Some(2)));
    let out = c
        .certdoctor()
        .args(["check", "api", "--wait", "20s", "--interval", "100ms"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).ends_with("The cert-manager API is ready\n"));
    let posts = c
        .server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 3);
    // One "not ready yet" line: the reason did not change between the two failures.
    assert_eq!(
        stderr(&out).matches("certdoctor: not ready yet: ").count(),
        1,
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_api_gives_up_when_wait_runs_out() {
    let c = healthy();
    c.server.inject(webhook_down(None));
    let started = std::time::Instant::now();
    let out = c
        .certdoctor()
        .args([
            "check",
            "api",
            "--wait",
            "1s",
            "--interval",
            "200ms",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let report = json_of(&out);
    assert_eq!(report["reason"], "webhookUnreachable");
    assert!(report["attempts"].as_u64().unwrap() >= 3, "{report}");
}

#[test]
fn check_api_without_permission_is_an_error_not_a_verdict() {
    let c = healthy();
    c.server.forbid("create", "certificates");
    let out = c
        .certdoctor()
        .args(["check", "api", "--wait", "30s"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("certdoctor: error: not allowed to create Certificates in namespace default"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("kubectl auth can-i create certificates.cert-manager.io -n default")
    );
    let posts = c
        .server
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1, "a permission problem is not waited on");
}

// ---- explain ----

#[test]
fn explain_prints_the_docs_section_of_every_code() {
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/findings.md"),
    )
    .unwrap();
    let list = certdoctor()
        .args(["explain", "--list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(list.status.code(), Some(0));
    let codes = json_of(&list)["codes"].as_array().unwrap().clone();
    assert_eq!(codes.len(), certdoctor::findings::Code::ALL.len());
    for entry in &codes {
        let code = entry["code"].as_str().unwrap();
        let out = certdoctor().args(["explain", code]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{code}");
        let heading = format!("## {code}\n");
        let start = docs
            .find(&heading)
            .unwrap_or_else(|| panic!("{code} has no section"));
        let rest = &docs[start..];
        let end = rest[heading.len()..]
            .find("\n## ")
            .map_or(rest.len(), |i| i + heading.len() + 1);
        assert_eq!(
            stdout(&out),
            format!("{}\n", rest[..end].trim_end()),
            "{code}"
        );
    }
}

#[test]
fn explain_list_has_one_line_per_code_and_unknown_codes_are_errors() {
    let out = certdoctor().args(["explain", "--list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for code in certdoctor::findings::Code::ALL {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(code.as_str()))
            .unwrap_or_else(|| panic!("{code} not listed"));
        assert!(line.ends_with(code.summary()), "{line}");
    }
    let out = certdoctor()
        .args(["explain", "http01-wrong-status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = certdoctor()
        .args(["explain", "WRONG_STATUS"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "certdoctor: error: \"WRONG_STATUS\" is not a finding code\nhint: did you mean HTTP01_WRONG_STATUS? `certdoctor explain --list` shows every code\n"
    );
}
