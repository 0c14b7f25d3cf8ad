//! The command line as clap sees it, and the only module that knows clap: [`parse`] reads
//! the arguments, [`convert`] validates them once into a [`crate::config::Config`], and
//! [`assets`] makes completions and man pages from the same definition. Nothing below
//! this module sees a clap type.

mod args;
pub mod assets;
pub mod convert;

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

pub use args::*;
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
