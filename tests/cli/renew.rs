//! `renew`: the exact status write, conflicts, RBAC, skips, dry runs, fleet selection and
//! `--wait`, all against the fake API server.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::fake_apiserver::RecordedRequest;
use crate::support::objects::{self, CERT_MANAGER_V1 as V1, Edit, ready_status};
use crate::support::report::json_of;
use crate::support::{Cluster, Fault, certdoctor, demo, stderr, stdout};

/// Certificate `ns/name` with these labels and status.
fn certificate(ns: &str, name: &str, labels: Value, status: Value) -> Value {
    objects::certificate(ns, name)
        .with("/metadata/labels", labels)
        .with("/status", status)
}

fn cluster_with(certs: Vec<Value>) -> Cluster {
    let c = Cluster::with_fixtures(Some("production"), &[]);
    c.server.insert_all(certs);
    c
}

fn writes(c: &Cluster) -> Vec<RecordedRequest> {
    c.server
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect()
}

fn get_cert(c: &Cluster, ns: &str, name: &str) -> Value {
    c.server.get(V1, "Certificate", Some(ns), name).unwrap()
}

#[test]
fn renew_sets_the_issuing_condition_and_changes_nothing_else() {
    let status = ready_status().with("/futureField", json!({"kept": true}));
    let c = cluster_with(vec![certificate("production", "web", json!({}), status)]);
    let before = get_cert(&c, "production", "web");
    let out = c.certdoctor().args(["renew", "web"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("web   renewed"), "{}", stdout(&out));
    assert!(stdout(&out).ends_with("1 renewed, 0 skipped, 0 failed\n"));
    let after = get_cert(&c, "production", "web");
    let conds = after["status"]["conditions"].as_array().unwrap();
    assert_eq!(conds[0], before["status"]["conditions"][0]);
    assert_eq!(
        conds[1],
        json!({"type": "Issuing", "status": "True", "reason": "ManuallyTriggered",
               "message": "Certificate re-issuance manually triggered",
               "lastTransitionTime": "2026-11-23T12:00:00Z", "observedGeneration": 3})
    );
    let mut rest = after["status"].clone();
    rest.as_object_mut().unwrap().remove("conditions");
    let mut rest_before = before["status"].clone();
    rest_before.as_object_mut().unwrap().remove("conditions");
    assert_eq!(rest, rest_before);
    assert_eq!(after["spec"], before["spec"]);
    let w = writes(&c);
    assert_eq!(w.len(), 1);
    assert_eq!(
        (w[0].method.as_str(), w[0].path.as_str()),
        (
            "PUT",
            "/apis/cert-manager.io/v1/namespaces/production/certificates/web/status"
        )
    );
}

#[test]
fn a_conflict_is_retried_with_the_certificate_read_again() {
    let c = cluster_with(vec![certificate(
        "production",
        "web",
        json!({}),
        ready_status(),
    )]);
    c.server.inject(Fault {
        method: Some("PUT".into()),
        path_contains: "/status".into(),
        status: Some(409),
        times: Some(1),
        ..Fault::default()
    });
    let out = c.certdoctor().args(["renew", "web"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let reqs = c.server.requests();
    let puts = reqs.iter().filter(|r| r.method == "PUT").count();
    let rereads = reqs
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/certificates/web"))
        .count();
    assert_eq!((puts, rereads), (2, 1));
    let after = get_cert(&c, "production", "web");
    assert_eq!(
        after["status"]["conditions"][1]["reason"],
        "ManuallyTriggered"
    );
}

#[test]
fn a_concurrent_controller_write_is_kept_not_overwritten() {
    let c = cluster_with(vec![certificate(
        "production",
        "web",
        json!({}),
        ready_status(),
    )]);
    // The controller writes status while our first PUT is on its way: that PUT carries
    // the resourceVersion we read, which is stale by then, and gets a real 409.
    let mut controller = ready_status();
    controller["notAfter"] = json!("2027-02-01T00:00:00Z");
    c.server
        .interleave_status_write(V1, "Certificate", Some("production"), "web", controller);
    let out = c.certdoctor().args(["renew", "web"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("web   renewed"), "{}", stdout(&out));
    let trail: Vec<(String, u16)> = c
        .server
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/certificates/web"))
        .map(|r| (r.method, r.status))
        .collect();
    assert_eq!(
        trail,
        [
            ("PUT".into(), 409),
            ("GET".into(), 200),
            ("PUT".into(), 200)
        ],
        "conflict, re-read, retry"
    );
    let after = get_cert(&c, "production", "web");
    assert_eq!(
        after["status"]["notAfter"], "2027-02-01T00:00:00Z",
        "the controller's write survived"
    );
    assert_eq!(
        after["status"]["conditions"][1]["reason"],
        "ManuallyTriggered"
    );
}

#[test]
fn a_persistent_conflict_fails_cleanly_after_bounded_retries() {
    let c = cluster_with(vec![certificate(
        "production",
        "web",
        json!({}),
        ready_status(),
    )]);
    c.server.inject(Fault {
        method: Some("PUT".into()),
        path_contains: "/status".into(),
        status: Some(409),
        ..Fault::default()
    });
    let out = c.certdoctor().args(["renew", "web"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("failed  conflict: the certificate kept changing (5 attempts)"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        c.server
            .requests()
            .iter()
            .filter(|r| r.method == "PUT")
            .count(),
        5
    );
}

#[test]
fn a_forbidden_write_names_the_missing_rbac_rule() {
    let c = cluster_with(vec![certificate(
        "production",
        "web",
        json!({}),
        ready_status(),
    )]);
    c.server.forbid("update", "certificates/status");
    let out = c.certdoctor().args(["renew", "web"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "certdoctor: error: not allowed to update certificates/status in namespace production:"
        ),
        "{err}"
    );
    assert!(err.contains("hint: renew needs the RBAC rule: verbs [update] on resource certificates/status in apiGroup cert-manager.io; check with `kubectl auth can-i update certificates.cert-manager.io --subresource=status -n production`"), "{err}");
}

#[test]
fn an_issuing_certificate_is_skipped_unless_forced() {
    let mut st = ready_status();
    st["conditions"].as_array_mut().unwrap().push(json!({"type": "Issuing", "status": "True", "reason": "Renewing", "lastTransitionTime": "2026-11-23T11:57:00Z"}));
    let c = cluster_with(vec![certificate("production", "web", json!({}), st)]);
    let out = c.certdoctor().args(["renew", "web"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("skipped  already issuing (since 3m); use --force to trigger again"),
        "{}",
        stdout(&out)
    );
    assert!(writes(&c).is_empty());
    let out = c
        .certdoctor()
        .args(["renew", "web", "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        get_cert(&c, "production", "web")["status"]["conditions"][1]["reason"],
        "ManuallyTriggered"
    );
}

#[test]
fn a_certificate_whose_rate_limit_has_not_lifted_is_skipped_unless_forced() {
    let st = json!({"conditions": [{"type": "Ready", "status": "False", "reason": "DoesNotExist"},
                                   {"type": "Issuing", "status": "False", "reason": "Failed",
                                    "message": "The certificate request has failed to complete and will be retried: Failed to wait for order resource \"web-1-3392751873\" to become ready: order is in \"errored\" state: Failed to create Order: 429 urn:ietf:params:acme:error:rateLimited: Error creating new order :: too many certificates (5) already issued for this exact set of identifiers in the last 168h0m0s, retry after 2026-11-24 03:12:45 UTC: see https://letsencrypt.org/docs/rate-limits/#new-certificates-per-exact-set-of-identifiers"}],
                    "failedIssuanceAttempts": 1, "lastFailureTime": "2026-11-23T11:00:00Z"});
    let c = cluster_with(vec![certificate("production", "web", json!({}), st)]);
    let out = c.certdoctor().args(["renew", "web"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains(
            "skipped  the last attempt hit the CA's rate limit, which lifts at 2026-11-24T03:12:45Z"
        ),
        "{}",
        stdout(&out)
    );
    assert!(writes(&c).is_empty());
    let out = c
        .certdoctor()
        .args(["renew", "web", "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!writes(&c).is_empty());
}

#[test]
fn renewing_in_backoff_says_which_backoff_it_bypassed() {
    let st = json!({"conditions": [{"type": "Ready", "status": "False", "reason": "DoesNotExist"},
                                   {"type": "Issuing", "status": "False", "reason": "Failed"}],
                    "failedIssuanceAttempts": 4, "lastFailureTime": "2026-11-23T11:00:00Z"});
    let c = cluster_with(vec![certificate("production", "web", json!({}), st)]);
    let out = c
        .certdoctor()
        .args(["renew", "web", "-o", "json"])
        .output()
        .unwrap();
    let v = json_of(&out);
    assert_eq!(v["kind"], "RenewReport");
    assert_eq!(v["results"][0]["result"], "renewed");
    assert_eq!(
        v["results"][0]["detail"],
        "bypassed backoff: failed 4 times; next automatic retry in 7h"
    );
    // The Issuing=False condition was replaced in place, not duplicated.
    let conds = get_cert(&c, "production", "web")["status"]["conditions"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(conds.len(), 2);
    assert_eq!(conds[1]["status"], "True");
}

#[test]
fn dry_run_writes_nothing_and_server_dry_run_sends_dry_run_all() {
    let c = cluster_with(vec![certificate(
        "production",
        "web",
        json!({}),
        ready_status(),
    )]);
    let before = get_cert(&c, "production", "web");
    let out = c
        .certdoctor()
        .args(["renew", "web", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("would renew"), "{}", stdout(&out));
    assert!(
        stdout(&out)
            .contains("1 would be renewed, 0 skipped, 0 failed (dry run: nothing was sent)"),
        "{}",
        stdout(&out)
    );
    assert!(writes(&c).is_empty(), "{:?}", writes(&c));
    let out = c
        .certdoctor()
        .args(["renew", "web", "--dry-run=server"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let w = writes(&c);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].param("dryRun").as_deref(), Some("All"));
    assert_eq!(get_cert(&c, "production", "web"), before);
}

#[test]
fn all_namespaces_with_a_selector_uses_one_list_and_renews_across_namespaces() {
    let c = cluster_with(vec![
        certificate("a", "web", json!({"team": "web"}), ready_status()),
        certificate("b", "web-2", json!({"team": "web"}), ready_status()),
        certificate("b", "db", json!({"team": "db"}), ready_status()),
    ]);
    let out = c
        .certdoctor()
        .args(["renew", "-A", "-l", "team=web"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let reqs = c.server.requests();
    let lists: Vec<_> = reqs.iter().filter(|r| r.method == "GET").collect();
    assert_eq!(lists.len(), 1, "{lists:?}");
    assert_eq!(lists[0].path, "/apis/cert-manager.io/v1/certificates");
    assert_eq!(lists[0].param("labelSelector").as_deref(), Some("team=web"));
    let text = stdout(&out);
    assert!(text.starts_with("NAMESPACE"), "{text}");
    assert!(text.contains("2 renewed, 0 skipped, 0 failed"));
    assert_eq!(
        get_cert(&c, "b", "db")["status"]["conditions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn usage_errors_say_what_to_type_instead() {
    let c = cluster_with(vec![certificate(
        "production",
        "web",
        json!({}),
        ready_status(),
    )]);
    for (args, msg) in [
        (vec!["renew"], "renew needs to know which certificates"),
        (
            vec!["renew", "web", "-l", "a=b"],
            "NAMEs, --all and -l/--selector cannot be combined",
        ),
        (
            vec!["renew", "-A", "web"],
            "-A cannot be used with certificate names",
        ),
        (
            vec!["renew", "nope"],
            "certificate production/nope not found",
        ),
    ] {
        let out = c.certdoctor().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!("certdoctor: error: {msg}")),
            "{args:?}: {err}"
        );
        assert!(err.contains("\nhint: "), "{err}");
    }
    assert!(writes(&c).is_empty());
    let out = c
        .certdoctor()
        .args(["renew", "web", "--all"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_large_fleet_across_namespaces_needs_confirmation() {
    let certs = (0..25)
        .map(|i| certificate(&format!("ns-{i}"), "web", json!({}), ready_status()))
        .collect();
    let c = cluster_with(certs);
    let out = c
        .certdoctor()
        .args(["renew", "-A", "--all"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "refusing to renew 25 certificates across all namespaces without confirmation"
        )
    );
    assert!(writes(&c).is_empty());
    let out = c
        .certdoctor()
        .args(["renew", "-A", "--all", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(writes(&c).len(), 25);
}

#[test]
fn wait_follows_a_certificate_until_it_is_issued() {
    let c = cluster_with(vec![certificate(
        "production",
        "web",
        json!({}),
        ready_status(),
    )]);
    let server = &c.server;
    std::thread::scope(|s| {
        s.spawn(|| {
            // Play the controller: once the trigger is in, issue revision 3.
            for _ in 0..100 {
                std::thread::sleep(Duration::from_millis(100));
                let cur = server
                    .get(V1, "Certificate", Some("production"), "web")
                    .unwrap();
                if cur["status"]["conditions"]
                    .as_array()
                    .is_some_and(|c| c.len() == 2)
                {
                    let mut st = ready_status();
                    st["revision"] = json!(3);
                    server.set_status(V1, "Certificate", Some("production"), "web", st);
                    return;
                }
            }
        });
        let out = c
            .certdoctor()
            .args([
                "renew",
                "web",
                "--wait",
                "--timeout",
                "30s",
                "--poll-interval",
                "200ms",
            ])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}{}",
            stdout(&out),
            stderr(&out)
        );
        assert!(
            stdout(&out).contains("web   issued  revision 3"),
            "{}",
            stdout(&out)
        );
    });
}

#[test]
fn wait_reports_where_a_stuck_certificate_is_on_timeout() {
    let c = Cluster::with_fixtures(Some("production"), &["stuck-http01.yaml"]);
    let out = c
        .certdoctor()
        .args([
            "renew",
            "app-tls",
            "--force",
            "--wait",
            "--timeout",
            "1s",
            "--poll-interval",
            "200ms",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("timed out  not issued within the timeout: stuck at Challenge app.example.com (HTTP-01): Waiting for HTTP-01 challenge propagation: wrong status code '404', expected '200'"),
        "{text}"
    );
    assert!(text.contains("0 renewed, 0 skipped, 1 failed"), "{text}");
}

#[test]
fn renew_refuses_to_run_on_a_dump() {
    let out = certdoctor()
        .args(["renew", "web", "--from-file"])
        .arg(demo())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot run on a dump (--from-file)"));
}

#[test]
fn a_forbidden_first_write_stops_the_fleet_before_anything_else_is_sent() {
    let c = cluster_with(
        (0..5)
            .map(|i| certificate("production", &format!("web-{i}"), json!({}), ready_status()))
            .collect(),
    );
    c.server.forbid("update", "certificates/status");
    let out = c.certdoctor().args(["renew", "--all"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(writes(&c).len(), 1, "only the first write was tried");
}

#[test]
fn a_large_selection_across_namespaces_by_label_needs_confirmation_too() {
    let certs = (0..21)
        .map(|i| {
            certificate(
                &format!("ns-{i}"),
                "web",
                json!({"team": "web"}),
                ready_status(),
            )
        })
        .collect();
    let c = cluster_with(certs);
    let out = c
        .certdoctor()
        .args(["renew", "-A", "-l", "team=web"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("refusing to renew 21 certificates across all namespaces"));
    assert!(writes(&c).is_empty());
}
