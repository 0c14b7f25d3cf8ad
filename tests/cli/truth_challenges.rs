//! `diagnose` is true to what cert-manager does with Challenges and Orders: a final
//! Challenge's verdict is the CA's (its solver is gone, so a probe only re-checks the name), a
//! Challenge that could not present is not blamed on a probe, a failed Challenge under a
//! pending Order is a stuck Order, a self-check that fails only inside the cluster is named as
//! such, and this machine's missing IPv6 is never the zone's fault. Each test builds the state
//! cert-manager leaves behind and runs the real binary with real DNS and HTTP servers.

use std::net::Ipv4Addr;

use serde_json::{Value, json};

use crate::support::dns::DnsServer;
use crate::support::http01::{HttpServer, Reply};
use crate::support::objects::edit;
use crate::support::report::{codes, finding, findings, root};
use crate::support::{certdoctor, fixture_objects, stdout};

const SOA: &str = "$TTL 60\n@ IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 604800 60\n@ IN NS ns1.example.com.\n@ IN NS ns2.example.com.\nns1 IN A 127.0.0.1\nns2 IN A 127.0.0.2\n";

const CHALLENGE: &str = "app-tls-1-2385927541-1738652016";
const ORDER: &str = "app-tls-1-2385927541";

/// A firewall verdict as Let's Encrypt words it, as cert-manager stores it.
const FIREWALL: &str = "Error accepting authorization: acme: authorization error for app.example.com: 400 urn:ietf:params:acme:error:connection: 203.0.113.7: Fetching http://app.example.com/.well-known/acme-challenge/r0kg7Kj5kQHtO4zcVAfk2thMnuqkIE9MuFjTHL2fFSs: Timeout during connect (likely firewall problem)";

/// The app answers 404 for every path: what a probe sees once cert-manager removed the solver.
fn app_404() -> HttpServer {
    HttpServer::start(vec![])
}

fn dns() -> DnsServer {
    DnsServer::start(&[(
        "example.com.",
        &format!("{SOA}app IN A 127.0.0.1\n@ IN CAA 0 issue \"letsencrypt.org\"\n"),
    )])
}

/// Runs `diagnose -A` with probes against `dns` and `http` in `format`; returns stdout and the
/// exit code.
fn run(objects: &[Value], dns: &DnsServer, http: &HttpServer, format: &str) -> (String, i32) {
    run_env(objects, dns, http.port(), format, &[])
}

