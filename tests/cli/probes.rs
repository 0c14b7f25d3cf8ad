//! `diagnose` network probes against real servers on loopback: an authoritative DNS server
//! (several, that can disagree) and an HTTP server scripted per path. The binary reaches
//! them through its documented seams: `--nameserver`, the hidden `--dns-port` (the port of
//! authoritative servers) and `--http-port` (the port HTTP-01 fetches use).

use std::net::Ipv4Addr;

use serde_json::{Value, json};

use crate::support::dns::DnsServer;
use crate::support::http01::{HttpServer, Reply};
use crate::support::objects::{edit, list};
use crate::support::report::{codes, finding, findings, json_of, root};
use crate::support::{certdoctor, fixture_objects, stderr, stdout};

const SOA: &str = "$TTL 60\n@ IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 604800 60\n@ IN NS ns1.example.com.\n@ IN NS ns2.example.com.\nns1 IN A 127.0.0.1\nns2 IN A 127.0.0.2\n";

fn zone(extra: &str) -> String {
    format!("{SOA}{extra}")
}

fn diagnose_live(objects: &[Value], dns_port: u16, extra: &[&str]) -> (Value, i32, String) {
    let out = certdoctor()
        .args([
            "diagnose",
            "-A",
            "-o",
            "json",
            "--probe-timeout",
            "2s",
            "--from-file",
            "-",
        ])
        .args([
            "--nameserver",
            &format!("127.0.0.1:{dns_port}"),
            "--dns-port",
            &dns_port.to_string(),
        ])
        .args(extra)
        .write_stdin(list(objects).to_string())
        .output()
        .unwrap();
    (json_of(&out), out.status.code().unwrap(), stderr(&out))
}

fn challenge(objects: &[Value]) -> (String, String) {
    let ch = objects.iter().find(|o| o["kind"] == "Challenge").unwrap();
    (
        ch["spec"]["token"].as_str().unwrap().to_string(),
        ch["spec"]["key"].as_str().unwrap().to_string(),
    )
}

fn http_case(reply: impl Fn(&str, &str) -> Vec<(String, Reply)>) -> (Value, i32) {
    let objs = fixture_objects("stuck-http01.yaml");
    let (token, key) = challenge(&objs);
    let http = HttpServer::start(reply(&token, &key));
    let dns = DnsServer::start(&[(
        "example.com.",
        &zone("app IN A 127.0.0.1\napp IN AAAA ::1\n@ IN CAA 0 issue \"letsencrypt.org\"\n"),
    )]);
    let (r, code, _) = diagnose_live(
        &objs,
        dns.port(),
        &["--http-port", &http.port().to_string()],
    );
    (r, code)
}

fn path(token: &str) -> String {
    format!("/.well-known/acme-challenge/{token}")
}

/// The IPv4 (127.0.0.1) finding of a code, when both address families report one.
fn finding_v4<'a>(r: &'a Value, code: &str) -> &'a Value {
    findings(r, "app-tls")
        .iter()
        .find(|f| {
            f["code"] == code
                && f["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("127.0.0.1"))
        })
        .unwrap_or_else(|| panic!("{code} for 127.0.0.1 not in {r}"))
}

#[test]
fn a_correct_answer_is_not_blamed_and_broken_ipv6_is_flagged() {
    let (r, _) = http_case(|t, k| vec![(path(t), Reply::Body(k.to_string()))]);
    let c = codes(&r, "app-tls");
    assert!(
        !c.iter().any(|c| matches!(
            c.as_str(),
            "HTTP01_WRONG_BODY" | "HTTP01_WRONG_STATUS" | "HTTP01_UNREACHABLE"
        )),
        "{c:?}"
    );
    // ::1 has nothing listening on the port while 127.0.0.1 works.
    assert!(c.contains(&"HTTP01_IPV6_BROKEN".to_string()), "{c:?}");
    assert!(
        c.contains(&"HTTP01_PRIVATE_ADDRESS".to_string()),
        "loopback is flagged: {c:?}"
    );
    // Only loopback addresses: what a public CA would then find is said, with the check.
    let p = finding(&r, "app-tls", "HTTP01_PRIVATE_ADDRESS");
    assert!(
        p["evidence"][0]
            .as_str()
            .unwrap()
            .starts_with("every address is reserved"),
        "{p}"
    );
    assert!(
        c.contains(&"HTTP01_DNS_NOT_INGRESS".to_string()),
        "the Ingress says 203.0.113.10: {c:?}"
    );
    // From here the token is served (the rest are warnings), while cert-manager's self-check
    // gets a 404: the cause is inside the cluster, not what this machine sees.
    assert_eq!(root(&r, "app-tls"), "SELF_CHECK_FAILS_IN_CLUSTER");
}

