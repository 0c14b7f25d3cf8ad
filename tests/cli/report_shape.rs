//! The shape of `diagnose`'s text (issue 19) and `-o markdown`: per unhealthy certificate a
//! block that reads root cause first (headline, `fix:`, `check:`, `path:`, `evidence:`,
//! `also:`), healthy certificates one line each; snapshots of a healthy, a stuck-at-Challenge,
//! a stuck-at-issuer and a probe-failure block, plain and coloured; and the rules every block
//! keeps on every fixture: the fix within the first three lines, no long line twice, and a
//! remedy that says "below" points at something printed below it.

use std::process::Output;

use serde_json::Value;

use crate::support::dns::DnsServer;
use crate::support::http01::{HttpServer, Reply};
use crate::support::objects::list;
use crate::support::{certdoctor, demo, fixture, fixture_objects, stdout};

const SOA: &str = "$TTL 60\n@ IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 604800 60\n@ IN NS ns1.example.com.\n@ IN NS ns2.example.com.\nns1 IN A 127.0.0.1\nns2 IN A 127.0.0.2\n";

/// Runs certdoctor on a dump file.
fn from(file: &std::path::Path, args: &[&str]) -> Output {
    certdoctor()
        .args(args)
        .args(["--from-file"])
        .arg(file)
        .output()
        .unwrap()
}

/// `diagnose` of stuck-http01.yaml with the probes against loopback servers: `http` answers
/// the token paths (nothing = 404), `records` are example.com's zone.
fn probed(http: Vec<(String, Reply)>, records: &str, extra: &[&str]) -> String {
    let objs = fixture_objects("stuck-http01.yaml");
    let server = HttpServer::start(http);
    let dns = DnsServer::start(&[("example.com.", &format!("{SOA}{records}"))]);
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
        .args(["--dns-port", &dns.port().to_string()])
        .args(["--http-port", &server.port().to_string()])
        .args(extra)
        .write_stdin(list(&objs).to_string())
        .output()
        .unwrap();
    stdout(&out)
}

fn token_and_key() -> (String, String) {
    let objs = fixture_objects("stuck-http01.yaml");
    let ch: &Value = objs.iter().find(|o| o["kind"] == "Challenge").unwrap();
    (
        ch["spec"]["token"].as_str().unwrap().to_string(),
        ch["spec"]["key"].as_str().unwrap().to_string(),
    )
}

const SERVED: &str = "app IN A 127.0.0.1\n@ IN CAA 0 issue \"letsencrypt.org\"\n";