/// Like [`run`], with HTTP-01 fetches sent to `http_port` and extra environment.
fn run_env(
    objects: &[Value],
    dns: &DnsServer,
    http_port: u16,
    format: &str,
    env: &[(&str, &str)],
) -> (String, i32) {
    let list = json!({"apiVersion": "v1", "kind": "List", "items": objects});
    let mut cmd = certdoctor();
    cmd.args(["diagnose", "-A", "-o", format, "--probe-timeout", "2s"])
        .args(["--from-file", "-"])
        .args(["--nameserver", &format!("127.0.0.1:{}", dns.port())])
        .args(["--dns-port", &dns.port().to_string()])
        .args(["--http-port", &http_port.to_string()]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.write_stdin(list.to_string()).output().unwrap();
    (stdout(&out), out.status.code().unwrap())
}

fn json(objects: &[Value], dns: &DnsServer, http: &HttpServer) -> Value {
    let (s, _) = run(objects, dns, http, "json");
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

fn set_challenge(objs: &mut [Value], state: &str, presented: bool, reason: &str) {
    edit(objs, "Challenge", CHALLENGE, |c| {
        c["status"] = json!({"state": state, "presented": presented,
                             "processing": !matches!(state, "valid" | "invalid" | "errored" | "expired"),
                             "reason": reason});
    });
}

fn set_order_state(objs: &mut [Value], state: &str) {
    edit(objs, "Order", ORDER, |o| {
        o["status"]["state"] = json!(state)
    });
}

#[test]
fn a_final_challenge_leads_with_the_cas_verdict_not_the_apps_404() {
    let mut objs = fixture_objects("stuck-http01.yaml");
    set_challenge(&mut objs, "invalid", false, FIREWALL);
    set_order_state(&mut objs, "invalid");
    let (dns, http) = (dns(), app_404());
    let r = json(&objs, &dns, &http);
    assert_eq!(root(&r, "app-tls"), "CHALLENGE_INVALID");
    let f = finding(&r, "app-tls", "CHALLENGE_INVALID");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("Timeout during connect (likely firewall problem)"),
        "{f}"
    );
    // The solver was cleaned up: the app's 404 is expected now and says nothing.
    assert!(
        !codes(&r, "app-tls").contains(&"HTTP01_WRONG_STATUS".to_string()),
        "{:?}",
        codes(&r, "app-tls")
    );
    let (text, code) = run(&objs, &dns, &http, "text");
    assert_eq!(code, 1);
    assert!(text.contains("CHALLENGE_INVALID"), "{text}");
    assert!(!text.contains("solver Ingress's class"), "{text}");
}

#[test]
fn a_recheck_of_a_final_challenge_is_at_most_a_warning() {
    let mut objs = fixture_objects("stuck-http01.yaml");
    set_challenge(&mut objs, "invalid", false, FIREWALL);
    set_order_state(&mut objs, "invalid");
    // Nothing listens on the HTTP port now: worth saying, as a re-check, not as the cause.
    let dns = dns();
    let closed = {
        let h = HttpServer::start(vec![]);
        let port = h.port();
        drop(h);
        port
    };
    let (out, _) = run_env(&objs, &dns, closed, "json", &[]);
    let r: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(root(&r, "app-tls"), "CHALLENGE_INVALID");
    let f = finding(&r, "app-tls", "HTTP01_UNREACHABLE");
    assert_eq!(f["severity"], "warning", "{f}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("re-check from this machine now:"),
        "{f}"
    );
}

#[test]
fn a_failed_challenge_under_a_pending_order_is_a_stuck_order_to_delete() {
    let mut objs = fixture_objects("stuck-http01.yaml");
    set_challenge(&mut objs, "invalid", false, FIREWALL);
    // The Order copies the CA's state, which stays pending.
    set_order_state(&mut objs, "pending");
    let (dns, http) = (dns(), app_404());
    let r = json(&objs, &dns, &http);
    assert_eq!(root(&r, "app-tls"), "ORDER_STUCK");
    let f = finding(&r, "app-tls", "ORDER_STUCK");
    assert!(
        f["remedy"]
            .as_str()
            .unwrap()
            .contains(&format!("kubectl delete order {ORDER} -n production")),
        "{f}"
    );
    assert!(
        f["evidence"][0]
            .as_str()
            .unwrap()
            .contains("Timeout during connect"),
        "{f}"
    );
    // The CA's verdict stays, as the thing to fix first.
    assert!(codes(&r, "app-tls").contains(&"CHALLENGE_INVALID".to_string()));
    let (text, _) = run(&objs, &dns, &http, "text");
    assert!(text.contains("ORDER_STUCK"), "{text}");
    assert!(text.contains("kubectl delete order"), "{text}");
}

#[test]
fn an_order_never_submitted_for_minutes_is_stuck_and_one_just_created_is_not() {
    let mut objs = fixture_objects("stuck-http01.yaml");
    objs.retain(|o| o["kind"] != "Challenge");
    edit(&mut objs, "Order", ORDER, |o| {
        o["status"] = json!({});
        o["metadata"]["creationTimestamp"] = json!("2026-11-23T11:00:00Z");
    });
    let (r, _) = crate::support::report::diagnose(&objs, &[]);
    assert_eq!(root(&r, "app-tls"), "ORDER_STUCK");
    assert!(
        finding(&r, "app-tls", "ORDER_STUCK")["message"]
            .as_str()
            .unwrap()
            .contains("never submitted to the CA")
    );
    // Two minutes old (the fixed clock is 12:00): still being submitted.
    edit(&mut objs, "Order", ORDER, |o| {
        o["metadata"]["creationTimestamp"] = json!("2026-11-23T11:58:00Z");
    });
    let (r, _) = crate::support::report::diagnose(&objs, &[]);
    assert!(!codes(&r, "app-tls").contains(&"ORDER_STUCK".to_string()));
}

#[test]
fn an_ingress_admission_rejection_is_the_root_cause_with_its_fix_and_nothing_is_probed() {
    let mut objs = fixture_objects("stuck-http01.yaml");
    set_challenge(
        &mut objs,
        "pending",
        false,
        "Error presenting challenge: admission webhook \"validate.nginx.ingress.kubernetes.io\" denied the request: ingress contains invalid paths: path /.well-known/acme-challenge/r0kg7Kj5kQHtO4zcVAfk2thMnuqkIE9MuFjTHL2fFSs cannot be used with pathType Exact",
    );
    let (dns, http) = (dns(), app_404());
    let r = json(&objs, &dns, &http);
    assert_eq!(root(&r, "app-tls"), "CHALLENGE_PRESENT_FAILED");
    let remedy = finding(&r, "app-tls", "CHALLENGE_PRESENT_FAILED")["remedy"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        remedy.contains("ACMEHTTP01IngressPathTypeExact=false"),
        "{remedy}"
    );
    assert!(remedy.contains("strict-validate-path-type"), "{remedy}");
    assert!(
        !codes(&r, "app-tls")
            .iter()
            .any(|c| c.starts_with("HTTP01_")),
        "nothing is served while Present fails: {:?}",
        codes(&r, "app-tls")
    );
}

#[test]
fn errored_cleanup_and_stuck_deleting_challenges_are_named_for_what_they_are() {
    let mut objs = fixture_objects("stuck-http01.yaml");
    set_challenge(
        &mut objs,
        "errored",
        false,
        "unexpected non-ACME API error: Post \"https://acme-v02.api.letsencrypt.org/acme/chall/x\": net/http: TLS handshake timeout",
    );
    set_order_state(&mut objs, "errored");
    let (r, _) = crate::support::report::diagnose(&objs, &[]);
    assert_eq!(root(&r, "app-tls"), "CHALLENGE_ERRORED");
    assert!(!codes(&r, "app-tls").contains(&"CHALLENGE_INVALID".to_string()));

    let mut objs = fixture_objects("stuck-http01.yaml");
    set_challenge(
        &mut objs,
        "pending",
        true,
        "Error cleaning up challenge: error deleting TXT record: AccessDenied",
    );
    let (r, _) = crate::support::report::diagnose(&objs, &[]);
    assert_eq!(root(&r, "app-tls"), "CHALLENGE_CLEANUP_FAILED");

    let mut objs = fixture_objects("stuck-http01.yaml");
    set_challenge(&mut objs, "valid", false, "");
    edit(&mut objs, "Challenge", CHALLENGE, |c| {
        c["metadata"]["deletionTimestamp"] = json!("2026-11-23T11:00:00Z");
    });
    let (r, _) = crate::support::report::diagnose(&objs, &[]);
    let f = finding(&r, "app-tls", "CHALLENGE_STUCK_DELETING");
    assert!(
        f["evidence"][0]
            .as_str()
            .unwrap()
            .contains("acme.cert-manager.io/finalizer")
    );
}

#[test]
fn a_self_check_that_fails_only_inside_the_cluster_is_named_with_the_command_that_decides() {
    let mut objs = fixture_objects("stuck-http01.yaml");
    let token = "r0kg7Kj5kQHtO4zcVAfk2thMnuqkIE9MuFjTHL2fFSs";
    let key = objs.iter().find(|o| o["kind"] == "Challenge").unwrap()["spec"]["key"]
        .as_str()
        .unwrap()
        .to_string();
    set_challenge(
        &mut objs,
        "pending",
        true,
        "Waiting for HTTP-01 challenge propagation: failed to perform self check GET request 'http://app.example.com/.well-known/acme-challenge/r0kg7Kj5kQHtO4zcVAfk2thMnuqkIE9MuFjTHL2fFSs': Get \"http://app.example.com/.well-known/acme-challenge/r0kg7Kj5kQHtO4zcVAfk2thMnuqkIE9MuFjTHL2fFSs\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
    );
    // From here the token is served correctly.
    let http = HttpServer::start(vec![(
        format!("/.well-known/acme-challenge/{token}"),
        Reply::Body(key),
    )]);
    let dns = dns();
    let r = json(&objs, &dns, &http);
    assert_eq!(root(&r, "app-tls"), "SELF_CHECK_FAILS_IN_CLUSTER");
    let f = finding(&r, "app-tls", "SELF_CHECK_FAILS_IN_CLUSTER");
    let remedy = f["remedy"].as_str().unwrap();
    assert!(remedy.contains("hairpin"), "{remedy}");
    assert!(
        f["reproduce"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().starts_with("kubectl run")),
        "{f}"
    );
    let (text, _) = run(&objs, &dns, &http, "text");
    assert!(text.contains("SELF_CHECK_FAILS_IN_CLUSTER"), "{text}");
    assert!(!text.contains("below shows"), "{text}");

    // Offline the two cannot be told apart: say so, and how to run the probes.
    let (r, _) = crate::support::report::diagnose(&objs, &[]);
    assert_eq!(root(&r, "app-tls"), "CHALLENGE_NOT_PROPAGATED");
    let remedy = finding(&r, "app-tls", "CHALLENGE_NOT_PROPAGATED")["remedy"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(remedy.contains("without --offline"), "{remedy}");
    assert!(!remedy.contains("below"), "{remedy}");
}

#[test]
fn a_machine_without_ipv6_never_blames_the_zone_or_the_server() {
    // Each nameserver has an IPv4 address that answers and an IPv6 address this machine
    // cannot reach.
    let objs = fixture_objects("stuck-dns01.yaml");
    let zone = "$TTL 60\n@ IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 604800 60\n@ IN NS ns1.example.com.\n@ IN NS ns2.example.com.\nns1 IN A 127.0.0.1\nns1 IN AAAA ::1\nns2 IN A 127.0.0.2\nns2 IN AAAA ::1\n";
    let a = DnsServer::start(&[("example.com.", zone)]);
    let _b = DnsServer::start_at(
        Ipv4Addr::new(127, 0, 0, 2),
        a.port(),
        &[("example.com.", zone)],
    );
    let http = app_404();
    let (s, _) = run_env(
        &objs,
        &a,
        http.port(),
        "json",
        &[("CERTDOCTOR_PROBE_NO_IPV6", "1")],
    );
    let r: Value = serde_json::from_str(&s).unwrap();
    for cert in r["certificates"].as_array().unwrap() {
        let name = cert["name"].as_str().unwrap();
        let c = codes(&r, name);
        assert!(
            !c.contains(&"DNS01_NAMESERVER_FAILED".to_string()),
            "{name}: {c:?}"
        );
    }
    let notes: Vec<&Value> = r["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| findings(&r, c["name"].as_str().unwrap()).iter())
        .filter(|f| f["code"] == "PROBE_HOST_NO_ROUTE")
        .collect();
    assert!(!notes.is_empty(), "the note about this machine is there");
    assert!(notes.iter().all(|f| f["severity"] == "info"));
}

/// A second Certificate's Challenge for the same name, processing for hours: it holds the
/// name in cert-manager's queue.
fn blocker_of_app(objs: &mut Vec<Value>) {
    let mut other = objs
        .iter()
        .find(|o| o["kind"] == "Challenge")
        .unwrap()
        .clone();
    other["metadata"]["name"] = json!("old-app-tls-1-1-1");
    other["metadata"]["namespace"] = json!("legacy");
    other["metadata"]["uid"] = json!("3f6c1a52-0003-4000-8000-0400000000ff");
    other["metadata"]["ownerReferences"][0]["uid"] = json!("some-other-order");
    other["status"] = json!({"processing": true, "presented": true, "state": "pending",
                             "reason": "Waiting for HTTP-01 challenge propagation: wrong status code '404', expected '200'"});
    objs.push(other);
}

fn queued(objs: &mut [Value]) {
    edit(objs, "Challenge", CHALLENGE, |c| {
        c["status"] = json!({"processing": false, "presented": false});
    });
}

#[test]
fn a_challenge_queued_for_minutes_names_what_blocks_it() {
    let mut objs = fixture_objects("stuck-http01.yaml");
    queued(&mut objs);
    blocker_of_app(&mut objs);
    let (r, _) = crate::support::report::diagnose(&objs, &[]);
    assert_eq!(root(&r, "app-tls"), "CHALLENGE_QUEUE_BLOCKED");
    let f = finding(&r, "app-tls", "CHALLENGE_QUEUE_BLOCKED");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("behind Challenge legacy/old-app-tls-1-1-1"),
        "{f}"
    );

    // Nothing in view blocks it: the controller, or a namespace not read.
    let mut objs = fixture_objects("stuck-http01.yaml");
    queued(&mut objs);
    let (r, _) = crate::support::report::diagnose(&objs, &[]);
    let f = finding(&r, "app-tls", "CHALLENGE_QUEUE_BLOCKED");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("no Challenge in view blocks it"),
        "{f}"
    );
    assert!(
        f["remedy"]
            .as_str()
            .unwrap()
            .contains("controller is not running")
    );

    // Sixty others processing: the queue is full.
    let mut objs = fixture_objects("stuck-http01.yaml");
    queued(&mut objs);
    let template = objs
        .iter()
        .find(|o| o["kind"] == "Challenge")
        .unwrap()
        .clone();
    for i in 0..60 {
        let mut c = template.clone();
        c["metadata"]["name"] = json!(format!("busy-{i}"));
        c["metadata"]["uid"] = json!(format!("busy-uid-{i}"));
        c["metadata"]["ownerReferences"][0]["uid"] = json!(format!("busy-order-{i}"));
        c["spec"]["dnsName"] = json!(format!("busy{i}.example.com"));
        c["status"] = json!({"processing": true, "presented": true, "state": "pending"});
        objs.push(c);
    }
    let (r, _) = crate::support::report::diagnose(&objs, &[]);
    let f = finding(&r, "app-tls", "CHALLENGE_QUEUE_BLOCKED");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("60 Challenges are processing"),
        "{f}"
    );
}