#[test]
fn a_404_is_the_root_cause_with_the_request_shown() {
    let (r, code) = http_case(|_, _| vec![]);
    assert_eq!(code, 1);
    assert_eq!(root(&r, "app-tls"), "HTTP01_WRONG_STATUS");
    let f = finding(&r, "app-tls", "HTTP01_WRONG_STATUS");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("answers 404 for the challenge path"),
        "{f}"
    );
    assert!(f["reproduce"].to_string().contains("curl -sv"), "{f}");
}

#[test]
fn a_wrong_body_and_a_huge_body_are_wrong_bodies() {
    let (r, _) =
        http_case(|t, _| vec![(path(t), Reply::Body("<html>default backend</html>".into()))]);
    assert_eq!(root(&r, "app-tls"), "HTTP01_WRONG_BODY");
    assert!(
        finding(&r, "app-tls", "HTTP01_WRONG_BODY")["evidence"][0]
            .as_str()
            .unwrap()
            .contains("default backend")
    );
    let (r, _) = http_case(|t, _| vec![(path(t), Reply::Huge(10 * 1024 * 1024))]);
    assert_eq!(root(&r, "app-tls"), "HTTP01_WRONG_BODY");
}

#[test]
fn redirects_are_followed_by_the_cas_rules() {
    let (r, _) = http_case(|t, _| vec![(path(t), Reply::Redirect(302, path(t)))]);
    assert_eq!(root(&r, "app-tls"), "HTTP01_BAD_REDIRECT");
    assert!(
        finding(&r, "app-tls", "HTTP01_BAD_REDIRECT")["message"]
            .as_str()
            .unwrap()
            .contains("redirect loop")
    );
    let (r, _) = http_case(|t, _| {
        vec![(
            path(t),
            Reply::Redirect(301, "http://app.example.com:8080/x".into()),
        )]
    });
    assert!(
        finding(&r, "app-tls", "HTTP01_BAD_REDIRECT")["message"]
            .as_str()
            .unwrap()
            .contains("port 8080 (only 80 and 443 are followed)")
    );
    let (r, _) = http_case(|t, _| vec![(path(t), Reply::Redirect(303, "/elsewhere".into()))]);
    assert!(
        finding(&r, "app-tls", "HTTP01_BAD_REDIRECT")["message"]
            .as_str()
            .unwrap()
            .contains("status 303 is not a redirect the CA follows")
    );
    // A redirect to HTTPS is followed; nothing answers HTTPS here. Port 80 works, so the
    // redirect is the fault (this test used to expect HTTP01_UNREACHABLE, which sent users to
    // the firewall of port 80).
    let (r, _) = http_case(|t, _| {
        vec![(
            path(t),
            Reply::Redirect(301, format!("https://app.example.com{}", path(t))),
        )]
    });
    assert_eq!(root(&r, "app-tls"), "HTTP01_BAD_REDIRECT");
    let f = finding_v4(&r, "HTTP01_BAD_REDIRECT");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("redirects the challenge path to HTTPS, which fails"),
        "{f}"
    );
    assert!(
        f["remedy"].as_str().unwrap().contains("ssl-redirect"),
        "{f}"
    );
    assert!(
        f["evidence"][0]
            .as_str()
            .unwrap()
            .contains("→ 301 Location: https://app.example.com/"),
        "{f}"
    );
}

#[test]
fn a_404_behind_a_redirect_names_the_redirect() {
    let (r, _) = http_case(|t, _| vec![(path(t), Reply::Redirect(302, "/www/landing".into()))]);
    let f = finding_v4(&r, "HTTP01_WRONG_STATUS");
    assert!(
        f["message"].as_str().unwrap().contains(
            "redirects the challenge path to http://app.example.com/www/landing, which answers 404"
        ),
        "{f}"
    );
    assert!(
        f["remedy"]
            .as_str()
            .unwrap()
            .contains("Exempt /.well-known/acme-challenge/")
    );
}

