//! The fleet benchmark: the real `certdoctor` binary (this profile's build) against a fleet
//! of N Certificates with their whole chains (a CertificateRequest, a TLS Secret with a real
//! leaf, Events; one in ten broken with a pending Order and Challenge), served by the
//! test API server with pagination, and against the dump `dump` writes of it; then, for
//! comparison, `kubectl get` of the same kinds one after another (skipped when kubectl is
//! not on PATH). Prints wall time and peak RSS (the child's `ru_maxrss`, from `wait4`; the
//! largest of them for kubectl's several processes) per route: the median wall time of
//! three runs (`FLEET_RUNS=N` for another count) and the largest peak RSS.
//!
//! Run: `cargo bench --bench fleet` (sizes 1000 and 10000), or
//! `cargo bench --bench fleet -- 2000 5000` for others. Not a test: figures depend on the
//! machine; README's performance section records what one machine measured.

#[allow(unused_imports)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
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
    let mut command = vec![env!("CARGO_BIN_EXE_certdoctor").to_string()];
    command.extend(args.iter().map(|a| a.to_string()));
    measure_all(&[command], stdout_to)
}

/// Measures [`measure_once`] `FLEET_RUNS` times (3 unless set): the median wall time, the
/// largest peak RSS, the last exit code. One run on a shared VM can be a second off.
fn measure_all(commands: &[Vec<String>], stdout_to: Option<&Path>) -> (Duration, f64, i32) {
    let runs: usize = std::env::var("FLEET_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|r| *r > 0)
        .unwrap_or(3);
    let mut walls = vec![];
    let (mut rss, mut code) = (0.0f64, 0);
    for _ in 0..runs {
        let (took, r, c) = measure_once(commands, stdout_to);
        walls.push(took);
        rss = rss.max(r);
        code = c;
    }
    walls.sort();
    (walls[walls.len() / 2], rss, code)
}

/// Runs `commands` (each a program and its arguments) one after another from one helper
/// process, as [`measure`] does one: the wall time of them all, the largest peak RSS of
/// any (MiB), and the first non-zero exit code (or 0).
fn measure_once(commands: &[Vec<String>], stdout_to: Option<&Path>) -> (Duration, f64, i32) {
    let out = stdout_to.map_or_else(|| "/dev/null".to_string(), |p| p.display().to_string());
    let mut helper_args = vec![];
    for (i, command) in commands.iter().enumerate() {
        if i > 0 {
            helper_args.push(THEN.to_string());
        }
        helper_args.extend(command.iter().cloned());
    }
    let started = Instant::now();
    let res = Command::new(std::env::current_exe().unwrap())
        .arg("--helper")
        .arg(out)
        .args(helper_args)
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

/// Separates the commands [`helper`] runs one after another (no command here takes it as
/// an argument).
const THEN: &str = "--then";

/// The helper: runs each command after `--helper OUT` (program and arguments, separated by
/// [`THEN`]) one after another, stdout to OUT, and prints the largest peak RSS of them (KiB,
/// from `wait4`) and the first non-zero exit code (or 0). A command that fails does not stop
/// the rest: the route's time stays the time of all of them.
fn helper(out: &str, args: &[String]) {
    let stdout = std::fs::File::create(out).unwrap();
    let (mut max_kib, mut first_failure) = (0, 0);
    for command in args.split(|a| a == THEN) {
        let (kib, code) = run_waited(&command[0], &command[1..], &stdout);
        max_kib = max_kib.max(kib);
        if first_failure == 0 {
            first_failure = code;
        }
    }
    println!("{max_kib} {first_failure}");
}

/// Runs `program` with `args` and waits for it with `wait4`: its peak RSS (KiB; `ru_maxrss`
/// is in KiB on Linux) and its exit code (-1 when a signal ended it).
fn run_waited(program: &str, args: &[String], stdout: &std::fs::File) -> (i64, i32) {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env("CERTDOCTOR_NOW", support::NOW)
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .stdout(stdout.try_clone().unwrap());
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
    (usage.ru_maxrss, code)
}

/// `program`'s path on `PATH`, if it is there.
fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// What a user without certdoctor runs to see the same data: `kubectl get -A -o json` of
/// each kind `status -A` and `diagnose -A` read (the cert-manager kinds, Ingresses, TLS
/// Secrets, Events), one after another; ACME's kinds by their full names, as they are
/// usually typed. Each kubectl pages with `limit=500` and the continue token.
const KUBECTL_KINDS: &[&[&str]] = &[
    &["certificates"],
    &["certificaterequests"],
    &["orders.acme.cert-manager.io"],
    &["challenges.acme.cert-manager.io"],
    &["issuers"],
    &["clusterissuers"],
    &["ingresses"],
    &["secrets", "--field-selector", "type=kubernetes.io/tls"],
    &["events"],
];

/// The kubectl commands of [`KUBECTL_KINDS`] against `kubeconfig`, with a discovery cache in
/// `cache` (fresh per fleet, so the first command discovers the API as on a new machine,
/// and nothing is written under `~/.kube`).
fn kubectl_commands(kubectl: &Path, kubeconfig: &str, cache: &Path) -> Vec<Vec<String>> {
    KUBECTL_KINDS
        .iter()
        .map(|kind| {
            let mut command: Vec<String> = vec![
                kubectl.display().to_string(),
                "--kubeconfig".into(),
                kubeconfig.into(),
                "--cache-dir".into(),
                cache.display().to_string(),
                "get".into(),
            ];
            command.extend(kind.iter().map(|a| a.to_string()));
            command.extend(["-A", "-o", "json"].map(String::from));
            command
        })
        .collect()
}

fn row(route: &str, n: usize, (took, rss, code): (Duration, f64, i32)) {
    println!(
        "| {n:>6} | {route:<44} | {:>8.2} s | {rss:>8.1} MB | {code} |",
        took.as_secs_f64()
    );
}

/// A zone whose every name has the address 127.0.0.1 (`hosts`), or only its apex records.
fn zone(domain: &str, hosts: bool) -> String {
    let wildcard = if hosts { "* IN A 127.0.0.1\n" } else { "" };
    format!(
        "$TTL 60\n@ IN SOA ns1.{domain}. hostmaster.{domain}. 1 3600 600 604800 60\n@ IN NS ns1.{domain}.\nns1 IN A 127.0.0.1\n{wildcard}"
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
    // The parents answer too, as on the internet: a CAA walk climbs to the top-level domain,
    // and a REFUSED there would make every Certificate's CAA lookup fail.
    let parents = ["com.", "org.", "net.", "uk.", "co.uk."];
    let zones: Vec<(String, String)> = domains
        .iter()
        .map(|d| (d.to_string(), zone(d.trim_end_matches('.'), true)))
        .chain(
            parents
                .iter()
                .map(|d| (d.to_string(), zone(d.trim_end_matches('.'), false))),
        )
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
    match on_path("kubectl") {
        Some(kubectl) => {
            // kubectl sends the kubeconfig's token only to https servers; this one is plain.
            server.allow_anonymous();
            let cache = dir.path().join("kube-cache");
            row(
                "kubectl get (same kinds, one after another)",
                n,
                measure_all(&kubectl_commands(&kubectl, kc, &cache), None),
            );
        }
        None => eprintln!("kubectl is not on PATH: the kubectl route is skipped"),
    }
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
