//! The arguments of each subcommand, as clap declares them, with their help epilogues.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::*;

/// Help epilogue of `audit`.
pub const AUDIT_HELP: &str = "\
Examples:
  certdoctor audit -A
  certdoctor audit -n production -o markdown
  certdoctor audit --from-file cluster.yaml

Exit codes:
  0  nothing at warning or above (info notes do not count)
  1  a check failed: a warning or an error finding
  2  error: bad usage, no access, unreadable input; nothing was concluded";

/// Arguments of `audit` (it uses the global scope flags only).
#[derive(Debug, Args)]
pub struct AuditArgs {}

/// Arguments of `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Certificate to show in detail; without it, a table of every certificate in scope
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// Keep it on screen and update it as cert-manager moves (the API's watch); with -o json
    /// or yaml, one document per change. Ctrl-C to stop
    #[arg(short = 'w', long)]
    pub watch: bool,
}

/// Arguments of `inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// What to inspect.
    #[command(subcommand)]
    pub target: InspectTarget,
}

/// What `inspect` reads.
#[derive(Debug, Subcommand)]
pub enum InspectTarget {
    /// A Secret in the cluster (or in --from-file): tls.crt, ca.crt, tls.key and annotations
    Secret {
        /// Secret name
        #[arg(value_name = "NAME")]
        name: String,
        /// Warn when the certificate expires within this (default: a third of its lifetime or 7d, whichever is later)
        #[arg(long, value_name = "DURATION")]
        warn_within: Option<String>,
    },
    /// The chain a TLS server presents (SNI = HOST), checked as `inspect file` checks a file;
    /// with --secret, compared with a Secret's certificate. Needs no cluster without --secret
    Url {
        /// Servers to connect to: HOST, HOST:PORT or https://HOST[:PORT]/ (port 443 by default)
        #[arg(value_name = "HOST[:PORT]", required = true)]
        targets: Vec<String>,
        /// Compare the served leaf with this TLS Secret's (public key and serial; reads the cluster)
        #[arg(long, value_name = "NAME")]
        secret: Option<String>,
        /// Connect to ADDR:PORT instead of resolving HOST:PORT (curl's --connect-to; repeatable)
        #[arg(long, value_name = "HOST:PORT:ADDR:PORT")]
        connect_to: Vec<String>,
        /// Recursive resolver to use instead of the system's (repeatable)
        #[arg(long, value_name = "IP[:PORT]")]
        nameserver: Vec<String>,
        /// Give up on one DNS query or TLS handshake after this long
        #[arg(long, value_name = "DURATION", default_value = "10s")]
        probe_timeout: String,
        /// Warn when the certificate expires within this (default: a third of its lifetime or 7d, whichever is later)
        #[arg(long, value_name = "DURATION")]
        warn_within: Option<String>,
    },
    /// PEM or DER files (`-` for stdin); a file may hold a chain, a key, or both
    File {
        /// Files to read
        #[arg(value_name = "PATH", required = true)]
        paths: Vec<String>,
        /// Warn when the certificate expires within this (default: a third of its lifetime or 7d, whichever is later)
        #[arg(long, value_name = "DURATION")]
        warn_within: Option<String>,
    },
}

/// Help epilogue of `renew`.
pub const RENEW_HELP: &str = "\
Examples:
  certdoctor renew app-tls -n production
  certdoctor renew --all -n staging --dry-run
  certdoctor renew -A -l team=web --wait --timeout 10m

Exit codes:
  0  every selected certificate was renewed (or skipped as already issuing)
  1  a renewal failed, or with --wait, a certificate failed or timed out
  2  error: bad usage, no access; nothing was changed after the error";

/// `--dry-run` values, as kubectl spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRunArg {
    /// Print what would be changed; send nothing
    Client,
    /// Send the writes with dryRun=All: the API server validates, stores nothing
    Server,
}

