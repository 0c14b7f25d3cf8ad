//! The in-cluster config, as kubectl and client-go build it: in a pod with no kubeconfig,
//! the API server is `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`, trusted
//! through the service account's `ca.crt`, with its `token` (re-read when it rotates) and
//! its `namespace` as the default namespace.
//!
//! kube's `Config::incluster` reads only the fixed mount path; this one reads the same path
//! unless [`SERVICEACCOUNT_DIR_ENV`] names another directory, a test seam that lets the
//! test suite run it against the test API server without root.

use std::path::PathBuf;

use kube::Config;
use rustls::pki_types::{CertificateDer, pem::PemObject};

use crate::error::CliError;

/// Where the kubelet mounts the service account's token, CA and namespace.
pub const SERVICEACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// Hidden override of [`SERVICEACCOUNT_DIR`] (a test seam).
pub const SERVICEACCOUNT_DIR_ENV: &str = "CERTDOCTOR_SERVICEACCOUNT_DIR";

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The API server URL client-go derives from the service environment (IPv6 in brackets).
pub fn server_url(host: &str, port: &str) -> String {
    let host = host.trim();
    let host = match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(ip)) => format!("[{ip}]"),
        _ => host.to_string(),
    };
    format!("https://{host}:{}", port.trim())
}

/// The in-cluster config; `Ok(None)` outside a pod (no `KUBERNETES_SERVICE_HOST`).
/// Errors say which file of the service account is missing or bad.
pub fn config() -> Result<Option<Config>, CliError> {
    let (Some(host), Some(port)) = (
        env("KUBERNETES_SERVICE_HOST"),
        env("KUBERNETES_SERVICE_PORT"),
    ) else {
        return Ok(None);
    };
    let dir =
        PathBuf::from(env(SERVICEACCOUNT_DIR_ENV).unwrap_or_else(|| SERVICEACCOUNT_DIR.into()));
    let hint = "mount the service account token (automountServiceAccountToken: true), or pass --kubeconfig PATH";
    let url = server_url(&host, &port);
    let cluster_url = url.parse().map_err(|_| {
        CliError::new(format!(
            "KUBERNETES_SERVICE_HOST/PORT do not make a URL ({})",
            crate::sanitize::clean(&url)
        ))
    })?;
    let token = dir.join("token");
    if !token.is_file() {
        return Err(CliError::new(format!(
            "running in a pod (KUBERNETES_SERVICE_HOST is set) with no kubeconfig, but the service account token {} does not exist",
            token.display()
        ))
        .hint(hint));
    }
    let ca = dir.join("ca.crt");
    let pem = std::fs::read(&ca).map_err(|e| {
        CliError::new(format!(
            "cannot read the service account CA {}: {}",
            ca.display(),
            e.kind()
        ))
        .hint(hint)
    })?;
    let roots: Vec<Vec<u8>> = CertificateDer::pem_slice_iter(&pem)
        .filter_map(Result::ok)
        .map(|c| c.as_ref().to_vec())
        .collect();
    if roots.is_empty() {
        return Err(CliError::new(format!(
            "the service account CA {} holds no PEM certificate",
            ca.display()
        ))
        .hint(hint));
    }
    let namespace = std::fs::read_to_string(dir.join("namespace"))
        .ok()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".to_string());
    let mut config = Config::new(cluster_url);
    config.default_namespace = namespace;
    config.root_cert = Some(roots);
    config.auth_info.token_file = Some(token.display().to_string());
    Ok(Some(config))
}

#[cfg(test)]
mod tests {
    use super::server_url;

    #[test]
    fn the_url_is_built_as_client_go_builds_it() {
        assert_eq!(server_url("10.0.0.1", "443"), "https://10.0.0.1:443");
        assert_eq!(server_url("fd00::1", "6443"), "https://[fd00::1]:6443");
        assert_eq!(
            server_url("kubernetes.default.svc", "443"),
            "https://kubernetes.default.svc:443"
        );
    }
}
