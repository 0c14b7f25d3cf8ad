//! `certdoctor dump`: writes every object certdoctor reads as one YAML `kind: List`, for
//! `--from-file` later or for a support hand-off. What goes in and what is scrubbed first is
//! the dump format, [`crate::model::dump`]; this file loads, builds and prints.

use std::io::Write;

use crate::cluster;
use crate::config::Config;
use crate::error::{CliResult, EXIT_OK};
use crate::model::dump::build;
use crate::render;

/// Runs `dump`.
pub async fn run(config: &Config, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
    let loaded = cluster::load(&config.target).await?;
    let missing: Vec<_> = loaded
        .raw
        .unreadable
        .iter()
        .filter(|u| u.worth_warning())
        .cloned()
        .collect();
    super::warn_unreadable(&missing, "the dump has none of them", err);
    let doc = build(loaded.raw, &loaded.scope);
    // A dump is data: `-o json` gives a JSON List, every other format YAML.
    match config.output {
        crate::config::Output::Json => render::json(out, &doc)?,
        _ => render::yaml(out, &doc)?,
    }
    Ok(EXIT_OK)
}
