//! Builds a kube client the way kubectl would: the kubeconfig file (or the KUBECONFIG list,
//! merged by kube), the chosen context, impersonation, and — because kube 5 has no default
//! read timeout — explicit connect and read timeouts so no request can hang.

use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use kube::{Client, Config};

use super::ConnectOptions;
use crate::error::CliError;

/// A connected client and what the kubeconfig said about it.
pub struct Connection {
    /// The client.
    pub client: Client,
    /// API server URL, for error messages.
    pub server: String,
    /// The context's namespace (`default` when unset).
    pub default_namespace: String,
    /// Connect/read timeout, for error messages.
    pub timeout: std::time::Duration,
}

fn kubeconfig_error(e: KubeconfigError, opts: &ConnectOptions) -> CliError {
    let file = opts.kubeconfig.as_ref().map_or_else(
        || "KUBECONFIG / ~/.kube/config".to_string(),
        |p| p.display().to_string(),
    );
    match e {
        KubeconfigError::ReadConfig(io, _)
            if opts.kubeconfig.is_none() && io.kind() == std::io::ErrorKind::NotFound =>
        {
            CliError::new(
                "no kubeconfig found (KUBECONFIG is not set and ~/.kube/config does not exist)",
            )
            .hint("pass --kubeconfig PATH, or use --from-file DUMP to work offline")
        }
        KubeconfigError::FindPath => CliError::new(
            "no kubeconfig found (KUBECONFIG is not set and ~/.kube/config does not exist)",
        )
        .hint("pass --kubeconfig PATH, or use --from-file DUMP to work offline"),
        KubeconfigError::LoadContext(ctx) => {
            CliError::new(format!("context {ctx:?} not found in kubeconfig {file}"))
                .hint("list contexts with `kubectl config get-contexts`")
        }
        KubeconfigError::CurrentContextNotSet => {
            CliError::new(format!("kubeconfig {file} has no current context"))
                .hint("pass --context NAME or run `kubectl config use-context NAME`")
        }
        other => CliError::new(format!("cannot use kubeconfig {file}: {other}"))
            .hint("check the file with `kubectl config view`"),
    }
}

/// Reads the kubeconfig and builds a client. Errors name the file or context.
pub async fn connect(opts: &ConnectOptions) -> Result<Connection, CliError> {
    let options = KubeConfigOptions {
        context: opts.context.clone(),
        ..KubeConfigOptions::default()
    };
    let mut config = match &opts.kubeconfig {
        Some(path) => {
            let kc = Kubeconfig::read_from(path).map_err(|e| match e {
                KubeconfigError::ReadConfig(io, _) => {
                    CliError::new(format!("cannot read kubeconfig {}: {io}", path.display()))
                        .hint("check the --kubeconfig path")
                }
                other => kubeconfig_error(other, opts),
            })?;
            Config::from_custom_kubeconfig(kc, &options)
                .await
                .map_err(|e| kubeconfig_error(e, opts))?
        }
        None => Config::from_kubeconfig(&options)
            .await
            .map_err(|e| kubeconfig_error(e, opts))?,
    };
    config.connect_timeout = Some(opts.timeout);
    config.read_timeout = Some(opts.timeout);
    config.write_timeout = Some(opts.timeout);
    config.reset_reader_on_write = true;
    // Retries hide a struggling API server behind long waits; an on-call tool reports instead.
    config.default_retry = false;
    if let Some(user) = &opts.as_user {
        config.auth_info.impersonate = Some(user.clone());
    }
    let server = config.cluster_url.to_string();
    let default_namespace = config.default_namespace.clone();
    let client = Client::try_from(config).map_err(|e| {
        CliError::new(format!("cannot build a client for {server}: {e}")).hint(
            "check the cluster's certificate-authority and user credentials in the kubeconfig",
        )
    })?;
    Ok(Connection {
        client,
        server: server.trim_end_matches('/').to_string(),
        default_namespace,
        timeout: opts.timeout,
    })
}