#[test]
fn the_present_error_event_keeps_the_provider_error_the_status_redacts() {
    let mut objs = fixture_objects("stuck-http01.yaml");
    set_challenge(
        &mut objs,
        "pending",
        false,
        "Error presenting challenge: <redacted AWS SDK error: http status code: 403>",
    );
    let ch = objs
        .iter()
        .find(|o| o["kind"] == "Challenge")
        .unwrap()
        .clone();
    objs.push(json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "app-tls.presenterror", "namespace": "production",
                     "creationTimestamp": "2026-11-23T11:50:00Z"},
        "involvedObject": {"apiVersion": "acme.cert-manager.io/v1", "kind": "Challenge",
                           "name": ch["metadata"]["name"], "namespace": "production",
                           "uid": ch["metadata"]["uid"]},
        "reason": "PresentError", "type": "Warning",
        "message": "Error presenting challenge: operation error Route 53: ChangeResourceRecordSets, https response error StatusCode: 403, api error AccessDenied: User: arn:aws:iam::1:user/cm is not authorized to perform: route53:ChangeResourceRecordSets",
        "lastTimestamp": "2026-11-23T11:50:00Z"
    }));
    let (r, _) = crate::support::report::diagnose(&objs, &[]);
    assert_eq!(root(&r, "app-tls"), "CHALLENGE_PRESENT_FAILED");
    let f = finding(&r, "app-tls", "CHALLENGE_PRESENT_FAILED");
    assert!(
        f["evidence"].as_array().unwrap().iter().any(|e| e
            .as_str()
            .unwrap()
            .contains("route53:ChangeResourceRecordSets")),
        "{f}"
    );
}