#[test]
fn a_redirect_to_a_name_without_address_is_a_bad_redirect_and_a_failed_lookup_is_not_blamed() {
    // The zone answers: gone.example.com does not exist.
    let (r, _) = http_case(|t, _| {
        vec![(
            path(t),
            Reply::Redirect(302, "http://gone.example.com/x".into()),
        )]
    });
    let f = finding_v4(&r, "HTTP01_BAD_REDIRECT");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("gone.example.com has no address (NXDOMAIN)"),
        "{f}"
    );
    // This machine's resolver refuses the target's zone: not checked, not the zone's fault.
    let (r, _) = http_case(|t, _| {
        vec![(
            path(t),
            Reply::Redirect(302, "http://www.elsewhere.test/x".into()),
        )]
    });
    let c = codes(&r, "app-tls");
    assert!(c.contains(&"HTTP01_LOOKUP_FAILED".to_string()), "{c:?}");
    assert!(!c.contains(&"HTTP01_UNREACHABLE".to_string()), "{c:?}");
}

#[test]
fn a_key_with_a_trailing_newline_passes_the_ca_but_never_the_self_check() {
    // cert-manager's self-check compares the body exactly (http.go); Let's Encrypt trims.
    let (r, _) = http_case(|t, k| vec![(path(t), Reply::Body(format!("{k}\n")))]);
    let f = finding_v4(&r, "HTTP01_WRONG_BODY");
    assert!(
        f["message"].as_str().unwrap().contains(
            "followed by whitespace: Let's Encrypt would accept it, but cert-manager's self-check"
        ),
        "{f}"
    );
    assert_ne!(root(&r, "app-tls"), "SELF_CHECK_FAILS_IN_CLUSTER", "{r}");
}

#[test]
fn a_server_that_accepts_and_hangs_is_slow_not_firewalled() {
    let (r, _) = http_case(|t, _| vec![(path(t), Reply::Hang)]);
    let f = finding_v4(&r, "HTTP01_UNREACHABLE");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .ends_with("connected, then timed out waiting for the answer"),
        "{f}"
    );
    let remedy = f["remedy"].as_str().unwrap();
    assert!(remedy.contains("does not answer in time"), "{remedy}");
    assert!(!remedy.contains("firewall"), "{remedy}");
}

#[test]
fn no_address_is_a_finding_and_connect_to_checks_an_ingress_before_dns() {
    let objs = fixture_objects("stuck-http01.yaml");
    let (token, key) = challenge(&objs);
    let dns = DnsServer::start(&[("example.com.", &zone(""))]);
    let (r, _, _) = diagnose_live(&objs, dns.port(), &[]);
    assert_eq!(root(&r, "app-tls"), "HTTP01_NO_ADDRESS");
    assert!(
        finding(&r, "app-tls", "HTTP01_NO_ADDRESS")["evidence"][0]
            .as_str()
            .unwrap()
            .contains("NXDOMAIN")
    );
    let http = HttpServer::start(vec![(path(&token), Reply::Body(key))]);
    let (r, _, _) = diagnose_live(
        &objs,
        dns.port(),
        &[
            "--connect-to",
            &format!("app.example.com:80:{}", http.addr()),
        ],
    );
    let c = codes(&r, "app-tls");
    assert!(!c.iter().any(|c| c.starts_with("HTTP01_")), "{c:?}");
}

fn dns01_objects() -> (Vec<Value>, String) {
    let objs = fixture_objects("stuck-dns01.yaml");
    let key = objs
        .iter()
        .find(|o| o["kind"] == "Challenge" && o["spec"]["wildcard"] == true)
        .unwrap()["spec"]["key"]
        .as_str()
        .unwrap()
        .to_string();
    (objs, key)
}

fn two_nameservers(txt_a: &[&str], txt_b: &[&str]) -> (DnsServer, DnsServer) {
    let a = DnsServer::start(&[("example.com.", &zone(""))]);
    let b = DnsServer::start_at(
        Ipv4Addr::new(127, 0, 0, 2),
        a.port(),
        &[("example.com.", &zone(""))],
    );
    a.set_txt("example.com.", "_acme-challenge.example.com.", txt_a);
    b.set_txt("example.com.", "_acme-challenge.example.com.", txt_b);
    (a, b)
}

