//! Builds a kube client the way kubectl would: the kubeconfig file (or the KUBECONFIG list,
//! merged, missing files skipped), the chosen context, impersonation, and — because kube 5
//! has no default read timeout — explicit connect and read timeouts so no request can hang.
//!
//! Two things kube would do for us are done here instead, because they must be bounded and
//! must not leak secrets: reading the kubeconfig (capped in size; a parse error names the
//! file and line, never the content) and running an exec credential plugin (with a
//! deadline; a failure names the command, its exit status and what it said on stderr —
//! one line, cut, tokens redacted — never its stdout, arguments or environment).
//!
//! kube 5 itself (`kube_client::client::auth::auth_exec`) inherits the plugin's stderr
//! unless the kubeconfig says `interactiveMode: Never`; then it captures stdout and stderr
//! and its `AuthExecRun` error prints both with the command's arguments and environment,
//! token included, and it never stops a plugin that hangs.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kube::config::{ExecConfig, KubeConfigOptions, Kubeconfig, KubeconfigError};
use kube::{Client, Config};
use serde_json::Value;

use super::ConnectOptions;
use crate::error::CliError;

/// Largest kubeconfig accepted. Real ones are kilobytes; `--kubeconfig /dev/zero` must
/// fail at once instead of filling memory.
pub const MAX_KUBECONFIG_BYTES: u64 = 16 * 1024 * 1024;

/// How long an exec credential plugin may run when a person can answer its prompt (stdin
/// is a terminal and the kubeconfig allows interaction). Without a terminal the plugin
/// gets the request timeout: nobody can answer a login prompt, so waiting longer only hangs.
pub const INTERACTIVE_PLUGIN_DEADLINE: Duration = Duration::from_secs(120);

/// Largest ExecCredential a plugin may print.
const MAX_PLUGIN_OUTPUT: u64 = 1024 * 1024;

/// How long to wait, once a plugin has exited, for the rest of its stderr and stdout: a
/// process it left behind may hold the pipes open.
const PLUGIN_PIPE_GRACE: Duration = Duration::from_millis(500);

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

/// Reads one kubeconfig file: at most [`MAX_KUBECONFIG_BYTES`], and a parse error says
/// the file and line only (the content may hold tokens and keys). `Ok(None)` when the
/// file does not exist and `skip_missing` (a KUBECONFIG list entry, as kubectl does).
fn read_kubeconfig(path: &Path, skip_missing: bool) -> Result<Option<Kubeconfig>, CliError> {
    let shown = path.display();
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path)
        .and_then(|f| f.take(MAX_KUBECONFIG_BYTES + 1).read_to_end(&mut bytes));
    match read {
        Err(e) if skip_missing && e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(
                CliError::new(format!("cannot read kubeconfig {shown}: {e}"))
                    .hint("check the --kubeconfig path or the KUBECONFIG variable"),
            );
        }
        Ok(_) => {}
    }
    if bytes.len() as u64 > MAX_KUBECONFIG_BYTES {
        return Err(CliError::new(format!(
            "kubeconfig {shown} is larger than {} MiB; it is not a kubeconfig",
            MAX_KUBECONFIG_BYTES >> 20
        ))
        .hint("check the --kubeconfig path or the KUBECONFIG variable"));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        CliError::new(format!("kubeconfig {shown} is not UTF-8 text"))
            .hint("check the --kubeconfig path or the KUBECONFIG variable")
    })?;
    let kc = parse_kubeconfig(&text, &shown.to_string())?;
    // Read again through kube, which makes relative certificate and key paths absolute.
    Kubeconfig::read_from(path)
        .map(Some)
        .or_else(|_| Ok(Some(kc)))
}

/// Parses kubeconfig text; an error names the file (`shown`) and the line and column,
/// never the content, which may hold tokens and keys.
pub fn parse_kubeconfig(text: &str, shown: &str) -> Result<Kubeconfig, CliError> {
    Kubeconfig::from_yaml(text).map_err(|e| {
        let at = match &e {
            KubeconfigError::Parse(p) => p
                .location()
                .map(|l| format!(" at line {}, column {}", l.line(), l.column()))
                .unwrap_or_default(),
            _ => String::new(),
        };
        CliError::new(format!(
            "cannot parse kubeconfig {shown}{at}: not a valid kubeconfig (the content is not shown: it may hold credentials)"
        ))
        .hint("check the file with `kubectl config view`")
    })
}

/// The kubeconfig kubectl would use: every file of KUBECONFIG that exists, merged (first
/// wins), or `~/.kube/config`; `None` when there is none at all (then, in a pod, the
/// service account is used, as kubectl does).
fn default_kubeconfig() -> Result<Option<Kubeconfig>, CliError> {
    let list: Vec<PathBuf> = std::env::var_os("KUBECONFIG")
        .map(|v| {
            std::env::split_paths(&v)
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default();
    if list.is_empty() {
        let Some(home) = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))
        else {
            return Ok(None);
        };
        let path = PathBuf::from(home).join(".kube").join("config");
        return read_kubeconfig(&path, true);
    }
    let mut merged: Option<Kubeconfig> = None;
    for path in &list {
        let Some(kc) = read_kubeconfig(path, true)? else {
            continue;
        };
        merged = Some(match merged {
            None => kc,
            Some(m) => m.merge(kc).map_err(|e| {
                CliError::new(format!("cannot merge kubeconfig {}: {e}", path.display()))
                    .hint("check the files in KUBECONFIG with `kubectl config view`")
            })?,
        });
    }
    Ok(merged)
}

