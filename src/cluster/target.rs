//! Where the objects come from and which of them to read: a live cluster (and how to reach
//! it) or a dump file, the namespace choice and the label selector. Built once from the
//! command line by `cli::convert`; everything in `cluster` reads it, nothing here knows
//! about flags.

use std::path::PathBuf;
use std::time::Duration;

use crate::model::selector::LabelSelector;

/// How to reach a live cluster, the way kubectl does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    /// Explicit kubeconfig file; `None` = KUBECONFIG list or ~/.kube/config, merged by kube.
    pub kubeconfig: Option<PathBuf>,
    /// Context name; `None` = current context.
    pub context: Option<String>,
    /// User to impersonate.
    pub as_user: Option<String>,
    /// Connect and read timeout of each API request; never zero, so no request can hang.
    pub timeout: Duration,
}

/// Where objects come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A live cluster.
    Live(ConnectOptions),
    /// A dump file (`None` = stdin).
    File(Option<PathBuf>),
}

/// Which namespace the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NamespaceChoice {
    /// `-n NS`.
    Explicit(String),
    /// `-A`.
    All,
    /// Neither: the context's namespace live, the whole file offline.
    Default,
}

/// What to read: the source and the scope asked for. The namespace is resolved against
/// the kubeconfig only when connecting, so building a `Target` does no I/O.
#[derive(Debug, Clone)]
pub struct Target {
    /// Live cluster or dump.
    pub source: Source,
    /// Namespace choice.
    pub namespace: NamespaceChoice,
    /// `-l`, parsed.
    pub selector: Option<LabelSelector>,
}