#[test]
fn the_txt_record_is_checked_at_every_authoritative_nameserver() {
    let (objs, key) = dns01_objects();
    let (a, _b) = two_nameservers(&[], &[]);
    let (r, _, _) = diagnose_live(&objs, a.port(), &[]);
    assert_eq!(root(&r, "api-tls"), "DNS01_TXT_MISSING");

    let (a, _b) = two_nameservers(&[&key], &[]);
    let (r, _, _) = diagnose_live(&objs, a.port(), &[]);
    assert_eq!(root(&r, "api-tls"), "DNS01_TXT_PARTIAL");
    let f = finding(&r, "api-tls", "DNS01_TXT_PARTIAL");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .ends_with("missing on ns2.example.com."),
        "{f}"
    );
    assert!(
        f["reproduce"][0]
            .as_str()
            .unwrap()
            .starts_with("dig @ns2.example.com +norecurse TXT _acme-challenge.example.com."),
        "{f}"
    );

    let (a, _b) = two_nameservers(&["stale-value"], &["stale-value"]);
    let (r, _, _) = diagnose_live(&objs, a.port(), &[]);
    assert_eq!(root(&r, "api-tls"), "DNS01_TXT_WRONG_VALUE");

    let (a, _b) = two_nameservers(&[&key, "other"], &[&key]);
    let (r, _, _) = diagnose_live(&objs, a.port(), &[]);
    assert!(
        !codes(&r, "api-tls").iter().any(|c| c.starts_with("DNS01_")),
        "{:?}",
        codes(&r, "api-tls")
    );
}

#[test]
fn a_failing_nameserver_is_named() {
    let (objs, key) = dns01_objects();
    let a = DnsServer::start(&[("example.com.", &zone(""))]);
    a.set_txt("example.com.", "_acme-challenge.example.com.", &[&key]);
    let _b = DnsServer::start_rcode_at(
        Ipv4Addr::new(127, 0, 0, 2),
        a.port(),
        hickory_server::proto::op::ResponseCode::ServFail,
    );
    let (r, _, _) = diagnose_live(&objs, a.port(), &[]);
    assert_eq!(root(&r, "api-tls"), "DNS01_NAMESERVER_FAILED");
    assert!(
        finding(&r, "api-tls", "DNS01_NAMESERVER_FAILED")["evidence"][0]
            .as_str()
            .unwrap()
            .contains("ns2.example.com. (127.0.0.2:"),
        "{r}"
    );
    assert!(
        finding(&r, "api-tls", "DNS01_NAMESERVER_FAILED")["evidence"][0]
            .as_str()
            .unwrap()
            .ends_with("SERVFAIL")
    );
}

#[test]
fn a_cname_at_acme_challenge_without_follow_is_a_mismatch() {
    let (objs, _) = dns01_objects();
    let a = DnsServer::start(&[(
        "example.com.",
        &zone("_acme-challenge IN CNAME _acme-challenge.delegated.example.com.\n"),
    )]);
    let _b = DnsServer::start_at(
        Ipv4Addr::new(127, 0, 0, 2),
        a.port(),
        &[("example.com.", &zone(""))],
    );
    let (r, _, _) = diagnose_live(&objs, a.port(), &[]);
    let f = finding(&r, "api-tls", "DNS01_CNAME_MISMATCH");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("is a CNAME to _acme-challenge.delegated.example.com."),
        "{f}"
    );
}

#[test]
fn a_name_outside_any_zone_has_no_zone() {
    let (mut objs, _) = dns01_objects();
    edit(&mut objs, "Challenge", "api-tls", |c| {
        c["spec"]["dnsName"] = json!("nowhere.test")
    });
    let a = DnsServer::start(&[("example.com.", &zone(""))]);
    let (r, _, _) = diagnose_live(&objs, a.port(), &[]);
    assert_eq!(root(&r, "api-tls"), "DNS01_ZONE_NOT_FOUND");
}

#[test]
fn a_domain_that_is_not_delegated_is_named_not_a_missing_record() {
    let (mut objs, _) = dns01_objects();
    edit(&mut objs, "Challenge", "api-tls", |c| {
        c["spec"]["dnsName"] = json!("shop.unregistered.test")
    });
    // Only the top-level zone exists: the SOA walk for the name ends at `test.`.
    let tld = "$TTL 60\n@ IN SOA ns1.test. hostmaster.test. 1 3600 600 604800 60\n@ IN NS ns1.test.\nns1 IN A 127.0.0.1\n";
    let dns = DnsServer::start(&[("example.com.", &zone("")), ("test.", tld)]);
    let (r, _, _) = diagnose_live(&objs, dns.port(), &[]);
    assert_eq!(root(&r, "api-tls"), "DNS01_ZONE_NOT_FOUND", "{r}");
    let f = finding(&r, "api-tls", "DNS01_ZONE_NOT_FOUND");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("unregistered.test is not delegated"),
        "{f}"
    );
    assert!(!codes(&r, "api-tls").contains(&"DNS01_TXT_MISSING".to_string()));
}

