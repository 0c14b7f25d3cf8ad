//! The fleet benchmark: the real `certdoctor` binary (this profile's build) against a fleet
//! of N Certificates with their whole chains (a CertificateRequest, a TLS Secret with a real
//! leaf, Events; one in ten broken with a pending Order and Challenge), served by the
//! test API server with pagination, and against the dump `dump` writes of it. Prints wall
//! time and peak RSS (the child's `ru_maxrss`, from `wait4`) per route.
//!
//! Run: `cargo bench --bench fleet` (sizes 1000 and 10000), or
//! `cargo bench --bench fleet -- 2000 5000` for others. Not a test: figures depend on the
//! machine; README's performance section records what one machine measured.

#[allow(unused_imports)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::dns::DnsServer;
use support::{FakeApiServer, fleet};

/// Runs the binary with `args` from a small helper process (this bench binary again, see
/// [`helper`]), its stdout to `stdout_to` (or nowhere); returns wall time, peak RSS in MiB
/// and the exit code. The helper matters: a child spawned from this process starts as a
/// copy of it (vfork), and Linux counts that copy — the test API server holding the whole
/// fleet — in the child's peak RSS.
fn measure(args: &[&str], stdout_to: Option<&Path>) -> (Duration, f64, i32) {
    let out = stdout_to.map_or_else(|| "/dev/null".to_string(), |p| p.display().to_string());
    let started = Instant::now();
    let res = Command::new(std::env::current_exe().unwrap())
        .arg("--helper")
        .arg(out)
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    let took = started.elapsed();
    let text = String::from_utf8_lossy(&res.stdout);
    let mut parts = text.split_whitespace();
    let kib: f64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0.0);
    let code: i32 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(-1);
    (took, kib / 1024.0, code)
}

/// The helper: runs certdoctor with the arguments after `--helper OUT`, stdout to OUT, and
/// prints its peak RSS (KiB, from `wait4`) and exit code.
fn helper(out: &str, args: &[String]) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_certdoctor"));
    cmd.args(args)
        .env("CERTDOCTOR_NOW", support::NOW)
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .stdout(std::fs::File::create(out).unwrap());
    let child = cmd.spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, once; the pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed");
    std::mem::forget(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // ru_maxrss is in KiB on Linux.
    println!("{} {code}", usage.ru_maxrss);
}

fn row(route: &str, n: usize, (took, rss, code): (Duration, f64, i32)) {
    println!(
        "| {n:>6} | {route:<44} | {:>8.2} s | {rss:>8.1} MB | {code} |",
        took.as_secs_f64()
    );
}

fn zone(domain: &str) -> String {
    format!(
        "$TTL 60\n@ IN SOA ns1.{domain}. hostmaster.{domain}. 1 3600 600 604800 60\n@ IN NS ns1.{domain}.\nns1 IN A 127.0.0.1\n* IN A 127.0.0.1\n"
    )
}

fn run(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let items = fleet::fleet(n, &fleet::material());
    let objects = items.len();
    let server = FakeApiServer::start();
    server.insert_all(items);
    let kubeconfig = server.write_kubeconfig(dir.path(), Some("team-0"));
    let kc = kubeconfig.to_str().unwrap();
    eprintln!(
        "fleet of {n} certificates: {objects} objects, built and served in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let dump = dir.path().join("fleet.yaml");
    row(
        "dump -A (live, YAML)",
        n,
        measure(&["--kubeconfig", kc, "dump", "-A"], Some(&dump)),
    );
    let size = std::fs::metadata(&dump).map(|m| m.len()).unwrap_or(0);
    eprintln!("dump: {:.1} MB of YAML", size as f64 / 1e6);
    let d = dump.to_str().unwrap();
    row(
        "status -A -o json (live)",
        n,
        measure(&["--kubeconfig", kc, "status", "-A", "-o", "json"], None),
    );
    row(
        "diagnose -A --offline -o json (live)",
        n,
        measure(
            &[
                "--kubeconfig",
                kc,
                "diagnose",
                "-A",
                "--offline",
                "-o",
                "json",
            ],
            None,
        ),
    );
    let domains = [
        "example.com.",
        "example.org.",
        "example.co.uk.",
        "example.net.",
    ];
    let zones: Vec<(String, String)> = domains
        .iter()
        .map(|d| (d.to_string(), zone(d.trim_end_matches('.'))))
        .collect();
    let zone_refs: Vec<(&str, &str)> = zones
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dns = DnsServer::start(&zone_refs);
    let ns = format!("127.0.0.1:{}", dns.port());
    let port = dns.port().to_string();
    // Nothing listens on port 9 of loopback: HTTP-01 fetches and TLS handshakes are refused
    // at once, as the "resolver answers at once" setting asks.
    row(
        "diagnose -A -o json (live, local probes)",
        n,
        measure(
            &[
                "--kubeconfig",
                kc,
                "diagnose",
                "-A",
                "-o",
                "json",
                "--nameserver",
                &ns,
                "--dns-port",
                &port,
                "--http-port",
                "9",
                "--https-port",
                "9",
            ],
            None,
        ),
    );
    row(
        "status -A -o json --from-file (YAML dump)",
        n,
        measure(&["status", "-A", "-o", "json", "--from-file", d], None),
    );
    row(
        "diagnose -A --offline -o json --from-file",
        n,
        measure(
            &[
                "diagnose",
                "-A",
                "--offline",
                "-o",
                "json",
                "--from-file",
                d,
            ],
            None,
        ),
    );
}

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    if argv.get(1).map(String::as_str) == Some("--helper") {
        helper(&argv[2], &argv[3..]);
        return;
    }
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    println!("| certificates | route | wall | peak RSS | exit |");
    println!("|---:|---|---:|---:|---:|");
    for n in sizes {
        run(n);
    }
}
