//! The validated configuration every command runs with, built once from the command line
//! by `cli::convert`: usage errors are found there, before any I/O, and nothing here knows
//! about clap. The option structs of the lower layers are re-exported so the command line
//! builds them through this one door.

use jiff::{SignedDuration, Timestamp};

pub use crate::cluster::contexts::ContextChoice;
pub use crate::cluster::{ConnectOptions, NamespaceChoice, Source, Target};
pub use crate::findings::{Code, explain};
pub use crate::model::approval::Verdict;
pub use crate::model::selector::LabelSelector;
pub use crate::probe::{ConnectTo, ProbeOptions};
pub use crate::renew::{DryRun, RenewOptions};

/// Environment variable that fixes "now" (RFC 3339). A test seam: snapshot tests and
/// dumps taken in the past render the same ages every run.
pub const NOW_ENV: &str = "CERTDOCTOR_NOW";

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Text and tables.
    Text,
    /// Text with more table columns.
    Wide,
    /// JSON model.
    Json,
    /// YAML model.
    Yaml,
    /// A Markdown block for a ticket (`status` and `diagnose`).
    Markdown,
}

impl Output {
    /// True for the human formats.
    pub fn is_text(self) -> bool {
        matches!(self, Output::Text | Output::Wide)
    }
}

/// Validated configuration: what to read, how to print, and the command with its options.
#[derive(Debug, Clone)]
pub struct Config {
    /// Live cluster or dump, namespace and selector.
    pub target: Target,
    /// Several contexts at once (`--all-contexts`, `--context a,b`); `None` = one cluster
    /// (the target's context), as always.
    pub contexts: Option<ContextChoice>,
    /// `-o`.
    pub output: Output,
    /// Whether stdout gets colour (decided once, from `--color`, the terminal and NO_COLOR).
    pub color: bool,
    /// Columns long text wraps at: the terminal's width, or 100 when stdout is not a terminal.
    pub width: usize,
    /// The instant every age and expiry is measured from.
    pub now: Timestamp,
    /// The command to run.
    pub command: CommandConfig,
}

/// The command to run, with its validated options.
#[derive(Debug, Clone)]
pub enum CommandConfig {
    /// `status [NAME]`.
    Status {
        /// One certificate in detail; `None` = the table.
        name: Option<String>,
        /// `-w`: keep it on screen, updated from the API's watch.
        watch: bool,
    },
    /// `diagnose [NAME]`.
    Diagnose(DiagnoseOptions),
    /// `inspect secret|file`.
    Inspect(InspectOptions),
    /// `renew`.
    Renew(RenewOptions),
    /// `dump`.
    Dump(DumpOptions),
    /// `audit`: the production-readiness checklist.
    Audit,
    /// `approve` / `deny`.
    Decide(DecideOptions),
    /// `check api`.
    CheckApi(CheckApiOptions),
    /// `explain CODE`; `None` = `explain --list`.
    Explain(Option<Code>),
}

/// Options of `diagnose`.
#[derive(Debug, Clone)]
pub struct DiagnoseOptions {
    /// One certificate; `None` = every one in scope.
    pub name: Option<String>,
    /// The network probes; `None` with `--offline`.
    pub probes: Option<ProbeOptions>,
    /// `--tree`: every certificate's whole walk, as `-o wide` prints it.
    pub tree: bool,
    /// `--details`: every block after the fleet summary.
    pub details: bool,
    /// `--max N`: at most N blocks after the fleet summary.
    pub max: Option<usize>,
    /// `--consumers`: list the Pods in scope and report those that may use an old copy of
    /// a Certificate's Secret (CONSUMER_STALE).
    pub consumers: bool,
}

/// Options of `dump`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DumpOptions {
    /// `--output-dir`: one `CONTEXT.yaml` per context here instead of stdout.
    pub output_dir: Option<std::path::PathBuf>,
    /// `--consumers`: also LIST every Pod in scope and write it (for
    /// `diagnose --consumers --from-file`).
    pub consumers: bool,
}

/// What `inspect` reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InspectInput {
    /// A Secret, live or from the dump.
    Secret(String),
    /// Files (`-` = stdin).
    Files(Vec<String>),
    /// TLS servers (`inspect url`).
    Urls(UrlInput),
}

/// What `inspect url` connects to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlInput {
    /// Host (SNI) and port of each server.
    pub targets: Vec<(String, u16)>,
    /// `--secret NAME`: the Secret to compare the served leaf with.
    pub secret: Option<String>,
    /// Resolution, `--connect-to` and the timeout.
    pub probes: ProbeOptions,
}

/// Options of `inspect`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectOptions {
    /// What to read.
    pub input: InspectInput,
    /// `--warn-within`; `None` = the default window (a third of the lifetime or 7d).
    pub warn_within: Option<SignedDuration>,
}

/// Options of `approve` and `deny`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecideOptions {
    /// Approve or deny.
    pub verdict: Verdict,
    /// The CertificateRequests, in the target namespace.
    pub names: Vec<String>,
    /// The condition's reason (never empty).
    pub reason: String,
    /// The condition's message (never empty).
    pub message: String,
    /// Dry-run mode, if any.
    pub dry_run: Option<DryRun>,
}

/// Options of `check api`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckApiOptions {
    /// Keep checking for this long; zero = check once.
    pub wait: std::time::Duration,
    /// Time between two checks.
    pub interval: std::time::Duration,
}