#[test]
fn caa_records_that_forbid_the_ca_are_found_by_climbing() {
    let objs = fixture_objects("stuck-http01.yaml");
    let dns = DnsServer::start(&[("example.com.", &zone("@ IN CAA 0 issue \"pki.goog\"\n"))]);
    let (r, _, _) = diagnose_live(&objs, dns.port(), &["--http-port", "9"]);
    let f = finding(&r, "app-tls", "CAA_FORBIDS_CA");
    assert!(
        f["message"].as_str().unwrap().contains(
            "CAA records at example.com do not allow letsencrypt.org to issue for app.example.com"
        ),
        "{f}"
    );
}

#[test]
fn a_servfailing_resolver_gives_findings_not_a_crash() {
    let objs = fixture_objects("stuck-http01.yaml");
    let bad = DnsServer::start_servfail();
    let (r, code, err) = diagnose_live(&objs, bad.port(), &[]);
    assert_eq!(code, 1, "{err}");
    let c = codes(&r, "app-tls");
    // Every lookup failed at this machine's resolver: nothing is blamed on the zone.
    assert!(!c.contains(&"HTTP01_NO_ADDRESS".to_string()), "{c:?}");
    let f = finding(&r, "app-tls", "HTTP01_LOOKUP_FAILED");
    assert_eq!(f["severity"], "warning");
    assert!(f["message"].as_str().unwrap().contains("SERVFAIL"), "{f}");
    let caa = finding(&r, "app-tls", "CAA_LOOKUP_FAILED");
    assert_eq!(caa["severity"], "warning", "{caa}");
    assert!(
        caa["message"]
            .as_str()
            .unwrap()
            .contains("from this machine"),
        "{caa}"
    );
    // The Challenge's own status, what the CA and cert-manager saw, leads.
    assert_eq!(root(&r, "app-tls"), "CHALLENGE_NOT_PROPAGATED", "{r}");
    // And the report says, once, that this machine's resolver checked nothing.
    assert!(
        r["probes"]
            .as_str()
            .unwrap()
            .contains("this machine's DNS resolver answered no query"),
        "{}",
        r["probes"]
    );
}

#[test]
fn the_text_report_says_where_the_probes_ran() {
    let objs = fixture_objects("stuck-http01.yaml");
    let dns = DnsServer::start(&[("example.com.", &zone(""))]);
    let out = certdoctor()
        .args([
            "diagnose",
            "-A",
            "--probe-timeout",
            "2s",
            "--from-file",
            "-",
        ])
        .args(["--nameserver", &format!("127.0.0.1:{}", dns.port())])
        .write_stdin(list(&objs).to_string())
        .output()
        .unwrap();
    let text = stdout(&out);
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("✗ production/app-tls  app.example.com has no A or AAAA record")
            && first.ends_with("  [HTTP01_NO_ADDRESS]"),
        "{text}"
    );
    assert!(
        text.contains("note: DNS, HTTP-01, CAA and TLS probes ran from this machine"),
        "{text}"
    );
}

#[test]
fn a_dead_resolver_on_a_healthy_fleet_blames_no_name_and_says_so_once() {
    let objs = fixture_objects("healthy.yaml");
    let bad = DnsServer::start_servfail();
    let (r, code, err) = diagnose_live(&objs, bad.port(), &[]);
    assert_eq!(code, 0, "{err}");
    let c = codes(&r, "web-tls");
    assert!(!c.contains(&"HTTPS_UNREACHABLE".to_string()), "{c:?}");
    assert!(
        r["probes"]
            .as_str()
            .unwrap()
            .contains("this machine's DNS resolver answered no query"),
        "{}",
        r["probes"]
    );
}

#[test]
fn a_resolver_that_never_answers_times_out_into_findings() {
    let objs = fixture_objects("stuck-http01.yaml");
    let silent = DnsServer::start_silent();
    let out = certdoctor()
        .args([
            "diagnose",
            "-A",
            "-o",
            "json",
            "--probe-timeout",
            "1s",
            "--from-file",
            "-",
        ])
        .args(["--nameserver", &silent.addr().to_string()])
        .write_stdin(list(&objs).to_string())
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let r = json_of(&out);
    // A resolver that never answers is this machine's problem, never "no A record".
    assert_eq!(root(&r, "app-tls"), "CHALLENGE_NOT_PROPAGATED", "{r}");
    assert!(
        finding(&r, "app-tls", "HTTP01_LOOKUP_FAILED")["message"]
            .as_str()
            .unwrap()
            .contains("timed out"),
        "{r}"
    );
    assert!(
        finding(&r, "app-tls", "CAA_LOOKUP_FAILED")["message"]
            .as_str()
            .unwrap()
            .contains("timed out")
    );
}

