//! `certdoctor explain CODE` and `explain --list`: the finding documentation built into the
//! binary, printed; no cluster is read.

use std::io::Write;

use crate::config::{Code, Config, Output};
use crate::error::{CliResult, EXIT_OK};
use crate::render::{self, Paint};
use crate::report::explain::{CodeList, Explanation};

/// Runs `explain`: one code, or every code when `code` is `None`.
pub fn run(config: &Config, code: Option<Code>, out: &mut dyn Write) -> CliResult {
    let paint = Paint {
        enabled: config.color,
    };
    match (code, config.output) {
        (Some(c), Output::Json) => render::json(out, &Explanation::new(c))?,
        (Some(c), Output::Yaml) => render::yaml(out, &Explanation::new(c))?,
        (Some(c), _) => render::explain::explanation(out, &Explanation::new(c))?,
        (None, Output::Json) => render::json(out, &CodeList::new())?,
        (None, Output::Yaml) => render::yaml(out, &CodeList::new())?,
        (None, _) => render::explain::list(out, &CodeList::new(), paint)?,
    }
    Ok(EXIT_OK)
}