/// Arguments of `renew`.
#[derive(Debug, Args)]
pub struct RenewArgs {
    /// Certificates to renew (in the namespace of -n or the context)
    #[arg(value_name = "NAME", conflicts_with = "all")]
    pub names: Vec<String>,
    /// Renew every certificate in the namespace (with -A: in every namespace)
    #[arg(long)]
    pub all: bool,
    /// Renew also certificates that are already issuing
    #[arg(long)]
    pub force: bool,
    /// Show what would be renewed without changing anything (`=server`: let the API server validate the writes)
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "client")]
    pub dry_run: Option<DryRunArg>,
    /// After triggering, wait until each certificate is Ready with a new revision
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits in all (e.g. 5m, 90s)
    #[arg(long, value_name = "DURATION", default_value = "5m", requires = "wait")]
    pub timeout: String,
    /// Do not ask for confirmation before renewing many certificates across namespaces
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// How often --wait re-reads the cluster
    #[arg(long, value_name = "DURATION", default_value = "2s", hide = true)]
    pub poll_interval: String,
}

/// Help epilogue of `diagnose`.
pub const DIAGNOSE_HELP: &str = "\
Probes run from this machine, not from the cluster: a public CA may see something else.
Use --nameserver and --connect-to to look the way the CA or the ingress would.

Exit codes:
  0  every certificate looked at is healthy
  1  a certificate has an error finding (its root cause leads the report)
  2  error: bad usage, no access, unreadable input; nothing was concluded";

/// Arguments of `diagnose`.
#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// Certificate to diagnose; without it, every certificate in scope
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// Skip the network probes (DNS, HTTP-01, CAA): cluster state only
    #[arg(long)]
    pub offline: bool,
    /// Print the whole walk of each certificate (every finding with its evidence, fix and
    /// commands), as -o wide does
    #[arg(long)]
    pub tree: bool,
    /// Print every unhealthy certificate's block even when a fleet summary leads the report
    /// (more than 20 unhealthy); without it the blocks stop after 20
    #[arg(long)]
    pub details: bool,
    /// Print at most N certificate blocks after the fleet summary
    #[arg(long, value_name = "N")]
    pub max: Option<usize>,
    /// Also list the Pods in scope and report those that may serve an old copy of a
    /// Certificate's Secret (subPath mount, env vars, started before the last issuance)
    #[arg(long)]
    pub consumers: bool,
    /// Recursive resolver to use instead of the system's (repeatable), e.g. 1.1.1.1 or 10.0.0.2:5353
    #[arg(long, value_name = "IP[:PORT]")]
    pub nameserver: Vec<String>,
    /// Send the HTTP-01 request or TLS handshake for HOST:PORT to ADDR:PORT instead (curl's --connect-to; repeatable)
    #[arg(long, value_name = "HOST:PORT:ADDR:PORT")]
    pub connect_to: Vec<String>,
    /// Give up on one DNS query or HTTP request after this long
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub probe_timeout: String,
    /// Probes in flight at once
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=512))]
    pub concurrency: u16,
    /// Port queried on authoritative nameservers (53; a test seam for servers on high ports)
    #[arg(long, value_name = "PORT", default_value_t = 53, hide = true)]
    pub dns_port: u16,
    /// Port the HTTP-01 fetch connects to on each resolved address (80; a test seam)
    #[arg(long, value_name = "PORT", default_value_t = 80, hide = true)]
    pub http_port: u16,
    /// Port the TLS probe connects to on each resolved address (443; a test seam)
    #[arg(long, value_name = "PORT", default_value_t = 443, hide = true)]
    pub https_port: u16,
}

/// Arguments of `completion`.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to print the script for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `generate-assets`.
#[derive(Debug, Args)]
pub struct GenerateAssetsArgs {
    /// Directory to write `completions/` and `docs/man/` under (the repository root)
    #[arg(value_name = "DIR")]
    pub dir: std::path::PathBuf,
}