#[test]
fn caa_is_checked_for_healthy_certificates_too_since_it_breaks_the_next_renewal() {
    let mut objs = fixture_objects("healthy.yaml");
    let dns = DnsServer::start(&[("example.com.", &zone("@ IN CAA 0 issue \"pki.goog\"\n"))]);
    // Ready and nothing issuing: a risk for the next renewal, not today's failure (this test
    // used to expect an error and exit 1 for a certificate that works).
    let (r, code, _) = diagnose_live(&objs, dns.port(), &[]);
    assert_eq!((code, root(&r, "web-tls").as_str()), (0, "none"));
    let f = crate::support::report::finding(&r, "web-tls", "CAA_FORBIDS_CA");
    assert_eq!(f["severity"], "warning");
    assert!(
        f["remedy"].as_str().unwrap().contains("next renewal"),
        "{f}"
    );
    // Once renewal is due, the same records block it now.
    crate::support::objects::edit(&mut objs, "Certificate", "web-tls", |c| {
        c["status"]["renewalTime"] = json!("2026-11-23T11:00:00Z");
    });
    let (r, code, _) = diagnose_live(&objs, dns.port(), &[]);
    assert_eq!(code, 1);
    assert_eq!(root(&r, "web-tls"), "CAA_FORBIDS_CA");
    let dns = DnsServer::start(&[(
        "example.com.",
        &zone("@ IN CAA 0 issue \"letsencrypt.org\"\n"),
    )]);
    let (r, code, _) = diagnose_live(&objs, dns.port(), &[]);
    assert!(
        !codes(&r, "web-tls").iter().any(|c| c.starts_with("CAA_")),
        "{code}"
    );
}

#[test]
fn two_certificates_sharing_a_name_get_only_their_own_caa_findings() {
    let mut objs = fixture_objects("healthy.yaml");
    let mut issuer = objs
        .iter()
        .find(|o| o["kind"] == "ClusterIssuer")
        .unwrap()
        .clone();
    issuer["metadata"]["name"] = json!("google-prod");
    issuer["metadata"]["uid"] = json!("3f6c1a52-0001-4000-8000-070000000099");
    issuer["spec"]["acme"]["server"] = json!("https://dv.acme-v02.api.pki.goog/directory");
    let mut other = objs
        .iter()
        .find(|o| o["kind"] == "Certificate")
        .unwrap()
        .clone();
    other["metadata"]["name"] = json!("other-tls");
    other["metadata"]["uid"] = json!("3f6c1a52-0001-4000-8000-010000000099");
    other["spec"]["secretName"] = json!("other-tls");
    other["spec"]["issuerRef"]["name"] = json!("google-prod");
    objs.push(issuer);
    objs.push(other);
    // The zone allows Let's Encrypt only: web-tls (Let's Encrypt) is fine, other-tls
    // (Google Trust Services) is forbidden, for the very same DNS name.
    let dns = DnsServer::start(&[(
        "example.com.",
        &zone("@ IN CAA 0 issue \"letsencrypt.org\"\n"),
    )]);
    let (r, _, _) = diagnose_live(&objs, dns.port(), &[]);
    assert!(
        !codes(&r, "web-tls").contains(&"CAA_FORBIDS_CA".to_string()),
        "web-tls got another Certificate's CAA finding: {:?}",
        codes(&r, "web-tls")
    );
    assert!(codes(&r, "other-tls").contains(&"CAA_FORBIDS_CA".to_string()));
    let mine = findings(&r, "other-tls")
        .iter()
        .filter(|f| f["code"] == "CAA_FORBIDS_CA")
        .collect::<Vec<_>>();
    // One finding per name of other-tls (web. and www.example.com), each about other-tls.
    assert_eq!(mine.len(), 2, "{mine:?}");
    for f in mine {
        assert_eq!(f["subject"]["name"], "other-tls");
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("do not allow pki.goog")
        );
    }
}

#[test]
fn a_name_that_does_not_exist_is_no_address_naming_nxdomain() {
    let objs = fixture_objects("stuck-http01.yaml");
    // The zone exists but has no record for app.example.com: NXDOMAIN.
    let dns = DnsServer::start(&[("example.com.", &zone(""))]);
    let (r, _, _) = diagnose_live(&objs, dns.port(), &[]);
    assert_eq!(root(&r, "app-tls"), "HTTP01_NO_ADDRESS");
    let f = crate::support::report::finding(&r, "app-tls", "HTTP01_NO_ADDRESS");
    let evidence = f["evidence"].to_string();
    assert!(
        evidence.contains("NXDOMAIN") || evidence.contains("no records"),
        "{f}"
    );
}

