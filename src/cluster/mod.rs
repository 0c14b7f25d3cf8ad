//! The edge that talks to the world: builds a kube client from a kubeconfig, LISTs every
//! kind once (paginated) into a [`RawSnapshot`], or reads the same from a dump file.
//!
//! Everything above this module works on the snapshot; nothing above it does I/O.

pub mod api;
pub mod client;
pub mod contexts;
pub mod file;
pub mod incluster;
pub mod load;
mod target;
pub mod watch;

pub use target::{ConnectOptions, NamespaceChoice, Source, Target};

use crate::error::CliError;
use crate::model::snapshot::{RawSnapshot, Scope};

/// A loaded raw snapshot and the scope it was read with.
pub struct Loaded {
    /// The objects.
    pub raw: RawSnapshot,
    /// The namespace/selector scope (namespace resolved against the kubeconfig).
    pub scope: Scope,
    /// For messages: `namespace "production"`, `all namespaces`, or the dump file.
    pub scope_label: String,
    /// The live connection, for commands that need one more request (`None` offline).
    pub conn: Option<client::Connection>,
}

/// Connects to the live cluster and resolves the scope (the context's namespace unless
/// `-n` or `-A`). Errors for a dump target: callers that write need a cluster.
pub async fn connect_scoped(target: &Target) -> Result<(client::Connection, Scope), CliError> {
    let Source::Live(opts) = &target.source else {
        return Err(CliError::new(
            "this command changes the cluster and cannot run on a dump (--from-file)",
        )
        .hint("drop --from-file and point --kubeconfig/--context at the cluster"));
    };
    let conn = client::connect(opts).await?;
    let namespace = match &target.namespace {
        NamespaceChoice::Explicit(ns) => Some(ns.clone()),
        NamespaceChoice::All => None,
        NamespaceChoice::Default => Some(conn.default_namespace.clone()),
    };
    let scope = Scope {
        namespace,
        selector: target.selector.clone(),
    };
    Ok((conn, scope))
}

/// Reads the snapshot the target asks for: from the cluster or from the dump file.
pub async fn load(target: &Target) -> Result<Loaded, CliError> {
    match &target.source {
        Source::Live(_) => {
            let (conn, scope) = connect_scoped(target).await?;
            let raw = load::fetch(&conn, &scope).await?;
            let scope_label = match &scope.namespace {
                Some(ns) => format!("namespace {ns:?}"),
                None => "any namespace".to_string(),
            };
            Ok(Loaded {
                raw,
                scope,
                scope_label,
                conn: Some(conn),
            })
        }
        Source::File(path) => {
            // A blocking read (stdin, a FIFO) and the parse run off the async runtime.
            let owned = path.clone();
            let raw = tokio::task::spawn_blocking(move || file::read(owned.as_deref()))
                .await
                .map_err(|e| CliError::new(format!("reading the dump failed: {e}")))??;
            let namespace = match &target.namespace {
                NamespaceChoice::Explicit(ns) => Some(ns.clone()),
                NamespaceChoice::All | NamespaceChoice::Default => None,
            };
            let file_label = path
                .as_ref()
                .map_or_else(|| "stdin".to_string(), |p| p.display().to_string());
            let scope_label = match &namespace {
                Some(ns) => format!("namespace {ns:?} of {file_label}"),
                None => file_label,
            };
            Ok(Loaded {
                raw,
                scope: Scope {
                    namespace,
                    selector: target.selector.clone(),
                },
                scope_label,
                conn: None,
            })
        }
    }
}