/// `diagnose -A --offline` text of these objects.
fn offline_text(objs: &[Value]) -> String {
    let out = certdoctor()
        .args(["diagnose", "-A", "--offline", "--from-file", "-"])
        .write_stdin(json!({"apiVersion": "v1", "kind": "List", "items": objs}).to_string())
        .output()
        .unwrap();
    stdout(&out)
}

#[test]
fn each_challenge_cause_leads_the_text_block_with_its_code() {
    type Make = Box<dyn Fn(&mut Vec<Value>)>;
    let cases: Vec<(&str, Make)> = vec![
        (
            "CHALLENGE_ERRORED",
            Box::new(|o: &mut Vec<Value>| {
                set_challenge(o, "errored", false, "unexpected non-ACME API error: EOF");
                set_order_state(o, "errored");
            }),
        ),
        (
            "CHALLENGE_CLEANUP_FAILED",
            Box::new(|o: &mut Vec<Value>| {
                set_challenge(
                    o,
                    "pending",
                    true,
                    "Error cleaning up challenge: AccessDenied",
                );
            }),
        ),
        (
            "CHALLENGE_STUCK_DELETING",
            Box::new(|o: &mut Vec<Value>| {
                set_challenge(o, "pending", false, "");
                edit(o, "Challenge", CHALLENGE, |c| {
                    c["metadata"]["deletionTimestamp"] = json!("2026-11-23T11:00:00Z");
                });
            }),
        ),
        (
            "CHALLENGE_QUEUE_BLOCKED",
            Box::new(|o: &mut Vec<Value>| {
                queued(o);
                blocker_of_app(o);
            }),
        ),
        (
            "ORDER_STUCK",
            Box::new(|o: &mut Vec<Value>| {
                set_challenge(o, "invalid", false, FIREWALL);
                set_order_state(o, "pending");
            }),
        ),
        (
            "CHALLENGE_NOT_SYNCED",
            Box::new(|o: &mut Vec<Value>| {
                edit(o, "Challenge", CHALLENGE, |c| {
                    c["status"] = json!({"processing": true, "presented": false});
                });
            }),
        ),
    ];
    for (code, make) in cases {
        let mut objs = fixture_objects("stuck-http01.yaml");
        make(&mut objs);
        let text = offline_text(&objs);
        let head = text.lines().next().unwrap_or("");
        assert!(
            head.starts_with("✗ production/app-tls") && head.ends_with(&format!("[{code}]")),
            "{code}: {text}"
        );
        let (r, _) = crate::support::report::diagnose(&objs, &[]);
        assert_eq!(root(&r, "app-tls"), code, "{code}");
    }
}

#[test]
fn a_challenge_admitted_moments_ago_without_state_is_progress() {
    let mut objs = fixture_objects("stuck-http01.yaml");
    edit(&mut objs, "Challenge", CHALLENGE, |c| {
        c["status"] = json!({"processing": true, "presented": false});
        c["metadata"]["creationTimestamp"] = json!("2026-11-23T11:57:00Z");
    });
    let (r, _) = crate::support::report::diagnose(&objs, &[]);
    assert!(!codes(&r, "app-tls").contains(&"CHALLENGE_NOT_SYNCED".to_string()));
}
