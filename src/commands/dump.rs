//! `certdoctor dump`: writes every object certdoctor reads as one YAML `kind: List`, for
//! `--from-file` later or for a support hand-off. What goes in and what is scrubbed first is
//! the dump format, [`crate::model::dump`]; this file streams the objects from the cluster
//! (kind after kind, page by page) into the writer, so memory holds a page, not the cluster.

use std::io::Write;

use crate::cluster;
use crate::config::{Config, DumpOptions};
use crate::error::{CliResult, EXIT_OK};
use crate::model::dump::{DumpFormat, DumpWriter};
use crate::model::snapshot::with_consumer_pods;

/// Runs `dump`.
pub async fn run(
    config: &Config,
    opts: &DumpOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    // A dump is data: `-o json` gives a JSON List, every other format YAML.
    let format = match config.output {
        crate::config::Output::Json => DumpFormat::Json,
        _ => DumpFormat::Yaml,
    };
    // Everything the read-only commands read, `audit`'s extra kinds included, so every one
    // of them gives the same answer from the dump.
    // `--consumers` adds one LIST, last: every Pod in scope.
    let kinds: Vec<_> = crate::model::snapshot::KINDS
        .iter()
        .chain(crate::model::audit::AUDIT_KINDS.iter())
        .copied()
        .collect();
    let kinds = with_consumer_pods(&kinds, opts.consumers);
    let options = cluster::ReadOptions {
        kinds: &kinds,
        sequential: true,
    };
    let (writer, _origin) = cluster::load_into(&config.target, options, |scope| {
        let writer = DumpWriter::new(&mut *out, format, scope);
        if opts.consumers {
            writer.with_consumers()
        } else {
            writer
        }
    })
    .await?;
    let missing: Vec<_> = writer
        .unreadable_kinds()
        .iter()
        .filter(|u| u.worth_warning())
        .cloned()
        .collect();
    super::warn_unreadable(&missing, "the dump has none of them", err);
    writer.finish()?;
    Ok(EXIT_OK)
}