/// The stuck HTTP-01 fixture with its Ingress behind a load balancer published by host name
/// (AWS ELB/NLB style), probed against `zone_extra`; the token is served on 127.0.0.1.
fn lb_hostname_case(zone_extra: &str, extra: &[&str]) -> (Value, Vec<String>) {
    let mut objs = fixture_objects("stuck-http01.yaml");
    edit(&mut objs, "Ingress", "app", |o| {
        o["status"] = json!({"loadBalancer": {"ingress": [{"hostname": "lb.example.com"}]}});
    });
    let (token, key) = challenge(&objs);
    let http = HttpServer::start(vec![(path(&token), Reply::Body(key))]);
    let dns = DnsServer::start(&[(
        "example.com.",
        &zone(&format!("app IN A 127.0.0.1\n{zone_extra}")),
    )]);
    let port = http.port().to_string();
    let mut args = vec!["--http-port", port.as_str()];
    args.extend(extra);
    let (r, _, _) = diagnose_live(&objs, dns.port(), &args);
    let c = codes(&r, "app-tls");
    (r, c)
}

#[test]
fn a_load_balancer_host_name_is_resolved_and_compared() {
    let (_, c) = lb_hostname_case("lb IN A 127.0.0.1\n", &[]);
    assert!(!c.contains(&"HTTP01_DNS_NOT_INGRESS".to_string()), "{c:?}");

    let (r, c) = lb_hostname_case("lb IN A 127.0.0.9\n", &[]);
    assert!(c.contains(&"HTTP01_DNS_NOT_INGRESS".to_string()), "{c:?}");
    let f = finding(&r, "app-tls", "HTTP01_DNS_NOT_INGRESS");
    let ev: Vec<&str> = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(ev.contains(&"DNS: 127.0.0.1"), "{ev:?}");
    assert!(
        ev.contains(&"load balancer lb.example.com resolves to 127.0.0.9"),
        "{ev:?}"
    );
    assert!(
        !ev.iter().any(|e| e.starts_with("Ingress load balancer:")),
        "no IP is published: {ev:?}"
    );
}

#[test]
fn a_load_balancer_host_name_that_does_not_resolve_is_no_mismatch() {
    let (_, c) = lb_hostname_case("", &[]);
    assert!(!c.contains(&"HTTP01_DNS_NOT_INGRESS".to_string()), "{c:?}");
}

/// An AWS load balancer's name, in a zone the test's DNS server answers for.
const ELB: &str = "k8s-ingressn-ingressn-3f9a1c2b7d-4e5f60718293a4b5.elb.eu-west-1.amazonaws.com";

/// The stuck HTTP-01 fixture whose Ingress status names the load balancer [`ELB`] (as
/// ingress-nginx publishes an AWS NLB), probed against the zones `example` (example.com)
/// and, when given, `elb` (elb.eu-west-1.amazonaws.com); the solver serves `reply` for the
/// token on 127.0.0.1.
fn elb_case(example: &str, elb: Option<&str>, reply: Option<Reply>) -> Value {
    let mut objs = fixture_objects("stuck-http01.yaml");
    edit(&mut objs, "Ingress", "app", |o| {
        o["status"] = json!({"loadBalancer": {"ingress": [{"hostname": ELB}]}});
    });
    let (token, key) = challenge(&objs);
    let http = HttpServer::start(vec![(path(&token), reply.unwrap_or(Reply::Body(key)))]);
    let elb_zone = elb.map(|records| {
        format!("$TTL 60\n@ IN SOA ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 60\n@ IN NS ns1.example.com.\n{records}")
    });
    let mut zones = vec![("example.com.", zone(example))];
    if let Some(z) = &elb_zone {
        zones.push(("elb.eu-west-1.amazonaws.com.", z.clone()));
    }
    let zones: Vec<(&str, &str)> = zones.iter().map(|(o, z)| (*o, z.as_str())).collect();
    let dns = DnsServer::start(&zones);
    let (r, _, _) = diagnose_live(
        &objs,
        dns.port(),
        &["--http-port", &http.port().to_string()],
    );
    r
}

