//! What clients really get on 443, side by side with the Secret (issue 14): real TLS servers
//! on loopback present the right certificate, the ingress controller's fake one, an older
//! one of the same names, an expired one, one without its intermediate, or nothing (a port
//! that refuses); `diagnose` and `inspect url` say what a user needs to read, in text and
//! JSON. Also the cluster-state checks that need no network: INGRESS_TLS_MISMATCH and
//! STAGING_ISSUER.

use serde_json::{Value, json};

use crate::support::dns::DnsServer;
use crate::support::objects::{Edit, certificate, cluster_issuer, list, ready_status, tls_secret};
use crate::support::pki::{self, Ca, Leaf, LeafOptions};
use crate::support::report::{codes, finding, findings, json_of, root};
use crate::support::tls::{TlsServer, refusing_port};
use crate::support::{certdoctor, stderr, stdout};

const HOST: &str = "web.example.com";

struct Pki {
    inter: Ca,
    current: Leaf,
}

fn pki() -> Pki {
    let root = pki::root("Served Test Root");
    let inter = pki::intermediate(
        "Served Test Intermediate",
        &root,
        ((2025, 1, 1), (2030, 1, 1)),
    );
    let current = pki::leaf(&inter, names_between((2026, 10, 15), (2027, 1, 13)));
    Pki { inter, current }
}

fn names_between(nb: (i32, u8, u8), na: (i32, u8, u8)) -> LeafOptions {
    LeafOptions {
        names: vec![HOST.into()],
        not_before: nb,
        not_after: na,
        ..LeafOptions::default()
    }
}

fn der_of(ca: &Ca) -> Vec<u8> {
    ca.issuer.der().to_vec()
}

/// Certificate prod/web (Ready, self-signed issuer: no CAA probe) and its Secret holding
/// the current leaf and the intermediate.
fn objects(p: &Pki) -> Vec<Value> {
    let crt = format!("{}{}", p.current.cert_pem, p.inter.pem());
    vec![
        certificate("prod", "web")
            .with("/spec/dnsNames", json!([HOST]))
            .with("/status", ready_status()),
        cluster_issuer("letsencrypt-prod").with("/spec", json!({"selfSigned": {}})),
        tls_secret(
            "prod",
            "web",
            &[
                ("tls.crt", crt.as_bytes()),
                ("tls.key", p.current.key_pem.as_bytes()),
            ],
        ),
    ]
}

fn serve(chain: Vec<Vec<u8>>, leaf: &Leaf) -> TlsServer {
    TlsServer::start(chain, leaf.key.serialize_der())
}

/// `diagnose` with the TLS probe sent to `port` on loopback; JSON report, exit code, text.
fn diagnose(objs: &[Value], port: u16) -> (Value, i32, String) {
    let run = |output: &str| {
        certdoctor()
            .args(["diagnose", "-A", "-o", output, "--probe-timeout", "2s"])
            .args(["--from-file", "-"])
            .args(["--connect-to", &format!("{HOST}:443:127.0.0.1:{port}")])
            .write_stdin(list(objs).to_string())
            .output()
            .unwrap()
    };
    let out = run("json");
    let text = run("text");
    (json_of(&out), out.status.code().unwrap(), stdout(&text))
}

fn message<'a>(r: &'a Value, code: &str) -> &'a str {
    finding(r, "web", code)["message"].as_str().unwrap()
}

#[test]
fn the_right_certificate_is_proved_on_one_line() {
    let p = pki();
    let server = serve(
        vec![p.current.cert_der.clone(), der_of(&p.inter)],
        &p.current,
    );
    let (r, code, text) = diagnose(&objects(&p), server.port());
    assert_eq!(code, 0, "{r}");
    let m = message(&r, "SERVED_CERT_MATCHES");
    let addr = format!("127.0.0.1:{}", server.port());
    assert!(
        m.contains(&addr) && m.contains("serves the Secret's certificate"),
        "{m}"
    );
    assert!(m.contains("serial") && m.contains("left"), "{m}");
    let c = codes(&r, "web");
    assert!(!c.iter().any(|c| c.starts_with("SERVED_CERT_MIS")), "{c:?}");
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("served:") && l.contains(&addr)),
        "{text}"
    );
}