/// Loopback ports and the probing host's name change every run.
macro_rules! stable {
    ($($body:tt)*) => {
        insta::with_settings!({filters => vec![
            (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
            (r"example\.com:\d+", "example.com:PORT"),
            (r"this machine \([^)]*\)", "this machine (HOST)"),
        ]}, { $($body)* })
    };
}

#[test]
fn a_healthy_certificate_is_one_line() {
    for color in ["never", "always"] {
        let out = from(
            &fixture("healthy.yaml"),
            &["diagnose", "-A", "--offline", "--color", color],
        );
        assert_eq!(out.status.code(), Some(0));
        insta::assert_snapshot!(format!("healthy_{color}"), stdout(&out));
    }
}

#[test]
fn a_certificate_stuck_at_its_challenge() {
    for color in ["never", "always"] {
        let out = from(
            &fixture("stuck-http01.yaml"),
            &[
                "diagnose",
                "app-tls",
                "-n",
                "production",
                "--offline",
                "--color",
                color,
            ],
        );
        insta::assert_snapshot!(format!("stuck_challenge_{color}"), stdout(&out));
    }
}

#[test]
fn a_certificate_stuck_at_its_issuer() {
    for color in ["never", "always"] {
        let out = from(
            &demo(),
            &[
                "diagnose",
                "reports-tls",
                "-n",
                "staging",
                "--offline",
                "--color",
                color,
            ],
        );
        insta::assert_snapshot!(format!("stuck_issuer_{color}"), stdout(&out));
    }
}

#[test]
fn a_probe_failure_leads_with_what_the_probe_saw() {
    for color in ["never", "always"] {
        let text = probed(vec![], SERVED, &["--color", color]);
        assert!(text.contains("[HTTP01_WRONG_STATUS]"), "{text}");
        stable!(insta::assert_snapshot!(
            format!("probe_wrong_status_{color}"),
            text
        ));
    }
}

#[test]
fn the_tree_is_still_there_with_tree_and_wide() {
    let tree = from(
        &fixture("stuck-http01.yaml"),
        &[
            "diagnose",
            "app-tls",
            "-n",
            "production",
            "--offline",
            "--tree",
        ],
    );
    let wide = from(
        &fixture("stuck-http01.yaml"),
        &[
            "diagnose",
            "app-tls",
            "-n",
            "production",
            "--offline",
            "-o",
            "wide",
        ],
    );
    assert_eq!(stdout(&tree), stdout(&wide));
    let text = stdout(&tree);
    assert!(
        text.contains("      ✗ CERT_NOT_READY Certificate production/app-tls"),
        "{text}"
    );
    assert!(!text.contains("  fix:      "), "{text}");
}

#[test]
fn markdown_for_the_ticket() {
    let out = from(&demo(), &["diagnose", "-A", "--offline", "-o", "markdown"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("markdown_diagnose_demo", stdout(&out));
    let out = from(
        &fixture("stuck-http01.yaml"),
        &["status", "app-tls", "-n", "production", "-o", "markdown"],
    );
    insta::assert_snapshot!("markdown_status_stuck_http01", stdout(&out));
    let out = from(&demo(), &["status", "-A", "-o", "markdown"]);
    insta::assert_snapshot!("markdown_status_demo", stdout(&out));
    let out = from(
        &demo(),
        &[
            "inspect",
            "secret",
            "www-tls",
            "-n",
            "production",
            "-o",
            "markdown",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
}

/// The blocks of a text report: each starts at a line with a mark in column 0 and holds the
/// indented lines after it.
fn blocks(text: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = vec![];
    for line in text.lines() {
        if line.starts_with("✗ ") || line.starts_with("✓ ") {
            out.push(vec![line]);
        } else if line.starts_with("  ")
            && let Some(b) = out.last_mut()
        {
            b.push(line);
        }
    }
    out
}

/// The text of a labelled field (`fix:`), its wrapped lines joined.
fn field(block: &[&str], label: &str) -> Option<(usize, String)> {
    let start = block
        .iter()
        .position(|l| l.trim_start().starts_with(label))?;
    let mut text = block[start].trim_start()[label.len()..].trim().to_string();
    for l in &block[start + 1..] {
        if l.starts_with("              ") {
            text.push(' ');
            text.push_str(l.trim());
        } else {
            break;
        }
    }
    Some((start, text))
}

/// Every text report the rules below are checked on: each fixture and the demo offline, and
/// the probe cases against loopback servers.
fn every_report() -> Vec<(String, String)> {
    let mut names: Vec<_> = std::fs::read_dir(fixture("."))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    names.sort();
    names.push(demo());
    let mut out: Vec<(String, String)> = names
        .iter()
        .map(|p| {
            (
                p.display().to_string(),
                stdout(&from(p, &["diagnose", "-A", "--offline"])),
            )
        })
        .collect();
    let (token, key) = token_and_key();
    let path = format!("/.well-known/acme-challenge/{token}");
    out.push(("probe: 404".into(), probed(vec![], SERVED, &[])));
    out.push((
        "probe: served right".into(),
        probed(vec![(path, Reply::Body(format!("{key}\n")))], SERVED, &[]),
    ));
    out.push(("probe: no address".into(), probed(vec![], "", &[])));
    out
}

#[test]
fn every_block_keeps_its_shape() {
    let mut unhealthy = 0;
    for (name, text) in every_report() {
        for block in blocks(&text) {
            let at = format!("{name}:\n{}", block.join("\n"));
            if block[0].starts_with("✓ ") {
                assert_eq!(block.len(), 1, "a healthy certificate is one line: {at}");
                continue;
            }
            unhealthy += 1;
            // The fix within the first three lines.
            assert!(
                block.iter().take(3).any(|l| l.starts_with("  fix:")),
                "{at}"
            );
            // No line of 50 characters or more twice.
            for (i, l) in block.iter().enumerate() {
                let t = l.trim();
                if t.chars().count() >= 50 {
                    assert!(
                        !block[i + 1..].iter().any(|o| o.trim() == t),
                        "printed twice: {t:?} in {at}"
                    );
                }
            }
            // The headline names the code in brackets.
            assert!(block[0].ends_with(']'), "{at}");
        }
    }
    assert!(unhealthy >= 12, "{unhealthy} unhealthy blocks only");
}

#[test]
fn a_fix_that_says_below_points_at_something_printed_below() {
    for (name, text) in every_report() {
        for block in blocks(&text) {
            let Some((at, fix)) = field(&block, "fix:") else {
                continue;
            };
            let rest = &block[at + 1..];
            let shown = format!("{name}:\n{}", block.join("\n"));
            assert!(!fix.contains("above"), "nothing is above the fix: {shown}");
            if !fix.contains("below") {
                continue;
            }
            let has = |label: &str| rest.iter().any(|l| l.trim_start().starts_with(label));
            let ok = if fix.contains("path below") {
                has("path:")
            } else if fix.contains("check below") {
                field(rest, "check:").is_some_and(|(_, c)| c.starts_with("kubectl run"))
            } else if fix.contains("cause below") || fix.contains("(below)") {
                // Something deeper than the Certificate is shown failing, or the evidence.
                field(rest, "path:").is_some_and(|(_, p)| p.matches('✗').count() > 1)
                    || has("evidence:")
            } else {
                false
            };
            assert!(ok, "\"below\" points at nothing printed: {shown}");
        }
    }
}
