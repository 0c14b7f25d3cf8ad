//! Many clusters at once: which kubeconfig contexts `--all-contexts` or
//! `--context a,b,c` name, and reading each of them concurrently (at most
//! [`CONCURRENCY`] at a time), each with its own client and `--request-timeout`. One
//! context that cannot be read is a [`ContextRead`] with the error, never the end of the
//! run.
//!
//! Every context is read exactly as one `--context NAME` run reads it, so the
//! request-count guarantee (one paginated LIST per kind) holds per cluster.

use futures::StreamExt;

use super::{Loaded, Source, Target, client};
use crate::error::CliError;
use crate::model::snapshot::KindInfo;

/// Contexts read at once.
pub const CONCURRENCY: usize = 8;

/// Which contexts to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextChoice {
    /// `--all-contexts`: every context of the kubeconfig, in its order.
    All,
    /// `--context a,b,c`: these, in this order (two or more).
    Named(Vec<String>),
}

/// One context's read.
pub struct ContextRead {
    /// The context name.
    pub context: String,
    /// The snapshot and scope, or why not.
    pub result: Result<Loaded, CliError>,
}

/// The context names to read: the kubeconfig's (for `All`) or the ones given. Errors only
/// when the kubeconfig itself cannot be read, or names no context at all.
pub async fn names(target: &Target, choice: &ContextChoice) -> Result<Vec<String>, CliError> {
    match choice {
        ContextChoice::Named(names) => Ok(names.clone()),
        ContextChoice::All => {
            let Source::Live(opts) = &target.source else {
                return Err(
                    CliError::new("--all-contexts reads live clusters, not a dump")
                        .hint("drop --from-file"),
                );
            };
            let kc = client::read_config(opts).await?.ok_or_else(|| {
                CliError::new("--all-contexts needs a kubeconfig, and none was found")
                    .hint("pass --kubeconfig PATH or set KUBECONFIG")
            })?;
            let names: Vec<String> = kc.contexts.iter().map(|c| c.name.clone()).collect();
            if names.is_empty() {
                return Err(CliError::new("the kubeconfig has no contexts")
                    .hint("list them with `kubectl config get-contexts`"));
            }
            Ok(names)
        }
    }
}

/// `target` pointed at one context.
pub fn for_context(target: &Target, context: &str) -> Target {
    let mut t = target.clone();
    if let Source::Live(opts) = &mut t.source {
        opts.context = Some(context.to_string());
    }
    t
}

/// Reads `kinds` from every context (at most [`CONCURRENCY`] at once), in the order given:
/// the same kinds a one-cluster run of the command lists, so each cluster gets the same
/// requests.
pub async fn load_each(
    target: &Target,
    contexts: &[String],
    kinds: &[KindInfo],
) -> Vec<ContextRead> {
    futures::stream::iter(contexts.iter().cloned())
        .map(|context| async move {
            let t = for_context(target, &context);
            let result = super::load_kinds(&t, kinds).await;
            ContextRead { context, result }
        })
        .buffered(CONCURRENCY)
        .collect()
        .await
}
