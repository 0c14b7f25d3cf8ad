//! placeholder
use crate::config::Config;
use crate::error::CliResult;
use std::io::Write;
/// Runs `status --watch`.
pub async fn run(
    config: &Config,
    name: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    super::status::run(config, name, out, err).await
}