/// Arguments of `dump`.
#[derive(Debug, Args)]
pub struct DumpArgs {
    /// Write one file per context (CONTEXT.yaml) into this directory instead of stdout;
    /// needed with --all-contexts or several --context names
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Also list every Pod in scope and write it, for `diagnose --consumers --from-file`:
    /// volumes, mounts and the Secrets read into env vars (names and keys, never a value)
    #[arg(long)]
    pub consumers: bool,
}

/// Help epilogue of `approve`.
pub const APPROVE_HELP: &str = "\
Examples:
  certdoctor approve web-tls-3 -n production
  certdoctor approve web-tls-3 --reason ManualReview --message 'checked by on-call, INC-1234'

Needs `update` on certificaterequests/status and `approve` on signers (cert-manager.io) for
the request's issuer, e.g. issuers.cert-manager.io/NAMESPACE.NAME (see docs/rbac.md).

Exit codes:
  0  every request was approved (or with --dry-run, would be)
  1  a write failed (the request kept changing, or the API server failed)
  2  error: a request is already approved or denied, not found, or not allowed";

/// Help epilogue of `deny`.
pub const DENY_HELP: &str = "\
Examples:
  certdoctor deny web-tls-3 -n production --reason Policy --message 'wildcards need a ticket'

Needs `update` on certificaterequests/status and `approve` on signers (cert-manager.io) for
the request's issuer (see docs/rbac.md).

Exit codes:
  0  every request was denied (or with --dry-run, would be)
  1  a write failed (the request kept changing, or the API server failed)
  2  error: a request is already approved or denied, not found, or not allowed";

/// Arguments of `approve` and `deny`.
#[derive(Debug, Args)]
pub struct DecideArgs {
    /// CertificateRequests to decide (in the namespace of -n or the context)
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,
    /// The condition's reason
    #[arg(long, value_name = "REASON", default_value = "KubectlCertManager")]
    pub reason: String,
    /// The condition's message (default: `manually approved by "certdoctor"`, or denied)
    #[arg(long, value_name = "MESSAGE")]
    pub message: Option<String>,
    /// Show what would be written without changing anything (`=server`: let the API server validate the write)
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "client")]
    pub dry_run: Option<DryRunArg>,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// What to check.
    #[command(subcommand)]
    pub what: CheckWhat,
}

/// What `check` checks.
#[derive(Debug, Subcommand)]
pub enum CheckWhat {
    /// Is the cert-manager API usable: CRDs served, webhook registered with its CA, and a
    /// dry-run create of a Certificate accepted
    #[command(after_help = CHECK_API_HELP)]
    Api {
        /// Keep checking until the API is usable or this much time has passed (0s: check once)
        #[arg(long, value_name = "DURATION", default_value = "0s")]
        wait: String,
        /// Time between two checks while waiting
        #[arg(long, value_name = "DURATION", default_value = "5s")]
        interval: String,
    },
}

/// Help epilogue of `check api`.
pub const CHECK_API_HELP: &str = "\
Examples:
  certdoctor check api
  certdoctor check api --wait 2m    # in an install script, right after helm install

Exit codes:
  0  the cert-manager API is usable
  1  it is not (the reason is printed: CRDs missing, webhook not registered, its CA not
     injected, webhook unreachable), also when --wait ran out
  2  error: bad usage, no access; nothing was concluded";

/// Help epilogue of `explain`.
pub const EXPLAIN_HELP: &str = "\
Examples:
  certdoctor explain HTTP01_WRONG_STATUS
  certdoctor explain --list

The text is docs/findings.md, built into the binary.

Exit codes:
  0  the code was explained (or listed)
  2  error: no such code";

/// Arguments of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The finding code, e.g. HTTP01_WRONG_STATUS (any case)
    #[arg(
        value_name = "CODE",
        required_unless_present = "list",
        conflicts_with = "list"
    )]
    pub code: Option<String>,
    /// List every code with its severity and one-line meaning
    #[arg(long)]
    pub list: bool,
}