#[test]
fn the_ingress_fake_certificate_is_named_with_its_fix() {
    let p = pki();
    let mut params = rcgen::CertificateParams::new(vec!["ingress.local".to_string()]).unwrap();
    params.distinguished_name.push(
        rcgen::DnType::CommonName,
        "Kubernetes Ingress Controller Fake Certificate",
    );
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "Acme Co");
    let key = rcgen::KeyPair::generate().unwrap();
    let fake = params.self_signed(&key).unwrap();
    let server = TlsServer::start(vec![fake.der().to_vec()], key.serialize_der());
    let (r, code, text) = diagnose(&objects(&p), server.port());
    assert_eq!(code, 1);
    assert_eq!(root(&r, "web"), "SERVED_CERT_MISMATCH");
    let m = message(&r, "SERVED_CERT_MISMATCH");
    assert!(
        m.contains("ingress controller's default certificate"),
        "{m}"
    );
    assert!(m.contains(&format!("127.0.0.1:{}", server.port())), "{m}");
    let f = finding(&r, "web", "SERVED_CERT_MISMATCH");
    assert!(f["remedy"].as_str().unwrap().contains("tls[].hosts"), "{f}");
    assert!(codes(&r, "web").contains(&"SERVED_NAME_MISMATCH".to_string()));
    assert!(text.contains("[SERVED_CERT_MISMATCH]"), "{text}");
    assert!(
        text.contains("ingress controller's default certificate"),
        "{text}"
    );
}

#[test]
fn an_older_certificate_of_the_same_names_says_reload() {
    let p = pki();
    let older = pki::leaf(&p.inter, names_between((2026, 9, 1), (2026, 12, 30)));
    let server = serve(vec![older.cert_der.clone(), der_of(&p.inter)], &older);
    let (r, code, text) = diagnose(&objects(&p), server.port());
    assert_eq!(code, 1);
    assert_eq!(root(&r, "web"), "SERVED_CERT_MISMATCH");
    let m = message(&r, "SERVED_CERT_MISMATCH");
    assert!(m.contains("an older certificate of the same names"), "{m}");
    let f = finding(&r, "web", "SERVED_CERT_MISMATCH");
    assert!(f["remedy"].as_str().unwrap().contains("reload"), "{f}");
    assert!(
        text.contains("an older certificate of the same names"),
        "{text}"
    );
}

#[test]
fn an_expired_served_certificate_is_an_error() {
    let p = pki();
    let expired = pki::leaf(&p.inter, names_between((2026, 7, 1), (2026, 10, 1)));
    let server = serve(vec![expired.cert_der.clone(), der_of(&p.inter)], &expired);
    let (r, code, text) = diagnose(&objects(&p), server.port());
    assert_eq!(code, 1);
    let m = message(&r, "SERVED_CERT_EXPIRED");
    assert!(m.contains("expired") && m.contains("ago"), "{m}");
    assert!(codes(&r, "web").contains(&"SERVED_CERT_MISMATCH".to_string()));
    assert!(text.contains("SERVED_CERT_EXPIRED"), "{text}");
}

#[test]
fn a_missing_intermediate_is_a_warning() {
    let p = pki();
    let server = serve(vec![p.current.cert_der.clone()], &p.current);
    let (r, code, text) = diagnose(&objects(&p), server.port());
    assert_eq!(code, 0, "a warning leaves the certificate healthy: {r}");
    let f = finding(&r, "web", "SERVED_CHAIN_INCOMPLETE");
    assert_eq!(f["severity"], "warning");
    assert!(
        f["message"].as_str().unwrap().contains("no intermediate"),
        "{f}"
    );
    assert!(text.contains("SERVED_CHAIN_INCOMPLETE"), "{text}");
}

#[test]
fn a_port_that_refuses_is_https_unreachable_naming_the_address() {
    let p = pki();
    let port = refusing_port();
    let (r, code, text) = diagnose(&objects(&p), port);
    assert_eq!(code, 0);
    let f = finding(&r, "web", "HTTPS_UNREACHABLE");
    assert_eq!(f["severity"], "warning");
    let m = f["message"].as_str().unwrap();
    assert!(
        m.contains(&format!("127.0.0.1:{port}")) && m.contains("refused"),
        "{m}"
    );
    assert!(text.contains("HTTPS_UNREACHABLE"), "{text}");
}

