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
mod plugin_output;
mod progress;
mod target;
pub mod watch;
mod write;

pub use target::{ConnectOptions, NamespaceChoice, Source, Target};

use crate::error::CliError;
use crate::model::snapshot::{KINDS, KindInfo, ObjectSink, RawSnapshot, Scope};

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
/// `-n` or `-A`). Errors for a dump target: these callers write to the cluster (renew,
/// approve) or ask it something a dump cannot answer (check api, watch).
pub async fn connect_scoped(target: &Target) -> Result<(client::Connection, Scope), CliError> {
    let Source::Live(opts) = &target.source else {
        return Err(CliError::new(
            "this command needs a live cluster and cannot run on a dump (--from-file)",
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

/// Where a snapshot came from, without its objects (they went to a sink).
pub struct Origin {
    /// The namespace/selector scope (namespace resolved against the kubeconfig).
    pub scope: Scope,
    /// For messages: `namespace "production"`, `all namespaces`, or the dump file.
    pub scope_label: String,
    /// The live connection, for commands that need one more request (`None` offline).
    pub conn: Option<client::Connection>,
}

/// How to read: which kinds, one after another or all at once.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions<'k> {
    /// Kinds to LIST (a dump file is read whole; the sink drops what it does not want).
    pub kinds: &'k [KindInfo],
    /// LIST the kinds one after another (in `kinds` order) instead of concurrently: `dump`
    /// writes pages as they come and wants them in a stable order.
    pub sequential: bool,
}

impl Default for ReadOptions<'_> {
    fn default() -> Self {
        ReadOptions {
            kinds: &KINDS,
            sequential: false,
        }
    }
}

/// Reads the snapshot the target asks for into the sink `make_sink` builds for the
/// resolved scope, object by object as pages (or dump items) arrive. Progress shows on
/// stderr when it is a terminal.
pub async fn load_into<S, F>(
    target: &Target,
    options: ReadOptions<'_>,
    make_sink: F,
) -> Result<(S, Origin), CliError>
where
    S: ObjectSink,
    F: FnOnce(&Scope) -> S,
{
    let progress = progress::Progress::stderr();
    match &target.source {
        Source::Live(_) => {
            let (conn, scope) = connect_scoped(target).await?;
            let mut sink = make_sink(&scope);
            let report = |k: &KindInfo, n: usize| progress.update(k.plural, n);
            if options.sequential {
                for k in options.kinds {
                    load::fetch_into(&conn, &scope, std::slice::from_ref(k), &mut sink, &report)
                        .await?;
                }
            } else {
                load::fetch_into(&conn, &scope, options.kinds, &mut sink, &report).await?;
            }
            progress.finish();
            let scope_label = match &scope.namespace {
                Some(ns) => format!("namespace {ns:?}"),
                None => "any namespace".to_string(),
            };
            Ok((
                sink,
                Origin {
                    scope,
                    scope_label,
                    conn: Some(conn),
                },
            ))
        }
        Source::File(path) => {
            let namespace = match &target.namespace {
                NamespaceChoice::Explicit(ns) => Some(ns.clone()),
                NamespaceChoice::All | NamespaceChoice::Default => None,
            };
            let scope = Scope {
                namespace,
                selector: target.selector.clone(),
            };
            let mut sink = make_sink(&scope);
            // A blocking read (stdin, a FIFO) and the parse leave this worker thread to the
            // runtime's other tasks; Ctrl-C is handled on a thread of its own.
            let mut read = || {
                let mut report = |n: usize| progress.update("objects", n);
                file::read(path.as_deref(), &mut sink, &mut report)
            };
            let multi_thread = tokio::runtime::Handle::try_current()
                .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
            if multi_thread {
                tokio::task::block_in_place(read)?;
            } else {
                read()?;
            }
            progress.finish();
            let file_label = path
                .as_ref()
                .map_or_else(|| "stdin".to_string(), |p| p.display().to_string());
            let scope_label = match &scope.namespace {
                Some(ns) => format!("namespace {ns:?} of {file_label}"),
                None => file_label,
            };
            Ok((
                sink,
                Origin {
                    scope,
                    scope_label,
                    conn: None,
                },
            ))
        }
    }
}

/// Reads the snapshot the target asks for, as raw objects: for the commands that look at
/// one object's JSON (`inspect`). The fleet commands type as they read ([`load_into`]).
pub async fn load(target: &Target) -> Result<Loaded, CliError> {
    load_kinds(target, &KINDS).await
}

/// [`load`] of some kinds only (`status` tables list no Events).
pub async fn load_kinds(target: &Target, kinds: &[KindInfo]) -> Result<Loaded, CliError> {
    let options = ReadOptions {
        kinds,
        sequential: false,
    };
    let (raw, origin) = load_into(target, options, |_| RawSnapshot::default()).await?;
    Ok(Loaded {
        raw,
        scope: origin.scope,
        scope_label: origin.scope_label,
        conn: origin.conn,
    })
}