/// The error when there is no kubeconfig and no service account to fall back to.
fn no_kubeconfig() -> CliError {
    if std::env::var_os("KUBECONFIG").is_some_and(|v| !v.is_empty()) {
        CliError::new("no kubeconfig found: none of the files in KUBECONFIG exists")
            .hint("pass --kubeconfig PATH, or use --from-file DUMP to work offline")
    } else {
        CliError::new(
            "no kubeconfig found (KUBECONFIG is not set and ~/.kube/config does not exist)",
        )
        .hint("pass --kubeconfig PATH, or use --from-file DUMP to work offline")
    }
}

/// Reads the kubeconfig `opts` names (or the default one, as kubectl finds it), off the
/// async runtime. `Ok(None)`: there is none at all, and no `--kubeconfig` was given.
pub async fn read_config(opts: &ConnectOptions) -> Result<Option<Kubeconfig>, CliError> {
    match &opts.kubeconfig {
        Some(path) => {
            let path = path.clone();
            tokio::task::spawn_blocking(move || read_kubeconfig(&path, false))
                .await
                .map_err(|e| CliError::new(format!("reading the kubeconfig failed: {e}")))?
        }
        None => tokio::task::spawn_blocking(default_kubeconfig)
            .await
            .map_err(|e| CliError::new(format!("reading the kubeconfig failed: {e}")))?,
    }
}

/// Reads the kubeconfig and builds a client. Errors name the file or context. With no
/// kubeconfig at all, inside a pod (`KUBERNETES_SERVICE_HOST` set), the pod's service
/// account is used, as kubectl does ([`super::incluster`]).
pub async fn connect(opts: &ConnectOptions) -> Result<Connection, CliError> {
    let options = KubeConfigOptions {
        context: opts.context.clone(),
        ..KubeConfigOptions::default()
    };
    let mut config = match read_config(opts).await? {
        Some(kc) => Config::from_custom_kubeconfig(kc, &options)
            .await
            .map_err(|e| kubeconfig_error(e, opts))?,
        None => match super::incluster::config()? {
            Some(config) if opts.context.is_none() => config,
            _ => return Err(no_kubeconfig()),
        },
    };
    if let Some(exec) = config.auth_info.exec.take() {
        let deadline = plugin_deadline(&exec, opts.timeout);
        let cred = tokio::task::spawn_blocking(move || run_plugin(&exec, deadline))
            .await
            .map_err(|e| {
                CliError::new(format!("running the exec credential plugin failed: {e}"))
            })??;
        apply_credential(&mut config, cred);
    }
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

/// What an exec credential plugin handed back.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Credential {
    /// Bearer token.
    pub token: Option<String>,
    /// Client certificate, PEM.
    pub client_certificate: Option<String>,
    /// Client key, PEM.
    pub client_key: Option<String>,
}

fn apply_credential(config: &mut Config, cred: Credential) {
    use base64::Engine as _;
    let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
    if let Some(t) = cred.token {
        config.auth_info.token = Some(t.into());
    }
    if let (Some(c), Some(k)) = (cred.client_certificate, cred.client_key) {
        config.auth_info.client_certificate_data = Some(b64(c));
        config.auth_info.client_key_data = Some(b64(k).into());
    }
}

fn plugin_deadline(exec: &ExecConfig, request_timeout: Duration) -> Duration {
    let may_ask = !matches!(
        exec.interactive_mode,
        Some(kube::config::ExecInteractiveMode::Never)
    );
    if may_ask && std::io::stdin().is_terminal() {
        INTERACTIVE_PLUGIN_DEADLINE
    } else {
        request_timeout
    }
}