#[test]
fn every_address_of_the_name_is_checked() {
    let p = pki();
    let server = serve(
        vec![p.current.cert_der.clone(), der_of(&p.inter)],
        &p.current,
    );
    let dns = DnsServer::start(&[(
        "example.com.",
        "$TTL 60\n@ IN SOA ns1.example.com. h.example.com. 1 3600 600 604800 60\n@ IN NS ns1.example.com.\nns1 IN A 127.0.0.1\nweb IN A 127.0.0.1\nweb IN A 127.0.0.2\n",
    )]);
    let out = certdoctor()
        .args(["diagnose", "-A", "-o", "json", "--probe-timeout", "2s"])
        .args(["--from-file", "-"])
        .args(["--nameserver", &format!("127.0.0.1:{}", dns.port())])
        .args(["--https-port", &server.port().to_string()])
        .write_stdin(list(&objects(&p)).to_string())
        .output()
        .unwrap();
    let r = json_of(&out);
    let port = server.port();
    let all: Vec<&str> = findings(&r, "web")
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        all.iter()
            .any(|m| m.contains(&format!("127.0.0.1:{port} serves the Secret's certificate"))),
        "{all:?}"
    );
    assert!(
        all.iter()
            .any(|m| m.contains(&format!("127.0.0.2:{port}")) && m.contains("nothing answers TLS")),
        "{all:?}"
    );
}

#[test]
fn offline_diagnose_makes_no_tls_probe() {
    let p = pki();
    let server = serve(vec![p.current.cert_der.clone()], &p.current);
    let out = certdoctor()
        .args([
            "diagnose",
            "-A",
            "-o",
            "json",
            "--offline",
            "--from-file",
            "-",
        ])
        .args([
            "--connect-to",
            &format!("{HOST}:443:127.0.0.1:{}", server.port()),
        ])
        .write_stdin(list(&objects(&p)).to_string())
        .output()
        .unwrap();
    let r = json_of(&out);
    assert!(
        !codes(&r, "web").iter().any(|c| c.starts_with("SERVED")),
        "{r}"
    );
}

fn inspect_url(port: u16, extra: &[&str], stdin: Option<String>) -> std::process::Output {
    let mut cmd = certdoctor();
    cmd.args(["inspect", "url", HOST])
        .args(["--connect-to", &format!("{HOST}:443:127.0.0.1:{port}")])
        .args(["--probe-timeout", "2s"])
        .args(extra);
    if let Some(s) = stdin {
        cmd.write_stdin(s);
    }
    cmd.output().unwrap()
}

#[test]
fn inspect_url_shows_the_presented_chain_without_a_cluster() {
    let p = pki();
    let server = serve(
        vec![p.current.cert_der.clone(), der_of(&p.inter)],
        &p.current,
    );
    let out = inspect_url(server.port(), &[], None);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.contains("Subject:") && text.contains(HOST), "{text}");
    assert!(text.contains("Served Test Intermediate"), "{text}");
    let out = inspect_url(server.port(), &["-o", "json"], None);
    let r = json_of(&out);
    assert_eq!(
        r["inputs"][0]["certificates"].as_array().unwrap().len(),
        2,
        "{r}"
    );
    assert!(
        r["inputs"][0]["source"]
            .as_str()
            .unwrap()
            .starts_with("https://web.example.com:443"),
        "{r}"
    );
}

#[test]
fn inspect_url_flags_a_missing_intermediate_and_an_expired_leaf() {
    let p = pki();
    let expired = pki::leaf(&p.inter, names_between((2026, 7, 1), (2026, 10, 1)));
    let server = serve(vec![expired.cert_der.clone()], &expired);
    let out = inspect_url(server.port(), &["-o", "json"], None);
    assert_eq!(out.status.code(), Some(1));
    let r = json_of(&out);
    let c: Vec<&str> = r["inputs"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(c.contains(&"CERT_EXPIRED"), "{c:?}");
    assert!(c.contains(&"SERVED_CHAIN_INCOMPLETE"), "{c:?}");
}

#[test]
fn inspect_url_with_secret_compares_with_the_secret() {
    let p = pki();
    let older = pki::leaf(&p.inter, names_between((2026, 9, 1), (2026, 12, 30)));
    let server = serve(vec![older.cert_der.clone(), der_of(&p.inter)], &older);
    let dump = list(&objects(&p)).to_string();
    let out = inspect_url(
        server.port(),
        &["--secret", "web", "-n", "prod", "--from-file", "-"],
        Some(dump.clone()),
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert!(text.contains("SERVED_CERT_MISMATCH"), "{text}");
    assert!(
        text.contains("an older certificate of the same names"),
        "{text}"
    );
    let right = serve(
        vec![p.current.cert_der.clone(), der_of(&p.inter)],
        &p.current,
    );
    let out = inspect_url(
        right.port(),
        &[
            "--secret",
            "web",
            "-n",
            "prod",
            "--from-file",
            "-",
            "-o",
            "json",
        ],
        Some(dump),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(json_of(&out).to_string().contains("SERVED_CERT_MATCHES"));
}

#[test]
fn inspect_url_with_nothing_listening_is_an_error() {
    let out = inspect_url(refusing_port(), &[], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("connection refused"),
        "{}",
        stderr(&out)
    );
}

fn ingress(hosts: &[&str], secret: &str) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
           "metadata": {"name": "web", "namespace": "prod", "uid": "Ingress-web"},
           "spec": {"tls": [{"hosts": hosts, "secretName": secret}],
                    "rules": hosts.iter().map(|h| json!({"host": h})).collect::<Vec<_>>()}})
}