fn evidence_of(f: &Value) -> Vec<String> {
    f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_load_balancer_that_dns_does_not_know_is_a_warning_naming_its_ingress() {
    // The name still points at an address that answers; the load balancer the Ingress's
    // status names is gone (NXDOMAIN in its zone).
    let r = elb_case("app IN A 127.0.0.1\n", Some(""), None);
    let f = finding(&r, "app-tls", "HTTP01_LB_NO_ADDRESS");
    assert_eq!(f["severity"], "warning", "{f}");
    assert_eq!(
        f["message"],
        format!(
            "load balancer {ELB} of Ingress production/app does not resolve (NXDOMAIN): it is gone or not provisioned, so no DNS record for app.example.com can point at it"
        )
    );
    let ev = evidence_of(f);
    assert_eq!(
        ev,
        [
            format!("Ingress production/app: status.loadBalancer.ingress {ELB}"),
            format!("{ELB}: NXDOMAIN"),
            "app.example.com: A 127.0.0.1; AAAA no records".to_string(),
        ]
    );
    assert_eq!(
        f["reproduce"][0],
        format!("dig +short A {ELB}; dig +short AAAA {ELB}")
    );
    assert!(
        !codes(&r, "app-tls").contains(&"HTTP01_DNS_NOT_INGRESS".to_string()),
        "no other load balancer is known to compare with: {r}"
    );
}

#[test]
fn a_name_with_no_address_behind_a_load_balancer_dns_does_not_know_leads_with_the_load_balancer() {
    // app.example.com is a CNAME to the load balancer's name, which no longer exists: the
    // record the operator wrote is right, the load balancer is what is missing.
    let r = elb_case(&format!("app IN CNAME {ELB}.\n"), Some(""), None);
    assert_eq!(root(&r, "app-tls"), "HTTP01_LB_NO_ADDRESS", "{r}");
    let f = finding(&r, "app-tls", "HTTP01_LB_NO_ADDRESS");
    assert_eq!(f["severity"], "error");
    assert!(
        codes(&r, "app-tls").contains(&"HTTP01_NO_ADDRESS".to_string()),
        "{r}"
    );
}

#[test]
fn a_load_balancer_this_machine_cannot_resolve_is_evidence_and_blames_no_zone() {
    // The test's DNS server answers only for example.com: the load balancer's name is
    // REFUSED, this machine's resolver failing, not the name's zone. The solver answers 404.
    let r = elb_case("app IN A 127.0.0.1\n", None, Some(Reply::Status(404)));
    let c = codes(&r, "app-tls");
    assert!(
        !c.contains(&"HTTP01_LB_NO_ADDRESS".to_string())
            && !c.contains(&"HTTP01_DNS_NOT_INGRESS".to_string()),
        "{c:?}"
    );
    let ev = evidence_of(finding(&r, "app-tls", "HTTP01_WRONG_STATUS"));
    assert!(
        ev.iter().any(|e| e.starts_with(&format!("load balancer {ELB} of Ingress production/app could not be resolved from this machine ("))
            && e.ends_with("); whether app.example.com points at it was not checked")),
        "{ev:?}"
    );
}

#[test]
fn the_text_report_names_the_load_balancer_host_name() {
    let mut objs = fixture_objects("stuck-http01.yaml");
    edit(&mut objs, "Ingress", "app", |o| {
        o["status"] = json!({"loadBalancer": {"ingress": [{"hostname": "lb.example.com"}]}});
    });
    let (token, key) = challenge(&objs);
    let http = HttpServer::start(vec![(path(&token), Reply::Body(key))]);
    let dns = DnsServer::start(&[(
        "example.com.",
        &zone("app IN A 127.0.0.1\nlb IN A 127.0.0.9\n"),
    )]);
    let out = certdoctor()
        .args([
            "diagnose",
            "-A",
            "--tree",
            "--probe-timeout",
            "2s",
            "--from-file",
            "-",
        ])
        .args([
            "--nameserver",
            &format!("127.0.0.1:{}", dns.port()),
            "--dns-port",
            &dns.port().to_string(),
            "--http-port",
            &http.port().to_string(),
        ])
        .write_stdin(list(&objs).to_string())
        .output()
        .unwrap();
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let at = lines
        .iter()
        .position(|l| {
            l.starts_with("! HTTP01_DNS_NOT_INGRESS ")
                && l.ends_with("app.example.com does not resolve to the load balancer of the Ingress that serves it")
        })
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(lines[at + 1], "DNS: 127.0.0.1", "{text}");
    assert_eq!(
        lines[at + 2],
        "load balancer lb.example.com resolves to 127.0.0.9",
        "{text}"
    );
}