/// Runs an exec credential plugin as kubectl does (its args, its env, KUBERNETES_EXEC_INFO)
/// and waits at most `deadline`; the plugin is killed after that. Errors name the command,
/// for a failure its exit status, and what it wrote on stderr (when no terminal shows it):
/// one line, cut, escape sequences removed and tokens redacted ([`super::plugin_output`]).
/// Never its stdout (the credential), args or env values.
pub fn run_plugin(exec: &ExecConfig, deadline: Duration) -> Result<Credential, CliError> {
    let command = exec.command.clone().unwrap_or_default();
    let name = crate::sanitize::clean(&command);
    if command.is_empty() {
        return Err(
            CliError::new("the kubeconfig user's exec plugin has no command")
                .hint("check the user's `exec` section with `kubectl config view`"),
        );
    }
    let interactive = !matches!(
        exec.interactive_mode,
        Some(kube::config::ExecInteractiveMode::Never)
    ) && std::io::stdin().is_terminal();
    let mut cmd = std::process::Command::new(&command);
    cmd.args(exec.args.iter().flatten());
    for pair in exec.env.iter().flatten() {
        if let (Some(k), Some(v)) = (pair.get("name"), pair.get("value")) {
            cmd.env(k, v);
        }
    }
    for k in exec.drop_env.iter().flatten() {
        cmd.env_remove(k);
    }
    let info = serde_json::json!({
        "apiVersion": exec.api_version.clone().unwrap_or_else(|| "client.authentication.k8s.io/v1".into()),
        "kind": "ExecCredential",
        "spec": {"interactive": interactive},
    });
    cmd.env("KUBERNETES_EXEC_INFO", info.to_string());
    cmd.stdout(std::process::Stdio::piped());
    if interactive {
        // Its prompts and messages go to the terminal, where the user reads them.
        cmd.stdin(std::process::Stdio::inherit());
        cmd.stderr(std::process::Stdio::inherit());
    } else {
        // Nobody sees it: kept, for the error when the plugin fails.
        cmd.stdin(std::process::Stdio::null());
        cmd.stderr(std::process::Stdio::piped());
    }
    let mut child = cmd.spawn().map_err(|e| {
        CliError::new(format!(
            "cannot run the exec credential plugin {name:?}: {}",
            e.kind()
        ))
        .hint("install the plugin or fix the user's `exec.command` in the kubeconfig")
    })?;
    let said = child
        .stderr
        .take()
        .map(super::plugin_output::Capture::start);
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(s) = stdout {
            let _ = s.take(MAX_PLUGIN_OUTPUT).read_to_end(&mut out);
        }
        out
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(CliError::new(format!(
                    "the exec credential plugin {name:?} did not finish within {}s{}",
                    deadline.as_secs_f64(),
                    stderr_suffix(said, &[])
                ))
                .hint("it may be waiting for a login with no terminal to ask on: log in first (run the plugin or `kubectl get ns` in a terminal), then retry"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                return Err(CliError::new(format!(
                    "waiting for the exec credential plugin {name:?} failed: {}",
                    e.kind()
                )));
            }
        }
    };
    if !status.success() {
        let how = match status.code() {
            Some(c) => format!("exit status {c}"),
            None => "killed by a signal".to_string(),
        };
        // A token it printed before failing is redacted wherever stderr repeats it.
        let printed = finished(reader).and_then(|out| parse_credential(&out));
        let secrets: Vec<&str> = printed
            .iter()
            .flat_map(|c| [&c.token, &c.client_key])
            .filter_map(|s| s.as_deref())
            .collect();
        let said = stderr_suffix(said, &secrets);
        let hint = if said.is_empty() && interactive {
            "its own message is printed above; fix what it says (often: log in again), then retry"
        } else if said.is_empty() {
            "run the plugin yourself to see its error, or log in again"
        } else {
            "that is the plugin's own message (one line, cut, tokens redacted): fix what it says (often: log in again), or run it yourself to see all of it"
        };
        return Err(CliError::new(format!(
            "the exec credential plugin {name:?} failed ({how}){said}"
        ))
        .hint(hint));
    }
    let out = reader.join().unwrap_or_default();
    parse_credential(&out).ok_or_else(|| {
        CliError::new(format!(
            "the exec credential plugin {name:?} did not print an ExecCredential with a token or a client certificate{}",
            stderr_suffix(said, &[])
        ))
        .hint("check the plugin's version and the user's `exec.apiVersion` in the kubeconfig")
    })
}

/// `": <what the plugin said>"` for the error line, or `""` when stderr went to the terminal
/// or was empty.
fn stderr_suffix(said: Option<super::plugin_output::Capture>, secrets: &[&str]) -> String {
    said.map(|c| c.text(PLUGIN_PIPE_GRACE))
        .and_then(|raw| super::plugin_output::reason(&raw, secrets))
        .map(|r| format!(": {r}"))
        .unwrap_or_default()
}

/// The thread's result if it ends within [`PLUGIN_PIPE_GRACE`].
fn finished<T>(reader: std::thread::JoinHandle<T>) -> Option<T> {
    let start = Instant::now();
    while !reader.is_finished() && start.elapsed() < PLUGIN_PIPE_GRACE {
        std::thread::sleep(Duration::from_millis(5));
    }
    reader.is_finished().then(|| reader.join().ok()).flatten()
}

/// Reads an ExecCredential (JSON, or YAML as client-go accepts).
pub fn parse_credential(out: &[u8]) -> Option<Credential> {
    let text = std::str::from_utf8(out).ok()?;
    let v: Value = serde_saphyr::from_str(text).ok()?;
    let status = v.get("status")?;
    let s = |k: &str| status.get(k).and_then(Value::as_str).map(str::to_string);
    let cred = Credential {
        token: s("token").filter(|t| !t.is_empty()),
        client_certificate: s("clientCertificateData"),
        client_key: s("clientKeyData"),
    };
    let usable =
        cred.token.is_some() || (cred.client_certificate.is_some() && cred.client_key.is_some());
    usable.then_some(cred)
}