#[test]
fn an_ingress_host_the_certificate_does_not_cover_is_a_mismatch_offline() {
    let p = pki();
    let mut objs = objects(&p);
    objs.push(ingress(&[HOST, "www.example.com"], "web"));
    let (r, code) = crate::support::report::diagnose(&objs, &[]);
    assert_eq!(code, 1);
    assert_eq!(root(&r, "web"), "INGRESS_TLS_MISMATCH");
    let m = finding(&r, "web", "INGRESS_TLS_MISMATCH")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        m.contains("www.example.com") && !m.contains(&format!("{HOST},")),
        "{m}"
    );
    // Covered hosts only: nothing to say.
    let mut objs = objects(&p);
    objs.push(ingress(&[HOST], "web"));
    let (r, code) = crate::support::report::diagnose(&objs, &[]);
    assert_eq!(code, 0, "{r}");
}

#[test]
fn a_staging_issuer_behind_an_ingress_is_a_warning() {
    let p = pki();
    let mut objs = objects(&p);
    objs[1] = cluster_issuer("letsencrypt-prod").with(
        "/spec/acme/server",
        json!("https://acme-staging-v02.api.letsencrypt.org/directory"),
    );
    objs.push(ingress(&[HOST], "web"));
    let (r, _) = crate::support::report::diagnose(&objs, &[]);
    let f = finding(&r, "web", "STAGING_ISSUER");
    assert_eq!(f["severity"], "warning");
    assert!(
        f["evidence"].to_string().contains("acme-staging-v02"),
        "{f}"
    );
}

#[test]
fn a_gateway_listener_using_the_secret_is_probed_by_its_hostname() {
    let p = pki();
    let right = serve(
        vec![p.current.cert_der.clone(), der_of(&p.inter)],
        &p.current,
    );
    // The Gateway's listener for gw.example.com serves an older certificate.
    let old = pki::leaf(
        &p.inter,
        LeafOptions {
            names: vec!["gw.example.com".into()],
            not_before: (2026, 7, 1),
            not_after: (2026, 12, 30),
            ..LeafOptions::default()
        },
    );
    let stale = serve(vec![old.cert_der.clone(), der_of(&p.inter)], &old);
    let mut objs = objects(&p);
    objs.push(json!({
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
        "metadata": {"name": "public", "namespace": "prod", "uid": "gw-uid",
                     "creationTimestamp": "2026-10-01T00:00:00Z"},
        "spec": {"gatewayClassName": "envoy", "listeners": [
            {"name": "https", "hostname": "gw.example.com", "port": 443, "protocol": "HTTPS",
             "tls": {"mode": "Terminate", "certificateRefs": [{"name": "web"}]}}]}
    }));
    let out = certdoctor()
        .args(["diagnose", "-A", "-o", "json", "--probe-timeout", "2s"])
        .args(["--from-file", "-"])
        .args([
            "--connect-to",
            &format!("{HOST}:443:127.0.0.1:{}", right.port()),
        ])
        .args([
            "--connect-to",
            &format!("gw.example.com:443:127.0.0.1:{}", stale.port()),
        ])
        .write_stdin(list(&objs).to_string())
        .output()
        .unwrap();
    let r = json_of(&out);
    let f = finding(&r, "web", "SERVED_CERT_MISMATCH");
    assert_eq!(f["subject"]["part"], "gw.example.com", "{f}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains(&format!("127.0.0.1:{}", stale.port())),
        "{f}"
    );
}
