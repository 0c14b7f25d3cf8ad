//! Offline mode and `dump`: a dump file gives exactly what the live cluster gives, and a
//! dump never carries private keys or other Secret data.

use serde_json::{Value, json};

use crate::support::objects::{self, Edit};
use crate::support::report::json_of;
use crate::support::{Cluster, certdoctor, demo, fixture, stderr, stdout};

const FIXTURES: [&str; 4] = [
    "healthy.yaml",
    "stuck-http01.yaml",
    "stuck-order-invalid.yaml",
    "issuer-missing.yaml",
];

#[test]
fn a_dump_file_gives_the_same_report_as_the_live_cluster() {
    let cluster = Cluster::with_fixtures(Some("production"), &FIXTURES);
    let live = cluster
        .certdoctor()
        .args(["status", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(live.status.code(), Some(1), "{}", stderr(&live));
    let mut combined = String::new();
    for f in FIXTURES {
        combined.push_str(&std::fs::read_to_string(fixture(f)).unwrap());
        combined.push_str("\n---\n");
    }
    let offline = certdoctor()
        .args([
            "status",
            "-n",
            "production",
            "-o",
            "json",
            "--from-file",
            "-",
        ])
        .write_stdin(combined)
        .output()
        .unwrap();
    assert_eq!(offline.status.code(), Some(1), "{}", stderr(&offline));
    let (a, b) = (json_of(&live), json_of(&offline));
    assert_eq!(a["certificates"].as_array().unwrap().len(), 4);
    assert_eq!(a, b);
}

/// Secret production/web-tls with a private key in `tls.key`, in another data key, and in
/// kubectl's last-applied annotation; returns it and the key.
fn tls_secret_with_key() -> (Value, String) {
    let ck = rcgen::generate_simple_self_signed(vec!["web.example.com".to_string()]).unwrap();
    let key_pem = ck.signing_key.serialize_pem();
    let secret = objects::tls_secret(
        "production",
        "web-tls",
        &[
            ("tls.crt", ck.cert.pem().as_bytes()),
            ("tls.key", key_pem.as_bytes()),
            ("keystore.p12", b"binary"),
        ],
    )
    .with(
        "/metadata/annotations",
        json!({"kubectl.kubernetes.io/last-applied-configuration":
               format!("{{\"stringData\":{{\"tls.key\":{:?}}}}}", key_pem)}),
    );
    (secret, key_pem)
}

#[test]
fn dump_removes_private_keys_and_reads_back_as_the_same_cluster() {
    let cluster = Cluster::with_fixtures(Some("production"), &["stuck-http01.yaml"]);
    let (secret, key_pem) = tls_secret_with_key();
    cluster.server.insert(secret);
    let out = cluster.certdoctor().arg("dump").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dump = stdout(&out);
    let key_body: String = key_pem.lines().nth(1).unwrap().chars().take(40).collect();
    assert!(
        !dump.contains("PRIVATE KEY") && !dump.contains(&key_body),
        "{dump}"
    );
    // Only the names of removed keys remain, so offline `inspect` knows they existed.
    assert!(
        dump.contains("certdoctor.io/removed-keys: keystore.p12,tls.key"),
        "{dump}"
    );
    assert!(!dump.contains("keystore.p12:") && !dump.contains("last-applied-configuration"));
    assert!(dump.contains("tls.crt"));

    let from_dump = certdoctor()
        .args(["status", "-o", "json", "--from-file", "-"])
        .write_stdin(dump)
        .output()
        .unwrap();
    let live = cluster
        .certdoctor()
        .args(["status", "-o", "json"])
        .output()
        .unwrap();
    let (a, b) = (json_of(&live), json_of(&from_dump));
    assert_eq!(a, b);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let args = ["status", "-A", "--from-file"];
    let plain = certdoctor().args(args).arg(demo()).output().unwrap();
    assert!(
        !stdout(&plain).contains('\u{1b}'),
        "piped output has no colour"
    );
    let forced = certdoctor()
        .args(args)
        .arg(demo())
        .arg("--color=always")
        .output()
        .unwrap();
    assert!(
        stdout(&forced).contains("\u{1b}[31mFalse"),
        "{}",
        stdout(&forced)
    );
    let never = certdoctor()
        .args(args)
        .arg(demo())
        .args(["--color=never"])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(!stdout(&never).contains('\u{1b}'));
    let no_color = certdoctor()
        .args(args)
        .arg(demo())
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(!stdout(&no_color).contains('\u{1b}'));
    let json = certdoctor()
        .args(args)
        .arg(demo())
        .args(["--color=always", "-o", "json"])
        .output()
        .unwrap();
    assert!(
        !stdout(&json).contains('\u{1b}'),
        "JSON never carries colour"
    );
}

#[test]
fn an_empty_scope_says_so_and_is_healthy() {
    let out = certdoctor()
        .args(["status", "-n", "nowhere", "--from-file"])
        .arg(demo())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("No certificates found in namespace \"nowhere\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn dump_as_json_reads_back_too() {
    let cluster = Cluster::with_fixtures(Some("production"), &["healthy.yaml"]);
    let out = cluster
        .certdoctor()
        .args(["dump", "-o", "json"])
        .output()
        .unwrap();
    let v = json_of(&out);
    assert_eq!(v["kind"], "List");
    let back = certdoctor()
        .args(["status", "-o", "json", "--from-file", "-"])
        .write_stdin(out.stdout)
        .output()
        .unwrap();
    let r = json_of(&back);
    assert_eq!(r["certificates"][0]["name"], "web-tls");
}
