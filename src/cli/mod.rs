//! The command line as clap sees it, and the only module that knows clap: [`parse`] reads
//! the arguments, [`convert`] validates them once into a [`crate::config::Config`], and
//! [`assets`] makes completions and man pages from the same definition. Nothing below
//! this module sees a clap type.

pub mod assets;
pub mod convert;

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

pub use convert::{Invocation, convert};

/// Version string shown by `--version`: the crate version and the git commit it was built
/// from (`unknown` outside a git checkout; see build.rs).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("CERTDOCTOR_GIT_COMMIT"),
    ")"
);

/// Name to show in help when run as a kubectl plugin (`kubectl-certdoctor` on PATH).
fn display_name() -> Option<&'static str> {
    let argv0 = std::env::args_os().next()?;
    let file = std::path::Path::new(&argv0)
        .file_stem()?
        .to_str()?
        .to_string();
    (file == "kubectl-certdoctor").then_some("kubectl certdoctor")
}

/// Parses the process arguments; on a usage error, `--help` or `--version` clap prints
/// and exits (2 for errors, 0 otherwise).
pub fn parse() -> Cli {
    let mut cmd = Cli::command();
    if let Some(name) = display_name() {
        cmd = cmd.bin_name(name).name(name);
    }
    let matches = cmd.get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Exit codes of `inspect`, shown in its help.
pub const INSPECT_EXIT_CODES_HELP: &str = "\
Exit codes:
  0  every check passed (info findings allowed)
  1  a check found an error or warning
  2  error: unreadable input, no access; nothing was concluded";

/// Exit codes, shown at the end of `--help` and in the README.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  every certificate looked at is healthy, or the command did what was asked
  1  something is unhealthy (a certificate is not Ready)
  2  error: bad usage, no access, unreadable input; nothing was concluded";

/// certdoctor: find out why a cert-manager certificate is not Ready, and fix it.
#[derive(Debug, Parser)]
#[command(
    name = "certdoctor",
    version = VERSION,
    about = "Find out why a cert-manager certificate is not Ready, and what to do about it",
    after_help = EXIT_CODES_HELP,
    propagate_version = true
)]
pub struct Cli {
    /// Connection, scope and output flags shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts, anywhere on the command line.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// Kubeconfig context to use (default: the current context); several, comma-separated
    /// (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)
    #[arg(long, global = true, value_name = "NAME[,NAME…]")]
    pub context: Option<String>,

    /// Read every context of the kubeconfig at once (status, diagnose, dump), each with its
    /// own --request-timeout; one unreachable cluster never hides the others
    #[arg(long, global = true, conflicts_with = "context")]
    pub all_contexts: bool,

    /// Namespace to look in (default: the context's namespace)
    #[arg(short = 'n', long, global = true, value_name = "NS")]
    pub namespace: Option<String>,

    /// Look in every namespace
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,

    /// Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)
    #[arg(short = 'l', long, global = true, value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// Impersonate this user for every API request, as kubectl --as
    #[arg(long = "as", global = true, value_name = "USER")]
    pub as_user: Option<String>,

    /// Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)
    #[arg(long, global = true, value_name = "DURATION", default_value = "30s")]
    pub request_timeout: String,

    /// Output format
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = OutputArg::Text)]
    pub output: OutputArg,

    /// When to use colour (auto: only on a terminal, and never with NO_COLOR set)
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,

    /// Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or
    /// multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it
    #[arg(long, global = true, value_name = "PATH|-")]
    pub from_file: Option<String>,
}

/// `-o` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputArg {
    /// Human-readable text and tables
    Text,
    /// Text with extra table columns
    Wide,
    /// The documented JSON model (docs/output.md)
    Json,
    /// The same model as YAML
    Yaml,
    /// A Markdown block for an incident ticket (status and diagnose)
    Markdown,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour on a terminal unless NO_COLOR is set
    Auto,
    /// Always colour (also when piped)
    Always,
    /// Never colour
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find the root cause: walk the chain, probe DNS and HTTP-01 from here, and say what to do
    #[command(after_help = DIAGNOSE_HELP)]
    Diagnose(DiagnoseArgs),
    /// Show one certificate's whole chain with a verdict, or a table of all certificates
    #[command(after_help = EXIT_CODES_HELP)]
    Status(StatusArgs),
    /// Show what is really in a TLS Secret or PEM/DER file, and check it (never prints key bytes)
    #[command(after_help = INSPECT_EXIT_CODES_HELP)]
    Inspect(InspectArgs),
    /// Force re-issuance the way cert-manager expects (Issuing=True, ManuallyTriggered), for
    /// one certificate or a fleet
    #[command(after_help = RENEW_HELP)]
    Renew(RenewArgs),
    /// Print the shell completion script for SHELL
    Completion(CompletionArgs),
    /// Write the completion scripts and man pages into DIR (for packagers and the repository)
    #[command(hide = true)]
    GenerateAssets(GenerateAssetsArgs),
    /// Write the objects certdoctor reads to stdout as YAML, for offline use or a hand-off
    /// (private keys and non-certificate Secret data removed)
    Dump(DumpArgs),
    /// Approve CertificateRequests by hand (Approved=True, as `cmctl approve` writes it)
    #[command(after_help = APPROVE_HELP)]
    Approve(DecideArgs),
    /// Deny CertificateRequests by hand (Denied=True, as `cmctl deny` writes it)
    #[command(after_help = DENY_HELP)]
    Deny(DecideArgs),
    /// Check that cert-manager is usable (for install scripts and CI)
    Check(CheckArgs),
    /// Print what a finding code means and how to fix it, offline (like `rustc --explain`)
    #[command(after_help = EXPLAIN_HELP)]
    Explain(ExplainArgs),
    /// Check the production-readiness checklist (alerts, webhook HA, renewal margins, keys,
    /// issuers, CA distribution) against the cluster; say what cannot be checked
    #[command(after_help = AUDIT_HELP)]
    Audit(AuditArgs),
}

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
