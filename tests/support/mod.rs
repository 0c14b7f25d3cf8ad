//! Shared helpers for the integration tests: the fake API server, fixtures, and a way to run
//! the real `certdoctor` binary the way a user runs it, with a clean environment.

#![allow(dead_code)]

pub mod background;
pub mod dns;
pub mod fake_apiserver;
pub mod fleet;
pub mod http01;
pub mod objects;
pub mod pki;
pub mod report;
pub mod tls;

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

pub use fake_apiserver::{FakeApiServer, Fault};

/// The instant every test runs at (fixtures are written relative to it).
pub const NOW: &str = "2026-11-23T12:00:00Z";

/// Path of a fixture under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Path of the demo dump.
pub fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/demo-cluster.yaml")
}

/// The objects of a fixture, as JSON values (read with certdoctor's own dump reader).
pub fn fixture_objects(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture exists");
    certdoctor::cluster::file::parse(&text)
        .expect("fixture parses")
        .objects
}

/// The certdoctor binary with a clean, deterministic environment: no kubeconfig from the
/// host, no proxies, no colour, the clock fixed at [`NOW`], and a timeout so a hang fails
/// the test instead of stalling the suite.
pub fn certdoctor() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_certdoctor"));
    for var in [
        "KUBECONFIG",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "CERTDOCTOR_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env(
        "HOME",
        std::env::temp_dir().join("certdoctor-test-home-does-not-exist"),
    );
    cmd.env("CERTDOCTOR_NOW", NOW);
    cmd.timeout(Duration::from_secs(60));
    cmd
}

/// A fake API server, a kubeconfig pointing at it, and the temp dir holding it.
pub struct Cluster {
    /// The server.
    pub server: FakeApiServer,
    /// Kubeconfig path.
    pub kubeconfig: PathBuf,
    _dir: tempfile::TempDir,
}

impl Cluster {
    /// Starts a server whose context namespace is `namespace`, loaded with fixtures.
    pub fn with_fixtures(namespace: Option<&str>, fixtures: &[&str]) -> Cluster {
        let server = FakeApiServer::start();
        for f in fixtures {
            server.insert_all(fixture_objects(f));
        }
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = server.write_kubeconfig(dir.path(), namespace);
        Cluster {
            server,
            kubeconfig,
            _dir: dir,
        }
    }

    /// certdoctor pointed at this cluster.
    pub fn certdoctor(&self) -> Command {
        let mut cmd = certdoctor();
        cmd.arg("--kubeconfig").arg(&self.kubeconfig);
        cmd
    }

    /// Number of requests made so far.
    pub fn request_count(&self) -> usize {
        self.server.requests().len()
    }
}

/// Stdout of a finished command as text.
pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stderr of a finished command as text.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
